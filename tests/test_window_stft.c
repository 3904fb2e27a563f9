/* Windows, STFT, iSTFT and the streaming STFT against scipy / torch goldens
   (tools/gen_goldens_dsp.py). */
#ifndef AVLOC_TEST_SHARED_IMPL /* else the Makefile links the library's objects (tests/impl/) */
#define AVLOC_IMPLEMENTATION
#endif
#include "../avloc_dsp.h"
#include "harness.h"

static unsigned char g_obj[1 << 16], g_scr[1 << 16];

/* Every STFT made here lives in g_obj, so the next one overwrites it: the
   last one is destroyed first (its FFTW3 plans, with AVLOC_USE_FFTW3). */
static avloc_stft_f32 g_live;

static void release_live(void)
{
    avloc_stft_destroy_f32(&g_live);
}

static int make_stft(avloc_stft_f32 *s, const avloc_stft_config *c)
{
    size_t ob = 0, sb = 0;
    release_live();
    if (avloc_stft_query_f32(c, &ob, &sb) != AVLOC_OK) return 0;
    if (ob > sizeof g_obj || sb > sizeof g_scr) return 0;
    if (avloc_stft_init_f32(s, c, g_obj, ob) != AVLOC_OK) return 0;
    g_live = *s;
    return 1;
}

static void test_windows(void)
{
    th_array g = th_golden("dsp_windows.npy"), t = th_golden("dsp_windows_torch.npy");
    static const avloc_window types[5] = {AVLOC_WINDOW_RECTANGULAR, AVLOC_WINDOW_HANN, AVLOC_WINDOW_HAMMING,
                                          AVLOC_WINDOW_BLACKMAN, AVLOC_WINDOW_SQRT_HANN};
    static const size_t ns[3] = {1, 7, 64};
    float w[64];
    int ti, pi, ni;
    double err = 0, errt = 0;
    size_t k;
    if (!g.data || !t.data) { CHECK(0); return; }
    for (ti = 0; ti < 5; ti++)
        for (pi = 0; pi < 2; pi++)
            for (ni = 0; ni < 3; ni++) {
                CHECK(avloc_window_f32(types[ti], pi == 0, w, ns[ni]) == AVLOC_OK);
                for (k = 0; k < ns[ni]; k++) {
                    double e = fabs(w[k] - g.data[((ti * 2 + pi) * 3 + ni) * 64 + k]);
                    if (e > err) err = e;
                }
            }
    CHECK_MSG(err <= 1e-7, "window vs scipy max err %g", err);
    for (ti = 0; ti < 3; ti++)
        for (pi = 0; pi < 2; pi++) {
            avloc_window_f32(types[ti + 1], pi == 0, w, 64);
            for (k = 0; k < 64; k++) {
                double e = fabs(w[k] - t.data[(ti * 2 + pi) * 64 + k]);
                if (e > errt) errt = e;
            }
        }
    CHECK_MSG(errt <= 1e-7, "window vs torch max err %g", errt);
    CHECK(avloc_window_f32(AVLOC_WINDOW_HANN, 1, NULL, 4) == AVLOC_ERR_NULL);
    CHECK(avloc_window_f32(AVLOC_WINDOW_HANN, 1, w, 0) == AVLOC_ERR_SIZE);
    CHECK(avloc_window_f32((avloc_window)99, 1, w, 4) == AVLOC_ERR_PARAM);
    th_free(&g);
    th_free(&t);
}

typedef struct stft_case { const char *file; size_t n_fft, hop, win; avloc_window w; int center; avloc_pad_mode pad; int ones; size_t n; } stft_case;

