namespace GrnFast.Kernels.Tests;

/// <summary>Random inputs with IEEE specials (NaN, +-inf, -0) at random positions; every generator is seeded.</summary>
internal static class TestData
{
    /// <summary>Lengths every vectorized kernel is checked at: 0..300, then large odd sizes past every unroll.</summary>
    public static IEnumerable<int> Lengths()
    {
        for (int n = 0; n <= 300; n++) yield return n;
        yield return 6 * 512 + 7;
        yield return 4099;
    }

    public static double[] Doubles(Random rng, int n, double specialRate = 0.0)
    {
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = rng.NextDouble() * 20 - 10;
        PlaceSpecials(rng, x, specialRate);
        return x;
    }

    public static float[] Floats(Random rng, int n, double specialRate = 0.0)
    {
        var d = Doubles(rng, n, specialRate);
        return Array.ConvertAll(d, v => (float)v);
    }

    private static void PlaceSpecials(Random rng, double[] x, double rate)
    {
        if (rate <= 0) return;
        for (int i = 0; i < x.Length; i++)
        {
            if (rng.NextDouble() >= rate) continue;
            x[i] = rng.Next(4) switch
            {
                0 => double.NaN,
                1 => double.PositiveInfinity,
                2 => double.NegativeInfinity,
                _ => -0.0,
            };
        }
    }

    /// <summary>Same bits, except that any NaN equals any NaN (payloads may differ between paths).</summary>
    public static bool SameValue(double a, double b) =>
        double.IsNaN(a) ? double.IsNaN(b) : BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);

    public static bool SameValue(float a, float b) =>
        float.IsNaN(a) ? float.IsNaN(b) : BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b);

    /// <summary>Index of the first element that differs in value (NaN = NaN), or -1.</summary>
    public static int FirstDifference(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        for (int i = 0; i < a.Length; i++) if (!SameValue(a[i], b[i])) return i;
        return a.Length == b.Length ? -1 : a.Length;
    }

    public static int FirstDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        for (int i = 0; i < a.Length; i++) if (!SameValue(a[i], b[i])) return i;
        return a.Length == b.Length ? -1 : a.Length;
    }
}
