using GrnFast.Simulation.Dynamics;
using GrnFast.Simulation.Networks;
using GrnFast.Simulation.Noise;
using GrnFast.Simulation.Random;
using static GrnFast.Simulation.Tests.NetworkTests;

namespace GrnFast.Simulation.Tests;

public class SteadyStateTests
{
    private static readonly SimulationOptions NoiseFree = new()
    {
        Cells = 40,
        CellTypes = 2,
        Noise = 0,
        Technical = new TechnicalNoiseOptions { Values = ExpressionValues.Clean },
        Seed = 17,
    };

    [Theory]
    [InlineData(3.0)]
    [InlineData(-3.0)]
    public void TwoGeneCascadeSitsAtTheAnalyticFixedPoint(double k)
    {
        var net = Network(["R", "T"], ("R", "T", k));
        var result = Simulator.Run(net, NoiseFree);
        double lambda = NoiseFree.Decay;
        double[] xr = result.CellTypes.Select(t => t.Basal[0] / lambda).ToArray();
        Assert.Equal(0, result.CellTypes[0].Basal[1]);
        Assert.NotEqual(xr[0], xr[1]);
        double h = xr.Average();
        Assert.Equal(h, result.Calibration.HalfResponse[0], 12);
        for (int r = 0; r < result.CellCount; r++)
        {
            int c = result.Cells[r].CellType == "type1" ? 0 : 1;
            double hill = xr[c] * xr[c] / (h * h + xr[c] * xr[c]);
            double xt = (k > 0 ? k * hill : -k * (1 - hill)) / lambda;
            Assert.Equal(xr[c], result.Clean[2 * r], 9);
            Assert.Equal(xt, result.Clean[2 * r + 1], 9);
            Assert.Equal((float)result.Clean[2 * r + 1], result.Measured.Values[2 * r + 1]);
        }
    }

    [Fact]
    public void DynamicsFromZeroConvergeToTheFixedPoint()
    {
        var net = Network(["R", "A", "T"], ("R", "A", 2), ("A", "T", -4), ("R", "T", 1.5));
        var types = Simulator.BuildCellTypes(net, NoiseFree);
        var calibration = SteadyState.Calibrate(types, 0.8);
        Assert.True(calibration.Converged);
        Assert.Equal(2, calibration.Sweeps);
        var table = new RegulationTable(net);
        var h = calibration.HalfResponse.ToArray();
        var basal = types[1].Basal.ToArray();
        var model = new LangevinModel(table, h, basal, basal, 0.8, 0, 0.01);
        var output = new double[3 * 3];
        var zero = new double[3];
        LangevinBatch.Run(model, [zero, zero, zero], [null, null, null], [8000, 8000, 8000], 0, 0, new RandomSource(1), output, default);
        // Analytic: x_R = b / lambda, x_A = 2 H(x_R; h_R) / lambda, x_T = (4 (1 - H(x_A; h_A)) + 1.5 H(x_R; h_R)) / lambda.
        double HillOf(double x, double half) => x * x / (half * half + x * x);
        double xr = basal[0] / 0.8;
        double xa = 2 * HillOf(xr, h[0]) / 0.8;
        double xt = (4 * (1 - HillOf(xa, h[1])) + 1.5 * HillOf(xr, h[0])) / 0.8;
        for (int lane = 0; lane < 3; lane++)
        {
            Assert.Equal(xr, output[3 * lane], 9);
            Assert.Equal(xa, output[3 * lane + 1], 9);
            Assert.Equal(xt, output[3 * lane + 2], 9);
        }
        Assert.Equal(calibration.Means[1], output.AsSpan(0, 3).ToArray(), (a, b) => Math.Abs(a - b) < 1e-9);
    }

    [Fact]
    public void CyclicNetworksCalibrateByFixedPointIteration()
    {
        // A negative feedback loop with an autoregulated gene and a master input, two cell types.
        var net = Network(["M", "A", "B", "C"], ("M", "A", 3), ("A", "B", 2), ("B", "A", -4), ("B", "B", 1), ("B", "C", 2));
        var types = Simulator.BuildCellTypes(net, NoiseFree);
        var calibration = SteadyState.Calibrate(types, 0.8);
        Assert.True(calibration.Cyclic);
        Assert.True(calibration.Converged, $"{calibration.Sweeps} sweeps");
        // At the fixed point production balances decay in every type: P_i(x) = lambda x_i.
        var table = new RegulationTable(net);
        var h = calibration.HalfResponse.ToArray();
        for (int c = 0; c < 2; c++)
        {
            var x = calibration.Means[c].ToArray();
            for (int i = 0; i < 4; i++) Assert.Equal(0.8 * x[i], table.Production(i, x, h, types[c].Basal[i]), 9);
        }
        for (int i = 0; i < 4; i++) Assert.Equal((calibration.Means[0][i] + calibration.Means[1][i]) / 2, h[i], 9);
        // The simulator accepts it, and the noise-free cells stay at the fixed point.
        var result = Simulator.Run(net, NoiseFree);
        for (int r = 0; r < result.CellCount; r++)
        {
            int c = result.Cells[r].CellType == "type1" ? 0 : 1;
            for (int i = 0; i < 4; i++) Assert.Equal(calibration.Means[c][i], result.Clean[4 * r + i], 8);
        }
    }

    [Fact]
    public void OneCellTypePutsEveryRegulatorAtHalfResponse()
    {
        var net = NetworkGenerator.Generate(new NetworkGeneratorOptions { Genes = 50 }, 3);
        var types = Simulator.BuildCellTypes(net, NoiseFree with { CellTypes = 1 });
        var calibration = SteadyState.Calibrate(types, 0.8);
        // With h_j = x_j every Hill term is 1/2, so x_i = (b_i + sum_j |K_ij| / 2) / lambda.
        for (int i = 0; i < 50; i++)
        {
            double expected = types[0].Basal[i] + net.Edges.Where(e => e.Target == i).Sum(e => Math.Abs(e.Strength)) / 2;
            Assert.Equal(expected / 0.8, calibration.Means[0][i], 10);
        }
    }
}
