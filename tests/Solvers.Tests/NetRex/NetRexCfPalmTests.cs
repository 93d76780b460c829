using System.Text.Json;
using GrnFast.Kernels;
using GrnFast.Kernels.Blas;
using GrnFast.Solvers.Data;
using GrnFast.Solvers.NetRex;
using GrnFast.Solvers.Results;

namespace GrnFast.Solvers.Tests.NetRex;

/// <summary>
/// NetREX-CF's PALM against the numpy reference (reference.py, palm_small.json: E explicit, no Gram trick), the
/// monotone objective, the edge confidence, and a fit end to end on data with a known network.
/// </summary>
public class NetRexCfPalmTests
{
    private static readonly JsonElement Fixture = Load();

    private static JsonElement Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "NetRex", "palm_small.json")));
        return doc.RootElement.Clone();
    }

    private static double[] Doubles(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();
    private static int Int(string name) => Fixture.GetProperty(name).GetInt32();

    private static SolverContext Context(int threads = 2) => new(new ManagedBlas(threads), threads);

    private static NetRexCfOptions FixtureOptions(int iterations)
    {
        var o = Fixture.GetProperty("options");
        return new NetRexCfOptions
        {
            Lambda = o.GetProperty("Lambda").GetDouble(), LambdaA = o.GetProperty("LambdaA").GetDouble(), LambdaS = o.GetProperty("LambdaS").GetDouble(),
            FactorRegularization = o.GetProperty("FactorRegularization").GetDouble(), PriorScale = o.GetProperty("PriorScale").GetDouble(),
            Eta0 = o.GetProperty("Eta0").GetDouble(), MaxIterations = iterations, Tolerance = 0, FactorBlock = 1000,
        };
    }

    private static NetRexCfEdges FixtureEdges(NetRexCfOptions o)
    {
        var forbidden = Fixture.GetProperty("forbidden").EnumerateArray().Select(p => (p[0].GetInt32(), p[1].GetInt32()));
        return NetRexCfEdges.Build(Int("genes"), Int("regulators"), Doubles(Fixture, "prior_sum"), forbidden, o);
    }

    private static NetRexCfState Start()
    {
        var s = Fixture.GetProperty("start");
        return new NetRexCfState(Int("genes"), Int("regulators"), Int("factors"), Doubles(s, "S"), Doubles(s, "Z"), Doubles(s, "X"), Doubles(s, "Y"));
    }

    /// <summary>A = Z E with E (G x n) column-major from the fixture.</summary>
    private static double[] Activities(double[] z)
    {
        int g = Int("genes"), t = Int("regulators"), n = Int("cells");
        var e = Doubles(Fixture, "expression");
        var a = new double[t * n];
        new ManagedBlas(1).Gemm(Transpose.No, Transpose.No, t, n, g, 1.0, z, t, e, g, 0.0, a, t);
        return a;
    }

    private static void AssertClose(double[] expected, double[] actual, double rel, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(Math.Abs), worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs(expected[i] - actual[i]);
            if (d > worst) { worst = d; at = i; }
        }
        Assert.True(worst <= rel * Math.Max(scale, 1e-300), $"{what}: max |diff| {worst:G3} at {at} (expected {(at >= 0 ? expected[at] : 0):R}, got {(at >= 0 ? actual[at] : 0):R}), scale {scale:G3}, allowed {rel:G1} relative");
    }

    [Fact]
    public void EdgeConstantsMatchReference()
    {
        var edges = FixtureEdges(FixtureOptions(1));
        AssertClose(Doubles(Fixture, "alpha"), edges.Alpha, 1e-14, "alpha");
        AssertClose(Doubles(Fixture, "beta"), edges.Beta, 1e-14, "beta");
        var eta = edges.Eta.Select(v => double.IsPositiveInfinity(v) ? -1.0 : v).ToArray();
        AssertClose(Doubles(Fixture, "eta"), eta, 1e-14, "eta (+inf written as -1)");
    }

    [Fact]
    public void StartingObjectiveMatchesReference()
    {
        var o = FixtureOptions(1);
        double f = NetRexCfGrn.Objective(Doubles(Fixture, "gram"), FixtureEdges(o), Start(), o, Context());
        double expected = Doubles(Fixture, "objective")[0];
        Assert.True(Math.Abs(f - expected) <= 1e-9 * expected, $"F0 {f:R} vs numpy {expected:R}");
    }

    [Fact]
    public void OneIterationMatchesReference()
    {
        var o = FixtureOptions(1);
        var fit = NetRexCfGrn.Solve(Doubles(Fixture, "gram"), FixtureEdges(o), Start(), o, Context());
        var expected = Fixture.GetProperty("after_one");
        Assert.Equal(1, fit.Certificate.Iterations);
        AssertClose(Doubles(expected, "S"), fit.State.S, 1e-6, "S after 1 iteration");
        AssertClose(Doubles(expected, "A"), Activities(fit.State.Z), 1e-6, "A after 1 iteration");
        AssertClose(Doubles(expected, "X"), fit.State.X, 1e-6, "X after 1 iteration");
        AssertClose(Doubles(expected, "Y"), fit.State.Y, 1e-6, "Y after 1 iteration");
        AssertClose(Doubles(Fixture, "objective").Take(2).ToArray(), fit.Certificate.ObjectiveHistory, 1e-6, "F");
    }

    [Fact]
    public void SeveralIterationsMatchReference()
    {
        int iterations = Int("iterations");
        var o = FixtureOptions(iterations);
        var fit = NetRexCfGrn.Solve(Doubles(Fixture, "gram"), FixtureEdges(o), Start(), o, Context());
        var expected = Fixture.GetProperty("final");
        var history = Doubles(Fixture, "objective");
        Assert.Equal(history.Length, fit.Certificate.ObjectiveHistory.Length);
        for (int k = 0; k < history.Length; k++)
            Assert.True(Math.Abs(fit.Certificate.ObjectiveHistory[k] - history[k]) <= 1e-6 * history[k], $"F_{k} {fit.Certificate.ObjectiveHistory[k]:R} vs numpy {history[k]:R}");
        var supports = Fixture.GetProperty("supports").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        Assert.Equal(supports[^1], fit.State.Support);
        AssertClose(Doubles(expected, "S"), fit.State.S, 1e-6, $"S after {iterations} iterations");
        AssertClose(Doubles(expected, "A"), Activities(fit.State.Z), 1e-6, $"A after {iterations} iterations");
        AssertClose(Doubles(expected, "X"), fit.State.X, 1e-6, $"X after {iterations} iterations");
        AssertClose(Doubles(expected, "Y"), fit.State.Y, 1e-6, $"Y after {iterations} iterations");
        Assert.Equal(SolverStatus.MaxIterations, fit.Status);
    }

    /// <summary>
    /// With small factor blocks PALM keeps its products across iterations (R = X^T Y updated for the moved rows and
    /// columns only, the regulator Grams updated in place, E A^T and A A^T by recursion, S^T S from the S-step): F after
    /// the last iteration equals F evaluated afresh at the final iterates, and never rose on the way.
    /// </summary>
    [Fact]
    public void KeptProductsGiveTheFreshObjective()
    {
        var o = FixtureOptions(25) with { FactorBlock = 2 };
        var gram = Doubles(Fixture, "gram");
        var edges = FixtureEdges(o);
        var fit = NetRexCfGrn.Solve(gram, edges, Start(), o, Context());
        var f = fit.Certificate.ObjectiveHistory;
        double fresh = NetRexCfGrn.Objective(gram, edges, fit.State, o, Context());
        Assert.True(Math.Abs(f[^1] - fresh) <= 1e-10 * Math.Abs(fresh), $"F kept {f[^1]:R} vs fresh {fresh:R}");
        for (int k = 1; k < f.Length; k++) Assert.True(f[k] <= f[k - 1] * (1 + 1e-12), $"F rose at iteration {k}: {f[k - 1]:R} -> {f[k]:R}");
    }

    [Fact]
    public void ConfidenceMatchesReference()
    {
        var o = FixtureOptions(Int("iterations"));
        var fit = NetRexCfGrn.Solve(Doubles(Fixture, "gram"), FixtureEdges(o), Start(), o, Context());
        var all = new double[fit.State.S.Length];
        NetRexCfGrn.Confidence(Doubles(Fixture, "gram"), fit.State, all, 1.0, new ManagedBlas(1));
        AssertClose(Doubles(Fixture, "confidence_all"), all, 1e-6, "confidence on all cells");
        // On half the cells, A = Z E restricted to them: the half Gram is all the solver needs.
        var half = new double[fit.State.S.Length];
        NetRexCfGrn.Confidence(Doubles(Fixture, "half_gram"), fit.State, half, 1.0, new ManagedBlas(1));
        AssertClose(Doubles(Fixture, "confidence_half"), half, 1e-6, "confidence on half the cells");
        Assert.All(all.Concat(half), c => Assert.InRange(c, 0.0, 1.0));
        Assert.Contains(all, c => c > 0);
    }

    /// <summary>A synthetic expression matrix (cells x genes, column-major) from a sparse network of the first T genes' activities.</summary>
    internal static (MatrixView<double> X, bool[] Truth, double[] PriorSum, int[] Targets, int[] Regulators) Synthetic(int seed, int genes, int regulators, int cells, double noisyPriorRate = 0.1)
    {
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        int g = genes, t = regulators, n = cells;
        var truth = new bool[g * t];
        var weight = new double[g * t];
        for (int i = t; i < g; i++)
            for (int j = 0; j < t; j++)
                if (rng.NextDouble() < 0.25) { truth[i + j * g] = true; weight[i + j * g] = (rng.NextDouble() < 0.5 ? -1 : 1) * (0.5 + rng.NextDouble()); }
        var x = new double[n * g];
        for (int c = 0; c < n; c++)
        {
            var a = new double[t];
            for (int j = 0; j < t; j++) { a[j] = Normal(); x[c + j * n] = a[j] + 0.3 * Normal(); }
            for (int i = t; i < g; i++)
            {
                double v = 0.5 * Normal();
                for (int j = 0; j < t; j++) v += weight[i + j * g] * a[j];
                x[c + i * n] = v;
            }
        }
        var prior = new double[g * t];
        for (int e = 0; e < g * t; e++)
        {
            int i = e % g, j = e / g;
            if (i == j) continue;
            if (truth[e] && rng.NextDouble() < 0.6) prior[e] += 0.5 + 0.5 * rng.NextDouble();
            if (rng.NextDouble() < noisyPriorRate) prior[e] += rng.NextDouble();
        }
        return (new MatrixView<double>(x, n, g, MatrixLayout.ColumnMajor), truth, prior, Enumerable.Range(0, g).ToArray(), Enumerable.Range(0, t).ToArray());
    }

    /// <summary>
    /// The factor step's low-rank (Woodbury) solves give the direct Cholesky solves' factors to round-off, for rows with
    /// supports below d and (solved directly either way) above it, in both orientations; and they solve the normal equations.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LowRankFactorStepMatchesDirect(bool byRows)
    {
        int d = 24, rows = 300, columns = 40;
        var rng = new Random(byRows ? 11 : 12);
        var v = Enumerable.Range(0, d * columns).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var u0 = Enumerable.Range(0, d * rows).Select(_ => rng.NextDouble() - 0.5).ToArray();
        // Layout G x T column-major: G = rows when byRows, else the columns are the genes.
        int genes = byRows ? rows : columns;
        var excess = new double[rows * columns];
        var target = new double[rows * columns];
        for (int i = 0; i < rows; i++)
        {
            // Support sizes 0 .. d + 5, so some rows fall back to the direct solve.
            int support = i % (d + 6);
            var chosen = Enumerable.Range(0, columns).OrderBy(_ => rng.Next()).Take(Math.Min(support, columns)).ToHashSet();
            for (int j = 0; j < columns; j++)
            {
                long e = byRows ? i + (long)j * genes : j + (long)i * genes;
                if (chosen.Contains(j)) excess[e] = 0.5 + 20 * rng.NextDouble();
                if (chosen.Contains(j) || rng.Next(5) == 0) target[e] = rng.NextDouble() * 3;
            }
        }
        var block = Enumerable.Range(0, rows).Where(i => i % 3 != 1).ToArray();
        var low = (double[])u0.Clone();
        var direct = (double[])u0.Clone();
        int lowRows = NetRexCfFactorStep.Update(low, v, d, rows, columns, excess, target, 5.0, 1.0, block, byRows, Context());
        Assert.Equal(0, NetRexCfFactorStep.Update(direct, v, d, rows, columns, excess, target, 5.0, 1.0, block, byRows, Context(), allowLowRank: false));
        Assert.Equal(block.Count(i => i % (d + 6) < d), lowRows);
        for (int k = 0; k < low.Length; k++)
            Assert.True(Math.Abs(low[k] - direct[k]) <= 1e-10 * (1 + Math.Abs(direct[k])), $"u[{k}] low rank {low[k]:R} vs direct {direct[k]:R}");
        // Rows outside the block are untouched; the block's rows solve (5 V V^T + sum_j e_ij v_j v_j^T + I) u_i = V (w t)_i.
        foreach (int i in Enumerable.Range(0, rows).Where(i => i % 3 == 1))
            for (int p = 0; p < d; p++) Assert.Equal(u0[i * d + p], low[i * d + p]);
        foreach (int i in block.Take(40))
            for (int p = 0; p < d; p++)
            {
                double lhs = low[i * d + p], rhs = 0;
                for (int j = 0; j < columns; j++)
                {
                    long e = byRows ? i + (long)j * genes : j + (long)i * genes;
                    double vu = 0;
                    for (int q = 0; q < d; q++) vu += v[j * d + q] * low[i * d + q];
                    lhs += (5.0 + excess[e]) * vu * v[j * d + p];
                    rhs += target[e] * v[j * d + p];
                }
                Assert.True(Math.Abs(lhs - rhs) <= 1e-9 * (1 + Math.Abs(rhs)), $"row {i}, factor {p}: H u = {lhs:R}, b = {rhs:R}");
            }
    }

    /// <summary>
    /// Regulator Grams kept across iterations and updated for the genes and weights that changed give the factors a fresh
    /// build gives, to round-off, over rounds that move random blocks of genes and flip random edges; the updates are
    /// in-place ones once every regulator has been built, and a regulator unvisited for longer than the history is rebuilt.
    /// </summary>
    [Fact]
    public void KeptGramsMatchFreshOnes()
    {
        int d = 10, genes = 120, regulators = 9;
        var rng = new Random(21);
        var x = Enumerable.Range(0, d * genes).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var y0 = Enumerable.Range(0, d * regulators).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var excess = new double[genes * regulators];
        var target = new double[genes * regulators];
        for (int e = 0; e < excess.Length; e++)
        {
            if (rng.Next(3) == 0) excess[e] = 0.5 + 10 * rng.NextDouble();
            if (excess[e] != 0 || rng.Next(6) == 0) target[e] = rng.NextDouble();
        }
        var grams = new SupportGrams(regulators, genes, d);
        var kept = (double[])y0.Clone();
        var fresh = (double[])y0.Clone();
        for (int round = 0; round < 3 * SupportGrams.History; round++)
        {
            // X moves in a block of genes; a few edges change weight, appear or vanish.
            var moved = Enumerable.Range(0, genes).OrderBy(_ => rng.Next()).Take(12).ToArray();
            grams.Changing(x, moved);
            foreach (int i in moved)
                for (int p = 0; p < d; p++) x[i * d + p] += 0.1 * (rng.NextDouble() - 0.5);
            for (int f = 0; f < 15; f++)
            {
                int e = rng.Next(excess.Length);
                excess[e] = excess[e] != 0 && rng.Next(2) == 0 ? 0 : 0.5 + 10 * rng.NextDouble();
            }
            // Regulator 0 waits past the history once; the others are visited at random.
            var block = Enumerable.Range(0, regulators).Where(j => j == 0 ? round % (SupportGrams.History + 2) == 0 : rng.Next(2) == 0).ToArray();
            NetRexCfFactorStep.Update(kept, x, d, regulators, genes, excess, target, 5.0, 1.0, block, byRows: false, Context(), grams: grams);
            NetRexCfFactorStep.Update(fresh, x, d, regulators, genes, excess, target, 5.0, 1.0, block, byRows: false, Context());
            for (int k = 0; k < kept.Length; k++)
                Assert.True(Math.Abs(kept[k] - fresh[k]) <= 1e-10 * (1 + Math.Abs(fresh[k])), $"round {round}, y[{k}]: kept Grams {kept[k]:R} vs fresh {fresh[k]:R}");
        }
        var (updates, rebuilds) = grams.Visits;
        Assert.True(updates > 3 * rebuilds, $"{updates} in-place updates, {rebuilds} rebuilds");
        Assert.True(rebuilds > regulators, "regulator 0 was never rebuilt after waiting past the history");
    }

    [Fact]
    public void ObjectiveNeverIncreases()
    {
        // Random factor blocks (FactorBlock below both dimensions), the published defaults otherwise.
        var (x, _, prior, targets, regulators) = Synthetic(3, 40, 12, 150);
        var moments = ExpressionMoments.Compute(x);
        var o = new NetRexCfOptions { MaxIterations = 40, Tolerance = 0, FactorBlock = 7, Refits = 0, LatentFactors = 8, AlsIterations = 5, NcaIterations = 3 };
        var result = NetRexCfGrn.Fit(x, targets, regulators, prior, moments, o, Context());
        var f = result.Fit.Certificate.ObjectiveHistory;
        Assert.Equal(41, f.Length);
        for (int k = 1; k < f.Length; k++)
            Assert.True(f[k] <= f[k - 1] * (1 + 1e-12), $"F rose at iteration {k}: {f[k - 1]:R} -> {f[k]:R}");
        Assert.True(f[^1] < f[0], "PALM made no progress");
        Assert.True(result.Fit.Certificate.LargestIncrease <= 1e-12);
    }

    [Fact]
    public void FitRanksTrueEdgesFirstAndConfidenceIsInUnitInterval()
    {
        var (x, truth, prior, targets, regulators) = Synthetic(5, 40, 10, 300);
        var moments = ExpressionMoments.Compute(x);
        var o = new NetRexCfOptions { Refits = 4, RefitIterations = 10, MaxIterations = 60 };
        var result = NetRexCfGrn.Fit(x, targets, regulators, prior, moments, o, Context());
        Assert.NotEqual(SolverStatus.NumericalFailure, result.Fit.Status);
        Assert.Equal(4, result.Refits.Length);
        Assert.All(result.Confidence, c => Assert.InRange(c, 0.0, 1.0));
        int g = targets.Length;
        for (int j = 0; j < regulators.Length; j++) Assert.Equal(0.0, result.Confidence[j + j * g]);
        // Precision of the top k edges by confidence (k = the true edges) far above the base rate.
        int k = truth.Count(b => b);
        var top = Enumerable.Range(0, truth.Length).OrderByDescending(e => result.Confidence[e]).Take(k).ToArray();
        double precision = top.Count(e => truth[e]) / (double)k, baseRate = k / (double)(truth.Length - regulators.Length);
        Assert.True(precision > 2.5 * baseRate, $"precision at k={k}: {precision:F3}, base rate {baseRate:F3}");
    }

    [Fact]
    public void SameSeedSameBitsAnyThreads()
    {
        var (x, _, prior, targets, regulators) = Synthetic(8, 30, 8, 80);
        var moments = ExpressionMoments.Compute(x);
        var o = new NetRexCfOptions { Refits = 2, RefitIterations = 5, MaxIterations = 10, FactorBlock = 5, LatentFactors = 6 };
        var one = NetRexCfGrn.Fit(x, targets, regulators, prior, moments, o, Context(1));
        var two = NetRexCfGrn.Fit(x, targets, regulators, prior, moments, o, Context(2));
        Assert.Equal(one.Confidence, two.Confidence);
        Assert.Equal(one.Fit.Certificate.ObjectiveHistory, two.Fit.Certificate.ObjectiveHistory);
    }

    [Fact]
    public void AnchorsNeverLeaveTheNetwork()
    {
        var o = FixtureOptions(6) with { Refits = 0 };
        var forbidden = Fixture.GetProperty("forbidden").EnumerateArray().Select(p => (p[0].GetInt32(), p[1].GetInt32())).ToArray();
        // The fixture's forbidden self pairs become anchors instead; they start nonzero.
        var edges = NetRexCfEdges.Build(Int("genes"), Int("regulators"), Doubles(Fixture, "prior_sum"), [], o, forbidden);
        int g = Int("genes");
        foreach (var (i, j) in forbidden)
        {
            long e = i + (long)j * g;
            Assert.Equal((1.0, 1.0, 0.0, 0.0), (edges.Prior[e], edges.Alpha[e], edges.Beta[e], edges.Eta[e]));
        }
        var start = Start();
        foreach (var (i, j) in forbidden) start.S[i + j * g] = 0.01;
        var fit = NetRexCfGrn.Solve(Doubles(Fixture, "gram"), edges, start, o, Context());
        foreach (var (i, j) in forbidden) Assert.NotEqual(0.0, fit.State.S[i + j * g]);
        var f = fit.Certificate.ObjectiveHistory;
        for (int k = 1; k < f.Length; k++) Assert.True(f[k] <= f[k - 1] * (1 + 1e-12), $"F rose at {k}");
    }

    [Fact]
    public void BadArgumentsNameTheParameter()
    {
        Assert.Equal("LatentFactors", Assert.Throws<ArgumentOutOfRangeException>(() => new NetRexCfOptions { LatentFactors = 0 }.Validate()).ParamName);
        Assert.Equal("Lambda", Assert.Throws<ArgumentOutOfRangeException>(() => new NetRexCfOptions { Lambda = double.NaN }.Validate()).ParamName);
        var noPrior = Assert.Throws<ArgumentException>(() => NetRexCfEdges.Build(3, 2, new double[6], [], new NetRexCfOptions()));
        Assert.Equal("priorSum", noPrior.ParamName);
        Assert.Equal("priorSum", Assert.Throws<ArgumentException>(() => NetRexCfEdges.Build(3, 2, new double[] { 0, 1, -1, 0, 0, 0 }, [], new NetRexCfOptions())).ParamName);
    }
}

