using GrnFast.Solvers.Evaluation;
using GrnFast.Solvers.Priors;

namespace GrnFast.Solvers.Tests.Priors;

/// <summary>The statistics each generator promises, on a network large enough for them to show.</summary>
public class PriorGeneratorTests
{
    /// <summary>2000 genes, the first 200 regulators; every gene gets 1 to 5 regulators (about 6000 true edges).</summary>
    private static GoldStandard LargeGold(int seed = 11)
    {
        var random = new Random(seed);
        var genes = Enumerable.Range(0, 2000).Select(i => $"g{i}").ToArray();
        var edges = new Dictionary<GenePair, EdgeSign>();
        foreach (var t in genes)
        {
            int k = random.Next(1, 6);
            while (k > 0)
            {
                var r = genes[random.Next(200)];
                if (r != t && edges.TryAdd(new GenePair(r, t), EdgeSign.Unsigned)) k--;
            }
        }
        return new GoldStandard(genes, edges);
    }

    private static readonly GoldStandard Gold = LargeGold();

    private static void AssertSimpleGraph(IReadOnlyList<RegulatoryEdge> edges)
    {
        Assert.All(edges, e => Assert.NotEqual(e.Regulator, e.Target));
        Assert.Equal(edges.Count, edges.Select(e => e.Pair).Distinct().Count());
    }

    private static (double Precision, double Recall) Score(IReadOnlyList<RegulatoryEdge> prior, GoldStandard gold)
    {
        int hits = prior.Count(e => gold.Edges.ContainsKey(e.Pair));
        return ((double)hits / prior.Count, (double)hits / gold.Edges.Count);
    }

    [Theory]
    [InlineData(0.5, 0.5)]
    [InlineData(0.8, 0.2)]
    [InlineData(0.2, 0.9)]
    [InlineData(1.0, 1.0)]
    public void DatabaseHasTheRequestedPrecisionAndRecall(double precision, double recall)
    {
        var prior = DatabaseLikePrior.Generate(Gold, precision, recall, seed: 3);
        AssertSimpleGraph(prior);
        var (p, r) = Score(prior, Gold);
        Assert.InRange(p, precision - 1e-3, precision + 1e-3);
        Assert.InRange(r, recall - 1e-3, recall + 1e-3);
        var regulators = Gold.Regulators.ToHashSet();
        Assert.All(prior, e => Assert.Contains(e.Regulator, regulators));
        Assert.All(prior, e => Assert.Equal(1, e.Weight));
    }

    [Fact]
    public void DatabaseFailsClearlyWhenTooFewFalsePairsExist()
    {
        var tiny = new GoldStandard(["A", "B", "C"], new Dictionary<GenePair, EdgeSign> { [new("A", "B")] = 0, [new("A", "C")] = 0 });
        var e = Assert.Throws<ArgumentException>(() => DatabaseLikePrior.Generate(tiny, 0.1, 1, 0));
        Assert.Contains("only 0 regulator -> gene pairs are free", e.Message);
    }

