using GrnFast.Kernels.Blas;
using GrnFast.Kernels.Factorization;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Solvers.NetRex;

/// <summary>
/// The block update of latent factors under a weighted least-squares fit to a target matrix, shared by the CF steps of
/// PALM and the implicit-feedback ALS of the initialisation. For each updated column u_i of U (d x n) with V (d x m)
/// fixed: H_i u_i = b_i with H_i = H0 + sum_j e_ij v_j v_j^T, H0 = base V V^T + reg I and b_i = sum_j (w t)_ij v_j, where
/// the weights are w_ij = base + e_ij (e &gt;= 0) and e, w t are G x T column-major (rows are U's columns when
/// <c>byRows</c>). Only the row's support I_i = {j : e_ij != 0} (n_i of the m columns) differs from row to row, and each
/// row takes the cheaper of two exact solves:
/// <list type="bullet">
/// <item>Direct: H_i from H0 plus a SYRK of the gathered sqrt(e)-scaled columns (n_i d^2 / 2), then Cholesky (d^3 / 3).</item>
/// <item>Low rank, when n_i &lt; d: by Woodbury around H0, shared by the block: with Q = H0^-1 V and Gamma = V^T H0^-1 V
/// (once per call), u_i = c - Q_I D^(1/2) z with c = Q (w t)_i and (I + D^(1/2) Gamma_II D^(1/2)) z = D^(1/2) V_I^T c,
/// D = diag(e_I): an n_i x n_i Cholesky (n_i^3 / 3) whose matrix has every eigenvalue at least 1. Exact, like the direct solve.</item>
/// </list>
/// </summary>
internal static class NetRexCfFactorStep
{
    /// <returns>Rows solved by the low-rank (Woodbury) form.</returns>
    /// <param name="allowLowRank">False solves every row directly (tests compare the two).</param>
    /// <param name="grams">
    /// The rows' sparse Grams kept from earlier calls (rows given as columns, <c>byRows</c> false, only), brought up to
    /// date for the rows solved directly instead of being rebuilt; <see cref="SupportGrams.Changing"/> must have been called
    /// for V's latest change.
    /// </param>
    public static int Update(double[] u, double[] v, int d, int n, int m, double[] excess, double[] weightedTarget,
        double baseWeight, double regularization, int[] block, bool byRows, SolverContext context, bool allowLowRank = true,
        SupportGrams? grams = null, Buffers? buffers = null)
    {
        if (grams != null && byRows) throw new ArgumentException("kept Grams need each row's weights contiguous (byRows false)", nameof(grams));
        buffers ??= new Buffers(d, m);
        if (buffers.Factors != d || buffers.Columns != m) throw new ArgumentException($"buffers for d = {buffers.Factors}, m = {buffers.Columns}; the step has d = {d}, m = {m}", nameof(buffers));
        var blas = context.Blas;
        // H0 without its ridge: base V V^T, its upper triangle (the lower one in RowCholesky's row-major reading).
        var dense = buffers.Dense;
        if (grams != null) grams.BaseGram(dense, baseWeight, v, blas);
        else blas.Syrk(Transpose.No, d, m, baseWeight, v, d, 0.0, dense, d);
        int genes = byRows ? n : m;
        var lowRank = allowLowRank ? LowRank.Create(dense, regularization, v, d, m, block, excess, genes, byRows, blas, buffers) : null;
        int lowRankRows = 0;
        // The per-row SYRKs run inside a parallel loop: a native BLAS would add its own threads to ours (its thread
        // count is process-wide), so they use the managed single-threaded kernel, whose bits do not depend on threads.
        var rowBlas = new ManagedBlas(1);
        Parallel.For(0, block.Length, new ParallelOptions { MaxDegreeOfParallelism = context.Threads, CancellationToken = context.Cancellation },
            buffers.Rent,
            (k, _, w) =>
            {
                int i = block[k];
                // The next row's kept Gram (most likely this thread's next item) is read from memory meanwhile.
                if (grams != null && k + 1 < block.Length) grams.Prefetch(block[k + 1]);
                int count = w.Gather(i, excess, weightedTarget, genes, byRows, m);
                var x = u.AsSpan(i * d, d);
                if (lowRank != null && count < d)
                {
                    lowRank.Solve(w, count, x);
                    Interlocked.Increment(ref lowRankRows);
                    return w;
                }
                w.RightHandSide(v, d);
                // Only the upper triangle (column-major) is read from here on: the lower triangle in RowCholesky's row-major reading.
                if (grams != null)
                {
                    w.GramScratch ??= new SupportGrams.Scratch(d, m);
                    var gram = grams.Refresh(i, excess.AsSpan(i * genes, m), v, w.GramScratch);
                    for (int c = 0; c < d; c++)
                        System.Numerics.Tensors.TensorPrimitives.Add(dense.AsSpan(c * d, c + 1), gram.AsSpan(c * d, c + 1), w.H.AsSpan(c * d, c + 1));
                }
                else
                {
                    for (int c = 0; c < d; c++) Array.Copy(dense, c * d, w.H, c * d, c + 1);
                    // Upper triangle of H += G G^T over the gathered sqrt(e)-scaled columns.
                    w.Columns(v, d, count);
                    if (count > 0) rowBlas.Syrk(Transpose.No, d, count, 1.0, w.Gathered, d, 1.0, w.H, d);
                }
                for (int p = 0; p < d; p++) w.H[p + p * d] += regularization;
                if (RowCholesky.Factor(w.H, d))
                {
                    RowCholesky.Solve(w.H, d, w.Rhs);
                    w.Rhs.AsSpan().CopyTo(x);
                }
                return w;
            },
            buffers.Return);
        return lowRankRows;
    }

