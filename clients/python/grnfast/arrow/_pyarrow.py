"""The same functions as the numpy codec, carried out by pyarrow (used when pyarrow is importable)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ._codec import _as_buffer
from ._model import (NUMERIC_TYPES, ArrowFormatError, Field, ListArray, RecordBatch, Schema, Table, is_list_type,
                     list_value_type, normalize_input)


def _pa_type(type_name: str):
    if type_name == "utf8":
        return pa.utf8()
    if is_list_type(type_name):
        return pa.list_(_pa_type(list_value_type(type_name)))
    return pa.from_numpy_dtype(np.dtype(type_name))


def _type_name(t, where: str) -> str:
    if pa.types.is_integer(t) or pa.types.is_floating(t):
        return np.dtype(t.to_pandas_dtype()).name
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "utf8"
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        inner = _type_name(t.value_type, f"{where}.item")
        if inner in NUMERIC_TYPES:
            return f"list<{inner}>"
    raise ArrowFormatError(f"field {where!r}: unsupported Arrow type {t}")


def _to_pa_array(values, type_name: str):
    t = _pa_type(type_name)
    if isinstance(values, ListArray):
        return pa.ListArray.from_arrays(pa.array(np.asarray(values.offsets, dtype=np.int32)),
                                        _to_pa_array(values.values, list_value_type(type_name)))
    if type_name in NUMERIC_TYPES:
        if isinstance(values, np.ma.MaskedArray):
            return pa.array(np.asarray(values.data, dtype=type_name), mask=np.ma.getmaskarray(values), type=t)
        if isinstance(values, np.ndarray) and values.dtype != object:
            return pa.array(np.asarray(values, dtype=type_name), type=t)
        return pa.array(list(values), type=t)
    if type_name == "utf8":
        return pa.array(values.tolist() if isinstance(values, np.ndarray) else list(values), type=t)
    return pa.array([None if v is None else np.asarray(v, dtype=list_value_type(type_name)) for v in values],
                    type=t)


def encode_stream(batches=None, schema=None, metadata=None) -> list:
    schema, batches = normalize_input(batches, schema, metadata)
    pa_schema = pa.schema(
        [pa.field(f.name, _pa_type(f.type), f.nullable, metadata=dict(f.metadata) or None) for f in schema],
        metadata=schema.metadata or None)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, pa_schema) as writer:
        for columns in batches:
            arrays = [_to_pa_array(v, f.type) for f, v in zip(schema.fields, columns)]
            writer.write_batch(pa.record_batch(arrays, schema=pa_schema))
    return [memoryview(sink.getvalue())]


def write_stream(batches=None, schema=None, metadata=None) -> bytes:
    return b"".join(encode_stream(batches, schema, metadata))


def _column(array, type_name: str):
    if type_name in NUMERIC_TYPES:
        if array.null_count == 0:
            return array.to_numpy(zero_copy_only=True)
        dtype = np.dtype(type_name)
        data = np.frombuffer(array.buffers()[1], dtype=dtype, count=array.offset + len(array))[array.offset:]
        return np.ma.MaskedArray(data, mask=array.is_null().to_numpy(zero_copy_only=False))
    if type_name == "utf8":
        column = np.empty(len(array), dtype=object)
        column[:] = array.to_pylist()
        return column
    inner = _column(array.values, list_value_type(type_name))
    offsets = array.offsets.to_numpy()
    column = np.empty(len(array), dtype=object)
    for i, valid in enumerate(array.is_valid().to_numpy(zero_copy_only=False)):
        if valid:
            column[i] = inner[offsets[i]:offsets[i + 1]]
    return column


def read_stream(source) -> Table:
    buf = _as_buffer(source)
    try:
        reader = pa.ipc.open_stream(pa.py_buffer(buf))
        pa_schema = reader.schema
        batches = list(reader)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as error:
        raise ArrowFormatError(str(error)) from None
    metadata = {k.decode(): v.decode() for k, v in (pa_schema.metadata or {}).items()}
    fields = [Field(f.name, _type_name(f.type, f.name), f.nullable,
                    {k.decode(): v.decode() for k, v in (f.metadata or {}).items()}) for f in pa_schema]
    schema = Schema(fields, metadata)
    return Table(schema, [RecordBatch(schema, [_column(b.column(i), f.type) for i, f in enumerate(fields)],
                                      b.num_rows) for b in batches])
