/* The float32 FFT against numpy's float64 goldens (tools/gen_goldens_fft.py)
   for a few sizes covering every algorithm: powers of two (8, 64, 256,
   1024), mixed radix (360, 480, 1000), Rader (97, 257 over 256, 1009 over
   1008) and Bluestein (1103 over 2304); complex forward and inverse, real
   forward and inverse (even n: the half-length complex FFT and the
   post-twiddle; odd n: the complex path). Small enough for the Cortex-M4
   under qemu (tools/m4/run_tests.sh, a few seconds), where the double-heavy
   tests/test_fft.c would take hours of soft-float.
   Tolerances, against the float64 values at the golden's indices (bins or
   samples 0..n/2): relative RMS error <= 1e-6 (as test_fft), and every
   value within 2e-6 of the largest reference magnitude (an O(log n)
   rounding bound; measured values are printed).
   Each output is also hashed (FNV-1a of its float bits, all n or n/2 + 1
   values) and printed as "hash n kind value": tools/m4/run_tests.sh
   compares the M4's hashes with an x86-64 build's to report where the
   results are bit-identical (docs/reliability.md).
   The suites link it to the shared implementation objects (Makefile,
   SHARED_IMPL); tests/test_fft.c checks that these sizes reach the
   algorithms named above. */
#ifndef AVLOC_TEST_SHARED_IMPL
#define AVLOC_IMPLEMENTATION
#endif
#include "../avloc_dsp.h"
#include "harness.h"

#include <stdint.h>

#define TFG_RMS_TOL 1e-6
#define TFG_MAX_TOL 2e-6

#include "fft_hval.h"

static unsigned long fnv1a(const float *x, size_t n)
{
    uint32_t h = 2166136261u;
    size_t i, b;
    for (i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, x + i, sizeof u);
        for (b = 0; b < 4; b++) {
            h ^= (u >> (8 * b)) & 0xffu;
            h *= 16777619u;
        }
    }
    return (unsigned long)h;
}

/* worst measured errors over all sizes, per transform */
static double g_rms[4], g_max[4];
static const char *const g_kind[4] = {"fft", "ifft", "rfft", "irfft"};

/* Transform q's values got[i] (re, im pairs when cplx) at the golden's
   indices against columns 1 + 2q (re) and 2 + 2q (im) of golden a. */
static void tfg_compare(size_t n, int q, const float *got, int cplx, const th_array *a)
{
    const size_t K = a->shape[0], w = cplx ? 2 : 1;
    double se = 0.0, sr = 0.0, mx = 0.0, ref_max = 0.0;
    size_t i, c;
    for (i = 0; i < K; i++) {
        size_t k = (size_t)a->data[8 * i];
        for (c = 0; c < w; c++) {
            double r = a->data[8 * i + 1 + 2 * q + c], e = fabs((double)got[w * k + c] - r);
            se += e * e;
            sr += r * r;
            mx = e > mx ? e : mx;
            ref_max = fabs(r) > ref_max ? fabs(r) : ref_max;
        }
    }
    se = sr > 0.0 ? sqrt(se / sr) : sqrt(se);
    mx = ref_max > 0.0 ? mx / ref_max : mx;
    CHECK_MSG(se <= TFG_RMS_TOL && mx <= TFG_MAX_TOL, "n=%lu %s: relative RMS error %.2e, max %.2e", (unsigned long)n,
              g_kind[q], se, mx);
    g_rms[q] = se > g_rms[q] ? se : g_rms[q];
    g_max[q] = mx > g_max[q] ? mx : g_max[q];
}

/* a plan of (n, kind) in fresh memory, with its scratch; 0 on failure */
static int tfg_plan(avloc_fft_f32 *p, size_t n, avloc_fft_kind kind, void **mem, void **scr, size_t *sb)
{
    avloc_fft_config fc = {n, kind};
    size_t pb = 0;
    *mem = *scr = NULL;
    if (avloc_fft_query_f32(&fc, &pb, sb) != AVLOC_OK) return 0;
    *mem = malloc(pb);
    *scr = malloc(*sb ? *sb : 1);
    return *mem && *scr && avloc_fft_init_f32(p, &fc, *mem, pb) == AVLOC_OK;
}

static void tfg_size(size_t n)
{
    const size_t h = n / 2 + 1;
    char path[64];
    th_array a;
    avloc_fft_f32 pc, pr;
    void *mc, *sc, *mr, *sr;
    size_t sbc = 0, sbr = 0, i;
    float *x = (float *)malloc(2 * n * sizeof *x), *xr = (float *)malloc(n * sizeof *xr);
    float *hs = (float *)malloc(2 * h * sizeof *hs), *y = (float *)malloc(2 * n * sizeof *y);
    sprintf(path, "%sfft_%lu.npy", TH_GOLDEN_DIR, (unsigned long)n); /* newlib has no %zu */
    if (th_load_npy(path, &a) != 0 || a.ndim != 2 || a.shape[1] != 8 || !x || !xr || !hs || !y) {
        CHECK_MSG(0, "golden %s missing or bad (or out of memory)", path);
        free(x); free(xr); free(hs); free(y);
        return;
    }
    for (i = 0; i < 2 * n; i++) x[i] = hval((uint32_t)i, 1);
    for (i = 0; i < n; i++) xr[i] = hval((uint32_t)i, 2);
    for (i = 0; i < 2 * h; i++) hs[i] = hval((uint32_t)i, 3);
    CHECK(tfg_plan(&pc, n, AVLOC_FFT_COMPLEX, &mc, &sc, &sbc) && tfg_plan(&pr, n, AVLOC_FFT_REAL, &mr, &sr, &sbr));
    if (pc.impl && pr.impl) {
        int q;
        for (q = 0; q < 4; q++) {
            avloc_result r;
            size_t len = q < 2 ? 2 * n : q == 2 ? 2 * h : n;
            if (q < 2)
                r = avloc_fft_c2c_f32(&pc, (const avloc_complex_f32 *)x, (avloc_complex_f32 *)y,
                                      q ? AVLOC_FFT_INVERSE : AVLOC_FFT_FORWARD, sc, sbc);
            else if (q == 2)
                r = avloc_fft_r2c_f32(&pr, xr, (avloc_complex_f32 *)y, sr, sbr);
            else
                r = avloc_fft_c2r_f32(&pr, (const avloc_complex_f32 *)hs, y, sr, sbr);
            CHECK_EQ_INT(r, AVLOC_OK);
            tfg_compare(n, q, y, q < 3, &a);
            printf("hash %lu %s %08lx\n", (unsigned long)n, g_kind[q], fnv1a(y, len));
        }
    }
    avloc_fft_destroy_f32(&pc);
    avloc_fft_destroy_f32(&pr);
    free(mc); free(sc); free(mr); free(sr);
    free(x); free(xr); free(hs); free(y);
    th_free(&a);
}

int main(void)
{
    static const size_t sizes[] = {8, 64, 256, 1024, 360, 480, 1000, 97, 257, 1009, 1103};
    size_t i;
    int q;
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) tfg_size(sizes[i]);
    for (q = 0; q < 4; q++)
        printf("  %-5s worst relative RMS error %.2e (tolerance %.0e), worst max error %.2e of max |ref| (%.0e)\n",
               g_kind[q], g_rms[q], TFG_RMS_TOL, g_max[q], TFG_MAX_TOL);
    return th_finish("fft_goldens");
}
