/* GLLiM: EM against tools/gllim_ref.py, recovery of a known model, Theorem 1
   against brute-force numerical Bayes, inverse map, streaming, bad inputs.
   Set AVLOC_GLLIM_BENCH=1 to also time training (N=432, D=1536, K=32) and
   the posterior (T=90, D=1536). */
#ifndef AVLOC_TEST_SHARED_IMPL /* else the Makefile links the library's objects (tests/impl/) */
#define AVLOC_IMPLEMENTATION
#endif
#include "../avloc_gllim.h"
#include "harness.h"
#include "gllim_util.h"
#include <time.h>

/* ------------------------------------------------------------ helpers */

/* A safetensors image with only the metadata pairs kv (NULL-terminated key,
   value list) in buf; returns its size (0 when it does not fit). */
static size_t meta_only_file(unsigned char *buf, size_t cap, const char *const *kv)
{
    avloc_st_writer w;
    size_t tot = 0;
    avloc_st_begin(&w, buf, cap);
    for (; kv[0]; kv += 2) avloc_st_add_meta(&w, kv[0], kv[1]);
    return avloc_st_finish(&w, &tot) == AVLOC_OK ? tot : 0;
}

/* max |a-b| / max |b| over a group */
static double group_err(const double *a, const double *b, size_t n)
{
    double e = 0.0, s = 0.0;
    size_t i;
    for (i = 0; i < n; i++) {
        if (fabs(a[i] - b[i]) > e) e = fabs(a[i] - b[i]);
        if (fabs(b[i]) > s) s = fabs(b[i]);
    }
    return s > 0 ? e / s : e;
}

static uint64_t rng_state = 88172645463325252ULL;
static double urand(void)
{
    rng_state ^= rng_state << 13; rng_state ^= rng_state >> 7; rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) * (1.0 / 9007199254740992.0);
}
static double nrand(void)
{
    double u = urand(), v = urand();
    if (u < 1e-300) u = 1e-300;
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

static double now_s(void) { return (double)clock() / CLOCKS_PER_SEC; }

/* A random well-conditioned model (L = 2). */
static void random_model(avloc_gllim_model *m, avloc_gllim_sigma st, double cspread, double noise)
{
    size_t K = m->K, D = m->D, L = m->L, k, d, l;
    double ps = 0.0, shared[4096];
    m->sigma_type = st;
    for (d = 0; d < D && d < 4096; d++) shared[d] = noise * (0.2 + 0.8 * urand());
    for (k = 0; k < K; k++) {
        double a = 0.5 + urand(), iso = noise * (0.2 + 0.8 * urand());
        m->pi[k] = 0.5 + urand(); ps += m->pi[k];
        for (l = 0; l < L; l++) m->c[k * L + l] = cspread * (urand() * 2 - 1);
        m->Gamma[k * 4 + 0] = a; m->Gamma[k * 4 + 3] = 0.5 + urand();
        m->Gamma[k * 4 + 1] = m->Gamma[k * 4 + 2] = 0.3 * (urand() - 0.5);
        for (d = 0; d < D; d++) {
            for (l = 0; l < L; l++) m->A[(k * D + d) * L + l] = nrand();
            m->b[k * D + d] = 2 * nrand();
            switch (st) {
            case AVLOC_GLLIM_SIGMA_DIAG_TIED: m->sigma2[k * D + d] = shared[d]; break;
            case AVLOC_GLLIM_SIGMA_DIAG: m->sigma2[k * D + d] = noise * (0.2 + 0.8 * urand()); break;
            case AVLOC_GLLIM_SIGMA_ISO: m->sigma2[k * D + d] = iso; break;
            default: m->sigma2[k * D + d] = 0.5 * noise; break;
            }
        }
    }
    for (k = 0; k < K; k++) m->pi[k] /= ps;
}

/* Draws (x, y) from a 2-D model. */
static void sample_model(const avloc_gllim_model *m, double *x, double *y)
{
    size_t K = m->K, D = m->D, k = 0, d;
    double u = urand(), acc = 0.0, l00, l10, l11, z0, z1;
    for (k = 0; k < K - 1; k++) { acc += m->pi[k]; if (u < acc) break; }
    l00 = sqrt(m->Gamma[k * 4]); l10 = m->Gamma[k * 4 + 2] / l00;
    l11 = sqrt(m->Gamma[k * 4 + 3] - l10 * l10);
    z0 = nrand(); z1 = nrand();
    x[0] = m->c[k * 2] + l00 * z0;
    x[1] = m->c[k * 2 + 1] + l10 * z0 + l11 * z1;
    for (d = 0; d < D; d++)
        y[d] = m->A[(k * D + d) * 2] * x[0] + m->A[(k * D + d) * 2 + 1] * x[1] + m->b[k * D + d] +
               sqrt(m->sigma2[k * D + d]) * nrand();
}

/* ------------------------------------------------- EM against numpy */

typedef struct trace { double ll[256]; int n; } trace;
static int record(void *u, int it, double ll)
{
    trace *t = (trace *)u;
    if (t->n < 256) t->ll[t->n++] = ll;
    (void)it;
    return 0;
}

static void test_em_reference(void)
{
    static const char *tags[4] = {"dt", "d", "i", "it"};
    static const avloc_gllim_sigma types[4] = {AVLOC_GLLIM_SIGMA_DIAG_TIED, AVLOC_GLLIM_SIGMA_DIAG,
                                               AVLOC_GLLIM_SIGMA_ISO, AVLOC_GLLIM_SIGMA_ISO_TIED};
    th_array X, Y, R0;
    const size_t N = 200, L = 2, D = 12, K = 4;
    int t;
    if (th_load_npy(TH_GOLDEN_DIR "gllim_em_X.npy", &X) || th_load_npy(TH_GOLDEN_DIR "gllim_em_Y.npy", &Y) ||
        th_load_npy(TH_GOLDEN_DIR "gllim_em_R0.npy", &R0)) {
        CHECK(!"gllim_em goldens load");
        return;
    }
    CHECK(X.n == N * L && Y.n == N * D && R0.n == N * K);
    for (t = 0; t < 4; t++) {
        char path[256];
        th_array th, ll;
        tmodel tm;
        avloc_gllim_train_config cfg = avloc_gllim_train_config_default();
        avloc_gllim_train_info info;
        size_t sb, i, off = 0;
        void *scr;
        trace tr;
        double worst = 0.0;
        static const char *names[6] = {"pi", "c", "Gamma", "A", "b", "sigma2"};
        size_t lens[6];
        lens[0] = K; lens[1] = K * L; lens[2] = K * L * L; lens[3] = K * D * L; lens[4] = K * D; lens[5] = K * D;
        sprintf(path, TH_GOLDEN_DIR "gllim_em_%s_theta.npy", tags[t]);
        if (th_load_npy(path, &th)) { CHECK(!"theta golden"); continue; }
        sprintf(path, TH_GOLDEN_DIR "gllim_em_%s_ll.npy", tags[t]);
        if (th_load_npy(path, &ll)) { CHECK(!"ll golden"); th_free(&th); continue; }
        CHECK(th.n == theta_len(K, L, D) && ll.n == 10);
        cfg.K = K;
        cfg.sigma_type = types[t];
        cfg.max_iter = 10;
        cfg.tol = 0.0;
        cfg.init_resp = R0.data;
        tr.n = 0;
        cfg.progress = record;
        cfg.user = &tr;
        CHECK(tmodel_make(&tm, K, L, D));
        CHECK(avloc_gllim_train_query(&cfg, N, L, D, &sb) == AVLOC_OK);
        scr = malloc(sb);
        CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X.data, Y.data, N, &tm.m, scr, sb, &info), AVLOC_OK);
        CHECK_EQ_INT(info.iterations, 10);
        CHECK_EQ_INT(info.K_used, 4);
        CHECK_EQ_INT(tr.n, 10);
        for (i = 0; i < 6; i++) {
            const double *mine = i == 0 ? tm.m.pi : i == 1 ? tm.m.c : i == 2 ? tm.m.Gamma : i == 3 ? tm.m.A
                               : i == 4 ? tm.m.b : tm.m.sigma2;
            double e = group_err(mine, th.data + off, lens[i]);
            CHECK_MSG(e <= 1e-5, "%s: %s rel err %.3g", tags[t], names[i], e);
            if (e > worst) worst = e;
            off += lens[i];
        }
        {
            double lle = 0.0;
            int mono = 1;
            for (i = 0; i < 10 && (int)i < tr.n; i++) {
                double e = fabs(tr.ll[i] - ll.data[i]) / fabs(ll.data[i]);
                if (e > lle) lle = e;
                if (i > 0 && tr.ll[i] < tr.ll[i - 1] - 1e-9 * fabs(tr.ll[i])) mono = 0;
            }
            CHECK_MSG(lle <= 1e-8, "%s: LL rel err %.3g", tags[t], lle);
            CHECK_MSG(mono, "%s: LL not monotone", tags[t]);
            CHECK_NEAR(info.loglik, ll.data[9], 1e-8 * fabs(ll.data[9]));
            if (getenv("AVLOC_VERBOSE"))
                fprintf(stderr, "  em %-2s: worst param rel err %.2e, LL err %.2e\n", tags[t], worst, lle);
        }
        free(scr);
        tmodel_free(&tm);
        th_free(&th);
        th_free(&ll);
    }
    th_free(&X); th_free(&Y); th_free(&R0);
}

