/* Degenerate data (issue 14, item 6): GLLiM EM on duplicate points,
   constant features and K larger than the number of distinct points; RPCA
   on an all-zero and a rank-one matrix; matching pursuit on silence; a
   network on all-zero input; the numeric overflows of huge finite values
   (the fuzzers' regress_ files of fuzz/corpus, the AV-MP heat maps and
   whitening, a network's sums). Every case must end with a documented
   code and finite results (docs/reliability.md, "Degenerate data").
   Run with -v to print the measured figures. */
#ifndef AVLOC_TEST_SHARED_IMPL /* else the Makefile links the library's objects (tests/impl/) */
#define AVLOC_IMPLEMENTATION
#endif
#include "../avloc_gllim.h"
#include "../avloc_mp.h"
#include "../avloc_nn.h"
#include "../avloc_rpca.h"
#include "harness.h"

static int verbose;

static int finite_f64(const double *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!isfinite(x[i])) return 0;
    return 1;
}

/* A trained model is usable: finite parameters, weights summing to 1, and
   a finite posterior for a complete feature vector. */
static int model_sane(const avloc_gllim_model *m)
{
    double s = 0, x[AVLOC_GLLIM_MAX_L], alpha[16];
    float y[16];
    size_t k, d;
    if (!m->K || m->K > 16 || m->D > 16) return 0;
    if (!finite_f64(m->pi, m->K) || !finite_f64(m->c, m->K * m->L) || !finite_f64(m->A, m->K * m->D * m->L) ||
        !finite_f64(m->b, m->K * m->D) || !finite_f64(m->sigma2, m->K * m->D))
        return 0;
    for (k = 0; k < m->K; k++) s += m->pi[k];
    for (d = 0; d < m->D; d++) y[d] = 0.25f * (float)d;
    return fabs(s - 1.0) < 1e-9 && avloc_gllim_inverse_f32(m, y, x, alpha) == AVLOC_OK && finite_f64(x, m->L);
}

/* Trains K components on N points (X: N x 2, Y: N x D); returns the code,
   the model's K and the sanity of the result. */
static avloc_result train(const char *what, const double *X, const double *Y, size_t N, size_t D, size_t K,
                          size_t *K_used)
{
    avloc_gllim_train_config cfg = avloc_gllim_train_config_default();
    avloc_gllim_model m;
    avloc_gllim_train_info info;
    size_t mb, sb;
    void *mm, *sm;
    avloc_result r;
    cfg.K = K;
    cfg.max_iter = 30;
    cfg.min_weight = 0.5;
    if (avloc_gllim_model_query(K, 2, D, &mb) != AVLOC_OK || avloc_gllim_train_query(&cfg, N, 2, D, &sb) != AVLOC_OK)
        return AVLOC_ERR_SIZE;
    mm = malloc(mb);
    sm = malloc(sb);
    CHECK(avloc_gllim_model_init(&m, K, 2, D, mm, mb) == AVLOC_OK);
    r = avloc_gllim_train_f64(&cfg, X, Y, N, &m, sm, sb, &info);
    *K_used = r == AVLOC_OK ? m.K : 0;
    if (r == AVLOC_OK) CHECK_MSG(model_sane(&m), "%s: trained model not finite / usable", what);
    if (verbose)
        printf("  %s: %s, K %lu -> %lu, %lu iterations, loglik %.6g, reseeded %lu, removed %lu\n", what,
               avloc_result_str(r), (unsigned long)K, (unsigned long)*K_used, (unsigned long)info.iterations,
               r == AVLOC_OK ? info.loglik : 0.0, (unsigned long)info.n_reseeded, (unsigned long)info.n_removed);
    free(mm);
    free(sm);
    return r;
}

