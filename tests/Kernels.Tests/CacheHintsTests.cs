using GrnFast.Kernels;
using Xunit;

namespace GrnFast.Kernels.Tests;

public class CacheHintsTests
{
    [Fact]
    public void PrefetchLeavesTheDataAsItWas()
    {
        // Lengths around the 8-double line, a slice that starts and ends inside lines, and an empty span: no exception,
        // and the data unchanged (a hint has no other observable effect).
        var data = Enumerable.Range(0, 1000).Select(i => i * 0.5).ToArray();
        var copy = (double[])data.Clone();
        foreach (int n in new[] { 0, 1, 7, 8, 9, 63, 64, 65, 1000 })
            CacheHints.PrefetchToL2(data.AsSpan(0, n));
        CacheHints.PrefetchToL2(data.AsSpan(3, 501));
        CacheHints.PrefetchToL2(ReadOnlySpan<double>.Empty);
        Assert.Equal(copy, data);
    }
}
