using GrnFast.Simulation.Networks;
using GrnFast.Simulation.Random;

namespace GrnFast.Simulation.Tests;

public class NetworkTests
{
    internal static GeneNetwork Network(string[] genes, params (string From, string To, double K)[] edges)
    {
        var index = genes.Select((g, i) => (g, i)).ToDictionary(t => t.g, t => t.i);
        return new GeneNetwork(genes, edges.Select(e => new RegulatoryEdge(index[e.From], index[e.To], e.K, 2)).ToArray());
    }

    [Fact]
    public void TopologicalOrderPutsRegulatorsFirst()
    {
        var net = Network(["C", "B", "A", "D"], ("A", "B", 1), ("B", "C", -1), ("A", "C", 2), ("D", "C", 1));
        var t = net.Topology;
        Assert.True(t.IsAcyclic);
        var position = t.Order.Select((g, i) => (g, i)).ToDictionary(p => p.g, p => p.i);
        foreach (var e in net.Edges) Assert.True(position[e.Regulator] < position[e.Target]);
        Assert.Equal(2, t.Depth);
        Assert.True(net.IsMasterRegulator(2) && net.IsMasterRegulator(3) && !net.IsMasterRegulator(0));
        Assert.Equal([true, true, false, false], t.Descendants(2));
    }

    [Fact]
    public void CyclesAndSelfLoopsAreFound()
    {
        var cycle = Network(["A", "B", "C", "D"], ("A", "B", 1), ("B", "C", 1), ("C", "A", -1), ("C", "D", 1));
        Assert.False(cycle.Topology.IsAcyclic);
        Assert.Equal(2, cycle.Topology.ComponentCount);
        Assert.Equal(cycle.Topology.Component[0], cycle.Topology.Component[2]);
        Assert.Equal(3, cycle.Topology.Order[^1]); // D after its cycle
        Assert.True(cycle.Topology.Descendants(0)[0]); // A reaches itself
        // The cycle has no input from outside: its genes are the master regulators (they get the basal rates).
        Assert.Equal([true, true, true, false], Enumerable.Range(0, 4).Select(cycle.IsMasterRegulator).ToArray());
        var self = Network(["A", "B"], ("A", "A", 1), ("A", "B", 1));
        Assert.False(self.Topology.IsAcyclic);
        Assert.Equal(2, self.Topology.ComponentCount);
        Assert.True(self.IsMasterRegulator(0));
        Assert.False(self.IsMasterRegulator(1));
    }

    [Fact]
    public void LongChainsNeedNoRecursion()
    {
        int n = 50_000;
        var genes = Enumerable.Range(0, n).Select(i => $"g{i}").ToArray();
        var edges = Enumerable.Range(0, n - 1).Select(i => new RegulatoryEdge(i, i + 1, 1, 2)).Append(new RegulatoryEdge(n - 1, 0, -1, 2)).ToArray();
        var t = new GeneNetwork(genes, edges).Topology;
        Assert.Equal(1, t.ComponentCount);
    }

    [Fact]
    public void BadEdgesAreNamed()
    {
        string[] genes = ["A", "B"];
        Assert.Contains("A -> B is listed twice", Assert.Throws<ArgumentException>(() => Network(genes, ("A", "B", 1), ("A", "B", 2))).Message);
        Assert.Contains("A -> B: strength 0", Assert.Throws<ArgumentException>(() => Network(genes, ("A", "B", 0))).Message);
        Assert.Contains("strength NaN", Assert.Throws<ArgumentException>(() => Network(genes, ("B", "A", double.NaN))).Message);
        Assert.Contains("Hill coefficient -1", Assert.Throws<ArgumentException>(() => new GeneNetwork(genes, [new RegulatoryEdge(0, 1, 1, -1)])).Message);
        Assert.Contains("'A' is listed twice", Assert.Throws<ArgumentException>(() => new GeneNetwork(["A", "A"], [])).Message);
    }

