using System.ComponentModel;
using System.Diagnostics;

namespace GrnFast.Host.Slurm;

/// <summary>Runs Slurm's client commands (sbatch, squeue) and turns their failures into clear errors.</summary>
internal static class SlurmTools
{
    /// <summary>Runs <paramref name="tool"/>; returns its stdout, or throws naming the command and its stderr.</summary>
    public static string Run(string tool, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(start) ?? throw new SlurmException($"{tool} did not start"); }
        catch (Win32Exception e)
        {
            throw new SlurmException($"cannot run {tool} ({e.Message}): is this a Slurm login node with {tool} on PATH? "
                + "(scripts/slurm/local-cluster.sh sets up a single-node Slurm to try grnfast slurm on)");
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new SlurmException($"{tool} {string.Join(' ', args.Select(SlurmScripts.Quote))} failed (exit code {process.ExitCode}): {stderr.Result.Trim()}");
            return stdout;
        }
    }

    /// <summary>sbatch --parsable: the job id (the text before any ";cluster").</summary>
    public static string Submit(IReadOnlyList<string> args)
    {
        string output = Run("sbatch", ["--parsable", .. args]).Trim();
        string id = output.Split(';')[0].Trim();
        if (id.Length == 0 || !id.All(char.IsAsciiDigit)) throw new SlurmException($"sbatch printed '{output}', not a job id");
        return id;
    }

    /// <summary>Ids of this user's queued or running jobs named <paramref name="name"/> (array tasks as 123_4).</summary>
    public static IReadOnlyList<string> Queued(string name)
        => Run("squeue", ["--noheader", "--user", Environment.UserName, "--name", name, "--format", "%i"])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>A Slurm command failed or is missing: exit code 1 with its message.</summary>
internal sealed class SlurmException(string message) : Exception(message);
