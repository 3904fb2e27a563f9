/* bench/bench_linalg.c - the linear algebra of avloc.h / avloc_dsp.h on one
   core: Jacobi SVD, eigh, randomised truncated SVD and SVT, path Sylvester.
   Driven by bench_linalg.py, which writes the matrices (raw little-endian
   float32/float64 files), times numpy/scipy (LAPACK) on the same data in the
   same run, and prints the table of docs/benchmarks.md. Each mode prints one
   line "best_cpu_seconds [extra]" and writes the singular/eigen values it
   found to OUT (raw float64) for the accuracy columns.

   bench_linalg svd64  A.f64 m n reps OUT
   bench_linalg svd32  A.f32 m n reps OUT
   bench_linalg eigh   A.f64 n reps OUT
   bench_linalg tsvd   A.f32 m n k power reps OUT   (cold call, then warm calls)
   bench_linalg svt    A.f32 m n tau maxrank reps OUT
   bench_linalg sylpath k t reps                    (DCT path vs explicit-L eigh) */
#include "bench_util.h"
#define AVLOC_IMPLEMENTATION
#include "../avloc_dsp.h"
#include <stdio.h>
#include <stdlib.h>

static void *load(const char *path, size_t bytes)
{
    FILE *f = fopen(path, "rb");
    void *p = malloc(bytes);
    if (!f || fread(p, 1, bytes, f) != bytes) { fprintf(stderr, "cannot read %s\n", path); exit(2); }
    fclose(f);
    return p;
}

static void save(const char *path, const double *x, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(x, sizeof *x, n, f) != n) { fprintf(stderr, "cannot write %s\n", path); exit(2); }
    fclose(f);
}

static void die(avloc_result r, const char *what)
{
    if (r != AVLOC_OK) { fprintf(stderr, "%s: %s\n", what, avloc_result_str(r)); exit(1); }
}

static int bench_svd(char **a, int f32)
{
    size_t m = (size_t)atol(a[1]), n = (size_t)atol(a[2]), r = m < n ? m : n, bytes = 0, i;
    int reps = atoi(a[3]), it;
    void *A = load(a[0], m * n * (f32 ? 4 : 8)), *scr;
    double best = 1e30, *s = (double *)malloc(r * sizeof *s);
    void *U = malloc(m * r * 8), *Vt = malloc(r * n * 8), *sv = malloc(r * 8);
    die(f32 ? avloc_svd_scratch_f32(m, n, &bytes) : avloc_svd_scratch_f64(m, n, &bytes), "scratch");
    scr = malloc(bytes);
    for (it = 0; it < reps; it++) {
        double t0 = cpu_s();
        if (f32) die(avloc_svd_f32(m, n, (const float *)A, n, (float *)U, r, (float *)sv, (float *)Vt, n, scr, bytes), "svd");
        else die(avloc_svd_f64(m, n, (const double *)A, n, (double *)U, r, (double *)sv, (double *)Vt, n, scr, bytes), "svd");
        if (cpu_s() - t0 < best) best = cpu_s() - t0;
    }
    for (i = 0; i < r; i++) s[i] = f32 ? ((float *)sv)[i] : ((double *)sv)[i];
    save(a[4], s, r);
    printf("%.6f\n", best);
    return 0;
}

static int bench_eigh(char **a)
{
    size_t n = (size_t)atol(a[1]), bytes = 0;
    int reps = atoi(a[2]), it;
    double *A = (double *)load(a[0], n * n * 8), *w = (double *)malloc(n * 8), *V = (double *)malloc(n * n * 8);
    double best = 1e30;
    void *scr;
    die(avloc_eigh_scratch_f64(n, &bytes), "scratch");
    scr = malloc(bytes);
    for (it = 0; it < reps; it++) {
        double t0 = cpu_s();
        die(avloc_eigh_f64(n, A, n, w, V, n, scr, bytes), "eigh");
        if (cpu_s() - t0 < best) best = cpu_s() - t0;
    }
    save(a[3], w, n);
    printf("%.6f\n", best);
    return 0;
}

static avloc_tsvd *tsvd_make(size_t m, size_t n, size_t maxrank, size_t power)
{
    avloc_tsvd_config c = avloc_tsvd_config_default();
    avloc_tsvd *t = (avloc_tsvd *)malloc(sizeof *t);
    size_t bytes = 0;
    c.m = m; c.n = n; c.max_rank = maxrank; c.power_iters = power;
    die(avloc_tsvd_query(&c, &bytes), "tsvd query");
    die(avloc_tsvd_init(t, &c, malloc(bytes), bytes), "tsvd init");
    return t;
}

/* Cold: a reset object each rep (power iterations as given); warm: repeated
   calls on the same matrix with one power iteration (what an ADMM loop sees:
   the subspace barely moves between iterations). */
