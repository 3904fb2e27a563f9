#!/usr/bin/python3
"""numpy peers for `avloc rpca` (issue 9), reading the same files as the CLI.

    /usr/bin/python3 tools/rpca_numpy.py av   VIDEO.y4m AUDIO.wav [--mask-out M.pgm] [--audio-out T.wav]
                                              [--map-out MAP.npy] [-K 4] [--lambda1 X --lambda2 X --lambda3 X]
                                              [--max-iter 200]
    /usr/bin/python3 tools/rpca_numpy.py ialm VIDEO.y4m AUDIO.wav [same outputs] [--modality both|video|audio]
    /usr/bin/python3 tools/rpca_numpy.py corr VIDEO.y4m AUDIO.wav [--mask-out M.pgm] [--map-out MAP.npy]

Every command prints one JSON object (iterations, final residual, seconds of the solve and in all).

av    A straight numpy rendition of the paper's Algorithm 1 (low-rank + sparse with a shared code C,
      ADMM): full numpy SVDs for the two singular value thresholdings, the paper's closed forms
      for Dv and Da (with (C C^T)^-1 through a solve), scipy.linalg.solve_sylvester for C.
      The paper's all-zero start makes C C^T singular: C starts from the K leading right
      singular vectors of the audio matrix (scaled by their singular values / sqrt(T)), Dv = Da = 0,
      and (C C^T + 1e-9 I) is solved. Both matrices are scaled to unit spectral norm;
      mu0 = 1.25, rho = 1.5, mu_max = 1e7 mu0 (the paper caps at 1e18), stop when every primal
      residual is below 1e-6 (relative to its matrix's Frobenius norm).
      Defaults: K 4, lambda1 = 1/sqrt(max(I1, T)), lambda2 = 1/sqrt(max(I2, T)), lambda3 = 0.1.
ialm  Plain robust PCA (principal component pursuit, inexact ALM of Lin, Chen & Ma 2010, with
      full LAPACK SVDs: numpy.linalg.svd) on each modality alone: the video's sparse part gives
      the map, the audio's sparse part the separated sound. lambda = 1/sqrt(max(m, n)),
      mu0 = 1.25/||D||_2, rho = 1.5, tol 1e-7 (relative Frobenius), 500 iterations at most.
corr  The correlation baseline: per pixel, the Pearson correlation over frames of the absolute
      intensity change |I_t - I_{t-1}| with the audio energy change (frame RMS of the mixture
      at the video rate, differenced in absolute value); the map is max(corr, 0). No sound output.

Shared pipeline (as the CLI's contract; the rpca helper's choices may differ in details):
video luma / 255 as V (pixels x T, column t = frame t); audio STFT (512-point periodic Hann,
hop 256, scipy.signal.stft zero-padded boundaries) magnitudes pooled (mean) to video frames:
A is 257 x T. Map = sum over frames of |sparse part| per pixel. Mask: Otsu's threshold on the
map (parameter free, the same rule for every method here). Sound: a soft mask
|Pa| / (|Pa| + |Ba|) at the video rate, held over the STFT frames of each video frame, applied
to the mixture STFT, inverse STFT, cut to the input's length, written as 16-bit 16 kHz WAV.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import scipy.linalg
import scipy.signal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rpca_scenes  # noqa: E402  (the Y4M/PGM/WAV readers and writers)

NFFT, HOP = 512, 256


# ------------------------------------------------------------ features
def load(video, audio):
    frames = rpca_scenes.read_y4m(video).astype(np.float64) / 255.0
    t, h, w = frames.shape
    with open(video, "rb") as f:
        hdr = f.readline().split()
    fps = 25.0
    for tag in hdr[1:]:
        if tag[:1] == b"F":
            num, den = tag[1:].split(b":")
            fps = float(num) / float(den)
    y = rpca_scenes.read_wav(audio)
    return frames.reshape(t, h * w).T.copy(), (h, w), fps, y


def stft(y):
    _, _, X = scipy.signal.stft(y, fs=rpca_scenes.SR, window="hann", nperseg=NFFT, noverlap=NFFT - HOP)
    return X


def frame_index(nstft, fps, nframes):
    """Video frame of each STFT frame (frame centres at k * HOP samples)."""
    return np.minimum((np.arange(nstft) * HOP / rpca_scenes.SR * fps).astype(int), nframes - 1)


def pool(X, idx, nframes):
    A = np.zeros((X.shape[0], nframes))
    cnt = np.bincount(idx, minlength=nframes).astype(np.float64)
    np.add.at(A.T, idx, np.abs(X).T)
    return A / np.maximum(cnt, 1)[None, :]


def separate(y, X, idx, Pa, Ba):
    m = np.abs(Pa) / (np.abs(Pa) + np.abs(Ba) + 1e-12)
    _, s = scipy.signal.istft(X * m[:, idx], fs=rpca_scenes.SR, window="hann", nperseg=NFFT, noverlap=NFFT - HOP)
    out = np.zeros(len(y))
    out[:min(len(y), len(s))] = s[:len(y)]
    return out


def otsu(x, bins=256):
    """Otsu's threshold of the values x (maximises the between-class variance)."""
    lo, hi = float(x.min()), float(x.max())
    if hi <= lo:
        return hi
    hist, edges = np.histogram(x, bins=bins, range=(lo, hi))
    p = hist / hist.sum()
    centres = (edges[:-1] + edges[1:]) / 2
    w0 = np.cumsum(p)
    m0 = np.cumsum(p * centres)
    mt = m0[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mt * w0 - m0) ** 2 / (w0 * (1 - w0))
    between[~np.isfinite(between)] = -1
    return edges[int(np.argmax(between)) + 1]


