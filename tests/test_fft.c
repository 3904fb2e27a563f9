/* FFT: every length 1..1100 and a few large ones against float64 references
   (a double-precision DFT computed here, and numpy goldens from
   tools/gen_goldens_fft.py), plus round trip, Parseval, linearity, in-place,
   workspace and argument checks. Tolerance: relative RMS error <= 1e-6
   against float64, for the built-in FFT and for the FFTW3 backend
   (-DAVLOC_USE_FFTW3 ... -lfftw3f) alike. */
#ifndef AVLOC_STATIC /* only what this program calls is compiled (docs/CONTRIBUTING.md, "CI time") */
#define AVLOC_STATIC 1
#endif
#define AVLOC_IMPLEMENTATION
#include "../avloc_dsp.h"
#include "harness.h"

#include <stdint.h>

#define TOL 1e-6
/* every n up to SMALL_MAX with all bins against a double DFT (O(n^2) each);
   CI's runs under qemu-user lower it (the sampled-bin checks of the primes
   beyond it then start lower), the other runs use 1100 */
#ifndef TEST_FFT_SMALL_MAX
#define TEST_FFT_SMALL_MAX 1100
#endif
#define SMALL_MAX TEST_FFT_SMALL_MAX
/* the primes between SMALL_MAX and 4200: every one of them (1), or every
   k-th under emulation (CI's qemu-user runs: the same plans' code paths at
   a fraction of the time); the nine large primes are always checked */
#ifndef TEST_FFT_PRIME_EVERY
#define TEST_FFT_PRIME_EVERY 1
#endif

#include "fft_hval.h"

typedef struct fft_obj {
    avloc_fft_f32 plan;
    void *mem, *scratch;
    size_t sbytes;
} fft_obj;

static int fft_make(fft_obj *o, size_t n, avloc_fft_kind kind)
{
    size_t pb = 0, sb = 0;
    memset(o, 0, sizeof *o);
    if (avloc_fft_query_f32(th_fftc(n, kind), &pb, &sb) != AVLOC_OK) return -1;
    o->mem = malloc(pb);
    o->scratch = malloc(sb);
    o->sbytes = sb;
    if (!o->mem || !o->scratch) return -1;
    if (avloc_fft_init_f32(&o->plan, th_fftc(n, kind), o->mem, pb) != AVLOC_OK) return -1;
    return o->plan.scratch_bytes == sb ? 0 : -1;
}

static void fft_free(fft_obj *o)
{
    avloc_fft_destroy_f32(&o->plan);
    free(o->mem);
    free(o->scratch);
}

/* ---------------------------------------------------------- references */
/* cos/sin of 2 pi t / n for t < n, double precision */
static double *g_cs;
static size_t g_csn;
static void ref_table(size_t n)
{
    size_t t;
    if (g_csn == n) return;
    free(g_cs);
    g_cs = (double *)malloc(2 * n * sizeof(double));
    for (t = 0; t < n; t++) {
        double a = 6.283185307179586476925 * (double)t / (double)n;
        g_cs[2 * t] = cos(a);
        g_cs[2 * t + 1] = sin(a);
    }
    g_csn = n;
}

/* Bin k of sum_j x[j] e^{sign 2 pi i jk/n} (x complex as float pairs, or real
   when xi == NULL), into y[0], y[1]. */
static void ref_bin(const float *x, int cplx, size_t n, size_t k, int sign, double *y)
{
    double sr = 0, si = 0;
    size_t j, t = 0;
    for (j = 0; j < n; j++) {
        double c = g_cs[2 * t], s = sign * g_cs[2 * t + 1];
        double xr = cplx ? x[2 * j] : x[j], xi = cplx ? x[2 * j + 1] : 0.0;
        sr += xr * c - xi * s;
        si += xr * s + xi * c;
        t += k;
        if (t >= n) t -= n;
    }
    y[0] = sr;
    y[1] = si;
}

/* Hermitian extension of half spectrum h[0..n/2] (imag of DC/Nyquist dropped),
   then the real inverse DFT at sample j, scaled by 1/n. */
static double ref_irfft(const float *h, size_t n, size_t j)
{
    double s = h[0];
    size_t k, t = 0;
    for (k = 1; k <= (n - 1) / 2; k++) {
        t += j;
        if (t >= n) t -= n;
        s += 2.0 * (h[2 * k] * g_cs[2 * t] - h[2 * k + 1] * g_cs[2 * t + 1]);
    }
    if (n % 2 == 0 && n > 1) s += (j % 2 ? -1.0 : 1.0) * h[n];
    return s / (double)n;
}

static double rel_err_f32(const float *got, const double *ref, size_t cnt)
{
    double num = 0, den = 0;
    size_t i;
    for (i = 0; i < cnt; i++) {
        double d = (double)got[i] - ref[i];
        num += d * d;
        den += ref[i] * ref[i];
    }
    return den > 0 ? sqrt(num / den) : sqrt(num);
}

/* ------------------------------------------------- every n from 1 to 1100 */
typedef struct err_stat { double worst; size_t worst_n; int fails; } err_stat;

static void note(err_stat *e, double err, size_t n, const char *what)
{
    if (err > e->worst || err != err) { e->worst = err; e->worst_n = n; }
    if (!(err <= TOL)) {
        e->fails++;
        if (e->fails <= 5) fprintf(stderr, "  %s n=%zu rel err %.3g\n", what, n, err);
        /* the mutation check (one failure decides): stop at the first
           failing size, not after the whole sweep (6 s at -Og) */
        if (getenv("AVLOC_TEST_FAIL_FAST")) CHECK_MSG(err <= TOL, "%s n=%zu", what, n);
    }
}

