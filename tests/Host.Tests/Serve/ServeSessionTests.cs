using System.Text;
using GrnFast.IO;

namespace GrnFast.Host.Tests.Serve;

/// <summary>The protocol's requests against an in-process host: handshake, ping/info/hello/echo, infer, cancel, shutdown.</summary>
public class ServeSessionTests
{
    private static byte[] Req(string json, params (string, byte[])[] streams) => Frames.Request(json, streams);

    [Fact]
    public void HandshakeFirstThenPingInfoHelloAndEcho()
    {
        using var host = new InProcessHost();
        var hello = host.Next();
        Assert.Equal("hello", hello.Type);
        Assert.Equal(1, hello.Header.GetProperty("protocol").GetInt32());
        Assert.Equal(["lasso", "elasticnet", "ridge", "celloracle", "netrex-cf", "pmf-grn", "joint"], hello.Header.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.False(string.IsNullOrEmpty(hello.Header.GetProperty("version").GetString()));

        var payload = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray(); // larger than a pipe's buffer
        host.Send(
            Req("""{"op": "ping", "id": 1}"""),
            Req("""{"op": "info", "id": "i"}"""),
            Req("""{"op": "hello", "id": "h", "protocol": 1}"""),
            Req("""{"op": "echo", "id": 9007199254740993}""", ("big", payload), ("empty", []), ("small", [1, 2, 3])));

        var ping = host.Next();
        Assert.Equal(("result", "1"), (ping.Type, ping.Id));
        Assert.Equal("ping", ping.Header.GetProperty("op").GetString());
        var info = host.Next();
        Assert.Equal(("result", "\"i\""), (info.Type, info.Id));
        foreach (var key in new[] { "version", "nativeBlas", "instructionSet" }) Assert.False(string.IsNullOrEmpty(info.Header.GetProperty(key).GetString()), key);
        Assert.Equal("managed", info.Header.GetProperty("blas").GetString());    // what infer's cross-products use, whatever native library is found
        Assert.Equal(1, info.Header.GetProperty("protocol").GetInt32());
        Assert.Equal(Environment.ProcessorCount, info.Header.GetProperty("threads").GetInt32());
        Assert.Equal(7, info.Header.GetProperty("methods").GetArrayLength());
        var helloResult = host.Next();
        Assert.Equal(("result", "\"h\"", 1), (helloResult.Type, helloResult.Id, helloResult.Header.GetProperty("protocol").GetInt32()));
        var echo = host.Next();
        Assert.Equal(("result", "9007199254740993"), (echo.Type, echo.Id)); // integer ids keep their 64-bit value
        Assert.Equal(["big", "empty", "small"], echo.Streams.Select(s => s.Name));
        Assert.Equal(payload, echo.Stream("big"));
        Assert.Empty(echo.Stream("empty"));
        Assert.Equal([1, 2, 3], echo.Stream("small"));

        host.CloseInput();
        var (code, rest) = host.WaitExit();
        Assert.Equal(0, code);
        Assert.Empty(rest);
    }

    [Fact]
    public void InferByPathWritesTheCommandLinesNetworkByteForByte()
    {
        using var cli = new Cli();
        var prior = ServeData.WritePrior(cli.Dir);
        var tfs = cli.Regulators(ServeData.Regulators);
        var r = cli.Run("infer", "--expression", ServeData.Knockouts, "--regulators", tfs, "--prior", prior, "--method", "lasso",
            "--path", "30", "--threads", "2", "--out", cli.PathOf("cli.tsv"));
        Assert.True(r.Code == 0, r.Err);

        using var host = new InProcessHost();
        host.Next();
        string common = $$"""
            "expression": {"path": "{{ServeData.Knockouts}}"}, "regulators": {{ServeData.RegulatorsJson}},
            "priors": [{"path": "{{prior}}"}], "method": "lasso", "options": {"path": 30, "threads": 2}
            """;
        host.Send(Req($$"""{"op": "infer", "id": "file", {{common}}, "output": {"path": "{{cli.PathOf("host.tsv")}}"} }"""));
        var toFile = host.Answer().Final;
        Assert.True(toFile.Type == "result", toFile.ToString());
        Assert.Empty(toFile.Streams);
        Assert.Equal(cli.PathOf("host.tsv"), toFile.Header.GetProperty("output").GetString());
        Assert.Equal(File.ReadAllBytes(cli.PathOf("cli.tsv")), File.ReadAllBytes(cli.PathOf("host.tsv")));

        host.Send(Req($$"""{"op": "infer", "id": "stream", {{common}}}"""));
        var result = host.Answer().Final;
        Assert.True(result.Type == "result", result.ToString());
        var cliLines = File.ReadAllLines(cli.PathOf("cli.tsv"));
        Assert.Equal(cliLines, TestStreams.NetworkAsTsv(result.Stream("network")));
        Assert.Equal(cliLines.Length - 1, result.Header.GetProperty("edges").GetInt32());
        Assert.Equal(100, result.Header.GetProperty("targets").GetInt32());
        Assert.Equal(20, result.Header.GetProperty("regulators").GetInt32());
        Assert.Equal(100, result.Header.GetProperty("cells").GetInt32());
        foreach (var stage in new[] { "load", "standardize", "gram", "solve", "write", "total" })
            Assert.True(result.Header.GetProperty("timings").GetProperty(stage).GetDouble() >= 0, stage);
        Assert.Contains("[\"stream\"] grnfast: 100 targets fitted", host.Stderr.Replace("[stream]", "[\"stream\"]"));
    }

    [Fact]
    public void InlineDataGivesTheSameNetworkAsByPath()
    {
        using var cli = new Cli();
        var prior = ServeData.WritePrior(cli.Dir);
        using var data = ServeData.ReadKnockouts();
        var expression = TestStreams.Expression(data, batchRows: 37);          // several batches, the last one short
        var inlinePrior = TestStreams.Prior(PriorReader.Read(prior));
        string rest = $$"""
            "regulators": {{ServeData.RegulatorsJson}}, "targets": ["G5", "G30", "G31", "G77", "G100"],
            "priorMode": "weight", "priorWeight": 0.3, "options": {"threads": 1, "l1Ratio": 0.7}
            """;

        using var host = new InProcessHost();
        host.Next();
        host.Send(Req($$"""{"op": "infer", "id": 1, "expression": {"path": "{{ServeData.Knockouts}}"}, "priors": [{"path": "{{prior}}"}], {{rest}}}"""));
        var byPath = host.Answer().Final;
        host.Send(Req($$"""{"op": "infer", "id": 2, "expression": {"stream": "x"}, "priors": [{"stream": "p"}], {{rest}}}""", ("x", expression), ("p", inlinePrior)));
        var inline = host.Answer().Final;
        Assert.True(byPath.Type == "result" && inline.Type == "result", byPath + "\n" + inline);
        Assert.True(byPath.Header.GetProperty("edges").GetInt32() > 10, byPath.ToString());
        Assert.Equal(byPath.Stream("network"), inline.Stream("network"));

        // float64 columns: the same data widened; the fit runs in double and finds the same edges.
        host.Send(Req($$"""{"op": "infer", "id": 3, "expression": {"stream": "x"}, "priors": [{"stream": "p"}], {{rest}}}""",
            ("x", TestStreams.Expression(data, float64: true)), ("p", inlinePrior)));
        var wide = host.Answer().Final;
        Assert.True(wide.Type == "result", wide.ToString());
        Assert.Equal(
            TestStreams.NetworkAsTsv(byPath.Stream("network")).Select(l => string.Join('\t', l.Split('\t')[..2])).Order(),
            TestStreams.NetworkAsTsv(wide.Stream("network")).Select(l => string.Join('\t', l.Split('\t')[..2])).Order());
        Assert.Contains("stream 'x': 100 cells x 100 genes (float64)", host.Stderr);
    }

    [Fact]
    public void ProgressFramesComeBeforeTheResultAndEndAtTheTotal()
    {
        var (x, genes) = ServeData.SlowProblem(cells: 200, genes: 120);
        using var host = new InProcessHost();
        host.Next();
        host.Send(Req("""{"op": "infer", "id": "p", "expression": {"stream": "x"}, "regulators": ["g0", "g1", "g2", "g3", "g4", "g5"], "progress": true, "options": {"threads": 1}}""",
            ("x", TestStreams.Expression(x, 200, genes))));
        var (final, progress) = host.Answer();
        Assert.True(final.Type == "result", final.ToString());
        Assert.NotEmpty(progress);
        Assert.All(progress, p => Assert.Equal("\"p\"", p.Id));
        var done = progress.Select(p => p.Header.GetProperty("done").GetInt32()).ToList();
        Assert.Equal(done.Order(), done);
        Assert.Equal(done.Distinct().Count(), done.Count);
        Assert.All(progress, p => Assert.Equal(120, p.Header.GetProperty("total").GetInt32()));
        Assert.Equal(120, done[^1]);
        Assert.Equal(120, final.Header.GetProperty("targets").GetInt32());

        // Without "progress" there is none.
        host.Send(Req("""{"op": "infer", "id": "q", "expression": {"stream": "x"}, "regulators": ["g0", "g1"], "options": {"threads": 1}}""",
            ("x", TestStreams.Expression(x, 200, genes))));
        var (quiet, none) = host.Answer();
        Assert.Equal("result", quiet.Type);
        Assert.Empty(none);
    }

    private static byte[] SlowInfer(string id, bool progress = true)
    {
        var (x, genes) = ServeData.SlowProblem();
        return Req($$"""
            {"op": "infer", "id": "{{id}}", "expression": {"stream": "x"}, "regulators": [{{string.Join(",", genes.Select(g => $"\"{g}\""))}}],
             "progress": {{(progress ? "true" : "false")}}, "options": {"threads": 1, "tol": 1e-10, "path": 100} }
            """, ("x", TestStreams.Expression(x, 400, genes)));
    }

    [Fact]
    public void CancelStopsARunningInferAndTheHostKeepsServing()
    {
        using var host = new InProcessHost();
        host.Next();
        host.Send(SlowInfer("slow"));
        var first = host.Next();
        Assert.True(first.Type == "progress", first.ToString());                // fitting has started
        host.Send(Req("""{"op": "cancel", "id": "c", "target": "slow"}"""));
        var frames = new List<ResponseFrame>();
        while (frames.Count(f => f.Type != "progress") < 2) frames.Add(host.Next());
        var answers = frames.Where(f => f.Type != "progress").ToList();
        var cancel = answers.Single(f => f.Id == "\"c\"");
        Assert.Equal("result", cancel.Type);
        Assert.Equal("slow", cancel.Header.GetProperty("target").GetString());
        var slow = answers.Single(f => f.Id == "\"slow\"");
        Assert.True(slow.Type == "error" && slow.Code == "cancelled", slow.ToString());
        int lastDone = frames.Where(f => f.Type == "progress").Select(f => f.Header.GetProperty("done").GetInt32()).DefaultIfEmpty(0).Max();
        Assert.True(lastDone < 300, "the fit ran to the end before the cancel");

        host.Send(Req("""{"op": "ping", "id": "after"}"""), Req("""{"op": "infer", "id": "small", "expression": {"stream": "t"}, "regulators": ["G1", "G3"]}""", ("t", ServeData.TinyExpression())));
        Assert.Equal(("result", "\"after\""), (host.Next().Type, "\"after\""));
        var small = host.Answer().Final;
        Assert.True(small.Type == "result" && small.Id == "\"small\"", small.ToString());
        Assert.Contains("[slow] grnfast: cancelled", host.Stderr);
    }

    [Fact]
    public void CancelTakesAWaitingInferOutOfTheQueueAndPingIsAnsweredMeanwhile()
    {
        using var host = new InProcessHost();
        host.Next();
        host.Send(SlowInfer("a"));
        Assert.Equal("progress", host.Next().Type);
        host.Send(SlowInfer("b", progress: false), Req("""{"op": "infer", "id": "a", "expression": {"stream": "t"}, "regulators": ["G1"]}""", ("t", ServeData.TinyExpression())));
        host.Send(Req("""{"op": "cancel", "id": 1, "target": "b"}"""), Req("""{"op": "ping", "id": 2}"""));
        var answers = new List<ResponseFrame>();
        while (answers.Count < 4) { var f = host.Next(); if (f.Type != "progress") answers.Add(f); }
        // The reused id is refused, the waiting job answers cancelled right after the cancel's result, the ping is answered
        // while "a" still runs.
        Assert.Equal(["\"a\"", "1", "\"b\"", "2"], answers.Select(f => f.Id));
        Assert.Equal(("error", "bad_request", "id"), (answers[0].Type, answers[0].Code, answers[0].Data.GetProperty("field").GetString()));
        Assert.Equal("result", answers[1].Type);
        Assert.Equal(("error", "cancelled"), (answers[2].Type, answers[2].Code));
        Assert.Equal("result", answers[3].Type);

        host.Send(Req("""{"op": "cancel", "id": 3, "target": "a"}"""));
        var rest = new List<ResponseFrame>();
        while (rest.Count < 2) { var f = host.Next(); if (f.Type != "progress") rest.Add(f); }
        Assert.Contains(rest, f => f.Id == "3" && f.Type == "result");
        Assert.Contains(rest, f => f.Id == "\"a\"" && f.Code == "cancelled");
    }

    [Fact]
    public void ShutdownCancelsOpenWorkThenAnswersAndExitsZero()
    {
        using var host = new InProcessHost();
        host.Next();
        host.Send(SlowInfer("running"));
        Assert.Equal("progress", host.Next().Type);
        host.Send(SlowInfer("waiting", progress: false), Req("""{"op": "shutdown", "id": "bye"}"""), Req("""{"op": "ping", "id": "ignored"}"""));
        var (code, rest) = host.WaitExit();
        Assert.Equal(0, code);
        rest.RemoveAll(f => f.Type == "progress");
        Assert.Equal(3, rest.Count);
        Assert.Equal(["\"running\"", "\"waiting\""], rest.Take(2).Select(f => f.Id).Order());
        Assert.All(rest.Take(2), f => Assert.Equal("cancelled", f.Code));
        Assert.Equal(("result", "\"bye\""), (rest[2].Type, rest[2].Id));             // the last frame
    }

    [Fact]
    public void EndOfInputCancelsTheRunningInferAndExitsZero()
    {
        using var host = new InProcessHost();
        host.Next();
        host.Send(SlowInfer("running"));
        Assert.Equal("progress", host.Next().Type);
        host.CloseInput();
        var (code, rest) = host.WaitExit();
        Assert.Equal(0, code);
        var last = rest.Last(f => f.Type != "progress");
        Assert.Equal(("error", "cancelled", "\"running\""), (last.Type, last.Code, last.Id));
    }

    [Fact]
    public void PayloadsOverTheLimitAreSkippedAndAnsweredWithoutLosingStep()
    {
        using var host = new InProcessHost(new Host.Serve.PayloadLimits(MaxPayloadBytes: 1000, MaxFramePayloadBytes: 1500));
        host.Next();
        host.Send(
            Req("""{"op": "echo", "id": 1}""", ("big", new byte[1001])),
            Req("""{"op": "echo", "id": 2}""", ("a", new byte[800]), ("b", new byte[800])),
            Req("""{"op": "echo", "id": 3}""", ("a", new byte[1000]), ("b", new byte[500])));
        var one = host.Next();
        Assert.Equal(("bad_request", "streams[0].length", 1000L), (one.Code, one.Data.GetProperty("field").GetString(), one.Data.GetProperty("limit").GetInt64()));
        var two = host.Next();
        Assert.Equal(("bad_request", "streams", 1500L), (two.Code, two.Data.GetProperty("field").GetString(), two.Data.GetProperty("limit").GetInt64()));
        var three = host.Next();
        Assert.Equal(("result", 1500), (three.Type, three.Streams.Sum(s => s.Bytes.Length)));
    }

    [Fact]
    public void ALengthFieldDoesNotAllocateWhatNeverArrives()
    {
        // 1.5 GiB declared (under the per-payload limit), 100 bytes sent, then the input ends. (Not an echo: a large
        // echo is forwarded as it arrives, StreamingEchoTests.)
        var header = Encoding.UTF8.GetBytes("""{"op": "ping", "id": 1, "streams": [{"name": "x", "length": 1610612736}]}""");
        var input = Frames.Raw(header, new byte[100]);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var run = ScriptedHost.Run(input, TimeSpan.FromSeconds(30));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(run.Finished);
        Assert.Equal(2, run.Code);
        Assert.True(allocated < 256L << 20, $"{allocated >> 20} MiB allocated for 100 bytes of payload");
        var last = Frames.ParseAll(run.Output)[^1];
        Assert.Equal(("protocol", "null"), (last.Code, last.Id));
        Assert.Contains("input ends inside stream 'x' of frame 1: 100 of 1610612736 bytes arrived", run.Stderr);
    }
}
