using System.Globalization;

namespace GrnFast.IO;

/// <summary>
/// One inferred edge regulator -> target with its importance (ranking score) and coefficient; <see cref="Std"/> is the
/// posterior standard deviation of the importance for methods that have one (pmf-grn, joint), written as a fifth TSV column.
/// </summary>
public readonly record struct NetworkEdge(string Regulator, string Target, double Importance, double Coefficient, double? Std = null);

/// <summary>One coefficient of a target's path at a given alpha.</summary>
public readonly record struct PathCoefficient(string Regulator, string Target, double Alpha, double Coefficient);

/// <summary>
/// Writes networks as TSV (arboreto/pySCENIC convention): header <c>TF target importance coef</c>, rows sorted by
/// importance descending, ties by TF then target (ordinal), numbers in invariant round-trip format (plus a <c>std</c>
/// column when every edge carries one); or, when the path
/// ends in <c>.arrows</c>, the same table as an Arrow IPC stream (<see cref="NetworkArrow"/>). Written atomically.
/// </summary>
public static class NetworkWriter
{
    /// <summary>The order of rows in the output: importance descending, then TF, then target (ordinal).</summary>
    public static int Compare(NetworkEdge a, NetworkEdge b)
    {
        int c = b.Importance.CompareTo(a.Importance);
        if (c != 0) return c;
        c = string.CompareOrdinal(a.Regulator, b.Regulator);
        return c != 0 ? c : string.CompareOrdinal(a.Target, b.Target);
    }

    /// <summary>The order of path-coefficient rows: target, then |coef| descending, then TF (ordinal).</summary>
    public static int ComparePathCoefficients(PathCoefficient a, PathCoefficient b)
    {
        int c = string.CompareOrdinal(a.Target, b.Target);
        if (c != 0) return c;
        c = Math.Abs(b.Coefficient).CompareTo(Math.Abs(a.Coefficient));
        return c != 0 ? c : string.CompareOrdinal(a.Regulator, b.Regulator);
    }

    /// <summary>True when <paramref name="path"/> names an Arrow IPC stream file (<c>.arrows</c>).</summary>
    public static bool IsArrow(string path) => path.EndsWith(".arrows", StringComparison.OrdinalIgnoreCase);

    public static void Write(string path, IEnumerable<NetworkEdge> edges)
    {
        if (IsArrow(path))
        {
            AtomicOutput.WriteFile(path, s => NetworkArrow.Write(s, edges));
            return;
        }
        var sorted = edges.ToArray();
        Array.Sort(sorted, Compare);
        AtomicFile.WriteText(path, w =>
        {
            bool std = sorted.Length > 0 && sorted.All(e => e.Std is not null);
            w.Write(std ? "TF\ttarget\timportance\tcoef\tstd\n" : "TF\ttarget\timportance\tcoef\n");
            foreach (var e in sorted)
                w.Write(std ? $"{e.Regulator}\t{e.Target}\t{Format(e.Importance)}\t{Format(e.Coefficient)}\t{Format(e.Std!.Value)}\n"
                    : $"{e.Regulator}\t{e.Target}\t{Format(e.Importance)}\t{Format(e.Coefficient)}\n");
        });
    }

    /// <summary>Writes <c>TF target alpha coef</c>, sorted by target, then |coef| descending, then TF.</summary>
    public static void WritePathCoefficients(string path, IEnumerable<PathCoefficient> rows)
    {
        if (IsArrow(path))
        {
            AtomicOutput.WriteFile(path, s => NetworkArrow.WritePathCoefficients(s, rows));
            return;
        }
        var sorted = rows.ToArray();
        Array.Sort(sorted, ComparePathCoefficients);
        AtomicFile.WriteText(path, w =>
        {
            w.Write("TF\ttarget\talpha\tcoef\n");
            foreach (var r in sorted)
                w.Write($"{r.Regulator}\t{r.Target}\t{Format(r.Alpha)}\t{Format(r.Coefficient)}\n");
        });
    }

    /// <summary>Shortest text that parses back to the same double, invariant culture.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
