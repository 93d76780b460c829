namespace GrnFast.Solvers.NetRex;

/// <summary>
/// The options of a NetREX-CF fit (Wang et al. 2022), defaults as in the published S2-cell notebook unless noted
/// (docs/netrex-cf.md lists every deviation). The objective is
/// F = ||E - S A||^2 + ||sqrt(W) o (S0 + (1 - S0) o B - X^T Y)||^2 + sum eta o S0 + lambda_a ||A||^2 + lambda_s ||S||^2
///     + r (||X||^2 + ||Y||^2), with W = lambda (beta o S0 + alpha).
/// </summary>
public sealed record NetRexCfOptions
{
    /// <summary>d, latent factors of the CF model; capped at min(genes, regulators) (a rank above that adds nothing). Published: 150.</summary>
    public int LatentFactors { get; init; } = 150;

    /// <summary>
    /// gamma, the weight of the data term: F uses gamma ||E - S A||^2 with E's genes at unit variance over the cells (the
    /// same as scaling E by sqrt(gamma)). It sets how much variance an edge must explain to pay its CF and L0 cost.
    /// </summary>
    public double DataWeight { get; init; } = 1;

    /// <summary>Outer PALM iterations at most. Published: 100.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>Stop when |F_k - F_(k-1)| &lt;= Tolerance * |F_k| (the notebook stops at |dF| &lt; 1 in absolute terms).</summary>
    public double Tolerance { get; init; } = 1e-6;

    /// <summary>lambda, the scale of the CF term. Published: 5.</summary>
    public double Lambda { get; init; } = 5;

    /// <summary>lambda_a, the ridge on the regulator activities A. Published: 1.</summary>
    public double LambdaA { get; init; } = 1;

    /// <summary>lambda_s, the ridge on the network S. Published: 1.</summary>
    public double LambdaS { get; init; } = 1;

    /// <summary>r, the ridge on the latent factors X and Y. Published: 1.</summary>
    public double FactorRegularization { get; init; } = 1;

    /// <summary>a in C = 1 + a * sum_k P^(k): how strongly summed prior confidence raises an edge's CF weight.</summary>
    public double PriorScale { get; init; } = 1;

    /// <summary>eta0, the L0 cost of a prior-supported edge; other edges pay lambda alpha (1 + alpha/beta) + eta0. Published: 1e-7.</summary>
    public double Eta0 { get; init; } = 1e-7;

    /// <summary>Genes (and regulators) whose latent factors are updated per outer iteration, drawn at random. Published: 100.</summary>
    public int FactorBlock { get; init; } = 100;

    /// <summary>Implicit-feedback ALS sweeps of the initialisation. Published: 100 (implicit's default solver); see the docs.</summary>
    public int AlsIterations { get; init; } = 15;

    /// <summary>
    /// Conjugate-gradient steps per row and sweep of the initial ALS, warm-started from the row's current factors, as the
    /// notebook's implicit library solves its ALS rows (its default: 3); 0 (the default here) solves each row exactly by
    /// Cholesky. 3 makes the D1 start 2-3x faster but changes the start, and with it the ranking (docs/netrex-cf.md).
    /// </summary>
    public int AlsConjugateGradientSteps { get; init; } = 0;

    /// <summary>Ridge of the initial ALS. Published: 0.1.</summary>
    public double AlsRegularization { get; init; } = 0.1;

    /// <summary>ALS confidence of a prior edge: 1 + AlsConfidence * (C - 1). Published: the notebook fits implicit on 50 C.</summary>
    public double AlsConfidence { get; init; } = 50;

    /// <summary>Initial support: the top InitRowTop regulators of each gene and the top InitColumnTop genes of each regulator by X^T Y. Published: 100, 500.</summary>
    public int InitRowTop { get; init; } = 100;

    /// <inheritdoc cref="InitRowTop"/>
    public int InitColumnTop { get; init; } = 500;

    /// <summary>
    /// Caps both tops at this fraction of the regulators (per gene) and genes (per regulator), rounded up. Not in the
    /// notebook, whose 100 of ~465 TFs is about this fraction: on small problems 100 would start from a dense S, from
    /// which the hard threshold never recovers a sparse network.
    /// </summary>
    public double InitMaxFraction { get; init; } = 0.25;

    /// <summary>Alternations of the NCA initialisation (ridge A, then per-gene ridge S on the support). Published: 20.</summary>
    public int NcaIterations { get; init; } = 20;

    /// <summary>Ridge of the NCA initialisation. Published: 0.1.</summary>
    public double NcaRidge { get; init; } = 0.1;

    /// <summary>Half-sample refits behind the edge confidence (0: the confidence of the full fit on all samples). Published: 20 half-samples of the full fit.</summary>
    public int Refits { get; init; } = 5;

    /// <summary>PALM iterations of each refit, warm-started from the full fit.</summary>
    public int RefitIterations { get; init; } = 10;

    /// <summary>
    /// Whether a regulator's own gene may load on the regulator's activity (S_jj): it anchors activity j to regulator j's
    /// expression: it starts in the support and never leaves it (B = 1, alpha = 1, beta = 0, eta = 0: no threshold, and
    /// the CF term asks X^T Y to predict it). The pair is never reported as an edge either way; false forbids it in the fit.
    /// </summary>
    public bool AnchorRegulators { get; init; } = true;

    /// <summary>Seed of the ALS start, the factor blocks and the half-samples.</summary>
    public int Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid property.</summary>
    public void Validate()
    {
        Positive(LatentFactors, nameof(LatentFactors));
        Positive(MaxIterations, nameof(MaxIterations));
        Positive(FactorBlock, nameof(FactorBlock));
        Positive(InitRowTop, nameof(InitRowTop));
        Positive(InitColumnTop, nameof(InitColumnTop));
        NonNegative(AlsIterations, nameof(AlsIterations));
        NonNegative(NcaIterations, nameof(NcaIterations));
        NonNegative(AlsConjugateGradientSteps, nameof(AlsConjugateGradientSteps));
        NonNegative(Refits, nameof(Refits));
        Positive(RefitIterations, nameof(RefitIterations));
        if (!(InitMaxFraction > 0 && InitMaxFraction <= 1)) throw new ArgumentOutOfRangeException(nameof(InitMaxFraction), InitMaxFraction, "must be in (0, 1]");
        if (!(Tolerance >= 0) || !double.IsFinite(Tolerance)) throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "must be a finite number >= 0");
        foreach (var (v, name) in new[] { (Lambda, nameof(Lambda)), (DataWeight, nameof(DataWeight)), (LambdaA, nameof(LambdaA)), (LambdaS, nameof(LambdaS)),
                     (FactorRegularization, nameof(FactorRegularization)), (AlsRegularization, nameof(AlsRegularization)), (NcaRidge, nameof(NcaRidge)) })
            if (!(v > 0) || !double.IsFinite(v)) throw new ArgumentOutOfRangeException(name, v, "must be a finite number > 0");
        foreach (var (v, name) in new[] { (PriorScale, nameof(PriorScale)), (Eta0, nameof(Eta0)), (AlsConfidence, nameof(AlsConfidence)) })
            if (!(v >= 0) || !double.IsFinite(v)) throw new ArgumentOutOfRangeException(name, v, "must be a finite number >= 0");
    }

    private static void Positive(int v, string name) { if (v < 1) throw new ArgumentOutOfRangeException(name, v, "must be >= 1"); }
    private static void NonNegative(int v, string name) { if (v < 0) throw new ArgumentOutOfRangeException(name, v, "must be >= 0"); }
}
