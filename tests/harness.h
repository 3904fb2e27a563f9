/* tests/harness.h - a tiny test harness: CHECK macros, tolerance helpers and
   a .npy reader for golden files. Each tests/test_*.c is its own program and
   ends with `return th_finish("name");`, which prints "name: N passed, N
   failed"; `make test` sums them into the closing line. */
#ifndef AVLOC_TEST_HARNESS_H
#define AVLOC_TEST_HARNESS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define TH_FN static __attribute__((unused))
#else
#define TH_FN static
#endif

static int th_passed = 0, th_failed = 0;
static int th_verbose = 0;

#define CHECK(cond) th_check(!!(cond), #cond, __FILE__, __LINE__)
#define CHECK_MSG(cond, ...) \
    do { if (!th_check(!!(cond), #cond, __FILE__, __LINE__)) { fprintf(stderr, "    "); fprintf(stderr, __VA_ARGS__); fprintf(stderr, "\n"); } } while (0)
#define CHECK_EQ_INT(a, b) \
    do { long long th_a = (long long)(a), th_b = (long long)(b); \
         if (!th_check(th_a == th_b, #a " == " #b, __FILE__, __LINE__)) \
             fprintf(stderr, "    got %lld, expected %lld\n", th_a, th_b); } while (0)
#define CHECK_NEAR(a, b, tol) \
    do { double th_a = (double)(a), th_b = (double)(b); \
         if (!th_check(fabs(th_a - th_b) <= (tol), #a " ~ " #b, __FILE__, __LINE__)) \
             fprintf(stderr, "    got %.9g, expected %.9g (tol %.3g)\n", th_a, th_b, (double)(tol)); } while (0)

TH_FN int th_check(int ok, const char *what, const char *file, int line)
{
    if (ok) {
        th_passed++;
        if (th_verbose) fprintf(stderr, "  ok   %s:%d %s\n", file, line, what);
    } else {
        th_failed++;
        fprintf(stderr, "  FAIL %s:%d %s\n", file, line, what);
        if (getenv("AVLOC_TEST_FAIL_FAST")) { /* the mutation check: one failure decides */
            fprintf(stderr, "  stopped at the first failure (AVLOC_TEST_FAIL_FAST)\n");
            exit(1);
        }
    }
    return ok;
}

TH_FN int th_finish(const char *suite)
{
    printf("%s: %d passed, %d failed\n", suite, th_passed, th_failed);
    return th_failed ? 1 : 0;
}

/* Relative RMS error ||a-b|| / ||b|| over n values (b is the reference). */
TH_FN double th_rel_rms_f64(const double *a, const double *b, size_t n)
{
    double num = 0, den = 0;
    size_t i;
    for (i = 0; i < n; i++) { num += (a[i] - b[i]) * (a[i] - b[i]); den += b[i] * b[i]; }
    return den > 0 ? sqrt(num / den) : sqrt(num);
}

/* Whether two files hold the same bytes, at least min_bytes of them (a
   missing or short file is not "the same"). */
TH_FN int th_files_same(const char *a, const char *b, long min_bytes)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int ca = 0, cb = 1;
    long n = 0;
    if (fa && fb)
        do { ca = getc(fa); cb = getc(fb); n++; } while (ca == cb && ca != EOF);
    if (fa) fclose(fa);
    if (fb) fclose(fb);
    return ca == cb && n > min_bytes;
}

/* A loaded .npy array: data converted to double, shape up to 4 dims. */
typedef struct th_array {
    double *data;
    size_t n;        /* number of elements */
    size_t shape[4];
    int ndim;
} th_array;

/* Reads float32/float64/int32/int64/uint8/bool little-endian, C-order .npy
   files (format 1.0 / 2.0). Returns 0 on success. */
TH_FN int th_load_npy(const char *path, th_array *out)
{
    FILE *f = fopen(path, "rb");
    unsigned char pre[12];
    size_t hlen, i, esize = 0, pos;
    char *hdr, kind = 0;
    int ver;
    memset(out, 0, sizeof *out);
    if (!f) { fprintf(stderr, "  cannot open %s\n", path); return -1; }
    if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0) { fclose(f); return -1; }
    ver = pre[6];
    if (ver == 1) hlen = pre[8] | (pre[9] << 8);
    else {
        if (fread(pre + 10, 1, 2, f) != 2) { fclose(f); return -1; }
        hlen = (size_t)pre[8] | ((size_t)pre[9] << 8) | ((size_t)pre[10] << 16) | ((size_t)pre[11] << 24);
    }
    hdr = (char *)calloc(hlen + 1, 1);
    if (!hdr || fread(hdr, 1, hlen, f) != hlen) { free(hdr); fclose(f); return -1; }
    {
        const char *d = strstr(hdr, "'descr':");
        const char *s = strstr(hdr, "'shape':");
        if (!d || !s || strstr(hdr, "'fortran_order': True")) { free(hdr); fclose(f); return -1; }
        d = strchr(d + 8, '\'');
        if (!d) { free(hdr); fclose(f); return -1; }
        if (d[1] == '>' ) { free(hdr); fclose(f); return -1; }
        kind = d[2];
        esize = (size_t)atoi(d + 3);
        s = strchr(s, '(');
        out->n = 1;
        out->ndim = 0;
        pos = 0;
        if (!s) { free(hdr); fclose(f); return -1; }
        s++;
        while (*s && *s != ')') {
            while (*s == ' ' || *s == ',') s++;
            if (*s == ')') break;
            if (out->ndim < 4) out->shape[out->ndim] = (size_t)strtoul(s, (char **)&s, 10);
            out->n *= out->shape[out->ndim];
            out->ndim++;
            pos++;
        }
    }
    free(hdr);
    out->data = (double *)malloc((out->n ? out->n : 1) * sizeof(double));
    for (i = 0; i < out->n; i++) {
        unsigned char b[8];
        if (fread(b, 1, esize, f) != esize) { fclose(f); free(out->data); out->data = NULL; return -1; }
        if (kind == 'f' && esize == 4) { float v; memcpy(&v, b, 4); out->data[i] = v; }
        else if (kind == 'f' && esize == 8) { double v; memcpy(&v, b, 8); out->data[i] = v; }
        else if (kind == 'i' && esize == 4) { int v; memcpy(&v, b, 4); out->data[i] = v; }
        else if (kind == 'i' && esize == 8) { long long v; memcpy(&v, b, 8); out->data[i] = (double)v; }
        else if ((kind == 'u' || kind == 'b') && esize == 1) out->data[i] = b[0];
        else { fclose(f); free(out->data); out->data = NULL; return -1; }
    }
    fclose(f);
    return 0;
}

TH_FN void th_free(th_array *a) { free(a->data); a->data = NULL; }

/* Golden directory: tests run from the repo root by default. */
#ifndef TH_GOLDEN_DIR
#define TH_GOLDEN_DIR "tests/golden/"
#endif

/* Loads tests/golden/NAME; on failure prints and returns an empty array. */
TH_FN th_array th_golden(const char *name)
{
    th_array a;
    char path[256];
    snprintf(path, sizeof path, "%s%s", TH_GOLDEN_DIR, name);
    if (th_load_npy(path, &a) != 0) { fprintf(stderr, "  missing golden %s\n", path); memset(&a, 0, sizeof a); }
    return a;
}

/* tests/golden/NAME as raw bytes in a malloc'd block of exactly *size
   bytes plus `slack` (at least 1 byte allocated); NULL (printed) when it
   cannot be read. */
TH_FN unsigned char *th_golden_bytes(const char *name, size_t slack, size_t *size)
{
    char path[512];
    FILE *f;
    long n;
    unsigned char *buf;
    snprintf(path, sizeof path, "%s%s", TH_GOLDEN_DIR, name);
    f = fopen(path, "rb");
    *size = 0;
    if (!f) { fprintf(stderr, "  cannot open %s\n", path); return NULL; }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = (unsigned char *)malloc(n > 0 ? (size_t)n + slack : slack + 1);
    if (buf && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) { free(buf); buf = NULL; }
    fclose(f);
    if (buf) *size = n > 0 ? (size_t)n : 0;
    return buf;
}

/* A malloc'd float copy of a loaded array (caller frees). */
TH_FN float *th_to_f32(const th_array *a)
{
    size_t i;
    float *f = (float *)malloc((a->n ? a->n : 1) * sizeof *f);
    for (i = 0; i < a->n; i++) f[i] = (float)a->data[i];
    return f;
}

/* Mono 16-bit PCM WAV -> malloc'd floats in [-1, 1). Deliberately separate
   from examples/avloc_io.h so DSP tests do not depend on the code under test
   in test_io.c. Returns NULL on anything else. */
TH_FN float *th_load_wav16(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char h[12], ck[8];
    float *x = NULL;
    int fmt_ok = 0;
    *n = 0;
    if (!f) return NULL;
    if (fread(h, 1, 12, f) != 12 || memcmp(h, "RIFF", 4) || memcmp(h + 8, "WAVE", 4)) { fclose(f); return NULL; }
    while (fread(ck, 1, 8, f) == 8) {
        size_t len = (size_t)ck[4] | ((size_t)ck[5] << 8) | ((size_t)ck[6] << 16) | ((size_t)ck[7] << 24), i;
        if (!memcmp(ck, "fmt ", 4)) {
            unsigned char fm[16];
            if (len < 16 || fread(fm, 1, 16, f) != 16) break;
            fmt_ok = fm[0] == 1 && fm[2] == 1 && fm[14] == 16; /* PCM, mono, 16 bit */
            fseek(f, (long)(len - 16 + (len & 1)), SEEK_CUR);
        } else if (!memcmp(ck, "data", 4) && fmt_ok) {
            x = (float *)malloc((len / 2 ? len / 2 : 1) * sizeof *x);
            for (i = 0; i < len / 2; i++) {
                unsigned char b[2];
                if (fread(b, 1, 2, f) != 2) break;
                x[i] = (float)(short)(b[0] | (b[1] << 8)) / 32768.0f;
            }
            *n = i;
            break;
        } else {
            fseek(f, (long)(len + (len & 1)), SEEK_CUR);
        }
    }
    fclose(f);
    return x;
}

#ifdef AVLOC_DSP_H
/* &(avloc_fft_config){n, kind} for one call, which C++ cannot write: the FFT
   tests pass many inline (n, kind) pairs. A ring of slots keeps the configs of
   one expression distinct; single-threaded use only. */
TH_FN const avloc_fft_config *th_fftc(size_t n, avloc_fft_kind kind)
{
    static avloc_fft_config ring[8];
    static unsigned next;
    avloc_fft_config *c = &ring[next++ & 7u];
    c->n = n;
    c->kind = kind;
    return c;
}
#endif

#endif
