#!/usr/bin/python3
"""torchaudio peer of bench/bench_mel.c: same config, same signal, one thread.

    /usr/bin/python3 bench/bench_torchaudio.py [seconds_of_audio]

16 kHz, n_fft 512, hop 160, hann, center reflect, power 2, HTK, norm none,
40 mels, AmplitudeToDB("power", top_db 80); MFCC with 13 coefficients.
Best of 7 runs, float32, torch.set_num_threads(1), under torch.inference_mode().
"""
import sys
import time

import numpy as np
import torch
import torchaudio


def make_signal(n, sr):
    # the formula of bench_mel.c (LCG noise, 32-bit wrap-around)
    t = np.arange(n) / sr
    s = np.empty(n, dtype=np.uint64)
    v = 1
    for i in range(n):  # vectorising an LCG is not worth it here
        v = (v * 1664525 + 1013904223) & 0xFFFFFFFF
        s[i] = v
    noise = (s >> 8).astype(np.float64) / 16777216.0 - 0.5
    x = 0.3 * np.sin(2 * np.pi * 440.0 * t) + 0.2 * np.sin(2 * np.pi * (200.0 + 50.0 * t) * t) + 0.1 * noise
    return x.astype(np.float32)


def best_of(f, reps=7):
    f()
    best = 1e30
    for _ in range(reps):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best


def main():
    torch.set_num_threads(1)
    secs = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    sr = 16000
    x = torch.from_numpy(make_signal(int(secs * sr), sr))
    spec = torchaudio.transforms.Spectrogram(n_fft=512, hop_length=160, power=None)
    melspec = torchaudio.transforms.MelSpectrogram(sample_rate=sr, n_fft=512, hop_length=160, n_mels=40)
    todb = torchaudio.transforms.AmplitudeToDB("power", top_db=80.0)
    mfcc = torchaudio.transforms.MFCC(sample_rate=sr, n_mfcc=13,
                                      melkwargs=dict(n_fft=512, hop_length=160, n_mels=40))
    with torch.inference_mode():
        t_stft = best_of(lambda: spec(x))
        t_mel = best_of(lambda: todb(melspec(x)))
        t_mfcc = best_of(lambda: mfcc(x))
        nf = melspec(x).shape[-1]
    print("torchaudio %s (torch %s), %.0f s of 16 kHz audio, %d frames, 1 thread, best of 7"
          % (torchaudio.__version__, torch.__version__, secs, nf))
    print("| stage | ms | us/frame | x real time |\n|---|---|---|---|")
    for name, t in [("STFT (complex out)", t_stft), ("STFT + 40 log-mel (dB)", t_mel),
                    ("STFT + log-mel + 13 MFCC", t_mfcc)]:
        print("| %s | %.2f | %.3f | %.0f |" % (name, t * 1e3, t * 1e6 / nf, secs / t))


if __name__ == "__main__":
    main()
