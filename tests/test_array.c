/* Microphone-array imaging (avloc_dsp.h): beam power (delay-and-sum,
   filter-and-sum, SRP-PHAT, camera and given directions), band maps, the
   MFCC acoustic image and the energy-of-sound map against
   tools/gen_goldens_array.py (numpy/torchaudio, float64); a plane wave
   peaks at its own cell; bad input. */
#ifndef AVLOC_TEST_SHARED_IMPL /* else the Makefile links the library's objects (tests/impl/) */
#define AVLOC_IMPLEMENTATION
#endif
#include "../avloc_dsp.h"
#include "harness.h"

#define G_ROWS 4
#define G_COLS 5
#define G_M 6

static avloc_array_config golden_cfg(const float *xyz)
{
    avloc_array_config c = avloc_array_config_default();
    c.n_mics = G_M;
    c.mic_xyz = xyz;
    c.rows = G_ROWS;
    c.cols = G_COLS;
    c.width = 320.0f;
    c.height = 240.0f;
    c.hfov_deg = 70.0f;
    c.frame_length = 640;
    c.n_fft = 256;
    c.hop = 128;
    c.fmin = 200.0f;
    c.fmax = 5000.0f;
    c.n_mels = 24;
    c.n_mfcc = 12;
    return c;
}

/* Init in a malloc'd block (freed by the caller through *mem); scratch too. */
static avloc_result make(avloc_array_f32 *a, const avloc_array_config *c, void **mem, void **scr, size_t *sb)
{
    size_t ob = 0;
    avloc_result r = avloc_array_query_f32(c, &ob, sb);
    *mem = NULL;
    *scr = NULL;
    if (r != AVLOC_OK) return r;
    *mem = malloc(ob);
    *scr = malloc(*sb);
    return avloc_array_init_f32(a, c, *mem, ob);
}

static double max_rel(const float *got, const double *ref, size_t n)
{
    double mx = 0.0, e = 0.0;
    size_t i;
    for (i = 0; i < n; i++) mx = fabs(ref[i]) > mx ? fabs(ref[i]) : mx;
    for (i = 0; i < n; i++) e = fabs(got[i] - ref[i]) > e ? fabs(got[i] - ref[i]) : e;
    return mx > 0 ? e / mx : e;
}

/* Beam power of one configuration variant against its golden. */
static void check_power(const avloc_array_config *c, const float *x, const char *golden, double tol)
{
    avloc_array_f32 a;
    void *mem, *scr;
    size_t sb = 0;
    th_array ref = th_golden(golden);
    float *p;
    CHECK_EQ_INT(make(&a, c, &mem, &scr, &sb), AVLOC_OK);
    p = (float *)calloc(a.n_dirs * a.n_band + 1, sizeof *p);
    CHECK(ref.n == a.n_dirs * a.n_band);
    CHECK_EQ_INT(avloc_array_power_f32(&a, x, c->frame_length, p, scr, sb), AVLOC_OK);
    if (ref.n == a.n_dirs * a.n_band) CHECK_MSG(max_rel(p, ref.data, ref.n) < tol, "%s: rel %g", golden, max_rel(p, ref.data, ref.n));
    free(p);
    th_free(&ref);
    avloc_array_destroy_f32(&a);
    free(mem);
    free(scr);
}

