#!/usr/bin/python3
"""Per-call overhead of the in-process library (libgrnfast.so via grnfast.NativeSession) against the host process
(grnfast.Session over stdin/stdout), side by side in one run, for a small problem and a D1-sized one
(5000 cells x 2000 genes, 300 regulators). Same data, same options, same network (checked); medians of --repeats
warm calls, plus the first call of each (library load / host start-up included).

    /usr/bin/python3 perf/native-overhead.py [--repeats 7] [--threads 0]

Needs artifacts/native/libgrnfast.so (tests/native/run.sh publishes it) or GRNFAST_LIB, and the ./grnfast host.
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np
import pandas  # noqa: F401  (imported before timing: both paths build a DataFrame; the import alone takes seconds)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "clients", "python"))
import grnfast  # noqa: E402


def problem(cells, genes, regulators, seed=1):
    """Cells x genes float32 (Fortran order: what the host builds, so both paths compute the same bits) where
    each target depends on three regulators."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((cells, genes)).astype(np.float32)
    for t in range(regulators, genes):
        picks = rng.choice(regulators, 3, replace=False)
        x[:, t] += x[:, picks] @ rng.uniform(-1, 1, 3).astype(np.float32)
    names = [f"G{i}" for i in range(genes)]
    return np.asfortranarray(x), names, names[:regulators]


def timed(call, repeats):
    first_start = time.perf_counter()
    result = call()
    first = time.perf_counter() - first_start
    times, results = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        results.append(call())
        times.append(time.perf_counter() - start)
    return result, first, statistics.median(times), results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()

    sizes = [("small (200 x 100, 20 TFs)", 200, 100, 20), ("D1-sized (5000 x 2000, 300 TFs)", 5000, 2000, 300)]
    options = {"alpha": 0.05}  # one alpha: the fit is short, so the overhead shows
    start = time.perf_counter()
    host = grnfast.Session(stderr=lambda line: None)
    host_start = time.perf_counter() - start
    start = time.perf_counter()
    native = grnfast.NativeSession(threads=args.threads)
    native_start = time.perf_counter() - start
    print(f"start: host process {host_start * 1e3:.0f} ms (hello), library load + context {native_start * 1e3:.1f} ms")
    print(f"library {native.describe()['version']} ({native.describe()['isa']}), {args.repeats} warm calls each, medians\n")
    print("| problem | in-process first | in-process median | host first | host median | host's own total | host - in-process | host ping |")
    print("|---|---|---|---|---|---|---|---|")
    try:
        for label, cells, genes, tfs in sizes:
            x, names, regulators = problem(cells, genes, tfs)
            threads = {} if args.threads == 0 else {"threads": args.threads}
            n_net, n_first, n_median, _ = timed(lambda: native.infer(x, regulators, genes=names, **options), args.repeats)
            h_net, h_first, h_median, h_results = timed(lambda: host.infer(x, regulators, genes=names, **options, **threads), args.repeats)
            same = n_net.reset_index(drop=True).equals(h_net.reset_index(drop=True))
            pings = statistics.median(host.ping() for _ in range(20))
            # The host's own account of a call (load, standardize, gram, solve, write): the rest is the pipe.
            inside = statistics.median(r.attrs["grnfast"]["timings"]["total"] for r in h_results)
            print(f"| {label} | {n_first * 1e3:.1f} ms | {n_median * 1e3:.1f} ms | {h_first * 1e3:.1f} ms | {h_median * 1e3:.1f} ms | {inside * 1e3:.1f} ms "
                  f"| {(h_median - n_median) * 1e3:+.1f} ms ({h_median / n_median:.2f}x) | {pings * 1e3:.2f} ms |"
                  + ("" if same else " NETWORKS DIFFER"))
            if not same:
                raise SystemExit("the two paths gave different networks")
    finally:
        native.close()
        host.close()


if __name__ == "__main__":
    main()
