using System.Runtime.InteropServices;
using GrnFast.Kernels;

namespace GrnFast.Solvers.CellOracle;

/// <summary>
/// The columns a cluster's fits need, over the cluster's cells, as one dense column-major double matrix Z
/// (cells x columns): z = (x - mean over the cluster) / scale, with scale the column's standard deviation over all
/// cells (CellOracle standardises the whole matrix, then splits it into clusters). Centring changes no ridge or
/// BayesianRidge coefficient (both fit an intercept) but keeps the weighted Gram G - s s^T / N free of cancellation.
/// A column constant over the cluster is exactly 0 and flagged.
/// </summary>
internal sealed class ClusterExpression
{
    private ClusterExpression(int cells, int columns, double[] z, bool[] constant)
    {
        Cells = cells; Columns = columns; Z = z; Constant = constant;
    }

    public int Cells { get; }
    public int Columns { get; }
    /// <summary>Column-major, leading dimension <see cref="Cells"/>.</summary>
    public double[] Z { get; }
    public bool[] Constant { get; }

    public ReadOnlySpan<double> Column(int k) => Z.AsSpan(k * Cells, Cells);

    /// <summary>Gathers and standardises <paramref name="sourceColumns"/> of the cluster's <paramref name="rows"/>.</summary>
    public static ClusterExpression Build(ExpressionSource x, int[] rows, int[] sourceColumns, double[] scale, int threads)
    {
        int n = rows.Length, m = sourceColumns.Length;
        var z = new double[(long)n * m];
        x.Gather(rows, sourceColumns, z, threads);
        var constant = new bool[m];
        Parallel.For(0, m, new ParallelOptions { MaxDegreeOfParallelism = threads }, k =>
        {
            var col = z.AsSpan(k * n, n);
            double first = n > 0 ? col[0] : 0, sum = 0;
            bool same = true;
            foreach (var v in col) { sum += v; same &= v == first; }
            if (same)
            {
                // The mean of equal values need not round back to the value: write the exact zeros.
                col.Clear();
                constant[k] = true;
                return;
            }
            double mean = sum / n, inv = 1 / scale[k];
            for (int i = 0; i < n; i++) col[i] = (col[i] - mean) * inv;
        });
        return new ClusterExpression(n, m, z, constant);
    }
}

/// <summary>Random access to rows x columns of the expression, whatever its storage.</summary>
internal abstract class ExpressionSource
{
    public abstract int Cells { get; }
    public abstract int Genes { get; }

    /// <summary>Writes x[rows[i], columns[k]] to dest[k * rows.Length + i].</summary>
    public abstract void Gather(int[] rows, int[] columns, double[] dest, int threads);

    public static ExpressionSource Of(MatrixView<float> x) => new Dense<float>(x);
    public static ExpressionSource Of(MatrixView<double> x) => new Dense<double>(x);
    public static ExpressionSource Of(CellBlocks x) => new Blocked(x);

    private sealed class Dense<T>(MatrixView<T> x) : ExpressionSource where T : unmanaged
    {
        public override int Cells => x.Rows;
        public override int Genes => x.Cols;

        public override void Gather(int[] rows, int[] columns, double[] dest, int threads)
        {
            int n = rows.Length, m = columns.Length;
            if (x.Layout == MatrixLayout.ColumnMajor)
            {
                Parallel.For(0, m, new ParallelOptions { MaxDegreeOfParallelism = threads }, k =>
                {
                    var col = x.Column(columns[k]);
                    var d = dest.AsSpan(k * n, n);
                    if (typeof(T) == typeof(float)) { var f = MemoryMarshal.Cast<T, float>(col); for (int i = 0; i < n; i++) d[i] = f[rows[i]]; }
                    else { var f = MemoryMarshal.Cast<T, double>(col); for (int i = 0; i < n; i++) d[i] = f[rows[i]]; }
                });
                return;
            }
            // Row-major: read each cell's row once and scatter its needed entries.
            for (int i = 0; i < n; i++)
            {
                var row = x.Row(rows[i]);
                if (typeof(T) == typeof(float)) { var f = MemoryMarshal.Cast<T, float>(row); for (int k = 0; k < m; k++) dest[k * n + i] = f[columns[k]]; }
                else { var f = MemoryMarshal.Cast<T, double>(row); for (int k = 0; k < m; k++) dest[k * n + i] = f[columns[k]]; }
            }
        }
    }

    private sealed class Blocked(CellBlocks x) : ExpressionSource
    {
        public override int Cells => x.Cells;
        public override int Genes => x.Genes;

        public override void Gather(int[] rows, int[] columns, double[] dest, int threads)
        {
            int n = rows.Length, m = columns.Length, first = 0, at = 0;
            foreach (var block in x.Blocks)
            {
                int end = first + block.Rows;
                int from = at;
                while (at < n && rows[at] < end) at++;
                if (at > from)
                {
                    using var cols = block.Open();
                    for (int k = 0; k < m; k++)
                    {
                        var col = cols.Column(columns[k]);
                        for (int i = from; i < at; i++) dest[k * n + i] = col[rows[i] - first];
                    }
                }
                first = end;
            }
        }
    }
}
