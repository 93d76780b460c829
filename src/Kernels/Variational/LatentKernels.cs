using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Kernels.Variational;

/// <summary>
/// Fused element-wise passes over the Gaussian latents of the variational (PMF-GRN) backend, one pass per latent block,
/// each with a plain twin in <see cref="LatentScalarKernels"/> that gives the same bits. A latent is
/// x = mu + exp(ls) * eps (reparameterised draw with log standard deviation ls and standard-normal noise eps).
/// <para>exp is <see cref="Elementary.Exp(Vector256{double})"/> in the kernels and <see cref="Elementary.Exp(double)"/> in
/// their twins and tails: the same operations lane by lane, so the two agree to the bit.</para>
/// <para><b>SampleSigmoidProduct</b> (edge probability and strength): a = sigmoid(x_a), b = x_b, v = a * b.</para>
/// <para><b>SampleScaledLogNormal</b> (activity times depth): u = exp(x_u), du = d * u.</para>
/// <para><b>LatentGradient</b>: for a latent with prior N(m, sigma^2), d ll / d x given as dll, and the KL weighted by w,
/// gradMu = c0 * (-dll + w * (mu - m) / sigma^2), gradLs = c0 * (-dll * eps * s + w * (s^2 / sigma^2 - 1)) with
/// s = exp(ls); returns sum KL(q || p) = sum (log sigma - ls + (s^2 + (mu - m)^2) / (2 sigma^2) - 1/2), the per-element
/// terms summed in the fixed order of 8 lanes (term i into lane i mod 8, lanes folded by halving, then the constant
/// n * (log sigma - 1/2) added).</para>
/// </summary>
public static class LatentKernels
{
    internal const int Lanes = 8;

    /// <summary>a = sigmoid(muA + exp(lsA) epsA), b = muB + exp(lsB) epsB, v = a * b (rounded once to float).</summary>
    public static void SampleSigmoidProduct(ReadOnlySpan<double> muA, ReadOnlySpan<double> lsA, ReadOnlySpan<double> epsA,
        ReadOnlySpan<double> muB, ReadOnlySpan<double> lsB, ReadOnlySpan<double> epsB, Span<double> a, Span<double> b, Span<float> v)
        => SampleSigmoidProductCore(muA, lsA, epsA, muB, lsB, epsB, a, b, v);

    /// <inheritdoc cref="SampleSigmoidProduct(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double}, Span{double}, Span{float})"/>
    public static void SampleSigmoidProduct(ReadOnlySpan<double> muA, ReadOnlySpan<double> lsA, ReadOnlySpan<double> epsA,
        ReadOnlySpan<double> muB, ReadOnlySpan<double> lsB, ReadOnlySpan<double> epsB, Span<double> a, Span<double> b, Span<double> v)
        => SampleSigmoidProductCore(muA, lsA, epsA, muB, lsB, epsB, a, b, v);

    /// <summary>u = exp(mu + exp(ls) eps), du = d * u (rounded once to float).</summary>
    public static void SampleScaledLogNormal(ReadOnlySpan<double> mu, ReadOnlySpan<double> ls, ReadOnlySpan<double> eps, ReadOnlySpan<double> d,
        Span<double> u, Span<float> du) => SampleScaledLogNormalCore(mu, ls, eps, d, u, du);

    /// <inheritdoc cref="SampleScaledLogNormal(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double}, Span{float})"/>
    public static void SampleScaledLogNormal(ReadOnlySpan<double> mu, ReadOnlySpan<double> ls, ReadOnlySpan<double> eps, ReadOnlySpan<double> d,
        Span<double> u, Span<double> du) => SampleScaledLogNormalCore(mu, ls, eps, d, u, du);

