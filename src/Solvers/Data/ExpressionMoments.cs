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
    private double ZeroVarianceFloor(int col) => 1e-24 + 1e-12 * Mean[col] * Mean[col];

    /// <param name="threads">Column-major input is split over this many threads (0 = all cores); per-column bits do not depend on it.</param>
    public static ExpressionMoments Compute(MatrixView<float> x, int threads = 0) => Compute<float>(x, threads);

    /// <inheritdoc cref="Compute(MatrixView{float}, int)"/>
    public static ExpressionMoments Compute(MatrixView<double> x, int threads = 0) => Compute<double>(x, threads);

    /// <summary>
    /// Moments of block-stored cells, one block open at a time: each block's (mean, variance) per gene from
    /// the same kernel as in-memory input, merged into the running moments with Chan et al.'s pairwise update.
    /// One block gives the same bits as <see cref="Compute(MatrixView{float}, int)"/> on that block.
    /// </summary>
    public static ExpressionMoments Compute(CellBlocks x, int threads = 0, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        int g = x.Genes;
        var mean = new double[g];
        var variance = new double[g];
        long count = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };
        foreach (var block in x.Blocks)
        {
            cancellation.ThrowIfCancellationRequested();
            if (block.Rows == 0) continue;
            using var columns = block.Open();
            long before = count, nb = columns.Rows, total = before + nb;
            Parallel.For(0, g, parallel, c =>
            {
                var (bm, bv) = VectorKernels.MeanVariance(columns.Column(c));
                if (before == 0) { mean[c] = bm; variance[c] = bv; return; }
                double d = bm - mean[c];
                mean[c] += d * nb / total;
                variance[c] = (variance[c] * before + bv * nb + d * d * ((double)before * nb / total)) / total;
            });
            count = total;
        }
        if (count == 0) { Array.Fill(mean, double.NaN); Array.Fill(variance, double.NaN); }
        return new ExpressionMoments(mean, variance);
    }

    private static ExpressionMoments Compute<T>(MatrixView<T> x, int threads) where T : unmanaged
    {
        var mean = new double[x.Cols];
        var variance = new double[x.Cols];
        if (x.Layout == MatrixLayout.ColumnMajor)
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };
            Parallel.For(0, x.Cols, parallel, c =>
            {
                var (m, v) = typeof(T) == typeof(float)
                    ? VectorKernels.MeanVariance(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(x.Column(c)))
                    : VectorKernels.MeanVariance(System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(x.Column(c)));
                mean[c] = m; variance[c] = v;
            });
        }
        else if (typeof(T) == typeof(float))
            VectorKernels.ColumnMoments(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(x.Data.Span), x.Rows, x.Cols, mean, variance);
        else
            VectorKernels.ColumnMoments(System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(x.Data.Span), x.Rows, x.Cols, mean, variance);
        return new ExpressionMoments(mean, variance);
    }
}
