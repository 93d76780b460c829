using GrnFast.Solvers.Data;
using GrnFast.Solvers.ElasticNet;
using GrnFast.Solvers.Results;

namespace GrnFast.Solvers.Tests.ElasticNet;

/// <summary>
/// The lasso homotopy against coordinate descent at a tight tolerance, on whole paths: prior weights, hard
/// masks, fewer cells than candidates, and exactly collinear candidates (where the homotopy must hand over).
/// </summary>
public class LassoHomotopyTests
{
    private const int PathLength = 20;

    private static ElasticNetOptions Options(PathSolver solver, double tolerance = 1e-12) =>
        new() { L1Ratio = 1, PathLength = PathLength, PathMinRatio = 1e-3, Tolerance = tolerance, MaxSweeps = 1_000_000, Solver = solver };

    /// <summary>Dense coefficients of every target at every alpha of the path: [target][alpha * regulators + regulator].</summary>
    private static double[][] Path(SyntheticProblem data, RegulatorTargetProblem problem, ElasticNetOptions options, out GrnFitResult last)
    {
        int q = problem.RegulatorColumns.Length;
        var path = new double[problem.TargetColumns.Length][];
        for (int j = 0; j < path.Length; j++) path[j] = new double[PathLength * q];
        last = null!;
        for (int a = 0; a < PathLength; a++)
        {
            last = SyntheticProblem.Fit(data.View, problem, options with { SnapshotPathIndex = a });
            foreach (var t in last.Targets)
                for (int e = 0; e < t.Snapshot!.Regulators.Length; e++) path[t.Target][a * q + t.Snapshot.Regulators[e]] = t.Snapshot.Coefficients[e];
        }
        return path;
    }

    private static void AssertSamePath(double[][] expected, double[][] actual, double tolerance, string what)
    {
        for (int j = 0; j < expected.Length; j++)
        {
            double scale = Math.Max(expected[j].Max(Math.Abs), 1e-9);
            for (int i = 0; i < expected[j].Length; i++)
                Assert.True(Math.Abs(expected[j][i] - actual[j][i]) <= tolerance * scale,
                    $"{what}: target {j}, alpha index {i / (expected[j].Length / PathLength)}: coordinate descent {expected[j][i]:R}, homotopy {actual[j][i]:R}");
        }
    }

