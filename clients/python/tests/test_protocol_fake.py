"""The client against a fake host (tests/fake_host.py): framing, request fields, input kinds, progress,
cancellation, timeouts, host errors and a host that dies or misbehaves."""

import json
import logging
import os
import sys
import threading
import time

import numpy as np
import pandas as pd
import pytest

import grnfast
from grnfast import _frames, _inputs, arrow
from conftest import CLIENT_DIR, REPO_DIR

FAKE_HOST = os.path.join(CLIENT_DIR, "tests", "fake_host.py")
GENES = [f"G{i}" for i in range(8)]


@pytest.fixture
def fake(monkeypatch, tmp_path):
    """Points the client at the fake host; returns the path of its request log."""
    log = tmp_path / "requests.jsonl"
    monkeypatch.setenv("GRNFAST_EXECUTABLE", f"{sys.executable} {FAKE_HOST}")
    monkeypatch.setenv("FAKE_HOST_LOG", str(log))
    monkeypatch.delenv("FAKE_HOST_MODE", raising=False)
    monkeypatch.delenv("FAKE_HOST_DELAY", raising=False)
    return log


def requests_seen(log):
    return [json.loads(line) for line in log.read_text().splitlines()]


def expression(cells=40, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(cells, len(GENES)))
    x[:, 3] += 2 * x[:, 0]  # some structure, so the ranking is not all ties
    return x


def correlation_network(x, regulators, genes=GENES):
    """What the fake host computes, straight from the matrix."""
    corr = np.corrcoef(x, rowvar=False)
    edges = [(r, t, abs(corr[genes.index(r), genes.index(t)]), corr[genes.index(r), genes.index(t)])
             for t in genes for r in regulators if r != t]
    edges.sort(key=lambda e: (-e[2], e[0], e[1]))
    return pd.DataFrame(edges, columns=["TF", "target", "importance", "coef"])


# --------------------------------------------------------------------------------------------- frames

def test_frames_round_trip_through_a_pipe_with_more_buffers_than_one_writev_takes():
    payload = [np.full(n % 13 + 1, n % 256, dtype=np.uint8) for n in range(3000)]
    expected = b"".join(bytes(p) for p in payload)
    read_fd, write_fd = os.pipe()
    result = {}

    def read():
        with os.fdopen(read_fd, "rb") as f:
            reader = _frames.FrameReader(f)
            result["frames"] = [reader.read(), reader.read(), reader.read()]

    thread = threading.Thread(target=read)
    thread.start()
    _frames.write_buffers(write_fd, _frames.encode_frame({"op": "echo", "id": 1}, {"a": payload, "b": b""}))
    _frames.write_buffers(write_fd, _frames.encode_frame({"op": "ping", "id": "x"}))
    os.close(write_fd)
    thread.join(30)
    (h1, p1), (h2, p2), end = result["frames"]
    assert h1 == {"op": "echo", "id": 1, "streams": [{"name": "a", "length": len(expected)},
                                                     {"name": "b", "length": 0}]}
    assert bytes(p1["a"]) == expected and bytes(p1["b"]) == b""
    assert h2 == {"op": "ping", "id": "x"} and p2 == {}
    assert end is None


@pytest.mark.parametrize("data, message", [
    (b"GRNX\x02\x00\x00\x00{}", "bad frame magic"),
    (b"GRNF\x01\x00\x00\x00{", "header length 1 outside"),
    (b"GRNF\x05\x00\x00\x00{}", "ended 3 bytes short of a frame header"),
    (b"GRNF\x02\x00\x00\x00[]", "not a JSON object"),
    (b"GRNF\x02\x00\x00\x00{x", "not JSON"),
    (b"GRNF\x2c\x00\x00\x00" + b'{"streams":[{"name":"a","length":10}],"x":1}' + b"12345", "short of stream 'a'"),
    (b"GRN", "inside a frame prefix"),
])
def test_frame_reader_names_what_is_wrong(tmp_path, data, message):
    path = tmp_path / "frames"
    path.write_bytes(data)
    with open(path, "rb") as f, pytest.raises(_frames.FrameError, match=message):
        _frames.FrameReader(f).read()


