using System.Diagnostics;
using GrnFast.Host.Slurm;

namespace GrnFast.Host.Tests;

/// <summary>grnfast slurm submit without a cluster: --dry-run scripts, which shards a re-submission runs, usage errors.</summary>
public class SlurmSubmitTests
{
    internal static string Bash(string script, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        start.ArgumentList.Add(script);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        using var p = Process.Start(start)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"bash {script} failed ({p.ExitCode}): {err.Result}");
        return output + err.Result;
    }

    [Fact]
    public void DryRunWritesScriptsThatRunTheShardsAndTheMerge()
    {
        using var cli = new Cli();
        var d = ShardData.Make(cli, cells: 150);
        var options = ShardTests.Options(d, "--prior", d.Prior, "--method", "lasso");
        ShardTests.Ok(cli.Run(["infer", .. options, "--out", cli.PathOf("unsharded.tsv")]));
        string net = cli.PathOf("net.tsv"), dir = net + ".shards";
        var r = cli.Run(["slurm", "submit", .. options, "--shards", "4", "--out", net, "--partition", "short", "--cpus-per-task", "2",
            "--mem", "2G", "--time", "00:30:00", "--sbatch-option=--account=lab", "--sbatch-option", "--qos=long", "--dry-run"]);
        ShardTests.Ok(r);
        Assert.Contains("dry run: nothing submitted; shards to run: 1-4", r.Out);
        Assert.Contains($"sbatch --parsable {dir}/slurm/infer.sbatch", r.Out);
        Assert.Contains($"sbatch --parsable --dependency=afterok:ARRAY_JOB_ID {dir}/slurm/merge.sbatch", r.Out);
        Assert.Contains("0 of 4 shards complete, 4 to run", r.Err);

        string infer = File.ReadAllText(Path.Combine(dir, "slurm", "infer.sbatch"));
        foreach (var line in new[] { "#SBATCH --array=1-4", "#SBATCH --partition=short", "#SBATCH --cpus-per-task=2", "#SBATCH --mem=2G",
            "#SBATCH --time=00:30:00", "#SBATCH --account=lab\n#SBATCH --qos=long\n", $"#SBATCH --chdir={Environment.CurrentDirectory}",
            $"#SBATCH --output={dir}/slurm/logs/shard-%a-job-%A.log", "#SBATCH --job-name=grnfast-" })
            Assert.Contains(line, infer);
        Assert.Contains($" infer --expression {d.Expression} --regulators {d.Regulators} --prior {d.Prior} --method lasso --threads \"${{SLURM_CPUS_PER_TASK:-1}}\" --shard \"${{SLURM_ARRAY_TASK_ID}}/4\" --out {dir}\n", infer);
        string merge = File.ReadAllText(Path.Combine(dir, "slurm", "merge.sbatch"));
        Assert.Contains("#SBATCH --kill-on-invalid-dep=yes", merge);
        Assert.Contains("#SBATCH --job-name=grnfast-merge-", merge);
        Assert.DoesNotContain("--cpus-per-task", merge);
        Assert.Contains($" merge {dir} --out {net}\n", merge);
        Assert.False(File.Exists(net));
        Assert.Empty(Directory.GetFiles(dir));                              // no shard ran

        // The scripts work as written: bash runs them as Slurm would (task ids in the environment).
        for (int i = 1; i <= 4; i++)
            Bash(Path.Combine(dir, "slurm", "infer.sbatch"), Environment.CurrentDirectory, new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = $"{i}", ["SLURM_CPUS_PER_TASK"] = "2" });
        Assert.Contains("merged 4 shards", Bash(Path.Combine(dir, "slurm", "merge.sbatch"), Environment.CurrentDirectory, new Dictionary<string, string>()));
        Assert.Equal(File.ReadAllBytes(cli.PathOf("unsharded.tsv")), File.ReadAllBytes(net));
    }

    [Fact]
    public void ResubmittingRunsOnlyTheShardsNotComplete()
    {
        using var cli = new Cli();
        var d = ShardData.Make(cli, cells: 120, genes: 60, regulators: 20);
        var options = ShardTests.Options(d, "--method", "ridge");
        string net = cli.PathOf("net.tsv"), dir = cli.PathOf("work");
        string[] submit = ["slurm", "submit", .. options, "--shards", "5", "--out", net, "--shard-dir", dir, "--dry-run"];
        ShardTests.RunShards(cli, options, 5, dir, only: [1, 3, 5]);
        File.Delete(Path.Combine(dir, "shard-0005-of-0005.json"));          // killed between part and manifest
        ShardTests.RunShards(cli, [.. options, "--alpha", "0.1"], 5, dir, only: [4]);   // from another run

        var r = cli.Run(submit);
        ShardTests.Ok(r);
        Assert.Contains("shards to run: 2,4-5", r.Out);
        Assert.Contains("#SBATCH --array=2,4-5\n", File.ReadAllText(Path.Combine(dir, "slurm", "infer.sbatch")));
        Assert.Contains("2 of 5 shards complete, 3 to run", r.Err);
        Assert.Contains("shard 4/5: from another run: --alpha 0.1; it runs again", r.Err);
        Assert.Contains("shard 5/5: incomplete: shard-0005-of-0005.tsv has no manifest", r.Err);

        ShardTests.RunShards(cli, options, 5, dir, only: [2, 4, 5]);
        r = cli.Run(submit);
        ShardTests.Ok(r);
        Assert.Contains("shards to run: none", r.Out);
        Assert.Contains($"sbatch --parsable {dir}/slurm/merge.sbatch", r.Out);
        Assert.DoesNotContain("infer.sbatch", r.Out);

        // Another shard count in the same directory would make the merge refuse it: refused here already.
        r = cli.Run(["slurm", "submit", .. options, "--shards", "3", "--out", net, "--shard-dir", dir, "--dry-run"]);
        Assert.Equal(2, r.Code);
        Assert.Contains("holds shards of a run with 5 shards", r.Err);
    }

    [Theory]
    [InlineData("--shard 1/2", "slurm submit sets --shard for each array task itself")]
    [InlineData("--path-coef-index 1 --path-coef-out p.tsv", "--path-coef-out cannot be combined with shards")]
    [InlineData("--frobnicate 1", "unknown option '--frobnicate'")]
    [InlineData("--sbatch-option account=lab", "--sbatch-option: 'account=lab' is not an sbatch option")]
    [InlineData("--partition=a,b --time", "option '--time' needs a value")]
    public void SubmitUsageErrors(string extra, string message)
    {
        using var cli = new Cli();
        var r = cli.Run(["slurm", "submit", "--expression", cli.Expression(), "--regulators", cli.Regulators("G1"), "--shards", "2",
            "--out", cli.PathOf("net.tsv"), "--dry-run", .. extra.Split(' ')]);
        Assert.Equal(2, r.Code);
        Assert.Contains(message, r.Err);
        Assert.False(Directory.Exists(cli.PathOf("net.tsv.shards")));
    }

    [Fact]
    public void SlurmCommandLine()
    {
        using var cli = new Cli();
        var missing = cli.Run("slurm", "submit", "--expression", cli.Expression(), "--regulators", cli.Regulators("G1"), "--out", cli.PathOf("n.tsv"));
        Assert.Equal(2, missing.Code);
        Assert.Contains("missing required option --shards", missing.Err);
        Assert.Contains("unknown slurm command 'status'", cli.Run("slurm", "status").Err);
        Assert.Contains("--shards N", cli.Run("slurm", "--help").Out);
        Assert.Contains("--shards N", cli.Run("slurm", "submit", "--help").Out);
        Assert.Equal(2, cli.Run("slurm").Code);
    }

    [Fact]
    public void ArrayRangesAndBashQuoting()
    {
        Assert.Equal("1-3,5,7-8", SlurmScripts.ArrayRanges([1, 2, 3, 5, 7, 8]));
        Assert.Equal("4", SlurmScripts.ArrayRanges([4]));
        Assert.Equal("1-100", SlurmScripts.ArrayRanges(Enumerable.Range(1, 100).ToArray()));
        string[] words = ["plain/path.tsv", "with space", "it's", "$HOME", "a\"b", "*", "x;y", "--alpha=0.1", ""];
        using var cli = new Cli();
        string script = cli.File("echo.sh", "printf '%s\\n' " + string.Join(' ', words.Select(SlurmScripts.Quote)) + "\n");
        Assert.Equal(string.Join('\n', words) + "\n", Bash(script, cli.Dir, new Dictionary<string, string>()));
        Assert.Equal("plain/path.tsv", SlurmScripts.Quote("plain/path.tsv"));
    }
}
