using System.Numerics;
using GrnFast.Kernels;
using GrnFast.Kernels.Blas;
using GrnFast.Kernels.Vectors;
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
    /// C over all cells when Z holds only the standardised regulators, taken against the raw float32 input: the
    /// regulators are centred, so Z_reg^T z_k / n = (Z_reg^T x_k - mu_k Z_reg^T 1) / (n sigma_k) for the raw column
    /// x_k. One GEMM reads the input where it lies (column-major, or row-major as its transpose), and the target
    /// columns are never standardised or copied. The column sums Z_reg^T 1, zero up to round-off, are subtracted
    /// exactly so an uncentred target adds no bias. Float32 Z: an SGEMM. Float64 Z: a DGEMM whose float operand is
    /// widened as it is packed (<see cref="ManagedBlas"/> only; the same products as on a double copy of the input).
    /// </summary>
    public static CrossProducts ComputeFromRaw(StandardizedExpression z, MatrixView<float> x, IBlas blas)
    {
        int n = z.Cells, q = z.Regulators, m = z.Columns, p = x.Cols;
        if (z.Materialized != q || (z.Float32 is null && (z.Float64 is null || blas is not ManagedBlas)))
            throw new ArgumentException("needs the standardised regulators only: float32, or float64 with the managed BLAS", nameof(z));
        var c = new double[(long)q * m];
        var squares = new double[m];
        Array.Fill(squares, 1.0);
        if (n == 0 || q == 0 || m == 0) return new CrossProducts(q, m, c, squares, n);

        // raw = Z_reg^T X, q x p. A row-major (cells x genes) X is, read column-major, the genes x cells X^T.
        var transX = x.Layout == MatrixLayout.ColumnMajor ? Transpose.No : Transpose.Yes;
        int ldx = x.Layout == MatrixLayout.ColumnMajor ? n : p;
        if (z.Float32 is { } zf)
        {
            var raw = new float[(long)q * p];
            blas.Gemm(Transpose.Yes, transX, q, p, n, 1f, zf, n, x.Data.Span, ldx, 0f, raw, q);
            Correct<float>(z, ColumnSums<float>(zf, n, q), raw, c);
        }
        else
        {
            var zd = z.Float64!;
            var raw = new double[(long)q * p];
            ((ManagedBlas)blas).Gemm(Transpose.Yes, transX, q, p, n, 1.0, zd, n, x.Data.Span, ldx, 0.0, raw, q);
            Correct<double>(z, ColumnSums<double>(zd, n, q), raw, c);
        }
        return new CrossProducts(q, m, c, squares, n);
    }

    /// <summary>Z_reg^T 1, each column summed left to right in double.</summary>
    private static double[] ColumnSums<T>(T[] zr, int n, int q) where T : unmanaged, INumberBase<T>
    {
        var sums = new double[q];
        for (int r = 0; r < q; r++)
        {
            double sum = 0;
            foreach (var v in zr.AsSpan(r * n, n)) sum += double.CreateTruncating(v);
            sums[r] = sum;
        }
        return sums;
    }

    /// <summary>C[:, k] = (raw[:, source_k] - mu_k Z_reg^T 1) / (n sigma_k).</summary>
    private static void Correct<T>(StandardizedExpression z, double[] columnSums, T[] raw, double[] c) where T : unmanaged, INumberBase<T>
    {
        int n = z.Cells, q = z.Regulators;
        for (int k = 0; k < z.Columns; k++)
        {
            int source = z.SourceColumns[k];
            double mu = z.Mean[k], inv = 1.0 / (n * z.Std[k]);
            var src = raw.AsSpan(source * q, q);
            var dst = c.AsSpan(k * q, q);
            for (int r = 0; r < q; r++) dst[r] = (double.CreateTruncating(src[r]) - mu * columnSums[r]) * inv;
        }
    }

    /// <summary>
    /// C over block-stored cells, never holding more than one chunk of standardised rows: each chunk of up to
    /// <paramref name="chunkRows"/> consecutive cells (taken across block boundaries, so small Arrow batches
    /// still make large GEMMs) is standardised into a scratch Z_chunk (regulators first, as
    /// <see cref="StandardizedExpression"/>), and Z_chunk,reg^T Z_chunk is added to the sum. With
    /// cross-validation folds (<paramref name="foldOf"/>: each cell's fold) the chunk's rows are grouped by fold
    /// and each fold's sum is kept; the full C is then the sum of the folds' (no extra GEMM), and the folds come
    /// back in <paramref name="folds"/> scaled by their own cell counts, as <see cref="ComputeFold"/> gives them.
    /// </summary>
    public static CrossProducts ComputeBlocked(CellBlocks x, int[] sourceColumns, int regulators, double[] mean, double[] std, bool float32,
        int[]? foldOf, int foldCount, IBlas blas, int threads, CancellationToken cancellation, out CrossProducts[]? folds, int chunkRows = 0)
    {
        int n = x.Cells, q = regulators, m = sourceColumns.Length;
        int kFolds = foldOf is null ? 1 : foldCount;
        var sums = new double[kFolds][];
        var squares = new double[kFolds][];
        var cells = new int[kFolds];
        for (int f = 0; f < kFolds; f++) { sums[f] = new double[(long)q * m]; squares[f] = new double[m]; }

        if (chunkRows <= 0)
        {
            // About 128 MB of scratch, at least 256 rows so every GEMM has depth. Sized by the input's genes, not
            // by m: the chunks (and so the sums' order) must not depend on which targets a run fits (shards).
            long perRow = (long)Math.Max(x.Genes, m) * (float32 ? 4 : 8) * (foldOf is null ? 1 : 2);
            chunkRows = (int)Math.Min(Math.Max(128L * 1024 * 1024 / Math.Max(perRow, 1), 256), Math.Max(n, 1));
        }
        chunkRows = Math.Max(1, Math.Min(chunkRows, Math.Max(n, 1)));
        var scale = new double[m];
        for (int k = 0; k < m; k++) scale[k] = 1.0 / std[k];
        var chunk = new ChunkBuffer(chunkRows, m, float32, foldOf is not null);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };

        int filled = 0, firstCell = 0, cell = 0;
        void Flush()
        {
            if (filled == 0) return;
            if (foldOf is null)
                chunk.Accumulate(filled, q, sums[0], squares[0], blas);
            else
            {
                for (int f = 0; f < kFolds; f++)
                {
                    int rows = chunk.GatherFold(filled, foldOf.AsSpan(firstCell, filled), f);
                    cells[f] += rows;
                    chunk.AccumulateFold(rows, q, sums[f], squares[f], blas);
                }
            }
            if (foldOf is null) cells[0] += filled;
            firstCell += filled;
            filled = 0;
        }

        foreach (var block in x.Blocks)
        {
            if (block.Rows == 0) continue;
            cancellation.ThrowIfCancellationRequested();
            using var columns = block.Open();
            int start = 0;
            while (start < columns.Rows)
            {
                int take = Math.Min(columns.Rows - start, chunkRows - filled);
                int offset = filled, from = start;
                Parallel.For(0, m, parallel, k =>
                {
                    var src = columns.Column(sourceColumns[k]).Slice(from, take);
                    if (chunk.Single is { } zf) VectorKernels.CenterScale(src, mean[k], scale[k], zf.AsSpan(k * chunkRows + offset, take));
                    else VectorKernels.CenterScale(src, mean[k], scale[k], chunk.Double!.AsSpan(k * chunkRows + offset, take));
                });
                filled += take; start += take; cell += take;
                if (filled == chunkRows) { Flush(); cancellation.ThrowIfCancellationRequested(); }
            }
        }
        Flush();

        var c = new double[(long)q * m];
        for (int f = 0; f < kFolds; f++)
            for (long i = 0; i < c.LongLength; i++) c[i] += sums[f][i];
        if (n > 0) for (long i = 0; i < c.LongLength; i++) c[i] /= n;
        var ones = new double[m];
        Array.Fill(ones, 1.0);
        folds = null;
        if (foldOf is not null)
        {
            folds = new CrossProducts[kFolds];
            for (int f = 0; f < kFolds; f++)
            {
                int nf = cells[f];
                if (nf > 0)
                {
                    for (long i = 0; i < sums[f].LongLength; i++) sums[f][i] /= nf;
                    for (int k = 0; k < m; k++) squares[f][k] /= nf;
                }
                folds[f] = new CrossProducts(q, m, sums[f], squares[f], nf);
            }
        }
        return new CrossProducts(q, m, c, ones, n);
    }

    /// <summary>The standardised rows of one chunk (n_chunk x m, column-major with leading dimension = capacity).</summary>
    private sealed class ChunkBuffer
    {
        private readonly int _capacity, _columns;
        private readonly float[]? _foldSingle;
        private readonly double[]? _foldDouble;

        public ChunkBuffer(int capacity, int columns, bool float32, bool folds)
        {
            _capacity = capacity; _columns = columns;
            if (float32) { Single = new float[(long)capacity * columns]; if (folds) _foldSingle = new float[(long)capacity * columns]; }
            else { Double = new double[(long)capacity * columns]; if (folds) _foldDouble = new double[(long)capacity * columns]; }
        }

        public float[]? Single { get; }
        public double[]? Double { get; }
        private float[]? _product;
        private float[] Product(long size) => _product is { } p && p.LongLength >= size ? p : (_product = new float[size]);

        /// <summary>sum += Z_reg^T Z over the first <paramref name="rows"/> rows; squares += column sums of z^2.</summary>
        public void Accumulate(int rows, int q, double[] sum, double[] squares, IBlas blas)
            => Accumulate(Single, Double, _capacity, rows, q, sum, squares, blas);

        /// <summary>Copies the rows of fold <paramref name="fold"/> to the fold scratch; returns how many.</summary>
        public int GatherFold(int rows, ReadOnlySpan<int> foldOf, int fold)
        {
            int count = 0;
            Span<int> picked = rows <= 4096 ? stackalloc int[rows] : new int[rows];
            for (int i = 0; i < rows; i++) if (foldOf[i] == fold) picked[count++] = i;
            for (int k = 0; k < _columns; k++)
            {
                if (Single is { } s)
                {
                    var src = s.AsSpan(k * _capacity, rows); var dst = _foldSingle.AsSpan(k * _capacity, count);
                    for (int i = 0; i < count; i++) dst[i] = src[picked[i]];
                }
                else
                {
                    var src = Double.AsSpan(k * _capacity, rows); var dst = _foldDouble.AsSpan(k * _capacity, count);
                    for (int i = 0; i < count; i++) dst[i] = src[picked[i]];
                }
            }
            return count;
        }

        public void AccumulateFold(int rows, int q, double[] sum, double[] squares, IBlas blas)
            => Accumulate(_foldSingle, _foldDouble, _capacity, rows, q, sum, squares, blas);

        private void Accumulate(float[]? zf, double[]? zd, int ld, int rows, int q, double[] sum, double[] squares, IBlas blas)
        {
            int m = _columns;
            if (rows == 0 || q == 0 || m == 0) return;
            if (zd is not null)
            {
                blas.Gemm(Transpose.Yes, Transpose.No, q, m, rows, 1.0, zd, ld, zd, ld, 1.0, sum, q);
                for (int k = 0; k < m; k++) squares[k] += VectorKernels.SumOfSquares(zd.AsSpan(k * ld, rows));
            }
            else
            {
                // float32 products per chunk, summed in double across chunks.
                var cf = Product((long)q * m);
                blas.Gemm(Transpose.Yes, Transpose.No, q, m, rows, 1f, zf!, ld, zf!, ld, 0f, cf, q);
                for (long i = 0; i < (long)q * m; i++) sum[i] += cf[i];
                for (int k = 0; k < m; k++) { var col = zf!.AsSpan(k * ld, rows); squares[k] += VectorKernels.Dot(col, col); }
            }
        }
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
