/* Binaural ILD/IPD features (numpy rendition in tools/gen_goldens_dsp.py) and
   GCC-PHAT delay recovery in white noise and in speech. */
#ifndef AVLOC_TEST_SHARED_IMPL /* else the Makefile links the library's objects (tests/impl/) */
#define AVLOC_IMPLEMENTATION
#endif
#include "../avloc_dsp.h"
#include "harness.h"

static unsigned char g_obj[1 << 21];

/* ------------------------------------------------------------ binaural */

static void test_binaural_golden(void)
{
    th_array la = th_golden("dsp_bin_left.npy"), ra = th_golden("dsp_bin_right.npy"), gf = th_golden("dsp_bin_feat.npy"),
             gp = th_golden("dsp_bin_pdb.npy");
    avloc_binaural_config cfg = avloc_binaural_config_default();
    size_t nf = 0, sb = 0, t, b, na = 0, ref_active = 0, mism = 0, D = 1536;
    float *L, *R, *feat, *mean;
    unsigned char *mask, *dm;
    double eild = 0, eipd = 0, pmax = -1e300;
    void *scr;
    int finite = 1;
    if (!la.data || !ra.data || !gf.data || !gp.data) { CHECK(0); return; }
    L = th_to_f32(&la);
    R = th_to_f32(&ra);
    CHECK(avloc_binaural_frames(&cfg, la.n, &nf) == AVLOC_OK);
    CHECK_EQ_INT(nf, 1 + (3000 - 1024) / 128);
    CHECK_EQ_INT(nf * D, gf.n);
    CHECK(avloc_binaural_scratch_f32(&cfg, la.n, &sb) == AVLOC_OK);
    scr = malloc(sb);
    feat = (float *)malloc(nf * D * sizeof *feat);
    mask = (unsigned char *)malloc(nf * D);
    mean = (float *)malloc(D * sizeof *mean);
    dm = (unsigned char *)malloc(D);
    CHECK(avloc_binaural_features_f32(&cfg, L, R, la.n, feat, mask, nf, &na, scr, sb) == AVLOC_OK);
    for (t = 0; t < nf * 512; t++) if (gp.data[t] > pmax) pmax = gp.data[t];
    for (t = 0; t < nf; t++)
        for (b = 0; b < 512; b++) {
            double pdb = gp.data[t * 512 + b];
            int on = pdb >= pmax - 40.0;
            const float *f = feat + t * D;
            const double *g = gf.data + t * D;
            ref_active += on;
            if (fabs(pdb - (pmax - 40.0)) > 1e-3 && on != mask[t * D + b]) mism++;
            if (mask[t * D + b] != mask[t * D + 512 + b] || mask[t * D + b] != mask[t * D + 1024 + b]) mism++;
            if (on) {
                if (fabs(f[b] - g[b]) > eild) eild = fabs(f[b] - g[b]);
                if (fabs(f[512 + b] - g[512 + b]) > eipd) eipd = fabs(f[512 + b] - g[512 + b]);
                if (fabs(f[1024 + b] - g[1024 + b]) > eipd) eipd = fabs(f[1024 + b] - g[1024 + b]);
            }
        }
    for (t = 0; t < nf * D; t++) if (!(feat[t] - feat[t] == 0.0f)) finite = 0;
    CHECK(finite);
    CHECK_EQ_INT(mism, 0);
    CHECK(na > 0 && na < nf * 512); /* the -60 dB stretch is masked */
    CHECK_MSG(na + 2 >= ref_active && na <= ref_active + 2, "active %u vs %u", (unsigned)na, (unsigned)ref_active);
    CHECK_MSG(eild <= 1e-3, "ILD max err %g dB at active points", eild);
    CHECK_MSG(eipd <= 1e-4, "IPD max err %g at active points", eipd);
    printf("  binaural: %u/%u active TF points, ILD err %.2e dB, IPD err %.2e\n",
           (unsigned)na, (unsigned)(nf * 512), eild, eipd);
    CHECK(avloc_binaural_mean_f32(feat, mask, nf, D, mean, dm) == AVLOC_OK);
    {   /* mean of dim 0 by hand */
        double s = 0;
        size_t c = 0;
        for (t = 0; t < nf; t++) if (mask[t * D]) { s += feat[t * D]; c++; }
        CHECK(c ? fabs(mean[0] - s / (double)c) < 1e-5 : (mean[0] == 0 && dm[0] == 0));
    }
    /* absolute threshold: 10 dB above the reference max -> nothing active */
    cfg.threshold_relative = 0;
    cfg.threshold_db = (float)(pmax + 10.0);
    CHECK(avloc_binaural_scratch_f32(&cfg, la.n, &sb) == AVLOC_OK);
    CHECK(avloc_binaural_features_f32(&cfg, L, R, la.n, feat, mask, nf, &na, scr, sb) == AVLOC_OK);
    CHECK_EQ_INT(na, 0);
    CHECK(avloc_binaural_mean_f32(feat, mask, nf, D, mean, dm) == AVLOC_NO_ACTIVE_POINTS);
    CHECK(mean[7] == 0.0f && dm[7] == 0);
    cfg.threshold_db = (float)(pmax - 40.0);
    CHECK(avloc_binaural_features_f32(&cfg, L, R, la.n, feat, mask, nf, &na, scr, sb) == AVLOC_OK);
    CHECK_MSG(na + 2 >= ref_active && na <= ref_active + 2, "absolute: active %u vs %u", (unsigned)na, (unsigned)ref_active);
    free(scr); free(feat); free(mask); free(mean); free(dm); free(L); free(R);
    th_free(&la); th_free(&ra); th_free(&gf); th_free(&gp);
}

