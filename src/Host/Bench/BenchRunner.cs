using System.Diagnostics;
using GrnFast.Host.Cli;
using GrnFast.Host.Infer;
using GrnFast.Solvers.Evaluation;
using GrnFast.Solvers.Priors;

namespace GrnFast.Host.Bench;

/// <summary>A precision-recall curve of one prior on one dataset (the run chosen by the config's plots).</summary>
internal sealed record PrCurve(string Dataset, string Prior, double AuprcRatio, IReadOnlyList<PrecisionRecallPoint> Points, double PositiveRate);

/// <summary>What a bench produced.</summary>
internal sealed record BenchResult(IReadOnlyList<BenchRow> Rows, IReadOnlyList<PrCurve> Curves, IReadOnlyList<string> DatasetDescriptions, int Fits, double Seconds);

/// <summary>
/// Runs datasets x methods x priors x seeds in-process: one inference per distinct prior (a prior made from data is
/// the same for every seed and both families and is fitted once), the no-prior baseline once per dataset and method,
/// and every network scored in every mode against the baseline on the same pairs.
/// </summary>
internal static class BenchRunner
{
    public static BenchResult Run(BenchConfig config, Log log, TextWriter innerLog, BenchProgress progress, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var rows = new List<BenchRow>();
        var curves = new List<PrCurve>();
        var descriptions = new List<string>();
        bool heldOutMode = config.Scoring.Contains(ScoringMode.HeldOutTargets);
        bool fullMode = config.Scoring.Any(m => m != ScoringMode.HeldOutTargets);
        int fits = 0;
        var quiet = new Log(innerLog);

        // Every dataset is loaded and every prior made before the first inference, so that a dataset or prior that
        // cannot be made fails in seconds rather than after the others ran. (The data sets are small; all stay in memory.)
        var prepared = new List<Prepared>();
        try
        {
            foreach (var spec in config.Datasets)
            {
                cancellation.ThrowIfCancellationRequested();
                progress.Status($"preparing {spec.Name}");
                var d = DatasetLoader.Load(spec, config.Threads, log, cancellation);
                var p = new Prepared(spec, d);
                prepared.Add(p);
                descriptions.Add($"{d.Name}: {d.Description}{(d.PerturbationSource is { } ps ? $"; perturbation data: {ps}" : "")}");
                innerLog.WriteLine($"== {d.Name}: {d.Description}");
                foreach (int seed in config.Seeds)
                {
                    if (fullMode) p.Full[seed] = BenchPriors.BuildAll(config.Priors, d, null, seed);
                    if (heldOutMode)
                    {
                        var split = GoldStandardSplit.Split(d.Gold, SplitAxis.Target, config.HeldOutFraction, BenchPriors.Mix(seed, "heldout-split"));
                        p.Splits[seed] = split.HeldOutGenes.ToHashSet(StringComparer.Ordinal);
                        p.Held[seed] = BenchPriors.BuildAll(config.Priors, d, p.Splits[seed], seed, p.Full.GetValueOrDefault(seed));
                    }
                    foreach (var (name, prior) in (p.Full.GetValueOrDefault(seed) ?? p.Held[seed]))
                    {
                        int hits = prior.Edges.Count(e => d.Gold.Edges.ContainsKey(e.Pair));
                        innerLog.WriteLine($"seed {seed} prior {name}: {prior.Edges.Count} edges, {hits} true (precision {(prior.Edges.Count == 0 ? double.NaN : (double)hits / prior.Edges.Count):F3}, recall {(double)hits / d.Gold.Edges.Count:F3})");
                    }
                }
            }
            foreach (var p in prepared)
                Run(p);
        }
        finally
        {
            foreach (var p in prepared) p.Dataset.Dispose();
        }
        return new BenchResult(rows, curves, descriptions, fits, clock.Elapsed.TotalSeconds);

        void Run(Prepared prepared)
        {
            var (spec, d, splits, full, held) = (prepared.Spec, prepared.Dataset, prepared.Splits, prepared.Full, prepared.Held);
            foreach (var method in config.Methods.Where(m => spec.Methods is null || spec.Methods.Contains(m.Name)))
            {
                var fitCache = new Dictionary<object, (Dictionary<GenePair, PredictedScore> Network, double Seconds)>();
                // Only pairs into gold genes are scored, and in held-out mode only pairs into the held-out targets: a
                // per-target method's fit of a target does not depend on which other targets are fitted, so only those are.
                (Dictionary<GenePair, PredictedScore> Network, double Seconds) Fit(BuiltPrior? prior, IReadOnlyList<string> targets)
                {
                    // Perturbation priors, and file priors outside held-out mode, are the same for every seed: fitted once.
                    bool seedFree = prior is not null && (prior.Spec.Type == PriorType.Perturbation || (prior.Spec.Type == PriorType.File && ReferenceEquals(targets, d.Targets)));
                    object key = ((object)(prior is null ? "none" : seedFree ? $"{PriorSpec.TypeName(prior.Spec.Type)}:{prior.Spec.Name}" : prior), targets);
                    if (fitCache.TryGetValue(key, out var cached)) return cached;
                    var request = new InferRequest
                    {
                        Expression = new ExpressionInput.InMemory(d.Expression),
                        Regulators = new GeneListInput.Listed("regulators", d.Regulators),
                        Targets = new GeneListInput.Listed("targets", targets),
                        Priors = prior is null ? [] : [new PriorInput.Loaded(prior.ToSource())],
                        PriorMode = prior is null ? PriorMode.None : prior.Spec.Mode,
                        PriorWeight = prior?.Spec.Weight ?? 1,
                        Method = method.Method,
                        Options = method.Options,
                        Threads = config.Threads,
                    };
                    var watch = Stopwatch.StartNew();
                    var outcome = InferPipeline.Run(request, quiet, cancellation);
                    double seconds = watch.Elapsed.TotalSeconds;
                    fits++;
                    innerLog.WriteLine($"{d.Name} {method.Name} {prior?.Spec.Name ?? "none"}: {outcome.Summary}; {seconds:F3} s");
                    var network = new Dictionary<GenePair, PredictedScore>(outcome.Edges.Count);
                    foreach (var e in outcome.Edges) network[new GenePair(e.Regulator, e.Target)] = new PredictedScore(e.Importance, e.Coefficient);
                    return fitCache[key] = (network, seconds);
                }

                progress.Status($"{d.Name} / {method.Name} / none");
                Fit(null, d.Targets);
                var heldOutTargets = splits.ToDictionary(s => s.Key, s => (IReadOnlyList<string>)d.Targets.Where(s.Value.Contains).ToArray());
                foreach (int seed in config.Seeds)
                {
                    foreach (var prior in config.Priors.Where(p => p.AppliesTo(d.Name)))
                    {
                        cancellation.ThrowIfCancellationRequested();
                        progress.Status($"{d.Name} / {method.Name} / {prior.Name} / seed {seed}");
                        foreach (var mode in config.Scoring)
                        {
                            BuiltPrior? built = prior.Type == PriorType.None ? null : (mode == ScoringMode.HeldOutTargets ? held : full)[seed][prior.Name];
                            // The baseline of held-out scoring is fitted on the held-out targets too: the same problems, so a
                            // prior without edges into them gives the same bits, not merely the same fits within the tolerance.
                            var targets = mode == ScoringMode.HeldOutTargets ? heldOutTargets[seed] : d.Targets;
                            var reference = Fit(null, targets);
                            var (network, seconds) = built is null ? reference : Fit(built, targets);
                            var scope = new EvaluationScope
                            {
                                Regulators = d.ScoredRegulators,
                                HeldOut = mode == ScoringMode.HeldOutTargets ? HeldOutAxis.Targets : HeldOutAxis.None,
                                HeldOutGenes = mode == ScoringMode.HeldOutTargets ? splits[seed] : null,
                                ExcludedPairs = mode == ScoringMode.ExcludePrior && built is not null ? built.Pairs() : null,
                            };
                            var m = NetworkEvaluation.Evaluate(d.Gold, network, scope).Unsigned;
                            var b = built is null ? m : NetworkEvaluation.Evaluate(d.Gold, reference.Network, scope).Unsigned;
                            var p = NetworkEvaluation.Evaluate(d.Gold, built?.AsNetwork() ?? [], scope).Unsigned;
                            rows.Add(BenchRow.Scored(m, b, p) with
                            {
                                Dataset = d.Name,
                                Method = method.Name,
                                Prior = prior.Name,
                                PriorType = prior.Type,
                                PriorMode = built is null ? "-" : prior.Mode == PriorMode.Mask ? "mask" : "weight",
                                PriorWeight = built is null ? double.NaN : prior.Weight,
                                Seed = seed,
                                Mode = mode,
                                Seconds = seconds,
                                PriorEdges = built?.Edges.Count ?? 0,
                                PriorTrueEdges = built?.Edges.Count(e => d.Gold.Edges.ContainsKey(e.Pair)) ?? 0,
                            });
                            if (mode == config.Plots.Mode && method.Name == config.Plots.Method && seed == config.Plots.Seed)
                                curves.Add(new PrCurve(d.Name, prior.Name, m.AuprcRatio, PrecisionRecallCurve.Compute(ScoredPairs.Collect(d.Gold, network, scope)), m.PositiveRate));
                        }
                        progress.Advance();
                    }
                }
            }
        }
    }

    /// <summary>A loaded dataset with its held-out splits and priors per seed (Full: exclude-prior and all modes; Held: held-out targets).</summary>
    private sealed record Prepared(DatasetSpec Spec, BenchDataset Dataset)
    {
        public Dictionary<int, HashSet<string>> Splits { get; } = [];
        public Dictionary<int, Dictionary<string, BuiltPrior>> Full { get; } = [];
        public Dictionary<int, Dictionary<string, BuiltPrior>> Held { get; } = [];
    }

    /// <summary>Progress steps: one per dataset x method x seed x applicable prior.</summary>
    public static int Steps(BenchConfig config)
        => config.Datasets.Sum(d => config.Methods.Count(m => d.Methods is null || d.Methods.Contains(m.Name)) * config.Seeds.Count * config.Priors.Count(p => p.AppliesTo(d.Name)));
}
