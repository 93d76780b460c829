"""Arrow IPC stream format on numpy alone, written from the Arrow columnar format specification.

A stream is a sequence of encapsulated messages::

    0xFFFFFFFF | int32 metadata size M | Message flatbuffer, zero-padded to M | body (bodyLength bytes)

with 8 + M a multiple of 8, a Schema message first, then RecordBatch messages, then the end-of-stream
marker ``0xFFFFFFFF 0x00000000``. A record batch body holds the buffers of every array in pre-order
(validity bitmap, then offsets or values, then the children), each at an 8-aligned offset; the batch's
flatbuffer lists one FieldNode (length, null count) per array and one Buffer (offset, length) per buffer.

Reading returns numpy views of the input for numeric values and list children (no copy); writing
returns the message headers and the column buffers themselves, so a caller can ``os.writev`` them.
"""

from __future__ import annotations

import mmap
import os
import struct

import numpy as np

from . import _flatbuffers as fb
from ._model import (ArrowFormatError, Field, ListArray, RecordBatch, Schema, Table, check_type, is_list_type,
                     list_value_type, normalize_input)

CONTINUATION = 0xFFFFFFFF
END_OF_STREAM = struct.pack("<Ii", CONTINUATION, 0)
_METADATA_V4, _METADATA_V5 = 3, 4
# MessageHeader union
_SCHEMA, _DICTIONARY_BATCH, _RECORD_BATCH = 1, 2, 3
_MESSAGE_HEADERS = {1: "Schema", 2: "DictionaryBatch", 3: "RecordBatch", 4: "Tensor", 5: "SparseTensor"}
# Type union
_TYPE_INT, _TYPE_FLOAT, _TYPE_UTF8, _TYPE_LIST, _TYPE_LARGE_UTF8, _TYPE_LARGE_LIST = 2, 3, 5, 12, 20, 21
_TYPE_NAMES = {1: "Null", 2: "Int", 3: "FloatingPoint", 4: "Binary", 5: "Utf8", 6: "Bool", 7: "Decimal",
               8: "Date", 9: "Time", 10: "Timestamp", 11: "Interval", 12: "List", 13: "Struct", 14: "Union",
               15: "FixedSizeBinary", 16: "FixedSizeList", 17: "Map", 18: "Duration", 19: "LargeBinary",
               20: "LargeUtf8", 21: "LargeList", 22: "RunEndEncoded", 23: "BinaryView", 24: "Utf8View",
               25: "ListView", 26: "LargeListView"}
_FLOAT_PRECISION = {0: "float16", 1: "float32", 2: "float64"}
_COMPRESSION_CODECS = {0: "LZ4_FRAME", 1: "ZSTD"}
_PAIR = struct.Struct("<qq")  # FieldNode (length, null_count) and Buffer (offset, length)
_ALIGNMENT = 8
_ZEROS = bytes(_ALIGNMENT)


# ---------------------------------------------------------------------------------------------------------
# Writing


def encode_stream(batches=None, schema=None, metadata=None) -> list:
    """The stream as a list of buffers (bytes and memoryviews of the columns) to write back to back."""
    schema, batches = normalize_input(batches, schema, metadata)
    parts = [_message(_SCHEMA, _schema_table(schema), 0)]
    for columns in batches:
        parts.extend(_record_batch(schema, columns))
    parts.append(END_OF_STREAM)
    return parts


def write_stream(batches=None, schema=None, metadata=None) -> bytes:
    """The stream as one bytes object."""
    return b"".join(encode_stream(batches, schema, metadata))


def schema_message(schema: Schema) -> bytes:
    """The Schema message that opens a stream."""
    return _message(_SCHEMA, _schema_table(schema), 0)


