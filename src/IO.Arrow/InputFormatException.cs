namespace GrnFast.IO;

/// <summary>
/// An input file the user brought is malformed or inconsistent. The message starts with
/// <c>file:line:</c> (line 1-based, omitted when it does not apply) and names the field and gene involved,
/// so a command line can print it as is.
/// </summary>
public sealed class InputFormatException : Exception
{
    public InputFormatException(string file, int? line, string detail, int? field = null, string? gene = null)
        : base(line is { } l ? $"{file}:{l}: {detail}" : $"{file}: {detail}")
    {
        File = file;
        Line = line;
        Detail = detail;
        Field = field;
        Gene = gene;
    }

    /// <summary>The file as the user named it.</summary>
    public string File { get; }

    /// <summary>1-based line, when the problem is on one line.</summary>
    public int? Line { get; }

    /// <summary>The message without the <c>file:line:</c> prefix.</summary>
    public string Detail { get; }

    /// <summary>1-based field (column) on the line, when the problem is one field.</summary>
    public int? Field { get; }

    /// <summary>The gene involved, when there is one.</summary>
    public string? Gene { get; }
}
