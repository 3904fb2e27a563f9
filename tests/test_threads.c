/* tests/test_threads.c - the library's objects are read-only after init, so
   several threads may share them, each with its own scratch (issue 14,
   item 4). TR_THREADS POSIX threads run, TR_ITERS times each, on the same
   FFT plan (real, Bluestein size), melspec object, binaural plan, GLLiM
   model (a posterior object per thread), MP coder and avloc_nn network
   (an arena per thread); every result must be bit-identical to the
   single-threaded run made first, and the shared objects with all their
   memory must hash the same after the threads as before (no call writes
   to an object it was given read-only). Then the other direction: one call split
   over a real pool of worker threads (examples/avloc_pool.h behind
   avloc_threads): a GEMM, the Gram-path SVT and a plain RPCA solve give
   the bits of the same split run serially (tests/task_runner.h). .ci/run
   also builds this program with -fsanitize=thread (no data race may be
   reported).
   Without POSIX threads the test prints a skip and passes 0 checks. */
#include <stdlib.h>
#include <stdint.h>
#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif
#if defined(_POSIX_THREADS) && _POSIX_THREADS > 0 && !defined(TR_NO_THREADS)
#define TR_HAVE_THREADS 1
#include <pthread.h>
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
#include "task_runner.h"
#ifdef TR_HAVE_THREADS
#include "../examples/avloc_pool.h"
#endif

#ifdef TR_HAVE_THREADS
#define TR_THREADS 4
#define TR_ITERS 6
enum { TR_N = 6000, TR_FFT = 1009, TR_MELS = 40, TR_L = 2, TR_D = 6, TR_K = 3, TR_T = 5, TR_NT = 200 };

/* The shared, read-only state (built once by the main thread). */
static struct {
    const float *x, *y;                 /* two input signals, TR_N samples */
    avloc_fft_f32 fft; size_t fft_sb;
    avloc_melspec_f32 mel; size_t mel_sb, mel_nf;
    avloc_binaural_plan_f32 bin; size_t bin_sb, bin_nf, bin_d;
    avloc_gllim_model gl; size_t post_b, post_sb;
    float gl_feat[TR_T * TR_D]; unsigned char gl_mask[TR_T * TR_D];
    avloc_mp_coder mp; size_t mp_sb, mp_na, mp_nv; const float *mp_audio, *mp_video;
    avloc_nn net; const float *nn_in[8]; size_t nn_out_numel[8];
} S;

/* One run of every object with the caller's own memory; out: the results
   concatenated, *n_out bytes. */
typedef struct {
    unsigned char *out;
    size_t n_out;
    long mismatches;  /* runs whose bytes differ from the reference */
    int failed;       /* a call returned an error */
} tr_result;

static size_t tr_out_bytes(void)
{
    size_t b = (TR_FFT / 2 + 1) * sizeof(avloc_complex_f32) + S.mel_nf * TR_MELS * sizeof(float)
             + S.bin_nf * S.bin_d * (sizeof(float) + 1) + TR_L * sizeof(double)
             + 10 * sizeof(avloc_mp_atom) + (S.mp_na + S.mp_nv) * sizeof(float), k;
    for (k = 0; k < S.net.n_outputs; k++) b += S.nn_out_numel[k] * sizeof(float);
    return b;
}

