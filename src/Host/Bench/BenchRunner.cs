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

        foreach (var spec in config.Datasets)
        {
            cancellation.ThrowIfCancellationRequested();
            progress.Status($"loading {spec.Name}");
            using var d = DatasetLoader.Load(spec, config.Threads, log, cancellation);
            descriptions.Add($"{d.Name}: {d.Description}{(d.PerturbationSource is { } ps ? $"; perturbation data: {ps}" : "")}");
            innerLog.WriteLine($"== {d.Name}: {d.Description}");

            // Priors and splits per seed (independent of the method).
            var splits = new Dictionary<int, HashSet<string>>();
            var full = new Dictionary<int, Dictionary<string, BuiltPrior>>();
            var held = new Dictionary<int, Dictionary<string, BuiltPrior>>();
            foreach (int seed in config.Seeds)
            {
                if (fullMode) full[seed] = BenchPriors.BuildAll(config.Priors, d, null, seed);
                if (heldOutMode)
                {
                    var split = GoldStandardSplit.Split(d.Gold, SplitAxis.Target, config.HeldOutFraction, BenchPriors.Mix(seed, "heldout-split"));
                    splits[seed] = split.HeldOutGenes.ToHashSet(StringComparer.Ordinal);
                    held[seed] = BenchPriors.BuildAll(config.Priors, d, splits[seed], seed, full.GetValueOrDefault(seed));
                }
                foreach (var (name, p) in (full.GetValueOrDefault(seed) ?? held[seed]))
                {
                    int hits = p.Edges.Count(e => d.Gold.Edges.ContainsKey(e.Pair));
                    innerLog.WriteLine($"seed {seed} prior {name}: {p.Edges.Count} edges, {hits} true (precision {(p.Edges.Count == 0 ? double.NaN : (double)hits / p.Edges.Count):F3}, recall {(double)hits / d.Gold.Edges.Count:F3})");
                }
            }

            foreach (var method in config.Methods.Where(m => spec.Methods is null || spec.Methods.Contains(m.Name)))
            {
                var fitCache = new Dictionary<object, (Dictionary<GenePair, PredictedScore> Network, double Seconds)>();
                // Only pairs into gold genes are scored, and in held-out mode only pairs into the held-out targets: a
                // per-target method's fit of a target does not depend on which other targets are fitted, so only those are.
                (Dictionary<GenePair, PredictedScore> Network, double Seconds) Fit(BuiltPrior? prior, IReadOnlyList<string> targets)
                {
                    object key = ((object)(prior is null ? "none" : prior.Spec.Type == PriorType.Perturbation ? $"perturbation:{prior.Spec.Name}" : prior), targets);
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
                var baseline = Fit(null, d.Targets);
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
                            var (network, seconds) = built is null ? baseline : Fit(built, mode == ScoringMode.HeldOutTargets ? heldOutTargets[seed] : d.Targets);
                            var scope = new EvaluationScope
                            {
                                Regulators = d.ScoredRegulators,
                                HeldOut = mode == ScoringMode.HeldOutTargets ? HeldOutAxis.Targets : HeldOutAxis.None,
                                HeldOutGenes = mode == ScoringMode.HeldOutTargets ? splits[seed] : null,
                                ExcludedPairs = mode == ScoringMode.ExcludePrior && built is not null ? built.Pairs() : null,
                            };
                            var m = NetworkEvaluation.Evaluate(d.Gold, network, scope).Unsigned;
                            var b = built is null ? m : NetworkEvaluation.Evaluate(d.Gold, baseline.Network, scope).Unsigned;
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
        return new BenchResult(rows, curves, descriptions, fits, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Progress steps: one per dataset x method x seed x applicable prior.</summary>
    public static int Steps(BenchConfig config)
        => config.Datasets.Sum(d => config.Methods.Count(m => d.Methods is null || d.Methods.Contains(m.Name)) * config.Seeds.Count * config.Priors.Count(p => p.AppliesTo(d.Name)));
}
