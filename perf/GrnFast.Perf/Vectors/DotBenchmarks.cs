using BenchmarkDotNet.Attributes;
using System.Numerics.Tensors;
using GrnFast.Kernels;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Perf.Vectors;

/// <summary>Dot over doubles and floats: scalar twin (same fixed order), TensorPrimitives (hardware-dependent order), hand-vectorized fixed order.</summary>
[MemoryDiagnoser]
public class DotBenchmarks
{
    private double[] _x = [], _y = [];
    private float[] _xf = [], _yf = [];

    [Params(301, 4099, 100_003)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Console.WriteLine($"instruction set: {KernelInfo.InstructionSet}");
        var rng = new Random(1);
        _x = Enumerable.Range(0, N).Select(_ => rng.NextDouble()).ToArray();
        _y = Enumerable.Range(0, N).Select(_ => rng.NextDouble()).ToArray();
        _xf = Array.ConvertAll(_x, v => (float)v);
        _yf = Array.ConvertAll(_y, v => (float)v);
    }

    [Benchmark(Baseline = true)] public double Scalar() => ScalarKernels.Dot(_x, _y);
    [Benchmark] public double TensorPrimitivesDot() => TensorPrimitives.Dot(_x, _y);
    [Benchmark] public double Vector() => VectorKernels.Dot(_x, _y);
    [Benchmark] public double ScalarFloat() => ScalarKernels.Dot(_xf, _yf);
    [Benchmark] public float TensorPrimitivesFloat() => TensorPrimitives.Dot(_xf, _yf);
    [Benchmark] public double VectorFloat() => VectorKernels.Dot(_xf, _yf);
}
