/* MCU-ready constant tables (tools/gen_tables.c -> tests/tables_*.h): the
   objects avloc_mel_init_tables_f32 / avloc_mfcc_init_tables_f32 make from
   the committed tables are bit-identical to the computed ones (which
   test_mel checks against librosa/torchaudio), and so are their outputs;
   the windows equal avloc_window_f32 and the STFT's padded window, and the
   STFT, binaural plan and GCC-PHAT objects made from a window table give
   bit-identical windows and outputs (a full-frame table is pointed at, not
   copied); the table inits refuse inconsistent tables. Two configurations: torchaudio-
   like (HTK, no norm, periodic Hann) and librosa-like (Slaney scale and
   norm, HTK lifter, symmetric Hamming shorter than n_fft).
   FFT plans from recorded roots (avloc_fft_record_tables_f32 /
   avloc_fft_init_tables_f32) are byte for byte the computed plans, for every
   algorithm (direct passes, Rader, Bluestein, real even / odd, nested);
   the committed tables_fft.h (vector width 1) is checked in builds of that
   width (AVLOC_NO_SIMD). */
#ifndef AVLOC_TEST_SHARED_IMPL /* else the Makefile links the library's objects (tests/impl/) */
#define AVLOC_IMPLEMENTATION
#endif
#include "../avloc_dsp.h"
#include "harness.h"
#include "tables_ta.h"
#include "tables_lr.h"
#include "tables_fft.h"

typedef struct tt_case {
    const char *name;
    const avloc_mel_tables *mel;
    const avloc_mfcc_tables *mfcc;
    const float *window;
    const avloc_window_table *window_table;
    size_t win_length;
    avloc_window window_type;
    int periodic;
    avloc_mel_config want_mel; /* the configuration, stated independently of the tables */
    avloc_mfcc_config want_mfcc;
} tt_case;

static float tt_rand(unsigned *s)
{
    *s = *s * 1664525u + 1013904223u;
    return (float)(*s >> 8) / 16777216.0f;
}

static int tt_same_mel_cfg(const avloc_mel_config *a, const avloc_mel_config *b)
{
    return a->sample_rate == b->sample_rate && a->n_fft == b->n_fft && a->n_mels == b->n_mels &&
           a->fmin == b->fmin && a->fmax == b->fmax && a->scale == b->scale && a->norm == b->norm;
}

/* Equal bits. A -ffast-math build computes the tables with reassociated double
   arithmetic, so there it can only match the committed (IEEE-built) tables to
   float rounding: a firmware that wants bit identity builds the generator with
   its own flags (tools/gen_tables.c). */
static int tt_same(const float *a, const float *b, size_t n)
{
#ifdef __FAST_MATH__
    double e = 0.0, m = 0.0;
    size_t i;
    for (i = 0; i < n; i++) {
        double d = fabs((double)a[i] - (double)b[i]);
        e = d > e ? d : e;
        m = fabs((double)b[i]) > m ? fabs((double)b[i]) : m;
    }
    return e <= 1e-6 * m;
#else
    return memcmp(a, b, n * sizeof(float)) == 0;
#endif
}

/* The table object equals the computed one, member by member and bit by bit. */
static void tt_mel_objects(const tt_case *c, const avloc_mel_f32 *computed, const avloc_mel_f32 *table)
{
    const size_t nm = computed->n_mels;
    CHECK_EQ_INT(table->n_mels, computed->n_mels);
    CHECK_EQ_INT(table->n_bins, computed->n_bins);
#ifdef __FAST_MATH__
    {   /* -ffast-math: the computed support may gain or lose a weight at float
           rounding level; the dense filterbanks must still agree */
        size_t n = nm * computed->n_bins;
        float *a = (float *)malloc(n * sizeof(float)), *b = (float *)malloc(n * sizeof(float));
        CHECK(a && b && avloc_mel_dense_f32(table, a, n) == AVLOC_OK && avloc_mel_dense_f32(computed, b, n) == AVLOC_OK &&
              tt_same(a, b, n));
        free(a);
        free(b);
        return;
    }
#endif
    CHECK_EQ_INT(table->nnz, computed->nnz);
    if (table->nnz != computed->nnz || table->n_mels != nm) return;
    CHECK_MSG(memcmp(table->start, computed->start, nm * sizeof(size_t)) == 0, "%s: mel start", c->name);
    CHECK_MSG(memcmp(table->count, computed->count, nm * sizeof(size_t)) == 0, "%s: mel count", c->name);
    CHECK_MSG(memcmp(table->offset, computed->offset, nm * sizeof(size_t)) == 0, "%s: mel offset", c->name);
    CHECK_MSG(tt_same(table->weights, computed->weights, computed->nnz), "%s: mel weights",
              c->name);
    /* the object reads the flash tables themselves, no copy */
    CHECK(table->weights == c->mel->weights && table->start == c->mel->start);
}

static void tt_mfcc_objects(const tt_case *c, const avloc_mfcc_f32 *computed, const avloc_mfcc_f32 *table)
{
    CHECK_EQ_INT(table->n_mels, computed->n_mels);
    CHECK_EQ_INT(table->n_mfcc, computed->n_mfcc);
    if (table->n_mels != computed->n_mels || table->n_mfcc != computed->n_mfcc) return;
    CHECK_MSG(tt_same(table->dct, computed->dct, computed->n_mfcc * computed->n_mels),
              "%s: DCT", c->name);
    CHECK_MSG(tt_same(table->lift, computed->lift, computed->n_mfcc), "%s: lifter", c->name);
}

