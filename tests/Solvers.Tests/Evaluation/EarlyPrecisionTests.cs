using System.Runtime.CompilerServices;
using System.Text.Json;
using GrnFast.Solvers.Evaluation;

namespace GrnFast.Solvers.Tests.Evaluation;

public class EarlyPrecisionTests
{
    private static (double, bool)[] Pairs(double[] scores, int[] labels) => scores.Zip(labels, (s, y) => (s, y == 1)).ToArray();

    // k = 3; the 3rd score is 0.8, shared by three pairs: all four pairs >= 0.8 are selected, two of them true.
    [Fact]
    public void AllTiesAtTheKthScoreAreIncluded()
    {
        var r = EarlyPrecision.Compute(Pairs([0.9, 0.8, 0.8, 0.8, 0.1, 0], [1, 0, 1, 0, 1, 0]));
        Assert.Equal((3, 4, 2), (r.K, r.Selected, r.TruePositives));
        Assert.Equal(0.5, r.Precision, 12);
        Assert.Equal(0.5 / (3.0 / 6), r.Ratio, 12);
    }

    // The tie at the k-th score reaches below every true edge: the selection is all false.
    [Fact]
    public void TieAboveTheOnlyTrueEdge()
    {
        var r = EarlyPrecision.Compute(Pairs([1, 1, 1, 1, 0.5], [0, 0, 0, 0, 1]));
        Assert.Equal((1, 4, 0), (r.K, r.Selected, r.TruePositives));
        Assert.Equal(0, r.Precision);
    }

    // Only one pair scores above 0 while k = 2: the zero scores are never predictions.
    [Fact]
    public void FewerPredictionsThanTrueEdges()
    {
        var r = EarlyPrecision.Compute(Pairs([0.5, 0, 0, 0], [1, 1, 0, 0]));
        Assert.Equal((2, 1, 1), (r.K, r.Selected, r.TruePositives));
        Assert.Equal(1, r.Precision, 12);
        Assert.Equal(2, r.Ratio, 12);
    }

    [Fact]
    public void NoTiesIsPlainTopK()
    {
        var r = EarlyPrecision.Compute(Pairs([4, 3, 2, 1], [1, 0, 1, 0]));
        Assert.Equal((2, 2, 1), (r.K, r.Selected, r.TruePositives));
        Assert.Equal(1, r.Ratio, 12);
    }

    [Fact]
    public void NothingPredictedScoresZeroAndNoTrueEdgeIsUndefined()
    {
        var none = EarlyPrecision.Compute(Pairs([0, 0, 0], [1, 0, 0]));
        Assert.Equal((1, 0, 0.0), (none.K, none.Selected, none.Precision));
        Assert.True(double.IsNaN(EarlyPrecision.Compute(Pairs([1, 0], [0, 0])).Precision));
    }

    [Fact]
    public void RejectsNegativeAndNaNScores()
    {
        Assert.Throws<ArgumentException>(() => EarlyPrecision.Compute(Pairs([-0.5, 1], [1, 0])));
        Assert.Throws<ArgumentException>(() => EarlyPrecision.Compute(Pairs([double.NaN, 1], [1, 0])));
    }

    [Fact]
    public void OrderOfPairsDoesNotMatter()
    {
        var scores = new double[] { 0.3, 0.3, 0.7, 0, 0.3, 0.1 };
        var labels = new[] { 1, 0, 0, 1, 0, 1 };
        var expected = EarlyPrecision.Compute(Pairs(scores, labels));
        var random = new Random(5);
        for (int trial = 0; trial < 20; trial++)
        {
            var order = Enumerable.Range(0, scores.Length).ToArray();
            random.Shuffle(order);
            Assert.Equal(expected, EarlyPrecision.Compute(Pairs(order.Select(i => scores[i]).ToArray(), order.Select(i => labels[i]).ToArray())));
        }
    }

    /// <summary>Seeded cases with heavy ties, scored by make_fixture.py's re-implementation of BEELINE's rule.</summary>
    [Fact]
    public void MatchesTheReferenceScript()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Here(), "evaluation_fixture.json")));
        int n = 0;
        foreach (var c in doc.RootElement.GetProperty("early_precision").EnumerateArray())
        {
            var p = Pairs(c.GetProperty("scores").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
                c.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32()).ToArray());
            var r = EarlyPrecision.Compute(p);
            Assert.Equal(c.GetProperty("k").GetInt32(), r.K);
            Assert.Equal(c.GetProperty("selected").GetInt32(), r.Selected);
            Assert.Equal(c.GetProperty("hits").GetInt32(), r.TruePositives);
            Assert.Equal(c.GetProperty("ep").GetDouble(), r.Precision, 1e-9);
            Assert.Equal(c.GetProperty("epr").GetDouble(), r.Ratio, 1e-9);
            n++;
        }
        Assert.Equal(7, n);
    }

    private static string Here([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
