/* GLLiM checks that need the numbers to matter, written so that the planted
   bugs of tools/mutation_check.py fail them:
   - the tempered (obs_weight != 1) Theorem-1 posterior with several
     comparable components against numpy (tools/gllim_ref.py), nu compared
     with an absolute tolerance (a one-hot nu hides every term of log nu_k);
   - EM where the variance floor binds (its exact value moves sigma^2 and
     the log-likelihood), elementwise against numpy. */
#ifndef AVLOC_TEST_SHARED_IMPL /* else the Makefile links the library's objects (tests/impl/) */
#define AVLOC_IMPLEMENTATION
#endif
#include "../avloc_gllim.h"
#include "harness.h"
#include "gllim_util.h"

static th_array load_golden(const char *fmt, const char *tag)
{
    char name[128];
    snprintf(name, sizeof name, fmt, tag);
    return th_golden(name);
}

/* max |a - b| (absolute) */
static double max_abs_err(const double *a, const double *b, size_t n)
{
    double e = 0.0;
    size_t i;
    for (i = 0; i < n; i++) e = fmax(e, fabs(a[i] - b[i]));
    return e;
}

/* ------------------------------------------- tempered posterior, K = 4 */

static void test_tempered_posterior(void)
{
    static const char *tags[2] = {"tied", "untied"};
    const size_t K = 4, L = 2, D = 10, T = 8;
    int i;
    for (i = 0; i < 2; i++) {
        th_array th = load_golden("gllim_tpost_%s_theta.npy", tags[i]), Y = load_golden("gllim_tpost_%s_Y.npy", tags[i]),
                 M = load_golden("gllim_tpost_%s_M.npy", tags[i]), nu = load_golden("gllim_tpost_%s_nu.npy", tags[i]),
                 mu = load_golden("gllim_tpost_%s_mu.npy", tags[i]), V = load_golden("gllim_tpost_%s_V.npy", tags[i]);
        tmodel tm;
        float Yt[80];
        unsigned char Mk[80];
        size_t j, pb = 0, sb = 0;
        void *pm, *sm;
        avloc_gllim_posterior post;
        double enu, emu, eV, nmin = 1.0;
        if (!th.data || !Y.data || !M.data || !nu.data || !mu.data || !V.data || Y.n != T * D || nu.n != K) {
            CHECK(!"tempered posterior goldens");
            continue;
        }
        CHECK(tmodel_make(&tm, K, L, D));
        theta_to_model(th.data, &tm.m, i ? AVLOC_GLLIM_SIGMA_DIAG : AVLOC_GLLIM_SIGMA_DIAG_TIED);
        tm.m.obs_weight = 0.2;
        CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_OK);
        for (j = 0; j < T * D; j++) { Yt[j] = (float)Y.data[j]; Mk[j] = (unsigned char)M.data[j]; }
        avloc_gllim_posterior_query(&tm.m, &pb, &sb);
        pm = malloc(pb); sm = malloc(sb);
        CHECK_EQ_INT(avloc_gllim_posterior_init(&post, &tm.m, pm, pb), AVLOC_OK);
        CHECK_EQ_INT(avloc_gllim_posterior_f32(&tm.m, Yt, Mk, T, &post, sm, sb), AVLOC_OK);
        for (j = 0; j < K; j++) nmin = fmin(nmin, nu.data[j]);
        CHECK_MSG(nmin > 0.004, "golden nu is not spread (min %.3g): the test would not see the terms of log nu", nmin);
        /* Y is float32-exact in the golden: only arithmetic differs */
        enu = max_abs_err(post.nu, nu.data, K);
        emu = max_abs_err(post.mu, mu.data, K * L);
        eV = max_abs_err(post.V, V.data, K * L * L);
        CHECK_MSG(enu <= 1e-9, "tempered %s: nu abs err %.3g", tags[i], enu);
        CHECK_MSG(emu <= 1e-8, "tempered %s: mu abs err %.3g", tags[i], emu);
        CHECK_MSG(eV <= 1e-9, "tempered %s: V abs err %.3g", tags[i], eV);
        printf("  tempered posterior (obs_weight 0.2, K=4) %-6s: nu %.5f %.5f %.5f %.5f, abs err nu %.1e mu %.1e V %.1e\n",
               tags[i], post.nu[0], post.nu[1], post.nu[2], post.nu[3], enu, emu, eV);
        free(pm); free(sm); free(tm.mem);
        th_free(&th); th_free(&Y); th_free(&M); th_free(&nu); th_free(&mu); th_free(&V);
    }
}

/* ------------------------------------------------- binding variance floor */

