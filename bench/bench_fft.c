/* bench_fft: avloc FFT vs FFTW3 (fftwf, FFTW_MEASURE) vs KissFFT, float32,
   forward real (r2c) and complex (c2c) transforms, out of place; with
   -DBENCH_BEFORE also the FFT of an earlier commit (bench/before/, built by
   `make -C bench fft-before`), in the same process.
   Prints a markdown table: ns per call, avloc / FFTW, before / FFTW and
   KissFFT / avloc. Each cell: the libraries' batches (>= min_ms each) run
   round robin so bursts of machine noise hit all of them alike; the best of
   NBATCH batches is one sample, and the cell is the median of `reps` samples.
   Batches are timed in process CPU time (bench_util.h cpu_s): on a shared,
   oversubscribed machine the time this process spends descheduled does not
   count (cache pollution by the others still does).

   Build: make -C bench   (see bench/Makefile for the flags)
   Usage: build/bench/bench_fft [min_ms_per_batch [reps [real|complex|both [N...]]]] */
#include "bench_util.h"
#define AVLOC_IMPLEMENTATION
#include "../avloc_dsp.h"
#ifdef BENCH_BEFORE
#include "before/fft_before.h"
#endif

#include <fftw3.h>
#include <kiss_fft.h>
#include <kiss_fftr.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef void (*run_fn)(void *ctx);
static double g_min_batch = 0.01; /* seconds */
static int g_reps = 5;

/* Repetitions that make one batch last at least g_min_batch. */
static long calibrate(run_fn f, void *ctx)
{
    long reps = 1, r;
    double t;
    f(ctx); /* warm up */
    for (;;) {
        t = cpu_s();
        for (r = 0; r < reps; r++) f(ctx);
        t = cpu_s() - t;
        if (t >= g_min_batch) return reps;
        reps *= 2;
    }
}

