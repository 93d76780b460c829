using System.Buffers.Binary;

namespace GrnFast.IO.Arrow;

/// <summary>The framing of one record batch in an Arrow IPC stream, as checked by <see cref="ArrowStreamLayout"/>.</summary>
internal readonly record struct RecordBatchLayout(long Rows, int FieldNodes, int Buffers, long BodyOffset, long BodyLength);

/// <summary>
/// Walks the messages of an Arrow IPC stream (encapsulated messages: optional 0xFFFFFFFF continuation, int32 metadata
/// length, flatbuffer metadata, body) before Apache.Arrow parses them, so that a bad file gets a message naming what is
/// wrong instead of an exception from deep inside a reader: a truncated message or body, a missing end-of-stream marker,
/// compressed bodies, dictionary batches, big-endian data, buffers outside their body.
/// </summary>
internal static class ArrowStreamLayout
{
    private const int Continuation = -1;

    // Flatbuffer slots (field order in Arrow's Message.fbs / Schema.fbs).
    private const int MessageVersion = 0, MessageHeaderType = 1, MessageHeader = 2, MessageBodyLength = 3;
    private const int BatchLength = 0, BatchNodes = 1, BatchBuffers = 2, BatchCompression = 3;
    private const int SchemaEndianness = 0, SchemaFields = 1, SchemaMetadata = 2;
    private const byte HeaderSchema = 1, HeaderDictionaryBatch = 2, HeaderRecordBatch = 3;
    private const short MetadataV4 = 3, MetadataV5 = 4;

    /// <summary>Checks the whole stream; returns its record batches in order.</summary>
    /// <param name="source">The file (or stream name) for messages.</param>
    public static IReadOnlyList<RecordBatchLayout> Scan(ReadOnlySpan<byte> stream, string source)
    {
        if (stream.IsEmpty) throw new InputFormatException(source, null, "the file is empty");
        if (stream.StartsWith("ARROW1"u8))
            throw new InputFormatException(source, null, "this is an Arrow IPC file (random-access format, magic ARROW1), not a stream; write the stream format (.arrows: pyarrow ipc.new_stream, arrow-js RecordBatchStreamWriter)");
        var batches = new List<RecordBatchLayout>();
        long pos = 0;
        int message = 0;
        while (true)
        {
            string where = message == 0 ? "the schema message" : $"message {message + 1} (after {batches.Count} record batches)";
            if (pos == stream.Length)
                throw new InputFormatException(source, null, message == 0
                    ? "the file is empty"
                    : $"truncated: the stream ends after {batches.Count} record batches without the end-of-stream marker (0xFFFFFFFF 0x00000000)");
            if (pos + 4 > stream.Length) throw Truncated(source, where, pos, 4, stream.Length);
            int length = BinaryPrimitives.ReadInt32LittleEndian(stream[(int)pos..]);
            pos += 4;
            if (length == Continuation)
            {
                if (pos + 4 > stream.Length) throw Truncated(source, where, pos, 4, stream.Length);
                length = BinaryPrimitives.ReadInt32LittleEndian(stream[(int)pos..]);
                pos += 4;
            }
            if (length == 0)
            {
                if (message == 0) throw new InputFormatException(source, null, "not an Arrow IPC stream: it ends before the schema");
                if (pos != stream.Length)
                    throw new InputFormatException(source, null, $"{stream.Length - pos} bytes follow the end-of-stream marker at byte {pos - 8} (several streams concatenated? write parts into a directory instead)");
                return batches;
            }
            if (length < 0) throw Corrupt(source, where, $"has a negative metadata length ({length})", message == 0);
            if (pos + length > stream.Length)
                throw message == 0
                    ? new InputFormatException(source, null, $"not an Arrow IPC stream, or truncated: the schema message needs bytes {pos}..{pos + length} but the file has {stream.Length}")
                    : Truncated(source, where, pos, length, stream.Length);

            var metadata = stream.Slice((int)pos, length);
            pos += length;
            byte header;
            long bodyLength;
            try
            {
                var m = FlatbufferTable.Root(metadata);
                short version = m.Int16(MessageVersion, 0);
                if (version is not (MetadataV4 or MetadataV5))
                    throw Corrupt(source, where, $"has metadata version {version + 1}; Arrow 1.0 and later (V4, V5) is supported", message == 0);
                header = m.UInt8(MessageHeaderType, 0);
                bodyLength = m.Int64(MessageBodyLength, 0);
                if (bodyLength < 0) throw Corrupt(source, where, $"declares a body of {bodyLength} bytes", false);
                if (!m.TryTable(MessageHeader, out var table) && header != 0)
                    throw Corrupt(source, where, "has no header", message == 0);
                if (message == 0 && header != HeaderSchema)
                    throw new InputFormatException(source, null, $"not an Arrow IPC stream: the first message is not a schema (header type {header}); an Arrow IPC file (.arrow, magic ARROW1) must be converted to the stream format");
                switch (header)
                {
                    case HeaderSchema when message == 0:
                        CheckSchema(table, source);
                        break;
                    case HeaderSchema:
                        throw Corrupt(source, where, "is a second schema", false);
                    case HeaderDictionaryBatch:
                        throw new InputFormatException(source, null, $"{where} is a dictionary batch: dictionary-encoded fields are not supported (write plain utf8 and float32 columns)");
                    case HeaderRecordBatch:
                        if (pos + bodyLength > stream.Length) throw Truncated(source, $"the body of record batch {batches.Count + 1}", pos, bodyLength, stream.Length);
                        batches.Add(CheckRecordBatch(table, source, batches.Count + 1, pos, bodyLength));
                        break;
                    default:
                        throw Corrupt(source, where, $"has header type {header}, not a schema or a record batch (tensors are not expression data)", false);
                }
            }
            catch (InvalidDataException e)
            {
                throw Corrupt(source, where, $"has corrupt metadata: {e.Message}", message == 0);
            }
            if (pos + bodyLength > stream.Length) throw Truncated(source, $"the body of {where}", pos, bodyLength, stream.Length);
            pos += bodyLength;
            message++;
        }
    }