/* mel, log, MFCC and the MFCC inverse through both objects: identical bits. */
static void tt_outputs(const tt_case *c, const avloc_mel_f32 *mc, const avloc_mel_f32 *mt,
                       const avloc_mfcc_f32 *fc, const avloc_mfcc_f32 *ft)
{
    enum { T = 3 };
    const size_t nb = mc->n_bins, nm = mc->n_mels, nk = fc->n_mfcc;
    float *spec = (float *)malloc(T * nb * sizeof(float));
    float *m1 = (float *)malloc(T * nm * sizeof(float)), *m2 = (float *)malloc(T * nm * sizeof(float));
    float *c1 = (float *)malloc(T * nk * sizeof(float)), *c2 = (float *)malloc(T * nk * sizeof(float));
    unsigned s = 12345u;
    size_t i;
    double energy = 0.0;
    for (i = 0; i < T * nb; i++) spec[i] = tt_rand(&s) * tt_rand(&s) * 4.0f;
    CHECK_EQ_INT(avloc_mel_apply_f32(mc, spec, T, m1), AVLOC_OK);
    CHECK_EQ_INT(avloc_mel_apply_f32(mt, spec, T, m2), AVLOC_OK);
    CHECK_MSG(tt_same(m1, m2, T * nm), "%s: mel outputs differ", c->name);
    for (i = 0; i < T * nm; i++) energy += m1[i];
    CHECK(energy > 0.0); /* the comparison above saw real values */
    CHECK_EQ_INT(avloc_log_f32(m1, T * nm, m1, 1e-6f, 1), AVLOC_OK);
    CHECK_EQ_INT(avloc_mfcc_apply_f32(fc, m1, T, c1), AVLOC_OK);
    CHECK_EQ_INT(avloc_mfcc_apply_f32(ft, m1, T, c2), AVLOC_OK);
    CHECK_MSG(tt_same(c1, c2, T * nk), "%s: MFCC outputs differ", c->name);
    CHECK_EQ_INT(avloc_mfcc_invert_f32(fc, c1, T, m1), AVLOC_OK);
    CHECK_EQ_INT(avloc_mfcc_invert_f32(ft, c1, T, m2), AVLOC_OK);
    CHECK_MSG(tt_same(m1, m2, T * nm), "%s: MFCC inverse differs", c->name);
    free(spec); free(m1); free(m2); free(c1); free(c2);
}

static void tt_stft_table(const tt_case *c, const avloc_stft_config *sc, const avloc_stft_f32 *st, size_t ob,
                          size_t sb);

/* The window table is avloc_window_f32's, and the STFT's centred padded window. */
static void tt_window(const tt_case *c)
{
    float *w = (float *)malloc(c->win_length * sizeof(float));
    avloc_stft_config sc = avloc_stft_config_default();
    avloc_stft_f32 st;
    size_t ob = 0, sb = 0;
    void *mem;
    CHECK_EQ_INT(avloc_window_f32(c->window_type, c->periodic, w, c->win_length), AVLOC_OK);
    CHECK_MSG(tt_same(w, c->window, c->win_length), "%s: window", c->name);
    sc.n_fft = c->mel->cfg.n_fft;
    sc.win_length = c->win_length;
    sc.window = c->window_type;
    sc.periodic = c->periodic;
    CHECK_EQ_INT(avloc_stft_query_f32(&sc, &ob, &sb), AVLOC_OK);
    mem = malloc(ob);
    CHECK_EQ_INT(avloc_stft_init_f32(&st, &sc, mem, ob), AVLOC_OK);
    CHECK_MSG(tt_same(st.window + (sc.n_fft - c->win_length) / 2, c->window, c->win_length),
              "%s: STFT window", c->name);
    tt_stft_table(c, &sc, &st, ob, sb);
    avloc_stft_destroy_f32(&st);
    free(mem);
    free(w);
}

/* An STFT made from the window table: the same padded window and the same
   spectra bit for bit as the computed one (st); pointed at when it fills the
   frame. */
static void tt_stft_table(const tt_case *c, const avloc_stft_config *sc, const avloc_stft_f32 *st, size_t ob,
                          size_t sb)
{
    const size_t n = 4000, nb = sc->n_fft / 2 + 1;
    avloc_stft_f32 tb;
    avloc_stft_config bad = *sc;
    size_t T = 0, i;
    unsigned seed = 7u;
    void *mem = malloc(ob), *scr = malloc(sb);
    float *x = (float *)malloc(n * sizeof *x);
    avloc_complex_f32 *s1, *s2;
    for (i = 0; i < n; i++) x[i] = tt_rand(&seed) - 0.5f;
    CHECK_EQ_INT(avloc_stft_frames(sc, n, &T), AVLOC_OK);
    s1 = (avloc_complex_f32 *)malloc(T * nb * sizeof *s1);
    s2 = (avloc_complex_f32 *)malloc(T * nb * sizeof *s2);
    CHECK_EQ_INT(avloc_stft_init_tables_f32(&tb, sc, c->window_table, mem, ob), AVLOC_OK);
    CHECK_MSG(tt_same(tb.window, st->window, sc->n_fft), "%s: table STFT window", c->name);
    CHECK_MSG((tb.window == c->window) == (c->win_length == sc->n_fft), "%s: table pointed at when full", c->name);
    CHECK_EQ_INT(avloc_stft_forward_f32(st, x, n, s1, T, scr, sb), AVLOC_OK);
    CHECK_EQ_INT(avloc_stft_forward_f32(&tb, x, n, s2, T, scr, sb), AVLOC_OK);
    CHECK_MSG(memcmp(s1, s2, T * nb * sizeof *s1) == 0, "%s: table STFT spectra", c->name);
    avloc_stft_destroy_f32(&tb);
    /* a table made for another window, symmetry or length is refused */
    bad.periodic = !sc->periodic;
    CHECK_EQ_INT(avloc_stft_init_tables_f32(&tb, &bad, c->window_table, mem, ob), AVLOC_ERR_PARAM);
    CHECK(tb.window == NULL);
    bad = *sc;
    bad.window = sc->window == AVLOC_WINDOW_HANN ? AVLOC_WINDOW_HAMMING : AVLOC_WINDOW_HANN;
    CHECK_EQ_INT(avloc_stft_init_tables_f32(&tb, &bad, c->window_table, mem, ob), AVLOC_ERR_PARAM);
    bad = *sc;
    bad.win_length = sc->win_length - 2;
    CHECK_EQ_INT(avloc_stft_init_tables_f32(&tb, &bad, c->window_table, mem, ob), AVLOC_ERR_PARAM);
    CHECK_EQ_INT(avloc_stft_init_tables_f32(&tb, sc, NULL, mem, ob), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_stft_init_tables_f32(&tb, sc, c->window_table, mem, 16), AVLOC_ERR_WORKSPACE);
    CHECK(tb.window == NULL);
    free(mem); free(scr); free(x); free(s1); free(s2);
}

