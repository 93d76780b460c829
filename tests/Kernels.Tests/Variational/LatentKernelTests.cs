using System.Runtime.Intrinsics;
using GrnFast.Kernels.Variational;

namespace GrnFast.Kernels.Tests.Variational;

/// <summary>The latent kernels give their scalar twins' bits at every length, with NaN/inf/-0 at random positions; exp is accurate.</summary>
public class LatentKernelTests
{
    private const double SpecialRate = 0.03;

    /// <summary>Log standard deviations, means and noise in the ranges a fit visits, with specials.</summary>
    private static double[] Values(Random rng, int n, double scale)
    {
        var x = TestData.Doubles(rng, n, SpecialRate);
        for (int i = 0; i < n; i++) x[i] *= scale;
        return x;
    }

    private static float[] F(double[] x) => Array.ConvertAll(x, v => (float)v);

    private static float[] Floats(int n) => new float[n];

    [Fact]
    public void ExpMatchesTheLibraryWithinTwoUlpAndHandlesTheEdges()
    {
        var rng = new Random(500);
        for (int i = 0; i < 200_000; i++)
        {
            double x = i < 100_000 ? rng.NextDouble() * 1400 - 700 : rng.NextDouble() * 40 - 20;
            double e = Math.Exp(x), got = Elementary.Exp(x);
            Assert.True(Math.Abs(got - e) <= 2 * Math.BitIncrement(e) - 2 * e + 1e-300 || Math.Abs(got - e) <= 2.5e-16 * e, $"exp({x:R}) = {got:R}, library {e:R}");
            var v = Elementary.Exp(Vector256.Create(x, -x, x * 0.5, 0));
            Assert.Equal(got, v[0]);
            Assert.Equal(Elementary.Exp(-x), v[1]);
            Assert.Equal(Elementary.Exp(x * 0.5), v[2]);
            Assert.Equal(1.0, v[3]);
        }
        Assert.Equal(1.0, Elementary.Exp(0.0));
        Assert.Equal(1.0, Elementary.Exp(-0.0));
        Assert.Equal(Math.E, Elementary.Exp(1.0), 1e-15);
        Assert.Equal(double.PositiveInfinity, Elementary.Exp(710.0));
        Assert.Equal(double.PositiveInfinity, Elementary.Exp(double.PositiveInfinity));
        Assert.Equal(0.0, Elementary.Exp(-709.0));
        Assert.Equal(0.0, Elementary.Exp(double.NegativeInfinity));
        Assert.True(double.IsNaN(Elementary.Exp(double.NaN)));
        Assert.True(Elementary.Exp(709.08) is > 8e307 and < double.MaxValue);
        Assert.True(Elementary.Exp(-708.39) is > 2e-308 and < 3e-308);
        var edges = Elementary.Exp(Vector256.Create(double.PositiveInfinity, double.NegativeInfinity, double.NaN, 709.08));
        Assert.Equal(double.PositiveInfinity, edges[0]);
        Assert.Equal(0.0, edges[1]);
        Assert.True(double.IsNaN(edges[2]));
        Assert.Equal(Elementary.Exp(709.08), edges[3]);
        Assert.Equal(0.5, Elementary.Sigmoid(0.0));
        Assert.Equal(1.0, Elementary.Sigmoid(800.0));
        Assert.Equal(0.0, Elementary.Sigmoid(-800.0));
        Assert.Equal(1 / (1 + Math.Exp(-2.5)), Elementary.Sigmoid(2.5), 1e-15);
    }

    /// <summary>Relative distance in float ulps (at the exact value's binade) for normal results.</summary>
    private static double FloatUlps(float got, double exact) => Math.Abs(got - exact) / ((double)MathF.BitIncrement((float)exact) - (float)exact);

