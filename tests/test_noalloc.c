/* tests/test_noalloc.c - proof that the library never allocates (issue 14,
   item 3): malloc/calloc/realloc/free are interposed and counted while a
   flag is set around library calls only (the test's own buffers are taken
   outside it). A broad set of public functions of every header runs with
   caller memory: FFT plans (power of two, mixed radix, prime, Bluestein),
   STFT/iSTFT and the streaming STFT, mel/MFCC/melspec and the streaming
   melspec, binaural features (one-shot and plan), GCC-PHAT, the linear
   algebra (SVD, eigh, Sylvester, truncated SVD/SVT), GLLiM (train, posterior,
   stream, save, load), a golden avloc_nn network, the MP coder, RPCA
   (plain and audio-visual, cold and warm start), array imaging.

   Interposition needs glibc (the __libc_* entry points); elsewhere, under
   a sanitizer (ASan, TSan, MSan: it owns malloc) and with the FFTW3 backend (whose
   plans are documented as allocating) the test prints a skip and passes
   0 checks. */
#include <stdlib.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NA_SKIP "a sanitizer replaces malloc"
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define NA_SKIP "a sanitizer replaces malloc"
#endif
#endif
#if !defined(NA_SKIP) && defined(AVLOC_USE_FFTW3)
#define NA_SKIP "the FFTW3 backend allocates its plans (documented)"
#endif
#if !defined(NA_SKIP) && defined(__cplusplus)
#define NA_SKIP "C++ build (the C build of this test interposes; libc's malloc declarations are noexcept C++ there)"
#endif
#if !defined(NA_SKIP) && !defined(__GLIBC__)
#define NA_SKIP "malloc interposition needs glibc"
#endif

#ifndef NA_SKIP
static volatile int na_watch = 0;  /* 1 while a library call runs */
static volatile long na_calls = 0; /* allocator calls seen while watching */

/* glibc's own allocator under its internal names: the interposed functions
   below forward to them, so every allocation of the process is seen. */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);

void *malloc(size_t n)
{
    if (na_watch) na_calls++;
    return __libc_malloc(n);
}
void *calloc(size_t n, size_t m)
{
    if (na_watch) na_calls++;
    return __libc_calloc(n, m);
}
void *realloc(void *p, size_t n)
{
    if (na_watch) na_calls++;
    return __libc_realloc(p, n);
}
void free(void *p)
{
    if (na_watch && p) na_calls++;
    __libc_free(p);
}
#endif

#ifndef AVLOC_TEST_SHARED_IMPL /* else the Makefile links the library's objects (tests/impl/) */
#define AVLOC_IMPLEMENTATION
#endif
#include "../avloc.h"
#include "../avloc_dsp.h"
#include "../avloc_gllim.h"
#include "../avloc_mp.h"
#include "../avloc_nn.h"
#include "../avloc_rpca.h"
#include "harness.h"
#include "rel_util.h"

#ifndef NA_SKIP /* (the checks below, up to main) */
static int na_functions = 0; /* distinct library calls checked */

/* Runs one library call with the counter armed: the call must succeed (rc in
   ok) and allocate nothing. */
#define NA(expr) na_check_call((na_watch = 1, na_calls = 0, (int)(expr)), #expr, __LINE__)
static int na_check_call(int rc, const char *what, int line)
{
    long calls = na_calls;
    na_watch = 0;
    na_functions++;
    if (calls != 0) fprintf(stderr, "  line %d: %s made %ld allocator calls\n", line, what, calls);
    th_check(calls == 0, what, __FILE__, line);
    return rc;
}
/* The same for calls that return nothing. */
#define NA_VOID(stmt) do { na_watch = 1; na_calls = 0; stmt; na_check_call(0, #stmt, __LINE__); } while (0)

