using GrnFast.Solvers.Results;

namespace GrnFast.Solvers.Variational;

/// <summary>
/// What a variational fit can vouch for, in place of a duality gap: the final ELBO (one Monte-Carlo estimate per step,
/// averaged over the last epoch's steps, KL unweighted), the loss actually minimised, the per-epoch histories, the
/// relative change of the mean loss between the last two windows compared with the tolerance, and the validation loss
/// (mean negative log-likelihood per held-out entry at the guide means) when a hold-out was asked for.
/// </summary>
public sealed record VariationalCertificate(
    double FinalElbo,
    double FinalLoss,
    double[] ElboHistory,
    double[] LossHistory,
    double RelativeChange,
    double Tolerance,
    int Epochs,
    int Steps,
    double? ValidationLoss,
    int? BestEpoch,
    (int Epoch, double Loss)[] ValidationHistory);

/// <summary>The posterior of the network: G x K column-major (gene index fastest), as the problem's target and regulator order.</summary>
public sealed class PmfGrnResult
{
    public required SolverStatus Status { get; init; }
    public required VariationalCertificate Certificate { get; init; }
    /// <summary>E[A] under the guide (posterior edge probability): the importance.</summary>
    public required double[] MeanA { get; init; }
    /// <summary>Std of A under the guide.</summary>
    public required double[] StdA { get; init; }
    /// <summary>E[A o B] = E[A] E[B] (mean field): the signed strength.</summary>
    public required double[] SignedMean { get; init; }
    /// <summary>exp(E[log sigma_obs]).</summary>
    public required double NoiseStd { get; init; }
    /// <summary>The joint model's evidence link (scale, offset) at the guide means; null without evidence.</summary>
    public (double Scale, double Offset)? EvidenceLink { get; init; }
    /// <summary>The final guide parameters in <see cref="ParameterLayout"/> order.</summary>
    public required double[] Parameters { get; init; }
    public required ParameterLayout Layout { get; init; }
    public required StageTimings Timings { get; init; }
    /// <summary>Median seconds per epoch.</summary>
    public required double SecondsPerEpoch { get; init; }
}
