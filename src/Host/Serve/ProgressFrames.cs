using System.Diagnostics;

namespace GrnFast.Host.Serve;

/// <summary>
/// Turns the solver's (targets done, total) reports, which arrive from every fitting thread, into <c>progress</c>
/// frames: the first at once, then at most one per <see cref="Interval"/>, and always the last (done = total);
/// counts only increase. Nothing is sent once the request is cancelled.
/// </summary>
internal sealed class ProgressFrames(FrameWriter writer, RequestId id, CancellationToken cancellation) : IProgress<(int Done, int Total)>
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly Lock _gate = new();
    private long _last;
    private int _done = -1;

    public void Report((int Done, int Total) value)
    {
        if (cancellation.IsCancellationRequested) return;
        lock (_gate)
        {
            if (value.Done <= _done) return;
            long now = Stopwatch.GetTimestamp();
            if (value.Done < value.Total && _done >= 0 && Stopwatch.GetElapsedTime(_last, now) < Interval) return;
            _done = value.Done;
            _last = now;
            writer.Send(Response.Progress(id, value.Done, value.Total));
        }
    }
}

/// <summary>Writes every line of a request's log with the request id in front, so interleaved logs can be told apart.</summary>
internal sealed class RequestLogWriter(TextWriter inner, RequestId id) : TextWriter
{
    public override System.Text.Encoding Encoding => inner.Encoding;

    public override void Write(char value) => inner.Write(value);

    public override void WriteLine(string? value) => inner.WriteLine($"[{id}] {value}");
}
