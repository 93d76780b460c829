namespace GrnFast.Solvers.Results;

/// <summary>Seconds spent in each stage of a fit.</summary>
public sealed record StageTimings(double Standardize, double Gram, double Solve);

/// <summary>All target fits of one run, in the order of the problem's target list.</summary>
public sealed class GrnFitResult
{
    public required TargetFit[] Targets { get; init; }
    public required StageTimings Timings { get; init; }

    /// <summary>Targets whose status is not Converged.</summary>
    public IEnumerable<TargetFit> NotConverged => Targets.Where(t => t.Status != SolverStatus.Converged);

    /// <summary>Targets whose homotopy handed over to coordinate descent.</summary>
    public int HomotopyFallbacks => Targets.Count(t => t.SolvedBy == PathSolvedBy.HomotopyThenCoordinateDescent);
}
