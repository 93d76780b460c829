using System.Globalization;
using System.Text;
using GrnFast.IO;

namespace GrnFast.Host.Shard;

/// <summary>
/// A shard's edges as a network TSV (header <c>TF target importance coef</c>, rows in <see cref="NetworkWriter.Compare"/>
/// order, numbers in round-trip format): a valid network file of its targets on its own, and parsed back to the
/// same doubles, so the merge writes the bytes an unsharded run writes.
/// </summary>
internal static class ShardPart
{
    public const string Header = "TF\ttarget\timportance\tcoef";

    /// <summary>
    /// Test hook for the fault tests: set to a shard index I, shard I stops half way through writing its part (the
    /// rows so far flushed to the temporary file) and waits to be killed, so a test can SIGKILL it mid-write.
    /// </summary>
    public const string StallVariable = "GRNFAST_TEST_STALL_SHARD_WRITE";

    /// <summary>Writes atomically (temporary file, fsync, rename).</summary>
    public static void Write(string path, ShardSpec shard, IEnumerable<NetworkEdge> edges, Log log)
    {
        var sorted = edges.ToArray();
        Array.Sort(sorted, NetworkWriter.Compare);
        bool stall = Environment.GetEnvironmentVariable(StallVariable) == shard.Index.ToString(CultureInfo.InvariantCulture);
        AtomicFile.WriteText(path, w =>
        {
            w.Write(Header + "\n");
            for (int i = 0; i < sorted.Length; i++)
            {
                if (stall && i == sorted.Length / 2) Stall(w, path, log);
                var e = sorted[i];
                w.Write($"{e.Regulator}\t{e.Target}\t{NetworkWriter.Format(e.Importance)}\t{NetworkWriter.Format(e.Coefficient)}\n");
            }
            if (stall && sorted.Length == 0) Stall(w, path, log);
        });
    }

    private static void Stall(TextWriter w, string path, Log log)
    {
        w.Flush();
        log.Warn($"{StallVariable}: stalled writing {path} (waiting to be killed)");
        Thread.Sleep(Timeout.Infinite);
    }

    /// <summary>Parses a part's bytes (already checked against its manifest).</summary>
    /// <exception cref="InvalidDataException">A malformed line, named by number.</exception>
    public static List<NetworkEdge> Parse(byte[] content, string path)
    {
        var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content);
        var lines = text.Split('\n');
        if (lines.Length < 2 || lines[0] != Header || lines[^1] != "")
            throw new InvalidDataException($"{path}: not a shard part (header '{Header}' and a final newline expected)");
        var edges = new List<NetworkEdge>(lines.Length - 2);
        for (int n = 1; n < lines.Length - 1; n++)
        {
            var f = lines[n].Split('\t');
            if (f.Length != 4
                || !double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double importance)
                || !double.TryParse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture, out double coef))
                throw new InvalidDataException($"{path}: line {n + 1} is not TF<TAB>target<TAB>importance<TAB>coef");
            edges.Add(new NetworkEdge(f[0], f[1], importance, coef));
        }
        return edges;
    }
}
