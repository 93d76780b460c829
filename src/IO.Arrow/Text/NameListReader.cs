namespace GrnFast.IO;

/// <summary>A name read from a list file, with its 1-based line.</summary>
public readonly record struct ListedName(string Name, int Line);

/// <summary>
/// Reads a list of gene names, one per line (regulators, targets, gene names of an .npy). Blank lines and lines
/// starting with '#' are ignored; surrounding blanks and quotes are trimmed.
/// </summary>
public static class NameListReader
{
    /// <summary>Reads the names, warning through <paramref name="warn"/> about repeats (kept once).</summary>
    public static IReadOnlyList<ListedName> Read(string path, Action<string>? warn = null)
    {
        var names = ReadAll(path);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var unique = new List<ListedName>(names.Count);
        int repeats = 0;
        string? firstRepeat = null;
        foreach (var n in names)
        {
            if (seen.TryGetValue(n.Name, out int line))
            {
                repeats++;
                firstRepeat ??= $"{path}:{n.Line}: '{n.Name}' repeats line {line}";
                continue;
            }
            seen.Add(n.Name, n.Line);
            unique.Add(n);
        }
        if (repeats > 0)
            warn?.Invoke(repeats == 1 ? $"{firstRepeat}; kept once" : $"{firstRepeat} ({repeats} repeated names in all); each kept once");
        return unique;
    }

    /// <summary>Reads the names; a repeated name is an error naming both lines (gene names must be unique).</summary>
    public static IReadOnlyList<ListedName> ReadUnique(string path)
    {
        var names = ReadAll(path);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var n in names)
            if (!seen.TryAdd(n.Name, n.Line))
                throw new InputFormatException(path, n.Line, $"gene '{n.Name}' appears twice (lines {seen[n.Name]} and {n.Line})", 1, n.Name);
        return names;
    }

    private static List<ListedName> ReadAll(string path)
    {
        var names = new List<ListedName>();
        using var reader = Text.DelimitedLineFile.Open(path);
        int number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            var t = line.Trim();
            if (t.Length == 0 || t[0] == '#') continue;
            if (t.Length >= 2 && t[0] == '"' && t[^1] == '"') t = t[1..^1];
            names.Add(new ListedName(t, number));
        }
        if (names.Count == 0) throw new InputFormatException(path, null, number == 0 ? "the file is empty" : "the file lists no names");
        return names;
    }
}
