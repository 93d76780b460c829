using System.Runtime.CompilerServices;
using System.Text.Json;
using GrnFast.Solvers.Evaluation;

namespace GrnFast.Solvers.Tests.Evaluation;

public class PrecisionRecallTests
{
    private static (double, bool)[] Pairs(double[] scores, int[] labels) => scores.Zip(labels, (s, y) => (s, y == 1)).ToArray();

    // By hand: thresholds 0.9 -> (R 1/2, P 1); 0.5 -> (R 1, P 2/3): AP = 1/2 + 1/2 * 2/3 = 5/6.
    // ROC: the negative tied at 0.5 has 1 positive above and 1 tied (1.5), the one at 0.1 has 2: 3.5 / 4.
    [Fact]
    public void TieBetweenAPositiveAndANegative()
    {
        var p = Pairs([0.9, 0.5, 0.5, 0.1], [1, 0, 1, 0]);
        Assert.Equal(5.0 / 6, PrecisionRecall.AveragePrecision(p), 12);
        Assert.Equal(0.875, PrecisionRecall.AreaUnderRoc(p), 12);
    }

    // Absent edges scored 0 tie at the bottom: thresholds 1 -> (R 1/2, P 1/2), 0 -> (R 1, P 2/5): AP = 0.25 + 0.2.
    // ROC: negative at 1 gets 0.5, the two at 0 get 1 + 0.5 each: 3.5 / 6.
    [Fact]
    public void TiesAtTheBottom()
    {
        var p = Pairs([1, 1, 0, 0, 0], [0, 1, 1, 0, 0]);
        Assert.Equal(0.45, PrecisionRecall.AveragePrecision(p), 12);
        Assert.Equal(3.5 / 6, PrecisionRecall.AreaUnderRoc(p), 12);
    }

    [Fact]
    public void AllTiedIsTheRandomBaseline()
    {
        var p = Pairs([0, 0, 0], [1, 0, 0]);
        Assert.Equal(1.0 / 3, PrecisionRecall.AveragePrecision(p), 12);
        Assert.Equal(0.5, PrecisionRecall.AreaUnderRoc(p), 12);
        Assert.Equal(1.0 / 3, PrecisionRecall.PositiveRate(p), 12);
    }

    [Fact]
    public void PerfectAndInvertedRankings()
    {
        var perfect = Pairs([3, 2, 1, 0], [1, 1, 0, 0]);
        Assert.Equal(1, PrecisionRecall.AveragePrecision(perfect), 12);
        Assert.Equal(1, PrecisionRecall.AreaUnderRoc(perfect), 12);
        var inverted = Pairs([3, 2, 1, 0], [0, 0, 1, 1]);
        Assert.Equal(0, PrecisionRecall.AreaUnderRoc(inverted), 12);
        Assert.Equal((1.0 / 3 + 2.0 / 4) / 2, PrecisionRecall.AveragePrecision(inverted), 12);
    }

    [Fact]
    public void OrderOfTiedPairsDoesNotMatter()
    {
        var a = Pairs([0.5, 0.5, 0.5, 1], [1, 0, 0, 1]);
        var b = Pairs([0.5, 0.5, 0.5, 1], [0, 0, 1, 1]);
        Assert.Equal(PrecisionRecall.AveragePrecision(a), PrecisionRecall.AveragePrecision(b));
        Assert.Equal(PrecisionRecall.AreaUnderRoc(a), PrecisionRecall.AreaUnderRoc(b));
    }

    [Fact]
    public void UndefinedWithoutBothClasses()
    {
        Assert.True(double.IsNaN(PrecisionRecall.AveragePrecision(Pairs([1, 0], [0, 0]))));
        Assert.True(double.IsNaN(PrecisionRecall.AreaUnderRoc(Pairs([1, 0], [1, 1]))));
        Assert.Throws<ArgumentException>(() => PrecisionRecall.AreaUnderRoc(Pairs([double.NaN, 0], [1, 0])));
    }

    /// <summary>Seeded random cases with many ties, scored by scikit-learn (make_fixture.py).</summary>
    [Fact]
    public void MatchesScikitLearn()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Here(), "precision_recall_fixture.json")));
        int n = 0;
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            var scores = c.GetProperty("scores").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var labels = c.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var p = Pairs(scores, labels);
            Assert.Equal(c.GetProperty("ap").GetDouble(), PrecisionRecall.AveragePrecision(p), 12);
            Assert.Equal(c.GetProperty("auroc").GetDouble(), PrecisionRecall.AreaUnderRoc(p), 12);
            n++;
        }
        Assert.Equal(12, n);
    }

    private static string Here([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
