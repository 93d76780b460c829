using GrnFast.Solvers.Results;

namespace GrnFast.Solvers.CellOracle;

/// <summary>
/// One target's links in one cluster, CellOracle's columns: for each regulator (a position in the problem's regulator
/// list) that entered at least one bag with a coefficient not identically 0, its mean coefficient over those bags
/// (<see cref="CoefMean"/>; coef_abs is its absolute value), the p-value and -log10 p. BayesianRidge fills
/// <see cref="CoefVariance"/> (the posterior variance) and <see cref="Bags"/> is all ones.
/// </summary>
public sealed class TargetLinks
{
    public required int Target { get; init; }
    /// <summary>Candidate regulators of the target (base GRN / prior support minus itself).</summary>
    public required int Candidates { get; init; }
    public required int[] Regulators { get; init; }
    public required double[] CoefMean { get; init; }
    public required PValue[] P { get; init; }
    /// <summary>Bags in which each regulator was drawn (the t-test's n).</summary>
    public required int[] Bags { get; init; }
    public double[]? CoefVariance { get; init; }
    /// <summary>Converged for closed-form bagged ridge; BayesianRidge reports MaxIterations when its evidence iteration did not meet the tolerance.</summary>
    public required SolverStatus Status { get; init; }
    /// <summary>BayesianRidge: evidence iterations used (0 for bagged ridge).</summary>
    public int Iterations { get; init; }
    /// <summary>With <see cref="CellOracleOptions.KeepBagCoefficients"/>: [bag][candidate] coefficients, NaN where the bag did not draw it. Column order is <see cref="CandidateRegulators"/>.</summary>
    public double[][]? BagCoefficients { get; init; }
    /// <summary>With <see cref="CellOracleOptions.KeepBagCoefficients"/>: every candidate, in the column order of <see cref="BagCoefficients"/>.</summary>
    public int[]? CandidateRegulators { get; init; }
}

/// <summary>The network of one cell cluster.</summary>
public sealed class ClusterNetwork
{
    public required string Label { get; init; }
    public required int Cells { get; init; }
    /// <summary>Targets with at least one candidate whose expression varies in the cluster, in problem order.</summary>
    public required TargetLinks[] Targets { get; init; }
    /// <summary>Problem targets not fitted in this cluster because they are constant over its cells.</summary>
    public required int[] ConstantTargets { get; init; }
}

/// <summary>Every cluster's network, and seconds spent gathering/standardising, in the weighted Gram GEMMs and in the per-target solves.</summary>
public sealed class CellOracleResult
{
    public required ClusterNetwork[] Clusters { get; init; }
    public required StageTimings Timings { get; init; }
}
