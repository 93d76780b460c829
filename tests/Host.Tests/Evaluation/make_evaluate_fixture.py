#!/usr/bin/python3
"""Writes the fixtures of EvaluateCommandTests, computed independently of GrnFast on the DREAM4 demo data.

- dream4_network.tsv: a synthetic network over the 100 DREAM4 genes (GrnFast layout TF target importance coef; scores
  on few levels, so many ties; two self loops that must be dropped), with heldout_targets.txt,
  heldout_regulators.txt, regulators_all.txt and two prior files (prior_a.tsv, prior_b.csv) for the held-out modes;
- signed_gold.csv (BEELINE refNetwork layout Gene1,Gene2,Type) and signed_network.tsv for signed scoring;
- evaluate_expected.json: for each command line, the expected counts and metrics from scikit-learn and the
  definitions in ../../Solvers.Tests/Evaluation/make_fixture.py; plus the knockout z-score network of
  `grnfast prior perturbation` computed here with numpy (values read as float32, as grnfast reads text expression)
  and its expected metrics.

Run: /usr/bin/python3 make_evaluate_fixture.py  (scikit-learn 1.2.1, numpy 1.24.2)
"""
import json, os, sys
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "Solvers.Tests", "Evaluation"))
from make_fixture import score_network, finite_or_none  # noqa: E402

DEMO = os.path.join(ROOT, "src", "Host", "DemoData")
GOLD = os.path.join(DEMO, "DREAM4_GoldStandard_InSilico_Size100_1.tsv")


def read_dream_gold(path):
    genes, gold = set(), {}
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) != 3:
            continue
        genes.update(f[:2])
        if f[2].strip() == "1" and f[0] != f[1]:
            gold[(f[0], f[1])] = 0
    return genes, gold


def read_dream_matrix(path):
    lines = [l for l in open(path) if l.strip()]
    genes = [g.strip('"') for g in lines[0].split()]
    values = np.array([[np.float32(x) for x in l.split()] for l in lines[1:]], dtype=np.float32)
    return genes, values.astype(np.float64)


def write(name, text):
    with open(os.path.join(HERE, name), "w") as f:
        f.write(text)