/* Checks all four transforms of size n on the bins in `bins` (all when NULL). */
static void check_size(size_t n, const size_t *bins, size_t nb, err_stat *st)
{
    fft_obj c, r;
    size_t i, h = n / 2 + 1, cnt = bins ? nb : n, hc = bins ? nb : h;
    float *x = (float *)malloc(2 * n * sizeof(float));
    float *xr = (float *)malloc(n * sizeof(float));
    float *hs = (float *)malloc(2 * h * sizeof(float));
    float *y = (float *)malloc(2 * n * sizeof(float) + 8);
    float *g = (float *)calloc(2 * n, sizeof(float));
    double *ref = (double *)calloc(2 * n, sizeof(double));
    int okc = fft_make(&c, n, AVLOC_FFT_COMPLEX) == 0, okr = fft_make(&r, n, AVLOC_FFT_REAL) == 0;
    CHECK_MSG(okc && okr, "plans for n=%zu", n);
    if (!okc || !okr) goto done;
    for (i = 0; i < 2 * n; i++) x[i] = hval((uint32_t)i, 11);
    for (i = 0; i < n; i++) xr[i] = hval((uint32_t)i, 12);
    for (i = 0; i < 2 * h; i++) hs[i] = hval((uint32_t)i, 13);
    ref_table(n);

    /* c2c forward and inverse */
    CHECK(avloc_fft_c2c_f32(&c.plan, (const avloc_complex_f32 *)x, (avloc_complex_f32 *)y,
                            AVLOC_FFT_FORWARD, c.scratch, c.sbytes) == AVLOC_OK);
    for (i = 0; i < cnt; i++) {
        size_t k = bins ? bins[i] : i;
        ref_bin(x, 1, n, k, -1, ref + 2 * i);
        g[2 * i] = y[2 * k]; g[2 * i + 1] = y[2 * k + 1];
    }
    note(&st[0], rel_err_f32(g, ref, 2 * cnt), n, "c2c forward");
    CHECK(avloc_fft_c2c_f32(&c.plan, (const avloc_complex_f32 *)x, (avloc_complex_f32 *)y,
                            AVLOC_FFT_INVERSE, c.scratch, c.sbytes) == AVLOC_OK);
    for (i = 0; i < cnt; i++) {
        size_t k = bins ? bins[i] : i;
        ref_bin(x, 1, n, k, +1, ref + 2 * i);
        ref[2 * i] /= (double)n; ref[2 * i + 1] /= (double)n;
        g[2 * i] = y[2 * k]; g[2 * i + 1] = y[2 * k + 1];
    }
    note(&st[1], rel_err_f32(g, ref, 2 * cnt), n, "c2c inverse");

    /* r2c */
    CHECK(avloc_fft_r2c_f32(&r.plan, xr, (avloc_complex_f32 *)y, r.scratch, r.sbytes) == AVLOC_OK);
    for (i = 0; i < hc; i++) {
        size_t k = bins ? bins[i] : i;
        ref_bin(xr, 0, n, k, -1, ref + 2 * i);
        g[2 * i] = y[2 * k]; g[2 * i + 1] = y[2 * k + 1];
    }
    note(&st[2], rel_err_f32(g, ref, 2 * hc), n, "r2c");

    /* c2r (junk imaginary parts in DC and Nyquist must be ignored) */
    CHECK(avloc_fft_c2r_f32(&r.plan, (const avloc_complex_f32 *)hs, y, r.scratch, r.sbytes) == AVLOC_OK);
    for (i = 0; i < cnt; i++) {
        size_t j = bins ? bins[i] : i;
        ref[i] = ref_irfft(hs, n, j);
        g[i] = y[j];
    }
    note(&st[3], rel_err_f32(g, ref, cnt), n, "c2r");
done:
    fft_free(&c);
    fft_free(&r);
    free(x); free(xr); free(hs); free(y); free(g); free(ref);
}

static void report(const char *what, err_stat *st)
{
    static const char *names[4] = {"c2c forward", "c2c inverse", "r2c", "c2r"};
    int k;
    for (k = 0; k < 4; k++) {
        CHECK_MSG(st[k].fails == 0, "%s %s: %d sizes fail, worst %.3g at n=%zu", what, names[k],
                  st[k].fails, st[k].worst, st[k].worst_n);
        if (th_verbose) fprintf(stderr, "  %s %s: worst rel err %.3g at n=%zu\n", what, names[k],
                               st[k].worst, st[k].worst_n);
    }
}

static void test_all_small_sizes(void)
{
    err_stat st[4];
    size_t n;
    char what[32];
    memset(st, 0, sizeof st);
    for (n = 1; n <= SMALL_MAX; n++) check_size(n, NULL, 0, st);
    snprintf(what, sizeof what, "n<=%u", (unsigned)SMALL_MAX);
    report(what, st);
}

/* Large sizes: a double DFT on a sample of bins. */
static void test_large_sizes(void)
{
    /* 4096, 16384 and 32768: AVX-512 plans run a fused pair of radix-8 passes */
    static const size_t sizes[] = {4099, 65537, 65536, 19683, 30030, 8192 * 3, 2 * 65521, 4096, 16384, 32768};
    err_stat st[4];
    size_t i, b, bins[40];
    memset(st, 0, sizeof st);
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i];
        for (b = 0; b < 40; b++) bins[b] = b < 4 ? b : (size_t)(b * 2654435761u) % (n / 2 + 1);
        bins[4] = n / 2; /* Nyquist (even n) / last bin */
        check_size(n, bins, 40, st);
    }
    report("large", st);
}

/* ------------------------------------------------ good sizes, Bluestein m */
static int smooth7(size_t m)
{
    static const size_t p[4] = {2, 3, 5, 7};
    int i;
    for (i = 0; i < 4; i++)
        while (m % p[i] == 0) m /= p[i];
    return m == 1;
}

static size_t pow2_ge(size_t n)
{
    size_t p = 1;
    while (p < n) p *= 2;
    return p;
}

static void test_next_fast_size(void)
{
    size_t n, bad = 0, bad_real = 0;
    CHECK(avloc_fft_next_fast_size(0) == 1);
    CHECK(avloc_fft_next_fast_size(1) == 1);
    CHECK(avloc_fft_next_fast_size(AVLOC_MAX_DIM) == AVLOC_MAX_DIM); /* a power of two */
    CHECK(avloc_fft_next_fast_size((size_t)AVLOC_MAX_DIM + 1) == 0);
    CHECK(avloc_fft_next_fast_size_real((size_t)AVLOC_MAX_DIM + 1) == 0);
    CHECK(avloc_fft_next_fast_size_real(1) == 1 && avloc_fft_next_fast_size_real(2) == 2);
    for (n = 2; n <= 20000; n++) {
        size_t m = avloc_fft_next_fast_size(n), r = avloc_fft_next_fast_size_real(n);
        /* >= n, within the next power of two, 7-smooth, a fixed point */
        if (m < n || m > pow2_ge(n) || !smooth7(m) || avloc_fft_next_fast_size(m) != m) {
            if (bad++ < 3) fprintf(stderr, "  next_fast_size(%zu) = %zu\n", n, m);
        }
        if (n > 2 && (r < n || r % 2 || r != 2 * avloc_fft_next_fast_size((n + 1) / 2))) {
            if (bad_real++ < 3) fprintf(stderr, "  next_fast_size_real(%zu) = %zu\n", n, r);
        }
    }
    CHECK_MSG(bad == 0, "%zu bad next_fast_size answers", bad);
    CHECK_MSG(bad_real == 0, "%zu bad next_fast_size_real answers", bad_real);
    /* powers of two are their own answer; odd smooth lengths run partly
       scalar, so the model prefers a larger even length (the header's examples) */
    for (n = 1; n <= 65536; n *= 2) CHECK_MSG(avloc_fft_next_fast_size(n) == n, "pow2 %zu", n);
    CHECK(avloc_fft_next_fast_size(2025) == 2048);
    CHECK(avloc_fft_next_fast_size(1025) == 1152);
}

static int is_prime(size_t n)
{
    size_t d;
    if (n < 2) return 0;
    for (d = 2; d * d <= n; d++)
        if (n % d == 0) return 0;
    return 1;
}

