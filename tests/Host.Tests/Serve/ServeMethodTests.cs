using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GrnFast.Host.Tests.Serve;

/// <summary>
/// netrex-cf, pmf-grn, joint and celloracle over the host: their options mapped from the request (options.latentFactors,
/// options.epochs, options.evidence, options.bagging, ...) by the command line's own rules, and the network the command
/// line writes, pmf-grn's and joint's <c>std</c> column included (celloracle: its links table), in the result stream and
/// in an output file.
/// </summary>
public class ServeMethodTests
{
    private static byte[] Req(string json, params (string, byte[])[] streams) => Frames.Request(json, streams);

    private static string J(string s) => JsonSerializer.Serialize(s);

    /// <summary>A second prior source: every 3rd true edge (confidence 0.6) and a few false ones at 0.2.</summary>
    private static string WriteSecondPrior(string dir)
    {
        var lines = File.ReadLines(ServeData.GoldStandard).Select(l => l.Split('\t')).ToList();
        var rows = lines.Where(f => f[2] == "1").Where((_, i) => i % 3 == 1).Select(f => $"{f[0]}\t{f[1]}\t0.6")
            .Concat(lines.Where(f => f[2] == "0").Where((_, i) => i % 300 == 7).Select(f => $"{f[0]}\t{f[1]}\t0.2"));
        var path = Path.Combine(dir, "prior2.tsv");
        File.WriteAllText(path, string.Join("\n", rows) + "\n");
        return path;
    }

    /// <summary>joint's evidence: value 0.9 for every 2nd true edge among the regulators G1..G20, 0.1 for some false ones.</summary>
    private static string WriteEvidence(string dir)
    {
        var tfs = ServeData.Regulators.ToHashSet();
        var lines = File.ReadLines(ServeData.GoldStandard).Select(l => l.Split('\t')).Where(f => tfs.Contains(f[0])).ToList();
        var rows = lines.Where(f => f[2] == "1").Where((_, i) => i % 2 == 0).Select(f => $"{f[0]}\t{f[1]}\t0.9")
            .Concat(lines.Where(f => f[2] == "0").Where((_, i) => i % 50 == 0).Select(f => $"{f[0]}\t{f[1]}\t0.1"));
        var path = Path.Combine(dir, "evidence.tsv");
        File.WriteAllText(path, string.Join("\n", rows) + "\n");
        return path;
    }

    public static TheoryData<string> Methods => new() { "netrex-cf", "pmf-grn", "joint" };

    [Theory]
    [MemberData(nameof(Methods))]
    public void TheHostGivesTheCommandLinesNetwork(string method)
    {
        using var cli = new Cli();
        var prior = ServeData.WritePrior(cli.Dir);
        var tfs = cli.Regulators(ServeData.Regulators);
        // Small settings: a few iterations / epochs keep the test fast; the seed fixes the random starts.
        (string[] Flags, string Json, string[] Priors) m = method switch
        {
            "netrex-cf" => (["--latent-factors", "8", "--iterations", "8", "--refits", "1", "--refit-iterations", "3", "--seed", "2"],
                """{"latentFactors": 8, "iterations": 8, "refits": 1, "refitIterations": 3, "seed": 2, "threads": 2}""",
                [prior, WriteSecondPrior(cli.Dir)]),
            "pmf-grn" => (["--epochs", "40", "--seed", "3"], """{"epochs": 40, "seed": 3, "threads": 2}""", [prior]),
            _ => (["--epochs", "40", "--seed", "3", "--evidence", WriteEvidence(cli.Dir), "--evidence-weight", "2"],
                $$"""{"epochs": 40, "seed": 3, "evidence": {{J(Path.Combine(cli.Dir, "evidence.tsv"))}}, "evidenceWeight": 2, "threads": 2}""", [prior]),
        };
        var r = cli.Run(["infer", "--expression", ServeData.Knockouts, "--regulators", tfs, .. m.Priors.SelectMany(p => new[] { "--prior", p }),
            "--method", method, .. m.Flags, "--threads", "2", "--out", cli.PathOf("cli.tsv")]);
        Assert.True(r.Code == 0, r.Err);
        var cliLines = File.ReadAllLines(cli.PathOf("cli.tsv"));
        Assert.True(cliLines.Length > 1, "the command line wrote no edge");
        bool std = method != "netrex-cf";
        Assert.Equal(std ? "TF\ttarget\timportance\tcoef\tstd" : "TF\ttarget\timportance\tcoef", cliLines[0]);

        using var host = new InProcessHost();
        host.Next();
        string common = $$"""
            "expression": {"path": {{J(ServeData.Knockouts)}}}, "regulators": {{ServeData.RegulatorsJson}},
            "priors": [{{string.Join(", ", m.Priors.Select(p => $$"""{"path": {{J(p)}}}"""))}}], "method": "{{method}}", "options": {{m.Json}}
            """;
        host.Send(Req($$"""{"op": "infer", "id": "stream", {{common}}}"""));
        var result = host.Answer().Final;
        Assert.True(result.Type == "result", result.ToString());
        var network = result.Stream("network");
        Assert.Equal(cliLines, TestStreams.NetworkAsTsv(network));
        Assert.Equal(cliLines.Length - 1, result.Header.GetProperty("edges").GetInt32());
        foreach (var line in cliLines.Skip(1))
        {
            var f = line.Split('\t');
            double importance = double.Parse(f[2], CultureInfo.InvariantCulture);
            Assert.True(importance >= 0 && importance <= 1, line);  // an edge confidence (netrex-cf) or E[A] (pmf-grn, joint)
            if (std) Assert.True(double.Parse(f[4], CultureInfo.InvariantCulture) >= 0, line);
        }

        host.Send(Req($$"""{"op": "infer", "id": "file", {{common}}, "output": {"path": {{J(cli.PathOf("host.tsv"))}}} }"""));
        var toFile = host.Answer().Final;
        Assert.True(toFile.Type == "result", toFile.ToString());
        Assert.Equal(File.ReadAllBytes(cli.PathOf("cli.tsv")), File.ReadAllBytes(cli.PathOf("host.tsv")));

        // .arrows output: the same bytes as the result stream (std column included).
        host.Send(Req($$"""{"op": "infer", "id": "arrows", {{common}}, "output": {"path": {{J(cli.PathOf("host.arrows"))}}} }"""));
        var toArrows = host.Answer().Final;
        Assert.True(toArrows.Type == "result", toArrows.ToString());
        Assert.Equal(network, File.ReadAllBytes(cli.PathOf("host.arrows")));
    }

