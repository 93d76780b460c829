namespace GrnFast.Host.Infer;

/// <summary>
/// Where the options of an inference come from: command-line flags or the fields of a host request. Options are
/// named by their command-line spelling (<c>--alpha</c>); a source maps them to its own names for lookup and
/// messages, so the rules of <see cref="InferOptionRules"/> are written once.
/// </summary>
internal interface IOptionValues
{
    /// <summary>How the user wrote <paramref name="option"/>: <c>--alpha</c> on the command line, <c>options.alpha</c> in a request.</summary>
    string Name(string option);

    bool Has(string option);

    bool Switch(string option);

    string? String(string option);

    double? Double(string option, Func<double, bool> valid, string requirement);

    int? Int(string option, Func<int, bool> valid, string requirement);

    /// <summary>One of <paramref name="choices"/>, case-insensitive.</summary>
    string? Choice(string option, params string[] choices);

    /// <summary>The exception that reports a bad value of <paramref name="option"/> to this source's user.</summary>
    Exception Invalid(string option, string message);
}
