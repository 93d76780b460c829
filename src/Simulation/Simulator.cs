using System.Globalization;
using GrnFast.Simulation.Dynamics;
using GrnFast.Simulation.Networks;
using GrnFast.Simulation.Noise;
using GrnFast.Simulation.Random;

namespace GrnFast.Simulation;

/// <summary>One simulated cell: its row name, cell type (or "from->to" path), guide ("non-targeting" or the targeted gene) and pseudotime (NaN at steady state).</summary>
public readonly record struct SimulatedCell(string Name, string CellType, string Guide, PerturbationKind? Perturbation, double Pseudotime);

/// <summary>What <see cref="Simulator.Run"/> produced.</summary>
public sealed class SimulationResult
{
    internal SimulationResult(GeneNetwork network, IReadOnlyList<CellType> cellTypes, SteadyStateCalibration calibration, double[] clean,
        TechnicalNoiseResult measured, IReadOnlyList<SimulatedCell> cells, double burnIn, int burnInSteps, double timeStep)
    {
        Network = network;
        CellTypes = cellTypes;
        Calibration = calibration;
        Clean = clean;
        Measured = measured;
        Cells = cells;
        BurnIn = burnIn;
        BurnInSteps = burnInSteps;
        TimeStep = timeStep;
    }

    /// <summary>The network of the first cell type (the one given or generated).</summary>
    public GeneNetwork Network { get; }

    /// <summary>Cell types with their (possibly rewired) networks and basal rates.</summary>
    public IReadOnlyList<CellType> CellTypes { get; }

    public SteadyStateCalibration Calibration { get; }

    /// <summary>cells x genes, row-major: the concentrations before technical noise, in output row order.</summary>
    public double[] Clean { get; }

    /// <summary>The output values (counts, log-normalised or clean) and the technical-noise bookkeeping.</summary>
    public TechnicalNoiseResult Measured { get; }

    public IReadOnlyList<SimulatedCell> Cells { get; }

    public int CellCount => Cells.Count;
    public int GeneCount => Network.GeneCount;
    public double BurnIn { get; }
    public int BurnInSteps { get; }
    public double TimeStep { get; }
}

/// <summary>
/// SERGIO-like single-cell expression from a GRN: chemical Langevin dynamics with Hill regulation, integrated by
/// Euler-Maruyama, one independent trajectory per cell, started at the noise-free steady state of its condition and
/// recorded after a burn-in (or, on a differentiation path, at a random time along the path). See docs/simulator.md.
/// </summary>
public static class Simulator
{
    /// <summary>Trajectories integrated side by side in one batch (the vector lanes of every step).</summary>
    internal const int BatchLanes = 64;

    public const string NonTargeting = "non-targeting";

