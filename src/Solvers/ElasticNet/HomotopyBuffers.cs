using GrnFast.Kernels.Factorization;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Solvers.ElasticNet;

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
        var d = Direction.AsSpan(0, m);
        // A jump that just failed on this same set has left d and a in place (the same computation, the same bits).
        if (_jumpVersion != _version)
        {
            ExtendForward(_forward, ref _forwardValid, _signedWeight, byCandidate: false);
            _forward.AsSpan(0, m).CopyTo(d);
            FactorizationKernels.BackSubstitute(_cholesky, _stride, m, d, _stride, 1);
            // a = sum_p d_p G[I, A_p] on the inactive rows I: one pass over a with every column, s - |A| rows (the
            // homotopy's largest cost).
            var a = Step.AsSpan(0, s - m);
            a.Clear();
            FactorizationKernels.AddColumnCombination(_columns.AsSpan(0, _slots * s), s, _activeSlot.AsSpan(0, m), d, a);
        }
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

    /// <summary>
    /// y = L^-1 b on the positions [valid, |A|) that joined since y was last extended (the earlier entries do not change
    /// when rows are appended), b_p = values[p], or values[Active[p]] when <paramref name="byCandidate"/>.
    /// </summary>
    private void ExtendForward(double[] y, ref int valid, ReadOnlySpan<double> values, bool byCandidate)
    {
        for (int p = valid; p < Size; p++)
        {
            var row = Row(p);
            y[p] = (values[byCandidate ? Active[p] : p] - RowDot(row[..p], y.AsSpan(0, p))) / row[p];
        }
        valid = Size;
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
                ExtendForward(_forward, ref _forwardValid, _signedWeight, byCandidate: false);
                ExtendForward(_forwardCross, ref _crossValid, c, byCandidate: true);
                // Both back substitutions in one pass over L: columns 0 and 1 of the scratch, _stride apart.
                var z = _scratch.AsSpan(0, _stride + m);
                _forward.AsSpan(0, m).CopyTo(z);
                _forwardCross.AsSpan(0, m).CopyTo(z[_stride..]);
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
