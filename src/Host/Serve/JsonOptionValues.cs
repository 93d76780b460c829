using System.Text.Json;
using GrnFast.Host.Infer;

namespace GrnFast.Host.Serve;

/// <summary>
/// The options of an <c>infer</c> request, looked up by their command-line names so that
/// <see cref="InferOptionRules"/> validates them exactly as it validates flags. A JSON null is an absent option;
/// a wrong type or value is <c>bad_request</c> naming the field (<c>options.alpha</c>).
/// </summary>
internal sealed class JsonOptionValues(JsonElement request) : IOptionValues
{
    private static readonly Dictionary<string, string> Fields = WithMethodOptions(new(StringComparer.Ordinal)
    {
        ["--prior-mode"] = "priorMode",
        ["--prior-weight"] = "priorWeight",
        ["--method"] = "method",
        ["--l1-ratio"] = "options.l1Ratio",
        ["--alpha"] = "options.alpha",
        ["--path"] = "options.path",
        ["--path-min-ratio"] = "options.pathMinRatio",
        ["--select"] = "options.select",
        ["--tol"] = "options.tol",
        ["--max-sweeps"] = "options.maxSweeps",
        ["--precision"] = "options.precision",
        ["--solver"] = "options.solver",
        ["--threads"] = "options.threads",
        ["--seed"] = "options.seed",
        ["--genes"] = "expression.genes",
        ["--genes-by-cells"] = "expression.genesByCells",
        ["--layer"] = "expression.layer",
        ["--var-names"] = "expression.varNames",
    });

    /// <summary>
    /// The options of celloracle, netrex-cf, pmf-grn and joint, taken from their own rules' lists (so an option added
    /// there is carried here too) as <c>options.camelCase</c>: <c>--latent-factors</c> is <c>options.latentFactors</c>,
    /// <c>--evidence</c> and <c>--base-grn</c> (paths the host reads) <c>options.evidence</c> and <c>options.baseGrn</c>.
    /// </summary>
    private static Dictionary<string, string> WithMethodOptions(Dictionary<string, string> fields)
    {
        foreach (var option in NetRexCfOptionRules.Valued.Concat(PmfGrnOptionRules.Valued).Concat(CellOracleOptionRules.Valued))
            fields.TryAdd(option, "options." + CamelCase(option));
        return fields;
    }

    /// <summary><c>--learning-rate</c> as <c>learningRate</c>.</summary>
    internal static string CamelCase(string option)
    {
        var parts = option.TrimStart('-').Split('-');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }

    public string Name(string option) => option switch
    {
        "--prior FILE" => "entry in priors",
        // "--evidence FILE", "--holdout F": a request names the field; its value is the argument.
        _ when option.IndexOf(' ', StringComparison.Ordinal) is > 0 and var space && Fields.TryGetValue(option[..space], out var f) => f,
        _ => Fields.TryGetValue(option, out var f) ? f : option,
    };

    public Exception Invalid(string option, string message) => RequestException.BadRequest(Name(option), message);

    public bool Has(string option) => Value(option) is not null;

    public bool Switch(string option) => Value(option) switch
    {
        null => false,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { } v => throw Invalid(option, $"{Name(option)}: {Raw(v)} is not valid; it must be true or false"),
    };

    public string? String(string option) => Value(option) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        { } v => throw Invalid(option, $"{Name(option)}: {Raw(v)} is not valid; it must be a string"),
    };

    public double? Double(string option, Func<double, bool> valid, string requirement)
    {
        if (Value(option) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double d) || !valid(d))
            throw Invalid(option, $"{Name(option)}: {Raw(v)} is not valid; it must be {requirement}");
        return d;
    }

    public int? Int(string option, Func<int, bool> valid, string requirement)
    {
        if (Value(option) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int n) || !valid(n))
            throw Invalid(option, $"{Name(option)}: {Raw(v)} is not valid; it must be {requirement}");
        return n;
    }

    public string? Choice(string option, params string[] choices)
    {
        var s = String(option);
        if (s is null) return null;
        return choices.FirstOrDefault(c => c.Equals(s, StringComparison.OrdinalIgnoreCase))
            ?? throw Invalid(option, $"{Name(option)}: '{FrameReader.Quote(s)}' is not one of {string.Join(", ", choices)}");
    }

    /// <summary>The value at the option's field path; null when it or an enclosing object is absent or null.</summary>
    private JsonElement? Value(string option)
    {
        if (!Fields.TryGetValue(option, out var path)) return null;
        var at = request;
        foreach (var part in path.Split('.'))
        {
            if (at.ValueKind != JsonValueKind.Object || !at.TryGetProperty(part, out var next) || next.ValueKind == JsonValueKind.Null) return null;
            at = next;
        }
        return at;
    }

    private static string Raw(JsonElement v) => FrameReader.Quote(v.GetRawText());
}
