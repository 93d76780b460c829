namespace GrnFast.Kernels.Blas;

/// <summary>
/// Picks the BLAS for a run: GRNFAST_BLAS=managed forces the managed fallback; GRNFAST_BLAS=/path/lib.so loads
/// that CBLAS library (failing loudly, naming the path, if it cannot); otherwise MKL (libmkl_rt.so*), then
/// OpenBLAS (libopenblas.so*), then <see cref="ManagedBlas"/>. The search runs once per process; the loaded
/// library is the only state kept.
/// </summary>
public static class BlasResolver
{
    /// <summary>The environment variable that overrides the search.</summary>
    public const string EnvironmentVariable = "GRNFAST_BLAS";

    private static readonly string[] MklNames = ["libmkl_rt.so", "libmkl_rt.so.2", "libmkl_rt.so.1"];
    private static readonly string[] OpenBlasNames = ["libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0"];

    private static readonly Lazy<Resolution> FromEnvironment =
        new(() => Find(Environment.GetEnvironmentVariable(EnvironmentVariable)), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// The BLAS to use, running each call on <paramref name="threads"/> threads (0: the library's default, or one per
    /// processor for the managed fallback). A native library's thread count is process-wide; the returned object sets
    /// it around each of its calls (see <see cref="NativeBlas.Threads"/>), so objects with different counts coexist.
    /// Throws InvalidOperationException when GRNFAST_BLAS names a library that cannot be used.
    /// </summary>
    public static IBlas Resolve(int threads = 0) => Create(FromEnvironment.Value, threads);

    /// <summary>Which backend <see cref="Resolve(int)"/> returns and why, e.g. "openblas (/usr/lib/x86_64-linux-gnu/libopenblas.so.0): found by search; no MKL".</summary>
    public static string Describe()
    {
        var r = FromEnvironment.Value;
        return r.Error is null ? $"{r.Backend}: {r.Reason}" : $"unusable: {r.Error}";
    }

    /// <summary>Resolution for an explicit GRNFAST_BLAS value (null = unset); the testable core of <see cref="Resolve(int)"/>.</summary>
    internal static IBlas Resolve(string? setting, int threads) => Create(Find(setting), threads);

    internal static string Describe(string? setting)
    {
        var r = Find(setting);
        return r.Error is null ? $"{r.Backend}: {r.Reason}" : $"unusable: {r.Error}";
    }

    private static IBlas Create(Resolution r, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        if (r.Error is not null) throw new InvalidOperationException(r.Error);
        if (r.Library is null) return new ManagedBlas(threads);
        return new NativeBlas(r.Library, threads);
    }

    private static Resolution Find(string? setting)
    {
        if (!string.IsNullOrWhiteSpace(setting))
        {
            if (string.Equals(setting.Trim(), "managed", StringComparison.OrdinalIgnoreCase))
                return new Resolution(null, "managed", $"{EnvironmentVariable}=managed", null);
            return NativeBlasLibrary.TryLoad(setting, out var chosen, out string error)
                ? new Resolution(chosen, Label(chosen!), $"{EnvironmentVariable}={setting}", null)
                : new Resolution(null, "managed", "", $"{EnvironmentVariable}={setting}: {error}");
        }
        var mkl = Search(MklNames, MklDirectories());
        if (mkl is not null) return new Resolution(mkl, Label(mkl), "found by search", null);
        var openBlas = Search(OpenBlasNames, OpenBlasDirectories());
        if (openBlas is not null) return new Resolution(openBlas, Label(openBlas), "found by search; no MKL", null);
        return new Resolution(null, "managed", "no MKL (libmkl_rt.so*) or OpenBLAS (libopenblas.so*) found; set GRNFAST_BLAS=/path/lib.so to name one", null);
    }

    private static string Label(NativeBlasLibrary library) => $"{library.Vendor} ({library.Path})";

    /// <summary>Full paths in the usual directories first (so Describe can say which file), then bare names for the loader's own search.</summary>
    private static NativeBlasLibrary? Search(string[] names, IEnumerable<string> directories)
    {
        foreach (string directory in directories)
            foreach (string name in names)
            {
                string path = Path.Combine(directory, name);
                if (File.Exists(path) && NativeBlasLibrary.TryLoad(path, out var library, out _)) return library;
            }
        foreach (string name in names)
            if (NativeBlasLibrary.TryLoad(name, out var library, out _)) return library;
        return null;
    }

    private static IEnumerable<string> MklDirectories()
    {
        string? root = Environment.GetEnvironmentVariable("MKLROOT");
        if (!string.IsNullOrEmpty(root)) { yield return Path.Combine(root, "lib"); yield return Path.Combine(root, "lib", "intel64"); }
        string? conda = Environment.GetEnvironmentVariable("CONDA_PREFIX");
        if (!string.IsNullOrEmpty(conda)) yield return Path.Combine(conda, "lib");
        yield return "/opt/intel/oneapi/mkl/latest/lib";
        yield return "/opt/intel/oneapi/mkl/latest/lib/intel64";
        yield return "/opt/intel/mkl/lib/intel64";
        yield return "/usr/lib/x86_64-linux-gnu";
        yield return "/usr/lib64";
        yield return "/usr/local/lib";
    }

    private static IEnumerable<string> OpenBlasDirectories()
    {
        string? conda = Environment.GetEnvironmentVariable("CONDA_PREFIX");
        if (!string.IsNullOrEmpty(conda)) yield return Path.Combine(conda, "lib");
        yield return "/usr/lib/x86_64-linux-gnu";
        yield return "/usr/lib/x86_64-linux-gnu/openblas-pthread";
        yield return "/usr/lib64";
        yield return "/usr/local/lib";
        yield return "/opt/OpenBLAS/lib";
    }

    private sealed record Resolution(NativeBlasLibrary? Library, string Backend, string Reason, string? Error);
}
