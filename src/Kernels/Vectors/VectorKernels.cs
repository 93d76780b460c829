namespace GrnFast.Kernels.Vectors;

/// <summary>
/// Span kernels the solvers call. Reductions have a fixed summation order, so the same input gives the
/// same bits on every run and every thread count.
/// (Scalar placeholder bodies; the vectorized kernels and their scalar twins replace them.)
/// </summary>
public static class VectorKernels
{
    /// <summary>sum_i x_i * y_i, fixed order.</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length) throw new ArgumentException("lengths differ", nameof(y));
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += x[i] * y[i];
        return s;
    }

    /// <summary>y_i += a * x_i.</summary>
    public static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Length != y.Length) throw new ArgumentException("lengths differ", nameof(y));
        for (int i = 0; i < x.Length; i++) y[i] += a * x[i];
    }

    /// <summary>sign(z) * max(|z| - t, 0).</summary>
    public static double SoftThreshold(double z, double t) => z > t ? z - t : z < -t ? z + t : 0.0;

    /// <summary>dest_i = sign(z_i) * max(|z_i| - t_i, 0).</summary>
    public static void SoftThreshold(ReadOnlySpan<double> z, ReadOnlySpan<double> t, Span<double> dest)
    {
        for (int i = 0; i < z.Length; i++) dest[i] = SoftThreshold(z[i], t[i]);
    }

    /// <summary>Mean and population variance (1/n) of x, computed in double with a fixed order (two passes).</summary>
    public static (double Mean, double Variance) MeanVariance(ReadOnlySpan<float> x)
    {
        if (x.Length == 0) return (double.NaN, double.NaN);
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += x[i];
        double mean = s / x.Length;
        double ss = 0;
        for (int i = 0; i < x.Length; i++) { double d = x[i] - mean; ss += d * d; }
        return (mean, ss / x.Length);
    }

    /// <inheritdoc cref="MeanVariance(ReadOnlySpan{float})"/>
    public static (double Mean, double Variance) MeanVariance(ReadOnlySpan<double> x)
    {
        if (x.Length == 0) return (double.NaN, double.NaN);
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += x[i];
        double mean = s / x.Length;
        double ss = 0;
        for (int i = 0; i < x.Length; i++) { double d = x[i] - mean; ss += d * d; }
        return (mean, ss / x.Length);
    }

    /// <summary>dest_i = (x_i - mean) * scale.</summary>
    public static void CenterScale(ReadOnlySpan<float> x, double mean, double scale, Span<double> dest)
    {
        for (int i = 0; i < x.Length; i++) dest[i] = (x[i] - mean) * scale;
    }

    /// <inheritdoc cref="CenterScale(ReadOnlySpan{float}, double, double, Span{double})"/>
    public static void CenterScale(ReadOnlySpan<double> x, double mean, double scale, Span<double> dest)
    {
        for (int i = 0; i < x.Length; i++) dest[i] = (x[i] - mean) * scale;
    }

    /// <summary>dest_i = (float)((x_i - mean) * scale).</summary>
    public static void CenterScale(ReadOnlySpan<float> x, double mean, double scale, Span<float> dest)
    {
        for (int i = 0; i < x.Length; i++) dest[i] = (float)((x[i] - mean) * scale);
    }
}