#ifndef AVLOC_USE_FFTW3
/* White box: each plan's algorithm and convolution length is the cost
   model's, and a legal one. Primes run Rader's algorithm over m = n-1 (no
   factor above the generic radix) or a 7-smooth m >= 2n-3, or Bluestein
   over a 7-smooth m >= 2n-1 no larger than the next power of two;
   1009 (1008 = 2^4 3^2 7) gets Rader over 1008, 257 and 65537 over
   powers of two. Lengths 2p with p above the generic radix run Bluestein. */
/* the vector width the plan of n is made for (AVX-512 machines: 4 for the
   plans that keep AVX2, avloc__fft_plan_isa) */
static size_t plan_vw(size_t n) { return avloc__fft_isa_vw(avloc__fft_plan_isa(n)); }

static void check_conv_plan(size_t n)
{
    fft_obj c;
    const avloc__cplan *cp;
    size_t m = 0;
    int algo = avloc__fft_algo(n, plan_vw(n), &m);
    if (fft_make(&c, n, AVLOC_FFT_COMPLEX) != 0) { CHECK_MSG(0, "plan %zu", n); return; }
    cp = ((const avloc__fft_impl *)c.plan.impl)->cp;
    CHECK_MSG(cp->algo == algo && cp->m == m, "n = %zu: plan algo %d m %zu, model %d %zu", n, cp->algo,
              cp->m, algo, m);
    if (cp->algo == AVLOC__FFT_RADER)
        CHECK_MSG(is_prime(n) && (cp->m == n - 1 || (cp->m >= 2 * n - 3 && smooth7(cp->m))),
                  "Rader m = %zu for n = %zu", cp->m, n);
    if (cp->algo == AVLOC__FFT_BLUE)
        CHECK_MSG(cp->m >= 2 * n - 1 && cp->m <= pow2_ge(2 * n - 1) && smooth7(cp->m) &&
                  cp->m == avloc__fft_fast_len(2 * n - 1, plan_vw(n)), "Bluestein m = %zu for n = %zu", cp->m, n);
    if (cp->sub) CHECK_MSG(cp->sub->algo == AVLOC__FFT_DIRECT && cp->sub->n == cp->m, "sub-plan of %zu", n);
    fft_free(&c);
}

static void test_conv_plans(void)
{
    static const size_t primes[] = {53, 257, 1009, 1103, 2053, 4099, 8191, 65537};
    size_t i, nr = 0, nb = 0;
    for (i = 0; i < sizeof primes / sizeof primes[0]; i++) {
        check_conv_plan(primes[i]);
        if (primes[i] > AVLOC__FFT_GMAX) check_conv_plan(2 * primes[i]);
    }
    for (i = 7; i <= 4200; i++) { /* both algorithms are exercised by the sweeps */
        size_t m;
        int algo = is_prime(i) ? avloc__fft_algo(i, plan_vw(i), &m) : -1;
        nr += algo == AVLOC__FFT_RADER;
        nb += algo == AVLOC__FFT_BLUE;
    }
    CHECK_MSG(nr > 20 && nb > 20, "primes 7..4200: %zu Rader, %zu Bluestein plans", nr, nb);
    {
        fft_obj c;
        static const size_t pw[3][2] = {{257, 256}, {1009, 1008}, {65537, 65536}};
        for (i = 0; i < 3; i++) {
            if (fft_make(&c, pw[i][0], AVLOC_FFT_COMPLEX) != 0) { CHECK(0); continue; }
            CHECK_MSG(((const avloc__fft_impl *)c.plan.impl)->cp->algo == AVLOC__FFT_RADER &&
                      ((const avloc__fft_impl *)c.plan.impl)->cp->m == pw[i][1], "Rader over %zu", pw[i][1]);
            fft_free(&c);
        }
    }
    { /* tests/test_fft_goldens.c's sizes reach the algorithms its comment names
         in the scalar set (the M4's) */
        size_t m = 0;
        CHECK(avloc__fft_algo(480, 1, &m) == AVLOC__FFT_DIRECT);
        CHECK(avloc__fft_algo(257, 1, &m) == AVLOC__FFT_RADER && m == 256);
        CHECK(avloc__fft_algo(1009, 1, &m) == AVLOC__FFT_RADER && m == 1008);
        CHECK(avloc__fft_algo(1103, 1, &m) == AVLOC__FFT_BLUE && m == 2304);
    }
}
/* White box: the pass order (avloc__fft_order). A last radix 2 or 3 leaves
   the pass before it an ido under the vector width, all scalar: with
   4-complex vectors no plan of n that 4 does not divide ends on one (50 =
   2 5 5, not 5 5 2: 1.5x faster); every plan's order has the least modelled
   cost of all its orders (a brute force here), and no order is modelled
   slower than avloc__fft_factor's. */
static avloc__fft_cost_t least_order_cost(size_t n, size_t *f, size_t nf, size_t at, size_t vw)
{
    avloc__fft_cost_t best = ~(avloc__fft_cost_t)0, c;
    size_t i, t;
    if (at == nf) return avloc__fft_order_cost(n, f, nf, vw);
    for (i = at; i < nf; i++) {
        t = f[at]; f[at] = f[i]; f[i] = t;
        c = least_order_cost(n, f, nf, at + 1, vw);
        if (c < best) best = c;
        t = f[at]; f[at] = f[i]; f[i] = t;
    }
    return best;
}

/* White box: which plans take the 128-bit set (SSE2, NEON; AVX2-only
   builds compile it for the FFT too), whatever the CPU's best set. Twice an odd number up to 30: its
   in-register kernel (2 complex per vector) is the only vector code that
   fits those sizes, and the real transform of the same n runs it too.
   Twice a prime of the generic butterfly (34, 38, 46): its radix-p pass of
   ido 2 fills 2-complex vectors only. Not 54 = 2 27 nor 62 = 2 31 (direct
   passes, Bluestein on the wider sets: faster there). */
static void test_v128_plans(void)
{
    static const size_t ns[] = {6, 10, 14, 18, 22, 26, 30, 34, 38, 46, 54, 62};
    size_t i;
    int v128 = 0, wider = 0;
#ifdef AVLOC__FFT_V128 /* (AVX2-only builds compile the FFT's 128-bit set too) */
    v128 = avloc__fft_isa() >= AVLOC__ISA_V128;
    wider = avloc__fft_isa() > AVLOC__ISA_V128;
#endif
    for (i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        size_t n = ns[i];
        const avloc__cplan *cp;
        int reg = v128 && n <= 30, set = reg || (wider && n >= 34 && n <= 46);
        fft_obj c;
        if (fft_make(&c, n, AVLOC_FFT_COMPLEX) != 0) { CHECK_MSG(0, "plan %zu", n); continue; }
        cp = ((const avloc__fft_impl *)c.plan.impl)->cp;
        CHECK_MSG((cp->kt != NULL) == reg && (!set || cp->isa == AVLOC__ISA_V128) &&
                      (set || !wider || cp->isa != AVLOC__ISA_V128),
                  "n = %zu: isa %d, in registers %d (want 128-bit %d, in registers %d)", n, cp->isa,
                  cp->kt != NULL, set, reg);
        fft_free(&c);
        if (fft_make(&c, n, AVLOC_FFT_REAL) != 0) { CHECK_MSG(0, "real plan %zu", n); continue; }
        CHECK_MSG(((const avloc__fft_impl *)c.plan.impl)->half == !reg, "real n = %zu: half %d (want %d)", n,
                  ((const avloc__fft_impl *)c.plan.impl)->half, !reg);
        fft_free(&c);
    }
}

