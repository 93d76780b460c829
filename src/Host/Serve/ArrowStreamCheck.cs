using System.Buffers.Binary;
using System.Text;

namespace GrnFast.Host.Serve;

/// <summary>An inline Arrow stream is malformed; <see cref="Field"/> and <see cref="Batch"/> say where, when known.</summary>
internal sealed class ArrowFormatException(string message, string? field = null, int? batch = null) : Exception(message)
{
    public string? Field { get; } = field;
    public int? Batch { get; } = batch;
}

/// <summary>
/// Walks the messages of an untrusted Arrow IPC stream before Apache.Arrow reads it. Apache.Arrow trusts the counts
/// in the FlatBuffers metadata: it sizes arrays by them and recurses into child fields, so one corrupt count could
/// make it allocate gigabytes or recurse until the stack overflows (which no catch survives). This walk bounds
/// every offset and count by the bytes present, accepts only flat columns (no children, no dictionaries, no
/// compression) and requires each batch to declare one node per field and every buffer inside its body; what
/// Apache.Arrow reads afterwards is then bounded by the payload.
/// </summary>
internal static class ArrowStreamCheck
{
    private const int HeaderSchema = 1, HeaderDictionaryBatch = 2, HeaderRecordBatch = 3;
    private const int TypeInt = 2, TypeFloatingPoint = 3, TypeBinary = 4, TypeUtf8 = 5, TypeBool = 6;

    private static readonly string[] TypeNames =
    [
        "NONE", "Null", "Int", "FloatingPoint", "Binary", "Utf8", "Bool", "Decimal", "Date", "Time", "Timestamp", "Interval",
        "List", "Struct", "Union", "FixedSizeBinary", "FixedSizeList", "Map", "Duration", "LargeBinary", "LargeUtf8",
        "LargeList", "RunEndEncoded", "BinaryView", "Utf8View", "ListView", "LargeListView",
    ];

    /// <summary>Throws <see cref="ArrowFormatException"/> unless <paramref name="stream"/> is a well-formed stream of flat columns.</summary>
    public static void Validate(ReadOnlySpan<byte> stream)
    {
        int pos = 0;
        int[]? buffersPerField = null;
        string[] names = [];
        int batch = 0;
        while (true)
        {
            // The end as Apache.Arrow's reader sees it: after the schema, four bytes or fewer left end the stream.
            if (buffersPerField is not null && stream.Length <= pos + 4) return;
            if (stream.Length < pos + 4) throw new ArrowFormatException(stream.Length == 0 ? "the stream is empty (no schema)" : "the stream ends before its schema");
            int length = BinaryPrimitives.ReadInt32LittleEndian(stream[pos..]);
            pos += 4;
            if (length == -1)
            {
                if (stream.Length < pos + 4) throw new ArrowFormatException("the stream ends after a continuation marker");
                length = BinaryPrimitives.ReadInt32LittleEndian(stream[pos..]);
                pos += 4;
            }
            if (length == 0)
            {
                if (buffersPerField is null) throw new ArrowFormatException("the stream ends before its schema");
                return;
            }
            string which = buffersPerField is null ? "the schema message" : $"message {batch + 1}";
            if (length < 0 || length > stream.Length - pos)
                throw new ArrowFormatException($"{which} declares {length} metadata bytes; {stream.Length - pos} remain", batch: buffersPerField is null ? null : batch);
            var message = stream.Slice(pos, length);
            pos += length;

            var m = Table(message, Root(message), which);
            int headerType = U8(message, m, 1, 0);
            int header = Indirect(message, m, 2, which);
            long bodyLength = I64(message, m, 3, 0);
            if (header < 0) throw new ArrowFormatException($"{which} has no header");
            if (bodyLength < 0 || bodyLength > stream.Length - pos)
                throw new ArrowFormatException($"{which} declares a body of {bodyLength} bytes; {stream.Length - pos} remain", batch: buffersPerField is null ? null : batch);

            if (buffersPerField is null)
            {
                if (headerType != HeaderSchema) throw new ArrowFormatException($"the first message is not a schema (message type {headerType})");
                if (bodyLength != 0) throw new ArrowFormatException("the schema message declares a body");
                (buffersPerField, names) = Schema(message, Table(message, header, "the schema"));
                continue;
            }
            if (headerType == HeaderDictionaryBatch) throw new ArrowFormatException("dictionary batches are not supported (write plain columns)", batch: batch);
            if (headerType != HeaderRecordBatch) throw new ArrowFormatException($"message {batch + 1} is not a record batch (message type {headerType})", batch: batch);
            RecordBatch(message, Table(message, header, which), bodyLength, buffersPerField, names, batch);
            pos += (int)bodyLength;
            batch++;
        }
    }

