using System.Globalization;
using System.Text;
using GrnFast.Host.Demo;

namespace GrnFast.Host.Tests.CellOracle;

/// <summary>
/// <c>grnfast infer --method celloracle</c> end to end on the DREAM4 demo data (knockouts, knockdowns and wild type with
/// cell names), a base GRN in CellOracle's layout made from the gold standard plus decoy TFs, and bad inputs.
/// </summary>
public class CellOracleInferTests
{
    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>The demo data as a TSV with cell names, a groups file (ko / kd / wt) and a base GRN.</summary>
    private sealed class Dream4 : IDisposable
    {
        public Cli Cli { get; } = new();
        public string Expression { get; }
        public string Groups { get; }
        public string BaseGrn { get; }
        public HashSet<(string, string)> Gold { get; } = new();
        public HashSet<(string, string)> Candidates { get; } = new();
        public string[] Tfs { get; }

        public Dream4()
        {
            var demo = DemoData.Load();
            var x = demo.Expression.Single!.Value;
            var genes = demo.Expression.GeneNames;
            var names = Enumerable.Range(0, x.Rows).Select(c => c < 100 ? $"ko{c}" : c < 200 ? $"kd{c - 100}" : "wt").ToArray();
            var sb = new StringBuilder("cell\t" + string.Join('\t', genes) + "\n");
            var groups = new StringBuilder("cell\tcluster\n");
            for (int c = 0; c < x.Rows; c++)
            {
                sb.Append(names[c]);
                for (int g = 0; g < genes.Count; g++) sb.Append('\t').Append(x[c, g].ToString("R", CultureInfo.InvariantCulture));
                sb.Append('\n');
                groups.Append(names[c]).Append('\t').Append(names[c][..2]).Append('\n');
            }
            Expression = Cli.File("dream4.tsv", sb.ToString());
            Groups = Cli.File("groups.tsv", groups.ToString());

            foreach (var (r, t) in demo.Gold) Gold.Add((genes[r], genes[t]));
            Tfs = Gold.Select(e => e.Item1).Distinct().OrderBy(g => int.Parse(g[1..], CultureInfo.InvariantCulture)).ToArray();
            var rng = new Random(4);
            var grn = new StringBuilder("peak_id\tgene_short_name\t" + string.Join('\t', Tfs) + "\n");
            foreach (var target in genes)
            {
                var cands = Gold.Where(e => e.Item2 == target).Select(e => e.Item1).ToHashSet();
                foreach (var decoy in Tfs.OrderBy(_ => rng.Next()).Take(3)) cands.Add(decoy);
                cands.Remove(target);
                foreach (var c in cands) Candidates.Add((c, target));
                // Two peaks per gene, each with half of its TFs: the union is the candidate set.
                var list = cands.ToList();
                for (int peak = 0; peak < 2; peak++)
                {
                    grn.Append($"chr1_{target}_{peak}\t{target}");
                    foreach (var tf in Tfs) grn.Append('\t').Append(list.IndexOf(tf) >= 0 && list.IndexOf(tf) % 2 == peak ? '1' : '0');
                    grn.Append('\n');
                }
            }
            BaseGrn = Cli.File("base_grn.tsv", grn.ToString());
        }

        public void Dispose() => Cli.Dispose();
    }

    [Fact]
    public void FitsDream4WithABaseGrnAndWritesCellOraclesLinks()
    {
        using var d = new Dream4();
        var r = d.Cli.Run("infer", "--method", "celloracle", "--expression", d.Expression, "--base-grn", d.BaseGrn, "--threads", "1",
            "--timings", d.Cli.PathOf("t.json"), "--out", d.Cli.PathOf("links.tsv"));
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal("", r.Out);
        Assert.Contains($"base GRN {d.BaseGrn}: {d.Tfs.Length} TFs, 100 target genes", r.Err);
        Assert.Contains("bagged ridge, alpha 10, 20 bags", r.Err);

        var lines = File.ReadAllLines(d.Cli.PathOf("links.tsv"));
        Assert.Equal("source\ttarget\tcoef_mean\tcoef_abs\tp\t-logp", lines[0]);
        var rows = lines[1..].Select(l => l.Split('\t')).ToArray();
        Assert.True(rows.Length > 300, $"{rows.Length} links");
        Assert.All(rows, f =>
        {
            Assert.Contains((f[0], f[1]), d.Candidates);                      // hard mask: only base-GRN pairs
            Assert.Equal(Math.Abs(D(f[2])), D(f[3]));
            Assert.InRange(D(f[4]), 0, 1);
            Assert.Equal(-Math.Log10(D(f[4])), D(f[5]), 1e-9 * Math.Max(1, D(f[5])));
        });
        var abs = rows.Select(f => D(f[3])).ToArray();
        Assert.Equal(abs.OrderByDescending(v => v), abs);
        // True regulators carry more weight than the decoys the base GRN adds.
        double TrueMean(bool truth) => rows.Where(f => d.Gold.Contains((f[0], f[1])) == truth).Average(f => D(f[3]));
        Assert.True(TrueMean(true) > 2 * TrueMean(false), $"true {TrueMean(true):G3} vs decoy {TrueMean(false):G3}");
        Assert.True(File.Exists(d.Cli.PathOf("t.json")));

        // Same bytes with two threads.
        var two = d.Cli.Run("infer", "--method", "celloracle", "--expression", d.Expression, "--base-grn", d.BaseGrn, "--threads", "2", "--out", d.Cli.PathOf("links2.tsv"));
        Assert.True(two.Code == 0, two.Err);
        Assert.Equal(File.ReadAllBytes(d.Cli.PathOf("links.tsv")), File.ReadAllBytes(d.Cli.PathOf("links2.tsv")));
    }

