#!/usr/bin/python3
"""Helper of perf/beeline-methods.sh (Debian /usr/bin/python3, standard library only).

  beeline_methods.py evidence GOLD REGULATORS GENES SEED OUT
      simulated per-pair evidence for the joint model, as perf/pmf_dream4.py makes it: on a seeded random 30 % of the
      regulator x gene pairs (no self pairs), 0.8 for a gold edge and 0.2 otherwise, each label flipped with
      probability 0.2. Every target is covered, held-out ones included: the evidence is a measurement, not the answer.
  beeline_methods.py row METRICS.json DATASET SEED METHOD SECONDS
      one line of results.tsv from a `grnfast evaluate` JSON
  beeline_methods.py calibration GROUP GOLD REGULATORS HELDOUT PMF.tsv [GROUP GOLD REGULATORS HELDOUT PMF.tsv ...]
      pools the pmf-grn outputs of one group (e.g. all synthetic runs), then bins the scored candidate pairs
      (regulator x gene of the gold, no self pairs) into quintiles of the posterior std of A and prints precision per
      bin, over all candidates and over the held-out targets' candidates only
  beeline_methods.py summary RESULTS.tsv
      markdown tables: every run, and the mean over the runs of each dataset group
"""
import csv
import json
import random
import statistics
import sys


def read_gold(path):
    """(regulator, target) pairs with a nonzero label; self loops dropped. Reads BEELINE refNetwork.csv / GENELink
    BL--network.csv (header Gene1,Gene2[,Type|Score]) and DREAM's headerless `G1 TAB G2 TAB 0|1`."""
    edges = set()
    with open(path) as f:
        rows = list(csv.reader(f, delimiter="\t" if path.endswith(".tsv") else ","))
    if rows and rows[0] and rows[0][0] == "Gene1":
        rows = rows[1:]
    for r in rows:
        if len(r) < 2 or r[0] == r[1]:
            continue
        if len(r) >= 3 and r[2] not in ("+", "-") and r[2] != "":
            try:
                if float(r[2]) == 0:
                    continue
            except ValueError:
                pass
        edges.add((r[0], r[1]))
    return edges


def read_list(path):
    return [l.strip() for l in open(path) if l.strip() and not l.startswith("#")]


def evidence(gold_path, regs_path, genes_path, seed, out):
    gold = read_gold(gold_path)
    genes = read_list(genes_path)
    gene_set = set(genes)
    regs = [r for r in read_list(regs_path) if r in gene_set]
    rng = random.Random(int(seed))
    n = 0
    with open(out, "w") as f:
        for tf in regs:
            for g in genes:
                if tf != g and rng.random() < 0.3:
                    truth = (tf, g) in gold
                    if rng.random() < 0.2:
                        truth = not truth
                    f.write(f"{tf}\t{g}\t{0.8 if truth else 0.2}\n")
                    n += 1
    print(f"evidence: {n} pairs, {len(regs)} regulators x {len(genes)} genes, seed {seed} -> {out}", file=sys.stderr)


def row(metrics_path, dataset, seed, method, seconds):
    m = json.load(open(metrics_path))
    def num(key):
        v = m.get(key)
        return "NA" if v is None else f"{v:.4f}"
    print("\t".join([dataset, seed, method, num("auprc"), num("auprc_ratio"), num("auroc"), num("early_precision_ratio"),
                     str(m["pairs"]), str(m["positives"]), f"{float(seconds):.1f}"]))