/* EM to convergence with k-means init: monotone LL, determinism, restarts. */
static void test_em_monotone_and_init(void)
{
    const size_t N = 600, L = 2, D = 16, K = 5;
    tmodel truth, a, b;
    double *X = (double *)malloc(N * L * sizeof(double)), *Y = (double *)malloc(N * D * sizeof(double));
    avloc_gllim_train_config cfg = avloc_gllim_train_config_default();
    avloc_gllim_train_info ia, ib;
    size_t n, sb;
    void *scr;
    int t;
    trace tr;
    rng_state = 12345;
    CHECK(tmodel_make(&truth, K, L, D) && tmodel_make(&a, K, L, D) && tmodel_make(&b, K, L, D));
    random_model(&truth.m, AVLOC_GLLIM_SIGMA_DIAG, 4.0, 0.3);
    for (n = 0; n < N; n++) sample_model(&truth.m, X + n * L, Y + n * D);
    for (t = 1; t <= 4; t++) {
        int mono = 1, i;
        cfg.K = K;
        cfg.sigma_type = (avloc_gllim_sigma)t;
        cfg.max_iter = 200;
        cfg.tol = 1e-6;
        cfg.progress = record;
        cfg.user = &tr;
        tr.n = 0;
        CHECK(avloc_gllim_train_query(&cfg, N, L, D, &sb) == AVLOC_OK);
        scr = malloc(sb);
        CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, Y, N, &a.m, scr, sb, &ia), AVLOC_OK);
        for (i = 1; i < tr.n; i++)
            if (tr.ll[i] < tr.ll[i - 1] - 1e-9 * fabs(tr.ll[i])) mono = 0;
        CHECK_MSG(mono || ia.n_reseeded || ia.n_removed, "type %d: LL decreased", t);
        CHECK(ia.iterations >= 3);
        /* same seed -> identical model */
        cfg.progress = NULL;
        CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, Y, N, &b.m, scr, sb, &ib), AVLOC_OK);
        CHECK(ia.loglik == ib.loglik && a.m.K == b.m.K && memcmp(a.m.A, b.m.A, a.m.K * D * L * sizeof(double)) == 0);
        free(scr);
    }
    /* restarts keep the best: n_init = 4 is never worse than each single seed */
    {
        double best = -HUGE_VAL;
        uint64_t s;
        cfg.sigma_type = AVLOC_GLLIM_SIGMA_DIAG_TIED;
        cfg.progress = NULL;
        for (s = 0; s < 4; s++) {
            cfg.seed = 1 + s * (uint64_t)0x632BE59BD9B4E019ULL;
            cfg.n_init = 1;
            avloc_gllim_train_query(&cfg, N, L, D, &sb);
            scr = malloc(sb);
            CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, Y, N, &a.m, scr, sb, &ia), AVLOC_OK);
            if (ia.loglik > best) best = ia.loglik;
            free(scr);
        }
        cfg.seed = 1;
        cfg.n_init = 4;
        avloc_gllim_train_query(&cfg, N, L, D, &sb);
        scr = malloc(sb);
        CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, Y, N, &a.m, scr, sb, &ia), AVLOC_OK);
        CHECK_NEAR(ia.loglik, best, 1e-9 * fabs(best));
        free(scr);
    }
    /* k-means init: hard, deterministic, every point assigned once */
    {
        double *R1 = (double *)malloc(N * K * sizeof(double)), *R2 = (double *)malloc(N * K * sizeof(double));
        int ok = 1;
        size_t k;
        cfg.n_init = 1;
        avloc_gllim_train_query(&cfg, N, L, D, &sb);
        scr = malloc(sb);
        CHECK_EQ_INT(avloc_gllim_kmeans_init(X, N, L, K, 7, 10, R1, scr, sb), AVLOC_OK);
        CHECK_EQ_INT(avloc_gllim_kmeans_init(X, N, L, K, 7, 10, R2, scr, sb), AVLOC_OK);
        CHECK(memcmp(R1, R2, N * K * sizeof(double)) == 0);
        for (n = 0; n < N; n++) {
            double s = 0;
            for (k = 0; k < K; k++) { s += R1[n * K + k]; if (R1[n * K + k] != 0.0 && R1[n * K + k] != 1.0) ok = 0; }
            if (s != 1.0) ok = 0;
        }
        CHECK(ok);
        free(R1); free(R2); free(scr);
    }
    tmodel_free(&truth); tmodel_free(&a); tmodel_free(&b);
    free(X); free(Y);
}

/* Train on a known model, check the learned inverse map predicts x nearly as
   well as the true model's inverse map. */
static void test_recovery(void)
{
    const size_t N = 4000, L = 2, D = 20, K = 3, NT = 500;
    tmodel truth, learnt;
    double *X = (double *)malloc(N * L * sizeof(double)), *Y = (double *)malloc(N * D * sizeof(double));
    double x[2], y[20], xe[2], al[8], err_true = 0.0, err_learnt = 0.0, spread = 0.0;
    avloc_gllim_train_config cfg = avloc_gllim_train_config_default();
    avloc_gllim_train_info info;
    size_t n, sb;
    void *scr;
    rng_state = 777;
    CHECK(tmodel_make(&truth, K, L, D) && tmodel_make(&learnt, K, L, D));
    random_model(&truth.m, AVLOC_GLLIM_SIGMA_DIAG_TIED, 6.0, 0.05);
    CHECK_EQ_INT(avloc_gllim_model_prepare(&truth.m), AVLOC_OK);
    for (n = 0; n < N; n++) sample_model(&truth.m, X + n * L, Y + n * D);
    cfg.K = K;
    cfg.n_init = 3;
    cfg.tol = 1e-6;
    avloc_gllim_train_query(&cfg, N, L, D, &sb);
    scr = malloc(sb);
    CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, Y, N, &learnt.m, scr, sb, &info), AVLOC_OK);
    for (n = 0; n < NT; n++) {
        sample_model(&truth.m, x, y);
        avloc_gllim_inverse_f64(&truth.m, y, xe, al);
        err_true += hypot(xe[0] - x[0], xe[1] - x[1]);
        avloc_gllim_inverse_f64(&learnt.m, y, xe, al);
        err_learnt += hypot(xe[0] - x[0], xe[1] - x[1]);
        spread += hypot(x[0], x[1]);
    }
    err_true /= NT; err_learnt /= NT; spread /= NT;
    CHECK_MSG(err_learnt <= 1.1 * err_true + 0.01, "recovery: learnt %.4f vs true %.4f", err_learnt, err_true);
    CHECK_MSG(err_learnt < 0.05 * spread, "recovery: err %.4f vs spread %.3f", err_learnt, spread);
    if (getenv("AVLOC_VERBOSE"))
        fprintf(stderr, "  recovery: mean |x-E[x|y]| learnt %.4f, true model %.4f (|x| ~ %.2f), %zu it\n",
                err_learnt, err_true, spread, info.iterations);
    free(scr); free(X); free(Y);
    tmodel_free(&truth); tmodel_free(&learnt);
}

/* ---------------------------------------------- Theorem 1: brute force */

/* log of pi_k N(x; c_k, Gamma_k) prod_{dt} N(y_dt; a.x + b, s2)^chi, direct sums */
static double log_joint(const avloc_gllim_model *m, size_t k, const float *Yt, const unsigned char *M,
                        size_t T, double x0, double x1)
{
    size_t D = m->D, t, d;
    const double *G = m->Gamma + k * 4, *c = m->c + k * 2;
    double det = G[0] * G[3] - G[1] * G[2], dx0 = x0 - c[0], dx1 = x1 - c[1];
    double q = (G[3] * dx0 * dx0 - 2 * G[1] * dx0 * dx1 + G[0] * dx1 * dx1) / det;
    double s = log(m->pi[k]) - 0.5 * (2 * 1.8378770664093454836 + log(det) + q);
    for (t = 0; t < T; t++)
        for (d = 0; d < D; d++) {
            const double *a = m->A + (k * D + d) * 2;
            double s2, r;
            if (!M[t * D + d]) continue;
            s2 = m->sigma2[k * D + d];
            r = Yt[t * D + d] - a[0] * x0 - a[1] * x1 - m->b[k * D + d];
            s += -0.5 * (1.8378770664093454836 + log(s2) + r * r / s2);
        }
    return s;
}

#define BN 161
/* Adaptive-grid numerical integration of the joint for component k. */
static void brute_component(const avloc_gllim_model *m, size_t k, const float *Yt, const unsigned char *M,
                            size_t T, double *logZ, double mu[2], double V[4])
{
    static double g[BN][BN];
    double lo[2], hi[2], h0 = 0, h1 = 0, mx = -HUGE_VAL;
    int it, i, j;
    lo[0] = m->c[k * 2] - 10 * sqrt(m->Gamma[k * 4]); hi[0] = m->c[k * 2] + 10 * sqrt(m->Gamma[k * 4]);
    lo[1] = m->c[k * 2 + 1] - 10 * sqrt(m->Gamma[k * 4 + 3]); hi[1] = m->c[k * 2 + 1] + 10 * sqrt(m->Gamma[k * 4 + 3]);
    for (it = 0; it < 16; it++) {
        int a0 = BN, a1 = -1, b0 = BN, b1 = -1;
        h0 = (hi[0] - lo[0]) / (BN - 1); h1 = (hi[1] - lo[1]) / (BN - 1);
        mx = -HUGE_VAL;
        for (i = 0; i < BN; i++)
            for (j = 0; j < BN; j++) {
                g[i][j] = log_joint(m, k, Yt, M, T, lo[0] + i * h0, lo[1] + j * h1);
                if (g[i][j] > mx) mx = g[i][j];
            }
        if (it == 15) break;
        for (i = 0; i < BN; i++)
            for (j = 0; j < BN; j++)
                if (g[i][j] > mx - 60) {
                    if (i < a0) a0 = i;
                    if (i > a1) a1 = i;
                    if (j < b0) b0 = j;
                    if (j > b1) b1 = j;
                }
        if (a0 == 0 || b0 == 0 || a1 == BN - 1 || b1 == BN - 1) {
            double s0 = hi[0] - lo[0], s1 = hi[1] - lo[1];
            if (a0 == 0) lo[0] -= s0;
            if (a1 == BN - 1) hi[0] += s0;
            if (b0 == 0) lo[1] -= s1;
            if (b1 == BN - 1) hi[1] += s1;
            continue;
        }
        lo[0] = lo[0] + (a0 - 2) * h0; hi[0] = lo[0] + (a1 - a0 + 4) * h0;
        lo[1] = lo[1] + (b0 - 2) * h1; hi[1] = lo[1] + (b1 - b0 + 4) * h1;
    }
    {
        long double Z = 0, m0 = 0, m1 = 0, v00 = 0, v01 = 0, v11 = 0;
        for (i = 0; i < BN; i++)
            for (j = 0; j < BN; j++) {
                long double w = expl((long double)(g[i][j] - mx)), x0 = lo[0] + i * h0, x1 = lo[1] + j * h1;
                Z += w; m0 += w * x0; m1 += w * x1;
            }
        m0 /= Z; m1 /= Z;
        for (i = 0; i < BN; i++)
            for (j = 0; j < BN; j++) {
                long double w = expl((long double)(g[i][j] - mx)), d0 = lo[0] + i * h0 - m0, d1 = lo[1] + j * h1 - m1;
                v00 += w * d0 * d0; v01 += w * d0 * d1; v11 += w * d1 * d1;
            }
        *logZ = mx + log((double)Z * h0 * h1);
        mu[0] = (double)m0; mu[1] = (double)m1;
        V[0] = (double)(v00 / Z); V[1] = V[2] = (double)(v01 / Z); V[3] = (double)(v11 / Z);
    }
}

