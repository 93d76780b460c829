#!/usr/bin/python3
"""Writes the evaluation fixtures, computed independently of GrnFast:

precision_recall_fixture.json
  cases: AUPRC/AUROC from scikit-learn (average_precision_score, roc_auc_score) for seeded random score vectors with
         heavy ties (few score levels, many zeros like the pairs missing from a network).
evaluation_fixture.json
  early_precision: BEELINE's early precision (the rule of BLEval/computeEarlyPrec.py, re-implemented here on numpy
         arrays) for seeded random cases with many ties at the k-th score.
  networks: small random gold standards and networks scored on the candidate universe with held-out genes, excluded
         prior pairs and signs, as docs/evaluation.md defines them (candidate enumeration written here from the
         definition; the metrics from scikit-learn and the function below).

Run: /usr/bin/python3 make_fixture.py  (generated with scikit-learn 1.2.1, numpy 1.24.2; Debian's python3-sklearn)
tests/Host.Tests/Evaluation/make_evaluate_fixture.py imports the functions below.
"""
import json, os
import numpy as np
import sklearn
from sklearn.metrics import average_precision_score, roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))


def early_precision(scores, labels):
    """BEELINE's rule on pairs already restricted to the candidate universe.

    The predicted edges are the pairs the network scores above 0 (missing pairs score 0 and are never predictions),
    ranked by |weight|. k = number of true pairs; the cut is max(weight of the min(k, #predicted)-th predicted edge,
    smallest non-zero weight); every predicted edge at or above the cut is selected. EP = true selected / selected
    (0 when nothing is selected), EPR = EP / (k / #pairs).
    """
    scores = np.abs(np.asarray(scores, dtype=float))
    labels = np.asarray(labels, dtype=bool)
    k = int(labels.sum())
    n = len(labels)
    predicted = np.sort(scores[scores > 0])[::-1]
    if k == 0:
        return dict(k=0, selected=0, hits=0, ep=float("nan"), epr=float("nan"))
    if len(predicted) == 0:
        selected = np.zeros(n, dtype=bool)
    else:
        kth = predicted[min(k, len(predicted)) - 1]
        cut = max(predicted.min(), kth)
        selected = (scores >= cut) & (scores > 0)
    hits = int((selected & labels).sum())
    ep = hits / selected.sum() if selected.sum() > 0 else 0.0
    return dict(k=k, selected=int(selected.sum()), hits=hits, ep=float(ep), epr=float(ep / (k / n)))


def metrics(scores, labels):
    """AUPRC, AUROC, their ratios over random, and early precision of one set of scored pairs."""
    scores = np.abs(np.asarray(scores, dtype=float))
    labels = np.asarray(labels, dtype=int)
    rate = labels.mean()
    ap = float(average_precision_score(labels, scores))
    roc = float(roc_auc_score(labels, scores)) if 0 < labels.sum() < len(labels) else float("nan")
    e = early_precision(scores, labels)
    return dict(pairs=len(labels), positives=int(labels.sum()), predicted=int((scores > 0).sum()),
                positive_rate=float(rate), auprc=ap, auprc_ratio=ap / rate, auroc=roc, auroc_ratio=roc / 0.5,
                ep=e["ep"], epr=e["epr"], ep_k=e["k"], ep_selected=e["selected"], ep_true=e["hits"])


