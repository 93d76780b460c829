using System.Diagnostics;
using System.Numerics;
using GrnFast.Kernels;
using GrnFast.Kernels.Blas;
using GrnFast.Solvers.Data;
using GrnFast.Solvers.Results;

namespace GrnFast.Solvers.NetRex;

/// <summary>
/// NetREX-CF (Wang et al. 2022): network component analysis E ~ S A with a collaborative-filtering prior over
/// several sources, fitted by PALM (<see cref="NetRexCfPalm"/>) from an ALS + NCA start, with edge confidence
/// from half-sample refits. E is the genes x cells matrix of the target genes, each centred and scaled to unit
/// population variance; S is targets x regulators. The solver sees E only through its Gram matrix K = E E^T.
/// </summary>
public static class NetRexCfGrn
{
    /// <param name="x">cells x genes expression.</param>
    /// <param name="targetColumns">The genes of E (rows of S), as columns of <paramref name="x"/>.</param>
    /// <param name="regulatorColumns">The regulators (columns of S), as columns of <paramref name="x"/>; a regulator never regulates its own gene.</param>
    /// <param name="priorSum">s = sum_k P^(k), targets x regulators column-major, each source's confidence in [0, 1].</param>
    public static NetRexCfResult Fit<T>(MatrixView<T> x, int[] targetColumns, int[] regulatorColumns, double[] priorSum,
        ExpressionMoments moments, NetRexCfOptions options, SolverContext context) where T : unmanaged, INumberBase<T>
    {
        ArgumentNullException.ThrowIfNull(targetColumns);
        ArgumentNullException.ThrowIfNull(regulatorColumns);
        options.Validate();
        int n = x.Rows, g = targetColumns.Length, t = regulatorColumns.Length;
        if (n < 4) throw new ArgumentException($"NetREX-CF needs at least 4 cells (half-sample refits), got {n}", nameof(x));
        var clock = Stopwatch.StartNew();
        var e = Standardize(x, targetColumns, moments);
        double standardize = clock.Elapsed.TotalSeconds;

        clock.Restart();
        if (options.DataWeight != 1)
        {
            double scale = Math.Sqrt(options.DataWeight);
            for (long k = 0; k < e.LongLength; k++) e[k] *= scale;
        }
        var gram = Gram(e, n, g, Enumerable.Range(0, n).ToArray(), context.Blas);
        double gramSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var row = new Dictionary<int, int>();
        for (int i = 0; i < g; i++) row[targetColumns[i]] = i;
        // A regulator's own gene (i, j) stays in the fit: loading its expression on its activity anchors column j of A to
        // regulator j (A is otherwise free up to a rotation the prior alone must break). It is never reported.
        var self = new List<(int Gene, int Regulator)>();
        for (int j = 0; j < t; j++) if (row.TryGetValue(regulatorColumns[j], out int i)) self.Add((i, j));
        var edges = NetRexCfEdges.Build(g, t, priorSum, options.AnchorRegulators ? [] : self, options, options.AnchorRegulators ? self : null);
        int d = Math.Min(options.LatentFactors, Math.Min(g, t));
        var rng = new Random(options.Seed);
        var initClock = Stopwatch.StartNew();
        var start = NetRexCfInitializer.Initialize(edges, gram, d, options, context, rng, options.AnchorRegulators ? self : []);
        double initialization = initClock.Elapsed.TotalSeconds;
        var palm = new NetRexCfPalm(edges, gram, options, context);
        var fit = palm.Run(start, options.MaxIterations, rng);

        var refitClock = Stopwatch.StartNew();
        var confidence = new double[(long)g * t];
        var refits = new NetRexCfFit[options.Refits];
        if (options.Refits == 0 || fit.Status == SolverStatus.Cancelled)
            Confidence(gram, fit.State, confidence, 1.0, context.Blas);
        else
        {
            var cells = Enumerable.Range(0, n).ToArray();
            for (int b = 0; b < options.Refits; b++)
            {
                // n/2 cells without replacement (a partial Fisher-Yates shuffle), then a warm-started refit on them.
                for (int i = 0; i < n / 2; i++)
                {
                    int k = i + rng.Next(n - i);
                    (cells[i], cells[k]) = (cells[k], cells[i]);
                }
                var half = cells.AsSpan(0, n / 2).ToArray();
                Array.Sort(half);
                var halfGram = Gram(e, n, g, half, context.Blas);
                var refit = new NetRexCfPalm(edges, halfGram, options, context).Run(fit.State.Copy(), options.RefitIterations, rng);
                refits[b] = refit;
                Confidence(halfGram, refit.State, confidence, 1.0 / options.Refits, context.Blas);
                if (context.Cancellation.IsCancellationRequested) break;
            }
        }
        foreach (var (i, j) in self) confidence[i + (long)j * g] = 0;
        return new NetRexCfResult(fit, confidence, refits, new StageTimings(standardize, gramSeconds, clock.Elapsed.TotalSeconds),
            initialization, refitClock.Elapsed.TotalSeconds);
    }

