using GrnFast.Solvers.Results;

namespace GrnFast.Solvers.CellOracle;

/// <summary>
/// scikit-learn 1.2's BayesianRidge (MacKay's evidence maximisation) for one target, on its Gram slice instead of
/// the cells. With G = X_c^T X_c = V diag(e) V^T (X_c the centred candidates), b = X_c^T y_c and r = lambda / alpha:
/// <code>
///   coef = V diag(1 / (e + r)) V^T b            rmse = ||y_c||^2 - 2 coef^T b + coef^T G coef
///   gamma = sum alpha e / (lambda + alpha e)    lambda = (gamma + 2 l1) / (||coef||^2 + 2 l2)
///   alpha = (n - gamma + 2 a1) / (rmse + 2 a2)  until sum |coef - coef_old| &lt; tol (from the 2nd iteration)
///   sigma = V diag(1 / (alpha e + lambda)) V^T  (the posterior covariance; its diagonal is coef_variance)
/// </code>
/// starting from alpha = 1 / (var(y) + eps), lambda = 1, exactly scikit-learn's sequence (it uses the SVD of X_c,
/// whose squared singular values and right vectors are e and V). Differences: rmse comes from the Gram, accurate
/// while the fit leaves more than ~1e-10 of ||y_c||^2 unexplained; and when the cluster has no more cells than
/// candidates, scikit-learn's sigma_ drops the null space of X_c (so it depends on the SVD's arbitrary basis there)
/// while this keeps the posterior's 1/lambda on it.
/// </summary>
internal static class BayesianRidgeEvidence
{
    public static TargetLinks Fit(int target, int[] candidates, CellOracleGrn.ColumnPlan plan, BagCrossProducts cross, ClusterExpression z,
        CellOracleOptions options, EvidenceWorkspace ws)
    {
        int k = candidates.Length, n = z.Cells;
        int yz = plan.TargetZ[target];
        double sigmaY = plan.Scale[yz];
        var g = ws.Matrix(k);
        var xty = ws.Vector(0, k);
        for (int u = 0; u < k; u++)
        {
            int ru = plan.RegulatorZ[candidates[u]];
            for (int v = 0; v <= u; v++)
            {
                double gv = cross.Gram(ru, plan.RegulatorZ[candidates[v]]);
                g[u * k + v] = gv;
                g[v * k + u] = gv;
            }
            xty[u] = sigmaY * cross.Cross(ru, yz);
        }
        double yy = sigmaY * sigmaY * cross.SumOfSquares(yz);

        var e = ws.Vector(1, k);
        var vectors = ws.Vectors(k);
        if (!SymmetricEigen.Decompose(g, k, e, vectors, ws.Vector(2, k)))
            return Failed(target, candidates);
        for (int i = 0; i < k; i++) e[i] = Math.Max(e[i], 0); // squared singular values are >= 0
        // bp = V^T b: the right-hand side in the eigenbasis.
        var bp = ws.Vector(3, k);
        for (int i = 0; i < k; i++)
        {
            double s = 0;
            for (int u = 0; u < k; u++) s += vectors[u * k + i] * xty[u];
            bp[i] = s;
        }

        // numpy's float64 eps keeps alpha finite for a constant target, as in scikit-learn.
        double alpha = 1.0 / (yy / n + 2.220446049250313e-16), lambda = 1.0;
        var coef = ws.Vector(4, k);
        var old = ws.Vector(5, k);
        var d = ws.Vector(6, k);
        bool converged = false;
        int iteration;
        for (iteration = 0; iteration < options.MaxIterations; iteration++)
        {
            double rmse = Update(e, bp, vectors, k, yy, lambda / alpha, d, coef);
            double gamma = 0, norm2 = 0;
            for (int i = 0; i < k; i++) { gamma += alpha * e[i] / (lambda + alpha * e[i]); norm2 += d[i] * d[i]; }
            lambda = (gamma + 2 * options.Lambda1) / (norm2 + 2 * options.Lambda2);
            alpha = (n - gamma + 2 * options.Alpha1) / (rmse + 2 * options.Alpha2);
            if (iteration != 0)
            {
                double change = 0;
                for (int i = 0; i < k; i++) change += Math.Abs(old[i] - coef[i]);
                if (change < options.Tolerance) { converged = true; break; }
            }
            coef.CopyTo(old);
        }
        int iterations = Math.Min(iteration + 1, options.MaxIterations);
        Update(e, bp, vectors, k, yy, lambda / alpha, d, coef);

        var regs = new List<int>(k); var means = new List<double>(k); var variances = new List<double>(k); var p = new List<PValue>(k);
        for (int u = 0; u < k; u++)
        {
            if (z.Constant[plan.RegulatorZ[candidates[u]]]) continue;
            // sigma_uu = sum_i V_ui^2 / (alpha e_i + lambda)
            double variance = 0;
            for (int i = 0; i < k; i++) { double vu = vectors[u * k + i]; variance += vu * vu / (alpha * e[i] + lambda); }
            regs.Add(candidates[u]); means.Add(coef[u]); variances.Add(variance);
            p.Add(EdgeSignificance.Normal(coef[u], Math.Sqrt(variance)));
        }
        return new TargetLinks
        {
            Target = target, Candidates = k, Regulators = regs.ToArray(), CoefMean = means.ToArray(), CoefVariance = variances.ToArray(),
            P = p.ToArray(), Bags = Enumerable.Repeat(1, regs.Count).ToArray(),
            Status = converged ? SolverStatus.Converged : SolverStatus.MaxIterations, Iterations = iterations,
        };
    }

    /// <summary>coef = V d with d = bp / (e + r); returns rmse = yy - 2 d^T bp + sum e d^2 (never below 0).</summary>
    private static double Update(ReadOnlySpan<double> e, ReadOnlySpan<double> bp, ReadOnlySpan<double> vectors, int k, double yy, double r, Span<double> d, Span<double> coef)
    {
        double fit = 0;
        for (int i = 0; i < k; i++)
        {
            d[i] = bp[i] / (e[i] + r);
            fit += 2 * d[i] * bp[i] - e[i] * d[i] * d[i];
        }
        for (int u = 0; u < k; u++)
        {
            double s = 0;
            var row = vectors.Slice(u * k, k);
            for (int i = 0; i < k; i++) s += row[i] * d[i];
            coef[u] = s;
        }
        return Math.Max(yy - fit, 0);
    }

    private static TargetLinks Failed(int target, int[] candidates) => new()
    {
        Target = target, Candidates = candidates.Length, Regulators = [], CoefMean = [], P = [], Bags = [], CoefVariance = [],
        Status = SolverStatus.NumericalFailure,
    };
}

/// <summary>Per-thread buffers of <see cref="BayesianRidgeEvidence"/>, grown on demand.</summary>
internal sealed class EvidenceWorkspace
{
    private double[] _matrix = [], _vectors = [];
    private readonly double[][] _v = new double[7][];

    public EvidenceWorkspace() { for (int i = 0; i < _v.Length; i++) _v[i] = []; }

    public Span<double> Matrix(int k) { if (_matrix.Length < k * k) _matrix = new double[k * k]; return _matrix.AsSpan(0, k * k); }
    public Span<double> Vectors(int k) { if (_vectors.Length < k * k) _vectors = new double[k * k]; return _vectors.AsSpan(0, k * k); }
    public Span<double> Vector(int which, int k) { if (_v[which].Length < k) _v[which] = new double[k]; return _v[which].AsSpan(0, k); }
}
