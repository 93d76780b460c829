namespace GrnFast.Solvers.Variational;

/// <summary>
/// Counter-based standard-normal draws: the value at (seed, step, index) is a pure function of the three, so a draw does
/// not depend on the thread count or on which other indices were drawn. Two SplitMix64 hashes give two uniforms and
/// Box-Muller turns pair j = index / 2 into two normals (cos for even indices, sin for odd).
/// </summary>
public static class NormalNoise
{
    /// <summary>Fills <paramref name="destination"/> with the draws at indices start, start + 1, ...</summary>
    public static void Fill(ulong seed, long step, long start, Span<double> destination)
    {
        int i = 0;
        long index = start;
        if ((index & 1) == 1 && destination.Length > 0)
        {
            destination[0] = Draw(seed, step, index);
            i = 1; index++;
        }
        for (; i + 1 < destination.Length; i += 2, index += 2)
        {
            var (c, s) = Pair(seed, step, index >> 1);
            destination[i] = c;
            destination[i + 1] = s;
        }
        if (i < destination.Length) destination[i] = Draw(seed, step, index);
    }

    /// <summary>The draw at one index.</summary>
    public static double Draw(ulong seed, long step, long index)
    {
        var (c, s) = Pair(seed, step, index >> 1);
        return (index & 1) == 0 ? c : s;
    }

    /// <summary>Fills in parallel, in fixed chunks: the same bits as one <see cref="Fill"/> over the whole span.</summary>
    public static void FillParallel(ulong seed, long step, double[] destination, int threads)
    {
        const int chunk = 1 << 16;
        int chunks = (destination.Length + chunk - 1) / chunk;
        if (chunks <= 1 || threads <= 1) { Fill(seed, step, 0, destination); return; }
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
        {
            int from = c * chunk, length = Math.Min(chunk, destination.Length - from);
            Fill(seed, step, from, destination.AsSpan(from, length));
        });
    }

    private static (double Cos, double Sin) Pair(ulong seed, long step, long pair)
    {
        ulong key = Mix(seed ^ Mix((ulong)step * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL)) ^ (ulong)pair * 0xD1B54A32D192ED03UL;
        ulong h1 = Mix(key), h2 = Mix(key ^ 0xA0761D6478BD642FUL);
        double u1 = ((h1 >> 11) + 1) * (1.0 / 9007199254740993.0); // (0, 1]
        double u2 = (h2 >> 11) * (1.0 / 9007199254740992.0);       // [0, 1)
        double r = Math.Sqrt(-2 * Math.Log(u1));
        var (sin, cos) = Math.SinCos(2 * Math.PI * u2);
        return (r * cos, r * sin);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
