using GrnFast.Kernels;
using GrnFast.Kernels.Blas;
using GrnFast.Kernels.Factorization;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Solvers.NetRex;

/// <summary>
/// The nonzeros of a G x T network S (column-major, entry (i, j) at i + j G) by rows and by columns, and the products
/// PALM and the NCA start need with it. S holds a quarter or less of its G T entries at D1, so these products cost
/// 2 nnz(S) times the other dimension instead of 2 G T times it. Every product splits its work by output columns or
/// rows in a fixed way, so its bits never depend on the thread count.
/// </summary>
internal sealed class SparseNetwork
{
    private const int RowBlock = 32;

    /// <summary>
    /// The density above which <see cref="LeftMultiply"/> hands the product to the BLAS: the sparse product does a quarter
    /// of the dense one's multiply-adds at 25 % density and ran at about a third of the GEMM's rate at D1 (perf/RESULTS.md).
    /// </summary>
    public const double DenseFraction = 0.35;
    private readonly int _g, _t;
    private readonly int[] _rowStart, _columnStart, _next;
    private int[] _rowColumns = [], _columnRows = [];
    // The nonzeros again, ordered by blocks of ChunkRows rows, then columns, then rows: block c's nonzeros of column j are
    // _chunkRows/_chunkValues[_chunkStart[c (T + 1) + j] .. _chunkStart[c (T + 1) + j + 1]).
    private readonly int[] _chunkStart, _chunkFill;
    private int[] _chunkRows = [];
    private double[] _chunkValues = [];
    private readonly int _chunks;
    // LeftMultiply's per-thread panels (590 KB each at D1), kept across calls rather than reallocated each time, on cache
    // lines: the kernel's four 64-byte loads per nonzero would otherwise each straddle two lines (28 against 20 ms for K S
    // on one thread at D1).
    private readonly System.Collections.Concurrent.ConcurrentBag<ArraySegment<double>> _panels = [];
    private double[] _rowValues = [], _columnValues = [];
    // S^T by row panels for Gram (G T entries), kept across calls.
    private double[] _transposedPanels = [];

    public SparseNetwork(int genes, int regulators)
    {
        _g = genes; _t = regulators;
        _rowStart = new int[genes + 1];
        _columnStart = new int[regulators + 1];
        _next = new int[genes];
        _chunks = (genes + ChunkRows - 1) / ChunkRows;
        _chunkStart = new int[_chunks * (regulators + 1)];
        _chunkFill = new int[_chunks * (regulators + 1)];
    }

    /// <summary>
    /// Rows of S (columns of the left factor) per cache block of <see cref="LeftMultiply"/>: a 32 x 128 block of the
    /// packed panel is 32 KB, an L1, and every column of S reads its rows of it before the next block.
    /// </summary>
    private const int ChunkRows = 128;

    /// <summary>Nonzeros of the network last loaded.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Reads the nonzeros of <paramref name="s"/> (G x T column-major): by columns in one branch-free pass (every entry is
    /// written at the next free place, which advances past nonzeros only: a quarter of the entries are nonzero in no
    /// predictable pattern, so a branch per entry mispredicts often), then by rows by a counting sort of those.
    /// </summary>
    public void Load(ReadOnlySpan<double> s, int threads = 1)
    {
        int g = _g, t = _t;
        if (s.Length < g * t) throw new ArgumentException($"the network has {s.Length} entries, {g} x {t} needs {g * t}", nameof(s));
        var columnRows = _columnRows;
        var columnValues = _columnValues;
        int e = 0;
        for (int j = 0; j < t; j++)
        {
            // Room for a whole column (the fill writes every entry, one past the last nonzero), grown by half at a time,
            // so the buffers stay near nnz rather than G T.
            if (columnRows.Length < e + g + 1)
            {
                int n = Math.Max(e + g + 1, columnRows.Length + columnRows.Length / 2);
                Array.Resize(ref _columnRows, n); Array.Resize(ref _columnValues, n);
                columnRows = _columnRows; columnValues = _columnValues;
            }
            _columnStart[j] = e;
            var column = s.Slice(j * g, g);
            for (int i = 0; i < column.Length; i++)
            {
                double v = column[i];
                columnRows[e] = i;
                columnValues[e] = v;
                e += v != 0 ? 1 : 0;
            }
        }
        int count = e;
        _columnStart[t] = count;
        Count = count;
        // The two orderings read only the column lists: on two threads when there are.
        if (threads > 1) Parallel.Invoke(() => SortRows(count), () => SortChunks(count));
        else { SortRows(count); SortChunks(count); }
    }