    /// <summary>PALM from <paramref name="start"/> (copied) on the gene Gram K = E E^T, for at most MaxIterations outer iterations.</summary>
    public static NetRexCfFit Solve(double[] gram, NetRexCfEdges edges, NetRexCfState start, NetRexCfOptions options, SolverContext context)
    {
        options.Validate();
        Check(edges, start);
        return new NetRexCfPalm(edges, gram, options, context).Run(start.Copy(), options.MaxIterations, new Random(options.Seed));
    }

    /// <summary>F at <paramref name="state"/>.</summary>
    public static double Objective(double[] gram, NetRexCfEdges edges, NetRexCfState state, NetRexCfOptions options, SolverContext context)
    {
        Check(edges, state);
        return new NetRexCfPalm(edges, gram, options, context).Objective(state);
    }

    private static void Check(NetRexCfEdges edges, NetRexCfState s)
    {
        if (s.Genes != edges.Genes || s.Regulators != edges.Regulators)
            throw new ArgumentException($"state is {s.Genes} x {s.Regulators}, the edges {edges.Genes} x {edges.Regulators}");
        long m = (long)s.Genes * s.Regulators;
        if (s.S.LongLength != m || s.Z.LongLength != m || s.X.LongLength != (long)s.Factors * s.Genes || s.Y.LongLength != (long)s.Factors * s.Regulators)
            throw new ArgumentException("state arrays do not match its dimensions");
    }

    /// <summary>
    /// dest += weight * conf, conf_ij = 1 - RSS_i / RSS_i(without j) clipped to [0, 1] for each edge of S, with A = Z E
    /// on the cells behind <paramref name="gram"/>: RSS_i = K_ii - 2 (S E A^T)_i + (S A A^T S^T)_ii and
    /// RSS_i(without j) = RSS_i + 2 S_ij ((E A^T)_ij - (S A A^T)_ij) + S_ij^2 (A A^T)_jj.
    /// </summary>
    public static void Confidence(double[] gram, NetRexCfState s, double[] dest, double weight, IBlas blas)
    {
        int g = s.Genes, t = s.Regulators;
        var eat = new double[(long)g * t];
        var aat = new double[(long)t * t];
        var saat = new double[(long)g * t];
        blas.Gemm(Transpose.No, Transpose.Yes, g, t, g, 1.0, gram, g, s.Z, t, 0.0, eat, g);
        blas.Gemm(Transpose.No, Transpose.No, t, t, g, 1.0, s.Z, t, eat, g, 0.0, aat, t);
        blas.Gemm(Transpose.No, Transpose.No, g, t, t, 1.0, s.S, g, aat, t, 0.0, saat, g);
        for (int i = 0; i < g; i++)
        {
            double rss = gram[i + (long)i * g];
            for (int j = 0; j < t; j++)
            {
                long e = i + (long)j * g;
                rss += s.S[e] * (saat[e] - 2 * eat[e]);
            }
            for (int j = 0; j < t; j++)
            {
                long e = i + (long)j * g;
                double v = s.S[e];
                if (v == 0) continue;
                double without = rss + 2 * v * (eat[e] - saat[e]) + v * v * aat[j + (long)j * t];
                double conf = without > 0 ? Math.Clamp(1 - rss / without, 0, 1) : 0;
                if (double.IsNaN(conf)) conf = 0;
                dest[e] += weight * conf;
            }
        }
    }

    /// <summary>The standardised targets as an n x G column-major matrix (E^T).</summary>
    private static double[] Standardize<T>(MatrixView<T> x, int[] columns, ExpressionMoments moments) where T : unmanaged, INumberBase<T>
    {
        int n = x.Rows, g = columns.Length;
        var e = new double[(long)n * g];
        Parallel.For(0, g, i =>
        {
            int c = columns[i];
            double mean = moments.Mean[c], scale = 1 / Math.Sqrt(moments.Variance[c]);
            var dst = e.AsSpan((int)((long)i * n), n);
            for (int r = 0; r < n; r++) dst[r] = (double.CreateTruncating(x[r, c]) - mean) * scale;
        });
        return e;
    }

    /// <summary>K = E_c E_c^T over the cells <paramref name="cells"/> (all of them: no copy), G x G full.</summary>
    internal static double[] Gram(double[] e, int n, int g, int[] cells, IBlas blas)
    {
        double[] rows = e;
        int m = n;
        if (cells.Length != n)
        {
            m = cells.Length;
            rows = new double[(long)m * g];
            for (int i = 0; i < g; i++)
                for (int k = 0; k < m; k++) rows[k + (long)i * m] = e[cells[k] + (long)i * n];
        }
        var k2 = new double[(long)g * g];
        blas.Syrk(Transpose.Yes, g, m, 1.0, rows, m, 0.0, k2, g);
        for (int c = 0; c < g; c++)
            for (int r = c + 1; r < g; r++) k2[r + (long)c * g] = k2[c + (long)r * g];
        return k2;
    }
}
