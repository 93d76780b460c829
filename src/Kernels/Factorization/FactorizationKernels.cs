using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GrnFast.Kernels.Factorization;

/// <summary>
/// NetREX-CF's masked element-wise kernels over a strip of edges, vectorized with Vector512/Vector256; each gives
/// the bits of its twin in <see cref="FactorizationScalarKernels"/> (see there for the notation). They fuse what
/// would otherwise be five or six passes over G x T matrices (masks, weights, targets, residual, threshold) into one.
/// Multiplies and adds are separate (never fused), in the twin's order, so every instruction set gives the same bits;
/// the loss reduction uses the fixed 32-lane order.
/// </summary>
public static partial class FactorizationKernels
{
    private const int Lanes = 32;

    /// <inheritdoc cref="FactorizationScalarKernels.CollaborativeFilterLoss"/>
    public static double CollaborativeFilterLoss(ReadOnlySpan<double> s, ReadOnlySpan<double> b, ReadOnlySpan<double> alpha,
        ReadOnlySpan<double> beta, ReadOnlySpan<double> eta, ReadOnlySpan<double> r, double lambda)
    {
        FactorizationArguments.SameLengths(s.Length, b.Length, alpha.Length, beta.Length, eta.Length, r.Length);
        ref double sr = ref MemoryMarshal.GetReference(s);
        ref double br = ref MemoryMarshal.GetReference(b);
        ref double ar = ref MemoryMarshal.GetReference(alpha);
        ref double betar = ref MemoryMarshal.GetReference(beta);
        ref double er = ref MemoryMarshal.GetReference(eta);
        ref double rr = ref MemoryMarshal.GetReference(r);
        Span<double> lanes = stackalloc double[Lanes];
        lanes.Clear();
        ref double lane = ref MemoryMarshal.GetReference(lanes);
        nuint n = (nuint)s.Length, i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Lanes)
        {
            Vector512<double> a0 = default, a1 = default, a2 = default, a3 = default;
            var vl = Vector512.Create(lambda);
            for (; i + Lanes <= n; i += Lanes)
            {
                // lane (i + k) mod 32 += w (t - r)^2 + (s0 ? eta : 0)
                a0 += Loss512(ref sr, ref br, ref ar, ref betar, ref er, ref rr, i, vl);
                a1 += Loss512(ref sr, ref br, ref ar, ref betar, ref er, ref rr, i + 8, vl);
                a2 += Loss512(ref sr, ref br, ref ar, ref betar, ref er, ref rr, i + 16, vl);
                a3 += Loss512(ref sr, ref br, ref ar, ref betar, ref er, ref rr, i + 24, vl);
            }
            a0.StoreUnsafe(ref lane, 0);
            a1.StoreUnsafe(ref lane, 8);
            a2.StoreUnsafe(ref lane, 16);
            a3.StoreUnsafe(ref lane, 24);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Lanes)
        {
            Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            var vl = Vector256.Create(lambda);
            for (; i + Lanes <= n; i += Lanes)
            {
                a0 += Loss256(ref sr, ref br, ref ar, ref betar, ref er, ref rr, i, vl);
                a1 += Loss256(ref sr, ref br, ref ar, ref betar, ref er, ref rr, i + 4, vl);
                a2 += Loss256(ref sr, ref br, ref ar, ref betar, ref er, ref rr, i + 8, vl);
                a3 += Loss256(ref sr, ref br, ref ar, ref betar, ref er, ref rr, i + 12, vl);
                a4 += Loss256(ref sr, ref br, ref ar, ref betar, ref er, ref rr, i + 16, vl);
                a5 += Loss256(ref sr, ref br, ref ar, ref betar, ref er, ref rr, i + 20, vl);
                a6 += Loss256(ref sr, ref br, ref ar, ref betar, ref er, ref rr, i + 24, vl);
                a7 += Loss256(ref sr, ref br, ref ar, ref betar, ref er, ref rr, i + 28, vl);
            }
            a0.StoreUnsafe(ref lane, 0); a1.StoreUnsafe(ref lane, 4); a2.StoreUnsafe(ref lane, 8); a3.StoreUnsafe(ref lane, 12);
            a4.StoreUnsafe(ref lane, 16); a5.StoreUnsafe(ref lane, 20); a6.StoreUnsafe(ref lane, 24); a7.StoreUnsafe(ref lane, 28);
        }
        // i is a multiple of 32 here, so element j of the tail belongs to lane j - i.
        for (; i < n; i++)
            Unsafe.Add(ref lane, i % Lanes) += FactorizationScalarKernels.LossTerm(Unsafe.Add(ref sr, i), Unsafe.Add(ref br, i),
                Unsafe.Add(ref ar, i), Unsafe.Add(ref betar, i), Unsafe.Add(ref er, i), Unsafe.Add(ref rr, i), lambda);
        return FactorizationScalarKernels.Fold(lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Loss512(ref double s, ref double b, ref double a, ref double beta, ref double eta, ref double r, nuint i, Vector512<double> lambda)
    {
        var vs = Vector512.LoadUnsafe(ref s, i);
        var zero = Vector512.Equals(vs, Vector512<double>.Zero);
        var s0 = Vector512.ConditionalSelect(zero, Vector512<double>.Zero, Vector512<double>.One);
        var w = lambda * (Vector512.LoadUnsafe(ref beta, i) * s0 + Vector512.LoadUnsafe(ref a, i));
        var t = s0 + (Vector512<double>.One - s0) * Vector512.LoadUnsafe(ref b, i);
        var d = t - Vector512.LoadUnsafe(ref r, i);
        return w * d * d + Vector512.ConditionalSelect(zero, Vector512<double>.Zero, Vector512.LoadUnsafe(ref eta, i));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Loss256(ref double s, ref double b, ref double a, ref double beta, ref double eta, ref double r, nuint i, Vector256<double> lambda)
    {
        var vs = Vector256.LoadUnsafe(ref s, i);
        var zero = Vector256.Equals(vs, Vector256<double>.Zero);
        var s0 = Vector256.ConditionalSelect(zero, Vector256<double>.Zero, Vector256<double>.One);
        var w = lambda * (Vector256.LoadUnsafe(ref beta, i) * s0 + Vector256.LoadUnsafe(ref a, i));
        var t = s0 + (Vector256<double>.One - s0) * Vector256.LoadUnsafe(ref b, i);
        var d = t - Vector256.LoadUnsafe(ref r, i);
        return w * d * d + Vector256.ConditionalSelect(zero, Vector256<double>.Zero, Vector256.LoadUnsafe(ref eta, i));
    }

    /// <inheritdoc cref="FactorizationScalarKernels.HardThresholdStep"/>
    public static void HardThresholdStep(ReadOnlySpan<double> s, ReadOnlySpan<double> q, ReadOnlySpan<double> c, double ridge, ReadOnlySpan<double> b,
        ReadOnlySpan<double> alpha, ReadOnlySpan<double> beta, ReadOnlySpan<double> eta, ReadOnlySpan<double> r, double lambda, double step, Span<double> dest)
    {
        FactorizationArguments.SameLengths(s.Length, q.Length, alpha.Length, beta.Length, eta.Length, r.Length);
        FactorizationArguments.SameLengths(s.Length, b.Length, c.Length, s.Length, s.Length, s.Length);
        FactorizationArguments.DestinationFits(s.Length, dest.Length);
        ref double sr = ref MemoryMarshal.GetReference(s);
        ref double qr = ref MemoryMarshal.GetReference(q);
        ref double cr = ref MemoryMarshal.GetReference(c);
        ref double br = ref MemoryMarshal.GetReference(b);
        ref double ar = ref MemoryMarshal.GetReference(alpha);
        ref double betar = ref MemoryMarshal.GetReference(beta);
        ref double er = ref MemoryMarshal.GetReference(eta);
        ref double rr = ref MemoryMarshal.GetReference(r);
        ref double dr = ref MemoryMarshal.GetReference(dest);
        nuint n = (nuint)s.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vl = Vector512.Create(lambda);
            var vstep = Vector512.Create(step);
            var vridge = Vector512.Create(ridge);
            var two = Vector512.Create(2.0);
            for (; i + 8 <= n; i += 8)
            {
                // g = (s ridge - c) + q; u = s - step g; keep u where u^2 > step * delta
                var vs = Vector512.LoadUnsafe(ref sr, i);
                var u = vs - vstep * ((vs * vridge - Vector512.LoadUnsafe(ref cr, i)) + Vector512.LoadUnsafe(ref qr, i));
                var vb = Vector512.LoadUnsafe(ref br, i);
                var vbeta = Vector512.LoadUnsafe(ref betar, i);
                var e = vb - Vector512.LoadUnsafe(ref rr, i);
                var delta = vl * ((Vector512.LoadUnsafe(ref ar, i) + vbeta) * (Vector512<double>.One - vb) * (Vector512<double>.One + two * e) + vbeta * e * e)
                    + Vector512.LoadUnsafe(ref er, i);
                Vector512.ConditionalSelect(Vector512.LessThanOrEqual(u * u, vstep * delta), Vector512<double>.Zero, u).StoreUnsafe(ref dr, i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var vl = Vector256.Create(lambda);
            var vstep = Vector256.Create(step);
            var vridge = Vector256.Create(ridge);
            var two = Vector256.Create(2.0);
            for (; i + 4 <= n; i += 4)
            {
                var vs = Vector256.LoadUnsafe(ref sr, i);
                var u = vs - vstep * ((vs * vridge - Vector256.LoadUnsafe(ref cr, i)) + Vector256.LoadUnsafe(ref qr, i));
                var vb = Vector256.LoadUnsafe(ref br, i);
                var vbeta = Vector256.LoadUnsafe(ref betar, i);
                var e = vb - Vector256.LoadUnsafe(ref rr, i);
                var delta = vl * ((Vector256.LoadUnsafe(ref ar, i) + vbeta) * (Vector256<double>.One - vb) * (Vector256<double>.One + two * e) + vbeta * e * e)
                    + Vector256.LoadUnsafe(ref er, i);
                Vector256.ConditionalSelect(Vector256.LessThanOrEqual(u * u, vstep * delta), Vector256<double>.Zero, u).StoreUnsafe(ref dr, i);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref dr, i) = FactorizationScalarKernels.ThresholdTerm(Unsafe.Add(ref sr, i),
                (Unsafe.Add(ref sr, i) * ridge - Unsafe.Add(ref cr, i)) + Unsafe.Add(ref qr, i), Unsafe.Add(ref br, i),
                Unsafe.Add(ref ar, i), Unsafe.Add(ref betar, i), Unsafe.Add(ref er, i), Unsafe.Add(ref rr, i), lambda, step);
    }

    /// <inheritdoc cref="FactorizationScalarKernels.CollaborativeFilterWeights"/>
    public static void CollaborativeFilterWeights(ReadOnlySpan<double> s, ReadOnlySpan<double> b, ReadOnlySpan<double> alpha,
        ReadOnlySpan<double> beta, double lambda, double baseWeight, Span<double> excess, Span<double> weightedTarget)
    {
        FactorizationArguments.SameLengths(s.Length, b.Length, alpha.Length, beta.Length, s.Length, s.Length);
        FactorizationArguments.DestinationFits(s.Length, excess.Length);
        FactorizationArguments.DestinationFits(s.Length, weightedTarget.Length);
        ref double sr = ref MemoryMarshal.GetReference(s);
        ref double br = ref MemoryMarshal.GetReference(b);
        ref double ar = ref MemoryMarshal.GetReference(alpha);
        ref double betar = ref MemoryMarshal.GetReference(beta);
        ref double xr = ref MemoryMarshal.GetReference(excess);
        ref double tr = ref MemoryMarshal.GetReference(weightedTarget);
        nuint n = (nuint)s.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vl = Vector512.Create(lambda);
            var vbase = Vector512.Create(baseWeight);
            for (; i + 8 <= n; i += 8)
            {
                // w = lambda (beta s0 + alpha); excess = w - base; wt = w (s0 + (1 - s0) b)
                var s0 = Vector512.ConditionalSelect(Vector512.Equals(Vector512.LoadUnsafe(ref sr, i), Vector512<double>.Zero), Vector512<double>.Zero, Vector512<double>.One);
                var w = vl * (Vector512.LoadUnsafe(ref betar, i) * s0 + Vector512.LoadUnsafe(ref ar, i));
                var t = s0 + (Vector512<double>.One - s0) * Vector512.LoadUnsafe(ref br, i);
                (w - vbase).StoreUnsafe(ref xr, i);
                (w * t).StoreUnsafe(ref tr, i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var vl = Vector256.Create(lambda);
            var vbase = Vector256.Create(baseWeight);
            for (; i + 4 <= n; i += 4)
            {
                var s0 = Vector256.ConditionalSelect(Vector256.Equals(Vector256.LoadUnsafe(ref sr, i), Vector256<double>.Zero), Vector256<double>.Zero, Vector256<double>.One);
                var w = vl * (Vector256.LoadUnsafe(ref betar, i) * s0 + Vector256.LoadUnsafe(ref ar, i));
                var t = s0 + (Vector256<double>.One - s0) * Vector256.LoadUnsafe(ref br, i);
                (w - vbase).StoreUnsafe(ref xr, i);
                (w * t).StoreUnsafe(ref tr, i);
            }
        }
        for (; i < n; i++)
        {
            double s0 = Unsafe.Add(ref sr, i) != 0 ? 1.0 : 0.0;
            double w = lambda * (Unsafe.Add(ref betar, i) * s0 + Unsafe.Add(ref ar, i));
            double t = s0 + (1.0 - s0) * Unsafe.Add(ref br, i);
            Unsafe.Add(ref xr, i) = w - baseWeight;
            Unsafe.Add(ref tr, i) = w * t;
        }
    }

    /// <inheritdoc cref="FactorizationScalarKernels.ForwardSubstituteColumns"/>
    /// <remarks>
    /// Row by row of X, and within a row by vectors of columns: each vector's sum runs over the rows above, which are
    /// final, so the vectors of a row are independent and their subtractions overlap.
    /// </remarks>
    public static void ForwardSubstituteColumns(ReadOnlySpan<double> l, int ldl, ReadOnlySpan<double> inverse, Span<double> x, int ldx, int n)
    {
        FactorizationArguments.Substitution(l.Length, ldl, inverse.Length, x.Length, ldx, n);
        ref double lr = ref MemoryMarshal.GetReference(l);
        ref double xr = ref MemoryMarshal.GetReference(x);
        int w = inverse.Length;
        for (int j = 0; j < w; j++)
        {
            ref double lj = ref Unsafe.Add(ref lr, (nint)j * ldl);
            ref double xj = ref Unsafe.Add(ref xr, (nint)j * ldx);
            double inv = inverse[j];
            nuint c = 0, m = (nuint)n;
            if (Vector512.IsHardwareAccelerated)
            {
                var vinv = Vector512.Create(inv);
                for (; c + 8 <= m; c += 8)
                {
                    var s = Vector512.LoadUnsafe(ref xj, c);
                    for (int p = 0; p < j; p++)
                        s -= Vector512.Create(Unsafe.Add(ref lj, p)) * Vector512.LoadUnsafe(ref Unsafe.Add(ref xr, (nint)p * ldx), c);
                    (s * vinv).StoreUnsafe(ref xj, c);
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                var vinv = Vector256.Create(inv);
                for (; c + 4 <= m; c += 4)
                {
                    var s = Vector256.LoadUnsafe(ref xj, c);
                    for (int p = 0; p < j; p++)
                        s -= Vector256.Create(Unsafe.Add(ref lj, p)) * Vector256.LoadUnsafe(ref Unsafe.Add(ref xr, (nint)p * ldx), c);
                    (s * vinv).StoreUnsafe(ref xj, c);
                }
            }
            for (; c < m; c++)
            {
                double s = Unsafe.Add(ref xj, c);
                for (int p = 0; p < j; p++) s -= Unsafe.Add(ref lj, p) * Unsafe.Add(ref xr, (nint)p * ldx + (nint)c);
                Unsafe.Add(ref xj, c) = s * inv;
            }
        }
    }

    /// <inheritdoc cref="FactorizationScalarKernels.AddColumnCombination"/>
    public static void AddColumnCombination(ReadOnlySpan<double> matrix, int ld, ReadOnlySpan<int> columns, ReadOnlySpan<double> weights, Span<double> dest)
    {
        FactorizationArguments.Columns(matrix.Length, ld, columns, weights.Length, dest.Length);
        AddColumnCombinationCore(ref MemoryMarshal.GetReference(matrix), ld, ref MemoryMarshal.GetReference(columns), ref MemoryMarshal.GetReference(weights),
            columns.Length, ref MemoryMarshal.GetReference(dest), dest.Length);
    }

    /// <inheritdoc cref="FactorizationScalarKernels.AddColumnCombinations"/>
    public static void AddColumnCombinations(ReadOnlySpan<double> matrix, int ld, int rows, ReadOnlySpan<int> columns, ReadOnlySpan<double> weights,
        ReadOnlySpan<int> starts, Span<double> dest, int destLd)
    {
        FactorizationArguments.Combinations(matrix.Length, ld, rows, columns, weights.Length, starts, dest.Length, destLd);
        ref double mr = ref MemoryMarshal.GetReference(matrix);
        ref int cr = ref MemoryMarshal.GetReference(columns);
        ref double wr = ref MemoryMarshal.GetReference(weights);
        ref double dr = ref MemoryMarshal.GetReference(dest);
        for (int j = 0; j + 1 < starts.Length; j++)
        {
            int p0 = starts[j], p1 = starts[j + 1];
            if (p1 > p0)
                AddColumnCombinationCore(ref mr, ld, ref Unsafe.Add(ref cr, p0), ref Unsafe.Add(ref wr, p0), p1 - p0, ref Unsafe.Add(ref dr, (nint)j * destLd), rows);
        }
    }

    private static void AddColumnCombinationCore(ref double mr, int ld, ref int cr, ref double wr, int k, ref double dr, int rows)
    {
        nuint n = (nuint)rows, r = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; r + 32 <= n; r += 32)
            {
                var a0 = Vector512.LoadUnsafe(ref dr, r);
                var a1 = Vector512.LoadUnsafe(ref dr, r + 8);
                var a2 = Vector512.LoadUnsafe(ref dr, r + 16);
                var a3 = Vector512.LoadUnsafe(ref dr, r + 24);
                for (int p = 0; p < k; p++)
                {
                    var w = Vector512.Create(Unsafe.Add(ref wr, p));
                    ref double col = ref Unsafe.Add(ref mr, (nint)Unsafe.Add(ref cr, p) * ld);
                    a0 += w * Vector512.LoadUnsafe(ref col, r);
                    a1 += w * Vector512.LoadUnsafe(ref col, r + 8);
                    a2 += w * Vector512.LoadUnsafe(ref col, r + 16);
                    a3 += w * Vector512.LoadUnsafe(ref col, r + 24);
                }
                a0.StoreUnsafe(ref dr, r);
                a1.StoreUnsafe(ref dr, r + 8);
                a2.StoreUnsafe(ref dr, r + 16);
                a3.StoreUnsafe(ref dr, r + 24);
            }
            for (; r + 8 <= n; r += 8)
            {
                var a0 = Vector512.LoadUnsafe(ref dr, r);
                for (int p = 0; p < k; p++)
                    a0 += Vector512.Create(Unsafe.Add(ref wr, p)) * Vector512.LoadUnsafe(ref Unsafe.Add(ref mr, (nint)Unsafe.Add(ref cr, p) * ld), r);
                a0.StoreUnsafe(ref dr, r);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; r + 16 <= n; r += 16)
            {
                var a0 = Vector256.LoadUnsafe(ref dr, r);
                var a1 = Vector256.LoadUnsafe(ref dr, r + 4);
                var a2 = Vector256.LoadUnsafe(ref dr, r + 8);
                var a3 = Vector256.LoadUnsafe(ref dr, r + 12);
                for (int p = 0; p < k; p++)
                {
                    var w = Vector256.Create(Unsafe.Add(ref wr, p));
                    ref double col = ref Unsafe.Add(ref mr, (nint)Unsafe.Add(ref cr, p) * ld);
                    a0 += w * Vector256.LoadUnsafe(ref col, r);
                    a1 += w * Vector256.LoadUnsafe(ref col, r + 4);
                    a2 += w * Vector256.LoadUnsafe(ref col, r + 8);
                    a3 += w * Vector256.LoadUnsafe(ref col, r + 12);
                }
                a0.StoreUnsafe(ref dr, r);
                a1.StoreUnsafe(ref dr, r + 4);
                a2.StoreUnsafe(ref dr, r + 8);
                a3.StoreUnsafe(ref dr, r + 12);
            }
            for (; r + 4 <= n; r += 4)
            {
                var a0 = Vector256.LoadUnsafe(ref dr, r);
                for (int p = 0; p < k; p++)
                    a0 += Vector256.Create(Unsafe.Add(ref wr, p)) * Vector256.LoadUnsafe(ref Unsafe.Add(ref mr, (nint)Unsafe.Add(ref cr, p) * ld), r);
                a0.StoreUnsafe(ref dr, r);
            }
        }
        for (; r < n; r++)
        {
            double acc = Unsafe.Add(ref dr, r);
            for (int p = 0; p < k; p++) acc += Unsafe.Add(ref wr, p) * Unsafe.Add(ref mr, (nint)Unsafe.Add(ref cr, p) * ld + (nint)r);
            Unsafe.Add(ref dr, r) = acc;
        }
    }
}
