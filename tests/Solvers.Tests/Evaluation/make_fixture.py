#!/usr/bin/python3
"""Writes precision_recall_fixture.json: AUPRC/AUROC from scikit-learn for seeded random cases with many ties.

Run: /usr/bin/python3 make_fixture.py  (generated with scikit-learn 1.2.1, numpy 1.24.2)
"""
import json, os
import numpy as np
import sklearn
from sklearn.metrics import average_precision_score, roc_auc_score

rng = np.random.default_rng(20240)
cases = []
for n, levels, rate in [(10, 3, 0.3), (50, 5, 0.2), (200, 4, 0.05), (200, 1000, 0.1), (1000, 7, 0.02), (30, 1, 0.5)]:
    y = (rng.random(n) < rate).astype(int)
    y[0] = 1; y[-1] = 0
    s = rng.integers(0, levels, n) / 4.0  # few levels: many ties, like zero scores of absent edges
    cases.append({"scores": s.tolist(), "labels": y.tolist(),
                  "ap": float(average_precision_score(y, s)), "auroc": float(roc_auc_score(y, s))})
meta = {"sklearn": sklearn.__version__, "numpy": np.__version__}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "precision_recall_fixture.json"), "w") as f:
    json.dump({"generator": meta, "cases": cases}, f)