static void test_binaural_edge(void)
{
    avloc_binaural_config cfg = avloc_binaural_config_default(), c2;
    static float z[2048], zr[2048];
    size_t nf = 0, sb = 0, na = 5, t;
    void *scr;
    float *feat, mean[4];
    unsigned char *mask, dm[4];
    unsigned char m4[8] = {1, 0, 0, 0, 1, 1, 0, 0};
    float f4[8] = {1, 2, 3, 4, 3, 5, 7, 9};
    int finite = 1;
    CHECK(avloc_binaural_frames(&cfg, 1023, &nf) == AVLOC_ERR_SIZE);
    CHECK(avloc_binaural_frames(&cfg, 1024, &nf) == AVLOC_OK && nf == 1);
    CHECK(avloc_binaural_frames(&cfg, 2048, &nf) == AVLOC_OK && nf == 9);
    CHECK(avloc_binaural_frames(NULL, 2048, &nf) == AVLOC_ERR_NULL);
    c2 = cfg; c2.n_bins = 513;
    CHECK(avloc_binaural_frames(&c2, 2048, &nf) == AVLOC_ERR_SIZE);
    c2 = cfg; c2.first_bin = 0; c2.n_bins = 513;
    CHECK(avloc_binaural_frames(&c2, 2048, &nf) == AVLOC_OK);
    c2 = cfg; c2.hop = 0;
    CHECK(avloc_binaural_frames(&c2, 2048, &nf) == AVLOC_ERR_SIZE);
    c2 = cfg; c2.threshold_db = (float)HUGE_VAL;
    CHECK(avloc_binaural_frames(&c2, 2048, &nf) == AVLOC_ERR_PARAM);
    /* silence: finite output, nothing active */
    avloc_binaural_frames(&cfg, 2048, &nf);
    CHECK(avloc_binaural_scratch_f32(&cfg, 2048, &sb) == AVLOC_OK);
    scr = malloc(sb);
    feat = (float *)malloc(nf * 1536 * sizeof *feat);
    mask = (unsigned char *)malloc(nf * 1536);
    CHECK(avloc_binaural_features_f32(&cfg, z, z, 2048, feat, mask, nf, &na, scr, sb) == AVLOC_OK);
    for (t = 0; t < nf * 1536; t++) if (!(feat[t] - feat[t] == 0.0f)) finite = 0;
    CHECK(finite && na == 0);
    /* one silent channel: still finite */
    for (t = 0; t < 2048; t++) zr[t] = (float)sin(0.3 * (double)t);
    CHECK(avloc_binaural_features_f32(&cfg, z, zr, 2048, feat, mask, nf, &na, scr, sb) == AVLOC_OK);
    for (t = 0; t < nf * 1536; t++) if (!(feat[t] - feat[t] == 0.0f)) finite = 0;
    CHECK(finite);
    CHECK(avloc_binaural_features_f32(&cfg, z, zr, 2048, feat, mask, nf, &na, scr, sb / 2) == AVLOC_ERR_WORKSPACE);
    CHECK(avloc_binaural_features_f32(&cfg, z, zr, 2048, feat, mask, nf + 1, &na, scr, sb) == AVLOC_ERR_SIZE);
    CHECK(avloc_binaural_features_f32(&cfg, NULL, zr, 2048, feat, mask, nf, &na, scr, sb) == AVLOC_ERR_NULL);
    CHECK(avloc_binaural_features_f32(&cfg, z, zr, 2048, feat, mask, nf, NULL, scr, sb) == AVLOC_OK);
    zr[100] = (float)(0.0 * HUGE_VAL);
    CHECK(avloc_binaural_features_f32(&cfg, z, zr, 2048, feat, mask, nf, &na, scr, sb) == AVLOC_ERR_NONFINITE);
    /* mean: 2 frames x 4 dims */
    CHECK(avloc_binaural_mean_f32(f4, m4, 2, 4, mean, dm) == AVLOC_OK);
    CHECK(mean[0] == 2.0f && mean[1] == 5.0f && mean[2] == 0.0f && mean[3] == 0.0f);
    CHECK(dm[0] == 1 && dm[1] == 1 && dm[2] == 0 && dm[3] == 0);
    CHECK(avloc_binaural_mean_f32(f4, m4, 0, 4, mean, dm) == AVLOC_ERR_SIZE);
    CHECK(avloc_binaural_mean_f32(NULL, m4, 2, 4, mean, dm) == AVLOC_ERR_NULL);
    free(scr); free(feat); free(mask);
}

