using System.Runtime.CompilerServices;

namespace GrnFast.Kernels;

/// <summary>
/// Buffers that start on a 64-byte cache line. A .NET array's elements start 16 bytes past the object, so an AVX-512 load
/// of 8 doubles from one straddles two lines unless the element happens to sit on a boundary, and a split load costs the
/// load ports twice. The kernels that read a block from L1 at every multiply-add are bound by those ports: at D1 the
/// sparse product K S (four 64-byte loads per nonzero from a packed panel) went from 28 to 20 ms on one thread when its
/// panel was aligned (perf/RESULTS.md, "Seventh pass"). Results do not depend on alignment, only the time.
/// </summary>
public static unsafe class CacheLines
{
    /// <summary>Bytes of a cache line (and of an AVX-512 vector).</summary>
    public const int Bytes = 64;

    /// <summary>
    /// A zeroed buffer of <paramref name="length"/> elements whose first element is on a cache line: a slice of an array
    /// on the pinned object heap, so the address never moves.
    /// </summary>
    public static ArraySegment<T> Allocate<T>(int length) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var raw = GC.AllocateArray<T>(length + Bytes / sizeof(T), pinned: true);
        return new ArraySegment<T>(raw, Offset(ref raw[0]), length);
    }

    /// <summary>
    /// Elements to skip from <paramref name="first"/> to the next cache line (0 when it is on one): valid only while the
    /// memory is pinned (a fixed block, or an array from <see cref="Allocate{T}"/>). Element sizes that do not divide 64
    /// (none of the kernels' types) give 0.
    /// </summary>
    public static int Offset<T>(ref T first) where T : unmanaged
    {
        if (Bytes % sizeof(T) != 0) return 0;
        long misalignment = (long)Unsafe.AsPointer(ref first) & (Bytes - 1);
        return misalignment == 0 ? 0 : (int)((Bytes - misalignment) / sizeof(T));
    }
}
