using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace GrnFast.Host.Shard;

/// <summary>Where one shard stands in a shard directory.</summary>
internal enum ShardStatus
{
    /// <summary>Manifest and part present, the part's size and SHA-256 as the manifest says, same run.</summary>
    Complete,
    /// <summary>Neither manifest nor part.</summary>
    Missing,
    /// <summary>Started but not finished, or damaged: a part without manifest, a part that does not match its manifest, an unreadable manifest.</summary>
    Incomplete,
    /// <summary>Complete, but from other inputs, options, shard count or grnfast version.</summary>
    Mismatched,
}

/// <summary>One shard's state; <see cref="Part"/> holds the part's verified bytes when they were asked for.</summary>
internal sealed record ShardState(ShardSpec Shard, ShardStatus Status, string Reason, ShardManifest? Manifest, byte[]? Part)
{
    public string Describe() => Status switch
    {
        ShardStatus.Complete => $"shard {Shard}: complete",
        ShardStatus.Missing => $"shard {Shard}: missing",
        ShardStatus.Incomplete => $"shard {Shard}: incomplete: {Reason}",
        _ => $"shard {Shard}: from another run: {Reason}",
    };
}

/// <summary>
/// Reads a shard directory: every shard's manifest, checks each part against its manifest (size, SHA-256) and
/// every manifest against the run (<see cref="RunIdentity"/>). Only files a manifest names are read; the temporary
/// files of shards that were killed while writing are listed, never opened.
/// </summary>
internal sealed class ShardDirectory
{
    private static readonly Regex ManifestName = new(@"^shard-(\d+)-of-(\d+)\.json$", RegexOptions.CultureInvariant);

    private ShardDirectory(string path, int count, RunIdentity? run, IReadOnlyList<ShardState> shards, IReadOnlyList<string> leftovers, IReadOnlyList<int> otherCounts)
    {
        Path = path; Count = count; Run = run; Shards = shards; LeftoverTemporaries = leftovers; OtherCounts = otherCounts;
    }

    public string Path { get; }
    public int Count { get; }
    /// <summary>The run the shards are checked against: the expected one, or the one most manifests name.</summary>
    public RunIdentity? Run { get; }
    public IReadOnlyList<ShardState> Shards { get; }
    /// <summary>Temporary files left by shards killed mid-write (never read; safe to delete when no shard runs).</summary>
    public IReadOnlyList<string> LeftoverTemporaries { get; }
    /// <summary>Shard counts of other runs whose manifests are in the directory too (merge would refuse them).</summary>
    public IReadOnlyList<int> OtherCounts { get; }

    public IEnumerable<ShardState> NotComplete => Shards.Where(s => s.Status != ShardStatus.Complete);

    /// <param name="expected">The run the shards must belong to (slurm submit knows it); null: the run most manifests name (merge).</param>
    /// <param name="keepParts">Keep each complete part's verified bytes (merge parses exactly the bytes it checked).</param>
    /// <exception cref="InvalidDataException">When <paramref name="expected"/> is null and the directory names no run: no manifest, or manifests of different shard counts.</exception>
    public static ShardDirectory Inspect(string path, RunIdentity? expected, bool keepParts)
    {
        string dir = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"shard directory '{path}' does not exist");
        var names = Directory.GetFiles(dir).Select(System.IO.Path.GetFileName).OfType<string>().ToArray();
        int count;
        var counts = names.Select(n => ManifestName.Match(n)).Where(m => m.Success)
            .Select(m => int.TryParse(m.Groups[2].Value, out int c) ? c : 0).Where(c => c >= 1).Distinct().Order().ToArray();
        if (expected is not null) count = expected.Shards;
        else
        {
            if (counts.Length == 0) throw new InvalidDataException($"{path}: no shard manifests (shard-I-of-N.json); run grnfast infer ... --shard I/N --out {path} first");
            if (counts.Length > 1)
                throw new InvalidDataException($"{path} holds manifests of runs with {string.Join(" and ", counts)} shards; keep one run per directory (remove the other's shard-*-of-* files)");
            count = counts[0];
        }

        var states = new ShardState[count];
        var manifests = new ShardManifest?[count];
        var partsBytes = new byte[]?[count];
        for (int i = 0; i < count; i++)
        {
            var spec = new ShardSpec(i + 1, count);
            states[i] = ReadOne(dir, spec, out manifests[i], out partsBytes[i]);
        }

        var run = expected ?? manifests.OfType<ShardManifest>().GroupBy(m => m.Run.Fingerprint)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Min(m => m.Shard.Index)).FirstOrDefault()?.First().Run;
        for (int i = 0; i < count; i++)
        {
            if (states[i].Status != ShardStatus.Complete || run is null) continue;
            var m = manifests[i]!;
            if (m.Run.Fingerprint != run.Fingerprint)
                states[i] = states[i] with { Status = ShardStatus.Mismatched, Reason = run.Difference(m.Run), Part = null };
            else if (!keepParts) states[i] = states[i] with { Part = null };
        }

        var leftovers = names.Where(n => n.StartsWith(".shard-", StringComparison.Ordinal) && n.EndsWith(".tmp", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        return new ShardDirectory(dir, count, run, states, leftovers, counts.Where(c => c != count).ToArray());
    }

    private static ShardState ReadOne(string dir, ShardSpec spec, out ShardManifest? manifest, out byte[]? part)
    {
        manifest = null; part = null;
        string manifestPath = System.IO.Path.Combine(dir, spec.ManifestFile), partPath = System.IO.Path.Combine(dir, spec.PartFile);
        if (!File.Exists(manifestPath))
            return File.Exists(partPath)
                ? new ShardState(spec, ShardStatus.Incomplete, $"{spec.PartFile} has no manifest (the shard stopped before it finished)", null, null)
                : new ShardState(spec, ShardStatus.Missing, "", null, null);
        ShardManifest m;
        try { m = ShardManifest.Read(manifestPath); }
        catch (InvalidDataException e) { return new ShardState(spec, ShardStatus.Incomplete, $"{spec.ManifestFile}: {e.Message}", null, null); }
        if (m.Shard != spec) return new ShardState(spec, ShardStatus.Incomplete, $"{spec.ManifestFile} describes shard {m.Shard}", null, null);
        if (m.PartFile != spec.PartFile) return new ShardState(spec, ShardStatus.Incomplete, $"{spec.ManifestFile} names part '{m.PartFile}', expected {spec.PartFile}", null, null);
        if (!File.Exists(partPath)) return new ShardState(spec, ShardStatus.Incomplete, $"{spec.PartFile} is missing", null, null);
        byte[] bytes = File.ReadAllBytes(partPath);
        if (bytes.LongLength != m.PartBytes)
            return new ShardState(spec, ShardStatus.Incomplete, $"{spec.PartFile} has {bytes.LongLength} bytes, its manifest says {m.PartBytes}", null, null);
        if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != m.PartSha256)
            return new ShardState(spec, ShardStatus.Incomplete, $"{spec.PartFile} does not match the SHA-256 in its manifest", null, null);
        manifest = m; part = bytes;
        return new ShardState(spec, ShardStatus.Complete, "", m, bytes);
    }
}
