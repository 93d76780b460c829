using System.Diagnostics;
using GrnFast.Host.Cli;
using GrnFast.Host.Shard;
using GrnFast.IO;
using GrnFast.Kernels.Blas;
using GrnFast.Solvers;
using GrnFast.Solvers.Data;
using GrnFast.Solvers.ElasticNet;
using GrnFast.Solvers.Results;

namespace GrnFast.Host.Infer;

/// <summary>What one inference produced: the edges (unsorted), the fit behind them and the figures of the run.</summary>
internal sealed record InferOutcome
{
    /// <summary>Every edge with nonzero importance, in target order (writers sort them).</summary>
    public required List<NetworkEdge> Edges { get; init; }
    public required GrnFitResult Fit { get; init; }
    public required RegulatorTargetProblem Problem { get; init; }
    public required IReadOnlyList<string> GeneNames { get; init; }
    public required int Cells { get; init; }
    public required int Genes { get; init; }
    public required int Threads { get; init; }
    public required string Blas { get; init; }
    /// <summary>Seconds reading the data, gene lists and priors (without the moments).</summary>
    public required double Load { get; init; }
    /// <summary>Seconds for the per-gene moments plus the solver's standardisation.</summary>
    public required double Standardize { get; init; }
    /// <summary>The shard fitted, when the request asked for one.</summary>
    public ShardSelection? Shard { get; init; }

    /// <summary>--method celloracle: the links table (CellOracle's columns) behind <see cref="Edges"/>.</summary>
    public CellOracleLinks? CellOracle { get; init; }

    /// <summary>A method's own one-line summary (pmf-grn, joint), replacing the per-target certificate summary.</summary>
    public string? MethodSummary { get; init; }

    /// <summary>
    /// An outcome with what every method reports the same way: the data's genes and size, the threads, the BLAS and the
    /// load and standardise seconds. Method-specific fields (summary, links, shard) are set with <c>with</c>.
    /// </summary>
    public static InferOutcome Of(List<NetworkEdge> edges, GrnFitResult fit, RegulatorTargetProblem problem, ExpressionData data, SolverContext context,
        IBlas blas, double load, double standardize) => new()
    {
        Edges = edges,
        Fit = fit,
        Problem = problem,
        GeneNames = data.GeneNames,
        Cells = data.Cells,
        Genes = data.Genes,
        Threads = context.Threads,
        Blas = blas.Name,
        Load = load,
        Standardize = standardize,
    };

    /// <summary>"100 targets fitted, 512 edges; all converged (...)".</summary>
    public string Summary => MethodSummary ?? CellOracle?.Summary ?? NetworkEdges.Summary(Fit, Edges.Count, Problem, GeneNames);
}

/// <summary>
/// Load, select genes, build the prior penalty, fit: the one inference pipeline behind <c>grnfast infer</c> and
/// the host's <c>infer</c> request. Writing the result is the caller's.
/// </summary>
internal static class InferPipeline
{
    /// <param name="progress">Receives (targets fitted, targets) while fitting; may be null.</param>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellation"/> fired; nothing is returned.</exception>
    public static InferOutcome Run(InferRequest r, Log log, CancellationToken cancellation, IProgress<(int Done, int Total)>? progress = null)
    {
        ExpressionData? opened = null;
        InferOutcome outcome;
        try
        {
            outcome = Fit(r, log, cancellation, progress, ref opened);
        }
        catch
        {
            opened?.Dispose();
            throw;
        }
        // Closing the expression file (unmapping D1's 40 MB took ~12 ms) is the file's I/O: timed into load, not the fit.
        var unmap = Stopwatch.StartNew();
        opened?.Dispose();
        return outcome with { Load = outcome.Load + unmap.Elapsed.TotalSeconds };
    }

