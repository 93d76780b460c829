using GrnFast.Kernels.Vectors;

namespace GrnFast.Solvers.NetRex;

/// <summary>
/// In-place Cholesky factorisation and solve of a k x k symmetric positive definite system (row-major, lower triangle
/// read), with the inner products as fixed-order vector dots over contiguous row prefixes: the factor steps solve
/// hundreds of 150 x 150 systems per PALM iteration, where the scalar loop was a third of the time.
/// </summary>
internal static class RowCholesky
{
    /// <summary>Overwrites the lower triangle of <paramref name="a"/> with L (A = L L^T). False if A is not positive definite.</summary>
    public static bool Factor(Span<double> a, int k)
    {
        for (int j = 0; j < k; j++)
        {
            var rowJ = a.Slice(j * k, j);
            // L_jj = sqrt(A_jj - sum_p L_jp^2)
            double d = a[j * k + j] - VectorKernels.SumOfSquares(rowJ);
            if (!(d > 0)) return false;
            double ljj = Math.Sqrt(d);
            a[j * k + j] = ljj;
            // L_ij = (A_ij - sum_p L_ip L_jp) / L_jj
            for (int i = j + 1; i < k; i++) a[i * k + j] = (a[i * k + j] - VectorKernels.Dot(a.Slice(i * k, j), rowJ)) / ljj;
        }
        return true;
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
