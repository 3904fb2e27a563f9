#!/usr/bin/env python3
"""Batch-1 inference, one thread: avloc_nn.h (build/bench/bench_nn) vs torch
(torch.set_num_threads(1)) on the same exported file's graph, interleaved,
best of N each. Networks built with tools/gen_goldens_nn.py's Graph (the
torch side replays the same torch.nn.functional calls node by node).

    make -C bench ../build/bench/bench_nn && /usr/bin/python3 bench/bench_nn.py
"""
import os
import subprocess
import sys
import tempfile
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import gen_goldens_nn as G  # noqa: E402

BIN = os.path.join(HERE, "..", "build", "bench", "bench_nn")


def uvae(g):
    x = g.input("x", [1, 2, 64, 64])
    e1 = G.act(g, G.conv(g, x, 16, (3, 3), (1, 1), (1, 1), (1, 1), 1), "relu")
    e2 = G.act(g, G.conv(g, e1, 32, (3, 3), (2, 2), (1, 1), (1, 1), 1), "relu")
    e3 = G.act(g, G.conv(g, e2, 64, (3, 3), (2, 2), (1, 1), (1, 1), 1), "relu")
    f = g.node("flatten", [e3], lambda x: torch.flatten(x, 1), None, {"start_dim": 1, "end_dim": -1})
    mu, lv = G.linear(g, f, 32), G.linear(g, f, 32)
    z = g.node("reparam", [mu, lv], lambda mu, logvar: mu)
    d = G.linear(g, z, 64 * 16 * 16)
    d = g.node("reshape", [d], lambda x: x.reshape(1, 64, 16, 16), None, {"shape": [1, 64, 16, 16]})
    d = g.node("cat", [d, e3], lambda *t: torch.cat(t, 1), None, {"dim": 1})
    d = G.act(g, G.convt(g, d, 32, (4, 4), (2, 2), (1, 1), (0, 0), (1, 1), 1), "relu")
    d = g.node("cat", [d, e2], lambda *t: torch.cat(t, 1), None, {"dim": 1})
    d = G.act(g, G.convt(g, d, 16, (4, 4), (2, 2), (1, 1), (0, 0), (1, 1), 1), "relu")
    d = g.node("add", [d, e1], lambda a, b: a + b)
    return [G.act(g, G.conv(g, d, 1, (3, 3), (1, 1), (1, 1), (1, 1), 1), "sigmoid")]


def vq_fast(z, codebook):
    """The usual VQ-VAE code: ||z||^2 - 2 z.c + ||c||^2 through a matmul (what torch users run)."""
    d = z.shape[1]
    flat = z.movedim(1, -1).reshape(-1, d)
    dist = (flat * flat).sum(1, keepdim=True) - 2 * flat @ codebook.t() + (codebook * codebook).sum(1)
    idx = dist.argmin(1)
    q = codebook[idx].reshape(*z.movedim(1, -1).shape).movedim(-1, 1)
    return q, idx.reshape(z.shape[0], *z.shape[2:]).float()


def vqvae_dec(g):
    z = g.input("z", [1, 64, 16, 16])
    h = G.conv(g, z, 64, (1, 1), (1, 1), (0, 0), (1, 1), 1)
    q, idx = g.node("vq", [h], vq_fast, {"codebook": g.rand(128, 64)}, None, nout=2)
    d = G.act(g, G.conv(g, q, 64, (3, 3), (1, 1), (1, 1), (1, 1), 1), "relu")
    r = G.act(g, G.conv(g, d, 64, (3, 3), (1, 1), (1, 1), (1, 1), 1), "relu")
    d = g.node("add", [d, r], lambda a, b: a + b)
    d = G.act(g, G.convt(g, d, 32, (4, 4), (2, 2), (1, 1), (0, 0), (1, 1), 1), "relu")
    d = G.act(g, G.convt(g, d, 16, (4, 4), (2, 2), (1, 1), (0, 0), (1, 1), 1), "relu")
    return [G.act(g, G.conv(g, d, 1, (3, 3), (1, 1), (1, 1), (1, 1), 1), "sigmoid")]


def main():
    torch.set_num_threads(1)
    reps = 5
    print("conditions: %s, 1 thread each, best of %d interleaved rounds (x10 runs for avloc)" % (os.uname().machine, reps))
    print("| network | avloc (ms) | torch (ms) | avloc/torch | arena B | bound B | scratch B | weights B |")
    print("|---|---|---|---|---|---|---|---|")
    for name, fn in (("U-VAE-like 2x64x64", uvae), ("VQ-VAE decoder 64x16x16", vqvae_dec)):
        g = G.Graph(1)
        outs = fn(g)
        model, _ = g.files(outs)
        with tempfile.NamedTemporaryFile(suffix=".safetensors", delete=False) as f:
            f.write(model)
            path = f.name
        env0 = {i["name"]: g.env[i["name"]] for i in g.inputs}
        best_c, best_t, info = 1e9, 1e9, None
        for _ in range(reps):
            o = subprocess.run([BIN, path, "10"], capture_output=True, text=True, check=True).stdout.split()
            best_c = min(best_c, float(o[0]))
            info = o[1:]
            with torch.no_grad():
                for _ in range(3):
                    t0 = time.perf_counter()
                    g.replay(dict(env0))
                    best_t = min(best_t, time.perf_counter() - t0)
        os.unlink(path)
        print("| %s | %.2f | %.2f | %.2f | %s | %s | %s | %s |" % (name, best_c * 1e3, best_t * 1e3, best_c / best_t, *info))


if __name__ == "__main__":
    main()
