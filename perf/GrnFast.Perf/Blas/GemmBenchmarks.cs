using BenchmarkDotNet.Attributes;
using GrnFast.Kernels;
using GrnFast.Kernels.Blas;

namespace GrnFast.Perf.Blas;

/// <summary>
/// The two products the solvers need, native BLAS vs managed, double and float: the Gram G = X^T X
/// (300 regulators, 5000 cells: Gemm(Yes, No, 300, 300, 5000) and Syrk) and the cross product
/// C = X_tf^T X (Gemm(Yes, No, 300, 5000, 300)), plus an awkward small size.
/// </summary>
public class GemmBenchmarks
{
    private IBlas _native = new ManagedBlas();
    private readonly ManagedBlas _managed = new();
    private double[] _a = [], _b = [], _c = [];
    private float[] _af = [], _bf = [], _cf = [];

    /// <summary>m x n x k of C = A^T B with A k x m and B k x n.</summary>
    [Params("300x300x5000", "300x5000x300", "129x33x301")]
    public string Shape { get; set; } = "";

    private int M, N, K;

    [GlobalSetup]
    public void Setup()
    {
        _native = BlasResolver.Resolve();
        Console.WriteLine($"instruction set: {KernelInfo.InstructionSet}; BLAS: {BlasResolver.Describe()}; managed threads {_managed.Threads}, native threads {_native.Threads}");
        var dims = Shape.Split('x').Select(int.Parse).ToArray();
        (M, N, K) = (dims[0], dims[1], dims[2]);
        var rng = new Random(6);
        _a = Enumerable.Range(0, K * M).Select(_ => rng.NextDouble()).ToArray();
        _b = Enumerable.Range(0, K * N).Select(_ => rng.NextDouble()).ToArray();
        _c = new double[M * N];
        _af = Array.ConvertAll(_a, v => (float)v);
        _bf = Array.ConvertAll(_b, v => (float)v);
        _cf = new float[M * N];
    }

    [Benchmark(Baseline = true)] public void NativeDouble() => _native.Gemm(Transpose.Yes, Transpose.No, M, N, K, 1.0, _a, K, _b, K, 0.0, _c, M);
    [Benchmark] public void ManagedDouble() => _managed.Gemm(Transpose.Yes, Transpose.No, M, N, K, 1.0, _a, K, _b, K, 0.0, _c, M);
    [Benchmark] public void NativeFloat() => _native.Gemm(Transpose.Yes, Transpose.No, M, N, K, 1f, _af, K, _bf, K, 0f, _cf, M);
    [Benchmark] public void ManagedFloat() => _managed.Gemm(Transpose.Yes, Transpose.No, M, N, K, 1f, _af, K, _bf, K, 0f, _cf, M);

    /// <summary>Double C from double A and float B: B widened while it is packed (the float64 cross-products against float32 input).</summary>
    [Benchmark] public void ManagedDoubleFloatB() => _managed.Gemm(Transpose.Yes, Transpose.No, M, N, K, 1.0, _a, K, _bf, K, 0.0, _c, M);

    /// <summary>The same product the way it was done before: a double copy of B first, then the double GEMM.</summary>
    [Benchmark]
    public void WidenThenManagedDouble()
    {
        var widened = new double[_bf.Length];
        for (int i = 0; i < widened.Length; i++) widened[i] = _bf[i];
        _managed.Gemm(Transpose.Yes, Transpose.No, M, N, K, 1.0, _a, K, widened, K, 0.0, _c, M);
    }
}
