using GrnFast.Host.Serve;

namespace GrnFast.Host.Tests.Serve;

/// <summary>Large echoes are answered while they are read (both pipe directions overlap); small ones as before.</summary>
public class StreamingEchoTests
{
    private static byte[] Payload(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void LargeEchoReturnsEveryByteAndTheSessionGoesOn()
    {
        var a = Payload((int)HostServer.StreamingEchoBytes + 12345, 1);
        var b = Payload(3 << 20, 2);
        var input = Frames.Concat(
            Frames.Request("""{"op": "echo", "id": "big"}""", ("a", a), ("b", b), ("empty", [])),
            Frames.Request("""{"op": "echo", "id": 7}""", ("small", [1, 2, 3])),
            Frames.Request("""{"op": "ping", "id": "after"}"""));
        var run = ScriptedHost.Run(input, TimeSpan.FromSeconds(60));
        Assert.True(run.Finished);
        Assert.Equal(0, run.Code);
        var frames = Frames.ParseAll(run.Output);
        Assert.Equal(["hello", "result", "result", "result"], frames.Select(f => f.Type));
        Assert.Equal("\"big\"", frames[1].Id);
        Assert.Equal(["a", "b", "empty"], frames[1].Streams.Select(s => s.Name));
        Assert.Equal(a, frames[1].Streams[0].Bytes);
        Assert.Equal(b, frames[1].Streams[1].Bytes);
        Assert.Empty(frames[1].Streams[2].Bytes);
        Assert.Equal([1, 2, 3], frames[2].Streams[0].Bytes);
        Assert.Equal("\"after\"", frames[3].Id);
    }

    [Fact]
    public void ALargeEchoWithARepeatedNameTakesTheOrdinaryPathAndIsRefused()
    {
        var a = Payload((int)HostServer.StreamingEchoBytes, 3);
        var run = ScriptedHost.Run(Frames.Request("""{"op": "echo", "id": 1}""", ("a", a), ("a", a)), TimeSpan.FromSeconds(60));
        var frames = Frames.ParseAll(run.Output);
        Assert.Equal(0, run.Code);
        Assert.Equal("error", frames[1].Type);
        Assert.Equal("bad_request", frames[1].Code);
    }

    /// <summary>
    /// Input ending inside a forwarded payload: the response frame announced a length it cannot honestly complete, so
    /// the output stops there (no frame follows), the message goes to stderr, and the host exits 2.
    /// </summary>
    [Fact]
    public void InputEndingInsideAForwardedPayloadCutsTheEchoShortAndExits2()
    {
        var a = Payload(2 << 20, 4);
        var request = Frames.Request("""{"op": "echo", "id": 1}""", ("a", a));
        var run = ScriptedHost.Run(request[..^1000], TimeSpan.FromSeconds(60));
        Assert.True(run.Finished);
        Assert.Equal(2, run.Code);
        using var output = new MemoryStream(run.Output);
        Assert.Equal("hello", Frames.Read(output)!.Type);
        Assert.Throws<InvalidDataException>(() => Frames.Read(output));
        Assert.Equal(run.Output.Length, output.Position);
        Assert.Contains($"input ends inside the payloads of frame 1: {a.Length - 1000} of {a.Length} bytes arrived", run.Stderr);
    }
}