static void test_binding_floor(void)
{
    static const char *tags[2] = {"dt", "d"};
    static const avloc_gllim_sigma types[2] = {AVLOC_GLLIM_SIGMA_DIAG_TIED, AVLOC_GLLIM_SIGMA_DIAG};
    const size_t N = 200, L = 2, D = 8, K = 3, ITER = 5;
    th_array X = th_golden("gllim_emfloor_X.npy"), Y = th_golden("gllim_emfloor_Y.npy"), R0 = th_golden("gllim_emfloor_R0.npy");
    avloc_gllim_train_config def = avloc_gllim_train_config_default();
    int t;
    /* the documented defaults the goldens assume */
    CHECK(def.var_floor_rel == 1e-6 && def.var_floor_abs == 1e-12 && def.gamma_reg == 1e-8);
    if (!X.data || !Y.data || !R0.data || X.n != N * L || Y.n != N * D || R0.n != N * K) {
        CHECK(!"emfloor goldens");
        return;
    }
    for (t = 0; t < 2; t++) {
        th_array th = load_golden("gllim_emfloor_%s_theta.npy", tags[t]), ll = load_golden("gllim_emfloor_%s_ll.npy", tags[t]);
        avloc_gllim_train_config cfg = def;
        avloc_gllim_train_info info;
        tmodel tm;
        size_t sb = 0, i, off = K + K * L + K * L * L + K * D * L + K * D;
        void *scr;
        double es = 0.0, eA = 0.0;
        if (!th.data || !ll.data || ll.n != ITER) { CHECK(!"emfloor theta/ll"); continue; }
        cfg.K = K;
        cfg.sigma_type = types[t];
        cfg.max_iter = ITER;
        cfg.tol = 0.0;
        cfg.init_resp = R0.data;
        CHECK(tmodel_make(&tm, K, L, D));
        CHECK_EQ_INT(avloc_gllim_train_query(&cfg, N, L, D, &sb), AVLOC_OK);
        scr = malloc(sb);
        CHECK_EQ_INT(avloc_gllim_train_f64(&cfg, X.data, Y.data, N, &tm.m, scr, sb, &info), AVLOC_OK);
        /* sigma^2 elementwise relative: the floored dims are 1e6 times
           smaller than the others, a max-normalised error would not see them */
        for (i = 0; i < K * D; i++) es = fmax(es, fabs(tm.m.sigma2[i] - th.data[off + i]) / th.data[off + i]);
        for (i = 0; i < K * D * L; i++) {
            const double *A = th.data + K + K * L + K * L * L;
            eA = fmax(eA, fabs(tm.m.A[i] - A[i]) / (1.0 + fabs(A[i])));
        }
        CHECK_MSG(es <= 1e-6, "floor %s: sigma2 elementwise rel err %.3g", tags[t], es);
        CHECK_MSG(eA <= 1e-6, "floor %s: A err %.3g", tags[t], eA);
        CHECK_MSG(fabs(info.loglik - ll.data[ITER - 1]) <= 1e-8 * fabs(ll.data[ITER - 1]),
                  "floor %s: LL %.10g vs %.10g", tags[t], info.loglik, ll.data[ITER - 1]);
        printf("  EM with a binding floor (%s): sigma2[0] %.3e (golden %.3e), LL %.6f, rel err sigma2 %.1e\n", tags[t],
               tm.m.sigma2[0], th.data[off], info.loglik, es);
        free(scr); free(tm.mem);
        th_free(&th); th_free(&ll);
    }
    th_free(&X); th_free(&Y); th_free(&R0);
}

/* ------------------------------------------------ k-means++ seeding */

/* 8 tight blobs 1000 apart: k-means++ (D^2 to the NEAREST chosen centre)
   puts one seed in each blob with probability ~1 - 1e-6 per pick, and
   Lloyd then returns exactly the blobs. Seeds weighted any other way leave
   two centres in one blob for some seed, and Lloyd cannot undo that. */
