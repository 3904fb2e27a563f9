/* tools/determinism.c - fixed inputs through every module, outputs written
   for comparison across runs and builds (issue 14, item 5;
   tools/check_determinism.sh drives it).

   determinism OUTDIR        runs each module on deterministic inputs, writes
                             OUTDIR/<module>.f64 (the outputs as doubles) and
                             prints "<module> <count> <FNV-1a of the bytes>"
   determinism --compare A B per module: the largest |a - b| divided by the
                             largest |a| of the module (its scale), and the
                             count of differing values; exit 1 if a module
                             is missing or has another count

   Modules: real FFT (n 1000) and Bluestein complex FFT (n 4099), STFT,
   mel spectrogram + MFCC, binaural features, GCC-PHAT delays, SVD, GEMM,
   truncated SVD, GLLiM EM (8 iterations) + posterior, MP coder, plain RPCA,
   audio-visual RPCA, a golden network (resnet_audio), array MFCC image.
   Run from the repository root (the network is tests/golden/nn/). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AVLOC_IMPLEMENTATION
#include "../avloc.h"
#include "../avloc_dsp.h"
#include "../avloc_gllim.h"
#include "../avloc_mp.h"
#include "../avloc_nn.h"
#include "../avloc_rpca.h"
/* the test suite's deterministic signal and zeroed blocks (rel_signal, rel_buf) */
#include "../tests/harness.h"
#include "../tests/rel_util.h"

static const char *dt_dir;
static int dt_failed = 0;

static void dt_check(avloc_result r, const char *what)
{
    if (r < 0) { fprintf(stderr, "%s: %s\n", what, avloc_result_str(r)); dt_failed = 1; }
}

/* Writes the values (as doubles) and prints count and hash. */
static void dt_emit(const char *module, const double *v, size_t n)
{
    char path[512];
    FILE *f;
    uint64_t h = 1469598103934665603u;
    const unsigned char *b = (const unsigned char *)v;
    size_t i;
    for (i = 0; i < n * sizeof(double); i++) { h ^= b[i]; h *= 1099511628211u; }
    printf("%-12s %8lu %016llx\n", module, (unsigned long)n, (unsigned long long)h);
    snprintf(path, sizeof path, "%s/%s.f64", dt_dir, module);
    f = fopen(path, "wb");
    if (!f || fwrite(v, sizeof(double), n, f) != n) { fprintf(stderr, "cannot write %s\n", path); dt_failed = 1; }
    if (f) fclose(f);
}
static void dt_emit_f32(const char *module, const float *x, size_t n)
{
    double *v = (double *)rel_buf(n * sizeof(double));
    size_t i;
    for (i = 0; i < n; i++) v[i] = x[i];
    dt_emit(module, v, n);
    free(v);
}

static void dt_fft(void)
{
    avloc_fft_f32 plan;
    size_t pb, sb, n;
    void *mem, *scr;
    float *x = rel_signal(2 * 4099, 1);
    avloc_complex_f32 *y = (avloc_complex_f32 *)rel_buf(4099 * sizeof(avloc_complex_f32));
    avloc_fft_config fc;
    n = fc.n = 1000;
    fc.kind = AVLOC_FFT_REAL;
    dt_check(avloc_fft_query_f32(&fc, &pb, &sb), "fft query");
    mem = rel_buf(pb); scr = rel_buf(sb);
    dt_check(avloc_fft_init_f32(&plan, &fc, mem, pb), "fft init");
    dt_check(avloc_fft_r2c_f32(&plan, x, y, scr, sb), "r2c");
    dt_emit_f32("fft_real", (const float *)y, 2 * (n / 2 + 1));
    avloc_fft_destroy_f32(&plan); free(mem); free(scr);
    n = fc.n = 4099;
    fc.kind = AVLOC_FFT_COMPLEX;
    dt_check(avloc_fft_query_f32(&fc, &pb, &sb), "fft query");
    mem = rel_buf(pb); scr = rel_buf(sb);
    dt_check(avloc_fft_init_f32(&plan, &fc, mem, pb), "fft init");
    dt_check(avloc_fft_c2c_f32(&plan, (const avloc_complex_f32 *)x, y, AVLOC_FFT_FORWARD, scr, sb), "c2c");
    dt_emit_f32("fft_bluestein", (const float *)y, 2 * n);
    avloc_fft_destroy_f32(&plan); free(mem); free(scr); free(x); free(y);
}