/* The plan API gives bit-identical features to the one-shot call, for both
   threshold kinds, on a reused plan; its errors are the one-shot's plus a
   plan that was never initialised. */
static void test_binaural_plan(void)
{
    th_array la = th_golden("dsp_bin_left.npy"), ra = th_golden("dsp_bin_right.npy");
    avloc_binaural_config cfg = avloc_binaural_config_default();
    avloc_binaural_plan_f32 plan, blank;
    size_t nf = 0, sb = 0, pb = 0, rb = 0, na1 = 0, na2 = 0, D = 1536, pass;
    float *L, *R, *f1, *f2;
    unsigned char *m1, *m2;
    void *scr, *pmem, *rscr;
    if (!la.data || !ra.data) { CHECK(0); return; }
    L = th_to_f32(&la);
    R = th_to_f32(&ra);
    avloc_binaural_frames(&cfg, la.n, &nf);
    CHECK_EQ_INT(avloc_binaural_plan_query_f32(&cfg, &pb), AVLOC_OK);
    CHECK_EQ_INT(avloc_binaural_plan_scratch_f32(&cfg, la.n, &rb), AVLOC_OK);
    CHECK(avloc_binaural_scratch_f32(&cfg, la.n, &sb) == AVLOC_OK);
    CHECK(pb > 0 && rb > 0 && sb >= pb + rb);
    scr = malloc(sb); pmem = malloc(pb); rscr = malloc(rb);
    f1 = (float *)malloc(nf * D * sizeof *f1); f2 = (float *)malloc(nf * D * sizeof *f2);
    m1 = (unsigned char *)malloc(nf * D); m2 = (unsigned char *)malloc(nf * D);
    for (pass = 0; pass < 2; pass++) {
        if (pass == 1) { cfg.threshold_relative = 0; cfg.threshold_db = -30.0f; }
        CHECK_EQ_INT(avloc_binaural_plan_query_f32(&cfg, &pb), AVLOC_OK);
        CHECK_EQ_INT(avloc_binaural_plan_scratch_f32(&cfg, la.n, &rb), AVLOC_OK);
        CHECK_EQ_INT(avloc_binaural_plan_init_f32(&plan, &cfg, pmem, pb), AVLOC_OK);
        CHECK(avloc_binaural_features_f32(&cfg, L, R, la.n, f1, m1, nf, &na1, scr, sb) == AVLOC_OK);
        CHECK_EQ_INT(avloc_binaural_plan_features_f32(&plan, L, R, la.n, f2, m2, nf, &na2, rscr, rb), AVLOC_OK);
        /* a second call on the same plan: nothing in it changed */
        CHECK_EQ_INT(avloc_binaural_plan_features_f32(&plan, L, R, la.n, f2, m2, nf, &na2, rscr, rb), AVLOC_OK);
        CHECK(na1 == na2 && na1 > 0);
        CHECK(memcmp(f1, f2, nf * D * sizeof *f1) == 0 && memcmp(m1, m2, nf * D) == 0);
        avloc_binaural_plan_destroy_f32(&plan); /* FFTW3 backend: frees its plans */
    }
    /* errors */
    CHECK_EQ_INT(avloc_binaural_plan_init_f32(&plan, &cfg, pmem, pb / 2), AVLOC_ERR_WORKSPACE);
    CHECK_EQ_INT(avloc_binaural_plan_features_f32(&plan, L, R, la.n, f2, m2, nf, &na2, rscr, rb), AVLOC_ERR_STATE);
    memset(&blank, 0, sizeof blank);
    CHECK_EQ_INT(avloc_binaural_plan_features_f32(&blank, L, R, la.n, f2, m2, nf, &na2, rscr, rb), AVLOC_ERR_STATE);
    CHECK_EQ_INT(avloc_binaural_plan_init_f32(&plan, &cfg, pmem, pb), AVLOC_OK);
    CHECK_EQ_INT(avloc_binaural_plan_features_f32(&plan, L, R, la.n, f2, m2, nf, &na2, rscr, rb / 2), AVLOC_ERR_WORKSPACE);
    CHECK_EQ_INT(avloc_binaural_plan_features_f32(&plan, L, R, la.n, f2, m2, nf + 1, &na2, rscr, rb), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_binaural_plan_features_f32(NULL, L, R, la.n, f2, m2, nf, &na2, rscr, rb), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_binaural_plan_init_f32(NULL, &cfg, pmem, pb), AVLOC_ERR_NULL);
    avloc_binaural_plan_destroy_f32(&plan);
    CHECK_EQ_INT(avloc_binaural_plan_query_f32(&cfg, NULL), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_binaural_plan_query_f32(NULL, &pb), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_binaural_plan_scratch_f32(&cfg, la.n, NULL), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_binaural_plan_scratch_f32(&cfg, cfg.n_fft - 1, &rb), AVLOC_ERR_SIZE); /* no frame */
    cfg.hop = 0;
    CHECK_EQ_INT(avloc_binaural_plan_query_f32(&cfg, &pb), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_binaural_plan_scratch_f32(&cfg, la.n, &rb), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_binaural_plan_init_f32(&plan, &cfg, pmem, pb), AVLOC_ERR_SIZE);
    R[5] = (float)HUGE_VAL;
    cfg.hop = 128;
    CHECK_EQ_INT(avloc_binaural_plan_init_f32(&plan, &cfg, pmem, pb), AVLOC_OK);
    CHECK_EQ_INT(avloc_binaural_plan_features_f32(&plan, L, R, la.n, f2, m2, nf, &na2, rscr, rb), AVLOC_ERR_NONFINITE);
    R[5] = 0.0f;
    /* cfg is read-only after init: an edited hop no longer matches the STFT */
    plan.cfg.hop = 256;
    CHECK_EQ_INT(avloc_binaural_plan_features_f32(&plan, L, R, la.n, f2, m2, nf, &na2, rscr, rb), AVLOC_ERR_STATE);
    plan.cfg.hop = 128;
    CHECK_EQ_INT(avloc_binaural_plan_features_f32(&plan, L, R, la.n, f2, m2, nf, &na2, rscr, rb), AVLOC_OK);
    avloc_binaural_plan_destroy_f32(&plan);
    CHECK_EQ_INT(avloc_binaural_plan_features_f32(&plan, L, R, la.n, f2, m2, nf, &na2, rscr, rb), AVLOC_ERR_STATE);
    avloc_binaural_plan_destroy_f32(&plan); /* twice, and NULL: harmless */
    avloc_binaural_plan_destroy_f32(NULL);
    free(scr); free(pmem); free(rscr); free(f1); free(f2); free(m1); free(m2); free(L); free(R);
    th_free(&la); th_free(&ra);
}

