#!/usr/bin/python3
"""Golden references for tests/test_eval.c (examples/avloc_eval.h): BSS-eval v3
SDR/SIR/SAR by mir_eval.separation.bss_eval_sources (Debian python3-mir-eval,
512-tap distortion filters, compute_permutation=False; the row of the first
estimate depends on that estimate alone) and NSDR = SDR(estimate) - SDR(mixture).

Per case C in a, b, c (1600 samples at 16 kHz, float32):
  eval_C_refs.npy  R x n references (the target row is given in TARGETS below)
  eval_C_est.npy   n, the estimate
  eval_C_out.npy   [sdr, sir, sar] of the estimate, then of the mixture
                   (the references summed in float32, in row order), float64
a: speech (tests/data/dsp_speech16k.wav) + white noise, estimate = a 3-tap filtered target
   + 0.25 noise + a small sine (artefact); b: speech + harmonic drone (narrow band: an
   ill-conditioned Gram matrix), estimate = target + gated drone; c: three references
   (noise, speech, drone), target row 1.

Usage: gen_goldens_eval.py [--check] [--out DIR]
  --check  recompute with mir_eval into a temporary directory and compare with the
           committed files (exit status 1 on any mismatch).
"""
import os
import sys

import numpy as np
import scipy.io.wavfile
import mir_eval

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden_check  # noqa: E402  (the --check harness every gen_goldens_*.py shares)

N = 1600
TARGETS = {"a": 0, "b": 0, "c": 1}
HERE = os.path.dirname(os.path.abspath(__file__))
SPEECH = os.path.join(HERE, "..", "tests", "data", "dsp_speech16k.wav")


def inputs():
    sr, y = scipy.io.wavfile.read(SPEECH)
    speech = y[4000:4000 + N].astype(np.float64) / 32768.0
    rng = np.random.default_rng(99)
    noise = 0.1 * rng.standard_normal(N)
    t = np.arange(N) / 16000.0
    drone = 0.1 * sum(np.sin(2 * np.pi * 130.0 * (k + 1) * t + k) / (k + 1) for k in range(8))
    gate = (np.arange(N) % 400 < 200).astype(np.float64)
    art = 0.01 * np.sin(2 * np.pi * 3000.0 * t)
    cases = {
        "a": (np.array([speech, noise]), np.convolve(speech, [0.9, 0.2, -0.1])[:N] + 0.25 * noise + art),
        "b": (np.array([speech, drone]), speech + 0.4 * gate * drone),
        "c": (np.array([noise, speech, drone]), 0.8 * speech + 0.2 * noise + 0.3 * drone + art),
    }
    return {k: (r.astype(np.float32), e.astype(np.float32)) for k, (r, e) in cases.items()}


def scores(refs, est, j):
    """mir_eval's row for estimate est as source j (the other rows are fillers)."""
    ests = np.array([refs[(j + 1 + i) % len(refs)] for i in range(len(refs))], dtype=np.float64)
    ests[j] = est
    sdr, sir, sar, _ = mir_eval.separation.bss_eval_sources(refs.astype(np.float64), ests, compute_permutation=False)
    return [sdr[j], sir[j], sar[j]]


def write_all(out):
    os.makedirs(out, exist_ok=True)
    for name, (refs, est) in inputs().items():
        mix = refs[0].copy()
        for r in refs[1:]:
            mix = (mix + r).astype(np.float32)
        j = TARGETS[name]
        res = np.array(scores(refs, est, j) + scores(refs, mix, j), dtype=np.float64)
        np.save(os.path.join(out, "eval_%s_refs.npy" % name), refs)
        np.save(os.path.join(out, "eval_%s_est.npy" % name), est)
        np.save(os.path.join(out, "eval_%s_out.npy" % name), res)


def same(new_path, old_path):
    """mir_eval's outputs to 1e-9; the inputs exactly."""
    tol = 1e-9 if new_path.endswith("_out.npy") else 0.0
    return golden_check.npy_close(tol, tol)(new_path, old_path)


def main():
    return golden_check.main("eval", write_all, os.path.join(HERE, "..", "tests", "golden"), same)


if __name__ == "__main__":
    sys.exit(main())
