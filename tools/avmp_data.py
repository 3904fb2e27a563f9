"""Data for avloc_mp.h (audio-visual matching pursuit), as Y4M + WAV pairs.

  avmp_data.py synth OUTDIR [--seed S]
      The synthetic scene of Monaci et al. (EUSIPCO 2008, Fig. 3): 30 frames
      (29.97 fps, 32 x 48, four black shapes on white) and 8 kHz audio with
      three sine pulses. Events:
        V1  video only : triangle sliding right, frames 1-5
        AV1 audio-video: 4x4 square moving diagonally, frames 8-12, 500 Hz pulse
        A   audio only : 1200 Hz pulse, frames 15-19
        V2  video only : disc growing, frames 19-23
        AV2 audio-video: static 6x3 rectangle, frames 26-27, 2000 Hz pulse
      Shapes are visible only during their event. Writes synth.y4m,
      synth.wav and synth_truth.npz (each event's audio and video alone, as
      the avloc CLI prepares them: video inverted so shapes are positive
      on a zero background).

  avmp_data.py speech OUTDIR [--train 5] [--test 4] [--seed S]
      Speech-like sequences from espeak-ng words (digits): 8 kHz audio,
      35 x 55 grey frames at 29.97 fps with a mouth-like dark ellipse whose
      opening follows the audio envelope (and whose edges move with it).
      train_i.{y4m,wav}: one mouth, its voice. test_i.{y4m,wav}: two mouths
      (left and right), the voice of one; the other mouth moves with a
      different word sequence (visual distracter). test_i.json gives the true
      mouth centre (u, v) and which frames have voice.

  avmp_data.py eval DICT.safetensors TRUTH.npz
      Recovery of the synthetic scene by a learned dictionary: for each event,
      the best normalised correlation (over shifts) of any kernel's audio and
      video parts with the event, and whether the AV events are recovered
      (>= 0.9 in both modalities by one kernel). One JSON line.
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np

RATE = 8000
FPS_NUM, FPS_DEN = 30000, 1001
FPS = FPS_NUM / FPS_DEN


def write_wav(path, x, rate=RATE):
    pcm = np.clip(np.round(np.asarray(x) * 32767), -32768, 32767).astype("<i2").tobytes()
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 36 + len(pcm)) + b"WAVE")
        f.write(b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16))
        f.write(b"data" + struct.pack("<I", len(pcm)) + pcm)


def write_y4m(path, frames):
    t, h, w = frames.shape
    with open(path, "wb") as f:
        f.write(("YUV4MPEG2 W%d H%d F%d:%d Ip A1:1 Cmono\n" % (w, h, FPS_NUM, FPS_DEN)).encode())
        for fr in frames:
            f.write(b"FRAME\n")
            f.write(np.clip(np.round(fr * 255), 0, 255).astype(np.uint8).tobytes())


def frame_sample(f):
    return int(np.floor(f * RATE / FPS + 0.5))


def pulse(freq, f0, f1, n, amp=0.5):
    """Sine from the start of frame f0 to the start of frame f1, short fades."""
    a = np.zeros(n)
    s0, s1 = frame_sample(f0), frame_sample(f1)
    t = np.arange(s1 - s0) / RATE
    env = np.minimum(1.0, np.minimum(np.arange(s1 - s0), np.arange(s1 - s0)[::-1]) / 40.0)
    a[s0:s1] = amp * env * np.sin(2 * np.pi * freq * t)
    return a


def synth(outdir, seed=0):
    rng = np.random.default_rng(seed)
    T, H, W = 30, 32, 48
    n = frame_sample(T)
    ev_video = {k: np.zeros((T, H, W)) for k in ("V1", "AV1", "A", "V2", "AV2")}
    yy, xx = np.mgrid[0:H, 0:W]
    for i, f in enumerate(range(1, 6)):           # V1: triangle sliding right
        r0, c0 = 4, 4 + i
        ev_video["V1"][f] = ((yy >= r0) & (yy < r0 + 5) & (xx >= c0) & (xx - c0 <= yy - r0)).astype(float)
    for i, f in enumerate(range(8, 13)):          # AV1: square moving diagonally
        r0, c0 = 18 + i // 2 * 1 + (i % 2), 8 + i
        ev_video["AV1"][f, r0:r0 + 4, c0:c0 + 4] = 1.0
    for i, f in enumerate(range(19, 24)):         # V2: growing disc
        rad = 1.0 + 0.6 * i
        ev_video["V2"][f] = (((yy - 8) ** 2 + (xx - 36) ** 2) <= rad * rad).astype(float)
    for f in (26, 27):                            # AV2: static rectangle
        ev_video["AV2"][f, 20:26, 36:39] = 1.0
    ev_audio = {"V1": np.zeros(n), "V2": np.zeros(n),
                "AV1": pulse(500, 8, 13, n), "A": pulse(1200, 15, 20, n), "AV2": pulse(2000, 26, 28, n)}
    shapes = sum(ev_video.values())
    video = 1.0 - np.clip(shapes, 0, 1)           # black shapes on white
    audio = sum(ev_audio.values()) + 0.001 * rng.standard_normal(n)
    os.makedirs(outdir, exist_ok=True)
    write_y4m(os.path.join(outdir, "synth.y4m"), video)
    write_wav(os.path.join(outdir, "synth.wav"), audio)
    # the truth as the CLI prepares the video (each pixel's temporal mean removed; linear, so per event)
    np.savez_compressed(os.path.join(outdir, "synth_truth.npz"),
                        **{"audio_" + k: v for k, v in ev_audio.items()},
                        **{"video_" + k: v - v.mean(axis=0, keepdims=True) for k, v in ev_video.items()})


# ------------------------------------------------------------------ speech

DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def espeak(words, seed):
    """8 kHz mono float audio of words spoken by espeak-ng."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "w.wav")
        subprocess.run(["espeak-ng", "-s", "150", "-p", str(40 + seed % 20), "-w", path, " ".join(words)],
                       check=True, capture_output=True)
        import scipy.io.wavfile
        import scipy.signal
        sr, x = scipy.io.wavfile.read(path)
    x = x.astype(np.float64) / 32768.0
    g = np.gcd(sr, RATE)
    return scipy.signal.resample_poly(x, RATE // g, sr // g)


def envelope(audio, nframes):
    """Per-frame RMS, smoothed and scaled to [0, 1]."""
    e = np.zeros(nframes)
    for f in range(nframes):
        s0, s1 = frame_sample(f), frame_sample(f + 1)
        seg = audio[s0:s1]
        e[f] = np.sqrt(np.mean(seg ** 2)) if len(seg) else 0.0
    e = np.convolve(e, [0.25, 0.5, 0.25], mode="same")
    return e / (e.max() + 1e-12)


def draw_mouth(frame, cu, cv, opening):
    """Dark lips (ellipse ring) with a darker opening whose height follows `opening`."""
    h, w = frame.shape
    yy, xx = np.mgrid[0:h, 0:w]
    a, b = 7.0, 2.0 + 4.0 * opening
    outer = ((xx - cu) / (a + 1.5)) ** 2 + ((yy - cv) / (b + 1.5)) ** 2 <= 1
    inner = ((xx - cu) / a) ** 2 + ((yy - cv) / max(b, 0.6)) ** 2 <= 1
    frame[outer] = 0.45
    frame[inner & (opening > 0.05)] = 0.1


def speech_clip(words, seed, mouths, voiced):
    """mouths: list of (u, v, words); the audio is the speech of mouths[voiced]."""
    audios = [espeak(m[2], seed + i) for i, m in enumerate(mouths)]
    n = max(len(a) for a in audios) + RATE // 4
    nframes = int(np.floor(n * FPS / RATE))
    n = frame_sample(nframes)
    video = np.full((nframes, 35, 55), 0.8)
    for (u, v, _), a in zip(mouths, audios):
        env = envelope(np.pad(a, (0, max(0, n - len(a))))[:n], nframes)
        for f in range(nframes):
            draw_mouth(video[f], u, v, env[f])
    rng = np.random.default_rng(seed)
    video += 0.01 * rng.standard_normal(video.shape)
    audio = np.zeros(n)
    av = audios[voiced][:n]
    audio[:len(av)] = av
    env = envelope(audio, nframes)
    return np.clip(video, 0, 1), 0.9 * audio / (np.abs(audio).max() + 1e-12), env


def speech(outdir, n_train=5, n_test=4, seed=0):
    rng = np.random.default_rng(seed)
    os.makedirs(outdir, exist_ok=True)
    for i in range(n_train):
        words = list(rng.choice(DIGITS, 4))
        video, audio, _ = speech_clip(words, seed + i, [(27, 17, words)], 0)
        write_y4m(os.path.join(outdir, "train_%d.y4m" % i), video)
        write_wav(os.path.join(outdir, "train_%d.wav" % i), audio)
    for i in range(n_test):
        w1, w2 = list(rng.choice(DIGITS, 3)), list(rng.choice(DIGITS, 3))
        voiced = i % 2
        mouths = [(13, 17, w1), (41, 17, w2)]
        video, audio, env = speech_clip(w1, seed + 100 + i, mouths, voiced)
        write_y4m(os.path.join(outdir, "test_%d.y4m" % i), video)
        write_wav(os.path.join(outdir, "test_%d.wav" % i), audio)
        with open(os.path.join(outdir, "test_%d.json" % i), "w") as f:
            json.dump({"u": mouths[voiced][0], "v": mouths[voiced][1],
                       "distracter_u": mouths[1 - voiced][0], "voiced_frames": [bool(e > 0.1) for e in env]}, f)


# -------------------------------------------------------------------- eval

def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    hdr = json.loads(data[8:8 + n])
    buf = data[8 + n:]
    out = {}
    for k, v in hdr.items():
        if k == "__metadata__":
            continue
        b, e = v["data_offsets"]
        out[k] = np.frombuffer(buf[b:e], dtype="<f4").reshape(v["shape"]).astype(np.float64)
    return out, hdr.get("__metadata__", {})


def best_corr_1d(kern, sig):
    """max over placements of <kern, sig[n:n+L]> / (|kern| |sig|)."""
    L = len(kern)
    pad = np.concatenate([np.zeros(L), sig, np.zeros(L)])
    c = np.correlate(pad, kern, mode="valid")
    return float(np.max(np.abs(c)) / (np.linalg.norm(kern) * np.linalg.norm(sig) + 1e-12))


def best_corr_3d(kern, vol):
    from scipy.signal import correlate
    T, H, W = kern.shape
    pad = np.pad(vol, ((T, T), (H, H), (W, W)))
    c = correlate(pad, kern, mode="valid", method="fft")
    return float(np.max(np.abs(c)) / (np.linalg.norm(kern) * np.linalg.norm(vol) + 1e-12))


def evaluate(dict_path, truth_path):
    d, _ = read_safetensors(dict_path)
    tr = np.load(truth_path)
    res = {}
    for ev in ("V1", "AV1", "A", "V2", "AV2"):
        a, v = tr["audio_" + ev], tr["video_" + ev]
        ca = [best_corr_1d(k, a) if np.any(a) else 0.0 for k in d["audio"]]
        cv = [best_corr_3d(k, v) if np.any(v) else 0.0 for k in d["video"]]
        both = [min(x, y) for x, y in zip(ca, cv)]
        k = int(np.argmax(both))
        res[ev] = {"kernel": k, "audio": round(ca[k], 4), "video": round(cv[k], 4),
                   "best_audio": round(max(ca), 4), "best_video": round(max(cv), 4)}
    res["av_recovered"] = all(min(res[e]["audio"], res[e]["video"]) >= 0.9 for e in ("AV1", "AV2"))
    # a unimodal structure "learned as AV": one kernel with >= 0.9 on the audio-only
    # pulse and >= 0.9 on a video-only event
    spurious = 0
    for k in range(len(d["audio"])):
        ca = best_corr_1d(d["audio"][k], tr["audio_A"])
        cv = max(best_corr_3d(d["video"][k], tr["video_V1"]), best_corr_3d(d["video"][k], tr["video_V2"]))
        spurious += ca >= 0.9 and cv >= 0.9
    res["unimodal_as_av"] = spurious
    return res


def main():
    a = sys.argv[1:]
    if not a or "-h" in a or "--help" in a:
        print(__doc__)
        return 0
    if len(a) < 2 or a[1].startswith("-"):  # `speech --seed 3` would write into ./--seed
        print(__doc__, file=sys.stderr)
        return 2
    opt = lambda name, dflt: type(dflt)(a[a.index(name) + 1]) if name in a else dflt
    if a[0] == "synth":
        synth(a[1], opt("--seed", 0))
    elif a[0] == "speech":
        if not shutil.which("espeak-ng"):
            print("espeak-ng not found (apt-get install espeak-ng)", file=sys.stderr)
            return 1
        speech(a[1], opt("--train", 5), opt("--test", 4), opt("--seed", 0))
    elif a[0] == "eval":
        print(json.dumps(evaluate(a[1], a[2])))
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
