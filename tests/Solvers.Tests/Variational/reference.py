#!/usr/bin/python3
"""PyTorch reference of the PMF-GRN objective (docs/pmf-grn.md), written from the model's equations, not from any
implementation. For given guide parameters and given standard-normal draws it computes the loss
    -(1/(N G)) [ (N/|S|) sum_{c in S} sum_g mask_cg log N(W_cg | d_c U_c. V_g.^T, sigma_obs)
                 + lambda sum_{(g,k) in E} (y log s(eta) + (1 - y) log s(-eta))
                 - beta (KL_A + KL_B + KL_t [+ KL_s + KL_c] + (N/|S|) sum_{c in S} (KL_U_c + KL_e_c)) ]
with A = sigmoid(a), V = A o B, U = exp(u), d = sigmoid(e), sigma_obs = exp(t), eta = exp(s) a + c, and every latent
x = mu + exp(ls) eps under a mean-field Gaussian guide (analytic Gaussian KLs), and its gradient by autograd.
Writes fixtures_*.json next to this script; the C# tests read them. Run with Debian's /usr/bin/python3 (python3-torch).
"""
import json
import math
import os

import torch

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))


def kl_normal(mu, ls, m, sigma):
    s2 = torch.exp(2 * ls)
    return (math.log(sigma) - ls + 0.5 * (s2 + (mu - m) ** 2) / sigma ** 2 - 0.5).sum()


def loss_fn(p, eps, data, o):
    W, mask, prior, batch, beta = data["W"], data["mask"], data["prior"], data["batch"], data["beta"]
    N, G = W.shape
    S = batch if batch is not None else torch.arange(N)
    scale = N / len(S)
    a = p["muA"] + torch.exp(p["lsA"]) * eps["A"]
    b = p["muB"] + torch.exp(p["lsB"]) * eps["B"]
    u = p["muU"] + torch.exp(p["lsU"]) * eps["U"]
    e = p["muE"] + torch.exp(p["lsE"]) * eps["E"]
    t = p["muT"] + torch.exp(p["lsT"]) * eps["T"]
    A = torch.sigmoid(a)
    V = A * b                                # G x K
    U = torch.exp(u[S])                      # |S| x K
    d = torch.sigmoid(e[S])                  # |S|
    mean = d[:, None] * (U @ V.T)            # |S| x G
    sigma = torch.exp(t)
    logp = -0.5 * math.log(2 * math.pi) - t - 0.5 * ((W[S] - mean) / sigma) ** 2
    mk = mask[S] if mask is not None else torch.ones_like(logp)
    ll = scale * (logp * mk).sum()
    kl = (kl_normal(p["muA"], p["lsA"], prior, o["sigmaA"]) + kl_normal(p["muB"], p["lsB"], 0.0, o["sigmaB"])
          + kl_normal(p["muT"], p["lsT"], 0.0, o["sigmaT"])
          + scale * (kl_normal(p["muU"][S], p["lsU"][S], o["muU0"], o["sigmaU"]) + kl_normal(p["muE"][S], p["lsE"][S], 0.0, o["sigmaE"])))
    llY = torch.zeros(())
    if data["evidence"] is not None:
        gi, ki, y = data["evidence"]
        s = p["muS"] + torch.exp(p["lsS"]) * eps["S"]
        c = p["muC"] + torch.exp(p["lsC"]) * eps["C"]
        eta = torch.exp(s) * a[gi, ki] + c
        llY = o["lambda"] * (y * torch.nn.functional.logsigmoid(eta) + (1 - y) * torch.nn.functional.logsigmoid(-eta)).sum()
        kl = kl + kl_normal(p["muS"], p["lsS"], 0.0, o["sigmaY"]) + kl_normal(p["muC"], p["lsC"], 0.0, o["sigmaY"])
    loss = -(ll + llY - beta * kl) / (N * G)
    return loss, ll, llY, kl


def colmajor(x):
    """Flatten as the C# layout does: first index fastest."""
    return x.T.reshape(-1).tolist() if x.dim() == 2 else x.reshape(-1).tolist()


