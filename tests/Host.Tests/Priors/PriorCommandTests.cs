using System.Globalization;
using System.Text.Json;
using GrnFast.Host.Tests.Evaluation;
using GrnFast.IO;

namespace GrnFast.Host.Tests.Priors;

/// <summary>grnfast prior GENERATOR on the DREAM4 demo data: outputs readable by infer, seeds, statistics, errors.</summary>
public class PriorCommandTests
{
    private static string Gold => EvaluateCommandTests.Gold;
    private static string Demo(string name) => Path.Combine(EvaluateCommandTests.DemoData, name);

    private static HashSet<(string, string)> GoldEdges() => File.ReadLines(Gold).Select(l => l.Split('\t')).Where(f => f[2] == "1").Select(f => (f[0], f[1])).ToHashSet();

    private static List<(string Regulator, string Target, double Weight)> ReadPrior(string path)
    {
        var lines = File.ReadAllLines(path);
        Assert.Equal("regulator\ttarget\tweight", lines[0]);
        return lines.Skip(1).Select(l => l.Split('\t')).Select(f => (f[0], f[1], double.Parse(f[2], CultureInfo.InvariantCulture))).ToList();
    }

    private static void Ok((int Code, string Out, string Err) r) => Assert.True(r.Code == 0, r.Err);

    [Fact]
    public void DatabasePriorHasThePrecisionAndRecallAndIsAValidInferPrior()
    {
        using var cli = new Cli();
        var r = cli.Run("prior", "database", "--gold", Gold, "--precision", "0.5", "--recall", "0.5", "--seed", "3", "--out", cli.PathOf("db.tsv"));
        Ok(r);
        Assert.Contains("database prior: 176 edges, 88 true (0.500 precision, 0.500 recall of 176); seed 3", r.Err);
        var prior = ReadPrior(cli.PathOf("db.tsv"));
        var gold = GoldEdges();
        Assert.Equal(88, prior.Count(e => gold.Contains((e.Regulator, e.Target))));
        Assert.Equal(176, PriorReader.Read(cli.PathOf("db.tsv")).Edges.Count); // what infer --prior reads
    }

    [Fact]
    public void SameSeedSameBytesOtherSeedOtherBytes()
    {
        using var cli = new Cli();
        string[][] commands =
        [
            ["database", "--gold", Gold, "--precision", "0.3", "--recall", "0.6"],
            ["motif", "--gold", Gold, "--recall", "0.9", "--per-target", "8"],
            ["rewire", "--gold", Gold, "--fraction", "0.5"],
        ];
        foreach (var c in commands)
        {
            Ok(cli.Run(["prior", .. c, "--seed", "1", "--out", cli.PathOf("a.tsv")]));
            Ok(cli.Run(["prior", .. c, "--seed", "1", "--out", cli.PathOf("b.tsv")]));
            Ok(cli.Run(["prior", .. c, "--seed", "2", "--out", cli.PathOf("c.tsv")]));
            Assert.Equal(File.ReadAllBytes(cli.PathOf("a.tsv")), File.ReadAllBytes(cli.PathOf("b.tsv")));
            Assert.NotEqual(File.ReadAllBytes(cli.PathOf("a.tsv")), File.ReadAllBytes(cli.PathOf("c.tsv")));
        }
    }

    [Fact]
    public void MotifPriorGivesEveryGeneKCandidates()
    {
        using var cli = new Cli();
        Ok(cli.Run("prior", "motif", "--gold", Gold, "--recall", "1", "--per-target", "10", "--out", cli.PathOf("m.tsv")));
        var prior = ReadPrior(cli.PathOf("m.tsv"));
        var gold = GoldEdges();
        Assert.Equal(176, prior.Count(e => gold.Contains((e.Regulator, e.Target))));
        Assert.All(prior.GroupBy(e => e.Target), g => Assert.True(g.Count() >= 10));
        Assert.Equal(100, prior.Select(e => e.Target).Distinct().Count());
    }

