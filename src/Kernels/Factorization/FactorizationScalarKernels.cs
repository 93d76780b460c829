namespace GrnFast.Kernels.Factorization;

/// <summary>
/// The slow, obvious twins of <see cref="FactorizationKernels"/>: the definitions of NetREX-CF's masked
/// element-wise terms over one strip of edges (any layout, as long as every operand uses the same one).
/// Notation per edge: s the network weight, s0 = 1(s != 0) (-0 counts as 0, NaN as nonzero), b = 1 for a
/// prior-supported edge, alpha, beta, eta the edge's CF weights and L0 cost, r = x^T y the CF prediction, lambda
/// the CF scale, t = s0 + (1 - s0) b the CF target and w = lambda (beta s0 + alpha) its weight.
/// </summary>
public static class FactorizationScalarKernels
{
    private const int Lanes = 32;

    /// <summary>
    /// sum_j [ w_j (t_j - r_j)^2 + (s0_j ? eta_j : 0) ]: the masked CF residual plus the L0 cost of the support,
    /// in the fixed 32-lane order of the other reductions (term j into lane j mod 32, lanes folded by halving).
    /// eta = +inf marks an edge that may not exist; it costs nothing while s = 0.
    /// </summary>
    public static double CollaborativeFilterLoss(ReadOnlySpan<double> s, ReadOnlySpan<double> b, ReadOnlySpan<double> alpha,
        ReadOnlySpan<double> beta, ReadOnlySpan<double> eta, ReadOnlySpan<double> r, double lambda)
    {
        FactorizationArguments.SameLengths(s.Length, b.Length, alpha.Length, beta.Length, eta.Length, r.Length);
        Span<double> lanes = stackalloc double[Lanes];
        lanes.Clear();
        for (int j = 0; j < s.Length; j++) lanes[j % Lanes] += LossTerm(s[j], b[j], alpha[j], beta[j], eta[j], r[j], lambda);
        return Fold(lanes);
    }

    /// <summary>One term of <see cref="CollaborativeFilterLoss"/>, with its operations in the vector paths' order.</summary>
    public static double LossTerm(double s, double b, double alpha, double beta, double eta, double r, double lambda)
    {
        double s0 = s != 0 ? 1.0 : 0.0;
        double w = lambda * (beta * s0 + alpha);
        double t = s0 + (1.0 - s0) * b;
        double d = t - r;
        return w * d * d + (s0 != 0 ? eta : 0.0);
    }

    /// <summary>
    /// The PALM step on S fused with its proximal map: u = s - step * g with g = (s * ridge - c) + q half the gradient of the
    /// smooth part (q the quadratic term's share, c the linear one's, ridge the ridge weight on s), then
    /// dest = 0 where u^2 &lt;= step * delta and u elsewhere, with delta = lambda ((alpha + beta)(1 - b)(1 + 2(b - r))
    /// + beta (b - r)^2) + eta the rise of the CF and L0 terms when the edge turns on. A NaN u is kept (so a diverging
    /// fit shows); eta = +inf always gives 0.
    /// </summary>
    public static void HardThresholdStep(ReadOnlySpan<double> s, ReadOnlySpan<double> q, ReadOnlySpan<double> c, double ridge, ReadOnlySpan<double> b,
        ReadOnlySpan<double> alpha, ReadOnlySpan<double> beta, ReadOnlySpan<double> eta, ReadOnlySpan<double> r, double lambda, double step, Span<double> dest)
    {
        FactorizationArguments.SameLengths(s.Length, q.Length, alpha.Length, beta.Length, eta.Length, r.Length);
        FactorizationArguments.SameLengths(s.Length, b.Length, c.Length, s.Length, s.Length, s.Length);
        FactorizationArguments.DestinationFits(s.Length, dest.Length);
        for (int j = 0; j < s.Length; j++) dest[j] = ThresholdTerm(s[j], (s[j] * ridge - c[j]) + q[j], b[j], alpha[j], beta[j], eta[j], r[j], lambda, step);
    }

    /// <summary>One element of <see cref="HardThresholdStep"/>.</summary>
    public static double ThresholdTerm(double s, double g, double b, double alpha, double beta, double eta, double r, double lambda, double step)
    {
        double u = s - step * g;
        double e = b - r;
        double delta = lambda * ((alpha + beta) * (1.0 - b) * (1.0 + 2.0 * e) + beta * e * e) + eta;
        return u * u <= step * delta ? 0.0 : u;
    }

