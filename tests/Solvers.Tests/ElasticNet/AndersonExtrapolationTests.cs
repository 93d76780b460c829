using GrnFast.Solvers.ElasticNet;

namespace GrnFast.Solvers.Tests.ElasticNet;

public class AndersonExtrapolationTests
{
    /// <summary>
    /// On a linear fixed-point iteration x_{k+1} = A x_k + b whose contraction is slow (eigenvalues up to
    /// 0.99), extrapolating K + 1 iterates lands far closer to the fixed point than the last iterate: with
    /// at most K distinct eigenvalues it is exact.
    /// </summary>
    [Fact]
    public void ExtrapolationOfALinearIterationReachesTheFixedPoint()
    {
        // Four distinct eigenvalues: a degree-4 polynomial with q(1) = 1 vanishes on all of them, which is
        // what K = 5 differences can express.
        const int n = 6;
        double[] eig = [0.99, 0.9, 0.5, -0.3, 0.99, 0.5];
        double[] b = [1, -2, 0.5, 3, -1, 2];
        var fixedPoint = new double[n];
        for (int i = 0; i < n; i++) fixedPoint[i] = b[i] / (1 - eig[i]);
        var x = new double[n];
        var working = Enumerable.Range(0, n).ToArray();
        var anderson = new AndersonExtrapolation();
        anderson.Reset(n);
        bool full = false;
        for (int k = 0; k <= AndersonExtrapolation.Depth; k++)
        {
            for (int i = 0; i < n; i++) x[i] = eig[i] * x[i] + b[i];
            full = anderson.Push(working, x);
        }
        Assert.True(full);
        var extrapolated = new double[n];
        Assert.True(anderson.TryExtrapolate(extrapolated));
        double lastError = 0, extrapolatedError = 0;
        for (int i = 0; i < n; i++)
        {
            lastError = Math.Max(lastError, Math.Abs(x[i] - fixedPoint[i]));
            extrapolatedError = Math.Max(extrapolatedError, Math.Abs(extrapolated[i] - fixedPoint[i]));
        }
        Assert.True(lastError > 10, $"the plain iteration should still be far off, error {lastError}");
        Assert.True(extrapolatedError < 1e-2 * lastError, $"extrapolated error {extrapolatedError} vs last iterate {lastError}");
    }

    [Fact]
    public void IdenticalIteratesAreRefused()
    {
        var anderson = new AndersonExtrapolation();
        anderson.Reset(3);
        var x = new double[] { 1, 2, 3 };
        for (int k = 0; k <= AndersonExtrapolation.Depth; k++) anderson.Push([0, 1, 2], x);
        Assert.False(anderson.TryExtrapolate(new double[3]));
    }
}
