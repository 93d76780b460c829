using System.Diagnostics;
using GrnFast.Host.Cli;
using GrnFast.IO;

namespace GrnFast.Host.Infer;

/// <summary><c>grnfast infer</c>: the shared <see cref="InferPipeline"/>, then the network, path and timings files.</summary>
internal static class InferCommand
{
    public static int Run(InferArguments a, Log log, CancellationToken cancellation)
    {
        if (a.Shard is not null) return Shard.ShardCommand.Run(a, log, cancellation);
        var total = Stopwatch.StartNew();
        var request = a.ToRequest();
        ElasticNetWarmup.Start(request);
        var outcome = InferPipeline.Run(request, log, cancellation);

        var clock = Stopwatch.StartNew();
        if (outcome.CellOracle is { } links) links.Write(a.Out, a.CellOracle?.Filter?.Weight ?? LinkWeight.CoefAbs);
        else NetworkWriter.Write(a.Out, outcome.Edges);
        if (a.PathCoefOut is not null) NetworkWriter.WritePathCoefficients(a.PathCoefOut, NetworkEdges.Snapshot(outcome.Fit, outcome.Problem, outcome.GeneNames));
        double write = clock.Elapsed.TotalSeconds;

        log.Info($"{outcome.Summary} -> {a.Out}");
        if (a.TimingsOut is not null)
        {
            var t = outcome.Fit.Timings;
            new RunTimings(outcome.Load, outcome.Standardize, t.Gram, t.Solve, write, total.Elapsed.TotalSeconds,
                outcome.Cells, outcome.Genes, outcome.Problem.RegulatorColumns.Length, outcome.Problem.TargetColumns.Length,
                outcome.Threads, outcome.Blas).WriteJson(a.TimingsOut);
        }
        return 0;
    }
}