    /// <summary>The nonzeros by rows: a counting sort of the column lists.</summary>
    private void SortRows(int count)
    {
        int g = _g, t = _t;
        var columnRows = _columnRows;
        var columnValues = _columnValues;
        if (_rowColumns.Length < count)
        {
            int n = Math.Max(count, _rowColumns.Length + _rowColumns.Length / 2);
            _rowColumns = new int[n]; _rowValues = new double[n];
        }
        Array.Clear(_rowStart);
        for (int p = 0; p < count; p++) _rowStart[columnRows[p] + 1]++;
        for (int i = 0; i < g; i++) _rowStart[i + 1] += _rowStart[i];
        Array.Copy(_rowStart, _next, g);
        for (int j = 0; j < t; j++)
            for (int p = _columnStart[j], end = _columnStart[j + 1]; p < end; p++)
            {
                int q = _next[columnRows[p]]++;
                _rowColumns[q] = j; _rowValues[q] = columnValues[p];
            }
    }

    /// <summary>The nonzeros by blocks of <see cref="ChunkRows"/> rows, then columns, then rows: a counting sort of the column lists.</summary>
    private void SortChunks(int count)
    {
        int t = _t;
        var columnRows = _columnRows;
        var columnValues = _columnValues;
        if (_chunkRows.Length < count)
        {
            int n = Math.Max(count, _chunkRows.Length + _chunkRows.Length / 2);
            _chunkRows = new int[n]; _chunkValues = new double[n];
        }
        // Counting sort of the column-ordered nonzeros by block: block c's column j begins after all of block c's
        // earlier columns and all earlier blocks.
        int stride = t + 1;
        Array.Clear(_chunkStart);
        for (int j = 0; j < t; j++)
            for (int p = _columnStart[j], end = _columnStart[j + 1]; p < end; p++)
                _chunkStart[columnRows[p] / ChunkRows * stride + j + 1]++;
        int total = 0;
        for (int c = 0; c < _chunks; c++)
        {
            _chunkStart[c * stride] = total;
            for (int j = 0; j < t; j++) { total += _chunkStart[c * stride + j + 1]; _chunkStart[c * stride + j + 1] = total; }
        }
        // Columns in order and rows in order within each, so one forward pass keeps every block's column in row order.
        var fill = _chunkFill;
        Array.Copy(_chunkStart, fill, _chunks * stride);
        for (int j = 0; j < t; j++)
            for (int p = _columnStart[j], end = _columnStart[j + 1]; p < end; p++)
            {
                int q = fill[columnRows[p] / ChunkRows * stride + j]++;
                _chunkRows[q] = columnRows[p]; _chunkValues[q] = columnValues[p];
            }
    }

    private ReadOnlySpan<int> RowColumns(int i) => _rowColumns.AsSpan(_rowStart[i], _rowStart[i + 1] - _rowStart[i]);
    private ReadOnlySpan<double> RowValues(int i) => _rowValues.AsSpan(_rowStart[i], _rowStart[i + 1] - _rowStart[i]);
    private ReadOnlySpan<int> ColumnRows(int j) => _columnRows.AsSpan(_columnStart[j], _columnStart[j + 1] - _columnStart[j]);
    private ReadOnlySpan<double> ColumnValues(int j) => _columnValues.AsSpan(_columnStart[j], _columnStart[j + 1] - _columnStart[j]);