static void check_against_brute(const avloc_gllim_model *m, const float *Yt, const unsigned char *M, size_t T,
                                const char *what)
{
    size_t K = m->K, k, pb = 0, sb = 0;
    double logZ[16], bmu[32], bV[64], mx = -HUGE_VAL, s = 0, nu[16], xh[2] = {0, 0};
    double enu = 0, emu = 0, eV = 0, ex;
    avloc_gllim_posterior post;
    void *pm, *sm;
    avloc_result r;
    avloc_gllim_posterior_query(m, &pb, &sb);
    pm = malloc(pb); sm = malloc(sb);
    CHECK_EQ_INT(avloc_gllim_posterior_init(&post, m, pm, pb), AVLOC_OK);
    r = avloc_gllim_posterior_f32(m, Yt, M, T, &post, sm, sb);
    CHECK_EQ_INT(r, AVLOC_OK);
    for (k = 0; k < K; k++) {
        brute_component(m, k, Yt, M, T, &logZ[k], bmu + 2 * k, bV + 4 * k);
        if (logZ[k] > mx) mx = logZ[k];
    }
    for (k = 0; k < K; k++) s += (nu[k] = exp(logZ[k] - mx));
    for (k = 0; k < K; k++) {
        size_t i;
        double vs = fabs(bV[4 * k]) + fabs(bV[4 * k + 3]);
        nu[k] /= s;
        xh[0] += nu[k] * bmu[2 * k]; xh[1] += nu[k] * bmu[2 * k + 1];
        if (fabs(post.nu[k] - nu[k]) / (nu[k] > 1e-3 ? nu[k] : 1e-3) > enu)
            enu = fabs(post.nu[k] - nu[k]) / (nu[k] > 1e-3 ? nu[k] : 1e-3);
        for (i = 0; i < 2; i++) {
            double e = fabs(post.mu[2 * k + i] - bmu[2 * k + i]) / (fabs(bmu[2 * k + i]) + sqrt(vs));
            if (e > emu) emu = e;
        }
        for (i = 0; i < 4; i++) {
            double e = fabs(post.V[4 * k + i] - bV[4 * k + i]) / vs;
            if (e > eV) eV = e;
        }
    }
    ex = hypot(post.mean[0] - xh[0], post.mean[1] - xh[1]) / (hypot(xh[0], xh[1]) + 1e-3);
    CHECK_MSG(enu <= 1e-4 && emu <= 1e-4 && eV <= 1e-4 && ex <= 1e-4,
              "%s: rel err nu %.2e mu %.2e V %.2e xhat %.2e", what, enu, emu, eV, ex);
    if (getenv("AVLOC_VERBOSE"))
        fprintf(stderr, "  brute %-22s n_active %5zu: nu %.1e mu %.1e V %.1e xhat %.1e\n", what,
                post.n_active, enu, emu, eV, ex);
    free(pm); free(sm);
}

/* Every mask pattern (1), or every 2nd (2: p = 0.3 and the single active
   point) in CI's AArch64 run under qemu-user, where this C brute force (a
   zoomed 161 x 161 grid per component, scalar double) takes 40 s: the
   posterior's kernels meet dense and sparse masks either way. */
#ifndef TEST_GLLIM_BRUTE_STEP
#define TEST_GLLIM_BRUTE_STEP 1
#endif

static void test_theorem1_brute(void)
{
    const size_t K = 3, L = 2, D = 10, T = 6;
    float Yt[60];
    unsigned char M[60];
    int tied, pat;
    for (tied = 0; tied < 2; tied++) {
        tmodel tm;
        CHECK(tmodel_make(&tm, K, L, D));
        rng_state = 1000 + (uint64_t)tied;
        random_model(&tm.m, tied ? AVLOC_GLLIM_SIGMA_DIAG_TIED : AVLOC_GLLIM_SIGMA_DIAG, 3.0, 0.6);
        CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_OK);
        for (pat = TEST_GLLIM_BRUTE_STEP - 1; pat < 4; pat += TEST_GLLIM_BRUTE_STEP) {
            double x[2], y[10];
            size_t t, d;
            char what[64];
            double p = pat == 0 ? 1.0 : pat == 1 ? 0.3 : pat == 2 ? 0.05 : 0.0;
            for (t = 0; t < T; t++) {
                if (t == 0) sample_model(&tm.m, x, y);
                for (d = 0; d < D; d++) {
                    Yt[t * D + d] = (float)(y[d] + 0.3 * nrand());
                    M[t * D + d] = urand() < p;
                }
            }
            if (pat == 2) { M[13] = 1; M[41] = 1; } /* nearly empty, never empty */
            if (pat == 3) M[7] = 1; /* exactly one active point */
            sprintf(what, "%s p=%.2f", tied ? "tied" : "untied", pat == 3 ? 1.0 / 60 : p);
            check_against_brute(&tm.m, Yt, M, T, what);
        }
        tmodel_free(&tm);
    }
}

/* The numpy brute-force goldens (independent of the C brute force). */
static void test_theorem1_golden(void)
{
    static const char *tags[2] = {"tied", "untied"};
    int i;
    for (i = 0; i < 2; i++) {
        char p[256];
        th_array th, Y, M, nu, mu, V;
        tmodel tm;
        float Yt[60];
        unsigned char Mk[60];
        size_t j, pb, sb, k;
        void *pm, *sm;
        avloc_gllim_posterior post;
        double enu = 0, emu = 0, eV = 0;
        sprintf(p, TH_GOLDEN_DIR "gllim_post_%s_theta.npy", tags[i]); if (th_load_npy(p, &th)) { CHECK(!"load"); continue; }
        sprintf(p, TH_GOLDEN_DIR "gllim_post_%s_Y.npy", tags[i]); th_load_npy(p, &Y);
        sprintf(p, TH_GOLDEN_DIR "gllim_post_%s_M.npy", tags[i]); th_load_npy(p, &M);
        sprintf(p, TH_GOLDEN_DIR "gllim_post_%s_nu.npy", tags[i]); th_load_npy(p, &nu);
        sprintf(p, TH_GOLDEN_DIR "gllim_post_%s_mu.npy", tags[i]); th_load_npy(p, &mu);
        sprintf(p, TH_GOLDEN_DIR "gllim_post_%s_V.npy", tags[i]); th_load_npy(p, &V);
        CHECK(th.n == theta_len(3, 2, 10) && Y.n == 60 && M.n == 60 && nu.n == 3);
        CHECK(tmodel_make(&tm, 3, 2, 10));
        theta_to_model(th.data, &tm.m, i ? AVLOC_GLLIM_SIGMA_DIAG : AVLOC_GLLIM_SIGMA_DIAG_TIED);
        CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_OK);
        for (j = 0; j < 60; j++) { Yt[j] = (float)Y.data[j]; Mk[j] = (unsigned char)M.data[j]; }
        /* the golden was made from the float64 Y; float rounding of Y moves the
           answer by ~1e-7 relative, well inside the tolerance */
        avloc_gllim_posterior_query(&tm.m, &pb, &sb);
        pm = malloc(pb); sm = malloc(sb);
        avloc_gllim_posterior_init(&post, &tm.m, pm, pb);
        CHECK_EQ_INT(avloc_gllim_posterior_f32(&tm.m, Yt, Mk, 6, &post, sm, sb), AVLOC_OK);
        for (k = 0; k < 3; k++) {
            double vs = fabs(V.data[4 * k]) + fabs(V.data[4 * k + 3]);
            enu = fmax(enu, fabs(post.nu[k] - nu.data[k]) / fmax(nu.data[k], 1e-3));
            for (j = 0; j < 2; j++) emu = fmax(emu, fabs(post.mu[2 * k + j] - mu.data[2 * k + j]) / (fabs(mu.data[2 * k + j]) + sqrt(vs)));
            for (j = 0; j < 4; j++) eV = fmax(eV, fabs(post.V[4 * k + j] - V.data[4 * k + j]) / vs);
        }
        CHECK_MSG(enu <= 1e-4 && emu <= 1e-4 && eV <= 1e-4, "golden %s: nu %.2e mu %.2e V %.2e", tags[i], enu, emu, eV);
        free(pm); free(sm); tmodel_free(&tm);
        th_free(&th); th_free(&Y); th_free(&M); th_free(&nu); th_free(&mu); th_free(&V);
    }
}

/* No active point: prior mixture, positive status, no NaN. Theorem 1 with
   one all-active frame equals the inverse map. */
