/* tests/test_gemm.c - avloc_gemm_f32 / avloc_gemm_f64 against a naive
   double-precision product computed here (an independent reference: the
   triple loop has no packing, blocking or vector code in common with the
   library's kernel).

   Every transa/transb, alpha/beta (beta = 0 over NaN in C, alpha = 0, k =
   0), shapes around the micro-tile (6 rows x 2 vectors), the row block (96),
   the k slice (256) and the column block (2048), strides larger than the
   rows with NaN in the padding (a read of padding poisons the result), C's
   padding checked untouched; with packing scratch and without (the plain
   path); bad input. Tolerance per element: (k + 2) * eps * (|alpha| sum_p
   |a_ip| |b_pj| + |beta| |c_ij|), eps of the precision (x2 in double for
   the reference's own rounding): a wrong element is off by O(1) of that
   scale.

   Built with -DAVLOC_USE_CBLAS (-lopenblas) the same checks run on
   cblas_sgemm/cblas_dgemm behind the same calls, which is how .ci/run shows
   that CBLAS and the built-in kernels agree (both within the tolerance of
   the same reference). */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1 /* MAP_ANONYMOUS (test_direct_bounds) */
#endif
#ifndef AVLOC_STATIC /* only what this program calls is compiled (docs/CONTRIBUTING.md, "CI time") */
#define AVLOC_STATIC 1
#endif
#define AVLOC_IMPLEMENTATION
#include "../avloc.h"
#include "harness.h"
#include "task_runner.h"
#include <float.h>
#if defined(__linux__) && !defined(AVLOC_GEMM_SMALL) && !defined(AVLOC_USE_CBLAS)
#define TG_FENCE 1
#include <sys/mman.h>
#include <unistd.h>
#endif

/* the opt-outs leave the AVX-512 set out (tools/check_nn_m4.sh builds this
   with AVLOC_NO_SIMD) */
#if defined(AVLOC__VSET_AVX512) && (defined(AVLOC_NO_SIMD) || defined(AVLOC_NO_AVX512) || defined(AVLOC_NO_FMA))
#error "the AVX-512 GEMM set is compiled despite an opt-out"
#endif

static uint64_t rng = 12345;
static double urand(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(rng >> 11) * (1.0 / 9007199254740992.0) * 2.0 - 1.0;
}

static unsigned char *scratch;
static size_t scratch_cap;

/* nothing past the queried scratch written (e.g. panels packed for a wider
   set than the query counted) */
static void check_guard(int use_scratch)
{
    size_t i, bad = 0;
    if (!use_scratch) return;
    for (i = scratch_cap - 64; i < scratch_cap; i++) bad += scratch[i] != 0xA5;
    CHECK_MSG(bad == 0, "%u guard bytes after the scratch written", (unsigned)bad);
}

/* One product in precision f32 (1) or f64 (0) on double data: inputs are
   rounded to float first for f32 (the reference then sees the same values).
   use_scratch: 1 exact queried size, 0 NULL. Returns the library's result. */
static avloc_result run(int f32, int ta, int tb, size_t m, size_t n, size_t k, double alpha, double *A,
                        size_t lda, double *B, size_t ldb, double beta, double *C, size_t ldc, int use_scratch)
{
    size_t na = (ta ? k : m) * lda, nb = (tb ? n : k) * ldb, nc = m * ldc, i, need = 0;
    avloc_result r;
    void *s = NULL;
    if (use_scratch) {
        r = f32 ? avloc_gemm_scratch_f32(m, n, k, &need) : avloc_gemm_scratch_f64(m, n, k, &need);
        CHECK_EQ_INT(r, AVLOC_OK);
        CHECK(need <= scratch_cap);
        CHECK(need + 64 <= scratch_cap);
        /* the exact size, at an arbitrary alignment, followed by 64 guard bytes */
        s = need ? scratch + (scratch_cap - need - 64) : NULL;
        memset(scratch + scratch_cap - 64, 0xA5, 64);
    }
    if (!f32) {
        r = avloc_gemm_f64(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, s, need);
        check_guard(use_scratch);
        return r;
    }
    {
        float *a = (float *)malloc((na + 1) * sizeof(float)), *b = (float *)malloc((nb + 1) * sizeof(float));
        float *c = (float *)malloc((nc + 1) * sizeof(float));
        for (i = 0; i < na; i++) A[i] = a[i] = (float)A[i];
        for (i = 0; i < nb; i++) B[i] = b[i] = (float)B[i];
        for (i = 0; i < nc; i++) C[i] = c[i] = (float)C[i];
        r = avloc_gemm_f32(ta, tb, m, n, k, (float)alpha, a, lda, b, ldb, (float)beta, c, ldc, s, need);
        for (i = 0; i < nc; i++) C[i] = c[i];
        free(a); free(b); free(c);
        check_guard(use_scratch);
        return r;
    }
}