    [Fact]
    public void OneNetworkPerClusterFilteredLikeFilterLinks()
    {
        using var d = new Dream4();
        var all = d.Cli.Run("infer", "--method", "celloracle", "--expression", d.Expression, "--base-grn", d.BaseGrn, "--groups", d.Groups, "--out", d.Cli.PathOf("all.tsv"));
        Assert.True(all.Code == 0, all.Err);
        Assert.Contains("clusters with fewer than 2 cells are not fitted: wt", all.Err);
        Assert.Contains("2 clusters (kd: 100 cells, ko: 100 cells)", all.Err);
        var rows = File.ReadAllLines(d.Cli.PathOf("all.tsv"))[1..].Select(l => l.Split('\t')).ToArray();
        Assert.Equal(new[] { "kd", "ko" }, rows.Select(f => f[6]).Distinct());

        var r = d.Cli.Run("infer", "--method", "celloracle", "--expression", d.Expression, "--base-grn", d.BaseGrn, "--groups", d.Groups,
            "--filter-p", "0.01", "--filter-top", "25", "--filter-weight", "-logp", "--out", d.Cli.PathOf("filtered.tsv"));
        Assert.True(r.Code == 0, r.Err);
        var lines = File.ReadAllLines(d.Cli.PathOf("filtered.tsv"));
        Assert.Equal("source\ttarget\tcoef_mean\tcoef_abs\tp\t-logp\tcluster", lines[0]);
        var kept = lines[1..].Select(l => l.Split('\t')).ToArray();
        foreach (var cluster in new[] { "kd", "ko" })
        {
            var mine = kept.Where(f => f[6] == cluster).ToArray();
            var expected = rows.Where(f => f[6] == cluster && D(f[4]) <= 0.01).OrderByDescending(f => D(f[5])).Take(25).Select(f => f[0] + ">" + f[1]).ToHashSet();
            Assert.Equal(Math.Min(25, expected.Count), mine.Length);
            Assert.Equal(expected, mine.Select(f => f[0] + ">" + f[1]).ToHashSet());
            Assert.Equal(mine.Select(f => D(f[5])).OrderByDescending(v => v), mine.Select(f => D(f[5])));
        }
    }

    [Fact]
    public void BayesianRidgeAddsThePosteriorVariance()
    {
        using var d = new Dream4();
        var r = d.Cli.Run("infer", "--method", "celloracle", "--estimator", "bayesian", "--expression", d.Expression, "--base-grn", d.BaseGrn,
            "--regulators", d.Cli.File("tfs.txt", string.Join('\n', d.Tfs.Take(20)) + "\nNotAGene\n"), "--out", d.Cli.PathOf("bayes.csv"));
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("1 of 21 regulators", r.Err);
        var lines = File.ReadAllLines(d.Cli.PathOf("bayes.csv"));
        Assert.Equal("source,target,coef_mean,coef_abs,coef_variance,p,-logp", lines[0]);
        var rows = lines[1..].Select(l => l.Split(',')).ToArray();
        Assert.All(rows, f => Assert.Contains(f[0], d.Tfs.Take(20)));
        Assert.All(rows, f => Assert.True(D(f[4]) > 0));
    }

