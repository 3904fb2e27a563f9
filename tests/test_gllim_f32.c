/* tests/test_gllim_f32.c - the float32 GLLiM localisation path
   (avloc_gllim_model_f32, avloc_gllim_stats_f32, avloc_gllim_post_f32)
   against the double path it must reproduce (avloc_gllim_stats_add_f32 +
   avloc_gllim_posterior_from_stats, itself checked against
   tools/gllim_ref.py in test_gllim.c):
   - random models of every Sigma type, L = 1..3, untempered and tempered,
     series with random masks;
   - the demo model (data/demo: K = 32, D = 1536, tempering 1e-3) on the
     eight demo speech clips, in pixels;
   - conversion errors, validation of hand-made (flash) models, the
     statistics' all-or-nothing validation, the prior when nothing is active.

   Tolerances (docs/mcu.md, "float32 GLLiM"): the posterior mean within
   TOL_MEAN of the mixture's standard deviation sqrt(trace cov), every
   weight within TOL_NU (absolute), on the demo model the mean within TOL_PX
   pixels: about 10x the worst differences measured here (host and
   Cortex-M4 under qemu), and each far below what matters (a 0.01 px shift
   is 1/1000 of the demo's localisation error). */
#ifndef AVLOC_TEST_SHARED_IMPL /* else the Makefile links the library's objects (tests/impl/) */
#define AVLOC_IMPLEMENTATION
#endif
#include "../avloc_gllim.h"
#define AVLOC_IO_STATIC
#define AVLOC_IO_IMPLEMENTATION
#include "../examples/avloc_io.h"
#include "harness.h"
#include "gllim_util.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TOL_MEAN 1e-3 /* |mean_f32 - mean_f64| / sqrt(trace cov_f64) */
#define TOL_NU 1e-4   /* max_k |nu_f32 - nu_f64| */
#define TOL_PX 0.01   /* demo model: |u, v| difference in pixels */

static uint64_t rng_state = 0x2545F4914F6CDD1DULL;
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

/* A random valid model of any L and Sigma type, prepared. */
static int random_model(tmodel *t, size_t K, size_t L, size_t D, avloc_gllim_sigma st, double ow)
{
    avloc_gllim_model *m = &t->m;
    size_t k, d, i, j;
    double ps = 0.0, iso_tied = 0.05 + 0.1 * urand();
    if (!tmodel_make(t, K, L, D)) return 0;
    m->sigma_type = st;
    for (k = 0; k < K; k++) {
        double iso = 0.05 + 0.2 * urand(), G[16];
        m->pi[k] = 0.2 + urand(); ps += m->pi[k];
        for (i = 0; i < L; i++) m->c[k * L + i] = 5.0 * (2.0 * urand() - 1.0);
        for (i = 0; i < L; i++) /* Gamma = B B^T + 0.3 I */
            for (j = 0; j < L; j++) G[i * L + j] = 0.5 * nrand();
        for (i = 0; i < L; i++)
            for (j = 0; j < L; j++) {
                double s = i == j ? 0.3 : 0.0;
                size_t l;
                for (l = 0; l < L; l++) s += G[i * L + l] * G[j * L + l];
                m->Gamma[(k * L + i) * L + j] = s;
            }
        for (d = 0; d < D; d++) {
            for (i = 0; i < L; i++) m->A[(k * D + d) * L + i] = nrand();
            m->b[k * D + d] = 2.0 * nrand();
            switch (st) {
            case AVLOC_GLLIM_SIGMA_DIAG_TIED: m->sigma2[k * D + d] = k ? m->sigma2[d] : 0.05 + 0.3 * urand(); break;
            case AVLOC_GLLIM_SIGMA_DIAG: m->sigma2[k * D + d] = 0.05 + 0.3 * urand(); break;
            case AVLOC_GLLIM_SIGMA_ISO: m->sigma2[k * D + d] = iso; break;
            default: m->sigma2[k * D + d] = iso_tied; break;
            }
        }
    }
    for (k = 0; k < K; k++) m->pi[k] /= ps;
    m->obs_weight = ow;
    return avloc_gllim_model_prepare(m) == AVLOC_OK;
}

