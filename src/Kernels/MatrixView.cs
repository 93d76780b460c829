namespace GrnFast.Kernels;

/// <summary>How a dense matrix is laid out in memory.</summary>
public enum MatrixLayout
{
    /// <summary>Each column (a gene, for cells x genes expression) is contiguous: element (r, c) at c*rows + r.</summary>
    ColumnMajor,
    /// <summary>Each row (a cell) is contiguous: element (r, c) at r*cols + c. NumPy C order.</summary>
    RowMajor,
}

/// <summary>
/// A read-only view of a dense rows x cols matrix over memory someone else owns (an array, a memory-mapped
/// file). No copy is made; the owner keeps the memory alive for as long as the view is used.
/// </summary>
public readonly struct MatrixView<T> where T : unmanaged
{
    public MatrixView(ReadOnlyMemory<T> data, int rows, int cols, MatrixLayout layout)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if ((long)rows * cols > data.Length)
            throw new ArgumentException($"a {rows} x {cols} matrix needs {(long)rows * cols} elements, the buffer has {data.Length}", nameof(data));
        Data = data;
        Rows = rows;
        Cols = cols;
        Layout = layout;
    }

    public ReadOnlyMemory<T> Data { get; }
    public int Rows { get; }
    public int Cols { get; }
    public MatrixLayout Layout { get; }

    /// <summary>Element (row, col), bounds-checked.</summary>
    public T this[int row, int col]
    {
        get
        {
            if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row));
            if ((uint)col >= (uint)Cols) throw new ArgumentOutOfRangeException(nameof(col));
            return Layout == MatrixLayout.ColumnMajor ? Data.Span[col * Rows + row] : Data.Span[row * Cols + col];
        }
    }

    /// <summary>Column <paramref name="col"/> as a contiguous span; only for column-major views.</summary>
    public ReadOnlySpan<T> Column(int col)
    {
        if (Layout != MatrixLayout.ColumnMajor) throw new InvalidOperationException("Column spans exist only for column-major views");
        if ((uint)col >= (uint)Cols) throw new ArgumentOutOfRangeException(nameof(col));
        return Data.Span.Slice(col * Rows, Rows);
    }

    /// <summary>Row <paramref name="row"/> as a contiguous span; only for row-major views.</summary>
    public ReadOnlySpan<T> Row(int row)
    {
        if (Layout != MatrixLayout.RowMajor) throw new InvalidOperationException("Row spans exist only for row-major views");
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row));
        return Data.Span.Slice(row * Cols, Cols);
    }
}
