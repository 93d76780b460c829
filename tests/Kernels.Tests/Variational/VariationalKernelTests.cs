using GrnFast.Kernels.Variational;

namespace GrnFast.Kernels.Tests.Variational;

/// <summary>The variational kernels give their scalar twins' bits at every length, with NaN/inf/-0 at random positions.</summary>
public class VariationalKernelTests
{
    private const double SpecialRate = 0.03;

    [Fact]
    public void MaskedResidualMatchesTwin()
    {
        foreach (int n in TestData.Lengths())
        {
            var rng = new Random(13000 + n);
            var w = TestData.Doubles(rng, n, SpecialRate);
            var m = TestData.Doubles(rng, n, SpecialRate);
            var mask = new double[n];
            for (int i = 0; i < n; i++) mask[i] = rng.Next(3) == 0 ? 0 : 1;
            double tau = rng.NextDouble() * 3;
            var mv = (double[])m.Clone();
            var ms = (double[])m.Clone();
            Assert.True(TestData.SameValue(VariationalKernels.MaskedResidual(w, mask, mv, tau), VariationalScalarKernels.MaskedResidual(w, mask, ms, tau)), $"MaskedResidual sum n={n}");
            Assert.Equal(-1, TestData.FirstDifference(mv, ms));

            var wf = Array.ConvertAll(w, v => (float)v);
            var mf = Array.ConvertAll(m, v => (float)v);
            var kf = Array.ConvertAll(mask, v => (float)v);
            var mfv = (float[])mf.Clone();
            var mfs = (float[])mf.Clone();
            Assert.True(TestData.SameValue(VariationalKernels.MaskedResidual(wf, kf, mfv, tau), VariationalScalarKernels.MaskedResidual(wf, kf, mfs, tau)), $"MaskedResidual(float) sum n={n}");
            Assert.Equal(-1, TestData.FirstDifference(mfv, mfs));

            // Finite masked-out entries contribute nothing.
            var clean = Array.ConvertAll(w, v => double.IsFinite(v) ? v : 0.0);
            var cm = Array.ConvertAll(m, v => double.IsFinite(v) ? v : 0.0);
            double expected = 0;
            for (int i = 0; i < n; i++) if (mask[i] == 1) expected += (clean[i] - cm[i]) * (clean[i] - cm[i]);
            double got = VariationalKernels.MaskedResidual(clean, mask, (double[])cm.Clone(), tau);
            Assert.True(Math.Abs(got - expected) <= 1e-12 * Math.Max(1, expected), $"MaskedResidual value n={n}: {got} vs {expected}");
        }
    }

    [Fact]
    public void AddProductsMatchesTwin()
    {
        foreach (int n in TestData.Lengths())
        {
            var rng = new Random(15000 + n);
            var x = TestData.Doubles(rng, n, SpecialRate);
            var y = TestData.Doubles(rng, n, SpecialRate);
            var start = TestData.Doubles(rng, n, SpecialRate);
            double[] s1 = (double[])start.Clone(), s2 = (double[])start.Clone();
            VariationalKernels.AddProducts(x, y, s1);
            VariationalScalarKernels.AddProducts(x, y, s2);
            Assert.Equal(-1, TestData.FirstDifference(s1, s2));
            float[] xf = Array.ConvertAll(x, v => (float)v), yf = Array.ConvertAll(y, v => (float)v);
            s1 = (double[])start.Clone(); s2 = (double[])start.Clone();
            VariationalKernels.AddProducts(xf, yf, s1);
            VariationalScalarKernels.AddProducts(xf, yf, s2);
            Assert.Equal(-1, TestData.FirstDifference(s1, s2));
            for (int i = 0; i < n; i++)
                if (!TestData.SameValue(s2[i], start[i] + (double)xf[i] * yf[i])) Assert.Fail($"AddProducts definition n={n} i={i}");
        }
    }

