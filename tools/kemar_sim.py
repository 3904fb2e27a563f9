#!/usr/bin/python3
"""Binaural scene simulator: calibration (white noise on a pixel grid) and test (espeak-ng speech at
random pixels) sets for avloc's sound-to-image mapping (GLLiM), rendered with the MIT KEMAR HRIRs.

  /usr/bin/python3 tools/kemar_sim.py train --out DIR [--rows 18 --cols 24 --room anechoic|reverb --snr 30 --seed 1]
  /usr/bin/python3 tools/kemar_sim.py test  --out DIR [--count 100 --room anechoic|reverb --snr 20 --seed 2]
  /usr/bin/python3 tools/kemar_sim.py info
  /usr/bin/python3 tools/kemar_sim.py check --set DIR [--set DIR ...]   (ILD/ITD/elevation/RT60 sanity)
  /usr/bin/python3 tools/kemar_sim.py build-kemar [--check]            (writes/compares data/kemar/)

Output: DIR/manifest.csv (header path,u,v,azimuth_deg,elevation_deg,... ; paths relative to the CSV) and
DIR/wav/NNNN.wav: 16 kHz, 2 channels (0 = LEFT ear, 1 = RIGHT ear), 16-bit PCM.
Geometry and sign conventions: see kemar_room.py (azimuth positive = LEFT, u right, v down).
Everything is seeded: the same arguments give the same files (given the same espeak-ng build).
"""

import argparse
import csv
import math
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy.io import wavfile
from scipy.signal import fftconvolve, resample_poly

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kemar_hrtf as KH  # noqa: E402
import kemar_room as KR  # noqa: E402

FS = KH.FS
SOURCE_RMS = 0.05          # source level (RMS over active samples) at the HRIRs' 1.4 m reference
DIST = 1.4
STREAM_POS, STREAM_SIG, STREAM_ROOM, STREAM_NOISE = 1, 2, 3, 4

_KEMAR = None


def kemar(source="auto"):
    global _KEMAR
    if _KEMAR is None:
        _KEMAR = KH.load_kemar(source)
    return _KEMAR


def rng_for(seed, stream, index):
    """Independent stream per (seed, purpose, clip): anechoic and reverberant sets made with the same
    seed share pixels and utterances, and the result does not depend on --jobs."""
    return np.random.default_rng(np.random.SeedSequence([seed, stream, index]))


# ----------------------------------------------------------------------------------------------
# rooms
# ----------------------------------------------------------------------------------------------

def nominal_room():
    return KR.Room(dims=(6.0, 5.0, 3.0), head=(2.0, 2.2, 1.5), yaw_deg=0.0, rt60=0.4, max_order=3)


def random_room(rng, d_head):
    """Test-set room: dimensions +-10 %, RT60 0.3..0.5 s, head position/height/yaw jittered; redrawn
    until the source (1.4 m along the pixel's ray) is at least 0.4 m from every wall."""
    for _ in range(100):
        dims = tuple(np.array([6.0, 5.0, 3.0]) * rng.uniform(0.9, 1.1, 3))
        head = (rng.uniform(1.5, 2.5), dims[1] / 2 + rng.uniform(-0.6, 0.6), rng.uniform(1.2, 1.7))
        room = KR.Room(dims=dims, head=head, yaw_deg=rng.uniform(-20, 20), rt60=rng.uniform(0.3, 0.5),
                       max_order=3)
        if room.wall_clearance(room.source_pos(d_head, DIST)) >= 0.4 and room.wall_clearance(head) >= 0.5:
            return room
    raise RuntimeError("could not place the source in a random room")


def brir_for(kem, room_kind, d_head, az, el, rng_room, rng_tail):
    """(ir (2, L), room or None)."""
    if room_kind == "anechoic":
        return KR.anechoic_ir(kem, az, el), None
    room = nominal_room() if rng_room is None else random_room(rng_room, d_head)
    return KR.room_ir(kem, room, d_head, DIST, rng_tail), room