static void test_goldens(void)
{
    th_array xyz = th_golden("array_xyz.npy"), xs = th_golden("array_x.npy"), dirs = th_golden("array_dirs.npy");
    th_array filt = th_golden("array_filters.npy"), gd = th_golden("array_given_dirs.npy");
    th_array mf = th_golden("array_mfcc.npy"), en = th_golden("array_energy.npy");
    float *fx = th_to_f32(&xyz), *x = th_to_f32(&xs), *ff = th_to_f32(&filt), *fg = th_to_f32(&gd);
    avloc_array_config c = golden_cfg(fx);
    avloc_array_f32 a;
    void *mem, *scr;
    size_t sb = 0, i, k0 = 0, nb = 0, esb = 0;
    float dir[G_ROWS * G_COLS * 3], img[G_ROWS * G_COLS * 12], e[G_ROWS * G_COLS], *maps;
    CHECK(xyz.n == 3 * G_M && xs.n == 640 * G_M);
    CHECK_EQ_INT(avloc_array_band(&c, &k0, &nb), AVLOC_OK);
    CHECK_EQ_INT(k0, 4);
    CHECK_EQ_INT(nb, 77);
    check_power(&c, x, "array_power.npy", 2e-5);
    c.weight = AVLOC_ARRAY_PHAT;
    check_power(&c, x, "array_power_phat.npy", 2e-5);
    c.weight = AVLOC_ARRAY_DAS;
    c.filters = (const avloc_complex_f32 *)ff;
    check_power(&c, x, "array_power_filt.npy", 2e-5);
    c.filters = NULL;
    c.directions = fg;
    check_power(&c, x, "array_power_given.npy", 2e-5);
    c.directions = NULL;
    /* camera directions, MFCC image, energy */
    CHECK_EQ_INT(make(&a, &c, &mem, &scr, &sb), AVLOC_OK);
    CHECK_EQ_INT(avloc_array_directions_f32(&a, dir, G_ROWS * G_COLS), AVLOC_OK);
    if (dirs.n == 3 * G_ROWS * G_COLS)
        for (i = 0; i < dirs.n; i++) CHECK_NEAR(dir[i], dirs.data[i], 1e-6);
    CHECK_EQ_INT(avloc_array_mfcc_f32(&a, x, 640, img, NULL, scr, sb), AVLOC_OK);
    CHECK(mf.n == G_ROWS * G_COLS * 12);
    if (mf.n == G_ROWS * G_COLS * 12)
        for (i = 0; i < mf.n; i++) CHECK_NEAR(img[i], mf.data[i], 2e-4 * (1.0 + fabs(mf.data[i])));
    CHECK_EQ_INT(avloc_acimg_energy_query(&a.mfcc, &esb), AVLOC_OK);
    CHECK_EQ_INT(esb, (13 + 24) * sizeof(float));
    CHECK_EQ_INT(avloc_acimg_energy_f32(&a.mfcc, img, G_ROWS * G_COLS, e, scr, esb), AVLOC_OK);
    if (en.n == G_ROWS * G_COLS) CHECK_MSG(max_rel(e, en.data, en.n) < 1e-4, "energy rel %g", max_rel(e, en.data, en.n));
    /* band maps: the sum of the golden power over equal runs of bins */
    maps = (float *)malloc(3 * a.n_dirs * sizeof *maps);
    {
        th_array p = th_golden("array_power.npy");
        float *pw = (float *)malloc(a.n_dirs * a.n_band * sizeof *pw);
        size_t b, d, k, bad = 0;
        CHECK_EQ_INT(avloc_array_power_f32(&a, x, 640, pw, scr, sb), AVLOC_OK);
        CHECK_EQ_INT(avloc_array_bands_f32(&a, pw, 3, maps), AVLOC_OK);
        for (b = 0; b < 3 && p.n == a.n_dirs * nb; b++)
            for (d = 0; d < a.n_dirs; d++) {
                double s = 0;
                for (k = b * nb / 3; k < (b + 1) * nb / 3; k++) s += p.data[d * nb + k];
                bad += fabs(maps[b * a.n_dirs + d] - s) > 2e-5 * s;
            }
        CHECK_EQ_INT(bad, 0);
        {   /* the image of a given power map is the image of the samples */
            float img2[G_ROWS * G_COLS * 12];
            CHECK_EQ_INT(avloc_array_power_to_mfcc_f32(&a, pw, img2, scr, sb), AVLOC_OK);
            for (k = 0, bad = 0; k < G_ROWS * G_COLS * 12; k++) bad += img2[k] != img[k];
            CHECK_EQ_INT(bad, 0);
            CHECK_EQ_INT(avloc_array_power_to_mfcc_f32(&a, pw, img2, scr, sb / 2), AVLOC_ERR_WORKSPACE);
            pw[7] = (float)NAN;
            CHECK_EQ_INT(avloc_array_power_to_mfcc_f32(&a, pw, img2, scr, sb), AVLOC_ERR_NONFINITE);
        }
        CHECK_EQ_INT(avloc_array_bands_f32(&a, pw, 0, maps), AVLOC_ERR_SIZE);
        CHECK_EQ_INT(avloc_array_bands_f32(&a, pw, nb + 1, maps), AVLOC_ERR_SIZE);
        free(pw);
        th_free(&p);
    }
    free(maps);
    avloc_array_destroy_f32(&a);
    free(mem);
    free(scr);
    free(fx); free(x); free(ff); free(fg);
    th_free(&xyz); th_free(&xs); th_free(&dirs); th_free(&filt); th_free(&gd); th_free(&mf); th_free(&en);
}

