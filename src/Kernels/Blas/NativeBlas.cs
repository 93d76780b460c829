namespace GrnFast.Kernels.Blas;

/// <summary>
/// IBlas over a native CBLAS (MKL, OpenBLAS or another) called through function pointers. Arguments are
/// checked against the spans first; the spans are pinned only for the duration of the call.
/// </summary>
public sealed unsafe class NativeBlas : IBlas
{
    private readonly NativeBlasLibrary _library;

    /// <param name="threads">Threads per call; 0: the library's default (<see cref="NativeBlasLibrary.DefaultThreads"/>).</param>
    internal NativeBlas(NativeBlasLibrary library, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        _library = library;
        Threads = library.SetThreads == null ? 1 : threads == 0 ? library.DefaultThreads : threads;
    }

    /// <summary>Loads the CBLAS library at <paramref name="path"/>; the message of the exception names the path when it fails.</summary>
    /// <param name="threads">Threads per call; 0: the library's default.</param>
    public static NativeBlas Load(string path, int threads = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!NativeBlasLibrary.TryLoad(path, out var library, out string error)) throw new InvalidOperationException(error);
        return new NativeBlas(library!, threads);
    }

    public string Name => $"{_library.Vendor} ({_library.Path})";

    /// <summary>
    /// The threads every call of this object runs on (1 when the library has no thread-control entry point we know).
    /// The library's setting is process-wide; each call sets it to this count, waiting for calls made with another
    /// count to leave the library first, so another NativeBlas in the process never changes this one's results.
    /// </summary>
    public int Threads { get; }

    /// <summary>Whether the library has a thread-control entry point (otherwise <see cref="Threads"/> is 1 whatever was asked).</summary>
    public bool CanSetThreads => _library.SetThreads != null;

    public void Gemm(Transpose transA, Transpose transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        BlasArguments.Gemm(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        // Pinned for the call only; native code keeps no pointer after it returns.
        using var call = _library.Enter(Threads);
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
        using var call = _library.Enter(Threads);
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
        using var call = _library.Enter(Threads);
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
        using var call = _library.Enter(Threads);
        fixed (float* pa = a, pc = c)
        {
            _library.Ssyrk(NativeBlasLibrary.ColMajor, NativeBlasLibrary.Upper, Op(trans), n, k, alpha, pa, lda, beta, pc, ldc);
        }
    }

    private static int Op(Transpose t) => t == Transpose.Yes ? NativeBlasLibrary.Trans : NativeBlasLibrary.NoTrans;
}