static void test_pass_order(void)
{
    static const size_t ns[] = {30, 45, 50, 75, 90, 150, 210, 250, 350, 375, 450, 490, 1250, 2310, 8190, 30030,
                                100, 1000, 1536, 4096};
    size_t i, k;
    for (i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        size_t n = ns[i], vw = plan_vw(n), f[AVLOC__FFT_MAXF], raw[AVLOC__FFT_MAXF], nraw, nf, big = 0;
        const avloc__cplan *cp;
        fft_obj c;
        if (fft_make(&c, n, AVLOC_FFT_COMPLEX) != 0) { CHECK_MSG(0, "plan %zu", n); continue; }
        cp = ((const avloc__fft_impl *)c.plan.impl)->cp;
        CHECK_MSG(cp->algo == AVLOC__FFT_DIRECT && cp->npass > 0, "n = %zu: direct passes", n);
        nf = cp->npass;
        for (k = 0; k < nf; k++) {
            f[k] = cp->pass[k].ip;
            if (f[k] > big) big = f[k];
        }
        nraw = avloc__fft_factor(n, vw, raw);
        CHECK_MSG(nraw == nf && avloc__fft_order_cost(n, f, nf, vw) <= avloc__fft_order_cost(n, raw, nraw, vw),
                  "n = %zu: pass order modelled slower than the factor order", n);
        if (vw >= 4 && n % 4 != 0 && big >= 4)
            CHECK_MSG(f[nf - 1] >= 4, "n = %zu (vw %zu): last radix %zu", n, vw, f[nf - 1]);
        fft_free(&c);
        for (vw = 1; vw <= 8; vw *= 2) { /* every kernel set's order, whatever this CPU runs */
            avloc__fft_cost_t swap, searched;
            nraw = avloc__fft_factor(n, vw, raw);
            nf = avloc__fft_order(n, vw, f, 0);
            swap = avloc__fft_order_cost(n, f, nf, vw);
            nf = avloc__fft_order(n, vw, f, 1);
            searched = avloc__fft_order_cost(n, f, nf, vw);
            CHECK_MSG(nf == nraw && searched <= swap && swap <= avloc__fft_order_cost(n, raw, nraw, vw),
                      "n = %zu, vw %zu: order modelled slower than the factor order", n, vw);
            if (raw[nraw - 1] < 4 && nraw <= 6) /* searched: 6! orders at most */
                CHECK_MSG(searched == least_order_cost(n, raw, nraw, 0, vw), "n = %zu, vw %zu: not the least", n, vw);
        }
    }
    { /* 2-complex vectors (SSE2, NEON) do the ido-2 pass: 50 keeps 5 5 2 (77 ns against 93 for 2 5 5) */
        size_t f[AVLOC__FFT_MAXF];
        CHECK(avloc__fft_order(50, 2, f, 1) == 3 && f[0] == 5 && f[1] == 5 && f[2] == 2);
        CHECK(avloc__fft_order(50, 4, f, 1) == 3 && f[0] == 2 && f[2] == 5);
        CHECK(avloc__fft_order(210, 4, f, 1) == 4 && f[0] == 7 && f[3] == 5); /* 7 2 3 5: not the swap's 2 5 3 7 */
    }
}
#endif

/* Primes beyond the sweep (Rader or Bluestein, as the cost model picks):
   every prime up to 4200 and a spread of larger ones, on a sample of bins,
   and twice each prime up to 4200 (a composite with a factor above the
   generic radix: Bluestein for complex, Rader or Bluestein for the real
   transform's half-length plan). A bug that hits one padded length, one
   generator or one chirp size shows here. */
static void test_primes_beyond_sweep(void)
{
    static const size_t big[] = {4423, 5003, 6007, 8191, 10007, 16381, 32749, 65521, 131071};
    err_stat st[4];
    size_t i, b, n, bins[24], cnt = 0, nprimes = 0, nbig = sizeof big / sizeof big[0];
    memset(st, 0, sizeof st);
    for (i = 0; i < 4200 - SMALL_MAX + nbig; i++) {
        n = i < 4200 - SMALL_MAX ? SMALL_MAX + 1 + i : big[i - (4200 - SMALL_MAX)];
        if (!is_prime(n)) continue;
        if (n <= 4200 && nprimes++ % TEST_FFT_PRIME_EVERY != 0) continue;
        for (b = 0; b < 24; b++) bins[b] = b < 2 ? b : (size_t)(b * 2654435761u + n) % (n / 2 + 1);
        bins[2] = n / 2; /* the last bin of the half spectrum */
        check_size(n, bins, n > 4200 ? 24 : 12, st);
        if (n <= 4200) {
            for (b = 0; b < 12; b++) bins[b] = b < 2 ? b : (size_t)(b * 2654435761u + n) % (n + 1);
            bins[2] = n; /* the Nyquist bin of 2n */
            check_size(2 * n, bins, 12, st);
        }
        cnt++;
    }
    report("primes > 1100", st);
    printf("  fft: %u primes from %u to %u (and 2p up to 8400) checked\n", (unsigned)cnt, (unsigned)SMALL_MAX + 1,
           (unsigned)big[nbig - 1]);
}

