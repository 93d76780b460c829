using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GrnFast.Kernels.Variational;

/// <summary>
/// exp and the logistic function built only from IEEE add, subtract, multiply, divide, explicit fused multiply-adds,
/// compares and integer bit operations, for a vector of four and for one element with the same operations in the same
/// order. Unlike <see cref="Vector256.Exp(Vector256{double})"/> (which may fuse multiply-adds in optimised code and not
/// in unoptimised code) every fused multiply-add here is written out (<see cref="Vector256.FusedMultiplyAdd(Vector256{double}, Vector256{double}, Vector256{double})"/>,
/// <see cref="Math.FusedMultiplyAdd"/>: one rounding, in the instruction and in its software fallback alike), so the
/// result is the same bits in every JIT tier, in the NativeAOT library and with or without AVX or FMA, and a seeded fit
/// repeats exactly everywhere.
/// <para>Method: t = x / ln 2 + 1.5 * 2^52 (one fused rounding) rounds k = t - 1.5 * 2^52 to an integer whose bits are
/// t's low bits; r = x - k ln2_hi - k ln2_lo (Cody-Waite, |r| &lt;= 0.35); e^r by its Taylor polynomial to degree 13
/// (truncation below 1e-17, Estrin's scheme in fused multiply-adds), times 2^k built in the exponent field. Within 2 ulp of <see cref="Math.Exp"/> where the result is a normal
/// number; results below 2^-1022 (x &lt; -708.39) are flushed to 0 and above 2^1023 (x &gt; 709.09) to +inf; exp(NaN) = NaN.</para>
/// </summary>
public static class Elementary
{
    private const double InvLn2 = 1.4426950408889634074, Ln2Hi = 6.93147180369123816490e-01, Ln2Lo = 1.90821492927058770002e-10;
    private const double Round = 6755399441055744.0; // 1.5 * 2^52
    private const long RoundBits = 0x4338000000000000L;
    private const double Highest = 709.0895657128241, Lowest = -708.3964185322641; // 1023 ln 2, -1022 ln 2

    // 1/j! for j = 13 .. 2.
    private const double C13 = 1.0 / 6227020800.0, C12 = 1.0 / 479001600.0, C11 = 1.0 / 39916800.0, C10 = 1.0 / 3628800.0;
    private const double C9 = 1.0 / 362880.0, C8 = 1.0 / 40320.0, C7 = 1.0 / 5040.0, C6 = 1.0 / 720.0, C5 = 1.0 / 120.0;
    private const double C4 = 1.0 / 24.0, C3 = 1.0 / 6.0, C2 = 0.5;

