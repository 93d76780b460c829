using GrnFast.Host.Cli;

namespace GrnFast.Host.Shard;

/// <summary>Which inferences can run in shards: the one check behind <c>infer --shard</c> and <c>slurm submit</c>.</summary>
internal static class ShardOptions
{
    /// <summary>
    /// The methods whose targets are fitted independently of each other once the shared Gram and
    /// cross-products exist, so that any subset of targets gives those targets' exact results. A method
    /// joins this list when that holds for it (and a test shows its merged shards equal its unsharded run).
    /// </summary>
    public static readonly IReadOnlyList<string> ShardableMethods = ["lasso", "elasticnet", "ridge"];

    /// <summary>Options that only say how or where a shard runs: they may differ between the shards of one run.</summary>
    public static readonly IReadOnlyList<string> RunOnly = ["--out", "--shard", "--threads", "--timings"];

    /// <summary>Options naming input files: a run is identified by their content (SHA-256), not their path.</summary>
    public static readonly IReadOnlyList<string> InputFiles = ["--expression", "--genes", "--regulators", "--targets", "--prior"];

    /// <exception cref="UsageException">When the method cannot shard or an option has no sharded form.</exception>
    public static void Check(string method, bool pathCoefficients)
    {
        if (!ShardableMethods.Contains(method, StringComparer.OrdinalIgnoreCase))
            throw new UsageException($"--method {method} cannot run in shards yet (its per-cluster bags have no shard plan); "
                + $"methods that can: {string.Join(", ", ShardableMethods)}");
        if (pathCoefficients)
            throw new UsageException("--path-coef-out cannot be combined with shards (path coefficients are not sharded); run unsharded for them");
    }
}
