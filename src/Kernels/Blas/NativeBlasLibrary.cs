using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace GrnFast.Kernels.Blas;

/// <summary>
/// A loaded CBLAS shared library and the entry points GrnFast calls. Loaded once per path and never
/// unloaded (the cache below is the only process-wide state of ours): other threads may be inside it.
/// <para>
/// The library's thread count is its own process-wide setting (openblas_set_num_threads, MKL_Set_Num_Threads), and a
/// multi-threaded product splits the work, and so rounds, differently from a single-threaded one. Two
/// <see cref="NativeBlas"/> objects with different thread counts in one process (two requests of the host, two test
/// classes) would otherwise change each other's results in the middle of a fit. So every call goes through
/// <see cref="Enter"/>: calls for the same thread count run side by side, and the count is switched only when no call
/// is inside the library.
/// </para>
/// </summary>
internal sealed unsafe partial class NativeBlasLibrary
{
    /// <summary>
    /// OpenBLAS's worker threads spin after each call for 2^n cycles before they sleep (its default n = 28, ~0.1 s at
    /// 3 GHz), taking a core from whatever runs next. NetREX-CF alternates native GEMMs with managed parallel loops,
    /// so on 2 cores the spinning workers took ~20 % of a run's samples (in the kernel's sched_yield) and one outer
    /// iteration on D1 went 0.107-0.130 -> 0.087-0.091 s with n = 4; PMF-GRN's epochs did not change. Set before the
    /// library is loaded (it reads the variable once, then), and only when the environment does not set it.
    /// </summary>
    public const string ThreadTimeoutVariable = "OPENBLAS_THREAD_TIMEOUT";
    private const string ThreadTimeoutDefault = "4";

