using System.Numerics.Tensors;
using GrnFast.Simulation.Random;

namespace GrnFast.Simulation.Dynamics;

/// <summary>
/// The chemical Langevin equation of one cell type or differentiation path, ready to integrate. Production is
/// P_i = c_i(t) + sum_j w_ij H_ij(x_j); c_i(t) moves from the start type's basal rates to the end type's linearly
/// over the ramp of a differentiation path. Perturbations are per lane (<see cref="LanePerturbation"/>).
/// </summary>
internal sealed class LangevinModel
{
    public LangevinModel(RegulationTable table, ReadOnlySpan<double> halfResponse, ReadOnlySpan<double> basalStart, ReadOnlySpan<double> basalEnd,
        double decay, double noise, double dt)
    {
        Table = table;
        SlotHalfPower = new double[table.SlotCount];
        for (int s = 0; s < table.SlotCount; s++)
            SlotHalfPower[s] = RegulationTable.HalfPower(halfResponse[table.SlotRegulator[s]], table.SlotExponent[s]);
        int p = table.Genes;
        ConstantStart = new double[p];
        ConstantEnd = new double[p];
        for (int i = 0; i < p; i++)
        {
            ConstantStart[i] = basalStart[i] + table.RepressionSum[i];
            ConstantEnd[i] = basalEnd[i] + table.RepressionSum[i];
        }
        Ramped = Enumerable.Range(0, p).Where(i => ConstantStart[i] != ConstantEnd[i]).ToArray();
        Decay = decay;
        TimeStep = dt;
        NoiseScale = noise * Math.Sqrt(dt);
    }

    public RegulationTable Table { get; }
    public double[] SlotHalfPower { get; }
    public double[] ConstantStart { get; }
    public double[] ConstantEnd { get; }

    /// <summary>Genes whose constant term changes along the path (the master regulators whose basal rates differ).</summary>
    public int[] Ramped { get; }

    public double Decay { get; }
    public double TimeStep { get; }

    /// <summary>q sqrt(dt).</summary>
    public double NoiseScale { get; }
}

/// <summary>A lane's guide: the production of <see cref="Gene"/> is multiplied by <see cref="Factor"/> (0 for a knockout).</summary>
internal readonly record struct LanePerturbation(int Gene, double Factor);

/// <summary>
/// Integrates a batch of independent trajectories side by side. The state is stored gene-major (lane l of gene i
/// at i * lanes + l), so every operation of a step is a loop over the lanes of one gene or one Hill slot: contiguous,
/// vectorised, with no gathers. Lanes may carry different guides (their production of the targeted gene is scaled
/// lane by lane) and start from different states, so a batch always fills its lanes however many guides there are.
/// All randomness comes from the batch's own stream, in a fixed order: a batch gives the same bits on any thread.
/// </summary>
internal static class LangevinBatch
{
    /// <param name="initial">Per lane, the starting state (one value per gene).</param>
    /// <param name="perturbations">Per lane, its guide or null.</param>
    /// <param name="sampleStep">Per lane, after how many steps its state is recorded.</param>
    /// <param name="rampStart">The step at which c(t) starts moving from the start to the end basal rates.</param>
    /// <param name="rampSteps">Steps the move takes; 0 for a steady state.</param>
    /// <param name="output">lanes x genes, row-major: the recorded states.</param>
    public static void Run(LangevinModel model, IReadOnlyList<double[]> initial, IReadOnlyList<LanePerturbation?> perturbations,
        ReadOnlySpan<int> sampleStep, int rampStart, int rampSteps, RandomSource random, Span<double> output, CancellationToken cancellation)
    {
        var table = model.Table;
        int p = table.Genes;
        int lanes = sampleStep.Length;
        var x = new double[p * lanes];
        for (int l = 0; l < lanes; l++)
            for (int i = 0; i < p; i++) x[i * lanes + l] = initial[l][i];
        // Per gene, the lanes whose guide targets it.
        var guided = new List<(int Lane, double Factor)>?[p];
        for (int l = 0; l < lanes; l++)
            if (perturbations[l] is { } g) (guided[g.Gene] ??= []).Add((l, g.Factor));
        var hill = new double[table.SlotCount * lanes];
        var production = new double[lanes];
        var z = new double[lanes];
        var constant = model.ConstantStart.ToArray();
        bool noisy = model.NoiseScale != 0;

        int lastStep = 0;
        foreach (int s in sampleStep) lastStep = Math.Max(lastStep, s);
        Record(x, lanes, p, sampleStep, 0, output);
        for (int step = 0; step < lastStep; step++)
        {
            if ((step & 63) == 0) cancellation.ThrowIfCancellationRequested();
            if (rampSteps > 0 && step >= rampStart)
            {
                double f = Math.Min(1.0, (double)(step - rampStart) / rampSteps);
                foreach (int i in model.Ramped) constant[i] = model.ConstantStart[i] + f * (model.ConstantEnd[i] - model.ConstantStart[i]);
            }
            for (int s = 0; s < table.SlotCount; s++)
                LangevinKernels.Hill(x.AsSpan(table.SlotRegulator[s] * lanes, lanes), model.SlotHalfPower[s], table.SlotExponent[s], hill.AsSpan(s * lanes, lanes));
            for (int i = 0; i < p; i++)
            {
                // P_i = c_i + sum_j w_ij H_ij, then the guides' factors lane by lane
                production.AsSpan().Fill(constant[i]);
                for (int k = table.TargetStart[i]; k < table.TargetStart[i + 1]; k++)
                    TensorPrimitives.MultiplyAdd(hill.AsSpan(table.EdgeSlot[k] * lanes, lanes), table.EdgeWeight[k], production, production);
                if (guided[i] is { } lanesOfGene)
                    foreach (var (lane, factor) in lanesOfGene) production[lane] *= factor;
                // Normals are drawn gene by gene (the same sequence as one draw for the whole step) so they stay in L1.
                if (noisy) random.FillNormal(z);
                LangevinKernels.Step(x.AsSpan(i * lanes, lanes), production, z, model.Decay, model.TimeStep, model.NoiseScale);
            }
            Record(x, lanes, p, sampleStep, step + 1, output);
        }
    }

    private static void Record(double[] x, int lanes, int p, ReadOnlySpan<int> sampleStep, int step, Span<double> output)
    {
        for (int l = 0; l < lanes; l++)
        {
            if (sampleStep[l] != step) continue;
            var row = output.Slice(l * p, p);
            for (int i = 0; i < p; i++) row[i] = x[i * lanes + l];
        }
    }
}
