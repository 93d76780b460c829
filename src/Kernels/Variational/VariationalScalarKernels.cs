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

    public static void Adam(Span<double> p, Span<double> m, Span<double> v, ReadOnlySpan<double> g, in AdamStep s)
    {
        for (int i = 0; i < p.Length; i++)
        {
            double gi = Math.Min(Math.Max(g[i], -s.Clip), s.Clip);
            m[i] = s.Beta1 * m[i] + (1 - s.Beta1) * gi;
            v[i] = s.Beta2 * v[i] + (1 - s.Beta2) * (gi * gi);
            p[i] -= s.Step * m[i] / (Math.Sqrt(v[i]) * s.VScale + s.Epsilon);
        }
    }
}
