using GrnFast.Simulation.Random;

namespace GrnFast.Simulation.Tests;

public class RandomSourceTests
{
    [Fact]
    public void ZigguratLayersHaveEqualAreas()
    {
        var x = Ziggurat.LayerWidths;
        var f = (double v) => Math.Exp(-0.5 * v * v);
        double area = x[0] * f(x[1]); // V: the base layer's virtual box
        for (int i = 1; i < Ziggurat.Layers; i++)
        {
            Assert.True(x[i] < x[i - 1], $"width {i} does not decrease");
            Assert.Equal(area, x[i] * (f(x[i + 1]) - f(x[i])), 9);
        }
        // Base layer: the box [0, R] x [0, f(R)] plus the tail integral beyond R.
        double tail = Math.Sqrt(Math.PI / 2) * Erfc(x[1] / Math.Sqrt(2));
        Assert.Equal(area, x[1] * f(x[1]) + tail, 9);
    }

    [Fact]
    public void NormalsHaveTheMomentsAndTailsOfAStandardNormal()
    {
        var random = new RandomSource(11);
        const int n = 2_000_000;
        var z = new double[n];
        random.FillNormal(z);
        double mean = z.Average();
        double variance = z.Select(v => (v - mean) * (v - mean)).Average();
        double kurtosis = z.Select(v => Math.Pow(v - mean, 4)).Average() / (variance * variance);
        double skew = z.Select(v => Math.Pow(v - mean, 3)).Average() / Math.Pow(variance, 1.5);
        Assert.InRange(mean, -0.004, 0.004);
        Assert.InRange(variance, 0.995, 1.005);
        Assert.InRange(skew, -0.01, 0.01);
        Assert.InRange(kurtosis, 2.98, 3.02);
        // Tail beyond the ziggurat's R = 3.654 (the tail sampler): P(|Z| > 3.654) = 2.58e-4, so ~516 expected.
        int beyond = z.Count(v => Math.Abs(v) > 3.6541528853610088);
        Assert.InRange(beyond, 516 - 4 * 23, 516 + 4 * 23);
        // A wedge region and the centre: P(1 < Z < 1.5) = 0.091939.
        double band = z.Count(v => v is > 1 and < 1.5) / (double)n;
        Assert.InRange(band, 0.091939 - 0.0009, 0.091939 + 0.0009);
    }

    [Fact]
    public void FillNormalIsRepeatedNextNormal()
    {
        var a = new RandomSource(5);
        var b = new RandomSource(5);
        var filled = new double[10_001];
        a.FillNormal(filled);
        for (int i = 0; i < filled.Length; i++) Assert.Equal(b.NextNormal(), filled[i]);
        Assert.Equal(b.NextUInt64(), a.NextUInt64());
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(4.5)]
    [InlineData(9.99)]
    [InlineData(10)]
    [InlineData(37.5)]
    [InlineData(2500)]
    public void PoissonHasItsMeanAndVariance(double mu)
    {
        var random = new RandomSource(3);
        const int n = 400_000;
        var k = new double[n];
        for (int i = 0; i < n; i++) k[i] = random.NextPoisson(mu);
        double mean = k.Average();
        double variance = k.Select(v => (v - mean) * (v - mean)).Average();
        double se = Math.Sqrt(mu / n);
        Assert.InRange(mean, mu - 5 * se, mu + 5 * se);
        Assert.InRange(variance / mu, 0.985, 1.015);
    }

    [Theory]
    [InlineData(3.0)]
    [InlineData(24.0)]
    public void PoissonFrequenciesMatchTheProbabilities(double mu)
    {
        var random = new RandomSource(8);
        const int n = 500_000;
        var counts = new int[200];
        for (int i = 0; i < n; i++) counts[Math.Min(199, random.NextPoisson(mu))]++;
        for (int k = 0; k < 3 * mu + 10; k++)
        {
            double p = Math.Exp(-mu + k * Math.Log(mu) - Poisson.LogFactorial(k));
            if (p * n < 50) continue;
            double se = Math.Sqrt(n * p * (1 - p));
            Assert.True(Math.Abs(counts[k] - n * p) < 5 * se, $"mu {mu}, k {k}: {counts[k]} draws, expected {n * p:F0} +- {se:F0}");
        }
    }

    [Fact]
    public void LogFactorialIsExactAcrossTheTableAndTheSeries()
    {
        double exact = 0;
        for (int k = 1; k < 200; k++)
        {
            exact += Math.Log(k);
            Assert.Equal(exact, Poisson.LogFactorial(k), 10);
        }
    }

    [Fact]
    public void StreamsDependOnEveryKey()
    {
        ulong First(RandomSource r) => r.NextUInt64();
        var values = new HashSet<ulong>
        {
            First(RandomSource.Stream(1, StreamPurpose.Dynamics, 0, 0)),
            First(RandomSource.Stream(1, StreamPurpose.Dynamics, 0, 1)),
            First(RandomSource.Stream(1, StreamPurpose.Dynamics, 1, 0)),
            First(RandomSource.Stream(2, StreamPurpose.Dynamics, 0, 0)),
            First(RandomSource.Stream(1, StreamPurpose.TechnicalNoise, 0, 0)),
            First(RandomSource.Stream(1, StreamPurpose.Dynamics, 0)),
        };
        Assert.Equal(6, values.Count);
        Assert.Equal(First(RandomSource.Stream(1, StreamPurpose.Dynamics, 3, 4)), First(RandomSource.Stream(1, StreamPurpose.Dynamics, 3, 4)));
    }

    [Fact]
    public void NextIntIsUniform()
    {
        var random = new RandomSource(9);
        var counts = new int[7];
        const int n = 700_000;
        for (int i = 0; i < n; i++) counts[random.NextInt(7)]++;
        double se = Math.Sqrt(n / 7.0 * (6 / 7.0));
        foreach (int c in counts) Assert.InRange(c, n / 7.0 - 5 * se, n / 7.0 + 5 * se);
    }

    // erfc(x) = exp(-x^2) / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...)))), by Lentz's method; ~1e-15 for x > 2.
    private static double Erfc(double x)
    {
        const double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int k = 1; k < 200; k++)
        {
            double a = k / 2.0;
            d = x + a * d;
            d = d == 0 ? tiny : 1 / d;
            c = x + a / c;
            if (c == 0) c = tiny;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / f;
    }
}
