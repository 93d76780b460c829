using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Kernels.Variational;

/// <summary>
/// Fused element-wise passes over the Gaussian latents of the variational (PMF-GRN) backend, one pass per latent block,
/// each with a plain twin in <see cref="LatentScalarKernels"/> that gives the same bits. Every span of one call holds the
/// same precision, float or double (the fit's work precision). Double spans are computed in double; float spans in
/// float arithmetic with a float exp and logistic (<see cref="Elementary.Exp(float)"/>, 2.5x the elements per second of
/// the double exp), as a float32 fit in PyTorch computes; the sums (KL, cross term) are taken in double in both. A latent is
/// x = mu + exp(ls) * eps (reparameterised draw with log standard deviation ls and standard-normal noise eps).
/// <para>exp is <see cref="Elementary.Exp(Vector256{double})"/> in the kernels and <see cref="Elementary.Exp(double)"/> in
/// their twins and tails: the same operations lane by lane, so the two agree to the bit.</para>
/// <para><b>SampleSigmoidProduct</b> (edge probability and strength): a = sigmoid(x_a), b = x_b, v = a * b.</para>
/// <para><b>SampleScaledLogNormal</b> (activity times depth): u = exp(x_u), du = d * u.</para>
/// <para>Both also store each latent's standard deviation s = exp(ls), which <b>LatentGradient</b> reads back instead of
/// taking the exponential again (exp is the costliest step of these passes).</para>
/// <para><b>LatentGradient</b>: for a latent with prior N(m, sigma^2), d ll / d x given as dll, and the KL weighted by w,
/// gradMu = c0 * (-dll + w * (mu - m) / sigma^2), gradLs = c0 * (-dll * eps * s + w * (s^2 / sigma^2 - 1)) with
/// s = exp(ls) (given); returns sum KL(q || p) = sum (log sigma - ls + (s^2 + (mu - m)^2) / (2 sigma^2) - 1/2), the per-element
/// terms summed in the fixed order of 8 lanes (term i into lane i mod 8, lanes folded by halving, then the constant
/// n * (log sigma - 1/2) added).</para>
/// </summary>
public static partial class LatentKernels
{
    internal const int Lanes = 8;

    /// <summary>a = sigmoid(muA + exp(lsA) epsA), b = muB + exp(lsB) epsB, v = a * b.</summary>
    public static void SampleSigmoidProduct(ReadOnlySpan<double> muA, ReadOnlySpan<double> lsA, ReadOnlySpan<double> epsA,
        ReadOnlySpan<double> muB, ReadOnlySpan<double> lsB, ReadOnlySpan<double> epsB, Span<double> a, Span<double> b, Span<double> v, Span<double> stdA, Span<double> stdB)
        => SampleSigmoidProductCore(muA, lsA, epsA, muB, lsB, epsB, a, b, v, stdA, stdB);

    /// <inheritdoc cref="SampleSigmoidProduct(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double}, Span{double}, Span{double}, Span{double}, Span{double})"/>
    public static void SampleSigmoidProduct(ReadOnlySpan<float> muA, ReadOnlySpan<float> lsA, ReadOnlySpan<float> epsA,
        ReadOnlySpan<float> muB, ReadOnlySpan<float> lsB, ReadOnlySpan<float> epsB, Span<float> a, Span<float> b, Span<float> v, Span<float> stdA, Span<float> stdB)
        => SampleSigmoidProductSingle(muA, lsA, epsA, muB, lsB, epsB, a, b, v, stdA, stdB);

    /// <summary>u = exp(mu + exp(ls) eps), du = d * u.</summary>
    public static void SampleScaledLogNormal(ReadOnlySpan<double> mu, ReadOnlySpan<double> ls, ReadOnlySpan<double> eps, ReadOnlySpan<double> d,
        Span<double> u, Span<double> du, Span<double> std) => SampleScaledLogNormalCore(mu, ls, eps, d, u, du, std);

