using GrnFast.Kernels;

namespace GrnFast.Kernels.Tests;

public class CellBlocksTests
{
    [Fact]
    public void CsrBlockDensifiesToColumnsAddingDuplicatesAndHonouringAnOffsetIndptr()
    {
        // Rows 0..2 of a larger CSR whose indptr starts at 2 (the first two stored values belong to earlier rows).
        long[] indptr = [2, 4, 4, 7];
        int[] indices = [9, 9, 0, 2, 1, 1, 2];
        float[] data = [99, 99, 1.5f, -2, 3, 4, 5];
        var block = new CsrCellBlock<long, int>(3, 3, indptr, indices, data, "test");
        Assert.Equal(5, block.NonZeros);
        using var cols = block.Open();
        Assert.Equal([1.5f, 0, 0], cols.Column(0).ToArray());
        Assert.Equal([0, 0, 7f], cols.Column(1).ToArray());
        Assert.Equal([-2f, 0, 5f], cols.Column(2).ToArray());
    }

    [Fact]
    public void CsrBlockRejectsBadStructureNamingTheSource()
    {
        Assert.Contains("part-3", Assert.Throws<ArgumentException>(() => new CsrCellBlock<int, int>(2, 3, new int[] { 0, 1 }, new int[] { 0 }, new float[] { 1 }, "part-3")).Message);
        Assert.Contains("decreases", Assert.Throws<ArgumentException>(() => new CsrCellBlock<int, int>(2, 3, new int[] { 0, 2, 1 }, new int[] { 0, 1 }, new float[] { 1, 2 }, "p")).Message);
        Assert.Contains("outside", Assert.Throws<ArgumentException>(() => new CsrCellBlock<int, int>(1, 3, new int[] { 0, 5 }, new int[] { 0, 1 }, new float[] { 1, 2 }, "p")).Message);
        var bad = new CsrCellBlock<int, long>(1, 3, new int[] { 0, 1 }, new long[] { 3 }, new float[] { 1 }, "p");
        Assert.Contains("gene index 3", Assert.Throws<InvalidDataException>(() => bad.Open()).Message);
    }

    [Fact]
    public void BlocksMustAgreeOnGenesAndColumnsOnRows()
    {
        var a = new DenseCellBlock(2, [new float[] { 1, 2 }, new float[] { 3, 4 }]);
        var b = new DenseCellBlock(1, [new float[] { 5 }]);
        Assert.Throws<ArgumentException>(() => new CellBlocks(2, [a, b]));
        Assert.Throws<ArgumentException>(() => new DenseCellBlock(2, [new float[] { 1 }]));
        var blocks = new CellBlocks(2, [a, new DenseCellBlock(0, [ReadOnlyMemory<float>.Empty, ReadOnlyMemory<float>.Empty])]);
        Assert.Equal(2, blocks.Cells);
    }

    [Fact]
    public void DisposingOpenedColumnsReleasesOnce()
    {
        int released = 0;
        var cols = new BlockColumns([new float[] { 1 }], 1, () => released++);
        cols.Dispose();
        cols.Dispose();
        Assert.Equal(1, released);
    }
}
