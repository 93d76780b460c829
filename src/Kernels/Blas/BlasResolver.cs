namespace GrnFast.Kernels.Blas;

/// <summary>
/// Picks the BLAS for a run: GRNFAST_BLAS=/path/lib.so if set, else MKL (libmkl_rt.so*), else OpenBLAS
/// (libopenblas.so.0), else the managed fallback. (Placeholder: always managed until the native path lands.)
/// </summary>
public static class BlasResolver
{
    public static IBlas Resolve(int threads = 0) => new ManagedBlas();
}
