using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GrnFast.Kernels.Vectors;

public static partial class VectorKernels
{
    /// <inheritdoc cref="ScalarKernels.Transpose"/>
    /// <remarks>
    /// With AVX-512, 8 x 8 blocks through registers: eight rows loaded, 24 shuffles (pairs interleaved, then 2 x 2 and
    /// 4 x 4 blocks swapped across lanes by two-source permutes), eight columns stored; the edges element by element.
    /// A Cholesky block's 16 columns of the rows below it go to and from their transposed copy this way (at k = 150 the
    /// element-by-element copies took 12-14 of the factor's 53 us).
    /// </remarks>
    public static void Transpose(ReadOnlySpan<double> source, int sourceLd, int rows, int columns, Span<double> dest, int destLd)
    {
        KernelArguments.Transpose(source.Length, sourceLd, rows, columns, dest.Length, destLd);
        if (rows == 0 || columns == 0) return;
        ref double s = ref MemoryMarshal.GetReference(source);
        ref double d = ref MemoryMarshal.GetReference(dest);
        int r0 = 0, c0 = 0;
        if (Avx512F.IsSupported && rows >= 8 && columns >= 8)
        {
            for (r0 = 0; r0 + 8 <= rows; r0 += 8)
                for (c0 = 0; c0 + 8 <= columns; c0 += 8)
                    Transpose8x8(ref Unsafe.Add(ref s, (nint)r0 * sourceLd + c0), sourceLd, ref Unsafe.Add(ref d, (nint)c0 * destLd + r0), destLd);
            // The columns right of the last full block, for the rows the blocks covered.
            for (int r = 0; r < r0; r++)
                for (int c = c0; c < columns; c++) Unsafe.Add(ref d, (nint)c * destLd + r) = Unsafe.Add(ref s, (nint)r * sourceLd + c);
        }
        // The rows below the last full block (all of them when there were no blocks).
        for (int r = r0; r < rows; r++)
            for (int c = 0; c < columns; c++) Unsafe.Add(ref d, (nint)c * destLd + r) = Unsafe.Add(ref s, (nint)r * sourceLd + c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(ref double s, int sourceLd, ref double d, int destLd)
    {
        var r0 = Vector512.LoadUnsafe(ref s);
        var r1 = Vector512.LoadUnsafe(ref s, (nuint)sourceLd);
        var r2 = Vector512.LoadUnsafe(ref s, (nuint)(2 * sourceLd));
        var r3 = Vector512.LoadUnsafe(ref s, (nuint)(3 * sourceLd));
        var r4 = Vector512.LoadUnsafe(ref s, (nuint)(4 * sourceLd));
        var r5 = Vector512.LoadUnsafe(ref s, (nuint)(5 * sourceLd));
        var r6 = Vector512.LoadUnsafe(ref s, (nuint)(6 * sourceLd));
        var r7 = Vector512.LoadUnsafe(ref s, (nuint)(7 * sourceLd));
        // Pairs of rows interleaved: t0 = (a0 b0 a2 b2 a4 b4 a6 b6), t1 = (a1 b1 a3 b3 ...) for rows a, b.
        var t0 = Avx512F.UnpackLow(r0, r1); var t1 = Avx512F.UnpackHigh(r0, r1);
        var t2 = Avx512F.UnpackLow(r2, r3); var t3 = Avx512F.UnpackHigh(r2, r3);
        var t4 = Avx512F.UnpackLow(r4, r5); var t5 = Avx512F.UnpackHigh(r4, r5);
        var t6 = Avx512F.UnpackLow(r6, r7); var t7 = Avx512F.UnpackHigh(r6, r7);
        // Quads of rows: columns (0, 4), (2, 6), (1, 5), (3, 7) of rows 0-3 and of rows 4-7.
        var even = Vector512.Create(0L, 1, 8, 9, 4, 5, 12, 13);
        var odd = Vector512.Create(2L, 3, 10, 11, 6, 7, 14, 15);
        var u0 = Avx512F.PermuteVar8x64x2(t0, even, t2); var u1 = Avx512F.PermuteVar8x64x2(t0, odd, t2);
        var u2 = Avx512F.PermuteVar8x64x2(t1, even, t3); var u3 = Avx512F.PermuteVar8x64x2(t1, odd, t3);
        var u4 = Avx512F.PermuteVar8x64x2(t4, even, t6); var u5 = Avx512F.PermuteVar8x64x2(t4, odd, t6);
        var u6 = Avx512F.PermuteVar8x64x2(t5, even, t7); var u7 = Avx512F.PermuteVar8x64x2(t5, odd, t7);
        // The low halves of a quad of rows 0-3 and of rows 4-7 make one column, the high halves the column four further on.
        var low = Vector512.Create(0L, 1, 2, 3, 8, 9, 10, 11);
        var high = Vector512.Create(4L, 5, 6, 7, 12, 13, 14, 15);
        Avx512F.PermuteVar8x64x2(u0, low, u4).StoreUnsafe(ref d);
        Avx512F.PermuteVar8x64x2(u2, low, u6).StoreUnsafe(ref d, (nuint)destLd);
        Avx512F.PermuteVar8x64x2(u1, low, u5).StoreUnsafe(ref d, (nuint)(2 * destLd));
        Avx512F.PermuteVar8x64x2(u3, low, u7).StoreUnsafe(ref d, (nuint)(3 * destLd));
        Avx512F.PermuteVar8x64x2(u0, high, u4).StoreUnsafe(ref d, (nuint)(4 * destLd));
        Avx512F.PermuteVar8x64x2(u2, high, u6).StoreUnsafe(ref d, (nuint)(5 * destLd));
        Avx512F.PermuteVar8x64x2(u1, high, u5).StoreUnsafe(ref d, (nuint)(6 * destLd));
        Avx512F.PermuteVar8x64x2(u3, high, u7).StoreUnsafe(ref d, (nuint)(7 * destLd));
    }
}