def test_lazy_payload_that_lies_about_its_length_is_caught():
    payload = _frames.LazyPayload(5, lambda: [b"abc"])
    with pytest.raises(RuntimeError, match="produced 3 bytes, 5 declared"):
        list(payload)


# --------------------------------------------------------------------------------------------- basics

def test_hello_ping_info_and_echo(fake):
    with grnfast.Session() as session:
        assert session.hello["protocol"] == 1
        assert session.ping() > 0
        assert session.info()["version"] == "0.0.0-fake"
        big = np.random.default_rng(0).integers(0, 256, size=(1 << 22) + 3, dtype=np.uint8)
        back = session.echo({"big": big, "empty": b"", "parts": [b"ab", memoryview(b"cd"), np.arange(3, dtype=np.int64)]})
        assert np.array_equal(back["big"], big)
        assert bytes(back["empty"]) == b""
        assert bytes(back["parts"]) == b"abcd" + np.arange(3, dtype=np.int64).tobytes()
        assert session.close() == 0
    with pytest.raises(grnfast.GrnFastError, match="closed"):
        session.ping()


def test_unknown_ops_and_host_errors_raise_grnfast_error(fake):
    with grnfast.Session() as session:
        with pytest.raises(grnfast.GrnFastError) as caught:
            session._call("bogus")
        assert caught.value.code == "unknown_op" and caught.value.data == {"field": "op"}
        with pytest.raises(grnfast.GrnFastError) as caught:
            session.infer(expression(), ["NOT_A_GENE"], genes=GENES)
        assert caught.value.code == "bad_input"
        assert "none of the regulators" in caught.value.message
        assert caught.value.data == {"field": "regulators"}
        assert session.ping() > 0  # the host keeps running


def test_client_side_argument_errors_send_nothing(fake):
    with grnfast.Session() as session:
        with pytest.raises(TypeError, match="unknown option 'l1ratio'"):
            session.infer(expression(), ["G0"], genes=GENES, l1ratio=0.5)
        with pytest.raises(TypeError, match="needs genes="):
            session.infer(expression(), ["G0"])
        with pytest.raises(ValueError, match="3 gene names for a matrix of 8 columns"):
            session.infer(expression(), ["G0"], genes=GENES[:3])
        with pytest.raises(TypeError, match="must be numeric"):
            session.infer(np.array([["a"] * 8]), ["G0"], genes=GENES)
        with pytest.raises(TypeError, match="list of gene names"):
            session.infer(expression(), "G0", genes=GENES)
        assert session.ping() > 0
    assert [r["op"] for r in requests_seen(fake)] == ["ping", "shutdown"]


# --------------------------------------------------------------------------------------------- infer

def test_request_fields_map_the_python_options(fake, tmp_path):
    prior_path = tmp_path / "prior.tsv"
    prior_path.write_text("G0\tG3\t1\n")
    prior = pd.DataFrame({"regulator": ["G0", "G1"], "target": ["G3", "G4"], "weight": [0.9, 0.2]})
    with grnfast.Session() as session:
        session.infer(expression(), ["G0", "G1"], [prior, str(prior_path)], method="elasticnet", genes=GENES,
                      l1_ratio=0.7, alpha=None, path=20, path_min_ratio=0.01, select="cv:5", tol=1e-5,
                      max_sweeps=500, precision="float32", solver="cd", threads=np.int64(1), seed=3, prior_mode="mask",
                      prior_weight=0.25, targets=["G3", "G4"], request_id="mine")
    (request,) = [r for r in requests_seen(fake) if r["op"] == "infer"]
    assert request["id"] == "mine"
    assert request["method"] == "elasticnet"
    assert request["regulators"] == ["G0", "G1"]
    assert request["options"] == {"l1Ratio": 0.7, "alpha": None, "path": 20, "pathMinRatio": 0.01,
                                  "select": "cv:5", "tol": 1e-5, "maxSweeps": 500, "precision": "float32",
                                  "solver": "cd", "threads": 1, "seed": 3}
    assert request["priorMode"] == "mask" and request["priorWeight"] == 0.25
    assert request["targets"] == ["G3", "G4"]
    assert request["expression"] == {"stream": "expression"}
    assert request["priors"] == [{"stream": "prior0"}, {"path": str(prior_path)}]
    assert [s["name"] for s in request["streams"]] == ["expression", "prior0"]
    assert request["progress"] is False