static void test_stft_vs_torch(void)
{
    static const stft_case cases[4] = {
        {"dsp_stft_a.npy", 256, 64, 256, AVLOC_WINDOW_HANN, 1, AVLOC_PAD_REFLECT, 1, 2000},
        {"dsp_stft_b.npy", 256, 100, 200, AVLOC_WINDOW_HAMMING, 1, AVLOC_PAD_CONSTANT, 1, 2000},
        {"dsp_stft_c.npy", 127, 50, 127, AVLOC_WINDOW_BLACKMAN, 0, AVLOC_PAD_REFLECT, 1, 2000},
        {"dsp_stft_d.npy", 64, 16, 48, AVLOC_WINDOW_HANN, 1, AVLOC_PAD_REFLECT, 0, 400}};
    th_array xa = th_golden("dsp_stft_x.npy");
    float *x;
    int i;
    if (!xa.data) { CHECK(0); return; }
    x = th_to_f32(&xa);
    for (i = 0; i < 4; i++) {
        const stft_case *c = &cases[i];
        th_array g = th_golden(c->file);
        avloc_stft_config cfg = avloc_stft_config_default();
        avloc_stft_f32 s;
        size_t nf = 0, k;
        avloc_complex_f32 *X;
        double err = 0, mx = 0;
        if (!g.data) { CHECK(0); continue; }
        cfg.n_fft = c->n_fft; cfg.hop = c->hop; cfg.win_length = c->win; cfg.window = c->w;
        cfg.center = c->center; cfg.pad_mode = c->pad; cfg.onesided = c->ones;
        CHECK(make_stft(&s, &cfg));
        CHECK(avloc_stft_frames(&cfg, c->n, &nf) == AVLOC_OK);
        CHECK_EQ_INT(nf, g.shape[0]);
        CHECK_EQ_INT(s.n_bins, g.shape[1]);
        X = (avloc_complex_f32 *)malloc(nf * s.n_bins * sizeof *X);
        CHECK(avloc_stft_forward_f32(&s, x, c->n, X, nf, g_scr, s.scratch_bytes) == AVLOC_OK);
        for (k = 0; k < nf * s.n_bins && k * 2 + 1 < g.n; k++) {
            double er = fabs(X[k].re - g.data[2 * k]), ei = fabs(X[k].im - g.data[2 * k + 1]);
            if (er > err) err = er;
            if (ei > err) err = ei;
            if (fabs(g.data[2 * k]) > mx) mx = fabs(g.data[2 * k]);
            if (fabs(g.data[2 * k + 1]) > mx) mx = fabs(g.data[2 * k + 1]);
        }
        CHECK_MSG(err <= 1e-5 * mx, "%s: max err %g of max %g", c->file, err, mx);
        free(X);
        th_free(&g);
    }
    free(x);
    th_free(&xa);
}

static void test_istft_vs_torch(void)
{
    th_array sp = th_golden("dsp_istft_spec.npy"), ya = th_golden("dsp_istft_a.npy"), yb = th_golden("dsp_istft_b.npy"),
             yc = th_golden("dsp_istft_c.npy");
    avloc_stft_config cfg = avloc_stft_config_default();
    avloc_stft_f32 s;
    avloc_complex_f32 *S;
    float y[600];
    size_t len = 0, k;
    const th_array *ref[3];
    int i;
    if (!sp.data || !ya.data || !yb.data || !yc.data) { CHECK(0); return; }
    S = (avloc_complex_f32 *)malloc(12 * 65 * sizeof *S);
    for (k = 0; k < 12 * 65; k++) { S[k].re = (float)sp.data[2 * k]; S[k].im = (float)sp.data[2 * k + 1]; }
    ref[0] = &ya; ref[1] = &yb; ref[2] = &yc;
    for (i = 0; i < 3; i++) {
        double err = 0, mx = 0;
        cfg.n_fft = 128; cfg.hop = 32; cfg.win_length = 128;
        cfg.window = i == 2 ? AVLOC_WINDOW_RECTANGULAR : AVLOC_WINDOW_HANN;
        cfg.center = i != 2;
        CHECK(make_stft(&s, &cfg));
        CHECK(avloc_istft_length(&cfg, 12, &len) == AVLOC_OK);
        if (i == 1) len = 300;
        CHECK_EQ_INT(len, ref[i]->n);
        if (len > 600) continue;
        CHECK(avloc_stft_inverse_f32(&s, S, 12, y, len, g_scr, s.scratch_bytes) == AVLOC_OK);
        for (k = 0; k < len; k++) {
            double e = fabs(y[k] - ref[i]->data[k]);
            if (e > err) err = e;
            if (fabs(ref[i]->data[k]) > mx) mx = fabs(ref[i]->data[k]);
        }
        CHECK_MSG(err <= 1e-5 * mx, "istft case %d: max err %g of %g", i, err, mx);
    }
    /* torch raises on the NOLA-violating pair (hann, center=False): so do we */
    cfg.window = AVLOC_WINDOW_HANN;
    cfg.center = 0;
    CHECK(make_stft(&s, &cfg));
    avloc_istft_length(&cfg, 12, &len);
    CHECK(avloc_stft_inverse_f32(&s, S, 12, y, len, g_scr, s.scratch_bytes) == AVLOC_ERR_PARAM);
    /* a hop larger than the window support leaves holes */
    cfg.center = 1; cfg.n_fft = 64; cfg.win_length = 32; cfg.hop = 48;
    CHECK(make_stft(&s, &cfg));
    CHECK(avloc_stft_inverse_f32(&s, S, 5, y, 100, g_scr, s.scratch_bytes) == AVLOC_ERR_PARAM);
    free(S);
    th_free(&sp); th_free(&ya); th_free(&yb); th_free(&yc);
}

