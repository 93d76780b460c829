using System.Runtime.Intrinsics;

namespace GrnFast.Kernels.Vectors.Operators;

/// <summary>
/// One term t(x_i, y_i) of a fixed-order sum. The scalar Invoke is the definition; the vector Invokes must
/// give the same bits lane by lane (plain multiply and add, never a fused multiply-add), which is what
/// makes the sum's bits independent of the instruction set.
/// </summary>
internal interface ISumTerm
{
    double Invoke(double x, double y);
    Vector256<double> Invoke(Vector256<double> x, Vector256<double> y);
    Vector512<double> Invoke(Vector512<double> x, Vector512<double> y);
}

/// <summary>t = x * y.</summary>
internal readonly struct ProductTerm : ISumTerm
{
    public double Invoke(double x, double y) => x * y;
    public Vector256<double> Invoke(Vector256<double> x, Vector256<double> y) => x * y;
    public Vector512<double> Invoke(Vector512<double> x, Vector512<double> y) => x * y;
}

/// <summary>t = x * x (y is ignored).</summary>
internal readonly struct SquareTerm : ISumTerm
{
    public double Invoke(double x, double y) => x * x;
    public Vector256<double> Invoke(Vector256<double> x, Vector256<double> y) => x * x;
    public Vector512<double> Invoke(Vector512<double> x, Vector512<double> y) => x * x;
}

/// <summary>t = x (y is ignored).</summary>
internal readonly struct IdentityTerm : ISumTerm
{
    public double Invoke(double x, double y) => x;
    public Vector256<double> Invoke(Vector256<double> x, Vector256<double> y) => x;
    public Vector512<double> Invoke(Vector512<double> x, Vector512<double> y) => x;
}

/// <summary>t = (x - mean)^2 (y is ignored).</summary>
internal readonly struct SquaredDeviationTerm(double mean) : ISumTerm
{
    private readonly double _mean = mean;

    public double Invoke(double x, double y) { double d = x - _mean; return d * d; }

    public Vector256<double> Invoke(Vector256<double> x, Vector256<double> y)
    {
        var d = x - Vector256.Create(_mean);
        return d * d;
    }

    public Vector512<double> Invoke(Vector512<double> x, Vector512<double> y)
    {
        var d = x - Vector512.Create(_mean);
        return d * d;
    }
}
