using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Memory;
using GrnFast.IO;
using GrnFast.Kernels;
using static GrnFast.IO.Arrow.Tests.ArrowTestData;

namespace GrnFast.IO.Arrow.Tests;

/// <summary>The zero-copy contract of the mapped reader; alone in its collection so the global allocator statistics are ours.</summary>
[CollectionDefinition(nameof(ZeroCopyCollection), DisableParallelization = true)]
public sealed class ZeroCopyCollection;

[Collection(nameof(ZeroCopyCollection))]
public class ArrowZeroCopyTests
{
    [Fact]
    public void DenseColumnSpansPointIntoTheFileMapping()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("x.arrows");
        using (var source = Matrix(1000, 37, 1)) ArrowExpressionWriter.Write(source, path, new ArrowWriteOptions { BatchCells = 300 });

        using var data = ArrowExpressionReader.Read(path);
        var maps = Mappings(path);
        Assert.NotEmpty(maps);
        Assert.True(data.IsMemoryMapped);
        Assert.Equal(new[] { 300, 300, 300, 100 }, data.Blocks!.Blocks.Select(b => b.Rows));
        foreach (var block in data.Blocks.Blocks)
        {
            Assert.IsType<DenseCellBlock>(block);
            using var cols = block.Open();
            for (int g = 0; g < cols.Genes; g++)
            {
                ulong start = Address(cols.Column(g)), end = start + 4UL * (ulong)cols.Rows;
                if (!maps.Any(m => start >= m.Start && end <= m.End)) Assert.Fail($"gene {g}: column at 0x{start:x} is outside the mapping of {path}");
            }
        }
    }

    [Fact]
    public void SparseListBuffersPointIntoTheFileMapping()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("x.arrows");
        using (var source = Matrix(200, 11, 2)) ArrowExpressionWriter.Write(source, path, new ArrowWriteOptions { Sparse = true, BatchCells = 64 });
        var (indptr, indices, values) = CsrMemories(path, out var maps, out var data);
        using (data)
        {
            AssertInside(maps, Address(indptr.Span), 4 * indptr.Length);
            AssertInside(maps, Address(indices.Span), 4 * indices.Length);
            AssertInside(maps, Address(values.Span), 4 * values.Length);
        }
    }

    private static void AssertInside(List<(ulong Start, ulong End)> maps, ulong start, int bytes)
        => Assert.Contains(maps, m => start >= m.Start && start + (ulong)bytes <= m.End);

    /// <summary>The three memories of the first CSR block (read through reflection: the block keeps them private).</summary>
    private static (ReadOnlyMemory<int>, ReadOnlyMemory<int>, ReadOnlyMemory<float>) CsrMemories(string path, out List<(ulong Start, ulong End)> maps, out ExpressionData data)
    {
        data = ArrowExpressionReader.Read(path);
        maps = Mappings(path);
        var block = Assert.IsType<CsrCellBlock<int, int>>(data.Blocks!.Blocks[0]);
        var t = block.GetType();
        T Field<T>(string name) => (T)t.GetField(name, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(block)!;
        return (Field<ReadOnlyMemory<int>>("_indptr"), Field<ReadOnlyMemory<int>>("_indices"), Field<ReadOnlyMemory<float>>("_data"));
    }

    [Fact]
    public void ACountingAllocatorSeesNoBytesWhileTheFileStreamReaderCopies()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("x.arrows");
        using (var source = Matrix(5000, 20, 3)) ArrowExpressionWriter.Write(source, path, new ArrowWriteOptions { BatchCells = 1024 });

        var counting = new CountingAllocator();
        long defaultBefore = MemoryAllocator.Default.Value.Statistics.BytesAllocated;
        double sum = 0;
        using (var data = ArrowExpressionReader.Read(path, counting))
            foreach (var b in data.Blocks!.Blocks)
                using (var cols = b.Open())
                    for (int g = 0; g < cols.Genes; g++) foreach (var x in cols.Column(g)) sum += x;
        Assert.Equal(0, counting.Bytes);
        Assert.Equal(defaultBefore, MemoryAllocator.Default.Value.Statistics.BytesAllocated);
        Assert.NotEqual(0, sum);

        // The control: Apache.Arrow's stream reader over a FileStream copies every body through the allocator.
        var copying = new CountingAllocator();
        using (var stream = File.OpenRead(path))
        using (var reader = new ArrowStreamReader(stream, copying))
            while (reader.ReadNextRecordBatch() is { } batch) batch.Dispose();
        Assert.True(copying.Bytes >= 5000L * 20 * 4, $"the FileStream reader allocated {copying.Bytes} bytes");
    }

    [Fact]
    public void InMemoryStreamsAreViewedNotCopied()
    {
        using var source = Matrix(100, 5, 4);
        using var dir = new TempDirectory();
        var path = dir.Combine("x.arrows");
        ArrowExpressionWriter.Write(source, path);
        var file = File.ReadAllBytes(path);
        byte[] bytes = GC.AllocateArray<byte>(file.Length, pinned: true); // a fixed address to compare with
        file.CopyTo(bytes, 0);
        var counting = new CountingAllocator();
        using var data = ArrowExpressionReader.Read(bytes, "inline", null, counting);
        AssertSame(source, data);
        Assert.False(data.IsMemoryMapped);
        using var cols = data.Blocks!.Blocks[0].Open();
        ulong start = Address(cols.Column(3)), origin = Address<byte>(bytes);
        Assert.InRange(start, origin, origin + (ulong)bytes.Length - 400);
        Assert.Equal(0, counting.Bytes);
    }

    [Fact]
    public void DisposingTheDataInvalidatesEveryBlock()
    {
        using var dir = new TempDirectory();
        var dense = dir.Combine("d.arrows");
        var sparse = dir.Combine("s.arrows");
        using (var source = Matrix(50, 4, 5))
        {
            ArrowExpressionWriter.Write(source, dense, new ArrowWriteOptions { BatchCells = 20 });
            ArrowExpressionWriter.Write(source, sparse, new ArrowWriteOptions { BatchCells = 20, Sparse = true });
        }
        var d = ArrowExpressionReader.Read(dense);
        var s = ArrowExpressionReader.Read(sparse);
        var denseBlock = d.Blocks!.Blocks[1];
        var sparseBlock = s.Blocks!.Blocks[1];
        using (var cols = denseBlock.Open()) Assert.Equal(20, cols.Column(0).Length);
        using (var cols = sparseBlock.Open()) Assert.Equal(20, cols.Column(0).Length);
        d.Dispose();
        s.Dispose();
        Assert.Empty(Mappings(dense));
        Assert.Empty(Mappings(sparse));
        // A dense block's columns are views of the mapping: opening it now fails cleanly instead of faulting.
        var e = Assert.Throws<ObjectDisposedException>(() => denseBlock.Open());
        Assert.Contains("d.arrows", e.Message);
        Assert.Throws<ObjectDisposedException>(() => sparseBlock.Open());
        d.Dispose(); // twice is harmless
    }
}

