using BenchmarkDotNet.Attributes;
using GrnFast.Kernels;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Perf.Vectors;

/// <summary>No TensorPrimitives equivalent: scalar twin vs hand-vectorized select.</summary>
public class SoftThresholdBenchmarks
{
    private double[] _z = [], _t = [], _d = [];

    [Params(301, 4099)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Console.WriteLine($"instruction set: {KernelInfo.InstructionSet}");
        var rng = new Random(4);
        _z = Enumerable.Range(0, N).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        _t = Enumerable.Range(0, N).Select(_ => rng.NextDouble() * 0.5).ToArray();
        _d = new double[N];
    }

    [Benchmark(Baseline = true)] public void Scalar() => ScalarKernels.SoftThreshold(_z, _t, _d);
    [Benchmark] public void Vector() => VectorKernels.SoftThreshold(_z, _t, _d);
}
