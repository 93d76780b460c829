using GrnFast.Kernels.Blas;
using GrnFast.Kernels.Factorization;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Solvers.NetRex;

/// <summary>
/// In-place Cholesky factorisation and solve of a k x k symmetric positive definite system (row-major, lower triangle
/// read): the factor steps solve 200 systems of 150 per PALM iteration, so the factorisation runs as vector rank-one
/// panel updates and SYRKs rather than dot products.
/// </summary>
internal static class RowCholesky
{
    private const int Panel = 32;

    /// <summary>
    /// Overwrites the lower triangle of <paramref name="a"/> with L (A = L L^T). False if A is not positive definite.
    /// Right-looking by panels of 32 columns: inside a panel, each factored column updates the panel's later columns in
    /// all rows below it by one vector rank-one update (<see cref="FactorizationKernels.SubtractRowMultiples"/>), then
    /// the trailing lower triangle loses the panel's outer products in one single-threaded managed SYRK (most of the
    /// k^3 / 6 multiply-adds, in the GEMM's register tiles). The strictly upper part of a panel's rows is scratch.
    /// </summary>
    public static bool Factor(Span<double> a, int k)
    {
        var update = new ManagedBlas(1);
        Span<double> v = stackalloc double[Panel];
        for (int b0 = 0; b0 < k; b0 += Panel)
        {
            int b1 = Math.Min(b0 + Panel, k);
            for (int j = b0; j < b1; j++)
            {
                double d = a[j * k + j];
                if (!(d > 0)) return false;
                double ljj = Math.Sqrt(d);
                a[j * k + j] = ljj;
                // L_ij = A_ij / L_jj (the earlier columns' terms already subtracted)
                double inverse = 1 / ljj;
                for (int i = j + 1; i < k; i++) a[i * k + j] *= inverse;
                if (j + 1 == b1) break;
                // A_il -= L_ij L_lj for the panel's columns l in (j, b1), every row i > j: v = (0, L_(j+1)j, ..., L_(b1-1)j)
                int width = b1 - j;
                v[0] = 0;
                for (int c = 1; c < width; c++) v[c] = a[(j + c) * k + j];
                FactorizationKernels.SubtractRowMultiples(a[((j + 1) * k + j)..], k, k - j - 1, 0, v[..width]);
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
    /// dest (k x k row-major, strictly upper part zero) = L^-1 for the factor from <see cref="Factor"/>: row i of L^-1 is
    /// -(sum_(p &lt; i) L_ip row p) / L_ii on columns &lt; i and 1 / L_ii on the diagonal, one vector axpy per nonzero L_ip.
    /// </summary>
    public static void InvertFactor(ReadOnlySpan<double> l, int k, Span<double> dest)
    {
        dest[..(k * k)].Clear();
        for (int i = 0; i < k; i++)
        {
            var row = dest.Slice(i * k, i);
            for (int p = 0; p < i; p++)
            {
                double f = l[i * k + p];
                if (f != 0) VectorKernels.Axpy(-f, dest.Slice(p * k, p + 1), row[..(p + 1)]);
            }
            double lii = l[i * k + i];
            for (int q = 0; q < i; q++) row[q] /= lii;
            dest[i * k + i] = 1 / lii;
        }
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
