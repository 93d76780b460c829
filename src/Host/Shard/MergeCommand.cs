using System.Text;
using GrnFast.Host.Cli;
using GrnFast.Host.Infer;
using GrnFast.IO;

namespace GrnFast.Host.Shard;

/// <summary>The arguments of <c>grnfast merge DIR --out FILE</c>.</summary>
internal sealed record MergeArguments(string Directory, string Out)
{
    public static MergeArguments Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
            throw new UsageException("merge needs the shard directory first: grnfast merge DIR --out FILE (see grnfast merge --help)");
        var o = new OptionReader("merge", args.Skip(1).ToArray(), ["--out"], []);
        return new MergeArguments(args[0], o.Required("--out"));
    }
}

/// <summary>
/// <c>grnfast merge DIR --out FILE</c>: checks that every shard of the run in DIR is present, complete (its part
/// matches the size and SHA-256 in its manifest) and from the same run (<see cref="RunIdentity"/>), that the
/// shards' targets partition the run's targets, then writes the network exactly as an unsharded run writes it:
/// the same rows, sorted the same way, the same bytes. For --method celloracle that is CellOracle's links table,
/// filtered here (the filter ranks each cluster's links over all targets) when the run asked for it. Nothing is
/// written unless every check passes.
/// </summary>
internal static class MergeCommand
{
    public static int Run(MergeArguments a, Log log)
    {
        ShardDirectory dir;
        try { dir = ShardDirectory.Inspect(a.Directory, expected: null, keepParts: true); }
        catch (InvalidDataException e) { log.Info($"merge: {e.Message}"); return 1; }
        if (dir.LeftoverTemporaries.Count > 0)
            log.Warn($"{a.Directory}: {dir.LeftoverTemporaries.Count} temporary files of shards stopped while writing (not read; delete them once no shard runs): {Log.FirstFew(dir.LeftoverTemporaries)}");

        var bad = dir.NotComplete.ToList();
        if (bad.Count > 0)
        {
            log.Info($"merge: {bad.Count} of {dir.Count} shards in {a.Directory} are not complete; nothing written:\n  "
                + string.Join("\n  ", bad.Select(s => s.Describe()))
                + $"\n  run them again (grnfast infer with the same options and --shard I/{dir.Count} --out {a.Directory}, or grnfast slurm submit again: it runs only these)");
            return 1;
        }

        var shards = dir.Shards.Select(s => s.Manifest!).ToArray();
        var first = shards[0];
        foreach (var m in shards)
            if (m.PlanDigest != first.PlanDigest || m.TotalTargets != first.TotalTargets)
            {
                log.Info($"merge: shards {first.Shard} and {m.Shard} computed different target plans from the same run ({first.TotalTargets} vs {m.TotalTargets} targets); please report it");
                return 1;
            }
        var shardOfTarget = new Dictionary<string, ShardSpec>(first.TotalTargets, StringComparer.Ordinal);
        foreach (var m in shards)
            foreach (var t in m.Targets)
                if (!shardOfTarget.TryAdd(t, m.Shard))
                {
                    log.Info($"merge: target '{t}' is in shard {shardOfTarget[t]} and in shard {m.Shard}");
                    return 1;
                }
        if (shardOfTarget.Count != first.TotalTargets)
        {
            log.Info($"merge: the shards fitted {shardOfTarget.Count} targets, the run has {first.TotalTargets}");
            return 1;
        }

        if (first.Links is { } table) return MergeLinks(a, dir, shards, shardOfTarget, table, log);
        if (shards.Any(m => m.Links is not null))
        {
            log.Info($"merge: shard {shards.First(m => m.Links is not null).Shard} holds a CellOracle links table, shard {first.Shard} a network; please report it");
            return 1;
        }

        var edges = new List<NetworkEdge>();
        foreach (var s in dir.Shards)
        {
            var m = s.Manifest!;
            string partPath = Path.Combine(dir.Path, m.PartFile);
            List<NetworkEdge> part;
            try { part = ShardPart.Parse(s.Part!, partPath); }
            catch (InvalidDataException e) { log.Info($"merge: {e.Message}"); return 1; }
            if (part.Count != m.Edges)
            {
                log.Info($"merge: {partPath} has {part.Count} edges, its manifest says {m.Edges}");
                return 1;
            }
            foreach (var e in part)
                if (!shardOfTarget.TryGetValue(e.Target, out var owner) || owner != m.Shard)
                {
                    log.Info($"merge: {partPath} has an edge to '{e.Target}', which is not a target of shard {m.Shard}");
                    return 1;
                }
            edges.AddRange(part);
        }

        NetworkWriter.Write(a.Out, edges);
        int notConverged = shards.Sum(m => m.NotConverged);
        log.Info($"merged {dir.Count} shards: {first.TotalTargets} targets fitted, {edges.Count} edges; "
            + (notConverged == 0 ? "all converged" : $"{notConverged} NOT converged (see each shard's manifest: fit.summary)") + $" -> {a.Out}");
        return 0;
    }

