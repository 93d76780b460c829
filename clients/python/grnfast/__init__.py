"""GrnFast from Python: gene regulatory network inference through the ``grnfast serve`` host.

    import grnfast
    network = grnfast.infer(df, regulators=["G1", "G2"], prior=prior_df)   # one host for one call
    with grnfast.Session() as session:                                     # one host for many calls
        network = session.infer(adata, tfs, progress=lambda done, total: print(done, total))
"""

from __future__ import annotations

from . import arrow
from ._errors import GrnFastError, HostExitedError, RequestTimeout
from .session import InferRequest, Request, Session, host_command

__version__ = "0.1.0"
__all__ = ["GrnFastError", "HostExitedError", "InferRequest", "Request", "RequestTimeout", "Session",
           "arrow", "host_command", "infer", "write_arrows"]


def infer(data, regulators, prior=None, method: str = "lasso", *, executable=None, stderr=None, **options):
    """Starts a host, infers one network and stops the host; see ``Session.infer`` for the arguments."""
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
