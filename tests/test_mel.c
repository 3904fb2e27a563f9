/* Mel filterbanks, log maps, MFCC, and whole mel-spectrogram presets against
   torchaudio 0.13 and a numpy rendition of librosa 0.10
   (tools/gen_goldens_dsp.py), on real speech (tests/data/dsp_speech16k.wav). */
#ifndef AVLOC_TEST_SHARED_IMPL /* else the Makefile links the library's objects (tests/impl/) */
#define AVLOC_IMPLEMENTATION
#endif
#include "../avloc_dsp.h"
#include "harness.h"
#include <float.h>

static unsigned char g_obj[1 << 20], g_scr[1 << 16];

/* 16-bit PCM mono WAV -> float in [-1, 1) (x / 32768, as scipy + the generator). */
/* max |a - ref| / max |ref| */
static double rel_max(const float *a, const th_array *ref)
{
    double e = 0, m = 0;
    size_t i;
    for (i = 0; i < ref->n; i++) {
        double d = fabs((double)a[i] - ref->data[i]);
        if (d > e) e = d;
        if (fabs(ref->data[i]) > m) m = fabs(ref->data[i]);
    }
    return m > 0 ? e / m : e;
}

/* max |a - ref| over the points whose reference lies within `range` dB of its max */
static double abs_max_db(const float *a, const th_array *ref, double range)
{
    double e = 0, mx = -1e300;
    size_t i;
    for (i = 0; i < ref->n; i++) if (ref->data[i] > mx) mx = ref->data[i];
    for (i = 0; i < ref->n; i++)
        if (ref->data[i] >= mx - range && fabs((double)a[i] - ref->data[i]) > e) e = fabs((double)a[i] - ref->data[i]);
    return e;
}

static double abs_max(const float *a, const th_array *ref)
{
    double e = 0;
    size_t i;
    for (i = 0; i < ref->n; i++) if (fabs((double)a[i] - ref->data[i]) > e) e = fabs((double)a[i] - ref->data[i]);
    return e;
}

typedef struct fb_case { const char *file; float sr; size_t n_fft, n_mels; float fmin, fmax; avloc_mel_scale s; avloc_mel_norm nm; avloc_mel_bins bins; } fb_case;

static void test_filterbanks(void)
{
    static const fb_case cases[6] = {
        {"dsp_melfb_lr_a.npy", 16000, 512, 40, 0, 8000, AVLOC_MEL_SLANEY, AVLOC_MEL_NORM_SLANEY, AVLOC_MEL_BINS_FFT},
        {"dsp_melfb_lr_b.npy", 22050, 512, 64, 50, 10000, AVLOC_MEL_HTK, AVLOC_MEL_NORM_NONE, AVLOC_MEL_BINS_FFT},
        {"dsp_melfb_ta_htk.npy", 16000, 400, 128, 0, 8000, AVLOC_MEL_HTK, AVLOC_MEL_NORM_NONE, AVLOC_MEL_BINS_TORCHAUDIO},
        {"dsp_melfb_ta_slaney.npy", 16000, 512, 40, 0, 8000, AVLOC_MEL_SLANEY, AVLOC_MEL_NORM_SLANEY, AVLOC_MEL_BINS_TORCHAUDIO},
        /* torchaudio's bins where they are not k sr / n_fft: an odd n_fft, an odd rate */
        {"dsp_melfb_ta_odd.npy", 16000, 1023, 40, 0, 8000, AVLOC_MEL_HTK, AVLOC_MEL_NORM_NONE, AVLOC_MEL_BINS_TORCHAUDIO},
        {"dsp_melfb_ta_oddsr.npy", 11025, 512, 40, 0, 5512, AVLOC_MEL_HTK, AVLOC_MEL_NORM_NONE, AVLOC_MEL_BINS_TORCHAUDIO}};
    int i;
    for (i = 0; i < 6; i++) {
        const fb_case *c = &cases[i];
        th_array g = th_golden(c->file);
        avloc_mel_config cfg = avloc_mel_config_default();
        avloc_mel_f32 mel;
        size_t bytes = 0, nb = c->n_fft / 2 + 1, k, t;
        float *fb, *spec, *out;
        double e, worst = 0;
        memset(&mel, 0, sizeof mel); /* read below even if init failed */
        if (!g.data) { CHECK(0); continue; }
        cfg.sample_rate = c->sr; cfg.n_fft = c->n_fft; cfg.n_mels = c->n_mels;
        cfg.fmin = c->fmin; cfg.fmax = c->fmax; cfg.scale = c->s; cfg.norm = c->nm; cfg.bins = c->bins;
        CHECK(avloc_mel_query_f32(&cfg, &bytes) == AVLOC_OK && bytes <= sizeof g_obj);
        CHECK(avloc_mel_init_f32(&mel, &cfg, g_obj, bytes) == AVLOC_OK);
        CHECK_EQ_INT(g.n, c->n_mels * nb);
        CHECK(mel.nnz <= 2 * nb); /* sparse: a frame costs <= 2 (n_fft/2+1) multiplies */
        fb = (float *)malloc(g.n * sizeof *fb);
        CHECK(avloc_mel_dense_f32(&mel, fb, g.n) == AVLOC_OK);
        e = rel_max(fb, &g);
        CHECK_MSG(e <= 1e-5, "%s: rel err %g", c->file, e);
        /* the sparse product equals the dense one */
        spec = (float *)malloc(3 * nb * sizeof *spec);
        out = (float *)malloc(3 * c->n_mels * sizeof *out);
        for (k = 0; k < 3 * nb; k++) spec[k] = (float)(1.0 + sin(0.37 * (double)k));
        CHECK(avloc_mel_apply_f32(&mel, spec, 3, out) == AVLOC_OK);
        for (t = 0; t < 3; t++)
            for (k = 0; k < c->n_mels; k++) {
                double d = 0;
                size_t j;
                for (j = 0; j < nb; j++) d += (double)fb[k * nb + j] * spec[t * nb + j];
                if (fabs(d - out[t * c->n_mels + k]) > worst) worst = fabs(d - out[t * c->n_mels + k]);
            }
        CHECK_MSG(worst <= 1e-5, "sparse vs dense %g", worst);
        free(fb); free(spec); free(out);
        th_free(&g);
    }
    CHECK_NEAR(avloc_hz_to_mel(1000.0, AVLOC_MEL_SLANEY), 15.0, 1e-12);
    CHECK_NEAR(avloc_hz_to_mel(700.0, AVLOC_MEL_HTK), 2595.0 * log10(2.0), 1e-9);
    CHECK_NEAR(avloc_mel_to_hz(avloc_hz_to_mel(3456.0, AVLOC_MEL_SLANEY), AVLOC_MEL_SLANEY), 3456.0, 1e-9);
    CHECK_NEAR(avloc_mel_to_hz(avloc_hz_to_mel(3456.0, AVLOC_MEL_HTK), AVLOC_MEL_HTK), 3456.0, 1e-9);
}

