using GrnFast.Kernels;
using GrnFast.Kernels.Blas;
using GrnFast.Solvers.CellOracle;
using GrnFast.Solvers.Data;
using GrnFast.Solvers.Results;
using static GrnFast.Solvers.Tests.CellOracle.CellOracleFixture;

namespace GrnFast.Solvers.Tests.CellOracle;

public class CellOracleGrnTests
{
    /// <summary>
    /// GrnFast's own draws against scikit-learn's: 400 bags of the same target each. Per candidate, the two samples of
    /// bag coefficients must pass a two-sample Kolmogorov-Smirnov test, Welch's test of means and a test of log
    /// variance ratio at level 1e-3, and each candidate is drawn in ~6/8 of the bags (binomial, 4 sd).
    /// </summary>
    [Fact]
    public void BagCoefficientDistributionAgreesWithScikitLearnsDraws()
    {
        var root = Load("bag_distribution.json");
        var (x, _, column) = Expression(root);
        var regulators = Strings(root.GetProperty("regulators"));
        var candidates = Strings(root.GetProperty("candidates"));
        var problem = Problem(regulators, column, [(root.GetProperty("target").GetString()!, candidates)]);
        int bags = root.GetProperty("bags").GetInt32();
        var reference = root.GetProperty("bag_coef").EnumerateArray().Select(Doubles).ToArray();

        var result = CellOracleGrn.Fit(x, problem, null, new CellOracleOptions { Alpha = root.GetProperty("alpha").GetDouble(), Bags = bags, KeepBagCoefficients = true }, Context());
        var ours = result.Clusters[0].Targets[0].BagCoefficients!;
        for (int i = 0; i < candidates.Length; i++)
        {
            var a = reference.Select(r => r[i]).Where(v => !double.IsNaN(v)).ToArray();
            var b = ours.Select(r => r[i]).Where(v => !double.IsNaN(v)).ToArray();
            string name = $"candidate {candidates[i]} ({a.Length} scikit-learn bags, {b.Length} GrnFast bags)";
            Assert.InRange(b.Length, bags * 0.75 - 4 * Math.Sqrt(bags * 0.75 * 0.25), bags * 0.75 + 4 * Math.Sqrt(bags * 0.75 * 0.25));
            double ks = KolmogorovSmirnov(a, b), critical = 1.949 * Math.Sqrt((a.Length + b.Length) / (double)(a.Length * b.Length));
            Assert.True(ks < critical, $"{name}: KS D = {ks:G4} >= {critical:G4}");
            var (ma, va) = MeanVariance(a);
            var (mb, vb) = MeanVariance(b);
            double welch = (ma - mb) / Math.Sqrt(va / a.Length + vb / b.Length);
            Assert.True(Math.Abs(welch) < 3.29, $"{name}: means {ma:G5} vs {mb:G5}, Welch z = {welch:G3}");
            double logRatio = Math.Log(va / vb) / Math.Sqrt(2.0 / (a.Length - 1) + 2.0 / (b.Length - 1));
            Assert.True(Math.Abs(logRatio) < 3.29, $"{name}: variances {va:G4} vs {vb:G4}, z = {logRatio:G3}");
        }
    }

