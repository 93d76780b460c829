using GrnFast.Kernels.Factorization;
using GrnFast.Kernels.Vectors;
using GrnFast.Solvers.Results;

namespace GrnFast.Solvers.ElasticNet;

/// <summary>
/// The exact lasso path of one target by homotopy (LARS with the lasso modification), in covariance form on
/// the target's Gram slice: minimize_theta 1/2 theta^T G theta - c^T theta + alpha sum_i w_i |theta_i|.
/// <para>
/// On an active set A with signs s the optimality conditions g_A = alpha (w s)_A, g = c - G theta, give
/// theta_A(alpha) = G_AA^-1 (c_A - alpha (w s)_A): the path is linear in alpha between breakpoints. Going
/// down by t, theta_A += t d with d = G_AA^-1 (w s)_A, and g -= t a with a = G_{S,A} d. A breakpoint is an
/// inactive coordinate reaching |g_j| = alpha w_j (it joins with the sign of g_j) or an active one reaching
/// 0 (it leaves). G_AA is kept as a Cholesky factor: a join appends a row by one forward solve, a leave
/// deletes a row and restores the triangle with Givens rotations. Each grid alpha is a stop on the current
/// segment, so the coefficients there are exact (up to round-off), and g there gives the duality gap at
/// O(s) cost.
/// </para>
/// <para>
/// Per step: two triangular solves (O(|A|^2)) and the step a on the s - |A| inactive rows (O((s - |A|) |A|):
/// on the active rows a = (w s)_A by construction), against coordinate descent's several sweeps of |A| axpys
/// per alpha. The homotopy stops and hands the target to coordinate descent (warm-started from its last grid
/// solution) on a tiny Cholesky pivot (a candidate collinear with the active set), a step that does not give
/// the coordinate that just joined its (w s)_j back, a joining coordinate whose direction has the wrong sign,
/// too many steps, or a duality gap above the tolerance at a grid alpha.
/// </para>
/// </summary>
internal static class LassoHomotopy
{
    /// <summary>
    /// True when the homotopy applies: every candidate weight is &gt; 0 (+inf removes a candidate; 0, an
    /// unpenalised coefficient, is not on a path that starts at theta = 0) and the alphas are positive and
    /// non-increasing.
    /// </summary>
    public static bool Applies(TargetWorkspace ws, ReadOnlySpan<double> alphas)
    {
        var w = ws.L1Weight.AsSpan(0, ws.Candidates);
        foreach (var v in w) if (!(v > 0)) return false;
        for (int k = 0; k < alphas.Length; k++)
            if (!(alphas[k] > 0 && double.IsFinite(alphas[k])) || (k > 0 && alphas[k] > alphas[k - 1])) return false;
        return true;
    }