/* Every object made here lives in g_obj, so the next one overwrites it:
   the last one is destroyed first (its FFTW3 plans, with AVLOC_USE_FFTW3). */
static avloc_melspec_f32 g_live;

static void release_live(void)
{
    avloc_melspec_destroy_f32(&g_live);
}

static int make_melspec(avloc_melspec_f32 *m, const avloc_melspec_config *c)
{
    size_t ob = 0, sb = 0;
    release_live();
    if (avloc_melspec_query_f32(c, &ob, &sb) != AVLOC_OK || ob > sizeof g_obj || sb > sizeof g_scr) return 0;
    if (avloc_melspec_init_f32(m, c, g_obj, ob) != AVLOC_OK) return 0;
    g_live = *m;
    return 1;
}

/* win_length 0 = n_fft: a preset whose n_fft alone is changed gets a full
   n_fft window (it kept 400 taps before), the same result as an explicit
   win_length = n_fft; the stored config says what was built. */
static void test_win_length_default(const float *x, size_t n)
{
    avloc_melspec_config a = avloc_melspec_config_torchaudio(), b;
    avloc_melspec_f32 m;
    size_t nf = 0, i, diff = 0;
    float *ya, *yb;
    a.stft.n_fft = 512;
    a.stft.hop = 256;
    b = a;
    b.stft.win_length = 512;
    CHECK(a.stft.win_length == 0);
    CHECK(avloc_stft_frames(&a.stft, n, &nf) == AVLOC_OK);
    ya = (float *)malloc(nf * a.n_mels * sizeof *ya);
    yb = (float *)malloc(nf * a.n_mels * sizeof *yb);
    if (!ya || !yb) { CHECK(0); free(ya); free(yb); return; }
    CHECK(make_melspec(&m, &a));
    CHECK_EQ_INT(m.stft.cfg.win_length, 512);
    CHECK(m.stft.win_start == 0 && m.stft.win_end == 512);
    CHECK(avloc_melspec_compute_f32(&m, x, n, ya, nf, g_scr, m.scratch_bytes) == AVLOC_OK);
    CHECK(make_melspec(&m, &b));
    CHECK(avloc_melspec_compute_f32(&m, x, n, yb, nf, g_scr, m.scratch_bytes) == AVLOC_OK);
    for (i = 0; i < nf * a.n_mels; i++) diff += ya[i] != yb[i];
    CHECK_MSG(diff == 0, "win_length 0 and win_length n_fft differ in %lu values", (unsigned long)diff);
    free(ya); free(yb);
}