def numeric_batch_message(num_rows: int, column_bytes: list) -> tuple:
    """(message header, body length) of a record batch of numeric columns without nulls, whose values
    take ``column_bytes[i]`` bytes: the body is each column's values padded to 8 bytes, in order."""
    nodes, buffers = [], []
    offset = 0
    for size in column_bytes:
        nodes.append(_PAIR.pack(num_rows, 0))
        buffers.append(_PAIR.pack(offset, 0))
        buffers.append(_PAIR.pack(offset, size))
        offset += size + (-size % _ALIGNMENT)
    header = fb.Table(
        fb.Scalar("q", num_rows),
        fb.StructVector(b"".join(nodes), len(nodes), 8),
        fb.StructVector(b"".join(buffers), len(buffers), 8),
    )
    return _message(_RECORD_BATCH, header, offset), offset


def padding(size: int) -> bytes:
    """The zero bytes that pad a buffer of ``size`` bytes to the 8-byte alignment."""
    return _ZEROS[:-size % _ALIGNMENT]


def _message(header_type: int, header: fb.Table, body_length: int) -> bytes:
    flatbuffer = fb.build(fb.Table(
        fb.Scalar("h", _METADATA_V5),
        fb.Scalar("B", header_type),
        header,
        fb.Scalar("q", body_length),
    ))
    return struct.pack("<Ii", CONTINUATION, len(flatbuffer)) + flatbuffer


def _key_values(metadata):
    if not metadata:
        return None
    return fb.TableVector(fb.Table(str(k), str(v)) for k, v in metadata.items())


def _type_table(type_name: str):
    """(Type union id, type table, children fields) of a type name."""
    if type_name == "utf8":
        return _TYPE_UTF8, fb.Table(), []
    if is_list_type(type_name):
        return _TYPE_LIST, fb.Table(), [Field("item", list_value_type(type_name))]
    dtype = np.dtype(type_name)
    if dtype.kind == "f":
        precision = {2: 0, 4: 1, 8: 2}[dtype.itemsize]
        return _TYPE_FLOAT, fb.Table(fb.Scalar("h", precision)), []
    return _TYPE_INT, fb.Table(fb.Scalar("i", 8 * dtype.itemsize), fb.Scalar("?", dtype.kind == "i")), []


def _field_table(f: Field) -> fb.Table:
    type_id, type_table, children = _type_table(f.type)
    return fb.Table(
        f.name,
        fb.Scalar("?", f.nullable),
        fb.Scalar("B", type_id),
        type_table,
        None,  # dictionary
        fb.TableVector(_field_table(c) for c in children),
        _key_values(f.metadata),
    )


def _schema_table(schema: Schema) -> fb.Table:
    return fb.Table(
        fb.Scalar("h", 0),  # little endian
        fb.TableVector(_field_table(f) for f in schema.fields),
        _key_values(schema.metadata),
    )


class _Array:
    """One array ready to write: its FieldNode and its buffers, then its children."""

    __slots__ = ("length", "null_count", "buffers", "children")

    def __init__(self, length, null_count, buffers, children=()):
        self.length = length
        self.null_count = null_count
        self.buffers = buffers
        self.children = list(children)


def _record_batch(schema: Schema, columns: list) -> list:
    arrays = [_encode_array(values, f.type, f.name) for f, values in zip(schema.fields, columns)]
    lengths = {a.length for a in arrays}
    if len(lengths) > 1:
        sizes = ", ".join(f"{f.name}={a.length}" for f, a in zip(schema.fields, arrays))
        raise ValueError(f"columns of a record batch differ in length: {sizes}")
    num_rows = lengths.pop() if lengths else 0

    nodes, buffers, body = [], [], []
    offset = 0

    def visit(array):
        nonlocal offset
        nodes.append(_PAIR.pack(array.length, array.null_count))
        for data in array.buffers:
            size = len(data)
            buffers.append(_PAIR.pack(offset, size))
            if size:
                body.append(data)
                pad = -size % _ALIGNMENT
                if pad:
                    body.append(_ZEROS[:pad])
                offset += size + pad
        for child in array.children:
            visit(child)

    for array in arrays:
        visit(array)
    header = fb.Table(
        fb.Scalar("q", num_rows),
        fb.StructVector(b"".join(nodes), len(nodes), 8),
        fb.StructVector(b"".join(buffers), len(buffers), 8),
    )
    return [_message(_RECORD_BATCH, header, offset)] + body


