#!/usr/bin/python3
"""Audio-visual scenes with known ground truth for avloc_rpca (issue 9).

    /usr/bin/python3 tools/rpca_scenes.py scene --out DIR --seed 1000 [--size 64x64 --frames 300 --fps 25
                                                 --kind mouth|instrument --interferer drone|speech|noise
                                                 --distractors 1|2 --chroma mono|420 --snr 0]
    /usr/bin/python3 tools/rpca_scenes.py set --out DIR --split test --count 5 [same flags]
    /usr/bin/python3 tools/rpca_scenes.py check DIR [DIR ...]   # a scene's invariants (exit 1 if broken)

One scene directory holds
    video.y4m       grey video, `C mono` (default) or 4:2:0 (C420jpeg, neutral chroma); both play in ffmpeg
    mixture.wav     16 kHz mono 16-bit PCM: target + interferer (the input of `avloc rpca`)
    target.wav      the clean target (the sounding object's sound), same length
    interferer.wav  the interferer alone; mixture = target + interferer up to 16-bit rounding
    mask.pgm        P5, the video's size, 255 = sounding pixels (see "ground truth" below)
    scene.json      the parameters, the target's bounding box, the distractors, the measured SNR

Seeds: a scene is a pure function of its seed and flags (numpy default_rng(seed); espeak-ng's
output depends on its build). Split convention: **train seeds 0-999, test seeds 1000-1999**
(`set --split train|test` numbers scenes from 0 or 1000). With `set`, the kind alternates by seed
(even: mouth, odd: instrument) and the interferer cycles drone, noise, speech unless forced.

The picture (values in [0, 1]): a textured static background (smoothed noise at two scales plus
stripes) under a lighting drift that is low rank by construction (a global gain and a moving
horizontal gradient: rank <= 3 over time), plus a small sensor noise (sigma 0.005).
- mouth: a static face disc; the mouth is an ellipse whose height follows the speech envelope
  (RMS per video frame, normalised by its 95th percentile, clipped to [0, 1]); dark inside, lips around.
- instrument: a mallet (bar) above a plate; it is displaced downwards at each note onset and springs
  back with the note's decay; the sound is plucked harmonic notes (random pitch, random onsets).
- distractors: 1 or 2 textured discs moving on smooth Lissajous paths that never enter the target's
  region (with a margin), silent.
Ground truth: mask = pixels where the sounding object's rendering differs from its rest state
(mouth closed / mallet at rest) by more than 0.02 in some frame, i.e. the pixels the sound moves.

Sound: target (espeak-ng speech for mouth, notes for instrument) and interferer
(drone: harmonic tone 90-250 Hz with slow tremolo and vibrato; speech: another voice and text;
noise: white Gaussian) scaled so that ||interferer||^2 = ||target||^2 * 10^(-snr/10) (0 dB default),
then both by one gain so the mixture peaks at 0.9.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import scipy.io.wavfile
import scipy.ndimage
import scipy.signal

SR = 16000
TRAIN_SEEDS = (0, 999)
TEST_SEEDS = (1000, 1999)
WORDS = ("the quick brown fox jumps over a lazy dog while seven bright yellow birds sing near "
         "the river bank and one old man reads his paper under a tall green tree today we "
         "will measure sound and light in the small room with four open windows").split()
VOICES = ("en", "en-us", "en+m3", "en+f2", "en+m1", "en+f3")


# ------------------------------------------------------------------ sound
def espeak(text, voice, speed, pitch):
    """espeak-ng speech at 16 kHz (float64, its own level)."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "s.wav")
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", path, text],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sr, y = scipy.io.wavfile.read(path)
    y = y.astype(np.float64) / 32768.0
    if y.ndim > 1:
        y = y[:, 0]
    if sr != SR:
        g = np.gcd(sr, SR)
        y = scipy.signal.resample_poly(y, SR // g, sr // g)
    return y


def speech_track(rng, n):
    """Phrases with pauses until n samples are filled (one voice per track)."""
    voice = VOICES[rng.integers(len(VOICES))]
    speed, pitch = int(rng.integers(130, 190)), int(rng.integers(30, 70))
    out = np.zeros(n)
    pos = int(rng.integers(0, SR // 4))
    while pos < n:
        text = " ".join(rng.choice(WORDS, size=int(rng.integers(3, 8))))
        y = espeak(text, voice, speed, pitch)
        nz = np.nonzero(np.abs(y) > 1e-3)[0]
        if nz.size:
            y = y[nz[0]:nz[-1] + 1]
        m = min(len(y), n - pos)
        out[pos:pos + m] = y[:m]
        pos += len(y) + int(rng.integers(SR // 5, SR * 3 // 4))
    return out, {"voice": voice, "speed": speed, "pitch": pitch}


def notes_track(rng, n):
    """Plucked harmonic notes at random onsets; returns the sound and the onsets (samples)."""
    out = np.zeros(n)
    onsets = []
    pos = int(rng.integers(SR // 10, SR // 2))
    tau = 0.12 + 0.08 * rng.random()  # decay time (s), also the mallet's spring-back
    while pos < n - SR // 20:
        f0 = 220.0 * 2.0 ** (rng.integers(0, 15) / 12.0)
        m = min(n - pos, int(6 * tau * SR))
        t = np.arange(m) / SR
        note = sum((0.7 ** k) * np.sin(2 * np.pi * f0 * (k + 1) * t + rng.random() * 6.28) for k in range(6))
        out[pos:pos + m] += np.exp(-t / tau) * note
        onsets.append(pos)
        pos += int(SR * (0.2 + 0.6 * rng.random()))
        if rng.random() < 0.2:
            pos += int(SR * rng.random())  # a rest
    return out, onsets, tau


def drone_track(rng, n):
    f0 = 90.0 + 160.0 * rng.random()
    t = np.arange(n) / SR
    vib = 1.0 + 0.004 * np.sin(2 * np.pi * 5.0 * t)
    phase = 2 * np.pi * f0 * np.cumsum(vib) / SR
    trem = 1.0 + 0.3 * np.sin(2 * np.pi * (0.2 + 0.3 * rng.random()) * t + rng.random() * 6.28)
    y = trem * sum(np.sin((k + 1) * phase + rng.random() * 6.28) / (k + 1) for k in range(12))
    return y, {"f0": round(f0, 2)}


def interferer_track(rng, kind, n):
    if kind == "drone":
        return drone_track(rng, n)
    if kind == "noise":
        return rng.standard_normal(n), {}
    if kind == "speech":
        return speech_track(rng, n)
    raise ValueError(kind)


def frame_envelope(y, frames, fps):
    """RMS of y over each video frame's samples, normalised to [0, 1] (95th percentile -> 1)."""
    edges = (np.arange(frames + 1) * SR / fps).astype(int)
    rms = np.array([np.sqrt(np.mean(y[a:b] ** 2)) if b > a else 0.0 for a, b in zip(edges[:-1], edges[1:])])
    ref = np.percentile(rms, 95)
    return np.clip(rms / ref, 0.0, 1.0) if ref > 0 else rms


# ---------------------------------------------------------------- picture
def background(rng, h, w, frames):
    """Static texture times a low-rank lighting drift: frames x h x w."""
    tex = 0.6 * scipy.ndimage.gaussian_filter(rng.standard_normal((h, w)), 4.0)
    tex += 0.25 * scipy.ndimage.gaussian_filter(rng.standard_normal((h, w)), 1.0)
    yy, xx = np.mgrid[0:h, 0:w]
    tex += 0.05 * np.sin(2 * np.pi * (xx * np.cos(rng.random() * 3) + yy * np.sin(rng.random() * 3)) / 9.0)
    tex = 0.5 + 0.25 * tex / (np.abs(tex).max() + 1e-12)
    t = np.arange(frames)
    gain = 1.0 + 0.12 * np.sin(2 * np.pi * t / (frames * (0.6 + 0.8 * rng.random())) + rng.random() * 6.28)
    slope = 0.06 * np.sin(2 * np.pi * t / (frames * (0.8 + rng.random())))
    grad = (xx / max(w - 1, 1) - 0.5)
    return gain[:, None, None] * tex[None] + slope[:, None, None] * grad[None]


def ellipse(h, w, cy, cx, ry, rx):
    yy, xx = np.mgrid[0:h, 0:w]
    return ((yy - cy) / max(ry, 1e-6)) ** 2 + ((xx - cx) / max(rx, 1e-6)) ** 2 <= 1.0


def mouth_layers(h, w, box, env):
    """Static face + a mouth opening with env: returns (static layer, per-frame layers)."""
    y0, x0, y1, x1 = box
    cy, cx = (y0 + y1) / 2.0, (x0 + x1) / 2.0
    r = min(y1 - y0, x1 - x0) / 2.0
    face = ellipse(h, w, cy, cx, r, r * 0.85)
    my, mw = cy + 0.45 * r, 0.45 * r
    frames = []
    for e in env:
        open_h = 0.28 * r * e  # half-height in pixels; closed (rest) = the lips alone
        lips = ellipse(h, w, my, cx, open_h + 1.2, mw + 1.2)
        hole = ellipse(h, w, my, cx, open_h, mw) if open_h > 0.3 else np.zeros((h, w), bool)
        frames.append((lips, hole))
    return face, frames


def render_mouth(base, face, layers):
    out = base.copy()
    for f, (lips, hole) in enumerate(layers):
        out[f][face] = 0.78
        out[f][lips] = 0.42
        out[f][hole] = 0.08
    return out


def render_instrument(base, box, disp):
    """Plate at the bottom of box, a mallet bar displaced by disp (0 rest .. 1 struck)."""
    h, w = base.shape[1:]
    y0, x0, y1, x1 = box
    out = base.copy()
    bh = max(2, (y1 - y0) // 6)
    out[:, y1 - bh:y1, x0:x1] = 0.15  # plate (static)
    travel = (y1 - y0) - 3 * bh
    mw = max(3, (x1 - x0) // 3)
    mx0 = x0 + (x1 - x0 - mw) // 2
    for f, d in enumerate(disp):
        top = y0 + int(round(d * travel))
        out[f, top:top + 2 * bh, mx0:mx0 + mw] = 0.92
        out[f, top + bh // 2:top + bh // 2 + 1, mx0:mx0 + mw] = 0.6  # a stripe: texture on the mallet
    return out


def add_distractors(rng, vid, box, count, margin, fps):
    """Silent textured discs on Lissajous paths kept out of the target box (+ margin)."""
    frames, h, w = vid.shape
    y0, x0, y1, x1 = box
    # the free strip: the half of the picture the target is not in
    left = (x0 + x1) / 2.0 > w / 2.0
    fx0, fx1 = (0, max(x0 - margin, 1)) if left else (min(x1 + margin, w - 1), w)
    info = []
    for k in range(count):
        r = max(2.0, min(h, w) / 12.0 * (0.8 + 0.4 * rng.random()))
        cx0, cx1 = fx0 + r, fx1 - r
        cy0, cy1 = r + k * (h / count), (k + 1) * (h / count) - r
        if cx1 <= cx0 or cy1 <= cy0:
            continue
        wx, wy = 2 * np.pi * (0.3 + 0.9 * rng.random()), 2 * np.pi * (0.2 + 0.7 * rng.random())
        px, py = rng.random() * 6.28, rng.random() * 6.28
        shade = 0.1 + 0.8 * rng.random()
        t = np.arange(frames) / float(fps)
        cxs = cx0 + (cx1 - cx0) * (0.5 + 0.5 * np.sin(wx * t + px))
        cys = cy0 + (cy1 - cy0) * (0.5 + 0.5 * np.sin(wy * t + py))
        yy, xx = np.mgrid[0:h, 0:w]
        for f in range(frames):
            d2 = (yy - cys[f]) ** 2 + (xx - cxs[f]) ** 2
            m = d2 <= r * r
            vid[f][m] = shade + 0.12 * np.sin((xx[m] - cxs[f]) * 1.3)
        info.append({"radius": round(r, 2), "shade": round(shade, 3),
                     "x_range": [round(cx0, 1), round(cx1, 1)], "y_range": [round(cy0, 1), round(cy1, 1)]})
    return info


# ----------------------------------------------------------------- writers
def write_y4m(path, frames, fps, chroma):
    """frames: T x h x w in [0, 1]. chroma 'mono' (C mono) or '420' (C420jpeg, U = V = 128)."""
    t, h, w = frames.shape
    y8 = np.clip(np.rint(frames * 255.0), 0, 255).astype(np.uint8)
    tag = "Cmono" if chroma == "mono" else "C420jpeg"
    cplane = np.full(2 * ((w + 1) // 2) * ((h + 1) // 2), 128, np.uint8).tobytes()
    with open(path, "wb") as f:
        f.write(("YUV4MPEG2 W%d H%d F%d:1 Ip A1:1 %s\n" % (w, h, fps, tag)).encode())
        for k in range(t):
            f.write(b"FRAME\n")
            f.write(y8[k].tobytes())
            if chroma != "mono":
                f.write(cplane)


def write_pgm(path, img):
    h, w = img.shape
    with open(path, "wb") as f:
        f.write(b"P5\n%d %d\n255\n" % (w, h))
        f.write(img.astype(np.uint8).tobytes())


def read_pgm(path):
    with open(path, "rb") as f:
        data = f.read()
    parts = data.split(maxsplit=4)
    assert parts[0] == b"P5" and int(parts[3]) == 255
    w, h = int(parts[1]), int(parts[2])
    return np.frombuffer(data[-w * h:], np.uint8).reshape(h, w)


def read_y4m(path):
    """Luma frames (T x h x w, uint8) of a Y4M written by write_y4m or any 8-bit mono/420 file."""
    with open(path, "rb") as f:
        data = f.read()
    nl = data.index(b"\n")
    tags = data[:nl].split()[1:]
    d = {t[:1]: t[1:].decode() for t in tags}
    w, h = int(d[b"W"]), int(d[b"H"])
    c = d.get(b"C", "420jpeg")
    csz = 0 if c == "mono" else 2 * ((w + 1) // 2) * ((h + 1) // 2)
    pos, out = nl + 1, []
    while pos < len(data):
        e = data.index(b"\n", pos)
        assert data[pos:pos + 5] == b"FRAME"
        pos = e + 1
        out.append(np.frombuffer(data[pos:pos + w * h], np.uint8).reshape(h, w))
        pos += w * h + csz
    return np.array(out)


def write_wav(path, y):
    scipy.io.wavfile.write(path, SR, np.clip(np.rint(y * 32767.0), -32768, 32767).astype(np.int16))


def read_wav(path):
    sr, y = scipy.io.wavfile.read(path)
    assert sr == SR, path
    y = y.astype(np.float64)
    return y / 32768.0 if y.dtype != np.float64 or np.abs(y).max() > 1.5 else y


# ------------------------------------------------------------------- scene
def make_scene(out, seed, size=(64, 64), frames=300, fps=25, kind="mouth", interferer="drone",
               distractors=2, chroma="mono", snr=0.0):
    w, h = size
    rng = np.random.default_rng(seed)
    n = int(round(frames * SR / fps))
    # target box: about a third of the smaller side, in the left or right half
    side = max(8, int(round(min(h, w) * 0.36)))
    right = rng.random() < 0.5
    bx0 = int(w - side - 2 - rng.integers(0, max(1, w // 2 - side - 3))) if right else int(2 + rng.integers(0, max(1, w // 2 - side - 3)))
    by0 = int(rng.integers(2, max(3, h - side - 2)))
    box = (by0, bx0, by0 + side, bx0 + side)

    base = background(rng, h, w, frames)
    if kind == "mouth":
        target, tinfo = speech_track(rng, n)
        env = frame_envelope(target, frames, fps)
        face, layers = mouth_layers(h, w, box, env)
        vid = render_mouth(base, face, layers)
        rest = render_mouth(base, face, mouth_layers(h, w, box, np.zeros(frames))[1])
        drive = env
    elif kind == "instrument":
        target, onsets, tau = notes_track(rng, n)
        t = np.arange(frames) / fps
        disp = np.zeros(frames)
        for o in onsets:
            dt = t - o / SR
            disp = np.maximum(disp, np.where(dt >= 0, np.exp(-np.maximum(dt, 0) / tau), 0.0))
        vid = render_instrument(base, box, disp)
        rest = render_instrument(base, box, np.zeros(frames))
        tinfo = {"onsets_s": [round(o / SR, 3) for o in onsets], "tau_s": round(tau, 3)}
        drive = disp
    else:
        raise ValueError(kind)
    # ground truth: where the sounding object ever differs from its rest state
    mask = (np.abs(vid - rest) > 0.02).any(axis=0)
    dinfo = add_distractors(rng, vid, box, distractors, margin=max(2, side // 6), fps=fps)
    vid += 0.005 * rng.standard_normal(vid.shape)
    vid = np.clip(vid, 0.0, 1.0)

    inter, iinfo = interferer_track(rng, interferer, n)
    et, ei = np.sum(target ** 2), np.sum(inter ** 2)
    inter *= np.sqrt(et / ei * 10.0 ** (-snr / 10.0))
    mix = target + inter
    g = 0.9 / np.abs(mix).max()
    target, inter, mix = target * g, inter * g, mix * g

    os.makedirs(out, exist_ok=True)
    write_y4m(os.path.join(out, "video.y4m"), vid, fps, chroma)
    write_wav(os.path.join(out, "mixture.wav"), mix)
    write_wav(os.path.join(out, "target.wav"), target)
    write_wav(os.path.join(out, "interferer.wav"), inter)
    write_pgm(os.path.join(out, "mask.pgm"), np.where(mask, 255, 0))
    meta = {
        "seed": seed, "split": "train" if seed <= TRAIN_SEEDS[1] else "test",
        "width": w, "height": h, "frames": frames, "fps": fps, "chroma": chroma,
        "sample_rate": SR, "samples": n, "kind": kind, "interferer": interferer,
        "snr_db": round(10 * np.log10(np.sum(target ** 2) / np.sum(inter ** 2)), 3),
        "target_box_yxyx": list(box), "mask_pixels": int(mask.sum()),
        "drive_mean": round(float(np.mean(drive)), 4), "target": tinfo, "interferer_info": iinfo,
        "distractors": dinfo,
    }
    with open(os.path.join(out, "scene.json"), "w") as f:
        json.dump(meta, f, indent=1)
    return meta


def check_scene(d):
    """The invariants a scene promises; returns a list of broken ones."""
    bad = []
    with open(os.path.join(d, "scene.json")) as f:
        meta = json.load(f)
    v = read_y4m(os.path.join(d, "video.y4m"))
    m = read_pgm(os.path.join(d, "mask.pgm"))
    t, i, x = (read_wav(os.path.join(d, n + ".wav")) for n in ("target", "interferer", "mixture"))
    if v.shape != (meta["frames"], meta["height"], meta["width"]):
        bad.append("video shape %s" % (v.shape,))
    if m.shape != (meta["height"], meta["width"]) or set(np.unique(m)) - {0, 255}:
        bad.append("mask not binary or wrong size")
    if int((m == 255).sum()) != meta["mask_pixels"] or meta["mask_pixels"] == 0:
        bad.append("mask pixel count")
    y0, x0, y1, x1 = meta["target_box_yxyx"]
    inside = np.zeros_like(m, bool)
    inside[max(y0 - 2, 0):y1 + 2, max(x0 - 2, 0):x1 + 2] = True
    if (m[~inside] != 0).any():
        bad.append("mask pixels outside the target box")
    if not (len(t) == len(i) == len(x) == meta["samples"]):
        bad.append("WAV lengths")
    elif np.abs(x - t - i).max() > 2.0 / 32768:
        bad.append("mixture != target + interferer (max error %g)" % np.abs(x - t - i).max())
    elif abs(10 * np.log10(np.sum(t ** 2) / np.sum(i ** 2)) - meta["snr_db"]) > 0.05:
        bad.append("SNR differs from scene.json")
    return bad


def parse_size(s):
    w, h = s.lower().split("x")
    return int(w), int(h)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    chk = sub.add_parser("check")
    chk.add_argument("dirs", nargs="+")
    for name in ("scene", "set"):
        p = sub.add_parser(name)
        p.add_argument("--out", required=True)
        p.add_argument("--size", type=parse_size, default=(64, 64), help="WxH (default 64x64)")
        p.add_argument("--frames", type=int, default=300)
        p.add_argument("--fps", type=int, default=25)
        p.add_argument("--kind", choices=("mouth", "instrument"))
        p.add_argument("--interferer", choices=("drone", "speech", "noise"))
        p.add_argument("--distractors", type=int, choices=(0, 1, 2), default=2)
        p.add_argument("--chroma", choices=("mono", "420"), default="mono")
        p.add_argument("--snr", type=float, default=0.0, help="target-to-interferer ratio, dB")
        if name == "scene":
            p.add_argument("--seed", type=int, required=True)
        else:
            p.add_argument("--split", choices=("train", "test"), default="test")
            p.add_argument("--count", type=int, default=5)
            p.add_argument("--first", type=int, default=0, help="offset inside the split's seed range")
    a = ap.parse_args(argv)
    if a.cmd == "check":
        fails = 0
        for d in a.dirs:
            bad = check_scene(d)
            print("%s: %s" % (d, "OK" if not bad else "; ".join(bad)))
            fails += bool(bad)
        return 1 if fails else 0
    common = dict(size=a.size, frames=a.frames, fps=a.fps, distractors=a.distractors, chroma=a.chroma, snr=a.snr)
    if a.frames < 2 or a.fps < 1 or min(a.size) < 16:
        ap.error("need >= 2 frames, fps >= 1 and a picture of at least 16x16")
    if a.cmd == "scene":
        m = make_scene(a.out, a.seed, kind=a.kind or "mouth", interferer=a.interferer or "drone", **common)
        print(json.dumps({k: m[k] for k in ("seed", "kind", "interferer", "mask_pixels", "snr_db")}))
        return 0
    lo, hi = TRAIN_SEEDS if a.split == "train" else TEST_SEEDS
    for i in range(a.count):
        seed = lo + a.first + i
        if seed > hi:
            ap.error("seed %d leaves the %s range %d-%d" % (seed, a.split, lo, hi))
        kind = a.kind or ("mouth" if seed % 2 == 0 else "instrument")
        inter = a.interferer or ("drone", "noise", "speech")[seed % 3]
        m = make_scene(os.path.join(a.out, "%s_%04d" % (a.split, seed)), seed, kind=kind, interferer=inter, **common)
        print(json.dumps({k: m[k] for k in ("seed", "kind", "interferer", "mask_pixels", "snr_db")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
