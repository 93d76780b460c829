using System.Runtime.CompilerServices;
using GrnFast.Solvers.Gram;

namespace GrnFast.Solvers.ElasticNet;

/// <summary>
/// Per-thread buffers for one target's fit, reused from target to target so the steady state allocates
/// nothing. Holds the target's candidate regulators, theta, g = c - G theta, and the columns of G
/// (restricted to the candidates) gathered lazily the first time a coordinate moves: most candidates never
/// enter the model, so most of G is never copied.
/// </summary>
internal sealed class TargetWorkspace
{
    private CrossProducts _cross = null!;
    private int[] _slot = [];
    private double[] _columns = [];
    private int _slots;
    private int[] _working = [];
    private int _workingCount;
    private bool[] _inWorking = [];

    public int Candidates { get; private set; }
    /// <summary>Position in the regulator list of each candidate.</summary>
    public int[] Candidate = [];
    public double[] Weight = [];
    public double[] Theta = [];
    public double[] Gradient = [];
    public double[] Diagonal = [];
    /// <summary>c = X_S^T y / n for the (unscaled, centred) target.</summary>
    public double[] CrossProduct = [];
    /// <summary>rho w_i and (1 - rho) w_i: the penalty's l1 and l2 per unit alpha.</summary>
    public double[] L1Weight = [];
    public double[] L2Weight = [];
    /// <summary>Row k holds theta at path alpha k (PathLength x Candidates).</summary>
    public double[] PathTheta = [];
    public double[] PreviousGradient = [];
    /// <summary>Scratch for an extrapolated point: theta on the working set, and g over all candidates.</summary>
    public double[] ExtrapolatedTheta = [];
    public double[] ExtrapolatedGradient = [];
    public AndersonExtrapolation Anderson { get; } = new();
    /// <summary>Active set and Cholesky factor of the lasso homotopy.</summary>
    public HomotopyBuffers Homotopy { get; } = new();

    /// <summary>Loads a target: candidates and weights, c from column <paramref name="zColumn"/> of C times the target's scale.</summary>
    public void Load(CrossProducts cross, ReadOnlySpan<int> candidates, ReadOnlySpan<double> weights, int zColumn, double targetScale, int pathLength, double l1Ratio)
    {
        ClearWorkingSet();
        _cross = cross;
        int s = candidates.Length;
        Candidates = s;
        Ensure(ref Candidate, s); Ensure(ref Weight, s); Ensure(ref Theta, s); Ensure(ref Gradient, s);
        Ensure(ref Diagonal, s); Ensure(ref CrossProduct, s); Ensure(ref L1Weight, s); Ensure(ref L2Weight, s);
        Ensure(ref PreviousGradient, s); Ensure(ref ExtrapolatedTheta, s); Ensure(ref ExtrapolatedGradient, s); Ensure(ref _slot, s); Ensure(ref _inWorking, s); Ensure(ref _working, s);
        Ensure(ref PathTheta, s * pathLength);
        candidates.CopyTo(Candidate);
        weights.CopyTo(Weight);
        var col = cross.Column(zColumn);
        for (int i = 0; i < s; i++)
        {
            int r = candidates[i];
            CrossProduct[i] = col[r] * targetScale;
            Diagonal[i] = cross.Gram(r, r);
            L1Weight[i] = l1Ratio * weights[i];
            L2Weight[i] = (1 - l1Ratio) * weights[i];
        }
        Reset();
        _slots = 0;
        Array.Fill(_slot, -1, 0, s);
    }

    /// <summary>theta = 0, g = c.</summary>
    public void Reset()
    {
        int s = Candidates;
        Array.Clear(Theta, 0, s);
        Array.Copy(CrossProduct, Gradient, s);
    }

    /// <summary>The penalty at <paramref name="alpha"/>.</summary>
    public WeightedElasticNetPenalty Penalty(double alpha) => new(alpha, L1Weight.AsSpan(0, Candidates), L2Weight.AsSpan(0, Candidates));

    /// <summary>Column i of G restricted to the candidates: G[S, S_i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<double> GramColumn(int i)
    {
        int s = Candidates;
        int slot = _slot[i];
        if (slot < 0) slot = Gather(i);
        return _columns.AsSpan(slot * s, s);
    }

    /// <summary>dst[t] = G[S_rows[t], S_i]: column i of G at the candidates <paramref name="rows"/> (some or all of them), in that order.</summary>
    public void GatherGramColumn(int i, ReadOnlySpan<int> rows, Span<double> dst)
    {
        var gcol = _cross.Column(Candidate[i]); // G is symmetric: column S_i holds G[r, S_i] for every regulator r
        var candidate = Candidate.AsSpan(0, Candidates);
        // Straight from the column in the rows' order: the loads are independent, and with the homotopy's active rows
        // left out only the inactive candidates' cache lines are touched (a pass over every candidate in sorted order,
        // then a permutation, was slower once the active set grew).
        for (int t = 0; t < rows.Length; t++) dst[t] = gcol[candidate[rows[t]]];
    }

    /// <summary>Copies G[S, S_i] into a new slot, the first time coordinate i moves.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int Gather(int i)
    {
        int s = Candidates;
        int slot = _slots++;
        if ((long)_slots * s > _columns.Length) Array.Resize(ref _columns, Math.Max(_slots * s, 2 * _columns.Length));
        var dst = _columns.AsSpan(slot * s, s);
        var gcol = _cross.Column(Candidate[i]); // G is symmetric: column S_i holds G[r, S_i] for every regulator r
        for (int t = 0; t < s; t++) dst[t] = gcol[Candidate[t]];
        _slot[i] = slot;
        return slot;
    }

    public void ClearWorkingSet()
    {
        for (int w = 0; w < _workingCount; w++) _inWorking[_working[w]] = false;
        _workingCount = 0;
    }

    public void AddToWorkingSet(int i)
    {
        if (_inWorking[i]) return;
        _inWorking[i] = true;
        _working[_workingCount++] = i;
    }

    public bool InWorkingSet(int i) => _inWorking[i];

    public ReadOnlySpan<int> WorkingSet => _working.AsSpan(0, _workingCount);

    private static void Ensure<T>(ref T[] a, int n) { if (a.Length < n) a = new T[Math.Max(n, 2 * a.Length)]; }
}
