using GrnFast.Simulation.Networks;

namespace GrnFast.Simulation.Dynamics;

/// <summary>
/// One cell type: its network (the shared one, or a partially rewired copy) and the basal production rate b_i of
/// every gene; b_i is nonzero only for master regulators, whose basal rates are what distinguishes the types.
/// </summary>
public sealed record CellType(string Name, GeneNetwork Network, IReadOnlyList<double> Basal, int RewiredEdges);
