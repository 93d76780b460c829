using System.Diagnostics;
using GrnFast.Host.Infer;
using GrnFast.IO;

namespace GrnFast.Host.Serve;

/// <summary>
/// Runs one <see cref="InferJob"/> through the shared <see cref="InferPipeline"/> and answers it: a <c>result</c>
/// with the network as an Arrow stream (or written to the requested path), or an <c>error</c>. Never throws: a
/// failure of the worker must not end the session.
/// </summary>
internal sealed class InferRunner(FrameWriter writer, TextWriter stderr)
{
    public void Run(InferJob job)
    {
        var log = new Log(new RequestLogWriter(stderr, job.Id));
        try
        {
            if (job.Cancellation.IsCancellationRequested) throw new OperationCanceledException(job.Cancellation);
            var total = Stopwatch.StartNew();
            var progress = job.Progress ? new ProgressFrames(writer, job.Id, job.Cancellation) : null;
            var outcome = InferPipeline.Run(job.Request, log, job.Cancellation, progress);

            job.Cancellation.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            byte[]? network = null;
            // celloracle: CellOracle's links table (its columns, p-values included) in place of the network.
            var links = outcome.CellOracle;
            var order = job.Request.CellOracle?.Filter?.Weight ?? LinkWeight.CoefAbs;
            if (job.OutputPath is { } path)
            {
                if (links is null) NetworkWriter.Write(path, outcome.Edges);
                else if (NetworkWriter.IsArrow(path)) AtomicOutput.WriteFile(path, s => CellOracleLinksArrow.Write(s, links, order));
                else links.Write(path, order);
            }
            else
            {
                using var buffer = new MemoryStream();
                if (links is null) NetworkArrow.Write(buffer, outcome.Edges);
                else CellOracleLinksArrow.Write(buffer, links, order);
                network = buffer.ToArray();
            }
            double write = clock.Elapsed.TotalSeconds;

            var r = Response.Result(job.Id, "infer");
            var json = r.Json;
            json.WriteNumber("edges", outcome.Edges.Count);
            json.WriteNumber("targets", outcome.Problem.TargetColumns.Length);
            json.WriteNumber("regulators", outcome.Problem.RegulatorColumns.Length);
            json.WriteNumber("cells", outcome.Cells);
            json.WriteNumber("genes", outcome.Genes);
            json.WriteNumber("notConverged", outcome.Fit.NotConverged.Count());
            json.WriteNumber("threads", outcome.Threads);
            json.WriteString("blas", outcome.Blas);
            json.WriteStartObject("timings");
            json.WriteNumber("load", outcome.Load);
            json.WriteNumber("standardize", outcome.Standardize);
            json.WriteNumber("gram", outcome.Fit.Timings.Gram);
            json.WriteNumber("solve", outcome.Fit.Timings.Solve);
            json.WriteNumber("write", write);
            json.WriteNumber("total", total.Elapsed.TotalSeconds);
            json.WriteEndObject();
            if (job.OutputPath is not null) json.WriteString("output", job.OutputPath);
            else r.AddStream("network", network);
            log.Info($"{outcome.Summary}{(job.OutputPath is null ? "" : $" -> {job.OutputPath}")}");
            writer.Send(r);
        }
        catch (Exception e)
        {
            writer.Send(ErrorFor(job, e, log));
        }
    }

    private Response ErrorFor(InferJob job, Exception e, Log log)
    {
        switch (e)
        {
            case OperationCanceledException when job.Cancellation.IsCancellationRequested:
                log.Info("cancelled");
                return Response.Error(job.Id, ErrorCode.Cancelled, "the request was cancelled");
            case RequestException r:
                return Response.Error(job.Id, r);
            case InputFormatException f:
                var data = new List<(string, object?)> { ("file", f.File) };
                if (f.Line is { } line) data.Add(("line", line));
                if (f.Field is { } column) data.Add(("column", column));
                if (f.Gene is { } gene) data.Add(("gene", gene));
                return Response.Error(job.Id, ErrorCode.BadInput, f.Message, data);
            case InputFieldException f:
                return Response.Error(job.Id, ErrorCode.BadInput, f.Message, f.Gene is null ? [("field", f.Field)] : [("field", f.Field), ("gene", f.Gene)]);
            case FileNotFoundException f:
                return Response.Error(job.Id, ErrorCode.BadInput, f.Message, [("file", f.FileName)]);
            case IOException or UnauthorizedAccessException:
                return Response.Error(job.Id, ErrorCode.BadInput, e.Message);
            case InvalidOperationException when e.Message.Contains(Kernels.Blas.BlasResolver.EnvironmentVariable, StringComparison.Ordinal):
                return Response.Error(job.Id, ErrorCode.BadInput, e.Message, [("environment", Kernels.Blas.BlasResolver.EnvironmentVariable)]);
            default:
                // A bug: the client gets the gist, stderr the whole story.
                stderr.WriteLine($"[{job.Id}] grnfast: internal error: {e}");
                return Response.Error(job.Id, ErrorCode.Internal, $"internal error: {e.GetType().Name}: {e.Message}");
        }
    }
}