static void test_em_degenerate(void)
{
    enum { N = 60, D = 6 };
    static double X[N * 2], Y[N * D];
    size_t n, d, K_used;
    avloc_result r;
    /* every point identical */
    for (n = 0; n < N; n++) {
        X[2 * n] = 0.3; X[2 * n + 1] = -0.2;
        for (d = 0; d < D; d++) Y[n * D + d] = 0.1 * (double)d;
    }
    r = train("EM, 60 identical points, K 4", X, Y, N, D, 4, &K_used);
    CHECK(r == AVLOC_OK);
    CHECK(K_used >= 1 && K_used <= 4);
    /* constant features, varying positions */
    for (n = 0; n < N; n++) {
        X[2 * n] = (double)(n % 10) / 10.0; X[2 * n + 1] = (double)(n / 10) / 6.0;
        for (d = 0; d < D; d++) Y[n * D + d] = 1.0;
    }
    r = train("EM, constant features, K 4", X, Y, N, D, 4, &K_used);
    CHECK(r == AVLOC_OK);
    /* 3 distinct points, K 8 */
    for (n = 0; n < N; n++) {
        size_t g = n % 3;
        X[2 * n] = (double)g; X[2 * n + 1] = (double)g * 0.5;
        for (d = 0; d < D; d++) Y[n * D + d] = (double)(g + 1) * 0.2 * (double)(d + 1);
    }
    r = train("EM, 3 distinct points, K 8", X, Y, N, D, 8, &K_used);
    CHECK(r == AVLOC_OK);
    CHECK(K_used >= 1 && K_used <= 8);
    /* K larger than N: refused up front */
    r = train("EM, N 5 < K 8", X, Y, 5, D, 8, &K_used);
    CHECK(r == AVLOC_ERR_SIZE);
}

static void test_rpca_degenerate(void)
{
    enum { M = 20, NC = 12 };
    avloc_rpca_config cfg = avloc_rpca_config_default();
    avloc_rpca r;
    avloc_rpca_info info;
    static float Dm[M * NC], Lm[M * NC], Sm[M * NC];
    size_t ob, sb, i, j;
    void *om, *sm;
    double err = 0, nrm = 0, snorm = 0;
    avloc_result res;
    cfg.rows = M;
    cfg.cols = NC;
    CHECK(avloc_rpca_query(&cfg, &ob, &sb) == AVLOC_OK);
    om = malloc(ob);
    sm = malloc(sb);
    CHECK(avloc_rpca_init(&r, &cfg, om, ob) == AVLOC_OK);
    /* all zero: L = S = 0 at once */
    memset(Dm, 0, sizeof Dm);
    for (i = 0; i < M * NC; i++) Lm[i] = Sm[i] = 7.0f;
    res = avloc_rpca_solve_f32(&r, Dm, Lm, Sm, NULL, &info, sm, sb);
    CHECK(res == AVLOC_OK);
    for (i = 0; i < M * NC; i++) CHECK_MSG(Lm[i] == 0.0f && Sm[i] == 0.0f, "zero RPCA: L/S[%lu] not 0", (unsigned long)i);
    if (verbose)
        printf("  RPCA all-zero 20x12: %s, %lu iterations, rank %lu, nnz %lu, converged %d\n", avloc_result_str(res),
               (unsigned long)info.iters, (unsigned long)info.rank, (unsigned long)info.nnz, info.converged);
    /* rank one: all of it is low rank */
    for (i = 0; i < M; i++)
        for (j = 0; j < NC; j++) Dm[i * NC + j] = (float)(i + 1) * (float)(1.0 + 0.5 * sin((double)j));
    res = avloc_rpca_solve_f32(&r, Dm, Lm, Sm, NULL, &info, sm, sb);
    CHECK(res == AVLOC_OK);
    for (i = 0; i < M * NC; i++) {
        err += ((double)Lm[i] - Dm[i]) * ((double)Lm[i] - Dm[i]);
        nrm += (double)Dm[i] * Dm[i];
        snorm += (double)Sm[i] * Sm[i];
    }
    CHECK(info.rank == 1);
    CHECK(sqrt(err / nrm) < 1e-3);
    CHECK(sqrt(snorm / nrm) < 1e-3);
    if (verbose)
        printf("  RPCA rank-one 20x12: %s, %lu iterations, rank %lu, ||L-D||/||D|| %.2e, ||S||/||D|| %.2e\n",
               avloc_result_str(res), (unsigned long)info.iters, (unsigned long)info.rank, sqrt(err / nrm),
               sqrt(snorm / nrm));
    avloc_rpca_destroy(&r);
    free(om);
    free(sm);
}

