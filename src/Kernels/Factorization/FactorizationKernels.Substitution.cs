using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GrnFast.Kernels.Factorization;

/// <summary>
/// Triangular solves with a row-major lower-triangular factor L (the lasso homotopy's Cholesky factor): forward
/// substitution L z = b and back substitution L^T z = b, for one or several right-hand sides. Each gives the bits of
/// its twin in <see cref="FactorizationScalarKernels"/>: the sums over a solved prefix run in 8 lanes folded by halving,
/// and register blocking (rows or right-hand sides sharing loads) never changes a sum's order.
/// </summary>
public static partial class FactorizationKernels
{
    /// <inheritdoc cref="FactorizationScalarKernels.ForwardSubstitute(ReadOnlySpan{double}, int, int, Span{double})"/>
    public static void ForwardSubstitute(ReadOnlySpan<double> l, int ld, int rows, Span<double> b)
    {
        FactorizationArguments.Triangle(l.Length, ld, rows, b.Length);
        ref double lr = ref MemoryMarshal.GetReference(l);
        ref double br = ref MemoryMarshal.GetReference(b);
        const int block = FactorizationScalarKernels.SubstitutionBlock;
        Span<double> sums = stackalloc double[block];
        for (int p0 = 0; p0 < rows; p0 += block)
        {
            int count = Math.Min(block, rows - p0);
            // S for the block's rows: 8 independent lane sums over the solved z[0..p0).
            int r = 0;
            // Four rows share each load of the solved prefix (Vector512: five loads per 32 multiply-adds, not 16).
            if (Vector512.IsHardwareAccelerated)
                for (; r + 4 <= count; r += 4)
                {
                    ref double row = ref Unsafe.Add(ref lr, (nint)(p0 + r) * ld);
                    LaneDotRows4(ref row, ref Unsafe.Add(ref row, ld), ref Unsafe.Add(ref row, 2 * ld), ref Unsafe.Add(ref row, 3 * ld), ref br, p0, sums[r..]);
                }
            for (; r < count; r++) sums[r] = LaneDot(ref Unsafe.Add(ref lr, (nint)(p0 + r) * ld), ref br, p0);
            for (int i = 0; i < count; i++)
            {
                int p = p0 + i;
                ref double row = ref Unsafe.Add(ref lr, (nint)p * ld);
                double t = Unsafe.Add(ref br, p) - sums[i];
                for (int q = p0; q < p; q++) t -= Unsafe.Add(ref row, q) * Unsafe.Add(ref br, q);
                Unsafe.Add(ref br, p) = t / Unsafe.Add(ref row, p);
            }
        }
    }

