using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using GrnFast.IO;

namespace GrnFast.Perf.Arrow;

/// <summary>
/// <c>GrnFast.Perf arrow-load PATH [--filestream]</c>: opens an expression stream (a .arrows file or a directory of
/// parts) the way <c>grnfast infer</c> does (<see cref="ExpressionReader.Read"/>), sums every column once, and prints
/// one JSON line: seconds, and how the process's memory grew, from /proc/self/status and smaps_rollup.
/// RssAnon / Private_Dirty are the process's own (private) memory; RssFile counts the mapped file's pages, which
/// belong to the page cache and are shared, not copied. <c>--filestream</c> reads the same parts with Apache.Arrow's
/// ArrowStreamReader over a FileStream instead, for comparison.
/// </summary>
internal static class ArrowLoadProbe
{
    public static int Run(string[] args)
    {
        if (args.Length < 1) { Console.Error.WriteLine("usage: GrnFast.Perf arrow-load PATH [--filestream]"); return 2; }
        string path = args[0];
        bool fileStream = args.Contains("--filestream");
        long fileBytes = ArrowExpressionReader.Parts(path).Sum(p => new FileInfo(p).Length);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = Memory.Now();
        var clock = Stopwatch.StartNew();
        double sum = 0, open = 0;
        long cells = 0;
        if (fileStream)
        {
            foreach (var part in ArrowExpressionReader.Parts(path))
            {
                using var stream = new FileStream(part, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                using var reader = new ArrowStreamReader(stream);
                while (reader.ReadNextRecordBatch() is { } batch)
                    using (batch)
                    {
                        cells += batch.Length;
                        foreach (var column in batch.Arrays)
                            if (column is FloatArray f) sum += TensorPrimitives.Sum(f.Values);
                    }
            }
            open = double.NaN;
        }
        else
        {
            using var data = ExpressionReader.Read(path);
            open = clock.Elapsed.TotalSeconds;
            cells = data.Cells;
            foreach (var block in data.Blocks!.Blocks)
            {
                using var cols = block.Open();
                for (int g = 0; g < cols.Genes; g++) sum += TensorPrimitives.Sum(cols.Column(g));
            }
            var during = Memory.Now(); // while the data is still open
            Print(path, "mapped", fileBytes, cells, open, clock.Elapsed.TotalSeconds, sum, before, during);
            return 0;
        }
        Print(path, "filestream", fileBytes, cells, open, clock.Elapsed.TotalSeconds, sum, before, Memory.Now());
        return 0;
    }

    private static void Print(string path, string reader, long fileBytes, long cells, double open, double total, double sum, Memory a, Memory b)
    {
        static string F(double x) => double.IsNaN(x) ? "null" : x.ToString("R", CultureInfo.InvariantCulture);
        Console.WriteLine(
            $"{{\"path\": \"{path}\", \"reader\": \"{reader}\", \"file_bytes\": {fileBytes}, \"cells\": {cells}, " +
            $"\"seconds_open\": {F(open)}, \"seconds_total\": {F(total)}, \"sum\": {F(sum)}, " +
            $"\"rss_anon_growth\": {b.RssAnon - a.RssAnon}, \"private_dirty_growth\": {b.PrivateDirty - a.PrivateDirty}, " +
            $"\"rss_file_growth\": {b.RssFile - a.RssFile}, \"private_growth_percent_of_file\": {F(100.0 * Math.Max(b.RssAnon - a.RssAnon, b.PrivateDirty - a.PrivateDirty) / fileBytes)}}}");
    }

    /// <summary>Bytes, from /proc/self/status (RssAnon, RssFile) and /proc/self/smaps_rollup (Private_Dirty).</summary>
    private readonly record struct Memory(long RssAnon, long RssFile, long PrivateDirty)
    {
        public static Memory Now() => new(Kb("/proc/self/status", "RssAnon:"), Kb("/proc/self/status", "RssFile:"), Kb("/proc/self/smaps_rollup", "Private_Dirty:"));

        private static long Kb(string file, string key)
        {
            foreach (var line in File.ReadLines(file))
                if (line.StartsWith(key, StringComparison.Ordinal))
                    return 1024 * long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            throw new InvalidOperationException($"{key} not in {file}");
        }
    }
}
