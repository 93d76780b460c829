using GrnFast.Solvers.Evaluation;

namespace GrnFast.Solvers.Priors;

/// <summary>
/// A prior like a motif scan or an ATAC base GRN: high recall, low precision, many candidate regulators per target.
/// For every gene t of the gold standard, each true regulator of t is kept with probability R (independently), and
/// regulators drawn uniformly from the other regulators (not t, not true regulators of t) are added until t has K
/// candidates; a gene whose kept true regulators already number K or more keeps them all and gets no false ones.
/// The expected recall is R; the precision is about R |E| / (genes x K). Every edge has weight 1.
/// </summary>
public static class MotifLikePrior
{
    /// <param name="regulators">Candidate regulators; null: the gold's regulators.</param>
    public static List<RegulatoryEdge> Generate(GoldStandard gold, double recall, int perTarget, int seed, IReadOnlyList<string>? regulators = null)
    {
        ArgumentNullException.ThrowIfNull(gold);
        if (!(recall >= 0 && recall <= 1)) throw new ArgumentOutOfRangeException(nameof(recall), recall, "must be in [0, 1]");
        ArgumentOutOfRangeException.ThrowIfLessThan(perTarget, 1);
        var random = new Random(seed);
        var pool = (regulators ?? gold.Regulators).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var trueRegulators = gold.Edges.Keys.ToLookup(p => p.Target, p => p.Regulator, StringComparer.Ordinal);
        var edges = new List<RegulatoryEdge>();
        foreach (var t in gold.Genes)
        {
            var truth = trueRegulators[t].Order(StringComparer.Ordinal).ToArray();
            int kept = 0;
            foreach (var r in truth)
                if (random.NextDouble() < recall) { edges.Add(new RegulatoryEdge(r, t, 1)); kept++; }
            int wanted = perTarget - kept;
            if (wanted <= 0) continue;
            var isTrue = new HashSet<string>(truth, StringComparer.Ordinal);
            var decoys = pool.Where(r => r != t && !isTrue.Contains(r)).ToArray();
            // A partial Fisher-Yates: the first 'wanted' slots are a uniform sample without replacement.
            int take = Math.Min(wanted, decoys.Length);
            for (int i = 0; i < take; i++)
            {
                int j = random.Next(i, decoys.Length);
                (decoys[i], decoys[j]) = (decoys[j], decoys[i]);
                edges.Add(new RegulatoryEdge(decoys[i], t, 1));
            }
        }
        return edges;
    }
}
