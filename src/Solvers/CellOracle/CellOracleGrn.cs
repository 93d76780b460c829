using System.Diagnostics;
using GrnFast.Kernels;
using GrnFast.Solvers.Data;
using GrnFast.Solvers.Results;

namespace GrnFast.Solvers.CellOracle;

/// <summary>
/// CellOracle's GRN fit (morris-lab/CellOracle <c>Oracle.get_links</c>) on GrnFast's shared-Gram machinery: for every
/// cluster and every target j with candidate regulators S_j (the base GRN's TFs of j, a hard mask), either
/// <list type="bullet">
/// <item>bagged ridge: B bootstrap bags of the cluster's cells, each fitting
///   min_theta sum_i c_i (y_i - b - x_(i,S) theta)^2 + alpha ||theta||^2 on a random 80% S of S_j (c_i the bootstrap
///   counts); coef_mean = the mean of an edge's coefficient over the bags that drew it, p = one-sample t-test against 0;</item>
/// <item>BayesianRidge: scikit-learn's evidence maximisation on S_j; coef = posterior mean, p = 2 Phi(-|mu| / sigma).</item>
/// </list>
/// Regulators are scaled by their standard deviation over all cells; targets stay in their own units.
/// <para>
/// Work sharing: CellOracle refits a BaggingRegressor per target, touching the cells 20 times per target. Here the
/// bags of a cluster are shared by all its targets (CellOracle's fixed random_state makes them shared there too), so
/// each bag costs one weighted GEMM <see cref="BagCrossProducts"/> for all targets, and each target's bag is a k x k
/// Cholesky solve on slices of it, independent of the number of cells. Bags run one after another; each bag's GEMM
/// runs as fixed column tiles in parallel, and its targets in parallel, each on one thread in a fixed order; every
/// random draw is seeded by what it is for. With a single-threaded BLAS (new ManagedBlas(1), as infer runs it; the
/// solver parallelises the tiles itself) the result is the same bits for any thread count. A native BLAS's thread
/// count is process-wide, so it stays at one only if nothing else in the process sets it.
/// </para>
/// </summary>
public static class CellOracleGrn
{
    /// <param name="clusters">Cells per cluster; null fits all cells as one cluster.</param>
    /// <param name="moments">Per-gene moments over all cells if already computed (they give the regulator scaling).</param>
    public static CellOracleResult Fit(MatrixView<float> x, RegulatorTargetProblem problem, CellClusters? clusters, CellOracleOptions options, SolverContext context, ExpressionMoments? moments = null)
        => Fit(ExpressionSource.Of(x), problem, clusters, options, context, moments ?? ExpressionMoments.Compute(x, context?.Threads ?? 0), new SeededBagSampler(options?.Seed ?? 0));

    /// <inheritdoc cref="Fit(MatrixView{float}, RegulatorTargetProblem, CellClusters?, CellOracleOptions, SolverContext, ExpressionMoments?)"/>
    public static CellOracleResult Fit(MatrixView<double> x, RegulatorTargetProblem problem, CellClusters? clusters, CellOracleOptions options, SolverContext context, ExpressionMoments? moments = null)
        => Fit(ExpressionSource.Of(x), problem, clusters, options, context, moments ?? ExpressionMoments.Compute(x, context?.Threads ?? 0), new SeededBagSampler(options?.Seed ?? 0));

    /// <inheritdoc cref="Fit(MatrixView{float}, RegulatorTargetProblem, CellClusters?, CellOracleOptions, SolverContext, ExpressionMoments?)"/>
    public static CellOracleResult Fit(CellBlocks x, RegulatorTargetProblem problem, CellClusters? clusters, CellOracleOptions options, SolverContext context, ExpressionMoments? moments = null)
        => Fit(ExpressionSource.Of(x), problem, clusters, options, context, moments ?? ExpressionMoments.Compute(x, context?.Threads ?? 0), new SeededBagSampler(options?.Seed ?? 0));