    /// <summary>The gradient of one latent block with a prior mean per element; see the class summary.</summary>
    public static double LatentGradient(ReadOnlySpan<double> mu, ReadOnlySpan<double> ls, ReadOnlySpan<double> eps, ReadOnlySpan<double> dll,
        ReadOnlySpan<double> priorMean, double priorStd, double klWeight, double c0, Span<double> gradMu, Span<double> gradLs)
    {
        KernelArguments.SameLength(mu.Length, priorMean.Length, nameof(priorMean));
        return LatentGradientCore<PerElementMean>(mu, ls, eps, dll, priorMean, 0, priorStd, klWeight, c0, gradMu, gradLs);
    }

    /// <summary>The gradient of one latent block with one prior mean; see the class summary.</summary>
    public static double LatentGradient(ReadOnlySpan<double> mu, ReadOnlySpan<double> ls, ReadOnlySpan<double> eps, ReadOnlySpan<double> dll,
        double priorMean, double priorStd, double klWeight, double c0, Span<double> gradMu, Span<double> gradLs)
        => LatentGradientCore<SharedMean>(mu, ls, eps, dll, default, priorMean, priorStd, klWeight, c0, gradMu, gradLs);

    /// <summary>
    /// The data term of the log activities' gradient: dll_i = factor * d_i * h_i * u_i (h = d ll / d (d U) before
    /// <paramref name="factor"/>); returns sum du_i * h_i in the fixed 8-lane order (the cross term of the Gram-form
    /// likelihood). h and du in float or double, widened exactly.
    /// </summary>
    public static double ActivityDataGradient(ReadOnlySpan<float> h, ReadOnlySpan<float> du, ReadOnlySpan<double> u, ReadOnlySpan<double> d, double factor, Span<double> dll)
        => ActivityDataGradientCore(h, du, u, d, factor, dll);

    /// <inheritdoc cref="ActivityDataGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{double}, ReadOnlySpan{double}, double, Span{double})"/>
    public static double ActivityDataGradient(ReadOnlySpan<double> h, ReadOnlySpan<double> du, ReadOnlySpan<double> u, ReadOnlySpan<double> d, double factor, Span<double> dll)
        => ActivityDataGradientCore(h, du, u, d, factor, dll);

    /// <summary>
    /// The data terms of the edge latents' gradients from d ll / d V (dv, before <paramref name="factor"/>):
    /// dllA_i = factor * dv_i * b_i * a_i * (1 - a_i) (through the sigmoid) and dllB_i = factor * dv_i * a_i.
    /// </summary>
    public static void EdgeDataGradient(ReadOnlySpan<float> dv, ReadOnlySpan<double> a, ReadOnlySpan<double> b, double factor, Span<double> dllA, Span<double> dllB)
        => EdgeDataGradientCore(dv, a, b, factor, dllA, dllB);

    /// <inheritdoc cref="EdgeDataGradient(ReadOnlySpan{float}, ReadOnlySpan{double}, ReadOnlySpan{double}, double, Span{double}, Span{double})"/>
    public static void EdgeDataGradient(ReadOnlySpan<double> dv, ReadOnlySpan<double> a, ReadOnlySpan<double> b, double factor, Span<double> dllA, Span<double> dllB)
        => EdgeDataGradientCore(dv, a, b, factor, dllA, dllB);

