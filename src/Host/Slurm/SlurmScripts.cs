using System.Globalization;
using System.Text;
using GrnFast.Host.Shard;

namespace GrnFast.Host.Slurm;

/// <summary>
/// The two batch scripts of a sharded run: a job array whose task I runs <c>grnfast infer ... --shard I/N</c>, and a
/// merge job (submitted with <c>--dependency=afterok:ARRAY</c>) that runs <c>grnfast merge</c>. Everything a job
/// needs is in its #SBATCH lines, so the scripts can also be submitted by hand.
/// </summary>
internal static class SlurmScripts
{
    public const string InferScript = "infer.sbatch";
    public const string MergeScript = "merge.sbatch";

    /// <summary>The array script for <paramref name="tasks"/> (shard indexes); <paramref name="grnfast"/> is the command that runs grnfast.</summary>
    public static string Infer(SlurmSubmitArguments a, IReadOnlyList<int> tasks, IReadOnlyList<string> grnfast, string jobName, string fingerprint)
    {
        var sb = new StringBuilder();
        sb.Append("#!/bin/bash\n");
        sb.Append($"# grnfast slurm submit: shard I of {a.Shards} of run {fingerprint[..12]} (array task I); grnfast merge joins them.\n");
        sb.Append("# Rewritten by every submit; safe to resubmit by hand: a shard writes its part and manifest atomically.\n");
        sb.Append($"#SBATCH --job-name={jobName}\n");
        sb.Append($"#SBATCH --array={ArrayRanges(tasks)}\n");
        sb.Append($"#SBATCH --output={Path.Combine(a.ShardDirectory, "slurm", "logs", "shard-%a-job-%A.log")}\n");
        CommonLines(sb, a, cpus: a.CpusPerTask);
        sb.Append("set -euo pipefail\n");
        var command = new List<string>(grnfast) { "infer" };
        command.AddRange(a.InferOptions);
        string threads = SlurmSubmitArguments.HasOption(a.InferOptions, "--threads") ? "" : " --threads \"${SLURM_CPUS_PER_TASK:-1}\"";
        sb.Append("exec ").Append(string.Join(' ', command.Select(Quote))).Append(threads)
          .Append($" --shard \"${{SLURM_ARRAY_TASK_ID}}/{a.Shards}\" --out {Quote(a.ShardDirectory)}\n");
        return sb.ToString();
    }

    public static string Merge(SlurmSubmitArguments a, IReadOnlyList<string> grnfast, string jobName, string fingerprint)
    {
        var sb = new StringBuilder();
        sb.Append("#!/bin/bash\n");
        sb.Append($"# grnfast slurm submit: merges the {a.Shards} shards of run {fingerprint[..12]} once every array task succeeded.\n");
        sb.Append($"#SBATCH --job-name={jobName}\n");
        sb.Append($"#SBATCH --output={Path.Combine(a.ShardDirectory, "slurm", "logs", "merge-job-%j.log")}\n");
        // A failed shard makes afterok unsatisfiable: cancel the merge instead of leaving it pending forever.
        sb.Append("#SBATCH --kill-on-invalid-dep=yes\n");
        CommonLines(sb, a, cpus: null);
        sb.Append("set -euo pipefail\n");
        var command = new List<string>(grnfast) { "merge", a.ShardDirectory, "--out", a.Out };
        sb.Append("exec ").Append(string.Join(' ', command.Select(Quote))).Append('\n');
        return sb.ToString();
    }

    private static void CommonLines(StringBuilder sb, SlurmSubmitArguments a, int? cpus)
    {
        sb.Append($"#SBATCH --chdir={Environment.CurrentDirectory}\n");
        if (a.Partition is not null) sb.Append($"#SBATCH --partition={a.Partition}\n");
        if (cpus is not null) sb.Append($"#SBATCH --cpus-per-task={cpus.Value.ToString(CultureInfo.InvariantCulture)}\n");
        if (a.Memory is not null) sb.Append($"#SBATCH --mem={a.Memory}\n");
        if (a.Time is not null) sb.Append($"#SBATCH --time={a.Time}\n");
        foreach (var extra in a.SbatchOptions) sb.Append($"#SBATCH {extra}\n");
    }

    /// <summary>"1-3,5,7-8": Slurm's --array syntax for sorted, distinct indexes.</summary>
    public static string ArrayRanges(IReadOnlyList<int> tasks)
    {
        var parts = new List<string>();
        for (int i = 0; i < tasks.Count;)
        {
            int j = i;
            while (j + 1 < tasks.Count && tasks[j + 1] == tasks[j] + 1) j++;
            parts.Add(i == j ? $"{tasks[i]}" : $"{tasks[i]}-{tasks[j]}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }

    /// <summary>A word for bash: as is when it is plainly safe, else in single quotes.</summary>
    public static string Quote(string word)
    {
        if (word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c))) return word;
        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>
    /// The command that runs this grnfast: the running apphost, or the dotnet host and this assembly (how ./grnfast
    /// runs it). Array tasks call it directly, never the ./grnfast launcher, which may rebuild.
    /// </summary>
    public static IReadOnlyList<string> ThisGrnfast()
    {
        string process = Environment.ProcessPath ?? "dotnet";
        // AppContext.BaseDirectory, not Assembly.Location: the latter is empty in a single-file or native (AOT) build.
        string assembly = Path.Combine(AppContext.BaseDirectory, "grnfast.dll");
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? [process, assembly] : [process];
    }
}
