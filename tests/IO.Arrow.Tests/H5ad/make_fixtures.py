#!/usr/bin/python3
"""Writes the .h5ad fixtures of the H5ad reader tests, and expected.json with the values they hold.

Run with Debian's interpreter (apt-get install python3-anndata):
    /usr/bin/python3 tests/IO.Arrow.Tests/H5ad/make_fixtures.py

Good files are written by anndata itself (write_h5ad / write_elem). The bad_* files start from an anndata
file and are then damaged with h5py in one named way each, except the two old layouts anndata 0.8 cannot
write any more, which h5py writes directly. expected.json records, per good file, every matrix (X and the
layers) as dense cells x genes values after the conversion GrnFast applies (integers and sparse data become
float32, dense float64 stays float64), the obs and var names and the var columns, plus the versions used.
Seeded: running it again gives the same values (the HDF5 bytes may differ by timestamps).
"""
import json
import os
import warnings

import anndata as ad
import h5py
import numpy as np
import pandas as pd
import scipy
import scipy.sparse as sp
from anndata.experimental import write_elem

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
rng = np.random.default_rng(20240603)
warnings.filterwarnings("ignore")  # anndata warns about duplicate names and implicit conversions we make on purpose

SYMBOLS = ["Sox2", "Pou5f1", "Nanog", "Klf4", "Myc", "Gata6"]
IDS = ["ENSMUSG00000074637", "ENSMUSG00000024406", "ENSMUSG00000012396",
       "ENSMUSG00000003032", "ENSMUSG00000022346", "ENSMUSG00000005836"]


def obs(n):
    return pd.DataFrame(index=[f"cell{i}" for i in range(n)])


def var(p, index_name=None):
    df = pd.DataFrame({
        # unique strings stay a string array; a unique categorical stays categorical (explicit)
        "symbol": SYMBOLS[:p],
        "symbol_cat": pd.Categorical(SYMBOLS[:p]),
        # repeated strings: anndata stores them as a categorical; two genes share a family -> duplicates
        "family": (["SoxB1", "POU", "NK2", "KLF", "bHLH", "GATA"][:p - 1] + ["POU"]),
        "n_cells": np.arange(10, 10 + p),            # numbers: not usable as names
    }, index=pd.Index(IDS[:p], name=index_name))
    return df


def dense(n, p, dtype):
    if np.issubdtype(dtype, np.integer):
        return rng.integers(0, 50, size=(n, p)).astype(dtype)
    return rng.normal(size=(n, p)).astype(dtype)


def sparse(n, p, dtype, index_dtype):
    m = dense(n, p, dtype)
    m[rng.random((n, p)) < 0.55] = 0
    m[1, :] = 0                                  # an empty row
    m[n - 1, :] = np.arange(1, p + 1)            # a full row
    csr = sp.csr_matrix(m)
    csr.indptr = csr.indptr.astype(index_dtype)  # scipy picks int32 for small matrices; force the width
    csr.indices = csr.indices.astype(index_dtype)
    return csr


def csc(m, index_dtype):
    c = sp.csc_matrix(m)
    c.indptr = c.indptr.astype(index_dtype)
    c.indices = c.indices.astype(index_dtype)
    return c


def as_expected(m):
    """The matrix as GrnFast returns it: dense float64 stays float64, everything else becomes float32."""
    if sp.issparse(m):
        return {"dtype": "float32", "values": m.toarray().astype(np.float32).tolist()}
    if m.dtype == np.float64:
        return {"dtype": "float64", "values": m.tolist()}
    return {"dtype": "float32", "values": m.astype(np.float32).tolist()}


def record(adata, file, index_name):
    entry = {
        "obs": list(adata.obs_names),
        "var_index_column": index_name or "_index",
        "var_index": list(adata.var_names),
        "var": {c: [str(v) for v in adata.var[c]] for c in adata.var.columns},
        "layers": {k: as_expected(v) for k, v in adata.layers.items()},
    }
    if adata.X is not None:
        entry["X"] = as_expected(adata.X)
    expected[file] = entry


def write(adata, file, index_name=None, **kwargs):
    path = os.path.join(HERE, file)
    adata.write_h5ad(path, **kwargs)
    return path


expected = {}
os.makedirs(HERE, exist_ok=True)

# dense.h5ad: X float32, uncompressed; layers in float64, int32 and int64 (all dense)
a = ad.AnnData(X=dense(7, 5, np.float32), obs=obs(7), var=var(5))
a.layers["X_norm"] = dense(7, 5, np.float64)
a.layers["counts"] = dense(7, 5, np.int32)
a.layers["counts64"] = dense(7, 5, np.int64)
write(a, "dense.h5ad")
record(a, "dense.h5ad", None)