    [LibraryImport("libc.so.6", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetNativeEnvironment(string name, string value, int overwrite);

    /// <summary>Sets <see cref="ThreadTimeoutVariable"/> in the native environment unless it is already set (Linux only).</summary>
    private static void DefaultThreadTimeout()
    {
        if (!OperatingSystem.IsLinux()) return;
        try { SetNativeEnvironment(ThreadTimeoutVariable, ThreadTimeoutDefault, overwrite: 0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // No glibc: the library keeps its own default.
        }
    }

    public const int ColMajor = 102, NoTrans = 111, Trans = 112, Upper = 121;

    private static readonly ConcurrentDictionary<string, NativeBlasLibrary> Loaded = new(StringComparer.Ordinal);

    private NativeBlasLibrary(string path, string vendor, nint handle)
    {
        Path = path;
        Vendor = vendor;
        Handle = handle;
    }

    /// <summary>The name or path the library was loaded from.</summary>
    public string Path { get; }

    /// <summary>"mkl", "openblas" or "blas" (a CBLAS without a thread-control entry point we know).</summary>
    public string Vendor { get; }

    public nint Handle { get; }

    // cblas_?gemm(order, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    public delegate* unmanaged[Cdecl]<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void> Dgemm;
    public delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemm;

    // cblas_?syrk(order, uplo, trans, n, k, alpha, a, lda, beta, c, ldc)
    public delegate* unmanaged[Cdecl]<int, int, int, int, int, double, double*, int, double, double*, int, void> Dsyrk;
    public delegate* unmanaged[Cdecl]<int, int, int, int, int, float, float*, int, float, float*, int, void> Ssyrk;

    /// <summary>openblas_set_num_threads or MKL_Set_Num_Threads; null when the library has neither.</summary>
    public delegate* unmanaged[Cdecl]<int, void> SetThreads;

    /// <summary>openblas_get_num_threads or MKL_Get_Max_Threads; null when the library has neither.</summary>
    public delegate* unmanaged[Cdecl]<int> GetThreads;

    private readonly object _gate = new();
    private int _current, _inFlight;

    /// <summary>The library's thread count when it was loaded (its default: OPENBLAS_NUM_THREADS, MKL_NUM_THREADS or the cores); 1 without a thread-control entry point.</summary>
    public int DefaultThreads { get; private set; } = 1;

    /// <summary>
    /// Waits until the library can run a call on <paramref name="threads"/> threads, sets that count if it differs, and
    /// counts the call in; dispose the result when the call returns.
    /// </summary>
    public Call Enter(int threads)
    {
        if (SetThreads == null) return new Call(null);
        lock (_gate)
        {
            while (_inFlight > 0 && _current != threads) Monitor.Wait(_gate);
            if (_current != threads) { SetThreads(threads); _current = threads; }
            _inFlight++;
        }
        return new Call(this);
    }

    private void Leave()
    {
        lock (_gate)
            if (--_inFlight == 0) Monitor.PulseAll(_gate);
    }

    /// <summary>One call inside the library (see <see cref="Enter"/>).</summary>
    public readonly struct Call(NativeBlasLibrary? library) : IDisposable
    {
        public void Dispose() => library?.Leave();
    }

    /// <summary>Loads <paramref name="nameOrPath"/> (or returns the copy loaded before); false with a reason when it cannot be loaded or lacks a CBLAS symbol.</summary>
    public static bool TryLoad(string nameOrPath, out NativeBlasLibrary? library, out string error)
    {
        if (Loaded.TryGetValue(nameOrPath, out library)) { error = ""; return true; }
        DefaultThreadTimeout();
        if (!NativeLibrary.TryLoad(nameOrPath, out nint handle))
        {
            library = null;
            error = $"{nameOrPath} could not be loaded (missing, wrong architecture, or its dependencies are missing)";
            return false;
        }
        string vendor = NativeLibrary.TryGetExport(handle, "MKL_Set_Num_Threads", out _) ? "mkl"
            : NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out _) ? "openblas"
            : "blas";
        var lib = new NativeBlasLibrary(nameOrPath, vendor, handle);
        var missing = new List<string>();
        lib.Dgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void>)Export(handle, "cblas_dgemm", missing);
        lib.Sgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)Export(handle, "cblas_sgemm", missing);
        lib.Dsyrk = (delegate* unmanaged[Cdecl]<int, int, int, int, int, double, double*, int, double, double*, int, void>)Export(handle, "cblas_dsyrk", missing);
        lib.Ssyrk = (delegate* unmanaged[Cdecl]<int, int, int, int, int, float, float*, int, float, float*, int, void>)Export(handle, "cblas_ssyrk", missing);
        if (missing.Count > 0)
        {
            // A Fortran-only BLAS (no cblas_ symbols) is not usable; let it go rather than keep a half library.
            NativeLibrary.Free(handle);
            library = null;
            error = $"{nameOrPath} loaded but lacks the CBLAS symbols {string.Join(", ", missing)}";
            return false;
        }
        string setName = vendor == "mkl" ? "MKL_Set_Num_Threads" : "openblas_set_num_threads";
        string getName = vendor == "mkl" ? "MKL_Get_Max_Threads" : "openblas_get_num_threads";
        if (NativeLibrary.TryGetExport(handle, setName, out nint set)) lib.SetThreads = (delegate* unmanaged[Cdecl]<int, void>)set;
        if (NativeLibrary.TryGetExport(handle, getName, out nint get)) lib.GetThreads = (delegate* unmanaged[Cdecl]<int>)get;
        if (lib.SetThreads != null)
        {
            lib.DefaultThreads = lib.GetThreads != null ? Math.Max(1, lib.GetThreads()) : Environment.ProcessorCount;
            lib._current = lib.DefaultThreads;
        }

        library = Loaded.GetOrAdd(nameOrPath, lib);
        if (!ReferenceEquals(library, lib)) NativeLibrary.Free(handle); // another thread won the race; drop our reference count
        error = "";
        return true;
    }

    private static nint Export(nint handle, string name, List<string> missing)
    {
        if (NativeLibrary.TryGetExport(handle, name, out nint address)) return address;
        missing.Add(name);
        return 0;
    }
}