    private static void CheckSchema(FlatbufferTable schema, string source)
    {
        if (schema.Int16(SchemaEndianness, 0) != 0)
            throw new InputFormatException(source, null, "the stream is big-endian; only little-endian Arrow data is supported");
        schema.Vector(SchemaFields, 4, out _);
        schema.Vector(SchemaMetadata, 4, out _);
    }

    private static RecordBatchLayout CheckRecordBatch(FlatbufferTable batch, string source, int index, long bodyOffset, long bodyLength)
    {
        if (batch.Has(BatchCompression))
            throw new InputFormatException(source, null, $"record batch {index}: compressed Arrow bodies are not supported; write uncompressed (e.g. pyarrow: ipc.new_stream(..., options=ipc.IpcWriteOptions(compression=None)))");
        long rows = batch.Int64(BatchLength, 0);
        if (rows < 0 || rows > int.MaxValue) throw new InputFormatException(source, null, $"record batch {index}: corrupt: {rows} rows");
        batch.Vector(BatchNodes, 16, out int nodes);
        var buffers = batch.Vector(BatchBuffers, 16, out int bufferCount);
        for (int b = 0; b < bufferCount; b++)
        {
            long offset = BinaryPrimitives.ReadInt64LittleEndian(buffers[(16 * b)..]);
            long length = BinaryPrimitives.ReadInt64LittleEndian(buffers[(16 * b + 8)..]);
            if (offset < 0 || length < 0 || offset + length > bodyLength)
                throw new InputFormatException(source, null, $"record batch {index}: corrupt: buffer {b} spans bytes {offset}..{offset + length} of a {bodyLength}-byte body");
        }
        return new RecordBatchLayout(rows, nodes, bufferCount, bodyOffset, bodyLength);
    }

    private static InputFormatException Truncated(string source, string what, long pos, long need, long size)
        => new(source, null, $"truncated: {what} needs bytes {pos}..{pos + need} but the file has {size}");

    private static InputFormatException Corrupt(string source, string what, string detail, bool first)
        => new(source, null, first ? $"not an Arrow IPC stream: {what} {detail}" : $"corrupt Arrow stream: {what} {detail}");
}
