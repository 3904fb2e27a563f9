#!/usr/bin/python3
"""Golden references for the dsp feature part (the feature sections of avloc_dsp.h).

    /usr/bin/python3 tools/gen_goldens_dsp.py            # (re)write tests/golden/dsp_*.npy
    /usr/bin/python3 tools/gen_goldens_dsp.py --check    # regenerate into a temp dir, compare, exit 1 on mismatch

References: scipy.signal.get_window (windows), torch.stft / torch.istft,
torchaudio 0.13 (melscale_fbanks, MelSpectrogram, MFCC, AmplitudeToDB) and a
numpy rendition of librosa 0.10 (filters.mel, feature.melspectrogram,
power_to_db, feature.mfcc, lifters) since librosa is not installed here.
Inputs: tests/data/dsp_speech16k.wav (espeak-ng, 1.5 s, resampled to 16 kHz
by sox) and seeded random signals that are saved next to the outputs.
"""
import os
import sys

import numpy as np
import scipy.fft
import scipy.io.wavfile
import scipy.signal
import torch
import torchaudio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden_check  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN = os.path.join(ROOT, "tests", "golden")
SPEECH = os.path.join(ROOT, "tests", "data", "dsp_speech16k.wav")


def speech():
    sr, y = scipy.io.wavfile.read(SPEECH)
    assert sr == 16000 and y.dtype == np.int16
    return (y.astype(np.float32) / 32768.0).astype(np.float32)


# ------------------------------------------------------------ librosa in numpy
def hz_to_mel(f, htk):
    f = np.asanyarray(f, dtype=np.float64)
    if htk:
        return 2595.0 * np.log10(1.0 + f / 700.0)
    f_sp = 200.0 / 3
    mels = f / f_sp
    min_log_mel = 1000.0 / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(f >= 1000.0, min_log_mel + np.log(np.maximum(f, 1e-10) / 1000.0) / logstep, mels)


def mel_to_hz(m, htk):
    m = np.asanyarray(m, dtype=np.float64)
    if htk:
        return 700.0 * (10.0 ** (m / 2595.0) - 1.0)
    f_sp = 200.0 / 3
    min_log_mel = 1000.0 / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(m >= min_log_mel, 1000.0 * np.exp(logstep * (m - min_log_mel)), f_sp * m)


def librosa_mel(sr, n_fft, n_mels, fmin, fmax, htk, norm):
    """librosa.filters.mel (0.10): float32 weights."""
    weights = np.zeros((n_mels, 1 + n_fft // 2), dtype=np.float32)
    fftfreqs = np.fft.rfftfreq(n=n_fft, d=1.0 / sr)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(fmin, htk), hz_to_mel(fmax, htk), n_mels + 2), htk)
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    if norm == "slaney":
        enorm = 2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels])
        weights *= enorm[:, np.newaxis]
    return weights


