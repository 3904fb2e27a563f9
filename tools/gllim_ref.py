"""Straight numpy rendition of GLLiM (forward model x -> y) for avloc's tests.

Written for clarity, not speed: residuals are formed explicitly, Gamma*_k is
formed as a D x D matrix, and the Theorem-1 posterior is also computed by
brute-force numerical Bayes on a 2-D grid. The guards mirror avloc_gllim.h:
  - Gamma_k += gamma_reg * s_x * I (s_x = mean per-dimension variance of X),
    and A_k uses this regularised Gamma_k;
  - sigma^2 >= max(var_floor_rel * var_d(Y), var_floor_abs) (mean over d of
    var_d for the isotropic types).
Sigma types: 'd*' (diag tied), 'd' (diag), 'i' (iso), 'i*' (iso tied).
Parameters: pi (K), c (K,L), Gamma (K,L,L), A (K,D,L), b (K,D), sigma2 (K,D).
"""
import numpy as np

LOG2PI = np.log(2.0 * np.pi)


def floors(Y, sigma_type, rel=1e-6, absf=1e-12):
    var = Y.var(axis=0)
    if sigma_type in ("i", "i*"):
        return np.full(Y.shape[1], max(rel * var.mean(), absf))
    return np.maximum(rel * var, absf)


def ridge(X, gamma_reg=1e-8):
    sx = X.var(axis=0).mean()
    return gamma_reg * (sx if sx > 0 else 1.0)


def mstep(X, Y, R, sigma_type, vfloor, eps):
    N, L = X.shape
    D = Y.shape[1]
    K = R.shape[1]
    pi = np.zeros(K); c = np.zeros((K, L)); Gam = np.zeros((K, L, L))
    A = np.zeros((K, D, L)); b = np.zeros((K, D)); s2 = np.zeros((K, D))
    for k in range(K):
        r = R[:, k]
        rb = r.sum()
        pi[k] = rb / N
        c[k] = r @ X / rb
        Xc = X - c[k]
        Graw = (r[:, None] * Xc).T @ Xc / rb
        Gam[k] = Graw + eps * np.eye(L)
        yb = r @ Y / rb
        Cyx = (r[:, None] * (Y - yb)).T @ Xc / rb
        A[k] = np.linalg.solve(Gam[k], Cyx.T).T
        b[k] = yb - A[k] @ c[k]
        res = Y - X @ A[k].T - b[k]
        s2[k] = r @ (res ** 2) / rb
    if sigma_type in ("d*", "i*"):
        tied = (pi[:, None] * s2).sum(axis=0)
        if sigma_type == "i*":
            tied = np.full(D, tied.mean())
        s2[:] = np.maximum(tied, vfloor)
    elif sigma_type == "i":
        s2 = np.maximum(s2.mean(axis=1, keepdims=True), vfloor[None, :1]) * np.ones((1, D))
    else:
        s2 = np.maximum(s2, vfloor[None, :])
    return dict(pi=pi, c=c, Gamma=Gam, A=A, b=b, sigma2=s2)


def log_gauss_x(X, c, G):
    L = X.shape[1]
    d = X - c
    Gi = np.linalg.inv(G)
    return -0.5 * (L * LOG2PI + np.linalg.slogdet(G)[1] + np.einsum("ni,ij,nj->n", d, Gi, d))


def estep(X, Y, th):
    N, D = Y.shape
    K = th["pi"].size
    lr = np.zeros((N, K))
    for k in range(K):
        res = Y - X @ th["A"][k].T - th["b"][k]
        ly = -0.5 * (D * LOG2PI + np.log(th["sigma2"][k]).sum() + (res ** 2 / th["sigma2"][k]).sum(axis=1))
        lr[:, k] = np.log(th["pi"][k]) + log_gauss_x(X, th["c"][k], th["Gamma"][k]) + ly
    mx = lr.max(axis=1, keepdims=True)
    lse = mx[:, 0] + np.log(np.exp(lr - mx).sum(axis=1))
    return np.exp(lr - lse[:, None]), lse.sum()


