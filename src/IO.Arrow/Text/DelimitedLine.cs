namespace GrnFast.IO.Text;

/// <summary>
/// Splits one line of a delimited text file into fields: surrounding blanks trimmed, a field wrapped in double
/// quotes unwrapped (a delimiter inside quotes does not split; "" inside quotes is a literal quote).
/// </summary>
internal static class DelimitedLine
{
    /// <summary>Appends the (start, length) of each field of <paramref name="line"/> to <paramref name="fields"/>.</summary>
    public static void Split(string line, char delimiter, List<Range> fields)
    {
        fields.Clear();
        int start = 0;
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (ch == '"') quoted = !quoted;
            else if (ch == delimiter && !quoted)
            {
                fields.Add(Trim(line, start, i));
                start = i + 1;
            }
        }
        fields.Add(Trim(line, start, line.Length));
    }

    /// <summary>Whitespace-delimited files: runs of blanks separate fields.</summary>
    public static void SplitBlanks(string line, List<Range> fields)
    {
        fields.Clear();
        int i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && char.IsWhiteSpace(line[i])) i++;
            if (i == line.Length) break;
            int start = i;
            bool quoted = false;
            while (i < line.Length && (quoted || !char.IsWhiteSpace(line[i]))) { if (line[i] == '"') quoted = !quoted; i++; }
            fields.Add(Trim(line, start, i));
        }
    }

    private static Range Trim(string line, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(line[start])) start++;
        while (end > start && char.IsWhiteSpace(line[end - 1])) end--;
        if (end - start >= 2 && line[start] == '"' && line[end - 1] == '"') { start++; end--; }
        return start..end;
    }

    /// <summary>The text of a field, with doubled quotes collapsed.</summary>
    public static string Text(string line, Range field)
    {
        var s = line[field];
        return s.Contains("\"\"", StringComparison.Ordinal) ? s.Replace("\"\"", "\"", StringComparison.Ordinal) : s;
    }

    /// <summary>Tab for .tsv/.tab/.txt-with-tabs, comma for .csv; otherwise sniffed from the first line.</summary>
    public static char? DelimiterForExtension(string path)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext == ".gz") throw new InputFormatException(path, null, "compressed input is not supported; decompress it first (gunzip)");
        return ext switch { ".tsv" or ".tab" => '\t', ".csv" => ',', _ => null };
    }

    /// <summary>Tab if the line has one, else comma if it has one, else blank-separated (' ').</summary>
    public static char Sniff(string firstLine)
        => firstLine.Contains('\t') ? '\t' : firstLine.Contains(',') ? ',' : ' ';
}
