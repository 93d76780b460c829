using GrnFast.Kernels.Factorization;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Solvers.ElasticNet;

/// <summary>
/// The active set of <see cref="LassoHomotopy"/> with its signs and a partial Cholesky factor of the target's Gram slice;
/// per thread, grown to the largest target seen.
/// <para>
/// The factor F is column-major with one row per candidate, in the order <see cref="Active"/>: the active set A first
/// (rows 0..|A|-1, their rows of L with G_AA = L L^T), then the inactive candidates. Every inactive row i holds
/// z_i = L^-1 G[A, i] in columns 0..|A|-1: the row it would add to L on joining. With y_v = L^-1 (w s)_A and
/// y_c = L^-1 c_A, the quantities the path needs on the inactive rows are dot products the factor keeps current:
/// a_i = G[i, A] d = z_i . y_v (d = G_AA^-1 (w s)_A) and u_i = G[i, A] e = z_i . y_c (e = G_AA^-1 c_A). A block of
/// joiners appends its columns to every row below it at once (a GEMM over the rows, left-looking by groups of four),
/// after which a and u take one axpy per new column; the coefficients take one back substitution per grid alpha (none
/// when nothing joined since the last one: theta then moves along the kept direction d).
/// Before, each join's row of L was a triangular solve and a, u were recomputed from every active Gram column after
/// every change of the set.
/// </para>
/// </summary>
internal sealed class HomotopyBuffers
{
    /// <summary>Smallest pivot^2 / G_jj accepted when a coordinate joins: below it the candidate is (nearly) a combination of the active set.</summary>
    private const double PivotTolerance = 1e-10;

    /// <summary>Joiners whose columns are formed together: four share each load of the rows they update.</summary>
    private const int JoinGroup = 4;

    private int _ld;
    /// <summary>F, column-major with leading dimension _ld (see the class remarks).</summary>
    private double[] _factor = [];
    private int _candidates;
    /// <summary>Candidate in each row of F (the active set first), and each candidate's row.</summary>
    private int[] _rows = [], _rowOf = [];
    /// <summary>a_i = z_i . y_v and u_i = z_i . y_c per row (meaningful on the inactive rows).</summary>
    private double[] _step = [], _crossStep = [];
    /// <summary>y_v = L^-1 (w s)_A and y_c = L^-1 c_A per active position.</summary>
    private double[] _forward = [], _forwardCross = [];
    private double[] _signedWeight = [];
    private double[] _scratch = [];
    /// <summary>theta_A at a jump's grid alpha.</summary>
    private double[] _solution = [];
    /// <summary>a and u by candidate before a jump's first join, restored exactly when the jump is undone.</summary>
    private double[] _savedStep = [], _savedCrossStep = [];
    private bool _saved;
    /// <summary>Whether <see cref="Direction"/> holds d for the current set (cleared by every change of the set).</summary>
    private bool _directionValid;
    private int[] _violators = [];
    private double[] _violatorSign = [], _violatorEntry = [], _joinEntry = [];

    /// <summary>Active-set size |A|.</summary>
    public int Size { get; private set; }
    /// <summary>Candidate at each active position (positions 0..Size-1; the inactive candidates follow).</summary>
    public int[] Active => _rows;
    /// <summary>Active position of each candidate, -1 when inactive.</summary>
    public int[] Position = [];
    /// <summary>d per active position, set by <see cref="SolveDirection"/> (and by a jump over an interval without joins).</summary>
    public double[] Direction = [];

    /// <summary>The inactive candidates, in the order of <see cref="InactiveStep"/>.</summary>
    public ReadOnlySpan<int> InactiveRows => _rows.AsSpan(Size, _candidates - Size);
    /// <summary>a = G[j, A] d per inactive candidate, in the order of <see cref="InactiveRows"/>.</summary>
    public ReadOnlySpan<double> InactiveStep => _step.AsSpan(Size, _candidates - Size);

    /// <summary>(w s)_A per active position.</summary>
    public ReadOnlySpan<double> SignedWeight => _signedWeight.AsSpan(0, Size);
    /// <summary>The alpha at which each candidate last joined.</summary>
    public double[] LastEntry = [];

    public void Prepare(int s)
    {
        if (_ld < s)
        {
            _ld = Math.Max(s, 2 * _ld);
            _factor = new double[(long)_ld * _ld];
            Position = new int[_ld]; _rows = new int[_ld]; _rowOf = new int[_ld]; _signedWeight = new double[_ld]; _forward = new double[_ld];
            _forwardCross = new double[_ld]; _step = new double[_ld]; _crossStep = new double[_ld]; Direction = new double[_ld]; _scratch = new double[_ld]; _solution = new double[_ld];
            LastEntry = new double[_ld]; _savedStep = new double[_ld]; _savedCrossStep = new double[_ld];
            _violators = new int[_ld]; _violatorSign = new double[_ld]; _violatorEntry = new double[_ld]; _joinEntry = new double[_ld];
        }
        Size = 0;
        _candidates = s;
        _saved = false;
        _directionValid = false;
        Array.Fill(Position, -1, 0, s);
        Array.Clear(_step, 0, s);
        Array.Clear(_crossStep, 0, s);
        for (int t = 0; t < s; t++) { _rows[t] = t; _rowOf[t] = t; }
    }