    /// <summary>
    /// dest = S^T S (T x T, both triangles), by the cheapest of three ways, in units of the BLAS's multiply-add:
    /// <list type="bullet">
    /// <item>scattered: column l from the rows of S that column l touches, sum over genes of nnz(row)^2 scalar
    /// multiply-adds at about a twentieth of the BLAS's rate (very sparse rows);</item>
    /// <item>by panels: <see cref="LeftMultiply"/> with S^T, packed by row panels straight from the column lists, for
    /// the upper triangle only (nnz(S) T / 2 multiply-adds at about three quarters of the BLAS's rate; D1);</item>
    /// <item>dense: the SYRK of <paramref name="s"/> (G T^2 / 2).</item>
    /// </list>
    /// dest is exactly symmetric: the SYRK's and the panels' lower triangles are mirrored, and the scatter sums both
    /// (j, l) and (l, j) over the same genes in the same order.
    /// </summary>
    public void Gram(double[] dest, int threads, IBlas blas, ReadOnlySpan<double> s)
    {
        int t = _t;
        double scattered = 0;
        for (int i = 0; i < _g; i++) { double n = _rowStart[i + 1] - _rowStart[i]; scattered += n * n; }
        double scatterCost = 20 * scattered, panelCost = 4.0 / 3 * Count * (double)t / 2 + (double)_g * t, denseCost = 0.5 * _g * (double)t * t;
        if (denseCost < Math.Min(scatterCost, panelCost))
        {
            blas.Syrk(Transpose.Yes, t, _g, 1.0, s, _g, 0.0, dest, t);
            for (int c = 0; c < t; c++)
                for (int r = c + 1; r < t; r++) dest[r + c * t] = dest[c + r * t];
            return;
        }
        if (panelCost < scatterCost)
        {
            var transposed = TransposedPanels();
            PanelProduct(transposed, t, dest, threads, transposed, addend: null, addScale: 0, alongside: null, upper: true);
            for (int c = 0; c < t; c++)
                for (int r = c + 1; r < t; r++) dest[r + c * t] = dest[c + r * t];
            return;
        }
        Parallel.For(0, t, new ParallelOptions { MaxDegreeOfParallelism = threads }, l =>
        {
            var column = dest.AsSpan(l * t, t);
            column.Clear();
            var rows = ColumnRows(l);
            var values = ColumnValues(l);
            for (int p = 0; p < rows.Length; p++)
            {
                double v = values[p];
                var cols = RowColumns(rows[p]);
                var vals = RowValues(rows[p]);
                for (int q = 0; q < cols.Length; q++) column[cols[q]] += v * vals[q];
            }
        });
    }

    /// <summary>
    /// S^T (T x G) as <see cref="PackRowPanels"/> lays it out, written from the column lists into a buffer kept across
    /// calls: regulator j of panel r0 = 32 floor(j / 32) (n regulators) and gene i at r0 G + i n + j - r0.
    /// </summary>
    private double[] TransposedPanels()
    {
        int g = _g, t = _t;
        if (_transposedPanels.Length != (long)g * t) _transposedPanels = new double[(long)g * t];
        var packed = _transposedPanels;
        Array.Clear(packed);
        for (int j = 0; j < t; j++)
        {
            int r0 = j / RowBlock * RowBlock, n = Math.Min(RowBlock, t - r0);
            long offset = (long)r0 * g + (j - r0);
            var rows = ColumnRows(j);
            var values = ColumnValues(j);
            for (int p = 0; p < rows.Length; p++) packed[offset + (long)rows[p] * n] = values[p];
        }
        return packed;
    }

