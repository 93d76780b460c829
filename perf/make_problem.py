#!/usr/bin/python3
"""Synthetic single-cell-like GRN inference problem for the lasso benchmarks (perf/compare-lasso.sh).

Writes to --out DIR:
  expression.npy   float32, cells x genes, C order: log1p(counts), ~55 % zeros
  genes.txt        gene names G0001.. one per line (column order of expression.npy)
  regulators.txt   the first Q genes, one per line
  prior.tsv        regulator<TAB>target, no header: for every gene (as target) K distinct candidate regulators among
                   the Q regulators excluding itself; its true regulators are always among them
  truth.tsv        regulator<TAB>target<TAB>weight of the simulated network (weight on the latent scale)
  meta.json        parameters and summary (zero fraction, seconds)

Model: latent log-expression a (cells x genes). Regulators: a few latent factors (correlation) plus a sparse DAG
(regulator r > 5 has 3-5 true parents among earlier regulators); non-regulators: 3-5 true regulators each. Every
gene: a_j = sum_i b_ij a_i + Gaussian noise, then standardised. Counts ~ Poisson(size_c * exp(mu_j + 0.8 a_j + c)),
with c tuned so that 55 % of the entries are 0; expression = log1p(counts).

D1: --cells 5000 --genes 2000 --regulators 300 --candidates 50
D2: --cells 5000 --genes 4000 --regulators 1500 --candidates 300
"""
import argparse
import json
import os
import time

import numpy as np
import scipy.sparse as sp


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cells", type=int, required=True)
    ap.add_argument("--genes", type=int, required=True)
    ap.add_argument("--regulators", type=int, required=True)
    ap.add_argument("--candidates", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--zero-fraction", type=float, default=0.55)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    n, G, Q, K = a.cells, a.genes, a.regulators, a.candidates
    if not (0 < Q <= G and 5 <= K <= Q - 1):
        ap.error("need 0 < regulators <= genes and 5 <= candidates <= regulators - 1")
    t0 = time.time()
    rng = np.random.default_rng(a.seed)
    os.makedirs(a.out, exist_ok=True)

    A = np.empty((n, G))  # latent log-expression
    truth = []  # (regulator, target, weight)
    parents = [[] for _ in range(G)]

    def std(v):
        v = v - v.mean()
        return v / v.std()

    # regulators: 10 latent factors + sparse DAG on earlier regulators
    F = rng.normal(size=(n, 10))
    for r in range(Q):
        base = F @ rng.normal(0, 0.5, size=10) + rng.normal(size=n)
        if r >= 5:
            k = int(rng.integers(3, 6))
            pa = rng.choice(r, size=k, replace=False)
            w = rng.choice([-1.0, 1.0], size=k) * rng.uniform(0.4, 1.0, size=k)
            base = base + A[:, pa] @ w
            for i, wi in zip(pa, w):
                truth.append((int(i), r, float(wi)))
                parents[r].append(int(i))
        A[:, r] = std(base)

    # non-regulator targets: 3-5 true regulators each
    T = G - Q
    if T > 0:
        ks = rng.integers(3, 6, size=T)
        rows, cols, vals = [], [], []
        for t in range(T):
            pa = rng.choice(Q, size=ks[t], replace=False)
            w = rng.choice([-1.0, 1.0], size=ks[t]) * rng.uniform(0.4, 1.0, size=ks[t])
            rows.extend(pa.tolist()); cols.extend([t] * ks[t]); vals.extend(w.tolist())
            for i, wi in zip(pa, w):
                truth.append((int(i), Q + t, float(wi)))
                parents[Q + t].append(int(i))
        B = sp.csc_matrix((vals, (rows, cols)), shape=(Q, T))
        At = np.asarray((B.T @ A[:, :Q].T).T) + rng.normal(size=(n, T))
        At -= At.mean(0)
        At /= At.std(0)
        A[:, Q:] = At

    # counts: Poisson(size * exp(mu + 0.8 a + c)), c tuned for the zero fraction (bisection on E[P(0)])
    mu = rng.normal(0, 0.7, size=G)
    size = np.exp(rng.normal(0, 0.3, size=n))
    eta = 0.8 * A + mu + np.log(size)[:, None]
    lo, hi = -15.0, 10.0
    for _ in range(50):
        c = 0.5 * (lo + hi)
        pz = float(np.mean(np.exp(-np.exp(eta + c))))
        lo, hi = (lo, c) if pz < a.zero_fraction else (c, hi)
    lam = np.exp(eta + 0.5 * (lo + hi))
    del eta
    counts = rng.poisson(lam).astype(np.float32)
    del lam
    for j in np.where(counts.max(0) == counts.min(0))[0]:  # no constant gene
        counts[rng.integers(n), j] += 1
    X = np.ascontiguousarray(np.log1p(counts), dtype=np.float32)
    zero_frac = float(np.mean(X == 0))
    np.save(os.path.join(a.out, "expression.npy"), X)

    names = [f"G{i + 1:04d}" for i in range(G)]
    with open(os.path.join(a.out, "genes.txt"), "w") as f:
        f.write("\n".join(names) + "\n")
    with open(os.path.join(a.out, "regulators.txt"), "w") as f:
        f.write("\n".join(names[:Q]) + "\n")
    with open(os.path.join(a.out, "truth.tsv"), "w") as f:
        for i, j, w in truth:
            f.write(f"{names[i]}\t{names[j]}\t{w:.6f}\n")
    n_edges = 0
    with open(os.path.join(a.out, "prior.tsv"), "w") as f:
        for j in range(G):
            true_pa = parents[j]
            pool = np.setdiff1d(np.arange(Q), np.array(true_pa + [j], dtype=int))
            extra = rng.choice(pool, size=K - len(true_pa), replace=False)
            cand = np.sort(np.concatenate([np.array(true_pa, dtype=int), extra]))
            assert len(cand) == K and j not in cand
            f.writelines(f"{names[i]}\t{names[j]}\n" for i in cand)
            n_edges += K
    meta = dict(cells=n, genes=G, regulators=Q, candidates=K, seed=a.seed, zero_fraction=zero_frac,
                true_edges=len(truth), prior_edges=n_edges, seconds=round(time.time() - t0, 2))
    with open(os.path.join(a.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
