using GrnFast.Host.Cli;

namespace GrnFast.Host.Evaluate;

/// <summary>The validated arguments of <c>grnfast evaluate</c>.</summary>
internal sealed record EvaluateArguments
{
    public required string Network { get; init; }
    public required string Gold { get; init; }
    public string? Regulators { get; init; }
    public string? HeldOutTargets { get; init; }
    public string? HeldOutRegulators { get; init; }
    public IReadOnlyList<string> ExcludePriors { get; init; } = [];
    public bool Signed { get; init; }
    public required string Out { get; init; }

    public static EvaluateArguments Parse(IReadOnlyList<string> args)
    {
        var o = new OptionReader("evaluate", args,
            ["--network", "--gold", "--regulators", "--heldout-targets", "--heldout-regulators", "--exclude-prior*", "--out"],
            ["--signed"]);
        var parsed = new EvaluateArguments
        {
            Network = o.Required("--network"),
            Gold = o.Required("--gold"),
            Regulators = o.String("--regulators"),
            HeldOutTargets = o.String("--heldout-targets"),
            HeldOutRegulators = o.String("--heldout-regulators"),
            ExcludePriors = o.All("--exclude-prior"),
            Signed = o.Switch("--signed"),
            Out = o.Required("--out"),
        };
        if (parsed.HeldOutTargets is not null && parsed.HeldOutRegulators is not null)
            throw new UsageException("--heldout-targets and --heldout-regulators exclude each other: hold out targets or regulators");
        return parsed;
    }
}
