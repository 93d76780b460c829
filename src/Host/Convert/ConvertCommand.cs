using System.Diagnostics;
using System.Globalization;
using GrnFast.IO;

// Not GrnFast.Host.Convert: that namespace would hide System.Convert from all code in GrnFast.Host.
namespace GrnFast.Host.Conversion;

/// <summary>
/// <c>grnfast convert IN OUT.arrows</c>: reads expression in any format <see cref="ExpressionReader"/> knows and writes
/// it as Arrow IPC streams that <c>infer</c> and the host memory-map without copying. Atomic: on any error nothing is
/// left at OUT (an existing OUT stays as it was).
/// </summary>
internal static class ConvertCommand
{
    public static int Run(ConvertArguments a, Log log, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        using var data = ExpressionReader.Read(a.Input, a.GenesByCells, a.GeneNames);
        log.Info($"read {a.Input}: {data.Cells} cells x {data.Genes} genes{(data.CellNames is null ? "" : ", with cell names")}");
        var r = ArrowExpressionWriter.Write(data, a.Output, a.Options, cancellation);
        log.Info($"wrote {Describe(r, a)} in {clock.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} s");
        return 0;
    }

    private static string Describe(ArrowWriteResult r, ConvertArguments a)
    {
        string layout = r.Sparse ? $"CSR, {r.NonZeros} stored values" : "dense float32";
        string batches = $"{r.Batches} record batch{(r.Batches == 1 ? "" : "es")} of up to {r.BatchCells} cell{(r.BatchCells == 1 ? "" : "s")}";
        if (r.BatchCells < a.Options.BatchCells && r.Batches > 1)
            batches += r.Sparse ? " (lowered so a densified block stays under 64 MB)" : " (lowered so a batch stays under 512 MiB and fits a part)";
        string where = r.IsDirectory
            ? $"{r.Path}/ as {r.Parts} parts of at most {Size(a.Options.PartBytes)} ({(a.PartBytesGiven ? "--part-bytes" : "the default --part-bytes; one file is mapped as one view")})"
            : $"{r.Path} (one file)";
        return $"{where}: {layout}, {batches}, {Size(r.Bytes)}";
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{(bytes / (double)(1L << 30)).ToString("F2", CultureInfo.InvariantCulture)} GiB",
        >= 1L << 20 => $"{(bytes / (double)(1L << 20)).ToString("F1", CultureInfo.InvariantCulture)} MiB",
        >= 1L << 10 => $"{(bytes / (double)(1L << 10)).ToString("F1", CultureInfo.InvariantCulture)} KiB",
        _ => $"{bytes} bytes",
    };
}
