using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace GrnFast.Host.Tests.Evaluation;

/// <summary>
/// grnfast evaluate end to end on the DREAM4 demo gold standard, against values computed independently by
/// make_evaluate_fixture.py (scikit-learn and a numpy re-implementation of the rules) to 1e-9.
/// </summary>
public class EvaluateCommandTests
{
    internal static string Here([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    internal static string DemoData => Path.GetFullPath(Path.Combine(Here(), "..", "..", "..", "src", "Host", "DemoData"));

    internal static string Gold => Path.Combine(DemoData, "DREAM4_GoldStandard_InSilico_Size100_1.tsv");

    private static readonly JsonDocument Expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Here(), "evaluate_expected.json")));

    private static string Resolve(string name) => name.StartsWith("@demo/", StringComparison.Ordinal) ? Path.Combine(DemoData, name[6..]) : Path.Combine(Here(), name);

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Expected.RootElement.GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTheReferenceScript(string name)
    {
        var c = Expected.RootElement.GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        using var cli = new Cli();
        var args = new List<string> { "evaluate", "--network", Resolve(c.GetProperty("network").GetString()!), "--gold", Resolve(c.GetProperty("gold").GetString()!) };
        foreach (var a in c.GetProperty("args").EnumerateArray())
        {
            var s = a.GetString()!;
            args.Add(s.StartsWith("--", StringComparison.Ordinal) ? s : Resolve(s));
        }
        args.AddRange(["--out", cli.PathOf("metrics.json")]);
        var (code, _, err) = cli.Run([.. args]);
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(File.ReadAllText(cli.PathOf("metrics.json")));
        var m = json.RootElement;
        var x = c.GetProperty("expected");
        Assert.Equal(name is "signed" or "regulators" ? "all" : name, m.GetProperty("mode").GetString());
        Assert.Equal(x.GetProperty("universe").GetInt32(), m.GetProperty("universe").GetProperty("pairs").GetInt32());
        Assert.Equal(x.GetProperty("regulators").GetInt32(), m.GetProperty("universe").GetProperty("regulators").GetInt32());
        Assert.Equal(x.GetProperty("network_scored").GetInt32(), m.GetProperty("network_edges_scored").GetInt32());
        if (m.GetProperty("heldout").ValueKind != JsonValueKind.Null)
            Assert.Equal(x.GetProperty("heldout_pairs").GetInt32(), m.GetProperty("heldout").GetProperty("pairs").GetInt32());
        if (m.GetProperty("exclude_prior").ValueKind != JsonValueKind.Null)
        {
            Assert.Equal(x.GetProperty("excluded").GetInt32(), m.GetProperty("exclude_prior").GetProperty("pairs_excluded").GetInt32());
            Assert.Equal(x.GetProperty("excluded_positives").GetInt32(), m.GetProperty("exclude_prior").GetProperty("positives_excluded").GetInt32());
        }
        AssertMetrics(name, x.GetProperty("unsigned"), m);
        if (name == "signed")
        {
            AssertMetrics("activation", x.GetProperty("activation"), m.GetProperty("signed").GetProperty("activation"));
            AssertMetrics("repression", x.GetProperty("repression"), m.GetProperty("signed").GetProperty("repression"));
        }
        else Assert.Equal(JsonValueKind.Null, m.GetProperty("signed").ValueKind);
    }

    internal static void AssertMetrics(string label, JsonElement x, JsonElement m)
    {
        Assert.True(x.GetProperty("pairs").GetInt32() == m.GetProperty("pairs").GetInt32(), $"{label}: pairs");
        Assert.True(x.GetProperty("positives").GetInt32() == m.GetProperty("positives").GetInt32(), $"{label}: positives");
        Assert.True(x.GetProperty("predicted").GetInt32() == m.GetProperty("predicted_pairs").GetInt32(), $"{label}: predicted pairs");
        Assert.True(x.GetProperty("ep_selected").GetInt32() == m.GetProperty("early_precision_selected").GetInt32(), $"{label}: EP selected");
        foreach (var (mine, theirs) in new[] { ("auprc", "auprc"), ("auprc_ratio", "auprc_ratio"), ("auroc", "auroc"), ("auroc_ratio", "auroc_ratio"), ("early_precision", "ep"), ("early_precision_ratio", "epr"), ("positive_rate", "positive_rate") })
        {
            double expected = x.GetProperty(theirs).GetDouble(), actual = m.GetProperty(mine).GetDouble();
            Assert.True(Math.Abs(expected - actual) <= 1e-9, $"{label}: {mine} = {actual}, reference {expected}");
        }
    }

    /// <summary>
    /// prior perturbation (|z| of the DREAM4 knockouts) then evaluate: the z-scores and the metrics agree with numpy and
    /// scikit-learn, and knockouts recover the gold standard far above random (measured AUPRC 0.512, 11.8x random).
    /// </summary>
    [Fact]
    public void PerturbationPriorScoredEndToEnd()
    {
        using var cli = new Cli();
        var (code, _, err) = cli.Run("prior", "perturbation", "--expression", Path.Combine(DemoData, "insilico_size100_1_knockouts.tsv"),
            "--wildtype", Path.Combine(DemoData, "insilico_size100_1_wildtype.tsv"), "--min-z", "0", "--weight", "abs-z", "--out", cli.PathOf("z.tsv"));
        Assert.True(code == 0, err);
        var p = Expected.RootElement.GetProperty("perturbation");
        var lines = File.ReadAllLines(cli.PathOf("z.tsv"));
        Assert.Equal("regulator\ttarget\tweight", lines[0]);
        Assert.Equal(9901, lines.Length);
        var weights = lines.Skip(1).Select(l => l.Split('\t')).ToDictionary(f => (f[0], f[1]), f => double.Parse(f[2], CultureInfo.InvariantCulture));
        foreach (var s in p.GetProperty("z_sample").EnumerateArray())
            Assert.Equal(Math.Abs(s[2].GetDouble()), weights[(s[0].GetString()!, s[1].GetString()!)], 1e-9);

        (code, _, err) = cli.Run("evaluate", "--network", cli.PathOf("z.tsv"), "--gold", Gold, "--out", cli.PathOf("m.json"));
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(File.ReadAllText(cli.PathOf("m.json")));
        AssertMetrics("perturbation", p.GetProperty("expected").GetProperty("unsigned"), json.RootElement);
        Assert.True(json.RootElement.GetProperty("auprc_ratio").GetDouble() > 3);
        Assert.True(json.RootElement.GetProperty("early_precision_ratio").GetDouble() > 3);
    }

    /// <summary>The evaluation universe and counts in the JSON say what was scored.</summary>
    [Fact]
    public void JsonReportsModeCountsAndWarnings()
    {
        using var cli = new Cli();
        var (code, _, err) = cli.Run("evaluate", "--network", Path.Combine(Here(), "dream4_network.tsv"), "--gold", Gold,
            "--heldout-targets", Path.Combine(Here(), "heldout_targets.txt"), "--out", cli.PathOf("m.json"));
        Assert.True(code == 0, err);
        Assert.Contains("1 of 26 held-out names in", err);
        Assert.Contains("NOT_A_GENE", err);
        Assert.Contains("2 self loops dropped", err);
        using var json = JsonDocument.Parse(File.ReadAllText(cli.PathOf("m.json")));
        var m = json.RootElement;
        Assert.Equal("heldout-targets", m.GetProperty("mode").GetString());
        Assert.Equal("targets", m.GetProperty("heldout").GetProperty("axis").GetString());
        Assert.Equal(26, m.GetProperty("heldout").GetProperty("genes_listed").GetInt32());
        Assert.Equal(25, m.GetProperty("heldout").GetProperty("genes_used").GetInt32());
        Assert.Equal(2, m.GetProperty("counts").GetProperty("network_self_loops").GetInt32());
        Assert.Equal(9724, m.GetProperty("counts").GetProperty("gold_rows_labelled_0").GetInt32());
        Assert.Equal(100, m.GetProperty("universe").GetProperty("genes").GetInt32());
        Assert.Empty(Directory.GetFiles(cli.Dir, "*.tmp"));
    }

    /// <summary>split, then scoring the split's prior on its held-out targets: the prior lists none of the scored
    /// pairs, so it scores like a random ranking, while on all pairs it looks excellent.</summary>
    [Fact]
    public void CopyingThePriorCannotScoreOnHeldOutTargets()
    {
        using var cli = new Cli();
        var (code, _, err) = cli.Run("prior", "split", "--gold", Gold, "--by", "target", "--heldout-fraction", "0.3", "--seed", "7",
            "--out-prior", cli.PathOf("prior.tsv"), "--out-heldout", cli.PathOf("heldout.txt"));
        Assert.True(code == 0, err);
        (code, _, err) = cli.Run("evaluate", "--network", cli.PathOf("prior.tsv"), "--gold", Gold, "--out", cli.PathOf("all.json"));
        Assert.True(code == 0, err);
        (code, _, err) = cli.Run("evaluate", "--network", cli.PathOf("prior.tsv"), "--gold", Gold, "--heldout-targets", cli.PathOf("heldout.txt"), "--out", cli.PathOf("held.json"));
        Assert.True(code == 0, err);
        (code, _, err) = cli.Run("evaluate", "--network", cli.PathOf("prior.tsv"), "--gold", Gold, "--exclude-prior", cli.PathOf("prior.tsv"), "--out", cli.PathOf("excl.json"));
        Assert.True(code == 0, err);
        using var all = JsonDocument.Parse(File.ReadAllText(cli.PathOf("all.json")));
        using var held = JsonDocument.Parse(File.ReadAllText(cli.PathOf("held.json")));
        using var excl = JsonDocument.Parse(File.ReadAllText(cli.PathOf("excl.json")));
        Assert.True(all.RootElement.GetProperty("auprc_ratio").GetDouble() > 10);
        Assert.Equal(1, held.RootElement.GetProperty("auprc_ratio").GetDouble(), 12);
        Assert.Equal(1, held.RootElement.GetProperty("auroc_ratio").GetDouble(), 12);
        Assert.Equal(0, held.RootElement.GetProperty("predicted_pairs").GetInt32());
        Assert.Equal(1, excl.RootElement.GetProperty("auprc_ratio").GetDouble(), 12);
        Assert.True(held.RootElement.GetProperty("positives").GetInt32() > 0);
    }
}
