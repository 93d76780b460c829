using BenchmarkDotNet.Attributes;
using GrnFast.Kernels.Blas;

namespace GrnFast.Perf.Blas;

/// <summary>
/// The NetREX-CF Y-step's Gram: H (d x d, upper) = G G^T for the d x n gathered, weight-scaled latent columns of one
/// regulator's supported genes (d = 150, n ~ 600 at D1), on one thread: managed vs the native BLAS limited to one thread.
/// </summary>
public class FactorSyrkBenchmarks
{
    private IBlas _native = new ManagedBlas(1);
    private readonly ManagedBlas _managed = new(1);
    private double[] _g = [], _h = [];

    [Params(150)] public int Factors { get; set; }
    [Params(600)] public int Columns { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _native = BlasResolver.Resolve(1);
        var rng = new Random(7);
        _g = Enumerable.Range(0, Factors * Columns).Select(_ => rng.NextDouble()).ToArray();
        _h = new double[Factors * Factors];
    }

    [Benchmark(Baseline = true)] public void Native() => _native.Syrk(Transpose.No, Factors, Columns, 1.0, _g, Factors, 0.0, _h, Factors);
    [Benchmark] public void Managed() => _managed.Syrk(Transpose.No, Factors, Columns, 1.0, _g, Factors, 0.0, _h, Factors);
}
