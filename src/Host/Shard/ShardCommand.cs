using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using GrnFast.Host.Cli;
using GrnFast.Host.Infer;

namespace GrnFast.Host.Shard;

/// <summary>
/// <c>grnfast infer ... --shard I/N --out DIR</c>: fits the shard's targets (<see cref="ShardPlan"/>) and writes
/// DIR/shard-I-of-N.tsv, then DIR/shard-I-of-N.json (<see cref="ShardManifest"/>), each atomically. The manifest
/// goes last and names the part's SHA-256, so a shard killed at any moment leaves either no manifest or a stale
/// one whose checksum no longer matches: never a part that passes for complete.
/// </summary>
internal static class ShardCommand
{
    public static int Run(InferArguments a, Log log, CancellationToken cancellation)
    {
        var total = Stopwatch.StartNew();
        var shard = a.Shard ?? throw new InvalidOperationException("no --shard");
        string dir = Path.GetFullPath(a.Out);
        if (File.Exists(dir)) throw new UsageException($"--out {a.Out}: with --shard, --out names the shard directory, and this is a file");
        Directory.CreateDirectory(dir);
        string partPath = Path.Combine(dir, shard.PartFile), manifestPath = Path.Combine(dir, shard.ManifestFile);

        var hashing = Stopwatch.StartNew();
        var run = RunIdentity.Of(a.Given, shard.Count);
        double hashSeconds = hashing.Elapsed.TotalSeconds;
        var request = a.ToRequest();
        ElasticNetWarmup.Start(request);
        var outcome = InferPipeline.Run(request, log, cancellation);
        var selection = outcome.Shard ?? throw new InvalidOperationException("the pipeline fitted no shard");

        var clock = Stopwatch.StartNew();
        // A stale manifest of an earlier run goes first: from here until the new one is written the shard reads as missing.
        File.Delete(manifestPath);
        // celloracle: the shard's whole links table (CellOracle's columns); the merge filters and writes the run's table.
        if (outcome.CellOracle is { } links) links.Write(partPath);
        else ShardPart.Write(partPath, shard, outcome.Edges, log);
        byte[] part = File.ReadAllBytes(partPath);
        var targets = outcome.Problem.TargetColumns.Select(c => outcome.GeneNames[c]).ToArray();
        var t = outcome.Fit.Timings;
        var manifest = new ShardManifest
        {
            Shard = shard,
            Run = run,
            TotalTargets = selection.TotalTargets,
            TotalCost = selection.TotalCost,
            ShardCost = selection.ShardCost,
            PlanDigest = selection.PlanDigest,
            Targets = targets,
            Edges = outcome.CellOracle?.Rows.Count ?? outcome.Edges.Count,
            PartFile = shard.PartFile,
            PartBytes = part.LongLength,
            PartSha256 = Convert.ToHexStringLower(SHA256.HashData(part)),
            NotConverged = outcome.Fit.NotConverged.Count(),
            Summary = outcome.Summary,
            Links = outcome.CellOracle is null ? null : new CellOracleTable(a.CellOracle?.Filter),
            RunInfo = new Dictionary<string, string>
            {
                ["host"] = Environment.MachineName,
                ["slurmJob"] = Environment.GetEnvironmentVariable("SLURM_JOB_ID") ?? "",
                ["threads"] = outcome.Threads.ToString(CultureInfo.InvariantCulture),
                ["blas"] = outcome.Blas,
                ["finished"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ["secondsChecksum"] = Seconds(hashSeconds),
                ["secondsLoad"] = Seconds(outcome.Load),
                ["secondsStandardize"] = Seconds(outcome.Standardize),
                ["secondsGram"] = Seconds(t.Gram),
                ["secondsSolve"] = Seconds(t.Solve),
                ["secondsTotal"] = Seconds(total.Elapsed.TotalSeconds),
            },
        };
        manifest.Write(manifestPath);
        double write = clock.Elapsed.TotalSeconds;
        RemoveLeftovers(dir, shard, log);

        log.Info($"shard {shard}: {targets.Length} of {selection.TotalTargets} targets ({Percent(selection.ShardCost, selection.TotalCost)} of the cost); {outcome.Summary} -> {partPath}");
        if (a.TimingsOut is not null)
            new RunTimings(outcome.Load, outcome.Standardize, t.Gram, t.Solve, write, total.Elapsed.TotalSeconds,
                outcome.Cells, outcome.Genes, outcome.Problem.RegulatorColumns.Length, targets.Length,
                outcome.Threads, outcome.Blas).WriteJson(a.TimingsOut);
        return 0;
    }

    /// <summary>
    /// Deletes the temporary files an earlier attempt at this shard left when it was killed mid-write: never read,
    /// and useless once the shard is complete. (A second copy of this shard running right now would lose its
    /// temporary file and fail; slurm submit never starts one while the first is queued or running.)
    /// </summary>
    private static void RemoveLeftovers(string dir, ShardSpec shard, Log log)
    {
        var stale = Directory.GetFiles(dir, $".{shard.PartFile}.*.tmp").Concat(Directory.GetFiles(dir, $".{shard.ManifestFile}.*.tmp")).ToArray();
        foreach (var f in stale)
        {
            try { File.Delete(f); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        if (stale.Length > 0) log.Info($"shard {shard}: removed {stale.Length} temporary files of an earlier attempt that stopped while writing");
    }

    private static string Seconds(double s) => s.ToString("F3", CultureInfo.InvariantCulture);

    private static string Percent(long part, long whole) => whole == 0 ? "0 %" : (100.0 * part / whole).ToString("F1", CultureInfo.InvariantCulture) + " %";
}
