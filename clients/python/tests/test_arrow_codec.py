"""The numpy Arrow IPC codec: round trips, the stream layout the spec requires, zero copy, and bad input."""

import mmap
import random
import struct

import numpy as np
import pytest

from grnfast import arrow
from grnfast.arrow import _codec
from grnfast.arrow import _flatbuffers as fb

NUMERIC = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
           "float16", "float32", "float64"]


def messages(stream: bytes):
    """(metadata start, metadata size, body start, body length, header type, header) of every message,
    walked independently of the reader."""
    out, pos = [], 0
    while True:
        marker, size = struct.unpack_from("<Ii", stream, pos)
        assert marker == 0xFFFFFFFF
        if size == 0:
            assert pos + 8 == len(stream), "bytes after the end-of-stream marker"
            return out
        meta = memoryview(stream)[pos + 8:pos + 8 + size]
        message = fb.TableReader.root(meta)
        body_length = message.scalar(3, "q", 0)
        out.append((pos + 8, size, pos + 8 + size, body_length, message.scalar(1, "B", 0), message.table(2)))
        pos += 8 + size + body_length


def random_column(type_name, n, rng):
    if type_name.startswith("float"):
        return rng.normal(size=n).astype(type_name)
    info = np.iinfo(type_name)
    return rng.integers(info.min, info.max, size=n, dtype=type_name, endpoint=True)


def assert_column_equal(actual, expected, type_name):
    if type_name == "utf8" or type_name.startswith("list<"):
        expected = list(expected)
        assert len(actual) == len(expected)
        for a, e in zip(actual, expected):
            if e is None:
                assert a is None
            elif type_name == "utf8":
                assert a == e
            else:
                np.testing.assert_array_equal(a, np.asarray(e, dtype=type_name[5:-1]))
                assert a.dtype == np.dtype(type_name[5:-1])
        return
    assert actual.dtype == np.dtype(type_name)
    if isinstance(expected, np.ma.MaskedArray):
        assert isinstance(actual, np.ma.MaskedArray)
        np.testing.assert_array_equal(np.ma.getmaskarray(actual), np.ma.getmaskarray(expected))
        np.testing.assert_array_equal(actual.compressed(), expected.compressed())
    else:
        assert not isinstance(actual, np.ma.MaskedArray)
        # Bitwise: NaN, -0 and every payload survive.
        np.testing.assert_array_equal(actual.view(f"u{actual.dtype.itemsize}"),
                                      np.asarray(expected, dtype=type_name).view(f"u{actual.dtype.itemsize}"))


@pytest.mark.parametrize("type_name", NUMERIC)
@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 1000])
def test_numeric_round_trip(type_name, n):
    values = random_column(type_name, n, np.random.default_rng(n))
    table = arrow.read_stream(arrow.write_stream({"x": values}))
    assert table.schema.fields == (arrow.Field("x", type_name),)
    assert table.num_rows == n
    assert_column_equal(table.column("x"), values, type_name)


def test_special_floats_round_trip_bitwise():
    values = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1e-45, 3.0e38], dtype=np.float64)
    for dtype in (np.float32, np.float64):
        back = arrow.read_stream(arrow.write_stream({"x": values.astype(dtype)})).column("x")
        assert_column_equal(back, values.astype(dtype), np.dtype(dtype).name)


@pytest.mark.parametrize("type_name", ["int32", "int64", "float32", "float64"])
def test_nulls_in_numeric_columns(type_name):
    rng = np.random.default_rng(3)
    for n in (1, 8, 9, 70):
        values = np.ma.MaskedArray(random_column(type_name, n, rng), mask=rng.random(n) < 0.4)
        back = arrow.read_stream(arrow.write_stream({"x": values})).column("x")
        assert_column_equal(back, values, type_name)


def test_none_in_a_list_of_floats_is_a_null():
    back = arrow.read_stream(arrow.write_stream({"x": [1.5, None, 2.5]})).column("x")
    assert back.dtype == np.float64
    assert list(np.ma.getmaskarray(back)) == [False, True, False]
    assert back[0] == 1.5 and back[2] == 2.5


