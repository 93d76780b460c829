using System.Numerics;
using GrnFast.Kernels.Vectors;

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
        => LatentStepCore(mu, ls, std, eps, dll, priorMeans, priorMean, priorStd, klWeight, c0, moments, step);

    public static double LatentStep(Span<float> mu, Span<float> ls, ReadOnlySpan<float> std, ReadOnlySpan<float> eps, ReadOnlySpan<float> dll,
        ReadOnlySpan<float> priorMeans, double priorMean, double priorStd, double klWeight, double c0, AdamMoments<float> moments, in AdamStep step)
        => LatentStepCore(mu, ls, std, eps, dll, priorMeans, priorMean, priorStd, klWeight, c0, moments, step);

    /// <summary>The gradient into a stored gradient (rounded to T), then Adam on mu and on ls.</summary>
    private static double LatentStepCore<T>(Span<T> mu, Span<T> ls, ReadOnlySpan<T> std, ReadOnlySpan<T> eps, ReadOnlySpan<T> dll,
        ReadOnlySpan<T> priorMeans, double priorMean, double priorStd, double klWeight, double c0, AdamMoments<T> moments, in AdamStep step)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var gradMu = new T[mu.Length];
        var gradLs = new T[mu.Length];
        double kl = typeof(T) == typeof(float)
            ? LatentGradientSingle(Cast<T, float>(mu), Cast<T, float>(ls), Cast<T, float>(std), Cast<T, float>(eps), Cast<T, float>(dll), Cast<T, float>(priorMeans),
                priorMean, priorStd, klWeight, c0, (float[])(object)gradMu, (float[])(object)gradLs)
            : LatentGradientCore<T>(mu, ls, std, eps, dll, priorMeans, priorMean, priorStd, klWeight, c0, gradMu, gradLs);
        VariationalScalarKernels.AdamCore(mu, moments.MeanMu, moments.SquareMu, gradMu, step);
        VariationalScalarKernels.AdamCore(ls, moments.MeanLs, moments.SquareLs, gradLs, step);
        return kl;
    }

    public static double ActivityDataGradient(ReadOnlySpan<double> h, ReadOnlySpan<double> du, ReadOnlySpan<double> u, ReadOnlySpan<double> d, double factor, Span<double> dll)
        => ActivityDataGradientCore(h, du, u, d, factor, dll);

    public static double ActivityDataGradient(ReadOnlySpan<float> h, ReadOnlySpan<float> du, ReadOnlySpan<float> u, ReadOnlySpan<float> d, double factor, Span<float> dll)
        => ActivityDataGradientSingle(h, du, u, d, factor, dll);

    public static void EdgeDataGradient(ReadOnlySpan<double> dv, ReadOnlySpan<double> a, ReadOnlySpan<double> b, double factor, Span<double> dllA, Span<double> dllB)
        => EdgeDataGradientCore(dv, a, b, factor, dllA, dllB);

    public static void EdgeDataGradient(ReadOnlySpan<float> dv, ReadOnlySpan<float> a, ReadOnlySpan<float> b, double factor, Span<float> dllA, Span<float> dllB)
        => EdgeDataGradientSingle(dv, a, b, factor, dllA, dllB);

    private static ReadOnlySpan<TTo> Cast<TFrom, TTo>(ReadOnlySpan<TFrom> x) where TFrom : struct where TTo : struct => System.Runtime.InteropServices.MemoryMarshal.Cast<TFrom, TTo>(x);

    private static double D<T>(T x) where T : unmanaged => WideningLoads.ToDouble(x);

    private static T R<T>(double x) where T : unmanaged => WideningLoads.FromDouble<T>(x);

    private static void SampleSigmoidProductCore<T>(ReadOnlySpan<T> muA, ReadOnlySpan<T> lsA, ReadOnlySpan<T> epsA,
        ReadOnlySpan<T> muB, ReadOnlySpan<T> lsB, ReadOnlySpan<T> epsB, Span<T> a, Span<T> b, Span<T> v, Span<T> stdA, Span<T> stdB) where T : unmanaged
    {
        for (int i = 0; i < muA.Length; i++)
        {
            double sa = Elementary.Exp(D(lsA[i])), sb = Elementary.Exp(D(lsB[i]));
            stdA[i] = R<T>(sa);
            stdB[i] = R<T>(sb);
            double av = Elementary.Sigmoid(D(muA[i]) + sa * D(epsA[i]));
            double bv = D(muB[i]) + sb * D(epsB[i]);
            a[i] = R<T>(av);
            b[i] = R<T>(bv);
            v[i] = R<T>(av * bv);
        }
    }

    private static void SampleScaledLogNormalCore<T>(ReadOnlySpan<T> mu, ReadOnlySpan<T> ls, ReadOnlySpan<T> eps, ReadOnlySpan<T> d,
        Span<T> u, Span<T> du, Span<T> std) where T : unmanaged
    {
        for (int i = 0; i < mu.Length; i++)
        {
            double s = Elementary.Exp(D(ls[i]));
            std[i] = R<T>(s);
            double uv = Elementary.Exp(D(mu[i]) + s * D(eps[i]));
            u[i] = R<T>(uv);
            du[i] = R<T>(D(d[i]) * uv);
        }
    }

    /// <summary>With an empty <paramref name="priorMeans"/>, every element's prior mean is <paramref name="priorMean"/>.</summary>
    private static double LatentGradientCore<T>(ReadOnlySpan<T> mu, ReadOnlySpan<T> ls, ReadOnlySpan<T> std, ReadOnlySpan<T> eps, ReadOnlySpan<T> dll,
        ReadOnlySpan<T> priorMeans, double priorMean, double priorStd, double klWeight, double c0, Span<T> gradMu, Span<T> gradLs) where T : unmanaged
    {
        Span<double> lanes = stackalloc double[LatentKernels.Lanes];
        lanes.Clear();
        double iv = 1 / (priorStd * priorStd), wiv = klWeight * iv;
        for (int i = 0; i < mu.Length; i++)
        {
            double s = D(std[i]), diff = D(mu[i]) - (priorMeans.IsEmpty ? priorMean : D(priorMeans[i])), s2 = s * s;
            gradMu[i] = R<T>(c0 * (wiv * diff - D(dll[i])));
            gradLs[i] = R<T>(c0 * (klWeight * (s2 * iv - 1) - D(dll[i]) * D(eps[i]) * s));
            lanes[i % LatentKernels.Lanes] += 0.5 * (s2 + diff * diff) * iv - D(ls[i]);
        }
        return LatentKernels.FoldLanes(lanes) + mu.Length * (Math.Log(priorStd) - 0.5);
    }

    private static double ActivityDataGradientCore<T>(ReadOnlySpan<T> h, ReadOnlySpan<T> du, ReadOnlySpan<T> u, ReadOnlySpan<T> d, double factor, Span<T> dll)
        where T : unmanaged
    {
        Span<double> lanes = stackalloc double[LatentKernels.Lanes];
        lanes.Clear();
        for (int i = 0; i < h.Length; i++)
        {
            dll[i] = R<T>(factor * D(d[i]) * D(h[i]) * D(u[i]));
            lanes[i % LatentKernels.Lanes] += D(du[i]) * D(h[i]);
        }
        return LatentKernels.FoldLanes(lanes);
    }

    private static void EdgeDataGradientCore<T>(ReadOnlySpan<T> dv, ReadOnlySpan<T> a, ReadOnlySpan<T> b, double factor, Span<T> dllA, Span<T> dllB)
        where T : unmanaged
    {
        for (int i = 0; i < dv.Length; i++)
        {
            double g = factor * D(dv[i]), av = D(a[i]);
            dllA[i] = R<T>(g * D(b[i]) * av * (1 - av));
            dllB[i] = R<T>(g * av);
        }
    }
}
