using System.Globalization;
using System.Text;
using GrnFast.Host.Demo;

namespace GrnFast.Host.Tests;

/// <summary>
/// <c>grnfast infer --method pmf-grn | joint</c> end to end on the DREAM4 demo data: a prior with half of the gold
/// standard (plus as many false pairs), the other half held out for evaluation; joint adds evidence on held-out pairs.
/// </summary>
public class PmfGrnCliTests
{
    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private sealed class Dream4 : IDisposable
    {
        public Cli Cli { get; } = new();
        public string Expression { get; }
        public string Regulators { get; }
        public string Prior { get; }
        public string Evidence { get; }
        public HashSet<(string, string)> Gold { get; } = new();
        public HashSet<(string, string)> HeldOut { get; } = new();
        public HashSet<(string, string)> InPrior { get; } = new();

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
            var tfs = Gold.Select(e => e.Item1).Distinct().Order(StringComparer.Ordinal).ToArray();
            Regulators = Cli.File("tfs.txt", string.Join('\n', tfs) + "\n");
            var rng = new Random(7);
            var prior = new StringBuilder();
            foreach (var e in Gold.Order())
            {
                if (rng.Next(2) == 0) { prior.Append($"{e.Item1}\t{e.Item2}\n"); InPrior.Add(e); }
                else HeldOut.Add(e);
            }
            int decoys = 0, wanted = InPrior.Count;
            while (decoys < wanted)
            {
                var e = (tfs[rng.Next(tfs.Length)], genes[rng.Next(genes.Count)]);
                if (e.Item1 == e.Item2 || Gold.Contains(e) || InPrior.Contains(e)) continue;
                InPrior.Add(e);
                prior.Append($"{e.Item1}\t{e.Item2}\n");
                decoys++;
            }
            Prior = Cli.File("prior.tsv", prior.ToString());
            // Evidence: 0.9 on half of all gold pairs (in the prior or held out), 0.1 on as many random pairs outside the gold
            // standard and the prior. The prior pairs with evidence anchor the link's scale; the held-out ones test it.
            var ev = new StringBuilder();
            var positives = Gold.Order().Where((_, i) => i % 2 == 0).ToArray();
            foreach (var e in positives) ev.Append($"{e.Item1}\t{e.Item2}\t0.9\n");
            var used = new HashSet<(string, string)>();
            int negatives = 0;
            while (negatives < positives.Length)
            {
                var e = (tfs[rng.Next(tfs.Length)], genes[rng.Next(genes.Count)]);
                if (e.Item1 == e.Item2 || Gold.Contains(e) || InPrior.Contains(e) || !used.Add(e)) continue;
                ev.Append($"{e.Item1}\t{e.Item2}\t0.1\n");
                negatives++;
            }
            Evidence = Cli.File("evidence.tsv", ev.ToString());
        }

