/* avloc.h - core of the avloc audio-visual localisation library.   v0.1.0

   Header-only, C99, no allocation, no globals, no required dependency.

   USAGE
   -----
   In exactly ONE C or C++ file of your program:

       #define AVLOC_IMPLEMENTATION
       #include "avloc.h"

   and include "avloc.h" without the define everywhere else. The module
   headers (avloc_dsp.h, avloc_gllim.h, ...) include this file themselves and
   have their own AVLOC_<MODULE>_IMPLEMENTATION switch.

   WHAT IS IN HERE
   ---------------
   - avloc_result error codes and avloc_result_str().
   - The workspace convention every module follows (see "MEMORY" below) and
     the bump allocator (avloc_arena) that implements it over caller memory.
   - Overflow-checked size arithmetic (avloc_size_mul/add).
   - Small dense linear algebra in double precision (Cholesky, SPD solve,
     log-determinant, GEMM) used by GLLiM, RPCA and friends. GEMM can be sent
     to a CBLAS with AVLOC_USE_CBLAS.
   - The safetensors model container (reader and writer), shared by every
     module that stores learned parameters.

   MEMORY
   ------
   The library never calls malloc. An object or operation that needs memory
   has a query function returning the number of bytes (always size_t, always
   overflow checked) and an init function taking (void *mem, size_t size).
   A buffer that is too small gives AVLOC_ERR_WORKSPACE and is never written
   past its end. Query and init run the very same layout code through an
   avloc_arena in "measure" mode (mem == NULL), so they can never disagree:

       size_t need;
       avloc_fft_query(&cfg, &need);          // how many bytes?
       void *mem = malloc(need);              // the caller's choice of memory
       avloc_fft_init(&plan, &cfg, mem, need);

   Objects are read-only after init unless documented otherwise, so one plan
   may serve several threads; scratch memory is passed per call.

   CONFIGURATION MACROS (define before including)
   ----------------------------------------------
   AVLOC_STATIC       make every function static (private copy per TU)
   AVLOC_ASSERT(x)    your assert (default: assert from <assert.h>); only
                      used for internal invariants, never for input checks
   AVLOC_USE_CBLAS    route avloc_gemm_f64 through cblas_dgemm
   AVLOC_MAX_DIM      cap on any single dimension accepted from files
                      (default 1<<28), a guard against hostile inputs

   LICENSE: MIT, see LICENSE at the end of this file.
*/
#ifndef AVLOC_H
#define AVLOC_H

#include <stddef.h>
#include <stdint.h>

#define AVLOC_VERSION_MAJOR 0
#define AVLOC_VERSION_MINOR 1
#define AVLOC_VERSION_PATCH 0
#define AVLOC_VERSION_STRING "0.1.0"

#ifndef AVLOC_API
#ifdef AVLOC_STATIC
#define AVLOC_API static
#else
#define AVLOC_API extern
#endif
#endif

#ifndef AVLOC_MAX_DIM
#define AVLOC_MAX_DIM ((size_t)1 << 28)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- errors */

/* Every fallible function returns one of these. Negative values are errors
   (outputs are unspecified but no memory outside the given buffers was
   touched); zero is success; positive values are successful results that
   carry a caveat the caller should look at. */
typedef enum avloc_result {
    AVLOC_OK = 0,
    AVLOC_NO_ACTIVE_POINTS = 1, /* success, but no data point was usable:
                                   the result is the prior (documented per call) */
    AVLOC_ERR_NULL = -1,        /* a required pointer is NULL */
    AVLOC_ERR_SIZE = -2,        /* a size is zero, absurd or inconsistent */
    AVLOC_ERR_OVERFLOW = -3,    /* size arithmetic overflows size_t */
    AVLOC_ERR_WORKSPACE = -4,   /* caller memory is too small */
    AVLOC_ERR_NONFINITE = -5,   /* NaN or infinity in the input */
    AVLOC_ERR_PARAM = -6,       /* a parameter is outside its valid range */
    AVLOC_ERR_FORMAT = -7,      /* malformed, truncated or hostile data */
    AVLOC_ERR_NOT_FOUND = -8,   /* a named item is missing */
    AVLOC_ERR_NUMERIC = -9,     /* numerical failure (singular matrix, ...) */
    AVLOC_ERR_UNSUPPORTED = -10,/* valid but not supported by this build */
    AVLOC_ERR_STATE = -11       /* object not initialised or used out of order */
} avloc_result;