    [Fact]
    public void TheMethodsOptionsAreCheckedByTheCommandLinesRulesInTheRequestsNames()
    {
        using var cli = new Cli();
        var prior = ServeData.WritePrior(cli.Dir);
        using var host = new InProcessHost();
        host.Next();
        string expression = $$"""{"path": {{J(ServeData.Knockouts)}}}""";
        string priors = $$"""[{"path": {{J(prior)}}}]""";
        var cases = new (string Method, string Options, string? Priors, string Field, string Message)[]
        {
            ("lasso", """{"epochs": 10}""", null, "options.epochs", "options.epochs applies only to method pmf-grn or joint (got lasso)"),
            ("lasso", """{"latentFactors": 10}""", null, "options.latentFactors", "options.latentFactors applies only to method netrex-cf (got lasso)"),
            ("netrex-cf", """{"latentFactors": 0}""", priors, "options.latentFactors", "options.latentFactors: 0 is not valid; it must be an integer >= 1"),
            ("netrex-cf", """{}""", null, "method", "method netrex-cf needs prior knowledge: give at least one entry in priors"),
            ("netrex-cf", """{"path": 5}""", priors, "options.path", "options.path does not apply to method netrex-cf"),
            ("joint", """{}""", priors, "options.evidence", "method joint needs options.evidence (regulator, target, value in [0, 1])"),
            ("pmf-grn", """{"evidence": "e.tsv"}""", priors, "options.evidence", "options.evidence is the joint model's data"),
            ("pmf-grn", """{"learningRate": -1}""", priors, "options.learningRate", "options.learningRate: -1 is not valid; it must be a finite number > 0"),
            ("joint", """{"evidence": ""}""", priors, "options.evidence", "options.evidence is empty"),
        };
        int id = 0;
        foreach (var c in cases)
        {
            host.Send(Req($$"""{"op": "infer", "id": {{++id}}, "expression": {{expression}}, "regulators": {{ServeData.RegulatorsJson}}, "method": "{{c.Method}}", "options": {{c.Options}}{{(c.Priors is null ? "" : $", \"priors\": {c.Priors}")}}}"""));
            var answer = host.Answer().Final;
            Assert.True(answer.Type == "error" && answer.Code == "bad_request", $"{c}: {answer}");
            Assert.Equal(c.Field, answer.Data.GetProperty("field").GetString());
            Assert.Contains(c.Message, answer.Message);
        }

        // A missing evidence file is found when the request runs: bad_input naming it.
        var missing = cli.PathOf("no-such-evidence.tsv");
        host.Send(Req($$"""{"op": "infer", "id": "missing", "expression": {{expression}}, "regulators": {{ServeData.RegulatorsJson}}, "priors": {{priors}}, "method": "joint", "options": {"epochs": 5, "evidence": {{J(missing)}}} }"""));
        var gone = host.Answer().Final;
        Assert.True(gone.Type == "error" && gone.Code == "bad_input", gone.ToString());
        Assert.Contains("no-such-evidence.tsv", gone.Message);

        // celloracle's options too; regulators may be absent only with a base GRN.
        host.Send(Req($$"""{"op": "infer", "id": "co", "expression": {{expression}}, "priors": {{priors}}, "method": "celloracle", "options": {"bagging": 3} }"""));
        var co = host.Answer().Final;
        Assert.True(co.Type == "error" && co.Code == "bad_request", co.ToString());
        Assert.Contains("celloracle without it takes the TFs of options.baseGrn", co.Message);
        host.Send(Req($$"""{"op": "infer", "id": "co2", "expression": {{expression}}, "regulators": {{ServeData.RegulatorsJson}}, "method": "celloracle", "options": {"estimator": "bayesian", "bagging": 3} }"""));
        var co2 = host.Answer().Final;
        Assert.True(co2.Type == "error" && co2.Code == "bad_request", co2.ToString());
        Assert.Equal("options.bagging", co2.Data.GetProperty("field").GetString());
    }

