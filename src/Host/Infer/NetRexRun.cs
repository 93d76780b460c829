using GrnFast.Host.Cli;
using GrnFast.IO;
using GrnFast.Kernels.Blas;
using GrnFast.Solvers;
using GrnFast.Solvers.Data;
using GrnFast.Solvers.NetRex;
using GrnFast.Solvers.Results;

namespace GrnFast.Host.Infer;

/// <summary>
/// The <c>--method netrex-cf</c> branch of <see cref="InferPipeline"/>, after the data and its moments are loaded:
/// regulators and targets, the summed prior confidence over the sources, the NetREX-CF fit, and the edges with
/// importance = edge confidence in [0, 1] and coef = the network weight S (standardised genes).
/// </summary>
internal static class NetRexRun
{
    public static InferOutcome Run(InferRequest r, NetRexCfSettings settings, ExpressionData data, Dictionary<string, int> columns,
        ExpressionMoments moments, double momentsSeconds, System.Diagnostics.Stopwatch clock, Log log, CancellationToken cancellation)
    {
        var regulators = GeneSelection.Regulators((r.Regulators ?? throw new InvalidOperationException("regulators are required")).Read(log), data, columns, moments, log);
        var targets = GeneSelection.Targets(r.Targets?.Read(log), data, columns, moments, log);
        var sources = r.Priors.Select(p => p.Read()).ToList();
        var priorSum = PriorSum(sources, columns, regulators, targets, log);
        if (!priorSum.Any(v => v > 0))
            throw new InputFormatException(sources[0].Path, null, $"no pair of the priors with confidence > 0 names a regulator and a target of {data.Source}; netrex-cf needs prior edges (check the gene naming)");
        if (data.Blocks is not null)
            throw new InputFormatException(data.Source, null, "netrex-cf reads the expression into memory (it standardises the target genes once); give a .npy, .h5ad or text file instead of Arrow blocks");
        double load = clock.Elapsed.TotalSeconds - momentsSeconds;
        cancellation.ThrowIfCancellationRequested();

        var blas = BlasResolver.Resolve(r.Threads);
        var context = new SolverContext(blas, r.Threads, cancellation);
        var o = settings.Options;
        log.Info($"fitting netrex-cf on {targets.Length} genes x {regulators.Length} regulators, {sources.Count} prior sources "
            + $"(d = {Math.Min(o.LatentFactors, Math.Min(targets.Length, regulators.Length))}, up to {o.MaxIterations} PALM iterations, {o.Refits} half-sample refits; {context.Threads} threads, BLAS {blas.Name})");
        NetRexCfResult result;
        try
        {
            result = data.Single is { } x ? NetRexCfGrn.Fit(x, targets, regulators, priorSum, moments, o, context)
                : NetRexCfGrn.Fit(data.Double!.Value, targets, regulators, priorSum, moments, o, context);
        }
        catch (ArgumentException e) when (e is not ArgumentNullException)
        {
            throw new InputFormatException(data.Source, null, e.ParamName is { } p ? e.Message.Replace($" (Parameter '{p}')", "", StringComparison.Ordinal) : e.Message);
        }
        cancellation.ThrowIfCancellationRequested();
        var c = result.Fit.Certificate;
        log.Info($"PALM: F {c.ObjectiveHistory[0]:G6} -> {c.Objective:G6} in {c.Iterations} iterations ({result.Fit.Status}, relative change {c.RelativeChange:G3}, tolerance {c.Tolerance:G3}); {result.Fit.State.Support} edges in S");
        var per = result.Fit.IterationSeconds.Order().ToArray();
        if (per.Length > 0)
            log.Info($"netrex-cf timings: gram {result.Timings.Gram:F3} s, start (ALS + NCA) {result.InitializationSeconds:F3} s, "
                + $"outer iteration median {per[per.Length / 2]:F4} s (min {per[0]:F4}, {per.Length} iterations), refits {result.RefitSeconds:F3} s; "
                + $"the iterations' steps: {result.Fit.Phases}");
        if (result.Fit.Status != SolverStatus.Converged)
            log.Warn($"netrex-cf stopped {(result.Fit.Status == SolverStatus.MaxIterations ? "at the iteration limit" : $"with status {result.Fit.Status}")} before the objective settled (relative change {c.RelativeChange:G3} > {c.Tolerance:G3}); raise --iterations for a tighter fit");
        if (c.LargestIncrease > 1e-9) log.Warn($"the objective rose by {c.LargestIncrease:G3} (relative) in some iteration; PALM should never increase it");

        int g = targets.Length;
        var edges = new List<NetworkEdge>();
        var fits = new TargetFit[g];
        for (int i = 0; i < g; i++)
        {
            var regs = new List<int>();
            for (int j = 0; j < regulators.Length; j++) if (result.Confidence[i + (long)j * g] > 0) regs.Add(j);
            var coef = regs.Select(j => result.Fit.State.S[i + (long)j * g]).ToArray();
            var importance = regs.Select(j => result.Confidence[i + (long)j * g]).ToArray();
            for (int k = 0; k < regs.Count; k++)
                edges.Add(new NetworkEdge(data.GeneNames[regulators[regs[k]]], data.GeneNames[targets[i]], importance[k], coef[k]));
            var certificate = new Certificate(c.RelativeChange, c.Tolerance, c.Iterations);
            fits[i] = new TargetFit
            {
                Target = i, Status = result.Fit.Status, Certificate = certificate, WorstCertificate = certificate,
                AlphaMax = double.NaN, SelectedAlpha = double.NaN, Candidates = regulators.Length, Regulators = regs.ToArray(),
                Coefficients = coef, Importance = importance,
            };
        }
        return InferOutcome.Of(edges, new GrnFitResult { Targets = fits, Timings = result.Timings }, new RegulatorTargetProblem(regulators, targets, new PenaltyWeights(1.0)),
            data, context, blas, load, momentsSeconds + result.Timings.Standardize) with
        {
            // PALM's certificate is the objective's relative change, not a duality gap: say so rather than NetworkEdges.Summary's wording.
            MethodSummary = $"{g} targets x {regulators.Length} regulators, {edges.Count} edges; netrex-cf {result.Fit.Status}, "
                + $"F {c.Objective:G6} after {c.Iterations} PALM iterations (relative change {c.RelativeChange:G3}, tolerance {c.Tolerance:G3})",
        };
    }

    /// <summary>s = sum over sources of each pair's confidence (a pair listed twice in one source counts once, at its largest), targets x regulators column-major.</summary>
    private static double[] PriorSum(IReadOnlyList<PriorSource> sources, Dictionary<string, int> columns, int[] regulators, int[] targets, Log log)
    {
        var resolver = new PriorPairs(columns, regulators, targets);
        int g = targets.Length;
        var sum = new double[(long)g * regulators.Length];
        foreach (var source in sources)
        {
            var best = new Dictionary<long, double>();
            foreach (var (j, i, e) in resolver.Resolve(source.Path, source.Edges, log))
            {
                long key = i + (long)j * g;
                best[key] = Math.Max(best.GetValueOrDefault(key), e.Confidence);
            }
            foreach (var (key, confidence) in best) sum[key] += confidence;
            log.Info($"prior {source.Path}: {best.Count} of {source.Edges.Count} pairs used");
        }
        return sum;
    }
}
