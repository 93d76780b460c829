#!/usr/bin/python3
"""NetREX-CF reference: a few PALM iterations in numpy, written from the equations in docs/netrex-cf.md
(not from the published notebook), on a small problem with E explicit (no Gram trick).

Writes palm_small.json next to this script: the problem (K = E E^T, summed prior, forbidden self edges,
options), the starting point, the objective after every iteration, the iterates after 1 and after all
iterations, the edge constants, and the edge confidence of the final state on all cells and on a half.
Run with Debian's /usr/bin/python3 (python3-numpy)."""
import json
import os
import numpy as np

SEED = 20221282
G, T, N, D, ITERATIONS = 14, 6, 40, 4, 4
LAM, LAM_A, LAM_S, REG, A_SCALE, ETA0 = 5.0, 1.0, 1.0, 1.0, 1.0, 1e-7


def edge_constants(prior_sum, forbidden):
    b = (prior_sum > 0).astype(float)
    c = 1.0 + A_SCALE * prior_sum
    alpha = c
    beta = np.where(b == 1, 9.0 * c, c.max() - 1.0)
    eta = np.where(b == 1, ETA0, LAM * alpha * (1.0 + alpha / beta) + ETA0)
    for i, j in forbidden:
        eta[i, j] = np.inf
    return b, alpha, beta, eta


def objective(E, S, A, X, Y, b, alpha, beta, eta):
    s0 = (S != 0).astype(float)
    w = LAM * (beta * s0 + alpha)
    target = s0 + (1 - s0) * b
    l0 = np.where(s0 == 1, eta, 0.0).sum()
    return (np.linalg.norm(E - S @ A) ** 2 + (w * (target - X.T @ Y) ** 2).sum() + l0
            + LAM_A * np.linalg.norm(A) ** 2 + LAM_S * np.linalg.norm(S) ** 2
            + REG * (np.linalg.norm(X) ** 2 + np.linalg.norm(Y) ** 2))


def palm_iteration(E, S, A, X, Y, b, alpha, beta, eta, margins):
    # A: proximal ridge step.
    sts = S.T @ S
    mu_a = np.linalg.norm(sts + LAM_A * np.eye(T))
    A = np.linalg.solve(sts + (LAM_A + mu_a / 2) * np.eye(T), S.T @ E + (mu_a / 2) * A)
    # S: gradient step (half gradient g, step 2/mu_S, mu_S = 2 ||A A^T + lambda_s I||_F), then the hard threshold.
    aat = A @ A.T
    mu_s = 2 * np.linalg.norm(aat + LAM_S * np.eye(T))
    step = 2 / mu_s
    g = S @ aat + LAM_S * S - E @ A.T
    U = S - step * g
    R = X.T @ Y
    delta = LAM * ((alpha + beta) * (1 - b) * (1 + 2 * (b - R)) + beta * (b - R) ** 2) + eta
    keep = U * U > step * delta
    finite = np.isfinite(delta)
    margins.append(float(np.min(np.abs(U * U - step * delta)[finite] / (step * np.abs(delta[finite]) + 1e-300))))
    S = np.where(keep, U, 0.0)
    # X, then Y: exact weighted ridge per gene / regulator.
    s0 = (S != 0).astype(float)
    w = LAM * (beta * s0 + alpha)
    target = s0 + (1 - s0) * b
    X = X.copy()
    for i in range(G):
        H = (Y * w[i]) @ Y.T + REG * np.eye(D)
        X[:, i] = np.linalg.solve(H, Y @ (w[i] * target[i]))
    Y = Y.copy()
    for j in range(T):
        H = (X * w[:, j]) @ X.T + REG * np.eye(D)
        Y[:, j] = np.linalg.solve(H, X @ (w[:, j] * target[:, j]))
    return S, A, X, Y


def confidence(E, S, A):
    conf = np.zeros_like(S)
    for i, j in zip(*np.nonzero(S)):
        full = np.sum((E[i] - S[i] @ A) ** 2)
        row = S[i].copy()
        row[j] = 0
        without = np.sum((E[i] - row @ A) ** 2)
        conf[i, j] = min(max(1 - full / without, 0.0), 1.0) if without > 0 else 0.0
    return conf


