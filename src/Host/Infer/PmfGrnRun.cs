using System.Diagnostics;
using GrnFast.Host.Cli;
using GrnFast.IO;
using GrnFast.Kernels.Blas;
using GrnFast.Solvers;
using GrnFast.Solvers.Data;
using GrnFast.Solvers.Results;
using GrnFast.Solvers.Variational;

namespace GrnFast.Host.Infer;

/// <summary>The settings of <c>--method pmf-grn</c> and <c>--method joint</c>: the solver's options and, for joint, the evidence file.</summary>
internal sealed record PmfGrnSettings
{
    public required PmfGrnOptions Options { get; init; }
    /// <summary>joint: regulator, target, value in [0, 1] rows (external per-pair evidence Y).</summary>
    public string? Evidence { get; init; }
}

/// <summary>
/// Option rules of the variational methods, shared by the command line and the host like <see cref="InferOptionRules"/>:
/// their options only with them, the elastic net's path and penalty options refused with them.
/// </summary>
internal static class PmfGrnOptionRules
{
    public static readonly string[] Valued = ["--epochs", "--learning-rate", "--learning-rate-decay", "--batch-size", "--kl-factor", "--annealing-epochs", "--clip",
        "--holdout", "--validate-every", "--patience", "--absent-prior", "--guide-max-std-log-u", "--evidence", "--evidence-weight"];

    private static readonly string[] ElasticNetOnly = ["--l1-ratio", "--alpha", "--path", "--path-min-ratio", "--select", "--tol", "--max-sweeps", "--solver",
        "--path-coef-index", "--path-coef-out", "--prior-mode", "--prior-weight"];

    public static bool IsVariational(string method) => method is "pmf-grn" or "joint";

    /// <returns>The settings for pmf-grn/joint; null for another method (after checking none of their options was given).</returns>
    public static PmfGrnSettings? Read(IOptionValues o, string method)
    {
        if (!IsVariational(method))
        {
            foreach (var option in Valued)
                if (o.Has(option)) throw o.Invalid(option, $"{o.Name(option)} applies only to {o.Name("--method")} pmf-grn or joint (got {method})");
            return null;
        }
        foreach (var option in ElasticNetOnly)
            if (o.Has(option)) throw o.Invalid(option, $"{o.Name(option)} does not apply to {o.Name("--method")} {method}");
        string? evidence = o.String("--evidence");
        if (method == "joint" && evidence is null) throw o.Invalid("--evidence", $"{o.Name("--method")} joint needs {o.Name("--evidence FILE")} (regulator, target, value in [0, 1])");
        if (method == "pmf-grn" && evidence is not null) throw o.Invalid("--evidence", $"{o.Name("--evidence")} is the joint model's data; use {o.Name("--method")} joint");
        if (method == "pmf-grn" && o.Has("--evidence-weight")) throw o.Invalid("--evidence-weight", $"{o.Name("--evidence-weight")} applies only to {o.Name("--method")} joint");
        var d = new PmfGrnOptions();
        double holdout = o.Double("--holdout", f => f >= 0 && f < 1, "in [0, 1)") ?? 0;
        if (holdout == 0 && (o.Has("--patience") || o.Has("--validate-every")))
            throw o.Invalid(o.Has("--patience") ? "--patience" : "--validate-every", $"{o.Name("--patience")} and {o.Name("--validate-every")} need {o.Name("--holdout F")} (a validation loss)");
        var options = d with
        {
            Epochs = o.Int("--epochs", e => e >= 1, "an integer >= 1") ?? d.Epochs,
            LearningRate = o.Double("--learning-rate", v => v > 0 && double.IsFinite(v), "a finite number > 0") ?? d.LearningRate,
            LearningRateDecay = o.Double("--learning-rate-decay", v => v > 0 && v <= 1, "a number in (0, 1]: the learning rate's factor per epoch") ?? d.LearningRateDecay,
            BatchSize = o.Int("--batch-size", b => b >= 0, "an integer >= 0 (0 = all cells)") ?? 0,
            InitialKlFactor = o.Double("--kl-factor", v => v >= 0 && double.IsFinite(v), "a finite number >= 0") ?? d.InitialKlFactor,
            AnnealingEpochs = o.Int("--annealing-epochs", e => e >= 1, "an integer >= 1") ?? d.AnnealingEpochs,
            GradientClip = o.Double("--clip", v => v > 0 && double.IsFinite(v), "a finite number > 0 (a large value turns clipping off)") ?? d.GradientClip,
            HoldoutFraction = holdout,
            ValidationEvery = o.Int("--validate-every", e => e >= 1, "an integer >= 1") ?? d.ValidationEvery,
            Patience = o.Int("--patience", e => e >= 0, "an integer >= 0") ?? 0,
            AbsentPrior = o.Double("--absent-prior", v => v > 0 && v < 1, "in (0, 1)") ?? d.AbsentPrior,
            GuideMaxStdLogU = o.Double("--guide-max-std-log-u", v => v > 0 && double.IsFinite(v), "a finite number > 0") ?? d.GuideMaxStdLogU,
            EvidenceWeight = o.Double("--evidence-weight", v => v >= 0 && double.IsFinite(v), "a finite number >= 0") ?? d.EvidenceWeight,
            Precision = o.Choice("--precision", "float64", "float32") == "float32" ? VariationalPrecision.Float32 : VariationalPrecision.Float64,
            Seed = o.Int("--seed", _ => true, "an integer") ?? 0,
        };
        return new PmfGrnSettings { Options = options, Evidence = evidence };
    }
}