def np_stft(x, n_fft, hop, win, center, pad_mode):
    """float64 STFT, frames x bins (librosa/torch framing, window centred in n_fft)."""
    x = np.asarray(x, dtype=np.float64)
    w = np.zeros(n_fft)
    lpad = (n_fft - len(win)) // 2
    w[lpad:lpad + len(win)] = win
    if center:
        x = np.pad(x, n_fft // 2, mode=pad_mode)
    nf = 1 + (len(x) - n_fft) // hop
    frames = np.stack([x[t * hop:t * hop + n_fft] * w for t in range(nf)])
    return np.fft.rfft(frames, axis=1)


def power_to_db(S, ref=1.0, amin=1e-10, top_db=80.0):
    log_spec = 10.0 * np.log10(np.maximum(amin, S))
    log_spec -= 10.0 * np.log10(np.maximum(amin, ref))
    if top_db is not None:
        log_spec = np.maximum(log_spec, log_spec.max() - top_db)
    return log_spec


def librosa_preset(y, sr=22050):
    """librosa.feature.melspectrogram + power_to_db + mfcc with defaults (frames x bands)."""
    n_fft, hop = 2048, 512
    win = scipy.signal.get_window("hann", n_fft, fftbins=True)
    S = np.abs(np_stft(y, n_fft, hop, win, True, "constant")) ** 2
    fb = librosa_mel(sr, n_fft, 128, 0.0, sr / 2.0, False, "slaney").astype(np.float64)
    mel = S @ fb.T
    logmel = power_to_db(mel)
    mfcc = scipy.fft.dct(logmel, axis=1, type=2, norm="ortho")[:, :20]
    return mel, logmel, mfcc


def lifter_librosa(n_mfcc, L):
    return 1 + (L / 2) * np.sin(np.pi * np.arange(1, 1 + n_mfcc) / L)


def lifter_htk(n_mfcc, L):
    return 1 + (L / 2) * np.sin(np.pi * np.arange(0, n_mfcc) / L)


# ------------------------------------------------------------------ goldens
def gen(out):
    def save(name, a):
        np.save(os.path.join(out, name), np.ascontiguousarray(a))

    # windows vs scipy: [type][periodic, symmetric][n in 1, 7, 64], zero padded to 64
    names = ["boxcar", "hann", "hamming", "blackman", "sqrt_hann"]
    wins = np.zeros((5, 2, 3, 64))
    for ti, name in enumerate(names):
        for pi, periodic in enumerate([True, False]):
            for ni, n in enumerate([1, 7, 64]):
                if name == "sqrt_hann":
                    w = np.sqrt(scipy.signal.get_window("hann", n, fftbins=periodic))
                else:
                    w = scipy.signal.get_window(name, n, fftbins=periodic)
                wins[ti, pi, ni, :n] = w
    save("dsp_windows.npy", wins)
    tw = np.zeros((3, 2, 64), dtype=np.float32)
    for ti, fn in enumerate([torch.hann_window, torch.hamming_window, torch.blackman_window]):
        for pi, periodic in enumerate([True, False]):
            tw[ti, pi] = fn(64, periodic=periodic, dtype=torch.float64).numpy()
    save("dsp_windows_torch.npy", tw)

    # STFT vs torch.stft
    rng = np.random.default_rng(1234)
    x = (0.5 * rng.standard_normal(2000) + np.sin(2 * np.pi * 0.05 * np.arange(2000))).astype(np.float32)
    save("dsp_stft_x.npy", x)
    cases = {  # name: n_fft, hop, win_length, window fn, center, pad_mode, onesided, n samples
        "a": (256, 64, 256, torch.hann_window, True, "reflect", True, 2000),
        "b": (256, 100, 200, torch.hamming_window, True, "constant", True, 2000),
        "c": (127, 50, 127, torch.blackman_window, False, "reflect", True, 2000),
        "d": (64, 16, 48, torch.hann_window, True, "reflect", False, 400),
    }
    for key, (n_fft, hop, wl, wfn, center, pad, ones, n) in cases.items():
        X = torch.stft(torch.from_numpy(x[:n].astype(np.float64)), n_fft, hop_length=hop, win_length=wl,
                       window=wfn(wl, dtype=torch.float64), center=center, pad_mode=pad, onesided=ones,
                       return_complex=True).numpy().T
        save("dsp_stft_%s.npy" % key, np.stack([X.real, X.imag], -1).astype(np.float32))

    # iSTFT vs torch.istft of an arbitrary (inconsistent) spectrum
    S = (rng.standard_normal((12, 65)) + 1j * rng.standard_normal((12, 65)))
    S[:, 0] = S[:, 0].real
    S[:, -1] = S[:, -1].real
    S = S.astype(np.complex64)
    save("dsp_istft_spec.npy", np.stack([S.real, S.imag], -1).astype(np.float32))
    St = torch.from_numpy(S.T.astype(np.complex128))
    hann = torch.hann_window(128, dtype=torch.float64)
    ya = torch.istft(St, 128, hop_length=32, window=hann, center=True).numpy()
    yb = torch.istft(St, 128, hop_length=32, window=hann, center=True, length=300).numpy()
    yc = torch.istft(St, 128, hop_length=32, window=torch.ones(128, dtype=torch.float64), center=False).numpy()
    save("dsp_istft_a.npy", ya.astype(np.float32))
    save("dsp_istft_b.npy", yb.astype(np.float32))
    save("dsp_istft_c.npy", yc.astype(np.float32))
    try:  # the C side must refuse this one as torch does
        torch.istft(St, 128, hop_length=32, window=hann, center=False)
        raise SystemExit("torch.istft accepted a NOLA-violating window")
    except RuntimeError:
        pass

    # mel filterbanks. torchaudio builds its filterbank in the default dtype;
    # in float32 it is 1.35e-5 off its own float64 evaluation, so every
    # torchaudio golden below is evaluated with float64 as the default dtype.
    torch.set_default_dtype(torch.float64)
    save("dsp_melfb_lr_a.npy", librosa_mel(16000, 512, 40, 0.0, 8000.0, False, "slaney"))
    save("dsp_melfb_lr_b.npy", librosa_mel(22050, 512, 64, 50.0, 10000.0, True, None))
    ta = torchaudio.functional.melscale_fbanks(201, 0.0, 8000.0, 128, 16000, None, "htk")
    save("dsp_melfb_ta_htk.npy", ta.numpy().T.astype(np.float32))
    ta = torchaudio.functional.melscale_fbanks(257, 0.0, 8000.0, 40, 16000, "slaney", "slaney")
    save("dsp_melfb_ta_slaney.npy", ta.numpy().T.astype(np.float32))
    # where torchaudio's bins (linspace(0, sr // 2, n_freqs)) are not k sr / n_fft:
    # an odd n_fft (1023: 512 bins) and an odd rate (11025: sr // 2 = 5512)
    ta = torchaudio.functional.melscale_fbanks(512, 0.0, 8000.0, 40, 16000, None, "htk")
    save("dsp_melfb_ta_odd.npy", ta.numpy().T.astype(np.float32))
    ta = torchaudio.functional.melscale_fbanks(257, 0.0, 5512.0, 40, 11025, None, "htk")
    save("dsp_melfb_ta_oddsr.npy", ta.numpy().T.astype(np.float32))

    # torchaudio MelSpectrogram / MFCC (defaults, sr 16000) on speech, frames x bands.
    # Run in float64 (same transforms, exact arithmetic): torchaudio's own
    # float32 run is 1.3e-3 dB off its float64 run at -50 dB points.
    y = speech()
    wav = torch.from_numpy(y.astype(np.float64))
    mel = torchaudio.transforms.MelSpectrogram(sample_rate=16000).double()(wav)
    save("dsp_ta_melspec.npy", mel.numpy().T.astype(np.float32))
    save("dsp_ta_logmel.npy", torchaudio.transforms.AmplitudeToDB("power", 80.0)(mel).numpy().T.astype(np.float32))
    save("dsp_ta_mfcc.npy", torchaudio.transforms.MFCC(sample_rate=16000).double()(wav).numpy().T.astype(np.float32))
    torch.set_default_dtype(torch.float32)

    # librosa preset (numpy rendition) on the same samples read as sr 22050
    m, lm, mf = librosa_preset(y)
    save("dsp_lr_melspec.npy", m.astype(np.float32))
    save("dsp_lr_logmel.npy", lm.astype(np.float32))
    save("dsp_lr_mfcc.npy", mf.astype(np.float32))
    save("dsp_lr_mfcc_lift_librosa.npy", (mf * lifter_librosa(20, 22)).astype(np.float32))
    save("dsp_lr_mfcc_lift_htk.npy", (mf * lifter_htk(20, 22)).astype(np.float32))
    pad = np.zeros((mf.shape[0], 128))
    pad[:, :20] = mf
    save("dsp_lr_mfcc_inv.npy", scipy.fft.idct(pad, axis=1, type=2, norm="ortho").astype(np.float32))

    # binaural ILD / IPD (paper defaults) vs numpy, with a -60 dB stretch to mask
    n = 3000
    left = rng.standard_normal(n)
    right = 0.6 * np.roll(left, 3) + 0.3 * np.roll(left, 4) + 0.05 * rng.standard_normal(n)
    g = np.ones(n)
    g[1600:2600] = 1e-3
    left = (0.3 * left * g).astype(np.float32)
    right = (0.3 * right * g).astype(np.float32)
    save("dsp_bin_left.npy", left)
    save("dsp_bin_right.npy", right)
    win = scipy.signal.get_window("hann", 1024, fftbins=True)
    SL = np_stft(left, 1024, 128, win, False, None)[:, 1:513]
    SR = np_stft(right, 1024, 128, win, False, None)[:, 1:513]
    pl, pr = np.abs(SL) ** 2, np.abs(SR) ** 2
    ild = 10 * np.log10((pr + 1e-20) / (pl + 1e-20))
    ipd = np.angle(SR * np.conj(SL))
    save("dsp_bin_feat.npy", np.concatenate([ild, np.cos(ipd), np.sin(ipd)], axis=1).astype(np.float32))
    save("dsp_bin_pdb.npy", (10 * np.log10(pl + pr)).astype(np.float32))
    # near-silent copy (x 1e-9 in float32): |L|^2 |R|^2 < 1e-30, every bin takes
    # the double "exact" path; the 1e-20 guard now shows in the ILD. IPD is
    # scale-free (same as above), so only the ILD is stored.
    q = np.float32(1e-9)
    SLq = np_stft(left * q, 1024, 128, win, False, None)[:, 1:513]
    SRq = np_stft(right * q, 1024, 128, win, False, None)[:, 1:513]
    plq, prq = np.abs(SLq) ** 2, np.abs(SRq) ** 2
    save("dsp_bin_quiet_ild.npy", (10 * np.log10((prq + 1e-20) / (plq + 1e-20))).astype(np.float32))


def main():
    # float32 pipelines against float64 references: tolerance relative to each array's scale
    return golden_check.main("dsp", gen, GOLDEN, golden_check.npy_close(1e-4, 1e-5, scaled=True), prefix="dsp_")


if __name__ == "__main__":
    sys.exit(main())
