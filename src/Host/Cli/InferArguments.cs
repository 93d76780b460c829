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
    /// <summary>.h5ad: the layer to read instead of X.</summary>
    public string? Layer { get; init; }
    /// <summary>.h5ad: the var column with the gene names instead of var's index.</summary>
    public string? VarNames { get; init; }
    public required string Regulators { get; init; }
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

    private static readonly string[] Valued =
    [
        "--expression", "--genes", "--layer", "--var-names", "--regulators", "--targets", "--prior*", "--prior-mode", "--prior-weight",
        "--method", "--l1-ratio", "--alpha", "--path", "--path-min-ratio", "--select", "--tol", "--max-sweeps",
        "--precision", "--threads", "--seed", "--path-coef-index", "--path-coef-out", "--timings", "--out",
    ];

    public static InferArguments Parse(IReadOnlyList<string> args)
    {
        var o = new OptionReader("infer", args, Valued, ["--genes-by-cells"]);
        string expression = o.Required("--expression");
        string regulators = o.Required("--regulators");
        string output = o.Required("--out");

        var priors = o.All("--prior");
        var modeText = o.Choice("--prior-mode", "mask", "weight");
        if (priors.Count == 0 && modeText is not null) throw new UsageException("--prior-mode needs at least one --prior FILE");
        if (priors.Count == 0 && o.Has("--prior-weight")) throw new UsageException("--prior-weight needs at least one --prior FILE");
        var mode = priors.Count == 0 ? PriorMode.None : modeText == "mask" ? PriorMode.Mask : PriorMode.Weight;
        double priorWeight = mode == PriorMode.Mask
            ? o.Double("--prior-weight", w => w > 0 && double.IsFinite(w), "a finite number > 0") ?? 1.0
            : o.Double("--prior-weight", w => w > 0 && w <= 1, "in (0, 1] in weight mode") ?? 0.5;

        string method = o.Choice("--method", "lasso", "elasticnet", "ridge") ?? "elasticnet";
        if (o.Has("--l1-ratio") && method != "elasticnet") throw new UsageException($"--l1-ratio applies only to --method elasticnet (got --method {method})");
        double l1 = method switch
        {
            "lasso" => 1.0,
            "ridge" => 0.0,
            _ => o.Double("--l1-ratio", r => r >= 0 && r <= 1, "in [0, 1]") ?? 0.5,
        };

        double? alpha = o.Double("--alpha", a => a >= 0 && double.IsFinite(a), "a finite number >= 0");
        if (alpha is not null && (o.Has("--path") || o.Has("--path-min-ratio") || o.Has("--select")))
            throw new UsageException("--alpha fits one alpha; it cannot be combined with --path, --path-min-ratio or --select");
        int pathLength = o.Int("--path", k => k >= 1, "an integer >= 1") ?? 50;
        double minRatio = o.Double("--path-min-ratio", e => e > 0 && e <= 1, "in (0, 1]") ?? 1e-3;
        ModelSelection selection = new ModelSelection.Ebic();
        if (o.String("--select") is { } sel)
        {
            try { selection = ModelSelection.Parse(sel); }
            catch (ArgumentException) { throw new UsageException($"--select: '{sel}' is not valid; use ebic, ebic:GAMMA or cv:K with K >= 2"); }
        }

        int? snapshot = o.Int("--path-coef-index", i => i >= 0, "an integer >= 0");
        string? pathCoefOut = o.String("--path-coef-out");
        if (snapshot is null != pathCoefOut is null) throw new UsageException("--path-coef-index and --path-coef-out go together");
        if (snapshot is not null && alpha is not null) throw new UsageException("--path-coef-index needs a path; it cannot be combined with --alpha");
        if (snapshot >= pathLength) throw new UsageException($"--path-coef-index {snapshot} is beyond the path (--path {pathLength}: indexes 0..{pathLength - 1})");

        string? genes = o.String("--genes");
        bool genesByCells = o.Switch("--genes-by-cells");
        bool npy = IO.ExpressionReader.IsNpy(expression);
        if (genes is not null && !npy) throw new UsageException("--genes names the columns of .npy input; text input has gene names in its header");
        if (genesByCells && npy) throw new UsageException("--genes-by-cells applies to text input; .npy input must be cells x genes (transpose it in NumPy)");
        bool h5ad = IO.ExpressionReader.IsH5ad(expression);
        string? layer = o.String("--layer"), varNames = o.String("--var-names");
        if (genesByCells && h5ad) throw new UsageException("--genes-by-cells applies to text input; .h5ad input is cells x genes (obs x var)");
        if (layer is not null && !h5ad) throw new UsageException("--layer names a layer of .h5ad input (AnnData)");
        if (varNames is not null && !h5ad) throw new UsageException("--var-names names a var column of .h5ad input (AnnData)");

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
            SnapshotPathIndex = snapshot,
            Seed = o.Int("--seed", _ => true, "an integer") ?? 0,
        };
        try { options.Validate(); }
        catch (ArgumentOutOfRangeException e) { throw new UsageException($"invalid options: {e.Message}"); }

        return new InferArguments
        {
            Expression = expression,
            GenesByCells = genesByCells,
            GeneNames = genes,
            Layer = layer,
            VarNames = varNames,
            Regulators = regulators,
            Targets = o.String("--targets"),
            Priors = priors,
            PriorMode = mode,
            PriorWeight = priorWeight,
            Method = method,
            Options = options,
            Threads = o.Int("--threads", t => t >= 0, "an integer >= 0 (0 = all cores)") ?? 0,
            PathCoefOut = pathCoefOut,
            TimingsOut = o.String("--timings"),
            Out = output,
        };
    }
}
