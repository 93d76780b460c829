using BenchmarkDotNet.Attributes;
using GrnFast.Kernels;
using GrnFast.Kernels.Blas;
using GrnFast.Kernels.Factorization;

namespace GrnFast.Perf.Factorization;

/// <summary>
/// A lasso homotopy block join on D2's scale (300 candidates, four joiners, |A| active): the joiners' columns minus
/// their products with the active columns on every row below, C -= A B^T with A (300 - |A|) x |A| and B 4 x |A|, by the
/// scalar twin, the hand-vectorized kernel, and the managed and native GEMMs (one thread each: the solver calls it
/// inside its own parallel loop over targets).
/// </summary>
public class SubtractProductsBenchmarks
{
    private const int Candidates = 300, Joiners = 4;
    private double[] _f = [], _c = [];
    private IBlas _native = new ManagedBlas(1);
    private readonly ManagedBlas _managed = new(1);

    [Params(50, 150, 250)]
    public int Active { get; set; }

    private int Rows => Candidates - Active;

    [GlobalSetup]
    public void Setup()
    {
        _native = BlasResolver.Resolve(1);
        Console.WriteLine($"instruction set: {KernelInfo.InstructionSet}; BLAS: {BlasResolver.Describe()}");
        var rng = new Random(3);
        _f = Enumerable.Range(0, Candidates * Candidates).Select(_ => rng.NextDouble() - 0.5).ToArray();
        _c = new double[Candidates * Joiners];
    }

    [Benchmark] public void ScalarTwin() => FactorizationScalarKernels.SubtractProducts(_f.AsSpan(Active), Candidates, Rows, Active, _f, Candidates, Joiners, _c, Candidates);
    [Benchmark(Baseline = true)] public void Vectorized() => FactorizationKernels.SubtractProducts(_f.AsSpan(Active), Candidates, Rows, Active, _f, Candidates, Joiners, _c, Candidates);
    [Benchmark] public void ManagedGemm() => _managed.Gemm(Transpose.No, Transpose.Yes, Rows, Joiners, Active, -1.0, _f.AsSpan(Active), Candidates, _f, Candidates, 1.0, _c, Candidates);
    [Benchmark] public void NativeGemm() => _native.Gemm(Transpose.No, Transpose.Yes, Rows, Joiners, Active, -1.0, _f.AsSpan(Active), Candidates, _f, Candidates, 1.0, _c, Candidates);
}

/// <summary>theta_A = L^-T y on an active set of N: the column-major kernel the homotopy uses against its scalar twin.</summary>
public class BackSubstituteBenchmarks
{
    private double[] _columnMajor = [], _b = [], _z = [];
    private int _ld;

    [Params(30, 150, 300)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(5);
        _ld = N + 3;
        _columnMajor = new double[_ld * N];
        for (int p = 0; p < N; p++)
        {
            for (int q = 0; q < p; q++) _columnMajor[q * _ld + p] = (rng.NextDouble() - 0.5) / Math.Sqrt(N);
            _columnMajor[p * _ld + p] = 1 + rng.NextDouble();
        }
        _b = Enumerable.Range(0, N).Select(_ => rng.NextDouble()).ToArray();
        _z = new double[N];
    }

    [Benchmark]
    public double ColumnMajorTwin()
    {
        _b.CopyTo(_z, 0);
        FactorizationScalarKernels.BackSubstituteColumnMajor(_columnMajor, _ld, N, _z);
        return _z[0];
    }

    [Benchmark(Baseline = true)]
    public double ColumnMajor()
    {
        _b.CopyTo(_z, 0);
        FactorizationKernels.BackSubstituteColumnMajor(_columnMajor, _ld, N, _z);
        return _z[0];
    }
}
