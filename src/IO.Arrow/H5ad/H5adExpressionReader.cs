using GrnFast.IO.H5ad;
using PureHDF;

namespace GrnFast.IO;

/// <summary>
/// Reads an AnnData .h5ad file (anndata >= 0.7; HDF5 through PureHDF, no native library): the expression
/// matrix X, or the layer layers/NAME, as cells x genes; gene names from var's index or one of its columns;
/// cell names from obs's index. The matrix may be dense (float32, float64, integers: read into memory,
/// row-major), CSR (read into blocks of cells, densified one block at a time by the solver) or CSC (densified
/// into memory, column-major); int32 or int64 indices; any filter HDF5 has built in (gzip, shuffle).
/// Everything is read and checked here; the file is closed on return.
/// </summary>
public static class H5adExpressionReader
{
    /// <param name="path">The .h5ad file.</param>
    /// <param name="layer">A member of layers/ to read instead of X.</param>
    /// <param name="varNames">A var column holding the gene names (e.g. gene_symbols); default: var's index.</param>
    public static ExpressionData Read(string path, string? layer = null, string? varNames = null) => Read(path, layer, varNames, H5adReadLimits.Default);

    internal static ExpressionData Read(string path, string? layer, string? varNames, H5adReadLimits limits)
    {
        using var file = H5adFile.Open(path, limits);
        var (matrix, matrixPath) = Matrix(file, layer);
        var genes = GeneNames(file, varNames);
        var cells = H5adDataFrame.Index(file, "obs");
        return matrix switch
        {
            IH5Dataset d => H5adDenseMatrix.Read(file, d, matrixPath, genes, cells),
            IH5Group g => file.EncodingType(g, matrixPath) switch
            {
                "csr_matrix" => H5adSparseMatrix.Read(file, g, matrixPath, csr: true, genes, cells),
                "csc_matrix" => H5adSparseMatrix.Read(file, g, matrixPath, csr: false, genes, cells),
                null => throw file.Error(matrixPath, "is a group without an encoding-type attribute (written by anndata < 0.7?); load the file with anndata and save it again (adata.write_h5ad)"),
                var e => throw file.Error(matrixPath, $"has encoding-type '{e}'; GrnFast reads dense arrays, csr_matrix and csc_matrix"),
            },
            _ => throw file.Error(matrixPath, "is neither a dataset nor a group"),
        };
    }

    private static (IH5Object Matrix, string Path) Matrix(H5adFile file, string? layer)
    {
        var layers = file.Members("layers");
        string available = layers.Count == 0 ? "the file has no layers" : $"layers: {string.Join(", ", layers)}";
        if (layer is null)
        {
            return file.Find("X") is { } x ? (x, "/X")
                : throw file.Error("/X", $"is missing (anndata wrote X = None); choose a layer ({available})");
        }
        if (!layers.Contains(layer, StringComparer.Ordinal))
            throw file.Error("/layers", $"has no layer '{layer}' ({available})");
        return (file.Find($"layers/{layer}")!, $"/layers/{layer}");
    }

    /// <summary>var's index or column, checked to name every gene once.</summary>
    private static string[] GeneNames(H5adFile file, string? column)
    {
        string[] names;
        string path;
        if (column is null)
        {
            names = H5adDataFrame.Index(file, "var") ?? throw file.Error("/var", "is missing: the gene names come from var's index");
            path = "/var/" + file.StringAttribute(file.Find("var")!, "/var", "_index");
        }
        else
        {
            names = H5adDataFrame.Column(file, "var", column);
            path = "/var/" + column;
        }
        var seen = new Dictionary<string, int>(names.Length, StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            if (string.IsNullOrEmpty(names[i]))
                throw file.Error(path, $"row {i} is an empty gene name; every gene needs a name");
            if (seen.TryGetValue(names[i], out int j))
            {
                throw file.Error(path, $"gene '{names[i]}' appears twice (rows {j} and {i}); gene names must be unique: "
                    + $"make them so in anndata (adata.var_names_make_unique()) or choose another column ({H5adDataFrame.Listing(file, "var")})", names[i]);
            }
            seen.Add(names[i], i);
        }
        return names;
    }
}