/* Features of L, R (n samples) with cfg into a malloc'd buffer (NULL on error). */
static float *bin_features(const avloc_binaural_config *cfg, const float *L, const float *R, size_t n, size_t *nf)
{
    size_t sb = 0, na = 0, D;
    float *feat = NULL;
    unsigned char *mask;
    void *scr;
    if (avloc_binaural_frames(cfg, n, nf) != AVLOC_OK || avloc_binaural_scratch_f32(cfg, n, &sb) != AVLOC_OK) return NULL;
    D = 3 * cfg->n_bins;
    scr = malloc(sb);
    feat = (float *)malloc(*nf * D * sizeof *feat);
    mask = (unsigned char *)malloc(*nf * D);
    if (avloc_binaural_features_f32(cfg, L, R, n, feat, mask, *nf, &na, scr, sb) != AVLOC_OK) { free(feat); feat = NULL; }
    free(scr); free(mask);
    return feat;
}

/* Max |err| of ILD (*eild) and of cos/sin IPD (*eipd) of feat (bins
   first_bin..first_bin+nb-1) against the golden (bins 1..512), at points
   within 60 dB of the golden's loudest; ild_ref replaces the golden ILD. */
static void bin_errors(const float *feat, size_t nf, size_t first_bin, size_t nb, const th_array *gf,
                       const th_array *gp, const double *ild_ref, double *eild, double *eipd)
{
    size_t t, b;
    double pmax = -1e300;
    for (t = 0; t < gp->n; t++) pmax = fmax(pmax, gp->data[t]);
    *eild = *eipd = 0.0;
    for (t = 0; t < nf; t++)
        for (b = 0; b < nb; b++) {
            size_t g = b + first_bin - 1; /* golden bin index */
            const float *f = feat + t * 3 * nb;
            const double *ref = gf->data + t * 1536;
            if (gp->data[t * 512 + g] < pmax - 60.0) continue;
            *eild = fmax(*eild, fabs(f[b] - (ild_ref ? ild_ref[t * 512 + g] : ref[g])));
            *eipd = fmax(*eipd, fabs(f[nb + b] - ref[512 + g]));
            *eipd = fmax(*eipd, fabs(f[2 * nb + b] - ref[1024 + g]));
        }
}

/* Near-silent (x 1e-9) and very loud (x 1e9) input: |L|^2 |R|^2 leaves the
   float path's range, every bin goes through the double "exact" path. The
   quiet ILD has its own numpy golden (the 1e-20 guard shows); IPD and the
   loud ILD are scale-free, so the ordinary golden holds. */
