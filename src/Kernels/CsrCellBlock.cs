using System.Buffers;
using System.Numerics;

namespace GrnFast.Kernels;

/// <summary>
/// A block of cells stored as compressed sparse rows (cell r's genes are indices[indptr[r]..indptr[r+1]], with
/// values data[...]): Arrow list columns, h5ad/scipy CSR. <see cref="Open"/> densifies the block into a pooled
/// column-major buffer, so memory holds at most one dense block per open call, never the whole matrix.
/// The offsets need not start at 0 (a slice of a larger CSR): they are taken relative to the first. Duplicate
/// indices in a row add up, as in scipy.
/// </summary>
public sealed class CsrCellBlock<TOffset, TIndex> : CellBlock
    where TOffset : unmanaged, IBinaryInteger<TOffset>
    where TIndex : unmanaged, IBinaryInteger<TIndex>
{
    private readonly ReadOnlyMemory<TOffset> _indptr;
    private readonly ReadOnlyMemory<TIndex> _indices;
    private readonly ReadOnlyMemory<float> _data;
    private readonly string _source;

    /// <param name="indptr">rows + 1 offsets, non-decreasing, into <paramref name="indices"/>/<paramref name="data"/>.</param>
    /// <param name="source">Named in error messages (file and block).</param>
    public CsrCellBlock(int rows, int genes, ReadOnlyMemory<TOffset> indptr, ReadOnlyMemory<TIndex> indices, ReadOnlyMemory<float> data, string source)
        : base(rows, genes)
    {
        if (indptr.Length != rows + 1) throw new ArgumentException($"{source}: indptr has {indptr.Length} entries for {rows} rows (needs rows + 1)", nameof(indptr));
        if (indices.Length != data.Length) throw new ArgumentException($"{source}: {indices.Length} indices but {data.Length} values", nameof(indices));
        var p = indptr.Span;
        long first = long.CreateTruncating(p[0]), last = long.CreateTruncating(p[rows]);
        if (first < 0 || last < first || last > indices.Length)
            throw new ArgumentException($"{source}: indptr runs from {first} to {last}, outside the {indices.Length} stored values", nameof(indptr));
        for (int r = 0; r < rows; r++)
            if (p[r + 1] < p[r]) throw new ArgumentException($"{source}: indptr decreases at row {r}", nameof(indptr));
        _indptr = indptr;
        _indices = indices;
        _data = data;
        _source = source;
    }

    /// <summary>Stored values in the block.</summary>
    public long NonZeros => long.CreateTruncating(_indptr.Span[Rows]) - long.CreateTruncating(_indptr.Span[0]);

    public override BlockColumns Open()
    {
        int n = Rows, g = Genes;
        long size = (long)n * g;
        if (size > Array.MaxLength) throw new InvalidOperationException($"{_source}: a dense block of {n} x {g} is too large; write smaller record batches");
        var buffer = ArrayPool<float>.Shared.Rent((int)size);
        var dense = buffer.AsSpan(0, (int)size);
        dense.Clear();
        var p = _indptr.Span;
        var idx = _indices.Span;
        var val = _data.Span;
        long origin = long.CreateTruncating(p[0]);
        for (int r = 0; r < n; r++)
        {
            int start = (int)(long.CreateTruncating(p[r]) - origin), end = (int)(long.CreateTruncating(p[r + 1]) - origin);
            for (int k = start; k < end; k++)
            {
                long gene = long.CreateTruncating(idx[(int)origin + k]);
                if ((ulong)gene >= (ulong)g)
                {
                    ArrayPool<float>.Shared.Return(buffer);
                    throw new InvalidDataException($"{_source}: row {r} has gene index {gene}, outside 0..{g - 1}");
                }
                dense[(int)gene * n + r] += val[(int)origin + k];
            }
        }
        var columns = new ReadOnlyMemory<float>[g];
        for (int c = 0; c < g; c++) columns[c] = new ReadOnlyMemory<float>(buffer, c * n, n);
        return new BlockColumns(columns, n, () => ArrayPool<float>.Shared.Return(buffer));
    }
}