/* ------------------------------------------------------------- goldens */
static void test_goldens(void)
{
    th_array idx, a;
    size_t s;
    char path[256];
    err_stat st[4];
    memset(st, 0, sizeof st);
    if (th_load_npy(TH_GOLDEN_DIR "fft_sizes.npy", &idx) != 0) {
        CHECK_MSG(0, "missing golden %sfft_sizes.npy", TH_GOLDEN_DIR);
        return;
    }
    for (s = 0; s < idx.n; s++) {
        size_t n = (size_t)idx.data[s], i, h = n / 2 + 1, K;
        fft_obj c, r;
        float *x, *xr, *hs, *y1, *y2, *y3, *y4;
        double *ref, *got;
        snprintf(path, sizeof path, "%sfft_%zu.npy", TH_GOLDEN_DIR, n);
        if (th_load_npy(path, &a) != 0 || a.ndim != 2 || a.shape[1] != 8) {
            CHECK_MSG(0, "bad golden %s", path);
            continue;
        }
        K = a.shape[0];
        x = (float *)malloc(2 * n * sizeof(float));
        xr = (float *)malloc(n * sizeof(float));
        hs = (float *)malloc(2 * h * sizeof(float));
        y1 = (float *)malloc(2 * n * sizeof(float));
        y2 = (float *)malloc(2 * n * sizeof(float));
        y3 = (float *)malloc(2 * h * sizeof(float));
        y4 = (float *)malloc(n * sizeof(float));
        ref = (double *)malloc(7 * K * sizeof(double));
        got = (double *)malloc(7 * K * sizeof(double));
        for (i = 0; i < 2 * n; i++) x[i] = hval((uint32_t)i, 1);
        for (i = 0; i < n; i++) xr[i] = hval((uint32_t)i, 2);
        for (i = 0; i < 2 * h; i++) hs[i] = hval((uint32_t)i, 3);
        CHECK(fft_make(&c, n, AVLOC_FFT_COMPLEX) == 0 && fft_make(&r, n, AVLOC_FFT_REAL) == 0);
        CHECK(avloc_fft_c2c_f32(&c.plan, (avloc_complex_f32 *)x, (avloc_complex_f32 *)y1,
                                AVLOC_FFT_FORWARD, c.scratch, c.sbytes) == AVLOC_OK);
        CHECK(avloc_fft_c2c_f32(&c.plan, (avloc_complex_f32 *)x, (avloc_complex_f32 *)y2,
                                AVLOC_FFT_INVERSE, c.scratch, c.sbytes) == AVLOC_OK);
        CHECK(avloc_fft_r2c_f32(&r.plan, xr, (avloc_complex_f32 *)y3, r.scratch, r.sbytes) == AVLOC_OK);
        CHECK(avloc_fft_c2r_f32(&r.plan, (avloc_complex_f32 *)hs, y4, r.scratch, r.sbytes) == AVLOC_OK);
        for (i = 0; i < K; i++) {
            size_t k = (size_t)a.data[8 * i], q;
            CHECK_MSG(k < h, "golden index %zu out of range for n=%zu", k, n);
            if (k >= h) k = 0;
            for (q = 0; q < 7; q++) ref[q * K + i] = a.data[8 * i + 1 + q];
            got[0 * K + i] = y1[2 * k]; got[1 * K + i] = y1[2 * k + 1];
            got[2 * K + i] = y2[2 * k]; got[3 * K + i] = y2[2 * k + 1];
            got[4 * K + i] = y3[2 * k]; got[5 * K + i] = y3[2 * k + 1];
            got[6 * K + i] = y4[k];
        }
        {
            /* re and im of each transform are contiguous blocks of K */
            note(&st[0], th_rel_rms_f64(got, ref, 2 * K), n, "golden fft");
            note(&st[1], th_rel_rms_f64(got + 2 * K, ref + 2 * K, 2 * K), n, "golden ifft");
            note(&st[2], th_rel_rms_f64(got + 4 * K, ref + 4 * K, 2 * K), n, "golden rfft");
            note(&st[3], th_rel_rms_f64(got + 6 * K, ref + 6 * K, K), n, "golden irfft");
        }
        fft_free(&c);
        fft_free(&r);
        free(x); free(xr); free(hs); free(y1); free(y2); free(y3); free(y4); free(ref); free(got);
        th_free(&a);
    }
    CHECK(idx.n >= 10);
    th_free(&idx);
    report("goldens", st);
}

/* ------------------------------------------ algebraic properties, in place */
static void test_properties(void)
{
    static const size_t sizes[] = {1, 2, 3, 16, 60, 97, 256, 257, 1000, 1009, 1024, 2053, 4099, 30030};
    size_t s;
    for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s], i, h = n / 2 + 1;
        fft_obj c, r;
        float *x = (float *)malloc(2 * n * sizeof(float)), *y = (float *)malloc(2 * n * sizeof(float));
        float *z = (float *)malloc(2 * n * sizeof(float)), *w = (float *)malloc(2 * n * sizeof(float));
        float *u = (float *)malloc(2 * (h + 1) * sizeof(float)), *v = (float *)malloc(2 * (h + 1) * sizeof(float));
        double ex = 0, ey = 0, num = 0, den = 0;
        CHECK(fft_make(&c, n, AVLOC_FFT_COMPLEX) == 0 && fft_make(&r, n, AVLOC_FFT_REAL) == 0);
        for (i = 0; i < 2 * n; i++) { x[i] = hval((uint32_t)i, 21); w[i] = hval((uint32_t)i, 22); }

        /* round trip and Parseval */
        avloc_fft_c2c_f32(&c.plan, (avloc_complex_f32 *)x, (avloc_complex_f32 *)y, AVLOC_FFT_FORWARD, c.scratch, c.sbytes);
        avloc_fft_c2c_f32(&c.plan, (avloc_complex_f32 *)y, (avloc_complex_f32 *)z, AVLOC_FFT_INVERSE, c.scratch, c.sbytes);
        for (i = 0; i < 2 * n; i++) {
            ex += (double)x[i] * x[i];
            ey += (double)y[i] * y[i];
            num += ((double)z[i] - x[i]) * ((double)z[i] - x[i]);
        }
        CHECK_MSG(sqrt(num / ex) <= TOL, "c2c round trip n=%zu err %.3g", n, sqrt(num / ex));
        CHECK_MSG(fabs(ey / (double)n - ex) <= 1e-5 * ex, "Parseval n=%zu", n);

        /* linearity: F(2x - 3w) = 2F(x) - 3F(w) */
        {
            float *a = (float *)malloc(2 * n * sizeof(float)), *fa = (float *)malloc(2 * n * sizeof(float));
            float *fw = (float *)malloc(2 * n * sizeof(float));
            for (i = 0; i < 2 * n; i++) a[i] = 2.0f * x[i] - 3.0f * w[i];
            avloc_fft_c2c_f32(&c.plan, (avloc_complex_f32 *)a, (avloc_complex_f32 *)fa, AVLOC_FFT_FORWARD, c.scratch, c.sbytes);
            avloc_fft_c2c_f32(&c.plan, (avloc_complex_f32 *)w, (avloc_complex_f32 *)fw, AVLOC_FFT_FORWARD, c.scratch, c.sbytes);
            num = den = 0;
            for (i = 0; i < 2 * n; i++) {
                double e = 2.0 * y[i] - 3.0 * fw[i];
                num += (fa[i] - e) * (fa[i] - e);
                den += e * e;
            }
            CHECK_MSG(sqrt(num / den) <= 4 * TOL, "linearity n=%zu err %.3g", n, sqrt(num / den));
            free(a); free(fa); free(fw);
        }

        /* in place c2c (both directions) equals out of place */
        memcpy(z, x, 2 * n * sizeof(float));
        avloc_fft_c2c_f32(&c.plan, (avloc_complex_f32 *)z, (avloc_complex_f32 *)z, AVLOC_FFT_FORWARD, c.scratch, c.sbytes);
        CHECK_MSG(memcmp(z, y, 2 * n * sizeof(float)) == 0, "in-place c2c forward n=%zu", n);
        avloc_fft_c2c_f32(&c.plan, (avloc_complex_f32 *)z, (avloc_complex_f32 *)z, AVLOC_FFT_INVERSE, c.scratch, c.sbytes);
        num = 0;
        for (i = 0; i < 2 * n; i++) num += ((double)z[i] - x[i]) * ((double)z[i] - x[i]);
        CHECK_MSG(sqrt(num / ex) <= TOL, "in-place c2c round trip n=%zu", n);

        /* real: out of place, in place, round trip; the input is not modified */
        memcpy(w, x, n * sizeof(float));
        CHECK(avloc_fft_r2c_f32(&r.plan, x, (avloc_complex_f32 *)u, r.scratch, r.sbytes) == AVLOC_OK);
        CHECK(memcmp(w, x, n * sizeof(float)) == 0);
        memcpy(v, x, n * sizeof(float));
        CHECK(avloc_fft_r2c_f32(&r.plan, v, (avloc_complex_f32 *)v, r.scratch, r.sbytes) == AVLOC_OK);
        CHECK_MSG(memcmp(u, v, 2 * h * sizeof(float)) == 0, "in-place r2c n=%zu", n);
        memcpy(w, u, 2 * h * sizeof(float));
        CHECK(avloc_fft_c2r_f32(&r.plan, (avloc_complex_f32 *)u, z, r.scratch, r.sbytes) == AVLOC_OK);
        CHECK_MSG(memcmp(w, u, 2 * h * sizeof(float)) == 0, "c2r leaves its input alone n=%zu", n);
        CHECK(avloc_fft_c2r_f32(&r.plan, (avloc_complex_f32 *)v, (float *)v, r.scratch, r.sbytes) == AVLOC_OK);
        CHECK_MSG(memcmp(z, v, n * sizeof(float)) == 0, "in-place c2r n=%zu", n);
        num = den = 0;
        for (i = 0; i < n; i++) { num += ((double)z[i] - x[i]) * ((double)z[i] - x[i]); den += (double)x[i] * x[i]; }
        CHECK_MSG(sqrt(num / den) <= TOL, "real round trip n=%zu err %.3g", n, sqrt(num / den));

        /* impulse -> flat spectrum, constant -> single bin */
        for (i = 0; i < 2 * n; i++) x[i] = 0.0f;
        x[0] = 1.0f;
        avloc_fft_c2c_f32(&c.plan, (avloc_complex_f32 *)x, (avloc_complex_f32 *)y, AVLOC_FFT_FORWARD, c.scratch, c.sbytes);
        num = 0;
        for (i = 0; i < n; i++) num += fabs(y[2 * i] - 1.0) + fabs(y[2 * i + 1]);
        CHECK_MSG(num <= 1e-6 * (double)n, "impulse n=%zu", n);
        for (i = 0; i < n; i++) x[i] = 1.0f;
        avloc_fft_r2c_f32(&r.plan, x, (avloc_complex_f32 *)u, r.scratch, r.sbytes);
        num = fabs(u[0] - (double)n) + fabs(u[1]);
        for (i = 1; i < h; i++) num += fabs(u[2 * i]) + fabs(u[2 * i + 1]);
        CHECK_MSG(num <= 1e-5 * (double)n, "constant n=%zu", n);

        fft_free(&c);
        fft_free(&r);
        free(x); free(y); free(z); free(w); free(u); free(v);
    }
}

