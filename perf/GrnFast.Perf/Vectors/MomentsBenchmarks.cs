using BenchmarkDotNet.Attributes;
using System.Numerics.Tensors;
using GrnFast.Kernels;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Perf.Vectors;

/// <summary>Standardisation kernels: MeanVariance and CenterScale on one gene (float cells), ColumnMoments and GatherCenterScale on a row-major cells x genes block.</summary>
public class MomentsBenchmarks
{
    private float[] _gene = [];
    private double[] _dest = [];
    private float[] _rowMajor = [];
    private double[] _mean = [], _variance = [], _scale = [], _gathered = [];
    private int[] _columns = [];
    private const int Rows = 2003, Cols = 301;

    [Params(4099)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Console.WriteLine($"instruction set: {KernelInfo.InstructionSet}");
        var rng = new Random(5);
        _gene = Enumerable.Range(0, N).Select(_ => (float)rng.NextDouble()).ToArray();
        _dest = new double[N];
        _rowMajor = Enumerable.Range(0, Rows * Cols).Select(_ => (float)rng.NextDouble()).ToArray();
        _mean = new double[Cols];
        _variance = new double[Cols];
        _scale = Enumerable.Repeat(2.0, Cols).ToArray();
        _columns = Enumerable.Range(0, Cols).Where(c => c % 3 != 1).ToArray();
        _gathered = new double[Rows * _columns.Length];
    }

    [Benchmark(Baseline = true)] public (double, double) MeanVarianceScalar() => ScalarKernels.MeanVariance(_gene);
    [Benchmark] public (double, double) MeanVarianceVector() => VectorKernels.MeanVariance(_gene);
    [Benchmark] public float MeanTensorPrimitivesFloat() => TensorPrimitives.Sum(_gene) / N;
    [Benchmark] public void CenterScaleScalar() => ScalarKernels.CenterScale(_gene, 0.5, 2.0, _dest);
    [Benchmark] public void CenterScaleVector() => VectorKernels.CenterScale(_gene, 0.5, 2.0, _dest);
    [Benchmark] public void ColumnMomentsScalar() => ScalarKernels.ColumnMoments(_rowMajor, Rows, Cols, _mean, _variance);
    [Benchmark] public void ColumnMomentsVector() => VectorKernels.ColumnMoments(_rowMajor, Rows, Cols, _mean, _variance);
    [Benchmark] public void GatherCenterScaleScalar() => ScalarKernels.GatherCenterScale(_rowMajor, Rows, Cols, _columns, _mean, _scale, _gathered);
    [Benchmark] public void GatherCenterScaleTiled() => VectorKernels.GatherCenterScale(_rowMajor, Rows, Cols, _columns, _mean, _scale, _gathered);
}