def em(X, Y, R0, sigma_type, iters, gamma_reg=1e-8, rel=1e-6, absf=1e-12):
    """iters iterations of (M-step, E-step) from R0; returns theta, LL trace."""
    vf = floors(Y, sigma_type, rel, absf)
    eps = ridge(X, gamma_reg)
    R = R0.copy()
    lls = []
    th = None
    for _ in range(iters):
        th = mstep(X, Y, R, sigma_type, vf, eps)
        R, ll = estep(X, Y, th)
        lls.append(ll)
    return th, np.array(lls)


def flat(th):
    return np.concatenate([th[k].ravel() for k in ("pi", "c", "Gamma", "A", "b", "sigma2")])


def inverse_map(th, y):
    """E[x|y] and alpha* with Gamma*_k formed explicitly (small D only)."""
    K, D, L = th["A"].shape
    la = np.zeros(K); means = np.zeros((K, L))
    for k in range(K):
        A, b, c, G = th["A"][k], th["b"][k], th["c"][k], th["Gamma"][k]
        S = np.diag(th["sigma2"][k])
        cs = A @ c + b
        Gs = S + A @ G @ A.T
        Ss = np.linalg.inv(np.linalg.inv(G) + A.T @ np.linalg.inv(S) @ A)
        As = Ss @ A.T @ np.linalg.inv(S)
        bs = Ss @ (np.linalg.inv(G) @ c - A.T @ np.linalg.inv(S) @ b)
        u = y - cs
        la[k] = np.log(th["pi"][k]) - 0.5 * (D * LOG2PI + np.linalg.slogdet(Gs)[1] + u @ np.linalg.solve(Gs, u))
        means[k] = As @ y + bs
    al = np.exp(la - la.max()); al /= al.sum()
    return al @ means, al


def theorem1(th, Yt, M, ow=1.0):
    """Closed-form posterior (Theorem 1 with the -1/2 sum chi log sigma^2 term).
    Yt: T x D series, M: T x D mask. Returns nu, mu, V. ow: tempering, each
    active point counts ow times (every data term scaled, the prior not)."""
    K, D, L = th["A"].shape
    lnu = np.zeros(K); mu = np.zeros((K, L)); V = np.zeros((K, L, L))
    S0 = M.sum(axis=0).astype(float)
    for k in range(K):
        A, b, c, G = th["A"][k], th["b"][k], th["c"][k], th["Gamma"][k]
        s2 = th["sigma2"][k]
        Gi = np.linalg.inv(G)
        P = Gi + ow * (A.T * (S0 / s2)) @ A
        h = Gi @ c + ow * (A.T @ (((M * (Yt - b)).sum(axis=0)) / s2))
        V[k] = np.linalg.inv(P)
        mu[k] = V[k] @ h
        e = ow * (M * (Yt - b) ** 2 / s2).sum()
        lnu[k] = (np.log(th["pi"][k]) - 0.5 * np.linalg.slogdet(P)[1] - 0.5 * np.linalg.slogdet(G)[1]
                  - 0.5 * (e + c @ Gi @ c - mu[k] @ P @ mu[k]) - 0.5 * ow * (S0 * np.log(s2)).sum())
    nu = np.exp(lnu - lnu.max()); nu /= nu.sum()
    return nu, mu, V


def _log_joint_grid(th, k, Yt, M, g0, g1, ow=1.0):
    """log pi_k N(x; c_k, Gamma_k) prod N(y_dt; a.x + b, s2)^(ow chi) on the grid g0 x g1 (L = 2)."""
    A, b, c, G = th["A"][k], th["b"][k], th["c"][k], th["Gamma"][k]
    s2 = th["sigma2"][k]
    x0, x1 = np.meshgrid(g0, g1, indexing="ij")
    P = np.stack([x0.ravel(), x1.ravel()], axis=1)
    out = np.log(th["pi"][k]) + log_gauss_x(P, c, G)
    pred = P @ A.T + b                        # (npts, D)
    for t in range(Yt.shape[0]):
        act = M[t].astype(bool)
        if not act.any():
            continue
        r = Yt[t, act][None, :] - pred[:, act]
        out += -0.5 * ow * (LOG2PI * act.sum() + np.log(s2[act]).sum() + (r ** 2 / s2[act]).sum(axis=1))
    return out.reshape(x0.shape)


