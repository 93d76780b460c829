using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace GrnFast.Simulation.Dynamics;

/// <summary>
/// The per-step loops over a batch of trajectories (lanes). Each vector body computes exactly its scalar tail's
/// formula with IEEE-exact operations only (+, -, *, /, sqrt, compare; no fused multiply-add), so a lane's result
/// does not depend on where it falls in the batch or on the instruction set.
/// </summary>
internal static class LangevinKernels
{
    /// <summary>a_l = t_l / (h^n + t_l) with t_l = x_l^n; n = 1..4 by multiplication, any other n by TensorPrimitives.Pow.</summary>
    public static void Hill(ReadOnlySpan<double> x, double halfPower, double exponent, Span<double> destination)
    {
        switch (exponent)
        {
            case 1: HillOfPower<Identity>(x, halfPower, destination); break;
            case 2: HillOfPower<Square>(x, halfPower, destination); break;
            case 3: HillOfPower<Cube>(x, halfPower, destination); break;
            case 4: HillOfPower<Fourth>(x, halfPower, destination); break;
            default:
                TensorPrimitives.Pow(x, exponent, destination);
                HillOfPower<Identity>(destination, halfPower, destination);
                break;
        }
    }

    /// <summary>
    /// One Euler-Maruyama step of the chemical Langevin equation for one gene over all lanes:
    ///   x &lt;- max(0, x + (p - lambda x) dt + s sqrt(p + lambda x) z),  s = q sqrt(dt),
    /// where sqrt(p + lambda x) z is the sum of the production noise sqrt(p) z_a and the decay noise
    /// -sqrt(lambda x) z_b (the same distribution with one normal instead of two). Negative states are clipped to 0.
    /// </summary>
    public static void Step(Span<double> x, ReadOnlySpan<double> production, ReadOnlySpan<double> z, double decay, double dt, double noiseScale)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var xv = MemoryMarshal.Cast<double, Vector<double>>(x);
            var pv = MemoryMarshal.Cast<double, Vector<double>>(production);
            var zv = MemoryMarshal.Cast<double, Vector<double>>(z);
            var lambda = new Vector<double>(decay);
            var step = new Vector<double>(dt);
            var scale = new Vector<double>(noiseScale);
            for (int v = 0; v < xv.Length; v++)
            {
                var decayed = lambda * xv[v];
                var variance = pv[v] + decayed;
                variance = Vector.ConditionalSelect(Vector.LessThan(variance, Vector<double>.Zero), Vector<double>.Zero, variance);
                // x + (p - lambda x) dt + s sqrt(p + lambda x) z
                var next = xv[v] + (pv[v] - decayed) * step + scale * Vector.SquareRoot(variance) * zv[v];
                xv[v] = Vector.ConditionalSelect(Vector.LessThan(next, Vector<double>.Zero), Vector<double>.Zero, next);
            }
            i = xv.Length * Vector<double>.Count;
        }
        for (; i < x.Length; i++) x[i] = StepScalar(x[i], production[i], z[i], decay, dt, noiseScale);
    }

    /// <summary>The scalar definition of <see cref="Step"/> for one lane.</summary>
    public static double StepScalar(double x, double production, double z, double decay, double dt, double noiseScale)
    {
        double decayed = decay * x;
        double variance = production + decayed;
        if (variance < 0) variance = 0;
        double next = x + (production - decayed) * dt + noiseScale * Math.Sqrt(variance) * z;
        return next < 0 ? 0 : next;
    }

    /// <summary>The scalar definition of <see cref="Hill"/> for one lane (integer n up to 4).</summary>
    public static double HillScalar(double x, double halfPower, double exponent)
    {
        double t = RegulationTable.Power(x, exponent);
        return t / (halfPower + t);
    }

    private static void HillOfPower<TPower>(ReadOnlySpan<double> x, double halfPower, Span<double> destination)
        where TPower : struct, IPower
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var xv = MemoryMarshal.Cast<double, Vector<double>>(x);
            var dv = MemoryMarshal.Cast<double, Vector<double>>(destination);
            var hn = new Vector<double>(halfPower);
            for (int v = 0; v < xv.Length; v++)
            {
                // t / (h^n + t)
                var t = TPower.Of(xv[v]);
                dv[v] = t / (hn + t);
            }
            i = xv.Length * Vector<double>.Count;
        }
        for (; i < x.Length; i++)
        {
            double t = TPower.Of(x[i]);
            destination[i] = t / (halfPower + t);
        }
    }

    private interface IPower
    {
        static abstract double Of(double x);
        static abstract Vector<double> Of(Vector<double> x);
    }

    private struct Identity : IPower
    {
        public static double Of(double x) => x;
        public static Vector<double> Of(Vector<double> x) => x;
    }

    private struct Square : IPower
    {
        public static double Of(double x) => x * x;
        public static Vector<double> Of(Vector<double> x) => x * x;
    }

    private struct Cube : IPower
    {
        public static double Of(double x) => x * x * x;
        public static Vector<double> Of(Vector<double> x) => x * x * x;
    }

    private struct Fourth : IPower
    {
        public static double Of(double x) => x * x * (x * x);
        public static Vector<double> Of(Vector<double> x) => x * x * (x * x);
    }
}