static void tt_case_run(const tt_case *c)
{
    avloc_mel_f32 mc, mt;
    avloc_mfcc_f32 fc, ft;
    size_t mb = 0, fb = 0;
    void *mmem, *fmem;
    CHECK_MSG(tt_same_mel_cfg(&c->mel->cfg, &c->want_mel), "%s: mel configuration of the tables", c->name);
    CHECK(c->mfcc->cfg.n_mels == c->want_mfcc.n_mels && c->mfcc->cfg.n_mfcc == c->want_mfcc.n_mfcc &&
          c->mfcc->cfg.lifter == c->want_mfcc.lifter && c->mfcc->cfg.lifter_L == c->want_mfcc.lifter_L);
    CHECK_EQ_INT(avloc_mel_query_f32(&c->want_mel, &mb), AVLOC_OK);
    CHECK_EQ_INT(avloc_mfcc_query_f32(&c->want_mfcc, &fb), AVLOC_OK);
    mmem = malloc(mb);
    fmem = malloc(fb);
    CHECK_EQ_INT(avloc_mel_init_f32(&mc, &c->want_mel, mmem, mb), AVLOC_OK);
    CHECK_EQ_INT(avloc_mfcc_init_f32(&fc, &c->want_mfcc, fmem, fb), AVLOC_OK);
    CHECK_EQ_INT(avloc_mel_init_tables_f32(&mt, c->mel), AVLOC_OK);
    CHECK_EQ_INT(avloc_mfcc_init_tables_f32(&ft, c->mfcc), AVLOC_OK);
    tt_mel_objects(c, &mc, &mt);
    tt_mfcc_objects(c, &fc, &ft);
    tt_outputs(c, &mc, &mt, &fc, &ft);
    tt_window(c);
    free(mmem);
    free(fmem);
}

/* Inconsistent or missing tables are refused and leave a zeroed object. */
static void tt_bad_tables(void)
{
    const avloc_mel_tables *g = &tables_ta_mel;
    const size_t nm = g->cfg.n_mels;
    size_t start[64], count[64], offset[64];
    avloc_mel_tables t;
    avloc_mel_f32 mel;
    avloc_mfcc_tables ft;
    avloc_mfcc_f32 mf;
    float spec[201], out[40];
    memset(spec, 0, sizeof spec);
    CHECK_EQ_INT(avloc_mel_init_tables_f32(NULL, g), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_mel_init_tables_f32(&mel, NULL), AVLOC_ERR_NULL);
    memcpy(start, g->start, nm * sizeof *start);
    memcpy(count, g->count, nm * sizeof *count);
    memcpy(offset, g->offset, nm * sizeof *offset);
    t = *g;
    t.start = start; t.count = count; t.offset = offset;
    CHECK_EQ_INT(avloc_mel_init_tables_f32(&mel, &t), AVLOC_OK); /* the copy itself is fine */
    t.weights = NULL;
    CHECK_EQ_INT(avloc_mel_init_tables_f32(&mel, &t), AVLOC_ERR_NULL);
    t.weights = g->weights;
    t.nnz = g->nnz + 1;
    CHECK_EQ_INT(avloc_mel_init_tables_f32(&mel, &t), AVLOC_ERR_FORMAT);
    t.nnz = g->nnz;
    offset[3] += 1;
    CHECK_EQ_INT(avloc_mel_init_tables_f32(&mel, &t), AVLOC_ERR_FORMAT);
    offset[3] -= 1;
    start[nm - 1] = g->cfg.n_fft / 2 + 1 - count[nm - 1] + 1; /* last band past the spectrum */
    CHECK_EQ_INT(avloc_mel_init_tables_f32(&mel, &t), AVLOC_ERR_FORMAT);
    CHECK(mel.weights == NULL);
    CHECK_EQ_INT(avloc_mel_apply_f32(&mel, spec, 1, out), AVLOC_ERR_STATE);
    start[nm - 1] = g->start[nm - 1];
    count[0] = (size_t)-1; /* a count that would overflow the running sum */
    CHECK_EQ_INT(avloc_mel_init_tables_f32(&mel, &t), AVLOC_ERR_FORMAT);
    count[0] = g->count[0];
    t.cfg.n_mels = 0;
    CHECK_EQ_INT(avloc_mel_init_tables_f32(&mel, &t), AVLOC_ERR_SIZE);
    t.cfg.n_mels = nm;
    t.cfg.fmax = t.cfg.fmin;
    CHECK_EQ_INT(avloc_mel_init_tables_f32(&mel, &t), AVLOC_ERR_PARAM);

    ft = tables_ta_mfcc;
    CHECK_EQ_INT(avloc_mfcc_init_tables_f32(NULL, &ft), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_mfcc_init_tables_f32(&mf, NULL), AVLOC_ERR_NULL);
    ft.lift = NULL;
    CHECK_EQ_INT(avloc_mfcc_init_tables_f32(&mf, &ft), AVLOC_ERR_NULL);
    ft.lift = tables_ta_mfcc.lift;
    ft.cfg.n_mfcc = ft.cfg.n_mels + 1;
    CHECK_EQ_INT(avloc_mfcc_init_tables_f32(&mf, &ft), AVLOC_ERR_SIZE);
    CHECK(mf.dct == NULL);
    CHECK_EQ_INT(avloc_mfcc_apply_f32(&mf, out, 1, spec), AVLOC_ERR_STATE);
}

/* The configurations, written out independently of the generated tables. */
static const tt_case tt_cases[2] = {
    {"torchaudio-like", &tables_ta_mel, &tables_ta_mfcc, tables_ta_window, &tables_ta_window_table, TABLES_TA_WINDOW_LENGTH,
     AVLOC_WINDOW_HANN, 1, {16000.0f, 400, 40, 0.0f, 8000.0f, AVLOC_MEL_HTK, AVLOC_MEL_NORM_NONE, AVLOC_MEL_BINS_TORCHAUDIO},
     {40, 13, AVLOC_LIFTER_NONE, 22.0f}},
    {"librosa-like", &tables_lr_mel, &tables_lr_mfcc, tables_lr_window, &tables_lr_window_table, TABLES_LR_WINDOW_LENGTH,
     AVLOC_WINDOW_HAMMING, 0, {22050.0f, 512, 64, 20.0f, 11025.0f, AVLOC_MEL_SLANEY, AVLOC_MEL_NORM_SLANEY, AVLOC_MEL_BINS_FFT},
     {64, 20, AVLOC_LIFTER_HTK, 22.0f}},
};