def score_network(gold, genes, network, regulators=None, heldout=None, excluded=(), signed=False):
    """Scores network {(r, t): (score, coef)} against gold {(r, t): sign (+1, -1, 0)} whose genes are `genes`.

    Candidates: every regulator (the gold's, or those of `regulators` that are gold genes) x every gold gene, r != t;
    heldout = ("targets"|"regulators", set) keeps pairs into / out of the set; pairs in `excluded` are dropped.
    Signed: for sign s, positives are true edges of sign s, a pair scores |score| if sign(coef) == s else 0, true edges
    without a sign are left out.
    """
    regs = sorted({r for r, _ in gold}) if regulators is None else sorted(set(regulators) & set(genes))
    pairs = [(r, t) for r in regs for t in sorted(genes) if r != t]
    universe = len(pairs)
    if heldout is not None:
        axis, held = heldout
        pairs = [p for p in pairs if (p[1] if axis == "targets" else p[0]) in held]
    heldout_pairs = len(pairs)
    excluded = set(excluded)
    dropped = [p for p in pairs if p in excluded]
    pairs = [p for p in pairs if p not in excluded]
    score = np.array([abs(network[p][0]) if p in network else 0.0 for p in pairs])
    coef = np.array([network[p][1] if p in network else float("nan") for p in pairs])
    truth = np.array([p in gold for p in pairs])
    out = dict(regulators=len(regs), genes=len(genes), universe=universe, heldout_pairs=heldout_pairs,
               excluded=len(dropped), excluded_positives=sum(p in gold for p in dropped),
               network_scored=sum(p in network for p in pairs), unsigned=metrics(score, truth))
    if signed:
        sign = np.array([gold.get(p, 0) for p in pairs])
        keep = ~(truth & (sign == 0))
        out["unsigned_skipped"] = int((~keep).sum())
        with np.errstate(invalid="ignore"):
            out["activation"] = metrics(np.where(coef[keep] > 0, score[keep], 0.0), truth[keep] & (sign[keep] == 1))
            out["repression"] = metrics(np.where(coef[keep] < 0, score[keep], 0.0), truth[keep] & (sign[keep] == -1))
    return out


def precision_recall_cases():
    rng = np.random.default_rng(20240)
    cases = []
    for n, levels, rate in [(10, 3, 0.3), (50, 5, 0.2), (200, 4, 0.05), (200, 1000, 0.1), (1000, 7, 0.02), (30, 1, 0.5)]:
        y = (rng.random(n) < rate).astype(int)
        y[0] = 1; y[-1] = 0
        s = rng.integers(0, levels, n) / 4.0  # few levels: many ties, like zero scores of absent edges
        cases.append({"scores": s.tolist(), "labels": y.tolist(),
                      "ap": float(average_precision_score(y, s)), "auroc": float(roc_auc_score(y, s))})
    # Heavier ties: most pairs at 0 (absent from the network), the rest on a few levels or continuous.
    rng = np.random.default_rng(4)
    for n, levels, zero_fraction, rate in [(500, 3, 0.9, 0.05), (2000, 10, 0.7, 0.02), (300, 2, 0.5, 0.3),
                                           (1500, 0, 0.8, 0.01), (100, 1, 0.0, 0.1), (4000, 50, 0.95, 0.03)]:
        y = (rng.random(n) < rate).astype(int)
        y[0] = 1; y[-1] = 0
        s = rng.random(n) if levels == 0 else rng.integers(1, levels + 1, n) / levels
        s = np.where(rng.random(n) < zero_fraction, 0.0, s + 0.5 * y * rng.random(n))  # positives score a bit higher
        cases.append({"scores": s.tolist(), "labels": y.tolist(),
                      "ap": float(average_precision_score(y, s)), "auroc": float(roc_auc_score(y, s))})
    return cases


def early_precision_cases():
    rng = np.random.default_rng(31)
    cases = []
    for n, levels, zero_fraction, rate in [(20, 3, 0.3, 0.2), (100, 4, 0.5, 0.1), (300, 2, 0.2, 0.05), (50, 5, 0.9, 0.3),
                                           (1000, 20, 0.6, 0.02), (40, 1, 0.0, 0.25), (60, 6, 0.97, 0.2)]:
        y = (rng.random(n) < rate).astype(int)
        y[0] = 1
        s = rng.integers(1, levels + 1, n) / levels
        s = np.where(rng.random(n) < zero_fraction, 0.0, s)
        e = early_precision(s, y)
        cases.append({"scores": s.tolist(), "labels": y.tolist(), **e})
    return cases


