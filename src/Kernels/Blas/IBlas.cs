namespace GrnFast.Kernels.Blas;

/// <summary>Whether a BLAS operand is used as stored or transposed.</summary>
public enum Transpose { No, Yes }

/// <summary>
/// The level-3 BLAS routines the solvers need, column-major as in Fortran BLAS:
/// Gemm computes C = alpha*op(A)*op(B) + beta*C (op(A) m x k, op(B) k x n, C m x n);
/// Syrk computes the upper triangle of C = alpha*op(A)*op(A)^T + beta*C (C n x n; with
/// Transpose.Yes, A is k x n and C = alpha*A^T*A + beta*C). The lower triangle of C is left untouched.
/// Implementations are thread-safe for calls on distinct output buffers.
/// </summary>
public interface IBlas
{
    /// <summary>A short name: "mkl (/path)", "openblas (/path)", "managed".</summary>
    string Name { get; }

    /// <summary>Threads the library uses for one call.</summary>
    int Threads { get; }

    void Gemm(Transpose transA, Transpose transB, int m, int n, int k,
        double alpha, ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb,
        double beta, Span<double> c, int ldc);

    void Gemm(Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc);

    void Syrk(Transpose trans, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
        double beta, Span<double> c, int ldc);

    void Syrk(Transpose trans, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        float beta, Span<float> c, int ldc);
}
