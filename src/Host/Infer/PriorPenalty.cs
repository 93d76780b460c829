using GrnFast.Host.Cli;
using GrnFast.IO;
using GrnFast.Solvers.Data;

namespace GrnFast.Host.Infer;

/// <summary>
/// Penalty weights from prior sources. Mask: default +inf, a listed pair gets W. Weight: default 1, a listed
/// pair gets w = 1 - (1 - W) * confidence. A pair listed several times keeps its smallest w.
/// </summary>
internal static class PriorPenalty
{
    public static PenaltyWeights Build(IReadOnlyList<PriorSource> sources, PriorMode mode, double priorWeight,
        IReadOnlyDictionary<string, int> columns, int[] regulatorColumns, int[] targetColumns, Log log)
    {
        if (mode == PriorMode.None) return new PenaltyWeights(1.0);
        var weights = new PenaltyWeights(mode == PriorMode.Mask ? double.PositiveInfinity : 1.0, sources.Sum(s => s.Edges.Count));
        var resolver = new PriorPairs(columns, regulatorColumns, targetColumns);
        foreach (var source in sources)
        {
            var pairs = resolver.Resolve(source.Path, source.Edges, log);
            foreach (var (r, t, e) in pairs)
            {
                double w = mode == PriorMode.Mask ? priorWeight : 1 - (1 - priorWeight) * e.Confidence;
                // Confidence 0 in weight mode gives w = 1: no evidence, the usual penalty.
                weights.Set(r, t, w);
            }
            log.Info($"prior {source.Path}: {pairs.Count} of {source.Edges.Count} pairs used");
        }
        return weights;
    }
}
