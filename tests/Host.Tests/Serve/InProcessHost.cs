using System.Collections.Concurrent;
using System.IO.Pipes;
using GrnFast.Host.Serve;

namespace GrnFast.Host.Tests.Serve;

/// <summary>
/// A <see cref="HostServer"/> session in this process over two anonymous pipes, as a client would drive it: send
/// frames, take response frames as they come (a background reader drains the output so the host never blocks).
/// </summary>
internal sealed class InProcessHost : IDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly AnonymousPipeServerStream _requests = new(PipeDirection.Out);
    private readonly AnonymousPipeClientStream _hostInput;
    private readonly AnonymousPipeServerStream _responses = new(PipeDirection.In);
    private readonly AnonymousPipeClientStream _hostOutput;
    private readonly BlockingCollection<ResponseFrame> _frames = new();
    private readonly StringWriter _stderr = new();
    private readonly Thread _server;
    private readonly Thread _reader;
    private int _exitCode = -1;
    private Exception? _readerFailure;

    public InProcessHost(PayloadLimits? limits = null)
    {
        _hostInput = new AnonymousPipeClientStream(PipeDirection.In, _requests.ClientSafePipeHandle);
        _hostOutput = new AnonymousPipeClientStream(PipeDirection.Out, _responses.ClientSafePipeHandle);
        _server = new Thread(() =>
        {
            _exitCode = new HostServer(_hostInput, _hostOutput, _stderr, limits).Run();
            _hostOutput.Dispose(); // the client sees the end of the output, as when the process exits
        }) { IsBackground = true, Name = "test host" };
        _reader = new Thread(() =>
        {
            try { while (Frames.Read(_responses) is { } f) _frames.Add(f); }
            catch (Exception e) { _readerFailure = e; }
            finally { _frames.CompleteAdding(); }
        }) { IsBackground = true, Name = "test host output" };
        _server.Start();
        _reader.Start();
    }

    public string Stderr => _stderr.ToString();

    public void Send(params byte[][] frames)
    {
        foreach (var f in frames) _requests.Write(f);
        _requests.Flush();
    }

    /// <summary>The next response frame; fails the test if none comes in time or the output ended.</summary>
    public ResponseFrame Next(TimeSpan? timeout = null)
    {
        if (_frames.TryTake(out var frame, timeout ?? Patience)) return frame;
        if (_readerFailure is not null) throw new Xunit.Sdk.XunitException($"malformed output: {_readerFailure.Message}");
        throw new Xunit.Sdk.XunitException(_frames.IsCompleted ? $"the host's output ended; stderr:\n{Stderr}" : $"no response within {timeout ?? Patience}; stderr:\n{Stderr}");
    }

    /// <summary>Frames up to and including the first that is not progress; the progress frames are returned too.</summary>
    public (ResponseFrame Final, List<ResponseFrame> Progress) Answer()
    {
        var progress = new List<ResponseFrame>();
        while (true)
        {
            var f = Next();
            if (f.Type != "progress") return (f, progress);
            progress.Add(f);
        }
    }

    /// <summary>Closes stdin (end of input).</summary>
    public void CloseInput() => _requests.Dispose();

    /// <summary>Waits for the session to end; returns its exit code and the frames still unread.</summary>
    public (int Code, List<ResponseFrame> Unread) WaitExit()
    {
        if (!_server.Join(Patience)) throw new Xunit.Sdk.XunitException($"the host did not exit; stderr:\n{Stderr}");
        _reader.Join(Patience);
        var rest = _frames.ToList();
        if (_readerFailure is not null) throw new Xunit.Sdk.XunitException($"malformed output: {_readerFailure.Message}");
        return (_exitCode, rest);
    }

    public void Dispose()
    {
        _requests.Dispose();
        _server.Join(Patience);
        _reader.Join(Patience);
        _hostInput.Dispose();
        _responses.Dispose();
        _frames.Dispose();
    }
}

/// <summary>A whole session from a fixed input (which then ends): exit code, output frames, stderr.</summary>
internal static class ScriptedHost
{
    public sealed record Outcome(int Code, byte[] Output, string Stderr, bool Finished);

    public static Outcome Run(byte[] input, TimeSpan timeout, PayloadLimits? limits = null)
    {
        var output = new MemoryStream();
        var stderr = new StringWriter();
        int code = -1;
        Exception? crash = null;
        var thread = new Thread(() =>
        {
            try { code = new HostServer(new MemoryStream(input, writable: false), output, stderr, limits).Run(); }
            catch (Exception e) { crash = e; }
        }) { IsBackground = true };
        thread.Start();
        bool finished = thread.Join(timeout);
        if (crash is not null) throw new Xunit.Sdk.XunitException($"HostServer.Run threw {crash}");
        return new Outcome(code, finished ? output.ToArray() : [], stderr.ToString(), finished);
    }
}
