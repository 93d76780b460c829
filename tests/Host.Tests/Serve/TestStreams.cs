using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using GrnFast.IO;

namespace GrnFast.Host.Tests.Serve;

/// <summary>Arrow IPC streams for requests, written with Apache.Arrow as a client would, and the network read back.</summary>
public static class TestStreams
{
    /// <summary>A cells x genes stream: one float32 (or float64) field per gene, optional _cell, in batches of <paramref name="batchRows"/>.</summary>
    public static byte[] Expression(ExpressionData data, int batchRows = 64, bool float64 = false, bool cellNames = true)
    {
        var x = data.Single!.Value;
        var fields = new List<Field>();
        if (cellNames && data.CellNames is not null) fields.Add(new Field("_cell", StringType.Default, false));
        foreach (var g in data.GeneNames) fields.Add(new Field(g, float64 ? DoubleType.Default : FloatType.Default, false));
        var schema = new Schema(fields, null);
        return Write(schema, data.Cells, batchRows, (start, rows) =>
        {
            var columns = new List<IArrowArray>();
            if (cellNames && data.CellNames is not null)
                columns.Add(new StringArray.Builder().AppendRange(data.CellNames.Skip(start).Take(rows)).Build());
            for (int g = 0; g < data.Genes; g++)
            {
                var column = x.Column(g).Slice(start, rows);
                if (float64)
                {
                    var b = new DoubleArray.Builder();
                    foreach (var v in column) b.Append(v);
                    columns.Add(b.Build());
                }
                else columns.Add(new FloatArray.Builder().AppendRange(column.ToArray()).Build());
            }
            return columns;
        });
    }

    /// <summary>A cells x genes float64 stream from a column-major array.</summary>
    public static byte[] Expression(double[] columnMajor, int cells, IReadOnlyList<string> genes, int batchRows = 256)
    {
        var schema = new Schema(genes.Select(g => new Field(g, DoubleType.Default, false)), null);
        return Write(schema, cells, batchRows, (start, rows) =>
            genes.Select((_, g) => (IArrowArray)new DoubleArray.Builder().AppendRange(columnMajor.AsSpan(g * cells + start, rows).ToArray()).Build()).ToList());
    }

    public static byte[] Prior(PriorSource prior, bool withWeight = true)
    {
        var fields = new List<Field> { new("regulator", StringType.Default, false), new("target", StringType.Default, false) };
        if (withWeight) fields.Add(new Field("weight", DoubleType.Default, false));
        var schema = new Schema(fields, null);
        var edges = prior.Edges;
        return Write(schema, edges.Count, 1000, (start, rows) =>
        {
            var part = edges.Skip(start).Take(rows).ToList();
            var columns = new List<IArrowArray>
            {
                new StringArray.Builder().AppendRange(part.Select(e => e.Regulator)).Build(),
                new StringArray.Builder().AppendRange(part.Select(e => e.Target)).Build(),
            };
            if (withWeight) columns.Add(new DoubleArray.Builder().AppendRange(part.Select(e => e.Confidence)).Build());
            return columns;
        });
    }

    /// <summary>Any table, one batch: for streams with wrong types, nulls and the like.</summary>
    public static byte[] Table(params (string Name, IArrowArray Values)[] columns)
    {
        var schema = new Schema(columns.Select(c => new Field(c.Name, c.Values.Data.DataType, true)), null);
        int rows = columns.Length == 0 ? 0 : columns.Max(c => c.Values.Length);
        var batch = new RecordBatch(schema, columns.Select(c => c.Values), rows);
        using var stream = new MemoryStream();
        using (var writer = new ArrowStreamWriter(stream, schema, leaveOpen: true))
        {
            writer.WriteRecordBatch(batch);
            writer.WriteEnd();
        }
        return stream.ToArray();
    }

    private static byte[] Write(Schema schema, int rows, int batchRows, Func<int, int, List<IArrowArray>> columns)
    {
        using var stream = new MemoryStream();
        using (var writer = new ArrowStreamWriter(stream, schema, leaveOpen: true))
        {
            for (int start = 0; start < rows; start += batchRows)
            {
                int n = Math.Min(batchRows, rows - start);
                writer.WriteRecordBatch(new RecordBatch(schema, columns(start, n), n));
            }
            writer.WriteEnd();
        }
        return stream.ToArray();
    }

    /// <summary>The network stream as the lines of the command line's TSV (header included; a <c>std</c> column when the stream has one).</summary>
    public static List<string> NetworkAsTsv(byte[] network)
    {
        using var reader = new ArrowStreamReader(new ReadOnlyMemory<byte>(network));
        var names = reader.Schema.FieldsList.Select(f => f.Name).ToArray();
        bool std = names.Length == 5;
        Assert.Equal(std ? ["TF", "target", "importance", "coef", "std"] : ["TF", "target", "importance", "coef"], names);
        var lines = new List<string> { string.Join('\t', names) };
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            var tf = (StringArray)batch.Column(0);
            var target = (StringArray)batch.Column(1);
            var importance = (DoubleArray)batch.Column(2);
            var coef = (DoubleArray)batch.Column(3);
            var sd = std ? (DoubleArray)batch.Column(4) : null;
            for (int i = 0; i < batch.Length; i++)
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{tf.GetString(i)}\t{target.GetString(i)}\t{NetworkWriter.Format(importance.GetValue(i)!.Value)}\t{NetworkWriter.Format(coef.GetValue(i)!.Value)}")
                    + (sd is null ? "" : "\t" + NetworkWriter.Format(sd.GetValue(i)!.Value)));
        }
        return lines;
    }
}
