using GrnFast.IO;

namespace GrnFast.IO.Arrow.Tests;

public class NetworkWriterTests
{
    [Fact]
    public void SortedByImportanceThenNamesRoundTripNumbers()
    {
        using var dir = new TempDirectory();
        var p = dir.Combine("net.tsv");
        NetworkWriter.Write(p, new[]
        {
            new NetworkEdge("B", "T", 0.5, -0.1),
            new NetworkEdge("A", "U", 0.5, 0.2),
            new NetworkEdge("A", "T", 0.5, 0.3),
            new NetworkEdge("C", "T", 0.1 + 0.2, 1e-300),
        });
        var lines = File.ReadAllLines(p);
        Assert.Equal("TF\ttarget\timportance\tcoef", lines[0]);
        Assert.Equal(new[] { "A\tT\t0.5\t0.3", "A\tU\t0.5\t0.2", "B\tT\t0.5\t-0.1", "C\tT\t0.30000000000000004\t1E-300" }, lines[1..]);
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void AtomicWriteLeavesNoPartialFileOnFailure()
    {
        using var dir = new TempDirectory();
        var p = dir.Combine("out.tsv");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.WriteText(p, w =>
        {
            w.Write(new string('x', 1 << 20));
            throw new InvalidOperationException("boom");
        }));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void AtomicWriteKeepsOldContentOnFailureAndReplacesOnSuccess()
    {
        using var dir = new TempDirectory();
        var p = dir.File("out.tsv", "old\n");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.WriteText(p, w => { w.Write("new"); throw new InvalidOperationException(); }));
        Assert.Equal("old\n", File.ReadAllText(p));
        AtomicFile.WriteText(p, w => w.Write("new\n"));
        Assert.Equal("new\n", File.ReadAllText(p));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void MissingDirectoryIsAClearError()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteText(dir.Combine("no/such/out.tsv"), w => w.Write("x")));
        Assert.Contains("does not exist", e.Message);
    }
}
