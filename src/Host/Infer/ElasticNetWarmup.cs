using GrnFast.IO;
using GrnFast.Kernels;
using GrnFast.Kernels.Blas;
using GrnFast.Solvers;
using GrnFast.Solvers.Data;
using GrnFast.Solvers.ElasticNet;

namespace GrnFast.Host.Infer;

/// <summary>
/// The command line fits once per process, and its code is compiled fully optimised on first call (TieredCompilation
/// is off in the host). On D1 about a third of standardise + gram + solve was that compilation, done on the main
/// thread while the other core waited. Reading the input (load) is one thread, so the elastic-net path is compiled on
/// the spare core meanwhile: a tiny synthetic fit with the run's own options, on one thread, whose result is thrown
/// away. It shares nothing with the real fit (no state, its own buffers), so results are the same bits with or
/// without it; it only moves compilation off the critical path. Skipped with one core, where it would only compete,
/// and with <c>GRNFAST_WARMUP=0</c> (to measure what it saves).
/// </summary>
internal static class ElasticNetWarmup
{
    public const string EnvironmentVariable = "GRNFAST_WARMUP";

    /// <summary>Starts the warm-up on a background thread for an elastic-net family request (lasso, elasticnet, ridge).</summary>
    public static void Start(InferRequest r)
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) == "0") return;
        if (Environment.ProcessorCount < 2 || r.CellOracle is not null || r.NetRex is not null || r.PmfGrn is not null) return;
        if (r.Method is not ("lasso" or "elasticnet" or "ridge")) return;
        var options = r.Options;
        new Thread(() => Fit(options)) { IsBackground = true, Name = "grnfast warm-up" }.Start();
    }

    /// <summary>
    /// Fits a 48-cell, 16-gene problem (4 regulators, every other pair allowed) in the layouts the readers produce:
    /// float32 row-major (NumPy C order, AnnData X) and column-major (text, Fortran order). False if a fit threw.
    /// </summary>
    internal static bool Fit(ElasticNetOptions options)
    {
        try
        {
            const int cells = 48, genes = 16, regulators = 4;
            var random = new Random(1);
            var values = new float[cells * genes];
            for (int i = 0; i < values.Length; i++) values[i] = random.NextSingle() < 0.5f ? 0f : random.NextSingle() * 3;
            var weights = new PenaltyWeights(double.PositiveInfinity);
            for (int t = 0; t < genes; t++)
                for (int k = 0; k < regulators; k++)
                    if (k != t && (k + t) % 2 == 0) weights.Set(k, t, 1.0);
            var problem = new RegulatorTargetProblem(Enumerable.Range(0, regulators).ToArray(), Enumerable.Range(0, genes).ToArray(), weights);
            var o = options with
            {
                Selection = options.Selection is ModelSelection.CrossValidation cv ? new ModelSelection.CrossValidation(Math.Min(cv.Folds, 4)) : options.Selection,
            };
            var context = new SolverContext(new ManagedBlas(1), 1);
            var fit = ElasticNetGrn.Fit(new MatrixView<float>(values, cells, genes, MatrixLayout.RowMajor), problem, o, context);
            ElasticNetGrn.Fit(new MatrixView<float>(values, cells, genes, MatrixLayout.ColumnMajor), problem, o, context);
            // What the run does with a fit before writing it: name the edges, sort them as the writer will, summarise.
            var names = Enumerable.Range(0, genes).Select(g => $"G{g}").ToArray();
            var edges = NetworkEdges.From(fit, problem, names);
            NetworkWriter.Sort(edges.ToArray());
            _ = NetworkEdges.Summary(fit, edges.Count, problem, names);
            return true;
        }
        catch (Exception)
        {
            // A warm-up that fails compiles less; the real fit reports its own errors.
            return false;
        }
    }
}
