#!/usr/bin/python3
"""Held-out AUPRC and calibration of pmf-grn on DREAM4 size 100 network 1 (the demo data: knockouts, knockdowns,
wild type = 201 cells). The prior lists a random half of the gold edges (seeded) plus as many false pairs; the other half
is held out. AUPRC is computed over the pairs outside the prior (TF x gene, no self pairs) with the held-out gold edges
as positives. Calibration: all TF x gene pairs binned by posterior std of A (quantile bins), precision (fraction of
gold edges) per bin. The joint model adds simulated evidence (see below); the elastic net with the same prior (weight
mode) is run alongside for reference.

usage: pmf_dream4.py GRNFAST_COMMAND... (e.g. dotnet src/Host/bin/Release/net10.0/grnfast.dll)
"""
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.join(HERE, "..", "src", "Host", "DemoData")
OUT = os.path.join(HERE, "out", "dream4-pmf")


def read_tsv(path):
    return [l.rstrip("\n").split("\t") for l in open(path) if l.strip()]


def main():
    grnfast = sys.argv[1:]
    os.makedirs(OUT, exist_ok=True)
    rows = []
    header = None
    for name in ["knockouts", "knockdowns", "wildtype"]:
        t = read_tsv(os.path.join(DEMO, f"insilico_size100_1_{name}.tsv"))
        header = [h.strip('"') for h in t[0]]
        rows += t[1:]
    expr = os.path.join(OUT, "expression.tsv")
    with open(expr, "w") as f:
        f.write("\t".join(header) + "\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    gold = {(r[0], r[1]) for r in read_tsv(os.path.join(DEMO, "DREAM4_GoldStandard_InSilico_Size100_1.tsv")) if r[2] == "1"}
    tfs = sorted({e[0] for e in gold})
    with open(os.path.join(OUT, "tfs.txt"), "w") as f:
        f.write("\n".join(tfs) + "\n")
    rng = random.Random(1)
    in_prior, held = set(), set()
    for e in sorted(gold):
        (in_prior if rng.random() < 0.5 else held).add(e)
    false = set()
    while len(false) < len(in_prior):
        e = (rng.choice(tfs), rng.choice(header))
        if e[0] != e[1] and e not in gold:
            false.add(e)
    prior = in_prior | false
    with open(os.path.join(OUT, "prior.tsv"), "w") as f:
        for e in sorted(prior):
            f.write(f"{e[0]}\t{e[1]}\n")

    def run(method, extra):
        out = os.path.join(OUT, f"{method}.tsv")
        cmd = grnfast + ["infer", "--method", method, "--expression", expr, "--regulators", os.path.join(OUT, "tfs.txt"),
                         "--prior", os.path.join(OUT, "prior.tsv"), "--out", out] + extra
        log = subprocess.run(cmd, capture_output=True, text=True)
        if log.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed:\n{log.stderr}")
        lines = [l for l in log.stderr.splitlines() if "final ELBO" in l and "->" not in l]
        if lines:
            print(lines[0])
        net = read_tsv(out)
        return net[0], net[1:]

    def auprc(net):
        cand = [r for r in net if (r[0], r[1]) not in prior and r[0] != r[1]]
        scored = {(r[0], r[1]): float(r[2]) for r in cand}
        # Pairs absent from the output (zero importance) rank last, in a fixed order.
        for tf in tfs:
            for g in header:
                if tf != g and (tf, g) not in prior and (tf, g) not in scored:
                    scored[(tf, g)] = 0.0
        ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))
        hits, s = 0, 0.0
        for i, (e, _) in enumerate(ranked):
            if e in held:
                hits += 1
                s += hits / (i + 1)
        return s / len(held), len(held) / len(ranked)

    # Simulated external evidence (ATAC x motif-like, noisy) on a random 30 % of the TF x gene pairs: 0.8 for a gold
    # edge and 0.2 otherwise, each label flipped with probability 0.2.
    with open(os.path.join(OUT, "evidence.tsv"), "w") as f:
        for tf in tfs:
            for g in header:
                if tf != g and rng.random() < 0.3:
                    truth = (tf, g) in gold
                    if rng.random() < 0.2:
                        truth = not truth
                    f.write(f"{tf}\t{g}\t{0.8 if truth else 0.2}\n")

    print(f"DREAM4 size100 #1: {len(rows)} cells, {len(tfs)} TFs, {len(gold)} gold edges; prior {len(in_prior)} gold + {len(false)} false pairs; {len(held)} held out")
    for method, extra in [("pmf-grn", ["--seed", "1"]), ("joint", ["--seed", "1", "--evidence", os.path.join(OUT, "evidence.tsv")]), ("elasticnet", [])]:
        head, net = run(method, extra)
        a, base = auprc(net)
        print(f"{method}: held-out AUPRC {a:.4f} (base rate {base:.4f}, {a / base:.1f}x)")
        if method == "pmf-grn":
            pmf = net
    # Calibration: bins of posterior std over all TF x gene pairs.
    pairs = sorted(((float(r[4]), (r[0], r[1]) in gold, (r[0], r[1]) in prior) for r in pmf), key=lambda x: x[0])
    bins = 5
    print("\ncalibration (all TF x gene pairs, quantile bins of posterior std of A):")
    print("| bin | std range | pairs | gold edges | precision | precision outside the prior |")
    print("|---|---|---|---|---|---|")
    for b in range(bins):
        part = pairs[len(pairs) * b // bins: len(pairs) * (b + 1) // bins]
        outside = [p for p in part if not p[2]]
        po = sum(p[1] for p in outside) / len(outside) if outside else float("nan")
        print(f"| {b + 1} | {part[0][0]:.4f} - {part[-1][0]:.4f} | {len(part)} | {sum(p[1] for p in part)} | {sum(p[1] for p in part) / len(part):.3f} | {po:.3f} ({len(outside)}) |")


if __name__ == "__main__":
    main()
