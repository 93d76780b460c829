namespace GrnFast.Solvers.Variational;

/// <summary>
/// The fit's work precision: the cells x genes work (data copy, model mean, residual and the GEMMs) and the stored state
/// (guide parameters, Adam's moments, noise draws, the latents' draws and gradients). Float32 computes the element-wise
/// steps in float arithmetic (a float exp, as a float32 PyTorch run does); sums (ELBO, KL, sums of squares) are taken in
/// double in both precisions.
/// </summary>
public enum VariationalPrecision { Float64, Float32 }

/// <summary>
/// Options of the PMF-GRN fit (<see cref="PmfGrn"/>) and its joint-evidence variant. Defaults follow the published runs of
/// nyu-dl/pmf-grn where they are known (lr 0.1, element-wise gradient clip 1e-4, prior std of logit A 2, prior std of
/// log U 5, prior clip 0.0005..0.9995, guide std of log U at most 2) and are documented in docs/pmf-grn.md. One deliberate
/// difference: the KL factor starts at 1, not the paper's 10 (which, with its 999,999 annealing iterations, stays ~10):
/// on DREAM4 (100 genes, 41 TFs) a factor of 10 lets the KL swamp the likelihood (sigma_obs 6 on unit-variance genes,
/// held-out AUPRC at the base rate); 1 is the plain ELBO.
/// </summary>
public sealed record PmfGrnOptions
{
    /// <summary>Passes over the cells. The paper ran 4,000 (B. subtilis) to 20,000 (yeast) full-batch epochs.</summary>
    public int Epochs { get; init; } = 4000;

    /// <summary>Cells per SVI step; 0 = full batch (one step per epoch).</summary>
    public int BatchSize { get; init; }

    public double LearningRate { get; init; } = 0.1;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.99;
    public double AdamEpsilon { get; init; } = 1e-8;

    /// <summary>Each gradient element is clamped to [-clip, clip] before Adam (Pyro's ClippedAdam); +inf turns it off.</summary>
    public double GradientClip { get; init; } = 1e-4;

    /// <summary>Learning rate multiplier per epoch (exponential decay); 1 keeps it constant.</summary>
    public double LearningRateDecay { get; init; } = 1.0;

    /// <summary>KL weight at epoch 0; it moves linearly to 1 over <see cref="AnnealingEpochs"/> epochs and stays there.</summary>
    public double InitialKlFactor { get; init; } = 1;
    public int AnnealingEpochs { get; init; } = 999_999;

    /// <summary>Prior std of logit A around logit(clip(P)).</summary>
    public double PriorStdLogitA { get; init; } = 2;
    /// <summary>Prior std of B (signed strength), mean 0.</summary>
    public double PriorStdB { get; init; } = 1;
    /// <summary>Prior mean and std of log U (regulator activity).</summary>
    public double PriorMeanLogU { get; init; }
    public double PriorStdLogU { get; init; } = 5;
    /// <summary>Prior std of logit d (per-cell depth), mean 0.</summary>
    public double PriorStdLogitDepth { get; init; } = 3;
    /// <summary>Prior std of log sigma_obs, mean 0.</summary>
    public double PriorStdLogNoise { get; init; } = 1;

    /// <summary>Prior probabilities are clipped to [min, max] before the logit; pairs missing from the prior get <see cref="AbsentPrior"/>.</summary>
    public double MinPrior { get; init; } = 0.0005;
    public double MaxPrior { get; init; } = 0.9995;
    public double AbsentPrior { get; init; } = 0.0005;

    /// <summary>The guide std of log U is kept at most this (PMF-GRN's guide-max-std-log-U): after each Adam step its log is projected down to log(max).</summary>
    public double GuideMaxStdLogU { get; init; } = 2;

    /// <summary>Initial guide std of every unconstrained latent (PMF-GRN starts logit A at 0.1).</summary>
    public double InitialGuideStd { get; init; } = 0.1;

    /// <summary>Joint model: weight of the evidence log-likelihood (1 = plain joint likelihood p(W, Y | Theta)).</summary>
    public double EvidenceWeight { get; init; } = 1;
    /// <summary>Joint model: prior std of the evidence link's log-scale and offset (both mean 0).</summary>
    public double PriorStdEvidenceLink { get; init; } = 1;

    /// <summary>Fraction of the expression entries held out of the likelihood for a validation loss; 0 = none.</summary>
    public double HoldoutFraction { get; init; }
    /// <summary>Epochs between validation losses (with a hold-out).</summary>
    public int ValidationEvery { get; init; } = 50;
    /// <summary>Stop after this many validations without improvement (0 = never stop early); the best parameters are kept.</summary>
    public int Patience { get; init; }