    /// <inheritdoc cref="SampleScaledLogNormal(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double}, Span{double}, Span{double})"/>
    public static void SampleScaledLogNormal(ReadOnlySpan<float> mu, ReadOnlySpan<float> ls, ReadOnlySpan<float> eps, ReadOnlySpan<float> d,
        Span<float> u, Span<float> du, Span<float> std) => SampleScaledLogNormalSingle(mu, ls, eps, d, u, du, std);

    /// <summary>The gradient of one latent block with a prior mean per element; see the class summary.</summary>
    public static double LatentGradient(ReadOnlySpan<double> mu, ReadOnlySpan<double> ls, ReadOnlySpan<double> std, ReadOnlySpan<double> eps, ReadOnlySpan<double> dll,
        ReadOnlySpan<double> priorMean, double priorStd, double klWeight, double c0, Span<double> gradMu, Span<double> gradLs)
    {
        KernelArguments.SameLength(mu.Length, priorMean.Length, nameof(priorMean));
        return LatentGradientCore<PerElementMean>(mu, ls, std, eps, dll, priorMean, 0, priorStd, klWeight, c0, gradMu, gradLs);
    }

    /// <inheritdoc cref="LatentGradient(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, double, double, double, Span{double}, Span{double})"/>
    public static double LatentGradient(ReadOnlySpan<float> mu, ReadOnlySpan<float> ls, ReadOnlySpan<float> std, ReadOnlySpan<float> eps, ReadOnlySpan<float> dll,
        ReadOnlySpan<float> priorMean, double priorStd, double klWeight, double c0, Span<float> gradMu, Span<float> gradLs)
    {
        KernelArguments.SameLength(mu.Length, priorMean.Length, nameof(priorMean));
        return LatentGradientSingle<PerElementMean>(mu, ls, std, eps, dll, priorMean, 0, priorStd, klWeight, c0, gradMu, gradLs);
    }

    /// <summary>The gradient of one latent block with one prior mean; see the class summary.</summary>
    public static double LatentGradient(ReadOnlySpan<double> mu, ReadOnlySpan<double> ls, ReadOnlySpan<double> std, ReadOnlySpan<double> eps, ReadOnlySpan<double> dll,
        double priorMean, double priorStd, double klWeight, double c0, Span<double> gradMu, Span<double> gradLs)
        => LatentGradientCore<SharedMean>(mu, ls, std, eps, dll, default, priorMean, priorStd, klWeight, c0, gradMu, gradLs);

    /// <inheritdoc cref="LatentGradient(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, double, double, double, double, Span{double}, Span{double})"/>
    public static double LatentGradient(ReadOnlySpan<float> mu, ReadOnlySpan<float> ls, ReadOnlySpan<float> std, ReadOnlySpan<float> eps, ReadOnlySpan<float> dll,
        double priorMean, double priorStd, double klWeight, double c0, Span<float> gradMu, Span<float> gradLs)
        => LatentGradientSingle<SharedMean>(mu, ls, std, eps, dll, default, priorMean, priorStd, klWeight, c0, gradMu, gradLs);

    /// <summary>
    /// <see cref="LatentGradient(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, double, double, double, Span{double}, Span{double})"/>
    /// followed by the clipped Adam step (<see cref="VariationalKernels.Adam(Span{double}, Span{double}, Span{double}, ReadOnlySpan{double}, in AdamStep)"/>)
    /// on mu and ls, in one pass: the same bits as the two kernels in turn, but the gradient (rounded to the precision, as
    /// the stored gradient would be) never leaves the registers. The prior mean is per element, or
    /// <paramref name="priorMean"/> for all when <paramref name="priorMeans"/> is empty. Returns the KL sum.
    /// </summary>
    public static double LatentStep(Span<double> mu, Span<double> ls, ReadOnlySpan<double> std, ReadOnlySpan<double> eps, ReadOnlySpan<double> dll,
        ReadOnlySpan<double> priorMeans, double priorMean, double priorStd, double klWeight, double c0, AdamMoments<double> moments, in AdamStep step)
        => priorMeans.IsEmpty
            ? LatentStepCore<SharedMean>(mu, ls, std, eps, dll, priorMeans, priorMean, priorStd, klWeight, c0, moments, step)
            : LatentStepCore<PerElementMean>(mu, ls, std, eps, dll, priorMeans, priorMean, priorStd, klWeight, c0, moments, step);