static void dt_stft_mel(void)
{
    avloc_melspec_config c = avloc_melspec_config_librosa_mfcc();
    avloc_melspec_f32 m;
    avloc_stft_f32 st;
    size_t ob, sb, nf = 0, n = 16000;
    void *mem, *scr;
    float *x = rel_signal(n, 2), *mel, *mfcc;
    avloc_complex_f32 *spec;
    c.stft.n_fft = 512; c.stft.hop = 160; c.stft.win_length = 0; c.n_mels = 40; c.n_mfcc = 13; c.sample_rate = 16000;
    c.fmax = 8000;
    dt_check(avloc_stft_frames(&c.stft, n, &nf), "frames");
    dt_check(avloc_stft_query_f32(&c.stft, &ob, &sb), "stft query");
    mem = rel_buf(ob); scr = rel_buf(sb);
    spec = (avloc_complex_f32 *)rel_buf(nf * 257 * sizeof(avloc_complex_f32));
    dt_check(avloc_stft_init_f32(&st, &c.stft, mem, ob), "stft init");
    dt_check(avloc_stft_forward_f32(&st, x, n, spec, nf, scr, sb), "stft");
    dt_emit_f32("stft", (const float *)spec, 2 * nf * 257);
    avloc_stft_destroy_f32(&st); free(mem); free(scr); free(spec);
    dt_check(avloc_melspec_query_f32(&c, &ob, &sb), "melspec query");
    mem = rel_buf(ob); scr = rel_buf(sb);
    mel = (float *)rel_buf(nf * 40 * sizeof(float)); mfcc = (float *)rel_buf(nf * 13 * sizeof(float));
    dt_check(avloc_melspec_init_f32(&m, &c, mem, ob), "melspec init");
    dt_check(avloc_melspec_mfcc_f32(&m, x, n, mel, mfcc, nf, scr, sb), "mfcc");
    dt_emit_f32("logmel", mel, nf * 40);
    dt_emit_f32("mfcc", mfcc, nf * 13);
    avloc_melspec_destroy_f32(&m); free(mem); free(scr); free(mel); free(mfcc); free(x);
}

static void dt_binaural_gcc(void)
{
    avloc_binaural_config bc = avloc_binaural_config_default();
    avloc_gcc_config gc = avloc_gcc_config_default();
    avloc_gcc_f32 g;
    size_t n = 8000, nf = 0, sb, act = 0, D, gob, gsb, gnf = 0;
    void *scr, *gmem, *gscr;
    float *l = rel_signal(n, 3), *r = rel_signal(n, 4), *feat, *del;
    unsigned char *mask;
    size_t i;
    for (i = 5; i < n; i++) r[i] += 0.8f * l[i - 5]; /* a delayed copy: a real peak */
    bc.n_fft = 256; bc.hop = 128; bc.n_bins = 64;
    D = 3 * bc.n_bins;
    dt_check(avloc_binaural_frames(&bc, n, &nf), "binaural frames");
    dt_check(avloc_binaural_scratch_f32(&bc, n, &sb), "binaural scratch");
    scr = rel_buf(sb);
    feat = (float *)rel_buf(nf * D * sizeof(float)); mask = (unsigned char *)rel_buf(nf * D);
    dt_check(avloc_binaural_features_f32(&bc, l, r, n, feat, mask, nf, &act, scr, sb), "binaural");
    for (i = 0; i < nf * D; i++) if (!mask[i]) feat[i] = 0; /* inactive points carry no information */
    dt_emit_f32("binaural", feat, nf * D);
    gc.frame_length = 512; gc.n_fft = 1024; gc.hop = 256;
    dt_check(avloc_gcc_query_f32(&gc, &gob, &gsb), "gcc query");
    gmem = rel_buf(gob); gscr = rel_buf(gsb);
    dt_check(avloc_gcc_init_f32(&g, &gc, gmem, gob), "gcc init");
    dt_check(avloc_gcc_frames(&gc, n, &gnf), "gcc frames");
    del = (float *)rel_buf(2 * gnf * sizeof(float));
    dt_check(avloc_gcc_delays_f32(&g, l, r, n, del, del + gnf, gnf, gscr, gsb), "gcc");
    dt_emit_f32("gcc_phat", del, 2 * gnf);
    avloc_gcc_destroy_f32(&g);
    free(scr); free(feat); free(mask); free(gmem); free(gscr); free(del); free(l); free(r);
}

