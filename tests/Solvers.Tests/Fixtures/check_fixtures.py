#!/usr/bin/python3
"""Consistency checks of the fixtures in this folder and the sklearn-vs-glmnet (and numpy) agreement table.

For every fixture: X_std / y_centered equal the standardisation of X / y recomputed here (ddof = 0), the shapes
match n, p, and the stored coefficients satisfy the KKT conditions of
    (1/2n)||y_c - X_std theta||^2 + alpha * sum_i w_i (rho |theta_i| + (1 - rho)/2 theta_i^2).
For every glmnet fixture: X, y, weights, alphas are bit-identical to its twin (sklearn or numpy) and the max
abs / relative coefficient difference is reported. Exits 1 on any inconsistency.
"""
import glob
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def load(name):
    with open(os.path.join(HERE, name + ".json")) as f:
        return json.load(f)


def arr(d, k):
    return None if d[k] is None else np.array(d[k], dtype=float)


def kkt(d):
    Xs, yc = arr(d, "X_std"), arr(d, "y_centered")
    n, p = Xs.shape
    w = arr(d, "weights")
    w = np.ones(p) if w is None else w
    rho = d["l1_ratio"]
    v = 0.0
    for a, th in zip(d["alphas"], d["coef"]):
        th = np.array(th)
        g = Xs.T @ (yc - Xs @ th) / n
        act = th != 0
        v = max(v, float(np.max(np.abs(g[act] - a * w[act] * (rho * np.sign(th[act]) + (1 - rho) * th[act])), initial=0)),
                float(np.max(np.maximum(np.abs(g[~act]) - a * rho * w[~act], 0), initial=0)))
    return v


def main():
    ok = True
    files = sorted(glob.glob(os.path.join(HERE, "*.json")))
    print(f"{'fixture':30s} {'reference':20s} {'n':>4s} {'p':>4s} {'rho':>4s} {'w':>2s} {'K':>3s} {'KB':>6s} {'std err':>8s} {'KKT':>8s}")
    for fp in files:
        d = json.load(open(fp))
        X, y = arr(d, "X"), arr(d, "y")
        Xs, yc = arr(d, "X_std"), arr(d, "y_centered")
        C = arr(d, "coef")
        assert X.shape == (d["n"], d["p"]) and Xs.shape == X.shape and y.shape == (d["n"],)
        assert C.shape == (len(d["alphas"]), d["p"]), d["name"]
        std_err = max(np.max(np.abs((X - X.mean(0)) / X.std(0) - Xs)), np.max(np.abs(y - y.mean() - yc)))
        v = kkt(d)
        size = os.path.getsize(fp)
        flag = ""
        if std_err > 1e-13 or v > 1e-9 or size >= 200_000:
            ok, flag = False, "  <-- FAIL"
        print(f"{d['name']:30s} {d['reference']:20s} {d['n']:4d} {d['p']:4d} {d['l1_ratio']:4.2g} {'y' if d['weights'] else '-':>2s} "
              f"{len(d['alphas']):3d} {size / 1000:6.1f} {std_err:8.1e} {v:8.1e}{flag}")
    print()
    print(f"{'glmnet fixture':30s} {'twin':30s} {'max|diff|':>10s} {'max rel':>10s}")
    worst = 0.0
    for fp in files:
        g = json.load(open(fp))
        if not g["reference"].startswith("glmnet"):
            continue
        s = load(g["sklearn_twin"])
        for k in ("X", "X_std", "y", "y_centered", "weights", "alphas", "l1_ratio"):
            if g[k] != s[k]:
                print(f"{g['name']}: field {k} differs from {s['name']}  <-- FAIL")
                ok = False
        a, b = arr(g, "coef"), arr(s, "coef")
        diff = float(np.max(np.abs(a - b)))
        rel = diff / max(float(np.max(np.abs(b))), 1e-300)
        worst = max(worst, rel)
        print(f"{g['name']:30s} {s['name']:30s} {diff:10.2e} {rel:10.2e}")
    print(f"\nworst relative difference (max|diff| / max|coef|): {worst:.2e}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