    /// <inheritdoc cref="LatentStep(Span{double}, Span{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, double, double, double, double, AdamMoments{double}, in AdamStep)"/>
    public static double LatentStep(Span<float> mu, Span<float> ls, ReadOnlySpan<float> std, ReadOnlySpan<float> eps, ReadOnlySpan<float> dll,
        ReadOnlySpan<float> priorMeans, double priorMean, double priorStd, double klWeight, double c0, AdamMoments<float> moments, in AdamStep step)
        => priorMeans.IsEmpty
            ? LatentStepSingle<SharedMean>(mu, ls, std, eps, dll, priorMeans, priorMean, priorStd, klWeight, c0, moments, step)
            : LatentStepSingle<PerElementMean>(mu, ls, std, eps, dll, priorMeans, priorMean, priorStd, klWeight, c0, moments, step);

    /// <summary>
    /// The data term of the log activities' gradient: dll_i = factor * d_i * h_i * u_i (h = d ll / d (d U) before
    /// <paramref name="factor"/>); returns sum du_i * h_i in the fixed 8-lane order (the cross term of the Gram-form
    /// likelihood).
    /// </summary>
    public static double ActivityDataGradient(ReadOnlySpan<double> h, ReadOnlySpan<double> du, ReadOnlySpan<double> u, ReadOnlySpan<double> d, double factor, Span<double> dll)
        => ActivityDataGradientCore(h, du, u, d, factor, dll);

    /// <inheritdoc cref="ActivityDataGradient(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, double, Span{double})"/>
    public static double ActivityDataGradient(ReadOnlySpan<float> h, ReadOnlySpan<float> du, ReadOnlySpan<float> u, ReadOnlySpan<float> d, double factor, Span<float> dll)
        => ActivityDataGradientSingle(h, du, u, d, factor, dll);

    /// <summary>
    /// The data terms of the edge latents' gradients from d ll / d V (dv, before <paramref name="factor"/>):
    /// dllA_i = factor * dv_i * b_i * a_i * (1 - a_i) (through the sigmoid) and dllB_i = factor * dv_i * a_i.
    /// </summary>
    public static void EdgeDataGradient(ReadOnlySpan<double> dv, ReadOnlySpan<double> a, ReadOnlySpan<double> b, double factor, Span<double> dllA, Span<double> dllB)
        => EdgeDataGradientCore(dv, a, b, factor, dllA, dllB);

    /// <inheritdoc cref="EdgeDataGradient(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, double, Span{double}, Span{double})"/>
    public static void EdgeDataGradient(ReadOnlySpan<float> dv, ReadOnlySpan<float> a, ReadOnlySpan<float> b, double factor, Span<float> dllA, Span<float> dllB)
        => EdgeDataGradientSingle(dv, a, b, factor, dllA, dllB);

