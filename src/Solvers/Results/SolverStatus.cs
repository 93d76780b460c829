namespace GrnFast.Solvers.Results;

/// <summary>How a fit ended. Not converging is a value and a warning, never an exception.</summary>
public enum SolverStatus
{
    Converged,
    MaxIterations,
    Diverged,
    Cancelled,
    NumericalFailure,
}
