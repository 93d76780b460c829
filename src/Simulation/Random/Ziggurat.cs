using System.Runtime.CompilerServices;

namespace GrnFast.Simulation.Random;

/// <summary>
/// Standard normal draws by the ziggurat method (Marsaglia and Tsang, 2000, with Doornik's 2005 correction that
/// takes the layer index and the uniform from independent bits). The half density f(x) = exp(-x^2/2) is covered by
/// 256 layers of equal area V: layer i &gt;= 1 is the box [0, X_i] x [f(X_i), f(X_{i+1})], layer 0 is the box
/// [0, R] x [0, f(R)] plus the tail beyond R, given the virtual width X_0 = V / f(R). A draw picks a layer and
/// x = u X_i with u uniform on (-1, 1); 98.8 % of draws land inside the next layer's width and are accepted after
/// one compare. Only scalar arithmetic and the runtime's Math.Exp/Log are used, so the stream is the same bits on
/// every instruction set.
/// </summary>
internal static class Ziggurat
{
    public const int Layers = 256;
    // R and V solve the equal-area condition for 256 layers (Marsaglia and Tsang, 2000).
    private const double R = 3.6541528853610088;
    private const double V = 4.92867323399e-3;

    // X[i]: the layer widths, X[Layers] = 0. Ratio[i] = X[i+1] / X[i]: below it a draw is inside for sure.
    private static readonly double[] X = BuildWidths();
    private static readonly double[] Ratio = BuildRatios(X);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sample(RandomSource random)
    {
        while (true)
        {
            ulong bits = random.NextUInt64();
            int i = (int)(bits & (Layers - 1));
            double u = 2 * ((long)(bits >> 11) * (1.0 / (1L << 53))) - 1;
            if (Math.Abs(u) < Ratio[i]) return u * X[i];
            double? slow = SlowPath(random, i, u);
            if (slow is { } value) return value;
        }
    }

    /// <summary>Finishes a draw whose first (layer, u) pair missed the fast path, exactly as <see cref="Sample"/> would.</summary>
    public static double Resume(RandomSource random, int layer, double u)
        => SlowPath(random, layer, u) ?? Sample(random);

    internal static ReadOnlySpan<double> LayerWidths => X;
    internal static ReadOnlySpan<double> LayerRatios => Ratio;

    // The rare draws: the tail beyond R from layer 0, or the wedge between the curve and the next layer's box.
    private static double? SlowPath(RandomSource random, int i, double u)
    {
        if (i == 0) return Tail(random, u < 0);
        double x = u * X[i];
        // y uniform on [f(X_i), f(X_{i+1})], both scaled by 1 / f(x); accept when y < f(x).
        double f0 = Math.Exp(-0.5 * (X[i] * X[i] - x * x));
        double f1 = Math.Exp(-0.5 * (X[i + 1] * X[i + 1] - x * x));
        return f1 + random.NextDouble() * (f0 - f1) < 1.0 ? x : null;
    }

    // Marsaglia (1964): x = -ln(U1)/R, y = -ln(U2), accept when 2y > x^2; the draw is R + x.
    private static double Tail(RandomSource random, bool negative)
    {
        double x, y;
        do
        {
            x = -Math.Log(random.NextDoubleNonZero()) / R;
            y = -Math.Log(random.NextDoubleNonZero());
        }
        while (y + y <= x * x);
        return negative ? -(R + x) : R + x;
    }

    private static double[] BuildWidths()
    {
        var x = new double[Layers + 1];
        x[0] = V / Math.Exp(-0.5 * R * R);
        x[1] = R;
        // Equal areas: X_i (f(X_{i+1}) - f(X_i)) = V gives f(X_{i+1}) = V / X_i + f(X_i).
        for (int i = 2; i < Layers; i++) x[i] = Math.Sqrt(-2 * Math.Log(V / x[i - 1] + Math.Exp(-0.5 * x[i - 1] * x[i - 1])));
        x[Layers] = 0;
        return x;
    }

    private static double[] BuildRatios(double[] x)
    {
        var r = new double[Layers];
        for (int i = 0; i < Layers; i++) r[i] = x[i + 1] / x[i];
        return r;
    }
}