    /// <summary>
    /// Follows the path from theta = 0 through <paramref name="alphas"/> (non-increasing, see <see cref="Applies"/>),
    /// filling row k of ws.PathTheta, the certificate, status, rss and entry alphas as <see cref="LambdaPath.Run"/>
    /// does. Returns the number of alphas solved: all of them, or k &lt; K when it stopped, in which case
    /// ws.Theta holds the solution at alpha_{k-1} (0 when k = 0) and ws.Gradient = c - G theta, ready for a
    /// warm start.
    /// </summary>
    /// <param name="tolerance">Unscaled tolerance (the gap must be at most tolerance * qy, as for coordinate descent).</param>
    /// <param name="jumps">Try to reach each grid alpha in one jump (<see cref="HomotopyBuffers.TryJump"/>) before following its breakpoints.</param>
    public static int Run(TargetWorkspace ws, ReadOnlySpan<double> alphas, double qy, double tolerance, bool jumps,
        Span<Certificate> certificates, Span<SolverStatus> statuses, Span<double> rss, Span<double> entry, CancellationToken cancellation)
    {
        int s = ws.Candidates;
        int pathLength = alphas.Length;
        var h = ws.Homotopy;
        h.Prepare(s);
        var theta = ws.Theta.AsSpan(0, s);
        var g = ws.Gradient.AsSpan(0, s);
        var c = ws.CrossProduct.AsSpan(0, s);
        var w = ws.L1Weight.AsSpan(0, s);
        var a = h.Step.AsSpan(0, s);
        var d = h.Direction.AsSpan(0, s);
        var active = h.Active.AsSpan(0, s);
        var lastEntry = h.LastEntry.AsSpan(0, s);
        double tol = tolerance * qy;

        // theta = 0 is the solution from alpha_max = max_i |c_i| / w_i up.
        double alpha = 0;
        for (int i = 0; i < s; i++) if (double.IsFinite(w[i])) alpha = Math.Max(alpha, Math.Abs(c[i]) / w[i]);
        bool needDirection = true;
        int excluded = -1;         // the coordinate that just left, barred from rejoining at t = 0
        int joined = -1;           // the coordinate that just joined; its direction must carry its sign
        int steps = 0, stepsSinceGrid = 0, maxSteps = 20 * s + 100;
        a.Clear();

        // The next join or leave on the current segment: its alpha, kind (1 join, 2 leave), who, and a joiner's sign.
        // Grid stops do not change the direction, so it is found once per direction.
        double eventAlpha = double.NegativeInfinity;
        int kind = 0, who = -1;
        double joinSign = 0;
        int jumpFailedAt = -1;     // the grid interval whose jump failed: it is followed event by event
        for (int k = 0; k < pathLength;)
        {
            double target = alphas[k];
            if (target >= alpha)
            {
                // Only at the start (theta = 0 above alpha_max) or a repeated grid value: theta is the solution there.
                if (!Record(ws, k, alphas, qy, tol, ref stepsSinceGrid, certificates, statuses, rss, entry)) return Stop(ws, k);
                k++;
                continue;
            }
            if (jumps && jumpFailedAt != k)
            {
                if (h.TryJump(ws, alpha, target, theta, g, lastEntry))
                {
                    alpha = target;
                    stepsSinceGrid++;
                    needDirection = true;
                    excluded = -1;
                    joined = -1;
                    if (!Record(ws, k, alphas, qy, tol, ref stepsSinceGrid, certificates, statuses, rss, entry)) return Stop(ws, k);
                    k++;
                    if (k < pathLength && cancellation.IsCancellationRequested) return Stop(ws, k);
                    continue;
                }
                jumpFailedAt = k;
                needDirection = true;
            }
            if (needDirection)
            {
                if (!h.SolveDirection(ws, joined)) return Stop(ws, k);
                needDirection = false;
                double best = double.PositiveInfinity;
                kind = 0;
                int m = h.Size;
                // a holds G[j, A] d for the inactive candidates, row i for candidate rows[i].
                var rows = h.InactiveRows;
                for (int i = 0; i < rows.Length; i++)
                {
                    int j = rows[i];
                    if (j == excluded || !double.IsFinite(w[j])) continue;
                    double lam = alpha * w[j], gj = g[j], aj = a[i];
                    // g_j - t a_j = +(alpha - t) w_j at t = num / den; compared as num < best * den (den > 0), one division per winner
                    double den = w[j] - aj;
                    if (den > 0)
                    {
                        double num = Math.Max(lam - gj, 0);
                        if (num < best * den) { best = num / den; kind = 1; who = j; joinSign = 1; }
                    }
                    // g_j - t a_j = -(alpha - t) w_j
                    den = w[j] + aj;
                    if (den > 0)
                    {
                        double num = Math.Max(lam + gj, 0);
                        if (num < best * den) { best = num / den; kind = 1; who = j; joinSign = -1; }
                    }
                }
                for (int p = 0; p < m; p++)
                {
                    int i = active[p];
                    if (theta[i] * d[p] < 0)
                    {
                        double t = -theta[i] / d[p];
                        if (t < best) { best = t; kind = 2; who = p; }
                    }
                }
                eventAlpha = alpha - best;
            }

            // Move along the segment to the grid alpha or the event, whichever comes first:
            // theta_A += t d, g -= t G_{S,A} d.
            bool grid = target >= eventAlpha;
            double next = grid ? target : eventAlpha;
            double step = alpha - next;
            if (step > 0)
            {
                for (int p = 0; p < h.Size; p++) theta[active[p]] += step * d[p];
                // g -= t G[S, A] d: the inactive rows from a; on the active set G_AA d = (w s)_A by construction.
                var rows = h.InactiveRows;
                for (int i = 0; i < rows.Length; i++) g[rows[i]] += -step * a[i];
                var signedWeight = h.SignedWeight;
                for (int p = 0; p < h.Size; p++) g[active[p]] += -step * signedWeight[p];
            }
            alpha = next;
            stepsSinceGrid++;

            if (grid)
            {
                if (!Record(ws, k, alphas, qy, tol, ref stepsSinceGrid, certificates, statuses, rss, entry)) return Stop(ws, k);
                k++;
                if (k < pathLength && cancellation.IsCancellationRequested) return Stop(ws, k);
                continue;
            }
            if (++steps > maxSteps) return Stop(ws, k);
            if (kind == 1)
            {
                if (!h.Join(ws, who, joinSign)) return Stop(ws, k);
                lastEntry[who] = alpha;
                joined = who;
                excluded = -1;
            }
            else
            {
                int i = active[who];
                theta[i] = 0;
                h.Leave(who);
                excluded = i;
                joined = -1;
            }
            needDirection = true;
        }
        return pathLength;
    }

