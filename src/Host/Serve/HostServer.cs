using System.Text.Json;
using GrnFast.Kernels;

namespace GrnFast.Host.Serve;

/// <summary>
/// One session of <c>grnfast serve</c> (docs/protocol.md): the handshake, then requests read from
/// the input stream and answered on the output stream until the input ends (exit 0), a
/// <c>shutdown</c> (exit 0) or a byte stream that cannot be resynchronised (a <c>protocol</c> error frame, exit 2).
/// The reader answers <c>ping</c>, <c>info</c>, <c>hello</c>, <c>echo</c>, <c>cancel</c> and <c>shutdown</c> at once;
/// <c>infer</c> requests are validated on arrival and run one at a time by an <see cref="InferQueue"/>. Logs go to
/// the log writer only. Streams instead of the console, so tests run sessions in-process.
/// </summary>
internal sealed class HostServer
{
    private readonly FrameReader _reader;
    private readonly FrameWriter _writer;
    private readonly TextWriter _stderr;
    private readonly InferQueue _queue;
    private readonly PayloadLimits _limits;
    private int _exitCode = -1;

    /// <summary>Echo payloads at least this large are forwarded as they arrive instead of being read whole first.</summary>
    internal const long StreamingEchoBytes = 1 << 20;

    public HostServer(Stream input, Stream output, TextWriter stderr, PayloadLimits? limits = null)
    {
        _stderr = TextWriter.Synchronized(stderr);
        _limits = limits ?? PayloadLimits.Default;
        _reader = new FrameReader(input, _limits) { Forward = TryStreamEcho };
        _writer = new FrameWriter(output, _stderr);
        var runner = new InferRunner(_writer, _stderr);
        _queue = new InferQueue(runner.Run, _stderr);
    }

    /// <summary>Runs the session to its end; returns the exit code (0 end of input or shutdown, 2 protocol error, 3 internal error).</summary>
    public int Run()
    {
        try
        {
            _writer.Send(Response.Hello());
            while (_exitCode < 0)
            {
                RequestFrame? frame;
                try { frame = _reader.Read(); }
                catch (ProtocolViolationException e) { return Stop(2, e.Message); }
                catch (IOException e) { return Stop(2, $"cannot read stdin ({e.Message})"); }
                if (frame is null) return Stop(0, null);
                using (frame) if (!frame.Answered) Dispatch(frame);
                if (_writer.Failed && _exitCode < 0) return Stop(2, "stdout is closed");
            }
            return _exitCode;
        }
        catch (Exception e)
        {
            _stderr.WriteLine($"grnfast: serve: internal error: {e}");
            Stop(3, null);
            return 3;
        }
    }

    /// <summary>Ends the session: the open requests are cancelled (and answered), then the protocol error if any.</summary>
    private int Stop(int code, string? protocolError)
    {
        _exitCode = code;
        foreach (var job in _queue.Close())
        {
            _writer.Send(Response.Error(job.Id, ErrorCode.Cancelled, "the request was cancelled: the session ended"));
            job.Dispose();
        }
        if (protocolError is not null)
        {
            _stderr.WriteLine($"grnfast: serve: {protocolError}");
            if (code == 2 && !_writer.Failed) _writer.Send(Response.Error(null, ErrorCode.Protocol, protocolError));
        }
        return code;
    }

