using System.Globalization;
using GrnFast.Host.Infer;

namespace GrnFast.Host.Cli;

/// <summary>
/// Splits a command's arguments into options: <c>--name value</c> or <c>--name=value</c> for valued options,
/// <c>--name</c> for switches. Unknown names, missing values, repeats of non-repeatable options and stray
/// positional arguments are usage errors that name the offending text.
/// </summary>
internal sealed class OptionReader : IOptionValues
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _switches = new(StringComparer.Ordinal);
    private readonly List<(string Name, string? Value)> _given = new();
    private readonly string _command;

    /// <param name="valued">Options that take a value; a trailing '*' marks a repeatable one.</param>
    public OptionReader(string command, IReadOnlyList<string> args, IEnumerable<string> valued, IEnumerable<string> switches)
    {
        _command = command;
        var repeatable = new HashSet<string>(StringComparer.Ordinal);
        var takesValue = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in valued)
        {
            if (v.EndsWith('*')) { repeatable.Add(v[..^1]); takesValue.Add(v[..^1]); }
            else takesValue.Add(v);
        }
        var knownSwitches = new HashSet<string>(switches, StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2)
                throw new UsageException($"unexpected argument '{a}' (see grnfast {command} --help)");
            string name = a;
            string? value = null;
            int eq = a.IndexOf('=');
            if (eq > 0) { name = a[..eq]; value = a[(eq + 1)..]; }
            if (knownSwitches.Contains(name))
            {
                if (value is not null) throw new UsageException($"option '{name}' takes no value");
                _switches.Add(name);
                _given.Add((name, null));
                continue;
            }
            if (!takesValue.Contains(name))
                throw new UsageException($"unknown option '{name}' (see grnfast {command} --help)");
            if (value is null)
            {
                if (i + 1 >= args.Count || (args[i + 1].StartsWith("--", StringComparison.Ordinal) && args[i + 1].Length > 2))
                    throw new UsageException($"option '{name}' needs a value (see grnfast {command} --help)");
                value = args[++i];
            }
            if (!_values.TryGetValue(name, out var list)) _values[name] = list = new List<string>();
            else if (!repeatable.Contains(name)) throw new UsageException($"option '{name}' given twice");
            list.Add(value);
            _given.Add((name, value));
        }
    }

    /// <summary>Every option as given, in order: (name, value), value null for a switch.</summary>
    public IReadOnlyList<(string Name, string? Value)> Given => _given;

    public string Name(string option) => option;

    public Exception Invalid(string option, string message) => new UsageException(message);

    public bool Has(string name) => _values.ContainsKey(name) || _switches.Contains(name);

    public bool Switch(string name) => _switches.Contains(name);

    public string? String(string name) => _values.TryGetValue(name, out var v) ? v[0] : null;

    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var v) ? v : Array.Empty<string>();

    public string Required(string name) => String(name) ?? throw Missing(name);

    /// <summary>A checked value (from <see cref="Double"/>, <see cref="Int"/>) that must be given.</summary>
    public T Required<T>(T? value, string name) where T : struct => value ?? throw Missing(name);

    /// <summary>A checked string (from <see cref="Choice"/>) that must be given.</summary>
    public string Required(string? value, string name) => value ?? throw Missing(name);

    private UsageException Missing(string name) => new($"missing required option {name} (see grnfast {_command} --help)");

    public double? Double(string name, Func<double, bool> valid, string requirement)
    {
        var s = String(name);
        if (s is null) return null;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !valid(v))
            throw new UsageException($"{name}: '{s}' is not valid; it must be {requirement}");
        return v;
    }

    public int? Int(string name, Func<int, bool> valid, string requirement)
    {
        var s = String(name);
        if (s is null) return null;
        if (!int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) || !valid(v))
            throw new UsageException($"{name}: '{s}' is not valid; it must be {requirement}");
        return v;
    }

    /// <summary>One of <paramref name="choices"/>, case-insensitive.</summary>
    public string? Choice(string name, params string[] choices)
    {
        var s = String(name);
        if (s is null) return null;
        var match = choices.FirstOrDefault(c => c.Equals(s, StringComparison.OrdinalIgnoreCase));
        return match ?? throw new UsageException($"{name}: '{s}' is not one of {string.Join(", ", choices)}");
    }
}