/* 64-byte aligned pointer into a buffer with 16 floats of slack */
static float *align64(float *p)
{
    return p + ((64 - (size_t)(uintptr_t)p % 64) % 64) / sizeof(float);
}

/* Results do not depend on buffer alignment: in and out at every float offset
   of a cache line, and in place, give the bits of 64-byte aligned buffers.
   (An out off AVLOC_ALIGN takes another route: the passes before the last
   one run in the scratch, avloc__cfft_exec.) Complex c2c both ways, real r2c
   and c2r, at lengths of every plan kind (AVX-512 fused passes at 4096,
   32768 and 16384 real). */
static void test_alignment(void)
{
    static const size_t sizes[] = {1000, 1024, 2048, 4096, 32768, 16384};
    size_t s, i, off;
    int kind, dir;
    for (s = 0; s < sizeof sizes / sizeof *sizes; s++)
        for (kind = 0; kind < 2; kind++) {
            size_t n = sizes[s], nf = 2 * n + 2; /* floats of the larger side */
            float *bi = (float *)malloc((nf + 32) * sizeof(float)), *bo = (float *)malloc((nf + 32) * sizeof(float));
            float *ref = (float *)malloc((nf + 16) * sizeof(float)), *bs = (float *)malloc((nf + 16) * sizeof(float));
            float *ai = align64(bs), *r = align64(ref);
            fft_obj o;
            CHECK(bi && bo && ref && bs && fft_make(&o, n, kind ? AVLOC_FFT_REAL : AVLOC_FFT_COMPLEX) == 0);
            for (dir = 0; dir < 2; dir++) {
                /* what each call reads and writes, in floats */
                size_t nin = kind ? (dir ? n + 2 : n) : 2 * n, nout = kind ? (dir ? n : n + 2) : 2 * n;
#define ALIGN_RUN(IN, OUT)                                                                                    \
    (kind == 0   ? avloc_fft_c2c_f32(&o.plan, (const avloc_complex_f32 *)(IN), (avloc_complex_f32 *)(OUT),      \
                                     dir ? AVLOC_FFT_INVERSE : AVLOC_FFT_FORWARD, o.scratch, o.sbytes)          \
     : dir == 0 ? avloc_fft_r2c_f32(&o.plan, (IN), (avloc_complex_f32 *)(OUT), o.scratch, o.sbytes)             \
                : avloc_fft_c2r_f32(&o.plan, (const avloc_complex_f32 *)(IN), (OUT), o.scratch, o.sbytes))
                for (i = 0; i < nin; i++) ai[i] = hval((uint32_t)(i + 7 * s + 3 * (size_t)dir), 5);
                if (kind && dir) ai[1] = ai[nin - 1] = 0.0f; /* a real signal's DC and Nyquist bins */
                CHECK(ALIGN_RUN(ai, r) == AVLOC_OK);
                for (off = 1; off < 16; off++) {
                    float *in = bi + off, *out = bo + 16 - off, *ip = bo + off;
                    memcpy(in, ai, nin * sizeof(float));
                    CHECK(ALIGN_RUN(in, out) == AVLOC_OK);
                    CHECK_MSG(memcmp(out, r, nout * sizeof(float)) == 0, "n=%zu kind %d dir %d offset %zu", n,
                              kind, dir, off);
                    memcpy(ip, ai, nin * sizeof(float));
                    CHECK(ALIGN_RUN(ip, ip) == AVLOC_OK);
                    CHECK_MSG(memcmp(ip, r, nout * sizeof(float)) == 0, "in place n=%zu kind %d dir %d offset %zu",
                              n, kind, dir, off);
                }
#undef ALIGN_RUN
            }
            fft_free(&o);
            free(bi); free(bo); free(ref); free(bs);
        }
}

