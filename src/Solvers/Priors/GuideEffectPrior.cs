namespace GrnFast.Solvers.Priors;

/// <summary>The effect of one guide's perturbation of <see cref="Regulator"/> on gene <see cref="Target"/> (indexes into the genes).</summary>
public readonly record struct GuideEffect(int Regulator, int Target, double Z);

/// <summary>
/// Effects of the guides of a Perturb-seq-like screen (each cell carries one guide perturbing one gene, or a control
/// guide): for a perturbed gene g and every other gene j, Welch's z of the difference of means between the cells of
/// g's guide and the control cells,
///   z_gj = (mean_g(x_j) - mean_0(x_j)) / sqrt(s2_g(x_j) / n_g + s2_0(x_j) / n_0),
/// with s2 the sample variances. z &lt; 0: perturbing g lowers j (g activates j). This is the per-cell analogue of
/// <see cref="PerturbationPrior"/>'s z for one-sample-per-knockout data. Pairs whose denominator is 0 (j constant
/// in both groups) have no effect listed.
/// </summary>
public static class GuideEffectPrior
{
    /// <param name="values">cells x genes, row-major.</param>
    /// <param name="guideGene">Per cell: the perturbed gene's index, or -1 for a control cell.</param>
    /// <returns>Every (g, j != g) with a finite z, for guides with at least 2 cells; ordered by g, then j.</returns>
    public static List<GuideEffect> ZScores(ReadOnlySpan<float> values, int genes, ReadOnlySpan<int> guideGene)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(genes, 1);
        int cells = guideGene.Length;
        if ((long)cells * genes != values.Length) throw new ArgumentException($"{values.Length} values for {cells} cells x {genes} genes", nameof(values));
        // Two passes (means, then squared deviations), in double: no cancellation for large means.
        var count = new int[genes + 1];
        var mean = new double[(genes + 1) * genes];
        var squares = new double[(genes + 1) * genes];
        for (int c = 0; c < cells; c++)
        {
            int g = guideGene[c];
            if (g < -1 || g >= genes) throw new ArgumentOutOfRangeException(nameof(guideGene), g, $"cell {c}: the guide's gene must be -1 (control) or in 0..{genes - 1}");
            int group = g < 0 ? genes : g;
            count[group]++;
            var row = values.Slice(c * genes, genes);
            var m = mean.AsSpan(group * genes, genes);
            for (int j = 0; j < genes; j++) m[j] += row[j];
        }
        for (int group = 0; group <= genes; group++)
            if (count[group] > 0)
                foreach (ref double m in mean.AsSpan(group * genes, genes)) m /= count[group];
        for (int c = 0; c < cells; c++)
        {
            int group = guideGene[c] < 0 ? genes : guideGene[c];
            var row = values.Slice(c * genes, genes);
            var m = mean.AsSpan(group * genes, genes);
            var q = squares.AsSpan(group * genes, genes);
            for (int j = 0; j < genes; j++)
            {
                double d = row[j] - m[j];
                q[j] += d * d;
            }
        }
        int n0 = count[genes];
        if (n0 < 2) throw new ArgumentException($"{n0} control cells; at least 2 are needed", nameof(guideGene));
        var effects = new List<GuideEffect>();
        for (int g = 0; g < genes; g++)
        {
            int ng = count[g];
            if (ng < 2) continue;
            for (int j = 0; j < genes; j++)
            {
                if (j == g) continue;
                double v0 = squares[genes * genes + j] / (n0 - 1), vg = squares[g * genes + j] / (ng - 1);
                double se = Math.Sqrt(vg / ng + v0 / n0);
                if (!(se > 0)) continue;
                effects.Add(new GuideEffect(g, j, (mean[g * genes + j] - mean[genes * genes + j]) / se));
            }
        }
        return effects;
    }
}
