namespace GrnFast.Solvers.Evaluation;

/// <summary>A predicted edge's ranking score (|score| is used) and its signed coefficient (NaN when unknown).</summary>
public readonly record struct PredictedScore(double Score, double Coefficient);

/// <summary>Which genes are held out for scoring, if any.</summary>
public enum HeldOutAxis
{
    /// <summary>Every candidate pair counts.</summary>
    None,
    /// <summary>Only pairs into the held-out genes count.</summary>
    Targets,
    /// <summary>Only pairs out of the held-out genes count.</summary>
    Regulators,
}

/// <summary>
/// Which candidate pairs are scored. The universe is every regulator x every gene of the gold standard, without self
/// pairs; <see cref="HeldOut"/> keeps only pairs into (out of) <see cref="HeldOutGenes"/>, and
/// <see cref="ExcludedPairs"/> (the pairs of the prior sources) are left out, so copying a prior cannot score.
/// </summary>
public sealed record EvaluationScope
{
    /// <summary>Regulators of the candidate pairs; null: the gold standard's regulators. Names outside the gold's genes are ignored.</summary>
    public IReadOnlyCollection<string>? Regulators { get; init; }

    public HeldOutAxis HeldOut { get; init; }

    /// <summary>The held-out genes (targets or regulators per <see cref="HeldOut"/>); required unless HeldOut is None.</summary>
    public IReadOnlySet<string>? HeldOutGenes { get; init; }

    /// <summary>Pairs never scored (every pair listed in any prior source); null: none.</summary>
    public IReadOnlySet<GenePair>? ExcludedPairs { get; init; }

    /// <summary>Also score activation and repression edges separately (needs a signed gold standard).</summary>
    public bool Signed { get; init; }
}

/// <summary>
/// Ranking metrics on one set of scored pairs: AUPRC (average precision) and its ratio over a random ranking
/// (AUPRC / positive rate), AUROC and its ratio (AUROC / 0.5), and BEELINE's early precision.
/// <see cref="PredictedPairs"/> counts scored pairs with a score above 0.
/// </summary>
public sealed record RankingMetrics(int Pairs, int Positives, int PredictedPairs, double PositiveRate,
    double Auprc, double AuprcRatio, double Auroc, double AurocRatio, EarlyPrecisionResult EarlyPrecision)
{
    public static RankingMetrics Of(IReadOnlyList<(double Score, bool IsPositive)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        foreach (var (s, _) in pairs)
            if (s < 0) throw new ArgumentException($"a score is negative ({s}); rank by |weight|", nameof(pairs));
        return Of(RankedPairs.From(pairs));
    }

    internal static RankingMetrics Of(in RankedPairs ranked)
    {
        int predicted = 0;
        while (predicted < ranked.Count && ranked.Score(predicted) > 0) predicted++;
        double rate = ranked.Count == 0 ? double.NaN : (double)ranked.Positives / ranked.Count;
        double auprc = PrecisionRecall.AveragePrecision(ranked);
        double auroc = PrecisionRecall.AreaUnderRoc(ranked);
        return new RankingMetrics(ranked.Count, ranked.Positives, predicted, rate, auprc, auprc / rate, auroc, auroc / 0.5, Evaluation.EarlyPrecision.Compute(ranked));
    }
}

/// <summary>What <see cref="NetworkEvaluation.Evaluate"/> scored and measured.</summary>
public sealed record NetworkEvaluationResult
{
    /// <summary>Regulators and genes of the universe.</summary>
    public required int Regulators { get; init; }
    public required int Genes { get; init; }

    /// <summary>Regulator x gene pairs without self pairs, before held-out selection and prior exclusion.</summary>
    public required int UniversePairs { get; init; }

    /// <summary>Pairs left after the held-out selection, before prior exclusion.</summary>
    public required int HeldOutPairs { get; init; }

    /// <summary>Of those, pairs left out because a prior lists them, and how many of them were true edges.</summary>
    public required int ExcludedPairs { get; init; }
    public required int ExcludedPositives { get; init; }

    /// <summary>Network edges (self loops already removed) that are scored pairs.</summary>
    public required int NetworkEdgesScored { get; init; }

    public required RankingMetrics Unsigned { get; init; }

    /// <summary>Signed scoring: a true edge of sign s is positive; a pair scores |score| only if its coefficient has sign s.</summary>
    public RankingMetrics? Activation { get; init; }
    public RankingMetrics? Repression { get; init; }

    /// <summary>True edges without a sign among the scored pairs: left out of signed scoring.</summary>
    public int UnsignedPositivesSkipped { get; init; }
}

