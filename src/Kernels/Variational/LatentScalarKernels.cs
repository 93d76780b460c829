using System.Numerics;

namespace GrnFast.Kernels.Variational;

/// <summary>
/// The plain-loop twins of <see cref="LatentKernels"/>: they define what each kernel computes, bit for bit (double
/// spans in double; float spans in float arithmetic with <see cref="Elementary.Exp(float)"/>, sums in double).
/// </summary>
public static partial class LatentScalarKernels
{
    public static void SampleSigmoidProduct(ReadOnlySpan<double> muA, ReadOnlySpan<double> lsA, ReadOnlySpan<double> epsA,
        ReadOnlySpan<double> muB, ReadOnlySpan<double> lsB, ReadOnlySpan<double> epsB, Span<double> a, Span<double> b, Span<double> v, Span<double> stdA, Span<double> stdB)
        => SampleSigmoidProductCore(muA, lsA, epsA, muB, lsB, epsB, a, b, v, stdA, stdB);

    public static void SampleSigmoidProduct(ReadOnlySpan<float> muA, ReadOnlySpan<float> lsA, ReadOnlySpan<float> epsA,
        ReadOnlySpan<float> muB, ReadOnlySpan<float> lsB, ReadOnlySpan<float> epsB, Span<float> a, Span<float> b, Span<float> v, Span<float> stdA, Span<float> stdB)
        => SampleSigmoidProductSingle(muA, lsA, epsA, muB, lsB, epsB, a, b, v, stdA, stdB);

    public static void SampleScaledLogNormal(ReadOnlySpan<double> mu, ReadOnlySpan<double> ls, ReadOnlySpan<double> eps, ReadOnlySpan<double> d,
        Span<double> u, Span<double> du, Span<double> std) => SampleScaledLogNormalCore(mu, ls, eps, d, u, du, std);

    public static void SampleScaledLogNormal(ReadOnlySpan<float> mu, ReadOnlySpan<float> ls, ReadOnlySpan<float> eps, ReadOnlySpan<float> d,
        Span<float> u, Span<float> du, Span<float> std) => SampleScaledLogNormalSingle(mu, ls, eps, d, u, du, std);

    public static double LatentGradient(ReadOnlySpan<double> mu, ReadOnlySpan<double> ls, ReadOnlySpan<double> std, ReadOnlySpan<double> eps, ReadOnlySpan<double> dll,
        ReadOnlySpan<double> priorMean, double priorStd, double klWeight, double c0, Span<double> gradMu, Span<double> gradLs)
        => LatentGradientCore(mu, ls, std, eps, dll, priorMean, double.NaN, priorStd, klWeight, c0, gradMu, gradLs);

    public static double LatentGradient(ReadOnlySpan<float> mu, ReadOnlySpan<float> ls, ReadOnlySpan<float> std, ReadOnlySpan<float> eps, ReadOnlySpan<float> dll,
        ReadOnlySpan<float> priorMean, double priorStd, double klWeight, double c0, Span<float> gradMu, Span<float> gradLs)
        => LatentGradientSingle(mu, ls, std, eps, dll, priorMean, double.NaN, priorStd, klWeight, c0, gradMu, gradLs);

    public static double LatentGradient(ReadOnlySpan<double> mu, ReadOnlySpan<double> ls, ReadOnlySpan<double> std, ReadOnlySpan<double> eps, ReadOnlySpan<double> dll,
        double priorMean, double priorStd, double klWeight, double c0, Span<double> gradMu, Span<double> gradLs)
        => LatentGradientCore(mu, ls, std, eps, dll, default, priorMean, priorStd, klWeight, c0, gradMu, gradLs);

    public static double LatentGradient(ReadOnlySpan<float> mu, ReadOnlySpan<float> ls, ReadOnlySpan<float> std, ReadOnlySpan<float> eps, ReadOnlySpan<float> dll,
        double priorMean, double priorStd, double klWeight, double c0, Span<float> gradMu, Span<float> gradLs)
        => LatentGradientSingle(mu, ls, std, eps, dll, default, priorMean, priorStd, klWeight, c0, gradMu, gradLs);

    public static double LatentStep(Span<double> mu, Span<double> ls, ReadOnlySpan<double> std, ReadOnlySpan<double> eps, ReadOnlySpan<double> dll,
        ReadOnlySpan<double> priorMeans, double priorMean, double priorStd, double klWeight, double c0, AdamMoments<double> moments, in AdamStep step)
    {
        var (gradMu, gradLs) = (new double[mu.Length], new double[mu.Length]);
        double kl = LatentGradientCore(mu, ls, std, eps, dll, priorMeans, priorMean, priorStd, klWeight, c0, gradMu, gradLs);
        AdamOnBoth(mu, ls, gradMu, gradLs, moments, step);
        return kl;
    }

    public static double LatentStep(Span<float> mu, Span<float> ls, ReadOnlySpan<float> std, ReadOnlySpan<float> eps, ReadOnlySpan<float> dll,
        ReadOnlySpan<float> priorMeans, double priorMean, double priorStd, double klWeight, double c0, AdamMoments<float> moments, in AdamStep step)
    {
        var (gradMu, gradLs) = (new float[mu.Length], new float[mu.Length]);
        double kl = LatentGradientSingle(mu, ls, std, eps, dll, priorMeans, priorMean, priorStd, klWeight, c0, gradMu, gradLs);
        AdamOnBoth(mu, ls, gradMu, gradLs, moments, step);
        return kl;
    }