static void test_mp_silence(void)
{
    avloc_mp_config c = avloc_mp_config_default();
    avloc_mp_coder coder;
    avloc_mp_dict dict;
    avloc_mp_atom atoms[8];
    size_t ob, sb, na = 99, i, nv;
    void *om, *sm;
    float *da, *dv, *a, *v, *ra, *rv;
    avloc_result r;
    c.kernels = 3; c.audio_len = 32; c.kernel_t = 2; c.kernel_h = 3; c.kernel_w = 3;
    c.audio_samples = 400; c.frames = 10; c.height = 8; c.width = 8;
    c.audio_rate = 400; c.video_fps = 10;
    nv = c.frames * c.height * c.width;
    CHECK(avloc_mp_coder_query(&c, &ob, &sb) == AVLOC_OK);
    om = malloc(ob); sm = malloc(sb);
    da = (float *)malloc(3 * 32 * sizeof(float));
    dv = (float *)malloc(3 * 18 * sizeof(float));
    a = (float *)calloc(c.audio_samples, sizeof(float));
    v = (float *)calloc(nv, sizeof(float));
    ra = (float *)malloc(c.audio_samples * sizeof(float));
    rv = (float *)malloc(nv * sizeof(float));
    for (i = 0; i < 96; i++) da[i] = (float)sin(0.3 * (double)i * (double)(1 + i / 32));
    for (i = 0; i < 54; i++) dv[i] = (float)((i * 7) % 5) - 2.0f;
    dict.audio = da; dict.video = dv;
    CHECK(avloc_mp_dict_normalize(&c, &dict) == AVLOC_OK);
    CHECK(avloc_mp_coder_init(&coder, &c, om, ob) == AVLOC_OK);
    CHECK(avloc_mp_coder_set_dict(&coder, &dict, sm, sb) == AVLOC_OK);
    r = avloc_mp_code_f32(&coder, a, v, 8, 0.0f, atoms, &na, ra, rv, sm, sb);
    CHECK(r == AVLOC_OK);
    CHECK_EQ_INT((int)na, 0); /* nothing to explain: no atom */
    r = avloc_mp_code_naive_f32(&c, &dict, a, v, 8, 0.0f, atoms, &na, ra, rv);
    CHECK(r == AVLOC_OK);
    CHECK_EQ_INT((int)na, 0);
    /* fuzz finding: finite samples whose correlation overflows float */
    for (i = 0; i < 32; i++) a[i] = da[i] >= 0 ? 3e38f : -3e38f;
    r = avloc_mp_code_f32(&coder, a, v, 8, 0.0f, atoms, &na, ra, rv, sm, sb);
    if (verbose) printf("  MP overflow: fast %d, %lu atoms, ca %g\n", (int)r, (unsigned long)na, na ? atoms[0].ca : 0.0);
    /* the fast coder's float FFT correlations overflow first: it reports
       it (it returned AVLOC_OK with 0 atoms before the first-pass check) */
    CHECK_EQ_INT(r, AVLOC_ERR_NUMERIC);
    CHECK_EQ_INT((int)na, 0);
    CHECK_EQ_INT(avloc_mp_code_naive_f32(&c, &dict, a, v, 8, 0.0f, atoms, &na, ra, rv), AVLOC_ERR_NUMERIC);
    if (verbose) printf("  MP on silence (400 samples, 10 frames 8x8): %s, %lu atoms\n", avloc_result_str(r), (unsigned long)na);
    avloc_mp_coder_destroy(&coder);
    free(om); free(sm); free(da); free(dv); free(a); free(v); free(ra); free(rv);
}

static int all_zero(const float *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (x[i] != 0.0f) return 0;
    return 1;
}

/* The localisation maps and the whitening on finite values of huge
   magnitude (issue 10's maps, found in session 39): each returned AVLOC_OK
   with Inf/NaN before. Now AVLOC_ERR_NUMERIC where the result passes
   float's range (maps zeroed, the video untouched), and a right answer
   where only the FFT's partial sums would have. */
