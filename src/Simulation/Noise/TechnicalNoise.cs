using GrnFast.Simulation.Random;

namespace GrnFast.Simulation.Noise;

/// <summary>What the expression matrix holds.</summary>
public enum ExpressionValues
{
    /// <summary>Counts: library-size scaling, optional dropout, Poisson sampling (UMI-like integers).</summary>
    Counts,

    /// <summary>log1p(counts / cell total * 10^4): the counts, normalised the usual way (Scanpy's normalize_total + log1p).</summary>
    LogNormalized,

    /// <summary>The simulated concentrations themselves (with dropout if asked), no library size, no sampling.</summary>
    Clean,
}

/// <summary>Technical noise on top of the simulated concentrations (SERGIO's and Splatter's model, parameterised by what is measured).</summary>
public sealed record TechnicalNoiseOptions
{
    public ExpressionValues Values { get; init; } = ExpressionValues.Counts;

    /// <summary>Mean total count per cell before dropout (default 10 x genes).</summary>
    public double? LibrarySize { get; init; }

    /// <summary>sigma of the log-normal cell size factors (mean 1): ln s ~ N(-sigma^2/2, sigma^2). 0 gives equal depths.</summary>
    public double LibrarySigma { get; init; } = 0.3;

    /// <summary>The requested fraction of zeros in the output, reached by dropout; null for no dropout.</summary>
    public double? DropoutRate { get; init; }

    /// <summary>k, the slope of the logistic keep probability in log1p(expected value) (SERGIO's default 1).</summary>
    public double DropoutShape { get; init; } = 1;

    /// <summary>The counts-per scale of the log-normalised values (default 10^4).</summary>
    public double NormalizedTotal { get; init; } = 1e4;

    public void Validate()
    {
        if (LibrarySize is { } l && (!(l > 0) || !double.IsFinite(l))) throw new ArgumentOutOfRangeException(nameof(LibrarySize), l, "must be finite and > 0");
        if (!(LibrarySigma >= 0) || !double.IsFinite(LibrarySigma)) throw new ArgumentOutOfRangeException(nameof(LibrarySigma), LibrarySigma, "must be finite and >= 0");
        if (DropoutRate is { } d && !(d is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(DropoutRate), d, "must be in (0, 1)");
        if (!(DropoutShape > 0) || !double.IsFinite(DropoutShape)) throw new ArgumentOutOfRangeException(nameof(DropoutShape), DropoutShape, "must be finite and > 0");
        if (!(NormalizedTotal > 0) || !double.IsFinite(NormalizedTotal)) throw new ArgumentOutOfRangeException(nameof(NormalizedTotal), NormalizedTotal, "must be finite and > 0");
    }
}

/// <summary>The measured matrix and what was done to get it.</summary>
/// <param name="Values">cells x genes, row-major, float32.</param>
/// <param name="SizeFactors">s_c per cell (1 for clean values).</param>
/// <param name="TotalCounts">Counts per cell after dropout (NaN for clean values).</param>
/// <param name="LibraryScale">The constant that turns mean concentration totals into the requested library size.</param>
/// <param name="DropoutMidpoint">x0 of the logistic, when dropout was asked for.</param>
/// <param name="BaselineZeroFraction">Expected zero fraction without dropout (Poisson zeros of counts).</param>
/// <param name="ZeroFraction">Fraction of exact zeros in <see cref="Values"/>.</param>
public sealed record TechnicalNoiseResult(float[] Values, double[] SizeFactors, double[] TotalCounts, double LibraryScale,
    double? DropoutMidpoint, double BaselineZeroFraction, double ZeroFraction);

/// <summary>A requested dropout rate below the zero fraction the data already has.</summary>
public sealed class DropoutRateException(string message) : Exception(message);

/// <summary>
/// Turns concentrations x (cells x genes) into measurements:
/// <list type="number">
/// <item>library size: mu_cg = x_cg * L / mean_c(sum_g x_cg) * s_c with s_c log-normal of mean 1 (relative totals between cells survive);</item>
/// <item>dropout: an entry is kept with probability pi = 1 / (1 + exp(-k (ln(1 + mu) - x0))), low values dropped more often,
/// with x0 found by bisection so that the expected fraction of zeros in the output equals the requested rate;</item>
/// <item>counts ~ Poisson(mu) for kept entries, 0 for dropped; or log1p(count / total * 10^4).</item>
/// </list>
/// Clean values skip steps 1 and 3 (mu = x). Each cell draws from its own streams, so threads do not change the result.
/// </summary>
public static class TechnicalNoise
{
    private const int BisectionSteps = 100;

