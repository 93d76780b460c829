using System.Text.Json;
using GrnFast.Host.Shard;

namespace GrnFast.Host.Tests;

/// <summary>infer --shard I/N and merge: the merged shards are the unsharded network, byte for byte.</summary>
public class ShardTests
{
    internal static void Ok((int Code, string Out, string Err) r) => Assert.True(r.Code == 0, r.Err);

    internal static string[] Options(ShardData d, params string[] more)
        => ["--expression", d.Expression, "--regulators", d.Regulators, .. more];

    /// <summary>Runs shards 1..N (threads varying between shards) into <paramref name="dir"/>.</summary>
    internal static void RunShards(Cli cli, string[] options, int n, string dir, IEnumerable<int>? only = null)
    {
        foreach (int i in only ?? Enumerable.Range(1, n))
            Ok(cli.Run(["infer", .. options, "--threads", (i % 2 + 1).ToString(), "--shard", $"{i}/{n}", "--out", dir]));
    }

    [Theory]
    [InlineData("lasso", "weight", "float64", "ebic")]
    [InlineData("elasticnet", "mask", "float32", "cv:3")]
    [InlineData("ridge", "none", "float64", "ebic")]
    public void MergedShardsAreTheUnshardedNetworkByteForByte(string method, string prior, string precision, string select)
    {
        using var cli = new Cli();
        var d = ShardData.Make(cli);
        var extra = new List<string> { "--method", method, "--precision", precision, "--path", "20" };
        if (method != "ridge") extra.AddRange(["--select", select]);
        if (prior != "none") extra.AddRange(["--prior", d.Prior, "--prior-mode", prior]);
        var options = Options(d, [.. extra]);
        Ok(cli.Run(["infer", .. options, "--out", cli.PathOf("unsharded.tsv")]));
        Ok(cli.Run(["infer", .. options, "--threads", "1", "--out", cli.PathOf("unsharded.arrows")]));
        var expected = File.ReadAllBytes(cli.PathOf("unsharded.tsv"));
        Assert.True(File.ReadAllLines(cli.PathOf("unsharded.tsv")).Length > 100, "too few edges to compare");

        foreach (int n in new[] { 1, 3, 7 })
        {
            string dir = cli.PathOf($"shards{n}");
            RunShards(cli, options, n, dir);
            var merge = cli.Run("merge", dir, "--out", cli.PathOf($"merged{n}.tsv"));
            Ok(merge);
            Assert.Contains($"merged {n} shards", merge.Err);
            Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(cli.PathOf($"merged{n}.tsv"))), $"{n} shards: merged network differs from the unsharded one");
        }
        Ok(cli.Run("merge", cli.PathOf("shards3"), "--out", cli.PathOf("merged3.arrows")));
        Assert.Equal(File.ReadAllBytes(cli.PathOf("unsharded.arrows")), File.ReadAllBytes(cli.PathOf("merged3.arrows")));
    }

    [Fact]
    public void ShardsPartitionTheTargetsBalancedByCandidateCount()
    {
        using var cli = new Cli();
        var d = ShardData.Make(cli, cells: 120);
        var options = Options(d, "--prior", d.Prior, "--prior-mode", "mask", "--method", "lasso", "--path", "5");
        RunShards(cli, options, 4, cli.PathOf("s"));
        var manifests = Enumerable.Range(1, 4).Select(i => ShardManifest.Read(cli.PathOf($"s/shard-000{i}-of-0004.json"))).ToArray();
        var all = manifests.SelectMany(m => m.Targets).ToList();
        Assert.Equal(d.Genes, all.Count);                                   // every gene is a target ...
        Assert.Equal(d.Genes, all.Distinct().Count());                      // ... in exactly one shard
        Assert.All(manifests, m => Assert.Equal(d.Genes, m.TotalTargets));
        Assert.Equal(manifests[0].TotalCost, manifests.Sum(m => m.ShardCost));
        Assert.Single(manifests.Select(m => m.PlanDigest).Distinct());
        Assert.Single(manifests.Select(m => m.Run.Fingerprint).Distinct());
        // Costs are candidates + 1 with 1..25 candidates: LPT leaves the shards within one target's cost of each other.
        long spread = manifests.Max(m => m.ShardCost) - manifests.Min(m => m.ShardCost);
        Assert.True(spread <= 26, $"shard costs {string.Join(", ", manifests.Select(m => m.ShardCost))}");
        Assert.True(manifests.Select(m => m.Targets.Count).Distinct().Count() > 1, "equal target counts: the prior did not vary the costs");

        using var json = JsonDocument.Parse(File.ReadAllText(cli.PathOf("s/shard-0002-of-0004.json")));
        var root = json.RootElement;
        Assert.Equal(2, root.GetProperty("shard").GetInt32());
        Assert.Equal(64, root.GetProperty("fingerprint").GetString()!.Length);
        var inputs = root.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("option").GetString()!).ToArray();
        Assert.Equal(["--expression", "--prior", "--regulators"], inputs);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(d.Expression))),
            root.GetProperty("inputs")[0].GetProperty("sha256").GetString());
        Assert.Contains(root.GetProperty("options").EnumerateArray(), o => o.GetProperty("name").GetString() == "--method" && o.GetProperty("value").GetString() == "lasso");
        Assert.DoesNotContain(root.GetProperty("options").EnumerateArray(), o => o.GetProperty("name").GetString() is "--threads" or "--out" or "--shard");
    }

    [Fact]
    public void LongestProcessingTimeRuleOnAWorkedExample()
    {
        // Sorted 5, 4, 3, 3, 3: 5 -> s0 (5), 4 -> s1 (4), 3 -> s1 (7), 3 -> s0 (8), 3 -> s1 (10).
        Assert.Equal([0, 1, 1, 0, 1], ShardPlan.Assign([5, 4, 3, 3, 3], 2));
        // Equal costs go round robin in target order; more shards than targets leave shards empty.
        Assert.Equal([0, 1, 2, 0, 1, 2], ShardPlan.Assign([1, 1, 1, 1, 1, 1], 3));
        Assert.Equal([0, 1], ShardPlan.Assign([7, 7], 5));
        var costs = Enumerable.Range(0, 1000).Select(i => (long)(i * 7919 % 97 + 1)).ToArray();
        var a = ShardPlan.Assign(costs, 16);
        Assert.Equal(a, ShardPlan.Assign(costs, 16));
        var loads = Enumerable.Range(0, 16).Select(s => costs.Where((_, j) => a[j] == s).Sum()).ToArray();
        Assert.True(loads.Max() - loads.Min() <= costs.Max(), string.Join(", ", loads));
    }

    [Fact]
    public void MoreShardsThanTargetsLeavesEmptyShardsThatMergeAllTheSame()
    {
        using var cli = new Cli();
        var x = cli.Expression();
        var tfs = cli.Regulators("G1", "G4", "G6");
        Ok(cli.Run("infer", "--expression", x, "--regulators", tfs, "--out", cli.PathOf("unsharded.tsv")));
        string dir = cli.PathOf("s");
        for (int i = 1; i <= 9; i++) Ok(cli.Run("infer", "--expression", x, "--regulators", tfs, "--shard", $"{i}/9", "--out", dir));
        Assert.Equal(["TF\ttarget\timportance\tcoef"], File.ReadAllLines(Path.Combine(dir, "shard-0009-of-0009.tsv")));
        Ok(cli.Run("merge", dir, "--out", cli.PathOf("merged.tsv")));
        Assert.Equal(File.ReadAllBytes(cli.PathOf("unsharded.tsv")), File.ReadAllBytes(cli.PathOf("merged.tsv")));
    }

    [Fact]
    public void MergeRefusesMissingIncompleteAndForeignShardsAndWritesNothing()
    {
        using var cli = new Cli();
        var x = cli.Expression(cells: 80);
        var tfs = cli.Regulators("G1", "G3", "G4", "G6");
        string[] options = ["--expression", x, "--regulators", tfs, "--method", "lasso"];
        string dir = cli.PathOf("s");
        for (int i = 1; i <= 3; i++) Ok(cli.Run(["infer", .. options, "--shard", $"{i}/3", "--out", dir]));
        string P(int i, string ext) => Path.Combine(dir, $"shard-000{i}-of-0003.{ext}");
        var saved = Enumerable.Range(1, 3).SelectMany(i => new[] { P(i, "tsv"), P(i, "json") }).ToDictionary(p => p, File.ReadAllBytes);
        void Restore() { foreach (var (p, bytes) in saved) File.WriteAllBytes(p, bytes); }
        string output = cli.File("net.tsv", "an earlier network\n");
        void Refused(string message)
        {
            var r = cli.Run("merge", dir, "--out", output);
            Assert.True(r.Code == 1, r.Err);
            Assert.Contains(message, r.Err);
            Assert.Equal("an earlier network\n", File.ReadAllText(output));   // nothing written, old output intact
            Restore();
        }

        File.Delete(P(2, "json"));
        Refused("shard 2/3: incomplete: shard-0002-of-0003.tsv has no manifest");
        File.Delete(P(2, "json")); File.Delete(P(2, "tsv"));
        Refused("shard 2/3: missing");
        File.WriteAllBytes(P(3, "tsv"), saved[P(3, "tsv")][..^7]);
        Refused($"shard-0003-of-0003.tsv has {saved[P(3, "tsv")].Length - 7} bytes, its manifest says {saved[P(3, "tsv")].Length}");
        var flipped = (byte[])saved[P(1, "tsv")].Clone();
        flipped[^3] = flipped[^3] == (byte)'1' ? (byte)'2' : (byte)'1';
        File.WriteAllBytes(P(1, "tsv"), flipped);
        Refused("shard-0001-of-0003.tsv does not match the SHA-256 in its manifest");
        File.WriteAllText(P(3, "json"), "{ \"format\": \"something else\" }");
        Refused("shard 3/3: incomplete: shard-0003-of-0003.json: not a readable shard manifest");
        File.Delete(P(1, "json")); File.Delete(P(1, "tsv"));
        File.Delete(P(3, "json"));
        Refused("2 of 3 shards");

        // Shard 3 from other data, shard 1 with another option: the run most shards name wins, the others are named.
        var other = cli.File("x2.csv", File.ReadAllText(x).Replace(",0.", ",0.1", StringComparison.Ordinal));
        Ok(cli.Run("infer", "--expression", other, "--regulators", tfs, "--method", "lasso", "--shard", "3/3", "--out", dir));
        Refused("shard 3/3: from another run: --expression " + other + " with other content");
        Ok(cli.Run(["infer", .. options, "--path", "7", "--shard", "1/3", "--out", dir]));
        Refused("shard 1/3: from another run: --path 7");

        Ok(cli.Run(["infer", .. options, "--shard", "2/5", "--out", dir]));
        Refused("holds manifests of runs with 3 and 5 shards");
        File.Delete(Path.Combine(dir, "shard-0002-of-0005.json")); File.Delete(Path.Combine(dir, "shard-0002-of-0005.tsv"));

        Directory.CreateDirectory(cli.PathOf("empty"));
        var empty = cli.Run("merge", cli.PathOf("empty"), "--out", output);
        Assert.Equal(1, empty.Code);
        Assert.Contains("no shard manifests", empty.Err);
        Ok(cli.Run("merge", dir, "--out", output));                        // restored: merges
    }

    [Theory]
    [InlineData("0/3")]
    [InlineData("4/3")]
    [InlineData("3")]
    [InlineData("a/b")]
    [InlineData("1/0")]
    [InlineData("-1/3")]
    public void BadShardValues(string value)
    {
        using var cli = new Cli();
        var r = cli.Run("infer", "--expression", cli.Expression(), "--regulators", cli.Regulators("G1"), "--shard", value, "--out", cli.PathOf("s"));
        Assert.Equal(2, r.Code);
        Assert.Contains($"--shard: '{value}' is not valid; it must be I/N", r.Err);
    }

    [Fact]
    public void ShardUsageErrors()
    {
        using var cli = new Cli();
        var x = cli.Expression();
        var tfs = cli.Regulators("G1", "G4");
        var r = cli.Run("infer", "--expression", x, "--regulators", tfs, "--shard", "1/2", "--path-coef-index", "3", "--path-coef-out", cli.PathOf("p.tsv"), "--out", cli.PathOf("s"));
        Assert.Equal(2, r.Code);
        Assert.Contains("--path-coef-out cannot be combined with shards", r.Err);
        r = cli.Run("infer", "--expression", x, "--regulators", tfs, "--shard", "1/2", "--out", cli.File("file.tsv", "x"));
        Assert.Equal(2, r.Code);
        Assert.Contains("with --shard, --out names the shard directory", r.Err);
        Assert.Equal(2, cli.Run("merge").Code);
        Assert.Contains("missing required option --out", cli.Run("merge", cli.Dir).Err);
        Assert.Contains("grnfast merge DIR --out", cli.Run("merge", "--help").Out);

        // The one list of methods that can shard; a method outside it is refused with the list.
        var e = Assert.Throws<GrnFast.Host.Cli.UsageException>(() => ShardOptions.Check("genie3", false));
        Assert.Contains("--method genie3 cannot run in shards", e.Message);
        Assert.Contains("methods that can: lasso, elasticnet, ridge, celloracle", e.Message);
        foreach (var m in ShardOptions.ShardableMethods) ShardOptions.Check(m, false);
    }
}
