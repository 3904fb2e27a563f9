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

   Every object is planned once and executed many times, FFTW-style, in
   memory you provide (query -> init), and is read-only after init:

       // 1. an FFT of any length (numpy conventions: forward unscaled, inverse 1/n)
       size_t pb, sb;
       avloc_fft_query_f32(1000, AVLOC_FFT_REAL, &pb, &sb);
       avloc_fft_f32 fft;
       avloc_fft_init_f32(&fft, 1000, AVLOC_FFT_REAL, malloc(pb), pb);
       void *scratch = malloc(sb);
       avloc_fft_r2c_f32(&fft, x, X, scratch, sb);          // 1000 -> 501 bins

       // 2. log-mel + MFCC exactly as torchaudio (or librosa) computes them
       avloc_melspec_config mc = avloc_melspec_config_torchaudio_mfcc();
       size_t ob, qb, nf;
       avloc_melspec_query_f32(&mc, &ob, &qb);
       avloc_melspec_f32 ms;
       avloc_melspec_init_f32(&ms, &mc, malloc(ob), ob);
       avloc_stft_frames(&mc.stft, n, &nf);
       avloc_melspec_mfcc_f32(&ms, x, n, logmel, mfcc, nf, malloc(qb), qb);

       // 3. interaural delay (positive: the right channel lags the left)
       avloc_gcc_config gc = avloc_gcc_config_default();
       ... avloc_gcc_query_f32 / avloc_gcc_init_f32 / avloc_gcc_clip_f32 ...

   CONVENTIONS
   - float32 samples; spectra frame-major (frame t, bin k at [t*bins + k]).
   - Conventions match numpy.fft, torch.stft/istft, torchaudio and librosa
     (checked against them in tests/, see tools/gen_goldens_*.py).
   - AVLOC_NO_SIMD forces the portable scalar FFT; AVLOC_USE_FFTW3 runs the
     FFT on fftwf (the one back-end that allocates, inside FFTW).
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
