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

    /// <summary>
    /// Sends a frame whose declared payloads (<see cref="Response.DeclareStream"/>) are copied from
    /// <paramref name="source"/> as they arrive, holding the writer for the whole frame. If the source ends early the
    /// frame cannot be completed honestly (padding a declared gigabyte would cost what a length field must not): the
    /// output stops there, no further frame is written (<see cref="Failed"/>), and a
    /// <see cref="ProtocolViolationException"/> is thrown, so the host logs it and exits 2.
    /// </summary>
    public void SendForwarding(Response response, Stream source, Func<string> what)
    {
        var header = response.Finish();
        string? truncated = null;
        lock (_gate)
        {
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
            try
            {
                if (!Failed)
                {
                    HostProtocol.Magic.CopyTo(_prefix);
                    BinaryPrimitives.WriteUInt32LittleEndian(_prefix.AsSpan(4), (uint)header.Length);
                    output.Write(_prefix);
                    output.Write(header.Span);
                }
                foreach (var (_, length) in response.Forwarded)
                {
                    long left = length;
                    while (left > 0 && truncated is null)
                    {
                        int n = source.Read(buffer, 0, (int)Math.Min(left, buffer.Length));
                        if (n == 0)
                        {
                            truncated = $"input ends inside {what()}: {length - left} of {length} bytes arrived; the echo was cut short";
                            break;
                        }
                        if (!Failed) output.Write(buffer, 0, n);
                        left -= n;
                    }
                }
                if (!Failed) output.Flush();
                if (truncated is not null) Failed = true;
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or NotSupportedException)
            {
                if (!Failed) log.WriteLine($"grnfast: serve: cannot write to stdout ({e.Message}); no further responses are sent");
                Failed = true;
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        if (truncated is not null) throw new ProtocolViolationException(truncated);
    }

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