    /// <inheritdoc cref="FactorizationScalarKernels.ForwardSubstitute(ReadOnlySpan{double}, int, int, Span{double}, int, int)"/>
    /// <remarks>
    /// Four right-hand sides at a time share each block's row loads: the lane sums S of a row against four solved
    /// prefixes are taken in one pass over the row (one load of L per four multiply-adds instead of one per one).
    /// </remarks>
    public static void ForwardSubstitute(ReadOnlySpan<double> l, int ld, int rows, Span<double> b, int ldb, int count)
    {
        FactorizationArguments.Triangles(l.Length, ld, rows, b.Length, ldb, count);
        ref double lr = ref MemoryMarshal.GetReference(l);
        ref double br = ref MemoryMarshal.GetReference(b);
        int r = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            const int block = FactorizationScalarKernels.SubstitutionBlock;
            Span<double> sums = stackalloc double[4 * block];
            // Groups of four; a last group of two or three repeats its last column in the spare lanes (their sums are
            // computed but not used), so it still shares the loads.
            for (; r + 1 < count; r += 4)
            {
                int group = Math.Min(4, count - r);
                ref double b0 = ref Unsafe.Add(ref br, (nint)r * ldb);
                ref double b1 = ref Unsafe.Add(ref b0, ldb);
                ref double b2 = ref group > 2 ? ref Unsafe.Add(ref b1, ldb) : ref b1;
                ref double b3 = ref group > 3 ? ref Unsafe.Add(ref b2, ldb) : ref b2;
                for (int p0 = 0; p0 < rows; p0 += block)
                {
                    int n = Math.Min(block, rows - p0);
                    int h = 0;
                    // Four rows by four columns: eight loads per 128 multiply-adds.
                    for (; h + 4 <= n; h += 4)
                        LaneDot4x4(ref Unsafe.Add(ref lr, (nint)(p0 + h) * ld), ld, ref b0, ref b1, ref b2, ref b3, p0, sums.Slice(4 * h, 16));
                    for (; h < n; h++)
                        LaneDot4(ref Unsafe.Add(ref lr, (nint)(p0 + h) * ld), ref b0, ref b1, ref b2, ref b3, p0, sums.Slice(4 * h, 4));
                    // The in-block triangle, each right-hand side as the one-at-a-time kernel does it.
                    for (int i = 0; i < n; i++)
                    {
                        int p = p0 + i;
                        ref double row = ref Unsafe.Add(ref lr, (nint)p * ld);
                        Finish(ref row, ref b0, p0, p, sums[4 * i]);
                        Finish(ref row, ref b1, p0, p, sums[4 * i + 1]);
                        if (group > 2) Finish(ref row, ref b2, p0, p, sums[4 * i + 2]);
                        if (group > 3) Finish(ref row, ref b3, p0, p, sums[4 * i + 3]);
                    }
                }
            }
        }
        for (; r < count; r++) ForwardSubstitute(l, ld, rows, b.Slice(r * ldb, rows));
    }

    /// <inheritdoc cref="FactorizationScalarKernels.BackSubstitute"/>
    /// <remarks>Two right-hand sides at a time share each load of a row of L.</remarks>
    public static void BackSubstitute(ReadOnlySpan<double> l, int ld, int rows, Span<double> b, int ldb, int count)
    {
        FactorizationArguments.Triangles(l.Length, ld, rows, b.Length, ldb, count);
        ref double lr = ref MemoryMarshal.GetReference(l);
        ref double br = ref MemoryMarshal.GetReference(b);
        for (int r = 0; r < count; r += 2)
        {
            ref double z0 = ref Unsafe.Add(ref br, (nint)r * ldb);
            bool pair = r + 1 < count;
            ref double z1 = ref pair ? ref Unsafe.Add(ref z0, ldb) : ref z0;
            for (int p = rows - 1; p >= 0; p--)
            {
                ref double row = ref Unsafe.Add(ref lr, (nint)p * ld);
                double d = Unsafe.Add(ref row, p);
                double a0 = Unsafe.Add(ref z0, p) / d, a1 = pair ? Unsafe.Add(ref z1, p) / d : 0;
                Unsafe.Add(ref z0, p) = a0;
                if (pair) Unsafe.Add(ref z1, p) = a1;
                nuint q = 0, n = (nuint)p;
                if (Vector512.IsHardwareAccelerated)
                {
                    Vector512<double> v0 = Vector512.Create(-a0), v1 = Vector512.Create(-a1);
                    for (; q + 8 <= n; q += 8)
                    {
                        var x = Vector512.LoadUnsafe(ref row, q);
                        (x * v0 + Vector512.LoadUnsafe(ref z0, q)).StoreUnsafe(ref z0, q);
                        if (pair) (x * v1 + Vector512.LoadUnsafe(ref z1, q)).StoreUnsafe(ref z1, q);
                    }
                }
                if (Vector256.IsHardwareAccelerated)
                {
                    Vector256<double> v0 = Vector256.Create(-a0), v1 = Vector256.Create(-a1);
                    for (; q + 4 <= n; q += 4)
                    {
                        var x = Vector256.LoadUnsafe(ref row, q);
                        (x * v0 + Vector256.LoadUnsafe(ref z0, q)).StoreUnsafe(ref z0, q);
                        if (pair) (x * v1 + Vector256.LoadUnsafe(ref z1, q)).StoreUnsafe(ref z1, q);
                    }
                }
                for (; q < n; q++)
                {
                    double x = Unsafe.Add(ref row, q);
                    Unsafe.Add(ref z0, q) = x * -a0 + Unsafe.Add(ref z0, q);
                    if (pair) Unsafe.Add(ref z1, q) = x * -a1 + Unsafe.Add(ref z1, q);
                }
            }
        }
    }

    /// <summary>z_p = (b_p - s - sum_{p0 &lt;= q &lt; p} L[p, q] z_q) / L[p, p], the in-block terms one by one in q order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(ref double row, ref double z, int p0, int p, double s)
    {
        double t = Unsafe.Add(ref z, p) - s;
        for (int q = p0; q < p; q++) t -= Unsafe.Add(ref row, q) * Unsafe.Add(ref z, q);
        Unsafe.Add(ref z, p) = t / Unsafe.Add(ref row, p);
    }

    /// <summary><see cref="LaneDot"/> of one row against four vectors at once (Vector512 only), into sums[0..4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LaneDot4(ref double x, ref double y0, ref double y1, ref double y2, ref double y3, int n, Span<double> sums)
    {
        var a0 = Vector512<double>.Zero;
        var a1 = Vector512<double>.Zero;
        var a2 = Vector512<double>.Zero;
        var a3 = Vector512<double>.Zero;
        for (nuint q = 0, end = (nuint)n; q < end; q += 8)
        {
            var xv = Vector512.LoadUnsafe(ref x, q);
            a0 += xv * Vector512.LoadUnsafe(ref y0, q);
            a1 += xv * Vector512.LoadUnsafe(ref y1, q);
            a2 += xv * Vector512.LoadUnsafe(ref y2, q);
            a3 += xv * Vector512.LoadUnsafe(ref y3, q);
        }
        sums[0] = Fold(a0);
        sums[1] = Fold(a1);
        sums[2] = Fold(a2);
        sums[3] = Fold(a3);
    }

    /// <summary>
    /// <see cref="LaneDot"/> of four rows (ld apart, from x) against four vectors (Vector512 only): sums[4 i + r] for row i
    /// and vector r, each with the lanes and fold of LaneDot.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LaneDot4x4(ref double x, int ld, ref double y0, ref double y1, ref double y2, ref double y3, int n, Span<double> sums)
    {
        ref double x1 = ref Unsafe.Add(ref x, ld);
        ref double x2 = ref Unsafe.Add(ref x1, ld);
        ref double x3 = ref Unsafe.Add(ref x2, ld);
        Vector512<double> a00 = default, a01 = default, a02 = default, a03 = default, a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<double> a20 = default, a21 = default, a22 = default, a23 = default, a30 = default, a31 = default, a32 = default, a33 = default;
        for (nuint q = 0, end = (nuint)n; q < end; q += 8)
        {
            var v0 = Vector512.LoadUnsafe(ref y0, q);
            var v1 = Vector512.LoadUnsafe(ref y1, q);
            var v2 = Vector512.LoadUnsafe(ref y2, q);
            var v3 = Vector512.LoadUnsafe(ref y3, q);
            var r = Vector512.LoadUnsafe(ref x, q);
            a00 += r * v0; a01 += r * v1; a02 += r * v2; a03 += r * v3;
            r = Vector512.LoadUnsafe(ref x1, q);
            a10 += r * v0; a11 += r * v1; a12 += r * v2; a13 += r * v3;
            r = Vector512.LoadUnsafe(ref x2, q);
            a20 += r * v0; a21 += r * v1; a22 += r * v2; a23 += r * v3;
            r = Vector512.LoadUnsafe(ref x3, q);
            a30 += r * v0; a31 += r * v1; a32 += r * v2; a33 += r * v3;
        }
        sums[0] = Fold(a00); sums[1] = Fold(a01); sums[2] = Fold(a02); sums[3] = Fold(a03);
        sums[4] = Fold(a10); sums[5] = Fold(a11); sums[6] = Fold(a12); sums[7] = Fold(a13);
        sums[8] = Fold(a20); sums[9] = Fold(a21); sums[10] = Fold(a22); sums[11] = Fold(a23);
        sums[12] = Fold(a30); sums[13] = Fold(a31); sums[14] = Fold(a32); sums[15] = Fold(a33);
    }

    /// <summary><see cref="LaneDot"/> of four rows against one vector (Vector512 only), into sums[0..4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LaneDotRows4(ref double x0, ref double x1, ref double x2, ref double x3, ref double y, int n, Span<double> sums)
    {
        Vector512<double> a0 = default, a1 = default, a2 = default, a3 = default;
        for (nuint q = 0, end = (nuint)n; q < end; q += 8)
        {
            var v = Vector512.LoadUnsafe(ref y, q);
            a0 += Vector512.LoadUnsafe(ref x0, q) * v;
            a1 += Vector512.LoadUnsafe(ref x1, q) * v;
            a2 += Vector512.LoadUnsafe(ref x2, q) * v;
            a3 += Vector512.LoadUnsafe(ref x3, q) * v;
        }
        sums[0] = Fold(a0); sums[1] = Fold(a1); sums[2] = Fold(a2); sums[3] = Fold(a3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Fold(Vector512<double> acc)
    {
        var four = acc.GetLower() + acc.GetUpper();
        var two = four.GetLower() + four.GetUpper();
        return two.GetElement(0) + two.GetElement(1);
    }

    /// <summary>sum_{q &lt; n} x_q y_q (n a multiple of 8) in 8 lanes folded by halving, as the scalar twin does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double LaneDot(ref double x, ref double y, int n)
    {
        nuint q = 0, end = (nuint)n;
        if (Vector512.IsHardwareAccelerated)
        {
            var acc = Vector512<double>.Zero;
            for (; q < end; q += 8) acc += Vector512.LoadUnsafe(ref x, q) * Vector512.LoadUnsafe(ref y, q);
            var four = acc.GetLower() + acc.GetUpper();
            var two = four.GetLower() + four.GetUpper();
            return two.GetElement(0) + two.GetElement(1);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> low = Vector256<double>.Zero, high = Vector256<double>.Zero;
            for (; q < end; q += 8)
            {
                low += Vector256.LoadUnsafe(ref x, q) * Vector256.LoadUnsafe(ref y, q);
                high += Vector256.LoadUnsafe(ref x, q + 4) * Vector256.LoadUnsafe(ref y, q + 4);
            }
            var four = low + high;
            var two = four.GetLower() + four.GetUpper();
            return two.GetElement(0) + two.GetElement(1);
        }
        Span<double> lanes = stackalloc double[8];
        lanes.Clear();
        for (; q < end; q++) lanes[(int)(q % 8)] += Unsafe.Add(ref x, q) * Unsafe.Add(ref y, q);
        return FactorizationScalarKernels.Fold(lanes);
    }
}
