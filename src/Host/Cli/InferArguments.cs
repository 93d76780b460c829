using GrnFast.Host.Infer;
using GrnFast.Host.Shard;
using GrnFast.Solvers.ElasticNet;

namespace GrnFast.Host.Cli;

/// <summary>How prior edges enter the penalty.</summary>
internal enum PriorMode { None, Mask, Weight }

/// <summary>The validated arguments of <c>grnfast infer</c>.</summary>
internal sealed record InferArguments
{
    public required string Expression { get; init; }
    public bool GenesByCells { get; init; }
    public string? GeneNames { get; init; }
    /// <summary>.h5ad: the layer to read instead of X, and the var column naming the genes.</summary>
    public string? Layer { get; init; }
    public string? VarNames { get; init; }
    /// <summary>Null only for --method celloracle with --base-grn (the base GRN's TFs are the regulators).</summary>
    public string? Regulators { get; init; }
    public string? Targets { get; init; }
    public IReadOnlyList<string> Priors { get; init; } = [];
    public PriorMode PriorMode { get; init; }
    /// <summary>W: the weight of a listed pair in mask mode, the weight at confidence 1 in weight mode.</summary>
    public double PriorWeight { get; init; }
    public required string Method { get; init; }
    public required ElasticNetOptions Options { get; init; }
    public int Threads { get; init; }
    public string? PathCoefOut { get; init; }
    public string? TimingsOut { get; init; }
    public required string Out { get; init; }
    public CellOracleSettings? CellOracle { get; init; }
    public PmfGrnSettings? PmfGrn { get; init; }
    public NetRexCfSettings? NetRex { get; init; }
    /// <summary>--shard I/N: fit only that shard; <see cref="Out"/> is then the shard directory.</summary>
    public ShardSpec? Shard { get; init; }
    /// <summary>Every option as given (a shard's manifest records them).</summary>
    public IReadOnlyList<(string Name, string? Value)> Given { get; init; } = [];

    private static readonly string[] Valued =
    [
        "--expression", "--genes", "--layer", "--var-names", "--regulators", "--targets", "--prior*", "--prior-mode", "--prior-weight",
        "--method", "--l1-ratio", "--alpha", "--path", "--path-min-ratio", "--select", "--tol", "--max-sweeps",
        "--precision", "--solver", "--threads", "--seed", "--path-coef-index", "--path-coef-out", "--timings", "--out",
        .. CellOracleOptionRules.Valued,
        .. PmfGrnOptionRules.Valued,
        .. NetRexCfOptionRules.Valued,
        "--shard",
    ];

    public static InferArguments Parse(IReadOnlyList<string> args)
    {
        var o = new OptionReader("infer", args, Valued, ["--genes-by-cells"]);
        string expression = o.Required("--expression");
        string output = o.Required("--out");
        var priors = o.All("--prior");
        var s = InferOptionRules.Read(o, priors.Count, expression);
        // celloracle takes its regulators from the base GRN's TF columns unless a list is given.
        string? regulators = s.CellOracle is { BaseGrn: not null } ? o.String("--regulators") : o.Required("--regulators");
        if (s.CellOracle is not null && IO.NetworkWriter.IsArrow(output))
            throw new UsageException("--method celloracle writes CellOracle's links table as TSV (or CSV for .csv); --out cannot be .arrows");
        var shard = o.String("--shard") is { } shardText ? ShardSpec.Parse("--shard", shardText) : (ShardSpec?)null;
        if (shard is not null) ShardOptions.Check(s.Method, o.Has("--path-coef-out"));
        return new InferArguments
        {
            Expression = expression,
            GenesByCells = s.GenesByCells,
            GeneNames = s.GeneNames,
            Layer = s.Layer,
            VarNames = s.VarNames,
            Regulators = regulators,
            Targets = o.String("--targets"),
            Priors = priors,
            PriorMode = s.PriorMode,
            PriorWeight = s.PriorWeight,
            Method = s.Method,
            Options = s.Options,
            Threads = s.Threads,
            PathCoefOut = o.String("--path-coef-out"),
            TimingsOut = o.String("--timings"),
            Out = output,
            CellOracle = s.CellOracle,
            PmfGrn = s.PmfGrn,
            NetRex = s.NetRex,
            Shard = shard,
            Given = o.Given,
        };
    }

    /// <summary>The inference these arguments ask for, as the pipeline shared with the host takes it.</summary>
    public InferRequest ToRequest() => new()
    {
        Expression = new ExpressionInput.File(Expression, GenesByCells, GeneNames, Layer, VarNames),
        Regulators = Regulators is null ? null : new GeneListInput.File(Regulators),
        Targets = Targets is null ? null : new GeneListInput.File(Targets),
        Priors = Priors.Select(p => (PriorInput)new PriorInput.File(p)).ToArray(),
        PriorMode = PriorMode,
        PriorWeight = PriorWeight,
        Method = Method,
        Options = Options,
        Threads = Threads,
        CellOracle = CellOracle,
        PmfGrn = PmfGrn,
        NetRex = NetRex,
        Shard = Shard,
    };
}