    /// <summary>
    /// The block's shared Woodbury terms around H0 = dense + reg I: Q = H0^-1 V (d x m) and the upper triangle of
    /// Gamma = V^T H0^-1 V (m x m), from W = L^-1 (H0 = L L^T): R = W V, Q = W^T R, Gamma = R^T R. Null when the rows
    /// with supports below d would not repay the d^2 m + m^2 d / 2 they cost, or H0 is not positive definite.
    /// </summary>
    private sealed class LowRank
    {
        private readonly double[] _q, _gamma, _v;
        private readonly int _d, _m;

        private LowRank(double[] q, double[] gamma, double[] v, int d, int m) { _q = q; _gamma = gamma; _v = v; _d = d; _m = m; }

        public static LowRank? Create(double[] dense, double regularization, double[] v, int d, int m, int[] block, double[] excess,
            int genes, bool byRows, IBlas blas, Buffers buffers)
        {
            // Multiply-adds saved by the rows that qualify against the shared terms' cost.
            double saved = 0;
            foreach (int i in block)
            {
                int count = 0;
                for (int j = 0; j < m; j++) count += excess[byRows ? i + (long)j * genes : j + (long)i * genes] != 0 ? 1 : 0;
                if (count < d) saved += count * (double)d * d / 2 + (double)d * d * d / 3 - (double)count * count * count / 3 - 3.0 * count * d;
            }
            double cost = 2.0 * d * d * m + (double)m * m * d / 2 + (double)d * d * d;
            if (saved <= cost) return null;
            var (l, w, r, q, gamma) = buffers.LowRankTerms();
            Array.Copy(dense, l, (long)d * d);
            for (int p = 0; p < d; p++) l[p + p * d] += regularization;
            if (!RowCholesky.Factor(l, d)) return null;
            RowCholesky.InvertFactor(l, d, w);
            // w row-major is W (lower); read column-major it is W^T.
            blas.Gemm(Transpose.Yes, Transpose.No, d, m, d, 1.0, w, d, v, d, 0.0, r, d);
            blas.Gemm(Transpose.No, Transpose.No, d, m, d, 1.0, w, d, r, d, 0.0, q, d);
            blas.Syrk(Transpose.Yes, m, d, 1.0, r, d, 0.0, gamma, m);
            return new LowRank(q, gamma, v, d, m);
        }