/// <summary>
/// The <c>--method pmf-grn | joint</c> branch of <see cref="InferPipeline"/>: regulators and targets as usual, the prior's
/// confidences as prior edge probabilities (the largest over sources; unlisted pairs get --absent-prior), the evidence
/// file for joint, the variational fit, and every (regulator, target) pair as an edge: importance E[A], coef E[A o B],
/// std sd[A]. A gene is never its own regulator in the output.
/// </summary>
internal static class PmfGrnRun
{
    public static InferOutcome Run(InferRequest r, PmfGrnSettings settings, ExpressionData data, Dictionary<string, int> columns,
        ExpressionMoments moments, double momentsSeconds, Stopwatch clock, Log log, CancellationToken cancellation)
    {
        var regulators = GeneSelection.Regulators((r.Regulators ?? throw new InvalidOperationException("regulators are required")).Read(log), data, columns, moments, log);
        var targets = GeneSelection.Targets(r.Targets?.Read(log), data, columns, moments, log);
        int g = targets.Length, k = regulators.Length, n = data.Cells;
        var resolver = new PriorPairs(columns, regulators, targets);

        var prior = new double[g * k];
        Array.Fill(prior, double.NaN);
        foreach (var source in r.Priors.Select(p => p.Read()))
        {
            var pairs = resolver.Resolve(source.Path, source.Edges, log);
            foreach (var (j, t, e) in pairs)
            {
                int i = t + g * j;
                prior[i] = double.IsNaN(prior[i]) ? e.Confidence : Math.Max(prior[i], e.Confidence);
            }
            log.Info($"prior {source.Path}: {pairs.Count} of {source.Edges.Count} pairs used as prior edge probabilities");
            if (pairs.Count == 0) throw new InputFormatException(source.Path, null, $"no pair of the prior names a regulator and a target of {data.Source}; check the species and the gene naming");
        }

        PairEvidence? evidence = null;
        if (settings.Evidence is { } evidencePath)
        {
            var file = PriorReader.Read(evidencePath);
            var lineOf = new Dictionary<int, int>();
            var pairs = new List<int>();
            var values = new List<double>();
            foreach (var (j, t, e) in resolver.Resolve(evidencePath, file.Edges, log))
            {
                int i = t + g * j;
                if (lineOf.TryGetValue(i, out int first))
                    throw new InputFormatException(evidencePath, e.Line, $"the pair {e.Regulator} -> {e.Target} is given twice (lines {first} and {e.Line})", 2, e.Target);
                lineOf[i] = e.Line;
                pairs.Add(i);
                values.Add(e.Confidence);
            }
            if (pairs.Count == 0) throw new InputFormatException(evidencePath, null, $"no evidence row names a regulator and a target of {data.Source}; check the gene naming");
            log.Info($"evidence {evidencePath}: {pairs.Count} pairs (mean value {values.Average():G3})");
            evidence = new PairEvidence(pairs.ToArray(), values.ToArray());
        }

        var (single, dbl) = Expression(data, targets);
        double load = clock.Elapsed.TotalSeconds - momentsSeconds;
        cancellation.ThrowIfCancellationRequested();

        var blas = BlasResolver.Resolve(r.Threads);
        var context = new SolverContext(blas, r.Threads, cancellation);
        var o = settings.Options;
        log.Info($"fitting {r.Method} on {n} cells x {g} genes, {k} regulators ({o.Epochs} epochs, {(o.BatchSize == 0 || o.BatchSize >= n ? "full batch" : $"batches of {o.BatchSize} cells")}, "
            + $"lr {o.LearningRate:G3}, KL factor {o.InitialKlFactor:G3}, {(o.Precision == VariationalPrecision.Float32 ? "float32" : "float64")}, seed {o.Seed}; {context.Threads} threads, BLAS {blas.Name})");
        PmfGrnResult result;
        try
        {
            result = PmfGrn.Fit(new PmfGrnProblem
            {
                Cells = n, Genes = g, Regulators = k, ExpressionSingle = single, ExpressionDouble = dbl, PriorProbability = prior, Evidence = evidence,
            }, o, context);
        }
        catch (ArgumentException e) when (e is not ArgumentNullException)
        {
            throw new InputFormatException(data.Source, null, e.ParamName is { } p ? e.Message.Replace($" (Parameter '{p}')", "", StringComparison.Ordinal) : e.Message);
        }
        cancellation.ThrowIfCancellationRequested();
        var c = result.Certificate;
        if (result.Status == SolverStatus.NumericalFailure)
            throw new InputFormatException(data.Source, null, $"the {r.Method} fit diverged (non-finite ELBO after {c.Epochs} epochs); lower --learning-rate");
        if (result.Status == SolverStatus.MaxIterations)
            log.Warn($"{r.Method}: " + NotConvergedAdvice(c.LossHistory, c.RelativeChange, c.Tolerance, o.LearningRate));
        log.Info($"{r.Method}: final ELBO {c.FinalElbo:G6} (loss {c.FinalLoss:G6}), {c.Epochs} epochs, {c.Steps} steps, {result.SecondsPerEpoch:G3} s per epoch, sigma_obs {result.NoiseStd:G3}"
            + (c.ValidationLoss is { } v ? $", best validation loss {v:G5} at epoch {c.BestEpoch}" : "")
            + (result.EvidenceLink is { } link ? $", evidence link scale {link.Scale:G3} offset {link.Offset:G3}" : ""));

        var edges = new List<NetworkEdge>(g * k);
        var fits = new TargetFit[g];
        var certificate = new Certificate(double.IsNaN(c.RelativeChange) ? 0 : c.RelativeChange, c.Tolerance, c.Epochs);
        for (int t = 0; t < g; t++)
        {
            string target = data.GeneNames[targets[t]];
            var regs = new List<int>(k);
            for (int j = 0; j < k; j++)
            {
                if (regulators[j] == targets[t]) continue;
                int i = t + g * j;
                regs.Add(j);
                edges.Add(new NetworkEdge(data.GeneNames[regulators[j]], target, result.MeanA[i], result.SignedMean[i], result.StdA[i]));
            }
            fits[t] = new TargetFit
            {
                Target = t, Status = result.Status, Certificate = certificate, WorstCertificate = certificate, AlphaMax = double.NaN, SelectedAlpha = double.NaN,
                Candidates = regs.Count, Regulators = regs.ToArray(),
                Coefficients = regs.Select(j => result.SignedMean[t + g * j]).ToArray(), Importance = regs.Select(j => result.MeanA[t + g * j]).ToArray(),
            };
        }
        string status = result.Status switch
        {
            SolverStatus.Converged => c.ValidationLoss is not null && c.Epochs < o.Epochs ? "stopped early on the validation loss" : "converged",
            _ => "NOT converged (" + result.Status + ")",
        };
        return InferOutcome.Of(edges, new GrnFitResult { Targets = fits, Timings = result.Timings }, new RegulatorTargetProblem(regulators, targets, new PenaltyWeights(1.0)),
            data, context, blas, load, momentsSeconds + result.Timings.Standardize) with
        {
            MethodSummary = $"{g} targets x {k} regulators, {edges.Count} edges; {r.Method} {status}, final ELBO {c.FinalElbo:G6} after {c.Epochs} epochs",
        };
    }

