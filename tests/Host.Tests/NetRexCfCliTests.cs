using System.Globalization;
using System.Text;
using GrnFast.Host.Demo;
using GrnFast.Host.Tests.Serve;

namespace GrnFast.Host.Tests;

/// <summary>
/// <c>grnfast infer --method netrex-cf</c> end to end on the embedded DREAM4 demo data with two prior sources made from
/// the gold standard (a confident half, a noisier 40 %, each with decoys), and the command line's refusals.
/// </summary>
public class NetRexCfCliTests
{
    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private sealed class Dream4 : IDisposable
    {
        public Cli Cli { get; } = new();
        public string Expression { get; }
        public string Regulators { get; }
        public string PriorA { get; }
        public string PriorB { get; }
        public HashSet<(string, string)> Gold { get; } = new();

        public Dream4()
        {
            var demo = DemoData.Load();
            var x = demo.Expression.Single!.Value;
            var genes = demo.Expression.GeneNames;
            var sb = new StringBuilder(string.Join('\t', genes) + "\n");
            for (int c = 0; c < x.Rows; c++)
                sb.Append(string.Join('\t', Enumerable.Range(0, genes.Count).Select(g => x[c, g].ToString("R", CultureInfo.InvariantCulture)))).Append('\n');
            Expression = Cli.File("dream4.tsv", sb.ToString());
            foreach (var (r, t) in demo.Gold) Gold.Add((genes[r], genes[t]));
            var tfs = Gold.Select(e => e.Item1).Distinct().OrderBy(g => g, StringComparer.Ordinal).ToArray();
            Regulators = Cli.File("tfs.txt", string.Join('\n', tfs) + "\n");
            var rng = new Random(7);
            var a = new StringBuilder();
            var b = new StringBuilder();
            foreach (var (r, t) in Gold.OrderBy(e => e.Item1, StringComparer.Ordinal).ThenBy(e => e.Item2, StringComparer.Ordinal))
            {
                if (rng.NextDouble() < 0.5) a.Append(CultureInfo.InvariantCulture, $"{r}\t{t}\t{0.5 + 0.5 * rng.NextDouble():F3}\n");
                if (rng.NextDouble() < 0.4) b.Append(CultureInfo.InvariantCulture, $"{r}\t{t}\n");
            }
            for (int k = 0; k < 60; k++)
            {
                a.Append(CultureInfo.InvariantCulture, $"{tfs[rng.Next(tfs.Length)]}\t{genes[rng.Next(genes.Count)]}\t{rng.NextDouble():F3}\n");
                b.Append(CultureInfo.InvariantCulture, $"{tfs[rng.Next(tfs.Length)]}\t{genes[rng.Next(genes.Count)]}\n");
            }
            PriorA = Cli.File("a.tsv", a.ToString());
            PriorB = Cli.File("b.tsv", b.ToString());
        }

        public string[] Args(string output, params string[] extra) =>
            ["infer", "--method", "netrex-cf", "--expression", Expression, "--regulators", Regulators, "--prior", PriorA, "--prior", PriorB,
             "--refits", "3", .. extra, "--out", Cli.PathOf(output)];

        public void Dispose() => Cli.Dispose();
    }