def make_case(name, seed, N, G, K, masked, batch, joint, beta):
    g = torch.Generator().manual_seed(seed)
    rn = lambda *shape: torch.randn(*shape, generator=g)
    ru = lambda *shape: torch.rand(*shape, generator=g)
    o = {"sigmaA": 2.0, "sigmaB": 1.0, "muU0": 0.0, "sigmaU": 5.0, "sigmaE": 3.0, "sigmaT": 1.0, "sigmaY": 1.0, "lambda": 1.0}
    W = ru(N, G) * 2
    mask = (ru(N, G) > 0.3).double() if masked else None
    P = ru(G, K).clamp(0.0005, 0.9995)
    prior = torch.log(P / (1 - P))
    p = {
        "muA": prior + 0.3 * rn(G, K), "lsA": -1 - ru(G, K), "muB": rn(G, K), "lsB": -1 - ru(G, K),
        "muU": 0.3 * rn(N, K), "lsU": -1 - ru(N, K), "muE": rn(N), "lsE": -1 - ru(N),
        "muT": 0.2 * rn(()), "lsT": -2 + 0 * rn(()),
    }
    eps = {"A": rn(G, K), "B": rn(G, K), "U": rn(N, K), "E": rn(N), "T": rn(())}
    evidence = None
    if joint:
        pairs = torch.randperm(G * K, generator=g)[: (G * K) // 2]
        gi, ki = pairs % G, pairs // G
        y = ru(len(pairs))
        evidence = (gi, ki, y)
        p.update({"muS": 0.3 * rn(()), "lsS": -1.5 + 0 * rn(()), "muC": 0.2 * rn(()), "lsC": -1.2 + 0 * rn(())})
        eps.update({"S": rn(()), "C": rn(())})
    for v in p.values():
        v.requires_grad_(True)
    bt = torch.tensor(batch) if batch is not None else None
    data = {"W": W, "mask": mask, "prior": prior, "batch": bt, "beta": beta, "evidence": evidence}
    loss, ll, llY, kl = loss_fn(p, eps, data, o)
    loss.backward()

    order = ["muA", "lsA", "muB", "lsB", "muU", "lsU", "muE", "lsE", "muT", "lsT"] + (["muS", "lsS", "muC", "lsC"] if joint else [])
    theta, grad = [], []
    for key in order:
        theta += colmajor(p[key].detach()) if p[key].dim() else [p[key].item()]
        grad += colmajor(p[key].grad) if p[key].dim() else [p[key].grad.item()]
    noise = []
    for key in ["A", "B", "U", "E", "T"] + (["S", "C"] if joint else []):
        noise += colmajor(eps[key]) if eps[key].dim() else [eps[key].item()]
    out = {
        "name": name, "cells": N, "genes": G, "regulators": K, "options": o, "klFactor": beta,
        "expression": colmajor(W), "mask": colmajor(mask) if mask is not None else None,
        "priorLogitA": colmajor(prior), "batch": batch,
        "evidencePairs": (evidence[0] + G * evidence[1]).tolist() if joint else None,
        "evidenceValues": evidence[2].tolist() if joint else None,
        "theta": theta, "noise": noise,
        "loss": loss.item(), "logLikelihood": ll.item(), "evidenceLogLikelihood": llY.item(), "kl": kl.item(), "grad": grad,
    }
    with open(os.path.join(HERE, f"fixture_{name}.json"), "w") as f:
        json.dump(out, f, indent=None)
        f.write("\n")


if __name__ == "__main__":
    make_case("pmf", 1, N=9, G=6, K=4, masked=False, batch=None, joint=False, beta=3.0)
    make_case("masked_batch", 2, N=11, G=7, K=3, masked=True, batch=[0, 3, 4, 8, 10], joint=False, beta=1.0)
    make_case("joint", 3, N=8, G=6, K=5, masked=False, batch=None, joint=True, beta=2.0)
    print("wrote fixtures to", HERE)
