using GrnFast.Kernels.Blas;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Solvers.NetRex;

/// <summary>
/// In-place Cholesky factorisation and solve of a k x k symmetric positive definite system (row-major, lower triangle
/// read), with the inner products as fixed-order vector dots over contiguous row prefixes: the factor steps solve
/// hundreds of 150 x 150 systems per PALM iteration, where the scalar loop was a third of the time.
/// </summary>
internal static class RowCholesky
{
    private const int Panel = 32;

    /// <summary>
    /// Overwrites the lower triangle of <paramref name="a"/> with L (A = L L^T). False if A is not positive definite.
    /// Right-looking by panels of 32 columns: a panel's columns by the dot products of the unblocked algorithm, restricted
    /// to the panel, then the trailing lower triangle minus the panel's outer products in one single-threaded managed SYRK
    /// (most of the k^3 / 6 multiply-adds, in the GEMM's register tiles instead of vector dots).
    /// </summary>
    public static bool Factor(Span<double> a, int k)
    {
        var update = new ManagedBlas(1);
        for (int b0 = 0; b0 < k; b0 += Panel)
        {
            int b1 = Math.Min(b0 + Panel, k);
            for (int j = b0; j < b1; j++)
            {
                var rowJ = a.Slice(j * k + b0, j - b0);
                // L_jj = sqrt(A_jj - sum_p L_jp^2), the earlier panels' terms already subtracted
                double d = a[j * k + j] - PanelDot(rowJ, rowJ);
                if (!(d > 0)) return false;
                double ljj = Math.Sqrt(d);
                a[j * k + j] = ljj;
                // L_ij = (A_ij - sum_p L_ip L_jp) / L_jj
                for (int i = j + 1; i < k; i++) a[i * k + j] = (a[i * k + j] - PanelDot(a.Slice(i * k + b0, j - b0), rowJ)) / ljj;
            }
            int rest = k - b1;
            if (rest == 0) break;
            // Rows b1.. of the panel, row-major with stride k, are the column-major nb x rest matrix P^T; the trailing
            // row-major lower triangle is the column-major upper one: C -= P P^T.
            update.Syrk(Transpose.Yes, rest, b1 - b0, -1.0, a[(b1 * k + b0)..], k, 1.0, a[(b1 * k + b1)..], k);
        }
        return true;
    }

    /// <summary>
    /// x . y for the short (&lt; 32) dots inside a panel, in four scalar accumulators: the fixed-order vector dot's lane
    /// fold would cost more than the products at these lengths, and a k x k factor takes k^2 / 2 of them.
    /// </summary>
    private static double PanelDot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int n = x.Length, p = 0;
        y = y[..n];
        for (; p + 4 <= n; p += 4)
        {
            s0 += x[p] * y[p];
            s1 += x[p + 1] * y[p + 1];
            s2 += x[p + 2] * y[p + 2];
            s3 += x[p + 3] * y[p + 3];
        }
        for (; p < n; p++) s0 += x[p] * y[p];
        return (s0 + s1) + (s2 + s3);
    }

    /// <summary>Solves L L^T x = b in place of <paramref name="b"/> with the factor from <see cref="Factor"/>.</summary>
    public static void Solve(ReadOnlySpan<double> l, int k, Span<double> b)
    {
        for (int i = 0; i < k; i++) b[i] = (b[i] - VectorKernels.Dot(l.Slice(i * k, i), b[..i])) / l[i * k + i];
        // L^T x = y column by column: x_i is final once reached, then leaves its multiple in the rows above.
        for (int i = k - 1; i >= 0; i--)
        {
            b[i] /= l[i * k + i];
            double x = b[i];
            var row = l.Slice(i * k, i);
            for (int p = 0; p < i; p++) b[p] -= row[p] * x;
        }
    }
}
