using GrnFast.Kernels.Blas;

namespace GrnFast.Kernels.Tests.Blas;

/// <summary>The blocked managed GEMM/SYRK against the triple loop: every transpose pair, padded leading dimensions, edges, beta = 0 with NaN in C.</summary>
public class ManagedBlasTests
{
    private const double DoubleEps = 1.1102230246251565e-16, FloatEps = 5.9604645e-8;

    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 0, 3, 4 }, { 3, 0, 4 }, { 3, 4, 0 }, { 1, 1, 1 }, { 7, 7, 7 }, { 33, 17, 129 }, { 129, 33, 7 }, { 17, 130, 260 }, { 300, 19, 261 },
    };

    /// <summary>Double GEMM with a float B is the same bits as the double GEMM on B widened first (the widening is exact), parallel path included.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    [InlineData(300, 700, 1100)]
    public void GemmWithFloatBIsGemmOnTheWidenedCopy(int m, int n, int k)
    {
        var blas = new ManagedBlas(2);
        foreach (var ta in new[] { Transpose.No, Transpose.Yes })
            foreach (var tb in new[] { Transpose.No, Transpose.Yes })
            {
                var rng = new Random(m * 31 + n * 7 + k + (ta == Transpose.Yes ? 2 : 0) + (tb == Transpose.Yes ? 1 : 0));
                int aRows = ta == Transpose.No ? m : k, aCols = ta == Transpose.No ? k : m;
                int bRows = tb == Transpose.No ? k : n, bCols = tb == Transpose.No ? n : k;
                int lda = Math.Max(1, aRows) + 1, ldb = Math.Max(1, bRows) + 2, ldc = Math.Max(1, m) + 1;
                var a = Reference.Random(rng, lda * aCols);
                var bf = Reference.ToFloat(Reference.Random(rng, ldb * bCols));
                var c = Reference.Random(rng, ldc * n);
                var mixed = (double[])c.Clone();
                var widened = (double[])c.Clone();
                blas.Gemm(ta, tb, m, n, k, 0.5, a, lda, bf, ldb, -1.25, mixed, ldc);
                blas.Gemm(ta, tb, m, n, k, 0.5, a, lda, Reference.ToDouble(bf), ldb, -1.25, widened, ldc);
                for (int i = 0; i < c.Length; i++)
                    if (BitConverter.DoubleToInt64Bits(mixed[i]) != BitConverter.DoubleToInt64Bits(widened[i]))
                        Assert.Fail($"Gemm({ta},{tb}) m={m} n={n} k={k} [{KernelInfo.InstructionSet}]: element {i} {mixed[i]:R} vs {widened[i]:R}");
            }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void GemmMatchesTripleLoop(int m, int n, int k)
    {
        var blas = new ManagedBlas(2);
        foreach (var ta in new[] { Transpose.No, Transpose.Yes })
            foreach (var tb in new[] { Transpose.No, Transpose.Yes })
                foreach (double beta in new[] { 0.0, 0.5 })
                {
                    int seed = m * 1_000_003 + n * 1009 + k + (ta == Transpose.Yes ? 1 : 0) * 7 + (tb == Transpose.Yes ? 1 : 0) * 13;
                    var rng = new Random(seed);
                    int aRows = ta == Transpose.No ? m : k, aCols = ta == Transpose.No ? k : m;
                    int bRows = tb == Transpose.No ? k : n, bCols = tb == Transpose.No ? n : k;
                    int lda = Math.Max(1, aRows) + 3, ldb = Math.Max(1, bRows) + 1, ldc = Math.Max(1, m) + 2;
                    var a = Reference.Random(rng, lda * aCols);
                    var b = Reference.Random(rng, ldb * bCols);
                    // beta == 0 must not read C: fill it with NaN; padding rows carry a sentinel that must survive.
                    var c = beta == 0 ? Enumerable.Repeat(double.NaN, ldc * n).ToArray() : Reference.Random(rng, ldc * n);
                    for (int j = 0; j < n; j++) for (int i = m; i < ldc; i++) c[j * ldc + i] = 12345.0;
                    double alpha = -0.75;
                    var (expected, magnitude) = Reference.Gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
                    string where = $"Gemm({ta},{tb}) m={m} n={n} k={k} beta={beta} seed={seed} [{KernelInfo.InstructionSet}]";

                    var cd = (double[])c.Clone();
                    blas.Gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, cd, ldc);
                    AssertWithin(cd, expected, magnitude, (k + 2) * 2 * DoubleEps, where + " double");

                    var cf = Reference.ToFloat(c);
                    blas.Gemm(ta, tb, m, n, k, (float)alpha, Reference.ToFloat(a), lda, Reference.ToFloat(b), ldb, (float)beta, cf, ldc);
                    var (expectedF, magnitudeF) = Reference.Gemm(ta, tb, m, n, k, alpha, Reference.ToDouble(Reference.ToFloat(a)), lda,
                        Reference.ToDouble(Reference.ToFloat(b)), ldb, beta, Reference.ToDouble(cf.Length == 0 ? [] : Reference.ToFloat(c)), ldc);
                    AssertWithin(Reference.ToDouble(cf), expectedF, magnitudeF, (k + 2) * 2 * FloatEps, where + " float");
                }
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 1)]
    [InlineData(9, 0)]
    [InlineData(17, 33)]
    [InlineData(130, 260)]
    [InlineData(201, 45)]
    public void SyrkMatchesTripleLoopOnTheUpperTriangleOnly(int n, int k)
    {
        var blas = new ManagedBlas(2);
        foreach (var trans in new[] { Transpose.No, Transpose.Yes })
            foreach (double beta in new[] { 0.0, 1.5 })
            {
                int seed = n * 7 + k * 31 + (trans == Transpose.Yes ? 1 : 0);
                var rng = new Random(seed);
                int aRows = trans == Transpose.No ? n : k, aCols = trans == Transpose.No ? k : n;
                int lda = Math.Max(1, aRows) + 2, ldc = Math.Max(1, n) + 1;
                var a = Reference.Random(rng, lda * aCols);
                var c = Reference.Random(rng, ldc * n);
                for (int j = 0; j < n; j++)
                    for (int i = 0; i <= j && i < n; i++)
                        if (beta == 0) c[j * ldc + i] = double.NaN;
                // C = alpha op(A) op(A)^T: as GEMM, No -> A * A^T, Yes -> A^T * A.
                var (expected, magnitude) = Reference.Gemm(trans, trans == Transpose.No ? Transpose.Yes : Transpose.No,
                    n, n, k, 0.5, a, lda, a, lda, beta, c, ldc, upperOnly: true);
                string where = $"Syrk({trans}) n={n} k={k} beta={beta} seed={seed} [{KernelInfo.InstructionSet}]";

                var cd = (double[])c.Clone();
                blas.Syrk(trans, n, k, 0.5, a, lda, beta, cd, ldc);
                AssertWithin(cd, expected, magnitude, (k + 2) * 2 * DoubleEps, where + " double");

                var cf = Reference.ToFloat(c);
                blas.Syrk(trans, n, k, 0.5f, Reference.ToFloat(a), lda, (float)beta, cf, ldc);
                var af = Reference.ToDouble(Reference.ToFloat(a));
                var (expectedF, magnitudeF) = Reference.Gemm(trans, trans == Transpose.No ? Transpose.Yes : Transpose.No,
                    n, n, k, 0.5, af, lda, af, lda, beta, Reference.ToDouble(Reference.ToFloat(c)), ldc, upperOnly: true);
                AssertWithin(Reference.ToDouble(cf), expectedF, magnitudeF, (k + 2) * 2 * FloatEps, where + " float");
            }
    }

    [Fact]
    public void ResultsAreTheSameBitsForAnyThreadCount()
    {
        var rng = new Random(99);
        int m = 203, n = 217, k = 300;
        var a = Reference.Random(rng, m * k);
        var b = Reference.Random(rng, k * n);
        double[] Run(int threads)
        {
            var c = new double[m * n];
            new ManagedBlas(threads).Gemm(Transpose.No, Transpose.No, m, n, k, 1.0, a, m, b, k, 0.0, c, m);
            return c;
        }
        var one = Run(1);
        foreach (int threads in new[] { 2, 3, 8 })
        {
            int at = TestData.FirstDifference(one, Run(threads));
            if (at >= 0) Assert.Fail($"threads={threads} differs from 1 thread at element {at}");
        }
        var s1 = new double[n * n];
        var s3 = new double[n * n];
        var tall = Reference.Random(rng, k * n);
        new ManagedBlas(1).Syrk(Transpose.Yes, n, k, 1.0, tall, k, 0.0, s1, n);
        new ManagedBlas(3).Syrk(Transpose.Yes, n, k, 1.0, tall, k, 0.0, s3, n);
        Assert.True(TestData.FirstDifference(s1, s3) < 0, "Syrk: 3 threads differ from 1");
    }

    [Fact]
    public void AlphaZeroReadsNeitherAnorB()
    {
        var a = Enumerable.Repeat(double.NaN, 12).ToArray();
        var c = new[] { 1.0, 2.0, 3.0, 4.0 };
        new ManagedBlas().Gemm(Transpose.No, Transpose.No, 2, 2, 6, 0.0, a, 2, a, 6, 2.0, c, 2);
        Assert.Equal(new[] { 2.0, 4.0, 6.0, 8.0 }, c);
    }

    [Fact]
    public void ArgumentsAreCheckedByName()
    {
        var blas = new ManagedBlas();
        var x = new double[20];
        Assert.Equal("lda", Assert.Throws<ArgumentException>(() => blas.Gemm(Transpose.No, Transpose.No, 4, 4, 4, 1, x, 3, x, 4, 0, x, 4)).ParamName);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => blas.Gemm(Transpose.No, Transpose.No, 4, 4, 6, 1, x, 4, x, 6, 0, new double[16], 4)).ParamName);
        Assert.Equal("ldc", Assert.Throws<ArgumentException>(() => blas.Syrk(Transpose.No, 4, 2, 1, x, 4, 0, x, 3)).ParamName);
        Assert.Equal("c", Assert.Throws<ArgumentException>(() => blas.Syrk(Transpose.No, 5, 2, 1, x, 5, 0, x, 5)).ParamName);
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => blas.Gemm(Transpose.No, Transpose.No, 1, 1, -1, 1, x, 1, x, 1, 0, x, 1)).ParamName);
    }

    internal static void AssertWithin(double[] actual, double[] expected, double[] magnitude, double relative, string where)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < actual.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            bool ok = double.IsNaN(expected[i]) ? double.IsNaN(actual[i]) : error <= relative * magnitude[i] + 1e-300;
            if (!ok) Assert.Fail($"{where}: element {i} is {actual[i]:R}, expected {expected[i]:R} (bound {relative * magnitude[i]:R})");
        }
    }
}