    private static double ActivityDataGradientCore(ReadOnlySpan<double> h, ReadOnlySpan<double> du, ReadOnlySpan<double> u, ReadOnlySpan<double> d, double factor, Span<double> dll)
    {
        int length = h.Length;
        KernelArguments.SameLength(length, du.Length, nameof(du));
        KernelArguments.SameLength(length, u.Length, nameof(u));
        KernelArguments.SameLength(length, d.Length, nameof(d));
        KernelArguments.SameLength(length, dll.Length, nameof(dll));
        nuint n = (nuint)length, i = 0;
        ref double hr = ref MemoryMarshal.GetReference(h), dur = ref MemoryMarshal.GetReference(du);
        ref double ur = ref MemoryMarshal.GetReference(u), dr = ref MemoryMarshal.GetReference(d), lr = ref MemoryMarshal.GetReference(dll);
        Span<double> lanes = stackalloc double[Lanes];
        lanes.Clear();
        ref double lane = ref MemoryMarshal.GetReference(lanes);
        if (Vector256.IsHardwareAccelerated && n >= Lanes)
        {
            var f = Vector256.Create(factor);
            Vector256<double> c0 = default, c1 = default;
            for (; i + Lanes <= n; i += Lanes)
            {
                WideningLoads.Load256(ref hr, i, out var h0, out var h1);
                WideningLoads.Load256(ref dur, i, out var du0, out var du1);
                WideningLoads.Load256(ref ur, i, out var u0, out var u1);
                WideningLoads.Load256(ref dr, i, out var d0, out var d1);
                WideningLoads.Store256(f * d0 * h0 * u0, f * d1 * h1 * u1, ref lr, i);
                c0 += du0 * h0;
                c1 += du1 * h1;
            }
            c0.StoreUnsafe(ref lane, 0);
            c1.StoreUnsafe(ref lane, 4);
        }
        for (nuint j = i % Lanes; i < n; i++, j = (j + 1) % Lanes)
        {
            double hv = Unsafe.Add(ref hr, i);
            Unsafe.Add(ref lr, i) = factor * Unsafe.Add(ref dr, i) * hv * Unsafe.Add(ref ur, i);
            Unsafe.Add(ref lane, j) += Unsafe.Add(ref dur, i) * hv;
        }
        return FoldLanes(lanes);
    }

    private static void EdgeDataGradientCore(ReadOnlySpan<double> dv, ReadOnlySpan<double> a, ReadOnlySpan<double> b, double factor, Span<double> dllA, Span<double> dllB)
    {
        int length = dv.Length;
        KernelArguments.SameLength(length, a.Length, nameof(a));
        KernelArguments.SameLength(length, b.Length, nameof(b));
        KernelArguments.SameLength(length, dllA.Length, nameof(dllA));
        KernelArguments.SameLength(length, dllB.Length, nameof(dllB));
        nuint n = (nuint)length, i = 0;
        ref double vr = ref MemoryMarshal.GetReference(dv), ar = ref MemoryMarshal.GetReference(a), br = ref MemoryMarshal.GetReference(b);
        ref double lar = ref MemoryMarshal.GetReference(dllA), lbr = ref MemoryMarshal.GetReference(dllB);
        if (Vector256.IsHardwareAccelerated)
        {
            var f = Vector256.Create(factor);
            for (; i + 8 <= n; i += 8)
            {
                WideningLoads.Load256(ref vr, i, out var v0, out var v1);
                WideningLoads.Load256(ref ar, i, out var a0, out var a1);
                WideningLoads.Load256(ref br, i, out var b0, out var b1);
                var g0 = f * v0;
                var g1 = f * v1;
                WideningLoads.Store256(g0 * b0 * a0 * (Vector256<double>.One - a0), g1 * b1 * a1 * (Vector256<double>.One - a1), ref lar, i);
                WideningLoads.Store256(g0 * a0, g1 * a1, ref lbr, i);
            }
        }
        for (; i < n; i++)
        {
            double g = factor * Unsafe.Add(ref vr, i), av = Unsafe.Add(ref ar, i);
            Unsafe.Add(ref lar, i) = g * Unsafe.Add(ref br, i) * av * (1 - av);
            Unsafe.Add(ref lbr, i) = g * av;
        }
    }

    private interface IMeanMode { static abstract bool PerElement { get; } }
    private struct PerElementMean : IMeanMode { public static bool PerElement => true; }
    private struct SharedMean : IMeanMode { public static bool PerElement => false; }

