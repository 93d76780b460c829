using System.Globalization;
using GrnFast.Host.Cli;
using GrnFast.Simulation;
using GrnFast.Simulation.Networks;
using GrnFast.Simulation.Noise;

namespace GrnFast.Host.Simulate;

/// <summary>The output files <c>grnfast simulate</c> can write besides the metadata.</summary>
[Flags]
internal enum ExpressionFormats { None = 0, Tsv = 1, Npy = 2, Arrow = 4 }

/// <summary>
/// The validated arguments of <c>grnfast simulate</c>. Gene lists (knockouts, knockdowns) and trajectory endpoints are
/// kept as text: they are resolved against the network once it is read or generated.
/// </summary>
internal sealed record SimulateArguments
{
    public string? NetworkFile { get; init; }
    public bool IgnoreWeights { get; init; }
    public NetworkGeneratorOptions? Generator { get; init; }
    public required EdgeParameters Edges { get; init; }
    public ulong NetworkSeed { get; init; }
    public required SimulationOptions Options { get; init; }
    public string? Knockouts { get; init; }
    public string? Knockdowns { get; init; }
    public double KnockdownFactor { get; init; }
    public IReadOnlyList<string> Trajectories { get; init; } = [];
    public ExpressionFormats Formats { get; init; }
    public required string Out { get; init; }

    private static readonly string[] Valued =
    [
        "--network", "--generate", "--genes", "--regulators", "--masters", "--in-degree", "--modules", "--module-bias",
        "--activation-fraction", "--strength", "--hill", "--network-seed",
        "--cells", "--cell-types", "--rewire", "--trajectory*", "--trajectory-time",
        "--knockout", "--knockdown", "--knockdown-factor", "--perturb-fraction",
        "--decay", "--noise", "--basal", "--dt", "--burn-in",
        "--values", "--library-size", "--library-sd", "--dropout", "--dropout-shape",
        "--format", "--seed", "--threads", "--out",
    ];

    private static readonly string[] GeneratorOnly = ["--genes", "--regulators", "--masters", "--in-degree", "--modules", "--module-bias"];

    public static SimulateArguments Parse(IReadOnlyList<string> args)
    {
        var o = new OptionReader("simulate", args, Valued, ["--ignore-weights"]);
        string output = o.Required("--out");
        string? file = o.String("--network");
        string? kind = o.Choice("--generate", "scale-free", "small-world");
        if (file is null == kind is null) throw new UsageException("give either --network FILE or --generate scale-free|small-world (see grnfast simulate --help)");
        if (file is not null && GeneratorOnly.FirstOrDefault(o.Has) is { } extra) throw new UsageException($"{extra} shapes a generated network; it cannot be combined with --network");
        if (kind is not null && o.Switch("--ignore-weights")) throw new UsageException("--ignore-weights applies to --network FILE");
        if (kind != "small-world" && (o.Has("--modules") || o.Has("--module-bias"))) throw new UsageException("--modules and --module-bias apply to --generate small-world");

        var (strengthMin, strengthMax) = Range(o, "--strength", 1, 5, allowZeroMin: false);
        var edges = new EdgeParameters
        {
            ActivationFraction = o.Double("--activation-fraction", a => a is >= 0 and <= 1, "in [0, 1]") ?? 0.6,
            StrengthMin = strengthMin,
            StrengthMax = strengthMax,
            HillCoefficient = o.Double("--hill", n => n > 0 && n <= 50, "a number in (0, 50]") ?? 2,
        };
        NetworkGeneratorOptions? generator = null;
        if (kind is not null)
        {
            int genes = o.Int("--genes", g => g >= 2, "an integer >= 2") ?? 100;
            generator = new NetworkGeneratorOptions
            {
                Kind = kind == "small-world" ? NetworkKind.SmallWorld : NetworkKind.ScaleFree,
                Genes = genes,
                Regulators = o.Int("--regulators", r => r >= 1 && r <= genes, $"an integer in [1, {genes}] (--genes)"),
                MasterRegulators = o.Int("--masters", m => m >= 1 && m < genes, $"an integer in [1, {genes - 1}]"),
                MeanInDegree = o.Double("--in-degree", d => d >= 1 && double.IsFinite(d), "a number >= 1") ?? 2,
                Modules = o.Int("--modules", m => m >= 1 && m <= genes, $"an integer in [1, {genes}]"),
                ModuleBias = o.Double("--module-bias", b => b is >= 0 and <= 1, "in [0, 1]") ?? 0.8,
                Edges = edges,
            };
            try { generator.Validate(); }
            catch (ArgumentOutOfRangeException e) { throw new UsageException(GeneratorMessage(e)); }
        }

        ulong seed = Seed(o, "--seed") ?? 0;
        int cellTypes = o.Int("--cell-types", k => k >= 1, "an integer >= 1") ?? 1;
        var trajectories = o.All("--trajectory");
        if (trajectories.Count > 0 && cellTypes < 2) throw new UsageException("--trajectory joins two cell types; add --cell-types K with K >= 2");
        if (trajectories.Count == 0 && o.Has("--trajectory-time")) throw new UsageException("--trajectory-time needs --trajectory FROM:TO");
        string? knockouts = o.String("--knockout");
        string? knockdowns = o.String("--knockdown");
        if (knockdowns is null && o.Has("--knockdown-factor")) throw new UsageException("--knockdown-factor needs --knockdown GENES");
        if (knockouts is null && knockdowns is null && o.Has("--perturb-fraction")) throw new UsageException("--perturb-fraction needs --knockout or --knockdown GENES");

        var values = o.Choice("--values", "counts", "lognorm", "clean") switch
        {
            "lognorm" => ExpressionValues.LogNormalized,
            "clean" => ExpressionValues.Clean,
            _ => ExpressionValues.Counts,
        };
        if (values == ExpressionValues.Clean && (o.Has("--library-size") || o.Has("--library-sd")))
            throw new UsageException("--library-size and --library-sd apply to counts (--values counts or lognorm), not to --values clean");
        if (!o.Has("--dropout") && o.Has("--dropout-shape")) throw new UsageException("--dropout-shape needs --dropout RATE");
        var (basalMin, basalMax) = Range(o, "--basal", 0.5, 5, allowZeroMin: true);

        var options = new SimulationOptions
        {
            Cells = o.Int("--cells", c => c >= 1, "an integer >= 1") ?? 2000,
            CellTypes = cellTypes,
            RewireFraction = o.Double("--rewire", f => f is >= 0 and <= 1, "in [0, 1]") ?? 0,
            Decay = o.Double("--decay", l => l > 0 && double.IsFinite(l), "a finite rate > 0") ?? 0.8,
            Noise = o.Double("--noise", q => q >= 0 && double.IsFinite(q), "a finite number >= 0") ?? 1,
            TimeStep = o.Double("--dt", d => d > 0 && double.IsFinite(d), "a finite time > 0") ?? 0.02,
            BurnIn = o.Double("--burn-in", b => b >= 0 && double.IsFinite(b), "a finite time >= 0"),
            BasalMin = basalMin,
            BasalMax = basalMax,
            TrajectoryTime = o.Double("--trajectory-time", t => t > 0 && double.IsFinite(t), "a finite time > 0") ?? 10,
            PerturbFraction = o.Double("--perturb-fraction", f => f is >= 0 and <= 1, "in [0, 1]") ?? 0.5,
            Technical = new TechnicalNoiseOptions
            {
                Values = values,
                LibrarySize = o.Double("--library-size", l => l > 0 && double.IsFinite(l), "a finite number > 0"),
                LibrarySigma = o.Double("--library-sd", s => s >= 0 && double.IsFinite(s), "a finite number >= 0") ?? 0.3,
                DropoutRate = o.Double("--dropout", d => d is > 0 and < 1, "a fraction in (0, 1)"),
                DropoutShape = o.Double("--dropout-shape", k => k > 0 && double.IsFinite(k), "a finite number > 0") ?? 1,
            },
            Seed = seed,
            Threads = o.Int("--threads", t => t >= 0, "an integer >= 0 (0 = all cores)") ?? 0,
        };
        if (options.TimeStep * options.Decay > 0.5)
            throw new UsageException($"--dt {options.TimeStep} with --decay {options.Decay}: dt x decay = {options.TimeStep * options.Decay:G3} is too coarse for Euler-Maruyama; keep it below 0.5 (0.01-0.05 recommended)");

        ulong networkSeed = Seed(o, "--network-seed") ?? seed;
        options = options with { SystemSeed = networkSeed };
        return new SimulateArguments
        {
            NetworkFile = file,
            IgnoreWeights = o.Switch("--ignore-weights"),
            Generator = generator,
            Edges = edges,
            NetworkSeed = networkSeed,
            Options = options,
            Knockouts = knockouts,
            Knockdowns = knockdowns,
            KnockdownFactor = o.Double("--knockdown-factor", f => f is > 0 and < 1, "a factor in (0, 1)") ?? 0.3,
            Trajectories = trajectories,
            Formats = ParseFormats(o.String("--format")),
            Out = output,
        };
    }

