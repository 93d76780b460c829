using System.Security.Cryptography;
using System.Text;
using GrnFast.Host.Info;

namespace GrnFast.Host.Shard;

/// <summary>
/// What makes shards parts of the same run: the grnfast version, the shard count, the content of every input
/// file and every other option as given (options that only say how or where a shard runs,
/// <see cref="ShardOptions.RunOnly"/>, are left out). <see cref="Fingerprint"/> is the SHA-256 of its canonical
/// text: shards merge only when their fingerprints agree. Options are compared as written, so
/// <c>--alpha 0.1</c> and <c>--alpha 1e-1</c> are different runs (a safe mistake: the shards are recomputed).
/// </summary>
internal sealed record RunIdentity(string Version, int Shards, IReadOnlyList<InputChecksum> Inputs, IReadOnlyList<(string Name, string? Value)> Options)
{
    /// <summary>Hashes the input files named in <paramref name="given"/> (the options of <c>infer</c> as given).</summary>
    public static RunIdentity Of(IReadOnlyList<(string Name, string? Value)> given, int shards)
    {
        var inputs = new List<InputChecksum>();
        var options = new List<(string, string?)>();
        foreach (var (name, value) in given)
        {
            if (ShardOptions.RunOnly.Contains(name)) continue;
            if (ShardOptions.InputFiles.Contains(name)) inputs.Add(InputChecksum.Of(name, value!));
            else if (!options.Contains((name, value))) options.Add((name, value));
        }
        // Stable sorts: a repeated option (--prior) keeps the order it was given in, which the run depends on.
        return new RunIdentity(InfoCommand.Version, shards,
            inputs.OrderBy(i => i.Option, StringComparer.Ordinal).ToArray(),
            options.OrderBy(o => o.Item1, StringComparer.Ordinal).ToArray());
    }

    /// <summary>One line per fact, the text <see cref="Fingerprint"/> hashes.</summary>
    public string Canonical
    {
        get
        {
            var sb = new StringBuilder();
            sb.Append("grnfast ").Append(Version).Append('\n');
            sb.Append("shards ").Append(Shards).Append('\n');
            foreach (var i in Inputs) sb.Append(i.Option).Append(" sha256:").Append(i.Sha256).Append('\n');
            foreach (var (name, value) in Options) sb.Append(name).Append(value is null ? "" : " " + value).Append('\n');
            return sb.ToString();
        }
    }

    public string Fingerprint => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical)));

    /// <summary>How <paramref name="other"/> differs from this run, for an error message ("--alpha 0.2 instead of 0.1; ...").</summary>
    public string Difference(RunIdentity other)
    {
        var parts = new List<string>();
        if (other.Version != Version) parts.Add($"grnfast {other.Version} instead of {Version}");
        if (other.Shards != Shards) parts.Add($"{other.Shards} shards instead of {Shards}");
        for (int k = 0; k < Math.Max(Inputs.Count, other.Inputs.Count); k++)
        {
            var a = k < Inputs.Count ? Inputs[k] : null;
            var b = k < other.Inputs.Count ? other.Inputs[k] : null;
            if (a is not null && b is not null && a.Option == b.Option && a.Sha256 == b.Sha256) continue;
            if (b is null) parts.Add($"no {a!.Option} (this run: {a.Path})");
            else if (a is null) parts.Add($"{b.Option} {b.Path}, which this run has not");
            else if (a.Option != b.Option) parts.Add($"{b.Option} {b.Path} where this run has {a.Option} {a.Path}");
            else parts.Add($"{b.Option} {b.Path} with other content (sha256 {b.Sha256[..12]}… instead of {a.Sha256[..12]}…)");
        }
        string Show((string Name, string? Value) o) => o.Value is null ? o.Name : $"{o.Name} {o.Value}";
        foreach (var o in other.Options.Except(Options)) parts.Add($"{Show(o)}{(Options.Any(m => m.Name == o.Name) ? $" instead of {string.Join(", ", Options.Where(m => m.Name == o.Name).Select(Show))}" : "")}");
        foreach (var o in Options.Except(other.Options).Where(m => other.Options.All(t => t.Name != m.Name))) parts.Add($"without {Show(o)}");
        return parts.Count == 0 ? "no difference" : string.Join("; ", parts);
    }
}
