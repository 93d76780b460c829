"""The in-process path (libgrnfast.so through ctypes, grnfast._native) against the host process and the command
line on the DREAM4 demo data: identical networks for every method (netrex-cf with two prior sources, pmf-grn and
joint with their std column too), numpy arrays read where they lie, errors,
progress and cancellation, and grnfast.infer choosing the library when it loads and the host otherwise.

The library is the one tests/native/run.sh publishes (./run-tests runs that first); when it is missing here it
is published the same way."""

import os
import subprocess
import threading
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse

import grnfast
from grnfast import _native
from conftest import REPO_DIR
from test_end_to_end import REGULATORS, assert_same_network, dream4, prior, run_cli, session  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def library():
    path = os.environ.get("GRNFAST_LIB") or os.path.join(REPO_DIR, "artifacts", "native", "libgrnfast.so")
    if not os.path.isfile(path):
        subprocess.run(["dotnet", "publish", os.path.join(REPO_DIR, "src", "Native"), "-r", "linux-x64", "-c", "Release",
                        "--nologo", "-v", "q", "-o", os.path.dirname(path)], check=True, timeout=1200)
    assert _native.load(path).path == path
    return path


@pytest.fixture(scope="module")
def native(library):
    with grnfast.NativeSession(library) as s:
        yield s


@pytest.fixture(scope="module")
def columns(dream4):
    """DREAM4 as a float32 Fortran-order array: the layout the host builds from the Arrow columns it receives."""
    return np.asfortranarray(dream4.to_numpy(dtype=np.float32)), [str(c) for c in dream4.columns]


# (method, options, with a prior): every method the host protocol carries, with and without a prior.
CASES = [
    ("lasso", {}, False),
    ("lasso", {}, True),
    ("lasso", {"alpha": 0.01}, False),
    ("elasticnet", {"l1_ratio": 0.7, "path": 20, "select": "cv:3", "seed": 5}, False),
    ("elasticnet", {"l1_ratio": 0.7, "path": 20, "select": "cv:3", "seed": 5}, True),
    ("elasticnet", {"prior_mode": "weight", "prior_weight": 0.3}, True),
    ("ridge", {"alpha": 0.5}, False),
    ("ridge", {"alpha": 0.5}, True),
]


@pytest.mark.parametrize("method,options,with_prior", CASES, ids=[f"{m}-{i}" for i, (m, _, _) in enumerate(CASES)])
def test_native_and_host_give_identical_networks(native, session, columns, prior, method, options, with_prior):
    matrix, genes = columns
    p = prior if with_prior else None
    in_process = native.infer(matrix, REGULATORS, p, method, genes=genes, **options)
    by_host = session.infer(matrix, REGULATORS, p, method, genes=genes, **options)
    assert in_process.attrs["grnfast"]["backend"] == "native"
    assert_same_network(in_process, by_host, f"{method} {options} prior={with_prior}")


def test_float64_is_identical_too(native, session, columns):
    matrix, genes = columns
    matrix = np.asfortranarray(matrix, dtype=np.float64)
    assert_same_network(native.infer(matrix, REGULATORS, genes=genes), session.infer(matrix, REGULATORS, genes=genes), "float64")


def test_celloracle_is_the_command_lines(native, session, dream4, prior, tmp_path):
    """celloracle in the library and over the host, compared with grnfast infer's links table."""
    expression = tmp_path / "dream4.tsv"
    dream4.to_csv(expression, sep="\t", index=False)
    prior_file = tmp_path / "prior.tsv"
    prior[["regulator", "target"]].to_csv(prior_file, sep="\t", index=False, header=False)
    cli = run_cli(tmp_path, expression, "--method", "celloracle", "--prior", str(prior_file), "--bagging", "5", "--seed", "9")
    matrix = np.asfortranarray(dream4.to_numpy(dtype=np.float32))
    network = native.infer(matrix, REGULATORS, prior[["regulator", "target"]], "celloracle", genes=list(dream4.columns),
                           bagging=5, seed=9)
    # The command line writes CellOracle's links table (source, target, coef_mean, coef_abs, p, -logp) in its own
    # order; the library returns the usual network (importance = coef_abs, coef = coef_mean), sorted by importance.
    links = cli.rename(columns={"source": "TF", "coef_abs": "importance", "coef_mean": "coef"})[["TF", "target", "importance", "coef"]]
    by_pair = lambda f: f.sort_values(["TF", "target"]).reset_index(drop=True)
    assert len(network) == len(links) > 0
    pd.testing.assert_frame_equal(by_pair(network), by_pair(links), check_exact=True, check_dtype=False)
    # The host returns the links table itself: the command line's columns, rows and values (p-values included).
    by_host = session.infer(matrix, REGULATORS, prior[["regulator", "target"]], "celloracle", genes=list(dream4.columns),
                            bagging=5, seed=9)
    assert list(by_host.columns) == list(cli.columns) == ["source", "target", "coef_mean", "coef_abs", "p", "-logp"]
    table = cli.astype({"p": float, "-logp": float})  # run_cli keeps "NaN" (an undefined p) as text
    pd.testing.assert_frame_equal(by_host.reset_index(drop=True), table.reset_index(drop=True), check_exact=True, check_dtype=False)


