using GrnFast.Host.Cli;
using GrnFast.Host.Shard;
using GrnFast.IO;

namespace GrnFast.Host.Slurm;

/// <summary>
/// <c>grnfast slurm submit</c>: checks which shards of the run are already complete in the shard directory, writes
/// the array script for the others and the merge script, submits both (the merge after the array succeeded) and
/// prints the job ids. Submitting again after a failure runs only the shards that are missing, incomplete or from
/// another run; when every shard is complete only the merge is submitted.
/// </summary>
internal static class SlurmCommand
{
    public static int Run(string[] args, TextWriter stdout, Log log)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h") { stdout.WriteLine(HelpText.Slurm); return args.Length == 0 ? 2 : 0; }
        if (args[0] != "submit") throw new UsageException($"unknown slurm command '{args[0]}' (slurm submit; see grnfast slurm --help)");
        if (args.Contains("--help") || args.Contains("-h")) { stdout.WriteLine(HelpText.Slurm); return 0; }
        try { return Submit(SlurmSubmitArguments.Parse(args[1..]), stdout, log); }
        catch (SlurmException e) { log.Info($"slurm submit: {e.Message}"); return 1; }
    }

    private static int Submit(SlurmSubmitArguments a, TextWriter stdout, Log log)
    {
        foreach (var (what, path) in new[] { ("the shard directory", a.ShardDirectory), ("the working directory", Environment.CurrentDirectory) })
            if (path.Any(char.IsWhiteSpace)) throw new UsageException($"{what} '{path}' contains white space, which #SBATCH lines cannot hold; use another (--shard-dir)");

        var run = RunIdentity.Of(a.Infer.Given, a.Shards);
        string slurmDir = Path.Combine(a.ShardDirectory, "slurm");
        Directory.CreateDirectory(Path.Combine(slurmDir, "logs"));
        var dir = ShardDirectory.Inspect(a.ShardDirectory, run, keepParts: false);
        if (dir.OtherCounts.Count > 0)
            throw new UsageException($"{a.ShardDirectory} holds shards of a run with {string.Join(" and ", dir.OtherCounts)} shards; merge takes one run per directory: "
                + "give another --shard-dir or remove those shard-*-of-* files");
        var todo = dir.NotComplete.ToList();
        foreach (var s in todo.Where(s => s.Status != ShardStatus.Missing)) log.Info($"{s.Describe()}; it runs again");
        log.Info($"{a.ShardDirectory}: {a.Shards - todo.Count} of {a.Shards} shards complete, {todo.Count} to run (run {run.Fingerprint[..12]})");

        string tag = run.Fingerprint[..12];
        string arrayName = $"grnfast-{tag}", mergeName = $"grnfast-merge-{tag}";
        if (!a.DryRun)
        {
            var queued = SlurmTools.Queued(arrayName).Concat(SlurmTools.Queued(mergeName)).ToList();
            if (queued.Count > 0)
                throw new SlurmException($"jobs of this run are still queued or running ({Log.FirstFew(queued)}); wait for them or scancel them, then submit again");
        }

        var grnfast = SlurmScripts.ThisGrnfast();
        string inferScript = Path.Combine(slurmDir, SlurmScripts.InferScript), mergeScript = Path.Combine(slurmDir, SlurmScripts.MergeScript);
        var tasks = todo.Select(s => s.Shard.Index).ToList();
        if (tasks.Count > 0) AtomicFile.WriteText(inferScript, w => w.Write(SlurmScripts.Infer(a, tasks, grnfast, arrayName, run.Fingerprint)));
        AtomicFile.WriteText(mergeScript, w => w.Write(SlurmScripts.Merge(a, grnfast, mergeName, run.Fingerprint)));

        if (a.DryRun)
        {
            stdout.WriteLine($"dry run: nothing submitted; shards to run: {(tasks.Count == 0 ? "none" : SlurmScripts.ArrayRanges(tasks))}");
            if (tasks.Count > 0) stdout.WriteLine($"  sbatch --parsable {inferScript}");
            stdout.WriteLine($"  sbatch --parsable {(tasks.Count > 0 ? "--dependency=afterok:ARRAY_JOB_ID " : "")}{mergeScript}");
            return 0;
        }

        string? arrayJob = null;
        if (tasks.Count > 0)
        {
            arrayJob = SlurmTools.Submit([inferScript]);
            stdout.WriteLine($"array job: {arrayJob} (shards {SlurmScripts.ArrayRanges(tasks)} of {a.Shards})");
        }
        string mergeJob = arrayJob is null ? SlurmTools.Submit([mergeScript]) : SlurmTools.Submit([$"--dependency=afterok:{arrayJob}", mergeScript]);
        stdout.WriteLine($"merge job: {mergeJob} ({(arrayJob is null ? "every shard is complete" : $"after job {arrayJob} succeeds")}) -> {a.Out}");
        log.Info($"logs in {Path.Combine(slurmDir, "logs")}; if a shard fails, run the same grnfast slurm submit again: it submits only the shards not complete");
        return 0;
    }
}