    public static SimulationResult Run(GeneNetwork network, SimulationOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(network.GeneCount);
        int p = network.GeneCount;

        var types = BuildCellTypes(network, options);
        var calibration = SteadyState.Calibrate(types, options.Decay);
        int depth = types.Max(t => t.Network.Topology.Depth);
        double burnIn = options.BurnInFor(depth);
        int burnSteps = (int)Math.Ceiling(burnIn / options.TimeStep - 1e-9);
        int rampSteps = (int)Math.Round(options.TrajectoryTime / options.TimeStep);

        var plan = CellPlan.Build(types, options, network);
        var clean = new double[(long)options.Cells * p];
        var cells = new SimulatedCell[options.Cells];
        var halfResponse = calibration.HalfResponse.ToArray();
        var models = plan.Groups.Select(g => BuildModel(types[g.From], types[g.To], halfResponse, options)).ToArray();
        var initial = plan.Conditions.Select(c => InitialState(types[plan.Groups[c.Group].From], calibration.Means[plan.Groups[c.Group].From], c.Perturbation, halfResponse, options)).ToArray();

        Parallel.For(0, plan.Batches.Count, new ParallelOptions
        {
            MaxDegreeOfParallelism = options.Threads > 0 ? options.Threads : Environment.ProcessorCount,
            CancellationToken = cancellation,
        }, b =>
        {
            var batch = plan.Batches[b];
            var group = plan.Groups[batch.Group];
            var sampleStep = new int[batch.Count];
            var pseudotime = new double[batch.Count];
            if (group.IsPath)
            {
                var times = RandomSource.Stream(options.Seed, StreamPurpose.Pseudotime, batch.Group, batch.Index);
                for (int l = 0; l < batch.Count; l++)
                {
                    sampleStep[l] = burnSteps + (int)Math.Round(times.NextDouble() * rampSteps);
                    pseudotime[l] = rampSteps == 0 ? 1 : (double)(sampleStep[l] - burnSteps) / rampSteps;
                }
            }
            else
            {
                Array.Fill(sampleStep, burnSteps);
                Array.Fill(pseudotime, double.NaN);
            }
            var laneConditions = batch.LaneConditions.Select(c => plan.Conditions[c]).ToArray();
            var random = RandomSource.Stream(options.Seed, StreamPurpose.Dynamics, batch.Group, batch.Index);
            LangevinBatch.Run(models[batch.Group], batch.LaneConditions.Select(c => initial[c]).ToArray(),
                laneConditions.Select(c => c.Perturbation is { } g ? new LanePerturbation(g.Gene, g.Factor) : (LanePerturbation?)null).ToArray(),
                sampleStep, burnSteps, group.IsPath ? rampSteps : 0, random,
                clean.AsSpan((int)((long)batch.FirstRow * p), batch.Count * p), cancellation);
            for (int l = 0; l < batch.Count; l++)
                cells[batch.FirstRow + l] = new SimulatedCell("", group.Name, laneConditions[l].Guide, laneConditions[l].Perturbation?.Kind, pseudotime[l]);
        });

        // Shuffle rows so that types and guides do not form contiguous blocks (contiguous CV folds would see one type).
        var order = Enumerable.Range(0, options.Cells).ToArray();
        if (options.ShuffleCells) RandomSource.Stream(options.Seed, StreamPurpose.CellOrder).Shuffle<int>(order);
        var shuffled = new double[clean.Length];
        var named = new SimulatedCell[options.Cells];
        int width = options.Cells.ToString(CultureInfo.InvariantCulture).Length;
        for (int r = 0; r < order.Length; r++)
        {
            clean.AsSpan(order[r] * p, p).CopyTo(shuffled.AsSpan(r * p, p));
            named[r] = cells[order[r]] with { Name = "cell" + (r + 1).ToString(CultureInfo.InvariantCulture).PadLeft(width, '0') };
        }
        var measured = TechnicalNoise.Apply(shuffled, options.Cells, p, options.Technical, options.Seed, options.Threads);
        return new SimulationResult(network, types, calibration, shuffled, measured, named, burnIn, burnSteps, options.TimeStep);
    }

    /// <summary>Cell type c: the network (rewired for c &gt; 0 when asked) and basal rates uniform on [min, max] for the master regulators.</summary>
    internal static List<CellType> BuildCellTypes(GeneNetwork network, SimulationOptions options)
    {
        var types = new List<CellType>(options.CellTypes);
        ulong systemSeed = options.SystemSeed ?? options.Seed;
        for (int c = 0; c < options.CellTypes; c++)
        {
            var typeNetwork = network;
            int moved = 0;
            if (c > 0 && options.RewireFraction > 0)
            {
                var rewired = NetworkRewiring.Rewire(network, options.RewireFraction, RandomSource.Stream(systemSeed, StreamPurpose.Rewiring, c));
                typeNetwork = rewired.Network;
                moved = rewired.Moved;
            }
            var random = RandomSource.Stream(systemSeed, StreamPurpose.BasalRates, c);
            var basal = new double[network.GeneCount];
            for (int i = 0; i < basal.Length; i++)
                if (network.IsMasterRegulator(i)) basal[i] = random.NextDouble(options.BasalMin, options.BasalMax);
            types.Add(new CellType("type" + (c + 1).ToString(CultureInfo.InvariantCulture), typeNetwork, basal, moved));
        }
        return types;
    }

    private static LangevinModel BuildModel(CellType start, CellType end, double[] halfResponse, SimulationOptions options)
        => new(new RegulationTable(start.Network), halfResponse, start.Basal.ToArray(), end.Basal.ToArray(), options.Decay, options.Noise, options.TimeStep);

    /// <summary>The noise-free steady state of a cell type under a guide: where its cells start.</summary>
    private static double[] InitialState(CellType type, IReadOnlyList<double> steadyState, Perturbation? perturbation, double[] halfResponse, SimulationOptions options)
    {
        if (perturbation is null) return steadyState.ToArray();
        var scale = new double[type.Network.GeneCount];
        Array.Fill(scale, 1.0);
        scale[perturbation.Value.Gene] = perturbation.Value.Factor;
        return SteadyState.Solve(new RegulationTable(type.Network), type.Network.Topology, steadyState.ToArray(), type.Basal.ToArray(), halfResponse, scale, options.Decay);
    }
}
