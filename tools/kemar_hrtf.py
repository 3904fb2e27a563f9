"""MIT KEMAR HRIRs (Gardner & Martin 1994) at 16 kHz for the avloc scene simulator.

Sources, in order of preference (``load_kemar(source="auto")``):
  1. ``/usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa`` (Debian libmysofa1), dumped to JSON
     with ``mysofa2json`` (libmysofa-utils), so no HDF5 binding is needed;
  2. the committed compact file ``data/kemar/kemar_mit_normal_16k.npz`` built from (1) by
     ``kemar_sim.py build-kemar``; it lets the simulator run on a machine without libmysofa.

SOFA conventions checked on the file: SourcePosition is spherical (azimuth deg, elevation deg, 1.4 m),
azimuth counter-clockwise seen from above, so +90 deg = LEFT; elevation up. ReceiverPosition
row 0 is (0, +0.09, 0) = LEFT ear, row 1 is (0, -0.09, 0) = RIGHT ear (SOFA y axis points left).
The "normal pinna" set is exactly mirror-symmetric: h_L(az, el) == h_R(-az, el) bit for bit, so
the compact file stores the left ear only.

Representation used for interpolation: each HRIR is split into a pure delay (its onset, the first
crossing of -26 dB re its peak on an 8x finer grid) and an onset-aligned remainder whose onset sits at tap ``ALIGN_TAP``. Interpolating aligned HRIRs and, separately, delays avoids the
comb filtering that mixing two HRIRs one sample apart (about 5 deg of azimuth at 16 kHz) would cause.
"""

import json
import os
import shutil
import subprocess

import numpy as np
from scipy.signal import resample, resample_poly

FS = 16000
SOFA_PATH = "/usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa"
HERE = os.path.dirname(os.path.abspath(__file__))
COMPACT_PATH = os.path.join(HERE, "..", "data", "kemar", "kemar_mit_normal_16k.npz")

ALIGN_TAP = 12    # onset position of the aligned 16 kHz HRIRs (room for the band-limited pre-ringing)
NTAPS = 192       # aligned 16 kHz taps kept (12 ms): >= 99.9 % of every HRIR's energy (the MIT
                  # responses carry small late reflections up to the end of their 512 taps)
ONSET_REL = 0.05  # onset threshold, fraction of the peak (-26 dB)


# ----------------------------------------------------------------------------------------------
# reading the SOFA file
# ----------------------------------------------------------------------------------------------

def read_sofa(path=None):
    """Return dict(az, el, dist, ir (M,2,N) float64, fs, receivers) from a SOFA file via mysofa2json."""
    path = path or SOFA_PATH
    tool = shutil.which("mysofa2json")
    if tool is None or not os.path.exists(path):
        raise FileNotFoundError("need %s and mysofa2json (libmysofa-utils)" % path)
    out = subprocess.run([tool, path], check=True, capture_output=True).stdout
    var = json.loads(out)["Variables"]
    m = len(var["SourcePosition"]["Values"]) // 3
    sp = np.asarray(var["SourcePosition"]["Values"], float).reshape(m, 3)
    if var["SourcePosition"]["Attributes"]["Type"] != "spherical":
        raise ValueError("expected spherical SourcePosition")
    dims = var["Data.IR"]["Dimensions"]
    ir = np.asarray(var["Data.IR"]["Values"], float).reshape(dims)
    rec = np.asarray(var["ReceiverPosition"]["Values"], float).reshape(2, 3)
    if not (rec[0, 1] > 0 > rec[1, 1]):
        raise ValueError("expected receiver 0 = left (y > 0), receiver 1 = right")
    return dict(az=sp[:, 0], el=sp[:, 1], dist=float(sp[0, 2]), ir=ir,
                fs=float(var["Data.SamplingRate"]["Values"][0]), receivers=rec)


# ----------------------------------------------------------------------------------------------
# delay / aligned-remainder decomposition
# ----------------------------------------------------------------------------------------------

def onset_delay(h, rel=ONSET_REL, up=8):
    """Onset in samples: first crossing of ``rel`` x peak of |h| on an ``up``-times finer grid.

    A -26 dB threshold sits well above the measurement noise before the onset (< 1 % of the peak even
    for the shadowed ear) and gave the smallest leave-one-out interpolation error of the estimators
    tried (10 %/20 % thresholds, cross-correlation with the minimum-phase version, no alignment).
    """
    x = resample(h, h.shape[-1] * up, axis=-1)
    a = np.abs(x)
    return np.argmax(a > rel * a.max(axis=-1, keepdims=True), axis=-1) / up


