namespace GrnFast.Host.Infer;

/// <summary>
/// A value given in a request field (not a file) does not fit the data, e.g. a target that is not a gene. The
/// message starts with the field (<c>targets[3]: ...</c>), as <see cref="IO.InputFormatException"/>'s starts with the file.
/// </summary>
internal sealed class InputFieldException(string field, string detail, string? gene)
    : Exception($"{field}: {detail}")
{
    /// <summary>The request field, with an index where the problem is one element: <c>targets[3]</c>.</summary>
    public string Field { get; } = field;

    public string Detail { get; } = detail;

    public string? Gene { get; } = gene;
}