def random_network_case(rng, genes, regulators, edges_per_regulator, listed_fraction, signed):
    names = [f"g{i}" for i in range(genes)]
    regs = names[:regulators]
    gold = {}
    for r in regs:
        for t in rng.choice(names, edges_per_regulator, replace=False):
            if t != r:
                gold[(r, str(t))] = int(rng.choice([1, -1, 0], p=[0.5, 0.4, 0.1])) if signed else 0
    network = {}
    for r in names:
        for t in names:
            if r != t and rng.random() < listed_fraction:
                score = float(rng.integers(0, 5) / 4 + (0.5 if (r, t) in gold else 0.0))  # ties, zero scores listed
                coef = float(rng.choice([-1.0, 1.0, 0.0], p=[0.45, 0.45, 0.1]) * (score + 0.1))
                network[(r, t)] = (score, coef)
    return names, gold, network


def network_cases():
    rng = np.random.default_rng(77)
    cases = []
    for label, genes, regs, per, listed, signed, options in [
        ("all", 15, 5, 4, 0.5, False, {}),
        ("regulators file", 15, 5, 4, 0.5, False, {"regulators": ["g0", "g1", "g7", "g9", "nope"]}),
        ("held-out targets", 18, 6, 5, 0.6, False, {"heldout": ("targets", ["g3", "g4", "g10", "g11", "g12"])}),
        ("held-out regulators", 18, 6, 5, 0.6, False, {"heldout": ("regulators", ["g1", "g2"])}),
        ("exclude prior", 20, 6, 5, 0.4, False, {"exclude": 40}),
        ("held-out targets + exclude prior", 20, 6, 5, 0.4, False, {"heldout": ("targets", ["g5", "g6", "g7", "g8", "g13", "g14"]), "exclude": 30}),
        ("signed", 16, 6, 5, 0.7, True, {}),
        ("signed, held-out targets", 16, 6, 5, 0.7, True, {"heldout": ("targets", ["g0", "g2", "g4", "g6", "g8", "g10", "g12"])}),
    ]:
        names, gold, network = random_network_case(rng, genes, regs, per, listed, signed)
        excluded = []
        if "exclude" in options:
            # Prior pairs: half true, half any pair (some outside the universe: from non-regulators).
            true = sorted(gold)
            idx = rng.choice(len(true), options["exclude"] // 2, replace=False)
            excluded = [true[i] for i in idx]
            while len(excluded) < options["exclude"]:
                r, t = rng.choice(names, 2, replace=False)
                excluded.append((str(r), str(t)))
        heldout = options.get("heldout")
        result = score_network(gold, names, network, options.get("regulators"),
                               None if heldout is None else (heldout[0], set(heldout[1])), excluded, signed)
        cases.append({
            "label": label, "genes": names,
            "gold": [[r, t, s] for (r, t), s in sorted(gold.items())],
            "network": [[r, t, s, c] for (r, t), (s, c) in sorted(network.items())],
            "regulators": options.get("regulators"),
            "heldout_axis": None if heldout is None else heldout[0],
            "heldout": None if heldout is None else heldout[1],
            "excluded": [list(p) for p in excluded],
            "signed": signed,
            "expected": result,
        })
    return cases


def finite_or_none(x):
    """JSON has no NaN: undefined metrics are written as null."""
    if isinstance(x, float) and x != x:
        return None
    if isinstance(x, dict):
        return {k: finite_or_none(v) for k, v in x.items()}
    if isinstance(x, list):
        return [finite_or_none(v) for v in x]
    return x


def main():
    meta = {"sklearn": sklearn.__version__, "numpy": np.__version__}
    with open(os.path.join(HERE, "precision_recall_fixture.json"), "w") as f:
        json.dump(finite_or_none({"generator": meta, "cases": precision_recall_cases()}), f, allow_nan=False)
    with open(os.path.join(HERE, "evaluation_fixture.json"), "w") as f:
        json.dump(finite_or_none({"generator": meta, "early_precision": early_precision_cases(), "networks": network_cases()}), f, allow_nan=False)


if __name__ == "__main__":
    main()
