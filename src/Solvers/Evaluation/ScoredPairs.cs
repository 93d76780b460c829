namespace GrnFast.Solvers.Evaluation;

/// <summary>
/// The (score, is a true edge) pairs that <see cref="NetworkEvaluation.Evaluate"/> ranks for a scope, in a fixed
/// order (regulators in ordinal order, then the gold's genes): for precision-recall curves and other views of one
/// evaluation. Unsigned only; the rules are those of <see cref="NetworkEvaluation"/>: regulator x gene candidates
/// without self pairs, the held-out selection, then the excluded pairs left out; a candidate missing from the
/// network scores 0; the score is |score|.
/// </summary>
public static class ScoredPairs
{
    public static List<(double Score, bool IsPositive)> Collect(GoldStandard gold, IReadOnlyDictionary<GenePair, PredictedScore> network, EvaluationScope scope)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(scope);
        if (scope.HeldOut != HeldOutAxis.None && scope.HeldOutGenes is null)
            throw new ArgumentException("HeldOutGenes is required when HeldOut is set", nameof(scope));
        var regulators = (scope.Regulators ?? gold.Regulators).Where(gold.Contains).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var pairs = new List<(double, bool)>();
        foreach (var r in regulators)
        {
            if (scope.HeldOut == HeldOutAxis.Regulators && !scope.HeldOutGenes!.Contains(r)) continue;
            foreach (var t in gold.Genes)
            {
                if (r == t) continue;
                if (scope.HeldOut == HeldOutAxis.Targets && !scope.HeldOutGenes!.Contains(t)) continue;
                var pair = new GenePair(r, t);
                if (scope.ExcludedPairs is { } excluded && excluded.Contains(pair)) continue;
                pairs.Add((network.TryGetValue(pair, out var p) ? Math.Abs(p.Score) : 0, gold.Edges.ContainsKey(pair)));
            }
        }
        return pairs;
    }
}
