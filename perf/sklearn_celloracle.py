#!/usr/bin/python3
"""scikit-learn baseline for the CellOracle benchmark (perf/compare-celloracle.sh): CellOracle's per-target model.

For every target gene of DIR/prior.tsv: its candidate regulators (excluding itself) scaled as CellOracle scales them
(StandardScaler(with_mean=False) over all cells), the target unscaled, and
BaggingRegressor(Ridge(alpha=10), n_estimators=20, bootstrap=True, max_features=0.8, random_state=123) as in
celloracle/network/regression_models.py, then CellOracle's statistics: coef_mean over the bags that drew an edge and
the one-sample t-test p. numpy arrays are passed (CellOracle passes pandas frames, which only adds overhead), and
n_jobs=1 (CellOracle's default n_jobs=-1 starts joblib workers per target, slower for 20 small bags).

Output: JSON on stdout (and --json-out): seconds = scaling + fits + statistics (load excluded). With --targets N only
N evenly spaced targets are fitted and the time is extrapolated linearly to all targets ("extrapolated": true).
--links-out writes source target coef_mean p for the fitted targets.
"""
import argparse
import json
import os
import sys
import time
import warnings

import numpy as np
import sklearn
from scipy.stats import ttest_1samp
from sklearn.ensemble import BaggingRegressor
from sklearn.linear_model import Ridge
from sklearn.preprocessing import StandardScaler


def read_lines(path):
    with open(path) as f:
        return [l.strip() for l in f if l.strip()]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--targets", type=int, default=0, help="fit N evenly spaced targets and extrapolate (0 = all)")
    ap.add_argument("--alpha", type=float, default=10.0)
    ap.add_argument("--bags", type=int, default=20)
    ap.add_argument("--json-out")
    ap.add_argument("--links-out")
    a = ap.parse_args()

    X = np.load(os.path.join(a.dir, "expression.npy")).astype(np.float64)
    genes = read_lines(os.path.join(a.dir, "genes.txt"))
    regs = set(read_lines(os.path.join(a.dir, "regulators.txt")))
    gi = {g: i for i, g in enumerate(genes)}
    cand = {}
    with open(os.path.join(a.dir, "prior.tsv")) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) >= 2 and p[0] != p[1] and p[0] in regs and p[1] in gi:
                cand.setdefault(p[1], set()).add(p[0])
    targets = sorted(cand, key=gi.get)
    chosen = targets if a.targets <= 0 or a.targets >= len(targets) else [targets[int(i * len(targets) / a.targets)] for i in range(a.targets)]

    t0 = time.perf_counter()
    scaled = StandardScaler(with_mean=False).fit_transform(X)
    links = []
    for t in chosen:
        c = sorted(cand[t], key=gi.get)
        model = BaggingRegressor(estimator=Ridge(alpha=a.alpha, solver="auto", random_state=123), n_estimators=a.bags,
                                 bootstrap=True, max_features=0.8, n_jobs=1, verbose=False, random_state=123)
        model.fit(scaled[:, [gi[g] for g in c]], X[:, gi[t]])
        coefs = np.full((a.bags, len(c)), np.nan)
        for b, (est, feats) in enumerate(zip(model.estimators_, model.estimators_features_)):
            coefs[b, feats] = est.coef_
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for i, g in enumerate(c):
                v = coefs[:, i][~np.isnan(coefs[:, i])]
                links.append((g, t, float(v.mean()), float(ttest_1samp(v, 0)[1])))
    seconds = time.perf_counter() - t0
    total = seconds * len(targets) / len(chosen)
    out = {"tool": "scikit-learn BaggingRegressor(Ridge)", "sklearn": sklearn.__version__, "targets": len(targets),
           "fitted_targets": len(chosen), "measured_seconds": seconds, "seconds": total,
           "extrapolated": len(chosen) < len(targets), "per_target_ms": 1000 * seconds / len(chosen)}
    if a.links_out:
        with open(a.links_out, "w") as f:
            f.write("source\ttarget\tcoef_mean\tp\n")
            for g, t, m, p in links:
                f.write(f"{g}\t{t}\t{m!r}\t{p!r}\n")
    text = json.dumps(out, indent=2)
    if a.json_out:
        with open(a.json_out, "w") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    sys.exit(main())
