using GrnFast.Host.Cli;
using GrnFast.Host.Shard;
using GrnFast.IO;
using GrnFast.Kernels.Blas;
using GrnFast.Solvers;
using GrnFast.Solvers.CellOracle;
using GrnFast.Solvers.Data;
using GrnFast.Solvers.Results;

namespace GrnFast.Host.Infer;

/// <summary>
/// The <c>--method celloracle</c> branch of <see cref="InferPipeline"/>, after the data and its moments are loaded:
/// regulators (the list, or the base GRN's TFs), candidates (base GRN and prior edges as a hard mask), cell clusters
/// (<c>--groups</c>), the fit, and the links. The outcome also carries the links as plain edges (importance coef_abs,
/// coef coef_mean) and per-target fits, so a host request that asks for celloracle gets the usual network table.
/// </summary>
internal static class CellOracleRun
{
    public static InferOutcome Run(InferRequest r, CellOracleSettings settings, ExpressionData data, Dictionary<string, int> columns,
        ExpressionMoments moments, double momentsSeconds, System.Diagnostics.Stopwatch clock, Log log, CancellationToken cancellation,
        IProgress<(int Done, int Total)>? progress)
    {
        BaseGrn? baseGrn = settings.BaseGrn is { } path ? BaseGrnReader.Read(path) : null;
        if (baseGrn is not null)
            log.Info($"base GRN {baseGrn.Path}: {baseGrn.Regulators.Count} TFs, {baseGrn.Targets} target genes, {baseGrn.Edges.Edges.Count} TF-target pairs from {baseGrn.Peaks} peaks");

        int[] regulators = r.Regulators is { } listed
            ? GeneSelection.Regulators(listed.Read(log), data, columns, moments, log)
            : BaseGrnRegulators(baseGrn ?? throw new InvalidOperationException("celloracle without --regulators needs a base GRN"), data, columns, moments, log);
        var targets = GeneSelection.Targets(r.Targets?.Read(log), data, columns, moments, log);
        var sources = new List<PriorSource>();
        if (baseGrn is not null) sources.Add(baseGrn.Edges);
        sources.AddRange(r.Priors.Select(p => p.Read()));
        var weights = sources.Count == 0
            ? new PenaltyWeights(1.0)
            : PriorPenalty.Build(sources, PriorMode.Mask, 1.0, columns, regulators, targets, log);
        if (sources.Count == 0) log.Info("no base GRN or prior: every regulator is a candidate of every target");
        var problem = new RegulatorTargetProblem(regulators, targets, weights);
        if (sources.Count > 0 && !weights.Entries.Any())
            throw new InputFormatException(sources[0].Path, null, $"no pair of the base GRN / priors names a regulator and a target of {data.Source}; check the species and the gene naming");

        // A shard fits its targets in every cluster; the bootstrap cells of a (cluster, bag) and the features of a
        // (cluster, bag, target gene) are seeded by exactly that, so each target gets the draws it gets unsharded.
        ShardSelection? shard = null;
        if (r.Shard is { } spec) (problem, shard) = ShardPlan.Select(problem, spec, data.GeneNames);
        var clusters = settings.Groups is { } groups ? Clusters(CellGroupReader.Read(groups), data, log) : null;
        double load = clock.Elapsed.TotalSeconds - momentsSeconds;
        cancellation.ThrowIfCancellationRequested();

        // The managed GEMM, one thread per call (the solver runs fixed column tiles in parallel itself): each entry of
        // the bag's cross-products is summed in a fixed order whatever the other rows and columns of the call, so the
        // bits depend neither on --threads nor on which targets (columns) a shard holds, and merged shards are the
        // unsharded links byte for byte. Native OpenBLAS is not: its edge kernels round a column differently when the
        // columns around it change. On D1 (5000 cells x 2000 genes, 300 regulators) both took ~3 s for the 20 bags' GEMMs.
        IBlas blas = new ManagedBlas(1);
        var context = new SolverContext(blas, r.Threads, cancellation) { Progress = progress };
        var o = settings.Options;
        log.Info($"fitting {problem.TargetColumns.Length} targets{(shard is null ? "" : $" (shard {shard.Shard} of {shard.TotalTargets} targets)")} on {regulators.Length} regulators (celloracle, "
            + (o.Estimator == CellOracleEstimator.BaggedRidge ? $"bagged ridge, alpha {o.Alpha:G4}, {o.Bags} bags of 80% of the candidates, seed {o.Seed}" : "BayesianRidge")
            + $"; {(clusters is null ? "all cells" : $"{clusters.Count} clusters")}; {context.Threads} threads, BLAS {blas.Name})");
        CellOracleResult result;
        try
        {
            result = data.Single is { } x ? CellOracleGrn.Fit(x, problem, clusters, o, context, moments)
                : data.Double is { } xd ? CellOracleGrn.Fit(xd, problem, clusters, o, context, moments)
                : CellOracleGrn.Fit(data.Blocks!, problem, clusters, o, context, moments);
        }
        catch (ArgumentException e) when (e is not ArgumentNullException)
        {
            throw new InputFormatException(data.Source, null, e.ParamName is { } p ? e.Message.Replace($" (Parameter '{p}')", "", StringComparison.Ordinal) : e.Message);
        }
        cancellation.ThrowIfCancellationRequested();

        var links = Links(result, problem, data.GeneNames, o.Estimator == CellOracleEstimator.BayesianRidge, clusters is not null, log);
        // A shard keeps every link: filter_links ranks a cluster's links over all targets, which only the merge sees.
        if (settings.Filter is { } f && shard is null) links = links.Filter(f);
        return InferOutcome.Of(links.Rows.Select(l => new NetworkEdge(l.Source, l.Target, l.CoefAbs, l.CoefMean)).ToList(), AsFitResult(result), problem,
            data, context, blas, load, momentsSeconds + result.Timings.Standardize) with { CellOracle = links, Shard = shard };
    }

