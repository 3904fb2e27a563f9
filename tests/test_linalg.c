/* Linear algebra of avloc.h (one-sided Jacobi SVD, Jacobi eigh, Sylvester,
   randomised truncated SVD and SVT) and of avloc_dsp.h (orthonormal DCT,
   path-Laplacian Sylvester) against numpy/scipy goldens
   (tools/gen_goldens_linalg.py), reconstruction and orthogonality checks,
   and bad input (error codes, nothing written, guard bytes). */
#ifndef AVLOC_TEST_SHARED_IMPL /* else the Makefile links the library's objects (tests/impl/) */
#define AVLOC_IMPLEMENTATION
#endif
#include "../avloc_dsp.h"
#include "harness.h"
#include "task_runner.h"

#define GUARD 0x5A
#define SENT 12345.0

/* scratch of `bytes` plus 64 guard bytes after it */
static unsigned char *guarded(size_t bytes)
{
    unsigned char *p = (unsigned char *)malloc(bytes + 64);
    memset(p + bytes, GUARD, 64);
    return p;
}
static int guard_ok(const unsigned char *p, size_t bytes)
{
    size_t i;
    for (i = 0; i < 64; i++) if (p[bytes + i] != GUARD) return 0;
    return 1;
}

static unsigned long long rs = 88172645463325252ULL;
static double urand(void) /* xorshift64*: uniform in [-1, 1) */
{
    rs ^= rs >> 12; rs ^= rs << 25; rs ^= rs >> 27;
    return (double)((rs * 2685821657736338717ULL) >> 11) / 4503599627370496.0 - 1.0;
}

/* max |X^T X - I| over the c columns (length r, row stride ld) of X */
static double orth_err_cols(const double *X, size_t r, size_t c, size_t ld)
{
    double e = 0;
    size_t i, j, k;
    for (i = 0; i < c; i++)
        for (j = 0; j < c; j++) {
            double s = 0;
            for (k = 0; k < r; k++) s += X[k * ld + i] * X[k * ld + j];
            s -= (i == j);
            if (fabs(s) > e) e = fabs(s);
        }
    return e;
}
/* the same over rows */
static double orth_err_rows(const double *X, size_t r, size_t c, size_t ld)
{
    double e = 0;
    size_t i, j, k;
    for (i = 0; i < r; i++)
        for (j = 0; j < r; j++) {
            double s = 0;
            for (k = 0; k < c; k++) s += X[i * ld + k] * X[j * ld + k];
            s -= (i == j);
            if (fabs(s) > e) e = fabs(s);
        }
    return e;
}

/* ||U diag(s) Vt - A||_F / ||A||_F (U m x r, Vt r x n) */
static double recon_err(const double *A, size_t m, size_t n, const double *U, const double *s,
                        const double *Vt, size_t r)
{
    double num = 0, den = 0;
    size_t i, j, k;
    for (i = 0; i < m; i++)
        for (j = 0; j < n; j++) {
            double x = 0;
            for (k = 0; k < r; k++) x += U[i * r + k] * s[k] * Vt[k * n + j];
            num += (x - A[i * n + j]) * (x - A[i * n + j]);
            den += A[i * n + j] * A[i * n + j];
        }
    return sqrt(num / (den > 0 ? den : 1));
}

static th_array G(const char *fmt, const char *a)
{
    char name[96];
    snprintf(name, sizeof name, fmt, a);
    return th_golden(name);
}

static void test_svd_case(const char *name)
{
    th_array A = G("la_svd_%s_a.npy", name), S = G("la_svd_%s_s.npy", name);
    th_array Ur = G("la_svd_%s_u.npy", name), Vr = G("la_svd_%s_vt.npy", name);
    size_t m = A.shape[0], n = A.shape[1], r = m < n ? m : n, bytes = 0, i, j;
    double *U, *s, *Vt, maxerr = 0;
    float *Af, *Uf, *sf, *Vtf;
    double *Ud, *Vd;
    unsigned char *scr;
    CHECK(A.n > 0 && S.n == r);
    if (!A.n || S.n != r) return;
    U = (double *)malloc(m * r * sizeof *U);
    s = (double *)malloc(r * sizeof *s);
    Vt = (double *)malloc(r * n * sizeof *Vt);
    CHECK_EQ_INT(avloc_svd_scratch_f64(m, n, &bytes), AVLOC_OK);
    scr = guarded(bytes);
    CHECK_EQ_INT(avloc_svd_f64(m, n, A.data, n, U, r, s, Vt, n, scr, bytes), AVLOC_OK);
    CHECK(guard_ok(scr, bytes));
    for (i = 0; i < r; i++) {
        double e = fabs(s[i] - S.data[i]) / S.data[0];
        if (e > maxerr) maxerr = e;
    }
    CHECK_MSG(maxerr < 1e-14, "svd %s: s max error %.3g of s[0]", name, maxerr);
    CHECK_MSG(recon_err(A.data, m, n, U, s, Vt, r) < 1e-14, "svd %s: reconstruction %.3g", name,
              recon_err(A.data, m, n, U, s, Vt, r));
    CHECK_MSG(orth_err_cols(U, m, r, r) < 1e-14, "svd %s: U^T U - I %.3g", name, orth_err_cols(U, m, r, r));
    CHECK_MSG(orth_err_rows(Vt, r, n, n) < 1e-14, "svd %s: Vt Vt^T - I %.3g", name, orth_err_rows(Vt, r, n, n));
    for (i = 1; i < r; i++) CHECK(s[i] <= s[i - 1] && s[i] >= 0);
    for (j = 0; j < r; j++) { /* vectors (up to sign) where s_j is nonzero and separated */
        double du = 0, dv = 0;
        if (S.data[j] < 1e-6 * S.data[0]) continue;
        for (i = 0; i < m; i++) du += U[i * r + j] * Ur.data[i * r + j];
        for (i = 0; i < n; i++) dv += Vt[j * n + i] * Vr.data[j * n + i];
        CHECK_MSG(fabs(fabs(du) - 1) < 1e-8 && fabs(fabs(dv) - 1) < 1e-8 && du * dv > 0,
                  "svd %s: vector %u: |u.u_ref| %.12f |v.v_ref| %.12f", name, (unsigned)j, du, dv);
    }
    /* the float variant on the same matrix */
    Af = th_to_f32(&A);
    Uf = (float *)malloc(m * r * sizeof *Uf);
    sf = (float *)malloc(r * sizeof *sf);
    Vtf = (float *)malloc(r * n * sizeof *Vtf);
    Ud = (double *)malloc(m * r * sizeof *Ud);
    Vd = (double *)malloc(r * n * sizeof *Vd);
    free(scr);
    CHECK_EQ_INT(avloc_svd_scratch_f32(m, n, &bytes), AVLOC_OK);
    scr = guarded(bytes);
    CHECK_EQ_INT(avloc_svd_f32(m, n, Af, n, Uf, r, sf, Vtf, n, scr, bytes), AVLOC_OK);
    CHECK(guard_ok(scr, bytes));
    maxerr = 0;
    for (i = 0; i < r; i++) {
        double e = fabs(sf[i] - S.data[i]) / S.data[0];
        if (e > maxerr) maxerr = e;
        s[i] = sf[i];
    }
    for (i = 0; i < m * r; i++) Ud[i] = Uf[i];
    for (i = 0; i < r * n; i++) Vd[i] = Vtf[i];
    CHECK_MSG(maxerr < 2e-7, "svd_f32 %s: s max error %.3g of s[0]", name, maxerr);
    CHECK_MSG(recon_err(A.data, m, n, Ud, s, Vd, r) < 1e-6, "svd_f32 %s: reconstruction %.3g", name,
              recon_err(A.data, m, n, Ud, s, Vd, r));
    CHECK(orth_err_cols(Ud, m, r, r) < 1e-6 && orth_err_rows(Vd, r, n, n) < 1e-6);
    free(scr); free(U); free(s); free(Vt); free(Af); free(Uf); free(sf); free(Vtf); free(Ud); free(Vd);
    th_free(&A); th_free(&S); th_free(&Ur); th_free(&Vr);
}

/* An exactly zero matrix and one with a zero column: U, Vt still orthonormal. */
static void test_svd_zero(void)
{
    double A[4 * 3] = {0}, U[4 * 3], s[3], Vt[9];
    size_t bytes = 0;
    unsigned char *scr;
    avloc_svd_scratch_f64(4, 3, &bytes);
    scr = guarded(bytes);
    CHECK_EQ_INT(avloc_svd_f64(4, 3, A, 3, U, 3, s, Vt, 3, scr, bytes), AVLOC_OK);
    CHECK(s[0] == 0 && s[1] == 0 && s[2] == 0);
    CHECK(orth_err_cols(U, 4, 3, 3) < 1e-15 && orth_err_rows(Vt, 3, 3, 3) < 1e-15);
    A[0] = 3; A[4] = 4; /* rank 2, one zero column */
    CHECK_EQ_INT(avloc_svd_f64(4, 3, A, 3, U, 3, s, Vt, 3, scr, bytes), AVLOC_OK);
    CHECK_NEAR(s[0], 4, 1e-15);
    CHECK_NEAR(s[1], 3, 1e-15);
    CHECK(s[2] == 0);
    CHECK(orth_err_cols(U, 4, 3, 3) < 1e-15 && orth_err_rows(Vt, 3, 3, 3) < 1e-15);
    CHECK(recon_err(A, 4, 3, U, s, Vt, 3) < 1e-15);
    /* huge and tiny entries: no overflow or underflow in the squares */
    A[0] = 1e300; A[4] = 1e299;
    CHECK_EQ_INT(avloc_svd_f64(4, 3, A, 3, U, 3, s, Vt, 3, scr, bytes), AVLOC_OK);
    CHECK(fabs(s[0] / 1e300 - 1) < 1e-15 && fabs(s[1] / 1e299 - 1) < 1e-15);
    A[0] = 1e-300; A[4] = 3e-301;
    CHECK_EQ_INT(avloc_svd_f64(4, 3, A, 3, U, 3, s, Vt, 3, scr, bytes), AVLOC_OK);
    CHECK(fabs(s[0] / 1e-300 - 1) < 1e-15 && fabs(s[1] / 3e-301 - 1) < 1e-15);
    free(scr);
}

typedef avloc_result (*eigh_scratch_fn)(size_t, size_t *);
typedef avloc_result (*eigh_fn)(size_t, const double *, size_t, double *, double *, size_t, void *, size_t);