    private static (double Min, double Max) Range(OptionReader o, string name, double min, double max, bool allowZeroMin)
    {
        if (o.String(name) is not { } text) return (min, max);
        var parts = text.Split(':');
        if (parts.Length is 1 or 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double lo)
            && double.TryParse(parts[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double hi)
            && double.IsFinite(lo) && double.IsFinite(hi) && (allowZeroMin ? lo >= 0 : lo > 0) && hi >= lo && hi > 0)
            return (lo, hi);
        throw new UsageException($"{name}: '{text}' is not valid; it must be MIN:MAX (or one value) with {(allowZeroMin ? "0 <=" : "0 <")} MIN <= MAX, MAX > 0");
    }

    private static ulong? Seed(OptionReader o, string name)
    {
        if (o.String(name) is not { } text) return null;
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed)) return seed;
        throw new UsageException($"{name}: '{text}' is not valid; it must be an integer >= 0");
    }

    private static ExpressionFormats ParseFormats(string? text)
    {
        if (text is null) return ExpressionFormats.Tsv | ExpressionFormats.Npy;
        var formats = ExpressionFormats.None;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            formats |= part.ToLowerInvariant() switch
            {
                "tsv" => ExpressionFormats.Tsv,
                "npy" => ExpressionFormats.Npy,
                "arrow" or "arrows" => ExpressionFormats.Arrow,
                _ => throw new UsageException($"--format: '{part}' is not one of tsv, npy, arrow (comma-separated)"),
            };
        return formats == ExpressionFormats.None ? throw new UsageException("--format lists no format (tsv, npy, arrow)") : formats;
    }

    private static string GeneratorMessage(ArgumentOutOfRangeException e)
    {
        string option = e.ParamName switch
        {
            nameof(NetworkGeneratorOptions.Regulators) => "--regulators",
            nameof(NetworkGeneratorOptions.MasterRegulators) => "--masters",
            nameof(NetworkGeneratorOptions.Modules) => "--modules",
            nameof(NetworkGeneratorOptions.Genes) => "--genes",
            _ => e.ParamName ?? "generator",
        };
        string detail = e.Message.Split(" (Parameter", 2)[0].Split(Environment.NewLine)[0];
        return $"{option}: {e.ActualValue} is not valid; it {detail}";
    }
}