    /// <summary>The stored gradient's Adam step on mu, then on ls.</summary>
    private static void AdamOnBoth<T>(Span<T> mu, Span<T> ls, T[] gradMu, T[] gradLs, AdamMoments<T> moments, in AdamStep step)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        VariationalScalarKernels.AdamCore(mu, moments.MeanMu, moments.SquareMu, gradMu, step);
        VariationalScalarKernels.AdamCore(ls, moments.MeanLs, moments.SquareLs, gradLs, step);
    }

    public static double ActivityDataGradient(ReadOnlySpan<double> h, ReadOnlySpan<double> du, ReadOnlySpan<double> u, ReadOnlySpan<double> d, double factor, Span<double> dll)
        => ActivityDataGradientCore(h, du, u, d, factor, dll);

    public static double ActivityDataGradient(ReadOnlySpan<float> h, ReadOnlySpan<float> du, ReadOnlySpan<float> u, ReadOnlySpan<float> d, double factor, Span<float> dll)
        => ActivityDataGradientSingle(h, du, u, d, factor, dll);

    public static void EdgeDataGradient(ReadOnlySpan<double> dv, ReadOnlySpan<double> a, ReadOnlySpan<double> b, double factor, Span<double> dllA, Span<double> dllB)
        => EdgeDataGradientCore(dv, a, b, factor, dllA, dllB);

    public static void EdgeDataGradient(ReadOnlySpan<float> dv, ReadOnlySpan<float> a, ReadOnlySpan<float> b, double factor, Span<float> dllA, Span<float> dllB)
        => EdgeDataGradientSingle(dv, a, b, factor, dllA, dllB);

    private static void SampleSigmoidProductCore(ReadOnlySpan<double> muA, ReadOnlySpan<double> lsA, ReadOnlySpan<double> epsA,
        ReadOnlySpan<double> muB, ReadOnlySpan<double> lsB, ReadOnlySpan<double> epsB, Span<double> a, Span<double> b, Span<double> v, Span<double> stdA, Span<double> stdB)
    {
        for (int i = 0; i < muA.Length; i++)
        {
            double sa = Elementary.Exp(lsA[i]), sb = Elementary.Exp(lsB[i]);
            stdA[i] = sa;
            stdB[i] = sb;
            double av = Elementary.Sigmoid(muA[i] + sa * epsA[i]);
            double bv = muB[i] + sb * epsB[i];
            a[i] = av;
            b[i] = bv;
            v[i] = av * bv;
        }
    }

    private static void SampleScaledLogNormalCore(ReadOnlySpan<double> mu, ReadOnlySpan<double> ls, ReadOnlySpan<double> eps, ReadOnlySpan<double> d,
        Span<double> u, Span<double> du, Span<double> std)
    {
        for (int i = 0; i < mu.Length; i++)
        {
            double s = Elementary.Exp(ls[i]);
            std[i] = s;
            double uv = Elementary.Exp(mu[i] + s * eps[i]);
            u[i] = uv;
            du[i] = d[i] * uv;
        }
    }

    /// <summary>With an empty <paramref name="priorMeans"/>, every element's prior mean is <paramref name="priorMean"/>.</summary>
    private static double LatentGradientCore(ReadOnlySpan<double> mu, ReadOnlySpan<double> ls, ReadOnlySpan<double> std, ReadOnlySpan<double> eps, ReadOnlySpan<double> dll,
        ReadOnlySpan<double> priorMeans, double priorMean, double priorStd, double klWeight, double c0, Span<double> gradMu, Span<double> gradLs)
    {
        Span<double> lanes = stackalloc double[LatentKernels.Lanes];
        lanes.Clear();
        double iv = 1 / (priorStd * priorStd), wiv = klWeight * iv;
        for (int i = 0; i < mu.Length; i++)
        {
            double s = std[i], diff = mu[i] - (priorMeans.IsEmpty ? priorMean : priorMeans[i]), s2 = s * s;
            gradMu[i] = c0 * (wiv * diff - dll[i]);
            gradLs[i] = c0 * (klWeight * (s2 * iv - 1) - dll[i] * eps[i] * s);
            lanes[i % LatentKernels.Lanes] += 0.5 * (s2 + diff * diff) * iv - ls[i];
        }
        return LatentKernels.FoldLanes(lanes) + mu.Length * (Math.Log(priorStd) - 0.5);
    }

    private static double ActivityDataGradientCore(ReadOnlySpan<double> h, ReadOnlySpan<double> du, ReadOnlySpan<double> u, ReadOnlySpan<double> d, double factor, Span<double> dll)
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

    private static void EdgeDataGradientCore(ReadOnlySpan<double> dv, ReadOnlySpan<double> a, ReadOnlySpan<double> b, double factor, Span<double> dllA, Span<double> dllB)
    {
        for (int i = 0; i < dv.Length; i++)
        {
            double g = factor * dv[i], av = a[i];
            dllA[i] = g * b[i] * av * (1 - av);
            dllB[i] = g * av;
        }
    }
}
