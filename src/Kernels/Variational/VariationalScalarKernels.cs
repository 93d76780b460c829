using System.Numerics;

namespace GrnFast.Kernels.Variational;

/// <summary>The plain-loop twins of <see cref="VariationalKernels"/>: they define what each kernel computes, bit for bit.</summary>
public static class VariationalScalarKernels
{
    private const int Lanes = 32;

    public static double MaskedResidual(ReadOnlySpan<double> w, ReadOnlySpan<double> mask, Span<double> m, double tau)
    {
        Span<double> lanes = stackalloc double[Lanes];
        lanes.Clear();
        for (int i = 0; i < w.Length; i++)
        {
            double r = (w[i] - m[i]) * mask[i];
            lanes[i % Lanes] += r * r;
            m[i] = r * tau;
        }
        return VariationalKernels.Fold(lanes);
    }

    public static double MaskedResidual(ReadOnlySpan<float> w, ReadOnlySpan<float> mask, Span<float> m, double tau)
    {
        Span<double> lanes = stackalloc double[Lanes];
        lanes.Clear();
        for (int i = 0; i < w.Length; i++)
        {
            double r = ((double)w[i] - m[i]) * mask[i];
            lanes[i % Lanes] += r * r;
            m[i] = (float)(r * tau);
        }
        return VariationalKernels.Fold(lanes);
    }

    public static void AddProducts(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> sum)
    {
        for (int i = 0; i < x.Length; i++) sum[i] += x[i] * y[i];
    }

    public static void AddProducts(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<double> sum)
    {
        for (int i = 0; i < x.Length; i++) sum[i] += (double)x[i] * y[i];
    }

    public static void Adam(Span<double> p, Span<double> m, Span<double> v, ReadOnlySpan<double> g, in AdamStep s) => AdamCore(p, m, v, g, s);

    public static void Adam(Span<float> p, Span<float> m, Span<float> v, ReadOnlySpan<float> g, in AdamStep s) => AdamCore(p, m, v, g, s);

    internal static void AdamCore<T>(Span<T> p, Span<T> m, Span<T> v, ReadOnlySpan<T> g, in AdamStep s) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var c = new AdamConstants<T>(s);
        for (int i = 0; i < p.Length; i++)
        {
            T gi = T.Min(T.Max(g[i], -c.Clip), c.Clip);
            m[i] = c.Beta1 * m[i] + c.OneMinusBeta1 * gi;
            v[i] = c.Beta2 * v[i] + c.OneMinusBeta2 * (gi * gi);
            p[i] -= c.Step * m[i] / (T.Sqrt(v[i]) * c.VScale + c.Epsilon);
        }
    }
}
