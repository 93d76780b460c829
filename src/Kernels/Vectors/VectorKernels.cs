using System.Runtime.Intrinsics;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using GrnFast.Kernels.Vectors.Operators;

namespace GrnFast.Kernels.Vectors;

/// <summary>
/// Span kernels the solvers call, vectorized with Vector512/Vector256 (System.Numerics.Tensors where it
/// already does the job). Every kernel has a twin in <see cref="ScalarKernels"/> with the same result.
/// Element-wise kernels give the twin's bits exactly. Reductions (Dot, SumOfSquares, MeanVariance) use one
/// fixed order, the same on every run, thread count and instruction set (AVX-512, AVX2, scalar): term i goes
/// to lane i mod 32 and the 32 lanes are folded by halving, with plain multiply and add (no FMA). That
/// order differs from a left-to-right sum by round-off only.
/// </summary>
public static partial class VectorKernels
{
    /// <summary>sum_i x_i * y_i, in the fixed 32-lane order.</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        KernelArguments.SameLength(x.Length, y.Length, nameof(y));
        return FixedOrderSum.Sum(x, y, new ProductTerm());
    }

    /// <summary>sum_i (double)x_i * (double)y_i: products are exact in double, the sum is in the fixed 32-lane order.</summary>
    public static double Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        KernelArguments.SameLength(x.Length, y.Length, nameof(y));
        return FixedOrderSum.Sum(x, y, new ProductTerm());
    }

    /// <summary>sum_i x_i^2, in the fixed 32-lane order.</summary>
    public static double SumOfSquares(ReadOnlySpan<double> x) => FixedOrderSum.Sum(x, x, new SquareTerm());

    /// <summary>y_i += a * x_i (multiply, then add: not fused, so the bits match the scalar twin).</summary>
    public static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        KernelArguments.SameLength(x.Length, y.Length, nameof(y));
        // Coordinate descent calls this millions of times on ~50 elements, where TensorPrimitives' fixed
        // cost (overlap checks, generic dispatch) is most of the time; long spans go to TensorPrimitives.
        // Both compute (x * a) + y unfused, so the bits equal the scalar twin's.
        if (x.Length >= 512)
        {
            TensorPrimitives.MultiplyAdd(x, a, y, y);
            return;
        }
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            for (; i + 8 <= n; i += 8)
            {
                // y_i += a * x_i
                var v = Vector512.LoadUnsafe(ref xr, i) * va + Vector512.LoadUnsafe(ref yr, i);
                v.StoreUnsafe(ref yr, i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            for (; i + 4 <= n; i += 4)
            {
                var v = Vector256.LoadUnsafe(ref xr, i) * va + Vector256.LoadUnsafe(ref yr, i);
                v.StoreUnsafe(ref yr, i);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref yr, i) += a * Unsafe.Add(ref xr, i);
    }

    /// <summary>sign(z) * max(|z| - t, 0) for t &gt;= 0; NaN when z or t is NaN.</summary>
    public static double SoftThreshold(double z, double t) => new SoftThresholdOperator().Invoke(z, t);

    /// <summary>dest_i = sign(z_i) * max(|z_i| - t_i, 0); NaN where z_i or t_i is NaN.</summary>
    public static void SoftThreshold(ReadOnlySpan<double> z, ReadOnlySpan<double> t, Span<double> dest)
    {
        KernelArguments.SameLength(z.Length, t.Length, nameof(t));
        KernelArguments.DestinationFits(z.Length, dest.Length, nameof(dest));
        ElementwiseLoops.Zip(z, t, dest, new SoftThresholdOperator());
    }

    /// <summary>
    /// Mean and population variance (1/n) of x in double, two passes: mean = sum_i x_i / n, then
    /// variance = sum_i (x_i - mean)^2 / n, both sums in the fixed 32-lane order. (NaN, NaN) when x is empty.
    /// </summary>
    public static (double Mean, double Variance) MeanVariance(ReadOnlySpan<float> x) => MeanVarianceCore(x);

    /// <inheritdoc cref="MeanVariance(ReadOnlySpan{float})"/>
    public static (double Mean, double Variance) MeanVariance(ReadOnlySpan<double> x) => MeanVarianceCore(x);

    private static (double Mean, double Variance) MeanVarianceCore<T>(ReadOnlySpan<T> x) where T : unmanaged
    {
        if (x.Length == 0) return (double.NaN, double.NaN);
        double mean = FixedOrderSum.Sum(x, x, new IdentityTerm()) / x.Length;
        double variance = FixedOrderSum.Sum(x, x, new SquaredDeviationTerm(mean)) / x.Length;
        return (mean, variance);
    }

    /// <summary>dest_i = (x_i - mean) * scale, in double.</summary>
    public static void CenterScale(ReadOnlySpan<float> x, double mean, double scale, Span<double> dest)
    {
        KernelArguments.DestinationFits(x.Length, dest.Length, nameof(dest));
        ElementwiseLoops.Map(x, dest, new CenterScaleOperator(mean, scale));
    }

    /// <inheritdoc cref="CenterScale(ReadOnlySpan{float}, double, double, Span{double})"/>
    public static void CenterScale(ReadOnlySpan<double> x, double mean, double scale, Span<double> dest)
    {
        KernelArguments.DestinationFits(x.Length, dest.Length, nameof(dest));
        // TensorPrimitives has no (span + scalar) * scalar; two of its passes would read dest twice.
        ElementwiseLoops.Map(x, dest, new CenterScaleOperator(mean, scale));
    }

    /// <summary>dest_i = (float)((x_i - mean) * scale): computed in double, rounded once.</summary>
    public static void CenterScale(ReadOnlySpan<float> x, double mean, double scale, Span<float> dest)
    {
        KernelArguments.DestinationFits(x.Length, dest.Length, nameof(dest));
        ElementwiseLoops.Map(x, dest, new CenterScaleOperator(mean, scale));
    }

    /// <inheritdoc cref="CenterScale(ReadOnlySpan{float}, double, double, Span{float})"/>
    public static void CenterScale(ReadOnlySpan<double> x, double mean, double scale, Span<float> dest)
    {
        KernelArguments.DestinationFits(x.Length, dest.Length, nameof(dest));
        ElementwiseLoops.Map(x, dest, new CenterScaleOperator(mean, scale));
    }
}
