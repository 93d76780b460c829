using System.Diagnostics;
using GrnFast.Host.Infer;
using GrnFast.IO;
using GrnFast.Kernels.Blas;
using GrnFast.Solvers;
using GrnFast.Solvers.Data;
using GrnFast.Solvers.ElasticNet;
using GrnFast.Solvers.Evaluation;

namespace GrnFast.Host.Demo;

/// <summary>AUPRC and AUROC of one run on the held-out pairs.</summary>
internal sealed record DemoScore(double Auprc, double Auroc, int Edges);

/// <summary>What <c>grnfast demo</c> measured.</summary>
internal sealed record DemoReport(int Cells, int Genes, int GoldEdges, int PriorEdges, int PriorTrueEdges,
    int ScoredPairs, int ScoredPositives, DemoScore WithoutPrior, DemoScore WithPrior,
    IReadOnlyList<NetworkEdge> TopWithPrior, Func<NetworkEdge, string> Mark, double PriorWeight, double Seconds);

/// <summary>
/// <c>grnfast demo</c>: DREAM4 size-100 network 1 with and without a noisy database-like prior, scored only on
/// pairs outside the prior so that copying the prior cannot score.
/// </summary>
internal static class DemoCommand
{
    public const int PriorSeed = 2010;

    /// <summary>
    /// W = 0.5, the CLI's default for --prior-mode weight, so the demo shows what a user gets without tuning. The
    /// prior is half wrong, so it should lower the bar, not remove it: a prior edge enters the path at half the
    /// correlation a non-prior edge needs, a false one still needs support in the data. Not tuned on the scored
    /// pairs; a sweep (rho 0.5) gave held-out AUPRC 0.031, 0.031, 0.029, 0.027 for W = 0.1, 0.25, 0.5, 0.75
    /// against 0.026 without the prior: every W helps, smaller W a little more.
    /// </summary>
    public const double PriorWeight = 0.5;

    public static int Run(TextWriter stdout, Log log, CancellationToken cancellation)
    {
        var report = Execute(cancellation);
        Print(report, stdout);
        return 0;
    }

    /// <param name="priorWeight">W of --prior-mode weight (w on prior edges at confidence 1).</param>
    /// <param name="l1Ratio">rho of the elastic net.</param>
    public static DemoReport Execute(CancellationToken cancellation = default, double priorWeight = PriorWeight, double l1Ratio = 0.5)
    {
        var clock = Stopwatch.StartNew();
        var demo = DemoData.Load();
        using var data = demo.Expression;
        int p = data.Genes;
        var all = Enumerable.Range(0, p).ToArray();
        var prior = DatabasePrior.Build(demo.Gold, p, PriorSeed);
        var context = new SolverContext(BlasResolver.Resolve(), 0, cancellation);
        var options = new ElasticNetOptions { L1Ratio = l1Ratio };
        var x = data.Single!.Value;
        var moments = ExpressionMoments.Compute(x);

        var plain = new RegulatorTargetProblem(all, all, new PenaltyWeights(1.0));
        var withoutPrior = NetworkEdges.From(ElasticNetGrn.Fit(x, plain, options, context, moments), plain, data.GeneNames);

        var weights = new PenaltyWeights(1.0);
        foreach (var (r, t) in prior) weights.Set(r, t, priorWeight);
        var informed = new RegulatorTargetProblem(all, all, weights);
        var withPrior = NetworkEdges.From(ElasticNetGrn.Fit(x, informed, options, context, moments), informed, data.GeneNames);

        var column = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < p; i++) column[data.GeneNames[i]] = i;
        var heldOut = new List<(int, int)>();
        for (int t = 0; t < p; t++)
            for (int r = 0; r < p; r++)
                if (r != t && !prior.Contains((r, t))) heldOut.Add((r, t));

        DemoScore Score(List<NetworkEdge> edges)
        {
            var score = new Dictionary<(int, int), double>();
            foreach (var e in edges) score[(column[e.Regulator], column[e.Target])] = e.Importance;
            var pairs = heldOut.Select(k => (score.GetValueOrDefault(k), demo.Gold.Contains(k))).ToList();
            return new DemoScore(PrecisionRecall.AveragePrecision(pairs), PrecisionRecall.AreaUnderRoc(pairs), edges.Count);
        }

        var top = withPrior.ToArray();
        Array.Sort(top, NetworkWriter.Compare);
        string Mark(NetworkEdge e)
        {
            var k = (column[e.Regulator], column[e.Target]);
            return (demo.Gold.Contains(k) ? "true" : "false") + (prior.Contains(k) ? ", in prior" : "");
        }
        return new DemoReport(data.Cells, p, demo.Gold.Count, prior.Count, prior.Count(demo.Gold.Contains),
            heldOut.Count, heldOut.Count(demo.Gold.Contains), Score(withoutPrior), Score(withPrior),
            top.Take(10).ToArray(), Mark, priorWeight, clock.Elapsed.TotalSeconds);
    }

    public static void Print(DemoReport r, TextWriter o)
    {
        o.WriteLine("grnfast demo: DREAM4 in-silico size-100 network 1 (Marbach et al. 2009/2010, GeneNetWeaver)");
        o.WriteLine($"  expression: {r.Cells} experiments (knockouts, knockdowns, wild type) x {r.Genes} genes; every gene is a regulator and a target");
        o.WriteLine($"  gold standard: {r.GoldEdges} edges");
        o.WriteLine($"  prior: {r.PriorEdges} edges, {r.PriorTrueEdges} true (half of each target's regulators, rounded up) + {r.PriorEdges - r.PriorTrueEdges} false; seed {PriorSeed}");
        o.WriteLine($"  model: elastic net, rho 0.5, path of 50 alphas, EBIC; prior as --prior-mode weight with W = {r.PriorWeight} (w = 0.5 on prior edges)");
        o.WriteLine();
        o.WriteLine("top 10 edges with the prior:");
        o.WriteLine($"  {"TF",-6}{"target",-8}{"importance",12}{"coef",10}  truth");
        foreach (var e in r.TopWithPrior)
            o.WriteLine($"  {e.Regulator,-6}{e.Target,-8}{e.Importance,12:G4}{e.Coefficient,10:G3}  {r.Mark(e)}");
        o.WriteLine();
        o.WriteLine($"scored on {r.ScoredPairs} regulator -> target pairs outside the prior (no self loops), {r.ScoredPositives} true;");
        o.WriteLine($"pairs missing from a network score 0. Random AUPRC = {(double)r.ScoredPositives / r.ScoredPairs:F4}.");
        o.WriteLine($"  {"run",-16}{"edges",7}{"AUPRC",9}{"AUROC",9}");
        o.WriteLine($"  {"without prior",-16}{r.WithoutPrior.Edges,7}{r.WithoutPrior.Auprc,9:F4}{r.WithoutPrior.Auroc,9:F4}");
        o.WriteLine($"  {"with prior",-16}{r.WithPrior.Edges,7}{r.WithPrior.Auprc,9:F4}{r.WithPrior.Auroc,9:F4}");
        o.WriteLine();
        o.WriteLine($"done in {r.Seconds:F2} s");
    }
}
