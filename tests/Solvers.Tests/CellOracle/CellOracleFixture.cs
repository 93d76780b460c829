using System.Text.Json;
using GrnFast.Kernels;
using GrnFast.Kernels.Blas;
using GrnFast.Solvers.CellOracle;
using GrnFast.Solvers.Data;

namespace GrnFast.Solvers.Tests.CellOracle;

/// <summary>Reads the fixtures of make_celloracle_fixtures.py (copied next to the test assembly) and builds GrnFast problems from them.</summary>
internal static class CellOracleFixture
{
    public static JsonElement Load(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "CellOracle", name)));
        return doc.RootElement.Clone();
    }

    public static string[] Strings(JsonElement e) => e.EnumerateArray().Select(v => v.GetString()!).ToArray();
    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();
    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble()).ToArray();

    /// <summary>The fixture's cells x genes matrix, column-major, with its gene names.</summary>
    public static (MatrixView<double> X, string[] Genes, Dictionary<string, int> Column) Expression(JsonElement root)
    {
        var genes = Strings(root.GetProperty("genes"));
        var rows = root.GetProperty("x").EnumerateArray().Select(Doubles).ToArray();
        int n = rows.Length, p = genes.Length;
        var x = new double[n * p];
        for (int c = 0; c < n; c++) for (int g = 0; g < p; g++) x[g * n + c] = rows[c][g];
        var column = genes.Select((g, i) => (g, i)).ToDictionary(t => t.g, t => t.i);
        return (new MatrixView<double>(x, n, p, MatrixLayout.ColumnMajor), genes, column);
    }

    /// <summary>Regulators = the fixture's regulator list; each target's candidates as a hard mask.</summary>
    public static RegulatorTargetProblem Problem(string[] regulators, Dictionary<string, int> column, IReadOnlyList<(string Target, string[] Candidates)> targets)
    {
        var regulatorColumns = regulators.Select(r => column[r]).ToArray();
        var position = regulators.Select((r, i) => (r, i)).ToDictionary(t => t.r, t => t.i);
        var weights = new PenaltyWeights(double.PositiveInfinity);
        for (int j = 0; j < targets.Count; j++)
            foreach (var c in targets[j].Candidates) weights.Set(position[c], j, 1);
        return new RegulatorTargetProblem(regulatorColumns, targets.Select(t => column[t.Target]).ToArray(), weights);
    }

    /// <summary>
    /// The managed BLAS on one thread, as infer runs CellOracle (the solver tiles its GEMMs over <paramref name="threads"/>
    /// itself). Not BlasResolver.Resolve(1): a native BLAS's thread count is process-wide, and another test class running
    /// at the same time (BlasResolver.Resolve(2)) switches OpenBLAS to two threads in the middle of a fit, which changes
    /// its rounding (CI failed on exactly that: 1 vs 2 threads differed in the 16th digit).
    /// </summary>
    public static SolverContext Context(int threads = 2) => new(new ManagedBlas(1), threads);
}

/// <summary>scikit-learn's exported draws: bootstrap counts per (cluster, bag), feature positions per (cluster, target column, bag).</summary>
internal sealed class FixtureSampler(int[][][] counts, Dictionary<(int Cluster, int TargetColumn), int[][]> features) : BagSampler
{
    public override void Counts(int cluster, string label, int bag, Span<int> destination)
    {
        var c = counts[cluster][bag];
        Assert.Equal(c.Length, destination.Length);
        c.CopyTo(destination);
    }

    public override void Features(int cluster, string label, int bag, int target, int candidates, Span<int> chosen)
    {
        var f = features[(cluster, target)][bag];
        Assert.Equal(f.Length, chosen.Length);
        f.CopyTo(chosen);
    }
}
