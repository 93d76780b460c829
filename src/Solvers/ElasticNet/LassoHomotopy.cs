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
/// 0 (it leaves). <see cref="HomotopyBuffers"/> keeps G_AA's Cholesky factor together with every inactive
/// candidate's would-be row of it, so a join appends columns by one GEMM over the rows below and the inactive
/// rows' a = G[I, A] d stays current; a leave deletes a row and restores the triangle with Givens rotations.
/// Each grid alpha is a stop on the current segment, so the coefficients there are exact (up to round-off),
/// and g there gives the duality gap at O(s) cost.
/// </para>
/// <para>
/// Per event: one back substitution for d (O(|A|^2)) and the appended columns (O((s - |A|) |A|) per joiner),
/// against coordinate descent's several sweeps of |A| axpys per alpha. The homotopy stops and hands the target
/// to coordinate descent (warm-started from its last grid solution) on a tiny Cholesky pivot (a candidate
/// collinear with the active set), a joining coordinate whose direction has the wrong sign, too many steps, or
/// a duality gap above the tolerance at a grid alpha.
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
                if (!h.SolveDirection(joined)) return Stop(ws, k);
                needDirection = false;
                double best = double.PositiveInfinity;
                kind = 0;
                int m = h.Size;
                // a holds G[j, A] d for the inactive candidates, entry i for candidate rows[i].
                var rows = h.InactiveRows;
                var a = h.InactiveStep;
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
                var a = h.InactiveStep;
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
        double gap = DualityGap(theta, ws.Gradient.AsSpan(0, s), ws.CrossProduct.AsSpan(0, s), ws.L1Weight.AsSpan(0, s), h.Active.AsSpan(0, s), h.Size,
            alphas[k], qy, out double r);
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
    /// <see cref="GramCoordinateDescent.DualityGap"/> for the lasso (l2 = 0, where its two duals coincide), with the
    /// candidates in <paramref name="order"/>, the first <paramref name="active"/> of them the active set (theta is 0 on
    /// the rest): rss = q_y - c^T theta - theta^T g, s = min(1, min_i alpha w_i / |g_i|),
    /// gap = rss/2 + alpha sum_i w_i |theta_i| - (s (q_y - c^T theta) - s^2 rss / 2). The sums over theta run over the
    /// active set only, so no candidate branches on theta_i != 0 (on D1 about half of those branches went the other way).
    /// </summary>
    internal static double DualityGap(ReadOnlySpan<double> theta, ReadOnlySpan<double> g, ReadOnlySpan<double> c, ReadOnlySpan<double> w,
        ReadOnlySpan<int> order, int active, double alpha, double qy, out double rss)
    {
        double thetaC = 0, thetaG = 0, pen = 0, scale = 1;
        for (int p = 0; p < active; p++)
        {
            int i = order[p];
            double t = theta[i], l1 = alpha * w[i], v = Math.Abs(g[i]);
            thetaC += t * c[i];
            thetaG += t * g[i];
            pen += l1 * Math.Abs(t);
            if (v * scale > l1) scale = l1 / v;
        }
        for (int p = active; p < order.Length; p++)
        {
            int i = order[p];
            double l1 = alpha * w[i], v = Math.Abs(g[i]);
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
