using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Kernels.Variational;

/// <summary>
/// Fused element-wise steps of the variational (PMF-GRN) backend, each with a plain twin in
/// <see cref="VariationalScalarKernels"/> that gives the same bits.
/// <para><b>MaskedResidual</b>: one column of the Gaussian likelihood with held-out entries. Given the data w, the mask
/// and the model mean m, it overwrites m with tau * r where r = (w - m) * mask, the likelihood's gradient with respect to
/// the mean, and returns sum r^2. Each element is computed in double (float inputs are widened, the output is rounded once);
/// the sum uses the fixed 32-lane order of <see cref="ScalarKernels"/> (term i into lane i mod 32, lanes folded by halving).</para>
/// <para><b>AddProducts</b>: sum += x o y in double, the per-cell sums over regulators of the depth's gradient.</para>
/// <para><b>Adam</b>: one Adam step with element-wise gradient clamping (Pyro's ClippedAdam), in the state's precision:
/// g = min(max(g, -clip), clip); m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= step * m / (sqrt(v) * vScale + eps),
/// where step = lr / (1 - b1^t) and vScale = 1 / sqrt(1 - b2^t).</para>
/// </summary>
public static class VariationalKernels
{
    private const int Lanes = 32;

    /// <summary>r_i = (w_i - m_i) * mask_i; m_i = tau * r_i; returns sum r_i^2.</summary>
    public static double MaskedResidual(ReadOnlySpan<double> w, ReadOnlySpan<double> mask, Span<double> m, double tau)
    {
        KernelArguments.SameLength(w.Length, mask.Length, nameof(mask));
        return ResidualCore(w, mask, m, tau);
    }

    /// <inheritdoc cref="MaskedResidual(ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double}, double)"/>
    public static double MaskedResidual(ReadOnlySpan<float> w, ReadOnlySpan<float> mask, Span<float> m, double tau)
    {
        KernelArguments.SameLength(w.Length, mask.Length, nameof(mask));
        return ResidualCore(w, mask, m, tau);
    }