    /// <summary>Row k of the path from the current point, with its duality gap; false if the gap is above the tolerance.</summary>
    private static bool Record(TargetWorkspace ws, int k, ReadOnlySpan<double> alphas, double qy, double tol, ref int stepsSinceGrid,
        Span<Certificate> certificates, Span<SolverStatus> statuses, Span<double> rss, Span<double> entry)
    {
        int s = ws.Candidates;
        var h = ws.Homotopy;
        var theta = ws.Theta.AsSpan(0, s);
        double gap = DualityGap(theta, ws.Gradient.AsSpan(0, s), ws.CrossProduct.AsSpan(0, s), ws.L1Weight.AsSpan(0, s), alphas[k], qy, out double r);
        if (!(gap <= tol)) return false;
        theta.CopyTo(ws.PathTheta.AsSpan(k * s, s));
        rss[k] = r;
        statuses[k] = SolverStatus.Converged;
        certificates[k] = new Certificate(Math.Max(gap, 0), tol, stepsSinceGrid);
        stepsSinceGrid = 0;
        double upper = k == 0 ? alphas[0] : alphas[k - 1];
        for (int p = 0; p < h.Size; p++)
        {
            int i = h.Active[p];
            if (theta[i] != 0 && entry[i] == 0) entry[i] = Math.Clamp(h.LastEntry[i], alphas[k], upper);
        }
        return true;
    }

    /// <summary>
    /// <see cref="GramCoordinateDescent.DualityGap"/> for the lasso (l2 = 0, where its two duals coincide) in one pass:
    /// rss = q_y - c^T theta - theta^T g, s = min(1, min_i alpha w_i / |g_i|),
    /// gap = rss/2 + alpha sum_i w_i |theta_i| - (s (q_y - c^T theta) - s^2 rss / 2).
    /// </summary>
    internal static double DualityGap(ReadOnlySpan<double> theta, ReadOnlySpan<double> g, ReadOnlySpan<double> c, ReadOnlySpan<double> w, double alpha, double qy, out double rss)
    {
        double thetaC = 0, thetaG = 0, pen = 0, scale = 1;
        for (int i = 0; i < theta.Length; i++)
        {
            double t = theta[i], l1 = alpha * w[i], v = Math.Abs(g[i]);
            if (t != 0) { thetaC += t * c[i]; thetaG += t * g[i]; pen += l1 * Math.Abs(t); }
            if (v * scale > l1) scale = l1 / v;
        }
        rss = qy - thetaC - thetaG;
        return 0.5 * rss + pen - (scale * (qy - thetaC) - 0.5 * scale * scale * rss);
    }