    internal static CellOracleResult Fit(ExpressionSource x, RegulatorTargetProblem problem, CellClusters? clusters, CellOracleOptions options,
        SolverContext context, ExpressionMoments moments, BagSampler sampler)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        options.Validate();
        clusters ??= CellClusters.All(x.Cells);
        foreach (var (cells, g) in clusters.Cells.Select((c, g) => (c, g)))
        {
            if (cells.Length < 2) throw new ArgumentException($"cluster '{clusters.Labels[g]}' has {cells.Length} cells; at least 2 are needed", nameof(clusters));
            if (cells[^1] >= x.Cells) throw new ArgumentOutOfRangeException(nameof(clusters), cells[^1], $"cluster '{clusters.Labels[g]}' names a cell beyond the matrix ({x.Cells} cells)");
        }
        var plan = ColumnPlan.Build(problem, x.Genes, moments);

        double gather = 0, gram = 0, solve = 0;
        var networks = new ClusterNetwork[clusters.Count];
        int fitsTotal = clusters.Count * plan.Targets.Length, fitsDone = 0;
        for (int g = 0; g < clusters.Count; g++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            var z = ClusterExpression.Build(x, clusters.Cells[g], plan.SourceColumns, plan.Scale, context.Threads);
            gather += clock.Elapsed.TotalSeconds;

            var fitted = new List<int>();
            var constantTargets = new List<int>();
            foreach (var j in plan.Targets)
                if (z.Constant[plan.TargetZ[j]]) constantTargets.Add(j); else fitted.Add(j);
            var cluster = new ClusterFit(g, clusters.Labels[g], plan, z, fitted.ToArray(), options, context, sampler);
            var links = options.Estimator == CellOracleEstimator.BaggedRidge
                ? cluster.BaggedRidge(ref gram, ref solve, done => context.Progress?.Report((fitsDone + done, fitsTotal)))
                : cluster.BayesianRidge(ref gram, ref solve);
            fitsDone += plan.Targets.Length;
            context.Progress?.Report((fitsDone, fitsTotal));
            networks[g] = new ClusterNetwork { Label = clusters.Labels[g], Cells = z.Cells, Targets = links, ConstantTargets = constantTargets.ToArray() };
        }
        return new CellOracleResult { Clusters = networks, Timings = new StageTimings(gather, gram, solve) };
    }

    /// <summary>
    /// The Z columns: every regulator that is some target's candidate first (so the GEMM's left operand is a prefix),
    /// then the fitted targets that are not among them. Scale = each column's standard deviation over all cells.
    /// </summary>
    internal sealed class ColumnPlan
    {
        public required int[] SourceColumns { get; init; }
        public required double[] Scale { get; init; }
        /// <summary>q: the leading regulator columns of Z.</summary>
        public required int Regulators { get; init; }
        /// <summary>Z column of each regulator position (-1 if no target uses it).</summary>
        public required int[] RegulatorZ { get; init; }
        /// <summary>Z column of each target (-1 if it has no candidates).</summary>
        public required int[] TargetZ { get; init; }
        /// <summary>Candidate regulator positions per target.</summary>
        public required int[][] Candidates { get; init; }
        /// <summary>Targets with at least one candidate, ascending.</summary>
        public required int[] Targets { get; init; }

        public static ColumnPlan Build(RegulatorTargetProblem problem, int genes, ExpressionMoments moments)
        {
            if (moments.Mean.Length != genes) throw new ArgumentException("moments do not match the expression matrix", nameof(moments));
            var candidates = problem.Candidates().Select(c => c.Regulators).ToArray();
            int q = problem.RegulatorColumns.Length;
            var used = new bool[q];
            foreach (var c in candidates) foreach (var r in c) used[r] = true;
            var source = new List<int>();
            var regulatorZ = new int[q];
            var zOfColumn = new Dictionary<int, int>();
            for (int r = 0; r < q; r++)
            {
                regulatorZ[r] = -1;
                if (!used[r]) continue;
                int col = problem.RegulatorColumns[r];
                Check(col, genes, moments, "regulator");
                regulatorZ[r] = source.Count;
                zOfColumn[col] = source.Count;
                source.Add(col);
            }
            int regulators = source.Count;
            var targetZ = new int[candidates.Length];
            var targets = new List<int>();
            for (int j = 0; j < candidates.Length; j++)
            {
                targetZ[j] = -1;
                if (candidates[j].Length == 0) continue;
                int col = problem.TargetColumns[j];
                Check(col, genes, moments, "target");
                if (!zOfColumn.TryGetValue(col, out int zc)) { zc = source.Count; zOfColumn[col] = zc; source.Add(col); }
                targetZ[j] = zc;
                targets.Add(j);
            }
            var scale = source.Select(c => Math.Sqrt(moments.Variance[c])).ToArray();
            return new ColumnPlan
            {
                SourceColumns = source.ToArray(), Scale = scale, Regulators = regulators, RegulatorZ = regulatorZ,
                TargetZ = targetZ, Candidates = candidates, Targets = targets.ToArray(),
            };
        }

        private static void Check(int column, int genes, ExpressionMoments moments, string role)
        {
            if ((uint)column >= (uint)genes) throw new ArgumentOutOfRangeException(nameof(column), column, $"{role} column outside the expression matrix ({genes} columns)");
            if (!moments.IsUsable(column))
                throw new ArgumentException($"{role} column {column} cannot be scaled (mean {moments.Mean[column]}, variance {moments.Variance[column]}): drop constant or non-finite genes first", nameof(column));
        }
    }

    /// <summary>The fits of one cluster on its standardised columns.</summary>
    private sealed class ClusterFit(int index, string label, ColumnPlan plan, ClusterExpression z, int[] targets, CellOracleOptions options, SolverContext context, BagSampler sampler)
    {
        private ParallelOptions Parallelism => new() { MaxDegreeOfParallelism = context.Threads };

        public TargetLinks[] BaggedRidge(ref double gramSeconds, ref double solveSeconds, Action<int> progress)
        {
            int bags = options.Bags;
            // Welford accumulators per (target, candidate), laid out target after target.
            var offset = new int[targets.Length + 1];
            for (int t = 0; t < targets.Length; t++) offset[t + 1] = offset[t] + plan.Candidates[targets[t]].Length;
            var count = new int[offset[^1]];
            var mean = new double[offset[^1]];
            var m2 = new double[offset[^1]];
            var failed = new bool[targets.Length];
            double[][][]? kept = options.KeepBagCoefficients ? new double[targets.Length][][] : null;
            if (kept is not null)
                for (int t = 0; t < targets.Length; t++)
                {
                    kept[t] = new double[bags][];
                    for (int b = 0; b < bags; b++) { kept[t][b] = new double[plan.Candidates[targets[t]].Length]; Array.Fill(kept[t][b], double.NaN); }
                }

            var cross = new BagCrossProducts(plan.Regulators, z.Columns);
            var counts = new int[z.Cells];
            var clock = new Stopwatch();
            for (int b = 0; b < bags; b++)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                clock.Restart();
                sampler.Counts(index, label, b, counts);
                cross.Compute(z, counts, context.Blas, context.Threads);
                gramSeconds += clock.Elapsed.TotalSeconds;

                clock.Restart();
                int bag = b;
                Parallel.For(0, targets.Length, Parallelism, () => new RidgeWorkspace(), (t, _, ws) =>
                {
                    int j = targets[t];
                    var candidates = plan.Candidates[j];
                    int s = candidates.Length, k = options.FeaturesPerBag(s);
                    var chosen = ws.Chosen(k);
                    sampler.Features(index, label, bag, TargetKey(j), s, chosen);
                    var theta = ws.Theta(k);
                    if (!SolveBag(cross, candidates, chosen, plan.TargetZ[j], ws.System(k), theta)) { failed[t] = true; return ws; }
                    for (int a = 0; a < k; a++)
                    {
                        int at = offset[t] + chosen[a];
                        // Welford: the mean and sum of squared deviations in bag order, the same on every thread.
                        int c = ++count[at];
                        double delta = theta[a] - mean[at];
                        mean[at] += delta / c;
                        m2[at] += delta * (theta[a] - mean[at]);
                        if (kept is not null) kept[t][bag][chosen[a]] = theta[a];
                    }
                    return ws;
                }, _ => { });
                solveSeconds += clock.Elapsed.TotalSeconds;
                progress((b + 1) * plan.Targets.Length / bags);
            }

            clock.Restart();
            var links = new TargetLinks[targets.Length];
            for (int t = 0; t < targets.Length; t++)
            {
                int j = targets[t];
                var candidates = plan.Candidates[j];
                var regs = new List<int>(); var coef = new List<double>(); var p = new List<PValue>(); var n = new List<int>();
                for (int i = 0; i < candidates.Length; i++)
                {
                    int at = offset[t] + i;
                    if (count[at] == 0 || z.Constant[plan.RegulatorZ[candidates[i]]]) continue;
                    regs.Add(candidates[i]); coef.Add(mean[at]); n.Add(count[at]);
                    p.Add(EdgeSignificance.OneSampleT(count[at], mean[at], m2[at]));
                }
                links[t] = new TargetLinks
                {
                    Target = j, Candidates = candidates.Length, Regulators = regs.ToArray(), CoefMean = coef.ToArray(), P = p.ToArray(), Bags = n.ToArray(),
                    Status = failed[t] ? SolverStatus.NumericalFailure : SolverStatus.Converged,
                    BagCoefficients = kept?[t], CandidateRegulators = kept is null ? null : candidates,
                };
            }
            solveSeconds += clock.Elapsed.TotalSeconds;
            return links;
        }

        /// <summary>The seed key of a target's feature draws: its expression column, so a target draws the same subsets whatever else is fitted.</summary>
        private int TargetKey(int j) => plan.SourceColumns[plan.TargetZ[j]];

        /// <summary>
        /// One bag of one target: (G_SS + alpha I) theta = sigma_y g_Sy on the centred weighted products, by Cholesky
        /// (what scikit-learn's Ridge solver "auto" picks for dense X: cholesky, or the equal kernel form when n &lt; k).
        /// </summary>
        private bool SolveBag(BagCrossProducts cross, int[] candidates, ReadOnlySpan<int> chosen, int targetZ, Span<double> a, Span<double> theta)
        {
            int k = chosen.Length;
            double sigmaY = plan.Scale[targetZ];
            for (int u = 0; u < k; u++)
            {
                int ru = plan.RegulatorZ[candidates[chosen[u]]];
                for (int v = 0; v <= u; v++)
                {
                    double g = cross.Gram(ru, plan.RegulatorZ[candidates[chosen[v]]]);
                    a[u * k + v] = g;
                    a[v * k + u] = g;
                }
                a[u * k + u] += options.Alpha;
                theta[u] = sigmaY * cross.Cross(ru, targetZ);
            }
            if (!Cholesky.Factor(a, k)) return false;
            Cholesky.Solve(a, k, theta);
            return true;
        }

        public TargetLinks[] BayesianRidge(ref double gramSeconds, ref double solveSeconds)
        {
            var clock = Stopwatch.StartNew();
            var cross = new BagCrossProducts(plan.Regulators, z.Columns);
            cross.Compute(z, null, context.Blas, context.Threads);
            gramSeconds += clock.Elapsed.TotalSeconds;

            clock.Restart();
            var links = new TargetLinks[targets.Length];
            Parallel.For(0, targets.Length, Parallelism, () => new EvidenceWorkspace(), (t, _, ws) =>
            {
                int j = targets[t];
                links[t] = BayesianRidgeEvidence.Fit(j, plan.Candidates[j], plan, cross, z, options, ws);
                return ws;
            }, _ => { });
            solveSeconds += clock.Elapsed.TotalSeconds;
            return links;
        }
    }

    /// <summary>Per-thread buffers of the bag solves, grown on demand.</summary>
    private sealed class RidgeWorkspace
    {
        private int[] _chosen = [];
        private double[] _a = [], _theta = [];
        public Span<int> Chosen(int k) { if (_chosen.Length < k) _chosen = new int[k]; return _chosen.AsSpan(0, k); }
        public Span<double> System(int k) { if (_a.Length < k * k) _a = new double[k * k]; return _a.AsSpan(0, k * k); }
        public Span<double> Theta(int k) { if (_theta.Length < k) _theta = new double[k]; return _theta.AsSpan(0, k); }
    }
}