/* ------------------------------------------------------------------ FFT */
static void na_fft(size_t n, avloc_fft_kind kind)
{
    avloc_fft_f32 plan;
    size_t pb = 0, sb = 0;
    void *mem, *scr;
    float *x = rel_signal(2 * n + 2, (unsigned)n);
    avloc_complex_f32 *y = (avloc_complex_f32 *)rel_buf((n + 1) * sizeof(avloc_complex_f32));
    CHECK(NA(avloc_fft_query_f32(th_fftc(n, kind), &pb, &sb)) == AVLOC_OK);
    mem = rel_buf(pb); scr = rel_buf(sb);
    CHECK(NA(avloc_fft_init_f32(&plan, th_fftc(n, kind), mem, pb)) == AVLOC_OK);
    if (kind == AVLOC_FFT_COMPLEX) {
        CHECK(NA(avloc_fft_c2c_f32(&plan, (const avloc_complex_f32 *)x, y, AVLOC_FFT_FORWARD, scr, sb)) == AVLOC_OK);
        CHECK(NA(avloc_fft_c2c_f32(&plan, y, y, AVLOC_FFT_INVERSE, scr, sb)) == AVLOC_OK);
    } else {
        CHECK(NA(avloc_fft_r2c_f32(&plan, x, y, scr, sb)) == AVLOC_OK);
        CHECK(NA(avloc_fft_c2r_f32(&plan, y, x, scr, sb)) == AVLOC_OK);
    }
    NA_VOID(avloc_fft_destroy_f32(&plan));
    free(mem); free(scr); free(x); free(y);
}

/* ------------------------------------------------------------ STFT family */
static void na_stft(void)
{
    avloc_stft_config c = avloc_stft_config_default();
    avloc_stft_f32 st;
    avloc_stft_stream_f32 ss;
    size_t ob, sb, nf = 0, len = 0, smb = 0, n = 4000, got = 0, used = 0;
    void *mem, *scr, *smem;
    float *x = rel_signal(n, 1), *y;
    avloc_complex_f32 *spec;
    c.n_fft = 256; c.hop = 64; c.win_length = 0;
    CHECK(NA(avloc_stft_frames(&c, n, &nf)) == AVLOC_OK);
    CHECK(NA(avloc_istft_length(&c, nf, &len)) == AVLOC_OK);
    CHECK(NA(avloc_stft_query_f32(&c, &ob, &sb)) == AVLOC_OK);
    mem = rel_buf(ob); scr = rel_buf(sb);
    spec = (avloc_complex_f32 *)rel_buf(nf * 129 * sizeof(avloc_complex_f32));
    y = (float *)rel_buf(n * sizeof(float));
    CHECK(NA(avloc_stft_init_f32(&st, &c, mem, ob)) == AVLOC_OK);
    CHECK(NA(avloc_stft_forward_f32(&st, x, n, spec, nf, scr, sb)) == AVLOC_OK);
    CHECK(NA(avloc_stft_inverse_f32(&st, spec, nf, y, n, scr, sb)) == AVLOC_OK);
    CHECK(NA(avloc_spec_power_f32(spec, 129, 2.0f, y)) == AVLOC_OK);
    CHECK(NA(avloc_stft_stream_query_f32(&st, &smb)) == AVLOC_OK);
    smem = rel_buf(smb);
    CHECK(NA(avloc_stft_stream_init_f32(&ss, &st, smem, smb)) == AVLOC_OK);
    CHECK(NA(avloc_stft_stream_push_f32(&ss, x, 1000, spec, nf, &got, &used, scr, sb)) == AVLOC_OK);
    CHECK(NA(avloc_stft_stream_reset_f32(&ss)) == AVLOC_OK);
    NA_VOID(avloc_stft_stream_destroy_f32(&ss));
    NA_VOID(avloc_stft_destroy_f32(&st));
    free(mem); free(scr); free(smem); free(spec); free(x); free(y);
}