    [Fact]
    public void MotifHasHighRecallLowPrecisionAndKCandidatesPerTarget()
    {
        const int k = 20;
        var prior = MotifLikePrior.Generate(Gold, 0.9, k, seed: 5);
        AssertSimpleGraph(prior);
        var (p, r) = Score(prior, Gold);
        Assert.InRange(r, 0.88, 0.92); // binomial, sd 0.004
        double expectedPrecision = 0.9 * Gold.Edges.Count / (Gold.Genes.Count * (double)k);
        Assert.InRange(p, expectedPrecision - 0.01, expectedPrecision + 0.01);
        var perTarget = prior.GroupBy(e => e.Target).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Gold.Genes.Count, perTarget.Count);
        Assert.All(perTarget.Values, c => Assert.Equal(k, c)); // no gene has more than 5 true regulators
    }

    [Fact]
    public void MotifKeepsAllTrueRegulatorsBeyondK()
    {
        var prior = MotifLikePrior.Generate(Gold, 1.0, 2, seed: 1);
        Assert.Equal(1.0, Score(prior, Gold).Recall);
        var perTarget = prior.GroupBy(e => e.Target).Select(g => g.Count());
        Assert.Contains(perTarget, c => c > 2);
    }

    [Fact]
    public void RandomKeepsSizeAndWeightsAndMissesTheTruth()
    {
        var like = DatabaseLikePrior.Generate(Gold, 0.5, 0.5, 1).Select((e, i) => e with { Weight = (i % 7) / 7.0 }).ToList();
        var random = RandomPrior.Generate(like, seed: 2);
        AssertSimpleGraph(random);
        Assert.Equal(like.Count, random.Count);
        Assert.Equal(like.Select(e => e.Weight).Order(), random.Select(e => e.Weight).Order());
        var regulators = like.Select(e => e.Regulator).ToHashSet();
        Assert.All(random, e => Assert.Contains(e.Regulator, regulators));
        // Uniform over ~200 x 2000 pairs: precision about |gold| / pairs = 0.015, far below the 0.5 of the input.
        Assert.InRange(Score(random, Gold).Precision, 0, 0.03);
    }

    [Fact]
    public void ShufflePreservesEveryDegreeExactly()
    {
        var like = DatabaseLikePrior.Generate(Gold, 0.5, 0.5, 1).Select((e, i) => e with { Weight = i }).ToList();
        var shuffled = DegreePreservingShuffle.Shuffle(like, seed: 4);
        AssertSimpleGraph(shuffled.Edges);
        Assert.Equal(10L * like.Count, shuffled.Swaps);
        Assert.Equal(Degrees(like, e => e.Regulator), Degrees(shuffled.Edges, e => e.Regulator));
        Assert.Equal(Degrees(like, e => e.Target), Degrees(shuffled.Edges, e => e.Target));
        // Weights stay with their regulator.
        Assert.Equal(like.Select(e => (e.Regulator, e.Weight)).Order(), shuffled.Edges.Select(e => (e.Regulator, e.Weight)).Order());
        Assert.True(shuffled.SharedEdges < like.Count / 20, $"{shuffled.SharedEdges} of {like.Count} edges unchanged");
        Assert.Equal(shuffled.SharedEdges, shuffled.Edges.Count(e => like.Any(l => l.Pair == e.Pair)));
        // A shuffled database prior loses its true edges: precision falls towards the random level.
        Assert.InRange(Score(shuffled.Edges, Gold).Precision, 0, 0.1);
    }

    [Fact]
    public void ShuffleOfAnUnshufflableNetworkStops()
    {
        // A -> B, A -> C: every swap would create a duplicate or a self loop.
        var like = new List<RegulatoryEdge> { new("A", "B", 1), new("A", "C", 1) };
        var shuffled = DegreePreservingShuffle.Shuffle(like, seed: 0);
        Assert.Equal(0, shuffled.Swaps);
        Assert.Equal(2000, shuffled.Attempts);
        Assert.Equal(2, shuffled.SharedEdges);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(1.0)]
    public void RewireMovesExactlyTheFractionAndKeepsOutDegrees(double fraction)
    {
        var network = Gold.Edges.Keys.Select(p => new RegulatoryEdge(p.Regulator, p.Target, 1)).ToList();
        var rewired = RewiredNetwork.Rewire(network, Gold.Genes, fraction, seed: 6);
        AssertSimpleGraph(rewired);
        Assert.Equal(network.Count, rewired.Count);
        int shared = rewired.Count(e => Gold.Edges.ContainsKey(e.Pair));
        Assert.Equal(network.Count - (int)Math.Round(fraction * network.Count, MidpointRounding.AwayFromZero), shared);
        Assert.Equal(Degrees(network, e => e.Regulator), Degrees(rewired, e => e.Regulator));
    }

    [Theory]
    [InlineData(SplitAxis.Target)]
    [InlineData(SplitAxis.Regulator)]
    public void SplitSeparatesHeldOutGenesFromThePrior(SplitAxis axis)
    {
        var split = GoldStandardSplit.Split(Gold, axis, 0.2, seed: 8);
        Func<GenePair, string> side = axis == SplitAxis.Target ? p => p.Target : p => p.Regulator;
        int n = Gold.Edges.Keys.Select(side).Distinct().Count();
        Assert.Equal((int)Math.Round(0.2 * n, MidpointRounding.AwayFromZero), split.HeldOutGenes.Count);
        Assert.Equal(n, split.HeldOutGenes.Count + split.KeptGenes.Count);
        var heldOut = split.HeldOutGenes.ToHashSet();
        Assert.Empty(heldOut.Intersect(split.KeptGenes));
        Assert.All(split.Prior, e => Assert.DoesNotContain(side(e.Pair), heldOut));
        // The prior holds every true edge of the kept genes: prior + held-out edges = the gold standard.
        int heldOutEdges = Gold.Edges.Keys.Count(p => heldOut.Contains(side(p)));
        Assert.Equal(Gold.Edges.Count, split.Prior.Count + heldOutEdges);
        Assert.All(split.Prior, e => Assert.True(Gold.Edges.ContainsKey(e.Pair)));
    }

    [Fact]
    public void SplitKeepsAtLeastOneGeneOnEachSide()
    {
        var small = new GoldStandard([], new Dictionary<GenePair, EdgeSign> { [new("A", "B")] = 0, [new("A", "C")] = 0 });
        Assert.Single(GoldStandardSplit.Split(small, SplitAxis.Target, 0.01, 0).HeldOutGenes);
        Assert.Single(GoldStandardSplit.Split(small, SplitAxis.Target, 0.99, 0).HeldOutGenes);
        Assert.Throws<ArgumentException>(() => GoldStandardSplit.Split(small, SplitAxis.Regulator, 0.5, 0));
    }

    public static TheoryData<string> Generators => new() { "database", "motif", "random", "shuffle", "rewire", "split" };

    [Theory]
    [MemberData(nameof(Generators))]
    public void SameSeedSameOutputOtherSeedOtherOutput(string generator)
    {
        var like = DatabaseLikePrior.Generate(Gold, 0.5, 0.3, 1);
        var network = Gold.Edges.Keys.Select(p => new RegulatoryEdge(p.Regulator, p.Target, 1)).ToList();
        List<RegulatoryEdge> Run(int seed) => generator switch
        {
            "database" => DatabaseLikePrior.Generate(Gold, 0.5, 0.5, seed),
            "motif" => MotifLikePrior.Generate(Gold, 0.8, 10, seed),
            "random" => RandomPrior.Generate(like, seed),
            "shuffle" => DegreePreservingShuffle.Shuffle(like, seed).Edges,
            "rewire" => RewiredNetwork.Rewire(network, Gold.Genes, 0.5, seed),
            _ => GoldStandardSplit.Split(Gold, SplitAxis.Target, 0.3, seed).Prior,
        };
        Assert.Equal(Run(42), Run(42));
        Assert.NotEqual(Sorted(Run(42)), Sorted(Run(43)));
        // The input's order does not matter: generators sort what they consume.
        var reversed = new GoldStandard(Gold.Genes.Reverse(), Gold.Edges.Reverse().ToDictionary());
        if (generator == "database") Assert.Equal(Run(42), DatabaseLikePrior.Generate(reversed, 0.5, 0.5, 42));
    }

    private static List<RegulatoryEdge> Sorted(List<RegulatoryEdge> edges) => edges.Order(Comparer<RegulatoryEdge>.Create(RegulatoryEdge.CompareByPair)).ToList();

    private static Dictionary<string, int> Degrees(IEnumerable<RegulatoryEdge> edges, Func<RegulatoryEdge, string> end)
        => edges.GroupBy(end).ToDictionary(g => g.Key, g => g.Count());
}