    [Fact]
    public void FloatExpIsWithinTwoUlpAndVectorEqualsScalar()
    {
        var rng = new Random(501);
        for (int i = 0; i < 200_000; i++)
        {
            float x = i < 100_000 ? (float)(rng.NextDouble() * 180 - 90) : (float)(rng.NextDouble() * 40 - 20);
            double e = Math.Exp(x);
            float got = Elementary.Exp(x);
            if (e > 1.2e-38 && e < 1.7e38) Assert.True(FloatUlps(got, e) <= 2, $"exp({x:R}) = {got:R}, exact {e:R}");
            var v = Elementary.Exp(Vector256.Create(x, -x, x * 0.5f, 0f, x * 0.25f, -x * 0.5f, 1f, -1f));
            Assert.Equal(got, v[0]);
            Assert.Equal(Elementary.Exp(-x), v[1]);
            Assert.Equal(Elementary.Exp(x * 0.5f), v[2]);
            Assert.Equal(1f, v[3]);
            Assert.Equal(Elementary.Exp(x * 0.25f), v[4]);
            Assert.Equal(Elementary.Exp(-x * 0.5f), v[5]);
            Assert.Equal(Elementary.Sigmoid(x), (Vector256<float>.One / (Vector256<float>.One + Elementary.Exp(Vector256.Create(-x))))[0]);
        }
        Assert.Equal(float.PositiveInfinity, Elementary.Exp(89f));
        Assert.Equal(float.PositiveInfinity, Elementary.Exp(float.PositiveInfinity));
        Assert.Equal(0f, Elementary.Exp(-88f));
        Assert.Equal(0f, Elementary.Exp(float.NegativeInfinity));
        Assert.True(float.IsNaN(Elementary.Exp(float.NaN)));
        var edges = Elementary.Exp(Vector256.Create(float.PositiveInfinity, float.NegativeInfinity, float.NaN, 88f, -87f, 89f, -88f, 0f));
        Assert.Equal(float.PositiveInfinity, edges[0]);
        Assert.Equal(0f, edges[1]);
        Assert.True(float.IsNaN(edges[2]));
        Assert.Equal(Elementary.Exp(88f), edges[3]);
        Assert.Equal(Elementary.Exp(-87f), edges[4]);
        Assert.Equal(float.PositiveInfinity, edges[5]);
        Assert.Equal(0f, edges[6]);
        Assert.Equal(0.5f, Elementary.Sigmoid(0f));
        Assert.Equal(1f, Elementary.Sigmoid(100f));
        Assert.Equal(0f, Elementary.Sigmoid(-100f));
    }

    /// <summary>Float results against the double twin on the same (widened) inputs, where both are finite and not tiny.</summary>
    private static void AssertCloseToDouble(float[] got, double[] expected, double relative, string what)
    {
        for (int i = 0; i < got.Length; i++)
        {
            double e = expected[i];
            if (!double.IsFinite(e) || Math.Abs(e) < 1e-30 || Math.Abs(e) > 1e37) continue;
            if (!(Math.Abs(got[i] - e) <= relative * Math.Abs(e))) Assert.Fail($"{what} i={i}: float {got[i]:R}, double {e:R}");
        }
    }

