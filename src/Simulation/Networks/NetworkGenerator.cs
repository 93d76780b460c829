using GrnFast.Simulation.Random;

namespace GrnFast.Simulation.Networks;

/// <summary>Which random topology <see cref="NetworkGenerator"/> builds.</summary>
public enum NetworkKind
{
    /// <summary>Preferential attachment on regulators: a few hub regulators with many targets, like GeneNetWeaver's E. coli and yeast samples.</summary>
    ScaleFree,

    /// <summary>Preferential attachment within modules, with a few edges across them: hubs plus dense, clustered modules (hierarchical, modular and sparse, after Aguirre et al. 2024).</summary>
    SmallWorld,
}

/// <summary>The size and shape of a generated network. Unset counts follow from <see cref="Genes"/>.</summary>
public sealed record NetworkGeneratorOptions
{
    public NetworkKind Kind { get; init; } = NetworkKind.ScaleFree;
    public int Genes { get; init; } = 100;

    /// <summary>Genes allowed to regulate (default max(2, genes / 10)); the first ones in the hierarchy.</summary>
    public int? Regulators { get; init; }

    /// <summary>Regulators with no regulators of their own (default max(1, regulators / 4)).</summary>
    public int? MasterRegulators { get; init; }

    /// <summary>Mean number of regulators of a non-master gene (default 2): each draws 1 + Poisson(d - 1), capped by the candidates.</summary>
    public double MeanInDegree { get; init; } = 2;

    /// <summary>Modules of the small-world generator (default max(2, genes / 25)).</summary>
    public int? Modules { get; init; }

    /// <summary>Small-world: the probability that a regulator is chosen from the target's own module (default 0.8).</summary>
    public double ModuleBias { get; init; } = 0.8;

    public EdgeParameters Edges { get; init; } = new();

    public int RegulatorCount => Regulators ?? Math.Max(2, Genes / 10);
    public int MasterCount => MasterRegulators ?? Math.Max(1, RegulatorCount / 4);
    public int ModuleCount => Modules ?? Math.Max(2, Genes / 25);

    public void Validate()
    {
        if (Genes < 2) throw new ArgumentOutOfRangeException(nameof(Genes), Genes, "a network needs at least 2 genes");
        if (RegulatorCount < 1 || RegulatorCount > Genes) throw new ArgumentOutOfRangeException(nameof(Regulators), RegulatorCount, $"must be in [1, {Genes}] (the number of genes)");
        if (MasterCount < 1 || MasterCount > RegulatorCount || MasterCount >= Genes)
            throw new ArgumentOutOfRangeException(nameof(MasterRegulators), MasterCount, $"must be in [1, {Math.Min(RegulatorCount, Genes - 1)}] (at most the regulators, and fewer than the genes)");
        if (!(MeanInDegree >= 1) || !double.IsFinite(MeanInDegree)) throw new ArgumentOutOfRangeException(nameof(MeanInDegree), MeanInDegree, "must be finite and >= 1");
        if (ModuleCount < 1 || ModuleCount > Genes) throw new ArgumentOutOfRangeException(nameof(Modules), ModuleCount, $"must be in [1, {Genes}]");
        if (!(ModuleBias is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(ModuleBias), ModuleBias, "must be in [0, 1]");
        Edges.Validate();
    }
}

/// <summary>
/// Random acyclic networks. Genes are ranked 0..p-1; the first M are master regulators, the first R are regulators;
/// every other gene i draws 1 + Poisson(d - 1) distinct regulators among the regulators ranked before it, each with
/// probability proportional to its out-degree + 1 (preferential attachment, so early regulators become hubs). Edges
/// only point down the ranking, so the network is acyclic and its depth grows slowly with its size. The small-world
/// kind also groups genes into modules (gene i in module i mod K) and picks each regulator from the target's own module
/// with probability <see cref="NetworkGeneratorOptions.ModuleBias"/> when that module has candidates.
/// Names are G001, G002, ... (zero-padded to sort).
/// </summary>
public static class NetworkGenerator
{
    public static GeneNetwork Generate(NetworkGeneratorOptions options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var random = RandomSource.Stream(seed, StreamPurpose.NetworkGenerator, (long)options.Kind);
        int p = options.Genes, r = options.RegulatorCount, m = options.MasterCount;
        int modules = options.Kind == NetworkKind.SmallWorld ? options.ModuleCount : 1;
        var outDegree = new int[p];
        var edges = new List<RegulatoryEdge>();
        var chosen = new List<int>();
        var candidates = new List<int>();
        var own = new List<int>();
        var other = new List<int>();
        for (int target = m; target < p; target++)
        {
            int available = Math.Min(target, r);
            int want = Math.Min(available, 1 + (int)random.NextPoisson(options.MeanInDegree - 1));
            chosen.Clear();
            for (int k = 0; k < want; k++)
            {
                candidates.Clear();
                own.Clear();
                other.Clear();
                for (int j = 0; j < available; j++)
                {
                    if (chosen.Contains(j)) continue;
                    (j % modules == target % modules ? own : other).Add(j);
                }
                if (modules > 1 && own.Count > 0 && other.Count > 0)
                    candidates.AddRange(random.NextDouble() < options.ModuleBias ? own : other);
                else
                {
                    candidates.AddRange(own);
                    candidates.AddRange(other);
                }
                int regulator = PickPreferential(random, candidates, outDegree);
                chosen.Add(regulator);
                outDegree[regulator]++;
            }
            chosen.Sort();
            foreach (int regulator in chosen) edges.Add(options.Edges.Draw(random, regulator, target));
        }
        int width = p.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
        var names = Enumerable.Range(1, p).Select(i => "G" + i.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width, '0')).ToArray();
        return new GeneNetwork(names, edges);
    }

    // P(j) proportional to outDegree[j] + 1, by one uniform draw over the cumulative weights.
    private static int PickPreferential(RandomSource random, List<int> candidates, int[] outDegree)
    {
        long total = 0;
        foreach (int j in candidates) total += outDegree[j] + 1;
        double u = random.NextDouble() * total;
        double cumulative = 0;
        foreach (int j in candidates)
        {
            cumulative += outDegree[j] + 1;
            if (u < cumulative) return j;
        }
        return candidates[^1];
    }
}
