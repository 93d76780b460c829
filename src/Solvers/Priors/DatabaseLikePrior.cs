using GrnFast.Solvers.Evaluation;

namespace GrnFast.Solvers.Priors;

/// <summary>
/// A prior like a curated database: a chosen recall R and precision P against the gold standard. It holds
/// n_true = round(R |E|) true edges drawn uniformly from the gold's edges E and n_false = round(n_true (1 - P) / P)
/// false edges drawn uniformly from the regulator x gene pairs (no self pairs) that are not true edges, so its
/// precision is n_true / (n_true + n_false) and its recall n_true / |E|, both equal to P and R up to rounding.
/// Every edge has weight 1.
/// </summary>
public static class DatabaseLikePrior
{
    /// <param name="regulators">Regulators of the false edges; null: the gold's regulators.</param>
    public static List<RegulatoryEdge> Generate(GoldStandard gold, double precision, double recall, int seed, IReadOnlyList<string>? regulators = null)
    {
        ArgumentNullException.ThrowIfNull(gold);
        if (!(precision > 0 && precision <= 1)) throw new ArgumentOutOfRangeException(nameof(precision), precision, "must be in (0, 1]");
        if (!(recall > 0 && recall <= 1)) throw new ArgumentOutOfRangeException(nameof(recall), recall, "must be in (0, 1]");
        if (gold.Edges.Count == 0) throw new ArgumentException("the gold standard has no edges", nameof(gold));
        var random = new Random(seed);
        var truth = gold.Edges.Keys.Order(PairOrder.Instance).ToArray();
        int nTrue = Math.Max(1, PairSampler.Count(recall * truth.Length));
        int nFalse = PairSampler.Count(nTrue * (1 - precision) / precision);
        random.Shuffle(truth);
        var edges = truth.Take(nTrue).Select(p => new RegulatoryEdge(p.Regulator, p.Target, 1)).ToList();
        var taken = new HashSet<GenePair>(gold.Edges.Keys);
        foreach (var p in PairSampler.SampleFree(regulators ?? gold.Regulators, gold.Genes, taken, nFalse, random, "database prior false edges"))
            edges.Add(new RegulatoryEdge(p.Regulator, p.Target, 1));
        return edges;
    }
}

/// <summary>Ordinal order of pairs by regulator, then target.</summary>
internal sealed class PairOrder : IComparer<GenePair>
{
    public static readonly PairOrder Instance = new();

    public int Compare(GenePair a, GenePair b)
    {
        int c = string.CompareOrdinal(a.Regulator, b.Regulator);
        return c != 0 ? c : string.CompareOrdinal(a.Target, b.Target);
    }
}