    [Fact]
    public void SameBitsForAnyThreadCountLayoutAndStorage()
    {
        // 300 columns: three GEMM tiles, the last one partial.
        var (x, problem) = Synthetic(cells: 400, genes: 300, regulators: 45, candidates: 6, seed: 3);
        var clusters = new CellClusters(["a", "b"], [Enumerable.Range(0, 400).Where(c => c % 3 != 0).ToArray(), Enumerable.Range(0, 400).Where(c => c % 3 == 0).ToArray()]);
        foreach (var estimator in new[] { CellOracleEstimator.BaggedRidge, CellOracleEstimator.BayesianRidge })
        {
            var options = new CellOracleOptions { Estimator = estimator, Bags = 7 };
            var one = CellOracleGrn.Fit(x, problem, clusters, options, Context(threads: 1));
            var two = CellOracleGrn.Fit(x, problem, clusters, options, Context(threads: 2));
            AssertSameBits(one, two, $"{estimator}: 1 vs 2 threads");

            // Row-major input and block-stored input gather the same doubles (the moments' summation order depends on
            // the layout, so both runs take the same moments).
            var rowMajor = new double[x.Rows * x.Cols];
            for (int c = 0; c < x.Rows; c++) for (int g = 0; g < x.Cols; g++) rowMajor[c * x.Cols + g] = x[c, g];
            var rows = CellOracleGrn.Fit(new MatrixView<double>(rowMajor, x.Rows, x.Cols, MatrixLayout.RowMajor), problem, clusters, options, Context(), ExpressionMoments.Compute(x));
            AssertSameBits(one, rows, $"{estimator}: row-major");

            var single = new float[x.Rows * x.Cols];
            for (int i = 0; i < single.Length; i++) single[i] = (float)x.Data.Span[i];
            var floatView = new MatrixView<float>(single, x.Rows, x.Cols, MatrixLayout.ColumnMajor);
            var dense = CellOracleGrn.Fit(floatView, problem, clusters, options, Context());
            var blocks = new List<CellBlock>();
            for (int start = 0; start < x.Rows; start += 97)
            {
                int n = Math.Min(97, x.Rows - start);
                var columns = new ReadOnlyMemory<float>[x.Cols];
                for (int g = 0; g < x.Cols; g++) columns[g] = single.AsMemory(g * x.Rows + start, n);
                blocks.Add(new DenseCellBlock(n, columns));
            }
            var blocked = CellOracleGrn.Fit(new CellBlocks(x.Cols, blocks), problem, clusters, options, Context(), ExpressionMoments.Compute(floatView));
            AssertSameBits(dense, blocked, $"{estimator}: cell blocks");
        }
    }

    [Fact]
    public void AClusterFittedAloneGetsTheSameNetworkAsAmongOthers()
    {
        var (x, problem) = Synthetic(cells: 300, genes: 30, regulators: 10, candidates: 5, seed: 5);
        var odd = Enumerable.Range(0, 300).Where(c => c % 2 == 1).ToArray();
        var both = CellOracleGrn.Fit(x, problem, new CellClusters(["even", "odd"], [Enumerable.Range(0, 300).Where(c => c % 2 == 0).ToArray(), odd]), new CellOracleOptions(), Context());
        var alone = CellOracleGrn.Fit(x, problem, new CellClusters(["odd"], [odd]), new CellOracleOptions(), Context());
        AssertSameNetwork(both.Clusters[1], alone.Clusters[0], "odd");
        Assert.NotEqual(both.Clusters[0].Targets[0].CoefMean, both.Clusters[1].Targets[0].CoefMean);
    }

    /// <summary>
    /// A constant regulator in a cluster is drawn like any candidate (it counts for the 80%) but never reported; a
    /// constant target is not fitted; a seed changes the draws; more bags move coef_mean towards the full-data ridge.
    /// </summary>
    [Fact]
    public void ConstantGenesSeedsAndBagCountBehave()
    {
        var (x, problem) = Synthetic(cells: 200, genes: 20, regulators: 6, candidates: 4, seed: 9);
        var data = x.Data.ToArray();
        int n = x.Rows;
        // Regulator 0 and target column 15 constant over the first cluster's cells (even cells) only.
        for (int c = 0; c < n; c += 2) { data[0 * n + c] = 1.25; data[15 * n + c] = 2.5; }
        var view = new MatrixView<double>(data, n, x.Cols, MatrixLayout.ColumnMajor);
        var clusters = new CellClusters(["even", "odd"], [Enumerable.Range(0, n).Where(c => c % 2 == 0).ToArray(), Enumerable.Range(0, n).Where(c => c % 2 == 1).ToArray()]);
        var result = CellOracleGrn.Fit(view, problem, clusters, new CellOracleOptions { KeepBagCoefficients = true }, Context());
        var even = result.Clusters[0];
        int target15 = Array.IndexOf(problem.TargetColumns, 15);
        Assert.Contains(target15, even.ConstantTargets);
        Assert.DoesNotContain(even.Targets, t => t.Target == target15);
        Assert.Contains(result.Clusters[1].Targets, t => t.Target == target15);
        foreach (var t in even.Targets)
        {
            Assert.DoesNotContain(0, t.Regulators);
            int at = Array.IndexOf(t.CandidateRegulators!, 0);
            if (at >= 0) Assert.All(t.BagCoefficients!, bag => Assert.True(double.IsNaN(bag[at]) || bag[at] == 0));
        }
        Assert.Contains(result.Clusters[1].Targets, t => t.Regulators.Contains(0));

        var other = CellOracleGrn.Fit(view, problem, clusters, new CellOracleOptions { Seed = 7 }, Context());
        Assert.NotEqual(result.Clusters[1].Targets[0].CoefMean, other.Clusters[1].Targets[0].CoefMean);
    }

