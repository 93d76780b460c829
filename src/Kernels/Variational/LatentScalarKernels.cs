namespace GrnFast.Kernels.Variational;

/// <summary>The plain-loop twins of <see cref="LatentKernels"/>: they define what each kernel computes, bit for bit.</summary>
public static class LatentScalarKernels
{
    public static void SampleSigmoidProduct(ReadOnlySpan<double> muA, ReadOnlySpan<double> lsA, ReadOnlySpan<double> epsA,
        ReadOnlySpan<double> muB, ReadOnlySpan<double> lsB, ReadOnlySpan<double> epsB, Span<double> a, Span<double> b, Span<float> v)
    {
        for (int i = 0; i < muA.Length; i++)
        {
            a[i] = Elementary.Sigmoid(muA[i] + Elementary.Exp(lsA[i]) * epsA[i]);
            b[i] = muB[i] + Elementary.Exp(lsB[i]) * epsB[i];
            v[i] = (float)(a[i] * b[i]);
        }
    }

    public static void SampleSigmoidProduct(ReadOnlySpan<double> muA, ReadOnlySpan<double> lsA, ReadOnlySpan<double> epsA,
        ReadOnlySpan<double> muB, ReadOnlySpan<double> lsB, ReadOnlySpan<double> epsB, Span<double> a, Span<double> b, Span<double> v)
    {
        for (int i = 0; i < muA.Length; i++)
        {
            a[i] = Elementary.Sigmoid(muA[i] + Elementary.Exp(lsA[i]) * epsA[i]);
            b[i] = muB[i] + Elementary.Exp(lsB[i]) * epsB[i];
            v[i] = a[i] * b[i];
        }
    }

    public static void SampleScaledLogNormal(ReadOnlySpan<double> mu, ReadOnlySpan<double> ls, ReadOnlySpan<double> eps, ReadOnlySpan<double> d,
        Span<double> u, Span<float> du)
    {
        for (int i = 0; i < mu.Length; i++)
        {
            u[i] = Elementary.Exp(mu[i] + Elementary.Exp(ls[i]) * eps[i]);
            du[i] = (float)(d[i] * u[i]);
        }
    }

    public static void SampleScaledLogNormal(ReadOnlySpan<double> mu, ReadOnlySpan<double> ls, ReadOnlySpan<double> eps, ReadOnlySpan<double> d,
        Span<double> u, Span<double> du)
    {
        for (int i = 0; i < mu.Length; i++)
        {
            u[i] = Elementary.Exp(mu[i] + Elementary.Exp(ls[i]) * eps[i]);
            du[i] = d[i] * u[i];
        }
    }

    public static double LatentGradient(ReadOnlySpan<double> mu, ReadOnlySpan<double> ls, ReadOnlySpan<double> eps, ReadOnlySpan<double> dll,
        ReadOnlySpan<double> priorMean, double priorStd, double klWeight, double c0, Span<double> gradMu, Span<double> gradLs)
    {
        Span<double> lanes = stackalloc double[LatentKernels.Lanes];
        lanes.Clear();
        double iv = 1 / (priorStd * priorStd), wiv = klWeight * iv;
        for (int i = 0; i < mu.Length; i++)
        {
            double s = Elementary.Exp(ls[i]), diff = mu[i] - priorMean[i], s2 = s * s;
            gradMu[i] = c0 * (wiv * diff - dll[i]);
            gradLs[i] = c0 * (klWeight * (s2 * iv - 1) - dll[i] * eps[i] * s);
            lanes[i % LatentKernels.Lanes] += 0.5 * (s2 + diff * diff) * iv - ls[i];
        }
        return LatentKernels.FoldLanes(lanes) + mu.Length * (Math.Log(priorStd) - 0.5);
    }

    public static double LatentGradient(ReadOnlySpan<double> mu, ReadOnlySpan<double> ls, ReadOnlySpan<double> eps, ReadOnlySpan<double> dll,
        double priorMean, double priorStd, double klWeight, double c0, Span<double> gradMu, Span<double> gradLs)
    {
        var means = new double[mu.Length];
        Array.Fill(means, priorMean);
        return LatentGradient(mu, ls, eps, dll, means, priorStd, klWeight, c0, gradMu, gradLs);
    }

    public static double ActivityDataGradient(ReadOnlySpan<float> h, ReadOnlySpan<float> du, ReadOnlySpan<double> u, ReadOnlySpan<double> d, double factor, Span<double> dll)
    {
        Span<double> lanes = stackalloc double[LatentKernels.Lanes];
        lanes.Clear();
        for (int i = 0; i < h.Length; i++)
        {
            dll[i] = factor * d[i] * h[i] * u[i];
            lanes[i % LatentKernels.Lanes] += (double)du[i] * h[i];
        }
        return LatentKernels.FoldLanes(lanes);
    }

    public static double ActivityDataGradient(ReadOnlySpan<double> h, ReadOnlySpan<double> du, ReadOnlySpan<double> u, ReadOnlySpan<double> d, double factor, Span<double> dll)
    {
        Span<double> lanes = stackalloc double[LatentKernels.Lanes];
        lanes.Clear();
        for (int i = 0; i < h.Length; i++)
        {
            dll[i] = factor * d[i] * h[i] * u[i];
            lanes[i % LatentKernels.Lanes] += du[i] * h[i];
        }
        return LatentKernels.FoldLanes(lanes);
    }

    public static void EdgeDataGradient(ReadOnlySpan<float> dv, ReadOnlySpan<double> a, ReadOnlySpan<double> b, double factor, Span<double> dllA, Span<double> dllB)
    {
        for (int i = 0; i < dv.Length; i++)
        {
            double g = factor * dv[i];
            dllA[i] = g * b[i] * a[i] * (1 - a[i]);
            dllB[i] = g * a[i];
        }
    }

    public static void EdgeDataGradient(ReadOnlySpan<double> dv, ReadOnlySpan<double> a, ReadOnlySpan<double> b, double factor, Span<double> dllA, Span<double> dllB)
    {
        for (int i = 0; i < dv.Length; i++)
        {
            double g = factor * dv[i];
            dllA[i] = g * b[i] * a[i] * (1 - a[i]);
            dllB[i] = g * a[i];
        }
    }
}