    /// <summary>
    /// The CF weights the factor steps need: excess_j = w_j - baseWeight (the part of w above the weight every
    /// empty, unsupported edge has) and weightedTarget_j = w_j t_j.
    /// </summary>
    public static void CollaborativeFilterWeights(ReadOnlySpan<double> s, ReadOnlySpan<double> b, ReadOnlySpan<double> alpha,
        ReadOnlySpan<double> beta, double lambda, double baseWeight, Span<double> excess, Span<double> weightedTarget)
    {
        FactorizationArguments.SameLengths(s.Length, b.Length, alpha.Length, beta.Length, s.Length, s.Length);
        FactorizationArguments.DestinationFits(s.Length, excess.Length);
        FactorizationArguments.DestinationFits(s.Length, weightedTarget.Length);
        for (int j = 0; j < s.Length; j++)
        {
            double s0 = s[j] != 0 ? 1.0 : 0.0;
            double w = lambda * (beta[j] * s0 + alpha[j]);
            double t = s0 + (1.0 - s0) * b[j];
            excess[j] = w - baseWeight;
            weightedTarget[j] = w * t;
        }
    }

    /// <summary>
    /// dest[r] += sum_p weights[p] * matrix[columns[p] * ld + r] for r &lt; dest.Length: a sparse combination of columns of
    /// a column-major matrix (leading dimension <paramref name="ld"/>), the product of a dense matrix with one sparse column.
    /// Per element, the terms are added to dest one at a time in p order, each product rounded before its add.
    /// </summary>
    public static void AddColumnCombination(ReadOnlySpan<double> matrix, int ld, ReadOnlySpan<int> columns, ReadOnlySpan<double> weights, Span<double> dest)
    {
        FactorizationArguments.Columns(matrix.Length, ld, columns, weights.Length, dest.Length);
        for (int r = 0; r < dest.Length; r++)
        {
            double acc = dest[r];
            for (int p = 0; p < columns.Length; p++) acc += weights[p] * matrix[columns[p] * ld + r];
            dest[r] = acc;
        }
    }

    /// <summary>
    /// Forward substitution down the columns of a row-major block X (w = inverse.Length rows, row j at j ldx, n columns)
    /// against a row-major lower triangle L (row j at j ldl, only p &lt; j read) with inverse[j] = 1 / L[j, j]:
    /// x[j, c] = (x[j, c] - sum_{p &lt; j} L[j, p] x[p, c]) * inverse[j], the terms subtracted one by one in p order (each
    /// product rounded first). With X holding rows of a matrix transposed, X^T becomes X^T L^-T: the rows below a
    /// Cholesky block's diagonal part, solved n at a time.
    /// </summary>
    public static void ForwardSubstituteColumns(ReadOnlySpan<double> l, int ldl, ReadOnlySpan<double> inverse, Span<double> x, int ldx, int n)
    {
        FactorizationArguments.Substitution(l.Length, ldl, inverse.Length, x.Length, ldx, n);
        int w = inverse.Length;
        for (int c = 0; c < n; c++)
            for (int j = 0; j < w; j++)
            {
                double s = x[j * ldx + c];
                for (int p = 0; p < j; p++) s -= l[j * ldl + p] * x[p * ldx + c];
                x[j * ldx + c] = s * inverse[j];
            }
    }

    /// <summary>
    /// Column j &lt; starts.Length - 1 of a column-major dest (leading dimension <paramref name="destLd"/>, <paramref name="rows"/>
    /// rows) gets <see cref="AddColumnCombination"/> of the entries [starts[j], starts[j + 1]) of <paramref name="columns"/> and
    /// <paramref name="weights"/>: dest += M S for a sparse S in compressed columns (starts non-decreasing).
    /// </summary>
    public static void AddColumnCombinations(ReadOnlySpan<double> matrix, int ld, int rows, ReadOnlySpan<int> columns, ReadOnlySpan<double> weights,
        ReadOnlySpan<int> starts, Span<double> dest, int destLd)
    {
        FactorizationArguments.Combinations(matrix.Length, ld, rows, columns, weights.Length, starts, dest.Length, destLd);
        for (int j = 0; j + 1 < starts.Length; j++)
        {
            int p0 = starts[j], p1 = starts[j + 1];
            AddColumnCombination(matrix, ld, columns[p0..p1], weights[p0..p1], dest.Slice(j * destLd, rows));
        }
    }

    /// <summary>Rows of <see cref="BackSubstituteColumnMajor"/> that take their sums at once; also its lane count.</summary>
    public const int SubstitutionBlock = 8;