static double batch_ns(run_fn f, void *ctx, long reps)
{
    long r;
    double t = cpu_s();
    for (r = 0; r < reps; r++) f(ctx);
    return (cpu_s() - t) / (double)reps * 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* ns per call of up to NLIB libraries: the median over g_reps of the best
   of NBATCH round-robin batches. */
#define NBATCH 7
#define NLIB 4
#define MAXREPS 64
static void time_all(run_fn *f, void **ctx, int nf, double *ns)
{
    long reps[NLIB];
    double best[NLIB][MAXREPS];
    int b, i, r;
    for (i = 0; i < nf; i++) reps[i] = calibrate(f[i], ctx[i]);
    for (r = 0; r < g_reps; r++) {
        for (i = 0; i < nf; i++) best[i][r] = 1e30;
        for (b = 0; b < NBATCH; b++)
            for (i = 0; i < nf; i++) {
                double t = batch_ns(f[i], ctx[i], reps[i]);
                if (t < best[i][r]) best[i][r] = t;
            }
    }
    for (i = 0; i < nf; i++) {
        qsort(best[i], (size_t)g_reps, sizeof(double), cmp_double);
        ns[i] = best[i][g_reps / 2];
    }
}

typedef struct ctx {
    size_t n;
    int real;
    float *in;
    float *out;
    avloc_fft_f32 plan;
    void *scratch;
    size_t sbytes;
    fftwf_plan fp;
    kiss_fft_cfg kc;
    kiss_fftr_cfg kr;
#ifdef BENCH_BEFORE
    before_fft *before;
#endif
} ctx;

static void run_avloc(void *p)
{
    ctx *c = (ctx *)p;
    if (c->real)
        avloc_fft_r2c_f32(&c->plan, c->in, (avloc_complex_f32 *)c->out, c->scratch, c->sbytes);
    else
        avloc_fft_c2c_f32(&c->plan, (const avloc_complex_f32 *)c->in, (avloc_complex_f32 *)c->out,
                          AVLOC_FFT_FORWARD, c->scratch, c->sbytes);
}

static void run_fftw(void *p) { fftwf_execute(((ctx *)p)->fp); }

static void run_kiss(void *p)
{
    ctx *c = (ctx *)p;
    if (c->real) kiss_fftr(c->kr, c->in, (kiss_fft_cpx *)c->out);
    else kiss_fft(c->kc, (const kiss_fft_cpx *)c->in, (kiss_fft_cpx *)c->out);
}

#ifdef BENCH_BEFORE
static void run_before(void *p) { before_fft_run(((ctx *)p)->before, ((ctx *)p)->in, ((ctx *)p)->out); }
#endif

static size_t largest_prime(size_t n)
{
    size_t p, l = 1;
    for (p = 2; p * p <= n; p++)
        while (n % p == 0) { l = p; n /= p; }
    return n > 1 ? n : l;
}

/* powers of two, each prime next to its power of two, smooth and awkward sizes */
static const size_t sizes[] = {64, 100, 128, 256, 257, 480, 512, 1000, 1009, 1024, 1103, 1536,
                               2048, 2053, 3000, 4096, 4099, 8191, 8192, 16384, 19683, 30030,
                               65536, 65537};

static void fftw_make(ctx *c)
{   /* FFTW_MEASURE overwrites the arrays while planning */
    size_t n = c->n;
    float *tmp = fftwf_alloc_real(2 * n + 2);
    memcpy(tmp, c->in, (2 * n + 2) * sizeof(float));
    if (c->real) c->fp = fftwf_plan_dft_r2c_1d((int)n, c->in, (fftwf_complex *)c->out, FFTW_MEASURE);
    else c->fp = fftwf_plan_dft_1d((int)n, (fftwf_complex *)c->in, (fftwf_complex *)c->out,
                                   FFTW_FORWARD, FFTW_MEASURE);
    memcpy(c->in, tmp, (2 * n + 2) * sizeof(float));
    fftwf_free(tmp);
}

/* One table row: returns 0, or 1 when a plan fails. */
static int bench_size(size_t n, int real)
{
    ctx c;
    size_t pb = 0, i;
    void *mem;
    run_fn fs[NLIB];
    void *cs[NLIB];
    double ns[NLIB];
    int nf = 2, ikiss = -1, ibefore = -1;
    avloc_fft_config fc;
    memset(&c, 0, sizeof c);
    c.n = n;
    c.real = real;
    c.in = fftwf_alloc_real(2 * n + 2);
    c.out = fftwf_alloc_real(2 * n + 2);
    for (i = 0; i < 2 * n + 2; i++) c.in[i] = (float)rand() / (float)RAND_MAX - 0.5f;
    fc.n = n;
    fc.kind = real ? AVLOC_FFT_REAL : AVLOC_FFT_COMPLEX;
    avloc_fft_query_f32(&fc, &pb, &c.sbytes);
    mem = malloc(pb);
    c.scratch = malloc(c.sbytes);
    if (avloc_fft_init_f32(&c.plan, &fc, mem, pb) != AVLOC_OK) {
        fprintf(stderr, "avloc init failed for %zu\n", n);
        return 1;
    }
    fftw_make(&c);
    /* KissFFT is O(N^2) in large prime factors: skip those (65537 takes ~10 s);
       its real transform needs even N */
    if (largest_prime(n) > 5000) { /* nothing */ }
    else if (real && n % 2 == 0) c.kr = kiss_fftr_alloc((int)n, 0, NULL, NULL);
    else if (!real) c.kc = kiss_fft_alloc((int)n, 0, NULL, NULL);
    fs[0] = run_avloc; fs[1] = run_fftw;
    if (c.kr || c.kc) { ikiss = nf; fs[nf++] = run_kiss; }
#ifdef BENCH_BEFORE
    c.before = before_fft_make(n, real);
    if (c.before) { ibefore = nf; fs[nf++] = run_before; }
#endif
    for (i = 0; i < NLIB; i++) cs[i] = &c;
    time_all(fs, cs, nf, ns);
    printf("| %s | %zu | %.0f | ", real ? "real" : "complex", n, ns[0]);
    if (ibefore >= 0) printf("%.0f | ", ns[ibefore]); else printf("n/a | ");
    printf("%.0f | ", ns[1]);
    if (ikiss >= 0) printf("%.0f | ", ns[ikiss]); else printf("n/a | ");
    printf("%.2f | ", ns[0] / ns[1]);
    if (ibefore >= 0) printf("%.2f | ", ns[ibefore] / ns[1]); else printf("n/a | ");
    if (ikiss >= 0) printf("%.1f |\n", ns[ikiss] / ns[0]); else printf("n/a |\n");
    fflush(stdout);
#ifdef BENCH_BEFORE
    before_fft_free(c.before);
#endif
    fftwf_destroy_plan(c.fp);
    kiss_fft_free(c.kc);
    kiss_fftr_free(c.kr);
    avloc_fft_destroy_f32(&c.plan);
    free(mem);
    free(c.scratch);
    fftwf_free(c.in);
    fftwf_free(c.out);
    return 0;
}

int main(int argc, char **argv)
{
    size_t s, ns = sizeof sizes / sizeof sizes[0], *list = (size_t *)sizes;
    int real, r0 = 1, r1 = 0;
    if (argc > 1) g_min_batch = atof(argv[1]) * 1e-3;
    if (argc > 2) g_reps = atoi(argv[2]);
    if (g_reps < 1) g_reps = 1;
    if (g_reps > MAXREPS) g_reps = MAXREPS;
    if (argc > 3 && argv[3][0] != 'b') r0 = r1 = argv[3][0] == 'r';
    if (argc > 4) { /* explicit sizes */
        ns = (size_t)(argc - 4);
        list = (size_t *)malloc(ns * sizeof *list);
        for (s = 0; s < ns; s++) list[s] = (size_t)atol(argv[4 + s]);
    }
    printf("| kind | N | avloc ns | before ns | FFTW ns | KissFFT ns | avloc/FFTW | before/FFTW | Kiss/avloc |\n");
    printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (real = r0; real >= r1; real--)
        for (s = 0; s < ns; s++)
            if (bench_size(list[s], real)) return 1;
    return 0;
}
