using System.Runtime.Intrinsics.X86;

namespace GrnFast.Kernels;

/// <summary>Hints to the cache hierarchy. They change no result, only when data arrives.</summary>
public static unsafe class CacheHints
{
    /// <summary>
    /// Asks for every 64-byte line of <paramref name="data"/> to be brought into the core's L2 (prefetcht1) while the
    /// caller works on something else: for a block of data about to be read that the hardware prefetcher cannot
    /// foresee, such as the next item of a loop over scattered buffers. Nothing where SSE is not available.
    /// </summary>
    public static void PrefetchToL2(ReadOnlySpan<double> data)
    {
        if (!Sse.IsSupported || data.IsEmpty) return;
        fixed (double* start = data)
        {
            byte* line = (byte*)start, end = (byte*)(start + data.Length);
            for (; line < end; line += 64) Sse.Prefetch1(line);
        }
    }
}
