using System.Buffers;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using CommunityToolkit.HighPerformance;
using GrnFast.IO.Arrow;

namespace GrnFast.IO;

/// <summary>How <see cref="ArrowExpressionWriter"/> lays out a matrix.</summary>
public sealed record ArrowWriteOptions
{
    /// <summary>The most a part file may hold: each file is read as one memory view, which .NET limits to 2 GiB.</summary>
    public const long MaxPartBytes = int.MaxValue - (16L << 20);

    /// <summary>
    /// Cap on one dense record batch's body: the writer holds one batch in memory, while every batch costs a reader
    /// one array object per gene (a 4 GB matrix of 20,000 genes in 256 MB batches is 300,000 arrays, ~0.8 s to open).
    /// </summary>
    public const long MaxDenseBatchBytes = 512L << 20;

    /// <summary>Cap on cells x genes of one sparse batch: a reader densifies one batch at a time (64 MB of float32).</summary>
    public const long MaxSparseBatchValues = 16L << 20;

    /// <summary>At most this many cells per record batch (lowered to respect the byte caps above).</summary>
    public int BatchCells { get; init; } = 65536;

    /// <summary>
    /// Output larger than this is written as parts (<c>part-00000.arrows</c>, ...) of at most this size in a directory
    /// named as the output; otherwise as one file.
    /// </summary>
    public long PartBytes { get; init; } = 1L << 30;

    /// <summary>CSR layout (<c>indices</c>/<c>data</c> list columns, genes in schema metadata) instead of one column per gene.</summary>
    public bool Sparse { get; init; }

    public void Validate()
    {
        if (BatchCells < 1) throw new ArgumentOutOfRangeException(nameof(BatchCells), BatchCells, "at least 1 cell per batch");
        if (PartBytes < 1 << 10 || PartBytes > MaxPartBytes)
            throw new ArgumentOutOfRangeException(nameof(PartBytes), PartBytes, $"part size must be 1 KiB .. {MaxPartBytes} bytes (a part is mapped as one view of at most 2 GiB)");
    }
}

/// <summary>What <see cref="ArrowExpressionWriter.Write(ExpressionData, string, ArrowWriteOptions?, CancellationToken)"/> wrote.</summary>
/// <param name="IsDirectory">True when the output is a directory of parts.</param>
/// <param name="BatchCells">Cells per record batch (the last of each part may have fewer).</param>
/// <param name="NonZeros">Stored values of a sparse output; cells x genes for dense.</param>
public sealed record ArrowWriteResult(string Path, bool IsDirectory, int Parts, int Batches, int BatchCells, long Bytes, bool Sparse, long NonZeros);

/// <summary>
/// Writes a cells x genes matrix as Arrow IPC streams that <see cref="ArrowExpressionReader"/> maps without copying:
/// dense, one non-nullable float32 field per gene named by the gene (and a utf8 field <c>_cell</c> first when the data
/// has cell names), or CSR (<see cref="ArrowWriteOptions.Sparse"/>: fields <c>indices: list&lt;int32&gt;</c> and
/// <c>data: list&lt;float32&gt;</c>, one list per cell, exact zeros omitted, genes in schema metadata
/// <c>grnfast.genes</c>). Record batches hold at most <see cref="ArrowWriteOptions.BatchCells"/> cells; output beyond
/// <see cref="ArrowWriteOptions.PartBytes"/> becomes a directory of parts. Written atomically: on any failure nothing
/// is left at the path (an existing output stays as it was).
/// </summary>
public static class ArrowExpressionWriter
{
    public static ArrowWriteResult Write(ExpressionData data, string path, ArrowWriteOptions? options = null, CancellationToken cancellation = default)
        => Write(data, path, options, cancellation, ArrayPool<float>.Shared);

    /// <param name="pool">Where the batch buffer is rented from (and returned to, whatever happens).</param>
    internal static ArrowWriteResult Write(ExpressionData data, string path, ArrowWriteOptions? options, CancellationToken cancellation, ArrayPool<float> pool)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new ArrowWriteOptions();
        options.Validate();
        CheckNames(data, options.Sparse);
        var schema = options.Sparse ? SparseSchema(data) : DenseSchema(data);
        int batchCells = BatchCells(data, options, schema);

