/* tests/test_eval.c - examples/avloc_eval.h: BSS-eval v3 against mir_eval
   (goldens by tools/gen_goldens_eval.py), hand-checked mask F1 and Lc, bad
   input. */
#ifndef AVLOC_TEST_SHARED_IMPL /* else the Makefile links the library's objects (tests/impl/) */
#define AVLOC_IMPLEMENTATION
#endif
#include "../avloc.h"
#define AVLOC_EVAL_IMPLEMENTATION
#include "../examples/avloc_eval.h"
#include "harness.h"

static void *work_alloc(size_t nref, size_t flen, size_t *bytes)
{
    if (avloc_eval_bss_query(nref, flen, bytes) != AVLOC_OK) return NULL;
    return malloc(*bytes);
}

/* One golden case: the estimate's and the mixture's SDR/SIR/SAR and the NSDR
   within 0.01 dB of mir_eval (the mixture's SAR is left out: the mixture is
   in the span of the references, so its artefact energy is rounding noise
   and the ratio (~160 dB) says only how the rounding fell). */
static void golden_case(const char *name, size_t target)
{
    char path[64];
    th_array r, e, o;
    float *refs, *est, *mix;
    size_t n, nref, i, k, bytes;
    void *w;
    avloc_eval_bss be, bm;
    double nsdr;
    snprintf(path, sizeof path, "eval_%s_refs.npy", name); r = th_golden(path);
    snprintf(path, sizeof path, "eval_%s_est.npy", name); e = th_golden(path);
    snprintf(path, sizeof path, "eval_%s_out.npy", name); o = th_golden(path);
    if (!CHECK(r.data && e.data && o.data && r.ndim == 2 && o.n == 6 && r.shape[1] == e.n)) {
        th_free(&r); th_free(&e); th_free(&o);
        return;
    }
    nref = r.shape[0];
    n = e.n;
    refs = th_to_f32(&r);
    est = th_to_f32(&e);
    mix = (float *)malloc(n * sizeof *mix);
    for (i = 0; i < n; i++) { /* summed in row order in float, as the generator */
        mix[i] = refs[i];
        for (k = 1; k < nref; k++) mix[i] = mix[i] + refs[k * n + i];
    }
    w = work_alloc(nref, AVLOC_EVAL_FLEN, &bytes);
    if (CHECK(w != NULL)) {
        CHECK(avloc_eval_nsdr_f32(est, mix, refs, nref, n, target, AVLOC_EVAL_FLEN, &nsdr, &be, &bm, w, bytes) ==
              AVLOC_OK);
        CHECK_NEAR(be.sdr, o.data[0], 0.01);
        CHECK_NEAR(be.sir, o.data[1], 0.01);
        CHECK_NEAR(be.sar, o.data[2], 0.01);
        CHECK_NEAR(bm.sdr, o.data[3], 0.01);
        CHECK_NEAR(bm.sir, o.data[4], 0.01);
        CHECK(bm.sar > 100.0);
        CHECK_NEAR(nsdr, o.data[0] - o.data[3], 0.01);
        if (strcmp(name, "a") != 0) goto done; /* the checks below once: each solve is ~0.1 s */
        /* the scale of the estimate does not matter */
        for (i = 0; i < n; i++) est[i] *= -3.0f;
        CHECK(avloc_eval_bss_f32(est, refs, nref, n, target, AVLOC_EVAL_FLEN, &bm, w, bytes) == AVLOC_OK);
        CHECK_NEAR(bm.sdr, be.sdr, 1e-6);
        CHECK_NEAR(bm.sir, be.sir, 1e-6);
        /* a misaligned workspace (the queried size leaves room to align) */
        {
            char *w1 = (char *)malloc(bytes + 1);
            if (CHECK(w1 != NULL)) {
                CHECK(avloc_eval_bss_f32(est, refs, nref, n, target, AVLOC_EVAL_FLEN, &bm, w1 + 1, bytes) == AVLOC_OK);
                CHECK_NEAR(bm.sdr, be.sdr, 1e-6);
            }
            free(w1);
        }
        CHECK(avloc_eval_bss_f32(est, refs, nref, n, target, AVLOC_EVAL_FLEN, &bm, w, bytes - 1) ==
              AVLOC_ERR_WORKSPACE);
    }
done:
    free(w); free(refs); free(est); free(mix);
    th_free(&r); th_free(&e); th_free(&o);
}

