using GrnFast.Host.Cli;
using GrnFast.IO;

namespace GrnFast.Host.Infer;

/// <summary>
/// Prior (or evidence) edges, named by gene, resolved to positions in a run's regulator and target lists: the one
/// place that decides which pairs a method can use, and says per file why the others were left out.
/// </summary>
internal sealed class PriorPairs
{
    private readonly IReadOnlyDictionary<string, int> _columns;
    private readonly Dictionary<int, int> _regulator;
    private readonly Dictionary<int, int> _target;

    /// <param name="columns">Gene name to expression column.</param>
    /// <param name="regulatorColumns">The run's regulators (expression columns), in order.</param>
    /// <param name="targetColumns">The run's targets (expression columns), in order.</param>
    public PriorPairs(IReadOnlyDictionary<string, int> columns, int[] regulatorColumns, int[] targetColumns)
    {
        _columns = columns;
        _regulator = Positions(regulatorColumns);
        _target = Positions(targetColumns);
    }

    /// <summary>A usable edge: its positions in the regulator and target lists, and the edge as read.</summary>
    public readonly record struct Pair(int Regulator, int Target, PriorEdge Edge);

    /// <summary>
    /// The edges naming a listed regulator and a fitted target, self pairs excluded, in file order. Logs what was
    /// left out: pairs naming genes absent from the data (warned, with the first few genes), regulators not in the
    /// list (warned), targets not fitted and self loops (noted).
    /// </summary>
    public List<Pair> Resolve(string path, IReadOnlyList<PriorEdge> edges, Log log)
    {
        var pairs = new List<Pair>(edges.Count);
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        int missingPairs = 0, notRegulator = 0, notTarget = 0, self = 0;
        foreach (var e in edges)
        {
            bool hasRegulator = _columns.TryGetValue(e.Regulator, out int rc);
            bool hasTarget = _columns.TryGetValue(e.Target, out int tc);
            if (!hasRegulator || !hasTarget)
            {
                missingPairs++;
                if (!hasRegulator) missing.Add(e.Regulator);
                if (!hasTarget) missing.Add(e.Target);
                continue;
            }
            if (rc == tc) { self++; continue; }
            if (!_regulator.TryGetValue(rc, out int r)) { notRegulator++; continue; }
            if (!_target.TryGetValue(tc, out int t)) { notTarget++; continue; }
            pairs.Add(new Pair(r, t, e));
        }
        if (missingPairs > 0)
            log.Warn($"{path}: {missingPairs} pairs name genes absent from the data ({missing.Count} genes: {Log.FirstFew(missing)})");
        if (notRegulator > 0)
            log.Warn($"{path}: {notRegulator} pairs have a regulator that is not in the regulator list (or was dropped)");
        if (notTarget > 0)
            log.Info($"{path}: {notTarget} pairs have a target that is not fitted");
        if (self > 0)
            log.Info($"{path}: {self} self loops ignored");
        return pairs;
    }

    private static Dictionary<int, int> Positions(int[] columns)
    {
        var d = new Dictionary<int, int>(columns.Length);
        for (int i = 0; i < columns.Length; i++) d[columns[i]] = i;
        return d;
    }
}
