#!/usr/bin/python3
"""Reference fixtures for the GrnFast elastic-net solver tests (scikit-learn and numpy closed form).

Problem solved, per fixture (see README.md in this folder):

    minimize_theta (1/2n)||y_c - X_std theta||^2 + alpha * sum_i w_i (rho |theta_i| + (1 - rho)/2 theta_i^2)

X_std: raw X, each column centred and divided by its POPULATION std (ddof=0); y_c: raw y centred (not scaled).

Usage (from anywhere):
    /usr/bin/python3 make_fixtures.py                 # writes sklearn_*.json and numpy_*.json next to this file
    /usr/bin/python3 make_fixtures.py --export DIR    # also writes the glmnet cases as binary inputs for make_fixtures_glmnet.R
Everything is seeded; re-running reproduces the same inputs bit for bit (same numpy version).
"""
import argparse
import json
import os
import platform
import struct
import sys

import numpy as np
import sklearn
from sklearn.linear_model import ElasticNet, Lasso, enet_path, lasso_path

HERE = os.path.dirname(os.path.abspath(__file__))
TOL = 1e-12
MAX_ITER = 1_000_000
SEED = 20240611
VERSIONS = {
    "python": platform.python_version(),
    "numpy": np.__version__,
    "scikit-learn": sklearn.__version__,
}


# ----------------------------------------------------------------------------------------------------------------
# data
# ----------------------------------------------------------------------------------------------------------------
def sc_like(rng, latent, n_cols, zero_frac=0.5):
    """log1p of Poisson counts driven by latent factors; the offset is tuned so ~zero_frac of entries are 0."""
    n, k = latent.shape
    load = rng.normal(0, 0.8, size=(k, n_cols))
    eta = latent @ load + rng.normal(0, 0.5, size=(n, n_cols))
    # choose a global log-offset so that mean P(count = 0) = zero_frac
    lo, hi = -10.0, 10.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        pz = np.mean(np.exp(-np.exp(eta + mid)))
        lo, hi = (lo, mid) if pz < zero_frac else (mid, hi)
    counts = rng.poisson(np.exp(eta + 0.5 * (lo + hi)))
    for j in range(n_cols):  # no constant column: standardisation would divide by 0
        if counts[:, j].std() == 0:
            counts[rng.integers(n), j] += 1 + rng.integers(3)
    return np.log1p(counts.astype(float))


def dense_correlated(rng, latent, n_cols):
    n, k = latent.shape
    load = rng.normal(0, 1, size=(k, n_cols))
    X = latent @ load + 0.6 * rng.normal(size=(n, n_cols))
    # different means and scales per column, so that standardisation matters
    X = X * rng.uniform(0.1, 10, size=n_cols) + rng.uniform(-5, 20, size=n_cols)
    return X


def make_y(rng, X, support, noise):
    Xs = (X - X.mean(0)) / X.std(0)
    beta = np.zeros(X.shape[1])
    beta[support] = rng.choice([-1, 1], size=len(support)) * rng.uniform(0.5, 2.0, size=len(support))
    y = Xs @ beta + noise * rng.normal(size=X.shape[0]) + 7.25  # non-zero mean: centring matters
    return y


def rnd(a):
    """Round the RAW inputs to 6 decimals: the fixture's decimal text then is the exact input on both sides."""
    return np.round(np.asarray(a, dtype=float), 6)


