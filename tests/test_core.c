/* Core: errors, arena, size arithmetic, small linear algebra. */
#ifndef AVLOC_TEST_SHARED_IMPL /* else the Makefile links the library's objects (tests/impl/) */
#define AVLOC_IMPLEMENTATION
#endif
#include "../avloc.h"
#include "harness.h"

static void test_result_strings(void)
{
    int r;
    for (r = -11; r <= 1; r++) CHECK(avloc_result_str((avloc_result)r) != NULL);
    CHECK(strcmp(avloc_result_str(AVLOC_ERR_WORKSPACE), "workspace too small") == 0);
    CHECK(strcmp(avloc_result_str((avloc_result)1234), "unknown avloc_result") == 0);
}

static void test_sizes(void)
{
    size_t out = 7;
    CHECK(avloc_size_mul(3, 5, &out) && out == 15);
    CHECK(!avloc_size_mul((size_t)-1 / 2 + 1, 2, &out) && out == 15);
    CHECK(avloc_size_add(1, 2, &out) && out == 3);
    CHECK(!avloc_size_add((size_t)-1, 1, &out) && out == 3);
}

static void test_arena(void)
{
    unsigned char mem[1000];
    avloc_arena a;
    double *d;
    float *f;
    size_t need;
    /* measure, then lay out at every misalignment: must fit exactly what measure said */
    avloc_arena_init(&a, NULL, 0);
    AVLOC_PUSH(&a, double, 10);
    AVLOC_PUSH(&a, float, 33);
    CHECK(avloc_arena_status(&a) == AVLOC_OK);
    need = avloc_arena_needed(&a);
    CHECK(need <= 500);
    {
        size_t off;
        int all_ok = 1;
        for (off = 0; off < 64; off++) {
            avloc_arena_init(&a, mem + off, need);
            d = AVLOC_PUSH(&a, double, 10);
            f = AVLOC_PUSH(&a, float, 33);
            if (!d || !f || avloc_arena_status(&a) != AVLOC_OK) all_ok = 0;
            if (((size_t)d % AVLOC_ALIGN) || ((size_t)f % AVLOC_ALIGN)) all_ok = 0;
            if ((unsigned char *)(f + 33) > mem + off + need) all_ok = 0;
        }
        CHECK(all_ok);
    }
    avloc_arena_init(&a, mem, 100);
    d = AVLOC_PUSH(&a, double, 100);
    CHECK(d == NULL && avloc_arena_status(&a) == AVLOC_ERR_WORKSPACE);
    avloc_arena_init(&a, NULL, 0);
    AVLOC_PUSH(&a, double, (size_t)-1 / 4);
    CHECK(avloc_arena_status(&a) == AVLOC_ERR_OVERFLOW);
    CHECK(avloc_arena_needed(&a) == (size_t)-1);
}

static void test_finite(void)
{
    float x[3] = {1, 2, 3};
    double y[2] = {0, -1};
    volatile float z = 0.0f;
    CHECK(avloc_all_finite_f32(x, 3));
    x[1] = 1.0f / z;
    CHECK(!avloc_all_finite_f32(x, 3));
    x[1] = z / z;
    CHECK(!avloc_all_finite_f32(x, 3));
    CHECK(avloc_all_finite_f64(y, 2));
    {
        /* the blocked check: a bad value at every position of a 600-value
           array (two full blocks of 256 and a tail), +-Inf, quiet and
           signalling-pattern NaN; FLT_MAX, denormals and -0 stay finite */
        static float big[600];
        const uint32_t bad_bits[4] = {0x7f800000u, 0xff800000u, 0x7fc00000u, 0x7f800001u};
        const uint32_t ok_bits[4] = {0x7f7fffffu, 0xff7fffffu, 0x00000001u, 0x80000000u};
        size_t i, b, wrong = 0;
        for (i = 0; i < 600; i++) big[i] = (float)i - 300.0f;
        CHECK(avloc_all_finite_f32(big, 600) && avloc_all_finite_f32(big, 0));
        for (i = 0; i < 600; i++)
            for (b = 0; b < 4; b++) {
                float keep = big[i], v;
                memcpy(&v, &bad_bits[b], sizeof v);
                big[i] = v;
                wrong += (size_t)avloc_all_finite_f32(big, 600);      /* must be 0 */
                wrong += (size_t)!avloc_all_finite_f32(big, i);       /* before it: finite */
                memcpy(&v, &ok_bits[b], sizeof v);
                big[i] = v;
                wrong += (size_t)!avloc_all_finite_f32(big, 600);
                big[i] = keep;
            }
        CHECK_EQ_INT(wrong, 0);
    }
}