def _bytes_of(array: np.ndarray) -> memoryview:
    return memoryview(array).cast("B")


def _validity(valid: np.ndarray | None):
    if valid is None or valid.all():
        return b"", 0
    return _bytes_of(np.packbits(valid, bitorder="little")), int(len(valid) - np.count_nonzero(valid))


def _numeric(values, type_name: str, name: str):
    """(contiguous little-endian values, validity or None) of a numeric column."""
    dtype = np.dtype(type_name).newbyteorder("<")
    valid = None
    if isinstance(values, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(values)
        valid = ~mask if mask.any() else None
        values = values.filled(0) if valid is not None else values.data
    elif not isinstance(values, np.ndarray) or values.dtype == object:
        items = list(values)
        if any(v is None for v in items):
            valid = np.array([v is not None for v in items], dtype=bool)
            items = [0 if v is None else v for v in items]
        values = np.array(items)
        if values.size == 0:
            values = values.astype(dtype)
    if values.ndim != 1:
        raise ValueError(f"field {name!r}: a column must be one-dimensional, got shape {values.shape}")
    if values.dtype.kind not in "iuf":
        raise TypeError(f"field {name!r}: {values.dtype} values cannot be written as {type_name}")
    if not np.can_cast(values.dtype, dtype, casting="same_kind"):
        raise TypeError(f"field {name!r}: {values.dtype} values cannot be written as {type_name} without loss")
    return np.ascontiguousarray(values, dtype=dtype), valid


def _offsets(lengths: np.ndarray, name: str) -> np.ndarray:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if offsets[-1] > np.iinfo(np.int32).max:
        raise ValueError(f"field {name!r}: {offsets[-1]} values exceed the 32-bit offsets of utf8/list")
    return offsets.astype("<i4")


def _encode_array(values, type_name: str, name: str) -> _Array:
    check_type(type_name)
    if type_name == "utf8":
        items = values.tolist() if isinstance(values, np.ndarray) else list(values)
        valid = np.array([v is not None for v in items], dtype=bool)
        encoded = []
        for v in items:
            if v is None:
                encoded.append(b"")
            elif isinstance(v, str):
                encoded.append(v.encode("utf-8"))
            else:
                raise TypeError(f"field {name!r}: utf8 values must be str or None, got {type(v).__name__}")
        lengths = np.fromiter((len(e) for e in encoded), dtype=np.int64, count=len(encoded))
        validity, nulls = _validity(valid)
        return _Array(len(items), nulls, [validity, _bytes_of(_offsets(lengths, name)), b"".join(encoded)])
    if is_list_type(type_name) and isinstance(values, ListArray):
        start, stop = int(values.offsets[0]), int(values.offsets[-1])
        child = _encode_array(values.values[start:stop], list_value_type(type_name), f"{name}.item")
        offsets = values.offsets - start
        if stop - start > np.iinfo(np.int32).max:
            raise ValueError(f"field {name!r}: {stop - start} values exceed the 32-bit offsets of list")
        return _Array(len(values), 0, [b"", _bytes_of(np.ascontiguousarray(offsets, dtype="<i4"))], [child])
    if is_list_type(type_name):
        items = values.tolist() if isinstance(values, np.ndarray) and values.dtype != object else list(values)
        valid = np.array([v is not None for v in items], dtype=bool)
        inner_type = list_value_type(type_name)
        inner = [np.asarray(v) for v in items if v is not None]
        inner = [v if v.size else v.astype(inner_type) for v in inner]
        for v in inner:
            if v.ndim != 1:
                raise ValueError(f"field {name!r}: list values must be one-dimensional, got shape {v.shape}")
        lengths = np.array([0 if v is None else len(v) for v in items], dtype=np.int64)
        flat = np.concatenate(inner) if inner else np.empty(0, dtype=inner_type)
        child = _encode_array(flat, inner_type, f"{name}.item")
        validity, nulls = _validity(valid)
        return _Array(len(items), nulls, [validity, _bytes_of(_offsets(lengths, name))], [child])
    data, valid = _numeric(values, type_name, name)
    validity, nulls = _validity(valid)
    return _Array(len(data), nulls, [validity, _bytes_of(data)])


# ---------------------------------------------------------------------------------------------------------
# Reading


def _as_buffer(source):
    """A flat byte memoryview of the source; a path is memory-mapped read-only."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as f:
            if os.fstat(f.fileno()).st_size == 0:
                raise ArrowFormatError(f"{os.fspath(source)}: empty file, not an Arrow stream")
            return memoryview(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
    view = memoryview(source)
    if not view.c_contiguous:
        raise ValueError("an Arrow stream must be a contiguous buffer")
    return view.cast("B") if view.format != "B" or view.ndim != 1 else view


def read_stream(source) -> Table:
    """Reads a whole stream from bytes, a memoryview, an mmap, a uint8 numpy array or a file path."""
    where = f"{os.fspath(source)}: " if isinstance(source, (str, os.PathLike)) else ""
    buf = _as_buffer(source)
    try:
        return _read(buf)
    except (fb.FlatBufferError, ArrowFormatError, struct.error) as error:
        raise ArrowFormatError(f"{where}{error}") from None


def _read(buf: memoryview) -> Table:
    pos = 0
    schema = None
    fields_meta = None
    big_endian = False
    batches = []
    index = 0
    while True:
        if pos == len(buf):
            break  # a stream may also end without the marker
        if pos + 4 > len(buf):
            raise ArrowFormatError(f"truncated message prefix at byte {pos}")
        size = struct.unpack_from("<I", buf, pos)[0]
        if size == CONTINUATION:
            if pos + 8 > len(buf):
                raise ArrowFormatError(f"truncated message prefix at byte {pos}")
            size = struct.unpack_from("<i", buf, pos + 4)[0]
            pos += 8
        else:
            pos += 4  # the pre-0.15 format: no continuation marker
        if size == 0:
            break
        if size < 0 or pos + size > len(buf):
            raise ArrowFormatError(f"message {index} declares {size} metadata bytes at byte {pos}, "
                                   f"past the end of the {len(buf)}-byte stream")
        message = fb.TableReader.root(buf[pos:pos + size])
        pos += size
        version = message.scalar(0, "h", 0)
        if version < _METADATA_V4:
            raise ArrowFormatError(f"message {index}: metadata version V{version + 1} is too old (V4+ needed)")
        header_type = message.scalar(1, "B", 0)
        header = message.table(2)
        body_length = message.scalar(3, "q", 0)
        if body_length < 0 or pos + body_length > len(buf):
            raise ArrowFormatError(f"message {index} declares a {body_length}-byte body at byte {pos}, "
                                   f"past the end of the {len(buf)}-byte stream")
        body = buf[pos:pos + body_length]
        pos += body_length
        if header is None:
            raise ArrowFormatError(f"message {index} has no header")
        if header_type == _SCHEMA:
            if schema is not None:
                raise ArrowFormatError(f"message {index}: a second schema in one stream")
            schema, fields_meta, big_endian = _read_schema(header)
        elif header_type == _RECORD_BATCH:
            if schema is None:
                raise ArrowFormatError(f"message {index}: a record batch before the schema")
            batches.append(_read_batch(header, body, schema, fields_meta, big_endian, len(batches)))
        elif header_type == _DICTIONARY_BATCH:
            raise ArrowFormatError("dictionary-encoded fields are not supported")
        else:
            kind = _MESSAGE_HEADERS.get(header_type, f"type {header_type}")
            raise ArrowFormatError(f"message {index}: unsupported message {kind} in a stream")
        index += 1
    if schema is None:
        raise ArrowFormatError("no schema message: not an Arrow IPC stream")
    return Table(schema, batches)


def _read_key_values(table: fb.TableReader, slot: int) -> dict:
    return {kv.string(0) or "": kv.string(1) or "" for kv in table.table_vector(slot)}


def _read_field(table: fb.TableReader, path: str):
    """(Field, type descriptor) where the descriptor is the type name or ('list', item descriptor)."""
    name = table.string(0) or ""
    where = f"{path}{name}"
    nullable = bool(table.scalar(1, "?", False))
    if table.has(4):
        raise ArrowFormatError(f"field {where!r}: dictionary-encoded fields are not supported")
    type_id = table.scalar(2, "B", 0)
    type_table = table.table(3)
    children = table.table_vector(5)
    metadata = _read_key_values(table, 6)
    if type_id == _TYPE_INT:
        bits = type_table.scalar(0, "i", 0) if type_table else 0
        signed = bool(type_table.scalar(1, "?", False)) if type_table else False
        if bits not in (8, 16, 32, 64):
            raise ArrowFormatError(f"field {where!r}: integer width {bits} bits")
        type_name = f"{'' if signed else 'u'}int{bits}"
    elif type_id == _TYPE_FLOAT:
        precision = type_table.scalar(0, "h", 0) if type_table else 0
        if precision not in _FLOAT_PRECISION:
            raise ArrowFormatError(f"field {where!r}: floating-point precision {precision}")
        type_name = _FLOAT_PRECISION[precision]
    elif type_id in (_TYPE_UTF8, _TYPE_LARGE_UTF8):
        type_name = "utf8"
    elif type_id in (_TYPE_LIST, _TYPE_LARGE_LIST):
        if len(children) != 1:
            raise ArrowFormatError(f"field {where!r}: a list needs one child field, has {len(children)}")
        child, child_desc = _read_field(children[0], f"{where}.")
        if child.type not in ("utf8",) and not is_list_type(child.type):
            type_name = f"list<{child.type}>"
        else:
            raise ArrowFormatError(f"field {where!r}: lists of {child.type} are not supported "
                                   "(only lists of numbers)")
        large = type_id == _TYPE_LARGE_LIST
        return Field(name, type_name, nullable, metadata), ("list", large, child_desc)
    else:
        kind = _TYPE_NAMES.get(type_id, f"type id {type_id}")
        raise ArrowFormatError(f"field {where!r}: unsupported Arrow type {kind}")
    large = type_id == _TYPE_LARGE_UTF8
    return Field(name, type_name, nullable, metadata), (type_name, large)


def _read_schema(table: fb.TableReader):
    big_endian = table.scalar(0, "h", 0) == 1
    fields, descs = [], []
    for f in table.table_vector(1):
        field, desc = _read_field(f, "")
        fields.append(field)
        descs.append(desc)
    for feature in table.struct_vector(3, struct.Struct("<q")):
        if feature[0] == 2:
            raise ArrowFormatError("the stream declares compressed bodies, which are not supported")
    try:
        schema = Schema(fields, _read_key_values(table, 2))
    except ValueError as error:
        raise ArrowFormatError(str(error)) from None
    return schema, descs, big_endian


class _BatchCursor:
    def __init__(self, nodes, buffers, body, batch_index):
        self.nodes, self.buffers, self.body = nodes, buffers, body
        self.node_index = 0
        self.buffer_index = 0
        self.batch_index = batch_index

    def node(self, where):
        if self.node_index >= len(self.nodes):
            raise ArrowFormatError(f"record batch {self.batch_index}: no field node left for {where!r}")
        length, null_count = self.nodes[self.node_index]
        self.node_index += 1
        if length < 0 or null_count < 0 or null_count > length:
            raise ArrowFormatError(f"record batch {self.batch_index}, field {where!r}: bad node "
                                   f"(length {length}, null count {null_count})")
        return length, null_count

    def buffer(self, where) -> memoryview:
        if self.buffer_index >= len(self.buffers):
            raise ArrowFormatError(f"record batch {self.batch_index}: no buffer left for {where!r}")
        offset, length = self.buffers[self.buffer_index]
        self.buffer_index += 1
        if offset < 0 or length < 0 or offset + length > len(self.body):
            raise ArrowFormatError(f"record batch {self.batch_index}, field {where!r}: buffer "
                                   f"[{offset}, {offset + length}) lies outside the {len(self.body)}-byte body")
        return self.body[offset:offset + length]

    def array(self, buf: memoryview, dtype: np.dtype, count: int, where: str, what: str) -> np.ndarray:
        if len(buf) < count * dtype.itemsize:
            raise ArrowFormatError(f"record batch {self.batch_index}, field {where!r}: {what} buffer holds "
                                   f"{len(buf)} bytes, {count * dtype.itemsize} needed")
        return np.frombuffer(buf, dtype=dtype, count=count)


def _read_batch(table: fb.TableReader, body, schema, descs, big_endian, batch_index) -> RecordBatch:
    if table.has(3):
        compression = table.table(3)
        codec = compression.scalar(0, "b", 0) if compression else 0
        raise ArrowFormatError(f"record batch {batch_index}: compressed bodies "
                               f"({_COMPRESSION_CODECS.get(codec, codec)}) are not supported; "
                               "write the stream uncompressed")
    length = table.scalar(0, "q", 0)
    cursor = _BatchCursor(table.struct_vector(1, _PAIR), table.struct_vector(2, _PAIR), body, batch_index)
    order = ">" if big_endian else "<"
    columns = []
    for f, desc in zip(schema.fields, descs):
        values, count = _read_array(cursor, desc, f.name, order)
        if count != length:
            raise ArrowFormatError(f"record batch {batch_index}: field {f.name!r} has {count} rows, "
                                   f"the batch {length}")
        columns.append(values)
    return RecordBatch(schema, columns, length)


def _read_validity(cursor, length, null_count, where):
    buf = cursor.buffer(where)
    if null_count == 0:
        return None
    bits = cursor.array(buf, np.dtype(np.uint8), (length + 7) // 8, where, "validity")
    return np.unpackbits(bits, count=length, bitorder="little").view(bool)


def _read_array(cursor: _BatchCursor, desc, where: str, order: str):
    """(column values, length) of the next array in the batch."""
    length, null_count = cursor.node(where)
    valid = _read_validity(cursor, length, null_count, where)
    if desc[0] == "list":
        _, large, child_desc = desc
        offsets_buf = cursor.buffer(where)
        child_values, child_length = _read_array(cursor, child_desc, f"{where}.item", order)
        offsets = _offsets_view(cursor, offsets_buf, length, large, where, order, child_length)
        column = np.empty(length, dtype=object)
        for i in range(length):
            if valid is None or valid[i]:
                column[i] = child_values[offsets[i]:offsets[i + 1]]
        return column, length
    type_name, large = desc
    if type_name == "utf8":
        offsets_buf = cursor.buffer(where)
        data = cursor.buffer(where)
        offsets = _offsets_view(cursor, offsets_buf, length, large, where, order, len(data))
        raw = bytes(data[:int(offsets[-1])]) if length else b""
        column = np.empty(length, dtype=object)
        bounds = offsets.tolist()
        try:
            for i in range(length):
                if valid is None or valid[i]:
                    column[i] = raw[bounds[i]:bounds[i + 1]].decode("utf-8")
        except UnicodeDecodeError as error:
            raise ArrowFormatError(f"record batch {cursor.batch_index}, field {where!r}: row {i} is not "
                                   f"UTF-8 ({error})") from None
        return column, length
    dtype = np.dtype(type_name).newbyteorder(order)
    values = cursor.array(cursor.buffer(where), dtype, length, where, "values")
    if valid is not None:
        return np.ma.MaskedArray(values, mask=~valid), length
    return values, length


def _offsets_view(cursor, buf, length, large, where, order, limit):
    dtype = np.dtype(order + ("i8" if large else "i4"))
    if length == 0:
        return np.zeros(1, dtype=dtype)
    offsets = cursor.array(buf, dtype, length + 1, where, "offsets")
    if offsets[0] < 0 or offsets[-1] > limit or np.any(offsets[1:] < offsets[:-1]):
        raise ArrowFormatError(f"record batch {cursor.batch_index}, field {where!r}: offsets are not "
                               f"non-decreasing within [0, {limit}]")
    return offsets