static void test_posterior_edges(void)
{
    const size_t K = 4, L = 2, D = 9;
    tmodel tm;
    float Yt[9 * 3];
    unsigned char M[9 * 3];
    double y[9], x[2], xe[2], al[4];
    size_t pb, sb, k, d;
    void *pm, *sm;
    avloc_gllim_posterior post;
    int ok = 1;
    rng_state = 4242;
    CHECK(tmodel_make(&tm, K, L, D));
    random_model(&tm.m, AVLOC_GLLIM_SIGMA_DIAG, 3.0, 0.5);
    CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_OK);
    avloc_gllim_posterior_query(&tm.m, &pb, &sb);
    pm = malloc(pb); sm = malloc(sb);
    CHECK_EQ_INT(avloc_gllim_posterior_init(&post, &tm.m, pm, pb), AVLOC_OK);
    memset(M, 0, sizeof M);
    for (d = 0; d < 27; d++) Yt[d] = (float)(d & 1 ? NAN : INFINITY); /* inactive garbage is ignored */
    CHECK_EQ_INT(avloc_gllim_posterior_f32(&tm.m, Yt, M, 3, &post, sm, sb), AVLOC_NO_ACTIVE_POINTS);
    CHECK_EQ_INT(post.n_active, 0);
    for (k = 0; k < K; k++) {
        if (post.nu[k] != tm.m.pi[k] || post.mu[2 * k] != tm.m.c[2 * k] || post.V[4 * k + 1] != tm.m.Gamma[4 * k + 1]) ok = 0;
    }
    CHECK(ok && avloc_all_finite_f64(post.mean, 2) && avloc_all_finite_f64(post.cov, 4));
    CHECK_EQ_INT(avloc_gllim_posterior_f32(&tm.m, Yt, M, 0, &post, sm, sb), AVLOC_NO_ACTIVE_POINTS);
    /* T = 1, all active == inverse map */
    sample_model(&tm.m, x, y);
    for (d = 0; d < D; d++) { Yt[d] = (float)y[d]; M[d] = 1; y[d] = Yt[d]; }
    CHECK_EQ_INT(avloc_gllim_posterior_f32(&tm.m, Yt, M, 1, &post, sm, sb), AVLOC_OK);
    CHECK_EQ_INT(avloc_gllim_inverse_f64(&tm.m, y, xe, al), AVLOC_OK);
    CHECK_NEAR(post.mean[0], xe[0], 1e-9 * (1 + fabs(xe[0])));
    CHECK_NEAR(post.mean[1], xe[1], 1e-9 * (1 + fabs(xe[1])));
    for (k = 0; k < K; k++) CHECK_NEAR(post.nu[k], al[k], 1e-9);
    /* tempering (obs_weight = w) == every statistic scaled by w */
    {
        avloc_gllim_stats st;
        void *stm = malloc(sb);
        double nu1[4], mu1[8], V1[16], err = 0.0;
        size_t i;
        for (d = 0; d < D; d++) M[d] = (unsigned char)(d % 3 != 1);
        for (d = 0; d < 2 * D; d++) { Yt[D + d] = Yt[d % D] + 0.25f * (float)(d % 5); M[D + d] = (unsigned char)(d % 4 != 0); }
        CHECK_EQ_INT(avloc_gllim_stats_init(&st, D, stm, sb), AVLOC_OK);
        CHECK_EQ_INT(avloc_gllim_stats_add_f32(&st, Yt, M, 3, 1), AVLOC_OK);
        for (d = 0; d < D; d++) { st.S0[d] *= 0.3; st.S1[d] *= 0.3; st.S2[d] *= 0.3; }
        CHECK_EQ_INT(avloc_gllim_posterior_from_stats(&tm.m, &st, &post), AVLOC_OK);
        memcpy(nu1, post.nu, sizeof nu1); memcpy(mu1, post.mu, sizeof mu1); memcpy(V1, post.V, sizeof V1);
        tm.m.obs_weight = 0.3;
        CHECK_EQ_INT(avloc_gllim_posterior_f32(&tm.m, Yt, M, 3, &post, sm, sb), AVLOC_OK);
        for (i = 0; i < K; i++) err = fmax(err, fabs(post.nu[i] - nu1[i]));
        for (i = 0; i < K * L; i++) err = fmax(err, fabs(post.mu[i] - mu1[i]) / (1 + fabs(mu1[i])));
        for (i = 0; i < K * L * L; i++) err = fmax(err, fabs(post.V[i] - V1[i]) / (1e-3 + fabs(V1[i])));
        CHECK_MSG(err < 1e-10, "tempered posterior vs scaled statistics: %.3g", err);
        tm.m.obs_weight = 0.0; /* a model filled by hand (obs_weight 0): refused, not garbage */
        CHECK_EQ_INT(avloc_gllim_posterior_from_stats(&tm.m, &st, &post), AVLOC_ERR_PARAM);
        CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_ERR_PARAM);
        tm.m.obs_weight = NAN;
        CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_ERR_PARAM);
        tm.m.obs_weight = 1.0;
        tm.m.hfov_deg = 180.0;
        CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_ERR_PARAM);
        tm.m.hfov_deg = 0.0;
        CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_OK);
        free(stm);
        sample_model(&tm.m, x, y);
        for (d = 0; d < D; d++) { Yt[d] = (float)y[d]; M[d] = 1; }
    }
    /* NaN on an active point is an error */
    Yt[3] = NAN;
    CHECK_EQ_INT(avloc_gllim_posterior_f32(&tm.m, Yt, M, 1, &post, sm, sb), AVLOC_ERR_NONFINITE);
    CHECK_EQ_INT(avloc_gllim_posterior_f32(&tm.m, Yt, M, 1, &post, sm, sb - 100), AVLOC_ERR_WORKSPACE);
    free(pm); free(sm); tmodel_free(&tm);
}

/* ------------------------------------------------------------ inverse map */

static void test_inverse_golden(void)
{
    th_array th, Y, X, A;
    tmodel tm;
    size_t i, k;
    double x[2], al[3], ex = 0, ea = 0;
    if (th_load_npy(TH_GOLDEN_DIR "gllim_inv_theta.npy", &th) || th_load_npy(TH_GOLDEN_DIR "gllim_inv_y.npy", &Y) ||
        th_load_npy(TH_GOLDEN_DIR "gllim_inv_x.npy", &X) || th_load_npy(TH_GOLDEN_DIR "gllim_inv_alpha.npy", &A)) {
        CHECK(!"inverse goldens");
        return;
    }
    CHECK(th.n == theta_len(3, 2, 8) && Y.n == 48 && X.n == 12 && A.n == 18);
    CHECK(tmodel_make(&tm, 3, 2, 8));
    theta_to_model(th.data, &tm.m, AVLOC_GLLIM_SIGMA_DIAG);
    CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_OK);
    for (i = 0; i < 6; i++) {
        CHECK_EQ_INT(avloc_gllim_inverse_f64(&tm.m, Y.data + 8 * i, x, al), AVLOC_OK);
        ex = fmax(ex, hypot(x[0] - X.data[2 * i], x[1] - X.data[2 * i + 1]) / hypot(X.data[2 * i], X.data[2 * i + 1]));
        for (k = 0; k < 3; k++) ea = fmax(ea, fabs(al[k] - A.data[3 * i + k]));
    }
    CHECK_MSG(ex <= 1e-9 && ea <= 1e-9, "inverse map: x rel err %.2e, alpha err %.2e", ex, ea);
    tmodel_free(&tm);
    th_free(&th); th_free(&Y); th_free(&X); th_free(&A);
}

/* ------------------------------------------------------------ streaming */

static void test_stream(void)
{
    const size_t K = 3, L = 2, D = 12, W = 10, NF = 57;
    tmodel tm;
    float *Yall = (float *)malloc(NF * D * sizeof(float));
    unsigned char *Mall = (unsigned char *)malloc(NF * D);
    avloc_gllim_stream_config sc = avloc_gllim_stream_config_default();
    avloc_gllim_stream st;
    avloc_gllim_posterior p1, p2;
    size_t sb, pb, qb, f, d, n_emit = 0;
    void *sm, *pm1, *pm2, *qm;
    double worst = 0;
    int ok = 1;
    rng_state = 99;
    CHECK(tmodel_make(&tm, K, L, D));
    random_model(&tm.m, AVLOC_GLLIM_SIGMA_DIAG_TIED, 3.0, 0.5);
    CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_OK);
    for (f = 0; f < NF; f++) {
        double x[2], y[12];
        sample_model(&tm.m, x, y);
        for (d = 0; d < D; d++) { Yall[f * D + d] = (float)y[d]; Mall[f * D + d] = urand() < 0.4; }
    }
    sc.window = W; sc.emit_every = 3; sc.min_active = 20; sc.refresh_every = 7;
    CHECK_EQ_INT(avloc_gllim_stream_query(&tm.m, &sc, &sb), AVLOC_OK);
    sm = malloc(sb);
    CHECK_EQ_INT(avloc_gllim_stream_init(&st, &tm.m, &sc, sm, sb), AVLOC_OK);
    avloc_gllim_posterior_query(&tm.m, &pb, &qb);
    pm1 = malloc(pb); pm2 = malloc(pb);
    avloc_gllim_posterior_init(&p1, &tm.m, pm1, pb);
    avloc_gllim_posterior_init(&p2, &tm.m, pm2, pb);
    qm = malloc(qb);
    for (f = 0; f < NF; f++) {
        int em = 0;
        size_t first = f + 1 >= W ? f + 1 - W : 0, na = 0, i;
        CHECK_EQ_INT(avloc_gllim_stream_push_f32(&st, Yall + f * D, Mall + f * D, &p1, &em), AVLOC_OK);
        for (i = first * D; i < (f + 1) * D; i++) na += Mall[i];
        if (em != ((f + 1) % 3 == 0 && na >= 20)) ok = 0;
        if (em) {
            n_emit++;
            avloc_gllim_posterior_f32(&tm.m, Yall + first * D, Mall + first * D, f + 1 - first, &p2, qm, qb);
            if (p1.n_active != p2.n_active) ok = 0;
            worst = fmax(worst, hypot(p1.mean[0] - p2.mean[0], p1.mean[1] - p2.mean[1]));
            for (i = 0; i < K; i++) worst = fmax(worst, fabs(p1.nu[i] - p2.nu[i]));
        }
    }
    CHECK(ok);
    CHECK(n_emit >= 10);
    CHECK_MSG(worst < 1e-9, "stream vs batch: %.3g", worst);
    free(sm); free(pm1); free(pm2); free(qm); free(Yall); free(Mall);
    tmodel_free(&tm);
}

/* ------------------------------------------------------------ bad inputs */

