#!/usr/bin/python3
"""Table of times and coefficient agreement for perf/compare-lasso.sh.

Usage: compare_report.py OUTDIR
Reads (each optional):
  OUTDIR/grnfast/timings.json + OUTDIR/grnfast/coef25.tsv   (GrnFast: time = total - load - write)
  OUTDIR/sklearn_gram.json + .tsv, OUTDIR/sklearn_cd.json + .tsv, OUTDIR/glmnet.json + .tsv  ("seconds")
Coefficient TSVs: header "TF target alpha coef", one row per (regulator, target) at the same path index; pairs missing
from a file count as 0. Pairs of tools are compared on the targets both solved.
"""
import json
import os
import sys

import numpy as np


def flatten(d, prefix=""):
    out = {}
    for k, v in d.items():
        key = (prefix + "." + k if prefix else k).lower()
        if isinstance(v, dict):
            out.update(flatten(v, key))
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            out[key] = float(v)
    return out


def grnfast_seconds(path):
    """GrnFast timings.json -> (compare seconds, detail). Accepts flat or nested keys such as load, loadSeconds,
    seconds.load, load_seconds, ...; compare = total - load - write, else standardise + gram + solve."""
    with open(path) as f:
        flat = flatten(json.load(f))
    parts = {}
    for want, names in {"load": ["load"], "standardise": ["standardise", "standardize"], "gram": ["gram"],
                        "solve": ["solve"], "write": ["write"], "total": ["total"]}.items():
        for k, v in flat.items():
            leaf = k.split(".")[-1].replace("_", "").replace("seconds", "").replace("secs", "")
            if leaf in names or leaf.rstrip("s") in names:
                parts[want] = v
                break
    if "total" in parts:
        sec = parts["total"] - parts.get("load", 0.0) - parts.get("write", 0.0)
    elif {"standardise", "gram", "solve"} & parts.keys():
        sec = sum(parts.get(k, 0.0) for k in ("standardise", "gram", "solve"))
    else:
        raise ValueError(f"{path}: no total/standardise/gram/solve seconds in {sorted(flat)}")
    return sec, parts


def read_coef(path):
    coef, alpha = {}, {}
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        cols = {h.strip().lower(): i for i, h in enumerate(header)}
        it, ir, ia, ic = cols["target"], cols["tf"], cols.get("alpha"), cols["coef"]
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < len(header):
                continue
            t = p[it]
            coef[(p[ir], t)] = float(p[ic])
            if ia is not None:
                alpha[t] = float(p[ia])
    return coef, alpha


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    tools = []  # (name, seconds, note, coef path)
    gt = os.path.join(out, "grnfast", "timings.json")
    if os.path.exists(gt):
        try:
            sec, parts = grnfast_seconds(gt)
            note = ", ".join(f"{k} {v:.3g}" for k, v in parts.items())
            with open(gt) as f:
                raw = json.load(f)
            if isinstance(raw, dict):
                note += "".join(f", {k} {raw[k]}" for k in ("threads", "blas") if k in raw)
            tools.append(("GrnFast", sec, "total - load - write (" + note + ")", os.path.join(out, "grnfast", "coef25.tsv")))
        except Exception as e:  # noqa: BLE001
            print(f"warning: cannot read {gt}: {e}")
    else:
        print("note: no GrnFast timings (grnfast did not run or failed) - ratios are relative to the first tool listed")
    for name, stem in [("sklearn Gram", "sklearn_gram"), ("sklearn CD", "sklearn_cd"), ("glmnet", "glmnet")]:
        p = os.path.join(out, stem + ".json")
        if not os.path.exists(p):
            continue
        with open(p) as f:
            r = json.load(f)
        note = f"{r['targets_solved']}/{r['targets_total']} targets"
        if r.get("extrapolated"):
            note += ", EXTRAPOLATED linearly"
        if r.get("seconds_gram"):
            note += f", gram {r['seconds_gram']:.3g}s"
        if "cpu_seconds_solve" in r:
            note += f", solve cpu {r['cpu_seconds_solve']:.3g}s"
        if r.get("loadavg_1min_at_end") is not None:
            note += f", load avg {r['loadavg_1min_at_end']:.1f}"
        if r.get("convergence_warnings"):
            note += f", {r['convergence_warnings']} convergence warnings"
        tools.append((name, float(r["seconds"]), note, os.path.join(out, stem + ".tsv")))
    if not tools:
        print("no results found in", out)
        return 1

    base = tools[0][1]
    print(f"\n{'tool':14s} {'seconds':>9s} {'ratio':>8s}  notes   (ratio = seconds / {tools[0][0]} seconds)")
    for name, sec, note, _ in tools:
        print(f"{name:14s} {sec:9.2f} {sec / base:8.2f}  {note}")

    coefs = {}
    for name, _, _, cp in tools:
        if os.path.exists(cp):
            coefs[name] = read_coef(cp)
    names = list(coefs)
    warnings = []
    if len(names) >= 2:
        print("\ncoefficients at the path index (standardised scale), pairs on the targets both solved:")
        print(f"{'pair':32s} {'targets':>7s} {'max|dcoef|':>11s} {'where (TF, target)':>22s} {'max|coef|':>10s} "
              f"{'support diff':>12s} {'max rel dalpha':>14s}")
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                (ca, aa), (cb, ab) = coefs[names[i]], coefs[names[j]]
                common = set(aa) & set(ab)
                if not common:
                    print(f"{names[i] + ' vs ' + names[j]:32s} no common targets")
                    continue
                keys = {k for k in ca if k[1] in common} | {k for k in cb if k[1] in common}
                worst, where, mx, supp = 0.0, ("", ""), 0.0, 0
                for k in keys:
                    va, vb = ca.get(k, 0.0), cb.get(k, 0.0)
                    d = abs(va - vb)
                    mx = max(mx, abs(va), abs(vb))
                    supp += (va != 0) != (vb != 0)
                    if d > worst:
                        worst, where = d, k
                dal = max(abs(aa[t] - ab[t]) / max(abs(aa[t]), 1e-300) for t in common)
                print(f"{names[i] + ' vs ' + names[j]:32s} {len(common):7d} {worst:11.3e} {where[0] + ',' + where[1]:>22s} "
                      f"{mx:10.3g} {supp:12d} {dal:14.2e}")
                if dal > 1e-6:
                    r = np.array([aa[t] / ab[t] for t in common if ab[t] != 0])
                    warnings.append(f"{names[i]} vs {names[j]}: the alpha column differs (ratio {names[i]}/{names[j]}: "
                                    f"min {r.min():.6g}, median {np.median(r):.6g}, max {r.max():.6g}) - different "
                                    "alpha_max / path definition or a different alpha scale in the coefficient file")
    for w in warnings:
        print("WARNING:", w)
    return 0


if __name__ == "__main__":
    sys.exit(main())
