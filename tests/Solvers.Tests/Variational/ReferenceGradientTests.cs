using System.Text.Json;
using GrnFast.Kernels.Blas;
using GrnFast.Solvers.Variational;

namespace GrnFast.Solvers.Tests.Variational;

/// <summary>A PMF-GRN objective case written by reference.py (PyTorch autograd, float64), read back without Python.</summary>
internal sealed class ReferenceCase
{
    public required string Name { get; init; }
    public required int Cells { get; init; }
    public required int Genes { get; init; }
    public required int Regulators { get; init; }
    public required PmfGrnOptions Options { get; init; }
    public required double KlFactor { get; init; }
    public required double[] Expression { get; init; }
    public double[]? Mask { get; init; }
    public required double[] PriorLogitA { get; init; }
    public int[]? Batch { get; init; }
    public PairEvidence? Evidence { get; init; }
    public required double[] Theta { get; init; }
    public required double[] Noise { get; init; }
    public required double Loss { get; init; }
    public required double LogLikelihood { get; init; }
    public required double EvidenceLogLikelihood { get; init; }
    public required double Kl { get; init; }
    public required double[] Grad { get; init; }

    public static ReferenceCase Load(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Variational", $"fixture_{name}.json")));
        var r = doc.RootElement;
        double[] D(string key) => r.GetProperty(key).EnumerateArray().Select(e => e.GetDouble()).ToArray();
        double[]? OptD(string key) => r.GetProperty(key).ValueKind == JsonValueKind.Null ? null : D(key);
        var o = r.GetProperty("options");
        double Opt(string key) => o.GetProperty(key).GetDouble();
        int[]? batch = r.GetProperty("batch").ValueKind == JsonValueKind.Null ? null : r.GetProperty("batch").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        PairEvidence? evidence = r.GetProperty("evidencePairs").ValueKind == JsonValueKind.Null ? null
            : new PairEvidence(r.GetProperty("evidencePairs").EnumerateArray().Select(e => e.GetInt32()).ToArray(), D("evidenceValues"));
        return new ReferenceCase
        {
            Name = name, Cells = r.GetProperty("cells").GetInt32(), Genes = r.GetProperty("genes").GetInt32(), Regulators = r.GetProperty("regulators").GetInt32(),
            Options = new PmfGrnOptions
            {
                PriorStdLogitA = Opt("sigmaA"), PriorStdB = Opt("sigmaB"), PriorMeanLogU = Opt("muU0"), PriorStdLogU = Opt("sigmaU"),
                PriorStdLogitDepth = Opt("sigmaE"), PriorStdLogNoise = Opt("sigmaT"), PriorStdEvidenceLink = Opt("sigmaY"), EvidenceWeight = Opt("lambda"),
            },
            KlFactor = r.GetProperty("klFactor").GetDouble(), Expression = D("expression"), Mask = OptD("mask"), PriorLogitA = D("priorLogitA"),
            Batch = batch, Evidence = evidence, Theta = D("theta"), Noise = D("noise"), Loss = r.GetProperty("loss").GetDouble(),
            LogLikelihood = r.GetProperty("logLikelihood").GetDouble(), EvidenceLogLikelihood = r.GetProperty("evidenceLogLikelihood").GetDouble(),
            Kl = r.GetProperty("kl").GetDouble(), Grad = D("grad"),
        };
    }

    public ParameterLayout Layout => new(Genes, Regulators, Cells, Evidence is not null);

    internal PmfGrnModel<double> Model(IBlas blas) => new(Layout, Expression, Mask, PriorLogitA, Evidence, Options, new SolverContext(blas, 1), Batch?.Length ?? Cells);

    internal PmfGrnModel<float> ModelSingle(IBlas blas) => new(Layout, Array.ConvertAll(Expression, v => (float)v), Mask is null ? null : Array.ConvertAll(Mask, v => (float)v),
        PriorLogitA, Evidence, Options, new SolverContext(blas, 1), Batch?.Length ?? Cells);
}

/// <summary>The hand-derived ELBO and gradients equal PyTorch autograd's on the committed fixtures (same parameters, same draws).</summary>
public class ReferenceGradientTests
{
    public static TheoryData<string> Cases => new() { "pmf", "masked_batch", "joint" };