static void na_melspec(void)
{
    avloc_melspec_config c = avloc_melspec_config_librosa_mfcc();
    avloc_melspec_f32 m;
    avloc_melspec_stream_f32 s;
    size_t ob, sb, nf = 0, n = 6000, smb, ssb, got = 0, used = 0;
    void *mem, *scr, *smem, *sscr;
    float *x = rel_signal(n, 2), *mel, *mfcc;
    c.stft.n_fft = 512; c.stft.hop = 160; c.stft.win_length = 0; c.n_mels = 40; c.n_mfcc = 13;
    CHECK(NA(avloc_stft_frames(&c.stft, n, &nf)) == AVLOC_OK);
    CHECK(NA(avloc_melspec_query_f32(&c, &ob, &sb)) == AVLOC_OK);
    mem = rel_buf(ob); scr = rel_buf(sb);
    mel = (float *)rel_buf(nf * 40 * sizeof(float)); mfcc = (float *)rel_buf(nf * 13 * sizeof(float));
    CHECK(NA(avloc_melspec_init_f32(&m, &c, mem, ob)) == AVLOC_OK);
    CHECK(NA(avloc_melspec_compute_f32(&m, x, n, mel, nf, scr, sb)) == AVLOC_OK);
    CHECK(NA(avloc_melspec_mfcc_f32(&m, x, n, mel, mfcc, nf, scr, sb)) == AVLOC_OK);
    CHECK(NA(avloc_melspec_stream_query_f32(&m, &smb, &ssb)) == AVLOC_OK);
    smem = rel_buf(smb); sscr = rel_buf(ssb);
    CHECK(NA(avloc_melspec_stream_init_f32(&s, &m, smem, smb)) == AVLOC_OK);
    CHECK(NA(avloc_melspec_stream_push_f32(&s, x, 3000, mel, mfcc, nf, &got, &used, sscr, ssb)) == AVLOC_OK);
    CHECK(NA(avloc_melspec_stream_reset_f32(&s)) == AVLOC_OK);
    NA_VOID(avloc_melspec_stream_destroy_f32(&s));
    NA_VOID(avloc_melspec_destroy_f32(&m));
    free(mem); free(scr); free(smem); free(sscr); free(x); free(mel); free(mfcc);
}

/* ------------------------------------------------- binaural and GCC-PHAT */
static void na_binaural_gcc(void)
{
    avloc_binaural_config bc = avloc_binaural_config_default();
    avloc_binaural_plan_f32 plan;
    avloc_gcc_config gc = avloc_gcc_config_default();
    avloc_gcc_f32 g;
    size_t n = 8000, nf = 0, sb, pb, psb, act = 0, gob, gsb, gnf = 0, D;
    void *scr, *pmem, *pscr, *gmem, *gscr;
    float *l = rel_signal(n, 3), *r = rel_signal(n, 4), *feat, *mean, *del;
    unsigned char *mask, *dmask;
    float delay = 0, peak = 0;
    bc.n_fft = 256; bc.hop = 128; bc.n_bins = 64; bc.threshold_db = -200.0f; bc.threshold_relative = 0;
    D = 3 * bc.n_bins;
    CHECK(NA(avloc_binaural_frames(&bc, n, &nf)) == AVLOC_OK);
    CHECK(NA(avloc_binaural_scratch_f32(&bc, n, &sb)) == AVLOC_OK);
    scr = rel_buf(sb);
    feat = (float *)rel_buf(nf * D * sizeof(float)); mask = (unsigned char *)rel_buf(nf * D);
    mean = (float *)rel_buf(D * sizeof(float)); dmask = (unsigned char *)rel_buf(D);
    CHECK(NA(avloc_binaural_features_f32(&bc, l, r, n, feat, mask, nf, &act, scr, sb)) == AVLOC_OK);
    CHECK(NA(avloc_binaural_mean_f32(feat, mask, nf, D, mean, dmask)) == AVLOC_OK);
    CHECK(NA(avloc_binaural_plan_query_f32(&bc, &pb)) == AVLOC_OK);
    CHECK(NA(avloc_binaural_plan_scratch_f32(&bc, n, &psb)) == AVLOC_OK);
    pmem = rel_buf(pb); pscr = rel_buf(psb);
    CHECK(NA(avloc_binaural_plan_init_f32(&plan, &bc, pmem, pb)) == AVLOC_OK);
    CHECK(NA(avloc_binaural_plan_features_f32(&plan, l, r, n, feat, mask, nf, &act, pscr, psb)) == AVLOC_OK);
    NA_VOID(avloc_binaural_plan_destroy_f32(&plan));

    gc.frame_length = 512; gc.n_fft = 1024; gc.hop = 256;
    CHECK(NA(avloc_gcc_query_f32(&gc, &gob, &gsb)) == AVLOC_OK);
    gmem = rel_buf(gob); gscr = rel_buf(gsb);
    CHECK(NA(avloc_gcc_init_f32(&g, &gc, gmem, gob)) == AVLOC_OK);
    CHECK(NA(avloc_gcc_frames(&gc, n, &gnf)) == AVLOC_OK);
    del = (float *)rel_buf(2 * gnf * sizeof(float));
    CHECK(NA(avloc_gcc_frame_f32(&g, l, r, &delay, &peak, gscr, gsb)) == AVLOC_OK);
    CHECK(NA(avloc_gcc_delays_f32(&g, l, r, n, del, del + gnf, gnf, gscr, gsb)) == AVLOC_OK);
    NA_VOID(avloc_gcc_destroy_f32(&g));
    free(scr); free(feat); free(mask); free(mean); free(dmask); free(pmem); free(pscr);
    free(gmem); free(gscr); free(del); free(l); free(r);
}

