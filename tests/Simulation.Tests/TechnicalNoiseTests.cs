using GrnFast.Simulation.Networks;
using GrnFast.Simulation.Noise;

namespace GrnFast.Simulation.Tests;

public class TechnicalNoiseTests
{
    private static double[] Concentrations(int cells, int genes, int seed)
    {
        var random = new System.Random(seed);
        var x = new double[cells * genes];
        for (int g = 0; g < genes; g++)
        {
            double level = Math.Exp(4 * random.NextDouble() - 1);
            for (int c = 0; c < cells; c++) x[c * genes + g] = level * Math.Exp(0.5 * (random.NextDouble() - 0.5));
        }
        return x;
    }

    [Theory]
    [InlineData(ExpressionValues.Counts, 0.3)]
    [InlineData(ExpressionValues.Counts, 0.7)]
    [InlineData(ExpressionValues.LogNormalized, 0.5)]
    [InlineData(ExpressionValues.Clean, 0.2)]
    [InlineData(ExpressionValues.Clean, 0.9)]
    public void DropoutHitsTheRequestedZeroFraction(ExpressionValues values, double rate)
    {
        var x = Concentrations(2000, 100, 1);
        var result = TechnicalNoise.Apply(x, 2000, 100, new TechnicalNoiseOptions { Values = values, DropoutRate = rate }, 7);
        // 200,000 entries: the binomial standard error is ~0.001.
        Assert.InRange(result.ZeroFraction, rate - 0.005, rate + 0.005);
        Assert.NotNull(result.DropoutMidpoint);
    }

    [Fact]
    public void DropoutRemovesLowValuesMoreOften()
    {
        var x = Concentrations(2000, 100, 2);
        var result = TechnicalNoise.Apply(x, 2000, 100, new TechnicalNoiseOptions { Values = ExpressionValues.Clean, DropoutRate = 0.5 }, 1);
        var means = Enumerable.Range(0, 100).Select(g => Enumerable.Range(0, 2000).Average(c => x[c * 100 + g])).ToArray();
        var zeros = Enumerable.Range(0, 100).Select(g => Enumerable.Range(0, 2000).Count(c => result.Values[c * 100 + g] == 0) / 2000.0).ToArray();
        Assert.True(SimulatorTests.Correlation(means.Select(m => Math.Log(m)).ToArray(), zeros) < -0.8);
        // Kept values are untouched.
        for (int i = 0; i < x.Length; i++) if (result.Values[i] != 0) Assert.Equal((float)x[i], result.Values[i]);
    }

    [Fact]
    public void CountsFollowTheLibrarySize()
    {
        var x = Concentrations(3000, 50, 3);
        var options = new TechnicalNoiseOptions { LibrarySize = 2000, LibrarySigma = 0.4 };
        var result = TechnicalNoise.Apply(x, 3000, 50, options, 5);
        Assert.All(result.Values, v => Assert.Equal(Math.Round(v), v));
        Assert.InRange(result.TotalCounts.Average(), 2000 * 0.97, 2000 * 1.03);
        var logs = result.SizeFactors.Select(s => Math.Log(s)).ToArray();
        double sd = Math.Sqrt(logs.Select(l => (l - logs.Average()) * (l - logs.Average())).Average());
        Assert.InRange(sd, 0.38, 0.42);
        Assert.InRange(result.SizeFactors.Average(), 0.97, 1.03);
        // Expected zero fraction without dropout equals the Poisson zeros seen.
        Assert.InRange(result.ZeroFraction, result.BaselineZeroFraction - 0.004, result.BaselineZeroFraction + 0.004);
    }

    [Fact]
    public void LogNormalizedRowsSumToTheScale()
    {
        var x = Concentrations(200, 30, 4);
        var result = TechnicalNoise.Apply(x, 200, 30, new TechnicalNoiseOptions { Values = ExpressionValues.LogNormalized }, 2);
        for (int c = 0; c < 200; c++)
        {
            double total = 0;
            for (int g = 0; g < 30; g++) total += Math.Exp(result.Values[c * 30 + g]) - 1;
            Assert.Equal(1e4, total, 1e4 * 1e-5);
        }
    }

    [Fact]
    public void ARateBelowThePoissonZerosIsRefused()
    {
        var x = Enumerable.Repeat(0.05, 100 * 20).ToArray();
        var e = Assert.Throws<DropoutRateException>(() => TechnicalNoise.Apply(x, 100, 20, new TechnicalNoiseOptions { LibrarySize = 2, DropoutRate = 0.5 }, 1));
        Assert.Contains("larger library size", e.Message);
    }

    [Fact]
    public void ThreadsDoNotChangeTheResult()
    {
        var x = Concentrations(500, 40, 5);
        var options = new TechnicalNoiseOptions { DropoutRate = 0.6 };
        var a = TechnicalNoise.Apply(x, 500, 40, options, 3, threads: 1);
        var b = TechnicalNoise.Apply(x, 500, 40, options, 3, threads: 2);
        Assert.Equal(a.Values, b.Values);
    }

    [Fact]
    public void SimulatedDataHitTheRequestedDropoutRate()
    {
        var net = NetworkGenerator.Generate(new NetworkGeneratorOptions { Genes = 100 }, 8);
        var r = Simulator.Run(net, new SimulationOptions { Cells = 2000, Technical = new TechnicalNoiseOptions { DropoutRate = 0.6 }, Seed = 3 });
        Assert.InRange(r.Measured.ZeroFraction, 0.595, 0.605);
    }
}
