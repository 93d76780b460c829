"""Turning Python data into the fields and payloads of an ``infer`` request, and its answer into a DataFrame."""

from __future__ import annotations

import os

import numpy as np

from . import arrow
from ._frames import LazyPayload
from .arrow import _codec

# Python keyword -> the protocol's name, for the fields under "options" and at the top level of "infer".
OPTION_FIELDS = {
    "l1_ratio": "l1Ratio", "alpha": "alpha", "path": "path", "path_min_ratio": "pathMinRatio",
    "select": "select", "tol": "tol", "max_sweeps": "maxSweeps", "precision": "precision", "solver": "solver",
    "threads": "threads", "seed": "seed",
    # netrex-cf (grnfast infer --latent-factors etc.)
    "latent_factors": "latentFactors", "iterations": "iterations", "refits": "refits",
    "refit_iterations": "refitIterations", "factor_block": "factorBlock", "data_weight": "dataWeight",
    # pmf-grn and joint; evidence is a path the host reads (joint's --evidence)
    "epochs": "epochs", "learning_rate": "learningRate", "learning_rate_decay": "learningRateDecay", "batch_size": "batchSize", "kl_factor": "klFactor",
    "annealing_epochs": "annealingEpochs", "clip": "clip", "holdout": "holdout", "validate_every": "validateEvery",
    "patience": "patience", "absent_prior": "absentPrior", "guide_max_std_log_u": "guideMaxStdLogU", "evidence": "evidence", "evidence_weight": "evidenceWeight",
    # celloracle; base_grn and groups are paths the host reads
    "bagging": "bagging", "estimator": "estimator", "filter_p": "filterP", "filter_weight": "filterWeight",
    "filter_top": "filterTop", "base_grn": "baseGrn", "groups": "groups",
}
# Options whose value is a file the host or the library opens: sent as absolute paths.
PATH_OPTIONS = ("evidence", "base_grn", "groups")
# celloracle's result: CellOracle's links table (coef_variance with BayesianRidge, cluster with groups).
LINKS_COLUMNS = ["source", "target", "coef_mean", "coef_abs", "coef_variance", "p", "-logp", "cluster"]
REQUEST_FIELDS = {"prior_mode": "priorMode", "prior_weight": "priorWeight", "targets": "targets"}
NETWORK_COLUMNS = ["TF", "target", "importance", "coef"]

# An inline matrix that is not already column-major goes in record batches of about this many bytes,
# converted one at a time while the frame is written.
BLOCK_BYTES = 32 * 1024 * 1024


def map_options(options: dict) -> tuple:
    """(protocol options, top-level request fields) from the Python keywords; unknown keywords raise."""
    mapped, top = {}, {}
    for key, value in options.items():
        if key in OPTION_FIELDS:
            if key in PATH_OPTIONS and value is not None:
                value = os.path.abspath(os.fspath(value))
            mapped[OPTION_FIELDS[key]] = value
        elif key in REQUEST_FIELDS:
            if key == "targets" and value is not None:
                value = [str(t) for t in value]
            top[REQUEST_FIELDS[key]] = value
        else:
            known = ", ".join(sorted([*OPTION_FIELDS, *REQUEST_FIELDS]))
            raise TypeError(f"unknown option {key!r}; the options are {known}")
    return {k: _plain(v) for k, v in mapped.items()}, top


def _plain(value):
    """numpy scalars as Python numbers, for JSON."""
    return value.item() if isinstance(value, np.generic) else value


def _is_anndata(data) -> bool:
    return hasattr(data, "var_names") and hasattr(data, "X") and hasattr(data, "layers")


def _is_sparse(matrix) -> bool:
    return hasattr(matrix, "tocsr") and hasattr(matrix, "nnz")


def expression_source(data, genes=None, layer=None, genes_by_cells=False, name="expression"):
    """(the request's "expression" object, {stream name: payload}) for the supported kinds of data."""
    if isinstance(data, (str, os.PathLike)):
        source = {"path": os.path.abspath(os.fspath(data))}
        if genes_by_cells:
            source["genesByCells"] = True
        if genes is not None:
            if not isinstance(genes, (str, os.PathLike)):
                raise TypeError("with data given by path, genes= is the path of a gene-name file (for .npy)")
            source["genes"] = os.path.abspath(os.fspath(genes))
        if layer is not None:
            source["layer"] = layer
        return source, {}
    if genes_by_cells:
        raise TypeError("genes_by_cells= applies to data given by path; transpose in-memory data instead")
    matrix, names = resolve_matrix(data, genes, layer)
    return {"stream": name}, {name: matrix_payload(matrix, names)}