def test_prior_frames_become_regulator_target_weight_streams():
    frame = pd.DataFrame({"tf": ["A", "B"], "gene": ["C", "D"], "confidence": [1, 0.5]})
    sources, streams = _inputs.prior_sources([frame, frame[["tf", "gene"]]])
    assert sources == [{"stream": "prior0"}, {"stream": "prior1"}]
    table = arrow.read_stream(b"".join(streams["prior0"]))
    assert table.schema.names == ["regulator", "target", "weight"]
    assert list(table.column("regulator")) == ["A", "B"] and list(table.column("weight")) == [1.0, 0.5]
    assert arrow.read_stream(b"".join(streams["prior1"])).schema.names == ["regulator", "target"]
    with pytest.raises(ValueError, match="NaN"):
        _inputs.prior_sources(pd.DataFrame({"regulator": ["A"], "target": ["B"], "weight": [np.nan]}))


def test_every_input_kind_gives_the_same_network(fake, tmp_path):
    import anndata
    import scipy.sparse

    x = expression().astype(np.float32).astype(np.float64)  # the same values in the float32 file
    x[x < -0.5] = 0  # zeros, so the sparse forms are sparse
    expected = correlation_network(x, ["G0", "G1", "G5"])
    frame = pd.DataFrame(x, columns=GENES)
    path = tmp_path / "x.arrows"
    grnfast.write_arrows(path, frame)
    inputs = {
        "numpy C order": dict(data=np.ascontiguousarray(x), genes=GENES),
        "numpy F order": dict(data=np.asfortranarray(x), genes=GENES),
        "DataFrame": dict(data=frame),
        "AnnData dense": dict(data=anndata.AnnData(X=x, var=pd.DataFrame(index=GENES), dtype=x.dtype)),
        "AnnData CSR": dict(data=anndata.AnnData(X=scipy.sparse.csr_matrix(x), var=pd.DataFrame(index=GENES),
                                                 dtype=x.dtype)),
        "AnnData CSC layer": dict(data=anndata.AnnData(X=np.zeros_like(x), var=pd.DataFrame(index=GENES), dtype=x.dtype,
                                                       layers={"norm": scipy.sparse.csc_matrix(x)}),
                                  layer="norm"),
        "scipy CSR": dict(data=scipy.sparse.csr_matrix(x), genes=GENES),
        ".arrows by path": dict(data=str(path)),
    }
    with grnfast.Session() as session:
        for name, kwargs in inputs.items():
            network = session.infer(regulators=["G0", "G1", "G5"], **kwargs)
            pd.testing.assert_frame_equal(network, expected, check_exact=False, rtol=1e-12, obj=name)
            assert network.attrs["grnfast"]["edges"] == len(expected)
    sent = [r["expression"] for r in requests_seen(fake) if r["op"] == "infer"]
    assert sent[-1] == {"path": str(path)}
    assert all(s == {"stream": "expression"} for s in sent[:-1])


