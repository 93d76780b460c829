using GrnFast.Solvers.Data;
using GrnFast.Solvers.ElasticNet;
using GrnFast.Solvers.Results;

namespace GrnFast.Solvers.Tests.ElasticNet;

public class ElasticNetGrnTests
{
    private static readonly SyntheticProblem Small = new(cells: 120, genes: 30, regulators: 12, seed: 7);

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(0.05)]
    [InlineData(0.0)]
    public void EveryFitOnThePathHasItsCertificate(double l1Ratio)
    {
        var result = SyntheticProblem.Fit(Small.View, Small.Problem(), new ElasticNetOptions { L1Ratio = l1Ratio, PathLength = 30, Tolerance = 1e-8 });
        foreach (var t in result.Targets)
        {
            Assert.Equal(SolverStatus.Converged, t.Status);
            Assert.True(t.WorstCertificate.DualityGap <= t.WorstCertificate.Tolerance, $"target {t.Target}: gap {t.WorstCertificate.DualityGap} > tol {t.WorstCertificate.Tolerance}");
            Assert.True(t.Certificate.DualityGap >= -1e-12 * t.Certificate.Tolerance / 1e-8, $"target {t.Target}: negative gap {t.Certificate.DualityGap}");
        }
    }

    /// <summary>
    /// The solution from the Gram path satisfies the KKT conditions evaluated directly on the cells:
    /// X_i^T r / n - l2_i theta_i = l1_i sign(theta_i) when theta_i != 0, |X_i^T r / n| &lt;= l1_i otherwise.
    /// </summary>
    [Theory]
    [InlineData(1.0, 0.05)]
    [InlineData(0.5, 0.02)]
    [InlineData(0.2, 0.3)]
    public void FixedAlphaSolutionSatisfiesKktOnTheCells(double l1Ratio, double alpha)
    {
        var weights = new PenaltyWeights();
        weights.Set(3, 20, 0.3); weights.Set(5, 21, 2.0);
        var result = SyntheticProblem.Fit(Small.View, Small.Problem(weights), new ElasticNetOptions { L1Ratio = l1Ratio, Alpha = alpha, Tolerance = 1e-12 });
        int n = Small.Cells;
        foreach (var fit in result.Targets)
        {
            int j = fit.Target;
            var (_, y, _) = Small.Column(j);
            var theta = new double[Small.RegulatorCount];
            for (int e = 0; e < fit.Regulators.Length; e++) theta[fit.Regulators[e]] = fit.Coefficients[e];
            var r = (double[])y.Clone();
            var cols = new double[Small.RegulatorCount][];
            for (int i = 0; i < Small.RegulatorCount; i++)
            {
                cols[i] = Small.Column(i).Standardized;
                for (int c = 0; c < n; c++) r[c] -= theta[i] * cols[i][c];
            }
            double scale = Math.Sqrt(y.Sum(v => v * v) / n);
            for (int i = 0; i < Small.RegulatorCount; i++)
            {
                if (i == j) { Assert.Equal(0, theta[i]); continue; }
                double w = weights.Get(i, j);
                double l1 = alpha * l1Ratio * w, l2 = alpha * (1 - l1Ratio) * w;
                double grad = 0;
                for (int c = 0; c < n; c++) grad += cols[i][c] * r[c];
                grad /= n;
                if (theta[i] != 0) Assert.True(Math.Abs(grad - l2 * theta[i] - l1 * Math.Sign(theta[i])) < 1e-6 * scale, $"target {j} regulator {i}: active KKT off by {grad - l2 * theta[i] - l1 * Math.Sign(theta[i])}");
                else Assert.True(Math.Abs(grad) <= l1 + 1e-6 * scale, $"target {j} regulator {i}: |grad| {Math.Abs(grad)} > l1 {l1}");
            }
        }
    }

    /// <summary>
    /// Cells barely outnumber candidates, so G is nearly singular and plain coordinate descent crawls at
    /// small alpha; every fit of the path still converges within the sweep budget with its certificate.
    /// </summary>
    [Fact]
    public void IllConditionedPathConvergesWithinTheSweepBudget()
    {
        var tight = new SyntheticProblem(cells: 45, genes: 60, regulators: 40, seed: 5);
        var result = SyntheticProblem.Fit(tight.View, tight.Problem(), new ElasticNetOptions { PathLength = 50, MaxSweeps = 3000 });
        foreach (var t in result.Targets)
            Assert.True(t.WorstCertificate.DualityGap <= t.WorstCertificate.Tolerance,
                $"target {t.Target}: gap {t.WorstCertificate.DualityGap} > tol {t.WorstCertificate.Tolerance} after {t.WorstCertificate.Sweeps} sweeps");
    }

    [Fact]
    public void WarmStartedPathEqualsColdStartAtTheSameAlpha()
    {
        var opts = new ElasticNetOptions { L1Ratio = 0.7, PathLength = 20, Tolerance = 1e-12, SnapshotPathIndex = 13 };
        var path = SyntheticProblem.Fit(Small.View, Small.Problem(), opts);
        foreach (var t in path.Targets.Take(20))
        {
            var cold = SyntheticProblem.Fit(Small.View, new RegulatorTargetProblem(Enumerable.Range(0, 12).ToArray(), [t.Target], new PenaltyWeights()),
                opts with { Alpha = t.Snapshot!.Alpha, SnapshotPathIndex = null }).Targets[0];
            var warm = Dense(t.Snapshot.Regulators, t.Snapshot.Coefficients, 12);
            var c = Dense(cold.Regulators, cold.Coefficients, 12);
            for (int i = 0; i < 12; i++) Assert.True(Math.Abs(warm[i] - c[i]) <= 1e-6 * (1 + Math.Abs(c[i])), $"target {t.Target} regulator {i}: warm {warm[i]} cold {c[i]}");
        }
    }

    [Fact]
    public void SameBitsForAnyThreadCountAndLayoutOnlyRoundsOff()
    {
        var big = new SyntheticProblem(cells: 300, genes: 80, regulators: 25, seed: 11, zeroFraction: 0.4);
        var opts = new ElasticNetOptions { PathLength = 25 };
        var one = SyntheticProblem.Fit(big.View, big.Problem(), opts, threads: 1);
        var two = SyntheticProblem.Fit(big.View, big.Problem(), opts, threads: 2);
        var four = SyntheticProblem.Fit(big.View, big.Problem(), opts, threads: 4);
        var rows = SyntheticProblem.Fit(big.ViewRowMajor, big.Problem(), opts, threads: 2);
        foreach (var other in new[] { two, four })
            for (int j = 0; j < one.Targets.Length; j++)
            {
                Assert.Equal(one.Targets[j].Regulators, other.Targets[j].Regulators);
                Assert.Equal(one.Targets[j].Coefficients, other.Targets[j].Coefficients);
                Assert.Equal(one.Targets[j].Importance, other.Targets[j].Importance);
            }
        // Row-major input sums the moments in another order: equal up to round-off, not bit for bit.
        for (int j = 0; j < one.Targets.Length; j++)
        {
            var a = Dense(one.Targets[j].Regulators, one.Targets[j].Coefficients, 25);
            var b = Dense(rows.Targets[j].Regulators, rows.Targets[j].Coefficients, 25);
            for (int i = 0; i < 25; i++) Assert.True(Math.Abs(a[i] - b[i]) <= 1e-9 * (1 + Math.Abs(a[i])), $"target {j} regulator {i}: {a[i]} vs {b[i]}");
        }
    }

    /// <summary>Candidates per target, built on several threads, are the one-thread lists: hard mask and soft weights.</summary>
    [Fact]
    public void CandidatesDoNotDependOnThreads()
    {
        var rng = new Random(8);
        foreach (double fallback in new[] { double.PositiveInfinity, 1.0 })
        {
            var weights = new PenaltyWeights(fallback);
            for (int t = 0; t < 200; t++)
                for (int r = 0; r < 30; r++)
                    if (rng.NextDouble() < 0.3) weights.Set(r, t, rng.NextDouble() < 0.1 ? double.PositiveInfinity : 0.1 + rng.NextDouble());
            // Regulators 0..29 are also genes 0..29, so targets below 30 drop themselves.
            var problem = new RegulatorTargetProblem(Enumerable.Range(0, 30).ToArray(), Enumerable.Range(0, 200).ToArray(), weights);
            var one = problem.Candidates(1);
            var many = problem.Candidates(4);
            for (int t = 0; t < 200; t++)
            {
                Assert.Equal(one[t].Regulators, many[t].Regulators);
                Assert.Equal(one[t].Weights, many[t].Weights);
                Assert.DoesNotContain(t, t < 30 ? one[t].Regulators : []);
                Assert.True(one[t].Regulators.SequenceEqual(one[t].Regulators.Order()), $"target {t}: regulators not sorted");
            }
        }
    }

    [Fact]
    public void Float32GramIsCloseToFloat64()
    {
        var opts = new ElasticNetOptions { Alpha = 0.02, Tolerance = 1e-10 };
        var d = SyntheticProblem.Fit(Small.View, Small.Problem(), opts);
        var f = SyntheticProblem.Fit(Small.View, Small.Problem(), opts with { Precision = GramPrecision.Float32 });
        for (int j = 0; j < d.Targets.Length; j++)
        {
            var a = Dense(d.Targets[j].Regulators, d.Targets[j].Coefficients, 12);
            var b = Dense(f.Targets[j].Regulators, f.Targets[j].Coefficients, 12);
            for (int i = 0; i < 12; i++) Assert.True(Math.Abs(a[i] - b[i]) < 1e-4 * (1 + Math.Abs(a[i])), $"target {j} regulator {i}: float64 {a[i]} float32 {b[i]}");
        }
    }

    /// <summary>
    /// float32 on float input takes the cross-products against the raw (uncentred: targets have mean 3)
    /// input, column-major or row-major; both agree with the float64 path, which standardises everything.
    /// </summary>
    [Fact]
    public void CrossProductsAgainstTheRawFloatInputMatchFloat64()
    {
        var opts = new ElasticNetOptions { PathLength = 20, Tolerance = 1e-10, SnapshotPathIndex = 12 };
        var reference = SyntheticProblem.Fit(Small.View, Small.Problem(), opts);
        foreach (var view in new[] { Small.ViewFloat, Small.ViewFloatRowMajor })
        {
            var f = SyntheticProblem.Fit(view, Small.Problem(), opts with { Precision = GramPrecision.Float32 });
            for (int j = 0; j < reference.Targets.Length; j++)
            {
                var a = Dense(reference.Targets[j].Snapshot!.Regulators, reference.Targets[j].Snapshot!.Coefficients, 12);
                var b = Dense(f.Targets[j].Snapshot!.Regulators, f.Targets[j].Snapshot!.Coefficients, 12);
                for (int i = 0; i < 12; i++)
                    Assert.True(Math.Abs(a[i] - b[i]) < 1e-4 * (1 + Math.Abs(a[i])), $"{view.Layout} target {j} regulator {i}: float64 {a[i]} float32 {b[i]}");
                Assert.Equal(reference.Targets[j].AlphaMax, f.Targets[j].AlphaMax, 1e-5 * reference.Targets[j].AlphaMax);
            }
        }
    }

    [Fact]
    public void HardMaskEqualsFittingOnTheMaskedRegulatorsOnly()
    {
        int target = 25;
        var allowed = new[] { 1, 4, 9 };
        var mask = new PenaltyWeights(double.PositiveInfinity);
        foreach (var r in allowed) mask.Set(r, 0, 1.0);
        var opts = new ElasticNetOptions { Alpha = 0.01, Tolerance = 1e-12 };
        var masked = SyntheticProblem.Fit(Small.View, new RegulatorTargetProblem(Enumerable.Range(0, 12).ToArray(), [target], mask), opts).Targets[0];
        var subset = SyntheticProblem.Fit(Small.View, new RegulatorTargetProblem(allowed, [target], new PenaltyWeights()), opts).Targets[0];
        Assert.Equal(3, masked.Candidates);
        Assert.Equal(allowed.Length, subset.Candidates);
        Assert.Equal(subset.Regulators.Select(r => allowed[r]).ToArray(), masked.Regulators);
        for (int e = 0; e < subset.Coefficients.Length; e++) Assert.Equal(subset.Coefficients[e], masked.Coefficients[e], 12);
    }

    [Fact]
    public void ATargetNeverRegressesOnItselfAndAlphaMaxGivesZero()
    {
        var result = SyntheticProblem.Fit(Small.View, Small.Problem(), new ElasticNetOptions { PathLength = 10, SnapshotPathIndex = 0 });
        foreach (var t in result.Targets)
        {
            Assert.DoesNotContain(t.Target, t.Target < 12 ? t.Regulators : []);
            Assert.Empty(t.Snapshot!.Regulators); // theta = 0 at alpha_max
            Assert.Equal(t.Target < 12 ? 11 : 12, t.Candidates);
        }
    }

    [Fact]
    public void PriorWeightBelowOneLetsAnEdgeInEarlier()
    {
        var opts = new ElasticNetOptions { PathLength = 30 };
        var plain = SyntheticProblem.Fit(Small.View, Small.Problem(), opts);
        // Pick, for target 20, the candidate that enters last, and favour it.
        var t = plain.Targets[20];
        int weakest = t.Regulators[Array.IndexOf(t.Importance, t.Importance.Min())];
        var w = new PenaltyWeights();
        w.Set(weakest, 20, 0.05);
        var favoured = SyntheticProblem.Fit(Small.View, Small.Problem(w), opts).Targets[20];
        double before = t.Importance[Array.IndexOf(t.Regulators, weakest)];
        double after = favoured.Importance[Array.IndexOf(favoured.Regulators, weakest)];
        Assert.True(after > before * 5, $"importance {before} -> {after}");
    }

    [Fact]
    public void CrossValidationSelectsAnAlphaOnThePathAndIsDeterministic()
    {
        var opts = new ElasticNetOptions { PathLength = 15, Selection = new ModelSelection.CrossValidation(4), Seed = 3 };
        var a = SyntheticProblem.Fit(Small.View, Small.Problem(), opts, threads: 1);
        var b = SyntheticProblem.Fit(Small.View, Small.Problem(), opts, threads: 3);
        for (int j = 0; j < a.Targets.Length; j++)
        {
            Assert.Equal(a.Targets[j].SelectedAlpha, b.Targets[j].SelectedAlpha);
            Assert.InRange(a.Targets[j].SelectedAlpha, a.Targets[j].AlphaMax * 1e-3 * 0.999, a.Targets[j].AlphaMax * 1.0001);
        }
        // Targets driven by regulators (columns >= 12) should not select the empty model.
        Assert.True(a.Targets.Skip(12).Count(t => t.Coefficients.Any(c => c != 0)) >= 15);
    }

    [Fact]
    public void CrossValidationOnTheFloat32GramAgreesWithFloat64()
    {
        var opts = new ElasticNetOptions { PathLength = 15, Selection = new ModelSelection.CrossValidation(3), Seed = 9 };
        var d = SyntheticProblem.Fit(Small.View, Small.Problem(), opts);
        var f = SyntheticProblem.Fit(Small.View, Small.Problem(), opts with { Precision = GramPrecision.Float32 });
        // alpha_max itself differs by round-off between precisions: compare positions on the path.
        static int Index(GrnFast.Solvers.Results.TargetFit t) => (int)Math.Round(Math.Log(t.SelectedAlpha / t.AlphaMax) / Math.Log(1e-3) * 14);
        int same = d.Targets.Zip(f.Targets).Count(p => Index(p.First) == Index(p.Second));
        Assert.True(same >= d.Targets.Length - 2, $"{same} of {d.Targets.Length} targets select the same alpha");
    }

    [Fact]
    public void BadArgumentsNameTheParameter()
    {
        Assert.Throws<ArgumentOutOfRangeException>("L1Ratio", () => new ElasticNetOptions { L1Ratio = 1.5 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>("Alpha", () => new ElasticNetOptions { Alpha = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>("weight", () => new PenaltyWeights().Set(0, 0, 0));
        var constant = new double[20 * 3];
        for (int i = 0; i < 20; i++) { constant[i] = i; constant[20 + i] = 5; constant[40 + i] = i * i; }
        var view = new GrnFast.Kernels.MatrixView<double>(constant, 20, 3, GrnFast.Kernels.MatrixLayout.ColumnMajor);
        var ex = Assert.Throws<ArgumentException>(() => SyntheticProblem.Fit(view, new RegulatorTargetProblem([0, 1], [2], new PenaltyWeights()), new ElasticNetOptions()));
        Assert.Contains("column 1", ex.Message);
    }

    internal static double[] Dense(int[] idx, double[] val, int n)
    {
        var d = new double[n];
        for (int i = 0; i < idx.Length; i++) d[idx[i]] = val[i];
        return d;
    }
}