    /// <summary>
    /// A large <c>echo</c> that would be answered with its payloads anyway is answered while it is read: the response
    /// header goes out first and the bytes are copied through in 1 MiB pieces, so the round trip overlaps both
    /// directions of the pipe instead of storing the whole payload first (which halves the throughput). Anything
    /// that would be an error (no id, an open id, a repeated name, over a limit) takes the ordinary path.
    /// </summary>
    private bool TryStreamEcho(JsonElement root, IReadOnlyList<(string Name, long Length)> declared, Stream input, int number)
    {
        if (!root.TryGetProperty("op", out var op) || op.ValueKind != JsonValueKind.String || op.GetString() != "echo") return false;
        if (!root.TryGetProperty("id", out var idElement) || !RequestId.TryRead(idElement, out var id) || _queue.IsOpen(id)) return false;
        long total = 0;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, length) in declared)
        {
            if (!names.Add(name) || length > _limits.MaxPayloadBytes) return false;
            total += length;
        }
        if (total < StreamingEchoBytes || total > _limits.MaxFramePayloadBytes) return false;
        var echo = Response.Result(id, "echo");
        foreach (var (name, length) in declared) echo.DeclareStream(name, length);
        _writer.SendForwarding(echo, input, () => $"the payloads of frame {number}");
        return true;
    }

    private void Dispatch(RequestFrame frame)
    {
        if (frame.Header is null)
        {
            _writer.Send(Response.Error(null, ErrorCode.InvalidJson, $"frame {frame.Number}: the header is not valid JSON ({frame.JsonError})"));
            return;
        }
        var root = frame.Header.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            _writer.Send(Response.Error(null, ErrorCode.InvalidJson, $"frame {frame.Number}: the header is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object"));
            return;
        }
        if (!root.TryGetProperty("id", out var idElement) || !RequestId.TryRead(idElement, out var id))
        {
            _writer.Send(Response.Error(null, ErrorCode.BadRequest,
                $"frame {frame.Number}: a request needs an 'id': a string of at most {HostProtocol.MaxIdLength} characters or an integer", [("field", "id")]));
            return;
        }
        try
        {
            if (!root.TryGetProperty("op", out var opElement) || opElement.ValueKind != JsonValueKind.String)
                throw RequestException.BadRequest("op", "a request needs an 'op' string");
            if (frame.StreamsProblem is { } problem) throw problem;
            if (_queue.IsOpen(id))
                throw RequestException.BadRequest("id", $"id {id} belongs to an open infer request; ids must be unique among open requests");
            string op = opElement.GetString()!;
            switch (op)
            {
                case "ping":
                    _writer.Send(Response.Result(id, "ping"));
                    break;
                case "info":
                    Info(id);
                    break;
                case "hello":
                    Hello(root, id);
                    break;
                case "echo":
                    var echo = Response.Result(id, "echo");
                    foreach (var (name, bytes) in frame.Streams) echo.AddStream(name, bytes);
                    _writer.Send(echo);
                    break;
                case "cancel":
                    Cancel(root, id);
                    break;
                case "shutdown":
                    _exitCode = 0;
                    Stop(0, null);
                    _writer.Send(Response.Result(id, "shutdown"));
                    break;
                case "infer":
                    _queue.Enqueue(InferRequestReader.Read(root, frame, id));
                    break;
                default:
                    throw new RequestException(ErrorCode.UnknownOp,
                        $"unknown op '{FrameReader.Quote(op)}' (ops: ping, info, hello, echo, infer, cancel, shutdown)", ("op", FrameReader.Quote(op)));
            }
        }
        catch (RequestException e)
        {
            _writer.Send(Response.Error(id, e));
        }
        catch (Exception e)
        {
            // A bug in handling one request must not end the session: the client gets the gist, stderr the rest.
            _stderr.WriteLine($"[{id}] grnfast: internal error: {e}");
            _writer.Send(Response.Error(id, ErrorCode.Internal, $"internal error: {e.GetType().Name}: {e.Message}"));
        }
    }

    private void Hello(JsonElement root, RequestId id)
    {
        if (!root.TryGetProperty("protocol", out var p) || p.ValueKind != JsonValueKind.Number || !p.TryGetInt32(out int version))
            throw RequestException.BadRequest("protocol", "hello needs 'protocol': an integer protocol version");
        if (version != HostProtocol.Version)
            throw new RequestException(ErrorCode.UnsupportedProtocol,
                $"this host speaks protocol {HostProtocol.Version}, not {version}", ("supported", new[] { HostProtocol.Version }));
        var r = Response.Result(id, "hello");
        r.WriteHelloFields();
        _writer.Send(r);
    }

    private void Info(RequestId id)
    {
        var r = Response.Result(id, "info");
        r.Json.WriteString("version", GrnFast.Host.Info.InfoCommand.Version);
        r.Json.WriteNumber("protocol", HostProtocol.Version);
        // What infer's cross-products use (always the managed GEMM), then the native library found, which infer does not use.
        r.Json.WriteString("blas", GrnFast.Host.Info.BlasReport.Infer);
        r.Json.WriteString("nativeBlas", GrnFast.Host.Info.BlasReport.Native);
        r.Json.WriteString("instructionSet", KernelInfo.InstructionSet);
        r.Json.WriteNumber("threads", Environment.ProcessorCount);
        r.Json.WriteStartArray("methods");
        foreach (var m in HostProtocol.Methods) r.Json.WriteStringValue(m);
        r.Json.WriteEndArray();
        _writer.Send(r);
    }

    private void Cancel(JsonElement root, RequestId id)
    {
        if (!root.TryGetProperty("target", out var t) || !RequestId.TryRead(t, out var target))
            throw RequestException.BadRequest("target", "cancel needs 'target': the id (string or integer) of an open infer request");
        var outcome = _queue.Cancel(target, out var removed);
        if (outcome == InferQueue.CancelOutcome.NotFound)
            throw new RequestException(ErrorCode.NotFound, $"no open request has id {target}", ("target", target));
        var r = Response.Result(id, "cancel");
        target.Write(r.Json, "target");
        _writer.Send(r);
        if (removed is not null)
        {
            _writer.Send(Response.Error(removed.Id, ErrorCode.Cancelled, "the request was cancelled before it started"));
            removed.Dispose();
        }
    }
}
