namespace GrnFast.Solvers.Evaluation;

/// <summary>
/// Ranking metrics of scored candidate edges against a gold standard. Equal scores form one threshold: a tie
/// is neither ranked above nor below itself, so the order in which tied pairs are listed never matters (edges
/// missing from a prediction all get score 0 and tie at the bottom).
/// </summary>
public static class PrecisionRecall
{
    /// <summary>
    /// Average precision, as scikit-learn's average_precision_score: AP = sum_k (R_k - R_{k-1}) P_k over the
    /// distinct score thresholds k in decreasing order, with P_k and R_k the precision and recall of "score &gt;=
    /// threshold k". NaN when there are no positives.
    /// </summary>
    public static double AveragePrecision(IReadOnlyList<(double Score, bool IsPositive)> pairs) => AveragePrecision(RankedPairs.From(pairs));

    internal static double AveragePrecision(in RankedPairs ranked)
    {
        int positives = ranked.Positives;
        if (positives == 0) return double.NaN;
        double ap = 0, previousRecall = 0;
        int tp = 0, fp = 0;
        for (int i = 0; i < ranked.Count;)
        {
            int j = ranked.EndOfTie(i);
            for (int m = i; m < j; m++)
                if (ranked.IsPositive(m)) tp++; else fp++;
            double recall = (double)tp / positives;
            ap += (recall - previousRecall) * ((double)tp / (tp + fp));
            previousRecall = recall;
            i = j;
        }
        return ap;
    }

    /// <summary>
    /// Area under the ROC curve = the Mann-Whitney probability that a random positive scores above a random
    /// negative, a tie counting one half: (sum over negatives of #positives above + #tied positives / 2) / (P N).
    /// NaN when there are no positives or no negatives.
    /// </summary>
    public static double AreaUnderRoc(IReadOnlyList<(double Score, bool IsPositive)> pairs) => AreaUnderRoc(RankedPairs.From(pairs));

    internal static double AreaUnderRoc(in RankedPairs ranked)
    {
        long positives = ranked.Positives, negatives = ranked.Count - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        double wins = 0;
        long positivesAbove = 0;
        for (int i = 0; i < ranked.Count;)
        {
            long pos = 0, neg = 0;
            int j = ranked.EndOfTie(i);
            for (int m = i; m < j; m++)
                if (ranked.IsPositive(m)) pos++; else neg++;
            wins += neg * (positivesAbove + 0.5 * pos);
            positivesAbove += pos;
            i = j;
        }
        return wins / ((double)positives * negatives);
    }

    /// <summary>Fraction of positives: the AUPRC of a random ranking.</summary>
    public static double PositiveRate(IReadOnlyList<(double Score, bool IsPositive)> pairs)
        => pairs.Count == 0 ? double.NaN : (double)pairs.Count(p => p.IsPositive) / pairs.Count;
}
