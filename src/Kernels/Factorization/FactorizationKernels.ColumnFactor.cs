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
    /// Four columns of C at a time, 16 (Vector512) or 8 (Vector256) rows per register block (the last block ends at the
    /// last row and keeps the lanes the block before it did, so no row falls to a scalar tail): each step over the depth
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
            // Each register block in a method of its own: in one method the allocator spilled the accumulators.
            if (Vector512.IsHardwareAccelerated)
            {
                // One or two columns alone (one or two joiners): not four columns of which the rest are spare.
                if (group == 1) r = OneColumn512(ref ar, lda, r, rows, depth, ref b0, ldb, ref c0);
                else if (group == 2) r = TwoColumns512(ref ar, lda, r, rows, depth, ref b0, ref b1, ldb, ref c0, ldc);
                if (rows >= 16) r = FourColumns512(ref ar, lda, r, rows, depth, ref b0, ref b1, ref b2, ref b3, ldb, ref c0, ldc, group);
            }
            if (r < rows && Vector256.IsHardwareAccelerated && rows >= 8)
                r = FourColumns256(ref ar, lda, r, rows, depth, ref b0, ref b1, ref b2, ref b3, ldb, ref c0, ldc, group);
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

    /// <inheritdoc cref="FactorizationScalarKernels.SubtractProductsUpper"/>
    public static void SubtractProductsUpper(ReadOnlySpan<double> a, int lda, int depth, ReadOnlySpan<double> b, int ldb, int n,
        Span<double> c, int ldc)
    {
        FactorizationArguments.Products(a.Length, lda, n, depth, b.Length, ldb, n, c.Length, ldc);
        for (int q0 = 0; q0 < n; q0 += FactorizationScalarKernels.UpperGroup)
        {
            int count = Math.Min(FactorizationScalarKernels.UpperGroup, n - q0);
            SubtractProducts(a, lda, q0 + count, depth, b[q0..], ldb, count, c[(q0 * ldc)..], ldc);
        }
    }

    /// <summary>One column: 32 rows at a time in four accumulators. Returns the next row.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int OneColumn512(ref double ar, int lda, int r, int rows, int depth, ref double b0, int ldb, ref double c0)
    {
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
        return r;
    }

    /// <summary>Two columns: 16 rows by two at a time. Returns the next row.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int TwoColumns512(ref double ar, int lda, int r, int rows, int depth, ref double b0, ref double b1, int ldb, ref double c0, int ldc)
    {
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
        return r;
    }

    /// <summary>Up to four columns (the spare ones repeat the last): 16 rows by four at a time, the last block ending at the last row with its lanes below r kept (rows &gt;= 16). Returns the next row.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int FourColumns512(ref double ar, int lda, int r, int rows, int depth, ref double b0, ref double b1, ref double b2, ref double b3, int ldb, ref double c0, int ldc, int group)
    {
        for (; r < rows; r += 16)
        {
            int r1 = Math.Min(r, rows - 16);
            Vector512<double> s00 = default, s01 = default, s02 = default, s03 = default;
            Vector512<double> s10 = default, s11 = default, s12 = default, s13 = default;
            ref double ap = ref Unsafe.Add(ref ar, r1);
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
            var from = Vector512.Create((long)r);
            var low = Vector512.GreaterThanOrEqual(Vector512.Create((long)r1) + Vector512<long>.Indices, from).AsDouble();
            var high = Vector512.GreaterThanOrEqual(Vector512.Create((long)r1 + 8) + Vector512<long>.Indices, from).AsDouble();
            // Written out, not through a helper: a call there kept the accumulators on the stack.
            ref double cc = ref Unsafe.Add(ref c0, r1);
            var old = Vector512.LoadUnsafe(ref cc);
            Vector512.ConditionalSelect(low, old - s00, old).StoreUnsafe(ref cc);
            old = Vector512.LoadUnsafe(ref cc, 8);
            Vector512.ConditionalSelect(high, old - s10, old).StoreUnsafe(ref cc, 8);
            if (group > 1)
            {
                cc = ref Unsafe.Add(ref cc, ldc);
                old = Vector512.LoadUnsafe(ref cc);
                Vector512.ConditionalSelect(low, old - s01, old).StoreUnsafe(ref cc);
                old = Vector512.LoadUnsafe(ref cc, 8);
                Vector512.ConditionalSelect(high, old - s11, old).StoreUnsafe(ref cc, 8);
            }
            if (group > 2)
            {
                cc = ref Unsafe.Add(ref cc, ldc);
                old = Vector512.LoadUnsafe(ref cc);
                Vector512.ConditionalSelect(low, old - s02, old).StoreUnsafe(ref cc);
                old = Vector512.LoadUnsafe(ref cc, 8);
                Vector512.ConditionalSelect(high, old - s12, old).StoreUnsafe(ref cc, 8);
            }
            if (group > 3)
            {
                cc = ref Unsafe.Add(ref cc, ldc);
                old = Vector512.LoadUnsafe(ref cc);
                Vector512.ConditionalSelect(low, old - s03, old).StoreUnsafe(ref cc);
                old = Vector512.LoadUnsafe(ref cc, 8);
                Vector512.ConditionalSelect(high, old - s13, old).StoreUnsafe(ref cc, 8);
            }
        }
        return r;
    }

    /// <summary>As <see cref="FourColumns512"/> with Vector256: 8 rows by four at a time (rows &gt;= 8). Returns the next row.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int FourColumns256(ref double ar, int lda, int r, int rows, int depth, ref double b0, ref double b1, ref double b2, ref double b3, int ldb, ref double c0, int ldc, int group)
    {
        for (; r < rows; r += 8)
        {
            int r1 = Math.Min(r, rows - 8);
            Vector256<double> s00 = default, s01 = default, s02 = default, s03 = default;
            Vector256<double> s10 = default, s11 = default, s12 = default, s13 = default;
            ref double ap = ref Unsafe.Add(ref ar, r1);
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
            var from = Vector256.Create((long)r);
            var low = Vector256.GreaterThanOrEqual(Vector256.Create((long)r1) + Vector256<long>.Indices, from).AsDouble();
            var high = Vector256.GreaterThanOrEqual(Vector256.Create((long)r1 + 4) + Vector256<long>.Indices, from).AsDouble();
            // Written out, not through a helper: a call there kept the accumulators on the stack.
            ref double cc = ref Unsafe.Add(ref c0, r1);
            var old = Vector256.LoadUnsafe(ref cc);
            Vector256.ConditionalSelect(low, old - s00, old).StoreUnsafe(ref cc);
            old = Vector256.LoadUnsafe(ref cc, 4);
            Vector256.ConditionalSelect(high, old - s10, old).StoreUnsafe(ref cc, 4);
            if (group > 1)
            {
                cc = ref Unsafe.Add(ref cc, ldc);
                old = Vector256.LoadUnsafe(ref cc);
                Vector256.ConditionalSelect(low, old - s01, old).StoreUnsafe(ref cc);
                old = Vector256.LoadUnsafe(ref cc, 4);
                Vector256.ConditionalSelect(high, old - s11, old).StoreUnsafe(ref cc, 4);
            }
            if (group > 2)
            {
                cc = ref Unsafe.Add(ref cc, ldc);
                old = Vector256.LoadUnsafe(ref cc);
                Vector256.ConditionalSelect(low, old - s02, old).StoreUnsafe(ref cc);
                old = Vector256.LoadUnsafe(ref cc, 4);
                Vector256.ConditionalSelect(high, old - s12, old).StoreUnsafe(ref cc, 4);
            }
            if (group > 3)
            {
                cc = ref Unsafe.Add(ref cc, ldc);
                old = Vector256.LoadUnsafe(ref cc);
                Vector256.ConditionalSelect(low, old - s03, old).StoreUnsafe(ref cc);
                old = Vector256.LoadUnsafe(ref cc, 4);
                Vector256.ConditionalSelect(high, old - s13, old).StoreUnsafe(ref cc, 4);
            }
        }
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Subtract512(ref double c, Vector512<double> low, Vector512<double> high)
    {
        (Vector512.LoadUnsafe(ref c) - low).StoreUnsafe(ref c);
        (Vector512.LoadUnsafe(ref c, 8) - high).StoreUnsafe(ref c, 8);
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
        Span<double> reciprocal = stackalloc double[block];
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
            // The in-block triangle right-looking: each new z_p goes into the rows above it at once, so a row waits for one
            // multiply-subtract and a multiply by its reciprocal pivot (taken ahead, off the chain), not for a division
            // after a chain of them.
            for (int i = 0; i < n; i++)
            {
                int p = p0 + i;
                reciprocal[i] = 1.0 / Unsafe.Add(ref lr, (nint)p * ld + p);
                sums[i] = Unsafe.Add(ref br, p) - sums[i];
            }
            for (int i = n - 1; i >= 0; i--)
            {
                int p = p0 + i;
                double zp = sums[i] * reciprocal[i];
                Unsafe.Add(ref br, p) = zp;
                for (int k = 0; k < i; k++) sums[k] -= Unsafe.Add(ref lr, (nint)(p0 + k) * ld + p) * zp;
            }
        }
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
            return Fold(acc);
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
