/* A model of the AV-MP fast coder's update traffic with 32-bit and 16-bit
   storage (docs/mp.md, session 43). Not the library: plain AVX2 loops over
   arrays of bench_mp's sizes (K = 30 kernels, 299 frames of 35x55, 12x12x10
   video and 2670-sample audio kernels: video maps 290 x 24 x 44 positions,
   audio maps 77278 offsets, tables of 19 x 23 x 23 and 5339 lags), every
   position 32 lanes. Each model atom draws a kernel and a place at random
   and does what one atom's update does: y -= c x over 19 frames x 23 rows x
   23 positions of the video map and 5339 audio offsets, x from the
   kernel's table, with the per-lane maximum of |y|, the work cut between
   the threads, which wait for each other after every atom.

   Storage: fp32 (the coder's), fp16 (F16C conversions), fp32 maps with fp16
   tables, bf16 (the high half of a float, rounded), int16 (fixed point).
   Only the memory traffic and the conversions are modelled: the values
   are not checked, and whether a 16-bit coder could still pick the naive
   coder's atoms is a separate question (docs/mp.md: it cannot, on the
   bench's signal).

   usage: mp_storage_model [reps=3] [threads=2]; x86-64 with AVX2, FMA and
   F16C (bench/Makefile builds with -march=native) */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#include <immintrin.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

enum { K = 30, LANES = 32, F = 290, R = 24, C = 44, NA = 77278 };
enum { LT = 19, LH = 23, LW = 23, LAG_A = 5339, ATOMS = 2000, MODES = 5 };
static const char *const mode_name[MODES] = {"fp32", "fp16", "fp32 maps, fp16 tables", "bf16", "int16"};

typedef struct { int j, f0, q0, n0; } model_atom;
typedef struct {
    void *vmap, *amap, *vtab, *atab;
} model_arrays;
static model_arrays arr[2]; /* [0]: 32-bit, [1]: 16-bit */
static model_atom atoms[ATOMS];
static int mode, nthreads;
static int generation, done; /* rounds started; atoms finished, summed over threads */