    /// <summary>Empties the active set.</summary>
    public void Clear()
    {
        for (int p = 0; p < Size; p++) Position[_rows[p]] = -1;
        Size = 0;
        _saved = false;
        _directionValid = false;
    }

    /// <summary>Exchanges inactive rows r1 and r2 (their candidates, z, a and u).</summary>
    private void SwapRows(int r1, int r2)
    {
        if (r1 == r2) return;
        (_rows[r1], _rows[r2]) = (_rows[r2], _rows[r1]);
        _rowOf[_rows[r1]] = r1;
        _rowOf[_rows[r2]] = r2;
        (_step[r1], _step[r2]) = (_step[r2], _step[r1]);
        (_crossStep[r1], _crossStep[r2]) = (_crossStep[r2], _crossStep[r1]);
        var f = _factor;
        for (long o = 0, end = (long)Size * _ld; o < end; o += _ld) (f[o + r1], f[o + r2]) = (f[o + r2], f[o + r1]);
    }

    /// <summary>
    /// d = G_AA^-1 (w s)_A by one back substitution of y_v, or kept from the last one on the same set (a = G[I, A] d
    /// is always current). False when the coordinate that just joined would move against its sign.
    /// </summary>
    public bool SolveDirection(int joined)
    {
        ComputeDirection();
        if (joined < 0) return true;
        int pj = Position[joined];
        return Direction[pj] * _signedWeight[pj] > 0;
    }

    /// <summary>d = L^-T y_v into <see cref="Direction"/>, unless it is there for the current set already.</summary>
    private void ComputeDirection()
    {
        if (_directionValid) return;
        var d = Direction.AsSpan(0, Size);
        _forward.AsSpan(0, Size).CopyTo(d);
        FactorizationKernels.BackSubstituteColumnMajor(_factor, _ld, Size, d);
        _directionValid = true;
    }

    /// <summary>Appends candidate j with sign <paramref name="sign"/>. False on a tiny pivot.</summary>
    public bool Join(TargetWorkspace ws, int j, double sign) => JoinAll(ws, new ReadOnlySpan<int>(in j), new ReadOnlySpan<double>(in sign));

    /// <summary>
    /// Appends <paramref name="joiners"/> in order. Their rows move to the front of the inactive block; their Gram columns
    /// are gathered onto the rows from there down; then, by groups of <see cref="JoinGroup"/>, the columns subtract the
    /// products with every earlier column (one GEMM), each column its group's earlier ones, and is divided by its pivot
    /// sqrt(G_jj - |z_j|^2), which it holds on the joiner's own row. y_v, y_c extend by one entry per joiner from the
    /// joiner's a and u, and a, u on the rows below take one axpy per column. False on a tiny pivot, with the joiners
    /// before that one appended.
    /// </summary>
    private bool JoinAll(TargetWorkspace ws, ReadOnlySpan<int> joiners, ReadOnlySpan<double> signs)
    {
        int m = Size, s = _candidates, count = joiners.Length, ld = _ld;
        var f = _factor;
        for (int v = 0; v < count; v++) SwapRows(_rowOf[joiners[v]], m + v);
        var below = _rows.AsSpan(m, s - m);
        for (int v = 0; v < count; v++) ws.GatherGramColumn(joiners[v], below, f.AsSpan((m + v) * ld + m, s - m));
        var c = ws.CrossProduct;
        var w = ws.L1Weight;
        for (int g0 = 0; g0 < count; g0 += JoinGroup)
        {
            int n0 = m + g0, group = Math.Min(JoinGroup, count - g0);
            // Columns n0.. on rows n0..s-1 minus their products with columns 0..n0-1 (the joiner rows n0.. hold z there).
            FactorizationKernels.SubtractProducts(f.AsSpan(n0), ld, s - n0, n0, f.AsSpan(n0), ld, group, f.AsSpan(n0 * ld + n0), ld);
            for (int q = 0; q < group; q++)
            {
                int n = n0 + q, j = joiners[g0 + q];
                var column = f.AsSpan(n * ld + n, s - n);
                for (int k = n0; k < n; k++) VectorKernels.Axpy(-f[n + k * ld], f.AsSpan(k * ld + n, s - n), column);
                double pivot = column[0], gjj = ws.Diagonal[j];
                if (!(pivot > PivotTolerance * gjj)) return false;
                double diagonal = Math.Sqrt(pivot);
                column[0] = diagonal;
                var rest = column[1..];
                System.Numerics.Tensors.TensorPrimitives.Divide(rest, diagonal, rest);
                double signed = signs[g0 + q] * w[j];
                double yv = (signed - _step[n]) / diagonal, yc = (c[j] - _crossStep[n]) / diagonal;
                _forward[n] = yv;
                _forwardCross[n] = yc;
                VectorKernels.Axpy(yv, rest, _step.AsSpan(n + 1, s - n - 1));
                VectorKernels.Axpy(yc, rest, _crossStep.AsSpan(n + 1, s - n - 1));
                _signedWeight[n] = signed;
                Position[j] = n;
                Size = n + 1;
                _directionValid = false;
            }
        }
        return true;
    }