def make_problems():
    rng = np.random.default_rng(SEED)
    probs = {}

    # small: n=60, p=8, dense, correlated through 2 latent factors, heterogeneous means/scales
    n, p = 60, 8
    lat = rng.normal(size=(n, 2))
    X = rnd(dense_correlated(rng, lat, p))
    y = rnd(make_y(rng, X, [0, 3, 5], 1.0))
    probs["small"] = dict(X=X, y=y, desc="n=60, p=8; dense columns correlated through 2 latent factors, "
                                        "column means in [-5,20] and scales in [0.1,10]; y = 3 true regulators + noise")

    # medium: n=200, p=30; 15 dense correlated + 15 single-cell-like (log1p Poisson counts, ~50% zeros)
    n = 200
    lat = rng.normal(size=(n, 3))
    X = rnd(np.hstack([dense_correlated(rng, lat, 15), sc_like(rng, lat, 15)]))
    y = rnd(make_y(rng, X, [1, 4, 16, 20, 27], 1.5))
    probs["medium"] = dict(X=X, y=y, desc="n=200, p=30; columns 0-14 dense correlated (3 latent factors), "
                                          "15-29 single-cell-like log1p(Poisson counts) with ~50% zeros; y = 5 true + noise")

    # wide: n=50, p=120 (p > n), all single-cell-like
    n, p = 50, 120
    lat = rng.normal(size=(n, 4))
    X = rnd(sc_like(rng, lat, p))
    y = rnd(make_y(rng, X, [2, 17, 40, 41, 77, 110], 1.0))
    probs["wide"] = dict(X=X, y=y, desc="n=50, p=120 (p > n); single-cell-like log1p(Poisson counts), ~50% zeros, "
                                        "4 latent factors; y = 6 true + noise")

    # neardup: n=80, p=10 with column 4 = column 3 + 1e-3 noise (correlation ~ 1 - 1e-7)
    n, p = 80, 10
    lat = rng.normal(size=(n, 2))
    X = dense_correlated(rng, lat, p)
    X[:, 4] = X[:, 3] + 1e-3 * X[:, 3].std() * rng.normal(size=n)
    X = rnd(X)
    y = rnd(make_y(rng, X, [3, 7], 0.8))
    Xs = (X - X.mean(0)) / X.std(0)
    probs["neardup"] = dict(X=X, y=y, desc="n=80, p=10; column 4 = column 3 + 1e-3*sd noise (corr of standardised "
                                           f"columns = {np.mean(Xs[:, 3] * Xs[:, 4]):.9f}); y driven by column 3 and 7")

    # weights for the weighted cases (deterministic, in [0.25, 4], a few strong favourites)
    wr = np.random.default_rng(SEED + 1)
    for name, pr in probs.items():
        pp = pr["X"].shape[1]
        w = np.round(np.exp(wr.uniform(np.log(0.25), np.log(4.0), size=pp)), 3)
        pr["w"] = w
    for pr in probs.values():
        pr["X_std"], pr["y_c"] = standardise(pr["X"], pr["y"])
    return probs


def standardise(X, y):
    mu = X.mean(axis=0)
    sd = X.std(axis=0)  # ddof = 0: population variance 1 after scaling
    return (X - mu) / sd, y - y.mean()


def alpha_max(Xs, yc, rho, w=None):
    n, p = Xs.shape
    w = np.ones(p) if w is None else w
    r = rho if rho > 0 else 1e-3
    return float(np.max(np.abs(Xs.T @ yc / n) / (r * w)))


def path(Xs, yc, rho, K, eps, w=None):
    a = alpha_max(Xs, yc, rho, w)
    return np.geomspace(a, eps * a, K)


# ----------------------------------------------------------------------------------------------------------------
# solvers
# ----------------------------------------------------------------------------------------------------------------
def sk_fit(Xs, yc, alpha, rho, w=None):
    """sklearn solution of the (weighted) problem at one alpha.

    w = None: Lasso / ElasticNet directly. With weights: the L2 part is moved into p extra rows
    sqrt(n alpha (1-rho) w_i) e_i (target 0), the weighted L1 is turned into a plain L1 by dividing column i by w_i
    (theta_i = theta'_i / w_i), and the 1/(2n) -> 1/(2(n+p)) change is absorbed into the Lasso alpha.
    """
    n, p = Xs.shape
    if w is None:
        if rho == 1.0:
            m = Lasso(alpha=alpha, fit_intercept=False, tol=TOL, max_iter=MAX_ITER, precompute=False)
        else:
            m = ElasticNet(alpha=alpha, l1_ratio=rho, fit_intercept=False, tol=TOL, max_iter=MAX_ITER, precompute=False)
        m.fit(Xs, yc)
        return m.coef_.copy(), int(np.max(m.n_iter_))
    Xa = Xs if rho == 1.0 else np.vstack([Xs, np.diag(np.sqrt(n * alpha * (1 - rho) * w))])
    ya = yc if rho == 1.0 else np.concatenate([yc, np.zeros(p)])
    na = Xa.shape[0]
    m = Lasso(alpha=alpha * rho * n / na, fit_intercept=False, tol=TOL, max_iter=MAX_ITER, precompute=False)
    m.fit(Xa / w, ya)
    return m.coef_ / w, int(np.max(m.n_iter_))


