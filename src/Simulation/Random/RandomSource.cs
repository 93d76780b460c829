using System.Numerics;
using System.Runtime.CompilerServices;

namespace GrnFast.Simulation.Random;

/// <summary>
/// xoshiro256** (Blackman and Vigna, 2018): 256 bits of state, period 2^256 - 1, seeded through SplitMix64 so
/// that nearby seeds give unrelated streams. Every random choice of the simulator draws from a stream derived
/// from the user's seed and the choice's coordinates (<see cref="Stream"/>), never from shared state, so results
/// do not depend on which thread runs what. Not for cryptography.
/// </summary>
public sealed class RandomSource
{
    private ulong _s0, _s1, _s2, _s3;

    public RandomSource(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>The stream for one purpose and its coordinates (e.g. condition and batch): the seed and every key are mixed in order.</summary>
    public static RandomSource Stream(ulong seed, StreamPurpose purpose, params ReadOnlySpan<long> keys)
    {
        ulong h = seed;
        h = Mix(h ^ (0x9E3779B97F4A7C15UL * ((ulong)purpose + 1)));
        foreach (long k in keys) h = Mix(h ^ Mix((ulong)k + 0xD1B54A32D192ED03UL));
        return new RandomSource(h);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64() => Next(ref _s0, ref _s1, ref _s2, ref _s3);

    /// <summary>Uniform on [0, 1): the top 53 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (long)(NextUInt64() >> 11) * (1.0 / (1L << 53));

    /// <summary>Uniform on (0, 1]: safe under a logarithm.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDoubleNonZero() => ((long)(NextUInt64() >> 11) + 1) * (1.0 / (1L << 53));

    /// <summary>Uniform on [min, max).</summary>
    public double NextDouble(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject).</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ulong bound = (ulong)n;
        ulong m = Math.BigMul(NextUInt64(), bound, out ulong low);
        if (low < bound)
        {
            ulong threshold = (0 - bound) % bound;
            while (low < threshold) m = Math.BigMul(NextUInt64(), bound, out low);
        }
        return (int)m;
    }

    /// <summary>Standard normal N(0, 1) by the ziggurat method.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextNormal() => Ziggurat.Sample(this);

    /// <summary>
    /// Fills <paramref name="destination"/> with independent N(0, 1) draws: the same values, in the same order, as
    /// repeated <see cref="NextNormal"/>. The generator state lives in locals through the ziggurat's fast path (the
    /// hot loop of the simulator, about 30 % faster than one call per draw); the rare slow path goes through the fields.
    /// </summary>
    public void FillNormal(Span<double> destination)
    {
        ulong s0 = _s0, s1 = _s1, s2 = _s2, s3 = _s3;
        var widths = Ziggurat.LayerWidths;
        var ratios = Ziggurat.LayerRatios;
        for (int i = 0; i < destination.Length; i++)
        {
            ulong bits = Next(ref s0, ref s1, ref s2, ref s3);
            int layer = (int)(bits & (Ziggurat.Layers - 1));
            double u = 2 * ((long)(bits >> 11) * (1.0 / (1L << 53))) - 1;
            if (Math.Abs(u) < ratios[layer])
            {
                destination[i] = u * widths[layer];
                continue;
            }
            (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
            destination[i] = Ziggurat.Resume(this, layer, u);
            (s0, s1, s2, s3) = (_s0, _s1, _s2, _s3);
        }
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Next(ref ulong s0, ref ulong s1, ref ulong s2, ref ulong s3)
    {
        ulong result = BitOperations.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = BitOperations.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Poisson with mean <paramref name="mean"/> &gt;= 0.</summary>
    public long NextPoisson(double mean) => Poisson.Sample(this, mean);

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong SplitMix64(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Mix(x);
    }

    // SplitMix64's finaliser (Stafford's variant 13): a bijection that scatters every input bit.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>What a random stream is for; part of its derivation, so streams for different purposes never coincide.</summary>
public enum StreamPurpose
{
    NetworkGenerator,
    EdgeParameters,
    BasalRates,
    Rewiring,
    Dynamics,
    Pseudotime,
    TechnicalNoise,
    CellOrder,
}
