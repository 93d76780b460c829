using GrnFast.Kernels.Blas;
using Xunit.Abstractions;

namespace GrnFast.Kernels.Tests.Blas;

/// <summary>
/// The resolver and the native path, checked against the managed BLAS. One class, so xunit runs these one at a
/// time: the library thread count they set is process-wide. Without OpenBLAS/MKL on the machine the
/// comparisons log why and pass.
/// </summary>
public class NativeBlasTests(ITestOutputHelper output)
{
    private static NativeBlas? Native() => BlasResolver.Resolve(null, 0) as NativeBlas;

    [Fact]
    public void DescribeNamesTheBackendAndWhy()
    {
        string description = BlasResolver.Describe(null);
        output.WriteLine(description);
        Assert.Matches(@"^(mkl|openblas|blas) \(.+\): |^managed: ", description);
        Assert.Equal("managed: GRNFAST_BLAS=managed", BlasResolver.Describe("managed"));
        Assert.IsType<ManagedBlas>(BlasResolver.Resolve("MANAGED", 0));
    }

    [System.Runtime.InteropServices.DllImport("libc.so.6", EntryPoint = "getenv")]
    private static extern nint NativeGetEnvironment([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string name);

    /// <summary>
    /// Loading a BLAS leaves OPENBLAS_THREAD_TIMEOUT in the native environment (where OpenBLAS reads it): the
    /// variable's own value when the process was started with one, else GrnFast's 4.
    /// </summary>
    [Fact]
    public void LoadingTheBlasSetsOpenBlasIdleTimeoutUnlessGiven()
    {
        if (!OperatingSystem.IsLinux()) return;
        string? given = Environment.GetEnvironmentVariable(NativeBlasLibrary.ThreadTimeoutVariable);
        var blas = Native();
        output.WriteLine(blas is null ? "no native BLAS loaded" : blas.Name);
        if (blas is null) return;
        nint value = NativeGetEnvironment(NativeBlasLibrary.ThreadTimeoutVariable);
        Assert.NotEqual(0, value);
        Assert.Equal(given ?? "4", System.Runtime.InteropServices.Marshal.PtrToStringUTF8(value));
    }

    [Fact]
    public void ANamedLibraryThatCannotBeUsedIsAnErrorNamingIt()
    {
        var missing = Assert.Throws<InvalidOperationException>(() => BlasResolver.Resolve("/nonexistent/libblas-nope.so", 0));
        Assert.Contains("/nonexistent/libblas-nope.so", missing.Message);
        Assert.Contains("GRNFAST_BLAS", missing.Message);
        // libm loads but has no cblas_ symbols.
        const string libm = "/lib/x86_64-linux-gnu/libm.so.6";
        if (!File.Exists(libm)) return;
        var noCblas = Assert.Throws<InvalidOperationException>(() => NativeBlas.Load(libm));
        Assert.Contains(libm, noCblas.Message);
        Assert.Contains("cblas_dgemm", noCblas.Message);
    }

    [Fact]
    public void ThreadsArePerObject()
    {
        if (Native() is not { CanSetThreads: true } native) { output.WriteLine("no native BLAS with thread control"); return; }
        var one = BlasResolver.Resolve(null, 1);
        var two = BlasResolver.Resolve(null, 2);
        Assert.Equal(1, one.Threads);
        Assert.Equal(2, two.Threads);
        Assert.True(native.Threads >= 1);
        Assert.Equal(4, new ManagedBlas(4).Threads);
    }

    /// <summary>
    /// The library's thread count is process-wide, and 1- and 2-thread products round differently. A 1-thread and a
    /// 2-thread object calling at the same time from two threads must each get the bits it gets alone (before the
    /// gate in NativeBlasLibrary, a concurrent Resolve(2) switched a 1-thread fit to two threads: CI saw it).
    /// </summary>
    [Fact]
    public async Task ObjectsWithDifferentThreadCountsKeepTheirOwnBitsWhenCalledTogether()
    {
        if (Native() is not { CanSetThreads: true }) { output.WriteLine("no native BLAS with thread control"); return; }
        var one = BlasResolver.Resolve(null, 1);
        var two = BlasResolver.Resolve(null, 2);
        // A shape whose 1- and 2-thread OpenBLAS products differ (its threads split C, and the edge kernels round otherwise).
        const int m = 45, n = 300, k = 400;
        var rng = new Random(5);
        var a = Reference.Random(rng, k * m);
        var b = Reference.Random(rng, k * n);
        double[] Product(IBlas blas)
        {
            var c = new double[m * n];
            blas.Gemm(Transpose.Yes, Transpose.No, m, n, k, 1.0, a, k, b, k, 0.0, c, m);
            return c;
        }
        var alone1 = Product(one);
        var alone2 = Product(two);
        int differ = alone1.Zip(alone2).Count(p => p.First != p.Second);
        output.WriteLine($"1 vs 2 threads alone: {differ} of {m * n} elements differ");
        int mismatches = 0;
        void Loop(IBlas blas, double[] expected)
        {
            for (int r = 0; r < 300; r++)
                if (!Product(blas).AsSpan().SequenceEqual(expected)) Interlocked.Increment(ref mismatches);
        }
        var t1 = Task.Run(() => Loop(one, alone1));
        var t2 = Task.Run(() => Loop(two, alone2));
        await Task.WhenAll(t1, t2);
        Assert.Equal(0, mismatches);
        // Not vacuous: the two counts do round differently here (with OpenBLAS; MKL may agree, then only the above holds).
        if (one.Name.StartsWith("openblas", StringComparison.Ordinal)) Assert.True(differ > 0, "1- and 2-thread products agree: the test cannot see a switch");
    }

    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 1, 1, 1 }, { 7, 7, 7 }, { 33, 33, 33 }, { 129, 7, 129 }, { 300, 300, 5000 }, { 300, 5000, 33 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ManagedGemmAgreesWithNative(int m, int n, int k)
    {
        if (Native() is not { } native) { output.WriteLine(BlasResolver.Describe(null)); return; }
        output.WriteLine(native.Name);
        var managed = new ManagedBlas();
        var rng = new Random(m + 31 * n + 997 * k);
        foreach (var (ta, tb) in new[] { (Transpose.Yes, Transpose.No), (Transpose.No, Transpose.Yes), (Transpose.No, Transpose.No), (Transpose.Yes, Transpose.Yes) })
        {
            int lda = (ta == Transpose.No ? m : k) + 1, ldb = (tb == Transpose.No ? k : n) + 2, ldc = m + 3;
            var a = Reference.Random(rng, lda * (ta == Transpose.No ? k : m));
            var b = Reference.Random(rng, ldb * (tb == Transpose.No ? n : k));
            var c = Reference.Random(rng, ldc * n);
            string where = $"Gemm({ta},{tb}) m={m} n={n} k={k} vs {native.Name} [{KernelInfo.InstructionSet}]";

            var cn = (double[])c.Clone();
            var cm = (double[])c.Clone();
            native.Gemm(ta, tb, m, n, k, 1.25, a, lda, b, ldb, -0.5, cn, ldc);
            managed.Gemm(ta, tb, m, n, k, 1.25, a, lda, b, ldb, -0.5, cm, ldc);
            AssertRelative(cm, cn, 1e-12, where + " double");

            float[] af = Reference.ToFloat(a), bf = Reference.ToFloat(b), cnf = Reference.ToFloat(c), cmf = Reference.ToFloat(c);
            native.Gemm(ta, tb, m, n, k, 1.25f, af, lda, bf, ldb, -0.5f, cnf, ldc);
            managed.Gemm(ta, tb, m, n, k, 1.25f, af, lda, bf, ldb, -0.5f, cmf, ldc);
            AssertRelative(Reference.ToDouble(cmf), Reference.ToDouble(cnf), 1e-4, where + " float");
            if (m * n * k > 1_000_000) break; // one transpose pair is enough at the large sizes
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(33, 129)]
    [InlineData(300, 5000)]
    public void ManagedSyrkAgreesWithNative(int n, int k)
    {
        if (Native() is not { } native) { output.WriteLine(BlasResolver.Describe(null)); return; }
        var managed = new ManagedBlas();
        var rng = new Random(n * 17 + k);
        foreach (var trans in new[] { Transpose.Yes, Transpose.No })
        {
            int lda = (trans == Transpose.No ? n : k) + 1, ldc = n + 2;
            var a = Reference.Random(rng, lda * (trans == Transpose.No ? k : n));
            var c = Reference.Random(rng, ldc * n);
            var cn = (double[])c.Clone();
            var cm = (double[])c.Clone();
            native.Syrk(trans, n, k, 0.5, a, lda, 2.0, cn, ldc);
            managed.Syrk(trans, n, k, 0.5, a, lda, 2.0, cm, ldc);
            string where = $"Syrk({trans}) n={n} k={k} vs {native.Name}";
            AssertRelative(cm, cn, 1e-12, where + " double");
            for (int j = 0; j < n; j++)
                for (int i = j + 1; i < n; i++)
                    if (!(cm[j * ldc + i] == c[j * ldc + i])) Assert.Fail($"{where}: lower element ({i},{j}) was written");

            float[] af = Reference.ToFloat(a), cnf = Reference.ToFloat(c), cmf = Reference.ToFloat(c);
            native.Syrk(trans, n, k, 0.5f, af, lda, 2.0f, cnf, ldc);
            managed.Syrk(trans, n, k, 0.5f, af, lda, 2.0f, cmf, ldc);
            AssertRelative(Reference.ToDouble(cmf), Reference.ToDouble(cnf), 1e-4, where + " float");
        }
    }

    [Fact]
    public void NativeChecksArgumentsBeforeCallingTheLibrary()
    {
        if (Native() is not { } native) return;
        var x = new double[20];
        Assert.Equal("ldb", Assert.Throws<ArgumentException>(() => native.Gemm(Transpose.No, Transpose.No, 2, 2, 4, 1, x, 2, x, 3, 0, x, 2)).ParamName);
        Assert.Equal("c", Assert.Throws<ArgumentException>(() => native.Syrk(Transpose.Yes, 5, 2, 1, x, 2, 0, x, 5)).ParamName);
    }

    /// <summary>Normwise: max |actual - expected| &lt;= tol * max |expected| (elementwise relative error is meaningless where C is near 0).</summary>
    private static void AssertRelative(double[] actual, double[] expected, double tolerance, string where)
    {
        double scale = expected.Length == 0 ? 0 : expected.Max(Math.Abs);
        for (int i = 0; i < actual.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            if (!(error <= tolerance * scale)) Assert.Fail($"{where}: element {i}: {actual[i]:R} vs {expected[i]:R}, error {error:R} > {tolerance} * {scale:R}");
        }
    }
}