/* The whole pipeline once, into o (tr_out_bytes() bytes), every scratch taken here. */
static int tr_run_all(unsigned char *o)
{
    int bad = 0;
    size_t n = 0, k;
    void *scr = rel_buf(S.fft_sb);
    bad |= avloc_fft_r2c_f32(&S.fft, S.x, (avloc_complex_f32 *)o, scr, S.fft_sb) != AVLOC_OK;
    o += (TR_FFT / 2 + 1) * sizeof(avloc_complex_f32); free(scr);

    scr = rel_buf(S.mel_sb);
    bad |= avloc_melspec_compute_f32(&S.mel, S.x, TR_N, (float *)o, S.mel_nf, scr, S.mel_sb) != AVLOC_OK;
    o += S.mel_nf * TR_MELS * sizeof(float); free(scr);

    scr = rel_buf(S.bin_sb);
    bad |= avloc_binaural_plan_features_f32(&S.bin, S.x, S.y, TR_N, (float *)o, o + S.bin_nf * S.bin_d * sizeof(float),
                                            S.bin_nf, NULL, scr, S.bin_sb) != AVLOC_OK;
    o += S.bin_nf * S.bin_d * (sizeof(float) + 1); free(scr);

    {
        avloc_gllim_posterior post;
        void *pm = rel_buf(S.post_b);
        scr = rel_buf(S.post_sb);
        bad |= avloc_gllim_posterior_init(&post, &S.gl, pm, S.post_b) != AVLOC_OK;
        bad |= avloc_gllim_posterior_f32(&S.gl, S.gl_feat, S.gl_mask, TR_T, &post, scr, S.post_sb) != AVLOC_OK;
        memcpy(o, post.mean, TR_L * sizeof(double));
        o += TR_L * sizeof(double); free(scr); free(pm);
    }

    scr = rel_buf(S.mp_sb);
    bad |= avloc_mp_code_f32(&S.mp, S.mp_audio, S.mp_video, 10, 0.0f, (avloc_mp_atom *)o, &n,
                             (float *)(o + 10 * sizeof(avloc_mp_atom)),
                             (float *)(o + 10 * sizeof(avloc_mp_atom) + S.mp_na * sizeof(float)), scr, S.mp_sb) != AVLOC_OK;
    o += 10 * sizeof(avloc_mp_atom) + (S.mp_na + S.mp_nv) * sizeof(float); free(scr);

    {
        float *outs[8];
        void *arena = rel_buf(S.net.arena_bytes);
        scr = rel_buf(S.net.scratch_bytes);
        for (k = 0; k < S.net.n_outputs; k++) { outs[k] = (float *)o; o += S.nn_out_numel[k] * sizeof(float); }
        bad |= avloc_nn_run_f32(&S.net, S.nn_in, outs, arena, S.net.arena_bytes, scr, S.net.scratch_bytes) != AVLOC_OK;
        free(arena); free(scr);
    }
    return bad;
}

static const unsigned char *tr_reference;

/* The shared state's memory, all kept until tr_release (so that LeakSanitizer
   sees every block freed). */
static void *tr_owned[64];
static size_t tr_owned_bytes[64];
static size_t tr_n_owned = 0;
static void *tr_own(void *p, size_t bytes)
{
    if (tr_n_owned == sizeof tr_owned / sizeof tr_owned[0]) { fprintf(stderr, "tr_owned full\n"); exit(2); }
    tr_owned_bytes[tr_n_owned] = p ? bytes : 0;
    tr_owned[tr_n_owned++] = p;
    return p;
}
static void *tr_keep(size_t bytes) { return tr_own(rel_buf(bytes), bytes); }
static float *tr_keep_signal(size_t n, unsigned seed) { return (float *)tr_own(rel_signal(n, seed), n * sizeof(float)); }

/* FNV-1a over the shared objects and every byte of their memory (object
   memory, tables, models, the network file, the inputs): the promise that
   objects are read-only after init (avloc.h, MEMORY), checked whole rather
   than through the results alone. */
static uint64_t tr_fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = (const unsigned char *)p;
    size_t i;
    for (i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211u;
    return h;
}
static uint64_t tr_shared_hash(void)
{
    uint64_t h = tr_fnv(14695981039346656037u, &S, sizeof S);
    size_t i;
    for (i = 0; i < tr_n_owned; i++) h = tr_fnv(h, tr_owned[i], tr_owned_bytes[i]);
    return h;
}
static void tr_release(void)
{
    /* destroy: the FFTW3 backend's plans are released here */
    avloc_fft_destroy_f32(&S.fft);
    avloc_melspec_destroy_f32(&S.mel);
    avloc_binaural_plan_destroy_f32(&S.bin);
    avloc_mp_coder_destroy(&S.mp);
    avloc_nn_destroy(&S.net);
    avloc_gllim_model_destroy(&S.gl);
    while (tr_n_owned) free(tr_owned[--tr_n_owned]);
}