    /// <summary>
    /// Why a fit that did not settle did not, from its loss history in windows of max(10, epochs/20) epochs: a loss
    /// whose last window is above its best window by more than the tolerance is unstable at this learning rate (more
    /// epochs make it worse: seen on BEELINE's small networks at lr 0.1), otherwise it is still descending.
    /// </summary>
    internal static string NotConvergedAdvice(IReadOnlyList<double> loss, double relativeChange, double tolerance, double learningRate)
    {
        int window = Math.Max(10, loss.Count / 20);
        if (loss.Count >= 2 * window)
        {
            double last = loss.Skip(loss.Count - window).Average();
            double best = double.PositiveInfinity;
            int bestEnd = 0;
            for (int end = window; end <= loss.Count; end += window)
            {
                double mean = loss.Skip(end - window).Take(window).Average();
                if (mean < best) { best = mean; bestEnd = end; }
            }
            if (last - best > tolerance * Math.Abs(best))
                return FormattableString.Invariant($"the loss rose from {best:G4} (mean of the epochs to {bestEnd}) to {last:G4} over the last {window} epochs: the fit is unstable at --learning-rate {learningRate:G3}; lower it (e.g. {learningRate / 10:G3}) or let it decay (--learning-rate-decay 0.999), rather than adding epochs");
        }
        return FormattableString.Invariant($"the loss still changed by {relativeChange:G3} (relative) over the last epochs, above {tolerance:G3}; more --epochs may help");
    }

    /// <summary>The target columns, cells x targets column-major, in the data's precision.</summary>
    private static (float[]? Single, double[]? Double) Expression(ExpressionData data, int[] targets)
    {
        int n = data.Cells;
        if (data.Double is { } xd)
        {
            var w = new double[(long)n * targets.Length];
            for (int t = 0; t < targets.Length; t++)
                for (int c = 0; c < n; c++) w[(long)n * t + c] = xd[c, targets[t]];
            return (null, w);
        }
        var ws = new float[(long)n * targets.Length];
        if (data.Single is { } xs)
        {
            for (int t = 0; t < targets.Length; t++)
                for (int c = 0; c < n; c++) ws[(long)n * t + c] = xs[c, targets[t]];
            return (ws, null);
        }
        int row = 0;
        foreach (var block in data.Blocks!.Blocks)
        {
            using var cols = block.Open();
            for (int t = 0; t < targets.Length; t++) cols.Column(targets[t]).CopyTo(ws.AsSpan((int)((long)n * t + row), block.Rows));
            row += block.Rows;
        }
        return (ws, null);
    }
}
