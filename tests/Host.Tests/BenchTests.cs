using System.Globalization;

namespace GrnFast.Host.Tests;

/// <summary>Runs the committed bench/smoke.json once (the embedded DREAM4 network and a small simulated screen).</summary>
public sealed class SmokeBench : IDisposable
{
    public SmokeBench()
    {
        Config = Path.Combine(RepositoryRoot(), "bench", "smoke.json");
        (Code, Err) = Run("bench", Config, "--out", Output);
        if (Code == 0) Rows = ReadTsv(Path.Combine(Output, "runs.tsv"));
    }

    public Cli Cli { get; } = new();
    public string Config { get; }
    public string Output => Cli.PathOf("smoke");
    public int Code { get; }
    public string Err { get; }
    public List<Dictionary<string, string>> Rows { get; } = [];

    public (int Code, string Err) Run(params string[] args)
    {
        var (code, _, err) = Cli.Run(args);
        return (code, err);
    }

    public static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "bench", "smoke.json")) && File.Exists(Path.Combine(d.FullName, "GrnFast.sln"))) return d.FullName;
        throw new InvalidOperationException($"no repository root with bench/smoke.json above {AppContext.BaseDirectory}");
    }

    public static List<Dictionary<string, string>> ReadTsv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split('\t');
        return lines.Skip(1).Select(l =>
        {
            var f = l.Split('\t');
            Assert.Equal(header.Length, f.Length);
            return header.Zip(f).ToDictionary(p => p.First, p => p.Second);
        }).ToList();
    }

    public void Dispose() => Cli.Dispose();
}