/* ------------------------------------------------------- linear algebra */
static void na_linalg(void)
{
    enum { M = 12, N = 7 };
    double A[M * N], U[M * N], s[N], Vt[N * N], S[N * N], w[N], V[N * N], C[N * N];
    float Af[M * N], Uf[M * N], sf[N], Vtf[N * N], out[M * N];
    size_t i, j, bytes = 0, rank = 0;
    void *scr;
    avloc_tsvd_config tc = avloc_tsvd_config_default();
    avloc_tsvd t;
    avloc_sylvester_path_config pc;
    avloc_sylvester_path sp;
    size_t pob, psb;
    void *pmem, *pscr, *tmem;
    for (i = 0; i < M * N; i++) { A[i] = sin(1.0 + 0.7 * (double)i); Af[i] = (float)A[i]; }
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) S[i * N + j] = (i == j ? 10.0 : 0.0) + 1.0 / (double)(1 + i + j);
    scr = rel_buf(1 << 20);
    CHECK(NA(avloc_svd_scratch_f64(M, N, &bytes)) == AVLOC_OK);
    CHECK(NA(avloc_svd_f64(M, N, A, N, U, N, s, Vt, N, scr, 1 << 20)) == AVLOC_OK);
    CHECK(NA(avloc_svd_scratch_f32(M, N, &bytes)) == AVLOC_OK);
    CHECK(NA(avloc_svd_f32(M, N, Af, N, Uf, N, sf, Vtf, N, scr, 1 << 20)) == AVLOC_OK);
    CHECK(NA(avloc_eigh_scratch_f64(N, &bytes)) == AVLOC_OK);
    CHECK(NA(avloc_eigh_f64(N, S, N, w, V, N, scr, 1 << 20)) == AVLOC_OK);
    CHECK(NA(avloc_sylvester_sym_scratch_f64(N, N, &bytes)) == AVLOC_OK);
    CHECK(NA(avloc_sylvester_sym_f64(N, N, S, N, S, N, S, N, C, N, scr, 1 << 20)) == AVLOC_OK);
    memcpy(V, S, sizeof V);
    CHECK(NA(avloc_chol_f64(V, N, N)) == AVLOC_OK);
    CHECK(NA(avloc_gemm_f64(0, 1, N, N, N, 1.0, S, N, S, N, 0.0, C, N, scr, 1 << 20)) == AVLOC_OK);

    pc.k = N; pc.t = 16;
    CHECK(NA(avloc_sylvester_path_query(&pc, &pob, &psb)) == AVLOC_OK);
    pmem = rel_buf(pob); pscr = rel_buf(psb);
    {
        double *R = (double *)rel_buf(N * 16 * sizeof(double)), *X = (double *)rel_buf(N * 16 * sizeof(double));
        for (i = 0; i < N * 16; i++) R[i] = cos((double)i);
        CHECK(NA(avloc_sylvester_path_init(&sp, &pc, pmem, pob)) == AVLOC_OK);
        CHECK(NA(avloc_sylvester_path_f64(&sp, S, N, 0.5, R, 16, X, 16, pscr, psb)) == AVLOC_OK);
        NA_VOID(avloc_sylvester_path_destroy(&sp));
        free(R); free(X);
    }

    tc.m = M; tc.n = N; tc.max_rank = 3;
    CHECK(NA(avloc_tsvd_query(&tc, &bytes)) == AVLOC_OK);
    tmem = rel_buf(bytes);
    CHECK(NA(avloc_tsvd_init(&t, &tc, tmem, bytes)) == AVLOC_OK);
    CHECK(NA(avloc_tsvd_f32(&t, Af, N, 3, Uf, 3, sf, Vtf, N)) == AVLOC_OK);
    CHECK(NA(avloc_svt_f32(&t, Af, N, 0.1f, out, N, &rank)) == AVLOC_OK);
    NA_VOID(avloc_tsvd_reset(&t));
    NA_VOID(avloc_tsvd_destroy(&t));
    free(scr); free(pmem); free(pscr); free(tmem);
}

