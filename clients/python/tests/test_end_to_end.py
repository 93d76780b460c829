"""The client against the real host (the repository's ./grnfast launcher, `grnfast serve`), on the DREAM4
demo data (src/Host/DemoData): the same network as the command line, from every input kind; progress,
cancellation and host errors; Arrow written by the host read by this codec and by apache-arrow JS."""

import json
import os
import subprocess
import threading
import time

import numpy as np
import pandas as pd
import pytest

import grnfast
from grnfast import arrow
from conftest import REPO_DIR
from test_arrow_js import JS_DIR, node  # noqa: F401  (the fixture that insists on node_modules)

DEMO = os.path.join(REPO_DIR, "src", "Host", "DemoData")
# GRNFAST_E2E_HOST runs these tests against another build's launcher (e.g. a branch checked out elsewhere).
LAUNCHER = os.environ.get("GRNFAST_E2E_HOST") or os.path.join(REPO_DIR, "grnfast")


@pytest.fixture(scope="module")
def session():
    os.environ.pop("GRNFAST_EXECUTABLE", None)
    lines = []
    with grnfast.Session(LAUNCHER, stderr=lines.append) as s:
        s.log_lines = lines
        yield s


@pytest.fixture(scope="module")
def dream4():
    """DREAM4 in-silico size-100 network 1: knockouts, knockdowns and wild type stacked, 201 x 100, as the
    demo uses it, in float32 as the command line reads text."""
    parts = [read_expression_tsv(os.path.join(DEMO, f"insilico_size100_1_{kind}.tsv")) for kind in ("knockouts", "knockdowns", "wildtype")]
    frame = pd.concat(parts, ignore_index=True)
    assert frame.shape == (201, 100)
    return frame


@pytest.fixture(scope="module")
def prior():
    """Half of the gold standard's edges (every other line) with confidences, plus a few false edges."""
    gold = pd.read_csv(os.path.join(DEMO, "DREAM4_GoldStandard_InSilico_Size100_1.tsv"), sep="\t",
                       header=None, names=["regulator", "target", "label"])
    true_edges = gold[gold.label == 1].iloc[::2]
    false_edges = gold[gold.label == 0].iloc[::400]
    edges = pd.concat([true_edges, false_edges], ignore_index=True)[["regulator", "target"]]
    edges["weight"] = np.linspace(0.4, 1.0, len(edges))
    return edges


def read_tsv(path, **kwargs):
    # pandas' default float parser can be off in the last bit; the host parses exactly.
    return pd.read_csv(path, sep="\t", float_precision="round_trip", **kwargs)


def read_expression_tsv(path):
    """An expression TSV as the command line holds it: text input is stored as float32."""
    return read_tsv(path).astype(np.float32)


REGULATORS = [f"G{i}" for i in range(1, 101, 2)]  # every other gene: regulators are not all genes