def kkt_polish(Xs, yc, theta, alpha, rho, w=None):
    """Exact solution on the active set of theta (linear solve with the signs fixed) and the KKT violation of theta.

    Used only to certify the accuracy of the stored solver output, never stored as 'coef'.
    """
    n, p = Xs.shape
    w = np.ones(p) if w is None else w
    g = Xs.T @ (yc - Xs @ theta) / n
    act = theta != 0
    viol_act = np.abs(g[act] - alpha * w[act] * (rho * np.sign(theta[act]) + (1 - rho) * theta[act]))
    viol_in = np.maximum(np.abs(g[~act]) - alpha * rho * w[~act], 0)
    viol = float(max(viol_act.max(initial=0), viol_in.max(initial=0)))
    pol = np.zeros(p)
    if act.any():
        XA = Xs[:, act]
        A = XA.T @ XA / n + alpha * (1 - rho) * np.diag(w[act])
        b = XA.T @ yc / n - alpha * rho * w[act] * np.sign(theta[act])
        pol[act] = np.linalg.solve(A, b)
    return pol, viol


def ridge_closed_form(Xs, yc, alpha, w=None):
    n, p = Xs.shape
    w = np.ones(p) if w is None else w
    return np.linalg.solve(Xs.T @ Xs / n + alpha * np.diag(w), Xs.T @ yc / n)


# ----------------------------------------------------------------------------------------------------------------
# output
# ----------------------------------------------------------------------------------------------------------------
def _num(x):
    x = float(x)
    if not np.isfinite(x):
        raise ValueError("non-finite number in fixture")
    return repr(x)


def _vec(v):
    return "[" + ",".join(_num(x) for x in v) + "]"


def _mat(M):
    return "[\n    " + ",\n    ".join(_vec(r) for r in M) + "\n  ]"


def write_fixture(name, fields):
    """JSON with one matrix row per line (diff-friendly); numbers as shortest round-trip repr."""
    parts = []
    for k, v in fields.items():
        if isinstance(v, np.ndarray) and v.ndim == 2:
            s = _mat(v)
        elif isinstance(v, np.ndarray):
            s = _vec(v)
        elif isinstance(v, float):
            s = _num(v)
        else:
            s = json.dumps(v)
        parts.append(f'  {json.dumps(k)}: {s}')
    text = "{\n" + ",\n".join(parts) + "\n}\n"
    path = os.path.join(HERE, name + ".json")
    with open(path, "w") as f:
        f.write(text)
    json.loads(text)  # must parse
    size = len(text.encode())
    if size > 200_000:
        raise SystemExit(f"{name}.json is {size} bytes: fixtures must stay < 200 KB")
    return size


def base_fields(name, reference, prob, rho, w, alphas, coef, tol, notes, extra=None):
    X, y = prob["X"], prob["y"]
    f = {
        "name": name,
        "reference": reference,
        "versions": VERSIONS,
        "n": int(X.shape[0]),
        "p": int(X.shape[1]),
        "X": X,
        "X_std": prob["X_std"],
        "y": y,
        "y_centered": prob["y_c"],
        "l1_ratio": float(rho),
        "weights": None if w is None else np.asarray(w, dtype=float),
        "alphas": np.asarray(alphas, dtype=float),
        "coef": np.asarray(coef, dtype=float).reshape(len(alphas), X.shape[1]),
        "tol": float(tol),
        "notes": notes,
    }
    if extra:
        f.update(extra)
    return f


# ----------------------------------------------------------------------------------------------------------------
# cases
# ----------------------------------------------------------------------------------------------------------------
FIXED_FRACTIONS = [0.5, 0.2, 0.05, 0.01]  # alpha / alpha_max for the fixed-alpha cases
PATH_K = 20

# (fixture name, problem, rho, weighted?, kind, path eps)  kind: fixed | path
SK_CASES = [
    ("sklearn_lasso_small", "small", 1.0, False, "fixed", None),
    ("sklearn_lasso_medium", "medium", 1.0, False, "fixed", None),
    ("sklearn_lasso_wide", "wide", 1.0, False, "fixed", None),
    ("sklearn_lasso_neardup", "neardup", 1.0, False, "fixed", None),
    ("sklearn_enet05_small", "small", 0.5, False, "fixed", None),
    ("sklearn_enet05_wide", "wide", 0.5, False, "fixed", None),
    ("sklearn_enet01_small", "small", 0.1, False, "fixed", None),
    ("sklearn_enet01_neardup", "neardup", 0.1, False, "fixed", None),
    ("sklearn_lasso_path_small", "small", 1.0, False, "path", 1e-3),
    ("sklearn_lasso_path_medium", "medium", 1.0, False, "path", 1e-3),
    ("sklearn_lasso_path_neardup", "neardup", 1.0, False, "path", 1e-3),
    ("sklearn_enet05_path_medium", "medium", 0.5, False, "path", 1e-3),
    ("sklearn_enet01_path_small", "small", 0.1, False, "path", 1e-3),
    ("sklearn_wlasso_neardup", "neardup", 1.0, True, "fixed", None),
    ("sklearn_wenet05_medium", "medium", 0.5, True, "fixed", None),
    ("sklearn_wlasso_path_small", "small", 1.0, True, "path", 1e-3),
]

