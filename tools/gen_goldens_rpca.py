"""Golden references for tests/test_rpca.c (the audio-visual ADMM of
avloc_rpca.h), a numpy/scipy rendition in float64 of the same steps:

- rpca_av_init_*: the initialisation (R = X minus its per-row temporal median,
  C0 = top-K eigenvectors of R_v^T R_v/|R_v|^2 + R_a^T R_a/|R_a|^2 as rows,
  D0 = R C0^T, P0 = D0 C0) and mu0 = 1.25 / max(||V||_2, ||A||_2);
- rpca_av_in_* -> rpca_av_out_*: one iteration (Algorithm 1, steps 4-15, with
  the ridge of docs/rpca.md) from a random state, every variable and
  multiplier compared; the C step by scipy.linalg.solve_sylvester with the
  explicit path Laplacian (an independent route from the library's DCT).
- rpca_av_params: K, lambda1, lambda2, lambda3, rho, ridge, mu0, mu.
- rpca_corr_map: the audio-visual correlation map of rpca_av_V / rpca_av_A
  (rows: power 2, power 1), written straight from its definition in
  docs/rpca.md with numpy's median and corrcoef.
- rpca_box_mean: avloc_rpca_box_mean_f32 of rpca_av_V (24 x 10) for the boxes
  3x5, 7x1, 1x1 and 25x11 (wider than the input), as scipy.ndimage's
  uniform_filter (mode 'constant') divided by the same filter of ones: the
  mean over the part of the box inside the array.
- rpca_hull_maps / rpca_hull_masks: avloc_rpca_mask_hull_u8 on 20 x 28 maps
  (a broken ring, a far stray peak, blobs a few pixels apart, noise) for the
  (thresh, link) pairs of HULL_CASES: the region by scipy.ndimage (geodesic
  reconstruction: the peak dilated by a (2 link + 1) square within the
  strong pixels, >= min(2 thresh, 1) of the max, until it stops growing;
  then the weak pixels, >= thresh, inside its dilation by a
  (2 ceil(link / 2) + 1) square), the hull by scipy.spatial.ConvexHull, a
  pixel kept when its centre satisfies every facet's inequality (1e-9
  slack).
- rpca_act_V / rpca_act_region / rpca_act_A -> rpca_activity: the visual
  activity (avloc_rpca_activity_f32) of a 40-pixel, 80-frame scene whose
  region (15 pixels) brightens and darkens with one envelope, by
  numpy.linalg.svd (the top right singular vector of the region's rows minus
  their means, signed to correlate with the audio change) and np.percentile
  (5th and 95th, linear), clipped to [0, 1]; an independent route from the
  library's power iteration.

Inputs are stored as float32 and the references computed in float64 from
those exact values.

Usage: gen_goldens_rpca.py [--check] [--out DIR]
  --check  regenerate into a temporary directory and compare with the
           committed files (exit status 1 on any mismatch).
"""
import os
import sys

import numpy as np
import scipy.linalg
import scipy.ndimage
import scipy.spatial

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden_check  # noqa: E402  (the --check harness every gen_goldens_*.py shares)

I1, I2, T, K = 24, 12, 10, 2
LAM1, LAM2, LAM3, RHO, RIDGE, MU = 0.08, 0.15, 0.3, 1.2, 1e-3, 1.5


def path_laplacian(t):
    L = np.zeros((t, t))
    for i in range(t - 1):
        L[i, i] += 1
        L[i + 1, i + 1] += 1
        L[i, i + 1] -= 1
        L[i + 1, i] -= 1
    return L


def shrink(x, tau):
    return np.sign(x) * np.maximum(np.abs(x) - tau, 0.0)


def svt(x, tau):
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    return (u * np.maximum(s - tau, 0.0)) @ vt


def start(V, A):
    Rv = V - np.median(V, axis=1)[:, None]
    Ra = A - np.median(A, axis=1)[:, None]
    G = Rv.T @ Rv / np.sum(Rv * Rv) + Ra.T @ Ra / np.sum(Ra * Ra)
    w, E = np.linalg.eigh(G)
    C0 = E[:, ::-1][:, :K].T.copy()
    for k in range(K):  # sign: largest-magnitude entry positive
        if C0[k, np.argmax(np.abs(C0[k]))] < 0:
            C0[k] = -C0[k]
    Dv, Da = Rv @ C0.T, Ra @ C0.T
    mu0 = 1.25 / max(np.linalg.norm(V, 2), np.linalg.norm(A, 2))
    return Dv @ C0, Da @ C0, mu0