    [Theory]
    [InlineData(NetworkKind.ScaleFree, 100, 2.0)]
    [InlineData(NetworkKind.ScaleFree, 1000, 3.0)]
    [InlineData(NetworkKind.SmallWorld, 400, 2.5)]
    public void GeneratorsGiveTheRequestedSizesAndDegrees(NetworkKind kind, int genes, double inDegree)
    {
        var options = new NetworkGeneratorOptions { Kind = kind, Genes = genes, MeanInDegree = inDegree };
        var net = NetworkGenerator.Generate(options, 42);
        Assert.Equal(genes, net.GeneCount);
        Assert.True(net.Topology.IsAcyclic);
        int masters = Enumerable.Range(0, genes).Count(net.IsMasterRegulator);
        Assert.Equal(options.MasterCount, masters);
        int regulators = Enumerable.Range(0, genes).Count(net.IsRegulator);
        Assert.InRange(regulators, options.MasterCount, options.RegulatorCount);
        // Mean in-degree of the non-masters: d, less a little where early regulators have fewer candidates than d.
        double meanIn = net.Edges.Count / (double)(genes - masters);
        Assert.InRange(meanIn, inDegree * 0.9, inDegree * 1.08);
        // Preferential attachment spreads the out-degrees far beyond uniform attachment's binomial spread
        // (coefficient of variation ~ 1 / sqrt(mean out-degree), 0.1-0.25 here; the small-world kind shares its hubs out among modules).
        var outDegrees = Enumerable.Range(0, genes).Where(net.IsRegulator).Select(g => (double)net.OutDegree[g]).ToArray();
        double meanOut = outDegrees.Average();
        double cv = Math.Sqrt(outDegrees.Select(d => (d - meanOut) * (d - meanOut)).Average()) / meanOut;
        Assert.True(cv > 1.5 / Math.Sqrt(meanOut), $"out-degree CV {cv:F2}, mean {meanOut:F1}, max {outDegrees.Max()}");
        // Signs: activation fraction 0.6.
        double activating = net.Edges.Count(e => e.IsActivation) / (double)net.Edges.Count;
        Assert.InRange(activating, 0.6 - 4 * Math.Sqrt(0.24 / net.Edges.Count), 0.6 + 4 * Math.Sqrt(0.24 / net.Edges.Count));
        Assert.All(net.Edges, e => Assert.InRange(Math.Abs(e.Strength), 1, 5));
    }

    [Fact]
    public void SmallWorldEdgesStayMostlyInsideModules()
    {
        var options = new NetworkGeneratorOptions { Kind = NetworkKind.SmallWorld, Genes = 600, Regulators = 120, Modules = 6, ModuleBias = 0.85 };
        var net = NetworkGenerator.Generate(options, 7);
        double inside = net.Edges.Count(e => e.Regulator % 6 == e.Target % 6) / (double)net.Edges.Count;
        Assert.InRange(inside, 0.78, 0.92);
        var scaleFree = NetworkGenerator.Generate(options with { Kind = NetworkKind.ScaleFree }, 7);
        double insideSf = scaleFree.Edges.Count(e => e.Regulator % 6 == e.Target % 6) / (double)scaleFree.Edges.Count;
        Assert.InRange(insideSf, 0.05, 0.35);
    }

    [Fact]
    public void GeneratorsAreSeeded()
    {
        var options = new NetworkGeneratorOptions { Genes = 200 };
        var a = NetworkGenerator.Generate(options, 1);
        var b = NetworkGenerator.Generate(options, 1);
        var c = NetworkGenerator.Generate(options, 2);
        Assert.Equal(a.Edges, b.Edges);
        Assert.NotEqual(a.Edges, c.Edges);
    }

    [Fact]
    public void BadGeneratorOptionsNameTheField()
    {
        Assert.Equal("Genes", Assert.Throws<ArgumentOutOfRangeException>(() => NetworkGenerator.Generate(new NetworkGeneratorOptions { Genes = 1 }, 0)).ParamName);
        Assert.Equal("MasterRegulators", Assert.Throws<ArgumentOutOfRangeException>(() => NetworkGenerator.Generate(new NetworkGeneratorOptions { Regulators = 5, MasterRegulators = 6 }, 0)).ParamName);
        Assert.Equal("MeanInDegree", Assert.Throws<ArgumentOutOfRangeException>(() => NetworkGenerator.Generate(new NetworkGeneratorOptions { MeanInDegree = 0.5 }, 0)).ParamName);
        Assert.Equal("StrengthMin", Assert.Throws<ArgumentOutOfRangeException>(() => NetworkGenerator.Generate(new NetworkGeneratorOptions { Edges = new EdgeParameters { StrengthMin = -1 } }, 0)).ParamName);
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.5)]
    public void RewiringMovesTheRequestedFraction(double fraction)
    {
        var net = NetworkGenerator.Generate(new NetworkGeneratorOptions { Genes = 300, MeanInDegree = 3 }, 5);
        var result = NetworkRewiring.Rewire(net, fraction, new RandomSource(1));
        var rewired = result.Network;
        Assert.Equal(net.Edges.Count, rewired.Edges.Count);
        Assert.Equal((int)Math.Round(fraction * net.Edges.Count), result.Requested);
        Assert.InRange(result.Moved, 0.9 * result.Requested, result.Requested);
        var original = net.Edges.Select(e => (e.Regulator, e.Target)).ToHashSet();
        // An edge can move onto a pair that an earlier move vacated, so a few moved edges land on original pairs.
        int kept = rewired.Edges.Count(e => original.Contains((e.Regulator, e.Target)));
        Assert.InRange(kept, net.Edges.Count - result.Moved, net.Edges.Count - result.Moved + result.Moved / 10);
        Assert.True(rewired.Topology.IsAcyclic);
        for (int g = 0; g < net.GeneCount; g++)
        {
            Assert.Equal(net.IsMasterRegulator(g), rewired.IsMasterRegulator(g));
            Assert.Equal(net.OutDegree[g], rewired.OutDegree[g]); // regulators keep their edges, only targets move
        }
    }
}
