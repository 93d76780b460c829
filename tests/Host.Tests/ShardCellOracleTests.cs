using GrnFast.Host.Infer;
using GrnFast.Host.Shard;

namespace GrnFast.Host.Tests;

/// <summary>
/// infer --method celloracle --shard I/N and merge: CellOracle's links table, merged, is the unsharded one byte for
/// byte (with and without clusters, filtered or not, bagged ridge or BayesianRidge); a changed base GRN or groups
/// file between shards is caught at merge; slurm submit runs celloracle shards.
/// </summary>
public class ShardCellOracleTests
{
    private static void Ok((int Code, string Out, string Err) r) => ShardTests.Ok(r);

    /// <summary>300 genes: with the regulators, Z has more columns than one GEMM tile (256), so a shard's tiles hold other columns.</summary>
    private static ShardData Data(Cli cli) => ShardData.Make(cli, cells: 240, genes: 300, regulators: 40, seed: 11);

    [Theory]
    [InlineData(false, "ridge", "")]
    [InlineData(true, "ridge", "")]
    [InlineData(true, "ridge", "--filter-p 0.2 --filter-top 40 --filter-weight -logp")]
    [InlineData(true, "bayesian", "--filter-top 25")]
    [InlineData(false, "bayesian", "")]
    public void MergedShardsAreTheUnshardedLinksByteForByte(bool groups, string estimator, string filter)
    {
        using var cli = new Cli();
        var d = Data(cli);
        var options = new List<string> { "--method", "celloracle", "--expression", d.Expression, "--base-grn", d.BaseGrn(cli), "--estimator", estimator };
        if (groups) options.AddRange(["--groups", d.Groups(cli)]);
        if (estimator == "ridge") options.AddRange(["--bagging", "8"]);
        options.AddRange(filter.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        string[] o = [.. options];
        Ok(cli.Run(["infer", .. o, "--threads", "2", "--out", cli.PathOf("unsharded.tsv")]));
        var expected = File.ReadAllBytes(cli.PathOf("unsharded.tsv"));
        var lines = File.ReadAllLines(cli.PathOf("unsharded.tsv"));
        Assert.True(lines.Length > 20, $"too few links to compare ({lines.Length - 1})");
        if (groups) Assert.Equal(3, lines.Skip(1).Select(l => l.Split('\t')[^1]).Distinct().Count());   // every cluster has links
        if (filter != "")
        {
            // The filter ranks each cluster's links over all targets: a shard cannot apply it, the merge must.
            int top = int.Parse(filter.Split(' ')[Array.IndexOf(filter.Split(' '), "--filter-top") + 1]);
            Assert.True(lines.Skip(1).GroupBy(l => l.Split('\t')[^1]).Max(g => g.Count()) == top, "the filter did not cut any cluster");
        }

        foreach (int n in new[] { 1, 3, 7 })
        {
            string dir = cli.PathOf($"shards{n}");
            ShardTests.RunShards(cli, o, n, dir);
            var manifests = Enumerable.Range(1, n).Select(i => ShardManifest.Read(Path.Combine(dir, new ShardSpec(i, n).ManifestFile))).ToArray();
            Assert.Equal(d.Genes, manifests.Sum(m => m.Targets.Count));
            Assert.Equal(d.Genes, manifests.SelectMany(m => m.Targets).Distinct().Count());
            Assert.All(manifests, m => Assert.NotNull(m.Links));
            // The managed GEMM: its entries do not depend on the other columns of a shard (native OpenBLAS's do:
            // on D1, 3 merged shards differed from the unsharded links in 594 of 95944 rows).
            Assert.All(manifests, m => Assert.Equal("managed", m.RunInfo["blas"]));
            var merge = cli.Run("merge", dir, "--out", cli.PathOf($"merged{n}.tsv"));
            Ok(merge);
            Assert.Contains($"merged {n} shards (celloracle)", merge.Err);
            Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(cli.PathOf($"merged{n}.tsv"))), $"{n} shards: merged links differ from the unsharded ones");
        }
        // A shard's part is the links table of its targets alone: a shard of 3 holds fewer links than the run.
        Assert.True(File.ReadAllLines(cli.PathOf("shards3/shard-0001-of-0003.tsv")).Length < File.ReadAllLines(cli.PathOf("shards1/shard-0001-of-0001.tsv")).Length);

