using System.Numerics.Tensors;
using GrnFast.Simulation.Random;

namespace GrnFast.Simulation.Dynamics;

/// <summary>
/// The chemical Langevin equation of one condition (a cell type or a differentiation path, with or without a
/// perturbation), ready to integrate. Production is P_i = s_i (c_i(t) + sum_j w_ij H_ij(x_j)) with s_i the
/// perturbation's scale (0 knockout, f knockdown, 1 otherwise); c_i(t) moves from the start type's basal rates to
/// the end type's linearly over the ramp of a differentiation path.
/// </summary>
internal sealed class LangevinModel
{
    public LangevinModel(RegulationTable table, ReadOnlySpan<double> halfResponse, ReadOnlySpan<double> basalStart, ReadOnlySpan<double> basalEnd,
        ReadOnlySpan<double> scale, double decay, double noise, double dt)
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
        Scale = scale.ToArray();
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

    public double[] Scale { get; }
    public double Decay { get; }
    public double TimeStep { get; }

    /// <summary>q sqrt(dt).</summary>
    public double NoiseScale { get; }
}

/// <summary>
/// Integrates a batch of independent trajectories of one condition side by side. The state is stored gene-major
/// (lane l of gene i at i * lanes + l), so every operation of a step is a loop over the lanes of one gene or one Hill
/// slot: contiguous, vectorised, with no gathers. All randomness comes from the batch's own stream, in a fixed
/// order, so a batch gives the same bits whichever thread runs it.
/// </summary>
internal static class LangevinBatch
{
    /// <param name="initial">The starting state of every lane (one value per gene).</param>
    /// <param name="sampleStep">Per lane, after how many steps its state is recorded.</param>
    /// <param name="rampStart">The step at which c(t) starts moving from the start to the end basal rates.</param>
    /// <param name="rampSteps">Steps the move takes; 0 for a steady-state condition.</param>
    /// <param name="output">lanes x genes, row-major: the recorded states.</param>
    public static void Run(LangevinModel model, ReadOnlySpan<double> initial, ReadOnlySpan<int> sampleStep, int rampStart, int rampSteps,
        RandomSource random, Span<double> output, CancellationToken cancellation)
    {
        var table = model.Table;
        int p = table.Genes;
        int lanes = sampleStep.Length;
        var x = new double[p * lanes];
        for (int i = 0; i < p; i++) x.AsSpan(i * lanes, lanes).Fill(initial[i]);
        var hill = new double[table.SlotCount * lanes];
        var production = new double[lanes];
        var z = new double[p * lanes];
        var constant = model.ConstantStart.ToArray();
        bool noisy = model.NoiseScale != 0;

        int lastStep = 0;
        foreach (int s in sampleStep) lastStep = Math.Max(lastStep, s);
        Record(x, lanes, p, sampleStep, 0, output);
        for (int step = 0; step < lastStep; step++)
        {
            if ((step & 255) == 0) cancellation.ThrowIfCancellationRequested();
            if (rampSteps > 0 && step >= rampStart)
            {
                double f = Math.Min(1.0, (double)(step - rampStart) / rampSteps);
                foreach (int i in model.Ramped) constant[i] = model.ConstantStart[i] + f * (model.ConstantEnd[i] - model.ConstantStart[i]);
            }
            for (int s = 0; s < table.SlotCount; s++)
                LangevinKernels.Hill(x.AsSpan(table.SlotRegulator[s] * lanes, lanes), model.SlotHalfPower[s], table.SlotExponent[s], hill.AsSpan(s * lanes, lanes));
            if (noisy) random.FillNormal(z);
            for (int i = 0; i < p; i++)
            {
                double scale = model.Scale[i];
                if (scale == 0) production.AsSpan().Clear();
                else
                {
                    // P_i = s_i (c_i + sum_j w_ij H_ij)
                    production.AsSpan().Fill(constant[i]);
                    for (int k = table.TargetStart[i]; k < table.TargetStart[i + 1]; k++)
                        TensorPrimitives.MultiplyAdd(hill.AsSpan(table.EdgeSlot[k] * lanes, lanes), table.EdgeWeight[k], production, production);
                    if (scale != 1) TensorPrimitives.Multiply(production, scale, production);
                }
                LangevinKernels.Step(x.AsSpan(i * lanes, lanes), production, z.AsSpan(i * lanes, lanes), model.Decay, model.TimeStep, model.NoiseScale);
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
