namespace GrnFast.Solvers.Data;

/// <summary>
/// Which columns of the expression matrix are regulators and which are target genes, and the per-edge
/// penalty weights. A target never regresses on itself: when a target column is also a regulator column,
/// that pair is excluded whatever the weights say.
/// </summary>
public sealed class RegulatorTargetProblem
{
    public RegulatorTargetProblem(int[] regulatorColumns, int[] targetColumns, PenaltyWeights weights)
    {
        ArgumentNullException.ThrowIfNull(regulatorColumns);
        ArgumentNullException.ThrowIfNull(targetColumns);
        ArgumentNullException.ThrowIfNull(weights);
        if (regulatorColumns.Distinct().Count() != regulatorColumns.Length) throw new ArgumentException("regulator columns repeat", nameof(regulatorColumns));
        if (targetColumns.Distinct().Count() != targetColumns.Length) throw new ArgumentException("target columns repeat", nameof(targetColumns));
        RegulatorColumns = regulatorColumns;
        TargetColumns = targetColumns;
        Weights = weights;
    }

    /// <summary>Column index in the expression matrix of each regulator.</summary>
    public int[] RegulatorColumns { get; }

    /// <summary>Column index in the expression matrix of each target gene.</summary>
    public int[] TargetColumns { get; }

    /// <summary>w_ij, indexed by position in <see cref="RegulatorColumns"/> and <see cref="TargetColumns"/>.</summary>
    public PenaltyWeights Weights { get; }

    /// <summary>
    /// For each target, its candidate regulators S_j (ascending positions in the regulator list: finite
    /// weight and not the target itself) and their weights. One pass over the explicit weights, so a hard
    /// mask costs its number of edges, not regulators x targets.
    /// </summary>
    public (int[] Regulators, double[] Weights)[] Candidates()
    {
        int q = RegulatorColumns.Length, t = TargetColumns.Length;
        var explicitByTarget = new List<(int Regulator, double Weight)>[t];
        foreach (var (r, j, w) in Weights.Entries)
        {
            if (r >= q) throw new ArgumentException($"penalty weight set for regulator {r}, but there are {q} regulators", nameof(Weights));
            if (j >= t) throw new ArgumentException($"penalty weight set for target {j}, but there are {t} targets", nameof(Weights));
            (explicitByTarget[j] ??= new()).Add((r, w));
        }
        var selfOf = new Dictionary<int, int>(q);
        for (int r = 0; r < q; r++) selfOf[RegulatorColumns[r]] = r;
        var result = new (int[], double[])[t];
        for (int j = 0; j < t; j++)
        {
            int self = selfOf.TryGetValue(TargetColumns[j], out var sr) ? sr : -1;
            var list = explicitByTarget[j];
            if (double.IsPositiveInfinity(Weights.DefaultWeight))
            {
                if (list is null) { result[j] = ([], []); continue; }
                list.Sort((a, b) => a.Regulator.CompareTo(b.Regulator));
                var regs = new List<int>(list.Count);
                var ws = new List<double>(list.Count);
                foreach (var (r, w) in list)
                    if (r != self && double.IsFinite(w)) { regs.Add(r); ws.Add(w); }
                result[j] = (regs.ToArray(), ws.ToArray());
            }
            else
            {
                var w = new double[q];
                Array.Fill(w, Weights.DefaultWeight);
                if (list is not null) foreach (var (r, wr) in list) w[r] = wr;
                int count = 0;
                for (int r = 0; r < q; r++) if (r != self && double.IsFinite(w[r])) count++;
                var regs = new int[count];
                var ws = new double[count];
                for (int r = 0, k = 0; r < q; r++)
                    if (r != self && double.IsFinite(w[r])) { regs[k] = r; ws[k++] = w[r]; }
                result[j] = (regs, ws);
            }
        }
        return result;
    }
}
