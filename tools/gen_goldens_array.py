"""Golden references for tests/test_array.c (microphone-array imaging), an
independent numpy/torchaudio rendition in float64 of avloc_dsp.h's array part.

Definitions (docs/acimg.md): camera grid cell (i, j) looks through the centre
of its pixel block, ray ((u - W/2)/f, (v - H/2)/f, 1), f = (W/2)/tan(hfov/2);
a far-field wave from unit direction d reaches microphone m at
tau_m = -(p_m . d)/c. Per sub-frame t (no centring, periodic hann):
X_m(k, t) = rfft(w x_m[t hop : t hop + n_fft]); for the bins of [fmin, fmax],
Y_d(k, t) = sum_m G_m(k) X_m(k, t) exp(+2 pi i k sr/n_fft tau_m(d)),
G = 1/M (or given filters; PHAT: X / |X| first); P_d(k) = mean_t |Y|^2.
MFCC image: full-bin P -> torchaudio melscale_fbanks (HTK, Slaney norm) ->
ln(max(., 1e-10)) -> scipy DCT-II ortho, c1..c12. Energy: IDCT-ortho of
(0, c1..c12) zero-padded to n_mels, exp, sum, reciprocal.

Every value here is computed with explicit complex exponentials (no phasor
recurrence), so the C recurrence and its seeds are checked.

The U-VAE pipeline golden (acimg_synth_demo.npy, for tests/test_cli.c's
`avloc acimg synth` check; cells (2i, 2j) only): the demo clip's mono MFCC as above with the
command's configuration (1333-sample blocks, n_fft 512, hop 256, 100-6000 Hz,
40 mels, one microphone), tiled, and data/acimg/uvae.safetensors run by the
exporter's float64 numpy interpreter (avloc_export.run_file) on it and the
demo frame: independent of avloc_nn.h and of the C MFCC.

Usage: gen_goldens_array.py [--check] [--out DIR]
"""
import math
import os
import sys

import numpy as np
import scipy.fft
import torch
import torchaudio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden_check  # noqa: E402  (the --check harness every gen_goldens_*.py shares)

SR = 16000.0
C = 343.0
N_FFT, HOP, FRAME = 256, 128, 640
FMIN, FMAX = 200.0, 5000.0
N_MELS, N_MFCC = 24, 12
ROWS, COLS, WIDTH, HEIGHT, HFOV = 4, 5, 320.0, 240.0, 70.0


def camera_dirs(rows, cols, width, height, hfov):
    f = 0.5 * width / math.tan(0.5 * math.radians(hfov))
    j, i = np.meshgrid(np.arange(cols), np.arange(rows))
    u = (j + 0.5) * width / cols
    v = (i + 0.5) * height / rows
    d = np.stack([(u - width / 2) / f, (v - height / 2) / f, np.ones_like(u, dtype=float)], -1).reshape(-1, 3)
    return d / np.linalg.norm(d, axis=1, keepdims=True)