public class RowCholeskyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(75)]
    [InlineData(97)]
    [InlineData(150)]
    [InlineData(300)]
    public void SolvesSymmetricPositiveDefiniteSystems(int k)
    {
        var rng = new Random(k);
        var m = new double[k * k];
        var b = new double[k * k];
        for (int i = 0; i < b.Length; i++) b[i] = rng.NextDouble() - 0.5;
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += b[i * k + p] * b[j * k + p];
                m[i * k + j] = s + (i == j ? 0.1 : 0);
            }
        var x = Enumerable.Range(0, k).Select(i => Math.Sin(i + 1.0)).ToArray();
        var rhs = new double[k];
        for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) rhs[i] += m[i * k + j] * x[j];
        var l = (double[])m.Clone();
        Assert.True(GrnFast.Solvers.NetRex.RowCholesky.Factor(l, k));
        // L L^T = M on the lower triangle, to round-off of the largest entry; the strictly upper part is scratch.
        double largest = m.Max(Math.Abs);
        for (int i = 0; i < k; i++)
            for (int j = 0; j <= i; j++)
            {
                double llt = 0;
                for (int p = 0; p <= j; p++) llt += l[i * k + p] * l[j * k + p];
                Assert.True(Math.Abs(llt - m[i * k + j]) <= 1e-13 * k * largest, $"k={k}: (L L^T)[{i}, {j}] = {llt:R}, M = {m[i * k + j]:R}");
            }
        GrnFast.Solvers.NetRex.RowCholesky.Solve(l, k, rhs);
        for (int i = 0; i < k; i++) Assert.Equal(x[i], rhs[i], 1e-6);
        // W = L^-1: lower triangular with L W = I.
        var w = Enumerable.Repeat(double.NaN, k * k).ToArray();
        GrnFast.Solvers.NetRex.RowCholesky.InvertFactor(l, k, w);
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                if (j > i) { Assert.Equal(0.0, w[i * k + j]); continue; }
                double lw = 0;
                for (int p = j; p <= i; p++) lw += l[i * k + p] * w[p * k + j];
                Assert.Equal(i == j ? 1.0 : 0.0, lw, 1e-9);
            }
        var notPd = new double[] { 1, 2, 2, 1 };
        Assert.False(GrnFast.Solvers.NetRex.RowCholesky.Factor(notPd, 2));
    }
}

