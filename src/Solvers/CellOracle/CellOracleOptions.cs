namespace GrnFast.Solvers.CellOracle;

/// <summary>The per-target model of CellOracle's GRN fit.</summary>
public enum CellOracleEstimator
{
    /// <summary>
    /// scikit-learn's BaggingRegressor(Ridge(alpha), bootstrap=True, max_features=0.8): each bag solves
    /// min ||W^(1/2) (y - b - X_S theta)||^2 + alpha ||theta||^2 with the bootstrap counts W on a random 80% S of the
    /// candidates; an edge's weight is its mean coefficient over the bags that drew it, p a t-test against 0.
    /// </summary>
    BaggedRidge,

    /// <summary>scikit-learn's BayesianRidge (evidence maximisation over the noise and weight precisions); p from the posterior mean and std.</summary>
    BayesianRidge,
}

/// <summary>
/// Options of the CellOracle-compatible fit (morris-lab/CellOracle, <c>Oracle.get_links</c>): defaults alpha 10 and 20 bags,
/// as <c>get_links</c> has them. Regulators are scaled by their standard deviation over all cells (CellOracle's
/// <c>StandardScaler(with_mean=False)</c> on the whole matrix, before the split into clusters); targets stay unscaled.
/// </summary>
public sealed record CellOracleOptions
{
    public CellOracleEstimator Estimator { get; init; } = CellOracleEstimator.BaggedRidge;

    /// <summary>Ridge alpha, not scaled by the number of cells (scikit-learn's Ridge convention).</summary>
    public double Alpha { get; init; } = 10;

    /// <summary>Number of bootstrap bags (CellOracle's bagging_number).</summary>
    public int Bags { get; init; } = 20;

    /// <summary>Fraction of a target's candidates in each bag: max(1, floor(fraction * candidates)), as BaggingRegressor's max_features.</summary>
    public double FeatureFraction { get; init; } = 0.8;

    /// <summary>Seed of the bootstrap and feature draws; the same seed gives the same bits for any thread count.</summary>
    public int Seed { get; init; } = 123;

    /// <summary>BayesianRidge: at most this many evidence iterations (scikit-learn's n_iter, 300).</summary>
    public int MaxIterations { get; init; } = 300;

    /// <summary>BayesianRidge: stop when sum |coef_old - coef| &lt; tol (scikit-learn's tol, 1e-3).</summary>
    public double Tolerance { get; init; } = 1e-3;

    /// <summary>BayesianRidge Gamma hyperpriors on the noise precision (alpha_1, alpha_2) and the weight precision (lambda_1, lambda_2); scikit-learn's 1e-6.</summary>
    public double Alpha1 { get; init; } = 1e-6;
    public double Alpha2 { get; init; } = 1e-6;
    public double Lambda1 { get; init; } = 1e-6;
    public double Lambda2 { get; init; } = 1e-6;

    /// <summary>Keep every bag's coefficients in the result (agreement tests and diagnostics; memory targets x candidates x bags).</summary>
    public bool KeepBagCoefficients { get; init; }

    /// <summary>Throws with the option's name if a value is out of range.</summary>
    public void Validate()
    {
        if (!(Alpha > 0 && double.IsFinite(Alpha))) throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "alpha must be finite and > 0");
        if (Bags < 1) throw new ArgumentOutOfRangeException(nameof(Bags), Bags, "at least one bag is needed");
        if (!(FeatureFraction > 0 && FeatureFraction <= 1)) throw new ArgumentOutOfRangeException(nameof(FeatureFraction), FeatureFraction, "the feature fraction must be in (0, 1]");
        if (MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "at least one iteration is needed");
        if (!(Tolerance > 0 && double.IsFinite(Tolerance))) throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "the tolerance must be finite and > 0");
        foreach (var (name, v) in new[] { (nameof(Alpha1), Alpha1), (nameof(Alpha2), Alpha2), (nameof(Lambda1), Lambda1), (nameof(Lambda2), Lambda2) })
            if (!(v >= 0 && double.IsFinite(v))) throw new ArgumentOutOfRangeException(name, v, "hyperprior parameters must be finite and >= 0");
    }

    /// <summary>How many of <paramref name="candidates"/> a bag draws.</summary>
    public int FeaturesPerBag(int candidates) => candidates == 0 ? 0 : Math.Max(1, (int)(FeatureFraction * candidates));
}
