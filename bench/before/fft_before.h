/* bench/before/fft_before.h: forward FFTs of an earlier commit (fft_before.c). */
#ifndef FFT_BEFORE_H
#define FFT_BEFORE_H
#include <stddef.h>
typedef struct before_fft before_fft;
before_fft *before_fft_make(size_t n, int real); /* NULL on failure */
void before_fft_run(before_fft *b, const float *in, float *out); /* r2c or forward c2c */
void before_fft_free(before_fft *b);
#endif
