/* The FFT tests' deterministic inputs: uint32 indices hashed to floats in
   [-1, 1), exact in float32; the same hash is in tools/gen_goldens_fft.py
   (tests/test_fft.c, tests/test_fft_goldens.c). */
#ifndef AVLOC_TESTS_FFT_HVAL_H
#define AVLOC_TESTS_FFT_HVAL_H
#include <stdint.h>

static float hval(uint32_t i, uint32_t seed)
{
    uint32_t x = i * 0x9E3779B9u + seed * 0x85EBCA6Bu;
    x ^= x >> 16;
    x *= 0x7FEB352Du;
    x ^= x >> 15;
    x *= 0x846CA68Bu;
    x ^= x >> 16;
    return (float)((double)(x >> 8) * (1.0 / 8388608.0) - 1.0);
}
#endif
