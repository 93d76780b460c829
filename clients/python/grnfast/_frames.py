"""Protocol frames: ``GRNF``, a u32 little-endian header length, a JSON header, then the declared payloads.

Writing gathers the frame prefix and every payload buffer into ``os.writev`` calls, so a payload is never
copied into a joined buffer; reading ``readinto``s each payload into its own preallocated array, which the
Arrow reader then views without copying.
"""

from __future__ import annotations

import itertools
import json
import os
import struct

import numpy as np

MAGIC = b"GRNF"
MAX_HEADER = 16 * 1024 * 1024
_PREFIX = struct.Struct("<4sI")
try:
    _IOV_MAX = os.sysconf("SC_IOV_MAX")
except (ValueError, OSError, AttributeError):
    _IOV_MAX = 1024


class FrameError(Exception):
    """The byte stream is not a valid sequence of frames."""


def buffers_length(buffers) -> int:
    return sum(memoryview(b).nbytes for b in buffers)


class LazyPayload:
    """A payload whose length is known before its buffers exist (they are made while it is written)."""

    def __init__(self, length: int, make_buffers):
        self.length = length
        self._make_buffers = make_buffers

    def __iter__(self):
        written = 0
        for buffer in self._make_buffers():
            written += memoryview(buffer).nbytes
            yield buffer
        if written != self.length:
            raise RuntimeError(f"payload produced {written} bytes, {self.length} declared")


def encode_frame(header: dict, streams: dict | None = None):
    """The frame as an iterable of buffers: prefix+header, then each stream's buffers in declared order.

    ``streams`` maps a name to one bytes-like object, a list of buffers, or a LazyPayload.
    """
    header = dict(header)
    payloads = []
    declared = []
    for name, payload in (streams or {}).items():
        if isinstance(payload, LazyPayload):
            length = payload.length
        else:
            payload = [payload] if _is_buffer(payload) else list(payload)
            length = buffers_length(payload)
        declared.append({"name": name, "length": length})
        payloads.append(payload)
    if declared:
        header["streams"] = declared
    text = json.dumps(header, separators=(",", ":"), allow_nan=False, ensure_ascii=False).encode("utf-8")
    if len(text) > MAX_HEADER:
        raise ValueError(f"frame header of {len(text)} bytes exceeds the protocol's {MAX_HEADER}-byte limit")
    return itertools.chain([_PREFIX.pack(MAGIC, len(text)) + text], *payloads)


def _is_buffer(obj) -> bool:
    if isinstance(obj, (bytes, bytearray, memoryview, np.ndarray)):
        return True
    try:
        memoryview(obj)
        return not isinstance(obj, (list, tuple))
    except TypeError:
        return False


def write_buffers(fd: int, buffers) -> None:
    """Writes the buffers back to back with as few ``writev`` calls as the iovec limit allows."""
    pending = []
    for buffer in buffers:
        view = memoryview(buffer)
        if view.nbytes == 0:
            continue
        if view.format != "B" or view.ndim != 1:
            view = view.cast("B")
        pending.append(view)
        if len(pending) == _IOV_MAX:
            _writev_all(fd, pending)
            pending = []
    if pending:
        _writev_all(fd, pending)


def _writev_all(fd: int, views: list) -> None:
    first = 0
    while first < len(views):
        written = os.writev(fd, views[first:first + _IOV_MAX])
        while first < len(views) and written >= len(views[first]):
            written -= len(views[first])
            first += 1
        if written:
            views[first] = views[first][written:]


class FrameReader:
    """Reads frames from a binary file object with ``read`` and ``readinto`` (a BufferedReader)."""

    def __init__(self, stream):
        self._stream = stream

    def _read_exact_into(self, view: memoryview, what: str) -> None:
        got = 0
        while got < len(view):
            n = self._stream.readinto(view[got:])
            if not n:
                raise FrameError(f"the stream ended {len(view) - got} bytes short of {what}")
            got += n

    def read(self):
        """(header dict, {name: uint8 array}) of the next frame, or None at end of stream between frames."""
        prefix = bytearray(_PREFIX.size)
        view = memoryview(prefix)
        got = 0
        while got < len(prefix):
            n = self._stream.readinto(view[got:])
            if not n:
                if got == 0:
                    return None
                raise FrameError(f"the stream ended inside a frame prefix ({got} of 8 bytes)")
            got += n
        magic, header_length = _PREFIX.unpack(prefix)
        if magic != MAGIC:
            raise FrameError(f"bad frame magic {bytes(magic)!r} (expected {MAGIC!r})")
        if not 2 <= header_length <= MAX_HEADER:
            raise FrameError(f"frame header length {header_length} outside [2, {MAX_HEADER}]")
        text = bytearray(header_length)
        self._read_exact_into(memoryview(text), "a frame header")
        try:
            header = json.loads(text.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise FrameError(f"frame header is not JSON: {error}") from None
        if not isinstance(header, dict):
            raise FrameError("frame header is not a JSON object")
        payloads = {}
        for entry in header.get("streams") or []:
            try:
                name, length = entry["name"], int(entry["length"])
            except (KeyError, TypeError, ValueError):
                raise FrameError(f"bad stream declaration {entry!r}") from None
            if length < 0:
                raise FrameError(f"stream {name!r} declares a negative length")
            # np.empty does not touch the pages: readinto is the only pass over the payload.
            payload = np.empty(length, dtype=np.uint8)
            self._read_exact_into(memoryview(payload), f"stream {name!r} ({length} bytes)")
            payloads[name] = payload
        return header, payloads
