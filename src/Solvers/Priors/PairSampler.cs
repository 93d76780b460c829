using GrnFast.Solvers.Evaluation;

namespace GrnFast.Solvers.Priors;

/// <summary>Uniform sampling, without replacement, of regulator -> gene pairs (no self pairs) outside a set of taken pairs.</summary>
internal static class PairSampler
{
    /// <summary>
    /// Draws <paramref name="count"/> distinct pairs from regulators x genes, never a self pair or a pair of
    /// <paramref name="taken"/>, each free pair equally likely. Rejection sampling while the free pairs are plentiful
    /// (at most about 2 draws per pair kept); otherwise the free pairs are listed and shuffled.
    /// </summary>
    public static List<GenePair> SampleFree(IReadOnlyList<string> regulators, IReadOnlyList<string> genes, IReadOnlySet<GenePair> taken, int count, Random random, string what)
    {
        regulators = regulators.Distinct(StringComparer.Ordinal).ToArray();
        genes = genes.Distinct(StringComparer.Ordinal).ToArray();
        var geneSet = new HashSet<string>(genes, StringComparer.Ordinal);
        var regulatorSet = new HashSet<string>(regulators, StringComparer.Ordinal);
        long universe = (long)regulators.Count * genes.Count - regulators.Count(geneSet.Contains);
        long takenInside = taken.Count(p => p.Regulator != p.Target && geneSet.Contains(p.Target) && regulatorSet.Contains(p.Regulator));
        long free = universe - takenInside;
        if (count > free)
            throw new ArgumentException($"{what}: {count} pairs are needed but only {free} regulator -> gene pairs are free ({regulators.Count} regulators x {genes.Count} genes, self pairs and {takenInside} taken pairs excluded)");
        var result = new List<GenePair>(count);
        if (count == 0) return result;
        if (free >= 2L * count && free > 64)
        {
            var chosen = new HashSet<GenePair>();
            while (result.Count < count)
            {
                var pair = new GenePair(regulators[random.Next(regulators.Count)], genes[random.Next(genes.Count)]);
                if (pair.Regulator == pair.Target || taken.Contains(pair) || !chosen.Add(pair)) continue;
                result.Add(pair);
            }
            return result;
        }
        var all = new List<GenePair>((int)free);
        foreach (var r in regulators)
            foreach (var g in genes)
            {
                var pair = new GenePair(r, g);
                if (r != g && !taken.Contains(pair)) all.Add(pair);
            }
        var array = all.ToArray();
        random.Shuffle(array);
        result.AddRange(array.Take(count));
        return result;
    }

    /// <summary>Round half away from zero, as a count.</summary>
    public static int Count(double x) => (int)Math.Round(x, MidpointRounding.AwayFromZero);
}
