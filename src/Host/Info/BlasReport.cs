using GrnFast.Kernels;
using GrnFast.Kernels.Blas;

namespace GrnFast.Host.Info;

/// <summary>
/// Which BLAS does what, as <c>grnfast info</c> and the host's <c>info</c> report it. Infer's cross-products (the
/// elastic-net family's Gram and X^T y, celloracle's per-bag products) always use the managed GEMM: each entry is
/// summed in a fixed order whatever the thread count and the other columns of the call, so neither --threads nor
/// shards change a result. The native library the resolver finds (GRNFAST_BLAS, else MKL, else OpenBLAS) is only
/// reported: infer does not use it.
/// </summary>
internal static class BlasReport
{
    /// <summary>The name infer's runs report as their BLAS (InferPipeline and CellOracleRun build a <see cref="ManagedBlas"/>).</summary>
    public static string Infer { get; } = new ManagedBlas(1).Name;

    /// <summary>"managed (blocked GEMM, AVX-512F kernels; ...)".</summary>
    public static string InferDescription
        => $"{Infer} (blocked GEMM, {KernelInfo.InstructionSet} kernels; fixed summation order: --threads and shards never change a result)";

    /// <summary>The native library found, e.g. "openblas (/usr/lib/x86_64-linux-gnu/libopenblas.so.0)"; "none" or "unusable (why)".</summary>
    public static string Native
    {
        get
        {
            // Resolve() makes no BLAS call, so it changes no library setting.
            try { return BlasResolver.Resolve() is { } blas && blas is not ManagedBlas ? blas.Name : "none"; }
            catch (InvalidOperationException e) { return $"unusable ({e.Message})"; }
        }
    }

    /// <summary>The native library, how it was found, and which methods use it (netrex-cf, pmf-grn and joint; the others use the managed GEMM).</summary>
    public static string NativeDescription
    {
        get
        {
            string native = Native;
            string how = BlasResolver.Describe();
            if (native == "none") return $"none: {how[(how.IndexOf(':') + 1)..].Trim()}";
            return native.StartsWith("unusable", StringComparison.Ordinal) ? native : $"{how}; used by netrex-cf, pmf-grn and joint (lasso, elasticnet, ridge and celloracle use the managed GEMM)";
        }
    }
}