    [Fact]
    public void OneBagWithEveryCellAndEveryCandidateIsPlainRidge()
    {
        var (x, problem) = Synthetic(cells: 150, genes: 14, regulators: 5, candidates: 4, seed: 2);
        var sampler = new AllCellsSampler();
        var result = CellOracleGrn.Fit(ExpressionSource.Of(x), problem, null, new CellOracleOptions { Bags = 1, FeatureFraction = 1, Alpha = 3 }, Context(), ExpressionMoments.Compute(x), sampler);
        var moments = ExpressionMoments.Compute(x);
        var candidates = problem.Candidates();
        foreach (var fit in result.Clusters[0].Targets)
        {
            // Closed form on the cells: centred X scaled by the global sd, raw centred y, (X^T X + alpha I) theta = X^T y.
            var regs = candidates[fit.Target].Regulators;
            int k = regs.Length, n = x.Rows;
            var xs = new double[k][];
            for (int i = 0; i < k; i++)
            {
                var col = x.Column(problem.RegulatorColumns[regs[i]]).ToArray();
                double mean = col.Average(), sd = Math.Sqrt(moments.Variance[problem.RegulatorColumns[regs[i]]]);
                xs[i] = col.Select(v => (v - mean) / sd).ToArray();
            }
            var y = x.Column(problem.TargetColumns[fit.Target]).ToArray();
            double ym = y.Average();
            var a = new double[k * k];
            var b = new double[k];
            for (int i = 0; i < k; i++)
            {
                for (int j = 0; j < k; j++) a[i * k + j] = Enumerable.Range(0, n).Sum(c => xs[i][c] * xs[j][c]);
                a[i * k + i] += 3;
                b[i] = Enumerable.Range(0, n).Sum(c => xs[i][c] * (y[c] - ym));
            }
            Assert.True(Cholesky.Factor(a, k));
            Cholesky.Solve(a, k, b);
            for (int i = 0; i < k; i++) Assert.Equal(b[i], fit.CoefMean[i], 1e-11 * b.Max(Math.Abs));
            Assert.All(fit.P, p => Assert.True(double.IsNaN(p.P))); // one bag: no t-test
        }
    }

