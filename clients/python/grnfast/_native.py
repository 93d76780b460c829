"""GrnFast in-process: libgrnfast.so (include/grnfast.h) through ctypes, numpy arrays passed by pointer.

The library is the host's own inference pipeline compiled with NativeAOT, so ``NativeSession.infer`` returns the
network ``Session.infer`` returns, without a process, pipes or Arrow encoding. What is copied:

* a float32 or float64 numpy array in C or Fortran order (or a pandas DataFrame of one float dtype, an AnnData
  X/layer) is read where it lies: nothing is copied, and the array is kept alive for the call;
* a row-strided view (``a[:, :k]`` of a C-order array) goes with its leading dimension; the library copies it
  once into a tight array (the solvers' views have no stride);
* other dtypes or memory orders are converted to float32 here (a copy);
* scipy sparse goes as CSR with int64 indptr, int32 indices and float32 values: zero-copy when it already has
  those types, converted otherwise.

The library is found at $GRNFAST_LIB, else at the repository's artifacts/native/libgrnfast.so (built by
``dotnet publish src/Native -r linux-x64 -c Release -o artifacts/native``). ``available()`` tells whether it
loads; ``grnfast.infer`` uses it when it does and the host process otherwise.
"""

from __future__ import annotations

import ctypes
import os
import threading
import warnings
from pathlib import Path

import numpy as np

from ._errors import GrnFastError

ABI_VERSION = 1

# gf_status -> the error codes of GrnFastError (the host's names where they mean the same).
_CODES = {1: "bad_argument", 2: "bad_request", 3: "bad_input", 4: "cancelled", 5: "unsupported", 6: "busy",
          7: "buffer_too_small", 8: "abi_mismatch", 9: "out_of_memory", 99: "internal"}
_FLOAT32, _FLOAT64, _ROW_MAJOR, _COL_MAJOR = 0, 1, 0, 1

_LOG_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int32, ctypes.c_char_p)
_PROGRESS_FN = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_int32, ctypes.c_int32)


class _ContextOptions(ctypes.Structure):
    _fields_ = [("size", ctypes.c_uint32), ("threads", ctypes.c_int32), ("blas", ctypes.c_int32),
                ("has_seed", ctypes.c_int32), ("seed", ctypes.c_int32), ("reserved", ctypes.c_int32),
                ("log", _LOG_FN), ("log_user", ctypes.c_void_p)]


class _Request(ctypes.Structure):
    _fields_ = [("size", ctypes.c_uint32), ("n_regulators", ctypes.c_int32),
                ("regulators", ctypes.POINTER(ctypes.c_int32)), ("n_targets", ctypes.c_int32),
                ("n_options", ctypes.c_int32), ("targets", ctypes.POINTER(ctypes.c_int32)),
                ("n_priors", ctypes.c_int64), ("prior_regulators", ctypes.POINTER(ctypes.c_int32)),
                ("prior_targets", ctypes.POINTER(ctypes.c_int32)), ("prior_weights", ctypes.POINTER(ctypes.c_double)),
                ("option_keys", ctypes.POINTER(ctypes.c_char_p)), ("option_values", ctypes.POINTER(ctypes.c_char_p)),
                ("progress", _PROGRESS_FN), ("progress_user", ctypes.c_void_p),
                ("cancel", ctypes.POINTER(ctypes.c_int32)),
                ("prior_sources", ctypes.POINTER(ctypes.c_int32))]  # appended to ABI 1 (features: prior_sources)


class _Network(ctypes.Structure):
    _fields_ = [("count", ctypes.c_int64), ("regulators", ctypes.POINTER(ctypes.c_int32)),
                ("targets", ctypes.POINTER(ctypes.c_int32)), ("importance", ctypes.POINTER(ctypes.c_double)),
                ("coefficient", ctypes.POINTER(ctypes.c_double)),
                ("std", ctypes.POINTER(ctypes.c_double))]  # appended to ABI 1 (features: network_std); NULL or n values

# The additions to ABI 1 this client uses; a library without them is refused at load (it would ignore them).
_FEATURES = {"prior_sources", "network_std"}


