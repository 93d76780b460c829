using GrnFast.Simulation.Random;

namespace GrnFast.Simulation.Networks;

/// <summary>
/// How edges get their parameters when the network does not say: activation with probability
/// <see cref="ActivationFraction"/> (repression otherwise), strength |K| uniform on
/// [<see cref="StrengthMin"/>, <see cref="StrengthMax"/>], Hill coefficient <see cref="HillCoefficient"/>.
/// Defaults follow SERGIO's usual ranges (K in [1, 5], n = 2).
/// </summary>
public sealed record EdgeParameters
{
    public double ActivationFraction { get; init; } = 0.6;
    public double StrengthMin { get; init; } = 1;
    public double StrengthMax { get; init; } = 5;
    public double HillCoefficient { get; init; } = 2;

    public void Validate()
    {
        if (!(ActivationFraction is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(ActivationFraction), ActivationFraction, "must be in [0, 1]");
        if (!(StrengthMin > 0) || !double.IsFinite(StrengthMin)) throw new ArgumentOutOfRangeException(nameof(StrengthMin), StrengthMin, "must be finite and > 0");
        if (!(StrengthMax >= StrengthMin) || !double.IsFinite(StrengthMax)) throw new ArgumentOutOfRangeException(nameof(StrengthMax), StrengthMax, "must be finite and >= the minimum strength");
        if (!(HillCoefficient > 0) || !double.IsFinite(HillCoefficient)) throw new ArgumentOutOfRangeException(nameof(HillCoefficient), HillCoefficient, "must be finite and > 0");
    }

    /// <summary>A strength |K| drawn uniformly.</summary>
    public double DrawMagnitude(RandomSource random) => random.NextDouble(StrengthMin, StrengthMax);

    /// <summary>+1 with probability <see cref="ActivationFraction"/>, else -1.</summary>
    public double DrawSign(RandomSource random) => random.NextDouble() < ActivationFraction ? 1 : -1;

    /// <summary>An edge with a drawn sign and strength.</summary>
    public RegulatoryEdge Draw(RandomSource random, int regulator, int target)
    {
        double sign = DrawSign(random);
        return new RegulatoryEdge(regulator, target, sign * DrawMagnitude(random), HillCoefficient);
    }
}
