/* tests/modes/use_all.h - one call into each module, for the build-mode
   checks of tools/check_build_modes.sh (separate implementation files,
   AVLOC_STATIC in several files, CBLAS, the amalgamated header, the module
   opt-outs). Include it after the avloc headers; modes_use_all() returns 0
   when every call gave the expected result. Only this file needs updating
   when a called API changes. */
#ifndef AVLOC_MODES_USE_ALL_H
#define AVLOC_MODES_USE_ALL_H

#include <stdio.h>
#include <math.h>
#include <stdlib.h>

#if defined(__GNUC__) || defined(__clang__)
#define MODES_FN static __attribute__((unused))
#else
#define MODES_FN static
#endif

#define MODES_CHECK(cond)                                                   \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond); \
            return 1;                                                       \
        }                                                                   \
    } while (0)

/* core: result strings and a 2x2 GEMM (the CBLAS mode routes it). */
MODES_FN int modes_use_core(void)
{
    const double A[4] = {1, 2, 3, 4}, B[4] = {5, 6, 7, 8};
    double C[4] = {0, 0, 0, 0};
    MODES_CHECK(avloc_result_str(AVLOC_OK)[0] == 'o');
    MODES_CHECK(avloc_gemm_f64(0, 0, 2, 2, 2, 1.0, A, 2, B, 2, 0.0, C, 2, NULL, 0) == AVLOC_OK);
    MODES_CHECK(C[0] == 19 && C[1] == 22 && C[2] == 43 && C[3] == 50);
#ifndef AVLOC_NO_LINALG
    {   /* linear algebra: the singular values of diag(3, -4) */
        const double D[4] = {3, 0, 0, -4};
        double s[2], scr[64];
        size_t bytes = 0;
        MODES_CHECK(avloc_svd_scratch_f64(2, 2, &bytes) == AVLOC_OK && bytes <= sizeof scr);
        MODES_CHECK(avloc_svd_f64(2, 2, D, 2, NULL, 0, s, NULL, 0, scr, bytes) == AVLOC_OK);
        MODES_CHECK(s[0] == 4 && s[1] == 3);
    }
#endif
    return 0;
}

#ifndef AVLOC_NO_SAFETENSORS
/* core safetensors: the exact size of a one-tensor file (measure pass). */
MODES_FN int modes_use_st(void)
{
    avloc_st_writer w;
    size_t shape[1] = {4}, total = 0;
    MODES_CHECK(avloc_st_begin(&w, NULL, 0) == AVLOC_OK);
    MODES_CHECK(avloc_st_add(&w, "x", AVLOC_ST_F32, 1, shape, NULL) == AVLOC_OK);
    MODES_CHECK(avloc_st_finish(&w, &total) == AVLOC_OK && total > 16);
    return 0;
}
#endif

#ifdef AVLOC_DSP_H
/* dsp: a real FFT of an impulse is flat (run through whichever kernel set
   the build dispatches to). */
MODES_FN int modes_use_dsp(void)
{
    enum { N = 64 };
    float x[N];
    avloc_complex_f32 X[N / 2 + 1];
    avloc_fft_f32 plan;
    size_t pb = 0, sb = 0, i;
    void *pm, *sm;
    int ok;
    avloc_fft_config fc;
    fc.n = N;
    fc.kind = AVLOC_FFT_REAL;
    for (i = 0; i < N; i++) x[i] = i == 0 ? 1.0f : 0.0f;
    MODES_CHECK(avloc_fft_query_f32(&fc, &pb, &sb) == AVLOC_OK);
    pm = malloc(pb);
    sm = malloc(sb ? sb : 1);
    ok = pm && sm && avloc_fft_init_f32(&plan, &fc, pm, pb) == AVLOC_OK &&
         avloc_fft_r2c_f32(&plan, x, X, sm, sb) == AVLOC_OK;
    for (i = 0; ok && i <= N / 2; i++) ok = X[i].re == 1.0f && X[i].im == 0.0f;
    if (pm) avloc_fft_destroy_f32(&plan);
    free(pm);
    free(sm);
    MODES_CHECK(ok);
#if !defined(AVLOC_NO_ARRAY) && !defined(AVLOC_NO_MEL)
    {   /* array imaging: the default band of a one-microphone array */
        float xyz[3] = {0, 0, 0};
        avloc_array_config ac = avloc_array_config_default();
        size_t k0 = 0, nb = 0;
        ac.n_mics = 1;
        ac.mic_xyz = xyz;
        MODES_CHECK(avloc_array_band(&ac, &k0, &nb) == AVLOC_OK && k0 == 4 && nb == 189);
    }
#endif
    return 0;
}
#endif

