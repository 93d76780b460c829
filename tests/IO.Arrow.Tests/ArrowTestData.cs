using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Memory;
using Apache.Arrow.Types;
using GrnFast.IO;
using GrnFast.Kernels;

namespace GrnFast.IO.Arrow.Tests;

/// <summary>Matrices, hand-made Arrow streams and checks shared by the Arrow tests.</summary>
internal static class ArrowTestData
{
    /// <summary>A cells x genes float32 column-major matrix with about a third exact zeros (so CSR has work to do).</summary>
    public static ExpressionData Matrix(int cells, int genes, int seed, bool cellNames = true)
    {
        var rng = new Random(seed);
        var data = new float[cells * genes];
        for (int i = 0; i < data.Length; i++) data[i] = rng.Next(3) == 0 ? 0f : (float)(rng.NextDouble() * 20 - 5);
        var names = Enumerable.Range(0, genes).Select(g => $"G{g}").ToArray();
        var cellList = cellNames ? Enumerable.Range(0, cells).Select(c => $"cell-{c}").ToArray() : null;
        return ExpressionData.FromColumnMajor("test", data, cells, names, cellList);
    }

    /// <summary>Every value of the matrix, column-major, whatever its storage.</summary>
    public static float[] Dense(ExpressionData d)
    {
        var result = new float[(long)d.Cells * d.Genes];
        if (d.Single is { } f)
        {
            for (int g = 0; g < d.Genes; g++) for (int c = 0; c < d.Cells; c++) result[g * d.Cells + c] = f[c, g];
            return result;
        }
        if (d.Double is { } x)
        {
            for (int g = 0; g < d.Genes; g++) for (int c = 0; c < d.Cells; c++) result[g * d.Cells + c] = (float)x[c, g];
            return result;
        }
        int first = 0;
        foreach (var b in d.Blocks!.Blocks)
        {
            using var cols = b.Open();
            for (int g = 0; g < d.Genes; g++) cols.Column(g).CopyTo(result.AsSpan(g * d.Cells + first, b.Rows));
            first += b.Rows;
        }
        return result;
    }

    /// <summary>Bit-for-bit equality of two matrices, names included.</summary>
    public static void AssertSame(ExpressionData expected, ExpressionData actual)
    {
        Assert.Equal(expected.GeneNames, actual.GeneNames);
        Assert.Equal(expected.CellNames, actual.CellNames);
        Assert.Equal(expected.Cells, actual.Cells);
        var a = Dense(expected);
        var b = Dense(actual);
        for (int i = 0; i < a.Length; i++)
            if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i]))
                Assert.Fail($"value {i} (cell {i % expected.Cells}, gene {i / expected.Cells}): {a[i]} != {b[i]}");
    }

    /// <summary>Writes batches with Apache.Arrow's own stream writer (for streams GrnFast's writer would never produce).</summary>
    public static string Stream(string path, Schema schema, IEnumerable<RecordBatch> batches, IpcOptions? options = null)
    {
        using var file = File.Create(path);
        using var writer = new ArrowStreamWriter(file, schema, leaveOpen: true, options ?? new IpcOptions());
        writer.WriteStart();
        foreach (var b in batches) writer.WriteRecordBatch(b);
        writer.WriteEnd();
        return path;
    }

    public static FloatArray Floats(params float[] v) => new FloatArray.Builder().AppendRange(v).Build();

    public static Schema DenseSchema(params string[] genes)
    {
        var b = new Schema.Builder();
        foreach (var g in genes) b.Field(new Field(g, FloatType.Default, nullable: false));
        return b.Build();
    }

    /// <summary>[start, end) of every mapping of <paramref name="path"/> in this process (from /proc/self/maps).</summary>
    public static List<(ulong Start, ulong End)> Mappings(string path)
    {
        string full = Path.GetFullPath(path);
        var result = new List<(ulong, ulong)>();
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            // start-end perms offset dev inode pathname
            var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 6 || parts[5].Trim() != full) continue;
            var range = parts[0].Split('-');
            result.Add((ulong.Parse(range[0], NumberStyles.HexNumber), ulong.Parse(range[1], NumberStyles.HexNumber)));
        }
        return result;
    }

    public static ulong Address<T>(ReadOnlySpan<T> span) where T : unmanaged => (ulong)GrnFast.IO.Npy.MemoryAddress.Of(span);
}

/// <summary>A MemoryAllocator that counts what Apache.Arrow asks of it.</summary>
internal sealed class CountingAllocator : MemoryAllocator
{
    private long _bytes;

    public long Bytes => Interlocked.Read(ref _bytes);

    protected override System.Buffers.IMemoryOwner<byte> AllocateInternal(int length, out int bytesAllocated)
    {
        Interlocked.Add(ref _bytes, length);
        bytesAllocated = length;
        return System.Buffers.MemoryPool<byte>.Shared.Rent(length);
    }
}

/// <summary>A codec that marks bodies compressed (for the rejection test); it never really compresses.</summary>
internal sealed class MarkOnlyCodecFactory : ICompressionCodecFactory
{
    public ICompressionCodec CreateCodec(CompressionCodecType compressionCodecType) => new Codec();

    private sealed class Codec : ITryCompressionCodec
    {
        public int Decompress(ReadOnlyMemory<byte> source, Memory<byte> destination) { source.CopyTo(destination); return source.Length; }
        public void Compress(ReadOnlyMemory<byte> source, Stream destination) => destination.Write(source.Span);
        public bool TryCompress(ReadOnlyMemory<byte> source, Memory<byte> destination, out int bytesWritten)
        {
            bytesWritten = 0;
            return false; // "does not fit": Arrow writes the buffer raw, but the message still declares compression
        }
        public void Dispose() { }
    }
}
