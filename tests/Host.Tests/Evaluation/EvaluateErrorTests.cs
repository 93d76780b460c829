using System.Text.Json;

namespace GrnFast.Host.Tests.Evaluation;

/// <summary>Bad input to evaluate: exit code, a message naming file and line, no output file; or a counted warning.</summary>
public class EvaluateErrorTests
{
    private const string GoldText = "G1\tG2\t1\nG1\tG3\t1\nG2\tG3\t0\nG3\tG4\t1\n";
    private const string NetworkText = "TF\ttarget\timportance\tcoef\nG1\tG2\t0.9\t0.5\nG1\tG4\t0.5\t-0.2\nG3\tG4\t0.4\t0.1\n";

    private static (int Code, string Out, string Err) Evaluate(Cli cli, string network, string gold, params string[] extra)
        => cli.Run(["evaluate", "--network", network, "--gold", gold, "--out", cli.PathOf("m.json"), .. extra]);

    private static void AssertFails(Cli cli, (int Code, string Out, string Err) r, int code, params string[] fragments)
    {
        Assert.True(r.Code == code, $"exit {r.Code}, expected {code}; stderr: {r.Err}");
        foreach (var f in fragments) Assert.Contains(f, r.Err);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.False(File.Exists(cli.PathOf("m.json")), "an output file was written");
        Assert.Empty(Directory.GetFiles(cli.Dir, "*.tmp"));
    }

    private static JsonElement Metrics(Cli cli) => JsonDocument.Parse(File.ReadAllText(cli.PathOf("m.json"))).RootElement;

    [Fact]
    public void EmptyGoldStandard()
    {
        using var cli = new Cli();
        AssertFails(cli, Evaluate(cli, cli.File("net.tsv", NetworkText), cli.File("gold.tsv", "")), 1, "gold.tsv: the file is empty");
    }

    [Fact]
    public void HeaderOnlyNetwork()
    {
        using var cli = new Cli();
        AssertFails(cli, Evaluate(cli, cli.File("net.tsv", "TF\ttarget\timportance\n\n"), cli.File("gold.tsv", GoldText)), 1, "net.tsv: the file has no edges");
    }

    [Fact]
    public void GoldStandardWithOneColumn()
    {
        using var cli = new Cli();
        AssertFails(cli, Evaluate(cli, cli.File("net.tsv", NetworkText), cli.File("gold.tsv", "G1\nG2\n")), 1, "gold.tsv:1: expected 2 or 3 fields");
    }

    [Fact]
    public void GoldStandardLabelThatIsNeitherNumberNorSign()
    {
        using var cli = new Cli();
        var gold = cli.File("gold.csv", "Gene1,Gene2,Type\nG1,G2,+\nG1,G3,maybe\n");
        AssertFails(cli, Evaluate(cli, cli.File("net.tsv", NetworkText), gold), 1, "gold.csv:3: field 3 ('maybe') of G1 -> G3 is neither a 0/1 label nor a sign");
    }

    [Fact]
    public void GoldStandardWithoutTrueEdges()
    {
        using var cli = new Cli();
        AssertFails(cli, Evaluate(cli, cli.File("net.tsv", NetworkText), cli.File("gold.tsv", "G1\tG2\t0\nG2\tG2\t1\n")), 1,
            "gold.tsv: the gold standard has no true edges (2 rows, 1 labelled 0, 1 self loops)");
    }

    [Fact]
    public void NetworkWeightNotANumber()
    {
        using var cli = new Cli();
        var net = cli.File("net.tsv", "G1\tG2\t0.9\nG1\tG3\tabc\n");
        AssertFails(cli, Evaluate(cli, net, cli.File("gold.tsv", GoldText)), 1, "net.tsv:2: field 3 ('abc') of G1 -> G3 is not a number");
    }

    [Fact]
    public void NetworkWeightInfinite()
    {
        using var cli = new Cli();
        var net = cli.File("net.tsv", "TF\ttarget\timportance\nG1\tG2\tinf\n");
        AssertFails(cli, Evaluate(cli, net, cli.File("gold.tsv", GoldText)), 1, "net.tsv:2: field 3 ('inf') of G1 -> G2 is not finite");
    }

    [Fact]
    public void NetworkWithTooManyColumnsAndNoHeader()
    {
        using var cli = new Cli();
        var net = cli.File("net.tsv", "G1\tG2\t0.9\t1\t7\n");
        AssertFails(cli, Evaluate(cli, net, cli.File("gold.tsv", GoldText)), 1, "net.tsv:1: expected 2 to 4 fields (regulator, target[, weight[, coef]]), got 5");
    }

