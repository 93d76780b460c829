using GrnFast.Kernels.Blas;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Solvers.NetRex;

/// <summary>
/// NetREX-CF's starting point, as in the notebook: latent factors from an implicit-feedback ALS on the prior
/// confidence (confidence 1 + AlsConfidence (C - 1) on prior edges, 1 elsewhere, preference B), then an NCA fit
/// on the support the factors recommend (the top InitRowTop regulators of each gene and the top InitColumnTop
/// genes of each regulator by X^T Y): NcaIterations alternations of the ridge A = (S^T S + rho I)^-1 S^T E and
/// per-gene ridge rows S_i = E_i A_s^T (A_s A_s^T + rho I)^-1 on the support, starting from S = the 0/1 support. Anchors
/// (a regulator's own gene, see <see cref="NetRexCfOptions.AnchorRegulators"/>) join the initial support.
/// </summary>
internal static class NetRexCfInitializer
{
    public static NetRexCfState Initialize(NetRexCfEdges edges, double[] gram, int factors, NetRexCfOptions o, SolverContext context, Random rng,
        IReadOnlyList<(int Gene, int Regulator)> anchors)
    {
        int g = edges.Genes, t = edges.Regulators, d = factors;
        var x = new double[(long)d * g];
        var y = new double[(long)d * t];
        for (long i = 0; i < x.LongLength; i++) x[i] = 0.01 * Gaussian(rng);
        for (long i = 0; i < y.LongLength; i++) y[i] = 0.01 * Gaussian(rng);
        long m = (long)g * t;
        var excess = new double[m];
        var target = new double[m];
        for (long e = 0; e < m; e++)
        {
            if (edges.Prior[e] == 0) continue;
            double c = 1 + o.AlsConfidence * (edges.Confidence[e] - 1);
            excess[e] = c - 1;
            target[e] = c;
        }
        var allGenes = Enumerable.Range(0, g).ToArray();
        var allRegulators = Enumerable.Range(0, t).ToArray();
        for (int k = 0; k < o.AlsIterations; k++)
        {
            if (o.AlsConjugateGradientSteps > 0)
            {
                NetRexCfFactorStep.UpdateConjugateGradient(x, y, d, g, t, excess, target, 1.0, o.AlsRegularization, allGenes, byRows: true, o.AlsConjugateGradientSteps, context);
                NetRexCfFactorStep.UpdateConjugateGradient(y, x, d, t, g, excess, target, 1.0, o.AlsRegularization, allRegulators, byRows: false, o.AlsConjugateGradientSteps, context);
            }
            else
            {
                NetRexCfFactorStep.Update(x, y, d, g, t, excess, target, 1.0, o.AlsRegularization, allGenes, byRows: true, context);
                NetRexCfFactorStep.Update(y, x, d, t, g, excess, target, 1.0, o.AlsRegularization, allRegulators, byRows: false, context);
            }
        }

        var r = new double[m];
        context.Blas.Gemm(Transpose.Yes, Transpose.No, g, t, d, 1.0, x, d, y, d, 0.0, r, g);
        var s = Support(r, edges, Math.Min(o.InitRowTop, (int)Math.Ceiling(o.InitMaxFraction * t)), Math.Min(o.InitColumnTop, (int)Math.Ceiling(o.InitMaxFraction * g)));
        foreach (var (i, j) in anchors) s[i + (long)j * g] = 1;
        var z = Nca(s, gram, g, t, o, context);
        return new NetRexCfState(g, t, d, s, z, x, y);
    }

    /// <summary>0/1 support: the top rows of each column and top columns of each row of R by value, allowed edges only (ties by index).</summary>
    private static double[] Support(double[] r, NetRexCfEdges edges, int rowTop, int columnTop)
    {
        int g = edges.Genes, t = edges.Regulators;
        var s = new double[r.LongLength];
        for (int i = 0; i < g; i++)
        {
            var idx = Enumerable.Range(0, t).Where(j => double.IsFinite(edges.Eta[i + (long)j * g]))
                .OrderByDescending(j => r[i + (long)j * g]).ThenBy(j => j).Take(rowTop);
            foreach (int j in idx) s[i + (long)j * g] = 1;
        }
        for (int j = 0; j < t; j++)
        {
            var idx = Enumerable.Range(0, g).Where(i => double.IsFinite(edges.Eta[i + (long)j * g]))
                .OrderByDescending(i => r[i + (long)j * g]).ThenBy(i => i).Take(columnTop);
            foreach (int i in idx) s[i + (long)j * g] = 1;
        }
        return s;
    }