@pytest.fixture(scope="module")
def second_prior():
    """Another prior source for netrex-cf: every third true edge of the first prior's complement, plus decoys."""
    gold = pd.read_csv(os.path.join(REPO_DIR, "src", "Host", "DemoData", "DREAM4_GoldStandard_InSilico_Size100_1.tsv"),
                       sep="\t", header=None, names=["regulator", "target", "label"])
    edges = pd.concat([gold[gold.label == 1].iloc[1::3], gold[gold.label == 0].iloc[7::300]], ignore_index=True)
    edges = edges[["regulator", "target"]].copy()
    edges["weight"] = np.where(np.arange(len(edges)) % 2 == 0, 0.7, 0.3)
    return edges


@pytest.fixture(scope="module")
def evidence(dream4, tmp_path_factory):
    """joint's --evidence file: 0.9 for every other true edge among REGULATORS, 0.1 for some false ones."""
    gold = pd.read_csv(os.path.join(REPO_DIR, "src", "Host", "DemoData", "DREAM4_GoldStandard_InSilico_Size100_1.tsv"),
                       sep="\t", header=None, names=["regulator", "target", "label"])
    gold = gold[gold.regulator.isin(REGULATORS)]
    rows = pd.concat([gold[gold.label == 1].iloc[::2].assign(value=0.9), gold[gold.label == 0].iloc[::50].assign(value=0.1)])
    path = tmp_path_factory.mktemp("evidence") / "evidence.tsv"
    rows[["regulator", "target", "value"]].to_csv(path, sep="\t", index=False, header=False)
    return str(path)


# netrex-cf, pmf-grn and joint with small settings (few iterations / epochs); the seed fixes their random starts.
NEW_METHODS = {
    "netrex-cf": {"latent_factors": 8, "iterations": 8, "refits": 1, "refit_iterations": 3, "seed": 2},
    "pmf-grn": {"epochs": 40, "seed": 3},
    "joint": {"epochs": 40, "seed": 3, "evidence_weight": 2.0},
}


def new_method_inputs(method, prior, second_prior, evidence):
    priors = [prior, second_prior] if method == "netrex-cf" else prior
    options = dict(NEW_METHODS[method], **({"evidence": evidence} if method == "joint" else {}))
    return priors, options


@pytest.mark.parametrize("method", list(NEW_METHODS))
def test_native_and_host_give_identical_networks_for_netrex_pmf_and_joint(native, session, columns, prior, second_prior,
                                                                          evidence, method):
    matrix, genes = columns
    priors, options = new_method_inputs(method, prior, second_prior, evidence)
    in_process = native.infer(matrix, REGULATORS, priors, method, genes=genes, **options)
    by_host = session.infer(matrix, REGULATORS, priors, method, genes=genes, **options)
    assert_same_network(in_process, by_host, f"{method} {options}")
    assert in_process.importance.between(0, 1).all(), method
    assert ("std" in in_process.columns) == (method != "netrex-cf"), method
    if method != "netrex-cf":
        assert (in_process["std"] >= 0).all() and len(in_process) == len(REGULATORS) * 100 - len(REGULATORS)
    # deterministic with a seed: a second call gives the same bits
    pd.testing.assert_frame_equal(native.infer(matrix, REGULATORS, priors, method, genes=genes, **options), in_process,
                                  check_exact=True)


@pytest.mark.parametrize("method", ["netrex-cf", "pmf-grn"])
def test_netrex_and_pmf_grn_are_the_command_lines(native, dream4, prior, second_prior, evidence, method, tmp_path):
    """The library against grnfast infer (text input, prior files) for the new methods, as for celloracle."""
    expression = tmp_path / "dream4.tsv"
    dream4.to_csv(expression, sep="\t", index=False)
    priors, options = new_method_inputs(method, prior, second_prior, evidence)
    flags = []
    for i, p in enumerate(priors if isinstance(priors, list) else [priors]):
        path = tmp_path / f"prior{i}.tsv"
        p.to_csv(path, sep="\t", index=False, header=False)
        flags += ["--prior", str(path)]
    for key, value in options.items():
        flags += ["--" + key.replace("_", "-"), str(value)]
    cli = run_cli(tmp_path, expression, "--method", method, *flags)
    matrix = np.asfortranarray(dream4.to_numpy(dtype=np.float32))
    network = native.infer(matrix, REGULATORS, priors, method, genes=list(dream4.columns), **options)
    assert list(cli.columns) == list(network.columns)
    assert_same_network(network, cli, f"{method}: library vs command line")