/* ------------------------------------------------------------------ GLLiM */
static void na_gllim(void)
{
    enum { NT = 200, L = 2, D = 6, K = 3, T = 5 };
    double X[NT * L], Y[NT * D];
    float feat[T * D];
    unsigned char mask[T * D];
    avloc_gllim_train_config tc = avloc_gllim_train_config_default();
    avloc_gllim_model model, loaded;
    avloc_gllim_posterior post;
    avloc_gllim_stream st;
    avloc_gllim_stream_config sc = avloc_gllim_stream_config_default();
    avloc_gllim_train_info info;
    size_t mb, sb, pb, qb, stb, fb = 0, fsb = 0, written = 0, k2, l2, d2, lb;
    void *mmem, *scr, *pmem, *qscr, *smem, *file, *fscr, *lmem;
    size_t i, d;
    int emitted = 0;
    for (i = 0; i < NT; i++) {
        X[i * L] = sin(0.37 * (double)i); X[i * L + 1] = cos(0.21 * (double)i);
        for (d = 0; d < D; d++)
            Y[i * D + d] = (double)(d + 1) * X[i * L] - 0.5 * X[i * L + 1] * (double)d + 0.01 * sin((double)(i * D + d));
    }
    for (i = 0; i < T * D; i++) { feat[i] = (float)Y[i]; mask[i] = 1; }
    tc.K = K; tc.max_iter = 5;
    CHECK(NA(avloc_gllim_model_query(K, L, D, &mb)) == AVLOC_OK);
    CHECK(NA(avloc_gllim_train_query(&tc, NT, L, D, &sb)) == AVLOC_OK);
    mmem = rel_buf(mb); scr = rel_buf(sb);
    CHECK(NA(avloc_gllim_model_init(&model, K, L, D, mmem, mb)) == AVLOC_OK);
    CHECK(NA(avloc_gllim_train_f64(&tc, X, Y, NT, &model, scr, sb, &info)) == AVLOC_OK);
    CHECK(NA(avloc_gllim_posterior_query(&model, &pb, &qb)) == AVLOC_OK);
    pmem = rel_buf(pb); qscr = rel_buf(qb);
    CHECK(NA(avloc_gllim_posterior_init(&post, &model, pmem, pb)) == AVLOC_OK);
    CHECK(NA(avloc_gllim_posterior_f32(&model, feat, mask, T, &post, qscr, qb)) == AVLOC_OK);
    sc.window = 4; sc.emit_every = 1; sc.min_active = 1; sc.refresh_every = 4;
    CHECK(NA(avloc_gllim_stream_query(&model, &sc, &stb)) == AVLOC_OK);
    smem = rel_buf(stb);
    CHECK(NA(avloc_gllim_stream_init(&st, &model, &sc, smem, stb)) == AVLOC_OK);
    for (i = 0; i < T; i++) CHECK(NA(avloc_gllim_stream_push_f32(&st, feat + i * D, mask + i * D, &post, &emitted)) == AVLOC_OK);
    NA_VOID(avloc_gllim_stream_reset(&st));
    NA_VOID(avloc_gllim_stream_destroy(&st));
    CHECK(NA(avloc_gllim_save_query(&model, AVLOC_ST_F64, &fb, &fsb)) == AVLOC_OK);
    file = rel_buf(fb); fscr = rel_buf(fsb);
    CHECK(NA(avloc_gllim_save(&model, AVLOC_ST_F64, file, fb, fscr, fsb, &written)) == AVLOC_OK);
    CHECK(NA(avloc_gllim_load_query(file, written, &k2, &l2, &d2, &lb)) == AVLOC_OK);
    lmem = rel_buf(lb);
    CHECK(NA(avloc_gllim_load(&loaded, file, written, lmem, lb)) == AVLOC_OK);
    NA_VOID(avloc_gllim_posterior_destroy(&post));
    NA_VOID(avloc_gllim_model_destroy(&loaded));
    NA_VOID(avloc_gllim_model_destroy(&model));
    free(mmem); free(scr); free(pmem); free(qscr); free(smem); free(file); free(fscr); free(lmem);
}

