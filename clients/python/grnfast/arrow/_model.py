"""What both Arrow backends (pyarrow and the numpy codec) take and give: schemas, record batches, tables.

Column values on the Python side:
- a fixed-width numeric type (``int8`` .. ``uint64``, ``float16`` .. ``float64``): a numpy array, or a
  ``numpy.ma.MaskedArray`` when it has nulls (the mask is True at a null);
- ``utf8``: an object array of ``str``, ``None`` at a null;
- ``list<T>`` with T numeric: an object array of numpy arrays, ``None`` at a null.
Read columns are views of the stream's buffer where the layout allows (numeric values, list children).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np

NUMERIC_TYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                 "float16", "float32", "float64")


class ArrowFormatError(ValueError):
    """A stream that is not valid Arrow IPC, or uses a feature this reader does not support."""


def is_list_type(type_name: str) -> bool:
    return type_name.startswith("list<") and type_name.endswith(">")


def list_value_type(type_name: str) -> str:
    return type_name[5:-1]


def check_type(type_name: str) -> str:
    if type_name in NUMERIC_TYPES or type_name == "utf8":
        return type_name
    if is_list_type(type_name) and list_value_type(type_name) in NUMERIC_TYPES:
        return type_name
    raise TypeError(f"unsupported Arrow type {type_name!r}: use one of {', '.join(NUMERIC_TYPES)}, "
                    "utf8 or list<numeric>")


class ListArray:
    """A list column given as Arrow holds it, without nulls: row i is ``values[offsets[i]:offsets[i + 1]]``.
    Writers take it as it is (no per-row objects), e.g. the rows of a CSR matrix."""

    def __init__(self, offsets, values):
        self.offsets = np.asarray(offsets)
        self.values = np.asarray(values)
        if self.offsets.ndim != 1 or len(self.offsets) == 0 or self.values.ndim != 1:
            raise ValueError("a ListArray needs one-dimensional offsets (at least one) and values")
        if self.offsets.dtype.kind not in "iu" or np.any(np.diff(self.offsets) < 0) or \
                self.offsets[0] < 0 or self.offsets[-1] > len(self.values):
            raise ValueError("ListArray offsets must be non-decreasing integers within the values")

    def __len__(self):
        return len(self.offsets) - 1


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    nullable: bool = True
    metadata: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self):
        check_type(self.type)


class Schema:
    """Fields in order plus the schema's key/value metadata."""

    def __init__(self, fields: Iterable, metadata: Mapping[str, str] | None = None):
        self.fields = tuple(f if isinstance(f, Field) else Field(*f) for f in fields)
        self.metadata = dict(metadata or {})
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate field names in schema: {names}")

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def __len__(self):
        return len(self.fields)

    def __iter__(self):
        return iter(self.fields)

    def __eq__(self, other):
        return isinstance(other, Schema) and self.fields == other.fields and self.metadata == other.metadata

    def __repr__(self):
        inner = ", ".join(f"{f.name}: {f.type}" for f in self.fields)
        return f"Schema([{inner}], metadata={self.metadata})"


class RecordBatch:
    """Equal-length columns under one schema."""

    def __init__(self, schema: Schema, columns: list, num_rows: int):
        self.schema = schema
        self.columns = list(columns)
        self.num_rows = num_rows

    def column(self, key):
        if isinstance(key, str):
            return self.columns[self.schema.names.index(key)]
        return self.columns[key]

    __getitem__ = column

    def to_dict(self) -> dict:
        return dict(zip(self.schema.names, self.columns))

    def __repr__(self):
        return f"RecordBatch({self.num_rows} rows, {self.schema!r})"