static void test_binaural_extreme_levels(void)
{
    th_array la = th_golden("dsp_bin_left.npy"), ra = th_golden("dsp_bin_right.npy"), gf = th_golden("dsp_bin_feat.npy"),
             gp = th_golden("dsp_bin_pdb.npy"), gq = th_golden("dsp_bin_quiet_ild.npy");
    avloc_binaural_config cfg = avloc_binaural_config_default();
    int lv;
    if (!la.data || !ra.data || !gf.data || !gp.data || !gq.data) { CHECK(!"binaural goldens"); return; }
    for (lv = 0; lv < 2; lv++) {
        const float s = lv == 0 ? 1e-9f : 1e9f;
        float *L = th_to_f32(&la), *R = th_to_f32(&ra), *feat;
        size_t i, nf = 0;
        double eild = 1e9, eipd = 1e9;
        for (i = 0; i < la.n; i++) { L[i] *= s; R[i] *= s; }
        feat = bin_features(&cfg, L, R, la.n, &nf);
        CHECK(feat != NULL && nf * 512 == gq.n);
        if (feat) bin_errors(feat, nf, 1, 512, &gf, &gp, lv == 0 ? gq.data : NULL, &eild, &eipd);
        CHECK_MSG(eild <= 1e-3, "%s input: ILD max err %g dB", lv == 0 ? "near-silent" : "loud", eild);
        CHECK_MSG(eipd <= 1e-4, "%s input: IPD max err %g", lv == 0 ? "near-silent" : "loud", eipd);
        printf("  binaural %s input (exact path): ILD err %.2e dB, IPD err %.2e\n", lv == 0 ? "x1e-9" : "x1e+9", eild, eipd);
        free(feat); free(L); free(R);
    }
    th_free(&la); th_free(&ra); th_free(&gf); th_free(&gp); th_free(&gq);
}

/* The exact path where float powers themselves leave the float range:
   left x 2^40, right x 2^80 (|R|^2 near 1e52 overflows, |L|^2 |R|^2 near
   1e80): the exact power-of-two scaling makes the ILD the unscaled one
   plus 20 log10(2^40) dB and leaves the IPD; the unscaled features (fast
   path) are the reference, within the extreme-level test's tolerances. */
static void test_binaural_exact_range(void)
{
    th_array la = th_golden("dsp_bin_left.npy"), ra = th_golden("dsp_bin_right.npy");
    avloc_binaural_config cfg = avloc_binaural_config_default();
    float *L, *R, *f0, *f1;
    size_t i, nf = 0, nf1 = 0, D = 1536, nb = 512;
    double eild = 0.0, eipd = 0.0;
    const double shift = 20.0 * log10(ldexp(1.0, 40));
    if (!la.data || !ra.data) { CHECK(!"binaural goldens"); return; }
    L = th_to_f32(&la);
    R = th_to_f32(&ra);
    f0 = bin_features(&cfg, L, R, la.n, &nf);
    for (i = 0; i < la.n; i++) { L[i] = ldexpf(L[i], 40); R[i] = ldexpf(R[i], 80); }
    f1 = bin_features(&cfg, L, R, la.n, &nf1);
    CHECK(f0 != NULL && f1 != NULL && nf == nf1);
    if (f0 && f1) {
        for (i = 0; i < nf * D; i++) {
            size_t b = i % D;
            if (b < nb && fabs((double)f0[i]) > 60.0) continue; /* the unscaled ILD hit its 1e-20 guard */
            if (b < nb) eild = fmax(eild, fabs((double)f1[i] - ((double)f0[i] + shift)));
            else eipd = fmax(eipd, fabs((double)f1[i] - (double)f0[i]));
        }
    }
    CHECK_MSG(eild <= 1e-3, "2^40 / 2^80 scaled input: ILD err %g dB", eild);
    CHECK_MSG(eipd <= 1e-4, "2^40 / 2^80 scaled input: IPD err %g", eipd);
    printf("  binaural x2^40 / x2^80 input (exact path, float): ILD err %.2e dB, IPD err %.2e\n", eild, eipd);
    free(f0); free(f1); free(L); free(R);
    th_free(&la); th_free(&ra);
}

/* Bin counts that are not a multiple of the vector width: the scalar tail
   computes the last bins (and all of them below the width). */
