using System.Runtime.Intrinsics;

namespace GrnFast.Kernels.Vectors.Operators;

/// <summary>An element-wise map d_i = f(x_i) in double. Vector Invokes give the scalar Invoke's bits lane by lane.</summary>
internal interface IMapOperator
{
    double Invoke(double x);
    Vector256<double> Invoke(Vector256<double> x);
    Vector512<double> Invoke(Vector512<double> x);
}

/// <summary>An element-wise zip d_i = f(x_i, y_i) in double.</summary>
internal interface IZipOperator
{
    double Invoke(double x, double y);
    Vector256<double> Invoke(Vector256<double> x, Vector256<double> y);
    Vector512<double> Invoke(Vector512<double> x, Vector512<double> y);
}

/// <summary>A running per-element accumulator acc_i = f(acc_i, x_i, m_i), used across the rows of a row-major matrix.</summary>
internal interface IAccumulateOperator
{
    double Invoke(double acc, double x, double m);
    Vector256<double> Invoke(Vector256<double> acc, Vector256<double> x, Vector256<double> m);
    Vector512<double> Invoke(Vector512<double> acc, Vector512<double> x, Vector512<double> m);
}

/// <summary>d = (x - mean) * scale.</summary>
internal readonly struct CenterScaleOperator(double mean, double scale) : IMapOperator
{
    private readonly double _mean = mean;
    private readonly double _scale = scale;

    public double Invoke(double x) => (x - _mean) * _scale;
    public Vector256<double> Invoke(Vector256<double> x) => (x - Vector256.Create(_mean)) * Vector256.Create(_scale);
    public Vector512<double> Invoke(Vector512<double> x) => (x - Vector512.Create(_mean)) * Vector512.Create(_scale);
}

/// <summary>
/// d = z - t if z > t, z + t if z &lt; -t, +0 otherwise; NaN (z + t) when z or t is NaN, so a diverging
/// solver sees its NaN instead of a silent zero.
/// </summary>
internal readonly struct SoftThresholdOperator : IZipOperator
{
    public double Invoke(double z, double t) =>
        double.IsNaN(z) || double.IsNaN(t) ? z + t
        : z > t ? z - t
        : z < -t ? z + t
        : 0.0;

    public Vector256<double> Invoke(Vector256<double> z, Vector256<double> t)
    {
        // d = z > t ? z - t : (z < -t ? z + t : 0); NaN lanes take z + t.
        var sum = z + t;
        var shrunk = Vector256.ConditionalSelect(Vector256.GreaterThan(z, t), z - t,
            Vector256.ConditionalSelect(Vector256.LessThan(z, -t), sum, Vector256<double>.Zero));
        var nan = Vector256.IsNaN(z) | Vector256.IsNaN(t);
        return Vector256.ConditionalSelect(nan, sum, shrunk);
    }

    public Vector512<double> Invoke(Vector512<double> z, Vector512<double> t)
    {
        // d = z > t ? z - t : (z < -t ? z + t : 0); NaN lanes take z + t.
        var sum = z + t;
        var shrunk = Vector512.ConditionalSelect(Vector512.GreaterThan(z, t), z - t,
            Vector512.ConditionalSelect(Vector512.LessThan(z, -t), sum, Vector512<double>.Zero));
        var nan = Vector512.IsNaN(z) | Vector512.IsNaN(t);
        return Vector512.ConditionalSelect(nan, sum, shrunk);
    }
}

/// <summary>acc = acc + x (m is ignored).</summary>
internal readonly struct SumAccumulate : IAccumulateOperator
{
    public double Invoke(double acc, double x, double m) => acc + x;
    public Vector256<double> Invoke(Vector256<double> acc, Vector256<double> x, Vector256<double> m) => acc + x;
    public Vector512<double> Invoke(Vector512<double> acc, Vector512<double> x, Vector512<double> m) => acc + x;
}

/// <summary>acc = acc + (x - m)^2.</summary>
internal readonly struct SquaredDeviationAccumulate : IAccumulateOperator
{
    public double Invoke(double acc, double x, double m) { double d = x - m; return acc + d * d; }

    public Vector256<double> Invoke(Vector256<double> acc, Vector256<double> x, Vector256<double> m)
    {
        var d = x - m;
        return acc + d * d;
    }

    public Vector512<double> Invoke(Vector512<double> acc, Vector512<double> x, Vector512<double> m)
    {
        var d = x - m;
        return acc + d * d;
    }
}
