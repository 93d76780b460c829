using System.Text.Json;
using GrnFast.Solvers.CellOracle;
using GrnFast.Solvers.Results;
using static GrnFast.Solvers.Tests.CellOracle.CellOracleFixture;

namespace GrnFast.Solvers.Tests.CellOracle;

/// <summary>
/// Against scikit-learn 1.2.1 (make_celloracle_fixtures.py): with scikit-learn's own bootstrap cells and feature subsets
/// every bag's ridge solution matches to 1e-10, and so do CellOracle's coef_mean and t-test p; BayesianRidge's
/// posterior mean and variance match to 1e-6. Cluster-wise fits scale regulators over all cells, as CellOracle does.
/// </summary>
public class ScikitLearnReferenceTests
{
    public static TheoryData<int> BaggedCases() => new() { 0, 1 };

    [Theory]
    [MemberData(nameof(BaggedCases))]
    public void EveryBagMatchesScikitLearnsRidgeOnTheSameDraws(int caseIndex)
    {
        var root = Load("bagged_ridge.json");
        var (x, _, column) = Expression(root);
        var regulators = Strings(root.GetProperty("regulators"));
        var fixtureCase = root.GetProperty("cases")[caseIndex];
        var clusters = fixtureCase.GetProperty("clusters").EnumerateArray().ToArray();
        var targets = clusters[0].GetProperty("targets").EnumerateArray()
            .Select(t => (t.GetProperty("target").GetString()!, Strings(t.GetProperty("candidates")))).ToList();
        var problem = Problem(regulators, column, targets);

        var counts = clusters.Select(c => c.GetProperty("counts").EnumerateArray().Select(Ints).ToArray()).ToArray();
        var features = new Dictionary<(int, int), int[][]>();
        for (int g = 0; g < clusters.Length; g++)
            foreach (var t in clusters[g].GetProperty("targets").EnumerateArray())
                features[(g, column[t.GetProperty("target").GetString()!])] = t.GetProperty("features").EnumerateArray().Select(Ints).ToArray();
        var cellClusters = new CellClusters(clusters.Select(c => c.GetProperty("label").GetString()!).ToArray(),
            clusters.Select(c => Ints(c.GetProperty("cells"))).ToArray());
        var options = new CellOracleOptions
        {
            Alpha = fixtureCase.GetProperty("alpha").GetDouble(),
            Bags = fixtureCase.GetProperty("bags").GetInt32(),
            KeepBagCoefficients = true,
        };

        var result = CellOracleGrn.Fit(ExpressionSource.Of(x), problem, cellClusters, options, Context(), Data.ExpressionMoments.Compute(x),
            new FixtureSampler(counts, features));

        int compared = 0;
        for (int g = 0; g < clusters.Length; g++)
        {
            var network = result.Clusters[g];
            Assert.Equal(clusters[g].GetProperty("label").GetString(), network.Label);
            var expectedTargets = clusters[g].GetProperty("targets").EnumerateArray().ToArray();
            Assert.Equal(expectedTargets.Length, network.Targets.Length);
            for (int j = 0; j < expectedTargets.Length; j++)
            {
                var expected = expectedTargets[j];
                var fit = network.Targets[j];
                string name = $"cluster {network.Label}, target {expected.GetProperty("target").GetString()}";
                Assert.Equal(SolverStatus.Converged, fit.Status);
                var reference = expected.GetProperty("bag_coef").EnumerateArray().Select(Doubles).ToArray();
                double scale = reference.SelectMany(r => r).Where(v => !double.IsNaN(v)).Max(Math.Abs);
                for (int b = 0; b < reference.Length; b++)
                    for (int i = 0; i < reference[b].Length; i++)
                    {
                        double want = reference[b][i], got = fit.BagCoefficients![b][i];
                        if (double.IsNaN(want)) { Assert.True(double.IsNaN(got), $"{name}, bag {b}, candidate {i}: drawn here but not by scikit-learn"); continue; }
                        Assert.True(Math.Abs(got - want) <= 1e-10 * scale, $"{name}, bag {b}, candidate {i}: {got:R} vs scikit-learn {want:R}");
                        compared++;
                    }

                var edges = expected.GetProperty("edges").EnumerateArray().ToArray();
                Assert.Equal(edges.Length, fit.Regulators.Length);
                for (int e = 0; e < edges.Length; e++)
                {
                    Assert.Equal(edges[e].GetProperty("regulator").GetString(), regulators[fit.Regulators[e]]);
                    Assert.Equal(edges[e].GetProperty("bags").GetInt32(), fit.Bags[e]);
                    double mean = edges[e].GetProperty("coef_mean").GetDouble(), p = edges[e].GetProperty("p").GetDouble();
                    Assert.True(Math.Abs(fit.CoefMean[e] - mean) <= 1e-10 * scale, $"{name}, edge {e}: coef_mean {fit.CoefMean[e]:R} vs {mean:R}");
                    Assert.True(Math.Abs(fit.P[e].P - p) <= 1e-8 * p + 1e-300, $"{name}, edge {e}: p {fit.P[e].P:R} vs scipy {p:R}");
                    double logp = edges[e].GetProperty("neg_log10_p").GetDouble();
                    Assert.True(Math.Abs(fit.P[e].NegLog10P - logp) <= 1e-8 * Math.Max(1, logp), $"{name}, edge {e}: -log10 p {fit.P[e].NegLog10P:R} vs {logp:R}");
                }
            }
        }
        Assert.True(compared >= 400, $"only {compared} bag coefficients compared");
    }

