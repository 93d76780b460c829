namespace GrnFast.IO;

/// <summary>
/// Opens expression by file type: .npy and .arrows (or a directory of .arrows parts) are memory-mapped, .h5ad is
/// read as AnnData, anything else as delimited text.
/// </summary>
public static class ExpressionReader
{
    /// <param name="path">Expression file.</param>
    /// <param name="genesByCells">Text input is genes x cells (BEELINE ExpressionData.csv).</param>
    /// <param name="geneNamesPath">For .npy: a file with one gene name per column.</param>
    /// <param name="layer">For .h5ad: read layers/NAME instead of X.</param>
    /// <param name="varNames">For .h5ad: the var column with the gene names (default: var's index).</param>
    public static ExpressionData Read(string path, bool genesByCells = false, string? geneNamesPath = null, string? layer = null, string? varNames = null)
    {
        if (ArrowExpressionReader.IsArrow(path))
        {
            if (genesByCells) throw new InputFormatException(path, null, "Arrow input is cells x genes (one field per gene); --genes-by-cells applies to text input");
            if (geneNamesPath is not null) throw new InputFormatException(path, null, "Arrow input names its genes in the schema; --genes applies to .npy input");
            if (layer is not null || varNames is not null) throw new ArgumentException("a layer and a var names column apply only to .h5ad input", layer is not null ? nameof(layer) : nameof(varNames));
            return ArrowExpressionReader.Read(path);
        }
        if (IsH5ad(path))
        {
            if (genesByCells) throw new ArgumentException(".h5ad input is cells x genes (AnnData's obs x var)", nameof(genesByCells));
            if (geneNamesPath is not null) throw new ArgumentException("gene names of .h5ad input come from var; choose a var column instead of a names file", nameof(geneNamesPath));
            // The HDF5 reader (PureHDF) makes generic methods at run time, which a NativeAOT build (the native
            // grnfast executable, libgrnfast.so) cannot run; the check also lets the AOT compiler drop the reader.
            if (!System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported)
                throw new InputFormatException(path, null, "this native (ahead-of-time compiled) build of grnfast cannot read .h5ad; "
                    + "convert it once with the .NET build (grnfast convert IN.h5ad OUT.arrows) and give the .arrows");
            return H5adExpressionReader.Read(path, layer, varNames);
        }
        if (layer is not null || varNames is not null) throw new ArgumentException("a layer and a var names column apply only to .h5ad input", layer is not null ? nameof(layer) : nameof(varNames));
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

    public static bool IsH5ad(string path) => path.EndsWith(".h5ad", StringComparison.OrdinalIgnoreCase);

    private static NpyExpressionReader.NpyHeader ReadNpyShape(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return NpyExpressionReader.ReadHeader(stream, path);
    }
}
