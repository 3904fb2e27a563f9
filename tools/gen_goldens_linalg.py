"""Golden references for tests/test_linalg.c (SVD, eigh, Sylvester, SVT, DCT).

Every input is a small float64 matrix made here (seeded) and saved beside its
reference, so the C test reads the very same numbers:
  la_svd_<case>_{a,s,u,vt}.npy   numpy.linalg.svd(A, full_matrices=False) for
      case = rand (12 x 8), wide (5 x 30), tall (40 x 6), rankdef (10 x 10,
      rank 4), illcond (9 x 9, singular values 1 .. 1e-8 log-spaced)
  la_eigh_<case>_{a,w,v}.npy     scipy.linalg.eigh(A) for case = rand (8 x 8),
      degen (7 x 7 with a triple eigenvalue), indef (6 x 6, mixed signs);
      and (own generator, seed 9090, so the files above are unchanged)
      clust (10 x 10, eigenvalues clustered within 1e-12 .. 1e-8), rankdef
      (12 x 12 PSD of rank 3), diag (6 x 6 diagonal, unsorted, a repeated
      value), n1 (1 x 1), n2 (2 x 2), rand40 (40 x 40): both eigensolvers
  la_syl_{m,n,r,c}.npy           scipy.linalg.solve_sylvester(M, N, R), M 5 x 5
      and N 7 x 7 symmetric positive definite, R 5 x 7
  la_path<T>_{m,r,c}.npy + la_path_beta.npy: solve_sylvester(M, beta L, R)
      with L the explicit T x T path-graph Laplacian, T = 9 and 16, M 4 x 4 SPD
  la_dct<T>_{x,y}.npy            scipy.fft.dct(x, type=2, norm="ortho") of 3 rows
  la_svt_{a,tau,out2,out05}.npy  singular value thresholding by the full
      numpy SVD of a 60 x 40 float32 matrix (rank 3 plus noise) at tau = 2
      and tau = 0.5 (stored in la_svt_tau.npy as [2, 0.5])

Usage: gen_goldens_linalg.py [--check] [--out DIR]
  --check  regenerate into a temporary directory and compare with the
           committed files (exit status 1 on any mismatch).
"""
import os
import sys

import numpy as np
import scipy.fft
import scipy.linalg

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden_check  # noqa: E402  (the --check harness every gen_goldens_*.py shares)


def orth(rng, n):
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return q


def svd_cases(rng):
    cases = {"rand": rng.standard_normal((12, 8)),
             "wide": rng.standard_normal((5, 30)),
             "tall": rng.standard_normal((40, 6))}
    cases["rankdef"] = rng.standard_normal((10, 4)) @ rng.standard_normal((4, 10))
    cases["illcond"] = orth(rng, 9) @ np.diag(np.logspace(0, -8, 9)) @ orth(rng, 9).T
    return cases


def eigh_cases(rng):
    a = rng.standard_normal((8, 8))
    q = orth(rng, 7)
    q6 = orth(rng, 6)
    return {"rand": a + a.T,
            "degen": q @ np.diag([3.0, 3.0, 3.0, -1.0, 0.5, 2.0, 7.0]) @ q.T,
            "indef": q6 @ np.diag([-5.0, -1e-3, 0.0, 1e-3, 2.0, 9.0]) @ q6.T}


def eigh_cases_more(rng):
    """The tridiagonal QL solver's cases (issue 9): clusters, rank
    deficiency, a diagonal input, the smallest sizes, one larger matrix."""
    q10, q12 = orth(rng, 10), rng.standard_normal((12, 3))
    a40 = rng.standard_normal((40, 40))
    clust = [1.0, 1.0 + 1e-12, 1.0 + 2e-12, 1.0 + 1e-9, 2.0, 2.0 + 1e-8, -3.0, -3.0 + 1e-13, 5.0, 0.0]
    return {"clust": q10 @ np.diag(clust) @ q10.T,
            "rankdef": q12 @ q12.T,
            "diag": np.diag([3.0, -1.0, 0.0, 2.0, 2.0, -7.0]),
            "n1": np.array([[-2.5]]),
            "n2": np.array([[1.0, 2.0], [2.0, -3.0]]),
            "rand40": a40 + a40.T}


def spd(rng, n):
    a = rng.standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


def path_laplacian(t):
    lap = 2.0 * np.eye(t) - np.eye(t, k=1) - np.eye(t, k=-1)
    lap[0, 0] = lap[-1, -1] = 1.0 if t > 1 else 0.0
    return lap