static void *tr_thread(void *arg)
{
    tr_result *r = (tr_result *)arg;
    int it;
    for (it = 0; it < TR_ITERS; it++) {
        memset(r->out, 0xA5, r->n_out);
        if (tr_run_all(r->out)) r->failed = 1;
        if (memcmp(r->out, tr_reference, r->n_out) != 0) r->mismatches++;
    }
    return NULL;
}

/* Builds S (single-threaded); 0 on success. */
static int tr_setup(void)
{
    size_t ob, sb, k, i, d;
    avloc_melspec_config mc = avloc_melspec_config_librosa_db();
    avloc_binaural_config bc = avloc_binaural_config_default();
    avloc_gllim_train_config tc = avloc_gllim_train_config_default();
    avloc_mp_config pc = avloc_mp_config_default();
    avloc_mp_dict dict;
    unsigned char *file;
    size_t fsize = 0;
    static double X[TR_NT * TR_L], Y[TR_NT * TR_D];
    int bad = 0;
    avloc_fft_config fc = {TR_FFT, AVLOC_FFT_REAL};
    S.x = tr_keep_signal(TR_N, 1); S.y = tr_keep_signal(TR_N, 2);

    bad |= avloc_fft_query_f32(&fc, &ob, &S.fft_sb) != AVLOC_OK;
    bad |= avloc_fft_init_f32(&S.fft, &fc, tr_keep(ob), ob) != AVLOC_OK;

    mc.stft.n_fft = 512; mc.stft.hop = 160; mc.stft.win_length = 0; mc.n_mels = TR_MELS;
    bad |= avloc_stft_frames(&mc.stft, TR_N, &S.mel_nf) != AVLOC_OK;
    bad |= avloc_melspec_query_f32(&mc, &ob, &S.mel_sb) != AVLOC_OK;
    bad |= avloc_melspec_init_f32(&S.mel, &mc, tr_keep(ob), ob) != AVLOC_OK;

    bc.n_fft = 256; bc.hop = 128; bc.n_bins = 64; S.bin_d = 3 * bc.n_bins;
    bad |= avloc_binaural_frames(&bc, TR_N, &S.bin_nf) != AVLOC_OK;
    bad |= avloc_binaural_plan_query_f32(&bc, &ob) != AVLOC_OK;
    bad |= avloc_binaural_plan_scratch_f32(&bc, TR_N, &S.bin_sb) != AVLOC_OK;
    bad |= avloc_binaural_plan_init_f32(&S.bin, &bc, tr_keep(ob), ob) != AVLOC_OK;

    for (i = 0; i < TR_NT; i++) {
        X[i * TR_L] = sin(0.37 * (double)i); X[i * TR_L + 1] = cos(0.21 * (double)i);
        for (d = 0; d < TR_D; d++)
            Y[i * TR_D + d] = (double)(d + 1) * X[i * TR_L] - 0.5 * X[i * TR_L + 1] * (double)d + 0.01 * sin((double)(i * TR_D + d));
    }
    for (i = 0; i < TR_T * TR_D; i++) { S.gl_feat[i] = (float)Y[i]; S.gl_mask[i] = (unsigned char)(i % 3 != 0); }
    tc.K = TR_K; tc.max_iter = 5;
    bad |= avloc_gllim_model_query(TR_K, TR_L, TR_D, &ob) != AVLOC_OK;
    bad |= avloc_gllim_model_init(&S.gl, TR_K, TR_L, TR_D, tr_keep(ob), ob) != AVLOC_OK;
    bad |= avloc_gllim_train_query(&tc, TR_NT, TR_L, TR_D, &sb) != AVLOC_OK;
    bad |= avloc_gllim_train_f64(&tc, X, Y, TR_NT, &S.gl, tr_keep(sb), sb, NULL) != AVLOC_OK;
    bad |= avloc_gllim_posterior_query(&S.gl, &S.post_b, &S.post_sb) != AVLOC_OK;

    pc.kernels = 3; pc.audio_len = 30; pc.kernel_t = 2; pc.kernel_h = 3; pc.kernel_w = 3;
    pc.audio_samples = 400; pc.frames = 6; pc.height = 8; pc.width = 8;
    S.mp_na = pc.audio_samples; S.mp_nv = pc.frames * pc.height * pc.width;
    S.mp_audio = tr_keep_signal(S.mp_na, 11); S.mp_video = tr_keep_signal(S.mp_nv, 12);
    dict.audio = tr_keep_signal(pc.kernels * pc.audio_len, 13);
    dict.video = tr_keep_signal(pc.kernels * pc.kernel_t * pc.kernel_h * pc.kernel_w, 14);
    bad |= avloc_mp_dict_normalize(&pc, &dict) != AVLOC_OK;
    bad |= avloc_mp_coder_query(&pc, &ob, &S.mp_sb) != AVLOC_OK;
    bad |= avloc_mp_coder_init(&S.mp, &pc, tr_keep(ob), ob) != AVLOC_OK;
    bad |= avloc_mp_coder_set_dict(&S.mp, &dict, tr_keep(S.mp_sb), S.mp_sb) != AVLOC_OK;

    file = rel_load_nn("resnet_audio.safetensors", &fsize);
    tr_own(file, fsize);
    if (!file) return 1;
    bad |= avloc_nn_query(file, fsize, &ob) != AVLOC_OK;
    if (avloc_nn_init(&S.net, file, fsize, tr_keep(ob), ob) != AVLOC_OK || S.net.n_inputs > 8 || S.net.n_outputs > 8) return 1;
    for (k = 0; k < S.net.n_inputs; k++) {
        avloc_nn_tensor_info ti;
        bad |= avloc_nn_input_info(&S.net, k, &ti) != AVLOC_OK;
        S.nn_in[k] = tr_keep_signal(ti.numel, (unsigned)(k + 21));
    }
    for (k = 0; k < S.net.n_outputs; k++) {
        avloc_nn_tensor_info ti;
        bad |= avloc_nn_output_info(&S.net, k, &ti) != AVLOC_OK;
        S.nn_out_numel[k] = ti.numel;
    }
    return bad;
    /* (the shared objects live until exit: the test owns nothing else) */
}

