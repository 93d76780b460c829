namespace GrnFast.Simulation.Random;

/// <summary>
/// Poisson draws. Means below 10 by inversion (walk up the cumulative distribution from P(0) = e^-mu); larger means
/// by PTRS, the transformed rejection with squeeze of Hörmann (1993, "The transformed rejection method for
/// generating Poisson random variables"), whose cost does not grow with the mean.
/// </summary>
internal static class Poisson
{
    private const double InversionLimit = 10;

    public static long Sample(RandomSource random, double mean)
    {
        if (!(mean >= 0) || double.IsPositiveInfinity(mean))
            throw new ArgumentOutOfRangeException(nameof(mean), mean, "a Poisson mean must be finite and >= 0");
        if (mean == 0) return 0;
        return mean < InversionLimit ? Inversion(random, mean) : TransformedRejection(random, mean);
    }

    private static long Inversion(RandomSource random, double mean)
    {
        double u = random.NextDouble();
        double p = Math.Exp(-mean);
        double cumulative = p;
        long k = 0;
        // The tail beyond k = 200 has probability below 1e-150 for mean < 10; the bound only guards rounding.
        while (u >= cumulative && k < 200)
        {
            k++;
            p *= mean / k;
            cumulative += p;
        }
        return k;
    }

    private static long TransformedRejection(RandomSource random, double mean)
    {
        double sqrtMean = Math.Sqrt(mean);
        double logMean = Math.Log(mean);
        double b = 0.931 + 2.53 * sqrtMean;
        double a = -0.059 + 0.02483 * b;
        double inverseAlpha = 1.1239 + 1.1328 / (b - 3.4);
        double vr = 0.9277 - 3.6224 / (b - 2);
        while (true)
        {
            double u = random.NextDouble() - 0.5;
            double v = random.NextDouble();
            double us = 0.5 - Math.Abs(u);
            long k = (long)Math.Floor((2 * a / us + b) * u + mean + 0.43);
            // The squeeze: inside this box the hat and the distribution agree, no logarithms needed.
            if (us >= 0.07 && v <= vr) return k;
            if (k < 0 || (us < 0.013 && v > us)) continue;
            if (Math.Log(v) + Math.Log(inverseAlpha) - Math.Log(a / (us * us) + b) <= -mean + k * logMean - LogFactorial(k))
                return k;
        }
    }

    private static readonly double[] SmallLogFactorials = BuildSmallLogFactorials();

    /// <summary>ln k!: a table of sums below 20, Stirling's series (relative error below 1e-16 there) above.</summary>
    internal static double LogFactorial(long k)
    {
        if (k < SmallLogFactorials.Length) return SmallLogFactorials[k];
        double n = k + 1.0; // ln Gamma(n)
        double inv = 1 / n, inv2 = inv * inv;
        return (n - 0.5) * Math.Log(n) - n + 0.5 * Math.Log(2 * Math.PI)
            + inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 / 1680)));
    }

    private static double[] BuildSmallLogFactorials()
    {
        var table = new double[20];
        for (int i = 2; i < table.Length; i++) table[i] = table[i - 1] + Math.Log(i);
        return table;
    }
}
