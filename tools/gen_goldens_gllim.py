#!/usr/bin/python3
"""Golden files for tests/test_gllim.c (GLLiM EM, inverse map, Theorem 1).

    /usr/bin/python3 tools/gen_goldens_gllim.py           # write tests/golden/gllim_*.npy
    /usr/bin/python3 tools/gen_goldens_gllim.py --check   # regenerate into a temp dir and compare

Everything is float64 except masks (uint8). --check compares with rtol 1e-9
(BLAS builds may differ in the last bits) and exits 1 on any mismatch or a
missing / extra file.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gllim_ref as G  # noqa: E402
import golden_check  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "tests", "golden")
TYPES = [("dt", "d*"), ("d", "d"), ("i", "i"), ("it", "i*")]


def gen(out):
    def save(name, arr):
        np.save(os.path.join(out, "gllim_" + name + ".npy"), arr)

    # --- EM: N=200, L=2, D=12, K=4, same soft initial responsibilities for C and numpy
    rng = np.random.default_rng(20240611)
    N, L, D, K = 200, 2, 12, 4
    th0 = G.random_model(rng, K, L, D, "d")
    X, Y = G.sample(rng, th0, N)
    cent = X[rng.choice(N, K, replace=False)]
    lr = -((X[:, None, :] - cent[None, :, :]) ** 2).sum(axis=2) / (2 * 2.0 ** 2)
    R0 = np.exp(lr - lr.max(axis=1, keepdims=True))
    R0 /= R0.sum(axis=1, keepdims=True)
    save("em_X", X); save("em_Y", Y); save("em_R0", R0)
    for tag, st in TYPES:
        th, lls = G.em(X, Y, R0, st, 10)
        save("em_%s_theta" % tag, G.flat(th))
        save("em_%s_ll" % tag, lls)

    # --- EM where the variance floor binds: dims 0-2 of Y are one exact
    # linear function of X for every point, so their fitted residual variance
    # is ~0 and sigma^2 sits exactly on the floor var_floor_rel * var_d(Y)
    # (default 1e-6); the floor's value then moves sigma^2 and the LL
    rng = np.random.default_rng(20261130)
    N, L, D, K = 200, 2, 8, 3
    th0 = G.random_model(rng, K, L, D, "d")
    X, Y = G.sample(rng, th0, N)
    Y[:, :3] = X @ rng.normal(size=(3, L)).T + rng.normal(size=3)
    cent = X[rng.choice(N, K, replace=False)]
    lr = -((X[:, None, :] - cent[None, :, :]) ** 2).sum(axis=2) / (2 * 2.0 ** 2)
    R0 = np.exp(lr - lr.max(axis=1, keepdims=True))
    R0 /= R0.sum(axis=1, keepdims=True)
    save("emfloor_X", X); save("emfloor_Y", Y); save("emfloor_R0", R0)
    for tag, st in (("dt", "d*"), ("d", "d")):
        th, lls = G.em(X, Y, R0, st, 5)
        assert np.allclose(th["sigma2"][:, :3], G.floors(Y, st)[:3]), "floor does not bind"
        save("emfloor_%s_theta" % tag, G.flat(th))
        save("emfloor_%s_ll" % tag, lls)

    # --- inverse map with explicit Gamma*: K=3, L=2, D=8, untied diagonal Sigma
    rng = np.random.default_rng(7)
    th = G.random_model(rng, 3, 2, 8, "d")
    ys = np.stack([th["A"][k % 3] @ th["c"][k % 3] + th["b"][k % 3] + rng.normal(size=8) for k in range(6)])
    xs = []; als = []
    for y in ys:
        x, a = G.inverse_map(th, y)
        xs.append(x); als.append(a)
    save("inv_theta", G.flat(th)); save("inv_y", ys); save("inv_x", np.array(xs)); save("inv_alpha", np.array(als))

    # --- Theorem 1 by brute-force numerical Bayes: K=3, L=2, D=10, T=6
    for tag, st, seed in (("tied", "d*", 11), ("untied", "d", 12)):
        rng = np.random.default_rng(seed)
        th = G.random_model(rng, 3, 2, 10, st)
        xt = th["c"][1] + rng.normal(size=2) * 0.5
        T = 6
        Yt = np.stack([th["A"][1] @ xt + th["b"][1] + rng.normal(size=10) * np.sqrt(th["sigma2"][1]) for _ in range(T)])
        M = (rng.uniform(size=(T, 10)) < 0.3).astype(np.uint8)
        nu, mu, V = G.brute_posterior(th, Yt, M)
        nu2, mu2, V2 = G.theorem1(th, Yt, M)
        assert np.allclose(nu, nu2, rtol=1e-6, atol=1e-12) and np.allclose(mu, mu2, rtol=1e-6) and np.allclose(V, V2, rtol=1e-6), \
            "closed form and brute force disagree"
        save("post_%s_theta" % tag, G.flat(th)); save("post_%s_Y" % tag, Yt); save("post_%s_M" % tag, M)
        save("post_%s_nu" % tag, nu); save("post_%s_mu" % tag, mu); save("post_%s_V" % tag, V)

    # --- tempered Theorem 1 (obs_weight 0.2) with several comparable components:
    # K=4 components that nearly agree (close c, A, b), so nu is spread and
    # every term of log nu_k matters; Y is float32-representable so C and
    # numpy see the same data (nu compared with an absolute tolerance)
    for tag, st, seed in (("tied", "d*", 31), ("untied", "d", 32)):
        rng = np.random.default_rng(seed)
        K, L, D, T, ow = 4, 2, 10, 8, 0.2
        th = G.random_model(rng, K, L, D, st)
        th["A"] = th["A"][0][None] + 0.05 * rng.normal(size=(K, D, L))
        th["b"] = th["b"][0][None] + 0.1 * rng.normal(size=(K, D))
        th["c"] = th["c"][0][None] + 0.7 * rng.normal(size=(K, L))
        xt = th["c"][1] + rng.normal(size=2) * 0.5
        Yt = np.stack([th["A"][1] @ xt + th["b"][1] + rng.normal(size=D) * np.sqrt(th["sigma2"][1]) for _ in range(T)])
        Yt = Yt.astype(np.float32).astype(np.float64)
        M = (rng.uniform(size=(T, D)) < 0.3).astype(np.uint8)
        nu, mu, V = G.theorem1(th, Yt, M, ow)
        nub, mub, Vb = G.brute_posterior(th, Yt, M, ow=ow)
        assert np.allclose(nu, nub, rtol=1e-6, atol=1e-9) and np.allclose(mu, mub, rtol=1e-6) and np.allclose(V, Vb, rtol=1e-6), \
            "tempered closed form and brute force disagree"
        assert nu.min() > 0.004 and nu.max() < 0.9, "components not comparable: %s" % nu
        save("tpost_%s_theta" % tag, G.flat(th)); save("tpost_%s_Y" % tag, Yt); save("tpost_%s_M" % tag, M)
        save("tpost_%s_nu" % tag, nu); save("tpost_%s_mu" % tag, mu); save("tpost_%s_V" % tag, V)


def main():
    # rtol 1e-9: BLAS builds may differ in the last bits
    return golden_check.main("gllim", gen, GOLDEN, golden_check.npy_close(1e-9, 1e-12), prefix="gllim_")


if __name__ == "__main__":
    sys.exit(main())