/* One call over a real pool against the same split run serially (the
   scrambling runner): the products, the SVT and the plain RPCA solve. */
static void tr_pool_checks(void)
{
    const size_t m = 243, n = 121, mn = m * n;
    float *D = rel_signal(mn, 7), *L[2], *Sp[2], *A = rel_signal(1300 * 40, 8), *O[2], *P[2], *Q[2], *R[2];
    size_t w, k, i, ob, sb, rank, d;
    for (i = 0; i < mn; i += 7) D[i] *= 4.0f; /* spikes on a smooth background */
    for (w = 2; w <= 3; w++) {
        avloc_pool pool;
        tr_runner tr;
        size_t got = avloc_pool_init(&pool, w);
        CHECK_EQ_INT(got, w);
        for (k = 0; k < 2; k++) { /* k = 0: the real pool, 1: serial */
            avloc_threads th = k ? tr_init(&tr, w) : pool.th;
            avloc_rpca_config c = avloc_rpca_config_default();
            avloc_tsvd_config tc = avloc_tsvd_config_default();
            avloc_rpca r;
            avloc_tsvd t;
            void *mem, *scr;
            avloc_rpca_info info;
            c.rows = m; c.cols = n; c.svt_method = AVLOC_SVT_GRAM; c.threads = th;
            L[k] = (float *)rel_buf(mn * 4); Sp[k] = (float *)rel_buf(mn * 4); O[k] = (float *)rel_buf(1300 * 40 * 4);
            P[k] = (float *)rel_buf(1300 * 1300 * 4);
            Q[k] = (float *)rel_buf(2 * 1300 * 40 * 4);
            R[k] = (float *)rel_buf(1300 * 40 * 4);
            CHECK_EQ_INT(avloc_rpca_query(&c, &ob, &sb), AVLOC_OK);
            mem = rel_buf(ob); scr = rel_buf(sb);
            CHECK_EQ_INT(avloc_rpca_init(&r, &c, mem, ob), AVLOC_OK);
            CHECK_EQ_INT(avloc_rpca_solve_f32(&r, D, L[k], Sp[k], NULL, &info, scr, sb), AVLOC_OK);
            CHECK(info.converged);
            free(mem); free(scr);
            tc.m = 1300; tc.n = 40; tc.max_rank = 40; tc.svt_method = AVLOC_SVT_GRAM; tc.threads = th;
            CHECK_EQ_INT(avloc_tsvd_query(&tc, &ob), AVLOC_OK);
            mem = rel_buf(ob);
            CHECK_EQ_INT(avloc_tsvd_init(&t, &tc, mem, ob), AVLOC_OK);
            CHECK_EQ_INT(avloc_svt_f32(&t, A, 40, 0.5f, O[k], 40, &rank), AVLOC_OK);
            /* a low rank (the factored product) and in place (chunks copied
               into each worker's buffer first) */
            memcpy(Q[k], A, 1300 * 40 * 4);
            CHECK_EQ_INT(avloc_svt_f32(&t, Q[k], 40, 14.0f, Q[k] + 1300 * 40, 40, &rank), AVLOC_OK);
            CHECK(rank >= 1 && rank <= 20);
            CHECK_EQ_INT(avloc_svt_f32(&t, Q[k], 40, 0.1f, Q[k], 40, &rank), AVLOC_OK);
            free(mem);
            /* the randomised range finder: its streamed orthonormalisation
               (1300 rows: six chunks in six slabs) */
            tc.svt_method = AVLOC_SVT_RANDOMISED;
            CHECK_EQ_INT(avloc_tsvd_query(&tc, &ob), AVLOC_OK);
            mem = rel_buf(ob);
            CHECK_EQ_INT(avloc_tsvd_init(&t, &tc, mem, ob), AVLOC_OK);
            CHECK_EQ_INT(avloc_svt_f32(&t, A, 40, 2.0f, R[k], 40, &rank), AVLOC_OK);
            CHECK(rank >= 1);
            CHECK_EQ_INT(avloc_gemm_threads_scratch_f32(1300, 1300, 40, w, &sb), AVLOC_OK);
            scr = rel_buf(sb); /* A A^T: 1300 x 1300 */
            CHECK_EQ_INT(avloc_gemm_threads_f32(&th, 0, 1, 1300, 1300, 40, 0.5f, A, 40, A, 40, 0.0f, P[k], 1300, scr,
                                                sb), AVLOC_OK);
            free(mem); free(scr);
        }
        for (d = 0, i = 0; i < mn; i++) d += L[0][i] != L[1][i] || Sp[0][i] != Sp[1][i];
        for (i = 0; i < 1300 * 40; i++) d += O[0][i] != O[1][i] || R[0][i] != R[1][i];
        for (i = 0; i < 1300 * 1300; i++) d += P[0][i] != P[1][i];
        for (i = 0; i < 2 * 1300 * 40; i++) d += Q[0][i] != Q[1][i];
        CHECK_MSG(d == 0, "%u workers: %u values of the pool's run differ from the serial split", (unsigned)w,
                  (unsigned)d);
        {   /* the MP coder (set_dict's tables, the first pass, the per-atom
               updates; in low-memory mode the table rows' kernel pairs) over
               the pool against the same split run serially; frames of 24 x
               32 and 8 x 8 x 6 kernels, so that the two halves of an update
               overlap in time */
            avloc_mp_config pc = avloc_mp_config_default();
            avloc_mp_dict dict;
            avloc_mp_atom at[2][30];
            size_t n[2] = {0, 0}, na, nv, lm;
            float *res[2], *au, *vi;
            pc.kernels = 6; pc.audio_len = 800; pc.kernel_t = 6; pc.kernel_h = 8; pc.kernel_w = 8;
            pc.audio_samples = 8000; pc.frames = 30; pc.height = 24; pc.width = 32;
            na = pc.audio_samples; nv = pc.frames * pc.height * pc.width;
            au = rel_signal(na, 21); vi = rel_signal(nv, 22);
            dict.audio = rel_signal(pc.kernels * pc.audio_len, 23);
            dict.video = rel_signal(pc.kernels * 6 * 8 * 8, 24);
            CHECK_EQ_INT(avloc_mp_dict_normalize(&pc, &dict), AVLOC_OK);
            for (lm = 0; lm < 2; lm++) {
                pc.low_memory = (int)lm;
                for (k = 0; k < 2; k++) {
                    avloc_mp_coder mc;
                    void *mem, *scr;
                    pc.threads = k ? tr_init(&tr, w) : pool.th;
                    CHECK_EQ_INT(avloc_mp_coder_query(&pc, &ob, &sb), AVLOC_OK);
                    mem = rel_buf(ob); scr = rel_buf(sb);
                    res[k] = (float *)rel_buf((na + nv) * 4);
                    CHECK_EQ_INT(avloc_mp_coder_init(&mc, &pc, mem, ob), AVLOC_OK);
                    CHECK_EQ_INT(avloc_mp_coder_set_dict(&mc, &dict, scr, sb), AVLOC_OK);
                    CHECK_EQ_INT(avloc_mp_code_f32(&mc, au, vi, 30, 0.0f, at[k], &n[k], res[k], res[k] + na, scr, sb),
                                 AVLOC_OK);
                    avloc_mp_coder_destroy(&mc);
                    free(mem); free(scr);
                }
                CHECK_MSG(n[0] == 30 && n[1] == 30 && memcmp(at[0], at[1], sizeof at[0]) == 0 &&
                          memcmp(res[0], res[1], (na + nv) * 4) == 0, "%u workers, low memory %u: the pool's MP atoms differ",
                          (unsigned)w, (unsigned)lm);
                free(res[0]); free(res[1]);
            }
            free(au); free(vi); free(dict.audio); free(dict.video);
        }
        avloc_pool_uninit(&pool);
        for (k = 0; k < 2; k++) { free(L[k]); free(Sp[k]); free(O[k]); free(P[k]); free(Q[k]); free(R[k]); }
    }
    free(D); free(A);
}

