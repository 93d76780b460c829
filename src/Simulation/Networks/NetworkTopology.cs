namespace GrnFast.Simulation.Networks;

/// <summary>
/// The order in which a network's genes can be computed: its strongly connected components (Tarjan) listed so that
/// every edge between components points forward. For an acyclic network (no self loops either) each component is
/// one gene and <see cref="Order"/> is a topological order: every regulator comes before its targets.
/// </summary>
public sealed class NetworkTopology
{
    private readonly GeneNetwork _network;
    private readonly int[][] _targets;

    internal NetworkTopology(GeneNetwork network)
    {
        _network = network;
        int n = network.GeneCount;
        var targets = new List<int>[n];
        for (int i = 0; i < n; i++) targets[i] = new List<int>();
        bool selfLoop = false;
        foreach (var e in network.Edges)
        {
            targets[e.Regulator].Add(e.Target);
            selfLoop |= e.Regulator == e.Target;
        }
        _targets = targets.Select(t => t.ToArray()).ToArray();
        var (component, count) = StronglyConnectedComponents(_targets);
        Component = component;
        ComponentCount = count;
        IsAcyclic = count == n && !selfLoop;
        // Tarjan numbers components in reverse topological order: the last one found is a source.
        Order = Enumerable.Range(0, n).OrderByDescending(g => component[g]).ThenBy(g => g).ToArray();
        Depth = LongestChain(component, count);
        _sourceComponent = new bool[count];
        Array.Fill(_sourceComponent, true);
        foreach (var e in network.Edges)
            if (component[e.Regulator] != component[e.Target]) _sourceComponent[component[e.Target]] = false;
    }

    private readonly bool[] _sourceComponent;

    /// <summary>True when no edge enters the gene's component from another component.</summary>
    public bool IsSource(int gene) => _sourceComponent[Component[gene]];

    /// <summary>Genes in an order where every edge between different components points forward.</summary>
    public IReadOnlyList<int> Order { get; }

    /// <summary>The component of each gene; equal components mean the genes regulate each other through a cycle.</summary>
    public IReadOnlyList<int> Component { get; }

    public int ComponentCount { get; }

    /// <summary>No cycles and no self loops.</summary>
    public bool IsAcyclic { get; }

    /// <summary>Edges on the longest chain of components (0 for a network without edges between components).</summary>
    public int Depth { get; }

    /// <summary>Every gene reachable from <paramref name="gene"/> along edges, the gene itself excluded unless it lies on a cycle.</summary>
    public bool[] Descendants(int gene)
    {
        var seen = new bool[_network.GeneCount];
        var stack = new Stack<int>(_targets[gene]);
        while (stack.Count > 0)
        {
            int g = stack.Pop();
            if (seen[g]) continue;
            seen[g] = true;
            foreach (int t in _targets[g]) if (!seen[t]) stack.Push(t);
        }
        return seen;
    }

    private int LongestChain(int[] component, int count)
    {
        // Components in topological order are the descending Tarjan numbers; relax edges in that order.
        var depth = new int[count];
        foreach (int g in Order)
            foreach (int t in _targets[g])
                if (component[t] != component[g]) depth[component[t]] = Math.Max(depth[component[t]], depth[component[g]] + 1);
        return count == 0 ? 0 : depth.Max();
    }

    // Tarjan's algorithm without recursion (GeneNetWeaver networks reach thousands of genes).
    private static (int[] Component, int Count) StronglyConnectedComponents(int[][] targets)
    {
        int n = targets.Length;
        var index = new int[n];
        var low = new int[n];
        var component = new int[n];
        var onStack = new bool[n];
        Array.Fill(index, -1);
        var stack = new Stack<int>();
        var calls = new Stack<(int Gene, int Next)>();
        int counter = 0, count = 0;
        for (int root = 0; root < n; root++)
        {
            if (index[root] >= 0) continue;
            calls.Push((root, 0));
            index[root] = low[root] = counter++;
            stack.Push(root);
            onStack[root] = true;
            while (calls.Count > 0)
            {
                var (g, next) = calls.Pop();
                if (next < targets[g].Length)
                {
                    calls.Push((g, next + 1));
                    int t = targets[g][next];
                    if (index[t] < 0)
                    {
                        index[t] = low[t] = counter++;
                        stack.Push(t);
                        onStack[t] = true;
                        calls.Push((t, 0));
                    }
                    else if (onStack[t]) low[g] = Math.Min(low[g], index[t]);
                    continue;
                }
                if (low[g] == index[g])
                {
                    int w;
                    do
                    {
                        w = stack.Pop();
                        onStack[w] = false;
                        component[w] = count;
                    }
                    while (w != g);
                    count++;
                }
                if (calls.Count > 0)
                {
                    int parent = calls.Peek().Gene;
                    low[parent] = Math.Min(low[parent], low[g]);
                }
            }
        }
        return (component, count);
    }
}