    /// <summary>Hands over at alpha_k: theta from row k-1 (or 0) and g = c - G theta recomputed from the gathered columns.</summary>
    private static int Stop(TargetWorkspace ws, int k)
    {
        int s = ws.Candidates;
        ws.Homotopy.Clear();
        var theta = ws.Theta.AsSpan(0, s);
        var g = ws.Gradient.AsSpan(0, s);
        if (k == 0) theta.Clear();
        else ws.PathTheta.AsSpan((k - 1) * s, s).CopyTo(theta);
        ws.CrossProduct.AsSpan(0, s).CopyTo(g);
        for (int i = 0; i < s; i++)
            if (theta[i] != 0) VectorKernels.Axpy(-theta[i], ws.GramColumn(i), g);
        return k;
    }
}

/// <summary>
/// The active set of <see cref="LassoHomotopy"/> with its signs and the Cholesky factor of G_AA; per thread,
/// grown to the largest target seen.
/// </summary>
internal sealed class HomotopyBuffers
{
    /// <summary>Smallest pivot^2 / G_jj accepted when a coordinate joins: below it the candidate is (nearly) a combination of the active set.</summary>
    private const double PivotTolerance = 1e-10;

    /// <summary>
    /// Largest |a_j - w_j s_j| / w_j accepted for the coordinate that just joined, after its direction solve. Loose
    /// on purpose: a Gram from float32 GEMMs is symmetric only to ~1e-7 (the factor reads one triangle, a = G[j, A] d
    /// the other), which 1e-6 did not absorb on D1; the duality gap at every grid alpha is the real check.
    /// </summary>
    private const double ConsistencyTolerance = 1e-4;

    private int _stride;
    /// <summary>Cholesky factor L of G_AA (G_AA = L L^T), row-major lower triangle with row stride _stride.</summary>
    private double[] _cholesky = [];
    private double[] _signedWeight = [];
    /// <summary>
    /// The Gram columns G[S, S_i] of the candidates that have joined, column-major with leading dimension s, their rows
    /// in the order <see cref="_rows"/>: the inactive candidates first, the active ones last. So a = G[S, A] d is
    /// needed, and computed, only on the leading s - |A| rows (on the active rows it is (w s)_A by construction): a
    /// third of the work over a whole path. A join or leave swaps one row pair in every stored column.
    /// </summary>
    private double[] _columns = [];
    private int _candidates, _slots;
    private int[] _slotOf = [];
    /// <summary>Candidate in each row of the stored columns, and each candidate's row.</summary>
    private int[] _rows = [], _rowOf = [];
    /// <summary>y = L^-1 (w s)_A, valid on positions [0, _forwardValid): a join appends one entry, a leave at p invalidates p on.</summary>
    private double[] _forward = [];
    private int _forwardValid;
    /// <summary>y_c = L^-1 c_A, valid on positions [0, _crossValid), kept like <see cref="_forward"/>.</summary>
    private double[] _forwardCross = [];
    private int _crossValid;
    /// <summary>Two columns of _stride for the back substitutions.</summary>
    private double[] _scratch = [];
    /// <summary>
    /// For the jumps: e = G_AA^-1 c_A per active position (so theta_A(alpha) = e - alpha d on the current set), and
    /// u = G[I, A] e per inactive row. With d and a = G[I, A] d they give g_I(alpha) = c_I - u + alpha a, linear in
    /// alpha. Valid while <see cref="_jumpVersion"/> equals <see cref="_version"/> (bumped by every change of the set).
    /// </summary>
    private double[] _solution = [], _crossStep = [];
    private int _version, _jumpVersion = -1;
    private int[] _violators = [];
    private double[] _violatorSign = [], _violatorEntry = [], _joinEntry = [];

    /// <summary>Active-set size |A|.</summary>
    public int Size { get; private set; }
    /// <summary>Candidate at each active position.</summary>
    public int[] Active = [];
    /// <summary>Slot of each active candidate's column in <see cref="_columns"/>.</summary>
    private int[] _activeSlot = [];
    /// <summary>Active position of each candidate, -1 when inactive.</summary>
    public int[] Position = [];
    /// <summary>d per active position, and a = G[j, A] d per inactive row (candidate <see cref="InactiveRows"/>[i]).</summary>
    public double[] Direction = [];
    public double[] Step = [];