static void test_torchaudio(const float *x, size_t n)
{
    th_array gm = th_golden("dsp_ta_melspec.npy"), gl = th_golden("dsp_ta_logmel.npy"), gc = th_golden("dsp_ta_mfcc.npy");
    avloc_melspec_config cfg = avloc_melspec_config_torchaudio();
    avloc_melspec_f32 m;
    size_t nf = 0;
    float *mel, *mf;
    double e;
    if (!gm.data || !gl.data || !gc.data) { CHECK(0); return; }
    CHECK(make_melspec(&m, &cfg));
    CHECK(avloc_stft_frames(&cfg.stft, n, &nf) == AVLOC_OK);
    CHECK_EQ_INT(nf * 128, gm.n);
    mel = (float *)malloc(nf * 128 * sizeof *mel);
    mf = (float *)malloc(nf * 40 * sizeof *mf);
    CHECK(avloc_melspec_compute_f32(&m, x, n, mel, nf, g_scr, m.scratch_bytes) == AVLOC_OK);
    e = rel_max(mel, &gm);
    CHECK_MSG(e <= 1e-4, "torchaudio MelSpectrogram rel err %g", e);
    printf("  torchaudio MelSpectrogram: max err %.2e of max\n", e);
    /* the MFCC preset: dB log-mel then 40 coefficients */
    cfg = avloc_melspec_config_torchaudio_mfcc();
    CHECK(make_melspec(&m, &cfg));
    CHECK(avloc_melspec_mfcc_f32(&m, x, n, mel, mf, nf, g_scr, m.scratch_bytes) == AVLOC_OK);
    /* float32 FFT rounding limits points ~80 dB under the peak (torchaudio's
       own float32 run is 1.3e-3 dB off its float64 run there) */
    e = abs_max_db(mel, &gl, 60.0);
    CHECK_MSG(e <= 1e-3, "torchaudio AmplitudeToDB max err %g dB (within 60 dB of max)", e);
    printf("  torchaudio log-mel (dB): max err %.2e dB within 60 dB of max", e);
    e = abs_max(mel, &gl);
    CHECK_MSG(e <= 2e-3, "torchaudio AmplitudeToDB max err %g dB", e);
    printf(", %.2e dB over all points\n", e);
    e = abs_max(mf, &gc);
    CHECK_MSG(e <= 2e-3, "torchaudio MFCC max err %g", e);
    printf("  torchaudio MFCC: max err %.2e\n", e);
    /* AmplitudeToDB("power") with top_db None: 10 log10(max(x, 1e-10)) of the
       MelSpectrogram golden, nothing clipped (the golden spans > 80 dB) */
    cfg = avloc_melspec_config_torchaudio_db();
    CHECK(make_melspec(&m, &cfg));
    CHECK(avloc_melspec_compute_f32(&m, x, n, mel, nf, g_scr, m.scratch_bytes) == AVLOC_OK);
    {
        size_t i;
        double worst = 0.0, mx = -1e30, mn = 1e30;
        for (i = 0; i < gm.n; i++) {
            double want = 10.0 * log10(gm.data[i] > 1e-10 ? gm.data[i] : 1e-10);
            double d = fabs((double)mel[i] - want);
            if (want > mx) mx = want;
            if (want < mn) mn = want;
            if (want > mx - 60.0 && d > worst) worst = d;
        }
        CHECK_MSG(mx - mn > 80.0, "golden spans %g dB: the no-clipping check needs > 80", mx - mn);
        CHECK_MSG(worst <= 1e-3, "torchaudio_db preset max err %g dB within 60 dB of max", worst);
        for (i = 0; i < gm.n; i++) if ((double)mel[i] < mx - 80.5) break;
        CHECK_MSG(i < gm.n, "torchaudio_db preset clipped at top_db (AmplitudeToDB's default is None)");
    }
    free(mel); free(mf);
    test_win_length_default(x, n);
    th_free(&gm); th_free(&gl); th_free(&gc);
}

