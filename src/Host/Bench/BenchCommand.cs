using System.Text;
using GrnFast.Host.Cli;
using GrnFast.IO;

namespace GrnFast.Host.Bench;

/// <summary>The arguments of <c>grnfast bench CONFIG [--out DIR] [--threads T]</c>.</summary>
internal sealed record BenchArguments(string Config, string? Out, int? Threads)
{
    public static BenchArguments Parse(IReadOnlyList<string> args)
    {
        // Option values are not positional: take CONFIG as the first argument that is neither an option nor its value.
        string? config = null;
        var options = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                options.Add(args[i]);
                if (!args[i].Contains('=') && i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) options.Add(args[++i]);
            }
            else if (config is null) config = args[i];
            else throw new UsageException($"unexpected argument '{args[i]}': bench takes one config file (see grnfast bench --help)");
        }
        if (config is null) throw new UsageException("bench needs a config file: grnfast bench CONFIG.json (see grnfast bench --help)");
        var o = new OptionReader("bench", options, ["--out", "--threads"], []);
        return new BenchArguments(config, o.String("--out"), o.Int("--threads", t => t >= 0, "an integer >= 0 (0 = all cores)"));
    }
}

/// <summary>
/// <c>grnfast bench CONFIG</c>: runs the benchmark a config describes and writes runs.tsv, summary.md, PNG plots,
/// bench.log and a copy of the config into the output folder. Everything is written to a staging folder next to it
/// and moved into place at the end, so a failed or cancelled run leaves no partial output.
/// </summary>
internal static class BenchCommand
{
    /// <summary>The file that marks a folder as a bench output (so that a rerun may replace it).</summary>
    public const string RunsFile = "runs.tsv";

    public static int Run(BenchArguments a, TextWriter stderr, Log log, CancellationToken cancellation)
    {
        var config = BenchConfigReader.Read(a.Config, a.Out is null ? null : Path.GetFullPath(a.Out));
        if (a.Threads is { } t) config = config with { Threads = t };
        string output = Path.GetFullPath(config.Output);
        if (File.Exists(output)) throw new UsageException($"the output {output} is a file; bench writes a folder");
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any() && !File.Exists(Path.Combine(output, RunsFile)))
            throw new UsageException($"the output folder {output} exists and is not a bench output (no {RunsFile}); choose another with --out");

        string staging = $"{output}.tmp-{Guid.NewGuid():N}";
        Directory.CreateDirectory(staging);
        try
        {
            int steps = BenchRunner.Steps(config);
            log.Info($"bench {a.Config}: {config.Datasets.Count} datasets x {config.Methods.Count} methods x {config.Priors.Count} priors x {config.Seeds.Count} seeds, scored {string.Join(", ", config.Scoring.Select(ScoringModes.Name))}");
            bool interactive = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
            var progress = new BenchProgress(stderr, steps, interactive);
            BenchResult result;
            using (var benchLog = new StreamWriter(Path.Combine(staging, "bench.log"), false, new UTF8Encoding(false)))
            {
                result = BenchRunner.Run(config, log, benchLog, progress, cancellation);
                progress.Finish();
            }
            string command = $"grnfast bench {a.Config}{(a.Out is null ? "" : $" --out {a.Out}")}{(a.Threads is { } th ? $" --threads {th}" : "")}";
            File.WriteAllText(Path.Combine(staging, RunsFile), BenchReport.Tsv(result.Rows), new UTF8Encoding(false));
            File.WriteAllText(Path.Combine(staging, "summary.md"), BenchReport.Markdown(config, result, command), new UTF8Encoding(false));
            File.Copy(a.Config, Path.Combine(staging, "config" + Path.GetExtension(a.Config)));
            var plots = BenchPlots.PrecisionRecall(result.Curves, config.Plots, staging);
            plots.AddRange(BenchPlots.Gain(result.Rows, config, staging));
            cancellation.ThrowIfCancellationRequested();

            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
            Directory.Move(staging, output);
            log.Info($"bench: {result.Rows.Count} runs ({result.Fits} inferences) in {result.Seconds:F1} s; wrote {output}/: {RunsFile}, summary.md, {plots.Count} plots, bench.log");
            return 0;
        }
        catch
        {
            try { Directory.Delete(staging, recursive: true); } catch (IOException) { }
            throw;
        }
    }
}
