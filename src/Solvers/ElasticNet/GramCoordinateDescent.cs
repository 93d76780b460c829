using GrnFast.Kernels.Vectors;
using GrnFast.Solvers.Results;

namespace GrnFast.Solvers.ElasticNet;

/// <summary>
/// Coordinate descent for one target at one alpha in covariance (Gram) form:
///   minimize_theta 1/2 theta^T G theta - c^T theta + q_y/2 + penalty(theta)
/// which equals (1/2n)||y - X theta||^2 + penalty with G = X^T X / n, c = X^T y / n, q_y = y^T y / n.
/// The solver keeps g = c - G theta up to date with one axpy per changed coordinate over the columns of G
/// it has gathered (glmnet's covariance updates), works on an active set grown by a KKT check, and stops on
/// the duality gap. Nothing here touches cells.
/// </summary>
internal static class GramCoordinateDescent
{
    /// <summary>
    /// Solves at one alpha from the current theta/g of <paramref name="ws"/> (warm start).
    /// <paramref name="screen"/> is the strong-rule threshold factor: coordinates with
    /// |g_i| &lt; screen * l1_i start outside the working set (1 = only KKT violators).
    /// </summary>
    public static Certificate Solve(TargetWorkspace ws, scoped in WeightedElasticNetPenalty penalty, double qy, double tolerance, int maxSweeps, double screen, out SolverStatus status, out double rss)
    {
        int s = ws.Candidates;
        var theta = ws.Theta.AsSpan(0, s);
        var g = ws.Gradient.AsSpan(0, s);
        var diag = ws.Diagonal.AsSpan(0, s);
        double tol = tolerance * qy;

        // Working set: nonzero coordinates plus those the strong rule cannot discard.
        ws.ClearWorkingSet();
        for (int i = 0; i < s; i++)
            if (theta[i] != 0 || Math.Abs(g[i]) >= screen * penalty.L1(i)) ws.AddToWorkingSet(i);

        double gap = double.PositiveInfinity;
        rss = double.NaN;
        int sweeps = 0;
        status = SolverStatus.MaxIterations;
        ws.Anderson.Reset(ws.WorkingSet.Length);
        while (sweeps < maxSweeps)
        {
            sweeps++;
            var working = ws.WorkingSet;
            for (int w = 0; w < working.Length; w++)
            {
                int i = working[w];
                double old = theta[i];
                double h = diag[i];
                double next = penalty.Update(i, g[i] + h * old, h);
                double delta = next - old;
                if (delta == 0) continue;
                theta[i] = next;
                // g -= delta * G[:, i]
                VectorKernels.Axpy(-delta, ws.GramColumn(i), g);
            }
            if (ws.Anderson.Push(working, theta))
            {
                TryAnderson(ws, penalty);
                ws.Anderson.Reset(working.Length);
            }

            gap = DualityGap(theta, g, ws.CrossProduct.AsSpan(0, s), penalty, qy, out rss);
            if (!double.IsFinite(gap)) { status = SolverStatus.NumericalFailure; break; }
            if (gap <= tol)
            {
                status = SolverStatus.Converged;
                break;
            }
            // Not yet optimal: let in every coordinate outside the working set that violates its KKT condition.
            int before = ws.WorkingSet.Length;
            for (int i = 0; i < s; i++)
                if (!ws.InWorkingSet(i) && Math.Abs(g[i]) > penalty.L1(i)) ws.AddToWorkingSet(i);
            if (ws.WorkingSet.Length != before) ws.Anderson.Reset(ws.WorkingSet.Length);
        }
        return new Certificate(gap, tol, sweeps);
    }