/* An 8 x 8 planar array hears a broadband plane wave from the direction of
   one camera cell (integer-sample delays are avoided: the wave is made in the
   frequency domain); the power map peaks there, for DAS and SRP-PHAT, and the
   energy map is largest there. */
static void test_plane_wave(void)
{
    enum { M = 64, FL = 1280 };
    float xyz[M * 3], *x = (float *)calloc((size_t)FL * M, sizeof(float));
    avloc_array_config c = avloc_array_config_default();
    avloc_array_f32 a;
    void *mem, *scr;
    size_t sb, i, j, tgt = 10 * 48 + 33, best, nbin = 4096;
    float dirs[36 * 48 * 3];
    double *src = (double *)calloc(nbin, sizeof(double));
    unsigned long long s = 7;
    int w;
    for (i = 0; i < 8; i++)
        for (j = 0; j < 8; j++) {
            xyz[3 * (i * 8 + j)] = ((float)j - 3.5f) * 0.025f;
            xyz[3 * (i * 8 + j) + 1] = ((float)i - 3.5f) * 0.025f;
            xyz[3 * (i * 8 + j) + 2] = 0.0f;
        }
    c.n_mics = M;
    c.mic_xyz = xyz;
    CHECK_EQ_INT(make(&a, &c, &mem, &scr, &sb), AVLOC_OK);
    CHECK_EQ_INT(avloc_array_directions_f32(&a, dirs, 36 * 48), AVLOC_OK);
    for (i = 0; i < nbin; i++) { s = s * 6364136223846793005ULL + 1442695040888963407ULL; src[i] = (double)(s >> 11) / 9007199254740992.0 * 6.283185307; }
    /* x_m(n) = sum_f cos(2 pi f (n/sr - tau_m) + phi_f): a tone on every bin
       of the band (100..6000 Hz), so the source's own spectrum is flat */
    for (i = 0; i < M; i++) {
        const double tau = -(xyz[3 * i] * dirs[3 * tgt] + xyz[3 * i + 1] * dirs[3 * tgt + 1]) / 343.0;
        size_t n, f;
        for (n = 0; n < FL; n++) {
            double v = 0;
            for (f = 4; f <= 192; f++) {
                const double hz = 31.25 * (double)f;
                v += cos(6.283185307179586 * hz * ((double)n / 16000.0 - tau) + src[f]);
            }
            x[n * M + i] = (float)(0.05 * v);
        }
    }
    for (w = 0; w < 2; w++) {
        float *p = (float *)malloc(a.n_dirs * a.n_band * sizeof(float)), map[36 * 48];
        avloc_array_f32 b;
        void *mb, *sc;
        size_t sbb;
        c.weight = w ? AVLOC_ARRAY_PHAT : AVLOC_ARRAY_DAS;
        CHECK_EQ_INT(make(&b, &c, &mb, &sc, &sbb), AVLOC_OK);
        CHECK_EQ_INT(avloc_array_power_f32(&b, x, FL, p, sc, sbb), AVLOC_OK);
        CHECK_EQ_INT(avloc_array_bands_f32(&b, p, 1, map), AVLOC_OK);
        for (best = 0, i = 1; i < 36 * 48; i++) if (map[i] > map[best]) best = i;
        CHECK_MSG(best == tgt, "weight %d: peak at %lu, expected %lu", w, (unsigned long)best, (unsigned long)tgt);
        free(p);
        avloc_array_destroy_f32(&b);
        free(mb);
        free(sc);
    }
    {
        float *img = (float *)malloc(36 * 48 * 12 * sizeof(float)), e[36 * 48];
        size_t esb = 0;
        CHECK_EQ_INT(avloc_array_mfcc_f32(&a, x, FL, img, NULL, scr, sb), AVLOC_OK);
        CHECK_EQ_INT(avloc_acimg_energy_query(&a.mfcc, &esb), AVLOC_OK);
        CHECK_EQ_INT(avloc_acimg_energy_f32(&a.mfcc, img, 36 * 48, e, scr, esb), AVLOC_OK);
        for (best = 0, i = 1; i < 36 * 48; i++) if (e[i] > e[best]) best = i;
        CHECK_MSG(labs((long)(best / 48) - 10) <= 1 && labs((long)(best % 48) - 33) <= 1,
                  "energy peak at (%lu, %lu), expected (10, 33)", (unsigned long)(best / 48), (unsigned long)(best % 48));
        free(img);
    }
    avloc_array_destroy_f32(&a);
    free(mem);
    free(scr);
    free(x);
    free(src);
}

