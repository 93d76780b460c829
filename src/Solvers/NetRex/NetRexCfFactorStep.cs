using GrnFast.Kernels.Blas;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Solvers.NetRex;

/// <summary>
/// The exact block update of latent factors under a weighted least-squares fit to a target matrix, shared by the CF
/// steps of PALM and the implicit-feedback ALS of the initialisation. For each updated column u_i of U (d x n) with V
/// (d x m) fixed: (base V V^T + sum_j e_ij v_j v_j^T + reg I) u_i = sum_j (w t)_ij v_j, where the weights are
/// w_ij = base + e_ij (e &gt;= 0) and e, w t are G x T column-major (rows are U's columns when <c>byRows</c>).
/// The dense part base V V^T is one GEMM; only edges with e != 0 or w t != 0 cost d^2 each (a SYRK on the gathered,
/// sqrt(e)-scaled columns).
/// </summary>
internal static class NetRexCfFactorStep
{

    public static void Update(double[] u, double[] v, int d, int n, int m, double[] excess, double[] weightedTarget,
        double baseWeight, double regularization, int[] block, bool byRows, SolverContext context)
    {
        var blas = context.Blas;
        // The per-row SYRKs run inside a parallel loop: a native BLAS would add its own threads to ours (its thread
        // count is process-wide), so they use the managed single-threaded kernel, whose bits do not depend on threads.
        var rowBlas = new ManagedBlas(1);
        var dense = new double[(long)d * d];
        blas.Gemm(Transpose.No, Transpose.Yes, d, d, m, baseWeight, v, d, v, d, 0.0, dense, d);
        int genes = byRows ? n : m;
        Parallel.For(0, block.Length, new ParallelOptions { MaxDegreeOfParallelism = context.Threads, CancellationToken = context.Cancellation },
            () => new Workspace(d, m),
            (k, _, w) =>
            {
                int i = block[k];
                int count = 0;
                Array.Clear(w.Rhs);
                for (int j = 0; j < m; j++)
                {
                    long e = byRows ? i + (long)j * genes : j + (long)i * genes;
                    double ex = excess[e], wt = weightedTarget[e];
                    if (ex == 0 && wt == 0) continue;
                    var vj = v.AsSpan(j * d, d);
                    // rhs += (w t)_ij v_j
                    if (wt != 0) VectorKernels.Axpy(wt, vj, w.Rhs);
                    if (ex != 0)
                    {
                        System.Numerics.Tensors.TensorPrimitives.Multiply(vj, Math.Sqrt(ex), w.Gathered.AsSpan(count * d, d));
                        count++;
                    }
                }
                // Only the upper triangle (column-major) is read from here on.
                for (int c = 0; c < d; c++) Array.Copy(dense, c * d, w.H, c * d, c + 1);
                // Upper triangle of H (column-major) += G G^T: the lower triangle in CellOracle.Cholesky's row-major reading.
                if (count > 0) rowBlas.Syrk(Transpose.No, d, count, 1.0, w.Gathered, d, 1.0, w.H, d);
                for (int p = 0; p < d; p++) w.H[p + p * d] += regularization;
                if (RowCholesky.Factor(w.H, d))
                {
                    RowCholesky.Solve(w.H, d, w.Rhs);
                    w.Rhs.AsSpan().CopyTo(u.AsSpan(i * d, d));
                }
                return w;
            },
            _ => { });
    }

    /// <summary>
    /// The same block update by <paramref name="steps"/> conjugate-gradient steps from the current u_i instead of the exact
    /// solve, as the implicit library's ALS does (its default, 3 steps): each step costs one product with the system,
    /// d^2 for the dense part plus 4 d per edge, instead of the d^2 per edge and d^3 / 3 of forming and factoring it.
    /// Every step lowers the row's quadratic, so the fitted objective never rises.
    /// </summary>
    public static void UpdateConjugateGradient(double[] u, double[] v, int d, int n, int m, double[] excess, double[] weightedTarget,
        double baseWeight, double regularization, int[] block, bool byRows, int steps, SolverContext context)
    {
        var dense = new double[(long)d * d];
        context.Blas.Gemm(Transpose.No, Transpose.Yes, d, d, m, baseWeight, v, d, v, d, 0.0, dense, d);
        for (int p = 0; p < d; p++) dense[p + p * d] += regularization;
        int genes = byRows ? n : m;
        Parallel.For(0, block.Length, new ParallelOptions { MaxDegreeOfParallelism = context.Threads, CancellationToken = context.Cancellation },
            () => new CgWorkspace(d, m),
            (k, _, w) =>
            {
                int i = block[k];
                int count = 0;
                var b = w.B.AsSpan();
                b.Clear();
                for (int j = 0; j < m; j++)
                {
                    long e = byRows ? i + (long)j * genes : j + (long)i * genes;
                    double ex = excess[e], wt = weightedTarget[e];
                    if (ex == 0 && wt == 0) continue;
                    if (wt != 0) VectorKernels.Axpy(wt, v.AsSpan(j * d, d), b);
                    if (ex != 0) { w.Index[count] = j; w.Excess[count] = ex; count++; }
                }
                var x = u.AsSpan(i * d, d);
                var r = w.R.AsSpan();
                var p = w.P.AsSpan();
                var ap = w.Ap.AsSpan();
                // r = b - H x
                Multiply(dense, v, d, w.Index, w.Excess, count, x, ap);
                for (int q = 0; q < d; q++) r[q] = b[q] - ap[q];
                r.CopyTo(p);
                double rs = VectorKernels.Dot(r, r);
                for (int it = 0; it < steps && rs > 1e-20; it++)
                {
                    Multiply(dense, v, d, w.Index, w.Excess, count, p, ap);
                    double pap = VectorKernels.Dot(p, ap);
                    if (!(pap > 0)) break;
                    double alpha = rs / pap;
                    VectorKernels.Axpy(alpha, p, x);
                    VectorKernels.Axpy(-alpha, ap, r);
                    double next = VectorKernels.Dot(r, r);
                    double beta = next / rs;
                    for (int q = 0; q < d; q++) p[q] = r[q] + beta * p[q];
                    rs = next;
                }
                return w;
            },
            _ => { });
    }

    /// <summary>dest = H x with H = dense + sum_c excess_c v_(index_c) v_(index_c)^T (dense symmetric, d x d).</summary>
    private static void Multiply(double[] dense, double[] v, int d, int[] index, double[] excess, int count, ReadOnlySpan<double> x, Span<double> dest)
    {
        for (int q = 0; q < d; q++) dest[q] = VectorKernels.Dot(dense.AsSpan(q * d, d), x);
        for (int c = 0; c < count; c++)
        {
            var vj = v.AsSpan(index[c] * d, d);
            VectorKernels.Axpy(excess[c] * VectorKernels.Dot(vj, x), vj, dest);
        }
    }

    private sealed class CgWorkspace(int d, int m)
    {
        public double[] B { get; } = new double[d];
        public double[] R { get; } = new double[d];
        public double[] P { get; } = new double[d];
        public double[] Ap { get; } = new double[d];
        public int[] Index { get; } = new int[m];
        public double[] Excess { get; } = new double[m];
    }

    private sealed class Workspace(int d, int m)
    {
        public double[] H { get; } = new double[(long)d * d];
        public double[] Rhs { get; } = new double[d];
        public double[] Gathered { get; } = new double[(long)d * m];
    }
}