/* The binaural plan and GCC-PHAT from a window table (periodic Hann, 400
   taps): the table is pointed at, features and delays bit-identical to the
   computed objects'; a symmetric or short table is refused. */
static void tt_binaural_gcc_tables(void)
{
    const size_t n = 16000;
    avloc_binaural_config bc = avloc_binaural_config_default();
    avloc_gcc_config gc = avloc_gcc_config_default();
    avloc_binaural_plan_f32 p1, p2;
    avloc_gcc_f32 g1, g2;
    size_t pb = 0, sb = 0, nf = 0, D, i, na1 = 0, na2 = 0, ob = 0, gsb = 0;
    unsigned seed = 11u;
    float *L = (float *)malloc(n * sizeof *L), *R = (float *)malloc(n * sizeof *R), *f1, *f2;
    float d1[64], d2[64], k1[64], k2[64];
    unsigned char *m1, *m2;
    void *mem1, *mem2, *scr;
    for (i = 0; i < n; i++) { L[i] = tt_rand(&seed) - 0.5f; R[i] = i >= 3 ? 0.8f * L[i - 3] : 0.0f; }
    bc.n_fft = TABLES_TA_WINDOW_LENGTH;
    bc.n_bins = bc.n_fft / 2;
    D = 3 * bc.n_bins;
    CHECK_EQ_INT(avloc_binaural_frames(&bc, n, &nf), AVLOC_OK);
    CHECK_EQ_INT(avloc_binaural_plan_query_f32(&bc, &pb), AVLOC_OK);
    CHECK_EQ_INT(avloc_binaural_plan_scratch_f32(&bc, n, &sb), AVLOC_OK);
    mem1 = malloc(pb); mem2 = malloc(pb); scr = malloc(sb);
    f1 = (float *)malloc(nf * D * sizeof *f1); f2 = (float *)malloc(nf * D * sizeof *f2);
    m1 = (unsigned char *)malloc(nf * D); m2 = (unsigned char *)malloc(nf * D);
    CHECK_EQ_INT(avloc_binaural_plan_init_f32(&p1, &bc, mem1, pb), AVLOC_OK);
    CHECK_EQ_INT(avloc_binaural_plan_init_tables_f32(&p2, &bc, &tables_ta_window_table, mem2, pb), AVLOC_OK);
    CHECK(p2.stft.window == tables_ta_window);
    CHECK_EQ_INT(avloc_binaural_plan_features_f32(&p1, L, R, n, f1, m1, nf, &na1, scr, sb), AVLOC_OK);
    CHECK_EQ_INT(avloc_binaural_plan_features_f32(&p2, L, R, n, f2, m2, nf, &na2, scr, sb), AVLOC_OK);
    CHECK(na1 == na2 && na1 > 0 && memcmp(f1, f2, nf * D * sizeof *f1) == 0 && memcmp(m1, m2, nf * D) == 0);
    avloc_binaural_plan_destroy_f32(&p2);
    CHECK_EQ_INT(avloc_binaural_plan_init_tables_f32(&p2, &bc, &tables_lr_window_table, mem2, pb), AVLOC_ERR_PARAM);
    CHECK(p2.stft.window == NULL);
    CHECK_EQ_INT(avloc_binaural_plan_init_tables_f32(&p2, &bc, NULL, mem2, pb), AVLOC_ERR_NULL);
    avloc_binaural_plan_destroy_f32(&p1);

    gc.frame_length = TABLES_TA_WINDOW_LENGTH;
    gc.n_fft = 512;
    gc.hop = 400;
    CHECK_EQ_INT(avloc_gcc_query_f32(&gc, &ob, &gsb), AVLOC_OK);
    free(mem1); free(mem2); free(scr);
    mem1 = malloc(ob); mem2 = malloc(ob); scr = malloc(gsb);
    CHECK_EQ_INT(avloc_gcc_init_f32(&g1, &gc, mem1, ob), AVLOC_OK);
    CHECK_EQ_INT(avloc_gcc_init_tables_f32(&g2, &gc, &tables_ta_window_table, mem2, ob), AVLOC_OK);
    CHECK(g2.window == tables_ta_window && tt_same(g1.window, g2.window, gc.frame_length));
    CHECK_EQ_INT(avloc_gcc_frames(&gc, n, &nf), AVLOC_OK);
    CHECK(nf <= 64);
    CHECK_EQ_INT(avloc_gcc_delays_f32(&g1, L, R, n, d1, k1, nf, scr, gsb), AVLOC_OK);
    CHECK_EQ_INT(avloc_gcc_delays_f32(&g2, L, R, n, d2, k2, nf, scr, gsb), AVLOC_OK);
    CHECK(memcmp(d1, d2, nf * sizeof *d1) == 0 && memcmp(k1, k2, nf * sizeof *k1) == 0);
    CHECK(fabsf(d1[1] - 3.0f) < 0.05f); /* the delay is there (right lags left by 3) */
    avloc_gcc_destroy_f32(&g2);
    CHECK_EQ_INT(avloc_gcc_init_tables_f32(&g2, &gc, &tables_lr_window_table, mem2, ob), AVLOC_ERR_PARAM);
    CHECK(g2.window == NULL);
    CHECK_EQ_INT(avloc_gcc_init_tables_f32(&g2, &gc, NULL, mem2, ob), AVLOC_ERR_NULL);
    gc.max_lag = 0;
    CHECK_EQ_INT(avloc_gcc_init_tables_f32(&g2, &gc, &tables_ta_window_table, mem2, ob), AVLOC_ERR_PARAM);
    avloc_gcc_destroy_f32(&g1);
    free(mem1); free(mem2); free(scr); free(L); free(R); free(f1); free(f2); free(m1); free(m2);
}

