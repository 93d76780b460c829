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
        var weights = new PenaltyWeights(mode == PriorMode.Mask ? double.PositiveInfinity : 1.0);
        var regulatorPosition = Positions(regulatorColumns);
        var targetPosition = Positions(targetColumns);
        foreach (var source in sources)
        {
            var missing = new SortedSet<string>(StringComparer.Ordinal);
            int missingPairs = 0, notRegulator = 0, notTarget = 0, self = 0, used = 0;
            foreach (var e in source.Edges)
            {
                bool hasRegulator = columns.TryGetValue(e.Regulator, out int rc);
                bool hasTarget = columns.TryGetValue(e.Target, out int tc);
                if (!hasRegulator || !hasTarget)
                {
                    missingPairs++;
                    if (!hasRegulator) missing.Add(e.Regulator);
                    if (!hasTarget) missing.Add(e.Target);
                    continue;
                }
                if (rc == tc) { self++; continue; }
                if (!regulatorPosition.TryGetValue(rc, out int r)) { notRegulator++; continue; }
                if (!targetPosition.TryGetValue(tc, out int t)) { notTarget++; continue; }
                double w = mode == PriorMode.Mask ? priorWeight : 1 - (1 - priorWeight) * e.Confidence;
                // Confidence 0 in weight mode gives w = 1: no evidence, the usual penalty.
                weights.Set(r, t, w);
                used++;
            }
            log.Info($"prior {source.Path}: {used} of {source.Edges.Count} pairs used");
            if (missingPairs > 0)
                log.Warn($"{source.Path}: {missingPairs} pairs name genes absent from the data ({missing.Count} genes: {Log.FirstFew(missing)})");
            if (notRegulator > 0)
                log.Warn($"{source.Path}: {notRegulator} pairs have a regulator that is not in the regulator list (or was dropped)");
            if (notTarget > 0)
                log.Info($"{source.Path}: {notTarget} pairs have a target that is not fitted");
            if (self > 0)
                log.Info($"{source.Path}: {self} self loops ignored");
        }
        return weights;
    }

    private static Dictionary<int, int> Positions(int[] columns)
    {
        var d = new Dictionary<int, int>(columns.Length);
        for (int i = 0; i < columns.Length; i++) d[columns[i]] = i;
        return d;
    }
}
