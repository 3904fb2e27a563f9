#!/usr/bin/python3
"""Synthetic scenes for audio -> depth / segmentation ("Estimating visual
information from audio through manifold learning", docs/depth.md).

A scene is 1 or 2 sounding objects (or none, one clip in ten: a silent clip,
background noise only) of three sound classes at random azimuths and distances in front of a
camera, heard by a small microphone ring:

  - array: 8 directional (cardioid-like, gain 0.6 + 0.4 cos) microphones on a
    5 cm ring, facing 0, 45, ..., 315 degrees in the horizontal plane; far-field
    delays (fractional, by phase shift), 1/d distance attenuation from a
    per-class level at 1 m (+-2 dB jitter), independent sensor noise and a
    diffuse low-passed background noise. The mel spectrogram only sees levels,
    so the directivity (level differences between microphones) is what carries
    azimuth, and the 1/d law what carries distance.
  - classes: 1 "tone" (harmonic complex, f0 150-600 Hz), 2 "noise" (band-pass
    noise bursts between 2 and 7.5 kHz), 3 "speech" (espeak-ng words, cached).
    Their spectra overlap little on purpose: this is easier than real scenes.
  - camera: pinhole at 1.2 m above a flat floor, 90 degree horizontal field of
    view (sources within +-28 degrees), looking along the array's 0 degree axis; the map is MAP x MAP. The
    objects are upright boxes standing on the floor (size per class), drawn
    with a z-buffer; the background is the floor (its depth per row) up to
    the horizon and a wall at MAX_DEPTH above. Depth is the z coordinate
    (metres, clipped to MAX_DEPTH); the class map is 0 background, 1..3.

Outputs (data/cache/depth/<split>.npz): mel (N, 8, N_MELS, FRAMES) log mel
spectrograms (torchaudio conventions, the same as avloc_dsp's torchaudio
preset: see MEL below), depth (N, MAP, MAP) float32 metres, seg (N, MAP, MAP)
uint8, objects (N, 3, 3) rows (class, azimuth deg, distance m), class 0 = no
object; and for the first N_WAV clips of 'test' the audio as 8-channel float
WAV files (test_%03d.wav) for the C pipeline checks.

Every clip is seeded by (seed, split, index): reproducible, and a split does
not change when another split's size does.
  /usr/bin/python3 tools/depth_scenes.py [--out data/cache/depth] [--n-train 2400]
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
from scipy.io import wavfile
from scipy.signal import resample_poly, lfilter, butter

SR = 16000
CLIP = 8000                      # 0.5 s
N_MICS = 8
RING_R = 0.05
C_SOUND = 343.0
MAP = 64
HFOV = 60.0
CAM_H = 1.2
MAX_DEPTH = 10.0
D_RANGE = (1.5, 8.0)
AZ_MAX = 28.0
# (name, level at 1 m (RMS), box width, box height in metres)
CLASSES = [None, ("tone", 0.10, 1.0, 1.0), ("noise", 0.10, 1.4, 1.4), ("speech", 0.10, 0.8, 1.8)]
MEL = dict(sample_rate=SR, n_fft=512, hop_length=256, n_mels=32, f_min=0.0, f_max=8000.0,
           power=2.0, center=True, pad_mode="reflect", norm=None, mel_scale="htk")
LN_EPS = 1e-6                     # log(mel + LN_EPS)
SPLITS = {"train": 0, "val": 1, "test": 2}
WORDS = ["hello", "seven", "window", "table", "music", "orange", "garden", "yellow", "morning", "river",
         "station", "computer", "listen", "picture", "number", "coffee"]


def mel_transform():
    import torchaudio
    return torchaudio.transforms.MelSpectrogram(**MEL)


def log_mel(audio, tf=None):
    """(..., CLIP) float -> (..., N_MELS, FRAMES) float32 natural-log mel (torchaudio)."""
    import torch
    tf = tf or mel_transform()
    with torch.no_grad():
        m = tf(torch.as_tensor(np.ascontiguousarray(audio), dtype=torch.float32))
    return torch.log(m + LN_EPS).numpy().astype(np.float32)


def speech_bank(cache):
    """espeak-ng words at 16 kHz (a few voices and speeds), cached as .npy."""
    path = os.path.join(cache, "speech_bank.npz")
    if os.path.exists(path):
        z = np.load(path)
        return [z["w%d" % i] for i in range(len(z.files))]
    bank = []
    with tempfile.TemporaryDirectory() as td:
        for i, w in enumerate(WORDS):
            for v, (voice, speed, pitch) in enumerate([("en", 150, 40), ("en+f3", 170, 60), ("en+m3", 130, 30)]):
                f = os.path.join(td, "w.wav")
                subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", f, w],
                               check=True, capture_output=True)
                sr, x = wavfile.read(f)
                x = x.astype(np.float64) / 32768.0
                x = resample_poly(x, SR, sr)
                bank.append((x / (np.sqrt(np.mean(x ** 2)) + 1e-9)).astype(np.float32))
    np.savez(path, **{"w%d" % i: b for i, b in enumerate(bank)})
    return bank


def unit_rms(x):
    return x / (np.sqrt(np.mean(x ** 2)) + 1e-12)


def source_signal(rng, cls, bank):
    """CLIP samples of one source of class cls, unit RMS."""
    t = np.arange(CLIP) / SR
    if cls == 1:
        f0 = rng.uniform(150, 600)
        x = sum(rng.uniform(0.3, 1.0) / k * np.sin(2 * np.pi * k * f0 * t * (1 + 0.01 * np.sin(2 * np.pi * 5 * t))
                                                   + rng.uniform(0, 2 * np.pi)) for k in range(1, 7))
    elif cls == 2:
        lo = rng.uniform(2000, 4000)  # above most of the tone's and speech's energy
        b, a = butter(2, [lo / (SR / 2), min(lo * rng.uniform(1.5, 3.0), 7500) / (SR / 2)], btype="band")
        x = lfilter(b, a, rng.standard_normal(CLIP))
        rate = rng.uniform(3, 10)
        x *= 0.6 + 0.4 * np.sign(np.sin(2 * np.pi * rate * t + rng.uniform(0, 2 * np.pi)))
    else:
        x = np.zeros(CLIP)
        pos = 0
        while pos < CLIP:  # words back to back with short gaps
            w = bank[rng.integers(len(bank))]
            n = min(len(w), CLIP - pos)
            x[pos:pos + n] = w[:n]
            pos += n + int(rng.uniform(0.02, 0.08) * SR)
    return unit_rms(x)


def mic_dirs():
    return np.deg2rad(np.arange(N_MICS) * 360.0 / N_MICS)


def render_audio(rng, objects, bank):
    """objects: list of (class, az deg, dist m) -> (N_MICS, CLIP) float32."""
    phi = mic_dirs()
    freqs = np.fft.rfftfreq(CLIP, 1.0 / SR)
    out = np.zeros((N_MICS, CLIP))
    for cls, az, d in objects:
        s = source_signal(rng, cls, bank) * CLASSES[cls][1] * 10 ** (rng.uniform(-2, 2) / 20) / d
        S = np.fft.rfft(s)
        th = np.deg2rad(az)
        for k in range(N_MICS):
            gain = 0.6 + 0.4 * np.cos(th - phi[k])
            tau = -RING_R * np.cos(th - phi[k]) / C_SOUND  # mic facing the source hears it first
            out[k] += gain * np.fft.irfft(S * np.exp(-2j * np.pi * freqs * tau), CLIP)
    b, a = butter(1, 1000 / (SR / 2))
    amb = lfilter(b, a, rng.standard_normal((N_MICS, CLIP)), axis=1)
    out += 0.004 * unit_rms(amb) * rng.uniform(0.5, 1.5) + 0.001 * rng.standard_normal((N_MICS, CLIP))
    return out.astype(np.float32)


def background():
    """Depth of the empty scene: floor below the horizon, a wall at MAX_DEPTH above."""
    f = (MAP / 2) / np.tan(np.deg2rad(HFOV / 2))
    rows = np.arange(MAP) + 0.5 - MAP / 2
    z = np.where(rows > 0, f * CAM_H / np.maximum(rows, 1e-9), MAX_DEPTH)
    return np.repeat(np.minimum(z, MAX_DEPTH)[:, None], MAP, axis=1).astype(np.float32), f


def render_maps(objects):
    depth, f = background()
    seg = np.zeros((MAP, MAP), np.uint8)
    for cls, az, d in objects:
        _, _, w, h = CLASSES[cls]
        x, z = d * np.sin(np.deg2rad(az)), d * np.cos(np.deg2rad(az))
        u0, u1 = MAP / 2 + f * (x - w / 2) / z, MAP / 2 + f * (x + w / 2) / z
        v0, v1 = MAP / 2 - f * (h - CAM_H) / z, MAP / 2 + f * CAM_H / z
        c0, c1 = int(np.clip(np.round(u0), 0, MAP)), int(np.clip(np.round(u1), 0, MAP))
        r0, r1 = int(np.clip(np.round(v0), 0, MAP)), int(np.clip(np.round(v1), 0, MAP))
        blk = depth[r0:r1, c0:c1]
        near = z < blk
        blk[near] = z
        seg[r0:r1, c0:c1][near] = cls
    return depth, seg


def scene(seed, split, i, bank):
    rng = np.random.default_rng([seed, SPLITS[split], i])
    n = int(rng.choice(3, p=[0.1, 0.5, 0.4]))
    objects = [(int(rng.integers(1, 4)), float(rng.uniform(-AZ_MAX, AZ_MAX)), float(rng.uniform(*D_RANGE)))
               for _ in range(n)]
    audio = render_audio(rng, objects, bank)
    depth, seg = render_maps(objects)
    return audio, depth, seg, objects


def make_split(seed, split, n, bank, out, n_wav=0):
    tf = mel_transform()
    mel = np.zeros((n, N_MICS, MEL["n_mels"], CLIP // MEL["hop_length"] + 1), np.float32)
    depth = np.zeros((n, MAP, MAP), np.float32)
    seg = np.zeros((n, MAP, MAP), np.uint8)
    objs = np.zeros((n, 3, 3), np.float32)
    for i in range(n):
        a, depth[i], seg[i], ob = scene(seed, split, i, bank)
        mel[i] = log_mel(a, tf)
        for j, o in enumerate(ob):
            objs[i, j] = o
        if i < n_wav:
            wavfile.write(os.path.join(out, "%s_%03d.wav" % (split, i)), SR, a.T.copy())
    np.savez_compressed(os.path.join(out, split + ".npz"), mel=mel, depth=depth, seg=seg, objects=objs)
    return mel.shape


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="data/cache/depth")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--n-train", type=int, default=6000)
    ap.add_argument("--n-val", type=int, default=200)
    ap.add_argument("--n-test", type=int, default=400)
    ap.add_argument("--n-wav", type=int, default=24, help="test clips also written as WAV")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    bank = speech_bank(args.out)
    for split, n in (("train", args.n_train), ("val", args.n_val), ("test", args.n_test)):
        shape = make_split(args.seed, split, n, bank, args.out, args.n_wav if split == "test" else 0)
        print("%s: mel %s" % (split, shape))
    return 0


if __name__ == "__main__":
    sys.exit(main())