    /// <summary>
    /// C -= A B^T, all column-major: c[r + q ldc] -= s with s = sum_{p &lt; depth} a[r + p lda] b[q + p ldb] taken by fused
    /// multiply-adds in p order from 0, for r &lt; rows and q &lt; count (A rows x depth, B count x depth, C rows x count).
    /// The regions may share one array when C does not overlap A or B.
    /// </summary>
    public static void SubtractProducts(ReadOnlySpan<double> a, int lda, int rows, int depth, ReadOnlySpan<double> b, int ldb, int count,
        Span<double> c, int ldc)
    {
        FactorizationArguments.Products(a.Length, lda, rows, depth, b.Length, ldb, count, c.Length, ldc);
        for (int q = 0; q < count; q++)
            for (int r = 0; r < rows; r++)
            {
                double s = 0;
                for (int p = 0; p < depth; p++) s = Math.FusedMultiplyAdd(a[r + p * lda], b[q + p * ldb], s);
                c[r + q * ldc] -= s;
            }
    }

    /// <summary>Columns of C per <see cref="SubtractProductsUpper"/> call of <see cref="SubtractProducts"/>.</summary>
    public const int UpperGroup = 16;

    /// <summary>
    /// The upper triangle of C (n x n, column-major) -= A B^T (A n x depth, B n x depth): <see cref="SubtractProducts"/>
    /// on groups of <see cref="UpperGroup"/> columns, each over the rows down to its last column, so the diagonal blocks'
    /// lower parts change too and the rest of the lower triangle does not. For a symmetric update such as a Gram's,
    /// C += sum_p s_p x_p x_p^T with A = -(s x) and B = x, at (n + 16) n / 2 of the n^2 multiply-adds per depth.
    /// </summary>
    public static void SubtractProductsUpper(ReadOnlySpan<double> a, int lda, int depth, ReadOnlySpan<double> b, int ldb, int n,
        Span<double> c, int ldc)
    {
        FactorizationArguments.Products(a.Length, lda, n, depth, b.Length, ldb, n, c.Length, ldc);
        for (int q0 = 0; q0 < n; q0 += UpperGroup)
        {
            int count = Math.Min(UpperGroup, n - q0);
            SubtractProducts(a, lda, q0 + count, depth, b[q0..], ldb, count, c[(q0 * ldc)..], ldc);
        }
    }

    /// <summary>
    /// Solves L^T z = b in place for a column-major lower-triangular L (column p at p * ld, entries p..rows-1; L[p, p]
    /// &#8800; 0), that is U z = b for the row-major upper triangle U = L^T, in blocks of 8 rows counted from the last:
    /// z_p = (b_p - S_p - sum_{p &lt; q &lt; p1} L[q, p] z_q) * (1 / L[p, p]), where p's block ends at p1 = rows - 8 floor((rows - 1 - p) / 8),
    /// the in-block terms go one by one from q = p1 - 1 down (the order the z_q are found in), and S_p = sum_{q &gt;= p1} L[q, p] z_q in 8 lanes (lane k takes the
    /// q - p1 = k mod 8 terms in q order, folded as <see cref="Fold"/>): a block's rows take their sums at once.
    /// </summary>
    public static void BackSubstituteColumnMajor(ReadOnlySpan<double> l, int ld, int rows, Span<double> b)
    {
        FactorizationArguments.Triangle(l.Length, ld, rows, b.Length);
        Span<double> lanes = stackalloc double[SubstitutionBlock];
        for (int p = rows - 1; p >= 0; p--)
        {
            int p1 = rows - (rows - 1 - p) / SubstitutionBlock * SubstitutionBlock;
            lanes.Clear();
            for (int q = p1; q < rows; q++) lanes[(q - p1) % SubstitutionBlock] += l[p * ld + q] * b[q];
            double t = b[p] - Fold(lanes);
            for (int q = p1 - 1; q > p; q--) t -= l[p * ld + q] * b[q];
            b[p] = t * (1.0 / l[p * ld + p]);
        }
    }

    /// <summary>lane j += lane j + half for half = n/2, n/4, ..., 1 (n = lanes.Length, a power of two); returns lane 0.</summary>
    internal static double Fold(Span<double> lanes)
    {
        for (int half = lanes.Length / 2; half >= 1; half /= 2)
            for (int j = 0; j < half; j++) lanes[j] += lanes[j + half];
        return lanes[0];
    }
}