/* Short hand-made signals: the estimate equal to the target (perfect),
   equal to a delayed copy (still perfect: 512-tap filters allow delays),
   and bad input. */
static void hand_cases(void)
{
    enum { N = 700, FL = 16 };
    static float refs[3 * N], est[N];
    size_t i, bytes;
    unsigned s = 12345u;
    void *w = work_alloc(2, FL, &bytes);
    avloc_eval_bss b;
    double nsdr;
    if (!CHECK(w != NULL)) return;
    for (i = 0; i < 3 * N; i++) {
        s = s * 1103515245u + 12345u;
        refs[i] = (float)((double)(s >> 8) / 16777216.0 - 0.5);
    }
    for (i = N - 10; i < N; i++) refs[i] = 0.0f; /* the target ends in silence: a delayed copy is whole */
    CHECK(avloc_eval_bss_f32(refs, refs, 2, N, 0, FL, &b, w, bytes) == AVLOC_OK);
    CHECK(b.sdr > 100 && b.sir > 100 && b.sar > 100);
    for (i = 0; i < N; i++) est[i] = i >= 5 ? refs[i - 5] : 0.0f;
    CHECK(avloc_eval_bss_f32(est, refs, 2, N, 0, FL, &b, w, bytes) == AVLOC_OK);
    CHECK(b.sdr > 100);
    /* the interferer as the estimate: all interference. Its projection on
       16 delayed copies of an independent target keeps about 16/700 of its
       energy: SDR = SIR ~ 10 log10(16/684) = -16 dB; no artefacts */
    CHECK(avloc_eval_bss_f32(refs + N, refs, 2, N, 0, FL, &b, w, bytes) == AVLOC_OK);
    CHECK_MSG(b.sir < -12 && b.sir > -20 && fabs(b.sdr - b.sir) < 0.01 && b.sar > 100, "%g %g %g", b.sdr, b.sir, b.sar);
    /* target 1 of the same pair */
    CHECK(avloc_eval_bss_f32(refs + N, refs, 2, N, 1, FL, &b, w, bytes) == AVLOC_OK);
    CHECK(b.sdr > 100);
    /* bad input */
    CHECK(avloc_eval_bss_f32(NULL, refs, 2, N, 0, FL, &b, w, bytes) == AVLOC_ERR_NULL);
    CHECK(avloc_eval_bss_f32(est, NULL, 2, N, 0, FL, &b, w, bytes) == AVLOC_ERR_NULL);
    CHECK(avloc_eval_bss_f32(est, refs, 2, N, 0, FL, NULL, w, bytes) == AVLOC_ERR_NULL);
    CHECK(avloc_eval_bss_f32(est, refs, 2, N, 0, FL, &b, NULL, bytes) == AVLOC_ERR_NULL);
    CHECK(avloc_eval_bss_f32(est, refs, 2, 0, 0, FL, &b, w, bytes) == AVLOC_ERR_SIZE);
    CHECK(avloc_eval_bss_f32(est, refs, 0, N, 0, FL, &b, w, bytes) == AVLOC_ERR_SIZE);
    CHECK(avloc_eval_bss_f32(est, refs, 2, N, 0, 0, &b, w, bytes) == AVLOC_ERR_SIZE);
    CHECK(avloc_eval_bss_f32(est, refs, 2, N, 2, FL, &b, w, bytes) == AVLOC_ERR_PARAM);
    CHECK(avloc_eval_bss_f32(est, refs, 3, N, 0, FL, &b, w, bytes) == AVLOC_ERR_WORKSPACE);
    CHECK(avloc_eval_bss_query(2, FL, NULL) == AVLOC_ERR_NULL);
    CHECK(avloc_eval_bss_query((size_t)-1 / 4, (size_t)1 << 20, &bytes) == AVLOC_ERR_OVERFLOW && bytes == 0);
    avloc_eval_bss_query(2, FL, &bytes);
    est[7] = (float)(0.0 / (0.5 - 0.5 + 0.0 * (double)N + 0.0) * 0.0); /* NaN without a constant division */
    if (est[7] == est[7]) est[7] = (float)HUGE_VAL;                       /* some compilers fold it: inf then */
    CHECK(avloc_eval_bss_f32(est, refs, 2, N, 0, FL, &b, w, bytes) == AVLOC_ERR_NONFINITE);
    memset(est, 0, sizeof est);
    CHECK(avloc_eval_bss_f32(est, refs, 2, N, 0, FL, &b, w, bytes) == AVLOC_ERR_PARAM); /* silent estimate */
    CHECK(avloc_eval_bss_f32(refs, est, 1, N, 0, FL, &b, w, bytes) == AVLOC_ERR_PARAM); /* silent reference */
    /* two identical references: singular Gram matrix */
    memcpy(refs + N, refs, N * sizeof *refs);
    CHECK(avloc_eval_bss_f32(refs + 2 * N, refs, 2, N, 0, FL, &b, w, bytes) == AVLOC_ERR_NUMERIC);
    CHECK(avloc_eval_nsdr_f32(refs, NULL, refs, 2, N, 0, FL, &nsdr, NULL, NULL, w, bytes) == AVLOC_ERR_NULL);
    free(w);
}

