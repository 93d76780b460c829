namespace GrnFast.Kernels.Blas;

/// <summary>Managed fallback BLAS. (Naive placeholder; the blocked, vectorized version replaces it.)</summary>
public sealed class ManagedBlas : IBlas
{
    public string Name => "managed";
    public int Threads => 1;

    public void Gemm(Transpose transA, Transpose transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                {
                    double av = transA == Transpose.No ? a[p * lda + i] : a[i * lda + p];
                    double bv = transB == Transpose.No ? b[j * ldb + p] : b[p * ldb + j];
                    s += av * bv;
                }
                c[j * ldc + i] = alpha * s + (beta == 0 ? 0 : beta * c[j * ldc + i]);
            }
    }

    public void Gemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                float s = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transA == Transpose.No ? a[p * lda + i] : a[i * lda + p];
                    float bv = transB == Transpose.No ? b[j * ldb + p] : b[p * ldb + j];
                    s += av * bv;
                }
                c[j * ldc + i] = alpha * s + (beta == 0 ? 0 : beta * c[j * ldc + i]);
            }
    }

    public void Syrk(Transpose trans, int n, int k, double alpha, ReadOnlySpan<double> a, int lda, double beta, Span<double> c, int ldc)
    {
        for (int j = 0; j < n; j++)
            for (int i = 0; i <= j; i++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                    s += trans == Transpose.No ? a[p * lda + i] * a[p * lda + j] : a[i * lda + p] * a[j * lda + p];
                c[j * ldc + i] = alpha * s + (beta == 0 ? 0 : beta * c[j * ldc + i]);
            }
    }

    public void Syrk(Transpose trans, int n, int k, float alpha, ReadOnlySpan<float> a, int lda, float beta, Span<float> c, int ldc)
    {
        for (int j = 0; j < n; j++)
            for (int i = 0; i <= j; i++)
            {
                float s = 0;
                for (int p = 0; p < k; p++)
                    s += trans == Transpose.No ? a[p * lda + i] * a[p * lda + j] : a[i * lda + p] * a[j * lda + p];
                c[j * ldc + i] = alpha * s + (beta == 0 ? 0 : beta * c[j * ldc + i]);
            }
    }
}
