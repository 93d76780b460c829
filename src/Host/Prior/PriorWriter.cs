using GrnFast.IO;
using GrnFast.Solvers.Priors;

namespace GrnFast.Host.Prior;

/// <summary>
/// Writes a generated prior as TSV <c>regulator target weight</c> (the layout <c>infer --prior</c> reads), sorted by
/// weight descending, then regulator, then target (ordinal), atomically; and held-out gene lists one name per line.
/// </summary>
internal static class PriorWriter
{
    public static void Write(string path, IEnumerable<RegulatoryEdge> edges)
    {
        var sorted = edges.ToArray();
        Array.Sort(sorted, (a, b) =>
        {
            int c = b.Weight.CompareTo(a.Weight);
            return c != 0 ? c : RegulatoryEdge.CompareByPair(a, b);
        });
        AtomicFile.WriteText(path, w =>
        {
            w.Write("regulator\ttarget\tweight\n");
            foreach (var e in sorted) w.Write($"{e.Regulator}\t{e.Target}\t{NetworkWriter.Format(e.Weight)}\n");
        });
    }

    public static void WriteGenes(string path, string comment, IEnumerable<string> genes)
        => AtomicFile.WriteText(path, w =>
        {
            w.Write($"# {comment}\n");
            foreach (var g in genes) w.Write($"{g}\n");
        });
}
