using System.Globalization;
using System.Text.Json;
using GrnFast.IO;

namespace GrnFast.Host.Bench;

/// <summary>
/// One JSON object of a bench config, read field by field: every message names the file and the key path
/// (<c>datasets[2].cells</c>), and keys nobody asked for are reported by <see cref="RejectUnknown"/>, so a typo is
/// an error rather than a silently ignored setting.
/// </summary>
internal sealed class ConfigObject
{
    private readonly JsonElement _element;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public ConfigObject(string file, string key, JsonElement element)
    {
        File = file;
        Key = key;
        if (element.ValueKind != JsonValueKind.Object)
            throw Error(key, $"must be an object {{...}}, not {Describe(element)}");
        _element = element;
    }

    public string File { get; }

    /// <summary>The key path of this object ("" for the top level).</summary>
    public string Key { get; }

    public string PathOf(string name) => Key.Length == 0 ? name : $"{Key}.{name}";

    public InputFormatException Error(string key, string message) => new(File, null, $"{(key.Length == 0 ? "config" : key)}: {message}");

    public bool Has(string name) => _element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    private JsonElement? Get(string name)
    {
        _read.Add(name);
        return _element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;
    }

    /// <summary>The JSON kind of a field, null when absent.</summary>
    public JsonValueKind? KindOf(string name) => Get(name)?.ValueKind;

    public string? String(string name)
    {
        if (Get(name) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.String) throw Error(PathOf(name), $"must be a string, not {Describe(v)}");
        var s = v.GetString()!;
        if (s.Length == 0) throw Error(PathOf(name), "must not be empty");
        return s;
    }

    public string RequiredString(string name) => String(name) ?? throw Error(PathOf(name), "is required");

    /// <summary>One of <paramref name="choices"/> (exact spelling).</summary>
    public string? Choice(string name, params string[] choices)
    {
        var s = String(name);
        if (s is not null && !choices.Contains(s, StringComparer.Ordinal))
            throw Error(PathOf(name), $"'{s}' is not one of {string.Join(", ", choices)}");
        return s;
    }

    public double? Double(string name, Func<double, bool> valid, string requirement)
    {
        if (Get(name) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double d) || !double.IsFinite(d) || !valid(d))
            throw Error(PathOf(name), $"{Describe(v)} is not valid; it must be {requirement}");
        return d;
    }

    public int? Int(string name, Func<int, bool> valid, string requirement)
    {
        if (Get(name) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int i) || !valid(i))
            throw Error(PathOf(name), $"{Describe(v)} is not valid; it must be {requirement}");
        return i;
    }

    public bool? Bool(string name)
    {
        if (Get(name) is not { } v) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(PathOf(name), $"must be true or false, not {Describe(v)}"),
        };
    }

    public ConfigObject? Object(string name) => Get(name) is { } v ? new ConfigObject(File, PathOf(name), v) : null;

    /// <summary>The elements of an array with their key paths; null when absent. An empty array is an error.</summary>
    public List<(string Key, JsonElement Value)>? Array(string name)
    {
        if (Get(name) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Array) throw Error(PathOf(name), $"must be an array [...], not {Describe(v)}");
        var items = v.EnumerateArray().Select((e, i) => ($"{PathOf(name)}[{i}]", e)).ToList();
        if (items.Count == 0) throw Error(PathOf(name), "must not be empty");
        return items;
    }

    public List<string>? Strings(string name)
        => Array(name)?.Select(item => item.Value.ValueKind == JsonValueKind.String && item.Value.GetString() is { Length: > 0 } s
            ? s : throw Error(item.Key, $"must be a non-empty string, not {Describe(item.Value)}")).ToList();

    /// <summary>Every field of an object whose keys are names (e.g. "priorFiles": {"chip": "path"}).</summary>
    public IEnumerable<(string Name, JsonElement Value)> Fields() => _element.EnumerateObject().Select(p => (p.Name, p.Value));

    /// <summary>Throws for the first key that was never read: a misspelt or unsupported setting.</summary>
    public void RejectUnknown()
    {
        foreach (var p in _element.EnumerateObject())
            if (!_read.Contains(p.Name))
                throw Error(PathOf(p.Name), $"unknown key (known here: {string.Join(", ", _read.Order(StringComparer.Ordinal))})");
    }

    public static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"\"{v.GetString()}\"",
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => v.ValueKind.ToString().ToLower(CultureInfo.InvariantCulture),
    };
}