def resolve_matrix(data, genes=None, layer=None):
    """(cells x genes matrix, gene names) of a numpy array, scipy sparse matrix, DataFrame or AnnData."""
    if layer is not None and not _is_anndata(data):
        raise TypeError("layer= applies to AnnData input")
    if _is_anndata(data):
        matrix = data.layers[layer] if layer is not None else data.X
        if matrix is None:
            raise ValueError("the AnnData object has no X" if layer is None else f"layer {layer!r} is empty")
        names = [str(g) for g in data.var_names] if genes is None else list(genes)
    elif hasattr(data, "columns") and hasattr(data, "to_numpy"):  # a pandas DataFrame: cells x genes
        names = [str(g) for g in data.columns] if genes is None else list(genes)
        dtypes = {np.dtype(d) for d in data.dtypes}
        dtype = np.float32 if dtypes == {np.dtype(np.float32)} else np.float64
        matrix = data.to_numpy(dtype=dtype)  # a view of a single float block: column-major, no copy
    else:
        if genes is None:
            raise TypeError("a matrix needs genes=[names of its columns]")
        names = [str(g) for g in genes]
        matrix = data if _is_sparse(data) else np.asarray(data)
    if len(getattr(matrix, "shape", ())) != 2:
        raise ValueError(f"the expression matrix must be two-dimensional (cells x genes), got shape "
                         f"{getattr(matrix, 'shape', None)}")
    if len(names) != matrix.shape[1]:
        raise ValueError(f"{len(names)} gene names for a matrix of {matrix.shape[1]} columns")
    return matrix, names


