using GrnFast.IO;
using GrnFast.Solvers.Data;
using GrnFast.Solvers.Results;

namespace GrnFast.Host.Infer;

/// <summary>Names the solver's index-based results.</summary>
internal static class NetworkEdges
{
    /// <summary>Every edge with nonzero importance, in target order.</summary>
    /// <param name="threads">Threads that fill the list (ranges of targets; the order does not depend on it).</param>
    public static List<NetworkEdge> From(GrnFitResult result, RegulatorTargetProblem problem, IReadOnlyList<string> genes, int threads = 1)
    {
        // Counted first, per target: each target's edges then have a fixed place, so ranges of targets fill in parallel
        // (D1, 100 000 edges: 4-6 ms on one thread; growing a list by doubling had cost 10 ms).
        var fits = result.Targets;
        var start = new int[fits.Length + 1];
        for (int t = 0; t < fits.Length; t++)
        {
            int n = 0;
            foreach (var importance in fits[t].Importance) if (importance != 0) n++;
            start[t + 1] = start[t] + n;
        }
        var regulatorNames = problem.RegulatorColumns.Select(c => genes[c]).ToArray();
        var edges = new List<NetworkEdge>(start[^1]);
        System.Runtime.InteropServices.CollectionsMarshal.SetCount(edges, start[^1]);
        int workers = Math.Max(1, threads), ranges = Math.Min(fits.Length, 4 * workers);
        Parallel.For(0, ranges, new ParallelOptions { MaxDegreeOfParallelism = workers }, range =>
        {
            var all = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(edges);
            for (int t = (int)((long)fits.Length * range / ranges), end = (int)((long)fits.Length * (range + 1) / ranges); t < end; t++)
            {
                var fit = fits[t];
                string target = genes[problem.TargetColumns[fit.Target]];
                int at = start[t];
                for (int k = 0; k < fit.Regulators.Length; k++)
                    if (fit.Importance[k] != 0)
                        all[at++] = new NetworkEdge(regulatorNames[fit.Regulators[k]], target, fit.Importance[k], fit.Coefficients[k]);
            }
        });
        return edges;
    }

    public static List<PathCoefficient> Snapshot(GrnFitResult result, RegulatorTargetProblem problem, IReadOnlyList<string> genes)
    {
        var rows = new List<PathCoefficient>();
        foreach (var fit in result.Targets)
        {
            if (fit.Snapshot is not { } s) continue;
            string target = genes[problem.TargetColumns[fit.Target]];
            for (int k = 0; k < s.Regulators.Length; k++)
                rows.Add(new PathCoefficient(genes[problem.RegulatorColumns[s.Regulators[k]]], target, s.Alpha, s.Coefficients[k]));
        }
        return rows;
    }

    /// <summary>"100 targets fitted, 512 edges; all converged (worst gap/tol 0.41)" or the count and worst case that did not.</summary>
    public static string Summary(GrnFitResult result, int edges, RegulatorTargetProblem problem, IReadOnlyList<string> genes)
    {
        var notConverged = result.NotConverged.ToList();
        TargetFit? worst = null;
        double worstRatio = 0;
        foreach (var t in result.Targets)
        {
            double ratio = t.Certificate.Tolerance > 0 ? t.Certificate.DualityGap / t.Certificate.Tolerance : 0;
            if (worst is null || ratio > worstRatio) { worst = t; worstRatio = ratio; }
        }
        string head = $"{result.Targets.Length} targets fitted, {edges} edges";
        if (result.HomotopyFallbacks > 0) head += $" ({result.HomotopyFallbacks} finished by coordinate descent after the homotopy stopped)";
        if (worst is null) return head;
        string name = genes[problem.TargetColumns[worst.Target]];
        return notConverged.Count == 0
            ? $"{head}; all converged (worst duality gap/tol {worstRatio:G3}, target {name})"
            : $"{head}; {notConverged.Count} NOT converged (worst: target {name}, {worst.Status}, duality gap {worst.Certificate.DualityGap:G3} > tol {worst.Certificate.Tolerance:G3} after {worst.Certificate.Sweeps} sweeps)";
    }
}
