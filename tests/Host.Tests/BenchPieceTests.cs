using GrnFast.Host.Bench;
using GrnFast.Solvers.Evaluation;
using GrnFast.Solvers.Priors;

namespace GrnFast.Host.Tests;

/// <summary>The pieces the bench adds: scored pairs and PR curves that agree with the evaluation, Perturb-seq z-scores, the DREAM4 loader.</summary>
public class BenchPieceTests
{
    private static (GoldStandard Gold, Dictionary<GenePair, PredictedScore> Network) Random(int seed)
    {
        var random = new Random(seed);
        var genes = Enumerable.Range(0, 30).Select(i => $"g{i}").ToArray();
        var edges = new Dictionary<GenePair, EdgeSign>();
        var network = new Dictionary<GenePair, PredictedScore>();
        foreach (var r in genes.Take(8))
            foreach (var t in genes)
            {
                if (r == t) continue;
                if (random.NextDouble() < 0.15) edges[new GenePair(r, t)] = EdgeSign.Unsigned;
                // Rounded scores: many ties, the hard case for curves.
                if (random.NextDouble() < 0.6) network[new GenePair(r, t)] = new PredictedScore(Math.Round(random.NextDouble(), 1), double.NaN);
            }
        return (new GoldStandard(genes, edges), network);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ScoredPairsAndCurvesAgreeWithTheEvaluation(int seed)
    {
        var (gold, network) = Random(seed);
        var random = new Random(seed + 100);
        var heldOut = gold.Genes.Where(_ => random.NextDouble() < 0.3).ToHashSet();
        var excluded = network.Keys.Where(_ => random.NextDouble() < 0.2).ToHashSet();
        var regulators = gold.Genes.Take(10).ToArray(); // more than the gold's regulators
        foreach (var scope in new[]
        {
            new EvaluationScope(),
            new EvaluationScope { Regulators = regulators },
            new EvaluationScope { HeldOut = HeldOutAxis.Targets, HeldOutGenes = heldOut },
            new EvaluationScope { Regulators = regulators, HeldOut = HeldOutAxis.Regulators, HeldOutGenes = heldOut, ExcludedPairs = excluded },
            new EvaluationScope { ExcludedPairs = excluded },
        })
        {
            var expected = NetworkEvaluation.Evaluate(gold, network, scope).Unsigned;
            var pairs = ScoredPairs.Collect(gold, network, scope);
            Assert.Equal(expected.Pairs, pairs.Count);
            Assert.Equal(expected.Positives, pairs.Count(p => p.IsPositive));
            if (expected.Positives == 0)
            {
                Assert.Empty(PrecisionRecallCurve.Compute(pairs));
                continue;
            }
            Assert.Equal(expected.Auprc, RankingMetrics.Of(pairs).Auprc, 12);
            var curve = PrecisionRecallCurve.Compute(pairs);
            double ap = 0, previous = 0;
            foreach (var p in curve)
            {
                ap += (p.Recall - previous) * p.Precision;
                previous = p.Recall;
            }
            Assert.Equal(expected.Auprc, ap, 12);
            Assert.Equal(1.0, curve[^1].Recall, 12);
            Assert.Equal(expected.PositiveRate, curve[^1].Precision, 12);
            Assert.True(curve.Zip(curve.Skip(1)).All(p => p.First.Threshold > p.Second.Threshold));
        }
    }

    [Fact]
    public void PrecisionRecallCurveOnAHandMadeRanking()
    {
        // scores 3, 2, 2, 1, 0 with labels T, F, T, F, T: thresholds 3 (1/1), 2 (2/3), 1 (2/4), 0 (3/5)
        var curve = PrecisionRecallCurve.Compute([(3, true), (2, false), (2, true), (1, false), (0, true)]);
        Assert.Equal([3.0, 2, 1, 0], curve.Select(p => p.Threshold));
        Assert.Equal([1 / 3.0, 2 / 3.0, 2 / 3.0, 1], curve.Select(p => p.Recall));
        Assert.Equal([1, 2 / 3.0, 0.5, 0.6], curve.Select(p => p.Precision));
        Assert.Empty(PrecisionRecallCurve.Compute([(1, false)]));
    }

    [Fact]
    public void GuideEffectsAreWelchZScores()
    {
        // 3 genes; cells 0-2 control, 3-5 carry a guide against gene 0, cell 6 a guide against gene 2 (one cell: no z).
        float[] x =
        [
            1, 10, 5,
            2, 12, 5,
            3, 14, 5,
            0, 4, 5,
            0, 5, 5,
            0, 9, 5,
            1, 1, 0,
        ];
        var effects = GuideEffectPrior.ZScores(x, 3, [-1, -1, -1, 0, 0, 0, 2]);
        // gene 1: control mean 12, var 4; guide mean 6, var 7 -> z = -6 / sqrt(7/3 + 4/3); gene 2 is constant: no z.
        var e = Assert.Single(effects);
        Assert.Equal((0, 1), (e.Regulator, e.Target));
        Assert.Equal(-6 / Math.Sqrt(11.0 / 3), e.Z, 12);
        Assert.Throws<ArgumentException>(() => GuideEffectPrior.ZScores(x, 3, [-1, 0, 0, 0, 0, 0, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => GuideEffectPrior.ZScores(x, 3, [-1, -1, -1, 0, 0, 0, 3]));
    }

    [Fact]
    public void GuideEffectsUseTwoPassVariances()
    {
        // A large offset would cancel in sum-of-squares variances; two passes keep the exact z.
        var x = new float[4 * 2];
        float[] gene1 = [100000, 100002, 100010, 100014];
        for (int c = 0; c < 4; c++) (x[2 * c], x[2 * c + 1]) = (c, gene1[c]);
        var e = Assert.Single(GuideEffectPrior.ZScores(x, 2, [-1, -1, 0, 0]));
        // control 100001 (var 2), guide 100012 (var 8): z = 11 / sqrt(5)
        Assert.Equal(11 / Math.Sqrt(5), e.Z, 9);
    }

    [Fact]
    public void EmbeddedDream4LoadsWithKnockoutZScores()
    {
        using var d = DatasetLoader.Load(new Dream4Spec { Name = "d", Key = "datasets[0]", Expression = [Dream4Experiment.Knockouts, Dream4Experiment.Wildtype] }, 1, new Log(TextWriter.Null), default);
        Assert.Equal(101, d.Expression.Cells);
        Assert.Equal(100, d.Expression.Genes);
        Assert.Equal(176, d.Gold.Edges.Count);
        Assert.Equal(100, d.Regulators.Count);
        // Knockout z-scores rank true edges far above random (docs/evaluation.md: AUPRC ~27x over 9900 pairs).
        var network = d.Perturbation!.ToDictionary(e => new GenePair(e.Regulator, e.Target), e => new PredictedScore(e.AbsZ, double.NaN));
        var m = NetworkEvaluation.Evaluate(d.Gold, network, new EvaluationScope { Regulators = d.Regulators }).Unsigned;
        Assert.Equal(9900, m.Pairs);
        Assert.True(m.AuprcRatio > 20, $"knockout z-scores: AUPRC ratio {m.AuprcRatio}");
    }

    [Fact]
    public void PriorsBuiltForHeldOutTargetsNeverTouchThem()
    {
        using var d = DatasetLoader.Load(new Dream4Spec { Name = "d", Key = "datasets[0]", Expression = [Dream4Experiment.Knockouts] }, 1, new Log(TextWriter.Null), default);
        var specs = new List<PriorSpec>
        {
            new() { Name = "db", Key = "priors[0]", Type = PriorType.Database, Precision = 0.5, Recall = 0.5 },
            new() { Name = "motif", Key = "priors[1]", Type = PriorType.Motif, Recall = 0.8, PerTarget = 10 },
            new() { Name = "rewired", Key = "priors[2]", Type = PriorType.Rewired, Fraction = 0.5 },
            new() { Name = "random", Key = "priors[3]", Type = PriorType.Random, Like = "db" },
            new() { Name = "shuffled", Key = "priors[4]", Type = PriorType.Shuffled, Like = "db" },
            new() { Name = "ko", Key = "priors[5]", Type = PriorType.Perturbation, MinZ = 2 },
        };
        var split = GoldStandardSplit.Split(d.Gold, SplitAxis.Target, 0.3, 5);
        var heldOut = split.HeldOutGenes.ToHashSet();
        var full = BenchPriors.BuildAll(specs, d, null, 5);
        var held = BenchPriors.BuildAll(specs, d, heldOut, 5, full);
        foreach (var name in new[] { "db", "motif", "rewired", "random", "shuffled" })
        {
            Assert.DoesNotContain(held[name].Edges, e => heldOut.Contains(e.Target));
            Assert.Contains(full[name].Edges, e => heldOut.Contains(e.Target));
        }
        // Knockout data do not depend on the split: the same prior object serves both families.
        Assert.Same(full["ko"], held["ko"]);
        Assert.Contains(held["ko"].Edges, e => heldOut.Contains(e.Target));
        // The same seed gives the same prior; another seed another one.
        Assert.Equal(full["db"].Edges, BenchPriors.BuildAll(specs, d, null, 5)["db"].Edges);
        Assert.NotEqual(full["db"].Edges, BenchPriors.BuildAll(specs, d, null, 6)["db"].Edges);
    }
}