/* The roots a real n-point plan computes, recorded here (this build's
   vector width) into t; *w holds them (free it). 0 with FFTW (no tables). */
static int tt_record_real(size_t n, avloc_fft_tables *t, avloc_complex_f32 **w)
{
    size_t pb = 0, cnt = 0;
    void *mem;
    *w = NULL;
#ifdef AVLOC_USE_FFTW3
    (void)n; (void)t; (void)pb; (void)cnt; (void)mem;
    return 0;
#else
    if (avloc_fft_query_f32(th_fftc(n, AVLOC_FFT_REAL), &pb, NULL) != AVLOC_OK || !(mem = malloc(pb))) return 0;
    avloc_fft_record_tables_f32(th_fftc(n, AVLOC_FFT_REAL), mem, pb, NULL, 0, &cnt);
    *w = (avloc_complex_f32 *)malloc((cnt ? cnt : 1) * sizeof **w);
    if (*w && avloc_fft_record_tables_f32(th_fftc(n, AVLOC_FFT_REAL), mem, pb, *w, cnt, &cnt) != AVLOC_OK) { free(*w); *w = NULL; }
    free(mem);
    t->n = n;
    t->kind = AVLOC_FFT_REAL;
    t->vw = avloc_fft_tables_vw();
    t->count = cnt;
    t->roots = *w;
    return *w != NULL;
#endif
}

/* Inits object `kind` (0 STFT, 1 binaural plan, 2 GCC-PHAT) of cfg with
   window table w in mem; obj must hold that object. */
static avloc_result tt_init_object(int kind, void *obj, const void *cfg, const avloc_window_table *w, void *mem,
                                   size_t pb)
{
    if (kind == 0) return avloc_stft_init_tables_f32((avloc_stft_f32 *)obj, (const avloc_stft_config *)cfg, w, mem, pb);
    if (kind == 1)
        return avloc_binaural_plan_init_tables_f32((avloc_binaural_plan_f32 *)obj, (const avloc_binaural_config *)cfg,
                                                   w, mem, pb);
    return avloc_gcc_init_tables_f32((avloc_gcc_f32 *)obj, (const avloc_gcc_config *)cfg, w, mem, pb);
}

/* The object made with `plain` (computed roots) and with `roots` (from
   tables), each in mem (pb bytes) filled with the same junk, is byte for
   byte the same, memory and struct. */
static void tt_same_object(int kind, const void *cfg, const avloc_window_table *plain,
                           const avloc_window_table *roots, unsigned char *mem, size_t pb, const char *what)
{
    union { avloc_stft_f32 s; avloc_binaural_plan_f32 b; avloc_gcc_f32 g; } o1, o2;
    unsigned char *keep = (unsigned char *)malloc(pb);
    memset(&o1, 0, sizeof o1);
    memset(&o2, 0, sizeof o2);
    memset(mem, 0x5a, pb);
    CHECK_EQ_INT(tt_init_object(kind, &o1, cfg, plain, mem, pb), AVLOC_OK);
    memcpy(keep, mem, pb);
    memset(mem, 0x5a, pb);
    CHECK_EQ_INT(tt_init_object(kind, &o2, cfg, roots, mem, pb), AVLOC_OK);
    CHECK_MSG(memcmp(keep, mem, pb) == 0 && memcmp(&o1, &o2, sizeof o1) == 0, "%s from FFT roots differs", what);
    free(keep);
}

/* The objects' FFT plans from roots tables (the window table's fft field):
   the STFT, binaural plan and GCC-PHAT made in the same junk-filled memory
   with and without the roots are byte for byte the same object, so their
   outputs are identical; roots for another length or kind are refused. */
