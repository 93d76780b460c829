using System.Runtime.Intrinsics;

namespace GrnFast.Kernels.Blas;

/// <summary>
/// Managed BLAS: blocked, packed GEMM/SYRK with a Vector512 (16x8 double / 32x8 float) or Vector256 (8x6 / 16x6)
/// FMA register tile, parallel over column blocks of C. Results are the same bits for any thread count; they
/// depend on the instruction set (FMA kernels vs the scalar multiply-add kernel) like any BLAS.
/// beta == 0 never reads C; alpha == 0 or k == 0 never reads A or B (the reference BLAS contract).
/// </summary>
public sealed class ManagedBlas : IBlas
{
    /// <summary>A managed BLAS using <paramref name="threads"/> threads per call (0: one per processor).</summary>
    public ManagedBlas(int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        Threads = threads == 0 ? Environment.ProcessorCount : threads;
    }

    public string Name => "managed";

    public int Threads { get; }

    public void Gemm(Transpose transA, Transpose transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        BlasArguments.Gemm(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        Run(transA == Transpose.Yes, transB == Transpose.Yes, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, upperOnly: false);
    }

    public void Gemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        BlasArguments.Gemm(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        Run(transA == Transpose.Yes, transB == Transpose.Yes, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, upperOnly: false);
    }

    /// <summary>
    /// Gemm in double with op(B) stored as float: each element is widened (exactly) as B is packed, so the result is
    /// the same bits as Gemm on a double copy of B, without making that copy. For products against float32 data.
    /// </summary>
    public void Gemm(Transpose transA, Transpose transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<float> b, int ldb, double beta, Span<double> c, int ldc)
    {
        BlasArguments.Gemm(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        bool ta = transA == Transpose.Yes, tb = transB == Transpose.Yes;
        if (Vector512.IsHardwareAccelerated)
            BlockedGemm<double, Gemm512Kernel<double>>.Run(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, upperOnly: false, Threads);
        else if (Vector256.IsHardwareAccelerated)
            BlockedGemm<double, Gemm256Kernel<double>>.Run(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, upperOnly: false, Threads);
        else
            BlockedGemm<double, GemmScalarKernel<double>>.Run(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, upperOnly: false, Threads);
    }

    public void Syrk(Transpose trans, int n, int k, double alpha, ReadOnlySpan<double> a, int lda, double beta, Span<double> c, int ldc)
    {
        BlasArguments.Syrk(trans, n, k, a.Length, lda, c.Length, ldc);
        // C = op(A) op(A)^T: No -> A * A^T (B = A transposed); Yes -> A^T * A (B = A as stored).
        bool t = trans == Transpose.Yes;
        Run(t, !t, n, n, k, alpha, a, lda, a, lda, beta, c, ldc, upperOnly: true);
    }

    public void Syrk(Transpose trans, int n, int k, float alpha, ReadOnlySpan<float> a, int lda, float beta, Span<float> c, int ldc)
    {
        BlasArguments.Syrk(trans, n, k, a.Length, lda, c.Length, ldc);
        bool t = trans == Transpose.Yes;
        Run(t, !t, n, n, k, alpha, a, lda, a, lda, beta, c, ldc, upperOnly: true);
    }

    private void Run<T>(bool transA, bool transB, int m, int n, int k, T alpha, ReadOnlySpan<T> a, int lda,
        ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc, bool upperOnly)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        if (Vector512.IsHardwareAccelerated)
            BlockedGemm<T, Gemm512Kernel<T>>.Run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, upperOnly, Threads);
        else if (Vector256.IsHardwareAccelerated)
            BlockedGemm<T, Gemm256Kernel<T>>.Run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, upperOnly, Threads);
        else
            BlockedGemm<T, GemmScalarKernel<T>>.Run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, upperOnly, Threads);
    }
}
