using GrnFast.Solvers.Evaluation;

namespace GrnFast.Host.Bench;

/// <summary>
/// One run: a dataset, a method, a prior and a seed, scored in one mode. The baseline is the same method without a
/// prior scored on exactly the same pairs, so <see cref="GainAuprcRatio"/> and <see cref="GainEpr"/> compare like
/// with like (and are 0 for the none prior). NaN where a metric is undefined (no positive left to score).
/// </summary>
internal sealed record BenchRow
{
    public required string Dataset { get; init; }
    public required string Method { get; init; }
    public required string Prior { get; init; }
    public required PriorType PriorType { get; init; }
    /// <summary>"weight", "mask" or "-" for no prior.</summary>
    public required string PriorMode { get; init; }
    public required double PriorWeight { get; init; }
    public required int Seed { get; init; }
    public required ScoringMode Mode { get; init; }
    public required int Pairs { get; init; }
    public required int Positives { get; init; }
    public required double Auprc { get; init; }
    public required double Auroc { get; init; }
    public required double AuprcRatio { get; init; }
    public required double Epr { get; init; }
    /// <summary>Seconds of the inference behind this row (shared by the modes that score the same network).</summary>
    public required double Seconds { get; init; }
    public required int PriorEdges { get; init; }
    /// <summary>Prior edges that are true edges of the whole gold standard.</summary>
    public required int PriorTrueEdges { get; init; }
    /// <summary>The prior alone, ranked by its weights, on the same pairs (1 when it lists none of them).</summary>
    public required double PriorOnlyAuprcRatio { get; init; }
    public required double BaselineAuprcRatio { get; init; }
    public required double BaselineEpr { get; init; }

    public double GainAuprcRatio => AuprcRatio - BaselineAuprcRatio;
    public double GainEpr => Epr - BaselineEpr;
    /// <summary>AUPRC / baseline AUPRC - 1 (the pairs are the same, so the positive rates cancel).</summary>
    public double RelativeGainAuprc => AuprcRatio / BaselineAuprcRatio - 1;

    public static BenchRow Scored(RankingMetrics m, RankingMetrics baseline, RankingMetrics priorOnly) => new()
    {
        Dataset = "", Method = "", Prior = "", PriorType = PriorType.None, PriorMode = "-", PriorWeight = double.NaN, Seed = 0, Mode = ScoringMode.All,
        Pairs = m.Pairs,
        Positives = m.Positives,
        Auprc = m.Auprc,
        Auroc = m.Auroc,
        AuprcRatio = m.AuprcRatio,
        Epr = m.EarlyPrecision.Ratio,
        Seconds = 0,
        PriorEdges = 0,
        PriorTrueEdges = 0,
        PriorOnlyAuprcRatio = priorOnly.AuprcRatio,
        BaselineAuprcRatio = baseline.AuprcRatio,
        BaselineEpr = baseline.EarlyPrecision.Ratio,
    };
}