    /// <summary>The inactive candidates, in the row order of <see cref="Step"/>.</summary>
    public ReadOnlySpan<int> InactiveRows => _rows.AsSpan(0, _candidates - Size);

    /// <summary>(w s)_A per active position.</summary>
    public ReadOnlySpan<double> SignedWeight => _signedWeight.AsSpan(0, Size);
    /// <summary>The alpha at which each candidate last joined.</summary>
    public double[] LastEntry = [];

    public void Prepare(int s)
    {
        if (_stride < s)
        {
            _stride = Math.Max(s, 2 * _stride);
            _cholesky = new double[_stride * _stride];
            Active = new int[_stride]; _activeSlot = new int[_stride]; Position = new int[_stride]; _slotOf = new int[_stride]; _rows = new int[_stride]; _rowOf = new int[_stride]; _signedWeight = new double[_stride]; _forward = new double[_stride];
            Direction = new double[_stride]; Step = new double[_stride]; _scratch = new double[2 * _stride]; LastEntry = new double[_stride];
            _forwardCross = new double[_stride]; _solution = new double[_stride]; _crossStep = new double[_stride];
            _violators = new int[_stride]; _violatorSign = new double[_stride]; _violatorEntry = new double[_stride]; _joinEntry = new double[_stride];
        }
        Size = 0;
        _forwardValid = 0;
        _crossValid = 0;
        _version++;
        Array.Fill(Position, -1, 0, s);
        _candidates = s;
        _slots = 0;
        Array.Fill(_slotOf, -1, 0, s);
        for (int t = 0; t < s; t++) { _rows[t] = t; _rowOf[t] = t; }
    }

    /// <summary>The stored column of candidate j (gathered in the current row order the first time).</summary>
    private int Column(TargetWorkspace ws, int j)
    {
        if (_slotOf[j] >= 0) return _slotOf[j];
        int s = _candidates, slot = _slots++;
        if ((long)_slots * s > _columns.Length) Array.Resize(ref _columns, Math.Max(_slots * s, 2 * _columns.Length));
        ws.GatherGramColumn(j, _rows.AsSpan(0, s), _columns.AsSpan(slot * s, s));
        _slotOf[j] = slot;
        return slot;
    }

    /// <summary>Exchanges rows r1 and r2 of the order and of every stored column.</summary>
    private void SwapRows(int r1, int r2)
    {
        if (r1 == r2) return;
        int s = _candidates;
        (_rows[r1], _rows[r2]) = (_rows[r2], _rows[r1]);
        _rowOf[_rows[r1]] = r1;
        _rowOf[_rows[r2]] = r2;
        for (int k = 0; k < _slots; k++)
        {
            int o = k * s;
            (_columns[o + r1], _columns[o + r2]) = (_columns[o + r2], _columns[o + r1]);
        }
    }

    /// <summary>Empties the active set.</summary>
    public void Clear()
    {
        for (int p = 0; p < Size; p++) Position[Active[p]] = -1;
        Size = 0;
        _forwardValid = 0;
        _crossValid = 0;
        _version++;
    }

    private Span<double> Row(int p) => _cholesky.AsSpan(p * _stride, p + 1);

    /// <summary>
    /// d = G_AA^-1 (w s)_A by L y = (w s)_A and L^T d = y, then a = G[I, A] d on the inactive rows I. False when the
    /// coordinate that just joined misses its (w s)_j (an ill-conditioned factor) or would move against its sign.
    /// </summary>
    public bool SolveDirection(TargetWorkspace ws, int joined)
    {
        int m = Size, s = ws.Candidates;
        var y = _forward.AsSpan(0, m);
        for (int p = _forwardValid; p < m; p++)
        {
            var row = Row(p);
            y[p] = (_signedWeight[p] - RowDot(row[..p], y[..p])) / row[p];
        }
        _forwardValid = m;
        var d = Direction.AsSpan(0, m);
        y.CopyTo(d);
        FactorizationKernels.BackSubstitute(_cholesky, _stride, m, d, _stride, 1);
        // a = sum_p d_p G[I, A_p] on the inactive rows I: one pass over a with every column, s - |A| rows (the
        // homotopy's largest cost).
        var a = Step.AsSpan(0, s - m);
        a.Clear();
        FactorizationKernels.AddColumnCombination(_columns.AsSpan(0, _slots * s), s, _activeSlot.AsSpan(0, m), d, a);
        if (joined < 0) return true;
        // The coordinate that just joined: G[j, A] d must give back its signed weight (else the factor is
        // ill-conditioned) and it must move in the direction of its sign.
        int pj = Position[joined], joinedRow = _rowOf[joined];
        double aj = 0;
        for (int p = 0; p < m; p++) aj += d[p] * _columns[_activeSlot[p] * s + joinedRow];
        double target = _signedWeight[pj];
        return Math.Abs(aj - target) <= ConsistencyTolerance * Math.Abs(target) && d[pj] * target > 0;
    }

