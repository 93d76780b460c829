using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;
using GrnFast.Host.Infer;
using GrnFast.Host.Serve;
using GrnFast.IO;

namespace GrnFast.Host.Tests.Serve;

/// <summary>Every error code of the protocol: what triggers it, its data, and that the host goes on serving.</summary>
public class ServeErrorTests
{
    private static readonly string Tiny = "\"expression\": {\"stream\": \"t\"}";

    /// <summary>Sends the frames, returns the answers up to the last request's, then checks a ping is still answered.</summary>
    private static ResponseFrame Answer(byte[] request)
    {
        using var host = new InProcessHost();
        Assert.Equal("hello", host.Next().Type);
        host.Send(request);
        var answer = host.Answer().Final;
        host.Send(Frames.Request("""{"op": "ping", "id": "still-there"}"""));
        var ping = host.Next();
        Assert.True(ping.Type == "result" && ping.Id == "\"still-there\"", $"the host stopped serving after {answer}: {ping}");
        return answer;
    }

    private static void AssertError(ResponseFrame f, string code, string? field = null, string? message = null)
    {
        Assert.True(f.Type == "error" && f.Code == code, $"expected {code}: {f}");
        if (field is not null) Assert.Equal(field, f.Data.GetProperty("field").GetString());
        if (message is not null) Assert.Contains(message, f.Message);
    }

    [Theory]
    [InlineData("""{"op": "ping"}""", "id", "null")]
    [InlineData("""{"op": "ping", "id": 1.5}""", "id", "null")]
    [InlineData("""{"op": "ping", "id": {"a": 1}}""", "id", "null")]
    [InlineData("""{"op": "ping", "id": 18446744073709551616}""", "id", "null")]
    [InlineData("""{"id": 1}""", "op", "1")]
    [InlineData("""{"id": 1, "op": 7}""", "op", "1")]
    [InlineData("""{"op": "hello", "id": 1}""", "protocol", "1")]
    [InlineData("""{"op": "hello", "id": 1, "protocol": "1"}""", "protocol", "1")]
    [InlineData("""{"op": "cancel", "id": 1}""", "target", "1")]
    [InlineData("""{"op": "cancel", "id": 1, "target": [1]}""", "target", "1")]
    public void BadRequestsOutsideInfer(string header, string field, string id)
    {
        var f = Answer(Frames.Request(header));
        AssertError(f, "bad_request", field);
        Assert.Equal(id, f.Id);
    }

    [Fact]
    public void AnIdLongerThan256CharactersIsRefused()
        => AssertError(Answer(Frames.Request($$"""{"op": "ping", "id": "{{new string('x', 257)}}"}""")), "bad_request", "id");