def brute_posterior(th, Yt, M, n=401, zooms=12, drop=60.0, ow=1.0):
    """Numerical Bayes on an adaptive 2-D grid, per component (joint p(x, z=k | S)),
    each point's likelihood raised to the power ow. Returns nu, mu, V."""
    K = th["pi"].size
    logZ = np.zeros(K); mu = np.zeros((K, 2)); V = np.zeros((K, 2, 2))
    for k in range(K):
        sd = np.sqrt(np.diag(th["Gamma"][k]))
        lo = th["c"][k] - 10 * sd
        hi = th["c"][k] + 10 * sd
        for it in range(zooms + 1):
            g0 = np.linspace(lo[0], hi[0], n); g1 = np.linspace(lo[1], hi[1], n)
            lj = _log_joint_grid(th, k, Yt, M, g0, g1, ow)
            if it == zooms:
                break
            keep = lj > lj.max() - drop
            i0 = np.where(keep.any(axis=1))[0]; i1 = np.where(keep.any(axis=0))[0]
            span = hi - lo
            if i0[0] == 0 or i1[0] == 0 or i0[-1] == n - 1 or i1[-1] == n - 1:
                # mass touches the border: grow that side and look again
                lo = lo - span * np.array([i0[0] == 0, i1[0] == 0])
                hi = hi + span * np.array([i0[-1] == n - 1, i1[-1] == n - 1])
                continue
            h0 = g0[1] - g0[0]; h1 = g1[1] - g1[0]
            lo = np.array([g0[i0[0]] - 2 * h0, g1[i1[0]] - 2 * h1])
            hi = np.array([g0[i0[-1]] + 2 * h0, g1[i1[-1]] + 2 * h1])
        h0 = g0[1] - g0[0]; h1 = g1[1] - g1[0]
        mx = lj.max()
        w = np.exp(lj - mx)
        Z = w.sum()
        logZ[k] = mx + np.log(Z * h0 * h1)
        x0, x1 = np.meshgrid(g0, g1, indexing="ij")
        m0 = (w * x0).sum() / Z; m1 = (w * x1).sum() / Z
        mu[k] = [m0, m1]
        d0 = x0 - m0; d1 = x1 - m1
        V[k] = [[(w * d0 * d0).sum() / Z, (w * d0 * d1).sum() / Z],
                [(w * d0 * d1).sum() / Z, (w * d1 * d1).sum() / Z]]
    nu = np.exp(logZ - logZ.max()); nu /= nu.sum()
    return nu, mu, V


def random_model(rng, K, L, D, sigma_type):
    """A well-conditioned random GLLiM."""
    pi = rng.uniform(0.5, 1.5, K); pi /= pi.sum()
    c = rng.uniform(-5, 5, (K, L))
    G = np.zeros((K, L, L))
    for k in range(K):
        B = rng.normal(size=(L, L))
        G[k] = B @ B.T * 0.5 + 0.5 * np.eye(L)
    A = rng.normal(size=(K, D, L))
    b = rng.normal(size=(K, D)) * 2
    if sigma_type == "d*":
        s2 = np.tile(rng.uniform(0.2, 1.0, D), (K, 1))
    elif sigma_type == "d":
        s2 = rng.uniform(0.2, 1.0, (K, D))
    elif sigma_type == "i":
        s2 = np.tile(rng.uniform(0.2, 1.0, (K, 1)), (1, D))
    else:
        s2 = np.full((K, D), 0.5)
    return dict(pi=pi, c=c, Gamma=G, A=A, b=b, sigma2=s2)


def sample(rng, th, N):
    K, D, L = th["A"].shape
    z = rng.choice(K, size=N, p=th["pi"])
    X = np.zeros((N, L)); Y = np.zeros((N, D))
    for n in range(N):
        k = z[n]
        X[n] = rng.multivariate_normal(th["c"][k], th["Gamma"][k])
        Y[n] = th["A"][k] @ X[n] + th["b"][k] + rng.normal(size=D) * np.sqrt(th["sigma2"][k])
    return X, Y
