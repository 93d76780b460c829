using GrnFast.Solvers.NetRex;

namespace GrnFast.Host.Infer;

/// <summary>The settings of <c>--method netrex-cf</c>: the solver's options (the priors come as <c>--prior</c> files, one per source).</summary>
internal sealed record NetRexCfSettings(NetRexCfOptions Options);

/// <summary>
/// The option rules of <c>--method netrex-cf</c>, shared by the command line and the host like <see cref="InferOptionRules"/>:
/// its own options only with it, at least one prior source, and none of the elastic net's path, penalty or prior-mode options.
/// </summary>
internal static class NetRexCfOptionRules
{
    /// <summary>Options that only <c>--method netrex-cf</c> takes (valued).</summary>
    public static readonly string[] Valued = ["--latent-factors", "--iterations", "--refits", "--refit-iterations", "--factor-block", "--data-weight"];

    private static readonly string[] NotApplicable = ["--alpha", "--path", "--path-min-ratio", "--select", "--max-sweeps", "--solver", "--precision", "--path-coef-index", "--path-coef-out", "--prior-mode", "--prior-weight"];

    /// <returns>The settings for netrex-cf; null for another method (after checking none of netrex-cf's options was given).</returns>
    public static NetRexCfSettings? Read(IOptionValues o, string method, int priorCount)
    {
        if (method != "netrex-cf")
        {
            foreach (var option in Valued)
                if (o.Has(option)) throw o.Invalid(option, $"{o.Name(option)} applies only to {o.Name("--method")} netrex-cf (got {method})");
            return null;
        }
        foreach (var option in NotApplicable)
            if (o.Has(option)) throw o.Invalid(option, $"{o.Name(option)} does not apply to {o.Name("--method")} netrex-cf");
        if (priorCount == 0)
            throw o.Invalid("--method", $"{o.Name("--method")} netrex-cf needs prior knowledge: give at least one {o.Name("--prior FILE")} (one per source)");
        var defaults = new NetRexCfOptions();
        var options = new NetRexCfOptions
        {
            LatentFactors = o.Int("--latent-factors", d => d >= 1, "an integer >= 1") ?? defaults.LatentFactors,
            MaxIterations = o.Int("--iterations", k => k >= 1, "an integer >= 1") ?? defaults.MaxIterations,
            Refits = o.Int("--refits", k => k >= 0, "an integer >= 0 (0: confidence from the full fit)") ?? defaults.Refits,
            RefitIterations = o.Int("--refit-iterations", k => k >= 1, "an integer >= 1") ?? defaults.RefitIterations,
            FactorBlock = o.Int("--factor-block", k => k >= 1, "an integer >= 1") ?? defaults.FactorBlock,
            Tolerance = o.Double("--tol", t => t > 0 && double.IsFinite(t), "a finite number > 0 (relative change of the objective)") ?? defaults.Tolerance,
            DataWeight = o.Double("--data-weight", w => w > 0 && double.IsFinite(w), "a finite number > 0") ?? defaults.DataWeight,
            Seed = o.Int("--seed", _ => true, "an integer") ?? defaults.Seed,
        };
        options.Validate();
        return new NetRexCfSettings(options);
    }
}