/* -------------------------------------------------- workspace and errors */
static void test_workspace(void)
{
    static const size_t sizes[] = {1, 7, 64, 250, 1031, 4099};
    size_t s, k;
    for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        for (k = 0; k < 2; k++) {
            avloc_fft_kind kind = k ? AVLOC_FFT_REAL : AVLOC_FFT_COMPLEX;
            size_t n = sizes[s], pb = 0, sb = 0, off;
            unsigned char *mem, *scr;
            avloc_fft_f32 p;
            float *x = (float *)calloc(2 * n + 2, sizeof(float)), *y = (float *)calloc(2 * n + 2, sizeof(float));
            CHECK(avloc_fft_query_f32(th_fftc(n, kind), &pb, &sb) == AVLOC_OK);
            CHECK(avloc_fft_query_f32(th_fftc(n, kind), NULL, NULL) == AVLOC_OK);
            mem = (unsigned char *)malloc(pb + 64);
            scr = (unsigned char *)malloc(sb + 64);
            /* too little plan memory */
            memset(&p, 0, sizeof p);
            {   /* pb includes AVLOC_ALIGN bytes of slack for an unaligned base */
                unsigned char *al = mem + ((64 - ((size_t)(uintptr_t)mem & 63)) & 63);
                CHECK_EQ_INT(avloc_fft_init_f32(&p, th_fftc(n, kind), al, pb - AVLOC_ALIGN - 1), AVLOC_ERR_WORKSPACE);
                CHECK_EQ_INT(avloc_fft_init_f32(&p, th_fftc(n, kind), al + 1, pb - 2), AVLOC_ERR_WORKSPACE);
            }
            CHECK_EQ_INT(avloc_fft_init_f32(&p, th_fftc(n, kind), mem, 0), AVLOC_ERR_WORKSPACE);
            CHECK(p.impl == NULL);
            /* exactly the queried bytes at any alignment */
            for (off = 0; off < 64; off += 13) {
                CHECK_EQ_INT(avloc_fft_init_f32(&p, th_fftc(n, kind), mem + off, pb), AVLOC_OK);
                CHECK(p.scratch_bytes == sb);
                if (kind == AVLOC_FFT_COMPLEX) {
                    CHECK_EQ_INT(avloc_fft_c2c_f32(&p, (avloc_complex_f32 *)x, (avloc_complex_f32 *)y, AVLOC_FFT_FORWARD, scr + off, sb), AVLOC_OK);
                    CHECK_EQ_INT(avloc_fft_c2c_f32(&p, (avloc_complex_f32 *)x, (avloc_complex_f32 *)y, AVLOC_FFT_FORWARD, scr + off, sb - 1), AVLOC_ERR_WORKSPACE);
                    CHECK_EQ_INT(avloc_fft_c2c_f32(&p, (avloc_complex_f32 *)x, (avloc_complex_f32 *)y, AVLOC_FFT_INVERSE, scr, 0), AVLOC_ERR_WORKSPACE);
                } else {
                    CHECK_EQ_INT(avloc_fft_r2c_f32(&p, x, (avloc_complex_f32 *)y, scr + off, sb), AVLOC_OK);
                    CHECK_EQ_INT(avloc_fft_c2r_f32(&p, (avloc_complex_f32 *)x, y, scr + off, sb), AVLOC_OK);
                    CHECK_EQ_INT(avloc_fft_r2c_f32(&p, x, (avloc_complex_f32 *)y, scr + off, sb - 1), AVLOC_ERR_WORKSPACE);
                    CHECK_EQ_INT(avloc_fft_c2r_f32(&p, (avloc_complex_f32 *)x, y, scr + off, sb - 1), AVLOC_ERR_WORKSPACE);
                }
                avloc_fft_destroy_f32(&p);
            }
            free(mem); free(scr); free(x); free(y);
        }
    }
}

static void test_errors(void)
{
    size_t pb = 0, sb = 0;
    avloc_fft_f32 pc, pr, zero;
    unsigned char *mc, *mr, *scr;
    avloc_complex_f32 cx[16], cy[16];
    float rx[16];
    memset(cx, 0, sizeof cx);
    memset(rx, 0, sizeof rx);
    memset(&zero, 0, sizeof zero);
    CHECK_EQ_INT(avloc_fft_query_f32(th_fftc(0, AVLOC_FFT_COMPLEX), &pb, &sb), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_fft_query_f32(th_fftc(AVLOC_MAX_DIM + 1, AVLOC_FFT_REAL), &pb, &sb), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_fft_query_f32(th_fftc(16, (avloc_fft_kind)7), &pb, &sb), AVLOC_ERR_PARAM);
    CHECK_EQ_INT(avloc_fft_query_f32(th_fftc(16, AVLOC_FFT_COMPLEX), &pb, &sb), AVLOC_OK);
    mc = (unsigned char *)malloc(pb);
    CHECK_EQ_INT(avloc_fft_init_f32(NULL, th_fftc(16, AVLOC_FFT_COMPLEX), mc, pb), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_fft_init_f32(&pc, th_fftc(16, AVLOC_FFT_COMPLEX), NULL, pb), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_fft_init_f32(&pc, th_fftc(0, AVLOC_FFT_COMPLEX), mc, pb), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_fft_init_f32(&pc, th_fftc(AVLOC_MAX_DIM + 1, AVLOC_FFT_COMPLEX), mc, pb), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_fft_init_f32(&pc, th_fftc(16, (avloc_fft_kind)-1), mc, pb), AVLOC_ERR_PARAM);
    CHECK_EQ_INT(avloc_fft_query_f32(NULL, &pb, &sb), AVLOC_ERR_NULL);                /* no config */
    memset(&pc, 0x5a, sizeof pc);
    CHECK_EQ_INT(avloc_fft_init_f32(&pc, NULL, mc, pb), AVLOC_ERR_NULL);
    CHECK(pc.n == 0 && pc.impl == NULL && pc.scratch_bytes == 0);                      /* the failed-init state */
    CHECK_EQ_INT(avloc_fft_init_f32(&pc, th_fftc(16, AVLOC_FFT_COMPLEX), mc, pb), AVLOC_OK);
    CHECK_EQ_INT(avloc_fft_query_f32(th_fftc(16, AVLOC_FFT_REAL), &pb, &sb), AVLOC_OK);
    mr = (unsigned char *)malloc(pb);
    CHECK_EQ_INT(avloc_fft_init_f32(&pr, th_fftc(16, AVLOC_FFT_REAL), mr, pb), AVLOC_OK);
    sb = pc.scratch_bytes > pr.scratch_bytes ? pc.scratch_bytes : pr.scratch_bytes;
    scr = (unsigned char *)malloc(sb);

    CHECK_EQ_INT(avloc_fft_c2c_f32(NULL, cx, cy, AVLOC_FFT_FORWARD, scr, sb), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_fft_c2c_f32(&pc, NULL, cy, AVLOC_FFT_FORWARD, scr, sb), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_fft_c2c_f32(&pc, cx, NULL, AVLOC_FFT_FORWARD, scr, sb), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_fft_c2c_f32(&pc, cx, cy, AVLOC_FFT_FORWARD, NULL, sb), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_fft_c2c_f32(&pc, cx, cy, (avloc_fft_dir)2, scr, sb), AVLOC_ERR_PARAM);
    CHECK_EQ_INT(avloc_fft_c2c_f32(&zero, cx, cy, AVLOC_FFT_FORWARD, scr, sb), AVLOC_ERR_STATE);
    CHECK_EQ_INT(avloc_fft_r2c_f32(&zero, rx, cy, scr, sb), AVLOC_ERR_STATE);
    CHECK_EQ_INT(avloc_fft_c2r_f32(&zero, cx, rx, scr, sb), AVLOC_ERR_STATE);
    CHECK_EQ_INT(avloc_fft_r2c_f32(NULL, rx, cy, scr, sb), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_fft_r2c_f32(&pr, NULL, cy, scr, sb), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_fft_r2c_f32(&pr, rx, NULL, scr, sb), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_fft_r2c_f32(&pr, rx, cy, NULL, sb), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_fft_c2r_f32(NULL, cx, rx, scr, sb), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_fft_c2r_f32(&pr, NULL, rx, scr, sb), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_fft_c2r_f32(&pr, cx, NULL, scr, sb), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_fft_c2r_f32(&pr, cx, rx, NULL, sb), AVLOC_ERR_NULL);
    /* kind mismatch */
    CHECK_EQ_INT(avloc_fft_r2c_f32(&pc, rx, cy, scr, sb), AVLOC_ERR_PARAM);
    CHECK_EQ_INT(avloc_fft_c2r_f32(&pc, cx, rx, scr, sb), AVLOC_ERR_PARAM);
    CHECK_EQ_INT(avloc_fft_c2c_f32(&pr, cx, cy, AVLOC_FFT_FORWARD, scr, sb), AVLOC_ERR_PARAM);
    /* good calls still work */
    CHECK_EQ_INT(avloc_fft_c2c_f32(&pc, cx, cy, AVLOC_FFT_FORWARD, scr, sb), AVLOC_OK);
    CHECK_EQ_INT(avloc_fft_r2c_f32(&pr, rx, cy, scr, sb), AVLOC_OK);
    CHECK_EQ_INT(avloc_fft_c2r_f32(&pr, cx, rx, scr, sb), AVLOC_OK);
    /* destroyed plan is uninitialised */
    avloc_fft_destroy_f32(&pc);
    CHECK_EQ_INT(avloc_fft_c2c_f32(&pc, cx, cy, AVLOC_FFT_FORWARD, scr, sb), AVLOC_ERR_STATE);
    avloc_fft_destroy_f32(&pc);
    avloc_fft_destroy_f32(NULL);
    avloc_fft_destroy_f32(&pr);
    free(mc); free(mr); free(scr);
}