/* The float model of a prepared double one (malloc'd memory in *mem). */
static int to_f32(const avloc_gllim_model *m, avloc_gllim_model_f32 *mf, void **mem)
{
    size_t b = 0;
    *mem = NULL;
    if (avloc_gllim_model_f32_query(m, &b) != AVLOC_OK || !(*mem = malloc(b))) return 0;
    return avloc_gllim_model_f32_init(mf, m, *mem, b) == AVLOC_OK;
}

/* Both paths on one T x D series; returns the mean's distance in units of
   the double posterior's spread and the largest weight difference. */
typedef struct cmp_result {
    double mean_rel, nu_abs, mean_abs;
    int r64, r32;
} cmp_result;

static cmp_result compare(const avloc_gllim_model *m, const avloc_gllim_model_f32 *mf, const float *Y,
                          const unsigned char *mask, size_t T)
{
    cmp_result c;
    size_t D = m->D, L = m->L, sb = 0, pb = 0, sfb = 0, pfb = 0, k, i;
    avloc_gllim_stats st;
    avloc_gllim_posterior post;
    avloc_gllim_stats_f32 sf;
    avloc_gllim_post_f32 pf;
    void *m1, *m2, *m3, *m4;
    double tr = 0.0, e = 0.0;
    memset(&c, 0, sizeof c);
    avloc_gllim_stats_query(D, &sb);
    avloc_gllim_posterior_query(m, &pb, NULL);
    avloc_gllim_stats_f32_query(D, &sfb);
    avloc_gllim_post_f32_query(mf, &pfb);
    m1 = malloc(sb); m2 = malloc(pb); m3 = malloc(sfb); m4 = malloc(pfb);
    c.r64 = c.r32 = -100;
    if (m1 && m2 && m3 && m4 && avloc_gllim_stats_init(&st, D, m1, sb) == AVLOC_OK &&
        avloc_gllim_posterior_init(&post, m, m2, pb) == AVLOC_OK &&
        avloc_gllim_stats_f32_init(&sf, D, m3, sfb) == AVLOC_OK &&
        avloc_gllim_post_f32_init(&pf, mf, m4, pfb) == AVLOC_OK &&
        avloc_gllim_stats_add_f32(&st, Y, mask, T, 1) == AVLOC_OK &&
        avloc_gllim_stats_f32_add(&sf, Y, mask, T, 1) == AVLOC_OK) {
        c.r64 = avloc_gllim_posterior_from_stats(m, &st, &post);
        c.r32 = avloc_gllim_posterior_from_stats_f32(mf, &sf, &pf);
        for (i = 0; i < L; i++) {
            double di = (double)pf.mean[i] - post.mean[i];
            e += di * di;
            tr += post.cov[i * L + i];
        }
        c.mean_abs = sqrt(e);
        c.mean_rel = sqrt(e / tr);
        for (k = 0; k < m->K; k++) {
            double dn = fabs((double)pf.nu[k] - post.nu[k]);
            if (dn > c.nu_abs) c.nu_abs = dn;
        }
        if (pf.n_active != post.n_active) c.r32 = -99;
    }
    free(m1); free(m2); free(m3); free(m4);
    return c;
}

/* A series from the model at a random x of component k0, with about half
   the points active (inactive ones hold NaN: they must be ignored). */
static void draw_series(const avloc_gllim_model *m, size_t T, float *Y, unsigned char *mask)
{
    size_t D = m->D, L = m->L, k0 = (size_t)(urand() * (double)m->K) % m->K, t, d, i;
    double x[4];
    for (i = 0; i < L; i++) x[i] = m->c[k0 * L + i] + nrand();
    for (t = 0; t < T; t++)
        for (d = 0; d < D; d++) {
            double y = m->b[k0 * D + d] + sqrt(m->sigma2[k0 * D + d]) * nrand();
            for (i = 0; i < L; i++) y += m->A[(k0 * D + d) * L + i] * x[i];
            mask[t * D + d] = urand() < 0.5;
            Y[t * D + d] = mask[t * D + d] ? (float)y : NAN;
        }
}