static void test_mp_map_overflow(void)
{
    avloc_mp_config c = avloc_mp_config_default();
    avloc_mp_atom at[2];
    float dv[8], *video, *out, *copy;
    size_t nv, hw, i, sb;
    void *scr;
    int nan_or_inf = 0;
    c.kernels = 1; c.kernel_t = 2; c.kernel_h = 2; c.kernel_w = 2;
    c.audio_len = 10; c.audio_samples = 100; c.frames = 6; c.height = 6; c.width = 8;
    c.audio_rate = 100; c.video_fps = 10;
    hw = c.height * c.width;
    nv = c.frames * hw;
    video = (float *)malloc(nv * sizeof(float));
    out = (float *)malloc(nv * sizeof(float));
    copy = (float *)malloc(nv * sizeof(float));
    for (i = 0; i < 8; i++) dv[i] = 0.5f;
    for (i = 0; i < nv; i++) video[i] = (float)((i * 7919) % 13) * 1e30f;
    memset(at, 0, sizeof at);
    at[0].ca = 3e38f; at[0].cv = 3e38f; at[0].frame = 1;
    at[1].ca = 3e38f; at[1].cv = 1.0f; at[1].frame = 2; at[1].row = 1; at[1].col = 1;
    /* plain votes pass FLT_MAX (Inf); with the contrast +Inf and -Inf meet (NaN) */
    for (i = 0; i < 2; i++) {
        memset(out, 0x7f, nv * sizeof(float));
        CHECK_EQ_INT(avloc_mp_votes_f32(&c, dv, video, at, 2, i, out), AVLOC_ERR_NUMERIC);
        CHECK(all_zero(out, nv));
    }
    memset(out, 0x7f, nv * sizeof(float));
    CHECK_EQ_INT(avloc_mp_heatmap_f32(&c, dv, at, 2, out), AVLOC_ERR_NUMERIC); /* |ca cv| = Inf */
    CHECK(all_zero(out, nv));
    at[0].cv = 1.0f; /* in range: the heat is right, not zeroed */
    CHECK_EQ_INT(avloc_mp_heatmap_f32(&c, dv, at, 2, out), AVLOC_OK);
    CHECK(out[(1 * c.height + 0) * c.width + 0] == 0.5f * 3e38f);

    CHECK(avloc_mp_whiten_query(c.height, c.width, &sb) == AVLOC_OK);
    scr = malloc(sb);
    /* a frame whose l1 norm could take a whitened value past FLT_MAX */
    for (i = 0; i < nv; i++) video[i] = i < hw ? 0.0f : 3e38f;
    memcpy(copy, video, nv * sizeof(float));
    CHECK_EQ_INT(avloc_mp_whiten_f32(video, c.frames, c.height, c.width, 0.4, scr, sb), AVLOC_ERR_NUMERIC);
    CHECK(memcmp(copy, video, nv * sizeof(float)) == 0);
    /* a pulse of 2^127 in each frame, f0 = 1000 (R ~ f, the largest gains):
       the inverse FFT's sums before its 1/n (3.5 x 2^127 on a column at
       the pulse) pass FLT_MAX, the result (the filter's impulse response
       times 2^127) does not; and scaling by a power of two is exact, so it
       is the unit pulse's answer times 2^127, bit for bit */
    for (i = 0; i < nv; i++) video[i] = i % hw == 19 ? 1.0f : 0.0f;
    CHECK(avloc_mp_whiten_f32(video, c.frames, c.height, c.width, 1000.0, scr, sb) == AVLOC_OK);
    for (i = 0; i < nv; i++) copy[i] = i % hw == 19 ? ldexpf(1.0f, 127) : 0.0f;
    CHECK(avloc_mp_whiten_f32(copy, c.frames, c.height, c.width, 1000.0, scr, sb) == AVLOC_OK);
    for (i = 0; i < nv; i++) {
        nan_or_inf += !isfinite(copy[i]);
        if (copy[i] != ldexpf(video[i], 127)) break;
    }
    CHECK_MSG(i == nv && !nan_or_inf, "whitened 2^127 pulse differs from 2^127 x the unit pulse's at %lu",
              (unsigned long)i);
    if (verbose) printf("  MP maps and whitening on huge finite values: AVLOC_ERR_NUMERIC, pulse exact\n");
    free(video); free(out); free(copy); free(scr);
}

/* The microphone-array beamformer (acoustic images) on samples of 1e18:
   |X|^2 passes FLT_MAX. It returned AVLOC_OK with Inf powers (and the MFCC
   image called that "NaN or infinity in the input"); now
   AVLOC_ERR_NUMERIC, the powers set to 0. */