    [Fact]
    public void SampleSigmoidProductMatchesTwin()
    {
        foreach (int n in TestData.Lengths())
        {
            var rng = new Random(21000 + n);
            var muA = Values(rng, n, 1); var lsA = Values(rng, n, 0.3); var epsA = Values(rng, n, 0.3);
            var muB = Values(rng, n, 1); var lsB = Values(rng, n, 0.3); var epsB = Values(rng, n, 0.3);
            var (a1, b1, v1, a2, b2, v2) = (new double[n], new double[n], new double[n], new double[n], new double[n], new double[n]);
            var (sa1, sb1, sa2, sb2) = (new double[n], new double[n], new double[n], new double[n]);
            LatentKernels.SampleSigmoidProduct(muA, lsA, epsA, muB, lsB, epsB, a1, b1, v1, sa1, sb1);
            LatentScalarKernels.SampleSigmoidProduct(muA, lsA, epsA, muB, lsB, epsB, a2, b2, v2, sa2, sb2);
            Assert.Equal(-1, TestData.FirstDifference(sa1, sa2));
            Assert.Equal(-1, TestData.FirstDifference(sb1, sb2));
            for (int i = 0; i < n; i++)
                if (!TestData.SameValue(sa2[i], Elementary.Exp(lsA[i])) || !TestData.SameValue(sb2[i], Elementary.Exp(lsB[i]))) Assert.Fail($"std is exp(ls), n={n} i={i}");
            Assert.Equal(-1, TestData.FirstDifference(a1, a2));
            Assert.Equal(-1, TestData.FirstDifference(b1, b2));
            Assert.Equal(-1, TestData.FirstDifference(v1, v2));
            for (int i = 0; i < n; i++)
            {
                double x = muA[i] + Math.Exp(lsA[i]) * epsA[i];
                if (double.IsFinite(x) && Math.Abs(x) < 30)
                    Assert.True(Math.Abs(a2[i] - 1 / (1 + Math.Exp(-x))) <= 1e-15, $"sigmoid n={n} i={i}");
            }

            // Float: float arithmetic, the twin's bits, and the double computation's values to float accuracy.
            var (fa1, fb1, fv1, fa2, fb2, fv2) = (Floats(n), Floats(n), Floats(n), Floats(n), Floats(n), Floats(n));
            var (fmuA, flsA, fepsA, fmuB, flsB, fepsB) = (F(muA), F(lsA), F(epsA), F(muB), F(lsB), F(epsB));
            var (fsa1, fsb1, fsa2, fsb2) = (Floats(n), Floats(n), Floats(n), Floats(n));
            LatentKernels.SampleSigmoidProduct(fmuA, flsA, fepsA, fmuB, flsB, fepsB, fa1, fb1, fv1, fsa1, fsb1);
            LatentScalarKernels.SampleSigmoidProduct(fmuA, flsA, fepsA, fmuB, flsB, fepsB, fa2, fb2, fv2, fsa2, fsb2);
            Assert.Equal(-1, TestData.FirstDifference(fsa1, fsa2));
            Assert.Equal(-1, TestData.FirstDifference(fsb1, fsb2));
            Assert.Equal(-1, TestData.FirstDifference(fa1, fa2));
            Assert.Equal(-1, TestData.FirstDifference(fb1, fb2));
            Assert.Equal(-1, TestData.FirstDifference(fv1, fv2));
            LatentScalarKernels.SampleSigmoidProduct(Array.ConvertAll(fmuA, v => (double)v), Array.ConvertAll(flsA, v => (double)v), Array.ConvertAll(fepsA, v => (double)v),
                Array.ConvertAll(fmuB, v => (double)v), Array.ConvertAll(flsB, v => (double)v), Array.ConvertAll(fepsB, v => (double)v), a2, b2, v2, sa2, sb2);
            AssertCloseToDouble(fsa2, sa2, 4e-7, $"std a (float) n={n}");
            AssertCloseToDouble(fsb2, sb2, 4e-7, $"std b (float) n={n}");
            for (int i = 0; i < n; i++)
            {
                // a = sigmoid(mu + s eps): the float argument's rounding, relative to the size of its terms, passes to a.
                double terms = Math.Abs(fmuA[i]) + Math.Abs(sa2[i] * fepsA[i]);
                if (double.IsFinite(terms) && a2[i] > 1e-30 && !(Math.Abs(fa2[i] - a2[i]) <= 4e-7 * (1 + terms) * a2[i])) Assert.Fail($"a (float) n={n} i={i}: {fa2[i]} vs {a2[i]}");
                // b = mu + s eps and v = a b cancel where mu ~ -s eps: compare against the size of the terms.
                double scale = Math.Abs(fmuB[i]) + Math.Abs(sb2[i] * fepsB[i]);
                if (double.IsFinite(scale) && double.IsFinite(b2[i]) && !(Math.Abs(fb2[i] - b2[i]) <= 1e-6 * scale)) Assert.Fail($"b (float) n={n} i={i}: {fb2[i]} vs {b2[i]}");
                double tolerance = 4e-7 * (1 + terms) * Math.Abs(v2[i]) + 2e-6 * scale * Math.Abs(a2[i]) + 1e-38;
                if (double.IsFinite(scale) && double.IsFinite(terms) && double.IsFinite(v2[i]) && !(Math.Abs(fv2[i] - v2[i]) <= tolerance)) Assert.Fail($"v (float) n={n} i={i}: {fv2[i]} vs {v2[i]}");
            }
        }
    }

