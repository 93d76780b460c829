namespace GrnFast.Kernels;

/// <summary>
/// A cells x genes float32 expression matrix held as consecutive blocks of cells (Arrow record batches, HDF5
/// chunks, the parts of a multi-file matrix). Solvers read it one block at a time and accumulate (moments,
/// Gram and cross-products), so the whole matrix is never materialised. Nothing here copies: a dense block's
/// columns point wherever its owner keeps them (a memory-mapped file), and stay valid only as long as the owner.
/// </summary>
public sealed class CellBlocks
{
    public CellBlocks(int genes, IReadOnlyList<CellBlock> blocks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(genes);
        ArgumentNullException.ThrowIfNull(blocks);
        long cells = 0;
        foreach (var b in blocks)
        {
            ArgumentNullException.ThrowIfNull(b, nameof(blocks));
            if (b.Genes != genes) throw new ArgumentException($"a block has {b.Genes} genes, the matrix {genes}", nameof(blocks));
            cells += b.Rows;
        }
        if (cells > int.MaxValue) throw new ArgumentException($"{cells} cells is more than {int.MaxValue}", nameof(blocks));
        Genes = genes;
        Cells = (int)cells;
        Blocks = blocks;
    }

    public int Genes { get; }

    /// <summary>Total cells over all blocks.</summary>
    public int Cells { get; }

    /// <summary>The blocks in cell order: block b holds the cells after those of blocks 0..b-1.</summary>
    public IReadOnlyList<CellBlock> Blocks { get; }
}

/// <summary>One block of consecutive cells. <see cref="Open"/> gives its gene columns.</summary>
public abstract class CellBlock
{
    protected CellBlock(int rows, int genes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(genes);
        Rows = rows;
        Genes = genes;
    }

    /// <summary>Number of cells in the block.</summary>
    public int Rows { get; }

    public int Genes { get; }

    /// <summary>
    /// The block's columns, one span of <see cref="Rows"/> values per gene, valid until the result is disposed.
    /// A dense block returns views of its storage; a sparse block densifies here (one block at a time).
    /// Safe to call from one thread at a time per block; different blocks may be opened concurrently.
    /// </summary>
    public abstract BlockColumns Open();
}

/// <summary>The gene columns of an opened <see cref="CellBlock"/>.</summary>
public sealed class BlockColumns : IDisposable
{
    private readonly ReadOnlyMemory<float>[] _columns;
    private Action? _release;

    /// <param name="columns">One memory per gene, each of the block's length.</param>
    /// <param name="release">Called once on dispose (e.g. to return a pooled buffer).</param>
    public BlockColumns(ReadOnlyMemory<float>[] columns, int rows, Action? release = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        foreach (var c in columns)
            if (c.Length != rows) throw new ArgumentException($"a column has {c.Length} values, the block {rows} rows", nameof(columns));
        _columns = columns;
        Rows = rows;
        _release = release;
    }

    public int Rows { get; }
    public int Genes => _columns.Length;

    public ReadOnlySpan<float> Column(int gene) => _columns[gene].Span;

    public void Dispose()
    {
        var r = _release;
        _release = null;
        r?.Invoke();
    }
}

/// <summary>A dense block whose columns are already in memory (Arrow float32 columns, a slice of an array).</summary>
public sealed class DenseCellBlock : CellBlock
{
    private readonly ReadOnlyMemory<float>[] _columns;

    public DenseCellBlock(int rows, ReadOnlyMemory<float>[] columns) : base(rows, columns?.Length ?? 0)
    {
        ArgumentNullException.ThrowIfNull(columns);
        foreach (var c in columns)
            if (c.Length != rows) throw new ArgumentException($"a column has {c.Length} values, the block {rows} rows", nameof(columns));
        _columns = columns;
    }

    /// <summary>Touches the first column, so memory whose owner was disposed (an unmapped file) fails here, at once.</summary>
    public override BlockColumns Open()
    {
        if (_columns.Length > 0) _ = _columns[0].Span;
        return new(_columns, Rows);
    }
}
