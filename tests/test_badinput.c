/* tests/test_badinput.c - the bad-input matrix of issue 14, item 2: every
   public function of every header gets called with what a careless or
   hostile caller passes: NULL pointers, zero sizes, sizes whose byte count
   overflows size_t, NaN and +-Inf in data, denormals, workspaces one byte
   too small, misaligned buffers and inconsistent arguments (window longer
   than n_fft, K > N, an all-zero mask, hop 0, ...). Each case must return
   its documented AVLOC_ERR_* code (or, for the few functions without an
   error channel, a documented value) and nothing may abort.

   Every caller buffer of the test (objects' memory, scratch, inputs and
   outputs) comes from gb_new(): 64 guard bytes on either side filled with a
   pattern; BI()/BV() check every live buffer's guards after EVERY call, so
   a write outside a caller buffer fails the case that made it. Outputs of
   calls that must fail are checked untouched where the header says errors
   write nothing (gb_untouched).

   tools/check_badinput_coverage.sh fails when a public function of the
   headers has no call in this file. Keep it fast (well under a second). */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ------------------------------------------------------ guarded buffers */
#define GB_GUARD 64
#define GB_FILL 0xA5
#define GB_MAX 128
typedef struct gb_block { unsigned char *raw; unsigned char *p; size_t n; } gb_block;
static gb_block gb_live[GB_MAX];
static int gb_count = 0;
static int bi_cases = 0;     /* calls checked */

/* A caller buffer of n bytes at offset `mis` (bytes) past a 64-byte
   boundary, its payload and both guards filled with GB_FILL. */
static void *gb_new_at(size_t n, size_t mis)
{
    gb_block *b;
    uintptr_t a;
    if (gb_count == GB_MAX) { fprintf(stderr, "gb: too many buffers\n"); exit(2); }
    b = &gb_live[gb_count++];
    b->raw = (unsigned char *)rel_buf(n + 2 * GB_GUARD + 128);
    a = ((uintptr_t)(b->raw + GB_GUARD) + 63u) & ~(uintptr_t)63u;
    b->p = (unsigned char *)a + mis;
    b->n = n;
    memset(b->p - GB_GUARD, GB_FILL, n + 2 * GB_GUARD);
    return b->p;
}
static void *gb_new(size_t n) { return gb_new_at(n, 0); }
#define GB_F32(count) ((float *)gb_new((size_t)(count) * sizeof(float)))
#define GB_F64(count) ((double *)gb_new((size_t)(count) * sizeof(double)))

/* 1 if all guards of every live buffer still hold the pattern. */
static int gb_guards_ok(void)
{
    int i;
    size_t k;
    for (i = 0; i < gb_count; i++)
        for (k = 0; k < GB_GUARD; k++)
            if (gb_live[i].p[-1 - (ptrdiff_t)k] != GB_FILL || gb_live[i].p[gb_live[i].n + k] != GB_FILL) {
                fprintf(stderr, "    guard of buffer %d (%zu bytes) overwritten\n", i, gb_live[i].n);
                memset(gb_live[i].p - GB_GUARD, GB_FILL, GB_GUARD); /* report once */
                memset(gb_live[i].p + gb_live[i].n, GB_FILL, GB_GUARD);
                return 0;
            }
    return 1;
}
/* 1 if the n bytes at p (a gb buffer, refilled with gb_fill) were not written. */
static int gb_untouched(const void *p, size_t n)
{
    const unsigned char *c = (const unsigned char *)p;
    size_t k;
    for (k = 0; k < n; k++)
        if (c[k] != GB_FILL) return 0;
    return 1;
}
static void gb_fill(void *p, size_t n) { memset(p, GB_FILL, n); }
static void gb_free_all(void)
{
    while (gb_count > 0) free(gb_live[--gb_count].raw);
}

/* One case: the call returns `want`, and every guard holds. */
#define BI(expr, want) bi_rc((int)(expr), (int)(want), #expr, __FILE__, __LINE__)
static void bi_rc(int rc, int want, const char *what, const char *file, int line)
{
    bi_cases++;
    if (!th_check(rc == want && gb_guards_ok(), what, file, line))
        fprintf(stderr, "    returned %d (%s), expected %d (%s)\n", rc, avloc_result_str((avloc_result)rc),
                want, avloc_result_str((avloc_result)want));
}
/* A case for a call without an error code: cond holds after it, guards too. */
#define BT(stmt, cond) do { stmt; bi_cases++; th_check((cond) && gb_guards_ok(), #stmt " -> " #cond, __FILE__, __LINE__); } while (0)

/* Data helpers. */
static void fill_sig(float *x, size_t n, unsigned seed)
{
    size_t i;
    for (i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        x[i] = (float)((double)(seed >> 8) / 16777216.0 - 0.5) + 0.3f * (float)sin(0.05 * (double)i);
    }
}
static void fill_sig64(double *x, size_t n, unsigned seed)
{
    size_t i;
    for (i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        x[i] = (double)(seed >> 8) / 16777216.0 - 0.5;
    }
}
/* NaN and Inf from their bits, tested on the bits: the suite also runs
   under -ffast-math, where x != x and 0/0 may be folded away. */
static float f_bits(uint32_t u) { float f; memcpy(&f, &u, sizeof f); return f; }
static float f_nan(void) { return f_bits(0x7fc00000u); }
static float f_inf(void) { return f_bits(0x7f800000u); }
static int is_nan(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return (u & 0x7fffffffffffffffu) > 0x7ff0000000000000u;
}
static int is_neg_inf(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u == 0xfff0000000000000u;
}
/* A workspace too small for any alignment of the caller's pointer: query
   sizes include AVLOC_ALIGN bytes of slack for a misaligned base, so one
   byte less than the query still fits an aligned buffer; this is the
   largest size that must fail at every alignment. */
#define SHORT(n) ((n) > AVLOC_ALIGN ? (n) - AVLOC_ALIGN - 1 : (n) / 2)

/* a task for avloc_threads_run: counts its calls */
static void bi_count_task(void *ctx, size_t task, size_t worker)
{
    (void)task;
    (void)worker;
    ++*(size_t *)ctx;
}
#define SZ_HUGE ((size_t)-1)
#define SZ_HALF ((size_t)-1 / 2 + 1)

/* ================================================================ avloc.h */
static avloc_result bi_layout_ok(avloc_arena *a, void *obj, const void *cfg, size_t *scratch)
{
    (void)obj; (void)cfg; (void)scratch;
    (void)AVLOC_PUSH(a, float, 10);
    return avloc_arena_status(a);
}
static avloc_result bi_layout_huge(avloc_arena *a, void *obj, const void *cfg, size_t *scratch)
{
    (void)obj; (void)cfg; (void)scratch;
    (void)AVLOC_PUSH(a, float, SZ_HALF);
    return avloc_arena_status(a);
}

static void bi_core_basics(void)
{
    size_t out = 7;
    avloc_arena ar;
    unsigned char *mem = (unsigned char *)gb_new(200);
    float *obj = GB_F32(4);
    double *d = GB_F64(4);
    float *f = GB_F32(4);
    BT(const char *s = avloc_result_str((avloc_result)-1234), s != NULL);
    BT(const char *s = avloc_result_str((avloc_result)999), s != NULL);
    BI(avloc_size_mul(SZ_HUGE, 2, &out), 0);
    BI(avloc_size_add(SZ_HUGE, 1, &out), 0);
    BI(out == 7, 1);                                         /* untouched on overflow */
    BI(avloc_size_mul(SZ_HUGE, 2, NULL), 0);
    BI(avloc_size_add(1, 1, NULL), 1);
    BT(avloc_arena_init(NULL, mem, 100), 1);
    BT(void *p = avloc_arena_push(NULL, 1, 1, 8), p == NULL);
    BI(avloc_arena_status(NULL), AVLOC_ERR_NULL);
    BT(size_t n = avloc_arena_needed(NULL), n == SZ_HUGE);
    avloc_arena_init(&ar, mem + 1, 99);                      /* misaligned base */
    BT(void *p = avloc_arena_push(&ar, 3, 4, 16), p != NULL && ((uintptr_t)p & 15u) == 0);
    BT(void *p = avloc_arena_push(&ar, 200, 1, 8), p == NULL);
    BI(avloc_arena_status(&ar), AVLOC_ERR_WORKSPACE);
    avloc_arena_init(&ar, mem, 100);
    BT(void *p = avloc_arena_push(&ar, SZ_HALF, 4, 8), p == NULL);
    BI(avloc_arena_status(&ar), AVLOC_ERR_OVERFLOW);
    BT(size_t n = avloc_arena_needed(&ar), n == SZ_HUGE);
    BI(avloc_layout_query(NULL, NULL, &out, NULL), AVLOC_ERR_NULL);
    BI(avloc_layout_query(bi_layout_huge, NULL, &out, NULL), AVLOC_ERR_OVERFLOW);
    BI(avloc_layout_init(NULL, obj, 16, NULL, mem, 100), AVLOC_ERR_NULL);
    BI(avloc_layout_init(bi_layout_ok, NULL, 16, NULL, mem, 100), AVLOC_ERR_NULL);
    BI(avloc_layout_init(bi_layout_ok, obj, 16, NULL, NULL, 100), AVLOC_ERR_NULL);
    gb_fill(mem, 100);
    BI(avloc_layout_init(bi_layout_ok, obj, 16, NULL, mem, 20), AVLOC_ERR_WORKSPACE);
    BI(avloc_layout_init(bi_layout_ok, obj, 16, NULL, mem + 3, 197), AVLOC_OK); /* misaligned memory */
    BI(avloc_all_finite_f32(NULL, 0), 1);
    BI(avloc_all_finite_f32(NULL, 5), 0);
    BI(avloc_all_finite_f64(NULL, 5), 0);
    f[0] = 1; f[1] = f_nan(); f[2] = 0; f[3] = 0;
    BI(avloc_all_finite_f32(f, 4), 0);
    f[1] = -f_inf();
    BI(avloc_all_finite_f32(f, 4), 0);
    f[1] = FLT_MIN / 8;                                      /* denormal is finite */
    BI(avloc_all_finite_f32(f, 4), 1);
    d[0] = 1; d[1] = (double)f_inf(); d[2] = 0; d[3] = 0;
    BI(avloc_all_finite_f64(d, 4), 0);
    BT(double v = avloc_logsumexp_f64(NULL, 0), is_neg_inf(v));
    BT(double v = avloc_logsumexp_f64(NULL, 3), is_nan(v));
    d[1] = (double)f_nan();
#ifndef __FAST_MATH__ /* NaN propagation through exp/log is IEEE behaviour */
    BT(double v = avloc_logsumexp_f64(d, 4), is_nan(v));
#endif
    d[0] = d[1] = d[2] = d[3] = -(double)f_inf();
    BT(double v = avloc_logsumexp_f64(d, 4), is_neg_inf(v));
    d[0] = DBL_MIN / 16; d[1] = -DBL_MIN / 16;
    BT(double v = avloc_logsumexp_f64(d, 2), v == v && fabs(v - log(2.0)) < 1e-12);
    gb_free_all();
}