static void test_librosa(const float *x, size_t n)
{
    th_array gm = th_golden("dsp_lr_melspec.npy"), gl = th_golden("dsp_lr_logmel.npy"), gc = th_golden("dsp_lr_mfcc.npy"),
             gll = th_golden("dsp_lr_mfcc_lift_librosa.npy"), glh = th_golden("dsp_lr_mfcc_lift_htk.npy"),
             gi = th_golden("dsp_lr_mfcc_inv.npy");
    avloc_melspec_config cfg = avloc_melspec_config_librosa();
    avloc_melspec_f32 m;
    avloc_mfcc_config fc = avloc_mfcc_config_default();
    avloc_mfcc_f32 mfcc;
    static unsigned char mm[1 << 17];
    size_t nf = 0, bytes = 0;
    float *mel, *lm, *mf, *inv;
    double e;
    if (!gm.data || !gl.data || !gc.data || !gll.data || !glh.data || !gi.data) { CHECK(0); return; }
    CHECK(avloc_stft_frames(&cfg.stft, n, &nf) == AVLOC_OK);
    CHECK_EQ_INT(nf * 128, gm.n);
    mel = (float *)malloc(nf * 128 * sizeof *mel);
    lm = (float *)malloc(nf * 128 * sizeof *lm);
    inv = (float *)malloc(nf * 128 * sizeof *inv);
    mf = (float *)malloc(nf * 20 * sizeof *mf);
    /* the preset means librosa.feature.melspectrogram: power, no log */
    CHECK(cfg.log == AVLOC_LOG_NONE && cfg.n_mfcc == 0);
    CHECK(make_melspec(&m, &cfg));
    CHECK(avloc_melspec_compute_f32(&m, x, n, mel, nf, g_scr, m.scratch_bytes) == AVLOC_OK);
    e = rel_max(mel, &gm);
    CHECK_MSG(e <= 1e-4, "librosa melspectrogram rel err %g", e);
    printf("  librosa melspectrogram: max err %.2e of max\n", e);
    /* librosa.power_to_db(melspectrogram): the _db preset through compute */
    cfg = avloc_melspec_config_librosa_db();
    CHECK(make_melspec(&m, &cfg));
    CHECK(avloc_melspec_compute_f32(&m, x, n, lm, nf, g_scr, m.scratch_bytes) == AVLOC_OK);
    e = abs_max(lm, &gl);
    CHECK_MSG(e <= 1e-3, "librosa_db preset vs power_to_db max err %g dB", e);
    cfg = avloc_melspec_config_librosa_mfcc();
    CHECK(make_melspec(&m, &cfg));
    CHECK(avloc_melspec_mfcc_f32(&m, x, n, lm, mf, nf, g_scr, m.scratch_bytes) == AVLOC_OK);
    e = abs_max(lm, &gl);
    CHECK_MSG(e <= 1e-3, "librosa power_to_db max err %g dB", e);
    printf("  librosa power_to_db: max err %.2e dB\n", e);
    e = abs_max(mf, &gc);
    CHECK_MSG(e <= 2e-3, "librosa mfcc max err %g", e);
    printf("  librosa mfcc: max err %.2e\n", e);
    /* the two lifters, named apart */
    fc.n_mels = 128; fc.n_mfcc = 20; fc.lifter_L = 22;
    fc.lifter = AVLOC_LIFTER_LIBROSA;
    CHECK(avloc_mfcc_query_f32(&fc, &bytes) == AVLOC_OK && bytes <= sizeof mm);
    CHECK(avloc_mfcc_init_f32(&mfcc, &fc, mm, bytes) == AVLOC_OK);
    CHECK(avloc_mfcc_apply_f32(&mfcc, lm, nf, mf) == AVLOC_OK);
    e = abs_max(mf, &gll);
    CHECK_MSG(e <= 2e-2, "librosa lifter max err %g", e); /* gains up to 12x */
    CHECK(avloc_mfcc_invert_f32(&mfcc, mf, nf, inv) == AVLOC_OK); /* unlifts, zero-pads, DCT-III */
    e = abs_max(inv, &gi);
    CHECK_MSG(e <= 2e-3, "mfcc -> log-mel (librosa lifter) max err %g", e);
    fc.lifter = AVLOC_LIFTER_HTK;
    CHECK(avloc_mfcc_init_f32(&mfcc, &fc, mm, bytes) == AVLOC_OK);
    CHECK(avloc_mfcc_apply_f32(&mfcc, lm, nf, mf) == AVLOC_OK);
    e = abs_max(mf, &glh);
    CHECK_MSG(e <= 2e-2, "HTK lifter max err %g", e);
    CHECK(mfcc.lift[0] == 1.0f);
    CHECK(avloc_mfcc_invert_f32(&mfcc, mf, nf, inv) == AVLOC_OK);
    e = abs_max(inv, &gi);
    CHECK_MSG(e <= 2e-3, "mfcc -> log-mel (HTK lifter) max err %g", e);
    /* full inverse path: all coefficients -> log-mel -> mel power */
    fc.n_mfcc = 128;
    CHECK(avloc_mfcc_query_f32(&fc, &bytes) == AVLOC_OK && bytes <= sizeof mm);
    CHECK(avloc_mfcc_init_f32(&mfcc, &fc, mm, bytes) == AVLOC_OK);
    {
        float *c = (float *)malloc(nf * 128 * sizeof *c);
        size_t i;
        double w = 0, mx = -1e9;
        th_array ref = gm;
        CHECK(avloc_mfcc_apply_f32(&mfcc, lm, nf, c) == AVLOC_OK);
        CHECK(avloc_mfcc_invert_f32(&mfcc, c, nf, inv) == AVLOC_OK);
        CHECK(avloc_db_to_power_f32(inv, nf * 128, inv, 10.0f, 1.0f) == AVLOC_OK);
        /* equals mel wherever top_db did not clip */
        for (i = 0; i < gl.n; i++) if (gl.data[i] > mx) mx = gl.data[i];
        for (i = 0; i < nf * 128; i++) {
            if (gl.data[i] > mx - 80.0 + 0.01) {
                double r = fabs(inv[i] - ref.data[i]) / ref.data[i];
                if (r > w) w = r;
            }
        }
        CHECK_MSG(w <= 1e-3, "mfcc -> mel energy rel err %g", w);
        free(c);
    }
    free(mel); free(lm); free(mf); free(inv);
    th_free(&gm); th_free(&gl); th_free(&gc); th_free(&gll); th_free(&glh); th_free(&gi);
}

