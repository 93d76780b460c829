using System.Numerics;
using GrnFast.Kernels;
using GrnFast.Kernels.Blas;
using GrnFast.Solvers.Data;

namespace GrnFast.Solvers.Gram;

/// <summary>
/// C = Z_reg^T Z_all / n over a set of cells, q x m column-major, in double. Its first q columns are the
/// regulator Gram (correlation) matrix G; column k &gt;= 0 holds the cross-products of every regulator with Z
/// column k. Alongside, <see cref="ColumnSquares"/>[k] = z_k^T z_k / n (1 over all cells; less over a fold).
/// Computed once by one GEMM, then sliced by every target's coordinate descent: no per-target pass over cells.
/// </summary>
internal sealed class CrossProducts
{
    public CrossProducts(int regulators, int columns, double[] data, double[] columnSquares, int cells)
    {
        Regulators = regulators; Columns = columns; Data = data; ColumnSquares = columnSquares; Cells = cells;
    }

    public int Regulators { get; }
    public int Columns { get; }
    public int Cells { get; }
    public double[] Data { get; }
    public double[] ColumnSquares { get; }

    /// <summary>Column k of C (length q): Z_reg^T z_k / n.</summary>
    public ReadOnlySpan<double> Column(int k) => Data.AsSpan(k * Regulators, Regulators);

    /// <summary>G[r, s] for regulators r and s.</summary>
    public double Gram(int r, int s) => Data[s * Regulators + r];

    /// <summary>C over all cells of <paramref name="z"/>.</summary>
    public static CrossProducts Compute(StandardizedExpression z, IBlas blas)
    {
        int n = z.Cells, q = z.Regulators, m = z.Columns;
        var c = new double[(long)q * m];
        if (n > 0 && q > 0 && m > 0)
        {
            if (z.Float64 is { } d)
                blas.Gemm(Transpose.Yes, Transpose.No, q, m, n, 1.0 / n, d, n, d, n, 0.0, c, q);
            else
            {
                var f = z.Float32!;
                var cf = new float[(long)q * m];
                blas.Gemm(Transpose.Yes, Transpose.No, q, m, n, 1.0f / n, f, n, f, n, 0.0f, cf, q);
                for (long i = 0; i < c.LongLength; i++) c[i] = cf[i];
            }
        }
        var squares = new double[m];
        Array.Fill(squares, 1.0);
        return new CrossProducts(q, m, c, squares, n);
    }

    /// <summary>
    /// C over all cells when Z holds only the standardised regulators (float32), taken against the raw input:
    /// the regulators are centred, so Z_reg^T z_k / n = (Z_reg^T x_k - mu_k Z_reg^T 1) / (n sigma_k) for the raw
    /// column x_k. One SGEMM reads the input where it lies (column-major, or row-major as its transpose), and
    /// the target columns are never standardised or copied. The column sums Z_reg^T 1, zero up to round-off,
    /// are subtracted exactly so an uncentred target adds no bias.
    /// </summary>
    public static CrossProducts ComputeFromRaw(StandardizedExpression z, MatrixView<float> x, IBlas blas)
    {
        int n = z.Cells, q = z.Regulators, m = z.Columns, p = x.Cols;
        if (z.Float32 is not { } zr || z.Materialized != q) throw new ArgumentException("needs float32 standardised regulators only", nameof(z));
        var c = new double[(long)q * m];
        var squares = new double[m];
        Array.Fill(squares, 1.0);
        if (n == 0 || q == 0 || m == 0) return new CrossProducts(q, m, c, squares, n);

        var columnSums = new double[q];
        for (int r = 0; r < q; r++)
        {
            double sum = 0;
            foreach (var v in zr.AsSpan(r * n, n)) sum += v;
            columnSums[r] = sum;
        }
        // raw = Z_reg^T X, q x p. A row-major (cells x genes) X is, read column-major, the genes x cells X^T.
        var raw = new float[(long)q * p];
        if (x.Layout == MatrixLayout.ColumnMajor)
            blas.Gemm(Transpose.Yes, Transpose.No, q, p, n, 1f, zr, n, x.Data.Span, n, 0f, raw, q);
        else
            blas.Gemm(Transpose.Yes, Transpose.Yes, q, p, n, 1f, zr, n, x.Data.Span, p, 0f, raw, q);

        for (int k = 0; k < m; k++)
        {
            int source = z.SourceColumns[k];
            double mu = z.Mean[k], inv = 1.0 / (n * z.Std[k]);
            var src = raw.AsSpan(source * q, q);
            var dst = c.AsSpan(k * q, q);
            for (int r = 0; r < q; r++) dst[r] = (src[r] - mu * columnSums[r]) * inv;
        }
        return new CrossProducts(q, m, c, squares, n);
    }

    /// <summary>
    /// C over the cells in <paramref name="rows"/> only (a cross-validation fold), still scaled by that
    /// fold's cell count, with the fold's column squares.
    /// </summary>
    public static CrossProducts ComputeFold(StandardizedExpression z, int[] rows, IBlas blas)
    {
        int n = z.Cells, q = z.Regulators, m = z.Columns, nf = rows.Length;
        var c = new double[(long)q * m];
        var squares = new double[m];
        if (nf == 0) return new CrossProducts(q, m, c, squares, 0);
        if (z.Float64 is { } d)
        {
            var zf = GatherRows(d, n, m, rows, squares);
            blas.Gemm(Transpose.Yes, Transpose.No, q, m, nf, 1.0 / nf, zf, nf, zf, nf, 0.0, c, q);
        }
        else
        {
            var zf = GatherRows(z.Float32!, n, m, rows, squares);
            var cf = new float[(long)q * m];
            blas.Gemm(Transpose.Yes, Transpose.No, q, m, nf, 1.0f / nf, zf, nf, zf, nf, 0.0f, cf, q);
            for (long i = 0; i < c.LongLength; i++) c[i] = cf[i];
        }
        return new CrossProducts(q, m, c, squares, nf);
    }

    /// <summary>The fold's rows of every column of the n x m column-major z, and each column's z^T z / n_f (in double).</summary>
    private static T[] GatherRows<T>(T[] z, int n, int m, int[] rows, double[] squares) where T : unmanaged, INumberBase<T>
    {
        int nf = rows.Length;
        var zf = new T[(long)nf * m];
        for (int k = 0; k < m; k++)
        {
            var src = z.AsSpan(k * n, n);
            var dst = zf.AsSpan(k * nf, nf);
            double sum = 0;
            for (int i = 0; i < nf; i++)
            {
                dst[i] = src[rows[i]];
                double v = double.CreateTruncating(dst[i]);
                sum += v * v;
            }
            squares[k] = sum / nf;
        }
        return zf;
    }

    /// <summary>(n C_all - n_f C_fold) / (n - n_f): the cross-products of the training cells of a fold.</summary>
    public static CrossProducts Complement(CrossProducts all, CrossProducts fold)
    {
        int n = all.Cells, nf = fold.Cells, nt = n - nf;
        var c = new double[all.Data.LongLength];
        for (long i = 0; i < c.LongLength; i++) c[i] = (n * all.Data[i] - nf * fold.Data[i]) / nt;
        var squares = new double[all.Columns];
        for (int k = 0; k < squares.Length; k++) squares[k] = (n * all.ColumnSquares[k] - nf * fold.ColumnSquares[k]) / nt;
        return new CrossProducts(all.Regulators, all.Columns, c, squares, nt);
    }
}