def write_all(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(909)

    def save(name, x):
        np.save(os.path.join(out, "la_%s.npy" % name), np.ascontiguousarray(x))

    for name, a in svd_cases(rng).items():
        u, s, vt = np.linalg.svd(a, full_matrices=False)
        save("svd_%s_a" % name, a)
        save("svd_%s_s" % name, s)
        save("svd_%s_u" % name, u)
        save("svd_%s_vt" % name, vt)
    def save_eigh(cases):
        for name, a in cases.items():
            w, v = scipy.linalg.eigh(a)
            save("eigh_%s_a" % name, a)
            save("eigh_%s_w" % name, w)
            save("eigh_%s_v" % name, v)

    save_eigh(eigh_cases(rng))
    m, n, r = spd(rng, 5), spd(rng, 7), rng.standard_normal((5, 7))
    save("syl_m", m)
    save("syl_n", n)
    save("syl_r", r)
    save("syl_c", scipy.linalg.solve_sylvester(m, n, r))
    beta = 0.7
    save("path_beta", np.array([beta]))
    for t in (9, 16):
        m, r = spd(rng, 4), rng.standard_normal((4, t))
        save("path%d_m" % t, m)
        save("path%d_r" % t, r)
        save("path%d_c" % t, scipy.linalg.solve_sylvester(m, beta * path_laplacian(t), r))
    for t in (9, 16):
        x = rng.standard_normal((3, t))
        save("dct%d_x" % t, x)
        save("dct%d_y" % t, scipy.fft.dct(x, type=2, norm="ortho", axis=1))
    low = rng.standard_normal((60, 3)) @ np.diag([50.0, 20.0, 8.0]) @ rng.standard_normal((3, 40)) / 7.0
    a = (low + 0.1 * rng.standard_normal((60, 40))).astype(np.float32)
    save("svt_a", a)
    taus = [2.0, 0.5]
    save("svt_tau", np.array(taus))
    u, s, vt = np.linalg.svd(a.astype(np.float64), full_matrices=False)
    for tau, tag in zip(taus, ("out2", "out05")):
        save("svt_%s" % tag, (u * np.maximum(s - tau, 0.0)) @ vt)
    save_eigh(eigh_cases_more(np.random.default_rng(9090)))


def _clusters(vals, rel=1e-6):
    """Index groups of (near-)equal values: eigenvectors or singular vectors
    are determined only up to a basis of each group's space."""
    vals = np.asarray(vals, dtype=np.float64)
    order = np.argsort(vals)
    tol = rel * max(float(np.max(np.abs(vals))), 1e-300)
    groups, cur = [], [int(order[0])]
    for i in order[1:]:
        if vals[i] - vals[cur[-1]] <= tol:
            cur.append(int(i))
        else:
            groups.append(cur)
            cur = [int(i)]
    groups.append(cur)
    return groups


def _same_spaces(old, fresh, vals, rows):
    """The projectors onto each group's vectors agree (columns, or rows when
    rows is true)."""
    if rows:
        old, fresh = old.T, fresh.T
    for g in _clusters(vals):
        po, pf = old[:, g] @ old[:, g].T, fresh[:, g] @ fresh[:, g].T
        if not np.allclose(po, pf, rtol=0, atol=1e-7):
            return False
    return True


def same(new_path, old_path):
    """LAPACK builds may differ in the last bits and in vector signs (which
    the C test ignores): compare up to those. Vectors of repeated, clustered
    or zero values (degen, clust, rankdef) are not unique: another LAPACK
    build or CPU (seen on an Intel AVX-512 machine, 2026-12-02) returns
    another basis of the same space, so those files are compared by the
    projectors onto each group of equal values (eigenvalues from the _w file,
    singular values from the _s file beside them)."""
    old, fresh = np.load(old_path), np.load(new_path)
    if old.shape != fresh.shape or old.dtype != fresh.dtype:
        return False
    if np.allclose(old, fresh, rtol=1e-9, atol=1e-9) or np.allclose(np.abs(old), np.abs(fresh), rtol=1e-9, atol=1e-9):
        return True
    name = os.path.basename(old_path)
    if name.startswith("la_eigh_") and name.endswith("_v.npy"):
        return _same_spaces(old, fresh, np.load(old_path[:-len("_v.npy")] + "_w.npy"), rows=False)
    if name.startswith("la_svd_") and (name.endswith("_u.npy") or name.endswith("_vt.npy")):
        base = old_path[:-len("_u.npy")] if name.endswith("_u.npy") else old_path[:-len("_vt.npy")]
        return _same_spaces(old, fresh, np.load(base + "_s.npy"), rows=name.endswith("_vt.npy"))
    return False


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "golden")
    return golden_check.main("linalg", write_all, out, same)


if __name__ == "__main__":
    sys.exit(main())
