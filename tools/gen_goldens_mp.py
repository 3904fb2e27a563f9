"""Golden references for tests/test_mp.c (AV-MP), from numpy in float64.

Writes tests/golden/mp_whiten_in.npy (3 x 9 x 12 float32 frames) and
tests/golden/mp_whiten_out.npy: each frame filtered by the whitening filter
of Olshausen & Field, R(f) = f exp(-(f/f0)^4), f0 = 0.4 cycles/pixel,
f = sqrt(fx^2 + fy^2) from numpy.fft.fftfreq, out = real(ifft2(fft2(x) R)).
A second case with f0 = 0.15 goes to mp_whiten_out015.npy.

Usage: gen_goldens_mp.py [--check] [--out DIR]
  --check  regenerate into a temporary directory and compare with the
           committed files (exit status 1 on any mismatch).
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden_check  # noqa: E402


def whiten(frames, f0):
    t, h, w = frames.shape
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.fftfreq(w)[None, :]
    rho = np.sqrt(fx ** 2 + fy ** 2)
    filt = rho * np.exp(-(rho / f0) ** 4)
    return np.real(np.fft.ifft2(np.fft.fft2(frames, axes=(1, 2)) * filt, axes=(1, 2)))


def write_all(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(2008)
    x = rng.standard_normal((3, 9, 12)).astype(np.float32)
    x[1, 2:6, 3:9] += 2.0  # a bright block: edges to whiten
    np.save(os.path.join(out, "mp_whiten_in.npy"), x)
    np.save(os.path.join(out, "mp_whiten_out.npy"), whiten(x.astype(np.float64), 0.4))
    np.save(os.path.join(out, "mp_whiten_out015.npy"), whiten(x.astype(np.float64), 0.15))


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "golden")
    return golden_check.main("mp", write_all, out, golden_check.npy_close(1e-12, 1e-12), prefix="mp_")


if __name__ == "__main__":
    sys.exit(main())