    /// <summary>
    /// Deletes active position p: rows p+1..|A|-1 move up, the leaver's row goes to the first inactive row, and Givens
    /// rotations of columns (i, i+1) restore the triangle, applied to every row below (the inactive rows' z and the
    /// leaver's included) and to y_v, y_c, which keeps z_i . y_v unchanged; the last column then leaves, with its share
    /// of a and u.
    /// </summary>
    public void Leave(int p)
    {
        int m = Size, s = _candidates, ld = _ld;
        var f = _factor;
        int leaver = _rows[p];
        var row = _scratch.AsSpan(0, m);
        for (int k = 0; k < m; k++) row[k] = k <= p ? f[p + (long)k * ld] : 0;
        for (int k = 0; k < m; k++)
        {
            long o = (long)k * ld;
            Array.Copy(f, o + p + 1, f, o + p, m - 1 - p);
            f[o + m - 1] = row[k];
        }
        for (int r = p; r < m - 1; r++)
        {
            _rows[r] = _rows[r + 1];
            _rowOf[_rows[r]] = r;
            Position[_rows[r]] = r;
            _signedWeight[r] = _signedWeight[r + 1];
        }
        _rows[m - 1] = leaver;
        _rowOf[leaver] = m - 1;
        Position[leaver] = -1;
        for (int i = p; i < m - 1; i++)
        {
            long o0 = (long)i * ld, o1 = o0 + ld;
            double x0 = f[o0 + i], x1 = f[o1 + i];
            double r = Math.Sqrt(x0 * x0 + x1 * x1);
            double cs = x0 / r, sn = x1 / r;
            for (int q = i + 1; q < s; q++)
            {
                double u = f[o0 + q], v = f[o1 + q];
                f[o0 + q] = cs * u + sn * v;
                f[o1 + q] = cs * v - sn * u;
            }
            f[o0 + i] = r;
            f[o1 + i] = 0;
            Rotate(_forward, i, cs, sn);
            Rotate(_forwardCross, i, cs, sn);
        }
        Size = m - 1;
        _directionValid = false;
        long last = (long)(m - 1) * ld;
        double yv = _forward[m - 1], yc = _forwardCross[m - 1];
        for (int q = m; q < s; q++)
        {
            _step[q] -= f[last + q] * yv;
            _crossStep[q] -= f[last + q] * yc;
        }
        double a = 0, u2 = 0;
        for (int k = 0; k < m - 1; k++)
        {
            double z = f[m - 1 + (long)k * ld];
            a += z * _forward[k];
            u2 += z * _forwardCross[k];
        }
        _step[m - 1] = a;
        _crossStep[m - 1] = u2;
    }

    private static void Rotate(double[] y, int i, double cs, double sn)
    {
        double u = y[i], v = y[i + 1];
        y[i] = cs * u + sn * v;
        y[i + 1] = cs * v - sn * u;
    }

    /// <summary>Most joins a jump makes in one grid interval before it hands the interval to the event-by-event path.</summary>
    private const int JumpRounds = 4;

