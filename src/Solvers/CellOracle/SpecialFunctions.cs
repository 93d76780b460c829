namespace GrnFast.Solvers.CellOracle;

/// <summary>
/// The few special functions the edge p-values need, each also in log form so that a p-value below the smallest
/// double still has a finite -log10 p: log Gamma (Lanczos), the regularized incomplete beta I_x(a, b) and the upper
/// regularized incomplete gamma Q(a, x), both by continued fractions evaluated with the modified Lentz method
/// (relative accuracy ~1e-14 where the tail is small, which is where p-values are read).
/// </summary>
internal static class SpecialFunctions
{
    private const double Epsilon = 1e-16;
    private const double Tiny = 1e-300;
    private const int MaxTerms = 10_000;

    // Lanczos approximation, g = 7, nine terms: |relative error| < 2e-15 for x > 0.
    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    /// <summary>ln Gamma(x) for x &gt; 0.</summary>
    public static double LogGamma(double x)
    {
        if (!(x > 0)) throw new ArgumentOutOfRangeException(nameof(x), x, "log Gamma is defined here for x > 0");
        // Small arguments through Gamma(x) = Gamma(x + 1) / x keep the approximation in its accurate range.
        if (x < 0.5) return LogGamma(x + 1) - Math.Log(x);
        x -= 1;
        double sum = Lanczos[0];
        for (int i = 1; i < Lanczos.Length; i++) sum += Lanczos[i] / (x + i);
        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }

    /// <summary>
    /// ln I_x(a, b), the log of the regularized incomplete beta function. <paramref name="oneMinusX"/> is 1 - x,
    /// passed separately so callers that know it exactly (t-distribution tails) lose nothing to cancellation.
    /// </summary>
    public static double LogRegularizedBeta(double x, double oneMinusX, double a, double b)
    {
        if (x <= 0) return double.NegativeInfinity;
        if (oneMinusX <= 0) return 0;
        // The continued fraction converges fast for x < (a + 1) / (a + b + 2); otherwise use I_x(a, b) = 1 - I_{1-x}(b, a).
        if (x < (a + 1) / (a + b + 2)) return BetaFront(x, oneMinusX, a, b) + Math.Log(BetaFraction(x, a, b));
        double complement = Math.Exp(BetaFront(oneMinusX, x, b, a)) * BetaFraction(oneMinusX, b, a);
        return Math.Log(Math.Max(0, 1 - complement));
    }

    /// <summary>ln of x^a (1-x)^b / (a B(a, b)).</summary>
    private static double BetaFront(double x, double oneMinusX, double a, double b)
        => a * Math.Log(x) + b * Math.Log(oneMinusX) - Math.Log(a) - (LogGamma(a) + LogGamma(b) - LogGamma(a + b));

    /// <summary>1 / (1 + d1 / (1 + d2 / (1 + ...))) with the incomplete beta's coefficients d_k.</summary>
    private static double BetaFraction(double x, double a, double b)
    {
        // Modified Lentz on f = 0 + 1/(1 + d1/(1 + d2/(...))), after its first step: f = 1, C = 1 + 1/tiny, D = 1.
        double c = 1 / Tiny, d = 1, f = 1;
        for (int k = 1; k < MaxTerms; k++)
        {
            int m = k / 2;
            double coefficient = k % 2 == 1
                ? -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
                : m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            d = 1 / NonZero(1 + coefficient * d);
            c = NonZero(1 + coefficient / c);
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < Epsilon) return f;
        }
        return f;
    }

    /// <summary>ln Q(a, x) = ln(Gamma(a, x) / Gamma(a)), the upper regularized incomplete gamma function.</summary>
    public static double LogUpperRegularizedGamma(double a, double x)
    {
        if (x <= 0) return 0;
        double front = a * Math.Log(x) - x - LogGamma(a);
        if (x < a + 1)
        {
            // Series for the lower part P(a, x); Q = 1 - P has no cancellation problem here (Q is not small).
            double term = 1 / a, sum = term;
            for (int n = 1; n < MaxTerms; n++)
            {
                term *= x / (a + n);
                sum += term;
                if (Math.Abs(term) < Math.Abs(sum) * Epsilon) break;
            }
            return Math.Log(Math.Max(0, 1 - Math.Exp(front) * sum));
        }
        // Continued fraction Gamma(a, x) e^x x^-a = 1/(x + 1 - a - 1(1 - a)/(x + 3 - a - 2(2 - a)/(x + 5 - a - ...))).
        double bk = x + 1 - a;
        double c = 1 / Tiny, d = 1 / NonZero(bk), f = d;
        for (int k = 1; k < MaxTerms; k++)
        {
            double an = -k * (k - a);
            bk += 2;
            d = 1 / NonZero(bk + an * d);
            c = NonZero(bk + an / c);
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < Epsilon) break;
        }
        return front + Math.Log(f);
    }

    private static double NonZero(double v) => Math.Abs(v) < Tiny ? Tiny : v;
}
