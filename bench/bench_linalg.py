#!/usr/bin/python3
"""Linear algebra benchmark: avloc (bench/bench_linalg.c) against numpy/scipy
(LAPACK through OpenBLAS, held to one thread) on the same matrices, in the
same run, interleaved (each round runs avloc then numpy on every case; the
table keeps each side's best CPU time over the rounds). Prints a markdown
table (docs/benchmarks.md) with the accuracy of avloc's results against
LAPACK's.

    make -C bench ../build/bench/bench_linalg
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/bench_linalg.py [--rounds 3] [--quick]
"""
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import scipy.linalg  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.join(HERE, "..", "build", "bench", "bench_linalg")


def video_like(m, n, rng):
    """Rank-5 background with decaying energy + 5 % sparse spikes + noise:
    the shape of RPCA's data matrix (pixels x frames)."""
    u = rng.standard_normal((m, 5)).astype(np.float32)
    v = rng.standard_normal((5, n)).astype(np.float32)
    a = (u * np.array([40, 12, 6, 3, 1.5], np.float32)) @ v / np.float32(np.sqrt(n))
    mask = rng.random((m, n)) < 0.05
    a[mask] += rng.standard_normal(mask.sum()).astype(np.float32) * 2
    return a + 0.01 * rng.standard_normal((m, n)).astype(np.float32)


def cpu(fn):
    t0 = time.process_time()
    r = fn()
    return time.process_time() - t0, r


def run_c(args):
    out = subprocess.run([BIN] + [str(a) for a in args], check=True, capture_output=True, text=True)
    return out.stdout.split()