static void test_log_maps(void)
{
    float x[5] = {1.0f, 100.0f, 1e-12f, 0.0f, 0.5f}, y[5], z[5];
    CHECK(avloc_db_f32(x, 5, y, 10.0f, 1.0f, 1e-10f, -1.0f) == AVLOC_OK);
    CHECK_NEAR(y[0], 0.0, 1e-6);
    CHECK_NEAR(y[1], 20.0, 1e-5);
    CHECK_NEAR(y[2], -100.0, 1e-4); /* amin */
    CHECK_NEAR(y[3], -100.0, 1e-4);
    CHECK(avloc_db_f32(x, 5, y, 10.0f, 10.0f, 1e-10f, 80.0f) == AVLOC_OK);
    CHECK_NEAR(y[1], 10.0, 1e-5);   /* ref 10 */
    CHECK_NEAR(y[2], -70.0, 1e-4);  /* clipped at max - 80 */
    CHECK(avloc_db_f32(x, 5, y, 20.0f, 1.0f, 1e-5f, -1.0f) == AVLOC_OK);
    CHECK_NEAR(y[1], 40.0, 1e-5);   /* amplitude */
    CHECK(avloc_db_to_power_f32(y, 2, z, 20.0f, 1.0f) == AVLOC_OK);
    CHECK_NEAR(z[1], 100.0, 1e-3);
    CHECK(avloc_log_f32(x, 5, y, 1e-6f, 1) == AVLOC_OK);
    CHECK_NEAR(y[3], log(1e-6), 1e-5);
    CHECK(avloc_exp_f32(y, 5, z, 1e-6f, 1) == AVLOC_OK);
    CHECK_NEAR(z[1], 100.0, 1e-3);
    CHECK_NEAR(z[3], 0.0, 1e-9);
    CHECK(avloc_log_f32(x, 5, y, 1e-6f, 0) == AVLOC_OK);
    CHECK_NEAR(y[2], log(1e-6), 1e-5);
    CHECK(avloc_db_f32(x, 5, y, 10.0f, 1.0f, 0.0f, 80.0f) == AVLOC_ERR_PARAM);
    CHECK(avloc_db_f32(x, 0, y, 10.0f, 1.0f, 1e-10f, 80.0f) == AVLOC_ERR_SIZE);
    CHECK(avloc_db_f32(NULL, 5, y, 10.0f, 1.0f, 1e-10f, 80.0f) == AVLOC_ERR_NULL);
    x[0] = (float)(0.0 * HUGE_VAL);
    CHECK(avloc_db_f32(x, 5, y, 10.0f, 1.0f, 1e-10f, 80.0f) == AVLOC_ERR_NONFINITE);
    CHECK(avloc_log_f32(x, 5, y, 1e-6f, 1) == AVLOC_ERR_NONFINITE);
}

/* top_db = 0 clips everything to the maximum (librosa power_to_db with
   top_db=0.0 does); top_db < 0 clips nothing. */
static void test_db_top_db_edges(void)
{
    const float x[5] = {1.0f, 0.5f, 1e-3f, 4.0f, 0.0f};
    float o[5];
    size_t i;
    int same = 1;
    CHECK_EQ_INT(avloc_db_f32(x, 5, o, 10.0f, 1.0f, 1e-10f, 0.0f), AVLOC_OK);
    for (i = 0; i < 5; i++) same &= fabs(o[i] - 10.0 * log10(4.0)) < 1e-5;
    CHECK_MSG(same, "top_db 0: %g %g %g %g %g", o[0], o[1], o[2], o[3], o[4]);
    CHECK_EQ_INT(avloc_db_f32(x, 5, o, 10.0f, 1.0f, 1e-10f, -1.0f), AVLOC_OK);
    CHECK_NEAR(o[4], -100.0, 1e-4);
    CHECK_NEAR(o[2], -30.0, 1e-4);
    CHECK_EQ_INT(avloc_db_f32(x, 5, o, 10.0f, 1.0f, 1e-10f, 40.0f), AVLOC_OK);
    CHECK_NEAR(o[4], 10.0 * log10(4.0) - 40.0, 1e-4);
    CHECK_NEAR(o[2], -30.0, 1e-4);
}

