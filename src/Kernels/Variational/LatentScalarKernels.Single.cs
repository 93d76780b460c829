namespace GrnFast.Kernels.Variational;

/// <summary>The float twins: float arithmetic in the order of the float cores of <see cref="LatentKernels"/>.</summary>
public static partial class LatentScalarKernels
{
    private static void SampleSigmoidProductSingle(ReadOnlySpan<float> muA, ReadOnlySpan<float> lsA, ReadOnlySpan<float> epsA,
        ReadOnlySpan<float> muB, ReadOnlySpan<float> lsB, ReadOnlySpan<float> epsB, Span<float> a, Span<float> b, Span<float> v, Span<float> stdA, Span<float> stdB)
    {
        for (int i = 0; i < muA.Length; i++)
        {
            stdA[i] = Elementary.Exp(lsA[i]);
            stdB[i] = Elementary.Exp(lsB[i]);
            a[i] = Elementary.Sigmoid(muA[i] + stdA[i] * epsA[i]);
            b[i] = muB[i] + stdB[i] * epsB[i];
            v[i] = a[i] * b[i];
        }
    }

    private static void SampleScaledLogNormalSingle(ReadOnlySpan<float> mu, ReadOnlySpan<float> ls, ReadOnlySpan<float> eps, ReadOnlySpan<float> d,
        Span<float> u, Span<float> du, Span<float> std)
    {
        for (int i = 0; i < mu.Length; i++)
        {
            std[i] = Elementary.Exp(ls[i]);
            u[i] = Elementary.Exp(mu[i] + std[i] * eps[i]);
            du[i] = d[i] * u[i];
        }
    }

    /// <summary>With an empty <paramref name="priorMeans"/>, every element's prior mean is <paramref name="priorMean"/> (rounded to float).</summary>
    private static double LatentGradientSingle(ReadOnlySpan<float> mu, ReadOnlySpan<float> ls, ReadOnlySpan<float> std, ReadOnlySpan<float> eps, ReadOnlySpan<float> dll,
        ReadOnlySpan<float> priorMeans, double priorMean, double priorStd, double klWeight, double c0, Span<float> gradMu, Span<float> gradLs)
    {
        Span<double> lanes = stackalloc double[LatentKernels.Lanes];
        lanes.Clear();
        double iv = 1 / (priorStd * priorStd);
        float c = (float)c0, wiv = (float)(klWeight * iv), w = (float)klWeight, ivf = (float)iv, mean = (float)priorMean;
        for (int i = 0; i < mu.Length; i++)
        {
            float diff = mu[i] - (priorMeans.IsEmpty ? mean : priorMeans[i]), s = std[i], s2 = s * s;
            gradMu[i] = c * (wiv * diff - dll[i]);
            gradLs[i] = c * (w * (s2 * ivf - 1) - dll[i] * eps[i] * s);
            lanes[i % LatentKernels.Lanes] += 0.5f * (s2 + diff * diff) * ivf - ls[i];
        }
        return LatentKernels.FoldLanes(lanes) + mu.Length * (Math.Log(priorStd) - 0.5);
    }

    private static double ActivityDataGradientSingle(ReadOnlySpan<float> h, ReadOnlySpan<float> du, ReadOnlySpan<float> u, ReadOnlySpan<float> d, double factor, Span<float> dll)
    {
        Span<double> lanes = stackalloc double[LatentKernels.Lanes];
        lanes.Clear();
        float f = (float)factor;
        for (int i = 0; i < h.Length; i++)
        {
            dll[i] = f * d[i] * h[i] * u[i];
            lanes[i % LatentKernels.Lanes] += (double)du[i] * h[i];
        }
        return LatentKernels.FoldLanes(lanes);
    }

    private static void EdgeDataGradientSingle(ReadOnlySpan<float> dv, ReadOnlySpan<float> a, ReadOnlySpan<float> b, double factor, Span<float> dllA, Span<float> dllB)
    {
        float f = (float)factor;
        for (int i = 0; i < dv.Length; i++)
        {
            float g = f * dv[i];
            dllA[i] = g * b[i] * a[i] * (1 - a[i]);
            dllB[i] = g * a[i];
        }
    }
}