public class ArrowExpressionReaderTests
{
    [Theory]
    [InlineData(1, 1, 65536, true)]
    [InlineData(257, 13, 64, true)]
    [InlineData(257, 13, 1, false)]
    [InlineData(1000, 3, 999, false)]
    public void DenseRoundTripIsExact(int cells, int genes, int batch, bool cellNames)
    {
        using var dir = new TempDirectory();
        using var source = Matrix(cells, genes, cells * 31 + genes, cellNames);
        var r = ArrowExpressionWriter.Write(source, dir.Combine("x.arrows"), new ArrowWriteOptions { BatchCells = batch });
        Assert.False(r.IsDirectory);
        Assert.Equal(Math.Min(batch, cells), r.BatchCells);
        Assert.Equal((cells + r.BatchCells - 1) / r.BatchCells, r.Batches);
        using var back = ExpressionReader.Read(dir.Combine("x.arrows"));
        AssertSame(source, back);
        Assert.Equal(r.Batches, back.Blocks!.Blocks.Count);
        Assert.Equal(new FileInfo(dir.Combine("x.arrows")).Length, r.Bytes);
    }

    [Theory]
    [InlineData(300, 17, 64)]
    [InlineData(5, 2, 65536)]
    public void SparseRoundTripEqualsDense(int cells, int genes, int batch)
    {
        using var dir = new TempDirectory();
        using var source = Matrix(cells, genes, 7);
        ArrowExpressionWriter.Write(source, dir.Combine("d.arrows"), new ArrowWriteOptions { BatchCells = batch });
        var r = ArrowExpressionWriter.Write(source, dir.Combine("s.arrows"), new ArrowWriteOptions { BatchCells = batch, Sparse = true });
        long zeros = Dense(source).Count(v => v == 0);
        Assert.Equal((long)cells * genes - zeros, r.NonZeros);
        using var dense = ArrowExpressionReader.Read(dir.Combine("d.arrows"));
        using var sparse = ArrowExpressionReader.Read(dir.Combine("s.arrows"));
        Assert.All(sparse.Blocks!.Blocks, b => Assert.IsType<CsrCellBlock<int, int>>(b));
        AssertSame(source, sparse);
        AssertSame(dense, sparse);
    }