    [Fact]
    public void SamplerDrawsAreValidAndUniform()
    {
        var sampler = new SeededBagSampler(123);
        var counts = new int[1000];
        var inclusion = new int[10];
        var chosen = new int[7];
        double outOfBag = 0;
        for (int b = 0; b < 200; b++)
        {
            sampler.Counts(0, "c", b, counts);
            Assert.Equal(1000, counts.Sum());
            outOfBag += counts.Count(c => c == 0) / 1000.0 / 200;
            sampler.Features(0, "c", b, 42, 10, chosen);
            for (int i = 1; i < chosen.Length; i++) Assert.True(chosen[i] > chosen[i - 1]);
            Assert.InRange(chosen[0], 0, 9); Assert.InRange(chosen[^1], 0, 9);
            foreach (var c in chosen) inclusion[c]++;
        }
        Assert.InRange(outOfBag, 0.36, 0.376);               // (1 - 1/n)^n ~ e^-1
        Assert.All(inclusion, c => Assert.InRange(c, 140 - 4 * 6.5, 140 + 4 * 6.5)); // binomial(200, 0.7)
        sampler.Counts(0, "c", 3, counts);
        var again = new int[1000];
        new SeededBagSampler(123).Counts(5, "c", 3, again);  // the label, not the index, seeds a cluster
        Assert.Equal(counts, again);
        new SeededBagSampler(123).Counts(0, "d", 3, again);
        Assert.NotEqual(counts, again);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(5, 3)]
    [InlineData(17, 4)]
    [InlineData(40, 5)]
    public void EigenDecompositionReconstructsTheMatrix(int k, int seed)
    {
        var rng = new Random(seed);
        foreach (var kind in new[] { "random", "low-rank", "repeated", "zero" })
        {
            var a = new double[k * k];
            if (kind == "random")
                for (int i = 0; i < k; i++) for (int j = 0; j <= i; j++) a[i * k + j] = a[j * k + i] = rng.NextDouble() * 2 - 1;
            else if (kind == "low-rank")
            {
                var u = Enumerable.Range(0, k).Select(_ => rng.NextDouble() - 0.5).ToArray();
                for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) a[i * k + j] = 3 * u[i] * u[j];
            }
            else if (kind == "repeated")
                for (int i = 0; i < k; i++) a[i * k + i] = i % 2 == 0 ? 2 : -1;
            var original = (double[])a.Clone();
            var values = new double[k];
            var vectors = new double[k * k];
            Assert.True(SymmetricEigen.Decompose(a, k, values, vectors, new double[k]), kind);
            double norm = Math.Max(1, original.Max(Math.Abs));
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++)
                {
                    double av = 0, vv = 0;
                    for (int p = 0; p < k; p++) { av += vectors[i * k + p] * values[p] * vectors[j * k + p]; vv += vectors[p * k + i] * vectors[p * k + j]; }
                    Assert.True(Math.Abs(av - original[i * k + j]) < 1e-13 * k * norm, $"{kind} k={k}: (V diag V^T)[{i},{j}] = {av:R} vs {original[i * k + j]:R}");
                    Assert.True(Math.Abs(vv - (i == j ? 1 : 0)) < 1e-13 * k, $"{kind} k={k}: (V^T V)[{i},{j}] = {vv:R}");
                }
        }
    }

    [Fact]
    public void BadArgumentsThrowWithTheirNames()
    {
        var (x, problem) = Synthetic(cells: 50, genes: 10, regulators: 4, candidates: 2, seed: 1);
        Assert.Equal("Alpha", Assert.Throws<ArgumentOutOfRangeException>(() => CellOracleGrn.Fit(x, problem, null, new CellOracleOptions { Alpha = 0 }, Context())).ParamName);
        Assert.Equal("Bags", Assert.Throws<ArgumentOutOfRangeException>(() => CellOracleGrn.Fit(x, problem, null, new CellOracleOptions { Bags = 0 }, Context())).ParamName);
        Assert.Equal("FeatureFraction", Assert.Throws<ArgumentOutOfRangeException>(() => CellOracleGrn.Fit(x, problem, null, new CellOracleOptions { FeatureFraction = 1.5 }, Context())).ParamName);
        var tiny = new CellClusters(["one"], [[3]]);
        Assert.Contains("at least 2", Assert.Throws<ArgumentException>(() => CellOracleGrn.Fit(x, problem, tiny, new CellOracleOptions(), Context())).Message);
        Assert.Throws<ArgumentException>(() => new CellClusters(["a", "b"], [[1, 2], [2, 3]]));
        Assert.Throws<ArgumentException>(() => new CellClusters(["a", "a"], [[1], [2]]));
    }

    private sealed class AllCellsSampler : BagSampler
    {
        public override void Counts(int cluster, string label, int bag, Span<int> counts) => counts.Fill(1);
        public override void Features(int cluster, string label, int bag, int target, int candidates, Span<int> chosen)
        {
            for (int i = 0; i < chosen.Length; i++) chosen[i] = i;
        }
    }

    /// <summary>Log-normal-ish expression: regulators share factors, each gene a masked target with a few candidates.</summary>
    internal static (MatrixView<double> X, RegulatorTargetProblem Problem) Synthetic(int cells, int genes, int regulators, int candidates, int seed)
    {
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var latent = new double[cells * genes];
        var f = Enumerable.Range(0, cells * 2).Select(_ => Normal()).ToArray();
        for (int g = 0; g < genes; g++)
        {
            double a = Normal() * 0.5, b = Normal() * 0.5;
            for (int c = 0; c < cells; c++) latent[g * cells + c] = a * f[c] + b * f[cells + c] + Normal();
            if (g >= regulators)
                for (int t = 0; t < 2; t++)
                {
                    int r = rng.Next(regulators);
                    double w = rng.NextDouble() < 0.5 ? -0.8 : 0.8;
                    for (int c = 0; c < cells; c++) latent[g * cells + c] += w * latent[r * cells + c];
                }
        }
        var x = latent.Select(v => Math.Log(1 + Math.Floor(2 * Math.Exp(0.5 * v)))).ToArray();
        var weights = new PenaltyWeights(double.PositiveInfinity);
        var targets = Enumerable.Range(0, genes).ToArray();
        for (int j = 0; j < genes; j++)
        {
            var pool = Enumerable.Range(0, regulators).Where(r => r != j).OrderBy(_ => rng.Next()).Take(candidates);
            foreach (var r in pool) weights.Set(r, j, 1);
        }
        return (new MatrixView<double>(x, cells, genes, MatrixLayout.ColumnMajor), new RegulatorTargetProblem(Enumerable.Range(0, regulators).ToArray(), targets, weights));
    }

    private static void AssertSameBits(CellOracleResult a, CellOracleResult b, string what)
    {
        Assert.Equal(a.Clusters.Length, b.Clusters.Length);
        for (int g = 0; g < a.Clusters.Length; g++) AssertSameNetwork(a.Clusters[g], b.Clusters[g], what);
    }

    private static void AssertSameNetwork(ClusterNetwork a, ClusterNetwork b, string what)
    {
        Assert.Equal(a.Targets.Length, b.Targets.Length);
        Assert.True(a.Targets.Length > 0, what);
        for (int t = 0; t < a.Targets.Length; t++)
        {
            Assert.Equal(a.Targets[t].Regulators, b.Targets[t].Regulators);
            Assert.Equal(a.Targets[t].Bags, b.Targets[t].Bags);
            for (int i = 0; i < a.Targets[t].CoefMean.Length; i++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(a.Targets[t].CoefMean[i]) == BitConverter.DoubleToInt64Bits(b.Targets[t].CoefMean[i]), $"{what}: target {t} coef {i}: {a.Targets[t].CoefMean[i]:R} vs {b.Targets[t].CoefMean[i]:R}");
                Assert.True(a.Targets[t].P[i].Equals(b.Targets[t].P[i]), $"{what}: target {t} p {i}");
            }
        }
    }

    private static (double Mean, double Variance) MeanVariance(double[] v)
    {
        double m = v.Average();
        return (m, v.Sum(x => (x - m) * (x - m)) / (v.Length - 1));
    }

    private static double KolmogorovSmirnov(double[] a, double[] b)
    {
        var sa = a.OrderBy(v => v).ToArray();
        var sb = b.OrderBy(v => v).ToArray();
        int i = 0, j = 0;
        double d = 0;
        while (i < sa.Length && j < sb.Length)
        {
            double v = Math.Min(sa[i], sb[j]);
            while (i < sa.Length && sa[i] == v) i++;
            while (j < sb.Length && sb[j] == v) j++;
            d = Math.Max(d, Math.Abs((double)i / sa.Length - (double)j / sb.Length));
        }
        return d;
    }
}
