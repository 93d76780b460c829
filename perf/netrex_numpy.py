#!/usr/bin/python3
"""Seconds per NetREX-CF outer PALM iteration in numpy, for perf/compare-netrex.sh.

The same iteration as GrnFast's (docs/netrex-cf.md) and as tests/Solvers.Tests/NetRex/reference.py, in the direct
form a numpy user writes (E explicit, A = regulators x cells): proximal ridge A-step, gradient + hard-threshold S-step,
exact weighted-ridge X and Y steps on random blocks of 100 genes / regulators (d = 150), and F once per iteration.
Starting point: S on the prior support with small random weights, A the ridge NCA solve, X and Y random (the timing
of an iteration does not depend on where it starts, only on the support density, which we report).

Usage: netrex_numpy.py DATA_DIR [--iterations K] [--json-out FILE]"""
import argparse
import json
import time

import numpy as np

LAM, LAM_A, LAM_S, REG, A_SCALE, ETA0, D, BLOCK = 5.0, 1.0, 1.0, 1.0, 1.0, 1e-7, 150, 100


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--iterations", type=int, default=5)
    ap.add_argument("--json-out")
    a = ap.parse_args()
    t0 = time.perf_counter()
    x = np.load(f"{a.data}/expression.npy").astype(np.float64)
    genes = [l.strip() for l in open(f"{a.data}/genes.txt") if l.strip()]
    regs = [l.strip() for l in open(f"{a.data}/regulators.txt") if l.strip()]
    col = {g: i for i, g in enumerate(genes)}
    E = ((x - x.mean(axis=0)) / x.std(axis=0)).T.copy()          # genes x cells
    G, N = E.shape
    T = len(regs)
    rpos = {r: j for j, r in enumerate(regs)}
    s = np.zeros((G, T))
    for line in open(f"{a.data}/prior.tsv"):
        f = line.rstrip("\n").split("\t")
        if len(f) >= 2 and f[0] in rpos and f[1] in col and f[0] != f[1]:
            s[col[f[1]], rpos[f[0]]] = max(s[col[f[1]], rpos[f[0]]], float(f[2]) if len(f) > 2 else 1.0)
    b = (s > 0).astype(float)
    c = 1 + A_SCALE * s
    alpha = c
    beta = np.where(b == 1, 9 * c, c.max() - 1)
    eta = np.where(b == 1, ETA0, LAM * alpha * (1 + alpha / beta) + ETA0)
    rng = np.random.default_rng(1)
    S = b * rng.normal(0, 0.1, (G, T))
    A = np.linalg.solve(S.T @ S + 0.1 * np.eye(T), S.T @ E)
    X = rng.normal(0, 0.1, (D, G))
    Y = rng.normal(0, 0.1, (D, T))
    load = time.perf_counter() - t0

    def objective(S, A, X, Y):
        s0 = (S != 0).astype(float)
        w = LAM * (beta * s0 + alpha)
        target = s0 + (1 - s0) * b
        return (np.linalg.norm(E - S @ A) ** 2 + (w * (target - X.T @ Y) ** 2).sum() + (eta * s0).sum()
                + LAM_A * np.linalg.norm(A) ** 2 + LAM_S * np.linalg.norm(S) ** 2 + REG * (np.linalg.norm(X) ** 2 + np.linalg.norm(Y) ** 2))

    seconds, history, support = [], [objective(S, A, X, Y)], []
    for k in range(a.iterations):
        t = time.perf_counter()
        sts = S.T @ S
        mu_a = np.linalg.norm(sts + LAM_A * np.eye(T))
        A = np.linalg.solve(sts + (LAM_A + mu_a / 2) * np.eye(T), S.T @ E + (mu_a / 2) * A)
        aat = A @ A.T
        mu_s = 2 * np.linalg.norm(aat + LAM_S * np.eye(T))
        step = 2 / mu_s
        U = S - step * (S @ aat + LAM_S * S - E @ A.T)
        R = X.T @ Y
        delta = LAM * ((alpha + beta) * (1 - b) * (1 + 2 * (b - R)) + beta * (b - R) ** 2) + eta
        S = np.where(U * U > step * delta, U, 0.0)
        s0 = (S != 0).astype(float)
        w = LAM * (beta * s0 + alpha)
        target = s0 + (1 - s0) * b
        for i in rng.choice(G, min(BLOCK, G), replace=False):
            X[:, i] = np.linalg.solve((Y * w[i]) @ Y.T + REG * np.eye(D), Y @ (w[i] * target[i]))
        for j in rng.choice(T, min(BLOCK, T), replace=False):
            Y[:, j] = np.linalg.solve((X * w[:, j]) @ X.T + REG * np.eye(D), X @ (w[:, j] * target[:, j]))
        history.append(objective(S, A, X, Y))
        seconds.append(time.perf_counter() - t)
        support.append(int(np.count_nonzero(S)))
    med = float(np.median(seconds))
    print(f"numpy: {G} genes x {N} cells, {T} regulators, d {D}; load {load:.1f} s; seconds per outer iteration "
          f"{' '.join(f'{v:.3f}' for v in seconds)} (median {med:.3f}); support {support}; F {history[0]:.6g} -> {history[-1]:.6g}")
    if a.json_out:
        json.dump(dict(seconds=seconds, median=med, genes=G, cells=N, regulators=T, factors=D, support=support,
                       objective=history, numpy=np.__version__), open(a.json_out, "w"), indent=1)


if __name__ == "__main__":
    main()
