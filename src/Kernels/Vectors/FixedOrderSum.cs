using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GrnFast.Kernels.Vectors.Operators;

namespace GrnFast.Kernels.Vectors;

/// <summary>
/// The reduce loop shape: sum_i t(x_i, y_i) in double with one fixed order on every instruction set.
/// Term i is added into lane i mod 32 (lanes start at +0 and are summed left to right within each lane);
/// the 32 lanes are then folded by halving: lane j += lane j + 16, then + 8, + 4, + 2, + 1. The Vector512
/// path keeps the 32 lanes in 4 registers, the Vector256 path in 8, the scalar path in memory; all three
/// give the same bits because each term is a plain multiply/add (no FMA) and the fold is done in scalar.
/// </summary>
internal static class FixedOrderSum
{
    /// <summary>Lanes of the fixed order; a multiple of every vector width we take.</summary>
    public const int Lanes = 32;

    public static double Sum<T, TTerm>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, TTerm term)
        where T : unmanaged
        where TTerm : struct, ISumTerm
    {
        nuint n = (nuint)x.Length;
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ys = ref MemoryMarshal.GetReference(y);
        Span<double> lanes = stackalloc double[Lanes];
        ref double lane = ref MemoryMarshal.GetReference(lanes);
        nuint i = 0;

        if (Vector512.IsHardwareAccelerated && n >= Lanes)
        {
            Vector512<double> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i + Lanes <= n; i += Lanes)
            {
                // lane (i + j) mod 32 += t(x_{i+j}, y_{i+j})
                WideningLoads.Load512(ref xs, i, out var x0, out var x1);
                WideningLoads.Load512(ref ys, i, out var y0, out var y1);
                WideningLoads.Load512(ref xs, i + 16, out var x2, out var x3);
                WideningLoads.Load512(ref ys, i + 16, out var y2, out var y3);
                a0 += term.Invoke(x0, y0);
                a1 += term.Invoke(x1, y1);
                a2 += term.Invoke(x2, y2);
                a3 += term.Invoke(x3, y3);
            }
            a0.StoreUnsafe(ref lane, 0);
            a1.StoreUnsafe(ref lane, 8);
            a2.StoreUnsafe(ref lane, 16);
            a3.StoreUnsafe(ref lane, 24);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Lanes)
        {
            Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector256<double> a4 = default, a5 = default, a6 = default, a7 = default;
            for (; i + Lanes <= n; i += Lanes)
            {
                // lane (i + j) mod 32 += t(x_{i+j}, y_{i+j})
                WideningLoads.Load256(ref xs, i, out var x0, out var x1);
                WideningLoads.Load256(ref ys, i, out var y0, out var y1);
                WideningLoads.Load256(ref xs, i + 8, out var x2, out var x3);
                WideningLoads.Load256(ref ys, i + 8, out var y2, out var y3);
                a0 += term.Invoke(x0, y0);
                a1 += term.Invoke(x1, y1);
                a2 += term.Invoke(x2, y2);
                a3 += term.Invoke(x3, y3);
                WideningLoads.Load256(ref xs, i + 16, out x0, out x1);
                WideningLoads.Load256(ref ys, i + 16, out y0, out y1);
                WideningLoads.Load256(ref xs, i + 24, out x2, out x3);
                WideningLoads.Load256(ref ys, i + 24, out y2, out y3);
                a4 += term.Invoke(x0, y0);
                a5 += term.Invoke(x1, y1);
                a6 += term.Invoke(x2, y2);
                a7 += term.Invoke(x3, y3);
            }
            a0.StoreUnsafe(ref lane, 0);
            a1.StoreUnsafe(ref lane, 4);
            a2.StoreUnsafe(ref lane, 8);
            a3.StoreUnsafe(ref lane, 12);
            a4.StoreUnsafe(ref lane, 16);
            a5.StoreUnsafe(ref lane, 20);
            a6.StoreUnsafe(ref lane, 24);
            a7.StoreUnsafe(ref lane, 28);
        }
        else
        {
            lanes.Clear();
        }

        // The tail (and the whole input on the scalar path) goes into the same lanes as the vector body would.
        for (nuint j = 0; i < n; i++, j = (j + 1) % Lanes)
        {
            Unsafe.Add(ref lane, j) += term.Invoke(WideningLoads.ToDouble(Unsafe.Add(ref xs, i)), WideningLoads.ToDouble(Unsafe.Add(ref ys, i)));
        }
        return Fold(lanes);
    }

    /// <summary>lane j += lane j + h for h = 16, 8, 4, 2, 1; returns lane 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Fold(Span<double> lanes)
    {
        for (int half = Lanes / 2; half >= 1; half /= 2)
        {
            for (int j = 0; j < half; j++) lanes[j] += lanes[j + half];
        }
        return lanes[0];
    }
}