    [Fact]
    public void SampleScaledLogNormalMatchesTwin()
    {
        foreach (int n in TestData.Lengths())
        {
            var rng = new Random(22000 + n);
            var mu = Values(rng, n, 0.5); var ls = Values(rng, n, 0.3); var eps = Values(rng, n, 0.3); var d = Values(rng, n, 0.1);
            var (u1, u2, du1, du2) = (new double[n], new double[n], new double[n], new double[n]);
            var (s1, s2) = (new double[n], new double[n]);
            LatentKernels.SampleScaledLogNormal(mu, ls, eps, d, u1, du1, s1);
            LatentScalarKernels.SampleScaledLogNormal(mu, ls, eps, d, u2, du2, s2);
            Assert.Equal(-1, TestData.FirstDifference(s1, s2));
            for (int i = 0; i < n; i++)
                if (!TestData.SameValue(s2[i], Elementary.Exp(ls[i]))) Assert.Fail($"std is exp(ls), n={n} i={i}");
            Assert.Equal(-1, TestData.FirstDifference(u1, u2));
            Assert.Equal(-1, TestData.FirstDifference(du1, du2));
            var (fu1, fu2, fdu1, fdu2) = (Floats(n), Floats(n), Floats(n), Floats(n));
            var (fs1, fs2) = (Floats(n), Floats(n));
            LatentKernels.SampleScaledLogNormal(F(mu), F(ls), F(eps), F(d), fu1, fdu1, fs1);
            LatentScalarKernels.SampleScaledLogNormal(F(mu), F(ls), F(eps), F(d), fu2, fdu2, fs2);
            Assert.Equal(-1, TestData.FirstDifference(fs1, fs2));
            Assert.Equal(-1, TestData.FirstDifference(fu1, fu2));
            Assert.Equal(-1, TestData.FirstDifference(fdu1, fdu2));
            var w = (float[] f) => Array.ConvertAll(f, v => (double)v);
            LatentScalarKernels.SampleScaledLogNormal(w(F(mu)), w(F(ls)), w(F(eps)), w(F(d)), u1, du1, s1);
            AssertCloseToDouble(fs2, s1, 4e-7, $"std (float) n={n}");
            for (int i = 0; i < n; i++)
            {
                // u = exp(mu + s eps): the float argument's rounding, relative to the size of its terms, passes to u.
                double terms = Math.Abs(F(mu)[i]) + Math.Abs(s1[i] * F(eps)[i]);
                if (double.IsFinite(u1[i]) && u1[i] > 1e-30 && u1[i] < 1e37 && double.IsFinite(terms))
                    Assert.True(Math.Abs(fu2[i] - u1[i]) <= 4e-7 * (1 + terms) * u1[i], $"u (float) n={n} i={i}: {fu2[i]} vs {u1[i]}");
            }
            for (int i = 0; i < n; i++)
            {
                double x = mu[i] + Math.Exp(ls[i]) * eps[i], expected = Math.Exp(x);
                // Two exps in a row: the inner one's rounding is amplified by |x|.
                if (double.IsFinite(expected) && expected > 1e-300) Assert.True(Math.Abs(u2[i] - expected) <= 1e-15 * (2 + Math.Abs(x)) * expected, $"u n={n} i={i}: {u2[i]} vs {expected}");
            }
        }
    }