def library_path() -> str | None:
    """$GRNFAST_LIB, else the repository's artifacts/native/libgrnfast.so when it exists, else None."""
    env = os.environ.get("GRNFAST_LIB")
    if env:
        return env
    built = Path(__file__).resolve().parent.parent.parent.parent / "artifacts" / "native" / "libgrnfast.so"
    return str(built) if built.is_file() else None


_libs: dict = {}  # path -> loaded library
_lib_lock = threading.Lock()


def load(path: str | None = None):
    """The loaded library (ctypes.CDLL with its signatures); raises GrnFastError when it cannot be loaded."""
    with _lib_lock:
        path = path or library_path()
        if path in _libs:
            return _libs[path]
        if path is None:
            raise GrnFastError("library_not_found", "libgrnfast.so not found: set GRNFAST_LIB or build it "
                               "(dotnet publish src/Native -r linux-x64 -c Release -o artifacts/native)")
        try:
            lib = ctypes.CDLL(path)
        except OSError as error:
            raise GrnFastError("library_not_found", f"cannot load {path}: {error}") from None
        c = ctypes
        sigs = {
            "gf_abi_version": (c.c_int32, []),
            "gf_version": (c.c_char_p, []),
            "gf_context_create": (c.c_int32, [c.c_int32, c.POINTER(_ContextOptions), c.POINTER(c.c_void_p)]),
            "gf_context_free": (c.c_int32, [c.c_void_p]),
            "gf_last_error": (c.c_char_p, [c.c_void_p]),
            "gf_cancel": (c.c_int32, [c.c_void_p]),
            "gf_describe": (c.c_int32, [c.c_void_p, c.POINTER(c.c_char_p)]),
            "gf_data_dense": (c.c_int32, [c.c_void_p, c.c_void_p, c.c_int32, c.c_int32, c.c_int64, c.c_int64,
                                          c.c_int64, c.POINTER(c.c_char_p), c.POINTER(c.c_void_p)]),
            "gf_data_csr": (c.c_int32, [c.c_void_p, c.c_void_p, c.c_void_p, c.c_void_p, c.c_int64, c.c_int64,
                                        c.POINTER(c.c_char_p), c.POINTER(c.c_void_p)]),
            "gf_data_copied": (c.c_int32, [c.c_void_p, c.c_void_p, c.POINTER(c.c_int32)]),
            "gf_data_free": (c.c_int32, [c.c_void_p]),
            "gf_infer": (c.c_int32, [c.c_void_p, c.c_void_p, c.POINTER(_Request), c.POINTER(c.POINTER(_Network))]),
            "gf_network_free": (c.c_int32, [c.POINTER(_Network)]),
        }
        for name, (restype, argtypes) in sigs.items():
            fn = getattr(lib, name)
            fn.restype, fn.argtypes = restype, argtypes
        if lib.gf_abi_version() != ABI_VERSION:
            raise GrnFastError("abi_mismatch", f"{path} has C ABI {lib.gf_abi_version()}, this client {ABI_VERSION}")
        missing = _FEATURES - _library_features(lib)
        if missing:
            raise GrnFastError("abi_mismatch", f"{path} lacks ABI 1's additions {', '.join(sorted(missing))}; rebuild it "
                               "(dotnet publish src/Native -r linux-x64 -c Release -o artifacts/native)")
        lib.path = path
        _libs[path] = lib
        return lib


def _library_features(lib) -> set:
    """The "features=" of gf_describe: the additions to ABI 1 the library has."""
    ctx, text = ctypes.c_void_p(), ctypes.c_char_p()
    if lib.gf_context_create(ABI_VERSION, None, ctypes.byref(ctx)) != 0:
        return set()
    try:
        if lib.gf_describe(ctx, ctypes.byref(text)) != 0:
            return set()
        lines = dict(line.split("=", 1) for line in text.value.decode().splitlines() if "=" in line)
        return set(filter(None, lines.get("features", "").split(",")))
    finally:
        lib.gf_context_free(ctx)


