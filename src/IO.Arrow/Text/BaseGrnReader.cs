using GrnFast.IO.Text;

namespace GrnFast.IO;

/// <summary>
/// A CellOracle base GRN: its regulator (TF) columns, in file order, and the candidate edges TF -> target it implies,
/// as a prior source (confidence 1). <see cref="Peaks"/> counts the data rows.
/// </summary>
public sealed record BaseGrn(string Path, IReadOnlyList<string> Regulators, PriorSource Edges, int Peaks, int Targets);

/// <summary>
/// Reads CellOracle's base-GRN table (the TF-info matrix <c>Oracle.import_TF_data</c> takes): a header
/// <c>peak_id, gene_short_name, TF1, TF2, ...</c> and one row per peak, its target gene and a 0/1 per TF (1: the TF's
/// motif is in the peak). As CellOracle does (<c>groupby("gene_short_name").sum() &gt; 0</c>), a TF is a candidate
/// regulator of a gene when any of the gene's peaks has a 1 for it. Comma-separated for .csv, tab for .tsv, otherwise
/// sniffed; a leading unnamed column (a pandas index written by to_csv) is skipped; <c>peak_id</c> is optional.
/// Values must be 0 or 1 (1.0, 0.0 accepted); anything else is an error naming the line, the TF and the gene.
/// </summary>
public static class BaseGrnReader
{
    public static BaseGrn Read(string path)
    {
        char? delimiter = DelimitedLine.DelimiterForExtension(path);
        var fields = new List<Range>();
        using var reader = DelimitedLineFile.Open(path);
        int number = 0, peaks = 0, width = 0, geneColumn = -1;
        string[]? header = null;
        var tfColumns = new List<int>();
        // Per target: the TFs seen with a 1, and the line that first showed each edge.
        var edges = new Dictionary<string, Dictionary<int, int>>(StringComparer.Ordinal);
        var targetOrder = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line) || (header is null && line.TrimStart().StartsWith('#'))) continue;
            delimiter ??= DelimitedLine.Sniff(line);
            if (delimiter == ' ') DelimitedLine.SplitBlanks(line, fields); else DelimitedLine.Split(line, delimiter.Value, fields);
            if (header is null)
            {
                header = fields.Select(f => DelimitedLine.Text(line, f)).ToArray();
                width = header.Length;
                int first = header[0].Length == 0 ? 1 : 0; // pandas' unnamed index column
                geneColumn = Array.FindIndex(header, h => h.Equals("gene_short_name", StringComparison.OrdinalIgnoreCase));
                if (geneColumn < 0)
                    throw new InputFormatException(path, number, "no 'gene_short_name' column: a CellOracle base GRN has a header peak_id, gene_short_name, then one 0/1 column per TF");
                var seen = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int c = first; c < width; c++)
                {
                    if (c == geneColumn || header[c].Equals("peak_id", StringComparison.OrdinalIgnoreCase)) continue;
                    if (header[c].Length == 0) throw new InputFormatException(path, number, $"column {c + 1} of the header is empty; every TF column needs a name", c + 1);
                    if (!seen.TryAdd(header[c], c)) throw new InputFormatException(path, number, $"TF '{header[c]}' names columns {seen[header[c]] + 1} and {c + 1}", c + 1, header[c]);
                    tfColumns.Add(c);
                }
                if (tfColumns.Count == 0) throw new InputFormatException(path, number, "the header names no TF column (expected peak_id, gene_short_name, then one column per TF)");
                continue;
            }
            if (fields.Count != width)
                throw new InputFormatException(path, number, $"expected {width} fields like the header, got {fields.Count}");
            string gene = DelimitedLine.Text(line, fields[geneColumn]);
            if (gene.Length == 0) throw new InputFormatException(path, number, $"field {geneColumn + 1} (gene_short_name) is empty", geneColumn + 1);
            peaks++;
            if (!edges.TryGetValue(gene, out var tfs)) { edges[gene] = tfs = new Dictionary<int, int>(); targetOrder.Add(gene); }
            for (int t = 0; t < tfColumns.Count; t++)
            {
                int c = tfColumns[t];
                var text = line.AsSpan()[fields[c]];
                if (NumberText.TryParseDouble(text, out double v) != NumberText.Outcome.Finite || (v != 0 && v != 1))
                    throw new InputFormatException(path, number, $"field {c + 1} ('{text}') for TF {header[c]} -> {gene} is not 0 or 1", c + 1, gene);
                if (v == 1) tfs.TryAdd(t, number);
            }
        }
        if (header is null) throw new InputFormatException(path, null, number == 0 ? "the file is empty" : "the file has no header (only blank lines or comments)");
        if (peaks == 0) throw new InputFormatException(path, null, "the base GRN has a header but no rows");

        var regulators = tfColumns.Select(c => header[c]).ToArray();
        var list = new List<PriorEdge>();
        foreach (var target in targetOrder)
            foreach (var (t, at) in edges[target].OrderBy(e => e.Key))
                list.Add(new PriorEdge(regulators[t], target, 1, at));
        return new BaseGrn(path, regulators, new PriorSource(path, list), peaks, targetOrder.Count);
    }
}