    [Fact]
    public void LatentGradientMatchesTwinAndItsDefinition()
    {
        foreach (int n in TestData.Lengths())
        {
            var rng = new Random(23000 + n);
            var mu = Values(rng, n, 1); var ls = Values(rng, n, 0.3); var eps = Values(rng, n, 0.3); var dll = Values(rng, n, 1);
            var prior = Values(rng, n, 1);
            double sigma = 0.5 + rng.NextDouble(), w = rng.NextDouble() * 2, c0 = 1e-3 * (1 + rng.NextDouble());
            var (gm1, gl1, gm2, gl2) = (new double[n], new double[n], new double[n], new double[n]);
            // The standard deviations the sampling kernels store: exp(ls), rounded to the precision.
            var std = Array.ConvertAll(ls, Elementary.Exp);
            var fstd = Array.ConvertAll(F(ls), v => (float)Elementary.Exp(v));
            double k1 = LatentKernels.LatentGradient(mu, ls, std, eps, dll, prior, sigma, w, c0, gm1, gl1);
            double k2 = LatentScalarKernels.LatentGradient(mu, ls, std, eps, dll, prior, sigma, w, c0, gm2, gl2);
            Assert.True(TestData.SameValue(k1, k2), $"KL n={n}: {k1} vs {k2}");
            Assert.Equal(-1, TestData.FirstDifference(gm1, gm2));
            Assert.Equal(-1, TestData.FirstDifference(gl1, gl2));
            double k3 = LatentKernels.LatentGradient(mu, ls, std, eps, dll, 0.25, sigma, w, c0, gm1, gl1);
            double k4 = LatentScalarKernels.LatentGradient(mu, ls, std, eps, dll, 0.25, sigma, w, c0, gm2, gl2);
            Assert.True(TestData.SameValue(k3, k4), $"KL (shared mean) n={n}: {k3} vs {k4}");
            Assert.Equal(-1, TestData.FirstDifference(gm1, gm2));
            Assert.Equal(-1, TestData.FirstDifference(gl1, gl2));
            var (fgm1, fgl1, fgm2, fgl2) = (Floats(n), Floats(n), Floats(n), Floats(n));
            double f1 = LatentKernels.LatentGradient(F(mu), F(ls), fstd, F(eps), F(dll), F(prior), sigma, w, c0, fgm1, fgl1);
            double f2 = LatentScalarKernels.LatentGradient(F(mu), F(ls), fstd, F(eps), F(dll), F(prior), sigma, w, c0, fgm2, fgl2);
            Assert.True(TestData.SameValue(f1, f2), $"KL (float) n={n}: {f1} vs {f2}");
            Assert.Equal(-1, TestData.FirstDifference(fgm1, fgm2));
            Assert.Equal(-1, TestData.FirstDifference(fgl1, fgl2));
            f1 = LatentKernels.LatentGradient(F(mu), F(ls), fstd, F(eps), F(dll), 0.25, sigma, w, c0, fgm1, fgl1);
            f2 = LatentScalarKernels.LatentGradient(F(mu), F(ls), fstd, F(eps), F(dll), 0.25, sigma, w, c0, fgm2, fgl2);
            Assert.True(TestData.SameValue(f1, f2), $"KL (float, shared mean) n={n}: {f1} vs {f2}");
            Assert.Equal(-1, TestData.FirstDifference(fgm1, fgm2));
            Assert.Equal(-1, TestData.FirstDifference(fgl1, fgl2));

            // The definition, on clean inputs: d/d mu and d/d ls of -c0 (ll(mu + s eps) - w KL), KL in closed form.
            var clean = (double[] x) => Array.ConvertAll(x, v => double.IsFinite(v) ? v : 0.1);
            (mu, ls, eps, dll, prior) = (clean(mu), clean(ls), clean(eps), clean(dll), clean(prior));
            double kl = LatentScalarKernels.LatentGradient(mu, ls, Array.ConvertAll(ls, Elementary.Exp), eps, dll, prior, sigma, w, c0, gm2, gl2), expectedKl = 0;
            for (int i = 0; i < n; i++)
            {
                double s = Math.Exp(ls[i]), diff = mu[i] - prior[i];
                expectedKl += Math.Log(sigma / s) + (s * s + diff * diff) / (2 * sigma * sigma) - 0.5;
                Assert.Equal(c0 * (-dll[i] + w * diff / (sigma * sigma)), gm2[i], 1e-12);
                Assert.Equal(c0 * (-dll[i] * eps[i] * s + w * (s * s / (sigma * sigma) - 1)), gl2[i], 1e-12);
            }
            Assert.Equal(expectedKl, kl, 1e-9 * Math.Max(1, Math.Abs(expectedKl)));
        }
    }