/// <summary>
/// Scores a predicted network against a gold standard on a candidate universe (see <see cref="EvaluationScope"/>).
/// A candidate pair missing from the network scores 0, so all of them tie at the bottom of the ranking; the ranking
/// score is |score|. Signed scoring (BEELINE's signed early precision, but with the predicted sign taken into
/// account): for s in {activation, repression}, positives are the true edges of sign s, a pair's score is |score|
/// when its coefficient has sign s and 0 otherwise (a coefficient of 0 or NaN has no sign), and true edges without a
/// sign are left out.
/// </summary>
public static class NetworkEvaluation
{
    public static NetworkEvaluationResult Evaluate(GoldStandard gold, IReadOnlyDictionary<GenePair, PredictedScore> network, EvaluationScope scope)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(scope);
        if (scope.HeldOut != HeldOutAxis.None && scope.HeldOutGenes is null)
            throw new ArgumentException("HeldOutGenes is required when HeldOut is set", nameof(scope));
        if (scope.Signed && !gold.HasSigns)
            throw new ArgumentException("signed scoring needs a gold standard with signs", nameof(scope));

        // Genes as indexes and pairs as r * G + t: millions of candidate pairs without hashing strings.
        var genes = gold.Genes;
        int g = genes.Count;
        var index = new Dictionary<string, int>(g, StringComparer.Ordinal);
        for (int i = 0; i < g; i++) index[genes[i]] = i;
        long Key(GenePair p) => index.TryGetValue(p.Regulator, out int r) && index.TryGetValue(p.Target, out int t) ? (long)r * g + t : -1;

        var regulators = (scope.Regulators ?? gold.Regulators).Where(gold.Contains).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal).Select(r => index[r]).ToArray();
        var truth = new Dictionary<long, EdgeSign>(gold.Edges.Count);
        foreach (var (pair, sign) in gold.Edges) truth[Key(pair)] = sign;
        var predicted = new Dictionary<long, PredictedScore>();
        foreach (var (pair, score) in network)
            if (Key(pair) is var k and >= 0) predicted[k] = score;
        var excluded = new HashSet<long>();
        if (scope.ExcludedPairs is not null)
            foreach (var pair in scope.ExcludedPairs)
                if (Key(pair) is var k and >= 0) excluded.Add(k);
        bool[]? heldOut = null;
        if (scope.HeldOut != HeldOutAxis.None)
        {
            heldOut = new bool[g];
            foreach (var name in scope.HeldOutGenes!)
                if (index.TryGetValue(name, out int i)) heldOut[i] = true;
        }

        int capacity = (int)Math.Min(Array.MaxLength, (long)regulators.Length * g);
        var scores = new double[capacity];
        var labels = new bool[capacity];
        double[]? activation = null, repression = null;
        bool[]? activating = null, repressing = null;
        if (scope.Signed)
        {
            (activation, repression) = (new double[capacity], new double[capacity]);
            (activating, repressing) = (new bool[capacity], new bool[capacity]);
        }
        int n = 0, signedCount = 0, universe = 0, heldOutPairs = 0, excludedPairs = 0, excludedPositives = 0, networkScored = 0, unsignedSkipped = 0;
        foreach (int r in regulators)
        {
            if (scope.HeldOut == HeldOutAxis.Regulators && !heldOut![r])
            {
                universe += g - 1;
                continue;
            }
            for (int t = 0; t < g; t++)
            {
                if (r == t) continue;
                universe++;
                if (scope.HeldOut == HeldOutAxis.Targets && !heldOut![t]) continue;
                heldOutPairs++;
                long key = (long)r * g + t;
                bool isTrue = truth.TryGetValue(key, out var sign);
                if (excluded.Contains(key))
                {
                    excludedPairs++;
                    if (isTrue) excludedPositives++;
                    continue;
                }
                double score = 0, coef = double.NaN;
                if (predicted.TryGetValue(key, out var p))
                {
                    networkScored++;
                    score = Math.Abs(p.Score);
                    coef = p.Coefficient;
                }
                scores[n] = score;
                labels[n++] = isTrue;
                if (!scope.Signed) continue;
                if (isTrue && sign == EdgeSign.Unsigned) { unsignedSkipped++; continue; }
                activation![signedCount] = coef > 0 ? score : 0;
                activating![signedCount] = isTrue && sign == EdgeSign.Activation;
                repression![signedCount] = coef < 0 ? score : 0;
                repressing![signedCount++] = isTrue && sign == EdgeSign.Repression;
            }
        }

        return new NetworkEvaluationResult
        {
            Regulators = regulators.Length,
            Genes = g,
            UniversePairs = universe,
            HeldOutPairs = heldOutPairs,
            ExcludedPairs = excludedPairs,
            ExcludedPositives = excludedPositives,
            NetworkEdgesScored = networkScored,
            Unsigned = RankingMetrics.Of(new RankedPairs(scores, labels, n)),
            Activation = scope.Signed ? RankingMetrics.Of(new RankedPairs(activation!, activating!, signedCount)) : null,
            Repression = scope.Signed ? RankingMetrics.Of(new RankedPairs(repression!, repressing!, signedCount)) : null,
            UnsignedPositivesSkipped = unsignedSkipped,
        };
    }
}
