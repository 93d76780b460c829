"""The small part of the FlatBuffers binary format that Arrow IPC metadata needs.

Written from the FlatBuffers format description, not generated. A buffer starts with a uoffset (u32) to the
root table. A table starts with a soffset (i32): the vtable is at ``table - soffset``. A vtable is
``u16 vtable bytes, u16 table bytes, u16 field offset per slot`` (0 = field absent, take the default).
Offsets to strings, vectors and sub-tables are u32, relative to where they are stored, and point forward.
A vector is ``u32 count`` then its elements; a string is a vector of bytes followed by a NUL.

The writer lays objects out front to back (a parent before what it refers to), so every uoffset is
positive, and patches the offsets once the children are placed. Positions are aligned as absolute
offsets in the buffer, which the Arrow writer places at an 8-byte boundary.
"""

from __future__ import annotations

import struct

_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")
_I32 = struct.Struct("<i")


class FlatBufferError(ValueError):
    """The bytes are not a well-formed flatbuffer (an offset or length points outside the buffer)."""


# ---------------------------------------------------------------------------------------------------------
# Writing


class Scalar:
    """An inline scalar field: ``fmt`` is a struct code (b B h H i I q Q ? f d)."""

    __slots__ = ("fmt", "value")

    def __init__(self, fmt: str, value):
        self.fmt = fmt
        self.value = value


class Table:
    """A table: ``fields[slot]`` is None (absent), a Scalar, a str, a Table, a TableVector or a StructVector."""

    __slots__ = ("fields",)

    def __init__(self, *fields):
        self.fields = fields


class TableVector:
    __slots__ = ("tables",)

    def __init__(self, tables):
        self.tables = list(tables)


class StructVector:
    """A vector of inline structs (or scalars): ``count`` elements of ``element_size`` bytes in ``data``."""

    __slots__ = ("data", "count", "alignment")

    def __init__(self, data: bytes, count: int, alignment: int):
        self.data = data
        self.count = count
        self.alignment = alignment


class _Writer:
    def __init__(self):
        self.buf = bytearray()

    def align(self, n: int, extra: int = 0) -> None:
        """Pads so that ``len(buf) + extra`` is a multiple of n."""
        pad = -(len(self.buf) + extra) % n
        self.buf += b"\0" * pad

    def patch_offset(self, at: int, target: int) -> None:
        _U32.pack_into(self.buf, at, target - at)

    def string(self, text: str) -> int:
        data = text.encode("utf-8")
        self.align(4)
        pos = len(self.buf)
        self.buf += _U32.pack(len(data)) + data + b"\0"
        return pos

    def struct_vector(self, vec: StructVector) -> int:
        # The count sits just before the elements, which take the struct's alignment.
        self.align(max(vec.alignment, 4), extra=4)
        pos = len(self.buf)
        self.buf += _U32.pack(vec.count) + vec.data
        return pos

    def table_vector(self, vec: TableVector) -> int:
        self.align(4)
        pos = len(self.buf)
        self.buf += _U32.pack(len(vec.tables)) + b"\0" * (4 * len(vec.tables))
        for i, table in enumerate(vec.tables):
            self.patch_offset(pos + 4 + 4 * i, self.table(table))
        return pos

    def reference(self, value) -> int:
        if isinstance(value, str):
            return self.string(value)
        if isinstance(value, Table):
            return self.table(value)
        if isinstance(value, TableVector):
            return self.table_vector(value)
        if isinstance(value, StructVector):
            return self.struct_vector(value)
        raise TypeError(f"cannot encode {type(value).__name__} in a flatbuffer")

    def table(self, table: Table) -> int:
        fields = table.fields
        while fields and fields[-1] is None:
            fields = fields[:-1]
        # Inline layout: the soffset at 0, then fields by decreasing size so that each is aligned
        # relative to a table start aligned to the largest field.
        sized = []
        for slot, value in enumerate(fields):
            if value is None:
                continue
            size = struct.calcsize("<" + value.fmt) if isinstance(value, Scalar) else 4
            sized.append((size, slot, value))
        sized.sort(key=lambda item: (-item[0], item[1]))
        table_align = max([4] + [size for size, _, _ in sized])
        field_at = {}
        end = 4
        for size, slot, _ in sized:
            end += -end % size
            field_at[slot] = end
            end += size
        vtable = [4 + 2 * len(fields), end] + [field_at.get(slot, 0) for slot in range(len(fields))]

        self.align(2)
        vtable_pos = len(self.buf)
        self.buf += struct.pack(f"<{len(vtable)}H", *vtable)
        self.align(table_align)
        pos = len(self.buf)
        inline = bytearray(end)
        _I32.pack_into(inline, 0, pos - vtable_pos)
        references = []
        for size, slot, value in sized:
            if isinstance(value, Scalar):
                struct.pack_into("<" + value.fmt, inline, field_at[slot], value.value)
            else:
                references.append((pos + field_at[slot], value))
        self.buf += inline
        for at, value in references:
            self.patch_offset(at, self.reference(value))
        return pos