static void test_bad_inputs(void)
{
    const size_t N = 50, L = 2, D = 6, K = 3;
    tmodel tm;
    double X[100], Y[300];
    avloc_gllim_train_config cfg = avloc_gllim_train_config_default();
    size_t sb, i, bytes;
    void *scr;
    rng_state = 5;
    for (i = 0; i < 100; i++) X[i] = nrand();
    for (i = 0; i < 300; i++) Y[i] = nrand();
    cfg.K = K;
    CHECK(tmodel_make(&tm, K, L, D));
    CHECK_EQ_INT(avloc_gllim_train_query(&cfg, N, L, D, &sb), AVLOC_OK);
    scr = malloc(sb);
    CHECK_EQ_INT(avloc_gllim_train_query(NULL, N, L, D, &sb), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_gllim_train_query(&cfg, N, L, D, NULL), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, NULL, Y, N, &tm.m, scr, sb, NULL), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, NULL, N, &tm.m, scr, sb, NULL), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, Y, N, NULL, scr, sb, NULL), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, Y, N, &tm.m, NULL, sb, NULL), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, Y, N, &tm.m, scr, sb - 1 - AVLOC_ALIGN, NULL), AVLOC_ERR_WORKSPACE);
    CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, Y, 2, &tm.m, scr, sb, NULL), AVLOC_ERR_SIZE);   /* K > N */
    CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, Y, 0, &tm.m, scr, sb, NULL), AVLOC_ERR_SIZE);
    cfg.K = 4; /* more than the model holds */
    CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, Y, N, &tm.m, scr, sb, NULL), AVLOC_ERR_SIZE);
    cfg.K = 0;
    CHECK_EQ_INT(avloc_gllim_train_query(&cfg, N, L, D, &bytes), AVLOC_ERR_SIZE);
    cfg.K = K;
    cfg.sigma_type = (avloc_gllim_sigma)0;
    CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, Y, N, &tm.m, scr, sb, NULL), AVLOC_ERR_PARAM);
    cfg.sigma_type = AVLOC_GLLIM_SIGMA_DIAG_TIED;
    cfg.tol = NAN;
    CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, Y, N, &tm.m, scr, sb, NULL), AVLOC_ERR_PARAM);
    cfg.tol = 1e-3;
    cfg.max_iter = 0;
    CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, Y, N, &tm.m, scr, sb, NULL), AVLOC_ERR_PARAM);
    cfg.max_iter = 100;
    CHECK_EQ_INT(avloc_gllim_train_query(&cfg, N, 5, D, &bytes), AVLOC_ERR_SIZE); /* L > 4 */
    X[17] = NAN;
    CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, Y, N, &tm.m, scr, sb, NULL), AVLOC_ERR_NONFINITE);
    X[17] = 0.0;
    Y[123] = INFINITY;
    CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, Y, N, &tm.m, scr, sb, NULL), AVLOC_ERR_NONFINITE);
    Y[123] = 0.0;
    CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, Y, N, &tm.m, scr, sb, NULL), AVLOC_OK);
    /* bad initial responsibilities */
    {
        double R[150];
        for (i = 0; i < 150; i++) R[i] = 0.5;
        cfg.init_resp = R;
        CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, Y, N, &tm.m, scr, sb, NULL), AVLOC_ERR_PARAM);
        cfg.init_resp = NULL;
    }
    /* model */
    CHECK_EQ_INT(avloc_gllim_model_query(0, L, D, &bytes), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_gllim_model_query(K, 0, D, &bytes), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_gllim_model_query(K, L, 0, &bytes), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_gllim_model_query((size_t)-1 / 4, L, D, &bytes), AVLOC_ERR_SIZE);
    /* The expectation depends on the word size, and says so: a model of
       K*D*(L+...) doubles with D = 2^27 needs > 4 GiB, which a 32-bit size_t
       cannot express (the query must say OVERFLOW, never wrap), while a
       64-bit one holds it (the dimension cap keeps the sizes finite). */
    if (sizeof(size_t) >= 8) {
        avloc_result r;
        CHECK_EQ_INT(avloc_gllim_model_query(K, L, (size_t)1 << 27, &bytes), AVLOC_OK);
        CHECK((double)bytes > (double)K * 2 * ((size_t)1 << 27) * sizeof(double));
        r = avloc_gllim_model_query((size_t)1 << 27, 4, (size_t)1 << 27, &bytes);
        CHECK_EQ_INT(r, AVLOC_OK);
        CHECK((double)bytes > 1e15);
    } else {
        CHECK_EQ_INT(avloc_gllim_model_query(K, L, (size_t)1 << 27, &bytes), AVLOC_ERR_OVERFLOW);
        CHECK_EQ_INT(avloc_gllim_model_query((size_t)1 << 27, 4, (size_t)1 << 27, &bytes),
                     AVLOC_ERR_OVERFLOW);
    }
    CHECK_EQ_INT(avloc_gllim_model_query(((size_t)1 << 28) + 1, L, D, &bytes), AVLOC_ERR_SIZE);
    {
        avloc_gllim_model m2;
        char small[64];
        CHECK_EQ_INT(avloc_gllim_model_init(&m2, K, L, D, small, sizeof small), AVLOC_ERR_WORKSPACE);
    }
    {
        double x[2], al[3], y[6] = {0, 0, 0, 0, 0, 0};
        tm.m.Gamma[0] = -1.0; /* not SPD */
        CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_ERR_NUMERIC);
        CHECK_EQ_INT(avloc_gllim_inverse_f64(&tm.m, y, x, al), AVLOC_ERR_STATE);
        CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, Y, N, &tm.m, scr, sb, NULL), AVLOC_OK);
        y[2] = NAN;
        CHECK_EQ_INT(avloc_gllim_inverse_f64(&tm.m, y, x, al), AVLOC_ERR_NONFINITE);
        CHECK_EQ_INT(avloc_gllim_inverse_f64(&tm.m, y, NULL, al), AVLOC_ERR_NULL);
        tm.m.sigma2[3] = 0.0;
        CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_ERR_PARAM);
        /* Sigma must have the shape its type promises */
        {
            size_t i;
            for (i = 0; i < tm.m.K * D; i++) tm.m.sigma2[i] = 1.0 + (double)(i % D);
            tm.m.sigma_type = AVLOC_GLLIM_SIGMA_DIAG_TIED;
            CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_OK);
            tm.m.sigma2[D + 1] *= 1.5; /* component 1 differs: not tied */
            CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_ERR_PARAM);
            tm.m.sigma_type = AVLOC_GLLIM_SIGMA_DIAG;
            CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_OK);
            tm.m.sigma_type = AVLOC_GLLIM_SIGMA_ISO; /* varies over d: not isotropic */
            CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_ERR_PARAM);
            for (i = 0; i < tm.m.K * D; i++) tm.m.sigma2[i] = 2.0 + (double)(i / D);
            CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_OK);
            tm.m.sigma_type = AVLOC_GLLIM_SIGMA_ISO_TIED;
            CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_ERR_PARAM);
        }
    }
    /* stats: removing more than was added */
    {
        avloc_gllim_stats s;
        size_t qb;
        void *qm;
        float y[6] = {1, 2, 3, 4, 5, 6};
        unsigned char mk[6] = {1, 1, 0, 0, 1, 0};
        avloc_gllim_stats_query(6, &qb);
        qm = malloc(qb);
        CHECK_EQ_INT(avloc_gllim_stats_init(&s, 6, qm, qb), AVLOC_OK);
        CHECK_EQ_INT(avloc_gllim_stats_add_f32(&s, y, mk, 1, -1), AVLOC_ERR_STATE);
        CHECK_EQ_INT(avloc_gllim_stats_add_f32(&s, y, mk, 1, 1), AVLOC_OK);
        CHECK_EQ_INT(s.n_active, 3);
        CHECK_EQ_INT(avloc_gllim_stats_add_f32(&s, y, mk, 1, -1), AVLOC_OK);
        CHECK(s.n_active == 0 && s.S0[0] == 0.0 && s.S1[4] == 0.0);
        free(qm);
    }
    free(scr);
    tmodel_free(&tm);
}

/* Components collapse when K is far too large for the data: re-seeding keeps
   K, removal shrinks it; both give finite models. */
static void test_collapse(void)
{
    const size_t N = 40, L = 2, D = 5, K = 12;
    double X[80], Y[200];
    tmodel tm;
    avloc_gllim_train_config cfg = avloc_gllim_train_config_default();
    avloc_gllim_train_info info;
    size_t i, sb;
    void *scr;
    rng_state = 31337;
    for (i = 0; i < N; i++) {
        X[2 * i] = (double)(i % 4); X[2 * i + 1] = (double)(i % 3) + 0.01 * nrand(); /* few distinct x */
    }
    for (i = 0; i < 200; i++) Y[i] = nrand();
    CHECK(tmodel_make(&tm, K, L, D));
    cfg.K = K;
    cfg.min_weight = 4.0;
    avloc_gllim_train_query(&cfg, N, L, D, &sb);
    scr = malloc(sb);
    CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, Y, N, &tm.m, scr, sb, &info), AVLOC_OK);
    CHECK(info.n_reseeded + info.n_removed > 0);
    CHECK(tm.m.K == info.K_used && tm.m.K >= 1 && tm.m.prepared);
    CHECK(avloc_all_finite_f64(tm.m.A, tm.m.K * D * L));
    cfg.reseed = 0;
    CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, Y, N, &tm.m, scr, sb, &info), AVLOC_OK);
    CHECK(info.n_removed > 0 && info.n_reseeded == 0 && tm.m.K < K);
    free(scr);
    tmodel_free(&tm);
}



/* L = 1 and L = 4: EM runs monotone, and Theorem 1 with one complete frame
   equals the inverse map. */
