namespace GrnFast.Simulation.Networks;

/// <summary>
/// One regulatory interaction: <see cref="Regulator"/> drives <see cref="Target"/> with strength K (the
/// <see cref="Strength"/>'s magnitude; positive activates, negative represses) through a Hill function of
/// cooperativity n (<see cref="HillCoefficient"/>). Genes are indices into <see cref="GeneNetwork.Genes"/>.
/// </summary>
public readonly record struct RegulatoryEdge(int Regulator, int Target, double Strength, double HillCoefficient)
{
    public bool IsActivation => Strength > 0;
}

/// <summary>
/// A gene regulatory network: named genes and signed, weighted edges, at most one per ordered pair. Self loops
/// (autoregulation) and cycles are allowed. Immutable; the constructor checks every edge and names the offender.
/// </summary>
public sealed class GeneNetwork
{
    private readonly Dictionary<string, int> _index;
    private NetworkTopology? _topology;

    public GeneNetwork(IReadOnlyList<string> genes, IReadOnlyList<RegulatoryEdge> edges)
    {
        ArgumentNullException.ThrowIfNull(genes);
        ArgumentNullException.ThrowIfNull(edges);
        _index = new Dictionary<string, int>(genes.Count, StringComparer.Ordinal);
        for (int i = 0; i < genes.Count; i++)
        {
            if (string.IsNullOrEmpty(genes[i])) throw new ArgumentException($"gene {i} has an empty name", nameof(genes));
            if (!_index.TryAdd(genes[i], i)) throw new ArgumentException($"gene '{genes[i]}' is listed twice", nameof(genes));
        }
        var pairs = new HashSet<(int, int)>();
        foreach (var e in edges)
        {
            if ((uint)e.Regulator >= (uint)genes.Count || (uint)e.Target >= (uint)genes.Count)
                throw new ArgumentException($"edge {e.Regulator} -> {e.Target} names a gene outside 0..{genes.Count - 1}", nameof(edges));
            string name = $"{genes[e.Regulator]} -> {genes[e.Target]}";
            if (!double.IsFinite(e.Strength) || e.Strength == 0)
                throw new ArgumentException($"edge {name}: strength {e.Strength} must be finite and nonzero (its sign says activation or repression)", nameof(edges));
            if (!double.IsFinite(e.HillCoefficient) || e.HillCoefficient <= 0)
                throw new ArgumentException($"edge {name}: Hill coefficient {e.HillCoefficient} must be finite and > 0", nameof(edges));
            if (!pairs.Add((e.Regulator, e.Target)))
                throw new ArgumentException($"edge {name} is listed twice", nameof(edges));
        }
        Genes = genes.ToArray();
        Edges = edges.ToArray();
        var inDegree = new int[genes.Count];
        var outDegree = new int[genes.Count];
        foreach (var e in Edges)
        {
            inDegree[e.Target]++;
            outDegree[e.Regulator]++;
        }
        InDegree = inDegree;
        OutDegree = outDegree;
    }

    public IReadOnlyList<string> Genes { get; }

    public IReadOnlyList<RegulatoryEdge> Edges { get; }

    public int GeneCount => Genes.Count;

    /// <summary>Number of regulators of each gene (a self loop counts).</summary>
    public IReadOnlyList<int> InDegree { get; }

    /// <summary>Number of targets of each gene.</summary>
    public IReadOnlyList<int> OutDegree { get; }

    /// <summary>
    /// A master regulator has no regulators outside its own cycle: its strongly connected component has no incoming
    /// edges (in an acyclic network, a gene without regulators). Master regulators get the basal production rates, so
    /// a network made only of cycles (BEELINE's synthetic ones) still has genes that are switched on.
    /// </summary>
    public bool IsMasterRegulator(int gene) => Topology.IsSource(gene);

    public bool IsRegulator(int gene) => OutDegree[gene] > 0;

    public bool TryGetIndex(string gene, out int index) => _index.TryGetValue(gene, out index);

    /// <summary>Strongly connected components, a topological order of them, and reachability.</summary>
    public NetworkTopology Topology => _topology ??= new NetworkTopology(this);
}