static void test_linalg(void)
{
    /* A = M M^T + I for a fixed M: check Cholesky, solve, logdet, inverse, gemm */
    double M[9] = {1, 2, 0, -1, 3, 1, 0.5, 0, 2};
    double A[9], L[9], B[3] = {1, 2, 3}, X[3], Ai[9], I3[9];
    size_t i, j;
    CHECK_EQ_INT(avloc_gemm_f64(0, 1, 3, 3, 3, 1.0, M, 3, M, 3, 0.0, A, 3, NULL, 0), AVLOC_OK);
    for (i = 0; i < 3; i++) A[i * 4] += 1.0;
    memcpy(L, A, sizeof A);
    CHECK(avloc_chol_f64(L, 3, 3) == AVLOC_OK);
    memcpy(X, B, sizeof B);
    avloc_chol_solve_f64(L, 3, 3, X, 1, 1);
    for (i = 0; i < 3; i++) {
        double s = 0;
        for (j = 0; j < 3; j++) s += A[i * 3 + j] * X[j];
        CHECK_NEAR(s, B[i], 1e-12);
    }
    /* det(A) by cofactors */
    {
        double det = A[0] * (A[4] * A[8] - A[5] * A[7]) - A[1] * (A[3] * A[8] - A[5] * A[6]) +
                     A[2] * (A[3] * A[7] - A[4] * A[6]);
        CHECK_NEAR(avloc_chol_logdet_f64(L, 3, 3), log(det), 1e-12);
    }
    avloc_chol_inverse_f64(L, 3, 3, Ai, 3);
    CHECK_EQ_INT(avloc_gemm_f64(0, 0, 3, 3, 3, 1.0, A, 3, Ai, 3, 0.0, I3, 3, NULL, 0), AVLOC_OK);
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++) CHECK_NEAR(I3[i * 3 + j], i == j ? 1.0 : 0.0, 1e-12);
    /* gemm transposes against a hand product */
    {
        double P[6] = {1, 2, 3, 4, 5, 6}; /* 2x3 */
        double C[4] = {1, 1, 1, 1};
        CHECK_EQ_INT(avloc_gemm_f64(0, 1, 2, 2, 3, 2.0, P, 3, P, 3, 1.0, C, 2, NULL, 0), AVLOC_OK); /* 2 P P^T + C */
        CHECK_NEAR(C[0], 29, 0); CHECK_NEAR(C[1], 65, 0);
        CHECK_NEAR(C[2], 65, 0); CHECK_NEAR(C[3], 155, 0);
        CHECK_EQ_INT(avloc_gemm_f64(1, 0, 3, 3, 2, 1.0, P, 3, P, 3, 0.0, A, 3, NULL, 0), AVLOC_OK); /* P^T P */
        CHECK_NEAR(A[0], 17, 0); CHECK_NEAR(A[4], 29, 0); CHECK_NEAR(A[8], 45, 0);
    }
    /* not positive definite */
    {
        double N[4] = {1, 2, 2, 1};
        CHECK(avloc_chol_f64(N, 2, 2) == AVLOC_ERR_NUMERIC);
    }
}

static void test_logsumexp(void)
{
    double x[3] = {1000, 1000, -5};
    CHECK_NEAR(avloc_logsumexp_f64(x, 3), 1000 + log(2 + exp(-1005)), 1e-9);
    { /* -inf by its bits: comparisons with infinities fold under -ffinite-math-only */
        double v = avloc_logsumexp_f64(x, 0);
        uint64_t u;
        memcpy(&u, &v, sizeof u);
        CHECK(u == 0xfff0000000000000u);
    }
}

/* -inf entries are weights of exactly 0: all -inf gives -inf (log 0), not
   NaN from -inf - -inf; one -inf among finite values changes nothing. */
static int is_neg_inf(double x) /* on the bits: x == -HUGE_VAL folds under -ffast-math */
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u == 0xfff0000000000000u;
}

static void test_logsumexp_neg_inf(void)
{
    double z[3] = {-HUGE_VAL, -HUGE_VAL, -HUGE_VAL}, y[3] = {-HUGE_VAL, 2.0, 2.0};
    CHECK(is_neg_inf(avloc_logsumexp_f64(z, 3)));
    CHECK(is_neg_inf(avloc_logsumexp_f64(z, 1)));
    CHECK_NEAR(avloc_logsumexp_f64(y, 3), 2.0 + log(2.0), 1e-15);
}

int main(void)
{
    test_result_strings();
    test_sizes();
    test_arena();
    test_finite();
    test_linalg();
    test_logsumexp();
    test_logsumexp_neg_inf();
    return th_finish("core");
}