def frac_shift(x, shift, nfft):
    """Shift x (last axis) later by ``shift`` samples (may be fractional/negative) via a phase ramp."""
    f = np.fft.rfftfreq(nfft)
    X = np.fft.rfft(x, nfft) * np.exp(-2j * np.pi * f * np.asarray(shift)[..., None])
    return np.fft.irfft(X, nfft)


def mirror_index(az, el):
    """Index j of the measurement at (-az, el) for each i (the MIT grid is mirror-closed)."""
    key = {(round(a % 360.0, 3), round(e, 3)): i for i, (a, e) in enumerate(zip(az, el))}
    return np.array([key[(round((360.0 - a) % 360.0, 3) % 360.0, round(e, 3))] for a, e in zip(az, el)])


def build_compact(sofa):
    """From read_sofa() output build the 16 kHz aligned HRIRs + per-ear delays (float64).

    The alignment shift is applied at 44.1 kHz (where everything below 8 kHz is far from Nyquist, so a
    phase-ramp shift is exact for the content that survives), then the aligned HRIR is resampled
    160/441 with scipy.signal.resample_poly and cut to NTAPS.
    """
    if sofa["fs"] != 44100:
        raise ValueError("expected 44.1 kHz")
    ir44 = sofa["ir"]
    tau44 = onset_delay(ir44)                                     # (M,2) samples at 44.1 kHz
    a44 = frac_shift(ir44, ALIGN_TAP * 44100.0 / FS - tau44, 1024)[..., :600]
    a16 = resample_poly(a44, 160, 441, axis=-1)
    kept = a16[..., :NTAPS]
    energy_kept = (kept ** 2).sum(-1) / (a16 ** 2).sum(-1)
    tau16 = tau44 * FS / 44100.0
    # delays stored relative to the earliest onset in the set (a common delay is meaningless)
    delay_s = (tau16 - tau16.min()) / FS
    return dict(az=sofa["az"], el=sofa["el"], dist=sofa["dist"], aligned=kept, delay_s=delay_s,
                energy_kept=energy_kept)


def save_compact(c, path=COMPACT_PATH):
    """Left ear only (the right ear is its mirror image), int16 with one global scale."""
    mi = mirror_index(c["az"], c["el"])
    err = np.abs(c["aligned"][:, 1] - c["aligned"][mi, 0]).max()
    if err > 1e-9 * np.abs(c["aligned"]).max() or np.abs(c["delay_s"][:, 1] - c["delay_s"][mi, 0]).max() > 1e-12:
        raise ValueError("HRIR set is not mirror-symmetric; cannot store the left ear only")
    left = c["aligned"][:, 0]
    scale = np.abs(left).max() / 32767.0
    q = np.round(left / scale).astype(np.int16)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.savez_compressed(path, az_deg=c["az"].astype(np.float64), el_deg=c["el"].astype(np.float64),
                        hrir_left_q=q, scale=np.float64(scale), delay_left_s=c["delay_s"][:, 0],
                        fs=np.int32(FS), dist_m=np.float64(c["dist"]), align_tap=np.int32(ALIGN_TAP))
    return path


def load_compact(path=COMPACT_PATH):
    z = np.load(path)
    az, el = z["az_deg"], z["el_deg"]
    mi = mirror_index(az, el)
    left = z["hrir_left_q"].astype(float) * float(z["scale"])
    dl = z["delay_left_s"].astype(float)
    return dict(az=az, el=el, dist=float(z["dist_m"]), aligned=np.stack([left, left[mi]], 1),
                delay_s=np.stack([dl, dl[mi]], 1))


# ----------------------------------------------------------------------------------------------
# interpolation over the measurement grid
# ----------------------------------------------------------------------------------------------