def matrix_payload(matrix, genes: list, block_rows: int | None = None, dtype=None, rows=None) -> LazyPayload:
    """A cells x genes matrix (numpy, scipy sparse, or anything numpy can slice by rows) as an Arrow stream
    with one float column per gene (float32 or float64 as the matrix, or ``dtype``), for ``rows`` (start,
    stop) or all cells. A column-major array of that type is sent as it is (the columns' own memory goes to
    writev); anything else is converted one block of cells at a time."""
    if len(getattr(matrix, "shape", ())) != 2:
        raise ValueError(f"the expression matrix must be two-dimensional (cells x genes), got shape "
                         f"{getattr(matrix, 'shape', None)}")
    first, cells = rows if rows is not None else (0, matrix.shape[0])
    width = matrix.shape[1]
    if len(genes) != width:
        raise ValueError(f"{len(genes)} gene names for a matrix of {width} columns")
    source_dtype = np.dtype(getattr(matrix, "dtype", np.float64))
    if source_dtype.kind not in "iuf":
        # Checked before anything is written: a failure inside a half-written frame would end the session.
        raise TypeError(f"the expression matrix must be numeric, not {source_dtype}")
    if dtype is None:
        dtype = source_dtype if source_dtype in (np.dtype(np.float32), np.dtype(np.float64)) else np.float64
    dtype = np.dtype(dtype).newbyteorder("<")
    direct = isinstance(matrix, np.ndarray) and matrix.dtype == dtype and matrix.flags.f_contiguous
    if block_rows is None:
        if direct:
            block_rows = max(cells - first, 1)
        else:
            block_rows = max(2, BLOCK_BYTES // max(1, width * dtype.itemsize))
            block_rows -= block_rows % 2  # float32 columns of even length need no padding
    schema = arrow.Schema([arrow.Field(g, dtype.name, False) for g in genes])
    head = _codec.schema_message(schema)
    blocks = [(start, min(start + block_rows, cells)) for start in range(first, cells, block_rows)]
    messages = []
    length = len(head) + len(_codec.END_OF_STREAM)
    for start, stop in blocks:
        size = (stop - start) * dtype.itemsize
        message, body = _codec.numeric_batch_message(stop - start, [size] * width)
        messages.append(message)
        length += len(message) + body

    def block(start, stop):
        if direct:
            return matrix[start:stop]
        rows = matrix[start:stop]
        if _is_sparse(rows):
            return rows.toarray(order="F").astype(dtype, copy=False)
        return np.asarray(rows, dtype=dtype, order="F")

    def buffers():
        yield head
        for (start, stop), message in zip(blocks, messages):
            values = block(start, stop)
            yield message
            size = (stop - start) * dtype.itemsize
            pad = _codec.padding(size)
            if not pad and values.flags.f_contiguous:
                yield memoryview(values.reshape(-1, order="F")).cast("B")  # the whole block in one piece
                continue
            for j in range(width):
                yield memoryview(values[:, j]).cast("B")
                if pad:
                    yield pad
        yield _codec.END_OF_STREAM

    return LazyPayload(length, buffers)


def prior_sources(prior) -> tuple:
    """(the request's "priors" list, {stream name: payload}) from None, a path, a DataFrame or a list."""
    if prior is None:
        return [], {}
    items = list(prior) if isinstance(prior, (list, tuple)) else [prior]
    sources, streams = [], {}
    for i, item in enumerate(items):
        if isinstance(item, (str, os.PathLike)):
            sources.append({"path": os.path.abspath(os.fspath(item))})
            continue
        name = f"prior{i}"
        sources.append({"stream": name})
        columns = prior_columns(item, i)
        schema = [arrow.Field(n, "float64" if n == "weight" else "utf8", False) for n in columns]
        streams[name] = arrow.encode_stream(columns, schema=schema)
    return sources, streams


def prior_columns(frame, index: int) -> dict:
    """regulator, target and maybe weight of a prior DataFrame: the columns of those names (weight may
    be called confidence), else the first two or three columns."""
    if not hasattr(frame, "columns"):
        raise TypeError(f"prior {index}: a prior is a path or a DataFrame (regulator, target[, weight]), "
                        f"not {type(frame).__name__}")
    labels = {str(c): c for c in frame.columns}
    if "regulator" in labels and "target" in labels:
        picked = [labels["regulator"], labels["target"]]
        picked += [labels[c] for c in ("weight", "confidence") if c in labels][:1]
    else:
        picked = list(frame.columns)[:3]
        if len(picked) < 2:
            raise ValueError(f"prior {index}: needs columns regulator and target (and optionally weight)")
    columns = {
        "regulator": np.array([str(v) for v in frame[picked[0]]], dtype=object),
        "target": np.array([str(v) for v in frame[picked[1]]], dtype=object),
    }
    if len(picked) == 3:
        weights = np.asarray(frame[picked[2]], dtype=np.float64)
        if not np.all(np.isfinite(weights)):
            raise ValueError(f"prior {index}: the weight column holds NaN or infinite values")
        columns["weight"] = weights
    return columns


def network_frame(payload, info: dict | None = None):
    """The ``network`` payload of an infer result as a DataFrame (TF, target, importance, coef, and std for
    pmf-grn and joint: the posterior standard deviation of the importance; for celloracle CellOracle's links
    table: source, target, coef_mean, coef_abs[, coef_variance], p, -logp[, cluster])."""
    table = arrow.read_stream(payload)
    if "source" in table.schema.names and "coef_abs" in table.schema.names:  # celloracle: the links table
        frame = table.to_pandas()[[c for c in LINKS_COLUMNS if c in table.schema.names]]
        if info:
            frame.attrs["grnfast"] = info
        return frame
    missing = [c for c in NETWORK_COLUMNS if c not in table.schema.names]
    if missing:
        raise ValueError(f"the host's network stream lacks columns {missing} (has {table.schema.names})")
    frame = table.to_pandas()[NETWORK_COLUMNS + (["std"] if "std" in table.schema.names else [])]
    if info:
        frame.attrs["grnfast"] = info
    return frame


# The host maps each .arrows file as one view of at most 2 GiB; larger matrices go in a directory of parts.
PART_BYTES = 1 << 30


def expression_file_parts(data, genes=None, layer=None, sparse=None, part_bytes=PART_BYTES,
                          block_rows=None) -> list:
    """The Arrow streams of an expression file as the host reads it (float32; dense, or CSR for sparse data),
    one LazyPayload or list of buffers per part of at most about ``part_bytes``."""
    matrix, names = resolve_matrix(data, genes, layer)
    cells, width = matrix.shape
    if sparse is None:
        sparse = _is_sparse(matrix)
    if not sparse:
        rows_per_part = max(2, part_bytes // max(1, 4 * width))
        return [matrix_payload(matrix, names, block_rows=block_rows, dtype=np.float32,
                               rows=(start, min(start + rows_per_part, cells)))
                for start in range(0, max(cells, 1), rows_per_part)]
    csr = matrix.tocsr() if _is_sparse(matrix) else _dense_to_csr(np.asarray(matrix))
    csr.sort_indices()
    schema = arrow.Schema([arrow.Field("indices", "list<int32>", False), arrow.Field("data", "list<float32>", False)],
                          {"grnfast.layout": "csr", "grnfast.genes": "\n".join(names)})
    if block_rows is None:  # blocks of about a quarter part, at most 65536 cells
        row_bytes = 8 + 8 * csr.nnz / max(1, cells)
        block_rows = int(max(1, min(65536, part_bytes // (4 * row_bytes))))
    indptr = np.asarray(csr.indptr, dtype=np.int64)
    parts, batches, part_size = [], [], 0
    for start in range(0, cells, block_rows):
        stop = min(start + block_rows, cells)
        offsets = indptr[start:stop + 1]
        lo, hi = int(offsets[0]), int(offsets[-1])
        size = 8 * (hi - lo) + 8 * (stop - start) + 64
        if batches and part_size + size > part_bytes:
            parts.append(arrow.encode_stream(batches, schema=schema))
            batches, part_size = [], 0
        batches.append({"indices": arrow.ListArray(offsets - lo, np.asarray(csr.indices[lo:hi], dtype=np.int32)),
                        "data": arrow.ListArray(offsets - lo, np.asarray(csr.data[lo:hi], dtype=np.float32))})
        part_size += size
    parts.append(arrow.encode_stream(batches, schema=schema))
    return parts


def _dense_to_csr(matrix):
    import scipy.sparse

    return scipy.sparse.csr_matrix(matrix)