static double opA(const double *A, size_t lda, int ta, size_t i, size_t p) { return ta ? A[p * lda + i] : A[i * lda + p]; }
static double opB(const double *B, size_t ldb, int tb, size_t p, size_t j) { return tb ? B[j * ldb + p] : B[p * ldb + j]; }

static double worst = 0; /* largest error / tolerance seen */

/* One case: random A, B, C (NaN in every padding, and in C when beta == 0);
   the library's C against the naive product. */
static void check_case(int f32, int ta, int tb, size_t m, size_t n, size_t k, double alpha, double beta, size_t pad,
                       int use_scratch)
{
    const size_t ra = ta ? k : m, ca = ta ? m : k, rb = tb ? n : k, cb = tb ? k : n;
    const size_t lda = ca + pad, ldb = cb + pad, ldc = n + pad;
    double *A = (double *)malloc((ra * lda + 1) * sizeof(double)), *B = (double *)malloc((rb * ldb + 1) * sizeof(double));
    double *C = (double *)malloc((m * ldc + 1) * sizeof(double)), *C0 = (double *)malloc((m * ldc + 1) * sizeof(double));
    const double eps = f32 ? FLT_EPSILON : 2.0 * DBL_EPSILON;
    size_t i, j, p, bad = 0, pad_bad = 0;
    avloc_result r;
    for (i = 0; i < ra * lda; i++) A[i] = i % lda < ca ? urand() : NAN;
    for (i = 0; i < rb * ldb; i++) B[i] = i % ldb < cb ? urand() : NAN;
    for (i = 0; i < m * ldc; i++) C[i] = i % ldc >= n ? 777.0 : beta == 0 ? NAN : urand();
    if (f32) for (i = 0; i < m * ldc; i++) C[i] = (float)C[i];
    memcpy(C0, C, m * ldc * sizeof(double));
    r = run(f32, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, use_scratch);
    CHECK_EQ_INT(r, AVLOC_OK);
    for (i = 0; i < m; i++) {
        for (j = 0; j < n; j++) {
            double s = 0, sa = 0, ref, tol, c0 = C0[i * ldc + j], got = C[i * ldc + j];
            for (p = 0; p < k; p++) {
                double x = opA(A, lda, ta, i, p) * opB(B, ldb, tb, p, j);
                s += x;
                sa += fabs(x);
            }
            ref = alpha * s + (beta == 0 ? 0.0 : beta * c0);
            tol = (double)(k + 2) * eps * (fabs(alpha) * sa + (beta == 0 ? 0.0 : fabs(beta * c0))) + 1e-300;
            if (!(fabs(got - ref) <= tol)) bad++;
            else if (fabs(got - ref) / tol > worst) worst = fabs(got - ref) / tol;
        }
        for (j = n; j < ldc; j++) pad_bad += C[i * ldc + j] != 777.0;
    }
    CHECK_MSG(bad == 0, "%s ta %d tb %d m %u n %u k %u alpha %g beta %g pad %u scratch %d: %u elements off",
              f32 ? "f32" : "f64", ta, tb, (unsigned)m, (unsigned)n, (unsigned)k, alpha, beta, (unsigned)pad,
              use_scratch, (unsigned)bad);
    CHECK_MSG(pad_bad == 0, "C padding written (%u)", (unsigned)pad_bad);
    free(A); free(B); free(C); free(C0);
}