def band(n_fft, sr, fmin, fmax):
    k0 = math.ceil(fmin * n_fft / sr)
    k1 = min(math.floor(fmax * n_fft / sr), n_fft // 2)
    return k0, k1 - k0 + 1


def beam_power(x, xyz, dirs, phat=False, filters=None):
    """x: frame x M interleaved; returns P (D x n_band)."""
    M = xyz.shape[0]
    k0, nb = band(N_FFT, SR, FMIN, FMAX)
    T = 1 + (x.shape[0] - N_FFT) // HOP
    n = np.arange(N_FFT)
    w = 0.5 - 0.5 * np.cos(2 * np.pi * n / N_FFT)
    X = np.stack([np.fft.rfft(w[:, None] * x[t * HOP:t * HOP + N_FFT].astype(np.float64), axis=0)
                  for t in range(T)])[:, k0:k0 + nb, :]  # T x K x M
    if phat:
        mag = np.abs(X)
        X = np.where(mag > 1e-20, X / np.maximum(mag, 1e-300), 0)
    G = np.full((M, nb), 1.0 / M) if filters is None else filters
    X = X * G.T[None]
    tau = -(dirs @ xyz.T) / C  # D x M
    f = (k0 + np.arange(nb)) * SR / N_FFT
    steer = np.exp(2j * np.pi * f[None, :, None] * tau[:, None, :])  # D x K x M
    Y = np.einsum("dkm,tkm->dkt", steer, X)
    return np.mean(np.abs(Y) ** 2, axis=2)


def mfcc_image(P):
    k0, nb = band(N_FFT, SR, FMIN, FMAX)
    full = np.zeros((P.shape[0], N_FFT // 2 + 1))
    full[:, k0:k0 + nb] = P
    fb = torchaudio.functional.melscale_fbanks(N_FFT // 2 + 1, FMIN, FMAX, N_MELS, int(SR), "slaney", "htk")
    mel = full @ fb.double().numpy()
    lm = np.log(np.maximum(mel, 1e-10))
    return scipy.fft.dct(lm, type=2, norm="ortho", axis=1)[:, 1:N_MFCC + 1]


def energy(img, n_mels=N_MELS):
    c = np.zeros((img.shape[0], n_mels))
    c[:, 1:img.shape[1] + 1] = img
    lm = scipy.fft.idct(c, type=2, norm="ortho", axis=1)
    return 1.0 / np.exp(lm).sum(axis=1)


def read_wav16(path):
    import wave
    with wave.open(path, "rb") as w:
        return np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float64) / 32768.0


def mono_mfcc(x, sr=16000.0, frame=1333, n_fft=512, hop=256, fmin=100.0, fmax=6000.0, n_mels=40):
    """The clip's 12 MFCC as `avloc acimg synth` computes them (blocks of
    `frame` samples, power averaged over all their sub-frames)."""
    w = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)
    k0, k1 = math.ceil(fmin * n_fft / sr), min(math.floor(fmax * n_fft / sr), n_fft // 2)
    P = []
    for b in range(len(x) // frame):
        blk = x[b * frame:(b + 1) * frame]
        T = 1 + (frame - n_fft) // hop
        P.append(np.mean([np.abs(np.fft.rfft(w * blk[t * hop:t * hop + n_fft])) ** 2 for t in range(T)], 0))
    full = np.mean(P, 0)
    full[:k0] = 0
    full[k1 + 1:] = 0
    fb = torchaudio.functional.melscale_fbanks(n_fft // 2 + 1, fmin, fmax, n_mels, int(sr), "slaney", "htk")
    lm = np.log(np.maximum(full @ fb.double().numpy(), 1e-10))
    return scipy.fft.dct(lm, type=2, norm="ortho")[1:13]


def synth_golden(out, root):
    sys.path.insert(0, os.path.join(root, "tools"))
    import avloc_export
    d = os.path.join(root, "data", "acimg")
    m = mono_mfcc(read_wav16(os.path.join(d, "demo_mono.wav")))
    with open(os.path.join(d, "demo.ppm"), "rb") as f:
        raw = f.read()
    frame = np.frombuffer(raw[-72 * 96 * 3:], np.uint8).reshape(72, 96, 3)
    x = np.broadcast_to(m[None, :, None, None], (1, 12, 36, 48)).astype(np.float32)
    fr = (frame.transpose(2, 0, 1)[None] / 255.0).astype(np.float32)
    y = avloc_export.run_file(os.path.join(d, "uvae.safetensors"), [x, fr])[0][0]
    img = y.transpose(1, 2, 0)[::2, ::2]  # every other row and column: a quarter of the bytes
    np.save(os.path.join(out, "acimg_synth_demo.npy"), np.ascontiguousarray(img).astype(np.float32))


def write_all(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(1212)
    M = 6
    xyz = rng.uniform(-0.15, 0.15, (M, 3))
    xyz[:, 2] *= 0.3
    x = rng.standard_normal((FRAME, M))
    x[:, 2] *= 0.5  # unequal levels: the 1/M weights and PHAT differ
    x = x.astype(np.float32)
    dirs = camera_dirs(ROWS, COLS, WIDTH, HEIGHT, HFOV)
    np.save(os.path.join(out, "array_xyz.npy"), xyz.astype(np.float32))
    np.save(os.path.join(out, "array_x.npy"), x)
    np.save(os.path.join(out, "array_dirs.npy"), dirs)
    P = beam_power(x, xyz.astype(np.float32).astype(np.float64), dirs)
    np.save(os.path.join(out, "array_power.npy"), P)
    np.save(os.path.join(out, "array_power_phat.npy"),
            beam_power(x, xyz.astype(np.float32).astype(np.float64), dirs, phat=True))
    k0, nb = band(N_FFT, SR, FMIN, FMAX)
    filt = (rng.standard_normal((M, nb)) + 1j * rng.standard_normal((M, nb))).astype(np.complex64)
    np.save(os.path.join(out, "array_filters.npy"), np.stack([filt.real, filt.imag], -1))
    np.save(os.path.join(out, "array_power_filt.npy"),
            beam_power(x, xyz.astype(np.float32).astype(np.float64), dirs, filters=filt.astype(np.complex128)))
    # explicit directions (not a camera): a random set, some behind the array
    gd = rng.standard_normal((ROWS * COLS, 3)).astype(np.float32)
    np.save(os.path.join(out, "array_given_dirs.npy"), gd)
    gdn = gd.astype(np.float64) / np.linalg.norm(gd.astype(np.float64), axis=1, keepdims=True)
    np.save(os.path.join(out, "array_power_given.npy"), beam_power(x, xyz.astype(np.float32).astype(np.float64), gdn))
    img = mfcc_image(P)
    np.save(os.path.join(out, "array_mfcc.npy"), img)
    np.save(os.path.join(out, "array_energy.npy"), energy(img))
    synth_golden(out, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def main():
    torch.set_num_threads(1)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "golden")
    return golden_check.main("array", write_all, out, golden_check.npy_close(1e-9, 1e-12))


if __name__ == "__main__":
    sys.exit(main())
