using GrnFast.IO;

namespace GrnFast.IO.Arrow.Tests;

/// <summary>The optional posterior-std column: written when every edge has one, absent otherwise.</summary>
public class NetworkWriterStdTests
{
    [Fact]
    public void StdColumnWhenEveryEdgeHasOne()
    {
        using var dir = new TempDirectory();
        var p = dir.Combine("net.tsv");
        NetworkWriter.Write(p, new[] { new NetworkEdge("A", "T", 0.25, -0.5, 0.125), new NetworkEdge("B", "T", 0.75, 0.5, 0.0625) });
        Assert.Equal(new[] { "TF\ttarget\timportance\tcoef\tstd", "B\tT\t0.75\t0.5\t0.0625", "A\tT\t0.25\t-0.5\t0.125" }, File.ReadAllLines(p));

        NetworkWriter.Write(p, new[] { new NetworkEdge("A", "T", 0.25, -0.5, 0.125), new NetworkEdge("B", "T", 0.75, 0.5) });
        Assert.Equal("TF\ttarget\timportance\tcoef", File.ReadAllLines(p)[0]);
    }
}
