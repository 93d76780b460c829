using System.Buffers.Binary;

namespace GrnFast.IO.Arrow;

/// <summary>
/// A bounds-checked view of one FlatBuffers table, enough to check Arrow IPC message metadata before Apache.Arrow
/// parses it (its generated readers trust the bytes and are internal). Every read checks that it lies inside the
/// buffer; a violation throws <see cref="InvalidDataException"/>, which the caller turns into a message naming the file.
/// </summary>
internal readonly ref struct FlatbufferTable
{
    private readonly ReadOnlySpan<byte> _bytes;
    private readonly int _table;
    private readonly int _vtable;
    private readonly int _vtableSize;

    private FlatbufferTable(ReadOnlySpan<byte> bytes, long table)
    {
        Need(bytes, table, 4);
        long vtable = table - BinaryPrimitives.ReadInt32LittleEndian(bytes[(int)table..]);
        Need(bytes, vtable, 4);
        int size = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(int)vtable..]);
        if (size < 4 || size % 2 != 0) throw new InvalidDataException($"a table's vtable has size {size}");
        Need(bytes, vtable, size);
        _bytes = bytes;
        _table = (int)table;
        _vtable = (int)vtable;
        _vtableSize = size;
    }

    /// <summary>The root table of a buffer (its first 4 bytes are the offset of the root).</summary>
    public static FlatbufferTable Root(ReadOnlySpan<byte> bytes)
    {
        Need(bytes, 0, 4);
        return new FlatbufferTable(bytes, BinaryPrimitives.ReadUInt32LittleEndian(bytes));
    }

    /// <summary>True when field <paramref name="slot"/> (0-based, in schema order) is present.</summary>
    public bool Has(int slot) => FieldPosition(slot) != 0;

    public byte UInt8(int slot, byte absent)
    {
        int p = FieldPosition(slot);
        if (p == 0) return absent;
        Need(_bytes, p, 1);
        return _bytes[p];
    }

    public short Int16(int slot, short absent)
    {
        int p = FieldPosition(slot);
        if (p == 0) return absent;
        Need(_bytes, p, 2);
        return BinaryPrimitives.ReadInt16LittleEndian(_bytes[p..]);
    }

    public long Int64(int slot, long absent)
    {
        int p = FieldPosition(slot);
        if (p == 0) return absent;
        Need(_bytes, p, 8);
        return BinaryPrimitives.ReadInt64LittleEndian(_bytes[p..]);
    }

    /// <summary>The sub-table in field <paramref name="slot"/>; false when the field is absent.</summary>
    public bool TryTable(int slot, out FlatbufferTable table)
    {
        int p = FieldPosition(slot);
        if (p == 0) { table = default; return false; }
        table = new FlatbufferTable(_bytes, Indirect(p));
        return true;
    }

    /// <summary>
    /// The vector in field <paramref name="slot"/> as its element bytes (<paramref name="elementSize"/> each, checked to
    /// lie inside the buffer); empty when absent.
    /// </summary>
    public ReadOnlySpan<byte> Vector(int slot, int elementSize, out int count)
    {
        int p = FieldPosition(slot);
        if (p == 0) { count = 0; return default; }
        long start = Indirect(p);
        Need(_bytes, start, 4);
        uint n = BinaryPrimitives.ReadUInt32LittleEndian(_bytes[(int)start..]);
        long bytes = (long)n * elementSize;
        Need(_bytes, start + 4, bytes);
        count = (int)n;
        return _bytes.Slice((int)start + 4, (int)bytes);
    }

    private long Indirect(int position)
    {
        Need(_bytes, position, 4);
        return position + (long)BinaryPrimitives.ReadUInt32LittleEndian(_bytes[position..]);
    }

    private int FieldPosition(int slot)
    {
        int entry = 4 + 2 * slot;
        if (entry + 2 > _vtableSize) return 0;
        int offset = BinaryPrimitives.ReadUInt16LittleEndian(_bytes[(_vtable + entry)..]);
        return offset == 0 ? 0 : _table + offset;
    }

    private static void Need(ReadOnlySpan<byte> bytes, long position, long length)
    {
        if (position < 0 || length < 0 || position + length > bytes.Length)
            throw new InvalidDataException($"a metadata field at byte {position} (+{length}) lies outside the {bytes.Length}-byte message");
    }
}
