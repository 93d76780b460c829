using GrnFast.Kernels.Vectors;

namespace GrnFast.Kernels.Tests.Vectors;

/// <summary>Reductions give their scalar twin's bits (same fixed order on every instruction set) and a left-to-right sum up to round-off.</summary>
public class ReductionTests
{
    private static readonly double[] SpecialRates = [0.0, 0.02];

    [Fact]
    public void DotDoubleMatchesTwinAtEveryLength()
    {
        foreach (int n in TestData.Lengths())
            foreach (double rate in SpecialRates)
            {
                int seed = 1000 + n;
                var rng = new Random(seed);
                var x = TestData.Doubles(rng, n, rate);
                var y = TestData.Doubles(rng, n, rate);
                double v = VectorKernels.Dot(x, y), s = ScalarKernels.Dot(x, y);
                if (!TestData.SameValue(v, s)) Assert.Fail($"Dot(double) n={n} seed={seed} rate={rate} [{KernelInfo.InstructionSet}]: vector {v:R} twin {s:R}");
                if (rate > 0 && x.Zip(y).Any(p => double.IsNaN(p.First) || double.IsNaN(p.Second)))
                    if (!double.IsNaN(v)) Assert.Fail($"Dot(double) n={n} seed={seed}: NaN in, {v:R} out");
                if (rate == 0) AssertCloseToSequential(v, x.Zip(y, (a, b) => a * b).ToArray(), $"Dot(double) n={n} seed={seed}");
            }
    }

    [Fact]
    public void DotFloatMatchesTwinAtEveryLength()
    {
        foreach (int n in TestData.Lengths())
            foreach (double rate in SpecialRates)
            {
                int seed = 2000 + n;
                var rng = new Random(seed);
                var x = TestData.Floats(rng, n, rate);
                var y = TestData.Floats(rng, n, rate);
                double v = VectorKernels.Dot(x, y), s = ScalarKernels.Dot(x, y);
                if (!TestData.SameValue(v, s)) Assert.Fail($"Dot(float) n={n} seed={seed} rate={rate} [{KernelInfo.InstructionSet}]: vector {v:R} twin {s:R}");
                if (rate > 0 && x.Zip(y).Any(p => float.IsNaN(p.First) || float.IsNaN(p.Second)))
                    if (!double.IsNaN(v)) Assert.Fail($"Dot(float) n={n} seed={seed}: NaN in, {v:R} out");
                if (rate == 0) AssertCloseToSequential(v, x.Zip(y, (a, b) => (double)a * b).ToArray(), $"Dot(float) n={n} seed={seed}");
            }
    }

    [Fact]
    public void SumOfSquaresMatchesTwinAtEveryLength()
    {
        foreach (int n in TestData.Lengths())
            foreach (double rate in SpecialRates)
            {
                int seed = 3000 + n;
                var x = TestData.Doubles(new Random(seed), n, rate);
                double v = VectorKernels.SumOfSquares(x), s = ScalarKernels.SumOfSquares(x);
                if (!TestData.SameValue(v, s)) Assert.Fail($"SumOfSquares n={n} seed={seed} rate={rate} [{KernelInfo.InstructionSet}]: vector {v:R} twin {s:R}");
                if (rate > 0 && x.Any(double.IsNaN)) { if (!double.IsNaN(v)) Assert.Fail($"SumOfSquares n={n} seed={seed}: NaN in, {v:R} out"); }
                if (rate == 0) AssertCloseToSequential(v, x.Select(a => a * a).ToArray(), $"SumOfSquares n={n} seed={seed}");
            }
    }

    [Fact]
    public void MeanVarianceMatchesTwinAtEveryLength()
    {
        foreach (int n in TestData.Lengths())
            foreach (double rate in SpecialRates)
            {
                int seed = 4000 + n;
                var rng = new Random(seed);
                var xd = TestData.Doubles(rng, n, rate);
                var xf = TestData.Floats(rng, n, rate);
                var vd = VectorKernels.MeanVariance(xd);
                var sd = ScalarKernels.MeanVariance(xd);
                var vf = VectorKernels.MeanVariance(xf);
                var sf = ScalarKernels.MeanVariance(xf);
                string where = $"MeanVariance n={n} seed={seed} rate={rate} [{KernelInfo.InstructionSet}]";
                if (!(TestData.SameValue(vd.Mean, sd.Mean) && TestData.SameValue(vd.Variance, sd.Variance))) Assert.Fail($"{where} double: vector {vd} twin {sd}");
                if (!(TestData.SameValue(vf.Mean, sf.Mean) && TestData.SameValue(vf.Variance, sf.Variance))) Assert.Fail($"{where} float: vector {vf} twin {sf}");
                if (n == 0) Assert.True(double.IsNaN(vd.Mean) && double.IsNaN(vd.Variance), where);
                if (rate > 0 && xd.Any(double.IsNaN)) { if (!(double.IsNaN(vd.Mean) && double.IsNaN(vd.Variance))) Assert.Fail($"{where}: NaN in, {vd} out"); }
                if (rate == 0 && n > 0)
                {
                    double mean = xd.Sum() / n;
                    double variance = xd.Sum(a => (a - mean) * (a - mean)) / n;
                    if (!(Math.Abs(vd.Mean - mean) <= 1e-13 * (1 + xd.Sum(Math.Abs) / n))) Assert.Fail($"{where}: mean {vd.Mean:R} vs {mean:R}");
                    if (!(Math.Abs(vd.Variance - variance) <= 1e-12 * (1 + variance))) Assert.Fail($"{where}: variance {vd.Variance:R} vs {variance:R}");
                }
            }
    }

    [Fact]
    public void DotIsTheSameOnEveryRun()
    {
        var rng = new Random(77);
        var x = TestData.Doubles(rng, 4099);
        var y = TestData.Doubles(rng, 4099);
        double first = VectorKernels.Dot(x, y);
        for (int run = 0; run < 20; run++) Assert.Equal(BitConverter.DoubleToInt64Bits(first), BitConverter.DoubleToInt64Bits(VectorKernels.Dot(x, y)));
    }

    [Fact]
    public void DotRejectsDifferentLengths()
    {
        var e = Assert.Throws<ArgumentException>(() => VectorKernels.Dot(new double[3], new double[4]));
        Assert.Equal("y", e.ParamName);
    }

    /// <summary>|fixed-order - left-to-right| &lt;= 2 n eps sum|t_i|: both are within n eps sum|t_i| of the exact sum.</summary>
    private static void AssertCloseToSequential(double value, double[] terms, string where)
    {
        double sequential = 0, magnitude = 0;
        foreach (double t in terms) { sequential += t; magnitude += Math.Abs(t); }
        double tolerance = 2 * (terms.Length + 1) * 1.1102230246251565e-16 * magnitude;
        if (!(Math.Abs(value - sequential) <= tolerance)) Assert.Fail($"{where}: fixed order {value:R}, left-to-right {sequential:R}, tolerance {tolerance:R}");
    }
}