static void test_binaural_tail(void)
{
    static const size_t cfgs[4][2] = {{1, 13}, {3, 7}, {1, 509}, {2, 3}}; /* first_bin, n_bins */
    th_array la = th_golden("dsp_bin_left.npy"), ra = th_golden("dsp_bin_right.npy"), gf = th_golden("dsp_bin_feat.npy"),
             gp = th_golden("dsp_bin_pdb.npy");
    float *L, *R;
    int c;
    if (!la.data || !ra.data || !gf.data || !gp.data) { CHECK(!"binaural goldens"); return; }
    L = th_to_f32(&la);
    R = th_to_f32(&ra);
    for (c = 0; c < 4; c++) {
        avloc_binaural_config cfg = avloc_binaural_config_default();
        size_t nf = 0;
        float *feat;
        double eild = 1e9, eipd = 1e9;
        cfg.first_bin = cfgs[c][0];
        cfg.n_bins = cfgs[c][1];
        feat = bin_features(&cfg, L, R, la.n, &nf);
        CHECK(feat != NULL);
        if (feat) bin_errors(feat, nf, cfg.first_bin, cfg.n_bins, &gf, &gp, NULL, &eild, &eipd);
        CHECK_MSG(eild <= 1e-3 && eipd <= 1e-4, "bins %u..%u: ILD err %g dB, IPD err %g", (unsigned)cfg.first_bin,
                  (unsigned)(cfg.first_bin + cfg.n_bins - 1), eild, eipd);
        free(feat);
    }
    free(L); free(R);
    th_free(&la); th_free(&ra); th_free(&gf); th_free(&gp);
}

/* ------------------------------------------------------------ GCC-PHAT */

/* in-place radix-2 complex FFT in double (test-side, to build delayed signals) */
static void fft2(double *re, double *im, size_t n, int inv)
{
    size_t i, j, k, len;
    for (i = 1, j = 0; i < n; i++) {
        size_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) { double t = re[i]; re[i] = re[j]; re[j] = t; t = im[i]; im[i] = im[j]; im[j] = t; }
    }
    for (len = 2; len <= n; len <<= 1) {
        double ang = 2 * 3.14159265358979323846 / (double)len * (inv ? 1 : -1);
        for (i = 0; i < n; i += len)
            for (k = 0; k < len / 2; k++) {
                double wr = cos(ang * (double)k), wi = sin(ang * (double)k);
                double ur = re[i + k], ui = im[i + k];
                double vr = re[i + k + len / 2] * wr - im[i + k + len / 2] * wi;
                double vi = re[i + k + len / 2] * wi + im[i + k + len / 2] * wr;
                re[i + k] = ur + vr; im[i + k] = ui + vi;
                re[i + k + len / 2] = ur - vr; im[i + k + len / 2] = ui - vi;
            }
    }
    if (inv) for (i = 0; i < n; i++) { re[i] /= (double)n; im[i] /= (double)n; }
}

/* y = x circularly delayed by d samples (band-limited, frequency domain) */
static void delay_signal(const float *x, float *y, size_t n, double d)
{
    double *re = (double *)calloc(n, sizeof *re), *im = (double *)calloc(n, sizeof *im);
    size_t k;
    for (k = 0; k < n; k++) re[k] = x[k];
    fft2(re, im, n, 0);
    for (k = 0; k < n; k++) {
        double f = k <= n / 2 ? (double)k : (double)k - (double)n;
        double a = -2 * 3.14159265358979323846 * f * d / (double)n, c = cos(a), s = sin(a);
        double r = re[k] * c - im[k] * s, i = re[k] * s + im[k] * c;
        if (k == n / 2) { r = re[k] * c; i = 0; } /* keep the Nyquist bin real */
        re[k] = r; im[k] = i;
    }
    fft2(re, im, n, 1);
    for (k = 0; k < n; k++) y[k] = (float)re[k];
    free(re); free(im);
}

static unsigned lcg(unsigned *s) { *s = *s * 1664525u + 1013904223u; return *s >> 8; }

static int make_gcc(avloc_gcc_f32 *g, const avloc_gcc_config *c, void **scr, size_t *sb)
{
    size_t ob = 0;
    if (avloc_gcc_query_f32(c, &ob, sb) != AVLOC_OK || ob > sizeof g_obj) return 0;
    *scr = malloc(*sb);
    return avloc_gcc_init_f32(g, c, g_obj, ob) == AVLOC_OK;
}