def run_cli(tmp_path, expression, *args):
    regulators = tmp_path / "regulators.txt"
    regulators.write_text("\n".join(REGULATORS) + "\n")
    out = tmp_path / "cli.tsv"
    done = subprocess.run([LAUNCHER, "infer", "--expression", str(expression), "--regulators", str(regulators),
                           "--out", str(out), *args], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return read_tsv(out, keep_default_na=False)


def assert_same_network(actual, expected, what):
    network = ["TF", "target", "importance", "coef"]
    assert list(actual.columns) in (network, network + ["std"]), what  # std: pmf-grn and joint
    assert len(actual) == len(expected) > 0, what
    pd.testing.assert_frame_equal(actual.reset_index(drop=True), expected.reset_index(drop=True),
                                  check_exact=True, check_dtype=False, obj=what)


def test_info_and_hello(session):
    assert session.hello["protocol"] == 1 and "lasso" in session.hello["methods"]
    info = session.info()
    assert info["protocol"] == 1 and info["threads"] >= 1 and info["version"]


def test_the_same_network_as_the_command_line(session, dream4, prior, tmp_path):
    expression = tmp_path / "dream4.tsv"
    dream4.to_csv(expression, sep="\t", index=False)  # shortest float32 text: the same floats when read back
    prior_file = tmp_path / "prior.tsv"
    prior.to_csv(prior_file, sep="\t", index=False, header=False)
    cli = run_cli(tmp_path, expression, "--method", "lasso", "--prior", str(prior_file))
    network = session.infer(dream4, REGULATORS, prior=prior, method="lasso")
    assert_same_network(network, cli, "lasso with a prior")
    assert network.attrs["grnfast"]["edges"] == len(cli)

    cli = run_cli(tmp_path, expression, "--method", "elasticnet", "--l1-ratio", "0.7", "--path", "20",
                  "--select", "cv:3", "--seed", "5", "--prior", str(prior_file), "--prior-mode", "mask",
                  "--prior-weight", "0.8")
    network = session.infer(dream4, REGULATORS, prior=prior, method="elasticnet", l1_ratio=0.7, path=20,
                            select="cv:3", seed=5, prior_mode="mask", prior_weight=0.8)
    assert_same_network(network, cli, "elastic net, cv, mask prior")


def test_the_command_line_on_the_file_as_distributed(session, tmp_path):
    path = os.path.join(DEMO, "insilico_size100_1_knockouts.tsv")
    cli = run_cli(tmp_path, path, "--method", "lasso", "--alpha", "0.01")
    by_path = session.infer(path, REGULATORS, alpha=0.01)
    frame = read_expression_tsv(path)
    inline = session.infer(frame, REGULATORS, alpha=0.01)
    assert_same_network(by_path, cli, "by path")
    assert_same_network(inline, cli, "inline")


def test_every_input_kind_gives_the_same_network(session, dream4, tmp_path):
    import anndata
    import scipy.sparse

    x = dream4.to_numpy()
    genes = list(dream4.columns)
    npy = tmp_path / "dream4.npy"
    np.save(npy, x)
    gene_file = tmp_path / "genes.txt"
    gene_file.write_text("\n".join(genes) + "\n")
    reference = session.infer(dream4, REGULATORS)
    kinds = {
        "numpy C order": dict(data=np.ascontiguousarray(x), genes=genes),
        "numpy F order": dict(data=np.asfortranarray(x), genes=genes),
        "AnnData dense": dict(data=anndata.AnnData(X=x, var=pd.DataFrame(index=genes), dtype=x.dtype)),
        "AnnData CSR": dict(data=anndata.AnnData(X=scipy.sparse.csr_matrix(x), var=pd.DataFrame(index=genes),
                                                 dtype=x.dtype)),
        "AnnData layer": dict(data=anndata.AnnData(X=np.zeros_like(x), var=pd.DataFrame(index=genes),
                                                   layers={"counts": x}, dtype=x.dtype), layer="counts"),
        ".npy by path (memory-mapped by the host)": dict(data=npy, genes=gene_file),
    }
    for what, kwargs in kinds.items():
        assert_same_network(session.infer(regulators=REGULATORS, **kwargs), reference, what)


def test_arrows_files_by_path_give_the_same_network(session, dream4, tmp_path):
    reference = session.infer(dream4, REGULATORS)
    files = {
        "dense .arrows": grnfast.write_arrows(tmp_path / "dense.arrows", dream4),
        "CSR .arrows": grnfast.write_arrows(tmp_path / "csr.arrows", dream4, sparse=True),
        "a directory of .arrows parts": grnfast.write_arrows(tmp_path / "parts", dream4, part_bytes=20000),
    }
    assert os.path.isdir(files["a directory of .arrows parts"])
    for what, path in files.items():
        assert_close_network(session.infer(path, REGULATORS), reference, what)


def assert_close_network(actual, expected, what):
    """The same edges with the same values up to rounding: the host sums block-stored cells (.arrows) in
    another order than a matrix held whole, so the last bits may differ and near-ties may swap."""
    assert len(actual) == len(expected) > 0, what
    merged = actual.merge(expected, on=["TF", "target"], suffixes=("", "_expected"), validate="one_to_one")
    assert len(merged) == len(expected), f"{what}: the edge sets differ"
    # Seen on DREAM4: at most 5e-9 relative (two edges); fits stop at the duality-gap tolerance, so a
    # rounding-level change of the Gram moves them a little.
    for column, rtol, atol in (("importance", 1e-7, 1e-12), ("coef", 1e-6, 1e-9)):
        np.testing.assert_allclose(merged[column], merged[f"{column}_expected"], rtol=rtol, atol=atol,
                                   err_msg=f"{what}: {column}")
    # The order is the command line's: importance descending.
    assert np.all(np.diff(actual["importance"].to_numpy()) <= 0), what


def test_progress_reaches_every_target(session, dream4):
    seen = []
    session.infer(dream4, REGULATORS, progress=lambda done, total: seen.append((done, total)))
    assert seen, "no progress frame arrived"
    totals = {t for _, t in seen}
    assert totals == {100}
    dones = [d for d, _ in seen]
    assert dones == sorted(dones) and dones[-1] == 100


def big_problem(cells=3000, genes=1500, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(cells, genes))
    x[:, 1::2] += 0.3 * x[:, ::2]
    return x, [f"g{i}" for i in range(genes)]


def test_cancel_stops_a_running_fit(session):
    x, genes = big_problem()
    stop = threading.Event()
    with pytest.raises(grnfast.GrnFastError) as caught:
        session.infer(x, genes[:600], genes=genes, path=100, path_min_ratio=1e-4, tol=1e-8, cancel=stop,
                      progress=lambda done, total: stop.set())
    assert caught.value.code == "cancelled"
    assert session.ping() < 5
    assert session.open_requests == []


def test_cancel_by_id_from_another_thread(session):
    x, genes = big_problem(seed=1)
    request = session.submit(x, genes[:600], genes=genes, path=100, path_min_ratio=1e-4, tol=1e-8)
    assert session.ping() < 5  # answered while the fit runs
    threading.Thread(target=lambda: session.cancel(request.id)).start()
    with pytest.raises(grnfast.GrnFastError) as caught:
        request.result(timeout=120)
    assert caught.value.code == "cancelled"


def test_timeout(session):
    x, genes = big_problem(seed=2)
    with pytest.raises(grnfast.RequestTimeout):
        session.infer(x, genes[:600], genes=genes, path=100, path_min_ratio=1e-4, tol=1e-8, timeout=0.5)
    assert session.ping() < 5


@pytest.mark.parametrize("kwargs, code, detail", [
    (dict(regulators=["NOT_A_GENE"]), "bad_input", "regulators"),
    (dict(regulators=REGULATORS, alpha=-1.0), "bad_request", "alpha"),
    (dict(regulators=REGULATORS, select="nonsense"), "bad_request", "select"),
    (dict(regulators=REGULATORS, method="magic"), "bad_request", "method"),
    (dict(regulators=REGULATORS, targets=["NOT_A_GENE"]), None, "NOT_A_GENE"),
])
def test_host_errors_raise_grnfast_error(session, dream4, kwargs, code, detail):
    with pytest.raises(grnfast.GrnFastError) as caught:
        session.infer(dream4, **kwargs)
    assert caught.value.code in ((code,) if code else ("bad_input", "bad_request"))
    assert detail in caught.value.message or detail in json.dumps(caught.value.data)
    assert session.ping() < 5  # the host keeps running


def test_a_missing_file_names_it(session):
    with pytest.raises(grnfast.GrnFastError) as caught:
        session.infer("/nonexistent/expression.arrows", REGULATORS)
    assert caught.value.code == "bad_input" and "/nonexistent/expression.arrows" in caught.value.message


def test_a_gene_with_nan_inline_is_left_out_with_a_warning(session, dream4):
    # As for the other binary inputs (.npy, .arrows): the host drops a non-finite gene and says so on stderr.
    frame = dream4.copy()
    frame.iloc[5, 6] = np.nan  # G7, a regulator
    frame.iloc[9, 7] = np.inf  # G8, a target only
    seen = len(session.log_lines)
    network = session.infer(frame, REGULATORS)
    assert not {"G7", "G8"} & (set(network["TF"]) | set(network["target"]))
    assert len(network) > 0
    deadline = time.monotonic() + 10  # stderr is its own pipe: its lines may trail the result frame
    while time.monotonic() < deadline and "G8" not in "\n".join(session.log_lines[seen:]):
        time.sleep(0.05)
    warnings = "\n".join(session.log_lines[seen:])
    assert "non-finite" in warnings and "G7" in warnings and "G8" in warnings


def test_echo_returns_an_arrow_stream_unchanged(session):
    values = np.random.default_rng(0).normal(size=100_000).astype(np.float32)
    stream = arrow.encode_stream({"v": values, "s": ["a", None] * 50_000}, metadata={"k": "v"})
    back = session.echo({"payload": stream})["payload"]
    assert bytes(back) == b"".join(stream)
    table = arrow.read_stream(back)
    assert np.shares_memory(table.column("v"), back)
    np.testing.assert_array_equal(table.column("v"), values)


def test_arrow_the_host_writes_is_read_alike_here_and_by_apache_arrow_js(session, dream4, tmp_path, node):
    out = tmp_path / "network.arrows"
    info = session.infer(dream4, REGULATORS, output=out)
    assert info["edges"] > 0
    table = arrow.read_stream(out)
    assert table.schema.names == ["TF", "target", "importance", "coef"]
    assert [f.type for f in table.schema] == ["utf8", "utf8", "float64", "float64"]
    inline = session.infer(dream4, REGULATORS)
    assert_same_network(table.to_pandas(), inline, "network written by the host")
    js_json = tmp_path / "network.json"
    done = subprocess.run(["node", os.path.join(JS_DIR, "arrow_json.mjs"), "read", str(out), str(js_json)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(js_json.read_text())
    js_rows = {name: [] for name in table.schema.names}
    for batch in seen["batches"]:
        for name in js_rows:
            js_rows[name].extend(batch["columns"][name])
    assert js_rows["TF"] == list(inline["TF"]) and js_rows["target"] == list(inline["target"])
    assert [float(v) for v in js_rows["importance"]] == list(inline["importance"])
    assert [float(v) for v in js_rows["coef"]] == list(inline["coef"])