    public static TechnicalNoiseResult Apply(ReadOnlySpan<double> clean, int cells, int genes, TechnicalNoiseOptions options, ulong seed, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (clean.Length != (long)cells * genes) throw new ArgumentException($"expected {cells} x {genes} values, got {clean.Length}", nameof(clean));
        bool counting = options.Values != ExpressionValues.Clean;
        var mu = clean.ToArray();
        var sizeFactors = new double[cells];
        double scale = 1;
        if (counting)
        {
            double totals = 0;
            for (int c = 0; c < cells; c++)
            {
                double rowTotal = 0;
                foreach (double v in clean.Slice(c * genes, genes)) rowTotal += v;
                totals += rowTotal;
            }
            double meanTotal = cells == 0 ? 0 : totals / cells;
            double library = options.LibrarySize ?? 10.0 * genes;
            scale = meanTotal > 0 ? library / meanTotal : 0;
            double sigma = options.LibrarySigma;
            for (int c = 0; c < cells; c++)
            {
                var random = RandomSource.Stream(seed, StreamPurpose.TechnicalNoise, c, 0);
                sizeFactors[c] = Math.Exp(sigma * random.NextNormal() - 0.5 * sigma * sigma);
                double f = scale * sizeFactors[c];
                var row = mu.AsSpan(c * genes, genes);
                for (int g = 0; g < genes; g++) row[g] *= f;
            }
        }
        else Array.Fill(sizeFactors, 1.0);

        double baseline = ExpectedZeroFraction(mu, counting, null, options.DropoutShape);
        double? midpoint = null;
        if (options.DropoutRate is { } rate)
        {
            if (rate <= baseline)
                throw new DropoutRateException(
                    $"the requested dropout rate {rate:G4} is not above the zero fraction the data has without dropout ({baseline:G4}"
                    + (counting ? ", Poisson zeros of the counts); ask for a higher rate or a larger library size" : "); ask for a higher rate"));
            midpoint = CalibrateMidpoint(mu, counting, options.DropoutShape, rate);
        }

        var values = new float[mu.Length];
        var totalCounts = new double[cells];
        var options2 = options;
        Parallel.For(0, cells, new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount }, c =>
        {
            var random = RandomSource.Stream(seed, StreamPurpose.TechnicalNoise, c, 1);
            var row = mu.AsSpan(c * genes, genes);
            var outRow = values.AsSpan(c * genes, genes);
            double total = 0;
            for (int g = 0; g < genes; g++)
            {
                double m = row[g];
                bool kept = midpoint is not { } x0 || random.NextDouble() < KeepProbability(m, options2.DropoutShape, x0);
                double v = counting ? (kept ? random.NextPoisson(m) : 0) : (kept ? m : 0);
                total += v;
                outRow[g] = (float)v;
            }
            totalCounts[c] = counting ? total : double.NaN;
            if (options2.Values == ExpressionValues.LogNormalized && total > 0)
                for (int g = 0; g < genes; g++) outRow[g] = (float)Math.Log(1 + outRow[g] / total * options2.NormalizedTotal);
        });
        long zeros = 0;
        foreach (float v in values) if (v == 0) zeros++;
        return new TechnicalNoiseResult(values, sizeFactors, totalCounts, scale, midpoint, baseline,
            values.Length == 0 ? 0 : (double)zeros / values.Length);
    }

    /// <summary>pi = 1 / (1 + exp(-k (ln(1 + mu) - x0))).</summary>
    public static double KeepProbability(double mu, double shape, double midpoint)
        => 1 / (1 + Math.Exp(-shape * (Math.Log(1 + mu) - midpoint)));

    /// <summary>Mean over entries of P(output = 0): 1 - pi (1 - e^-mu) for counts, 1 - pi [mu &gt; 0] for clean values.</summary>
    internal static double ExpectedZeroFraction(ReadOnlySpan<double> mu, bool counting, double? midpoint, double shape)
    {
        var (logs, nonZero) = Prepare(mu, counting);
        return ExpectedZeroFraction(logs, nonZero, midpoint, shape);
    }

    private static (double[] Logs, double[] NonZero) Prepare(ReadOnlySpan<double> mu, bool counting)
    {
        var logs = new double[mu.Length];
        var nonZero = new double[mu.Length];
        for (int i = 0; i < mu.Length; i++)
        {
            logs[i] = Math.Log(1 + mu[i]);
            nonZero[i] = counting ? PoissonNonZero(mu[i]) : (mu[i] > 0 ? 1 : 0);
        }
        return (logs, nonZero);
    }

    // P(Poisson(mu) > 0) = 1 - e^-mu, by its series where the subtraction would cancel.
    private static double PoissonNonZero(double mu) => mu < 1e-5 ? mu * (1 - 0.5 * mu) : 1 - Math.Exp(-mu);

    private static double ExpectedZeroFraction(double[] logs, double[] nonZero, double? midpoint, double shape)
    {
        if (logs.Length == 0) return 0;
        double sum = 0;
        for (int i = 0; i < logs.Length; i++)
        {
            double keep = midpoint is { } x0 ? 1 / (1 + Math.Exp(-shape * (logs[i] - x0))) : 1;
            sum += 1 - keep * nonZero[i];
        }
        return sum / logs.Length;
    }

    // The expected zero fraction rises monotonically with x0 from the baseline (x0 -> -inf) to 1 (x0 -> +inf).
    private static double CalibrateMidpoint(double[] mu, bool counting, double shape, double rate)
    {
        var (logs, nonZero) = Prepare(mu, counting);
        double top = logs.Length == 0 ? 0 : logs.Max();
        double lo = -40 / shape, hi = top + 40 / shape;
        for (int i = 0; i < BisectionSteps && hi - lo > 1e-9; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (ExpectedZeroFraction(logs, nonZero, mid, shape) < rate) lo = mid;
            else hi = mid;
        }
        return 0.5 * (lo + hi);
    }
}