    /// <summary>
    /// dest = M S (rows x T) for a column-major <paramref name="m"/> with <paramref name="rows"/> rows and G columns, by
    /// panels of 32 rows copied contiguous first (a 2000-gene panel, 512 KB, in a core's L2), and within a panel by
    /// blocks of <see cref="ChunkRows"/> rows of S: every column of S takes its rows in the block (256 consecutive bytes
    /// each) from an L1-sized 32 KB piece of the panel, instead of from all of it, which the stream of S's nonzeros
    /// evicts from L2; one kernel call per block (one thread at D1: 57 ms with a call per column over the whole panel,
    /// 22-25 ms so). Above <see cref="DenseFraction"/> nonzeros it is one dense GEMM.
    /// </summary>
    /// <param name="panels">
    /// <paramref name="m"/> packed by <see cref="PackRowPanels"/>, when the caller multiplies by the same matrix many times:
    /// each panel is then one contiguous copy instead of a 256-byte piece of each of G columns (at D1 the strided copy
    /// took a fifth of the product's time on one thread, 6 of 30 ms, the contiguous one 2).
    /// </param>
    /// <param name="addend">When given, dest = M S + <paramref name="addScale"/> addend (rows x T), added as each panel is written.</param>
    /// <param name="alongside">
    /// Work to run on the same threads as one more item of the product's parallel loop, ahead of the panels: a core that
    /// would otherwise wait for a serial step before or after the product takes it while the other starts the panels.
    /// </param>
    public void LeftMultiply(double[] m, int rows, double[] dest, int threads, IBlas blas, ReadOnlySpan<double> s, double[]? panels = null,
        double[]? addend = null, double addScale = 0, Action? alongside = null)
    {
        int g = _g, t = _t;
        if ((long)rows * g > m.LongLength) throw new ArgumentException($"the matrix has {m.LongLength} entries, {rows} x {g} needs {(long)rows * g}", nameof(m));
        if (panels != null && panels.LongLength != (long)rows * g) throw new ArgumentException($"the packed panels have {panels.LongLength} entries, {rows} x {g} needs {(long)rows * g}", nameof(panels));
        if (addend != null && addend.LongLength < (long)rows * t) throw new ArgumentException($"the addend has {addend.LongLength} entries, {rows} x {t} needs {(long)rows * t}", nameof(addend));
        if (Count > DenseFraction * g * (double)t)
        {
            alongside?.Invoke();
            blas.Gemm(Transpose.No, Transpose.No, rows, t, g, 1.0, m, rows, s, g, 0.0, dest, rows);
            if (addend != null) VectorKernels.Axpy(addScale, addend.AsSpan(0, rows * t), dest.AsSpan(0, rows * t));
            return;
        }
        PanelProduct(m, rows, dest, threads, panels, addend, addScale, alongside, upper: false);
    }

    /// <summary>
    /// The panel loop of <see cref="LeftMultiply"/>: dest = M S (+ addScale addend) by panels of <see cref="RowBlock"/> rows
    /// of M, from <paramref name="panels"/> when given. With <paramref name="upper"/>, a panel of rows [r0, r0 + n) forms
    /// only the columns j &gt;= r0 of the product (for a symmetric product, all of its upper triangle and part of the lower).
    /// </summary>
    private void PanelProduct(double[] m, int rows, double[] dest, int threads, double[]? panels, double[]? addend, double addScale,
        Action? alongside, bool upper)
    {
        int g = _g, t = _t, blocks = (rows + RowBlock - 1) / RowBlock;
        int first = alongside != null ? 1 : 0;
        Parallel.For(0, blocks + first, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => _panels.TryTake(out var kept) ? kept : CacheLines.Allocate<double>(RowBlock * (g + t)), (item, _, buffer) =>
        {
            if (item < first)
            {
                alongside!();
                return buffer;
            }
            var panel = buffer.AsSpan();
            int r0 = (item - first) * RowBlock, n = Math.Min(RowBlock, rows - r0);
            if (panels != null) panels.AsSpan(r0 * g, n * g).CopyTo(panel);
            else for (int c = 0; c < g; c++) m.AsSpan(r0 + c * rows, n).CopyTo(panel.Slice(c * n, n));
            // The sums into a contiguous n x T block after the panel, then to dest. Column j's sum runs over its rows in
            // increasing order, block after block: the bits of one pass over the column.
            int j0 = upper ? Math.Min(r0, t) : 0;
            var sums = panel.Slice(RowBlock * g, n * t);
            sums.Clear();
            int stride = t + 1;
            for (int c = 0; c < _chunks; c++)
                FactorizationKernels.AddColumnCombinations(panel[..(n * g)], n, n, _chunkRows, _chunkValues,
                    _chunkStart.AsSpan(c * stride + j0, stride - j0), sums[(j0 * n)..], n);
            for (int j = j0; j < t; j++)
            {
                var column = dest.AsSpan(r0 + j * rows, n);
                sums.Slice(j * n, n).CopyTo(column);
                // The element-wise y += a x of VectorKernels.Axpy: the same bits as one pass over the whole of dest.
                if (addend != null) VectorKernels.Axpy(addScale, addend.AsSpan(r0 + j * rows, n), column);
            }
            return buffer;
        }, _panels.Add);
    }