    [Fact]
    public void AdamMatchesTwin()
    {
        foreach (int n in TestData.Lengths())
        {
            var rng = new Random(14000 + n);
            var p = TestData.Doubles(rng, n, SpecialRate);
            var m = TestData.Doubles(rng, n, SpecialRate);
            var v = Array.ConvertAll(TestData.Doubles(rng, n, SpecialRate), x => double.IsNaN(x) ? x : Math.Abs(x));
            var g = TestData.Doubles(rng, n, SpecialRate);
            var step = AdamStep.At(1 + rng.Next(50), 0.1, 0.9, 0.99, 1e-8, rng.Next(2) == 0 ? 1e-4 : double.PositiveInfinity);
            double[] pv = (double[])p.Clone(), mv = (double[])m.Clone(), vv = (double[])v.Clone();
            double[] ps = (double[])p.Clone(), ms = (double[])m.Clone(), vs = (double[])v.Clone();
            VariationalKernels.Adam(pv, mv, vv, g, step);
            VariationalScalarKernels.Adam(ps, ms, vs, g, step);
            Assert.Equal(-1, TestData.FirstDifference(pv, ps));
            Assert.Equal(-1, TestData.FirstDifference(mv, ms));
            Assert.Equal(-1, TestData.FirstDifference(vv, vs));
            for (int i = 0; i < n; i++)
                if (double.IsNaN(g[i])) Assert.True(double.IsNaN(pv[i]) && double.IsNaN(mv[i]), $"Adam: a NaN gradient must propagate, n={n} i={i}");

            // Float state, float arithmetic: the twin's bits, and the double step's values to float accuracy.
            var f = (double[] x) => Array.ConvertAll(x, e => (float)e);
            float[] pf = f(p), mf = f(m), vf = f(v), gf = f(g), pt = f(p), mt = f(m), vt = f(v);
            VariationalKernels.Adam(pf, mf, vf, gf, step);
            VariationalScalarKernels.Adam(pt, mt, vt, gf, step);
            Assert.Equal(-1, TestData.FirstDifference(pf, pt));
            Assert.Equal(-1, TestData.FirstDifference(mf, mt));
            Assert.Equal(-1, TestData.FirstDifference(vf, vt));
            var w = (float[] x) => Array.ConvertAll(x, e => (double)e);
            double[] p0 = w(f(p)), pw = w(f(p)), mw = w(f(m)), vw = w(f(v));
            VariationalScalarKernels.Adam(pw, mw, vw, w(gf), step);
            for (int i = 0; i < n; i++)
            {
                if (!double.IsFinite(pw[i]) || !double.IsFinite(mw[i]) || !double.IsFinite(vw[i]) || Math.Abs(vw[i]) < 1e-30)
                {
                    if (double.IsNaN(pw[i]) != float.IsNaN(pf[i])) Assert.Fail($"Adam (float) NaN where double is not (or not where it is), n={n} i={i}");
                    continue;
                }
                // Relative to the terms each result sums (their cancellation is the precision's, not the kernel's).
                double scale = Math.Abs(p0[i]) + Math.Abs(pw[i] - p0[i]);
                double mScale = Math.Abs((double)(float)m[i]) + Math.Min(Math.Abs((double)gf[i]), step.Clip);
                if (Math.Abs(pf[i] - pw[i]) > 2e-6 * scale + 1e-37) Assert.Fail($"Adam (float) n={n} i={i}: {pf[i]:R} vs double {pw[i]:R}");
                if (Math.Abs(mf[i] - mw[i]) > 2e-6 * mScale + 1e-37) Assert.Fail($"Adam (float) m n={n} i={i}: {mf[i]:R} vs double {mw[i]:R}");
            }
        }
    }

    [Fact]
    public void AdamFirstStepMovesByLearningRateAgainstTheGradientSign()
    {
        // At t = 1 the bias-corrected update is lr * g / (|g| + eps): lr times the sign of the (clipped) gradient.
        double[] p = [1, 1, 1], m = new double[3], v = new double[3], g = [0.5, -2, 1e-6];
        VariationalKernels.Adam(p, m, v, g, AdamStep.At(1, 0.1, 0.9, 0.99, 1e-12, 1e-4));
        Assert.Equal(0.9, p[0], 7);
        Assert.Equal(1.1, p[1], 7);
        Assert.Equal(0.9, p[2], 6);
    }
}