    [Fact]
    public void ShortRowAfterAHeader()
    {
        using var cli = new Cli();
        var net = cli.File("net.tsv", "TF\ttarget\timportance\tcoef\nG1\tG2\t0.9\t1\nG1\tG3\n");
        AssertFails(cli, Evaluate(cli, net, cli.File("gold.tsv", GoldText)), 1, "net.tsv:3: expected at least 4 fields separated by tabs, got 2");
    }

    [Fact]
    public void NothingOverlaps()
    {
        using var cli = new Cli();
        var net = cli.File("net.tsv", "X1\tX2\t0.9\nX2\tX3\t0.1\n");
        AssertFails(cli, Evaluate(cli, net, cli.File("gold.tsv", GoldText)), 1, "net.tsv: nothing overlaps: none of its 2 edges", "network genes: X1, X2, X3", "gold genes: G1, G2, G3, G4");
    }

    [Fact]
    public void DuplicateNetworkEdgesAreWarnedAndTheFirstKept()
    {
        using var cli = new Cli();
        // G1 -> G3 (true) first at 0.1 (below the false G1 -> G4), then repeated at 0.95: keeping the repeat would rank it first.
        var net = cli.File("net.tsv", "G1\tG2\t0.9\nG1\tG3\t0.1\nG1\tG4\t0.5\nG1\tG3\t0.95\nG1\tG2\t0.2\n");
        var (code, _, err) = Evaluate(cli, net, cli.File("gold.tsv", GoldText));
        Assert.True(code == 0, err);
        Assert.Contains("net.tsv:4: G1 -> G3 repeats line 2 (2 repeated pairs in this network); the first of each is kept", err);
        var m = Metrics(cli);
        Assert.Equal(2, m.GetProperty("counts").GetProperty("network_duplicates").GetInt32());
        // Regulators G1, G3; pairs G1->{G2 .9 T, G3 .1 T, G4 .5 F}, G3->{G1, G2, G4 T} at 0: AP = 1/3 + 1/3 * 2/3 + 1/3 * 3/6.
        Assert.Equal(1.0 / 3 + 2.0 / 9 + 1.0 / 6, m.GetProperty("auprc").GetDouble(), 12);
    }

    [Fact]
    public void DuplicateGoldEdgesAreWarned()
    {
        using var cli = new Cli();
        var gold = cli.File("gold.tsv", GoldText + "G1\tG2\t0\n");
        var (code, _, err) = Evaluate(cli, cli.File("net.tsv", NetworkText), gold);
        Assert.True(code == 0, err);
        Assert.Contains("gold.tsv:5: G1 -> G2 repeats line 1 (1 repeated pair in all); the first of each is kept", err);
        Assert.Equal(1, Metrics(cli).GetProperty("counts").GetProperty("gold_duplicates").GetInt32());
        Assert.Equal(3, Metrics(cli).GetProperty("positives").GetInt32()); // G1 -> G2 stays true
    }

    [Fact]
    public void GoldGenesAbsentFromTheNetworkAreCountedAndScoreZero()
    {
        using var cli = new Cli();
        var gold = cli.File("gold.tsv", GoldText + "G5\tG1\t1\n");
        var (code, _, err) = Evaluate(cli, cli.File("net.tsv", NetworkText), gold);
        Assert.True(code == 0, err);
        Assert.Contains("warning: 1 of 5 genes of the gold standard appear in no edge of", err);
        Assert.Contains("their pairs score 0: G5", err);
        Assert.Equal(1, Metrics(cli).GetProperty("counts").GetProperty("gold_genes_absent_from_network").GetInt32());
    }

    [Fact]
    public void SignedNeedsSignsAndCoefficients()
    {
        using var cli = new Cli();
        AssertFails(cli, Evaluate(cli, cli.File("net.tsv", NetworkText), cli.File("gold.tsv", GoldText), "--signed"), 1, "gold.tsv: --signed needs a gold standard with a sign column");
        var signedGold = cli.File("gold.csv", "Gene1,Gene2,Type\nG1,G2,+\nG1,G3,-\n");
        AssertFails(cli, Evaluate(cli, cli.File("net3.tsv", "G1\tG2\t0.9\n"), signedGold, "--signed"), 1, "net3.tsv: --signed needs a network with a coefficient column");
    }

    [Fact]
    public void SignedMetricsAppearWithoutTheFlagWhenPossible()
    {
        using var cli = new Cli();
        var signedGold = cli.File("gold.csv", "Gene1,Gene2,Type\nG1,G2,+\nG1,G3,-\nG3,G4,+\n");
        var (code, _, err) = Evaluate(cli, cli.File("net.tsv", NetworkText), signedGold);
        Assert.True(code == 0, err);
        Assert.Equal(JsonValueKind.Object, Metrics(cli).GetProperty("signed").ValueKind);
    }

