namespace GrnFast.Solvers.Evaluation;

/// <summary>
/// Scored pairs sorted once by score, descending, for all ranking metrics: parallel arrays (8 + 1 bytes a pair) so
/// that millions of candidate pairs sort with the primitive-key sort instead of a comparer over tuples.
/// </summary>
internal readonly struct RankedPairs
{
    private readonly double[] _negatedScores;
    private readonly bool[] _labels;

    /// <summary>Takes ownership of the first <paramref name="count"/> entries of both arrays and sorts them in place.</summary>
    public RankedPairs(double[] scores, bool[] labels, int count)
    {
        _negatedScores = scores;
        _labels = labels;
        Count = count;
        Positives = 0;
        for (int i = 0; i < count; i++)
        {
            if (double.IsNaN(scores[i])) throw new ArgumentException($"the score of pair {i} is NaN", nameof(scores));
            scores[i] = -scores[i]; // ascending order of -score is descending order of score
            if (labels[i]) Positives++;
        }
        Array.Sort(scores, labels, 0, count);
    }

    public static RankedPairs From(IReadOnlyList<(double Score, bool IsPositive)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var scores = new double[pairs.Count];
        var labels = new bool[pairs.Count];
        for (int i = 0; i < pairs.Count; i++) (scores[i], labels[i]) = pairs[i];
        return new RankedPairs(scores, labels, pairs.Count);
    }

    public int Count { get; }

    public int Positives { get; }

    /// <summary>The i-th largest score.</summary>
    public double Score(int i) => -_negatedScores[i];

    public bool IsPositive(int i) => _labels[i];

    /// <summary>The end (exclusive) of the run of scores equal to the one at <paramref name="start"/>.</summary>
    public int EndOfTie(int start)
    {
        int j = start + 1;
        double s = _negatedScores[start];
        while (j < Count && _negatedScores[j] == s) j++;
        return j;
    }
}
