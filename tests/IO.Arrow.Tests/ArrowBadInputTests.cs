using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using GrnFast.IO;
using static GrnFast.IO.Arrow.Tests.ArrowTestData;

namespace GrnFast.IO.Arrow.Tests;

public class ArrowBadInputTests
{
    private static InputFormatException Rejects(string path, params string[] phrases)
    {
        var e = Assert.Throws<InputFormatException>(() => { using var d = ExpressionReader.Read(path); });
        Assert.StartsWith(path, e.Message);
        foreach (var p in phrases) Assert.Contains(p, e.Message);
        return e;
    }

    private static string Valid(TempDirectory dir, string name = "ok.arrows", bool sparse = false)
    {
        var path = dir.Combine(name);
        using var m = Matrix(40, 5, 1);
        ArrowExpressionWriter.Write(m, path, new ArrowWriteOptions { BatchCells = 15, Sparse = sparse });
        return path;
    }

    [Fact]
    public void EmptyFile() { using var dir = new TempDirectory(); Rejects(dir.File("e.arrows", ""), "the file is empty"); }

    [Fact]
    public void MissingFileIsNotFound()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<FileNotFoundException>(() => ExpressionReader.Read(dir.Combine("none.arrows")));
        Assert.Contains("none.arrows", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryTruncationIsRejected(bool sparse)
    {
        using var dir = new TempDirectory();
        var bytes = File.ReadAllBytes(Valid(dir, sparse: sparse));
        var cut = dir.Combine("cut.arrows");
        for (int n = 1; n < bytes.Length; n++)
        {
            File.WriteAllBytes(cut, bytes[..n]);
            var e = Assert.Throws<InputFormatException>(() => { using var d = ExpressionReader.Read(cut); });
            Assert.StartsWith(cut, e.Message);
        }
        File.WriteAllBytes(cut, bytes[..^8]);
        Rejects(cut, "truncated", "without the end-of-stream marker");
        File.WriteAllBytes(cut, bytes[..^100]);
        Rejects(cut, "truncated", "needs bytes");
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public void CorruptBytesGiveDataOrAClearErrorNeverACrash(bool sparse, int seed)
    {
        using var dir = new TempDirectory();
        var bytes = File.ReadAllBytes(Valid(dir, sparse: sparse));
        var bad = dir.Combine("bad.arrows");
        var rng = new Random(seed);
        int read = 0, rejected = 0;
        for (int i = 0; i < 1500; i++)
        {
            var copy = (byte[])bytes.Clone();
            int flips = 1 + rng.Next(3);
            for (int f = 0; f < flips; f++) copy[rng.Next(copy.Length)] = (byte)rng.Next(256);
            File.WriteAllBytes(bad, copy);
            try
            {
                using var d = ExpressionReader.Read(bad);
                Dense(d); // touch every block: a sparse block densifies here
                read++;
            }
            catch (InputFormatException e)
            {
                Assert.StartsWith(bad, e.Message);
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed} case {i}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(read > 0 && rejected > 0, $"{read} read, {rejected} rejected");
    }

    [Fact]
    public void TrailingBytesAfterTheEndOfStream()
    {
        using var dir = new TempDirectory();
        var p = Valid(dir);
        File.AppendAllText(p, "garbage!");
        Rejects(p, "8 bytes follow the end-of-stream marker");
    }

    [Fact]
    public void ArrowFileFormatIsNamed()
    {
        using var dir = new TempDirectory();
        var schema = DenseSchema("A");
        var p = dir.Combine("f.arrows");
        using (var s = File.Create(p))
        using (var w = new ArrowFileWriter(s, schema))
        {
            w.WriteRecordBatch(new RecordBatch(schema, [Floats(1)], 1));
            w.WriteEnd();
        }
        Rejects(p, "Arrow IPC file", "ARROW1");
    }

    [Fact]
    public void NotArrowAtAll()
    {
        using var dir = new TempDirectory();
        Rejects(dir.File("t.arrows", "gene\tcell\nA\t1\n"), "not an Arrow IPC stream");
    }

    [Fact]
    public void CompressedBodiesAreRejected()
    {
        using var dir = new TempDirectory();
        var schema = DenseSchema("A", "B");
        var p = Stream(dir.Combine("z.arrows"), schema, [new RecordBatch(schema, [Floats(1, 2), Floats(3, 4)], 2)],
            new IpcOptions { CompressionCodec = CompressionCodecType.Zstd, CompressionCodecFactory = new MarkOnlyCodecFactory() });
        Rejects(p, "record batch 1", "compressed Arrow bodies are not supported; write uncompressed");
    }

    [Theory]
    [InlineData("float64", "field 2 'B' is float64; gene columns must be float32")]
    [InlineData("int32", "field 2 'B' is int32; gene columns must be float32")]
    [InlineData("utf8", "field 2 'B' is utf8; gene columns must be float32")]
    public void WrongGeneFieldType(string type, string message)
    {
        using var dir = new TempDirectory();
        (IArrowType t, IArrowArray a) = type switch
        {
            "float64" => ((IArrowType)DoubleType.Default, (IArrowArray)new DoubleArray.Builder().AppendRange([1.0, 2.0]).Build()),
            "int32" => (Int32Type.Default, new Int32Array.Builder().AppendRange([1, 2]).Build()),
            _ => (StringType.Default, new StringArray.Builder().AppendRange(["1", "2"]).Build()),
        };
        var schema = new Schema.Builder().Field(new Field("A", FloatType.Default, false)).Field(new Field("B", t, false)).Build();
        var p = Stream(dir.Combine("t.arrows"), schema, [new RecordBatch(schema, [Floats(1, 2), a], 2)]);
        var e = Rejects(p, message);
        Assert.Equal(2, e.Field);
        Assert.Equal("B", e.Gene);
    }

    [Fact]
    public void CellNamesMustBeUtf8()
    {
        using var dir = new TempDirectory();
        var schema = DenseSchema("_cell", "A");
        var p = Stream(dir.Combine("c.arrows"), schema, [new RecordBatch(schema, [Floats(1, 2), Floats(3, 4)], 2)]);
        Rejects(p, "field 1 '_cell' (cell names) is float32; it must be utf8");
    }

    [Fact]
    public void DictionaryEncodedCellNames()
    {
        using var dir = new TempDirectory();
        var dictType = new DictionaryType(Int32Type.Default, StringType.Default, false);
        var schema = new Schema.Builder().Field(new Field("_cell", dictType, false)).Field(new Field("A", FloatType.Default, false)).Build();
        var cells = new DictionaryArray(dictType, new Int32Array.Builder().AppendRange([0, 1]).Build(), new StringArray.Builder().AppendRange(["x", "y"]).Build());
        var p = Stream(dir.Combine("d.arrows"), schema, [new RecordBatch(schema, [cells, Floats(1, 2)], 2)]);
        Rejects(p, "dictionary");
    }

    [Fact]
    public void NullsInAGeneColumn()
    {
        using var dir = new TempDirectory();
        var schema = DenseSchema("A", "B");
        var withNull = new FloatArray.Builder().Append(1).AppendNull().Build();
        var p = Stream(dir.Combine("n.arrows"), schema, [new RecordBatch(schema, [Floats(1, 2), Floats(1, 2)], 2), new RecordBatch(schema, [Floats(1, 2), withNull], 2)]);
        var e = Rejects(p, "record batch 2", "gene 'B' has 1 null values");
        Assert.Equal("B", e.Gene);
    }

    [Fact]
    public void DuplicateGeneNames()
    {
        using var dir = new TempDirectory();
        var schema = DenseSchema("A", "B", "A");
        var p = Stream(dir.Combine("dup.arrows"), schema, [new RecordBatch(schema, [Floats(1), Floats(2), Floats(3)], 1)]);
        Rejects(p, "gene 'A' names fields 1 and 3");
    }

    [Fact]
    public void ColumnsOfUnequalLength()
    {
        using var dir = new TempDirectory();
        var schema = DenseSchema("A", "B");
        var p = Stream(dir.Combine("u.arrows"), schema, [new RecordBatch(schema, [Floats(1, 2, 3), Floats(1, 2)], 3)]);
        Rejects(p, "record batch 1: field 2 'B' has 2 values but the batch has 3 rows");
    }

    [Fact]
    public void NoGenesOrNoCells()
    {
        using var dir = new TempDirectory();
        var onlyCells = new Schema.Builder().Field(new Field("_cell", StringType.Default, false)).Build();
        Rejects(Stream(dir.Combine("g.arrows"), onlyCells, [new RecordBatch(onlyCells, [new StringArray.Builder().Append("c").Build()], 1)]), "no gene columns");
        var schema = DenseSchema("A");
        Rejects(Stream(dir.Combine("c.arrows"), schema, []), "no cells");
    }

    [Fact]
    public void PartsWithDifferentSchemas()
    {
        using var dir = new TempDirectory();
        var parts = Directory.CreateDirectory(dir.Combine("m.arrows")).FullName;
        var a = DenseSchema("A", "B");
        var b = DenseSchema("A", "C");
        Stream(Path.Combine(parts, "part-0.arrows"), a, [new RecordBatch(a, [Floats(1), Floats(2)], 1)]);
        var second = Stream(Path.Combine(parts, "part-1.arrows"), b, [new RecordBatch(b, [Floats(1), Floats(2)], 1)]);
        var e = Assert.Throws<InputFormatException>(() => ExpressionReader.Read(parts));
        Assert.StartsWith(second, e.Message);
        Assert.Contains("schema differs from that of", e.Message);
        Assert.Contains("field 2 is 'C' float32 here, 'B' float32 there", e.Message);
    }

    [Fact]
    public void ADirectoryWithoutParts()
    {
        using var dir = new TempDirectory();
        var d = Directory.CreateDirectory(dir.Combine("empty")).FullName;
        File.WriteAllText(Path.Combine(d, "README"), "x");
        var e = Assert.Throws<InputFormatException>(() => ExpressionReader.Read(d));
        Assert.Contains("no *.arrows parts", e.Message);
    }

    [Fact]
    public void AFileOver2GiBIsRejectedWithAdvice()
    {
        using var dir = new TempDirectory();
        var p = dir.Combine("huge.arrows");
        using (var f = File.Create(p)) f.SetLength((2L << 30) + 4096); // sparse: no disk is used
        Rejects(p, "2.0 GiB", "at most 2 GiB", "parts in a directory");
    }

    [Fact]
    public void GenesByCellsAndGeneNamesDoNotApply()
    {
        using var dir = new TempDirectory();
        var p = Valid(dir);
        Assert.Contains("--genes-by-cells", Assert.Throws<InputFormatException>(() => ExpressionReader.Read(p, genesByCells: true)).Message);
        Assert.Contains("--genes", Assert.Throws<InputFormatException>(() => ExpressionReader.Read(p, geneNamesPath: "g.txt")).Message);
    }

    private static string Csr(TempDirectory dir, string name, Schema schema, int rows, int[] indexOffsets, int[] indices, int[] dataOffsets, float[] data)
    {
        var iType = schema.GetFieldByName("indices")?.DataType ?? new ListType(Int32Type.Default);
        var dType = schema.GetFieldByName("data")?.DataType ?? new ListType(FloatType.Default);
        var arrays = new List<IArrowArray>();
        foreach (var f in schema.FieldsList)
            arrays.Add(f.Name switch
            {
                "indices" => new ListArray(iType, rows, new ArrowBuffer(System.Runtime.InteropServices.MemoryMarshal.AsBytes(indexOffsets.AsSpan()).ToArray()),
                    new Int32Array.Builder().AppendRange(indices).Build(), ArrowBuffer.Empty),
                "data" => new ListArray(dType, rows, new ArrowBuffer(System.Runtime.InteropServices.MemoryMarshal.AsBytes(dataOffsets.AsSpan()).ToArray()),
                    Floats(data), ArrowBuffer.Empty),
                _ => throw new ArgumentException(f.Name),
            });
        return Stream(dir.Combine(name), schema, [new RecordBatch(schema, arrays, rows)]);
    }

    private static Schema CsrSchema(string? genes = "A\nB\nC", string layout = "csr", bool withData = true)
    {
        var b = new Schema.Builder().Field(new Field("indices", new ListType(Int32Type.Default), false));
        if (withData) b.Field(new Field("data", new ListType(FloatType.Default), false));
        b.Metadata("grnfast.layout", layout);
        if (genes is not null) b.Metadata("grnfast.genes", genes);
        return b.Build();
    }

    [Fact]
    public void CsrReadsAndChecksItsLists()
    {
        using var dir = new TempDirectory();
        var ok = Csr(dir, "ok.arrows", CsrSchema("A\nB\nC\n"), 2, [0, 2, 3], [2, 0, 1], [0, 2, 3], [5, 6, 7]);
        using (var d = ExpressionReader.Read(ok))
        {
            Assert.Equal(new[] { "A", "B", "C" }, d.GeneNames);
            Assert.Equal(new float[] { 6, 0, 0, 7, 5, 0 }, Dense(d));
        }
        Rejects(Csr(dir, "off.arrows", CsrSchema(), 2, [0, 2, 3], [2, 0, 1], [0, 1, 3], [5, 6, 7]), "list offsets of 'indices' and 'data' differ");
        Rejects(Csr(dir, "idx.arrows", CsrSchema(), 2, [0, 2, 3], [2, 0, 3], [0, 2, 3], [5, 6, 7]), "gene index 3", "outside 0..2");
        Rejects(Csr(dir, "neg.arrows", CsrSchema(), 2, [0, 2, 3], [2, -1, 1], [0, 2, 3], [5, 6, 7]), "gene index -1");
        Rejects(Csr(dir, "dec.arrows", CsrSchema(), 2, [0, 2, 1], [2, 0, 1], [0, 2, 1], [5, 6, 7]), "record batch 1", "decreases");
        Rejects(Csr(dir, "nog.arrows", CsrSchema(genes: null), 1, [0, 1], [0], [0, 1], [1]), "needs the gene names in schema metadata 'grnfast.genes'");
        Rejects(Csr(dir, "dupg.arrows", CsrSchema(genes: "A\nB\nA"), 1, [0, 1], [0], [0, 1], [1]), "gene 'A' is listed at 1 and 3");
        Rejects(Csr(dir, "lay.arrows", CsrSchema(layout: "csc"), 1, [0, 1], [0], [0, 1], [1]), "grnfast.layout is 'csc'");
        Rejects(Csr(dir, "nod.arrows", CsrSchema(withData: false), 1, [0, 1], [0], [0, 1], [1]), "missing 'data'");
    }

    [Fact]
    public void CsrWrongListTypes()
    {
        using var dir = new TempDirectory();
        var schema = new Schema.Builder()
            .Field(new Field("indices", new ListType(Int64Type.Default), false))
            .Field(new Field("data", new ListType(FloatType.Default), false))
            .Metadata("grnfast.layout", "csr").Metadata("grnfast.genes", "A").Build();
        var indices = new ListArray(schema.FieldsList[0].DataType, 1, new ArrowBuffer(new byte[8]), new Int64Array.Builder().Build(), ArrowBuffer.Empty);
        var data = new ListArray(schema.FieldsList[1].DataType, 1, new ArrowBuffer(new byte[8]), Floats(), ArrowBuffer.Empty);
        Rejects(Stream(dir.Combine("w.arrows"), schema, [new RecordBatch(schema, [indices, data], 1)]), "field 1 'indices' is list<int64>; it must be list<int32>");
    }
}
