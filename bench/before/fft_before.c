/* The FFT of an earlier commit, for before/after tables measured in one run:
   bench/Makefile extracts that commit's headers into $(BUILD)/before/ and
   compiles this file against them (AVLOC_STATIC: private copies, so they do
   not clash with the current headers in bench_fft.c). It calls the FFT as
   avloc_fft_query_f32(n, kind, ...), the API before avloc_fft_config (2026-12-01,
   commit 99c2759), or through an avloc_fft_config when the Makefile defines
   BEFORE_FFT_CONFIG (BEFORE is 99c2759 or newer). */
#define AVLOC_STATIC
#define AVLOC_IMPLEMENTATION
#include "avloc_dsp.h"
#include <stdlib.h>
#include "fft_before.h"

struct before_fft {
    avloc_fft_f32 plan;
    void *mem, *scratch;
    size_t sbytes;
    int real;
};

before_fft *before_fft_make(size_t n, int real)
{
    avloc_fft_kind kind = real ? AVLOC_FFT_REAL : AVLOC_FFT_COMPLEX;
    size_t pb = 0;
    before_fft *b = (before_fft *)calloc(1, sizeof *b);
#ifdef BEFORE_FFT_CONFIG
    avloc_fft_config cfg;
    cfg.n = n;
    cfg.kind = kind;
#define BEFORE_FFT_ARGS &cfg
#else
#define BEFORE_FFT_ARGS n, kind
#endif
    if (!b || avloc_fft_query_f32(BEFORE_FFT_ARGS, &pb, &b->sbytes) != AVLOC_OK) { free(b); return NULL; }
    b->mem = malloc(pb);
    b->scratch = malloc(b->sbytes);
    b->real = real;
    if (!b->mem || !b->scratch || avloc_fft_init_f32(&b->plan, BEFORE_FFT_ARGS, b->mem, pb) != AVLOC_OK) {
        before_fft_free(b);
        return NULL;
    }
    return b;
}

void before_fft_run(before_fft *b, const float *in, float *out)
{
    if (b->real)
        avloc_fft_r2c_f32(&b->plan, in, (avloc_complex_f32 *)out, b->scratch, b->sbytes);
    else
        avloc_fft_c2c_f32(&b->plan, (const avloc_complex_f32 *)in, (avloc_complex_f32 *)out,
                          AVLOC_FFT_FORWARD, b->scratch, b->sbytes);
}

void before_fft_free(before_fft *b)
{
    if (!b) return;
    free(b->mem);
    free(b->scratch);
    free(b);
}
