using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GrnFast.Kernels.Blas;

/// <summary>How a micro-kernel writes its MR x NR tile into C.</summary>
internal enum TileUpdate
{
    /// <summary>c = alpha * t (first k block, beta == 0: C is never read).</summary>
    Overwrite,
    /// <summary>c = alpha * t + beta * c (first k block).</summary>
    Scale,
    /// <summary>c = c + alpha * t (later k blocks).</summary>
    Accumulate,
}

/// <summary>
/// A register-tile GEMM kernel: t[i, j] = sum_p a[p * MR + i] * b[p * NR + j] over packed panels, then the
/// update into column-major C. The tile update uses plain multiply and add, so a full tile and an edge tile
/// (computed with alpha = 1 into a buffer and updated in scalar) give the same bits.
/// </summary>
internal interface IGemmMicroKernel<T> where T : unmanaged, INumber<T>
{
    static abstract int MR { get; }
    static abstract int NR { get; }
    static abstract void Run(int kc, ref T a, ref T b, ref T c, nuint ldc, T alpha, T beta, TileUpdate update);
}

/// <summary>Vector512 kernel: MR = 2 vectors, NR = 8 columns, 16 accumulators (AVX-512 has 32 registers).</summary>
internal readonly struct Gemm512Kernel<T> : IGemmMicroKernel<T> where T : unmanaged, INumber<T>
{
    private static int W => Vector512<T>.Count;
    public static int MR => 2 * Vector512<T>.Count;
    public static int NR => 8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, ref T a, ref T b, ref T c, nuint ldc, T alpha, T beta, TileUpdate update)
    {
        Vector512<T> c00 = default, c10 = default, c01 = default, c11 = default, c02 = default, c12 = default, c03 = default, c13 = default;
        Vector512<T> c04 = default, c14 = default, c05 = default, c15 = default, c06 = default, c16 = default, c07 = default, c17 = default;
        nuint w = (nuint)W, mr = (nuint)MR;
        for (int p = 0; p < kc; p++)
        {
            // t[i, j] += a[p, i] * b[p, j]
            var a0 = Vector512.LoadUnsafe(ref a);
            var a1 = Vector512.LoadUnsafe(ref a, w);
            var bj = Vector512.Create(b);
            c00 = Fma(a0, bj, c00); c10 = Fma(a1, bj, c10);
            bj = Vector512.Create(Unsafe.Add(ref b, 1));
            c01 = Fma(a0, bj, c01); c11 = Fma(a1, bj, c11);
            bj = Vector512.Create(Unsafe.Add(ref b, 2));
            c02 = Fma(a0, bj, c02); c12 = Fma(a1, bj, c12);
            bj = Vector512.Create(Unsafe.Add(ref b, 3));
            c03 = Fma(a0, bj, c03); c13 = Fma(a1, bj, c13);
            bj = Vector512.Create(Unsafe.Add(ref b, 4));
            c04 = Fma(a0, bj, c04); c14 = Fma(a1, bj, c14);
            bj = Vector512.Create(Unsafe.Add(ref b, 5));
            c05 = Fma(a0, bj, c05); c15 = Fma(a1, bj, c15);
            bj = Vector512.Create(Unsafe.Add(ref b, 6));
            c06 = Fma(a0, bj, c06); c16 = Fma(a1, bj, c16);
            bj = Vector512.Create(Unsafe.Add(ref b, 7));
            c07 = Fma(a0, bj, c07); c17 = Fma(a1, bj, c17);
            a = ref Unsafe.Add(ref a, mr);
            b = ref Unsafe.Add(ref b, 8);
        }
        var al = Vector512.Create(alpha);
        var be = Vector512.Create(beta);
        Store(ref c, 0, c00, c10, al, be, update, w);
        Store(ref c, ldc, c01, c11, al, be, update, w);
        Store(ref c, 2 * ldc, c02, c12, al, be, update, w);
        Store(ref c, 3 * ldc, c03, c13, al, be, update, w);
        Store(ref c, 4 * ldc, c04, c14, al, be, update, w);
        Store(ref c, 5 * ldc, c05, c15, al, be, update, w);
        Store(ref c, 6 * ldc, c06, c16, al, be, update, w);
        Store(ref c, 7 * ldc, c07, c17, al, be, update, w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref T c, nuint offset, Vector512<T> t0, Vector512<T> t1, Vector512<T> alpha, Vector512<T> beta, TileUpdate update, nuint w)
    {
        switch (update)
        {
            case TileUpdate.Overwrite:
                (alpha * t0).StoreUnsafe(ref c, offset);
                (alpha * t1).StoreUnsafe(ref c, offset + w);
                break;
            case TileUpdate.Scale:
                (alpha * t0 + beta * Vector512.LoadUnsafe(ref c, offset)).StoreUnsafe(ref c, offset);
                (alpha * t1 + beta * Vector512.LoadUnsafe(ref c, offset + w)).StoreUnsafe(ref c, offset + w);
                break;
            default:
                (Vector512.LoadUnsafe(ref c, offset) + alpha * t0).StoreUnsafe(ref c, offset);
                (Vector512.LoadUnsafe(ref c, offset + w) + alpha * t1).StoreUnsafe(ref c, offset + w);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma(Vector512<T> x, Vector512<T> y, Vector512<T> acc)
    {
        if (typeof(T) == typeof(double)) return Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
        if (typeof(T) == typeof(float)) return Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>();
        return x * y + acc;
    }
}

/// <summary>Vector256 kernel: MR = 2 vectors, NR = 6 columns, 12 accumulators (AVX2 has 16 registers).</summary>
internal readonly struct Gemm256Kernel<T> : IGemmMicroKernel<T> where T : unmanaged, INumber<T>
{
    private static int W => Vector256<T>.Count;
    public static int MR => 2 * Vector256<T>.Count;
    public static int NR => 6;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, ref T a, ref T b, ref T c, nuint ldc, T alpha, T beta, TileUpdate update)
    {
        Vector256<T> c00 = default, c10 = default, c01 = default, c11 = default, c02 = default, c12 = default;
        Vector256<T> c03 = default, c13 = default, c04 = default, c14 = default, c05 = default, c15 = default;
        nuint w = (nuint)W, mr = (nuint)MR;
        for (int p = 0; p < kc; p++)
        {
            // t[i, j] += a[p, i] * b[p, j]
            var a0 = Vector256.LoadUnsafe(ref a);
            var a1 = Vector256.LoadUnsafe(ref a, w);
            var bj = Vector256.Create(b);
            c00 = Fma(a0, bj, c00); c10 = Fma(a1, bj, c10);
            bj = Vector256.Create(Unsafe.Add(ref b, 1));
            c01 = Fma(a0, bj, c01); c11 = Fma(a1, bj, c11);
            bj = Vector256.Create(Unsafe.Add(ref b, 2));
            c02 = Fma(a0, bj, c02); c12 = Fma(a1, bj, c12);
            bj = Vector256.Create(Unsafe.Add(ref b, 3));
            c03 = Fma(a0, bj, c03); c13 = Fma(a1, bj, c13);
            bj = Vector256.Create(Unsafe.Add(ref b, 4));
            c04 = Fma(a0, bj, c04); c14 = Fma(a1, bj, c14);
            bj = Vector256.Create(Unsafe.Add(ref b, 5));
            c05 = Fma(a0, bj, c05); c15 = Fma(a1, bj, c15);
            a = ref Unsafe.Add(ref a, mr);
            b = ref Unsafe.Add(ref b, 6);
        }
        var al = Vector256.Create(alpha);
        var be = Vector256.Create(beta);
        Store(ref c, 0, c00, c10, al, be, update, w);
        Store(ref c, ldc, c01, c11, al, be, update, w);
        Store(ref c, 2 * ldc, c02, c12, al, be, update, w);
        Store(ref c, 3 * ldc, c03, c13, al, be, update, w);
        Store(ref c, 4 * ldc, c04, c14, al, be, update, w);
        Store(ref c, 5 * ldc, c05, c15, al, be, update, w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref T c, nuint offset, Vector256<T> t0, Vector256<T> t1, Vector256<T> alpha, Vector256<T> beta, TileUpdate update, nuint w)
    {
        switch (update)
        {
            case TileUpdate.Overwrite:
                (alpha * t0).StoreUnsafe(ref c, offset);
                (alpha * t1).StoreUnsafe(ref c, offset + w);
                break;
            case TileUpdate.Scale:
                (alpha * t0 + beta * Vector256.LoadUnsafe(ref c, offset)).StoreUnsafe(ref c, offset);
                (alpha * t1 + beta * Vector256.LoadUnsafe(ref c, offset + w)).StoreUnsafe(ref c, offset + w);
                break;
            default:
                (Vector256.LoadUnsafe(ref c, offset) + alpha * t0).StoreUnsafe(ref c, offset);
                (Vector256.LoadUnsafe(ref c, offset + w) + alpha * t1).StoreUnsafe(ref c, offset + w);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma(Vector256<T> x, Vector256<T> y, Vector256<T> acc)
    {
        // Without FMA hardware Vector256.FusedMultiplyAdd is emulated in software; multiply-add is the honest fallback.
        if (!System.Runtime.Intrinsics.X86.Fma.IsSupported) return x * y + acc;
        if (typeof(T) == typeof(double)) return Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
        if (typeof(T) == typeof(float)) return Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>();
        return x * y + acc;
    }
}

/// <summary>Scalar kernel for machines (or DOTNET_EnableHWIntrinsic=0 runs) without 256-bit vectors: 4 x 4 tile, multiply then add.</summary>
internal readonly struct GemmScalarKernel<T> : IGemmMicroKernel<T> where T : unmanaged, INumber<T>
{
    public static int MR => 4;
    public static int NR => 4;

    public static void Run(int kc, ref T a, ref T b, ref T c, nuint ldc, T alpha, T beta, TileUpdate update)
    {
        T c00 = T.Zero, c10 = T.Zero, c20 = T.Zero, c30 = T.Zero, c01 = T.Zero, c11 = T.Zero, c21 = T.Zero, c31 = T.Zero;
        T c02 = T.Zero, c12 = T.Zero, c22 = T.Zero, c32 = T.Zero, c03 = T.Zero, c13 = T.Zero, c23 = T.Zero, c33 = T.Zero;
        for (int p = 0; p < kc; p++)
        {
            // t[i, j] += a[p, i] * b[p, j]
            T a0 = a, a1 = Unsafe.Add(ref a, 1), a2 = Unsafe.Add(ref a, 2), a3 = Unsafe.Add(ref a, 3);
            T b0 = b, b1 = Unsafe.Add(ref b, 1), b2 = Unsafe.Add(ref b, 2), b3 = Unsafe.Add(ref b, 3);
            c00 += a0 * b0; c10 += a1 * b0; c20 += a2 * b0; c30 += a3 * b0;
            c01 += a0 * b1; c11 += a1 * b1; c21 += a2 * b1; c31 += a3 * b1;
            c02 += a0 * b2; c12 += a1 * b2; c22 += a2 * b2; c32 += a3 * b2;
            c03 += a0 * b3; c13 += a1 * b3; c23 += a2 * b3; c33 += a3 * b3;
            a = ref Unsafe.Add(ref a, 4);
            b = ref Unsafe.Add(ref b, 4);
        }
        Column(ref c, 0, c00, c10, c20, c30, alpha, beta, update);
        Column(ref c, ldc, c01, c11, c21, c31, alpha, beta, update);
        Column(ref c, 2 * ldc, c02, c12, c22, c32, alpha, beta, update);
        Column(ref c, 3 * ldc, c03, c13, c23, c33, alpha, beta, update);
    }

    private static void Column(ref T c, nuint offset, T t0, T t1, T t2, T t3, T alpha, T beta, TileUpdate update)
    {
        ref T col = ref Unsafe.Add(ref c, offset);
        Update(ref col, t0, alpha, beta, update);
        Update(ref Unsafe.Add(ref col, 1), t1, alpha, beta, update);
        Update(ref Unsafe.Add(ref col, 2), t2, alpha, beta, update);
        Update(ref Unsafe.Add(ref col, 3), t3, alpha, beta, update);
    }

    /// <summary>The scalar tile update every path agrees with.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Update(ref T c, T t, T alpha, T beta, TileUpdate update) =>
        c = update switch
        {
            TileUpdate.Overwrite => alpha * t,
            TileUpdate.Scale => alpha * t + beta * c,
            _ => c + alpha * t,
        };
}
