using GrnFast.Simulation.Dynamics;
using GrnFast.Simulation.Networks;

namespace GrnFast.Simulation;

/// <summary>
/// Which cells are simulated under which condition. The cells are split evenly across the steady-state cell types
/// (or across the differentiation paths when there are any; the first ones get the remainder); within each such
/// group, a fraction of the cells (rounded) is split evenly across the guides and the rest are non-targeting. A
/// group's cells, condition after condition, run in batches of <see cref="Simulator.BatchLanes"/> lanes (guides mix
/// within a batch). The plan depends only on the options, never on threads, so batch b always gets the same cells
/// and the same random stream.
/// </summary>
internal sealed class CellPlan
{
    /// <summary>A cell type or path, with the index of its start and end cell types.</summary>
    public sealed record Group(string Name, int From, int To, bool IsPath);

    /// <summary>The cells of one group that carry one guide (or none).</summary>
    public sealed record Condition(int Group, Perturbation? Perturbation, string Guide, int Count);

    /// <summary>Rows [FirstRow, FirstRow + Count) of one group, the lanes of one batch; LaneConditions[l] is lane l's condition.</summary>
    public sealed record Batch(int Group, int Index, int FirstRow, int Count, int[] LaneConditions);

    private CellPlan(List<Group> groups, List<Condition> conditions, List<Batch> batches)
    {
        Groups = groups;
        Conditions = conditions;
        Batches = batches;
    }

    public IReadOnlyList<Group> Groups { get; }
    public IReadOnlyList<Condition> Conditions { get; }
    public IReadOnlyList<Batch> Batches { get; }

    public static CellPlan Build(IReadOnlyList<CellType> types, SimulationOptions options, GeneNetwork network)
    {
        var groups = options.Trajectories.Count > 0
            ? options.Trajectories.Select(t => new Group($"{types[t.From].Name}->{types[t.To].Name}", t.From, t.To, true)).ToList()
            : types.Select((t, c) => new Group(t.Name, c, c, false)).ToList();
        var conditions = new List<Condition>();
        var batches = new List<Batch>();
        var guides = options.Perturbations;
        int row = 0;
        for (int g = 0; g < groups.Count; g++)
        {
            int cells = Share(options.Cells, groups.Count, g);
            int perturbed = guides.Count == 0 ? 0 : (int)Math.Round(options.PerturbFraction * cells, MidpointRounding.AwayFromZero);
            var laneConditions = new List<int>(cells);
            conditions.Add(new Condition(g, null, Simulator.NonTargeting, cells - perturbed));
            laneConditions.AddRange(Enumerable.Repeat(conditions.Count - 1, cells - perturbed));
            for (int k = 0; k < guides.Count; k++)
            {
                int count = Share(perturbed, guides.Count, k);
                conditions.Add(new Condition(g, guides[k], network.Genes[guides[k].Gene], count));
                laneConditions.AddRange(Enumerable.Repeat(conditions.Count - 1, count));
            }
            for (int index = 0, done = 0; done < cells; index++)
            {
                int lanes = Math.Min(Simulator.BatchLanes, cells - done);
                batches.Add(new Batch(g, index, row, lanes, laneConditions.GetRange(done, lanes).ToArray()));
                row += lanes;
                done += lanes;
            }
        }
        return new CellPlan(groups, conditions, batches);
    }

    // Part k of n split into 'parts' near-equal parts, the first ones one larger.
    private static int Share(int n, int parts, int k) => n / parts + (k < n % parts ? 1 : 0);
}
