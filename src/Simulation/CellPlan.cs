using GrnFast.Simulation.Dynamics;
using GrnFast.Simulation.Networks;

namespace GrnFast.Simulation;

/// <summary>
/// Which cells are simulated under which condition. The cells are split evenly across the steady-state cell types
/// (or across the differentiation paths when there are any; the first ones get the remainder); within each, a
/// fraction of the cells (rounded) is split evenly across the guides and the rest are non-targeting. Each condition
/// runs in batches of at most <see cref="Simulator.BatchLanes"/> cells. The plan depends only on the options, never
/// on threads, so batch b always gets the same cells and the same random stream.
/// </summary>
internal sealed class CellPlan
{
    public sealed record Condition(string Name, int From, int To, bool IsPath, Perturbation? Perturbation, string Guide, int Count);

    public readonly record struct Batch(int Condition, int Index, int FirstRow, int Count);

    private CellPlan(List<Condition> conditions, List<Batch> batches)
    {
        Conditions = conditions;
        Batches = batches;
    }

    public IReadOnlyList<Condition> Conditions { get; }
    public IReadOnlyList<Batch> Batches { get; }

    public static CellPlan Build(IReadOnlyList<CellType> types, SimulationOptions options, GeneNetwork network)
    {
        var groups = options.Trajectories.Count > 0
            ? options.Trajectories.Select(t => (Name: $"{types[t.From].Name}->{types[t.To].Name}", t.From, t.To, IsPath: true)).ToList()
            : types.Select((t, c) => (Name: t.Name, From: c, To: c, IsPath: false)).ToList();
        var conditions = new List<Condition>();
        var guides = options.Perturbations;
        for (int g = 0; g < groups.Count; g++)
        {
            int cells = Share(options.Cells, groups.Count, g);
            int perturbed = guides.Count == 0 ? 0 : (int)Math.Round(options.PerturbFraction * cells, MidpointRounding.AwayFromZero);
            var group = groups[g];
            conditions.Add(new Condition(group.Name, group.From, group.To, group.IsPath, null, Simulator.NonTargeting, cells - perturbed));
            for (int k = 0; k < guides.Count; k++)
                conditions.Add(new Condition(group.Name, group.From, group.To, group.IsPath, guides[k], network.Genes[guides[k].Gene], Share(perturbed, guides.Count, k)));
        }
        var batches = new List<Batch>();
        int row = 0;
        for (int c = 0; c < conditions.Count; c++)
        {
            int count = conditions[c].Count;
            for (int index = 0, done = 0; done < count; index++)
            {
                int lanes = Math.Min(Simulator.BatchLanes, count - done);
                batches.Add(new Batch(c, index, row, lanes));
                row += lanes;
                done += lanes;
            }
        }
        return new CellPlan(conditions, batches);
    }

    // Part k of n split into 'parts' near-equal parts, the first ones one larger.
    private static int Share(int n, int parts, int k) => n / parts + (k < n % parts ? 1 : 0);
}