# glmnet counterparts: same problem, rho, weights and alphas (the R script solves them)
GLMNET_CASES = [
    ("glmnet_lasso_small", "sklearn_lasso_small"),
    ("glmnet_lasso_medium", "sklearn_lasso_medium"),
    ("glmnet_lasso_wide", "sklearn_lasso_wide"),
    ("glmnet_lasso_neardup", "sklearn_lasso_neardup"),
    ("glmnet_enet05_small", "sklearn_enet05_small"),
    ("glmnet_enet01_small", "sklearn_enet01_small"),
    ("glmnet_enet01_neardup", "sklearn_enet01_neardup"),
    ("glmnet_lasso_path_medium", "sklearn_lasso_path_medium"),
    ("glmnet_enet05_path_medium", "sklearn_enet05_path_medium"),
    ("glmnet_wlasso_neardup", "sklearn_wlasso_neardup"),
    ("glmnet_wenet05_medium", "sklearn_wenet05_medium"),
    ("glmnet_wlasso_path_small", "sklearn_wlasso_path_small"),
    ("glmnet_ridge_small", "numpy_ridge_small"),
    ("glmnet_wridge_small", "numpy_wridge_small"),
]


def case_alphas(prob, rho, w, kind, eps):
    if kind == "path":
        return path(prob["X_std"], prob["y_c"], rho, PATH_K, eps, w)
    return alpha_max(prob["X_std"], prob["y_c"], rho, w) * np.array(FIXED_FRACTIONS)


def run_sklearn_case(name, prob_name, prob, rho, weighted, kind, eps):
    Xs, yc = prob["X_std"], prob["y_c"]
    w = prob["w"] if weighted else None
    alphas = case_alphas(prob, rho, w, kind, eps)
    how = []
    if kind == "path" and not weighted:
        fn = lasso_path if rho == 1.0 else enet_path
        kw = {} if rho == 1.0 else {"l1_ratio": rho}
        a_out, coefs, _ = fn(np.asfortranarray(Xs), yc, alphas=alphas, tol=TOL, max_iter=MAX_ITER, **kw)
        assert np.allclose(a_out, alphas, rtol=0, atol=0)
        coef = coefs.T
        how.append(f"sklearn.linear_model.{fn.__name__}(X_std, y_centered, alphas=alphas{', l1_ratio=%g' % rho if rho < 1 else ''}, "
                   f"tol={TOL:g}, max_iter={MAX_ITER}) (warm starts along the path)")
    else:
        coef = np.zeros((len(alphas), Xs.shape[1]))
        for k, a in enumerate(alphas):
            coef[k], _ = sk_fit(Xs, yc, a, rho, w)
        if w is None:
            cls = "Lasso(alpha)" if rho == 1.0 else f"ElasticNet(alpha, l1_ratio={rho:g})"
            how.append(f"sklearn.linear_model.{cls} with fit_intercept=False, precompute=False, tol={TOL:g}, "
                       f"max_iter={MAX_ITER}, fitted on X_std, y_centered, one cold-started fit per alpha")
        else:
            how.append("sklearn has no per-coefficient penalty weights; solved as Lasso on a transformed problem: "
                       + ("" if rho == 1.0 else "the L2 term alpha(1-rho)/2 sum w_i theta_i^2 becomes p extra rows "
                          "sqrt(n*alpha*(1-rho)*w_i) e_i with target 0 (n' = n+p rows), ")
                       + "column i divided by w_i (theta_i = theta'_i / w_i), Lasso alpha' = alpha*rho*n/n'; "
                       f"fit_intercept=False, tol={TOL:g}, max_iter={MAX_ITER}, one cold-started fit per alpha")
    # accuracy certificate
    err, viol = 0.0, 0.0
    for k, a in enumerate(alphas):
        pol, v = kkt_polish(Xs, yc, coef[k], a, rho, w)
        err = max(err, float(np.max(np.abs(pol - coef[k]))))
        viol = max(viol, v)
    if kind == "path":
        alpha_desc = (f"alphas = numpy.geomspace(alpha_max, {eps:g}*alpha_max, {PATH_K}), "
                      "alpha_max = max_i |X_std_i . y_centered / n| / (rho w_i)")
    else:
        alpha_desc = f"alphas = alpha_max * {FIXED_FRACTIONS}, alpha_max = max_i |X_std_i . y_centered / n| / (rho w_i)"
    notes = (f"Problem '{prob_name}': {prob['desc']}. {alpha_desc}. " + " ".join(how) +
             f" Certificate: max |coef - exact active-set solution| = {err:.2e}, max KKT violation = {viol:.2e}.")
    extra = {"problem": prob_name, "kind": kind, "accuracy": {"max_abs_err_vs_active_set_solve": err, "max_kkt_violation": viol}}
    if kind == "path":
        extra["path"] = {"length": PATH_K, "min_ratio": eps}
    f = base_fields(name, f"scikit-learn {sklearn.__version__}", prob, rho, w, alphas, coef, TOL, notes, extra)
    size = write_fixture(name, f)
    return dict(name=name, problem=prob_name, rho=rho, w=w, alphas=alphas, kind=kind, eps=eps, size=size, err=err, viol=viol)


