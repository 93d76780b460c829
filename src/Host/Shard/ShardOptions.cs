using GrnFast.Host.Cli;
using GrnFast.Host.Infer;

namespace GrnFast.Host.Shard;

/// <summary>Which inferences can run in shards: the one check behind <c>infer --shard</c> and <c>slurm submit</c>.</summary>
internal static class ShardOptions
{
    /// <summary>
    /// The methods whose targets are fitted independently of each other, so that any subset of targets gives those
    /// targets' exact results (the same bits): the elastic-net family once the shared Gram and cross-products exist,
    /// and celloracle, whose bootstrap cells are drawn per (cluster, bag) and feature subsets per (cluster, bag,
    /// target gene). A method joins this list when that holds for it and a test shows its merged shards equal its
    /// unsharded run byte for byte; every other value of --method is refused, and named, by <see cref="Check(string, bool)"/>.
    /// </summary>
    public static readonly IReadOnlyList<string> ShardableMethods = ["lasso", "elasticnet", "ridge", "celloracle"];

    /// <summary>Options that only say how or where a shard runs: they may differ between the shards of one run.</summary>
    public static readonly IReadOnlyList<string> RunOnly = ["--out", "--shard", "--threads", "--timings"];

    /// <summary>Options naming input files: a run is identified by their content (SHA-256), not their path.</summary>
    public static readonly IReadOnlyList<string> InputFiles = ["--expression", "--genes", "--regulators", "--targets", "--prior", "--base-grn", "--groups"];

    /// <exception cref="UsageException">When the method cannot shard or an option has no sharded form.</exception>
    public static void Check(string method, bool pathCoefficients) => Check(method, pathCoefficients, InferOptionRules.Methods);

    /// <param name="methods">Every value --method takes: those not in <see cref="ShardableMethods"/> are the ones the message names as unable to shard.</param>
    internal static void Check(string method, bool pathCoefficients, IReadOnlyList<string> methods)
    {
        if (!ShardableMethods.Contains(method, StringComparer.OrdinalIgnoreCase))
        {
            var cannot = methods.Append(method).Where(m => !ShardableMethods.Contains(m, StringComparer.OrdinalIgnoreCase))
                .Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            throw new UsageException($"--method {method} cannot run in shards: a shard fits a subset of the targets, which gives "
                + "the unsharded results only for methods that fit every target independently of the others. "
                + $"Methods that cannot shard: {string.Join(", ", cannot)}; methods that can: {string.Join(", ", ShardableMethods)}");
        }
        if (pathCoefficients)
            throw new UsageException("--path-coef-out cannot be combined with shards (path coefficients are not sharded); run unsharded for them");
    }
}
