using System.Diagnostics;
using GrnFast.Host.Shard;

namespace GrnFast.Host.Tests;

/// <summary>A shard SIGKILLed while writing its part: its partial file is never read, and re-running it restores the unsharded bytes.</summary>
public class ShardFaultTests
{
    /// <summary>Starts <c>grnfast infer ... --shard</c> as its own process, stalling half way through its part.</summary>
    private static Process StartStalled(string[] args, int shard)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "grnfast.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project references src/Host, which puts it there");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment[ShardPart.StallVariable] = shard.ToString();
        return Process.Start(start)!;
    }

    [Fact]
    public void AShardKilledMidWriteIsNeverReadAndItsRerunRestoresTheUnshardedBytes()
    {
        using var cli = new Cli();
        var d = ShardData.Make(cli, cells: 200);
        var options = ShardTests.Options(d, "--prior", d.Prior, "--prior-mode", "weight");
        ShardTests.Ok(cli.Run(["infer", .. options, "--out", cli.PathOf("unsharded.tsv")]));
        string dir = cli.PathOf("s");
        // An earlier, complete run with other options in the same directory: its shard 2 part must not be taken either.
        ShardTests.RunShards(cli, [.. options, "--l1-ratio", "0.9"], 3, dir);
        ShardTests.RunShards(cli, options, 3, dir, only: [1, 3]);

        using (var p = StartStalled(["infer", .. options, "--shard", "2/3", "--out", dir], shard: 2))
        try
        {
            var stderr = new List<string>();
            string? line;
            while ((line = p.StandardError.ReadLine()) is not null)
            {
                stderr.Add(line);
                if (line.Contains("stalled writing", StringComparison.Ordinal)) break;
            }
            Assert.True(line is not null, "the shard ended without reaching its stall point:\n" + string.Join('\n', stderr));
            var partial = Directory.GetFiles(dir, ".shard-0002-of-0003.tsv.*.tmp");
            Assert.Single(partial);
            // (The writer holds it locked: its length, not its content, can be checked before the kill.)
            Assert.True(new FileInfo(partial[0]).Length > 1000, "too little written to call it mid-write");
            Assert.False(File.Exists(Path.Combine(dir, "shard-0002-of-0003.json")), "the old run's manifest of shard 2 is still there");
            p.Kill();                       // SIGKILL: no finally block, no cleanup runs
            Assert.True(p.WaitForExit(30_000));
            Assert.Equal(137, p.ExitCode);  // 128 + SIGKILL
        }
        finally
        {
            if (!p.HasExited) p.Kill();
        }

        var partials = Directory.GetFiles(dir, ".shard-0002-of-0003.tsv.*.tmp");
        Assert.Single(partials);
        string halfWritten = File.ReadAllText(partials[0]);
        Assert.StartsWith(ShardPart.Header + "\n", halfWritten);
        Assert.True(File.Exists(Path.Combine(dir, "shard-0002-of-0003.tsv")), "the old run's part should still be there (unreferenced)");
        var refused = cli.Run("merge", dir, "--out", cli.PathOf("merged.tsv"));
        Assert.Equal(1, refused.Code);
        Assert.Contains("shard 2/3: incomplete: shard-0002-of-0003.tsv has no manifest", refused.Err);
        Assert.Contains("1 temporary files of shards stopped while writing (not read", refused.Err);
        Assert.False(File.Exists(cli.PathOf("merged.tsv")));

        // Re-run the killed shard: it replaces the stale part, removes the partial file, and the merge is the unsharded run.
        var rerun = cli.Run(["infer", .. options, "--shard", "2/3", "--out", dir]);
        ShardTests.Ok(rerun);
        Assert.Contains("removed 1 temporary files of an earlier attempt", rerun.Err);
        Assert.Empty(Directory.GetFiles(dir, ".*.tmp"));
        ShardTests.Ok(cli.Run("merge", dir, "--out", cli.PathOf("merged.tsv")));
        Assert.Equal(File.ReadAllBytes(cli.PathOf("unsharded.tsv")), File.ReadAllBytes(cli.PathOf("merged.tsv")));
        // What the killed shard had written is the first half of what its re-run wrote: it was killed mid-write.
        string complete = File.ReadAllText(Path.Combine(dir, "shard-0002-of-0003.tsv"));
        Assert.StartsWith(halfWritten, complete);
        Assert.True(halfWritten.Length < complete.Length * 3 / 4, $"{halfWritten.Length} of {complete.Length} characters");
    }
}
