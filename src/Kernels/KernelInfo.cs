using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GrnFast.Kernels;

/// <summary>What the JIT lets the kernels use on this machine and under this process's DOTNET_Enable* settings.</summary>
public static class KernelInfo
{
    /// <summary>
    /// The widest instruction set the hand-vectorized kernels take: "AVX-512F", "AVX2+FMA", "SSE4.2",
    /// "Vector128" (another 128-bit ISA, e.g. Arm NEON) or "scalar". Under .NET 10 the switch that turns
    /// AVX-512 off is DOTNET_EnableAVX512=0 (DOTNET_EnableAVX512F is no longer read).
    /// </summary>
    public static string InstructionSet =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? "AVX-512F"
        : Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported ? "AVX2+FMA"
        : Vector128.IsHardwareAccelerated && Sse42.IsSupported ? "SSE4.2"
        : Vector128.IsHardwareAccelerated ? "Vector128"
        : "scalar";

    /// <summary>Doubles per vector in the widest path the kernels take (8, 4, or 1 for the scalar path).</summary>
    public static int DoubleLanes =>
        Vector512.IsHardwareAccelerated ? Vector512<double>.Count
        : Vector256.IsHardwareAccelerated ? Vector256<double>.Count
        : 1;
}
