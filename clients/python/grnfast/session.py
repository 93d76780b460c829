"""A long-lived ``grnfast serve`` host and the requests sent to it (docs/protocol.md).

One reader thread takes the host's frames off its stdout and hands each answer to the request with that
id; one more thread forwards the host's stderr to a logger or a callback. Requests are written whole
under a lock, so several threads may share a session. Progress callbacks run in the thread that waits
for the answer, never on the reader thread.
"""

from __future__ import annotations

import collections
import fcntl
import io
import itertools
import logging
import os
import shlex
import shutil
import subprocess
import threading
import time
from pathlib import Path

from . import _inputs
from ._errors import GrnFastError, HostExitedError, RequestTimeout
from ._frames import FrameError, FrameReader, encode_frame, write_buffers

log = logging.getLogger("grnfast")
host_log = logging.getLogger("grnfast.host")

PROTOCOL = 1
# How long a cancelled request (after a timeout) may take to answer before waiting stops anyway.
CANCEL_GRACE_SECONDS = 10.0
_PIPE_BYTES = 1 << 20


def host_command(executable=None) -> list:
    """The command that starts the host, without ``serve``: ``executable`` (a command line or a list), else
    $GRNFAST_EXECUTABLE, else the repository's ./grnfast launcher next to this package, else grnfast on PATH."""
    if executable is None:
        executable = os.environ.get("GRNFAST_EXECUTABLE") or None
    if executable is not None:
        command = shlex.split(executable) if isinstance(executable, str) else [os.fspath(a) for a in executable]
        if not command:
            raise GrnFastError("host_not_found", "empty host command")
        return command
    launcher = Path(__file__).resolve().parent.parent.parent.parent / "grnfast"
    if launcher.is_file() and os.access(launcher, os.X_OK):
        return [str(launcher)]
    found = shutil.which("grnfast")
    if found:
        return [found]
    raise GrnFastError("host_not_found", "cannot find the grnfast host: set GRNFAST_EXECUTABLE, pass "
                       f"executable=, or put grnfast on PATH (looked for {launcher})")


class Request:
    """An open request. Its answer arrives on the session's reader thread; ``wait`` returns it."""

    def __init__(self, session: "Session", request_id, op: str):
        self.id = request_id
        self.op = op
        self._session = session
        self._cond = threading.Condition()
        self._done = False
        self._header = None
        self._payloads = None
        self._error = None
        self._progress = collections.deque()

    # --- called on the reader thread
    def _deliver(self, header: dict, payloads: dict) -> None:
        with self._cond:
            self._header, self._payloads, self._done = header, payloads, True
            self._cond.notify_all()

    def _fail(self, error: Exception) -> None:
        with self._cond:
            if not self._done:
                self._error, self._done = error, True
                self._cond.notify_all()

    def _on_progress(self, done: int, total: int) -> None:
        with self._cond:
            self._progress.append((done, total))
            self._cond.notify_all()

    # --- public
    def done(self) -> bool:
        with self._cond:
            return self._done

    def cancel(self) -> bool:
        """Asks the host to cancel this request; False when it had already finished."""
        return self._session.cancel(self.id)

    def wait(self, timeout: float | None = None, cancel: threading.Event | None = None, progress=None):
        """(result header, payloads). ``progress(done, total)`` is called here as progress arrives;
        ``cancel`` set, ``timeout`` passed, a progress callback raising or Ctrl-C cancel the request."""
        deadline = None if timeout is None else time.monotonic() + timeout
        poll = 0.05 if (cancel is not None or deadline is not None) else None
        cancel_sent_at = None
        timed_out = False
        try:
            while True:
                with self._cond:
                    if not self._done and not self._progress:
                        self._cond.wait(poll)
                    events = list(self._progress)
                    self._progress.clear()
                    finished = self._done
                if progress is not None:
                    for done, total in events:
                        progress(done, total)
                if finished:
                    break
                now = time.monotonic()
                if cancel_sent_at is None and cancel is not None and cancel.is_set():
                    self._send_cancel()
                    cancel_sent_at = now
                if cancel_sent_at is None and deadline is not None and now >= deadline:
                    timed_out = True
                    self._send_cancel()
                    cancel_sent_at = now
                if timed_out and now - cancel_sent_at > CANCEL_GRACE_SECONDS:
                    self._session._forget(self.id)
                    raise RequestTimeout(self.id, timeout)
        except RequestTimeout:
            raise
        except BaseException:  # Ctrl-C or a failing progress callback: the host stops working on it
            if not self.done():
                self._send_cancel()
            raise
        if self._error is not None:
            if timed_out and getattr(self._error, "code", None) == "cancelled":
                raise RequestTimeout(self.id, timeout) from self._error
            raise self._error
        return self._header, self._payloads

    def _send_cancel(self) -> None:
        try:
            self._session._submit("cancel", {"target": self.id})
        except GrnFastError as error:  # the host is gone: the reader thread fails this request
            log.debug("could not send cancel for %r: %s", self.id, error)


