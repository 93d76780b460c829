using GrnFast.Kernels.Factorization;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Solvers.NetRex;

/// <summary>
/// In-place Cholesky factorisation and solve of a k x k symmetric positive definite system (row-major, lower triangle
/// read): the factor steps solve 200 systems of 150 per PALM iteration, so the factorisation spends its multiply-adds
/// in a register-blocked product rather than in dot products.
/// </summary>
internal static class RowCholesky
{
    /// <summary>Columns per block of <see cref="Factor"/>.</summary>
    private const int Block = 16;

    /// <summary>
    /// Overwrites the lower triangle of <paramref name="a"/> with L (A = L L^T). False if A is not positive definite.
    /// Right-looking by blocks of 16 columns: the block's diagonal part is factored in place (left-looking, 16^3 / 6
    /// multiply-adds), the rows below solve their 16 entries against it together, on a transposed 16 x rest copy X^T
    /// (made and written back by <see cref="VectorKernels.Transpose"/>; solved by
    /// <see cref="FactorizationKernels.ForwardSubstituteColumns"/>, vectors across rows), and the trailing lower
    /// triangle loses X X^T by <see cref="FactorizationKernels.SubtractProductsUpper"/> (register-blocked products on
    /// groups of 16 of its columns, read column-major, rows of the row-major triangle): most of the k^3 / 6 multiply-adds,
    /// at depth 16. The strictly upper part of the trailing rows is scratch.
    /// At k = 150 a factor takes 44-45 us: 51-52 with the transposed copies made element by element, 87-97 with the
    /// earlier 32-column panels of vector rank-one updates, a strided scaling pass and a managed SYRK per panel.
    /// </summary>
    public static bool Factor(Span<double> a, int k)
    {
        Span<double> inverse = stackalloc double[Block];
        int scratch = Block * k;
        Span<double> xt = scratch <= StackScratch ? stackalloc double[scratch] : new double[scratch];
        for (int b0 = 0; b0 < k; b0 += Block)
        {
            int w = Math.Min(Block, k - b0), b1 = b0 + w, rest = k - b1;
            // The diagonal block, left-looking within it: the earlier blocks' terms are already subtracted.
            for (int j = 0; j < w; j++)
            {
                var rowJ = a.Slice((b0 + j) * k + b0, j + 1);
                double d = rowJ[j];
                for (int p = 0; p < j; p++) d -= rowJ[p] * rowJ[p];
                if (!(d > 0)) return false;
                double ljj = Math.Sqrt(d);
                rowJ[j] = ljj;
                inverse[j] = 1 / ljj;
                for (int i = j + 1; i < w; i++)
                {
                    var rowI = a.Slice((b0 + i) * k + b0, j + 1);
                    double s = rowI[j];
                    for (int p = 0; p < j; p++) s -= rowI[p] * rowJ[p];
                    rowI[j] = s * inverse[j];
                }
            }
            if (rest == 0) break;
            // The rows below: X = A[b1:, b0:b1] L_D^-T, solved on X^T (w x rest, rows contiguous) and written back.
            VectorKernels.Transpose(a[(b1 * k + b0)..], k, rest, w, xt, rest);
            FactorizationKernels.ForwardSubstituteColumns(a[(b0 * k + b0)..], k, inverse[..w], xt, rest, rest);
            VectorKernels.Transpose(xt, rest, w, rest, a[(b1 * k + b0)..], k);
            // The trailing row-major lower triangle is the column-major upper one: C -= X X^T by groups of columns.
            FactorizationKernels.SubtractProductsUpper(xt, rest, w, xt, rest, rest, a[(b1 * k + b1)..], k);
        }
        return true;
    }

    /// <summary>Doubles of X^T kept on the stack (64 KB: k up to 512).</summary>
    private const int StackScratch = 8192;

    /// <summary>
    /// dest (k x k row-major, strictly upper part zero) = L^-1 for the factor from <see cref="Factor"/> (its lower triangle
    /// read): L W = I solved down the columns of W, a block of 8 at a time by
    /// <see cref="FactorizationKernels.ForwardSubstituteColumns"/>. W's columns c0.. are zero above row c0, so each block
    /// solves only the trailing triangle: k^3 / 6 multiply-adds in vectors along the rows of W (it was one short vector
    /// axpy per nonzero L_ip).
    /// </summary>
    public static void InvertFactor(ReadOnlySpan<double> l, int k, Span<double> dest)
    {
        var w = dest[..(k * k)];
        w.Clear();
        Span<double> inverse = k <= StackScratch ? stackalloc double[k] : new double[k];
        for (int i = 0; i < k; i++)
        {
            inverse[i] = 1 / l[i * k + i];
            w[i * k + i] = 1;
        }
        for (int c0 = 0; c0 < k; c0 += InverseColumns)
            FactorizationKernels.ForwardSubstituteColumns(l[(c0 * k + c0)..], k, inverse[c0..], w[(c0 * k + c0)..], k, Math.Min(InverseColumns, k - c0));
    }

    /// <summary>
    /// Columns of W per block of <see cref="InvertFactor"/>: one 512-bit vector, whose rows (64 bytes each) stay in L1
    /// (at k = 150: 60 us with 8, 68 with 16, 99 with 32, 151 with the old axpy rows).
    /// </summary>
    private const int InverseColumns = 8;

    /// <summary>Solves L L^T x = b in place of <paramref name="b"/> with the factor from <see cref="Factor"/>.</summary>
    public static void Solve(ReadOnlySpan<double> l, int k, Span<double> b)
    {
        for (int i = 0; i < k; i++) b[i] = (b[i] - VectorKernels.Dot(l.Slice(i * k, i), b[..i])) / l[i * k + i];
        // L^T x = y column by column: x_i is final once reached, then leaves its multiple in the rows above (an unfused
        // axpy by -x_i: the bits of b_p -= L_ip x_i).
        for (int i = k - 1; i >= 0; i--)
        {
            b[i] /= l[i * k + i];
            VectorKernels.Axpy(-b[i], l.Slice(i * k, i), b[..i]);
        }
    }
}
