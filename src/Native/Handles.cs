using System.Collections.Concurrent;

namespace GrnFast.Native;

/// <summary>
/// The opaque handles (gf_context*, gf_data*) given to C: numbers looked up here, never raw GC handles, so that a
/// stale, freed or wrong-kind handle is refused with GF_ERR_ARGUMENT instead of crashing the caller's process.
/// This table is the library's only process-wide state; each entry belongs to the caller who created it.
/// </summary>
internal static class Handles
{
    private static readonly ConcurrentDictionary<nint, object> Live = new();
    // Handles look like aligned pointers (and are never 0); they are not reused within a process.
    private static long _next = 0x10000;

    public static nint Add(object value)
    {
        nint h = (nint)Interlocked.Add(ref _next, 16);
        Live[h] = value;
        return h;
    }

    public static T Get<T>(nint handle, string what) where T : class
    {
        if (handle == 0) throw new NativeArgumentException(Status.Argument, $"{what} is NULL");
        return Live.TryGetValue(handle, out var v) && v is T t ? t
            : throw new NativeArgumentException(Status.Argument, $"{what} is not a live {typeof(T).Name} handle (freed, or not from this library)");
    }

    public static bool TryRemove<T>(nint handle, out T? value) where T : class
    {
        value = null;
        if (handle == 0 || !Live.TryGetValue(handle, out var v) || v is not T t) return false;
        if (!Live.TryRemove(new KeyValuePair<nint, object>(handle, v))) return false;
        value = t;
        return true;
    }
}
