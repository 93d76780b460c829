using GrnFast.Simulation.Networks;
using GrnFast.Simulation.Noise;
using static GrnFast.Simulation.Tests.NetworkTests;

namespace GrnFast.Simulation.Tests;

public class SimulatorTests
{
    private static readonly TechnicalNoiseOptions Clean = new() { Values = ExpressionValues.Clean };

    internal static double[] Column(SimulationResult r, int gene, Func<SimulatedCell, bool> which, bool clean = true)
        => Enumerable.Range(0, r.CellCount).Where(c => which(r.Cells[c]))
            .Select(c => clean ? r.Clean[c * r.GeneCount + gene] : r.Measured.Values[c * r.GeneCount + gene]).ToArray();

    // Welch's t statistic of mean(b) - mean(a).
    internal static double WelchT(double[] a, double[] b)
    {
        static (double Mean, double Var) Moments(double[] x)
        {
            double m = x.Average();
            return (m, x.Sum(v => (v - m) * (v - m)) / (x.Length - 1));
        }
        var (ma, va) = Moments(a);
        var (mb, vb) = Moments(b);
        double se = Math.Sqrt(va / a.Length + vb / b.Length);
        return se == 0 ? (mb == ma ? 0 : double.PositiveInfinity * Math.Sign(mb - ma)) : (mb - ma) / se;
    }

    [Fact]
    public void MasterRegulatorHasTheLangevinMeanAndVariance()
    {
        // dx = (b - lambda x) dt + q sqrt(b + lambda x) dW: mean b / lambda and, for Euler-Maruyama with step dt,
        // variance q^2 b / (lambda (1 - lambda dt / 2)) (the exact stationary variance of the discrete recursion).
        var net = Network(["M", "T"], ("M", "T", 2));
        var options = new SimulationOptions { Cells = 6000, BasalMin = 8, BasalMax = 8, Technical = Clean, Seed = 2 };
        var r = Simulator.Run(net, options);
        var m = Column(r, 0, _ => true);
        double mean = m.Average();
        double variance = m.Sum(v => (v - mean) * (v - mean)) / (m.Length - 1);
        double expectedVariance = 8 / 0.8 / (1 - 0.8 * options.TimeStep / 2);
        Assert.InRange(mean, 10 - 4 * Math.Sqrt(10.0 / m.Length), 10 + 4 * Math.Sqrt(10.0 / m.Length));
        Assert.InRange(variance, expectedVariance * (1 - 4 * Math.Sqrt(2.0 / m.Length)), expectedVariance * (1 + 4 * Math.Sqrt(2.0 / m.Length)));
    }

    [Fact]
    public void KnockoutShiftsTargetsAndLeavesUnrelatedGenesAlone()
    {
        // R -> A -> C, R -| B; M -> U and M -> A: M and U are not downstream of R.
        var net = Network(["R", "A", "B", "C", "M", "U"], ("R", "A", 3), ("R", "B", -3), ("A", "C", 3), ("M", "U", 3), ("M", "A", 2));
        var options = new SimulationOptions
        {
            Cells = 3000,
            Perturbations = [Perturbation.Knockout(0)],
            PerturbFraction = 0.5,
            Seed = 4,
        };
        var r = Simulator.Run(net, options);
        Assert.Equal(1500, r.Cells.Count(c => c.Guide == "R"));
        Assert.Equal(1500, r.Cells.Count(c => c.Guide == Simulator.NonTargeting));
        Assert.All(r.Cells.Where(c => c.Guide == "R"), c => Assert.Equal(PerturbationKind.Knockout, c.Perturbation));
        double T(int gene) => WelchT(Column(r, gene, c => c.Guide == Simulator.NonTargeting), Column(r, gene, c => c.Guide == "R"));
        Assert.All(Column(r, 0, c => c.Guide == "R"), v => Assert.Equal(0, v)); // no production, started at 0: stays 0
        Assert.True(T(1) < -10, $"activation target A: t = {T(1):F1}");
        Assert.True(T(2) > 10, $"repression target B: t = {T(2):F1}");
        Assert.True(T(3) < -5, $"indirect target C: t = {T(3):F1}");
        Assert.True(Math.Abs(T(4)) < 4, $"unrelated master M: t = {T(4):F1}");
        Assert.True(Math.Abs(T(5)) < 4, $"unrelated gene U: t = {T(5):F1}");
        // The shift survives technical noise: A's counts drop.
        double Tc(int gene) => WelchT(Column(r, gene, c => c.Guide == Simulator.NonTargeting, clean: false), Column(r, gene, c => c.Guide == "R", clean: false));
        Assert.True(Tc(1) < -10, $"counts of A: t = {Tc(1):F1}");
    }