    [Theory]
    [InlineData("""{"op": "infer", "id": 1, "regulators": ["G1"]}""", "expression", "infer needs 'expression'")]
    [InlineData("""{"op": "infer", "id": 1, "expression": "x.tsv", "regulators": ["G1"]}""", "expression", "must be an object")]
    [InlineData("""{"op": "infer", "id": 1, "expression": {"path": "a", "stream": "t"}, "regulators": ["G1"]}""", "expression", "exactly one of")]
    [InlineData("""{"op": "infer", "id": 1, "expression": {"path": ""}, "regulators": ["G1"]}""", "expression.path", "empty")]
    [InlineData("""{"op": "infer", "id": 1, "expression": {"path": 5}, "regulators": ["G1"]}""", "expression.path", "must be a string")]
    [InlineData("""{"op": "infer", "id": 1, "expression": {"stream": "nope"}, "regulators": ["G1"]}""", "expression.stream", "no stream named 'nope' (declared: 't')")]
    [InlineData("""{"op": "infer", "id": 1, TINY}""", "regulators", "infer needs 'regulators'")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": []}""", "regulators", "regulators is empty")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": "G1"}""", "regulators", "array of gene names")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1", 2]}""", "regulators[1]", "must be a string")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1", ""]}""", "regulators[1]", "empty name")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "targets": []}""", "targets", "give null")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "priors": {}}""", "priors", "must be an array")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "priors": [{}]}""", "priors[0]", "exactly one of")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "priors": [{"path": 1}]}""", "priors[0].path", "must be a string")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "options": 5}""", "options", "must be an object")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "options": {"alpha": "abc"}}""", "options.alpha", "options.alpha: \"abc\" is not valid")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "options": {"alpha": -1}}""", "options.alpha", "options.alpha: -1 is not valid; it must be a finite number >= 0")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "options": {"alpha": 0}}""", "options.alpha", "invalid options: alpha must be finite and > 0")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "options": {"alpha": 0.1, "path": 10}}""", "options.alpha", "options.alpha fits one alpha; it cannot be combined with options.path, options.pathMinRatio or options.select")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "method": "forest"}""", "method", "method: 'forest' is not one of lasso, elasticnet, ridge")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "method": "lasso", "options": {"l1Ratio": 0.5}}""", "options.l1Ratio", "options.l1Ratio applies only to method elasticnet (got method lasso)")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "priorMode": "mask"}""", "priorMode", "priorMode needs at least one entry in priors")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "priorWeight": 0.5}""", "priorWeight", "priorWeight needs at least one entry in priors")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "priors": [{"path": "p.tsv"}], "priorWeight": 2}""", "priorWeight", "in (0, 1] in weight mode")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "options": {"threads": -1}}""", "options.threads", "an integer >= 0")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "options": {"path": 2.5}}""", "options.path", "an integer >= 1")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "options": {"select": "aic"}}""", "options.select", "options.select: 'aic' is not valid; use ebic, ebic:GAMMA or cv:K")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "options": {"precision": "float16"}}""", "options.precision", "is not one of float64, float32")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "options": {"tol": 1e400}}""", "options.tol", "a finite number > 0")]
    [InlineData("""{"op": "infer", "id": 1, "expression": {"stream": "t", "genesByCells": true}, "regulators": ["G1"]}""", "expression.genesByCells", "an inline stream is cells x genes")]
    [InlineData("""{"op": "infer", "id": 1, "expression": {"path": "x.npy", "genesByCells": true}, "regulators": ["G1"]}""", "expression.genesByCells", "applies to text input")]
    [InlineData("""{"op": "infer", "id": 1, "expression": {"path": "x.tsv", "genes": "g.txt"}, "regulators": ["G1"]}""", "expression.genes", "names the columns of .npy input")]
    [InlineData("""{"op": "infer", "id": 1, "expression": {"path": "x.tsv", "genesByCells": 1}, "regulators": ["G1"]}""", "expression.genesByCells", "true or false")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "progress": "yes"}""", "progress", "true or false")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "output": "x.tsv"}""", "output", "{\"path\": FILE}")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "output": {}}""", "output.path", "output needs a 'path'")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "output": {"path": ""}}""", "output.path", "empty")]
    [InlineData("""{"op": "infer", "id": 1, "expression": {"path": "a\u0000b.tsv"}, "regulators": ["G1"]}""", "expression.path", "contains a NUL character")]
    [InlineData("""{"op": "infer", "id": 1, TINY, "regulators": ["G1"], "priors": [{"path": "\u0000"}]}""", "priors[0].path", "contains a NUL character")]
    public void BadInferRequests(string header, string field, string message)
    {
        var f = Answer(Frames.Request(header.Replace("TINY", Tiny), ("t", ServeData.TinyExpression())));
        AssertError(f, "bad_request", field, message);
        Assert.Equal("1", f.Id);
    }

    [Fact]
    public void TheHostRefusesExactlyWhatTheCommandLineRefusesWithTheSameWords()
    {
        using var cli = new Cli();
        var r = cli.Run("infer", "--expression", cli.Expression(), "--regulators", cli.Regulators("G1"), "--out", cli.PathOf("o.tsv"), "--path-min-ratio", "0");
        var f = Answer(Frames.Request($$"""{"op": "infer", "id": 1, {{Tiny}}, "regulators": ["G1"], "options": {"pathMinRatio": 0} }""", ("t", ServeData.TinyExpression())));
        Assert.Equal(2, r.Code);
        Assert.Equal(r.Err.Trim().Replace("grnfast: --path-min-ratio: '0'", "options.pathMinRatio: 0"), f.Message);
    }

    [Fact]
    public void RepeatedStreamNamesAreABadRequest()
        => AssertError(Answer(Frames.Request("""{"op": "echo", "id": 1}""", ("a", [1]), ("a", [2]))), "bad_request", "streams[1].name");

    [Theory]
    [InlineData("{bad}")]
    [InlineData("[1, 2]")]
    [InlineData("\"just a string\"")]
    [InlineData("""{"op": "ping", "id": 1, "id": 2}""")]
    [InlineData("\uFEFF{\"op\": \"ping\", \"id\": 1}")]
    [InlineData("""{"op": "ping", "id": 1""")]
    public void HeadersThatAreNotAJsonObject(string header)
    {
        var f = Answer(Frames.Raw(Encoding.UTF8.GetBytes(header)));
        AssertError(f, "invalid_json");
        Assert.Equal("null", f.Id);
    }

    [Fact]
    public void InvalidUtf8InTheHeaderIsInvalidJson()
        => AssertError(Answer(Frames.Raw([.. "{\"id\": 1, \"op\": \""u8, 0xC3, 0x28, .. "\"}"u8])), "invalid_json", message: "not valid UTF-8");

    [Fact]
    public void UnknownOp()
    {
        var f = Answer(Frames.Request("""{"op": "frobnicate", "id": "x"}"""));
        AssertError(f, "unknown_op", message: "unknown op 'frobnicate'");
        Assert.Equal("frobnicate", f.Data.GetProperty("op").GetString());
    }

    [Fact]
    public void NotFoundAndUnsupportedProtocol()
    {
        var f = Answer(Frames.Request("""{"op": "cancel", "id": 1, "target": "ghost"}"""));
        AssertError(f, "not_found");
        Assert.Equal("ghost", f.Data.GetProperty("target").GetString());
        var h = Answer(Frames.Request("""{"op": "hello", "id": 2, "protocol": 2}"""));
        AssertError(h, "unsupported_protocol", message: "this host speaks protocol 1, not 2");
        Assert.Equal(1, h.Data.GetProperty("supported")[0].GetInt32());
    }

    public static TheoryData<string, byte[], string?> BadExpressionStreams()
    {
        var good = ServeData.TinyExpression();
        var floats = new FloatArray.Builder().AppendRange([1f, 2f, 3f]).Build();
        var withNull = new FloatArray.Builder().Append(1f).AppendNull().Append(3f).Build();
        var ints = new Int32Array.Builder().AppendRange([1, 2, 3]).Build();
        var shorter = new FloatArray.Builder().AppendRange([1f, 2f]).Build();
        var names = new StringArray.Builder().AppendRange(["a", "b", "c"]).Build();
        var list = new ListArray.Builder(FloatType.Default);
        for (int i = 0; i < 3; i++) { list.Append(); ((FloatArray.Builder)list.ValueBuilder).Append(i); }
        return new()
        {
            { "the schema message declares", "not an arrow stream at all"u8.ToArray(), null },
            { "the stream is empty", [], null },
            { "gene fields are float32 or float64", TestStreams.Table(("G1", floats), ("G2", ints)), "G2" },
            { "nulls are not allowed", TestStreams.Table(("G1", floats), ("G2", withNull)), "G2" },
            { "cell names are utf8", TestStreams.Table(("_cell", ints), ("G1", floats)), "_cell" },
            { "no gene fields", TestStreams.Table(("_cell", names)), null },
            { "unequal length", TestStreams.Table(("G1", floats), ("G2", shorter)), "G2" },
            { "flat columns", TestStreams.Table(("G1", floats), ("G2", list.Build())), "G2" },
            { "", good[..(good.Length / 2)], null },                          // truncated: some message runs past the end
            { "", good[..^9], null },                                         // the last batch's body cut short
        };
    }

    [Theory]
    [MemberData(nameof(BadExpressionStreams))]
    public void BadInlineExpression(string message, byte[] stream, string? field)
    {
        var f = Answer(Frames.Request("""{"op": "infer", "id": 1, "expression": {"stream": "x"}, "regulators": ["G1"]}""", ("x", stream)));
        AssertError(f, "bad_arrow", message: message);
        Assert.StartsWith("stream 'x': ", f.Message);
        Assert.Equal("x", f.Data.GetProperty("stream").GetString());
        if (field is not null) Assert.Equal(field, f.Data.GetProperty("field").GetString());
    }

    [Fact]
    public void RepeatedGeneFieldsAreBadArrow()
    {
        var a = new FloatArray.Builder().AppendRange([1f, 2f]).Build();
        var schema = new Schema([new Field("G1", FloatType.Default, false), new Field("G1", FloatType.Default, false)], null);
        using var s = new MemoryStream();
        using (var w = new Apache.Arrow.Ipc.ArrowStreamWriter(s, schema, leaveOpen: true)) { w.WriteRecordBatch(new RecordBatch(schema, [a, a], 2)); w.WriteEnd(); }
        AssertError(Answer(Frames.Request("""{"op": "infer", "id": 1, "expression": {"stream": "x"}, "regulators": ["G1"]}""", ("x", s.ToArray()))),
            "bad_arrow", "G1", "gene 'G1' appears twice");
    }

    [Fact]
    public void BadInlinePriors()
    {
        var regs = new StringArray.Builder().AppendRange(["G1", "G3"]).Build();
        var tgts = new StringArray.Builder().AppendRange(["G2", "G2"]).Build();
        var request = """{"op": "infer", "id": 1, "expression": {"stream": "t"}, "regulators": ["G1", "G3"], "priors": [{"stream": "p"}]}""";
        ResponseFrame With(byte[] prior) => Answer(Frames.Request(request, ("t", ServeData.TinyExpression()), ("p", prior)));

        AssertError(With(TestStreams.Table(("regulator", regs))), "bad_arrow", "target", "no field 'target'");
        AssertError(With(TestStreams.Table(("regulator", regs), ("target", new Int32Array.Builder().AppendRange([1, 2]).Build()))), "bad_arrow", "target", "must be utf8");
        AssertError(With(TestStreams.Table(("regulator", regs), ("target", tgts), ("weight", new Int32Array.Builder().AppendRange([1, 1]).Build()))),
            "bad_arrow", "weight", "float32 or float64");
        var bad = With(TestStreams.Table(("regulator", regs), ("target", tgts), ("weight", new DoubleArray.Builder().AppendRange([0.5, 7]).Build())));
        AssertError(bad, "bad_input", "weight", "row 1: the weight of G3 -> G2 is 7");
        Assert.Equal(1, bad.Data.GetProperty("row").GetInt32());
        AssertError(With(TestStreams.Table(("regulator", new StringArray.Builder().AppendRange(["G1", ""]).Build()), ("target", tgts))), "bad_input", "regulator", "the regulator is empty");
        // A valid one with an ignored extra field is accepted.
        var ok = With(TestStreams.Table(("regulator", regs), ("target", tgts), ("source", new StringArray.Builder().AppendRange(["db", "db"]).Build())));
        Assert.True(ok.Type == "result", ok.ToString());
    }

    [Fact]
    public void BadInputs()
    {
        using var cli = new Cli();
        var tsv = cli.Expression("x.csv");
        var missing = Answer(Frames.Request($$"""{"op": "infer", "id": 1, "expression": {"path": "{{cli.PathOf("nope.csv")}}"}, "regulators": ["G1"]}"""));
        AssertError(missing, "bad_input", message: "nope.csv");
        Assert.Equal(cli.PathOf("nope.csv"), missing.Data.GetProperty("file").GetString());

        var target = Answer(Frames.Request($$"""{"op": "infer", "id": 1, "expression": {"path": "{{tsv}}"}, "regulators": ["G1"], "targets": ["G2", "Nope"]}"""));
        AssertError(target, "bad_input", "targets[1]", "targets[1]: target 'Nope' is not a gene of");
        Assert.Equal("Nope", target.Data.GetProperty("gene").GetString());

        AssertError(Answer(Frames.Request($$"""{"op": "infer", "id": 1, "expression": {"path": "{{tsv}}"}, "regulators": ["X1", "X2"]}""")),
            "bad_input", "regulators", "none of the 2 regulators is a usable gene");

        var prior = cli.File("prior.tsv", "G1\tG2\t0.5\nG4\tG3\t7\n");
        var p = Answer(Frames.Request($$"""{"op": "infer", "id": 1, "expression": {"path": "{{tsv}}"}, "regulators": ["G1", "G4"], "priors": [{"path": "{{prior}}"}]}"""));
        AssertError(p, "bad_input", message: "prior.tsv:2: field 3 ('7')");
        Assert.Equal((prior, 2, 3), (p.Data.GetProperty("file").GetString(), p.Data.GetProperty("line").GetInt32(), p.Data.GetProperty("column").GetInt32()));

        var constant = cli.Expression("c.csv", constantG5: true);
        AssertError(Answer(Frames.Request($$"""{"op": "infer", "id": 1, "expression": {"path": "{{constant}}"}, "regulators": ["G1"], "targets": ["G5"]}""")),
            "bad_input", "targets[0]", "target 'G5' has zero variance");

        AssertError(Answer(Frames.Request($$"""{"op": "infer", "id": 1, "expression": {"path": "{{tsv}}"}, "regulators": ["G1"], "output": {"path": "{{cli.PathOf("no/such/dir/net.tsv")}}"} }""")),
            "bad_input", message: "does not exist");
        Assert.Empty(Directory.GetFiles(cli.Dir, "*.tmp", SearchOption.AllDirectories));

        AssertError(Answer(Frames.Request("""{"op": "infer", "id": 1, "expression": {"stream": "t"}, "regulators": ["G1"], "options": {"select": "cv:40"}}""", ("t", ServeData.TinyExpression()))),
            "bad_input", message: "40-fold cross-validation needs at least 40 cells, there are 30");
    }

    [Fact]
    public void AnUnexpectedFailureIsAnsweredAsInternalAndTheWorkerGoesOn()
    {
        // A job that skipped validation (threads -1) makes the pipeline throw what it never expects.
        using var data = ExpressionData.FromColumnMajor("d", Enumerable.Range(0, 40).Select(i => (float)Math.Sin(i)).ToArray(), 20, ["A", "B"]);
        var output = new MemoryStream();
        var stderr = new StringWriter();
        var writer = new FrameWriter(output, stderr);
        var runner = new InferRunner(writer, stderr);
        var request = new InferRequest
        {
            Expression = new ExpressionInput.InMemory(data),
            Regulators = new GeneListInput.Listed("regulators", ["A"]),
            Method = "lasso",
            Options = new Solvers.ElasticNet.ElasticNetOptions(),
            Threads = -1,
        };
        runner.Run(new InferJob { Id = new RequestId("bug", 0), Request = request });
        runner.Run(new InferJob { Id = new RequestId("fine", 0), Request = request with { Threads = 1 } });
        var frames = Frames.ParseAll(output.ToArray());
        AssertError(frames[0], "internal", message: "internal error: ArgumentOutOfRangeException");
        Assert.Equal("\"bug\"", frames[0].Id);
        Assert.Contains("[bug] grnfast: internal error: System.ArgumentOutOfRangeException", stderr.ToString());
        Assert.Equal(("result", "\"fine\""), (frames[1].Type, frames[1].Id));
    }

    public static TheoryData<string, byte[], string> Unrecoverable() => new()
    {
        { "bad magic", "GRNX\u0002\0\0\0{}"u8.ToArray(), "does not start with the magic GRNF (got 0x47524E58)" },
        { "text", "hello world\n"u8.ToArray(), "does not start with the magic GRNF" },
        { "header length 1", Frames.Raw("{"u8.ToArray()), "declares a header of 1 bytes" },
        { "header length over 16 MiB", [.. "GRNF"u8, 0x01, 0x00, 0x00, 0x01], "declares a header of 16777217 bytes" },
        { "input ends in the magic", "GR"u8.ToArray(), "input ends inside the magic of frame 2 (2 of 4 bytes)" },
        { "input ends in the length", "GRNF\u0002\0"u8.ToArray(), "input ends inside the header length of frame 2" },
        { "input ends in the header", Frames.Raw("""{"op": "ping", "id": 1}"""u8.ToArray())[..20], "input ends inside the header of frame 2: 12 of 23 bytes arrived" },
        { "input ends in a payload", Frames.Request("""{"op": "echo", "id": 1}""", ("a", new byte[50]))[..^10], "input ends inside stream 'a' of frame 2: 40 of 50 bytes arrived" },
        { "streams not an array", Frames.Raw("""{"op": "echo", "id": 1, "streams": 5}"""u8.ToArray()), "'streams' must be an array" },
        { "length not an integer", Frames.Raw("""{"op": "echo", "id": 1, "streams": [{"name": "a", "length": "5"}]}"""u8.ToArray()), "streams[0] must be an object with a string 'name' and an integer 'length'" },
        { "negative length", Frames.Raw("""{"op": "echo", "id": 1, "streams": [{"name": "a", "length": -5}]}"""u8.ToArray()), "streams[0].length (-5) is not an integer in [0, 2^53)" },
        { "fractional length", Frames.Raw("""{"op": "echo", "id": 1, "streams": [{"name": "a", "length": 1.5}]}"""u8.ToArray()), "streams[0].length (1.5) is not an integer" },
        { "length 2^53", Frames.Raw("""{"op": "echo", "id": 1, "streams": [{"name": "a", "length": 9007199254740992}]}"""u8.ToArray()), "is not an integer in [0, 2^53)" },
        { "a huge declared length", Frames.Raw("""{"op": "echo", "id": 1, "streams": [{"name": "a", "length": 9007199254740991}]}"""u8.ToArray(), new byte[10]), "input ends inside the payloads of frame 2: 10 of 9007199254740991 bytes arrived" },
    };

    [Theory]
    [MemberData(nameof(Unrecoverable))]
    public void AStreamThatCannotBeFollowedEndsWithAProtocolErrorAndExitCode2(string what, byte[] bad, string message)
    {
        var input = Frames.Concat(Frames.Request("""{"op": "ping", "id": "before"}"""), bad);
        var run = ScriptedHost.Run(input, TimeSpan.FromSeconds(30));
        Assert.True(run.Finished, $"{what}: the host hung");
        Assert.Equal(2, run.Code);
        var frames = Frames.ParseAll(run.Output);
        Assert.Equal(["hello", "result", "error"], frames.Select(f => f.Type));
        Assert.Equal("\"before\"", frames[1].Id);
        AssertError(frames[2], "protocol", message: message);
        Assert.Equal("null", frames[2].Id);
        Assert.Contains($"grnfast: serve: {frames[2].Message}", run.Stderr);
    }

    [Fact]
    public void EndOfInputAtAFrameBoundaryExitsZeroAndSilently()
    {
        var run = ScriptedHost.Run(Frames.Request("""{"op": "ping", "id": 1}"""), TimeSpan.FromSeconds(30));
        Assert.Equal(0, run.Code);
        Assert.Equal(["hello", "result"], Frames.ParseAll(run.Output).Select(f => f.Type));
        Assert.Equal("", run.Stderr);
        Assert.Equal(0, ScriptedHost.Run([], TimeSpan.FromSeconds(30)).Code);
    }
}
