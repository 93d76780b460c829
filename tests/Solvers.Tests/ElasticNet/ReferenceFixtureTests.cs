using System.Text.Json;
using GrnFast.Kernels;
using GrnFast.Solvers.Data;
using GrnFast.Solvers.ElasticNet;
using GrnFast.Solvers.Results;

namespace GrnFast.Solvers.Tests.ElasticNet;

/// <summary>
/// Coefficients against scikit-learn, glmnet and numpy's closed-form ridge, on fixtures made by
/// Fixtures/make_fixtures.py and Fixtures/make_fixtures_glmnet.R (see Fixtures/README.md). The fixture
/// gives raw X and y; GrnFast standardises them itself, so standardisation is under test too.
/// </summary>
public class ReferenceFixtureTests
{
    private const double RelativeTolerance = 1e-5;

    private static string[] FixtureNames() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures"), "*.json").Select(f => Path.GetFileName(f)!).OrderBy(f => f, StringComparer.Ordinal).ToArray();

    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var f in FixtureNames()) data.Add(f);
        return data;
    }

    [Fact]
    public void FixturesFromAllThreeReferencesArePresent()
    {
        var names = FixtureNames();
        Assert.Contains(names, n => n.StartsWith("sklearn_", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("glmnet_", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("numpy_", StringComparison.Ordinal));
        Assert.True(names.Length >= 20, $"only {names.Length} fixtures");
    }

    /// <summary>The lasso fixtures (l1 ratio 1), fixed alphas and paths: those the homotopy can solve.</summary>
    public static TheoryData<string> LassoFixtures()
    {
        var data = new TheoryData<string>();
        foreach (var f in FixtureNames())
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", f)));
            if (doc.RootElement.GetProperty("l1_ratio").GetDouble() == 1) data.Add(f);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void CoefficientsMatchTheReference(string file) => Check(file, PathSolver.CoordinateDescent);

    [Theory]
    [MemberData(nameof(LassoFixtures))]
    public void HomotopyCoefficientsMatchTheReference(string file) => Check(file, PathSolver.Homotopy);

    private static void Check(string file, PathSolver solver)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", file)));
        var root = doc.RootElement;
        int n = root.GetProperty("n").GetInt32(), p = root.GetProperty("p").GetInt32();
        double rho = root.GetProperty("l1_ratio").GetDouble();
        var rows = root.GetProperty("X").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var y = root.GetProperty("y").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var alphas = root.GetProperty("alphas").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var coef = root.GetProperty("coef").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        double[]? w = root.TryGetProperty("weights", out var we) && we.ValueKind == JsonValueKind.Array
            ? we.EnumerateArray().Select(v => v.GetDouble()).ToArray() : null;
        bool isPath = root.TryGetProperty("path", out var path) && path.ValueKind == JsonValueKind.Object;

        // Column-major cells x (p regulators + the target).
        var x = new double[n * (p + 1)];
        for (int c = 0; c < n; c++)
        {
            for (int g = 0; g < p; g++) x[g * n + c] = rows[c][g];
            x[p * n + c] = y[c];
        }
        var view = new MatrixView<double>(x, n, p + 1, MatrixLayout.ColumnMajor);
        var weights = new PenaltyWeights();
        if (w is not null) for (int i = 0; i < p; i++) weights.Set(i, 0, w[i]);
        var problem = new RegulatorTargetProblem(Enumerable.Range(0, p).ToArray(), [p], weights);
        var options = new ElasticNetOptions { L1Ratio = rho, Tolerance = 1e-13, MaxSweeps = 1_000_000, Solver = solver };

        for (int a = 0; a < alphas.Length; a++)
        {
            TargetFit fit;
            double[] got;
            if (isPath)
            {
                var opts = options with { PathLength = path.GetProperty("length").GetInt32(), PathMinRatio = path.GetProperty("min_ratio").GetDouble(), SnapshotPathIndex = a };
                fit = SyntheticProblem.Fit(view, problem, opts).Targets[0];
                Assert.True(Math.Abs(fit.Snapshot!.Alpha - alphas[a]) <= 1e-12 * alphas[a], $"{file}: path alpha {a} is {fit.Snapshot.Alpha}, reference {alphas[a]}");
                got = ElasticNetGrnTests.Dense(fit.Snapshot.Regulators, fit.Snapshot.Coefficients, p);
            }
            else
            {
                fit = SyntheticProblem.Fit(view, problem, options with { Alpha = alphas[a] }).Targets[0];
                got = ElasticNetGrnTests.Dense(fit.Regulators, fit.Coefficients, p);
            }
            if (solver == PathSolver.Homotopy) Assert.NotEqual(PathSolvedBy.CoordinateDescent, fit.SolvedBy);
            Assert.True(fit.WorstCertificate.DualityGap <= fit.WorstCertificate.Tolerance, $"{file} alpha {alphas[a]}: gap {fit.WorstCertificate.DualityGap}");
            // An all-zero reference (alpha = alpha_max) still allows round-off: 1e-5 * 1e-9 absolute.
            double scale = Math.Max(coef[a].Max(Math.Abs), 1e-9);
            for (int i = 0; i < p; i++)
                Assert.True(Math.Abs(got[i] - coef[a][i]) <= RelativeTolerance * scale,
                    $"{file} alpha[{a}]={alphas[a]} coef[{i}]: GrnFast {got[i]:R}, reference {coef[a][i]:R} (max |coef| {scale})");
        }
    }
}