/* tri 0: the Jacobi avloc_eigh_f64, 1: the tridiagonal QL avloc_eigh_tridiag_f64 */
static void test_eigh_case(const char *name, int distinct, int tri)
{
    eigh_scratch_fn qf = tri ? avloc_eigh_tridiag_scratch_f64 : avloc_eigh_scratch_f64;
    eigh_fn ef = tri ? avloc_eigh_tridiag_f64 : avloc_eigh_f64;
    th_array A = G("la_eigh_%s_a.npy", name), W = G("la_eigh_%s_w.npy", name), Vr = G("la_eigh_%s_v.npy", name);
    size_t n = A.shape[0], bytes = 0, i, j, k;
    double *w, *V, err = 0, wmax = 0, rec = 0;
    unsigned char *scr;
    CHECK(A.n > 0 && W.n == n);
    if (!A.n || W.n != n) return;
    w = (double *)malloc(n * sizeof *w);
    V = (double *)malloc(n * n * sizeof *V);
    CHECK_EQ_INT(qf(n, &bytes), AVLOC_OK);
    scr = guarded(bytes);
    CHECK_EQ_INT(ef(n, A.data, n, w, V, n, scr, bytes), AVLOC_OK);
    CHECK(guard_ok(scr, bytes));
    for (i = 0; i < n; i++) if (fabs(W.data[i]) > wmax) wmax = fabs(W.data[i]);
    for (i = 0; i < n; i++) if (fabs(w[i] - W.data[i]) > err) err = fabs(w[i] - W.data[i]);
    CHECK_MSG(err < 1e-14 * wmax, "eigh %s (%d): w max error %.3g", name, tri, err);
    CHECK(orth_err_cols(V, n, n, n) < 1e-14);
    for (i = 0; i < n; i++) /* A = V diag(w) V^T */
        for (j = 0; j < n; j++) {
            double x = 0;
            for (k = 0; k < n; k++) x += V[i * n + k] * w[k] * V[j * n + k];
            if (fabs(x - A.data[i * n + j]) > rec) rec = fabs(x - A.data[i * n + j]);
        }
    CHECK_MSG(rec < 1e-14 * wmax, "eigh %s (%d): reconstruction %.3g", name, tri, rec);
    if (distinct)
        for (j = 0; j < n; j++) {
            double d = 0;
            for (i = 0; i < n; i++) d += V[i * n + j] * Vr.data[i * n + j];
            CHECK_MSG(fabs(fabs(d) - 1) < 1e-10, "eigh %s (%d): vector %u dot %.15f", name, tri, (unsigned)j, d);
        }
    /* only the lower triangle is read: garbage above the diagonal changes nothing */
    {
        double *B = (double *)malloc(n * n * sizeof *B), *w2 = (double *)malloc(n * sizeof *w2);
        memcpy(B, A.data, n * n * sizeof *B);
        for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) B[i * n + j] = 1e6;
        CHECK_EQ_INT(ef(n, B, n, w2, NULL, 0, scr, bytes), AVLOC_OK);
        CHECK(memcmp(w, w2, n * sizeof *w) == 0);
        free(B); free(w2);
    }
    free(scr); free(w); free(V);
    th_free(&A); th_free(&W); th_free(&Vr);
}

static void test_sylvester_sym(void)
{
    th_array M = th_golden("la_syl_m.npy"), N = th_golden("la_syl_n.npy"), R = th_golden("la_syl_r.npy");
    th_array Cr = th_golden("la_syl_c.npy");
    size_t k = M.shape[0], t = N.shape[0], bytes = 0;
    double C[5 * 7];
    unsigned char *scr;
    CHECK(k == 5 && t == 7 && R.n == 35 && Cr.n == 35);
    if (k != 5 || t != 7 || Cr.n != 35) return;
    CHECK_EQ_INT(avloc_sylvester_sym_scratch_f64(k, t, &bytes), AVLOC_OK);
    scr = guarded(bytes);
    CHECK_EQ_INT(avloc_sylvester_sym_f64(k, t, M.data, k, N.data, t, R.data, t, C, t, scr, bytes), AVLOC_OK);
    CHECK(guard_ok(scr, bytes));
    CHECK_MSG(th_rel_rms_f64(C, Cr.data, 35) < 1e-13, "sylvester: rel err %.3g", th_rel_rms_f64(C, Cr.data, 35));
    /* singular: N = -M's smallest eigenvalue... here N = -M (k = t) makes mu_i + nu_i = 0 */
    {
        double Mn[25], Cs[25], Rs[25];
        size_t i, b2 = 0;
        unsigned char *s2;
        for (i = 0; i < 25; i++) { Mn[i] = -M.data[i]; Rs[i] = 1; Cs[i] = SENT; }
        avloc_sylvester_sym_scratch_f64(5, 5, &b2);
        s2 = guarded(b2);
        CHECK_EQ_INT(avloc_sylvester_sym_f64(5, 5, M.data, 5, Mn, 5, Rs, 5, Cs, 5, s2, b2), AVLOC_ERR_NUMERIC);
        CHECK(Cs[0] == SENT && Cs[24] == SENT);
        free(s2);
    }
    free(scr);
    th_free(&M); th_free(&N); th_free(&R); th_free(&Cr);
}

/* A (m x n float) of rank `rank` with singular values 100 * 0.7^i, plus noise. */
static float *lowrank(size_t m, size_t n, size_t rank, double noise)
{
    float *A = (float *)calloc(m * n, sizeof *A);
    double *u = (double *)malloc(m * sizeof *u), *v = (double *)malloc(n * sizeof *v);
    size_t i, j, q;
    for (q = 0; q < rank; q++) {
        double amp = 100.0 * pow(0.7, (double)q) / sqrt((double)m * (double)n) * 3.0;
        for (i = 0; i < m; i++) u[i] = urand();
        for (j = 0; j < n; j++) v[j] = urand();
        for (i = 0; i < m; i++)
            for (j = 0; j < n; j++) A[i * n + j] += (float)(amp * u[i] * v[j]);
    }
    for (i = 0; i < m * n; i++) A[i] += (float)(noise * urand());
    free(u); free(v);
    return A;
}

static avloc_tsvd *tsvd_new(size_t m, size_t n, size_t max_rank, size_t power, void **mem)
{
    avloc_tsvd_config c = avloc_tsvd_config_default();
    avloc_tsvd *t = (avloc_tsvd *)malloc(sizeof *t);
    size_t bytes = 0;
    c.m = m; c.n = n; c.max_rank = max_rank; c.power_iters = power;
    c.svt_method = AVLOC_SVT_RANDOMISED; /* these tests are about the randomised path */
    CHECK_EQ_INT(avloc_tsvd_query(&c, &bytes), AVLOC_OK);
    *mem = malloc(bytes);
    CHECK_EQ_INT(avloc_tsvd_init(t, &c, *mem, bytes), AVLOC_OK);
    return t;
}

/* The truncated SVD against the Jacobi SVD (itself checked against numpy). */
static void test_tsvd(void)
{
    size_t m = 700, n = 90, k = 8, i, j, bytes = 0;
    float *A = lowrank(m, n, 12, 1e-3), *U = (float *)malloc(m * k * sizeof *U), s[8], *Vt = (float *)malloc(k * n * sizeof *Vt);
    float *sj = (float *)malloc(n * sizeof *sj);
    double *Ud = (double *)malloc(m * k * sizeof *Ud), *Vd = (double *)malloc(k * n * sizeof *Vd), err = 0;
    void *mem, *scr;
    avloc_tsvd *t = tsvd_new(m, n, 20, 2, &mem);
    avloc_svd_scratch_f32(m, n, &bytes);
    scr = malloc(bytes);
    CHECK_EQ_INT(avloc_svd_f32(m, n, A, n, NULL, 0, sj, NULL, 0, scr, bytes), AVLOC_OK);
    CHECK_EQ_INT(avloc_tsvd_f32(t, A, n, k, U, k, s, Vt, n), AVLOC_OK);
    for (i = 0; i < k; i++) if (fabs(s[i] - sj[i]) / sj[0] > err) err = fabs(s[i] - sj[i]) / sj[0];
    CHECK_MSG(err < 1e-5, "tsvd: s error %.3g of s[0]", err);
    for (i = 0; i < m * k; i++) Ud[i] = U[i];
    for (i = 0; i < k * n; i++) Vd[i] = Vt[i];
    CHECK_MSG(orth_err_cols(Ud, m, k, k) < 1e-5, "tsvd: U orth %.3g", orth_err_cols(Ud, m, k, k));
    CHECK_MSG(orth_err_rows(Vd, k, n, n) < 1e-5, "tsvd: V orth %.3g", orth_err_rows(Vd, k, n, n));
    { /* U^T A Vt^T = diag(s) */
        double off = 0;
        size_t a, b, q;
        for (a = 0; a < k; a++)
            for (b = 0; b < k; b++) {
                double x = 0;
                for (i = 0; i < m; i++) {
                    double av = 0;
                    for (q = 0; q < n; q++) av += (double)A[i * n + q] * Vd[b * n + q];
                    x += Ud[i * k + a] * av;
                }
                x -= (a == b) ? s[a] : 0.0;
                if (fabs(x) > off) off = fabs(x);
            }
        CHECK_MSG(off < 1e-4 * s[0], "tsvd: U^T A V - S %.3g", off);
    }
    /* warm start: a second call on the same matrix, no power iterations */
    t->cfg.power_iters = 0;
    CHECK_EQ_INT(avloc_tsvd_f32(t, A, n, k, U, k, s, NULL, 0), AVLOC_OK);
    err = 0;
    for (i = 0; i < k; i++) if (fabs(s[i] - sj[i]) / sj[0] > err) err = fabs(s[i] - sj[i]) / sj[0];
    CHECK_MSG(err < 1e-5, "tsvd warm: s error %.3g", err);
    /* the warm start is a subspace iteration across calls: on a slowly
       decaying spectrum (0.7^i, 40 terms) one cold pass without power
       iterations is off by percents, six warm calls converge */
    {
        float *B = lowrank(m, n, 40, 0.0);
        float sw[8];
        CHECK_EQ_INT(avloc_svd_f32(m, n, B, n, NULL, 0, sj, NULL, 0, scr, bytes), AVLOC_OK);
        avloc_tsvd_reset(t);
        for (i = 0; i < 6; i++) CHECK_EQ_INT(avloc_tsvd_f32(t, B, n, k, NULL, 0, sw, NULL, 0), AVLOC_OK);
        err = 0;
        for (i = 0; i < k; i++) if (fabs(sw[i] - sj[i]) / sj[0] > err) err = fabs(sw[i] - sj[i]) / sj[0];
        CHECK_MSG(err < 1e-5, "tsvd: six warm calls without power iterations: s error %.3g", err);
        free(B);
    }
    /* determinism: a fresh object with the same seed gives the same bits */
    {
        void *mem2;
        avloc_tsvd *t2 = tsvd_new(m, n, 20, 2, &mem2);
        float s2[8], s3[8];
        avloc_tsvd_reset(t);
        t->cfg.power_iters = 2;
        CHECK_EQ_INT(avloc_tsvd_f32(t, A, n, k, NULL, 0, s2, NULL, 0), AVLOC_OK);
        CHECK_EQ_INT(avloc_tsvd_f32(t2, A, n, k, NULL, 0, s3, NULL, 0), AVLOC_OK);
        CHECK(memcmp(s2, s3, sizeof s2) == 0);
        avloc_tsvd_destroy(t2);
        free(t2); free(mem2);
    }
    /* rank-deficient: exact rank 3 (noise-free) asked for 8 values */
    {
        float *B = lowrank(m, n, 3, 0.0);
        CHECK_EQ_INT(avloc_tsvd_f32(t, B, n, k, U, k, s, Vt, n), AVLOC_OK);
        CHECK_EQ_INT(avloc_svd_f32(m, n, B, n, NULL, 0, sj, NULL, 0, scr, bytes), AVLOC_OK);
        for (j = 0; j < 3; j++) CHECK_NEAR(s[j] / sj[0], sj[j] / sj[0], 1e-5);
        for (j = 3; j < k; j++) CHECK(s[j] < 1e-5 * sj[0]);
        for (i = 0; i < m * k; i++) Ud[i] = U[i];
        CHECK_MSG(orth_err_cols(Ud, m, k, k) < 1e-5, "tsvd rank-deficient: U orth %.3g", orth_err_cols(Ud, m, k, k));
        free(B);
    }
    /* an all-zero matrix: zero values, still an orthonormal U (random basis) */
    {
        float *Z = (float *)calloc(m * n, sizeof *Z);
        size_t rank = 99;
        CHECK_EQ_INT(avloc_tsvd_f32(t, Z, n, k, U, k, s, Vt, n), AVLOC_OK);
        for (j = 0; j < k; j++) CHECK(s[j] == 0);
        for (i = 0; i < m * k; i++) Ud[i] = U[i];
        CHECK(orth_err_cols(Ud, m, k, k) < 1e-5);
        Z[7] = 1.0f;
        CHECK_EQ_INT(avloc_svt_f32(t, Z, n, 0.25f, Z, n, &rank), AVLOC_OK); /* one spike, in place */
        CHECK_EQ_INT(rank, 1);
        CHECK_NEAR(Z[7], 0.75, 1e-6);
        CHECK(fabs(Z[8]) < 1e-6 && fabs(Z[m * n - 1]) < 1e-6);
        free(Z);
    }
    avloc_tsvd_destroy(t);
    CHECK_EQ_INT(avloc_tsvd_f32(t, A, n, k, U, k, s, Vt, n), AVLOC_ERR_STATE);
    free(t); free(mem); free(scr); free(A); free(U); free(Vt); free(sj); free(Ud); free(Vd);
}

