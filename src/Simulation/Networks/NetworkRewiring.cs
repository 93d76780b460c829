using GrnFast.Simulation.Random;

namespace GrnFast.Simulation.Networks;

/// <summary>
/// A related network for another cell type: a fraction f of the edges keep their regulator, sign and strength but
/// move to a new target, drawn uniformly among the genes that are not the regulator itself, not a master regulator,
/// not already its target and, when the network is acyclic, not upstream of it (so the result stays acyclic). An
/// edge moves only while its target keeps another regulator (self loops aside), so no gene loses all its inputs; in an
/// acyclic network the master regulators therefore stay the same. (In a network with cycles, moving an edge can leave
/// a cycle without outside input; its genes then keep no basal rate in that cell type.) Chosen edges that cannot move
/// anywhere stay; <see cref="Result.Moved"/> counts the rest.
/// </summary>
public static class NetworkRewiring
{
    public readonly record struct Result(GeneNetwork Network, int Moved, int Requested);

    public static Result Rewire(GeneNetwork network, double fraction, RandomSource random)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(random);
        if (!(fraction is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "the rewired fraction must be in [0, 1]");
        var edges = network.Edges.ToArray();
        int requested = (int)Math.Round(fraction * edges.Length, MidpointRounding.AwayFromZero);
        if (requested == 0) return new Result(network, 0, 0);
        bool keepAcyclic = network.Topology.IsAcyclic;
        int p = network.GeneCount;
        // Regulators of each gene other than itself: an edge may leave a target only while this stays >= 1.
        var inDegree = new int[p];
        foreach (var e in edges) if (e.Regulator != e.Target) inDegree[e.Target]++;
        var pairs = new HashSet<(int, int)>(edges.Select(e => (e.Regulator, e.Target)));
        var targets = new List<int>[p];
        for (int g = 0; g < p; g++) targets[g] = new List<int>();
        foreach (var e in edges) targets[e.Regulator].Add(e.Target);

        var order = Enumerable.Range(0, edges.Length).ToArray();
        random.Shuffle<int>(order);
        var candidates = new List<int>();
        int moved = 0;
        foreach (int k in order.AsSpan(0, requested))
        {
            var e = edges[k];
            if (e.Regulator == e.Target || inDegree[e.Target] < 2) continue;
            candidates.Clear();
            bool[]? upstream = keepAcyclic ? Upstream(targets, e.Regulator, p) : null;
            for (int t = 0; t < p; t++)
            {
                if (t == e.Regulator || t == e.Target || network.IsMasterRegulator(t) || pairs.Contains((e.Regulator, t))) continue;
                if (upstream is not null && upstream[t]) continue;
                candidates.Add(t);
            }
            if (candidates.Count == 0) continue;
            int newTarget = candidates[random.NextInt(candidates.Count)];
            pairs.Remove((e.Regulator, e.Target));
            pairs.Add((e.Regulator, newTarget));
            targets[e.Regulator].Remove(e.Target);
            targets[e.Regulator].Add(newTarget);
            inDegree[e.Target]--;
            inDegree[newTarget]++;
            edges[k] = e with { Target = newTarget };
            moved++;
        }
        return new Result(new GeneNetwork(network.Genes, edges), moved, requested);
    }

    // Genes from which 'gene' can be reached: a new edge gene -> t closes a cycle exactly when t is one of them.
    private static bool[] Upstream(List<int>[] targets, int gene, int p)
    {
        var regulators = new List<int>[p];
        for (int g = 0; g < p; g++) regulators[g] = new List<int>();
        for (int g = 0; g < p; g++) foreach (int t in targets[g]) regulators[t].Add(g);
        var seen = new bool[p];
        var stack = new Stack<int>();
        stack.Push(gene);
        while (stack.Count > 0)
        {
            int g = stack.Pop();
            foreach (int r in regulators[g]) if (!seen[r]) { seen[r] = true; stack.Push(r); }
        }
        return seen;
    }
}
