using GrnFast.Kernels;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Solvers.Data;

/// <summary>
/// Per-gene mean and population variance (1/n) of a cells x genes matrix, in double. A gene with a NaN or
/// infinite value has a non-finite mean; a gene with variance 0 cannot be standardised.
/// </summary>
public sealed class ExpressionMoments
{
    private ExpressionMoments(double[] mean, double[] variance) { Mean = mean; Variance = variance; }

    public double[] Mean { get; }
    public double[] Variance { get; }

    /// <summary>True when column <paramref name="col"/> has finite moments and a variance above round-off.</summary>
    public bool IsUsable(int col) => double.IsFinite(Mean[col]) && double.IsFinite(Variance[col]) && Variance[col] > ZeroVarianceFloor(col);

    /// <summary>A variance this small relative to the squared mean is round-off, not signal.</summary>
    public double ZeroVarianceFloor(int col) => 1e-24 + 1e-12 * Mean[col] * Mean[col];

    public static ExpressionMoments Compute(MatrixView<float> x) => Compute<float>(x);
    public static ExpressionMoments Compute(MatrixView<double> x) => Compute<double>(x);

    private static ExpressionMoments Compute<T>(MatrixView<T> x) where T : unmanaged
    {
        var mean = new double[x.Cols];
        var variance = new double[x.Cols];
        if (x.Layout == MatrixLayout.ColumnMajor)
        {
            for (int c = 0; c < x.Cols; c++)
            {
                var (m, v) = typeof(T) == typeof(float)
                    ? VectorKernels.MeanVariance(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(x.Column(c)))
                    : VectorKernels.MeanVariance(System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(x.Column(c)));
                mean[c] = m; variance[c] = v;
            }
        }
        else if (typeof(T) == typeof(float))
            VectorKernels.ColumnMoments(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(x.Data.Span), x.Rows, x.Cols, mean, variance);
        else
            VectorKernels.ColumnMoments(System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(x.Data.Span), x.Rows, x.Cols, mean, variance);
        return new ExpressionMoments(mean, variance);
    }
}