    /// <summary>
    /// Moves from the solution at <paramref name="from"/> straight to the one at the grid alpha <paramref name="to"/>
    /// without visiting the breakpoints in between. On the current set with its signs, g_I(to) = c_I - u + to a; the
    /// inactive candidates with |g_j(to)| &gt; to w_j join with the sign of g_j(to), all at once, and the same is done on
    /// the grown set, up to <see cref="JumpRounds"/> times. Then theta_A(to) = L^-T (y_c - to y_v) by one back
    /// substitution. It succeeds when every active coefficient keeps its sign and no inactive candidate violates its
    /// bound: those are the lasso's optimality conditions at <paramref name="to"/>, so theta is the solution there, the
    /// one the breakpoints would have led to. Joiners whose coefficient comes out with the wrong sign leave again (their
    /// bound was crossed only on the line before the other joins) and the set is re-solved. A sign of a coordinate active at <paramref name="from"/> that
    /// would flip (it leaves inside the interval), a tiny pivot, or more than <see cref="JumpRounds"/> rounds undo the
    /// joins and return false: the caller then follows the interval event by event. On success theta and g hold the
    /// solution at <paramref name="to"/>; each joiner's entry alpha is where its |g_j| met alpha w_j on the line before
    /// it joined (the exact breakpoint when it is the interval's first event).
    /// </summary>
    public bool TryJump(TargetWorkspace ws, double from, double to, Span<double> theta, Span<double> g, Span<double> lastEntry)
    {
        int m0 = Size, s = _candidates, joins = 0;
        _saved = false;
        var c = ws.CrossProduct;
        var w = ws.L1Weight;
        for (int round = 0; round <= JumpRounds; round++)
        {
            int m = Size;
            int violators = 0;
            for (int r = m; r < s; r++)
            {
                int j = _rows[r];
                if (!double.IsFinite(w[j])) continue;
                double slope = c[j] - _crossStep[r], gj = slope + to * _step[r];
                if (!(Math.Abs(gj) > to * w[j])) continue;
                double sign = gj > 0 ? 1 : -1;
                _violators[violators] = j;
                _violatorSign[violators] = sign;
                // |g_j(alpha)| = alpha w_j on this line: slope + alpha a_j = sign alpha w_j
                double den = sign * w[j] - _step[r];
                _violatorEntry[violators] = den != 0 ? Math.Clamp(slope / den, to, from) : from;
                violators++;
            }
            if (violators == 0)
            {
                var th = _solution.AsSpan(0, m);
                if (m == m0)
                {
                    // No joins: the set is the one theta was found on at alpha = from, so theta(to) = theta(from) +
                    // (from - to) d, with d kept from the interval before when the set has not changed since.
                    ComputeDirection();
                    for (int p = 0; p < m; p++) th[p] = theta[_rows[p]] + (from - to) * Direction[p];
                }
                else
                {
                    for (int p = 0; p < m; p++) th[p] = _forwardCross[p] - to * _forward[p];
                    FactorizationKernels.BackSubstituteColumnMajor(_factor, _ld, m, th);
                }
                // Signs are checked on the final set only: a coordinate that would cross zero on the set before the
                // joins need not on the set after them. One that was active at the start would leave inside the
                // interval: the events handle that. One this jump added with the wrong sign should not have joined
                // (its bound was crossed only on the line before the other joins): it is dropped and the set re-solved.
                for (int p = 0; p < m0; p++)
                    if (!(th[p] * _signedWeight[p] > 0)) return Undo(m0);
                int dropped = 0;
                for (int p = m - 1; p >= m0; p--)
                {
                    if (th[p] * _signedWeight[p] > 0) continue;
                    Leave(p);
                    joins--;
                    for (int q = p - m0; q < joins; q++) _joinEntry[q] = _joinEntry[q + 1];
                    dropped++;
                }
                if (dropped > 0) continue;
                for (int p = 0; p < m; p++)
                {
                    int i = _rows[p];
                    theta[i] = th[p];
                    g[i] = to * _signedWeight[p];
                }
                for (int r = m; r < s; r++) g[_rows[r]] = c[_rows[r]] - _crossStep[r] + to * _step[r];
                for (int p = m0; p < m; p++) lastEntry[_rows[p]] = _joinEntry[p - m0];
                _saved = false;
                return true;
            }
            if (round == JumpRounds) return Undo(m0);
            if (!_saved) Save(m0);
            if (!JoinAll(ws, _violators.AsSpan(0, violators), _violatorSign.AsSpan(0, violators))) return Undo(m0);
            _violatorEntry.AsSpan(0, violators).CopyTo(_joinEntry.AsSpan(joins));
            joins += violators;
        }
        return Undo(m0);
    }

    /// <summary>Keeps a and u of the rows from m0 on, by candidate (the rows move as candidates join).</summary>
    private void Save(int m0)
    {
        for (int r = m0; r < _candidates; r++)
        {
            int j = _rows[r];
            _savedStep[j] = _step[r];
            _savedCrossStep[j] = _crossStep[r];
        }
        _saved = true;
    }

    /// <summary>
    /// Drops the coordinates a jump joined (the last ones of the factor): the set is again the one at m0. Columns 0..m0-1
    /// of every row are as they were (the joins only appended columns), and a, u come back from <see cref="Save"/>.
    /// </summary>
    private bool Undo(int m0)
    {
        for (int p = m0; p < Size; p++) Position[_rows[p]] = -1;
        if (Size != m0) _directionValid = false;
        Size = m0;
        if (_saved)
        {
            for (int r = m0; r < _candidates; r++)
            {
                int j = _rows[r];
                _step[r] = _savedStep[j];
                _crossStep[r] = _savedCrossStep[j];
            }
        }
        return false;
    }
}
