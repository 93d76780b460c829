using BenchmarkDotNet.Attributes;
using System.Numerics.Tensors;
using GrnFast.Kernels;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Perf.Vectors;

/// <summary>y += a x: scalar twin vs TensorPrimitives.MultiplyAdd vs VectorKernels.Axpy (its own Vector512/256 loop below 512 elements, TensorPrimitives above).</summary>
public class AxpyBenchmarks
{
    private double[] _x = [], _y = [];

    // 53: a coordinate-descent update (one Gram column of a target with ~50 candidates).
    [Params(53, 301, 4099, 100_003)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Console.WriteLine($"instruction set: {KernelInfo.InstructionSet}");
        var rng = new Random(2);
        _x = Enumerable.Range(0, N).Select(_ => rng.NextDouble()).ToArray();
        _y = Enumerable.Range(0, N).Select(_ => rng.NextDouble()).ToArray();
    }

    // a = 1e-9 keeps y bounded across millions of calls.
    [Benchmark(Baseline = true)] public void Scalar() => ScalarKernels.Axpy(1e-9, _x, _y);
    [Benchmark] public void TensorPrimitivesMultiplyAdd() => TensorPrimitives.MultiplyAdd(_x, 1e-9, _y, _y);
    [Benchmark] public void Vector() => VectorKernels.Axpy(1e-9, _x, _y);
}
