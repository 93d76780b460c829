namespace GrnFast.Solvers.Data;

/// <summary>
/// Per-edge penalty weights w_ij for (regulator i, target j), indices into the problem's regulator and
/// target lists. Pairs not listed get <see cref="DefaultWeight"/>: 1 for a soft prior (or no prior),
/// +infinity for a hard mask. A weight of +infinity removes the pair; weights below 1 favour an edge.
/// Weights must be &gt; 0 (an unpenalised coefficient has no finite alpha_max).
/// </summary>
public sealed class PenaltyWeights
{
    private readonly Dictionary<long, double> _edges;

    /// <param name="defaultWeight">The weight of every pair not set.</param>
    /// <param name="capacity">Pairs expected, to size the table once (a 1.2 M-edge prior otherwise rehashes ~20 times).</param>
    public PenaltyWeights(double defaultWeight = 1.0, int capacity = 0)
    {
        _edges = new(Math.Max(0, capacity), PairComparer.Instance);
        if (!(defaultWeight > 0)) throw new ArgumentOutOfRangeException(nameof(defaultWeight), defaultWeight, "penalty weights must be > 0 (or +infinity)");
        DefaultWeight = defaultWeight;
    }

    /// <summary>Weight of every pair that is not set explicitly.</summary>
    public double DefaultWeight { get; }

    /// <summary>Sets w for (regulator, target). Setting a pair twice keeps the smaller weight (the strongest prior evidence wins).</summary>
    public void Set(int regulator, int target, double weight)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(regulator);
        ArgumentOutOfRangeException.ThrowIfNegative(target);
        if (!(weight > 0)) throw new ArgumentOutOfRangeException(nameof(weight), weight, "penalty weights must be > 0 (or +infinity)");
        long key = Key(regulator, target);
        _edges[key] = _edges.TryGetValue(key, out var old) ? Math.Min(old, weight) : weight;
    }

    /// <summary>w for (regulator, target).</summary>
    public double Get(int regulator, int target) => _edges.TryGetValue(Key(regulator, target), out var w) ? w : DefaultWeight;

    /// <summary>Every explicitly set (regulator, target, weight).</summary>
    public IEnumerable<(int Regulator, int Target, double Weight)> Entries
        => _edges.Select(e => ((int)(uint)(e.Key & 0xFFFFFFFF), (int)(e.Key >> 32), e.Value));

    /// <summary>The explicit pairs as stored: key = (target &lt;&lt; 32) | regulator (see <see cref="Key"/>), in no particular order.</summary>
    internal Dictionary<long, double> Stored => _edges;

    internal static long Key(int regulator, int target) => ((long)target << 32) | (uint)regulator;

    /// <summary>
    /// long.GetHashCode XORs the two halves, so (target, regulator) keys collide whenever
    /// target ^ regulator does: a 1.2M-edge prior took 16 s to load. A multiplicative mix spreads them.
    /// </summary>
    private sealed class PairComparer : IEqualityComparer<long>
    {
        public static readonly PairComparer Instance = new();
        public bool Equals(long x, long y) => x == y;
        public int GetHashCode(long key) => (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> 32);
    }
}
