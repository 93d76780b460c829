using GrnFast.Solvers.Evaluation;

namespace GrnFast.Solvers.Priors;

/// <summary>
/// A negative control of the same size as a given prior: as many distinct pairs drawn uniformly from regulators x
/// genes (no self pairs), carrying the given prior's weights in a random order (so the weight distribution is the
/// same). Its edges are unrelated to the truth, so it should not help inference.
/// </summary>
public static class RandomPrior
{
    /// <param name="regulators">Regulators to draw from; null: the regulators of <paramref name="like"/>.</param>
    /// <param name="genes">Targets to draw from; null: every gene of <paramref name="like"/> (regulators and targets).</param>
    public static List<RegulatoryEdge> Generate(IReadOnlyList<RegulatoryEdge> like, int seed, IReadOnlyList<string>? regulators = null, IReadOnlyList<string>? genes = null)
    {
        ArgumentNullException.ThrowIfNull(like);
        var sorted = like.Order(Comparer<RegulatoryEdge>.Create(RegulatoryEdge.CompareByPair)).ToArray();
        regulators ??= sorted.Select(e => e.Regulator).Distinct(StringComparer.Ordinal).ToArray();
        genes ??= sorted.Select(e => e.Regulator).Concat(sorted.Select(e => e.Target)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var random = new Random(seed);
        var pairs = PairSampler.SampleFree(regulators, genes, new HashSet<GenePair>(), sorted.Length, random, "random prior");
        var weights = sorted.Select(e => e.Weight).ToArray();
        random.Shuffle(weights);
        return pairs.Select((p, i) => new RegulatoryEdge(p.Regulator, p.Target, weights[i])).ToList();
    }
}