    /// <summary>The base GRN's TF columns that are usable genes of the data (CellOracle intersects them with the genes).</summary>
    private static int[] BaseGrnRegulators(BaseGrn g, ExpressionData data, Dictionary<string, int> columns, ExpressionMoments moments, Log log)
    {
        var missing = new List<string>();
        var unusable = new List<string>();
        var result = new List<int>();
        foreach (var tf in g.Regulators)
        {
            if (!columns.TryGetValue(tf, out int c)) missing.Add(tf);
            else if (!moments.IsUsable(c)) unusable.Add(tf);
            else result.Add(c);
        }
        if (missing.Count > 0) log.Warn($"{missing.Count} of {g.Regulators.Count} TFs of the base GRN {g.Path} are not genes of {data.Source}: {Log.FirstFew(missing)}");
        if (unusable.Count > 0) log.Warn($"{unusable.Count} TFs of the base GRN dropped for zero variance or non-finite values: {Log.FirstFew(unusable)}");
        if (result.Count == 0)
            throw new InputFormatException(g.Path, 1, $"none of the base GRN's {g.Regulators.Count} TFs ({Log.FirstFew(g.Regulators.ToArray())}) is a usable gene of {data.Source}; check the species and the gene naming");
        return result.ToArray();
    }

    /// <summary>Cells per cluster, clusters in label order (as CellOracle's np.unique), each with at least 2 cells.</summary>
    private static CellClusters Clusters(CellGroupFile file, ExpressionData data, Log log)
    {
        var labelOf = new string?[data.Cells];
        if (file.Named)
        {
            if (data.CellNames is not { } names)
                throw new InputFormatException(file.Path, file.Rows[0].Line, $"the groups file names cells, but {data.Source} has no cell names; give one cluster label per line in cell order instead");
            var row = new Dictionary<string, int>(names.Count, StringComparer.Ordinal);
            for (int i = 0; i < names.Count; i++) row.TryAdd(names[i], i);
            var lineOf = new int[data.Cells];
            foreach (var g in file.Rows)
            {
                if (!row.TryGetValue(g.Cell!, out int i))
                    throw new InputFormatException(file.Path, g.Line, $"cell '{g.Cell}' is not a cell of {data.Source}", 1, null);
                if (labelOf[i] is not null)
                    throw new InputFormatException(file.Path, g.Line, $"cell '{g.Cell}' is assigned twice (lines {lineOf[i]} and {g.Line})", 1, null);
                labelOf[i] = g.Label;
                lineOf[i] = g.Line;
            }
            int unassigned = labelOf.Count(l => l is null);
            if (unassigned > 0) log.Warn($"{file.Path}: {unassigned} of {data.Cells} cells have no cluster and are not fitted");
        }
        else
        {
            if (file.Rows.Count != data.Cells)
                throw new InputFormatException(file.Path, null, $"{file.Rows.Count} cluster labels for the {data.Cells} cells of {data.Source}: one label per cell, in the expression's cell order (or 'cell, cluster' rows)");
            for (int i = 0; i < data.Cells; i++) labelOf[i] = file.Rows[i].Label;
        }
        var cells = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < data.Cells; i++)
            if (labelOf[i] is { } l) { if (!cells.TryGetValue(l, out var list)) cells[l] = list = new List<int>(); list.Add(i); }
        var small = cells.Where(c => c.Value.Count < 2).Select(c => c.Key).ToList();
        if (small.Count > 0) log.Warn($"{file.Path}: clusters with fewer than 2 cells are not fitted: {Log.FirstFew(small)}");
        var kept = cells.Where(c => c.Value.Count >= 2).ToList();
        if (kept.Count == 0) throw new InputFormatException(file.Path, null, "no cluster has at least 2 cells");
        log.Info($"{file.Path}: {kept.Count} clusters ({Log.FirstFew(kept.Select(c => $"{c.Key}: {c.Value.Count} cells").ToArray())})");
        return new CellClusters(kept.Select(c => c.Key).ToArray(), kept.Select(c => c.Value.ToArray()).ToArray());
    }

    private static CellOracleLinks Links(CellOracleResult result, RegulatorTargetProblem problem, IReadOnlyList<string> genes, bool bayesian, bool clustered, Log log)
    {
        var rows = new List<CellOracleLink>();
        int failed = 0, notConverged = 0, constant = 0, targets = 0;
        foreach (var cluster in result.Clusters)
        {
            constant += cluster.ConstantTargets.Length;
            foreach (var t in cluster.Targets)
            {
                targets++;
                if (t.Status == SolverStatus.NumericalFailure) failed++;
                if (t.Status == SolverStatus.MaxIterations) notConverged++;
                string target = genes[problem.TargetColumns[t.Target]];
                for (int i = 0; i < t.Regulators.Length; i++)
                    rows.Add(new CellOracleLink(genes[problem.RegulatorColumns[t.Regulators[i]]], target, t.CoefMean[i], t.CoefVariance?[i], t.P[i], clustered ? cluster.Label : null));
            }
        }
        if (constant > 0) log.Warn($"{constant} (cluster, target) pairs not fitted: the target is constant over the cluster's cells");
        if (failed > 0) log.Warn($"{failed} fits hit a numerical failure (a ridge system was not positive definite); their bags were skipped");
        if (notConverged > 0) log.Warn($"{notConverged} BayesianRidge fits stopped at the iteration limit before the tolerance");
        string summary = $"{targets} target fits{(clustered ? $" in {result.Clusters.Length} clusters" : "")}, {rows.Count} links";
        return new CellOracleLinks(rows, bayesian, clustered, summary);
    }

    /// <summary>Each (cluster, target) fit as a <see cref="TargetFit"/>: importance |coef_mean|; closed-form ridge has no gap to report.</summary>
    private static GrnFitResult AsFitResult(CellOracleResult result)
    {
        var fits = new List<TargetFit>();
        foreach (var cluster in result.Clusters)
            foreach (var t in cluster.Targets)
            {
                var certificate = new Certificate(0, 0, t.Iterations);
                fits.Add(new TargetFit
                {
                    Target = t.Target, Status = t.Status, Certificate = certificate, WorstCertificate = certificate,
                    AlphaMax = double.NaN, SelectedAlpha = double.NaN, Candidates = t.Candidates, Regulators = t.Regulators,
                    Coefficients = t.CoefMean, Importance = t.CoefMean.Select(Math.Abs).ToArray(),
                });
            }
        return new GrnFitResult { Targets = fits.ToArray(), Timings = result.Timings };
    }
}