class Table:
    """A read stream: its schema and its record batches in order."""

    def __init__(self, schema: Schema, batches: list):
        self.schema = schema
        self.batches = list(batches)

    @property
    def metadata(self) -> dict:
        return self.schema.metadata

    @property
    def num_rows(self) -> int:
        return sum(b.num_rows for b in self.batches)

    def column(self, key):
        """The column over every batch: the batch's own array (a view) when there is one batch."""
        index = self.schema.names.index(key) if isinstance(key, str) else key
        type_name = self.schema.fields[index].type
        parts = [b.columns[index] for b in self.batches]
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return empty_column(type_name)
        if any(isinstance(p, np.ma.MaskedArray) for p in parts):
            return np.ma.concatenate(parts)
        return np.concatenate(parts)

    __getitem__ = column

    def to_pandas(self):
        """A DataFrame; numeric nulls become NaN (the column turns float), utf8 and list nulls None."""
        import pandas as pd

        data = {}
        for i, f in enumerate(self.schema.fields):
            values = self.column(i)
            if isinstance(values, np.ma.MaskedArray):
                values = values.astype(np.float64).filled(np.nan)
            data[f.name] = values
        return pd.DataFrame(data, columns=self.schema.names)

    def __repr__(self):
        return f"Table({self.num_rows} rows in {len(self.batches)} batches, {self.schema!r})"


def empty_column(type_name: str):
    if type_name in NUMERIC_TYPES:
        return np.empty(0, dtype=type_name)
    return np.empty(0, dtype=object)


def infer_type(values, name: str) -> str:
    """The Arrow type a Python column maps to (see the module docstring)."""
    if isinstance(values, ListArray):
        return f"list<{check_type(values.values.dtype.newbyteorder('=').name)}>"
    if isinstance(values, np.ndarray) and values.dtype.kind in "iuf":
        return check_type(values.dtype.newbyteorder("=").name)
    if isinstance(values, np.ndarray) and values.dtype.kind in "US":
        return "utf8"
    items = values.tolist() if isinstance(values, np.ndarray) else list(values)
    first = next((v for v in items if v is not None), None)
    if first is None:
        raise TypeError(f"field {name!r}: cannot infer an Arrow type from an all-null or empty column; "
                        "pass a schema")
    if isinstance(first, str):
        return "utf8"
    if isinstance(first, (bool, np.bool_)):
        raise TypeError(f"field {name!r}: boolean columns are not supported")
    if isinstance(first, (int, np.integer)) and not isinstance(first, bool):
        return "float64" if any(isinstance(v, float) for v in items) else "int64"
    if isinstance(first, (float, np.floating)):
        return "float64"
    if isinstance(first, (np.ndarray, list, tuple)):
        inner = [np.asarray(v) for v in items if v is not None and len(v) > 0]
        if not inner:
            raise TypeError(f"field {name!r}: cannot infer the value type of a list column whose lists are "
                            "all empty or null; pass a schema")
        return f"list<{check_type(np.result_type(*inner).name)}>"
    raise TypeError(f"field {name!r}: cannot map values of type {type(first).__name__} to Arrow")


def as_batch_columns(batch) -> dict:
    """A mapping of name to values (a dict, a RecordBatch, a pandas DataFrame) as a plain dict."""
    if isinstance(batch, RecordBatch):
        return batch.to_dict()
    if hasattr(batch, "items"):
        return {str(k): (v.to_numpy() if hasattr(v, "to_numpy") else v) for k, v in batch.items()}
    raise TypeError(f"a record batch must be a mapping of column name to values, not {type(batch).__name__}")


def normalize_input(batches, schema, metadata):
    """Turns the writers' arguments into (Schema, [dict of columns in schema order])."""
    if batches is None:
        batches = []
    elif isinstance(batches, (RecordBatch, Mapping)) or hasattr(batches, "items"):
        batches = [batches]
    columns = [as_batch_columns(b) for b in batches]
    if schema is None:
        if not columns:
            raise ValueError("a stream without record batches needs a schema")
        schema = Schema([Field(name, infer_type(values, name)) for name, values in columns[0].items()])
    elif not isinstance(schema, Schema):
        schema = Schema(schema)
    if metadata is not None:
        schema = Schema(schema.fields, {**schema.metadata, **metadata})
    for k, v in schema.metadata.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise TypeError(f"schema metadata must map str to str, got {k!r}: {v!r}")
    ordered = []
    for i, batch in enumerate(columns):
        if set(batch) != set(schema.names):
            raise ValueError(f"record batch {i} has columns {sorted(batch)}, the schema {schema.names}")
        ordered.append([batch[name] for name in schema.names])
    return schema, ordered