# ----------------------------------------------------------------------------------------------
# source signals
# ----------------------------------------------------------------------------------------------

VOICES = ["en", "en-us", "fr", "de", "es"]
VARIANTS = ["", "+m1", "+m3", "+m5", "+f1", "+f2", "+f3"]
WORDS = {
    "en": ["hello", "camera", "window", "yesterday", "microphone", "listen", "orange", "station",
           "beautiful", "computer", "morning", "seven"],
    "fr": ["bonjour", "fenêtre", "maison", "écouter", "voiture", "demain", "téléphone", "lumière",
           "chocolat", "musique"],
    "de": ["guten Tag", "Fenster", "Kamera", "hören", "Mikrofon", "Straße", "Wasser", "Frühling",
           "Schmetterling", "Zeitung"],
    "es": ["hola", "ventana", "escuchar", "mañana", "cámara", "micrófono", "naranja", "ciudad",
           "biblioteca", "guitarra"],
}
PHRASES = {
    "en": ["where is the speaker", "please look at me", "turn on the light", "can you hear me",
           "the cat sat on the mat", "good morning everyone", "open the door"],
    "fr": ["où est la gare", "je suis ici", "regarde par ici", "il fait beau", "bonne nuit"],
    "de": ["wie geht es dir", "ich bin hier", "schau mal her", "das ist gut", "guten Morgen"],
    "es": ["dónde está", "estoy aquí", "mira hacia acá", "buenos días", "muchas gracias"],
}


def pick_text(rng, lang):
    kind = rng.choice(["word", "number", "phrase"])
    if kind == "number":
        return str(int(rng.integers(0, 1000)))
    pool = WORDS[lang] if kind == "word" else PHRASES[lang]
    return pool[int(rng.integers(len(pool)))]


def espeak(text, voice, speed, pitch):
    # a file, not --stdout: the streamed WAV header carries no valid length
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "s.wav")
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", path, text],
                       check=True, capture_output=True)
        sr, x = wavfile.read(path)
    x = x.astype(np.float64) / 32768.0
    if sr != 22050:
        raise ValueError("unexpected espeak-ng rate %d" % sr)
    return resample_poly(x, 320, 441)


def trim_silence(x, rel_db=-45.0):
    frame = int(0.01 * FS)
    nf = len(x) // frame
    if nf == 0:
        return x
    e = (x[: nf * frame].reshape(nf, frame) ** 2).mean(1)
    on = np.nonzero(10 * np.log10(e / e.max() + 1e-20) > rel_db)[0]
    return x[on[0] * frame: (on[-1] + 1) * frame]


def speech_clip(rng, min_s=0.5, max_s=2.0):
    """(signal at 16 kHz, voice, text, speed, pitch): 0.5..2 s after trimming silence."""
    lang = VOICES[int(rng.integers(len(VOICES)))]
    voice = lang + VARIANTS[int(rng.integers(len(VARIANTS)))]
    speed = int(rng.integers(120, 201))
    pitch = int(rng.integers(25, 76))
    words = WORDS["en" if lang.startswith("en") else lang]
    text = pick_text(rng, "en" if lang.startswith("en") else lang)
    for _ in range(10):
        x = trim_silence(espeak(text, voice, speed, pitch))
        if len(x) < min_s * FS:
            text = text + " " + words[int(rng.integers(len(words)))]
        elif len(x) > max_s * FS:
            text = text.split(" ")[0] if " " in text else words[int(rng.integers(len(words)))]
        else:
            break
    if len(x) > max_s * FS:                  # last resort: cut with a 20 ms fade-out
        x = x[: int(max_s * FS)].copy()
        n = int(0.02 * FS)
        x[-n:] *= np.linspace(1, 0, n)
    return x, voice, text, speed, pitch