        var parts = 0;
        var batches = 0;
        long bytes = 0, nonZeros = 0;
        bool isDirectory = AtomicOutput.WriteFileOrDirectory(path, dir =>
        {
            using var cursor = new CellCursor(data);
            using var sink = new PartSink(dir, schema, options.PartBytes);
            float[] buffer = pool.Rent(checked(batchCells * data.Genes));
            try
            {
                for (int first = 0; first < data.Cells; first += batchCells)
                {
                    cancellation.ThrowIfCancellationRequested();
                    int rows = Math.Min(batchCells, data.Cells - first);
                    cursor.Read(rows, buffer);
                    var cells = data.CellNames is { } names ? CellNames(names, first, rows) : null;
                    if (options.Sparse) nonZeros += WriteSparse(sink, schema, data.Genes, rows, buffer, cells);
                    else WriteDense(sink, schema, data.Genes, rows, buffer, cells);
                    batches++;
                }
                sink.Finish();
                parts = sink.Parts;
                bytes = sink.TotalBytes;
            }
            finally
            {
                pool.Return(buffer);
            }
        });
        return new ArrowWriteResult(path, isDirectory, parts, batches, batchCells, bytes, options.Sparse, options.Sparse ? nonZeros : (long)data.Cells * data.Genes);
    }

    /// <summary>The part file name of index <paramref name="part"/>: zero-padded, so ordinal order is part order.</summary>
    public static string PartName(int part) => $"part-{part:D5}{ArrowExpressionReader.Extension}";

    private static void CheckNames(ExpressionData data, bool sparse)
    {
        for (int g = 0; g < data.Genes; g++)
        {
            string name = data.GeneNames[g];
            if (!sparse && name == ArrowExpressionSchema.CellField)
                throw new InputFormatException(data.Source, null, $"gene {g + 1} is named '{ArrowExpressionSchema.CellField}', the name of the cell-name field; rename it", g + 1, name);
            if (sparse && name.Contains('\n'))
                throw new InputFormatException(data.Source, null, $"gene {g + 1} has a line break in its name; the CSR layout lists genes one per line", g + 1, name);
        }
    }

    private static Schema DenseSchema(ExpressionData data)
    {
        var b = new Schema.Builder();
        if (data.CellNames is not null) b.Field(new Field(ArrowExpressionSchema.CellField, StringType.Default, nullable: false));
        foreach (var g in data.GeneNames) b.Field(new Field(g, FloatType.Default, nullable: false));
        b.Metadata(ArrowExpressionSchema.LayoutKey, ArrowExpressionSchema.DenseLayout);
        return b.Build();
    }

    private static Schema SparseSchema(ExpressionData data)
    {
        var b = new Schema.Builder();
        if (data.CellNames is not null) b.Field(new Field(ArrowExpressionSchema.CellField, StringType.Default, nullable: false));
        b.Field(new Field(ArrowExpressionSchema.IndicesField, new ListType(Int32Type.Default), nullable: false));
        b.Field(new Field(ArrowExpressionSchema.DataField, new ListType(FloatType.Default), nullable: false));
        b.Metadata(ArrowExpressionSchema.LayoutKey, ArrowExpressionSchema.CsrLayout);
        b.Metadata(ArrowExpressionSchema.GenesKey, string.Join('\n', data.GeneNames));
        return b.Build();
    }

    /// <summary>Cells per batch: the option, lowered so a batch respects the byte caps and fits in one part.</summary>
    private static int BatchCells(ExpressionData data, ArrowWriteOptions options, Schema schema)
    {
        long genes = Math.Max(1, data.Genes);
        long cap;
        if (options.Sparse) cap = ArrowWriteOptions.MaxSparseBatchValues / genes;
        else
        {
            // Two batches per part where they fit: batches of just over half a part would leave every part half empty.
            int fields = schema.FieldsList.Count;
            long room = options.PartBytes - SchemaBytes(schema) - 16, meta = MetadataBytes(fields, 2 * fields + 1);
            long body = room / 2 - meta >= 4 * genes ? room / 2 - meta : room - meta;
            cap = Math.Min(ArrowWriteOptions.MaxDenseBatchBytes, body) / (4 * genes);
        }
        long cells = Math.Clamp(Math.Min(options.BatchCells, cap), 1, Math.Max(1, data.Cells));
        if (cells * genes > System.Array.MaxLength)
            throw new InputFormatException(data.Source, null, $"one cell of {genes} genes is too large to write");
        return (int)cells;
    }

    /// <summary>A generous estimate of the schema message (per field: its name and a type table).</summary>
    private static long SchemaBytes(Schema schema)
        => 1024 + schema.FieldsList.Sum(f => 96L + 3 * f.Name.Length) + (schema.HasMetadata ? schema.Metadata.Sum(kv => 64L + kv.Key.Length + 3L * kv.Value.Length) : 0);

    private static string[] CellNames(IReadOnlyList<string> names, int first, int rows)
    {
        var a = new string[rows];
        for (int i = 0; i < rows; i++) a[i] = names[first + i];
        return a;
    }

    private static void WriteDense(PartSink sink, Schema schema, int genes, int rows, float[] buffer, string[]? cells)
    {
        var arrays = new List<IArrowArray>(genes + 1);
        long body = 0;
        if (cells is not null) body += AddCells(arrays, cells);
        for (int g = 0; g < genes; g++)
        {
            // The batch's columns are views of the buffer: the writer copies them once, into the file.
            var values = new ArrowBuffer(buffer.AsMemory(g * rows, rows).AsBytes());
            arrays.Add(new FloatArray(values, ArrowBuffer.Empty, rows, 0, 0));
            body += Pad8(4L * rows);
        }
        using var batch = new RecordBatch(schema, arrays, rows);
        sink.Write(batch, body + MetadataBytes(schema.FieldsList.Count, 2 * schema.FieldsList.Count + 1));
    }

    private static long WriteSparse(PartSink sink, Schema schema, int genes, int rows, float[] buffer, string[]? cells)
    {
        var dense = buffer.AsSpan(0, rows * genes);
        var offsets = new int[rows + 1];
        long nnz = 0;
        for (int r = 0; r < rows; r++)
        {
            for (int g = 0; g < genes; g++) if (dense[g * rows + r] != 0) nnz++;
            offsets[r + 1] = (int)nnz;
        }
        var indices = new int[nnz];
        var values = new float[nnz];
        int k = 0;
        for (int r = 0; r < rows; r++)
            for (int g = 0; g < genes; g++)
            {
                float v = dense[g * rows + r];
                if (v == 0) continue;
                indices[k] = g;
                values[k++] = v;
            }
        var arrays = new List<IArrowArray>(3);
        long body = 0;
        if (cells is not null) body += AddCells(arrays, cells);
        var offsetBuffer = new ArrowBuffer(offsets.AsMemory().AsBytes());
        var indexArray = new Int32Array(new ArrowBuffer(indices.AsMemory().AsBytes()), ArrowBuffer.Empty, (int)nnz, 0, 0);
        var valueArray = new FloatArray(new ArrowBuffer(values.AsMemory().AsBytes()), ArrowBuffer.Empty, (int)nnz, 0, 0);
        arrays.Add(new ListArray(schema.GetFieldByName(ArrowExpressionSchema.IndicesField).DataType, rows, offsetBuffer, indexArray, ArrowBuffer.Empty));
        arrays.Add(new ListArray(schema.GetFieldByName(ArrowExpressionSchema.DataField).DataType, rows, offsetBuffer, valueArray, ArrowBuffer.Empty));
        body += 2 * Pad8(4L * (rows + 1)) + 2 * Pad8(4 * nnz);
        using var batch = new RecordBatch(schema, arrays, rows);
        sink.Write(batch, body + MetadataBytes(5, 11));
        return nnz;
    }

    private static long AddCells(List<IArrowArray> arrays, string[] cells)
    {
        var names = new StringArray.Builder().AppendRange(cells).Build();
        arrays.Add(names);
        return Pad8(4L * (cells.Length + 1)) + Pad8(names.ValueBuffer.Length);
    }

    private static long Pad8(long n) => (n + 7) & ~7L;

    private static long MetadataBytes(int nodes, int buffers) => 512 + 16L * (nodes + buffers);

    /// <summary>Streams record batches into numbered part files, starting a new part when the next batch would overflow one.</summary>
    private sealed class PartSink(string directory, Schema schema, long partBytes) : IDisposable
    {
        private FileStream? _file;
        private ArrowStreamWriter? _writer;
        private int _batchesInPart;
        private long _closedBytes;

        public int Parts { get; private set; }

        public long TotalBytes => _closedBytes + (_file?.Position ?? 0);

        /// <param name="estimate">The batch's size in the stream, over-estimated a little.</param>
        public void Write(RecordBatch batch, long estimate)
        {
            if (_writer is not null && _batchesInPart > 0 && _file!.Position + estimate + 8 > partBytes) ClosePart();
            if (_writer is null) OpenPart();
            _writer!.WriteRecordBatch(batch);
            _batchesInPart++;
            if (_file!.Position > ArrowWriteOptions.MaxPartBytes)
                throw new InvalidOperationException($"part {Parts - 1} grew to {_file.Position} bytes, past the 2 GiB a reader can map");
        }

        public void Finish()
        {
            if (_writer is null) OpenPart(); // an empty matrix is still a schema
            ClosePart();
        }

        private void OpenPart()
        {
            _file = new FileStream(Path.Combine(directory, PartName(Parts)), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
            _writer = new ArrowStreamWriter(_file, schema, leaveOpen: true);
            _writer.WriteStart();
            _batchesInPart = 0;
            Parts++;
        }

        private void ClosePart()
        {
            _writer!.WriteEnd();
            _writer.Dispose();
            _file!.Flush();
            _closedBytes += _file.Position;
            _file.Dispose();
            _writer = null;
            _file = null;
        }

        public void Dispose()
        {
            _writer?.Dispose();
            _file?.Dispose();
        }
    }
}
