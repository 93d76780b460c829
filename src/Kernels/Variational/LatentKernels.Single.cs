using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Kernels.Variational;

/// <summary>
/// The float overloads' cores: eight elements per vector in float arithmetic, exp and the logistic in float
/// (<see cref="Elementary.Exp(Vector256{float})"/>); every product and sum in the order of the double cores, with
/// the double arguments (factor, c0, weights) rounded to float once. Sums (KL, the cross term) widen each term to
/// double and keep the double cores' 8-lane order. Their twins are <see cref="LatentScalarKernels"/>' float overloads.
/// </summary>
public static partial class LatentKernels
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load(ref float source, nuint i) => Vector256.LoadUnsafe(ref source, i);

    /// <summary>Adds the eight float terms into the double lanes (term i into lane i mod 8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(Vector256<float> terms, ref Vector256<double> lower, ref Vector256<double> upper)
    {
        var (l, u) = Vector256.Widen(terms);
        lower += l;
        upper += u;
    }

    private static void SampleSigmoidProductSingle(ReadOnlySpan<float> muA, ReadOnlySpan<float> lsA, ReadOnlySpan<float> epsA,
        ReadOnlySpan<float> muB, ReadOnlySpan<float> lsB, ReadOnlySpan<float> epsB, Span<float> a, Span<float> b, Span<float> v, Span<float> stdA, Span<float> stdB)
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
        ref float ma = ref MemoryMarshal.GetReference(muA), la = ref MemoryMarshal.GetReference(lsA), ea = ref MemoryMarshal.GetReference(epsA);
        ref float mb = ref MemoryMarshal.GetReference(muB), lb = ref MemoryMarshal.GetReference(lsB), eb = ref MemoryMarshal.GetReference(epsB);
        ref float ar = ref MemoryMarshal.GetReference(a), br = ref MemoryMarshal.GetReference(b), vr = ref MemoryMarshal.GetReference(v);
        ref float sa = ref MemoryMarshal.GetReference(stdA), sb = ref MemoryMarshal.GetReference(stdB);
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                var s = Elementary.Exp(Load(ref la, i));
                var t = Elementary.Exp(Load(ref lb, i));
                s.StoreUnsafe(ref sa, i);
                t.StoreUnsafe(ref sb, i);
                var av = Elementary.Sigmoid(Load(ref ma, i) + s * Load(ref ea, i));
                var bv = Load(ref mb, i) + t * Load(ref eb, i);
                av.StoreUnsafe(ref ar, i);
                bv.StoreUnsafe(ref br, i);
                (av * bv).StoreUnsafe(ref vr, i);
            }
        }
        for (; i < n; i++)
        {
            float s = Elementary.Exp(Unsafe.Add(ref la, i)), t = Elementary.Exp(Unsafe.Add(ref lb, i));
            Unsafe.Add(ref sa, i) = s;
            Unsafe.Add(ref sb, i) = t;
            float av = Elementary.Sigmoid(Unsafe.Add(ref ma, i) + s * Unsafe.Add(ref ea, i));
            float bv = Unsafe.Add(ref mb, i) + t * Unsafe.Add(ref eb, i);
            Unsafe.Add(ref ar, i) = av;
            Unsafe.Add(ref br, i) = bv;
            Unsafe.Add(ref vr, i) = av * bv;
        }
    }

    private static void SampleScaledLogNormalSingle(ReadOnlySpan<float> mu, ReadOnlySpan<float> ls, ReadOnlySpan<float> eps, ReadOnlySpan<float> d,
        Span<float> u, Span<float> du, Span<float> std)
    {
        int length = mu.Length;
        KernelArguments.SameLength(length, ls.Length, nameof(ls));
        KernelArguments.SameLength(length, eps.Length, nameof(eps));
        KernelArguments.SameLength(length, d.Length, nameof(d));
        KernelArguments.SameLength(length, u.Length, nameof(u));
        KernelArguments.SameLength(length, du.Length, nameof(du));
        KernelArguments.SameLength(length, std.Length, nameof(std));
        nuint n = (nuint)length, i = 0;
        ref float mr = ref MemoryMarshal.GetReference(mu), lr = ref MemoryMarshal.GetReference(ls), er = ref MemoryMarshal.GetReference(eps);
        ref float dr = ref MemoryMarshal.GetReference(d), ur = ref MemoryMarshal.GetReference(u), dur = ref MemoryMarshal.GetReference(du);
        ref float sr = ref MemoryMarshal.GetReference(std);
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                var s = Elementary.Exp(Load(ref lr, i));
                s.StoreUnsafe(ref sr, i);
                var uv = Elementary.Exp(Load(ref mr, i) + s * Load(ref er, i));
                uv.StoreUnsafe(ref ur, i);
                (Load(ref dr, i) * uv).StoreUnsafe(ref dur, i);
            }
        }
        for (; i < n; i++)
        {
            float s = Elementary.Exp(Unsafe.Add(ref lr, i));
            Unsafe.Add(ref sr, i) = s;
            float uv = Elementary.Exp(Unsafe.Add(ref mr, i) + s * Unsafe.Add(ref er, i));
            Unsafe.Add(ref ur, i) = uv;
            Unsafe.Add(ref dur, i) = Unsafe.Add(ref dr, i) * uv;
        }
    }

    private static double ActivityDataGradientSingle(ReadOnlySpan<float> h, ReadOnlySpan<float> du, ReadOnlySpan<float> u, ReadOnlySpan<float> d, double factor, Span<float> dll)
    {
        int length = h.Length;
        KernelArguments.SameLength(length, du.Length, nameof(du));
        KernelArguments.SameLength(length, u.Length, nameof(u));
        KernelArguments.SameLength(length, d.Length, nameof(d));
        KernelArguments.SameLength(length, dll.Length, nameof(dll));
        nuint n = (nuint)length, i = 0;
        ref float hr = ref MemoryMarshal.GetReference(h), dur = ref MemoryMarshal.GetReference(du);
        ref float ur = ref MemoryMarshal.GetReference(u), dr = ref MemoryMarshal.GetReference(d), lr = ref MemoryMarshal.GetReference(dll);
        float f = (float)factor;
        Span<double> lanes = stackalloc double[Lanes];
        lanes.Clear();
        ref double lane = ref MemoryMarshal.GetReference(lanes);
        if (Vector256.IsHardwareAccelerated && n >= Lanes)
        {
            var fv = Vector256.Create(f);
            Vector256<double> c0 = default, c1 = default;
            for (; i + Lanes <= n; i += Lanes)
            {
                var hv = Load(ref hr, i);
                (fv * Load(ref dr, i) * hv * Load(ref ur, i)).StoreUnsafe(ref lr, i);
                // du h widened: the product of two floats is exact in double.
                var (h0, h1) = Vector256.Widen(hv);
                var (d0, d1) = Vector256.Widen(Load(ref dur, i));
                c0 += d0 * h0;
                c1 += d1 * h1;
            }
            c0.StoreUnsafe(ref lane, 0);
            c1.StoreUnsafe(ref lane, 4);
        }
        for (nuint j = i % Lanes; i < n; i++, j = (j + 1) % Lanes)
        {
            float hv = Unsafe.Add(ref hr, i);
            Unsafe.Add(ref lr, i) = f * Unsafe.Add(ref dr, i) * hv * Unsafe.Add(ref ur, i);
            Unsafe.Add(ref lane, j) += (double)Unsafe.Add(ref dur, i) * hv;
        }
        return FoldLanes(lanes);
    }

    private static void EdgeDataGradientSingle(ReadOnlySpan<float> dv, ReadOnlySpan<float> a, ReadOnlySpan<float> b, double factor, Span<float> dllA, Span<float> dllB)
    {
        int length = dv.Length;
        KernelArguments.SameLength(length, a.Length, nameof(a));
        KernelArguments.SameLength(length, b.Length, nameof(b));
        KernelArguments.SameLength(length, dllA.Length, nameof(dllA));
        KernelArguments.SameLength(length, dllB.Length, nameof(dllB));
        nuint n = (nuint)length, i = 0;
        ref float vr = ref MemoryMarshal.GetReference(dv), ar = ref MemoryMarshal.GetReference(a), br = ref MemoryMarshal.GetReference(b);
        ref float lar = ref MemoryMarshal.GetReference(dllA), lbr = ref MemoryMarshal.GetReference(dllB);
        float f = (float)factor;
        if (Vector256.IsHardwareAccelerated)
        {
            var fv = Vector256.Create(f);
            for (; i + 8 <= n; i += 8)
            {
                var g = fv * Load(ref vr, i);
                var av = Load(ref ar, i);
                (g * Load(ref br, i) * av * (Vector256<float>.One - av)).StoreUnsafe(ref lar, i);
                (g * av).StoreUnsafe(ref lbr, i);
            }
        }
        for (; i < n; i++)
        {
            float g = f * Unsafe.Add(ref vr, i), av = Unsafe.Add(ref ar, i);
            Unsafe.Add(ref lar, i) = g * Unsafe.Add(ref br, i) * av * (1 - av);
            Unsafe.Add(ref lbr, i) = g * av;
        }
    }

    /// <summary>The latent gradient's constants in float, and its per-element terms (vector and scalar, the same operations).</summary>
    private readonly struct LatentTermsSingle(double c0, double klWeight, double iv, double priorMean)
    {
        public readonly float C0 = (float)c0, Wiv = (float)(klWeight * iv), W = (float)klWeight, Iv = (float)iv, Mean = (float)priorMean;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Gradient(Vector256<float> m, Vector256<float> l, Vector256<float> s, Vector256<float> eps, Vector256<float> dl, Vector256<float> prior,
            out Vector256<float> gradMu, out Vector256<float> gradLs, ref Vector256<double> klLower, ref Vector256<double> klUpper)
        {
            var diff = m - prior;
            gradMu = Vector256.Create(C0) * (Vector256.Create(Wiv) * diff - dl);
            var s2 = s * s;
            gradLs = Vector256.Create(C0) * (Vector256.Create(W) * (s2 * Vector256.Create(Iv) - Vector256<float>.One) - dl * eps * s);
            Accumulate(Vector256.Create(0.5f) * (s2 + diff * diff) * Vector256.Create(Iv) - l, ref klLower, ref klUpper);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Gradient(float m, float l, float s, float eps, float dl, float prior, out float gradMu, out float gradLs)
        {
            float diff = m - prior;
            gradMu = C0 * (Wiv * diff - dl);
            float s2 = s * s;
            gradLs = C0 * (W * (s2 * Iv - 1) - dl * eps * s);
            return 0.5f * (s2 + diff * diff) * Iv - l;
        }
    }

    private static double LatentGradientSingle<TMean>(ReadOnlySpan<float> mu, ReadOnlySpan<float> ls, ReadOnlySpan<float> std, ReadOnlySpan<float> eps, ReadOnlySpan<float> dll,
        ReadOnlySpan<float> priorMeans, double priorMean, double priorStd, double klWeight, double c0, Span<float> gradMu, Span<float> gradLs)
        where TMean : struct, IMeanMode
    {
        int length = mu.Length;
        KernelArguments.SameLength(length, ls.Length, nameof(ls));
        KernelArguments.SameLength(length, std.Length, nameof(std));
        KernelArguments.SameLength(length, eps.Length, nameof(eps));
        KernelArguments.SameLength(length, dll.Length, nameof(dll));
        KernelArguments.SameLength(length, gradMu.Length, nameof(gradMu));
        KernelArguments.SameLength(length, gradLs.Length, nameof(gradLs));
        var k = new LatentTermsSingle(c0, klWeight, 1 / (priorStd * priorStd), priorMean);
        nuint n = (nuint)length, i = 0;
        ref float mr = ref MemoryMarshal.GetReference(mu), lr = ref MemoryMarshal.GetReference(ls), sr = ref MemoryMarshal.GetReference(std);
        ref float er = ref MemoryMarshal.GetReference(eps), dr = ref MemoryMarshal.GetReference(dll), pr = ref MemoryMarshal.GetReference(priorMeans);
        ref float gm = ref MemoryMarshal.GetReference(gradMu), gl = ref MemoryMarshal.GetReference(gradLs);
        Span<double> lanes = stackalloc double[Lanes];
        lanes.Clear();
        ref double lane = ref MemoryMarshal.GetReference(lanes);
        if (Vector256.IsHardwareAccelerated && n >= Lanes)
        {
            Vector256<double> k0 = default, k1 = default;
            for (; i + Lanes <= n; i += Lanes)
            {
                var prior = TMean.PerElement ? Load(ref pr, i) : Vector256.Create(k.Mean);
                k.Gradient(Load(ref mr, i), Load(ref lr, i), Load(ref sr, i), Load(ref er, i), Load(ref dr, i), prior, out var g0, out var g1, ref k0, ref k1);
                g0.StoreUnsafe(ref gm, i);
                g1.StoreUnsafe(ref gl, i);
            }
            k0.StoreUnsafe(ref lane, 0);
            k1.StoreUnsafe(ref lane, 4);
        }
        for (nuint j = i % Lanes; i < n; i++, j = (j + 1) % Lanes)
        {
            float prior = TMean.PerElement ? Unsafe.Add(ref pr, i) : k.Mean;
            Unsafe.Add(ref lane, j) += k.Gradient(Unsafe.Add(ref mr, i), Unsafe.Add(ref lr, i), Unsafe.Add(ref sr, i), Unsafe.Add(ref er, i), Unsafe.Add(ref dr, i), prior,
                out Unsafe.Add(ref gm, i), out Unsafe.Add(ref gl, i));
        }
        return FoldLanes(lanes) + length * (Math.Log(priorStd) - 0.5);
    }

    private static double LatentStepSingle<TMean>(Span<float> mu, Span<float> ls, ReadOnlySpan<float> std, ReadOnlySpan<float> eps, ReadOnlySpan<float> dll,
        ReadOnlySpan<float> priorMeans, double priorMean, double priorStd, double klWeight, double c0, AdamMoments<float> moments, in AdamStep step)
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
        var k = new LatentTermsSingle(c0, klWeight, 1 / (priorStd * priorStd), priorMean);
        var adam = new AdamConstants<float>(step);
        nuint n = (nuint)length, i = 0;
        ref float mr = ref MemoryMarshal.GetReference(mu), lr = ref MemoryMarshal.GetReference(ls), sr = ref MemoryMarshal.GetReference(std);
        ref float er = ref MemoryMarshal.GetReference(eps), dr = ref MemoryMarshal.GetReference(dll), pr = ref MemoryMarshal.GetReference(priorMeans);
        ref float amu = ref MemoryMarshal.GetReference(moments.MeanMu), vmu = ref MemoryMarshal.GetReference(moments.SquareMu);
        ref float als = ref MemoryMarshal.GetReference(moments.MeanLs), vls = ref MemoryMarshal.GetReference(moments.SquareLs);
        Span<double> lanes = stackalloc double[Lanes];
        lanes.Clear();
        ref double lane = ref MemoryMarshal.GetReference(lanes);
        if (Vector256.IsHardwareAccelerated && n >= Lanes)
        {
            var a = new AdamVectors<float>(adam);
            Vector256<double> k0 = default, k1 = default;
            for (; i + Lanes <= n; i += Lanes)
            {
                var prior = TMean.PerElement ? Load(ref pr, i) : Vector256.Create(k.Mean);
                k.Gradient(Load(ref mr, i), Load(ref lr, i), Load(ref sr, i), Load(ref er, i), Load(ref dr, i), prior, out var g0, out var g1, ref k0, ref k1);
                a.Step(g0, ref mr, ref amu, ref vmu, i);
                a.Step(g1, ref lr, ref als, ref vls, i);
            }
            k0.StoreUnsafe(ref lane, 0);
            k1.StoreUnsafe(ref lane, 4);
        }
        for (nuint j = i % Lanes; i < n; i++, j = (j + 1) % Lanes)
        {
            float prior = TMean.PerElement ? Unsafe.Add(ref pr, i) : k.Mean;
            Unsafe.Add(ref lane, j) += k.Gradient(Unsafe.Add(ref mr, i), Unsafe.Add(ref lr, i), Unsafe.Add(ref sr, i), Unsafe.Add(ref er, i), Unsafe.Add(ref dr, i), prior,
                out float gradMu, out float gradLs);
            adam.Apply(gradMu, ref Unsafe.Add(ref mr, i), ref Unsafe.Add(ref amu, i), ref Unsafe.Add(ref vmu, i));
            adam.Apply(gradLs, ref Unsafe.Add(ref lr, i), ref Unsafe.Add(ref als, i), ref Unsafe.Add(ref vls, i));
        }
        return FoldLanes(lanes) + length * (Math.Log(priorStd) - 0.5);
    }
}
