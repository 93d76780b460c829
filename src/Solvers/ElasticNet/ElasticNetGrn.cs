using GrnFast.Kernels;
using GrnFast.Solvers.Data;
using GrnFast.Solvers.Results;

namespace GrnFast.Solvers.ElasticNet;

/// <summary>
/// Driver of the prior-weighted elastic net for every target gene: standardise, one Gram and cross-product
/// by GEMM, then per-target coordinate descent on slices of them, in parallel and deterministically.
/// </summary>
public static class ElasticNetGrn
{
    /// <summary>Fits every target of <paramref name="problem"/> on cells x genes <paramref name="expression"/>.</summary>
    public static GrnFitResult Fit(MatrixView<float> expression, RegulatorTargetProblem problem, ElasticNetOptions options, SolverContext context)
        => throw new NotImplementedException();

    /// <inheritdoc cref="Fit(MatrixView{float}, RegulatorTargetProblem, ElasticNetOptions, SolverContext)"/>
    public static GrnFitResult Fit(MatrixView<double> expression, RegulatorTargetProblem problem, ElasticNetOptions options, SolverContext context)
        => throw new NotImplementedException();
}
