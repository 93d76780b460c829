using System.Runtime.CompilerServices;
using System.Text.Json;
using GrnFast.Solvers.Evaluation;

namespace GrnFast.Solvers.Tests.Evaluation;

public class NetworkEvaluationTests
{
    // Genes A, B, C, D; true edges A->B (+), A->C (-), B->D (no sign). Regulators A and B: 6 candidate pairs.
    private static GoldStandard Gold() => new(["A", "B", "C", "D"], new Dictionary<GenePair, EdgeSign>
    {
        [new("A", "B")] = EdgeSign.Activation,
        [new("A", "C")] = EdgeSign.Repression,
        [new("B", "D")] = EdgeSign.Unsigned,
    });

    private static Dictionary<GenePair, PredictedScore> Network() => new()
    {
        [new("A", "B")] = new(0.9, 0.5),
        [new("A", "C")] = new(0.8, 0.3),   // true edge, wrong sign
        [new("B", "D")] = new(-0.7, -0.1), // |score| ranks
        [new("B", "C")] = new(0.6, -0.2),
        [new("C", "A")] = new(5, 1),       // C is no regulator: outside the universe
    };

    [Fact]
    public void UniverseIsRegulatorsTimesGoldGenesWithoutSelfPairs()
    {
        var r = NetworkEvaluation.Evaluate(Gold(), Network(), new EvaluationScope());
        Assert.Equal((2, 4, 6, 6), (r.Regulators, r.Genes, r.UniversePairs, r.HeldOutPairs));
        Assert.Equal((6, 3, 4), (r.Unsigned.Pairs, r.Unsigned.Positives, r.Unsigned.PredictedPairs));
        Assert.Equal(4, r.NetworkEdgesScored);
        Assert.Null(r.Activation);
        // Ranking 0.9 T, 0.8 T, 0.7 T, 0.6 F, then A->D and B->A at 0: a perfect ranking.
        Assert.Equal(1, r.Unsigned.Auprc, 12);
        Assert.Equal(2, r.Unsigned.AuprcRatio, 12);
        Assert.Equal(1, r.Unsigned.Auroc, 12);
        Assert.Equal((3, 3), (r.Unsigned.EarlyPrecision.Selected, r.Unsigned.EarlyPrecision.TruePositives));
    }

    [Fact]
    public void HeldOutTargetsKeepOnlyPairsIntoThem()
    {
        var r = NetworkEvaluation.Evaluate(Gold(), Network(), new EvaluationScope { HeldOut = HeldOutAxis.Targets, HeldOutGenes = new HashSet<string> { "C", "D" } });
        // A->C (T, 0.8), A->D (F, 0), B->C (F, 0.6), B->D (T, 0.7).
        Assert.Equal((6, 4, 4, 2), (r.UniversePairs, r.HeldOutPairs, r.Unsigned.Pairs, r.Unsigned.Positives));
        Assert.Equal(1, r.Unsigned.Auprc, 12);
    }

    [Fact]
    public void HeldOutRegulatorsKeepOnlyPairsOutOfThem()
    {
        var r = NetworkEvaluation.Evaluate(Gold(), Network(), new EvaluationScope { HeldOut = HeldOutAxis.Regulators, HeldOutGenes = new HashSet<string> { "B" } });
        // B->A (F, 0), B->C (F, 0.6), B->D (T, 0.7).
        Assert.Equal((3, 1), (r.Unsigned.Pairs, r.Unsigned.Positives));
        Assert.Equal(1, r.Unsigned.Auprc, 12);
        Assert.Equal(1.0 / 3, r.Unsigned.PositiveRate, 12);
    }

    [Fact]
    public void PriorPairsAreLeftOut()
    {
        var excluded = new HashSet<GenePair> { new("A", "B"), new("C", "A"), new("X", "Y") };
        var r = NetworkEvaluation.Evaluate(Gold(), Network(), new EvaluationScope { ExcludedPairs = excluded });
        Assert.Equal((1, 1), (r.ExcludedPairs, r.ExcludedPositives));
        Assert.Equal((5, 2), (r.Unsigned.Pairs, r.Unsigned.Positives));
        // Copying the prior cannot score: a network that is exactly the prior gets the random baseline.
        var copy = new Dictionary<GenePair, PredictedScore> { [new("A", "B")] = new(1, 1) };
        var c = NetworkEvaluation.Evaluate(Gold(), copy, new EvaluationScope { ExcludedPairs = excluded });
        Assert.Equal(c.Unsigned.PositiveRate, c.Unsigned.Auprc, 12);
        Assert.Equal(0.5, c.Unsigned.Auroc, 12);
    }

    [Fact]
    public void RegulatorsOutsideTheGoldAreIgnored()
    {
        var r = NetworkEvaluation.Evaluate(Gold(), Network(), new EvaluationScope { Regulators = ["A", "Z", "C"] });
        // A->{B, C, D} and C->{A, B, D}; Z is no gene of the gold standard.
        Assert.Equal((2, 6, 2), (r.Regulators, r.Unsigned.Pairs, r.Unsigned.Positives));
        Assert.Equal(3, r.NetworkEdgesScored); // A->B, A->C and now C->A; B is no longer a regulator
    }

    [Fact]
    public void SignedScoringUsesThePredictedSign()
    {
        var r = NetworkEvaluation.Evaluate(Gold(), Network(), new EvaluationScope { Signed = true });
        Assert.Equal(1, r.UnsignedPositivesSkipped); // B->D
        var act = r.Activation!;
        Assert.Equal((5, 1), (act.Pairs, act.Positives));
        Assert.Equal(1, act.Auprc, 12); // A->B scores 0.9 with coef > 0, on top
        // Repression: A->C is predicted with coef > 0, so it scores 0, tied with A->D and B->A; B->C (0.6, coef < 0)
        // is above it. AP = recall 1 at precision 1/5.
        var rep = r.Repression!;
        Assert.Equal((5, 1), (rep.Pairs, rep.Positives));
        Assert.Equal(0.2, rep.Auprc, 12);
        Assert.Equal(0, rep.EarlyPrecision.Precision);
    }

