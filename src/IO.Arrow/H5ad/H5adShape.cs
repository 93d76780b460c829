namespace GrnFast.IO.H5ad;

/// <summary>Checks a matrix's shape against the names in obs and var, which anndata keeps consistent.</summary>
internal static class H5adShape
{
    /// <summary>The shape as ints, after checking it matches var (genes) and, when present, obs (cells).</summary>
    public static (int Rows, int Cols) Check(H5adFile file, string path, ulong rows, ulong cols, IReadOnlyList<string> genes, IReadOnlyList<string>? cells)
    {
        if (cols != (ulong)genes.Count)
            throw file.Error(path, $"has {cols} columns but /var has {genes.Count} genes; the shape disagrees with var");
        if (cells is not null && rows != (ulong)cells.Count)
            throw file.Error(path, $"has {rows} rows but /obs has {cells.Count} cells; the shape disagrees with obs");
        if (rows > int.MaxValue) throw file.Error(path, $"has {rows} rows, more than {int.MaxValue}");
        if (rows == 0 || cols == 0) throw file.Error(path, $"is {rows} x {cols}: no cells or no genes");
        return ((int)rows, (int)cols);
    }

    /// <summary>" (cell 'name')" when cell names are known, for messages.</summary>
    public static string CellName(IReadOnlyList<string>? cells, long row)
        => cells is not null && row < cells.Count ? $" (cell '{cells[(int)row]}')" : "";
}
