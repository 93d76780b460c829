namespace GrnFast.Solvers.CellOracle;

/// <summary>
/// Eigen-decomposition A = V diag(lambda) V^T of a small dense symmetric matrix: Householder reduction to
/// tridiagonal form with the reflections accumulated into V, then implicit QL iterations with Wilkinson-type
/// shifts, each Givens rotation applied to V. About 10 k^3 flops; the eigenvalues come unsorted. BayesianRidge
/// needs it once per target: every evidence iteration afterwards is O(k^2) in the eigenbasis.
/// </summary>
internal static class SymmetricEigen
{
    /// <summary>
    /// Decomposes the k x k row-major symmetric <paramref name="a"/> (destroyed). Writes the eigenvalues to
    /// <paramref name="values"/> and the eigenvectors as the columns of the row-major <paramref name="vectors"/>.
    /// <paramref name="offDiagonal"/> is scratch of length k. False if QL did not converge (never seen in practice).
    /// </summary>
    public static bool Decompose(Span<double> a, int k, Span<double> values, Span<double> vectors, Span<double> offDiagonal)
    {
        Tridiagonalize(a, k, vectors);
        for (int i = 0; i < k; i++) values[i] = a[i * k + i];
        for (int i = 0; i < k - 1; i++) offDiagonal[i] = a[(i + 1) * k + i];
        if (k > 0) offDiagonal[k - 1] = 0;
        return QlImplicit(values, offDiagonal, k, vectors);
    }

    /// <summary>Q^T A Q = T by k - 2 Householder reflections H = I - 2 v v^T; Q = H_1 H_2 ... accumulated in <paramref name="q"/>.</summary>
    private static void Tridiagonalize(Span<double> a, int k, Span<double> q)
    {
        q.Slice(0, k * k).Clear();
        for (int i = 0; i < k; i++) q[i * k + i] = 1;
        Span<double> v = k <= 256 ? stackalloc double[k] : new double[k];
        Span<double> w = k <= 256 ? stackalloc double[k] : new double[k];
        for (int c = 0; c < k - 2; c++)
        {
            int start = c + 1, len = k - start;
            double norm = 0;
            for (int i = 0; i < len; i++) { double x = a[(start + i) * k + c]; norm += x * x; }
            norm = Math.Sqrt(norm);
            if (norm == 0) continue;
            double x0 = a[start * k + c];
            // The reflection sends x to alpha e_1, alpha of opposite sign to x_0 so that v = x - alpha e_1 does not cancel.
            double alpha = x0 > 0 ? -norm : norm;
            var vs = v.Slice(0, len);
            for (int i = 0; i < len; i++) vs[i] = a[(start + i) * k + c];
            vs[0] -= alpha;
            double vnorm = 0;
            foreach (var x in vs) vnorm += x * x;
            vnorm = Math.Sqrt(vnorm);
            if (vnorm == 0) continue;
            for (int i = 0; i < len; i++) vs[i] /= vnorm;

            // Trailing block B: H B H = B - 2 (v w^T + w v^T), p = B v, w = p - (v^T p) v.
            var ws = w.Slice(0, len);
            double kvp = 0;
            for (int i = 0; i < len; i++)
            {
                double p = 0;
                var row = a.Slice((start + i) * k + start, len);
                for (int j = 0; j < len; j++) p += row[j] * vs[j];
                ws[i] = p;
                kvp += vs[i] * p;
            }
            for (int i = 0; i < len; i++) ws[i] -= kvp * vs[i];
            for (int i = 0; i < len; i++)
            {
                var row = a.Slice((start + i) * k + start, len);
                double vi = vs[i], wi = ws[i];
                for (int j = 0; j < len; j++) row[j] -= 2 * (vi * ws[j] + wi * vs[j]);
            }
            a[start * k + c] = alpha;
            a[c * k + start] = alpha;
            for (int i = 1; i < len; i++) { a[(start + i) * k + c] = 0; a[c * k + start + i] = 0; }

            // Q <- Q H: Q[:, start..] -= 2 (Q[:, start..] v) v^T
            for (int r = 0; r < k; r++)
            {
                var row = q.Slice(r * k + start, len);
                double s = 0;
                for (int j = 0; j < len; j++) s += row[j] * vs[j];
                s *= 2;
                for (int j = 0; j < len; j++) row[j] -= s * vs[j];
            }
        }
    }

    /// <summary>
    /// Eigenvalues of the symmetric tridiagonal (d, e) (e[i] couples i and i + 1, e[k-1] = 0) by implicit QL; each
    /// plane rotation of rows i, i + 1 is applied to the columns i, i + 1 of <paramref name="z"/>.
    /// </summary>
    private static bool QlImplicit(Span<double> d, Span<double> e, int k, Span<double> z)
    {
        for (int l = 0; l < k; l++)
        {
            int iterations = 0;
            int m;
            do
            {
                // The first negligible off-diagonal element at or after l splits the matrix.
                for (m = l; m < k - 1; m++)
                {
                    double scale = Math.Abs(d[m]) + Math.Abs(d[m + 1]);
                    if (Math.Abs(e[m]) <= 2.2e-16 * scale) break;
                }
                if (m == l) break;
                if (++iterations > 60) return false;

                // Shift from the leading 2 x 2 block: the eigenvalue of it closer to d[l].
                double g = (d[l + 1] - d[l]) / (2 * e[l]);
                double r = Hypot(g, 1);
                g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
                double s = 1, c = 1, p = 0;
                int i;
                bool deflated = false;
                for (i = m - 1; i >= l; i--)
                {
                    double f = s * e[i], b = c * e[i];
                    r = Hypot(f, g);
                    e[i + 1] = r;
                    if (r == 0)
                    {
                        // Underflow: the matrix splits here; recover and restart the sweep.
                        d[i + 1] -= p;
                        e[m] = 0;
                        deflated = true;
                        break;
                    }
                    s = f / r;
                    c = g / r;
                    g = d[i + 1] - p;
                    r = (d[i] - g) * s + 2 * c * b;
                    p = s * r;
                    d[i + 1] = g + p;
                    g = c * r - b;
                    for (int row = 0; row < k; row++)
                    {
                        int at = row * k + i;
                        double zi = z[at], zi1 = z[at + 1];
                        z[at + 1] = s * zi + c * zi1;
                        z[at] = c * zi - s * zi1;
                    }
                }
                if (deflated) continue;
                d[l] -= p;
                e[l] = g;
                e[m] = 0;
            }
            while (true);
        }
        return true;
    }

    private static double Hypot(double a, double b)
    {
        double x = Math.Abs(a), y = Math.Abs(b);
        if (x < y) (x, y) = (y, x);
        if (x == 0) return 0;
        double t = y / x;
        return x * Math.Sqrt(1 + t * t);
    }
}