static void test_array_overflow(void)
{
    float xyz[4 * 3] = {0, 0, 0, 0.05f, 0, 0, 0, 0.05f, 0, 0.05f, 0.05f, 0};
    avloc_array_config c = avloc_array_config_default();
    avloc_array_f32 a;
    size_t ob, sb, i, np;
    void *om, *sm;
    float *x, *power, *img;
    c.n_mics = 4;
    c.mic_xyz = xyz;
    c.rows = 6; c.cols = 8;
    CHECK(avloc_array_query_f32(&c, &ob, &sb) == AVLOC_OK);
    om = malloc(ob); sm = malloc(sb);
    CHECK(avloc_array_init_f32(&a, &c, om, ob) == AVLOC_OK);
    np = a.n_dirs * a.n_band;
    x = (float *)malloc(c.frame_length * c.n_mics * sizeof(float));
    power = (float *)malloc(np * sizeof(float));
    img = (float *)malloc(a.n_dirs * c.n_mfcc * sizeof(float));
    for (i = 0; i < c.frame_length * c.n_mics; i++) x[i] = (float)sin(0.05 * (double)i + (double)(i % 4));
    CHECK(avloc_array_power_f32(&a, x, c.frame_length, power, sm, sb) == AVLOC_OK); /* in range: finite */
    CHECK(avloc_all_finite_f32(power, np));
    for (i = 0; i < c.frame_length * c.n_mics; i++) x[i] *= 1e18f;
    CHECK_EQ_INT(avloc_array_power_f32(&a, x, c.frame_length, power, sm, sb), AVLOC_ERR_NUMERIC);
    CHECK(all_zero(power, np));
    CHECK_EQ_INT(avloc_array_mfcc_f32(&a, x, c.frame_length, img, NULL, sm, sb), AVLOC_ERR_NUMERIC);
    if (verbose) printf("  array power of samples x 1e18: AVLOC_ERR_NUMERIC, %lu powers zeroed\n", (unsigned long)np);
    avloc_array_destroy_f32(&a);
    free(om); free(sm); free(x); free(power); free(img);
}

/* A network on inputs scale * (-3..3): scale 0 (all zero) must give finite
   outputs, the same on a second run; a huge scale whose sums pass FLT_MAX
   (expect AVLOC_ERR_NUMERIC) must say so, with the outputs set to 0. */
static void test_nn_input(const char *name, float scale, avloc_result expect)
{
    size_t size = 0, obj, k, i, n_out = 0;
    unsigned char *file = th_golden_bytes(name, 0, &size);
    avloc_nn net;
    void *mem, *arena, *scratch;
    float *in[4] = {0}, *out[4] = {0}, *out2[4] = {0};
    int finite = 1, same = 1;
    if (!file) { CHECK_MSG(0, "missing %s", name); return; }
    CHECK(avloc_nn_query(file, size, &obj) == AVLOC_OK);
    mem = malloc(obj);
    CHECK(avloc_nn_init(&net, file, size, mem, obj) == AVLOC_OK);
    arena = malloc(net.arena_bytes + 1);
    scratch = malloc(net.scratch_bytes + 1);
    for (k = 0; k < net.n_inputs && k < 4; k++) {
        avloc_nn_tensor_info ti;
        avloc_nn_input_info(&net, k, &ti);
        in[k] = (float *)calloc(ti.numel, sizeof(float));
        for (i = 0; i < ti.numel; i++) in[k][i] = scale * (float)((int)(i % 7) - 3);
    }
    for (k = 0; k < net.n_outputs && k < 4; k++) {
        avloc_nn_tensor_info ti;
        avloc_nn_output_info(&net, k, &ti);
        out[k] = (float *)malloc(ti.numel * sizeof(float));
        out2[k] = (float *)calloc(ti.numel, sizeof(float));
        for (i = 0; i < ti.numel; i++) out[k][i] = 1.0f; /* an error must clear them */
    }
    CHECK_EQ_INT(avloc_nn_run_f32(&net, (const float *const *)in, out, arena, net.arena_bytes, scratch, net.scratch_bytes), expect);
    CHECK_EQ_INT(avloc_nn_run_f32(&net, (const float *const *)in, out2, arena, net.arena_bytes, scratch, net.scratch_bytes), expect);
    for (k = 0; k < net.n_outputs && k < 4; k++) {
        avloc_nn_tensor_info ti;
        avloc_nn_output_info(&net, k, &ti);
        finite &= avloc_all_finite_f32(out[k], ti.numel);
        same &= memcmp(out[k], out2[k], ti.numel * sizeof(float)) == 0;
        if (expect != AVLOC_OK)
            for (i = 0; i < ti.numel; i++) finite &= out[k][i] == 0.0f;
        n_out += ti.numel;
    }
    CHECK_MSG(finite, "%s: input x %g gives a non-finite output (or, on error, one not cleared)", name, scale);
    CHECK_MSG(same, "%s: two runs differ", name);
    if (verbose)
        printf("  NN %s on input x %g: %s, %lu outputs finite %d, repeatable %d\n", name, scale, avloc_result_str(expect),
               (unsigned long)n_out, finite, same);
    for (k = 0; k < 4; k++) { free(in[k]); free(out[k]); free(out2[k]); }
    avloc_nn_destroy(&net);
    free(arena); free(scratch); free(mem); free(file);
}

