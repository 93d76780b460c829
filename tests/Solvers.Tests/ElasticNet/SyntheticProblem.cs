using GrnFast.Kernels;
using GrnFast.Kernels.Blas;
using GrnFast.Solvers;
using GrnFast.Solvers.Data;
using GrnFast.Solvers.ElasticNet;
using GrnFast.Solvers.Results;

namespace GrnFast.Solvers.Tests.ElasticNet;

/// <summary>A small sparse linear network in cells x genes, column-major, with a fixed seed.</summary>
internal sealed class SyntheticProblem
{
    public SyntheticProblem(int cells, int genes, int regulators, int seed, double zeroFraction = 0.0)
    {
        Cells = cells; Genes = genes; RegulatorCount = regulators;
        var rng = new Random(seed);
        X = new double[cells * genes];
        // Regulators: correlated through two latent factors.
        var f1 = new double[cells]; var f2 = new double[cells];
        for (int c = 0; c < cells; c++) { f1[c] = Normal(rng); f2[c] = Normal(rng); }
        for (int g = 0; g < regulators; g++)
        {
            double a = rng.NextDouble() - 0.5, b = rng.NextDouble() - 0.5;
            for (int c = 0; c < cells; c++) X[g * cells + c] = a * f1[c] + b * f2[c] + Normal(rng);
        }
        for (int g = regulators; g < genes; g++)
        {
            int k = 1 + rng.Next(4);
            var col = new double[cells];
            for (int t = 0; t < k; t++)
            {
                int r = rng.Next(regulators);
                double w = (rng.NextDouble() < 0.5 ? -1 : 1) * (0.5 + rng.NextDouble());
                for (int c = 0; c < cells; c++) col[c] += w * X[r * cells + c];
            }
            for (int c = 0; c < cells; c++) X[g * cells + c] = col[c] + 0.7 * Normal(rng) + 3;
        }
        if (zeroFraction > 0)
            for (int i = 0; i < X.Length; i++) if (rng.NextDouble() < zeroFraction) X[i] = 0;
    }

    public int Cells { get; }
    public int Genes { get; }
    public int RegulatorCount { get; }
    public double[] X { get; }

    public MatrixView<double> View => new(X, Cells, Genes, MatrixLayout.ColumnMajor);

    public MatrixView<float> ViewFloat
    {
        get
        {
            var f = new float[X.Length];
            for (int i = 0; i < f.Length; i++) f[i] = (float)X[i];
            return new MatrixView<float>(f, Cells, Genes, MatrixLayout.ColumnMajor);
        }
    }

    public MatrixView<float> ViewFloatRowMajor
    {
        get
        {
            var r = new float[X.Length];
            for (int c = 0; c < Cells; c++) for (int g = 0; g < Genes; g++) r[c * Genes + g] = (float)X[g * Cells + c];
            return new MatrixView<float>(r, Cells, Genes, MatrixLayout.RowMajor);
        }
    }

    public static GrnFitResult Fit(MatrixView<float> x, RegulatorTargetProblem p, ElasticNetOptions o, int threads = 1)
        => ElasticNetGrn.Fit(x, p, o, new SolverContext(new ManagedBlas(), threads));

    public MatrixView<double> ViewRowMajor
    {
        get
        {
            var r = new double[X.Length];
            for (int c = 0; c < Cells; c++) for (int g = 0; g < Genes; g++) r[c * Genes + g] = X[g * Cells + c];
            return new MatrixView<double>(r, Cells, Genes, MatrixLayout.RowMajor);
        }
    }

    /// <summary>All regulators; every gene a target.</summary>
    public RegulatorTargetProblem Problem(PenaltyWeights? weights = null)
        => new(Enumerable.Range(0, RegulatorCount).ToArray(), Enumerable.Range(0, Genes).ToArray(), weights ?? new PenaltyWeights());

    public static GrnFitResult Fit(MatrixView<double> x, RegulatorTargetProblem p, ElasticNetOptions o, int threads = 1)
        => ElasticNetGrn.Fit(x, p, o, new SolverContext(new ManagedBlas(), threads));

    /// <summary>Standardised column (population variance) and centred column, straight from the cells.</summary>
    public (double[] Standardized, double[] Centered, double Std) Column(int g)
    {
        var col = X.AsSpan(g * Cells, Cells);
        double mean = 0; foreach (var v in col) mean += v; mean /= Cells;
        double ss = 0; foreach (var v in col) ss += (v - mean) * (v - mean);
        double sd = Math.Sqrt(ss / Cells);
        var s = new double[Cells]; var c = new double[Cells];
        for (int i = 0; i < Cells; i++) { c[i] = col[i] - mean; s[i] = c[i] / sd; }
        return (s, c, sd);
    }

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
