using GrnFast.Solvers.Evaluation;

namespace GrnFast.Solvers.Priors;

/// <summary>Whether a gold standard is split by its target genes or by its regulators.</summary>
public enum SplitAxis { Target, Regulator }

/// <summary>The prior part (true edges of the kept genes, weight 1) and the held-out genes of a split.</summary>
public sealed record GoldStandardSplitResult(List<RegulatoryEdge> Prior, IReadOnlyList<string> HeldOutGenes, IReadOnlyList<string> KeptGenes);

/// <summary>
/// Splits a gold standard into a prior and a held-out part by gene, as Inferelator's
/// split_gold_standard_for_crossvalidation and PMF-GRN's split_prior do: round(F n) of the gold's n targets (genes
/// with a true incoming edge) or regulators, at least 1 and at most n - 1, drawn uniformly, are held out; the prior is
/// every true edge into (out of) the other genes. Scoring with --heldout-targets (--heldout-regulators) on the held-out
/// genes then sees no pair the prior lists.
/// </summary>
public static class GoldStandardSplit
{
    public static GoldStandardSplitResult Split(GoldStandard gold, SplitAxis axis, double heldOutFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(gold);
        if (!(heldOutFraction > 0 && heldOutFraction < 1)) throw new ArgumentOutOfRangeException(nameof(heldOutFraction), heldOutFraction, "must be in (0, 1)");
        var genes = (axis == SplitAxis.Target ? gold.Edges.Keys.Select(p => p.Target) : gold.Edges.Keys.Select(p => p.Regulator))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (genes.Length < 2) throw new ArgumentException($"the gold standard has {genes.Length} {(axis == SplitAxis.Target ? "target" : "regulator")}(s); a split needs at least 2", nameof(gold));
        int held = Math.Clamp(PairSampler.Count(heldOutFraction * genes.Length), 1, genes.Length - 1);
        new Random(seed).Shuffle(genes);
        var heldOut = genes.Take(held).Order(StringComparer.Ordinal).ToArray();
        var kept = genes.Skip(held).Order(StringComparer.Ordinal).ToArray();
        var isHeldOut = new HashSet<string>(heldOut, StringComparer.Ordinal);
        var prior = gold.Edges.Keys
            .Where(p => !isHeldOut.Contains(axis == SplitAxis.Target ? p.Target : p.Regulator))
            .Order(PairOrder.Instance)
            .Select(p => new RegulatoryEdge(p.Regulator, p.Target, 1))
            .ToList();
        return new GoldStandardSplitResult(prior, heldOut, kept);
    }
}
