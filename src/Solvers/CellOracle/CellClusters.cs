namespace GrnFast.Solvers.CellOracle;

/// <summary>
/// A partition of (some of) the cells into labelled clusters; one network is fitted per cluster (CellOracle's
/// <c>cluster_name_for_GRN_unit</c>). Each cluster lists its cells (rows of the expression matrix) ascending.
/// </summary>
public sealed class CellClusters
{
    public CellClusters(IReadOnlyList<string> labels, IReadOnlyList<int[]> cells)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(cells);
        if (labels.Count != cells.Count) throw new ArgumentException($"{labels.Count} labels for {cells.Count} clusters", nameof(labels));
        if (labels.Count == 0) throw new ArgumentException("at least one cluster is needed", nameof(labels));
        if (labels.Distinct(StringComparer.Ordinal).Count() != labels.Count) throw new ArgumentException("cluster labels repeat", nameof(labels));
        var seen = new HashSet<int>();
        for (int g = 0; g < cells.Count; g++)
        {
            var c = cells[g] ?? throw new ArgumentNullException(nameof(cells));
            for (int i = 0; i < c.Length; i++)
            {
                if (c[i] < 0) throw new ArgumentOutOfRangeException(nameof(cells), c[i], "cell indices must be >= 0");
                if (i > 0 && c[i] <= c[i - 1]) throw new ArgumentException($"cluster '{labels[g]}': cells must be ascending and distinct", nameof(cells));
                if (!seen.Add(c[i])) throw new ArgumentException($"cell {c[i]} is in two clusters", nameof(cells));
            }
        }
        Labels = labels;
        Cells = cells;
    }

    public IReadOnlyList<string> Labels { get; }
    public IReadOnlyList<int[]> Cells { get; }
    public int Count => Labels.Count;

    /// <summary>Every one of <paramref name="cells"/> cells in one cluster.</summary>
    public static CellClusters All(int cells, string label = "all")
        => new([label], [Enumerable.Range(0, cells).ToArray()]);
}