static void test_random_models(void)
{
    static const avloc_gllim_sigma types[4] = {AVLOC_GLLIM_SIGMA_DIAG_TIED, AVLOC_GLLIM_SIGMA_DIAG,
                                               AVLOC_GLLIM_SIGMA_ISO, AVLOC_GLLIM_SIGMA_ISO_TIED};
    static const double weights[3] = {1.0, 1e-2, 1e-3};
    double worst_mean = 0.0, worst_nu = 0.0;
    size_t ti, L, wi, rep, n = 0;
    for (ti = 0; ti < 4; ti++)
        for (L = 1; L <= 3; L++)
            for (wi = 0; wi < 3; wi++) {
                const size_t K = 6 + 4 * L, D = 150 + 100 * ti, T = 20;
                tmodel t;
                avloc_gllim_model_f32 mf;
                void *fmem = NULL;
                float *Y = (float *)malloc(T * D * sizeof(float));
                unsigned char *mask = (unsigned char *)malloc(T * D);
                int ok = Y && mask && random_model(&t, K, L, D, types[ti], weights[wi]) && to_f32(&t.m, &mf, &fmem);
                CHECK_MSG(ok, "model %s L %lu", avloc_gllim_sigma_name(types[ti]), (unsigned long)L);
                if (ok) CHECK(avloc_gllim_model_f32_check(&mf) == AVLOC_OK);
                for (rep = 0; ok && rep < 4; rep++) {
                    cmp_result c;
                    draw_series(&t.m, rep == 3 ? 1 : T, Y, mask); /* one frame too: few points */
                    c = compare(&t.m, &mf, Y, mask, rep == 3 ? 1 : T);
                    CHECK_EQ_INT(c.r32, c.r64);
                    CHECK_MSG(c.mean_rel <= TOL_MEAN && c.nu_abs <= TOL_NU,
                              "%s L %lu ow %g: mean %.3g of the spread, nu %.3g", avloc_gllim_sigma_name(types[ti]),
                              (unsigned long)L, weights[wi], c.mean_rel, c.nu_abs);
                    if (c.mean_rel > worst_mean) worst_mean = c.mean_rel;
                    if (c.nu_abs > worst_nu) worst_nu = c.nu_abs;
                    n++;
                }
                free(Y); free(mask); free(fmem);
                tmodel_free(&t);
            }
    printf("  random models (%lu series): worst mean difference %.2e of the posterior spread, worst weight %.2e\n",
           (unsigned long)n, worst_mean, worst_nu);
}

/* The demo model on the demo clips: features of each whole clip (the
   model's configuration), both posteriors, in pixels. */
