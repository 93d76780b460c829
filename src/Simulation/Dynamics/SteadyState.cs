using GrnFast.Simulation.Networks;

namespace GrnFast.Simulation.Dynamics;

/// <summary>The half responses and the noise-free steady state of every cell type.</summary>
/// <param name="HalfResponse">h_j: the mean over cell types of regulator j's steady state (SERGIO's choice), floored at 1e-6.</param>
/// <param name="Means">Per cell type, the steady state x_i = P_i(x) / lambda of every gene.</param>
/// <param name="Sweeps">Gauss-Seidel sweeps used; 2 for an acyclic network (one to solve, one to confirm).</param>
/// <param name="Converged">False only for a cyclic network whose fixed-point iteration did not settle.</param>
public sealed record SteadyStateCalibration(IReadOnlyList<double> HalfResponse, IReadOnlyList<IReadOnlyList<double>> Means, int Sweeps, bool Converged, bool Cyclic);

/// <summary>
/// Noise-free steady states, gene by gene in topological order (SERGIO's layer-by-layer procedure with the
/// deterministic fixed point in place of a simulated mean): once a regulator's steady state is known in every cell
/// type, its half response h_j is their mean, and its targets can be solved. For a network with cycles (or self
/// loops), or cell types whose rewired networks together form one, the same sweep repeats until the states stop
/// changing (a fixed-point iteration, damped after 50 sweeps against oscillation). A cell at h_j sits at the
/// half-maximum of its Hill curves, so regulation is neither saturated nor off where the cells are.
/// </summary>
internal static class SteadyState
{
    public const double HalfResponseFloor = 1e-6;
    private const int MaxSweeps = 5000;
    private const double Tolerance = 1e-12;

    public static SteadyStateCalibration Calibrate(IReadOnlyList<CellType> types, double decay)
    {
        int p = types[0].Network.GeneCount;
        int k = types.Count;
        var tables = types.Select(t => new RegulationTable(t.Network)).ToArray();
        var union = UnionTopology(types);
        var x = new double[k][];
        for (int c = 0; c < k; c++) x[c] = types[c].Basal.Select(b => b / decay).ToArray();
        var h = new double[p];
        for (int i = 0; i < p; i++) h[i] = MeanOver(x, i);

        bool cyclic = !union.IsAcyclic;
        int sweeps = 0;
        bool converged = false;
        while (sweeps < MaxSweeps && !converged)
        {
            double omega = sweeps < 50 ? 1 : 0.5;
            double change = 0;
            foreach (int i in union.Order)
            {
                for (int c = 0; c < k; c++)
                {
                    double next = tables[c].Production(i, x[c], h, types[c].Basal[i]) / decay;
                    double updated = x[c][i] + omega * (next - x[c][i]);
                    change = Math.Max(change, Math.Abs(updated - x[c][i]) / (1 + Math.Abs(x[c][i])));
                    x[c][i] = updated;
                }
                h[i] = MeanOver(x, i);
            }
            sweeps++;
            converged = change <= Tolerance;
        }
        return new SteadyStateCalibration(h, x, sweeps, converged, cyclic);
    }

    /// <summary>
    /// The noise-free steady state of one cell type with fixed half responses, production of gene i multiplied by
    /// scale_i (0 for a knockout): the starting state of its cells, iterated from <paramref name="start"/> (the
    /// unperturbed steady state). Only a starting point, so a cyclic network gets at most 500 sweeps to a looser
    /// tolerance; the burn-in absorbs whatever is left.
    /// </summary>
    public static double[] Solve(RegulationTable table, NetworkTopology topology, ReadOnlySpan<double> start, ReadOnlySpan<double> basal,
        ReadOnlySpan<double> halfResponse, ReadOnlySpan<double> scale, double decay)
    {
        const int maxSweeps = 500;
        const double tolerance = 1e-10;
        int p = table.Genes;
        var x = start.ToArray();
        for (int sweep = 0; sweep < maxSweeps; sweep++)
        {
            double omega = sweep < 50 ? 1 : 0.5;
            double change = 0;
            foreach (int i in topology.Order)
            {
                double next = scale[i] * table.Production(i, x, halfResponse, basal[i]) / decay;
                double updated = x[i] + omega * (next - x[i]);
                change = Math.Max(change, Math.Abs(updated - x[i]) / (1 + Math.Abs(x[i])));
                x[i] = updated;
            }
            if (change <= tolerance) break;
        }
        return x;
    }

    private static double MeanOver(double[][] x, int gene)
    {
        double s = 0;
        foreach (var row in x) s += row[gene];
        return Math.Max(s / x.Length, HalfResponseFloor);
    }

    // One order for all cell types: the topology of the union of their edges.
    private static NetworkTopology UnionTopology(IReadOnlyList<CellType> types)
    {
        if (types.Count == 1) return types[0].Network.Topology;
        var pairs = new HashSet<(int, int)>();
        var edges = new List<RegulatoryEdge>();
        foreach (var t in types)
            foreach (var e in t.Network.Edges)
                if (pairs.Add((e.Regulator, e.Target))) edges.Add(new RegulatoryEdge(e.Regulator, e.Target, 1, 1));
        return new GeneNetwork(types[0].Network.Genes, edges).Topology;
    }
}