#ifdef AVLOC_GLLIM_H
/* gllim: a model's memory size. */
MODES_FN int modes_use_gllim(void)
{
    size_t bytes = 0;
    MODES_CHECK(avloc_gllim_model_query(2, 2, 6, &bytes) == AVLOC_OK && bytes > 0);
    return 0;
}
#endif

#ifdef AVLOC_NN_H
/* nn: a one-node network (relu) written with the core writer, planned and run. */
MODES_FN int modes_use_nn(void)
{
    static const char graph[] = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,1,1,4]}],\"outputs\":[\"y\"],"
                                "\"nodes\":[{\"op\":\"relu\",\"in\":[\"x\"],\"out\":[\"y\"]}]}";
    const float x[4] = {-1.0f, 2.0f, -3.0f, 4.0f}, *in[1];
    float y[4], *out[1];
    unsigned char file[512];
    avloc_st_writer w;
    avloc_nn net;
    size_t size = 0, obj = 0;
    void *mem;
    int ok;
    in[0] = x;
    out[0] = y;
    MODES_CHECK(avloc_st_begin(&w, file, sizeof file) == AVLOC_OK);
    avloc_st_add_meta(&w, "format", "avloc-nn");
    avloc_st_add_meta(&w, "version", "1");
    avloc_st_add_meta(&w, "graph", graph);
    MODES_CHECK(avloc_st_finish(&w, &size) == AVLOC_OK);
    MODES_CHECK(avloc_nn_query(file, size, &obj) == AVLOC_OK);
    mem = malloc(obj);
    ok = mem && avloc_nn_init(&net, file, size, mem, obj) == AVLOC_OK && net.arena_bytes == 0 &&
         avloc_nn_run_f32(&net, in, out, NULL, 0, NULL, 0) == AVLOC_OK && y[0] == 0.0f && y[1] == 2.0f &&
         y[2] == 0.0f && y[3] == 4.0f;
    free(mem);
    MODES_CHECK(ok);
    return 0;
}
#endif

#ifdef AVLOC_RPCA_H
/* rpca: plain robust PCA of a constant 6 x 4 matrix is the matrix itself. */
MODES_FN int modes_use_rpca(void)
{
    avloc_rpca_config c = avloc_rpca_config_default();
    avloc_rpca r;
    float D[24], L[24], S[24];
    size_t ob = 0, sb = 0, i;
    void *mem, *scr;
    int ok;
    for (i = 0; i < 24; i++) D[i] = 2.0f;
    c.rows = 6; c.cols = 4;
    MODES_CHECK(avloc_rpca_query(&c, &ob, &sb) == AVLOC_OK);
    mem = malloc(ob); scr = malloc(sb);
    ok = mem && scr && avloc_rpca_init(&r, &c, mem, ob) == AVLOC_OK &&
         avloc_rpca_solve_f32(&r, D, L, S, NULL, NULL, scr, sb) == AVLOC_OK && fabs(L[5] - 2.0f) < 1e-4f &&
         fabs(S[7]) < 1e-4f;
    free(mem); free(scr);
    MODES_CHECK(ok);
    return 0;
}
#endif

MODES_FN int modes_use_all(void)
{
    int bad = modes_use_core();
#ifndef AVLOC_NO_SAFETENSORS
    bad |= modes_use_st();
#endif
#ifdef AVLOC_DSP_H
    bad |= modes_use_dsp();
#endif
#ifdef AVLOC_GLLIM_H
    bad |= modes_use_gllim();
#endif
#ifdef AVLOC_NN_H
    bad |= modes_use_nn();
#endif
#ifdef AVLOC_RPCA_H
    bad |= modes_use_rpca();
#endif
    return bad;
}

#endif /* AVLOC_MODES_USE_ALL_H */