    private static InferOutcome Fit(InferRequest r, Log log, CancellationToken cancellation, IProgress<(int Done, int Total)>? progress, ref ExpressionData? opened)
    {
        var clock = Stopwatch.StartNew();
        var data = r.Expression switch
        {
            ExpressionInput.File f => opened = ExpressionReader.Read(f.Path, f.GenesByCells, f.GeneNames, f.Layer, f.VarNames),
            ExpressionInput.InMemory m => m.Data,
            _ => throw new InvalidOperationException(r.Expression.GetType().Name),
        };
        var columns = GeneSelection.ColumnIndex(data);
        // The moments are the first half of standardising: timed as such, so "standardize" in --timings
        // covers everything a peer's standardisation step does.
        var momentsClock = Stopwatch.StartNew();
        var moments = data.Single is { } s ? ExpressionMoments.Compute(s, r.Threads)
            : data.Double is { } d ? ExpressionMoments.Compute(d, r.Threads)
            : ExpressionMoments.Compute(data.Blocks!, r.Threads, cancellation);
        double momentsSeconds = momentsClock.Elapsed.TotalSeconds;
        log.Info($"{data.Source}: {data.Cells} cells x {data.Genes} genes ({(data.Double is null ? "float32" : "float64")}{(data.Blocks is { } blocks ? $", {blocks.Blocks.Count} blocks" : "")}{(data.IsMemoryMapped ? ", memory-mapped" : "")})");
        cancellation.ThrowIfCancellationRequested();

        if (r.Method == "celloracle" && r.CellOracle is null)
            throw new InvalidOperationException("celloracle: the request carries no CellOracle settings");
        if (r.CellOracle is { } cellOracle)
            return CellOracleRun.Run(r, cellOracle, data, columns, moments, momentsSeconds, clock, log, cancellation, progress);
        if (PmfGrnOptionRules.IsVariational(r.Method))
            return PmfGrnRun.Run(r, r.PmfGrn ?? throw new InvalidOperationException($"{r.Method}: the request carries no PmfGrn settings"),
                data, columns, moments, momentsSeconds, clock, log, cancellation);
        if (r.Method == "netrex-cf" && r.NetRex is null)
            throw new InvalidOperationException("netrex-cf: the request carries no NetRex settings");
        if (r.NetRex is { } netRex)
            return NetRexRun.Run(r, netRex, data, columns, moments, momentsSeconds, clock, log, cancellation);
        var regulators = GeneSelection.Regulators((r.Regulators ?? throw new InvalidOperationException("regulators are required")).Read(log), data, columns, moments, log);
        var targets = GeneSelection.Targets(r.Targets?.Read(log), data, columns, moments, log);
        var sources = r.Priors.Select(p => p.Read()).ToList();
        var weights = PriorPenalty.Build(sources, r.PriorMode, r.PriorWeight, columns, regulators, targets, log);
        var problem = new RegulatorTargetProblem(regulators, targets, weights);
        ShardSelection? shard = null;
        if (r.Shard is { } spec) (problem, shard) = ShardPlan.Select(problem, spec, data.GeneNames);
        double load = clock.Elapsed.TotalSeconds - momentsSeconds;
        cancellation.ThrowIfCancellationRequested();

        // The cross-products use the managed GEMM: its bits for a column of C depend only on that column, not on
        // the other columns of the call nor the thread count, so a shard computes exactly the columns an unsharded
        // run does (native OpenBLAS does not: on D1, 1 vs 2 threads changed 61 % of C, a column subset 0.6 %).
        IBlas blas = new ManagedBlas(r.Threads);
        var context = new SolverContext(blas, r.Threads, cancellation) { Progress = progress };
        log.Info($"fitting {problem.TargetColumns.Length} targets on {regulators.Length} regulators ({r.Method}, rho {r.Options.L1Ratio:G3}, "
            + (r.Options.Alpha is { } alpha ? $"alpha {alpha:G4}" : $"path of {r.Options.PathLength}, {SelectionName(r.Options.Selection)}")
            + $"; {context.Threads} threads, BLAS {blas.Name})");
        GrnFitResult result;
        try
        {
            result = data.Single is { } x ? ElasticNetGrn.Fit(x, problem, r.Options, context, moments)
                : data.Double is { } xd ? ElasticNetGrn.Fit(xd, problem, r.Options, context, moments)
                : ElasticNetGrn.Fit(data.Blocks!, problem, r.Options, context, moments);
        }
        catch (ArgumentException e) when (e is not ArgumentNullException)
        {
            // The solver rejects data it cannot fit (e.g. fewer cells than CV folds): an input problem, not a crash.
            throw new InputFormatException(data.Source, null, StripParameter(e));
        }
        // A cancelled fit returns targets marked Cancelled; none of them is a result.
        cancellation.ThrowIfCancellationRequested();

        return InferOutcome.Of(NetworkEdges.From(result, problem, data.GeneNames, context.Threads), result, problem, data, context, blas, load,
            momentsSeconds + result.Timings.Standardize) with { Shard = shard };
    }

    private static string SelectionName(ModelSelection s) => s switch
    {
        ModelSelection.Ebic e => $"EBIC gamma {e.Gamma:G3}",
        ModelSelection.CrossValidation cv => $"{cv.Folds}-fold CV",
        _ => s.ToString(),
    };

    private static string StripParameter(ArgumentException e)
        => e.ParamName is { } p ? e.Message.Replace($" (Parameter '{p}')", "", StringComparison.Ordinal) : e.Message;
}