    [Fact]
    public void BadInputsFailWithClearMessagesAndNoOutput()
    {
        using var d = new Dream4();
        string Run(int expectedCode, params string[] extra)
        {
            var args = new List<string> { "infer", "--method", "celloracle", "--expression", d.Expression, "--out", d.Cli.PathOf("bad.tsv") };
            args.AddRange(extra);
            var r = d.Cli.Run(args.ToArray());
            Assert.True(r.Code == expectedCode, $"exit {r.Code}: {r.Err}");
            Assert.False(File.Exists(d.Cli.PathOf("bad.tsv")));
            return r.Err;
        }

        var unknown = d.Cli.File("mouse.tsv", "peak_id\tgene_short_name\tGata1\tTal1\np1\tHbb\t1\t1\n");
        Assert.Contains($"{unknown}:1: none of the base GRN's 2 TFs (Gata1, Tal1) is a usable gene of {d.Expression}; check the species", Run(1, "--base-grn", unknown));
        var unknownTargets = d.Cli.File("targets.tsv", "peak_id\tgene_short_name\tG1\tG2\np1\tHbb\t1\t1\n");
        Assert.Contains("no pair of the base GRN / priors names a regulator and a target", Run(1, "--base-grn", unknownTargets));
        var notBinary = d.Cli.File("counts.tsv", "peak_id\tgene_short_name\tG1\tG2\np1\tG3\t1\t3\n");
        Assert.Contains($"{notBinary}:2: field 4 ('3') for TF G2 -> G3 is not 0 or 1", Run(1, "--base-grn", notBinary));

        var ghost = d.Cli.File("ghost.tsv", "cell\tcluster\nko0\tA\nko1\tA\nzz9\tB\n");
        Assert.Contains($"{ghost}:4: cell 'zz9' is not a cell of {d.Expression}", Run(1, "--base-grn", d.BaseGrn, "--groups", ghost));
        var twice = d.Cli.File("twice.tsv", "ko0\tA\nko1\tA\nko0\tB\n");
        Assert.Contains($"{twice}:3: cell 'ko0' is assigned twice (lines 1 and 3)", Run(1, "--base-grn", d.BaseGrn, "--groups", twice));
        var shortList = d.Cli.File("labels.txt", "A\nA\nB\n");
        Assert.Contains($"{shortList}: 3 cluster labels for the 201 cells", Run(1, "--base-grn", d.BaseGrn, "--groups", shortList));
        var singletons = d.Cli.File("single.tsv", "ko0\tA\nko1\tB\n");
        Assert.Contains("no cluster has at least 2 cells", Run(1, "--base-grn", d.BaseGrn, "--groups", singletons));
        var ragged = d.Cli.File("ragged.tsv", "ko0\tA\nko1\n");
        Assert.Contains($"{ragged}:2: expected 2 fields like the first line, got 1", Run(1, "--base-grn", d.BaseGrn, "--groups", ragged));

        Assert.Contains("missing required option --regulators", Run(2));
        Assert.Contains("--path does not apply to --method celloracle", Run(2, "--base-grn", d.BaseGrn, "--path", "10"));
        Assert.Contains("--solver does not apply to --method celloracle", Run(2, "--base-grn", d.BaseGrn, "--solver", "homotopy"));
        Assert.Contains("--bagging sets the bags of --estimator ridge", Run(2, "--base-grn", d.BaseGrn, "--estimator", "bayesian", "--bagging", "5"));
        Assert.Contains("--alpha: '0' is not valid", Run(2, "--base-grn", d.BaseGrn, "--alpha", "0"));
        Assert.Contains("--filter-p: '2' is not valid", Run(2, "--base-grn", d.BaseGrn, "--filter-p", "2"));
        Assert.Contains("--prior-mode weight does not apply", Run(2, "--base-grn", d.BaseGrn, "--prior", d.BaseGrn, "--prior-mode", "weight"));
        var lasso = d.Cli.Run("infer", "--method", "lasso", "--expression", d.Expression, "--regulators", d.Cli.Regulators("G1"), "--bagging", "3", "--out", d.Cli.PathOf("bad.tsv"));
        Assert.Equal(2, lasso.Code);
        Assert.Contains("--bagging applies only to --method celloracle (got lasso)", lasso.Err);
    }

    [Fact]
    public void PlainPriorEdgeListsAreAMaskToo()
    {
        using var d = new Dream4();
        var prior = d.Cli.File("prior.tsv", "G1\tG2\nG1\tG3\nG5\tG3\nG4\tG3\n");
        var r = d.Cli.Run("infer", "--method", "celloracle", "--expression", d.Expression, "--regulators", d.Cli.Regulators("G1", "G4", "G5"),
            "--prior", prior, "--bagging", "30", "--out", d.Cli.PathOf("links.tsv"));
        Assert.True(r.Code == 0, r.Err);
        var pairs = File.ReadAllLines(d.Cli.PathOf("links.tsv"))[1..].Select(l => string.Join(">", l.Split('\t')[..2])).ToHashSet();
        Assert.Equal(new HashSet<string> { "G1>G2", "G1>G3", "G5>G3", "G4>G3" }, pairs);
    }
}