/* The fuzzers' two findings, as unit checks: each fails without its fix. */
static void test_fuzz_findings(void)
{
    /* binaural features: finite samples whose float spectrum overflows */
    avloc_binaural_config cfg = avloc_binaural_config_default();
    avloc_gllim_model m;
    avloc_gllim_posterior p;
    size_t n = 512, nf, sb, mb, ob, psb, i;
    float *l, *r, *feat, Y[6];
    unsigned char *mask, mk[6] = {1, 1, 1, 1, 1, 1};
    void *scr, *mm, *pm, *ps;
    cfg.n_fft = 256; cfg.hop = 128; cfg.first_bin = 1; cfg.n_bins = 16;
    CHECK(avloc_binaural_frames(&cfg, n, &nf) == AVLOC_OK);
    CHECK(avloc_binaural_scratch_f32(&cfg, n, &sb) == AVLOC_OK);
    l = (float *)malloc(n * sizeof(float)); r = (float *)malloc(n * sizeof(float));
    feat = (float *)malloc(nf * 48 * sizeof(float)); mask = (unsigned char *)malloc(nf * 48);
    scr = malloc(sb);
    for (i = 0; i < n; i++) { l[i] = 3e37f; r[i] = i % 2 ? 3e37f : -3e37f; }
    CHECK_EQ_INT(avloc_binaural_features_f32(&cfg, l, r, n, feat, mask, nf, NULL, scr, sb), AVLOC_ERR_NUMERIC);
    for (i = 0; i < n; i++) { l[i] *= 1e-37f; r[i] *= 1e-37f; }
    CHECK_EQ_INT(avloc_binaural_features_f32(&cfg, l, r, n, feat, mask, nf, NULL, scr, sb), AVLOC_OK);
    free(l); free(r); free(feat); free(mask); free(scr);
    /* a valid model with one huge (finite) offset: NUMERIC, not a NaN mean */
    CHECK(avloc_gllim_model_query(2, 2, 6, &mb) == AVLOC_OK);
    mm = calloc(1, mb);
    CHECK(avloc_gllim_model_init(&m, 2, 2, 6, mm, mb) == AVLOC_OK);
    m.K = 2;
    m.pi[0] = m.pi[1] = 0.5;
    for (i = 0; i < 2; i++) { m.Gamma[i * 4] = m.Gamma[i * 4 + 3] = 1.0; }
    for (i = 0; i < 24; i++) m.A[i] = 0.01 * (double)(i % 5);
    for (i = 0; i < 12; i++) m.sigma2[i] = 0.3;
    m.b[5] = 4e180;
    CHECK(avloc_gllim_model_prepare(&m) == AVLOC_OK);
    CHECK(avloc_gllim_posterior_query(&m, &ob, &psb) == AVLOC_OK);
    pm = malloc(ob); ps = malloc(psb);
    CHECK(avloc_gllim_posterior_init(&p, &m, pm, ob) == AVLOC_OK);
    for (i = 0; i < 6; i++) Y[i] = 0.1f * (float)i;
    CHECK_EQ_INT(avloc_gllim_posterior_f32(&m, Y, mk, 1, &p, ps, psb), AVLOC_ERR_NUMERIC);
    m.b[5] = 0.5;
    CHECK(avloc_gllim_model_prepare(&m) == AVLOC_OK);
    CHECK_EQ_INT(avloc_gllim_posterior_f32(&m, Y, mk, 1, &p, ps, psb), AVLOC_OK);
    CHECK(isfinite(p.mean[0]) && isfinite(p.mean[1]));
    free(mm); free(pm); free(ps);
}

int main(int argc, char **argv)
{
    verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    test_em_degenerate();
    test_rpca_degenerate();
    test_mp_silence();
    test_mp_map_overflow();
    test_array_overflow();
    test_nn_input("nn/linear.safetensors", 0.0f, AVLOC_OK);
    test_nn_input("nn/batch_norm.safetensors", 0.0f, AVLOC_OK);
    test_nn_input("nn/vq_reparam.safetensors", 0.0f, AVLOC_OK);
    /* finite inputs whose sums pass FLT_MAX: AVLOC_OK with Inf outputs before */
    test_nn_input("nn/conv2d_basic.safetensors", 1.1e38f, AVLOC_ERR_NUMERIC);
    /* ... or with finite outputs computed through it, where a later node hid the overflow */
    test_nn_input("nn/audio1d.safetensors", 1.1e38f, AVLOC_ERR_NUMERIC);
    test_fuzz_findings();
    return th_finish("test_degenerate");
}