    private static (int[] BuffersPerField, string[] Names) Schema(ReadOnlySpan<byte> b, TablePos schema)
    {
        if (I16(b, schema, 0, 0) != 0) throw new ArrowFormatException("big-endian streams are not supported");
        int vector = Indirect(b, schema, 1, "the schema's fields");
        if (vector < 0) return ([], []);
        var (start, count) = Vector(b, vector, 4, "the schema's fields");
        var buffers = new int[count];
        var names = new string[count];
        for (int i = 0; i < count; i++)
        {
            int element = start + 4 * i;
            var field = Table(b, element + (long)U32(b, element), $"field {i}");
            int name = Indirect(b, field, 0, $"the name of field {i}");
            if (name < 0) throw new ArrowFormatException($"field {i} has no name");
            var (nameStart, nameLength) = Vector(b, name, 1, $"the name of field {i}");
            names[i] = Encoding.UTF8.GetString(b.Slice(nameStart, nameLength));
            int type = U8(b, field, 2, 0);
            if (Indirect(b, field, 4, names[i]) >= 0)
                throw new ArrowFormatException($"field '{names[i]}' is dictionary-encoded; inline streams hold plain columns", names[i]);
            int children = Indirect(b, field, 5, names[i]);
            if (children >= 0 && Vector(b, children, 4, names[i]).Count != 0 || type is not (TypeInt or TypeFloatingPoint or TypeBinary or TypeUtf8 or TypeBool))
                throw new ArrowFormatException($"field '{names[i]}' has Arrow type {(type < TypeNames.Length ? TypeNames[type] : $"#{type}")}; inline streams hold flat columns (float32, float64, utf8)", names[i]);
            if (type is TypeInt or TypeFloatingPoint)
            {
                int typeTable = Indirect(b, field, 3, names[i]);
                if (typeTable < 0) throw new ArrowFormatException($"field '{names[i]}' does not describe its type", names[i]);
                Table(b, typeTable, names[i]);
            }
            CheckMetadata(b, field, 6, names[i]);
            buffers[i] = type is TypeUtf8 or TypeBinary ? 3 : 2;
        }
        CheckMetadata(b, schema, 2, "the schema");
        return (buffers, names);
    }

    private static void RecordBatch(ReadOnlySpan<byte> b, TablePos batch, long bodyLength, int[] buffersPerField, string[] names, int index)
    {
        string which = $"record batch {index}";
        long rows = I64(b, batch, 0, 0);
        if (rows is < 0 or > int.MaxValue) throw new ArrowFormatException($"{which} declares {rows} rows", batch: index);
        if (Indirect(b, batch, 3, which) >= 0)
            throw new ArrowFormatException($"{which} is compressed; inline streams must be written uncompressed", batch: index);
        int nodesAt = Indirect(b, batch, 1, which);
        var (nodes, nodeCount) = nodesAt < 0 ? (0, 0) : Vector(b, nodesAt, 16, $"the field nodes of {which}");
        if (nodeCount != buffersPerField.Length)
            throw new ArrowFormatException($"{which} has {nodeCount} field nodes for {buffersPerField.Length} fields", batch: index);
        for (int i = 0; i < nodeCount; i++)
        {
            long length = BinaryPrimitives.ReadInt64LittleEndian(b[(nodes + 16 * i)..]);
            long nulls = BinaryPrimitives.ReadInt64LittleEndian(b[(nodes + 16 * i + 8)..]);
            if (length is < 0 or > int.MaxValue || nulls < 0 || nulls > length)
                throw new ArrowFormatException($"field '{names[i]}' in {which} declares {length} values and {nulls} nulls", names[i], index);
        }
        int expected = buffersPerField.Sum();
        int buffersAt = Indirect(b, batch, 2, which);
        var (buffers, bufferCount) = buffersAt < 0 ? (0, 0) : Vector(b, buffersAt, 16, $"the buffers of {which}");
        if (bufferCount != expected)
            throw new ArrowFormatException($"{which} has {bufferCount} buffers; its fields need {expected}", batch: index);
        for (int i = 0; i < bufferCount; i++)
        {
            long offset = BinaryPrimitives.ReadInt64LittleEndian(b[(buffers + 16 * i)..]);
            long length = BinaryPrimitives.ReadInt64LittleEndian(b[(buffers + 16 * i + 8)..]);
            if (offset < 0 || length < 0 || offset > bodyLength - length)
                throw new ArrowFormatException($"buffer {i} of {which} ({length} bytes at {offset}) lies outside its {bodyLength}-byte body", batch: index);
        }
    }

    /// <summary>A key-value list (custom metadata): only its bounds matter here.</summary>
    private static void CheckMetadata(ReadOnlySpan<byte> b, TablePos table, int slot, string what)
    {
        int at = Indirect(b, table, slot, what);
        if (at < 0) return;
        var (start, count) = Vector(b, at, 4, $"the metadata of {what}");
        for (int i = 0; i < count; i++)
        {
            int element = start + 4 * i;
            var kv = Table(b, element + (long)U32(b, element), $"the metadata of {what}");
            for (int s = 0; s < 2; s++)
            {
                int text = Indirect(b, kv, s, what);
                if (text >= 0) Vector(b, text, 1, $"the metadata of {what}");
            }
        }
    }

    /// <summary>A FlatBuffers table: its position, its vtable's position and size, and the table's inline size.</summary>
    private readonly record struct TablePos(int At, int VTable, int VTableSize, int Size);

    private static int Root(ReadOnlySpan<byte> b)
    {
        if (b.Length < 4) throw new ArrowFormatException("a message is shorter than its root offset");
        return (int)Math.Min(U32(b, 0), int.MaxValue);
    }

    private static TablePos Table(ReadOnlySpan<byte> b, long at, string what)
    {
        if (at < 0 || at > b.Length - 4) throw new ArrowFormatException($"{what}: a table offset points outside the metadata");
        int table = (int)at;
        long vtable = table - (long)BinaryPrimitives.ReadInt32LittleEndian(b[table..]);
        if (vtable < 0 || vtable > b.Length - 4) throw new ArrowFormatException($"{what}: a vtable offset points outside the metadata");
        int vsize = BinaryPrimitives.ReadUInt16LittleEndian(b[(int)vtable..]);
        int size = BinaryPrimitives.ReadUInt16LittleEndian(b[((int)vtable + 2)..]);
        if (vsize < 4 || (vsize & 1) != 0 || vtable + vsize > b.Length || size < 4 || table + (long)size > b.Length)
            throw new ArrowFormatException($"{what}: a table's layout lies outside the metadata");
        return new TablePos(table, (int)vtable, vsize, size);
    }

    /// <summary>The position of a field of <paramref name="width"/> bytes, or -1 when absent.</summary>
    private static int Slot(ReadOnlySpan<byte> b, TablePos t, int slot, int width)
    {
        int entry = 4 + 2 * slot;
        if (entry + 2 > t.VTableSize) return -1;
        int offset = BinaryPrimitives.ReadUInt16LittleEndian(b[(t.VTable + entry)..]);
        if (offset == 0) return -1;
        if (offset + width > t.Size) throw new ArrowFormatException("a table field lies outside its table");
        return t.At + offset;
    }

    private static int U8(ReadOnlySpan<byte> b, TablePos t, int slot, int absent) => Slot(b, t, slot, 1) is var p and >= 0 ? b[p] : absent;

    private static int I16(ReadOnlySpan<byte> b, TablePos t, int slot, int absent)
        => Slot(b, t, slot, 2) is var p and >= 0 ? BinaryPrimitives.ReadInt16LittleEndian(b[p..]) : absent;

    private static long I64(ReadOnlySpan<byte> b, TablePos t, int slot, long absent)
        => Slot(b, t, slot, 8) is var p and >= 0 ? BinaryPrimitives.ReadInt64LittleEndian(b[p..]) : absent;

    /// <summary>The target of an offset field (table, vector or string), or -1 when absent.</summary>
    private static int Indirect(ReadOnlySpan<byte> b, TablePos t, int slot, string what)
    {
        int p = Slot(b, t, slot, 4);
        if (p < 0) return -1;
        long target = p + (long)U32(b, p);
        if (target > b.Length - 4) throw new ArrowFormatException($"{what}: an offset points outside the metadata");
        return (int)target;
    }

    /// <summary>A vector's first element and count, its elements all inside the metadata.</summary>
    private static (int Start, int Count) Vector(ReadOnlySpan<byte> b, int at, int elementSize, string what)
    {
        long count = U32(b, at);
        long start = at + 4L;
        if (count > (b.Length - start) / elementSize) throw new ArrowFormatException($"{what}: a vector of {count} elements runs past the metadata");
        return ((int)start, (int)count);
    }

    private static uint U32(ReadOnlySpan<byte> b, int at)
    {
        if (at < 0 || at > b.Length - 4) throw new ArrowFormatException("an offset points outside the metadata");
        return BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);
    }
}