    [Fact]
    public void BadScopesAndGoldStandardsThrow()
    {
        Assert.Throws<ArgumentException>(() => NetworkEvaluation.Evaluate(Gold(), Network(), new EvaluationScope { HeldOut = HeldOutAxis.Targets }));
        var unsigned = new GoldStandard(["A", "B"], new Dictionary<GenePair, EdgeSign> { [new("A", "B")] = EdgeSign.Unsigned });
        Assert.Throws<ArgumentException>(() => NetworkEvaluation.Evaluate(unsigned, Network(), new EvaluationScope { Signed = true }));
        Assert.Throws<ArgumentException>(() => new GoldStandard([], new Dictionary<GenePair, EdgeSign> { [new("A", "A")] = EdgeSign.Unsigned }));
    }

    /// <summary>Random gold standards and networks with ties, scored by make_fixture.py from the definitions.</summary>
    [Fact]
    public void MatchesTheReferenceScript()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Here(), "evaluation_fixture.json")));
        int n = 0;
        foreach (var c in doc.RootElement.GetProperty("networks").EnumerateArray())
        {
            string label = c.GetProperty("label").GetString()!;
            var genes = c.GetProperty("genes").EnumerateArray().Select(e => e.GetString()!).ToArray();
            var edges = new Dictionary<GenePair, EdgeSign>();
            foreach (var e in c.GetProperty("gold").EnumerateArray())
                edges[new(e[0].GetString()!, e[1].GetString()!)] = (EdgeSign)e[2].GetInt32();
            var network = new Dictionary<GenePair, PredictedScore>();
            foreach (var e in c.GetProperty("network").EnumerateArray())
                network[new(e[0].GetString()!, e[1].GetString()!)] = new(e[2].GetDouble(), e[3].GetDouble());
            var scope = new EvaluationScope
            {
                Regulators = c.GetProperty("regulators").ValueKind == JsonValueKind.Null ? null : Strings(c.GetProperty("regulators")),
                HeldOut = c.GetProperty("heldout_axis").GetString() switch { "targets" => HeldOutAxis.Targets, "regulators" => HeldOutAxis.Regulators, _ => HeldOutAxis.None },
                HeldOutGenes = c.GetProperty("heldout").ValueKind == JsonValueKind.Null ? null : Strings(c.GetProperty("heldout")).ToHashSet(),
                ExcludedPairs = c.GetProperty("excluded").EnumerateArray().Select(e => new GenePair(e[0].GetString()!, e[1].GetString()!)).ToHashSet(),
                Signed = c.GetProperty("signed").GetBoolean(),
            };
            var r = NetworkEvaluation.Evaluate(new GoldStandard(genes, edges), network, scope);
            var x = c.GetProperty("expected");
            Assert.True(x.GetProperty("universe").GetInt32() == r.UniversePairs, label);
            Assert.True(x.GetProperty("heldout_pairs").GetInt32() == r.HeldOutPairs, label);
            Assert.True(x.GetProperty("excluded").GetInt32() == r.ExcludedPairs, label);
            Assert.True(x.GetProperty("excluded_positives").GetInt32() == r.ExcludedPositives, label);
            Assert.True(x.GetProperty("network_scored").GetInt32() == r.NetworkEdgesScored, label);
            AssertMetrics(label, x.GetProperty("unsigned"), r.Unsigned);
            if (scope.Signed)
            {
                Assert.Equal(x.GetProperty("unsigned_skipped").GetInt32(), r.UnsignedPositivesSkipped);
                AssertMetrics(label + " activation", x.GetProperty("activation"), r.Activation!);
                AssertMetrics(label + " repression", x.GetProperty("repression"), r.Repression!);
            }
            n++;
        }
        Assert.Equal(8, n);
    }

    internal static void AssertMetrics(string label, JsonElement x, RankingMetrics m)
    {
        Assert.True(x.GetProperty("pairs").GetInt32() == m.Pairs, $"{label}: pairs");
        Assert.True(x.GetProperty("positives").GetInt32() == m.Positives, $"{label}: positives");
        Assert.True(x.GetProperty("predicted").GetInt32() == m.PredictedPairs, $"{label}: predicted");
        Close(label, "auprc", x, m.Auprc);
        Close(label, "auprc_ratio", x, m.AuprcRatio);
        Close(label, "auroc", x, m.Auroc);
        Close(label, "auroc_ratio", x, m.AurocRatio);
        Close(label, "ep", x, m.EarlyPrecision.Precision);
        Close(label, "epr", x, m.EarlyPrecision.Ratio);
        Assert.True(x.GetProperty("ep_selected").GetInt32() == m.EarlyPrecision.Selected, $"{label}: ep_selected");
    }

    private static void Close(string label, string name, JsonElement x, double actual)
    {
        var e = x.GetProperty(name);
        if (e.ValueKind == JsonValueKind.Null) { Assert.True(double.IsNaN(actual), $"{label}: {name} should be undefined, is {actual}"); return; }
        Assert.True(Math.Abs(e.GetDouble() - actual) <= 1e-9, $"{label}: {name} = {actual}, reference {e.GetDouble()}");
    }

    private static string[] Strings(JsonElement e) => e.EnumerateArray().Select(v => v.GetString()!).ToArray();

    private static string Here([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
