using CsCheck;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Kernels.Tests.Vectors;

/// <summary>
/// The twin checks again as CsCheck properties over arrays full of specials (NaN, +-inf, max, epsilon, -0):
/// a failure is shrunk to the shortest array and printed with the seed that reproduces it.
/// </summary>
public class ShrinkingPropertyTests
{
    private static readonly Gen<double[]> Pairs = Gen.Double.Special.Array[0, 600];

    [Fact]
    public void DotEqualsTwin() =>
        Pairs.Sample(xy =>
        {
            int n = xy.Length / 2;
            return TestData.SameValue(VectorKernels.Dot(xy.AsSpan(0, n), xy.AsSpan(n, n)), ScalarKernels.Dot(xy.AsSpan(0, n), xy.AsSpan(n, n)));
        }, iter: 2000);

    [Fact]
    public void SoftThresholdEqualsTwin() =>
        Pairs.Sample(zt =>
        {
            int n = zt.Length / 2;
            var z = zt.AsSpan(0, n);
            var t = zt.AsSpan(n, n).ToArray().Select(Math.Abs).ToArray();
            double[] v = new double[n], s = new double[n];
            VectorKernels.SoftThreshold(z, t, v);
            ScalarKernels.SoftThreshold(z, t, s);
            return TestData.FirstDifference(v, s) < 0;
        }, iter: 2000);

    [Fact]
    public void AxpyEqualsTwin() =>
        Gen.Select(Gen.Double.Special, Pairs).Sample((a, xy) =>
        {
            int n = xy.Length / 2;
            var x = xy.AsSpan(0, n);
            double[] v = xy.AsSpan(n, n).ToArray(), s = xy.AsSpan(n, n).ToArray();
            VectorKernels.Axpy(a, x, v);
            ScalarKernels.Axpy(a, x, s);
            return TestData.FirstDifference(v, s) < 0;
        }, iter: 2000);
}