/* A short, static, human readable description ("workspace too small"). */
AVLOC_API const char *avloc_result_str(avloc_result r);

/* ------------------------------------------------- overflow-checked sizes */

/* *out = a*b (or a+b); returns 0 and leaves *out untouched on overflow. */
AVLOC_API int avloc_size_mul(size_t a, size_t b, size_t *out);
AVLOC_API int avloc_size_add(size_t a, size_t b, size_t *out);

/* ------------------------------------------------------------------ arena */

/* Bump allocator over caller memory. With base == NULL it only measures:
   every push returns NULL but `used` still grows, which is how the *_query
   functions compute their sizes from the same code as *_init. */
typedef struct avloc_arena {
    unsigned char *base;  /* caller memory, or NULL to measure */
    size_t size;          /* bytes available at base */
    size_t used;          /* bytes consumed so far (including padding) */
    int overflow;         /* set once a request overflowed size_t */
} avloc_arena;

#define AVLOC_ALIGN 64 /* default alignment: a cache line, enough for AVX-512 */

AVLOC_API void avloc_arena_init(avloc_arena *a, void *mem, size_t size);
/* Reserve count*elem bytes aligned to `align` (a power of two). Returns NULL
   when measuring, when the memory is exhausted or on overflow; check with
   avloc_arena_status() once after all pushes. */
AVLOC_API void *avloc_arena_push(avloc_arena *a, size_t count, size_t elem, size_t align);
/* AVLOC_OK if every push so far fitted, AVLOC_ERR_WORKSPACE if not,
   AVLOC_ERR_OVERFLOW if a size overflowed. In measure mode: AVLOC_OK unless
   overflow. */
AVLOC_API avloc_result avloc_arena_status(const avloc_arena *a);
/* Bytes needed so far, padded so that the caller may pass memory with any
   alignment (the worst-case alignment slack is included). */
AVLOC_API size_t avloc_arena_needed(const avloc_arena *a);

#define AVLOC_PUSH(arena, type, count) \
    ((type *)avloc_arena_push((arena), (size_t)(count), sizeof(type), AVLOC_ALIGN))

/* ----------------------------------------------------------- finite checks */

/* 1 if all n values are finite (no NaN, no infinity). */
AVLOC_API int avloc_all_finite_f32(const float *x, size_t n);
AVLOC_API int avloc_all_finite_f64(const double *x, size_t n);

/* ------------------------------------------------- small linear algebra */
/* Row-major, double precision, leading dimension = number of columns unless
   an explicit ld is given. These are meant for small matrices (n up to a few
   hundred); large products go through avloc_gemm_f64. */

/* In-place Cholesky A = L L^T of an n x n SPD matrix (lower triangle used and
   overwritten with L; the strict upper triangle is zeroed). Returns
   AVLOC_ERR_NUMERIC if A is not positive definite. */
AVLOC_API avloc_result avloc_chol_f64(double *A, size_t n, size_t lda);
/* Solve L L^T X = B in place (B is n x m, row-major with ldb). */
AVLOC_API void avloc_chol_solve_f64(const double *L, size_t n, size_t lda,
                                    double *B, size_t m, size_t ldb);
/* log|A| from its Cholesky factor. */
AVLOC_API double avloc_chol_logdet_f64(const double *L, size_t n, size_t lda);
/* Inverse of an SPD matrix from its Cholesky factor into Ainv (n x n). */
AVLOC_API void avloc_chol_inverse_f64(const double *L, size_t n, size_t lda,
                                      double *Ainv, size_t ldi);

/* C = alpha * op(A) * op(B) + beta * C, row-major. op(A) is m x k, op(B) is
   k x n, C is m x n. transa/transb: 0 = as stored, 1 = transposed. */
AVLOC_API void avloc_gemm_f64(int transa, int transb, size_t m, size_t n, size_t k,
                              double alpha, const double *A, size_t lda,
                              const double *B, size_t ldb,
                              double beta, double *C, size_t ldc);

