using GrnFast.Solvers.Evaluation;

namespace GrnFast.Solvers.Priors;

/// <summary>
/// A related but different network, for the "prior from another cell type" question: round(F |E|) edges drawn
/// uniformly are moved, each to a new target drawn uniformly among the genes (by rejection) that are not its regulator, not a target
/// of that regulator in the input and not already given to it by an earlier move. Regulators keep their out-degree
/// (the same TFs are active; some of their targets differ) and exactly (1 - F) |E| edges (up to rounding) are shared
/// with the input. Edges keep their weights.
/// </summary>
public static class RewiredNetwork
{
    /// <param name="genes">Genes a moved edge may point to (the gold standard's genes).</param>
    public static List<RegulatoryEdge> Rewire(IReadOnlyList<RegulatoryEdge> network, IReadOnlyList<string> genes, double fraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(genes);
        if (!(fraction >= 0 && fraction <= 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "must be in [0, 1]");
        var edges = network.Order(Comparer<RegulatoryEdge>.Create(RegulatoryEdge.CompareByPair)).ToArray();
        var pool = genes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var original = new HashSet<GenePair>(edges.Select(e => e.Pair));
        var random = new Random(seed);
        int moved = PairSampler.Count(fraction * edges.Length);
        var order = Enumerable.Range(0, edges.Length).ToArray();
        random.Shuffle(order);
        var movedIndexes = order.Take(moved).Order().ToArray();
        var result = edges.ToArray();
        var newPairs = new HashSet<GenePair>();
        foreach (int i in movedIndexes)
        {
            var e = edges[i];
            bool Free(string t) => t != e.Regulator && !original.Contains(new GenePair(e.Regulator, t)) && !newPairs.Contains(new GenePair(e.Regulator, t));
            // Rejection while free targets are plentiful; the free list only for a regulator that targets most genes.
            string? target = null;
            for (int attempt = 0; attempt < 64 && target is null; attempt++)
            {
                var t = pool[random.Next(pool.Length)];
                if (Free(t)) target = t;
            }
            if (target is null)
            {
                var free = pool.Where(Free).ToArray();
                if (free.Length == 0)
                    throw new ArgumentException($"regulator {e.Regulator} already targets every gene; its edge to {e.Target} cannot move", nameof(network));
                target = free[random.Next(free.Length)];
            }
            newPairs.Add(new GenePair(e.Regulator, target));
            result[i] = e with { Target = target };
        }
        return result.ToList();
    }
}
