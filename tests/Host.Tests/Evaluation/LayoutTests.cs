using System.Text.Json;

namespace GrnFast.Host.Tests.Evaluation;

/// <summary>The same network and gold standard in every layout evaluate reads give the same metrics.</summary>
public class LayoutTests
{
    private static JsonElement Evaluate(Cli cli, string network, string gold, params string[] extra)
    {
        var output = cli.PathOf($"m{Guid.NewGuid():N}.json");
        var (code, _, err) = cli.Run(["evaluate", "--network", network, "--gold", gold, "--out", output, .. extra]);
        Assert.True(code == 0, err);
        return JsonDocument.Parse(File.ReadAllText(output)).RootElement;
    }

    private static readonly (string R, string T, double W, double C)[] Edges =
    [
        ("A", "B", 0.9, 0.5), ("A", "C", 0.7, -0.3), ("B", "C", 0.7, 0.2), ("B", "D", 0.4, -0.1), ("C", "D", 0.2, 0.05), ("D", "A", 0.1, -0.4),
    ];

    private static string Rows(Func<(string R, string T, double W, double C), string> row) => string.Join("\n", Edges.Select(row)) + "\n";

    [Fact]
    public void NetworkLayoutsAgree()
    {
        using var cli = new Cli();
        var gold = cli.File("gold.tsv", "A\tB\t1\nA\tC\t1\nB\tD\t1\nC\tA\t0\nD\tB\t0\n");
        var layouts = new[]
        {
            cli.File("grnfast.tsv", "TF\ttarget\timportance\tcoef\n" + Rows(e => $"{e.R}\t{e.T}\t{e.W}\t{e.C}")),
            cli.File("arboreto.tsv", "TF\ttarget\timportance\n" + Rows(e => $"{e.R}\t{e.T}\t{e.W}")),
            cli.File("rankedEdges.csv", "Gene1,Gene2,EdgeWeight\n" + Rows(e => $"{e.R},{e.T},{-e.W}")), // signed weights rank by |w|
            cli.File("links.csv", "source,target,coef_mean,coef_abs,p,-logp\n" + Rows(e => $"{e.R},{e.T},{e.C},{e.W},0.01,2")),
            cli.File("plain.txt", Rows(e => $"{e.R}  {e.T}   {e.W}")),
            cli.File("quoted.tsv", Rows(e => $"\"{e.R}\"\t\"{e.T}\"\t{e.W}\t")), // trailing tab
        };
        var reference = Evaluate(cli, layouts[0], gold);
        Assert.Equal(3, reference.GetProperty("positives").GetInt32());
        foreach (var network in layouts[1..])
        {
            var m = Evaluate(cli, network, gold);
            foreach (var field in new[] { "pairs", "positives", "auprc", "auroc", "early_precision", "network_edges_scored" })
                Assert.True(reference.GetProperty(field).GetRawText() == m.GetProperty(field).GetRawText(), $"{Path.GetFileName(network)}: {field}");
        }
    }

    [Fact]
    public void GoldStandardLayoutsAgree()
    {
        using var cli = new Cli();
        var network = cli.File("net.tsv", "TF\ttarget\timportance\tcoef\n" + Rows(e => $"{e.R}\t{e.T}\t{e.W}\t{e.C}"));
        var layouts = new[]
        {
            cli.File("dream.tsv", "A\tB\t1\nA\tC\t1\nB\tD\t1\nC\tD\t0\n"),
            cli.File("refNetwork.csv", "Gene1,Gene2,Type\nA,B,+\nA,C,-\nB,D,+\nC,C,+\n"), // the self loop is dropped
            cli.File("chip.csv", "Gene1,Gene2,Score\nA,B,251\nA,C,17\nB,D,3\n"),
            cli.File("trrust.tsv", "A\tB\tActivation\nA\tC\tRepression\nB\tD\tUnknown\n"),
            cli.File("pairs.txt", "# two columns\nA B\nA C\nB D\n"),
        };
        foreach (var gold in layouts)
        {
            var m = Evaluate(cli, network, gold);
            Assert.True(m.GetProperty("positives").GetInt32() == 3, Path.GetFileName(gold));
            Assert.True(m.GetProperty("universe").GetProperty("regulators").GetInt32() == 2, Path.GetFileName(gold)); // A and B
            Assert.Equal(4, m.GetProperty("universe").GetProperty("genes").GetInt32());
        }
        // Signs: refNetwork and TRRUST layouts give signed metrics; A -> C is predicted with coef < 0 (right sign).
        var signed = Evaluate(cli, network, layouts[3]).GetProperty("signed");
        Assert.Equal(1, signed.GetProperty("unsigned_positives_skipped").GetInt32());
        Assert.Equal(1, signed.GetProperty("repression").GetProperty("positives").GetInt32());
        Assert.Equal(1.0, signed.GetProperty("repression").GetProperty("auprc").GetDouble(), 12);
        Assert.Equal(JsonValueKind.Null, Evaluate(cli, network, layouts[2]).GetProperty("signed").ValueKind);
    }
}
