using GrnFast.IO.Text;

namespace GrnFast.IO;

/// <summary>
/// Reads expression from delimited text into a float32 column-major cells x genes matrix.
/// <list type="bullet">
/// <item>cells x genes (default): a header row of gene names; the first column holds cell names when the first
/// header cell is empty, is "Time" (DREAM4 time series), the header is one field shorter than the data rows (R's
/// write.table), or the first data field is not a number.</item>
/// <item>genes x cells (<c>genesByCells</c>, BEELINE ExpressionData.csv): a header row of cell names, then one
/// row per gene starting with its name.</item>
/// </list>
/// Blank lines are skipped (DREAM4 time series separate trajectories with them). Delimiter: tab for .tsv,
/// comma for .csv, otherwise sniffed from the header.
/// </summary>
public static class DelimitedExpressionReader
{
    public static ExpressionData Read(string path, bool genesByCells = false)
    {
        char? delimiter = DelimitedLine.DelimiterForExtension(path);
        using var reader = DelimitedLineFile.Open(path);
        return Read(reader, path, delimiter, genesByCells);
    }

    /// <summary>Reads from <paramref name="reader"/>; <paramref name="source"/> names it in messages.</summary>
    public static ExpressionData Read(TextReader reader, string source, char? delimiter, bool genesByCells)
    {
        var lines = new LineSource(reader);
        if (!lines.Next(out var header, out int headerLine))
            throw new InputFormatException(source, null, "the file is empty");
        char delim = delimiter ?? DelimitedLine.Sniff(header);
        var fields = new List<Range>();
        SplitLine(header, delim, fields);
        var headerNames = fields.Select(f => DelimitedLine.Text(header, f)).ToList();

        if (!lines.Next(out var first, out int firstLine))
            throw new InputFormatException(source, null, "no data rows after the header");
        SplitLine(first, delim, fields);
        int width = fields.Count;

        // Does the first column of data rows hold names rather than values?
        int offset; // data fields before the first value
        List<string> columnNames;
        if (width == headerNames.Count + 1) { offset = 1; columnNames = headerNames; }
        else if (width == headerNames.Count)
        {
            bool rowNames = genesByCells || headerNames[0].Length == 0
                || headerNames[0].Equals("Time", StringComparison.OrdinalIgnoreCase)
                || !NumberText.IsNumber(first.AsSpan()[fields[0]]);
            offset = rowNames ? 1 : 0;
            columnNames = rowNames ? headerNames.GetRange(1, headerNames.Count - 1) : headerNames;
        }
        else throw new InputFormatException(source, firstLine, $"expected {headerNames.Count} fields (as in the header on line {headerLine}), got {width}");
        if (genesByCells && offset == 0)
            throw new InputFormatException(source, firstLine, "genes x cells input needs the gene name in the first field of each row");
        if (columnNames.Count == 0)
            throw new InputFormatException(source, headerLine, "the header names no columns");

        return genesByCells
            ? ReadGenesByCells(lines, source, delim, fields, first, firstLine, width, columnNames)
            : ReadCellsByGenes(lines, source, delim, fields, first, firstLine, width, offset, columnNames, headerLine);
    }

    private static ExpressionData ReadCellsByGenes(LineSource lines, string source, char delim, List<Range> fields,
        string line, int lineNo, int width, int offset, List<string> genes, int headerLine)
    {
        RejectDuplicates(source, genes, "fields", 1 + offset, headerLine);
        int p = genes.Count;
        var rowMajor = new float[Math.Max(p * 64, 1)];
        var cellNames = offset == 1 ? new List<string>() : null;
        int cells = 0;
        do
        {
            if (cells > 0) SplitLine(line, delim, fields);
            if (fields.Count != width) throw new InputFormatException(source, lineNo, $"expected {width} fields, got {fields.Count}");
            string? cell = offset == 1 ? DelimitedLine.Text(line, fields[0]) : null;
            cellNames?.Add(cell!);
            if ((long)(cells + 1) * p > Array.MaxLength) throw new InputFormatException(source, lineNo, $"more than {Array.MaxLength} values; use .npy input for matrices this large");
            if ((cells + 1) * p > rowMajor.Length) Array.Resize(ref rowMajor, (int)Math.Min(Array.MaxLength, 2L * rowMajor.Length + p));
            var row = rowMajor.AsSpan(cells * p, p);
            for (int j = 0; j < p; j++)
                row[j] = ParseValue(source, line, lineNo, fields[j + offset], j + offset + 1, genes[j], cell ?? $"row {cells + 1}");
            cells++;
        } while (lines.Next(out line, out lineNo));

        // Transpose so each gene's cells are contiguous (the solvers read gene columns).
        var data = new float[(long)cells * p];
        for (int r = 0; r < cells; r++)
        {
            var row = rowMajor.AsSpan(r * p, p);
            for (int j = 0; j < p; j++) data[j * cells + r] = row[j];
        }
        return ExpressionData.FromColumnMajor(source, data, cells, genes, cellNames);
    }