static void bi_core_chol_gemm(void)
{
    enum { N = 4 };
    double *A = GB_F64(N * N), *B = GB_F64(N * 2), *Ainv = GB_F64(N * N), *mu = GB_F64(N), *nu = GB_F64(N);
    float *Af = GB_F32(N * N), *Bf = GB_F32(N * N), *Cf = GB_F32(N * N);
    double *C = GB_F64(N * N);
    size_t i, sb = 0;
    void *scr;
    for (i = 0; i < N * N; i++) A[i] = (i % (N + 1) == 0) ? 4.0 : 0.5;
    BI(avloc_chol_f64(NULL, N, N), AVLOC_ERR_NULL);
    BI(avloc_chol_f64(A, N, N - 1), AVLOC_ERR_SIZE);         /* lda < n */
    BI(avloc_chol_f64(NULL, 0, 0), AVLOC_OK);                /* empty matrix */
    A[5] = (double)f_nan();
    BI(avloc_chol_f64(A, N, N), AVLOC_ERR_NUMERIC);
    for (i = 0; i < N * N; i++) A[i] = (i % (N + 1) == 0) ? 4.0 : 0.5;
    A[0] = -1.0;
    BI(avloc_chol_f64(A, N, N), AVLOC_ERR_NUMERIC);           /* not SPD */
    for (i = 0; i < N * N; i++) A[i] = (i % (N + 1) == 0) ? 4.0 : 0.5;
    BI(avloc_chol_f64(A, N, N), AVLOC_OK);
    for (i = 0; i < 2 * N; i++) B[i] = 1.0;
    BT(avloc_chol_solve_f64(NULL, N, N, B, 2, 2), B[0] == 1.0);  /* NULL: no-op */
    BT(avloc_chol_solve_f64(A, N, N, NULL, 2, 2), 1);
    BT(avloc_chol_solve_f64(A, 0, N, B, 2, 2), B[0] == 1.0);
    BT(double v = avloc_chol_logdet_f64(NULL, N, N), is_nan(v));
    BT(double v = avloc_chol_logdet_f64(A, 0, N), v == 0.0);
    BT(avloc_chol_inverse_f64(NULL, N, N, Ainv, N), 1);
    BT(avloc_chol_inverse_f64(A, N, N, NULL, N), 1);
    /* GEMM */
    BI(avloc_gemm_scratch_f32(4, 4, 4, NULL), AVLOC_ERR_NULL);
    BI(avloc_gemm_scratch_f64(4, 4, 4, NULL), AVLOC_ERR_NULL);
    BI(avloc_gemm_scratch_f32(SZ_HUGE, SZ_HUGE, SZ_HUGE, &sb), AVLOC_OK); /* capped by the blocking */
    BI(avloc_gemm_scratch_f64(0, 0, 0, &sb), AVLOC_OK);
    BI(avloc_gemm_scratch_f32(N, N, N, &sb), AVLOC_OK);
    scr = gb_new(sb);
    fill_sig(Af, N * N, 1); fill_sig(Bf, N * N, 2);
    BI(avloc_gemm_f32(0, 0, N, N, N, 1.0f, NULL, N, Bf, N, 0.0f, Cf, N, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_gemm_f32(0, 0, N, N, N, 1.0f, Af, N, NULL, N, 0.0f, Cf, N, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_gemm_f32(0, 0, N, N, N, 1.0f, Af, N, Bf, N, 0.0f, NULL, N, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_gemm_f32(2, 0, N, N, N, 1.0f, Af, N, Bf, N, 0.0f, Cf, N, scr, sb), AVLOC_ERR_PARAM);
    BI(avloc_gemm_f32(0, -1, N, N, N, 1.0f, Af, N, Bf, N, 0.0f, Cf, N, scr, sb), AVLOC_ERR_PARAM);
#ifndef AVLOC_GEMM_SMALL /* (no panels there: scratch unused) */
    BI(avloc_gemm_f32(0, 0, N, N, N, 1.0f, Af, N, Bf, N, 0.0f, Cf, N, Cf, sb), AVLOC_ERR_PARAM); /* panels over C */
    BI(avloc_gemm_f32(0, 0, N, N, N, 1.0f, Af, N, Bf, N, 0.0f, Cf, N, Bf, sb), AVLOC_ERR_PARAM); /* over B */
#endif
    BI(avloc_gemm_f32(0, 0, N, N, N, 1.0f, Af, N - 1, Bf, N, 0.0f, Cf, N, scr, sb), AVLOC_ERR_SIZE);
    BI(avloc_gemm_f32(0, 0, N, N, N, 1.0f, Af, N, Bf, N, 0.0f, Cf, 0, scr, sb), AVLOC_ERR_SIZE);
    gb_fill(Cf, N * N * sizeof(float));
    if (sb > 0) {
        BI(avloc_gemm_f32(0, 0, N, N, N, 1.0f, Af, N, Bf, N, 0.0f, Cf, N, scr, SHORT(sb)), AVLOC_ERR_WORKSPACE);
        BI(gb_untouched(Cf, N * N * sizeof(float)), 1);
    }
    BI(avloc_gemm_f32(0, 0, 0, N, N, 1.0f, Af, N, Bf, N, 0.0f, Cf, N, scr, sb), AVLOC_OK); /* m == 0: no-op */
    BI(gb_untouched(Cf, N * N * sizeof(float)), 1);
    Bf[3] = f_nan();                                        /* NaN propagates, no error */
    BI(avloc_gemm_f32(0, 0, N, N, N, 1.0f, Af, N, Bf, N, 0.0f, Cf, N, scr, sb), AVLOC_OK);
    Bf[3] = FLT_MIN / 4;                                    /* denormal */
    BI(avloc_gemm_f32(1, 1, N, N, N, 1.0f, Af, N, Bf, N, 0.0f, Cf, N, NULL, 0), AVLOC_OK);
    BI(avloc_all_finite_f32(Cf, N * N), 1);
    /* misaligned (one float past a vector boundary) operands */
    {
        float *Am = (float *)gb_new_at(N * N * sizeof(float), 4), *Cm = (float *)gb_new_at(N * N * sizeof(float), 4);
        fill_sig(Am, N * N, 3);
        BI(avloc_gemm_f32(0, 0, N, N, N, 1.0f, Am, N, Am, N, 0.0f, Cm, N, scr, sb), AVLOC_OK);
    }
    BI(avloc_gemm_f64(0, 0, N, N, N, 1.0, NULL, N, A, N, 0.0, C, N, NULL, 0), AVLOC_ERR_NULL);
    BI(avloc_gemm_f64(0, 3, N, N, N, 1.0, A, N, A, N, 0.0, C, N, NULL, 0), AVLOC_ERR_PARAM);
    BI(avloc_gemm_f64(0, 0, N, N, N, 1.0, A, N, A, 1, 0.0, C, N, NULL, 0), AVLOC_ERR_SIZE);
    BI(avloc_gemm_f64(0, 0, N, N, N, 1.0, A, N, A, N, 0.0, C, N, scr, 1), sb > 1 ? AVLOC_ERR_WORKSPACE : AVLOC_OK);
    /* the caller's threads and the threaded GEMM (a serial stand-in pool) */
    {
        tr_runner tr;
        avloc_threads th = tr_init(&tr, 2), none, many = th;
        size_t count = 0, sb2 = 0;
        void *scr2;
        memset(&none, 0, sizeof none);
        many.workers = AVLOC_MAX_WORKERS + 1;
        BI(avloc_threads_workers(NULL), 1);
        BI(avloc_threads_workers(&none), 1);
        BI(avloc_threads_workers(&th), 2);
        BT(avloc_threads_run(NULL, bi_count_task, &count, 3), count == 3);  /* NULL: serial */
        BT(avloc_threads_run(&none, bi_count_task, &count, 0), count == 3); /* no tasks */
        BT(avloc_threads_run(&th, bi_count_task, &count, 2), count == 5);
        BI(avloc_gemm_threads_scratch_f32(N, N, N, 2, NULL), AVLOC_ERR_NULL);
        BI(avloc_gemm_threads_scratch_f64(N, N, N, AVLOC_MAX_WORKERS + 1, &sb2), AVLOC_ERR_PARAM);
        BI(avloc_gemm_threads_scratch_f64(SZ_HUGE, SZ_HUGE, SZ_HUGE, 2, &sb2), AVLOC_OK); /* capped */
        BI(avloc_gemm_threads_scratch_f32(N, N, N, 2, &sb2), AVLOC_OK);
        scr2 = gb_new(sb2 ? sb2 : 1);
        BI(avloc_gemm_threads_f32(&th, 0, 0, N, N, N, 1.0f, NULL, N, Bf, N, 0.0f, Cf, N, scr2, sb2), AVLOC_ERR_NULL);
        BI(avloc_gemm_threads_f32(&th, 4, 0, N, N, N, 1.0f, Af, N, Bf, N, 0.0f, Cf, N, scr2, sb2), AVLOC_ERR_PARAM);
        BI(avloc_gemm_threads_f32(&th, 0, 0, N, N, N, 1.0f, Af, N, Bf, N, 0.0f, Cf, 1, scr2, sb2), AVLOC_ERR_SIZE);
        BI(avloc_gemm_threads_f32(&many, 0, 0, N, N, N, 1.0f, Af, N, Bf, N, 0.0f, Cf, N, scr2, sb2), AVLOC_ERR_PARAM);
        BI(avloc_gemm_threads_f32(&th, 0, 0, N, N, N, 1.0f, Af, N, Bf, N, 0.0f, Cf, N, scr2, 1),
           sb2 > 1 ? AVLOC_ERR_WORKSPACE : AVLOC_OK);
        BI(avloc_gemm_threads_f32(&th, 0, 0, N, N, N, 1.0f, Af, N, Bf, N, 0.0f, Cf, N, scr2, sb2), AVLOC_OK);
        BI(avloc_gemm_threads_f64(&th, 0, 0, N, N, N, 1.0, A, N, NULL, N, 0.0, C, N, NULL, 0), AVLOC_ERR_NULL);
        BI(avloc_gemm_threads_f64(&th, 0, 0, N, N, N, 1.0, A, 1, A, N, 0.0, C, N, NULL, 0), AVLOC_ERR_SIZE);
        BI(avloc_gemm_threads_f64(&many, 0, 0, N, N, N, 1.0, A, N, A, N, 0.0, C, N, NULL, 0), AVLOC_ERR_PARAM);
        BI(avloc_gemm_threads_f64(NULL, 0, 0, N, N, N, 1.0, A, N, A, N, 0.0, C, N, NULL, 0), AVLOC_OK); /* serial */
    }
    /* Sylvester diagonal step */
    for (i = 0; i < N; i++) { mu[i] = 1.0 + (double)i; nu[i] = -1.0 - (double)i; }
    BI(avloc_sylvester_diag_f64(NULL, N, N, N, mu, nu), AVLOC_ERR_NULL);
    BI(avloc_sylvester_diag_f64(C, N, N, N, NULL, nu), AVLOC_ERR_NULL);
    BI(avloc_sylvester_diag_f64(C, N, N, N, mu, NULL), AVLOC_ERR_NULL);
    BI(avloc_sylvester_diag_f64(C, N, N, N - 1, mu, nu), AVLOC_ERR_SIZE);
    BI(avloc_sylvester_diag_f64(C, N, N, N, mu, nu), AVLOC_ERR_NUMERIC);  /* mu_0 + nu_0 == 0 */
    gb_free_all();
}

static void bi_core_linalg(void)
{
    enum { M = 6, N = 4 };
    double *A = GB_F64(M * N), *U = GB_F64(M * N), *s = GB_F64(N), *Vt = GB_F64(N * N), *S = GB_F64(N * N), *C = GB_F64(N * N);
    float *Af = GB_F32(M * N), *Uf = GB_F32(M * N), *sf = GB_F32(N), *Vtf = GB_F32(N * N), *out = GB_F32(M * N);
    size_t sb = 0, s5b = 0, i, j, rank = 0;
    void *scr;
    avloc_tsvd_config tc = avloc_tsvd_config_default();
    avloc_tsvd t;
    void *tmem;
    fill_sig64(A, M * N, 5);
    for (i = 0; i < M * N; i++) Af[i] = (float)A[i];
    for (i = 0; i < N; i++) for (j = 0; j < N; j++) S[i * N + j] = (i == j ? 3.0 : 0.25);
    BI(avloc_svd_scratch_f64(M, N, NULL), AVLOC_ERR_NULL);
    BI(avloc_svd_scratch_f64(0, N, &sb), AVLOC_ERR_SIZE);
    BI(avloc_svd_scratch_f64(SZ_HALF, SZ_HALF, &sb), AVLOC_ERR_OVERFLOW);
    BI(avloc_svd_scratch_f32(SZ_HALF, 3, &sb), AVLOC_ERR_OVERFLOW);
    BI(avloc_svd_scratch_f32(M, 0, &sb), AVLOC_ERR_SIZE);
    BI(avloc_svd_scratch_f32(M, N, &sb), AVLOC_OK);
    {   size_t s2 = 0, s3 = 0, s4 = 0, s5 = 0;
        avloc_svd_scratch_f64(M, N, &s2); avloc_eigh_scratch_f64(N, &s3); avloc_sylvester_sym_scratch_f64(N, N, &s4);
        avloc_eigh_tridiag_scratch_f64(N, &s5);
        if (s5 > sb) sb = s5;
        if (s2 > sb) sb = s2;
        if (s3 > sb) sb = s3;
        if (s4 > sb) sb = s4; }
    scr = gb_new(sb);
    BI(avloc_svd_f64(M, N, NULL, N, U, N, s, Vt, N, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_svd_f64(M, N, A, N, U, N, NULL, Vt, N, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_svd_f64(M, N, A, N, U, N, s, Vt, N, NULL, sb), AVLOC_ERR_NULL);
    BI(avloc_svd_f64(0, N, A, N, U, N, s, Vt, N, scr, sb), AVLOC_ERR_SIZE);
    BI(avloc_svd_f64(M, N, A, N - 1, U, N, s, Vt, N, scr, sb), AVLOC_ERR_SIZE);
    BI(avloc_svd_f64(M, N, A, N, U, N - 1, s, Vt, N, scr, sb), AVLOC_ERR_SIZE);
    gb_fill(U, M * N * 8); gb_fill(s, N * 8); gb_fill(Vt, N * N * 8);
    BI(avloc_svd_f64(M, N, A, N, U, N, s, Vt, N, scr, 8), AVLOC_ERR_WORKSPACE);
    /* scratch over an input or an output (avloc.h, MEMORY): refused, nothing written */
    BI(avloc_svd_f64(M, N, A, N, U, N, s, Vt, N, (void *)A, sb), AVLOC_ERR_PARAM);
    BI(avloc_svd_f64(M, N, A, N, U, N, s, Vt, N, U, sb), AVLOC_ERR_PARAM);
    BI(gb_untouched(U, M * N * 8) && gb_untouched(s, N * 8) && gb_untouched(Vt, N * N * 8), 1);
    BI(gb_untouched(U, M * N * 8) && gb_untouched(s, N * 8) && gb_untouched(Vt, N * N * 8), 1);
    A[7] = (double)f_inf();
    BI(avloc_svd_f64(M, N, A, N, U, N, s, Vt, N, scr, sb), AVLOC_ERR_NONFINITE);
    BI(gb_untouched(U, M * N * 8) && gb_untouched(s, N * 8), 1);
    A[7] = DBL_MIN / 1024;                                   /* denormal */
    BI(avloc_svd_f64(M, N, A, N, NULL, 0, s, NULL, 0, scr, sb), AVLOC_OK);
    BI(avloc_all_finite_f64(s, N), 1);
    BI(avloc_svd_f32(M, N, NULL, N, Uf, N, sf, Vtf, N, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_svd_f32(M, N, Af, 0, Uf, N, sf, Vtf, N, scr, sb), AVLOC_ERR_SIZE);
    Af[3] = f_nan();
    BI(avloc_svd_f32(M, N, Af, N, Uf, N, sf, Vtf, N, scr, sb), AVLOC_ERR_NONFINITE);
    Af[3] = 0.5f;
    BI(avloc_svd_f32(M, N, Af, N, Uf, N, sf, Vtf, N, scr, 3), AVLOC_ERR_WORKSPACE);
    {   float *Am = (float *)gb_new_at(M * N * sizeof(float), 4);
        memcpy(Am, Af, M * N * sizeof(float));
        BI(avloc_svd_f32(M, N, Am, N, Uf, N, sf, Vtf, N, (unsigned char *)scr, sb), AVLOC_OK); }
    BI(avloc_eigh_scratch_f64(N, NULL), AVLOC_ERR_NULL);
    BI(avloc_eigh_scratch_f64(0, &sb), AVLOC_ERR_SIZE);
    BI(avloc_eigh_scratch_f64(SZ_HALF, &sb), AVLOC_ERR_OVERFLOW);
    BI(avloc_eigh_f64(N, NULL, N, s, Vt, N, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_eigh_f64(N, S, N, NULL, Vt, N, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_eigh_f64(0, S, N, s, Vt, N, scr, sb), AVLOC_ERR_SIZE);
    BI(avloc_eigh_f64(N, S, 1, s, Vt, N, scr, sb), AVLOC_ERR_SIZE);
    BI(avloc_eigh_f64(N, S, N, s, Vt, N, scr, 5), AVLOC_ERR_WORKSPACE);
    S[5] = (double)f_nan();
    BI(avloc_eigh_f64(N, S, N, s, Vt, N, scr, sb), AVLOC_ERR_NONFINITE);
    S[5] = 3.0;
    BI(avloc_eigh_tridiag_scratch_f64(N, NULL), AVLOC_ERR_NULL);
    BI(avloc_eigh_tridiag_scratch_f64(0, &s5b), AVLOC_ERR_SIZE);
    BI(avloc_eigh_tridiag_scratch_f64(SZ_HALF, &s5b), AVLOC_ERR_OVERFLOW);
    BI(avloc_eigh_tridiag_f64(N, NULL, N, s, Vt, N, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_eigh_tridiag_f64(N, S, N, NULL, Vt, N, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_eigh_tridiag_f64(0, S, N, s, Vt, N, scr, sb), AVLOC_ERR_SIZE);
    BI(avloc_eigh_tridiag_f64(N, S, 1, s, Vt, N, scr, sb), AVLOC_ERR_SIZE);
    BI(avloc_eigh_tridiag_f64(N, S, N, s, Vt, 1, scr, sb), AVLOC_ERR_SIZE);
    BI(avloc_eigh_tridiag_f64(N, S, N, s, Vt, N, scr, 5), AVLOC_ERR_WORKSPACE);
    BI(avloc_eigh_tridiag_f64(N, S, N, s, Vt, N, Vt, sb), AVLOC_ERR_PARAM);          /* scratch over V */
    S[5] = (double)f_nan();
    BI(avloc_eigh_tridiag_f64(N, S, N, s, Vt, N, scr, sb), AVLOC_ERR_NONFINITE);
    S[5] = 3.0;
    BI(avloc_eigh_tridiag_f64(N, S, N, s, Vt, N, scr, sb), AVLOC_OK);
    BI(avloc_sylvester_sym_scratch_f64(N, N, NULL), AVLOC_ERR_NULL);
    BI(avloc_sylvester_sym_scratch_f64(0, N, &sb), AVLOC_ERR_SIZE);
    BI(avloc_sylvester_sym_scratch_f64(SZ_HALF, SZ_HALF, &sb), AVLOC_ERR_OVERFLOW);
    BI(avloc_sylvester_sym_f64(N, N, NULL, N, S, N, S, N, C, N, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_sylvester_sym_f64(N, N, S, N, S, N, S, N, NULL, N, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_sylvester_sym_f64(N, 0, S, N, S, N, S, N, C, N, scr, sb), AVLOC_ERR_SIZE);
    BI(avloc_sylvester_sym_f64(N, N, S, N, S, N, S, N, C, 2, scr, sb), AVLOC_ERR_SIZE);
    BI(avloc_sylvester_sym_f64(N, N, S, N, S, N, S, N, C, N, scr, 7), AVLOC_ERR_WORKSPACE);
    BI(avloc_sylvester_sym_f64(N, N, S, N, S, N, S, N, C, N, C, sb), AVLOC_ERR_PARAM); /* scratch over C */
    BI(avloc_sylvester_sym_f64(N, N, S, N, S, N, S, N, C, N, S, sb), AVLOC_ERR_PARAM); /* over the inputs */
    {   double *Z = GB_F64(N * N), *Zn = GB_F64(N * N);           /* M + N singular: 0 + 0 */
        for (i = 0; i < N * N; i++) { Z[i] = 0.0; Zn[i] = 0.0; }
        BI(avloc_sylvester_sym_f64(N, N, Z, N, Zn, N, S, N, C, N, scr, sb), AVLOC_ERR_NUMERIC);
        Z[0] = (double)f_inf();
        BI(avloc_sylvester_sym_f64(N, N, Z, N, Zn, N, S, N, C, N, scr, sb), AVLOC_ERR_NONFINITE); }
    /* truncated SVD and SVT */
    BI(avloc_tsvd_query(NULL, &sb), AVLOC_ERR_NULL);
    BI(avloc_tsvd_query(&tc, &sb), AVLOC_ERR_SIZE);           /* m, n, max_rank 0 */
    tc.m = M; tc.n = N; tc.max_rank = N + 1;
    BI(avloc_tsvd_query(&tc, &sb), AVLOC_ERR_SIZE);           /* max_rank > min(m, n) */
    tc.m = SZ_HALF; tc.n = SZ_HALF; tc.max_rank = 2;
    BI(avloc_tsvd_query(&tc, &sb), AVLOC_ERR_SIZE);           /* absurd: beyond AVLOC_MAX_DIM */
    tc.m = M; tc.n = N; tc.max_rank = 2;
    BI(avloc_tsvd_query(&tc, NULL), AVLOC_ERR_NULL);
    BI(avloc_tsvd_query(&tc, &sb), AVLOC_OK);
    tmem = gb_new(sb);
    BI(avloc_tsvd_init(NULL, &tc, tmem, sb), AVLOC_ERR_NULL);
    BI(avloc_tsvd_init(&t, &tc, NULL, sb), AVLOC_ERR_NULL);
    BI(avloc_tsvd_init(&t, &tc, tmem, SHORT(sb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_tsvd_f32(&t, Af, N, 1, Uf, 1, sf, Vtf, N), AVLOC_ERR_STATE); /* failed init */
    BT(avloc_tsvd_reset(&t), 1);
    BT(avloc_tsvd_reset(NULL), 1);
    BI(avloc_tsvd_init(&t, &tc, (unsigned char *)tmem, sb), AVLOC_OK);
    BI(avloc_tsvd_f32(NULL, Af, N, 1, Uf, 1, sf, Vtf, N), AVLOC_ERR_NULL);
    BI(avloc_tsvd_f32(&t, NULL, N, 1, Uf, 1, sf, Vtf, N), AVLOC_ERR_NULL);
    BI(avloc_tsvd_f32(&t, Af, N, 0, Uf, 1, sf, Vtf, N), AVLOC_ERR_SIZE);
    BI(avloc_tsvd_f32(&t, Af, N, 3, Uf, 3, sf, Vtf, N), AVLOC_ERR_SIZE);   /* k > max_rank */
    BI(avloc_tsvd_f32(&t, Af, N - 1, 1, Uf, 1, sf, Vtf, N), AVLOC_ERR_SIZE);
    Af[2] = f_nan();
    gb_fill(sf, N * 4);
    BI(avloc_tsvd_f32(&t, Af, N, 2, Uf, 2, sf, Vtf, N), AVLOC_ERR_NONFINITE);
    BI(gb_untouched(sf, N * 4), 1);
    BI(avloc_svt_f32(&t, Af, N, 0.1f, out, N, &rank), AVLOC_ERR_NONFINITE);
    Af[2] = 0.25f;
    BI(avloc_svt_f32(NULL, Af, N, 0.1f, out, N, &rank), AVLOC_ERR_NULL);
    BI(avloc_svt_f32(&t, Af, N, 0.1f, NULL, N, &rank), AVLOC_ERR_NULL);
    BI(avloc_svt_f32(&t, Af, N, f_nan(), out, N, &rank), AVLOC_ERR_PARAM);
    BI(avloc_svt_f32(&t, Af, N, -1.0f, out, N, &rank), AVLOC_ERR_PARAM);
    BI(avloc_svt_f32(&t, Af, N, 0.1f, out, 1, &rank), AVLOC_ERR_SIZE);
    /* A or an output over the object's memory (avloc_extent): refused */
    BI(avloc_tsvd_f32(&t, (const float *)tmem, N, 1, Uf, 1, sf, Vtf, N), AVLOC_ERR_PARAM);
    BI(avloc_svt_f32(&t, Af, N, 0.1f, (float *)tmem, N, &rank), AVLOC_ERR_PARAM);
    BI(avloc_svt_f32(&t, Af, N, 0.1f, out, N, &rank), AVLOC_OK);
    /* outputs over each other (avloc.h, MEMORY) */
    BI(avloc_tsvd_f32(&t, Af, N, 2, Uf, 2, Vtf + 1, Vtf, N), AVLOC_ERR_PARAM);      /* s inside Vt */
    BI(avloc_svt_f32(&t, Af, N, 0.1f, out, N, (size_t *)(void *)out), AVLOC_ERR_PARAM); /* rank inside out */
    BI(avloc_svt_f32(&t, Af, N, 0.1f, Af + 1, N, &rank), AVLOC_ERR_PARAM);         /* out partly over A */
    BT(avloc_tsvd_destroy(&t), 1);
    BT(avloc_tsvd_destroy(NULL), 1);
    BI(avloc_tsvd_f32(&t, Af, N, 1, Uf, 1, sf, Vtf, N), AVLOC_ERR_STATE); /* destroyed */
    gb_free_all();
}

static void bi_core_safetensors(void)
{
    avloc_st_writer w;
    avloc_st_reader r;
    avloc_st_tensor t;
    avloc_st_iter it;
    size_t shape[2] = {2, 3}, total = 0, len = 0, raw_len = 0, hshape[2];
    float data[6] = {1, 2, 3, 4, 5, 6};
    unsigned char *file, *bad;
    float *of = GB_F32(6);
    double *od = GB_F64(6);
    int64_t *o64 = (int64_t *)gb_new(6 * 8);
    int32_t *o32 = (int32_t *)gb_new(6 * 4);
    char *name = (char *)gb_new(16);
    const char *raw = NULL, *jp, *jend;
    unsigned char u8[4];
    BT(size_t z = avloc_st_dtype_size((avloc_st_dtype)99), z == 0);
    BT(size_t z = avloc_st_dtype_size(AVLOC_ST_INVALID), z == 0);
    BT(const char *nm = avloc_st_dtype_name((avloc_st_dtype)-3), nm == NULL);
    /* writer */
    BI(avloc_st_begin(NULL, NULL, 0), AVLOC_ERR_NULL);
    BI(avloc_st_begin(&w, NULL, 0), AVLOC_OK);
    BI(avloc_st_add(NULL, "x", AVLOC_ST_F32, 2, shape, data), AVLOC_ERR_NULL);
    BI(avloc_st_add_meta(NULL, "k", "v"), AVLOC_ERR_NULL);
    BI(avloc_st_finish(NULL, &total), AVLOC_ERR_NULL);
    BI(avloc_st_add(&w, "x", AVLOC_ST_F32, 2, shape, data), AVLOC_OK);
    BI(avloc_st_add_meta(&w, "k", "v"), AVLOC_OK);
    BI(avloc_st_finish(&w, &total), AVLOC_OK);
    file = (unsigned char *)gb_new(total);
    BI(avloc_st_begin(&w, file, SHORT(total)), AVLOC_OK);
    BI(avloc_st_add(&w, "x", AVLOC_ST_F32, 2, shape, data), AVLOC_ERR_WORKSPACE);
    BI(avloc_st_add_meta(&w, "k", "v"), AVLOC_ERR_WORKSPACE);
    BI(avloc_st_finish(&w, &len), AVLOC_ERR_WORKSPACE);
    BI(len == total, 1);
    BI(avloc_st_begin(&w, file, total), AVLOC_OK);
    BI(avloc_st_add(&w, NULL, AVLOC_ST_F32, 2, shape, data), AVLOC_ERR_NULL);
    BI(avloc_st_begin(&w, file, total), AVLOC_OK);
    BI(avloc_st_add(&w, "x", AVLOC_ST_F32, 2, NULL, data), AVLOC_ERR_NULL);
    BI(avloc_st_begin(&w, file, total), AVLOC_OK);
    BI(avloc_st_add(&w, "x", AVLOC_ST_F32, 2, shape, NULL), AVLOC_ERR_NULL);
    BI(avloc_st_begin(&w, file, total), AVLOC_OK);
    BI(avloc_st_add(&w, "x", AVLOC_ST_INVALID, 2, shape, data), AVLOC_ERR_PARAM);
    BI(avloc_st_begin(&w, file, total), AVLOC_OK);
    BI(avloc_st_add(&w, "x", AVLOC_ST_F32, AVLOC_ST_MAX_NDIM + 1, shape, data), AVLOC_ERR_SIZE);
    BI(avloc_st_begin(&w, NULL, 0), AVLOC_OK);
    hshape[0] = SZ_HALF; hshape[1] = 4;                     /* a dimension beyond AVLOC_MAX_DIM */
    BI(avloc_st_add(&w, "x", AVLOC_ST_F32, 2, hshape, NULL), AVLOC_ERR_SIZE);
    {   size_t big[4] = {1u << 20, 1u << 20, 1u << 20, 1u << 20}; /* each fine, bytes overflow */
        BI(avloc_st_begin(&w, NULL, 0), AVLOC_OK);
        BI(avloc_st_add(&w, "x", AVLOC_ST_F32, sizeof(size_t) > 4 ? 4 : 2, big, NULL), AVLOC_ERR_OVERFLOW); }
    BI(avloc_st_begin(&w, file, total), AVLOC_OK);
    BI(avloc_st_add(&w, "__metadata__", AVLOC_ST_F32, 2, shape, data), AVLOC_ERR_PARAM);
    BI(avloc_st_begin(&w, file, total), AVLOC_OK);
    BI(avloc_st_add_meta(&w, NULL, "v"), AVLOC_ERR_NULL);
    BI(avloc_st_begin(&w, file, total), AVLOC_OK);
    BI(avloc_st_add(&w, "x", AVLOC_ST_F32, 2, shape, data), AVLOC_OK);
    BI(avloc_st_add_meta(&w, "k", "v"), AVLOC_OK);
    BI(avloc_st_finish(&w, &total), AVLOC_OK);
    BI(avloc_st_finish(&w, &total), AVLOC_ERR_STATE);       /* twice */
    /* reader */
    BI(avloc_st_open(NULL, file, total), AVLOC_ERR_NULL);
    BI(avloc_st_open(&r, NULL, total), AVLOC_ERR_NULL);
    BI(avloc_st_open(&r, file, 0), AVLOC_ERR_FORMAT);
    BI(avloc_st_open(&r, file, 7), AVLOC_ERR_FORMAT);
    BI(avloc_st_open(&r, file, total - 1), AVLOC_ERR_FORMAT);  /* truncated */
    bad = (unsigned char *)gb_new(total);
    memcpy(bad, file, total);
    bad[7] = 0x80;                                           /* header length beyond the file */
    BI(avloc_st_open(&r, bad, total), AVLOC_ERR_FORMAT);
    BI(avloc_st_count(&r), 0);                               /* zeroed on error */
    BI(avloc_st_count(NULL), 0);
    BI(avloc_st_find(&r, "x", &t), AVLOC_ERR_STATE);         /* not open */
    {   /* misaligned image (odd address) */
        unsigned char *mis = (unsigned char *)gb_new_at(total, 3);
        memcpy(mis, file, total);
        BI(avloc_st_open(&r, mis, total), AVLOC_OK);
        BI(avloc_st_read_f32(&r, "x", of, 6), AVLOC_OK);
        BI(of[5] == 6.0f, 1);
    }
    BI(avloc_st_open(&r, file, total), AVLOC_OK);
    BI(avloc_st_find(NULL, "x", &t), AVLOC_ERR_NULL);
    BI(avloc_st_find(&r, NULL, &t), AVLOC_ERR_NULL);
    BI(avloc_st_find(&r, "x", NULL), AVLOC_ERR_NULL);
    BI(avloc_st_find(&r, "nope", &t), AVLOC_ERR_NOT_FOUND);
    BI(avloc_st_find_n(&r, "x", SZ_HUGE, &t), AVLOC_ERR_NOT_FOUND);
    BI(avloc_st_find_n(&r, NULL, 1, &t), AVLOC_ERR_NULL);
    BI(avloc_st_tensor_at(&r, 1, &t), AVLOC_ERR_NOT_FOUND);
    BI(avloc_st_tensor_at(&r, SZ_HUGE, &t), AVLOC_ERR_NOT_FOUND);
    BI(avloc_st_tensor_at(NULL, 0, &t), AVLOC_ERR_NULL);
    BT(avloc_st_iter_begin(&r, NULL), 1);
    BT(avloc_st_iter_begin(&r, &it), 1);
    BI(avloc_st_next(NULL, &it, &t), 0);
    BI(avloc_st_next(&r, NULL, &t), 0);
    BI(avloc_st_next(&r, &it, NULL), 0);
    BI(avloc_st_find(&r, "x", &t), AVLOC_OK);
    BI(avloc_st_tensor_name(NULL, name, 16, &len), AVLOC_ERR_NULL);
    BI(avloc_st_tensor_name(&t, NULL, 16, &len), AVLOC_ERR_WORKSPACE); /* NULL buf: a length query */
    BI(len == 1, 1);
    gb_fill(name, 16);
    BI(avloc_st_tensor_name(&t, name, 0, &len), AVLOC_ERR_WORKSPACE);
    BI(gb_untouched(name, 16) && len == 1, 1);
    BI(avloc_st_tensor_name(&t, name, 1, &len), AVLOC_ERR_WORKSPACE);
    BI(avloc_st_tensor_f32(NULL, of, 6), AVLOC_ERR_NULL);
    BI(avloc_st_tensor_f32(&t, NULL, 6), AVLOC_ERR_NULL);
    gb_fill(of, 24);
    BI(avloc_st_tensor_f32(&t, of, 5), AVLOC_ERR_SIZE);
    BI(avloc_st_tensor_f32(&t, of, SZ_HUGE), AVLOC_ERR_SIZE);
    BI(gb_untouched(of, 24), 1);
    BI(avloc_st_tensor_f64(&t, od, 7), AVLOC_ERR_SIZE);
    BI(avloc_st_tensor_i64(&t, o64, 6), AVLOC_ERR_PARAM);    /* F32 is not an integer dtype */
    BI(avloc_st_tensor_i32(&t, o32, 6), AVLOC_ERR_PARAM);
    BI(avloc_st_read_f32(&r, NULL, of, 6), AVLOC_ERR_NULL);
    BI(avloc_st_read_f64(&r, "y", od, 6), AVLOC_ERR_NOT_FOUND);
    BI(avloc_st_read_i64(NULL, "x", o64, 6), AVLOC_ERR_NULL);
    BI(avloc_st_read_i32(&r, "x", NULL, 6), AVLOC_ERR_NULL);
    BI(avloc_st_meta(&r, "k", name, 1), AVLOC_ERR_WORKSPACE);
    BI(avloc_st_meta(&r, "k", NULL, 8), AVLOC_ERR_NULL);
    BI(avloc_st_meta(&r, "zz", name, 8), AVLOC_ERR_NOT_FOUND);
    BI(avloc_st_meta(NULL, "k", name, 8), AVLOC_ERR_NULL);
    BI(avloc_st_meta_len(&r, NULL, &len), AVLOC_ERR_NULL);
    BI(avloc_st_meta_len(&r, "k", NULL), AVLOC_ERR_NULL);
    BI(avloc_st_meta_raw(&r, "k", NULL, &raw_len), AVLOC_ERR_NULL);
    BI(avloc_st_meta_raw(&r, "zz", &raw, &raw_len), AVLOC_ERR_NOT_FOUND);
    BI(avloc_st_json_char(NULL, NULL, u8), 0);
    jp = "\\u12"; jend = jp + 4;                             /* truncated escape */
    BI(avloc_st_json_char(&jp, jend, u8), 0);
    jp = "\\ud800x"; jend = jp + 7;                          /* lone surrogate */
    BI(avloc_st_json_char(&jp, jend, u8), 0);
    jp = "a"; jend = jp;                                     /* empty range */
    BI(avloc_st_json_char(&jp, jend, u8), 0);
    jp = "a"; jend = jp + 1;
    BI(avloc_st_json_char(&jp, jend, NULL), 0);
    gb_free_all();
}

/* ============================================================ avloc_dsp.h */
static void bi_dsp_fft(void)
{
    avloc_fft_f32 plan;
    size_t pb = 0, sb = 0, n = 24;
    void *mem, *scr;
    float *x = GB_F32(2 * n), *xm = (float *)gb_new_at(2 * n * sizeof(float), 4);
    avloc_complex_f32 *y = (avloc_complex_f32 *)gb_new((n + 1) * sizeof(avloc_complex_f32));
    BI(avloc_fft_query_f32(th_fftc(0, AVLOC_FFT_COMPLEX), &pb, &sb), AVLOC_ERR_SIZE);
    BI(avloc_fft_query_f32(th_fftc(n, (avloc_fft_kind)7), &pb, &sb), AVLOC_ERR_PARAM);
    BI(avloc_fft_query_f32(th_fftc(1, AVLOC_FFT_REAL), &pb, &sb), AVLOC_OK);       /* any n >= 1 */
    BI(avloc_fft_query_f32(th_fftc(SZ_HUGE, AVLOC_FFT_COMPLEX), &pb, &sb), AVLOC_ERR_SIZE);
    BI(avloc_fft_query_f32(th_fftc(n, AVLOC_FFT_REAL), NULL, NULL), AVLOC_OK);     /* outputs optional */
    BI(avloc_fft_query_f32(NULL, &pb, &sb), AVLOC_ERR_NULL);                      /* no config */
    BI(avloc_fft_query_f32(th_fftc(n, AVLOC_FFT_REAL), &pb, &sb), AVLOC_OK);
    mem = gb_new(pb); scr = gb_new(sb);
    BI(avloc_fft_init_f32(NULL, th_fftc(n, AVLOC_FFT_REAL), mem, pb), AVLOC_ERR_NULL);
    BI(avloc_fft_init_f32(&plan, th_fftc(n, AVLOC_FFT_REAL), NULL, pb), AVLOC_ERR_NULL);
    BI(avloc_fft_init_f32(&plan, NULL, mem, pb), AVLOC_ERR_NULL);
    BI(avloc_fft_init_f32(&plan, th_fftc(n, AVLOC_FFT_REAL), mem, SHORT(pb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_fft_r2c_f32(&plan, x, y, scr, sb), AVLOC_ERR_STATE);   /* after a failed init */
    BI(avloc_fft_init_f32(&plan, th_fftc(0, AVLOC_FFT_REAL), mem, pb), AVLOC_ERR_SIZE);
    BI(avloc_fft_init_f32(&plan, th_fftc(n, AVLOC_FFT_REAL), (unsigned char *)mem, pb), AVLOC_OK);
    fill_sig(x, 2 * n, 3);
    BI(avloc_fft_r2c_f32(NULL, x, y, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_fft_r2c_f32(&plan, NULL, y, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_fft_r2c_f32(&plan, x, NULL, scr, sb), AVLOC_ERR_NULL);
    if (sb > 0) {
        gb_fill(y, (n + 1) * sizeof *y);
        BI(avloc_fft_r2c_f32(&plan, x, y, scr, SHORT(sb)), AVLOC_ERR_WORKSPACE);
        BI(gb_untouched(y, (n + 1) * sizeof *y), 1);
        BI(avloc_fft_r2c_f32(&plan, x, y, NULL, sb), AVLOC_ERR_NULL);
    }
    BI(avloc_fft_c2c_f32(&plan, y, y, AVLOC_FFT_FORWARD, scr, sb), AVLOC_ERR_PARAM); /* real plan */
    x[5] = f_nan(); x[6] = f_inf(); x[7] = FLT_MIN / 2;     /* no error: IEEE propagation */
    BI(avloc_fft_r2c_f32(&plan, x, y, scr, sb), AVLOC_OK);
    memcpy(xm, x, n * sizeof(float));
    BI(avloc_fft_r2c_f32(&plan, xm, y, scr, sb), AVLOC_OK);  /* misaligned input */
    /* out partly over in, scratch over in or out, out or scratch over the plan's memory: refused */
    BI(avloc_fft_r2c_f32(&plan, x, (avloc_complex_f32 *)(void *)(x + 2), scr, sb), AVLOC_ERR_PARAM);
    BI(avloc_fft_r2c_f32(&plan, x, (avloc_complex_f32 *)mem, scr, sb), AVLOC_ERR_PARAM);
    BI(avloc_fft_r2c_f32(&plan, x, y, y, sb), sb ? AVLOC_ERR_PARAM : AVLOC_OK);
    BI(avloc_fft_c2r_f32(&plan, y, xm, (void *)y, sb), sb ? AVLOC_ERR_PARAM : AVLOC_OK);
    BI(avloc_fft_c2r_f32(&plan, y, xm, mem, sb), sb ? AVLOC_ERR_PARAM : AVLOC_OK);
    BI(avloc_fft_c2r_f32(NULL, y, x, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_fft_c2r_f32(&plan, y, NULL, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_fft_c2r_f32(&plan, y, xm, scr, SHORT(sb)), sb ? AVLOC_ERR_WORKSPACE : AVLOC_OK);
    BT(avloc_fft_destroy_f32(&plan), 1);
    BT(avloc_fft_destroy_f32(NULL), 1);
    BI(avloc_fft_query_f32(th_fftc(n, AVLOC_FFT_COMPLEX), &pb, &sb), AVLOC_OK);
    mem = gb_new(pb); scr = gb_new(sb);
    BI(avloc_fft_init_f32(&plan, th_fftc(n, AVLOC_FFT_COMPLEX), mem, pb), AVLOC_OK);
    BI(avloc_fft_c2c_f32(&plan, y, y, (avloc_fft_dir)5, scr, sb), AVLOC_ERR_PARAM);
    BI(avloc_fft_c2c_f32(&plan, NULL, y, AVLOC_FFT_FORWARD, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_fft_c2c_f32(&plan, y, y + 1, AVLOC_FFT_FORWARD, scr, sb), AVLOC_ERR_PARAM);   /* out partly over in */
    BI(avloc_fft_r2c_f32(&plan, x, y, scr, sb), AVLOC_ERR_PARAM); /* complex plan */
    BI(avloc_fft_c2c_f32(&plan, (const avloc_complex_f32 *)xm, (avloc_complex_f32 *)xm, AVLOC_FFT_INVERSE, scr, sb), AVLOC_OK);
    BT(size_t z = avloc_fft_next_fast_size(0), z >= 1);
    BT(size_t z = avloc_fft_next_fast_size(SZ_HUGE), z == 0 || z == SZ_HUGE);
    BT(size_t z = avloc_fft_next_fast_size_real(SZ_HUGE - 1), z == 0 || z >= SZ_HUGE - 1);
    BT(size_t z = avloc_fft_next_fast_size_real(0), z >= 1);
    avloc_fft_destroy_f32(&plan);
    /* const root tables (MCU): record on the host, init from flash */
    {   size_t cnt = 0, cap = 4 * n;
        avloc_complex_f32 *roots = (avloc_complex_f32 *)gb_new(cap * sizeof(avloc_complex_f32));
        avloc_fft_tables t;
        size_t tb = 0;
        void *tm;
        BI(avloc_fft_query_f32(th_fftc(n, AVLOC_FFT_REAL), &tb, NULL), AVLOC_OK);
        tm = gb_new(tb);
        BT(size_t vw = avloc_fft_tables_vw(), vw <= 16);
        BI(avloc_fft_record_tables_f32(th_fftc(n, AVLOC_FFT_REAL), tm, tb, roots, cap, NULL), AVLOC_ERR_NULL);
        BI(avloc_fft_record_tables_f32(th_fftc(n, AVLOC_FFT_REAL), tm, tb, NULL, cap, &cnt), AVLOC_ERR_NULL);
        BI(avloc_fft_record_tables_f32(NULL, tm, tb, roots, cap, &cnt), AVLOC_ERR_NULL);
#ifdef AVLOC_USE_FFTW3
        BI(avloc_fft_record_tables_f32(th_fftc(n, AVLOC_FFT_REAL), tm, tb, roots, cap, &cnt), AVLOC_ERR_UNSUPPORTED);
        t.n = n; t.kind = AVLOC_FFT_REAL; t.vw = 0; t.count = 0; t.roots = roots;
        BI(avloc_fft_init_tables_f32(&plan, &t, tm, tb), AVLOC_ERR_UNSUPPORTED);
#else
        BI(avloc_fft_record_tables_f32(th_fftc(0, AVLOC_FFT_REAL), tm, tb, roots, cap, &cnt), AVLOC_ERR_SIZE);
        BI(avloc_fft_record_tables_f32(th_fftc(n, AVLOC_FFT_REAL), tm, SHORT(tb), roots, cap, &cnt), AVLOC_ERR_WORKSPACE);
        BI(avloc_fft_record_tables_f32(th_fftc(n, AVLOC_FFT_REAL), tm, tb, roots, 0, &cnt), AVLOC_ERR_WORKSPACE);
        BT((void)0, cnt > 0);                                               /* says how many it needs */
        BI(avloc_fft_record_tables_f32(th_fftc(n, AVLOC_FFT_REAL), tm, tb, roots, cap, &cnt), AVLOC_OK);
        t.n = n; t.kind = AVLOC_FFT_REAL; t.vw = avloc_fft_tables_vw(); t.count = cnt; t.roots = roots;
        BI(avloc_fft_init_tables_f32(NULL, &t, tm, tb), AVLOC_ERR_NULL);
        BI(avloc_fft_init_tables_f32(&plan, NULL, tm, tb), AVLOC_ERR_NULL);
        BI(avloc_fft_init_tables_f32(&plan, &t, tm, SHORT(tb)), AVLOC_ERR_WORKSPACE);
        t.vw += 1;                                                           /* recorded for another kernel set */
        BI(avloc_fft_init_tables_f32(&plan, &t, tm, tb), AVLOC_ERR_PARAM);
        t.vw -= 1; t.count = cnt - 1;                                        /* truncated table */
        BT(avloc_result rr = avloc_fft_init_tables_f32(&plan, &t, tm, tb), rr == AVLOC_ERR_FORMAT && plan.n == 0);
        t.count = cnt; t.kind = AVLOC_FFT_COMPLEX;                           /* another plan's table */
        BT(avloc_result rr = avloc_fft_init_tables_f32(&plan, &t, tm, tb), rr != AVLOC_OK);
        t.kind = AVLOC_FFT_REAL;
        BI(avloc_fft_init_tables_f32(&plan, &t, tm, tb), AVLOC_OK);
        avloc_fft_destroy_f32(&plan);
#endif
    }
    gb_free_all();
}

static void bi_dsp_stft(void)
{
    avloc_stft_config c = avloc_stft_config_default();
    avloc_stft_f32 st;
    avloc_stft_stream_f32 ss;
    avloc_window_table wt;
    size_t ob = 0, sb = 0, nf = 0, len = 0, smb = 0, n = 1000, got = 0, used = 0, nb;
    void *mem, *scr, *smem;
    float *x = GB_F32(n), *y = GB_F32(n), *w = GB_F32(64), *taps = GB_F32(64), *pw;
    avloc_complex_f32 *spec;
    BI(avloc_window_f32(AVLOC_WINDOW_HANN, 1, NULL, 8), AVLOC_ERR_NULL);
    BI(avloc_window_f32(AVLOC_WINDOW_HANN, 1, w, 0), AVLOC_ERR_SIZE);
    BI(avloc_window_f32((avloc_window)42, 1, w, 8), AVLOC_ERR_PARAM);
    BI(avloc_window_f32(AVLOC_WINDOW_HANN, 1, w + 1, 63), AVLOC_OK);   /* misaligned */
    c.n_fft = 64; c.hop = 16; c.win_length = 0;
    BI(avloc_stft_frames(NULL, n, &nf), AVLOC_ERR_NULL);
    BI(avloc_stft_frames(&c, n, NULL), AVLOC_ERR_NULL);
    c.hop = 0;
    BI(avloc_stft_frames(&c, n, &nf), AVLOC_ERR_SIZE);                  /* hop 0 */
    BI(avloc_stft_query_f32(&c, &ob, &sb), AVLOC_ERR_SIZE);
    c.hop = 16; c.win_length = 65;
    BI(avloc_stft_query_f32(&c, &ob, &sb), AVLOC_ERR_SIZE);             /* window longer than n_fft */
    c.win_length = 0; c.n_fft = 1;
    BI(avloc_stft_query_f32(&c, &ob, &sb), AVLOC_ERR_SIZE);
    c.n_fft = SZ_HUGE;
    BI(avloc_stft_query_f32(&c, &ob, &sb), AVLOC_ERR_SIZE);
    c.n_fft = 64; c.window = (avloc_window)9;
    BI(avloc_stft_query_f32(&c, &ob, &sb), AVLOC_ERR_PARAM);
    c.window = AVLOC_WINDOW_HANN; c.pad_mode = (avloc_pad_mode)5;
    BI(avloc_stft_query_f32(&c, &ob, &sb), AVLOC_ERR_PARAM);
    c.pad_mode = AVLOC_PAD_REFLECT;
    BI(avloc_stft_frames(&c, SZ_HUGE, &nf), AVLOC_ERR_OVERFLOW);        /* n + n_fft overflows */
    BI(avloc_stft_frames(&c, 10, &nf), AVLOC_ERR_SIZE);                 /* reflect pad needs n > n_fft/2 */
    BI(avloc_istft_length(NULL, 4, &len), AVLOC_ERR_NULL);
    BI(avloc_istft_length(&c, 0, &len), AVLOC_ERR_SIZE);
    BI(avloc_istft_length(&c, SZ_HUGE, &len), AVLOC_ERR_OVERFLOW);
    BI(avloc_stft_frames(&c, n, &nf), AVLOC_OK);
    BI(avloc_stft_query_f32(NULL, &ob, &sb), AVLOC_ERR_NULL);
    BI(avloc_stft_query_f32(&c, &ob, &sb), AVLOC_OK);
    nb = 33;
    mem = gb_new(ob); scr = gb_new(sb);
    spec = (avloc_complex_f32 *)gb_new(nf * nb * sizeof(avloc_complex_f32));
    BI(avloc_stft_init_f32(NULL, &c, mem, ob), AVLOC_ERR_NULL);
    BI(avloc_stft_init_f32(&st, &c, mem, SHORT(ob)), AVLOC_ERR_WORKSPACE);
    BI(avloc_stft_forward_f32(&st, x, n, spec, nf, scr, sb), AVLOC_ERR_STATE);
    wt.type = AVLOC_WINDOW_HAMMING; wt.periodic = 1; wt.length = 64; wt.taps = taps; wt.fft = NULL;
    avloc_window_f32(AVLOC_WINDOW_HAMMING, 1, taps, 64);
    BI(avloc_stft_init_tables_f32(&st, &c, NULL, mem, ob), AVLOC_ERR_NULL);
    BI(avloc_stft_init_tables_f32(&st, &c, &wt, mem, ob), AVLOC_ERR_PARAM); /* table is not the config's window */
    wt.type = AVLOC_WINDOW_HANN; wt.length = 32;
    BI(avloc_stft_init_tables_f32(&st, &c, &wt, mem, ob), AVLOC_ERR_PARAM);
    wt.length = 64; wt.taps = NULL;
    BI(avloc_stft_init_tables_f32(&st, &c, &wt, mem, ob), AVLOC_ERR_NULL);
    BI(avloc_stft_init_f32(&st, &c, (unsigned char *)mem, ob), AVLOC_OK);
    fill_sig(x, n, 9);
    BI(avloc_stft_forward_f32(NULL, x, n, spec, nf, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_stft_forward_f32(&st, NULL, n, spec, nf, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_stft_forward_f32(&st, x, n, NULL, nf, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_stft_forward_f32(&st, x, n, spec, nf - 1, scr, sb), AVLOC_ERR_SIZE);
    BI(avloc_stft_forward_f32(&st, x, n, spec, nf, scr, SHORT(sb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_stft_forward_f32(&st, x, 0, spec, nf, scr, sb), AVLOC_ERR_SIZE);
    x[100] = f_nan();
    BI(avloc_stft_forward_f32(&st, x, n, spec, nf, scr, sb), AVLOC_ERR_NONFINITE);
    x[100] = -f_inf();
    BI(avloc_stft_forward_f32(&st, x, n, spec, nf, scr, sb), AVLOC_ERR_NONFINITE);
    fill_sig(x, n, 9);
    x[300] = FLT_MIN / 3;                                                /* denormal */
    BI(avloc_stft_forward_f32(&st, x, n, spec, nf, scr, sb), AVLOC_OK);
    fill_sig(x, n, 9);
    BI(avloc_stft_forward_f32(&st, x, n, spec, nf, scr, sb), AVLOC_OK);
    BI(avloc_stft_inverse_f32(NULL, spec, nf, y, n, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_stft_inverse_f32(&st, NULL, nf, y, n, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_stft_inverse_f32(&st, spec, nf, NULL, n, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_stft_inverse_f32(&st, spec, 0, y, n, scr, sb), AVLOC_ERR_SIZE);
    BI(avloc_stft_inverse_f32(&st, spec, nf, y, SZ_HUGE, scr, sb), AVLOC_ERR_SIZE);
    gb_fill(y, n * sizeof(float));
    BI(avloc_stft_inverse_f32(&st, spec, nf, y, n, scr, SHORT(sb)), AVLOC_ERR_WORKSPACE);
    BI(gb_untouched(y, n * sizeof(float)), 1);
    BI(avloc_stft_inverse_f32(&st, spec, nf, y, n, scr, sb), AVLOC_OK);
    /* overlapping buffers (avloc.h, MEMORY): refused before anything is written */
    memcpy(y, spec, n * sizeof(float));
    BI(avloc_stft_forward_f32(&st, (const float *)spec, n, spec, nf, scr, sb), AVLOC_ERR_PARAM); /* out over x */
    BI(memcmp(y, spec, n * sizeof(float)) == 0, 1);
    BI(avloc_stft_inverse_f32(&st, spec, nf, (float *)spec + 3, n, scr, sb), AVLOC_ERR_PARAM);   /* y inside in */
    BI(memcmp(y, spec, n * sizeof(float)) == 0, 1);
    BI(avloc_stft_forward_f32(&st, x, n, spec, nf, spec, sb), AVLOC_ERR_PARAM);     /* scratch over out */
    BI(avloc_stft_forward_f32(&st, x, n, spec, nf, x, sb), AVLOC_ERR_PARAM);        /* scratch over x */
    BI(avloc_stft_inverse_f32(&st, spec, nf, y, n, y, sb), AVLOC_ERR_PARAM);        /* scratch over y */
    BI(avloc_stft_forward_f32(&st, x, n, (avloc_complex_f32 *)mem, nf, scr, sb), AVLOC_ERR_PARAM); /* over the object */
    BI(avloc_stft_inverse_f32(&st, spec, nf, y, n, mem, sb), AVLOC_ERR_PARAM);
    BI(memcmp(y, spec, n * sizeof(float)) == 0, 1);
    pw = GB_F32(nb);
    BI(avloc_spec_power_f32(NULL, nb, 2.0f, pw), AVLOC_ERR_NULL);
    BI(avloc_spec_power_f32(spec, nb, 2.0f, NULL), AVLOC_ERR_NULL);
    BI(avloc_spec_power_f32(spec, nb, f_nan(), pw), AVLOC_ERR_PARAM);
    BI(avloc_spec_power_f32(spec, nb, -1.0f, pw), AVLOC_ERR_PARAM);
    BI(avloc_spec_power_f32(spec, 0, 2.0f, pw), AVLOC_ERR_SIZE);
    {   /* out inside in past its start: values not yet read would be overwritten */
        float *sv = GB_F32(2 * nb), *ref = GB_F32(nb);
        memcpy(sv, spec, 2 * nb * sizeof *sv);
        BI(avloc_spec_power_f32(spec, nb, 1.0f, ref), AVLOC_OK);
        BI(avloc_spec_power_f32(spec, nb, 1.0f, (float *)spec + nb), AVLOC_ERR_PARAM);
        BI(avloc_spec_power_f32(spec, nb, 1.0f, (float *)spec + 1), AVLOC_ERR_PARAM);
        BI(memcmp(sv, spec, 2 * nb * sizeof *sv) == 0, 1);               /* nothing written */
        BI(avloc_spec_power_f32(spec, nb, 1.0f, (float *)spec), AVLOC_OK); /* in place */
        BI(memcmp(spec, ref, nb * sizeof *ref) == 0, 1);
        memcpy(spec, sv, 2 * nb * sizeof *sv); }
    /* streaming */
    BI(avloc_stft_stream_query_f32(NULL, &smb), AVLOC_ERR_NULL);
    BI(avloc_stft_stream_query_f32(&st, NULL), AVLOC_ERR_NULL);
    BI(avloc_stft_stream_query_f32(&st, &smb), AVLOC_OK);
    smem = gb_new(smb);
    BI(avloc_stft_stream_init_f32(NULL, &st, smem, smb), AVLOC_ERR_NULL);
    BI(avloc_stft_stream_init_f32(&ss, NULL, smem, smb), AVLOC_ERR_NULL);
    BI(avloc_stft_stream_init_f32(&ss, &st, smem, SHORT(smb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_stft_stream_push_f32(&ss, x, 100, spec, nf, &got, &used, scr, sb), AVLOC_ERR_STATE);
    BI(avloc_stft_stream_reset_f32(&ss), AVLOC_ERR_STATE);
    BI(avloc_stft_stream_reset_f32(NULL), AVLOC_ERR_NULL);
    BI(avloc_stft_stream_init_f32(&ss, &st, smem, smb), AVLOC_OK);
    BI(avloc_stft_stream_push_f32(NULL, x, 100, spec, nf, &got, &used, scr, sb), AVLOC_ERR_NULL);
    got = used = 7;                                                  /* frames, counts, scratch over x */
    BI(avloc_stft_stream_push_f32(&ss, (const float *)spec, 100, spec, nf, &got, &used, scr, sb), AVLOC_ERR_PARAM);
    BI(avloc_stft_stream_push_f32(&ss, x, 100, spec, nf, (size_t *)(void *)x, &used, scr, sb), AVLOC_ERR_PARAM);
    BI(got == 7 && used == 7, 1);
    BI(avloc_stft_stream_push_f32(&ss, x, 100, spec, nf, &got, &used, spec, sb), AVLOC_ERR_PARAM);
    BI(got == 7 && used == 7, 1);                                    /* nothing written, counts included */
    BI(avloc_stft_stream_push_f32(&ss, NULL, 100, spec, nf, &got, &used, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_stft_stream_push_f32(&ss, x, 100, (avloc_complex_f32 *)smem, nf, &got, &used, scr, sb),
       AVLOC_ERR_PARAM);                                             /* frames over the ring */
    BI(avloc_stft_stream_push_f32(&ss, (const float *)smem, 4, spec, nf, &got, &used, scr, sb), AVLOC_ERR_PARAM);
    BI(avloc_stft_stream_push_f32(&ss, x, 100, spec, nf, &got, &used, mem, sb), AVLOC_ERR_PARAM); /* over the STFT */
    BI(avloc_stft_stream_push_f32(&ss, x, 100, NULL, nf, &got, &used, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_stft_stream_push_f32(&ss, x, 100, spec, nf, NULL, &used, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_stft_stream_push_f32(&ss, x, 100, spec, nf, &got, &used, scr, SHORT(sb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_stft_stream_push_f32(&ss, x, 0, spec, nf, &got, &used, scr, sb), AVLOC_OK);
    BI(got, 0);
    BI(avloc_stft_stream_push_f32(&ss, x, n, spec, 0, &got, &used, scr, sb), AVLOC_OK); /* no room: consumes what it can hold */
    BI(got, 0);
    BI(avloc_stft_stream_push_f32(&ss, x, n, spec, nf, &got, &used, scr, sb), AVLOC_OK);
    {   /* the STFT destroyed (zeroed) under a live stream: refused from the first push,
           also one that completes no frame */
        avloc_stft_f32 dead;
        avloc_stft_stream_f32 s2 = ss;
        memset(&dead, 0, sizeof dead);
        s2.stft = &dead;
        BI(avloc_stft_stream_push_f32(&s2, x, 1, spec, nf, &got, &used, scr, sb), AVLOC_ERR_STATE); }
    BT(avloc_stft_stream_destroy_f32(&ss), 1);
    BT(avloc_stft_stream_destroy_f32(NULL), 1);
    BI(avloc_stft_stream_push_f32(&ss, x, 10, spec, nf, &got, &used, scr, sb), AVLOC_ERR_STATE);
    BT(avloc_stft_destroy_f32(&st), 1);
    BT(avloc_stft_destroy_f32(NULL), 1);
    BI(avloc_stft_forward_f32(&st, x, n, spec, nf, scr, sb), AVLOC_ERR_STATE);
    BT(avloc_stft_config c2 = avloc_stft_config_default(), c2.n_fft >= 2);
    gb_free_all();
}

static void bi_dsp_mel(void)
{
    avloc_mel_config mc = avloc_mel_config_default();
    avloc_mel_f32 mel;
    avloc_mel_tables mt;
    avloc_mfcc_config fc = avloc_mfcc_config_default();
    avloc_mfcc_f32 mf;
    avloc_mfcc_tables ft;
    size_t mb = 0, fb = 0, nb, T = 3;
    void *mmem, *fmem;
    float *spec, *out, *dense, *v = GB_F32(8), *o = GB_F32(8), *lm, *cc;
    BT(double h = avloc_hz_to_mel((double)f_nan(), AVLOC_MEL_HTK), is_nan(h));
    BT((void)avloc_hz_to_mel(-1.0, (avloc_mel_scale)9), 1);             /* no crash */
    BT(double h = avloc_mel_to_hz((double)f_inf(), AVLOC_MEL_SLANEY), !(h < 0));
    mc.n_fft = 64; mc.n_mels = 8; mc.sample_rate = 16000; mc.fmin = 0; mc.fmax = 8000;
    BI(avloc_mel_query_f32(NULL, &mb), AVLOC_ERR_NULL);
    BI(avloc_mel_query_f32(&mc, NULL), AVLOC_ERR_NULL);
    mc.n_mels = 0;
    BI(avloc_mel_query_f32(&mc, &mb), AVLOC_ERR_SIZE);
    mc.n_fft = 2048; mc.n_mels = ((size_t)1 << 16) + 1;                  /* 2^26 cells and a band more */
    BI(avloc_mel_query_f32(&mc, &mb), AVLOC_ERR_SIZE);                  /* (2^27 bands: minutes of planning) */
    mc.n_fft = 64;
    mc.n_mels = 8; mc.fmin = 9000;
    BI(avloc_mel_query_f32(&mc, &mb), AVLOC_ERR_PARAM);                 /* fmin > fmax */
    mc.fmin = f_nan();
    BI(avloc_mel_query_f32(&mc, &mb), AVLOC_ERR_PARAM);
    mc.fmin = 0; mc.sample_rate = -1;
    BI(avloc_mel_query_f32(&mc, &mb), AVLOC_ERR_PARAM);
    mc.sample_rate = 16000; mc.n_fft = SZ_HUGE;
    BI(avloc_mel_query_f32(&mc, &mb), AVLOC_ERR_SIZE);
    mc.n_fft = 64; mc.scale = (avloc_mel_scale)7;
    BI(avloc_mel_query_f32(&mc, &mb), AVLOC_ERR_PARAM);
    mc.scale = AVLOC_MEL_HTK;
    BI(avloc_mel_query_f32(&mc, &mb), AVLOC_OK);
    nb = 33;
    mmem = gb_new(mb);
    spec = GB_F32(T * nb); out = GB_F32(T * 8); dense = GB_F32(8 * nb);
    BI(avloc_mel_init_f32(NULL, &mc, mmem, mb), AVLOC_ERR_NULL);
    BI(avloc_mel_init_f32(&mel, &mc, NULL, mb), AVLOC_ERR_NULL);
    BI(avloc_mel_init_f32(&mel, &mc, mmem, SHORT(mb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_mel_apply_f32(&mel, spec, T, out), AVLOC_ERR_STATE);
    BI(avloc_mel_init_f32(&mel, &mc, mmem, mb), AVLOC_OK);
    fill_sig(spec, T * nb, 4);
    BI(avloc_mel_apply_f32(NULL, spec, T, out), AVLOC_ERR_NULL);
    BI(avloc_mel_apply_f32(&mel, NULL, T, out), AVLOC_ERR_NULL);
    BI(avloc_mel_apply_f32(&mel, spec, T, NULL), AVLOC_ERR_NULL);
    BI(avloc_mel_apply_f32(&mel, spec, SZ_HALF, out), AVLOC_ERR_OVERFLOW);
    spec[4] = f_nan();                                                   /* propagates (documented) */
    BI(avloc_mel_apply_f32(&mel, spec, T, out), AVLOC_OK);
    spec[4] = FLT_MIN / 5;
    BI(avloc_mel_apply_f32(&mel, spec, T, out), AVLOC_OK);
    BI(avloc_mel_apply_f32(&mel, spec, T, spec), AVLOC_ERR_PARAM);     /* in place: bands read written bins */
    BI(avloc_mel_apply_f32(&mel, spec, 1, spec + nb - 1), AVLOC_ERR_PARAM); /* a partial overlap */
    BI(avloc_mel_apply_f32(&mel, spec, 1, spec + nb), AVLOC_OK);        /* adjacent: apart */
    BI(avloc_mel_apply_f32(&mel, spec, 1, (float *)mmem), AVLOC_ERR_PARAM); /* over the object's memory */
    BI(avloc_mel_apply_f32(&mel, spec, 1, mel.weights + 1), AVLOC_ERR_PARAM); /* inside it, past its start */
    BI(avloc_mel_dense_f32(&mel, (float *)mmem, 8 * nb), AVLOC_ERR_PARAM);
    fill_sig(spec, T * nb, 4);
    BI(avloc_mel_dense_f32(NULL, dense, 8 * nb), AVLOC_ERR_NULL);
    BI(avloc_mel_dense_f32(&mel, NULL, 8 * nb), AVLOC_ERR_NULL);
    gb_fill(dense, 8 * nb * 4);
    BI(avloc_mel_dense_f32(&mel, dense, 8 * nb - 1), AVLOC_ERR_SIZE);
    BI(gb_untouched(dense, 8 * nb * 4), 1);
    /* tables: consistent ones from the object, then broken */
    mt.cfg = mc; mt.nnz = mel.nnz; mt.start = mel.start; mt.count = mel.count; mt.offset = mel.offset; mt.weights = mel.weights;
    {   avloc_mel_f32 m2;
        BI(avloc_mel_init_tables_f32(NULL, &mt), AVLOC_ERR_NULL);
        BI(avloc_mel_init_tables_f32(&m2, NULL), AVLOC_ERR_NULL);
        BI(avloc_mel_init_tables_f32(&m2, &mt), AVLOC_OK);
        mt.nnz++;
        BI(avloc_mel_init_tables_f32(&m2, &mt), AVLOC_ERR_FORMAT);
        mt.nnz--; mt.weights = NULL;
        BI(avloc_mel_init_tables_f32(&m2, &mt), AVLOC_ERR_NULL);
        mt.weights = mel.weights; mt.cfg.n_mels = 0;
        BI(avloc_mel_init_tables_f32(&m2, &mt), AVLOC_ERR_SIZE); }
    BT(avloc_mel_destroy_f32(&mel), 1);
    BT(avloc_mel_destroy_f32(NULL), 1);
    /* dB and log maps */
    fill_sig(v, 8, 5);
    BI(avloc_db_f32(NULL, 8, o, 10, 1, 1e-10f, 80), AVLOC_ERR_NULL);
    BI(avloc_db_f32(v, 8, NULL, 10, 1, 1e-10f, 80), AVLOC_ERR_NULL);
    BI(avloc_db_f32(v, 8, o, 10, 1, 0.0f, 80), AVLOC_ERR_PARAM);        /* amin 0 */
    BI(avloc_db_f32(v, 8, o, f_nan(), 1, 1e-10f, 80), AVLOC_ERR_PARAM);
    BI(avloc_db_f32(v, 8, o, 10, f_inf(), 1e-10f, 80), AVLOC_ERR_PARAM);
    v[2] = f_nan();
    BI(avloc_db_f32(v, 8, o, 10, 1, 1e-10f, 80), AVLOC_ERR_NONFINITE);
    BI(avloc_db_to_power_f32(v, 8, o, 10, 1), AVLOC_ERR_NONFINITE);
    BI(avloc_log_f32(v, 8, o, 1e-6f, 1), AVLOC_ERR_NONFINITE);
    BI(avloc_exp_f32(v, 8, o, 1e-6f, 1), AVLOC_ERR_NONFINITE);
    v[2] = FLT_MIN / 7;                                                  /* denormal: floored */
    BI(avloc_db_f32(v, 8, o, 10, 1, 1e-10f, 80), AVLOC_OK);
    BI(avloc_all_finite_f32(o, 8), 1);
    BI(avloc_db_to_power_f32(NULL, 8, o, 10, 1), AVLOC_ERR_NULL);
    BI(avloc_db_to_power_f32(v, 8, o, 0, 1), AVLOC_ERR_PARAM);          /* mult 0 */
    BI(avloc_log_f32(v, 8, NULL, 1e-6f, 1), AVLOC_ERR_NULL);
    BI(avloc_log_f32(v, 8, o, 0.0f, 1), AVLOC_ERR_PARAM);               /* eps 0 */
    BI(avloc_log_f32(v, 8, o, -1.0f, 0), AVLOC_ERR_PARAM);
    BI(avloc_exp_f32(NULL, 8, o, 1e-6f, 1), AVLOC_ERR_NULL);
    BI(avloc_exp_f32(v, 8, o, f_nan(), 1), AVLOC_ERR_PARAM);
    /* in place works; a partial overlap is refused, nothing written */
    fill_sig(spec, 16, 5);
    BI(avloc_db_f32(spec, 8, spec, 10, 1, 1e-10f, 80), AVLOC_OK);
    BI(avloc_log_f32(spec, 8, spec, 1e-6f, 1), AVLOC_OK);
    BI(avloc_exp_f32(spec, 8, spec, 1e-6f, 1), AVLOC_OK);
    BI(avloc_db_to_power_f32(spec, 8, spec, 10, 1), AVLOC_OK);
    memcpy(o, spec, 8 * sizeof(float));
    BI(avloc_db_f32(spec, 8, spec + 1, 10, 1, 1e-10f, 80), AVLOC_ERR_PARAM);
    BI(avloc_db_to_power_f32(spec + 1, 8, spec, 10, 1), AVLOC_ERR_PARAM);
    BI(avloc_log_f32(spec, 8, spec + 7, 1e-6f, 1), AVLOC_ERR_PARAM);
    BI(avloc_exp_f32(spec, 8, spec + 4, 1e-6f, 1), AVLOC_ERR_PARAM);
    BI(memcmp(o, spec, 8 * sizeof(float)) == 0, 1);
    BI(avloc_log_f32(spec, 8, spec + 8, 1e-6f, 1), AVLOC_OK);          /* adjacent: apart */
    /* MFCC */
    fc.n_mels = 8; fc.n_mfcc = 9;                                        /* more coefficients than mels */
    BI(avloc_mfcc_query_f32(&fc, &fb), AVLOC_ERR_SIZE);
    fc.n_mfcc = 0;
    BI(avloc_mfcc_query_f32(&fc, &fb), AVLOC_ERR_SIZE);
    fc.n_mfcc = 4; fc.lifter = AVLOC_LIFTER_HTK; fc.lifter_L = 0;
    BI(avloc_mfcc_query_f32(&fc, &fb), AVLOC_ERR_PARAM);
    fc.lifter = (avloc_lifter)5; fc.lifter_L = 22;
    BI(avloc_mfcc_query_f32(&fc, &fb), AVLOC_ERR_PARAM);
    fc.lifter = AVLOC_LIFTER_LIBROSA; fc.n_mels = SZ_HALF; fc.n_mfcc = SZ_HALF;
    BI(avloc_mfcc_query_f32(&fc, &fb), AVLOC_ERR_SIZE);
    fc.n_mels = 8;  fc.n_mfcc = 4;
    BI(avloc_mfcc_query_f32(NULL, &fb), AVLOC_ERR_NULL);
    BI(avloc_mfcc_query_f32(&fc, NULL), AVLOC_ERR_NULL);
    BI(avloc_mfcc_query_f32(&fc, &fb), AVLOC_OK);
    fmem = gb_new(fb);
    lm = GB_F32(T * 8); cc = GB_F32(T * 4);
    BI(avloc_mfcc_init_f32(NULL, &fc, fmem, fb), AVLOC_ERR_NULL);
    BI(avloc_mfcc_init_f32(&mf, &fc, fmem, SHORT(fb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_mfcc_apply_f32(&mf, lm, T, cc), AVLOC_ERR_STATE);
    BI(avloc_mfcc_init_f32(&mf, &fc, fmem, fb), AVLOC_OK);
    fill_sig(lm, T * 8, 6);
    BI(avloc_mfcc_apply_f32(NULL, lm, T, cc), AVLOC_ERR_NULL);
    BI(avloc_mfcc_apply_f32(&mf, NULL, T, cc), AVLOC_ERR_NULL);
    BI(avloc_mfcc_apply_f32(&mf, lm, T, NULL), AVLOC_ERR_NULL);
    BI(avloc_mfcc_apply_f32(&mf, lm, SZ_HALF, cc), AVLOC_ERR_OVERFLOW);
    lm[3] = -f_inf();                                                    /* propagates (documented) */
    BI(avloc_mfcc_apply_f32(&mf, lm, T, cc), AVLOC_OK);
    lm[3] = 0;
    BI(avloc_mfcc_apply_f32(&mf, lm, T, cc), AVLOC_OK);
    BI(avloc_mfcc_invert_f32(NULL, cc, T, lm), AVLOC_ERR_NULL);
    BI(avloc_mfcc_invert_f32(&mf, cc, T, NULL), AVLOC_ERR_NULL);
    BI(avloc_mfcc_invert_f32(&mf, cc, SZ_HALF, lm), AVLOC_ERR_OVERFLOW);
    cc[1] = f_nan();
    BI(avloc_mfcc_invert_f32(&mf, cc, T, lm), AVLOC_OK);
    BI(avloc_mfcc_apply_f32(&mf, lm, T, lm), AVLOC_ERR_PARAM);         /* in place: later rows read written ones */
    BI(avloc_mfcc_apply_f32(&mf, lm, T, lm + 8), AVLOC_ERR_PARAM);
    BI(avloc_mfcc_invert_f32(&mf, lm, T, lm), AVLOC_ERR_PARAM);
    BI(avloc_mfcc_apply_f32(&mf, lm, 1, (float *)fmem), AVLOC_ERR_PARAM);  /* over the object's memory */
    BI(avloc_mfcc_invert_f32(&mf, cc, 1, (float *)fmem), AVLOC_ERR_PARAM);
    {   /* librosa lifter L = 2: coefficient 2's gain is 1 + sin(3 pi / 2) = 0, so no inverse */
        avloc_mfcc_config z = fc;
        avloc_mfcc_f32 mz;
        size_t zb = 0;
        z.lifter = AVLOC_LIFTER_LIBROSA; z.lifter_L = 2;
        BI(avloc_mfcc_query_f32(&z, &zb), AVLOC_OK);
        BI(avloc_mfcc_init_f32(&mz, &z, gb_new(zb), zb), AVLOC_OK);
        lm[0] = 55.0f;
        BI(avloc_mfcc_invert_f32(&mz, cc, T, lm), AVLOC_ERR_NUMERIC);
        BI(lm[0] == 55.0f, 1); }                                          /* untouched */
    ft.cfg = fc; ft.dct = mf.dct; ft.lift = mf.lift;
    {   avloc_mfcc_f32 m2;
        BI(avloc_mfcc_init_tables_f32(NULL, &ft), AVLOC_ERR_NULL);
        BI(avloc_mfcc_init_tables_f32(&m2, NULL), AVLOC_ERR_NULL);
        ft.dct = NULL;
        BI(avloc_mfcc_init_tables_f32(&m2, &ft), AVLOC_ERR_NULL);
        ft.dct = mf.dct; ft.cfg.n_mfcc = 99;
        BI(avloc_mfcc_init_tables_f32(&m2, &ft), AVLOC_ERR_SIZE); }
    BT(avloc_mfcc_destroy_f32(&mf), 1);
    BT(avloc_mfcc_destroy_f32(NULL), 1);
    BT(avloc_mfcc_config fcd = avloc_mfcc_config_default(), fcd.n_mfcc >= 1);
    BT(avloc_mel_config mcd = avloc_mel_config_default(), mcd.n_mels >= 1);
    gb_free_all();
}

static void bi_dsp_melspec(void)
{
    avloc_melspec_config c = avloc_melspec_config_librosa_mfcc();
    avloc_melspec_f32 m;
    avloc_melspec_stream_f32 s;
    size_t ob = 0, sb = 0, nf = 0, n = 2000, smb = 0, ssb = 0, got = 0, used = 0;
    void *mem, *scr, *smem, *sscr;
    float *x = GB_F32(n), *mel, *mfcc;
    BT(avloc_melspec_config a = avloc_melspec_config_librosa(), a.n_mfcc == 0);
    BT(avloc_melspec_config a = avloc_melspec_config_librosa_db(), a.log == AVLOC_LOG_DB);
    BT(avloc_melspec_config a = avloc_melspec_config_torchaudio(), a.n_mels > 0);
    BT(avloc_melspec_config a = avloc_melspec_config_torchaudio_db(), a.log == AVLOC_LOG_DB);
    BT(avloc_melspec_config a = avloc_melspec_config_torchaudio_mfcc(), a.n_mfcc > 0);
    BT(avloc_melspec_config a = avloc_melspec_config_default(), a.n_mels > 0);
    c.stft.n_fft = 256; c.stft.hop = 64; c.stft.win_length = 0; c.n_mels = 20; c.n_mfcc = 8; c.sample_rate = 16000; c.fmax = 8000;
    BI(avloc_melspec_query_f32(NULL, &ob, &sb), AVLOC_ERR_NULL);
    c.n_mfcc = 21;
    BI(avloc_melspec_query_f32(&c, &ob, &sb), AVLOC_ERR_SIZE);          /* n_mfcc > n_mels */
    c.n_mfcc = 8; c.power = 0;
    BI(avloc_melspec_query_f32(&c, &ob, &sb), AVLOC_ERR_PARAM);
    c.power = 2; c.log = (avloc_log_kind)9;
    BI(avloc_melspec_query_f32(&c, &ob, &sb), AVLOC_ERR_PARAM);
    c.log = AVLOC_LOG_DB; c.stft.hop = 0;
    BI(avloc_melspec_query_f32(&c, &ob, &sb), AVLOC_ERR_SIZE);
    c.stft.hop = 64; c.stft.win_length = 512;
    BI(avloc_melspec_query_f32(&c, &ob, &sb), AVLOC_ERR_SIZE);
    c.stft.win_length = 0;
    BI(avloc_melspec_query_f32(&c, &ob, &sb), AVLOC_OK);
    BI(avloc_stft_frames(&c.stft, n, &nf), AVLOC_OK);
    mem = gb_new(ob); scr = gb_new(sb);
    mel = GB_F32(nf * 20); mfcc = GB_F32(nf * 8);
    BI(avloc_melspec_init_f32(NULL, &c, mem, ob), AVLOC_ERR_NULL);
    BI(avloc_melspec_init_f32(&m, &c, NULL, ob), AVLOC_ERR_NULL);
    BI(avloc_melspec_init_f32(&m, &c, mem, SHORT(ob)), AVLOC_ERR_WORKSPACE);
    BI(avloc_melspec_compute_f32(&m, x, n, mel, nf, scr, sb), AVLOC_ERR_STATE);
    {   /* from const tables (MCU): the window table checked against the config */
        avloc_window_table wt;
        avloc_melspec_tables mt;
        float *taps = GB_F32(256);
        avloc_window_f32(c.stft.window, c.stft.periodic, taps, 256);
        wt.type = c.stft.window; wt.periodic = c.stft.periodic; wt.length = 256; wt.taps = taps; wt.fft = NULL;
        mt.window = &wt; mt.mel = NULL; mt.mfcc = NULL;
        BI(avloc_melspec_init_tables_f32(NULL, &c, &mt, mem, ob), AVLOC_ERR_NULL);
        BI(avloc_melspec_init_tables_f32(&m, &c, NULL, mem, ob), AVLOC_ERR_NULL);
        BI(avloc_melspec_init_tables_f32(&m, NULL, &mt, mem, ob), AVLOC_ERR_NULL);
        BI(avloc_melspec_init_tables_f32(&m, &c, &mt, NULL, ob), AVLOC_ERR_NULL);
        BI(avloc_melspec_init_tables_f32(&m, &c, &mt, mem, ob), AVLOC_ERR_NULL);     /* no filterbank table */
        wt.length = 128;
        BI(avloc_melspec_init_tables_f32(&m, &c, &mt, mem, ob), AVLOC_ERR_PARAM);    /* not the config's window */
        BI(avloc_melspec_compute_f32(&m, x, n, mel, nf, scr, sb), AVLOC_ERR_STATE);  /* after a failed init */
    }
    BI(avloc_melspec_init_f32(&m, &c, (unsigned char *)mem, ob), AVLOC_OK);
    fill_sig(x, n, 8);
    BI(avloc_melspec_compute_f32(NULL, x, n, mel, nf, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_melspec_compute_f32(&m, NULL, n, mel, nf, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_melspec_compute_f32(&m, x, n, NULL, nf, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_melspec_compute_f32(&m, x, n, mel, nf + 1, scr, sb), AVLOC_ERR_SIZE);
    gb_fill(mel, nf * 20 * 4);
    BI(avloc_melspec_compute_f32(&m, x, n, mel, nf, scr, SHORT(sb)), AVLOC_ERR_WORKSPACE);
    BI(gb_untouched(mel, nf * 20 * 4), 1);
    {   float *xm = GB_F32(n + nf * 20);                                 /* mel over the signal */
        memcpy(xm, x, n * sizeof(float));
        BI(avloc_melspec_compute_f32(&m, xm, n, xm + n - 1, nf, scr, sb), AVLOC_ERR_PARAM);
        BI(memcmp(xm, x, n * sizeof(float)) == 0, 1);
        BI(avloc_melspec_compute_f32(&m, xm, n, xm + n, nf, scr, sb), AVLOC_OK); }  /* adjacent: apart */
    x[17] = f_inf();
    BI(avloc_melspec_compute_f32(&m, x, n, mel, nf, scr, sb), AVLOC_ERR_NONFINITE);
    BI(avloc_melspec_mfcc_f32(&m, x, n, mel, mfcc, nf, scr, sb), AVLOC_ERR_NONFINITE);
    x[17] = FLT_MIN / 9;
    BI(avloc_melspec_compute_f32(&m, x, n, mel, nf, scr, sb), AVLOC_OK);
    BI(avloc_melspec_compute_f32(&m, x, n, mel, nf, mel, sb), AVLOC_ERR_PARAM);     /* scratch over mel */
    BI(avloc_melspec_mfcc_f32(&m, x, n, mel, mfcc, nf, mfcc, sb), AVLOC_ERR_PARAM); /* scratch over mfcc */
    BI(avloc_melspec_compute_f32(&m, x, n, mel, nf, mem, sb), AVLOC_ERR_PARAM);     /* over the object */
    BI(avloc_melspec_mfcc_f32(&m, x, n, mel, (float *)mem, nf, scr, sb), AVLOC_ERR_PARAM);
    BI(avloc_melspec_mfcc_f32(NULL, x, n, mel, mfcc, nf, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_melspec_mfcc_f32(&m, x, n, mel, NULL, nf, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_melspec_mfcc_f32(&m, x, n, mel, mfcc, 0, scr, sb), AVLOC_ERR_SIZE);
    BI(avloc_melspec_mfcc_f32(&m, x, n, mel, mfcc, nf, scr, SHORT(sb)), AVLOC_ERR_WORKSPACE);
    gb_fill(mel, nf * 20 * 4);
    BI(avloc_melspec_mfcc_f32(&m, x, n, mel, mel + 8, nf, scr, sb), AVLOC_ERR_PARAM); /* one buffer for both */
    BI(gb_untouched(mel, nf * 20 * 4), 1);
    {   float *z = GB_F32(n);                                            /* silence */
        memset(z, 0, n * sizeof(float));
        BI(avloc_melspec_mfcc_f32(&m, z, n, mel, mfcc, nf, scr, sb), AVLOC_OK);
        BI(avloc_all_finite_f32(mfcc, nf * 8), 1); }
    BI(avloc_melspec_stream_query_f32(NULL, &smb, &ssb), AVLOC_ERR_NULL);
    BI(avloc_melspec_stream_query_f32(&m, NULL, &ssb), AVLOC_ERR_NULL);
    BI(avloc_melspec_stream_query_f32(&m, &smb, &ssb), AVLOC_OK);
    smem = gb_new(smb); sscr = gb_new(ssb);
    BI(avloc_melspec_stream_init_f32(NULL, &m, smem, smb), AVLOC_ERR_NULL);
    BI(avloc_melspec_stream_init_f32(&s, NULL, smem, smb), AVLOC_ERR_NULL);
    BI(avloc_melspec_stream_init_f32(&s, &m, smem, SHORT(smb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_melspec_stream_push_f32(&s, x, 100, mel, mfcc, nf, &got, &used, sscr, ssb), AVLOC_ERR_STATE);
    BI(avloc_melspec_stream_reset_f32(NULL), AVLOC_ERR_NULL);
    BI(avloc_melspec_stream_init_f32(&s, &m, smem, smb), AVLOC_OK);
    got = used = 7;                                   /* mfcc over logmel: refused before a sample is taken */
    BI(avloc_melspec_stream_push_f32(&s, x, 100, mel, mel + 1, nf, &got, &used, sscr, ssb), AVLOC_ERR_PARAM);
    BI(got == 7 && used == 7, 1);
    BI(avloc_melspec_stream_push_f32(&s, x, 100, mel, mfcc, nf, &got, &used, mfcc, ssb), AVLOC_ERR_PARAM);
    BI(got == 7 && used == 7, 1);                                    /* nothing written, counts included */
    BI(avloc_melspec_stream_push_f32(&s, x, 100, (float *)smem, NULL, nf, &got, &used, sscr, ssb), AVLOC_ERR_PARAM);
    BI(avloc_melspec_stream_push_f32(&s, x, 100, mel, (float *)mem, nf, &got, &used, sscr, ssb), AVLOC_ERR_PARAM);
    BI(avloc_melspec_stream_push_f32(NULL, x, 100, mel, mfcc, nf, &got, &used, sscr, ssb), AVLOC_ERR_NULL);
    BI(avloc_melspec_stream_push_f32(&s, NULL, 100, mel, mfcc, nf, &got, &used, sscr, ssb), AVLOC_ERR_NULL);
    BI(avloc_melspec_stream_push_f32(&s, x, 100, mel, mfcc, nf, NULL, &used, sscr, ssb), AVLOC_ERR_NULL);
    BI(avloc_melspec_stream_push_f32(&s, x, 100, mel, mfcc, nf, &got, &used, sscr, SHORT(ssb)), AVLOC_ERR_WORKSPACE);
    x[5] = f_nan();
    BI(avloc_melspec_stream_push_f32(&s, x, 100, mel, mfcc, nf, &got, &used, sscr, ssb), AVLOC_ERR_NONFINITE);
    x[5] = 0;
    BI(avloc_melspec_stream_reset_f32(&s), AVLOC_OK);
    BI(avloc_melspec_stream_push_f32(&s, x, n, mel, mfcc, nf, &got, &used, sscr, ssb), AVLOC_OK);
    BT(avloc_melspec_stream_destroy_f32(&s), 1);
    BT(avloc_melspec_stream_destroy_f32(NULL), 1);
    BT(avloc_melspec_destroy_f32(&m), 1);
    BT(avloc_melspec_destroy_f32(NULL), 1);
    BI(avloc_melspec_compute_f32(&m, x, n, mel, nf, scr, sb), AVLOC_ERR_STATE);
    gb_free_all();
}

static void bi_dsp_binaural_gcc(void)
{
    avloc_binaural_config bc = avloc_binaural_config_default();
    avloc_binaural_plan_f32 plan;
    avloc_window_table wt;
    avloc_gcc_config gc = avloc_gcc_config_default();
    avloc_gcc_f32 g;
    size_t n = 2000, nf = 0, sb = 0, pb = 0, psb = 0, act = 0, gob = 0, gsb = 0, gnf = 0, D;
    void *scr, *pmem, *pscr, *gmem, *gscr;
    float *l = GB_F32(n), *r = GB_F32(n), *z = GB_F32(n), *feat, *del, *taps = GB_F32(256);
    unsigned char *mask;
    float delay = 0, peak = 0;
    fill_sig(l, n, 21); fill_sig(r, n, 22); memset(z, 0, n * sizeof(float));
    bc.n_fft = 256; bc.hop = 128; bc.n_bins = 64; bc.first_bin = 1;
    D = 3 * bc.n_bins;
    BI(avloc_binaural_frames(NULL, n, &nf), AVLOC_ERR_NULL);
    BI(avloc_binaural_frames(&bc, n, NULL), AVLOC_ERR_NULL);
    BI(avloc_binaural_frames(&bc, 0, &nf), AVLOC_ERR_SIZE);
    bc.hop = 0;
    BI(avloc_binaural_frames(&bc, n, &nf), AVLOC_ERR_SIZE);
    bc.hop = 128; bc.n_bins = 200;                                       /* bins past n_fft/2 */
    BI(avloc_binaural_frames(&bc, n, &nf), AVLOC_ERR_SIZE);
    bc.n_bins = 64; bc.sample_rate = f_nan();
    BI(avloc_binaural_frames(&bc, n, &nf), AVLOC_ERR_PARAM);
    bc.sample_rate = 16000; bc.threshold_db = f_nan();
    BI(avloc_binaural_frames(&bc, n, &nf), AVLOC_ERR_PARAM);
    bc.threshold_db = -40;
    BI(avloc_binaural_scratch_f32(&bc, SZ_HUGE, &sb), AVLOC_ERR_OVERFLOW);
    BI(avloc_binaural_scratch_f32(&bc, n, NULL), AVLOC_ERR_NULL);
    BI(avloc_binaural_frames(&bc, n, &nf), AVLOC_OK);
    BI(avloc_binaural_scratch_f32(&bc, n, &sb), AVLOC_OK);
    scr = gb_new(sb);
    feat = GB_F32(nf * D); mask = (unsigned char *)gb_new(nf * D);
    BI(avloc_binaural_features_f32(NULL, l, r, n, feat, mask, nf, &act, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_binaural_features_f32(&bc, NULL, r, n, feat, mask, nf, &act, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_binaural_features_f32(&bc, l, r, n, feat, NULL, nf, &act, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_binaural_features_f32(&bc, l, r, n, feat, mask, nf + 1, &act, scr, sb), AVLOC_ERR_SIZE);
    gb_fill(feat, nf * D * 4);
    BI(avloc_binaural_features_f32(&bc, l, r, n, feat, mask, nf, &act, scr, sb / 4), AVLOC_ERR_WORKSPACE);
    BI(gb_untouched(feat, nf * D * 4), 1);
    r[33] = f_nan();
    BI(avloc_binaural_features_f32(&bc, l, r, n, feat, mask, nf, &act, scr, sb), AVLOC_ERR_NONFINITE);
    r[33] = FLT_MIN / 2;
    BI(avloc_binaural_features_f32(&bc, l, r, n, feat, mask, nf, &act, scr, sb), AVLOC_OK);
    BI(avloc_binaural_features_f32(&bc, l, r, n, feat, mask, nf, &act, (void *)l, sb), AVLOC_ERR_PARAM); /* scratch over l */
    BI(avloc_binaural_features_f32(&bc, l, r, n, (float *)(void *)r, mask, nf, &act, scr, sb), AVLOC_ERR_PARAM);
    BI(avloc_binaural_features_f32(&bc, l, r, n, feat, (unsigned char *)feat, nf, &act, scr, sb), AVLOC_ERR_PARAM);
    BI(avloc_binaural_features_f32(&bc, z, z, n, feat, mask, nf, &act, scr, sb), AVLOC_OK); /* silence */
    BI(act == 0 && avloc_all_finite_f32(feat, nf * D), 1);
    {   float *mean = GB_F32(D);
        unsigned char *dm = (unsigned char *)gb_new(D);
        BI(avloc_binaural_mean_f32(NULL, mask, nf, D, mean, dm), AVLOC_ERR_NULL);
        BI(avloc_binaural_mean_f32(feat, mask, nf, D, NULL, dm), AVLOC_ERR_NULL);
        BI(avloc_binaural_mean_f32(feat, mask, 0, D, mean, dm), AVLOC_ERR_SIZE);
        BI(avloc_binaural_mean_f32(feat, mask, SZ_HALF, 4, mean, dm), AVLOC_ERR_OVERFLOW);
        BI(avloc_binaural_mean_f32(feat, mask, nf, D, mean, (unsigned char *)mean), AVLOC_ERR_PARAM); /* outputs share */
        BI(avloc_binaural_mean_f32(feat, mask, nf, D, mean, dm), AVLOC_NO_ACTIVE_POINTS); /* all-zero mask */
        BI(avloc_all_finite_f32(mean, D) && dm[0] == 0, 1); }
    BI(avloc_binaural_plan_query_f32(NULL, &pb), AVLOC_ERR_NULL);
    BI(avloc_binaural_plan_query_f32(&bc, NULL), AVLOC_ERR_NULL);
    BI(avloc_binaural_plan_query_f32(&bc, &pb), AVLOC_OK);
    BI(avloc_binaural_plan_scratch_f32(&bc, SZ_HUGE, &psb), AVLOC_ERR_OVERFLOW);
    BI(avloc_binaural_plan_scratch_f32(&bc, n, &psb), AVLOC_OK);
    pmem = gb_new(pb); pscr = gb_new(psb);
    BI(avloc_binaural_plan_init_f32(NULL, &bc, pmem, pb), AVLOC_ERR_NULL);
    BI(avloc_binaural_plan_init_f32(&plan, &bc, pmem, SHORT(pb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_binaural_plan_features_f32(&plan, l, r, n, feat, mask, nf, &act, pscr, psb), AVLOC_ERR_STATE);
    avloc_window_f32(AVLOC_WINDOW_HANN, 1, taps, 256);
    wt.type = AVLOC_WINDOW_HANN; wt.periodic = 0; wt.length = 256; wt.taps = taps; wt.fft = NULL;
    BI(avloc_binaural_plan_init_tables_f32(&plan, &bc, &wt, pmem, pb), AVLOC_ERR_PARAM); /* symmetric table */
    BI(avloc_binaural_plan_init_tables_f32(&plan, &bc, NULL, pmem, pb), AVLOC_ERR_NULL);
    wt.periodic = 1;
    BI(avloc_binaural_plan_init_tables_f32(&plan, &bc, &wt, pmem, pb), AVLOC_OK);
    avloc_binaural_plan_destroy_f32(&plan);   /* FFTW backend: re-init without destroy leaks plans */
    BI(avloc_binaural_plan_init_f32(&plan, &bc, (unsigned char *)pmem, pb), AVLOC_OK);
    BI(avloc_binaural_plan_features_f32(NULL, l, r, n, feat, mask, nf, &act, pscr, psb), AVLOC_ERR_NULL);
    BI(avloc_binaural_plan_features_f32(&plan, l, NULL, n, feat, mask, nf, &act, pscr, psb), AVLOC_ERR_NULL);
    BI(avloc_binaural_plan_features_f32(&plan, l, r, n, feat, mask, nf - 1, &act, pscr, psb), AVLOC_ERR_SIZE);
    BI(avloc_binaural_plan_features_f32(&plan, l, r, n, feat, mask, nf, &act, pscr, SHORT(psb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_binaural_plan_features_f32(&plan, l, r, n, feat, mask, nf, &act, feat, psb), AVLOC_ERR_PARAM); /* scratch over feat */
    BI(avloc_binaural_plan_features_f32(&plan, l, r, n, feat, mask, nf, &act, pmem, psb), AVLOC_ERR_PARAM); /* over the plan */
    l[0] = f_inf();
    BI(avloc_binaural_plan_features_f32(&plan, l, r, n, feat, mask, nf, &act, pscr, psb), AVLOC_ERR_NONFINITE);
    l[0] = 0;
    BT(avloc_binaural_plan_destroy_f32(&plan), 1);
    BT(avloc_binaural_plan_destroy_f32(NULL), 1);
    BI(avloc_binaural_plan_features_f32(&plan, l, r, n, feat, mask, nf, &act, pscr, psb), AVLOC_ERR_STATE);
    /* GCC-PHAT */
    gc.frame_length = 256; gc.n_fft = 512; gc.hop = 128; gc.max_lag = 16;
    BI(avloc_gcc_query_f32(NULL, &gob, &gsb), AVLOC_ERR_NULL);
    gc.n_fft = 128;                                                      /* n_fft < frame_length */
    BI(avloc_gcc_query_f32(&gc, &gob, &gsb), AVLOC_ERR_SIZE);
    gc.n_fft = 512; gc.max_lag = 256;                                    /* max_lag >= n_fft/2 */
    BI(avloc_gcc_query_f32(&gc, &gob, &gsb), AVLOC_ERR_PARAM);
    gc.max_lag = 16; gc.upsample = 0;
    BI(avloc_gcc_query_f32(&gc, &gob, &gsb), AVLOC_ERR_SIZE);
    gc.upsample = 4; gc.phat_floor = 2.0f;
    BI(avloc_gcc_query_f32(&gc, &gob, &gsb), AVLOC_ERR_PARAM);
    gc.phat_floor = 1e-6f; gc.hop = 0;
    BI(avloc_gcc_query_f32(&gc, &gob, &gsb), AVLOC_ERR_SIZE);
    gc.hop = 128; gc.upsample = SZ_HALF;
    BI(avloc_gcc_query_f32(&gc, &gob, &gsb), AVLOC_ERR_SIZE);
    gc.upsample = 4;
    BI(avloc_gcc_query_f32(&gc, &gob, &gsb), AVLOC_OK);
    gmem = gb_new(gob); gscr = gb_new(gsb);
    BI(avloc_gcc_init_f32(NULL, &gc, gmem, gob), AVLOC_ERR_NULL);
    BI(avloc_gcc_init_f32(&g, &gc, gmem, SHORT(gob)), AVLOC_ERR_WORKSPACE);
    BI(avloc_gcc_frame_f32(&g, l, r, &delay, &peak, gscr, gsb), AVLOC_ERR_STATE);
    wt.length = 100;
    BI(avloc_gcc_init_tables_f32(&g, &gc, &wt, gmem, gob), AVLOC_ERR_PARAM);
    BI(avloc_gcc_init_tables_f32(&g, &gc, NULL, gmem, gob), AVLOC_ERR_NULL);
    BI(avloc_gcc_init_f32(&g, &gc, gmem, gob), AVLOC_OK);
    BI(avloc_gcc_frames(NULL, n, &gnf), AVLOC_ERR_NULL);
    BI(avloc_gcc_frames(&gc, 10, &gnf), AVLOC_ERR_SIZE);                 /* shorter than a frame */
    BI(avloc_gcc_frames(&gc, n, &gnf), AVLOC_OK);
    del = GB_F32(2 * gnf);
    BI(avloc_gcc_frame_f32(NULL, l, r, &delay, &peak, gscr, gsb), AVLOC_ERR_NULL);
    BI(avloc_gcc_frame_f32(&g, l, r, NULL, &peak, gscr, gsb), AVLOC_ERR_NULL);
    BI(avloc_gcc_frame_f32(&g, l, r, &delay, &peak, gscr, SHORT(gsb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_gcc_frame_f32(&g, z, z, &delay, &peak, gscr, gsb), AVLOC_NO_ACTIVE_POINTS); /* silence */
    BI(delay == 0 && peak == 0, 1);
    l[1] = f_nan();
    BI(avloc_gcc_frame_f32(&g, l, r, &delay, &peak, gscr, gsb), AVLOC_ERR_NONFINITE);
    BI(avloc_gcc_delays_f32(&g, l, r, n, del, del + gnf, gnf, gscr, gsb), AVLOC_ERR_NONFINITE);
    BI(avloc_gcc_clip_f32(&g, l, r, n, &delay, &peak, gscr, gsb), AVLOC_ERR_NONFINITE);
    l[1] = 0;
    {   /* finite, but the float spectra overflow: not delay 0 with a -Inf peak */
        float *bl = GB_F32(n), *br = GB_F32(n);
        size_t q;
        for (q = 0; q < n; q++) { bl[q] = (q % 7 < 3 ? 1e37f : -1e37f); br[q] = q >= 3 ? bl[q - 3] : 0.0f; }
        BI(avloc_gcc_frame_f32(&g, bl, br, &delay, &peak, gscr, gsb), AVLOC_ERR_NUMERIC);
        BI(avloc_gcc_clip_f32(&g, bl, br, n, &delay, &peak, gscr, gsb), AVLOC_ERR_NUMERIC); }
    BI(avloc_gcc_delays_f32(NULL, l, r, n, del, del + gnf, gnf, gscr, gsb), AVLOC_ERR_NULL);
    BI(avloc_gcc_delays_f32(&g, l, r, n, del, del + gnf, gnf + 1, gscr, gsb), AVLOC_ERR_SIZE);
    BI(avloc_gcc_delays_f32(&g, l, r, n, NULL, NULL, gnf, gscr, gsb), AVLOC_ERR_NULL); /* one of them needed */
    BI(avloc_gcc_delays_f32(&g, l, r, n, del, del + gnf, gnf, gscr, SHORT(gsb)), AVLOC_ERR_WORKSPACE);
    gb_fill(del, 2 * gnf * 4);
    BI(avloc_gcc_delays_f32(&g, l, r, n, del, del + gnf - 1, gnf, gscr, gsb), AVLOC_ERR_PARAM); /* outputs share one */
    BI(avloc_gcc_delays_f32(&g, l, r, n, del, del, gnf, gscr, gsb), AVLOC_ERR_PARAM);
    BI(gb_untouched(del, 2 * gnf * 4), 1);
    BI(avloc_gcc_delays_f32(&g, l, r, n, l + 1, NULL, gnf, gscr, gsb), AVLOC_ERR_PARAM);      /* over a signal */
    BI(avloc_gcc_delays_f32(&g, l, r, n, NULL, r, gnf, gscr, gsb), AVLOC_ERR_PARAM);
    BI(avloc_gcc_delays_f32(&g, l, r, n, del, del + gnf, gnf, gscr, gsb), AVLOC_OK);
    BI(avloc_gcc_delays_f32(&g, l, r, n, del, del + gnf, gnf, del, gsb), AVLOC_ERR_PARAM);  /* scratch over delays */
    BI(avloc_gcc_frame_f32(&g, l, r, &delay, &delay, gscr, gsb), AVLOC_ERR_PARAM);         /* peak over delay */
    BI(avloc_gcc_frame_f32(&g, l, r, &delay, &peak, (void *)r, gsb), AVLOC_ERR_PARAM);     /* scratch over right */
    BI(avloc_gcc_frame_f32(&g, l, r, &delay, &peak, gmem, gsb), AVLOC_ERR_PARAM);          /* over the object */
    BI(avloc_gcc_delays_f32(&g, l, r, n, (float *)gmem, NULL, gnf, gscr, gsb), AVLOC_ERR_PARAM);
    BI(avloc_gcc_clip_f32(&g, l, r, n, &delay, &peak, (void *)l, gsb), AVLOC_ERR_PARAM);
    BI(avloc_gcc_clip_f32(NULL, l, r, n, &delay, &peak, gscr, gsb), AVLOC_ERR_NULL);
    BI(avloc_gcc_clip_f32(&g, l, r, 10, &delay, &peak, gscr, gsb), AVLOC_ERR_SIZE);
    BI(avloc_gcc_clip_f32(&g, l, r, n, &delay, &peak, gscr, SHORT(gsb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_gcc_clip_f32(&g, z, z, n, &delay, &peak, gscr, gsb), AVLOC_NO_ACTIVE_POINTS);
    BT(avloc_gcc_destroy_f32(&g), 1);
    BT(avloc_gcc_destroy_f32(NULL), 1);
    BI(avloc_gcc_clip_f32(&g, l, r, n, &delay, &peak, gscr, gsb), AVLOC_ERR_STATE);
    BT(avloc_gcc_config gd = avloc_gcc_config_default(), gd.n_fft >= gd.frame_length);
    gb_free_all();
}

static void bi_dsp_dct_path(void)
{
    avloc_dct_config dc;
    avloc_dct d;
    avloc_sylvester_path_config pc;
    avloc_sylvester_path sp;
    size_t ob = 0, sb = 0, i;
    void *mem, *scr;
    double *in = GB_F64(3 * 8), *out = GB_F64(3 * 8), *M = GB_F64(9), *R = GB_F64(3 * 8), *C = GB_F64(3 * 8);
    fill_sig64(in, 24, 3);
    dc.n = 0;
    BI(avloc_dct_query(&dc, &ob, &sb), AVLOC_ERR_SIZE);
    BI(avloc_dct_query(NULL, &ob, &sb), AVLOC_ERR_NULL);
    dc.n = SZ_HUGE;
    BI(avloc_dct_query(&dc, &ob, &sb), AVLOC_ERR_SIZE);
    dc.n = 8;
    BI(avloc_dct_query(&dc, &ob, &sb), AVLOC_OK);
    mem = gb_new(ob); scr = gb_new(sb);
    BI(avloc_dct_init(NULL, &dc, mem, ob), AVLOC_ERR_NULL);
    BI(avloc_dct_init(&d, &dc, mem, SHORT(ob)), AVLOC_ERR_WORKSPACE);
    BI(avloc_dct2_f64(&d, 3, in, 1, 8, out, 1, 8, scr, sb), AVLOC_ERR_STATE);
    BI(avloc_dct_init(&d, &dc, mem, ob), AVLOC_OK);
    BI(avloc_dct2_f64(NULL, 3, in, 1, 8, out, 1, 8, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_dct2_f64(&d, 3, NULL, 1, 8, out, 1, 8, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_dct2_f64(&d, 3, in, 1, 8, out, 1, 8, NULL, sb), AVLOC_ERR_NULL);
    BI(avloc_dct2_f64(&d, 3, in, 0, 8, out, 1, 8, scr, sb), AVLOC_ERR_SIZE);  /* stride 0 */
    BI(avloc_dct2_f64(&d, 0, in, 1, 8, out, 1, 8, scr, sb), AVLOC_ERR_SIZE);
    BI(avloc_dct2_f64(&d, SZ_HUGE, in, 1, SZ_HUGE, out, 1, 8, scr, sb), AVLOC_ERR_OVERFLOW);
    gb_fill(out, 24 * 8);
    BI(avloc_dct2_f64(&d, 3, in, 1, 8, out, 1, 8, scr, SHORT(sb)), AVLOC_ERR_WORKSPACE);
    BI(gb_untouched(out, 24 * 8), 1);
    BI(avloc_dct3_f64(&d, 2, in, 1, SZ_HALF, out, 1, 8, scr, sb), AVLOC_ERR_OVERFLOW);
    in[4] = (double)f_nan();                                             /* propagates (documented) */
    BI(avloc_dct2_f64(&d, 3, in, 1, 8, out, 1, 8, scr, sb), AVLOC_OK);
    BI(avloc_dct2_f64(&d, 3, in, 1, 8, out, 1, 8, out, sb), AVLOC_ERR_PARAM);         /* scratch over out */
    BI(avloc_dct3_f64(&d, 3, in, 1, 8, out, 1, 8, (void *)in, sb), AVLOC_ERR_PARAM);  /* scratch over in */
    BI(avloc_dct2_f64(&d, 1, in, 1, 8, (double *)mem, 1, 8, scr, sb), AVLOC_ERR_PARAM); /* over the object */
    BI(avloc_dct3_f64(&d, 1, in, 1, 8, out, 1, 8, mem, sb), AVLOC_ERR_PARAM);
    in[4] = DBL_MIN / 4;
    BI(avloc_dct3_f64(NULL, 3, in, 1, 8, out, 1, 8, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_dct3_f64(&d, 3, in, 1, 8, out, 0, 8, scr, sb), AVLOC_ERR_SIZE);
    BI(avloc_dct3_f64(&d, 3, in, 1, 8, in, 1, 8, scr, sb), AVLOC_OK);       /* in place */
    {   /* only exactly in place: out further into in, or in == out with another
           layout, would overwrite vectors before they are read */
        double keep[24];
        memcpy(keep, in, sizeof keep);
        BI(avloc_dct2_f64(&d, 2, in, 1, 8, in + 4, 1, 8, scr, sb), AVLOC_ERR_PARAM);
        BI(avloc_dct2_f64(&d, 2, in, 1, 8, in + 8, 1, 8, scr, sb), AVLOC_ERR_PARAM);
        BI(avloc_dct3_f64(&d, 3, in, 1, 8, in, 3, 1, scr, sb), AVLOC_ERR_PARAM); /* rows in, columns out */
        BI(memcmp(keep, in, sizeof keep) == 0, 1); }
    BT(avloc_dct_destroy(&d), 1);
    BT(avloc_dct_destroy(NULL), 1);
    pc.k = 3; pc.t = 0;
    BI(avloc_sylvester_path_query(&pc, &ob, &sb), AVLOC_ERR_SIZE);
    BI(avloc_sylvester_path_query(NULL, &ob, &sb), AVLOC_ERR_NULL);
    pc.k = SZ_HALF; pc.t = 8;
    BI(avloc_sylvester_path_query(&pc, &ob, &sb), AVLOC_ERR_SIZE);
    pc.k = 3;
    BI(avloc_sylvester_path_query(&pc, &ob, &sb), AVLOC_OK);
    mem = gb_new(ob); scr = gb_new(sb);
    BI(avloc_sylvester_path_init(NULL, &pc, mem, ob), AVLOC_ERR_NULL);
    BI(avloc_sylvester_path_init(&sp, &pc, mem, SHORT(ob)), AVLOC_ERR_WORKSPACE);
    for (i = 0; i < 9; i++) M[i] = (i % 4 == 0) ? 2.0 : 0.1;
    fill_sig64(R, 24, 7);
    BI(avloc_sylvester_path_f64(&sp, M, 3, 0.5, R, 8, C, 8, scr, sb), AVLOC_ERR_STATE);
    BI(avloc_sylvester_path_init(&sp, &pc, mem, ob), AVLOC_OK);
    BI(avloc_sylvester_path_f64(NULL, M, 3, 0.5, R, 8, C, 8, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_sylvester_path_f64(&sp, NULL, 3, 0.5, R, 8, C, 8, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_sylvester_path_f64(&sp, M, 3, 0.5, R, 8, NULL, 8, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_sylvester_path_f64(&sp, M, 2, 0.5, R, 8, C, 8, scr, sb), AVLOC_ERR_SIZE);
    BI(avloc_sylvester_path_f64(&sp, M, 3, -1.0, R, 8, C, 8, scr, sb), AVLOC_ERR_PARAM);
    BI(avloc_sylvester_path_f64(&sp, M, 3, (double)f_nan(), R, 8, C, 8, scr, sb), AVLOC_ERR_PARAM);
    BI(avloc_sylvester_path_f64(&sp, M, 3, 0.5, R, 8, C, 8, scr, SHORT(sb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_sylvester_path_f64(&sp, M, 3, 0.5, R, 8, C, 8, C, sb), AVLOC_ERR_PARAM);        /* scratch over C */
    BI(avloc_sylvester_path_f64(&sp, M, 3, 0.5, R, 8, (double *)mem, 8, scr, sb), AVLOC_ERR_PARAM); /* over the object */
    R[3] = (double)f_inf();
    BI(avloc_sylvester_path_f64(&sp, M, 3, 0.5, R, 8, C, 8, scr, sb), AVLOC_ERR_NONFINITE);
    R[3] = 0;
    for (i = 0; i < 9; i++) M[i] = 0;                                    /* singular: M = 0 */
    BI(avloc_sylvester_path_f64(&sp, M, 3, 0.5, R, 8, C, 8, scr, sb), AVLOC_ERR_NUMERIC);
    BT(avloc_sylvester_path_destroy(&sp), 1);
    BT(avloc_sylvester_path_destroy(NULL), 1);
    gb_free_all();
}

static void bi_dsp_array(void)
{
    static const float xyz[4 * 3] = {0, 0, 0, 0.1f, 0, 0, 0, 0.1f, 0, 0.1f, 0.1f, 0.02f};
    avloc_array_config c = avloc_array_config_default();
    avloc_array_f32 a;
    avloc_mfcc_config fc = avloc_mfcc_config_default();
    size_t ob = 0, sb = 0, k0 = 0, nb = 0, nd, eb = 0;
    void *mem, *scr;
    float *x, *dirs, *power, *maps, *img, *energy;
    c.n_mics = 4; c.mic_xyz = xyz; c.rows = 3; c.cols = 4; c.n_mfcc = 6; c.n_mels = 20;
    c.frame_length = 768; c.n_fft = 256; c.hop = 128;
    nd = c.rows * c.cols;
    BI(avloc_array_band(NULL, &k0, &nb), AVLOC_ERR_NULL);
    BI(avloc_array_band(&c, NULL, &nb), AVLOC_ERR_NULL);
    BI(avloc_array_query_f32(NULL, &ob, &sb), AVLOC_ERR_NULL);
    c.mic_xyz = NULL;
    BI(avloc_array_query_f32(&c, &ob, &sb), AVLOC_ERR_NULL);
    c.mic_xyz = xyz; c.n_mics = 0;
    BI(avloc_array_query_f32(&c, &ob, &sb), AVLOC_ERR_SIZE);
    c.n_mics = 4; c.fmin = 7000; c.fmax = 6000;                           /* empty band */
    BI(avloc_array_band(&c, &k0, &nb), AVLOC_ERR_PARAM);
    c.fmin = f_nan();
    BI(avloc_array_query_f32(&c, &ob, &sb), AVLOC_ERR_PARAM);
    c.fmin = 100; c.fmax = 6000; c.frame_length = 100;                   /* frame shorter than n_fft */
    BI(avloc_array_query_f32(&c, &ob, &sb), AVLOC_ERR_SIZE);
    c.frame_length = 768; c.n_mfcc = 20;                                 /* n_mfcc + 1 > n_mels */
    BI(avloc_array_query_f32(&c, &ob, &sb), AVLOC_ERR_SIZE);
    c.n_mfcc = 6; c.sound_speed = 0;
    BI(avloc_array_query_f32(&c, &ob, &sb), AVLOC_ERR_PARAM);
    c.sound_speed = 343; c.rows = SZ_HALF; c.cols = 4;
    BI(avloc_array_query_f32(&c, &ob, &sb), AVLOC_ERR_SIZE);
    c.rows = 3; c.hfov_deg = 180;
    BI(avloc_array_query_f32(&c, &ob, &sb), AVLOC_ERR_PARAM);
    c.hfov_deg = 60; c.weight = (avloc_array_weight)4;
    BI(avloc_array_query_f32(&c, &ob, &sb), AVLOC_ERR_PARAM);
    c.weight = AVLOC_ARRAY_DAS;
    {   float bad[12];
        memcpy(bad, xyz, sizeof bad); bad[4] = f_nan();
        c.mic_xyz = bad;
        BI(avloc_array_query_f32(&c, &ob, &sb), AVLOC_ERR_PARAM);
        c.mic_xyz = xyz; }
    BI(avloc_array_band(&c, &k0, &nb), AVLOC_OK);
    BI(avloc_array_query_f32(&c, &ob, &sb), AVLOC_OK);
    mem = gb_new(ob); scr = gb_new(sb);
    x = GB_F32(c.frame_length * c.n_mics); dirs = GB_F32(nd * 3); power = GB_F32(nd * nb);
    maps = GB_F32(2 * nd); img = GB_F32(nd * c.n_mfcc); energy = GB_F32(nd);
    fill_sig(x, c.frame_length * c.n_mics, 41);
    BI(avloc_array_init_f32(NULL, &c, mem, ob), AVLOC_ERR_NULL);
    BI(avloc_array_init_f32(&a, &c, NULL, ob), AVLOC_ERR_NULL);
    BI(avloc_array_init_f32(&a, &c, mem, SHORT(ob)), AVLOC_ERR_WORKSPACE);
    BI(avloc_array_power_f32(&a, x, c.frame_length, power, scr, sb), AVLOC_ERR_STATE);
    BI(avloc_array_init_f32(&a, &c, gb_new_at(ob, 5), ob), AVLOC_OK);  /* misaligned memory */
    avloc_array_destroy_f32(&a);
    BI(avloc_array_init_f32(&a, &c, mem, ob), AVLOC_OK);
    BI(avloc_array_directions_f32(NULL, dirs, nd), AVLOC_ERR_NULL);
    BI(avloc_array_directions_f32(&a, NULL, nd), AVLOC_ERR_NULL);
    gb_fill(dirs, nd * 12);
    BI(avloc_array_directions_f32(&a, dirs, nd - 1), AVLOC_ERR_SIZE);
    BI(gb_untouched(dirs, nd * 12), 1);
    BI(avloc_array_power_f32(NULL, x, c.frame_length, power, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_array_power_f32(&a, NULL, c.frame_length, power, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_array_power_f32(&a, x, c.frame_length, NULL, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_array_power_f32(&a, x, c.frame_length - 1, power, scr, sb), AVLOC_ERR_SIZE);
    BI(avloc_array_power_f32(&a, x, c.frame_length, power, scr, SHORT(sb)), AVLOC_ERR_WORKSPACE);
    x[9] = f_nan();
    BI(avloc_array_power_f32(&a, x, c.frame_length, power, scr, sb), AVLOC_ERR_NONFINITE);
    BI(avloc_array_mfcc_f32(&a, x, c.frame_length, img, NULL, scr, sb), AVLOC_ERR_NONFINITE);
    x[9] = FLT_MIN / 2;
    BI(avloc_array_power_f32(&a, x, c.frame_length, power, scr, sb), AVLOC_OK);
    BI(avloc_array_power_f32(&a, x, c.frame_length, power, (void *)x, sb), AVLOC_ERR_PARAM); /* scratch over x */
    BI(avloc_array_mfcc_f32(&a, x, c.frame_length, img, NULL, img, sb), AVLOC_ERR_PARAM);    /* scratch over img */
    BI(avloc_array_power_f32(&a, x, c.frame_length, (float *)mem, scr, sb), AVLOC_ERR_PARAM); /* over the object */
    BI(avloc_array_mfcc_f32(&a, x, c.frame_length, img, NULL, mem, sb), AVLOC_ERR_PARAM);
    BI(avloc_array_directions_f32(&a, (float *)mem, nd), AVLOC_ERR_PARAM);
    BI(avloc_array_bands_f32(&a, power, 1, (float *)mem), AVLOC_ERR_PARAM);
    BI(avloc_array_power_to_mfcc_f32(&a, power, (float *)mem, scr, sb), AVLOC_ERR_PARAM);
    BI(avloc_array_power_to_mfcc_f32(&a, power, img, (void *)power, sb), AVLOC_ERR_PARAM); /* scratch over power */
    BI(avloc_array_bands_f32(NULL, power, 2, maps), AVLOC_ERR_NULL);
    BI(avloc_array_bands_f32(&a, power, 0, maps), AVLOC_ERR_SIZE);
    BI(avloc_array_bands_f32(&a, power, nb + 1, maps), AVLOC_ERR_SIZE);
    BI(avloc_array_bands_f32(&a, power, 2, NULL), AVLOC_ERR_NULL);
    BI(avloc_array_bands_f32(&a, power, 1, power), AVLOC_ERR_PARAM);    /* maps over power */
    BI(avloc_array_bands_f32(&a, power, 2, power + 1), AVLOC_ERR_PARAM);
    BI(avloc_array_mfcc_f32(NULL, x, c.frame_length, img, power, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_array_mfcc_f32(&a, x, c.frame_length, NULL, power, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_array_mfcc_f32(&a, x, c.frame_length, img, power, scr, SHORT(sb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_array_mfcc_f32(&a, x, c.frame_length, power, power, scr, sb), AVLOC_ERR_PARAM); /* img over power */
    {   float *z = GB_F32(c.frame_length * c.n_mics);                   /* silence: floored log */
        memset(z, 0, c.frame_length * c.n_mics * sizeof(float));
        BI(avloc_array_mfcc_f32(&a, z, c.frame_length, img, NULL, scr, sb), AVLOC_OK);
        BI(avloc_all_finite_f32(img, nd * c.n_mfcc), 1); }
    BI(avloc_array_power_to_mfcc_f32(NULL, power, img, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_array_power_to_mfcc_f32(&a, power, img, scr, SHORT(sb)), AVLOC_ERR_WORKSPACE);
    power[1] = -f_inf();
    BI(avloc_array_power_to_mfcc_f32(&a, power, img, scr, sb), AVLOC_ERR_NONFINITE);
    BI(avloc_array_bands_f32(&a, power, 2, maps), AVLOC_OK);            /* a sum: propagates */
    power[1] = 0;
    /* energy of sound */
    BI(avloc_acimg_energy_query(NULL, &eb), AVLOC_ERR_NULL);
    BI(avloc_acimg_energy_query(&a.mfcc, NULL), AVLOC_ERR_NULL);
    BI(avloc_acimg_energy_query(&a.mfcc, &eb), AVLOC_OK);
    {   void *escr = gb_new(eb ? eb : 1);
        BI(avloc_acimg_energy_f32(NULL, img, nd, energy, escr, eb), AVLOC_ERR_NULL);
        BI(avloc_acimg_energy_f32(&a.mfcc, NULL, nd, energy, escr, eb), AVLOC_ERR_NULL);
        BI(avloc_acimg_energy_f32(&a.mfcc, img, 0, energy, escr, eb), AVLOC_ERR_SIZE);
        BI(avloc_acimg_energy_f32(&a.mfcc, img, SZ_HUGE, energy, escr, eb), AVLOC_ERR_SIZE);
        if (eb > 0) BI(avloc_acimg_energy_f32(&a.mfcc, img, nd, energy, escr, SHORT(eb)), AVLOC_ERR_WORKSPACE);
        img[2] = f_nan();
        BI(avloc_acimg_energy_f32(&a.mfcc, img, nd, energy, escr, eb), AVLOC_ERR_NONFINITE);
        img[2] = 0;
        BI(avloc_acimg_energy_f32(&a.mfcc, img, nd, energy, img, eb), AVLOC_ERR_PARAM);    /* scratch over img */
        BI(avloc_acimg_energy_f32(&a.mfcc, img, nd, energy, energy, eb), AVLOC_ERR_PARAM);
        BI(avloc_acimg_energy_f32(&a.mfcc, img, nd, a.mfcc.dct, escr, eb), AVLOC_ERR_PARAM); /* over its DCT */
        BI(avloc_acimg_energy_f32(&a.mfcc, img, nd, energy, escr, eb), AVLOC_OK); }
    (void)fc;
    BT(avloc_array_destroy_f32(&a), 1);
    BT(avloc_array_destroy_f32(NULL), 1);
    BI(avloc_array_power_f32(&a, x, c.frame_length, power, scr, sb), AVLOC_ERR_STATE);
    gb_free_all();
}

/* ========================================================== avloc_gllim.h */
enum { GN = 120, GL = 2, GD = 6, GK = 3, GT = 5 };
static void bi_gllim_data(double *X, double *Y)
{
    size_t i, d;
    for (i = 0; i < GN; i++) {
        X[i * GL] = sin(0.37 * (double)i); X[i * GL + 1] = cos(0.21 * (double)i);
        for (d = 0; d < GD; d++)
            Y[i * GD + d] = (double)(d + 1) * X[i * GL] - 0.5 * X[i * GL + 1] * (double)d + 0.01 * sin((double)(i * GD + d));
    }
}

static void bi_gllim(void)
{
    double *X = GB_F64(GN * GL), *Y = GB_F64(GN * GD), *x = GB_F64(GL), *alpha = GB_F64(GK), *yd = GB_F64(GD);
    float *Yf = GB_F32(GN * GD), *feat = GB_F32(GT * GD), *yf = GB_F32(GD);
    unsigned char *mask = (unsigned char *)gb_new(GT * GD), *zmask = (unsigned char *)gb_new(GT * GD);
    avloc_gllim_train_config tc = avloc_gllim_train_config_default();
    avloc_gllim_model model, m2;
    avloc_gllim_posterior post;
    avloc_gllim_stats st;
    avloc_gllim_stream sm;
    avloc_gllim_stream_config sc = avloc_gllim_stream_config_default();
    avloc_gllim_train_info info;
    size_t mb = 0, sb = 0, pb = 0, qb = 0, stb = 0, smb = 0, i, nfill = 0;
    void *mmem, *scr, *pmem, *qscr, *stmem, *smem;
    int emitted = 0;
    bi_gllim_data(X, Y);
    for (i = 0; i < GN * GD; i++) Yf[i] = (float)Y[i];
    for (i = 0; i < GT * GD; i++) { feat[i] = (float)Y[i]; mask[i] = 1; zmask[i] = 0; }
    BT(const char *nm = avloc_gllim_sigma_name((avloc_gllim_sigma)77), nm != NULL && nm[0] == '?');
    BI(avloc_gllim_model_query(0, GL, GD, &mb), AVLOC_ERR_SIZE);
    BI(avloc_gllim_model_query(GK, AVLOC_GLLIM_MAX_L + 1, GD, &mb), AVLOC_ERR_SIZE);
    BI(avloc_gllim_model_query(SZ_HALF, GL, SZ_HALF, &mb), AVLOC_ERR_SIZE);
    BI(avloc_gllim_model_query(GK, GL, GD, NULL), AVLOC_ERR_NULL);
    BI(avloc_gllim_model_query(GK, GL, GD, &mb), AVLOC_OK);
    tc.K = GK; tc.max_iter = 4;
    BI(avloc_gllim_train_query(NULL, GN, GL, GD, &sb), AVLOC_ERR_NULL);
    BI(avloc_gllim_train_query(&tc, 0, GL, GD, &sb), AVLOC_ERR_SIZE);
    BI(avloc_gllim_train_query(&tc, SZ_HALF, GL, SZ_HALF, &sb), AVLOC_ERR_SIZE);
    BI(avloc_gllim_train_query(&tc, GN, GL, GD, &sb), AVLOC_OK);
    mmem = gb_new(mb); scr = gb_new(sb);
    BI(avloc_gllim_model_init(NULL, GK, GL, GD, mmem, mb), AVLOC_ERR_NULL);
    BI(avloc_gllim_model_init(&model, GK, GL, GD, NULL, mb), AVLOC_ERR_NULL);
    BI(avloc_gllim_model_init(&model, GK, GL, GD, mmem, SHORT(mb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_gllim_model_init(&model, GK, GL, GD, mmem, mb), AVLOC_OK);
    BI(avloc_gllim_model_prepare(NULL), AVLOC_ERR_NULL);
    BI(avloc_gllim_model_prepare(&model), AVLOC_ERR_PARAM);              /* zero pi, Gamma, sigma2 */
    BI(avloc_gllim_train_f64(NULL, X, Y, GN, &model, scr, sb, &info), AVLOC_ERR_NULL);
    BI(avloc_gllim_train_f64(&tc, NULL, Y, GN, &model, scr, sb, &info), AVLOC_ERR_NULL);
    BI(avloc_gllim_train_f64(&tc, X, Y, GN, NULL, scr, sb, &info), AVLOC_ERR_NULL);
    BI(avloc_gllim_train_f64(&tc, X, Y, GN, &model, scr, SHORT(sb), &info), AVLOC_ERR_WORKSPACE);
    BI(avloc_gllim_train_f64(&tc, X, Y, GK - 1, &model, scr, sb, &info), AVLOC_ERR_SIZE); /* K > N */
    tc.max_iter = 0;
    BI(avloc_gllim_train_f64(&tc, X, Y, GN, &model, scr, sb, &info), AVLOC_ERR_PARAM);
    tc.max_iter = 4; tc.tol = f_nan();
    BI(avloc_gllim_train_f64(&tc, X, Y, GN, &model, scr, sb, &info), AVLOC_ERR_PARAM);
    tc.tol = 1e-3; tc.sigma_type = (avloc_gllim_sigma)9;
    BI(avloc_gllim_train_f64(&tc, X, Y, GN, &model, scr, sb, &info), AVLOC_ERR_PARAM);
    tc.sigma_type = AVLOC_GLLIM_SIGMA_DIAG_TIED;
    Y[7] = (double)f_nan();
    BI(avloc_gllim_train_f64(&tc, X, Y, GN, &model, scr, sb, &info), AVLOC_ERR_NONFINITE);
    Y[7] = 0.5; X[3] = (double)f_inf();
    BI(avloc_gllim_train_f64(&tc, X, Y, GN, &model, scr, sb, &info), AVLOC_ERR_NONFINITE);
    X[3] = 0.25;
    Yf[9] = f_nan();
    BI(avloc_gllim_train_f32(&tc, X, Yf, GN, &model, scr, sb, &info), AVLOC_ERR_NONFINITE);
    Yf[9] = (float)Y[9];
    BI(avloc_gllim_train_f32(&tc, X, NULL, GN, &model, scr, sb, &info), AVLOC_ERR_NULL);
    BI(avloc_gllim_train_f32(&tc, X, Yf, GN, &model, scr, sb, &info), AVLOC_OK);
    BI(avloc_gllim_train_f64(&tc, X, Y, GN, &model, scr, sb, NULL), AVLOC_OK);  /* info optional */
    BI(avloc_gllim_train_f64(&tc, X, Y, GN, &model, model.A, sb, NULL), AVLOC_ERR_PARAM); /* scratch over the model */
    BI(avloc_gllim_train_f64(&tc, X, Y, GN, &model, (void *)Y, sb, NULL), AVLOC_ERR_PARAM); /* over Y */
    BI(model.prepared, 1);                                            /* the model as it was */
    {   /* EM failing half-way (collinear X, no ridge: a singular Gamma) leaves the model
           unprepared, not prepared with a mix of old and new parameters */
        double *Xc = GB_F64(GN * GL);
        size_t q;
        for (q = 0; q < GN * GL; q++) Xc[q] = (q % GL ? 2.0 : 1.0) * X[q - q % GL];
        tc.gamma_reg = 0.0;
        BI(avloc_gllim_train_f64(&tc, Xc, Y, GN, &model, scr, sb, NULL), AVLOC_ERR_NUMERIC);
        BI(model.prepared, 0);
        {   double xo[GL], al[GK];
            BI(avloc_gllim_inverse_f32(&model, feat, xo, al), AVLOC_ERR_STATE); }
        tc.gamma_reg = avloc_gllim_train_config_default().gamma_reg;
        BI(avloc_gllim_train_f64(&tc, X, Y, GN, &model, scr, sb, NULL), AVLOC_OK); }
    /* holes and k-means */
    {   unsigned char *dm = (unsigned char *)gb_new(GN * GD);
        float *Yh = GB_F32(GN * GD);
        size_t *resp_n = NULL;
        double *resp = GB_F64(GN * GK);
        (void)resp_n;
        memcpy(Yh, Yf, GN * GD * sizeof(float));
        memset(dm, 1, GN * GD);
        BI(avloc_gllim_fill_missing_f32(NULL, dm, GN, GD, &nfill), AVLOC_ERR_NULL);
        BI(avloc_gllim_fill_missing_f32(Yh, NULL, GN, GD, &nfill), AVLOC_ERR_NULL);
        BI(avloc_gllim_fill_missing_f32(Yh, dm, 0, GD, &nfill), AVLOC_ERR_SIZE);
        BI(avloc_gllim_fill_missing_f32(Yh, dm, SZ_HALF, SZ_HALF, &nfill), AVLOC_ERR_OVERFLOW);
        Yh[4] = f_nan();
        BI(avloc_gllim_fill_missing_f32(Yh, dm, GN, GD, &nfill), AVLOC_ERR_NONFINITE);
        dm[4] = 0;                                                       /* a NaN hole is filled */
        BI(avloc_gllim_fill_missing_f32(Yh, dm, GN, GD, &nfill), AVLOC_OK);
        BI(nfill == 1 && avloc_all_finite_f32(Yh, GN * GD), 1);
        memset(dm, 0, GN * GD);                                          /* all holes */
        BI(avloc_gllim_fill_missing_f32(Yh, dm, GN, GD, NULL), AVLOC_OK);
        BI(avloc_gllim_kmeans_init(NULL, GN, GL, GK, 1, 5, resp, scr, sb), AVLOC_ERR_NULL);
        BI(avloc_gllim_kmeans_init(X, GN, GL, GK, 1, 5, NULL, scr, sb), AVLOC_ERR_NULL);
        BI(avloc_gllim_kmeans_init(X, GN, GL, GN + 1, 1, 5, resp, scr, sb), AVLOC_ERR_SIZE); /* K > N */
        BI(avloc_gllim_kmeans_init(X, GN, GL, 0, 1, 5, resp, scr, sb), AVLOC_ERR_SIZE);
        BI(avloc_gllim_kmeans_init(X, GN, GL, GK, 1, 0, resp, scr, sb), AVLOC_ERR_PARAM);
        BI(avloc_gllim_kmeans_init(X, GN, GL, GK, 1, 5, resp, scr, 16), AVLOC_ERR_WORKSPACE);
        BI(avloc_gllim_kmeans_init(X, GN, GL, GK, 1, 5, resp, resp, sb), AVLOC_ERR_PARAM);  /* scratch over resp */
        X[0] = (double)f_nan();
        BI(avloc_gllim_kmeans_init(X, GN, GL, GK, 1, 5, resp, scr, sb), AVLOC_ERR_NONFINITE);
        X[0] = 0; }
    /* inverse map */
    for (i = 0; i < GD; i++) { yd[i] = Y[i]; yf[i] = (float)Y[i]; }
    BI(avloc_gllim_inverse_f64(NULL, yd, x, alpha), AVLOC_ERR_NULL);
    BI(avloc_gllim_inverse_f64(&model, NULL, x, alpha), AVLOC_ERR_NULL);
    BI(avloc_gllim_inverse_f64(&model, yd, x, NULL), AVLOC_ERR_NULL);
    yd[2] = (double)f_nan();
    BI(avloc_gllim_inverse_f64(&model, yd, x, alpha), AVLOC_ERR_NONFINITE);
    yf[2] = f_inf();
    BI(avloc_gllim_inverse_f32(&model, yf, x, alpha), AVLOC_ERR_NONFINITE);
    yf[2] = FLT_MIN / 2;
    BI(avloc_gllim_inverse_f32(&model, yf, x, alpha), AVLOC_OK);
    BI(avloc_gllim_inverse_f32(NULL, yf, x, alpha), AVLOC_ERR_NULL);
    yf[2] = 1e30f;                                                       /* far outside: finite answer */
    BI(avloc_gllim_inverse_f32(&model, yf, x, alpha), AVLOC_OK);
    BI(avloc_all_finite_f64(x, GL), 1);
    {   /* x, alpha and y sharing memory (avloc.h, MEMORY): refused, nothing written */
        double *xa = GB_F64(GK + GL), *yk = GB_F64(GD);
        for (i = 0; i < GD; i++) yd[i] = yk[i] = Y[i];
        BI(avloc_gllim_inverse_f64(&model, yd, yd, alpha), AVLOC_ERR_PARAM);        /* x over y */
        BI(avloc_gllim_inverse_f64(&model, yd, x, yd + GD - GK), AVLOC_ERR_PARAM);  /* alpha over y */
        BI(memcmp(yd, yk, GD * sizeof *yd) == 0, 1);
        BI(avloc_gllim_inverse_f64(&model, yd, xa + GK - 1, xa), AVLOC_ERR_PARAM);  /* x over alpha */
        BI(avloc_gllim_inverse_f32(&model, (const float *)(xa + 1), xa, xa + GL), AVLOC_ERR_PARAM); /* y over x */
        BI(avloc_gllim_inverse_f64(&model, yd, xa + GK, xa), AVLOC_OK); }           /* adjacent: apart */
    BI(avloc_gllim_inverse_f32(&model, yf, (double *)mmem, alpha), AVLOC_ERR_PARAM);  /* x over the model */
    /* statistics and posterior */
    BI(avloc_gllim_stats_query(0, &stb), AVLOC_ERR_SIZE);
    BI(avloc_gllim_stats_query(SZ_HALF, &stb), AVLOC_ERR_SIZE);
    BI(avloc_gllim_stats_query(GD, NULL), AVLOC_ERR_NULL);
    BI(avloc_gllim_stats_query(GD, &stb), AVLOC_OK);
    stmem = gb_new(stb);
    BI(avloc_gllim_stats_init(NULL, GD, stmem, stb), AVLOC_ERR_NULL);
    BI(avloc_gllim_stats_init(&st, GD, stmem, SHORT(stb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_gllim_stats_add_f32(&st, feat, mask, GT, 1), AVLOC_ERR_STATE);
    BI(avloc_gllim_stats_init(&st, GD, stmem, stb), AVLOC_OK);
    BI(avloc_gllim_stats_add_f32(NULL, feat, mask, GT, 1), AVLOC_ERR_NULL);
    BI(avloc_gllim_stats_add_f32(&st, feat, NULL, GT, 1), AVLOC_ERR_NULL);
    BI(avloc_gllim_stats_add_f32(&st, feat, mask, SZ_HALF, 1), AVLOC_ERR_OVERFLOW);
    BI(avloc_gllim_stats_add_f32(&st, feat, mask, GT, -1), AVLOC_ERR_STATE);  /* removing more than added */
    feat[3] = f_nan();
    BI(avloc_gllim_stats_add_f32(&st, feat, mask, GT, 1), AVLOC_ERR_NONFINITE);
    BI(avloc_gllim_stats_add_f32(&st, feat, zmask, GT, 1), AVLOC_OK);    /* inactive NaN ignored */
    feat[3] = (float)Y[3];
    {   /* one frame added with dimension 0 inactive, removed with it active: the totals
           allow it, dimension 0's count does not */
        unsigned char m1[GD], m2[GD];
        memset(m1, 1, GD); memset(m2, 1, GD);
        m1[0] = 0; m2[1] = 0;
        BT(avloc_gllim_stats_reset(&st), 1);
        BI(avloc_gllim_stats_add_f32(&st, feat, m1, 1, 1), AVLOC_OK);
        BI(avloc_gllim_stats_add_f32(&st, feat, m2, 1, -1), AVLOC_ERR_STATE);
        BI(st.S0[0] == 0.0 && st.S0[1] == 1.0, 1);                      /* unchanged */
        BI(avloc_gllim_stats_add_f32(&st, feat, m1, 1, -1), AVLOC_OK); }
    {   /* frames read from the sums they are added to: refused, sums unchanged */
        unsigned char m1[GD];
        double s1 = st.S1[0];
        memset(m1, 1, GD);
        BI(avloc_gllim_stats_add_f32(&st, (const float *)(const void *)st.S0, m1, 1, 1), AVLOC_ERR_PARAM);
        BI(avloc_gllim_stats_add_f32(&st, feat, (const unsigned char *)st.S2, 1, 1), AVLOC_ERR_PARAM);
        BI(st.S1[0] == s1, 1); }
    BT(avloc_gllim_stats_reset(&st), st.n_active == 0);
    BT(avloc_gllim_stats_reset(NULL), 1);
    BI(avloc_gllim_posterior_query(NULL, &pb, &qb), AVLOC_ERR_NULL);
    BI(avloc_gllim_posterior_query(&model, NULL, &qb), AVLOC_ERR_NULL);
    BI(avloc_gllim_posterior_query(&model, &pb, &qb), AVLOC_OK);
    pmem = gb_new(pb); qscr = gb_new(qb);
    BI(avloc_gllim_posterior_init(NULL, &model, pmem, pb), AVLOC_ERR_NULL);
    BI(avloc_gllim_posterior_init(&post, &model, pmem, SHORT(pb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_gllim_posterior_f32(&model, feat, mask, GT, &post, qscr, qb), AVLOC_ERR_STATE);
    BI(avloc_gllim_posterior_init(&post, &model, pmem, pb), AVLOC_OK);
    BI(avloc_gllim_posterior_from_stats(NULL, &st, &post), AVLOC_ERR_NULL);
    BI(avloc_gllim_posterior_from_stats(&model, NULL, &post), AVLOC_ERR_NULL);
    BI(avloc_gllim_posterior_from_stats(&model, &st, &post), AVLOC_NO_ACTIVE_POINTS); /* nothing added */
    {   avloc_gllim_posterior p2;                                      /* a posterior over the model's memory */
        BI(avloc_gllim_posterior_init(&p2, &model, mmem, pb), AVLOC_OK);
        BI(avloc_gllim_posterior_from_stats(&model, &st, &p2), AVLOC_ERR_PARAM);
        BI(avloc_gllim_posterior_f32(&model, feat, mask, GT, &p2, qscr, qb), AVLOC_ERR_PARAM);
        BI(avloc_gllim_posterior_init(&p2, &model, stmem, pb), AVLOC_OK); /* over the statistics */
        BI(avloc_gllim_posterior_from_stats(&model, &st, &p2), AVLOC_ERR_PARAM); }
    BI(avloc_all_finite_f64(post.mean, GL), 1);
    BI(avloc_gllim_posterior_f32(NULL, feat, mask, GT, &post, qscr, qb), AVLOC_ERR_NULL);
    BI(avloc_gllim_posterior_f32(&model, NULL, mask, GT, &post, qscr, qb), AVLOC_ERR_NULL);
    BI(avloc_gllim_posterior_f32(&model, feat, mask, GT, NULL, qscr, qb), AVLOC_ERR_NULL);
    BI(avloc_gllim_posterior_f32(&model, feat, mask, 0, &post, qscr, qb), AVLOC_NO_ACTIVE_POINTS); /* no frames: prior */
    BI(avloc_gllim_posterior_f32(&model, feat, mask, GT, &post, qscr, SHORT(qb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_gllim_posterior_f32(&model, feat, mask, GT, &post, feat, qb), AVLOC_ERR_PARAM); /* scratch over Y */
    BI(avloc_gllim_posterior_f32(&model, feat, mask, GT, &post, mmem, qb), AVLOC_ERR_PARAM); /* over the model */
    BI(avloc_gllim_posterior_f32(&model, feat, zmask, GT, &post, qscr, qb), AVLOC_NO_ACTIVE_POINTS); /* mask all zero */
    feat[0] = f_inf();
    BI(avloc_gllim_posterior_f32(&model, feat, mask, GT, &post, qscr, qb), AVLOC_ERR_NONFINITE);
    feat[0] = FLT_MIN / 4;
    BI(avloc_gllim_posterior_f32(&model, feat, mask, GT, &post, qscr, qb), AVLOC_OK);
    {   avloc_gllim_model big;                                           /* a model never prepared */
        size_t bb = 0;
        void *bm;
        avloc_gllim_model_query(GK + 2, GL, GD, &bb);
        bm = gb_new(bb);
        avloc_gllim_model_init(&big, GK + 2, GL, GD, bm, bb);
        BI(avloc_gllim_posterior_f32(&big, feat, mask, GT, &post, qscr, qb), AVLOC_ERR_STATE); }
    /* stream */
    sc.window = 4; sc.emit_every = 1; sc.min_active = 1; sc.refresh_every = 4;
    BI(avloc_gllim_stream_query(NULL, &sc, &smb), AVLOC_ERR_NULL);
    BI(avloc_gllim_stream_query(&model, NULL, &smb), AVLOC_ERR_NULL);
    sc.window = 0;
    BI(avloc_gllim_stream_query(&model, &sc, &smb), AVLOC_ERR_PARAM);
    sc.window = SZ_HALF;
    BI(avloc_gllim_stream_query(&model, &sc, &smb), AVLOC_ERR_PARAM);
    sc.window = 4; sc.emit_every = 0;
    BI(avloc_gllim_stream_query(&model, &sc, &smb), AVLOC_ERR_PARAM);
    sc.emit_every = 1;
    BI(avloc_gllim_stream_query(&model, &sc, &smb), AVLOC_OK);
    smem = gb_new(smb);
    BI(avloc_gllim_stream_init(NULL, &model, &sc, smem, smb), AVLOC_ERR_NULL);
    BI(avloc_gllim_stream_init(&sm, &model, &sc, smem, SHORT(smb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_gllim_stream_push_f32(&sm, feat, mask, &post, &emitted), AVLOC_ERR_STATE);
    BI(avloc_gllim_stream_init(&sm, &model, &sc, smem, smb), AVLOC_OK);
    BI(avloc_gllim_stream_push_f32(NULL, feat, mask, &post, &emitted), AVLOC_ERR_NULL);
    BI(avloc_gllim_stream_push_f32(&sm, NULL, mask, &post, &emitted), AVLOC_ERR_NULL);
    BI(avloc_gllim_stream_push_f32(&sm, feat, mask, &post, NULL), AVLOC_ERR_NULL);
    BI(avloc_gllim_stream_push_f32(&sm, feat, mask, &post, (int *)(void *)feat), AVLOC_ERR_PARAM); /* flag over y */
    BI(avloc_gllim_stream_push_f32(&sm, feat, mask, &post, (int *)(void *)post.nu), AVLOC_ERR_PARAM); /* over the posterior */
    BI(avloc_gllim_stream_push_f32(&sm, (const float *)smem, mask, &post, &emitted), AVLOC_ERR_PARAM); /* y in the ring */
    BI(avloc_gllim_stream_push_f32(&sm, feat, mask, &post, (int *)mmem), AVLOC_ERR_PARAM); /* over the model */
    feat[1] = f_nan();
    BI(avloc_gllim_stream_push_f32(&sm, feat, mask, &post, &emitted), AVLOC_ERR_NONFINITE);
    feat[1] = 0;
    BI(avloc_gllim_stream_push_f32(&sm, feat, zmask, &post, &emitted), AVLOC_OK); /* silent frame */
    BI(emitted, 0);
    BT(avloc_gllim_stream_reset(&sm), 1);
    BT(avloc_gllim_stream_reset(NULL), 1);
    BT(avloc_gllim_stream_destroy(&sm), 1);
    BT(avloc_gllim_stream_destroy(NULL), 1);
    BI(avloc_gllim_stream_push_f32(&sm, feat, mask, &post, &emitted), AVLOC_ERR_STATE);
    /* files */
    {   size_t fb = 0, fsb = 0, w = 0, k2, l2, d2, lb = 0;
        void *file, *fscr, *lmem;
        BI(avloc_gllim_save_query(NULL, AVLOC_ST_F64, &fb, &fsb), AVLOC_ERR_NULL);
        BI(avloc_gllim_save_query(&model, AVLOC_ST_I32, &fb, &fsb), AVLOC_ERR_PARAM);
        BI(avloc_gllim_save_query(&model, AVLOC_ST_F32, &fb, &fsb), AVLOC_OK);
        file = gb_new(fb); fscr = gb_new(fsb ? fsb : 1);
        BI(avloc_gllim_save(NULL, AVLOC_ST_F32, file, fb, fscr, fsb, &w), AVLOC_ERR_NULL);
        BI(avloc_gllim_save(&model, AVLOC_ST_F32, NULL, fb, fscr, fsb, &w), AVLOC_ERR_NULL);
        gb_fill(file, fb);
        BI(avloc_gllim_save(&model, AVLOC_ST_F32, file, fb - 1, fscr, fsb, &w), AVLOC_ERR_WORKSPACE);
        if (fsb > 0) BI(avloc_gllim_save(&model, AVLOC_ST_F32, file, fb, fscr, fsb - 1, &w), AVLOC_ERR_WORKSPACE);
        {   double keep = model.sigma2[0];                                /* finite, but not as a float */
            model.sigma2[0] = 1e300;
            BI(avloc_gllim_save(&model, AVLOC_ST_F32, file, fb, fscr, fsb, &w), AVLOC_ERR_NONFINITE);
            model.sigma2[0] = keep; }
        BI(avloc_gllim_save(&model, AVLOC_ST_F32, file, fb, fscr, fsb, &w), AVLOC_OK);
        BI(avloc_gllim_save(&model, AVLOC_ST_F32, mmem, fb, fscr, fsb, &w), AVLOC_ERR_PARAM); /* over the model */
        BI(avloc_gllim_save(&model, AVLOC_ST_F32, file, fb, fscr, fsb, (size_t *)mmem), AVLOC_ERR_PARAM);
        BI(avloc_gllim_load_query(NULL, w, &k2, &l2, &d2, &lb), AVLOC_ERR_NULL);
        BI(avloc_gllim_load_query(file, w - 1, &k2, &l2, &d2, &lb), AVLOC_ERR_FORMAT);
        BI(avloc_gllim_load_query(file, 0, &k2, &l2, &d2, &lb), AVLOC_ERR_FORMAT);
        BI(avloc_gllim_load_query(file, w, &k2, &l2, &d2, &lb), AVLOC_OK);
        lmem = gb_new(lb);
        BI(avloc_gllim_load(NULL, file, w, lmem, lb), AVLOC_ERR_NULL);
        BI(avloc_gllim_load(&m2, file, w, NULL, lb), AVLOC_ERR_NULL);
        BI(avloc_gllim_load(&m2, file, w, lmem, SHORT(lb)), AVLOC_ERR_WORKSPACE);
        BI(avloc_gllim_load(&m2, file, w / 2, lmem, lb), AVLOC_ERR_FORMAT);
        BI(avloc_gllim_load(&m2, file, w, lmem, lb), AVLOC_OK);
        BT(avloc_gllim_model_destroy(&m2), m2.K == 0);
        BT(avloc_gllim_model_destroy(NULL), 1); }
    /* the float32 path (Cortex-M): model copy, statistics, posterior */
    {   avloc_gllim_model_f32 mf, mbad;
        avloc_gllim_stats_f32 sf;
        avloc_gllim_post_f32 pf;
        size_t fb = 0, sfb = 0, pfb = 0;
        void *fmem, *sfmem, *pfmem;
        float *pi_bad = GB_F32(GK);
        BI(avloc_gllim_model_f32_query(NULL, &fb), AVLOC_ERR_NULL);
        BI(avloc_gllim_model_f32_query(&model, NULL), AVLOC_ERR_NULL);
        BI(avloc_gllim_model_f32_query(&model, &fb), AVLOC_OK);
        fmem = gb_new(fb);
        BI(avloc_gllim_model_f32_init(NULL, &model, fmem, fb), AVLOC_ERR_NULL);
        BI(avloc_gllim_model_f32_init(&mf, NULL, fmem, fb), AVLOC_ERR_NULL);
        BI(avloc_gllim_model_f32_init(&mf, &model, NULL, fb), AVLOC_ERR_NULL);
        BI(avloc_gllim_model_f32_init(&mf, &model, fmem, SHORT(fb)), AVLOC_ERR_WORKSPACE);
        BI(mf.K, 0);                                                     /* zeroed on failure */
        BI(avloc_gllim_model_f32_check(&mf), AVLOC_ERR_STATE);
        BI(avloc_gllim_model_f32_init(&mf, &model, fmem, fb), AVLOC_OK);
        BI(avloc_gllim_model_f32_init(&mbad, &model, mmem, fb), AVLOC_ERR_PARAM); /* over the model it reads */
        BI(avloc_gllim_model_f32_check(NULL), AVLOC_ERR_NULL);
        BI(avloc_gllim_model_f32_check(&mf), AVLOC_OK);
        mbad = mf; mbad.obs_weight = f_nan();
        BI(avloc_gllim_model_f32_check(&mbad), AVLOC_ERR_PARAM);
        mbad = mf; memcpy(pi_bad, mf.pi, GK * sizeof(float)); pi_bad[0] = f_inf(); mbad.pi = pi_bad;
        BI(avloc_gllim_model_f32_check(&mbad), AVLOC_ERR_NONFINITE);
        pi_bad[0] = 0.0f;                                                /* a component of weight 0 */
        BI(avloc_gllim_model_f32_check(&mbad), AVLOC_ERR_PARAM);
        BI(avloc_gllim_stats_f32_query(0, &sfb), AVLOC_ERR_SIZE);
        BI(avloc_gllim_stats_f32_query(GD, NULL), AVLOC_ERR_NULL);
        BI(avloc_gllim_stats_f32_query(GD, &sfb), AVLOC_OK);
        sfmem = gb_new(sfb);
        BI(avloc_gllim_stats_f32_init(NULL, GD, sfmem, sfb), AVLOC_ERR_NULL);
        BI(avloc_gllim_stats_f32_init(&sf, GD, sfmem, SHORT(sfb)), AVLOC_ERR_WORKSPACE);
        BI(avloc_gllim_stats_f32_add(&sf, feat, mask, GT, 1), AVLOC_ERR_STATE); /* failed init */
        BI(avloc_gllim_stats_f32_init(&sf, GD, sfmem, sfb), AVLOC_OK);
        BI(avloc_gllim_stats_f32_add(NULL, feat, mask, GT, 1), AVLOC_ERR_NULL);
        BI(avloc_gllim_stats_f32_add(&sf, NULL, mask, GT, 1), AVLOC_ERR_NULL);
        BI(avloc_gllim_stats_f32_add(&sf, feat, mask, SZ_HUGE, 1), AVLOC_ERR_OVERFLOW);
        BI(avloc_gllim_stats_f32_add(&sf, feat, mask, GT, -1), AVLOC_ERR_STATE); /* removes what was never added */
        BI(avloc_gllim_stats_f32_add(&sf, sf.S1, mask, 1, 1), AVLOC_ERR_PARAM);   /* frames over the sums */
        BI(avloc_gllim_stats_f32_add(&sf, feat, (const unsigned char *)sf.S0, 1, 1), AVLOC_ERR_PARAM);
        BI(sf.n_frames == 0 && sf.S0[0] == 0.0f, 1);
        BI(avloc_gllim_post_f32_query(NULL, &pfb), AVLOC_ERR_NULL);
        BI(avloc_gllim_post_f32_query(&mf, &pfb), AVLOC_OK);
        pfmem = gb_new(pfb);
        BI(avloc_gllim_post_f32_init(NULL, &mf, pfmem, pfb), AVLOC_ERR_NULL);
        BI(avloc_gllim_post_f32_init(&pf, &mf, pfmem, SHORT(pfb)), AVLOC_ERR_WORKSPACE);
        BI(avloc_gllim_post_f32_init(&pf, &mf, pfmem, pfb), AVLOC_OK);
        BI(avloc_gllim_posterior_from_stats_f32(NULL, &sf, &pf), AVLOC_ERR_NULL);
        BI(avloc_gllim_posterior_from_stats_f32(&mf, NULL, &pf), AVLOC_ERR_NULL);
        BI(avloc_gllim_posterior_from_stats_f32(&mf, &sf, &pf), AVLOC_NO_ACTIVE_POINTS); /* nothing added */
        {   avloc_gllim_post_f32 p2;                                   /* a posterior over the model's memory */
            BI(avloc_gllim_post_f32_init(&p2, &mf, fmem, pfb), AVLOC_OK);
            BI(avloc_gllim_posterior_from_stats_f32(&mf, &sf, &p2), AVLOC_ERR_PARAM); }
        feat[2] = f_nan();
        BI(avloc_gllim_stats_f32_add(&sf, feat, mask, GT, 1), AVLOC_ERR_NONFINITE);
        feat[2] = (float)Y[2];
        BI(avloc_gllim_stats_f32_add(&sf, feat, mask, GT, 1), AVLOC_OK);
        BI(avloc_gllim_posterior_from_stats_f32(&mf, &sf, &pf), AVLOC_OK);
        BT(avloc_gllim_stats_f32_reset(&sf), sf.S0[0] == 0.0f);
        BT(avloc_gllim_stats_f32_reset(NULL), 1);
        BI(avloc_gllim_posterior_from_stats_f32(&mf, &sf, &pf), AVLOC_NO_ACTIVE_POINTS);
        BT(avloc_gllim_stats_f32_destroy(&sf), sf.S0 == NULL);
        BT(avloc_gllim_stats_f32_destroy(NULL), 1);
        BI(avloc_gllim_stats_f32_add(&sf, feat, mask, GT, 1), AVLOC_ERR_STATE); /* destroyed */
        BT(avloc_gllim_post_f32_destroy(&pf), 1);
        BT(avloc_gllim_post_f32_destroy(NULL), 1);
        BT(avloc_gllim_model_f32_destroy(&mf), mf.K == 0);
        BT(avloc_gllim_model_f32_destroy(NULL), 1);
        BI(avloc_gllim_model_f32_check(&mf), AVLOC_ERR_STATE); }
    /* clip glue: the model's features are 2 binaural bins (D = 6) */
    {   size_t n = 800, nf = 0, cb = 0;
        float *l = GB_F32(n), *r = GB_F32(n), *yv = GB_F32(GD);
        unsigned char *dmask = (unsigned char *)gb_new(GD);
        void *cscr;
        model.feat.n_fft = 64; model.feat.hop = 32; model.feat.first_bin = 1; model.feat.n_bins = 2;
        fill_sig(l, n, 51); fill_sig(r, n, 52);
        BI(avloc_gllim_clip_scratch(NULL, n, &nf, &cb), AVLOC_ERR_NULL);
        BI(avloc_gllim_clip_scratch(&model.feat, 0, &nf, &cb), AVLOC_ERR_SIZE);
        BI(avloc_gllim_clip_scratch(&model.feat, SZ_HUGE, &nf, &cb), AVLOC_ERR_OVERFLOW);
        BI(avloc_gllim_clip_scratch(&model.feat, n, &nf, &cb), AVLOC_OK);
        cscr = gb_new(cb);
        BI(avloc_gllim_clip_vector_f32(NULL, l, r, n, yv, dmask, cscr, cb), AVLOC_ERR_NULL);
        BI(avloc_gllim_clip_vector_f32(&model.feat, l, r, n, NULL, dmask, cscr, cb), AVLOC_ERR_NULL);
        BI(avloc_gllim_clip_vector_f32(&model.feat, l, r, n, yv, dmask, cscr, SHORT(cb)), AVLOC_ERR_WORKSPACE);
        BI(avloc_gllim_clip_vector_f32(&model.feat, l, r, n, yv, dmask, (void *)r, cb), AVLOC_ERR_PARAM); /* scratch over r */
        BI(avloc_gllim_clip_vector_f32(&model.feat, l, r, n, yv, dmask, yv, cb), AVLOC_ERR_PARAM);
        BI(avloc_gllim_localize_clip_f32(&model, l, r, n, &post, (void *)l, cb), AVLOC_ERR_PARAM);
        BI(avloc_gllim_localize_clip_f32(&model, l, r, n, &post, mmem, cb), AVLOC_ERR_PARAM); /* over the model */
        l[7] = f_nan();
        BI(avloc_gllim_clip_vector_f32(&model.feat, l, r, n, yv, dmask, cscr, cb), AVLOC_ERR_NONFINITE);
        BI(avloc_gllim_localize_clip_f32(&model, l, r, n, &post, cscr, cb), AVLOC_ERR_NONFINITE);
        l[7] = 0;
        BI(avloc_gllim_localize_clip_f32(NULL, l, r, n, &post, cscr, cb), AVLOC_ERR_NULL);
        BI(avloc_gllim_localize_clip_f32(&model, l, r, n, NULL, cscr, cb), AVLOC_ERR_NULL);
        BI(avloc_gllim_localize_clip_f32(&model, l, r, n, &post, cscr, SHORT(cb)), AVLOC_ERR_WORKSPACE);
        BI(avloc_gllim_localize_clip_f32(&model, l, r, n, &post, cscr, cb), AVLOC_OK);
        memset(l, 0, n * sizeof(float)); memset(r, 0, n * sizeof(float));  /* silence */
        BI(avloc_gllim_localize_clip_f32(&model, l, r, n, &post, cscr, cb), AVLOC_NO_ACTIVE_POINTS);
        model.feat.n_bins = 3;                                           /* D no longer 3 n_bins */
        BI(avloc_gllim_localize_clip_f32(&model, l, r, n, &post, cscr, cb), AVLOC_ERR_PARAM); }
    BT(avloc_gllim_posterior_destroy(&post), 1);
    BT(avloc_gllim_posterior_destroy(NULL), 1);
    BT(avloc_gllim_stats_destroy(&st), 1);
    BT(avloc_gllim_stats_destroy(NULL), 1);
    BT(avloc_gllim_train_config tcd = avloc_gllim_train_config_default(), tcd.K > 0);
    BT(avloc_gllim_stream_config scd = avloc_gllim_stream_config_default(), scd.window > 0);
    gb_free_all();
}

static void bi_phat(void)
{
    avloc_phat_model pm = avloc_phat_model_default(), p2;
    double *del = GB_F64(4), *u = GB_F64(4);
    size_t fb = 0, w = 0;
    void *file;
    del[0] = 1; del[1] = 2; del[2] = 3; del[3] = 4; u[0] = 10; u[1] = 20; u[2] = 30; u[3] = 41;
    BI(avloc_phat_fit_f64(NULL, del, u, 4), AVLOC_ERR_NULL);
    BI(avloc_phat_fit_f64(&pm, NULL, u, 4), AVLOC_ERR_NULL);
    BI(avloc_phat_fit_f64(&pm, del, u, 1), AVLOC_ERR_SIZE);
    del[2] = (double)f_nan();
    BI(avloc_phat_fit_f64(&pm, del, u, 4), AVLOC_ERR_NONFINITE);
    del[0] = del[1] = del[2] = del[3] = 5;                               /* all the same delay */
    BI(avloc_phat_fit_f64(&pm, del, u, 4), AVLOC_ERR_NUMERIC);
    del[0] = 1; del[1] = 2; del[2] = 3; del[3] = 4;
    BI(avloc_phat_fit_f64(&pm, del, u, 4), AVLOC_OK);
    BT(double v = avloc_phat_pixel(&pm, (double)f_nan()), is_nan(v));
    BT(double v = avloc_phat_pixel(NULL, 1.0), is_nan(v));
    BI(avloc_phat_save_query(NULL, &fb), AVLOC_ERR_NULL);
    BI(avloc_phat_save_query(&pm, NULL), AVLOC_ERR_NULL);
    BI(avloc_phat_save_query(&pm, &fb), AVLOC_OK);
    file = gb_new(fb);
    BI(avloc_phat_save(NULL, file, fb, &w), AVLOC_ERR_NULL);
    BI(avloc_phat_save(&pm, file, fb - 1, &w), AVLOC_ERR_WORKSPACE);
    BI(avloc_phat_save(&pm, file, fb, &w), AVLOC_OK);
    BI(avloc_phat_load(NULL, file, w), AVLOC_ERR_NULL);
    BI(avloc_phat_load(&p2, NULL, w), AVLOC_ERR_NULL);
    BI(avloc_phat_load(&p2, file, w - 3), AVLOC_ERR_FORMAT);
    BI(avloc_phat_load(&p2, file, w), AVLOC_OK);
    pm.gcc.max_lag = 100000;                                             /* invalid GCC settings */
    BI(avloc_phat_save_query(&pm, &fb), AVLOC_ERR_PARAM);
    gb_free_all();
}

/* ============================================================= avloc_mp.h */
static void bi_mp(void)
{
    avloc_mp_config c = avloc_mp_config_default();
    avloc_mp_coder coder;
    avloc_mp_dict dict, zd;
    avloc_mp_atom *atoms = (avloc_mp_atom *)gb_new(10 * sizeof(avloc_mp_atom));
    avloc_mp_learn_config lc = avloc_mp_learn_config_default();
    size_t ob = 0, sb = 0, n = 0, na, nv, nka, nkv, nofs = 0, nfr = 0, lb = 0, wb = 0, it = 0;
    void *mem, *scr;
    float *audio, *video, *ra, *rv, *heat;
    double u = -1, v = -1;
    c.kernels = 3; c.audio_len = 30; c.kernel_t = 2; c.kernel_h = 3; c.kernel_w = 3;
    c.audio_samples = 400; c.frames = 6; c.height = 8; c.width = 8;
    na = c.audio_samples; nv = c.frames * c.height * c.width;
    nka = c.kernels * c.audio_len; nkv = c.kernels * c.kernel_t * c.kernel_h * c.kernel_w;
    audio = GB_F32(na); video = GB_F32(nv); ra = GB_F32(na); rv = GB_F32(nv); heat = GB_F32(nv);
    dict.audio = GB_F32(nka); dict.video = GB_F32(nkv);
    zd.audio = GB_F32(nka); zd.video = GB_F32(nkv);
    fill_sig(audio, na, 11); fill_sig(video, nv, 12); fill_sig(dict.audio, nka, 13); fill_sig(dict.video, nkv, 14);
    memset(zd.audio, 0, nka * 4); memset(zd.video, 0, nkv * 4);
    BT(size_t f = avloc_mp_frame_of(NULL, 100), f == 0);
    BT(size_t f = avloc_mp_frame_of(&c, SZ_HUGE), f < SZ_HUGE);
    {   avloc_mp_config b = c;
        b.audio_rate = 0;                                                /* n * fps / 0 */
        BT(size_t f = avloc_mp_frame_of(&b, 100), f == 0);
        b.audio_rate = 1e-300; b.video_fps = 1e300;                      /* beyond size_t */
        BT(size_t f = avloc_mp_frame_of(&b, 100), f == SZ_HUGE); }
    BI(avloc_mp_positions(NULL, &nofs, &nfr), AVLOC_ERR_NULL);
    {   avloc_mp_config b = c;
        b.audio_samples = 0;
        BI(avloc_mp_positions(&b, &nofs, &nfr), AVLOC_ERR_SIZE);
        b = c; b.audio_len = 500;                                        /* kernel longer than the signal */
        BI(avloc_mp_positions(&b, &nofs, &nfr), AVLOC_ERR_SIZE);
        b = c; b.kernel_w = 9;
        BI(avloc_mp_positions(&b, &nofs, &nfr), AVLOC_ERR_SIZE);
        b = c; b.audio_rate = f_nan();
        BI(avloc_mp_positions(&b, &nofs, &nfr), AVLOC_ERR_PARAM);
        b = c; b.video_fps = 0;
        BI(avloc_mp_positions(&b, &nofs, &nfr), AVLOC_ERR_PARAM);
        b = c; b.kernels = 0;
        BI(avloc_mp_positions(&b, &nofs, &nfr), AVLOC_ERR_SIZE);
        b = c; b.height = SZ_HALF; b.width = SZ_HALF;
        BI(avloc_mp_positions(&b, &nofs, &nfr), AVLOC_ERR_SIZE);
        b = c; b.kernels = SZ_HALF;
        BI(avloc_mp_coder_query(&b, &ob, &sb), AVLOC_ERR_SIZE); }
    BI(avloc_mp_positions(&c, NULL, NULL), AVLOC_OK);
    BI(avloc_mp_dict_normalize(NULL, &dict), AVLOC_ERR_NULL);
    BI(avloc_mp_dict_normalize(&c, NULL), AVLOC_ERR_NULL);
    BI(avloc_mp_dict_normalize(&c, &zd), AVLOC_ERR_NUMERIC);             /* zero kernels */
    dict.audio[3] = f_nan();
    BI(avloc_mp_dict_normalize(&c, &dict), AVLOC_ERR_NUMERIC);
    dict.audio[3] = f_inf();                                              /* x / Inf: a NaN kernel */
    BI(avloc_mp_dict_normalize(&c, &dict), AVLOC_ERR_NUMERIC);
    dict.audio[3] = 0.1f;
    BI(avloc_mp_dict_normalize(&c, &dict), AVLOC_OK);
    BI(avloc_mp_code_naive_f32(NULL, &dict, audio, video, 10, 0, atoms, &n, ra, rv), AVLOC_ERR_NULL);
    BI(avloc_mp_code_naive_f32(&c, &dict, NULL, video, 10, 0, atoms, &n, ra, rv), AVLOC_ERR_NULL);
    BI(avloc_mp_code_naive_f32(&c, &dict, audio, video, 10, 0, NULL, &n, ra, rv), AVLOC_ERR_NULL);
    BI(avloc_mp_code_naive_f32(&c, &dict, audio, video, 10, f_nan(), atoms, &n, ra, rv), AVLOC_ERR_PARAM);
    BI(avloc_mp_code_naive_f32(&c, &dict, audio, video, 10, -1.0f, atoms, &n, ra, rv), AVLOC_ERR_PARAM);
    audio[5] = f_inf();
    BI(avloc_mp_code_naive_f32(&c, &dict, audio, video, 10, 0, atoms, &n, ra, rv), AVLOC_ERR_NONFINITE);
    audio[5] = FLT_MIN / 2;
    BI(avloc_mp_code_naive_f32(&c, &dict, audio, video, 0, 0, atoms, &n, ra, rv), AVLOC_OK); /* no atoms wanted */
    BI(n, 0);
    BI(avloc_mp_coder_query(NULL, &ob, &sb), AVLOC_ERR_NULL);
    BI(avloc_mp_coder_query(&c, &ob, &sb), AVLOC_OK);
    mem = gb_new(ob); scr = gb_new(sb);
    BI(avloc_mp_coder_init(NULL, &c, mem, ob), AVLOC_ERR_NULL);
    BI(avloc_mp_coder_init(&coder, &c, NULL, ob), AVLOC_ERR_NULL);
    BI(avloc_mp_coder_init(&coder, &c, mem, SHORT(ob)), AVLOC_ERR_WORKSPACE);
    BI(avloc_mp_coder_set_dict(&coder, &dict, scr, sb), AVLOC_ERR_STATE);
    BI(avloc_mp_coder_init(&coder, &c, mem, ob), AVLOC_OK);
    BI(avloc_mp_code_f32(&coder, audio, video, 10, 0, atoms, &n, ra, rv, scr, sb), AVLOC_ERR_STATE); /* no dictionary yet */
    BI(avloc_mp_coder_set_dict(NULL, &dict, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_mp_coder_set_dict(&coder, NULL, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_mp_coder_set_dict(&coder, &dict, scr, SHORT(sb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_mp_coder_set_dict(&coder, &dict, scr, sb), AVLOC_OK);
    BI(avloc_mp_code_f32(NULL, audio, video, 10, 0, atoms, &n, ra, rv, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_mp_code_f32(&coder, audio, NULL, 10, 0, atoms, &n, ra, rv, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_mp_code_f32(&coder, audio, video, 10, 0, atoms, NULL, ra, rv, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_mp_code_f32(&coder, audio, video, 10, 0, atoms, &n, ra, rv, scr, SHORT(sb)), AVLOC_ERR_WORKSPACE);
    video[3] = f_nan();
    BI(avloc_mp_code_f32(&coder, audio, video, 10, 0, atoms, &n, ra, rv, scr, sb), AVLOC_ERR_NONFINITE);
    video[3] = 0;
    {   float *za = GB_F32(na), *zv = GB_F32(nv);                       /* silence: no atom */
        memset(za, 0, na * 4); memset(zv, 0, nv * 4);
        BI(avloc_mp_code_f32(&coder, za, zv, 10, 0, atoms, &n, ra, rv, scr, sb), AVLOC_OK);
        BI(n, 0); }
    {   /* residuals: in place (documented) or apart (avloc.h, MEMORY) */
        float *big = GB_F32(na + nv), *ia = GB_F32(na), *iv = GB_F32(nv);
        memcpy(ia, audio, na * 4); memcpy(iv, video, nv * 4);
        BI(avloc_mp_code_f32(&coder, ia, iv, 10, 0, atoms, &n, ia, iv, scr, sb), AVLOC_OK);
        BI(avloc_mp_code_naive_f32(&c, &dict, audio, video, 10, 0, atoms, &n, big, big + na - 1), AVLOC_ERR_PARAM);
        memcpy(big, video, nv * 4);
        BI(avloc_mp_code_f32(&coder, audio, big, 10, 0, atoms, &n, big + nv - 1, rv, scr, sb), AVLOC_ERR_PARAM);
        BI(avloc_mp_code_f32(&coder, audio, big, 10, 0, atoms, &n, ra, big + 1, scr, sb), AVLOC_ERR_PARAM);
        BI(memcmp(big, video, nv * 4) == 0, 1); }
    BI(avloc_mp_code_f32(&coder, audio, video, 10, 0, atoms, &n, ra, rv, atoms, sb), AVLOC_ERR_PARAM); /* scratch over atoms */
    BI(avloc_mp_code_f32(&coder, audio, video, 10, 0, atoms, &n, ra, rv, ra, sb), AVLOC_ERR_PARAM);
    BI(avloc_mp_code_f32(&coder, audio, video, 10, 0, (avloc_mp_atom *)mem, &n, ra, rv, scr, sb), AVLOC_ERR_PARAM);
    BI(avloc_mp_code_f32(&coder, audio, video, 10, 0, atoms, &n, ra, coder.xc_video, scr, sb), AVLOC_ERR_PARAM); /* tables */
    BI(avloc_mp_code_f32(&coder, audio, video, 10, 0, atoms, &n, dict.audio, rv, scr, sb), AVLOC_ERR_PARAM); /* kernels */
    BI(avloc_mp_code_naive_f32(&c, &dict, audio, video, 10, 0, atoms, &n, ra, dict.video), AVLOC_ERR_PARAM);
    BI(avloc_mp_coder_set_dict(&coder, &dict, mem, sb), AVLOC_ERR_PARAM);            /* scratch over the coder */
    BI(avloc_mp_code_naive_f32(&c, &dict, audio, video, 10, 0, atoms, (size_t *)(void *)atoms, ra, rv), AVLOC_ERR_PARAM);
    BI(avloc_mp_code_f32(&coder, audio, video, 10, 0, atoms, &n, ra, rv, scr, sb), AVLOC_OK);
    /* heat map and frame location */
    BI(avloc_mp_heatmap_f32(NULL, dict.video, atoms, n, heat), AVLOC_ERR_NULL);
    BI(avloc_mp_heatmap_f32(&c, dict.video, atoms, n, NULL), AVLOC_ERR_NULL);
    BI(avloc_mp_heatmap_f32(&c, dict.video, atoms, n, heat), AVLOC_OK);
    BI(avloc_mp_votes_f32(NULL, dict.video, video, atoms, n, 3, heat), AVLOC_ERR_NULL);
    BI(avloc_mp_votes_f32(&c, dict.video, NULL, atoms, n, 3, heat), AVLOC_ERR_NULL);
    BI(avloc_mp_votes_f32(&c, dict.video, video, NULL, n, 3, heat), AVLOC_ERR_NULL);
    BI(avloc_mp_votes_f32(&c, dict.video, video, NULL, 0, 3, heat), AVLOC_OK);   /* no atoms: zero votes */
    BI(avloc_mp_votes_f32(&c, dict.video, video, atoms, n, 3, heat), AVLOC_OK);
    BI(avloc_mp_votes_f32(&c, dict.video, video, atoms, n, SIZE_MAX, heat), AVLOC_OK); /* no frame that far: plain votes */
    {   /* overlapping buffers (avloc.h, MEMORY): refused, nothing written */
        float *big = GB_F32(nv + nkv);
        memcpy(big, dict.video, nkv * sizeof(float));
        memcpy(rv, video, nv * sizeof(float));
        BI(avloc_mp_votes_f32(&c, dict.video, video, atoms, n, 3, video), AVLOC_ERR_PARAM);   /* votes over video */
        BI(memcmp(rv, video, nv * sizeof(float)) == 0, 1);
        BI(avloc_mp_votes_f32(&c, big, video, atoms, n, 0, big + nkv - 1), AVLOC_ERR_PARAM); /* over the kernels */
        BI(avloc_mp_heatmap_f32(&c, big, atoms, n, big + nkv - 1), AVLOC_ERR_PARAM);
        BI(memcmp(big, dict.video, nkv * sizeof(float)) == 0, 1);
        BI(avloc_mp_heatmap_f32(&c, big, atoms, n, big + nkv), AVLOC_OK);              /* adjacent: apart */
        {   /* the map over the atoms it is drawn from */
            unsigned char *blk = (unsigned char *)gb_new(n * sizeof *atoms + nv * sizeof(float) + 64);
            avloc_mp_atom *ac = (avloc_mp_atom *)(void *)blk;
            memcpy(ac, atoms, n * sizeof *atoms);
            BI(avloc_mp_heatmap_f32(&c, dict.video, ac, n, (float *)(void *)(blk + 8)), AVLOC_ERR_PARAM);
            BI(avloc_mp_votes_f32(&c, dict.video, video, ac, n, 3, (float *)(void *)(blk + 8)), AVLOC_ERR_PARAM);
            BI(memcmp(ac, atoms, n * sizeof *atoms) == 0, 1);
            BI(avloc_mp_votes_f32(&c, dict.video, video, ac, n, 3, (float *)(void *)(blk + n * sizeof *atoms)),
               AVLOC_OK); } }
    BI(avloc_mp_votes_shift(NULL), 1);                                                  /* no config: the least shift */
    video[3] = f_nan();
    BI(avloc_mp_votes_f32(&c, dict.video, video, atoms, n, 3, heat), AVLOC_ERR_NONFINITE);
    video[3] = 0;
    {   avloc_mp_atom keep = atoms[0];
        atoms[0].frame = c.frames;                                       /* atom outside the signal */
        BI(avloc_mp_votes_f32(&c, dict.video, video, atoms, 1, 3, heat), AVLOC_ERR_PARAM);
        atoms[0] = keep; }
    {   avloc_mp_atom keep = atoms[0];                                   /* non-finite coefficients */
        atoms[0].ca = f_nan();
        heat[0] = 777.0f;
        BI(avloc_mp_heatmap_f32(&c, dict.video, atoms, n, heat), AVLOC_ERR_NONFINITE);
        BI(avloc_mp_votes_f32(&c, dict.video, video, atoms, n, 3, heat), AVLOC_ERR_NONFINITE);
        atoms[0].ca = keep.ca; atoms[0].cv = f_inf();
        BI(avloc_mp_heatmap_f32(&c, dict.video, atoms, n, heat), AVLOC_ERR_NONFINITE);
        BI(heat[0] == 777.0f, 1);                                        /* untouched */
        atoms[0] = keep;
        keep.ca = dict.video[5];
        dict.video[5] = f_nan();                                         /* a non-finite kernel */
        BI(avloc_mp_votes_f32(&c, dict.video, video, atoms, n, 3, heat), AVLOC_ERR_NONFINITE);
        BI(avloc_mp_heatmap_f32(&c, dict.video, atoms, n, heat), AVLOC_ERR_NONFINITE);
        dict.video[5] = keep.ca; }
    atoms[0].row = 100;                                                  /* atom outside the signal */
    heat[0] = 777.0f;                                                    /* written after the check before */
    {   avloc_mp_atom keep = atoms[1];
        atoms[1] = atoms[0]; atoms[0] = keep;                            /* the bad atom second */
        BI(avloc_mp_heatmap_f32(&c, dict.video, atoms, 2, heat), AVLOC_ERR_PARAM);
        BI(heat[0] == 777.0f, 1);
        atoms[0] = atoms[1]; atoms[1] = keep; }
    BI(avloc_mp_heatmap_f32(&c, dict.video, atoms, 1, heat), AVLOC_ERR_PARAM);
    atoms[0].row = 0; atoms[0].k = 99;
    BI(avloc_mp_heatmap_f32(&c, dict.video, atoms, 1, heat), AVLOC_ERR_PARAM);
    memset(heat, 0, 64 * 4); /* the frame locator's cases below start from no heat */
    BI(avloc_mp_locate_frame_f32(NULL, 8, 8, 3, 3, &u, &v), 0);
    BI(avloc_mp_locate_frame_f32(heat, 8, 8, 3, 3, NULL, &v), 0);
    BI(avloc_mp_locate_frame_f32(heat, 0, 8, 3, 3, &u, &v), 0);
    BI(avloc_mp_locate_frame_f32(heat, SZ_HALF, 4, 3, 3, &u, &v), 0);   /* pixel count overflows */
    BI(avloc_mp_locate_frame_f32(heat, 8, 8, 0, 0, &u, &v), 0);
    memset(heat, 0, 64 * 4);
    BI(avloc_mp_locate_frame_f32(heat, 8, 8, 3, 3, &u, &v), 0);         /* no heat: u, v untouched */
    BI(u == -1 && v == -1, 1);
    heat[9] = f_nan();
    BI(avloc_mp_locate_frame_f32(heat, 8, 8, 3, 3, &u, &v), 0);
    heat[9] = 1; heat[10] = f_inf();
    BI(avloc_mp_locate_frame_f32(heat, 8, 8, 30, 30, &u, &v), 0);
    heat[10] = 0;
    BI(avloc_mp_locate_frame_f32(heat, 8, 8, 30, 30, &u, &v), 1);       /* window larger than the frame */
    /* learning */
    BI(avloc_mp_learn_query(NULL, &lc, &lb), AVLOC_ERR_NULL);
    BI(avloc_mp_learn_query(&coder, NULL, &lb), AVLOC_ERR_NULL);
    lc.atoms = 0;
    BI(avloc_mp_learn_query(&coder, &lc, &lb), AVLOC_ERR_SIZE);
    lc.atoms = SZ_HALF;
    BI(avloc_mp_learn_query(&coder, &lc, &lb), AVLOC_ERR_SIZE);
    lc.atoms = 5; lc.iters = 2;
    BI(avloc_mp_learn_query(&coder, &lc, &lb), AVLOC_OK);
    {   void *ls = gb_new(lb);
        BI(avloc_mp_learn_f32(NULL, &dict, audio, video, &lc, ls, lb, &it), AVLOC_ERR_NULL);
        BI(avloc_mp_learn_f32(&coder, &dict, NULL, video, &lc, ls, lb, &it), AVLOC_ERR_NULL);
        BI(avloc_mp_learn_f32(&coder, &dict, audio, video, &lc, ls, SHORT(lb), &it), AVLOC_ERR_WORKSPACE);
        BI(avloc_mp_learn_f32(&coder, &dict, audio, video, &lc, dict.audio, lb, &it), AVLOC_ERR_PARAM); /* scratch over kernels */
        BI(avloc_mp_learn_f32(&coder, &dict, audio, video, &lc, ls, lb, (size_t *)(void *)audio), AVLOC_ERR_PARAM);
        lc.eta = f_nan();
        BI(avloc_mp_learn_f32(&coder, &dict, audio, video, &lc, ls, lb, &it), AVLOC_ERR_PARAM);
        lc.eta = 1.0;
        audio[0] = f_nan();
        BI(avloc_mp_learn_f32(&coder, &dict, audio, video, &lc, ls, lb, &it), AVLOC_ERR_NONFINITE);
        audio[0] = 0;
        BI(avloc_mp_learn_f32(&coder, &dict, audio, video, &lc, ls, lb, NULL), AVLOC_OK); }
    /* whitening */
    BI(avloc_mp_whiten_query(0, 8, &wb), AVLOC_ERR_SIZE);
    BI(avloc_mp_whiten_query(SZ_HALF, SZ_HALF, &wb), AVLOC_ERR_SIZE);
    BI(avloc_mp_whiten_query(8, 8, NULL), AVLOC_ERR_NULL);
    BI(avloc_mp_whiten_query(8, 8, &wb), AVLOC_OK);
    {   void *ws = gb_new(wb);
        BI(avloc_mp_whiten_f32(NULL, 6, 8, 8, 0.4, ws, wb), AVLOC_ERR_NULL);
        BI(avloc_mp_whiten_f32(video, 6, 8, 8, 0.4, NULL, wb), AVLOC_ERR_NULL);
        BI(avloc_mp_whiten_f32(video, 0, 8, 8, 0.4, ws, wb), AVLOC_ERR_SIZE);
        BI(avloc_mp_whiten_f32(video, 6, 8, 8, 0.0, ws, wb), AVLOC_ERR_PARAM);
        BI(avloc_mp_whiten_f32(video, 6, 8, 8, (double)f_nan(), ws, wb), AVLOC_ERR_PARAM);
        BI(avloc_mp_whiten_f32(video, SZ_HALF, 8, 8, 0.4, ws, wb), AVLOC_ERR_SIZE);
        gb_fill(rv, nv * 4);
        memcpy(rv, video, nv * 4);
        BI(avloc_mp_whiten_f32(video, 6, 8, 8, 0.4, ws, SHORT(wb)), AVLOC_ERR_WORKSPACE);
        BI(memcmp(rv, video, nv * 4) == 0, 1);                           /* untouched */
        BI(avloc_mp_whiten_f32(video, 6, 8, 8, 0.4, video, wb), AVLOC_ERR_PARAM);          /* scratch over the video */
        BI(memcmp(rv, video, nv * 4) == 0, 1);
        video[2] = f_inf();
        BI(avloc_mp_whiten_f32(video, 6, 8, 8, 0.4, ws, wb), AVLOC_ERR_NONFINITE);
        video[2] = 0;
        BI(avloc_mp_whiten_f32(video, 6, 8, 8, 0.4, ws, wb), AVLOC_OK); }
    BT(avloc_mp_coder_destroy(&coder), 1);
    BT(avloc_mp_coder_destroy(NULL), 1);
    BI(avloc_mp_code_f32(&coder, audio, video, 10, 0, atoms, &n, ra, rv, scr, sb), AVLOC_ERR_STATE);
    gb_free_all();
}

/* =========================================================== avloc_rpca.h */
static void bi_rpca(void)
{
    enum { M = 12, N = 10, PX = 16, BINS = 6, T = 8, TT = 14 };
    avloc_rpca_config c = avloc_rpca_config_default();
    avloc_rpca r;
    avloc_rpca_av_config ac = avloc_rpca_av_config_default();
    avloc_rpca_av av;
    avloc_rpca_av_state st;
    avloc_rpca_info info;
    size_t ob = 0, sb = 0, stb = 0, wsb = 0, nw = 0;
    void *mem, *scr, *amem, *ascr, *smem, *wscr;
    float *D = GB_F32(M * N), *L = GB_F32(M * N), *S = GB_F32(M * N), *Z = GB_F32(M * N);
    float *V = GB_F32(PX * TT), *A = GB_F32(BINS * TT), *Pv = GB_F32(PX * TT), *Pa = GB_F32(BINS * TT);
    double primal = 0, dual = 0;
    fill_sig(D, M * N, 31); fill_sig(V, PX * TT, 32); fill_sig(A, BINS * TT, 33);
    memset(Z, 0, M * N * 4);
    BI(avloc_rpca_query(NULL, &ob, &sb), AVLOC_ERR_NULL);
    BI(avloc_rpca_query(&c, &ob, &sb), AVLOC_ERR_SIZE);                  /* rows, cols 0 */
    c.rows = M; c.cols = N; c.max_iter = 15;
    c.rho = 0.5;
    BI(avloc_rpca_query(&c, &ob, &sb), AVLOC_ERR_PARAM);                 /* rho below 1 */
    c.max_iter = 0; c.rho = 1.5;
    BI(avloc_rpca_query(&c, &ob, &sb), AVLOC_ERR_PARAM);
    c.max_iter = 15; c.tol = 0;
    BI(avloc_rpca_query(&c, &ob, &sb), AVLOC_ERR_PARAM);
    c.tol = 1e-7;
    c.rho = 1.5; c.lambda = -1;
    BI(avloc_rpca_query(&c, &ob, &sb), AVLOC_ERR_PARAM);
    c.lambda = (double)f_nan();
    BI(avloc_rpca_query(&c, &ob, &sb), AVLOC_ERR_PARAM);
    c.lambda = 0; c.rows = SZ_HALF; c.cols = SZ_HALF;
    BI(avloc_rpca_query(&c, &ob, &sb), AVLOC_ERR_OVERFLOW);
    c.rows = M; c.cols = N;
    BI(avloc_rpca_query(&c, &ob, &sb), AVLOC_OK);
    mem = gb_new(ob); scr = gb_new(sb);
    BI(avloc_rpca_init(NULL, &c, mem, ob), AVLOC_ERR_NULL);
    BI(avloc_rpca_init(&r, &c, NULL, ob), AVLOC_ERR_NULL);
    BI(avloc_rpca_init(&r, &c, mem, 0), AVLOC_OK);                      /* the object keeps no memory */
    c.rho = 0.5;
    BI(avloc_rpca_init(&r, &c, mem, ob), AVLOC_ERR_PARAM);
    c.rho = 1.5;
    BI(avloc_rpca_solve_f32(&r, D, L, S, NULL, &info, scr, sb), AVLOC_ERR_STATE); /* after the failed init */
    BI(avloc_rpca_init(&r, &c, mem, ob), AVLOC_OK);
    BI(avloc_rpca_solve_f32(NULL, D, L, S, NULL, &info, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_rpca_solve_f32(&r, NULL, L, S, NULL, &info, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_rpca_solve_f32(&r, D, NULL, S, NULL, &info, scr, sb), AVLOC_ERR_NULL);
    gb_fill(L, M * N * 4);
    BI(avloc_rpca_solve_f32(&r, D, L, S, NULL, &info, scr, SHORT(sb)), AVLOC_ERR_WORKSPACE);
    BI(gb_untouched(L, M * N * 4), 1);
    D[7] = f_nan();
    BI(avloc_rpca_solve_f32(&r, D, L, S, NULL, &info, scr, sb), AVLOC_ERR_NONFINITE);
    D[7] = FLT_MIN / 2;
    BI(avloc_rpca_solve_f32(&r, D, L, S, NULL, NULL, scr, sb), AVLOC_OK);
    BI(avloc_rpca_solve_f32(&r, D, L, S, NULL, NULL, (void *)D, sb), AVLOC_ERR_PARAM);    /* scratch over D */
    BI(avloc_rpca_solve_f32(&r, D, L, S, NULL, NULL, S, sb), AVLOC_ERR_PARAM);            /* scratch over S */
    BI(avloc_rpca_solve_f32(&r, D, L, S, NULL, (avloc_rpca_info *)(void *)L, scr, sb), AVLOC_ERR_PARAM); /* info over L */
    {   /* finite, but ||D||_2 overflows float: the first SVT input is NaN (the set-up's check) */
        size_t i;
        for (i = 0; i < M * N; i++) Z[i] = 3e37f * (float)((double)(i % 5) - 2.0 + (i % 7 == 0 ? 4.0 : 0.0));
        gb_fill(L, M * N * 4);
        BI(avloc_rpca_solve_f32(&r, Z, L, S, NULL, NULL, scr, sb), AVLOC_ERR_NUMERIC);
        BI(gb_untouched(L, M * N * 4), 1); /* stopped before the first SVT */
        for (i = 0; i < M * N; i++) Z[i] *= 5.0f / 3.0f; /* the norm's own products overflow */
        BI(avloc_rpca_solve_f32(&r, Z, L, S, NULL, NULL, scr, sb), AVLOC_ERR_NUMERIC);
        memset(Z, 0, M * N * 4);
    }
    BI(avloc_rpca_solve_f32(&r, Z, L, S, NULL, &info, scr, sb), AVLOC_OK); /* all-zero matrix */
    BI(avloc_all_finite_f32(L, M * N) && avloc_all_finite_f32(S, M * N), 1);
    BI(avloc_rpca_solve_f32(&r, D, L, L, NULL, NULL, scr, sb), AVLOC_ERR_PARAM);      /* L == S */
    BI(avloc_rpca_solve_f32(&r, D, (float *)D, S, NULL, NULL, scr, sb), AVLOC_ERR_PARAM); /* L == D */
    BI(avloc_rpca_solve_f32(&r, D, L + 1, L, NULL, NULL, scr, sb), AVLOC_ERR_PARAM);  /* L, S overlap */
    BI(avloc_rpca_solve_f32(&r, D, L, S, S, NULL, scr, sb), AVLOC_ERR_PARAM);         /* Ydual == S */
    BT(avloc_rpca_destroy(&r), 1);
    BT(avloc_rpca_destroy(NULL), 1);
    BI(avloc_rpca_solve_f32(&r, D, L, S, NULL, &info, scr, sb), AVLOC_ERR_STATE);
    /* audio-visual */
    BI(avloc_rpca_av_query(NULL, &ob, &sb), AVLOC_ERR_NULL);
    BI(avloc_rpca_av_query(&ac, &ob, &sb), AVLOC_ERR_SIZE);
    ac.pixels = PX; ac.bins = BINS; ac.frames = T; ac.max_iter = 5; ac.K = 0;
    BI(avloc_rpca_av_query(&ac, &ob, &sb), AVLOC_ERR_SIZE);
    ac.K = 40;                                                           /* K > min(pixels, bins) */
    BI(avloc_rpca_av_query(&ac, &ob, &sb), AVLOC_ERR_PARAM);
    ac.K = 3; ac.lambda3 = -1;
    BI(avloc_rpca_av_query(&ac, &ob, &sb), AVLOC_ERR_PARAM);
    ac.lambda3 = 0.05; ac.ridge = (double)f_inf();
    BI(avloc_rpca_av_query(&ac, &ob, &sb), AVLOC_ERR_PARAM);
    ac.ridge = 1e-3; ac.pixels = SZ_HALF;
    BI(avloc_rpca_av_query(&ac, &ob, &sb), AVLOC_ERR_OVERFLOW);
    ac.pixels = PX;
    BI(avloc_rpca_av_query(&ac, &ob, &sb), AVLOC_OK);
    amem = gb_new(ob); ascr = gb_new(sb);
    BI(avloc_rpca_av_init(NULL, &ac, amem, ob), AVLOC_ERR_NULL);
    BI(avloc_rpca_av_init(&av, &ac, amem, SHORT(ob)), AVLOC_ERR_WORKSPACE);
    BI(avloc_rpca_av_state_query(&av, &stb), AVLOC_ERR_STATE);
    BI(avloc_rpca_av_init(&av, &ac, amem, ob), AVLOC_OK);
    BI(avloc_rpca_av_state_query(NULL, &stb), AVLOC_ERR_NULL);
    BI(avloc_rpca_av_state_query(&av, NULL), AVLOC_ERR_NULL);
    BI(avloc_rpca_av_state_query(&av, &stb), AVLOC_OK);
    smem = gb_new(stb);
    BI(avloc_rpca_av_state_init(NULL, &av, smem, stb), AVLOC_ERR_NULL);
    BI(avloc_rpca_av_state_init(&st, &av, NULL, stb), AVLOC_ERR_NULL);
    BI(avloc_rpca_av_state_init(&st, &av, smem, SHORT(stb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_rpca_av_state_init(&st, &av, smem, stb), AVLOC_OK);
    BI(avloc_rpca_av_iterate_f32(&av, V, A, &st, NULL, NULL, ascr, sb), AVLOC_ERR_STATE); /* never started */
    BI(avloc_rpca_av_warm_f32(&av, V, A, &st, ascr, sb), AVLOC_ERR_STATE);
    {   /* a state made for another object (fewer pixels): refused, nothing read past it */
        avloc_rpca_av_config c2 = ac;
        avloc_rpca_av av2;
        avloc_rpca_av_state st2;
        size_t ob2 = 0, sb2 = 0, stb2 = 0;
        void *m2, *sm2;
        c2.pixels = PX / 2;
        BI(avloc_rpca_av_query(&c2, &ob2, &sb2), AVLOC_OK);
        m2 = gb_new(ob2);
        BI(avloc_rpca_av_init(&av2, &c2, m2, ob2), AVLOC_OK);
        BI(avloc_rpca_av_state_query(&av2, &stb2), AVLOC_OK);
        sm2 = gb_new(stb2);
        BI(avloc_rpca_av_state_init(&st2, &av2, sm2, stb2), AVLOC_OK);
        BI(avloc_rpca_av_start_f32(&av, V, A, &st2, ascr, sb), AVLOC_ERR_STATE);
        BI(avloc_rpca_av_solve_f32(&av, V, A, &st2, 0, &info, ascr, sb), AVLOC_ERR_STATE);
        BT(avloc_rpca_av_destroy(&av2), 1); }
    BI(avloc_rpca_av_start_f32(NULL, V, A, &st, ascr, sb), AVLOC_ERR_NULL);
    BI(avloc_rpca_av_start_f32(&av, NULL, A, &st, ascr, sb), AVLOC_ERR_NULL);
    BI(avloc_rpca_av_start_f32(&av, V, A, NULL, ascr, sb), AVLOC_ERR_NULL);
    BI(avloc_rpca_av_start_f32(&av, V, A, &st, ascr, SHORT(sb)), AVLOC_ERR_WORKSPACE);
    A[2] = f_inf();
    BI(avloc_rpca_av_start_f32(&av, V, A, &st, ascr, sb), AVLOC_ERR_NONFINITE);
    BI(avloc_rpca_av_solve_f32(&av, V, A, &st, 0, &info, ascr, sb), AVLOC_ERR_NONFINITE);
    A[2] = 0;
    BI(avloc_rpca_av_start_f32(&av, V, A, &st, ascr, sb), AVLOC_OK);
    BI(avloc_rpca_av_iterate_f32(&av, V, A, &st, NULL, NULL, (void *)A, sb), AVLOC_ERR_PARAM); /* scratch over A */
    BI(avloc_rpca_av_iterate_f32(&av, V, A, &st, NULL, NULL, st.Pv, sb), AVLOC_ERR_PARAM);    /* over the state */
    BI(avloc_rpca_av_iterate_f32(&av, V, A, &st, (double *)(void *)st.C, NULL, ascr, sb), AVLOC_ERR_PARAM); /* primal too */
    BI(avloc_rpca_av_iterate_f32(&av, V, A, &st, &primal, &primal, ascr, sb), AVLOC_ERR_PARAM);
    BI(avloc_rpca_av_start_f32(&av, st.Y, A, &st, ascr, sb), AVLOC_ERR_PARAM);                /* state over V */
    {   avloc_rpca_av_state s3;                                        /* a state over the object's memory */
        BI(avloc_rpca_av_state_init(&s3, &av, amem, stb), AVLOC_OK);
        BI(avloc_rpca_av_start_f32(&av, V, A, &s3, ascr, sb), AVLOC_ERR_PARAM);
        BI(avloc_rpca_av_iterate_f32(&av, V, A, &st, NULL, NULL, amem, sb), AVLOC_ERR_PARAM); } /* scratch over it */
    BI(avloc_rpca_av_iterate_f32(NULL, V, A, &st, &primal, &dual, ascr, sb), AVLOC_ERR_NULL);
    BI(avloc_rpca_av_iterate_f32(&av, V, NULL, &st, &primal, &dual, ascr, sb), AVLOC_ERR_NULL);
    BI(avloc_rpca_av_iterate_f32(&av, V, A, &st, &primal, &dual, ascr, SHORT(sb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_rpca_av_iterate_f32(&av, V, A, &st, NULL, NULL, ascr, sb), AVLOC_OK);
    BI(avloc_rpca_av_warm_f32(NULL, V, A, &st, ascr, sb), AVLOC_ERR_NULL);
    BI(avloc_rpca_av_warm_f32(&av, V, A, &st, ascr, SHORT(sb)), AVLOC_ERR_WORKSPACE);
    V[1] = f_nan();
    BI(avloc_rpca_av_warm_f32(&av, V, A, &st, ascr, sb), AVLOC_ERR_NONFINITE);
    V[1] = 0;
    BI(avloc_rpca_av_warm_f32(&av, V, A, &st, ascr, sb), AVLOC_OK);
    BI(avloc_rpca_av_solve_f32(NULL, V, A, &st, 1, &info, ascr, sb), AVLOC_ERR_NULL);
    BI(avloc_rpca_av_solve_f32(&av, V, A, &st, 1, &info, ascr, SHORT(sb)), AVLOC_ERR_WORKSPACE);
    {   float *Vz = GB_F32(PX * T), *Az = GB_F32(BINS * T);             /* all zero */
        memset(Vz, 0, PX * T * 4); memset(Az, 0, BINS * T * 4);
        BI(avloc_rpca_av_solve_f32(&av, Vz, Az, &st, 0, &info, ascr, sb), AVLOC_OK);
        BI(avloc_all_finite_f32(st.Pv, PX * T), 1); }
    BI(avloc_rpca_av_windows_scratch(NULL, &wsb), AVLOC_ERR_NULL);
    BI(avloc_rpca_av_windows_scratch(&av, NULL), AVLOC_ERR_NULL);
    BI(avloc_rpca_av_windows_scratch(&av, &wsb), AVLOC_OK);
    wscr = gb_new(wsb);
    BI(avloc_rpca_av_windows_f32(NULL, V, A, TT, 2, &st, Pv, Pa, &info, &nw, wscr, wsb), AVLOC_ERR_NULL);
    BI(avloc_rpca_av_windows_f32(&av, V, A, TT, 2, NULL, Pv, Pa, &info, &nw, wscr, wsb), AVLOC_ERR_NULL);
    BI(avloc_rpca_av_windows_f32(&av, V, A, T - 1, 2, &st, Pv, Pa, &info, &nw, wscr, wsb), AVLOC_ERR_SIZE); /* clip shorter than a window */
    BI(avloc_rpca_av_windows_f32(&av, V, A, TT, T, &st, Pv, Pa, &info, &nw, wscr, wsb), AVLOC_ERR_PARAM);  /* overlap >= window */
    BI(avloc_rpca_av_windows_f32(&av, V, A, TT, 2, &st, Pv, Pa, &info, &nw, wscr, SHORT(wsb)), AVLOC_ERR_WORKSPACE);
    V[PX * TT - 1] = f_nan(); /* in the last window: nothing written by the earlier ones */
    Pv[0] = 12345.0f;
    BI(avloc_rpca_av_windows_f32(&av, V, A, TT, 2, &st, Pv, Pa, &info, &nw, wscr, wsb), AVLOC_ERR_NONFINITE);
    BI(Pv[0] == 12345.0f, 1);
    V[PX * TT - 1] = 0;
    /* outputs sharing memory with the clip or each other (avloc.h, MEMORY) */
    BI(avloc_rpca_av_windows_f32(&av, V, A, TT, 2, &st, (float *)V, NULL, NULL, NULL, wscr, wsb), AVLOC_ERR_PARAM);
    BI(avloc_rpca_av_windows_f32(&av, V, A, TT, 2, &st, Pv, (float *)A, NULL, NULL, wscr, wsb), AVLOC_ERR_PARAM);
    BI(avloc_rpca_av_windows_f32(&av, V, A, TT, 2, &st, Pv, Pv + PX * TT - 1, NULL, NULL, wscr, wsb), AVLOC_ERR_PARAM);
    BI(avloc_rpca_av_windows_f32(&av, V, A, TT, 2, &st, Pv, NULL, NULL, NULL, Pv, wsb), AVLOC_ERR_PARAM); /* scratch over Pv */
    BI(avloc_rpca_av_windows_f32(&av, V, A, TT, 2, &st, Pv, NULL, (avloc_rpca_info *)amem, NULL, wscr, wsb),
       AVLOC_ERR_PARAM);                                              /* info over the object */
    BI(avloc_rpca_av_windows_f32(&av, V, A, TT, 2, &st, Pv, NULL, NULL, (size_t *)amem, wscr, wsb), AVLOC_ERR_PARAM);
    BI(avloc_rpca_av_solve_f32(&av, V, A, &st, 1, (avloc_rpca_info *)amem, ascr, sb), AVLOC_ERR_PARAM);
    BI(Pv[0] == 12345.0f, 1);
    BI(avloc_rpca_av_windows_f32(&av, V, A, TT, 2, &st, Pv, NULL, NULL, NULL, wscr, wsb), AVLOC_OK);
    BT(avloc_rpca_av_destroy(&av), 1);
    BT(avloc_rpca_av_destroy(NULL), 1);
    BI(avloc_rpca_av_solve_f32(&av, V, A, &st, 0, &info, ascr, sb), AVLOC_ERR_STATE);
    /* building blocks */
    {   float *fr = GB_F32(3 * 8 * 8), *Vd = GB_F32(16 * 3), *mag = GB_F32(20 * 4), *Ap = GB_F32(4 * 3), *map = GB_F32(16), *tmp = GB_F32(16);
        unsigned char *mask = (unsigned char *)gb_new(64);
        fill_sig(fr, 192, 5); fill_sig(mag, 80, 6);
        BI(avloc_rpca_video_f32(NULL, 3, 8, 8, 2, Vd), AVLOC_ERR_NULL);
        BI(avloc_rpca_video_f32(fr, 3, 8, 8, 2, NULL), AVLOC_ERR_NULL);
        BI(avloc_rpca_video_f32(fr, 3, 8, 8, 0, Vd), AVLOC_ERR_SIZE);     /* down 0 */
        BI(avloc_rpca_video_f32(fr, 3, 8, 8, 9, Vd), AVLOC_ERR_SIZE);     /* down > H */
        BI(avloc_rpca_video_f32(fr, SZ_HALF, 8, 8, 2, Vd), AVLOC_ERR_OVERFLOW);
        fr[3] = f_nan();
        Vd[0] = 4321.0f;
        BI(avloc_rpca_video_f32(fr, 3, 8, 8, 2, Vd), AVLOC_ERR_NONFINITE);
        BI(Vd[0] == 4321.0f, 1);                                          /* nothing written */
        fr[3] = 0;
        BI(avloc_rpca_video_f32(fr, 3, 8, 8, 2, Vd), AVLOC_OK);
        BI(avloc_rpca_video_f32(fr, 3, 8, 8, 2, fr + 8), AVLOC_ERR_PARAM);    /* V over the frames */
        BI(avloc_rpca_pool_f32(NULL, 20, 4, 0.01, 25, 3, Ap), AVLOC_ERR_NULL);
        BI(avloc_rpca_pool_f32(mag, 0, 4, 0.01, 25, 3, Ap), AVLOC_ERR_SIZE);
        BI(avloc_rpca_pool_f32(mag, 20, 4, 0.0, 25, 3, Ap), AVLOC_ERR_PARAM);
        BI(avloc_rpca_pool_f32(mag, 20, 4, 0.01, (double)f_nan(), 3, Ap), AVLOC_ERR_PARAM);
        BI(avloc_rpca_pool_f32(mag, SZ_HALF, 4, 0.01, 25, 3, Ap), AVLOC_ERR_OVERFLOW);
        BI(avloc_rpca_pool_f32(mag, 20, 4, 1e-300, 25, 3, Ap), AVLOC_OK);  /* frame index beyond size_t: clamped */
        mag[0] = -f_inf();
        BI(avloc_rpca_pool_f32(mag, 20, 4, 0.01, 25, 3, Ap), AVLOC_ERR_NONFINITE);
        mag[0] = 0;
        BI(avloc_rpca_pool_f32(mag, 20, 4, 0.01, 25, 3, Ap), AVLOC_OK);
        BI(avloc_rpca_map_f32(NULL, 16, 3, map), AVLOC_ERR_NULL);
        BI(avloc_rpca_pool_f32(mag, 20, 4, 0.01, 25, 3, mag + 60), AVLOC_ERR_PARAM); /* A over mag */
        BI(avloc_rpca_map_f32(Vd, 0, 3, map), AVLOC_ERR_SIZE);
        BI(avloc_rpca_map_f32(Vd, SZ_HALF, 4, map), AVLOC_ERR_OVERFLOW);
        BI(avloc_rpca_map_f32(Vd, 16, 3, map), AVLOC_OK);
        BI(avloc_rpca_corr_map_f32(NULL, 16, Ap, 4, 3, 2.0, tmp, map), AVLOC_ERR_NULL);
        BI(avloc_rpca_corr_map_f32(Vd, 16, Ap, 4, 3, 2.0, NULL, map), AVLOC_ERR_NULL);
        BI(avloc_rpca_corr_map_f32(Vd, 0, Ap, 4, 3, 2.0, tmp, map), AVLOC_ERR_SIZE);
        BI(avloc_rpca_corr_map_f32(Vd, 16, Ap, 0, 3, 2.0, tmp, map), AVLOC_ERR_SIZE);
        BI(avloc_rpca_corr_map_f32(Vd, SZ_HALF, Ap, 4, 4, 2.0, tmp, map), AVLOC_ERR_OVERFLOW);
        BI(avloc_rpca_corr_map_f32(Vd, 16, Ap, 4, 3, 0.0, tmp, map), AVLOC_ERR_PARAM);
        BI(avloc_rpca_corr_map_f32(Vd, 16, Ap, 4, 3, (double)f_nan(), tmp, map), AVLOC_ERR_PARAM);
        BI(avloc_rpca_corr_map_f32(Vd, 16, Ap, 4, 1, 2.0, tmp, map), AVLOC_OK);   /* T = 1: no change, map 0 */
        BI(avloc_rpca_corr_map_f32(Vd, 16, Ap, 4, 3, 2.0, tmp, map), AVLOC_OK);
        Vd[1] = f_inf();
        Vd[1] = 0;
        {   float *Vc = GB_F32(16 * 3);                                   /* map == V: in place, same map */
            memcpy(Vc, Vd, 16 * 3 * sizeof(float));
            BI(avloc_rpca_corr_map_f32(Vd, 16, Ap, 4, 3, 2.0, tmp, map), AVLOC_OK);
            BI(avloc_rpca_corr_map_f32(Vc, 16, Ap, 4, 3, 2.0, tmp, Vc), AVLOC_OK);
            BI(memcmp(Vc, map, 16 * sizeof(float)) == 0, 1);
            BI(avloc_rpca_corr_map_f32(Vd, 16, Ap, 4, 3, 2.0, map, map), AVLOC_ERR_PARAM);     /* tmp == map */
            BI(avloc_rpca_corr_map_f32(Vd, 16, Ap, 4, 3, 2.0, Vd + 40, map), AVLOC_ERR_PARAM); /* tmp over V */
            BI(avloc_rpca_corr_map_f32(Vd, 16, Ap, 4, 3, 2.0, tmp, Ap), AVLOC_ERR_PARAM);     /* map over A */
            memcpy(Vc, Vd, 16 * 3 * sizeof(float));                       /* map further into V */
            BI(avloc_rpca_corr_map_f32(Vc, 16, Ap, 4, 3, 2.0, tmp, Vc + 3), AVLOC_ERR_PARAM);
            BI(memcmp(Vc, Vd, 16 * 3 * sizeof(float)) == 0, 1);
            BI(avloc_rpca_map_f32(Vd, 16, 3, map), AVLOC_OK);             /* map == Pv: in place, same map */
            BI(avloc_rpca_map_f32(Vc, 16, 3, Vc), AVLOC_OK);
            BI(memcmp(Vc, map, 16 * sizeof(float)) == 0, 1);
            memcpy(Vc, Vd, 16 * 3 * sizeof(float));
            BI(avloc_rpca_map_f32(Vc, 16, 3, Vc + 3), AVLOC_ERR_PARAM);   /* map further into Pv */
            BI(memcmp(Vc, Vd, 16 * 3 * sizeof(float)) == 0, 1); }
        Vd[1] = f_inf();
        BI(avloc_rpca_corr_map_f32(Vd, 16, Ap, 4, 3, 2.0, tmp, map), AVLOC_ERR_NONFINITE);
        Vd[1] = 0;
        {   unsigned char reg[16] = {0, 1, 1, 0, 1};
            BI(avloc_rpca_activity_f32(NULL, 16, reg, Ap, 4, 3, tmp, map), AVLOC_ERR_NULL);
            BI(avloc_rpca_activity_f32(Vd, 16, NULL, Ap, 4, 3, tmp, map), AVLOC_ERR_NULL);
            BI(avloc_rpca_activity_f32(Vd, 16, reg, NULL, 4, 3, tmp, map), AVLOC_ERR_NULL);
            BI(avloc_rpca_activity_f32(Vd, 16, reg, Ap, 4, 3, NULL, map), AVLOC_ERR_NULL);
            BI(avloc_rpca_activity_f32(Vd, 16, reg, Ap, 4, 3, tmp, NULL), AVLOC_ERR_NULL);
            BI(avloc_rpca_activity_f32(Vd, 0, reg, Ap, 4, 3, tmp, map), AVLOC_ERR_SIZE);
            BI(avloc_rpca_activity_f32(Vd, 16, reg, Ap, 0, 3, tmp, map), AVLOC_ERR_SIZE);
            BI(avloc_rpca_activity_f32(Vd, 16, reg, Ap, 4, 0, tmp, map), AVLOC_ERR_SIZE);
            BI(avloc_rpca_activity_f32(Vd, SZ_HALF, reg, Ap, 4, 4, tmp, map), AVLOC_ERR_OVERFLOW);
            BI(avloc_rpca_activity_f32(Vd, 16, reg, Ap, 4, 1, tmp, map), AVLOC_OK); /* T = 1: no activity */
            BI(map[0] == 0.0f, 1);
            BI(avloc_rpca_activity_f32(Vd, 16, reg, Ap, 4, 3, tmp, map), AVLOC_OK);
            BI(avloc_rpca_activity_f32(Vd, 16, reg, Ap, 4, 3, (float *)Ap, map), AVLOC_ERR_PARAM); /* tmp over A */
            BI(avloc_rpca_activity_f32(Vd, 16, reg, Ap, 4, 3, tmp, tmp + 1), AVLOC_ERR_PARAM);
            { float keep = Ap[2]; Ap[2] = f_nan();
            BI(avloc_rpca_activity_f32(Vd, 16, reg, Ap, 4, 3, tmp, map), AVLOC_ERR_NONFINITE);
            Ap[2] = keep; }
        }
        BT(float g = avloc_rpca_soft_gain(f_nan(), 1.0f, 3.0), g == 0.0f);
        BT(float g = avloc_rpca_soft_gain(1.0f, f_nan(), 3.0), g == 0.0f);
        BT(float g = avloc_rpca_soft_gain(1.0f, 1.0f, (double)f_nan()), g == 0.0f);
        BT(float g = avloc_rpca_soft_gain(1.0f, 1.0f, -2.0), g == 0.0f);
        BT(float g = avloc_rpca_soft_gain(f_inf(), 1.0f, 3.0), g == 1.0f);
        BT(float g = avloc_rpca_soft_gain(f_inf(), -f_inf(), 3.0), g == 0.5f);
        BT(float g = avloc_rpca_soft_gain(3e38f, 3e38f, 16.0), g == 0.5f);    /* both powers overflow */
        BT(float g = avloc_rpca_soft_gain(1e-30f, 0.0f, 16.0), g == 1.0f);    /* s^q underflows, l = 0: still 1 */
        BT(float g = avloc_rpca_soft_gain(1e20f, 1e21f, 16.0), g > 0.9e-16f && g < 1.1e-16f); /* both overflow: 1e-16, not 1/2 */
        BT(float g = avloc_rpca_soft_gain(1e-30f, 1e-29f, 16.0), g > 0.9e-16f && g < 1.1e-16f); /* both underflow */
        BI(avloc_rpca_mask_u8(NULL, 4, 4, 2, 8, 8, 3, 0.3, tmp, mask), AVLOC_ERR_NULL);
        BI(avloc_rpca_mask_u8(map, 4, 4, 2, 8, 8, 2, 0.3, tmp, mask), AVLOC_ERR_PARAM);   /* even box */
        BI(avloc_rpca_mask_u8(map, 4, 4, 2, 8, 8, 3, 0.3, NULL, mask), AVLOC_ERR_NULL);
        BI(avloc_rpca_mask_u8(map, 4, 4, 3, 8, 8, 3, 0.3, tmp, mask), AVLOC_ERR_SIZE);  /* h * down != H */
        BI(avloc_rpca_mask_u8(map, 4, 4, 2, 8, 8, 0, 0.3, tmp, mask), AVLOC_ERR_SIZE);  /* box 0 */
        BI(avloc_rpca_mask_u8(map, 4, 4, 2, 8, 8, 3, (double)f_nan(), tmp, mask), AVLOC_ERR_PARAM);
        BI(avloc_rpca_mask_u8(map, 4, 4, 2, 8, 8, 3, 0.3, tmp, mask), AVLOC_OK);
        BI(avloc_rpca_mask_u8(map, 4, 4, SZ_HALF, 8, 8, 3, 0.3, tmp, mask), AVLOC_ERR_OVERFLOW);
        BI(avloc_rpca_mask_u8(map, 4, 4, 2, 8, 8, 3, 0.3, map, mask), AVLOC_ERR_PARAM);   /* tmp == map */
        BI(avloc_rpca_mask_u8(map, 4, 4, 2, 8, 8, 3, 0.3, tmp, (unsigned char *)tmp), AVLOC_ERR_PARAM); /* mask over tmp */
        {   size_t hb = 0;
            void *hs;
            BI(avloc_rpca_mask_hull_scratch(4, 4, NULL), AVLOC_ERR_NULL);
            BI(avloc_rpca_mask_hull_scratch(0, 4, &hb), AVLOC_ERR_SIZE);
            BI(avloc_rpca_mask_hull_scratch(SZ_HALF, 4, &hb), AVLOC_ERR_OVERFLOW);
            BI(avloc_rpca_mask_hull_scratch(4, 4, &hb), AVLOC_OK);
            hs = gb_new(hb);
            BI(avloc_rpca_mask_hull_u8(map, 4, 4, 2, 8, 8, 8, 0.1, NULL, hb, mask), AVLOC_ERR_NULL);
            BI(avloc_rpca_mask_hull_u8(map, 4, 4, 0, 8, 8, 8, 0.1, hs, hb, mask), AVLOC_ERR_SIZE);
            BI(avloc_rpca_mask_hull_u8(map, 4, 4, 3, 8, 8, 8, 0.1, hs, hb, mask), AVLOC_ERR_SIZE);  /* h * down > H */
            BI(avloc_rpca_mask_hull_u8(map, 4, 4, SZ_HALF, 8, 8, 8, 0.1, hs, hb, mask), AVLOC_ERR_OVERFLOW);
            BI(avloc_rpca_mask_hull_u8(map, 4, 4, 2, 8, 8, 8, -0.1, hs, hb, mask), AVLOC_ERR_PARAM);
            BI(avloc_rpca_mask_hull_u8(map, 4, 4, 2, 8, 8, 8, 0.1, hs, hb - 1, mask), AVLOC_ERR_WORKSPACE);
            BI(avloc_rpca_mask_hull_u8(map, 4, 4, 2, 8, 8, 8, 0.1, hs, hb, (unsigned char *)map), AVLOC_ERR_PARAM); /* mask over map */
            BI(avloc_rpca_mask_hull_u8(map, 4, 4, 2, 8, 8, 8, 0.1, mask, hb, mask), AVLOC_ERR_PARAM);  /* scratch over mask */
            BI(avloc_rpca_mask_hull_u8(map, 4, 4, 2, 8, 8, (size_t)-1, 0.1, hs, hb, mask), AVLOC_OK); /* any link */
            map[0] = f_nan();
            BI(avloc_rpca_mask_hull_u8(map, 4, 4, 2, 8, 8, 8, 0.1, hs, hb, mask), AVLOC_ERR_NONFINITE);
            memset(map, 0, 64);
            BI(avloc_rpca_mask_hull_u8(map, 4, 4, 2, 8, 8, 8, 0.1, hs, hb, mask), AVLOC_OK); } /* empty mask */
        memset(map, 0, 64);                                                /* all-zero map: nothing sounds */
        BI(avloc_rpca_mask_u8(map, 4, 4, 2, 8, 8, 3, 0.3, tmp, mask), AVLOC_OK);
        BI(avloc_rpca_box_mean_f32(map, 4, 4, 3, 1, tmp), AVLOC_OK);
        BI(avloc_rpca_box_mean_f32(map, 4, 4, 3, 1, map), AVLOC_ERR_PARAM);            /* in place */
        {   float *bb = GB_F32(32);
            memset(bb, 0, 32 * sizeof(float));
            BI(avloc_rpca_box_mean_f32(bb, 4, 4, 3, 1, bb + 5), AVLOC_ERR_PARAM);      /* a partial overlap */
            BI(avloc_rpca_box_mean_f32(bb, 4, 4, 3, 1, bb + 16), AVLOC_OK); }          /* adjacent: apart */
        BI(avloc_rpca_box_mean_f32(map, 4, 4, 2, 1, tmp), AVLOC_ERR_PARAM);            /* even box */
        BI(avloc_rpca_box_mean_f32(map, 0, 4, 3, 1, tmp), AVLOC_ERR_SIZE);
        BI(avloc_rpca_box_mean_f32(NULL, 4, 4, 3, 1, tmp), AVLOC_ERR_NULL);
        BI(avloc_rpca_box_mean_f32(map, SZ_HALF, 4, 3, 1, tmp), AVLOC_ERR_OVERFLOW);
        map[0] = f_nan();
        BI(avloc_rpca_mask_u8(map, 4, 4, 2, 8, 8, 3, 0.3, tmp, mask), AVLOC_ERR_NONFINITE);
        BI(avloc_rpca_box_mean_f32(map, 4, 4, 3, 1, tmp), AVLOC_ERR_NONFINITE); }
    gb_free_all();
}

static void bi_rpca_pipe(void)
{
    avloc_rpca_pipe_config pc = avloc_rpca_pipe_config_default();
    avloc_rpca_pipe p;
    avloc_rpca_pipe_out out;
    avloc_rpca_info info;
    size_t ob = 0, sb = 0, ns;
    void *mem, *scr;
    float *frames, *audio;
    pc.width = 16; pc.height = 16; pc.frames = 8; pc.fps = 25; pc.sample_rate = 8000;
    ns = (size_t)(8 * 8000 / 25);
    pc.n_samples = ns; pc.down = 2; pc.stft.n_fft = 128; pc.stft.hop = 64; pc.stft.win_length = 0;
    pc.av.max_iter = 4; pc.mask_box = 3;
    BI(avloc_rpca_pipe_query(NULL, &ob, &sb), AVLOC_ERR_NULL);
    {   avloc_rpca_pipe_config b = pc;
        b.frames = 0;
        BI(avloc_rpca_pipe_query(&b, &ob, &sb), AVLOC_ERR_SIZE);
        b = pc; b.down = 0;
        BI(avloc_rpca_pipe_query(&b, &ob, &sb), AVLOC_ERR_SIZE);
        b = pc; b.fps = -25;
        BI(avloc_rpca_pipe_query(&b, &ob, &sb), AVLOC_ERR_PARAM);
        b = pc; b.mode = (avloc_rpca_mode)7;
        BI(avloc_rpca_pipe_query(&b, &ob, &sb), AVLOC_ERR_PARAM);
        b = pc; b.av_gate = 2;
        BI(avloc_rpca_pipe_query(&b, &ob, &sb), AVLOC_ERR_PARAM);
        b = pc; b.mask_rule = (avloc_rpca_mask_rule)2;
        BI(avloc_rpca_pipe_query(&b, &ob, &sb), AVLOC_ERR_PARAM);
        b = pc; b.mask_link = 65537;
        BI(avloc_rpca_pipe_query(&b, &ob, &sb), AVLOC_ERR_PARAM);
        b = pc; b.window_frames = 4; b.overlap = 4;                       /* overlap >= window */
        BI(avloc_rpca_pipe_query(&b, &ob, &sb), AVLOC_ERR_PARAM);
        b = pc; b.stft.hop = 0;
        BI(avloc_rpca_pipe_query(&b, &ob, &sb), AVLOC_ERR_SIZE);
        b = pc; b.width = SZ_HALF; b.height = SZ_HALF;
        BI(avloc_rpca_pipe_query(&b, &ob, &sb), AVLOC_ERR_SIZE); }
    BI(avloc_rpca_pipe_query(&pc, &ob, &sb), AVLOC_OK);
    mem = gb_new(ob); scr = gb_new(sb);
    frames = GB_F32(16 * 16 * 8); audio = GB_F32(ns);
    fill_sig(frames, 16 * 16 * 8, 7); fill_sig(audio, ns, 8);
    out.map = GB_F32(256); out.mask = (unsigned char *)gb_new(256); out.target = GB_F32(ns);
    BI(avloc_rpca_pipe_init(NULL, &pc, mem, ob), AVLOC_ERR_NULL);
    BI(avloc_rpca_pipe_init(&p, &pc, NULL, ob), AVLOC_ERR_NULL);
    BI(avloc_rpca_pipe_init(&p, &pc, mem, SHORT(ob)), AVLOC_ERR_WORKSPACE);
    BI(avloc_rpca_pipe_run_f32(&p, frames, audio, &out, &info, scr, sb), AVLOC_ERR_STATE);
    BI(avloc_rpca_pipe_init(&p, &pc, mem, ob), AVLOC_OK);
    BI(avloc_rpca_pipe_run_f32(NULL, frames, audio, &out, &info, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_rpca_pipe_run_f32(&p, NULL, audio, &out, &info, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_rpca_pipe_run_f32(&p, frames, audio, NULL, &info, scr, sb), AVLOC_ERR_NULL);
    BI(avloc_rpca_pipe_run_f32(&p, frames, audio, &out, &info, scr, SHORT(sb)), AVLOC_ERR_WORKSPACE);
    BI(avloc_rpca_pipe_run_f32(&p, frames, audio, &out, &info, (void *)audio, sb), AVLOC_ERR_PARAM); /* scratch over audio */
    {   avloc_rpca_pipe_out o2 = out;                                  /* outputs over each other */
        o2.mask = (unsigned char *)out.map;
        BI(avloc_rpca_pipe_run_f32(&p, frames, audio, &o2, &info, scr, sb), AVLOC_ERR_PARAM);
        o2 = out; o2.map = (float *)(void *)frames;
        BI(avloc_rpca_pipe_run_f32(&p, frames, audio, &o2, &info, scr, sb), AVLOC_ERR_PARAM); }
    {   avloc_rpca_pipe_out o3 = out;                                  /* the map over the pipeline's memory */
        o3.map = (float *)mem;
        BI(avloc_rpca_pipe_run_f32(&p, frames, audio, &o3, &info, scr, sb), AVLOC_ERR_PARAM); }
    BI(avloc_rpca_pipe_run_f32(&p, frames, audio, &out, (avloc_rpca_info *)mem, scr, sb), AVLOC_ERR_PARAM); /* info */
    audio[10] = f_nan();
    BI(avloc_rpca_pipe_run_f32(&p, frames, audio, &out, &info, scr, sb), AVLOC_ERR_NONFINITE);
    audio[10] = 0; frames[3] = f_inf();
    BI(avloc_rpca_pipe_run_f32(&p, frames, audio, &out, &info, scr, sb), AVLOC_ERR_NONFINITE);
    frames[3] = 0;
    BI(avloc_rpca_pipe_run_f32(&p, frames, audio, &out, NULL, scr, sb), AVLOC_OK);
    { size_t i; for (i = 0; i < ns; i++) audio[i] = (i & 1) ? 3e38f : -3e38f; } /* finite, spectra overflow */
    BI(avloc_rpca_pipe_run_f32(&p, frames, audio, &out, &info, scr, sb), AVLOC_ERR_NUMERIC);
    memset(frames, 0, 16 * 16 * 8 * 4); memset(audio, 0, ns * 4);    /* black, silent clip */
    BI(avloc_rpca_pipe_run_f32(&p, frames, audio, &out, &info, scr, sb), AVLOC_OK);
    BI(avloc_all_finite_f32(out.map, 256) && avloc_all_finite_f32(out.target, ns), 1);
    BT(avloc_rpca_pipe_destroy(&p), 1);
    BT(avloc_rpca_pipe_destroy(NULL), 1);
    BI(avloc_rpca_pipe_run_f32(&p, frames, audio, &out, &info, scr, sb), AVLOC_ERR_STATE);
    BT(avloc_rpca_config d1 = avloc_rpca_config_default(), d1.rows == 0);
    BT(avloc_rpca_av_config d2 = avloc_rpca_av_config_default(), d2.K > 0);
    gb_free_all();
}

/* ============================================================= avloc_nn.h */
static void bi_rng(void *user, float *eps, size_t n)
{
    size_t i;
    (void)user;
    for (i = 0; i < n; i++) eps[i] = 0.0f;
}

/* A weightless avloc-nn file around a graph header (JSON text). */
static unsigned char *bi_nn_file(const char *hdr, size_t *size)
{
    size_t n = strlen(hdr), i;
    unsigned char *f = (unsigned char *)gb_new(8 + n);
    for (i = 0; i < 8; i++) f[i] = (unsigned char)((uint64_t)n >> (8 * i));
    memcpy(f + 8, hdr, n);
    *size = 8 + n;
    return f;
}

static void bi_nn(void)
{
    size_t size = 0, ob = 0, k;
    unsigned char *raw = rel_load_nn("linear.safetensors", &size), *file, *bad;
    avloc_nn net, n2;
    avloc_nn_error err;
    avloc_nn_sizes sz;
    avloc_nn_tensor_info ti;
    avloc_nn_audiomap am;
    void *mem, *arena, *scr, *work;
    const float *in[4];
    float *out[4], *x = NULL;
    char *name = (char *)gb_new(64);
    size_t shp[4] = {1, 1, 1, 1};
    const size_t *shapes[4] = {NULL, NULL, NULL, NULL}; /* one per graph input (NULL: the file's) */
    if (!raw) { CHECK_MSG(0, "cannot read tests/golden/nn/linear.safetensors"); return; }
    file = (unsigned char *)gb_new(size);
    memcpy(file, raw, size);
    free(raw);
    bad = (unsigned char *)gb_new(size);
    {   /* an input whose element count fits size_t but whose bytes do not (2^63 floats on
           64 bits; [1, 32768, 32768] on 32 bits): the caller's malloc(numel * 4) wrapped */
        size_t hs = 0, hb = 0;
        unsigned char *h = bi_nn_file(sizeof(size_t) >= 8
            ? "{\"__metadata__\":{\"format\":\"avloc-nn\",\"graph\":\"{\\\"inputs\\\":[{\\\"name\\\":\\\"x\\\",\\\"shape\\\":[1,268435456,268435456,128]}],\\\"outputs\\\":[\\\"x\\\"],\\\"nodes\\\":[]}\",\"version\":\"1\"}}"
            : "{\"__metadata__\":{\"format\":\"avloc-nn\",\"graph\":\"{\\\"inputs\\\":[{\\\"name\\\":\\\"x\\\",\\\"shape\\\":[1,32768,32768]}],\\\"outputs\\\":[\\\"x\\\"],\\\"nodes\\\":[]}\",\"version\":\"1\"}}", &hs);
        BI(avloc_nn_query(h, hs, &hb), AVLOC_ERR_OVERFLOW); }
    BI(avloc_nn_query(NULL, size, &ob), AVLOC_ERR_NULL);
    BI(avloc_nn_query(file, size, NULL), AVLOC_ERR_NULL);
    BI(avloc_nn_query(file, 0, &ob), AVLOC_ERR_FORMAT);
    BI(avloc_nn_query(file, size - 1, &ob), AVLOC_ERR_FORMAT);            /* truncated */
    memcpy(bad, file, size);
    memset(bad + 8, 'x', 16);                                            /* header JSON broken */
    BI(avloc_nn_query(bad, size, &ob), AVLOC_ERR_FORMAT);
    BI(avloc_nn_init_ex(&n2, bad, size, NULL, 0, &err), AVLOC_ERR_FORMAT);
    BI(err.msg[0] != 0, 1);                                              /* a reason is given */
    BI(avloc_nn_query(file, size, &ob), AVLOC_OK);
    mem = gb_new(ob);
    BI(avloc_nn_query_sizes(NULL, size, NULL, mem, ob, &sz, &err), AVLOC_ERR_NULL);
    BI(avloc_nn_query_sizes(file, size, NULL, mem, ob, NULL, &err), AVLOC_ERR_NULL);
    BI(avloc_nn_query_sizes(file, size, NULL, NULL, 0, &sz, NULL), AVLOC_ERR_WORKSPACE);
    BI(sz.obj_bytes == ob, 1);
    BI(avloc_nn_query_sizes(file, size, NULL, mem, SHORT(ob), &sz, &err), AVLOC_ERR_WORKSPACE);
    BI(avloc_nn_query_sizes(bad, size, NULL, mem, ob, &sz, &err), AVLOC_ERR_FORMAT);
    BI(avloc_nn_query_sizes(file, size, NULL, mem, ob, &sz, &err), AVLOC_OK);
    BI(avloc_nn_init(NULL, file, size, mem, ob), AVLOC_ERR_NULL);
    BI(avloc_nn_init(&net, NULL, size, mem, ob), AVLOC_ERR_NULL);
    BI(avloc_nn_init(&net, file, size, NULL, ob), AVLOC_ERR_NULL);
    BI(avloc_nn_init(&net, file, size, mem, SHORT(ob)), AVLOC_ERR_WORKSPACE);
    BI(avloc_nn_input_info(&net, 0, &ti), AVLOC_ERR_STATE);               /* zeroed by the failure */
    BI(avloc_nn_init_ex(&net, file, size - 3, mem, ob, &err), AVLOC_ERR_FORMAT);
    BI(avloc_nn_init_ex(&net, file, size, mem, ob, NULL), AVLOC_OK);
    BI(avloc_nn_input_info(&net, 0, &ti), AVLOC_OK);
    shp[1] = ti.ndim > 1 ? ti.shape[1] + 3 : 5;                          /* features the weights do not take */
    shapes[0] = shp;
    BI(avloc_nn_init_shapes(&n2, file, size, shapes, gb_new(ob), ob, &err) < 0, 1);
    shp[1] = SZ_HALF;                                                    /* a dimension beyond AVLOC_MAX_DIM */
    BI(avloc_nn_init_shapes(&n2, file, size, shapes, gb_new(ob), ob, &err) < 0, 1);
    BI(avloc_nn_init_shapes(&n2, file, size, NULL, gb_new(ob), ob, &err), AVLOC_OK);
    BT(avloc_nn_destroy(&n2), 1);
    BT(avloc_nn_destroy(NULL), 1);
    BI(avloc_nn_input_info(NULL, 0, &ti), AVLOC_ERR_NULL);
    BI(avloc_nn_input_info(&net, 0, NULL), AVLOC_ERR_NULL);
    BI(avloc_nn_input_info(&net, net.n_inputs, &ti), AVLOC_ERR_NOT_FOUND);
    BI(avloc_nn_output_info(&net, SZ_HUGE, &ti), AVLOC_ERR_NOT_FOUND);
    BI(avloc_nn_output_info(NULL, 0, &ti), AVLOC_ERR_NULL);
    BI(avloc_nn_tensor_info_at(&net, net.n_tensors, &ti), AVLOC_ERR_NOT_FOUND);
    BI(avloc_nn_tensor_info_at(&net, 0, NULL), AVLOC_ERR_NULL);
    BI(avloc_nn_tensor_info_at(&n2, 0, &ti), AVLOC_ERR_STATE);           /* destroyed */
    BT(const char *op = avloc_nn_op_name((avloc_nn_op)-1), op == NULL);
    BT(const char *op = avloc_nn_op_name((avloc_nn_op)100000), op == NULL);
    BI(avloc_nn_node_name(&net, net.n_nodes, name, 64), AVLOC_ERR_NOT_FOUND);
    BI(avloc_nn_node_name(&net, 0, NULL, 64), AVLOC_ERR_NULL);
    BI(avloc_nn_node_name(NULL, 0, name, 64), AVLOC_ERR_NULL);
    gb_fill(name, 64);
    BI(avloc_nn_node_name(&net, 0, name, 0), AVLOC_ERR_WORKSPACE);
    BI(gb_untouched(name, 64), 1);
    BI(avloc_nn_node_name(&net, 0, name, 1), AVLOC_ERR_WORKSPACE);
    /* inference */
    for (k = 0; k < net.n_inputs && k < 4; k++) {
        avloc_nn_input_info(&net, k, &ti);
        x = GB_F32(ti.numel);
        fill_sig(x, ti.numel, (unsigned)k + 3);
        in[k] = x;
    }
    for (k = 0; k < net.n_outputs && k < 4; k++) {
        avloc_nn_output_info(&net, k, &ti);
        out[k] = GB_F32(ti.numel);
    }
    arena = gb_new(net.arena_bytes ? net.arena_bytes : 1); scr = gb_new(net.scratch_bytes ? net.scratch_bytes : 1);
    BI(avloc_nn_run_f32(NULL, in, out, arena, net.arena_bytes, scr, net.scratch_bytes), AVLOC_ERR_NULL);
    BI(avloc_nn_run_f32(&net, NULL, out, arena, net.arena_bytes, scr, net.scratch_bytes), AVLOC_ERR_NULL);
    BI(avloc_nn_run_f32(&net, in, NULL, arena, net.arena_bytes, scr, net.scratch_bytes), AVLOC_ERR_NULL);
    if (net.arena_bytes > 0)
        BI(avloc_nn_run_f32(&net, in, out, arena, net.arena_bytes - 1, scr, net.scratch_bytes), AVLOC_ERR_WORKSPACE);
    if (net.scratch_bytes > 0)
        BI(avloc_nn_run_f32(&net, in, out, arena, net.arena_bytes, scr, net.scratch_bytes - 1), AVLOC_ERR_WORKSPACE);
    {   float *mis = (float *)gb_new_at(64, 2);                          /* not float-aligned */
        float *o0 = out[0];
        out[0] = mis;
        BI(avloc_nn_run_f32(&net, in, out, arena, net.arena_bytes, scr, net.scratch_bytes), AVLOC_ERR_PARAM);
        out[0] = o0; }
    {   /* an output sharing memory with an input, the arena or the scratch (avloc.h, MEMORY) */
        float *o0 = out[0];
        const float *i0 = in[0];
        size_t ni, no;
        avloc_nn_input_info(&net, 0, &ti); ni = ti.numel;
        avloc_nn_output_info(&net, 0, &ti); no = ti.numel;
        {   float *big = GB_F32(ni + no);
            memcpy(big, i0, ni * sizeof(float));
            in[0] = big; out[0] = big + ni - 1;
            BI(avloc_nn_run_f32(&net, in, out, arena, net.arena_bytes, scr, net.scratch_bytes), AVLOC_ERR_PARAM);
            BI(memcmp(big, i0, ni * sizeof(float)) == 0, 1);
            out[0] = big + ni;                                           /* adjacent: apart */
            BI(avloc_nn_run_f32(&net, in, out, arena, net.arena_bytes, scr, net.scratch_bytes), AVLOC_OK); }
        in[0] = i0;
        if (net.arena_bytes >= no * sizeof(float)) {
            out[0] = (float *)arena;
            BI(avloc_nn_run_f32(&net, in, out, arena, net.arena_bytes, scr, net.scratch_bytes), AVLOC_ERR_PARAM); }
        if (net.scratch_bytes >= no * sizeof(float)) {
            out[0] = (float *)scr;
            BI(avloc_nn_run_f32(&net, in, out, arena, net.arena_bytes, scr, net.scratch_bytes), AVLOC_ERR_PARAM); }
        out[0] = (float *)mem;                                           /* over the network's memory */
        BI(avloc_nn_run_f32(&net, in, out, arena, net.arena_bytes, scr, net.scratch_bytes), AVLOC_ERR_PARAM);
        out[0] = (float *)(void *)(file + 8);                            /* over the file (the weights) */
        BI(avloc_nn_run_f32(&net, in, out, arena, net.arena_bytes, scr, net.scratch_bytes), AVLOC_ERR_PARAM);
        out[0] = o0; }
    x[0] = f_nan();
    BI(avloc_nn_run_f32(&net, in, out, arena, net.arena_bytes, scr, net.scratch_bytes), AVLOC_ERR_NONFINITE);
    x[0] = -f_inf();
    BI(avloc_nn_run_rng_f32(&net, in, out, arena, net.arena_bytes, scr, net.scratch_bytes, bi_rng, NULL), AVLOC_ERR_NONFINITE);
    x[0] = FLT_MIN / 2;
    BI(avloc_nn_run_rng_f32(&net, in, out, arena, net.arena_bytes, scr, net.scratch_bytes, NULL, NULL), AVLOC_OK);
    BI(avloc_nn_run_rng_f32(NULL, in, out, arena, net.arena_bytes, scr, net.scratch_bytes, NULL, NULL), AVLOC_ERR_NULL);
    BI(avloc_nn_run_f32(&net, in, out, arena, net.arena_bytes, scr, net.scratch_bytes), AVLOC_OK);
    BI(avloc_nn_run_f32(&n2, in, out, arena, net.arena_bytes, scr, net.scratch_bytes), AVLOC_ERR_STATE);
    /* audio-to-map on a network that is not one (no front-end metadata) */
    BI(avloc_nn_audiomap_query(NULL, &ob, &ob), AVLOC_ERR_NULL);
    BI(avloc_nn_audiomap_query(&net, NULL, &ob), AVLOC_ERR_NULL);
    BI(avloc_nn_audiomap_query(&n2, &ob, &ob), AVLOC_ERR_STATE);
    BI(avloc_nn_audiomap_query(&net, &ob, &ob), AVLOC_ERR_NOT_FOUND);
    work = gb_new(256);
    BI(avloc_nn_audiomap_init(NULL, &net, work, 256), AVLOC_ERR_NULL);
    BI(avloc_nn_audiomap_init(&am, NULL, work, 256), AVLOC_ERR_NULL);
    BI(avloc_nn_audiomap_init(&am, &net, work, 256), AVLOC_ERR_NOT_FOUND);
    BI(avloc_nn_audiomap_run(&am, x, 100, 1, out[0], NULL, work, 256), AVLOC_ERR_STATE); /* after the failed init */
    BI(avloc_nn_audiomap_run(NULL, x, 100, 1, out[0], NULL, work, 256), AVLOC_ERR_NULL);
    BT(avloc_nn_audiomap_destroy(&am), 1);
    BT(avloc_nn_audiomap_destroy(NULL), 1);
    BT(avloc_nn_destroy(&net), 1);
    gb_free_all();
}

int main(void)
{
    bi_core_basics();
    bi_core_chol_gemm();
    bi_core_linalg();
    bi_core_safetensors();
    bi_dsp_fft();
    bi_dsp_stft();
    bi_dsp_mel();
    bi_dsp_melspec();
    bi_dsp_binaural_gcc();
    bi_dsp_dct_path();
    bi_dsp_array();
    bi_gllim();
    bi_phat();
    bi_mp();
    bi_rpca();
    bi_rpca_pipe();
    bi_nn();
    printf("  %d bad-input cases\n", bi_cases);
    return th_finish("test_badinput");
}
