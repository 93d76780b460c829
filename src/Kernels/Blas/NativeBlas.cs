namespace GrnFast.Kernels.Blas;

/// <summary>
/// IBlas over a native CBLAS (MKL, OpenBLAS or another) called through function pointers. Arguments are
/// checked against the spans first; the spans are pinned only for the duration of the call.
/// </summary>
public sealed unsafe class NativeBlas : IBlas
{
    private readonly NativeBlasLibrary _library;

    internal NativeBlas(NativeBlasLibrary library) => _library = library;

    /// <summary>Loads the CBLAS library at <paramref name="path"/>; the message of the exception names the path when it fails.</summary>
    public static NativeBlas Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!NativeBlasLibrary.TryLoad(path, out var library, out string error)) throw new InvalidOperationException(error);
        return new NativeBlas(library!);
    }

    public string Name => $"{_library.Vendor} ({_library.Path})";

    /// <summary>The library's current thread count (1 when it has no thread-control entry point we know).</summary>
    public int Threads => _library.GetThreads != null ? _library.GetThreads() : 1;

    /// <summary>Whether <see cref="SetThreads"/> can change anything.</summary>
    public bool CanSetThreads => _library.SetThreads != null;

    /// <summary>
    /// Sets the library's thread count. This is the library's own process-wide setting (openblas_set_num_threads,
    /// MKL_Set_Num_Threads): it applies to every caller of this library in the process.
    /// </summary>
    public void SetThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        if (_library.SetThreads != null) _library.SetThreads(threads);
    }

    public void Gemm(Transpose transA, Transpose transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        BlasArguments.Gemm(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        // Pinned for the call only; native code keeps no pointer after it returns.
        fixed (double* pa = a, pb = b, pc = c)
        {
            _library.Dgemm(NativeBlasLibrary.ColMajor, Op(transA), Op(transB), m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    public void Gemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        BlasArguments.Gemm(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        // Pinned for the call only; native code keeps no pointer after it returns.
        fixed (float* pa = a, pb = b, pc = c)
        {
            _library.Sgemm(NativeBlasLibrary.ColMajor, Op(transA), Op(transB), m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    public void Syrk(Transpose trans, int n, int k, double alpha, ReadOnlySpan<double> a, int lda, double beta, Span<double> c, int ldc)
    {
        BlasArguments.Syrk(trans, n, k, a.Length, lda, c.Length, ldc);
        if (n == 0) return;
        // Pinned for the call only; native code keeps no pointer after it returns.
        fixed (double* pa = a, pc = c)
        {
            _library.Dsyrk(NativeBlasLibrary.ColMajor, NativeBlasLibrary.Upper, Op(trans), n, k, alpha, pa, lda, beta, pc, ldc);
        }
    }

    public void Syrk(Transpose trans, int n, int k, float alpha, ReadOnlySpan<float> a, int lda, float beta, Span<float> c, int ldc)
    {
        BlasArguments.Syrk(trans, n, k, a.Length, lda, c.Length, ldc);
        if (n == 0) return;
        // Pinned for the call only; native code keeps no pointer after it returns.
        fixed (float* pa = a, pc = c)
        {
            _library.Ssyrk(NativeBlasLibrary.ColMajor, NativeBlasLibrary.Upper, Op(trans), n, k, alpha, pa, lda, beta, pc, ldc);
        }
    }

    private static int Op(Transpose t) => t == Transpose.Yes ? NativeBlasLibrary.Trans : NativeBlasLibrary.NoTrans;
}