        /// <summary>x = H^-1 b for the row gathered in <paramref name="w"/> (its support indices, sqrt(e) and w t); x unchanged if B is not positive definite.</summary>
        public void Solve(Workspace w, int count, Span<double> x)
        {
            int d = _d, m = _m;
            var c = w.Rhs.AsSpan(0, d);
            c.Clear();
            FactorizationKernels.AddColumnCombination(_q, d, w.TargetIndex.AsSpan(0, w.TargetCount), w.TargetWeight.AsSpan(0, w.TargetCount), c);
            if (count == 0)
            {
                c.CopyTo(x);
                return;
            }
            // B = I + D^1/2 Gamma_II D^1/2 (row-major lower), g = D^1/2 V_I^T c written into Projections.
            var b = w.H.AsSpan(0, count * count);
            var g = w.Projections.AsSpan(0, count);
            for (int k = 0; k < count; k++)
            {
                int jk = w.Index[k];
                double sk = w.Scale[k];
                for (int l = 0; l <= k; l++)
                {
                    int jl = w.Index[l];
                    // Upper triangle of Gamma: row <= column. Indices ascend, so jl <= jk.
                    b[k * count + l] = sk * w.Scale[l] * _gamma[jl + (long)jk * m];
                }
                b[k * count + k] += 1;
                g[k] = sk * VectorKernels.Dot(_v.AsSpan(jk * d, d), c);
            }
            // Only NaN or infinite weights can fail here (B's eigenvalues are at least 1); the row then keeps its factors, as
            // a failed direct solve does, and F reports the failure.
            if (!RowCholesky.Factor(b, count)) return;
            RowCholesky.Solve(b, count, g);
            for (int k = 0; k < count; k++) g[k] *= -w.Scale[k];
            FactorizationKernels.AddColumnCombination(_q, d, w.Index.AsSpan(0, count), g, c);
            c.CopyTo(x);
        }
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
        var buffers = new Buffers(d, m);
        // H0 with its ridge, both triangles (the product reads whole columns).
        var dense = buffers.Dense;
        context.Blas.Gemm(Transpose.No, Transpose.Yes, d, d, m, baseWeight, v, d, v, d, 0.0, dense, d);
        for (int p = 0; p < d; p++) dense[p + p * d] += regularization;
        int genes = byRows ? n : m;
        Parallel.For(0, block.Length, new ParallelOptions { MaxDegreeOfParallelism = context.Threads, CancellationToken = context.Cancellation },
            buffers.Rent,
            (k, _, w) =>
            {
                int i = block[k];
                int count = w.Gather(i, excess, weightedTarget, genes, byRows, m);
                w.RightHandSide(v, d);
                var x = u.AsSpan(i * d, d);
                var r = w.Residual.AsSpan();
                var p = w.Direction.AsSpan();
                var ap = w.Product.AsSpan();
                // r = b - H x
                Multiply(dense, v, d, w.Index, w.Excess, count, x, ap);
                for (int q = 0; q < d; q++) r[q] = w.Rhs[q] - ap[q];
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
            buffers.Return);
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

    /// <summary>
    /// The buffers of a factor step with d factors against m columns, kept by the caller across calls: the shared H0,
    /// the low-rank terms and one workspace per thread (at D1 the Y-step's workspaces hold 2.4 MB of gathered columns
    /// each; allocating them at every call had the GC clear and collect ~10 MB of large objects per PALM iteration).
    /// </summary>
    public sealed class Buffers(int d, int m)
    {
        private readonly System.Collections.Concurrent.ConcurrentBag<Workspace> _workspaces = [];
        private (double[], double[], double[], double[], double[])? _lowRank;

        public int Factors { get; } = d;
        public int Columns { get; } = m;
        public double[] Dense { get; } = new double[(long)d * d];

        internal Workspace Rent() => _workspaces.TryTake(out var w) ? w : new Workspace(Factors, Columns);

        internal void Return(Workspace w) => _workspaces.Add(w);

        /// <summary>H0's factor and its inverse factor (d x d), R and Q (d x m) and Gamma (m x m).</summary>
        internal (double[] Factor, double[] InverseFactor, double[] R, double[] Q, double[] Gamma) LowRankTerms()
        {
            long dd = (long)Factors * Factors, dm = (long)Factors * Columns;
            _lowRank ??= (new double[dd], new double[dd], new double[dm], new double[dm], new double[(long)Columns * Columns]);
            return _lowRank.Value;
        }
    }

    /// <summary>One thread's buffers: a row's support, targets and right-hand side, its gathered columns and its system.</summary>
    internal sealed class Workspace(int d, int m)
    {
        public double[] H { get; } = new double[(long)d * d];
        public double[] Rhs { get; } = new double[d];
        public double[] Gathered { get; } = new double[(long)d * m];
        public int[] Index { get; } = new int[m];
        public double[] Excess { get; } = new double[m];
        public double[] Scale { get; } = new double[m];
        public int[] TargetIndex { get; } = new int[m];
        public double[] TargetWeight { get; } = new double[m];
        public int TargetCount { get; private set; }
        /// <summary>The kept Grams' update columns (<see cref="SupportGrams.Refresh"/>), made at the first visit that needs them.</summary>
        public SupportGrams.Scratch? GramScratch { get; set; }
        /// <summary>The low-rank solve's right-hand side D^1/2 V_I^T c, then its solution z.</summary>
        public double[] Projections { get; } = new double[m];
        /// <summary>The conjugate-gradient steps' residual, direction and H times the direction.</summary>
        public double[] Residual { get; } = new double[d];
        public double[] Direction { get; } = new double[d];
        public double[] Product { get; } = new double[d];

        /// <summary>
        /// Row i's support (ascending j with e_ij != 0, e_ij and sqrt(e_ij)) and its targets (j with (w t)_ij != 0); returns the
        /// support's size. The right-hand side is not formed: <see cref="RightHandSide"/> does it for the full-rank solves.
        /// </summary>
        public int Gather(int i, double[] excess, double[] weightedTarget, int genes, bool byRows, int m)
        {
            int count = 0, targets = 0;
            for (int j = 0; j < m; j++)
            {
                long e = byRows ? i + (long)j * genes : j + (long)i * genes;
                double ex = excess[e], wt = weightedTarget[e];
                if (wt != 0) { TargetIndex[targets] = j; TargetWeight[targets] = wt; targets++; }
                if (ex != 0) { Index[count] = j; Excess[count] = ex; Scale[count] = Math.Sqrt(ex); count++; }
            }
            TargetCount = targets;
            return count;
        }

        /// <summary>b = V (w t)_i, for the full-rank solves.</summary>
        public void RightHandSide(double[] v, int d)
        {
            Array.Clear(Rhs);
            FactorizationKernels.AddColumnCombination(v, d, TargetIndex.AsSpan(0, TargetCount), TargetWeight.AsSpan(0, TargetCount), Rhs);
        }

        /// <summary>The gathered columns sqrt(e_ij) v_j of the support.</summary>
        public void Columns(double[] v, int d, int count)
        {
            for (int k = 0; k < count; k++)
                System.Numerics.Tensors.TensorPrimitives.Multiply(v.AsSpan(Index[k] * d, d), Scale[k], Gathered.AsSpan(k * d, d));
        }
    }
}