static void test_bad_input(const float *x, size_t n)
{
    avloc_mel_config mc = avloc_mel_config_default(), m2;
    avloc_mfcc_config fc = avloc_mfcc_config_default(), f2;
    avloc_melspec_config sc = avloc_melspec_config_torchaudio(), s2;
    avloc_melspec_f32 m;
    size_t b = 0, ob = 0, sb = 0, nf = 0;
    float out[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    CHECK(avloc_mel_query_f32(NULL, &b) == AVLOC_ERR_NULL);
    m2 = mc; m2.n_mels = 0;
    CHECK(avloc_mel_query_f32(&m2, &b) == AVLOC_ERR_SIZE);
    m2 = mc; m2.fmax = 0;
    CHECK(avloc_mel_query_f32(&m2, &b) == AVLOC_ERR_PARAM);
    m2 = mc; m2.sample_rate = (float)(0.0 * HUGE_VAL);
    CHECK(avloc_mel_query_f32(&m2, &b) == AVLOC_ERR_PARAM);
    m2 = mc; m2.scale = (avloc_mel_scale)5;
    CHECK(avloc_mel_query_f32(&m2, &b) == AVLOC_ERR_PARAM);
    CHECK(avloc_mel_query_f32(&mc, &b) == AVLOC_OK);
    release_live();
    {   /* a failed init leaves the object zeroed; calls on it give ERR_STATE */
        static avloc_mel_f32 zero; /* zero-filled (const would need an initialiser in C++) */
        static avloc_mfcc_f32 zero_mfcc; /* zero-filled (const would need an initialiser in C++) */
        avloc_mel_f32 mel;
        avloc_mfcc_f32 mf;
        memset(&mel, 0x5a, sizeof mel);
        CHECK(avloc_mel_init_f32(&mel, &mc, g_obj, b / 2) == AVLOC_ERR_WORKSPACE);
        CHECK(memcmp(&mel, &zero, sizeof mel) == 0);
        CHECK(avloc_mel_apply_f32(&mel, out, 1, out) == AVLOC_ERR_STATE);
        memset(&mel, 0x5a, sizeof mel);
        CHECK(avloc_mel_init_f32(&mel, &m2, g_obj, b) == AVLOC_ERR_PARAM); /* m2: bad scale */
        CHECK(memcmp(&mel, &zero, sizeof mel) == 0);
        CHECK(avloc_mel_init_f32(&mel, &mc, g_obj, b) == AVLOC_OK);
        avloc_mel_destroy_f32(&mel);
        CHECK(avloc_mel_apply_f32(&mel, out, 1, out) == AVLOC_ERR_STATE);
        memset(&mf, 0x5a, sizeof mf);
        CHECK(avloc_mfcc_init_f32(&mf, &fc, NULL, b) == AVLOC_ERR_NULL);
        CHECK(memcmp(&mf, &zero_mfcc, sizeof mf) == 0);
        CHECK(avloc_mfcc_apply_f32(&mf, out, 1, out) == AVLOC_ERR_STATE);
        avloc_mfcc_destroy_f32(&mf);
        avloc_mfcc_destroy_f32(NULL);
    }
    f2 = fc; f2.n_mfcc = 41;
    CHECK(avloc_mfcc_query_f32(&f2, &b) == AVLOC_ERR_SIZE);
    f2 = fc; f2.lifter = AVLOC_LIFTER_HTK; f2.lifter_L = 0;
    CHECK(avloc_mfcc_query_f32(&f2, &b) == AVLOC_ERR_PARAM);
    s2 = sc; s2.stft.win_length = 401;
    CHECK(avloc_melspec_query_f32(&s2, &ob, &sb) == AVLOC_ERR_SIZE);
    s2 = sc; s2.power = 0;
    CHECK(avloc_melspec_query_f32(&s2, &ob, &sb) == AVLOC_ERR_PARAM);
    s2 = sc; s2.log = (avloc_log_kind)9;
    CHECK(avloc_melspec_query_f32(&s2, &ob, &sb) == AVLOC_ERR_PARAM);
    CHECK(avloc_melspec_query_f32(&sc, &ob, &sb) == AVLOC_OK);
    CHECK(avloc_melspec_init_f32(&m, &sc, g_obj, ob / 2) == AVLOC_ERR_WORKSPACE);
    CHECK(avloc_melspec_init_f32(&m, &sc, g_obj, ob) == AVLOC_OK);
    avloc_stft_frames(&sc.stft, 1000, &nf);
    {
        float *mel = (float *)malloc(nf * 128 * sizeof *mel), *xx = (float *)malloc(1000 * sizeof *xx);
        memcpy(xx, x, 1000 * sizeof *xx);
        CHECK(avloc_melspec_compute_f32(&m, xx, 1000, mel, nf, g_scr, sb / 2) == AVLOC_ERR_WORKSPACE);
        CHECK(avloc_melspec_compute_f32(&m, xx, 1000, mel, nf + 1, g_scr, sb) == AVLOC_ERR_SIZE);
        CHECK(avloc_melspec_mfcc_f32(&m, xx, 1000, mel, mel, nf, g_scr, sb) == AVLOC_ERR_STATE); /* n_mfcc 0 */
        xx[10] = (float)HUGE_VAL;
        CHECK(avloc_melspec_compute_f32(&m, xx, 1000, mel, nf, g_scr, sb) == AVLOC_ERR_NONFINITE);
        CHECK(avloc_melspec_compute_f32(&m, NULL, 1000, mel, nf, g_scr, sb) == AVLOC_ERR_NULL);
        avloc_melspec_destroy_f32(&m);
        xx[10] = 0.0f;
        CHECK(avloc_melspec_compute_f32(&m, xx, 1000, mel, nf, g_scr, sb) == AVLOC_ERR_STATE);
        {   /* too little memory for the filterbank after the STFT: zeroed, FFTW plans released */
            static avloc_melspec_f32 zero; /* zero-filled (const would need an initialiser in C++) */
            size_t ob2 = 0, sb2 = 0, stb = 0;
            avloc_stft_query_f32(&sc.stft, &stb, &sb2);
            avloc_melspec_query_f32(&sc, &ob2, &sb2);
            memset(&m, 0x5a, sizeof m);
            CHECK(avloc_melspec_init_f32(&m, &sc, g_obj, stb + (ob2 - stb) / 2) == AVLOC_ERR_WORKSPACE);
            CHECK(memcmp(&m, &zero, sizeof m) == 0);
        }
        free(mel); free(xx);
    }
    (void)n;
}

/* Streaming log-mel / MFCC against the one-shot call on the whole signal
   (center = 0), pushed in uneven blocks with a small frame budget so every
   stop-early path runs; top_db < 0: the same values frame for frame. With
   top_db the clip follows the running max: equal to the one-shot clip once
   the loudest frame has passed, never above it before. */
static void stream_vs_oneshot(const float *x, size_t n, avloc_log_kind log, float top_db, int with_mfcc)
{
    avloc_melspec_config cfg = avloc_melspec_config_torchaudio_mfcc();
    avloc_melspec_f32 m;
    avloc_melspec_stream_f32 st;
    static unsigned char smem[1 << 14], sscr[1 << 16];
    size_t nf = 0, sb = 0, scb = 0, got = 0, pos = 0, blk = 0, i, nm, nc;
    float *one_l, *one_c, *str_l, *str_c;
    double e = 0.0, emf = 0.0;
    static const size_t blocks[] = {1, 7, 160, 399, 1000, 37, 2500};
    cfg.stft.center = 0;
    cfg.log = log;
    cfg.top_db = top_db;
    if (!with_mfcc) cfg.n_mfcc = 0;
    nm = cfg.n_mels; nc = cfg.n_mfcc;
    if (!make_melspec(&m, &cfg) || avloc_stft_frames(&cfg.stft, n, &nf) != AVLOC_OK) { CHECK(0); return; }
    one_l = (float *)malloc(nf * nm * sizeof(float)); str_l = (float *)malloc(nf * nm * sizeof(float));
    one_c = (float *)malloc(nf * 40 * sizeof(float)); str_c = (float *)malloc(nf * 40 * sizeof(float));
    if (!one_l || !str_l || !one_c || !str_c) { CHECK(0); goto out; }
    if (with_mfcc) CHECK(avloc_melspec_mfcc_f32(&m, x, n, one_l, one_c, nf, g_scr, m.scratch_bytes) == AVLOC_OK);
    else CHECK(avloc_melspec_compute_f32(&m, x, n, one_l, nf, g_scr, m.scratch_bytes) == AVLOC_OK);
    CHECK(avloc_melspec_stream_query_f32(&m, &sb, &scb) == AVLOC_OK && sb <= sizeof smem && scb <= sizeof sscr);
    CHECK(avloc_melspec_stream_init_f32(&st, &m, smem, sb - 1) == AVLOC_ERR_WORKSPACE);
    CHECK(avloc_melspec_stream_init_f32(&st, &m, smem, sb) == AVLOC_OK);
    while (pos < n && got < nf) {
        size_t want = blocks[blk++ % 7], k = want < n - pos ? want : n - pos, made = 0, used = 0;
        size_t budget = (blk % 3) + 0; /* 0, 1 or 2 frames per call */
        avloc_result r = avloc_melspec_stream_push_f32(&st, x + pos, k, str_l + got * nm,
                                                       with_mfcc ? str_c + got * nc : NULL,
                                                       budget < nf - got ? budget : nf - got,
                                                       &made, &used, sscr, scb);
        if (r != AVLOC_OK) { CHECK_MSG(0, "stream push: %s", avloc_result_str(r)); break; }
        pos += used;
        got += made;
    }
    CHECK_EQ_INT(got, nf);
    for (i = 0; i < got * nm; i++) {
        double d = fabs((double)str_l[i] - one_l[i]);
        if (top_db >= 0) d = str_l[i] > one_l[i] + 1e-4 ? 1.0 : 0.0; /* the running max clips less, never more */
        e = d > e ? d : e;
    }
    for (i = 0; with_mfcc && top_db < 0 && i < got * nc; i++) emf = fmax(emf, fabs((double)str_c[i] - one_c[i]));
    CHECK_MSG(e <= 1e-6 * (log == AVLOC_LOG_NONE ? 1e4 : 1.0), "stream vs one-shot log-mel (log %d, top_db %g): %g", (int)log, top_db, e);
    CHECK_MSG(emf <= 1e-6, "stream vs one-shot MFCC: %g", emf);
    if (top_db >= 0 && got > 0) { /* after the loudest frame the running clip is the one-shot clip */
        size_t t, loud = 0;
        float mx = -FLT_MAX;
        for (i = 0; i < nf * nm; i++) if (one_l[i] > mx) { mx = one_l[i]; loud = i / nm; }
        for (t = loud, e = 0.0; t < nf; t++)
            for (i = 0; i < nm; i++) e = fmax(e, fabs((double)str_l[t * nm + i] - one_l[t * nm + i]));
        CHECK_MSG(e <= 1e-6, "stream after the loudest frame vs one-shot top_db clip: %g dB", e);
    }
    CHECK(avloc_melspec_stream_reset_f32(&st) == AVLOC_OK && st.stft.frames == 0);
    avloc_melspec_stream_destroy_f32(&st);
    CHECK(st.m == NULL);
out:
    free(one_l); free(one_c); free(str_l); free(str_c);
}

static void test_stream(const float *x, size_t n)
{
    avloc_melspec_stream_f32 st;
    float row[128];
    size_t made = 1, used = 1;
    stream_vs_oneshot(x, n, AVLOC_LOG_NONE, -1.0f, 0);
    stream_vs_oneshot(x, n, AVLOC_LOG_LN, -1.0f, 0);
    stream_vs_oneshot(x, n, AVLOC_LOG_DB, -1.0f, 1);
    stream_vs_oneshot(x, n, AVLOC_LOG_DB, 30.0f, 1);
    memset(&st, 0, sizeof st);
    CHECK(avloc_melspec_stream_push_f32(&st, x, 10, row, NULL, 1, &made, &used, g_scr, sizeof g_scr) == AVLOC_ERR_STATE);
    CHECK(made == 0 && used == 0);
}

/* avloc_log_f32 and the dB map are float (no double libm on a Cortex-M4F):
   against double log / log10 over 1e-44 .. 1e38 (subnormals included,
   with amin and eps below FLT_MIN) and around 1, within 3e-7 relative
   (about 3 ulps; measured 2.4 and 3.9 ulps) plus 1e-8 absolute. */
static void test_log_accuracy(void)
{
    enum { N = 20000 };
    static float x[N], y[N];
    double worst_ln = 0.0, worst_db = 0.0;
    size_t i;
#ifdef __FAST_MATH__
    /* gcc -ffast-math links crtfastmath (flush-to-zero, denormals-are-zero):
       no subnormal exists there, an amin of 1e-45 reads as 0 (refused) */
    const float amin = 1.17549435e-38f;
    const double lo = -37.9, span = 75.9;
    /* a normal amin takes the SIMD dB kernel: its log2 is within 1e-5 dB
       absolute (3.6e-6 relative at -1.5 dB), not the scalar path's 3e-7 */
    const double db_abs = 1e-5;
#else
    const float amin = 1e-45f;
    const double lo = -44.0, span = 82.0;
    const double db_abs = 1e-8;
#endif
    for (i = 0; i < N - 64; i++) x[i] = (float)pow(10.0, lo + span * (double)i / (double)(N - 64));
    for (i = 0; i < 64; i++) x[N - 64 + i] = 1.0f + ((float)i - 32.0f) * 1.1920929e-7f; /* 1 +- k ulps */
    CHECK_EQ_INT(avloc_log_f32(x, N, y, amin, 0), AVLOC_OK);
    for (i = 0; i < N; i++) {
        double v = x[i] > amin ? x[i] : amin, r = log(v), e = fabs(y[i] - r) / (3e-7 * fabs(r) + 1e-8);
        worst_ln = e > worst_ln ? e : worst_ln;
    }
    CHECK_EQ_INT(avloc_db_f32(x, N, y, 10.0f, 1.0f, amin, -1.0f), AVLOC_OK);
    for (i = 0; i < N; i++) {
        double v = x[i] > amin ? x[i] : amin, r = 10.0 * log10(v), e = fabs(y[i] - r) / (3e-7 * fabs(r) + db_abs);
        worst_db = e > worst_db ? e : worst_db;
    }
    printf("  float ln / dB against double: worst error %.2f / %.2f of the tolerance\n", worst_ln, worst_db);
    CHECK_MSG(worst_ln <= 1.0 && worst_db <= 1.0, "float ln / dB error %.2f / %.2f of the tolerance", worst_ln,
              worst_db);
}

int main(void)
{
    size_t n = 0;
    float *x = th_load_wav16("tests/data/dsp_speech16k.wav", &n);
    test_filterbanks();
    test_log_maps();
    test_log_accuracy();
    test_db_top_db_edges();
    CHECK(x != NULL && n == 24000);
    if (x) {
        test_torchaudio(x, n);
        test_librosa(x, n);
        test_stream(x, n);
        test_bad_input(x, n);
    }
    free(x);
    release_live();
    return th_finish("mel");
}
