using System.Diagnostics;
using GrnFast.Host.Cli;
using GrnFast.IO;
using GrnFast.Kernels.Blas;
using GrnFast.Solvers;
using GrnFast.Solvers.Data;
using GrnFast.Solvers.ElasticNet;
using GrnFast.Solvers.Results;

namespace GrnFast.Host.Infer;

/// <summary><c>grnfast infer</c>: load, select genes, build the prior penalty, fit, write.</summary>
internal static class InferCommand
{
    public static int Run(InferArguments a, Log log, CancellationToken cancellation)
    {
        var total = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        using var data = ExpressionReader.Read(a.Expression, a.GenesByCells, a.GeneNames, a.Layer, a.VarNames);
        var columns = GeneSelection.ColumnIndex(data);
        // The moments are the first half of standardising: timed as such, so "standardize" in --timings
        // covers everything a peer's standardisation step does.
        var momentsClock = Stopwatch.StartNew();
        var moments = data.Single is { } s ? ExpressionMoments.Compute(s, a.Threads)
            : data.Double is { } d ? ExpressionMoments.Compute(d, a.Threads)
            : ExpressionMoments.Compute(data.Blocks!, a.Threads, cancellation);
        double momentsSeconds = momentsClock.Elapsed.TotalSeconds;
        log.Info($"{data.Source}: {data.Cells} cells x {data.Genes} genes ({(data.Double is null ? "float32" : "float64")}{(data.Blocks is { } blocks ? $", {blocks.Blocks.Count} blocks" : "")}{(data.IsMemoryMapped ? ", memory-mapped" : "")})");

        var regulators = GeneSelection.Regulators(a.Regulators, NameListReader.Read(a.Regulators, log.Warn), data, columns, moments, log);
        var targets = GeneSelection.Targets(a.Targets, a.Targets is null ? null : NameListReader.Read(a.Targets, log.Warn), data, columns, moments, log);
        var sources = a.Priors.Select(PriorReader.Read).ToList();
        var weights = PriorPenalty.Build(sources, a.PriorMode, a.PriorWeight, columns, regulators, targets, log);
        var problem = new RegulatorTargetProblem(regulators, targets, weights);
        double load = clock.Elapsed.TotalSeconds - momentsSeconds;

        var blas = BlasResolver.Resolve(a.Threads);
        var context = new SolverContext(blas, a.Threads, cancellation);
        log.Info($"fitting {targets.Length} targets on {regulators.Length} regulators ({a.Method}, rho {a.Options.L1Ratio:G3}, "
            + (a.Options.Alpha is { } alpha ? $"alpha {alpha:G4}" : $"path of {a.Options.PathLength}, {SelectionName(a.Options.Selection)}")
            + $"; {context.Threads} threads, BLAS {blas.Name})");
        GrnFitResult result;
        try
        {
            result = data.Single is { } x ? ElasticNetGrn.Fit(x, problem, a.Options, context, moments)
                : data.Double is { } xd ? ElasticNetGrn.Fit(xd, problem, a.Options, context, moments)
                : ElasticNetGrn.Fit(data.Blocks!, problem, a.Options, context, moments);
        }
        catch (ArgumentException e) when (e is not ArgumentNullException)
        {
            // The solver rejects data it cannot fit (e.g. fewer cells than CV folds): an input problem, not a crash.
            throw new InputFormatException(a.Expression, null, StripParameter(e));
        }

        clock.Restart();
        var edges = NetworkEdges.From(result, problem, data.GeneNames);
        NetworkWriter.Write(a.Out, edges);
        if (a.PathCoefOut is not null) NetworkWriter.WritePathCoefficients(a.PathCoefOut, NetworkEdges.Snapshot(result, problem, data.GeneNames));
        double write = clock.Elapsed.TotalSeconds;

        log.Info($"{NetworkEdges.Summary(result, edges.Count, problem, data.GeneNames)} -> {a.Out}");
        if (a.TimingsOut is not null)
        {
            var t = result.Timings;
            new RunTimings(load, momentsSeconds + t.Standardize, t.Gram, t.Solve, write, total.Elapsed.TotalSeconds,
                data.Cells, data.Genes, regulators.Length, targets.Length, context.Threads, blas.Name).WriteJson(a.TimingsOut);
        }
        return 0;
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