static void test_kmeanspp_blobs(void)
{
    const size_t B = 8, P = 30, N = B * P, L = 2;
    double *X = (double *)malloc(N * L * sizeof *X), *R = (double *)malloc(N * B * sizeof *R);
    avloc_gllim_train_config cfg = avloc_gllim_train_config_default();
    size_t sb = 0, n, seed, bad = 0;
    unsigned s = 99;
    void *scr;
    for (n = 0; n < N; n++) {
        size_t b = n / P;
        s = s * 1664525u + 1013904223u;
        X[n * L] = 1000.0 * (double)(b % 4) + (double)(s >> 8) / 16777216.0;
        s = s * 1664525u + 1013904223u;
        X[n * L + 1] = 1000.0 * (double)(b / 4) + (double)(s >> 8) / 16777216.0;
    }
    cfg.K = B;
    CHECK_EQ_INT(avloc_gllim_train_query(&cfg, N, L, 2, &sb), AVLOC_OK);
    scr = malloc(sb);
    for (seed = 1; seed <= 20; seed++) {
        size_t b, k, used = 0;
        int ok = avloc_gllim_kmeans_init(X, N, L, B, (uint64_t)seed, 10, R, scr, sb) == AVLOC_OK;
        for (b = 0; b < B && ok; b++) {
            size_t kb = B;
            for (k = 0; k < B; k++) if (R[b * P * B + k] == 1.0) kb = k;
            if (kb == B || (used >> kb & 1)) ok = 0; /* no component, or one shared by two blobs */
            used |= (size_t)1 << kb;
            for (n = b * P; n < (b + 1) * P && ok; n++) ok = R[n * B + kb] == 1.0;
        }
        if (!ok) bad++;
    }
    CHECK_MSG(bad == 0, "k-means++: %u of 20 seeds do not recover the 8 blobs", (unsigned)bad);
    free(scr); free(X); free(R);
}

/* ------------------------------------------ save / load of the featcfg */

/* Every feature-config field set away from its default survives a save and
   load (a field the writer forgets comes back as the default). */
static void test_save_load_featcfg(void)
{
    const size_t K = 2, L = 2, D = 9;
    tmodel tm, back;
    size_t fb = 0, sb = 0, wr = 0, k2, l2, d2, mb = 0, k, d;
    void *file, *scr;
    avloc_binaural_config *f;
    CHECK(tmodel_make(&tm, K, L, D));
    for (k = 0; k < K; k++) {
        tm.m.pi[k] = 0.5;
        tm.m.c[2 * k] = (double)k; tm.m.c[2 * k + 1] = -(double)k;
        tm.m.Gamma[4 * k] = 1.0; tm.m.Gamma[4 * k + 1] = tm.m.Gamma[4 * k + 2] = 0.1; tm.m.Gamma[4 * k + 3] = 2.0;
        for (d = 0; d < D; d++) {
            tm.m.A[(k * D + d) * 2] = 0.1 * (double)(d + k); tm.m.A[(k * D + d) * 2 + 1] = -0.2 * (double)d;
            tm.m.b[k * D + d] = (double)d;
            tm.m.sigma2[k * D + d] = 0.5 + 0.1 * (double)d;
        }
    }
    tm.m.sigma_type = AVLOC_GLLIM_SIGMA_DIAG;
    f = &tm.m.feat;
    f->sample_rate = 22050.0f; f->n_fft = 64; f->hop = 16; f->first_bin = 5; f->n_bins = 3;
    f->threshold_db = -33.5f; f->threshold_relative = 0; f->window = AVLOC_WINDOW_HAMMING;
    tm.m.image_width = 320; tm.m.image_height = 240; tm.m.hfov_deg = 70.0; tm.m.obs_weight = 0.4;
    CHECK_EQ_INT(avloc_gllim_model_prepare(&tm.m), AVLOC_OK);
    CHECK_EQ_INT(avloc_gllim_save_query(&tm.m, AVLOC_ST_F64, &fb, &sb), AVLOC_OK);
    file = malloc(fb); scr = malloc(sb);
    CHECK_EQ_INT(avloc_gllim_save(&tm.m, AVLOC_ST_F64, file, fb, scr, sb, &wr), AVLOC_OK);
    CHECK_EQ_INT(avloc_gllim_load_query(file, wr, &k2, &l2, &d2, &mb), AVLOC_OK);
    back.mem = malloc(mb);
    CHECK_EQ_INT(avloc_gllim_load(&back.m, file, wr, back.mem, mb), AVLOC_OK);
    f = &back.m.feat;
    CHECK(f->sample_rate == 22050.0f && f->n_fft == 64 && f->hop == 16 && f->window == AVLOC_WINDOW_HAMMING);
    CHECK_EQ_INT(f->first_bin, 5);
    CHECK_EQ_INT(f->n_bins, 3);
    CHECK(f->threshold_db == -33.5f && f->threshold_relative == 0);
    CHECK(back.m.image_width == 320 && back.m.image_height == 240 && back.m.hfov_deg == 70.0 && back.m.obs_weight == 0.4);
    free(file); free(scr); free(tm.mem); free(back.mem);
}

int main(void)
{
    test_tempered_posterior();
    test_binding_floor();
    test_kmeanspp_blobs();
    test_save_load_featcfg();
    return th_finish("gllim_mix");
}