# dense_gzip.h5ad: X float64, gzip; the var index has a name, so var's _index attribute is "gene_ids"
x = dense(6, 4, np.float64)
a = ad.AnnData(X=x, obs=obs(6), var=var(4, "gene_ids"), dtype=x.dtype)  # anndata 0.8 casts X to float32 unless told
a.layers["counts"] = dense(6, 4, np.int64)
a.layers["chunked"] = dense(6, 4, np.float32)
path = write(a, "dense_gzip.h5ad", compression="gzip")
with h5py.File(path, "a") as f:  # small chunks, partial at the right edge: rows of chunks, each chunk decoded once
    del f["layers/chunked"]
    write_elem(f, "layers/chunked", a.layers["chunked"], dataset_kwargs={"compression": "gzip", "chunks": (2, 3)})
    assert f["layers/chunked"].chunks == (2, 3)
record(a, "dense_gzip.h5ad", "gene_ids")

# csr.h5ad: X CSR float32 with int32 indptr/indices, uncompressed; a CSC layer and a float64 CSR layer
x = sparse(9, 6, np.float32, np.int32)
a = ad.AnnData(X=x, obs=obs(9), var=var(6))
a.layers["csc"] = csc(sparse(9, 6, np.float32, np.int32), np.int32)
a.layers["X_norm"] = sparse(9, 6, np.float64, np.int32)
write(a, "csr.h5ad")
record(a, "csr.h5ad", None)

# csr_gzip.h5ad: X CSR float64 data with int64 indptr/indices, gzip; a CSC layer with int64 indices
x = sparse(9, 6, np.float64, np.int64)
a = ad.AnnData(X=x, obs=obs(9), var=var(6), dtype=x.dtype)
a.layers["csc"] = csc(sparse(9, 6, np.int64, np.int64), np.int64)
write(a, "csr_gzip.h5ad", compression="gzip")
record(a, "csr_gzip.h5ad", None)

# shuffle.h5ad: gzip with the byte-shuffle filter (h5py's shuffle=True) through anndata's write_elem
a = ad.AnnData(X=dense(5, 4, np.float32), obs=obs(5), var=var(4))
a.layers["csr"] = sparse(5, 4, np.float32, np.int64)
path = write(a, "shuffle.h5ad")
with h5py.File(path, "a") as f:
    for key, value in [("X", a.X), ("layers/csr", a.layers["csr"])]:
        del f[key]
        write_elem(f, key, value, dataset_kwargs={"compression": "gzip", "shuffle": True})
    assert f["X"].shuffle and f["layers/csr/data"].shuffle
record(a, "shuffle.h5ad", None)

# lzf.h5ad: anndata's other compression option, h5py's LZF filter (not one of HDF5's built-ins). A chunk LZF
# cannot shrink is stored raw with its filter-mask bit set; random floats give such chunks, small counts do not.
a = ad.AnnData(X=dense(7, 5, np.float32), obs=obs(7), var=var(5))
a.layers["counts"] = dense(7, 5, np.int64)
a.layers["csr"] = sparse(7, 5, np.float32, np.int64)
path = write(a, "lzf.h5ad", compression="lzf")
with h5py.File(path) as f:
    masks = {k: f[k].id.get_chunk_info(0).filter_mask for k in ["X", "layers/counts", "layers/csr/indices"]}
    assert f["X"].compression == "lzf" and masks["layers/counts"] == 0, masks
record(a, "lzf.h5ad", None)

# latest.h5ad: dense.h5ad copied by h5py into HDF5's newest format (superblock v3, link messages), as files from
# h5py.File(..., libver="latest") are; anndata itself reads it back unchanged
with h5py.File(os.path.join(HERE, "dense.h5ad")) as src, h5py.File(os.path.join(HERE, "latest.h5ad"), "w", libver="latest") as dst:
    for key in src:
        src.copy(src[key], dst, key)
    for key, value in src.attrs.items():
        dst.attrs[key] = value
back = ad.read_h5ad(os.path.join(HERE, "latest.h5ad"))
assert np.array_equal(back.X, ad.read_h5ad(os.path.join(HERE, "dense.h5ad")).X)
with open(os.path.join(HERE, "latest.h5ad"), "rb") as f:
    assert f.read(9)[8] == 3, "expected superblock version 3"
record(back, "latest.h5ad", None)

# no_x.h5ad: X is None (anndata allows it); the data is in a layer
a = ad.AnnData(obs=obs(4), var=var(3))
a.layers["counts"] = dense(4, 3, np.float32)
write(a, "no_x.h5ad")
record(a, "no_x.h5ad", None)

# old_categorical.h5ad: anndata 0.7's layout, which 0.8 reads but no longer writes, so h5py writes it: a
# categorical var column is integer codes whose "categories" attribute references var/__categories/<column>
x = dense(3, 2, np.float32)
with h5py.File(os.path.join(HERE, "old_categorical.h5ad"), "w") as f:
    f.attrs["encoding-type"], f.attrs["encoding-version"] = "anndata", "0.1.0"
    f["X"] = x
    for name, n in [("obs", 3), ("var", 2)]:
        g = f.create_group(name)
        g.attrs["_index"], g.attrs["encoding-type"], g.attrs["encoding-version"] = "_index", "dataframe", "0.1.0"
        g.attrs["column-order"] = ["symbol"] if name == "var" else []
        g.create_dataset("_index", data=np.array([f"{name}{i}" for i in range(n)], dtype=object), dtype=h5py.string_dtype())
    cats = f.create_dataset("var/__categories/symbol", data=np.array(["Sox2", "Nanog"], dtype=object), dtype=h5py.string_dtype())
    cats.attrs["ordered"] = False
    f["var/symbol"] = np.array([1, 0], dtype=np.int8)
    f["var/symbol"].attrs["categories"] = cats.ref