    [Fact]
    public void WritesConfidenceSortedInUnitIntervalRankingGoldEdgesFirst()
    {
        using var d = new Dream4();
        var r = d.Cli.Run(d.Args("net.tsv", "--timings", d.Cli.PathOf("t.json")));
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal("", r.Out);
        Assert.Contains("fitting netrex-cf on 100 genes x", r.Err);
        Assert.Contains("2 prior sources", r.Err);
        Assert.Contains("PALM: F ", r.Err);
        // The summary names PALM's own certificate (the objective's relative change), not an elastic-net duality gap.
        Assert.Matches(@"100 targets x \d+ regulators, \d+ edges; netrex-cf (Converged|MaxIterations), F \S+ after \d+ PALM iterations", r.Err);
        Assert.DoesNotContain("duality gap", r.Err);

        var lines = File.ReadAllLines(d.Cli.PathOf("net.tsv"));
        Assert.Equal("TF\ttarget\timportance\tcoef", lines[0]);
        var rows = lines[1..].Select(l => l.Split('\t')).ToArray();
        Assert.True(rows.Length > 50, $"{rows.Length} edges");
        Assert.All(rows, f =>
        {
            Assert.InRange(D(f[2]), double.Epsilon, 1.0);
            Assert.NotEqual(f[0], f[1]);
        });
        var importance = rows.Select(f => D(f[2])).ToArray();
        Assert.Equal(importance.OrderByDescending(v => v), importance);
        // Gold edges rank above the rest: 7 of the top 50 here, against 2.2 expected by chance (6 or more by chance: p ~ 1.5%).
        int k = Math.Min(50, rows.Length);
        double precision = rows.Take(k).Count(f => d.Gold.Contains((f[0], f[1]))) / (double)k;
        double baseRate = d.Gold.Count / (100.0 * File.ReadAllLines(d.Regulators).Length);
        Assert.True(precision > 2.5 * baseRate, $"precision of the top {k}: {precision:F3}, base rate {baseRate:F3}");
        Assert.True(File.Exists(d.Cli.PathOf("t.json")));

        // Same seed, same bytes.
        var again = d.Cli.Run(d.Args("net2.tsv"));
        Assert.True(again.Code == 0, again.Err);
        Assert.Equal(File.ReadAllBytes(d.Cli.PathOf("net.tsv")), File.ReadAllBytes(d.Cli.PathOf("net2.tsv")));
    }

    [Fact]
    public void RefusesOptionsOfOtherMethodsAndMissingPriors()
    {
        using var d = new Dream4();
        var noPrior = d.Cli.Run("infer", "--method", "netrex-cf", "--expression", d.Expression, "--regulators", d.Regulators, "--out", d.Cli.PathOf("x.tsv"));
        Assert.Equal(2, noPrior.Code);
        Assert.Contains("netrex-cf needs prior knowledge", noPrior.Err);

        var alpha = d.Cli.Run(d.Args("x.tsv", "--alpha", "0.1"));
        Assert.Equal(2, alpha.Code);
        Assert.Contains("--alpha does not apply to --method netrex-cf", alpha.Err);
        var solver = d.Cli.Run(d.Args("x.tsv", "--solver", "cd"));
        Assert.Equal(2, solver.Code);
        Assert.Contains("--solver does not apply to --method netrex-cf", solver.Err);

        var lasso = d.Cli.Run("infer", "--method", "lasso", "--latent-factors", "5", "--expression", d.Expression, "--regulators", d.Regulators, "--out", d.Cli.PathOf("x.tsv"));
        Assert.Equal(2, lasso.Code);
        Assert.Contains("--latent-factors applies only to --method netrex-cf", lasso.Err);

        var refits = d.Cli.Run(d.Args("x.tsv", "--refits", "-1"));
        Assert.Equal(2, refits.Code);
        Assert.Contains("--refits", refits.Err);
        Assert.False(File.Exists(d.Cli.PathOf("x.tsv")));
    }

    [Fact]
    public void PriorsNamingNoGeneOfTheDataAreBadInput()
    {
        using var d = new Dream4();
        var foreign = d.Cli.File("foreign.tsv", "TP53\tMDM2\t1\nMYC\tCDK4\t0.5\n");
        var r = d.Cli.Run("infer", "--method", "netrex-cf", "--expression", d.Expression, "--regulators", d.Regulators, "--prior", foreign, "--out", d.Cli.PathOf("x.tsv"));
        Assert.Equal(1, r.Code);
        Assert.Contains(foreign, r.Err);
        Assert.Contains("netrex-cf needs prior edges", r.Err);
        Assert.False(File.Exists(d.Cli.PathOf("x.tsv")));

        var nan = d.Cli.File("bad.tsv", "G1\tG2\tNaN\n");
        var bad = d.Cli.Run("infer", "--method", "netrex-cf", "--expression", d.Expression, "--regulators", d.Regulators, "--prior", nan, "--out", d.Cli.PathOf("x.tsv"));
        Assert.Equal(1, bad.Code);
        Assert.Contains("bad.tsv", bad.Err);
        Assert.False(File.Exists(d.Cli.PathOf("x.tsv")));
    }
}
