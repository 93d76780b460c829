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
    /// weight and not the target itself) and their weights. A hard mask costs its number of edges, not
    /// regulators x targets: the explicit weights are bucketed by target (counting sort) and each bucket is
    /// sorted by regulator, with no per-target lists or comparison delegates (it runs serially before the
    /// parallel fits: on D1's 100 000 edges, lists and a lambda sort took 10-20 ms).
    /// </summary>
    /// <param name="threads">Threads for the per-target part (each target's bucket is its own; the result does not depend on it).</param>
    public (int[] Regulators, double[] Weights)[] Candidates(int threads = 1)
    {
        int q = RegulatorColumns.Length, t = TargetColumns.Length;
        var stored = Weights.Stored;
        var start = new int[t + 1];
        foreach (var (key, _) in stored)
        {
            int r = (int)(uint)key, j = (int)(key >> 32);
            if (r >= q) throw new ArgumentException($"penalty weight set for regulator {r}, but there are {q} regulators", nameof(Weights));
            if (j >= t) throw new ArgumentException($"penalty weight set for target {j}, but there are {t} targets", nameof(Weights));
            start[j + 1]++;
        }
        for (int j = 0; j < t; j++) start[j + 1] += start[j];
        var regulator = new int[stored.Count];
        var weight = new double[stored.Count];
        var next = start[..t];
        foreach (var (key, w) in stored)
        {
            int at = next[(int)(key >> 32)]++;
            regulator[at] = (int)(uint)key;
            weight[at] = w;
        }

        var selfOf = new Dictionary<int, int>(q);
        for (int r = 0; r < q; r++) selfOf[RegulatorColumns[r]] = r;
        bool mask = double.IsPositiveInfinity(Weights.DefaultWeight);
        var result = new (int[], double[])[t];
        Parallel.For(0, t, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, () => mask ? null : new double[q], (j, _, dense) =>
        {
            int self = selfOf.TryGetValue(TargetColumns[j], out var sr) ? sr : -1;
            int from = start[j], n = start[j + 1] - from;
            if (mask)
            {
                // Regulators are unique within a target (they are dictionary keys), so the order is total.
                Array.Sort(regulator, weight, from, n);
                int count = 0;
                for (int k = from; k < from + n; k++) if (regulator[k] != self && double.IsFinite(weight[k])) count++;
                var regs = new int[count];
                var ws = new double[count];
                for (int k = from, c = 0; k < from + n; k++)
                    if (regulator[k] != self && double.IsFinite(weight[k])) { regs[c] = regulator[k]; ws[c++] = weight[k]; }
                result[j] = (regs, ws);
            }
            else
            {
                var w = dense!;
                Array.Fill(w, Weights.DefaultWeight);
                for (int k = from; k < from + n; k++) w[regulator[k]] = weight[k];
                int count = 0;
                for (int r = 0; r < q; r++) if (r != self && double.IsFinite(w[r])) count++;
                var regs = new int[count];
                var ws = new double[count];
                for (int r = 0, c = 0; r < q; r++)
                    if (r != self && double.IsFinite(w[r])) { regs[c] = r; ws[c++] = w[r]; }
                result[j] = (regs, ws);
            }
            return dense;
        }, _ => { });
        return result;
    }
}