def colmajor(m):
    return np.asarray(m, dtype=float).flatten(order="F").tolist()


def main():
    rng = np.random.default_rng(SEED)
    # Expression with structure: 6 regulator activities drive 14 genes through a sparse network, plus noise.
    true_s = np.where(rng.random((G, T)) < 0.3, rng.normal(0, 1, (G, T)), 0.0)
    raw = true_s @ rng.normal(0, 1, (T, N)) + 0.5 * rng.normal(0, 1, (G, N))
    E = (raw - raw.mean(axis=1, keepdims=True)) / raw.std(axis=1, keepdims=True)
    # Genes 0..5 are the regulators' own genes: those self edges are forbidden.
    forbidden = [(j, j) for j in range(T)]
    # Two sources, each confidence in [0, 1]: one near the truth, one noisy.
    p1 = np.where((true_s != 0) & (rng.random((G, T)) < 0.8), rng.uniform(0.5, 1, (G, T)), 0.0)
    p2 = np.where(rng.random((G, T)) < 0.25, rng.uniform(0, 1, (G, T)), 0.0)
    prior_sum = p1 + p2
    for i, j in forbidden:
        prior_sum[i, j] = 0.0
    b, alpha, beta, eta = edge_constants(prior_sum, forbidden)

    S = np.where(rng.random((G, T)) < 0.5, rng.normal(0, 0.5, (G, T)), 0.0)
    for i, j in forbidden:
        S[i, j] = 0.0
    Z = rng.normal(0, 0.05, (T, G))
    A = Z @ E
    X = rng.normal(0, 0.3, (D, G))
    Y = rng.normal(0, 0.3, (D, T))
    start = dict(S=colmajor(S), Z=colmajor(Z), X=colmajor(X), Y=colmajor(Y))

    history = [objective(E, S, A, X, Y, b, alpha, beta, eta)]
    margins, after_one = [], None
    supports = [int(np.count_nonzero(S))]
    for k in range(ITERATIONS):
        S, A, X, Y = palm_iteration(E, S, A, X, Y, b, alpha, beta, eta, margins)
        history.append(objective(E, S, A, X, Y, b, alpha, beta, eta))
        supports.append(int(np.count_nonzero(S)))
        if k == 0:
            after_one = dict(S=colmajor(S), A=colmajor(A), X=colmajor(X), Y=colmajor(Y))
    half = sorted(rng.choice(N, N // 2, replace=False).tolist())
    out = dict(
        generator="tests/Solvers.Tests/NetRex/reference.py", numpy=np.__version__, seed=SEED,
        genes=G, regulators=T, cells=N, factors=D, iterations=ITERATIONS,
        options=dict(Lambda=LAM, LambdaA=LAM_A, LambdaS=LAM_S, FactorRegularization=REG, PriorScale=A_SCALE, Eta0=ETA0),
        expression=colmajor(E), gram=colmajor(E @ E.T), half_gram=colmajor(E[:, half] @ E[:, half].T), half_cells=half,
        prior_sum=colmajor(prior_sum), forbidden=[list(p) for p in forbidden],
        alpha=colmajor(alpha), beta=colmajor(beta), eta=colmajor(np.where(np.isfinite(eta), eta, -1.0)),
        start=start, objective=history, supports=supports, threshold_margin=min(margins),
        after_one=after_one, final=dict(S=colmajor(S), A=colmajor(A), X=colmajor(X), Y=colmajor(Y)),
        confidence_all=colmajor(confidence(E, S, A)), confidence_half=colmajor(confidence(E[:, half], S, A[:, half])),
    )
    assert all(b2 <= a2 for a2, b2 in zip(history, history[1:])), history
    assert min(margins) > 1e-6, margins
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "palm_small.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print(f"objective {history}\nsupports {supports}\nmargin {min(margins):.3g} -> {path}")


if __name__ == "__main__":
    main()
