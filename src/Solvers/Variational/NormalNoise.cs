using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GrnFast.Kernels.Variational;

namespace GrnFast.Solvers.Variational;

/// <summary>
/// Counter-based standard-normal draws: the value at (seed, step, index) is a pure function of the three, so a draw does
/// not depend on the thread count or on which other indices were drawn. Each index is hashed (SplitMix64) to 64 random
/// bits, which feed the ziggurat of Marsaglia and Tsang (2000) with 256 layers: the low 8 bits pick the layer, the high
/// 32 bits the signed abscissa; the draws outside a layer's rectangle (1.5 %; 2.8 % with 128 layers, where that slow
/// path took 60 % of the fill's time) chain further hashes for the wedge test (<see cref="Elementary.Exp(double)"/>)
/// and the tail test (the C library's log). Only scalar IEEE arithmetic, explicit fused multiply-adds and log are
/// used, so the bits are the same in every JIT tier and in the NativeAOT library.
/// </summary>
public static class NormalNoise
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL, IndexKey = 0xD1B54A32D192ED03UL;
    private const int Layers = 256;
    /// <summary>The start of the tail (the right edge of the base layer).</summary>
    private const double TailStart = 3.6541528853610088;
    private static readonly uint[] s_kn = new uint[Layers];
    private static readonly double[] s_wn = new double[Layers], s_fn = new double[Layers], s_knDouble = new double[Layers];

    static NormalNoise()
    {
        // The area of each layer for 256 layers (with the tail start above: Marsaglia and Tsang's construction).
        const double m1 = 2147483648.0, area = 4.92867323399e-3;
        double dn = TailStart, tn = dn;
        double q = area / Math.Exp(-0.5 * dn * dn);
        s_kn[0] = (uint)(dn / q * m1);
        s_kn[1] = 0;
        s_wn[0] = q / m1;
        s_wn[Layers - 1] = dn / m1;
        s_fn[0] = 1;
        s_fn[Layers - 1] = Math.Exp(-0.5 * dn * dn);
        for (int i = Layers - 2; i >= 1; i--)
        {
            dn = Math.Sqrt(-2 * Math.Log(area / dn + Math.Exp(-0.5 * dn * dn)));
            s_kn[i + 1] = (uint)(dn / tn * m1);
            tn = dn;
            s_fn[i] = Math.Exp(-0.5 * dn * dn);
            s_wn[i] = dn / m1;
        }
        for (int i = 0; i < Layers; i++) s_knDouble[i] = s_kn[i];
    }

    /// <summary>Fills <paramref name="destination"/> with the draws at indices start, start + 1, ...</summary>
    public static void Fill(ulong seed, long step, long start, Span<double> destination) => FillCore(seed, step, start, destination);

    /// <summary>The same draws rounded to float.</summary>
    public static void Fill(ulong seed, long step, long start, Span<float> destination) => FillCore(seed, step, start, destination);

    private static void FillCore<T>(ulong seed, long step, long start, Span<T> destination) where T : unmanaged
    {
        ulong stepKey = StepKey(seed, step);
        uint[] kn = s_kn;
        double[] wn = s_wn, knd = s_knDouble;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && Avx512DQ.VL.IsSupported)
        {
            // Four indices at a time: hash, layer and abscissa in vectors, the table rows by lane; the rare lanes outside
            // their rectangle are redone by the scalar slow path (same bits as DrawAt).
            ref T d = ref MemoryMarshal.GetReference(destination);
            var key = Vector256.Create(stepKey);
            var lane = Vector256.Create(0UL, 1UL, 2UL, 3UL);
            for (; i + 4 <= destination.Length; i += 4)
            {
                var h = Mix(key ^ ((Vector256.Create((ulong)(start + i)) + lane) * Vector256.Create(IndexKey)));
                var iz = (h & Vector256.Create((ulong)(Layers - 1))).AsInt64();
                int i0 = (int)iz.GetElement(0), i1 = (int)iz.GetElement(1), i2 = (int)iz.GetElement(2), i3 = (int)iz.GetElement(3);
                var hz = Vector256.ConvertToDouble(Vector256.ShiftRightArithmetic(h.AsInt64(), 32));
                var x = hz * Vector256.Create(wn[i0], wn[i1], wn[i2], wn[i3]);
                if (typeof(T) == typeof(float)) Avx.ConvertToVector128Single(x).StoreUnsafe(ref Unsafe.As<T, float>(ref d), (nuint)i);
                else x.StoreUnsafe(ref Unsafe.As<T, double>(ref d), (nuint)i);
                uint inside = Vector256.LessThan(Vector256.Abs(hz), Vector256.Create(knd[i0], knd[i1], knd[i2], knd[i3])).ExtractMostSignificantBits();
                if (inside == 0b1111) continue;
                for (int j = 0; j < 4; j++)
                    if ((inside & (1u << j)) == 0)
                    {
                        ulong hj = h.GetElement(j);
                        destination[i + j] = Narrow<T>(OutsideRectangle(hj, (int)(hj >> 32), (int)(hj & (Layers - 1))));
                    }
            }
        }
        for (; i < destination.Length; i++)
        {
            ulong h = Mix(stepKey ^ (ulong)(start + i) * IndexKey);
            int hz = (int)(h >> 32), iz = (int)(h & (Layers - 1));
            destination[i] = Narrow<T>(Math.Abs((long)hz) < kn[iz] ? hz * wn[iz] : OutsideRectangle(h, hz, iz));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Narrow<T>(double x) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            float f = (float)x;
            return Unsafe.As<float, T>(ref f);
        }
        return Unsafe.As<double, T>(ref x);
    }

    /// <summary>The draw at one index.</summary>
    public static double Draw(ulong seed, long step, long index) => DrawAt(StepKey(seed, step), index);

    /// <summary>Fills in parallel, in fixed chunks: the same bits as one <see cref="Fill(ulong, long, long, Span{double})"/> over the whole span.</summary>
    public static void FillParallel(ulong seed, long step, double[] destination, int threads) =>
        FillParallel(destination.Length, threads, (from, length) => Fill(seed, step, from, destination.AsSpan(from, length)));

    /// <summary>Fills in parallel, in fixed chunks: the same bits as one <see cref="Fill(ulong, long, long, Span{float})"/> over the whole span.</summary>
    public static void FillParallel(ulong seed, long step, float[] destination, int threads) =>
        FillParallel(destination.Length, threads, (from, length) => Fill(seed, step, from, destination.AsSpan(from, length)));

    private static void FillParallel(int length, int threads, Action<int, int> fill)
    {
        const int chunk = 1 << 16;
        int chunks = (length + chunk - 1) / chunk;
        if (chunks <= 1 || threads <= 1) { fill(0, length); return; }
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
        {
            int from = c * chunk;
            fill(from, Math.Min(chunk, length - from));
        });
    }

    private static double DrawAt(ulong stepKey, long index)
    {
        ulong h = Mix(stepKey ^ (ulong)index * IndexKey);
        int hz = (int)(h >> 32), iz = (int)(h & (Layers - 1));
        if (Math.Abs((long)hz) < s_kn[iz]) return hz * s_wn[iz];
        return OutsideRectangle(h, hz, iz);
    }

    /// <summary>The ziggurat's slow path: the tail beyond <see cref="TailStart"/> for the base layer, else the wedge test, else a new layer.</summary>
    private static double OutsideRectangle(ulong h, int hz, int iz)
    {
        for (;;)
        {
            double x = hz * s_wn[iz];
            if (iz == 0)
            {
                double tail, y;
                do
                {
                    tail = -Math.Log(Uniform(ref h)) / TailStart;
                    y = -Math.Log(Uniform(ref h));
                } while (y + y < tail * tail);
                return hz > 0 ? TailStart + tail : -TailStart - tail;
            }
            if (s_fn[iz] + Uniform(ref h) * (s_fn[iz - 1] - s_fn[iz]) < Elementary.Exp(-0.5 * x * x)) return x;
            h = Mix(h + Golden);
            hz = (int)(h >> 32);
            iz = (int)(h & (Layers - 1));
            if (Math.Abs((long)hz) < s_kn[iz]) return hz * s_wn[iz];
        }
    }

    /// <summary>The next hash in the chain as a uniform in (0, 1].</summary>
    private static double Uniform(ref ulong h)
    {
        h = Mix(h + Golden);
        return ((h >> 11) + 1) * (1.0 / 9007199254740992.0);
    }

    private static ulong StepKey(ulong seed, long step) => Mix(seed ^ Mix((ulong)step * Golden + 0x632BE59BD9B4E019UL));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Mix(Vector256<ulong> z)
    {
        z += Vector256.Create(Golden);
        z = (z ^ Vector256.ShiftRightLogical(z, 30)) * Vector256.Create(0xBF58476D1CE4E5B9UL);
        z = (z ^ Vector256.ShiftRightLogical(z, 27)) * Vector256.Create(0x94D049BB133111EBUL);
        return z ^ Vector256.ShiftRightLogical(z, 31);
    }

    private static ulong Mix(ulong z)
    {
        z += Golden;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