static int bench_tsvd(char **a)
{
    size_t m = (size_t)atol(a[1]), n = (size_t)atol(a[2]), k = (size_t)atol(a[3]), i;
    size_t power = (size_t)atol(a[4]);
    int reps = atoi(a[5]), it;
    float *A = (float *)load(a[0], m * n * 4), *U = (float *)malloc(m * k * 4), *Vt = (float *)malloc(k * n * 4);
    float *s = (float *)malloc(k * 4);
    double cold = 1e30, warm = 1e30, *sd = (double *)malloc(k * 8);
    avloc_tsvd *t = tsvd_make(m, n, k, power);
    for (it = 0; it < reps; it++) {
        double t0;
        avloc_tsvd_reset(t);
        t->cfg.power_iters = power;
        t0 = cpu_s();
        die(avloc_tsvd_f32(t, A, n, k, U, k, s, Vt, n), "tsvd");
        if (cpu_s() - t0 < cold) cold = cpu_s() - t0;
        t->cfg.power_iters = 1;
        t0 = cpu_s();
        die(avloc_tsvd_f32(t, A, n, k, U, k, s, Vt, n), "tsvd warm");
        if (cpu_s() - t0 < warm) warm = cpu_s() - t0;
    }
    for (i = 0; i < k; i++) sd[i] = s[i];
    save(a[6], sd, k);
    printf("%.6f %.6f\n", cold, warm);
    return 0;
}

static int bench_svt(char **a)
{
    size_t m = (size_t)atol(a[1]), n = (size_t)atol(a[2]), maxrank = (size_t)atol(a[4]), rank = 0;
    float tau = (float)atof(a[3]);
    int reps = atoi(a[5]), it;
    float *A = (float *)load(a[0], m * n * 4), *out = (float *)malloc(m * n * 4);
    double best = 1e30, rk, cold;
    avloc_tsvd *t = tsvd_make(m, n, maxrank, 1);
    cold = cpu_s();
    die(avloc_svt_f32(t, A, n, tau, out, n, &rank), "svt"); /* warms the subspace and the prediction */
    cold = cpu_s() - cold;
    for (it = 0; it < reps; it++) {
        double t0 = cpu_s();
        die(avloc_svt_f32(t, A, n, tau, out, n, &rank), "svt");
        if (cpu_s() - t0 < best) best = cpu_s() - t0;
    }
    rk = (double)rank;
    save(a[6], &rk, 1);
    {   /* also the output itself, for the error against numpy's full-SVD SVT */
        char path[512];
        FILE *f;
        snprintf(path, sizeof path, "%s.out", a[6]);
        f = fopen(path, "wb");
        if (f) { fwrite(out, 4, m * n, f); fclose(f); }
    }
    printf("%.6f %u %.6f\n", best, (unsigned)rank, cold);
    return 0;
}

static int bench_sylpath(char **a)
{
    size_t k = (size_t)atol(a[0]), t = (size_t)atol(a[1]), i, j, ob = 0, sb = 0, sb2 = 0;
    int reps = atoi(a[2]), it;
    double *M = (double *)malloc(k * k * 8), *R = (double *)malloc(k * t * 8), *C = (double *)malloc(k * t * 8);
    double *C2 = (double *)malloc(k * t * 8), *L = (double *)calloc(t * t, 8), best = 1e30, best2 = 1e30, err = 0, nrm = 0;
    avloc_sylvester_path_config c;
    avloc_sylvester_path p;
    void *mem, *scr, *scr2;
    for (i = 0; i < k; i++)
        for (j = 0; j < k; j++) M[i * k + j] = (i == j ? (double)k : 0.0) + 1.0 / (1.0 + (double)(i + j));
    for (i = 0; i < k * t; i++) R[i] = sin(0.37 * (double)i) + 0.1 * cos(1.3 * (double)i * (double)i);
    for (i = 0; i < t; i++) {
        L[i * t + i] = (i == 0 || i == t - 1) ? 1.0 : 2.0;
        if (i + 1 < t) L[i * t + i + 1] = L[(i + 1) * t + i] = -1.0;
    }
    c.k = k; c.t = t;
    die(avloc_sylvester_path_query(&c, &ob, &sb), "query");
    mem = malloc(ob);
    scr = malloc(sb);
    die(avloc_sylvester_path_init(&p, &c, mem, ob), "init");
    die(avloc_sylvester_sym_scratch_f64(k, t, &sb2), "sym scratch");
    scr2 = malloc(sb2);
    for (it = 0; it < reps; it++) {
        double t0 = cpu_s();
        die(avloc_sylvester_path_f64(&p, M, k, 1.0, R, t, C, t, scr, sb), "path");
        if (cpu_s() - t0 < best) best = cpu_s() - t0;
        t0 = cpu_s();
        die(avloc_sylvester_sym_f64(k, t, M, k, L, t, R, t, C2, t, scr2, sb2), "sym");
        if (cpu_s() - t0 < best2) best2 = cpu_s() - t0;
    }
    for (i = 0; i < k * t; i++) { err += (C[i] - C2[i]) * (C[i] - C2[i]); nrm += C2[i] * C2[i]; }
    printf("%.6f %.6f %.3g\n", best, best2, sqrt(err / nrm));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 7 && !strcmp(argv[1], "svd64")) return bench_svd(argv + 2, 0);
    if (argc >= 7 && !strcmp(argv[1], "svd32")) return bench_svd(argv + 2, 1);
    if (argc >= 6 && !strcmp(argv[1], "eigh")) return bench_eigh(argv + 2);
    if (argc >= 9 && !strcmp(argv[1], "tsvd")) return bench_tsvd(argv + 2);
    if (argc >= 9 && !strcmp(argv[1], "svt")) return bench_svt(argv + 2);
    if (argc >= 5 && !strcmp(argv[1], "sylpath")) return bench_sylpath(argv + 2);
    fprintf(stderr, "usage: see the top of bench/bench_linalg.c (run bench/bench_linalg.py)\n");
    return 2;
}