static void *big(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    madvise(p, bytes, MADV_HUGEPAGE);
    memset(p, 0, bytes);
    return p;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

#define MODEL_INLINE static inline __attribute__((always_inline))

MODEL_INLINE __m256 load(const void *p, size_t i, int kind) /* kind: 0 fp32, 1 fp16, 2 bf16, 3 int16 */
{
    if (kind == 0) return _mm256_loadu_ps((const float *)p + i);
    {
        const __m128i h = _mm_loadu_si128((const __m128i *)((const uint16_t *)p + i));
        if (kind == 1) return _mm256_cvtph_ps(h);
        if (kind == 2) return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
        return _mm256_cvtepi32_ps(_mm256_cvtepi16_epi32(h));
    }
}

MODEL_INLINE void store2(void *p, size_t i, __m256 a, __m256 b, int kind) /* 16 values */
{
    if (kind == 0) {
        _mm256_storeu_ps((float *)p + i, a);
        _mm256_storeu_ps((float *)p + i + 8, b);
    } else if (kind == 1) {
        _mm_storeu_si128((__m128i *)((uint16_t *)p + i), _mm256_cvtps_ph(a, 0));
        _mm_storeu_si128((__m128i *)((uint16_t *)p + i + 8), _mm256_cvtps_ph(b, 0));
    } else if (kind == 2) { /* round to nearest (ties away), keep the high halves, pack */
        const __m256i r = _mm256_set1_epi32(0x8000);
        __m256i ha = _mm256_srli_epi32(_mm256_add_epi32(_mm256_castps_si256(a), r), 16);
        __m256i hb = _mm256_srli_epi32(_mm256_add_epi32(_mm256_castps_si256(b), r), 16);
        _mm256_storeu_si256((__m256i *)((uint16_t *)p + i), _mm256_permute4x64_epi64(_mm256_packus_epi32(ha, hb), 0xd8));
    } else {
        __m256i q = _mm256_packs_epi32(_mm256_cvtps_epi32(a), _mm256_cvtps_epi32(b));
        _mm256_storeu_si256((__m256i *)((uint16_t *)p + i), _mm256_permute4x64_epi64(q, 0xd8));
    }
}

/* n positions of 32 lanes: y -= c x, lane maxima of |y| in mx[4] (inlined
   with constant kinds: one loop per storage, no test inside) */
MODEL_INLINE void run(void *y, size_t yi, const void *x, size_t xi, size_t n, float c, int ky, int kx, __m256 *mx)
{
    const __m256 vc = _mm256_set1_ps(c), abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    size_t p;
    int v;
    for (p = 0; p < n; p++)
        for (v = 0; v < 4; v += 2) {
            const size_t o = p * LANES + (size_t)v * 8;
            __m256 a = _mm256_fnmadd_ps(vc, load(x, xi + o, kx), load(y, yi + o, ky));
            __m256 b = _mm256_fnmadd_ps(vc, load(x, xi + o + 8, kx), load(y, yi + o + 8, ky));
            store2(y, yi + o, a, b, ky);
            mx[v] = _mm256_max_ps(mx[v], _mm256_and_ps(a, abs_mask));
            mx[v + 1] = _mm256_max_ps(mx[v + 1], _mm256_and_ps(b, abs_mask));
        }
}

#define RUN(y, yi, x, xi, n)                                         \
    switch (mode) {                                                  \
    case 0: run(y, yi, x, xi, n, c, 0, 0, mx); break;                \
    case 1: run(y, yi, x, xi, n, c, 1, 1, mx); break;                \
    case 2: run(y, yi, x, xi, n, c, 0, 1, mx); break;                \
    case 3: run(y, yi, x, xi, n, c, 2, 2, mx); break;                \
    default: run(y, yi, x, xi, n, c, 3, 3, mx); break;               \
    }

/* thread t's share of one atom: its range of the 19 frames and of the audio lags */
static void update(int t, const model_atom *a)
{
    static const int map_kind[MODES] = {0, 1, 0, 2, 3}, tab_kind[MODES] = {0, 1, 1, 2, 3};
    const int ky = map_kind[mode], kx = tab_kind[mode];
    const model_arrays *m = &arr[ky == 0 ? 0 : 1], *tb = &arr[kx == 0 ? 0 : 1];
    __m256 mx[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    const int lo = LT * t / nthreads, hi = LT * (t + 1) / nthreads;
    const size_t alo = (size_t)LAG_A * (size_t)t / (size_t)nthreads, ahi = (size_t)LAG_A * (size_t)(t + 1) / (size_t)nthreads;
    const float c = 1e-3f;
    int dt, dy;
    float out[8];
    for (dt = lo; dt < hi; dt++)
        for (dy = 0; dy < LH; dy++) {
            size_t yo = ((size_t)(a->f0 + dt) * R + (size_t)dy) * C + (size_t)a->q0;
            size_t xo = (((size_t)a->j * LT + (size_t)dt) * LH + (size_t)dy) * LW;
            RUN(m->vmap, yo * LANES, tb->vtab, xo * LANES, LW);
        }
    RUN(m->amap, ((size_t)a->n0 + alo) * LANES, tb->atab, ((size_t)a->j * LAG_A + alo) * LANES, ahi - alo);
    _mm256_storeu_ps(out, _mm256_add_ps(_mm256_add_ps(mx[0], mx[1]), _mm256_add_ps(mx[2], mx[3])));
    if (out[0] < 0.0f) puts("negative maximum"); /* keeps the maxima live */
}

/* after atom i of round g (from 1): the count only grows, so a thread
   still leaving round g's last barrier never sees round g + 1's reset */
static void atom_barrier(int g, int i)
{
    const int target = ((g - 1) * ATOMS + i + 1) * nthreads;
    __atomic_add_fetch(&done, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&done, __ATOMIC_SEQ_CST) < target) _mm_pause();
}

static void *worker(void *arg)
{
    const int t = (int)(intptr_t)arg;
    int seen = 0, i;
    for (;;) {
        while (__atomic_load_n(&generation, __ATOMIC_SEQ_CST) == seen) _mm_pause();
        seen = __atomic_load_n(&generation, __ATOMIC_SEQ_CST);
        if (seen < 0) return NULL;
        for (i = 0; i < ATOMS; i++) {
            update(t, &atoms[i]);
            atom_barrier(seen, i);
        }
    }
}

int main(int argc, char **argv)
{
    const int reps = argc > 1 ? atoi(argv[1]) : 3;
    const size_t vpos = (size_t)F * R * C, apos = NA, vlags = (size_t)K * LT * LH * LW, alags = (size_t)K * LAG_A;
    pthread_t th[8];
    int r, i, w;
    nthreads = argc > 2 ? atoi(argv[2]) : 2;
    if (nthreads < 1 || nthreads > 8 || reps < 1) {
        fprintf(stderr, "usage: mp_storage_model [reps=3] [threads=2, at most 8]\n");
        return 2;
    }
    for (w = 0; w < 2; w++) {
        const size_t b = w ? 2 : 4;
        arr[w].vmap = big(vpos * LANES * b);
        arr[w].amap = big(apos * LANES * b);
        arr[w].vtab = big(vlags * LANES * b);
        arr[w].atab = big(alags * LANES * b);
        if (!arr[w].vmap || !arr[w].amap || !arr[w].vtab || !arr[w].atab) {
            fprintf(stderr, "out of memory\n");
            return 1;
        }
    }
    printf("maps %.1f MB and tables %.1f MB at 32 bits (32 lanes), half that at 16; %d random atoms, %d thread(s)\n",
           (double)(vpos + apos) * LANES * 4e-6, (double)(vlags + alags) * LANES * 4e-6, ATOMS, nthreads);
    srand(1);
    for (i = 0; i < ATOMS; i++) {
        atoms[i].j = rand() % K;
        atoms[i].f0 = rand() % (F - LT + 1);
        atoms[i].q0 = rand() % (C - LW + 1);
        atoms[i].n0 = rand() % (NA - LAG_A + 1);
    }
    for (w = 1; w < nthreads; w++) pthread_create(&th[w], NULL, worker, (void *)(intptr_t)w);
    for (r = 0; r < reps; r++) {
        for (mode = 0; mode < MODES; mode++) {
            const double t0 = now();
            const int g = __atomic_add_fetch(&generation, 1, __ATOMIC_SEQ_CST);
            for (i = 0; i < ATOMS; i++) {
                update(0, &atoms[i]);
                atom_barrier(g, i);
            }
            printf("  %s %.1f us", mode_name[mode], (now() - t0) / ATOMS * 1e6);
        }
        printf("  (us per atom)\n");
        fflush(stdout);
    }
    __atomic_store_n(&generation, -1, __ATOMIC_SEQ_CST);
    for (w = 1; w < nthreads; w++) pthread_join(th[w], NULL);
    return 0;
}
#else
int main(void)
{
    puts("mp_storage_model: needs x86-64 with AVX2, FMA and F16C (built with -march=native on such a CPU)");
    return 0;
}
#endif