    [Theory]
    [MemberData(nameof(Cases))]
    public void LossAndGradientsMatchPyTorch(string name)
    {
        var c = ReferenceCase.Load(name);
        var model = c.Model(new ManagedBlas(1));
        Assert.Equal(c.Layout.Length, c.Theta.Length);
        Assert.Equal(c.Layout.NoiseLength, c.Noise.Length);
        var grad = new double[c.Theta.Length];
        var terms = model.Evaluate(c.Theta, c.Noise, c.Batch, c.KlFactor, grad);
        AssertClose(c.Loss, terms.Loss, 1e-10, $"{name} loss");
        AssertClose(c.LogLikelihood, terms.LogLikelihood, 1e-10, $"{name} log-likelihood");
        AssertClose(c.EvidenceLogLikelihood, terms.EvidenceLogLikelihood, 1e-10, $"{name} evidence log-likelihood");
        AssertClose(c.Kl, terms.Kl, 1e-10, $"{name} KL");
        AssertGradient(c.Grad, grad, 1e-8, name);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32WorkMatchesPyTorchTo1e4(string name)
    {
        var c = ReferenceCase.Load(name);
        // Parameters, noise and gradient in float too (the float32 fit keeps its whole state in float).
        var grad = new float[c.Theta.Length];
        var terms = c.ModelSingle(new ManagedBlas(1)).Evaluate(Array.ConvertAll(c.Theta, v => (float)v), Array.ConvertAll(c.Noise, v => (float)v), c.Batch, c.KlFactor, grad);
        AssertClose(c.Loss, terms.Loss, 1e-4, $"{name} loss (float32)");
        AssertGradient(c.Grad, Array.ConvertAll(grad, v => (double)v), 1e-4, name + " (float32)");
    }

    /// <summary>
    /// Without a mask the model never forms the residual (Gram form, extended operands); with a mask of ones it takes the
    /// explicit-residual path. Both must give the same loss and gradient, for full batches and minibatches, on the
    /// managed and native BLAS with 2 threads, and again on a second evaluation (the extended matrix is reused).
    /// </summary>
    [Theory]
    [InlineData("pmf", false)]
    [InlineData("pmf", true)]
    [InlineData("joint", false)]
    [InlineData("joint", true)]
    public void GramFormEqualsTheExplicitResidual(string name, bool minibatch)
    {
        var c = ReferenceCase.Load(name);
        int[]? batch = minibatch ? Enumerable.Range(0, c.Cells).Where(i => i % 3 != 1).ToArray() : null;
        var ones = Enumerable.Repeat(1.0, c.Expression.Length).ToArray();
        foreach (var blas in new[] { new ManagedBlas(2), BlasResolver.Resolve(2) })
        {
            var context = new SolverContext(blas, 2);
            int capacity = batch?.Length ?? c.Cells;
            var gram = new PmfGrnModel<double>(c.Layout, c.Expression, null, c.PriorLogitA, c.Evidence, c.Options, context, capacity);
            var residual = new PmfGrnModel<double>(c.Layout, c.Expression, ones, c.PriorLogitA, c.Evidence, c.Options, context, capacity);
            for (int round = 0; round < 2; round++)
            {
                var g1 = new double[c.Theta.Length];
                var g2 = new double[c.Theta.Length];
                var t1 = gram.Evaluate(c.Theta, c.Noise, batch, c.KlFactor, g1);
                var t2 = residual.Evaluate(c.Theta, c.Noise, batch, c.KlFactor, g2);
                Assert.Equal(t2.Loss, t1.Loss, 1e-12 * Math.Abs(t2.Loss));
                Assert.Equal(t2.LogLikelihood, t1.LogLikelihood, 1e-10 * Math.Abs(t2.LogLikelihood));
                AssertGradient(g2, g1, 1e-9, $"{name} {blas.Name} round {round}");
            }
        }
    }

    [Fact]
    public void NativeBlasGivesTheSameObjective()
    {
        var c = ReferenceCase.Load("pmf");
        var grad = new double[c.Theta.Length];
        var terms = c.Model(BlasResolver.Resolve(1)).Evaluate(c.Theta, c.Noise, c.Batch, c.KlFactor, grad);
        AssertClose(c.Loss, terms.Loss, 1e-10, "loss with " + BlasResolver.Describe());
        AssertGradient(c.Grad, grad, 1e-8, "native BLAS");
    }

    internal static void AssertClose(double expected, double actual, double rel, string what)
        => Assert.True(Math.Abs(expected - actual) <= rel * Math.Max(Math.Abs(expected), 1e-300), $"{what}: expected {expected:R}, got {actual:R} (relative {Math.Abs(expected - actual) / Math.Abs(expected):G3})");

    /// <summary>Every element within rel of the reference, relative to the element (floored at 1e-6 of the largest, for elements that are ~0).</summary>
    internal static void AssertGradient(double[] expected, double[] actual, double rel, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double largest = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
        {
            double scale = Math.Max(Math.Abs(expected[i]), 1e-6 * largest);
            Assert.True(Math.Abs(expected[i] - actual[i]) <= rel * scale, $"{what}: gradient[{i}] expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