/* -------------------------------------------------------------- avloc_nn */
static void na_nn_case(const char *name)
{
    size_t size = 0, obj = 0, k;
    unsigned char *file = rel_load_nn(name, &size);
    avloc_nn net;
    void *mem, *arena, *scr;
    const float *in[8];
    float *out[8];
    avloc_nn_tensor_info ti;
    if (!file) { CHECK_MSG(0, "cannot read tests/golden/nn/%s", name); return; }
    CHECK(NA(avloc_nn_query(file, size, &obj)) == AVLOC_OK);
    mem = rel_buf(obj);
    if (NA(avloc_nn_init(&net, file, size, mem, obj)) != AVLOC_OK || net.n_inputs > 8 || net.n_outputs > 8) {
        CHECK_MSG(0, "%s: init failed", name);
        free(mem); free(file);
        return;
    }
    for (k = 0; k < net.n_inputs; k++) {
        CHECK(NA(avloc_nn_input_info(&net, k, &ti)) == AVLOC_OK);
        in[k] = rel_signal(ti.numel, (unsigned)(k + 7));
    }
    for (k = 0; k < net.n_outputs; k++) {
        CHECK(NA(avloc_nn_output_info(&net, k, &ti)) == AVLOC_OK);
        out[k] = (float *)rel_buf(ti.numel * sizeof(float));
    }
    arena = rel_buf(net.arena_bytes); scr = rel_buf(net.scratch_bytes);
    CHECK(NA(avloc_nn_run_f32(&net, in, out, arena, net.arena_bytes, scr, net.scratch_bytes)) == AVLOC_OK);
    NA_VOID(avloc_nn_destroy(&net));
    for (k = 0; k < net.n_inputs; k++) free((void *)(uintptr_t)in[k]);
    for (k = 0; k < net.n_outputs; k++) free(out[k]);
    free(arena); free(scr); free(mem); free(file);
}