def test_utf8_round_trip_with_nulls_unicode_and_empty_strings():
    values = ["GATA1", None, "", "Ünïcødé ✓", "a" * 1000, None, "tab\tand\nnewline"]
    table = arrow.read_stream(arrow.write_stream({"s": values}))
    assert table.schema.field("s").type == "utf8"
    assert_column_equal(table.column("s"), values, "utf8")


@pytest.mark.parametrize("inner", ["float32", "float64", "int32", "int64"])
def test_list_round_trip_with_nulls_and_empty_lists(inner):
    values = [np.arange(3, dtype=inner), None, np.empty(0, dtype=inner), np.array([7], dtype=inner), None,
              np.arange(10, dtype=inner) * 2]
    table = arrow.read_stream(arrow.write_stream({"l": values}, schema=[("l", f"list<{inner}>")]))
    assert table.schema.field("l").type == f"list<{inner}>"
    assert_column_equal(table.column("l"), values, f"list<{inner}>")


def test_several_batches_empty_batches_and_metadata():
    batches = [
        {"a": np.array([1.0, 2.0]), "s": ["x", None]},
        {"a": np.empty(0), "s": []},
        {"a": np.array([3.0]), "s": ["z"]},
    ]
    schema = arrow.Schema([arrow.Field("a", "float64", False, {"unit": "counts"}), arrow.Field("s", "utf8")],
                          {"source": "test", "empty": ""})
    table = arrow.read_stream(arrow.write_stream(batches, schema=schema))
    assert table.schema == schema
    assert table.metadata == {"source": "test", "empty": ""}
    assert [b.num_rows for b in table.batches] == [2, 0, 1]
    np.testing.assert_array_equal(table.column("a"), [1.0, 2.0, 3.0])
    assert list(table.column("s")) == ["x", None, "z"]
    frame = table.to_pandas()
    assert list(frame.columns) == ["a", "s"] and len(frame) == 3


def test_a_stream_without_batches():
    data = arrow.write_stream([], schema=[("a", "float32"), ("b", "list<int64>")], metadata={"k": "v"})
    table = arrow.read_stream(data)
    assert table.batches == [] and table.num_rows == 0
    assert table.schema.names == ["a", "b"] and table.metadata == {"k": "v"}
    assert table.column("a").dtype == np.float32 and len(table.column("a")) == 0


def test_layout_alignment_padding_and_end_marker():
    rng = np.random.default_rng(1)
    stream = arrow.write_stream([{"f": rng.normal(size=n).astype(np.float32), "s": ["ab"] * n,
                                  "l": [np.arange(k % 3, dtype=np.int32) for k in range(n)]}
                                 for n in (1, 3, 5, 0, 7)],
                                schema=[("f", "float32"), ("s", "utf8"), ("l", "list<int32>")])
    assert stream.endswith(b"\xff\xff\xff\xff\x00\x00\x00\x00")
    assert len(stream) % 8 == 0
    found = messages(stream)
    assert [m[4] for m in found] == [1] + [3] * 5  # a schema, then five record batches
    for meta_start, meta_size, body_start, body_length, kind, header in found:
        assert meta_start % 8 == 0 and body_start % 8 == 0 and body_length % 8 == 0
        if kind == 3:
            for offset, length in header.struct_vector(2, struct.Struct("<qq")):
                assert offset % 8 == 0 and offset + length <= body_length
    # No validity bitmaps without nulls: every validity buffer (the first of each array) is empty.
    first_batch = found[1][5]
    buffers = first_batch.struct_vector(2, struct.Struct("<qq"))
    assert [buffers[i][1] for i in (0, 2, 5)] == [0, 0, 0]  # f: validity; s: validity; l: validity


def test_reads_are_views_of_the_input_buffer():
    values = np.arange(1000, dtype=np.float64)
    source = np.frombuffer(arrow.write_stream({"v": values, "l": [values[:10], values[10:30]] * 500}),
                           dtype=np.uint8).copy()
    table = arrow.read_stream(source)
    column = table.column("v")
    assert np.shares_memory(column, source)
    assert np.shares_memory(table.column("l")[1], source)
    source[:] = 0  # a view sees the change: nothing was copied
    assert not column.any()