back = ad.read_h5ad(os.path.join(HERE, "old_categorical.h5ad"))  # anndata itself must read it so
assert list(back.var["symbol"]) == ["Nanog", "Sox2"] and list(back.var_names) == ["var0", "var1"]
record(back, "old_categorical.h5ad", None)

# infer.h5ad / infer_csr.h5ad: the same 60 x 6 matrix, dense and CSR, with a network to find (G2 = 2 G1 + noise,
# G3 = G4 - G1 + noise; about half the values exactly 0) for the command-line tests
g = rng.normal(size=(60, 4)) * (rng.random((60, 4)) < 0.5)
g1, g4, g5, g6 = g.T
noise = 0.05 * rng.normal(size=(60, 2))
g2 = np.where(g1 != 0, 2 * g1 + noise[:, 0], 0)
g3 = np.where((g1 != 0) | (g4 != 0), g4 - g1 + noise[:, 1], 0)
m = np.column_stack([g1, g2, g3, g4, g5, g6]).astype(np.float32)
genes = pd.DataFrame(index=[f"G{i}" for i in range(1, 7)])
for file, x in [("infer.h5ad", m), ("infer_csr.h5ad", sp.csr_matrix(m))]:
    a = ad.AnnData(X=x, obs=obs(60), var=genes)
    write(a, file)
    record(a, file, None)

# ---- bad files: each breaks one thing -------------------------------------------------------------------
def small_csr(file, **kwargs):
    b = ad.AnnData(X=sparse(5, 3, np.float32, np.int32), obs=obs(5), var=pd.DataFrame(index=SYMBOLS[:3]))
    return write(b, file, **kwargs)


def small_dense(file, var_names=SYMBOLS[:3], **kwargs):
    b = ad.AnnData(X=dense(5, 3, np.float32), obs=obs(5), var=pd.DataFrame(index=var_names))
    return write(b, file, **kwargs)


with h5py.File(small_csr("bad_shape.h5ad"), "a") as f:
    f["X"].attrs["shape"] = np.array([5, 4])            # var has 3 genes

with h5py.File(small_csr("bad_indices.h5ad"), "a") as f:
    idx = f["X/indices"][...]
    idx[-1] = 3                                        # genes are 0..2
    f["X/indices"][...] = idx

with h5py.File(small_csr("bad_indptr.h5ad"), "a") as f:
    p = f["X/indptr"][...]
    p[2] = p[3] + 1                                    # indptr must not decrease (row 2 would end before it starts)
    assert p[2] <= p[-1]
    f["X/indptr"][...] = p

with h5py.File(small_dense("bad_rows.h5ad"), "a") as f:
    del f["obs/_index"]                                # 4 cell names for 5 rows of X
    f["obs"].create_dataset("_index", data=np.array([f"cell{i}" for i in range(4)], dtype=object),
                            dtype=h5py.string_dtype())
    f["obs/_index"].attrs["encoding-type"] = "string-array"
    f["obs/_index"].attrs["encoding-version"] = "0.2.0"

with h5py.File(small_dense("bad_var_missing.h5ad"), "a") as f:
    del f["var/_index"]                                # var's _index attribute names a missing column

small_dense("bad_duplicate.h5ad", var_names=["Sox2", "Nanog", "Sox2"])

# szip: a filter HDF5 can have (Debian's links libaec) but neither PureHDF nor GrnFast decodes
with h5py.File(small_dense("bad_szip.h5ad"), "a") as f:
    x = f["X"][...]
    del f["X"]
    write_elem(f, "X", x, dataset_kwargs={"compression": "szip"})

# anndata < 0.7 stored obs and var as compound datasets (one record per gene); 0.8 cannot write that
with h5py.File(os.path.join(HERE, "bad_compound_var.h5ad"), "w") as f:
    f["X"] = dense(3, 2, np.float32)
    rec = np.dtype([("index", h5py.string_dtype()), ("n_cells", np.int64)])
    f["obs"] = np.array([("c0", 1), ("c1", 1), ("c2", 1)], dtype=rec)
    f["var"] = np.array([("Sox2", 3), ("Nanog", 2)], dtype=rec)

expected["versions"] = {
    "anndata": ad.__version__, "h5py": h5py.__version__, "hdf5": h5py.version.hdf5_version,
    "numpy": np.__version__, "scipy": scipy.__version__, "pandas": pd.__version__,
}
with open(os.path.join(HERE, "expected.json"), "w") as out:
    json.dump(expected, out, indent=1)
    out.write("\n")
