#!/usr/bin/python3
"""scikit-learn baseline for the GrnFast lasso benchmark (perf/compare-lasso.sh).

For every target gene (every gene listed as a target in DIR/prior.tsv): its candidate regulators (excluding itself),
X = candidates standardised (centred, population std 1), y = target centred; sklearn.linear_model.lasso_path
(cyclic coordinate descent, default tol 1e-4, max_iter 1000) on alphas = geomspace(alpha_max, min_ratio*alpha_max,
path) with alpha_max = max |X'y| / n.

--gram: the Gram G = Z'Z of ALL standardised regulators and Z'Y for all targets are computed once (reported as
"gram" seconds, included in "seconds") and every target passes its slices as precompute= / Xy=.

Output: JSON on stdout (and to --json-out): seconds = standardise + gram + solve (load excluded). With --targets N
only N evenly spaced targets are solved and the solve time is extrapolated linearly to all targets
("extrapolated": true). Coefficients at --index (0-based path index) for every solved target and every candidate go
to --coef-out as TSV with header "TF target alpha coef" (standardised scale, zeros included).
"""
import argparse
import json
import os
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import lasso_path


def read_lines(path):
    with open(path) as f:
        return [l.strip() for l in f if l.strip()]


def load(d):
    X = np.load(os.path.join(d, "expression.npy"))
    genes = read_lines(os.path.join(d, "genes.txt"))
    regs = read_lines(os.path.join(d, "regulators.txt"))
    gi = {g: i for i, g in enumerate(genes)}
    ri = {r: i for i, r in enumerate(regs)}
    cand = {}
    with open(os.path.join(d, "prior.tsv")) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                continue
            r, t = parts[0], parts[1]
            if r == t or r not in ri or t not in gi:
                continue
            cand.setdefault(gi[t], []).append(ri[r])
    targets = sorted(cand)
    cand = {t: np.array(sorted(set(c)), dtype=np.intp) for t, c in cand.items()}
    reg_gene = np.array([gi[r] for r in regs], dtype=np.intp)
    return X, genes, regs, reg_gene, targets, cand


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--path", type=int, default=50)
    ap.add_argument("--min-ratio", type=float, default=1e-3)
    ap.add_argument("--gram", action="store_true", help="precompute the shared Gram matrix and X'y once")
    ap.add_argument("--targets", type=int, default=0, help="solve only N evenly spaced targets and extrapolate")
    ap.add_argument("--index", type=int, default=25, help="0-based path index whose coefficients go to --coef-out")
    ap.add_argument("--coef-out", help="TSV: TF target alpha coef")
    ap.add_argument("--json-out", help="also write the JSON result here")
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--max-iter", type=int, default=1000)
    a = ap.parse_args()
    if not 0 <= a.index < a.path:
        ap.error("--index must lie on the path")

    t0 = time.perf_counter()
    Xraw, genes, regs, reg_gene, targets, cand = load(a.dir)
    t_load = time.perf_counter() - t0
    n = Xraw.shape[0]

    # standardise (float64): regulators to population variance 1, all genes centred
    t0 = time.perf_counter()
    Y = Xraw.astype(np.float64)
    Y -= Y.mean(axis=0)
    sd = Y[:, reg_gene].std(axis=0)
    sd[sd == 0] = np.inf  # constant regulator -> all-zero column
    Z = np.asfortranarray(Y[:, reg_gene] / sd)
    t_std = time.perf_counter() - t0

    all_targets = targets
    if a.targets and a.targets < len(targets):
        pick = np.unique(np.linspace(0, len(targets) - 1, a.targets).round().astype(int))
        targets = [targets[i] for i in pick]

    frac = len(all_targets) / max(len(targets), 1)
    t_gram = 0.0
    if a.gram:
        t0 = time.perf_counter()
        Gm = Z.T @ Z
        t1 = time.perf_counter()
        ZY = Z.T @ Y[:, targets]  # only the solved targets' columns (all of them when not subsetting)
        t2 = time.perf_counter()
        t_gram = (t1 - t0) + (t2 - t1) * frac  # Z'Y scales with the number of targets
        col = {t: k for k, t in enumerate(targets)}

    n_warn = 0
    out = open(a.coef_out, "w") if a.coef_out else None
    if out:
        out.write("TF\ttarget\talpha\tcoef\n")
    t_solve = 0.0
    cpu0 = time.process_time()
    for t in targets:
        ts = time.perf_counter()
        c = cand[t]
        c = c[reg_gene[c] != t]  # never the target itself
        X = np.asfortranarray(Z[:, c])
        y = np.ascontiguousarray(Y[:, t])
        if a.gram:
            xy = np.ascontiguousarray(ZY[c, col[t]])
            amax = np.max(np.abs(xy)) / n
        else:
            amax = np.max(np.abs(X.T @ y)) / n
        if amax <= 0:
            t_solve += time.perf_counter() - ts
            continue
        alphas = np.geomspace(amax, a.min_ratio * amax, a.path)
        with warnings.catch_warnings(record=True) as wl:
            warnings.simplefilter("always", ConvergenceWarning)
            if a.gram:
                _, coefs, _ = lasso_path(X, y, alphas=alphas, tol=a.tol, max_iter=a.max_iter,
                                         precompute=np.ascontiguousarray(Gm[np.ix_(c, c)]), Xy=xy)
            else:
                _, coefs, _ = lasso_path(X, y, alphas=alphas, tol=a.tol, max_iter=a.max_iter)
            n_warn += sum(issubclass(w.category, ConvergenceWarning) for w in wl)
        t_solve += time.perf_counter() - ts
        if out:
            al = alphas[a.index]
            col_k = coefs[:, a.index]
            tname = genes[t]
            out.writelines(f"{regs[r]}\t{tname}\t{al:.17g}\t{v + 0.0:.17g}\n" for r, v in zip(c, col_k))
    cpu_solve = time.process_time() - cpu0  # includes writing the coefficient rows (small)
    if out:
        out.close()

    solve_total = t_solve * frac
    res = {
        "tool": "scikit-learn " + sklearn.__version__,
        "variant": "lasso_path + precomputed Gram" if a.gram else "lasso_path (cyclic CD, no Gram)",
        "threads": "single process (CD is single-threaded; numpy BLAS used for the Gram only)",
        "cells": n, "targets_total": len(all_targets), "targets_solved": len(targets),
        "extrapolated": len(targets) < len(all_targets),
        "path": a.path, "min_ratio": a.min_ratio, "tol": a.tol, "max_iter": a.max_iter,
        "convergence_warnings": n_warn,
        "seconds_load": round(t_load, 3),
        "seconds_standardise": round(t_std, 3),
        "seconds_gram": round(t_gram, 3),
        "seconds_solve_measured": round(t_solve, 3),
        "seconds_solve": round(solve_total, 3),
        "seconds": round(t_std + t_gram + solve_total, 3),
        "cpu_seconds_solve": round(cpu_solve * frac, 3),
        "loadavg_1min_at_end": os.getloadavg()[0],
    }
    if res["extrapolated"]:
        res["note"] = (f"solve time measured on {len(targets)} evenly spaced targets and scaled by "
                       f"{len(all_targets)}/{len(targets)} (Z'Y part of the gram time scaled the same way)")
    s = json.dumps(res, indent=1)
    print(s)
    if a.json_out:
        with open(a.json_out, "w") as f:
            f.write(s + "\n")


if __name__ == "__main__":
    sys.exit(main())
