#!/usr/bin/env python3
"""Batch-1 inference on one thread: avloc_nn.h (build/bench/bench_nn) against
torch (torch.set_num_threads(1), the same nn.Module in eval mode, no_grad), on
the papers' networks at their default widths (tools/nn_models.py) exported with
tools/avloc_export.py. Rounds interleave the two; each side reports its best
processor time (CLOCK_PROCESS_CPUTIME_ID / time.process_time: immune to the
other jobs of a shared machine).

    make -C bench nn-variants && /usr/bin/python3 bench/bench_nn.py [rounds]

build/bench/bench_nn_cblas (the same with AVLOC_USE_CBLAS, OpenBLAS on one
thread) and build/bench/bench_nn_avx2 (AVLOC_NO_AVX512: the AVX2+FMA GEMM
kernel on an AVX-512 CPU) are timed too when they exist.
"""
import os
import subprocess
import sys
import tempfile
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import avloc_export as ae  # noqa: E402
import nn_models as M  # noqa: E402

BIN = os.path.join(HERE, "..", "build", "bench", "bench_nn")
BIN_CBLAS = BIN + "_cblas"
BIN_AVX2 = BIN + "_avx2"


def nets():
    torch.manual_seed(0)
    r = torch.randn
    return [("U-VAE (paper widths; mfcc 12x36x48 + frame 3x72x96)", M.UVAE(), (r(1, 12, 36, 48), r(1, 3, 72, 96))),
            ("VQ-VAE encoder+decoder (64/128, 64 codes; 1x64x64)", M.VQVAE(), (r(1, 1, 64, 64),)),
            ("VQ-VAE decoder (latent 64x16x16)", M.VQVAEDecoder(), (r(1, 64, 16, 16),)),
            ("audio net (ResNet-18 w=64, 8 mel ch, 1x8x64x64)", M.AudioNet(), (r(1, 8, 64, 64),))]


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    torch.set_num_threads(1)
    print("%s, %d CPU(s) shared, load %.1f; 1 thread each; best of %d interleaved rounds "
          "(avloc: best of 5 runs per round, torch: best of 3), processor time" % (os.uname().machine, os.cpu_count(), os.getloadavg()[0], rounds))
    cblas = os.path.exists(BIN_CBLAS)
    avx2 = os.path.exists(BIN_AVX2)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    print("| network | avloc (ms) | torch (ms) | avloc/torch | avloc AVX2 only (ms) | /torch | avloc+OpenBLAS (ms) | /torch "
          "| arena B | liveness bound B | scratch B | weights B |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, m, x in nets():
            M.randomize_bn(m)
            m.eval()
            path = os.path.join(tmp, "m.safetensors")
            ae.export(m, x, path)
            best_c = best_t = best_b = best_a = 1e9
            info = None
            for _ in range(rounds):
                o = subprocess.run([BIN, path, "5"], capture_output=True, text=True, check=True).stdout.split()
                best_c, info = min(best_c, float(o[0])), o[1:]
                if cblas:
                    o = subprocess.run([BIN_CBLAS, path, "5"], capture_output=True, text=True, check=True, env=env).stdout.split()
                    best_b = min(best_b, float(o[0]))
                if avx2:
                    o = subprocess.run([BIN_AVX2, path, "5"], capture_output=True, text=True, check=True).stdout.split()
                    best_a = min(best_a, float(o[0]))
                with torch.no_grad():
                    for _ in range(3):
                        t0 = time.process_time()
                        m(*x)
                        best_t = min(best_t, time.process_time() - t0)
            b = ("%.2f" % (best_b * 1e3), "%.2f" % (best_b / best_t)) if cblas else ("-", "-")
            a = ("%.2f" % (best_a * 1e3), "%.2f" % (best_a / best_t)) if avx2 else ("-", "-")
            print("| %s | %.2f | %.2f | %.2f | %s | %s | %s | %s | %s | %s | %s | %s |"
                  % (name, best_c * 1e3, best_t * 1e3, best_c / best_t, *a, *b, *info))


if __name__ == "__main__":
    main()