def test_reads_from_a_memory_map_and_a_path_are_views_of_the_mapping(tmp_path):
    path = tmp_path / "m.arrows"
    path.write_bytes(arrow.write_stream({"v": np.arange(4096, dtype=np.float32)}))
    with open(path, "rb") as f:
        mapping = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        column = arrow.read_stream(mapping).column("v")
        assert np.shares_memory(column, np.frombuffer(mapping, dtype=np.uint8))
        del column
    column = arrow.read_stream(path).column("v")
    np.testing.assert_array_equal(column, np.arange(4096, dtype=np.float32))
    assert not column.flags.writeable and not column.flags.owndata
    base = column
    while getattr(base, "base", None) is not None and not isinstance(base, memoryview):
        base = base.base
    assert isinstance(base, memoryview) and isinstance(base.obj, mmap.mmap)


def test_writing_hands_over_the_columns_own_memory():
    values = np.arange(1 << 16, dtype=np.float64)
    parts = arrow.encode_stream({"v": values})
    assert any(np.shares_memory(np.frombuffer(p, dtype=np.uint8), values) for p in parts
               if memoryview(p).nbytes >= values.nbytes)
    assert b"".join(parts) == arrow.write_stream({"v": values})


def test_legacy_streams_without_continuation_markers_are_read():
    modern = arrow.write_stream({"v": np.arange(5, dtype=np.int32)})
    legacy, pos = bytearray(), 0
    for meta_start, meta_size, body_start, body_length, _, _ in messages(modern):
        legacy += struct.pack("<i", meta_size) + modern[meta_start:body_start + body_length]
    legacy += struct.pack("<i", 0)
    np.testing.assert_array_equal(arrow.read_stream(bytes(legacy)).column("v"), np.arange(5))


def test_a_stream_without_end_marker_is_read_to_its_end():
    stream = arrow.write_stream({"v": np.arange(5, dtype=np.int64)})
    np.testing.assert_array_equal(arrow.read_stream(stream[:-8]).column("v"), np.arange(5))


def _replace_batch(stream: bytes, header: fb.Table, body: bytes) -> bytes:
    schema_end = messages(stream)[0][2]
    flatbuffer = fb.build(fb.Table(fb.Scalar("h", 4), fb.Scalar("B", 3), header, fb.Scalar("q", len(body))))
    return (stream[:schema_end] + struct.pack("<Ii", 0xFFFFFFFF, len(flatbuffer)) + flatbuffer + body
            + _codec.END_OF_STREAM)


def test_compressed_bodies_are_rejected_clearly():
    stream = arrow.write_stream({"v": np.arange(4, dtype=np.float64)})
    pair = struct.Struct("<qq")
    header = fb.Table(
        fb.Scalar("q", 4),
        fb.StructVector(pair.pack(4, 0), 1, 8),
        fb.StructVector(pair.pack(0, 0) + pair.pack(0, 32), 2, 8),
        fb.Table(fb.Scalar("b", 1), fb.Scalar("b", 0)),  # BodyCompression(ZSTD, BUFFER)
    )
    with pytest.raises(arrow.ArrowFormatError, match=r"compressed bodies \(ZSTD\) are not supported"):
        arrow.read_stream(_replace_batch(stream, header, bytes(32)))


def test_unsupported_types_and_dictionaries_are_named():
    def schema_stream(type_id, type_table, dictionary=None):
        field = fb.Table("flag", fb.Scalar("?", True), fb.Scalar("B", type_id), type_table, dictionary,
                         fb.TableVector([]))
        flatbuffer = fb.build(fb.Table(fb.Scalar("h", 4), fb.Scalar("B", 1),
                                       fb.Table(fb.Scalar("h", 0), fb.TableVector([field])), fb.Scalar("q", 0)))
        return struct.pack("<Ii", 0xFFFFFFFF, len(flatbuffer)) + flatbuffer + _codec.END_OF_STREAM

    with pytest.raises(arrow.ArrowFormatError, match="field 'flag': unsupported Arrow type Bool"):
        arrow.read_stream(schema_stream(6, fb.Table()))
    with pytest.raises(arrow.ArrowFormatError, match="dictionary-encoded"):
        arrow.read_stream(schema_stream(5, fb.Table(), fb.Table(fb.Scalar("q", 0))))