    /// <summary>
    /// Appends <paramref name="joiners"/> at once, in order: their rows of L against the current set solve
    /// L Z = G[A, J] together (four right-hand sides share each load of L), then each row's entries against the
    /// joiners before it and its pivot follow as in <see cref="Join"/>. False on a tiny pivot, with the joiners before
    /// that one appended (the caller undoes them).
    /// </summary>
    private bool JoinAll(TargetWorkspace ws, ReadOnlySpan<int> joiners, ReadOnlySpan<double> signs)
    {
        int m = Size, s = _candidates, count = joiners.Length;
        for (int v = 0; v < count; v++)
        {
            int slot = Column(ws, joiners[v]); // first: it may grow _columns
            var column = _columns.AsSpan(slot * s, s);
            var row = _cholesky.AsSpan((m + v) * _stride, m);
            for (int p = 0; p < m; p++) row[p] = column[_rowOf[Active[p]]];
        }
        FactorizationKernels.ForwardSubstitute(_cholesky, _stride, m, _cholesky.AsSpan(m * _stride), _stride, count);
        for (int v = 0; v < count; v++)
        {
            int j = joiners[v], n = m + v, slot = _slotOf[j];
            var column = _columns.AsSpan(slot * s, s);
            var row = _cholesky.AsSpan(n * _stride, n + 1);
            for (int q = m; q < n; q++)
            {
                var earlier = Row(q);
                row[q] = (column[_rowOf[Active[q]]] - RowDot(earlier[..q], row[..q])) / earlier[q];
            }
            double gjj = column[_rowOf[j]];
            double pivot = gjj - RowDot(row[..n], row[..n]);
            if (!(pivot > PivotTolerance * gjj)) return false;
            row[n] = Math.Sqrt(pivot);
            // Its row moves to the end of the inactive rows, which then become one fewer.
            SwapRows(_rowOf[j], s - n - 1);
            Active[n] = j;
            _activeSlot[n] = slot;
            _signedWeight[n] = signs[v] * ws.L1Weight[j];
            Position[j] = n;
            Size = n + 1;
            _version++;
        }
        return true;
    }

    /// <summary>Appends candidate j with sign <paramref name="sign"/>: L[m, 0..m) solves L z = G[A, j], L[m, m] = sqrt(G_jj - z^T z). False on a tiny pivot.</summary>
    public bool Join(TargetWorkspace ws, int j, double sign) => JoinAll(ws, new ReadOnlySpan<int>(in j), new ReadOnlySpan<double>(in sign));