public class BenchTests(SmokeBench smoke) : IClassFixture<SmokeBench>
{
    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public void WritesEveryOutput()
    {
        Assert.True(smoke.Code == 0, smoke.Err);
        foreach (var f in new[] { "runs.tsv", "summary.md", "bench.log", "config.json", "pr-dream4-1.png", "pr-sim-perturbseq.png",
                     "gain-heldout-targets-lasso.png", "gain-exclude-prior-lasso.png", "gain-all-lasso.png" })
            Assert.True(File.Exists(Path.Combine(smoke.Output, f)), $"{f} is missing; stderr: {smoke.Err}");
        foreach (var png in Directory.GetFiles(smoke.Output, "*.png"))
        {
            var bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 5000, $"{png}: {bytes.Length} bytes");
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }
        Assert.Empty(Directory.GetDirectories(smoke.Cli.Dir, "smoke.tmp-*"));
        Assert.Contains("wrote", smoke.Err);
    }

    [Fact]
    public void OneRowPerDatasetMethodPriorSeedAndMode()
    {
        Assert.True(smoke.Code == 0, smoke.Err);
        // 2 datasets x 1 method x 6 priors x 2 seeds x 3 modes
        Assert.Equal(72, smoke.Rows.Count);
        Assert.Equal(72, smoke.Rows.Select(r => (r["dataset"], r["method"], r["prior"], r["seed"], r["mode"])).Distinct().Count());
        Assert.Equal(["heldout-targets", "exclude-prior", "all"], smoke.Rows.Select(r => r["mode"]).Distinct());
        foreach (var r in smoke.Rows.Where(r => r["auprc_ratio"] != "NA"))
        {
            Assert.InRange(D(r["auprc"]), 0, 1);
            Assert.InRange(D(r["auroc"]), 0, 1);
            double ratio = D(r["auprc"]) / (D(r["positives"]) / D(r["pairs"]));
            Assert.InRange(D(r["auprc_ratio"]), ratio * (1 - 1e-5), ratio * (1 + 1e-5)); // 6 significant digits
        }
    }

    [Fact]
    public void NoPriorRowsHaveZeroGain()
    {
        Assert.True(smoke.Code == 0, smoke.Err);
        var none = smoke.Rows.Where(r => r["prior"] == "none").ToList();
        Assert.Equal(12, none.Count);
        foreach (var r in none)
        {
            Assert.Equal("0", r["gain_auprc_ratio"]);
            Assert.Equal("0", r["gain_epr"]);
            Assert.Equal(r["auprc_ratio"], r["baseline_auprc_ratio"]);
            Assert.Equal("0", r["prior_edges"]);
        }
    }

    [Fact]
    public void HeldOutTargetsAreNotReachedByCopyingTheGold()
    {
        Assert.True(smoke.Code == 0, smoke.Err);
        foreach (var dataset in new[] { "dream4-1", "sim-perturbseq" })
            foreach (var seed in new[] { "1", "2" })
            {
                Dictionary<string, string> Row(string prior, string mode) => smoke.Rows.Single(r => r["dataset"] == dataset && r["seed"] == seed && r["prior"] == prior && r["mode"] == mode);
                // The whole gold as a prior: copying it is near perfect on all pairs ...
                var all = Row("gold", "all");
                double copying = D(all["prior_only_auprc_ratio"]);
                Assert.True(copying > 0.9 / (D(all["positives"]) / D(all["pairs"])), $"{dataset} seed {seed}: the gold prior alone scores only {copying}x");
                // ... but built from the training targets only, it says nothing about the held-out ones.
                var held = Row("gold", "heldout-targets");
                Assert.Equal("1", held["prior_only_auprc_ratio"]);
                // (Lasso on 400 simulated Perturb-seq cells is already good, 4x of the possible 5x; on DREAM4 it is weak.)
                double margin = dataset == "dream4-1" ? 0.5 : 0.9;
                Assert.True(D(held["auprc_ratio"]) < margin * copying, $"{dataset} seed {seed}: held-out AUPRC ratio {held["auprc_ratio"]} vs copying {copying}");
                // The elastic net fits each target alone, so the held-out targets' fits are those without a prior.
                Assert.Equal(Row("none", "heldout-targets")["auprc_ratio"], held["auprc_ratio"]);
                Assert.Equal("0", held["gain_auprc_ratio"]);
                Assert.True(int.Parse(held["prior_edges"], CultureInfo.InvariantCulture) < int.Parse(all["prior_edges"], CultureInfo.InvariantCulture));
                // In exclude-prior mode the gold prior leaves no true edge to score.
                Assert.Equal("0", Row("gold", "exclude-prior")["positives"]);
            }
    }

    [Fact]
    public void PerturbationPriorsCoverHeldOutTargetsAndControlsAreFlat()
    {
        Assert.True(smoke.Code == 0, smoke.Err);
        var rows = smoke.Rows.Where(r => r["dataset"] == "dream4-1" && r["mode"] == "heldout-targets").ToList();
        // Knockout z-scores are data, not gold knowledge: they reach the held-out targets and help there.
        foreach (var r in rows.Where(r => r["prior"] == "perturbation"))
        {
            Assert.True(D(r["prior_only_auprc_ratio"]) > 5, $"knockouts alone: {r["prior_only_auprc_ratio"]}");
            Assert.True(D(r["gain_auprc_ratio"]) > 1, $"perturbation gain {r["gain_auprc_ratio"]}");
        }
        // The random control of a database prior, in exclude-prior mode, stays within a few percent of no prior.
        foreach (var r in smoke.Rows.Where(r => r["dataset"] == "dream4-1" && r["prior"] == "random" && r["mode"] == "exclude-prior"))
            Assert.InRange(D(r["rel_gain_auprc"]), -0.1, 0.1);
    }

    [Fact]
    public void SummaryHasTheTablesOfEveryMode()
    {
        Assert.True(smoke.Code == 0, smoke.Err);
        var md = File.ReadAllText(Path.Combine(smoke.Output, "summary.md"));
        foreach (var mode in new[] { "heldout-targets", "exclude-prior", "all" })
        {
            Assert.Contains($"## Gain over no prior by prior type: {mode}", md);
            Assert.Contains($"## Per dataset: {mode}", md);
        }
        Assert.Contains("| dream4-1 | lasso | none | ", md);
        Assert.Contains("| perturbation |", md);
        Assert.Contains(" ± ", md);
    }

    [Fact]
    public void RerunReplacesAPreviousBenchOutputButNoOtherFolder()
    {
        Assert.True(smoke.Code == 0, smoke.Err);
        var other = smoke.Cli.PathOf("not-a-bench");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "keep.txt"), "precious");
        var (code, err) = smoke.Run("bench", smoke.Config, "--out", other);
        Assert.Equal(2, code);
        Assert.Contains("is not a bench output", err);
        Assert.True(File.Exists(Path.Combine(other, "keep.txt")));
    }
}