def available() -> bool:
    """True when libgrnfast.so is found and loads."""
    try:
        load()
        return True
    except GrnFastError:
        return False


def _names(values) -> ctypes.Array:
    return (ctypes.c_char_p * len(values))(*[str(v).encode("utf-8") for v in values])


def _int32(values) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=np.int32)


def _ptr(array: np.ndarray, ctype):
    return array.ctypes.data_as(ctypes.POINTER(ctype))


class NativeSession:
    """In-process inference through libgrnfast.so: the same arguments and result as ``Session.infer``.

    One context per session: calls on one session run one at a time (the library answers ``busy`` otherwise);
    use one session per thread for parallel calls. ``threads``: per call (0 = all cores); ``seed``: the
    default --seed of every call. ``log``: a callable taking (level, message) for the pipeline's log lines
    (default: warnings become Python warnings).
    """

    def __init__(self, library: str | None = None, *, threads: int = 0, seed: int | None = None, log=None):
        self._lib = load(library)
        self._log = log
        self._log_fn = _LOG_FN(self._on_log)  # kept referenced: the library calls it until the context is freed
        options = _ContextOptions(size=ctypes.sizeof(_ContextOptions), threads=threads, blas=0,
                                  has_seed=0 if seed is None else 1, seed=0 if seed is None else seed,
                                  reserved=0, log=self._log_fn, log_user=None)
        handle = ctypes.c_void_p()
        status = self._lib.gf_context_create(ABI_VERSION, ctypes.byref(options), ctypes.byref(handle))
        if status != 0:
            raise GrnFastError(_CODES.get(status, str(status)), f"gf_context_create failed ({status})")
        self._ctx = handle

    def _on_log(self, user, level, message):
        text = message.decode("utf-8", "replace")
        if self._log is not None:
            self._log(level, text)
        elif level == 1:
            warnings.warn(f"grnfast: {text}", stacklevel=2)

    def _check(self, status: int) -> None:
        if status != 0:
            message = self._lib.gf_last_error(self._ctx).decode("utf-8", "replace")
            raise GrnFastError(_CODES.get(status, str(status)), message)

    @property
    def version(self) -> str:
        return self._lib.gf_version().decode()

    def copies(self, data, genes=None, layer=None) -> bool:
        """Whether the library copies ``data`` (True) or reads it where it lies (False), as ``infer`` passes it."""
        keep: list = []
        handle, _ = self._data(data, genes, layer, keep)
        try:
            copied = ctypes.c_int32(-1)
            self._check(self._lib.gf_data_copied(self._ctx, handle, ctypes.byref(copied)))
            return copied.value == 1
        finally:
            self._lib.gf_data_free(handle)

    def describe(self) -> dict:
        """The library's key=value description: version, abi, isa, threads, gemm, blas, methods."""
        text = ctypes.c_char_p()
        self._check(self._lib.gf_describe(self._ctx, ctypes.byref(text)))
        return dict(line.split("=", 1) for line in text.value.decode().splitlines() if "=" in line)

    def cancel(self) -> None:
        """Cancels the call running on this session (from another thread)."""
        self._lib.gf_cancel(self._ctx)

    def close(self) -> None:
        if self._ctx:
            self._check(self._lib.gf_context_free(self._ctx))
            self._ctx = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    # ------------------------------------------------------------------------------------------------ data
    def _data(self, data, genes, layer, keep: list):
        """(a gf_data handle over ``data``, its gene names); ``keep`` holds what must outlive the call."""
        from . import _inputs

        if isinstance(data, (str, os.PathLike)):
            raise TypeError("the in-process library takes data in memory; pass a path to the host (Session)")
        matrix, names = _inputs.resolve_matrix(data, genes, layer)
        cells, width = matrix.shape
        keep.append(names_c := _names(names))
        handle = ctypes.c_void_p()
        if _inputs._is_sparse(matrix):
            csr = matrix.tocsr()
            indptr = np.ascontiguousarray(csr.indptr, dtype=np.int64)
            indices = np.ascontiguousarray(csr.indices, dtype=np.int32)
            values = np.ascontiguousarray(csr.data, dtype=np.float32)
            keep += [csr, indptr, indices, values]
            self._check(self._lib.gf_data_csr(self._ctx, indptr.ctypes.data, indices.ctypes.data, values.ctypes.data,
                                              cells, width, names_c, ctypes.byref(handle)))
            return handle, names
        array = np.asarray(matrix)
        if array.dtype.kind not in "iuf":
            raise TypeError(f"the expression matrix must be numeric, not {array.dtype}")
        if array.dtype not in (np.float32, np.float64) or not array.dtype.isnative:
            array = array.astype(np.float32)
        item = array.itemsize
        if array.flags.c_contiguous or (array.strides[1] == item and array.strides[0] >= width * item
                                        and array.strides[0] % item == 0):
            layout, ld = _ROW_MAJOR, array.strides[0] // item if cells > 1 else width
        elif array.flags.f_contiguous or (array.strides[0] == item and array.strides[1] >= cells * item
                                          and array.strides[1] % item == 0):
            layout, ld = _COL_MAJOR, array.strides[1] // item if width > 1 else cells
        else:
            array = np.ascontiguousarray(array)
            layout, ld = _ROW_MAJOR, width
        keep.append(array)
        dtype = _FLOAT32 if array.dtype == np.float32 else _FLOAT64
        self._check(self._lib.gf_data_dense(self._ctx, array.ctypes.data, dtype, layout, cells, width, ld,
                                            names_c, ctypes.byref(handle)))
        return handle, names

    # ----------------------------------------------------------------------------------------------- infer
    def infer(self, data, regulators, prior=None, method: str = "lasso", *, genes=None, layer=None,
              progress=None, cancel: threading.Event | None = None, targets=None, **options):
        """Infers a network in this process; the arguments and the DataFrame are those of ``Session.infer``
        (data in memory only). Options are ``grnfast infer``'s flags with ``_`` for ``-`` (l1_ratio, alpha,
        select, prior_mode, prior_weight, seed, ...; ``threads`` is the session's)."""
        import pandas as pd

        from . import _inputs

        if isinstance(regulators, (str, bytes)):
            raise TypeError("regulators is a list of gene names, not one string")
        if "threads" in options:
            raise TypeError("threads is set per NativeSession(threads=...)")
        keep: list = []
        handle, names = self._data(data, genes, layer, keep)
        try:
            names = [str(g) for g in names]
            index = {g: i for i, g in enumerate(names)}
            regulators = [str(r) for r in regulators]
            if not regulators:
                raise ValueError("regulators is empty")
            missing = [r for r in regulators if r not in index]
            if missing:
                warnings.warn(f"grnfast: {len(missing)} of {len(regulators)} regulators are not genes of the data: "
                              f"{', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}", stacklevel=2)
            regs = _int32([index[r] for r in regulators if r in index])
            if regs.size == 0:
                raise GrnFastError("bad_input", f"regulators: none of the {len(regulators)} regulators is a gene of the data")
            request = _Request(size=ctypes.sizeof(_Request), n_regulators=regs.size, regulators=_ptr(regs, ctypes.c_int32))
            keep.append(regs)
            if targets is not None:
                bad = [t for t in map(str, targets) if t not in index]
                if bad:
                    raise GrnFastError("bad_input", f"targets: target '{bad[0]}' is not a gene of the data")
                tgts = _int32([index[str(t)] for t in targets])
                keep.append(tgts)
                request.targets, request.n_targets = _ptr(tgts, ctypes.c_int32), tgts.size
            self._priors(prior, index, request, keep)
            keys, values = ["method"], [method]
            for key, value in options.items():
                if value is None:
                    continue
                keys.append(key.replace("_", "-"))
                if key in _inputs.PATH_OPTIONS:
                    value = os.path.abspath(os.fspath(value))
                values.append(repr(value.item() if isinstance(value, np.generic) else value)
                              if isinstance(value, (float, np.floating)) else str(value))
            keep += [k := _names(keys), v := _names(values)]
            request.option_keys, request.option_values, request.n_options = k, v, len(keys)
            flag = ctypes.c_int32(0)
            request.cancel = ctypes.pointer(flag)
            stop_watch = threading.Event()
            if progress is not None or cancel is not None:
                def on_progress(user, done, total):
                    if progress is not None:
                        progress(done, total)
                    return 1 if cancel is not None and cancel.is_set() else 0
                keep.append(callback := _PROGRESS_FN(on_progress))
                request.progress = callback
            if cancel is not None:
                def watch():
                    while not stop_watch.is_set():
                        if cancel.wait(0.01):
                            flag.value = 1
                            return
                threading.Thread(target=watch, daemon=True).start()
            network = ctypes.POINTER(_Network)()
            try:
                self._check(self._lib.gf_infer(self._ctx, handle, ctypes.byref(request), ctypes.byref(network)))
            finally:
                stop_watch.set()
            try:
                n = network.contents.count
                net = network.contents
                reg = np.ctypeslib.as_array(net.regulators, (n,)) if n else np.empty(0, np.int32)
                tgt = np.ctypeslib.as_array(net.targets, (n,)) if n else np.empty(0, np.int32)
                imp = np.ctypeslib.as_array(net.importance, (n,)).copy() if n else np.empty(0)
                coef = np.ctypeslib.as_array(net.coefficient, (n,)).copy() if n else np.empty(0)
                gene_array = np.array(names, dtype=object)
                frame = pd.DataFrame({"TF": gene_array[reg], "target": gene_array[tgt], "importance": imp, "coef": coef})
                if n and net.std:  # pmf-grn, joint: the posterior sd of each importance, as the host's std column
                    frame["std"] = np.ctypeslib.as_array(net.std, (n,)).copy()
            finally:
                self._lib.gf_network_free(network)
            frame.attrs["grnfast"] = {"backend": "native", "library": self._lib.path, "edges": int(n)}
            return frame
        finally:
            self._lib.gf_data_free(handle)

    @staticmethod
    def _priors(prior, index: dict, request: _Request, keep: list) -> None:
        """Prior DataFrames as index arrays, each DataFrame one source (prior_sources), as the host takes each as
        one prior: netrex-cf sums confidences over sources, pmf-grn takes the largest. Pairs naming genes absent
        from the data are left out, with a warning, as the host does."""
        from . import _inputs

        if prior is None:
            return
        items = list(prior) if isinstance(prior, (list, tuple)) else [prior]
        regs, tgts, weights, sources, absent = [], [], [], [], 0
        for i, item in enumerate(items):
            if isinstance(item, (str, os.PathLike)):
                raise TypeError("the in-process library takes priors as DataFrames; pass prior files to the host (Session)")
            columns = _inputs.prior_columns(item, i)
            w = columns.get("weight")
            used = 0
            for k, (r, t) in enumerate(zip(columns["regulator"], columns["target"])):
                if r in index and t in index:
                    regs.append(index[r])
                    tgts.append(index[t])
                    weights.append(1.0 if w is None else float(w[k]))
                    sources.append(i)
                    used += 1
                else:
                    absent += 1
            if not used:
                # A prior none of whose pairs applies still counts as a source and sets the mode (mask: nothing
                # is a candidate), as on the host; the pipeline ignores a self loop, so one stands in for it.
                regs.append(0)
                tgts.append(0)
                weights.append(1.0)
                sources.append(i)
        if absent:
            warnings.warn(f"grnfast: {absent} prior pairs name genes absent from the data", stacklevel=3)
        r, t, w = _int32(regs), _int32(tgts), np.ascontiguousarray(weights, dtype=np.float64)
        s = _int32(sources)
        keep += [r, t, w, s]
        request.prior_regulators, request.prior_targets = _ptr(r, ctypes.c_int32), _ptr(t, ctypes.c_int32)
        request.prior_weights, request.n_priors = _ptr(w, ctypes.c_double), r.size
        request.prior_sources = _ptr(s, ctypes.c_int32)