#if defined(AVLOC__VSET_AVX512) && !defined(AVLOC_USE_FFTW3)
/* The avx512 operations the FFT template adds to the SIMD layer, lane by
   lane against their meaning (tests/test_simd.c cannot: it builds with
   AVLOC_NO_FMA, which leaves the avx512 set out). Complex k is floats 2k, 2k+1. */
AVLOC__AVX512_BEGIN
static void avx512_ops(void)
{
    float a[128], b[16], o[16], p[16];
    __m512 v[8];
    int i, r, ok;
    for (i = 0; i < 128; i++) a[i] = (float)(i * 7 % 31) - 15.5f + 0.25f * (float)i;
    for (i = 0; i < 16; i++) b[i] = 0.5f * (float)(i * 5 % 11) - 2.0f;
#define T512(name, expr, ref)                                               \
    _mm512_storeu_ps(o, expr);                                              \
    for (ok = 1, i = 0; i < 16; i++) ok &= o[i] == (ref);                   \
    CHECK_MSG(ok, "avx512 %s", name)
    {
        const __m512 va = avloc__vf_ld_avx512(a), vb = avloc__vf_ld_avx512(b);
        T512("add", avloc__vf_add_avx512(va, vb), a[i] + b[i]);
        T512("sub", avloc__vf_sub_avx512(va, vb), a[i] - b[i]);
        T512("fnmadd", avloc__vf_fnmadd_avx512(va, vb, vb), fmaf(-a[i], b[i], b[i]));
        T512("cswap", avloc__vf_cswap_avx512(va), a[i ^ 1]);
        T512("cdupre", avloc__vf_cdupre_avx512(va), a[i & ~1]);
        T512("cdupim", avloc__vf_cdupim_avx512(va), a[i | 1]);
        T512("crev", avloc__vf_crev_avx512(va), a[(14 - (i & ~1)) | (i & 1)]);
        T512("csign re/xorm", avloc__vf_xorm_avx512(va, avloc__vf_csign_avx512(0)), i % 2 ? a[i] : -a[i]);
        T512("csign im/xorm", avloc__vf_xorm_avx512(va, avloc__vf_csign_avx512(1)), i % 2 ? -a[i] : a[i]);
        {
            __m512 re, im, x, y;
            avloc__vf_cdeint_avx512(va, vb, &re, &im);
            avloc__vf_cint_avx512(re, im, &x, &y);
            T512("cdeint/cint", x, a[i]);
            T512("cdeint/cint (2)", y, b[i]);
            _mm512_storeu_ps(p, re);
            _mm512_storeu_ps(o, im);
            for (ok = 1, i = 0; i < 16; i++) /* every real part once in re, its imaginary part at the same lane of im */
                for (r = 0; r < 8; r++)
                    if (p[i] == a[2 * r] && o[i] == a[2 * r + 1]) ok++;
            CHECK_MSG(ok >= 9, "avx512 cdeint pairs (%d)", ok - 1);
            avloc__vf_czip_avx512(va, vb, &x, &y);
            T512("czip lo", x, i % 4 < 2 ? a[(i / 4) * 2 + i % 2] : b[(i / 4) * 2 + i % 2]);
            T512("czip hi", y, i % 4 < 2 ? a[8 + (i / 4) * 2 + i % 2] : b[8 + (i / 4) * 2 + i % 2]);
        }
    }
    /* ld4t: 8 rows of 4 complex, 6 complex apart -> c[q] lane r = row r, column q */
    avloc__vf_ld4t_avx512(a, 6, v);
    for (r = 0; r < 4; r++) { T512("ld4t", v[r], a[12 * (i / 2) + 2 * r + i % 2]); }
    /* ctr8: the 8 x 8 complex transpose */
    for (r = 0; r < 8; r++) v[r] = avloc__vf_ld_avx512(a + 16 * r);
    avloc__vf_ctr8_avx512(v);
    for (r = 0; r < 8; r++) { T512("ctr8", v[r], a[16 * (i / 2) + 2 * r + i % 2]); }
#undef T512
}
AVLOC__AVX512_END
static void test_avx512_ops(void)
{
    if (AVLOC__AVX512_OK()) avx512_ops();
}
#else
static void test_avx512_ops(void) {}
#endif

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "-v") == 0) th_verbose = 1;
    test_errors();
    test_workspace();
    test_alignment();
    test_properties();
    test_goldens();
    test_next_fast_size();
#ifndef AVLOC_USE_FFTW3
    test_conv_plans();
    test_v128_plans();
    test_pass_order();
#endif
    /* the sweep first: most kernel bugs show at small sizes, and the
       mutation check stops at the first failure */
    test_all_small_sizes();
    test_large_sizes();
    test_primes_beyond_sweep();
    test_avx512_ops();
    free(g_cs);
    return th_finish("fft");
}
