#!/usr/bin/python3
"""Synthetic scenes with ground-truth acoustic images (docs/acimg.md).

Each scene is one video frame (1/12 s, 1333 samples at 16 kHz) of a camera
(640 x 480 pixels, 60 degree horizontal field of view; frames rendered at
96 x 72) with 1-3 objects of three classes, each drawn with its class's
colour and shape and, when sounding, emitting its class's broadband sound:
  0 "engine": red disc, 1/f noise;   1 "hiss": green square, noise above 1 kHz;
  2 "buzz": blue diamond, a 140-190 Hz sawtooth plus noise.
Heard by (a) a planar 8 x 8 array (3 cm pitch, z = 0, centred on the camera)
with far-field delays applied exactly in the frequency domain, sensor noise
(25 dB SNR) and, in half the scenes, a floor reflection (a second plane wave
from the mirrored elevation, 0.3 gain, 2-6 ms later), and (b) one reference
microphone at the array centre (the same sources, no delay, its own noise).
Silent scenes (15 %; objects visible, nothing sounding) hold low-pass
background noise only, and their target is the flat map (the reference
microphone's MFCC tiled), as the paper's "dealing with silence".

Ground-truth acoustic images come from the C command `avloc acimg array`
(real beamforming, --frames-out with all scenes' blocks in one WAV); the
reference microphone's 12 MFCC from the same command on a one-microphone
"array" with a 1 x 1 grid (exactly what `avloc acimg synth` computes).

Output (npz): mono (n, 12), target (n, 36, 48, 12), frames (n, 72, 96, 3)
uint8, silent (n,), centres (n, k, 2) pixel centres of sounding objects
(-1 padded), classes; plus the first scenes as WAV/PPM examples with --examples.

Usage: acimg_scenes.py --avloc build/avloc --n 1800 --seed 12 -o scenes.npz [--examples DIR]
"""
import argparse
import math
import os
import subprocess
import sys
import tempfile
import wave

import numpy as np

SR = 16000
N = 1333                      # 1/12 s
W, H, HFOV = 640, 480, 60.0   # camera
FW, FH = 96, 72               # rendered frame
PITCH = 0.03
C = 343.0
COLOURS = np.array([[220, 40, 40], [40, 200, 60], [50, 80, 230]], np.uint8)


def mic_grid():
    j, i = np.meshgrid(np.arange(8), np.arange(8))
    return np.stack([(j.ravel() - 3.5) * PITCH, (i.ravel() - 3.5) * PITCH, np.zeros(64)], 1)


def pixel_dir(u, v):
    f = 0.5 * W / math.tan(math.radians(HFOV) / 2)
    d = np.array([(u - W / 2) / f, (v - H / 2) / f, 1.0])
    return d / np.linalg.norm(d)


def class_sound(cls, n, rng):
    x = rng.standard_normal(n)
    X = np.fft.rfft(x)
    f = np.fft.rfftfreq(n, 1 / SR)
    if cls == 0:
        X = X / np.sqrt(np.maximum(f, 50.0) / 50.0)
    elif cls == 1:
        X = X * (f > 1000)
    else:
        f0 = rng.uniform(140, 190)
        t = np.arange(n) / SR
        saw = 2 * ((t * f0 + rng.uniform()) % 1.0) - 1
        X = np.fft.rfft(saw) * 3 + X * 0.5
    y = np.fft.irfft(X, n)
    return y / (np.std(y) + 1e-12)


def delayed(s, taus, n_out):
    """s delayed by each tau (seconds, fractional), cropped to n_out (the
    signal is longer than n_out + max delay, so the circular wrap is cut off)."""
    L = len(s)
    S = np.fft.rfft(s)
    f = np.fft.rfftfreq(L, 1 / SR)
    ph = np.exp(-2j * np.pi * f[None, :] * np.asarray(taus)[:, None])
    return np.fft.irfft(S[None, :] * ph, L, axis=1)[:, L - n_out - 256:L - 256]


def render(objs, rng):
    img = np.zeros((FH, FW, 3), np.float32)
    g = rng.uniform(20, 90)
    img += np.linspace(g, g + rng.uniform(-30, 30), FH)[:, None, None]
    img += rng.normal(0, 6, img.shape)
    yy, xx = np.mgrid[0:FH, 0:FW] + 0.5
    for (u, v, r, cls, _snd) in objs:
        cu, cv, rr = u * FW / W, v * FH / H, r * FW / W
        if cls == 0:
            m = (xx - cu) ** 2 + (yy - cv) ** 2 <= rr ** 2
        elif cls == 1:
            m = (abs(xx - cu) <= rr * 0.85) & (abs(yy - cv) <= rr * 0.85)
        else:
            m = abs(xx - cu) + abs(yy - cv) <= rr * 1.2
        img[m] = COLOURS[cls] * rng.uniform(0.8, 1.0)
    return np.clip(img, 0, 255).astype(np.uint8)


