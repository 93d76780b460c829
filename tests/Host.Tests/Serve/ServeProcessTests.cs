using System.Diagnostics;

namespace GrnFast.Host.Tests.Serve;

/// <summary>The real <c>grnfast serve</c> process: its stdin, stdout, stderr and exit codes.</summary>
public class ServeProcessTests
{
    private static Process Start()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "grnfast.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project references src/Host, which puts it there");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("serve");
        return Process.Start(start)!;
    }

    private static int WaitExit(Process p)
    {
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)), "grnfast serve did not exit");
        return p.ExitCode;
    }

    [Fact]
    public async Task ClosingStdinEndsTheHostWithExitCode0()
    {
        using var p = Start();
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.BaseStream;
        var input = p.StandardInput.BaseStream;
        Assert.Equal("hello", Frames.Read(stdout)!.Type);

        using var cli = new Cli();
        var r = cli.Run("infer", "--expression", ServeData.Knockouts, "--regulators", cli.Regulators(ServeData.Regulators), "--method", "ridge", "--out", cli.PathOf("cli.tsv"));
        Assert.True(r.Code == 0, r.Err);
        input.Write(Frames.Request("""{"op": "ping", "id": 1}"""));
        input.Write(Frames.Request($$"""{"op": "infer", "id": 2, "expression": {"path": "{{ServeData.Knockouts}}"}, "regulators": {{ServeData.RegulatorsJson}}, "method": "ridge", "progress": true}"""));
        input.Flush();
        Assert.Equal(("result", "1"), (Frames.Read(stdout)!.Type, "1"));
        ResponseFrame result;
        do result = Frames.Read(stdout)!; while (result.Type == "progress");
        Assert.True(result.Type == "result", result.ToString());
        Assert.Equal(File.ReadAllLines(cli.PathOf("cli.tsv")), TestStreams.NetworkAsTsv(result.Stream("network")));

        input.Close();
        Assert.Equal(0, WaitExit(p));
        Assert.Null(Frames.Read(stdout));                                  // nothing after, not a stray byte
        Assert.Contains("[2] grnfast: 100 targets fitted", await stderr);   // logs on stderr
    }

    [Fact]
    public async Task GarbageOnStdinGetsAProtocolErrorAndExitCode2()
    {
        using var p = Start();
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.BaseStream;
        p.StandardInput.BaseStream.Write("hello, is this the host?\n"u8);
        p.StandardInput.Close();
        Assert.Equal("hello", Frames.Read(stdout)!.Type);
        var error = Frames.Read(stdout)!;
        Assert.Equal(("error", "protocol", "null"), (error.Type, error.Code, error.Id));
        Assert.Null(Frames.Read(stdout));
        Assert.Equal(2, WaitExit(p));
        Assert.Contains("grnfast: serve: frame 1 does not start with the magic GRNF", await stderr);
    }

    [Fact]
    public void ShutdownEndsTheHostWithExitCode0WhileStdinStaysOpen()
    {
        using var p = Start();
        var stdout = p.StandardOutput.BaseStream;
        Assert.Equal("hello", Frames.Read(stdout)!.Type);
        p.StandardInput.BaseStream.Write(Frames.Request("""{"op": "shutdown", "id": "s"}"""));
        p.StandardInput.BaseStream.Flush();
        Assert.Equal(("result", "\"s\""), (Frames.Read(stdout)!.Type, "\"s\""));
        Assert.Equal(0, WaitExit(p));
        p.StandardInput.Close();
    }
}