static void test_round_trip(void)
{
    static const stft_case cases[5] = {
        {"", 256, 64, 256, AVLOC_WINDOW_HANN, 1, AVLOC_PAD_REFLECT, 1, 2000},
        {"", 256, 100, 200, AVLOC_WINDOW_HAMMING, 1, AVLOC_PAD_CONSTANT, 1, 2000},
        {"", 127, 40, 127, AVLOC_WINDOW_BLACKMAN, 1, AVLOC_PAD_REFLECT, 1, 1999},
        {"", 128, 64, 128, AVLOC_WINDOW_SQRT_HANN, 1, AVLOC_PAD_CONSTANT, 1, 1000},
        {"", 64, 16, 48, AVLOC_WINDOW_HANN, 1, AVLOC_PAD_REFLECT, 0, 400}};
    th_array xa = th_golden("dsp_stft_x.npy");
    float *x, *y;
    int i;
    if (!xa.data) { CHECK(0); return; }
    x = th_to_f32(&xa);
    y = (float *)malloc(2000 * sizeof *y);
    for (i = 0; i < 5; i++) {
        const stft_case *c = &cases[i];
        avloc_stft_config cfg = avloc_stft_config_default();
        avloc_stft_f32 s;
        size_t nf = 0, k;
        avloc_complex_f32 *X;
        double num = 0, den = 0;
        cfg.n_fft = c->n_fft; cfg.hop = c->hop; cfg.win_length = c->win; cfg.window = c->w;
        cfg.center = c->center; cfg.pad_mode = c->pad; cfg.onesided = c->ones;
        CHECK(make_stft(&s, &cfg));
        avloc_stft_frames(&cfg, c->n, &nf);
        X = (avloc_complex_f32 *)malloc(nf * s.n_bins * sizeof *X);
        CHECK(avloc_stft_forward_f32(&s, x, c->n, X, nf, g_scr, s.scratch_bytes) == AVLOC_OK);
        CHECK(avloc_stft_inverse_f32(&s, X, nf, y, c->n, g_scr, s.scratch_bytes) == AVLOC_OK);
        for (k = 0; k < c->n; k++) { num += (double)(y[k] - x[k]) * (y[k] - x[k]); den += (double)x[k] * x[k]; }
        CHECK_MSG(sqrt(num / den) <= 1e-6, "round trip %d: rel rms %g", i, sqrt(num / den));
        free(X);
    }
    free(x);
    free(y);
    th_free(&xa);
}

static unsigned lcg(unsigned *s) { *s = *s * 1664525u + 1013904223u; return *s >> 8; }

