using GrnFast.Solvers.Results;

namespace GrnFast.Solvers.ElasticNet;

/// <summary>
/// The regularization path of one target: alpha_max, the log-spaced grid, and the warm-started sequence of
/// point solves with sequential strong-rule screening. Records theta, the certificate and the residual
/// sum of squares at every alpha, and for every coefficient the alpha at which it entered.
/// </summary>
internal static class LambdaPath
{
    /// <summary>
    /// Smallest alpha with theta = 0: max_i |c_i| / (rho w_i), with c_i = scale * crossColumn[candidates[i]]
    /// (the target's cross-products with its candidates). For ridge (rho = 0) no finite alpha zeroes theta,
    /// so rho = 1e-3 stands in, as glmnet does.
    /// </summary>
    public static double AlphaMax(ReadOnlySpan<double> crossColumn, ReadOnlySpan<int> candidates, double scale, ReadOnlySpan<double> weights, double l1Ratio)
    {
        double rho = Math.Max(l1Ratio, 1e-3);
        double max = 0;
        for (int i = 0; i < candidates.Length; i++) max = Math.Max(max, Math.Abs(crossColumn[candidates[i]] * scale) / (rho * weights[i]));
        return max;
    }

    /// <summary>alpha_k = alpha_max * eps^(k/(K-1)), k = 0..K-1 (numpy.geomspace(alpha_max, eps*alpha_max, K)).</summary>
    public static void Grid(double alphaMax, double minRatio, Span<double> alphas)
    {
        int k = alphas.Length;
        if (k == 0) return;
        alphas[0] = alphaMax;
        if (k == 1) return;
        double logMax = Math.Log(alphaMax), step = Math.Log(minRatio) / (k - 1);
        for (int i = 1; i < k; i++) alphas[i] = Math.Exp(logMax + i * step);
        alphas[k - 1] = alphaMax * minRatio;
    }

    /// <summary>
    /// Runs the path over <paramref name="alphas"/> from theta = 0. Row k of ws.PathTheta receives theta at
    /// alpha_k. <paramref name="entry"/>[i] receives the alpha at which coefficient i became nonzero
    /// (interpolated from its KKT slack at the previous alpha), 0 if it never did.
    /// </summary>
    /// <remarks>
    /// When <paramref name="startsAtAlphaMax"/> (a grid from <see cref="Grid"/>, rho &gt; 0), theta = 0 is the
    /// exact solution at alpha_0: it is set, not solved for, so round-off in l1 = alpha_max rho w cannot let
    /// a 1e-16 coefficient in.
    /// </remarks>
    public static PathSolvedBy Run(TargetWorkspace ws, ReadOnlySpan<double> alphas, double l1Ratio, double qy, ElasticNetOptions options, bool startsAtAlphaMax,
        Span<Certificate> certificates, Span<SolverStatus> statuses, Span<double> rss, Span<double> entry, CancellationToken cancellation)
    {
        int s = ws.Candidates;
        ws.Reset();
        entry.Clear();
        int start = 0;
        var solvedBy = PathSolvedBy.CoordinateDescent;
        if (UsesHomotopy(options, l1Ratio, alphas.Length) && LassoHomotopy.Applies(ws, alphas))
        {
            start = LassoHomotopy.Run(ws, alphas, qy, options.Tolerance, jumps: options.Solver != PathSolver.HomotopyEvents, certificates, statuses, rss, entry, cancellation);
            if (start == alphas.Length) return PathSolvedBy.Homotopy;
            solvedBy = PathSolvedBy.HomotopyThenCoordinateDescent;
        }
        for (int k = start; k < alphas.Length; k++)
        {
            if (cancellation.IsCancellationRequested)
            {
                for (int r = k; r < alphas.Length; r++) { statuses[r] = SolverStatus.Cancelled; certificates[r] = new Certificate(double.NaN, double.NaN, 0); }
                return solvedBy;
            }
            double alpha = alphas[k];
            Array.Copy(ws.Gradient, ws.PreviousGradient, s);
            // Sequential strong rule: discard i when |g_i| < rho w_i (2 alpha_k - alpha_{k-1}).
            double screen = k == 0 ? 1.0 : 2.0 - alphas[k - 1] / alpha;
            var penalty = ws.Penalty(alpha);
            var theta = ws.Theta.AsSpan(0, s);
            if (k == 0 && startsAtAlphaMax && l1Ratio > 0)
            {
                statuses[k] = SolverStatus.Converged;
                double gap = GramCoordinateDescent.DualityGap(theta, ws.Gradient.AsSpan(0, s), ws.CrossProduct.AsSpan(0, s), penalty, qy, out rss[k]);
                certificates[k] = new Certificate(Math.Max(gap, 0), options.Tolerance * qy, 0);
            }
            else certificates[k] = GramCoordinateDescent.Solve(ws, penalty, qy, options.Tolerance, options.MaxSweeps, screen, out statuses[k], out rss[k]);
            theta.CopyTo(ws.PathTheta.AsSpan(k * s, s));
            if (l1Ratio > 0)
            {
                double upper = k == 0 ? alpha : alphas[k - 1];
                // Only the working set can have moved.
                foreach (int i in ws.WorkingSet)
                {
                    if (theta[i] == 0 || entry[i] != 0) continue;
                    double slack = Math.Abs(ws.PreviousGradient[i]) / (l1Ratio * ws.Weight[i]);
                    entry[i] = Math.Clamp(slack, alpha, upper);
                }
            }
        }
        return solvedBy;
    }

    /// <summary>
    /// The homotopy when asked for, or under <see cref="PathSolver.Auto"/> for a lasso path of several alphas
    /// (a single alpha would still walk every breakpoint above it).
    /// </summary>
    public static bool UsesHomotopy(ElasticNetOptions options, double l1Ratio, int pathLength) => options.Solver switch
    {
        PathSolver.Homotopy or PathSolver.HomotopyEvents => l1Ratio == 1,
        PathSolver.Auto => l1Ratio == 1 && pathLength > 1,
        _ => false,
    };
}