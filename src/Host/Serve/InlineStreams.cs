using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using GrnFast.IO;

namespace GrnFast.Host.Serve;

/// <summary>
/// Decodes the inline payloads of an <c>infer</c> request: an expression matrix (one float32/float64 field per gene,
/// an optional utf8 <c>_cell</c>) and prior edge lists (utf8 <c>regulator</c>, <c>target</c>, optional float
/// <c>weight</c>). The bytes are checked by <see cref="ArrowStreamCheck"/> first and then read with Apache.Arrow's
/// <see cref="ArrowStreamReader"/> over the frame's memory; the values are copied into the structures the file
/// readers produce. Problems are <c>bad_arrow</c> (format, types, lengths, nulls) or <c>bad_input</c> (values).
/// </summary>
internal static class InlineStreams
{
    public const string CellField = "_cell";

    public static ExpressionData ReadExpression(string stream, byte[] bytes)
    {
        var (schema, batches) = Open(stream, bytes);
        var fields = schema.FieldsList;
        var genes = new List<int>(fields.Count);
        int cellField = -1;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < fields.Count; i++)
        {
            var f = fields[i];
            if (f.Name == CellField)
            {
                if (f.DataType.TypeId != ArrowTypeId.String) throw BadArrow(stream, $"field '{CellField}' has type {f.DataType.Name}; cell names are utf8", f.Name);
                cellField = i;
                continue;
            }
            if (f.DataType.TypeId is not (ArrowTypeId.Float or ArrowTypeId.Double))
                throw BadArrow(stream, $"field '{f.Name}' has type {f.DataType.Name}; gene fields are float32 or float64", f.Name);
            if (!seen.TryAdd(f.Name, i))
                throw BadArrow(stream, $"gene '{f.Name}' appears twice (fields {seen[f.Name]} and {i})", f.Name);
            genes.Add(i);
        }
        if (genes.Count == 0) throw BadArrow(stream, "the stream has no gene fields (float32 or float64 columns)");

        long cells = 0;
        for (int b = 0; b < batches.Count; b++)
        {
            CheckBatch(stream, schema, batches[b], b);
            cells += batches[b].Length;
        }
        if (cells * genes.Count > System.Array.MaxLength)
            throw BadArrow(stream, $"{cells} cells x {genes.Count} genes is too large for an inline stream; pass the data by path");

