"""Arrow IPC stream format: read and write streams as numpy columns.

``read_stream(source)`` reads bytes, a memoryview, an mmap, a uint8 array or a path (memory-mapped) and
returns a ``Table``; ``write_stream(batches, schema=None, metadata=None)`` returns the stream's bytes, and
``encode_stream`` the same as a list of buffers (headers, padding and the columns' own memory) for
``os.writev``. pyarrow does the work when it is importable (set ``GRNFAST_ARROW=codec`` to use the
built-in numpy codec anyway); both give the same values (see ``_model`` for how columns look).
"""

from __future__ import annotations

import os

from ._model import NUMERIC_TYPES, ArrowFormatError, Field, ListArray, RecordBatch, Schema, Table

try:
    if os.environ.get("GRNFAST_ARROW", "").lower() == "codec":
        raise ImportError("GRNFAST_ARROW=codec")
    from ._pyarrow import encode_stream, read_stream, write_stream
    backend = "pyarrow"
except ImportError:
    from ._codec import encode_stream, read_stream, write_stream
    backend = "codec"

__all__ = ["ArrowFormatError", "Field", "ListArray", "NUMERIC_TYPES", "RecordBatch", "Schema", "Table", "backend",
           "encode_stream", "read_stream", "write_stream"]
