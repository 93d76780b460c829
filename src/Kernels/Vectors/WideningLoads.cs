using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GrnFast.Kernels.Vectors;

/// <summary>
/// Loads and stores that let one loop body serve float and double spans: every kernel computes in double,
/// so float input is widened (exactly) on load and narrowed (round to nearest) on store. The typeof tests
/// are JIT-time constants, so each instantiation keeps only its own branch.
/// </summary>
internal static class WideningLoads
{
    /// <summary>Elements [i, i + 2 * Vector512&lt;double&gt;.Count) as two double vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load512<T>(ref T source, nuint i, out Vector512<double> lower, out Vector512<double> upper)
    {
        if (typeof(T) == typeof(float))
        {
            (lower, upper) = Vector512.Widen(Vector512.LoadUnsafe(ref Unsafe.As<T, float>(ref source), i));
        }
        else
        {
            ref double d = ref Unsafe.As<T, double>(ref source);
            lower = Vector512.LoadUnsafe(ref d, i);
            upper = Vector512.LoadUnsafe(ref d, i + (nuint)Vector512<double>.Count);
        }
    }

    /// <summary>Elements [i, i + 2 * Vector256&lt;double&gt;.Count) as two double vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load256<T>(ref T source, nuint i, out Vector256<double> lower, out Vector256<double> upper)
    {
        if (typeof(T) == typeof(float))
        {
            (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref Unsafe.As<T, float>(ref source), i));
        }
        else
        {
            ref double d = ref Unsafe.As<T, double>(ref source);
            lower = Vector256.LoadUnsafe(ref d, i);
            upper = Vector256.LoadUnsafe(ref d, i + (nuint)Vector256<double>.Count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store512<T>(Vector512<double> lower, Vector512<double> upper, ref T destination, nuint i)
    {
        if (typeof(T) == typeof(float))
        {
            Vector512.Narrow(lower, upper).StoreUnsafe(ref Unsafe.As<T, float>(ref destination), i);
        }
        else
        {
            ref double d = ref Unsafe.As<T, double>(ref destination);
            lower.StoreUnsafe(ref d, i);
            upper.StoreUnsafe(ref d, i + (nuint)Vector512<double>.Count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store256<T>(Vector256<double> lower, Vector256<double> upper, ref T destination, nuint i)
    {
        if (typeof(T) == typeof(float))
        {
            Vector256.Narrow(lower, upper).StoreUnsafe(ref Unsafe.As<T, float>(ref destination), i);
        }
        else
        {
            ref double d = ref Unsafe.As<T, double>(ref destination);
            lower.StoreUnsafe(ref d, i);
            upper.StoreUnsafe(ref d, i + (nuint)Vector256<double>.Count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToDouble<T>(T value) =>
        typeof(T) == typeof(float) ? Unsafe.As<T, float>(ref value) : Unsafe.As<T, double>(ref value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FromDouble<T>(double value)
    {
        if (typeof(T) == typeof(float))
        {
            float f = (float)value;
            return Unsafe.As<float, T>(ref f);
        }
        return Unsafe.As<double, T>(ref value);
    }
}
