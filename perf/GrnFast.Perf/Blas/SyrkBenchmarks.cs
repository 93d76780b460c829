using BenchmarkDotNet.Attributes;
using GrnFast.Kernels;
using GrnFast.Kernels.Blas;

namespace GrnFast.Perf.Blas;

/// <summary>The Gram matrix G = X^T X (upper triangle) of a cells x regulators block: native vs managed Syrk.</summary>
public class SyrkBenchmarks
{
    private IBlas _native = new ManagedBlas();
    private readonly ManagedBlas _managed = new();
    private double[] _x = [], _g = [];
    private float[] _xf = [], _gf = [];

    [Params(301)]
    public int Regulators { get; set; }

    [Params(5003)]
    public int Cells { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _native = BlasResolver.Resolve();
        Console.WriteLine($"instruction set: {KernelInfo.InstructionSet}; BLAS: {BlasResolver.Describe()}");
        var rng = new Random(7);
        _x = Enumerable.Range(0, Cells * Regulators).Select(_ => rng.NextDouble()).ToArray();
        _g = new double[Regulators * Regulators];
        _xf = Array.ConvertAll(_x, v => (float)v);
        _gf = new float[Regulators * Regulators];
    }

    [Benchmark(Baseline = true)] public void NativeDouble() => _native.Syrk(Transpose.Yes, Regulators, Cells, 1.0, _x, Cells, 0.0, _g, Regulators);
    [Benchmark] public void ManagedDouble() => _managed.Syrk(Transpose.Yes, Regulators, Cells, 1.0, _x, Cells, 0.0, _g, Regulators);
    [Benchmark] public void NativeFloat() => _native.Syrk(Transpose.Yes, Regulators, Cells, 1f, _xf, Cells, 0f, _gf, Regulators);
    [Benchmark] public void ManagedFloat() => _managed.Syrk(Transpose.Yes, Regulators, Cells, 1f, _xf, Cells, 0f, _gf, Regulators);
}