static void tt_object_fft_tables(void)
{
    const size_t n = 4000, nfft = TABLES_TA_WINDOW_LENGTH;
    avloc_window_table wt = tables_ta_window_table, wf;
    avloc_fft_tables ft[2], bad;
    avloc_complex_f32 *w0 = NULL, *w1 = NULL;
    avloc_binaural_config bc = avloc_binaural_config_default();
    avloc_binaural_plan_f32 p1, p2;
    avloc_gcc_config gc = avloc_gcc_config_default();
    avloc_gcc_f32 g2;
    avloc_stft_config sc = avloc_stft_config_default();
    avloc_stft_f32 s2;
    size_t pb = 0, ob = 0, gsb = 0, tmp = 0, i;
    unsigned seed = 5u;
    unsigned char *mem1, *mem2;
    if (!tt_record_real(nfft, &ft[0], &w0)) { CHECK(w0 == NULL); return; }
    wt.fft = NULL;
    wf = wt;
    wf.fft = ft;
    bc.n_fft = nfft;
    bc.n_bins = nfft / 2;
    CHECK_EQ_INT(avloc_binaural_plan_query_f32(&bc, &pb), AVLOC_OK);
    sc.n_fft = nfft; sc.win_length = nfft;
    CHECK_EQ_INT(avloc_stft_query_f32(&sc, &ob, &tmp), AVLOC_OK);
    gc.frame_length = nfft; gc.n_fft = 512; gc.hop = 400; gc.upsample = 4;
    CHECK_EQ_INT(avloc_gcc_query_f32(&gc, &gsb, &tmp), AVLOC_OK);
    pb = pb > ob ? pb : ob;
    pb = pb > gsb ? pb : gsb;
    mem1 = (unsigned char *)malloc(pb); mem2 = (unsigned char *)malloc(pb);
    /* binaural plan and STFT */
    memset(mem1, 0x5a, pb); memset(mem2, 0x5a, pb);
    CHECK_EQ_INT(avloc_binaural_plan_init_tables_f32(&p1, &bc, &wt, mem1, pb), AVLOC_OK);
    CHECK_EQ_INT(avloc_binaural_plan_init_tables_f32(&p2, &bc, &wf, mem2, pb), AVLOC_OK);
    {   /* two buffers: the features must be bit-identical */
        float *x = (float *)malloc(n * sizeof *x), *y = (float *)malloc(n * sizeof *y);
        size_t nf = 0, sb = 0, D = 3 * bc.n_bins, na1 = 0, na2 = 0;
        float *f1, *f2;
        unsigned char *m1, *m2;
        void *scr;
        for (i = 0; i < n; i++) { x[i] = tt_rand(&seed) - 0.5f; y[i] = i >= 2 ? 0.7f * x[i - 2] : 0.0f; }
        CHECK_EQ_INT(avloc_binaural_frames(&bc, n, &nf), AVLOC_OK);
        CHECK_EQ_INT(avloc_binaural_plan_scratch_f32(&bc, n, &sb), AVLOC_OK);
        scr = malloc(sb);
        f1 = (float *)malloc(nf * D * sizeof *f1); f2 = (float *)malloc(nf * D * sizeof *f2);
        m1 = (unsigned char *)malloc(nf * D); m2 = (unsigned char *)malloc(nf * D);
        CHECK_EQ_INT(avloc_binaural_plan_features_f32(&p1, x, y, n, f1, m1, nf, &na1, scr, sb), AVLOC_OK);
        CHECK_EQ_INT(avloc_binaural_plan_features_f32(&p2, x, y, n, f2, m2, nf, &na2, scr, sb), AVLOC_OK);
        CHECK_MSG(na1 == na2 && na1 > 0 && memcmp(f1, f2, nf * D * sizeof *f1) == 0 && memcmp(m1, m2, nf * D) == 0,
                  "binaural features with FFT roots from the table differ (%zu / %zu active)", na1, na2);
        avloc_binaural_plan_destroy_f32(&p1);
        avloc_binaural_plan_destroy_f32(&p2);
        free(scr); free(f1); free(f2); free(m1); free(m2); free(x); free(y);
    }
    /* the same memory: computed roots, then the table's, byte for byte */
    {
        tt_same_object(0, &sc, &wt, &wf, mem1, pb, "STFT");
        tt_same_object(1, &bc, &wt, &wf, mem1, pb, "binaural plan");
        /* GCC-PHAT: two tables, n_fft then n_fft * upsample */
        CHECK(tt_record_real(gc.n_fft, &ft[0], &w1));
        free(w0);
        CHECK(tt_record_real(gc.n_fft * gc.upsample, &ft[1], &w0));
        tt_same_object(2, &gc, &wt, &wf, mem1, pb, "GCC-PHAT");
        /* refused: the tables swapped (another length), another kind */
        bad = ft[0]; ft[0] = ft[1]; ft[1] = bad;
        CHECK_EQ_INT(avloc_gcc_init_tables_f32(&g2, &gc, &wf, mem1, pb), AVLOC_ERR_PARAM);
        CHECK(g2.window == NULL);
        CHECK_EQ_INT(avloc_stft_init_tables_f32(&s2, &sc, &wf, mem1, pb), AVLOC_ERR_PARAM);
        CHECK_EQ_INT(avloc_binaural_plan_init_tables_f32(&p2, &bc, &wf, mem1, pb), AVLOC_ERR_PARAM);
        CHECK(p2.stft.window == NULL);
        bad = ft[1];
        bad.kind = AVLOC_FFT_COMPLEX;
        wf.fft = &bad;
        CHECK_EQ_INT(avloc_stft_init_tables_f32(&s2, &sc, &wf, mem1, pb), AVLOC_ERR_PARAM);
        bad = ft[0]; ft[0] = ft[1]; ft[1] = bad; /* back in order */
        ft[1].count--; /* a short table: avloc_fft_init_tables_f32's own check */
        wf.fft = ft;
        CHECK_EQ_INT(avloc_gcc_init_tables_f32(&g2, &gc, &wf, mem1, pb), AVLOC_ERR_FORMAT);
        CHECK(g2.window == NULL);
    }
    free(w0); free(w1); free(mem1); free(mem2);
}

/* The plan from t and the computed plan of its n and kind, each made in mem
   (pb bytes) filled with the same junk, are byte for byte the same. */
static void tt_fft_same_plan(const avloc_fft_tables *t, void *mem, size_t pb)
{
    unsigned char *before = (unsigned char *)malloc(pb);
    avloc_fft_f32 plan;
    memset(mem, 0xa5, pb);
    CHECK_EQ_INT(avloc_fft_init_f32(&plan, th_fftc(t->n, t->kind), mem, pb), AVLOC_OK);
    memcpy(before, mem, pb);
    memset(mem, 0xa5, pb);
    CHECK_EQ_INT(avloc_fft_init_tables_f32(&plan, t, mem, pb), AVLOC_OK);
    CHECK_MSG(memcmp(before, mem, pb) == 0, "fft n=%zu kind %d: plan from tables differs", t->n, (int)t->kind);
    free(before);
}