static void test_stream(void)
{
    static const size_t hops[2] = {64, 300};
    th_array xa = th_golden("dsp_stft_x.npy");
    float *x;
    int hi;
    if (!xa.data) { CHECK(0); return; }
    x = th_to_f32(&xa);
    for (hi = 0; hi < 2; hi++) {
        avloc_stft_config cfg = avloc_stft_config_default();
        avloc_stft_f32 s;
        avloc_stft_stream_f32 st;
        static unsigned char ring[4096];
        size_t nf = 0, rb = 0, pos = 0, got = 0, k, guard = 0;
        avloc_complex_f32 *ref, *out;
        unsigned seed = 7;
        int same = 1;
        cfg.n_fft = 256; cfg.hop = hops[hi]; cfg.win_length = 256; cfg.center = 0;
        CHECK(make_stft(&s, &cfg));
        avloc_stft_frames(&cfg, 2000, &nf);
        ref = (avloc_complex_f32 *)malloc(nf * s.n_bins * sizeof *ref);
        out = (avloc_complex_f32 *)malloc((nf + 1) * s.n_bins * sizeof *out);
        CHECK(avloc_stft_forward_f32(&s, x, 2000, ref, nf, g_scr, s.scratch_bytes) == AVLOC_OK);
        CHECK(avloc_stft_stream_query_f32(&s, &rb) == AVLOC_OK && rb <= sizeof ring);
        CHECK(avloc_stft_stream_init_f32(&st, &s, ring, rb) == AVLOC_OK);
        CHECK(avloc_stft_stream_init_f32(&st, &s, ring, 16) == AVLOC_ERR_WORKSPACE);
        CHECK(avloc_stft_stream_init_f32(&st, &s, ring, rb) == AVLOC_OK);
        while (pos < 2000 && guard++ < 100000) {
            size_t chunk = lcg(&seed) % 97, maxf = lcg(&seed) % 3, wrote = 0, used = 0;
            if (chunk > 2000 - pos) chunk = 2000 - pos;
            if (got + maxf > nf) maxf = nf - got;
            CHECK(avloc_stft_stream_push_f32(&st, x + pos, chunk, maxf ? out + got * s.n_bins : NULL, maxf,
                                             &wrote, &used, g_scr, s.scratch_bytes) == AVLOC_OK);
            if (wrote > maxf || used > chunk) { same = 0; break; }
            got += wrote;
            pos += used;
        }
        CHECK_EQ_INT(got, nf);
        for (k = 0; k < nf * s.n_bins && same; k++)
            if (out[k].re != ref[k].re || out[k].im != ref[k].im) same = 0;
        CHECK_MSG(same, "stream frames differ from offline center=False (hop %u)", (unsigned)hops[hi]);
        /* reset starts a new stream; NaN is refused before consuming */
        {
            float bad[4] = {0, 0, 0, 0};
            size_t wrote = 9, used = 9;
            bad[2] = (float)(0.0 * HUGE_VAL);
            CHECK(avloc_stft_stream_reset_f32(&st) == AVLOC_OK && st.frames == 0);
            CHECK(avloc_stft_stream_push_f32(&st, bad, 4, out, 1, &wrote, &used, g_scr, s.scratch_bytes) == AVLOC_ERR_NONFINITE);
            CHECK(used == 0 && wrote == 0);
            CHECK(avloc_stft_stream_push_f32(&st, x, 4, out, 1, &wrote, &used, g_scr, 8) == AVLOC_ERR_WORKSPACE);
            CHECK(avloc_stft_stream_push_f32(NULL, x, 4, out, 1, &wrote, &used, g_scr, s.scratch_bytes) == AVLOC_ERR_NULL);
            avloc_stft_stream_destroy_f32(&st);
            CHECK(avloc_stft_stream_push_f32(&st, x, 4, out, 1, &wrote, &used, g_scr, s.scratch_bytes) == AVLOC_ERR_STATE);
            CHECK(avloc_stft_stream_reset_f32(&st) == AVLOC_ERR_STATE);
        }
        free(ref);
        free(out);
    }
    free(x);
    th_free(&xa);
}

/* Streams whose length ends exactly on a frame boundary, pushed in
   hop-sized pieces after a first n_fft-sized one (and in one piece): each
   push must return the frame its last sample completes, at once; the
   frames equal the offline STFT (center = 0) frame by frame. */
