"""Cross-implementation check: streams the Python codec writes are read by the official Apache Arrow JS
implementation (npm apache-arrow, pinned in tests/js/package-lock.json), and streams it writes are read by
the Python codec, with identical schemas, metadata, batch boundaries and values (floats bit for bit).

Both sides start from one JSON description of a stream (see tests/js/arrow_json.mjs): numbers as exact
strings, nulls as null.
"""

import json
import os
import shutil
import struct
import subprocess

import numpy as np
import pytest

from grnfast import arrow

JS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "js")
INT_RANGES = {t: (int(np.iinfo(t).min), int(np.iinfo(t).max))
              for t in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")}


@pytest.fixture(scope="module")
def node():
    executable = shutil.which("node")
    if executable is None:
        pytest.fail("node is not installed; the JS interop test needs Node.js (and ./run-tests to set it up)")
    if not os.path.isfile(os.path.join(JS_DIR, "node_modules", "apache-arrow", "package.json")):
        pytest.fail(f"{JS_DIR}/node_modules is missing: run ./run-tests (it runs `npm ci` there) or "
                    f"`npm ci --prefix {JS_DIR}`")
    return executable


def run_js(node, command, source, target):
    done = subprocess.run([node, os.path.join(JS_DIR, "arrow_json.mjs"), command, str(source), str(target)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"node arrow_json.mjs {command} failed:\n{done.stderr}"


def text(value):
    """A number as the JSON description writes it (shortest round-trip decimal, like JS String())."""
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    value = float(value)
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0" if np.signbit(value) else "0"
    return repr(value).replace("e+", "e")


def field(name, type_name, nullable=True, metadata=None):
    return {"name": name, "type": type_name, "nullable": nullable, "metadata": metadata or {}}


def spec_of(fields, batches, metadata=None):
    return {"schema": {"fields": fields, "metadata": metadata or {}},
            "batches": [{"length": len(next(iter(b.values()))) if b else 0, "columns": b} for b in batches]}


def numbers(values):
    return [None if v is None else text(v) for v in values]


def cases():
    rng = np.random.default_rng(7)
    out = {}
    numeric = {}
    fields = []
    for t, (lo, hi) in INT_RANGES.items():
        fields.append(field(t, t))
        numeric[t] = numbers([lo, hi, 0, 1, -1 if lo < 0 else 2])
    for t, values in (("float16", [0.5, -2.0, 65504.0, 0.0, 1.5]),
                      ("float32", [float(np.float32(0.1)), -3.5, 1e-45, 3.4028234663852886e38, 2.0]),
                      ("float64", [0.1, -1e308, 5e-324, 123456.789, 2.0])):
        fields.append(field(t, t))
        numeric[t] = numbers(values)
    out["every numeric type"] = spec_of(fields, [numeric])
    specials = [float("nan"), float("inf"), float("-inf"), -0.0, 0.0]
    out["NaN, infinities and negative zero"] = spec_of(
        [field("f32", "float32"), field("f64", "float64")], [{"f32": numbers(specials), "f64": numbers(specials)}])
    out["nulls"] = spec_of(
        [field("f64", "float64"), field("f32", "float32"), field("i32", "int32"), field("i64", "int64"),
         field("s", "utf8"), field("l", "list<float64>"), field("li", "list<int64>")],
        [{"f64": ["1.5", None, "2.5", None, "-0", None, "3", "4", "5"],
          "f32": [None, "1", "2", "3", "4", "5", "6", "7", None],
          "i32": ["1", None, "3", "4", "5", "6", "7", "8", "9"],
          "i64": [None, None, "9223372036854775807", "-9223372036854775808", "0", None, "1", "2", "3"],
          "s": ["GATA1", None, "", "SPI1", None, "é✓", "x", None, "y"],
          "l": [["1.5", "2"], None, [], ["NaN"], None, ["-Infinity", "0"], [], ["1"], None],
          "li": [None, ["1"], [], ["9223372036854775807", "-1"], None, [], ["2"], None, ["3", "4", "5"]]}])
    out["strings"] = spec_of([field("s", "utf8", nullable=False)],
                             [{"s": ["", "a", "Ünïcødé", "日本語", "tab\tnewline\n", "x" * 3000, "\u0000nul"]}])
    out["lists of every number type"] = spec_of(
        [field(f"l_{t}", f"list<{t}>") for t in ("int32", "int64", "float32", "float64")],
        [{f"l_{t}": [["1", "2", "3"], [], ["-7"], ["0", "0"]] for t in ("int32", "int64", "float32", "float64")}])
    out["metadata"] = spec_of(
        [field("g", "float32", nullable=False, metadata={"unit": "log1p counts", "empty": ""}),
         field("name", "utf8", metadata={"role": "cell"})],
        [{"g": ["1", "2"], "name": ["c1", "c2"]}],
        metadata={"grnfast.kind": "expression", "note": "ä ✓", "": "empty key"})
    out["several batches, some empty"] = spec_of(
        [field("x", "float64"), field("s", "utf8"), field("l", "list<int32>")],
        [{"x": ["1", "2"], "s": ["a", None], "l": [["1"], None]},
         {"x": [], "s": [], "l": []},
         {"x": ["3"], "s": ["c"], "l": [[]]},
         {"x": [], "s": [], "l": []}])
    out["schema only"] = spec_of([field("x", "float64"), field("s", "utf8")], [], metadata={"k": "v"})
    big = 20000
    out["large random columns"] = spec_of(
        [field("f64", "float64"), field("f32", "float32"), field("i64", "int64"), field("s", "utf8")],
        [{"f64": numbers(rng.normal(size=big)),
          "f32": numbers(rng.normal(size=big).astype(np.float32)),
          "i64": numbers(rng.integers(-2**62, 2**62, size=big)),
          "s": [f"gene{i}" if i % 97 else None for i in range(big)]} for _ in range(2)])
    return out


CASES = cases()


def canonical_number(value, type_name):
    if value is None:
        return None
    if type_name.startswith("float"):
        dtype = np.dtype(type_name)
        parsed = np.array(float(value)).astype(dtype) if isinstance(value, str) else np.array(value, dtype=dtype)
        if np.isnan(parsed):
            return "NaN"
        return int(parsed.view(f"u{dtype.itemsize}"))  # the exact bits
    return int(value)


def canonical_value(value, type_name):
    if value is None:
        return None
    if type_name == "utf8":
        return value
    if type_name.startswith("list<"):
        return [canonical_number(v, type_name[5:-1]) for v in value]
    return canonical_number(value, type_name)


def canonical_spec(spec):
    types = {f["name"]: f["type"] for f in spec["schema"]["fields"]}
    return {
        "schema": spec["schema"],
        "batches": [{"length": b["length"],
                     "columns": {n: [canonical_value(v, types[n]) for v in values]
                                 for n, values in b["columns"].items()}} for b in spec["batches"]],
    }


def python_column(values, type_name):
    """The Python column for a described one: numbers parsed exactly, nulls as masks or None."""
    if type_name == "utf8":
        return values
    if type_name.startswith("list<"):
        inner = type_name[5:-1]
        return [None if v is None else python_column(v, inner) for v in values]
    parse = int if type_name in INT_RANGES else float
    data = np.array([0 if v is None else parse(v) for v in values], dtype=object)
    data = np.array(data.tolist(), dtype=type_name) if len(values) else np.empty(0, dtype=type_name)
    if any(v is None for v in values):
        return np.ma.MaskedArray(data, mask=[v is None for v in values])
    return data


def python_write(spec) -> bytes:
    schema = arrow.Schema([arrow.Field(f["name"], f["type"], f["nullable"], f["metadata"])
                           for f in spec["schema"]["fields"]], spec["schema"]["metadata"])
    batches = [{f.name: python_column(b["columns"][f.name], f.type) for f in schema} for b in spec["batches"]]
    return arrow.write_stream(batches, schema=schema)


def described(table: arrow.Table) -> dict:
    """A table read by the Python codec in the canonical description."""
    def value(v, type_name):
        if v is None or v is np.ma.masked:
            return None
        if type_name == "utf8":
            return v
        if type_name.startswith("list<"):
            return [canonical_number(x, type_name[5:-1]) for x in np.asarray(v)]
        return canonical_number(v, type_name)

    fields = [field(f.name, f.type, f.nullable, dict(f.metadata)) for f in table.schema]
    batches = []
    for batch in table.batches:
        columns = {}
        for f, column in zip(table.schema, batch.columns):
            mask = np.ma.getmaskarray(column) if isinstance(column, np.ma.MaskedArray) else None
            data = column.data if mask is not None else column
            columns[f.name] = [None if mask is not None and mask[i] else value(data[i], f.type)
                               for i in range(len(column))]
        batches.append({"length": batch.num_rows, "columns": columns})
    return {"schema": {"fields": fields, "metadata": dict(table.metadata)}, "batches": batches}


@pytest.mark.parametrize("name", list(CASES))
def test_js_reads_what_python_writes(node, tmp_path, name):
    spec = CASES[name]
    stream = tmp_path / "python.arrows"
    stream.write_bytes(python_write(spec))
    run_js(node, "read", stream, tmp_path / "js.json")
    seen = json.loads((tmp_path / "js.json").read_text())
    assert canonical_spec(seen) == canonical_spec(spec)


@pytest.mark.parametrize("name", list(CASES))
def test_python_reads_what_js_writes(node, tmp_path, name):
    spec = CASES[name]
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    run_js(node, "write", tmp_path / "spec.json", tmp_path / "js.arrows")
    data = (tmp_path / "js.arrows").read_bytes()
    assert struct.unpack_from("<I", data)[0] == 0xFFFFFFFF  # the modern format, with continuation markers
    assert described(arrow.read_stream(data)) == canonical_spec(spec)