def dense_of_file(path):
    """The cells x genes matrix of an expression file or directory of parts written by write_arrows."""
    parts = sorted(os.path.join(path, p) for p in os.listdir(path)) if os.path.isdir(path) else [path]
    blocks = []
    for part in parts:
        table = arrow.read_stream(part)
        if table.metadata.get("grnfast.layout") == "csr":
            genes = table.metadata["grnfast.genes"].split("\n")
            for batch in table.batches:
                block = np.zeros((batch.num_rows, len(genes)), dtype=np.float32)
                for row, (index, value) in enumerate(zip(batch["indices"], batch["data"])):
                    assert index.dtype == np.int32 and value.dtype == np.float32
                    block[row, index] = value
                blocks.append((genes, block))
        else:
            assert {f.type for f in table.schema} == {"float32"}
            blocks.extend((table.schema.names, np.column_stack([b[g] for g in table.schema.names]))
                          for b in table.batches)
    assert len({tuple(g) for g, _ in blocks}) == 1
    return blocks[0][0], np.vstack([b for _, b in blocks])


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("part_bytes", [None, 2000])
def test_write_arrows_dense_or_csr_in_one_file_or_parts(tmp_path, sparse, part_bytes):
    import scipy.sparse

    x = expression(cells=301)
    x[x < 0.3] = 0
    data = scipy.sparse.csr_matrix(x) if sparse else x
    path = grnfast.write_arrows(tmp_path / "x.arrows", data, genes=GENES, part_bytes=part_bytes)
    assert os.path.isdir(path) == (part_bytes is not None)
    if part_bytes:
        assert len(os.listdir(path)) > 2 and all(os.path.getsize(os.path.join(path, p)) < 2 * part_bytes
                                                 for p in os.listdir(path))
    genes, back = dense_of_file(path)
    assert genes == GENES
    np.testing.assert_array_equal(back, x.astype(np.float32))
    assert [p.name for p in tmp_path.iterdir()] == ["x.arrows"]  # no temporary left behind


def test_float32_input_goes_as_float32():
    x = expression().astype(np.float32)
    table = arrow.read_stream(b"".join(_inputs.matrix_payload(x, GENES)))
    assert {f.type for f in table.schema} == {"float32"}
    assert not any(f.nullable for f in table.schema)
    np.testing.assert_array_equal(np.column_stack([table.column(g) for g in GENES]), x)


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_matrices_go_in_blocks_of_cells_without_changing_a_value(order, dtype):
    x = (np.arange(101 * 8).reshape(101, 8) % 17).astype(dtype, order=order)
    payload = _inputs.matrix_payload(x, GENES, block_rows=10)
    data = b"".join(payload)
    assert len(data) == payload.length
    table = arrow.read_stream(data)
    assert [b.num_rows for b in table.batches] == [10] * 10 + [1]
    np.testing.assert_array_equal(np.column_stack([table.column(g) for g in GENES]), x)


def test_a_column_major_matrix_is_sent_from_its_own_memory():
    x = np.asfortranarray(expression(cells=1000))
    buffers = list(_inputs.matrix_payload(x, GENES))
    shared = [b for b in buffers if np.shares_memory(np.frombuffer(b, dtype=np.uint8), x)]
    assert sum(memoryview(b).nbytes for b in shared) == x.nbytes  # the whole matrix, in place


def test_progress_arrives_in_the_waiting_thread(fake):
    seen = []
    with grnfast.Session() as session:
        session.infer(expression(), ["G0"], genes=GENES,
                      progress=lambda done, total: seen.append((done, total, threading.current_thread())))
    assert [(d, t) for d, t, _ in seen] == [(i, len(GENES)) for i in range(1, len(GENES) + 1)]
    assert all(thread is threading.main_thread() for _, _, thread in seen)
    assert [r["progress"] for r in requests_seen(fake) if r["op"] == "infer"] == [True]


def test_cancel_with_an_event(fake, monkeypatch):
    monkeypatch.setenv("FAKE_HOST_DELAY", "0.05")
    stop = threading.Event()
    progress = []
    with grnfast.Session() as session:
        threading.Timer(0.2, stop.set).start()
        started = time.monotonic()
        with pytest.raises(grnfast.GrnFastError) as caught:
            session.infer(expression(), ["G0"], genes=GENES * 1, targets=GENES * 10, cancel=stop,
                          progress=lambda d, t: progress.append(d))
        assert caught.value.code == "cancelled"
        assert time.monotonic() - started < 2
        assert 0 < len(progress) < 80
        # The cancel request's own reply may still be on its way when the infer's error arrives: it closes soon after.
        deadline = time.monotonic() + 5
        while session.open_requests and time.monotonic() < deadline:
            time.sleep(0.01)
        assert session.open_requests == []
        assert session.ping() > 0