static void run_gcc(const char *what, const float *x, size_t n, double tol_clip, double tol_frame)
{
    static const double delays[8] = {0.0, 3.0, -7.0, 12.0, 2.5, -3.3, 0.25, 5.75};
    avloc_gcc_config cfg = avloc_gcc_config_default();
    float *y = (float *)malloc(n * sizeof *y), *fd;
    int di, mode;
    for (mode = 0; mode < 3; mode++) {
        /* 0: default (upsample 4 + parabolic), 1: parabolic only, 2: upsample 16 only */
        avloc_gcc_f32 g;
        void *scr = NULL;
        size_t sb = 0, nf = 0;
        double worst = 0, worst_f = 0;
        cfg.upsample = mode == 1 ? 1 : mode == 2 ? 16 : 4;
        cfg.interp = mode == 2 ? AVLOC_GCC_INTERP_NONE : AVLOC_GCC_INTERP_PARABOLIC;
        CHECK(make_gcc(&g, &cfg, &scr, &sb));
        CHECK(avloc_gcc_frames(&cfg, n, &nf) == AVLOC_OK);
        fd = (float *)malloc(nf * sizeof *fd);
        for (di = 0; di < 8; di++) {
            float d = 99, pk = 0;
            size_t t;
            delay_signal(x, y, n, delays[di]);
            CHECK(avloc_gcc_clip_f32(&g, x, y, n, &d, &pk, scr, sb) == AVLOC_OK);
            if (fabs(d - delays[di]) > worst) worst = fabs(d - delays[di]);
            CHECK(pk > 0.3f && pk < 1.2f);
            /* per frame, frames away from the circular wrap */
            CHECK(avloc_gcc_delays_f32(&g, x, y, n, fd, NULL, nf, scr, sb) == AVLOC_OK);
            for (t = 1; t + 1 < nf; t++) if (fabs(fd[t] - delays[di]) > worst_f) worst_f = fabs(fd[t] - delays[di]);
            /* swapping the channels flips the sign */
            CHECK(avloc_gcc_clip_f32(&g, y, x, n, &d, &pk, scr, sb) == AVLOC_OK);
            if (fabs(d + delays[di]) > worst) worst = fabs(d + delays[di]);
        }
        {   /* parabolic alone on the full-band PHAT peak (a sharp Dirichlet
               kernel) is biased by up to ~0.12 sample at quarter-sample delays */
            double k = mode == 1 ? 1.5 : 1.0;
            CHECK_MSG(worst <= k * tol_clip, "%s mode %d: clip delay err %g", what, mode, worst);
            CHECK_MSG(worst_f <= k * tol_frame, "%s mode %d: frame delay err %g", what, mode, worst_f);
        }
        printf("  gcc-phat %s, %s: max |err| clip %.3f, per frame %.3f samples\n", what,
               mode == 0 ? "upsample 4 + parabolic" : mode == 1 ? "parabolic only      " : "upsample 16 only    ",
               worst, worst_f);
        free(fd);
        free(scr);
        avloc_gcc_destroy_f32(&g); /* FFTW3 backend: frees its plans */
    }
    free(y);
}

static void test_gcc(void)
{
    size_t n = 8192, i, ns = 0;
    float *x = (float *)malloc(n * sizeof *x), *sp;
    unsigned s = 12345;
    for (i = 0; i < n; i++) { /* white noise, Irwin-Hall approximation of a Gaussian */
        double v = 0;
        int k;
        for (k = 0; k < 4; k++) v += (double)(lcg(&s) & 0xffff) / 65536.0 - 0.5;
        x[i] = (float)v;
    }
    run_gcc("white noise", x, n, 0.1, 0.1);
    free(x);
    sp = th_load_wav16("tests/data/dsp_speech16k.wav", &ns);
    CHECK(sp != NULL && ns >= 16384);
    if (sp && ns >= 16384) run_gcc("speech", sp, 16384, 0.1, 0.1);
    free(sp);
}

/* Off-grid fractional delays (none on the 1/4-sample grid): upsampling alone
   is off by up to 1/8 sample, the default (upsample 4 + parabolic) must be
   within 0.01 sample. */
static void test_gcc_offgrid(void)
{
    static const double delays[6] = {0.1, 1.37, -2.62, 4.9, -0.45, 7.71};
    size_t n = 8192, i;
    float *x = (float *)malloc(n * sizeof *x), *y = (float *)malloc(n * sizeof *y);
    avloc_gcc_config cfg = avloc_gcc_config_default();
    avloc_gcc_f32 g;
    void *scr = NULL;
    size_t sb = 0;
    double worst = 0.0;
    unsigned s = 777;
    int di;
    for (i = 0; i < n; i++) x[i] = (float)((double)(lcg(&s) & 0xffff) / 65536.0 - 0.5);
    CHECK(make_gcc(&g, &cfg, &scr, &sb));
    for (di = 0; di < 6; di++) {
        float d = 99, pk = 0;
        delay_signal(x, y, n, delays[di]);
        CHECK(avloc_gcc_clip_f32(&g, x, y, n, &d, &pk, scr, sb) == AVLOC_OK);
        worst = fmax(worst, fabs(d - delays[di]));
    }
    CHECK_MSG(worst <= 0.01, "off-grid delays: max err %g samples", worst);
    printf("  gcc-phat off-grid delays, default config: max |err| %.4f samples\n", worst);
    avloc_gcc_destroy_f32(&g); /* FFTW3 backend: frees its plans */
    free(scr); free(x); free(y);
}