static void test_other_L(void)
{
    size_t Ls[2] = {1, 4}, li;
    for (li = 0; li < 2; li++) {
        const size_t N = 300, L = Ls[li], D = 10, K = 3;
        double *X = (double *)malloc(N * L * sizeof(double)), *Y = (double *)malloc(N * D * sizeof(double));
        double xe[4], al[3], y[10];
        float yf[10];
        unsigned char mk[10];
        tmodel tm;
        avloc_gllim_train_config cfg = avloc_gllim_train_config_default();
        avloc_gllim_train_info info;
        avloc_gllim_posterior post;
        size_t n, d, l, sb, pb = 0, qb = 0;
        void *scr, *pm, *qm;
        trace tr;
        int mono = 1, i;
        rng_state = 50 + li;
        for (n = 0; n < N; n++) {
            for (l = 0; l < L; l++) X[n * L + l] = 3.0 * urand();
            for (d = 0; d < D; d++) {
                double v = 0.0;
                for (l = 0; l < L; l++) v += sin((double)(d + 1) * X[n * L + l] * 0.7 + (double)l);
                Y[n * D + d] = v + 0.05 * nrand();
            }
        }
        cfg.K = K; cfg.tol = 1e-7; cfg.max_iter = 60; cfg.progress = record; cfg.user = &tr; tr.n = 0;
        CHECK(tmodel_make(&tm, K, L, D));
        avloc_gllim_train_query(&cfg, N, L, D, &sb);
        scr = malloc(sb);
        CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X, Y, N, &tm.m, scr, sb, &info), AVLOC_OK);
        for (i = 1; i < tr.n; i++) if (tr.ll[i] < tr.ll[i - 1] - 1e-9 * fabs(tr.ll[i])) mono = 0;
        CHECK_MSG(mono || info.n_reseeded || info.n_removed, "L=%zu: LL decreased", L);
        avloc_gllim_posterior_query(&tm.m, &pb, &qb);
        pm = malloc(pb); qm = malloc(qb);
        CHECK_EQ_INT(avloc_gllim_posterior_init(&post, &tm.m, pm, pb), AVLOC_OK);
        for (d = 0; d < D; d++) { yf[d] = (float)Y[7 * D + d]; y[d] = yf[d]; mk[d] = 1; }
        CHECK_EQ_INT(avloc_gllim_posterior_f32(&tm.m, yf, mk, 1, &post, qm, qb), AVLOC_OK);
        CHECK_EQ_INT(avloc_gllim_inverse_f64(&tm.m, y, xe, al), AVLOC_OK);
        for (l = 0; l < L; l++) CHECK_NEAR(post.mean[l], xe[l], 1e-9 * (1 + fabs(xe[l])));
        free(X); free(Y); free(scr); free(pm); free(qm);
        tmodel_free(&tm);
    }
}

/* ------------------------------------------------------------ model files */

static void test_save_load(void)
{
    const size_t K = 4, L = 2, D = 7;
    int t, f;
    for (t = 1; t <= 4; t++)
        for (f = 0; f < 2; f++) {
            avloc_st_dtype dt = f ? AVLOC_ST_F32 : AVLOC_ST_F64;
            tmodel tm, back;
            size_t fb, sb, wr, k2, l2, d2, mb, i;
            void *file, *scr;
            double e = 0.0;
            rng_state = 600 + (uint64_t)t;
            CHECK(tmodel_make(&tm, K, L, D));
            random_model(&tm.m, (avloc_gllim_sigma)t, 3.0, 0.5);
            tm.m.image_width = 640; tm.m.image_height = 480;
            tm.m.feat.threshold_db = -37.25; tm.m.feat.threshold_relative = 1;
            tm.m.feat.window = (avloc_window)(t % 5); /* every window name goes through the file */
            tm.m.hfov_deg = 62.5; tm.m.obs_weight = 1e-3;
            CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_OK);
            CHECK_EQ_INT(avloc_gllim_save_query(&tm.m, dt, &fb, &sb), AVLOC_OK);
            file = malloc(fb); scr = malloc(sb);
            CHECK_EQ_INT(avloc_gllim_save(&tm.m, dt, file, fb - 1, scr, sb, &wr), AVLOC_ERR_WORKSPACE);
            CHECK_EQ_INT(avloc_gllim_save(&tm.m, dt, file, fb, scr, sb - AVLOC_ALIGN - 8, &wr), AVLOC_ERR_WORKSPACE);
            CHECK_EQ_INT(avloc_gllim_save(&tm.m, dt, file, fb, scr, sb, &wr), AVLOC_OK);
            CHECK_EQ_INT(wr, fb);
            CHECK_EQ_INT(avloc_gllim_load_query(file, wr, &k2, &l2, &d2, &mb), AVLOC_OK);
            CHECK(k2 == K && l2 == L && d2 == D);
            back.mem = malloc(mb);
            CHECK_EQ_INT(avloc_gllim_load(&back.m, file, wr, back.mem, mb - 1 - AVLOC_ALIGN), AVLOC_ERR_WORKSPACE);
            CHECK_EQ_INT(avloc_gllim_load(&back.m, file, wr, back.mem, mb), AVLOC_OK);
            CHECK(back.m.sigma_type == tm.m.sigma_type && back.m.prepared && back.m.K == K);
            CHECK(strcmp(avloc_gllim_sigma_name(back.m.sigma_type), t == 1 ? "d*" : t == 2 ? "d" : t == 3 ? "i" : "i*") == 0);
            e = fmax(e, group_err(back.m.pi, tm.m.pi, K));
            e = fmax(e, group_err(back.m.c, tm.m.c, K * L));
            e = fmax(e, group_err(back.m.Gamma, tm.m.Gamma, K * L * L));
            e = fmax(e, group_err(back.m.A, tm.m.A, K * D * L));
            e = fmax(e, group_err(back.m.b, tm.m.b, K * D));
            e = fmax(e, group_err(back.m.sigma2, tm.m.sigma2, K * D));
            if (f) CHECK_MSG(e < 1e-6, "F32 round trip %.3g", e);
            else CHECK_MSG(e == 0.0, "F64 round trip %.3g", e);
            CHECK(back.m.image_width == 640 && back.m.image_height == 480 &&
                  back.m.feat.threshold_db == -37.25 && back.m.feat.threshold_relative == 1 &&
                  back.m.feat.n_fft == 1024 && back.m.feat.hop == 128 && back.m.feat.n_bins == 512 &&
                  back.m.feat.sample_rate == 16000.0 && back.m.hfov_deg == 62.5 &&
                  back.m.obs_weight == 1e-3 && back.m.feat.window == (avloc_window)(t % 5));
            /* corrupt: truncated, flipped header byte, not-a-model */
            CHECK(avloc_gllim_load(&back.m, file, wr - 3, back.mem, mb) == AVLOC_ERR_FORMAT);
            CHECK(avloc_gllim_load_query(file, 5, NULL, NULL, NULL, &mb) == AVLOC_ERR_FORMAT);
            for (i = 8; i < 40; i++) ((unsigned char *)file)[i] ^= 0x5a;
            CHECK(avloc_gllim_load(&back.m, file, wr, back.mem, mb) < 0);
            CHECK_EQ_INT(avloc_gllim_load(NULL, file, wr, back.mem, mb), AVLOC_ERR_NULL);
            {
                static const char *const kv[] = {"format", "something-else", NULL};
                unsigned char tiny[256];
                size_t tot = meta_only_file(tiny, sizeof tiny, kv);
                CHECK_EQ_INT(avloc_gllim_load(&back.m, tiny, tot, back.mem, mb), AVLOC_ERR_FORMAT);
            }
            tm.m.A[3] = NAN;
            CHECK_EQ_INT(avloc_gllim_save(&tm.m, dt, file, fb, scr, sb, &wr), AVLOC_ERR_NONFINITE);
            free(file); free(scr);
            tmodel_free(&tm); tmodel_free(&back);
        }
}

/* The object pattern: a failed init leaves the object zeroed, calls on a
   zeroed or destroyed object give AVLOC_ERR_STATE, destroy accepts NULL and
   zeroed objects; query and init agree on the bytes (one layout each). */