    /// <summary>celloracle: joins the shards' links tables, applies the run's filter, writes CellOracle's table as an unsharded run does.</summary>
    private static int MergeLinks(MergeArguments a, ShardDirectory dir, ShardManifest[] shards, Dictionary<string, ShardSpec> shardOfTarget, CellOracleTable table, Log log)
    {
        if (NetworkWriter.IsArrow(a.Out))
        {
            log.Info($"merge: these are --method celloracle shards: the merge writes CellOracle's links table as TSV (or CSV for .csv), not {a.Out}");
            return 1;
        }
        var rows = new List<CellOracleLink>();
        CellOracleLinks? firstPart = null;
        foreach (var s in dir.Shards)
        {
            var m = s.Manifest!;
            string partPath = Path.Combine(dir.Path, m.PartFile);
            CellOracleLinks part;
            try
            {
                if (m.Links is null || m.Links != table) throw new InvalidDataException($"{Path.Combine(dir.Path, m.Shard.ManifestFile)}: its links table settings differ from shard {shards[0].Shard}'s");
                part = CellOracleLinks.Parse(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(s.Part!), partPath);
            }
            catch (Exception e) when (e is InvalidDataException or DecoderFallbackException)
            {
                log.Info($"merge: {(e is DecoderFallbackException ? $"{partPath}: not UTF-8 text" : e.Message)}");
                return 1;
            }
            if (part.Rows.Count != m.Edges)
            {
                log.Info($"merge: {partPath} has {part.Rows.Count} links, its manifest says {m.Edges}");
                return 1;
            }
            firstPart ??= part;
            if (part.Bayesian != firstPart.Bayesian || part.Clustered != firstPart.Clustered)
            {
                log.Info($"merge: {partPath} has other columns than the first shard's links table");
                return 1;
            }
            foreach (var l in part.Rows)
                if (!shardOfTarget.TryGetValue(l.Target, out var owner) || owner != m.Shard)
                {
                    log.Info($"merge: {partPath} has a link to '{l.Target}', which is not a target of shard {m.Shard}");
                    return 1;
                }
            rows.AddRange(part.Rows);
        }

        var first = shards[0];
        var links = new CellOracleLinks(rows, firstPart!.Bayesian, firstPart.Clustered, $"{first.TotalTargets} targets, {rows.Count} links");
        if (table.Filter is { } f) links = links.Filter(f);
        links.Write(a.Out, table.Filter?.Weight ?? LinkWeight.CoefAbs);
        int notConverged = shards.Sum(m => m.NotConverged);
        log.Info($"merged {dir.Count} shards (celloracle): {links.Summary}; "
            + (notConverged == 0 ? "all fits converged" : $"{notConverged} fits NOT converged (see each shard's manifest: fit.summary)") + $" -> {a.Out}");
        return 0;
    }
}
