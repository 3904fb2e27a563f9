/* test_simd: the SIMD layer of avloc.h, every operation of every set this
   build compiles against its plain-C meaning (NEON under qemu in CI); and
   AVLOC_NO_FMA: the AVX2-dispatched and SSE2 kernels of the elementwise
   loops give bit-identical results (x86 with dispatch, on a CPU with AVX2). */
#define AVLOC_NO_FMA 1 /* this program tests the no-FMA mode */
#ifndef AVLOC_STATIC /* only what this program calls is compiled (docs/CONTRIBUTING.md, "CI time") */
#define AVLOC_STATIC 1
#endif
#define AVLOC_IMPLEMENTATION
#include "../avloc_dsp.h"
#include "harness.h"

/* a*b rounded to float on its own, then + c: what an unfused fmadd gives */
TH_FN float ts_mul(float a, float b)
{
    volatile float p = a * b;
    return p;
}
TH_FN float ts_fma(float a, float b, float c) { return ts_mul(a, b) + c; }

/* ts_ops_<set>, once per set by the core's per-set driver (the file is
   named from avloc.h's folder) */
#define AVLOC__VFILE "tests/simd_ops.h"
#include "../avloc.h"
#undef AVLOC__VFILE

static void test_layer(void)
{
    const float a[8] = {1.5f, -2.25f, 3.0e-3f, 7.0f, -0.5f, 1e6f, 2.0f, -9.75f};
    const float b[8] = {0.75f, -2.25f, 4.0f, -3.0f, 0.125f, 1e-3f, 2.0f, 5.5f};
    const float c[8] = {-1.0f, 0.5f, 2.0f, 1e3f, -7.5f, 3.25f, 0.0f, 1.0f};
    int sets = 0;
    (void)a; (void)b; (void)c;
#ifdef AVLOC__VSET_SSE2
    ts_ops_sse2("sse2", a, b, c);
    sets++;
#endif
#ifdef AVLOC__VSET_AVX2
    if (AVLOC__AVX2_OK()) ts_ops_avx2("avx2", a, b, c);
    sets++;
#endif
#ifdef AVLOC__VSET_NEON
    ts_ops_neon("neon", a, b, c);
    sets++;
#endif
    printf("  SIMD sets compiled: %d%s\n", sets, sets ? "" : " (AVLOC_NO_SIMD or no vector unit: scalar code only)");
    CHECK(avloc__popc8(0) == 0 && avloc__popc8(0xff) == 8 && avloc__popc8(0x5a) == 4);
}

#define TS_N 1003
static uint32_t ts_seed = 12345u;
TH_FN float ts_rand(void)
{
    ts_seed = ts_seed * 1664525u + 1013904223u;
    return (float)((int32_t)(ts_seed >> 8) - (1 << 23)) / (float)(1 << 23);
}

/* out[0..n) through the avx2 and the sse2 copy of a kernel: bit-identical
   over the lanes both did */
TH_FN int ts_same(const float *x, const float *y, size_t n)
{
    return memcmp(x, y, n * sizeof *x) == 0;
}

static void test_nofma_identical(void)
{
#if defined(AVLOC__VSET_AVX2) && defined(AVLOC__VSET_SSE2)
    static float x[2 * TS_N], y[2 * TS_N], o1[3 * TS_N], o2[3 * TS_N], p1[TS_N], p2[TS_N];
    size_t i, k1, k2, k;
    float m1, m2, xm1 = 0.0f, xm2 = 0.0f;
    if (!AVLOC__AVX2_OK()) {
        printf("  no AVX2 on this CPU: AVLOC_NO_FMA identity not tested\n");
        return;
    }
#ifdef __FAST_MATH__
    /* -ffast-math lets the compiler contract and reassociate: no identity */
    printf("  -ffast-math: AVLOC_NO_FMA identity not expected\n");
    return;
#endif
    for (i = 0; i < 2 * TS_N; i++) { x[i] = ts_rand(); y[i] = ts_rand() * 3.0f; }
    x[10] = 0.0f; x[11] = 0.0f; /* a silent bin: the exact path */
    k1 = avloc__vk_mul_avx2(x, y, o1, TS_N);
    k2 = avloc__vk_mul_sse2(x, y, o2, TS_N);
    k = k1 < k2 ? k1 : k2;
    CHECK(k > TS_N - 8 && ts_same(o1, o2, k));
    k1 = avloc__vk_power2_avx2(x, o1, TS_N);
    k2 = avloc__vk_power2_sse2(x, o2, TS_N);
    k = k1 < k2 ? k1 : k2;
    CHECK(k > TS_N - 8 && ts_same(o1, o2, k));
    for (i = 0; i < TS_N; i++) p1[i] = fabsf(x[i]) * 100.0f;
    k1 = avloc__vk_db_avx2(p1, o1, TS_N, 3.0103f, -1.5f, 1e-10f);
    k2 = avloc__vk_db_sse2(p1, o2, TS_N, 3.0103f, -1.5f, 1e-10f);
    k = k1 < k2 ? k1 : k2;
    CHECK(k > TS_N - 8 && ts_same(o1, o2, k));
    k1 = avloc__vk_binaural_frame_avx2((const avloc_complex_f32 *)x, (const avloc_complex_f32 *)y, TS_N, o1, p1, &m1, &xm1);
    k2 = avloc__vk_binaural_frame_sse2((const avloc_complex_f32 *)x, (const avloc_complex_f32 *)y, TS_N, o2, p2, &m2, &xm2);
    k = k1 < k2 ? k1 : k2;
    CHECK(k > TS_N - 8 && ts_same(p1, p2, k) && ts_same(o1, o2, k) && ts_same(o1 + TS_N, o2 + TS_N, k) &&
          ts_same(o1 + 2 * TS_N, o2 + 2 * TS_N, k));
#ifndef AVLOC_USE_FFTW3 /* the FFT kernels are not compiled with the FFTW3 backend */
    /* complex products (the FFT passes' core op) */
    k1 = avloc__cmul_arr_v_avx2((const avloc__cpx *)x, (const avloc__cpx *)y, (avloc__cpx *)o1, TS_N, 1);
    k2 = avloc__cmul_arr_v_sse2((const avloc__cpx *)x, (const avloc__cpx *)y, (avloc__cpx *)o2, TS_N, 1);
    k = k1 < k2 ? k1 : k2;
    CHECK(k > TS_N - 8 && ts_same(o1, o2, 2 * k));
#endif
#else
    printf("  one x86 kernel set or none: AVLOC_NO_FMA identity not applicable\n");
#endif
}

int main(void)
{
    test_layer();
    test_nofma_identical();
    return th_finish("simd");
}
