using System.Numerics;
namespace GrnFast.Kernels.Vectors;

/// <summary>
/// The slow, obvious twins of <see cref="VectorKernels"/>: plain loops that define what each kernel computes.
/// Tests check the vector kernels against them (bit for bit) and benchmarks show what vectorizing buys.
/// Reductions follow the same fixed order as the vector kernels: term i is added into lane i mod 32, and the
/// lanes are folded by halving (lane j += lane j + 16, + 8, + 4, + 2, + 1).
/// </summary>
public static class ScalarKernels
{
    private const int Lanes = 32;

    /// <summary>sum_i x_i * y_i in the fixed 32-lane order.</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y) => DotCore(x, y);

    /// <summary>sum_i (double)x_i * (double)y_i in the fixed 32-lane order.</summary>
    public static double Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => DotCore(x, y);

    private static double DotCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : unmanaged, INumberBase<T>
    {
        KernelArguments.SameLength(x.Length, y.Length, nameof(y));
        Span<double> lanes = stackalloc double[Lanes];
        lanes.Clear();
        for (int i = 0; i < x.Length; i++) lanes[i % Lanes] += double.CreateTruncating(x[i]) * double.CreateTruncating(y[i]);
        return Fold(lanes);
    }

    /// <summary>
    /// dest[c destLd + r] = source[r sourceLd + c] for r &lt; rows, c &lt; columns: a row-major rows x columns block (rows
    /// <paramref name="sourceLd"/> apart) written transposed (rows <paramref name="destLd"/> apart). Copies only, so every
    /// instruction set gives the same bits.
    /// </summary>
    public static void Transpose(ReadOnlySpan<double> source, int sourceLd, int rows, int columns, Span<double> dest, int destLd)
    {
        KernelArguments.Transpose(source.Length, sourceLd, rows, columns, dest.Length, destLd);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++) dest[c * destLd + r] = source[r * sourceLd + c];
    }

    /// <summary>sum_i x_i^2 in the fixed 32-lane order.</summary>
    public static double SumOfSquares(ReadOnlySpan<double> x)
    {
        Span<double> lanes = stackalloc double[Lanes];
        lanes.Clear();
        for (int i = 0; i < x.Length; i++) lanes[i % Lanes] += x[i] * x[i];
        return Fold(lanes);
    }

    /// <summary>y_i += a * x_i.</summary>
    public static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        KernelArguments.SameLength(x.Length, y.Length, nameof(y));
        for (int i = 0; i < x.Length; i++) y[i] += a * x[i];
    }

    /// <summary>sign(z) * max(|z| - t, 0); z + t (NaN) when z or t is NaN.</summary>
    public static double SoftThreshold(double z, double t)
    {
        if (double.IsNaN(z) || double.IsNaN(t)) return z + t;
        if (z > t) return z - t;
        if (z < -t) return z + t;
        return 0.0;
    }

    /// <summary>dest_i = SoftThreshold(z_i, t_i).</summary>
    public static void SoftThreshold(ReadOnlySpan<double> z, ReadOnlySpan<double> t, Span<double> dest)
    {
        KernelArguments.SameLength(z.Length, t.Length, nameof(t));
        KernelArguments.DestinationFits(z.Length, dest.Length, nameof(dest));
        for (int i = 0; i < z.Length; i++) dest[i] = SoftThreshold(z[i], t[i]);
    }

    /// <summary>Mean, then population variance about it, each a fixed-order sum divided by n.</summary>
    public static (double Mean, double Variance) MeanVariance(ReadOnlySpan<float> x) => MeanVarianceCore(x);

    /// <inheritdoc cref="MeanVariance(ReadOnlySpan{float})"/>
    public static (double Mean, double Variance) MeanVariance(ReadOnlySpan<double> x) => MeanVarianceCore(x);

    private static (double Mean, double Variance) MeanVarianceCore<T>(ReadOnlySpan<T> x) where T : unmanaged, INumberBase<T>
    {
        if (x.Length == 0) return (double.NaN, double.NaN);
        Span<double> lanes = stackalloc double[Lanes];
        lanes.Clear();
        for (int i = 0; i < x.Length; i++) lanes[i % Lanes] += double.CreateTruncating(x[i]);
        double mean = Fold(lanes) / x.Length;
        lanes.Clear();
        for (int i = 0; i < x.Length; i++) { double d = double.CreateTruncating(x[i]) - mean; lanes[i % Lanes] += d * d; }
        return (mean, Fold(lanes) / x.Length);
    }

    /// <summary>dest_i = (x_i - mean) * scale.</summary>
    public static void CenterScale(ReadOnlySpan<float> x, double mean, double scale, Span<double> dest) => CenterScaleCore(x, mean, scale, dest);

    /// <inheritdoc cref="CenterScale(ReadOnlySpan{float}, double, double, Span{double})"/>
    public static void CenterScale(ReadOnlySpan<double> x, double mean, double scale, Span<double> dest) => CenterScaleCore(x, mean, scale, dest);

    /// <summary>dest_i = (float)((x_i - mean) * scale).</summary>
    public static void CenterScale(ReadOnlySpan<float> x, double mean, double scale, Span<float> dest) => CenterScaleCore(x, mean, scale, dest);

    /// <inheritdoc cref="CenterScale(ReadOnlySpan{float}, double, double, Span{float})"/>
    public static void CenterScale(ReadOnlySpan<double> x, double mean, double scale, Span<float> dest) => CenterScaleCore(x, mean, scale, dest);

    // The value is formed in double and rounded to the destination once, whatever the precisions.
    private static void CenterScaleCore<TIn, TOut>(ReadOnlySpan<TIn> x, double mean, double scale, Span<TOut> dest)
        where TIn : unmanaged, INumberBase<TIn>
        where TOut : unmanaged, INumberBase<TOut>
    {
        KernelArguments.DestinationFits(x.Length, dest.Length, nameof(dest));
        for (int i = 0; i < x.Length; i++) dest[i] = TOut.CreateTruncating((double.CreateTruncating(x[i]) - mean) * scale);
    }

    /// <summary>Per-column mean and population variance of a row-major matrix, each column summed over rows in order.</summary>
    public static void ColumnMoments(ReadOnlySpan<float> rowMajor, int rows, int cols, Span<double> mean, Span<double> variance) =>
        ColumnMomentsCore(rowMajor, rows, cols, mean, variance);

    /// <inheritdoc cref="ColumnMoments(ReadOnlySpan{float}, int, int, Span{double}, Span{double})"/>
    public static void ColumnMoments(ReadOnlySpan<double> rowMajor, int rows, int cols, Span<double> mean, Span<double> variance) =>
        ColumnMomentsCore(rowMajor, rows, cols, mean, variance);

    private static void ColumnMomentsCore<T>(ReadOnlySpan<T> rowMajor, int rows, int cols, Span<double> mean, Span<double> variance)
        where T : unmanaged, INumberBase<T>
    {
        KernelArguments.RowMajor(rowMajor.Length, rows, cols, nameof(rows));
        KernelArguments.SameLength(cols, mean.Length, nameof(mean));
        KernelArguments.SameLength(cols, variance.Length, nameof(variance));
        for (int c = 0; c < cols; c++)
        {
            double s = 0;
            for (int r = 0; r < rows; r++) s += double.CreateTruncating(rowMajor[r * cols + c]);
            double m = s / rows;
            double ss = 0;
            for (int r = 0; r < rows; r++) { double d = double.CreateTruncating(rowMajor[r * cols + c]) - m; ss += d * d; }
            mean[c] = m;
            variance[c] = ss / rows;
        }
    }

    /// <summary>dest[j * rows + r] = (x[r, columns[j]] - mean[columns[j]]) * scale[columns[j]].</summary>
    public static void GatherCenterScale(ReadOnlySpan<float> rowMajor, int rows, int cols, ReadOnlySpan<int> columns,
        ReadOnlySpan<double> mean, ReadOnlySpan<double> scale, Span<double> destColumnMajor) =>
        GatherCenterScaleCore(rowMajor, rows, cols, columns, mean, scale, destColumnMajor);

    /// <inheritdoc cref="GatherCenterScale(ReadOnlySpan{float}, int, int, ReadOnlySpan{int}, ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double})"/>
    public static void GatherCenterScale(ReadOnlySpan<double> rowMajor, int rows, int cols, ReadOnlySpan<int> columns,
        ReadOnlySpan<double> mean, ReadOnlySpan<double> scale, Span<double> destColumnMajor) =>
        GatherCenterScaleCore(rowMajor, rows, cols, columns, mean, scale, destColumnMajor);

    /// <summary>dest[j * rows + r] = (float)((x[r, columns[j]] - mean[columns[j]]) * scale[columns[j]]).</summary>
    public static void GatherCenterScale(ReadOnlySpan<float> rowMajor, int rows, int cols, ReadOnlySpan<int> columns,
        ReadOnlySpan<double> mean, ReadOnlySpan<double> scale, Span<float> destColumnMajor) =>
        GatherCenterScaleCore(rowMajor, rows, cols, columns, mean, scale, destColumnMajor);

    /// <inheritdoc cref="GatherCenterScale(ReadOnlySpan{float}, int, int, ReadOnlySpan{int}, ReadOnlySpan{double}, ReadOnlySpan{double}, Span{float})"/>
    public static void GatherCenterScale(ReadOnlySpan<double> rowMajor, int rows, int cols, ReadOnlySpan<int> columns,
        ReadOnlySpan<double> mean, ReadOnlySpan<double> scale, Span<float> destColumnMajor) =>
        GatherCenterScaleCore(rowMajor, rows, cols, columns, mean, scale, destColumnMajor);

    // One definition for every (source, destination) precision: the value is formed in double and rounded
    // to the destination once.
    private static void GatherCenterScaleCore<TIn, TOut>(ReadOnlySpan<TIn> rowMajor, int rows, int cols, ReadOnlySpan<int> columns,
        ReadOnlySpan<double> mean, ReadOnlySpan<double> scale, Span<TOut> destColumnMajor)
        where TIn : unmanaged, INumberBase<TIn>
        where TOut : unmanaged, INumberBase<TOut>
    {
        VectorKernels.CheckGather(rowMajor, rows, cols, columns, mean, scale, destColumnMajor);
        for (int j = 0; j < columns.Length; j++)
            for (int r = 0; r < rows; r++)
                destColumnMajor[j * rows + r] = TOut.CreateTruncating((double.CreateTruncating(rowMajor[r * cols + columns[j]]) - mean[columns[j]]) * scale[columns[j]]);
    }

    /// <summary>lane j += lane j + h for h = 16, 8, 4, 2, 1; returns lane 0.</summary>
    private static double Fold(Span<double> lanes)
    {
        for (int half = Lanes / 2; half >= 1; half /= 2)
            for (int j = 0; j < half; j++) lanes[j] += lanes[j + half];
        return lanes[0];
    }
}
