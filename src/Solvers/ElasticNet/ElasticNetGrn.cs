using System.Diagnostics;
using GrnFast.Kernels;
using GrnFast.Kernels.Blas;
using GrnFast.Solvers.Data;
using GrnFast.Solvers.Gram;
using GrnFast.Solvers.Results;

namespace GrnFast.Solvers.ElasticNet;

/// <summary>
/// Driver of the prior-weighted elastic net for every target gene j:
///   minimize_theta (1/2n)||x_j - X_S theta||^2 + alpha sum_i w_ij (rho |theta_i| + (1 - rho)/2 theta_i^2)
/// Standardise once, one GEMM for the Gram matrix and all cross-products, then per-target coordinate
/// descent on slices of them, in parallel over targets. Each target is computed by one thread with a fixed
/// order of operations, so results are the same bits for any thread count.
/// </summary>
public static class ElasticNetGrn
{
    /// <summary>Fits every target of <paramref name="problem"/> on cells x genes <paramref name="expression"/>.</summary>
    /// <param name="moments">Per-gene moments if the caller already computed them (saves one pass over the data).</param>
    public static GrnFitResult Fit(MatrixView<float> expression, RegulatorTargetProblem problem, ElasticNetOptions options, SolverContext context, ExpressionMoments? moments = null)
        => FitCore(expression, problem, options, context, moments);

    /// <inheritdoc cref="Fit(MatrixView{float}, RegulatorTargetProblem, ElasticNetOptions, SolverContext, ExpressionMoments?)"/>
    public static GrnFitResult Fit(MatrixView<double> expression, RegulatorTargetProblem problem, ElasticNetOptions options, SolverContext context, ExpressionMoments? moments = null)
        => FitCore(expression, problem, options, context, moments);

    /// <summary>
    /// Fits every target on block-stored cells (Arrow record batches, several files, sparse blocks): moments
    /// and cross-products accumulate block by block (<see cref="CrossProducts.ComputeBlocked"/>), so memory
    /// holds one chunk of standardised rows, never the whole matrix. Cross-validation folds are accumulated in
    /// the same pass. Same answers as the in-memory overloads up to summation order.
    /// </summary>
    public static GrnFitResult Fit(CellBlocks expression, RegulatorTargetProblem problem, ElasticNetOptions options, SolverContext context, ExpressionMoments? moments = null)
    {
        ArgumentNullException.ThrowIfNull(expression);
        Validate(expression.Cells, problem, options, context);
        var clock = Stopwatch.StartNew();
        moments ??= ExpressionMoments.Compute(expression, context.Threads, context.Cancellation);
        var columns = ColumnPlan.Build(problem, expression.Genes, moments);
        double momentsSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        int cells = expression.Cells;
        int[]? foldOf = null;
        int folds = 0;
        if (options.Alpha is null && options.Selection is ModelSelection.CrossValidation cv)
        {
            folds = cv.Folds;
            foldOf = new int[cells];
            var rows = FoldRows(cells, folds, options.Seed);
            for (int f = 0; f < folds; f++) foreach (var r in rows[f]) foldOf[r] = f;
        }
        var cross = CrossProducts.ComputeBlocked(expression, columns.SourceColumns, columns.Regulators, columns.Mean, columns.Std,
            options.Precision == GramPrecision.Float32, foldOf, folds, context.Blas, context.Threads, context.Cancellation, out var held);
        // Standardising happens inside the blocked pass; it is counted with the Gram.
        double gramSeconds = clock.Elapsed.TotalSeconds;
        return SolveTargets(problem, options, context, cross, columns, cells, held is null ? null : f => held[f], momentsSeconds, gramSeconds);
    }