def calibration(args):
    groups = {}
    for i in range(0, len(args), 5):
        group, gold_path, regs_path, held_path, pmf_path = args[i:i + 5]
        gold = read_gold(gold_path)
        regs = set(read_list(regs_path)) if regs_path != "-" else {e[0] for e in gold}
        genes = {g for e in gold for g in e}
        held = set(read_list(held_path))
        with open(pmf_path) as f:
            r = csv.reader(f, delimiter="\t")
            header = next(r)
            std_col = header.index("std")
            for line in r:
                tf, g = line[0], line[1]
                if tf == g or tf not in regs or g not in genes:
                    continue
                groups.setdefault(group, []).append((float(line[std_col]), (tf, g) in gold, g in held))
    for group, pairs in groups.items():
        pairs.sort(key=lambda p: p[0])
        bins = 5
        print(f"\n{group}: {len(pairs)} scored candidate pairs, {sum(p[1] for p in pairs)} gold edges; quintiles of the posterior std of A\n")
        print("| bin | std range | pairs | gold edges | precision | held-out targets: pairs | gold | precision |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for b in range(bins):
            part = pairs[len(pairs) * b // bins: len(pairs) * (b + 1) // bins]
            if not part:
                continue
            held = [p for p in part if p[2]]
            hp = f"{sum(p[1] for p in held) / len(held):.3f}" if held else "NA"
            print(f"| {b + 1} | {part[0][0]:.4f} – {part[-1][0]:.4f} | {len(part)} | {sum(p[1] for p in part)} | "
                  f"{sum(p[1] for p in part) / len(part):.3f} | {len(held)} | {sum(p[1] for p in held)} | {hp} |")


def random_ap(n, p):
    """Expected average precision of a uniformly random ranking (no ties) of n pairs with p positives: the item at rank
    k is positive with probability p/n, and then the expected precision at k is (1 + (p-1)(k-1)/(n-1)) / k. On small
    networks this is well above the positive rate p/n (2 of 12: 0.33, not 0.17), so it is the baseline to beat."""
    if p == 0:
        return float("nan")
    if n == 1:
        return 1.0
    return sum((1 + (p - 1) * (k - 1) / (n - 1)) / k for k in range(1, n + 1)) / n


def summary(path):
    rows = [l.rstrip("\n").split("\t") for l in open(path) if l.strip()]
    head, rows = rows[0], rows[1:]
    # One "random ranking (expected)" row per run: exact expected AUPRC, AUROC 0.5, EPR 1.
    seen, extra = set(), []
    for r in rows:
        if (r[0], r[1]) not in seen:
            seen.add((r[0], r[1]))
            n, p = int(r[7]), int(r[8])
            ap = random_ap(n, p)
            extra.append([r[0], r[1], "random ranking (expected)", f"{ap:.4f}", f"{ap * n / p:.4f}", "0.5000", "1.0000", r[7], r[8], "0.0"])
    merged = []
    for i, r in enumerate(rows):
        merged.append(r)
        if i + 1 == len(rows) or (rows[i + 1][0], rows[i + 1][1]) != (r[0], r[1]):
            merged.append(next(e for e in extra if (e[0], e[1]) == (r[0], r[1])))
    rows = merged
    print("| dataset | split seed | method | held-out AUPRC | × random | AUROC | EPR | pairs | true | seconds |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    order = []
    for r in rows:
        if r[2] not in order:
            order.append(r[2])
    group_of = lambda d: d if d.startswith("mDC") else "DREAM4 nets 1-3 (mean)" if d.startswith("DREAM4") \
        else "synthetic + curated (mean of runs)"
    groups = []
    for r in rows:
        if group_of(r[0]) not in groups:
            groups.append(group_of(r[0]))
    print("\n| data | method | runs | mean held-out AUPRC | mean × random | mean AUROC | mean EPR | median seconds |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for g in groups:
        for method in order:
            sel = [r for r in rows if group_of(r[0]) == g and r[2] == method]
            if not sel:
                continue
            def mean(i):
                v = [float(r[i]) for r in sel if r[i] != "NA"]
                return f"{statistics.mean(v):.3f}" if v else "NA"
            secs = statistics.median(float(r[9]) for r in sel)
            print(f"| {g} | {method} | {len(sel)} | {mean(3)} | {mean(4)} | {mean(5)} | {mean(6)} | {secs:.1f} |")


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "evidence":
        evidence(*args)
    elif cmd == "row":
        row(*args)
    elif cmd == "calibration":
        calibration(args)
    elif cmd == "summary":
        summary(*args)
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
