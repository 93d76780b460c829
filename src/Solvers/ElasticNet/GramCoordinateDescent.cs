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
    public static Certificate Solve(TargetWorkspace ws, scoped in WeightedElasticNetPenalty penalty, double qy, double tolerance, int maxSweeps, double screen, out SolverStatus status)
    {
        int s = ws.Candidates;
        var theta = ws.Theta.AsSpan(0, s);
        var g = ws.Gradient.AsSpan(0, s);
        var diag = ws.Diagonal.AsSpan(0, s);
        double tol = tolerance * qy;

        // Working set: nonzero coordinates plus those the strong rule cannot discard.
        ws.ClearWorkingSet();
        for (int i = 0; i < s; i++)
            if (theta[i] != 0 || Math.Abs(g[i]) >= screen * penalty.L1[i]) ws.AddToWorkingSet(i);

        double gap = double.PositiveInfinity;
        int sweeps = 0;
        status = SolverStatus.MaxIterations;
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

            gap = DualityGap(theta, g, ws.CrossProduct.AsSpan(0, s), penalty, qy);
            if (!double.IsFinite(gap)) { status = SolverStatus.NumericalFailure; break; }
            if (gap <= tol)
            {
                status = SolverStatus.Converged;
                break;
            }
            // Not yet optimal: let in every coordinate outside the working set that violates its KKT condition.
            for (int i = 0; i < s; i++)
                if (!ws.InWorkingSet(i) && Math.Abs(g[i]) > penalty.L1[i]) ws.AddToWorkingSet(i);
        }
        return new Certificate(gap, tol, sweeps);
    }

    /// <summary>
    /// P(theta) - D(nu) for the Fenchel dual with the dual point nu = s r / n built from the residual:
    ///   P = rss/2 + sum pen_i(theta_i),  rss = ||r||^2/n = q_y - c^T theta - theta^T g,
    ///   D = s y^T r/n - s^2 rss/2 - sum_i pen_i*(s g_i),  y^T r/n = q_y - c^T theta,
    /// with s = min(1, min over pure-l1 coordinates of l1_i / |g_i|) so the dual point is feasible.
    /// It is &gt;= P(theta) - P(theta*) and 0 at the optimum.
    /// </summary>
    public static double DualityGap(ReadOnlySpan<double> theta, ReadOnlySpan<double> g, ReadOnlySpan<double> c, scoped in WeightedElasticNetPenalty penalty, double qy)
    {
        double thetaC = VectorKernels.Dot(theta, c);
        double thetaG = VectorKernels.Dot(theta, g);
        double rss = qy - thetaC - thetaG;
        double yr = qy - thetaC;
        double pen = 0, scale = 1;
        for (int i = 0; i < theta.Length; i++)
        {
            if (theta[i] != 0) pen += penalty.Value(i, theta[i]);
            if (penalty.L2[i] == 0)
            {
                double a = Math.Abs(g[i]);
                if (a * scale > penalty.L1[i]) scale = penalty.L1[i] / a;
            }
        }
        double conj = 0;
        for (int i = 0; i < theta.Length; i++) conj += penalty.Conjugate(i, scale * g[i]);
        double primal = 0.5 * rss + pen;
        double dual = scale * yr - 0.5 * scale * scale * rss - conj;
        return primal - dual;
    }

    /// <summary>||y - X theta||^2 / n from Gram quantities.</summary>
    public static double ResidualSumOfSquares(ReadOnlySpan<double> theta, ReadOnlySpan<double> g, ReadOnlySpan<double> c, double qy)
        => qy - VectorKernels.Dot(theta, c) - VectorKernels.Dot(theta, g);
}
