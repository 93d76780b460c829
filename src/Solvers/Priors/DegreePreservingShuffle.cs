using GrnFast.Solvers.Evaluation;

namespace GrnFast.Solvers.Priors;

/// <summary>A shuffled prior and how thoroughly it was shuffled.</summary>
/// <param name="Swaps">Accepted swaps.</param>
/// <param name="Attempts">Proposed swaps.</param>
/// <param name="SharedEdges">Edges still shared with the input.</param>
public sealed record ShuffledPrior(List<RegulatoryEdge> Edges, long Swaps, long Attempts, int SharedEdges);

/// <summary>
/// A negative control with the same in- and out-degree of every gene as a given prior: degree-preserving edge swaps
/// (Maslov and Sneppen 2002). A swap takes two edges a -> b and c -> d and makes them a -> d and c -> b; it is rejected
/// when that would create a self pair or an edge that already exists. Each edge keeps its weight with its regulator.
/// Swapping stops after <c>swapsPerEdge</c> x |E| accepted swaps, or after 100 times as many proposals (a network
/// with few possible swaps, such as a complete bipartite one, cannot be shuffled further).
/// </summary>
public static class DegreePreservingShuffle
{
    public static ShuffledPrior Shuffle(IReadOnlyList<RegulatoryEdge> like, int seed, int swapsPerEdge = 10)
    {
        ArgumentNullException.ThrowIfNull(like);
        ArgumentOutOfRangeException.ThrowIfLessThan(swapsPerEdge, 0);
        var edges = like.Order(Comparer<RegulatoryEdge>.Create(RegulatoryEdge.CompareByPair)).ToArray();
        int m = edges.Length;
        var present = new HashSet<GenePair>(m);
        foreach (var e in edges)
        {
            if (e.Regulator == e.Target) throw new ArgumentException($"self loop {e.Regulator} -> {e.Target}", nameof(like));
            if (!present.Add(e.Pair)) throw new ArgumentException($"duplicate edge {e.Regulator} -> {e.Target}", nameof(like));
        }
        var random = new Random(seed);
        long wanted = (long)swapsPerEdge * m, limit = 100 * wanted, swaps = 0, attempts = 0;
        while (m >= 2 && swaps < wanted && attempts < limit)
        {
            attempts++;
            int i = random.Next(m), j = random.Next(m);
            if (i == j) continue;
            var (a, b) = (edges[i], edges[j]);
            var first = new GenePair(a.Regulator, b.Target);
            var second = new GenePair(b.Regulator, a.Target);
            if (first.Regulator == first.Target || second.Regulator == second.Target) continue;
            if (present.Contains(first) || present.Contains(second)) continue;
            present.Remove(a.Pair);
            present.Remove(b.Pair);
            present.Add(first);
            present.Add(second);
            edges[i] = a with { Target = b.Target };
            edges[j] = b with { Target = a.Target };
            swaps++;
        }
        var original = new HashSet<GenePair>(like.Select(e => e.Pair));
        return new ShuffledPrior(edges.ToList(), swaps, attempts, edges.Count(e => original.Contains(e.Pair)));
    }
}