def iterate(V, A, s, mu):
    Bv, Ba, Pv, Pa, Dv, Da, C, Y, Z, G, F = (s[k] for k in
                                              ("Bv", "Ba", "Pv", "Pa", "Dv", "Da", "C", "Y", "Z", "G", "F"))
    DCv, DCa = Dv @ C, Da @ C
    Bv = svt(V - DCv + Y / mu, 1 / mu)
    Ba = svt(A - DCa + Z / mu, 1 / mu)
    Pv = shrink(DCv + G / mu, LAM1 / mu)
    Pa = shrink(DCa + F / mu, LAM2 / mu)
    Wv = V - Bv + Pv + (Y - G) / mu
    Wa = A - Ba + Pa + (Z - F) / mu
    Kinv = np.linalg.inv(C @ C.T + RIDGE * np.eye(K))
    Dv = 0.5 * Wv @ C.T @ Kinv
    Da = 0.5 * Wa @ C.T @ Kinv
    M = Dv.T @ Dv + Da.T @ Da + RIDGE * np.eye(K)
    R = 0.5 * (Dv.T @ Wv + Da.T @ Wa)
    C = scipy.linalg.solve_sylvester(M, (LAM3 / mu) * path_laplacian(T), R)
    DCv, DCa = Dv @ C, Da @ C
    Y = Y + mu * (V - Bv - DCv)
    Z = Z + mu * (A - Ba - DCa)
    G = G + mu * (DCv - Pv)
    F = F + mu * (DCa - Pa)
    return dict(Bv=Bv, Ba=Ba, Pv=Pv, Pa=Pa, Dv=Dv, Da=Da, C=C, Y=Y, Z=Z, G=G, F=F)


def corr_map(V, A, power):
    """map[p] = sum_t |Rv[p]| * max(0, corr(|Rv[p]|, e))^power, Rv = V - row median,
    e = sum_f |A - row median|."""
    R = np.abs(V - np.median(V, axis=1, keepdims=True))
    e = np.abs(A - np.median(A, axis=1, keepdims=True)).sum(axis=0)
    c = np.array([np.corrcoef(r, e)[0, 1] if r.std() > 0 else 0.0 for r in R])
    return R.sum(axis=1) * np.maximum(c, 0.0) ** power


BOXES = ((3, 5), (7, 1), (1, 1), (25, 11))


def box_mean(x, box):
    ones = np.ones_like(x)
    f = lambda a: scipy.ndimage.uniform_filter(a, size=box, mode="constant", cval=0.0)
    return f(x) / f(ones)


HULL_CASES = ((0.1, 8), (0.1, 2), (0.3, 1), (0.05, 4))


def activity(V, region, A):
    X = V[region > 0]
    X = X - X.mean(axis=1, keepdims=True)
    e = np.abs(A - np.median(A, axis=1, keepdims=True)).sum(axis=0)
    u = np.linalg.svd(X, full_matrices=False)[2][0]
    if np.dot(u, e - e.mean()) < 0:
        u = -u
    lo, hi = np.percentile(u, [5, 95])
    return np.clip((u - lo) / (hi - lo), 0.0, 1.0)


def activity_scene():
    """40 pixels x 80 frames: pixels 5-19 follow one envelope (some
    brighten, some darken, as a mouth's lips and inside), the rest a
    distractor's own motion and noise; 6 bins of sound with the envelope."""
    rng = np.random.default_rng(77)
    P, T, B = 40, 80, 6
    env = np.convolve(np.maximum(rng.standard_normal(T + 6), 0.0), np.ones(7) / 7, mode="valid")[:T]
    own = np.sin(0.37 * np.arange(T))
    w = rng.uniform(0.2, 0.5, P) * np.where(rng.random(P) < 0.4, -1.0, 1.0)
    V = 0.5 + 0.1 * rng.random((P, 1)) + 0.01 * rng.standard_normal((P, T))
    region = np.zeros(P, np.float32)
    region[5:20] = 1.0
    V[5:20] += np.outer(w[5:20], env)
    V[25:32] += np.outer(w[25:32], own)
    A = 1.0 + np.outer(rng.uniform(0.5, 2.0, B), env) + 0.05 * np.abs(rng.standard_normal((B, T)))
    return V.astype(np.float32), region, A.astype(np.float32)


def hull_maps(rng):
    """Four 20 x 28 maps: small background noise plus structures that the link
    and the threshold decide between."""
    h, w = 20, 28
    yy, xx = np.mgrid[0:h, 0:w]
    maps = []
    ring = np.abs(np.hypot((yy - 9) / 6.0, (xx - 12) / 8.0) - 1.0) < 0.18
    ring &= ~((yy == 9) & (xx < 12))  # broken on the left
    m = 0.02 * rng.random((h, w)) + ring * (0.5 + 0.5 * rng.random((h, w)))
    m[17, 25] = 0.6  # a stray peak far from the ring
    maps.append(m)
    m = 0.03 * rng.random((h, w))
    m[3:6, 3:6] += 1.0
    m[4:7, 9:11] += 0.5  # 3 columns from the first blob
    m[12:15, 20:24] += 0.4  # far away
    maps.append(m)
    m = 0.01 * rng.random((h, w))
    for y, x in ((2, 2), (5, 9), (11, 4), (14, 15), (8, 22), (18, 27)):
        m[y, x] = 0.3 + 0.7 * rng.random()
    maps.append(m)
    maps.append(rng.random((h, w)) ** 6)
    return np.array(maps, dtype=np.float32)