    /// <summary>
    /// Replaces theta (and g) by the Anderson extrapolation of the last sweeps when that lowers the objective
    /// P(theta) = 1/2 theta^T G theta - c^T theta + pen(theta) = -1/2 (c^T theta + theta^T g) + pen(theta).
    /// Coordinates outside the working set are 0 and stay 0.
    /// </summary>
    private static void TryAnderson(TargetWorkspace ws, scoped in WeightedElasticNetPenalty penalty)
    {
        int s = ws.Candidates;
        var working = ws.WorkingSet;
        var proposal = ws.ExtrapolatedTheta.AsSpan(0, working.Length);
        if (!ws.Anderson.TryExtrapolate(proposal)) return;
        var theta = ws.Theta.AsSpan(0, s);
        var g = ws.Gradient.AsSpan(0, s);
        var c = ws.CrossProduct.AsSpan(0, s);
        var gNew = ws.ExtrapolatedGradient.AsSpan(0, s);
        g.CopyTo(gNew);
        double penOld = 0, penNew = 0, cOld = 0, cNew = 0, gOld = 0, gNewDot = 0;
        for (int w = 0; w < working.Length; w++)
        {
            int i = working[w];
            double d = proposal[w] - theta[i];
            if (!double.IsFinite(d)) return;
            // g_new = g - (theta_new - theta)_i G[:, i]
            if (d != 0) VectorKernels.Axpy(-d, ws.GramColumn(i), gNew);
        }
        for (int w = 0; w < working.Length; w++)
        {
            int i = working[w];
            double t0 = theta[i], t1 = proposal[w];
            penOld += penalty.Value(i, t0); penNew += penalty.Value(i, t1);
            cOld += c[i] * t0; cNew += c[i] * t1;
            gOld += g[i] * t0; gNewDot += gNew[i] * t1;
        }
        double objectiveOld = -0.5 * (cOld + gOld) + penOld;
        double objectiveNew = -0.5 * (cNew + gNewDot) + penNew;
        if (!(objectiveNew < objectiveOld)) return;
        for (int w = 0; w < working.Length; w++) theta[working[w]] = proposal[w];
        gNew.CopyTo(g);
    }

    /// <summary>
    /// P(theta) - D(nu), the smaller of two valid duality gaps, both from Gram quantities
    /// (rss = ||r||^2/n = q_y - c^T theta - theta^T g, y^T r/n = q_y - c^T theta, P = rss/2 + sum pen_i(theta_i)):
    /// <list type="bullet">
    /// <item>the elastic net as a lasso on augmented data [X; sqrt(n l2) I] (scikit-learn's dual):
    /// D = s y^T r/n - s^2/2 (rss + sum l2_i theta_i^2), s = min(1, min_i l1_i / |g_i - l2_i theta_i|);
    /// tight when l2 is small, undefined for ridge (l1 = 0);</item>
    /// <item>the Fenchel dual with the conjugate of each coordinate's penalty,
    /// D = s y^T r/n - s^2 rss/2 - sum_i (s|g_i| - l1_i)_+^2 / (2 l2_i), s = min(1, min over l2_i = 0 of l1_i/|g_i|);
    /// exact for ridge, loose when l2 is small.</item>
    /// </list>
    /// Each is &gt;= P(theta) - P(theta*) and 0 at the optimum, so their minimum is a certificate too.
    /// </summary>
    public static double DualityGap(ReadOnlySpan<double> theta, ReadOnlySpan<double> g, ReadOnlySpan<double> c, scoped in WeightedElasticNetPenalty penalty, double qy, out double rss)
    {
        double thetaC = VectorKernels.Dot(theta, c);
        double thetaG = VectorKernels.Dot(theta, g);
        rss = qy - thetaC - thetaG;
        double yr = qy - thetaC;
        double pen = 0, ridge = 0, conjScale = 1, augScale = 1;
        bool augmented = true;
        for (int i = 0; i < theta.Length; i++)
        {
            double t = theta[i], l1 = penalty.L1(i), l2 = penalty.L2(i);
            if (t != 0) { pen += penalty.Value(i, t); ridge += l2 * t * t; }
            if (l1 == 0) augmented = false;
            double v = Math.Abs(g[i] - l2 * t);
            if (v * augScale > l1) augScale = l1 / v;
            if (l2 == 0)
            {
                double a = Math.Abs(g[i]);
                if (a * conjScale > l1) conjScale = l1 / a;
            }
        }
        double conj = 0;
        for (int i = 0; i < theta.Length; i++) conj += penalty.Conjugate(i, conjScale * g[i]);
        double primal = 0.5 * rss + pen;
        double gap = primal - (conjScale * yr - 0.5 * conjScale * conjScale * rss - conj);
        if (augmented)
        {
            double augmentedGap = primal - (augScale * yr - 0.5 * augScale * augScale * (rss + ridge));
            if (augmentedGap < gap) gap = augmentedGap;
        }
        return gap;
    }
}
