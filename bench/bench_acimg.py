#!/usr/bin/env python3
"""Acoustic images, one thread each, processor time, best of interleaved rounds:
1. array imaging (8 x 8 array, 36 x 48 grid, 1/12 s at 16 kHz, 189 bins x 4
   sub-frames): build/bench/bench_acimg (avloc_array_power_f32) against numpy's
   strongest form of the same sum, complex64 GEMMs with a precomputed steering
   matrix per bin (OpenBLAS, one thread; 167 MB of steering vectors) plus |.|^2;
2. the U-VAE per frame (data/acimg/uvae.safetensors): build/bench/bench_nn
   (avloc_nn.h) against torch (set_num_threads(1), eval, no_grad).

    make -C bench && /usr/bin/python3 bench/bench_acimg.py [rounds]
"""
import os
import subprocess
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
sys.path.insert(0, os.path.join(ROOT, "tools"))
import acimg_uvae  # noqa: E402
from gen_goldens_array import camera_dirs  # noqa: E402


def numpy_beam(rounds):
    rng = np.random.default_rng(1)
    j, i = np.meshgrid(np.arange(8), np.arange(8))
    xyz = np.stack([(j.ravel() - 3.5) * 0.03, (i.ravel() - 3.5) * 0.03, np.zeros(64)], 1)
    dirs = camera_dirs(36, 48, 640.0, 480.0, 60.0)
    k0, nb, T = 4, 189, 4
    f = (k0 + np.arange(nb)) * 16000 / 512
    tau = -(dirs @ xyz.T) / 343.0
    S = np.exp(2j * np.pi * f[:, None, None] * tau[None]).astype(np.complex64) / 64  # K x D x M
    x = rng.standard_normal((1333, 64)).astype(np.float32)
    w = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(512) / 512)).astype(np.float32)
    best = 1e9
    for _ in range(rounds):
        t0 = time.process_time()
        X = np.stack([np.fft.rfft(w[:, None] * x[t * 256:t * 256 + 512], axis=0)[k0:k0 + nb] for t in range(T)], 2)
        Y = np.matmul(S, X.astype(np.complex64))  # K x D x T
        P = (Y.real ** 2 + Y.imag ** 2).mean(2)
        best = min(best, time.process_time() - t0)
    return best, P.shape


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    torch.set_num_threads(1)
    print("%s, %d CPU(s) shared, load %.1f; one thread each; processor time, best of %d rounds"
          % (os.uname().machine, os.cpu_count(), os.getloadavg()[0], rounds))
    c = subprocess.run([os.path.join(ROOT, "build", "bench", "bench_acimg"), str(rounds), "5"],
                       capture_output=True, text=True, check=True).stdout
    print(c)
    t_np, _ = numpy_beam(rounds)
    ms_c = float([ln for ln in c.splitlines() if ln.startswith("| delay-and-sum power")][0].split("|")[2])
    print("| numpy complex64 GEMM (precomputed steering) | %.2f ms | %.1f images/s | avloc is %.1fx faster |\n"
          % (t_np * 1e3, 1 / t_np, t_np * 1e3 / ms_c))
    w = os.path.join(ROOT, "data", "acimg", "uvae.safetensors")
    pt = w.replace(".safetensors", ".pt")
    binary = os.path.join(ROOT, "build", "bench", "bench_nn")
    if os.path.exists(w) and os.path.exists(binary):
        m = acimg_uvae.Synth(torch.zeros(12), torch.ones(12))
        if os.path.exists(pt):
            m.load_state_dict(torch.load(pt))
        m.eval()
        x = (torch.randn(1, 12, 36, 48), torch.rand(1, 3, 72, 96))
        best_c = best_t = 1e9
        for _ in range(rounds):
            o = subprocess.run([binary, w, "5"], capture_output=True, text=True, check=True).stdout.split()
            best_c = min(best_c, float(o[0]))
            with torch.no_grad():
                for _ in range(3):
                    t0 = time.process_time()
                    m(*x)
                    best_t = min(best_t, time.process_time() - t0)
        print("| U-VAE per frame | avloc %.2f ms | torch %.2f ms | avloc/torch %.2f |" % (best_c * 1e3, best_t * 1e3, best_c / best_t))


if __name__ == "__main__":
    main()