static void test_products(void)
{
    static const size_t shapes[][3] = {
        {1, 1, 1}, {5, 7, 3}, {6, 16, 1}, {6, 8, 4}, {7, 17, 2}, {12, 32, 9}, {13, 33, 256}, {11, 9, 257},
        {97, 19, 31}, {96, 24, 513}, {193, 41, 300}, {3, 2050, 5}, {2, 4100, 3}, {40, 600, 70},
        {20, 70, 600}, {48, 100, 300}, {49, 40, 260}};
    static const double ab[][2] = {{1, 0}, {-0.5, 0.75}, {2, 1}, {1.5, -1}, {-1.5, 0}};
    size_t s, q;
    int f32, ta, tb, sc;
    for (f32 = 0; f32 < 2; f32++)
        for (ta = 0; ta < 2; ta++)
            for (tb = 0; tb < 2; tb++)
                for (s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
                    for (q = 0; q < sizeof ab / sizeof ab[0]; q++)
                        for (sc = 0; sc < 2; sc++)
                            check_case(f32, ta, tb, shapes[s][0], shapes[s][1], shapes[s][2], ab[q][0], ab[q][1],
                                       (s + q) % 3 == 0 ? 0 : 3, !sc || shapes[s][2] < 100 ? sc : 1);
    /* k = 0 and alpha = 0: C = beta C (and NaN-free with beta = 0) */
    for (f32 = 0; f32 < 2; f32++)
        for (sc = 0; sc < 2; sc++) {
            check_case(f32, 0, 0, 9, 13, 0, 1.0, 0.5, 2, sc);
            check_case(f32, 1, 1, 9, 13, 0, 1.0, 0.0, 1, sc); /* (ldb >= 1 as in BLAS) */
            check_case(f32, 0, 1, 9, 13, 7, 0.0, 0.0, 1, sc);
            check_case(f32, 1, 0, 9, 13, 7, 0.0, -2.0, 1, sc);
        }
    printf("  %s: worst error %.3f of the tolerance\n",
#ifdef AVLOC_USE_CBLAS
           "CBLAS",
#else
           "built-in kernels",
#endif
           worst);
}

#if defined(AVLOC__VSET_AVX512) && defined(AVLOC__VSET_AVX2) && !defined(AVLOC_USE_CBLAS) && !defined(AVLOC_GEMM_SMALL)
/* The avx512 kernels (6 x 32 float tiles, 6 x 16 double) against the avx2
   ones (6 x 16, 6 x 8), called by name: on this CPU the dispatch runs
   avx512 only, so this is also what tests the avx2 kernels. An element that
   both sets compute in a full tile (or, in the plain path, a full vector)
   is the same chain of fused multiply-adds in k order in both and must
   agree bit for bit (a lane or tile mix-up shows); edge elements (scalar
   alpha*t + beta*c, unfused) and the transposed plain path (dot products
   in vector lanes) are held to check_case's tolerance against a double
   reference, both sets. */

/* column j of n in a full group of w (within its AVLOC__GEMM_NC block) */
static int full_group(size_t j, size_t n, size_t w, size_t block)
{
    const size_t j0 = j / block * block, nb = n - j0 < block ? n - j0 : block;
    return j - j0 < nb / w * w;
}

/* C1 (avx512), C2 (avx2) against each other and the reference; w: the
   avx512 tile or vector width; packed: rows must be in a full 6-row tile */
static void cmp_sets_check(const char *what, int ta, int tb, size_t m, size_t n, size_t k, double alpha,
                           double beta, const double *A, const double *B, const double *C0, const double *C1,
                           const double *C2, size_t w, int packed, double eps)
{
    size_t i, j, p, diff = 0, bad = 0;
    for (i = 0; i < m; i++)
        for (j = 0; j < n; j++) {
            const size_t e = i * n + j;
            double ref = 0, sa = 0, tol;
            int exact = full_group(j, n, w, packed ? AVLOC__GEMM_NC : n) &&
                        (!packed || full_group(i, m, AVLOC__GEMM_MR, AVLOC__GEMM_MC)) && !(tb && !packed);
            if (exact) { diff += C1[e] != C2[e]; continue; }
            for (p = 0; p < k; p++) {
                const double x = (ta ? A[p * m + i] : A[i * k + p]) * (tb ? B[j * k + p] : B[p * n + j]);
                ref += x;
                sa += fabs(x);
            }
            ref = alpha * ref + beta * C0[e];
            tol = (double)(k + 2) * eps * (fabs(alpha) * sa + fabs(beta * C0[e])) + 1e-300;
            bad += !(fabs(C1[e] - ref) <= tol) + !(fabs(C2[e] - ref) <= tol);
        }
    CHECK_MSG(diff == 0 && bad == 0, "avx512 vs avx2 %s ta %d tb %d m %u n %u k %u: %u differ in full tiles, %u off",
              what, ta, tb, (unsigned)m, (unsigned)n, (unsigned)k, (unsigned)diff, (unsigned)bad);
}

/* one product through both sets' packed (packed = 1) or plain kernels */
static void cmp_sets(int f32, int ta, int tb, size_t m, size_t n, size_t k, double alpha, double beta, int packed)
{
    const size_t na = m * k, nb = k * n, nc = m * n, lda = ta ? m : k, ldb = tb ? k : n;
    double *A = (double *)malloc((na + nb + 3 * nc + 1) * sizeof(double)), *B = A + na, *C0 = B + nb;
    double *C1 = C0 + nc, *C2 = C1 + nc;
    void *ap, *bp;
    size_t i;
    for (i = 0; i < na + nb + nc; i++) A[i] = f32 ? (double)(float)urand() : urand();
    memcpy(C1, C0, nc * sizeof(double));
    memcpy(C2, C0, nc * sizeof(double));
    CHECK_EQ_INT(avloc__gemm_panels(ta, tb, m, n, k, f32 ? sizeof(float) : sizeof(double),
                                    f32 ? AVLOC__GEMM_NRMAX_F32 : AVLOC__GEMM_NRMAX_F64, NULL, lda, NULL, ldb, NULL,
                                    n, scratch, scratch_cap, &ap, &bp),
                 AVLOC_OK);
    if (f32) {
        float *a = (float *)malloc((na + nb + 2 * nc + 1) * sizeof(float)), *b = a + na, *c1 = b + nb, *c2 = c1 + nc;
        const float al = (float)alpha, be = (float)beta;
        for (i = 0; i < na + nb + 2 * nc; i++) a[i] = (float)A[i];
        if (packed) {
            avloc__gemm_packed_f32_avx512(ta, tb, m, n, k, al, a, lda, b, ldb, be, c1, n, (float *)ap, (float *)bp);
            avloc__gemm_packed_f32_avx2(ta, tb, m, n, k, al, a, lda, b, ldb, be, c2, n, (float *)ap, (float *)bp);
        } else {
            avloc__gemm_plain_f32_avx512(ta, tb, m, n, k, al, a, lda, b, ldb, be, c1, n);
            avloc__gemm_plain_f32_avx2(ta, tb, m, n, k, al, a, lda, b, ldb, be, c2, n);
        }
        for (i = 0; i < nc; i++) { C1[i] = c1[i]; C2[i] = c2[i]; }
        free(a);
    } else if (packed) {
        avloc__gemm_packed_f64_avx512(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C1, n, (double *)ap, (double *)bp);
        avloc__gemm_packed_f64_avx2(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C2, n, (double *)ap, (double *)bp);
    } else {
        avloc__gemm_plain_f64_avx512(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C1, n);
        avloc__gemm_plain_f64_avx2(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C2, n);
    }
    cmp_sets_check(packed ? (f32 ? "f32 packed" : "f64 packed") : (f32 ? "f32 plain" : "f64 plain"), ta, tb, m, n, k,
                   alpha, beta, A, B, C0, C1, C2, (f32 ? 16 : 8) * (packed ? 2 : 1), packed,
                   f32 ? FLT_EPSILON : 2.0 * DBL_EPSILON);
    free(A);
}

static void test_avx512_matches_avx2(void)
{
    static const size_t shapes[][3] = {{6, 32, 7}, {7, 33, 3}, {5, 31, 260}, {13, 48, 17}, {64, 1728, 300},
                                       {97, 70, 9}, {2, 2050, 4}, {12, 16, 1},
                                       {18, 80, 530}};
    static const double ab[][2] = {{1, 0}, {-0.75, 1.5}};
    size_t s, q;
    int f32, ta, tb, packed;
    if (!AVLOC__AVX512_OK() || !AVLOC__AVX2_OK()) {
        printf("  avx512 vs avx2: skipped (the CPU lacks one)\n");
        return;
    }
    for (s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (q = 0; q < 2; q++)
            for (f32 = 0; f32 < 2; f32++)
                for (ta = 0; ta < 2; ta++)
                    for (tb = 0; tb < 2; tb++)
                        for (packed = 0; packed < 2; packed++)
                            cmp_sets(f32, ta, tb, shapes[s][0], shapes[s][1], shapes[s][2], ab[q][0], ab[q][1], packed);
    printf("  avx512 vs avx2: %u shapes, full tiles bit-identical, edges within tolerance\n",
           (unsigned)(sizeof shapes / sizeof shapes[0]));
}
#endif

/* NaN by its bits: isnan() is folded to 0 under -ffast-math */
static int nan_bits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return (u & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (u & 0x000fffffffffffffull) != 0;
}

/* NaN in A reaches C (no skipped zero tricks), alpha = 1 beta = 0 */
static void test_nan_propagates(void)
{
    double A[4] = {1, NAN, 0, 0}, B[4] = {0, 0, 0, 0}, C[4] = {1, 1, 1, 1};
    float Af[4] = {1, NAN, 0, 0}, Bf[4] = {0, 0, 0, 0}, Cf[4] = {1, 1, 1, 1};
    unsigned char s[4096];
    CHECK_EQ_INT(avloc_gemm_f64(0, 0, 2, 2, 2, 1.0, A, 2, B, 2, 0.0, C, 2, s, sizeof s), AVLOC_OK);
    CHECK(nan_bits(C[0]) && nan_bits(C[1]) && C[2] == 0 && C[3] == 0);
    CHECK_EQ_INT(avloc_gemm_f32(0, 0, 2, 2, 2, 1.0f, Af, 2, Bf, 2, 0.0f, Cf, 2, NULL, 0), AVLOC_OK);
    CHECK(nan_bits(Cf[0]) && nan_bits(Cf[1]) && Cf[2] == 0 && Cf[3] == 0);
}

static void test_bad_input(void)
{
    double A[64], B[64], C[64];
    float Af[64], Bf[64], Cf[64];
    size_t need = 0, need2 = 0, i;
    for (i = 0; i < 64; i++) A[i] = B[i] = C[i] = Af[i] = Bf[i] = Cf[i] = 1;
    CHECK_EQ_INT(avloc_gemm_f64(0, 0, 4, 4, 4, 1.0, NULL, 4, B, 4, 0.0, C, 4, NULL, 0), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_gemm_f64(0, 0, 4, 4, 4, 1.0, A, 4, NULL, 4, 0.0, C, 4, NULL, 0), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_gemm_f32(0, 0, 4, 4, 4, 1.0f, Af, 4, Bf, 4, 0.0f, NULL, 4, NULL, 0), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_gemm_f64(2, 0, 4, 4, 4, 1.0, A, 4, B, 4, 0.0, C, 4, NULL, 0), AVLOC_ERR_PARAM);
    CHECK_EQ_INT(avloc_gemm_f32(0, -1, 4, 4, 4, 1.0f, Af, 4, Bf, 4, 0.0f, Cf, 4, NULL, 0), AVLOC_ERR_PARAM);
    /* leading dimensions below the stored columns */
    CHECK_EQ_INT(avloc_gemm_f64(0, 0, 4, 5, 3, 1.0, A, 2, B, 5, 0.0, C, 5, NULL, 0), AVLOC_ERR_SIZE);   /* lda < k */
    CHECK_EQ_INT(avloc_gemm_f64(1, 0, 4, 5, 3, 1.0, A, 3, B, 5, 0.0, C, 5, NULL, 0), AVLOC_ERR_SIZE);   /* lda < m */
    CHECK_EQ_INT(avloc_gemm_f64(0, 0, 4, 5, 3, 1.0, A, 3, B, 4, 0.0, C, 5, NULL, 0), AVLOC_ERR_SIZE);   /* ldb < n */
    CHECK_EQ_INT(avloc_gemm_f64(0, 1, 4, 5, 3, 1.0, A, 3, B, 2, 0.0, C, 5, NULL, 0), AVLOC_ERR_SIZE);   /* ldb < k */
    CHECK_EQ_INT(avloc_gemm_f32(0, 0, 4, 5, 3, 1.0f, Af, 3, Bf, 5, 0.0f, Cf, 4, NULL, 0), AVLOC_ERR_SIZE); /* ldc < n */
    CHECK_EQ_INT(avloc_gemm_f32(0, 0, 0, 0, 0, 1.0f, Af, 0, Bf, 1, 0.0f, Cf, 1, NULL, 0), AVLOC_ERR_SIZE); /* ld 0 */
    CHECK_EQ_INT(avloc_gemm_f32(1, 0, 4, 5, 3, 1.0f, Af, 4, Bf, 5, 0.0f, Cf, 5, NULL, 0), AVLOC_OK);
    /* empty products: nothing written */
    CHECK_EQ_INT(avloc_gemm_f64(0, 0, 0, 5, 3, 1.0, A, 3, B, 5, 0.0, C, 5, NULL, 0), AVLOC_OK);
    CHECK_EQ_INT(avloc_gemm_f64(0, 0, 4, 0, 3, 1.0, A, 3, B, 1, 0.0, C, 1, NULL, 0), AVLOC_OK);
    CHECK(C[0] == 1);
    /* scratch query */
    CHECK_EQ_INT(avloc_gemm_scratch_f64(4, 4, 4, NULL), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_gemm_scratch_f64(4, 4, 0, &need), AVLOC_OK);
    CHECK_EQ_INT(need, 0);
#ifdef AVLOC_GEMM_SMALL /* no packed kernel: no scratch, any given is ignored */
    CHECK_EQ_INT(avloc_gemm_scratch_f32(100000, 100000, 100000, &need), AVLOC_OK);
    CHECK_EQ_INT(need, 0);
    CHECK_EQ_INT(avloc_gemm_f64(0, 0, 8, 8, 8, 1.0, A, 8, B, 8, 0.0, C, 8, A, 0), AVLOC_OK);
    CHECK(C[0] == 8 && C[63] == 8);
    (void)need2;
#else
    CHECK_EQ_INT(avloc_gemm_scratch_f64(8, 8, 8, &need), AVLOC_OK);
    CHECK(need > 0);
    CHECK_EQ_INT(avloc_gemm_scratch_f32(8, 8, 8, &need2), AVLOC_OK);
    CHECK(need2 > 0 && need2 <= need);
    /* it depends on min(m, 96), min(n, 2048), min(k, 256) only: the size for
       a large shape serves any larger one */
    CHECK_EQ_INT(avloc_gemm_scratch_f32(96, 2048, 256, &need), AVLOC_OK);
    CHECK_EQ_INT(avloc_gemm_scratch_f32(100000, 100000, 100000, &need2), AVLOC_OK);
    CHECK_EQ_INT(need, need2);
    /* too-small scratch: WORKSPACE and C untouched */
    CHECK_EQ_INT(avloc_gemm_scratch_f64(8, 8, 8, &need), AVLOC_OK);
    {
        double *s = (double *)malloc(need);
        for (i = 0; i < 64; i++) C[i] = 5;
        CHECK_EQ_INT(avloc_gemm_f64(0, 0, 8, 8, 8, 1.0, A, 8, B, 8, 0.0, C, 8, s, need / 2), AVLOC_ERR_WORKSPACE);
        CHECK_EQ_INT(avloc_gemm_f64(0, 0, 8, 8, 8, 1.0, A, 8, B, 8, 0.0, C, 8, s, 0), AVLOC_ERR_WORKSPACE);
        CHECK(C[0] == 5 && C[63] == 5);
        CHECK_EQ_INT(avloc_gemm_f64(0, 0, 8, 8, 8, 1.0, A, 8, B, 8, 0.0, C, 8, s, need), AVLOC_OK);
        CHECK(C[0] == 8 && C[63] == 8);
        free(s);
    }
#endif
}

#ifdef TG_FENCE
/* op(A)'s last partial panel of rows must be packed, not read in place: A
   is placed so that its last element ends a page and the next page is
   unreadable (a read past it stops the program), for A untransposed (rows
   past m) and transposed with short rows (columns past m at the last k). */
static void test_direct_bounds(void)
{
    const size_t page = (size_t)sysconf(_SC_PAGESIZE), m = 13, n = 40, k = 300;
    int ta, f32;
    for (f32 = 0; f32 <= 1; f32++)
        for (ta = 0; ta <= 1; ta++) {
            const size_t es = f32 ? 4 : 8, na = m * k, bytes = na * es, span = (bytes + page - 1) / page * page;
            unsigned char *base = (unsigned char *)mmap(NULL, span + page, PROT_READ | PROT_WRITE,
                                                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            unsigned char *a;
            size_t i, need;
            double *B = (double *)malloc(k * n * 8), *C = (double *)malloc(m * n * 8), *R = (double *)malloc(m * n * 8);
            float *Bf = (float *)malloc(k * n * 4), *Cf = (float *)malloc(m * n * 4);
            void *scr;
            if (base == MAP_FAILED) { CHECK(0); return; }
            CHECK(mprotect(base + span, page, PROT_NONE) == 0);
            a = base + span - bytes; /* A's last byte is the page's last */
            for (i = 0; i < na; i++) {
                double v = urand();
                if (f32) ((float *)a)[i] = (float)v; else ((double *)a)[i] = v;
            }
            for (i = 0; i < k * n; i++) Bf[i] = (float)(B[i] = urand());
            if (f32) avloc_gemm_scratch_f32(m, n, k, &need); else avloc_gemm_scratch_f64(m, n, k, &need);
            scr = malloc(need);
            if (f32) {
                CHECK_EQ_INT(avloc_gemm_f32(ta, 0, m, n, k, 1.0f, (const float *)a, ta ? m : k, Bf, n, 0.0f, Cf, n,
                                            scr, need), AVLOC_OK);
                CHECK_EQ_INT(avloc_gemm_f32(ta, 0, m, n, k, 1.0f, (const float *)a, ta ? m : k, Bf, n, 0.0f, Cf, n,
                                            NULL, 0), AVLOC_OK);
            } else {
                CHECK_EQ_INT(avloc_gemm_f64(ta, 0, m, n, k, 1.0, (const double *)a, ta ? m : k, B, n, 0.0, C, n, scr,
                                            need), AVLOC_OK);
                CHECK_EQ_INT(avloc_gemm_f64(ta, 0, m, n, k, 1.0, (const double *)a, ta ? m : k, B, n, 0.0, R, n, NULL,
                                            0), AVLOC_OK);
                for (i = 0; i < m * n; i++) if (fabs(C[i] - R[i]) > 1e-9 * (1 + fabs(R[i]))) break;
                CHECK_MSG(i == m * n, "ta %d: packed and plain products differ at %u", ta, (unsigned)i);
            }
            free(scr); free(B); free(C); free(R); free(Bf); free(Cf);
            munmap(base, span + page);
        }
}
#endif

/* avloc_gemm_threads_*: the same bits as the serial call for every split
   (rows when m >= n, else columns; 2, 3 and 5 workers; tasks in scrambled
   order), alpha != 1 and beta != 0 included (edge tiles apply them in
   another rounding order: a split off the tile grid would show); the
   split really happens; errors. */
static void test_threads(void)
{
    static const size_t shapes[][3] = {{200, 37, 29}, {37, 200, 300}, {97, 96, 5}, {13, 1500, 40}, {601, 3, 7}};
    size_t si, wi, i, need, one;
    int ta, tb, f32;
    for (si = 0; si < sizeof shapes / sizeof shapes[0]; si++)
        for (f32 = 0; f32 <= 1; f32++)
            for (ta = 0; ta <= 1; ta++)
                for (tb = 0; tb <= 1; tb++)
                    for (wi = 2; wi <= 5; wi += wi == 2 ? 1 : 2) {
                        const size_t m = shapes[si][0], n = shapes[si][1], k = shapes[si][2];
                        const size_t na = m * k, nb = k * n, nc = m * n;
                        double *A = (double *)malloc(na * sizeof *A), *B = (double *)malloc(nb * sizeof *B);
                        double *C0 = (double *)malloc(nc * sizeof *C0), *C1 = (double *)malloc(nc * sizeof *C1);
                        float *Af = (float *)malloc(na * sizeof *Af), *Bf = (float *)malloc(nb * sizeof *Bf);
                        float *Cf0 = (float *)malloc(nc * sizeof *Cf0), *Cf1 = (float *)malloc(nc * sizeof *Cf1);
                        tr_runner tr;
                        avloc_threads th = tr_init(&tr, wi);
                        void *s;
                        size_t diff = 0;
                        for (i = 0; i < na; i++) Af[i] = (float)(A[i] = urand());
                        for (i = 0; i < nb; i++) Bf[i] = (float)(B[i] = urand());
                        for (i = 0; i < nc; i++) { Cf0[i] = Cf1[i] = (float)(C0[i] = C1[i] = urand()); }
                        if (f32) {
                            CHECK_EQ_INT(avloc_gemm_threads_scratch_f32(m, n, k, wi, &need), AVLOC_OK);
                            CHECK_EQ_INT(avloc_gemm_scratch_f32(m, n, k, &one), AVLOC_OK);
                        } else {
                            CHECK_EQ_INT(avloc_gemm_threads_scratch_f64(m, n, k, wi, &need), AVLOC_OK);
                            CHECK_EQ_INT(avloc_gemm_scratch_f64(m, n, k, &one), AVLOC_OK);
                        }
                        CHECK(need >= wi * one);
                        s = malloc(need ? need : 1);
                        if (f32) {
                            CHECK_EQ_INT(avloc_gemm_f32(ta, tb, m, n, k, 0.75f, Af, ta ? m : k, Bf, tb ? k : n, -0.5f,
                                                        Cf0, n, s, one), AVLOC_OK);
                            CHECK_EQ_INT(avloc_gemm_threads_f32(&th, ta, tb, m, n, k, 0.75f, Af, ta ? m : k, Bf,
                                                                tb ? k : n, -0.5f, Cf1, n, s, need), AVLOC_OK);
                            diff = (size_t)(memcmp(Cf0, Cf1, nc * sizeof *Cf0) != 0);
                        } else {
                            CHECK_EQ_INT(avloc_gemm_f64(ta, tb, m, n, k, 0.75, A, ta ? m : k, B, tb ? k : n, -0.5, C0,
                                                        n, s, one), AVLOC_OK);
                            CHECK_EQ_INT(avloc_gemm_threads_f64(&th, ta, tb, m, n, k, 0.75, A, ta ? m : k, B,
                                                                tb ? k : n, -0.5, C1, n, s, need), AVLOC_OK);
                            diff = (size_t)(memcmp(C0, C1, nc * sizeof *C0) != 0);
                        }
                        CHECK_MSG(diff == 0, "%s %ux%ux%u ta %d tb %d, %u workers: not the serial bits",
                                  f32 ? "f32" : "f64", (unsigned)m, (unsigned)n, (unsigned)k, ta, tb, (unsigned)wi);
#if !defined(AVLOC_USE_CBLAS) && !defined(AVLOC_GEMM_SMALL)
                        CHECK_MSG(tr.runs == 1 && tr.tasks >= 2, "%ux%u: %u runs, %u tasks", (unsigned)m,
                                  (unsigned)n, (unsigned)tr.runs, (unsigned)tr.tasks);
                        if (si == 0 && !f32 && !ta && !tb) {
                            /* each task packs into its worker's share of the scratch (with a
                               real pool two tasks at once would share a buffer otherwise):
                               the last worker's share is written too */
                            size_t share = need / wi, touched = 0;
                            memset(s, 0xA5, need);
                            CHECK_EQ_INT(avloc_gemm_threads_f64(&th, 0, 0, m, n, k, 1.0, A, k, B, n, 0.0, C1, n, s,
                                                                need), AVLOC_OK);
                            for (i = (wi - 1) * share; i < need; i++) touched += ((unsigned char *)s)[i] != 0xA5;
                            CHECK_MSG(touched > 0, "%u workers: the last worker's scratch share is unused",
                                      (unsigned)wi);
                        }
#endif
                        free(s); free(A); free(B); free(C0); free(C1); free(Af); free(Bf); free(Cf0); free(Cf1);
                    }
    {   /* errors: too many workers, too small a scratch (C untouched), no scratch */
        double A[64], B[64], C[64], R[64];
        tr_runner tr;
        avloc_threads th = tr_init(&tr, AVLOC_MAX_WORKERS + 1);
        void *s;
        for (i = 0; i < 64; i++) { A[i] = urand(); B[i] = urand(); C[i] = R[i] = 3.0; }
        CHECK_EQ_INT(avloc_gemm_threads_scratch_f64(8, 8, 8, AVLOC_MAX_WORKERS + 1, &need), AVLOC_ERR_PARAM);
        CHECK_EQ_INT(avloc_gemm_threads_scratch_f64(8, 8, 8, 2, NULL), AVLOC_ERR_NULL);
        CHECK_EQ_INT(avloc_gemm_threads_f64(&th, 0, 0, 8, 8, 8, 1.0, A, 8, B, 8, 0.0, C, 8, NULL, 0), AVLOC_ERR_PARAM);
        th = tr_init(&tr, 2);
        CHECK_EQ_INT(avloc_gemm_threads_scratch_f64(8, 8, 8, 2, &need), AVLOC_OK);
        s = malloc(need ? need : 1);
#if !defined(AVLOC_USE_CBLAS) && !defined(AVLOC_GEMM_SMALL)
        /* one byte short of the two workers' shares (8 rows: two tasks of whole tiles) */
        CHECK_EQ_INT(avloc_gemm_threads_f64(&th, 0, 0, 8, 8, 8, 1.0, A, 8, B, 8, 0.0, C, 8, s, need - 1),
                     AVLOC_ERR_WORKSPACE);
        CHECK(C[0] == 3.0 && C[63] == 3.0);
#endif
        CHECK_EQ_INT(avloc_gemm_threads_f64(&th, 0, 0, 8, 8, 8, 1.0, A, 8, B, 8, 0.0, C, 8, NULL, 0), AVLOC_OK);
        CHECK_EQ_INT(avloc_gemm_f64(0, 0, 8, 8, 8, 1.0, A, 8, B, 8, 0.0, R, 8, NULL, 0), AVLOC_OK);
        CHECK(memcmp(C, R, sizeof C) == 0);
        CHECK_EQ_INT(avloc_threads_workers(NULL), 1);
        CHECK_EQ_INT(avloc_threads_workers(&th), 2);
        th.run = NULL;
        CHECK_EQ_INT(avloc_threads_workers(&th), 1);
        free(s);
    }
}

int main(void)
{
    scratch_cap = 4u << 20;
    scratch = (unsigned char *)malloc(scratch_cap);
    test_products();
#if defined(AVLOC__VSET_AVX512) && defined(AVLOC__VSET_AVX2) && !defined(AVLOC_USE_CBLAS) && !defined(AVLOC_GEMM_SMALL)
    test_avx512_matches_avx2();
#endif
    test_nan_propagates();
    test_bad_input();
    test_threads();
#ifdef TG_FENCE
    test_direct_bounds();
#endif
    free(scratch);
    return th_finish("gemm");
}
