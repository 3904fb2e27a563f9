"""Camera geometry and binaural room impulse responses for the avloc KEMAR scene simulator.

Frames
  head : x = front (optical axis), y = LEFT, z = up  (the SOFA listener frame)
  image: pinhole 640 x 480, 60 deg horizontal FOV, u to the right, v down, continuous pixel coordinates
         with the principal point at (W/2, H/2) = (320, 240); pixel (i, j) covers [j, j+1) x [i, i+1).
  azimuth  : SOFA convention, counter-clockwise seen from above, POSITIVE = LEFT, in (-180, 180]
  elevation: positive = up.  So u > 320 gives azimuth < 0 and v > 240 gives elevation < 0.

Rooms
  anechoic: the interpolated KEMAR HRIR pair at the pixel's direction, 1.4 m (the measurement distance).
  reverb  : shoebox image-source method up to ``max_order`` reflections (uniform wall reflection
            coefficient beta = sqrt(1 - alpha), alpha from Eyring's formula for the requested RT60),
            each image rendered with the HRIR of its own arrival direction in the head frame, a 1/r gain
            relative to the 1.4 m direct path and a windowed-sinc fractional delay; plus a diffuse tail.
"""

import math
from dataclasses import dataclass

import numpy as np

from kemar_hrtf import ALIGN_TAP, FS

C_SOUND = 343.0
W, H, HFOV_DEG = 640, 480, 60.0
LN1E6 = math.log(1e6)

# fractional delay: Kaiser-windowed sinc, taps k = -FD_HALF+1 .. FD_HALF around the integer position
FD_HALF = 32
FD_BETA = 5.65      # <= -54 dB error up to 7.5 kHz for any fraction
OFFSET = FD_HALF          # every IR starts FD_HALF samples early so the filter fits


# ----------------------------------------------------------------------------------------------
# camera
# ----------------------------------------------------------------------------------------------

def focal_px(w=W, hfov_deg=HFOV_DEG):
    return (w / 2.0) / math.tan(math.radians(hfov_deg) / 2.0)


def pixel_to_dir(u, v, w=W, h=H, hfov_deg=HFOV_DEG):
    """Unit ray (head frame) through pixel (u, v)."""
    f = focal_px(w, hfov_deg)
    d = np.array([1.0, -(u - w / 2.0) / f, -(v - h / 2.0) / f])
    return d / np.linalg.norm(d)


def dir_to_azel(d):
    """(azimuth, elevation) in degrees, azimuth in (-180, 180], positive = left."""
    az = math.degrees(math.atan2(d[1], d[0]))
    el = math.degrees(math.atan2(d[2], math.hypot(d[0], d[1])))
    return az, el


def azel_to_pixel(az, el, w=W, h=H, hfov_deg=HFOV_DEG):
    f = focal_px(w, hfov_deg)
    a, e = math.radians(az), math.radians(el)
    d = (math.cos(e) * math.cos(a), math.cos(e) * math.sin(a), math.sin(e))
    return w / 2.0 - f * d[1] / d[0], h / 2.0 - f * d[2] / d[0]


# ----------------------------------------------------------------------------------------------
# room
# ----------------------------------------------------------------------------------------------

@dataclass
class Room:
    dims: tuple = (6.0, 5.0, 3.0)          # Lx, Ly, Lz in metres
    head: tuple = (2.0, 2.2, 1.5)          # head centre (ears' midpoint) in the room
    yaw_deg: float = 0.0                   # head (and camera) rotation about z; 0 = facing +x
    rt60: float = 0.4                      # seconds
    max_order: int = 3

    def volume(self):
        return self.dims[0] * self.dims[1] * self.dims[2]

    def surface(self):
        lx, ly, lz = self.dims
        return 2 * (lx * ly + lx * lz + ly * lz)

    def alpha(self):
        """Uniform absorption from Eyring: RT60 = 0.161 V / (-S ln(1 - alpha))."""
        return 1.0 - math.exp(-0.161 * self.volume() / (self.surface() * self.rt60))

    def beta(self):
        return math.sqrt(1.0 - self.alpha())

    def rot(self):
        """Head-to-room rotation matrix."""
        c, s = math.cos(math.radians(self.yaw_deg)), math.sin(math.radians(self.yaw_deg))
        return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])

    def source_pos(self, d_head, dist):
        return np.asarray(self.head) + dist * (self.rot() @ d_head)

    def wall_clearance(self, p):
        p = np.asarray(p)
        return float(min(np.min(p), np.min(np.asarray(self.dims) - p)))


