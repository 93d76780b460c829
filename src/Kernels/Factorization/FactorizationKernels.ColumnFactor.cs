using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GrnFast.Kernels.Factorization;

/// <summary>
/// The lasso homotopy's column-major factor: a partial Cholesky factor whose columns run over the active set's rows and
/// every inactive candidate's row below them, grown a block of columns at a time by <see cref="SubtractProducts"/> (a
/// GEMM, C -= A B^T) and read back by <see cref="BackSubstituteColumnMajor"/>. Each gives the bits of its twin in
/// <see cref="FactorizationScalarKernels"/>.
/// </summary>
public static partial class FactorizationKernels
{
    /// <inheritdoc cref="FactorizationScalarKernels.SubtractProducts"/>
    /// <remarks>
    /// Four columns of C at a time, 16 (Vector512) or 8 (Vector256) rows per register block: each step over the depth
    /// loads two vectors of A and four scalars of B for eight fused multiply-adds. One or two columns alone have their own
    /// Vector512 blocks (32 x 1, 16 x 2); otherwise a last group of one to three columns repeats its last column in the
    /// spare accumulators (computed, not stored).
    /// </remarks>
    public static void SubtractProducts(ReadOnlySpan<double> a, int lda, int rows, int depth, ReadOnlySpan<double> b, int ldb, int count,
        Span<double> c, int ldc)
    {
        FactorizationArguments.Products(a.Length, lda, rows, depth, b.Length, ldb, count, c.Length, ldc);
        if (rows == 0 || count == 0) return;
        ref double ar = ref MemoryMarshal.GetReference(a);
        ref double br = ref MemoryMarshal.GetReference(b);
        ref double cr = ref MemoryMarshal.GetReference(c);
        for (int q = 0; q < count; q += 4)
        {
            int group = Math.Min(4, count - q);
            ref double b0 = ref Unsafe.Add(ref br, q);
            ref double b1 = ref Unsafe.Add(ref br, q + Math.Min(1, group - 1));
            ref double b2 = ref Unsafe.Add(ref br, q + Math.Min(2, group - 1));
            ref double b3 = ref Unsafe.Add(ref br, q + Math.Min(3, group - 1));
            ref double c0 = ref Unsafe.Add(ref cr, (nint)q * ldc);
            int r = 0;
            // One column alone (a single joiner): four accumulators of 8 rows, not four columns of which three are spare.
            if (Vector512.IsHardwareAccelerated && group == 1)
                for (; r + 32 <= rows; r += 32)
                {
                    Vector512<double> s0 = default, s1 = default, s2 = default, s3 = default;
                    ref double ap = ref Unsafe.Add(ref ar, r);
                    for (int p = 0; p < depth; p++)
                    {
                        ref double col = ref Unsafe.Add(ref ap, (nint)p * lda);
                        var y = Vector512.Create(Unsafe.Add(ref b0, (nint)p * ldb));
                        s0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref col), y, s0);
                        s1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref col, 8), y, s1);
                        s2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref col, 16), y, s2);
                        s3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref col, 24), y, s3);
                    }
                    ref double cc = ref Unsafe.Add(ref c0, r);
                    Subtract512(ref cc, s0, s1);
                    Subtract512(ref Unsafe.Add(ref cc, 16), s2, s3);
                }
            // Two columns: 16 rows by two.
            if (Vector512.IsHardwareAccelerated && group == 2)
                for (; r + 16 <= rows; r += 16)
                {
                    Vector512<double> s00 = default, s01 = default, s10 = default, s11 = default;
                    ref double ap = ref Unsafe.Add(ref ar, r);
                    for (int p = 0; p < depth; p++)
                    {
                        ref double col = ref Unsafe.Add(ref ap, (nint)p * lda);
                        var x0 = Vector512.LoadUnsafe(ref col);
                        var x1 = Vector512.LoadUnsafe(ref col, 8);
                        nint o = (nint)p * ldb;
                        var y = Vector512.Create(Unsafe.Add(ref b0, o));
                        s00 = Vector512.FusedMultiplyAdd(x0, y, s00); s10 = Vector512.FusedMultiplyAdd(x1, y, s10);
                        y = Vector512.Create(Unsafe.Add(ref b1, o));
                        s01 = Vector512.FusedMultiplyAdd(x0, y, s01); s11 = Vector512.FusedMultiplyAdd(x1, y, s11);
                    }
                    ref double cc = ref Unsafe.Add(ref c0, r);
                    Subtract512(ref cc, s00, s10);
                    Subtract512(ref Unsafe.Add(ref cc, ldc), s01, s11);
                }
            if (Vector512.IsHardwareAccelerated)
                for (; r + 16 <= rows; r += 16)
                {
                    Vector512<double> s00 = default, s01 = default, s02 = default, s03 = default;
                    Vector512<double> s10 = default, s11 = default, s12 = default, s13 = default;
                    ref double ap = ref Unsafe.Add(ref ar, r);
                    for (int p = 0; p < depth; p++)
                    {
                        ref double col = ref Unsafe.Add(ref ap, (nint)p * lda);
                        var x0 = Vector512.LoadUnsafe(ref col);
                        var x1 = Vector512.LoadUnsafe(ref col, 8);
                        nint o = (nint)p * ldb;
                        var y = Vector512.Create(Unsafe.Add(ref b0, o));
                        s00 = Vector512.FusedMultiplyAdd(x0, y, s00); s10 = Vector512.FusedMultiplyAdd(x1, y, s10);
                        y = Vector512.Create(Unsafe.Add(ref b1, o));
                        s01 = Vector512.FusedMultiplyAdd(x0, y, s01); s11 = Vector512.FusedMultiplyAdd(x1, y, s11);
                        y = Vector512.Create(Unsafe.Add(ref b2, o));
                        s02 = Vector512.FusedMultiplyAdd(x0, y, s02); s12 = Vector512.FusedMultiplyAdd(x1, y, s12);
                        y = Vector512.Create(Unsafe.Add(ref b3, o));
                        s03 = Vector512.FusedMultiplyAdd(x0, y, s03); s13 = Vector512.FusedMultiplyAdd(x1, y, s13);
                    }
                    ref double cc = ref Unsafe.Add(ref c0, r);
                    Subtract512(ref cc, s00, s10);
                    if (group > 1) Subtract512(ref Unsafe.Add(ref cc, ldc), s01, s11);
                    if (group > 2) Subtract512(ref Unsafe.Add(ref cc, 2 * ldc), s02, s12);
                    if (group > 3) Subtract512(ref Unsafe.Add(ref cc, 3 * ldc), s03, s13);
                }
            if (Vector256.IsHardwareAccelerated)
                for (; r + 8 <= rows; r += 8)
                {
                    Vector256<double> s00 = default, s01 = default, s02 = default, s03 = default;
                    Vector256<double> s10 = default, s11 = default, s12 = default, s13 = default;
                    ref double ap = ref Unsafe.Add(ref ar, r);
                    for (int p = 0; p < depth; p++)
                    {
                        ref double col = ref Unsafe.Add(ref ap, (nint)p * lda);
                        var x0 = Vector256.LoadUnsafe(ref col);
                        var x1 = Vector256.LoadUnsafe(ref col, 4);
                        nint o = (nint)p * ldb;
                        var y = Vector256.Create(Unsafe.Add(ref b0, o));
                        s00 = Vector256.FusedMultiplyAdd(x0, y, s00); s10 = Vector256.FusedMultiplyAdd(x1, y, s10);
                        y = Vector256.Create(Unsafe.Add(ref b1, o));
                        s01 = Vector256.FusedMultiplyAdd(x0, y, s01); s11 = Vector256.FusedMultiplyAdd(x1, y, s11);
                        y = Vector256.Create(Unsafe.Add(ref b2, o));
                        s02 = Vector256.FusedMultiplyAdd(x0, y, s02); s12 = Vector256.FusedMultiplyAdd(x1, y, s12);
                        y = Vector256.Create(Unsafe.Add(ref b3, o));
                        s03 = Vector256.FusedMultiplyAdd(x0, y, s03); s13 = Vector256.FusedMultiplyAdd(x1, y, s13);
                    }
                    ref double cc = ref Unsafe.Add(ref c0, r);
                    Subtract256(ref cc, s00, s10);
                    if (group > 1) Subtract256(ref Unsafe.Add(ref cc, ldc), s01, s11);
                    if (group > 2) Subtract256(ref Unsafe.Add(ref cc, 2 * ldc), s02, s12);
                    if (group > 3) Subtract256(ref Unsafe.Add(ref cc, 3 * ldc), s03, s13);
                }
            for (; r < rows; r++)
                for (int k = 0; k < group; k++)
                {
                    double s = 0;
                    ref double bk = ref Unsafe.Add(ref br, q + k);
                    for (int p = 0; p < depth; p++)
                        s = Math.FusedMultiplyAdd(Unsafe.Add(ref ar, r + (nint)p * lda), Unsafe.Add(ref bk, (nint)p * ldb), s);
                    Unsafe.Add(ref c0, r + (nint)k * ldc) -= s;
                }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Subtract512(ref double c, Vector512<double> low, Vector512<double> high)
    {
        (Vector512.LoadUnsafe(ref c) - low).StoreUnsafe(ref c);
        (Vector512.LoadUnsafe(ref c, 8) - high).StoreUnsafe(ref c, 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Subtract256(ref double c, Vector256<double> low, Vector256<double> high)
    {
        (Vector256.LoadUnsafe(ref c) - low).StoreUnsafe(ref c);
        (Vector256.LoadUnsafe(ref c, 4) - high).StoreUnsafe(ref c, 4);
    }

    /// <inheritdoc cref="FactorizationScalarKernels.BackSubstituteColumnMajor"/>
    /// <remarks>The block's rows take their sums over the solved suffix at once, four rows sharing each load of it.</remarks>
    public static void BackSubstituteColumnMajor(ReadOnlySpan<double> l, int ld, int rows, Span<double> b)
    {
        FactorizationArguments.Triangle(l.Length, ld, rows, b.Length);
        ref double lr = ref MemoryMarshal.GetReference(l);
        ref double br = ref MemoryMarshal.GetReference(b);
        const int block = FactorizationScalarKernels.SubstitutionBlock;
        Span<double> sums = stackalloc double[block];
        for (int p1 = rows; p1 > 0; p1 -= block)
        {
            int p0 = Math.Max(0, p1 - block), n = p1 - p0, solved = rows - p1;
            ref double z = ref Unsafe.Add(ref br, p1);
            int h = 0;
            if (Vector512.IsHardwareAccelerated)
                for (; h + 4 <= n; h += 4)
                {
                    ref double col = ref Unsafe.Add(ref lr, (nint)(p0 + h) * ld + p1);
                    LaneDotRows4(ref col, ref Unsafe.Add(ref col, ld), ref Unsafe.Add(ref col, 2 * ld), ref Unsafe.Add(ref col, 3 * ld), ref z, solved, sums[h..]);
                }
            for (; h < n; h++) sums[h] = LaneDot(ref Unsafe.Add(ref lr, (nint)(p0 + h) * ld + p1), ref z, solved);
            for (int i = n - 1; i >= 0; i--)
            {
                int p = p0 + i;
                ref double col = ref Unsafe.Add(ref lr, (nint)p * ld);
                double t = Unsafe.Add(ref br, p) - sums[i];
                for (int q = p + 1; q < p1; q++) t -= Unsafe.Add(ref col, q) * Unsafe.Add(ref br, q);
                Unsafe.Add(ref br, p) = t / Unsafe.Add(ref col, p);
            }
        }
    }
}