    /// <summary>The fused gradient and Adam step: its twin's bits, and the bits of LatentGradient then Adam on the stored (rounded) gradient.</summary>
    [Fact]
    public void LatentStepIsLatentGradientThenAdam()
    {
        foreach (int n in TestData.Lengths())
        {
            var rng = new Random(25000 + n);
            var mu = Values(rng, n, 1); var ls = Values(rng, n, 0.3); var eps = Values(rng, n, 0.3); var dll = Values(rng, n, 1);
            var prior = Values(rng, n, 1);
            var moments = Enumerable.Range(0, 4).Select(_ => Array.ConvertAll(Values(rng, n, 0.01), Math.Abs)).ToArray();
            double sigma = 0.5 + rng.NextDouble(), w = rng.NextDouble() * 2, c0 = 1e-3 * (1 + rng.NextDouble());
            var step = AdamStep.At(1 + rng.Next(50), 0.1, 0.9, 0.99, 1e-8, rng.Next(2) == 0 ? 1e-4 : double.PositiveInfinity);
            foreach (bool shared in new[] { false, true })
            {
                var means = shared ? [] : prior;
                Check(mu, ls, Array.ConvertAll(ls, Elementary.Exp), eps, dll, means, moments);
                Check(F(mu), F(ls), Array.ConvertAll(F(ls), v => (float)Elementary.Exp(v)), F(eps), F(dll), F(means), moments.Select(F).ToArray());
            }

            void Check<T>(T[] mu0, T[] ls0, T[] std, T[] eps0, T[] dll0, T[] means, T[][] m0) where T : unmanaged
            {
                var runs = new (T[] Mu, T[] Ls, T[][] M, double Kl)[3];
                for (int run = 0; run < 3; run++)
                {
                    T[] m = (T[])mu0.Clone(), l = (T[])ls0.Clone();
                    var mo = m0.Select(x => (T[])x.Clone()).ToArray();
                    double kl;
                    if (typeof(T) == typeof(double))
                    {
                        var (dm, dl, dmo) = ((double[])(object)m, (double[])(object)l, mo.Select(x => (double[])(object)x).ToArray());
                        var (ds, de, dd, dp) = ((double[])(object)std, (double[])(object)eps0, (double[])(object)dll0, (double[])(object)means);
                        var am = new AdamMoments<double>(dmo[0], dmo[1], dmo[2], dmo[3]);
                        if (run == 0) kl = LatentKernels.LatentStep(dm, dl, ds, de, dd, dp, 0.25, sigma, w, c0, am, step);
                        else if (run == 1) kl = LatentScalarKernels.LatentStep(dm, dl, ds, de, dd, dp, 0.25, sigma, w, c0, am, step);
                        else
                        {
                            var (gm, gl) = (new double[n], new double[n]);
                            kl = dp.Length == 0 && n > 0 ? LatentKernels.LatentGradient(dm, dl, ds, de, dd, 0.25, sigma, w, c0, gm, gl)
                                : LatentKernels.LatentGradient(dm, dl, ds, de, dd, dp.Length == 0 ? new double[n] : dp, sigma, w, c0, gm, gl);
                            VariationalKernels.Adam(dm, dmo[0], dmo[1], gm, step);
                            VariationalKernels.Adam(dl, dmo[2], dmo[3], gl, step);
                        }
                    }
                    else
                    {
                        var (fm, fl, fmo) = ((float[])(object)m, (float[])(object)l, mo.Select(x => (float[])(object)x).ToArray());
                        var (fs, fe, fd, fp) = ((float[])(object)std, (float[])(object)eps0, (float[])(object)dll0, (float[])(object)means);
                        var am = new AdamMoments<float>(fmo[0], fmo[1], fmo[2], fmo[3]);
                        if (run == 0) kl = LatentKernels.LatentStep(fm, fl, fs, fe, fd, fp, 0.25, sigma, w, c0, am, step);
                        else if (run == 1) kl = LatentScalarKernels.LatentStep(fm, fl, fs, fe, fd, fp, 0.25, sigma, w, c0, am, step);
                        else
                        {
                            var (gm, gl) = (new float[n], new float[n]);
                            kl = fp.Length == 0 && n > 0 ? LatentKernels.LatentGradient(fm, fl, fs, fe, fd, 0.25, sigma, w, c0, gm, gl)
                                : LatentKernels.LatentGradient(fm, fl, fs, fe, fd, fp.Length == 0 ? new float[n] : fp, sigma, w, c0, gm, gl);
                            VariationalKernels.Adam(fm, fmo[0], fmo[1], gm, step);
                            VariationalKernels.Adam(fl, fmo[2], fmo[3], gl, step);
                        }
                    }
                    runs[run] = (m, l, mo, kl);
                }
                for (int run = 1; run < 3; run++)
                {
                    string what = $"{typeof(T).Name} n={n} shared={means.Length == 0} against {(run == 1 ? "twin" : "LatentGradient + Adam")}";
                    Assert.True(TestData.SameValue(runs[0].Kl, runs[run].Kl), $"KL {what}: {runs[0].Kl} vs {runs[run].Kl}");
                    Assert.True(runs[0].Mu.AsSpan().SequenceEqual(runs[run].Mu), $"mu {what}");
                    Assert.True(runs[0].Ls.AsSpan().SequenceEqual(runs[run].Ls), $"ls {what}");
                    for (int q = 0; q < 4; q++) Assert.True(runs[0].M[q].AsSpan().SequenceEqual(runs[run].M[q]), $"moment {q} {what}");
                }
            }
        }
    }

