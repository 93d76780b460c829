using GrnFast.Kernels;

namespace GrnFast.IO;

/// <summary>
/// A cells x genes expression matrix with its gene (and cell) names. Exactly one of <see cref="Single"/>,
/// <see cref="Double"/> and <see cref="Blocks"/> is set. The views may point into a memory-mapped file owned by this object, so they
/// are valid only until <see cref="Dispose"/>.
/// </summary>
public sealed class ExpressionData : IDisposable
{
    private IDisposable? _owner;

    internal ExpressionData(string source, IReadOnlyList<string> geneNames, IReadOnlyList<string>? cellNames,
        MatrixView<float>? single, MatrixView<double>? dbl, IDisposable? owner, CellBlocks? blocks = null)
    {
        if ((single is null ? 0 : 1) + (dbl is null ? 0 : 1) + (blocks is null ? 0 : 1) != 1)
            throw new ArgumentException("exactly one of the float32 matrix, the float64 matrix and the cell blocks must be set");
        if (blocks is not null && blocks.Genes != geneNames.Count) throw new ArgumentException($"{geneNames.Count} gene names for {blocks.Genes} columns");
        Source = source;
        GeneNames = geneNames;
        CellNames = cellNames;
        Single = single;
        Double = dbl;
        Blocks = blocks;
        _owner = owner;
    }

    /// <summary>Builds an in-memory float32 column-major matrix (gene columns contiguous).</summary>
    public static ExpressionData FromColumnMajor(string source, float[] data, int cells, IReadOnlyList<string> geneNames, IReadOnlyList<string>? cellNames = null)
        => new(source, geneNames, cellNames, new MatrixView<float>(data, cells, geneNames.Count, MatrixLayout.ColumnMajor), null, null);

    /// <summary>Builds an in-memory float64 column-major matrix (gene columns contiguous).</summary>
    public static ExpressionData FromColumnMajor(string source, double[] data, int cells, IReadOnlyList<string> geneNames, IReadOnlyList<string>? cellNames = null)
        => new(source, geneNames, cellNames, null, new MatrixView<double>(data, cells, geneNames.Count, MatrixLayout.ColumnMajor), null);

    /// <summary>The file the data came from (as the user named it).</summary>
    public string Source { get; }

    public IReadOnlyList<string> GeneNames { get; }

    /// <summary>Cell (row) names, when the file has them.</summary>
    public IReadOnlyList<string>? CellNames { get; }

    /// <summary>The matrix when stored as float32.</summary>
    public MatrixView<float>? Single { get; }

    /// <summary>The matrix when stored as float64.</summary>
    public MatrixView<double>? Double { get; }

    /// <summary>The matrix as blocks of cells (float32), read block by block (Arrow record batches, several files).</summary>
    public CellBlocks? Blocks { get; }

    /// <summary>Builds block-stored data; <paramref name="owner"/> (e.g. the file mappings) is disposed with it.</summary>
    public static ExpressionData FromBlocks(string source, IReadOnlyList<string> geneNames, IReadOnlyList<string>? cellNames, CellBlocks blocks, IDisposable? owner)
        => new(source, geneNames, cellNames, null, null, owner, blocks);

    public int Cells => Single?.Rows ?? Double?.Rows ?? Blocks!.Cells;
    public int Genes => Single?.Cols ?? Double?.Cols ?? Blocks!.Genes;

    /// <summary>Layout of the dense matrix; blocks are column-major within each block.</summary>
    public MatrixLayout Layout => Single?.Layout ?? Double?.Layout ?? MatrixLayout.ColumnMajor;

    /// <summary>True when the matrix is a view over a memory-mapped file rather than managed memory.</summary>
    public bool IsMemoryMapped => _owner is not null;

    public void Dispose()
    {
        _owner?.Dispose();
        _owner = null;
    }
}