def run_ridge_case(name, prob_name, prob, weighted):
    Xs, yc = prob["X_std"], prob["y_c"]
    w = prob["w"] if weighted else None
    alphas = path(Xs, yc, 0.0, 5, 1e-3, w)  # alpha_max with rho = 1e-3 (glmnet's convention for ridge)
    coef = np.array([ridge_closed_form(Xs, yc, a, w) for a in alphas])
    notes = (f"Problem '{prob_name}': {prob['desc']}. Ridge (l1_ratio = 0): coef = (X_std' X_std / n + alpha diag(w))^-1 "
             "X_std' y_centered / n via numpy.linalg.solve. alphas = numpy.geomspace(alpha_max, 1e-3*alpha_max, 5) with "
             "alpha_max = max_i |X_std_i . y_centered / n| / (1e-3 w_i) (rho = 0 replaced by 1e-3 like glmnet).")
    f = base_fields(name, "numpy closed form", prob, 0.0, w, alphas, coef, 0.0, notes,
                    {"problem": prob_name, "kind": "path", "path": {"length": 5, "min_ratio": 1e-3}})
    size = write_fixture(name, f)
    return dict(name=name, problem=prob_name, rho=0.0, w=w, alphas=alphas, kind="path", eps=1e-3, size=size, err=0.0, viol=0.0)


def export_for_glmnet(outdir, probs, cases):
    """One little-endian float64 .bin per glmnet case + cases.tsv; exact binary so R sees the same doubles."""
    os.makedirs(outdir, exist_ok=True)
    by_name = {c["name"]: c for c in cases}
    with open(os.path.join(outdir, "cases.tsv"), "w") as man:
        for gname, src in GLMNET_CASES:
            c = by_name[src]
            pr = probs[c["problem"]]
            X, Xs, y, yc = pr["X"], pr["X_std"], pr["y"], pr["y_c"]
            n, p = X.shape
            w = c["w"]
            header = [n, p, c["rho"], len(c["alphas"]), 0.0 if w is None else 1.0]
            blob = np.concatenate([np.array(header, float), X.ravel(), Xs.ravel(), y, yc,
                                   np.ones(p) if w is None else w, c["alphas"]])
            with open(os.path.join(outdir, gname + ".bin"), "wb") as f:
                f.write(struct.pack("<%dd" % blob.size, *blob))
            desc = pr["desc"].replace("\t", " ")
            kind = c["kind"] if c["kind"] == "fixed" else f"path:{len(c['alphas'])}:{c['eps']:g}"
            man.write(f"{gname}\t{src}\t{c['problem']}\t{kind}\t{desc}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--export", metavar="DIR", help="write the glmnet cases' inputs (binary) to DIR for make_fixtures_glmnet.R")
    args = ap.parse_args()
    probs = make_problems()
    cases = []
    for name, pn, rho, weighted, kind, eps in SK_CASES:
        cases.append(run_sklearn_case(name, pn, probs[pn], rho, weighted, kind, eps))
    cases.append(run_ridge_case("numpy_ridge_small", "small", probs["small"], False))
    cases.append(run_ridge_case("numpy_wridge_small", "small", probs["small"], True))
    for c in cases:
        print(f"{c['name']:32s} {c['size']:7d} B  max|coef-activeset|={c['err']:.1e}  kkt={c['viol']:.1e}")
    if args.export:
        export_for_glmnet(args.export, probs, cases)
        print(f"glmnet inputs written to {args.export}")


if __name__ == "__main__":
    sys.exit(main())