    /// <summary>
    /// The NCA alternations on the 0/1 support in <paramref name="s"/> (overwritten with the fitted weights); returns Z, the
    /// ridge activities of the last alternation's S before its per-gene update. With M = S^T S + rho I and Z = M^-1 S^T, the
    /// per-gene step needs E A^T = K S M^-1 and A A^T = M^-1 (S^T E A^T), both from the sparse S; Z itself only at the end.
    /// </summary>
    private static double[] Nca(double[] s, double[] gram, int g, int t, NetRexCfOptions o, SolverContext context)
    {
        var blas = context.Blas;
        var z = new double[(long)t * g];
        var eat = new double[(long)g * t];
        var eatT = new double[(long)t * g];
        var ks = new double[(long)g * t];
        var aat = new double[(long)t * t];
        var steat = new double[(long)t * t];
        var sts = new double[(long)t * t];
        var inverse = new double[(long)t * t];
        var sparse = new SparseNetwork(g, t);
        int rounds = Math.Max(1, o.NcaIterations);
        // K S at every round: K by row panels once, as PALM does, when the copy is small.
        var gramPanels = o.NcaIterations > 1 ? SparseNetwork.PackRowPanels(gram, g, g) : null;
        for (int k = 0; k < rounds; k++)
        {
            sparse.Load(s);
            sparse.Gram(sts, context.Threads, context.Blas, s);
            for (int j = 0; j < t; j++) sts[j + j * t] += o.NcaRidge;
            var l = sts;
            if (!RowCholesky.Factor(l, t)) throw new InvalidOperationException("NCA ridge system not positive definite");
            if (k == rounds - 1)
            {
                // Z = (S^T S + rho I)^-1 S^T
                for (int i = 0; i < g; i++)
                    for (int j = 0; j < t; j++) z[j + (long)i * t] = s[i + (long)j * g];
                Parallel.For(0, g, new ParallelOptions { MaxDegreeOfParallelism = context.Threads }, i => RowCholesky.Solve(l, t, z.AsSpan((int)((long)i * t), t)));
            }
            if (o.NcaIterations == 0) break;
            Array.Clear(inverse);
            Parallel.For(0, t, new ParallelOptions { MaxDegreeOfParallelism = context.Threads }, j =>
            {
                var column = inverse.AsSpan(j * t, t);
                column[j] = 1;
                RowCholesky.Solve(l, t, column);
            });
            sparse.LeftMultiply(gram, g, ks, context.Threads, blas, s, gramPanels);
            blas.Gemm(Transpose.No, Transpose.No, g, t, t, 1.0, ks, g, inverse, t, 0.0, eat, g);
            VectorKernels.Transpose(eat, g, t, g, eatT, t);
            // steat = (E A^T)^T S = (S^T E A^T)^T, so A A^T = M^-1 steat^T.
            sparse.TransposeTimes(eatT, steat, context.Threads);
            blas.Gemm(Transpose.No, Transpose.Yes, t, t, t, 1.0, inverse, t, steat, t, 0.0, aat, t);
            Parallel.For(0, g, new ParallelOptions { MaxDegreeOfParallelism = context.Threads, CancellationToken = context.Cancellation }, i =>
            {
                var support = new List<int>();
                for (int j = 0; j < t; j++) if (s[i + (long)j * g] != 0) support.Add(j);
                int q = support.Count;
                if (q == 0) return;
                var h = new double[q * q];
                var b = new double[q];
                for (int a = 0; a < q; a++)
                {
                    b[a] = eat[i + (long)support[a] * g];
                    for (int c = 0; c < q; c++) h[a * q + c] = aat[support[a] + support[c] * t] + (a == c ? o.NcaRidge : 0);
                }
                if (!RowCholesky.Factor(h, q)) return;
                RowCholesky.Solve(h, q, b);
                for (int a = 0; a < q; a++) s[i + (long)support[a] * g] = b[a] == 0 ? double.Epsilon : b[a];
            });
        }
        return z;
    }

    private static double Gaussian(Random rng)
    {
        double u = 1 - rng.NextDouble(), v = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }
}
