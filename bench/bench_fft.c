/* bench_fft: avloc FFT vs FFTW3 (fftwf, FFTW_MEASURE) vs KissFFT, float32,
   forward real (r2c) and complex (c2c) transforms, out of place.
   Prints a markdown table: ns per call (best of several timed batches),
   avloc / FFTW and KissFFT / avloc.

   Build: make -C bench   (see bench/Makefile for the flags)
   Usage: build/bench/bench_fft [min_ms_per_batch]  */
#include "bench_util.h"
#define AVLOC_IMPLEMENTATION
#include "../avloc_dsp.h"

#include <fftw3.h>
#include <kiss_fft.h>
#include <kiss_fftr.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef void (*run_fn)(void *ctx);
static double g_min_batch = 0.02; /* seconds */

/* Repetitions that make one batch last at least g_min_batch. */
static long calibrate(run_fn f, void *ctx)
{
    long reps = 1, r;
    double t;
    f(ctx); /* warm up */
    for (;;) {
        t = now_s();
        for (r = 0; r < reps; r++) f(ctx);
        t = now_s() - t;
        if (t >= g_min_batch) return reps;
        reps *= 2;
    }
}

static double batch_ns(run_fn f, void *ctx, long reps)
{
    long r;
    double t = now_s();
    for (r = 0; r < reps; r++) f(ctx);
    return (now_s() - t) / (double)reps * 1e9;
}

/* ns per call of up to 3 libraries: batches run round robin (so a burst of
   machine noise hits all of them alike) and the best of NBATCH is kept. */
#define NBATCH 9
static void time_all(run_fn *f, void **ctx, int nf, double *ns)
{
    long reps[3];
    int b, i;
    for (i = 0; i < nf; i++) { reps[i] = calibrate(f[i], ctx[i]); ns[i] = 1e30; }
    for (b = 0; b < NBATCH; b++)
        for (i = 0; i < nf; i++) {
            double t = batch_ns(f[i], ctx[i], reps[i]);
            if (t < ns[i]) ns[i] = t;
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

static size_t largest_prime(size_t n)
{
    size_t p, l = 1;
    for (p = 2; p * p <= n; p++)
        while (n % p == 0) { l = p; n /= p; }
    return n > 1 ? n : l;
}

static const size_t sizes[] = {64, 100, 128, 256, 257, 480, 512, 1000, 1024, 1536, 2048, 3000,
                               4096, 4099, 8192, 16384, 19683, 30030, 65536, 65537};

int main(int argc, char **argv)
{
    size_t s, i;
    int real;
    if (argc > 1) g_min_batch = atof(argv[1]) * 1e-3;
    printf("| kind | N | avloc ns | FFTW ns | KissFFT ns | avloc/FFTW | Kiss/avloc |\n");
    printf("|---|---:|---:|---:|---:|---:|---:|\n");
    for (real = 1; real >= 0; real--) {
        for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            ctx c;
            size_t n = sizes[s], pb = 0;
            void *mem;
            double ta, tf, tk = -1;
            memset(&c, 0, sizeof c);
            c.n = n;
            c.real = real;
            c.in = fftwf_alloc_real(2 * n + 2);
            c.out = fftwf_alloc_real(2 * n + 2);
            for (i = 0; i < 2 * n + 2; i++) c.in[i] = (float)rand() / (float)RAND_MAX - 0.5f;
            avloc_fft_query_f32(n, real ? AVLOC_FFT_REAL : AVLOC_FFT_COMPLEX, &pb, &c.sbytes);
            mem = malloc(pb);
            c.scratch = malloc(c.sbytes);
            if (avloc_fft_init_f32(&c.plan, n, real ? AVLOC_FFT_REAL : AVLOC_FFT_COMPLEX, mem, pb) != AVLOC_OK) {
                fprintf(stderr, "avloc init failed for %zu\n", n);
                return 1;
            }
            {   /* FFTW_MEASURE overwrites the arrays while planning */
                float *tmp = fftwf_alloc_real(2 * n + 2);
                memcpy(tmp, c.in, (2 * n + 2) * sizeof(float));
                if (real) c.fp = fftwf_plan_dft_r2c_1d((int)n, c.in, (fftwf_complex *)c.out, FFTW_MEASURE);
                else c.fp = fftwf_plan_dft_1d((int)n, (fftwf_complex *)c.in, (fftwf_complex *)c.out,
                                              FFTW_FORWARD, FFTW_MEASURE);
                memcpy(c.in, tmp, (2 * n + 2) * sizeof(float));
                fftwf_free(tmp);
            }
            /* KissFFT is O(N^2) in large prime factors: skip those (65537 takes ~10 s);
               its real transform needs even N */
            if (largest_prime(n) > 5000) { /* nothing */ }
            else if (real && n % 2 == 0) c.kr = kiss_fftr_alloc((int)n, 0, NULL, NULL);
            else if (!real) c.kc = kiss_fft_alloc((int)n, 0, NULL, NULL);
            {
                run_fn fs[3];
                void *cs[3];
                double ns[3];
                fs[0] = run_avloc; fs[1] = run_fftw; fs[2] = run_kiss;
                cs[0] = cs[1] = cs[2] = &c;
                time_all(fs, cs, (c.kr || c.kc) ? 3 : 2, ns);
                ta = ns[0];
                tf = ns[1];
                if (c.kr || c.kc) tk = ns[2];
            }
            printf("| %s | %zu | %.0f | %.0f | ", real ? "real" : "complex", n, ta, tf);
            if (tk > 0) printf("%.0f | %.2f | %.1f |\n", tk, ta / tf, tk / ta);
            else printf("n/a | %.2f | n/a |\n", ta / tf);
            fflush(stdout);
            fftwf_destroy_plan(c.fp);
            kiss_fft_free(c.kc);
            kiss_fftr_free(c.kr);
            avloc_fft_destroy_f32(&c.plan);
            free(mem);
            free(c.scratch);
            fftwf_free(c.in);
            fftwf_free(c.out);
        }
    }
    return 0;
}