    [Fact]
    public void KnockoutsOfAGeneratedNetworkFollowEdgeSigns()
    {
        var net = NetworkGenerator.Generate(new NetworkGeneratorOptions { Genes = 60, Regulators = 12 }, 9);
        // The non-master regulator with most targets, so that it has both upstream and unrelated genes.
        int regulator = Enumerable.Range(0, 60).Where(g => !net.IsMasterRegulator(g)).OrderByDescending(g => net.OutDegree[g]).First();
        var options = new SimulationOptions { Cells = 2400, Perturbations = [Perturbation.Knockout(regulator)], Technical = Clean, Seed = 6 };
        var r = Simulator.Run(net, options);
        string guide = net.Genes[regulator];
        var descendants = net.Topology.Descendants(regulator);
        double T(int gene) => WelchT(Column(r, gene, c => c.Guide == Simulator.NonTargeting), Column(r, gene, c => c.Guide == guide));
        int checkedTargets = 0, unrelated = 0;
        foreach (var e in net.Edges.Where(e => e.Regulator == regulator))
        {
            // Only targets whose other regulators are not downstream of the knockout: their shift has the edge's sign.
            bool onlyDirect = net.Edges.Where(f => f.Target == e.Target && f.Regulator != regulator).All(f => !descendants[f.Regulator]);
            if (!onlyDirect) continue;
            double t = T(e.Target);
            Assert.True(e.IsActivation ? t < -3 : t > 3, $"{net.Genes[e.Target]} ({(e.IsActivation ? "activated" : "repressed")}): t = {t:F1}");
            checkedTargets++;
        }
        for (int g = 0; g < 60; g++)
        {
            if (descendants[g] || g == regulator) continue;
            Assert.True(Math.Abs(T(g)) < 4.5, $"{net.Genes[g]} is not downstream of {guide} but t = {T(g):F1}");
            unrelated++;
        }
        Assert.True(checkedTargets >= 2 && unrelated >= 10, $"{checkedTargets} targets, {unrelated} unrelated genes checked");
    }

    [Fact]
    public void KnockdownShiftsLessThanKnockout()
    {
        var net = Network(["R", "A"], ("R", "A", 4));
        // A high basal rate keeps the knocked-down regulator (mean 3) away from 0, where clipping biases the CLE upwards.
        var options = new SimulationOptions
        {
            Cells = 3000,
            BasalMin = 8,
            BasalMax = 8,
            Perturbations = [Perturbation.Knockdown(0, 0.3)],
            PerturbFraction = 0.5,
            Technical = Clean,
            Seed = 8,
        };
        var kd = Simulator.Run(net, options);
        var ko = Simulator.Run(net, options with { Perturbations = [Perturbation.Knockout(0)] });
        double control = Column(kd, 1, c => c.Guide == Simulator.NonTargeting).Average();
        double down = Column(kd, 1, c => c.Guide == "R").Average();
        double off = Column(ko, 1, c => c.Guide == "R").Average();
        Assert.True(off < down && down < control, $"knockout {off:F3} < knockdown {down:F3} < control {control:F3}");
        double knockedDown = Column(kd, 0, c => c.Guide == "R").Average();
        Assert.InRange(knockedDown, 0.3 * 10 * 0.97, 0.3 * 10 * 1.05);
        Assert.Equal(0, off, 12);
    }

