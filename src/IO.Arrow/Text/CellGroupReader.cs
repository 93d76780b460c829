using GrnFast.IO.Text;

namespace GrnFast.IO;

/// <summary>One row of a groups file: a cell name (null in the one-column layout) and its cluster label, with its 1-based line.</summary>
public readonly record struct CellGroupRow(string? Cell, string Label, int Line);

/// <summary>The rows of a groups file; <see cref="Named"/> when they name their cells.</summary>
public sealed record CellGroupFile(string Path, IReadOnlyList<CellGroupRow> Rows, bool Named);

/// <summary>
/// Reads which cluster each cell belongs to (CellOracle's <c>cluster_name_for_GRN_unit</c> column of obs), either as
/// <c>cell, cluster</c> rows (an exported obs column: <c>adata.obs[["louvain"]].to_csv()</c>), or as one label per line
/// in the expression's cell order. A first line whose cell field is empty or a column word (cell, barcode, index,
/// obs_names, ...) or whose label field is one (cluster, group, louvain, leiden, cell_type, ...) is a header. Blank lines
/// and '#' comments are skipped; empty labels, 3+ fields and files that mix the two layouts are errors.
/// </summary>
public static class CellGroupReader
{
    private static readonly HashSet<string> CellWords = new(StringComparer.OrdinalIgnoreCase) { "", "cell", "cells", "cell_id", "cellid", "barcode", "barcodes", "index", "obs", "obs_names", "name" };
    private static readonly HashSet<string> LabelWords = new(StringComparer.OrdinalIgnoreCase) { "cluster", "clusters", "group", "groups", "label", "labels", "louvain", "leiden", "cell_type", "celltype", "cluster_name", "annotation" };

    public static CellGroupFile Read(string path)
    {
        char? delimiter = DelimitedLine.DelimiterForExtension(path);
        var fields = new List<Range>();
        var rows = new List<CellGroupRow>();
        using var reader = DelimitedLineFile.Open(path);
        int number = 0, width = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#')) continue;
            delimiter ??= DelimitedLine.Sniff(line);
            if (delimiter == ' ') DelimitedLine.SplitBlanks(line, fields); else DelimitedLine.Split(line, delimiter.Value, fields);
            if (fields.Count > 2)
                throw new InputFormatException(path, number, $"expected 'cell, cluster' or one cluster label per line, got {fields.Count} fields");
            var texts = fields.Select(f => DelimitedLine.Text(line, f)).ToArray();
            if (width == 0)
            {
                width = texts.Length;
                bool header = texts.Length == 2 ? CellWords.Contains(texts[0]) || LabelWords.Contains(texts[1]) : LabelWords.Contains(texts[0]);
                if (header) continue;
            }
            if (texts.Length != width)
                throw new InputFormatException(path, number, $"expected {width} field{(width == 1 ? "" : "s")} like the first line, got {texts.Length}");
            string label = texts[^1];
            if (label.Length == 0) throw new InputFormatException(path, number, $"the cluster label (field {width}) is empty", width);
            string? cell = width == 2 ? texts[0] : null;
            if (cell is { Length: 0 }) throw new InputFormatException(path, number, "the cell name (field 1) is empty", 1);
            rows.Add(new CellGroupRow(cell, label, number));
        }
        if (number == 0) throw new InputFormatException(path, null, "the file is empty");
        if (rows.Count == 0) throw new InputFormatException(path, null, "the file assigns no cell to a cluster");
        return new CellGroupFile(path, rows, width == 2);
    }
}
