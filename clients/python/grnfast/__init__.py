"""GrnFast from Python: gene regulatory network inference through the ``grnfast serve`` host.

    import grnfast
    network = grnfast.infer(df, regulators=["G1", "G2"], prior=prior_df)   # in-process (libgrnfast.so) or one host
    with grnfast.NativeSession() as native:                                # the library, for many calls
        network = native.infer(df, tfs)
    with grnfast.Session() as session:                                     # one host for many calls
        network = session.infer(adata, tfs, progress=lambda done, total: print(done, total))
"""

from __future__ import annotations

from . import arrow
from ._errors import GrnFastError, HostExitedError, RequestTimeout
from ._native import NativeSession
from .session import InferRequest, Request, Session, host_command

__version__ = "0.1.0"
__all__ = ["GrnFastError", "HostExitedError", "InferRequest", "NativeSession", "Request", "RequestTimeout", "Session",
           "arrow", "host_command", "infer", "write_arrows"]


# Arguments only the host process takes: data or priors given by path, the host's own output file, a timeout.
_HOST_ONLY = ("output", "timeout", "genes_by_cells", "request_id")


def infer(data, regulators, prior=None, method: str = "lasso", *, executable=None, stderr=None, backend="auto",
          **options):
    """Infers one network; see ``Session.infer`` for the arguments. ``backend``: "native" runs it in this
    process through libgrnfast.so (``NativeSession``), "host" starts a ``grnfast serve`` process for it, "auto"
    (default) takes the library when it loads and the call has nothing only the host takes (paths, ``output``,
    ``timeout``, a host named by ``executable`` or $GRNFAST_EXECUTABLE), the host otherwise. Both give the
    same network."""
    import os

    from . import _native

    if backend not in ("auto", "native", "host"):
        raise ValueError(f"backend must be auto, native or host, not {backend!r}")
    priors = prior if isinstance(prior, (list, tuple)) else [prior]
    host_only = (executable is not None or os.environ.get("GRNFAST_EXECUTABLE") or isinstance(data, (str, os.PathLike))
                 or any(isinstance(p, (str, os.PathLike)) for p in priors) or any(k in options for k in _HOST_ONLY))
    if backend == "native" or (backend == "auto" and not host_only and _native.available()):
        threads = options.pop("threads", None) or 0
        with NativeSession(threads=threads) as session:
            return session.infer(data, regulators, prior, method, **options)
    with Session(executable, stderr=stderr) as session:
        return session.infer(data, regulators, prior, method, **options)


def write_arrows(path, data, genes=None, layer=None, sparse=None, part_bytes=None) -> str:
    """Writes expression data (as ``infer`` takes it in memory) as an Arrow stream file that the host
    memory-maps when given its path, and returns the path: float32 values, one column per gene (dense), or
    CSR rows (``sparse``; the default for scipy sparse and sparse AnnData), blocks of cells as record batches.
    Past ``part_bytes`` (default 1 GiB; the host maps a file as one view of at most 2 GiB) ``path`` becomes
    a directory of ``part-NNNNN.arrows`` files. Written to a temporary name and renamed: never partial."""
    import os
    import shutil
    import tempfile

    from . import _inputs
    from ._frames import write_buffers

    parts = _inputs.expression_file_parts(data, genes=genes, layer=layer, sparse=sparse,
                                          part_bytes=part_bytes or _inputs.PART_BYTES)
    path = os.path.abspath(os.fspath(path))
    folder = tempfile.mkdtemp(dir=os.path.dirname(path), prefix=".grnfast-")
    try:
        for i, part in enumerate(parts):
            fd = os.open(os.path.join(folder, f"part-{i:05d}.arrows"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                write_buffers(fd, part)
                os.fsync(fd)
            finally:
                os.close(fd)
        if len(parts) == 1:
            os.replace(os.path.join(folder, "part-00000.arrows"), path)
            os.rmdir(folder)
        else:
            os.chmod(folder, 0o755)
            os.replace(folder, path)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return path
