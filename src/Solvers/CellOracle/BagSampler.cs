namespace GrnFast.Solvers.CellOracle;

/// <summary>
/// Where a fit's random draws come from: the bootstrap counts of each bag (how often each of the cluster's cells was
/// drawn; they sum to the cluster's size) and the candidate positions each (bag, target) uses. Tests substitute
/// scikit-learn's exported draws to compare bag by bag.
/// </summary>
internal abstract class BagSampler
{
    /// <summary>Fills <paramref name="counts"/> (one per cell of the cluster) for bag <paramref name="bag"/> of cluster <paramref name="cluster"/> (labelled <paramref name="label"/>).</summary>
    public abstract void Counts(int cluster, string label, int bag, Span<int> counts);

    /// <summary>Writes the ascending positions (in 0..candidates-1) of the candidates bag <paramref name="bag"/> draws for target <paramref name="target"/>.</summary>
    public abstract void Features(int cluster, string label, int bag, int target, int candidates, Span<int> chosen);
}

/// <summary>
/// The default draws, from xoshiro256** generators seeded (by SplitMix64) with (seed, cluster label, bag) for the cells
/// and (seed, cluster label, bag, target column) for the features: each draw depends on nothing else, so any thread
/// may make it, the results are the same bits for any thread count, and a cluster fitted alone gets the draws it gets
/// among others. Every target of a cluster sees the same bootstrap cells, which is what lets one weighted Gram per
/// bag serve all of them. CellOracle comes close to this: it passes random_state=123 to every target's
/// BaggingRegressor, so targets with equally many candidates get identical cells (the feature draw before them
/// consumes a number of variates that depends on the candidate count). Feature subsets differ per target here.
/// </summary>
internal sealed class SeededBagSampler(int seed) : BagSampler
{
    public override void Counts(int cluster, string label, int bag, Span<int> counts)
    {
        counts.Clear();
        var rng = new Xoshiro256(Mix((ulong)(uint)seed, 1, LabelKey(label), (ulong)bag));
        int n = counts.Length;
        for (int i = 0; i < n; i++) counts[(int)rng.Below((uint)n)]++;
    }

    public override void Features(int cluster, string label, int bag, int target, int candidates, Span<int> chosen)
    {
        int k = chosen.Length;
        var rng = new Xoshiro256(Mix((ulong)(uint)seed, 2, LabelKey(label), (ulong)bag, (ulong)target));
        // Partial Fisher-Yates over 0..candidates-1: the first k entries are a uniform k-subset.
        Span<int> pool = candidates <= 1024 ? stackalloc int[candidates] : new int[candidates];
        for (int i = 0; i < candidates; i++) pool[i] = i;
        for (int i = 0; i < k; i++)
        {
            int j = i + (int)rng.Below((uint)(candidates - i));
            (pool[i], pool[j]) = (pool[j], pool[i]);
            chosen[i] = pool[i];
        }
        chosen.Sort();
    }

    /// <summary>FNV-1a of the label's UTF-16 code units: stable across runs and processes (string.GetHashCode is not).</summary>
    private static ulong LabelKey(string label)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (char ch in label) { h ^= ch; h *= 0x100000001B3UL; }
        return h;
    }

    private static ulong Mix(params ulong[] parts)
    {
        ulong h = 0x243F6A8885A308D3UL;
        foreach (var p in parts) h = SplitMix(h ^ SplitMix(p + 0x9E3779B97F4A7C15UL));
        return h;
    }

    internal static ulong SplitMix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>xoshiro256** (Blackman and Vigna): a small, fast generator whose stream is fixed by its 256-bit state.</summary>
    private struct Xoshiro256
    {
        private ulong _s0, _s1, _s2, _s3;

        public Xoshiro256(ulong seed)
        {
            _s0 = SplitMix(seed);
            _s1 = SplitMix(_s0);
            _s2 = SplitMix(_s1);
            _s3 = SplitMix(_s2);
        }

        public ulong Next()
        {
            ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
            ulong t = _s1 << 17;
            _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
            _s2 ^= t;
            _s3 = ulong.RotateLeft(_s3, 45);
            return result;
        }

        /// <summary>Uniform in [0, n), without modulo bias (Lemire's multiply-and-reject).</summary>
        public uint Below(uint n)
        {
            ulong m = (Next() >> 32) * n;
            uint low = (uint)m;
            if (low < n)
            {
                uint threshold = (0u - n) % n;
                while (low < threshold) { m = (Next() >> 32) * n; low = (uint)m; }
            }
            return (uint)(m >> 32);
        }
    }
}