/* ---------------------------------------------------------------- MP coder */
static void na_mp(void)
{
    avloc_mp_config c = avloc_mp_config_default();
    avloc_mp_coder coder;
    avloc_mp_dict dict;
    avloc_mp_atom atoms[10];
    size_t ob, sb, n = 0, na, nv, nka, nkv;
    void *mem, *scr;
    float *audio, *video, *ra, *rv;
    c.kernels = 3; c.audio_len = 30; c.kernel_t = 2; c.kernel_h = 3; c.kernel_w = 3;
    c.audio_samples = 400; c.frames = 6; c.height = 8; c.width = 8;
    na = c.audio_samples; nv = c.frames * c.height * c.width;
    nka = c.kernels * c.audio_len; nkv = c.kernels * c.kernel_t * c.kernel_h * c.kernel_w;
    audio = rel_signal(na, 11); video = rel_signal(nv, 12);
    dict.audio = rel_signal(nka, 13); dict.video = rel_signal(nkv, 14);
    ra = (float *)rel_buf(na * sizeof(float)); rv = (float *)rel_buf(nv * sizeof(float));
    CHECK(NA(avloc_mp_positions(&c, NULL, NULL)) == AVLOC_OK);
    CHECK(NA(avloc_mp_dict_normalize(&c, &dict)) == AVLOC_OK);
    CHECK(NA(avloc_mp_code_naive_f32(&c, &dict, audio, video, 10, 0.0f, atoms, &n, ra, rv)) == AVLOC_OK);
    CHECK(NA(avloc_mp_coder_query(&c, &ob, &sb)) == AVLOC_OK);
    mem = rel_buf(ob); scr = rel_buf(sb);
    CHECK(NA(avloc_mp_coder_init(&coder, &c, mem, ob)) == AVLOC_OK);
    CHECK(NA(avloc_mp_coder_set_dict(&coder, &dict, scr, sb)) == AVLOC_OK);
    CHECK(NA(avloc_mp_code_f32(&coder, audio, video, 10, 0.0f, atoms, &n, ra, rv, scr, sb)) == AVLOC_OK);
    NA_VOID(avloc_mp_coder_destroy(&coder));
    free(mem); free(scr); free(audio); free(video); free(dict.audio); free(dict.video); free(ra); free(rv);
}

