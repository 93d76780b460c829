using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GrnFast.Kernels.Blas;

/// <summary>
/// The managed level-3 driver (Goto/BLIS loop order): column blocks of C (NC) -> k blocks (KC) with op(B) packed
/// into NR-wide panels -> row blocks (MC) with op(A) packed into MR-tall panels -> the register-tile kernel.
/// Each element of C is summed over k blocks in increasing order and, within a block, over p in order, so its
/// bits depend only on KC and the kernel (FMA or not), never on the thread count or the column partition.
/// Threads take disjoint column ranges of C. Syrk is the same driver restricted to the upper triangle.
/// </summary>
internal static unsafe class BlockedGemm<T, TKernel>
    where T : unmanaged, INumber<T>
    where TKernel : struct, IGemmMicroKernel<T>
{
    /// <summary>Depth of a k block: an MR x KC panel of A and a KC x NR panel of B stay in L1 during the kernel loop.</summary>
    private static int KC => 256;

    /// <summary>Rows of a packed A block (MC x KC, ~256 KiB) that stays in L2.</summary>
    private static int MC => Math.Max(TKernel.MR, 256 * 1024 / (Unsafe.SizeOf<T>() * 256) / TKernel.MR * TKernel.MR);

    /// <summary>Columns of a packed B block (KC x NC), shared by every A block in the L3.</summary>
    private static int NC => 512 / TKernel.NR * TKernel.NR;

    /// <summary>Below this many multiply-adds a second thread costs more than it saves.</summary>
    private const long ParallelThreshold = 1L << 21;

    public static void Run(bool transA, bool transB, int m, int n, int k, T alpha, ReadOnlySpan<T> a, int lda,
        ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc, bool upperOnly, int threads)
        => Run<T>(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, upperOnly, threads);

    /// <summary>As above with op(B) stored in <typeparamref name="TB"/> and widened to T as it is packed (exact for float to double).</summary>
    public static void Run<TB>(bool transA, bool transB, int m, int n, int k, T alpha, ReadOnlySpan<T> a, int lda,
        ReadOnlySpan<TB> b, int ldb, T beta, Span<T> c, int ldc, bool upperOnly, int threads)
        where TB : unmanaged, INumberBase<TB>
    {
        if (m == 0 || n == 0) return;
        if (alpha == T.Zero || k == 0)
        {
            ScaleC(m, n, beta, c, ldc, upperOnly);
            return;
        }
        int chunks = (long)m * n * k < ParallelThreshold || threads <= 1
            ? 1
            // More chunks than threads for Syrk: its columns hold unequal work (column j has j + 1 elements).
            : Math.Min(upperOnly ? 4 * threads : threads, (n + TKernel.NR - 1) / TKernel.NR);
        if (chunks == 1)
        {
            Columns(transA, transB, m, k, alpha, a, lda, b, ldb, beta, c, ldc, upperOnly, 0, n);
            return;
        }
        // Column ranges are multiples of NR (the partition never changes a result, only who computes it).
        int width = ((n + chunks - 1) / chunks + TKernel.NR - 1) / TKernel.NR * TKernel.NR;
        int aLength = a.Length, bLength = b.Length, cLength = c.Length;
        // Pinned for the whole parallel call: the worker lambdas cannot capture spans, so they rebuild them
        // from these pointers; the fixed block outlives every worker because Parallel.For joins before it ends.
        fixed (T* pa = a, pc = c)
        fixed (TB* pb = b)
        {
            T* ptrA = pa, ptrC = pc;
            TB* ptrB = pb;
            Parallel.For(0, (n + width - 1) / width, new ParallelOptions { MaxDegreeOfParallelism = threads }, chunk =>
            {
                int j0 = chunk * width, j1 = Math.Min(n, j0 + width);
                Columns(transA, transB, m, k, alpha, new ReadOnlySpan<T>(ptrA, aLength), lda, new ReadOnlySpan<TB>(ptrB, bLength), ldb,
                    beta, new Span<T>(ptrC, cLength), ldc, upperOnly, j0, j1);
            });
        }
    }

    /// <summary>C[:, j0:j1] (its upper triangle when upperOnly) = alpha op(A) op(B)[:, j0:j1] + beta C[:, j0:j1].</summary>
    private static void Columns<TB>(bool transA, bool transB, int m, int k, T alpha, ReadOnlySpan<T> a, int lda,
        ReadOnlySpan<TB> b, int ldb, T beta, Span<T> c, int ldc, bool upperOnly, int j0, int j1)
        where TB : unmanaged, INumberBase<TB>
    {
        int mr = TKernel.MR, nr = TKernel.NR, kcMax = KC, mcMax = MC, ncMax = NC;
        // The packed blocks start on cache lines (the kernel loads MR-tall columns of A as whole vectors): rented with a
        // line to spare and pinned while in use.
        int spare = CacheLines.Bytes / Unsafe.SizeOf<T>();
        T[] rentedA = ArrayPool<T>.Shared.Rent(mcMax * kcMax + spare);
        T[] rentedB = ArrayPool<T>.Shared.Rent(ncMax * kcMax + spare);
        Span<T> edge = stackalloc T[mr * nr];
        try
        {
            fixed (T* pinnedA = rentedA, pinnedB = rentedB)
            {
                var packedA = rentedA.AsSpan(CacheLines.Offset(ref rentedA[0]), mcMax * kcMax);
                var packedB = rentedB.AsSpan(CacheLines.Offset(ref rentedB[0]), ncMax * kcMax);
                ref T cs = ref MemoryMarshal.GetReference(c);
                for (int jc = j0; jc < j1; jc += ncMax)
                {
                    int nc = Math.Min(ncMax, j1 - jc);
                    // Syrk: rows below the block's last column are all under the diagonal.
                    int mEnd = upperOnly ? Math.Min(m, jc + nc) : m;
                    for (int pc = 0; pc < k; pc += kcMax)
                    {
                        int kc = Math.Min(kcMax, k - pc);
                        TileUpdate update = pc > 0 ? TileUpdate.Accumulate : beta == T.Zero ? TileUpdate.Overwrite : TileUpdate.Scale;
                        PackB(transB, b, ldb, pc, kc, jc, nc, packedB);
                        for (int ic = 0; ic < mEnd; ic += mcMax)
                        {
                            int mc = Math.Min(mcMax, mEnd - ic);
                            PackA(transA, a, lda, ic, mc, pc, kc, packedA);
                            for (int jr = 0; jr < nc; jr += nr)
                            {
                                int nTile = Math.Min(nr, nc - jr);
                                int col = jc + jr;
                                ref T bPanel = ref packedB[jr * kc];
                                for (int ir = 0; ir < mc; ir += mr)
                                {
                                    int row = ic + ir;
                                    if (upperOnly && row > col + nTile - 1) break; // this tile and all below it are under the diagonal
                                    int mTile = Math.Min(mr, mc - ir);
                                    ref T aPanel = ref packedA[ir * kc];
                                    ref T cTile = ref Unsafe.Add(ref cs, (nuint)col * (nuint)ldc + (nuint)row);
                                    bool crossesDiagonal = upperOnly && row + mTile - 1 > col;
                                    if (mTile == mr && nTile == nr && !crossesDiagonal)
                                    {
                                        TKernel.Run(kc, ref aPanel, ref bPanel, ref cTile, (nuint)ldc, alpha, beta, update);
                                    }
                                    else
                                    {
                                        // Edge or diagonal tile: the raw sums into a buffer, then the same update in scalar.
                                        ref T e = ref MemoryMarshal.GetReference(edge);
                                        TKernel.Run(kc, ref aPanel, ref bPanel, ref e, (nuint)mr, T.One, T.Zero, TileUpdate.Overwrite);
                                        for (int j = 0; j < nTile; j++)
                                        {
                                            int iEnd = upperOnly ? Math.Min(mTile, col + j - row + 1) : mTile;
                                            for (int i = 0; i < iEnd; i++)
                                                GemmScalarKernel<T>.Update(ref Unsafe.Add(ref cTile, (nuint)j * (nuint)ldc + (nuint)i), edge[j * mr + i], alpha, beta, update);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rentedA);
            ArrayPool<T>.Shared.Return(rentedB);
        }
    }

    /// <summary>op(A)[ic:ic+mc, pc:pc+kc] into MR-tall panels, panel[p * MR + i], rows past mc zero.</summary>
    private static void PackA(bool transA, ReadOnlySpan<T> a, int lda, int ic, int mc, int pc, int kc, Span<T> packed)
    {
        int mr = TKernel.MR;
        ref T src = ref MemoryMarshal.GetReference(a);
        ref T dst = ref MemoryMarshal.GetReference(packed);
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            ref T panel = ref Unsafe.Add(ref dst, (nuint)(ir * kc));
            if (rows < mr) packed.Slice(ir * kc, mr * kc).Clear();
            if (!transA)
            {
                // panel[p, i] = A[ic + ir + i, pc + p]: column p of A is contiguous
                for (int p = 0; p < kc; p++)
                {
                    ref T column = ref Unsafe.Add(ref src, (nuint)(pc + p) * (nuint)lda + (nuint)(ic + ir));
                    ref T target = ref Unsafe.Add(ref panel, (nuint)(p * mr));
                    for (int i = 0; i < rows; i++) Unsafe.Add(ref target, i) = Unsafe.Add(ref column, i);
                }
            }
            else
            {
                // panel[p, i] = A[pc + p, ic + ir + i]: row i of op(A) is contiguous
                for (int i = 0; i < rows; i++)
                {
                    ref T row = ref Unsafe.Add(ref src, (nuint)(ic + ir + i) * (nuint)lda + (nuint)pc);
                    for (int p = 0; p < kc; p++) Unsafe.Add(ref panel, (nuint)(p * mr + i)) = Unsafe.Add(ref row, p);
                }
            }
        }
    }

    /// <summary>op(B)[pc:pc+kc, jc:jc+nc] into NR-wide panels, panel[p * NR + j], columns past nc zero.</summary>
    private static void PackB<TB>(bool transB, ReadOnlySpan<TB> b, int ldb, int pc, int kc, int jc, int nc, Span<T> packed)
        where TB : unmanaged, INumberBase<TB>
    {
        int nr = TKernel.NR;
        ref TB src = ref MemoryMarshal.GetReference(b);
        ref T dst = ref MemoryMarshal.GetReference(packed);
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            ref T panel = ref Unsafe.Add(ref dst, (nuint)(jr * kc));
            if (cols < nr) packed.Slice(jr * kc, nr * kc).Clear();
            if (!transB)
            {
                // panel[p, j] = B[pc + p, jc + jr + j]: column j of B is contiguous
                for (int j = 0; j < cols; j++)
                {
                    ref TB column = ref Unsafe.Add(ref src, (nuint)(jc + jr + j) * (nuint)ldb + (nuint)pc);
                    for (int p = 0; p < kc; p++) Unsafe.Add(ref panel, (nuint)(p * nr + j)) = Widen(Unsafe.Add(ref column, p));
                }
            }
            else
            {
                // panel[p, j] = B[jc + jr + j, pc + p]: row p of op(B) is contiguous
                for (int p = 0; p < kc; p++)
                {
                    ref TB row = ref Unsafe.Add(ref src, (nuint)(pc + p) * (nuint)ldb + (nuint)(jc + jr));
                    ref T target = ref Unsafe.Add(ref panel, (nuint)(p * nr));
                    for (int j = 0; j < cols; j++) Unsafe.Add(ref target, j) = Widen(Unsafe.Add(ref row, j));
                }
            }
        }
    }

    /// <summary>A B element as T: itself when TB is T (the JIT drops the branch), else widened.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Widen<TB>(TB value) where TB : unmanaged, INumberBase<TB> =>
        typeof(TB) == typeof(T) ? Unsafe.As<TB, T>(ref value) : T.CreateTruncating(value);

    /// <summary>C = beta C (0 without reading C when beta is 0), the whole of C or its upper triangle.</summary>
    private static void ScaleC(int m, int n, T beta, Span<T> c, int ldc, bool upperOnly)
    {
        for (int j = 0; j < n; j++)
        {
            var column = c.Slice(j * ldc, upperOnly ? Math.Min(m, j + 1) : m);
            if (beta == T.Zero) column.Clear();
            else if (beta != T.One) for (int i = 0; i < column.Length; i++) column[i] *= beta;
        }
    }
}