    private static double ResidualCore<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> mask, Span<T> m, double tau) where T : unmanaged
    {
        KernelArguments.SameLength(w.Length, m.Length, nameof(m));
        nuint n = (nuint)w.Length;
        ref T ws = ref MemoryMarshal.GetReference(w);
        ref T ks = ref MemoryMarshal.GetReference(mask);
        ref T ms = ref MemoryMarshal.GetReference(m);
        Span<double> lanes = stackalloc double[Lanes];
        lanes.Clear();
        ref double lane = ref MemoryMarshal.GetReference(lanes);
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated && n >= Lanes)
        {
            var t = Vector256.Create(tau);
            Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector256<double> a4 = default, a5 = default, a6 = default, a7 = default;
            for (; i + Lanes <= n; i += Lanes)
            {
                Step<T>(ref ws, ref ks, ref ms, i, t, ref a0, ref a1);
                Step<T>(ref ws, ref ks, ref ms, i + 8, t, ref a2, ref a3);
                Step<T>(ref ws, ref ks, ref ms, i + 16, t, ref a4, ref a5);
                Step<T>(ref ws, ref ks, ref ms, i + 24, t, ref a6, ref a7);
            }
            a0.StoreUnsafe(ref lane, 0);
            a1.StoreUnsafe(ref lane, 4);
            a2.StoreUnsafe(ref lane, 8);
            a3.StoreUnsafe(ref lane, 12);
            a4.StoreUnsafe(ref lane, 16);
            a5.StoreUnsafe(ref lane, 20);
            a6.StoreUnsafe(ref lane, 24);
            a7.StoreUnsafe(ref lane, 28);
        }
        for (nuint j = 0; i < n; i++, j = (j + 1) % Lanes)
        {
            double r = WideningLoads.ToDouble(Unsafe.Add(ref ws, i)) - WideningLoads.ToDouble(Unsafe.Add(ref ms, i));
            r *= WideningLoads.ToDouble(Unsafe.Add(ref ks, i));
            Unsafe.Add(ref lane, j) += r * r;
            Unsafe.Add(ref ms, i) = WideningLoads.FromDouble<T>(r * tau);
        }
        return Fold(lanes);
    }

    /// <summary>Elements [at, at + 8): residual into m, squares into the lanes held by acc0 (first 4) and acc1 (next 4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<T>(ref T ws, ref T ks, ref T ms, nuint at, Vector256<double> tau, ref Vector256<double> acc0, ref Vector256<double> acc1)
        where T : unmanaged
    {
        WideningLoads.Load256(ref ws, at, out var w0, out var w1);
        WideningLoads.Load256(ref ms, at, out var m0, out var m1);
        var r0 = w0 - m0;
        var r1 = w1 - m1;
        WideningLoads.Load256(ref ks, at, out var k0, out var k1);
        r0 *= k0;
        r1 *= k1;
        acc0 += r0 * r0;
        acc1 += r1 * r1;
        WideningLoads.Store256(r0 * tau, r1 * tau, ref ms, at);
    }

    /// <summary>sum_i += x_i * y_i, each product and sum in double (float input widened exactly).</summary>
    public static void AddProducts(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> sum) => AddProductsCore(x, y, sum);

    /// <inheritdoc cref="AddProducts(ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double})"/>
    public static void AddProducts(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<double> sum) => AddProductsCore(x, y, sum);

    private static void AddProductsCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<double> sum) where T : unmanaged
    {
        KernelArguments.SameLength(x.Length, y.Length, nameof(y));
        KernelArguments.SameLength(x.Length, sum.Length, nameof(sum));
        nuint n = (nuint)x.Length, i = 0;
        ref T xr = ref MemoryMarshal.GetReference(x), yr = ref MemoryMarshal.GetReference(y);
        ref double sr = ref MemoryMarshal.GetReference(sum);
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                WideningLoads.Load256(ref xr, i, out var x0, out var x1);
                WideningLoads.Load256(ref yr, i, out var y0, out var y1);
                (Vector256.LoadUnsafe(ref sr, i) + x0 * y0).StoreUnsafe(ref sr, i);
                (Vector256.LoadUnsafe(ref sr, i + 4) + x1 * y1).StoreUnsafe(ref sr, i + 4);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref sr, i) += WideningLoads.ToDouble(Unsafe.Add(ref xr, i)) * WideningLoads.ToDouble(Unsafe.Add(ref yr, i));
    }

    /// <summary>One clipped Adam step over p, m, v with gradient g (all the same length); see the class summary.</summary>
    public static void Adam(Span<double> p, Span<double> m, Span<double> v, ReadOnlySpan<double> g, in AdamStep s) => AdamCore(p, m, v, g, s);

    /// <summary>
    /// The same step on float state in float arithmetic (the step's constants rounded to float), as a float32 optimiser
    /// takes it: the square root and the division are the step's cost, and in float a vector holds twice the elements.
    /// </summary>
    public static void Adam(Span<float> p, Span<float> m, Span<float> v, ReadOnlySpan<float> g, in AdamStep s) => AdamCore(p, m, v, g, s);

    private static void AdamCore<T>(Span<T> p, Span<T> m, Span<T> v, ReadOnlySpan<T> g, in AdamStep s)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        KernelArguments.SameLength(p.Length, m.Length, nameof(m));
        KernelArguments.SameLength(p.Length, v.Length, nameof(v));
        KernelArguments.SameLength(p.Length, g.Length, nameof(g));
        nuint n = (nuint)p.Length;
        ref T ps = ref MemoryMarshal.GetReference(p);
        ref T mv = ref MemoryMarshal.GetReference(m);
        ref T vv = ref MemoryMarshal.GetReference(v);
        ref T gs = ref MemoryMarshal.GetReference(g);
        var c = new AdamConstants<T>(s);
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var a = new AdamVectors<T>(c);
            for (; i + (nuint)Vector256<T>.Count <= n; i += (nuint)Vector256<T>.Count)
                a.Step(Vector256.LoadUnsafe(ref gs, i), ref ps, ref mv, ref vv, i);
        }
        for (; i < n; i++)
            c.Apply(Unsafe.Add(ref gs, i), ref Unsafe.Add(ref ps, i), ref Unsafe.Add(ref mv, i), ref Unsafe.Add(ref vv, i));
    }

    internal static double Fold(Span<double> lanes)
    {
        for (int half = Lanes / 2; half >= 1; half /= 2)
            for (int j = 0; j < half; j++) lanes[j] += lanes[j + half];
        return lanes[0];
    }
}