/* ------------------------------------------------------------------ RPCA */
static void na_rpca(void)
{
    enum { M = 20, N = 16, PX = 24, BINS = 10, T = 12 };
    avloc_rpca_config c = avloc_rpca_config_default();
    avloc_rpca r;
    avloc_rpca_av_config ac = avloc_rpca_av_config_default();
    avloc_rpca_av av;
    avloc_rpca_av_state st;
    avloc_rpca_info info;
    size_t ob, sb, stb;
    void *mem, *scr, *amem, *ascr, *smem;
    float *D = rel_signal(M * N, 31), *L = (float *)rel_buf(M * N * sizeof(float)), *S = (float *)rel_buf(M * N * sizeof(float));
    float *V = rel_signal(PX * T, 32), *A = rel_signal(BINS * T, 33);
    c.rows = M; c.cols = N; c.max_iter = 20;
    CHECK(NA(avloc_rpca_query(&c, &ob, &sb)) == AVLOC_OK);
    mem = rel_buf(ob); scr = rel_buf(sb);
    CHECK(NA(avloc_rpca_init(&r, &c, mem, ob)) == AVLOC_OK);
    CHECK(NA(avloc_rpca_solve_f32(&r, D, L, S, NULL, &info, scr, sb)) == AVLOC_OK);
    NA_VOID(avloc_rpca_destroy(&r));
    ac.pixels = PX; ac.bins = BINS; ac.frames = T; ac.max_iter = 10;
    CHECK(NA(avloc_rpca_av_query(&ac, &ob, &sb)) == AVLOC_OK);
    amem = rel_buf(ob); ascr = rel_buf(sb);
    CHECK(NA(avloc_rpca_av_init(&av, &ac, amem, ob)) == AVLOC_OK);
    CHECK(NA(avloc_rpca_av_state_query(&av, &stb)) == AVLOC_OK);
    smem = rel_buf(stb);
    CHECK(NA(avloc_rpca_av_state_init(&st, &av, smem, stb)) == AVLOC_OK);
    CHECK(NA(avloc_rpca_av_solve_f32(&av, V, A, &st, 0, &info, ascr, sb)) == AVLOC_OK);
    CHECK(NA(avloc_rpca_av_solve_f32(&av, V, A, &st, 1, &info, ascr, sb)) == AVLOC_OK);
    NA_VOID(avloc_rpca_av_destroy(&av));
    free(mem); free(scr); free(amem); free(ascr); free(smem); free(D); free(L); free(S); free(V); free(A);
}
/* ---------------------------------------------------- array imaging */
static void na_array(void)
{
    static const float xyz[4 * 3] = {0, 0, 0, 0.1f, 0, 0, 0, 0.1f, 0, 0.1f, 0.1f, 0.02f};
    avloc_array_config c = avloc_array_config_default();
    avloc_array_f32 a;
    size_t ob, sb, k0 = 0, nb = 0, nd;
    void *mem, *scr;
    float *x, *dirs, *power, *maps, *img;
    c.n_mics = 4; c.mic_xyz = xyz; c.rows = 6; c.cols = 8; c.n_mfcc = 6; c.n_mels = 20;
    nd = c.rows * c.cols;
    CHECK(NA(avloc_array_band(&c, &k0, &nb)) == AVLOC_OK);
    CHECK(NA(avloc_array_query_f32(&c, &ob, &sb)) == AVLOC_OK);
    mem = rel_buf(ob); scr = rel_buf(sb);
    x = rel_signal(c.frame_length * c.n_mics, 41);
    dirs = (float *)rel_buf(nd * 3 * sizeof(float)); power = (float *)rel_buf(nd * nb * sizeof(float));
    maps = (float *)rel_buf(2 * nd * sizeof(float)); img = (float *)rel_buf(nd * c.n_mfcc * sizeof(float));
    CHECK(NA(avloc_array_init_f32(&a, &c, mem, ob)) == AVLOC_OK);
    CHECK(NA(avloc_array_directions_f32(&a, dirs, nd)) == AVLOC_OK);
    CHECK(NA(avloc_array_power_f32(&a, x, c.frame_length, power, scr, sb)) == AVLOC_OK);
    CHECK(NA(avloc_array_bands_f32(&a, power, 2, maps)) == AVLOC_OK);
    CHECK(NA(avloc_array_mfcc_f32(&a, x, c.frame_length, img, power, scr, sb)) == AVLOC_OK);
    CHECK(NA(avloc_array_power_to_mfcc_f32(&a, power, img, scr, sb)) == AVLOC_OK);
    NA_VOID(avloc_array_destroy_f32(&a));
    free(mem); free(scr); free(x); free(dirs); free(power); free(maps); free(img);
}
#endif /* !NA_SKIP */

int main(void)
{
#ifdef NA_SKIP
    printf("test_noalloc: skipped (%s)\n", NA_SKIP);
    return th_finish("test_noalloc");
#else
    static const size_t sizes[] = {1, 2, 16, 360, 1024, 17, 4099, 1000, 30030, 251};
    size_t i;
    /* the interposer itself must see an allocation while armed */
    {
        void *volatile p;
        na_watch = 1; na_calls = 0;
        p = malloc(16);
        free(p);
        na_watch = 0;
        CHECK_EQ_INT(na_calls, 2);
    }
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        na_fft(sizes[i], AVLOC_FFT_COMPLEX);
        if (sizes[i] % 2 == 0 || sizes[i] > 2) na_fft(sizes[i], AVLOC_FFT_REAL);
    }
    na_stft();
    na_melspec();
    na_binaural_gcc();
    na_linalg();
    na_gllim();
    na_nn_case("linear.safetensors");
    na_nn_case("conv2d_1x1.safetensors");
    na_nn_case("batch_norm.safetensors");
    na_mp();
    na_rpca();
    na_array();
    printf("  %d library calls checked, none allocated: %s\n", na_functions, th_failed ? "NO" : "yes");
    return th_finish("test_noalloc");
#endif
}
