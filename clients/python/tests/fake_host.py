"""A tiny stand-in for ``grnfast serve`` speaking protocol v1, so the client's framing, dispatch, progress,
cancellation and failure handling are tested without the real host's timing.

Its "inference" scores every regulator -> target pair by |Pearson correlation| (coef = correlation),
sorted like the real host's output. Behaviour is steered by environment variables:
  FAKE_HOST_MODE   exit_at_start | protocol2 | silent (no hello)
  FAKE_HOST_LOG    append every request header (JSON lines) to this file
  FAKE_HOST_DELAY  seconds to sleep per target while inferring (to test progress and cancel)
and by magic regulator names in an infer request: __die__ (exit 7 mid-request), __garbage__ (bad bytes
on stdout, then exit 2), __no_id_error__ (an error frame without id).
"""

import json
import os
import queue
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402

from grnfast import arrow  # noqa: E402
from grnfast._frames import FrameError, FrameReader, encode_frame, write_buffers  # noqa: E402

HELLO = {"type": "hello", "protocol": 1, "version": "0.0.0-fake", "methods": ["lasso", "elasticnet", "ridge"]}
_out_lock = threading.Lock()


def send(header, streams=None):
    with _out_lock:
        write_buffers(1, encode_frame(header, streams))


def error(request_id, code, message, data=None):
    send({"type": "error", "id": request_id, "code": code, "message": message, "data": data or {}})


class BadRequest(Exception):
    def __init__(self, code, message, data=None):
        super().__init__(message)
        self.code, self.message, self.data = code, message, data or {}


def load_expression(request, payloads):
    source = request.get("expression") or {}
    if "stream" in source:
        if source["stream"] not in payloads:
            raise BadRequest("bad_request", f"no stream {source['stream']!r}", {"field": "expression"})
        table = arrow.read_stream(payloads[source["stream"]])
    elif "path" in source:
        if not source["path"].endswith(".arrows"):
            raise BadRequest("bad_input", "the fake host reads only .arrows", {"file": source["path"]})
        table = arrow.read_stream(source["path"])
    else:
        raise BadRequest("bad_request", "expression needs stream or path", {"field": "expression"})
    genes = [n for n in table.schema.names if n != "_cell"]
    matrix = np.column_stack([np.asarray(table.column(g), dtype=np.float64) for g in genes]) if genes else None
    return genes, matrix


class Worker:
    """Runs infer requests one at a time, in arrival order, like the real host."""

    def __init__(self):
        self.queue = queue.Queue()
        self.lock = threading.Lock()
        self.cancelled = set()
        self.open = set()
        threading.Thread(target=self.run, daemon=True).start()

    def submit(self, request, payloads):
        with self.lock:
            self.open.add(request["id"])
        self.queue.put((request, payloads))

    def cancel(self, target):
        with self.lock:
            if target not in self.open:
                return False
            self.cancelled.add(target)
            return True

    def run(self):
        while True:
            request, payloads = self.queue.get()
            rid = request["id"]
            try:
                self.infer(request, payloads)
            except BadRequest as e:
                error(rid, e.code, e.message, e.data)
            except arrow.ArrowFormatError as e:
                error(rid, "bad_arrow", str(e))
            finally:
                with self.lock:
                    self.open.discard(rid)
                    self.cancelled.discard(rid)

    def is_cancelled(self, rid):
        with self.lock:
            return rid in self.cancelled

    def infer(self, request, payloads):
        rid = request["id"]
        regulators = request.get("regulators")
        if not isinstance(regulators, list) or not regulators:
            raise BadRequest("bad_request", "regulators must be a non-empty list", {"field": "regulators"})
        if "__die__" in regulators:
            sys.stderr.write("fake host: dying on purpose\n")
            sys.stderr.flush()
            os._exit(7)
        if "__garbage__" in regulators:
            with _out_lock:
                os.write(1, b"XXXXjunk")
            os._exit(2)
        if "__no_id_error__" in regulators:
            error(None, "invalid_json", "an error without id")
            return
        genes, x = load_expression(request, payloads)
        present = [r for r in regulators if r in genes]
        if not present:
            raise BadRequest("bad_input", "none of the regulators is a gene of the expression data",
                             {"field": "regulators"})
        targets = request.get("targets") or genes
        prior_rows = 0
        for source in request.get("priors") or []:
            if "stream" in source:
                prior_rows += arrow.read_stream(payloads[source["stream"]]).num_rows
        delay = float(os.environ.get("FAKE_HOST_DELAY", "0"))
        corr = np.corrcoef(x, rowvar=False)
        edges = []
        for done, target in enumerate(targets, start=1):
            if self.is_cancelled(rid):
                error(rid, "cancelled", "the request was cancelled")
                return
            j = genes.index(target)
            for r in present:
                i = genes.index(r)
                if i != j:
                    edges.append((r, target, abs(corr[i, j]), corr[i, j]))
            if delay:
                time.sleep(delay)
            if request.get("progress"):
                send({"type": "progress", "id": rid, "done": done, "total": len(targets)})
        edges.sort(key=lambda e: (-e[2], e[0], e[1]))
        network = arrow.encode_stream({
            "TF": np.array([e[0] for e in edges], dtype=object),
            "target": np.array([e[1] for e in edges], dtype=object),
            "importance": np.array([e[2] for e in edges], dtype=np.float64),
            "coef": np.array([e[3] for e in edges], dtype=np.float64),
        }, schema=[("TF", "utf8"), ("target", "utf8"), ("importance", "float64"), ("coef", "float64")])
        send({"type": "result", "id": rid, "op": "infer", "edges": len(edges), "targets": len(targets),
              "regulators": len(present), "priorRows": prior_rows, "timings": {"total": 0.0}},
             {"network": network})


def main():
    mode = os.environ.get("FAKE_HOST_MODE", "")
    if mode == "exit_at_start":
        sys.stderr.write("fake host: cannot start\n")
        sys.exit(3)
    if mode != "silent":
        send(dict(HELLO, protocol=2) if mode == "protocol2" else HELLO)
    request_log = os.environ.get("FAKE_HOST_LOG")
    worker = Worker()
    reader = FrameReader(sys.stdin.buffer)
    while True:
        try:
            frame = reader.read()
        except FrameError as e:
            sys.stderr.write(f"fake host: {e}\n")
            error(None, "protocol", str(e))
            sys.exit(2)
        if frame is None:
            sys.exit(0)
        request, payloads = frame
        if request_log:
            with open(request_log, "a") as f:
                f.write(json.dumps(request) + "\n")
        rid, op = request.get("id"), request.get("op")
        if op == "ping":
            send({"type": "result", "id": rid, "op": "ping"})
        elif op == "info":
            send({"type": "result", "id": rid, "op": "info", "version": "0.0.0-fake", "protocol": 1,
                  "blas": "none", "instructionSet": "none", "threads": 1, "methods": HELLO["methods"]})
        elif op == "echo":
            send({"type": "result", "id": rid, "op": "echo"}, payloads)
        elif op == "infer":
            worker.submit(request, payloads)
        elif op == "cancel":
            if worker.cancel(request.get("target")):
                send({"type": "result", "id": rid, "op": "cancel"})
            else:
                error(rid, "not_found", f"no running or queued request {request.get('target')!r}")
        elif op == "shutdown":
            send({"type": "result", "id": rid, "op": "shutdown"})
            sys.exit(0)
        else:
            error(rid, "unknown_op", f"unknown op {op!r}", {"field": "op"})


if __name__ == "__main__":
    main()