        public void Dispose() => Cli.Dispose();
    }

    /// <summary>Average precision of the held-out gold pairs among the rows not in the prior, by importance.</summary>
    private static double HeldOutAuprc(string[][] rows, Dream4 d)
    {
        var ranked = rows.Where(f => !d.InPrior.Contains((f[0], f[1]))).OrderByDescending(f => D(f[2])).ToArray();
        double hits = 0, sum = 0;
        for (int i = 0; i < ranked.Length; i++)
            if (d.HeldOut.Contains((ranked[i][0], ranked[i][1]))) { hits++; sum += hits / (i + 1); }
        return sum / d.HeldOut.Count;
    }

    private static string[][] Rows(string path) => File.ReadAllLines(path)[1..].Select(l => l.Split('\t')).ToArray();

    [Fact]
    public void PmfGrnFitsDream4WithAPriorAndIsReproducible()
    {
        using var d = new Dream4();
        string[] args = ["infer", "--method", "pmf-grn", "--expression", d.Expression, "--regulators", d.Regulators, "--prior", d.Prior,
            "--epochs", "400", "--seed", "3", "--threads", "1"];
        var r = d.Cli.Run([.. args, "--timings", d.Cli.PathOf("t.json"), "--out", d.Cli.PathOf("net.tsv")]);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("pmf-grn", r.Err);
        Assert.Contains("final ELBO", r.Err);
        var lines = File.ReadAllLines(d.Cli.PathOf("net.tsv"));
        Assert.Equal("TF\ttarget\timportance\tcoef\tstd", lines[0]);
        var rows = Rows(d.Cli.PathOf("net.tsv"));
        int tfs = File.ReadAllLines(d.Regulators).Length;
        Assert.Equal(tfs * 100 - tfs, rows.Length);                     // every pair but self pairs
        Assert.All(rows, f =>
        {
            Assert.NotEqual(f[0], f[1]);
            Assert.InRange(D(f[2]), 0, 1);
            Assert.InRange(Math.Abs(D(f[3])), 0, 1e3);
            Assert.InRange(D(f[4]), 0, 0.5);
        });
        // The prior's pairs rank first (prior mean logit 0.9995 vs 0.0005) and the held-out gold pairs beat the base rate.
        double baseRate = d.HeldOut.Count / (double)rows.Count(f => !d.InPrior.Contains((f[0], f[1])));
        double auprc = HeldOutAuprc(rows, d);
        Assert.True(auprc > 1.5 * baseRate, $"held-out AUPRC {auprc:F4} vs base rate {baseRate:F4}");

        var again = d.Cli.Run([.. args, "--out", d.Cli.PathOf("net2.tsv")]);
        Assert.True(again.Code == 0, again.Err);
        Assert.Equal(File.ReadAllBytes(d.Cli.PathOf("net.tsv")), File.ReadAllBytes(d.Cli.PathOf("net2.tsv")));
    }

    /// <summary>--guide-max-std-log-u reaches the solver: the guide std of log U starts at 0.1, so a cap of 0.05 changes the fit from the first step.</summary>
    [Fact]
    public void GuideCapOfLogActivitiesReachesTheFit()
    {
        using var d = new Dream4();
        string[] args = ["infer", "--method", "pmf-grn", "--expression", d.Expression, "--regulators", d.Regulators, "--prior", d.Prior,
            "--epochs", "20", "--seed", "3", "--threads", "1"];
        var plain = d.Cli.Run([.. args, "--out", d.Cli.PathOf("plain.tsv")]);
        var capped = d.Cli.Run([.. args, "--guide-max-std-log-u", "0.05", "--out", d.Cli.PathOf("capped.tsv")]);
        Assert.True(plain.Code == 0 && capped.Code == 0, plain.Err + capped.Err);
        Assert.NotEqual(File.ReadAllBytes(d.Cli.PathOf("plain.tsv")), File.ReadAllBytes(d.Cli.PathOf("capped.tsv")));
        var explicitDefault = d.Cli.Run([.. args, "--guide-max-std-log-u", "2", "--out", d.Cli.PathOf("two.tsv")]);
        Assert.True(explicitDefault.Code == 0, explicitDefault.Err);
        Assert.Equal(File.ReadAllBytes(d.Cli.PathOf("plain.tsv")), File.ReadAllBytes(d.Cli.PathOf("two.tsv")));
    }

    [Fact]
    public void JointEvidenceLiftsTheEvidencedPairs()
    {
        using var d = new Dream4();
        string[] common = ["infer", "--expression", d.Expression, "--regulators", d.Regulators, "--prior", d.Prior, "--epochs", "400", "--seed", "1", "--threads", "1"];
        var plain = d.Cli.Run([.. common, "--method", "pmf-grn", "--out", d.Cli.PathOf("pmf.tsv")]);
        Assert.True(plain.Code == 0, plain.Err);
        var joint = d.Cli.Run([.. common, "--method", "joint", "--evidence", d.Evidence, "--out", d.Cli.PathOf("joint.tsv")]);
        Assert.True(joint.Code == 0, joint.Err);
        Assert.Contains("evidence link scale", joint.Err);
        var evidence = File.ReadAllLines(d.Evidence).Select(l => l.Split('\t')).ToDictionary(f => (f[0], f[1]), f => D(f[2]));
        // AUROC of E[A] between the evidence-0.9 and evidence-0.1 pairs outside the prior: only the evidence can separate them.
        double Auroc(string file)
        {
            var rows = Rows(d.Cli.PathOf(file)).Where(f => !d.InPrior.Contains((f[0], f[1]))).ToArray();
            var hi = rows.Where(f => evidence.TryGetValue((f[0], f[1]), out var v) && v > 0.5).Select(f => D(f[2])).ToArray();
            var lo = rows.Where(f => evidence.TryGetValue((f[0], f[1]), out var v) && v < 0.5).Select(f => D(f[2])).ToArray();
            Assert.True(hi.Length > 20 && lo.Length > 20, $"{hi.Length} / {lo.Length} evidence pairs outside the prior");
            return hi.Sum(h => lo.Sum(l => h > l ? 1.0 : h == l ? 0.5 : 0)) / (hi.Length * (double)lo.Length);
        }
        double withEvidence = Auroc("joint.tsv"), pmf = Auroc("pmf.tsv");
        Assert.True(withEvidence > 0.8 && withEvidence > pmf + 0.2, $"AUROC of evidence-0.9 over evidence-0.1 pairs: joint {withEvidence:F3}, pmf-grn {pmf:F3}");
    }

    [Fact]
    public void HoldoutGivesAValidationLossAndEarlyStopping()
    {
        using var d = new Dream4();
        var r = d.Cli.Run("infer", "--method", "pmf-grn", "--expression", d.Expression, "--regulators", d.Regulators, "--epochs", "300",
            "--holdout", "0.1", "--validate-every", "20", "--patience", "2", "--batch-size", "64", "--precision", "float32", "--out", d.Cli.PathOf("net.tsv"));
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("best validation loss", r.Err);
        Assert.True(File.Exists(d.Cli.PathOf("net.tsv")));
    }

    [Theory]
    [InlineData("joint", "", "--evidence", "needs --evidence FILE")]
    [InlineData("pmf-grn", "--evidence", "EV", "use --method joint")]
    [InlineData("lasso", "--epochs", "10", "--epochs applies only to --method pmf-grn or joint")]
    [InlineData("pmf-grn", "--alpha", "0.1", "--alpha does not apply to --method pmf-grn")]
    [InlineData("joint", "--solver", "homotopy", "--solver does not apply to --method joint")]
    [InlineData("pmf-grn", "--patience", "3", "need --holdout F")]
    [InlineData("pmf-grn", "--learning-rate", "0", "--learning-rate")]
    [InlineData("pmf-grn", "--guide-max-std-log-u", "0", "--guide-max-std-log-u: '0' is not valid")]
    [InlineData("lasso", "--guide-max-std-log-u", "1", "--guide-max-std-log-u applies only to --method pmf-grn or joint")]
    public void BadOptionsAreRefused(string method, string option, string value, string message)
    {
        using var d = new Dream4();
        var args = new List<string> { "infer", "--method", method, "--expression", d.Expression, "--regulators", d.Regulators, "--out", d.Cli.PathOf("net.tsv") };
        if (option.Length > 0) args.AddRange([option, value == "EV" ? d.Evidence : value]);
        var r = d.Cli.Run([.. args]);
        Assert.NotEqual(0, r.Code);
        Assert.Contains(message, r.Err);
        Assert.False(File.Exists(d.Cli.PathOf("net.tsv")));
    }

    [Fact]
    public void BadEvidenceNamesFileAndLine()
    {
        using var d = new Dream4();
        var gold = d.Gold.First();
        var bad = d.Cli.File("bad.tsv", $"{gold.Item1}\t{gold.Item2}\t0.5\n{gold.Item1}\t{gold.Item2}\t1.5\n");
        var r = d.Cli.Run("infer", "--method", "joint", "--evidence", bad, "--expression", d.Expression, "--regulators", d.Regulators, "--epochs", "5", "--out", d.Cli.PathOf("net.tsv"));
        Assert.Equal(1, r.Code);
        Assert.Contains("bad.tsv", r.Err);
        Assert.Contains("bad.tsv:2:", r.Err);
        var twice = d.Cli.File("twice.tsv", $"{gold.Item1}\t{gold.Item2}\t0.5\n{gold.Item1}\t{gold.Item2}\t0.7\n");
        r = d.Cli.Run("infer", "--method", "joint", "--evidence", twice, "--expression", d.Expression, "--regulators", d.Regulators, "--epochs", "5", "--out", d.Cli.PathOf("net.tsv"));
        Assert.Equal(1, r.Code);
        Assert.Contains("given twice (lines 1 and 2)", r.Err);
        Assert.False(File.Exists(d.Cli.PathOf("net.tsv")));
    }

    [Fact]
    public void PriorPairsTheModelCannotUseAreCountedPerFile()
    {
        // The same rules as every method's priors (PriorPairs): absent genes and non-regulators are warned, self loops noted.
        using var d = new Dream4();
        var gold = d.Gold.First();
        string target = File.ReadAllLines(d.Regulators).First() == "G1" ? "G2" : "G1";
        var prior = d.Cli.File("mixed.tsv", $"{gold.Item1}\t{gold.Item2}\nNOPE\t{gold.Item2}\n{target}\t{target}\n{gold.Item2}x\tG3\n");
        var r = d.Cli.Run("infer", "--method", "pmf-grn", "--prior", prior, "--expression", d.Expression, "--regulators", d.Regulators,
            "--epochs", "5", "--out", d.Cli.PathOf("net.tsv"));
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("mixed.tsv: 2 pairs name genes absent from the data (2 genes: ", r.Err);
        Assert.Contains("prior " + prior + ": 1 of 4 pairs used as prior edge probabilities", r.Err);
    }

    [Fact]
    public void NotConvergedAdviceTellsARisingLossFromAFallingOne()
    {
        // Falling throughout: more epochs. Best window early, last window above it: lower the learning rate.
        var falling = Enumerable.Range(0, 400).Select(e => 2.0 + 1.0 / (1 + e)).ToArray();
        Assert.Contains("more --epochs may help", GrnFast.Host.Infer.PmfGrnRun.NotConvergedAdvice(falling, 0.01, 1e-3, 0.1));
        var rising = Enumerable.Range(0, 400).Select(e => e < 100 ? 2.2 : 2.2 + (e - 100) * 0.01).ToArray();
        string advice = GrnFast.Host.Infer.PmfGrnRun.NotConvergedAdvice(rising, 0.3, 1e-3, 0.1);
        Assert.Contains("the loss rose from 2.2 (mean of the epochs to ", advice);
        Assert.Contains("unstable at --learning-rate 0.1; lower it (e.g. 0.01)", advice);
        Assert.DoesNotContain("more --epochs", advice);
        // The option the advice names exists and is validated.
        using var d = new Dream4();
        var r = d.Cli.Run("infer", "--method", "pmf-grn", "--learning-rate-decay", "1.5", "--expression", d.Expression, "--regulators", d.Regulators, "--out", d.Cli.PathOf("x.tsv"));
        Assert.Equal(2, r.Code);
        Assert.Contains("--learning-rate-decay", r.Err);
        r = d.Cli.Run("infer", "--method", "pmf-grn", "--learning-rate-decay", "0.999", "--epochs", "20", "--prior", d.Prior, "--expression", d.Expression, "--regulators", d.Regulators, "--out", d.Cli.PathOf("x.tsv"));
        Assert.True(r.Code == 0, r.Err);
    }
}