# ------------------------------------------------------------ operators
def shrink(x, tau):
    return np.sign(x) * np.maximum(np.abs(x) - tau, 0.0)


def svt(x, tau):
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    s = np.maximum(s - tau, 0.0)
    r = int(np.count_nonzero(s))
    return (u[:, :r] * s[:r]) @ vt[:r], r


def laplacian(t):
    """Temporal Laplacian of the frame chain (path graph)."""
    L = 2.0 * np.eye(t) - np.eye(t, k=1) - np.eye(t, k=-1)
    L[0, 0] = L[-1, -1] = 1.0
    return L


# ------------------------------------------------------------- solvers
def av_admm(V, A, K=4, lam1=None, lam2=None, lam3=0.1, max_iter=200, tol=1e-6):
    """The paper's Algorithm 1, update for update (see the module doc for the start)."""
    (I1, T), I2 = V.shape, A.shape[0]
    lam1 = lam1 or 1.0 / np.sqrt(max(I1, T))
    lam2 = lam2 or 1.0 / np.sqrt(max(I2, T))
    sv, sa = np.linalg.norm(V, 2), np.linalg.norm(A, 2)
    V, A = V / sv, A / sa
    L = laplacian(T)
    _, s, vt = np.linalg.svd(A, full_matrices=False)
    C = s[:K, None] * vt[:K] / np.sqrt(T)
    Dv, Da = np.zeros((I1, K)), np.zeros((I2, K))
    Bv, Ba, Pv, Pa = (np.zeros_like(V), np.zeros_like(A), np.zeros_like(V), np.zeros_like(A))
    Y, Z, G, F = np.zeros_like(V), np.zeros_like(A), np.zeros_like(V), np.zeros_like(A)
    mu, rho = 1.25, 1.5
    mu_max = mu * 1e7
    nv, na = np.linalg.norm(V), np.linalg.norm(A)
    it, res = 0, np.inf
    for it in range(1, max_iter + 1):
        DvC, DaC = Dv @ C, Da @ C
        Bv, _ = svt(V - DvC + Y / mu, 1.0 / mu)                     # step 4
        Ba, _ = svt(A - DaC + Z / mu, 1.0 / mu)                     # step 5
        Pv = shrink(DvC + G / mu, lam1 / mu)                        # step 6
        Pa = shrink(DaC + F / mu, lam2 / mu)                        # step 7
        CCt = C @ C.T + 1e-9 * np.eye(K)
        Rv = (V - Bv + Y / mu) + (Pv - G / mu)
        Ra = (A - Ba + Z / mu) + (Pa - F / mu)
        Dv = 0.5 * np.linalg.solve(CCt, (Rv @ C.T).T).T             # step 8
        Da = 0.5 * np.linalg.solve(CCt, (Ra @ C.T).T).T             # step 9
        # step 10: (Dv'Dv + Da'Da) C + C (lambda3/mu) L = (Dv'Rv + Da'Ra) / 2
        M = Dv.T @ Dv + Da.T @ Da
        C = scipy.linalg.solve_sylvester(M, (lam3 / mu) * L, 0.5 * (Dv.T @ Rv + Da.T @ Ra))
        DvC, DaC = Dv @ C, Da @ C
        r1, r2 = V - Bv - DvC, A - Ba - DaC
        r3, r4 = DvC - Pv, DaC - Pa
        Y += mu * r1                                                # steps 11-14
        Z += mu * r2
        G += mu * r3
        F += mu * r4
        mu = min(rho * mu, mu_max)                                  # step 15
        res = max(np.linalg.norm(r1) / nv, np.linalg.norm(r2) / na, np.linalg.norm(r3) / nv,
                  np.linalg.norm(r4) / na)
        if res < tol:
            break
    return {"Bv": Bv * sv, "Pv": Pv * sv, "Ba": Ba * sa, "Pa": Pa * sa, "iterations": it, "residual": float(res)}