    private static ExpressionData ReadGenesByCells(LineSource lines, string source, char delim, List<Range> fields,
        string line, int lineNo, int width, List<string> cells)
    {
        int n = cells.Count;
        var columns = new List<float[]>();
        var genes = new List<string>();
        var geneLines = new Dictionary<string, int>(StringComparer.Ordinal);
        do
        {
            if (genes.Count > 0) SplitLine(line, delim, fields);
            if (fields.Count != width) throw new InputFormatException(source, lineNo, $"expected {width} fields, got {fields.Count}");
            string gene = DelimitedLine.Text(line, fields[0]);
            if (geneLines.TryGetValue(gene, out int earlier))
                throw new InputFormatException(source, lineNo, $"gene '{gene}' appears twice (lines {earlier} and {lineNo})", 1, gene);
            geneLines.Add(gene, lineNo);
            var column = new float[n];
            for (int c = 0; c < n; c++)
                column[c] = ParseValue(source, line, lineNo, fields[c + 1], c + 2, gene, cells[c]);
            columns.Add(column);
            genes.Add(gene);
        } while (lines.Next(out line, out lineNo));

        if ((long)n * genes.Count > Array.MaxLength) throw new InputFormatException(source, null, $"more than {Array.MaxLength} values; use .npy input for matrices this large");
        var data = new float[n * genes.Count];
        for (int g = 0; g < columns.Count; g++) columns[g].CopyTo(data, g * n);
        return ExpressionData.FromColumnMajor(source, data, n, genes, cells);
    }

    private static float ParseValue(string source, string line, int lineNo, Range field, int fieldNo, string gene, string cell)
    {
        var text = line.AsSpan()[field];
        switch (NumberText.TryParseSingle(text, out float v))
        {
            case NumberText.Outcome.Finite: return v;
            case NumberText.Outcome.NaN:
                throw new InputFormatException(source, lineNo, $"field {fieldNo} ('{text}') is NaN: gene '{gene}', cell '{cell}'", fieldNo, gene);
            case NumberText.Outcome.Infinite:
                throw new InputFormatException(source, lineNo, $"field {fieldNo} ('{text}') is infinite in float32: gene '{gene}', cell '{cell}'", fieldNo, gene);
            default:
                throw new InputFormatException(source, lineNo, $"field {fieldNo} ('{text}') is not a number: gene '{gene}', cell '{cell}'", fieldNo, gene);
        }
    }

    /// <summary>Throws naming both positions (<paramref name="unit"/> number = index + <paramref name="firstNumber"/>) of the first repeated name.</summary>
    internal static void RejectDuplicates(string source, IReadOnlyList<string> names, string unit, int firstNumber, int? line)
    {
        var seen = new Dictionary<string, int>(names.Count, StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            if (seen.TryGetValue(names[i], out int j))
                throw new InputFormatException(source, line, $"gene '{names[i]}' appears twice ({unit} {j + firstNumber} and {i + firstNumber})", i + firstNumber, names[i]);
            seen.Add(names[i], i);
        }
    }

    private static void SplitLine(string line, char delim, List<Range> fields)
    {
        if (delim == ' ') DelimitedLine.SplitBlanks(line, fields);
        else DelimitedLine.Split(line, delim, fields);
    }

    /// <summary>Non-blank lines with their 1-based numbers.</summary>
    private sealed class LineSource(TextReader reader)
    {
        private int _number;

        public bool Next(out string line, out int number)
        {
            while (reader.ReadLine() is { } l)
            {
                _number++;
                if (string.IsNullOrWhiteSpace(l)) continue;
                line = l;
                number = _number;
                return true;
            }
            line = "";
            number = _number;
            return false;
        }
    }
}
