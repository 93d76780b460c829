using GrnFast.Host.Cli;
using GrnFast.Solvers.ElasticNet;

namespace GrnFast.Host.Infer;

/// <summary>The validated model and prior settings of one inference, from the command line or a host request.</summary>
internal sealed record InferSettings
{
    public PriorMode PriorMode { get; init; }
    /// <summary>W: the weight of a listed pair in mask mode, the weight at confidence 1 in weight mode.</summary>
    public double PriorWeight { get; init; }
    public required string Method { get; init; }
    public required ElasticNetOptions Options { get; init; }
    public int Threads { get; init; }
    public bool GenesByCells { get; init; }
    /// <summary>The file naming the columns of an .npy expression matrix.</summary>
    public string? GeneNames { get; init; }
    /// <summary>.h5ad: the layer to read instead of X, and the var column naming the genes.</summary>
    public string? Layer { get; init; }
    public string? VarNames { get; init; }
    /// <summary>Set for --method celloracle.</summary>
    public CellOracleSettings? CellOracle { get; init; }
    /// <summary>Set for --method pmf-grn and joint.</summary>
    public PmfGrnSettings? PmfGrn { get; init; }
    /// <summary>Set for --method netrex-cf.</summary>
    public NetRexCfSettings? NetRex { get; init; }

    /// <summary>The inference these settings describe on the given inputs: the one place settings become a request.</summary>
    public InferRequest ToRequest(ExpressionInput expression, GeneListInput? regulators, GeneListInput? targets, IReadOnlyList<PriorInput> priors, int threads) => new()
    {
        Expression = expression,
        Regulators = regulators,
        Targets = targets,
        Priors = priors,
        PriorMode = PriorMode,
        PriorWeight = PriorWeight,
        Method = Method,
        Options = Options,
        Threads = threads,
        CellOracle = CellOracle,
        PmfGrn = PmfGrn,
        NetRex = NetRex,
    };
}

/// <summary>
/// The rules that turn option values into <see cref="InferSettings"/>: ranges, defaults and which options go
/// together. The command line and the host share them, so a request is accepted exactly when the same flags are.
/// </summary>
internal static class InferOptionRules
{
    /// <summary>The values of --method (sharding checks its list against this one: <see cref="Shard.ShardOptions"/>).</summary>
    public static readonly IReadOnlyList<string> Methods = ["lasso", "elasticnet", "ridge", "celloracle", "netrex-cf", "pmf-grn", "joint"];

