using BenchmarkDotNet.Attributes;
using GrnFast.Kernels;
using GrnFast.Kernels.Blas;

namespace GrnFast.Perf.Blas;

/// <summary>
/// Native vs managed Syrk on the shapes the solvers run:
/// <list type="bullet">
/// <item><c>gram</c>: the Gram matrix G = X^T X (upper triangle) of a 5003 cells x 301 regulators block, on all threads;</item>
/// <item><c>factor</c>: the NetREX-CF Y-step's H = G G^T for the d x n gathered, weight-scaled latent columns of one
/// regulator's supported genes (d = 150, n ~ 600 at D1), on one thread, as inside the step's parallel loop.</item>
/// </list>
/// </summary>
public class SyrkBenchmarks
{
    /// <summary>C = op(A) op(A)^T with C n x n, depth k, A stored as <see cref="Transpose"/> says, on <see cref="Threads"/> threads.</summary>
    public sealed record Shape(string Name, int N, int K, Transpose Trans, int Threads)
    {
        public override string ToString() => Name;
    }

    public static IEnumerable<Shape> Shapes() => [new("gram", 301, 5003, Transpose.Yes, 0), new("factor", 150, 600, Transpose.No, 1)];

    [ParamsSource(nameof(Shapes))] public Shape Case { get; set; } = null!;

    private IBlas _native = new ManagedBlas();
    private ManagedBlas _managed = new();
    private double[] _x = [], _g = [];
    private float[] _xf = [], _gf = [];
    private int _lda;

    [GlobalSetup]
    public void Setup()
    {
        _native = BlasResolver.Resolve(Case.Threads);
        _managed = new ManagedBlas(Case.Threads);
        Console.WriteLine($"instruction set: {KernelInfo.InstructionSet}; BLAS: {BlasResolver.Describe()}");
        var rng = new Random(7);
        _lda = Case.Trans == Transpose.Yes ? Case.K : Case.N;
        _x = Enumerable.Range(0, Case.N * Case.K).Select(_ => rng.NextDouble()).ToArray();
        _g = new double[Case.N * Case.N];
        _xf = Array.ConvertAll(_x, v => (float)v);
        _gf = new float[Case.N * Case.N];
    }

    [Benchmark(Baseline = true)] public void NativeDouble() => _native.Syrk(Case.Trans, Case.N, Case.K, 1.0, _x, _lda, 0.0, _g, Case.N);
    [Benchmark] public void ManagedDouble() => _managed.Syrk(Case.Trans, Case.N, Case.K, 1.0, _x, _lda, 0.0, _g, Case.N);
    [Benchmark] public void NativeFloat() => _native.Syrk(Case.Trans, Case.N, Case.K, 1f, _xf, _lda, 0f, _gf, Case.N);
    [Benchmark] public void ManagedFloat() => _managed.Syrk(Case.Trans, Case.N, Case.K, 1f, _xf, _lda, 0f, _gf, Case.N);
}