static void test_bad_input(void)
{
    float xyz[6] = {0, 0, 0, 0.1f, 0, 0}, x[2 * 640], img[20 * 12], p[20 * 77], e[20];
    avloc_array_config c = golden_cfg(xyz), b;
    avloc_array_f32 a, z;
    void *mem, *scr;
    size_t sb = 0, ob = 0, need = 0;
    unsigned char *g;
    c.n_mics = 2;
    memset(x, 0, sizeof x);
    memset(&z, 0, sizeof z);
    CHECK_EQ_INT(avloc_array_query_f32(NULL, &ob, &sb), AVLOC_ERR_NULL);
    b = c; b.mic_xyz = NULL; CHECK_EQ_INT(avloc_array_query_f32(&b, &ob, &sb), AVLOC_ERR_NULL);
    b = c; b.n_mics = 0; CHECK_EQ_INT(avloc_array_query_f32(&b, &ob, &sb), AVLOC_ERR_SIZE);
    b = c; b.rows = 0; CHECK_EQ_INT(avloc_array_query_f32(&b, &ob, &sb), AVLOC_ERR_SIZE);
    b = c; b.rows = (size_t)1 << 20; b.cols = (size_t)1 << 20; CHECK_EQ_INT(avloc_array_query_f32(&b, &ob, &sb), AVLOC_ERR_SIZE);
    b = c; b.frame_length = 100; CHECK_EQ_INT(avloc_array_query_f32(&b, &ob, &sb), AVLOC_ERR_SIZE);
    b = c; b.hop = 0; CHECK_EQ_INT(avloc_array_query_f32(&b, &ob, &sb), AVLOC_ERR_SIZE);
    b = c; b.n_mfcc = 24; CHECK_EQ_INT(avloc_array_query_f32(&b, &ob, &sb), AVLOC_ERR_SIZE);
    b = c; b.fmax = 100.0f; CHECK_EQ_INT(avloc_array_query_f32(&b, &ob, &sb), AVLOC_ERR_PARAM);
    b = c; b.fmin = 3010.0f; b.fmax = 3050.0f; CHECK_EQ_INT(avloc_array_query_f32(&b, &ob, &sb), AVLOC_ERR_PARAM);
    b = c; b.sound_speed = 0.0f; CHECK_EQ_INT(avloc_array_query_f32(&b, &ob, &sb), AVLOC_ERR_PARAM);
    b = c; b.hfov_deg = 180.0f; CHECK_EQ_INT(avloc_array_query_f32(&b, &ob, &sb), AVLOC_ERR_PARAM);
    b = c; b.weight = (avloc_array_weight)7; CHECK_EQ_INT(avloc_array_query_f32(&b, &ob, &sb), AVLOC_ERR_PARAM);
    b = c; b.window = (avloc_window)99; CHECK_EQ_INT(avloc_array_query_f32(&b, &ob, &sb), AVLOC_ERR_PARAM);
    {   /* a block of 2^20 samples x 8192 microphones: 2^33 samples overflow a 32-bit size_t */
        static float many[8192 * 3];
        b = c; b.n_mics = 8192; b.mic_xyz = many; b.frame_length = (size_t)1 << 20; b.rows = 1; b.cols = 1;
        CHECK_EQ_INT(avloc_array_query_f32(&b, &ob, &sb), sizeof(size_t) < 8 ? AVLOC_ERR_SIZE : AVLOC_OK);
    }
    {
        float bad[6] = {0, 0, 0, 0.1f, 0, 0};
        float zd[60];
        bad[4] = (float)NAN;
        b = c; b.mic_xyz = bad; CHECK_EQ_INT(avloc_array_query_f32(&b, &ob, &sb), AVLOC_ERR_PARAM);
        memset(zd, 0, sizeof zd);
        b = c; b.directions = zd; CHECK_EQ_INT(avloc_array_query_f32(&b, &ob, &sb), AVLOC_ERR_PARAM);
    }
    /* too little memory: refused, object zeroed, nothing written past the end */
    CHECK_EQ_INT(avloc_array_query_f32(&c, &ob, &sb), AVLOC_OK);
    g = (unsigned char *)malloc(ob + 64);
    memset(g, 0xAB, ob + 64);
    CHECK_EQ_INT(avloc_array_init_f32(&a, &c, g, ob / 2), AVLOC_ERR_WORKSPACE);
    CHECK(a.dirs == NULL);
    CHECK(g[ob / 2] == 0xAB && g[ob] == 0xAB);
    CHECK_EQ_INT(avloc_array_power_f32(&a, x, 640, p, g, ob), AVLOC_ERR_STATE);
    free(g);
    CHECK_EQ_INT(make(&a, &c, &mem, &scr, &sb), AVLOC_OK);
    CHECK_EQ_INT(avloc_array_power_f32(&a, x, 639, p, scr, sb), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_array_power_f32(&a, x, 640, p, scr, sb / 2), AVLOC_ERR_WORKSPACE);
    CHECK_EQ_INT(avloc_array_power_f32(&a, NULL, 640, p, scr, sb), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_array_power_f32(&z, x, 640, p, scr, sb), AVLOC_ERR_STATE);
    CHECK_EQ_INT(avloc_array_mfcc_f32(&a, x, 640, NULL, NULL, scr, sb), AVLOC_ERR_NULL);
    x[5] = (float)INFINITY;
    CHECK_EQ_INT(avloc_array_power_f32(&a, x, 640, p, scr, sb), AVLOC_ERR_NONFINITE);
    x[5] = 0.0f;
    /* silence: finite output, flat energy */
    CHECK_EQ_INT(avloc_array_mfcc_f32(&a, x, 640, img, NULL, scr, sb), AVLOC_OK);
    CHECK(avloc_all_finite_f32(img, 240));
    CHECK_EQ_INT(avloc_acimg_energy_query(&a.mfcc, &need), AVLOC_OK);
    CHECK_EQ_INT(avloc_acimg_energy_f32(&a.mfcc, img, 20, e, scr, need - 1), AVLOC_ERR_WORKSPACE);
    CHECK_EQ_INT(avloc_acimg_energy_f32(&a.mfcc, img, 0, e, scr, need), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_acimg_energy_f32(&a.mfcc, img, 20, e, scr, need), AVLOC_OK);
    CHECK_NEAR(e[0], 1.0 / 24.0, 1e-6);
    CHECK_NEAR(e[19], e[0], 1e-9);
    img[3] = (float)NAN;
    CHECK_EQ_INT(avloc_acimg_energy_f32(&a.mfcc, img, 20, e, scr, need), AVLOC_ERR_NONFINITE);
    CHECK_EQ_INT(avloc_acimg_energy_query(&z.mfcc, &need), AVLOC_ERR_STATE);
    avloc_array_destroy_f32(&a);
    CHECK_EQ_INT(avloc_array_power_f32(&a, x, 640, p, scr, sb), AVLOC_ERR_STATE);
    avloc_array_destroy_f32(NULL);
    free(mem);
    free(scr);
}

int main(void)
{
    test_goldens();
    test_plane_wave();
    test_bad_input();
    return th_finish("test_array");
}