def image_sources(room, src, max_order):
    """Images of ``src`` with reflection order <= max_order: (positions (K,3), orders (K,))."""
    axes = []
    for a in range(3):
        L, s = room.dims[a], src[a]
        opts = []
        for n in range(-max_order, max_order + 1):
            opts.append((2 * n * L + s, abs(2 * n)))          # even number of reflections
            opts.append((2 * n * L - s, abs(2 * n - 1)))      # odd number
        axes.append([o for o in opts if o[1] <= max_order])
    pos, order = [], []
    for x, ox in axes[0]:
        for y, oy in axes[1]:
            if ox + oy > max_order:
                continue
            for z, oz in axes[2]:
                o = ox + oy + oz
                if o <= max_order:
                    pos.append((x, y, z))
                    order.append(o)
    return np.array(pos), np.array(order)


def frac_delay_filter(frac):
    """Taps k = -FD_HALF+1 .. FD_HALF of sinc(k - frac) under a Kaiser window centred on the true
    delay ``frac`` in [0, 1) (so the filter is symmetric about it: linear phase, no extra delay)."""
    t = np.arange(-FD_HALF + 1, FD_HALF + 1) - frac
    x = np.clip(1.0 - (t / (FD_HALF + 0.5)) ** 2, 0.0, 1.0)
    return np.sinc(t) * np.i0(FD_BETA * np.sqrt(x)) / np.i0(FD_BETA)


def add_component(out, aligned, delay_samples, gain):
    """Add gain * aligned HRIR pair (2,T) delayed by delay_samples (per ear, fractional) into out."""
    for ear in range(2):
        p = OFFSET + delay_samples[ear]
        n = int(math.floor(p))
        fd = frac_delay_filter(p - n)
        y = np.convolve(aligned[ear], fd) * gain
        start = n - FD_HALF + 1
        end = min(start + len(y), out.shape[1])
        if end > start:
            out[ear, start:end] += y[: end - start]


def anechoic_ir(kemar, az, el):
    """HRIR pair (2, L) for one direction, with the same framing as the reverberant IRs."""
    aligned, dly = kemar.hrir(az, el)
    L = OFFSET + int(math.ceil(kemar.delay_s.max() * FS)) + kemar.ntaps + FD_HALF + 1
    out = np.zeros((2, L))
    add_component(out, aligned, dly * FS, 1.0)
    return out


def diffuse_tail(kemar, room, n, t0_samples, gap, rng, dist, coherent=True):
    """Diffuse reverberation (2, n): Gaussian noise per ear, coloured by the solid-angle-averaged
    KEMAR power response of that ear, with the diffuse-field interaural coherence computed from the
    KEMAR set (``coherent``; else independent ears), shaped by exp(-ln(1e6) t / RT60) at the
    statistical level of the image-source field: energy per second dist^2 * 4 pi c / V (per unit HRIR
    energy) at emission time t, the expected arrival rate of images times their 1/r^2 beta^2n gain.

    ``gap`` = (start, end, rendered): before ``start`` (first arrival of an image of order
    max_order+1) there is no tail; between ``start`` and ``end`` (last rendered reflection) the tail
    supplies only what the rendered images lack, max(0, statistical - rendered) with ``rendered`` the
    per-sample image energy smoothed over 10 ms; after ``end`` it carries the full statistical level.
    """
    nfft = 1 << int(math.ceil(math.log2(n + 512)))
    PL, PR, coh = kemar.diffuse(512)
    f_small = np.fft.rfftfreq(512)
    f_big = np.fft.rfftfreq(nfft)
    pl = np.interp(f_big, f_small, PL)
    pr = np.interp(f_big, f_small, PR)
    cr = np.interp(f_big, f_small, coh.real) + 1j * np.interp(f_big, f_small, coh.imag)
    if not coherent:
        cr = np.zeros_like(cr)
    mag = np.minimum(np.abs(cr), 1.0)
    n1 = np.fft.rfft(rng.standard_normal(nfft))
    n2 = np.fft.rfft(rng.standard_normal(nfft))
    xl = np.sqrt(pl) * n1
    xr = np.sqrt(pr) * (np.conj(cr) * n1 + np.sqrt(1 - mag ** 2) * n2)
    tail = np.fft.irfft(np.stack([xl, xr]), nfft)[:, :n]
    # time axis: sample index -> seconds since emission (t0_samples is the direct path's position)
    t_emit = (np.arange(n) - t0_samples) / FS + dist / C_SOUND
    var = dist ** 2 * 4 * math.pi * C_SOUND / room.volume() / FS * np.exp(-LN1E6 * t_emit / room.rt60)
    a, b, rendered = gap
    idx = np.arange(n)
    fill = np.clip(var - rendered[:n], 0.0, None)
    var = np.where(idx < a, 0.0, np.where(idx < b, fill, var))
    return tail * np.sqrt(var)