static void masks(void)
{
    const unsigned char est[6] = {255, 7, 0, 0, 255, 0}, truth[6] = {255, 0, 1, 0, 255, 0};
    const unsigned char none[6] = {0, 0, 0, 0, 0, 0};
    const float map[4] = {1.0f, 2.0f, 0.0f, -2.0f}, zero[4] = {0, 0, 0, 0};
    const unsigned char region[4] = {1, 0, 0, 255};
    float bad[4] = {1.0f, 0.0f, 0.0f, 0.0f};
    avloc_eval_mask_scores m;
    double lc;
    /* tp 2 (pixels 0, 4), fp 1 (pixel 1: any nonzero is on), fn 1 (pixel 2) */
    CHECK(avloc_eval_mask(est, truth, 6, &m) == AVLOC_OK);
    CHECK(m.tp == 2 && m.fp == 1 && m.fn == 1);
    CHECK_NEAR(m.precision, 2.0 / 3.0, 1e-15);
    CHECK_NEAR(m.recall, 2.0 / 3.0, 1e-15);
    CHECK_NEAR(m.f1, 2.0 / 3.0, 1e-15);
    /* precision 1/1, recall 1/3: F1 = 2 (1)(1/3) / (4/3) = 1/2 */
    {
        const unsigned char e2[4] = {1, 0, 0, 0}, t2[4] = {1, 1, 1, 0};
        CHECK(avloc_eval_mask(e2, t2, 4, &m) == AVLOC_OK);
        CHECK_NEAR(m.precision, 1.0, 1e-15);
        CHECK_NEAR(m.recall, 1.0 / 3.0, 1e-15);
        CHECK_NEAR(m.f1, 0.5, 1e-15);
    }
    CHECK(avloc_eval_mask(truth, truth, 6, &m) == AVLOC_OK && m.f1 == 1.0);
    CHECK(avloc_eval_mask(none, truth, 6, &m) == AVLOC_OK && m.precision == 0 && m.recall == 0 && m.f1 == 0);
    CHECK(avloc_eval_mask(est, none, 6, &m) == AVLOC_OK && m.f1 == 0 && m.fp == 3);
    CHECK(avloc_eval_mask(NULL, truth, 6, &m) == AVLOC_ERR_NULL);
    CHECK(avloc_eval_mask(est, truth, 0, &m) == AVLOC_ERR_SIZE);
    /* Lc: energies 1, 4, 0, 4; inside = pixels 0 and 3 -> 5 / 9 */
    CHECK(avloc_eval_lc(map, region, 4, &lc) == AVLOC_OK);
    CHECK_NEAR(lc, 5.0 / 9.0, 1e-15);
    CHECK(avloc_eval_lc(zero, region, 4, &lc) == AVLOC_OK && lc == 0.0);
    CHECK(avloc_eval_lc(map, none, 4, &lc) == AVLOC_OK && lc == 0.0);
    bad[2] = (float)HUGE_VAL;
    CHECK(avloc_eval_lc(bad, region, 4, &lc) == AVLOC_ERR_NONFINITE);
    CHECK(avloc_eval_lc(map, region, 0, &lc) == AVLOC_ERR_SIZE);
    CHECK(avloc_eval_lc(map, NULL, 4, &lc) == AVLOC_ERR_NULL);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "-v") == 0) th_verbose = 1;
    golden_case("a", 0);
    golden_case("b", 0);
    golden_case("c", 1);
    hand_cases();
    masks();
    return th_finish("eval");
}
