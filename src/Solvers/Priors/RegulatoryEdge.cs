using GrnFast.Solvers.Evaluation;

namespace GrnFast.Solvers.Priors;

/// <summary>One edge of a generated prior: regulator -> target with a weight (a confidence, |z|, or 1).</summary>
public readonly record struct RegulatoryEdge(string Regulator, string Target, double Weight)
{
    public GenePair Pair => new(Regulator, Target);

    /// <summary>Ordinal order by regulator, then target: the order generators consume their input in, so a seed fixes the output.</summary>
    public static int CompareByPair(RegulatoryEdge a, RegulatoryEdge b)
    {
        int c = string.CompareOrdinal(a.Regulator, b.Regulator);
        return c != 0 ? c : string.CompareOrdinal(a.Target, b.Target);
    }
}
