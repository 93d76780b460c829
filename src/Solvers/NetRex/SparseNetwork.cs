using GrnFast.Kernels;
using GrnFast.Kernels.Blas;
using GrnFast.Kernels.Factorization;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Solvers.NetRex;

/// <summary>
/// The nonzeros of a G x T network S (column-major, entry (i, j) at i + j G) by columns and in the panel products' two
/// orders (S's columns and S's rows, each in blocks of the other dimension), and the products
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
    private readonly int[] _columnStart;
    private int[] _columnRows = [];
    // The nonzeros again in the panel products' order: S's columns in blocks of its rows (for M S), and S^T's columns
    // (S's rows) in blocks of S's columns (for M S^T).
    private readonly ChunkLists _byColumns, _byRows;
    // LeftMultiply's per-thread panels (590 KB each at D1), kept across calls rather than reallocated each time, on cache
    // lines: the kernel's four 64-byte loads per nonzero would otherwise each straddle two lines (28 against 20 ms for K S
    // on one thread at D1).
    private readonly System.Collections.Concurrent.ConcurrentBag<ArraySegment<double>> _panels = [];
    private double[] _columnValues = [];

    public SparseNetwork(int genes, int regulators)
    {
        _g = genes; _t = regulators;
        _columnStart = new int[regulators + 1];
        _byColumns = new ChunkLists(genes, regulators);
        _byRows = new ChunkLists(regulators, genes);
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
    /// predictable pattern, so a branch per entry mispredicts often), then in the panel products' two orders by counting
    /// sorts of those.
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
        if (threads > 1) Parallel.Invoke(() => _byColumns.Sort(this, count, transposed: false), () => _byRows.Sort(this, count, transposed: true));
        else { _byColumns.Sort(this, count, transposed: false); _byRows.Sort(this, count, transposed: true); }
    }

    /// <summary>
    /// The nonzeros of a matrix (S, or S^T) by blocks of <see cref="ChunkRows"/> of its rows, then its columns, then its
    /// rows: block c's nonzeros of column j are Rows/Values[Starts[c (columns + 1) + j] .. Starts[c (columns + 1) + j + 1]).
    /// </summary>
    private sealed class ChunkLists(int rows, int columns)
    {
        public int Chunks { get; } = (rows + ChunkRows - 1) / ChunkRows;
        /// <summary>Rows of the listed matrix (the products' inner dimension).</summary>
        public int Depth { get; } = rows;
        public int Columns { get; } = columns;
        public int[] Starts { get; } = new int[(rows + ChunkRows - 1) / ChunkRows * (columns + 1)];
        private readonly int[] _fill = new int[(rows + ChunkRows - 1) / ChunkRows * (columns + 1)];
        public int[] Rows { get; private set; } = [];
        public double[] Values { get; private set; } = [];

        /// <summary>
        /// A counting sort of the network's column lists: of S (entry (i, j) in row i, column j), or with
        /// <paramref name="transposed"/> of S^T (in row j, column i). The lists run over S's columns in order and each
        /// column's rows in order, so one forward pass leaves every block's column in row order either way.
        /// </summary>
        public void Sort(SparseNetwork network, int count, bool transposed)
        {
            var columnRows = network._columnRows;
            var columnValues = network._columnValues;
            var columnStart = network._columnStart;
            if (Rows.Length < count)
            {
                int n = Math.Max(count, Rows.Length + Rows.Length / 2);
                Rows = new int[n]; Values = new double[n];
            }
            int stride = Columns + 1, t = network._t;
            var starts = Starts;
            Array.Clear(starts);
            // Entry (i, j) of S goes to block i / ChunkRows, column j (of S^T: block j / ChunkRows, column i); one loop per
            // case, so that neither carries the choice.
            if (transposed)
                for (int j = 0; j < t; j++)
                {
                    int block = j / ChunkRows * stride + 1;
                    for (int p = columnStart[j], end = columnStart[j + 1]; p < end; p++) starts[block + columnRows[p]]++;
                }
            else
                for (int j = 0; j < t; j++)
                    for (int p = columnStart[j], end = columnStart[j + 1]; p < end; p++) starts[columnRows[p] / ChunkRows * stride + j + 1]++;
            // Block c's column begins after all of block c's earlier columns and all earlier blocks.
            int total = 0;
            for (int c = 0; c < Chunks; c++)
            {
                starts[c * stride] = total;
                for (int k = 0; k < Columns; k++) { total += starts[c * stride + k + 1]; starts[c * stride + k + 1] = total; }
            }
            var fill = _fill;
            Array.Copy(starts, fill, Chunks * stride);
            var rows = Rows;
            var values = Values;
            if (transposed)
                for (int j = 0; j < t; j++)
                {
                    int block = j / ChunkRows * stride;
                    for (int p = columnStart[j], end = columnStart[j + 1]; p < end; p++)
                    {
                        int q = fill[block + columnRows[p]]++;
                        rows[q] = j; values[q] = columnValues[p];
                    }
                }
            else
                for (int j = 0; j < t; j++)
                    for (int p = columnStart[j], end = columnStart[j + 1]; p < end; p++)
                    {
                        int i = columnRows[p];
                        int q = fill[i / ChunkRows * stride + j]++;
                        rows[q] = i; values[q] = columnValues[p];
                    }
        }
    }

    /// <summary>Nonzeros in row i of S (column i of S^T, over its blocks).</summary>
    private int RowCount(int i)
    {
        int n = 0, stride = _g + 1;
        for (int c = 0; c < _byRows.Chunks; c++) n += _byRows.Starts[c * stride + i + 1] - _byRows.Starts[c * stride + i];
        return n;
    }
    private ReadOnlySpan<int> ColumnRows(int j) => _columnRows.AsSpan(_columnStart[j], _columnStart[j + 1] - _columnStart[j]);
    private ReadOnlySpan<double> ColumnValues(int j) => _columnValues.AsSpan(_columnStart[j], _columnStart[j + 1] - _columnStart[j]);

    /// <summary>
    /// dest = S^T S (T x T, both triangles), by the cheapest of three ways, in units of the BLAS's multiply-add:
    /// <list type="bullet">
    /// <item>scattered: column l from the rows of S that column l touches, sum over genes of nnz(row)^2 scalar
    /// multiply-adds at about a twentieth of the BLAS's rate (very sparse rows);</item>
    /// <item>by panels: <see cref="LeftMultiply"/>'s panel product with S^T, each panel written from the column lists, for
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
        for (int i = 0; i < _g; i++) { double n = RowCount(i); scattered += n * n; }
        double scatterCost = 20 * scattered, panelCost = 4.0 / 3 * Count * (double)t / 2 + (double)_g * t, denseCost = 0.5 * _g * (double)t * t;
        bool dense = denseCost < Math.Min(scatterCost, panelCost);
        if (dense || panelCost < scatterCost)
        {
            if (dense) blas.Syrk(Transpose.Yes, t, _g, 1.0, s, _g, 0.0, dest, t);
            else PanelProduct(TransposedPanel, t, dest, threads, addend: null, addScale: 0, alongside: null, upper: true, _byColumns, transposedDest: false);
            // Both formed the upper triangle: the lower one mirrors it.
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
                // Row rows[p] of S in increasing column order, block after block.
                for (int c = 0, stride = _g + 1; c < _byRows.Chunks; c++)
                    for (int q = _byRows.Starts[c * stride + rows[p]], end = _byRows.Starts[c * stride + rows[p] + 1]; q < end; q++)
                        column[_byRows.Rows[q]] += v * _byRows.Values[q];
            }
        });
    }

    /// <summary>
    /// Rows [r0, r0 + n) of S^T (T x G) as <see cref="PackRowPanels"/> lays out a panel, written from the column lists
    /// straight into the product's panel: gene i of regulator j at i n + j - r0. A copy of all of S^T would be written and
    /// read once more (4.8 MB each way at D1).
    /// </summary>
    private void TransposedPanel(int r0, int n, Span<double> panel)
    {
        panel[..(n * _g)].Clear();
        for (int j = r0; j < r0 + n; j++)
        {
            var rows = ColumnRows(j);
            var values = ColumnValues(j);
            for (int p = 0; p < rows.Length; p++) panel[rows[p] * n + j - r0] = values[p];
        }
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
        PanelProduct(CopiedPanel(m, rows, g, panels), rows, dest, threads, addend, addScale, alongside, upper: false, _byColumns, transposedDest: false);
    }

    /// <summary>
    /// Rows [r0, r0 + n) of a column-major rows x k M into a panel: one contiguous copy from M packed by
    /// <see cref="PackRowPanels"/> when given, else a piece of n rows of each of M's k columns.
    /// </summary>
    private static PanelFill CopiedPanel(double[] m, int rows, int k, double[]? packed) => packed != null
        ? (r0, n, panel) => packed.AsSpan(r0 * k, n * k).CopyTo(panel)
        : (r0, n, panel) =>
        {
            for (int c = 0; c < k; c++) m.AsSpan(r0 + c * rows, n).CopyTo(panel.Slice(c * n, n));
        };

    /// <summary>
    /// dest = S M (G x T, column-major) for a T x T M given as <paramref name="mTransposed"/> = M^T (column-major), as
    /// (M^T S^T)^T: the panel product of <see cref="LeftMultiply"/> on S^T's columns (S's rows), each panel's sums written
    /// transposed into dest. Row i of S M sums s_ij M[j, :] over j in increasing order, as one sparse combination of the
    /// rows of M per gene would (the same bits); at D1 the panels' 32 x 128 pieces of M^T stay in L1 where a combination
    /// per gene reads its 256-byte pieces from all of M in L2 (S A A^T 2.9-3.5 -> 2.4-2.7 ms on two threads).
    /// </summary>
    public void RightMultiply(double[] mTransposed, int threads, double[] dest)
    {
        int g = _g, t = _t;
        if ((long)t * t > mTransposed.LongLength) throw new ArgumentException($"the matrix has {mTransposed.LongLength} entries, {t} x {t} needs {(long)t * t}", nameof(mTransposed));
        if ((long)g * t > dest.LongLength) throw new ArgumentException($"the destination has {dest.LongLength} entries, {g} x {t} needs {(long)g * t}", nameof(dest));
        PanelProduct(CopiedPanel(mTransposed, t, t, packed: null), t, dest, threads, addend: null, addScale: 0, alongside: null, upper: false, _byRows, transposedDest: true);
    }

    /// <summary>
    /// The panel loop of <see cref="LeftMultiply"/>: dest = M N (+ addScale addend) for N = S or S^T as <paramref name="lists"/>
    /// hold it (k x o: M is rows x k), by panels of <see cref="RowBlock"/> rows of M, each written by <paramref name="fill"/>. With <paramref name="upper"/>, a panel of rows [r0, r0 + n) forms only the columns j &gt;= r0 of the product
    /// (for a symmetric product, all of its upper triangle and part of the lower). With <paramref name="transposedDest"/>,
    /// dest (o x rows) gets the product's transpose.
    /// </summary>
    private void PanelProduct(PanelFill fill, int rows, double[] dest, int threads, double[]? addend, double addScale,
        Action? alongside, bool upper, ChunkLists lists, bool transposedDest)
    {
        int outputs = lists.Columns, k = lists.Depth, blocks = (rows + RowBlock - 1) / RowBlock;
        int first = alongside != null ? 1 : 0;
        Parallel.For(0, blocks + first, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => _panels.TryTake(out var kept) ? kept : CacheLines.Allocate<double>(RowBlock * (_g + _t)), (item, _, buffer) =>
        {
            if (item < first)
            {
                alongside!();
                return buffer;
            }
            var panel = buffer.AsSpan();
            int r0 = (item - first) * RowBlock, n = Math.Min(RowBlock, rows - r0);
            fill(r0, n, panel);
            // The sums into a contiguous n x o block after the panel, then to dest. Column j's sum runs over its rows in
            // increasing order, block after block: the bits of one pass over the column.
            int j0 = upper ? Math.Min(r0, outputs) : 0;
            var sums = panel.Slice(RowBlock * k, n * outputs);
            sums.Clear();
            int stride = outputs + 1;
            for (int c = 0; c < lists.Chunks; c++)
                FactorizationKernels.AddColumnCombinations(panel[..(n * k)], n, n, lists.Rows, lists.Values,
                    lists.Starts.AsSpan(c * stride + j0, stride - j0), sums[(j0 * n)..], n);
            if (transposedDest)
            {
                VectorKernels.Transpose(sums[(j0 * n)..], n, outputs - j0, n, dest.AsSpan(r0 * outputs + j0), outputs);
                return buffer;
            }
            for (int j = j0; j < outputs; j++)
            {
                var column = dest.AsSpan(r0 + j * rows, n);
                sums.Slice(j * n, n).CopyTo(column);
                // The element-wise y += a x of VectorKernels.Axpy: the same bits as one pass over the whole of dest.
                if (addend != null) VectorKernels.Axpy(addScale, addend.AsSpan(r0 + j * rows, n), column);
            }
            return buffer;
        }, _panels.Add);
    }

    /// <summary>Writes rows [r0, r0 + n) of a panel product's left matrix into its panel (column-major, leading dimension n).</summary>
    private delegate void PanelFill(int r0, int n, Span<double> panel);

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