    [Fact]
    public void SameSeedSameBitsForAnyThreadCountAndAnotherSeedDiffers()
    {
        var net = NetworkGenerator.Generate(new NetworkGeneratorOptions { Genes = 40, Kind = NetworkKind.SmallWorld }, 1);
        var options = new SimulationOptions
        {
            Cells = 700,
            CellTypes = 2,
            RewireFraction = 0.2,
            Perturbations = [Perturbation.Knockout(3), Perturbation.Knockdown(5, 0.5)],
            Technical = new TechnicalNoiseOptions { DropoutRate = 0.5 },
            Seed = 123,
        };
        var one = Simulator.Run(net, options with { Threads = 1 });
        var two = Simulator.Run(net, options with { Threads = 2 });
        var all = Simulator.Run(net, options with { Threads = 0 });
        foreach (var other in new[] { two, all })
        {
            Assert.Equal(one.Clean, other.Clean);
            Assert.Equal(one.Measured.Values, other.Measured.Values);
            Assert.Equal(one.Cells, other.Cells);
        }
        var different = Simulator.Run(net, options with { Seed = 124 });
        Assert.NotEqual(one.Measured.Values, different.Measured.Values);
        int equal = one.Clean.Zip(different.Clean).Count(p => p.First == p.Second && p.First != 0);
        Assert.True(equal < one.Clean.Length / 100, $"{equal} identical nonzero values across seeds");
    }

    [Fact]
    public void CellTypesSplitTheCellsAndDifferInTheirMasterRegulators()
    {
        var net = NetworkGenerator.Generate(new NetworkGeneratorOptions { Genes = 30 }, 2);
        var options = new SimulationOptions { Cells = 901, CellTypes = 3, RewireFraction = 0.3, Technical = Clean, Seed = 5 };
        var r = Simulator.Run(net, options);
        Assert.Equal([301, 300, 300], r.CellTypes.Select(t => r.Cells.Count(c => c.CellType == t.Name)).ToArray());
        Assert.Same(net, r.CellTypes[0].Network);
        Assert.Equal(0, r.CellTypes[0].RewiredEdges);
        Assert.True(r.CellTypes[1].RewiredEdges > 0);
        Assert.NotEqual(r.CellTypes[1].Network.Edges, r.CellTypes[2].Network.Edges);
        int master = Enumerable.Range(0, 30).First(net.IsMasterRegulator);
        for (int t = 0; t < 3; t++)
        {
            double mean = Column(r, master, c => c.CellType == r.CellTypes[t].Name).Average();
            double expected = r.CellTypes[t].Basal[master] / 0.8;
            Assert.InRange(mean, expected - 5 * Math.Sqrt(expected / 300), expected + 5 * Math.Sqrt(expected / 300));
        }
        Assert.All(r.Cells, c => Assert.True(double.IsNaN(c.Pseudotime)));
        // Rows are shuffled: the first 100 rows mix the types.
        Assert.Equal(3, r.Cells.Take(100).Select(c => c.CellType).Distinct().Count());
    }

