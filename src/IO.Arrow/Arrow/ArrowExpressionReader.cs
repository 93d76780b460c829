using System.Numerics.Tensors;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Memory;
using CommunityToolkit.HighPerformance;
using GrnFast.IO.Arrow;
using GrnFast.Kernels;

namespace GrnFast.IO;

/// <summary>
/// Reads cells x genes expression from Arrow IPC stream files (<c>.arrows</c>) without copying: each file is
/// memory-mapped, its mapping handed as one <see cref="ReadOnlyMemory{T}"/> to <c>new ArrowStreamReader(memory)</c>,
/// and each record batch becomes a cell block whose columns are views into the mapping (the only zero-copy path of
/// Apache.Arrow C#; its stream and file readers copy every body). A directory of <c>*.arrows</c> parts (ordinal name
/// order, identical schemas) is one matrix of consecutive blocks; a part is at most 2 GiB.
/// <para>Dense streams have one float32 field per gene (no nulls) and an optional utf8 field <c>_cell</c>; CSR streams
/// have <c>indices: list&lt;int32&gt;</c> and <c>data: list&lt;float32&gt;</c> (one list per cell, identical offsets) and
/// the genes in schema metadata <c>grnfast.genes</c>, with <c>grnfast.layout = csr</c>.</para>
/// Values are not scanned here (that would touch every page at load); non-finite genes are reported when moments are taken.
/// </summary>
public static class ArrowExpressionReader
{
    /// <summary>The extension of Arrow IPC stream files.</summary>
    public const string Extension = ".arrows";

