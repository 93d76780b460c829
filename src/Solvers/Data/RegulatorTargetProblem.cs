namespace GrnFast.Solvers.Data;

/// <summary>
/// Which columns of the expression matrix are regulators and which are target genes, and the per-edge
/// penalty weights. A target never regresses on itself: when a target column is also a regulator column,
/// that pair is excluded whatever the weights say.
/// </summary>
public sealed class RegulatorTargetProblem
{
    public RegulatorTargetProblem(int[] regulatorColumns, int[] targetColumns, PenaltyWeights weights)
    {
        ArgumentNullException.ThrowIfNull(regulatorColumns);
        ArgumentNullException.ThrowIfNull(targetColumns);
        ArgumentNullException.ThrowIfNull(weights);
        if (regulatorColumns.Distinct().Count() != regulatorColumns.Length) throw new ArgumentException("regulator columns repeat", nameof(regulatorColumns));
        if (targetColumns.Distinct().Count() != targetColumns.Length) throw new ArgumentException("target columns repeat", nameof(targetColumns));
        RegulatorColumns = regulatorColumns;
        TargetColumns = targetColumns;
        Weights = weights;
    }

    /// <summary>Column index in the expression matrix of each regulator.</summary>
    public int[] RegulatorColumns { get; }

    /// <summary>Column index in the expression matrix of each target gene.</summary>
    public int[] TargetColumns { get; }

    /// <summary>w_ij, indexed by position in <see cref="RegulatorColumns"/> and <see cref="TargetColumns"/>.</summary>
    public PenaltyWeights Weights { get; }
}