    [Fact]
    public void DifferentiationMovesAlongPseudotime()
    {
        var net = Network(["M", "T"], ("M", "T", 3));
        var options = new SimulationOptions { Cells = 2000, CellTypes = 2, Trajectories = [new TrajectoryPath(0, 1)], Technical = Clean };
        // The first seed whose two cell types differ clearly in the master's basal rate.
        ulong seed = 0;
        while (Math.Abs(Simulator.BuildCellTypes(net, options with { Seed = seed }).Select(t => t.Basal[0]).Aggregate((a, b) => a - b)) < 2) seed++;
        var r = Simulator.Run(net, options with { Seed = seed });
        Assert.All(r.Cells, c => Assert.Equal("type1->type2", c.CellType));
        Assert.All(r.Cells, c => Assert.InRange(c.Pseudotime, 0, 1));
        double b1 = r.CellTypes[0].Basal[0], b2 = r.CellTypes[1].Basal[0];
        var tau = r.Cells.Select(c => c.Pseudotime).ToArray();
        var m = Column(r, 0, _ => true);
        double correlation = Correlation(tau, m);
        // The trend is a few units against Poisson-like noise of about the same size: |r| ~ 0.4-0.5.
        Assert.True(Math.Sign(correlation) == Math.Sign(b2 - b1) && Math.Abs(correlation) > 0.3, $"corr {correlation:F2}, b {b1:F2} -> {b2:F2}");
        double early = Enumerable.Range(0, r.CellCount).Where(c => tau[c] < 0.05).Select(c => m[c]).Average();
        double late = Enumerable.Range(0, r.CellCount).Where(c => tau[c] > 0.95).Select(c => m[c]).Average();
        Assert.InRange(early, b1 / 0.8 - 0.5, b1 / 0.8 + 0.5);
        // At the end the state trails the basal rate by about 1 / lambda of the 10 time units: most of the way there.
        Assert.InRange((late - b1 / 0.8) / ((b2 - b1) / 0.8), 0.7, 1.05);
        Assert.True(tau.Min() < 0.01 && tau.Max() > 0.99);
    }

    [Fact]
    public void PerturbedCellsAreSplitAcrossGuidesAndTypes()
    {
        var net = NetworkGenerator.Generate(new NetworkGeneratorOptions { Genes = 20 }, 2);
        var options = new SimulationOptions
        {
            Cells = 1000,
            CellTypes = 2,
            Perturbations = [Perturbation.Knockout(1), Perturbation.Knockout(2), Perturbation.Knockdown(3, 0.5)],
            PerturbFraction = 0.3,
            Technical = Clean,
            Seed = 1,
        };
        var r = Simulator.Run(net, options);
        foreach (var type in r.CellTypes)
        {
            var cells = r.Cells.Where(c => c.CellType == type.Name).ToArray();
            Assert.Equal(500, cells.Length);
            Assert.Equal(350, cells.Count(c => c.Guide == Simulator.NonTargeting));
            Assert.Equal([50, 50, 50], new[] { 1, 2, 3 }.Select(g => cells.Count(c => c.Guide == net.Genes[g])).ToArray());
        }
    }

    [Fact]
    public void BadOptionsNameTheirField()
    {
        var net = Network(["R", "T"], ("R", "T", 1));
        string Field(SimulationOptions o) => Assert.Throws<ArgumentOutOfRangeException>(() => Simulator.Run(net, o)).ParamName!;
        Assert.Equal("Decay", Field(new SimulationOptions { Decay = -0.8 }));
        Assert.Equal("Noise", Field(new SimulationOptions { Noise = -1 }));
        Assert.Equal("TimeStep", Field(new SimulationOptions { TimeStep = 2 }));
        Assert.Equal("BasalMin", Field(new SimulationOptions { BasalMin = -1 }));
        Assert.Equal("Perturbations", Field(new SimulationOptions { Perturbations = [Perturbation.Knockout(7)] }));
        Assert.Equal("Perturbations", Field(new SimulationOptions { Perturbations = [Perturbation.Knockdown(0, 1.5)] }));
        Assert.Equal("Trajectories", Field(new SimulationOptions { CellTypes = 2, Trajectories = [new TrajectoryPath(0, 2)] }));
        Assert.Equal("DropoutRate", Field(new SimulationOptions { Technical = new TechnicalNoiseOptions { DropoutRate = 1.2 } }));
    }

    internal static double Correlation(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average();
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.Sqrt(saa * sbb);
    }
}