static void dt_linalg(void)
{
    enum { M = 40, N = 24, K = 33 };
    double *A = (double *)rel_buf(M * N * sizeof(double)), *s = (double *)rel_buf(N * sizeof(double));
    float *Af = rel_signal(M * N, 5), *Bf = rel_signal(N * K, 6), *Cf = (float *)rel_buf(M * K * sizeof(float));
    float *U = (float *)rel_buf(M * 4 * sizeof(float)), *sv = (float *)rel_buf(4 * sizeof(float));
    size_t i, sb = 0, tb = 0;
    void *scr, *tmem;
    avloc_tsvd_config tc = avloc_tsvd_config_default();
    avloc_tsvd t;
    double *out = (double *)rel_buf((N + M * K + 4) * sizeof(double));
    for (i = 0; i < M * N; i++) A[i] = Af[i];
    dt_check(avloc_svd_scratch_f64(M, N, &sb), "svd scratch");
    scr = rel_buf(sb);
    dt_check(avloc_svd_f64(M, N, A, N, NULL, 0, s, NULL, 0, scr, sb), "svd");
    free(scr);
    dt_emit("svd", s, N);
    dt_check(avloc_gemm_scratch_f32(M, K, N, &sb), "gemm scratch");
    scr = rel_buf(sb);
    dt_check(avloc_gemm_f32(0, 0, M, K, N, 1.0f, Af, N, Bf, K, 0.0f, Cf, K, scr, sb), "gemm");
    dt_emit_f32("gemm", Cf, M * K);
    free(scr);
    tc.m = M; tc.n = N; tc.max_rank = 4;
    dt_check(avloc_tsvd_query(&tc, &tb), "tsvd query");
    tmem = rel_buf(tb);
    dt_check(avloc_tsvd_init(&t, &tc, tmem, tb), "tsvd init");
    dt_check(avloc_tsvd_f32(&t, Af, N, 4, U, 4, sv, NULL, 0), "tsvd");
    dt_emit_f32("tsvd", sv, 4);
    avloc_tsvd_destroy(&t);
    free(A); free(s); free(Af); free(Bf); free(Cf); free(U); free(sv); free(tmem); free(out);
}

static void dt_gllim(void)
{
    enum { NT = 300, L = 2, D = 12, K = 4, T = 20 };
    double *X = (double *)rel_buf(NT * L * sizeof(double)), *Y = (double *)rel_buf(NT * D * sizeof(double));
    float *feat = (float *)rel_buf(T * D * sizeof(float));
    unsigned char *mask = (unsigned char *)rel_buf(T * D);
    avloc_gllim_train_config tc = avloc_gllim_train_config_default();
    avloc_gllim_model model;
    avloc_gllim_posterior post;
    avloc_gllim_train_info info;
    size_t mb, sb, pb, qb, i, d;
    void *mmem, *scr, *pmem, *qscr;
    double out[K * (1 + D) + 2 + 1];
    for (i = 0; i < NT; i++) {
        X[i * L] = sin(0.37 * (double)i); X[i * L + 1] = cos(0.21 * (double)i);
        for (d = 0; d < D; d++)
            Y[i * D + d] = sin((double)(d + 1) * X[i * L]) - 0.5 * X[i * L + 1] * (double)d + 0.01 * sin((double)(i * D + d));
    }
    for (i = 0; i < T * D; i++) { feat[i] = (float)Y[i + 40 * D]; mask[i] = (unsigned char)(i % 7 != 0); }
    tc.K = K; tc.max_iter = 8; tc.tol = 0;
    dt_check(avloc_gllim_model_query(K, L, D, &mb), "model query");
    dt_check(avloc_gllim_train_query(&tc, NT, L, D, &sb), "train query");
    mmem = rel_buf(mb); scr = rel_buf(sb);
    dt_check(avloc_gllim_model_init(&model, K, L, D, mmem, mb), "model init");
    dt_check(avloc_gllim_train_f64(&tc, X, Y, NT, &model, scr, sb, &info), "train");
    for (i = 0; i < K; i++) out[i] = model.pi[i];
    for (i = 0; i < K * D; i++) out[K + i] = model.b[i];
    dt_check(avloc_gllim_posterior_query(&model, &pb, &qb), "posterior query");
    pmem = rel_buf(pb); qscr = rel_buf(qb);
    dt_check(avloc_gllim_posterior_init(&post, &model, pmem, pb), "posterior init");
    dt_check(avloc_gllim_posterior_f32(&model, feat, mask, T, &post, qscr, qb), "posterior");
    out[K * (1 + D)] = post.mean[0];
    out[K * (1 + D) + 1] = post.mean[1];
    out[K * (1 + D) + 2] = info.loglik;
    dt_emit("gllim", out, K * (1 + D) + 3);
    free(X); free(Y); free(feat); free(mask); free(mmem); free(scr); free(pmem); free(qscr);
}