    private static void Validate(int cells, RegulatorTargetProblem problem, ElasticNetOptions options, SolverContext context)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        options.Validate();
        if (cells < 2) throw new ArgumentException($"the expression matrix has {cells} cells; at least 2 are needed", "x");
        if (options.Selection is ModelSelection.CrossValidation cvs && options.Alpha is null && cvs.Folds > cells)
            throw new ArgumentException($"{cvs.Folds}-fold cross-validation needs at least {cvs.Folds} cells, there are {cells}", nameof(options));
    }

    private static GrnFitResult FitCore<T>(MatrixView<T> x, RegulatorTargetProblem problem, ElasticNetOptions options, SolverContext context, ExpressionMoments? moments)
        where T : unmanaged
    {
        Validate(x.Rows, problem, options, context);
        var clock = Stopwatch.StartNew();
        moments ??= typeof(T) == typeof(float)
            ? ExpressionMoments.Compute((MatrixView<float>)(object)x, context.Threads)
            : ExpressionMoments.Compute((MatrixView<double>)(object)x, context.Threads);
        var columns = ColumnPlan.Build(problem, x.Cols, moments);
        int q = columns.Regulators;

        // Float input: standardise only the regulators and take the cross-products against the input itself, in
        // float32, or in float64 with the managed GEMM widening the input as it packs it (no 8-byte copy of every
        // column: D1's float64 standardise stage was mostly that copy). Cross-validation still needs every
        // standardised column (its folds gather rows of Z).
        bool crossAgainstInput = typeof(T) == typeof(float)
            && (options.Precision == GramPrecision.Float32 || context.Blas is ManagedBlas)
            && !(options.Alpha is null && options.Selection is ModelSelection.CrossValidation);
        var z = StandardizedExpression.Build(x, moments, columns.SourceColumns, q, options.Precision == GramPrecision.Float32, context.Threads, regulatorsOnly: crossAgainstInput);
        double standardizeSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var cross = crossAgainstInput
            ? CrossProducts.ComputeFromRaw(z, (MatrixView<float>)(object)x, context.Blas)
            : CrossProducts.Compute(z, context.Blas);
        double gramSeconds = clock.Elapsed.TotalSeconds;

        Func<int, CrossProducts>? held = null;
        if (options.Alpha is null && options.Selection is ModelSelection.CrossValidation cv)
        {
            var rows = FoldRows(z.Cells, cv.Folds, options.Seed);
            held = f => CrossProducts.ComputeFold(z, rows[f], context.Blas);
        }
        return SolveTargets(problem, options, context, cross, columns, z.Cells, held, standardizeSeconds, gramSeconds);
    }

    /// <summary>The cells of each cross-validation fold: a seeded shuffle cut into K near-equal parts, each sorted.</summary>
    private static int[][] FoldRows(int cells, int folds, int seed)
    {
        var order = new int[cells];
        for (int i = 0; i < cells; i++) order[i] = i;
        new Random(seed).Shuffle(order);
        var rows = new int[folds][];
        for (int f = 0; f < folds; f++)
        {
            int start = (int)((long)cells * f / folds), end = (int)((long)cells * (f + 1) / folds);
            rows[f] = order[start..end];
            Array.Sort(rows[f]);
        }
        return rows;
    }

    /// <summary>
    /// Which expression columns enter Z and where: regulators first (Z_reg a prefix of Z_all, so one GEMM gives
    /// G and every cross-product), then the targets that are not regulators. Checks every column is usable.
    /// </summary>
    private sealed record ColumnPlan(int[] SourceColumns, int Regulators, Dictionary<int, int> ZColumnOf, double[] Mean, double[] Std)
    {
        public static ColumnPlan Build(RegulatorTargetProblem problem, int columns, ExpressionMoments moments)
        {
            if (moments.Mean.Length != columns) throw new ArgumentException("moments do not match the expression matrix", nameof(moments));
            var zColumnOf = new Dictionary<int, int>();
            var source = new List<int>(problem.RegulatorColumns.Length + problem.TargetColumns.Length);
            foreach (var c in problem.RegulatorColumns) { CheckColumn(c, columns, moments, "regulator"); zColumnOf[c] = source.Count; source.Add(c); }
            foreach (var c in problem.TargetColumns)
            {
                CheckColumn(c, columns, moments, "target");
                if (!zColumnOf.ContainsKey(c)) { zColumnOf[c] = source.Count; source.Add(c); }
            }
            var mean = new double[source.Count];
            var std = new double[source.Count];
            for (int k = 0; k < source.Count; k++) { mean[k] = moments.Mean[source[k]]; std[k] = Math.Sqrt(moments.Variance[source[k]]); }
            return new ColumnPlan(source.ToArray(), problem.RegulatorColumns.Length, zColumnOf, mean, std);
        }
    }

    /// <summary>Per-target alpha grids, optional cross-validation, then every target's path in parallel.</summary>
    private static GrnFitResult SolveTargets(RegulatorTargetProblem problem, ElasticNetOptions options, SolverContext context, CrossProducts cross,
        ColumnPlan columns, int cells, Func<int, CrossProducts>? heldFold, double standardizeSeconds, double gramSeconds)
    {
        var clock = Stopwatch.StartNew();
        var candidates = problem.Candidates(context.Threads);
        int targets = problem.TargetColumns.Length;
        int pathLength = options.Alpha is null ? options.PathLength : 1;
        var plan = new TargetPlan[targets];
        for (int j = 0; j < targets; j++)
        {
            int zc = columns.ZColumnOf[problem.TargetColumns[j]];
            plan[j] = new TargetPlan(candidates[j].Regulators, candidates[j].Weights, zc, columns.Std[zc]);
        }

        // Every target's alpha grid comes from the full data, so cross-validation folds share it (as glmnet's cv does).
        var alphaGrid = new double[targets * pathLength];
        var alphaMax = new double[targets];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = context.Threads };
        Parallel.For(0, targets, parallel, j =>
        {
            var p = plan[j];
            alphaMax[j] = LambdaPath.AlphaMax(cross.Column(p.ZColumn), p.Candidates, p.Scale, p.Weights, options.L1Ratio);
            var grid = alphaGrid.AsSpan(j * pathLength, pathLength);
            if (options.Alpha is { } a) grid[0] = a;
            else LambdaPath.Grid(alphaMax[j], options.PathMinRatio, grid);
        });

        double[]? cvError = null;
        if (heldFold is not null && options.Selection is ModelSelection.CrossValidation cv)
            cvError = CrossValidate(cross, heldFold, plan, alphaGrid, pathLength, options, cv.Folds, context);

        var fits = new TargetFit[targets];
        int done = 0;
        Parallel.For(0, targets, parallel, () => new PathBuffers(pathLength, new TargetWorkspace()), (j, _, buffers) =>
        {
            fits[j] = FitTarget(j, plan[j], cross, alphaGrid.AsSpan(j * pathLength, pathLength), alphaMax[j], cvError, cells, options, buffers, context.Cancellation);
            context.Progress?.Report((Interlocked.Increment(ref done), targets));
            return buffers;
        }, _ => { });
        double solveSeconds = clock.Elapsed.TotalSeconds;

        return new GrnFitResult { Targets = fits, Timings = new StageTimings(standardizeSeconds, gramSeconds, solveSeconds) };
    }

    private static void CheckColumn(int column, int columns, ExpressionMoments moments, string role)
    {
        if ((uint)column >= (uint)columns) throw new ArgumentOutOfRangeException(nameof(column), column, $"{role} column outside the expression matrix ({columns} columns)");
        if (!moments.IsUsable(column))
            throw new ArgumentException($"{role} column {column} cannot be standardised (mean {moments.Mean[column]}, variance {moments.Variance[column]}): drop constant or non-finite genes first", nameof(column));
    }

    private static TargetFit FitTarget(int j, TargetPlan p, CrossProducts cross, ReadOnlySpan<double> alphas, double alphaMax, double[]? cvError, int cells,
        ElasticNetOptions options, PathBuffers b, CancellationToken cancellation)
    {
        var ws = b.Workspace;
        int k = alphas.Length;
        ws.Load(cross, p.Candidates, p.Weights, p.ZColumn, p.Scale, k, options.L1Ratio);
        int s = ws.Candidates;
        double qy = p.Scale * p.Scale * cross.ColumnSquares[p.ZColumn];
        var entry = b.Entry(s);
        var solvedBy = LambdaPath.Run(ws, alphas, options.L1Ratio, qy, options, options.Alpha is null, b.Certificates, b.Statuses, b.Rss, entry, cancellation);

        int selected = 0;
        if (k > 1)
        {
            if (cvError is not null)
            {
                var err = cvError.AsSpan(j * k, k);
                for (int a = 1; a < k; a++) if (err[a] < err[selected]) selected = a;
            }
            else
            {
                double gamma = options.Selection is ModelSelection.Ebic e ? e.Gamma : 0.5;
                double best = double.PositiveInfinity;
                for (int a = 0; a < k; a++)
                {
                    int df = 0;
                    foreach (var t in ws.PathTheta.AsSpan(a * s, s)) df += t != 0 ? 1 : 0;
                    double rss = Math.Max(b.Rss[a], 1e-300 + 1e-15 * qy);
                    double ebic = cells * Math.Log(rss) + df * Math.Log(cells) + 2 * gamma * df * Math.Log(Math.Max(s, 1));
                    if (ebic < best) { best = ebic; selected = a; }
                }
            }
        }

        var coef = ws.PathTheta.AsSpan(selected * s, s);
        bool pathImportance = k > 1 && options.L1Ratio > 0;
        var regs = new List<int>();
        var coefs = new List<double>();
        var importance = new List<double>();
        for (int i = 0; i < s; i++)
        {
            double imp = pathImportance ? options.L1Ratio * entry[i] / p.Scale : Math.Abs(coef[i]);
            if (imp == 0) continue;
            regs.Add(p.Candidates[i]); coefs.Add(coef[i]); importance.Add(imp);
        }

        int worst = 0;
        for (int a = 1; a < k; a++) if (Ratio(b.Certificates[a]) > Ratio(b.Certificates[worst])) worst = a;
        PathSnapshot? snapshot = null;
        if (options.SnapshotPathIndex is { } si && k > 1)
        {
            var th = ws.PathTheta.AsSpan(si * s, s);
            var sr = new List<int>(); var sc = new List<double>();
            for (int i = 0; i < s; i++) if (th[i] != 0) { sr.Add(p.Candidates[i]); sc.Add(th[i]); }
            snapshot = new PathSnapshot(alphas[si], sr.ToArray(), sc.ToArray());
        }
        return new TargetFit
        {
            Target = j,
            Status = b.Statuses[selected],
            Certificate = b.Certificates[selected],
            WorstCertificate = b.Certificates[worst],
            AlphaMax = alphaMax,
            SelectedAlpha = alphas[selected],
            Candidates = s,
            Regulators = regs.ToArray(),
            Coefficients = coefs.ToArray(),
            Importance = importance.ToArray(),
            Snapshot = snapshot,
            SolvedBy = solvedBy,
        };
    }

    private static double Ratio(Certificate c) => double.IsNaN(c.DualityGap) ? double.PositiveInfinity : c.DualityGap / c.Tolerance;

    /// <summary>
    /// Mean held-out MSE per (target, alpha) over K folds of cells. The folds' Grams come from one GEMM per
    /// fold; the training Gram is the full one minus the fold's. Standardisation uses all cells (a small,
    /// documented leak, the price of one shared Z).
    /// </summary>
    private static double[] CrossValidate(CrossProducts all, Func<int, CrossProducts> heldFold, TargetPlan[] plan, double[] alphaGrid, int k,
        ElasticNetOptions options, int folds, SolverContext context)
    {
        int targets = plan.Length;
        var error = new double[targets * k];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = context.Threads };
        for (int f = 0; f < folds; f++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            var held = heldFold(f);
            var train = CrossProducts.Complement(all, held);
            Parallel.For(0, targets, parallel, () => new PathBuffers(k, new TargetWorkspace()), (j, _, b) =>
            {
                var p = plan[j];
                var ws = b.Workspace;
                ws.Load(train, p.Candidates, p.Weights, p.ZColumn, p.Scale, k, options.L1Ratio);
                int s = ws.Candidates;
                double qy = p.Scale * p.Scale * train.ColumnSquares[p.ZColumn];
                LambdaPath.Run(ws, alphaGrid.AsSpan(j * k, k), options.L1Ratio, qy, options, options.Alpha is null, b.Certificates, b.Statuses, b.Rss, b.Entry(s), context.Cancellation);
                // Held-out MSE from the fold's Gram: (1/n_f)||y_f - X_f theta||^2 = yy_f - 2 theta^T c_f + theta^T G_f theta.
                double yy = p.Scale * p.Scale * held.ColumnSquares[p.ZColumn];
                var heldCol = held.Column(p.ZColumn);
                var nz = b.NonZero(s);
                for (int a = 0; a < k; a++)
                {
                    var th = ws.PathTheta.AsSpan(a * s, s);
                    int count = 0;
                    double tc = 0;
                    for (int i = 0; i < s; i++)
                        if (th[i] != 0) { nz[count++] = i; tc += th[i] * heldCol[p.Candidates[i]] * p.Scale; }
                    double tgt = 0;
                    for (int u = 0; u < count; u++)
                        for (int v = 0; v < count; v++)
                            tgt += th[nz[u]] * th[nz[v]] * held.Gram(p.Candidates[nz[u]], p.Candidates[nz[v]]);
                    error[j * k + a] += (yy - 2 * tc + tgt) / folds;
                }
                return b;
            }, _ => { });
        }
        return error;
    }

    private readonly record struct TargetPlan(int[] Candidates, double[] Weights, int ZColumn, double Scale);

    /// <summary>Per-thread path buffers, reused across targets.</summary>
    private sealed class PathBuffers(int pathLength, TargetWorkspace workspace)
    {
        private double[] _entry = [];
        private int[] _nonZero = [];
        public TargetWorkspace Workspace { get; } = workspace;
        public Certificate[] Certificates { get; } = new Certificate[pathLength];
        public SolverStatus[] Statuses { get; } = new SolverStatus[pathLength];
        public double[] Rss { get; } = new double[pathLength];
        public Span<double> Entry(int s) { if (_entry.Length < s) _entry = new double[s]; return _entry.AsSpan(0, s); }
        public Span<int> NonZero(int s) { if (_nonZero.Length < s) _nonZero = new int[s]; return _nonZero.AsSpan(0, s); }
    }
}
