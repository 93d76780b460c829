#!/usr/bin/python3
"""The GEMM floor of one PMF-GRN step at a problem's size (perf/compare-pmf.sh), NumPy on the machine's OpenBLAS:
median seconds of the products GrnFast's step makes without a hold-out mask (docs/pmf-grn.md, Gram form):
W V, W^T (dU) (N x G x K each), V^T V, (dU)^T (dU) (K x K) and (dU) G_V, V G_U; and, for comparison, the three
N x G x K products of the explicit-residual form (M = dU V^T, R V, R^T dU).

usage: pmf_gemm_floor.py DIR [--regulators-file regulators.txt] [--dtype float32|float64] [--repeats 5]
"""
import argparse
import os
import time

import numpy as np


def median_seconds(f, repeats):
    f()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    dt = np.float32 if a.dtype == "float32" else np.float64
    w = np.asfortranarray(np.load(os.path.join(a.data, "expression.npy")).astype(dt))
    n, g = w.shape
    k = sum(1 for line in open(os.path.join(a.data, "regulators.txt")) if line.strip())
    rng = np.random.default_rng(1)
    v = np.asfortranarray(rng.standard_normal((g, k)).astype(dt))
    du = np.asfortranarray(rng.random((n, k)).astype(dt))
    gv, gu = v.T @ v, du.T @ du

    def gram_form():
        wv = w @ v
        wdu = w.T @ du
        gv2 = v.T @ v
        gu2 = du.T @ du
        return wv - du @ gv2, wdu - v @ gu2

    def residual_form():
        m = du @ v.T
        r = w - m
        return r @ v, r.T @ du

    gram = median_seconds(gram_form, a.repeats)
    explicit = median_seconds(residual_form, a.repeats)
    print(f"{a.dtype}: N={n} G={g} K={k}: Gram-form products {gram:.3f} s, explicit-residual products {explicit:.3f} s "
          f"(median of {a.repeats})")


if __name__ == "__main__":
    main()