static void dt_mp(void)
{
    avloc_mp_config c = avloc_mp_config_default();
    avloc_mp_coder coder;
    avloc_mp_dict dict;
    avloc_mp_atom atoms[12];
    size_t ob, sb, n = 0, na, nv, i;
    void *mem, *scr;
    float *audio, *video, *ra, *rv;
    double out[12 * 6];
    c.kernels = 3; c.audio_len = 30; c.kernel_t = 2; c.kernel_h = 3; c.kernel_w = 3;
    c.audio_samples = 400; c.frames = 6; c.height = 8; c.width = 8;
    na = c.audio_samples; nv = c.frames * c.height * c.width;
    audio = rel_signal(na, 11); video = rel_signal(nv, 12);
    dict.audio = rel_signal(c.kernels * c.audio_len, 13);
    dict.video = rel_signal(c.kernels * c.kernel_t * c.kernel_h * c.kernel_w, 14);
    ra = (float *)rel_buf(na * sizeof(float)); rv = (float *)rel_buf(nv * sizeof(float));
    dt_check(avloc_mp_dict_normalize(&c, &dict), "normalize");
    dt_check(avloc_mp_coder_query(&c, &ob, &sb), "coder query");
    mem = rel_buf(ob); scr = rel_buf(sb);
    dt_check(avloc_mp_coder_init(&coder, &c, mem, ob), "coder init");
    dt_check(avloc_mp_coder_set_dict(&coder, &dict, scr, sb), "set dict");
    dt_check(avloc_mp_code_f32(&coder, audio, video, 12, 0.0f, atoms, &n, ra, rv, scr, sb), "code");
    memset(out, 0, sizeof out);
    for (i = 0; i < n; i++) {
        out[6 * i] = (double)atoms[i].k; out[6 * i + 1] = (double)atoms[i].offset;
        out[6 * i + 2] = (double)atoms[i].row; out[6 * i + 3] = (double)atoms[i].col;
        out[6 * i + 4] = atoms[i].ca; out[6 * i + 5] = atoms[i].cv;
    }
    dt_emit("mp", out, 12 * 6);
    avloc_mp_coder_destroy(&coder);
    free(mem); free(scr); free(audio); free(video); free(dict.audio); free(dict.video); free(ra); free(rv);
}

