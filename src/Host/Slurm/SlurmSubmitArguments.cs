using System.Globalization;
using GrnFast.Host.Cli;
using GrnFast.Host.Shard;

namespace GrnFast.Host.Slurm;

/// <summary>
/// The arguments of <c>grnfast slurm submit</c>: its own options (shards, output, sbatch resources) and, untouched,
/// every other option, which is what each array task passes to <c>grnfast infer</c>.
/// </summary>
internal sealed record SlurmSubmitArguments
{
    public required int Shards { get; init; }
    /// <summary>The merged network (absolute).</summary>
    public required string Out { get; init; }
    /// <summary>Where the shards, the scripts and the logs go (absolute); default <c>OUT.shards</c>.</summary>
    public required string ShardDirectory { get; init; }
    public string? Partition { get; init; }
    public int? CpusPerTask { get; init; }
    public string? Memory { get; init; }
    public string? Time { get; init; }
    /// <summary>Further sbatch options, each one #SBATCH line (e.g. --account=lab, --qos=long).</summary>
    public IReadOnlyList<string> SbatchOptions { get; init; } = [];
    public bool DryRun { get; init; }
    /// <summary>The infer options as given (without --out), in order.</summary>
    public required IReadOnlyList<string> InferOptions { get; init; }
    /// <summary>The infer options as one shard parses them (validated; <see cref="InferArguments.Given"/> identifies the run).</summary>
    public required InferArguments Infer { get; init; }

    private static readonly HashSet<string> Valued = new(StringComparer.Ordinal)
        { "--shards", "--out", "--shard-dir", "--partition", "--cpus-per-task", "--mem", "--time", "--sbatch-option" };

    public static SlurmSubmitArguments Parse(IReadOnlyList<string> args)
    {
        var own = new List<string>();
        var infer = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            int eq = a.IndexOf('=');
            string name = a.StartsWith("--", StringComparison.Ordinal) && eq > 0 ? a[..eq] : a;
            var to = Valued.Contains(name) || name == "--dry-run" ? own : infer;
            if (a == "--sbatch-option" && i + 1 < args.Count) { own.Add($"{a}={args[++i]}"); continue; }
            to.Add(a);
            // The value of an option given as "--name value" goes with it (infer's options too: none takes a value starting with --).
            if (eq < 0 && a.StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                to.Add(args[++i]);
        }
        if (infer.Contains("--shard") || infer.Any(a => a.StartsWith("--shard=", StringComparison.Ordinal)))
            throw new UsageException("slurm submit sets --shard for each array task itself; give --shards N");
        var o = new OptionReader("slurm submit", own, Valued.Select(v => v == "--sbatch-option" ? v + "*" : v), ["--dry-run"]);
        int shards = o.Required(o.Int("--shards", n => n >= 1 && n <= ShardSpec.MaxCount, $"an integer in 1..{ShardSpec.MaxCount}"), "--shards");
        string output = Path.GetFullPath(o.Required("--out"));
        string dir = Path.GetFullPath(o.String("--shard-dir") ?? output + ".shards");
        int? cpus = o.Int("--cpus-per-task", c => c >= 1, "an integer >= 1");
        foreach (var opt in new[] { "--partition", "--mem", "--time" })
            if (o.String(opt) is { } v && (v.Length == 0 || v.Any(char.IsWhiteSpace)))
                throw new UsageException($"{opt}: '{v}' is not valid; it is passed to sbatch as one word");
        foreach (var extra in o.All("--sbatch-option"))
            if (!extra.StartsWith('-') || extra.Contains('\n'))
                throw new UsageException($"--sbatch-option: '{extra}' is not an sbatch option (e.g. --account=lab)");

        // Each task runs "infer <options> --threads C --shard I/N --out DIR": parse exactly that now, so a bad option
        // fails here, once, instead of in every task.
        var taskArgs = new List<string>(infer);
        if (cpus is not null && !HasOption(infer, "--threads")) taskArgs.AddRange(["--threads", cpus.Value.ToString(CultureInfo.InvariantCulture)]);
        taskArgs.AddRange(["--shard", $"1/{shards}", "--out", dir]);
        var parsed = InferArguments.Parse(taskArgs);
        return new SlurmSubmitArguments
        {
            Shards = shards,
            Out = output,
            ShardDirectory = dir,
            Partition = o.String("--partition"),
            CpusPerTask = cpus,
            Memory = o.String("--mem"),
            Time = o.String("--time"),
            SbatchOptions = o.All("--sbatch-option"),
            DryRun = o.Switch("--dry-run"),
            InferOptions = infer,
            Infer = parsed,
        };
    }

    public static bool HasOption(IEnumerable<string> args, string name)
        => args.Any(a => a == name || a.StartsWith(name + "=", StringComparison.Ordinal));
}
