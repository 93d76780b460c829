using GrnFast.Kernels;

namespace GrnFast.IO;

/// <summary>
/// A cells x genes expression matrix with its gene (and cell) names. Exactly one of <see cref="Single"/> and
/// <see cref="Double"/> is set. The views may point into a memory-mapped file owned by this object, so they
/// are valid only until <see cref="Dispose"/>.
/// </summary>
public sealed class ExpressionData : IDisposable
{
    private IDisposable? _owner;

    internal ExpressionData(string source, IReadOnlyList<string> geneNames, IReadOnlyList<string>? cellNames,
        MatrixView<float>? single, MatrixView<double>? dbl, IDisposable? owner)
    {
        if (single is null == dbl is null) throw new ArgumentException("exactly one of the float32 and float64 matrices must be set");
        Source = source;
        GeneNames = geneNames;
        CellNames = cellNames;
        Single = single;
        Double = dbl;
        _owner = owner;
    }

    /// <summary>Builds an in-memory float32 column-major matrix (gene columns contiguous).</summary>
    public static ExpressionData FromColumnMajor(string source, float[] data, int cells, IReadOnlyList<string> geneNames, IReadOnlyList<string>? cellNames = null)
        => new(source, geneNames, cellNames, new MatrixView<float>(data, cells, geneNames.Count, MatrixLayout.ColumnMajor), null, null);

    /// <summary>The file the data came from (as the user named it).</summary>
    public string Source { get; }

    public IReadOnlyList<string> GeneNames { get; }

    /// <summary>Cell (row) names, when the file has them.</summary>
    public IReadOnlyList<string>? CellNames { get; }

    /// <summary>The matrix when stored as float32.</summary>
    public MatrixView<float>? Single { get; }

    /// <summary>The matrix when stored as float64.</summary>
    public MatrixView<double>? Double { get; }

    public int Cells => Single?.Rows ?? Double!.Value.Rows;
    public int Genes => Single?.Cols ?? Double!.Value.Cols;
    public MatrixLayout Layout => Single?.Layout ?? Double!.Value.Layout;

    /// <summary>True when the matrix is a view over a memory-mapped file rather than managed memory.</summary>
    public bool IsMemoryMapped => _owner is not null;

    public void Dispose()
    {
        _owner?.Dispose();
        _owner = null;
    }
}