/* rank r + 1e-4 noise, m x n (the SVT growth and AUTO tests) */
static float *rank_r(size_t m, size_t n, size_t r)
{
    float *A = (float *)malloc(m * n * sizeof *A), *P = (float *)malloc(m * r * sizeof *P);
    float *Q = (float *)malloc(r * n * sizeof *Q);
    size_t i, j, q;
    for (i = 0; i < m * r; i++) P[i] = (float)urand();
    for (i = 0; i < r * n; i++) Q[i] = (float)urand();
    for (i = 0; i < m; i++)
        for (j = 0; j < n; j++) {
            double v = 1e-4 * urand();
            for (q = 0; q < r; q++) v += (double)P[i * r + q] * Q[q * n + j];
            A[i * n + j] = (float)v;
        }
    free(P); free(Q);
    return A;
}

/* ||A - out||_F against tau sqrt(rank), what any right SVT gives on these */
static int svt_residual_ok(const float *A, const float *out, size_t mn, double tau, size_t rank)
{
    double d2 = 0, want = tau * sqrt((double)rank);
    size_t i;
    for (i = 0; i < mn; i++) d2 += ((double)A[i] - out[i]) * ((double)A[i] - out[i]);
    return fabs(sqrt(d2) - want) < 1e-3 * want;
}

/* The SVT's rank growth: from the initial prediction 10 to a rank of 40
   (300 x 200, grow = 10) the oversampled Ritz values say how far to go, so
   three range-finder runs (k 10, 30, 50), not five (k 10, 20, 30, 40, 50).
   Checked against what any right SVT gives on rank 40 + tiny noise:
   ||A - SVT(A)||_F = tau sqrt(40). */
static void test_svt_growth(void)
{
    size_t m = 300, n = 200, r = 40, rank = 0;
    float *A, *out = (float *)malloc(m * n * sizeof *out);
    void *mem;
    avloc_tsvd *t = tsvd_new(m, n, n, 1, &mem);
    A = rank_r(m, n, r);
    CHECK_EQ_INT(avloc_svt_f32(t, A, n, 0.5f, out, n, &rank), AVLOC_OK);
    CHECK_EQ_INT(rank, r);
    CHECK_MSG(svt_residual_ok(A, out, m * n, 0.5, r), "svt growth: ||A - out|| not tau sqrt(40)");
    CHECK_MSG(t->runs <= 3, "svt growth: %u range-finder runs for rank 40 from 10 (want <= 3)", (unsigned)t->runs);
    /* AUTO's cost rule expects as many runs next time (a retry doubles the randomised cost) */
    CHECK(t->runs >= 2 && t->rnd_runs == t->runs);
    CHECK_EQ_INT(t->sv, r + 1);
    avloc_tsvd_destroy(t);
    free(t); free(mem); free(A); free(out);
}

static void test_svt(void)
{
    th_array A = th_golden("la_svt_a.npy"), tau = th_golden("la_svt_tau.npy");
    th_array O2 = th_golden("la_svt_out2.npy"), O05 = th_golden("la_svt_out05.npy");
    size_t m = A.shape[0], n = A.shape[1], rank = 99, i;
    float *Af, *out = NULL;
    double *od = NULL;
    void *mem;
    avloc_tsvd *t;
    CHECK(m == 60 && n == 40 && tau.n == 2 && O2.n == m * n);
    if (m != 60 || n != 40 || O2.n != m * n) return;
    Af = th_to_f32(&A);
    out = (float *)malloc(m * n * sizeof *out);
    od = (double *)malloc(m * n * sizeof *od);
    t = tsvd_new(m, n, 40, 2, &mem);
    CHECK_EQ_INT(avloc_svt_f32(t, Af, n, (float)tau.data[0], out, n, &rank), AVLOC_OK);
    for (i = 0; i < m * n; i++) od[i] = out[i];
    CHECK_EQ_INT(rank, 3);
    CHECK_MSG(th_rel_rms_f64(od, O2.data, m * n) < 1e-5, "svt tau 2: rel err %.3g", th_rel_rms_f64(od, O2.data, m * n));
    /* a rank that needs the prediction to grow (from 4 up) */
    CHECK_EQ_INT(avloc_svt_f32(t, Af, n, (float)tau.data[1], out, n, &rank), AVLOC_OK);
    for (i = 0; i < m * n; i++) od[i] = out[i];
    CHECK_MSG(rank > 15, "svt tau 0.5: rank %u", (unsigned)rank);
    CHECK_MSG(th_rel_rms_f64(od, O05.data, m * n) < 1e-4, "svt tau 0.5: rel err %.3g", th_rel_rms_f64(od, O05.data, m * n));
    CHECK(!t->capped);
    /* in place (out == A) */
    CHECK_EQ_INT(avloc_svt_f32(t, Af, n, (float)tau.data[0], Af, n, &rank), AVLOC_OK);
    for (i = 0; i < m * n; i++) od[i] = Af[i];
    CHECK_MSG(th_rel_rms_f64(od, O2.data, m * n) < 1e-5, "svt in place: rel err %.3g", th_rel_rms_f64(od, O2.data, m * n));
    /* tau above every singular value: zero, rank 0 */
    CHECK_EQ_INT(avloc_svt_f32(t, Af, n, 1e9f, out, n, &rank), AVLOC_OK);
    CHECK_EQ_INT(rank, 0);
    CHECK(out[0] == 0 && out[m * n - 1] == 0);
    /* max_rank too small for tau: capped, the rank-max_rank SVT */
    {
        void *mem2;
        avloc_tsvd *t2 = tsvd_new(m, n, 2, 2, &mem2);
        float *A2 = th_to_f32(&A);
        CHECK_EQ_INT(avloc_svt_f32(t2, A2, n, (float)tau.data[0], out, n, &rank), AVLOC_OK);
        CHECK_EQ_INT(rank, 2);
        CHECK(t2->capped);
        avloc_tsvd_destroy(t2);
        free(t2); free(mem2); free(A2);
    }
    avloc_tsvd_destroy(t);
    free(t); free(mem); free(Af); free(out); free(od);
    th_free(&A); th_free(&tau); th_free(&O2); th_free(&O05);
}