def test_truncated_streams_raise_format_errors():
    stream = arrow.write_stream([{"v": np.arange(64, dtype=np.float64), "s": ["abc"] * 64}] * 2)
    boundaries = {start - 8 for start, *_ in messages(stream)} | {len(stream) - 8}
    for cut in range(1, len(stream) - 8):
        if cut in boundaries:
            # A stream may end without its marker (as streams did before it existed): fewer batches.
            assert arrow.read_stream(stream[:cut]).num_rows < 128
            continue
        with pytest.raises(arrow.ArrowFormatError):
            arrow.read_stream(stream[:cut])


def test_truncated_file_names_the_path(tmp_path):
    path = tmp_path / "cut.arrows"
    path.write_bytes(arrow.write_stream({"v": np.arange(64, dtype=np.float64)})[:150])
    with pytest.raises(arrow.ArrowFormatError, match="cut.arrows"):
        arrow.read_stream(path)


def test_bad_offsets_are_rejected():
    stream = bytearray(arrow.write_stream({"s": ["ab", "cd"]}))
    batch = messages(bytes(stream))[1]
    offsets_at = batch[2]  # the body starts with the offsets (no validity bytes)
    assert struct.unpack_from("<3i", stream, offsets_at) == (0, 2, 4)
    struct.pack_into("<i", stream, offsets_at + 4, 9)
    with pytest.raises(arrow.ArrowFormatError, match="offsets are not non-decreasing"):
        arrow.read_stream(bytes(stream))


def test_mutated_streams_raise_only_format_errors():
    rng = random.Random(20240607)
    original = arrow.write_stream([{"f": np.arange(9, dtype=np.float32), "s": ["a", None, "ccc"] * 3,
                                    "l": [np.arange(k, dtype=np.int64) for k in range(9)]}] * 2,
                                  metadata={"k": "v"})
    outcomes = {"ok": 0, "error": 0}
    for _ in range(3000):
        data = bytearray(original)
        for _ in range(rng.randint(1, 4)):
            kind = rng.random()
            if kind < 0.6:
                data[rng.randrange(len(data))] = rng.randrange(256)
            elif kind < 0.8:
                del data[rng.randrange(len(data)):]
            else:
                struct.pack_into("<i", data, rng.randrange(len(data) - 4) & ~3, rng.choice([-1, 0, 1 << 30, 8]))
        try:
            table = arrow.read_stream(bytes(data))
            for i in range(len(table.schema)):
                table.column(i)
            outcomes["ok"] += 1
        except arrow.ArrowFormatError:
            outcomes["error"] += 1
    assert outcomes["error"] > 100 and outcomes["ok"] > 100, outcomes


def test_writer_rejects_bad_columns():
    with pytest.raises(ValueError, match="differ in length"):
        arrow.write_stream({"a": np.zeros(3), "b": np.zeros(2)})
    with pytest.raises(TypeError, match="without loss"):
        arrow.write_stream({"a": np.array([1.5])}, schema=[("a", "int32")])
    with pytest.raises(TypeError, match="boolean columns are not supported"):
        arrow.write_stream({"a": np.array([True])})
    with pytest.raises(TypeError, match="cannot map values of type complex"):
        arrow.write_stream({"a": np.array([1j])})
    with pytest.raises(TypeError, match="unsupported Arrow type 'bool'"):
        arrow.write_stream({"a": [1]}, schema=[("a", "bool")])
    with pytest.raises(TypeError, match="all-null"):
        arrow.write_stream({"a": [None, None]})
    with pytest.raises(ValueError, match="has columns"):
        arrow.write_stream([{"a": [1.0]}, {"b": [1.0]}])
    with pytest.raises(ValueError, match="needs a schema"):
        arrow.write_stream([])
    with pytest.raises(TypeError, match="utf8 values must be str"):
        arrow.write_stream({"a": ["x", 3]}, schema=[("a", "utf8")])


def test_pandas_frames_are_batches():
    import pandas as pd

    frame = pd.DataFrame({"g": ["a", "b"], "x": np.array([1, 2], dtype=np.int32)})
    table = arrow.read_stream(arrow.write_stream(frame))
    assert table.schema.names == ["g", "x"] and table.schema.field("x").type == "int32"
    assert table.to_pandas().equals(frame)


def test_the_tests_use_the_numpy_codec():
    assert arrow.backend == "codec"
    assert arrow.read_stream is _codec.read_stream