static void test_gcc_edge(void)
{
    avloc_gcc_config cfg = avloc_gcc_config_default(), c2;
    avloc_gcc_f32 g;
    void *scr = NULL;
    size_t sb = 0, ob = 0, nf = 0;
    static float z[4096], x[4096];
    float d = 1, pk = 1;
    size_t i;
    for (i = 0; i < 4096; i++) x[i] = (float)sin(0.01 * (double)(i * i % 977));
    CHECK(avloc_gcc_query_f32(NULL, &ob, &sb) == AVLOC_ERR_NULL);
    c2 = cfg; c2.max_lag = 0;
    CHECK(avloc_gcc_query_f32(&c2, &ob, &sb) == AVLOC_ERR_PARAM);
    c2 = cfg; c2.max_lag = 1024;
    CHECK(avloc_gcc_query_f32(&c2, &ob, &sb) == AVLOC_ERR_PARAM);
    c2 = cfg; c2.frame_length = 4096;
    CHECK(avloc_gcc_query_f32(&c2, &ob, &sb) == AVLOC_ERR_SIZE);
    c2 = cfg; c2.hop = 0;
    CHECK(avloc_gcc_query_f32(&c2, &ob, &sb) == AVLOC_ERR_SIZE);
    c2 = cfg; c2.upsample = 0;
    CHECK(avloc_gcc_query_f32(&c2, &ob, &sb) == AVLOC_ERR_SIZE);
    c2 = cfg; c2.phat_floor = 0;
    CHECK(avloc_gcc_query_f32(&c2, &ob, &sb) == AVLOC_ERR_PARAM);
    CHECK(avloc_gcc_query_f32(&cfg, &ob, NULL) == AVLOC_OK);
    {   /* a failed init leaves the object zeroed; calls on it give ERR_STATE */
        static avloc_gcc_f32 zero; /* zero-filled (const would need an initialiser in C++) */
        float dz = 0, pz = 0;
        memset(&g, 0x5a, sizeof g);
        CHECK(avloc_gcc_init_f32(&g, &cfg, g_obj, ob / 2) == AVLOC_ERR_WORKSPACE);
        CHECK(memcmp(&g, &zero, sizeof g) == 0);
        CHECK(avloc_gcc_frame_f32(&g, x, x, &dz, &pz, z, sizeof z) == AVLOC_ERR_STATE);
        memset(&g, 0x5a, sizeof g);
        CHECK(avloc_gcc_init_f32(&g, &c2, g_obj, ob) == AVLOC_ERR_PARAM); /* c2: phat_floor 0 */
        CHECK(memcmp(&g, &zero, sizeof g) == 0);
        avloc_gcc_destroy_f32(&g);
        avloc_gcc_destroy_f32(NULL);
    }
    CHECK(make_gcc(&g, &cfg, &scr, &sb));
    CHECK(avloc_gcc_frames(&cfg, 1023, &nf) == AVLOC_ERR_SIZE);
    CHECK(avloc_gcc_frame_f32(&g, z, z, &d, &pk, scr, sb) == AVLOC_NO_ACTIVE_POINTS);
    CHECK(d == 0.0f && pk == 0.0f);
    CHECK(avloc_gcc_frame_f32(&g, x, x, &d, &pk, scr, sb) == AVLOC_OK);
    CHECK_NEAR(d, 0.0, 1e-3);
    CHECK_NEAR(pk, 1.0, 1e-3);
    CHECK(avloc_gcc_frame_f32(&g, x, x, &d, &pk, scr, sb / 2) == AVLOC_ERR_WORKSPACE);
    CHECK(avloc_gcc_clip_f32(&g, x, x, 1000, &d, &pk, scr, sb) == AVLOC_ERR_SIZE);
    CHECK(avloc_gcc_clip_f32(&g, x, NULL, 4096, &d, &pk, scr, sb) == AVLOC_ERR_NULL);
    avloc_gcc_frames(&cfg, 4096, &nf);
    CHECK(avloc_gcc_delays_f32(&g, x, x, 4096, z, z + 100, nf + 1, scr, sb) == AVLOC_ERR_SIZE);
    x[2000] = (float)HUGE_VAL;
    CHECK(avloc_gcc_clip_f32(&g, x, x, 4096, &d, &pk, scr, sb) == AVLOC_ERR_NONFINITE);
    CHECK(avloc_gcc_frame_f32(&g, x + 1500, x, &d, &pk, scr, sb) == AVLOC_ERR_NONFINITE);
    avloc_gcc_destroy_f32(&g);
    x[2000] = 0.0f;
    CHECK(avloc_gcc_clip_f32(&g, x, x, 4096, &d, &pk, scr, sb) == AVLOC_ERR_STATE);
    free(scr);
}

int main(void)
{
    test_binaural_golden();
    test_binaural_edge();
    test_binaural_plan();
    test_binaural_extreme_levels();
    test_binaural_exact_range();
    test_binaural_tail();
    test_gcc();
    test_gcc_offgrid();
    test_gcc_edge();
    return th_finish("binaural_gcc");
}