    public static TheoryData<int, int, int, bool> Problems() => new()
    {
        // cells, genes, regulators, prior weights and a mask
        { 200, 40, 25, false },
        { 200, 40, 25, true },
        { 25, 45, 40, false },   // n < p: the active set grows to n - 1 and G_AA stays regular along the path
        { 25, 45, 40, true },
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public void HomotopyEqualsCoordinateDescentOnWholePaths(int cells, int genes, int regulators, bool weighted)
    {
        var data = new SyntheticProblem(cells, genes, regulators, seed: cells + genes + (weighted ? 1 : 0));
        var weights = new PenaltyWeights();
        if (weighted)
        {
            var rng = new Random(3);
            for (int j = 0; j < genes; j++)
                for (int r = 0; r < regulators; r++)
                {
                    double u = rng.NextDouble();
                    if (u < 0.15) weights.Set(r, j, double.PositiveInfinity);
                    else if (u < 0.5) weights.Set(r, j, 0.2 + 2.5 * rng.NextDouble());
                }
        }
        var problem = data.Problem(weights);
        // Near the interpolating end of an n < p path coordinate descent crawls: stop that path at 1e-2 alpha_max.
        double minRatio = cells < regulators ? 1e-2 : 1e-3;
        var cd = Path(data, problem, Options(PathSolver.CoordinateDescent) with { PathMinRatio = minRatio }, out _);
        var homotopy = Path(data, problem, Options(PathSolver.Homotopy) with { PathMinRatio = minRatio }, out var fit);
        AssertSamePath(cd, homotopy, 1e-6, $"{cells}x{genes}, {regulators} regulators, weighted {weighted}");
        Assert.True(fit.Targets.Count(t => t.SolvedBy == PathSolvedBy.Homotopy) >= fit.Targets.Length * 9 / 10, $"only {fit.Targets.Count(t => t.SolvedBy == PathSolvedBy.Homotopy)} of {fit.Targets.Length} targets finished by the homotopy");
        foreach (var t in fit.Targets)
            Assert.True(t.WorstCertificate.DualityGap <= t.WorstCertificate.Tolerance, $"target {t.Target} ({t.SolvedBy}): gap {t.WorstCertificate.DualityGap} > {t.WorstCertificate.Tolerance}");
    }

    /// <summary>
    /// Jumps between grid alphas reach the points the breakpoints lead to (both are exact), and each edge's entry alpha
    /// stays inside the grid interval where the breakpoints put it; on n &lt; p problems, where coordinates leave, some
    /// intervals fall back to the breakpoints.
    /// </summary>
    [Theory]
    [MemberData(nameof(Problems))]
    public void JumpsReachTheBreakpointsSolution(int cells, int genes, int regulators, bool weighted)
    {
        var data = new SyntheticProblem(cells, genes, regulators, seed: 7 * cells + genes + (weighted ? 1 : 0));
        var weights = new PenaltyWeights();
        if (weighted)
        {
            var rng = new Random(5);
            for (int j = 0; j < genes; j++)
                for (int r = 0; r < regulators; r++)
                    if (rng.NextDouble() < 0.4) weights.Set(r, j, 0.2 + 2.5 * rng.NextDouble());
        }
        var problem = data.Problem(weights);
        double minRatio = cells < regulators ? 1e-2 : 1e-3;
        var events = Path(data, problem, Options(PathSolver.HomotopyEvents) with { PathMinRatio = minRatio }, out var eventFit);
        var jumps = Path(data, problem, Options(PathSolver.Homotopy) with { PathMinRatio = minRatio }, out var jumpFit);
        AssertSamePath(events, jumps, 1e-9, $"jumps against breakpoints, {cells}x{genes}");
        double interval = Math.Pow(minRatio, -1.0 / (PathLength - 1)); // alpha_(k-1) / alpha_k
        for (int j = 0; j < eventFit.Targets.Length; j++)
        {
            var e = eventFit.Targets[j];
            var t = jumpFit.Targets[j];
            Assert.Equal(PathSolvedBy.Homotopy, t.SolvedBy);
            Assert.Equal(e.Regulators, t.Regulators);
            for (int k = 0; k < e.Importance.Length; k++)
            {
                double ratio = t.Importance[k] / e.Importance[k];
                Assert.True(ratio <= interval * (1 + 1e-9) && ratio >= (1 - 1e-9) / interval,
                    $"target {j}, regulator {e.Regulators[k]}: entry importance {t.Importance[k]:R} with jumps, {e.Importance[k]:R} at the breakpoint");
            }
        }
    }

    /// <summary>At every grid alpha the homotopy's point is exact: its duality gap is round-off, far below the default tolerance.</summary>
    [Fact]
    public void CertificateIsRoundOffAtEveryGridAlpha()
    {
        var data = new SyntheticProblem(cells: 300, genes: 50, regulators: 30, seed: 11);
        var fit = SyntheticProblem.Fit(data.View, data.Problem(), Options(PathSolver.Homotopy, tolerance: 1e-4) with { PathLength = 50 });
        foreach (var t in fit.Targets)
        {
            Assert.Equal(PathSolvedBy.Homotopy, t.SolvedBy);
            Assert.Equal(SolverStatus.Converged, t.Status);
            // The tolerance is 1e-4 * ||y||^2/n: the worst gap over the 50 alphas is below 1e-10 of that scale.
            Assert.True(t.WorstCertificate.DualityGap <= 1e-6 * t.WorstCertificate.Tolerance, $"target {t.Target}: gap {t.WorstCertificate.DualityGap} vs tolerance {t.WorstCertificate.Tolerance}");
        }
    }

    /// <summary>A regulator duplicated exactly cannot join a factor holding its twin: the target falls back, is counted, and still equals coordinate descent.</summary>
    [Fact]
    public void CollinearCandidatesFallBackToCoordinateDescentAndAreCounted()
    {
        var data = new SyntheticProblem(cells: 150, genes: 30, regulators: 12, seed: 4);
        // Regulator 1 := 2 x regulator 0 + 1: the same standardised column.
        for (int c = 0; c < data.Cells; c++) data.X[1 * data.Cells + c] = 2 * data.X[c] + 1;
        var problem = data.Problem();
        var cd = Path(data, problem, Options(PathSolver.CoordinateDescent), out var cdFit);
        var homotopy = Path(data, problem, Options(PathSolver.Homotopy), out var fit);
        Assert.True(fit.HomotopyFallbacks > 0, "no target fell back on an exactly duplicated regulator");
        Assert.Equal(fit.Targets.Count(t => t.SolvedBy == PathSolvedBy.HomotopyThenCoordinateDescent), fit.HomotopyFallbacks);
        Assert.Equal(0, cdFit.HomotopyFallbacks);
        foreach (var t in fit.Targets)
            Assert.True(t.WorstCertificate.DualityGap <= t.WorstCertificate.Tolerance, $"target {t.Target}: gap {t.WorstCertificate.DualityGap}");
        // With two identical columns the lasso solution is not unique, but the fitted values are; compare theta_0 + theta_1 and the rest.
        for (int j = 0; j < cd.Length; j++)
            for (int a = 0; a < PathLength; a++)
            {
                cd[j][a * 12] += cd[j][a * 12 + 1]; cd[j][a * 12 + 1] = 0;
                homotopy[j][a * 12] += homotopy[j][a * 12 + 1]; homotopy[j][a * 12 + 1] = 0;
            }
        AssertSamePath(cd, homotopy, 1e-6, "duplicated regulator");
    }

    /// <summary>The homotopy's lasso gap over its active/inactive split is the coordinate-descent gap with l2 = 0, at random points (not only optima).</summary>
    [Fact]
    public void OnePassLassoGapEqualsTheGeneralGap()
    {
        var rng = new Random(17);
        for (int trial = 0; trial < 200; trial++)
        {
            int s = rng.Next(0, 40);
            var theta = new double[s]; var g = new double[s]; var c = new double[s]; var w = new double[s]; var l2 = new double[s];
            for (int i = 0; i < s; i++)
            {
                theta[i] = rng.NextDouble() < 0.5 ? 0 : rng.NextDouble() - 0.5;
                g[i] = rng.NextDouble() - 0.5; c[i] = rng.NextDouble() - 0.5;
                w[i] = rng.NextDouble() < 0.1 ? double.PositiveInfinity : 0.2 + rng.NextDouble();
                if (double.IsPositiveInfinity(w[i])) theta[i] = 0;
            }
            double alpha = 0.01 + rng.NextDouble(), qy = 1 + rng.NextDouble();
            double expected = GramCoordinateDescent.DualityGap(theta, g, c, new WeightedElasticNetPenalty(alpha, w, l2), qy, out double rssExpected);
            // The active set first in a shuffled order: the candidates with theta != 0 and some with theta = 0.
            var order = Enumerable.Range(0, s).OrderBy(_ => rng.Next()).ToArray();
            var isActive = order.Select(i => theta[i] != 0 || (double.IsFinite(w[i]) && rng.NextDouble() < 0.2)).ToArray();
            order = order.Where((_, p) => isActive[p]).Concat(order.Where((_, p) => !isActive[p])).ToArray();
            int active = isActive.Count(a => a);
            double actual = LassoHomotopy.DualityGap(theta, g, c, w, order, active, alpha, qy, out double rss);
            Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"trial {trial}, s {s}: gap {actual:R}, expected {expected:R}");
            Assert.True(Math.Abs(rssExpected - rss) <= 1e-12 * Math.Max(1, Math.Abs(rss)), $"trial {trial}: rss {rss:R}, expected {rssExpected:R}");
        }
    }

