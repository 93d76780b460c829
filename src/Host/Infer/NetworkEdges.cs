using GrnFast.IO;
using GrnFast.Solvers.Data;
using GrnFast.Solvers.Results;

namespace GrnFast.Host.Infer;

/// <summary>Names the solver's index-based results.</summary>
internal static class NetworkEdges
{
    /// <summary>Every edge with nonzero importance.</summary>
    public static List<NetworkEdge> From(GrnFitResult result, RegulatorTargetProblem problem, IReadOnlyList<string> genes)
    {
        // Counted first: growing a list of 100 000 edges by doubling copied and page-faulted ~3x its size (D1: 10 ms).
        int count = 0;
        foreach (var fit in result.Targets)
            foreach (var importance in fit.Importance)
                if (importance != 0) count++;
        var edges = new List<NetworkEdge>(count);
        foreach (var fit in result.Targets)
        {
            string target = genes[problem.TargetColumns[fit.Target]];
            for (int k = 0; k < fit.Regulators.Length; k++)
                if (fit.Importance[k] != 0)
                    edges.Add(new NetworkEdge(genes[problem.RegulatorColumns[fit.Regulators[k]]], target, fit.Importance[k], fit.Coefficients[k]));
        }
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
