using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;

namespace GrnFast.IO;

/// <summary>
/// Networks and path coefficients as Arrow IPC streams (uncompressed, with the end-of-stream marker): the columns and
/// row order of the TSV that <see cref="NetworkWriter"/> writes, so a client reads the same table from either.
/// Networks have fields <c>TF</c> (utf8), <c>target</c> (utf8), <c>importance</c> (float64), <c>coef</c> (float64), plus
/// <c>std</c> (float64) when every edge has one (pmf-grn, joint);
/// path coefficients <c>TF</c>, <c>target</c>, <c>alpha</c> (float64), <c>coef</c> (float64). No field has nulls.
/// </summary>
public static class NetworkArrow
{
    /// <summary>Rows per record batch: bounds the memory of one batch's builders on networks of millions of edges.</summary>
    public const int BatchRows = 1 << 16;

    public static Schema NetworkSchema { get; } = TwoNamesTwoNumbers("importance");

    /// <summary>A network whose every edge has a <see cref="NetworkEdge.Std"/> (pmf-grn, joint): a fifth field <c>std</c> (float64), as the TSV's column.</summary>
    public static Schema NetworkWithStdSchema { get; } = new Schema.Builder()
        .Field(new Field("TF", StringType.Default, nullable: false))
        .Field(new Field("target", StringType.Default, nullable: false))
        .Field(new Field("importance", DoubleType.Default, nullable: false))
        .Field(new Field("coef", DoubleType.Default, nullable: false))
        .Field(new Field("std", DoubleType.Default, nullable: false))
        .Build();

    public static Schema PathCoefficientSchema { get; } = TwoNamesTwoNumbers("alpha");

    /// <summary>Writes the edges sorted with <see cref="NetworkWriter.Compare"/>; <paramref name="stream"/> stays open.</summary>
    public static void Write(Stream stream, IEnumerable<NetworkEdge> edges)
    {
        var sorted = edges.ToArray();
        System.Array.Sort(sorted, NetworkWriter.Compare);
        bool std = sorted.Length > 0 && sorted.All(e => e.Std is not null);
        WriteRows(stream, std ? NetworkWithStdSchema : NetworkSchema, sorted, e => e.Regulator, e => e.Target, e => e.Importance, e => e.Coefficient,
            std ? e => e.Std!.Value : null);
    }

    /// <summary>Writes path coefficients sorted with <see cref="NetworkWriter.ComparePathCoefficients"/>.</summary>
    public static void WritePathCoefficients(Stream stream, IEnumerable<PathCoefficient> rows)
    {
        var sorted = rows.ToArray();
        System.Array.Sort(sorted, NetworkWriter.ComparePathCoefficients);
        WriteRows(stream, PathCoefficientSchema, sorted, r => r.Regulator, r => r.Target, r => r.Alpha, r => r.Coefficient);
    }

    private static Schema TwoNamesTwoNumbers(string third) => new Schema.Builder()
        .Field(new Field("TF", StringType.Default, nullable: false))
        .Field(new Field("target", StringType.Default, nullable: false))
        .Field(new Field(third, DoubleType.Default, nullable: false))
        .Field(new Field("coef", DoubleType.Default, nullable: false))
        .Build();

    private static void WriteRows<T>(Stream stream, Schema schema, T[] rows,
        Func<T, string> regulator, Func<T, string> target, Func<T, double> number, Func<T, double> coef, Func<T, double>? fifth = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new ArrowStreamWriter(stream, schema, leaveOpen: true);
        writer.WriteStart();
        for (int start = 0; start < rows.Length; start += BatchRows)
        {
            int n = Math.Min(BatchRows, rows.Length - start);
            var tf = new StringArray.Builder().Reserve(n);
            var tg = new StringArray.Builder().Reserve(n);
            var x = new DoubleArray.Builder().Reserve(n);
            var c = new DoubleArray.Builder().Reserve(n);
            var f = fifth is null ? null : new DoubleArray.Builder().Reserve(n);
            for (int i = start; i < start + n; i++)
            {
                var r = rows[i];
                tf.Append(regulator(r));
                tg.Append(target(r));
                x.Append(number(r));
                c.Append(coef(r));
                f?.Append(fifth!(r));
            }
            IArrowArray[] columns = f is null ? [tf.Build(), tg.Build(), x.Build(), c.Build()] : [tf.Build(), tg.Build(), x.Build(), c.Build(), f.Build()];
            using var batch = new RecordBatch(schema, columns, n);
            writer.WriteRecordBatch(batch);
        }
        writer.WriteEnd();
    }
}
