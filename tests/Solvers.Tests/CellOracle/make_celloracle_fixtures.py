#!/usr/bin/python3
"""Reference fixtures for GrnFast's CellOracle fit (tests/Solvers.Tests/CellOracle), from Debian's scikit-learn.

Run with Debian's interpreter from this directory:  /usr/bin/python3 make_celloracle_fixtures.py
It rebuilds, next to itself:

  bagged_ridge.json      CellOracle's per-target fit (regression_models.get_bagging_ridge_coefs, re-typed here):
                         BaggingRegressor(Ridge(alpha=10), n_estimators=20, bootstrap=True, max_features=0.8,
                         random_state=123) on StandardScaler(with_mean=False) regulators (scaled over ALL cells) and the
                         unscaled target, in one cluster (all cells) and in two clusters. Exported per bag: the
                         bootstrap counts (np.bincount of estimators_samples_), the feature positions
                         (estimators_features_) and Ridge's coef_; per edge CellOracle's coef_mean, p (ttest_1samp on
                         the bags that drew it) and -log10 p. Every target of a case has the same number of candidates,
                         so BaggingRegressor draws the same cells for all of them (see the note below), which is the
                         shared-bag model GrnFast uses; the script asserts it.
  bayesian_ridge.json    BayesianRidge() per target and cluster (CellOracle's get_bayesian_ridge_coefs): coef_,
                         diag(sigma_), alpha_, lambda_, n_iter_, and p = 2 norm.cdf(0, |coef|, sqrt(var)).
  bag_distribution.json  400 bags of BaggingRegressor(Ridge) for one target with 8 candidates, with scikit-learn's own
                         random draws: the distribution GrnFast's own draws must agree with statistically.
  pvalues.json           two-sided Student-t and normal tails over a grid reaching p ~ 1e-780: p from scipy, ln p from
                         mpmath (Debian python3-mpmath) at 50 digits.

Note on CellOracle's draws: each target's BaggingRegressor has random_state=123, so the per-bag seeds are the same for
every target; inside a bag the feature subset is drawn before the cells, and how many variates that consumes depends on
the number of candidates. Targets with equally many candidates therefore get identical bootstrap cells.
"""
import json
import os
import sys

import mpmath
import numpy as np
import scipy
import sklearn
from scipy import stats
from sklearn.ensemble import BaggingRegressor
from sklearn.linear_model import BayesianRidge, Ridge
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))


def versions():
    return {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__, "sklearn": sklearn.__version__,
            "mpmath": mpmath.__version__}


def expression(n, regulators, targets, seed):
    """log1p(Poisson) counts: regulators share latent factors; each target depends on 2-3 regulators."""
    rng = np.random.default_rng(seed)
    factors = rng.normal(size=(n, 3))
    latent_r = factors @ rng.normal(0, 0.6, size=(3, regulators)) + rng.normal(size=(n, regulators))
    latent_t = np.empty((n, targets))
    for t in range(targets):
        pa = rng.choice(regulators, size=int(rng.integers(2, 4)), replace=False)
        latent_t[:, t] = latent_r[:, pa] @ rng.choice([-1.0, 1.0], size=len(pa)) * 0.7 + 0.6 * rng.normal(size=n)
    latent = np.hstack([latent_r, latent_t])
    counts = rng.poisson(2.0 * np.exp(0.6 * latent))
    return np.log1p(counts).astype(np.float64)


def celloracle_bagging(data, label, alpha, bags, features):
    """CellOracle's model: BaggingRegressor(Ridge) as in regression_models.py (sklearn >= 1.2 spelling)."""
    model = BaggingRegressor(estimator=Ridge(alpha=alpha, solver="auto", random_state=123), n_estimators=bags,
                             bootstrap=True, max_features=features, n_jobs=1, verbose=False, random_state=123)
    model.fit(data, label)
    return model


def edge_stats(coefs):
    """CellOracle's _get_stats_df_bagging_ridge for one column of bag coefficients (NaN = not drawn)."""
    drawn = coefs[~np.isnan(coefs)]
    mean = float(np.mean(drawn))
    p = float(stats.ttest_1samp(drawn, 0)[1])
    return mean, p, float(-np.log10(p if not np.isnan(p) else 1.0)), int(len(drawn))


def bagged_case(name, x, genes, regulators, candidates, clusters, alpha=10.0, bags=20):
    n = x.shape[0]
    scaled = StandardScaler(with_mean=False).fit_transform(x)  # over all cells, as CellOracle's standard()
    col = {g: i for i, g in enumerate(genes)}
    case = {"name": name, "alpha": alpha, "bags": bags, "feature_fraction": 0.8, "clusters": []}
    for label, cells in clusters:
        cells = np.asarray(cells)
        cluster = {"label": label, "cells": cells.tolist(), "counts": None, "targets": []}
        for target, cands in candidates.items():
            data = scaled[np.ix_(cells, [col[c] for c in cands])]
            y = x[cells, col[target]]
            model = celloracle_bagging(data, y, alpha, bags, 0.8)
            counts = [np.bincount(s, minlength=len(cells)).tolist() for s in model.estimators_samples_]
            if cluster["counts"] is None:
                cluster["counts"] = counts
            assert cluster["counts"] == counts, "targets with equally many candidates must share the bootstrap cells"
            coefs = np.full((bags, len(cands)), np.nan)
            for b, (est, feats) in enumerate(zip(model.estimators_, model.estimators_features_)):
                coefs[b, feats] = est.coef_
            edges = []
            for i, reg in enumerate(cands):
                mean, p, neglog, drawn = edge_stats(coefs[:, i])
                edges.append({"regulator": reg, "coef_mean": mean, "p": p, "neg_log10_p": neglog, "bags": drawn})
            cluster["targets"].append({
                "target": target, "candidates": cands,
                "features": [sorted(int(f) for f in feats) for feats in model.estimators_features_],
                "bag_coef": [[None if np.isnan(v) else float(v) for v in row] for row in coefs],
                "edges": edges})
        case["clusters"].append(cluster)
    return case


