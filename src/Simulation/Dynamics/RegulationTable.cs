using GrnFast.Simulation.Networks;

namespace GrnFast.Simulation.Dynamics;

/// <summary>
/// A network's regulation laid out for evaluation. Production of gene i is
///   P_i(x) = b_i + sum over activators j of K_ij H_ij(x_j) + sum over repressors j of K_ij (1 - H_ij(x_j)),
///   H_ij(x) = x^n / (h_j^n + x^n),  n = n_ij,
/// rewritten as P_i = c_i + sum_j w_ij H_ij(x_j) with c_i = b_i + sum of repressor strengths and w_ij = +K for an
/// activator, -K for a repressor. Every distinct (regulator, n) pair is one Hill "slot", evaluated once per step
/// however many targets it has; edges are stored by target (compressed rows) as (slot, w).
/// </summary>
internal sealed class RegulationTable
{
    public RegulationTable(GeneNetwork network)
    {
        int p = network.GeneCount;
        var byTarget = network.Edges.OrderBy(e => e.Target).ThenBy(e => e.Regulator).ToArray();
        var slotOf = new Dictionary<(int, double), int>();
        var slotRegulator = new List<int>();
        var slotExponent = new List<double>();
        TargetStart = new int[p + 1];
        EdgeSlot = new int[byTarget.Length];
        EdgeWeight = new double[byTarget.Length];
        RepressionSum = new double[p];
        for (int k = 0; k < byTarget.Length; k++)
        {
            var e = byTarget[k];
            if (!slotOf.TryGetValue((e.Regulator, e.HillCoefficient), out int slot))
            {
                slot = slotRegulator.Count;
                slotOf.Add((e.Regulator, e.HillCoefficient), slot);
                slotRegulator.Add(e.Regulator);
                slotExponent.Add(e.HillCoefficient);
            }
            EdgeSlot[k] = slot;
            EdgeWeight[k] = e.Strength;
            if (e.Strength < 0) RepressionSum[e.Target] += -e.Strength;
            TargetStart[e.Target + 1]++;
        }
        for (int i = 0; i < p; i++) TargetStart[i + 1] += TargetStart[i];
        SlotRegulator = slotRegulator.ToArray();
        SlotExponent = slotExponent.ToArray();
        Genes = p;
    }

    public int Genes { get; }

    /// <summary>Edges into gene i are [TargetStart[i], TargetStart[i + 1]).</summary>
    public int[] TargetStart { get; }
    public int[] EdgeSlot { get; }

    /// <summary>w: +K for an activator, -K for a repressor.</summary>
    public double[] EdgeWeight { get; }

    /// <summary>Sum of repressor strengths into each gene: the production when every repressor is absent.</summary>
    public double[] RepressionSum { get; }

    public int[] SlotRegulator { get; }
    public double[] SlotExponent { get; }
    public int SlotCount => SlotRegulator.Length;

    /// <summary>H(x) = x^n / (h^n + x^n) for x &gt; 0, else 0; h^n floored above zero so x = 0 never divides 0 by 0.</summary>
    public static double Hill(double x, double halfPower, double n)
    {
        if (x <= 0) return 0;
        double t = Power(x, n);
        return t / (halfPower + t);
    }

    /// <summary>h^n, floored at the smallest positive double.</summary>
    public static double HalfPower(double h, double n) => Math.Max(Power(h, n), double.Epsilon);

    /// <summary>x^n with the small integer exponents by multiplication, as the vector path does.</summary>
    public static double Power(double x, double n) => n switch
    {
        1 => x,
        2 => x * x,
        3 => x * x * x,
        4 => x * x * (x * x),
        _ => Math.Pow(x, n),
    };

    /// <summary>P_i(x) given the half responses h (one per gene) and the basal rate b_i.</summary>
    public double Production(int gene, ReadOnlySpan<double> x, ReadOnlySpan<double> halfResponse, double basal)
    {
        double p = basal + RepressionSum[gene];
        for (int k = TargetStart[gene]; k < TargetStart[gene + 1]; k++)
        {
            int slot = EdgeSlot[k];
            int regulator = SlotRegulator[slot];
            p += EdgeWeight[k] * Hill(x[regulator], HalfPower(halfResponse[regulator], SlotExponent[slot]), SlotExponent[slot]);
        }
        return Math.Max(p, 0);
    }
}