/// <summary>
/// Adam's moment estimates of one latent block's mu and ls (same length as the block), updated in place by
/// <see cref="LatentKernels.LatentStep(Span{double}, Span{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, double, double, double, double, AdamMoments{double}, in AdamStep)"/>.
/// </summary>
public readonly ref struct AdamMoments<T>(Span<T> meanMu, Span<T> squareMu, Span<T> meanLs, Span<T> squareLs)
{
    public Span<T> MeanMu { get; } = meanMu;
    public Span<T> SquareMu { get; } = squareMu;
    public Span<T> MeanLs { get; } = meanLs;
    public Span<T> SquareLs { get; } = squareLs;
}

/// <summary>An <see cref="AdamStep"/>'s constants in the state's precision (1 - beta taken in double, then rounded), and the step on one element.</summary>
internal readonly struct AdamConstants<T>(AdamStep s) where T : IBinaryFloatingPointIeee754<T>
{
    public T Clip { get; } = T.CreateChecked(s.Clip);
    public T Beta1 { get; } = T.CreateChecked(s.Beta1);
    public T OneMinusBeta1 { get; } = T.CreateChecked(1 - s.Beta1);
    public T Beta2 { get; } = T.CreateChecked(s.Beta2);
    public T OneMinusBeta2 { get; } = T.CreateChecked(1 - s.Beta2);
    public T Step { get; } = T.CreateChecked(s.Step);
    public T VScale { get; } = T.CreateChecked(s.VScale);
    public T Epsilon { get; } = T.CreateChecked(s.Epsilon);

    /// <summary>g clipped; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= step m / (sqrt(v) vScale + eps).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(T g, ref T p, ref T m, ref T v)
    {
        T gi = T.Min(T.Max(g, -Clip), Clip);
        T mi = Beta1 * m + OneMinusBeta1 * gi;
        T vi = Beta2 * v + OneMinusBeta2 * (gi * gi);
        m = mi;
        v = vi;
        p -= Step * mi / (T.Sqrt(vi) * VScale + Epsilon);
    }
}

/// <summary><see cref="AdamConstants{T}"/> as vectors, and the same step on a vector of elements (lane by lane the scalar step's operations).</summary>
internal readonly struct AdamVectors<T>(AdamConstants<T> c) where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Vector256<T> _lo = Vector256.Create(-c.Clip), _hi = Vector256.Create(c.Clip);
    private readonly Vector256<T> _b1 = Vector256.Create(c.Beta1), _c1 = Vector256.Create(c.OneMinusBeta1);
    private readonly Vector256<T> _b2 = Vector256.Create(c.Beta2), _c2 = Vector256.Create(c.OneMinusBeta2);
    private readonly Vector256<T> _step = Vector256.Create(c.Step), _vScale = Vector256.Create(c.VScale), _eps = Vector256.Create(c.Epsilon);

    /// <summary>The step on elements [i, i + Vector256&lt;T&gt;.Count) of p, m, v with gradient g.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Step(Vector256<T> g, ref T p, ref T m, ref T v, nuint i)
    {
        var gi = Vector256.Min(Vector256.Max(g, _lo), _hi);
        var mi = _b1 * Vector256.LoadUnsafe(ref m, i) + _c1 * gi;
        var vi = _b2 * Vector256.LoadUnsafe(ref v, i) + _c2 * (gi * gi);
        mi.StoreUnsafe(ref m, i);
        vi.StoreUnsafe(ref v, i);
        (Vector256.LoadUnsafe(ref p, i) - _step * mi / (Vector256.Sqrt(vi) * _vScale + _eps)).StoreUnsafe(ref p, i);
    }
}

/// <summary>
/// The constants of one Adam step t (1-based): clip (element-wise gradient bound), beta1, beta2, epsilon,
/// Step = lr / (1 - beta1^t) and VScale = 1 / sqrt(1 - beta2^t).
/// </summary>
public readonly record struct AdamStep(double Clip, double Beta1, double Beta2, double Epsilon, double Step, double VScale)
{
    public static AdamStep At(int t, double learningRate, double beta1, double beta2, double epsilon, double clip)
        => new(clip, beta1, beta2, epsilon, learningRate / (1 - Math.Pow(beta1, t)), 1 / Math.Sqrt(1 - Math.Pow(beta2, t)));
}