        int n = (int)cells;
        bool single = genes.All(g => fields[g].DataType.TypeId == ArrowTypeId.Float);
        var names = genes.Select(g => fields[g].Name).ToArray();
        string[]? cellNames = cellField < 0 ? null : new string[n];
        float[]? f32 = single ? new float[(long)n * genes.Count] : null;
        double[]? f64 = single ? null : new double[(long)n * genes.Count];
        int row = 0;
        for (int b = 0; b < batches.Count; b++)
        {
            var batch = batches[b];
            for (int j = 0; j < genes.Count; j++)
            {
                var column = batch.Column(genes[j]);
                long at = (long)j * n + row;
                switch (column)
                {
                    case FloatArray a when f32 is not null:
                        a.Values.CopyTo(f32.AsSpan((int)at, a.Length));
                        break;
                    case FloatArray a:
                        var values = a.Values;
                        var to = f64.AsSpan((int)at, a.Length);
                        for (int i = 0; i < values.Length; i++) to[i] = values[i];
                        break;
                    case DoubleArray a:
                        a.Values.CopyTo(f64.AsSpan((int)at, a.Length));
                        break;
                }
            }
            if (cellNames is not null)
            {
                var c = (StringArray)batch.Column(cellField);
                for (int i = 0; i < c.Length; i++) cellNames[row + i] = Text(c, i);
            }
            row += batch.Length;
            batch.Dispose();
        }
        string source = $"stream '{stream}'";
        return f32 is not null
            ? ExpressionData.FromColumnMajor(source, f32, n, names, cellNames)
            : ExpressionData.FromColumnMajor(source, f64!, n, names, cellNames);
    }

    public static PriorSource ReadPrior(string stream, byte[] bytes)
    {
        var (schema, batches) = Open(stream, bytes);
        int regulator = Find(stream, schema, "regulator", required: true, ArrowTypeId.String);
        int target = Find(stream, schema, "target", required: true, ArrowTypeId.String);
        int weight = Find(stream, schema, "weight", required: false, ArrowTypeId.Float, ArrowTypeId.Double);
        var edges = new List<PriorEdge>();
        int row = 0;
        for (int b = 0; b < batches.Count; b++)
        {
            var batch = batches[b];
            CheckBatch(stream, schema, batch, b);
            var regulators = (StringArray)batch.Column(regulator);
            var targets = (StringArray)batch.Column(target);
            var weights = weight < 0 ? null : batch.Column(weight);
            for (int i = 0; i < batch.Length; i++, row++)
            {
                string r = Text(regulators, i), t = Text(targets, i);
                if (r.Length == 0) throw BadValue(stream, "regulator", row, $"row {row}: the regulator is empty");
                if (t.Length == 0) throw BadValue(stream, "target", row, $"row {row}: the target is empty");
                double w = weights switch
                {
                    FloatArray f => f.Values[i],
                    DoubleArray d => d.Values[i],
                    _ => 1.0,
                };
                if (!(w >= 0 && w <= 1))
                    throw BadValue(stream, "weight", row, $"row {row}: the weight of {r} -> {t} is {w}; a confidence is in [0, 1]");
                edges.Add(new PriorEdge(r, t, w, row + 1));
            }
            batch.Dispose();
        }
        return new PriorSource($"stream '{stream}'", edges);
    }

    private static (Schema Schema, List<RecordBatch> Batches) Open(string stream, byte[] bytes)
    {
        try { ArrowStreamCheck.Validate(bytes); }
        catch (ArrowFormatException e) { throw BadArrow(stream, e.Message, e.Field, e.Batch); }
        var batches = new List<RecordBatch>();
        try
        {
            using var reader = new ArrowStreamReader(new ReadOnlyMemory<byte>(bytes));
            var schema = reader.Schema;
            while (reader.ReadNextRecordBatch() is { } batch) batches.Add(batch);
            return (schema, batches);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The bytes are untrusted: whatever Apache.Arrow throws while reading them means they are not a valid stream.
            foreach (var b in batches) b.Dispose();
            throw BadArrow(stream, $"does not parse as an Arrow IPC stream ({e.GetType().Name}: {e.Message})");
        }
    }

    /// <summary>Every column as long as its batch, without nulls, with buffers that hold its values.</summary>
    private static void CheckBatch(string stream, Schema schema, RecordBatch batch, int index)
    {
        if (batch.ColumnCount != schema.FieldsList.Count)
            throw BadArrow(stream, $"record batch {index} has {batch.ColumnCount} columns for {schema.FieldsList.Count} fields", batch: index);
        for (int c = 0; c < batch.ColumnCount; c++)
        {
            var column = batch.Column(c);
            string name = schema.FieldsList[c].Name;
            if (column.Length != batch.Length)
                throw BadArrow(stream, $"field '{name}' has {column.Length} values in record batch {index}, which has {batch.Length} rows (columns of unequal length)", name, index);
            if (column.NullCount != 0)
                throw BadArrow(stream, $"field '{name}' has {column.NullCount} nulls in record batch {index}; nulls are not allowed", name, index);
            var buffers = column.Data.Buffers;
            long need = column switch
            {
                FloatArray => 4L * column.Length,
                DoubleArray => 8L * column.Length,
                _ => 0,
            };
            if (need > 0 && buffers[1].Length < need)
                throw BadArrow(stream, $"field '{name}' in record batch {index}: its value buffer has {buffers[1].Length} bytes for {column.Length} values", name, index);
            if (column is StringArray s)
                CheckOffsets(stream, s, name, index);
        }
    }

    /// <summary>
    /// Value <paramref name="i"/> decoded from bounds-checked spans (offsets checked by <see cref="CheckOffsets"/>);
    /// StringArray.GetString reads through a raw pointer, so a bad offset must never reach it.
    /// </summary>
    private static string Text(StringArray s, int i)
    {
        var offsets = s.ValueOffsets;
        return System.Text.Encoding.UTF8.GetString(s.Values[offsets[i]..offsets[i + 1]]);
    }

    private static void CheckOffsets(string stream, StringArray s, string name, int batch)
    {
        if (s.Length == 0) return;
        if (s.Data.Buffers[1].Length < 4L * (s.Length + 1))
            throw BadArrow(stream, $"field '{name}' in record batch {batch}: its offsets buffer is too short for {s.Length} values", name, batch);
        var offsets = s.ValueOffsets;
        int bytes = s.Data.Buffers[2].Length;
        if (offsets[0] < 0) throw BadArrow(stream, $"field '{name}' in record batch {batch}: negative string offset", name, batch);
        for (int i = 0; i < s.Length; i++)
            if (offsets[i + 1] < offsets[i] || offsets[i + 1] > bytes)
                throw BadArrow(stream, $"field '{name}' in record batch {batch}: string offsets are not increasing within the {bytes}-byte data buffer (row {i})", name, batch);
    }

    private static int Find(string stream, Schema schema, string name, bool required, params ArrowTypeId[] types)
    {
        int index = schema.GetFieldIndex(name);
        if (index < 0)
        {
            if (required) throw BadArrow(stream, $"the stream has no field '{name}' (a prior has utf8 fields regulator and target and an optional float weight)", name);
            return -1;
        }
        var type = schema.FieldsList[index].DataType;
        if (!types.Contains(type.TypeId))
            throw BadArrow(stream, $"field '{name}' has type {type.Name}; it must be {(types.Contains(ArrowTypeId.String) ? "utf8" : "float32 or float64")}", name);
        return index;
    }

    private static RequestException BadArrow(string stream, string detail, string? field = null, int? batch = null)
    {
        var data = new List<(string, object?)> { ("stream", stream) };
        if (field is not null) data.Add(("field", field));
        if (batch is not null) data.Add(("batch", batch.Value));
        return new RequestException(ErrorCode.BadArrow, $"stream '{stream}': {detail}", [.. data]);
    }

    private static RequestException BadValue(string stream, string field, int row, string detail)
        => new(ErrorCode.BadInput, $"stream '{stream}': {detail}", ("stream", stream), ("field", field), ("row", row));
}