    /// <summary>The links stream as the lines of the command line's links table (tab-separated, its number format).</summary>
    private static List<string> LinksAsTsv(byte[] stream)
    {
        using var reader = new Apache.Arrow.Ipc.ArrowStreamReader(new ReadOnlyMemory<byte>(stream));
        var names = reader.Schema.FieldsList.Select(f => f.Name).ToArray();
        var lines = new List<string> { string.Join('\t', names) };
        static string F(double v) => double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "inf" : v.ToString("R", CultureInfo.InvariantCulture);
        while (reader.ReadNextRecordBatch() is { } batch)
            for (int i = 0; i < batch.Length; i++)
                lines.Add(string.Join('\t', Enumerable.Range(0, names.Length).Select(c => batch.Column(c) switch
                {
                    Apache.Arrow.StringArray a => a.GetString(i),
                    Apache.Arrow.DoubleArray d => F(d.GetValue(i)!.Value),
                    var other => throw new InvalidOperationException(other.GetType().Name),
                })));
        return lines;
    }

    [Theory]
    [InlineData("--bagging", "5")]
    [InlineData("--estimator", "bayesian")]
    public void CellOracleOverTheHostIsTheCommandLinesLinksTable(string flag, string value)
    {
        using var cli = new Cli();
        var prior = ServeData.WritePrior(cli.Dir);
        var tfs = cli.Regulators(ServeData.Regulators);
        var r = cli.Run("infer", "--method", "celloracle", "--expression", ServeData.Knockouts, "--regulators", tfs, "--prior", prior,
            flag, value, "--seed", "9", "--filter-p", "1", "--filter-top", "40", "--out", cli.PathOf("cli.tsv"));
        Assert.True(r.Code == 0, r.Err);
        var cliLines = File.ReadAllLines(cli.PathOf("cli.tsv"));
        Assert.True(cliLines.Length > 1 && cliLines[0].StartsWith("source\ttarget\tcoef_mean\tcoef_abs", StringComparison.Ordinal), cliLines[0]);

        using var host = new InProcessHost();
        host.Next();
        string option = flag == "--bagging" ? $"\"bagging\": {value}" : $"\"estimator\": \"{value}\"";
        string common = $$"""
            "expression": {"path": {{J(ServeData.Knockouts)}}}, "regulators": {{ServeData.RegulatorsJson}}, "priors": [{"path": {{J(prior)}}}],
            "method": "celloracle", "options": { {{option}}, "seed": 9, "filterP": 1, "filterTop": 40 }
            """;
        host.Send(Req($$"""{"op": "infer", "id": "stream", {{common}}}"""));
        var result = host.Answer().Final;
        Assert.True(result.Type == "result", result.ToString());
        Assert.Equal(cliLines, LinksAsTsv(result.Stream("network")));
        Assert.Equal(cliLines.Length - 1, result.Header.GetProperty("edges").GetInt32());

        host.Send(Req($$"""{"op": "infer", "id": "file", {{common}}, "output": {"path": {{J(cli.PathOf("host.tsv"))}}} }"""));
        var toFile = host.Answer().Final;
        Assert.True(toFile.Type == "result", toFile.ToString());
        Assert.Equal(File.ReadAllBytes(cli.PathOf("cli.tsv")), File.ReadAllBytes(cli.PathOf("host.tsv")));

        host.Send(Req($$"""{"op": "infer", "id": "arrows", {{common}}, "output": {"path": {{J(cli.PathOf("host.arrows"))}}} }"""));
        var toArrows = host.Answer().Final;
        Assert.True(toArrows.Type == "result", toArrows.ToString());
        Assert.Equal(result.Stream("network"), File.ReadAllBytes(cli.PathOf("host.arrows")));
    }
}