static void test_object_pattern(void)
{
    const size_t K = 3, L = 2, D = 10, T = 4;
    static avloc_gllim_model zm; /* zero-filled (const would need an initialiser in C++) */
    static avloc_gllim_stats zs; /* zero-filled (const would need an initialiser in C++) */
    static avloc_gllim_posterior zp; /* zero-filled (const would need an initialiser in C++) */
    static avloc_gllim_stream zst; /* zero-filled (const would need an initialiser in C++) */
    tmodel tm;
    avloc_gllim_model m;
    avloc_gllim_stats st;
    avloc_gllim_posterior post;
    avloc_gllim_stream stream;
    avloc_gllim_stream_config sc = avloc_gllim_stream_config_default();
    size_t mb = 0, sb = 0, pb = 0, qb = 0, wb = 0;
    unsigned char *mem;
    float Y[4 * 10];
    unsigned char M[4 * 10];
    double y[10], x[2], al[3];
    size_t i;
    int emitted = 0;
    for (i = 0; i < T * D; i++) { Y[i] = (float)i * 0.1f; M[i] = (unsigned char)(i % 3 != 0); }
    for (i = 0; i < D; i++) y[i] = 0.5;
    rng_state = 777;
    CHECK(tmodel_make(&tm, K, L, D));
    random_model(&tm.m, AVLOC_GLLIM_SIGMA_DIAG_TIED, 3.0, 0.5);
    CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_OK);
    CHECK_EQ_INT(avloc_gllim_model_query(K, L, D, &mb), AVLOC_OK);
    CHECK_EQ_INT(avloc_gllim_stats_query(D, &sb), AVLOC_OK);
    CHECK_EQ_INT(avloc_gllim_posterior_query(&tm.m, &pb, &qb), AVLOC_OK);
    CHECK(qb == sb); /* the posterior's call scratch is one set of statistics */
    sc.window = 3; sc.emit_every = 1; sc.min_active = 1; sc.refresh_every = 3;
    CHECK_EQ_INT(avloc_gllim_stream_query(&tm.m, &sc, &wb), AVLOC_OK);
    mem = (unsigned char *)malloc(mb + sb + pb + wb + 4 * AVLOC_ALIGN);
    /* failed inits: zeroed, whatever the object held */
    memset(&m, 0x5a, sizeof m);
    CHECK_EQ_INT(avloc_gllim_model_init(&m, K, L, D, mem, mb - 1 - AVLOC_ALIGN), AVLOC_ERR_WORKSPACE);
    CHECK(memcmp(&m, &zm, sizeof m) == 0);
    memset(&m, 0x5a, sizeof m);
    CHECK_EQ_INT(avloc_gllim_model_init(&m, K, AVLOC_GLLIM_MAX_L + 1, D, mem, mb), AVLOC_ERR_SIZE);
    CHECK(memcmp(&m, &zm, sizeof m) == 0);
    CHECK_EQ_INT(avloc_gllim_model_prepare(&m), AVLOC_ERR_STATE);
    CHECK_EQ_INT(avloc_gllim_inverse_f64(&m, y, x, al), AVLOC_ERR_STATE);
    memset(&st, 0x5a, sizeof st);
    CHECK_EQ_INT(avloc_gllim_stats_init(&st, D, mem, sb - 1 - AVLOC_ALIGN), AVLOC_ERR_WORKSPACE);
    CHECK(memcmp(&st, &zs, sizeof st) == 0);
    CHECK_EQ_INT(avloc_gllim_stats_add_f32(&st, Y, M, T, 1), AVLOC_ERR_STATE);
    memset(&st, 0x5a, sizeof st);
    CHECK_EQ_INT(avloc_gllim_stats_init(&st, 0, mem, sb), AVLOC_ERR_SIZE);
    CHECK(memcmp(&st, &zs, sizeof st) == 0);
    memset(&post, 0x5a, sizeof post);
    CHECK_EQ_INT(avloc_gllim_posterior_init(&post, &tm.m, mem, pb - 1 - AVLOC_ALIGN), AVLOC_ERR_WORKSPACE);
    CHECK(memcmp(&post, &zp, sizeof post) == 0);
    memset(&post, 0x5a, sizeof post);
    CHECK_EQ_INT(avloc_gllim_posterior_init(&post, &m, mem, pb), AVLOC_ERR_SIZE); /* a zeroed model */
    CHECK(memcmp(&post, &zp, sizeof post) == 0);
    memset(&stream, 0x5a, sizeof stream);
    CHECK_EQ_INT(avloc_gllim_stream_init(&stream, &tm.m, &sc, mem, wb - 1 - AVLOC_ALIGN), AVLOC_ERR_WORKSPACE);
    CHECK(memcmp(&stream, &zst, sizeof stream) == 0);
    CHECK_EQ_INT(avloc_gllim_stream_push_f32(&stream, Y, M, &post, &emitted), AVLOC_ERR_STATE);
    memset(&stream, 0x5a, sizeof stream);
    CHECK_EQ_INT(avloc_gllim_stream_init(&stream, &m, &sc, mem, wb), AVLOC_ERR_STATE); /* unprepared model */
    CHECK(memcmp(&stream, &zst, sizeof stream) == 0);
    /* working objects, then destroyed: ERR_STATE */
    CHECK_EQ_INT(avloc_gllim_stats_init(&st, D, mem, sb), AVLOC_OK);
    CHECK_EQ_INT(avloc_gllim_posterior_init(&post, &tm.m, mem + sb + AVLOC_ALIGN, pb), AVLOC_OK);
    CHECK_EQ_INT(avloc_gllim_stats_add_f32(&st, Y, M, T, 1), AVLOC_OK);
    CHECK_EQ_INT(avloc_gllim_posterior_from_stats(&tm.m, &st, &post), AVLOC_OK);
    avloc_gllim_posterior_destroy(&post);
    CHECK(memcmp(&post, &zp, sizeof post) == 0);
    CHECK_EQ_INT(avloc_gllim_posterior_from_stats(&tm.m, &st, &post), AVLOC_ERR_STATE);
    avloc_gllim_stats_destroy(&st);
    CHECK_EQ_INT(avloc_gllim_stats_add_f32(&st, Y, M, T, 1), AVLOC_ERR_STATE);
    CHECK_EQ_INT(avloc_gllim_stream_init(&stream, &tm.m, &sc, mem, wb), AVLOC_OK);
    CHECK_EQ_INT(avloc_gllim_posterior_init(&post, &tm.m, mem + wb + AVLOC_ALIGN, pb), AVLOC_OK);
    CHECK_EQ_INT(avloc_gllim_stream_push_f32(&stream, Y, M, &post, &emitted), AVLOC_OK);
    CHECK(emitted == 1);
    avloc_gllim_stream_destroy(&stream);
    CHECK_EQ_INT(avloc_gllim_stream_push_f32(&stream, Y, M, &post, &emitted), AVLOC_ERR_STATE);
    avloc_gllim_model_destroy(&tm.m);
    CHECK_EQ_INT(avloc_gllim_inverse_f64(&tm.m, y, x, al), AVLOC_ERR_STATE);
    CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_ERR_STATE);
    avloc_gllim_model_destroy(NULL);
    avloc_gllim_stats_destroy(NULL);
    avloc_gllim_posterior_destroy(NULL);
    avloc_gllim_stream_destroy(NULL);
    free(mem);
    tmodel_free(&tm);
}

/* ------------------------------------------- PHAT baseline, hole filling */

/* Hand-computed least squares: delays 0, 1, 2 and u 0, 1, 3 give slope 3/2,
   intercept -1/6 and residuals -1/6, 1/3, -1/6 (rmse sqrt(1/18)). */
static void test_phat_model(void)
{
    const double d3[3] = {0.0, 1.0, 2.0}, u3[3] = {0.0, 1.0, 3.0}, same[3] = {2.0, 2.0, 2.0};
    const double far_d[4] = {1e6 + 1, 1e6 + 2, 1e6 + 3, 1e6 + 4}, far_u[4] = {5.0, 7.0, 9.0, 11.0};
    double bad[3] = {0.0, NAN, 2.0};
    avloc_phat_model p = avloc_phat_model_default(), q;
    size_t fb = 0, wr = 0;
    unsigned char *file;
    CHECK_EQ_INT(avloc_phat_fit_f64(&p, d3, u3, 3), AVLOC_OK);
    CHECK_NEAR(p.slope, 1.5, 1e-14);
    CHECK_NEAR(p.intercept, -1.0 / 6.0, 1e-14);
    CHECK_NEAR(p.rmse, sqrt(1.0 / 18.0), 1e-14);
    CHECK(p.n_train == 3);
    CHECK_NEAR(avloc_phat_pixel(&p, 4.0), 6.0 - 1.0 / 6.0, 1e-13);
    /* centred sums: an exact line far from 0 is recovered exactly */
    CHECK_EQ_INT(avloc_phat_fit_f64(&q, far_d, far_u, 4), AVLOC_OK);
    CHECK_NEAR(q.slope, 2.0, 1e-9);
    CHECK_NEAR(avloc_phat_pixel(&q, 1e6), 3.0, 1e-6);
    CHECK_EQ_INT(avloc_phat_fit_f64(&q, same, u3, 3), AVLOC_ERR_NUMERIC);
    CHECK_EQ_INT(avloc_phat_fit_f64(&q, bad, u3, 3), AVLOC_ERR_NONFINITE);
    CHECK_EQ_INT(avloc_phat_fit_f64(&q, d3, u3, 1), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_phat_fit_f64(NULL, d3, u3, 3), AVLOC_ERR_NULL);
    /* file round trip: every field */
    p.gcc.frame_length = 512; p.gcc.n_fft = 1536; p.gcc.hop = 100; p.gcc.max_lag = 20; p.gcc.upsample = 3;
    p.gcc.window = AVLOC_WINDOW_HAMMING; p.gcc.interp = AVLOC_GCC_INTERP_NONE; p.gcc.phat_floor = 1e-4f;
    p.sample_rate = 44100.0f; p.image_width = 1280; p.image_height = 720; p.hfov_deg = 75.5;
    CHECK_EQ_INT(avloc_phat_save_query(&p, &fb), AVLOC_OK);
    file = (unsigned char *)malloc(fb);
    CHECK_EQ_INT(avloc_phat_save(&p, file, fb - 1, &wr), AVLOC_ERR_WORKSPACE);
    CHECK_EQ_INT(avloc_phat_save(&p, file, fb, &wr), AVLOC_OK);
    CHECK_EQ_INT(wr, fb);
    memset(&q, 0, sizeof q);
    CHECK_EQ_INT(avloc_phat_load(&q, file, wr), AVLOC_OK);
    CHECK(q.slope == p.slope && q.intercept == p.intercept && q.rmse == p.rmse && q.n_train == 3);
    CHECK(q.gcc.frame_length == 512 && q.gcc.n_fft == 1536 && q.gcc.hop == 100 && q.gcc.max_lag == 20 &&
          q.gcc.upsample == 3 && q.gcc.window == AVLOC_WINDOW_HAMMING && q.gcc.interp == AVLOC_GCC_INTERP_NONE &&
          q.gcc.phat_floor == 1e-4f);
    CHECK(q.sample_rate == 44100.0f && q.image_width == 1280 && q.image_height == 720 && q.hfov_deg == 75.5);
    CHECK(avloc_phat_load(&q, file, wr - 5) < 0);
    free(file);
    /* a GCC configuration the estimator refuses is refused at save */
    p.gcc.max_lag = 0;
    CHECK(avloc_phat_save_query(&p, &fb) != AVLOC_OK);
    p.gcc.max_lag = 20;
    p.slope = NAN;
    CHECK_EQ_INT(avloc_phat_save_query(&p, &fb), AVLOC_ERR_PARAM);
    {   /* a GLLiM-looking file and a PHAT file without its line */
        static const char *const gl[] = {"format", "avloc-gllim", NULL};
        static const char *const ph[] = {"format", "avloc-phat", "version", "1", "frame_length", "1024", NULL};
        unsigned char tiny[512];
        size_t tot = meta_only_file(tiny, sizeof tiny, gl);
        CHECK_EQ_INT(avloc_phat_load(&q, tiny, tot), AVLOC_ERR_FORMAT);
        tot = meta_only_file(tiny, sizeof tiny, ph);
        CHECK_EQ_INT(avloc_phat_load(&q, tiny, tot), AVLOC_ERR_FORMAT);
    }
}