def room_ir(kemar, room, d_head, dist, rng, tail=True, coherent=True, return_info=False):
    """Binaural room impulse response (2, L) for a source at ``dist`` along head-frame ray d_head."""
    src = room.source_pos(d_head, dist)
    imgs, orders = image_sources(room, src, room.max_order)
    head = np.asarray(room.head)
    rel = imgs - head
    r = np.linalg.norm(rel, axis=1)
    r0 = float(r[orders == 0][0])
    beta = room.beta()
    d_local = rel @ room.rot()                   # rows: room->head frame (R^T v)
    t_rel = (r - r0) / C_SOUND * FS              # samples after the direct path
    max_ear = kemar.delay_s.max() * FS
    t_last = float(t_rel.max())
    # first arrival that is NOT rendered: shortest order max_order+1 image path
    imgs_next, ord_next = image_sources(room, src, room.max_order + 1)
    r_next = np.linalg.norm(imgs_next[ord_next == room.max_order + 1] - head, axis=1).min()
    t_next = (r_next - r0) / C_SOUND * FS
    L = OFFSET + int(math.ceil(t_last + max_ear)) + kemar.ntaps + FD_HALF + 1
    if tail:
        L = max(L, OFFSET + int(math.ceil(t_last + room.rt60 * FS)))
    out = np.zeros((2, L))
    for k in range(len(r)):
        az = math.degrees(math.atan2(d_local[k, 1], d_local[k, 0]))
        el = math.degrees(math.atan2(d_local[k, 2], math.hypot(d_local[k, 0], d_local[k, 1])))
        aligned, dly = kemar.hrir(az, el)
        add_component(out, aligned, t_rel[k] + dly * FS, dist / r[k] * beta ** orders[k])
    # the aligned HRIR onsets sit at OFFSET + ALIGN_TAP + ear delay; the tail is timed from them
    t0 = OFFSET + ALIGN_TAP
    if tail:
        # per-sample energy of the rendered reflections (order >= 1), smoothed over 10 ms
        rendered = np.zeros(L)
        refl = orders > 0
        np.add.at(rendered, np.round(t0 + t_rel[refl]).astype(int), (dist / r[refl] * beta ** orders[refl]) ** 2)
        win = np.hanning(int(0.01 * FS) + 2)[1:-1]
        rendered = np.convolve(rendered, win / win.sum(), mode="same")
        gap = (t0 + min(t_next, t_last), t0 + t_last, rendered)
        out += diffuse_tail(kemar, room, L, t0, gap, rng, dist, coherent)
    if return_info:
        return out, dict(n_images=len(r), t_next_ms=t_next / FS * 1e3, t_last_ms=t_last / FS * 1e3,
                         alpha=room.alpha(), beta=beta, src=src, t0=t0)
    return out


def schroeder_rt60(ir, lo=-5.0, hi=-25.0):
    """RT60 from a linear fit of the Schroeder energy decay curve between lo and hi dB (T20 default)."""
    e = np.sum(np.atleast_2d(ir) ** 2, axis=0)
    edc = np.cumsum(e[::-1])[::-1]
    edc_db = 10 * np.log10(edc / edc[0] + 1e-300)
    i0 = int(np.argmax(edc_db <= lo))
    i1 = int(np.argmax(edc_db <= hi))
    if i1 <= i0:
        return float("nan")
    t = np.arange(i0, i1) / FS
    slope = np.polyfit(t, edc_db[i0:i1], 1)[0]
    return -60.0 / slope
