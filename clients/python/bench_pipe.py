#!/usr/bin/python3
"""Pipe benchmarks of the Python client against `grnfast serve` (run with Debian's /usr/bin/python3):

1. inline round trip: `echo` of an Arrow stream (one float32 column) of several sizes; throughput is the
   payload size over the round-trip time (the bytes cross the pipe twice: to the host and back);
2. infer on a cells x genes float32 matrix sent inline (through the pipe) versus by path to an .arrows file
   the host memory-maps (nothing crosses the pipe), at a fixed alpha so the fit itself is small.

Prints medians over --runs runs (after one warm-up) as Markdown tables.

    /usr/bin/python3 clients/python/bench_pipe.py [--runs 5] [--sizes-mb 16,64,256,1024] [--cells 20000 --genes 2000]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import grnfast  # noqa: E402
from grnfast import arrow  # noqa: E402


def median_seconds(action, runs):
    action()  # warm-up: first-call JIT on the host, page faults on fresh buffers
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def bench_echo(session, sizes_mb, runs):
    print("| payload | round trip (median) | throughput (median) | min .. max |")
    print("|---:|---:|---:|---:|")
    for size_mb in sizes_mb:
        values = np.random.default_rng(size_mb).random(size_mb * (1 << 20) // 4, dtype=np.float32)
        stream = arrow.encode_stream({"v": values})
        nbytes = sum(memoryview(p).nbytes for p in stream)

        def round_trip():
            back = session.echo({"payload": stream})["payload"]
            if len(back) != nbytes:
                raise AssertionError(f"echo returned {len(back)} bytes, sent {nbytes}")

        med, lo, hi = median_seconds(round_trip, runs)
        column = arrow.read_stream(session.echo({"payload": stream})["payload"]).column("v")
        if not np.array_equal(column, values):
            raise AssertionError("echo changed the values")
        gb = nbytes / 1e9
        print(f"| {nbytes / (1 << 20):.0f} MiB | {med * 1e3:.1f} ms | {gb / med:.2f} GB/s | "
              f"{gb / hi:.2f} .. {gb / lo:.2f} GB/s |")


def bench_infer(session, cells, genes, regulators, runs, file_format="arrows"):
    rng = np.random.default_rng(1)
    x = rng.random((cells, genes), dtype=np.float32)
    x = np.asfortranarray(x)
    names = [f"g{i}" for i in range(genes)]
    tfs = names[:regulators]
    with tempfile.TemporaryDirectory() as folder:
        if file_format == "arrows":
            path = grnfast.write_arrows(os.path.join(folder, "x.arrows"), x, genes=names)
            by_path_kwargs = {}
        else:  # .npy, memory-mapped by the host too, with a gene-name file
            path = os.path.join(folder, "x.npy")
            np.save(path, x)
            by_path_kwargs = {"genes": os.path.join(folder, "genes.txt")}
            with open(by_path_kwargs["genes"], "w") as f:
                f.write("\n".join(names) + "\n")
        options = dict(alpha=0.5, precision="float32", targets=names[:regulators])
        results = {}

        def inline():
            results["inline"] = session.infer(x, tfs, genes=names, **options)

        def by_path():
            results["path"] = session.infer(path, tfs, **by_path_kwargs, **options)

        t_inline = median_seconds(inline, runs)
        t_path = median_seconds(by_path, runs)
        a, b = results["inline"], results["path"]
        if list(a["TF"] + ">" + a["target"]) != list(b["TF"] + ">" + b["target"]) or \
                not np.allclose(a["importance"], b["importance"], rtol=1e-6):
            raise AssertionError("inline and by-path networks differ")
        timings = results["path"].attrs["grnfast"].get("timings", {})
    mb = x.nbytes / (1 << 20)
    print(f"| input | infer (median) | min .. max |")
    print("|---|---:|---:|")
    print(f"| inline, {cells} x {genes} float32 ({mb:.0f} MiB through the pipe) | {t_inline[0]:.3f} s | "
          f"{t_inline[1]:.3f} .. {t_inline[2]:.3f} s |")
    print(f"| by path, the same matrix as .{file_format} (memory-mapped) | {t_path[0]:.3f} s | "
          f"{t_path[1]:.3f} .. {t_path[2]:.3f} s |")
    print(f"\ninline - by path = {t_inline[0] - t_path[0]:.3f} s for {mb:.0f} MiB "
          f"({regulators} regulators and targets, alpha 0.5); host timings by path: {timings}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes-mb", default="16,64,256,1024")
    parser.add_argument("--cells", type=int, default=20000)
    parser.add_argument("--genes", type=int, default=2000)
    parser.add_argument("--regulators", type=int, default=50)
    parser.add_argument("--file-format", choices=["arrows", "npy"], default="arrows",
                        help="the file the by-path infer reads")
    parser.add_argument("--skip-echo", action="store_true")
    parser.add_argument("--executable", default=None, help="host command (default: as grnfast.Session finds it)")
    args = parser.parse_args()
    with grnfast.Session(args.executable) as session:
        info = session.info()
        print(f"host {info.get('version')}, {info.get('threads')} threads, {info.get('instructionSet')}, "
              f"arrow backend: {arrow.backend}, {args.runs} runs + 1 warm-up each\n")
        if not args.skip_echo:
            bench_echo(session, [int(s) for s in args.sizes_mb.split(",")], args.runs)
            print()
        bench_infer(session, args.cells, args.genes, args.regulators, args.runs, args.file_format)


if __name__ == "__main__":
    main()
