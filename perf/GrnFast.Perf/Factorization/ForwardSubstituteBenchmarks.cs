using BenchmarkDotNet.Attributes;
using GrnFast.Kernels;
using GrnFast.Kernels.Factorization;
using GrnFast.Kernels.Vectors;

namespace GrnFast.Perf.Factorization;

/// <summary>
/// L z = b for a row-major lower triangle, as a lasso homotopy join solves it (|A| = 50 on D1, up to 300 on D2):
/// row by row with one fixed-order dot per row (what the join did), the scalar twin of the blocked kernel, and the
/// blocked kernel (8 rows take their sums over the solved part at once).
/// </summary>
public class ForwardSubstituteBenchmarks
{
    private double[] _l = [], _b = [], _z = [];
    private int _ld;

    [Params(50, 150, 300)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Console.WriteLine($"instruction set: {KernelInfo.InstructionSet}");
        var rng = new Random(1);
        _ld = N + 3;
        _l = new double[_ld * N];
        for (int p = 0; p < N; p++)
        {
            for (int q = 0; q < p; q++) _l[p * _ld + q] = (rng.NextDouble() - 0.5) / Math.Sqrt(N);
            _l[p * _ld + p] = 1 + rng.NextDouble();
        }
        _b = Enumerable.Range(0, N).Select(_ => rng.NextDouble()).ToArray();
        _z = new double[N];
    }

    [Benchmark(Baseline = true)]
    public double RowDots()
    {
        _b.CopyTo(_z, 0);
        for (int p = 0; p < N; p++)
        {
            var row = _l.AsSpan(p * _ld, p + 1);
            _z[p] = (_z[p] - VectorKernels.Dot(row[..p], _z.AsSpan(0, p))) / row[p];
        }
        return _z[N - 1];
    }

    [Benchmark]
    public double ScalarTwin()
    {
        _b.CopyTo(_z, 0);
        FactorizationScalarKernels.ForwardSubstitute(_l, _ld, N, _z);
        return _z[N - 1];
    }

    [Benchmark]
    public double Blocked()
    {
        _b.CopyTo(_z, 0);
        FactorizationKernels.ForwardSubstitute(_l, _ld, N, _z);
        return _z[N - 1];
    }
}
