using PureHDF;
using PureHDF.VOL.Native;

namespace GrnFast.IO.H5ad;

/// <summary>
/// Reads names from anndata's obs and var data frames: a group whose "_index" attribute names the column
/// holding the index (anndata >= 0.7; "_index" unless the pandas index had a name), with one member per
/// column. A column is a string array, or a categorical: a group of integer codes and string categories
/// (anndata >= 0.8), or integer codes whose "categories" attribute references the categories (anndata 0.7).
/// anndata &lt; 0.7 stored the frames as compound datasets, which are rejected with a message saying so.
/// </summary>
internal static class H5adDataFrame
{
    /// <summary>The frame's index (obs or var names), or null when the file has no such frame.</summary>
    public static string[]? Index(H5adFile file, string frame)
    {
        if (Frame(file, frame) is not { } group) return null;
        var column = file.StringAttribute(group, "/" + frame, "_index")
            ?? throw file.Error("/" + frame, "has no _index attribute naming its index column; is this an anndata file?");
        if (file.Find($"{frame}/{column}") is null)
            throw file.Error($"/{frame}/{column}", $"is missing: /{frame}'s _index attribute names it as the index ({Listing(file, frame)})");
        return Column(file, frame, column);
    }

    /// <summary>The column <paramref name="column"/> of the frame as strings.</summary>
    public static string[] Column(H5adFile file, string frame, string column)
    {
        if (Frame(file, frame) is null) throw file.Error("/" + frame, "is missing");
        string path = $"/{frame}/{column}";
        var member = column.Contains('/') || column.StartsWith("__", StringComparison.Ordinal) ? null : file.Find($"{frame}/{column}");
        return member switch
        {
            null => throw file.Error("/" + frame, $"has no column '{column}' ({Listing(file, frame)})"),
            IH5Dataset d when file.Guard(path, () => d.AttributeOrNull("categories")) is { } categories => OldCategorical(file, path, d, categories),
            IH5Dataset d => Strings(file, path, d),
            IH5Group g => file.EncodingType(g, path) switch
            {
                "categorical" => Categorical(file, path, g),
                var e => throw file.Error(path, $"is a group with encoding-type '{e}'; a names column must be a string array or a categorical"),
            },
            _ => throw file.Error(path, "is neither a dataset nor a group"),
        };
    }

    /// <summary>The frame's columns and its index column, for messages ("columns: a, b; index: _index").</summary>
    public static string Listing(H5adFile file, string frame)
    {
        var columns = file.Members(frame).Where(m => !m.StartsWith("__", StringComparison.Ordinal)).ToList();
        return columns.Count == 0 ? $"/{frame} has no columns" : $"/{frame} columns: {string.Join(", ", columns)}";
    }

    private static IH5Group? Frame(H5adFile file, string frame) => file.Find(frame) switch
    {
        null => null,
        IH5Group g => g,
        IH5Dataset => throw file.Error("/" + frame,
            "is a compound dataset: the layout of anndata < 0.7, which GrnFast does not read; load the file with anndata and save it again (adata.write_h5ad)"),
        _ => throw file.Error("/" + frame, "is not a group"),
    };

    private static string[] Strings(H5adFile file, string path, IH5Dataset d)
    {
        var (type, rank) = file.Guard(path, () => (d.Type, d.Space.Rank));
        if (rank != 1) throw file.Error(path, $"has rank {rank}; a names column is 1-D");
        if (type.Class is not (H5DataTypeClass.String or H5DataTypeClass.VariableLength))
            throw file.Error(path, $"holds {H5adNumbers.Describe(type)}, not strings; choose a string or categorical column, or convert it in anndata (adata.var[col].astype(str))");
        return file.Guard(path, () => d.Read<string[]>());
    }

    private static string[] Categorical(H5adFile file, string path, IH5Group g)
    {
        if (file.Guard(path, () => g.LinkExists("codes") && g.LinkExists("categories")) is false)
            throw file.Error(path, "is a categorical without 'codes' and 'categories'");
        var categories = file.Guard(path + "/categories", () => g.Get("categories")) as IH5Dataset
            ?? throw file.Error(path + "/categories", "is not a dataset");
        var codes = file.Guard(path + "/codes", () => g.Get("codes")) as IH5Dataset
            ?? throw file.Error(path + "/codes", "is not a dataset");
        return Decode(file, path + "/codes", codes, Strings(file, path + "/categories", categories));
    }

    private static string[] OldCategorical(H5adFile file, string path, IH5Dataset codes, IH5Attribute categories)
    {
        if (file.Guard(path, () => categories.Type.Class) != H5DataTypeClass.Reference)
            throw file.Error(path, "has a 'categories' attribute that is not an object reference (anndata 0.7 categorical)");
        var reference = file.Guard(path, () => categories.Read<NativeObjectReference1>());
        var target = file.Dereference(path, reference) as IH5Dataset
            ?? throw file.Error(path, "has a 'categories' attribute that does not reference a dataset");
        return Decode(file, path, codes, Strings(file, $"{path} (categories)", target));
    }

    /// <summary>names[i] = categories[codes[i]]; a negative code (pandas' missing value) has no name.</summary>
    private static string[] Decode(H5adFile file, string codesPath, IH5Dataset codes, string[] categories)
    {
        var (type, dims) = file.Guard(codesPath, () => (codes.Type, codes.Space.Dimensions));
        if (dims.Length != 1) throw file.Error(codesPath, $"has rank {dims.Length}; categorical codes are 1-D");
        if (H5adNumbers.TypeOf(type) is not { } t || !H5adNumbers.IsInteger(t))
            throw file.Error(codesPath, $"holds {H5adNumbers.Describe(type)}; categorical codes are integers");
        var values = new long[checked((int)dims[0])];
        H5adNumbers.Read(file, codes, codesPath, t, 0, values.AsMemory());
        var names = new string[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            long c = values[i];
            if (c < 0) throw file.Error(codesPath, $"row {i} has no value (code {c}, a missing category): every name must be present");
            if (c >= categories.Length) throw file.Error(codesPath, $"row {i} has code {c}, but there are {categories.Length} categories");
            names[i] = categories[c];
        }
        return names;
    }

    /// <summary>The attribute, or null when absent.</summary>
    private static IH5Attribute? AttributeOrNull(this IH5Object o, string name) => o.AttributeExists(name) ? o.Attribute(name) : null;
}
