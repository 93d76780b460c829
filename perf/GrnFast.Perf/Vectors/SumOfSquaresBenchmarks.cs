using BenchmarkDotNet.Attributes;
using System.Numerics.Tensors;
using GrnFast.Kernels;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Perf.Vectors;

public class SumOfSquaresBenchmarks
{
    private double[] _x = [];

    [Params(301, 4099)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Console.WriteLine($"instruction set: {KernelInfo.InstructionSet}");
        var rng = new Random(3);
        _x = Enumerable.Range(0, N).Select(_ => rng.NextDouble()).ToArray();
    }

    [Benchmark(Baseline = true)] public double Scalar() => ScalarKernels.SumOfSquares(_x);
    [Benchmark] public double TensorPrimitivesSumOfSquares() => TensorPrimitives.SumOfSquares(_x);
    [Benchmark] public double Vector() => VectorKernels.SumOfSquares(_x);
}