    /// <summary>Converged when the mean loss of the last window (5 % of the epochs, at least 10) changed by at most this, relative, from the window before.</summary>
    public double Tolerance { get; init; } = 1e-3;

    public VariationalPrecision Precision { get; init; } = VariationalPrecision.Float64;

    /// <summary>Seed of the initial guide, the minibatch order, the hold-out mask and every noise draw; same seed, same bits.</summary>
    public int Seed { get; init; } = 0;

    /// <summary>Throws with the option's name if a value is out of range.</summary>
    public void Validate()
    {
        static bool Pos(double v) => v > 0 && double.IsFinite(v);
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "at least one epoch is needed");
        if (BatchSize < 0) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "the batch size must be >= 0 (0 = full batch)");
        if (!Pos(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "the learning rate must be finite and > 0");
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta1), Beta1, "beta1 must be in [0, 1)");
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta2), Beta2, "beta2 must be in [0, 1)");
        if (!Pos(AdamEpsilon)) throw new ArgumentOutOfRangeException(nameof(AdamEpsilon), AdamEpsilon, "epsilon must be finite and > 0");
        if (!(GradientClip > 0)) throw new ArgumentOutOfRangeException(nameof(GradientClip), GradientClip, "the gradient clip must be > 0 (+inf = none)");
        if (!(LearningRateDecay > 0 && LearningRateDecay <= 1)) throw new ArgumentOutOfRangeException(nameof(LearningRateDecay), LearningRateDecay, "the decay must be in (0, 1]");
        if (!(InitialKlFactor >= 0 && double.IsFinite(InitialKlFactor))) throw new ArgumentOutOfRangeException(nameof(InitialKlFactor), InitialKlFactor, "the KL factor must be finite and >= 0");
        if (AnnealingEpochs < 1) throw new ArgumentOutOfRangeException(nameof(AnnealingEpochs), AnnealingEpochs, "annealing epochs must be >= 1");
        foreach (var (name, v) in new[] { (nameof(PriorStdLogitA), PriorStdLogitA), (nameof(PriorStdB), PriorStdB), (nameof(PriorStdLogU), PriorStdLogU),
                     (nameof(PriorStdLogitDepth), PriorStdLogitDepth), (nameof(PriorStdLogNoise), PriorStdLogNoise), (nameof(InitialGuideStd), InitialGuideStd), (nameof(GuideMaxStdLogU), GuideMaxStdLogU),
                     (nameof(PriorStdEvidenceLink), PriorStdEvidenceLink) })
            if (!Pos(v)) throw new ArgumentOutOfRangeException(name, v, "a standard deviation must be finite and > 0");
        if (!double.IsFinite(PriorMeanLogU)) throw new ArgumentOutOfRangeException(nameof(PriorMeanLogU), PriorMeanLogU, "must be finite");
        if (!(MinPrior > 0 && MinPrior < MaxPrior && MaxPrior < 1)) throw new ArgumentOutOfRangeException(nameof(MinPrior), MinPrior, "need 0 < min prior < max prior < 1");
        if (!(AbsentPrior > 0 && AbsentPrior < 1)) throw new ArgumentOutOfRangeException(nameof(AbsentPrior), AbsentPrior, "the absent-pair prior must be in (0, 1)");
        if (!(EvidenceWeight >= 0 && double.IsFinite(EvidenceWeight))) throw new ArgumentOutOfRangeException(nameof(EvidenceWeight), EvidenceWeight, "the evidence weight must be finite and >= 0");
        if (!(HoldoutFraction >= 0 && HoldoutFraction < 1)) throw new ArgumentOutOfRangeException(nameof(HoldoutFraction), HoldoutFraction, "the hold-out fraction must be in [0, 1)");
        if (ValidationEvery < 1) throw new ArgumentOutOfRangeException(nameof(ValidationEvery), ValidationEvery, "must be >= 1");
        if (Patience < 0) throw new ArgumentOutOfRangeException(nameof(Patience), Patience, "must be >= 0");
        if (!(Tolerance >= 0 && double.IsFinite(Tolerance))) throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "the tolerance must be finite and >= 0");
    }

    /// <summary>The KL weight at a 0-based epoch.</summary>
    public double KlFactor(int epoch) => 1 + (InitialKlFactor - 1) * Math.Max(0.0, 1 - (double)epoch / AnnealingEpochs);
}
