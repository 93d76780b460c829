using System.Runtime.InteropServices;
using GrnFast.Kernels;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Solvers.Data;

/// <summary>
/// The columns a run needs, centred and scaled to unit population variance, column-major:
/// the q regulators first, then the target genes that are not regulators. Regulators first makes
/// Z_reg a prefix of Z_all, so one GEMM Z_reg^T Z_all yields both the Gram matrix and the cross-products.
/// Exactly one of <see cref="Float64"/> / <see cref="Float32"/> is set, by the chosen precision. It may hold
/// only the first <see cref="Materialized"/> columns (the regulators) when the cross-products are taken
/// against the raw input instead; <see cref="Mean"/> and <see cref="Std"/> always cover every column.
/// </summary>
internal sealed class StandardizedExpression
{
    private StandardizedExpression(int cells, int[] sourceColumns, int regulators, int materialized, double[] mean, double[] std)
    {
        Cells = cells; SourceColumns = sourceColumns; Regulators = regulators; Materialized = materialized; Mean = mean; Std = std;
    }

    /// <summary>n, the number of cells (rows).</summary>
    public int Cells { get; }

    /// <summary>For each column of Z, its column in the expression matrix.</summary>
    public int[] SourceColumns { get; }

    /// <summary>q: the first q columns of Z are the regulators, in the problem's order.</summary>
    public int Regulators { get; }

    /// <summary>Number of columns of Z.</summary>
    public int Columns => SourceColumns.Length;

    /// <summary>How many leading columns of Z the buffer holds: all of them, or only the regulators.</summary>
    public int Materialized { get; }

    /// <summary>Mean and population standard deviation of each Z column's source (before standardising).</summary>
    public double[] Mean { get; }
    public double[] Std { get; }

    public double[]? Float64 { get; private set; }
    public float[]? Float32 { get; private set; }

    /// <summary>
    /// Standardises <paramref name="sourceColumns"/> of <paramref name="x"/> with the given moments; with
    /// <paramref name="regulatorsOnly"/> only the first <paramref name="regulators"/> columns are written.
    /// </summary>
    public static StandardizedExpression Build<T>(MatrixView<T> x, ExpressionMoments moments, int[] sourceColumns, int regulators, bool float32, int threads, bool regulatorsOnly = false)
        where T : unmanaged
    {
        int n = x.Rows, all = sourceColumns.Length, m = regulatorsOnly ? regulators : all;
        var mean = new double[all];
        var std = new double[all];
        var scale = new double[all];
        for (int k = 0; k < all; k++)
        {
            int c = sourceColumns[k];
            mean[k] = moments.Mean[c];
            std[k] = Math.Sqrt(moments.Variance[c]);
            scale[k] = 1.0 / std[k];
        }
        var z = new StandardizedExpression(n, sourceColumns, regulators, m, mean, std);
        if (float32) z.Float32 = new float[(long)n * m];
        else z.Float64 = new double[(long)n * m];

        // Columns are independent: split them over threads (each column's bits do not depend on the split).
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
        if (x.Layout == MatrixLayout.ColumnMajor)
        {
            Parallel.For(0, m, parallel, k =>
            {
                var col = x.Column(sourceColumns[k]);
                if (float32)
                {
                    var dest = z.Float32.AsSpan(k * n, n);
                    if (typeof(T) == typeof(float)) VectorKernels.CenterScale(MemoryMarshal.Cast<T, float>(col), mean[k], scale[k], dest);
                    else VectorKernels.CenterScale(MemoryMarshal.Cast<T, double>(col), mean[k], scale[k], dest);
                }
                else
                {
                    var dest = z.Float64.AsSpan(k * n, n);
                    if (typeof(T) == typeof(float)) VectorKernels.CenterScale(MemoryMarshal.Cast<T, float>(col), mean[k], scale[k], dest);
                    else VectorKernels.CenterScale(MemoryMarshal.Cast<T, double>(col), mean[k], scale[k], dest);
                }
            });
        }
        else
        {
            // Row-major (NumPy C order): the kernel gathers in tiles so each source row is read once per tile.
            // It indexes mean and scale by source column.
            var meanBySource = new double[x.Cols];
            var scaleBySource = new double[x.Cols];
            for (int k = 0; k < m; k++) { meanBySource[sourceColumns[k]] = mean[k]; scaleBySource[sourceColumns[k]] = scale[k]; }
            // Column chunks map to contiguous slices of Z and to disjoint parts of every source row.
            int chunks = Math.Max(1, Math.Min(threads, m / 64));
            Parallel.For(0, chunks, parallel, chunk =>
            {
                int k0 = (int)((long)m * chunk / chunks), k1 = (int)((long)m * (chunk + 1) / chunks);
                var columns = sourceColumns.AsSpan(k0, k1 - k0);
                var src = x.Data.Span;
                if (typeof(T) == typeof(float))
                {
                    var f = MemoryMarshal.Cast<T, float>(src);
                    if (float32) VectorKernels.GatherCenterScale(f, n, x.Cols, columns, meanBySource, scaleBySource, z.Float32.AsSpan(k0 * n, (k1 - k0) * n));
                    else VectorKernels.GatherCenterScale(f, n, x.Cols, columns, meanBySource, scaleBySource, z.Float64.AsSpan(k0 * n, (k1 - k0) * n));
                }
                else
                {
                    var d = MemoryMarshal.Cast<T, double>(src);
                    if (float32) VectorKernels.GatherCenterScale(d, n, x.Cols, columns, meanBySource, scaleBySource, z.Float32.AsSpan(k0 * n, (k1 - k0) * n));
                    else VectorKernels.GatherCenterScale(d, n, x.Cols, columns, meanBySource, scaleBySource, z.Float64.AsSpan(k0 * n, (k1 - k0) * n));
                }
            });
        }
        return z;
    }
}
