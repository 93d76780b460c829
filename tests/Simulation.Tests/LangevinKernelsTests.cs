using GrnFast.Simulation.Dynamics;

namespace GrnFast.Simulation.Tests;

public class LangevinKernelsTests
{
    private static IEnumerable<int> Lengths() => Enumerable.Range(0, 301).Append(6 * 512 + 7);

    // States as the simulator has them (0, tiny, huge, ordinary), plus NaN, infinity and -0 at random positions: the
    // vector and scalar paths must agree on those too.
    private static double[] States(System.Random random, int n)
    {
        var x = new double[n];
        for (int i = 0; i < n; i++)
            x[i] = (i % 7) switch { 0 => 0, 1 => 1e-300, 2 => 1e6 * random.NextDouble(), _ => 10 * random.NextDouble() };
        double[] special = [double.NaN, double.PositiveInfinity, -0.0];
        for (int k = 0; k < n / 50; k++) x[random.Next(n)] = special[random.Next(special.Length)];
        return x;
    }

    [Fact]
    public void StepMatchesItsScalarDefinitionBitForBit()
    {
        foreach (int n in Lengths())
        {
            var random = new System.Random(n);
            var x = States(random, n);
            var p = States(random, n);
            var z = Enumerable.Range(0, n).Select(_ => 6 * (random.NextDouble() - 0.5)).ToArray();
            if (n > 3) p[3] = -1e-17; // rounding can leave c + sum w H a hair below zero
            var expected = x.Select((v, i) => LangevinKernels.StepScalar(v, p[i], z[i], 0.8, 0.01, 0.1)).ToArray();
            LangevinKernels.Step(x, p, z, 0.8, 0.01, 0.1);
            for (int i = 0; i < n; i++)
                Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(x[i]), $"length {n}, lane {i}: {x[i]} vs {expected[i]}");
            Assert.All(x, v => Assert.True(double.IsNaN(v) || v >= 0));
        }
    }

    [Fact]
    public void StepIsTheEulerMaruyamaUpdate()
    {
        // x = 2, P = 3, lambda = 0.5, dt = 0.01, q = 0.7, z = 1.3: 2 + (3 - 1) 0.01 + 0.7 sqrt(0.01) sqrt(4) 1.3
        double next = LangevinKernels.StepScalar(2, 3, 1.3, 0.5, 0.01, 0.7 * Math.Sqrt(0.01));
        Assert.Equal(2 + 2 * 0.01 + 0.7 * 0.1 * 2 * 1.3, next, 14);
        Assert.Equal(0, LangevinKernels.StepScalar(0.01, 0, -50, 1, 0.01, 1)); // clipped at zero
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    [InlineData(3.0)]
    [InlineData(4.0)]
    public void HillMatchesItsScalarDefinitionBitForBit(double n)
    {
        foreach (int length in Lengths())
        {
            var random = new System.Random(length + 1000);
            var x = States(random, length);
            double hn = RegulationTable.HalfPower(1.7, n);
            var a = new double[length];
            LangevinKernels.Hill(x, hn, n, a);
            for (int i = 0; i < length; i++)
            {
                double expected = LangevinKernels.HillScalar(x[i], hn, n);
                Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(a[i]), $"n {n}, length {length}, lane {i}");
                if (double.IsFinite(x[i])) Assert.InRange(a[i], 0, 1);
            }
        }
    }

    [Fact]
    public void HillWithAFractionalCoefficientFollowsPow()
    {
        var x = new[] { 0, 0.5, 1.7, 3, 40 };
        var a = new double[x.Length];
        double hn = RegulationTable.HalfPower(1.7, 2.5);
        LangevinKernels.Hill(x, hn, 2.5, a);
        for (int i = 0; i < x.Length; i++)
            Assert.Equal(Math.Pow(x[i], 2.5) / (hn + Math.Pow(x[i], 2.5)), a[i], 13);
        Assert.Equal(0.5, a[2], 13); // at x = h the response is half
    }
}