static void test_stream_boundaries(void)
{
    static const size_t hops[3] = {64, 100, 256};
    th_array xa = th_golden("dsp_stft_x.npy");
    float *x;
    int hi;
    if (!xa.data) { CHECK(0); return; }
    x = th_to_f32(&xa);
    for (hi = 0; hi < 3; hi++) {
        avloc_stft_config cfg = avloc_stft_config_default();
        avloc_stft_f32 s;
        avloc_stft_stream_f32 st;
        static unsigned char ring[4096];
        size_t nf = 0, rb = 0, n, pos = 0, got = 0, t, late = 0, wrong = 0, pushes = 0;
        avloc_complex_f32 *ref, *out;
        cfg.n_fft = 256; cfg.hop = hops[hi]; cfg.win_length = 256; cfg.center = 0;
        CHECK(make_stft(&s, &cfg));
        n = 256 + hops[hi] * ((2000 - 256) / hops[hi]); /* ends on a frame boundary */
        CHECK(avloc_stft_frames(&cfg, n, &nf) == AVLOC_OK && (nf - 1) * hops[hi] + 256 == n && n <= xa.n);
        ref = (avloc_complex_f32 *)malloc(nf * s.n_bins * sizeof *ref);
        out = (avloc_complex_f32 *)malloc(nf * s.n_bins * sizeof *out);
        CHECK(avloc_stft_forward_f32(&s, x, n, ref, nf, g_scr, s.scratch_bytes) == AVLOC_OK);
        CHECK(avloc_stft_stream_query_f32(&s, &rb) == AVLOC_OK && rb <= sizeof ring);
        CHECK(avloc_stft_stream_init_f32(&st, &s, ring, rb) == AVLOC_OK);
        while (pos < n && pushes++ < 1000) {
            size_t chunk = pos == 0 ? 256 : hops[hi], wrote = 0, used = 0;
            CHECK(avloc_stft_stream_push_f32(&st, x + pos, chunk, out + got * s.n_bins, nf - got, &wrote, &used, g_scr,
                                             s.scratch_bytes) == AVLOC_OK);
            if (used != chunk || wrote != 1) late++;
            got += wrote;
            pos += used;
            if (got != 1 + (pos - 256) / hops[hi]) late++;
        }
        CHECK_MSG(late == 0 && got == nf, "hop %u: %u pushes without their frame, %u/%u frames", (unsigned)hops[hi],
                  (unsigned)late, (unsigned)got, (unsigned)nf);
        for (t = 0; t < got * s.n_bins; t++)
            if (out[t].re != ref[t].re || out[t].im != ref[t].im) wrong++;
        CHECK_MSG(wrong == 0, "hop %u: %u values differ from the offline STFT", (unsigned)hops[hi], (unsigned)wrong);
        /* the whole stream in one push: all nf frames, the last included */
        {
            size_t wrote = 0, used = 0;
            CHECK(avloc_stft_stream_reset_f32(&st) == AVLOC_OK);
            CHECK(avloc_stft_stream_push_f32(&st, x, n, out, nf, &wrote, &used, g_scr, s.scratch_bytes) == AVLOC_OK);
            CHECK_MSG(wrote == nf && used == n, "one push: %u/%u frames, %u/%u samples", (unsigned)wrote, (unsigned)nf,
                      (unsigned)used, (unsigned)n);
            CHECK(memcmp(out, ref, nf * s.n_bins * sizeof *out) == 0);
        }
        free(ref);
        free(out);
    }
    free(x);
    th_free(&xa);
}