/* Holes become the mean of the dimension over the vectors that have it. */
static void test_fill_missing(void)
{
    float Y[3 * 3] = {1, 10, 100, 3, 99, 200, 5, 30, 7};
    const unsigned char M[3 * 3] = {1, 1, 0, 1, 0, 0, 0, 1, 0};
    size_t filled = 0;
    CHECK_EQ_INT(avloc_gllim_fill_missing_f32(Y, M, 3, 3, &filled), AVLOC_OK);
    CHECK_EQ_INT(filled, 5);
    CHECK(Y[0] == 1 && Y[3] == 3 && Y[6] == 2);     /* (1 + 3) / 2 */
    CHECK(Y[1] == 10 && Y[4] == 20 && Y[7] == 30);  /* (10 + 30) / 2 */
    CHECK(Y[2] == 0 && Y[5] == 0 && Y[8] == 0);     /* never present */
    Y[0] = NAN;
    Y[4] = -1;
    CHECK_EQ_INT(avloc_gllim_fill_missing_f32(Y, M, 3, 3, &filled), AVLOC_ERR_NONFINITE);
    CHECK(Y[4] == -1); /* nothing changed */
    Y[0] = NAN;
    {
        const unsigned char M0[3 * 3] = {0, 1, 1, 1, 1, 1, 1, 1, 1};
        Y[0] = NAN; /* a hole may hold anything */
        CHECK_EQ_INT(avloc_gllim_fill_missing_f32(Y, M0, 3, 3, NULL), AVLOC_OK);
        CHECK(Y[0] == 2.5f); /* (3 + 2) / 2 */
    }
    CHECK_EQ_INT(avloc_gllim_fill_missing_f32(NULL, M, 3, 3, NULL), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_gllim_fill_missing_f32(Y, M, 0, 3, NULL), AVLOC_ERR_SIZE);
}

/* A model file written before the window was stored (no "window" key) loads
   with the Hann window; an unknown window name is refused, and so is a
   feature configuration the feature functions would refuse (hop 0, more
   bins than n_fft / 2 + 1). The file is the library's own, re-encoded
   without / with a changed item. */
static void test_old_model_file(void)
{
    const size_t K = 2, L = 2, D = 6;
    tmodel tm, back;
    size_t fb, sb, wr, mb, pass, total = 0, e;
    void *file, *scr;
    unsigned char *old = NULL;
    avloc_st_reader rd;
    int variant;
    rng_state = 4242;
    CHECK(tmodel_make(&tm, K, L, D));
    random_model(&tm.m, AVLOC_GLLIM_SIGMA_DIAG_TIED, 3.0, 0.5);
    tm.m.feat.window = AVLOC_WINDOW_BLACKMAN;
    CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_OK);
    CHECK_EQ_INT(avloc_gllim_save_query(&tm.m, AVLOC_ST_F64, &fb, &sb), AVLOC_OK);
    file = malloc(fb); scr = malloc(sb);
    CHECK_EQ_INT(avloc_gllim_save(&tm.m, AVLOC_ST_F64, file, fb, scr, sb, &wr), AVLOC_OK);
    CHECK_EQ_INT(avloc_st_open(&rd, file, wr), AVLOC_OK);
    CHECK_EQ_INT(avloc_gllim_load_query(file, wr, NULL, NULL, NULL, &mb), AVLOC_OK);
    back.mem = malloc(mb);
    for (variant = 0; variant < 4; variant++) {
        for (pass = 0; pass < 2; pass++) {
            avloc_st_writer w;
            avloc_st_iter it;
            avloc_st_tensor t;
            static const char *const keys[] = {"format", "version", "sigma_type", "K", "L", "D", "sample_rate",
                                               "n_fft", "hop", "window", "first_bin", "n_bins", "threshold_db",
                                               "threshold_relative", "image_width", "image_height", "hfov_deg",
                                               "obs_weight", NULL};
            const char *const *k;
            char val[64], name[64];
            avloc_st_begin(&w, old, pass ? total : 0);
            for (k = keys; *k; k++) {
                CHECK_EQ_INT(avloc_st_meta(&rd, *k, val, sizeof val), AVLOC_OK);
                if (strcmp(*k, "window") == 0 && variant < 2) {
                    if (variant == 1) avloc_st_add_meta(&w, *k, "kaiser");
                    continue;
                }
                if (variant == 2 && strcmp(*k, "hop") == 0) strcpy(val, "0");
                if (variant == 3 && strcmp(*k, "n_bins") == 0) strcpy(val, "100000");
                avloc_st_add_meta(&w, *k, val);
            }
            avloc_st_iter_begin(&rd, &it);
            while (avloc_st_next(&rd, &it, &t))
                if (avloc_st_tensor_name(&t, name, sizeof name, NULL) == AVLOC_OK)
                    avloc_st_add(&w, name, t.dtype, t.ndim, t.shape, pass ? t.data : NULL);
            avloc_st_finish(&w, &total);
            if (!pass) old = (unsigned char *)malloc(total);
        }
        if (variant == 0) {
            CHECK_EQ_INT(avloc_gllim_load(&back.m, old, total, back.mem, mb), AVLOC_OK);
            CHECK(back.m.feat.window == AVLOC_WINDOW_HANN);
            for (e = 0; e < K * D; e++) CHECK(back.m.sigma2[e] == tm.m.sigma2[e]);
        } else {
            static avloc_gllim_model zero; /* zero-filled (const would need an initialiser in C++) */
            CHECK_EQ_INT(avloc_gllim_load(&back.m, old, total, back.mem, mb), AVLOC_ERR_FORMAT);
            CHECK(memcmp(&back.m, &zero, sizeof back.m) == 0); /* a failed load is a failed init */
        }
        free(old);
        old = NULL;
    }
    free(file); free(scr); free(back.mem);
    tmodel_free(&tm);
}

/* ------------------------------------------------------------ benchmark */

static int count_iters(void *u, int it, double ll) { (void)ll; *(int *)u = it; return 0; }

static void bench(void)
{
    const size_t N = 432, L = 2, D = 1536, K = 32, T = 90;
    tmodel truth, tm;
    double *X = (double *)malloc(N * L * sizeof(double));
    float *Y = (float *)malloc(N * D * sizeof(float)), *Yt = (float *)malloc(T * D * sizeof(float));
    unsigned char *M = (unsigned char *)malloc(T * D);
    double *y = (double *)malloc(D * sizeof(double)), x[2];
    avloc_gllim_train_config cfg = avloc_gllim_train_config_default();
    avloc_gllim_train_info info;
    avloc_gllim_posterior post;
    size_t n, d, sb, pb, qb, r0, c0;
    void *scr, *pm, *qm;
    double t0, t1, tp;
    int iters = 0, rep;
    rng_state = 2024;
    /* synthetic data shaped like the real problem: an 18 x 24 pixel grid and a
       smooth nonlinear map to 1536 features plus noise */
    CHECK(tmodel_make(&truth, 48, L, D) && tmodel_make(&tm, K, L, D));
    random_model(&truth.m, AVLOC_GLLIM_SIGMA_DIAG_TIED, 1.0, 0.01);
    for (r0 = 0, n = 0; r0 < 18; r0++)
        for (c0 = 0; c0 < 24; c0++, n++) {
            double u = (c0 + 0.5) / 24.0, v = (r0 + 0.5) / 18.0;
            X[n * 2] = 640.0 * u; X[n * 2 + 1] = 480.0 * v;
            for (d = 0; d < D; d++) {
                double f = (double)d / D;
                Y[n * D + d] = (float)(10.0 * sin(3.0 * u * (1 + f) + 2 * f) * cos(2.0 * v + 5 * f) +
                                       0.1 * nrand());
            }
        }
    cfg.K = K;
    cfg.progress = count_iters;
    cfg.user = &iters;
    avloc_gllim_train_query(&cfg, N, L, D, &sb);
    scr = malloc(sb);
    t0 = now_s();
    CHECK_EQ_INT(avloc_gllim_train_f32(&cfg, X, Y, N, &tm.m, scr, sb, &info), AVLOC_OK);
    t1 = now_s();
    printf("gllim bench: train N=%zu D=%zu K=%zu (d*): %.3f s CPU, %zu iterations (%s), %.1f ms/iteration, "
           "LL %.6g, K_used %zu, reseeded %zu, scratch %.1f MB\n",
           N, D, K, t1 - t0, info.iterations, info.converged ? "converged" : "max_iter",
           1e3 * (t1 - t0) / (double)info.iterations, info.loglik, info.K_used, info.n_reseeded, sb / 1e6);
    cfg.sigma_type = AVLOC_GLLIM_SIGMA_DIAG;
    free(scr);
    avloc_gllim_train_query(&cfg, N, L, D, &sb);
    scr = malloc(sb);
    t0 = now_s();
    CHECK_EQ_INT(avloc_gllim_train_f32(&cfg, X, Y, N, &tm.m, scr, sb, &info), AVLOC_OK);
    t1 = now_s();
    printf("gllim bench: train (d): %.3f s CPU, %zu iterations\n", t1 - t0, info.iterations);
    /* posterior: T = 90 frames, ~11%% active */
    avloc_gllim_posterior_query(&tm.m, &pb, &qb);
    pm = malloc(pb); qm = malloc(qb);
    avloc_gllim_posterior_init(&post, &tm.m, pm, pb);
    for (n = 0; n < T * D; n++) { Yt[n] = Y[(n % D) + D * 200] + (float)(0.1 * nrand()); M[n] = urand() < 0.11; }
    t0 = now_s();
    for (rep = 0; rep < 200; rep++) avloc_gllim_posterior_f32(&tm.m, Yt, M, T, &post, qm, qb);
    tp = (now_s() - t0) / 200;
    printf("gllim bench: posterior T=%zu D=%zu K=%zu (%zu active): %.3f ms; x_hat (%.1f, %.1f) truth (%.1f, %.1f)\n",
           T, D, tm.m.K, post.n_active, 1e3 * tp, post.mean[0], post.mean[1], X[400], X[401]);
    for (d = 0; d < D; d++) y[d] = Y[200 * D + d];
    t0 = now_s();
    for (rep = 0; rep < 200; rep++) avloc_gllim_inverse_f64(&tm.m, y, x, post.nu);
    printf("gllim bench: inverse map D=%zu: %.3f ms; E[x|y] (%.1f, %.1f)\n", D, 1e3 * (now_s() - t0) / 200, x[0], x[1]);
    free(scr); free(pm); free(qm); free(X); free(Y); free(Yt); free(M); free(y);
    tmodel_free(&truth); tmodel_free(&tm);
}

int main(void)
{
    test_em_reference();
    test_em_monotone_and_init();
    test_recovery();
    test_theorem1_brute();
    test_theorem1_golden();
    test_posterior_edges();
    test_inverse_golden();
    test_stream();
    test_bad_inputs();
    test_collapse();
    test_save_load();
    test_old_model_file();
    test_object_pattern();
    test_phat_model();
    test_fill_missing();
    test_other_L();
    if (getenv("AVLOC_GLLIM_BENCH")) bench();
    return th_finish("gllim");
}
