namespace GrnFast.Solvers.Results;

/// <summary>
/// The optimality certificate of one fit: the duality gap P(theta) - D(nu) at the returned point, the
/// tolerance it was compared with (already scaled, see <see cref="ElasticNet.ElasticNetOptions.Tolerance"/>),
/// and the coordinate-descent sweeps used (for the lasso homotopy: the path steps taken since the previous
/// alpha). Converged means DualityGap &lt;= Tolerance.
/// </summary>
public readonly record struct Certificate(double DualityGap, double Tolerance, int Sweeps);