    [Fact]
    public void HeldOutTargetsAndRegulatorsExcludeEachOther()
    {
        using var cli = new Cli();
        var list = cli.File("h.txt", "G3\n");
        AssertFails(cli, Evaluate(cli, cli.File("net.tsv", NetworkText), cli.File("gold.tsv", GoldText), "--heldout-targets", list, "--heldout-regulators", list), 2, "exclude each other");
    }

    [Fact]
    public void HeldOutGenesUnknown()
    {
        using var cli = new Cli();
        var list = cli.File("h.txt", "X\nY\n");
        AssertFails(cli, Evaluate(cli, cli.File("net.tsv", NetworkText), cli.File("gold.tsv", GoldText), "--heldout-targets", list), 1, "h.txt: none of the 2 held-out names is among the genes of the gold standard");
        AssertFails(cli, Evaluate(cli, cli.File("net.tsv", NetworkText), cli.File("gold.tsv", GoldText), "--heldout-regulators", cli.File("r.txt", "G2\n")), 1, "r.txt: none of the 1 held-out names is among the regulators");
    }

    [Fact]
    public void HeldOutPartWithoutTrueEdges()
    {
        using var cli = new Cli();
        var list = cli.File("h.txt", "G1\n"); // nothing regulates G1
        AssertFails(cli, Evaluate(cli, cli.File("net.tsv", NetworkText), cli.File("gold.tsv", GoldText), "--heldout-targets", list), 1, "none of the 1 scored pairs is a true edge", "mode heldout-targets");
    }

    [Fact]
    public void RegulatorsNotInTheGoldStandard()
    {
        using var cli = new Cli();
        AssertFails(cli, Evaluate(cli, cli.File("net.tsv", NetworkText), cli.File("gold.tsv", GoldText), "--regulators", cli.File("tfs.txt", "X\n")), 1, "tfs.txt: none of the 1 regulators is a gene of the gold standard");
        var (code, _, err) = Evaluate(cli, cli.File("net.tsv", NetworkText), cli.File("gold.tsv", GoldText), "--regulators", cli.File("tfs2.txt", "G1\nX\nG3\n"));
        Assert.True(code == 0, err);
        Assert.Contains("1 of 3 regulators in", err);
        Assert.Equal(1, Metrics(cli).GetProperty("counts").GetProperty("regulators_not_in_gold").GetInt32());
    }

    [Fact]
    public void PriorThatOverlapsNothing()
    {
        using var cli = new Cli();
        var prior = cli.File("prior.tsv", "X\tY\t1\n");
        AssertFails(cli, Evaluate(cli, cli.File("net.tsv", NetworkText), cli.File("gold.tsv", GoldText), "--exclude-prior", prior), 1, "prior.tsv: nothing overlaps: none of the 1 pairs of the prior files");
    }

    [Fact]
    public void PriorGenesOutsideTheGoldAreCounted()
    {
        using var cli = new Cli();
        var prior = cli.File("prior.tsv", "G1\tG2\nX\tG2\n");
        var (code, _, err) = Evaluate(cli, cli.File("net.tsv", NetworkText), cli.File("gold.tsv", GoldText), "--exclude-prior", prior);
        Assert.True(code == 0, err);
        Assert.Contains("1 genes of the prior files are not genes of the gold standard", err);
        var m = Metrics(cli);
        Assert.Equal(1, m.GetProperty("exclude_prior").GetProperty("pairs_excluded").GetInt32());
        Assert.Equal(1, m.GetProperty("counts").GetProperty("prior_pairs_outside_universe").GetInt32());
        Assert.Equal("exclude-prior", m.GetProperty("mode").GetString());
    }

    [Fact]
    public void MissingOutputDirectoryWritesNothing()
    {
        using var cli = new Cli();
        var r = cli.Run("evaluate", "--network", cli.File("net.tsv", NetworkText), "--gold", cli.File("gold.tsv", GoldText), "--out", Path.Combine(cli.Dir, "nope", "m.json"));
        Assert.Equal(1, r.Code);
        Assert.Contains("does not exist", r.Err);
        Assert.Empty(Directory.GetFiles(cli.Dir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void MissingOptionsAndFiles()
    {
        using var cli = new Cli();
        AssertFails(cli, cli.Run("evaluate", "--network", "x.tsv", "--gold", "y.tsv"), 2, "missing required option --out");
        AssertFails(cli, Evaluate(cli, cli.PathOf("absent.tsv"), cli.File("gold.tsv", GoldText)), 1, "absent.tsv");
    }

    [Fact]
    public void HelpTexts()
    {
        using var cli = new Cli();
        var r = cli.Run("evaluate", "--help");
        Assert.Equal(0, r.Code);
        Assert.Contains("--heldout-targets FILE", r.Out);
        r = cli.Run("prior", "database", "--help");
        Assert.Equal(0, r.Code);
        Assert.Contains("split --gold G --by target|regulator", r.Out);
        Assert.Contains("evaluate", cli.Run("--help").Out);
    }
}
