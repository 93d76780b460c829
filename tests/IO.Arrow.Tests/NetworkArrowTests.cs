using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using GrnFast.IO;

namespace GrnFast.IO.Arrow.Tests;

public class NetworkArrowTests
{
    private static List<RecordBatch> ReadAll(string path, out Schema schema)
    {
        using var stream = File.OpenRead(path);
        using var reader = new ArrowStreamReader(stream);
        var batches = new List<RecordBatch>();
        while (reader.ReadNextRecordBatch() is { } b) batches.Add(b);
        schema = reader.Schema;
        return batches;
    }

    private static string[] Rows(List<RecordBatch> batches) => batches.SelectMany(b => Enumerable.Range(0, b.Length).Select(i =>
        string.Join('\t',
            ((StringArray)b.Column(0)).GetString(i), ((StringArray)b.Column(1)).GetString(i),
            NetworkWriter.Format(((DoubleArray)b.Column(2)).GetValue(i)!.Value),
            NetworkWriter.Format(((DoubleArray)b.Column(3)).GetValue(i)!.Value)))).ToArray();

    private static NetworkEdge[] Edges(int n, int seed)
    {
        var rng = new Random(seed);
        // Few distinct importances so ties exercise the TF/target order.
        return Enumerable.Range(0, n).Select(i => new NetworkEdge($"TF{rng.Next(50)}", $"G{i}", rng.Next(7) / 3.0, rng.NextDouble() - 0.5)).ToArray();
    }

    [Fact]
    public void ArrowNetworkHasTheSchemaAndRowsOfTheTsv()
    {
        using var dir = new TempDirectory();
        var edges = Edges(1000, 1);
        NetworkWriter.Write(dir.Combine("net.tsv"), edges);
        NetworkWriter.Write(dir.Combine("net.arrows"), edges);

        var batches = ReadAll(dir.Combine("net.arrows"), out var schema);
        Assert.Equal(new[] { "TF", "target", "importance", "coef" }, schema.FieldsList.Select(f => f.Name));
        Assert.Equal(new[] { ArrowTypeId.String, ArrowTypeId.String, ArrowTypeId.Double, ArrowTypeId.Double }, schema.FieldsList.Select(f => f.DataType.TypeId));
        Assert.All(batches, b => Assert.All(b.Arrays, a => Assert.Equal(0, a.NullCount)));
        Assert.Equal(File.ReadAllLines(dir.Combine("net.tsv"))[1..], Rows(batches));
        Assert.Equal(2, Directory.GetFiles(dir.Path).Length);
    }

    [Fact]
    public void LargeNetworksAreSeveralBatchesInOrder()
    {
        using var dir = new TempDirectory();
        var edges = Edges(NetworkArrow.BatchRows + 1234, 2);
        NetworkWriter.Write(dir.Combine("net.arrows"), edges);
        var batches = ReadAll(dir.Combine("net.arrows"), out _);
        Assert.Equal(new[] { NetworkArrow.BatchRows, 1234 }, batches.Select(b => b.Length));
        var sorted = edges.ToArray();
        System.Array.Sort(sorted, NetworkWriter.Compare);
        var expected = sorted.Select(e => $"{e.Regulator}\t{e.Target}\t{NetworkWriter.Format(e.Importance)}\t{NetworkWriter.Format(e.Coefficient)}");
        Assert.Equal(expected, Rows(batches));
    }

    [Fact]
    public void EmptyNetworkIsASchemaWithoutBatches()
    {
        using var dir = new TempDirectory();
        NetworkWriter.Write(dir.Combine("net.arrows"), []);
        var batches = ReadAll(dir.Combine("net.arrows"), out var schema);
        Assert.Empty(batches);
        Assert.Equal(4, schema.FieldsList.Count);
    }

    [Fact]
    public void PathCoefficientsAsArrowMatchTheTsv()
    {
        using var dir = new TempDirectory();
        var rows = new[]
        {
            new PathCoefficient("A", "T2", 0.5, -0.25),
            new PathCoefficient("B", "T1", 0.5, 0.1),
            new PathCoefficient("C", "T1", 0.5, -0.3),
            new PathCoefficient("A", "T1", 0.5, 0.3),
        };
        NetworkWriter.WritePathCoefficients(dir.Combine("p.tsv"), rows);
        NetworkWriter.WritePathCoefficients(dir.Combine("p.arrows"), rows);
        var batches = ReadAll(dir.Combine("p.arrows"), out var schema);
        Assert.Equal(new[] { "TF", "target", "alpha", "coef" }, schema.FieldsList.Select(f => f.Name));
        var tsv = File.ReadAllLines(dir.Combine("p.tsv"));
        Assert.Equal("TF\ttarget\talpha\tcoef", tsv[0]);
        Assert.Equal(new[] { "A\tT1\t0.5\t0.3", "C\tT1\t0.5\t-0.3", "B\tT1\t0.5\t0.1", "A\tT2\t0.5\t-0.25" }, tsv[1..]);
        Assert.Equal(tsv[1..], Rows(batches));
    }

    [Fact]
    public void NumbersRoundTripBitForBit()
    {
        double[] values = [0.1 + 0.2, 1e-300, -0.0, double.MaxValue, double.Epsilon, Math.PI];
        var edges = values.Select((v, i) => new NetworkEdge("R", $"T{i}", 1.0, v)).ToArray();
        using var stream = new MemoryStream();
        NetworkArrow.Write(stream, edges);
        stream.Position = 0;
        using var reader = new ArrowStreamReader(stream);
        var b = reader.ReadNextRecordBatch()!;
        var coef = (DoubleArray)b.Column("coef");
        for (int i = 0; i < values.Length; i++)
            Assert.Equal(BitConverter.DoubleToInt64Bits(values[i]), BitConverter.DoubleToInt64Bits(coef.GetValue(i)!.Value));
        Assert.Null(reader.ReadNextRecordBatch());
    }

    [Fact]
    public void ArrowWriteReplacesAtomically()
    {
        using var dir = new TempDirectory();
        var p = dir.Combine("net.arrows");
        NetworkWriter.Write(p, Edges(10, 3));
        long before = new FileInfo(p).Length;
        Assert.Throws<InvalidOperationException>(() => NetworkWriter.Write(p, Throwing()));
        Assert.Equal(before, new FileInfo(p).Length);
        Assert.Single(Directory.GetFiles(dir.Path));

        static IEnumerable<NetworkEdge> Throwing()
        {
            yield return new NetworkEdge("A", "B", 1, 1);
            throw new InvalidOperationException("boom");
        }
    }

    [Fact]
    public void StreamEndsWithTheEndOfStreamMarker()
    {
        using var stream = new MemoryStream();
        NetworkArrow.Write(stream, Edges(3, 4));
        var bytes = stream.ToArray();
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0 }, bytes[^8..]);
    }
}
