namespace GrnFast.Solvers.CellOracle;

/// <summary>A two-sided p-value and -log10 p, the latter computed in log space so it stays finite when p underflows.</summary>
public readonly record struct PValue(double P, double NegLog10P)
{
    /// <summary>No test possible (fewer than two values, or all of them 0): p is NaN, -log10 p is 0 (CellOracle fills NaN p with 1 for it).</summary>
    public static PValue Undefined => new(double.NaN, 0);

    internal static PValue FromLog(double logP) => new(Math.Exp(logP), logP == 0 ? 0 : -logP / Math.Log(10));
}

/// <summary>
/// The two edge tests of CellOracle, as scipy computes them:
/// <list type="bullet">
/// <item>bagged ridge: one-sample t-test of an edge's bag coefficients against 0 (scipy.stats.ttest_1samp):
/// t = mean / sqrt(var_(n-1) / n), p = 2 P(T_(n-1) &gt; |t|) = I_(df/(df+t^2))(df/2, 1/2);</item>
/// <item>BayesianRidge: p = 2 Phi(0; |mu|, sigma) = erfc(|mu| / (sigma sqrt 2)) = Q(1/2, mu^2 / (2 sigma^2)).</item>
/// </list>
/// </summary>
public static class EdgeSignificance
{
    /// <summary>Two-sided p of Student's t with <paramref name="degreesOfFreedom"/> degrees of freedom.</summary>
    public static PValue StudentT(double t, double degreesOfFreedom)
    {
        if (double.IsNaN(t) || !(degreesOfFreedom > 0)) return PValue.Undefined;
        if (double.IsInfinity(t)) return new PValue(0, double.PositiveInfinity);
        double t2 = t * t;
        if (t2 == 0) return new PValue(1, 0);
        double denominator = degreesOfFreedom + t2;
        return PValue.FromLog(SpecialFunctions.LogRegularizedBeta(degreesOfFreedom / denominator, t2 / denominator, degreesOfFreedom / 2, 0.5));
    }

    /// <summary>
    /// scipy.stats.ttest_1samp(values, 0) from the values' count, mean and sum of squared deviations M2 (Welford).
    /// Fewer than 2 values, or a zero mean with zero spread, gives <see cref="PValue.Undefined"/>; a nonzero mean
    /// with zero spread gives p = 0 (t is infinite), as scipy does.
    /// </summary>
    public static PValue OneSampleT(int count, double mean, double sumSquaredDeviations)
    {
        if (count < 2 || double.IsNaN(mean)) return PValue.Undefined;
        double variance = sumSquaredDeviations / (count - 1);
        if (variance <= 0) return mean == 0 ? PValue.Undefined : new PValue(0, double.PositiveInfinity);
        return StudentT(mean / Math.Sqrt(variance / count), count - 1);
    }

    /// <summary>2 Phi(-|mean| / std): the two-sided normal p of a posterior mean and standard deviation.</summary>
    public static PValue Normal(double mean, double std)
    {
        if (double.IsNaN(mean) || double.IsNaN(std) || std < 0) return PValue.Undefined;
        if (std == 0) return mean == 0 ? PValue.Undefined : new PValue(0, double.PositiveInfinity);
        double z = Math.Abs(mean) / std;
        if (z == 0) return new PValue(1, 0);
        return PValue.FromLog(SpecialFunctions.LogUpperRegularizedGamma(0.5, 0.5 * z * z));
    }
}