static void dt_rpca(void)
{
    enum { M = 30, N = 20, PX = 24, BINS = 10, T = 12 };
    avloc_rpca_config c = avloc_rpca_config_default();
    avloc_rpca r;
    avloc_rpca_av_config ac = avloc_rpca_av_config_default();
    avloc_rpca_av av;
    avloc_rpca_av_state st;
    avloc_rpca_info info;
    size_t ob, sb, stb, i, j;
    void *mem, *scr, *amem, *ascr, *smem;
    float *D = (float *)rel_buf(M * N * sizeof(float)), *L = (float *)rel_buf(M * N * sizeof(float));
    float *S = (float *)rel_buf(M * N * sizeof(float)), *noise = rel_signal(M * N, 31);
    float *V = rel_signal(PX * T, 32), *A = rel_signal(BINS * T, 33);
    for (i = 0; i < M; i++) /* rank 2 plus sparse spikes */
        for (j = 0; j < N; j++)
            D[i * N + j] = (float)(sin(0.3 * (double)i) * cos(0.2 * (double)j) + 0.5 * cos(0.7 * (double)i) * sin(0.1 * (double)j)) +
                           (((i * N + j) % 17 == 0) ? 3.0f * noise[i * N + j] : 0.0f);
    c.rows = M; c.cols = N; c.max_iter = 40;
    dt_check(avloc_rpca_query(&c, &ob, &sb), "rpca query");
    mem = rel_buf(ob); scr = rel_buf(sb);
    dt_check(avloc_rpca_init(&r, &c, mem, ob), "rpca init");
    dt_check(avloc_rpca_solve_f32(&r, D, L, S, NULL, &info, scr, sb), "rpca");
    dt_emit_f32("rpca", L, M * N);
    ac.pixels = PX; ac.bins = BINS; ac.frames = T; ac.max_iter = 15;
    dt_check(avloc_rpca_av_query(&ac, &ob, &sb), "av query");
    amem = rel_buf(ob); ascr = rel_buf(sb);
    dt_check(avloc_rpca_av_init(&av, &ac, amem, ob), "av init");
    dt_check(avloc_rpca_av_state_query(&av, &stb), "state query");
    smem = rel_buf(stb);
    dt_check(avloc_rpca_av_state_init(&st, &av, smem, stb), "state init");
    dt_check(avloc_rpca_av_solve_f32(&av, V, A, &st, 0, &info, ascr, sb), "av solve");
    dt_emit_f32("rpca_av", st.Pv, PX * T);
    avloc_rpca_destroy(&r); avloc_rpca_av_destroy(&av);
    free(mem); free(scr); free(amem); free(ascr); free(smem); free(D); free(L); free(S); free(noise); free(V); free(A);
}

static void dt_nn(void)
{
    FILE *f = fopen("tests/golden/nn/resnet_audio.safetensors", "rb");
    long size;
    unsigned char *file;
    avloc_nn net;
    avloc_nn_tensor_info ti;
    size_t ob, k, total = 0;
    void *mem, *arena, *scr;
    const float *in[8];
    float *out[8];
    double *all;
    if (!f) { fprintf(stderr, "cannot open tests/golden/nn/resnet_audio.safetensors (run from the repo root)\n"); dt_failed = 1; return; }
    fseek(f, 0, SEEK_END); size = ftell(f); fseek(f, 0, SEEK_SET);
    file = (unsigned char *)rel_buf((size_t)size);
    if (fread(file, 1, (size_t)size, f) != (size_t)size) { fclose(f); dt_failed = 1; free(file); return; }
    fclose(f);
    dt_check(avloc_nn_query(file, (size_t)size, &ob), "nn query");
    mem = rel_buf(ob);
    dt_check(avloc_nn_init(&net, file, (size_t)size, mem, ob), "nn init");
    if (net.n_inputs > 8 || net.n_outputs > 8) { dt_failed = 1; return; }
    for (k = 0; k < net.n_inputs; k++) {
        avloc_nn_input_info(&net, k, &ti);
        in[k] = rel_signal(ti.numel, (unsigned)(k + 7));
    }
    for (k = 0; k < net.n_outputs; k++) {
        avloc_nn_output_info(&net, k, &ti);
        out[k] = (float *)rel_buf(ti.numel * sizeof(float));
        total += ti.numel;
    }
    arena = rel_buf(net.arena_bytes); scr = rel_buf(net.scratch_bytes);
    dt_check(avloc_nn_run_f32(&net, in, out, arena, net.arena_bytes, scr, net.scratch_bytes), "nn run");
    all = (double *)rel_buf(total * sizeof(double));
    total = 0;
    for (k = 0; k < net.n_outputs; k++) {
        size_t i;
        avloc_nn_output_info(&net, k, &ti);
        for (i = 0; i < ti.numel; i++) all[total++] = out[k][i];
    }
    dt_emit("nn_resnet", all, total);
    for (k = 0; k < net.n_inputs; k++) free((void *)(uintptr_t)in[k]);
    for (k = 0; k < net.n_outputs; k++) free(out[k]);
    avloc_nn_destroy(&net);
    free(all); free(arena); free(scr); free(mem); free(file);
}