def test_cancel_from_another_thread_by_id(fake, monkeypatch):
    monkeypatch.setenv("FAKE_HOST_DELAY", "0.05")
    with grnfast.Session() as session:
        answers = []
        threading.Timer(0.2, lambda: answers.append(session.cancel("long"))).start()
        with pytest.raises(grnfast.GrnFastError) as caught:
            session.infer(expression(), ["G0"], genes=GENES, targets=GENES * 10, request_id="long")
        assert caught.value.code == "cancelled"
        time.sleep(0.1)
        assert answers == [True]
        assert session.cancel("long") is False  # no longer running


def test_submit_returns_a_handle_that_can_be_cancelled(fake, monkeypatch):
    monkeypatch.setenv("FAKE_HOST_DELAY", "0.05")
    with grnfast.Session() as session:
        first = session.submit(expression(), ["G0"], genes=GENES, targets=GENES * 10)
        second = session.submit(expression(seed=1), ["G0"], genes=GENES)  # queued behind the first
        assert first.id != second.id and session.open_requests == [first.id, second.id]
        assert session.ping() < 1  # answered while the infer runs
        assert first.cancel() is True
        with pytest.raises(grnfast.GrnFastError, match="cancelled"):
            first.result()
        pd.testing.assert_frame_equal(second.result(timeout=30), correlation_network(expression(seed=1), ["G0"]))


def test_timeout_cancels_and_raises(fake, monkeypatch):
    monkeypatch.setenv("FAKE_HOST_DELAY", "0.05")
    with grnfast.Session() as session:
        with pytest.raises(grnfast.RequestTimeout) as caught:
            session.infer(expression(), ["G0"], genes=GENES, targets=GENES * 20, timeout=0.2)
        assert isinstance(caught.value, TimeoutError) and caught.value.code == "timeout"
        assert session.ping() > 0
    assert [r["op"] for r in requests_seen(fake)].count("cancel") == 1


def test_a_failing_progress_callback_cancels_the_request(fake, monkeypatch):
    monkeypatch.setenv("FAKE_HOST_DELAY", "0.02")

    def progress(done, total):
        if done == 2:
            raise KeyError("stop here")

    with grnfast.Session() as session:
        with pytest.raises(KeyError, match="stop here"):
            session.infer(expression(), ["G0"], genes=GENES, targets=GENES * 10, progress=progress)
        assert session.ping() > 0
        deadline = time.monotonic() + 5
        while session.open_requests and time.monotonic() < deadline:
            time.sleep(0.02)
        assert session.open_requests == []  # the cancelled request's answer came and was dropped
    assert "cancel" in [r["op"] for r in requests_seen(fake)]


