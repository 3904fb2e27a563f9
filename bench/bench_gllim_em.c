/* bench/bench_gllim_em.c - GLLiM EM training time for the calibration shape
   (N = 432 positions, L = 2, D = 1536 features, K = 32, Sigma d*): the shape
   whose products (432 x 1536 x 96) the EM spends its time in.

       make -C bench && ../build/bench/bench_gllim_em [K] [iters] [reps]

   Synthetic data from a piecewise-linear map plus noise (seeded, so every
   build trains the same problem); a fixed number of EM iterations (tol 0),
   best of `reps` runs, processor time. Prints the log-likelihood so two
   builds can be checked to train the same model. */
#include "bench_util.h"
#define AVLOC_IMPLEMENTATION
#define AVLOC_GLLIM_IMPLEMENTATION
#include "../avloc_gllim.h"
#include <stdio.h>
#include <stdlib.h>

static double urand(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*s >> 11) * (1.0 / 9007199254740992.0);
}

int main(int argc, char **argv)
{
    const size_t N = 432, L = 2, D = 1536;
    size_t K = argc > 1 ? (size_t)atoi(argv[1]) : 32, iters = argc > 2 ? (size_t)atoi(argv[2]) : 10;
    int reps = argc > 3 ? atoi(argv[3]) : 5, r;
    double *X = malloc(N * L * sizeof(double)), *Y = malloc(N * D * sizeof(double)), best = 1e30;
    size_t n, d, mb, sb;
    uint64_t s = 7;
    avloc_gllim_model m;
    avloc_gllim_train_config cfg = avloc_gllim_train_config_default();
    avloc_gllim_train_info info;
    void *mm, *sm;
    for (n = 0; n < N; n++) {
        double u = urand(&s), v = urand(&s);
        X[n * L] = 640.0 * u;
        X[n * L + 1] = 480.0 * v;
        for (d = 0; d < D; d++) /* smooth in (u, v) with a few kinks, plus noise */
            Y[n * D + d] = sin(3.0 * u * (1.0 + (double)(d % 7)) + 0.01 * (double)d) * (1.0 + v) +
                           (u > 0.5 ? 0.3 * v : 0.0) + 0.05 * (urand(&s) - 0.5);
    }
    cfg.K = K;
    cfg.max_iter = iters;
    cfg.tol = 0.0;
    if (avloc_gllim_model_query(K, L, D, &mb) != AVLOC_OK || avloc_gllim_train_query(&cfg, N, L, D, &sb) != AVLOC_OK)
        return 1;
    mm = malloc(mb);
    sm = malloc(sb);
    for (r = 0; r < reps; r++) {
        double t0;
        avloc_result rc;
        if (avloc_gllim_model_init(&m, K, L, D, mm, mb) != AVLOC_OK) return 1;
        t0 = cpu_s();
        rc = avloc_gllim_train_f64(&cfg, X, Y, N, &m, sm, sb, &info);
        t0 = cpu_s() - t0;
        if (rc != AVLOC_OK) { printf("train: %s\n", avloc_result_str(rc)); return 1; }
        if (t0 < best) best = t0;
    }
    printf("GLLiM EM N=%u D=%u K=%u: %u iterations, best of %d: %.3f s (%.1f ms/iter), loglik %.10g\n",
           (unsigned)N, (unsigned)D, (unsigned)K, (unsigned)info.iterations, reps, best,
           1e3 * best / (double)info.iterations, info.loglik);
    free(X); free(Y); free(mm); free(sm);
    return 0;
}
