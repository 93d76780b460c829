namespace GrnFast.Solvers.Priors;

/// <summary>How a perturbation z-score becomes an edge weight.</summary>
public enum PerturbationWeight
{
    /// <summary>erf(|z| / sqrt 2) = 1 - the two-sided normal p-value of z: a confidence in [0, 1), what --prior reads.</summary>
    Confidence,
    /// <summary>|z| itself.</summary>
    AbsoluteZ,
}

/// <summary>
/// A prior from perturbation data (knockouts or knockdowns of regulators, DREAM4 layout: row i perturbs gene i). The
/// effect of perturbing regulator i on gene j is the change from the unperturbed reference, scaled by how much gene j
/// moves across all perturbations: z_ij = (X_ij - x0_j) / s_j, with s_j the sample standard deviation of X_kj over
/// the perturbations k != j (gene j's own knockout is not a measure of its spread). Most perturbations leave gene j
/// alone, so s_j is mostly noise and a direct target stands out by several s_j. z &lt; 0 means the regulator
/// activates j (removing it lowers j). z_jj and genes with s_j = 0 have no score (NaN).
/// </summary>
public static class PerturbationPrior
{
    /// <param name="perturbed">perturbations x genes, square: row i perturbs gene (column) i.</param>
    /// <param name="reference">the unperturbed expression of every gene (wild type).</param>
    /// <returns>z[i, j]: the effect of perturbing gene i on gene j.</returns>
    public static double[,] ZScores(double[,] perturbed, ReadOnlySpan<double> reference)
    {
        ArgumentNullException.ThrowIfNull(perturbed);
        int p = perturbed.GetLength(1);
        if (perturbed.GetLength(0) != p)
            throw new ArgumentException($"{perturbed.GetLength(0)} perturbations for {p} genes: row i must perturb gene i", nameof(perturbed));
        if (reference.Length != p) throw new ArgumentException($"{reference.Length} reference values for {p} genes", nameof(reference));
        if (p < 3) throw new ArgumentException("at least 3 genes are needed for a spread over the perturbations", nameof(perturbed));
        var z = new double[p, p];
        for (int j = 0; j < p; j++)
        {
            // Two-pass mean and variance over the perturbations of other genes.
            double mean = 0;
            for (int i = 0; i < p; i++) if (i != j) mean += perturbed[i, j];
            mean /= p - 1;
            double ss = 0;
            for (int i = 0; i < p; i++) if (i != j) { double d = perturbed[i, j] - mean; ss += d * d; }
            double sd = Math.Sqrt(ss / (p - 2));
            for (int i = 0; i < p; i++)
                z[i, j] = i == j || !(sd > 0) || !double.IsFinite(sd) ? double.NaN : (perturbed[i, j] - reference[j]) / sd;
        }
        return z;
    }

    /// <summary>Stouffer's combination of two z-scores of the same effect (z1 + z2) / sqrt 2; one alone when the other is NaN.</summary>
    public static double[,] Combine(double[,] first, double[,] second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.GetLength(0) != second.GetLength(0) || first.GetLength(1) != second.GetLength(1))
            throw new ArgumentException("the two z-score matrices differ in shape", nameof(second));
        var z = new double[first.GetLength(0), first.GetLength(1)];
        for (int i = 0; i < z.GetLength(0); i++)
            for (int j = 0; j < z.GetLength(1); j++)
            {
                double a = first[i, j], b = second[i, j];
                z[i, j] = double.IsNaN(a) ? b : double.IsNaN(b) ? a : (a + b) / Math.Sqrt(2);
            }
        return z;
    }

    /// <summary>The edges regulator i -> gene j with |z_ij| &gt;= <paramref name="minAbsZ"/> (self pairs and NaN never).</summary>
    public static List<RegulatoryEdge> Edges(IReadOnlyList<string> genes, double[,] z, double minAbsZ, PerturbationWeight weight)
    {
        ArgumentNullException.ThrowIfNull(genes);
        ArgumentNullException.ThrowIfNull(z);
        if (z.GetLength(0) != genes.Count || z.GetLength(1) != genes.Count) throw new ArgumentException($"z is {z.GetLength(0)} x {z.GetLength(1)} for {genes.Count} genes", nameof(z));
        if (!(minAbsZ >= 0)) throw new ArgumentOutOfRangeException(nameof(minAbsZ), minAbsZ, "must be >= 0");
        var edges = new List<RegulatoryEdge>();
        for (int i = 0; i < genes.Count; i++)
            for (int j = 0; j < genes.Count; j++)
            {
                double a = Math.Abs(z[i, j]);
                if (i == j || double.IsNaN(a) || a < minAbsZ) continue;
                edges.Add(new RegulatoryEdge(genes[i], genes[j], weight == PerturbationWeight.AbsoluteZ ? a : Confidence(a)));
            }
        return edges;
    }

    /// <summary>erf(|z| / sqrt 2): the probability mass of a standard normal within |z|.</summary>
    public static double Confidence(double z) => Erf(Math.Abs(z) / Math.Sqrt(2));

    /// <summary>
    /// erf(x) for x &gt;= 0 by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7, ample for a confidence):
    /// 1 - (a1 t + a2 t^2 + a3 t^3 + a4 t^4 + a5 t^5) exp(-x^2), t = 1 / (1 + 0.3275911 x).
    /// </summary>
    internal static double Erf(double x)
    {
        if (double.IsPositiveInfinity(x)) return 1;
        double t = 1 / (1 + 0.3275911 * x);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        return 1 - poly * Math.Exp(-x * x);
    }
}