    [Fact]
    public void LargeOutputIsSplitIntoPartsReadBackInOrder()
    {
        using var dir = new TempDirectory();
        using var source = Matrix(3000, 10, 8);
        var path = dir.Combine("big.arrows");
        var r = ArrowExpressionWriter.Write(source, path, new ArrowWriteOptions { BatchCells = 100, PartBytes = 20_000 });
        Assert.True(r.IsDirectory);
        Assert.True(Directory.Exists(path));
        var parts = Directory.GetFiles(path).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(r.Parts, parts.Length);
        Assert.True(parts.Length >= 6, $"{parts.Length} parts");
        Assert.Equal(Enumerable.Range(0, parts.Length).Select(ArrowExpressionWriter.PartName), parts.Select(Path.GetFileName));
        Assert.All(parts, p => Assert.True(new FileInfo(p).Length <= 20_000, $"{p}: {new FileInfo(p).Length} bytes"));
        Assert.Equal(parts.Sum(p => new FileInfo(p).Length), r.Bytes);
        using var back = ExpressionReader.Read(path);
        AssertSame(source, back);
        Assert.Equal(30, back.Blocks!.Blocks.Count);
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void DefaultBatchesFillEachPartTwice()
    {
        using var dir = new TempDirectory();
        using var source = Matrix(5000, 10, 17, cellNames: false);
        var path = dir.Combine("m.arrows");
        var r = ArrowExpressionWriter.Write(source, path, new ArrowWriteOptions { PartBytes = 64 << 10 });
        var sizes = Directory.GetFiles(path).Order(StringComparer.Ordinal).Select(p => new FileInfo(p).Length).ToArray();
        Assert.Equal((r.Batches + 1) / 2, sizes.Length);
        Assert.All(sizes[..^1], s => Assert.InRange(s, 0.9 * (64 << 10), 64 << 10));
        using var back = ArrowExpressionReader.Read(path);
        AssertSame(source, back);
    }

    [Fact]
    public void SparsePartsRoundTrip()
    {
        using var dir = new TempDirectory();
        using var source = Matrix(2000, 9, 9);
        var path = dir.Combine("sp.arrows");
        var r = ArrowExpressionWriter.Write(source, path, new ArrowWriteOptions { BatchCells = 50, PartBytes = 8_000, Sparse = true });
        Assert.True(r.IsDirectory && r.Parts > 3);
        using var back = ArrowExpressionReader.Read(path);
        AssertSame(source, back);
    }

    [Fact]
    public void RewritingReplacesADirectoryWithAFileAndBack()
    {
        using var dir = new TempDirectory();
        using var source = Matrix(500, 10, 10);
        var path = dir.Combine("m.arrows");
        Assert.True(ArrowExpressionWriter.Write(source, path, new ArrowWriteOptions { BatchCells = 50, PartBytes = 4096 }).IsDirectory);
        Assert.False(ArrowExpressionWriter.Write(source, path).IsDirectory);
        Assert.True(File.Exists(path));
        using (var back = ArrowExpressionReader.Read(path)) AssertSame(source, back);
        Assert.True(ArrowExpressionWriter.Write(source, path, new ArrowWriteOptions { BatchCells = 50, PartBytes = 4096 }).IsDirectory);
        using (var back = ArrowExpressionReader.Read(path)) AssertSame(source, back);
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void RowMajorAndFloat64InputsConvertExactly()
    {
        var rng = new Random(11);
        int cells = 77, genes = 6;
        var rowMajor = new float[cells * genes];
        for (int i = 0; i < rowMajor.Length; i++) rowMajor[i] = (float)rng.NextDouble();
        var names = Enumerable.Range(0, genes).Select(g => $"g{g}").ToArray();
        using var rm = new ExpressionData("rm", names, null, new MatrixView<float>(rowMajor, cells, genes, MatrixLayout.RowMajor), null, null);
        var asDouble = rowMajor.Select(v => (double)v).ToArray();
        using var dm = new ExpressionData("dm", names, null, null, new MatrixView<double>(asDouble, cells, genes, MatrixLayout.RowMajor), null);
        using var dir = new TempDirectory();
        ArrowExpressionWriter.Write(rm, dir.Combine("rm.arrows"), new ArrowWriteOptions { BatchCells = 10 });
        ArrowExpressionWriter.Write(dm, dir.Combine("dm.arrows"), new ArrowWriteOptions { BatchCells = 10 });
        using var a = ArrowExpressionReader.Read(dir.Combine("rm.arrows"));
        using var b = ArrowExpressionReader.Read(dir.Combine("dm.arrows"));
        AssertSame(rm, a);
        AssertSame(rm, b);
    }

    [Fact]
    public void Float64BeyondFloat32IsRejectedAndNothingIsWritten()
    {
        var values = new double[] { 1, 2, 3, 1e39 };
        using var d = new ExpressionData("big.tsv", ["A", "B"], null, null, new MatrixView<double>(values, 2, 2, MatrixLayout.ColumnMajor), null);
        using var dir = new TempDirectory();
        var e = Assert.Throws<InputFormatException>(() => ArrowExpressionWriter.Write(d, dir.Combine("o.arrows")));
        Assert.Contains("gene 'B', cell 2", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void BlocksAreReblockedWhenConverted()
    {
        using var dir = new TempDirectory();
        using var source = Matrix(1000, 7, 12);
        ArrowExpressionWriter.Write(source, dir.Combine("a.arrows"), new ArrowWriteOptions { BatchCells = 33, Sparse = true });
        using var a = ArrowExpressionReader.Read(dir.Combine("a.arrows"));
        ArrowExpressionWriter.Write(a, dir.Combine("b.arrows"), new ArrowWriteOptions { BatchCells = 250 });
        using var b = ArrowExpressionReader.Read(dir.Combine("b.arrows"));
        Assert.Equal(new[] { 250, 250, 250, 250 }, b.Blocks!.Blocks.Select(x => x.Rows));
        AssertSame(source, b);
    }

    [Fact]
    public void TheSameFileCanBeMappedTwiceAndReplacedWhileMapped()
    {
        using var dir = new TempDirectory();
        using var source = Matrix(100, 4, 14);
        var path = dir.Combine("x.arrows");
        ArrowExpressionWriter.Write(source, path);
        using var a = ArrowExpressionReader.Read(path);
        using var b = ArrowExpressionReader.Read(path);
        // A new version is renamed over the name; the open mappings keep the old file's pages.
        using (var other = Matrix(100, 4, 15)) ArrowExpressionWriter.Write(other, path);
        AssertSame(source, a);
        AssertSame(source, b);
        using var c = ArrowExpressionReader.Read(path);
        Assert.NotEqual(Dense(source), Dense(c));
    }

    [Fact]
    public void TheWritersBufferGoesBackToThePoolOnSuccessAndOnFailure()
    {
        using var dir = new TempDirectory();
        var pool = new CountingPool();
        using (var source = Matrix(500, 6, 16))
        {
            ArrowExpressionWriter.Write(source, dir.Combine("d.arrows"), new ArrowWriteOptions { BatchCells = 64 }, default, pool);
            ArrowExpressionWriter.Write(source, dir.Combine("s.arrows"), new ArrowWriteOptions { BatchCells = 64, Sparse = true }, default, pool);
        }
        Assert.Equal(2, pool.Rented);
        Assert.Equal(0, pool.Outstanding);
        using var bad = new ExpressionData("big.tsv", ["A"], null, null, new MatrixView<double>(new double[] { 1, 1e39 }, 2, 1, MatrixLayout.ColumnMajor), null);
        Assert.Throws<InputFormatException>(() => ArrowExpressionWriter.Write(bad, dir.Combine("x.arrows"), null, default, pool));
        Assert.Equal(3, pool.Rented);
        Assert.Equal(0, pool.Outstanding);
    }

    private sealed class CountingPool : System.Buffers.ArrayPool<float>
    {
        public int Rented, Outstanding;
        public override float[] Rent(int minimumLength) { Rented++; Outstanding++; return new float[minimumLength]; }
        public override void Return(float[] array, bool clearArray = false) => Outstanding--;
    }

    [Fact]
    public void AnInMemoryStreamsOwnerIsDisposedWithTheDataOrOnRejection()
    {
        using var dir = new TempDirectory();
        using (var source = Matrix(10, 2, 18)) ArrowExpressionWriter.Write(source, dir.Combine("x.arrows"));
        var bytes = File.ReadAllBytes(dir.Combine("x.arrows"));
        var owner = new Flag();
        var data = ArrowExpressionReader.Read(bytes, "inline", owner);
        Assert.False(owner.Disposed);
        data.Dispose();
        Assert.True(owner.Disposed);
        var rejected = new Flag();
        var e = Assert.Throws<InputFormatException>(() => ArrowExpressionReader.Read(bytes.AsMemory(0, bytes.Length - 8), "inline", rejected));
        Assert.StartsWith("inline: truncated", e.Message);
        Assert.True(rejected.Disposed);
    }

    private sealed class Flag : IDisposable
    {
        public bool Disposed;
        public void Dispose() => Disposed = true;
    }

    [Fact]
    public void CancelledWriteLeavesNothing()
    {
        using var dir = new TempDirectory();
        using var source = Matrix(100, 3, 13);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => ArrowExpressionWriter.Write(source, dir.Combine("x.arrows"), null, cts.Token));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void StreamsFromApacheArrowsWriterWithNullableFieldsAndCellNamesRead()
    {
        using var dir = new TempDirectory();
        var schema = new Schema.Builder()
            .Field(new Field("A", Apache.Arrow.Types.FloatType.Default, nullable: true))
            .Field(new Field("_cell", Apache.Arrow.Types.StringType.Default, nullable: true))
            .Field(new Field("B", Apache.Arrow.Types.FloatType.Default, nullable: true))
            .Build();
        var cells = new StringArray.Builder().AppendRange(["c1", "c2"]).Build();
        var p = Stream(dir.Combine("x.arrows"), schema, [
            new RecordBatch(schema, [Floats(1, 2), cells, Floats(3, 4)], 2),
            new RecordBatch(schema, [Floats(), new StringArray.Builder().Build(), Floats()], 0),
            new RecordBatch(schema, [Floats(5), new StringArray.Builder().Append("c3").Build(), Floats(6)], 1),
        ]);
        using var d = ExpressionReader.Read(p);
        Assert.Equal(new[] { "A", "B" }, d.GeneNames);
        Assert.Equal(new[] { "c1", "c2", "c3" }, d.CellNames);
        Assert.Equal(new float[] { 1, 2, 5, 3, 4, 6 }, Dense(d));
        Assert.Equal(2, d.Blocks!.Blocks.Count); // the empty batch is no block
    }
}