    public static double Exp(double x)
    {
        double xc = Math.Min(Math.Max(x, Lowest), Highest);
        double t = Math.FusedMultiplyAdd(xc, InvLn2, Round);
        double k = t - Round;
        double r = Math.FusedMultiplyAdd(-k, Ln2Lo, Math.FusedMultiplyAdd(-k, Ln2Hi, xc));
        // Estrin's scheme: a dependency chain of about 6 operations instead of Horner's 13.
        double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
        double q0 = Math.FusedMultiplyAdd(r2, Math.FusedMultiplyAdd(C3, r, C2), 1 + r);
        double q1 = Math.FusedMultiplyAdd(r2, Math.FusedMultiplyAdd(C7, r, C6), Math.FusedMultiplyAdd(C5, r, C4));
        double q2 = Math.FusedMultiplyAdd(r2, Math.FusedMultiplyAdd(C11, r, C10), Math.FusedMultiplyAdd(C9, r, C8));
        double q3 = Math.FusedMultiplyAdd(C13, r, C12);
        double p = Math.FusedMultiplyAdd(r8, Math.FusedMultiplyAdd(r4, q3, q2), Math.FusedMultiplyAdd(r4, q1, q0));
        long ki = BitConverter.DoubleToInt64Bits(t) - RoundBits;
        double result = p * BitConverter.Int64BitsToDouble((ki + 1023) << 52);
        if (x > Highest) result = double.PositiveInfinity;
        if (x < Lowest) result = 0;
        return double.IsNaN(x) ? x : result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Exp(Vector256<double> x)
    {
        // MinNative/MaxNative are the bare instructions: they differ from Min/Max only on NaN, and NaN input returns x below.
        var xc = Vector256.MinNative(Vector256.MaxNative(x, Vector256.Create(Lowest)), Vector256.Create(Highest));
        var t = Vector256.FusedMultiplyAdd(xc, Vector256.Create(InvLn2), Vector256.Create(Round));
        var k = t - Vector256.Create(Round);
        var r = Vector256.FusedMultiplyAdd(-k, Vector256.Create(Ln2Lo), Vector256.FusedMultiplyAdd(-k, Vector256.Create(Ln2Hi), xc));
        var r2 = r * r;
        var r4 = r2 * r2;
        var r8 = r4 * r4;
        var q0 = Vector256.FusedMultiplyAdd(r2, Vector256.FusedMultiplyAdd(Vector256.Create(C3), r, Vector256.Create(C2)), Vector256<double>.One + r);
        var q1 = Vector256.FusedMultiplyAdd(r2, Vector256.FusedMultiplyAdd(Vector256.Create(C7), r, Vector256.Create(C6)),
            Vector256.FusedMultiplyAdd(Vector256.Create(C5), r, Vector256.Create(C4)));
        var q2 = Vector256.FusedMultiplyAdd(r2, Vector256.FusedMultiplyAdd(Vector256.Create(C11), r, Vector256.Create(C10)),
            Vector256.FusedMultiplyAdd(Vector256.Create(C9), r, Vector256.Create(C8)));
        var q3 = Vector256.FusedMultiplyAdd(Vector256.Create(C13), r, Vector256.Create(C12));
        var p = Vector256.FusedMultiplyAdd(r8, Vector256.FusedMultiplyAdd(r4, q3, q2), Vector256.FusedMultiplyAdd(r4, q1, q0));
        var ki = t.AsInt64() - Vector256.Create(RoundBits);
        var result = p * Vector256.ShiftLeft(ki + Vector256.Create(1023L), 52).AsDouble();
        result = Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(Highest)), Vector256.Create(double.PositiveInfinity), result);
        result = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(Lowest)), Vector256<double>.Zero, result);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), result, x);
    }

    // Single precision: the same method with float constants, k in float's exponent field and the Taylor polynomial to
    // degree 7 (truncation below 5e-9 relative on |r| <= 0.35, under float's half ulp).
    private const float InvLn2F = 1.44269504f, Ln2HiF = 0.693359375f, Ln2LoF = -2.12194440e-4f;
    private const float RoundF = 12582912f; // 1.5 * 2^23
    private const int RoundBitsF = 0x4B400000;
    private const float HighestF = 88.0296919f, LowestF = -87.3365448f; // 127 ln 2, -126 ln 2
    private const float F7 = 1f / 5040f, F6 = 1f / 720f, F5 = 1f / 120f, F4 = 1f / 24f, F3 = 1f / 6f, F2 = 0.5f;

    /// <summary>
    /// exp in float arithmetic: within 2 ulp (float) of the exact value where the result is a normal float; flushed to
    /// 0 below 2^-126 (x &lt; -87.34) and to +inf above 2^127 (x &gt; 88.03); exp(NaN) = NaN.
    /// </summary>
    public static float Exp(float x)
    {
        float xc = MathF.Min(MathF.Max(x, LowestF), HighestF);
        float t = MathF.FusedMultiplyAdd(xc, InvLn2F, RoundF);
        float k = t - RoundF;
        float r = MathF.FusedMultiplyAdd(-k, Ln2LoF, MathF.FusedMultiplyAdd(-k, Ln2HiF, xc));
        float r2 = r * r, r4 = r2 * r2;
        float q0 = MathF.FusedMultiplyAdd(r2, MathF.FusedMultiplyAdd(F3, r, F2), 1 + r);
        float q1 = MathF.FusedMultiplyAdd(r2, MathF.FusedMultiplyAdd(F7, r, F6), MathF.FusedMultiplyAdd(F5, r, F4));
        float p = MathF.FusedMultiplyAdd(r4, q1, q0);
        int ki = BitConverter.SingleToInt32Bits(t) - RoundBitsF;
        float result = p * BitConverter.Int32BitsToSingle((ki + 127) << 23);
        if (x > HighestF) result = float.PositiveInfinity;
        if (x < LowestF) result = 0;
        return float.IsNaN(x) ? x : result;
    }

    /// <inheritdoc cref="Exp(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var xc = Vector256.MinNative(Vector256.MaxNative(x, Vector256.Create(LowestF)), Vector256.Create(HighestF));
        var t = Vector256.FusedMultiplyAdd(xc, Vector256.Create(InvLn2F), Vector256.Create(RoundF));
        var k = t - Vector256.Create(RoundF);
        var r = Vector256.FusedMultiplyAdd(-k, Vector256.Create(Ln2LoF), Vector256.FusedMultiplyAdd(-k, Vector256.Create(Ln2HiF), xc));
        var r2 = r * r;
        var r4 = r2 * r2;
        var q0 = Vector256.FusedMultiplyAdd(r2, Vector256.FusedMultiplyAdd(Vector256.Create(F3), r, Vector256.Create(F2)), Vector256<float>.One + r);
        var q1 = Vector256.FusedMultiplyAdd(r2, Vector256.FusedMultiplyAdd(Vector256.Create(F7), r, Vector256.Create(F6)),
            Vector256.FusedMultiplyAdd(Vector256.Create(F5), r, Vector256.Create(F4)));
        var p = Vector256.FusedMultiplyAdd(r4, q1, q0);
        var ki = t.AsInt32() - Vector256.Create(RoundBitsF);
        var result = p * Vector256.ShiftLeft(ki + Vector256.Create(127), 23).AsSingle();
        result = Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(HighestF)), Vector256.Create(float.PositiveInfinity), result);
        result = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(LowestF)), Vector256<float>.Zero, result);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), result, x);
    }

    /// <summary>1 / (1 + exp(-x)) in float arithmetic.</summary>
    public static float Sigmoid(float x) => 1 / (1 + Exp(-x));

    /// <inheritdoc cref="Sigmoid(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Exp(-x));

    /// <summary>1 / (1 + exp(-x)): 0 below about -709, 1 above about 37.</summary>
    public static double Sigmoid(double x) => 1 / (1 + Exp(-x));

    /// <inheritdoc cref="Sigmoid(double)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Sigmoid(Vector256<double> x) => Vector256<double>.One / (Vector256<double>.One + Exp(-x));
}
