using GrnFast.Kernels.Blas;

namespace GrnFast.Solvers;

/// <summary>
/// What a run carries besides its options: cancellation, the thread budget and the BLAS. No global state:
/// two contexts can run side by side with different settings.
/// </summary>
public sealed class SolverContext
{
    public SolverContext(IBlas blas, int threads = 0, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(blas);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        Blas = blas;
        Threads = threads == 0 ? Environment.ProcessorCount : threads;
        Cancellation = cancellation;
    }

    public IBlas Blas { get; }
    public int Threads { get; }
    public CancellationToken Cancellation { get; }

    /// <summary>Receives (targets done, targets total) as a run proceeds; may be null.</summary>
    public IProgress<(int Done, int Total)>? Progress { get; init; }
}
