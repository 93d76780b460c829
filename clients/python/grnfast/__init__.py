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


def write_arrows(path, data, genes=None, layer=None) -> None:
    """Writes expression data (as ``infer`` takes it in memory) to an Arrow stream file that the host
    memory-maps when given its path: one float column per gene, blocks of cells as record batches.
    Written to a temporary name and renamed, so a reader never sees a partial file."""
    import os
    import tempfile

    from . import _inputs
    from ._frames import write_buffers

    _, streams = _inputs.expression_source(data, genes=genes, layer=layer)
    payload = next(iter(streams.values()))
    path = os.fspath(path)
    fd, temp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), suffix=".tmp")
    try:
        write_buffers(fd, payload)
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(temp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        os.unlink(temp)
        raise