static void tt_fft_tables(void)
{
    /* direct (mixed radix, split, radix 7), real even, Rader (257: over 256;
       1009: over 1008), Bluestein (1103), real odd prime, nested sub-plans */
    static const size_t ns[] = {1, 2, 12, 512, 343, 1000, 257, 1009, 1103, 4099};
    size_t i, k;
    for (i = 0; i < sizeof ns / sizeof ns[0]; i++)
        for (k = 0; k < 2; k++) {
            avloc_fft_kind kind = k ? AVLOC_FFT_REAL : AVLOC_FFT_COMPLEX;
            size_t pb = 0, cnt = 0, cnt2 = 0;
            void *mem;
            avloc_complex_f32 *w;
            avloc_fft_tables t;
            avloc_fft_f32 plan;
            CHECK_EQ_INT(avloc_fft_query_f32(th_fftc(ns[i], kind), &pb, NULL), AVLOC_OK);
            mem = malloc(pb);
#ifdef AVLOC_USE_FFTW3
            CHECK_EQ_INT(avloc_fft_record_tables_f32(th_fftc(ns[i], kind), mem, pb, NULL, 0, &cnt), AVLOC_ERR_UNSUPPORTED);
            free(mem);
            continue;
#endif
            CHECK_EQ_INT(avloc_fft_record_tables_f32(th_fftc(ns[i], kind), mem, pb, NULL, 0, &cnt),
                         ns[i] > 1 ? AVLOC_ERR_WORKSPACE : AVLOC_OK);
            w = (avloc_complex_f32 *)malloc((cnt + 1) * sizeof *w);
            CHECK_EQ_INT(avloc_fft_record_tables_f32(th_fftc(ns[i], kind), mem, pb, w, cnt + 1, &cnt2), AVLOC_OK);
            CHECK(cnt2 == cnt);
            t.n = ns[i];
            t.kind = kind;
            t.vw = avloc_fft_tables_vw();
            t.count = cnt;
            t.roots = w;
            tt_fft_same_plan(&t, mem, pb);
            /* refused: another width, length or kind, a short or long table */
            t.vw = avloc_fft_tables_vw() + 1;
            CHECK_EQ_INT(avloc_fft_init_tables_f32(&plan, &t, mem, pb), AVLOC_ERR_PARAM);
            CHECK(plan.impl == NULL);
            t.vw = avloc_fft_tables_vw();
            if (cnt) {
                t.count = cnt - 1;
                CHECK_EQ_INT(avloc_fft_init_tables_f32(&plan, &t, mem, pb), AVLOC_ERR_FORMAT);
                CHECK(plan.impl == NULL);
            }
            t.count = cnt + 1;
            CHECK_EQ_INT(avloc_fft_init_tables_f32(&plan, &t, mem, pb), AVLOC_ERR_FORMAT);
            t.count = cnt;
            t.roots = NULL;
            if (cnt) CHECK_EQ_INT(avloc_fft_init_tables_f32(&plan, &t, mem, pb), AVLOC_ERR_NULL);
            CHECK_EQ_INT(avloc_fft_init_tables_f32(&plan, NULL, mem, pb), AVLOC_ERR_NULL);
            CHECK_EQ_INT(avloc_fft_init_tables_f32(&plan, &t, mem, 16), cnt ? AVLOC_ERR_NULL : AVLOC_ERR_WORKSPACE);
            free(w);
            free(mem);
        }
    /* the committed table (gen_tables --fft 512: width 1) in builds of its width */
    if (avloc_fft_tables_vw() == tables_fft_fft.vw) {
        size_t pb = 0;
        void *mem;
        CHECK_EQ_INT(avloc_fft_query_f32(th_fftc(tables_fft_fft.n, tables_fft_fft.kind), &pb, NULL), AVLOC_OK);
        mem = malloc(pb);
        tt_fft_same_plan(&tables_fft_fft, mem, pb);
        free(mem);
    } else {
        size_t pb = 0;
        void *mem;
        avloc_fft_f32 plan;
#ifdef AVLOC_USE_FFTW3
        const avloc_result want = AVLOC_ERR_UNSUPPORTED;
#else
        const avloc_result want = AVLOC_ERR_PARAM; /* another vector width */
#endif
        CHECK_EQ_INT(avloc_fft_query_f32(th_fftc(tables_fft_fft.n, tables_fft_fft.kind), &pb, NULL), AVLOC_OK);
        mem = malloc(pb);
        CHECK_EQ_INT(avloc_fft_init_tables_f32(&plan, &tables_fft_fft, mem, pb), want);
        free(mem);
    }
}

/* A melspec config matching table header tables (cfg of its mel and MFCC
   tables and window table), hop 160, centred, dB then MFCC when there is a
   DCT table. */
static avloc_melspec_config tt_melspec_cfg(const avloc_melspec_tables *t)
{
    avloc_melspec_config c = avloc_melspec_config_torchaudio_db();
    c.stft.n_fft = t->mel->cfg.n_fft;
    c.stft.hop = 160;
    c.stft.win_length = t->window->length;
    c.stft.window = t->window->type;
    c.stft.periodic = t->window->periodic;
    c.sample_rate = t->mel->cfg.sample_rate;
    c.n_mels = t->mel->cfg.n_mels;
    c.fmin = t->mel->cfg.fmin;
    c.fmax = t->mel->cfg.fmax;
    c.scale = t->mel->cfg.scale;
    c.norm = t->mel->cfg.norm;
    c.bins = t->mel->cfg.bins;
    c.top_db = 80.0f;
    c.n_mfcc = t->mfcc ? t->mfcc->cfg.n_mfcc : 0;
    c.lifter = t->mfcc ? t->mfcc->cfg.lifter : AVLOC_LIFTER_NONE;
    c.lifter_L = t->mfcc ? t->mfcc->cfg.lifter_L : 22.0f;
    return c;
}

/* The mel spectrogram made from tables (avloc_melspec_init_tables_f32:
   window, filterbank, DCT, and FFT roots when the window table has them)
   gives the log-mel and MFCC of the computed object bit for bit (the
   filterbank and DCT pointed at, not copied), for the three committed
   configurations; the FFT roots recorded in this build's vector width so
   that every build checks them. Inconsistent tables refused. */
