/* bench/bench_gemm.c - GFLOP/s of avloc_gemm_f32 / avloc_gemm_f64 (the
   packed kernel, and the plain no-scratch path) against OpenBLAS on one
   thread, all in one process on the same data.

       make -C bench && ../build/bench/bench_gemm [reps]

   Shapes: square 64..1024; RPCA's products for a 320 x 240 video of 200
   frames (low-rank rebuild U V^T: 76800 x 200 x 10; Gram D^T D: 200 x 200 x
   76800, transa); an im2col convolution (64 output channels, 3x3x64 input
   patch = 576, 32 x 32 output: 64 x 1024 x 576). Each number is the best
   of `reps` runs (processor time), the libraries interleaved per run;
   ratio = avloc GFLOP/s / OpenBLAS GFLOP/s (> 1: avloc faster). OpenBLAS
   is held to one thread with openblas_set_num_threads(1). */
#include "bench_util.h"
#define AVLOC_IMPLEMENTATION
#include "../avloc.h"
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct shape { const char *name; int ta; size_t m, n, k; } shape;

static void fill(double *x, size_t n, uint64_t s)
{
    size_t i;
    for (i = 0; i < n; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        x[i] = (double)(s >> 11) * (1.0 / 9007199254740992.0) - 0.5;
    }
}

/* which: 0 avloc packed, 1 avloc plain (no scratch), 2 OpenBLAS; returns seconds */
static double run_f64(int which, const shape *s, const double *A, const double *B, double *C, void *scr, size_t sb)
{
    const size_t lda = s->ta ? s->m : s->k;
    double t = cpu_s();
    if (which == 2)
        cblas_dgemm(CblasRowMajor, s->ta ? CblasTrans : CblasNoTrans, CblasNoTrans, (int)s->m, (int)s->n, (int)s->k,
                    1.0, A, (int)lda, B, (int)s->n, 0.0, C, (int)s->n);
    else if (avloc_gemm_f64(s->ta, 0, s->m, s->n, s->k, 1.0, A, lda, B, s->n, 0.0, C, s->n, which ? NULL : scr,
                            which ? 0 : sb) != AVLOC_OK)
        return -1;
    return cpu_s() - t;
}

static double run_f32(int which, const shape *s, const float *A, const float *B, float *C, void *scr, size_t sb)
{
    const size_t lda = s->ta ? s->m : s->k;
    double t = cpu_s();
    if (which == 2)
        cblas_sgemm(CblasRowMajor, s->ta ? CblasTrans : CblasNoTrans, CblasNoTrans, (int)s->m, (int)s->n, (int)s->k,
                    1.0f, A, (int)lda, B, (int)s->n, 0.0f, C, (int)s->n);
    else if (avloc_gemm_f32(s->ta, 0, s->m, s->n, s->k, 1.0f, A, lda, B, s->n, 0.0f, C, s->n, which ? NULL : scr,
                            which ? 0 : sb) != AVLOC_OK)
        return -1;
    return cpu_s() - t;
}

int main(int argc, char **argv)
{
    static const shape shapes[] = {
        {"square 64", 0, 64, 64, 64},       {"square 128", 0, 128, 128, 128}, {"square 256", 0, 256, 256, 256},
        {"square 512", 0, 512, 512, 512},   {"square 1024", 0, 1024, 1024, 1024},
        {"RPCA U V^T", 0, 76800, 200, 10},  {"RPCA Gram D^T D", 1, 200, 200, 76800},
        {"RPCA SVT D W", 0, 76800, 200, 200}, {"RPCA SVT D W, 192", 0, 76800, 192, 192},
        {"conv im2col", 0, 64, 1024, 576},  {"GLLiM EM Y^T R", 1, 1536, 96, 432}};
    int reps = argc > 1 ? atoi(argv[1]) : 5, r, w;
    size_t si;
    openblas_set_num_threads(1);
    printf("| shape (m x n x k) | f32 avloc | f32 OpenBLAS | f32 ratio | f64 avloc | f64 OpenBLAS | f64 ratio | f64 plain (no scratch) |\n");
    printf("|---|---|---|---|---|---|---|---|\n");
    for (si = 0; si < sizeof shapes / sizeof shapes[0]; si++) {
        const shape *s = &shapes[si];
        const size_t na = s->m * s->k, nb = s->k * s->n, nc = s->m * s->n;
        double *A = (double *)malloc(na * sizeof(double)), *B = (double *)malloc(nb * sizeof(double));
        double *C = (double *)malloc(nc * sizeof(double)), best[2][3], flop = 2.0 * (double)s->m * (double)s->n * (double)s->k;
        float *Af = (float *)malloc(na * sizeof(float)), *Bf = (float *)malloc(nb * sizeof(float));
        float *Cf = (float *)malloc(nc * sizeof(float));
        size_t sb32, sb64, i;
        void *scr;
        avloc_gemm_scratch_f32(s->m, s->n, s->k, &sb32);
        avloc_gemm_scratch_f64(s->m, s->n, s->k, &sb64);
        scr = malloc(sb32 > sb64 ? sb32 : sb64);
        fill(A, na, 1);
        fill(B, nb, 2);
        for (i = 0; i < na; i++) Af[i] = (float)A[i];
        for (i = 0; i < nb; i++) Bf[i] = (float)B[i];
        for (w = 0; w < 3; w++) best[0][w] = best[1][w] = 1e30;
        for (r = 0; r < reps; r++)
            for (w = 0; w < 3; w++) {
                double t32 = run_f32(w, s, Af, Bf, Cf, scr, sb32), t64;
                if (w == 1) t32 = 1e30; /* the plain path is shown for f64 only */
                t64 = run_f64(w, s, A, B, C, scr, sb64);
                if (t32 < 0 || t64 < 0) { printf("gemm failed\n"); return 1; }
                if (t32 < best[0][w]) best[0][w] = t32;
                if (t64 < best[1][w]) best[1][w] = t64;
            }
        printf("| %s (%u x %u x %u) | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f | %.1f |\n", s->name, (unsigned)s->m,
               (unsigned)s->n, (unsigned)s->k, 1e-9 * flop / best[0][0], 1e-9 * flop / best[0][2],
               best[0][2] / best[0][0], 1e-9 * flop / best[1][0], 1e-9 * flop / best[1][2], best[1][2] / best[1][0],
               1e-9 * flop / best[1][1]);
        fflush(stdout);
        free(A); free(B); free(C); free(Af); free(Bf); free(Cf); free(scr);
    }
    return 0;
}