static void test_bad_input(void)
{
    double A[6] = {1, 2, 3, 4, 5, 6}, U[6], s[3], Vt[9], w[3], V[9];
    size_t bytes = 0, small = 0, i;
    unsigned char *scr;
    CHECK_EQ_INT(avloc_svd_scratch_f64(2, 3, NULL), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_svd_scratch_f64(0, 3, &bytes), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_svd_scratch_f64((size_t)-1 / 2, (size_t)-1 / 4, &bytes), AVLOC_ERR_OVERFLOW);
    CHECK_EQ_INT(avloc_eigh_scratch_f64((size_t)-1 / 2, &bytes), AVLOC_ERR_OVERFLOW);
    CHECK_EQ_INT(avloc_sylvester_sym_scratch_f64((size_t)-1 / 4, 3, &bytes), AVLOC_ERR_OVERFLOW);
    CHECK_EQ_INT(avloc_svd_scratch_f64(2, 3, &bytes), AVLOC_OK);
    scr = guarded(bytes);
    for (i = 0; i < 3; i++) s[i] = SENT;
    for (i = 0; i < 6; i++) U[i] = SENT;
    CHECK_EQ_INT(avloc_svd_f64(2, 3, NULL, 3, U, 2, s, Vt, 3, scr, bytes), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_svd_f64(2, 3, A, 3, U, 2, NULL, Vt, 3, scr, bytes), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_svd_f64(2, 3, A, 3, U, 2, s, Vt, 3, NULL, bytes), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_svd_f64(0, 3, A, 3, U, 2, s, Vt, 3, scr, bytes), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_svd_f64(2, 3, A, 2, U, 2, s, Vt, 3, scr, bytes), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_svd_f64(2, 3, A, 3, U, 1, s, Vt, 3, scr, bytes), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_svd_f64(2, 3, A, 3, U, 2, s, Vt, 2, scr, bytes), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_svd_f64(2, 3, A, 3, U, 2, s, Vt, 3, scr, bytes / 2), AVLOC_ERR_WORKSPACE);
    A[4] = NAN;
    CHECK_EQ_INT(avloc_svd_f64(2, 3, A, 3, U, 2, s, Vt, 3, scr, bytes), AVLOC_ERR_NONFINITE);
    A[4] = 5;
    CHECK(s[0] == SENT && s[2] == SENT && U[0] == SENT && U[5] == SENT);
    CHECK(guard_ok(scr, bytes));
    free(scr);
    CHECK_EQ_INT(avloc_eigh_scratch_f64(3, &bytes), AVLOC_OK);
    scr = guarded(bytes);
    {
        double S3[9] = {2, 1, 0, 1, 2, 1, 0, 1, 2};
        w[0] = SENT;
        CHECK_EQ_INT(avloc_eigh_f64(3, S3, 3, w, V, 3, scr, bytes / 2), AVLOC_ERR_WORKSPACE);
        CHECK_EQ_INT(avloc_eigh_f64(3, S3, 2, w, V, 3, scr, bytes), AVLOC_ERR_SIZE);
        CHECK_EQ_INT(avloc_eigh_f64(3, S3, 3, NULL, V, 3, scr, bytes), AVLOC_ERR_NULL);
        S3[3] = INFINITY;
        CHECK_EQ_INT(avloc_eigh_f64(3, S3, 3, w, V, 3, scr, bytes), AVLOC_ERR_NONFINITE);
        CHECK(w[0] == SENT);
        S3[3] = 1; S3[1] = NAN; /* upper triangle is not read */
        CHECK_EQ_INT(avloc_eigh_f64(3, S3, 3, w, V, 3, scr, bytes), AVLOC_OK);
        CHECK_NEAR(w[0], 2 - sqrt(2.0), 1e-15);
        CHECK_NEAR(w[2], 2 + sqrt(2.0), 1e-15);
    }
    CHECK(guard_ok(scr, bytes));
    free(scr);
    /* the tridiagonal solver: the same contract */
    CHECK_EQ_INT(avloc_eigh_tridiag_scratch_f64(3, NULL), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_eigh_tridiag_scratch_f64(0, &bytes), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_eigh_tridiag_scratch_f64((size_t)-1 / 2, &bytes), AVLOC_ERR_OVERFLOW);
    CHECK_EQ_INT(avloc_eigh_tridiag_scratch_f64(3, &bytes), AVLOC_OK);
    scr = guarded(bytes);
    {
        double S3[9] = {2, 1, 0, 1, 2, 1, 0, 1, 2}, Z[9] = {0};
        w[0] = SENT;
        V[0] = SENT;
        CHECK_EQ_INT(avloc_eigh_tridiag_f64(3, S3, 3, w, V, 3, scr, bytes / 2), AVLOC_ERR_WORKSPACE);
        CHECK_EQ_INT(avloc_eigh_tridiag_f64(3, S3, 2, w, V, 3, scr, bytes), AVLOC_ERR_SIZE);
        CHECK_EQ_INT(avloc_eigh_tridiag_f64(3, S3, 3, w, V, 2, scr, bytes), AVLOC_ERR_SIZE);
        CHECK_EQ_INT(avloc_eigh_tridiag_f64(0, S3, 3, w, V, 3, scr, bytes), AVLOC_ERR_SIZE);
        CHECK_EQ_INT(avloc_eigh_tridiag_f64(3, S3, 3, NULL, V, 3, scr, bytes), AVLOC_ERR_NULL);
        CHECK_EQ_INT(avloc_eigh_tridiag_f64(3, NULL, 3, w, V, 3, scr, bytes), AVLOC_ERR_NULL);
        CHECK_EQ_INT(avloc_eigh_tridiag_f64(3, S3, 3, w, V, 3, NULL, bytes), AVLOC_ERR_NULL);
        S3[3] = NAN;
        CHECK_EQ_INT(avloc_eigh_tridiag_f64(3, S3, 3, w, V, 3, scr, bytes), AVLOC_ERR_NONFINITE);
        CHECK(w[0] == SENT && V[0] == SENT);
        S3[3] = 1; S3[1] = NAN; /* upper triangle is not read */
        CHECK_EQ_INT(avloc_eigh_tridiag_f64(3, S3, 3, w, V, 3, scr, bytes), AVLOC_OK);
        CHECK_NEAR(w[0], 2 - sqrt(2.0), 1e-15);
        CHECK_NEAR(w[1], 2.0, 1e-15);
        CHECK_NEAR(w[2], 2 + sqrt(2.0), 1e-15);
        CHECK_EQ_INT(avloc_eigh_tridiag_f64(3, Z, 3, w, V, 3, scr, bytes), AVLOC_OK); /* zero matrix */
        CHECK(w[0] == 0 && w[2] == 0 && orth_err_cols(V, 3, 3, 3) < 1e-15);
    }
    CHECK(guard_ok(scr, bytes));
    free(scr);
    CHECK_EQ_INT(avloc_sylvester_sym_scratch_f64(2, 3, &small), AVLOC_OK);
    scr = guarded(small);
    {
        double M[4] = {2, 0, 0, 3}, N[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, R[6] = {1, 2, 3, 4, 5, 6}, C[6];
        for (i = 0; i < 6; i++) C[i] = SENT;
        CHECK_EQ_INT(avloc_sylvester_sym_f64(2, 3, M, 2, N, 3, R, 3, C, 3, scr, small / 2), AVLOC_ERR_WORKSPACE);
        CHECK_EQ_INT(avloc_sylvester_sym_f64(2, 3, M, 2, N, 3, R, 3, C, 2, scr, small), AVLOC_ERR_SIZE);
        CHECK_EQ_INT(avloc_sylvester_sym_f64(2, 3, M, 2, NULL, 3, R, 3, C, 3, scr, small), AVLOC_ERR_NULL);
        R[2] = NAN;
        CHECK_EQ_INT(avloc_sylvester_sym_f64(2, 3, M, 2, N, 3, R, 3, C, 3, scr, small), AVLOC_ERR_NONFINITE);
        CHECK(C[0] == SENT && C[5] == SENT);
        R[2] = 3;
        CHECK_EQ_INT(avloc_sylvester_sym_f64(2, 3, M, 2, N, 3, R, 3, C, 3, scr, small), AVLOC_OK);
        CHECK_NEAR(C[0], 1.0 / 3, 1e-15);
        CHECK_NEAR(C[5], 6.0 / 4, 1e-15);
    }
    CHECK(guard_ok(scr, small));
    free(scr);
    { /* tsvd: config and call errors */
        avloc_tsvd_config c = avloc_tsvd_config_default();
        avloc_tsvd t;
        float Af[6] = {1, 2, 3, 4, 5, 6}, sf[2], out[6];
        size_t rank;
        void *mem;
        CHECK_EQ_INT(avloc_tsvd_query(&c, &bytes), AVLOC_ERR_SIZE);
        c.m = 2; c.n = 3; c.max_rank = 3;
        CHECK_EQ_INT(avloc_tsvd_query(&c, &bytes), AVLOC_ERR_SIZE);
        c.max_rank = 2;
        CHECK_EQ_INT(avloc_tsvd_query(NULL, &bytes), AVLOC_ERR_NULL);
        CHECK_EQ_INT(avloc_tsvd_query(&c, NULL), AVLOC_ERR_NULL);
        { /* the largest accepted square problem at full rank: sizes of l^2
             and l x m doubles (2^56 elements). 32 bits: OVERFLOW; 64 bits:
             a size that counts them all, not one that wrapped around */
            avloc_result r;
            c.m = AVLOC_MAX_DIM; c.n = AVLOC_MAX_DIM; c.max_rank = AVLOC_MAX_DIM;
            r = avloc_tsvd_query(&c, &bytes);
            CHECK(r == AVLOC_ERR_OVERFLOW ||
                  (r == AVLOC_OK && bytes / 8 / 11 >= (size_t)AVLOC_MAX_DIM * AVLOC_MAX_DIM));
        }
        c.max_rank = 2;
        c.m = (size_t)-1 / 2; c.n = (size_t)-1 / 2;
        CHECK(avloc_tsvd_query(&c, &bytes) != AVLOC_OK);
        c.m = 2; c.n = 3;
        CHECK_EQ_INT(avloc_tsvd_query(&c, &bytes), AVLOC_OK);
        mem = guarded(bytes);
        CHECK_EQ_INT(avloc_tsvd_init(&t, &c, mem, bytes / 2), AVLOC_ERR_WORKSPACE);
        CHECK(t.ready == 0);
        CHECK_EQ_INT(avloc_tsvd_f32(&t, Af, 3, 1, NULL, 0, sf, NULL, 0), AVLOC_ERR_STATE);
        CHECK_EQ_INT(avloc_tsvd_init(&t, &c, mem, bytes), AVLOC_OK);
        CHECK(guard_ok((unsigned char *)mem, bytes));
        CHECK_EQ_INT(avloc_tsvd_f32(&t, Af, 3, 3, NULL, 0, sf, NULL, 0), AVLOC_ERR_SIZE);
        CHECK_EQ_INT(avloc_tsvd_f32(&t, Af, 3, 0, NULL, 0, sf, NULL, 0), AVLOC_ERR_SIZE);
        CHECK_EQ_INT(avloc_tsvd_f32(&t, Af, 2, 1, NULL, 0, sf, NULL, 0), AVLOC_ERR_SIZE);
        CHECK_EQ_INT(avloc_svt_f32(&t, Af, 3, NAN, out, 3, &rank), AVLOC_ERR_PARAM);
        CHECK_EQ_INT(avloc_svt_f32(&t, Af, 3, -1.0f, out, 3, &rank), AVLOC_ERR_PARAM);
        CHECK_EQ_INT(avloc_svt_f32(&t, Af, 3, 1.0f, NULL, 3, &rank), AVLOC_ERR_NULL);
        out[0] = (float)SENT;
        Af[5] = NAN;
        CHECK_EQ_INT(avloc_svt_f32(&t, Af, 3, 1.0f, out, 3, &rank), AVLOC_ERR_NONFINITE);
        CHECK(out[0] == (float)SENT);
        Af[5] = 6;
        CHECK_EQ_INT(avloc_tsvd_f32(&t, Af, 3, 2, NULL, 0, sf, NULL, 0), AVLOC_OK);
        CHECK_NEAR(sf[0], 9.508032, 1e-5);
        CHECK_NEAR(sf[1], 0.7728696, 1e-5);
        CHECK(guard_ok((unsigned char *)mem, bytes));
        avloc_tsvd_destroy(&t);
        /* assume_finite: the caller vouches for A (the input pass is skipped);
           a finite A gives the same values */
        c.assume_finite = 1;
        CHECK_EQ_INT(avloc_tsvd_init(&t, &c, mem, bytes), AVLOC_OK);
        CHECK_EQ_INT(avloc_tsvd_f32(&t, Af, 3, 2, NULL, 0, sf, NULL, 0), AVLOC_OK);
        CHECK_NEAR(sf[0], 9.508032, 1e-5);
        CHECK_NEAR(sf[1], 0.7728696, 1e-5);
        avloc_tsvd_destroy(&t);
        free(mem);
    }
}

static avloc_dct *dct_new(size_t n, void **mem, void **scr, size_t *sb)
{
    avloc_dct_config c;
    avloc_dct *d = (avloc_dct *)malloc(sizeof *d);
    size_t ob = 0;
    c.n = n;
    CHECK_EQ_INT(avloc_dct_query(&c, &ob, sb), AVLOC_OK);
    *mem = malloc(ob);
    *scr = guarded(*sb);
    CHECK_EQ_INT(avloc_dct_init(d, &c, *mem, ob), AVLOC_OK);
    return d;
}

static void test_dct(const char *tn)
{
    th_array X = G("la_dct%s_x.npy", tn), Y = G("la_dct%s_y.npy", tn);
    size_t rows = X.shape[0], n = X.shape[1], sb = 0, i, j;
    double *y, *xt, *yt, *back;
    void *mem, *scr;
    avloc_dct *d;
    CHECK(X.n > 0 && Y.n == X.n);
    if (!X.n || Y.n != X.n) return;
    d = dct_new(n, &mem, &scr, &sb);
    y = (double *)malloc(X.n * sizeof *y);
    back = (double *)malloc(X.n * sizeof *back);
    xt = (double *)calloc(X.n, sizeof *xt);
    yt = (double *)malloc(X.n * sizeof *yt);
    CHECK_EQ_INT(avloc_dct2_f64(d, rows, X.data, 1, n, y, 1, n, scr, sb), AVLOC_OK);
    CHECK(guard_ok((unsigned char *)scr, sb));
    CHECK_MSG(th_rel_rms_f64(y, Y.data, X.n) < 3e-7, "dct2 n=%s: rel err %.3g", tn, th_rel_rms_f64(y, Y.data, X.n));
    CHECK_EQ_INT(avloc_dct3_f64(d, rows, y, 1, n, back, 1, n, scr, sb), AVLOC_OK);
    CHECK_MSG(th_rel_rms_f64(back, X.data, X.n) < 3e-7, "dct3 n=%s: round trip %.3g", tn, th_rel_rms_f64(back, X.data, X.n));
    /* columns of the transposed matrix (stride n... rows apart), in place */
    for (i = 0; i < rows; i++) for (j = 0; j < n; j++) xt[j * rows + i] = X.data[i * n + j];
    CHECK_EQ_INT(avloc_dct2_f64(d, rows, xt, rows, 1, xt, rows, 1, scr, sb), AVLOC_OK);
    for (i = 0; i < rows; i++) for (j = 0; j < n; j++) yt[i * n + j] = xt[j * rows + i];
    CHECK_MSG(th_rel_rms_f64(yt, Y.data, X.n) < 3e-7, "dct2 columns in place n=%s: %.3g", tn, th_rel_rms_f64(yt, Y.data, X.n));
    avloc_dct_destroy(d);
    CHECK_EQ_INT(avloc_dct2_f64(d, rows, X.data, 1, n, y, 1, n, scr, sb), AVLOC_ERR_STATE);
    free(d); free(mem); free(scr); free(y); free(back); free(xt); free(yt);
    th_free(&X); th_free(&Y);
}

static avloc_sylvester_path *sylp_new(size_t k, size_t t, void **mem, void **scr, size_t *sb)
{
    avloc_sylvester_path_config c;
    avloc_sylvester_path *p = (avloc_sylvester_path *)malloc(sizeof *p);
    size_t ob = 0;
    c.k = k; c.t = t;
    CHECK_EQ_INT(avloc_sylvester_path_query(&c, &ob, sb), AVLOC_OK);
    *mem = malloc(ob);
    *scr = guarded(*sb);
    CHECK_EQ_INT(avloc_sylvester_path_init(p, &c, *mem, ob), AVLOC_OK);
    return p;
}

static void test_sylvester_path(const char *tn)
{
    th_array M = G("la_path%s_m.npy", tn), R = G("la_path%s_r.npy", tn), Cr = G("la_path%s_c.npy", tn);
    th_array B = th_golden("la_path_beta.npy");
    size_t k = M.shape[0], t = R.n / (k ? k : 1), sb = 0, i, j;
    double *C, *Lb, *C2;
    void *mem, *scr;
    avloc_sylvester_path *p;
    CHECK(M.n > 0 && Cr.n == R.n && B.n == 1);
    if (!M.n || Cr.n != R.n || B.n != 1) return;
    p = sylp_new(k, t, &mem, &scr, &sb);
    C = (double *)malloc(R.n * sizeof *C);
    C2 = (double *)malloc(R.n * sizeof *C2);
    CHECK_EQ_INT(avloc_sylvester_path_f64(p, M.data, k, B.data[0], R.data, t, C, t, scr, sb), AVLOC_OK);
    CHECK(guard_ok((unsigned char *)scr, sb));
    CHECK_MSG(th_rel_rms_f64(C, Cr.data, R.n) < 1e-6, "path sylvester T=%s: rel err %.3g", tn, th_rel_rms_f64(C, Cr.data, R.n));
    /* the same through the symmetric solver with the explicit Laplacian */
    Lb = (double *)calloc(t * t, sizeof *Lb);
    for (i = 0; i < t; i++) {
        Lb[i * t + i] = B.data[0] * ((i == 0 || i == t - 1) ? 1.0 : 2.0);
        if (i + 1 < t) Lb[i * t + i + 1] = Lb[(i + 1) * t + i] = -B.data[0];
    }
    {
        size_t b2 = 0;
        void *s2;
        avloc_sylvester_sym_scratch_f64(k, t, &b2);
        s2 = malloc(b2);
        CHECK_EQ_INT(avloc_sylvester_sym_f64(k, t, M.data, k, Lb, t, R.data, t, C2, t, s2, b2), AVLOC_OK);
        CHECK_MSG(th_rel_rms_f64(C2, Cr.data, R.n) < 1e-12, "sym sylvester, path T=%s: %.3g", tn, th_rel_rms_f64(C2, Cr.data, R.n));
        free(s2);
    }
    /* in place: C = R */
    memcpy(C2, R.data, R.n * sizeof *C2);
    CHECK_EQ_INT(avloc_sylvester_path_f64(p, M.data, k, B.data[0], C2, t, C2, t, scr, sb), AVLOC_OK);
    CHECK(th_rel_rms_f64(C2, Cr.data, R.n) < 1e-6);
    /* bad input: nothing written */
    for (i = 0; i < R.n; i++) C2[i] = SENT;
    CHECK_EQ_INT(avloc_sylvester_path_f64(p, M.data, k, -1.0, R.data, t, C2, t, scr, sb), AVLOC_ERR_PARAM);
    CHECK_EQ_INT(avloc_sylvester_path_f64(p, M.data, k, NAN, R.data, t, C2, t, scr, sb), AVLOC_ERR_PARAM);
    CHECK_EQ_INT(avloc_sylvester_path_f64(p, M.data, k, 1.0, R.data, t, C2, t - 1, scr, sb), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_sylvester_path_f64(p, M.data, k, 1.0, R.data, t, C2, t, scr, sb / 2), AVLOC_ERR_WORKSPACE);
    CHECK_EQ_INT(avloc_sylvester_path_f64(p, M.data, k, 1.0, NULL, t, C2, t, scr, sb), AVLOC_ERR_NULL);
    {
        double *Z = (double *)calloc(k * k, sizeof *Z); /* M = 0: lambda_0 = 0 makes it singular */
        CHECK_EQ_INT(avloc_sylvester_path_f64(p, Z, k, 1.0, R.data, t, C2, t, scr, sb), AVLOC_ERR_NUMERIC);
        Z[0] = NAN;
        CHECK_EQ_INT(avloc_sylvester_path_f64(p, Z, k, 1.0, R.data, t, C2, t, scr, sb), AVLOC_ERR_NONFINITE);
        free(Z);
    }
    for (j = 0; j < R.n; j++) CHECK(C2[j] == SENT);
    CHECK(guard_ok((unsigned char *)scr, sb));
    avloc_sylvester_path_destroy(p);
    CHECK_EQ_INT(avloc_sylvester_path_f64(p, M.data, k, 1.0, R.data, t, C2, t, scr, sb), AVLOC_ERR_STATE);
    free(p); free(mem); free(scr); free(C); free(C2); free(Lb);
    th_free(&M); th_free(&R); th_free(&Cr); th_free(&B);
}

/* T = 1 (a single frame: L = 0, C = M^-1 R) and config errors. */
static void test_sylvester_path_edges(void)
{
    double M[4] = {4, 1, 1, 3}, R[2] = {1, 2}, C[2];
    size_t sb = 0, ob = 0;
    void *mem, *scr;
    avloc_sylvester_path_config c;
    avloc_dct_config dc;
    avloc_sylvester_path *p = sylp_new(2, 1, &mem, &scr, &sb);
    CHECK_EQ_INT(avloc_sylvester_path_f64(p, M, 2, 5.0, R, 1, C, 1, scr, sb), AVLOC_OK);
    CHECK_NEAR(C[0], (3 * 1 - 1 * 2) / 11.0, 1e-7);
    CHECK_NEAR(C[1], (4 * 2 - 1 * 1) / 11.0, 1e-7);
    avloc_sylvester_path_destroy(p);
    free(p); free(mem); free(scr);
    c.k = 0; c.t = 3;
    CHECK_EQ_INT(avloc_sylvester_path_query(&c, &ob, &sb), AVLOC_ERR_SIZE);
    c.k = (size_t)1 << 31; c.t = (size_t)1 << 27;
    CHECK(avloc_sylvester_path_query(&c, &ob, &sb) != AVLOC_OK);
    CHECK_EQ_INT(avloc_sylvester_path_query(NULL, &ob, &sb), AVLOC_ERR_NULL);
    dc.n = 0;
    CHECK_EQ_INT(avloc_dct_query(&dc, &ob, &sb), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_dct_init(NULL, &dc, M, 8), AVLOC_ERR_NULL);
}

/* Exactly low-rank matrices (found by the rpca pipeline on noise-free
   video): a rank-2 256 x 50 float matrix made the one-sided Jacobi of the
   truncated SVD's small core rotate rounding-level columns forever
   (AVLOC_ERR_NUMERIC after 60 sweeps). Both the SVD of such a matrix and
   the truncated SVD of it must succeed, give orthonormal factors, and find
   the two non-zero singular values. */
static void test_exact_low_rank(void)
{
    enum { M = 256, N = 50 };
    static float A[M * N];
    static double Ad[M * N], sd[N], U[M * N], Vt[N * N];
    size_t i, j, b = 0, sb = 0;
    avloc_tsvd t;
    avloc_tsvd_config c = avloc_tsvd_config_default();
    void *mem, *scr;
    float s1[1];
    for (i = 0; i < M; i++)
        for (j = 0; j < N; j++) {
            double v = 0.4 + 0.2 * sin(0.7 * (double)(i % 16) + 0.3 * (double)(i / 16));
            if (i % 16 >= 4 && i % 16 < 8 && i / 16 >= 4 && i / 16 < 8 && (j / 4) % 3 == 0) v += 0.4;
            A[i * N + j] = (float)v;
            Ad[i * N + j] = (double)(float)v;
        }
    CHECK(avloc_svd_scratch_f64(M, N, &sb) == AVLOC_OK);
    scr = malloc(sb);
    CHECK(scr && avloc_svd_f64(M, N, Ad, N, U, N, sd, Vt, N, scr, sb) == AVLOC_OK);
    CHECK(sd[1] > 1e-3 * sd[0] && sd[2] <= 1e-12 * sd[0]);
    CHECK(orth_err_cols(U, M, N, N) < 1e-13 && orth_err_rows(Vt, N, N, N) < 1e-13);
    free(scr);
    c.m = M; c.n = N; c.max_rank = N;
    CHECK(avloc_tsvd_query(&c, &b) == AVLOC_OK);
    mem = malloc(b);
    CHECK(mem && avloc_tsvd_init(&t, &c, mem, b) == AVLOC_OK);
    CHECK(mem && avloc_tsvd_f32(&t, A, N, 1, NULL, 0, s1, NULL, 0) == AVLOC_OK);
    CHECK_NEAR(s1[0], sd[0], 1e-4 * sd[0]);
    free(mem);
}

/* The Gram matrix of a still video (every column the same grey image, plus
   noise at float rounding level, as the SVT input of an RPCA solve on a
   static camera is): one eigenvalue and a cluster of 59 at the rounding
   floor. The QL deflation test once had an absolute floor 1e-3 below that
   noise, the cluster never deflated and the solver gave up (AVLOC_ERR_NUMERIC
   on 9 of 50 such matrices; `avloc rpca` failed on still videos). Checked:
   success, V^T G V diagonal and the trace kept, on 8 matrices (the 6th of
   them failed before). */
static void test_eigh_still_video(void)
{
    enum { M = 4096, N = 60, TRIALS = 8 };
    static float X[M * N];
    static double G[N * N], w[N], V[N * N], GV[N * N];
    size_t i, j, k, q, a, b, bytes = 0, fails = 0;
    double worst = 0.0;
    void *scr;
    CHECK(avloc_eigh_tridiag_scratch_f64(N, &bytes) == AVLOC_OK);
    scr = malloc(bytes);
    rs = 88172645463325252ULL; /* its own sequence: independent of the tests before */
    for (q = 0; q < TRIALS; q++) {
        double tr = 0.0, sum = 0.0, off = 0.0;
        for (i = 0; i < M; i++) {
            float x = (float)floor(128.0 * (urand() + 1.0)) / 255.0f;
            for (j = 0; j < N; j++) X[i * N + j] = x + (float)(5e-8 * urand());
        }
        for (j = 0; j < N; j++)
            for (k = 0; k <= j; k++) {
                double s = 0.0;
                for (i = 0; i < M; i++) s += (double)X[i * N + j] * X[i * N + k];
                G[j * N + k] = G[k * N + j] = s;
            }
        if (!scr || avloc_eigh_tridiag_f64(N, G, N, w, V, N, scr, bytes) != AVLOC_OK) { fails++; continue; }
        for (j = 0; j < N; j++) { tr += G[j * N + j]; sum += w[j]; }
        for (a = 0; a < N; a++) /* GV = G V */
            for (k = 0; k < N; k++) {
                double s = 0.0;
                for (b = 0; b < N; b++) s += G[a * N + b] * V[b * N + k];
                GV[a * N + k] = s;
            }
        for (j = 0; j < N; j++) /* (V^T G V)[j][k], k != j, against ||G|| ~ trace */
            for (k = 0; k < N; k++) {
                double s = 0.0;
                if (k == j) continue;
                for (a = 0; a < N; a++) s += V[a * N + j] * GV[a * N + k];
                if (fabs(s) > off) off = fabs(s);
            }
        if (fabs(sum - tr) / tr > worst) worst = fabs(sum - tr) / tr;
        if (off / tr > worst) worst = off / tr;
    }
    CHECK_EQ_INT((int)fails, 0);
    CHECK(worst < 1e-13);
    free(scr);
}

/* A matrix of subnormals: the power-of-two prescale 2^-e overflowed to Inf
   and both eigensolvers returned NaN with AVLOC_OK. Reference: the 2 x 2
   closed form on the matrix scaled by 2^1000 (exact), scaled back. */
static void test_eigh_subnormal(void)
{
    const double a = 3e-310, b = 1e-310, c = 2e-310, sc = ldexp(1.0, 1000);
    const double as = a * sc, bs = b * sc, cs = c * sc;
    double A[4], w[2], V[4], ref[2], m, r;
    size_t bytes = 0;
    void *scr;
    int tri;
    volatile double probe = a;
    if (probe * 2.0 == 0.0) return; /* subnormals flushed to zero (-ffast-math's FTZ/DAZ): nothing to test */
    A[0] = a; A[1] = b; A[2] = b; A[3] = c;
    m = 0.5 * (as + cs);
    r = sqrt(0.25 * (as - cs) * (as - cs) + bs * bs);
    ref[0] = (m - r) / sc;
    ref[1] = (m + r) / sc;
    for (tri = 0; tri < 2; tri++) {
        CHECK((tri ? avloc_eigh_tridiag_scratch_f64(2, &bytes) : avloc_eigh_scratch_f64(2, &bytes)) == AVLOC_OK);
        scr = malloc(bytes);
        CHECK((tri ? avloc_eigh_tridiag_f64(2, A, 2, w, V, 2, scr, bytes) : avloc_eigh_f64(2, A, 2, w, V, 2, scr, bytes)) == AVLOC_OK);
        CHECK_MSG(fabs(w[0] - ref[0]) <= 1e-9 * ref[1] && fabs(w[1] - ref[1]) <= 1e-9 * ref[1],
                  "%s: w = %g %g, expected %g %g", tri ? "tridiag" : "jacobi", w[0], w[1], ref[0], ref[1]);
        free(scr);
    }
}

/* ---- the Gram-path SVT (cfg.svt_method) */

static avloc_threads g_threads; /* the objects' pool (test_svt_threads; zero: serial) */
static tr_runner g_tr;

static avloc_tsvd *tsvd_method(size_t m, size_t n, size_t max_rank, int method, unsigned char **mem, size_t *bytes)
{
    avloc_tsvd_config c = avloc_tsvd_config_default();
    avloc_tsvd *t = (avloc_tsvd *)malloc(sizeof *t);
    c.m = m; c.n = n; c.max_rank = max_rank; c.power_iters = 1; c.svt_method = method;
    c.threads = g_threads;
    *bytes = 0;
    CHECK_EQ_INT(avloc_tsvd_query(&c, bytes), AVLOC_OK);
    *mem = guarded(*bytes);
    CHECK_EQ_INT(avloc_tsvd_init(t, &c, *mem, *bytes), AVLOC_OK);
    return t;
}

/* sum_i max(s_i - tau, 0) u_i v_i^T (U m x r, Vt r x n, double) */
static void svt_from_svd(const double *U, const double *s, const double *Vt, size_t m, size_t n, double tau,
                         double *out, size_t *rank)
{
    size_t r = m < n ? m : n, i, j, q;
    memset(out, 0, m * n * sizeof *out);
    *rank = 0;
    for (q = 0; q < r; q++) {
        double w = s[q] - tau;
        if (w <= 0) continue;
        ++*rank;
        for (i = 0; i < m; i++)
            for (j = 0; j < n; j++) out[i * n + j] += U[i * r + q] * w * Vt[q * n + j];
    }
}

/* ||out - ref||_F / scale */
static double rel_fro(const float *out, const double *ref, size_t len, double scale)
{
    double d2 = 0;
    size_t i;
    for (i = 0; i < len; i++) d2 += (out[i] - ref[i]) * (out[i] - ref[i]);
    return sqrt(d2) / scale;
}

/* The Gram SVT on numpy's SVD goldens (random, wide, tall, rank-deficient,
   cond 1e8): the SVT built from numpy's U, s, Vt is the reference. The
   input is rounded to float, and the SVT is 1-Lipschitz in Frobenius, so
   the expected error is float rounding: tested at 1e-6 ||A||_F. */
static void test_svt_gram_numpy(const char *name)
{
    th_array A = G("la_svd_%s_a.npy", name), S = G("la_svd_%s_s.npy", name);
    th_array Ur = G("la_svd_%s_u.npy", name), Vr = G("la_svd_%s_vt.npy", name);
    size_t m = A.shape[0], n = A.shape[1], r = m < n ? m : n, i, ti, rank = 0, want = 0, bytes;
    double taus[4], *ref, fro = 0, worst = 0;
    float *Af, *out;
    unsigned char *mem;
    avloc_tsvd *t;
    CHECK(S.n == r && Ur.n == m * r && Vr.n == r * n);
    if (S.n != r || Ur.n != m * r || Vr.n != r * n) return;
    taus[0] = 0.0;
    taus[1] = strcmp(name, "rankdef") == 0 ? sqrt(S.data[1] * S.data[2]) /* inside the spectrum */
            : sqrt(S.data[r / 2 - 1] * S.data[r / 2]);
    taus[2] = strcmp(name, "illcond") == 0 ? sqrt(1e-4 * 1e-5)  /* deep in the tail */
            : strcmp(name, "rankdef") == 0 ? 1e-3 : sqrt(S.data[0] * S.data[1]);
    taus[3] = 1.5 * S.data[0];                                   /* everything thresholded */
    Af = th_to_f32(&A);
    out = (float *)malloc(m * n * sizeof *out);
    ref = (double *)malloc(m * n * sizeof *ref);
    for (i = 0; i < m * n; i++) fro += A.data[i] * A.data[i];
    fro = sqrt(fro);
    t = tsvd_method(m, n, r, AVLOC_SVT_GRAM, &mem, &bytes);
    for (ti = 0; ti < 4; ti++) {
        double e;
        svt_from_svd(Ur.data, S.data, Vr.data, m, n, taus[ti], ref, &want);
        CHECK_EQ_INT(avloc_svt_f32(t, Af, n, (float)taus[ti], out, n, &rank), AVLOC_OK);
        CHECK(t->gram == 1 && t->runs == 0);
        e = rel_fro(out, ref, m * n, fro);
        if (e > worst) worst = e;
        CHECK_MSG(e < 1e-6, "gram svt %s tau %g: |out - numpy| / |A| = %.3g", name, taus[ti], e);
        if (ti > 0) CHECK_MSG(rank == want, "gram svt %s tau %g: rank %u, numpy %u", name, taus[ti],
                              (unsigned)rank, (unsigned)want);
    }
    /* in place (out == A), on the middle threshold */
    svt_from_svd(Ur.data, S.data, Vr.data, m, n, taus[1], ref, &want);
    CHECK_EQ_INT(avloc_svt_f32(t, Af, n, (float)taus[1], Af, n, &rank), AVLOC_OK);
    CHECK_MSG(rel_fro(Af, ref, m * n, fro) < 1e-6, "gram svt %s in place: %.3g", name, rel_fro(Af, ref, m * n, fro));
    CHECK(guard_ok(mem, bytes));
    printf("  gram svt %-8s %ux%u: worst |out - numpy SVT| / |A|_F = %.2e\n", name, (unsigned)m, (unsigned)n, worst);
    avloc_tsvd_destroy(t);
    free(t); free(mem); free(Af); free(out); free(ref);
    th_free(&A); th_free(&S); th_free(&Ur); th_free(&Vr);
}

/* Larger tall and wide matrices (several Gram chunks, in-place chunks, the
   factored low-rank product and the full W product, the warm-started
   eigensolver on later calls) against the SVT from the Jacobi SVD (itself
   checked against numpy above) of the same float matrix in double; and an
   ill-conditioned one (singular values 1 .. 1e-7) with tau down to 3e-7. */
static void test_svt_gram_big(size_t m, size_t n, int illcond)
{
    size_t r = m < n ? m : n, i, j, q, rank = 0, want = 0, bytes, sb = 0, call;
    float *A, *out = (float *)malloc(m * n * sizeof *out);
    double *Ad = (double *)malloc(m * n * sizeof *Ad), *U = (double *)malloc(m * r * sizeof *U);
    double *s = (double *)malloc(r * sizeof *s), *Vt = (double *)malloc(r * n * sizeof *Vt);
    double *ref = (double *)malloc(m * n * sizeof *ref), taus[4], fro = 0, worst = 0;
    unsigned char *mem;
    void *scr;
    avloc_tsvd *t;
    if (illcond) { /* A = U diag(logspace(0, -7)) Vt from the SVD of a random matrix */
        A = (float *)malloc(m * n * sizeof *A);
        for (i = 0; i < m * n; i++) Ad[i] = urand();
        avloc_svd_scratch_f64(m, n, &sb);
        scr = malloc(sb);
        CHECK_EQ_INT(avloc_svd_f64(m, n, Ad, n, U, r, s, Vt, n, scr, sb), AVLOC_OK);
        free(scr);
        for (i = 0; i < m; i++)
            for (j = 0; j < n; j++) {
                double a = 0;
                for (q = 0; q < r; q++) a += U[i * r + q] * pow(10.0, -7.0 * (double)q / (double)(r - 1)) * Vt[q * n + j];
                A[i * n + j] = (float)a;
            }
    } else {
        A = lowrank(m, n, 12, 1e-3);
    }
    for (i = 0; i < m * n; i++) { Ad[i] = A[i]; fro += Ad[i] * Ad[i]; }
    fro = sqrt(fro);
    avloc_svd_scratch_f64(m, n, &sb);
    scr = malloc(sb);
    CHECK_EQ_INT(avloc_svd_f64(m, n, Ad, n, U, r, s, Vt, n, scr, sb), AVLOC_OK);
    free(scr);
    if (illcond) { taus[0] = 1e-3; taus[1] = 1e-5; taus[2] = 1e-3; taus[3] = 3e-7; }
    else { /* rank 5 (factored product), 25 (full W; in the noise floor), all; 25 again in place */
        taus[0] = sqrt(s[4] * s[5]); taus[1] = sqrt(s[24] * s[25]); taus[2] = 0.0; taus[3] = taus[1];
    }
    t = tsvd_method(m, n, r, AVLOC_SVT_GRAM, &mem, &bytes);
    for (call = 0; call < 4; call++) {
        float *o = call == 3 ? A : out;
        double e;
        svt_from_svd(U, s, Vt, m, n, taus[call], ref, &want);
        CHECK_EQ_INT(avloc_svt_f32(t, A, n, (float)taus[call], o, n, &rank), AVLOC_OK);
        e = rel_fro(o, ref, m * n, fro);
        if (e > worst) worst = e;
        CHECK_MSG(e < 1e-6, "gram svt %ux%u%s call %u tau %g: |out - ref| / |A| = %.3g", (unsigned)m, (unsigned)n,
                  illcond ? " illcond" : "", (unsigned)call, taus[call], e);
        if (taus[call] > 0) {
            size_t k = want;
            int clear = (k == 0 || s[k - 1] - taus[call] > 1e-6 * s[k - 1]) &&
                        (k == r || taus[call] - s[k] > 1e-6 * taus[call]);
            if (clear) CHECK_MSG(rank == want, "gram svt rank %u, ref %u", (unsigned)rank, (unsigned)want);
        }
    }
    CHECK(guard_ok(mem, bytes));
    printf("  gram svt %ux%u%s (chunks, warm eigh, in place): worst |out - ref SVT| / |A|_F = %.2e\n",
           (unsigned)m, (unsigned)n, illcond ? " cond 1e7" : "", worst);
    avloc_tsvd_destroy(t);
    free(t); free(mem); free(A); free(out); free(Ad); free(U); free(s); free(Vt); free(ref);
}

/* The Gram path on the 60 x 40 golden SVT (numpy), next to the randomised
   path's 1e-5 / 1e-4: exact to float rounding; the AUTO choice; errors. */
static void test_svt_gram_rule(void)
{
    th_array A = th_golden("la_svt_a.npy"), tau = th_golden("la_svt_tau.npy");
    th_array O2 = th_golden("la_svt_out2.npy"), O05 = th_golden("la_svt_out05.npy");
    size_t m = 60, n = 40, rank, bytes, b2, i;
    float *Af, *out = (float *)malloc(m * n * sizeof *out), *B;
    unsigned char *mem;
    avloc_tsvd *t;
    avloc_tsvd_config c = avloc_tsvd_config_default();
    CHECK(A.n == m * n && O2.n == m * n && O05.n == m * n);
    if (A.n != m * n || O2.n != m * n) { free(out); return; }
    Af = th_to_f32(&A);
    t = tsvd_method(m, n, 40, AVLOC_SVT_GRAM, &mem, &bytes);
    CHECK_EQ_INT(avloc_svt_f32(t, Af, n, (float)tau.data[0], out, n, &rank), AVLOC_OK);
    CHECK_EQ_INT(rank, 3);
    {
        double d2 = 0, r2 = 0;
        for (i = 0; i < m * n; i++) { d2 += (out[i] - O2.data[i]) * (out[i] - O2.data[i]); r2 += O2.data[i] * O2.data[i]; }
        CHECK_MSG(sqrt(d2 / r2) < 1e-6, "gram svt tau 2: rel err %.3g", sqrt(d2 / r2));
    }
    CHECK_EQ_INT(avloc_svt_f32(t, Af, n, (float)tau.data[1], out, n, &rank), AVLOC_OK);
    {
        double d2 = 0, r2 = 0;
        for (i = 0; i < m * n; i++) { d2 += (out[i] - O05.data[i]) * (out[i] - O05.data[i]); r2 += O05.data[i] * O05.data[i]; }
        CHECK_MSG(sqrt(d2 / r2) < 1e-6, "gram svt tau 0.5: rel err %.3g", sqrt(d2 / r2));
    }
    /* max_rank below the rank: the top max_rank components, capped */
    {
        unsigned char *m2;
        size_t by2;
        avloc_tsvd *t2 = tsvd_method(m, n, 2, AVLOC_SVT_GRAM, &m2, &by2);
        CHECK_EQ_INT(avloc_svt_f32(t2, Af, n, (float)tau.data[0], out, n, &rank), AVLOC_OK);
        CHECK_EQ_INT(rank, 2);
        CHECK(t2->capped);
        CHECK(guard_ok(m2, by2));
        avloc_tsvd_destroy(t2);
        free(t2); free(m2);
    }
    avloc_tsvd_destroy(t);
    free(t); free(mem);
    /* AUTO: a low predicted rank of a 300 x 200 matrix stays randomised (the
       s^3 eigensolver dominates), a tall thin one takes the Gram path;
       forcing overrides */
    B = lowrank(300, 200, 5, 1e-3);
    {
        float *o2 = (float *)malloc(300 * 200 * sizeof *o2);
        t = tsvd_method(300, 200, 200, AVLOC_SVT_AUTO, &mem, &bytes);
        CHECK_EQ_INT(avloc_svt_f32(t, B, 200, 1.0f, o2, 200, &rank), AVLOC_OK);
        CHECK(t->gram == 0);
        avloc_tsvd_destroy(t); free(t); free(mem); free(o2);
    }
    free(B);
    B = lowrank(20000, 40, 8, 1e-3);
    {
        float *o2 = (float *)malloc(20000 * 40 * sizeof *o2);
        t = tsvd_method(20000, 40, 40, AVLOC_SVT_AUTO, &mem, &bytes);
        CHECK_EQ_INT(avloc_svt_f32(t, B, 40, 1.0f, o2, 40, &rank), AVLOC_OK);
        CHECK(t->gram == 1);
        avloc_tsvd_destroy(t); free(t); free(mem);
        t = tsvd_method(20000, 40, 40, AVLOC_SVT_RANDOMISED, &mem, &b2);
        CHECK_EQ_INT(avloc_svt_f32(t, B, 40, 1.0f, o2, 40, &rank), AVLOC_OK);
        CHECK(t->gram == 0 && t->gg == NULL);
        CHECK(b2 < bytes); /* no Gram memory when it cannot be used */
        avloc_tsvd_destroy(t); free(t); free(mem);
        free(o2);
    }
    free(B);
    /* bad configurations */
    c.m = 60; c.n = 40; c.max_rank = 10;
    c.svt_method = 3;
    CHECK_EQ_INT(avloc_tsvd_query(&c, &bytes), AVLOC_ERR_PARAM);
    c.svt_method = -1;
    CHECK_EQ_INT(avloc_tsvd_query(&c, &bytes), AVLOC_ERR_PARAM);
    c.m = AVLOC_SVT_GRAM_MAX + 1; c.n = AVLOC_SVT_GRAM_MAX + 1; c.svt_method = AVLOC_SVT_GRAM;
    CHECK_EQ_INT(avloc_tsvd_query(&c, &bytes), AVLOC_ERR_PARAM);
    c.svt_method = AVLOC_SVT_AUTO; /* allowed: AUTO never takes the Gram path there */
    CHECK_EQ_INT(avloc_tsvd_query(&c, &bytes), AVLOC_OK);
    free(Af); free(out);
    th_free(&A); th_free(&tau); th_free(&O2); th_free(&O05);
}

/* The SVT over a caller's pool (the scrambling serial runner of
   task_runner.h; test_threads runs real threads): the Gram path's sums run
   in fixed slabs whatever the workers (two calls with other task orders
   and the serial call: the same bits), the randomised path's products are
   split on tile borders (the serial bits too); the ill-conditioned and chunked checks of test_svt_gram_big
   rerun threaded; memory grows with the workers; too many are refused. */
static void test_svt_threads(void)
{
    size_t shapes[2][2] = {{1300, 40}, {40, 1300}}, si, w, i, rank, r2, b1, b2, b3;
    for (si = 0; si < 2; si++)
        for (w = 2; w <= 3; w++) {
            size_t m = shapes[si][0], n = shapes[si][1], mn = m * n, d12 = 0, dser = 0;
            float *A = lowrank(m, n, 12, 1e-3), *o1 = (float *)malloc(mn * 4), *o2 = (float *)malloc(mn * 4);
            float *o0 = (float *)malloc(mn * 4), s0[10], s1[10], *U0 = (float *)malloc(m * 10 * 4);
            float *U1 = (float *)malloc(m * 10 * 4);
            double e = 0, fro = 0;
            unsigned char *m0, *m1;
            avloc_tsvd *t0, *t1;
            tr_runner tr;
            /* Gram path */
            memset(&g_threads, 0, sizeof g_threads);
            t0 = tsvd_method(m, n, 40, AVLOC_SVT_GRAM, &m0, &b1);
            g_threads = tr_init(&tr, w);
            t1 = tsvd_method(m, n, 40, AVLOC_SVT_GRAM, &m1, &b2);
            CHECK(b2 > b1);
            CHECK_EQ_INT(avloc_svt_f32(t0, A, n, 0.05f, o0, n, &rank), AVLOC_OK);
            CHECK_EQ_INT(avloc_svt_f32(t1, A, n, 0.05f, o1, n, &r2), AVLOC_OK);
            CHECK_EQ_INT(avloc_svt_f32(t1, A, n, 0.05f, o2, n, &r2), AVLOC_OK);
            CHECK(tr.runs >= 4 && tr.tasks > tr.runs); /* slabs and products (and the check when tall) split */
            CHECK_EQ_INT(r2, rank);
            for (i = 0; i < mn; i++) {
                d12 += o1[i] != o2[i];
                e += (double)(o1[i] - o0[i]) * (o1[i] - o0[i]);
                fro += (double)A[i] * A[i];
            }
            CHECK_MSG(d12 == 0, "gram svt %ux%u, %u workers: %u values differ between task orders", (unsigned)m,
                      (unsigned)n, (unsigned)w, (unsigned)d12);
            CHECK_MSG(e == 0.0, "gram svt threaded vs serial: %.3g", sqrt(e / fro));
            CHECK(guard_ok(m1, b2));
            avloc_tsvd_destroy(t0); avloc_tsvd_destroy(t1);
            free(t0); free(t1); free(m0); free(m1);
            /* randomised path: the serial bits */
            memset(&g_threads, 0, sizeof g_threads);
            t0 = tsvd_method(m, n, 40, AVLOC_SVT_RANDOMISED, &m0, &b1);
            g_threads = tr_init(&tr, w);
            t1 = tsvd_method(m, n, 40, AVLOC_SVT_RANDOMISED, &m1, &b2);
            CHECK_EQ_INT(avloc_svt_f32(t0, A, n, 0.05f, o0, n, &rank), AVLOC_OK);
            CHECK_EQ_INT(avloc_svt_f32(t1, A, n, 0.05f, o1, n, &r2), AVLOC_OK);
            CHECK_EQ_INT(avloc_tsvd_f32(t0, A, n, 10, U0, 10, s0, NULL, 0), AVLOC_OK);
            CHECK_EQ_INT(avloc_tsvd_f32(t1, A, n, 10, U1, 10, s1, NULL, 0), AVLOC_OK);
            for (i = 0; i < mn; i++) dser += o0[i] != o1[i];
            for (i = 0; i < m * 10; i++) dser += U0[i] != U1[i];
            for (i = 0; i < 10; i++) dser += s0[i] != s1[i];
            CHECK_MSG(dser == 0 && r2 == rank, "randomised svt %ux%u, %u workers: %u values differ from serial",
                      (unsigned)m, (unsigned)n, (unsigned)w, (unsigned)dser);
            /* the threaded finiteness check: first and last row block, each
               twice (consecutive runs of the runner give its task another worker) */
            {   /* ... and rejected by the check itself, before any product runs
                   (a later check would catch the NaN too, after the work) */
                size_t r0 = tr.runs, want = m > 64 ? 4 : 0;
                A[7] = NAN;
                CHECK_EQ_INT(avloc_svt_f32(t1, A, n, 0.05f, o1, n, &r2), AVLOC_ERR_NONFINITE);
                CHECK_EQ_INT(avloc_svt_f32(t1, A, n, 0.05f, o1, n, &r2), AVLOC_ERR_NONFINITE);
                A[7] = 0.0f;
                A[mn - 1] = INFINITY;
                CHECK_EQ_INT(avloc_tsvd_f32(t1, A, n, 10, U1, 10, s1, NULL, 0), AVLOC_ERR_NONFINITE);
                CHECK_EQ_INT(avloc_tsvd_f32(t1, A, n, 10, U1, 10, s1, NULL, 0), AVLOC_ERR_NONFINITE);
                CHECK_MSG(tr.runs - r0 == want, "%u runs for 4 rejected calls (want %u)", (unsigned)(tr.runs - r0),
                          (unsigned)want);
            }
            avloc_tsvd_destroy(t0); avloc_tsvd_destroy(t1);
            free(t0); free(t1); free(m0); free(m1);
            free(A); free(o0); free(o1); free(o2); free(U0); free(U1);
        }
    {
        tr_runner tr;
        avloc_tsvd_config c = avloc_tsvd_config_default();
        c.m = 60; c.n = 40; c.max_rank = 10;
        c.threads = tr_init(&tr, AVLOC_MAX_WORKERS + 1);
        CHECK_EQ_INT(avloc_tsvd_query(&c, &b3), AVLOC_ERR_PARAM);
    }
    g_threads = tr_init(&g_tr, 3);
    test_svt_gram_big(1300, 40, 0);
    test_svt_gram_big(40, 1300, 0);
    test_svt_gram_big(600, 30, 1);
    memset(&g_threads, 0, sizeof g_threads);
}

/* AVLOC_SVT_AUTO's switches (300 x 200, where its cost rule keeps the
   randomised path): a rank that outgrows the prediction (10) by a few, seen
   inside the oversampled basis, is taken from that one run (12); one that
   outgrows the basis (40 after a prediction of 13) sends the call to the
   exact Gram path, as a retry would cost about as much, and the next
   choice counts two runs. A Gram call whose rank held (at most the
   prediction) counts one again (the forced Gram object below). */
static void test_svt_auto_switch(void)
{
    size_t m = 300, n = 200, rank = 0, bytes;
    float *A12 = rank_r(m, n, 12), *A40 = rank_r(m, n, 40), *out = (float *)malloc(m * n * sizeof *out);
    unsigned char *mem;
    avloc_tsvd *t = tsvd_method(m, n, n, AVLOC_SVT_AUTO, &mem, &bytes);
    CHECK_EQ_INT(avloc_svt_f32(t, A12, n, 0.5f, out, n, &rank), AVLOC_OK);
    CHECK_EQ_INT(rank, 12);
    CHECK_MSG(t->gram == 0 && t->runs == 1, "rank 12 from 10: gram %d, %u runs (want the one randomised run)",
              t->gram, (unsigned)t->runs);
    CHECK(svt_residual_ok(A12, out, m * n, 0.5, 12));
    CHECK_EQ_INT(t->sv, 13);
    CHECK_EQ_INT(avloc_svt_f32(t, A40, n, 0.5f, out, n, &rank), AVLOC_OK);
    CHECK_EQ_INT(rank, 40);
    CHECK_MSG(t->gram == 1 && t->rnd_runs == 2, "rank 40 from 13: gram %d, rnd_runs %u (want the Gram path, 2)",
              t->gram, (unsigned)t->rnd_runs);
    CHECK(svt_residual_ok(A40, out, m * n, 0.5, 40));
    avloc_tsvd_destroy(t);
    free(t); free(mem);
    t = tsvd_method(m, n, n, AVLOC_SVT_GRAM, &mem, &bytes);
    CHECK_EQ_INT(avloc_svt_f32(t, A40, n, 0.5f, out, n, &rank), AVLOC_OK);
    t->rnd_runs = 2; /* as after a call that outgrew its basis */
    CHECK_EQ_INT(avloc_svt_f32(t, A40, n, 0.5f, out, n, &rank), AVLOC_OK);
    CHECK(rank == 40 && t->sv == 41 && t->rnd_runs == 1);
    avloc_tsvd_destroy(t);
    free(t); free(mem); free(A12); free(A40); free(out);
}

int main(void)
{
    static const char *svd_cases[] = {"rand", "wide", "tall", "rankdef", "illcond"};
    size_t i;
    for (i = 0; i < sizeof svd_cases / sizeof *svd_cases; i++) test_svd_case(svd_cases[i]);
    test_svd_zero();
    {
        int tri;
        for (tri = 0; tri < 2; tri++) {
            test_eigh_case("rand", 1, tri);
            test_eigh_case("degen", 0, tri);
            test_eigh_case("indef", 1, tri);
            test_eigh_case("clust", 0, tri);
            test_eigh_case("rankdef", 0, tri);
            test_eigh_case("diag", 0, tri);
            test_eigh_case("n1", 1, tri);
            test_eigh_case("n2", 1, tri);
            test_eigh_case("rand40", 1, tri);
        }
    }
    test_sylvester_sym();
    test_tsvd();
    test_svt();
    test_svt_growth();
    test_svt_auto_switch();
    for (i = 0; i < sizeof svd_cases / sizeof *svd_cases; i++) test_svt_gram_numpy(svd_cases[i]);
    test_svt_gram_big(1300, 40, 0);
    test_svt_gram_big(40, 1300, 0);
    test_svt_gram_big(600, 30, 1);
    test_svt_gram_big(700, 100, 0); /* s = 100: the Gram kernel's tiles over several column panels, a partial row tile (100 = 16 x 6 + 4) */
    test_svt_gram_rule();
    test_svt_threads();
    test_bad_input();
    test_dct("9");
    test_dct("16");
    test_sylvester_path("9");
    test_sylvester_path("16");
    test_sylvester_path_edges();
    test_exact_low_rank();
    test_eigh_still_video();
    test_eigh_subnormal();
    return th_finish("linalg");
}