class InferRequest(Request):
    """An open ``infer`` request; ``result()`` returns the network as a DataFrame."""

    def result(self, timeout: float | None = None, cancel: threading.Event | None = None, progress=None):
        header, payloads = self.wait(timeout=timeout, cancel=cancel, progress=progress)
        info = {k: v for k, v in header.items() if k not in ("type", "id", "op", "streams")}
        if "network" not in payloads:
            return info  # the host wrote the network to the requested output path
        return _inputs.network_frame(payloads["network"], info)


class Session:
    """One ``grnfast serve`` process for many requests. Use as a context manager, or call ``close()``.

    ``executable``: the host command (see ``host_command``). ``stderr``: where the host's log lines go, a
    callable taking one line or a ``logging.Logger`` (default: the ``grnfast.host`` logger at INFO).
    ``start_timeout``: seconds to wait for the host's hello (the ./grnfast launcher may build first).
    """

    def __init__(self, executable=None, *, stderr=None, env=None, cwd=None, start_timeout: float | None = 600):
        self.command = host_command(executable) + ["serve"]
        self._stderr_sink = stderr
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._pending = {}
        self._closed = False
        self._gone = None  # the HostExitedError once the host's output has ended
        self._fatal = None
        self._stderr_tail = collections.deque(maxlen=40)
        self._hello_event = threading.Event()
        self.hello = None
        try:
            # A session of its own: a terminal's Ctrl-C reaches this process only, which cancels the request
            # on the host (see Request.wait) instead of the host dying with exit code 130.
            self._proc = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, bufsize=0, env=env, cwd=cwd,
                                          start_new_session=True)
        except OSError as error:
            raise GrnFastError("host_not_found", f"cannot start {self.command}: {error}") from None
        for pipe in (self._proc.stdin, self._proc.stdout):
            try:  # bigger pipes: fewer context switches per megabyte
                fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
            except (OSError, AttributeError):
                pass
        self._stdin_fd = self._proc.stdin.fileno()
        self._frames = FrameReader(io.BufferedReader(self._proc.stdout, buffer_size=1 << 16))
        self._stderr_thread = threading.Thread(target=self._forward_stderr, name="grnfast-stderr", daemon=True)
        self._reader_thread = threading.Thread(target=self._read_frames, name="grnfast-reader", daemon=True)
        self._stderr_thread.start()
        self._reader_thread.start()
        if not self._hello_event.wait(start_timeout):
            self._kill()
            raise GrnFastError("timeout", f"the host {self.command} sent no hello within {start_timeout} s")
        if self.hello is None:
            raise self._gone or GrnFastError("host_exited", "the host exited before its hello")
        if self.hello.get("protocol") != PROTOCOL:
            self._kill()
            raise GrnFastError("unsupported_protocol", f"the host speaks protocol {self.hello.get('protocol')!r}, "
                               f"this client {PROTOCOL}", {"hello": self.hello})

    # --------------------------------------------------------------------------------------------- threads
    def _forward_stderr(self) -> None:
        for raw in io.BufferedReader(self._proc.stderr):
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            self._stderr_tail.append(line)
            sink = self._stderr_sink
            try:
                if sink is None:
                    host_log.info("%s", line)
                elif isinstance(sink, logging.Logger):
                    sink.info("%s", line)
                else:
                    sink(line)
            except Exception:  # a failing sink must not stop the draining of stderr
                log.exception("the stderr callback failed")

    def _read_frames(self) -> None:
        error = None
        try:
            while True:
                frame = self._frames.read()
                if frame is None:
                    break
                self._dispatch(*frame)
        except FrameError as e:
            error = GrnFastError("protocol", f"unreadable output from the host: {e}")
        except (OSError, ValueError) as e:
            error = GrnFastError("protocol", f"reading the host's output failed: {e}")
        finally:
            self._host_gone(error)

    def _dispatch(self, header: dict, payloads: dict) -> None:
        kind = header.get("type")
        if kind == "hello":
            self.hello = header
            self._hello_event.set()
            return
        request_id = header.get("id")
        if kind == "error" and request_id is None:
            error = GrnFastError(str(header.get("code", "internal")), str(header.get("message", "")),
                                 header.get("data"))
            if error.code == "protocol":
                self._fatal = error  # the host exits next; open requests fail with this reason
                return
            # An answer to no request: fail every open one rather than leave it waiting forever.
            log.error("the host answered a frame without id: %s", error)
            for request in self._take_all():
                request._fail(error)
            return
        with self._lock:
            request = self._pending.get(request_id)
            if request is not None and kind in ("result", "error"):
                del self._pending[request_id]
        if request is None:
            log.debug("dropping a %s frame for unknown request %r", kind, request_id)
            return
        if kind == "progress":
            request._on_progress(int(header.get("done", 0)), int(header.get("total", 0)))
        elif kind == "result":
            request._deliver(header, payloads)
        elif kind == "error":
            request._fail(GrnFastError(str(header.get("code", "internal")), str(header.get("message", "")),
                                       header.get("data")))
        else:
            log.warning("unknown frame type %r from the host", kind)

    def _take_all(self) -> list:
        with self._lock:
            requests = list(self._pending.values())
            self._pending.clear()
        return requests

    def _host_gone(self, error: GrnFastError | None) -> None:
        try:
            returncode = self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            returncode = self._proc.wait()
        self._stderr_thread.join(timeout=2)
        reason = error or self._fatal
        tail = "\n".join(self._stderr_tail)
        message = f"the grnfast host exited with code {returncode}"
        if reason is not None:
            message += f" ({reason.message})"
        if tail:
            message += f"; its last log lines:\n{tail}"
        gone = HostExitedError(message, returncode, tail)
        if reason is not None:
            gone.__cause__ = reason
        with self._lock:
            self._gone = gone
        for request in self._take_all():
            request._fail(gone)
        self._hello_event.set()

    # --------------------------------------------------------------------------------------------- sending
    def _submit(self, op: str, fields: dict, streams: dict | None = None, request_id=None, kind=Request):
        with self._lock:
            if self._closed:
                raise GrnFastError("closed", "the session is closed")
            if self._gone is not None:
                raise HostExitedError(self._gone.message, self._gone.returncode, self._gone.data["stderr"])
            if request_id is None:
                request_id = next(self._ids)
                while request_id in self._pending:
                    request_id = next(self._ids)
            elif request_id in self._pending:
                raise ValueError(f"request id {request_id!r} is already open")
            request = kind(self, request_id, op)
            self._pending[request_id] = request
        try:
            parts = encode_frame({"op": op, "id": request_id, **fields}, streams)
        except BaseException:
            self._forget(request_id)
            raise
        with self._write_lock:
            try:
                write_buffers(self._stdin_fd, parts)
            except OSError as error:  # EPIPE: the host is gone; the reader thread says why
                self._reader_thread.join(timeout=15)
                self._forget(request_id)
                if self._gone is not None:
                    raise HostExitedError(self._gone.message, self._gone.returncode,
                                          self._gone.data["stderr"]) from error
                raise GrnFastError("host_exited", f"writing to the host failed: {error}") from error
            except BaseException as error:
                # A frame cut short leaves the host's input unreadable: end the session.
                self._forget(request_id)
                self._kill()
                raise GrnFastError("protocol", f"a request frame could not be completed ({error!r}); "
                                   "the session was closed") from error
        return request

    def _forget(self, request_id) -> None:
        with self._lock:
            self._pending.pop(request_id, None)

    def _call(self, op: str, fields: dict | None = None, streams=None, timeout=None):
        return self._submit(op, fields or {}, streams).wait(timeout=timeout)

    # --------------------------------------------------------------------------------------------- API
    @property
    def alive(self) -> bool:
        return self._gone is None and self._proc.poll() is None

    @property
    def returncode(self):
        return self._proc.poll()

    @property
    def open_requests(self) -> list:
        with self._lock:
            return list(self._pending)

    def ping(self, timeout: float | None = None) -> float:
        """Round-trip seconds of a ``ping``."""
        start = time.perf_counter()
        self._call("ping", timeout=timeout)
        return time.perf_counter() - start

    def info(self, timeout: float | None = None) -> dict:
        """The host's version, protocol, BLAS backend, instruction set, threads and methods."""
        header, _ = self._call("info", timeout=timeout)
        return {k: v for k, v in header.items() if k not in ("type", "id", "op", "streams")}

    def echo(self, streams: dict, timeout: float | None = None) -> dict:
        """Sends payloads (name -> bytes-like or list of buffers) and returns the host's copies as uint8
        arrays, byte for byte the same."""
        _, payloads = self._call("echo", streams=streams, timeout=timeout)
        return payloads

    def cancel(self, request_id, timeout: float | None = None) -> bool:
        """Cancels a running or queued request (from any thread); False when the host no longer has it."""
        try:
            self._call("cancel", {"target": request_id}, timeout=timeout)
        except GrnFastError as error:
            if error.code == "not_found":
                return False
            raise
        return True

    def submit(self, data, regulators, prior=None, method: str = "lasso", *, genes=None, layer=None,
               genes_by_cells: bool = False, output=None, progress: bool = False, request_id=None,
               **options) -> InferRequest:
        """Sends an ``infer`` request and returns at once; see ``infer`` for the arguments."""
        if isinstance(regulators, (str, bytes)):
            raise TypeError("regulators is a list of gene names, not one string")
        regulators = [str(r) for r in regulators]
        if not regulators:
            raise ValueError("regulators is empty")
        expression, streams = _inputs.expression_source(data, genes=genes, layer=layer,
                                                        genes_by_cells=genes_by_cells)
        priors, prior_streams = _inputs.prior_sources(prior)
        streams.update(prior_streams)
        mapped, top = _inputs.map_options(options)
        fields = {"expression": expression, "regulators": regulators, "method": method, "options": mapped,
                  "progress": bool(progress), **top}
        if priors:
            fields["priors"] = priors
        if output is not None:
            fields["output"] = {"path": os.path.abspath(os.fspath(output))}
        return self._submit("infer", fields, streams, request_id=request_id, kind=InferRequest)

    def infer(self, data, regulators, prior=None, method: str = "lasso", *, progress=None,
              cancel: threading.Event | None = None, timeout: float | None = None, **kwargs):
        """Infers a network; returns a DataFrame (TF, target, importance, coef) in the command line's order,
        with the host's counts and timings in ``.attrs["grnfast"]``.

        ``data``: a cells x genes numpy array or scipy sparse matrix with ``genes=[names]``, a pandas
        DataFrame (columns are genes), an AnnData (``layer=`` picks a layer), or a path the host reads
        itself (``.arrows`` is memory-mapped; ``genes=`` a gene file for ``.npy``, ``genes_by_cells=``).
        ``prior``: None, a DataFrame (regulator, target[, weight]) or a path, or a list of them.
        Options: l1_ratio, alpha, path, path_min_ratio, select, tol, max_sweeps, precision, solver, threads,
        seed, prior_mode, prior_weight, targets; ``output=PATH`` has the host write the network there.
        ``progress(done, total)`` is called as targets finish; ``cancel`` (an Event) or ``timeout``
        cancel the request; ``request_id`` names it for ``Session.cancel`` from another thread.
        """
        request = self.submit(data, regulators, prior, method, progress=progress is not None, **kwargs)
        return request.result(timeout=timeout, cancel=cancel, progress=progress)

    def close(self, timeout: float = 10.0) -> int | None:
        """Ends the host (shutdown, then end of input) and returns its exit code."""
        with self._lock:
            already = self._closed
            self._closed = True
        if already or self._gone is not None:
            return self._finish(timeout)
        try:
            with self._write_lock:
                write_buffers(self._stdin_fd, encode_frame({"op": "shutdown", "id": "shutdown"}))
        except OSError:
            pass
        return self._finish(timeout)

    def _finish(self, timeout: float):
        try:
            self._proc.stdin.close()
        except OSError:
            pass
        try:
            self._proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            log.warning("the grnfast host did not exit within %s s; killing it", timeout)
            self._kill()
        self._reader_thread.join(timeout=timeout)
        return self._proc.returncode

    def _kill(self) -> None:
        with self._lock:
            self._closed = True
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        self._reader_thread.join(timeout=15)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
