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
        int n = pairs.Count, k = 0;
        var scores = new double[n];
        for (int i = 0; i < n; i++)
        {
            var (s, positive) = pairs[i];
            if (double.IsNaN(s)) throw new ArgumentException($"the score of pair {i} is NaN", nameof(pairs));
            if (s < 0) throw new ArgumentException($"the score of pair {i} is negative ({s}); rank by |weight|", nameof(pairs));
            scores[i] = s;
            if (positive) k++;
        }
        if (k == 0) return new EarlyPrecisionResult(0, 0, 0, double.NaN, double.NaN);
        Array.Sort(scores);
        double kth = scores[n - k]; // k-th largest
        int selected = 0, hits = 0;
        foreach (var (s, positive) in pairs)
            if (s > 0 && s >= kth)
            {
                selected++;
                if (positive) hits++;
            }
        double precision = selected == 0 ? 0 : (double)hits / selected;
        return new EarlyPrecisionResult(k, selected, hits, precision, precision / ((double)k / n));
    }
}