static void test_demo_model(void)
{
    unsigned char *file = NULL, *mmem = NULL, *scr = NULL, *mask = NULL;
    void *fmem = NULL;
    size_t fsize = 0, K, L, D, mb, i, nf, sb;
    avloc_gllim_model m;
    avloc_gllim_model_f32 mf;
    double worst_px = 0.0, worst_nu = 0.0;
    float *feat = NULL;
    if (avloc_io_read_file("data/demo/kemar_gllim.safetensors", &file, &fsize) != AVLOC_IO_OK) {
        CHECK_MSG(0, "data/demo/kemar_gllim.safetensors: run from the repository root");
        return;
    }
    CHECK(avloc_gllim_load_query(file, fsize, &K, &L, &D, &mb) == AVLOC_OK);
    mmem = (unsigned char *)malloc(mb);
    CHECK(mmem && avloc_gllim_load(&m, file, fsize, mmem, mb) == AVLOC_OK);
    CHECK(to_f32(&m, &mf, &fmem));
    CHECK(avloc_gllim_model_f32_check(&mf) == AVLOC_OK);
    CHECK(mf.K == 32 && mf.D == 1536 && mf.image_width == 640 && mf.feat.n_fft == m.feat.n_fft);
    for (i = 0; i < 8 && mf.pi; i++) {
        char path[64];
        avloc_io_audio a;
        float *lr;
        size_t n, j, active = 0;
        cmp_result c;
        snprintf(path, sizeof path, "data/demo/wav/%04lu.wav", (unsigned long)i);
        if (avloc_io_wav_load(path, AVLOC_IO_WAV_PLANAR, &a) != AVLOC_IO_OK || a.channels != 2) {
            CHECK_MSG(0, "%s", path);
            continue;
        }
        n = a.frames;
        lr = a.samples;
        CHECK(avloc_binaural_frames(&m.feat, n, &nf) == AVLOC_OK);
        CHECK(avloc_binaural_scratch_f32(&m.feat, n, &sb) == AVLOC_OK);
        feat = (float *)malloc(nf * D * sizeof(float));
        mask = (unsigned char *)malloc(nf * D);
        scr = (unsigned char *)malloc(sb);
        if (feat && mask && scr &&
            avloc_binaural_features_f32(&m.feat, lr, lr + n, n, feat, mask, nf, &active, scr, sb) == AVLOC_OK) {
            c = compare(&m, &mf, feat, mask, nf);
            CHECK_EQ_INT(c.r32, AVLOC_OK);
            CHECK_EQ_INT(c.r64, AVLOC_OK);
            CHECK_MSG(c.mean_abs <= TOL_PX && c.nu_abs <= TOL_NU, "%s: %.3g px, nu %.3g", path, c.mean_abs, c.nu_abs);
            if (c.mean_abs > worst_px) worst_px = c.mean_abs;
            if (c.nu_abs > worst_nu) worst_nu = c.nu_abs;
            for (j = 0; j + 1 < nf && j < 3; j++) { /* single frames: few points, wide posterior */
                c = compare(&m, &mf, feat + j * 40 * D, mask + j * 40 * D, 1);
                if (40 * j >= nf) break;
                CHECK_EQ_INT(c.r32, c.r64);
                CHECK_MSG(c.mean_abs <= TOL_PX && c.nu_abs <= TOL_NU, "%s frame %lu: %.3g px, nu %.3g", path,
                          (unsigned long)(40 * j), c.mean_abs, c.nu_abs);
                if (c.mean_abs > worst_px) worst_px = c.mean_abs;
                if (c.nu_abs > worst_nu) worst_nu = c.nu_abs;
            }
        } else {
            CHECK_MSG(0, "%s: features", path);
        }
        free(feat); free(mask); free(scr);
        feat = NULL; mask = NULL; scr = NULL;
        avloc_io_audio_free(&a);
    }
    printf("  demo model (K 32, D 1536) on the 8 demo clips: worst %.2e px, worst weight %.2e\n", worst_px, worst_nu);
    free(fmem); free(mmem); free(file);
}

