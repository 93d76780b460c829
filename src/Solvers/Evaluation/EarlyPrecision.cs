namespace GrnFast.Solvers.Evaluation;

/// <summary>
/// Early precision of one ranking. <see cref="K"/> is the number of true edges among the scored pairs,
/// <see cref="Selected"/> how many pairs made the top-k cut (ties at the k-th score all included),
/// <see cref="TruePositives"/> how many of those are true, <see cref="Precision"/> = TruePositives / Selected and
/// <see cref="Ratio"/> = Precision / (K / pairs), the gain over a random ranking.
/// </summary>
public readonly record struct EarlyPrecisionResult(int K, int Selected, int TruePositives, double Precision, double Ratio);

/// <summary>
/// BEELINE's early precision (Pratapa et al. 2020, BLEval/computeEarlyPrec.py), on pairs already restricted to the
/// candidate universe (regulator -> gene, no self loops). With k = the number of positives and s_k the k-th largest
/// score, the selected set is every pair with score &gt;= s_k and score &gt; 0: all ties at the k-th score are
/// included, and a pair without a score (0) is never a prediction, so when fewer than k pairs score above 0 the
/// selection is all of them. EP = |selected ∩ true| / |selected| (0 when nothing is selected, as BEELINE);
/// EPR = EP / (k / |pairs|). Scores are compared exactly (BEELINE first rounds |weight| to 6 decimals).
/// </summary>
public static class EarlyPrecision
{
    /// <param name="pairs">(score, is a true edge) for every candidate pair; scores are |edge weight| (&gt;= 0).</param>
    public static EarlyPrecisionResult Compute(IReadOnlyList<(double Score, bool IsPositive)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        for (int i = 0; i < pairs.Count; i++)
            if (pairs[i].Score < 0) throw new ArgumentException($"the score of pair {i} is negative ({pairs[i].Score}); rank by |weight|", nameof(pairs));
        return Compute(RankedPairs.From(pairs));
    }

    internal static EarlyPrecisionResult Compute(in RankedPairs ranked)
    {
        int n = ranked.Count, k = ranked.Positives;
        if (k == 0) return new EarlyPrecisionResult(0, 0, 0, double.NaN, double.NaN);
        double kth = ranked.Score(k - 1);
        int selected = 0, hits = 0;
        // Sorted descending: the selection is a prefix, ending after the tie at the k-th score or at the first 0.
        for (int i = 0; i < n && ranked.Score(i) >= kth && ranked.Score(i) > 0; i++)
        {
            selected++;
            if (ranked.IsPositive(i)) hits++;
        }
        double precision = selected == 0 ? 0 : (double)hits / selected;
        return new EarlyPrecisionResult(k, selected, hits, precision, precision / ((double)k / n));
    }
}