def scene(rng, silent):
    k = rng.integers(1, 4)
    classes = rng.permutation(3)[:k]
    objs = []
    for cls in classes:
        for _ in range(50):  # no overlaps
            u, v, r = rng.uniform(80, W - 80), rng.uniform(80, H - 80), rng.uniform(45, 70)
            if all((u - o[0]) ** 2 + (v - o[1]) ** 2 > (r + o[2] + 10) ** 2 for o in objs):
                break
        objs.append([u, v, r, int(cls), False])
    if not silent:
        n_snd = rng.integers(1, min(2, k) + 1)
        for o in rng.permutation(len(objs))[:n_snd]:
            objs[o][4] = True
    xyz = mic_grid()
    L = N + 2048
    arr = np.zeros((64, N))
    ref = np.zeros(N)
    for (u, v, r, cls, snd) in objs:
        if not snd:
            continue
        s = class_sound(cls, L, rng) * rng.uniform(0.5, 1.0)
        d = pixel_dir(u, v)
        taus = -(xyz @ d) / C
        arr += delayed(s, taus, N)
        ref += delayed(s, [0.0], N)[0]
        if rng.uniform() < 0.5:  # floor reflection: mirrored elevation, later, weaker
            dm = d.copy()
            dm[1] = abs(dm[1]) + 0.35
            dm /= np.linalg.norm(dm)
            extra = rng.uniform(0.002, 0.006)
            arr += 0.3 * delayed(s, -(xyz @ dm) / C + extra, N)
            ref += 0.3 * delayed(s, [extra], N)[0]
    if silent:  # low-pass background noise, independent per microphone
        lp = lambda z: np.fft.irfft(np.fft.rfft(z) * (np.fft.rfftfreq(z.shape[-1], 1 / SR) < 800), z.shape[-1])
        arr = 0.2 * lp(rng.standard_normal((64, N)))
        ref = 0.2 * lp(rng.standard_normal(N))
    p = np.mean(arr ** 2) + 1e-12
    arr = arr + rng.standard_normal(arr.shape) * math.sqrt(p / 10 ** 2.5)
    ref = ref + rng.standard_normal(N) * math.sqrt(np.mean(ref ** 2) / 10 ** 2.5 + 1e-12)
    return objs, arr.T.astype(np.float32), ref.astype(np.float32)


def write_wav(path, x):
    """float32 frames x channels as 16-bit PCM (scaled by the caller)."""
    x = np.atleast_2d(x.T).T
    with wave.open(path, "wb") as w:
        w.setnchannels(x.shape[1])
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes(np.clip(np.round(x * 32767), -32768, 32767).astype("<i2").tobytes())


def write_ppm(path, img):
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (img.shape[1], img.shape[0]))
        f.write(img.tobytes())


def c_images(avloc, wav, geometry, grid, tmp):
    out = os.path.join(tmp, "frames.npy")
    subprocess.run([avloc, "acimg", "array", wav, "--geometry", geometry, "--grid", grid, "--fps", "12",
                    "-o", os.path.join(tmp, "img.npy"), "--frames-out", out], check=True, stdout=subprocess.DEVNULL)
    return np.load(out)


def write_geometry(path, xyz):
    with open(path, "w") as f:
        f.write("x,y,z\n")
        for p in xyz:
            f.write("%.9g,%.9g,%.9g\n" % tuple(p))


def generate(avloc, n, seed, examples=None, batch=150):
    rng = np.random.default_rng(seed)
    mono, target, frames, silent, centres = [], [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        geo, one = os.path.join(tmp, "mics.csv"), os.path.join(tmp, "one.csv")
        write_geometry(geo, mic_grid())
        write_geometry(one, np.zeros((1, 3)))
        for b0 in range(0, n, batch):
            nb = min(batch, n - b0)
            arrs, refs = [], []
            for i in range(nb):
                sil = rng.uniform() < 0.15
                objs, a, r = scene(rng, sil)
                g = 0.25 / max(np.abs(a).max(), np.abs(r).max(), 1e-9)  # one gain: 16-bit headroom
                arrs.append(a * g)
                refs.append(r * g)
                frames.append(render(objs, rng))
                silent.append(sil)
                c = [[o[0], o[1]] for o in objs if o[4]] + [[-1, -1]] * 3
                centres.append(c[:3])
                if examples and b0 + i < 4:
                    os.makedirs(examples, exist_ok=True)
                    write_wav(os.path.join(examples, "scene%d_array.wav" % (b0 + i)), a * g)
                    write_wav(os.path.join(examples, "scene%d_mono.wav" % (b0 + i)), r * g)
                    write_ppm(os.path.join(examples, "scene%d.ppm" % (b0 + i)), frames[-1])
            wa, wr = os.path.join(tmp, "a.wav"), os.path.join(tmp, "r.wav")
            write_wav(wa, np.concatenate(arrs))
            write_wav(wr, np.concatenate(refs))
            img = c_images(avloc, wa, geo, "36x48", tmp)
            mo = c_images(avloc, wr, one, "1x1", tmp)[:, 0, 0, :]
            for i in range(nb):
                mono.append(mo[i])
                target.append(np.broadcast_to(mo[i], img[i].shape) if silent[b0 + i] else img[i])
            print("scenes %d/%d" % (b0 + nb, n), file=sys.stderr)
        if examples:
            write_geometry(os.path.join(examples, "mics.csv"), mic_grid())
    return dict(mono=np.array(mono, np.float32), target=np.array(target, np.float32), frames=np.array(frames),
                silent=np.array(silent), centres=np.array(centres, np.float32))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--avloc", default="build/avloc")
    ap.add_argument("--n", type=int, default=1800)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--examples")
    ap.add_argument("-o", "--out", required=True)
    a = ap.parse_args()
    d = generate(a.avloc, a.n, a.seed, a.examples)
    np.savez_compressed(a.out, **d)
    print("wrote %s: %d scenes (%d silent)" % (a.out, len(d["mono"]), int(d["silent"].sum())))


if __name__ == "__main__":
    main()