    private static void SampleSigmoidProductCore(ReadOnlySpan<double> muA, ReadOnlySpan<double> lsA, ReadOnlySpan<double> epsA,
        ReadOnlySpan<double> muB, ReadOnlySpan<double> lsB, ReadOnlySpan<double> epsB, Span<double> a, Span<double> b, Span<double> v, Span<double> stdA, Span<double> stdB)
    {
        int length = muA.Length;
        KernelArguments.SameLength(length, lsA.Length, nameof(lsA));
        KernelArguments.SameLength(length, epsA.Length, nameof(epsA));
        KernelArguments.SameLength(length, muB.Length, nameof(muB));
        KernelArguments.SameLength(length, lsB.Length, nameof(lsB));
        KernelArguments.SameLength(length, epsB.Length, nameof(epsB));
        KernelArguments.SameLength(length, a.Length, nameof(a));
        KernelArguments.SameLength(length, b.Length, nameof(b));
        KernelArguments.SameLength(length, v.Length, nameof(v));
        KernelArguments.SameLength(length, stdA.Length, nameof(stdA));
        KernelArguments.SameLength(length, stdB.Length, nameof(stdB));
        nuint n = (nuint)length, i = 0;
        ref double sa = ref MemoryMarshal.GetReference(stdA), sb = ref MemoryMarshal.GetReference(stdB);
        ref double ma = ref MemoryMarshal.GetReference(muA), la = ref MemoryMarshal.GetReference(lsA), ea = ref MemoryMarshal.GetReference(epsA);
        ref double mb = ref MemoryMarshal.GetReference(muB), lb = ref MemoryMarshal.GetReference(lsB), eb = ref MemoryMarshal.GetReference(epsB);
        ref double ar = ref MemoryMarshal.GetReference(a), br = ref MemoryMarshal.GetReference(b), vr = ref MemoryMarshal.GetReference(v);
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                Draw(ref ma, ref la, ref ea, ref sa, i, out var x0, out var x1);
                Draw(ref mb, ref lb, ref eb, ref sb, i, out var b0, out var b1);
                var a0 = Elementary.Sigmoid(x0);
                var a1 = Elementary.Sigmoid(x1);
                WideningLoads.Store256(a0, a1, ref ar, i);
                WideningLoads.Store256(b0, b1, ref br, i);
                WideningLoads.Store256(a0 * b0, a1 * b1, ref vr, i);
            }
        }
        for (; i < n; i++)
        {
            double av = Elementary.Sigmoid(Draw(ref ma, ref la, ref ea, ref sa, i));
            double bv = Draw(ref mb, ref lb, ref eb, ref sb, i);
            Unsafe.Add(ref ar, i) = av;
            Unsafe.Add(ref br, i) = bv;
            Unsafe.Add(ref vr, i) = av * bv;
        }
    }

    private static void SampleScaledLogNormalCore(ReadOnlySpan<double> mu, ReadOnlySpan<double> ls, ReadOnlySpan<double> eps, ReadOnlySpan<double> d,
        Span<double> u, Span<double> du, Span<double> std)
    {
        int length = mu.Length;
        KernelArguments.SameLength(length, ls.Length, nameof(ls));
        KernelArguments.SameLength(length, eps.Length, nameof(eps));
        KernelArguments.SameLength(length, d.Length, nameof(d));
        KernelArguments.SameLength(length, u.Length, nameof(u));
        KernelArguments.SameLength(length, du.Length, nameof(du));
        KernelArguments.SameLength(length, std.Length, nameof(std));
        nuint n = (nuint)length, i = 0;
        ref double sr = ref MemoryMarshal.GetReference(std);
        ref double mr = ref MemoryMarshal.GetReference(mu), lr = ref MemoryMarshal.GetReference(ls), er = ref MemoryMarshal.GetReference(eps);
        ref double dr = ref MemoryMarshal.GetReference(d), ur = ref MemoryMarshal.GetReference(u), dur = ref MemoryMarshal.GetReference(du);
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                Draw(ref mr, ref lr, ref er, ref sr, i, out var x0, out var x1);
                var u0 = Elementary.Exp(x0);
                var u1 = Elementary.Exp(x1);
                WideningLoads.Store256(u0, u1, ref ur, i);
                WideningLoads.Load256(ref dr, i, out var d0, out var d1);
                WideningLoads.Store256(d0 * u0, d1 * u1, ref dur, i);
            }
        }
        for (; i < n; i++)
        {
            double uv = Elementary.Exp(Draw(ref mr, ref lr, ref er, ref sr, i));
            Unsafe.Add(ref ur, i) = uv;
            Unsafe.Add(ref dur, i) = Unsafe.Add(ref dr, i) * uv;
        }
    }

    private static double LatentGradientCore<TMean>(ReadOnlySpan<double> mu, ReadOnlySpan<double> ls, ReadOnlySpan<double> std, ReadOnlySpan<double> eps, ReadOnlySpan<double> dll,
        ReadOnlySpan<double> priorMeans, double priorMean, double priorStd, double klWeight, double c0, Span<double> gradMu, Span<double> gradLs)
        where TMean : struct, IMeanMode
    {
        int length = mu.Length;
        KernelArguments.SameLength(length, ls.Length, nameof(ls));
        KernelArguments.SameLength(length, std.Length, nameof(std));
        KernelArguments.SameLength(length, eps.Length, nameof(eps));
        KernelArguments.SameLength(length, dll.Length, nameof(dll));
        KernelArguments.SameLength(length, gradMu.Length, nameof(gradMu));
        KernelArguments.SameLength(length, gradLs.Length, nameof(gradLs));
        double iv = 1 / (priorStd * priorStd), wiv = klWeight * iv;
        nuint n = (nuint)length, i = 0;
        ref double mr = ref MemoryMarshal.GetReference(mu), lr = ref MemoryMarshal.GetReference(ls), er = ref MemoryMarshal.GetReference(eps);
        ref double sr = ref MemoryMarshal.GetReference(std);
        ref double dr = ref MemoryMarshal.GetReference(dll), pr = ref MemoryMarshal.GetReference(priorMeans);
        ref double gm = ref MemoryMarshal.GetReference(gradMu), gl = ref MemoryMarshal.GetReference(gradLs);
        Span<double> lanes = stackalloc double[Lanes];
        lanes.Clear();
        ref double lane = ref MemoryMarshal.GetReference(lanes);
        if (Vector256.IsHardwareAccelerated && n >= Lanes)
        {
            var k = new LatentTerms(c0, klWeight, iv, priorMean);
            Vector256<double> k0 = default, k1 = default;
            for (; i + Lanes <= n; i += Lanes)
            {
                WideningLoads.Load256(ref mr, i, out var m0, out var m1);
                WideningLoads.Load256(ref lr, i, out var l0, out var l1);
                WideningLoads.Load256(ref sr, i, out var s0, out var s1);
                WideningLoads.Load256(ref er, i, out var e0, out var e1);
                WideningLoads.Load256(ref dr, i, out var d0, out var d1);
                Vector256<double> p0 = k.PriorMean, p1 = k.PriorMean;
                if (TMean.PerElement) WideningLoads.Load256(ref pr, i, out p0, out p1);
                k.Gradient(m0, l0, s0, e0, d0, p0, out var gm0, out var gl0, ref k0);
                k.Gradient(m1, l1, s1, e1, d1, p1, out var gm1, out var gl1, ref k1);
                WideningLoads.Store256(gm0, gm1, ref gm, i);
                WideningLoads.Store256(gl0, gl1, ref gl, i);
            }
            k0.StoreUnsafe(ref lane, 0);
            k1.StoreUnsafe(ref lane, 4);
        }
        for (nuint j = i % Lanes; i < n; i++, j = (j + 1) % Lanes)
        {
            double m = Unsafe.Add(ref mr, i), l = Unsafe.Add(ref lr, i), s = Unsafe.Add(ref sr, i);
            double diff = m - (TMean.PerElement ? Unsafe.Add(ref pr, i) : priorMean);
            double dl = Unsafe.Add(ref dr, i), s2 = s * s;
            Unsafe.Add(ref gm, i) = c0 * (wiv * diff - dl);
            Unsafe.Add(ref gl, i) = c0 * (klWeight * (s2 * iv - 1) - dl * Unsafe.Add(ref er, i) * s);
            Unsafe.Add(ref lane, j) += 0.5 * (s2 + diff * diff) * iv - l;
        }
        return FoldLanes(lanes) + length * (Math.Log(priorStd) - 0.5);
    }

    private static double LatentStepCore<TMean>(Span<double> mu, Span<double> ls, ReadOnlySpan<double> std, ReadOnlySpan<double> eps, ReadOnlySpan<double> dll,
        ReadOnlySpan<double> priorMeans, double priorMean, double priorStd, double klWeight, double c0, AdamMoments<double> moments, in AdamStep step)
        where TMean : struct, IMeanMode
    {
        int length = mu.Length;
        KernelArguments.SameLength(length, ls.Length, nameof(ls));
        KernelArguments.SameLength(length, std.Length, nameof(std));
        KernelArguments.SameLength(length, eps.Length, nameof(eps));
        KernelArguments.SameLength(length, dll.Length, nameof(dll));
        if (TMean.PerElement) KernelArguments.SameLength(length, priorMeans.Length, nameof(priorMeans));
        KernelArguments.SameLength(length, moments.MeanMu.Length, nameof(moments));
        KernelArguments.SameLength(length, moments.SquareMu.Length, nameof(moments));
        KernelArguments.SameLength(length, moments.MeanLs.Length, nameof(moments));
        KernelArguments.SameLength(length, moments.SquareLs.Length, nameof(moments));
        double iv = 1 / (priorStd * priorStd), wiv = klWeight * iv;
        var adam = new AdamConstants<double>(step);
        nuint n = (nuint)length, i = 0;
        ref double mr = ref MemoryMarshal.GetReference(mu), lr = ref MemoryMarshal.GetReference(ls), er = ref MemoryMarshal.GetReference(eps);
        ref double sr = ref MemoryMarshal.GetReference(std);
        ref double dr = ref MemoryMarshal.GetReference(dll), pr = ref MemoryMarshal.GetReference(priorMeans);
        ref double amu = ref MemoryMarshal.GetReference(moments.MeanMu), vmu = ref MemoryMarshal.GetReference(moments.SquareMu);
        ref double als = ref MemoryMarshal.GetReference(moments.MeanLs), vls = ref MemoryMarshal.GetReference(moments.SquareLs);
        Span<double> lanes = stackalloc double[Lanes];
        lanes.Clear();
        ref double lane = ref MemoryMarshal.GetReference(lanes);
        if (Vector256.IsHardwareAccelerated && n >= Lanes)
        {
            var k = new LatentTerms(c0, klWeight, iv, priorMean);
            var a = new AdamVectors<double>(adam);
            Vector256<double> k0 = default, k1 = default;
            for (; i + Lanes <= n; i += Lanes)
            {
                WideningLoads.Load256(ref mr, i, out var m0, out var m1);
                WideningLoads.Load256(ref lr, i, out var l0, out var l1);
                WideningLoads.Load256(ref sr, i, out var s0, out var s1);
                WideningLoads.Load256(ref er, i, out var e0, out var e1);
                WideningLoads.Load256(ref dr, i, out var d0, out var d1);
                Vector256<double> p0 = k.PriorMean, p1 = k.PriorMean;
                if (TMean.PerElement) WideningLoads.Load256(ref pr, i, out p0, out p1);
                k.Gradient(m0, l0, s0, e0, d0, p0, out var gm0, out var gl0, ref k0);
                k.Gradient(m1, l1, s1, e1, d1, p1, out var gm1, out var gl1, ref k1);
                a.Step(gm0, ref mr, ref amu, ref vmu, i);
                a.Step(gm1, ref mr, ref amu, ref vmu, i + 4);
                a.Step(gl0, ref lr, ref als, ref vls, i);
                a.Step(gl1, ref lr, ref als, ref vls, i + 4);
            }
            k0.StoreUnsafe(ref lane, 0);
            k1.StoreUnsafe(ref lane, 4);
        }
        for (nuint j = i % Lanes; i < n; i++, j = (j + 1) % Lanes)
        {
            double m = Unsafe.Add(ref mr, i), l = Unsafe.Add(ref lr, i), s = Unsafe.Add(ref sr, i);
            double diff = m - (TMean.PerElement ? Unsafe.Add(ref pr, i) : priorMean);
            double dl = Unsafe.Add(ref dr, i), s2 = s * s;
            double gradMu = c0 * (wiv * diff - dl);
            double gradLs = c0 * (klWeight * (s2 * iv - 1) - dl * Unsafe.Add(ref er, i) * s);
            Unsafe.Add(ref lane, j) += 0.5 * (s2 + diff * diff) * iv - l;
            adam.Apply(gradMu, ref Unsafe.Add(ref mr, i), ref Unsafe.Add(ref amu, i), ref Unsafe.Add(ref vmu, i));
            adam.Apply(gradLs, ref Unsafe.Add(ref lr, i), ref Unsafe.Add(ref als, i), ref Unsafe.Add(ref vls, i));
        }
        return FoldLanes(lanes) + length * (Math.Log(priorStd) - 0.5);
    }

    /// <summary>The constants of <see cref="LatentGradient(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, double, double, double, double, Span{double}, Span{double})"/> as vectors, and its per-element step.</summary>
    private readonly struct LatentTerms(double c0, double klWeight, double iv, double priorMean)
    {
        private readonly Vector256<double> _c0 = Vector256.Create(c0), _wiv = Vector256.Create(klWeight * iv), _w = Vector256.Create(klWeight);
        private readonly Vector256<double> _iv = Vector256.Create(iv), _half = Vector256.Create(0.5);
        public Vector256<double> PriorMean { get; } = Vector256.Create(priorMean);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Gradient(Vector256<double> m, Vector256<double> l, Vector256<double> s, Vector256<double> eps, Vector256<double> dl, Vector256<double> prior,
            out Vector256<double> gradMu, out Vector256<double> gradLs, ref Vector256<double> kl)
        {
            var diff = m - prior;
            gradMu = _c0 * (_wiv * diff - dl);
            var s2 = s * s;
            gradLs = _c0 * (_w * (s2 * _iv - Vector256<double>.One) - dl * eps * s);
            kl += _half * (s2 + diff * diff) * _iv - l;
        }
    }

    /// <summary>Elements [i, i + 8) of mu + s eps with s = exp(ls), s stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Draw(ref double mu, ref double ls, ref double eps, ref double std, nuint i, out Vector256<double> lower, out Vector256<double> upper)
    {
        WideningLoads.Load256(ref mu, i, out var m0, out var m1);
        WideningLoads.Load256(ref ls, i, out var l0, out var l1);
        WideningLoads.Load256(ref eps, i, out var e0, out var e1);
        var s0 = Elementary.Exp(l0);
        var s1 = Elementary.Exp(l1);
        WideningLoads.Store256(s0, s1, ref std, i);
        lower = m0 + s0 * e0;
        upper = m1 + s1 * e1;
    }

    /// <summary>Element i of mu + s eps with s = exp(ls), s stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Draw(ref double mu, ref double ls, ref double eps, ref double std, nuint i)
    {
        double s = Elementary.Exp(Unsafe.Add(ref ls, i));
        Unsafe.Add(ref std, i) = s;
        return Unsafe.Add(ref mu, i) + s * Unsafe.Add(ref eps, i);
    }

    internal static double FoldLanes(Span<double> lanes)
    {
        for (int half = Lanes / 2; half >= 1; half /= 2)
            for (int j = 0; j < half; j++) lanes[j] += lanes[j + half];
        return lanes[0];
    }
}
