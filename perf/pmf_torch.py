#!/usr/bin/python3
"""PyTorch timing reference for the PMF-GRN objective (perf/compare-pmf.sh): seconds per full-batch SVI step (one noise
draw, loss, autograd backward, Adam with element-wise clipping) on a problem written by perf/make_problem.py. The loss
is the one of tests/Solvers.Tests/Variational/reference.py (written from the equations of docs/pmf-grn.md), in float32
by default as PyTorch users run it. CPU, torch.set_num_threads(--threads).

usage: pmf_torch.py DIR [--steps 20] [--threads 2] [--dtype float32|float64] [--json-out FILE]
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    ap.add_argument("--json-out")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    dt = torch.float32 if a.dtype == "float32" else torch.float64
    x = np.load(os.path.join(a.data, "expression.npy"))
    genes = [l.strip() for l in open(os.path.join(a.data, "genes.txt"))]
    regs = [l.strip() for l in open(os.path.join(a.data, "regulators.txt"))]
    gi = {g: i for i, g in enumerate(genes)}
    ri = {g: i for i, g in enumerate(regs)}
    N, G = x.shape
    K = len(regs)
    x = (x - x.mean(0)) / np.where(x.std(0) > 0, x.std(0), 1)
    W = torch.tensor(x, dtype=dt)
    P = np.full((G, K), 0.0005)
    for line in open(os.path.join(a.data, "prior.tsv")):
        f = line.rstrip("\n").split("\t")
        if f[0] in ri and f[1] in gi and f[0] != f[1]:
            P[gi[f[1]], ri[f[0]]] = 0.9995
    prior = torch.tensor(np.log(P / (1 - P)), dtype=dt)
    sA, sB, sU, sE, sT = 2.0, 1.0, 5.0, 3.0, 1.0
    g = torch.Generator().manual_seed(0)
    ls0 = math.log(0.1)
    p = {
        "muA": prior.clone(), "lsA": torch.full((G, K), ls0, dtype=dt), "muB": 0.1 * torch.randn(G, K, generator=g, dtype=dt),
        "lsB": torch.full((G, K), ls0, dtype=dt), "muU": 0.1 * torch.randn(N, K, generator=g, dtype=dt), "lsU": torch.full((N, K), ls0, dtype=dt),
        "muE": torch.zeros(N, dtype=dt), "lsE": torch.full((N,), ls0, dtype=dt), "muT": torch.zeros((), dtype=dt), "lsT": torch.full((), ls0, dtype=dt),
    }
    for v in p.values():
        v.requires_grad_(True)
    params = list(p.values())
    opt = torch.optim.Adam(params, lr=0.1, betas=(0.9, 0.99))

    def kl(mu, ls, m, s):
        return (math.log(s) - ls + 0.5 * (torch.exp(2 * ls) + (mu - m) ** 2) / s ** 2 - 0.5).sum()

    def step():
        opt.zero_grad()
        a = p["muA"] + torch.exp(p["lsA"]) * torch.randn(G, K, dtype=dt)
        b = p["muB"] + torch.exp(p["lsB"]) * torch.randn(G, K, dtype=dt)
        u = p["muU"] + torch.exp(p["lsU"]) * torch.randn(N, K, dtype=dt)
        e = p["muE"] + torch.exp(p["lsE"]) * torch.randn(N, dtype=dt)
        t = p["muT"] + torch.exp(p["lsT"]) * torch.randn((), dtype=dt)
        V = torch.sigmoid(a) * b
        mean = torch.sigmoid(e)[:, None] * (torch.exp(u) @ V.T)
        ll = (-0.5 * math.log(2 * math.pi) - t - 0.5 * ((W - mean) * torch.exp(-t)) ** 2).sum()
        klv = kl(p["muA"], p["lsA"], prior, sA) + kl(p["muB"], p["lsB"], 0.0, sB) + kl(p["muU"], p["lsU"], 0.0, sU) \
            + kl(p["muE"], p["lsE"], 0.0, sE) + kl(p["muT"], p["lsT"], 0.0, sT)
        loss = -(ll - klv) / (N * G)
        loss.backward()
        for q in params:
            q.grad.clamp_(-1e-4, 1e-4)
        opt.step()
        with torch.no_grad():
            p["lsU"].clamp_(max=math.log(2.0))
        return loss.item()

    step()  # warm-up
    times = []
    for _ in range(a.steps):
        t0 = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - t0)
    med = float(np.median(times))
    print(f"PyTorch {torch.__version__} {a.dtype}, {a.threads} threads: {N} cells x {G} genes x {K} regulators, median {med:.3f} s per step over {a.steps} steps (loss {loss:.4f})")
    if a.json_out:
        json.dump({"seconds_per_step": med, "steps": a.steps, "threads": a.threads, "dtype": a.dtype, "torch": torch.__version__,
                   "cells": N, "genes": G, "regulators": K}, open(a.json_out, "w"))


if __name__ == "__main__":
    main()