/* Conversion and validation errors; the statistics' contract. */
static void test_errors(void)
{
    tmodel t;
    avloc_gllim_model_f32 mf, bad;
    avloc_gllim_stats_f32 sf;
    avloc_gllim_post_f32 pf;
    void *fmem = NULL;
    size_t b = 0, sfb = 0, pfb = 0, D = 12, k;
    unsigned char smem[1024], pmem[2048], mask[24];
    float Y[24], *fw;
    avloc_result r;
    CHECK(random_model(&t, 3, 2, D, AVLOC_GLLIM_SIGMA_DIAG, 1.0));
    /* an unprepared model is refused; so is one whose values leave the float range */
    t.m.prepared = 0;
    CHECK_EQ_INT(avloc_gllim_model_f32_query(&t.m, &b), AVLOC_ERR_STATE);
    t.m.prepared = 1;
    CHECK_EQ_INT(avloc_gllim_model_f32_query(&t.m, &b), AVLOC_OK);
    CHECK_EQ_INT(avloc_gllim_model_f32_init(&mf, &t.m, pmem, 8), AVLOC_ERR_WORKSPACE);
    CHECK(mf.pi == NULL);
    t.m.c[0] = 1e39; /* fine in double, no float */
    CHECK_EQ_INT(avloc_gllim_model_prepare(&t.m), AVLOC_OK);
    fmem = malloc(b);
    CHECK_EQ_INT(avloc_gllim_model_f32_init(&mf, &t.m, fmem, b), AVLOC_ERR_NUMERIC);
    CHECK(mf.pi == NULL && mf.K == 0);
    t.m.c[0] = 1.0;
    CHECK_EQ_INT(avloc_gllim_model_prepare(&t.m), AVLOC_OK);
    CHECK_EQ_INT(avloc_gllim_model_f32_init(&mf, &t.m, fmem, b), AVLOC_OK);
    CHECK_EQ_INT(avloc_gllim_model_f32_check(&mf), AVLOC_OK);
    CHECK_EQ_INT(avloc_gllim_model_f32_check(NULL), AVLOC_ERR_NULL);
    /* hand-made (flash) models: each broken field is found */
    fw = (float *)mf.At;
    bad = mf; bad.D = 0;
    CHECK_EQ_INT(avloc_gllim_model_f32_check(&bad), AVLOC_ERR_SIZE);
    bad = mf; bad.cstar = NULL;
    CHECK_EQ_INT(avloc_gllim_model_f32_check(&bad), AVLOC_ERR_SIZE);
    bad = mf; bad.obs_weight = 0.0f;
    CHECK_EQ_INT(avloc_gllim_model_f32_check(&bad), AVLOC_ERR_PARAM);
    fw[7] = NAN;
    CHECK_EQ_INT(avloc_gllim_model_f32_check(&mf), AVLOC_ERR_NONFINITE);
    fw[7] = 0.5f;
    ((float *)mf.pi)[1] = 0.0f;
    CHECK_EQ_INT(avloc_gllim_model_f32_check(&mf), AVLOC_ERR_PARAM);
    ((float *)mf.pi)[1] = 0.3f;
    ((float *)mf.inv_sigma2)[D + 3] = -1.0f; /* "d": one row per component */
    CHECK_EQ_INT(avloc_gllim_model_f32_check(&mf), AVLOC_ERR_PARAM);
    ((float *)mf.inv_sigma2)[D + 3] = 2.0f;
    ((float *)mf.Gamma_inv)[4 + 0] = -1.0f; /* component 1 not positive definite */
    CHECK_EQ_INT(avloc_gllim_model_f32_check(&mf), AVLOC_ERR_PARAM);
    ((float *)mf.Gamma_inv)[4 + 0] = 2.0f;
    ((float *)mf.Gamma_inv)[4 + 1] += 0.25f; /* not symmetric */
    CHECK_EQ_INT(avloc_gllim_model_f32_check(&mf), AVLOC_ERR_PARAM);
    ((float *)mf.Gamma_inv)[4 + 1] -= 0.25f;
    CHECK_EQ_INT(avloc_gllim_model_f32_check(&mf), AVLOC_OK);

    /* statistics: validation before any change, removal, NULLs, sizes */
    CHECK_EQ_INT(avloc_gllim_stats_f32_query(D, &sfb), AVLOC_OK);
    CHECK(sfb <= sizeof smem);
    CHECK_EQ_INT(avloc_gllim_stats_f32_init(&sf, D, smem, 4), AVLOC_ERR_WORKSPACE);
    CHECK_EQ_INT(avloc_gllim_stats_f32_init(&sf, 0, smem, sizeof smem), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_gllim_stats_f32_init(&sf, D, smem, sizeof smem), AVLOC_OK);
    CHECK_EQ_INT(avloc_gllim_post_f32_query(&mf, &pfb), AVLOC_OK);
    CHECK(pfb <= sizeof pmem);
    CHECK_EQ_INT(avloc_gllim_post_f32_init(&pf, &mf, pmem, sizeof pmem), AVLOC_OK);
    /* nothing active: the prior, exactly */
    r = avloc_gllim_posterior_from_stats_f32(&mf, &sf, &pf);
    CHECK_EQ_INT(r, AVLOC_NO_ACTIVE_POINTS);
    CHECK(pf.nu[2] == mf.pi[2] && pf.mu[3] == mf.c[3] && pf.V[5] == mf.Gamma[5]);
    for (k = 0; k < 2 * D; k++) { Y[k] = (float)k * 0.1f; mask[k] = (unsigned char)(k % 3 != 0); }
    Y[0] = NAN; /* inactive: ignored */
    CHECK_EQ_INT(avloc_gllim_stats_f32_add(&sf, Y, mask, 2, 1), AVLOC_OK);
    CHECK(sf.n_active == 16 && sf.n_frames == 2 && sf.S0[1] == 2.0f && sf.S0[0] == 0.0f && sf.S0[3] == 0.0f);
    CHECK_NEAR(sf.S1[1], 0.1 + 1.3, 1e-6);
    CHECK_NEAR(sf.S2[1], 0.01 + 1.69, 1e-6);
    Y[1] = INFINITY; /* active: refused, nothing changed */
    CHECK_EQ_INT(avloc_gllim_stats_f32_add(&sf, Y, mask, 2, 1), AVLOC_ERR_NONFINITE);
    CHECK(sf.n_active == 16 && sf.S0[1] == 2.0f);
    Y[1] = 0.1f;
    CHECK_EQ_INT(avloc_gllim_stats_f32_add(&sf, Y + D, mask + D, 1, -1), AVLOC_OK);
    CHECK(sf.n_active == 8 && sf.n_frames == 1 && sf.S0[1] == 1.0f && sf.S0[D - 1] == 1.0f);
    CHECK_NEAR(sf.S1[1], 0.1, 1e-6);
    CHECK_NEAR(sf.S2[1], 0.01, 1e-6);
    CHECK_EQ_INT(avloc_gllim_stats_f32_add(&sf, Y, mask, 2, -1), AVLOC_ERR_STATE); /* more than is left */
    CHECK(sf.n_frames == 1 && sf.S0[1] == 1.0f);
    CHECK_EQ_INT(avloc_gllim_stats_f32_add(&sf, NULL, mask, 1, 1), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_gllim_posterior_from_stats_f32(&mf, &sf, &pf), AVLOC_OK);
    CHECK_NEAR(pf.nu[0] + pf.nu[1] + pf.nu[2], 1.0, 1e-6);
    CHECK_EQ_INT(avloc_gllim_posterior_from_stats_f32(NULL, &sf, &pf), AVLOC_ERR_NULL);
    bad = mf; bad.D = D + 1;
    CHECK_EQ_INT(avloc_gllim_posterior_from_stats_f32(&bad, &sf, &pf), AVLOC_ERR_SIZE);
    bad = mf; bad.obs_weight = NAN;
    CHECK_EQ_INT(avloc_gllim_posterior_from_stats_f32(&bad, &sf, &pf), AVLOC_ERR_PARAM);
    bad = mf; bad.At = NULL;
    CHECK_EQ_INT(avloc_gllim_posterior_from_stats_f32(&bad, &sf, &pf), AVLOC_ERR_SIZE);
    memset(&bad, 0, sizeof bad); /* a destroyed model */
    CHECK_EQ_INT(avloc_gllim_posterior_from_stats_f32(&bad, &sf, &pf), AVLOC_ERR_STATE);
    avloc_gllim_stats_f32_destroy(&sf);
    CHECK_EQ_INT(avloc_gllim_stats_f32_add(&sf, Y, mask, 1, 1), AVLOC_ERR_STATE);
    CHECK_EQ_INT(avloc_gllim_posterior_from_stats_f32(&mf, &sf, &pf), AVLOC_ERR_STATE);
    avloc_gllim_post_f32_destroy(&pf);
    avloc_gllim_model_f32_destroy(&mf);
    CHECK(mf.pi == NULL);
    free(fmem);
    tmodel_free(&t);
}

int main(void)
{
    test_errors();
    test_random_models();
    test_demo_model();
    return th_finish("gllim_f32");
}