    [Fact]
    public void DataGradientsMatchTwins()
    {
        foreach (int n in TestData.Lengths())
        {
            var rng = new Random(24000 + n);
            var h = TestData.Doubles(rng, n, SpecialRate); var du = TestData.Doubles(rng, n, SpecialRate);
            var u = TestData.Doubles(rng, n, SpecialRate); var d = TestData.Doubles(rng, n, SpecialRate);
            double factor = rng.NextDouble() * 3;
            var (l1, l2) = (new double[n], new double[n]);
            Assert.True(TestData.SameValue(LatentKernels.ActivityDataGradient(h, du, u, d, factor, l1), LatentScalarKernels.ActivityDataGradient(h, du, u, d, factor, l2)), $"cross n={n}");
            Assert.Equal(-1, TestData.FirstDifference(l1, l2));
            for (int i = 0; i < n; i++)
                if (!TestData.SameValue(l2[i], factor * d[i] * h[i] * u[i])) Assert.Fail($"activity definition n={n} i={i}");
            var (hf, duf, uf, df) = (F(h), F(du), F(u), F(d));
            var (fl1, fl2) = (Floats(n), Floats(n));
            Assert.True(TestData.SameValue(LatentKernels.ActivityDataGradient(hf, duf, uf, df, factor, fl1), LatentScalarKernels.ActivityDataGradient(hf, duf, uf, df, factor, fl2)), $"cross (float) n={n}");
            Assert.Equal(-1, TestData.FirstDifference(fl1, fl2));
            for (int i = 0; i < n; i++)
                if (!TestData.SameValue(fl2[i], (float)factor * df[i] * hf[i] * uf[i])) Assert.Fail($"activity definition (float) n={n} i={i}");

            var a = TestData.Doubles(rng, n, SpecialRate); var b = TestData.Doubles(rng, n, SpecialRate);
            var (a1, b1, a2, b2) = (new double[n], new double[n], new double[n], new double[n]);
            LatentKernels.EdgeDataGradient(h, a, b, factor, a1, b1);
            LatentScalarKernels.EdgeDataGradient(h, a, b, factor, a2, b2);
            Assert.Equal(-1, TestData.FirstDifference(a1, a2));
            Assert.Equal(-1, TestData.FirstDifference(b1, b2));
            for (int i = 0; i < n; i++)
            {
                double g = factor * h[i];
                if (!TestData.SameValue(a2[i], g * b[i] * a[i] * (1 - a[i])) || !TestData.SameValue(b2[i], g * a[i])) Assert.Fail($"edge definition n={n} i={i}");
            }
            var (af, bf) = (F(a), F(b));
            var (fa1, fb1, fa2, fb2) = (Floats(n), Floats(n), Floats(n), Floats(n));
            LatentKernels.EdgeDataGradient(hf, af, bf, factor, fa1, fb1);
            LatentScalarKernels.EdgeDataGradient(hf, af, bf, factor, fa2, fb2);
            Assert.Equal(-1, TestData.FirstDifference(fa1, fa2));
            Assert.Equal(-1, TestData.FirstDifference(fb1, fb2));
            for (int i = 0; i < n; i++)
            {
                float g = (float)factor * hf[i];
                if (!TestData.SameValue(fa2[i], g * bf[i] * af[i] * (1 - af[i])) || !TestData.SameValue(fb2[i], g * af[i]))
                    Assert.Fail($"edge definition (float) n={n} i={i}");
            }
        }
    }
}