static void dt_array(void)
{
    static const float xyz[4 * 3] = {0, 0, 0, 0.1f, 0, 0, 0, 0.1f, 0, 0.1f, 0.1f, 0.02f};
    avloc_array_config c = avloc_array_config_default();
    avloc_array_f32 a;
    size_t ob, sb, nd;
    void *mem, *scr;
    float *x, *img;
    c.n_mics = 4; c.mic_xyz = xyz; c.rows = 6; c.cols = 8; c.n_mfcc = 6; c.n_mels = 20;
    nd = c.rows * c.cols;
    dt_check(avloc_array_query_f32(&c, &ob, &sb), "array query");
    mem = rel_buf(ob); scr = rel_buf(sb);
    x = rel_signal(c.frame_length * c.n_mics, 41);
    img = (float *)rel_buf(nd * c.n_mfcc * sizeof(float));
    dt_check(avloc_array_init_f32(&a, &c, mem, ob), "array init");
    dt_check(avloc_array_mfcc_f32(&a, x, c.frame_length, img, NULL, scr, sb), "array mfcc");
    dt_emit_f32("array_mfcc", img, nd * c.n_mfcc);
    avloc_array_destroy_f32(&a);
    free(mem); free(scr); free(x); free(img);
}

/* ------------------------------------------------------------ comparison */
static double *dt_read(const char *dir, const char *module, size_t *n)
{
    char path[512];
    FILE *f;
    long sz;
    double *v;
    snprintf(path, sizeof path, "%s/%s.f64", dir, module);
    *n = 0;
    f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END); sz = ftell(f); fseek(f, 0, SEEK_SET);
    v = (double *)rel_buf((size_t)sz);
    *n = (size_t)sz / sizeof(double);
    if (fread(v, sizeof(double), *n, f) != *n) { free(v); v = NULL; }
    fclose(f);
    return v;
}

static const char *const dt_modules[] = {"fft_real", "fft_bluestein", "stft", "logmel", "mfcc", "binaural",
                                         "gcc_phat", "svd", "gemm", "tsvd", "gllim", "mp", "rpca", "rpca_av",
                                         "nn_resnet", "array_mfcc"};

static int dt_compare(const char *a, const char *b)
{
    size_t m, i, na, nb;
    int bad = 0;
    for (m = 0; m < sizeof dt_modules / sizeof dt_modules[0]; m++) {
        double *va = dt_read(a, dt_modules[m], &na), *vb = dt_read(b, dt_modules[m], &nb);
        double scale = 0, diff = 0;
        size_t ndiff = 0;
        if (!va || !vb || na != nb) {
            printf("%-12s MISSING or count %lu vs %lu\n", dt_modules[m], (unsigned long)na, (unsigned long)nb);
            bad = 1;
        } else {
            for (i = 0; i < na; i++) {
                double d = fabs(va[i] - vb[i]);
                if (fabs(va[i]) > scale) scale = fabs(va[i]);
                if (!(d <= diff)) diff = d; /* NaN counts as the largest */
                if (memcmp(&va[i], &vb[i], sizeof(double)) != 0) ndiff++;
            }
            printf("%-12s %8lu values  differing %8lu  max|diff|/max|a| %.3g\n", dt_modules[m], (unsigned long)na,
                   (unsigned long)ndiff, scale > 0 ? diff / scale : diff);
        }
        free(va); free(vb);
    }
    return bad;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--compare") == 0) return dt_compare(argv[2], argv[3]);
    if (argc != 2) {
        fprintf(stderr, "usage: determinism OUTDIR | determinism --compare DIR_A DIR_B\n");
        return 2;
    }
    dt_dir = argv[1];
    dt_fft();
    dt_stft_mel();
    dt_binaural_gcc();
    dt_linalg();
    dt_gllim();
    dt_mp();
    dt_rpca();
    dt_nn();
    dt_array();
    return dt_failed;
}