def main():
    rng = np.random.default_rng(2025)
    genes, gold = read_dream_gold(GOLD)
    names = sorted(genes, key=lambda g: int(g[1:]))

    # A network that ranks true edges a little higher, on few score levels.
    network, rows = {}, []
    for r in names:
        for t in names:
            if r == t:
                continue
            true = (r, t) in gold
            if rng.random() < (0.8 if true else 0.3):
                score = float(rng.integers(0, 6) / 5 + (0.4 if true else 0.0))
                coef = float(rng.choice([-1.0, 1.0]) * (score + 0.05))
                network[(r, t)] = (score, coef)
                rows.append(f"{r}\t{t}\t{score!r}\t{coef!r}")
    rows.insert(10, "G1\tG1\t9\t1")
    rows.insert(20, "G7\tG7\t0.5\t-1")
    write("dream4_network.tsv", "TF\ttarget\timportance\tcoef\n" + "\n".join(rows) + "\n")

    regulators = sorted({r for r, _ in gold})
    held_targets = sorted(rng.choice(names, 25, replace=False).tolist()) + ["NOT_A_GENE"]
    held_regulators = sorted(rng.choice(regulators, 8, replace=False).tolist())
    write("heldout_targets.txt", "\n".join(held_targets) + "\n")
    write("heldout_regulators.txt", "# eight regulators\n" + "\n".join(held_regulators) + "\n")
    write("regulators_all.txt", "\n".join(names) + "\n")
    true = sorted(gold)
    prior_a = [true[i] for i in rng.choice(len(true), 60, replace=False)]
    while len(prior_a) < 150:
        r, t = rng.choice(names, 2, replace=False)
        prior_a.append((str(r), str(t)))
    prior_b = [true[i] for i in rng.choice(len(true), 40, replace=False)]
    while len(prior_b) < 100:
        r, t = rng.choice(names, 2, replace=False)
        prior_b.append((str(r), str(t)))
    write("prior_a.tsv", "regulator\ttarget\tconfidence\n" + "".join(f"{r}\t{t}\t{0.5 + 0.5 * (i % 2)}\n" for i, (r, t) in enumerate(prior_a)))
    write("prior_b.csv", "Gene1,Gene2\n" + "".join(f"{r},{t}\n" for r, t in prior_b))

    cases = []

    def case(name, args, **scope):
        expected = score_network(gold, genes, network, **scope)
        cases.append({"name": name, "network": "dream4_network.tsv", "gold": "@demo/DREAM4_GoldStandard_InSilico_Size100_1.tsv",
                      "args": args, "expected": expected})

    case("all", [])
    case("regulators", ["--regulators", "regulators_all.txt"], regulators=names)
    case("heldout-targets", ["--heldout-targets", "heldout_targets.txt"], heldout=("targets", set(held_targets)))
    case("heldout-regulators", ["--heldout-regulators", "heldout_regulators.txt"], heldout=("regulators", set(held_regulators)))
    case("exclude-prior", ["--exclude-prior", "prior_a.tsv", "--exclude-prior", "prior_b.csv"], excluded=prior_a + prior_b)
    case("heldout-targets+exclude-prior", ["--heldout-targets", "heldout_targets.txt", "--exclude-prior", "prior_a.tsv"],
         heldout=("targets", set(held_targets)), excluded=prior_a)

    # Signed: a BEELINE-like reference network with + and - edges, and a network with signed coefficients.
    sgenes = [f"s{i}" for i in range(25)]
    sregs = sgenes[:8]
    sgold, grows = {}, []
    for r in sregs:
        for t in rng.choice(sgenes, 6, replace=False):
            t = str(t)
            if t != r:
                sign = int(rng.choice([1, -1]))
                sgold[(r, t)] = sign
                grows.append(f"{r},{t},{'+' if sign > 0 else '-'}")
    write("signed_gold.csv", "Gene1,Gene2,Type\n" + "\n".join(grows) + "\n")
    snet, nrows = {}, []
    for r in sgenes[:12]:
        for t in sgenes:
            if r != t and rng.random() < 0.5:
                score = float(rng.integers(1, 8) / 7 + (0.3 if (r, t) in sgold else 0.0))
                right = sgold.get((r, t), int(rng.choice([1, -1])))
                sign = right if rng.random() < 0.75 else -right
                snet[(r, t)] = (score, float(sign * score))
                nrows.append(f"{r}\t{t}\t{score!r}\t{float(sign * score)!r}")
    write("signed_network.tsv", "\n".join(nrows) + "\n")  # headerless: regulator target weight coef
    cases.append({"name": "signed", "network": "signed_network.tsv", "gold": "signed_gold.csv", "args": ["--signed"],
                  "expected": score_network(sgold, set(sgenes) & ({g for p in sgold for g in p}), snet, signed=True)})

    # Knockout z-scores, as `grnfast prior perturbation --min-z 0 --weight abs-z` should write them.
    kgenes, ko = read_dream_matrix(os.path.join(DEMO, "insilico_size100_1_knockouts.tsv"))
    _, wt = read_dream_matrix(os.path.join(DEMO, "insilico_size100_1_wildtype.tsv"))
    p = len(kgenes)
    z = np.full((p, p), np.nan)
    for j in range(p):
        others = np.delete(ko[:, j], j)
        sd = others.std(ddof=1)
        for i in range(p):
            if i != j:
                z[i, j] = (ko[i, j] - wt[0, j]) / sd
    znet = {(kgenes[i], kgenes[j]): (abs(z[i, j]), float("nan")) for i in range(p) for j in range(p) if i != j}
    expected = score_network(gold, genes, znet)
    sample = [[kgenes[i], kgenes[j], float(z[i, j])] for (i, j) in [(0, 1), (4, 14), (95, 20), (50, 3), (99, 98)]]

    with open(os.path.join(HERE, "evaluate_expected.json"), "w") as f:
        json.dump(finite_or_none({"cases": cases, "perturbation": {"expected": expected, "z_sample": sample}}), f, indent=1, allow_nan=False)


if __name__ == "__main__":
    main()
