using GrnFast.Kernels;

namespace GrnFast.IO.Arrow;

/// <summary>
/// Reads the cells of an <see cref="ExpressionData"/> in order, a range at a time, into column-major float32 buffers,
/// whatever the storage: a float32 or float64 matrix in either layout, or cell blocks (each opened once, so a sparse
/// block is densified once however the ranges fall).
/// </summary>
internal sealed class CellCursor(ExpressionData data) : IDisposable
{
    private int _next;
    private int _block = -1;
    private int _inBlock;
    private BlockColumns? _open;

    /// <summary>Cells read so far.</summary>
    public int Position => _next;

    /// <summary>Fills <paramref name="dest"/> (gene g's values at [g * rows, (g + 1) * rows)) with the next <paramref name="rows"/> cells.</summary>
    public void Read(int rows, Span<float> dest)
    {
        int genes = data.Genes;
        if (rows < 0 || _next + rows > data.Cells) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"{data.Cells - _next} cells are left");
        if (dest.Length < (long)rows * genes) throw new ArgumentException($"{dest.Length} values for {rows} x {genes}", nameof(dest));
        if (data.Single is { } f) ReadMatrix(f, rows, dest);
        else if (data.Double is { } d) ReadMatrix(d, rows, dest);
        else ReadBlocks(data.Blocks!, rows, dest);
        _next += rows;
    }

    private void ReadMatrix(MatrixView<float> m, int rows, Span<float> dest)
    {
        int genes = m.Cols;
        if (m.Layout == MatrixLayout.ColumnMajor)
        {
            for (int g = 0; g < genes; g++) m.Column(g).Slice(_next, rows).CopyTo(dest.Slice(g * rows, rows));
            return;
        }
        // Row-major to column-major in tiles, so the scattered writes of one tile stay in cache (each row of a wide
        // matrix would otherwise touch a different cache line, and page, per gene).
        const int Tile = 64;
        for (int g0 = 0; g0 < genes; g0 += Tile)
        {
            int g1 = Math.Min(genes, g0 + Tile);
            for (int r0 = 0; r0 < rows; r0 += Tile)
            {
                int r1 = Math.Min(rows, r0 + Tile);
                for (int r = r0; r < r1; r++)
                {
                    var row = m.Row(_next + r);
                    for (int g = g0; g < g1; g++) dest[g * rows + r] = row[g];
                }
            }
        }
    }

    private void ReadMatrix(MatrixView<double> m, int rows, Span<float> dest)
    {
        int genes = m.Cols;
        for (int g = 0; g < genes; g++)
        {
            var col = dest.Slice(g * rows, rows);
            if (m.Layout == MatrixLayout.ColumnMajor)
            {
                var src = m.Column(g).Slice(_next, rows);
                for (int r = 0; r < rows; r++) col[r] = Narrow(src[r], g, _next + r);
            }
            else
            {
                for (int r = 0; r < rows; r++) col[r] = Narrow(m[_next + r, g], g, _next + r);
            }
        }
    }

    private float Narrow(double value, int gene, int cell)
    {
        float f = (float)value;
        if (float.IsInfinity(f) && double.IsFinite(value))
            throw new InputFormatException(data.Source, null, $"gene '{data.GeneNames[gene]}', cell {cell + 1}: {value} does not fit in float32 (|x| <= 3.4e38)", gene + 1, data.GeneNames[gene]);
        return f;
    }

    private void ReadBlocks(CellBlocks blocks, int rows, Span<float> dest)
    {
        int filled = 0;
        while (filled < rows)
        {
            if (_open is null || _inBlock == blocks.Blocks[_block].Rows)
            {
                _open?.Dispose();
                _open = null;
                _open = blocks.Blocks[++_block].Open();
                _inBlock = 0;
            }
            int n = Math.Min(rows - filled, _open.Rows - _inBlock);
            for (int g = 0; g < _open.Genes; g++) _open.Column(g).Slice(_inBlock, n).CopyTo(dest.Slice(g * rows + filled, n));
            _inBlock += n;
            filled += n;
        }
    }

    public void Dispose()
    {
        _open?.Dispose();
        _open = null;
    }
}