public class SparseNetworkTests
{
    [Theory]
    [InlineData(1, 1, 1.0)]
    [InlineData(70, 9, 0.3)]
    [InlineData(129, 33, 0.05)]
    [InlineData(40, 12, 0.0)]
    [InlineData(50, 70, 0.3)]
    [InlineData(37, 300, 0.2)]
    public void ProductsMatchTheDenseOnes(int g, int t, double density)
    {
        var rng = new Random(g * 100 + t);
        var s = new double[g * t];
        for (int e = 0; e < s.Length; e++) if (rng.NextDouble() < density) s[e] = rng.NextDouble() * 2 - 1;
        var sparse = new GrnFast.Solvers.NetRex.SparseNetwork(g, t);
        sparse.Load(new double[g * t]);
        sparse.Load(s);
        Assert.Equal(s.Count(v => v != 0), sparse.Count);
        double S(int i, int j) => s[i + j * g];

        var gram = new double[t * t];
        sparse.Gram(gram, 2, new GrnFast.Kernels.Blas.ManagedBlas(1), s);
        var m = Enumerable.Range(0, g * g).Select(_ => rng.NextDouble()).ToArray();
        var ms = new double[g * t];
        sparse.LeftMultiply(m, g, ms, 2, new GrnFast.Kernels.Blas.ManagedBlas(1), s);
        // From the packed row panels: the same sums in the same order, so the same bits.
        var packed = new double[g * t];
        sparse.LeftMultiply(m, g, packed, 2, new GrnFast.Kernels.Blas.ManagedBlas(1), s, GrnFast.Solvers.NetRex.SparseNetwork.PackRowPanels(m, g, g));
        Assert.Equal(ms, packed);
        // With an addend and work alongside: the product plus 0.7 addend by the same Axpy as one pass, and the work done once.
        var addend = Enumerable.Range(0, g * t).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var expectedSum = (double[])ms.Clone();
        GrnFast.Kernels.Vectors.VectorKernels.Axpy(0.7, addend, expectedSum);
        var withAddend = new double[g * t];
        int ran = 0;
        sparse.LeftMultiply(m, g, withAddend, 2, new GrnFast.Kernels.Blas.ManagedBlas(1), s, addend: addend, addScale: 0.7, alongside: () => Interlocked.Increment(ref ran));
        Assert.Equal(expectedSum, withAddend);
        Assert.Equal(1, ran);
        var b = Enumerable.Range(0, t * g).Select(_ => rng.NextDouble()).ToArray();   // B^T, t x g
        var bts = new double[t * t];
        sparse.TransposeTimes(b, bts, 2);
        var c = Enumerable.Range(0, t * t).Select(_ => rng.NextDouble()).ToArray();   // C^T, t x t
        var sc = Enumerable.Repeat(double.NaN, g * t).ToArray();
        sparse.RightMultiply(c, 2, sc);
        // S C sums each row's nonzeros in increasing column order, each product rounded then added: those bits exactly.
        for (int i = 0; i < g; i++)
            for (int j = 0; j < t; j++)
            {
                double sum = 0;
                for (int p = 0; p < t; p++)
                    if (S(i, p) != 0) sum += S(i, p) * c[j + p * t];
                Assert.Equal(sum, sc[i + j * g]);
            }
        for (int j = 0; j < t; j++)
            for (int l = 0; l < t; l++)
            {
                double sts = 0, btsExpected = 0;
                for (int i = 0; i < g; i++) { sts += S(i, j) * S(i, l); btsExpected += b[j + i * t] * S(i, l); }
                Assert.Equal(sts, gram[j + l * t], 1e-12);
                Assert.Equal(gram[l + j * t], gram[j + l * t]);
                Assert.Equal(btsExpected, bts[j + l * t], 1e-12);
            }
        for (int i = 0; i < g; i++)
            for (int j = 0; j < t; j++)
            {
                double msExpected = 0, scExpected = 0;
                for (int p = 0; p < g; p++) msExpected += m[i + p * g] * S(p, j);
                for (int p = 0; p < t; p++) scExpected += S(i, p) * c[j + p * t];
                Assert.Equal(msExpected, ms[i + j * g], 1e-12);
                Assert.Equal(scExpected, sc[i + j * g], 1e-12);
            }
    }
}