    [Fact]
    public void PerturbationPriorThresholdsAndCombinesKnockdowns()
    {
        using var cli = new Cli();
        var ko = Demo("insilico_size100_1_knockouts.tsv");
        var wt = Demo("insilico_size100_1_wildtype.tsv");
        Ok(cli.Run("prior", "perturbation", "--expression", ko, "--wildtype", wt, "--out", cli.PathOf("p.tsv")));
        Ok(cli.Run("prior", "perturbation", "--expression", ko, "--wildtype", wt, "--knockdowns", Demo("insilico_size100_1_knockdowns.tsv"), "--min-z", "3", "--out", cli.PathOf("p3.tsv")));
        var p2 = ReadPrior(cli.PathOf("p.tsv"));
        var p3 = ReadPrior(cli.PathOf("p3.tsv"));
        // Confidence weights: erf(|z| / sqrt 2) >= erf(sqrt 2) = 0.9545 at the default |z| >= 2.
        Assert.All(p2, e => Assert.InRange(e.Weight, 0.9544997, 1));
        Assert.All(p3, e => Assert.InRange(e.Weight, 0.9973002, 1));
        Assert.InRange(p3.Count, 1, p2.Count);
        Assert.Equal(p2.Count, PriorReader.Read(cli.PathOf("p.tsv")).Edges.Count);
        var gold = GoldEdges();
        double precision = (double)p2.Count(e => gold.Contains((e.Regulator, e.Target))) / p2.Count;
        Assert.True(precision > 5 * 176 / 9900.0, $"precision {precision}");
    }

    [Fact]
    public void RandomAndShuffledControls()
    {
        using var cli = new Cli();
        Ok(cli.Run("prior", "database", "--gold", Gold, "--precision", "0.5", "--recall", "0.8", "--out", cli.PathOf("db.tsv")));
        Ok(cli.Run("prior", "random", "--like", cli.PathOf("db.tsv"), "--seed", "4", "--out", cli.PathOf("random.tsv")));
        var r = cli.Run("prior", "shuffle", "--like", cli.PathOf("db.tsv"), "--seed", "4", "--out", cli.PathOf("shuffled.tsv"));
        Ok(r);
        Assert.Contains("2820 swaps", r.Err); // 10 per edge
        var like = ReadPrior(cli.PathOf("db.tsv"));
        var random = ReadPrior(cli.PathOf("random.tsv"));
        var shuffled = ReadPrior(cli.PathOf("shuffled.tsv"));
        Assert.Equal(like.Count, random.Count);
        Assert.Equal(Degrees(like, e => e.Regulator), Degrees(shuffled, e => e.Regulator));
        Assert.Equal(Degrees(like, e => e.Target), Degrees(shuffled, e => e.Target));

        // Scored as networks, the controls are near random while the database prior is not.
        double Ratio(string name)
        {
            Ok(cli.Run("evaluate", "--network", cli.PathOf(name), "--gold", Gold, "--out", cli.PathOf(name + ".json")));
            return JsonDocument.Parse(File.ReadAllText(cli.PathOf(name + ".json"))).RootElement.GetProperty("auprc_ratio").GetDouble();
        }
        Assert.True(Ratio("db.tsv") > 5);
        Assert.InRange(Ratio("random.tsv"), 0.5, 2);
        Assert.InRange(Ratio("shuffled.tsv"), 0.5, 2.5);
    }

    [Fact]
    public void RewireSharesTheRestOfTheNetwork()
    {
        using var cli = new Cli();
        var r = cli.Run("prior", "rewire", "--gold", Gold, "--fraction", "0.25", "--seed", "9", "--out", cli.PathOf("rw.tsv"));
        Ok(r);
        var rewired = ReadPrior(cli.PathOf("rw.tsv"));
        Assert.Equal(176, rewired.Count);
        Assert.Equal(132, rewired.Count(e => GoldEdges().Contains((e.Regulator, e.Target))));
        Assert.Contains("132 shared", r.Err);
    }

    [Fact]
    public void SplitWritesAPriorAndAHeldOutListEvaluateReads()
    {
        using var cli = new Cli();
        Ok(cli.Run("prior", "split", "--gold", Gold, "--by", "regulator", "--heldout-fraction", "0.25", "--seed", "5",
            "--out-prior", cli.PathOf("p.tsv"), "--out-heldout", cli.PathOf("h.txt")));
        var heldOut = NameListReader.Read(cli.PathOf("h.txt")).Select(n => n.Name).ToHashSet();
        Assert.Equal(10, heldOut.Count); // round(0.25 x 41 regulators)
        var prior = ReadPrior(cli.PathOf("p.tsv"));
        Assert.DoesNotContain(prior, e => heldOut.Contains(e.Regulator));
        Assert.Equal(176, prior.Count + GoldEdges().Count(e => heldOut.Contains(e.Item1)));
        Ok(cli.Run("evaluate", "--network", cli.PathOf("p.tsv"), "--gold", Gold, "--heldout-regulators", cli.PathOf("h.txt"), "--out", cli.PathOf("m.json")));
        Assert.Equal(1, JsonDocument.Parse(File.ReadAllText(cli.PathOf("m.json"))).RootElement.GetProperty("auprc_ratio").GetDouble(), 12);
    }

