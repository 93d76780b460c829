using Apache.Arrow;
using Apache.Arrow.Ipc;
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

    [Fact]
    public void ArrowStreamHasAStdFieldWhenEveryEdgeHasOne()
    {
        using var both = new MemoryStream();
        NetworkArrow.Write(both, new[] { new NetworkEdge("A", "T", 0.25, -0.5, 0.125), new NetworkEdge("B", "T", 0.75, 0.5, 0.0625) });
        using (var reader = new ArrowStreamReader(new ReadOnlyMemory<byte>(both.ToArray())))
        {
            Assert.Equal(["TF", "target", "importance", "coef", "std"], reader.Schema.FieldsList.Select(f => f.Name));
            var batch = reader.ReadNextRecordBatch();
            Assert.Equal([0.0625, 0.125], ((DoubleArray)batch.Column(4)).Values.ToArray());  // sorted as the TSV: B first
            Assert.Equal([0.75, 0.25], ((DoubleArray)batch.Column(2)).Values.ToArray());
        }

        using var some = new MemoryStream();
        NetworkArrow.Write(some, new[] { new NetworkEdge("A", "T", 0.25, -0.5, 0.125), new NetworkEdge("B", "T", 0.75, 0.5) });
        using var plain = new ArrowStreamReader(new ReadOnlyMemory<byte>(some.ToArray()));
        Assert.Equal(["TF", "target", "importance", "coef"], plain.Schema.FieldsList.Select(f => f.Name));
    }
}