def main():
    args = sys.argv[1:]
    rounds = int(args[args.index("--rounds") + 1]) if "--rounds" in args else 3
    quick = "--quick" in args
    rng = np.random.default_rng(7)
    tmp = tempfile.mkdtemp(prefix="avloc-la-")
    m_big = 9600 if quick else 76800
    big = video_like(m_big, 200, rng)
    big.tofile(os.path.join(tmp, "big.f32"))
    sq = rng.standard_normal((257, 300))
    sq.tofile(os.path.join(tmp, "sq.f64"))
    sq.astype(np.float32).tofile(os.path.join(tmp, "sq.f32"))
    sy = rng.standard_normal((200, 200))
    sy = sy + sy.T
    sy.tofile(os.path.join(tmp, "sy.f64"))
    s_big = np.linalg.svd(big.astype(np.float64), compute_uv=False)
    s_sq = np.linalg.svd(sq, compute_uv=False)
    w_sy = scipy.linalg.eigh(sy, eigvals_only=True)
    tau = float(0.5 * (s_big[7] + s_big[8]))  # SVT keeps 8 values
    u, s, vt = np.linalg.svd(big.astype(np.float64), full_matrices=False)
    svt_ref = (u * np.maximum(s - tau, 0)) @ vt
    del u, vt
    best = {}

    def keep(key, t):
        best[key] = min(best.get(key, 1e30), t)

    info = {}
    for _ in range(rounds):
        # avloc
        t = run_c(["svd64", os.path.join(tmp, "sq.f64"), 257, 300, 1, os.path.join(tmp, "s64")])
        keep("c_svd64", float(t[0]))
        t = run_c(["svd32", os.path.join(tmp, "sq.f32"), 257, 300, 1, os.path.join(tmp, "s32")])
        keep("c_svd32", float(t[0]))
        t = run_c(["eigh", os.path.join(tmp, "sy.f64"), 200, 1, os.path.join(tmp, "w")])
        keep("c_eigh", float(t[0]))
        for k in (5, 10, 20):
            t = run_c(["tsvd", os.path.join(tmp, "big.f32"), m_big, 200, k, 2, 1, os.path.join(tmp, "ts%d" % k)])
            keep("c_tsvd%d" % k, float(t[0]))
            keep("c_tsvdw%d" % k, float(t[1]))
        t = run_c(["svt", os.path.join(tmp, "big.f32"), m_big, 200, tau, 40, 1, os.path.join(tmp, "svt")])
        keep("c_svt", float(t[0]))
        keep("c_svtcold", float(t[2]))
        info["svt_rank"] = int(t[1])
        t = run_c(["sylpath", 20, 300, 1])
        keep("c_sylpath", float(t[0]))
        keep("c_sylsym", float(t[1]))
        info["syl_err"] = float(t[2])
        # numpy / scipy
        keep("np_svd64", cpu(lambda: np.linalg.svd(sq, full_matrices=False))[0])
        sq32 = sq.astype(np.float32)
        keep("np_svd32", cpu(lambda: np.linalg.svd(sq32, full_matrices=False))[0])
        keep("np_eigh", cpu(lambda: scipy.linalg.eigh(sy))[0])
        keep("np_svdbig", cpu(lambda: np.linalg.svd(big, full_matrices=False))[0])

        def np_svt():
            uu, ss, vv = np.linalg.svd(big, full_matrices=False)
            return (uu * np.maximum(ss - tau, 0)) @ vv
        keep("np_svt", cpu(np_svt)[0])
        mm = np.eye(20) * 20 + 1.0 / (1.0 + np.add.outer(np.arange(20), np.arange(20)))
        lap = 2 * np.eye(300) - np.eye(300, k=1) - np.eye(300, k=-1)
        lap[0, 0] = lap[-1, -1] = 1
        rr = rng.standard_normal((20, 300))
        keep("np_syl", cpu(lambda: scipy.linalg.solve_sylvester(mm, lap, rr))[0])

    def rel(a, b):
        return float(np.max(np.abs(a - b) / np.abs(b)))
    s64 = np.fromfile(os.path.join(tmp, "s64"))
    s32 = np.fromfile(os.path.join(tmp, "s32"))
    w = np.fromfile(os.path.join(tmp, "w"))
    out = np.fromfile(os.path.join(tmp, "svt.out"), dtype=np.float32).reshape(m_big, 200)
    svt_err = float(np.linalg.norm(out - svt_ref) / np.linalg.norm(svt_ref))
    print("shape/case | avloc (s) | numpy/scipy (s) | ratio (numpy/avloc) | accuracy vs LAPACK")
    print("---|---|---|---|---")

    def row(name, c, p, acc):
        print("%s | %.4f | %.4f | %.2f | %s" % (name, c, p, p / c, acc))
    row("Jacobi SVD f64 257 x 300 (U, s, Vt) vs gesdd", best["c_svd64"], best["np_svd64"],
        "max rel err of s: %.1e" % rel(s64, s_sq))
    row("Jacobi SVD f32 257 x 300 vs float gesdd", best["c_svd32"], best["np_svd32"],
        "max rel err of s: %.1e" % rel(s32, s_sq))
    row("eigh 200 x 200 vs scipy.linalg.eigh", best["c_eigh"], best["np_eigh"],
        "max abs err of w over max abs w: %.1e" % (np.max(np.abs(w - w_sy)) / np.max(np.abs(w_sy))))
    for k in (5, 10, 20):
        sk = np.fromfile(os.path.join(tmp, "ts%d" % k))
        row("tsvd rank %d of %d x 200 f32, cold (2 power its) vs full numpy SVD" % (k, m_big),
            best["c_tsvd%d" % k], best["np_svdbig"],
            "max rel err of s: low-rank part (s[:5]) %.1e, flat tail (s[5:k]) %s"
            % (rel(sk[:5], s_big[:5]), "%.1e" % rel(sk[5:], s_big[5:k]) if k > 5 else "-"))
        row("tsvd rank %d, warm start (1 power it)" % k, best["c_tsvdw%d" % k], best["np_svdbig"], "")
    row("SVT of %d x 200 (rank %d kept), first call (cold)" % (m_big, info["svt_rank"]),
        best["c_svtcold"], best["np_svt"], "")
    row("SVT, later calls (warm, 1 power it) vs numpy full-SVD SVT",
        best["c_svt"], best["np_svt"], "rel Frobenius err: %.1e" % svt_err)
    row("path Sylvester k 20, T 300 (DCT) vs scipy solve_sylvester", best["c_sylpath"], best["np_syl"],
        "vs explicit-L eigh solve: %.1e" % info["syl_err"])
    row("symmetric Sylvester k 20, T 300 (two Jacobi eigh) vs scipy", best["c_sylsym"], best["np_syl"], "")
    print("\n(%d rounds interleaved, best CPU time each; OPENBLAS_NUM_THREADS=%s)"
          % (rounds, os.environ.get("OPENBLAS_NUM_THREADS")))


if __name__ == "__main__":
    main()