def main():
    rng = np.random.default_rng(7)
    regulators = [f"R{i}" for i in range(8)]
    targets = [f"T{i}" for i in range(6)]
    genes = regulators + targets
    x = expression(150, len(regulators), len(targets), seed=11)
    assert (x.std(axis=0) > 0).all()

    # Candidates in the order of GrnFast's regulator list (R0..R7), a target never its own candidate.
    def pick(target, k):
        pool = [r for r in regulators if r != target]
        return sorted(rng.choice(pool, size=k, replace=False).tolist(), key=regulators.index)

    six = {t: pick(t, 6) for t in ["T0", "T1", "T2", "T3", "R2"]}
    five = {t: pick(t, 5) for t in ["T0", "T4", "T5", "R5"]}
    all_cells = [("all", list(range(150)))]
    two = [("A", list(range(0, 150, 2))), ("B", list(range(1, 150, 2)))]

    data = {"versions": versions(), "genes": genes, "regulators": regulators,
            "x": [[float(v) for v in row] for row in x],
            "cases": [bagged_case("one cluster, 6 candidates", x, genes, regulators, six, all_cells),
                      bagged_case("two clusters, 5 candidates", x, genes, regulators, five, two)]}
    write("bagged_ridge.json", data)

    # BayesianRidge on the same data, one and two clusters, candidate sets of several sizes.
    scaled = StandardScaler(with_mean=False).fit_transform(x)
    col = {g: i for i, g in enumerate(genes)}
    cands = {"T0": pick("T0", 3), "T1": pick("T1", 7), "T3": pick("T3", 5), "R6": pick("R6", 6), "T5": pick("T5", 1)}
    bayes = {"versions": versions(), "genes": genes, "regulators": regulators, "x": data["x"], "clusters": []}
    for label, cells in all_cells + two:
        cells = np.asarray(cells)
        fits = []
        for target, c in cands.items():
            model = BayesianRidge()
            model.fit(scaled[np.ix_(cells, [col[g] for g in c])], x[cells, col[target]])
            var = np.diag(model.sigma_)
            p = stats.norm.cdf(x=0, loc=np.abs(model.coef_), scale=np.sqrt(var)) * 2
            fits.append({"target": target, "candidates": c, "coef": model.coef_.tolist(), "variance": var.tolist(),
                         "alpha": float(model.alpha_), "lambda": float(model.lambda_), "n_iter": int(model.n_iter_),
                         "p": p.tolist()})
        bayes["clusters"].append({"label": label, "cells": cells.tolist(), "fits": fits})
    write("bayesian_ridge.json", bayes)

    # The bag distribution with scikit-learn's own draws: 400 bags, one target, 8 candidates (6 per bag).
    target, c8 = "T2", [r for r in regulators]
    model = celloracle_bagging(scaled[:, [col[g] for g in c8]], x[:, col[target]], 10.0, 400, 0.8)
    coefs = np.full((400, len(c8)), np.nan)
    for b, (est, feats) in enumerate(zip(model.estimators_, model.estimators_features_)):
        coefs[b, feats] = est.coef_
    write("bag_distribution.json", {"versions": versions(), "genes": genes, "regulators": regulators, "x": data["x"],
                                    "target": target, "candidates": c8, "alpha": 10.0, "bags": 400,
                                    "bag_coef": [[None if np.isnan(v) else float(v) for v in row] for row in coefs]})

    # Tails of Student's t and the normal: p as scipy computes it, ln p from mpmath at 50 digits (scipy's logsf
    # underflows to -inf in the far tail, where GrnFast's -log10 p must stay finite).
    mpmath.mp.dps = 50
    t_rows = []
    for df in [1, 2, 3, 4, 7, 15, 19, 20, 39, 199, 1000]:
        for t in [0.0, 1e-8, 0.1, 0.5, 1.0, 2.0, 3.5, 8.0, 25.0, 120.0, 1e4]:
            exact = mpmath.betainc(mpmath.mpf(df) / 2, mpmath.mpf(1) / 2, 0, mpmath.mpf(df) / (df + mpmath.mpf(t) ** 2), regularized=True)
            t_rows.append({"t": t, "df": df, "p": float(2 * stats.t.sf(t, df)), "log_p": float(mpmath.log(exact))})
    z_rows = []
    for z in [0.0, 1e-6, 0.3, 1.0, 1.5, 1.7320508, 2.5, 5.0, 9.0, 20.0, 37.0, 38.5, 60.0]:
        exact = mpmath.erfc(mpmath.mpf(z) / mpmath.sqrt(2))
        z_rows.append({"z": z, "p": float(2 * stats.norm.sf(z)), "log_p": float(mpmath.log(exact))})
    write("pvalues.json", {"versions": versions(), "student_t": t_rows, "normal": z_rows})


def write(name, obj):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")
    print(name, os.path.getsize(os.path.join(HERE, name)), "bytes")


if __name__ == "__main__":
    main()