static void tt_melspec_tables(const avloc_melspec_tables *tab, const char *what)
{
    const size_t n = 6000;
    avloc_melspec_config c = tt_melspec_cfg(tab);
    avloc_melspec_tables t = *tab;
    avloc_window_table w = *tab->window;
    avloc_fft_tables ft;
    avloc_complex_f32 *roots = NULL;
    avloc_melspec_f32 m1, m2;
    avloc_mel_tables badmel;
    size_t ob = 0, sb = 0, nf = 0, i, nm = c.n_mels, nc = c.n_mfcc ? c.n_mfcc : 1;
    float *x = (float *)malloc(n * sizeof *x), *l1, *l2, *c1, *c2;
    void *mem1, *mem2, *scr;
    unsigned seed = 17u;
    for (i = 0; i < n; i++) x[i] = (tt_rand(&seed) - 0.5f) * (1.0f + (float)(i % 300) / 30.0f);
    w.fft = tt_record_real(c.stft.n_fft, &ft, &roots) ? &ft : NULL; /* this build's roots */
    t.window = &w;
    CHECK_EQ_INT(avloc_melspec_query_f32(&c, &ob, &sb), AVLOC_OK);
    CHECK_EQ_INT(avloc_stft_frames(&c.stft, n, &nf), AVLOC_OK);
    mem1 = malloc(ob); mem2 = malloc(ob); scr = malloc(sb);
    l1 = (float *)malloc(nf * nm * sizeof *l1); l2 = (float *)malloc(nf * nm * sizeof *l2);
    c1 = (float *)malloc(nf * nc * sizeof *c1); c2 = (float *)malloc(nf * nc * sizeof *c2);
    CHECK_EQ_INT(avloc_melspec_init_f32(&m1, &c, mem1, ob), AVLOC_OK);
    CHECK_EQ_INT(avloc_melspec_init_tables_f32(&m2, &c, &t, mem2, ob), AVLOC_OK);
    CHECK(m2.mel.weights == tab->mel->weights && (!c.n_mfcc || m2.mfcc.dct == tab->mfcc->dct));
    if (c.n_mfcc) {
        CHECK_EQ_INT(avloc_melspec_mfcc_f32(&m1, x, n, l1, c1, nf, scr, sb), AVLOC_OK);
        CHECK_EQ_INT(avloc_melspec_mfcc_f32(&m2, x, n, l2, c2, nf, scr, sb), AVLOC_OK);
        CHECK_MSG(tt_same(c1, c2, nf * nc), "%s: MFCC of the melspec from tables differ", what);
    } else {
        CHECK_EQ_INT(avloc_melspec_compute_f32(&m1, x, n, l1, nf, scr, sb), AVLOC_OK);
        CHECK_EQ_INT(avloc_melspec_compute_f32(&m2, x, n, l2, nf, scr, sb), AVLOC_OK);
    }
    CHECK_MSG(tt_same(l1, l2, nf * nm), "%s: log-mel of the melspec from tables differs", what);
    avloc_melspec_destroy_f32(&m2);
    /* refused: no tables, no window, another configuration, no DCT */
    CHECK_EQ_INT(avloc_melspec_init_tables_f32(&m2, &c, NULL, mem2, ob), AVLOC_ERR_NULL);
    t.window = NULL;
    CHECK_EQ_INT(avloc_melspec_init_tables_f32(&m2, &c, &t, mem2, ob), AVLOC_ERR_NULL);
    t.window = &w;
    c.n_mels++;
    CHECK_EQ_INT(avloc_melspec_init_tables_f32(&m2, &c, &t, mem2, ob), AVLOC_ERR_PARAM);
    CHECK(m2.mel.weights == NULL && m2.stft.window == NULL);
    c.n_mels--;
    c.stft.hop = 128; /* not in the tables: any hop serves */
    CHECK_EQ_INT(avloc_melspec_init_tables_f32(&m2, &c, &t, mem2, ob), AVLOC_OK);
    avloc_melspec_destroy_f32(&m2);
    c.stft.periodic = !c.stft.periodic;
    CHECK_EQ_INT(avloc_melspec_init_tables_f32(&m2, &c, &t, mem2, ob), AVLOC_ERR_PARAM);
    c.stft.periodic = !c.stft.periodic;
    badmel = *tab->mel;
    badmel.offset = NULL;
    t.mel = &badmel;
    CHECK_EQ_INT(avloc_melspec_init_tables_f32(&m2, &c, &t, mem2, ob), AVLOC_ERR_NULL);
    t.mel = tab->mel;
    if (c.n_mfcc) {
        t.mfcc = NULL;
        CHECK_EQ_INT(avloc_melspec_init_tables_f32(&m2, &c, &t, mem2, ob), AVLOC_ERR_NULL);
        t.mfcc = tab->mfcc;
        c.n_mfcc--;
        CHECK_EQ_INT(avloc_melspec_init_tables_f32(&m2, &c, &t, mem2, ob), AVLOC_ERR_PARAM);
        CHECK(m2.stft.window == NULL && m2.mfcc.dct == NULL);
    }
    avloc_melspec_destroy_f32(&m1);
    free(roots); free(x); free(mem1); free(mem2); free(scr); free(l1); free(l2); free(c1); free(c2);
}

/* GCC-PHAT's pair of plans from the committed table (gen_tables
   --gcc-upsample 2: n_fft 512 and the 1024-point inverse, vector width 1):
   in builds of that width the object is byte for byte the one computed
   from the same window; elsewhere the roots are refused (another width;
   FFTW ignores them). */
static void tt_gcc_committed_pair(void)
{
    avloc_gcc_config gc = avloc_gcc_config_default();
    avloc_window_table plain = tables_fft_gcc_window_table;
    avloc_gcc_f32 g;
    size_t ob = 0, sb = 0;
    unsigned char *mem;
    gc.frame_length = 512; gc.n_fft = 512; gc.hop = 256; gc.upsample = 2; gc.max_lag = 16;
    CHECK(tables_fft_gcc_window_table.fft == tables_fft_gcc_fft && tables_fft_gcc_fft[1].n == 1024);
    CHECK_EQ_INT(avloc_gcc_query_f32(&gc, &ob, &sb), AVLOC_OK);
    mem = (unsigned char *)malloc(ob);
    plain.fft = NULL;
#ifdef AVLOC_USE_FFTW3
    (void)plain;
    CHECK_EQ_INT(avloc_gcc_init_tables_f32(&g, &gc, &tables_fft_gcc_window_table, mem, ob), AVLOC_OK);
    avloc_gcc_destroy_f32(&g);
#else
    if (avloc_fft_tables_vw() == tables_fft_gcc_fft[0].vw) {
        tt_same_object(2, &gc, &plain, &tables_fft_gcc_window_table, mem, ob, "GCC-PHAT from gen_tables' pair");
    } else {
        CHECK_EQ_INT(avloc_gcc_init_tables_f32(&g, &gc, &tables_fft_gcc_window_table, mem, ob), AVLOC_ERR_PARAM);
        CHECK(g.window == NULL);
    }
#endif
    free(mem);
}

int main(void)
{
    size_t i;
    for (i = 0; i < 2; i++) tt_case_run(&tt_cases[i]);
    tt_bad_tables();
    tt_binaural_gcc_tables();
    tt_object_fft_tables();
    tt_fft_tables();
    tt_melspec_tables(&tables_ta_melspec, "torchaudio-like");
    tt_melspec_tables(&tables_lr_melspec, "librosa-like (window shorter than n_fft)");
    tt_melspec_tables(&tables_fft_melspec, "with FFT roots");
    tt_gcc_committed_pair();
    return th_finish("tables");
}