def ialm(D, max_iter=500, tol=1e-7):
    """Plain RPCA by inexact ALM (Lin, Chen & Ma), full SVDs."""
    m, n = D.shape
    lam = 1.0 / np.sqrt(max(m, n))
    norm2 = np.linalg.norm(D, 2)
    Y = D / max(norm2, np.abs(D).max() / lam)
    mu, rho = 1.25 / norm2, 1.5
    mu_bar = mu * 1e7
    nd = np.linalg.norm(D)
    Lr, E = np.zeros_like(D), np.zeros_like(D)
    it, res = 0, np.inf
    for it in range(1, max_iter + 1):
        E = shrink(D - Lr + Y / mu, lam / mu)
        Lr, _ = svt(D - E + Y / mu, 1.0 / mu)
        Zr = D - Lr - E
        Y += mu * Zr
        mu = min(rho * mu, mu_bar)
        res = np.linalg.norm(Zr) / nd
        if res < tol:
            break
    return Lr, E, it, float(res)


def correlation_map(V, y, fps):
    T = V.shape[1]
    edges = (np.arange(T + 1) * rpca_scenes.SR / fps).astype(int)
    rms = np.array([np.sqrt(np.mean(y[a:b] ** 2)) if b > a else 0.0 for a, b in zip(edges[:-1], edges[1:])])
    dv = np.abs(np.diff(V, axis=1))
    da = np.abs(np.diff(rms))
    dv = dv - dv.mean(axis=1, keepdims=True)
    da = da - da.mean()
    den = np.sqrt((dv ** 2).sum(axis=1) * (da ** 2).sum()) + 1e-12
    return np.maximum(dv @ da / den, 0.0)


# ---------------------------------------------------------------- main
def write_outputs(a, shape, vmap, audio_out):
    h, w = shape
    vmap = vmap.reshape(h, w).astype(np.float32)
    if a.map_out:
        np.save(a.map_out, vmap)
    if a.mask_out:
        rpca_scenes.write_pgm(a.mask_out, np.where(vmap > otsu(vmap.ravel()), 255, 0))
    if a.audio_out and audio_out is not None:
        rpca_scenes.write_wav(a.audio_out, audio_out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("method", choices=("av", "ialm", "corr"))
    ap.add_argument("video")
    ap.add_argument("audio")
    ap.add_argument("--mask-out")
    ap.add_argument("--audio-out")
    ap.add_argument("--map-out")
    ap.add_argument("-K", type=int, default=4)
    ap.add_argument("--lambda1", type=float)
    ap.add_argument("--lambda2", type=float)
    ap.add_argument("--lambda3", type=float, default=0.1)
    ap.add_argument("--max-iter", type=int, default=200)
    ap.add_argument("--modality", choices=("both", "video", "audio"), default="both")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    V, shape, fps, y = load(a.video, a.audio)
    T = V.shape[1]
    X = stft(y)
    idx = frame_index(X.shape[1], fps, T)
    Am = pool(X, idx, T)
    t1 = time.perf_counter()
    info = {"method": a.method}
    if a.method == "av":
        r = av_admm(V, Am, a.K, a.lambda1, a.lambda2, a.lambda3, a.max_iter)
        vmap = np.abs(r["Pv"]).sum(axis=1)
        sep = separate(y, X, idx, r["Pa"], r["Ba"])
        info.update(iterations=r["iterations"], residual=r["residual"])
    elif a.method == "ialm":
        vmap, sep = np.zeros(V.shape[0]), None
        if a.modality in ("both", "video"):
            _, E, it, res = ialm(V)
            vmap = np.abs(E).sum(axis=1)
            info.update(video_iterations=it, video_residual=res)
        if a.modality in ("both", "audio"):
            La, Ea, it, res = ialm(Am)
            sep = separate(y, X, idx, Ea, La)
            info.update(audio_iterations=it, audio_residual=res)
    else:
        vmap, sep = correlation_map(V, y, fps), None
    t2 = time.perf_counter()
    write_outputs(a, shape, vmap, sep)
    info.update(seconds_solve=round(t2 - t1, 4), seconds=round(time.perf_counter() - t0, 4),
                width=shape[1], height=shape[0], frames=T, bins=int(Am.shape[0]))
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
