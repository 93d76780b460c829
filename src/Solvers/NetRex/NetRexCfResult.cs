using GrnFast.Solvers.Results;

namespace GrnFast.Solvers.NetRex;

/// <summary>
/// The iterates of NetREX-CF, all column-major: S (G x T) the network, Z (T x G) with A = Z E the regulator
/// activities (A stays in the row space of E, so the solver needs only the gene Gram K = E E^T), X (d x G) and
/// Y (d x T) the latent factors (column i is x_i).
/// </summary>
public sealed record NetRexCfState(int Genes, int Regulators, int Factors, double[] S, double[] Z, double[] X, double[] Y)
{
    public NetRexCfState Copy() => this with { S = (double[])S.Clone(), Z = (double[])Z.Clone(), X = (double[])X.Clone(), Y = (double[])Y.Clone() };

    /// <summary>Edges with S != 0.</summary>
    public int Support => S.Count(v => v != 0);
}

/// <summary>
/// What certifies a PALM run: F after every outer iteration (ObjectiveHistory[0] is the starting point), the last
/// relative change |F_k - F_(k-1)| / |F_k| against the tolerance, and the largest relative increase seen (PALM never
/// increases F; anything above round-off would be a bug).
/// </summary>
public sealed record NetRexCfCertificate(double[] ObjectiveHistory, double RelativeChange, double Tolerance, int Iterations, double LargestIncrease)
{
    public double Objective => ObjectiveHistory[^1];
}

/// <summary>
/// One PALM run: how it ended, its certificate, its final iterates, the wall-clock seconds of each outer iteration and
/// where they went (summed over the iterations).
/// </summary>
public sealed record NetRexCfFit(SolverStatus Status, NetRexCfCertificate Certificate, NetRexCfState State, double[] IterationSeconds,
    NetRexCfPhaseSeconds Phases);

/// <summary>
/// Wall-clock seconds of each step of the outer iterations, summed over them: the A-step (M^-1, K S and the activity
/// products), the S-step (gradient, hard threshold with the new CF weights, the sparse network and its S^T S), the X-
/// and Y-steps, and F.
/// </summary>
public sealed record NetRexCfPhaseSeconds(double Activities, double Network, double GeneFactors, double RegulatorFactors, double Objective)
{
    public override string ToString()
        => $"A-step {Activities:F3} s, S-step {Network:F3} s, X-step {GeneFactors:F3} s, Y-step {RegulatorFactors:F3} s, F {Objective:F3} s";
}

/// <summary>
/// A NetREX-CF network: the full fit, and the edge confidence (G x T column-major, in [0, 1]): for each half-sample
/// refit, 1 - RSS_full / RSS_without_edge on that half, averaged over the refits (0 where a refit drops the edge).
/// </summary>
/// <param name="InitializationSeconds">The ALS + NCA start.</param>
/// <param name="RefitSeconds">All half-sample refits and their confidence.</param>
public sealed record NetRexCfResult(NetRexCfFit Fit, double[] Confidence, NetRexCfFit[] Refits, StageTimings Timings, double InitializationSeconds, double RefitSeconds);