    /// <summary>True for a <c>.arrows</c> path or an existing directory (of <c>.arrows</c> parts).</summary>
    public static bool IsArrow(string path)
        => path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase) || Directory.Exists(path);

    /// <summary>Maps and reads a <c>.arrows</c> file or a directory of parts.</summary>
    /// <param name="allocator">Given to Apache.Arrow for any buffer it would allocate; reading uncompressed streams from
    /// memory allocates none (a tested contract).</param>
    public static ExpressionData Read(string path, MemoryAllocator? allocator = null)
    {
        var parts = Parts(path);
        var owner = new StreamsOwner();
        try
        {
            var matrix = new MatrixBuilder(path);
            foreach (var part in parts)
            {
                long length = new FileInfo(part).Length;
                if (length == 0) throw new InputFormatException(part, null, "the file is empty");
                if (length > int.MaxValue)
                    throw new InputFormatException(part, null, $"is {length / (double)(1L << 30):F1} GiB; one Arrow stream file is mapped as one memory view, at most 2 GiB. " +
                        "Write the matrix as parts in a directory (grnfast convert does this for large outputs) and pass the directory");
                var file = new MappedStreamFile(part, length);
                owner.Add(file);
                matrix.AddStream(file.Memory, part, allocator, owner);
            }
            return matrix.Build(owner);
        }
        catch
        {
            owner.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads a stream already in memory (an inline payload), without copying: the blocks point into <paramref name="stream"/>,
    /// which must stay valid until the result is disposed; <paramref name="owner"/> (if any) is disposed with the result,
    /// or at once if the stream is rejected.
    /// </summary>
    public static ExpressionData Read(ReadOnlyMemory<byte> stream, string source, IDisposable? owner = null, MemoryAllocator? allocator = null)
    {
        try
        {
            var matrix = new MatrixBuilder(source);
            // The batches hold no resources of their own here (their buffers are views of the caller's memory).
            matrix.AddStream(stream, source, allocator, new StreamsOwner());
            return matrix.Build(owner);
        }
        catch
        {
            owner?.Dispose();
            throw;
        }
    }

    /// <summary>The files of a matrix: the file itself, or a directory's <c>*.arrows</c> in ordinal order (hidden files skipped).</summary>
    public static IReadOnlyList<string> Parts(string path)
    {
        if (Directory.Exists(path))
        {
            var parts = Directory.EnumerateFiles(path, "*" + Extension)
                .Where(p => !Path.GetFileName(p).StartsWith('.'))
                .Order(StringComparer.Ordinal)
                .ToArray();
            if (parts.Length == 0) throw new InputFormatException(path, null, $"the directory holds no *{Extension} parts");
            return parts;
        }
        if (!File.Exists(path)) throw new FileNotFoundException($"expression file '{path}' does not exist", path);
        return [path];
    }

    /// <summary>Accumulates the blocks and names of consecutive streams of one matrix.</summary>
    private sealed class MatrixBuilder(string source)
    {
        private ArrowExpressionSchema? _schema;
        private string _firstPart = "";
        private readonly List<CellBlock> _blocks = [];
        private readonly List<string> _cells = [];

        public void AddStream(ReadOnlyMemory<byte> memory, string part, MemoryAllocator? allocator, StreamsOwner owner)
        {
            var layout = ArrowStreamLayout.Scan(memory.Span, part);
            // The context only matters when an allocator is given (tests); without one the plain constructor skips
            // cloning the extension-type registry.
            using var reader = allocator is null ? new ArrowStreamReader(memory) : new ArrowStreamReader(new ArrowContext(allocator), memory);
            var schema = ArrowExpressionSchema.From(Guard(part, () => reader.Schema), part);
            if (_schema is null) { _schema = schema; _firstPart = part; }
            else _schema.CheckSamePart(schema, part, _firstPart);

            for (int b = 0; b < layout.Count; b++)
            {
                var l = layout[b];
                if (l.FieldNodes != schema.FieldNodes || l.Buffers != schema.Buffers)
                    throw new InputFormatException(part, null, $"corrupt Arrow stream: record batch {b + 1} has {l.FieldNodes} field nodes and {l.Buffers} buffers; its schema needs {schema.FieldNodes} and {schema.Buffers}");
                var batch = Guard(part, reader.ReadNextRecordBatch)
                    ?? throw new InputFormatException(part, null, $"corrupt Arrow stream: record batch {b + 1} could not be read");
                owner.Add(batch);
                Guard(part, () => AddBatch(batch, schema, part, b + 1));
            }
            if (Guard(part, reader.ReadNextRecordBatch) is not null)
                throw new InputFormatException(part, null, "corrupt Arrow stream: more record batches than messages");
        }

        private bool AddBatch(RecordBatch batch, ArrowExpressionSchema schema, string part, int index)
        {
            int rows = batch.Length;
            if (batch.ColumnCount != schema.Schema.FieldsList.Count)
                throw new InputFormatException(part, null, $"record batch {index} has {batch.ColumnCount} columns; the schema has {schema.Schema.FieldsList.Count} fields");
            for (int i = 0; i < batch.ColumnCount; i++)
                if (batch.Column(i).Length != rows)
                    throw new InputFormatException(part, null, $"record batch {index}: field {i + 1} '{schema.Schema.FieldsList[i].Name}' has {batch.Column(i).Length} values but the batch has {rows} rows; all columns of a batch must have its length", i + 1);
            if (schema.CellFieldIndex >= 0)
                AddCells(batch, schema.CellFieldIndex, part, index);
            if (rows == 0) return false;
            _blocks.Add(schema.IsCsr ? CsrBlock(batch, schema, part, index) : DenseBlock(batch, schema, part, index));
            return true;
        }

        private void AddCells(RecordBatch batch, int field, string part, int index)
        {
            var names = (StringArray)batch.Column(field);
            if (names.NullCount != 0)
                throw new InputFormatException(part, null, $"record batch {index}: field '{ArrowExpressionSchema.CellField}' has {names.NullCount} null cell names", field + 1);
            if (names.Length == 0) return;
            // Decoded here from checked spans: StringArray.GetString reads through a raw pointer at offsets it trusts.
            var offsets = Values<int>(names.ValueOffsetsBuffer, names.Offset, names.Length + 1, part, index, ArrowExpressionSchema.CellField).Span;
            var bytes = names.ValueBuffer.Span;
            for (int i = 0; i < names.Length; i++)
            {
                int start = offsets[i], end = offsets[i + 1];
                if (start < 0 || end < start || end > bytes.Length)
                    throw new InputFormatException(part, null, $"corrupt Arrow stream: record batch {index}: cell name {i + 1} spans bytes {start}..{end} of {bytes.Length}", field + 1);
                _cells.Add(Encoding.UTF8.GetString(bytes[start..end]));
            }
        }

        private static DenseCellBlock DenseBlock(RecordBatch batch, ArrowExpressionSchema schema, string part, int index)
        {
            var columns = new ReadOnlyMemory<float>[schema.Genes.Length];
            for (int g = 0; g < columns.Length; g++)
            {
                int field = schema.GeneFields[g];
                var array = (FloatArray)batch.Column(field);
                if (array.NullCount != 0)
                    throw new InputFormatException(part, null, $"record batch {index}: gene '{schema.Genes[g]}' has {array.NullCount} null values; gene columns must not have nulls (write 0 for no expression)", field + 1, schema.Genes[g]);
                columns[g] = Values<float>(array.ValueBuffer, array.Offset, array.Length, part, index, schema.Genes[g]);
            }
            return new DenseCellBlock(batch.Length, columns);
        }

        private static CsrCellBlock<int, int> CsrBlock(RecordBatch batch, ArrowExpressionSchema schema, string part, int index)
        {
            var indices = (ListArray)batch.Column(schema.IndicesFieldIndex);
            var data = (ListArray)batch.Column(schema.DataFieldIndex);
            foreach (var (list, name, field) in new[] { (indices, ArrowExpressionSchema.IndicesField, schema.IndicesFieldIndex), (data, ArrowExpressionSchema.DataField, schema.DataFieldIndex) })
            {
                if (list.NullCount != 0)
                    throw new InputFormatException(part, null, $"record batch {index}: field '{name}' has {list.NullCount} null lists; an empty cell is an empty list", field + 1);
                if (list.Values.NullCount != 0)
                    throw new InputFormatException(part, null, $"record batch {index}: field '{name}' has {list.Values.NullCount} null elements", field + 1);
            }
            var indptr = Values<int>(indices.ValueOffsetsBuffer, indices.Offset, indices.Length + 1, part, index, ArrowExpressionSchema.IndicesField);
            var dataPtr = Values<int>(data.ValueOffsetsBuffer, data.Offset, data.Length + 1, part, index, ArrowExpressionSchema.DataField);
            if (!indptr.Span.SequenceEqual(dataPtr.Span))
                throw new InputFormatException(part, null, $"record batch {index}: the list offsets of '{ArrowExpressionSchema.IndicesField}' and '{ArrowExpressionSchema.DataField}' differ; each cell's gene indices and values must pair up");
            var ic = (Int32Array)indices.Values;
            var dc = (FloatArray)data.Values;
            var idx = Values<int>(ic.ValueBuffer, ic.Offset, ic.Length, part, index, ArrowExpressionSchema.IndicesField);
            var val = Values<float>(dc.ValueBuffer, dc.Offset, dc.Length, part, index, ArrowExpressionSchema.DataField);
            if (idx.Length != val.Length)
                throw new InputFormatException(part, null, $"record batch {index}: '{ArrowExpressionSchema.IndicesField}' holds {idx.Length} values but '{ArrowExpressionSchema.DataField}' {val.Length}");
            CsrCellBlock<int, int> block;
            try
            {
                block = new CsrCellBlock<int, int>(batch.Length, schema.Genes.Length, indptr, idx, val, $"{part}: record batch {index}");
            }
            catch (ArgumentException e)
            {
                string m = e.ParamName is { } p ? e.Message.Replace($" (Parameter '{p}')", "", StringComparison.Ordinal) : e.Message;
                throw new InputFormatException(part, null, m.StartsWith(part + ": ", StringComparison.Ordinal) ? m[(part.Length + 2)..] : m);
            }
            // Gene indices are checked here, once, so that a bad file fails at load with its name rather than in a solver.
            int first = indptr.Span[0], last = indptr.Span[^1];
            if (last > first)
            {
                var used = idx.Span[first..last];
                int min = TensorPrimitives.Min(used), max = TensorPrimitives.Max(used);
                if (min < 0 || max >= schema.Genes.Length)
                    throw new InputFormatException(part, null, $"record batch {index}: gene index {(min < 0 ? min : max)} in '{ArrowExpressionSchema.IndicesField}' is outside 0..{schema.Genes.Length - 1} ({schema.Genes.Length} genes in {ArrowExpressionSchema.GenesKey})");
            }
            return block;
        }

        /// <summary>A typed view of an Arrow buffer's values [offset, offset + count): no copy, the same pages.</summary>
        private static ReadOnlyMemory<T> Values<T>(ArrowBuffer buffer, int offset, int count, string part, int index, string field) where T : unmanaged
        {
            int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
            long need = ((long)offset + count) * size;
            var bytes = buffer.Memory;
            if (count == 0) return ReadOnlyMemory<T>.Empty;
            if (bytes.Length < need)
                throw new InputFormatException(part, null, $"corrupt Arrow stream: record batch {index}: the buffer of '{field}' has {bytes.Length} bytes for {offset + count} values of {size} bytes");
            return bytes.Cast<byte, T>().Slice(offset, count);
        }

        public ExpressionData Build(IDisposable? owner)
        {
            var schema = _schema!;
            long cells = _blocks.Sum(b => (long)b.Rows);
            if (cells == 0) throw new InputFormatException(source, null, "no cells: the record batches have no rows");
            var blocks = new CellBlocks(schema.Genes.Length, _blocks);
            return ExpressionData.FromBlocks(source, schema.Genes, schema.CellFieldIndex >= 0 ? _cells.ToArray() : null, blocks, owner);
        }
    }

    /// <summary>Runs a step of Apache.Arrow's reader; anything it throws on bad bytes becomes a message naming the file.</summary>
    private static T Guard<T>(string part, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not (InputFormatException or OutOfMemoryException or ObjectDisposedException))
        {
            throw new InputFormatException(part, null, $"corrupt Arrow stream: {e.Message}");
        }
    }

    /// <summary>The mappings, record batches and other owners of one matrix, disposed in reverse order.</summary>
    private sealed class StreamsOwner : IDisposable
    {
        private readonly List<IDisposable> _owned = [];

        public void Add(IDisposable d) => _owned.Add(d);

        public void Dispose()
        {
            for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
            _owned.Clear();
        }
    }
}
