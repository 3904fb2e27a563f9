/* avloc_dsp.h - signal processing for avloc: FFT, windows, STFT/iSTFT,
   mel / log-mel / MFCC, binaural ILD/IPD features, GCC-PHAT.   v0.1.0

   USAGE
   -----
   In exactly ONE C or C++ file:
       #define AVLOC_IMPLEMENTATION      // core + every avloc header included below
       #include "avloc_dsp.h"
   or, to place only this module's implementation in a file:
       #define AVLOC_DSP_IMPLEMENTATION
   (then AVLOC_IMPLEMENTATION must be defined in exactly one file for the core).

   (During development the sections live in src/dsp_*.inc and are included
   from here; they are merged into this file for release.)
*/
#ifndef AVLOC_DSP_H
#define AVLOC_DSP_H

#include "avloc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Interleaved complex float, layout-compatible with float[2], C99
   float _Complex, std::complex<float> and fftwf_complex. */
typedef struct avloc_complex_f32 {
    float re;
    float im;
} avloc_complex_f32;

#define AVLOC_DSP_PART_DECL
#include "src/dsp_fft.inc"
#include "src/dsp_feat.inc"
#undef AVLOC_DSP_PART_DECL

#ifdef __cplusplus
}
#endif
#endif /* AVLOC_DSP_H */

#if defined(AVLOC_IMPLEMENTATION) && !defined(AVLOC_DSP_IMPLEMENTATION)
#define AVLOC_DSP_IMPLEMENTATION
#endif
#if defined(AVLOC_DSP_IMPLEMENTATION) && !defined(AVLOC_DSP_IMPLEMENTATION_DONE)
#define AVLOC_DSP_IMPLEMENTATION_DONE
#include <math.h>
#include <string.h>
#include <float.h>
#define AVLOC_DSP_PART_IMPL
#include "src/dsp_fft.inc"
#include "src/dsp_feat.inc"
#undef AVLOC_DSP_PART_IMPL
#endif
