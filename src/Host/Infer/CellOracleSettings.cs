using GrnFast.Solvers.CellOracle;

namespace GrnFast.Host.Infer;

/// <summary>Which CellOracle weight column <c>filter_links</c> ranks by.</summary>
internal enum LinkWeight { CoefAbs, CoefMean, NegLogP }

/// <summary>
/// CellOracle's <c>Links.filter_links(p, weight, threshold_number)</c>, per cluster: keep links with p &lt;= P (a NaN p
/// never passes), rank by the weight column descending, keep the first N.
/// </summary>
internal sealed record LinkFilter(double P, LinkWeight Weight, int Top);

/// <summary>The settings of <c>--method celloracle</c>: the fit's options, the base GRN and groups files, the link filter.</summary>
internal sealed record CellOracleSettings
{
    public required CellOracleOptions Options { get; init; }
    /// <summary>CellOracle's base-GRN table (peak_id, gene_short_name, one 0/1 column per TF); null when absent.</summary>
    public string? BaseGrn { get; init; }
    /// <summary>Cell -> cluster file; null fits all cells as one network.</summary>
    public string? Groups { get; init; }
    /// <summary>Null: every link, as <c>get_links</c> returns them.</summary>
    public LinkFilter? Filter { get; init; }
}

/// <summary>
/// The option rules of <c>--method celloracle</c>, shared by the command line and the host like
/// <see cref="InferOptionRules"/>: its own options are accepted only with it, and the elastic net's path, selection
/// and solver options are refused with it.
/// </summary>
internal static class CellOracleOptionRules
{
    /// <summary>Options that only <c>--method celloracle</c> takes (valued).</summary>
    public static readonly string[] Valued = ["--base-grn", "--groups", "--bagging", "--estimator", "--filter-p", "--filter-weight", "--filter-top"];

    private static readonly string[] ElasticNetOnly = ["--path", "--path-min-ratio", "--select", "--tol", "--max-sweeps", "--solver", "--precision", "--path-coef-index", "--path-coef-out", "--prior-weight"];

    /// <returns>The settings for celloracle; null for another method (after checking none of celloracle's options was given).</returns>
    public static CellOracleSettings? Read(IOptionValues o, string method)
    {
        if (method != "celloracle")
        {
            foreach (var option in Valued)
                if (o.Has(option)) throw o.Invalid(option, $"{o.Name(option)} applies only to {o.Name("--method")} celloracle (got {method})");
            return null;
        }
        foreach (var option in ElasticNetOnly)
            if (o.Has(option)) throw o.Invalid(option, $"{o.Name(option)} does not apply to {o.Name("--method")} celloracle");
        if (o.Choice("--prior-mode", "mask", "weight") == "weight")
            throw o.Invalid("--prior-mode", $"{o.Name("--method")} celloracle uses prior edges as a hard mask (CellOracle's base GRN); {o.Name("--prior-mode")} weight does not apply");

        var estimator = o.Choice("--estimator", "ridge", "bayesian") == "bayesian" ? CellOracleEstimator.BayesianRidge : CellOracleEstimator.BaggedRidge;
        int? bags = o.Int("--bagging", b => b >= 1, "an integer >= 1");
        if (bags is not null && estimator == CellOracleEstimator.BayesianRidge)
            throw o.Invalid("--bagging", $"{o.Name("--bagging")} sets the bags of {o.Name("--estimator")} ridge; BayesianRidge fits each target once");
        var options = new CellOracleOptions
        {
            Estimator = estimator,
            Alpha = o.Double("--alpha", a => a > 0 && double.IsFinite(a), "a finite number > 0 (ridge penalty, not scaled by the number of cells)") ?? 10,
            Bags = bags ?? 20,
            Seed = o.Int("--seed", _ => true, "an integer") ?? 123,
        };
        if (estimator == CellOracleEstimator.BayesianRidge && o.Has("--alpha"))
            throw o.Invalid("--alpha", $"{o.Name("--alpha")} is the ridge penalty of {o.Name("--estimator")} ridge; BayesianRidge estimates its own");

        LinkFilter? filter = null;
        if (o.Has("--filter-p") || o.Has("--filter-weight") || o.Has("--filter-top"))
        {
            // Unset ones take filter_links' defaults: p 0.001, weight coef_abs, threshold_number 10000.
            double p = o.Double("--filter-p", v => v >= 0 && v <= 1, "in [0, 1]") ?? 0.001;
            var weight = o.Choice("--filter-weight", "coef_abs", "coef_mean", "-logp") switch
            {
                "coef_mean" => LinkWeight.CoefMean,
                "-logp" => LinkWeight.NegLogP,
                _ => LinkWeight.CoefAbs,
            };
            int top = o.Int("--filter-top", n => n >= 1, "an integer >= 1") ?? 10_000;
            filter = new LinkFilter(p, weight, top);
        }
        return new CellOracleSettings { Options = options, BaseGrn = o.String("--base-grn"), Groups = o.String("--groups"), Filter = filter };
    }
}