int main(void)
{
    pthread_t th[TR_THREADS];
    tr_result res[TR_THREADS];
    unsigned char *ref;
    size_t nb;
    int i;
    uint64_t shared;
    if (tr_setup() != 0) { CHECK_MSG(0, "setup failed"); tr_release(); return th_finish("test_threads"); }
    shared = tr_shared_hash();
    nb = tr_out_bytes();
    ref = (unsigned char *)rel_buf(nb);
    memset(ref, 0xA5, nb); /* as each thread's buffer: bytes no call writes compare equal */
    CHECK(tr_run_all(ref) == 0);
    tr_reference = ref;
    for (i = 0; i < TR_THREADS; i++) {
        res[i].out = (unsigned char *)rel_buf(nb); res[i].n_out = nb; res[i].mismatches = 0; res[i].failed = 0;
        CHECK(pthread_create(&th[i], NULL, tr_thread, &res[i]) == 0);
    }
    for (i = 0; i < TR_THREADS; i++) {
        CHECK(pthread_join(th[i], NULL) == 0);
        CHECK_MSG(res[i].failed == 0, "thread %d: a call failed", i);
        CHECK_MSG(res[i].mismatches == 0, "thread %d: %ld of %d runs differ from the single-threaded bytes", i,
                  res[i].mismatches, TR_ITERS);
        free(res[i].out);
    }
    CHECK_MSG(tr_shared_hash() == shared, "a call wrote to a shared object or its memory (read-only after init)");
    printf("  %d threads x %d runs of FFT(%d) + melspec + binaural plan + GLLiM posterior + MP coder + nn "
           "(%u nodes): %lu bytes each, identical to the single-threaded run: %s\n",
           TR_THREADS, TR_ITERS, (int)TR_FFT, (unsigned)S.net.n_nodes, (unsigned long)nb, th_failed ? "NO" : "yes");
    free(ref);
    tr_pool_checks(); /* (uses the shared MP coder) */
    tr_release();
    return th_finish("test_threads");
}
#else
int main(void)
{
    printf("test_threads: skipped (no POSIX threads)\n");
    return th_finish("test_threads");
}
#endif