def test_requests_from_several_threads_share_one_session(fake, monkeypatch):
    monkeypatch.setenv("FAKE_HOST_DELAY", "0.01")
    errors = []
    with grnfast.Session() as session:
        def work(seed):
            try:
                for _ in range(5):
                    payload = np.random.default_rng(seed).integers(0, 256, size=10000 + seed, dtype=np.uint8)
                    assert np.array_equal(session.echo({"p": payload})["p"], payload)
                x = expression(seed=seed)
                pd.testing.assert_frame_equal(session.infer(x, ["G1"], genes=GENES), correlation_network(x, ["G1"]))
            except Exception as error:  # reported below
                errors.append(error)

        threads = [threading.Thread(target=work, args=(seed,)) for seed in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert errors == []


# --------------------------------------------------------------------------------------------- failures

def test_a_host_that_dies_mid_request_raises_instead_of_hanging(fake):
    lines = []
    session = grnfast.Session(stderr=lines.append)
    started = time.monotonic()
    with pytest.raises(grnfast.HostExitedError) as caught:
        session.infer(expression(), ["__die__"], genes=GENES)
    assert time.monotonic() - started < 10
    assert caught.value.code == "host_exited" and caught.value.returncode == 7
    assert "dying on purpose" in caught.value.message
    assert "fake host: dying on purpose" in lines
    assert not session.alive
    with pytest.raises(grnfast.HostExitedError):
        session.ping()
    assert session.close() == 7


def test_garbage_on_the_host_output_ends_the_session_with_a_protocol_error(fake):
    with grnfast.Session() as session:
        with pytest.raises(grnfast.HostExitedError) as caught:
            session.infer(expression(), ["__garbage__"], genes=GENES)
        assert "bad frame magic" in caught.value.message
        assert caught.value.__cause__.code == "protocol"


def test_an_error_without_id_fails_the_open_requests(fake):
    with grnfast.Session() as session:
        with pytest.raises(grnfast.GrnFastError) as caught:
            session.infer(expression(), ["__no_id_error__"], genes=GENES)
        assert caught.value.code == "invalid_json"


def test_a_host_that_fails_to_start(fake, monkeypatch):
    monkeypatch.setenv("FAKE_HOST_MODE", "exit_at_start")
    with pytest.raises(grnfast.HostExitedError) as caught:
        grnfast.Session(stderr=lambda line: None)
    assert caught.value.returncode == 3 and "cannot start" in caught.value.message


def test_a_host_of_another_protocol_is_refused(fake, monkeypatch):
    monkeypatch.setenv("FAKE_HOST_MODE", "protocol2")
    with pytest.raises(grnfast.GrnFastError) as caught:
        grnfast.Session()
    assert caught.value.code == "unsupported_protocol"


def test_a_host_that_never_says_hello_times_out(fake, monkeypatch):
    monkeypatch.setenv("FAKE_HOST_MODE", "silent")
    with pytest.raises(grnfast.GrnFastError) as caught:
        grnfast.Session(start_timeout=1)
    assert caught.value.code == "timeout"


def test_a_missing_executable():
    with pytest.raises(grnfast.GrnFastError) as caught:
        grnfast.Session(executable="/nonexistent/grnfast-host")
    assert caught.value.code == "host_not_found"


def test_host_stderr_goes_to_the_grnfast_host_logger(fake, caplog):
    with caplog.at_level(logging.INFO, logger="grnfast.host"):
        session = grnfast.Session()
        with pytest.raises(grnfast.HostExitedError):
            session.infer(expression(), ["__die__"], genes=GENES)
        session.close()
    assert "fake host: dying on purpose" in [r.getMessage() for r in caplog.records if r.name == "grnfast.host"]


def test_finding_the_host(monkeypatch):
    monkeypatch.setenv("GRNFAST_EXECUTABLE", "/opt/x/grnfast --flag 'a b'")
    assert grnfast.host_command() == ["/opt/x/grnfast", "--flag", "a b"]
    assert grnfast.host_command(["dotnet", "host.dll"]) == ["dotnet", "host.dll"]
    monkeypatch.delenv("GRNFAST_EXECUTABLE")
    assert grnfast.host_command() == [os.path.join(REPO_DIR, "grnfast")]


def test_one_shot_infer_starts_and_stops_a_host(fake):
    x = expression()
    network = grnfast.infer(pd.DataFrame(x, columns=GENES), ["G0", "G2"])
    pd.testing.assert_frame_equal(network, correlation_network(x, ["G0", "G2"]))
    assert [r["op"] for r in requests_seen(fake)] == ["infer", "shutdown"]


def test_ctrl_c_cancels_the_request_and_leaves_the_host_running(fake, monkeypatch):
    import signal

    monkeypatch.setenv("FAKE_HOST_DELAY", "0.05")
    with grnfast.Session() as session:
        # Its own session and process group: a terminal's Ctrl-C does not reach the host.
        assert os.getpgid(session._proc.pid) != os.getpgid(0)
        threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
        with pytest.raises(KeyboardInterrupt):
            session.infer(expression(), ["G0"], genes=GENES, targets=GENES * 20)
        assert session.ping() > 0
    assert "cancel" in [r["op"] for r in requests_seen(fake)]
