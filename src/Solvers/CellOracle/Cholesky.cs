namespace GrnFast.Solvers.CellOracle;

/// <summary>
/// In-place Cholesky factorization and solve of a small symmetric positive definite k x k system (row-major,
/// only the lower triangle read). This is what scikit-learn's Ridge "cholesky" solver does on X^T X + alpha I; the
/// order of operations is fixed, so a system gives the same bits on every thread.
/// </summary>
internal static class Cholesky
{
    /// <summary>Overwrites the lower triangle of <paramref name="a"/> with L (A = L L^T). False if A is not positive definite.</summary>
    public static bool Factor(Span<double> a, int k)
    {
        for (int j = 0; j < k; j++)
        {
            var rowJ = a.Slice(j * k, j);
            // L_jj = sqrt(A_jj - sum_p L_jp^2)
            double d = a[j * k + j];
            foreach (var v in rowJ) d -= v * v;
            if (!(d > 0)) return false;
            double ljj = Math.Sqrt(d);
            a[j * k + j] = ljj;
            for (int i = j + 1; i < k; i++)
            {
                // L_ij = (A_ij - sum_p L_ip L_jp) / L_jj
                var rowI = a.Slice(i * k, j);
                double s = a[i * k + j];
                for (int p = 0; p < j; p++) s -= rowI[p] * rowJ[p];
                a[i * k + j] = s / ljj;
            }
        }
        return true;
    }

    /// <summary>Solves L L^T x = b in place of <paramref name="b"/> with the factor from <see cref="Factor"/>.</summary>
    public static void Solve(ReadOnlySpan<double> l, int k, Span<double> b)
    {
        for (int i = 0; i < k; i++)
        {
            double s = b[i];
            var row = l.Slice(i * k, i);
            for (int p = 0; p < i; p++) s -= row[p] * b[p];
            b[i] = s / l[i * k + i];
        }
        for (int i = k - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int p = i + 1; p < k; p++) s -= l[p * k + i] * b[p];
            b[i] = s / l[i * k + i];
        }
    }
}