    /// <param name="priorCount">How many prior sources were given.</param>
    /// <param name="expressionPath">The expression file, or null when the data comes inline (host).</param>
    public static InferSettings Read(IOptionValues o, int priorCount, string? expressionPath)
    {
        var modeText = o.Choice("--prior-mode", "mask", "weight");
        if (priorCount == 0 && modeText is not null) throw o.Invalid("--prior-mode", $"{o.Name("--prior-mode")} needs at least one {o.Name("--prior FILE")}");
        if (priorCount == 0 && o.Has("--prior-weight")) throw o.Invalid("--prior-weight", $"{o.Name("--prior-weight")} needs at least one {o.Name("--prior FILE")}");
        var mode = priorCount == 0 ? PriorMode.None : modeText == "mask" ? PriorMode.Mask : PriorMode.Weight;
        double priorWeight = mode == PriorMode.Mask
            ? o.Double("--prior-weight", w => w > 0 && double.IsFinite(w), "a finite number > 0") ?? 1.0
            : o.Double("--prior-weight", w => w > 0 && w <= 1, "in (0, 1] in weight mode") ?? 0.5;

        string method = o.Choice("--method", [.. Methods]) ?? "elasticnet";
        var cellOracle = CellOracleOptionRules.Read(o, method);
        var pmfGrn = PmfGrnOptionRules.Read(o, method);
        var netRex = NetRexCfOptionRules.Read(o, method, priorCount);
        if (o.Has("--l1-ratio") && method != "elasticnet")
            throw o.Invalid("--l1-ratio", $"{o.Name("--l1-ratio")} applies only to {o.Name("--method")} elasticnet (got {o.Name("--method")} {method})");
        double l1 = method switch
        {
            "lasso" => 1.0,
            "ridge" => 0.0,
            _ => o.Double("--l1-ratio", r => r >= 0 && r <= 1, "in [0, 1]") ?? 0.5,
        };

        double? alpha = o.Double("--alpha", a => a >= 0 && double.IsFinite(a), "a finite number >= 0");
        if (alpha is not null && (o.Has("--path") || o.Has("--path-min-ratio") || o.Has("--select")))
            throw o.Invalid("--alpha", $"{o.Name("--alpha")} fits one alpha; it cannot be combined with {o.Name("--path")}, {o.Name("--path-min-ratio")} or {o.Name("--select")}");
        int pathLength = o.Int("--path", k => k >= 1, "an integer >= 1") ?? 50;
        double minRatio = o.Double("--path-min-ratio", e => e > 0 && e <= 1, "in (0, 1]") ?? 1e-3;
        ModelSelection selection = new ModelSelection.Ebic();
        if (o.String("--select") is { } sel)
        {
            try { selection = ModelSelection.Parse(sel); }
            catch (ArgumentException) { throw o.Invalid("--select", $"{o.Name("--select")}: '{sel}' is not valid; use ebic, ebic:GAMMA or cv:K with K >= 2"); }
        }

        int? snapshot = o.Int("--path-coef-index", i => i >= 0, "an integer >= 0");
        string? pathCoefOut = o.String("--path-coef-out");
        if (snapshot is null != pathCoefOut is null) throw o.Invalid("--path-coef-index", "--path-coef-index and --path-coef-out go together");
        if (snapshot is not null && alpha is not null) throw o.Invalid("--path-coef-index", "--path-coef-index needs a path; it cannot be combined with --alpha");
        if (snapshot >= pathLength) throw o.Invalid("--path-coef-index", $"--path-coef-index {snapshot} is beyond the path (--path {pathLength}: indexes 0..{pathLength - 1})");

        string? genes = o.String("--genes");
        bool genesByCells = o.Switch("--genes-by-cells");
        string? layer = o.String("--layer"), varNames = o.String("--var-names");
        bool h5ad = expressionPath is not null && IO.ExpressionReader.IsH5ad(expressionPath);
        if (layer is not null && !h5ad) throw o.Invalid("--layer", $"{o.Name("--layer")} names a layer of .h5ad input (AnnData)");
        if (varNames is not null && !h5ad) throw o.Invalid("--var-names", $"{o.Name("--var-names")} names a var column of .h5ad input (AnnData)");
        if (expressionPath is null)
        {
            if (genes is not null) throw o.Invalid("--genes", $"{o.Name("--genes")} names the columns of an .npy file; an inline stream names its genes by its fields");
            if (genesByCells) throw o.Invalid("--genes-by-cells", $"{o.Name("--genes-by-cells")} applies to a text file; an inline stream is cells x genes");
        }
        else
        {
            bool npy = IO.ExpressionReader.IsNpy(expressionPath);
            if (genes is not null && !npy) throw o.Invalid("--genes", $"{o.Name("--genes")} names the columns of .npy input; text input has gene names in its header");
            if (genesByCells && npy) throw o.Invalid("--genes-by-cells", $"{o.Name("--genes-by-cells")} applies to text input; .npy input must be cells x genes (transpose it in NumPy)");
            if (genesByCells && h5ad) throw o.Invalid("--genes-by-cells", $"{o.Name("--genes-by-cells")} applies to text input; .h5ad input is cells x genes (obs x var)");
        }

        var solver = o.Choice("--solver", "auto", "cd", "homotopy", "homotopy-events") switch
        {
            "cd" => PathSolver.CoordinateDescent,
            "homotopy" => PathSolver.Homotopy,
            "homotopy-events" => PathSolver.HomotopyEvents,
            _ => PathSolver.Auto,
        };
        if (solver is PathSolver.Homotopy or PathSolver.HomotopyEvents && l1 != 1)
            throw o.Invalid("--solver", $"{o.Name("--solver")} {(solver == PathSolver.Homotopy ? "homotopy" : "homotopy-events")} solves the lasso only: use {o.Name("--method")} lasso (got l1 ratio {l1.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
        var options = new ElasticNetOptions
        {
            L1Ratio = l1,
            Alpha = alpha,
            PathLength = alpha is null ? pathLength : 1,
            PathMinRatio = minRatio,
            Selection = selection,
            Tolerance = o.Double("--tol", t => t > 0 && double.IsFinite(t), "a finite number > 0") ?? new ElasticNetOptions().Tolerance,
            MaxSweeps = o.Int("--max-sweeps", m => m >= 1, "an integer >= 1") ?? new ElasticNetOptions().MaxSweeps,
            Precision = o.Choice("--precision", "float64", "float32") == "float32" ? GramPrecision.Float32 : GramPrecision.Float64,
            Solver = solver,
            SnapshotPathIndex = snapshot,
            Seed = o.Int("--seed", _ => true, "an integer") ?? 0,
        };
        try { options.Validate(); }
        catch (ArgumentOutOfRangeException e) { throw o.Invalid(OptionOf(e.ParamName), $"invalid options: {e.Message}"); }

        return new InferSettings
        {
            PriorMode = mode,
            PriorWeight = priorWeight,
            Method = method,
            Options = options,
            Threads = o.Int("--threads", t => t >= 0, "an integer >= 0 (0 = all cores)") ?? 0,
            GenesByCells = genesByCells,
            GeneNames = genes,
            Layer = layer,
            VarNames = varNames,
            CellOracle = cellOracle,
            PmfGrn = pmfGrn,
            NetRex = netRex,
        };
    }

    /// <summary>The option behind a property of <see cref="ElasticNetOptions"/> that failed validation.</summary>
    private static string OptionOf(string? property) => property switch
    {
        nameof(ElasticNetOptions.L1Ratio) => "--l1-ratio",
        nameof(ElasticNetOptions.Alpha) => "--alpha",
        nameof(ElasticNetOptions.PathLength) => "--path",
        nameof(ElasticNetOptions.PathMinRatio) => "--path-min-ratio",
        nameof(ElasticNetOptions.Tolerance) => "--tol",
        nameof(ElasticNetOptions.MaxSweeps) => "--max-sweeps",
        nameof(ElasticNetOptions.SnapshotPathIndex) => "--path-coef-index",
        nameof(ElasticNetOptions.Selection) => "--select",
        nameof(ElasticNetOptions.Solver) => "--solver",
        _ => "--method",
    };
}