/* log(sum(exp(x))) computed stably; -INFINITY for n == 0. */
AVLOC_API double avloc_logsumexp_f64(const double *x, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* AVLOC_H */

/* ======================================================================= */
/*                           IMPLEMENTATION                                */
/* ======================================================================= */
#if defined(AVLOC_IMPLEMENTATION) && !defined(AVLOC_IMPLEMENTATION_DONE)
#define AVLOC_IMPLEMENTATION_DONE

#include <math.h>
#include <string.h>

#ifndef AVLOC_ASSERT
#include <assert.h>
#define AVLOC_ASSERT(x) assert(x)
#endif

#ifdef AVLOC_USE_CBLAS
#include <cblas.h>
#endif

AVLOC_API const char *avloc_result_str(avloc_result r)
{
    switch (r) {
    case AVLOC_OK: return "ok";
    case AVLOC_NO_ACTIVE_POINTS: return "no active points: result is the prior";
    case AVLOC_ERR_NULL: return "a required pointer is NULL";
    case AVLOC_ERR_SIZE: return "a size is zero, too large or inconsistent";
    case AVLOC_ERR_OVERFLOW: return "size arithmetic overflow";
    case AVLOC_ERR_WORKSPACE: return "workspace too small";
    case AVLOC_ERR_NONFINITE: return "NaN or infinity in the input";
    case AVLOC_ERR_PARAM: return "parameter out of range";
    case AVLOC_ERR_FORMAT: return "malformed or truncated data";
    case AVLOC_ERR_NOT_FOUND: return "item not found";
    case AVLOC_ERR_NUMERIC: return "numerical failure (singular or not positive definite)";
    case AVLOC_ERR_UNSUPPORTED: return "not supported by this build";
    case AVLOC_ERR_STATE: return "object not initialised or used out of order";
    }
    return "unknown avloc_result";
}

AVLOC_API int avloc_size_mul(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > (size_t)-1 / a) return 0;
    *out = a * b;
    return 1;
}

AVLOC_API int avloc_size_add(size_t a, size_t b, size_t *out)
{
    if (b > (size_t)-1 - a) return 0;
    *out = a + b;
    return 1;
}

AVLOC_API void avloc_arena_init(avloc_arena *a, void *mem, size_t size)
{
    a->base = (unsigned char *)mem;
    a->size = mem ? size : 0;
    a->used = 0;
    a->overflow = 0;
}

AVLOC_API void *avloc_arena_push(avloc_arena *a, size_t count, size_t elem, size_t align)
{
    size_t bytes, start, end, addr, pad;
    if (a->overflow) return NULL;
    /* Alignments above AVLOC_ALIGN are clamped: the slack that
       avloc_arena_needed adds for an unaligned base covers AVLOC_ALIGN only. */
    if (align == 0 || (align & (align - 1)) != 0 || align > AVLOC_ALIGN) align = AVLOC_ALIGN;
    if (!avloc_size_mul(count, elem, &bytes)) { a->overflow = 1; return NULL; }
    /* Pad relative to the real address so alignment holds for any base;
       in measure mode assume the worst case, which avloc_arena_needed adds. */
    addr = a->base ? (size_t)(uintptr_t)a->base + a->used : a->used;
    pad = (align - (addr & (align - 1))) & (align - 1);
    if (!avloc_size_add(a->used, pad, &start) || !avloc_size_add(start, bytes, &end)) {
        a->overflow = 1;
        return NULL;
    }
    a->used = end;
    if (!a->base || end > a->size) return NULL;
    return a->base + start;
}

AVLOC_API avloc_result avloc_arena_status(const avloc_arena *a)
{
    if (a->overflow) return AVLOC_ERR_OVERFLOW;
    if (a->base && a->used > a->size) return AVLOC_ERR_WORKSPACE;
    return AVLOC_OK;
}

AVLOC_API size_t avloc_arena_needed(const avloc_arena *a)
{
    size_t n;
    if (a->overflow || !avloc_size_add(a->used, AVLOC_ALIGN, &n)) return (size_t)-1;
    return n;
}

AVLOC_API int avloc_all_finite_f32(const float *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!(x[i] - x[i] == 0.0f)) return 0; /* NaN - NaN and inf - inf are NaN */
    return 1;
}

AVLOC_API int avloc_all_finite_f64(const double *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!(x[i] - x[i] == 0.0)) return 0;
    return 1;
}

AVLOC_API avloc_result avloc_chol_f64(double *A, size_t n, size_t lda)
{
    size_t i, j, k;
    for (j = 0; j < n; j++) {
        double d = A[j * lda + j];
        for (k = 0; k < j; k++) d -= A[j * lda + k] * A[j * lda + k];
        if (!(d > 0.0)) return AVLOC_ERR_NUMERIC; /* also catches NaN */
        d = sqrt(d);
        A[j * lda + j] = d;
        for (i = j + 1; i < n; i++) {
            double s = A[i * lda + j];
            for (k = 0; k < j; k++) s -= A[i * lda + k] * A[j * lda + k];
            A[i * lda + j] = s / d;
        }
        for (i = j + 1; i < n; i++) A[j * lda + i] = 0.0;
    }
    return AVLOC_OK;
}

