namespace GrnFast.Solvers.Results;

/// <summary>
/// The fit for one target gene. <see cref="Regulators"/> lists positions in the problem's regulator list of
/// every edge with nonzero <see cref="Importance"/>; <see cref="Coefficients"/> are the standardised-scale
/// coefficients at the selected alpha (possibly 0 for an edge that was active earlier on the path).
/// </summary>
public sealed class TargetFit
{
    public required int Target { get; init; }
    public required SolverStatus Status { get; init; }
    /// <summary>Certificate of the fit at the selected alpha (the worst over the path is in <see cref="WorstCertificate"/>).</summary>
    public required Certificate Certificate { get; init; }
    public required Certificate WorstCertificate { get; init; }
    public required double AlphaMax { get; init; }
    public required double SelectedAlpha { get; init; }
    /// <summary>Number of candidate regulators (finite weight, not the target itself).</summary>
    public required int Candidates { get; init; }
    public required int[] Regulators { get; init; }
    public required double[] Coefficients { get; init; }
    public required double[] Importance { get; init; }

    /// <summary>Which algorithm produced the path.</summary>
    public PathSolvedBy SolvedBy { get; init; }

    /// <summary>Coefficients at <see cref="ElasticNet.ElasticNetOptions.SnapshotPathIndex"/>, when it was asked for.</summary>
    public PathSnapshot? Snapshot { get; init; }
}

/// <summary>The nonzero coefficients of one target at one alpha of its path.</summary>
public sealed record PathSnapshot(double Alpha, int[] Regulators, double[] Coefficients);

/// <summary>The algorithm behind one target's path.</summary>
public enum PathSolvedBy
{
    CoordinateDescent,
    Homotopy,
    /// <summary>The homotopy stopped (collinear candidates, a joiner moving against its sign, a gap above the tolerance) and coordinate descent finished the path from its last solution.</summary>
    HomotopyThenCoordinateDescent,
}