    private static double ActivityDataGradientCore<T>(ReadOnlySpan<T> h, ReadOnlySpan<T> du, ReadOnlySpan<double> u, ReadOnlySpan<double> d, double factor, Span<double> dll)
        where T : unmanaged
    {
        int length = h.Length;
        KernelArguments.SameLength(length, du.Length, nameof(du));
        KernelArguments.SameLength(length, u.Length, nameof(u));
        KernelArguments.SameLength(length, d.Length, nameof(d));
        KernelArguments.SameLength(length, dll.Length, nameof(dll));
        nuint n = (nuint)length, i = 0;
        ref T hr = ref MemoryMarshal.GetReference(h), dur = ref MemoryMarshal.GetReference(du);
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
                (f * Vector256.LoadUnsafe(ref dr, i) * h0 * Vector256.LoadUnsafe(ref ur, i)).StoreUnsafe(ref lr, i);
                (f * Vector256.LoadUnsafe(ref dr, i + 4) * h1 * Vector256.LoadUnsafe(ref ur, i + 4)).StoreUnsafe(ref lr, i + 4);
                c0 += du0 * h0;
                c1 += du1 * h1;
            }
            c0.StoreUnsafe(ref lane, 0);
            c1.StoreUnsafe(ref lane, 4);
        }
        for (nuint j = i % Lanes; i < n; i++, j = (j + 1) % Lanes)
        {
            double hv = WideningLoads.ToDouble(Unsafe.Add(ref hr, i));
            Unsafe.Add(ref lr, i) = factor * Unsafe.Add(ref dr, i) * hv * Unsafe.Add(ref ur, i);
            Unsafe.Add(ref lane, j) += WideningLoads.ToDouble(Unsafe.Add(ref dur, i)) * hv;
        }
        return FoldLanes(lanes);
    }

    private static void EdgeDataGradientCore<T>(ReadOnlySpan<T> dv, ReadOnlySpan<double> a, ReadOnlySpan<double> b, double factor, Span<double> dllA, Span<double> dllB)
        where T : unmanaged
    {
        int length = dv.Length;
        KernelArguments.SameLength(length, a.Length, nameof(a));
        KernelArguments.SameLength(length, b.Length, nameof(b));
        KernelArguments.SameLength(length, dllA.Length, nameof(dllA));
        KernelArguments.SameLength(length, dllB.Length, nameof(dllB));
        nuint n = (nuint)length, i = 0;
        ref T vr = ref MemoryMarshal.GetReference(dv);
        ref double ar = ref MemoryMarshal.GetReference(a), br = ref MemoryMarshal.GetReference(b);
        ref double lar = ref MemoryMarshal.GetReference(dllA), lbr = ref MemoryMarshal.GetReference(dllB);
        if (Vector256.IsHardwareAccelerated)
        {
            var f = Vector256.Create(factor);
            for (; i + 8 <= n; i += 8)
            {
                WideningLoads.Load256(ref vr, i, out var v0, out var v1);
                for (nuint h = 0; h < 8; h += 4)
                {
                    var g = f * (h == 0 ? v0 : v1);
                    var av = Vector256.LoadUnsafe(ref ar, i + h);
                    (g * Vector256.LoadUnsafe(ref br, i + h) * av * (Vector256<double>.One - av)).StoreUnsafe(ref lar, i + h);
                    (g * av).StoreUnsafe(ref lbr, i + h);
                }
            }
        }
        for (; i < n; i++)
        {
            double g = factor * WideningLoads.ToDouble(Unsafe.Add(ref vr, i)), av = Unsafe.Add(ref ar, i);
            Unsafe.Add(ref lar, i) = g * Unsafe.Add(ref br, i) * av * (1 - av);
            Unsafe.Add(ref lbr, i) = g * av;
        }
    }

    private interface IMeanMode { static abstract bool PerElement { get; } }
    private struct PerElementMean : IMeanMode { public static bool PerElement => true; }
    private struct SharedMean : IMeanMode { public static bool PerElement => false; }

    private static void SampleSigmoidProductCore<T>(ReadOnlySpan<double> muA, ReadOnlySpan<double> lsA, ReadOnlySpan<double> epsA,
        ReadOnlySpan<double> muB, ReadOnlySpan<double> lsB, ReadOnlySpan<double> epsB, Span<double> a, Span<double> b, Span<T> v) where T : unmanaged
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
        nuint n = (nuint)length, i = 0;
        ref double ma = ref MemoryMarshal.GetReference(muA), la = ref MemoryMarshal.GetReference(lsA), ea = ref MemoryMarshal.GetReference(epsA);
        ref double mb = ref MemoryMarshal.GetReference(muB), lb = ref MemoryMarshal.GetReference(lsB), eb = ref MemoryMarshal.GetReference(epsB);
        ref double ar = ref MemoryMarshal.GetReference(a), br = ref MemoryMarshal.GetReference(b);
        ref T vr = ref MemoryMarshal.GetReference(v);
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                var a0 = SigmoidDraw(ref ma, ref la, ref ea, i);
                var a1 = SigmoidDraw(ref ma, ref la, ref ea, i + 4);
                var b0 = Draw(ref mb, ref lb, ref eb, i);
                var b1 = Draw(ref mb, ref lb, ref eb, i + 4);
                a0.StoreUnsafe(ref ar, i); a1.StoreUnsafe(ref ar, i + 4);
                b0.StoreUnsafe(ref br, i); b1.StoreUnsafe(ref br, i + 4);
                WideningLoads.Store256(a0 * b0, a1 * b1, ref vr, i);
            }
        }
        for (; i < n; i++)
        {
            double av = Elementary.Sigmoid(Unsafe.Add(ref ma, i) + Elementary.Exp(Unsafe.Add(ref la, i)) * Unsafe.Add(ref ea, i));
            double bv = Unsafe.Add(ref mb, i) + Elementary.Exp(Unsafe.Add(ref lb, i)) * Unsafe.Add(ref eb, i);
            Unsafe.Add(ref ar, i) = av;
            Unsafe.Add(ref br, i) = bv;
            Unsafe.Add(ref vr, i) = WideningLoads.FromDouble<T>(av * bv);
        }
    }

    private static void SampleScaledLogNormalCore<T>(ReadOnlySpan<double> mu, ReadOnlySpan<double> ls, ReadOnlySpan<double> eps, ReadOnlySpan<double> d,
        Span<double> u, Span<T> du) where T : unmanaged
    {
        int length = mu.Length;
        KernelArguments.SameLength(length, ls.Length, nameof(ls));
        KernelArguments.SameLength(length, eps.Length, nameof(eps));
        KernelArguments.SameLength(length, d.Length, nameof(d));
        KernelArguments.SameLength(length, u.Length, nameof(u));
        KernelArguments.SameLength(length, du.Length, nameof(du));
        nuint n = (nuint)length, i = 0;
        ref double mr = ref MemoryMarshal.GetReference(mu), lr = ref MemoryMarshal.GetReference(ls), er = ref MemoryMarshal.GetReference(eps);
        ref double dr = ref MemoryMarshal.GetReference(d), ur = ref MemoryMarshal.GetReference(u);
        ref T dur = ref MemoryMarshal.GetReference(du);
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                var u0 = Elementary.Exp(Draw(ref mr, ref lr, ref er, i));
                var u1 = Elementary.Exp(Draw(ref mr, ref lr, ref er, i + 4));
                u0.StoreUnsafe(ref ur, i); u1.StoreUnsafe(ref ur, i + 4);
                WideningLoads.Store256(Vector256.LoadUnsafe(ref dr, i) * u0, Vector256.LoadUnsafe(ref dr, i + 4) * u1, ref dur, i);
            }
        }
        for (; i < n; i++)
        {
            double uv = Elementary.Exp(Unsafe.Add(ref mr, i) + Elementary.Exp(Unsafe.Add(ref lr, i)) * Unsafe.Add(ref er, i));
            Unsafe.Add(ref ur, i) = uv;
            Unsafe.Add(ref dur, i) = WideningLoads.FromDouble<T>(Unsafe.Add(ref dr, i) * uv);
        }
    }

    private static double LatentGradientCore<TMean>(ReadOnlySpan<double> mu, ReadOnlySpan<double> ls, ReadOnlySpan<double> eps, ReadOnlySpan<double> dll,
        ReadOnlySpan<double> priorMeans, double priorMean, double priorStd, double klWeight, double c0, Span<double> gradMu, Span<double> gradLs)
        where TMean : struct, IMeanMode
    {
        int length = mu.Length;
        KernelArguments.SameLength(length, ls.Length, nameof(ls));
        KernelArguments.SameLength(length, eps.Length, nameof(eps));
        KernelArguments.SameLength(length, dll.Length, nameof(dll));
        KernelArguments.SameLength(length, gradMu.Length, nameof(gradMu));
        KernelArguments.SameLength(length, gradLs.Length, nameof(gradLs));
        double iv = 1 / (priorStd * priorStd), wiv = klWeight * iv;
        nuint n = (nuint)length, i = 0;
        ref double mr = ref MemoryMarshal.GetReference(mu), lr = ref MemoryMarshal.GetReference(ls), er = ref MemoryMarshal.GetReference(eps);
        ref double dr = ref MemoryMarshal.GetReference(dll), pr = ref MemoryMarshal.GetReference(priorMeans);
        ref double gm = ref MemoryMarshal.GetReference(gradMu), gl = ref MemoryMarshal.GetReference(gradLs);
        Span<double> lanes = stackalloc double[Lanes];
        lanes.Clear();
        ref double lane = ref MemoryMarshal.GetReference(lanes);
        if (Vector256.IsHardwareAccelerated && n >= Lanes)
        {
            var vc0 = Vector256.Create(c0);
            var vwiv = Vector256.Create(wiv);
            var vw = Vector256.Create(klWeight);
            var viv = Vector256.Create(iv);
            var half = Vector256.Create(0.5);
            var pm = Vector256.Create(priorMean);
            Vector256<double> k0 = default, k1 = default;
            for (; i + Lanes <= n; i += Lanes)
            {
                for (nuint h = 0; h < Lanes; h += 4)
                {
                    var m = Vector256.LoadUnsafe(ref mr, i + h);
                    var l = Vector256.LoadUnsafe(ref lr, i + h);
                    var s = Elementary.Exp(l);
                    var diff = m - (TMean.PerElement ? Vector256.LoadUnsafe(ref pr, i + h) : pm);
                    var dl = Vector256.LoadUnsafe(ref dr, i + h);
                    (vc0 * (vwiv * diff - dl)).StoreUnsafe(ref gm, i + h);
                    var s2 = s * s;
                    (vc0 * (vw * (s2 * viv - Vector256<double>.One) - dl * Vector256.LoadUnsafe(ref er, i + h) * s)).StoreUnsafe(ref gl, i + h);
                    var kl = half * (s2 + diff * diff) * viv - l;
                    if (h == 0) k0 += kl; else k1 += kl;
                }
            }
            k0.StoreUnsafe(ref lane, 0);
            k1.StoreUnsafe(ref lane, 4);
        }
        for (nuint j = i % Lanes; i < n; i++, j = (j + 1) % Lanes)
        {
            double m = Unsafe.Add(ref mr, i), l = Unsafe.Add(ref lr, i), s = Elementary.Exp(l);
            double diff = m - (TMean.PerElement ? Unsafe.Add(ref pr, i) : priorMean);
            double dl = Unsafe.Add(ref dr, i), s2 = s * s;
            Unsafe.Add(ref gm, i) = c0 * (wiv * diff - dl);
            Unsafe.Add(ref gl, i) = c0 * (klWeight * (s2 * iv - 1) - dl * Unsafe.Add(ref er, i) * s);
            Unsafe.Add(ref lane, j) += 0.5 * (s2 + diff * diff) * iv - l;
        }
        return FoldLanes(lanes) + length * (Math.Log(priorStd) - 0.5);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Draw(ref double mu, ref double ls, ref double eps, nuint i)
        => Vector256.LoadUnsafe(ref mu, i) + Elementary.Exp(Vector256.LoadUnsafe(ref ls, i)) * Vector256.LoadUnsafe(ref eps, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> SigmoidDraw(ref double mu, ref double ls, ref double eps, nuint i)
        => Elementary.Sigmoid(Draw(ref mu, ref ls, ref eps, i));

    internal static double FoldLanes(Span<double> lanes)
    {
        for (int half = Lanes / 2; half >= 1; half /= 2)
            for (int j = 0; j < half; j++) lanes[j] += lanes[j + half];
        return lanes[0];
    }
}