AVLOC_API void avloc_chol_solve_f64(const double *L, size_t n, size_t lda,
                                    double *B, size_t m, size_t ldb)
{
    size_t i, k, c;
    for (c = 0; c < m; c++) {
        for (i = 0; i < n; i++) { /* forward: L z = b */
            double s = B[i * ldb + c];
            for (k = 0; k < i; k++) s -= L[i * lda + k] * B[k * ldb + c];
            B[i * ldb + c] = s / L[i * lda + i];
        }
        for (i = n; i-- > 0;) { /* backward: L^T x = z */
            double s = B[i * ldb + c];
            for (k = i + 1; k < n; k++) s -= L[k * lda + i] * B[k * ldb + c];
            B[i * ldb + c] = s / L[i * lda + i];
        }
    }
}

AVLOC_API double avloc_chol_logdet_f64(const double *L, size_t n, size_t lda)
{
    double s = 0.0;
    size_t i;
    for (i = 0; i < n; i++) s += log(L[i * lda + i]);
    return 2.0 * s;
}

AVLOC_API void avloc_chol_inverse_f64(const double *L, size_t n, size_t lda,
                                      double *Ainv, size_t ldi)
{
    size_t i, j;
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++) Ainv[i * ldi + j] = (i == j) ? 1.0 : 0.0;
    avloc_chol_solve_f64(L, n, lda, Ainv, n, ldi);
    for (i = 0; i < n; i++) /* symmetrise away rounding differences */
        for (j = i + 1; j < n; j++) {
            double v = 0.5 * (Ainv[i * ldi + j] + Ainv[j * ldi + i]);
            Ainv[i * ldi + j] = Ainv[j * ldi + i] = v;
        }
}

#ifdef AVLOC_USE_CBLAS
AVLOC_API void avloc_gemm_f64(int transa, int transb, size_t m, size_t n, size_t k,
                              double alpha, const double *A, size_t lda,
                              const double *B, size_t ldb,
                              double beta, double *C, size_t ldc)
{
    cblas_dgemm(CblasRowMajor, transa ? CblasTrans : CblasNoTrans,
                transb ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k,
                alpha, A, (int)lda, B, (int)ldb, beta, C, (int)ldc);
}
#else
/* Blocked scalar GEMM. The inner loop runs over contiguous rows of B (or of
   B^T's source) so compilers vectorise it; blocking over k keeps a panel of
   B in cache. Good to a few GFLOP/s, which is all the library's sizes need. */
AVLOC_API void avloc_gemm_f64(int transa, int transb, size_t m, size_t n, size_t k,
                              double alpha, const double *A, size_t lda,
                              const double *B, size_t ldb,
                              double beta, double *C, size_t ldc)
{
    size_t i, j, p, p0;
    const size_t KB = 256;
    for (i = 0; i < m; i++) {
        double *c = C + i * ldc;
        if (beta == 0.0) for (j = 0; j < n; j++) c[j] = 0.0;
        else if (beta != 1.0) for (j = 0; j < n; j++) c[j] *= beta;
    }
    if (alpha == 0.0 || k == 0) return;
    for (p0 = 0; p0 < k; p0 += KB) {
        size_t p1 = p0 + KB < k ? p0 + KB : k;
        for (i = 0; i < m; i++) {
            double *c = C + i * ldc;
            for (p = p0; p < p1; p++) {
                double a = alpha * (transa ? A[p * lda + i] : A[i * lda + p]);
                if (a == 0.0) continue;
                if (!transb) {
                    const double *b = B + p * ldb;
                    for (j = 0; j < n; j++) c[j] += a * b[j];
                } else {
                    for (j = 0; j < n; j++) c[j] += a * B[j * ldb + p];
                }
            }
        }
    }
}
#endif

AVLOC_API double avloc_logsumexp_f64(const double *x, size_t n)
{
    double mx = -HUGE_VAL, s = 0.0;
    size_t i;
    for (i = 0; i < n; i++) if (x[i] > mx) mx = x[i];
    if (n == 0 || mx == -HUGE_VAL) return -HUGE_VAL;
    for (i = 0; i < n; i++) s += exp(x[i] - mx);
    return mx + log(s);
}

#endif /* AVLOC_IMPLEMENTATION */

/*
MIT License

Copyright (c) 2026 the avloc authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
*/