    [Fact]
    public void SameBitsForOneAndTwoThreads()
    {
        var data = new SyntheticProblem(cells: 100, genes: 60, regulators: 40, seed: 21);
        var options = Options(PathSolver.Homotopy, 1e-4) with { PathLength = 50, SnapshotPathIndex = 30 };
        var one = SyntheticProblem.Fit(data.View, data.Problem(), options, threads: 1);
        var two = SyntheticProblem.Fit(data.View, data.Problem(), options, threads: 2);
        for (int j = 0; j < one.Targets.Length; j++)
        {
            Assert.Equal(one.Targets[j].Regulators, two.Targets[j].Regulators);
            Assert.Equal(one.Targets[j].Coefficients, two.Targets[j].Coefficients);
            Assert.Equal(one.Targets[j].Importance, two.Targets[j].Importance);
            Assert.Equal(one.Targets[j].Snapshot!.Coefficients, two.Targets[j].Snapshot!.Coefficients);
            Assert.Equal(one.Targets[j].Certificate, two.Targets[j].Certificate);
        }
    }

    [Fact]
    public void AutoUsesTheHomotopyForLassoPathsOnly()
    {
        var data = new SyntheticProblem(cells: 80, genes: 15, regulators: 8, seed: 2);
        Assert.All(SyntheticProblem.Fit(data.View, data.Problem(), new ElasticNetOptions { L1Ratio = 1, PathLength = 10 }).Targets, t => Assert.Equal(PathSolvedBy.Homotopy, t.SolvedBy));
        Assert.All(SyntheticProblem.Fit(data.View, data.Problem(), new ElasticNetOptions { L1Ratio = 0.5, PathLength = 10 }).Targets, t => Assert.Equal(PathSolvedBy.CoordinateDescent, t.SolvedBy));
        Assert.All(SyntheticProblem.Fit(data.View, data.Problem(), new ElasticNetOptions { L1Ratio = 1, Alpha = 0.05 }).Targets, t => Assert.Equal(PathSolvedBy.CoordinateDescent, t.SolvedBy));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ElasticNetOptions { L1Ratio = 0.5, Solver = PathSolver.Homotopy }.Validate());
        Assert.Equal(nameof(ElasticNetOptions.Solver), e.ParamName);
    }
}
