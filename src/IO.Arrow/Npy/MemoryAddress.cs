using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GrnFast.IO.Npy;

/// <summary>The address of a span's first element, for zero-copy assertions (tests and diagnostics).</summary>
internal static class MemoryAddress
{
    public static unsafe nint Of<T>(ReadOnlySpan<T> span) where T : unmanaged
        => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(span));
}