static void test_bad_input(void)
{
    avloc_stft_config cfg = avloc_stft_config_default(), c2;
    avloc_stft_f32 s;
    size_t ob = 0, sb = 0, nf = 0;
    float x[1000], y[1000];
    avloc_complex_f32 X[20 * 257];
    size_t k;
    for (k = 0; k < 1000; k++) x[k] = (float)sin(0.1 * (double)k);
    CHECK(avloc_stft_query_f32(NULL, &ob, &sb) == AVLOC_ERR_NULL);
    c2 = cfg; c2.win_length = 513;
    CHECK(avloc_stft_query_f32(&c2, &ob, &sb) == AVLOC_ERR_SIZE);
    c2 = cfg; c2.hop = 0;
    CHECK(avloc_stft_query_f32(&c2, &ob, &sb) == AVLOC_ERR_SIZE);
    c2 = cfg; c2.win_length = 0; /* = n_fft (torch's None): valid */
    CHECK(avloc_stft_query_f32(&c2, &ob, &sb) == AVLOC_OK);
    c2 = cfg; c2.n_fft = 0;
    CHECK(avloc_stft_query_f32(&c2, &ob, &sb) == AVLOC_ERR_SIZE);
    c2 = cfg; c2.window = (avloc_window)42;
    CHECK(avloc_stft_query_f32(&c2, &ob, &sb) == AVLOC_ERR_PARAM);
    c2 = cfg; c2.pad_mode = (avloc_pad_mode)7;
    CHECK(avloc_stft_query_f32(&c2, &ob, &sb) == AVLOC_ERR_PARAM);
    CHECK(avloc_stft_query_f32(&cfg, &ob, &sb) == AVLOC_OK);
    release_live();
    {   /* a failed init leaves the object zeroed, and a zeroed object gives ERR_STATE */
        static avloc_stft_f32 zero; /* zero-filled (const would need an initialiser in C++) */
        memset(&s, 0x5a, sizeof s);
        CHECK(avloc_stft_init_f32(&s, &c2, g_obj, ob) == AVLOC_ERR_PARAM); /* c2: bad pad_mode */
        CHECK(memcmp(&s, &zero, sizeof s) == 0);
        memset(&s, 0x5a, sizeof s);
        CHECK(avloc_stft_init_f32(&s, &cfg, g_obj, ob - 100) == AVLOC_ERR_WORKSPACE);
        CHECK(memcmp(&s, &zero, sizeof s) == 0);
        CHECK(avloc_stft_forward_f32(&s, x, 1000, X, 8, g_scr, sb) == AVLOC_ERR_STATE);
        memset(&s, 0x5a, sizeof s);
        CHECK(avloc_stft_init_f32(&s, &cfg, NULL, ob) == AVLOC_ERR_NULL);
        CHECK(memcmp(&s, &zero, sizeof s) == 0);
        CHECK(avloc_stft_init_f32(NULL, &cfg, g_obj, ob) == AVLOC_ERR_NULL);
        avloc_stft_destroy_f32(&s); /* a zeroed object and NULL are fine */
        avloc_stft_destroy_f32(NULL);
    }
    CHECK(avloc_stft_init_f32(&s, &cfg, g_obj + 3, ob) == AVLOC_OK); /* any alignment */
    CHECK(avloc_stft_frames(&cfg, 1000, &nf) == AVLOC_OK && nf == 8);
    CHECK(avloc_stft_frames(&cfg, 256, &nf) == AVLOC_ERR_SIZE);  /* reflect needs n > n_fft/2 */
    CHECK(avloc_stft_frames(&cfg, 0, &nf) == AVLOC_ERR_SIZE);
    c2 = cfg; c2.center = 0;
    CHECK(avloc_stft_frames(&c2, 511, &nf) == AVLOC_ERR_SIZE);
    CHECK(avloc_stft_forward_f32(&s, x, 1000, X, 8, g_scr, sb / 2) == AVLOC_ERR_WORKSPACE);
    CHECK(avloc_stft_forward_f32(&s, x, 1000, X, 7, g_scr, sb) == AVLOC_ERR_SIZE);
    CHECK(avloc_stft_forward_f32(&s, NULL, 1000, X, 8, g_scr, sb) == AVLOC_ERR_NULL);
    CHECK(avloc_stft_forward_f32(&s, x, 1000, NULL, 8, g_scr, sb) == AVLOC_ERR_NULL);
    CHECK(avloc_stft_forward_f32(&s, x, 1000, X, 8, NULL, sb) == AVLOC_ERR_NULL);
    x[500] = (float)(0.0 * HUGE_VAL);
    CHECK(avloc_stft_forward_f32(&s, x, 1000, X, 8, g_scr, sb) == AVLOC_ERR_NONFINITE);
    x[500] = 0;
    CHECK(avloc_stft_forward_f32(&s, x, 1000, X, 8, g_scr, sb) == AVLOC_OK);
    CHECK(avloc_stft_inverse_f32(&s, X, 8, y, 1000, g_scr, sb / 2) == AVLOC_ERR_WORKSPACE);
    CHECK(avloc_stft_inverse_f32(&s, X, 0, y, 1000, g_scr, sb) == AVLOC_ERR_SIZE);
    CHECK(avloc_stft_inverse_f32(&s, X, 8, y, 0, g_scr, sb) == AVLOC_ERR_SIZE);
    X[3].im = (float)HUGE_VAL;
    CHECK(avloc_stft_inverse_f32(&s, X, 8, y, 1000, g_scr, sb) == AVLOC_ERR_NONFINITE);
    avloc_stft_destroy_f32(&s); /* destroyed: ERR_STATE, not a crash */
    CHECK(avloc_stft_forward_f32(&s, x, 1000, X, 8, g_scr, sb) == AVLOC_ERR_STATE);
    CHECK(avloc_stft_inverse_f32(&s, X, 8, y, 1000, g_scr, sb) == AVLOC_ERR_STATE);
    CHECK(avloc_spec_power_f32(X, 4, 0.0f, y) == AVLOC_ERR_PARAM);
}

int main(void)
{
    test_windows();
    test_stft_vs_torch();
    test_istft_vs_torch();
    test_round_trip();
    test_stream();
    test_stream_boundaries();
    test_bad_input();
    release_live();
    return th_finish("window_stft");
}