def hull_mask(m, thresh, link):
    m = m.astype(np.float64)
    strong = m >= min(2 * thresh, 1.0) * m.max()
    reach = np.zeros_like(strong)
    reach[np.unravel_index(np.argmax(m), m.shape)] = True
    square = np.ones((2 * link + 1, 2 * link + 1), bool)
    while True:
        grown = (scipy.ndimage.binary_dilation(reach, square) & strong) | reach
        if (grown == reach).all():
            break
        reach = grown
    r = (link + 1) // 2
    near = scipy.ndimage.binary_dilation(reach, np.ones((2 * r + 1, 2 * r + 1), bool)) if r else reach
    reach = reach | (near & (m >= thresh * m.max()))
    ys, xs = np.nonzero(reach)
    sel = np.c_[xs, ys].astype(np.float64)
    py, px = np.mgrid[0:m.shape[0], 0:m.shape[1]]
    pts = np.c_[px.ravel(), py.ravel()].astype(np.float64)
    if np.linalg.matrix_rank(sel - sel[0]) < 2:  # a point or a segment: the pixels on it
        a, b = sel[np.argmin(sel @ [1, 1e-3])], sel[np.argmax(sel @ [1, 1e-3])]
        d, r = b - a, pts - a
        inside = (np.abs(d[0] * r[:, 1] - d[1] * r[:, 0]) < 1e-9) & (r @ d >= 0) & (r @ d <= d @ d)
        inside &= (np.abs(r).sum(axis=1) == 0) | (d @ d > 0)  # one point: itself only
    else:
        hull = scipy.spatial.ConvexHull(sel)
        inside = np.all(pts @ hull.equations[:, :2].T + hull.equations[:, 2] <= 1e-9, axis=1)
    return (inside.reshape(m.shape) | reach).astype(np.uint8) * 255


def write_all(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(9)
    f32 = lambda x: np.asarray(x, dtype=np.float32)
    V = f32(0.5 + 0.3 * rng.random((I1, T)))
    V[5:9, 3:7] += 0.6  # a sounding patch
    A = f32(np.abs(rng.standard_normal((I2, T))) * 0.3 + 1.0)
    A[2:5, 3:7] += 0.8
    save = lambda n, x: np.save(os.path.join(out, n), x)
    save("rpca_av_V.npy", V)
    save("rpca_av_A.npy", A)
    V64, A64 = V.astype(np.float64), A.astype(np.float64)
    Pv0, Pa0, mu0 = start(V64, A64)
    save("rpca_av_init_Pv.npy", Pv0)
    save("rpca_av_init_Pa.npy", Pa0)
    shapes = dict(Bv=(I1, T), Ba=(I2, T), Pv=(I1, T), Pa=(I2, T), Dv=(I1, K), Da=(I2, K), C=(K, T),
                  Y=(I1, T), Z=(I2, T), G=(I1, T), F=(I2, T))
    state = {}
    for name, shp in shapes.items():
        x = f32(rng.standard_normal(shp) * (0.3 if name in "YZGF" else 0.5))
        save("rpca_av_in_%s.npy" % name, x)
        state[name] = x.astype(np.float64)
    res = iterate(V64, A64, state, MU)
    for name, x in res.items():
        save("rpca_av_out_%s.npy" % name, x)
    save("rpca_av_params.npy", np.array([K, LAM1, LAM2, LAM3, RHO, RIDGE, mu0, MU]))
    save("rpca_corr_map.npy", np.stack([corr_map(V64, A64, 2.0), corr_map(V64, A64, 1.0)]))
    save("rpca_box_mean.npy", np.stack([box_mean(V64, b) for b in BOXES]))
    maps = hull_maps(rng)
    save("rpca_hull_maps.npy", maps)
    save("rpca_hull_masks.npy", np.array([[hull_mask(m, t, l) for (t, l) in HULL_CASES] for m in maps]))
    Va, ra, Aa = activity_scene()
    save("rpca_act_V.npy", Va)
    save("rpca_act_region.npy", ra)
    save("rpca_act_A.npy", Aa)
    save("rpca_activity.npy", activity(Va.astype(np.float64), ra, Aa.astype(np.float64)))


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "golden")
    return golden_check.main("rpca", write_all, out, golden_check.npy_close(1e-12, 1e-12))


if __name__ == "__main__":
    sys.exit(main())
