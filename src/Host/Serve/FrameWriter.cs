using System.Buffers.Binary;

namespace GrnFast.Host.Serve;

/// <summary>
/// The only writer of the host's stdout: one frame at a time (a lock serialises the reader's answers, the worker's
/// results and progress), each flushed at once so a client never waits on a buffered frame. A failed write (the
/// client closed its end) is logged once; later frames are dropped and <see cref="Failed"/> stays true.
/// </summary>
internal sealed class FrameWriter(Stream output, TextWriter log)
{
    private readonly Lock _gate = new();
    private readonly byte[] _prefix = new byte[8];

    public bool Failed { get; private set; }

    public void Send(Response response)
    {
        var header = response.Finish();
        lock (_gate)
        {
            if (Failed) return;
            try
            {
                HostProtocol.Magic.CopyTo(_prefix);
                BinaryPrimitives.WriteUInt32LittleEndian(_prefix.AsSpan(4), (uint)header.Length);
                output.Write(_prefix);
                output.Write(header.Span);
                foreach (var (_, bytes) in response.Streams) output.Write(bytes.Span);
                output.Flush();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or NotSupportedException)
            {
                Failed = true;
                log.WriteLine($"grnfast: serve: cannot write to stdout ({e.Message}); no further responses are sent");
            }
        }
    }
}
