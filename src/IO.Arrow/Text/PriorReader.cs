using GrnFast.IO.Text;

namespace GrnFast.IO;

/// <summary>One prior edge: the regulator, the target, the confidence in [0, 1] and the 1-based line.</summary>
public readonly record struct PriorEdge(string Regulator, string Target, double Confidence, int Line);

/// <summary>The edges of one prior file.</summary>
public sealed record PriorSource(string Path, IReadOnlyList<PriorEdge> Edges);

/// <summary>
/// Reads a prior edge list: <c>regulator TAB target [TAB confidence]</c> (comma-separated for .csv), confidence in
/// [0, 1], default 1. An optional header line is recognised when its first field is a known column name
/// (regulator, tf, source, from, gene1, ...) or its third field is not a number. Blank lines and '#' comments are
/// ignored.
/// </summary>
public static class PriorReader
{
    private static readonly HashSet<string> HeaderWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "regulator", "regulators", "tf", "tfs", "source", "from", "gene1", "regulatorygene", "regulator_gene", "tf_name",
    };

    public static PriorSource Read(string path)
    {
        char delimiter = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? ',' : '\t';
        var edges = new List<PriorEdge>();
        var fields = new List<Range>();
        // Gene names repeat on every line (D2: 1.2 M lines, 5 500 names): one string per distinct name, looked up by
        // span, instead of two new strings per line.
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var byText = names.GetAlternateLookup<ReadOnlySpan<char>>();
        using var reader = DelimitedLineFile.Open(path);
        int number = 0;
        bool first = true;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#')) continue;
            DelimitedLine.Split(line, delimiter, fields);
            bool header = first && (HeaderWords.Contains(line[fields[0]]) || (fields.Count >= 3 && !NumberText.IsNumber(line.AsSpan()[fields[2]])));
            first = false;
            if (header) continue;
            if (fields.Count is < 2 or > 3)
                throw new InputFormatException(path, number, $"expected 2 or 3 fields (regulator, target[, confidence]) separated by {(delimiter == '\t' ? "tabs" : "commas")}, got {fields.Count}");
            string regulator = Name(line, fields[0]);
            string target = Name(line, fields[1]);
            if (regulator.Length == 0 || target.Length == 0)
                throw new InputFormatException(path, number, $"field {(regulator.Length == 0 ? 1 : 2)} is empty");
            double confidence = 1;
            if (fields.Count == 3)
            {
                var text = line.AsSpan()[fields[2]];
                if (NumberText.TryParseDouble(text, out confidence) != NumberText.Outcome.Finite)
                    throw new InputFormatException(path, number, $"field 3 ('{text}') is not a finite number", 3, target);
                if (confidence is < 0 or > 1)
                    throw new InputFormatException(path, number, $"field 3 ('{text}'): the confidence of {regulator} -> {target} must be in [0, 1]", 3, target);
            }
            edges.Add(new PriorEdge(regulator, target, confidence, number));
        }
        if (number == 0) throw new InputFormatException(path, null, "the file is empty");
        return new PriorSource(path, edges);

        string Name(string line, Range field)
        {
            var text = line.AsSpan()[field];
            if (text.Contains('"')) return DelimitedLine.Text(line, field); // quoted: unescape, rare
            if (byText.TryGetValue(text, out var name)) return name;
            name = text.ToString();
            names[name] = name;
            return name;
        }
    }
}
