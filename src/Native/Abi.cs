using System.Runtime.InteropServices;

namespace GrnFast.Native;

// The structs of include/grnfast.h, field for field (sequential layout = C's natural alignment on x86-64/arm64).

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ContextOptions
{
    public uint Size;
    public int Threads;
    public int Blas;
    public int HasSeed;
    public int Seed;
    public int Reserved;
    public delegate* unmanaged<void*, int, byte*, void> Log;
    public void* LogUser;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Request
{
    public uint Size;
    public int RegulatorCount;
    public int* Regulators;
    public int TargetCount;
    public int OptionCount;
    public int* Targets;
    public long PriorCount;
    public int* PriorRegulators;
    public int* PriorTargets;
    public double* PriorWeights;
    public byte** OptionKeys;
    public byte** OptionValues;
    public delegate* unmanaged<void*, int, int, int> Progress;
    public void* ProgressUser;
    public int* Cancel;
    // Appended after ABI 1's first layout (a caller compiled before it passes a smaller size; see NativeInfer).
    public int* PriorSources;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Network
{
    public long Count;
    public int* Regulators;
    public int* Targets;
    public double* Importance;
    public double* Coefficient;
    // Appended (the library allocates the struct, so older callers simply do not read it): NULL unless the method has one.
    public double* Std;
}