def pair_matched(a, b):
    """The same edges (as a set of pairs) and, pair by pair, importances equal within the solver's tolerance
    (round-off in the standardisation moves the coordinate descent's stopping point by ~1e-8 relative)."""
    merged = a.merge(b, on=["TF", "target"], how="outer", suffixes=("_a", "_b"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
    np.testing.assert_allclose(merged.importance_a, merged.importance_b, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(merged.coef_a, merged.coef_b, rtol=1e-6, atol=1e-9)


def test_other_layouts_equal_to_the_solver_tolerance(native, session, columns):
    """C order and CSR are read in place by the row-major and block kernels, whose sums run in another order
    than the column-major ones: the same edges, values equal to the solver's tolerance, near ties maybe swapped."""
    matrix, genes = columns
    expected = session.infer(matrix, REGULATORS, genes=genes, alpha=0.01)
    pair_matched(native.infer(np.ascontiguousarray(matrix), REGULATORS, genes=genes, alpha=0.01), expected)
    pair_matched(native.infer(scipy.sparse.csr_matrix(matrix), REGULATORS, genes=genes, alpha=0.01), expected)
    frame = pd.DataFrame(matrix, columns=genes)
    pair_matched(native.infer(frame, REGULATORS, alpha=0.01), expected)


def test_numpy_arrays_are_read_where_they_lie(native, columns):
    matrix, genes = columns
    c_order = np.ascontiguousarray(matrix)
    assert not native.copies(matrix, genes)                       # Fortran order float32
    assert not native.copies(c_order, genes)                      # C order float32
    assert not native.copies(c_order.astype(np.float64), genes)  # float64 too
    assert not native.copies(scipy.sparse.csr_matrix(matrix), genes)
    wide = np.zeros((matrix.shape[0], matrix.shape[1] + 3), dtype=np.float32)
    wide[:, :matrix.shape[1]] = matrix
    view = wide[:, :matrix.shape[1]]                              # rows with a wider stride: the library copies once
    assert not view.flags.c_contiguous and native.copies(view, genes)
    a = native.infer(view, REGULATORS, genes=genes, alpha=0.01)
    b = native.infer(c_order, REGULATORS, genes=genes, alpha=0.01)
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_errors_progress_and_cancellation(native, columns):
    matrix, genes = columns
    with pytest.raises(grnfast.GrnFastError) as error:
        native.infer(matrix, REGULATORS, genes=genes, method="lassso")
    assert error.value.code == "bad_request" and "'lassso' is not one of lasso, elasticnet" in error.value.message
    with pytest.raises(grnfast.GrnFastError, match="l1-ratio applies only to method elasticnet"):
        native.infer(matrix, REGULATORS, genes=genes, l1_ratio=0.5)
    with pytest.raises(grnfast.GrnFastError, match="not an option of grnfast infer"):
        native.infer(matrix, REGULATORS, genes=genes, no_such_option=1)
    with pytest.raises(grnfast.GrnFastError, match="prior-mode needs at least one prior edge"):
        native.infer(matrix, REGULATORS, genes=genes, prior_mode="weight")
    with pytest.raises(grnfast.GrnFastError, match="target 'nope' is not a gene"):
        native.infer(matrix, REGULATORS, genes=genes, targets=["G2", "nope"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        network = native.infer(matrix, REGULATORS + ["absent"], genes=genes, alpha=0.01)
    assert len(network) > 0 and any("1 of 51 regulators are not genes" in str(w.message) for w in caught)

    seen = []
    native.infer(matrix, REGULATORS, genes=genes, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (100, 100)

    cancel = threading.Event()
    def stop_early(done, total):
        if done >= 3:
            cancel.set()
    with pytest.raises(grnfast.GrnFastError) as error:
        native.infer(matrix, REGULATORS, genes=genes, progress=stop_early, cancel=cancel, path=200)
    assert error.value.code == "cancelled"
    assert len(native.infer(matrix, REGULATORS, genes=genes, alpha=0.01)) > 0  # the session goes on


def test_describe(native):
    info = native.describe()
    assert info["abi"] == "1" and set(info["methods"].split(",")) >= {"lasso", "elasticnet", "ridge", "celloracle",
                                                                      "netrex-cf", "pmf-grn", "joint"}
    assert set(info["features"].split(",")) >= {"prior_sources", "network_std", "blas_managed"}
    assert info["isa"] and native.version


def test_infer_takes_the_library_when_it_loads_and_the_host_otherwise(library, columns, monkeypatch):
    matrix, genes = columns
    monkeypatch.setenv("GRNFAST_LIB", library)
    in_process = grnfast.infer(matrix, REGULATORS, genes=genes, alpha=0.01)
    assert in_process.attrs["grnfast"]["backend"] == "native"
    monkeypatch.setenv("GRNFAST_LIB", os.path.join(REPO_DIR, "no", "such", "libgrnfast.so"))
    assert not _native.available()
    by_host = grnfast.infer(matrix, REGULATORS, genes=genes, alpha=0.01)
    assert by_host.attrs["grnfast"].get("backend") != "native"
    assert_same_network(in_process, by_host, "auto: library vs host")
    with pytest.raises(grnfast.GrnFastError) as error:
        grnfast.infer(matrix, REGULATORS, genes=genes, backend="native")
    assert error.value.code == "library_not_found"