class Kemar:
    """KEMAR HRIR set with ring-wise bilinear interpolation.

    The MIT grid is a set of elevation rings (-40..90 deg step 10), each with equally spaced
    azimuths (72 near the horizon, 1 at the pole). For a direction (az, el): take the two rings
    around el, on each ring interpolate linearly in azimuth between the two neighbouring
    measurements (wrapping at 360), then linearly between the rings. Aligned HRIRs and delays are
    interpolated with the same 4 weights. Elevations below -40 deg (not measured) use the -40 ring.
    """

    def __init__(self, data, source):
        self.source = source
        self.az = np.mod(data["az"], 360.0)
        self.el = data["el"]
        self.dist = data["dist"]
        self.aligned = data["aligned"]          # (M,2,T) left, right
        self.delay_s = data["delay_s"]          # (M,2)
        self.ntaps = self.aligned.shape[-1]
        self.rings = np.unique(self.el)
        self.ring_idx = []
        for e in self.rings:
            idx = np.nonzero(self.el == e)[0]
            idx = idx[np.argsort(self.az[idx])]
            self.ring_idx.append(idx)
        self._diffuse = None

    # -- weights -------------------------------------------------------------------------------
    def _ring_weights(self, r, az):
        idx = self.ring_idx[r]
        if len(idx) == 1:
            return [(idx[0], 1.0)]
        azs = self.az[idx]
        step = 360.0 / len(idx)
        pos = (az - azs[0]) % 360.0 / step
        i0 = int(np.floor(pos)) % len(idx)
        w1 = pos - np.floor(pos)
        return [(idx[i0], 1.0 - w1), (idx[(i0 + 1) % len(idx)], w1)]

    def weights(self, az_deg, el_deg):
        """List of (measurement index, weight) for one direction."""
        az = az_deg % 360.0
        el = float(np.clip(el_deg, self.rings[0], self.rings[-1]))
        r1 = int(np.searchsorted(self.rings, el))
        if r1 == 0:
            return self._ring_weights(0, az)
        r0 = r1 - 1
        t = (el - self.rings[r0]) / (self.rings[r1] - self.rings[r0])
        out = [(i, w * (1 - t)) for i, w in self._ring_weights(r0, az)]
        out += [(i, w * t) for i, w in self._ring_weights(r1, az)]
        return [(i, w) for i, w in out if w > 0]

    def hrir(self, az_deg, el_deg):
        """(aligned (2,T), delay_s (2,)) interpolated for one direction (degrees, SOFA convention)."""
        wts = self.weights(az_deg, el_deg)
        idx = np.array([i for i, _ in wts])
        w = np.array([x for _, x in wts])
        return np.tensordot(w, self.aligned[idx], 1), w @ self.delay_s[idx]

    # -- diffuse-field statistics ----------------------------------------------------------------
    def solid_angle_weights(self):
        """Per-measurement solid-angle weights (sum 1) over the measured part of the sphere."""
        w = np.zeros(len(self.az))
        for e, idx in zip(self.rings, self.ring_idx):
            lo, hi = max(e - 5, -90), min(e + 5, 90)
            band = np.sin(np.radians(hi)) - np.sin(np.radians(lo))
            w[idx] = band / len(idx)
        return w / w.sum()

    def diffuse(self, nfft=512):
        """Diffuse-field power spectra per ear (nfft//2+1,) x2 and complex interaural coherence.

        Power spectra are normalised so that irfft-domain white noise filtered with sqrt(P) has
        per-sample variance equal to the solid-angle average HRIR energy of that ear.
        """
        if self._diffuse is None or self._diffuse[0] != nfft:
            w = self.solid_angle_weights()
            # full HRIRs (aligned + delay) matter for the coherence: apply the delays
            sh = self.delay_s * FS
            H = np.fft.rfft(self.aligned, nfft) * np.exp(
                -2j * np.pi * np.fft.rfftfreq(nfft)[None, None, :] * sh[..., None])
            PL = w @ np.abs(H[:, 0]) ** 2
            PR = w @ np.abs(H[:, 1]) ** 2
            CLR = w @ (H[:, 0] * np.conj(H[:, 1]))
            coh = CLR / np.sqrt(PL * PR + 1e-30)
            self._diffuse = (nfft, PL, PR, coh)
        return self._diffuse[1:]


def load_kemar(source="auto"):
    """source: 'auto' (SOFA if readable, else compact), 'sofa', or 'compact'."""
    if source in ("auto", "sofa"):
        try:
            c = build_compact(read_sofa())
            return Kemar(c, "sofa:" + SOFA_PATH)
        except (FileNotFoundError, OSError, subprocess.CalledProcessError):
            if source == "sofa":
                raise
    if not os.path.exists(COMPACT_PATH):
        raise FileNotFoundError("no SOFA file and no compact file at " + COMPACT_PATH)
    return Kemar(load_compact(), "compact:" + os.path.relpath(COMPACT_PATH))