    [Fact]
    public void BayesianRidgePosteriorMatchesScikitLearn()
    {
        var root = Load("bayesian_ridge.json");
        var (x, _, column) = Expression(root);
        var regulators = Strings(root.GetProperty("regulators"));
        var clusters = root.GetProperty("clusters").EnumerateArray().ToArray();
        var targets = clusters[0].GetProperty("fits").EnumerateArray()
            .Select(t => (t.GetProperty("target").GetString()!, Strings(t.GetProperty("candidates")))).ToList();
        var problem = Problem(regulators, column, targets);
        var moments = Data.ExpressionMoments.Compute(x);
        var options = new CellOracleOptions { Estimator = CellOracleEstimator.BayesianRidge };

        // The first fixture cluster is all cells; the other two split them (one run for the pair, as --groups does).
        var all = CellOracleGrn.Fit(x, problem, null, options, Context(), moments);
        var split = CellOracleGrn.Fit(x, problem, new CellClusters(["A", "B"], [Ints(clusters[1].GetProperty("cells")), Ints(clusters[2].GetProperty("cells"))]), options, Context(), moments);
        var networks = new[] { all.Clusters[0], split.Clusters[0], split.Clusters[1] };
        for (int g = 0; g < clusters.Length; g++)
        {
            var fits = clusters[g].GetProperty("fits").EnumerateArray().ToArray();
            for (int j = 0; j < fits.Length; j++)
            {
                var fit = networks[g].Targets[j];
                string name = $"cluster {clusters[g].GetProperty("label").GetString()}, target {fits[j].GetProperty("target").GetString()}";
                Assert.Equal(SolverStatus.Converged, fit.Status);
                Assert.Equal(fits[j].GetProperty("n_iter").GetInt32(), fit.Iterations);
                var coef = Doubles(fits[j].GetProperty("coef"));
                var variance = Doubles(fits[j].GetProperty("variance"));
                var p = Doubles(fits[j].GetProperty("p"));
                Assert.Equal(coef.Length, fit.CoefMean.Length);
                double scale = coef.Max(Math.Abs);
                for (int i = 0; i < coef.Length; i++)
                {
                    Assert.True(Math.Abs(fit.CoefMean[i] - coef[i]) <= 1e-6 * scale, $"{name}: coef {i} {fit.CoefMean[i]:R} vs {coef[i]:R}");
                    Assert.True(Math.Abs(fit.CoefVariance![i] - variance[i]) <= 1e-6 * variance[i], $"{name}: variance {i} {fit.CoefVariance[i]:R} vs {variance[i]:R}");
                    Assert.True(Math.Abs(fit.P[i].P - p[i]) <= 1e-5 * p[i] + 1e-300, $"{name}: p {i} {fit.P[i].P:R} vs {p[i]:R}");
                }
            }
        }
    }

    [Fact]
    public void TailProbabilitiesMatchScipy()
    {
        var root = Load("pvalues.json");
        foreach (var row in root.GetProperty("student_t").EnumerateArray())
        {
            double t = row.GetProperty("t").GetDouble(), df = row.GetProperty("df").GetDouble();
            double p = row.GetProperty("p").GetDouble(), logp = row.GetProperty("log_p").GetDouble();
            var got = EdgeSignificance.StudentT(t, df);
            Assert.True(Math.Abs(got.P - p) <= 1e-11 * p + 1e-300, $"t {t}, df {df}: p {got.P:R} vs scipy {p:R}");
            double neglog = -logp / Math.Log(10);
            Assert.True(Math.Abs(got.NegLog10P - neglog) <= 1e-10 * Math.Max(1, neglog), $"t {t}, df {df}: -log10 p {got.NegLog10P:R} vs scipy {neglog:R}");
        }
        foreach (var row in root.GetProperty("normal").EnumerateArray())
        {
            double z = row.GetProperty("z").GetDouble(), p = row.GetProperty("p").GetDouble(), logp = row.GetProperty("log_p").GetDouble();
            var got = EdgeSignificance.Normal(z, 1);
            Assert.True(Math.Abs(got.P - p) <= 1e-11 * p + 1e-300, $"z {z}: p {got.P:R} vs scipy {p:R}");
            double neglog = -logp / Math.Log(10);
            Assert.True(Math.Abs(got.NegLog10P - neglog) <= 1e-10 * Math.Max(1, neglog), $"z {z}: -log10 p {got.NegLog10P:R} vs scipy {neglog:R}");
        }
    }
}