    /// <summary>Memory a packed copy from <see cref="PackRowPanels"/> may take (32 MB for K at D1).</summary>
    public const double MaxPackedBytes = 256.0 * 1024 * 1024;

    /// <summary>
    /// M (rows x G column-major) as <see cref="LeftMultiply"/>'s panels: rows [r0, r0 + n) of every column, n = 32 but in the
    /// last panel, column-major with leading dimension n, at offset r0 G. Same size as M; null when that is above
    /// <see cref="MaxPackedBytes"/> (the product then copies its panels from M).
    /// </summary>
    public static double[]? PackRowPanels(double[] m, int rows, int columns)
    {
        if (sizeof(double) * (double)rows * columns > MaxPackedBytes) return null;
        if ((long)rows * columns > m.LongLength) throw new ArgumentException($"the matrix has {m.LongLength} entries, {rows} x {columns} needs {(long)rows * columns}", nameof(m));
        var packed = new double[(long)rows * columns];
        for (int r0 = 0; r0 < rows; r0 += RowBlock)
        {
            int n = Math.Min(RowBlock, rows - r0);
            for (int c = 0; c < columns; c++) m.AsSpan(r0 + c * rows, n).CopyTo(packed.AsSpan(r0 * columns + c * n, n));
        }
        return packed;
    }

    /// <summary>
    /// For each gene i, q_i = M^T s_i (the row i of S M) for a T x T column-major <paramref name="mTransposed"/> holding M^T
    /// with columns <paramref name="ld"/> apart, handed to <paramref name="row"/> with the gene, its q (length T, reused)
    /// and its row of S. Each nonzero reads a column of M^T by 64-byte vectors: with the columns on cache lines (ld a
    /// multiple of 8 and the first on a line) none straddles two.
    /// </summary>
    public void RowsTimes(ArraySegment<double> mTransposed, int ld, int threads, RowAction row)
    {
        int t = _t;
        Parallel.For(0, _g, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => CacheLines.Allocate<double>(t), (i, _, q) =>
        {
            q.AsSpan().Clear();
            FactorizationKernels.AddColumnCombination(mTransposed, ld, RowColumns(i), RowValues(i), q);
            row(i, q, RowColumns(i), RowValues(i));
            return q;
        }, _ => { });
    }

    public delegate void RowAction(int gene, ReadOnlySpan<double> q, ReadOnlySpan<int> columns, ReadOnlySpan<double> values);

    /// <summary>dest (T x T) = B^T S = (S^T B)^T for a G x T matrix B given as <paramref name="bTransposed"/> = B^T (T x G column-major): column j is B^T s_j.</summary>
    public void TransposeTimes(double[] bTransposed, double[] dest, int threads)
    {
        int t = _t;
        Parallel.For(0, t, new ParallelOptions { MaxDegreeOfParallelism = threads }, j =>
        {
            var d = dest.AsSpan(j * t, t);
            d.Clear();
            FactorizationKernels.AddColumnCombination(bTransposed, t, ColumnRows(j), ColumnValues(j), d);
        });
    }
}
