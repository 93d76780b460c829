"""Errors the client raises."""

from __future__ import annotations


class GrnFastError(Exception):
    """An error answered by the host (``code``, ``message``, ``data`` as in docs/protocol.md), or one the
    client met talking to it (codes ``host_not_found``, ``host_exited``, ``protocol``, ``timeout``)."""

    def __init__(self, code: str, message: str, data: dict | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.data = dict(data or {})


class HostExitedError(GrnFastError):
    """The host process ended (or closed its output) while requests were open."""

    def __init__(self, message: str, returncode: int | None, stderr_tail: str = ""):
        super().__init__("host_exited", message, {"returncode": returncode, "stderr": stderr_tail})
        self.returncode = returncode


class RequestTimeout(GrnFastError, TimeoutError):
    """A request ran past its ``timeout``; it was cancelled on the host."""

    def __init__(self, request_id, seconds: float):
        super().__init__("timeout", f"request {request_id!r} took longer than {seconds} s and was cancelled",
                         {"id": request_id, "timeout": seconds})