def active_power(x):
    """Mean power of a (2, n) signal over 20 ms frames within 40 dB of the loudest frame."""
    frame = int(0.02 * FS)
    nf = max(x.shape[1] // frame, 1)
    e = (x[:, : nf * frame].reshape(2, nf, frame) ** 2).mean(axis=(0, 2))
    act = e > e.max() * 1e-4
    return float(e[act].mean())


# ----------------------------------------------------------------------------------------------
# one clip
# ----------------------------------------------------------------------------------------------

def finish(y, snr_db, rng_noise):
    """Sensor noise: white Gaussian, independent per channel, same variance on both channels, set
    from the ears' mean active power (so the louder ear has the higher SNR, as with real sensors)."""
    p = active_power(y)
    sigma = math.sqrt(p / 10 ** (snr_db / 10.0))
    y = y + sigma * rng_noise.standard_normal(y.shape)
    peak = np.abs(y).max()
    gain = 1.0 if peak < 0.99 else 0.99 / peak     # never clip; recorded in the manifest
    return y * gain, 20 * math.log10(gain)


def fmt3(x):
    s = "%.3f" % x
    return "0.000" if s == "-0.000" else s


def write_wav(path, y):
    q = np.clip(np.round(y.T * 32767.0), -32768, 32767).astype(np.int16)
    wavfile.write(path, FS, q)


def burst_envelope(rng, n):
    env = np.zeros(n)
    ramp = int(0.005 * FS)
    pos = int(rng.uniform(0.02, 0.1) * FS)
    while pos < n:
        on = int(rng.uniform(0.08, 0.25) * FS)
        seg = np.ones(on)
        seg[:ramp] = np.linspace(0, 1, ramp)
        seg[-ramp:] = np.linspace(1, 0, ramp)
        end = min(n, pos + on)
        env[pos:end] = seg[: end - pos]
        pos = end + int(rng.uniform(0.05, 0.2) * FS)
    return env


def render_train(job):
    i, u, v, a = job
    kem = kemar()
    d = KR.pixel_to_dir(u, v)
    az, el = KR.dir_to_azel(d)
    ir, room = brir_for(kem, a.room, d, az, el, None, rng_for(a.seed, STREAM_ROOM, i))
    n = int(round(a.duration * FS))
    rs = rng_for(a.seed, STREAM_SIG, i)
    if getattr(a, "signal", "noise") == "bursts":
        # white-noise bursts (80-250 ms on, 50-200 ms off, 5 ms ramps) from silence: onsets and
        # reverberant decays like speech's, so masked features see the same mix of direct sound
        # and room as at test time
        env = burst_envelope(rs, n)
        src = rs.standard_normal(n) * env * (SOURCE_RMS / math.sqrt(max(np.mean(env ** 2), 1e-12)))
        y = np.stack([fftconvolve(src, ir[e])[:n] for e in range(2)])
    else:
        src = rs.standard_normal(n + ir.shape[1] - 1) * SOURCE_RMS
        # 'valid' part only: every output sample sees the whole IR (steady state, no onset transient)
        y = np.stack([fftconvolve(src, ir[e], mode="valid") for e in range(2)])
    y, gain_db = finish(y, a.snr, rng_for(a.seed, STREAM_NOISE, i))
    rel = os.path.join("wav", "%04d.wav" % i)
    write_wav(os.path.join(a.out, rel), y)
    return dict(path=rel, u="%.3f" % u, v="%.3f" % v, azimuth_deg=fmt3(az), elevation_deg=fmt3(el),
                room=a.room, rt60_s="%.3f" % (room.rt60 if room else 0.0), snr_db=a.snr,
                gain_db="%.2f" % gain_db)


def render_test(job):
    i, a = job
    kem = kemar()
    rp = rng_for(a.seed, STREAM_POS, i)
    u, v = rp.uniform(0, KR.W), rp.uniform(0, KR.H)
    d = KR.pixel_to_dir(u, v)
    az, el = KR.dir_to_azel(d)
    x, voice, text, speed, pitch = speech_clip(rng_for(a.seed, STREAM_SIG, i))
    x = x * (SOURCE_RMS / math.sqrt(active_power(np.stack([x, x]))))
    rr = rng_for(a.seed, STREAM_ROOM, i)
    if a.room == "calibrated":
        ir, room = brir_for(kem, "reverb", d, az, el, None, rr)
    else:
        ir, room = brir_for(kem, a.room, d, az, el, rr, rr)
    lead, trail = int(0.1 * FS), int(0.3 * FS)
    src = np.concatenate([np.zeros(lead), x, np.zeros(trail)])
    y = np.stack([fftconvolve(src, ir[e])[: len(src)] for e in range(2)])
    y, gain_db = finish(y, a.snr, rng_for(a.seed, STREAM_NOISE, i))
    rel = os.path.join("wav", "%04d.wav" % i)
    write_wav(os.path.join(a.out, rel), y)
    return dict(path=rel, u="%.3f" % u, v="%.3f" % v, azimuth_deg=fmt3(az), elevation_deg=fmt3(el),
                room=a.room, rt60_s="%.3f" % (room.rt60 if room else 0.0), snr_db=a.snr,
                gain_db="%.2f" % gain_db, speech_start_s="%.3f" % (lead / FS),
                speech_dur_s="%.3f" % (len(x) / FS), voice=voice, speed=speed, pitch=pitch, text=text)


def run_jobs(fn, jobs, n_jobs):
    kemar(ARGS.hrtf)            # load once; forked workers inherit it
    if n_jobs <= 1:
        return [fn(j) for j in jobs]
    with mp.get_context("fork").Pool(n_jobs) as pool:
        return pool.map(fn, jobs, chunksize=4)


def write_manifest(out, rows):
    keys = list(rows[0].keys())
    with open(os.path.join(out, "manifest.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=keys, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def grid(rows, cols):
    """Cell centres of an R x C grid over the image: half a cell of margin on every side."""
    return [((c + 0.5) * KR.W / cols, (r + 0.5) * KR.H / rows) for r in range(rows) for c in range(cols)]


def cmd_train(a):
    os.makedirs(os.path.join(a.out, "wav"), exist_ok=True)
    t = time.time()
    rows = run_jobs(render_train, [(i, u, v, a) for i, (u, v) in enumerate(grid(a.rows, a.cols))], a.jobs)
    write_manifest(a.out, rows)
    print("train: %d clips (%s, SNR %g dB) -> %s in %.1f s (HRIRs: %s)" %
          (len(rows), a.room, a.snr, os.path.join(a.out, "manifest.csv"), time.time() - t, kemar().source))


def cmd_test(a):
    os.makedirs(os.path.join(a.out, "wav"), exist_ok=True)
    t = time.time()
    rows = run_jobs(render_test, [(i, a) for i in range(a.count)], a.jobs)
    write_manifest(a.out, rows)
    print("test: %d clips (%s, SNR %g dB) -> %s in %.1f s (HRIRs: %s)" %
          (len(rows), a.room, a.snr, os.path.join(a.out, "manifest.csv"), time.time() - t, kemar().source))


# ----------------------------------------------------------------------------------------------
# info / build-kemar / check
# ----------------------------------------------------------------------------------------------

def _deg(x):
    return 0.0 if abs(x) < 5e-3 else x      # no "-0.00"


def cmd_info(a):
    kem = kemar(a.hrtf)
    print("HRIR source      :", kem.source)
    print("reference        : Gardner & Martin (1994), MIT Media Lab KEMAR HRTF measurements, normal pinna")
    print("directions       : %d, elevation %g..%g deg in %d rings" % (len(kem.az), kem.rings[0], kem.rings[-1],
                                                                      len(kem.rings)))
    print("per ring         :", ", ".join("%g:%d" % (e, len(ix)) for e, ix in zip(kem.rings, kem.ring_idx)))
    print("distance         : %.2f m (single distance)" % kem.dist)
    print("original         : 512 taps at 44.1 kHz; here %d aligned taps at %d Hz (onset at tap %d) + per-ear delay"
          % (kem.ntaps, FS, KH.ALIGN_TAP))
    print("receivers        : channel 0 = LEFT ear (SOFA receiver 0, y=+0.09 m), channel 1 = RIGHT (y=-0.09 m)")
    print("azimuth          : SOFA convention, counter-clockwise from the front: +90 = LEFT, -90 (270) = RIGHT")
    for az in (90, 30, 0, -30, -90):
        _, dl = kem.hrir(az, 0)
        print("  delay R-L at az %+4d, el 0: %+.3f ms" % (az, (dl[1] - dl[0]) * 1e3))
    mi = KH.mirror_index(kem.az, kem.el)
    print("mirror symmetric : max |h_L(az) - h_R(-az)| = %.2e" % np.abs(kem.aligned[:, 0] - kem.aligned[mi, 1]).max())
    f = KR.focal_px()
    print("camera           : %dx%d, HFOV %g deg, f = %.2f px, VFOV %.2f deg, principal point (%g, %g)"
          % (KR.W, KR.H, KR.HFOV_DEG, f, 2 * math.degrees(math.atan(KR.H / 2 / f)), KR.W / 2, KR.H / 2))
    for (u, v) in ((0, 0), (KR.W, 0), (KR.W / 2, 0), (0, KR.H / 2), (KR.W, KR.H)):
        print("  pixel (%5.1f, %5.1f) -> az %+7.2f el %+7.2f" % ((u, v) + tuple(map(_deg, KR.dir_to_azel(KR.pixel_to_dir(u, v))))))


def cmd_build_kemar(a):
    c = KH.build_compact(KH.read_sofa())
    print("energy kept in %d taps: min %.5f, median %.5f" % (KH.NTAPS, c["energy_kept"].min(),
                                                            np.median(c["energy_kept"])))
    if a.check:
        with tempfile.TemporaryDirectory() as d:
            p = KH.save_compact(c, os.path.join(d, "k.npz"))
            new, old = KH.load_compact(p), KH.load_compact()
        # allow one int16 step (FFT rounding differs between numpy/scipy builds)
        step = 1.5 * np.abs(old["aligned"]).max() / 32767.0
        ok = (all(np.array_equal(new[k], old[k]) for k in ("az", "el")) and
              np.abs(new["aligned"] - old["aligned"]).max() <= step and
              np.abs(new["delay_s"] - old["delay_s"]).max() < 1e-9)
        print("data/kemar/ matches a fresh build:", ok)
        sys.exit(0 if ok else 1)
    p = KH.save_compact(c)
    back = KH.load_compact(p)
    err = np.abs(back["aligned"] - c["aligned"]).max() / np.abs(c["aligned"]).max()
    print("wrote %s (%d bytes); max quantisation error %.2e of peak" % (p, os.path.getsize(p), err))


def gcc_phat_itd(x, max_lag_ms=1.0, up=16):
    """Time by which the LEFT channel lags the RIGHT one (s): > 0 when the right ear hears it first."""
    n = 2 * x.shape[1]
    X = np.fft.rfft(x, n)
    cross = X[0] * np.conj(X[1])
    cross /= np.abs(cross) + 1e-12
    cc = np.fft.irfft(cross, n * up)
    m = int(max_lag_ms * 1e-3 * FS * up)
    cc = np.concatenate([cc[-m:], cc[: m + 1]])
    k = int(np.argmax(cc))
    if 0 < k < len(cc) - 1:
        y0, y1, y2 = cc[k - 1], cc[k], cc[k + 1]
        k = k + 0.5 * (y0 - y2) / (y0 - 2 * y1 + y2)
    return (k - m) / (FS * up)


def read_set(d):
    with open(os.path.join(d, "manifest.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        sr, x = wavfile.read(os.path.join(d, r["path"]))
        r["x"] = x.T.astype(np.float64) / 32768.0
    return rows


def check_set(d):
    rows = read_set(d)
    print("== %s: %d clips, room %s" % (d, len(rows), rows[0]["room"]))
    az = np.array([float(r["azimuth_deg"]) for r in rows])
    el = np.array([float(r["elevation_deg"]) for r in rows])
    itd = np.array([gcc_phat_itd(r["x"]) for r in rows]) * 1e3
    ild = np.array([10 * np.log10((r["x"][1] ** 2).sum() / (r["x"][0] ** 2).sum()) for r in rows])
    print("  ITD = t_left - t_right (ms, GCC-PHAT; > 0: right ear first), ILD = 10log10(P_right/P_left) dB")
    print("  azimuth bin (deg)   n   ITD mean   ILD mean")
    edges = [-32, -24, -16, -8, -2, 2, 8, 16, 24, 32]
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (az >= lo) & (az < hi)
        if m.any():
            print("  [%+4d,%+4d)      %4d   %+.3f     %+.2f" % (lo, hi, m.sum(), itd[m].mean(), ild[m].mean()))
    right = az < 0
    print("  right-side sources (az<0): ITD>0 in %.1f %%, ILD>0 in %.1f %%" %
          (100 * (itd[right] > 0).mean(), 100 * (ild[right] > 0).mean()))
    print("  ITD range %.3f..%.3f ms; corr(ITD, -sin az) = %.3f; ITD slope %.2f us/deg" %
          (itd.min(), itd.max(), np.corrcoef(itd, -np.sin(np.radians(az)))[0, 1], np.polyfit(-az, itd, 1)[0] * 1e3))
    return rows, az, el


def elevation_cue(rows, az, el):
    """Spread across elevations of the mean ILD spectrum, per image column, for a training grid."""
    u = np.array([float(r["u"]) for r in rows])
    cols = np.unique(u)
    if len(cols) < 3 or len(cols) * 3 > len(rows):      # needs a grid (several rows per column)
        return
    print("  elevation cue: std over rows of the time-averaged ILD spectrum (dB, 0.2-7.5 kHz, 512-pt STFT)")
    spec = {}
    for r in rows:
        x = r["x"]
        nf = (x.shape[1] - 512) // 256
        fr = np.stack([x[:, i * 256: i * 256 + 512] * np.hanning(512) for i in range(nf)], 1)
        P = (np.abs(np.fft.rfft(fr, axis=-1)) ** 2).mean(1)
        spec[r["path"]] = 10 * np.log10(P[1] / P[0])[7:241]
    for c in (cols[0], cols[len(cols) // 4], cols[len(cols) // 2 - 1], cols[len(cols) // 2], cols[-1]):
        S = np.stack([spec[r["path"]] for r in rows if float(r["u"]) == c])
        a = np.mean([float(r["azimuth_deg"]) for r in rows if float(r["u"]) == c])
        print("    column u=%6.1f (az %+6.2f): %.2f dB" % (c, a, S.std(0).mean()))


def check_rt60(n=8):
    kem = kemar(ARGS.hrtf)
    print("== RT60 (Schroeder, T20 fit -5..-25 dB, both ears) of rendered BRIRs")
    ir = KR.room_ir(kem, nominal_room(), KR.pixel_to_dir(320, 240), DIST, np.random.default_rng(0))
    print("  nominal room 6x5x3, target 0.400 s: T20 %.3f s, T30 %.3f s" %
          (KR.schroeder_rt60(ir), KR.schroeder_rt60(ir, -5, -35)))
    for i in range(n):
        rp = rng_for(2, STREAM_POS, i)
        d = KR.pixel_to_dir(rp.uniform(0, KR.W), rp.uniform(0, KR.H))
        rr = rng_for(2, STREAM_ROOM, i)
        room = random_room(rr, d)
        ir = KR.room_ir(kem, room, d, DIST, rr)
        e = (ir ** 2).sum(0)
        t0 = KR.OFFSET + KH.ALIGN_TAP
        drr = 10 * np.log10(e[: t0 + 40].sum() / e[t0 + 40:].sum())
        print("  test clip %d (seed 2): target %.3f s, T20 %.3f s, T30 %.3f s, DRR %+.1f dB" %
              (i, room.rt60, KR.schroeder_rt60(ir), KR.schroeder_rt60(ir, -5, -35), drr))


def check_horizon():
    """ITD/ILD of anechoic white noise around the horizontal plane, beyond the camera's FOV."""
    kem = kemar(ARGS.hrtf)
    rng = np.random.default_rng(0)
    print("== horizon sweep (anechoic, el 0, 1 s white noise, no sensor noise)")
    print("  az (deg)   ITD t_left-t_right (ms)   ILD P_right/P_left (dB)")
    for az in (90, 60, 45, 30, 15, 0, -15, -30, -45, -60, -90):
        ir = KR.anechoic_ir(kem, az, 0.0)
        src = rng.standard_normal(FS + ir.shape[1] - 1)
        y = np.stack([fftconvolve(src, ir[e], mode="valid") for e in range(2)])
        print("  %+4d      %+.3f                    %+.2f" %
              (az, gcc_phat_itd(y) * 1e3, 10 * np.log10((y[1] ** 2).sum() / (y[0] ** 2).sum())))
    # median plane: the mirrored set gives identical ears, whatever the elevation
    diffs = [np.abs(np.subtract(*KR.anechoic_ir(kem, 0.0, e))).max() for e in (-40, -20, 0, 20, 40, 60)]
    print("  median plane (az 0, el -40..60): max |h_L - h_R| = %.1e (no interaural elevation cue)" % max(diffs))


def cmd_check(a):
    check_horizon()
    for d in a.set:
        rows, az, el = check_set(d)
        elevation_cue(rows, az, el)
    check_rt60()


ARGS = None


def main(argv=None):
    global ARGS
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--hrtf", choices=["auto", "sofa", "compact"], default="auto",
                   help="HRIR source: the libmysofa SOFA file if present (auto), or data/kemar/")
    sub = p.add_subparsers(dest="cmd", required=True)
    jobs = min(2, os.cpu_count() or 1)
    t = sub.add_parser("train", help="white-noise calibration set on an R x C pixel grid")
    t.add_argument("--out", required=True)
    t.add_argument("--rows", type=int, default=18)
    t.add_argument("--cols", type=int, default=24)
    t.add_argument("--room", choices=["anechoic", "reverb"], default="anechoic")
    t.add_argument("--snr", type=float, default=30.0)
    t.add_argument("--seed", type=int, default=1)
    t.add_argument("--duration", type=float, default=1.0)
    t.add_argument("--signal", choices=["noise", "bursts"], default="noise",
                   help="noise: stationary white noise (the paper); bursts: white-noise bursts from silence")
    t.add_argument("--jobs", type=int, default=jobs)
    s = sub.add_parser("test", help="espeak-ng speech at uniformly random pixels")
    s.add_argument("--out", required=True)
    s.add_argument("--count", type=int, default=100)
    s.add_argument("--room", choices=["anechoic", "reverb", "calibrated"], default="anechoic",
                   help="reverb: a random room per clip (cross-room test); calibrated: the nominal room "
                        "the reverberant calibration set is rendered in (the paper's in-situ protocol)")
    s.add_argument("--snr", type=float, default=20.0)
    s.add_argument("--seed", type=int, default=2)
    s.add_argument("--jobs", type=int, default=jobs)
    sub.add_parser("info", help="facts about the KEMAR set and the camera")
    b = sub.add_parser("build-kemar", help="rebuild data/kemar/ from the SOFA file")
    b.add_argument("--check", action="store_true", help="compare a fresh build with the committed file")
    c = sub.add_parser("check", help="sanity checks on rendered sets + RT60 of rendered BRIRs")
    c.add_argument("--set", action="append", default=[])
    a = p.parse_args(argv)
    ARGS = a
    if a.cmd in ("train", "test"):
        sizes = (a.rows, a.cols) if a.cmd == "train" else (a.count,)
        if min(sizes) <= 0:
            p.error("sizes must be positive")
        if a.jobs < 1:
            p.error("--jobs must be >= 1")
    {"train": cmd_train, "test": cmd_test, "info": cmd_info, "build-kemar": cmd_build_kemar,
     "check": cmd_check}[a.cmd](a)


if __name__ == "__main__":
    main()
