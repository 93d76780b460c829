using BenchmarkDotNet.Attributes;
using GrnFast.Kernels.Blas;
using GrnFast.Solvers.NetRex;

namespace GrnFast.Perf.Factorization;

/// <summary>
/// The NetREX-CF A-step's K S at D1 (K the 2000 x 2000 gene Gram, S 2000 x 300 at 25 % density): the sparse product
/// (<see cref="SparseNetwork.LeftMultiply"/>) on one and two threads against the native dense GEMM on two.
/// </summary>
public class SparseNetworkBenchmarks
{
    private IBlas _native = new ManagedBlas();
    private SparseNetwork _sparse = null!;
    private double[] _k = [], _s = [], _dest = [];

    [Params(2000)] public int Genes { get; set; }
    [Params(300)] public int Regulators { get; set; }
    [Params(0.25)] public double Density { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _native = BlasResolver.Resolve(2);
        var rng = new Random(3);
        int g = Genes, t = Regulators;
        var e = Enumerable.Range(0, g * 400).Select(_ => rng.NextDouble() - 0.5).ToArray();
        _k = new double[g * g];
        _native.Gemm(Transpose.No, Transpose.Yes, g, g, 400, 1.0, e, g, e, g, 0.0, _k, g);
        _s = new double[g * t];
        for (int i = 0; i < _s.Length; i++) if (rng.NextDouble() < Density) _s[i] = rng.NextDouble() - 0.5;
        _sparse = new SparseNetwork(g, t);
        _sparse.Load(_s);
        _dest = new double[g * t];
    }

    [Benchmark(Baseline = true)] public void DenseNative2() => _native.Gemm(Transpose.No, Transpose.No, Genes, Regulators, Genes, 1.0, _k, Genes, _s, Genes, 0.0, _dest, Genes);
    [Benchmark] public void Sparse1() => _sparse.LeftMultiply(_k, Genes, _dest, 1, _native, _s);
    [Benchmark] public void Sparse2() => _sparse.LeftMultiply(_k, Genes, _dest, 2, _native, _s);
}