        if (groups && filter == "" && estimator == "ridge")
        {
            // CSV: the merge writes what an unsharded run writes to a .csv; and no Arrow table of links.
            Ok(cli.Run(["infer", .. o, "--out", cli.PathOf("unsharded.csv")]));
            Ok(cli.Run("merge", cli.PathOf("shards3"), "--out", cli.PathOf("merged3.csv")));
            Assert.Equal(File.ReadAllBytes(cli.PathOf("unsharded.csv")), File.ReadAllBytes(cli.PathOf("merged3.csv")));
            var arrow = cli.Run("merge", cli.PathOf("shards3"), "--out", cli.PathOf("merged3.arrows"));
            Assert.Equal(1, arrow.Code);
            Assert.Contains("writes CellOracle's links table as TSV (or CSV for .csv)", arrow.Err);
            Assert.False(File.Exists(cli.PathOf("merged3.arrows")));
        }
    }

    [Fact]
    public void AChangedBaseGrnOrGroupsFileBetweenShardsIsCaughtAtMerge()
    {
        using var cli = new Cli();
        var d = ShardData.Make(cli, cells: 120, genes: 60, regulators: 12);
        string grn = d.BaseGrn(cli), groups = d.Groups(cli);
        string[] o = ["--method", "celloracle", "--expression", d.Expression, "--base-grn", grn, "--groups", groups, "--bagging", "4"];
        string dir = cli.PathOf("s");
        ShardTests.RunShards(cli, o, 3, dir);
        var manifest = ShardManifest.Read(Path.Combine(dir, "shard-0001-of-0003.json"));
        Assert.Equal(["--base-grn", "--expression", "--groups"], manifest.Run.Inputs.Select(i => i.Option).ToArray());
        string output = cli.File("links.tsv", "an earlier table\n");
        Ok(cli.Run("merge", dir, "--out", output));
        var good = File.ReadAllBytes(output);
        var saved = Directory.GetFiles(dir).ToDictionary(f => f, File.ReadAllBytes);

        void Refused(string file, string original, string changed, string message)
        {
            File.WriteAllText(file, changed);
            // Shard 2 reruns on the changed file: same option, same path, other content.
            Ok(cli.Run(["infer", .. o, "--shard", "2/3", "--out", dir]));
            File.WriteAllText(file, original);
            File.WriteAllText(output, "an earlier table\n");
            var r = cli.Run("merge", dir, "--out", output);
            Assert.True(r.Code == 1, r.Err);
            Assert.Contains(message, r.Err);
            Assert.Equal("an earlier table\n", File.ReadAllText(output));       // nothing written
            foreach (var (f, bytes) in saved) File.WriteAllBytes(f, bytes);
        }

        // One TF -> target pair less in the base GRN: another candidate set, another run.
        string grnText = File.ReadAllText(grn);
        int row = grnText.IndexOf("\t1", grnText.IndexOf('\n'), StringComparison.Ordinal);
        string fewer = grnText[..row] + "\t0" + grnText[(row + 2)..];
        Refused(grn, grnText, fewer, $"shard 2/3: from another run: --base-grn {grn} with other content");
        string groupsText = File.ReadAllText(groups);
        Refused(groups, groupsText, groupsText.Replace("c1\tk", "c1\tk0x", StringComparison.Ordinal), $"shard 2/3: from another run: --groups {groups} with other content");

        Ok(cli.Run("merge", dir, "--out", output));                           // restored: merges as before
        Assert.Equal(good, File.ReadAllBytes(output));
    }

    [Fact]
    public void TheRefusalNamesTheMethodsThatCannotShard()
    {
        // The shardable methods are --method values; a method added to --method is refused until it joins ShardableMethods.
        Assert.Empty(ShardOptions.ShardableMethods.Except(InferOptionRules.Methods));
        string[] methods = ["lasso", "elasticnet", "ridge", "celloracle", "netrex", "pmf"];
        var e = Assert.Throws<GrnFast.Host.Cli.UsageException>(() => ShardOptions.Check("netrex", false, methods));
        Assert.Contains("--method netrex cannot run in shards", e.Message);
        Assert.Contains("Methods that cannot shard: netrex, pmf; methods that can: lasso, elasticnet, ridge, celloracle", e.Message);
        // With the real --method list: every value outside ShardableMethods is named, then the unknown one.
        var cannot = InferOptionRules.Methods.Except(ShardOptions.ShardableMethods).Append("genie3");
        e = Assert.Throws<GrnFast.Host.Cli.UsageException>(() => ShardOptions.Check("genie3", false));
        Assert.Contains($"Methods that cannot shard: {string.Join(", ", cannot)};", e.Message);
    }

    [Fact]
    public void SlurmSubmitRunsCellOracleShards()
    {
        using var cli = new Cli();
        var d = ShardData.Make(cli, cells: 150, genes: 80, regulators: 15);
        string[] o = ["--method", "celloracle", "--expression", d.Expression, "--base-grn", d.BaseGrn(cli), "--groups", d.Groups(cli), "--bagging", "5", "--filter-top", "30"];
        Ok(cli.Run(["infer", .. o, "--out", cli.PathOf("unsharded.tsv")]));
        string net = cli.PathOf("links.tsv"), dir = net + ".shards";
        var r = cli.Run(["slurm", "submit", .. o, "--shards", "3", "--cpus-per-task", "2", "--out", net, "--dry-run"]);
        Ok(r);
        Assert.Contains("dry run: nothing submitted; shards to run: 1-3", r.Out);
        string infer = File.ReadAllText(Path.Combine(dir, "slurm", "infer.sbatch"));
        Assert.Contains($" infer {string.Join(' ', o)} --threads \"${{SLURM_CPUS_PER_TASK:-1}}\" --shard \"${{SLURM_ARRAY_TASK_ID}}/3\" --out {dir}\n", infer);
        for (int i = 1; i <= 3; i++)
            SlurmSubmitTests.Bash(Path.Combine(dir, "slurm", "infer.sbatch"), Environment.CurrentDirectory, new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = $"{i}", ["SLURM_CPUS_PER_TASK"] = "2" });
        Assert.Contains("merged 3 shards (celloracle)", SlurmSubmitTests.Bash(Path.Combine(dir, "slurm", "merge.sbatch"), Environment.CurrentDirectory, new Dictionary<string, string>()));
        Assert.Equal(File.ReadAllBytes(cli.PathOf("unsharded.tsv")), File.ReadAllBytes(net));

        // Re-submitting with every shard complete runs none; with a shard's part gone, only that one.
        File.Delete(Path.Combine(dir, "shard-0002-of-0003.tsv"));
        r = cli.Run(["slurm", "submit", .. o, "--shards", "3", "--cpus-per-task", "2", "--out", net, "--dry-run"]);
        Ok(r);
        Assert.Contains("shards to run: 2", r.Out);
    }
}