    /// <summary>
    /// x^T y for a row of the factor, in a fixed order (the new entry of y = L^-1 (w s)_A, and a join's pivot). Rows of
    /// tens (D1's |A|) use four running sums: the 32-lane order of VectorKernels.Dot has a fixed cost that dominated
    /// there; long rows (D2's |A| ~ 200) use VectorKernels.Dot. The choice depends only on the length, so results stay
    /// deterministic.
    /// </summary>
    private static double RowDot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length;
        if (n >= 64) return VectorKernels.Dot(x, y[..n]);
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        y = y[..n];
        for (; i + 4 <= n; i += 4)
        {
            s0 += x[i] * y[i]; s1 += x[i + 1] * y[i + 1]; s2 += x[i + 2] * y[i + 2]; s3 += x[i + 3] * y[i + 3];
        }
        for (; i < n; i++) s0 += x[i] * y[i];
        return (s0 + s1) + (s2 + s3);
    }

    /// <summary>Deletes active position p: drops row p of L, then rotates columns (i, i+1) to clear the superdiagonal that leaves.</summary>
    public void Leave(int p)
    {
        int m = Size, stride = _stride;
        var l = _cholesky;
        for (int r = p + 1; r < m; r++)
            l.AsSpan(r * stride, r + 1).CopyTo(l.AsSpan((r - 1) * stride, r + 1));
        for (int i = p; i < m - 1; i++)
        {
            double x0 = l[i * stride + i], x1 = l[i * stride + i + 1];
            double r = Math.Sqrt(x0 * x0 + x1 * x1);
            double cs = x0 / r, sn = x1 / r;
            for (int q = i + 1; q < m - 1; q++)
            {
                int o = q * stride;
                double u = l[o + i], v = l[o + i + 1];
                l[o + i] = cs * u + sn * v;
                l[o + i + 1] = cs * v - sn * u;
            }
            l[i * stride + i] = r;
            l[i * stride + i + 1] = 0;
        }
        Position[Active[p]] = -1;
        // Its row moves to the first active row, which then becomes the last inactive one.
        SwapRows(_rowOf[Active[p]], _candidates - m);
        for (int q = p; q < m - 1; q++)
        {
            Active[q] = Active[q + 1];
            _activeSlot[q] = _activeSlot[q + 1];
            _signedWeight[q] = _signedWeight[q + 1];
            Position[Active[q]] = q;
        }
        Size = m - 1;
        _forwardValid = Math.Min(_forwardValid, p);
        _crossValid = Math.Min(_crossValid, p);
        _version++;
    }

    /// <summary>Most joins a jump makes in one grid interval before it hands the interval to the event-by-event path.</summary>
    private const int JumpRounds = 4;

    /// <summary>
    /// Moves from the solution at <paramref name="from"/> straight to the one at the grid alpha <paramref name="to"/>
    /// without visiting the breakpoints in between. On the current set with its signs, theta_A(to) = e - to d and
    /// g_I(to) = c_I - u + to a; the inactive candidates with |g_j(to)| &gt; to w_j join with the sign of g_j(to), all at
    /// once, and the same is done on the grown set, up to <see cref="JumpRounds"/> times. It succeeds when every active
    /// coefficient keeps its sign and no inactive candidate violates its bound: those are the lasso's optimality
    /// conditions at <paramref name="to"/>, so theta is the solution there, the one the breakpoints would have led to.
    /// A joiner whose coefficient comes out with the wrong sign is dropped again and the set re-solved. A sign of a
    /// coordinate active at <paramref name="from"/> that would flip (it leaves inside the interval), a tiny pivot, or
    /// more than <see cref="JumpRounds"/> rounds undo the joins and return false: the caller then follows the
    /// interval event by event. On success theta and g hold the solution at
    /// <paramref name="to"/>; each joiner's entry alpha is where its |g_j| met alpha w_j on the line before it joined
    /// (the exact breakpoint when it is the interval's first event).
    /// </summary>
    public bool TryJump(TargetWorkspace ws, double from, double to, Span<double> theta, Span<double> g, Span<double> lastEntry)
    {
        int m0 = Size, s = _candidates, joins = 0;
        var c = ws.CrossProduct;
        var w = ws.L1Weight;
        for (int round = 0; round <= JumpRounds; round++)
        {
            int m = Size;
            var d = Direction.AsSpan(0, m);
            var e = _solution.AsSpan(0, m);
            var a = Step.AsSpan(0, s - m);
            var u = _crossStep.AsSpan(0, s - m);
            if (_jumpVersion != _version)
            {
                // y_v = L^-1 (w s)_A, y_c = L^-1 c_A on the positions that joined since; then d = L^-T y_v, e = L^-T y_c.
                var yv = _forward.AsSpan(0, m);
                var yc = _forwardCross.AsSpan(0, m);
                for (int p = _forwardValid; p < m; p++)
                {
                    var row = Row(p);
                    yv[p] = (_signedWeight[p] - RowDot(row[..p], yv[..p])) / row[p];
                }
                for (int p = _crossValid; p < m; p++)
                {
                    var row = Row(p);
                    yc[p] = (c[Active[p]] - RowDot(row[..p], yc[..p])) / row[p];
                }
                _forwardValid = _crossValid = m;
                // Both back substitutions in one pass over L: columns 0 and 1 of the scratch, _stride apart.
                var z = _scratch.AsSpan(0, _stride + m);
                yv.CopyTo(z);
                yc.CopyTo(z[_stride..]);
                FactorizationKernels.BackSubstitute(_cholesky, _stride, m, z, _stride, 2);
                z[..m].CopyTo(d);
                z.Slice(_stride, m).CopyTo(e);
                var columns = _columns.AsSpan(0, _slots * s);
                var slots = _activeSlot.AsSpan(0, m);
                a.Clear();
                u.Clear();
                FactorizationKernels.AddColumnCombination(columns, s, slots, d, a);
                FactorizationKernels.AddColumnCombination(columns, s, slots, e, u);
                _jumpVersion = _version;
            }
            var rows = InactiveRows;
            int violators = 0;
            for (int i = 0; i < rows.Length; i++)
            {
                int j = rows[i];
                if (!double.IsFinite(w[j])) continue;
                double slope = c[j] - u[i], gj = slope + to * a[i];
                if (!(Math.Abs(gj) > to * w[j])) continue;
                double sign = gj > 0 ? 1 : -1;
                _violators[violators] = j;
                _violatorSign[violators] = sign;
                // |g_j(alpha)| = alpha w_j on this line: slope + alpha a_j = sign alpha w_j
                double den = sign * w[j] - a[i];
                _violatorEntry[violators] = den != 0 ? Math.Clamp(slope / den, to, from) : from;
                violators++;
            }
            if (violators == 0)
            {
                // Signs are checked on the final set only: a coordinate that would cross zero on the set before the
                // joins need not on the set after them. One that was active at the start would leave inside the
                // interval: the events handle that. One this jump added with the wrong sign should not have joined
                // (its bound was crossed only on the line before the other joins): it is dropped and the set re-solved.
                for (int p = 0; p < m0; p++)
                    if (!((e[p] - to * d[p]) * _signedWeight[p] > 0)) return Undo(m0);
                int dropped = 0;
                for (int p = m - 1; p >= m0; p--)
                {
                    if ((e[p] - to * d[p]) * _signedWeight[p] > 0) continue;
                    Leave(p);
                    joins--;
                    for (int q = p - m0; q < joins; q++) _joinEntry[q] = _joinEntry[q + 1];
                    dropped++;
                }
                if (dropped > 0) continue;
                for (int p = 0; p < m; p++)
                {
                    int i = Active[p];
                    theta[i] = e[p] - to * d[p];
                    g[i] = to * _signedWeight[p];
                }
                for (int i = 0; i < rows.Length; i++) g[rows[i]] = c[rows[i]] - u[i] + to * a[i];
                for (int p = m0; p < m; p++) lastEntry[Active[p]] = _joinEntry[p - m0];
                return true;
            }
            if (round == JumpRounds) return Undo(m0);
            if (!JoinAll(ws, _violators.AsSpan(0, violators), _violatorSign.AsSpan(0, violators))) return Undo(m0);
            _violatorEntry.AsSpan(0, violators).CopyTo(_joinEntry.AsSpan(joins));
            joins += violators;
        }
        return Undo(m0);
    }

    /// <summary>Drops the coordinates a failed jump joined (the last ones of the factor): the set is again the one at m0.</summary>
    private bool Undo(int m0)
    {
        for (int p = m0; p < Size; p++) Position[Active[p]] = -1;
        if (Size != m0) _version++;
        Size = m0;
        _forwardValid = Math.Min(_forwardValid, m0);
        _crossValid = Math.Min(_crossValid, m0);
        return false;
    }
}
