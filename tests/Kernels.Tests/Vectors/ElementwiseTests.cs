using GrnFast.Kernels.Vectors;

namespace GrnFast.Kernels.Tests.Vectors;

/// <summary>Element-wise kernels give their scalar twin's bits at every length; NaN in gives NaN out at the same positions.</summary>
public class ElementwiseTests
{
    private const double SpecialRate = 0.03;

    [Fact]
    public void AxpyMatchesTwin()
    {
        foreach (int n in TestData.Lengths())
        {
            int seed = 5000 + n;
            var rng = new Random(seed);
            var x = TestData.Doubles(rng, n, SpecialRate);
            var y = TestData.Doubles(rng, n, SpecialRate);
            double a = rng.NextDouble() * 4 - 2;
            var yv = (double[])y.Clone();
            var ys = (double[])y.Clone();
            VectorKernels.Axpy(a, x, yv);
            ScalarKernels.Axpy(a, x, ys);
            AssertSame(yv, ys, $"Axpy n={n} seed={seed}");
            AssertNaNKept(yv, $"Axpy n={n} seed={seed}", x, y);
        }
    }

    [Fact]
    public void SoftThresholdMatchesTwin()
    {
        foreach (int n in TestData.Lengths())
        {
            int seed = 6000 + n;
            var rng = new Random(seed);
            var z = TestData.Doubles(rng, n, SpecialRate);
            // Thresholds >= 0 with specials too: +inf clamps all, NaN must propagate; -0 is a zero threshold.
            var t = Array.ConvertAll(TestData.Doubles(rng, n, SpecialRate), v => double.IsNaN(v) ? v : Math.Abs(v) * 0.5);
            var dv = new double[n];
            var ds = new double[n];
            VectorKernels.SoftThreshold(z, t, dv);
            ScalarKernels.SoftThreshold(z, t, ds);
            AssertSame(dv, ds, $"SoftThreshold n={n} seed={seed}");
            AssertNaNKept(dv, $"SoftThreshold n={n} seed={seed}", z, t);
            for (int i = 0; i < n; i++)
                if (!(TestData.SameValue(dv[i], VectorKernels.SoftThreshold(z[i], t[i])))) Assert.Fail($"SoftThreshold scalar overload n={n} seed={seed} i={i}");
        }
    }

    [Fact]
    public void SoftThresholdDefinition()
    {
        Assert.Equal(2.0, VectorKernels.SoftThreshold(3.0, 1.0));
        Assert.Equal(-2.0, VectorKernels.SoftThreshold(-3.0, 1.0));
        Assert.Equal(0.0, VectorKernels.SoftThreshold(0.5, 1.0));
        Assert.True(double.IsNaN(VectorKernels.SoftThreshold(double.NaN, 1.0)));
        Assert.True(double.IsNaN(VectorKernels.SoftThreshold(1.0, double.NaN)));
    }

    [Fact]
    public void CenterScaleMatchesTwinForEveryTypePair()
    {
        foreach (int n in TestData.Lengths())
        {
            int seed = 7000 + n;
            var rng = new Random(seed);
            var xd = TestData.Doubles(rng, n, SpecialRate);
            var xf = TestData.Floats(rng, n, SpecialRate);
            double mean = rng.NextDouble() - 0.5, scale = rng.NextDouble() * 3;
            string where = $"CenterScale n={n} seed={seed}";

            double[] v = new double[n], s = new double[n];
            VectorKernels.CenterScale(xd, mean, scale, v);
            ScalarKernels.CenterScale(xd, mean, scale, s);
            AssertSame(v, s, where + " double->double");
            AssertNaNKept(v, where + " double->double", xd);

            VectorKernels.CenterScale(xf, mean, scale, v);
            ScalarKernels.CenterScale(xf, mean, scale, s);
            AssertSame(v, s, where + " float->double");

            float[] vf = new float[n], sf = new float[n];
            VectorKernels.CenterScale(xf, mean, scale, vf);
            ScalarKernels.CenterScale(xf, mean, scale, sf);
            int i = TestData.FirstDifference(vf, sf);
            if (i >= 0) Assert.Fail($"{where} float->float [{KernelInfo.InstructionSet}]: first difference at {i}");

            VectorKernels.CenterScale(xd, mean, scale, vf);
            ScalarKernels.CenterScale(xd, mean, scale, sf);
            i = TestData.FirstDifference(vf, sf);
            if (i >= 0) Assert.Fail($"{where} double->float [{KernelInfo.InstructionSet}]: first difference at {i}");
            for (int k = 0; k < n; k++) if (double.IsNaN(xd[k])) { if (!float.IsNaN(vf[k])) Assert.Fail($"{where}: NaN in at {k}, {vf[k]} out"); }
        }
    }

    [Fact]
    public void ElementwiseKernelsRejectShortDestinations()
    {
        Assert.Equal("dest", Assert.Throws<ArgumentException>(() => VectorKernels.SoftThreshold(new double[4], new double[4], new double[3])).ParamName);
        Assert.Equal("t", Assert.Throws<ArgumentException>(() => VectorKernels.SoftThreshold(new double[4], new double[3], new double[4])).ParamName);
        Assert.Equal("dest", Assert.Throws<ArgumentException>(() => VectorKernels.CenterScale(new float[4], 0, 1, new float[3])).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => VectorKernels.Axpy(1, new double[4], new double[5])).ParamName);
    }

    private static void AssertSame(double[] vector, double[] twin, string where)
    {
        int i = TestData.FirstDifference(vector, twin);
        Assert.True(i < 0, i < 0 ? "" : $"{where} [{KernelInfo.InstructionSet}]: first difference at {i}: vector {vector[i]:R} twin {twin[i]:R}");
    }

    /// <summary>Every position holding NaN in any input holds NaN in the output.</summary>
    private static void AssertNaNKept(double[] output, string where, params double[][] inputs)
    {
        foreach (var input in inputs)
            for (int i = 0; i < input.Length; i++)
                if (double.IsNaN(input[i])) { if (!double.IsNaN(output[i])) Assert.Fail($"{where}: NaN in at {i}, {output[i]:R} out"); }
    }
}
