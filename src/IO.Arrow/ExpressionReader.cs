namespace GrnFast.IO;

/// <summary>
/// Opens expression by file type: .npy and .arrows (or a directory of .arrows parts) are memory-mapped, anything else
/// is read as delimited text.
/// </summary>
public static class ExpressionReader
{
    /// <param name="path">Expression file.</param>
    /// <param name="genesByCells">Text input is genes x cells (BEELINE ExpressionData.csv).</param>
    /// <param name="geneNamesPath">For .npy: a file with one gene name per column.</param>
    public static ExpressionData Read(string path, bool genesByCells = false, string? geneNamesPath = null)
    {
        if (ArrowExpressionReader.IsArrow(path))
        {
            if (genesByCells) throw new InputFormatException(path, null, "Arrow input is cells x genes (one field per gene); --genes-by-cells applies to text input");
            if (geneNamesPath is not null) throw new InputFormatException(path, null, "Arrow input names its genes in the schema; --genes applies to .npy input");
            return ArrowExpressionReader.Read(path);
        }
        if (IsNpy(path))
        {
            if (genesByCells) throw new ArgumentException(".npy input is cells x genes; transpose it in NumPy instead of --genes-by-cells", nameof(genesByCells));
            var names = geneNamesPath is null ? null : NameListReader.ReadUnique(geneNamesPath).Select(n => n.Name).ToArray();
            if (names is not null)
            {
                var header = ReadNpyShape(path);
                if (names.Length != header.Cols)
                    throw new InputFormatException(geneNamesPath!, null, $"lists {names.Length} genes but {path} has {header.Cols} columns");
            }
            return NpyExpressionReader.Read(path, names);
        }
        if (geneNamesPath is not null) throw new ArgumentException("gene names come from the header of text input; a names file applies only to .npy", nameof(geneNamesPath));
        return DelimitedExpressionReader.Read(path, genesByCells);
    }

    public static bool IsNpy(string path) => path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase);

    private static NpyExpressionReader.NpyHeader ReadNpyShape(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return NpyExpressionReader.ReadHeader(stream, path);
    }
}
