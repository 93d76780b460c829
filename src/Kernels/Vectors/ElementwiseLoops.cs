using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GrnFast.Kernels.Vectors.Operators;

namespace GrnFast.Kernels.Vectors;

/// <summary>
/// The element-wise loop shapes (map, zip, row accumulate), each written once for float and double spans.
/// Bodies compute in double; each element's result is the operator's scalar Invoke bit for bit, so the
/// vector path, the scalar tail and the scalar twins agree exactly. Callers have checked the lengths.
/// </summary>
internal static class ElementwiseLoops
{
    /// <summary>d_i = op(x_i).</summary>
    public static void Map<TIn, TOut, TOp>(ReadOnlySpan<TIn> x, Span<TOut> destination, TOp op)
        where TIn : unmanaged
        where TOut : unmanaged
        where TOp : struct, IMapOperator
    {
        nuint n = (nuint)x.Length;
        ref TIn xs = ref MemoryMarshal.GetReference(x);
        ref TOut ds = ref MemoryMarshal.GetReference(destination);
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            nuint step = (nuint)(2 * Vector512<double>.Count);
            for (; i + step <= n; i += step)
            {
                WideningLoads.Load512(ref xs, i, out var lower, out var upper);
                WideningLoads.Store512(op.Invoke(lower), op.Invoke(upper), ref ds, i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            nuint step = (nuint)(2 * Vector256<double>.Count);
            for (; i + step <= n; i += step)
            {
                WideningLoads.Load256(ref xs, i, out var lower, out var upper);
                WideningLoads.Store256(op.Invoke(lower), op.Invoke(upper), ref ds, i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref ds, i) = WideningLoads.FromDouble<TOut>(op.Invoke(WideningLoads.ToDouble(Unsafe.Add(ref xs, i))));
        }
    }

    /// <summary>d_i = op(x_i, y_i) over doubles.</summary>
    public static void Zip<TOp>(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> destination, TOp op)
        where TOp : struct, IZipOperator
    {
        nuint n = (nuint)x.Length;
        ref double xs = ref MemoryMarshal.GetReference(x);
        ref double ys = ref MemoryMarshal.GetReference(y);
        ref double ds = ref MemoryMarshal.GetReference(destination);
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            nuint step = (nuint)Vector512<double>.Count;
            for (; i + step <= n; i += step)
            {
                op.Invoke(Vector512.LoadUnsafe(ref xs, i), Vector512.LoadUnsafe(ref ys, i)).StoreUnsafe(ref ds, i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            nuint step = (nuint)Vector256<double>.Count;
            for (; i + step <= n; i += step)
            {
                op.Invoke(Vector256.LoadUnsafe(ref xs, i), Vector256.LoadUnsafe(ref ys, i)).StoreUnsafe(ref ds, i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref ds, i) = op.Invoke(Unsafe.Add(ref xs, i), Unsafe.Add(ref ys, i));
        }
    }

    /// <summary>acc_c = op(acc_c, x_c, m_c) for one row x of a row-major matrix; m may be empty when op ignores it.</summary>
    public static void AccumulateRow<TIn, TOp>(ReadOnlySpan<TIn> x, ReadOnlySpan<double> m, Span<double> accumulator, TOp op)
        where TIn : unmanaged
        where TOp : struct, IAccumulateOperator
    {
        nuint n = (nuint)x.Length;
        bool hasM = !m.IsEmpty;
        ref TIn xs = ref MemoryMarshal.GetReference(x);
        // With no m, point m at the accumulator: op ignores it, and the loads stay in bounds.
        ref double ms = ref hasM ? ref MemoryMarshal.GetReference(m) : ref MemoryMarshal.GetReference(accumulator);
        ref double acc = ref MemoryMarshal.GetReference(accumulator);
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            nuint w = (nuint)Vector512<double>.Count;
            for (; i + 2 * w <= n; i += 2 * w)
            {
                // acc_c = op(acc_c, x_c, m_c)
                WideningLoads.Load512(ref xs, i, out var lower, out var upper);
                op.Invoke(Vector512.LoadUnsafe(ref acc, i), lower, Vector512.LoadUnsafe(ref ms, i)).StoreUnsafe(ref acc, i);
                op.Invoke(Vector512.LoadUnsafe(ref acc, i + w), upper, Vector512.LoadUnsafe(ref ms, i + w)).StoreUnsafe(ref acc, i + w);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            nuint w = (nuint)Vector256<double>.Count;
            for (; i + 2 * w <= n; i += 2 * w)
            {
                // acc_c = op(acc_c, x_c, m_c)
                WideningLoads.Load256(ref xs, i, out var lower, out var upper);
                op.Invoke(Vector256.LoadUnsafe(ref acc, i), lower, Vector256.LoadUnsafe(ref ms, i)).StoreUnsafe(ref acc, i);
                op.Invoke(Vector256.LoadUnsafe(ref acc, i + w), upper, Vector256.LoadUnsafe(ref ms, i + w)).StoreUnsafe(ref acc, i + w);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref acc, i) = op.Invoke(Unsafe.Add(ref acc, i), WideningLoads.ToDouble(Unsafe.Add(ref xs, i)), Unsafe.Add(ref ms, i));
        }
    }
}
