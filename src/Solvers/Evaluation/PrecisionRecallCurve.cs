namespace GrnFast.Solvers.Evaluation;

/// <summary>One point of a precision-recall curve: recall and precision of "score &gt;= threshold".</summary>
public readonly record struct PrecisionRecallPoint(double Threshold, double Recall, double Precision);

/// <summary>
/// The precision-recall curve of a ranking, one point per distinct score in decreasing order (tied pairs enter
/// together, as in <see cref="PrecisionRecall.AveragePrecision(IReadOnlyList{ValueTuple{double, bool}})"/>, whose
/// AP is sum_k (R_k - R_{k-1}) P_k over these points).
/// </summary>
public static class PrecisionRecallCurve
{
    /// <param name="pairs">(score, is a true edge); scores are |weights| (&gt;= 0, not NaN).</param>
    /// <returns>The points; empty when there are no positives.</returns>
    public static List<PrecisionRecallPoint> Compute(IReadOnlyList<(double Score, bool IsPositive)> pairs)
    {
        var ranked = RankedPairs.From(pairs);
        var points = new List<PrecisionRecallPoint>();
        if (ranked.Positives == 0) return points;
        int tp = 0, fp = 0;
        for (int i = 0; i < ranked.Count;)
        {
            int j = ranked.EndOfTie(i);
            for (int m = i; m < j; m++)
                if (ranked.IsPositive(m)) tp++; else fp++;
            points.Add(new PrecisionRecallPoint(ranked.Score(i), (double)tp / ranked.Positives, (double)tp / (tp + fp)));
            i = j;
        }
        return points;
    }
}
