using GrnFast.IO;
using GrnFast.Solvers.Evaluation;
using GrnFast.Solvers.Priors;

namespace GrnFast.Host.Bench;

/// <summary>
/// A prior made for one dataset, seed and scoring family. <see cref="FromData"/>: made from measurements (perturbation
/// z-scores, or a control copying such a prior), so it may cover held-out targets; otherwise it is knowledge
/// (gold-derived or a database file) and, for held-out-target scoring, it holds no edge into a held-out target.
/// Edge weights are |z| for perturbation priors (and controls copying them) and 1 otherwise.
/// </summary>
internal sealed record BuiltPrior(PriorSpec Spec, List<RegulatoryEdge> Edges, bool FromData, bool ZWeighted)
{
    /// <summary>The prior as <c>infer --prior</c> reads it: confidence erf(|z|/sqrt 2) for z weights, else the weight (1).</summary>
    public PriorSource ToSource() => new($"prior '{Spec.Name}'",
        Edges.Select((e, i) => new PriorEdge(e.Regulator, e.Target, ZWeighted ? PerturbationPrior.Confidence(e.Weight) : Math.Clamp(e.Weight, 0, 1), i + 1)).ToList());

    /// <summary>The prior ranked as a network by its weights, for "the prior alone" scores.</summary>
    public Dictionary<GenePair, PredictedScore> AsNetwork()
    {
        var network = new Dictionary<GenePair, PredictedScore>(Edges.Count);
        foreach (var e in Edges) network.TryAdd(e.Pair, new PredictedScore(e.Weight, double.NaN));
        return network;
    }

    public HashSet<GenePair> Pairs() => Edges.Select(e => e.Pair).ToHashSet();
}

/// <summary>Makes the priors of a bench config with the generators of GrnFast.Solvers.Priors.</summary>
internal static class BenchPriors
{
    /// <summary>
    /// Every prior of <paramref name="specs"/> that applies to the dataset (the none entry excluded), in config order.
    /// <paramref name="heldOutTargets"/> null: the priors of the exclude-prior and all modes, from the whole gold.
    /// Otherwise the training gold is the whole gold without the edges into those targets, and knowledge priors drop
    /// every edge into them. <paramref name="shared"/>: the other family's priors of the same seed, reused when made
    /// from data (they do not depend on the split).
    /// </summary>
    public static Dictionary<string, BuiltPrior> BuildAll(IReadOnlyList<PriorSpec> specs, BenchDataset d, IReadOnlySet<string>? heldOutTargets, int seed,
        IReadOnlyDictionary<string, BuiltPrior>? shared = null)
    {
        var gold = d.Gold;
        if (heldOutTargets is not null)
        {
            var training = gold.Edges.Where(e => !heldOutTargets.Contains(e.Key.Target)).ToDictionary(e => e.Key, e => e.Value);
            gold = new GoldStandard(d.Gold.Genes, training);
        }
        var built = new Dictionary<string, BuiltPrior>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            if (spec.Type == PriorType.None || !spec.AppliesTo(d.Name)) continue;
            if (shared is not null && shared.TryGetValue(spec.Name, out var same) && same.FromData)
            {
                built[spec.Name] = same;
                continue;
            }
            var prior = Build(spec, d, gold, heldOutTargets, Mix(seed, spec.Name), built);
            if (heldOutTargets is not null && !prior.FromData)
                prior = prior with { Edges = prior.Edges.Where(e => !heldOutTargets.Contains(e.Target)).ToList() };
            built[spec.Name] = prior;
        }
        return built;
    }

    private static BuiltPrior Build(PriorSpec spec, BenchDataset d, GoldStandard gold, IReadOnlySet<string>? heldOutTargets, int seed, Dictionary<string, BuiltPrior> earlier)
    {
        var regulators = d.ScoredRegulators;
        try
        {
            switch (spec.Type)
            {
                case PriorType.Database:
                    return new BuiltPrior(spec, DatabaseLikePrior.Generate(gold, spec.Precision, spec.Recall, seed, regulators), false, false);
                case PriorType.Motif:
                    return new BuiltPrior(spec, MotifLikePrior.Generate(gold, spec.Recall, spec.PerTarget, seed, regulators), false, false);
                case PriorType.Rewired:
                    var truth = gold.Edges.Keys.Select(p => new RegulatoryEdge(p.Regulator, p.Target, 1)).ToList();
                    return new BuiltPrior(spec, RewiredNetwork.Rewire(truth, gold.Genes, spec.Fraction, seed), false, false);
                case PriorType.Perturbation:
                    var candidates = d.Regulators.ToHashSet(StringComparer.Ordinal);
                    var edges = d.Perturbation!.Where(e => e.AbsZ >= spec.MinZ && candidates.Contains(e.Regulator))
                        .Select(e => new RegulatoryEdge(e.Regulator, e.Target, e.AbsZ)).ToList();
                    return new BuiltPrior(spec, edges, true, true);
                case PriorType.File:
                    var genes = d.Expression.GeneNames.ToHashSet(StringComparer.Ordinal);
                    var regulatorSet = d.Regulators.ToHashSet(StringComparer.Ordinal);
                    var listed = d.PriorFiles[spec.Source!].Where(e => regulatorSet.Contains(e.Regulator) && genes.Contains(e.Target)).ToList();
                    return new BuiltPrior(spec, listed, false, false);
                case PriorType.Random:
                {
                    var like = earlier[spec.Like!];
                    var targets = gold.Genes.Where(g => heldOutTargets is null || like.FromData || !heldOutTargets.Contains(g)).ToArray();
                    return new BuiltPrior(spec, like.Edges.Count == 0 ? [] : RandomPrior.Generate(like.Edges, seed, regulators, targets), like.FromData, like.ZWeighted);
                }
                case PriorType.Shuffled:
                {
                    var like = earlier[spec.Like!];
                    return new BuiltPrior(spec, DegreePreservingShuffle.Shuffle(like.Edges, seed).Edges, like.FromData, like.ZWeighted);
                }
                default:
                    throw new InvalidOperationException(spec.Type.ToString());
            }
        }
        catch (ArgumentException e) when (e is not ArgumentNullException)
        {
            throw new InputFormatException("bench config", null, $"{spec.Key} ({spec.Name}) on dataset {d.Name}: {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    /// <summary>A generator seed from the bench seed and the prior's name (FNV-1a; string.GetHashCode differs per process).</summary>
    public static int Mix(int seed, string name)
    {
        uint h = 2166136261;
        foreach (char c in name) h = (h ^ c) * 16777619;
        h = (h ^ (uint)seed) * 16777619;
        return (int)(h & 0x7fffffff);
    }
}
