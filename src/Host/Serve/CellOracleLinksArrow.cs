using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using GrnFast.Host.Infer;
using GrnFast.IO;

namespace GrnFast.Host.Serve;

/// <summary>
/// A celloracle result over the host: CellOracle's links table (<see cref="CellOracleLinks.Write"/>'s columns and row
/// order) as an Arrow IPC stream. Fields, none nullable: <c>source</c>, <c>target</c> (utf8), <c>coef_mean</c>,
/// <c>coef_abs</c>, <c>coef_variance</c> (BayesianRidge only), <c>p</c>, <c>-logp</c> (float64; an undefined p is NaN),
/// <c>cluster</c> (utf8, with groups only).
/// </summary>
internal static class CellOracleLinksArrow
{
    public static void Write(Stream stream, CellOracleLinks links, LinkWeight order)
    {
        var sorted = links.Rows.ToArray();
        System.Array.Sort(sorted, CellOracleLinks.Comparer(order));
        var fields = new List<Field>
        {
            new("source", StringType.Default, nullable: false),
            new("target", StringType.Default, nullable: false),
            new("coef_mean", DoubleType.Default, nullable: false),
            new("coef_abs", DoubleType.Default, nullable: false),
        };
        if (links.Bayesian) fields.Add(new Field("coef_variance", DoubleType.Default, nullable: false));
        fields.Add(new Field("p", DoubleType.Default, nullable: false));
        fields.Add(new Field("-logp", DoubleType.Default, nullable: false));
        if (links.Clustered) fields.Add(new Field("cluster", StringType.Default, nullable: false));
        var builder = new Schema.Builder();
        foreach (var f in fields) builder.Field(f);
        var schema = builder.Build();

        using var writer = new ArrowStreamWriter(stream, schema, leaveOpen: true);
        writer.WriteStart();
        for (int start = 0; start < sorted.Length; start += NetworkArrow.BatchRows)
        {
            int n = Math.Min(NetworkArrow.BatchRows, sorted.Length - start);
            var source = new StringArray.Builder().Reserve(n);
            var target = new StringArray.Builder().Reserve(n);
            var mean = new DoubleArray.Builder().Reserve(n);
            var abs = new DoubleArray.Builder().Reserve(n);
            var variance = new DoubleArray.Builder().Reserve(n);
            var p = new DoubleArray.Builder().Reserve(n);
            var negLog = new DoubleArray.Builder().Reserve(n);
            var cluster = new StringArray.Builder().Reserve(n);
            for (int i = start; i < start + n; i++)
            {
                var r = sorted[i];
                source.Append(r.Source);
                target.Append(r.Target);
                mean.Append(r.CoefMean);
                abs.Append(r.CoefAbs);
                if (links.Bayesian) variance.Append(r.CoefVariance ?? double.NaN);
                p.Append(r.P.P);
                negLog.Append(r.P.NegLog10P);
                if (links.Clustered) cluster.Append(r.Cluster);
            }
            var columns = new List<IArrowArray> { source.Build(), target.Build(), mean.Build(), abs.Build() };
            if (links.Bayesian) columns.Add(variance.Build());
            columns.Add(p.Build());
            columns.Add(negLog.Build());
            if (links.Clustered) columns.Add(cluster.Build());
            using var batch = new RecordBatch(schema, columns, n);
            writer.WriteRecordBatch(batch);
        }
        writer.WriteEnd();
    }
}