    private static void AssertFails(Cli cli, (int Code, string Out, string Err) r, int code, params string[] fragments)
    {
        Assert.True(r.Code == code, $"exit {r.Code}, expected {code}; stderr: {r.Err}");
        foreach (var f in fragments) Assert.Contains(f, r.Err);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.Empty(Directory.GetFiles(cli.Dir, "out*"));
        Assert.Empty(Directory.GetFiles(cli.Dir, "*.tmp"));
    }

    [Fact]
    public void BadCommandLines()
    {
        using var cli = new Cli();
        var o = cli.PathOf("out.tsv");
        AssertFails(cli, cli.Run("prior"), 2, "prior needs a generator: database, motif, perturbation");
        AssertFails(cli, cli.Run("prior", "magic", "--out", o), 2, "unknown prior generator 'magic'");
        AssertFails(cli, cli.Run("prior", "database", "--gold", Gold, "--recall", "0.5", "--out", o), 2, "missing required option --precision");
        AssertFails(cli, cli.Run("prior", "database", "--gold", Gold, "--precision", "0", "--recall", "0.5", "--out", o), 2, "--precision: '0' is not valid; it must be in (0, 1]");
        AssertFails(cli, cli.Run("prior", "split", "--gold", Gold, "--by", "edge", "--heldout-fraction", "0.2", "--out-prior", o, "--out-heldout", cli.PathOf("out2")), 2, "--by: 'edge' is not one of target, regulator");
        AssertFails(cli, cli.Run("prior", "perturbation", "--expression", "k.tsv", "--wildtype", "w.tsv", "--seed", "1", "--out", o), 2, "unknown option '--seed'");
    }

    [Fact]
    public void BadInputs()
    {
        using var cli = new Cli();
        var o = cli.PathOf("out.tsv");
        var small = cli.File("small.tsv", "A\tB\t1\nA\tC\t1\n");
        AssertFails(cli, cli.Run("prior", "database", "--gold", small, "--precision", "0.1", "--recall", "1", "--out", o), 1,
            "small.tsv: database prior false edges: 18 pairs are needed but only 0 regulator -> gene pairs are free");
        var wt = cli.File("wt.tsv", "\"G1\"\t\"G2\"\t\"G3\"\n1\t2\t3\n");
        var ko = cli.File("ko.tsv", "\"G1\"\t\"G2\"\t\"G3\"\n0\t2\t3\n1\t0\t3\n");
        AssertFails(cli, cli.Run("prior", "perturbation", "--expression", ko, "--wildtype", wt, "--out", o), 1, "ko.tsv: 2 rows for 3 genes: row i must perturb gene i");
        var other = cli.File("ko2.tsv", "\"G1\"\t\"G3\"\t\"G2\"\n0\t2\t3\n1\t0\t3\n1\t2\t0\n");
        AssertFails(cli, cli.Run("prior", "perturbation", "--expression", other, "--wildtype", wt, "--out", o), 1, "ko2.tsv:1: column 2 is gene 'G3' but 'G2' in the wild type");
        var twoRows = cli.File("wt2.tsv", "\"G1\"\t\"G2\"\t\"G3\"\n1\t2\t3\n1\t2\t3\n");
        AssertFails(cli, cli.Run("prior", "perturbation", "--expression", ko, "--wildtype", twoRows, "--out", o), 1, "wt2.tsv: the wild type must be one row");
        AssertFails(cli, cli.Run("prior", "shuffle", "--like", cli.File("empty.tsv", ""), "--out", o), 1, "empty.tsv: the file is empty");
        AssertFails(cli, cli.Run("prior", "split", "--gold", small, "--by", "regulator", "--heldout-fraction", "0.5", "--out-prior", o, "--out-heldout", cli.PathOf("out2")), 1,
            "small.tsv: the gold standard has 1 regulator(s); a split needs at least 2");
    }

    private static Dictionary<string, int> Degrees(IEnumerable<(string Regulator, string Target, double Weight)> edges, Func<(string Regulator, string Target, double Weight), string> end)
        => edges.GroupBy(end).ToDictionary(g => g.Key, g => g.Count());
}