def build(root: Table) -> bytes:
    """Encodes a root table as a flatbuffer, padded to a multiple of 8 bytes."""
    writer = _Writer()
    writer.buf += b"\0" * 4
    writer.patch_offset(0, writer.table(root))
    writer.align(8)
    return bytes(writer.buf)


# ---------------------------------------------------------------------------------------------------------
# Reading


class TableReader:
    """Reads the fields of one table of a flatbuffer held in ``buf`` (a memoryview of bytes)."""

    __slots__ = ("buf", "pos", "_vtable", "_vtable_size")

    def __init__(self, buf: memoryview, pos: int):
        self.buf = buf
        self.pos = pos
        vtable = pos - _read(_I32, buf, pos)
        self._vtable = vtable
        self._vtable_size = _read(_U16, buf, vtable)
        if self._vtable_size < 4 or self._vtable_size % 2:
            raise FlatBufferError(f"vtable at {vtable} has a bad size {self._vtable_size}")

    @classmethod
    def root(cls, buf: memoryview) -> "TableReader":
        return cls(buf, _read(_U32, buf, 0))

    def _offset(self, slot: int) -> int:
        entry = 4 + 2 * slot
        if entry + 2 > self._vtable_size:
            return 0
        return _read(_U16, self.buf, self._vtable + entry)

    def has(self, slot: int) -> bool:
        return self._offset(slot) != 0

    def scalar(self, slot: int, fmt: str, default):
        offset = self._offset(slot)
        if offset == 0:
            return default
        return _read(struct.Struct("<" + fmt), self.buf, self.pos + offset)

    def _target(self, slot: int):
        offset = self._offset(slot)
        if offset == 0:
            return None
        at = self.pos + offset
        return at + _read(_U32, self.buf, at)

    def table(self, slot: int):
        target = self._target(slot)
        return None if target is None else TableReader(self.buf, target)

    def string(self, slot: int):
        target = self._target(slot)
        return None if target is None else read_string(self.buf, target)

    def vector(self, slot: int):
        """(position of the first element, element count), or None when the field is absent."""
        target = self._target(slot)
        if target is None:
            return None
        count = _read(_U32, self.buf, target)
        return target + 4, count

    def table_vector(self, slot: int) -> list:
        vec = self.vector(slot)
        if vec is None:
            return []
        start, count = vec
        _check_range(self.buf, start, 4 * count)
        tables = []
        for i in range(count):
            at = start + 4 * i
            tables.append(TableReader(self.buf, at + _read(_U32, self.buf, at)))
        return tables

    def struct_vector(self, slot: int, element: struct.Struct) -> list:
        vec = self.vector(slot)
        if vec is None:
            return []
        start, count = vec
        _check_range(self.buf, start, element.size * count)
        return [element.unpack_from(self.buf, start + element.size * i) for i in range(count)]


def read_string(buf: memoryview, pos: int) -> str:
    length = _read(_U32, buf, pos)
    _check_range(buf, pos + 4, length)
    try:
        return bytes(buf[pos + 4 : pos + 4 + length]).decode("utf-8")
    except UnicodeDecodeError as error:
        raise FlatBufferError(f"string at {pos} is not UTF-8: {error}") from None


def _check_range(buf: memoryview, pos: int, length: int) -> None:
    if pos < 0 or length < 0 or pos + length > len(buf):
        raise FlatBufferError(f"{length} bytes at {pos} lie outside the {len(buf)}-byte flatbuffer")


def _read(fmt: struct.Struct, buf: memoryview, pos: int):
    if pos < 0 or pos + fmt.size > len(buf):
        raise FlatBufferError(f"offset {pos} lies outside the {len(buf)}-byte flatbuffer")
    return fmt.unpack_from(buf, pos)[0]
