namespace GrnFast.Solvers.Evaluation;

/// <summary>A directed gene pair regulator -> target, by name (ordinal).</summary>
public readonly record struct GenePair(string Regulator, string Target);

/// <summary>The sign of a true edge: activation, repression, or not given.</summary>
public enum EdgeSign : sbyte
{
    Unsigned = 0,
    Activation = 1,
    Repression = -1,
}

/// <summary>
/// A gold standard: its genes (every name it mentions, including genes of pairs it lists as absent, like the 0 rows of
/// a DREAM gold standard) and its true edges with their signs. Self loops are not allowed (readers drop them: they never
/// count). <see cref="Regulators"/> are the genes with at least one true outgoing edge, BEELINE's "TFs" of a reference
/// network.
/// </summary>
public sealed class GoldStandard
{
    public GoldStandard(IEnumerable<string> genes, IReadOnlyDictionary<GenePair, EdgeSign> edges)
    {
        ArgumentNullException.ThrowIfNull(genes);
        ArgumentNullException.ThrowIfNull(edges);
        var all = new HashSet<string>(genes, StringComparer.Ordinal);
        var regulators = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (pair, _) in edges)
        {
            if (pair.Regulator == pair.Target) throw new ArgumentException($"self loop {pair.Regulator} -> {pair.Target}", nameof(edges));
            all.Add(pair.Regulator);
            all.Add(pair.Target);
            regulators.Add(pair.Regulator);
        }
        Genes = all.Order(StringComparer.Ordinal).ToArray();
        Regulators = regulators.Order(StringComparer.Ordinal).ToArray();
        Edges = edges;
        GeneSet = all;
        HasSigns = edges.Values.Any(s => s != EdgeSign.Unsigned);
    }

    /// <summary>Every gene the gold standard names, ordinal order.</summary>
    public IReadOnlyList<string> Genes { get; }

    /// <summary>Genes with at least one true outgoing edge, ordinal order.</summary>
    public IReadOnlyList<string> Regulators { get; }

    /// <summary>The true edges and their signs.</summary>
    public IReadOnlyDictionary<GenePair, EdgeSign> Edges { get; }

    /// <summary>Whether any true edge carries a sign.</summary>
    public bool HasSigns { get; }

    internal HashSet<string> GeneSet { get; }

    public bool Contains(string gene) => GeneSet.Contains(gene);
}
