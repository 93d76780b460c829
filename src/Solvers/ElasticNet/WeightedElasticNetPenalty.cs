using System.Runtime.CompilerServices;

namespace GrnFast.Solvers.ElasticNet;

/// <summary>
/// Per-coordinate elastic-net penalty sum_i (l1_i |theta_i| + l2_i/2 theta_i^2) with
/// l1_i = alpha rho w_i and l2_i = alpha (1 - rho) w_i. It knows its coordinate update (the proximal step),
/// its value and its convex conjugate, which is all the point solver and the duality gap need.
/// </summary>
internal readonly ref struct WeightedElasticNetPenalty
{
    private readonly ReadOnlySpan<double> _l1Weight;
    private readonly ReadOnlySpan<double> _l2Weight;
    private readonly double _alpha;

    /// <param name="l1Weight">rho w_i</param>
    /// <param name="l2Weight">(1 - rho) w_i</param>
    public WeightedElasticNetPenalty(double alpha, ReadOnlySpan<double> l1Weight, ReadOnlySpan<double> l2Weight)
    {
        _alpha = alpha; _l1Weight = l1Weight; _l2Weight = l2Weight;
    }

    /// <summary>l1_i = alpha rho w_i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double L1(int i) => _alpha * _l1Weight[i];

    /// <summary>l2_i = alpha (1 - rho) w_i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double L2(int i) => _alpha * _l2Weight[i];

    /// <summary>argmin_t (h/2) t^2 - z t + l1|t| + l2/2 t^2 = S(z, l1) / (h + l2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Update(int i, double z, double h)
    {
        double l1 = L1(i);
        double s = z > l1 ? z - l1 : z < -l1 ? z + l1 : 0.0;
        return s == 0.0 ? 0.0 : s / (h + L2(i));
    }

    /// <summary>l1 |t| + l2/2 t^2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Value(int i, double t) => L1(i) * Math.Abs(t) + 0.5 * L2(i) * t * t;

    /// <summary>
    /// The conjugate h_i*(v) = (|v| - l1)_+^2 / (2 l2); with l2 = 0 it is the indicator of |v| &lt;= l1,
    /// which the dual point's scaling keeps at 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Conjugate(int i, double v)
    {
        double l2 = L2(i);
        if (l2 == 0) return 0;
        double e = Math.Abs(v) - L1(i);
        return e > 0 ? e * e / (2 * l2) : 0;
    }
}
