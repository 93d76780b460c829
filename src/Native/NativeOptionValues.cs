using System.Globalization;
using GrnFast.Host.Infer;

namespace GrnFast.Native;

/// <summary>
/// The options of a gf_infer call (key/value strings, keys spelled as the command line's flags without the
/// leading dashes: "method" = "lasso", "alpha" = "0.01") as <see cref="IOptionValues"/>, so that
/// <see cref="InferOptionRules"/> accepts exactly what <c>grnfast infer</c> accepts, and a method or option added
/// there works here unchanged. A key the rules never ask about is refused (<see cref="CheckAllRead"/>).
/// </summary>
internal sealed class NativeOptionValues : IOptionValues
{
    /// <summary>Command-line options that have another place in the C ABI, or none.</summary>
    private static readonly Dictionary<string, string> Elsewhere = new(StringComparer.Ordinal)
    {
        ["--threads"] = "threads are set by the context (gf_context_options.threads)",
        ["--expression"] = "the expression matrix is a gf_data handle",
        ["--regulators"] = "regulators are gf_request.regulators (gene indices)",
        ["--targets"] = "targets are gf_request.targets (gene indices)",
        ["--prior"] = "prior edges are gf_request.prior_* (gene indices and weights)",
        ["--genes"] = "gene names are given to gf_data_dense / gf_data_csr",
        ["--genes-by-cells"] = "a dense matrix's orientation is its layout (GF_ROW_MAJOR / GF_COL_MAJOR, cells x genes)",
        ["--layer"] = "the library takes a matrix, not an .h5ad file",
        ["--var-names"] = "the library takes a matrix, not an .h5ad file",
        ["--out"] = "the network is returned as a gf_network",
        ["--path-coef-index"] = "path snapshots are not returned by the library",
        ["--path-coef-out"] = "path snapshots are not returned by the library",
        ["--timings"] = "timings are not returned by the library",
        ["--shard"] = "shards are a command-line feature",
    };

    private readonly Dictionary<string, (string Value, int Index)> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    /// <param name="seed">The context's seed: used as "seed" unless the options give one.</param>
    public NativeOptionValues(IReadOnlyList<(string Key, string Value)> options, int? seed)
    {
        for (int i = 0; i < options.Count; i++)
        {
            var (key, value) = options[i];
            string option = key.StartsWith("--", StringComparison.Ordinal) ? key : "--" + key;
            if (option.Length <= 2) throw Bad(i, key, "option_keys[" + i + "] is empty");
            if (Elsewhere.TryGetValue(option, out var why)) throw Bad(i, key, $"option '{key}' does not apply to the library: {why}");
            if (!_values.TryAdd(option, (value, i))) throw Bad(i, key, $"option '{key}' is given twice (option_keys[{_values[option].Index}] and [{i}])");
        }
        if (seed is { } s && !_values.ContainsKey("--seed")) _values["--seed"] = (s.ToString(CultureInfo.InvariantCulture), -1);
    }

    /// <summary>Refuses keys that the rules never looked at: not an option of <c>grnfast infer</c>.</summary>
    public void CheckAllRead()
    {
        foreach (var (option, (_, index)) in _values)
            if (index >= 0 && !_read.Contains(option))
                throw Bad(index, option, $"option '{option[2..]}' is not an option of grnfast infer");
    }

    public string Name(string option) => option switch
    {
        "--prior FILE" => "prior edge (gf_request.n_priors > 0)",
        _ => option.StartsWith("--", StringComparison.Ordinal) ? option[2..] : option,
    };

    public Exception Invalid(string option, string message) => new NativeArgumentException(Status.Option, message);

    public bool Has(string option) => Value(option) is not null;

    public bool Switch(string option) => Value(option) switch
    {
        null => false,
        "true" or "1" => true,
        "false" or "0" => false,
        { } v => throw Invalid(option, $"{Name(option)}: '{v}' is not valid; it must be true or false"),
    };

    public string? String(string option) => Value(option);

    public double? Double(string option, Func<double, bool> valid, string requirement)
    {
        if (Value(option) is not { } v) return null;
        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !valid(d))
            throw Invalid(option, $"{Name(option)}: '{v}' is not valid; it must be {requirement}");
        return d;
    }

    public int? Int(string option, Func<int, bool> valid, string requirement)
    {
        if (Value(option) is not { } v) return null;
        if (!int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) || !valid(n))
            throw Invalid(option, $"{Name(option)}: '{v}' is not valid; it must be {requirement}");
        return n;
    }

    public string? Choice(string option, params string[] choices)
    {
        var s = String(option);
        if (s is null) return null;
        return choices.FirstOrDefault(c => c.Equals(s, StringComparison.OrdinalIgnoreCase))
            ?? throw Invalid(option, $"{Name(option)}: '{s}' is not one of {string.Join(", ", choices)}");
    }

    private string? Value(string option)
    {
        _read.Add(option);
        return _values.TryGetValue(option, out var v) ? v.Value : null;
    }

    private static NativeArgumentException Bad(int index, string key, string message) => new(Status.Option, message);
}
