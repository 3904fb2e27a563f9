/* avloc_dsp.h - signal processing for avloc: FFT, windows, STFT/iSTFT,
   mel / log-mel / MFCC, binaural ILD/IPD features, GCC-PHAT, orthonormal
   DCT-II/III and the path-Laplacian Sylvester solve.   v0.1.0

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
       avloc_fft_config fc = {1000, AVLOC_FFT_REAL};
       size_t pb, sb;
       avloc_fft_query_f32(&fc, &pb, &sb);
       avloc_fft_f32 fft;
       avloc_fft_init_f32(&fft, &fc, malloc(pb), pb);
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
   - Module opt-outs (avloc.h): AVLOC_NO_MEL, AVLOC_NO_BINAURAL, AVLOC_NO_GCC_PHAT.
   - Small targets: avloc_mel_init_tables_f32 / avloc_mfcc_init_tables_f32,
     and for the analysis window avloc_stft_init_tables_f32 /
     avloc_binaural_plan_init_tables_f32 / avloc_gcc_init_tables_f32, take
     const tables made by tools/gen_tables.c instead of computing them with
     double-precision libm (docs/build.md, "MCU-ready tables"); with the
     FFT roots in the window table too (its fft field) and
     AVLOC_TABLES_ONLY defined, those calls and the features link no
     soft-double and no double libm at all.
*/
/* Kernel passes (avloc.h "SIMD layer"): the vector kernels, in template
   sections at the end of this file, are compiled once per SIMD set by the
   core's per-set driver, which re-includes this file by the name
   AVLOC_DSP_FILE ("avloc_dsp.h", next to avloc.h; define it as
   "path/to/it.h" after a rename; tools/amalgamate.py pre-defines it). */
#ifndef AVLOC_DSP_FILE
#define AVLOC_DSP_FILE "avloc_dsp.h"
#endif
#define AVLOC__VPASS_DSP_FFT 16  /* pass ids of this module: 16..31 */
#define AVLOC__VPASS_DSP_FEAT 17
#define AVLOC__VPASS_DSP_ARRAY 24

#ifndef AVLOC__VPASS /* the header and implementation; kernel templates are at the end */
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

/* ================================================================== */
/*                                FFT                                 */
/* ================================================================== */
/* dsp FFT part: float32 complex and real FFTs of any length.

   ALGORITHM
   ---------
   - Mixed-radix Stockham passes (radix 8, 4, 2, 3, 5, 7 and a generic odd
     radix up to AVLOC__FFT_GMAX), ping-ponging between the output and one scratch
     buffer (two scratch buffers when the output is not 64-byte aligned and the
     plan has room for them: vector stores into it would split cache lines), so
     results come out in natural order without a bit-reverse pass.
     Pass structure follows pocketfft's cfftp (twiddle after the butterfly).
     Pass order: odd radices first, largest first, then the power of two
     (radix 8 last); where that would end on a radix 2 or 3 (4 does not
     divide n), the plan takes the order the cost model finds cheapest among
     all its orders (avloc__fft_order): the pass before the last then keeps
     an ido of at least a vector (complex 50 = 2 5 5 on AVX2, not 5 5 2:
     1.5x faster).
     n = 2, 4 and 8 skip the passes: straight-line butterflies (the pass
     dispatch cost more than their arithmetic).
   - Lengths whose factorisation would be slow (a large prime factor) run as
     a convolution over a direct sub-plan of length m kept in the same plan
     memory, the kernel's spectrum computed at init: for a prime n, Rader's
     algorithm (the input permuted by the powers of a generator g of
     (Z/n)*, a cyclic convolution of length n-1 computed with m = n-1, or
     zero-padded to a smooth m >= 2n-3, then permuted back); otherwise
     Bluestein's chirp-z algorithm (m >= 2n-1). The choices (direct, Rader,
     Bluestein, and m) come from a cost model of this library's own kernels
     (avloc__fft_cost: per radix, SIMD or scalar), so e.g. n = 1009 runs
     Rader over 1008 = 2^4 3^2 7, n = 1103 (1102 = 2 19 29) Bluestein over
     2304. avloc_fft_next_fast_size uses the same model.
   - Real transforms of even n: an n/2-point complex FFT plus a post-twiddle
     (and the mirror pre-twiddle for the inverse). Odd n: the complex path
     (forward transforms of prime n: Rader on the real input, half the output).
   - Twiddles, chirps and post-twiddles are computed once in double precision
     from exact angles (sin/cos of 2*pi*x/n with integer x) and stored as float.
   - SIMD: avloc.h's SIMD layer (AVX2+FMA: 4 complex per vector; SSE2 and
     NEON: 2) drives the radix 2/3/4/5/7/generic passes over their contiguous
     inner index (radix 2 and 4 on split (re, im) blocks where ido % 8 == 0),
     the last pass of any radix across k (4 x width complex transposes), the
     real post/pre-twiddles and Bluestein's and Rader's pointwise products. Each one paid
     off in bench/bench_fft.c (docs/benchmarks.md). The kernels are written
     once (a template at the end of this file) and compiled per set; a plain
     x86 build with gcc or clang picks AVX2 at plan time when the CPU has it
     (avloc.h: AVLOC_NO_DISPATCH keeps SSE2, -mavx2 -mfma compiles only AVX2).
     Where the CPU and OS have AVX-512F (and not AVLOC_NO_AVX512), plans whose
     passes 8-complex vectors do whole (powers of two >= 64, also times odd
     factors: 192, 320) take the AVX-512 set instead, 64 to 128 points whole
     in registers; the other plans keep AVX2, but run their passes that fill
     8-complex vectors in AVX-512 (avloc__fft_plan_isa, avloc__fft_pass_isa;
     docs/benchmarks.md). In
     AVX-512 plans two split radix-8 passes in a row run as one pass over
     memory (avloc__pass88_s: 64-value blocks through an L1 buffer), and
     at 4096-16384 points so do the radix-8 pass of ido 8 and the last pass
     (avloc__pass8_last2): 4096 = 8 8 8 8 takes two steps, as FFTW's 64 x 64.
     The STFT window, power spectrum, mel and MFCC rows, dB and the binaural
     feature kernel are written and dispatched the same way. The templates are
     compiled by re-including this file (see "Kernel passes" below). Results
     of the AVX2 and SSE2 kernels differ in rounding (FMA, wider sums), well
     inside the tested tolerances (none with AVLOC_NO_FMA for the elementwise
     ones). AVLOC_NO_SIMD forces the portable scalar code, which is also what
     targets without SSE2 or NEON get.
   - With AVLOC_USE_FFTW3 the same API runs on fftwf (see below).

   MEMORY
   ------
   The plan (avloc_fft_f32 + the bytes from avloc_fft_query_f32) holds internal
   pointers into its own memory: do not move or copy that memory after init.
   It is read-only after init, so one plan may be used by several threads at
   once, each with its own scratch of plan->scratch_bytes. Bluestein and Rader plans
   reserve an extra m-point work area that is only used during init.

   FFTW3 BACKEND (AVLOC_USE_FFTW3, link -lfftw3f)
   ---------------------------------------------
   Init creates fftwf plans (FFTW_ESTIMATE | FFTW_UNALIGNED), executed with
   the new-array functions so one plan serves any buffers. FFTW allocates
   memory internally: this is the one exception to the library's no-malloc
   rule, and such plans must be released with avloc_fft_destroy_f32 (a no-op
   for the built-in FFT). FFTW's planner is not thread safe, so init and
   destroy plans from one thread at a time; executing is thread safe. */

typedef enum avloc_fft_kind {
    AVLOC_FFT_COMPLEX = 0, /* n-point complex <-> complex */
    AVLOC_FFT_REAL = 1     /* n real samples <-> n/2+1 complex bins */
} avloc_fft_kind;

typedef enum avloc_fft_dir {
    AVLOC_FFT_FORWARD = 0, /* X[k] = sum x[j] e^{-2 pi i jk/n}, unscaled (numpy) */
    AVLOC_FFT_INVERSE = 1  /* x[j] = 1/n sum X[k] e^{+2 pi i jk/n} (numpy ifft) */
} avloc_fft_dir;

/* A plan: lives in caller memory, read-only after init, so one plan may be
   used by many threads at once (each with its own scratch). */
typedef struct avloc_fft_f32 {
    size_t n;
    avloc_fft_kind kind;
    size_t scratch_bytes;  /* bytes of scratch each execute call needs */
    void *impl;            /* private: points into the plan memory */
    avloc_extent mem;      /* private: the plan memory (calls refuse out and scratch over it) */
} avloc_fft_f32;

/* What a plan is for: the configuration every FFT call below takes, as
   every other object's query and init take theirs. */
typedef struct avloc_fft_config {
    size_t n;             /* points: n >= 1, any n */
    avloc_fft_kind kind;  /* AVLOC_FFT_COMPLEX or AVLOC_FFT_REAL */
} avloc_fft_config;

/* Bytes of plan memory and of per-call scratch for cfg's transform.
   Either output pointer may be NULL. No buffer needs any alignment; an
   output off a 64-byte boundary only costs some speed (the scratch holds a
   second work buffer for it where the vector kernels are 32 or 64 bytes). */
AVLOC_API avloc_result avloc_fft_query_f32(const avloc_fft_config *cfg, size_t *plan_bytes, size_t *scratch_bytes);
AVLOC_API avloc_result avloc_fft_init_f32(avloc_fft_f32 *plan, const avloc_fft_config *cfg,
                                          void *mem, size_t mem_bytes);
/* The three transforms below refuse (AVLOC_ERR_PARAM) an out that partly
   overlaps in, a scratch (its plan->scratch_bytes) over in or out, and out
   or scratch over the plan's memory: each would give a wrong transform.
   Complex transform of n points; in == out (in place) is allowed. */
AVLOC_API avloc_result avloc_fft_c2c_f32(const avloc_fft_f32 *plan, const avloc_complex_f32 *in,
                                         avloc_complex_f32 *out, avloc_fft_dir dir,
                                         void *scratch, size_t scratch_bytes);
/* Real forward: n floats -> n/2+1 bins (numpy rfft). In place is allowed when
   in and out start at the same address (the buffer then holds 2*(n/2+1) floats). */
AVLOC_API avloc_result avloc_fft_r2c_f32(const avloc_fft_f32 *plan, const float *in,
                                         avloc_complex_f32 *out,
                                         void *scratch, size_t scratch_bytes);
/* Real inverse: n/2+1 bins -> n floats, scaled by 1/n (numpy irfft with n);
   the imaginary parts of bin 0 (and of bin n/2 for even n) are ignored.
   In place (same start address) is allowed; `in` is never modified otherwise. */
AVLOC_API avloc_result avloc_fft_c2r_f32(const avloc_fft_f32 *plan, const avloc_complex_f32 *in,
                                         float *out, void *scratch, size_t scratch_bytes);
/* Releases what an FFTW3-backed plan allocated inside FFTW and marks the plan
   uninitialised. A no-op (apart from the marking) for the built-in FFT; NULL is ignored. */
AVLOC_API void avloc_fft_destroy_f32(avloc_fft_f32 *plan);

/* MCU-READY TABLES. Plan init computes its twiddles (and Bluestein's chirp,
   Rader's kernel, the real post-twiddles) with double-precision sin/cos. A
   target without double libm may instead record them once on the host
   (tools/gen_tables.c --fft N, which calls avloc_fft_record_tables_f32)
   and init from the const table: no sin/cos is linked, and the plan is
   bit-identical to the computed one (the same values, then the same float
   operations). A table is made for one kernel-set vector width (the plan's
   factorisation depends on it): record it with a build of the target's
   width (Cortex-M, AVLOC_NO_SIMD: 1; avloc_fft_tables_vw() tells). Init
   copies the roots into the plan memory: the table need not outlive it.
   Both calls return AVLOC_ERR_UNSUPPORTED with AVLOC_USE_FFTW3. */
typedef struct avloc_fft_tables {
    size_t n;
    avloc_fft_kind kind;
    size_t vw;                       /* avloc_fft_tables_vw() of the recording build */
    size_t count;                    /* roots */
    const avloc_complex_f32 *roots;  /* in the order init uses them */
} avloc_fft_tables;
/* Complex values per vector of the FFT kernel set this build runs here (1, 2 or 4). */
AVLOC_API size_t avloc_fft_tables_vw(void);
/* avloc_fft_init_f32 with the roots read from t: AVLOC_ERR_PARAM when t's n,
   kind or vw are not these, AVLOC_ERR_FORMAT when its count is not what the plan uses. */
AVLOC_API avloc_result avloc_fft_init_tables_f32(avloc_fft_f32 *plan, const avloc_fft_tables *t,
                                                 void *mem, size_t mem_bytes);
/* Records the roots an init of cfg computes: inits a plan in mem (the
   avloc_fft_query_f32 bytes), writes up to cap roots and *count (the number
   it needs; AVLOC_ERR_WORKSPACE when cap is smaller). */
AVLOC_API avloc_result avloc_fft_record_tables_f32(const avloc_fft_config *cfg, void *mem, size_t mem_bytes,
                                                   avloc_complex_f32 *roots, size_t cap, size_t *count);

/* A good transform length >= n, for zero-padding (as KissFFT's
   kiss_fft_next_fast_size): the length m >= n (of the form 2^a 3^b 5^c 7^d,
   m <= the next power of two) whose complex transform the library's cost
   model expects to be fastest on this CPU's kernel set; ties go to the
   smaller m. Not always the smallest smooth m: odd lengths run partly
   scalar, so e.g. 1025 -> 1152 and 2025 -> 2048. Returns 1 for n <= 1 and
   0 when n > AVLOC_MAX_DIM (no plan would be accepted). */
AVLOC_API size_t avloc_fft_next_fast_size(size_t n);
/* The same for real transforms: an even m (n/2-point complex FFT inside),
   2 * avloc_fft_next_fast_size(ceil(n/2)); n itself for n <= 2. */
AVLOC_API size_t avloc_fft_next_fast_size_real(size_t n);

/* ================================================================== */
/*                              FEATURES                              */
/* ================================================================== */
/* dsp features part: windows, STFT / iSTFT / streaming STFT, mel / log-mel /
   MFCC, binaural ILD/IPD features, GCC-PHAT.

   Conventions shared by everything below
   - float32 in and out; internal constants (windows, filterbanks, DCT
     matrices) are computed in double and rounded once.
   - Spectra are frame-major: frame t, bin k is at [t * n_bins + k].
   - Objects live in caller memory (query -> init), are read-only after init
     (except the streaming STFT, which is a stateful object: one per stream),
     and take per-call scratch.
   - ONE OBJECT PATTERN (every object of avloc_dsp.h and avloc_gllim.h):
       avloc_X_query[_f32](cfg, &obj_bytes[, &scratch_bytes])  the config first
       avloc_X_init[_f32](obj, cfg, mem, bytes)                lays obj out in mem
       avloc_X_destroy[_f32](obj)                              always call it
     A failed init leaves *obj zeroed (when obj is not NULL), and any call on
     a zeroed (or destroyed) object returns AVLOC_ERR_STATE, never a crash.
     destroy releases what the FFTW3 backend allocated (a no-op otherwise:
     call it anyway in portable code), zeroes the object and accepts a
     zeroed or NULL object. Names: lifecycle functions carry the object
     type's suffix (avloc_stft_f32 -> avloc_stft_init_f32; GLLiM objects have
     none), compute functions the sample type they read (_f32 / _f64),
     counting functions (avloc_stft_frames, avloc_gcc_frames, ...) none,
     and no counting function has a computing twin of the same name.
   - Every FFT goes through the fixed avloc_fft_* API. */

/* ------------------------------------------------------------- windows */

typedef enum avloc_window {
    AVLOC_WINDOW_RECTANGULAR = 0,
    AVLOC_WINDOW_HANN = 1,      /* 0.5 - 0.5 cos */
    AVLOC_WINDOW_HAMMING = 2,   /* 0.54 - 0.46 cos (scipy, torch) */
    AVLOC_WINDOW_BLACKMAN = 3,  /* 0.42 - 0.5 cos + 0.08 cos 2x */
    AVLOC_WINDOW_SQRT_HANN = 4  /* sqrt(hann): analysis+synthesis pair for WOLA */
} avloc_window;

/* n window samples. periodic != 0: the "DFT-even" window used for spectral
   analysis (scipy.signal.get_window default, torch.*_window default): the
   symmetric window of length n+1 without its last sample. periodic == 0: the
   symmetric window (scipy sym=True, numpy.hanning). n == 1 gives [1]. */
AVLOC_API avloc_result avloc_window_f32(avloc_window type, int periodic, float *w, size_t n);

/* A window kept as a constant table (tools/gen_tables.c emits one, e.g. in
   flash on a small target): taps = what avloc_window_f32(type, periodic,
   taps, length) computes. The *_init_tables_f32 calls of the STFT, the
   binaural plan and GCC-PHAT take it instead of computing the window with
   double-precision cos at init: they point at the taps when the window
   fills the frame (win_length == n_fft; always so for the binaural plan and
   GCC-PHAT), else copy them into the zero-padded window in the object's
   memory; the table must outlive the object. Its type, periodic flag and
   length must be the configuration's (else AVLOC_ERR_PARAM).
   fft, when not NULL, holds the roots of the object's real FFT plans
   (avloc_fft_tables, tools/gen_tables.c --fft N), so that init computes no
   twiddles either (no sin/cos, no soft-double on a Cortex-M4F): the STFT
   and the binaural plan read one, for n_fft; GCC-PHAT an array of two,
   n_fft then n_fft * upsample. The plans are bit-identical to computed
   ones. A table for another length or kind: AVLOC_ERR_PARAM. NULL: the
   roots are computed, unless the build defines AVLOC_TABLES_ONLY (then
   AVLOC_ERR_NULL), which keeps every sin/cos and pow out of the
   *_init_tables calls so that a firmware linking only them links no
   double-precision libm. With AVLOC_USE_FFTW3 fft is ignored. */
typedef struct avloc_window_table {
    avloc_window type;
    int periodic;
    size_t length;
    const float *taps;               /* length values */
    const avloc_fft_tables *fft;     /* NULL, or the FFT roots (above) */
} avloc_window_table;

/* ---------------------------------------------------------------- STFT */

typedef enum avloc_pad_mode {
    AVLOC_PAD_REFLECT = 0,  /* numpy/torch "reflect" (edge sample not repeated) */
    AVLOC_PAD_CONSTANT = 1  /* zeros (librosa >= 0.9 default) */
} avloc_pad_mode;

typedef struct avloc_stft_config {
    size_t n_fft;            /* 512; FFT size, >= 2 */
    size_t hop;              /* 128; >= 1 */
    size_t win_length;       /* 512; 1..n_fft, zero-padded to n_fft and centred as torch.stft;
                                0 means n_fft (torch's win_length=None), so a preset
                                whose n_fft is changed keeps a full-length window */
    avloc_window window;     /* AVLOC_WINDOW_HANN */
    int periodic;            /* 1: periodic window (torch/scipy default) */
    int center;              /* 1: pad n_fft/2 on both sides, frame t centred at t*hop */
    avloc_pad_mode pad_mode; /* AVLOC_PAD_REFLECT (torch); librosa uses AVLOC_PAD_CONSTANT */
    int onesided;            /* 1: n_fft/2+1 bins per frame; 0: all n_fft bins (Hermitian) */
} avloc_stft_config;

typedef struct avloc_stft_f32 {
    avloc_stft_config cfg;
    size_t n_bins;           /* bins per output frame: n_fft/2+1 or n_fft */
    size_t scratch_bytes;    /* per-call scratch for forward, inverse and streaming push */
    const float *window;     /* n_fft taps, the win_length window zero-padded and centred */
    size_t win_start, win_end; /* the padded window is zero outside [win_start, win_end) */
    avloc_fft_f32 fft;       /* real plan of size n_fft */
    avloc_extent mem;        /* private: the object's memory (calls refuse outputs and scratch over it) */
} avloc_stft_f32;

AVLOC_API avloc_stft_config avloc_stft_config_default(void);
/* Number of frames for n_samples (torch.stft framing):
   center: 1 + (n + 2*(n_fft/2) - n_fft)/hop (reflect needs n > n_fft/2);
   no center: 1 + (n - n_fft)/hop, n >= n_fft. Otherwise AVLOC_ERR_SIZE. */
AVLOC_API avloc_result avloc_stft_frames(const avloc_stft_config *cfg, size_t n_samples, size_t *n_frames);
/* The output length torch.istft gives without `length`:
   n_fft + hop*(n_frames-1), minus 2*(n_fft/2) when centred. */
AVLOC_API avloc_result avloc_istft_length(const avloc_stft_config *cfg, size_t n_frames, size_t *length);
AVLOC_API avloc_result avloc_stft_query_f32(const avloc_stft_config *cfg, size_t *obj_bytes, size_t *scratch_bytes);
AVLOC_API avloc_result avloc_stft_init_f32(avloc_stft_f32 *stft, const avloc_stft_config *cfg,
                                           void *mem, size_t mem_bytes);
AVLOC_API void avloc_stft_destroy_f32(avloc_stft_f32 *stft);
/* The same init with the window from a constant table (avloc_window_table
   above; the same query and memory serve). */
AVLOC_API avloc_result avloc_stft_init_tables_f32(avloc_stft_f32 *stft, const avloc_stft_config *cfg,
                                                  const avloc_window_table *win, void *mem, size_t mem_bytes);
/* out: n_frames x n_bins complex, n_frames must equal avloc_stft_frames();
   out overlapping x: AVLOC_ERR_PARAM (as y and in in the inverse). */
AVLOC_API avloc_result avloc_stft_forward_f32(const avloc_stft_f32 *stft, const float *x, size_t n_samples,
                                              avloc_complex_f32 *out, size_t n_frames,
                                              void *scratch, size_t scratch_bytes);
/* torch.istft: windowed overlap-add of the inverse FFTs divided by the sum of
   squared shifted windows; y gets `length` samples (torch's `length`; use
   avloc_istft_length() for its default). Samples past the end of the
   overlap-added signal are zero. AVLOC_ERR_PARAM when the window envelope
   drops below 1e-11 inside the output (NOLA violated, as torch raises).
   onesided == 0 input: only bins 0..n_fft/2 are used (Hermitian assumed). */
AVLOC_API avloc_result avloc_stft_inverse_f32(const avloc_stft_f32 *stft, const avloc_complex_f32 *in,
                                              size_t n_frames, float *y, size_t length,
                                              void *scratch, size_t scratch_bytes);

/* Streaming STFT: push samples as they arrive, complete frames come out.
   Frames equal avloc_stft_forward_f32 with center = 0 (frame t covers samples
   [t*hop, t*hop + n_fft) since the last reset), whatever cfg.center says.
   The stream keeps the last n_fft samples in a ring in its own memory. */
typedef struct avloc_stft_stream_f32 {
    const avloc_stft_f32 *stft; /* must outlive the stream */
    float *ring;                /* n_fft samples */
    size_t pos;                 /* next write position in ring */
    size_t need;                /* samples still missing for the next frame (>= 1) */
    size_t frames;              /* frames produced since the last reset */
    avloc_extent mem;           /* private: the ring's memory (push refuses its buffers over it) */
} avloc_stft_stream_f32;

AVLOC_API avloc_result avloc_stft_stream_query_f32(const avloc_stft_f32 *stft, size_t *bytes);
AVLOC_API avloc_result avloc_stft_stream_init_f32(avloc_stft_stream_f32 *s, const avloc_stft_f32 *stft,
                                                  void *mem, size_t mem_bytes);
AVLOC_API avloc_result avloc_stft_stream_reset_f32(avloc_stft_stream_f32 *s);
/* Zeroes the stream (it owns nothing; destroy its avloc_stft_f32 separately). */
AVLOC_API void avloc_stft_stream_destroy_f32(avloc_stft_stream_f32 *s);
/* Consumes samples from x[0..n) and writes at most max_frames frames
   (n_bins each) to frames. It stops early, *consumed < n, just before the
   sample that would complete frame max_frames+1, so no frame is ever lost:
   call again with the rest. Work per call is O(n + max_frames * FFT).
   frames may be NULL when max_frames == 0. Non-finite input is refused
   before anything is consumed. */
AVLOC_API avloc_result avloc_stft_stream_push_f32(avloc_stft_stream_f32 *s, const float *x, size_t n,
                                                  avloc_complex_f32 *frames, size_t max_frames,
                                                  size_t *n_frames_out, size_t *consumed,
                                                  void *scratch, size_t scratch_bytes);

/* |X|^power for n complex values: power 2 -> re^2+im^2, 1 -> magnitude, any p > 0.
   out may be (float *)in (in place: out[k] lands on floats that value k or
   an earlier one was read from); any other overlap is PARAM. */
AVLOC_API avloc_result avloc_spec_power_f32(const avloc_complex_f32 *in, size_t n, float power, float *out);

#ifndef AVLOC_NO_MEL /* mel, MFCC and mel spectrogram: avloc.h, module opt-outs */
/* ----------------------------------------------------------------- mel */

typedef enum avloc_mel_scale {
    AVLOC_MEL_HTK = 0,    /* 2595 log10(1 + f/700) (torchaudio default) */
    AVLOC_MEL_SLANEY = 1  /* linear 3f/200 below 1 kHz, log above (librosa default) */
} avloc_mel_scale;

typedef enum avloc_mel_norm {
    AVLOC_MEL_NORM_NONE = 0,   /* triangles peak at 1 (torchaudio default) */
    AVLOC_MEL_NORM_SLANEY = 1  /* area normalised: x 2/(f_{i+2} - f_i) (librosa default) */
} avloc_mel_norm;

/* Where the filterbank places the n_fft/2+1 bins. */
typedef enum avloc_mel_bins {
    AVLOC_MEL_BINS_FFT = 0,        /* bin k at k sr / n_fft Hz (librosa) */
    AVLOC_MEL_BINS_TORCHAUDIO = 1  /* linspace(0, floor(sr / 2), n_fft/2 + 1) (torchaudio's
                                      melscale_fbanks): the same for an even n_fft and an even
                                      rate, other bins for an odd n_fft or an odd rate */
} avloc_mel_bins;

typedef struct avloc_mel_config {
    float sample_rate;      /* 16000 */
    size_t n_fft;           /* 512: the filterbank acts on n_fft/2+1 bins (see bins) */
    size_t n_mels;          /* 40 */
    float fmin;             /* 0 */
    float fmax;             /* 8000; fmin < fmax (need not be <= sr/2) */
    avloc_mel_scale scale;  /* AVLOC_MEL_HTK */
    avloc_mel_norm norm;    /* AVLOC_MEL_NORM_NONE */
    avloc_mel_bins bins;    /* AVLOC_MEL_BINS_FFT */
} avloc_mel_config;

/* Sparse filterbank: band b has count[b] weights for bins start[b].. */
typedef struct avloc_mel_f32 {
    size_t n_mels, n_bins, nnz;
    size_t *start, *count, *offset;
    float *weights;         /* nnz weights, band after band */
    avloc_extent mem;       /* private: the object's memory (calls refuse outputs and scratch over it) */
} avloc_mel_f32;

AVLOC_API avloc_mel_config avloc_mel_config_default(void);
AVLOC_API double avloc_hz_to_mel(double hz, avloc_mel_scale scale);
AVLOC_API double avloc_mel_to_hz(double mel, avloc_mel_scale scale);
/* Planning evaluates every band at every bin: n_mels * (n_fft/2 + 1) above
   AVLOC_MEL_MAX_CELLS is AVLOC_ERR_SIZE (2^26: ~0.3 s of planning; 128
   bands at n_fft 2048 are 2^17) rather than minutes spent on absurd sizes,
   which a model file's metadata could ask for. */
#ifndef AVLOC_MEL_MAX_CELLS
#define AVLOC_MEL_MAX_CELLS ((size_t)1 << 26)
#endif
AVLOC_API avloc_result avloc_mel_query_f32(const avloc_mel_config *cfg, size_t *bytes);
AVLOC_API avloc_result avloc_mel_init_f32(avloc_mel_f32 *mel, const avloc_mel_config *cfg, void *mem, size_t mem_bytes);
AVLOC_API void avloc_mel_destroy_f32(avloc_mel_f32 *mel);
/* out (n_frames x n_mels) = spec (n_frames x n_bins, power or magnitude) x filterbank^T.
   Errors: NULL, STATE (not initialised), SIZE (n_frames 0), OVERFLOW (the
   matrices' byte counts overflow size_t), PARAM (out overlapping spec: a
   band reads bins below its own index after they were written). A linear map: NaN/Inf in spec are
   not checked, they reach the bands that weight them. avloc_mfcc_apply_f32
   and avloc_mfcc_invert_f32 below have the same errors and NaN behaviour. */
AVLOC_API avloc_result avloc_mel_apply_f32(const avloc_mel_f32 *mel, const float *spec, size_t n_frames, float *out);
/* The dense n_mels x n_bins filterbank (librosa's mel() / melscale_fbanks^T).
   fb_len (floats) below n_mels * n_bins: AVLOC_ERR_SIZE, fb untouched. */
AVLOC_API avloc_result avloc_mel_dense_f32(const avloc_mel_f32 *mel, float *fb, size_t fb_len);

/* MCU-READY TABLES (as CMSIS-DSP's const filterbank tables). The init above
   computes the filterbank in double precision with pow/log; on a small
   target you may instead generate it once on the host as C arrays
   (tools/gen_tables.c, built by `make build/gen_tables`: it runs this very
   init, so the tables are bit-identical by construction) and point the
   object at them: no memory, no libm, the weights stay in flash. The
   object is read-only after init, so the tables are never written. */
typedef struct avloc_mel_tables {
    avloc_mel_config cfg;        /* the configuration the tables were made for */
    size_t nnz;                  /* weights */
    const size_t *start, *count, *offset; /* n_mels each, as in avloc_mel_f32 */
    const float *weights;        /* nnz */
} avloc_mel_tables;
/* Checks cfg (as avloc_mel_query_f32) and that the tables are consistent
   (every band inside the n_fft/2+1 bins, offsets the running sum of the
   counts, nnz their total): AVLOC_ERR_FORMAT if not. No libm call. */
AVLOC_API avloc_result avloc_mel_init_tables_f32(avloc_mel_f32 *mel, const avloc_mel_tables *t);

#endif /* !AVLOC_NO_MEL */

/* dB: out = mult*log10(max(x, amin)) - mult*log10(max(amin, ref)); with
   top_db >= 0 the result is clipped below at (max of these n outputs) - top_db.
   mult 10 for power (librosa power_to_db, torchaudio AmplitudeToDB("power")),
   20 for magnitude. top_db < 0: no clipping. out may equal x (in place);
   a partial overlap gives AVLOC_ERR_PARAM, as in the three maps below. */
AVLOC_API avloc_result avloc_db_f32(const float *x, size_t n, float *out,
                                    float mult, float ref, float amin, float top_db);
/* Inverse of the dB map (not of the clip): out = ref * 10^(x/mult). out may
   equal x. */
AVLOC_API avloc_result avloc_db_to_power_f32(const float *x, size_t n, float *out, float mult, float ref);
/* Natural log with a floor: add != 0: ln(x + eps) (torchaudio log_mels),
   add == 0: ln(max(x, eps)). eps > 0. Computed in float (the sum too, as
   torch on float32), within 3e-7 relative of the exact log; like
   avloc_db_f32, it calls no libm. out may equal x. */
AVLOC_API avloc_result avloc_log_f32(const float *x, size_t n, float *out, float eps, int add);
/* Inverse: exp(x) - eps clamped at 0 (add != 0), or exp(x). out may equal x. */
AVLOC_API avloc_result avloc_exp_f32(const float *x, size_t n, float *out, float eps, int add);

#ifndef AVLOC_NO_MEL
/* ---------------------------------------------------------------- MFCC */

typedef enum avloc_lifter {
    AVLOC_LIFTER_NONE = 0,
    AVLOC_LIFTER_LIBROSA = 1, /* c_n *= 1 + (L/2) sin(pi (n+1) / L), n = 0.. (librosa.feature.mfcc) */
    AVLOC_LIFTER_HTK = 2      /* c_n *= 1 + (L/2) sin(pi n / L) (HTK, Kaldi; c0 unchanged) */
} avloc_lifter;

typedef struct avloc_mfcc_config {
    size_t n_mels;          /* 40 */
    size_t n_mfcc;          /* 13; 1..n_mels */
    avloc_lifter lifter;    /* AVLOC_LIFTER_NONE */
    float lifter_L;         /* 22; > 0 when a lifter is used */
} avloc_mfcc_config;

typedef struct avloc_mfcc_f32 {
    size_t n_mels, n_mfcc;
    float *dct;             /* n_mfcc x n_mels, DCT-II orthonormal rows */
    float *lift;            /* n_mfcc lifter gains (1 without lifter) */
    avloc_extent mem;       /* private: the object's memory (calls refuse outputs and scratch over it) */
} avloc_mfcc_f32;

AVLOC_API avloc_mfcc_config avloc_mfcc_config_default(void);
AVLOC_API avloc_result avloc_mfcc_query_f32(const avloc_mfcc_config *cfg, size_t *bytes);
AVLOC_API avloc_result avloc_mfcc_init_f32(avloc_mfcc_f32 *m, const avloc_mfcc_config *cfg, void *mem, size_t mem_bytes);
AVLOC_API void avloc_mfcc_destroy_f32(avloc_mfcc_f32 *m);
/* mfcc (n_frames x n_mfcc) = lifter * DCT-II-ortho(logmel (n_frames x n_mels));
   mfcc overlapping logmel: AVLOC_ERR_PARAM (here and in the inverse). */
AVLOC_API avloc_result avloc_mfcc_apply_f32(const avloc_mfcc_f32 *m, const float *logmel, size_t n_frames, float *mfcc);
/* Inverse (librosa mfcc_to_mel before the exp): undo the lifter, DCT-III
   ortho of the coefficients zero-padded to n_mels. Follow with
   avloc_db_to_power_f32 or avloc_exp_f32 for mel energies. A lifter with a
   zero gain on a kept coefficient (lifter_L = 2: coefficient 2 for librosa's,
   3 for HTK's) cannot be undone: AVLOC_ERR_NUMERIC, logmel untouched (librosa
   refuses it too). */
AVLOC_API avloc_result avloc_mfcc_invert_f32(const avloc_mfcc_f32 *m, const float *mfcc, size_t n_frames, float *logmel);
/* MCU-ready tables (see avloc_mel_tables): the DCT matrix and lifter gains
   of avloc_mfcc_init_f32 as const arrays from tools/gen_tables.c. */
typedef struct avloc_mfcc_tables {
    avloc_mfcc_config cfg;       /* the configuration the tables were made for */
    const float *dct;            /* n_mfcc x n_mels */
    const float *lift;           /* n_mfcc */
} avloc_mfcc_tables;
/* Checks cfg (as avloc_mfcc_query_f32) and points m at the tables. No libm call. */
AVLOC_API avloc_result avloc_mfcc_init_tables_f32(avloc_mfcc_f32 *m, const avloc_mfcc_tables *t);

/* ------------------------------------------- mel spectrogram of a signal */

typedef enum avloc_log_kind {
    AVLOC_LOG_NONE = 0,     /* mel energies */
    AVLOC_LOG_DB = 1,       /* avloc_db_f32 with db_mult, db_ref, db_amin, top_db (clip per call) */
    AVLOC_LOG_LN = 2        /* avloc_log_f32 with ln_eps, ln_add */
} avloc_log_kind;

typedef struct avloc_melspec_config {
    avloc_stft_config stft;     /* onesided is ignored (always one-sided) */
    float sample_rate;
    size_t n_mels;
    float fmin, fmax;
    avloc_mel_scale scale;
    avloc_mel_norm norm;
    avloc_mel_bins bins;        /* librosa presets: FFT, torchaudio presets: TORCHAUDIO */
    float power;                /* 2: power spectrogram, 1: magnitude */
    avloc_log_kind log;
    float db_mult, db_ref, db_amin, top_db;
    float ln_eps;
    int ln_add;
    size_t n_mfcc;              /* 0: no MFCC */
    avloc_lifter lifter;
    float lifter_L;
} avloc_melspec_config;

typedef struct avloc_melspec_f32 {
    avloc_melspec_config cfg;
    avloc_stft_f32 stft;
    avloc_mel_f32 mel;
    avloc_mfcc_f32 mfcc;        /* n_mfcc == 0 when disabled */
    size_t scratch_bytes;
    avloc_extent mem;           /* private: the object's memory (calls refuse outputs and scratch over it) */
} avloc_melspec_f32;

/* Presets: each returns exactly what the named library function returns with
   its defaults (dB is one field away: .log = AVLOC_LOG_DB). Every preset has
   stft.win_length = 0 (= n_fft, as both libraries' win_length=None), so
   changing only stft.n_fft keeps a full-length window; hop is not derived
   again (set it too: librosa's default is win_length // 4, torchaudio's // 2).
   MFCC presets need the dB step; the mel-only presets have n_mfcc = 0.

   librosa 0.10 librosa.feature.melspectrogram: sr 22050, n_fft 2048, hop 512,
   hann, center with zero padding, power 2, Slaney scale + Slaney norm, 128
   mels, fmax sr/2; power (no log). */
AVLOC_API avloc_melspec_config avloc_melspec_config_librosa(void);
/* librosa.power_to_db(librosa.feature.melspectrogram(...)): ref 1, amin 1e-10,
   top_db 80 (clipped below max - 80 dB of each call). */
AVLOC_API avloc_melspec_config avloc_melspec_config_librosa_db(void);
/* librosa.feature.mfcc: the dB log-mel above, then 20 coefficients DCT-II
   ortho, no lifter. */
AVLOC_API avloc_melspec_config avloc_melspec_config_librosa_mfcc(void);
/* torchaudio 0.13 transforms.MelSpectrogram defaults with sr 16000: n_fft 400,
   hop 200, hann, center reflect, power 2, HTK, norm none, 128 mels, fmax 8000;
   power (no log); bins AVLOC_MEL_BINS_TORCHAUDIO (torchaudio's bin
   frequencies also for an odd n_fft or an odd rate, where k sr / n_fft would
   be 0.015 of a peak off at n_fft 1023). */
AVLOC_API avloc_melspec_config avloc_melspec_config_torchaudio(void);
/* torchaudio AmplitudeToDB("power") of that MelSpectrogram: 10 log10(max(x,
   1e-10)), top_db None (no clipping; top_db < 0 here). */
AVLOC_API avloc_melspec_config avloc_melspec_config_torchaudio_db(void);
/* torchaudio 0.13 transforms.MFCC defaults (sr 16000): the MelSpectrogram
   above, then AmplitudeToDB("power", top_db 80), 40 coefficients DCT-II ortho. */
AVLOC_API avloc_melspec_config avloc_melspec_config_torchaudio_mfcc(void);
/* = avloc_melspec_config_librosa() (power mel spectrogram) */
AVLOC_API avloc_melspec_config avloc_melspec_config_default(void);
AVLOC_API avloc_result avloc_melspec_query_f32(const avloc_melspec_config *cfg, size_t *obj_bytes, size_t *scratch_bytes);
AVLOC_API avloc_result avloc_melspec_init_f32(avloc_melspec_f32 *m, const avloc_melspec_config *cfg,
                                              void *mem, size_t mem_bytes);
AVLOC_API void avloc_melspec_destroy_f32(avloc_melspec_f32 *m);
/* MCU-ready tables of the whole object (tools/gen_tables.c emits them as
   ID_melspec): the STFT's window table (its fft field: the roots of the
   n_fft-point real plan, else they are computed, see avloc_window_table),
   the filterbank and, when cfg->n_mfcc > 0, the DCT. Each must have been
   made for cfg's parts (else AVLOC_ERR_PARAM; a missing one:
   AVLOC_ERR_NULL). The object points at the filterbank and DCT (the tables
   must outlive it) and computes nothing else, so with AVLOC_TABLES_ONLY
   this init links no double-precision libm; the object is bit-identical in
   its outputs to avloc_melspec_init_f32's. The query's bytes serve (the
   filterbank and DCT are not copied); with AVLOC_TABLES_ONLY the query
   sizes the filterbank by its bound (at most two bands per bin) instead of
   computing it. */
typedef struct avloc_melspec_tables {
    const avloc_window_table *window;
    const avloc_mel_tables *mel;
    const avloc_mfcc_tables *mfcc;   /* NULL when n_mfcc == 0 */
} avloc_melspec_tables;
AVLOC_API avloc_result avloc_melspec_init_tables_f32(avloc_melspec_f32 *m, const avloc_melspec_config *cfg,
                                                     const avloc_melspec_tables *t, void *mem, size_t mem_bytes);
/* mel: n_frames x n_mels (frame-major, the transpose of librosa/torchaudio),
   log applied per cfg.log; the top_db clip is relative to the max of this call.
   mel overlapping x: AVLOC_ERR_PARAM. */
AVLOC_API avloc_result avloc_melspec_compute_f32(const avloc_melspec_f32 *m, const float *x, size_t n_samples,
                                                 float *mel, size_t n_frames, void *scratch, size_t scratch_bytes);
/* logmel (n_frames x n_mels, filled as by compute) and mfcc (n_frames x
   n_mfcc), which may not overlap (AVLOC_ERR_PARAM, nothing written). */
AVLOC_API avloc_result avloc_melspec_mfcc_f32(const avloc_melspec_f32 *m, const float *x, size_t n_samples,
                                              float *logmel, float *mfcc, size_t n_frames,
                                              void *scratch, size_t scratch_bytes);

/* Streaming log-mel / MFCC: push samples as they arrive (any block sizes),
   complete frames come out, as avloc_melspec_compute_f32 (and _mfcc_f32) of
   the whole signal with stft.center = 0 computes them. The log step per
   cfg.log; dB's top_db, which a one-shot call applies relative to the max of
   that call, is applied here relative to the running max of all dB values
   since the last reset (the one-shot result exactly when the loudest frame
   comes first; set top_db < 0 for no clipping: then the output equals the
   one-shot one frame for frame). The melspec object is shared and read-only
   (must outlive the stream); the stream holds the sample ring and the
   running max: one per audio stream and thread. */
typedef struct avloc_melspec_stream_f32 {
    const avloc_melspec_f32 *m;
    avloc_stft_stream_f32 stft;
    float db_max;            /* running max of the dB values since reset */
    size_t scratch_bytes;    /* per-push scratch */
} avloc_melspec_stream_f32;

/* bytes: the stream's own memory; scratch_bytes: per push call. */
AVLOC_API avloc_result avloc_melspec_stream_query_f32(const avloc_melspec_f32 *m, size_t *bytes,
                                                      size_t *scratch_bytes);
AVLOC_API avloc_result avloc_melspec_stream_init_f32(avloc_melspec_stream_f32 *s, const avloc_melspec_f32 *m,
                                                     void *mem, size_t mem_bytes);
AVLOC_API avloc_result avloc_melspec_stream_reset_f32(avloc_melspec_stream_f32 *s);
AVLOC_API void avloc_melspec_stream_destroy_f32(avloc_melspec_stream_f32 *s);
/* Consumes x[0..n) and writes at most max_frames rows of logmel (n_mels
   each) and, when mfcc is not NULL (the melspec was built with n_mfcc > 0),
   of mfcc (n_mfcc each). Stops early (*consumed < n) before the sample that
   would complete one frame too many: call again with the rest. Non-finite
   input is refused before anything is consumed. */
AVLOC_API avloc_result avloc_melspec_stream_push_f32(avloc_melspec_stream_f32 *s, const float *x, size_t n,
                                                     float *logmel, float *mfcc, size_t max_frames,
                                                     size_t *n_frames_out, size_t *consumed,
                                                     void *scratch, size_t scratch_bytes);

#endif /* !AVLOC_NO_MEL */

/* ---------------------------------------------------- binaural features */
/* Deleforge et al., "Mapping sounds onto images using binaural spectrograms"
   (GLLiM): ILD = 20 log10(|sR|/|sL|), IPD = exp(j arg(sR/sL)) as (cos, sin),
   on a center=False STFT with a periodic window. */

typedef struct avloc_binaural_config {
    float sample_rate;        /* 16000 */
    size_t n_fft;             /* 1024 */
    size_t hop;               /* 128 */
    avloc_window window;      /* hann (periodic) */
    size_t first_bin, n_bins; /* 1, 512: DC dropped, bins [first_bin, first_bin+n_bins) */
    float threshold_db;       /* activity threshold on 10*log10(|sL|^2+|sR|^2) */
    int threshold_relative;   /* 1: threshold_db is relative to the clip maximum (e.g. -40) */
} avloc_binaural_config;

/* 16 kHz, n_fft 1024 (64 ms), hop 128 (8 ms), hann, bins 1..512 (D = 1536),
   threshold -40 dB relative to the clip maximum. */
AVLOC_API avloc_binaural_config avloc_binaural_config_default(void);
#ifndef AVLOC_NO_BINAURAL /* the configuration above stays: GLLiM models embed it */
/* D = 3*n_bins, layout per frame: [ILD(n_bins) | cos IPD(n_bins) | sin IPD(n_bins)] */
AVLOC_API avloc_result avloc_binaural_frames(const avloc_binaural_config *cfg, size_t n_samples, size_t *n_frames);
/* Scratch of the one-shot avloc_binaural_features_f32 for clips of up to
   n_samples (it plans the STFT in it; the plan below keeps it instead). */
AVLOC_API avloc_result avloc_binaural_scratch_f32(const avloc_binaural_config *cfg, size_t n_samples,
                                                 size_t *scratch_bytes);
/* A TF point is active when |sL|^2+|sR|^2 > 0 and its dB value is >= the
   threshold (absolute, or clip max + threshold_db; turned into a power once
   per call in float, exact to about 1e-6 dB). Inactive points still get
   finite features (ILD uses |s|^2 + 1e-20, IPD of a zero product is (1, 0)).
   The mask is repeated over the three parts of the vector. Samples so
   large that the float spectrum overflows (|x| near FLT_MAX / n_fft) give
   AVLOC_ERR_NUMERIC, never non-finite features. */
AVLOC_API avloc_result avloc_binaural_features_f32(const avloc_binaural_config *cfg,
        const float *left, const float *right, size_t n_samples,
        float *features /* n_frames x D */, unsigned char *mask /* n_frames x D, 1 = active */,
        size_t n_frames, size_t *n_active /* optional: active TF points */,
        void *scratch, size_t scratch_bytes);

/* The same with the STFT (window and FFT twiddles) made once: for many
   clips or a live stream of short ones, since the one-shot call above
   builds it every time (about 10 % of the work for a 1 s clip). The plan
   is read-only after init: threads may share it, each with its own
   scratch. Results are bit-identical to avloc_binaural_features_f32.
   With AVLOC_USE_FFTW3 the one-shot call plans (and destroys) FFTW plans on
   every call, and FFTW's planner is not thread safe: use a plan there. */
typedef struct avloc_binaural_plan_f32 {
    avloc_binaural_config cfg;
    avloc_stft_f32 stft;
} avloc_binaural_plan_f32;
/* plan_bytes: the plan's memory (the object pattern: query(cfg, &obj_bytes)) */
AVLOC_API avloc_result avloc_binaural_plan_query_f32(const avloc_binaural_config *cfg, size_t *plan_bytes);
/* scratch_bytes: what avloc_binaural_plan_features_f32 needs per call for
   clips of up to n_samples (the relative threshold keeps a power map of
   every frame). */
AVLOC_API avloc_result avloc_binaural_plan_scratch_f32(const avloc_binaural_config *cfg, size_t n_samples,
                                                       size_t *scratch_bytes);
AVLOC_API avloc_result avloc_binaural_plan_init_f32(avloc_binaural_plan_f32 *plan, const avloc_binaural_config *cfg,
                                                    void *mem, size_t mem_bytes);
/* The same with the window from a constant table (periodic, n_fft taps). */
AVLOC_API avloc_result avloc_binaural_plan_init_tables_f32(avloc_binaural_plan_f32 *plan,
                                                           const avloc_binaural_config *cfg,
                                                           const avloc_window_table *win, void *mem,
                                                           size_t mem_bytes);
/* plan->cfg is read-only after init (a changed n_fft, hop or window gives
   AVLOC_ERR_STATE). */
AVLOC_API avloc_result avloc_binaural_plan_features_f32(const avloc_binaural_plan_f32 *plan,
        const float *left, const float *right, size_t n_samples,
        float *features, unsigned char *mask, size_t n_frames, size_t *n_active,
        void *scratch, size_t scratch_bytes);
/* Releases what the FFTW3 backend allocated (a no-op for the built-in FFT,
   but call it anyway in portable code); the plan is then unusable. */
AVLOC_API void avloc_binaural_plan_destroy_f32(avloc_binaural_plan_f32 *plan);
/* Training vector: temporal mean of each feature over its active frames;
   dims never active -> 0 and dim_mask 0. Returns AVLOC_NO_ACTIVE_POINTS
   (success) when no dim is active at all. */
AVLOC_API avloc_result avloc_binaural_mean_f32(const float *features, const unsigned char *mask, size_t n_frames,
                                               size_t D, float *mean, unsigned char *dim_mask);

#endif /* !AVLOC_NO_BINAURAL */

#ifndef AVLOC_NO_GCC_PHAT
/* ------------------------------------------------------------ GCC-PHAT */
/* Sign: a POSITIVE delay means the RIGHT channel lags the LEFT one, i.e.
   right[n] = left[n - d]. The cross-spectrum is G = R conj(L); PHAT divides
   it by max(|G|, phat_floor * max|G|); its inverse FFT peaks at +d. The
   correlation is scaled so that a pure delay gives a peak of 1. */

typedef enum avloc_gcc_interp {
    AVLOC_GCC_INTERP_NONE = 0,
    AVLOC_GCC_INTERP_PARABOLIC = 1 /* delta = 0.5 (y- - y+)/(y- - 2 y0 + y+) on the (upsampled) grid */
} avloc_gcc_interp;

typedef struct avloc_gcc_config {
    size_t frame_length;    /* 1024 samples per frame */
    size_t n_fft;           /* 2048 >= frame_length: frames are zero-padded, so lags below
                               n_fft - frame_length are linear, not circular */
    size_t hop;             /* 512 */
    avloc_window window;    /* AVLOC_WINDOW_HANN (periodic) */
    size_t max_lag;         /* 32: peak searched in [-max_lag, max_lag] samples; 1 <= max_lag < n_fft/2 */
    size_t upsample;        /* 4: correlation evaluated on a 1/upsample grid by zero-padded inverse FFT */
    avloc_gcc_interp interp;/* AVLOC_GCC_INTERP_PARABOLIC */
    float phat_floor;       /* 1e-6: relative floor of the PHAT denominator, in (0, 1) */
} avloc_gcc_config;

typedef struct avloc_gcc_f32 {
    avloc_gcc_config cfg;
    const float *window;    /* frame_length taps */
    avloc_fft_f32 fwd;      /* real, n_fft */
    avloc_fft_f32 inv;      /* real, n_fft * upsample */
    size_t scratch_bytes;
    avloc_extent mem;       /* private: the object's memory (calls refuse outputs and scratch over it) */
} avloc_gcc_f32;

AVLOC_API avloc_gcc_config avloc_gcc_config_default(void);
AVLOC_API avloc_result avloc_gcc_query_f32(const avloc_gcc_config *cfg, size_t *obj_bytes, size_t *scratch_bytes);
AVLOC_API avloc_result avloc_gcc_init_f32(avloc_gcc_f32 *g, const avloc_gcc_config *cfg, void *mem, size_t mem_bytes);
/* The same with the window from a constant table (periodic, frame_length taps). */
AVLOC_API avloc_result avloc_gcc_init_tables_f32(avloc_gcc_f32 *g, const avloc_gcc_config *cfg,
                                                 const avloc_window_table *win, void *mem, size_t mem_bytes);
AVLOC_API void avloc_gcc_destroy_f32(avloc_gcc_f32 *g);
/* 1 + (n - frame_length)/hop frames; n >= frame_length. */
AVLOC_API avloc_result avloc_gcc_frames(const avloc_gcc_config *cfg, size_t n_samples, size_t *n_frames);
/* One frame: left and right hold frame_length samples each. delay in samples,
   peak = correlation value at the (interpolated) peak. Silent input: delay 0,
   peak 0, AVLOC_NO_ACTIVE_POINTS. Finite samples so large that their float
   spectra overflow (|x| ~1e37): AVLOC_ERR_NUMERIC (here and in the calls
   below), as the binaural features do. */
AVLOC_API avloc_result avloc_gcc_frame_f32(const avloc_gcc_f32 *g, const float *left, const float *right,
                                           float *delay, float *peak, void *scratch, size_t scratch_bytes);
/* Every frame of a signal: delays[t], peaks[t] (either may be NULL, not both:
   AVLOC_ERR_NULL), n_frames from avloc_gcc_frames(). delays and peaks may
   not overlap each other or the signals (AVLOC_ERR_PARAM). */
AVLOC_API avloc_result avloc_gcc_delays_f32(const avloc_gcc_f32 *g, const float *left, const float *right,
                                            size_t n_samples, float *delays, float *peaks, size_t n_frames,
                                            void *scratch, size_t scratch_bytes);
/* Whole clip: the raw cross-spectra R conj(L) of all frames are SUMMED, then
   PHAT-weighted once and inverted (Welch-style averaged GCC-PHAT). To treat
   the whole signal as one frame, set frame_length = n, n_fft >= 2n. */
AVLOC_API avloc_result avloc_gcc_clip_f32(const avloc_gcc_f32 *g, const float *left, const float *right,
                                          size_t n_samples, float *delay, float *peak,
                                          void *scratch, size_t scratch_bytes);

#endif /* !AVLOC_NO_GCC_PHAT */

#ifndef AVLOC_NO_LINALG
/* ================================================================== */
/*              DCT-II / DCT-III and the path Sylvester solve         */
/* ================================================================== */
/* Orthonormal DCT-II (scipy.fft.dct(x, type=2, norm="ortho")) and its
   inverse, the orthonormal DCT-III, of length n, on `count` vectors at once,
   double in and out. Computed with one real FFT of length n (Makhoul's
   reordering: even samples forward, odd ones backward, then a quarter-wave
   twiddle), so any n >= 1 is fine. The FFT is the library's float32 FFT:
   results carry float rounding (relative RMS error ~1e-7, measured in
   tests/test_linalg.c); the twiddles and scaling are double.
   Vector v (v = 0..count-1) has its element i at x[v * dist + i * stride]:
   rows of a row-major matrix: stride 1, dist ld; columns: stride ld, dist 1.
   in == out with the same layout (in place) is allowed. The object is
   read-only after init; per-call scratch of the size query gives.
   Errors: NULL (d, in, out, scratch), STATE (d not initialised), SIZE (count
   0, a stride 0), OVERFLOW (the vectors' extent overflows size_t),
   WORKSPACE. A linear map: NaN/Inf in the input are not checked. */
typedef struct avloc_dct_config {
    size_t n;             /* transform length (>= 1) */
} avloc_dct_config;

typedef struct avloc_dct {
    size_t n;
    size_t scratch_bytes; /* per-call scratch */
    avloc_fft_f32 fft;    /* real FFT of length n */
    double *tw;           /* private: e^{-i pi k / (2n)}, interleaved re, im */
    int ready;
    avloc_extent mem;     /* private: the object's memory (calls refuse out and scratch over it) */
} avloc_dct;

AVLOC_API avloc_result avloc_dct_query(const avloc_dct_config *cfg, size_t *obj_bytes, size_t *scratch_bytes);
AVLOC_API avloc_result avloc_dct_init(avloc_dct *d, const avloc_dct_config *cfg, void *mem, size_t bytes);
AVLOC_API void avloc_dct_destroy(avloc_dct *d);
AVLOC_API avloc_result avloc_dct2_f64(const avloc_dct *d, size_t count, const double *in, size_t istride,
                                      size_t idist, double *out, size_t ostride, size_t odist,
                                      void *scratch, size_t scratch_bytes);
AVLOC_API avloc_result avloc_dct3_f64(const avloc_dct *d, size_t count, const double *in, size_t istride,
                                      size_t idist, double *out, size_t ostride, size_t odist,
                                      void *scratch, size_t scratch_bytes);

/* Solve M C + beta C L = R for C (k x t), with M (k x k, symmetric, lower
   triangle read) and L the t x t Laplacian of the path graph (the chain of
   video frames: L = D - W, degree 1 at both ends, 2 inside; t = 1: L = 0).
   L = Dct^T diag(lambda) Dct with Dct the orthonormal DCT-II matrix and
   lambda_j = 2 - 2 cos(pi j / t), so with M = P diag(mu) P^T:
   C = P [ (P^T R Dct^T) ./ (mu_i + beta lambda_j) ] Dct, i.e. one k x k
   eigendecomposition (avloc_eigh_f64), a DCT-II of R's rows, a division and
   a DCT-III: O(k^3 + k t log t), no t x t eigensolve. beta >= 0 finite.
   AVLOC_ERR_NUMERIC when some mu_i + beta lambda_j is <= 1e-14 times the
   largest |mu| + beta * 4 (singular: since lambda_0 = 0, M must be
   nonsingular; positive definite in RPCA's use). C may equal R (same ld
   and layout). Accuracy:
   the DCT's float rounding (above) relative to the conditioning
   max / min (mu_i + beta lambda_j). Object read-only after init. */
typedef struct avloc_sylvester_path_config {
    size_t k, t;
} avloc_sylvester_path_config;

typedef struct avloc_sylvester_path {
    size_t k, t;
    size_t scratch_bytes; /* per-call scratch */
    avloc_dct dct;        /* length t */
    double *lambda;       /* private: the t path-Laplacian eigenvalues */
    int ready;
    avloc_extent mem;     /* private: the object's memory (calls refuse outputs and scratch over it) */
} avloc_sylvester_path;

AVLOC_API avloc_result avloc_sylvester_path_query(const avloc_sylvester_path_config *cfg, size_t *obj_bytes,
                                                  size_t *scratch_bytes);
AVLOC_API avloc_result avloc_sylvester_path_init(avloc_sylvester_path *p, const avloc_sylvester_path_config *cfg,
                                                 void *mem, size_t bytes);
AVLOC_API void avloc_sylvester_path_destroy(avloc_sylvester_path *p);
AVLOC_API avloc_result avloc_sylvester_path_f64(const avloc_sylvester_path *p, const double *M, size_t ldm,
                                                double beta, const double *R, size_t ldr, double *C, size_t ldc,
                                                void *scratch, size_t scratch_bytes);
#endif /* !AVLOC_NO_LINALG */

#if !defined(AVLOC_NO_ARRAY) && !defined(AVLOC_NO_MEL)
/* ------------------------------------------------ microphone-array imaging */
/* Acoustic images ("Audio-visual localization by synthetic acoustic images
   generation", docs/acimg.md): a microphone array of any geometry steered,
   in the frequency domain, at a grid of directions; per direction the
   power spectrum, per-band power maps (SRP-PHAT with AVLOC_ARRAY_PHAT), the
   acoustic image (MFCC per direction, c0 dropped) and the energy-of-sound map.

   GEOMETRY: positions in metres in the camera frame (OpenCV pinhole: x right,
   y down, z forward). A direction d is a unit vector from the array towards
   the source; a far-field wave from d reaches microphone m at
   tau_m = -(p_m . d) / c (earlier for microphones nearer the source).
   Directions are either given (rows*cols unit vectors) or those of a pinhole
   camera (width, height, horizontal field of view; square pixels, principal
   point at the image centre): cell (i, j) looks through the centre of its
   block of pixels, u = (j + 0.5) width/cols, v = (i + 0.5) height/rows, ray
   ((u - width/2)/f, (v - height/2)/f, 1), f = (width/2)/tan(hfov/2).

   BEAMFORMING: one acoustic image per block of frame_length samples per
   microphone (interleaved, as a WAV file's frames); inside it n_sub =
   1 + (frame_length - n_fft)/hop windowed sub-frames (no centring) give
   X_m(k, t) (numpy rfft). For the bins k of [fmin, fmax]:
       Y_d(k, t) = sum_m G_m(k) W_m(k, t) X_m(k, t) exp(+i 2 pi k sr/n_fft tau_m(d))
       P_d(k) = mean_t |Y_d(k, t)|^2
   G: 1/n_mics (delay-and-sum) or the caller's complex filters (filter-and-sum);
   W: 1, or 1/|X_m(k, t)| with AVLOC_ARRAY_PHAT (steered response power with
   the phase transform; bins with |X| < 1e-20 count as 0). Steering phasors
   come from a per-bin recurrence re-seeded from exact (double) values every
   AVLOC_ARRAY_SEED_BINS bins, so the error stays ~1e-6 relative.
   MFCC image: P_d on all n_fft/2+1 bins (0 outside the band) -> mel (HTK
   scale, Slaney area norm so that a white source has flat mel energies,
   [fmin, fmax]) -> ln(max(., log_eps)) -> DCT-II ortho with n_mfcc + 1
   rows, c0 dropped. Without c0 the energy map (avloc_acimg_energy_f32) is
   a spectral flatness: largest where the beam's spectrum is the source's
   own (off-source, the wider low-frequency beams tilt it); it peaks on
   broadband sources, not on pure tones.

   COST AND MEMORY: n_dirs * n_mics * n_band * (n_sub + 1) complex MACs per
   image; the object keeps 8 * n_mics * n_dirs * (1 + n_seed_blocks) bytes of
   phasors (64 mics, 36x48, 189 bins: about 6 MB). */

#ifndef AVLOC_ARRAY_SEED_BINS
#define AVLOC_ARRAY_SEED_BINS 32
#endif

typedef enum avloc_array_weight {
    AVLOC_ARRAY_DAS = 0,  /* delay-and-sum (or filter-and-sum with filters) */
    AVLOC_ARRAY_PHAT = 1  /* each microphone's bin scaled to unit magnitude first (SRP-PHAT) */
} avloc_array_weight;

typedef struct avloc_array_config {
    size_t n_mics;                      /* >= 1 */
    const float *mic_xyz;               /* n_mics x 3 (x, y, z), metres; copied at init */
    const avloc_complex_f32 *filters;   /* NULL, or n_mics x n_band (see avloc_array_band) G_m(k); copied */
    size_t rows, cols;                  /* 36 x 48 */
    const float *directions;            /* NULL: pinhole camera below; else rows*cols x 3 (normalised at init) */
    float width, height, hfov_deg;      /* 640, 480, 60 */
    float sample_rate;                  /* 16000 */
    float sound_speed;                  /* 343 m/s */
    size_t frame_length;                /* 1280 samples per microphone per image */
    size_t n_fft;                       /* 512 */
    size_t hop;                         /* 256 */
    avloc_window window;                /* AVLOC_WINDOW_HANN (periodic) */
    float fmin, fmax;                   /* 100, 6000 Hz: the bins beamformed (and the mel range) */
    avloc_array_weight weight;          /* AVLOC_ARRAY_DAS */
    size_t n_mels;                      /* 40 */
    size_t n_mfcc;                      /* 12 coefficients per direction (c1..c12) */
    float log_eps;                      /* 1e-10 */
} avloc_array_config;

typedef struct avloc_array_f32 {
    avloc_array_config cfg;             /* pointers now point at the object's copies */
    size_t n_dirs, n_sub, k0, n_band, n_blocks;
    float *dirs;                        /* n_dirs x 3 unit vectors */
    float *zre, *zim;                   /* n_mics x n_dirs: per-bin phasor steps */
    float *sre, *sim;                   /* n_blocks x n_mics x n_dirs: seeds */
    float *window;                      /* n_fft */
    avloc_fft_f32 fft;
    avloc_mel_f32 mel;
    avloc_mfcc_f32 mfcc;                /* n_mfcc + 1 rows (c0 included; the image drops it) */
    size_t scratch_bytes;
    avloc_extent mem;                   /* private: the object's memory (calls refuse outputs and scratch over it) */
} avloc_array_f32;

/* Defaults: the camera grid 36 x 48 of a 640 x 480, 60 degree camera,
   16 kHz, 1280-sample images (12.5 per second), n_fft 512, hop 256, hann,
   100..6000 Hz, delay-and-sum, 40 mels, 12 MFCC. n_mics and mic_xyz must be set. */
AVLOC_API avloc_array_config avloc_array_config_default(void);
/* First bin and number of bins beamformed (k0 = ceil(fmin n_fft/sr),
   last = min(floor(fmax n_fft/sr), n_fft/2)). */
AVLOC_API avloc_result avloc_array_band(const avloc_array_config *cfg, size_t *k0, size_t *n_band);
AVLOC_API avloc_result avloc_array_query_f32(const avloc_array_config *cfg, size_t *obj_bytes, size_t *scratch_bytes);
AVLOC_API avloc_result avloc_array_init_f32(avloc_array_f32 *a, const avloc_array_config *cfg, void *mem, size_t mem_bytes);
AVLOC_API void avloc_array_destroy_f32(avloc_array_f32 *a);
/* Unit direction of each cell, row-major (rows*cols x 3). */
AVLOC_API avloc_result avloc_array_directions_f32(const avloc_array_f32 *a, float *dirs, size_t n_dirs);
/* power: n_dirs x n_band, P_d(k) above. x: frame_length x n_mics interleaved.
   Samples of huge magnitude whose powers pass float's range (|X|^2 beyond
   FLT_MAX: ~1e18 for the defaults) give AVLOC_ERR_NUMERIC, power set to 0
   (avloc_array_mfcc_f32 too). */
AVLOC_API avloc_result avloc_array_power_f32(const avloc_array_f32 *a, const float *x, size_t n_samples,
                                             float *power, void *scratch, size_t scratch_bytes);
/* maps (n_bands x n_dirs): the power summed over n_bands equal runs of the
   band's bins (run b: bins [b*n_band/n_bands, (b+1)*n_band/n_bands)); with
   AVLOC_ARRAY_PHAT and n_bands = 1 this is the SRP-PHAT map. A sum: NaN/Inf
   in power are not checked (they reach their band). maps overlapping power:
   AVLOC_ERR_PARAM. */
AVLOC_API avloc_result avloc_array_bands_f32(const avloc_array_f32 *a, const float *power, size_t n_bands,
                                             float *maps);
/* img: n_dirs x n_mfcc acoustic image; power (optional, n_dirs x n_band) gets
   P (img and power may not overlap: AVLOC_ERR_PARAM). */
AVLOC_API avloc_result avloc_array_mfcc_f32(const avloc_array_f32 *a, const float *x, size_t n_samples,
                                            float *img, float *power, void *scratch, size_t scratch_bytes);
/* The MFCC image of a power map (e.g. averaged over several blocks: a
   clip's image, or a smoothed stream). */
AVLOC_API avloc_result avloc_array_power_to_mfcc_f32(const avloc_array_f32 *a, const float *power, float *img,
                                                     void *scratch, size_t scratch_bytes);

/* Energy of sound of an MFCC acoustic image (n_pixels x (m->n_mfcc - 1),
   c0 missing): per pixel, DCT-III (avloc_mfcc_invert_f32) of (0, c1..) ->
   log-mel -> exp -> sum over mels -> reciprocal. m is the MFCC object the
   image was made with (an array's a->mfcc, or one with n_mfcc = 13 for a
   12-coefficient image). Scratch: avloc_acimg_energy_query. */
AVLOC_API avloc_result avloc_acimg_energy_query(const avloc_mfcc_f32 *m, size_t *scratch_bytes);
AVLOC_API avloc_result avloc_acimg_energy_f32(const avloc_mfcc_f32 *m, const float *img, size_t n_pixels,
                                              float *energy, void *scratch, size_t scratch_bytes);
#endif /* !AVLOC_NO_ARRAY && !AVLOC_NO_MEL */

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
/* ================================================================== */
/*                         FFT implementation                         */
/* ================================================================== */
#ifdef __cplusplus
#define AVLOC__RESTRICT __restrict
#else
#define AVLOC__RESTRICT restrict
#endif

#define AVLOC__FFT_MAGIC 0x46465431u /* "FFT1" */

typedef avloc_complex_f32 avloc__cpx;

#define AVLOC__FFT_MAXF 40  /* passes: n <= 2^28 has at most 28 prime factors */

/* ------------------------------------------ plan choices and cost model */
/* (both backends: avloc_fft_next_fast_size uses the model) */

/* Factors in pass order: odd primes descending, then the power of two 2^e
   as a 2 (e odd), radix-4 passes and one radix-8 pass last (when 32 | n:
   its l1 = n/8 then fills whole SIMD vectors; two radix-8 passes where one
   would leave a radix-2 pass: one sweep fewer, 2-5 % faster). Odd
   radices first keep their ido (the contiguous inner loop) large and a
   multiple of 4 whenever 4 | n, which is what the SIMD kernels need, the
   costliest (largest) first. When 4 does not divide n, the last odd passes
   get an ido below the vector width (8190 = 13 7 5 3 3 2: the radix-3
   pass gets ido 2, all scalar): avloc__fft_order, which plans use, then
   picks the order the cost model prefers; the
   radix-2/4 passes with ido % 8 == 0 run on split (re, im) blocks in SIMD
   builds (avloc__fft_split_ok; radix 8 only with AVX-512: it would not fit
   AVX2's 16 registers there), and the final radix-8 pass (ido == 1) has its
   own kernel, vectorised across k, with no twiddles. AVX-512 plans (vw ==
   8, 32 registers) of powers of two take radix 8 wherever it goes, then
   4 4 for a leftover 2^1 (not 2 8) or one 4 for 2^2: 4096 = 8 8 8 8 in four
   passes over memory instead of 4 4 4 8 8 in five, the first two split
   (docs/benchmarks.md, "Session 18"). vw: complex per SIMD vector of the
   kernel set; scalar builds (vw == 1) keep radix 4 (a scalar radix-8
   butterfly needs more than x86-64's 16 float registers: 40 % slower,
   measured). Returns the count (0 for n == 1). */
static size_t avloc__fft_factor(size_t n, size_t vw, size_t *f)
{
    size_t nf = 0, e = 0, p, i, lv = vw > 4 ? vw : 4;
    size_t n8 = vw > 1 && n % (8 * lv) == 0; /* a radix-8 last pass with l1 % lv == 0 */
    while (n % 2 == 0) { e++; n /= 2; }
    for (p = 3; p * p <= n; p += 2)
        while (n % p == 0) { f[nf++] = p; n /= p; }
    if (n > 1) f[nf++] = n;
    for (i = 0; i < nf / 2; i++) { /* largest odd radix first */
        p = f[i];
        f[i] = f[nf - 1 - i];
        f[nf - 1 - i] = p;
    }
    if (n8 && vw > 4 && nf == 0) { /* powers of two (with an odd factor the old rule measured faster) */
        n8 = e / 3 - (e % 3 == 1); /* e >= 6 here (64 | n) */
        e -= 3 * n8;
    } else if (n8) {
        e -= 3;
        if (e % 2) { /* a second radix-8 pass instead of a radix-2 one */
            e -= 3;
            n8 = 2;
        }
    }
    if (e % 2) f[nf++] = 2;
    for (i = 0; i < e / 2; i++) f[nf++] = 4;
    for (i = 0; i < n8; i++) f[nf++] = 8;
    return nf;
}

/* Modelled time of one pass per element, in hundredths (about ns/100 on
   the x86-64 core of docs/benchmarks.md, AVX2 kernels; fitted to bench_fft
   timings of sizes that isolate each radix): split radix 2/4, radix 8
   (mostly the last pass), radix 3, 5 and 7 (3136 = 7 7 8 8 against 3200 =
   5 5 4 4 8), the generic odd radix (direct DFT: linear in ip; 0.2 ip when
   scalar, e.g. 97 points in 1.9 us, hence Rader or Bluestein for such
   primes). The whole model is integer arithmetic (every term below is a
   whole number of hundredths: n / len is an integer), so planning needs no
   floating point at all: a Cortex-M4F init links no soft-double. */
typedef unsigned long long avloc__fft_cost_t;
#define AVLOC__FFT_NO_PLAN (~(avloc__fft_cost_t)0) /* a factor beyond the generic radix */
static avloc__fft_cost_t avloc__fft_pass_cost(size_t ip)
{
    switch (ip) {
    case 2: return 6;
    case 4: return 10;
    case 8: return 14;
    case 3: return 14;
    case 5: return 20;
    case 7: return 26;
    default: return 10 + 4 * (avloc__fft_cost_t)ip;
    }
}

/* Modelled time of the direct (Stockham) passes of an n-point complex FFT
   in the order f[0..nf), vw complex per SIMD vector (1: scalar build, all passes scalar). A pass vectorises over its
   inner index i < ido (with ido == 1: over k < l1); what is left
   runs scalar, AVLOC__FFT_SCALAR_X times slower. Odd lengths pay for that:
   3^7 runs 3x slower per element than 2^11. Beyond 2048 points the data
   leave L1 (+0.03 per pass and element); each pass also costs a fixed 5
   (calls, loop set-up), which matters for the small Bluestein sub-plans. */
#define AVLOC__FFT_SCALAR_X 4
static avloc__fft_cost_t avloc__fft_order_cost(size_t n, const size_t *f, size_t nf, size_t vw)
{
    size_t k, l1 = 1;
    avloc__fft_cost_t c = 0, mem = n > 2048 ? 3 : 0;
    for (k = 0; k < nf; l1 *= f[k], k++) {
        size_t ip = f[k], ido = n / (l1 * ip), len = ido, v;
        if (ido == 1) len = l1; /* a last pass runs across k */
        v = vw > 1 ? len - len % vw : 0; /* elements of len done by vectors */
        c += mem * (avloc__fft_cost_t)n + avloc__fft_pass_cost(ip) * ((avloc__fft_cost_t)v + AVLOC__FFT_SCALAR_X * (avloc__fft_cost_t)(len - v)) *
                 (avloc__fft_cost_t)(n / len);
    }
    return c + 500 * (avloc__fft_cost_t)nf;
}

/* Orders searched by avloc__fft_order: at most this many distinct ones
   (a bound on planning time: ~60 ns of model per order). */
#define AVLOC__FFT_ORDER_SEARCH 720

/* Whether the distinct orders of f[0..nf) (sorted ascending) number at most
   AVLOC__FFT_ORDER_SEARCH: nf! / (the product of the multiplicities' !). */
static int avloc__fft_few_orders(const size_t *f, size_t nf)
{
    size_t i, run = 0, count = 1;
    for (i = 0; i < nf; i++) {
        run = i > 0 && f[i] == f[i - 1] ? run + 1 : 1;
        count = count * (i + 1) / run; /* exact: a multinomial coefficient at each step */
        if (count > AVLOC__FFT_ORDER_SEARCH) return 0;
    }
    return 1;
}

/* The next order of f[0..nf) in lexicographic order; 0 after the last. */
static int avloc__fft_next_order(size_t *f, size_t nf)
{
    size_t i = nf - 1, j = nf - 1, t;
    while (i > 0 && f[i - 1] >= f[i]) i--;
    if (i == 0) return 0;
    while (f[j] <= f[i - 1]) j--;
    t = f[i - 1]; f[i - 1] = f[j]; f[j] = t;
    for (j = nf - 1; i < j; i++, j--) { t = f[i]; f[i] = f[j]; f[j] = t; }
    return 1;
}

/* The pass order of an n-point direct plan: avloc__fft_factor's, unless it
   ends on a radix below 4 (2 or 3). That leaves the pass before the last an
   ido of 2 or 3, under the vector width, so that pass runs all scalar:
   complex 50 = 5 5 2 took 108 ns, 2 5 5 74 ns (AVX2 kernels, Intel Xeon
   VM). Such plans take the better (by the model) of that order and the
   same with its first and last radix swapped; with search != 0 (the plan
   itself, not the model's many candidate lengths of Bluestein and
   avloc_fft_next_fast_size: ~60 us each) the order with the least modelled
   cost among all distinct orders when there are at most
   AVLOC__FFT_ORDER_SEARCH (the first of equals: the swap's winner, then
   lexicographic). Every
   n = 2 x odd, 4 x odd real and odd n ending on 3 that was tried got 13-46 %
   faster with the swap, 0-12 % more with the search (docs/benchmarks.md,
   "Session 20"). Scalar builds keep the order (the model is order-free). */
static size_t avloc__fft_order(size_t n, size_t vw, size_t *f, int search)
{
    size_t g[AVLOC__FFT_MAXF], nf = avloc__fft_factor(n, vw, f), i, j, t;
    avloc__fft_cost_t best, c;
    if (nf < 2 || f[nf - 1] >= 4 || f[0] <= f[nf - 1]) return nf;
    best = avloc__fft_order_cost(n, f, nf, vw);
    memcpy(g, f, nf * sizeof *f);
    g[0] = f[nf - 1];
    g[nf - 1] = f[0];
    if ((c = avloc__fft_order_cost(n, g, nf, vw)) < best) {
        best = c;
        memcpy(f, g, nf * sizeof *f);
    }
    if (!search) return nf;
    for (i = 1; i < nf; i++) /* ascending: the first order */
        for (j = i; j > 0 && g[j - 1] > g[j]; j--) { t = g[j]; g[j] = g[j - 1]; g[j - 1] = t; }
    if (!avloc__fft_few_orders(g, nf)) return nf;
    do {
        if ((c = avloc__fft_order_cost(n, g, nf, vw)) < best) {
            best = c;
            memcpy(f, g, nf * sizeof *f);
        }
    } while (avloc__fft_next_order(g, nf));
    return nf;
}

static avloc__fft_cost_t avloc__fft_cost(size_t n, size_t vw)
{
    size_t f[AVLOC__FFT_MAXF], nf = avloc__fft_order(n, vw, f, 0);
    return avloc__fft_order_cost(n, f, nf, vw);
}

/* The m >= lo (m = 2^a 3^b 5^c 7^d, m <= the power of two >= lo) with the
   least modelled cost; ties to the smaller m. */
static size_t avloc__fft_fast_len(size_t lo, size_t vw)
{
    size_t hi = 1, best, f3, f5, f7;
    avloc__fft_cost_t bc;
    while (hi < lo) hi *= 2;
    best = hi;
    bc = avloc__fft_cost(hi, vw);
    for (f7 = 1; f7 < hi; f7 *= 7)
        for (f5 = f7; f5 < hi; f5 *= 5)
            for (f3 = f5; f3 < hi; f3 *= 3) {
                size_t x = f3;
                avloc__fft_cost_t c;
                while (x < lo) x *= 2;
                if (x >= hi) continue;
                c = avloc__fft_cost(x, vw);
                if (c < bc || (c == bc && x < best)) { bc = c; best = x; }
            }
    return best;
}

#ifdef AVLOC_USE_FFTW3
/* ======================================================= FFTW3 backend */
#include <fftw3.h>

typedef struct avloc__fft_impl {
    unsigned magic;
    fftwf_plan fwd, bwd; /* c2c forward/backward, or r2c / c2r */
} avloc__fft_impl;

typedef struct avloc__fft_roots avloc__fft_roots; /* unused: FFTW makes its own */

static avloc_result avloc__fft_layout(avloc_arena *a, avloc_fft_f32 *plan, size_t n,
                                      avloc_fft_kind kind, size_t *scratch, avloc__fft_roots *roots)
{
    avloc__fft_impl *impl = AVLOC_PUSH(a, avloc__fft_impl, 1);
    avloc_result r = avloc_arena_status(a);
    (void)roots;
    avloc_arena s;
    if (r != AVLOC_OK) return r;
    /* c2c: a copy of the input when in == out (FFTW plans are out of place);
       r2c: same; c2r: FFTW destroys its input, so it always works on a copy. */
    avloc_arena_init(&s, NULL, 0);
    if (kind == AVLOC_FFT_COMPLEX) AVLOC_PUSH(&s, avloc__cpx, n);
    else AVLOC_PUSH(&s, avloc__cpx, n / 2 + 1);
    if (avloc_arena_status(&s) != AVLOC_OK) return AVLOC_ERR_OVERFLOW;
    *scratch = avloc_arena_needed(&s);
    if (plan && impl) {
        fftwf_complex *x, *y;
        unsigned flags = FFTW_ESTIMATE | FFTW_UNALIGNED;
        if (n > 0x7fffffff) return AVLOC_ERR_SIZE;
        x = fftwf_alloc_complex(n);
        y = fftwf_alloc_complex(n);
        if (!x || !y) { fftwf_free(x); fftwf_free(y); return AVLOC_ERR_UNSUPPORTED; }
        if (kind == AVLOC_FFT_COMPLEX) {
            impl->fwd = fftwf_plan_dft_1d((int)n, x, y, FFTW_FORWARD, flags);
            impl->bwd = fftwf_plan_dft_1d((int)n, x, y, FFTW_BACKWARD, flags);
        } else {
            impl->fwd = fftwf_plan_dft_r2c_1d((int)n, (float *)x, y, flags);
            impl->bwd = fftwf_plan_dft_c2r_1d((int)n, x, (float *)y, flags);
        }
        fftwf_free(x);
        fftwf_free(y);
        if (!impl->fwd || !impl->bwd) {
            if (impl->fwd) fftwf_destroy_plan(impl->fwd);
            if (impl->bwd) fftwf_destroy_plan(impl->bwd);
            return AVLOC_ERR_UNSUPPORTED;
        }
        impl->magic = AVLOC__FFT_MAGIC;
        plan->impl = impl;
    }
    return AVLOC_OK;
}

AVLOC_API void avloc_fft_destroy_f32(avloc_fft_f32 *plan)
{
    avloc__fft_impl *impl;
    if (!plan || !plan->impl) return;
    impl = (avloc__fft_impl *)plan->impl;
    if (impl->magic == AVLOC__FFT_MAGIC) {
        fftwf_destroy_plan(impl->fwd);
        fftwf_destroy_plan(impl->bwd);
        impl->magic = 0;
    }
    plan->impl = NULL;
}

static void avloc__fft_c2c_run(const avloc_fft_f32 *plan, const avloc__cpx *in, avloc__cpx *out,
                               int bwd, avloc__cpx *work)
{
    const avloc__fft_impl *impl = (const avloc__fft_impl *)plan->impl;
    size_t n = plan->n, j;
    if (in == out) {
        memcpy(work, in, n * sizeof *in);
        in = work;
    }
    fftwf_execute_dft(bwd ? impl->bwd : impl->fwd, (fftwf_complex *)(void *)in,
                      (fftwf_complex *)(void *)out);
    if (bwd) {
        float s = (float)(1.0 / (double)n);
        for (j = 0; j < n; j++) { out[j].re *= s; out[j].im *= s; }
    }
}

static void avloc__fft_r2c_run(const avloc_fft_f32 *plan, const float *in, avloc__cpx *out,
                               avloc__cpx *work)
{
    const avloc__fft_impl *impl = (const avloc__fft_impl *)plan->impl;
    if ((const void *)in == (const void *)out) {
        memcpy(work, in, plan->n * sizeof *in);
        in = (const float *)work;
    }
    fftwf_execute_dft_r2c(impl->fwd, (float *)in, (fftwf_complex *)(void *)out);
}

static void avloc__fft_c2r_run(const avloc_fft_f32 *plan, const avloc__cpx *in, float *out,
                               avloc__cpx *work)
{
    const avloc__fft_impl *impl = (const avloc__fft_impl *)plan->impl;
    size_t n = plan->n, h = n / 2 + 1, j;
    float s = (float)(1.0 / (double)n);
    memcpy(work, in, h * sizeof *in);
    work[0].im = 0.0f;
    if (n % 2 == 0) work[n / 2].im = 0.0f;
    fftwf_execute_dft_c2r(impl->bwd, (fftwf_complex *)(void *)work, out);
    for (j = 0; j < n; j++) out[j] *= s;
}

#else /* !AVLOC_USE_FFTW3 */
/* ======================================================= built-in FFT */

/* Kernel sets (avloc__cplan.isa, chosen when the plan is made). */
#define AVLOC__ISA_SCALAR 0
#define AVLOC__ISA_V128 1 /* sse2 or neon */
#define AVLOC__ISA_AVX2 2
#define AVLOC__ISA_AVX512 3 /* x86 AVX-512F where the CPU and OS have it (avloc.h) */
#if defined(AVLOC__VSET_SSE2) || defined(AVLOC__VSET_AVX2) || defined(AVLOC__VSET_NEON) || defined(AVLOC__AVX2_ONLY)
#define AVLOC__FFT_SIMD 1 /* the template is compiled for at least one set */
#endif
#if defined(AVLOC__VSET_SSE2) || defined(AVLOC__VSET_NEON) || defined(AVLOC__AVX2_ONLY)
#define AVLOC__FFT_V128 1 /* ... and for a 128-bit one (AVX2-only builds: AVLOC__VSSE2) */
#endif

/* Small kernel helpers that must be inlined: called from several passes,
   their array arguments must stay in registers. Only in optimised builds:
   at -O0 nothing stays in registers anyway, and forcing the inlining made
   the in-register kernels' switches functions of 250-350 KB whose register
   allocation took most of a debug compile (gcc -O0 of this implementation
   7.1 s -> 1.3 s without it, clang 4.2 -> 0.5 s). */
#if (defined(__GNUC__) || defined(__clang__)) && defined(__OPTIMIZE__)
#define AVLOC__FFT_INLINE static inline __attribute__((always_inline))
#define AVLOC__FFT_NOINLINE static __attribute__((noinline))
#elif defined(_MSC_VER)
#define AVLOC__FFT_INLINE static __forceinline
#define AVLOC__FFT_NOINLINE static __declspec(noinline)
#else
#define AVLOC__FFT_INLINE static inline
#define AVLOC__FFT_NOINLINE static
#endif
/* Sanitizer builds (AddressSanitizer or ThreadSanitizer; gcc:
   __SANITIZE_ADDRESS__ / __SANITIZE_THREAD__, clang: __has_feature) compile
   one instance of the split kernels instead of eight
   (AVLOC__SPLIT_INSTANCES in the kernel template) and no unrolled loops
   (AVLOC__FFT_UNROLL): the same code paths, a fraction of the compile. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define AVLOC__FFT_SAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define AVLOC__FFT_SAN 1
#endif
#endif
/* Loops over a butterfly's ip inputs / outputs: unrolled, so that with a
   constant ip (radix 2, 3, 5, 7) its vectors stay in registers (gcc -O2
   keeps them on the stack otherwise: radix 5 ran 1.6x slower). Not in
   sanitizer builds: with the checks of -fsanitize=address,undefined in
   every unrolled iteration, clang -O1 took 91 s over this implementation
   (27 s without the unrolling; -fsanitize=thread -O1: gcc 16.6 -> 8.0 s). */
#if (defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 8)) && !defined(AVLOC__FFT_SAN)
#define AVLOC__FFT_UNROLL _Pragma("GCC unroll 8")
#define AVLOC__FFT_UNROLL16 _Pragma("GCC unroll 16")
#else
#define AVLOC__FFT_UNROLL
#define AVLOC__FFT_UNROLL16
#endif

/* The best kernel set this build and CPU run (avloc.h decides, as for
   every other kernel). */
static int avloc__fft_isa(void)
{
#ifdef AVLOC__VSET_AVX512
    if (AVLOC__AVX512_OK()) return AVLOC__ISA_AVX512;
#endif
    return AVLOC__SIMD_PICK(AVLOC__ISA_AVX2, AVLOC__ISA_V128, AVLOC__ISA_SCALAR);
}

/* complex values per vector of a kernel set (the cost model's vw) */
static size_t avloc__fft_isa_vw(int isa)
{
    return isa == AVLOC__ISA_AVX512 ? 8 : isa == AVLOC__ISA_AVX2 ? 4 : isa == AVLOC__ISA_V128 ? 2 : 1;
}

/* ... of the best set this build and CPU run */
static size_t avloc__fft_vw(void) { return avloc__fft_isa_vw(avloc__fft_isa()); }

/* Bluestein's sub-length for n: the cheapest m >= 2n-1 by the cost model
   (1009 -> 2048, 4099 -> 8640: a 5-smooth m can be slower than a larger
   power of two and the other way round). */
static size_t avloc__fft_blue_len(size_t n, size_t vw) { return avloc__fft_fast_len(2 * n - 1, vw); }

/* Modelled Bluestein time: two m-point FFTs and the three pointwise products. */
static avloc__fft_cost_t avloc__fft_blue_cost(size_t n, size_t m, size_t vw)
{
    return 2 * avloc__fft_cost(m, vw) + 6 * (avloc__fft_cost_t)(m + 2 * n) + 1000;
}

/* e^{-2 pi i x / n}, from the exact angle in double precision. */
static avloc__cpx avloc__fft_root(size_t x, size_t n)
{
    avloc__cpx w;
    double ang = 6.283185307179586476925286766559 * (double)x / (double)n;
    w.re = (float)cos(ang);
    w.im = (float)-sin(ang);
    return w;
}

/* Where plan init takes its roots of unity, in the order it needs them:
   computed (avloc__fft_roots_compute, which also records them when rec is
   set) or read from a recorded table (avloc__fft_roots_read). Through a
   function pointer, so a program that only inits from tables links no
   sin/cos. */
typedef struct avloc__fft_roots {
    avloc__cpx (*get)(struct avloc__fft_roots *r, size_t x, size_t n); /* e^{-2 pi i x/n} */
    const avloc__cpx *tape; /* read: the table */
    avloc__cpx *rec;        /* compute: where to record (cap values), or NULL */
    size_t pos, cap;        /* roots taken so far; table length or rec capacity */
} avloc__fft_roots;

static avloc__cpx avloc__fft_roots_compute(avloc__fft_roots *r, size_t x, size_t n)
{
    avloc__cpx w = avloc__fft_root(x, n);
    if (r->rec && r->pos < r->cap) r->rec[r->pos] = w;
    r->pos++;
    return w;
}

static avloc__cpx avloc__fft_roots_read(avloc__fft_roots *r, size_t x, size_t n)
{
    avloc__cpx w;
    (void)x; (void)n;
    w.re = w.im = 0.0f; /* past the table's end: init then fails (count check) */
    if (r->pos < r->cap) w = r->tape[r->pos];
    r->pos++;
    return w;
}

#define AVLOC__FFT_GMAX 97  /* largest odd factor given to the generic butterfly */
/* Odd radices from this one up finish a last pass (ido 1) with a vector
   group from a padded copy instead of scalar rows: their scalar butterfly
   is the generic one (complex 42 = 3 2 7: 80 -> 57 ns, 130: 261 -> 212 ns),
   while the copy measured slower than the scalar radix-2/3/5 rows (complex
   30 54 -> 56 ns, real 60 70 -> 74 ns). Overridable for the benchmarks. */
#ifndef AVLOC__FFT_COPYTAIL_MIN
#define AVLOC__FFT_COPYTAIL_MIN 7
#endif

typedef struct avloc__fft_pass {
    size_t ip, l1, ido;
    const avloc__cpx *tw; /* (ip-1)*ido forward twiddles: tw[(j-1)*ido+i] = w^(j*i*l1) */
    const avloc__cpx *cs; /* generic radix only: the ip roots e^{-2 pi i q/ip} */
    const avloc__cpx *tws; /* split passes: tw in the kernel set's split blocks */
    const avloc__cpx *twd; /* interleaved vector radix-4/8 passes (ido > 1): tw as
                              (re, re) in twd[0..(ip-1)*ido) and (-im, im) after
                              them, so a complex product is one swap, a mul and
                              an fma (avloc__fft_twd_ok) */
    short flags;          /* 0, or AVLOC__SPLIT_* flags (the SIMD kernels run this
                             pass on split (re, im) blocks, see avloc__pass4_s)
                             and AVLOC__PASS_FUSE */
    short isa;            /* AVLOC__ISA_*: the kernel set of this pass, the plan's
                             or, in an AVX2 plan on an AVX-512 CPU, AVX-512 for a
                             pass that fills its vectors (avloc__fft_pass_isa).
                             Two shorts: the pass stays 32 bytes on 32-bit MCUs,
                             whose plans hold AVLOC__FFT_MAXF of them */
} avloc__fft_pass;

/* avloc__fft_pass.flags: a split pass; its input / output are interleaved
   complex (else split blocks, which only the neighbouring split pass reads) */
#define AVLOC__SPLIT_ON 1
#define AVLOC__SPLIT_IN_IL 2
#define AVLOC__SPLIT_OUT_IL 4
/* this pass and the next run as one step over memory: a split radix-8 pair
   (avloc__pass88_s), or the radix-8 pass of ido 8 and the last pass
   (avloc__pass8_last2) */
#define AVLOC__PASS_FUSE 8

/* Passes that one step over memory runs from pass p: 2 for a fused pair. */
static size_t avloc__fft_span(const avloc__fft_pass *p)
{
    return (p->flags & AVLOC__PASS_FUSE) ? 2 : 1;
}

/* A complex plan: Stockham passes, or Bluestein / Rader over a direct
   sub-plan of length m. */
typedef struct avloc__cplan {
    size_t n, npass;
    size_t nstep;         /* passes over memory: npass less the fused pairs */
    size_t work;          /* complex values of scratch that exec needs */
    avloc__fft_pass pass[AVLOC__FFT_MAXF];
    int algo;             /* AVLOC__FFT_DIRECT, _BLUE or _RADER */
    size_t m;             /* convolution length (0: direct passes) */
    const avloc__cpx *chirp; /* Bluestein: n values e^{-i pi k^2/n} */
    const avloc__cpx *bk;    /* m values FFT_m(kernel) / m: Bluestein's conj chirp
                                (wrapped), or Rader's w^(g^-q) (wrapped when padded) */
    const uint32_t *perm;    /* Rader: n-1 values g^q mod n, g a generator mod n */
    const struct avloc__cplan *sub;
    int isa;              /* AVLOC__ISA_*: the kernel set exec runs */
    int allv;             /* the vector kernels do every pass whole: exec runs the
                             passes from one vector driver (avloc__passes_v) */
    const avloc__cpx *kt; /* AVX-512 plans of n = 64, 128, 72 to 120 (8 r) and AVX2
                             plans of n = 4 r, r = 3 to 15: the in-register
                             kernel's twiddles (avloc__fft_reg_v; NULL otherwise) */
} avloc__cplan;

typedef struct avloc__fft_impl {
    unsigned magic;
    int half;                 /* real transform of even n through an n/2 complex FFT */
    const avloc__cplan *cp;
    const avloc__cpx *rtw;    /* half: e^{-2 pi i k/n}, k = 0..n/4 */
    size_t w2;                /* 0, or where in the scratch (complex values) a
                                 second ping-pong buffer of the plan's length is
                                 (avloc__cfft_exec's work2) */
} avloc__fft_impl;

/* How a complex length is computed (avloc__cplan.algo). */
#define AVLOC__FFT_DIRECT 0 /* Stockham passes */
#define AVLOC__FFT_BLUE 1   /* Bluestein: a chirp convolution of length m >= 2n-1 */
#define AVLOC__FFT_RADER 2  /* Rader (n prime): a cyclic convolution of length n-1,
                               computed with m = n-1 or zero-padded to m >= 2n-3 */

static int avloc__fft_is_prime(size_t n)
{
    size_t d;
    if (n < 2) return 0;
    for (d = 2; d * d <= n; d++)
        if (n % d == 0) return 0;
    return 1;
}

/* Modelled time of direct passes; a huge value when a factor is above the
   generic radix (no direct plan). */
static avloc__fft_cost_t avloc__fft_direct_cost(size_t n, size_t vw)
{
    size_t f[AVLOC__FFT_MAXF], nf = avloc__fft_factor(n, vw, f), i;
    for (i = 0; i < nf; i++)
        if (f[i] > AVLOC__FFT_GMAX) return AVLOC__FFT_NO_PLAN;
    return avloc__fft_cost(n, vw);
}

/* Modelled Rader time for prime n over an m-point sub-plan: two m-point
   FFTs, one pointwise product, and the input gather / output scatter
   through the generator's powers (random access: about 0.5 per element). */
static avloc__fft_cost_t avloc__fft_rader_cost(size_t n, size_t m, size_t vw)
{
    return 2 * avloc__fft_cost(m, vw) + 6 * (avloc__fft_cost_t)m + 50 * (avloc__fft_cost_t)(n - 1) + 1000;
}

static int avloc__fft_algo(size_t n, size_t vw, size_t *m_out);

/* Rader's sub-length for prime n: n-1 itself when it has a direct plan and
   the model finds it cheaper than the padded m >= 2n-3. */
static size_t avloc__fft_rader_len(size_t n, size_t vw)
{
    size_t mp = avloc__fft_fast_len(2 * n - 3, vw), m1 = 0;
    if (avloc__fft_algo(n - 1, vw, &m1) == AVLOC__FFT_DIRECT &&
        avloc__fft_cost(n - 1, vw) <= avloc__fft_cost(mp, vw)) return n - 1;
    return mp;
}

/* The cheapest algorithm for n by the cost model: direct passes when n has
   no factor above the generic radix and they are cheapest; Rader for
   primes (never below 7: radix 2, 3, 5 passes); Bluestein otherwise (never
   below 50). *m_out: the convolution length (0 for direct passes). */
static int avloc__fft_algo(size_t n, size_t vw, size_t *m_out)
{
    avloc__fft_cost_t best = avloc__fft_direct_cost(n, vw), c;
    int algo = AVLOC__FFT_DIRECT;
    size_t m;
    *m_out = 0;
    if (n >= 7 && avloc__fft_is_prime(n)) {
        m = avloc__fft_rader_len(n, vw);
        c = avloc__fft_rader_cost(n, m, vw);
        if (c < best) { best = c; algo = AVLOC__FFT_RADER; *m_out = m; }
    }
    if (n >= 50 || best == AVLOC__FFT_NO_PLAN) {
        m = avloc__fft_blue_len(n, vw);
        c = avloc__fft_blue_cost(n, m, vw);
        if (c < best) { algo = AVLOC__FFT_BLUE; *m_out = m; }
    }
    return algo;
}

/* Complex values of scratch that a plan of length n needs: the passes'
   ping-pong buffer, or the two m-point convolution buffers. */
static int avloc__fft_plan_isa(size_t n);
static size_t avloc__fft_work_len(size_t n)
{
    size_t m = 0;
    return avloc__fft_algo(n, avloc__fft_isa_vw(avloc__fft_plan_isa(n)), &m) == AVLOC__FFT_DIRECT ? n : 2 * m;
}

static void avloc__cfft_exec(const avloc__cplan *cp, const avloc__cpx *in, avloc__cpx *out,
                             int bwd, avloc__cpx *work, avloc__cpx *work2);

static void avloc__fft_split_pass(avloc__cplan *cp, size_t k, const avloc__cpx *tw, avloc__cpx *tws);
static void avloc__fft_fuse_tws(avloc__cplan *cp, size_t k, avloc__cpx *tws);

/* Whether a pass can run on split (re, im) blocks: radix 2 and 4 with ido a
   multiple of 8 (the block: 8 complex with AVX2, 4 with SSE2), and with
   AVX-512 (ido a multiple of 16) also radix 8, whose 16 vectors of data fit
   its 32 registers, in SIMD builds. Split arithmetic needs no shuffles:
   about half the vector instructions of interleaved complex (Intel's 512-bit
   shuffles share a port with its FMAs). */
static int avloc__fft_split_ok(size_t ip, size_t ido, size_t vw)
{
#ifdef AVLOC__FFT_SIMD
    return ido % (vw > 4 ? 2 * vw : 8) == 0 && (ip == 2 || ip == 4 || (ip == 8 && vw > 4));
#else
    (void)ip; (void)ido; (void)vw;
    return 0;
#endif
}

/* Whether a pass gets duplicated twiddles (avloc__fft_pass.twd): the
   interleaved vector radix-4 / 8 passes with twiddles, in SIMD plans. The
   layout is the same for every vector width (one (re, re) or (-im, im) pair
   per complex). */
static int avloc__fft_twd_ok(size_t ip, size_t ido, size_t vw)
{
#ifdef AVLOC__FFT_SIMD
    return vw > 1 && ido > 1 && !avloc__fft_split_ok(ip, ido, vw) && (ip == 4 || ip == 8);
#else
    (void)ip; (void)ido; (void)vw;
    return 0;
#endif
}

/* Whether the vector kernels of width vw (complex) do pass p whole (the
   conditions under which avloc__run_pass_v returns ido, or l1 when ido == 1):
   split passes; radix 4 and 8 with ido a multiple of vw; with ido 1, radix 4
   with l1 >= vw (its last group overlaps the one before) and radix 8 with l1
   a multiple of vw; radix 2 and odd with ido >= vw > 1 (the same overlap),
   and with ido 1 and l1 >= vw from AVLOC__FFT_COPYTAIL_MIN up (the last
   group from a padded copy; below, scalar code finishes the last rows). */
static int avloc__fft_pass_allv(const avloc__fft_pass *p, size_t vw)
{
    if (vw < 2) return 0;
    if (p->flags) return 1;
    if (p->ip != 4 && p->ip != 8) return p->ido == 1 ? p->ip >= AVLOC__FFT_COPYTAIL_MIN && p->l1 >= vw : p->ido >= vw;
    if (p->ido == 1) return p->ip == 4 ? p->l1 >= vw : p->l1 % vw == 0;
    return p->ido % vw == 0 && p->twd != NULL;
}

/* Whether an n-point direct plan at vector width vw runs every pass whole in
   the vector kernels without overlapping tails: passes whose ido vw
   divides (any radix), and a last radix-4/8 pass whose l1 vw divides.
   Stricter than avloc__fft_pass_allv on purpose: the AVX-512 choice below
   was measured with this rule (odd radices before the last pass since
   session 24: complex 192 = 3 8 8 and 320 = 5 8 8 took 0.77-0.80 of their
   AVX2 time). */
static int avloc__fft_fills(size_t n, size_t vw)
{
    /* no search: a plan that would end on 2 or 3 has an odd radix, or a
       radix 2 of odd ido, in any order: never whole */
    size_t f[AVLOC__FFT_MAXF], nf = avloc__fft_order(n, vw, f, 0), k, l1 = 1;
    for (k = 0; k < nf; l1 *= f[k], k++) {
        size_t ip = f[k], ido = n / (l1 * ip);
        if (avloc__fft_split_ok(ip, ido, vw)) continue;
        if (ido == 1 && ip != 4 && ip != 8) return 0;
        if (ido == 1 ? l1 % vw != 0 : ido % vw != 0) return 0;
    }
    return nf > 0;
}

/* The kernel set of an n-point plan: AVX-512 only where its 8-complex
   vectors do every pass whole (powers of two from 64 on, and such
   products, also with odd factors: 192, 320, 448); elsewhere a pass would
   fall to scalar code that the 4-complex AVX2 vectors still cover (n = 32:
   3.7x slower in AVX-512, measured), so such plans and the Rader/Bluestein
   ones keep AVX2, and only their passes that fill 8-complex vectors run
   AVX-512 (avloc__fft_pass_isa). Twice an odd number up to 30 takes the
   128-bit set where this build has it, whatever the CPU's best: no wider
   vector fits its in-register kernel (complex 14 took 70 ns in two scalar
   passes, FFTW 29 ns); so does twice a prime of the generic butterfly
   where the wider set's plan is direct passes too (34, 38, 46: the
   radix-p pass of ido 2 fills 2-complex vectors only; 34 took 205 ns,
   now 107). Twice other odd numbers measured slower there (54, 90, 150),
   and twice a larger prime runs Bluestein on the wider set, faster than a
   radix-p pass on any set. */
static int avloc__fft_reg_ok(size_t n, int isa, int algo);
static int avloc__fft_plan_isa(size_t n)
{
    int isa = avloc__fft_isa();
    size_t m = 0;
    if (isa == AVLOC__ISA_AVX512 && !(avloc__fft_algo(n, 8, &m) == AVLOC__FFT_DIRECT &&
                                      (avloc__fft_fills(n, 8) || avloc__fft_reg_ok(n, isa, AVLOC__FFT_DIRECT))))
        isa = AVLOC__ISA_AVX2;
#ifdef AVLOC__FFT_V128
    if (isa > AVLOC__ISA_V128 && n % 4 == 2 && avloc__fft_algo(n, avloc__fft_isa_vw(isa), &m) == AVLOC__FFT_DIRECT &&
        avloc__fft_algo(n, 2, &m) == AVLOC__FFT_DIRECT &&
        (avloc__fft_reg_ok(n, AVLOC__ISA_V128, AVLOC__FFT_DIRECT) || (n / 2 > 7 && avloc__fft_is_prime(n / 2))))
        isa = AVLOC__ISA_V128;
#endif
    return isa;
}

/* The kernel set of one pass (ip, l1, ido) of a direct plan whose set is
   plan_isa: AVX-512 for a pass of an AVX2 plan that fills 8-complex vectors
   (ido a multiple of 8; a last radix-4/8 pass with l1 a multiple of 8) when
   the CPU has it, so that n = 240, 480, 1000 or 3000 (64 not dividing n)
   run their wide passes 8 complex at a time and only the others 4 at a
   time (docs/benchmarks.md, "Session 24"); else the plan's set. The same
   fill rule as avloc__fft_fills applies per pass. */
static int avloc__fft_pass_isa(int plan_isa, size_t ip, size_t l1, size_t ido)
{
    int fills = ido == 1 ? l1 % 8 == 0 && (ip == 4 || ip == 8) : ido % 8 == 0;
    if (plan_isa == AVLOC__ISA_AVX2 && fills && avloc__fft_isa() == AVLOC__ISA_AVX512) return AVLOC__ISA_AVX512;
    return plan_isa;
}

/* b^e mod p (p < 2^32: the products fit in 64 bits). */
static size_t avloc__powmod(size_t b, size_t e, size_t p)
{
    unsigned long long r = 1, x = b % p;
    for (; e; e >>= 1) {
        if (e & 1) r = r * x % p;
        x = x * x % p;
    }
    return (size_t)r;
}

/* The least generator of the multiplicative group mod the prime p:
   g^((p-1)/q) != 1 for every prime q dividing p-1. */
static size_t avloc__prim_root(size_t p)
{
    size_t q[16], nq = 0, r = p - 1, d, g, i;
    for (d = 2; d * d <= r; d++)
        if (r % d == 0) {
            q[nq++] = d;
            while (r % d == 0) r /= d;
        }
    if (r > 1) q[nq++] = r;
    for (g = 2; g < p; g++) {
        for (i = 0; i < nq && avloc__powmod(g, (p - 1) / q[i], p) != 1; i++) {}
        if (i == nq) return g;
    }
    return 1; /* p == 2 */
}

/* Bluestein's tables: chirp[k] = e^{-i pi k^2/n}, and bk its conjugate / m
   wrapped symmetrically over m points (bk[k] = bk[m-k]). */
static void avloc__blue_init(size_t n, size_t m, avloc__cpx *chirp, avloc__cpx *bk, avloc__fft_roots *ro)
{
    size_t k, q = 0; /* k^2 mod 2n, kept incrementally to stay exact */
    float sc = 1.0f / (float)m; /* == (float)(1.0 / m) for every m <= 2^24: no soft-double */
    for (k = 0; k < n; k++) {
        chirp[k] = ro->get(ro, q, 2 * n);
        q += 2 * k + 1;
        while (q >= 2 * n) q -= 2 * n;
    }
    for (k = 0; k < m; k++) bk[k].re = bk[k].im = 0.0f;
    for (k = 0; k < n; k++) {
        avloc__cpx b;
        b.re = chirp[k].re * sc;
        b.im = -chirp[k].im * sc;
        bk[k] = b;
        if (k) bk[m - k] = b;
    }
}

/* Rader's tables for prime n with an m-point convolution (m == n-1, or
   m >= 2n-3 zero-padded): perm[q] = g^q, and bk the kernel
   b[j] = w^(g^j) / m (w = e^{-2 pi i/n}), wrapped so that its m-point
   cyclic convolution with the zero-padded a[q] = x[g^-q] is the
   (n-1)-point cyclic one: b[j] at j and at m-(n-1)+j. */
static void avloc__rader_init(size_t n, size_t m, uint32_t *perm, avloc__cpx *bk, avloc__fft_roots *ro)
{
    size_t nn = n - 1, g = avloc__prim_root(n), q, x = 1;
    const float fm = (float)m; /* kernel / m in float: one rounding, no soft-double */
    for (q = 0; q < nn; q++) {
        perm[q] = (uint32_t)x;
        x = (size_t)((unsigned long long)x * g % n);
    }
    for (q = 0; q < m; q++) bk[q].re = bk[q].im = 0.0f;
    for (q = 0; q < nn; q++) {
        avloc__cpx b = ro->get(ro, perm[q], n);
        b.re /= fm;
        b.im /= fm;
        bk[q] = b;
        if (q) bk[m - nn + q] = b;
    }
}

/* Whether an n-point plan of this kernel set runs the in-register kernel
   (avloc__fft_reg_v): AVX-512 plans of 64 and 128 points and of 8 r points
   (r = 9 to 15), AVX2 plans of 4 r points (r = 3 to 15), 128-bit (SSE2,
   NEON) plans of 2 r points (r odd, 3 to 15). One pass over
   memory instead of two to four: 64 points in 8 vectors of 8 complex, 128
   in 16, w r in r vectors of w (complex 32 took 22 ns in two passes, FFTW
   19-20 ns; 12 took 26 ns, FFTW 16 ns; 48 40 ns, FFTW 29 ns; 96 62 ns,
   FFTW 47 ns). */
static int avloc__fft_reg_ok(size_t n, int isa, int algo)
{
    return algo == AVLOC__FFT_DIRECT &&
           ((isa == AVLOC__ISA_AVX512 && (n == 64 || n == 128 || (n % 8 == 0 && n >= 72 && n <= 120))) ||
            (isa == AVLOC__ISA_AVX2 && n % 4 == 0 && n >= 12 && n <= 60) ||
            (isa == AVLOC__ISA_V128 && n % 4 == 2 && n >= 6 && n <= 30));
}

/* Its vectors' width w in complex values and their count r (rows): the
   first DFT runs down the columns, over r rows */
static size_t avloc__fft_reg_w(size_t n) { return n % 4 == 2 ? 2 : n < 64 ? 4 : 8; }
static size_t avloc__fft_reg_r(size_t n) { return n == 128 ? 8 : n / avloc__fft_reg_w(n); }
/* Complex values in its twiddle table kt */
static size_t avloc__fft_reg_size(size_t n)
{
    const size_t w = avloc__fft_reg_w(n), r = avloc__fft_reg_r(n);
    return 2 * (r - 1) * w + (n == 128 ? 64 : n == 64 ? 0 : r);
}

/* Its twiddles, for r rows of w complex holding an (r w)-point DFT (r w = n,
   or n/2 for n = 128): W_(rw)^(j i) for j = 1..r-1, i < w, duplicated as
   the vector passes' (avloc__fft_pass.twd: (re, re) in kt[0..m), (-im,
   im) in kt[m..2m), m = (r-1) w); for n = 128 also W128^i, i < 64, plain,
   in kt[112..176); for the others also the r-th roots W_r^q, q < r,
   plain, in kt[2m..2m+r) (the generic column butterfly of r = 11, 13). */
static void avloc__fft_reg_init(size_t n, avloc__cpx *kt, avloc__fft_roots *ro)
{
    const size_t w = avloc__fft_reg_w(n), r = avloc__fft_reg_r(n), m = (r - 1) * w;
    size_t i, j;
    for (j = 1; j < r; j++)
        for (i = 0; i < w; i++) {
            avloc__cpx t = ro->get(ro, (n / (r * w)) * j * i, n);
            kt[(j - 1) * w + i].re = kt[(j - 1) * w + i].im = t.re;
            kt[m + (j - 1) * w + i].re = -t.im;
            kt[m + (j - 1) * w + i].im = t.im;
        }
    if (n == 128)
        for (i = 0; i < 64; i++) kt[112 + i] = ro->get(ro, i, n);
    if (n != 64 && n != 128)
        for (i = 0; i < r; i++) kt[2 * m + i] = ro->get(ro, (n / r) * i, n);
}

/* The buffer that step s of a plan's nstep passes over memory writes: the
   last one writes out, the others alternate b0 and b1. */
static avloc__cpx *avloc__fft_step_dst(size_t s, size_t nstep, avloc__cpx *b0, avloc__cpx *b1, avloc__cpx *out)
{
    return s + 1 == nstep ? out : s % 2 ? b1 : b0;
}

/* Marks the pairs of passes that run as one step over memory
   (AVLOC__PASS_FUSE), AVX-512 plans only, from the first pass on, each pass
   in one pair at most: two split radix-8 passes in a row (avloc__pass88_s),
   and the radix-8 pass of ido 8 with the last one (avloc__pass8_last2, for
   4096 <= n <= 16384). 4096 = 8 8 8 8 then makes two steps. */
static void avloc__fft_fuse_pairs(avloc__cplan *cp, size_t vw)
{
    size_t k;
    cp->nstep = cp->npass;
    for (k = 0; vw == 8 && k + 1 < cp->npass; k++) {
        const avloc__fft_pass *a = &cp->pass[k], *b = &cp->pass[k + 1];
        int both_split = (a->flags & AVLOC__SPLIT_ON) && (b->flags & AVLOC__SPLIT_ON);
        /* the last pair for 4096 <= n <= 16384 only (measured on an Intel core with a
           48 KB L1): below, the two arrays fit L1 and 2048 was no faster (20 % slower
           into an output off a cache line); from 32768 on, a group's 8 stores are
           32 KB apart, all 64 of a block in one L1 set, and into an output off a
           line (each store split over two lines, the second half written one block
           later) it was 10 % slower, with no gain into an aligned one */
        int last = !a->flags && a->twd && a->ido == 8 && a->l1 % 8 == 0 && b->ido == 1 && cp->n >= 4096 &&
                   cp->n <= 16384;
        if (a->ip == 8 && b->ip == 8 && (both_split || last)) {
            cp->pass[k++].flags |= AVLOC__PASS_FUSE;
            cp->nstep--;
        }
    }
}

/* Pushes a complex plan of length n (and its sub-plan) and fills it when the
   arena has real memory. *out receives the plan (NULL when measuring). */
static void avloc__cplan_layout(avloc_arena *a, size_t n, const avloc__cplan **out, avloc__fft_roots *ro)
{
    avloc__cplan *cp = AVLOC_PUSH(a, avloc__cplan, 1);
    size_t f[AVLOC__FFT_MAXF], nf, k, l1, m = 0;
    avloc__cpx *tw[AVLOC__FFT_MAXF], *cs[AVLOC__FFT_MAXF], *tws[AVLOC__FFT_MAXF], *twd[AVLOC__FFT_MAXF];
    int pisa[AVLOC__FFT_MAXF];
    avloc__cpx *chirp = NULL, *bk = NULL, *initw = NULL, *kt = NULL;
    uint32_t *perm = NULL;
    const avloc__cplan *sub = NULL;
    int isa = avloc__fft_plan_isa(n);
    size_t vw = avloc__fft_isa_vw(isa);
    int algo = avloc__fft_algo(n, vw, &m);
    *out = NULL;
    if (algo != AVLOC__FFT_DIRECT) {
        nf = 0;
        if (algo == AVLOC__FFT_BLUE) chirp = AVLOC_PUSH(a, avloc__cpx, n);
        else perm = AVLOC_PUSH(a, uint32_t, n - 1);
        bk = AVLOC_PUSH(a, avloc__cpx, m);
        initw = AVLOC_PUSH(a, avloc__cpx, m); /* only used here, during init */
        avloc__cplan_layout(a, m, &sub, ro);
    } else {
        nf = avloc__fft_order(n, vw, f, 1);
        for (k = 0, l1 = 1; k < nf; l1 *= f[k], k++) {
            size_t ido = n / (l1 * f[k]), pvw;
            pisa[k] = avloc__fft_pass_isa(isa, f[k], l1, ido);
            pvw = avloc__fft_isa_vw(pisa[k]);
            tw[k] = AVLOC_PUSH(a, avloc__cpx, (f[k] - 1) * ido);
            cs[k] = f[k] > 5 && f[k] != 8 ? AVLOC_PUSH(a, avloc__cpx, f[k]) : NULL;
            tws[k] = avloc__fft_split_ok(f[k], ido, pvw) ? AVLOC_PUSH(a, avloc__cpx, (f[k] - 1) * ido) : NULL;
            twd[k] = avloc__fft_twd_ok(f[k], ido, pvw) ? AVLOC_PUSH(a, avloc__cpx, 2 * (f[k] - 1) * ido) : NULL;
        }
    }
    if (avloc__fft_reg_ok(n, isa, algo)) kt = AVLOC_PUSH(a, avloc__cpx, avloc__fft_reg_size(n));
    if (!cp || avloc_arena_status(a) != AVLOC_OK) return;
    memset(cp, 0, sizeof *cp);
    cp->n = n;
    cp->isa = isa;
    if (kt) avloc__fft_reg_init(n, kt, ro);
    cp->kt = kt;
    cp->npass = nf;
    cp->work = n;
    for (k = 0, l1 = 1; k < nf; l1 *= f[k], k++) {
        size_t ip = f[k], ido = n / (l1 * ip), i, j;
        for (j = 1; j < ip; j++)
            for (i = 0; i < ido; i++) tw[k][(j - 1) * ido + i] = ro->get(ro, j * i * l1, n);
        if (cs[k])
            for (j = 0; j < ip; j++) cs[k][j] = ro->get(ro, j, ip);
        cp->pass[k].ip = ip;
        cp->pass[k].l1 = l1;
        cp->pass[k].ido = ido;
        cp->pass[k].tw = tw[k];
        cp->pass[k].cs = cs[k];
        cp->pass[k].isa = (short)pisa[k];
        if (tws[k]) avloc__fft_split_pass(cp, k, tw[k], tws[k]);
        if (twd[k]) {
            size_t cnt = (ip - 1) * ido;
            for (i = 0; i < cnt; i++) {
                twd[k][i].re = twd[k][i].im = tw[k][i].re;
                twd[k][cnt + i].re = -tw[k][i].im;
                twd[k][cnt + i].im = tw[k][i].im;
            }
            cp->pass[k].twd = twd[k];
        }
    }
    cp->allv = nf > 0;
    for (k = 0; k < nf; k++) /* one vector driver runs one set */
        cp->allv = cp->allv && cp->pass[k].isa == isa && avloc__fft_pass_allv(&cp->pass[k], vw);
    avloc__fft_fuse_pairs(cp, vw);
    for (k = 0; k < nf; k++)
        if ((cp->pass[k].flags & AVLOC__PASS_FUSE) && tws[k]) avloc__fft_fuse_tws(cp, k, tws[k]);
    if (m) {
        if (!sub) return;
        if (algo == AVLOC__FFT_RADER) avloc__rader_init(n, m, perm, bk, ro);
        else avloc__blue_init(n, m, chirp, bk, ro);
        avloc__cfft_exec(sub, bk, bk, 0, initw, NULL); /* the kernel's spectrum */
        cp->perm = perm;
        cp->chirp = chirp;
        cp->algo = algo;
        cp->m = m;
        cp->bk = bk;
        cp->sub = sub;
        cp->work = 2 * m; /* padded sequence + the sub-plan's scratch */
    }
    *out = cp;
}

/* ------------------------------------------------------ scalar passes */
/* Index helpers: input CC(i,q,k) = cc[i + ido*(q + ip*k)],
                  output CH(i,k,j) = ch[i + ido*(k + l1*j)].
   s = +1 forward, -1 backward: it conjugates the stored forward twiddles and
   flips the rotations inside the butterflies. */

#define AVLOC__CMULW(dst, xr, xi, w, s)                                  \
    do {                                                                 \
        float w_r_ = (w).re, w_i_ = (s) * (w).im;                        \
        (dst).re = (xr) * w_r_ - (xi) * w_i_;                            \
        (dst).im = (xr) * w_i_ + (xi) * w_r_;                            \
    } while (0)

static void avloc__pass2(size_t ido, size_t l1, const avloc__cpx *AVLOC__RESTRICT cc,
                         avloc__cpx *AVLOC__RESTRICT ch, const avloc__cpx *tw, float s,
                         size_t k0, size_t i0)
{
    size_t k, i;
    for (k = k0; k < l1; k++) {
        const avloc__cpx *c0 = cc + ido * 2 * k, *c1 = c0 + ido;
        avloc__cpx *h0 = ch + ido * k, *h1 = h0 + ido * l1;
        for (i = i0; i < ido; i++) {
            float dr = c0[i].re - c1[i].re, di = c0[i].im - c1[i].im;
            h0[i].re = c0[i].re + c1[i].re;
            h0[i].im = c0[i].im + c1[i].im;
            AVLOC__CMULW(h1[i], dr, di, tw[i], s);
        }
    }
}

/* 4-point DFT of u[0..3] into v[0..3] (s = +1 forward, -1 backward); v may
   be u: every input is read before the first store. */
AVLOC__FFT_INLINE void avloc__dft4(const avloc__cpx *u, avloc__cpx *v, float s)
{
    float t0r = u[0].re + u[2].re, t0i = u[0].im + u[2].im, t1r = u[0].re - u[2].re, t1i = u[0].im - u[2].im;
    float t2r = u[1].re + u[3].re, t2i = u[1].im + u[3].im, t3r = u[1].re - u[3].re, t3i = u[1].im - u[3].im;
    float rr = s * t3i, ri = -s * t3r; /* -i*s*t3 */
    v[0].re = t0r + t2r; v[0].im = t0i + t2i;
    v[1].re = t1r + rr;  v[1].im = t1i + ri;
    v[2].re = t0r - t2r; v[2].im = t0i - t2i;
    v[3].re = t1r - rr;  v[3].im = t1i - ri;
}

/* 8-point DFT of x[0..7] into y[0..7] (y may be x): radix 2 over (q, q+4),
   the odd half rotated by w8^q, then two 4-point DFTs (even outputs, odd
   outputs). */
AVLOC__FFT_INLINE void avloc__dft8(const avloc__cpx *x, avloc__cpx *y, float s)
{
    const float h = 0.707106781186547524400844362105f;
    avloc__cpx a[4], b[4];
    a[0].re = x[0].re + x[4].re; a[0].im = x[0].im + x[4].im;
    a[1].re = x[1].re + x[5].re; a[1].im = x[1].im + x[5].im;
    a[2].re = x[2].re + x[6].re; a[2].im = x[2].im + x[6].im;
    a[3].re = x[3].re + x[7].re; a[3].im = x[3].im + x[7].im;
    b[0].re = x[0].re - x[4].re; b[0].im = x[0].im - x[4].im;
    /* b1 * w8, w8 = (1 - i*s)/sqrt2; b2 * -i*s; b3 * w8^3 = (-1 - i*s)/sqrt2 */
    b[1].re = h * ((x[1].re - x[5].re) + s * (x[1].im - x[5].im));
    b[1].im = h * ((x[1].im - x[5].im) - s * (x[1].re - x[5].re));
    b[2].re = s * (x[2].im - x[6].im);
    b[2].im = -s * (x[2].re - x[6].re);
    b[3].re = h * (s * (x[3].im - x[7].im) - (x[3].re - x[7].re));
    b[3].im = -h * (s * (x[3].re - x[7].re) + (x[3].im - x[7].im));
    avloc__dft4(a, a, s);
    avloc__dft4(b, b, s);
    y[0] = a[0]; y[2] = a[1]; y[4] = a[2]; y[6] = a[3];
    y[1] = b[0]; y[3] = b[1]; y[5] = b[2]; y[7] = b[3];
}

/* o[j*st] = x[j] * tw[(j-1)*ido] for j = 1..ip-1 (x[j] itself when ido == 1: the last pass) */
#define AVLOC__STORE_TW(o, st, x, j, tw, ido, s)                         \
    do {                                                                 \
        if ((ido) == 1) (o)[(j) * (st)] = (x)[j];                        \
        else AVLOC__CMULW((o)[(j) * (st)], (x)[j].re, (x)[j].im, (tw)[((j) - 1) * (ido)], s); \
    } while (0)

static void avloc__pass4(size_t ido, size_t l1, const avloc__cpx *AVLOC__RESTRICT cc,
                         avloc__cpx *AVLOC__RESTRICT ch, const avloc__cpx *tw, float s,
                         size_t k0, size_t i0)
{
    size_t k, i, st = ido * l1;
    for (k = k0; k < l1; k++) {
        const avloc__cpx *c = cc + ido * 4 * k;
        avloc__cpx *h = ch + ido * k;
        for (i = i0; i < ido; i++) {
            avloc__cpx a = c[i], b = c[i + ido], cq = c[i + 2 * ido], d = c[i + 3 * ido];
            float t0r = a.re + cq.re, t0i = a.im + cq.im, t1r = a.re - cq.re, t1i = a.im - cq.im;
            float t2r = b.re + d.re, t2i = b.im + d.im, t3r = b.re - d.re, t3i = b.im - d.im;
            float rr = s * t3i, ri = -s * t3r; /* -i*s*t3 */
            h[i].re = t0r + t2r;
            h[i].im = t0i + t2i;
            if (ido == 1) {
                h[st].re = t1r + rr; h[st].im = t1i + ri;
                h[2 * st].re = t0r - t2r; h[2 * st].im = t0i - t2i;
                h[3 * st].re = t1r - rr; h[3 * st].im = t1i - ri;
            } else {
                AVLOC__CMULW(h[i + st], t1r + rr, t1i + ri, tw[i], s);
                AVLOC__CMULW(h[i + 2 * st], t0r - t2r, t0i - t2i, tw[i + ido], s);
                AVLOC__CMULW(h[i + 3 * st], t1r - rr, t1i - ri, tw[i + 2 * ido], s);
            }
        }
    }
}

static void avloc__pass8(size_t ido, size_t l1, const avloc__cpx *AVLOC__RESTRICT cc,
                         avloc__cpx *AVLOC__RESTRICT ch, const avloc__cpx *tw, float s,
                         size_t k0, size_t i0)
{
    size_t k, i, st = ido * l1;
    for (k = k0; k < l1; k++) {
        const avloc__cpx *c = cc + ido * 8 * k;
        avloc__cpx *h = ch + ido * k;
        for (i = i0; i < ido; i++) {
            avloc__cpx x[8];
            x[0] = c[i]; x[1] = c[i + ido]; x[2] = c[i + 2 * ido]; x[3] = c[i + 3 * ido];
            x[4] = c[i + 4 * ido]; x[5] = c[i + 5 * ido]; x[6] = c[i + 6 * ido]; x[7] = c[i + 7 * ido];
            avloc__dft8(x, x, s);
            h[i] = x[0];
            AVLOC__STORE_TW(h + i, st, x, 1, tw + i, ido, s);
            AVLOC__STORE_TW(h + i, st, x, 2, tw + i, ido, s);
            AVLOC__STORE_TW(h + i, st, x, 3, tw + i, ido, s);
            AVLOC__STORE_TW(h + i, st, x, 4, tw + i, ido, s);
            AVLOC__STORE_TW(h + i, st, x, 5, tw + i, ido, s);
            AVLOC__STORE_TW(h + i, st, x, 6, tw + i, ido, s);
            AVLOC__STORE_TW(h + i, st, x, 7, tw + i, ido, s);
        }
    }
}

static void avloc__pass3(size_t ido, size_t l1, const avloc__cpx *AVLOC__RESTRICT cc,
                         avloc__cpx *AVLOC__RESTRICT ch, const avloc__cpx *tw, float s,
                         size_t k0, size_t i0)
{
    const float twr = -0.5f, twi = -s * 0.866025403784438646763723170753f;
    size_t k, i, st = ido * l1;
    for (k = k0; k < l1; k++) {
        const avloc__cpx *c = cc + ido * 3 * k;
        avloc__cpx *h = ch + ido * k;
        for (i = i0; i < ido; i++) {
            avloc__cpx a = c[i], b = c[i + ido], d = c[i + 2 * ido];
            float t1r = b.re + d.re, t1i = b.im + d.im, t2r = b.re - d.re, t2i = b.im - d.im;
            float car = a.re + twr * t1r, cai = a.im + twr * t1i;
            float cbr = -twi * t2i, cbi = twi * t2r;
            h[i].re = a.re + t1r;
            h[i].im = a.im + t1i;
            AVLOC__CMULW(h[i + st], car + cbr, cai + cbi, tw[i], s);
            AVLOC__CMULW(h[i + 2 * st], car - cbr, cai - cbi, tw[i + ido], s);
        }
    }
}

static void avloc__pass5(size_t ido, size_t l1, const avloc__cpx *AVLOC__RESTRICT cc,
                         avloc__cpx *AVLOC__RESTRICT ch, const avloc__cpx *tw, float s,
                         size_t k0, size_t i0)
{
    const float w1r = 0.309016994374947424102293417183f, w1i = -s * 0.951056516295153572116439333379f;
    const float w2r = -0.809016994374947424102293417183f, w2i = -s * 0.587785252292473129168705954639f;
    size_t k, i, st = ido * l1;
    for (k = k0; k < l1; k++) {
        const avloc__cpx *c = cc + ido * 5 * k;
        avloc__cpx *h = ch + ido * k;
        for (i = i0; i < ido; i++) {
            avloc__cpx c0 = c[i], c1 = c[i + ido], c2 = c[i + 2 * ido], c3 = c[i + 3 * ido],
                       c4 = c[i + 4 * ido];
            float t1r = c1.re + c4.re, t1i = c1.im + c4.im, t4r = c1.re - c4.re, t4i = c1.im - c4.im;
            float t2r = c2.re + c3.re, t2i = c2.im + c3.im, t3r = c2.re - c3.re, t3i = c2.im - c3.im;
            float a1r = c0.re + w1r * t1r + w2r * t2r, a1i = c0.im + w1r * t1i + w2r * t2i;
            float a2r = c0.re + w2r * t1r + w1r * t2r, a2i = c0.im + w2r * t1i + w1r * t2i;
            float b1r = w1i * t4r + w2i * t3r, b1i = w1i * t4i + w2i * t3i; /* y1 = a1 + i*b1 */
            float b2r = w2i * t4r - w1i * t3r, b2i = w2i * t4i - w1i * t3i; /* y2 = a2 + i*b2 */
            h[i].re = c0.re + t1r + t2r;
            h[i].im = c0.im + t1i + t2i;
            AVLOC__CMULW(h[i + st], a1r - b1i, a1i + b1r, tw[i], s);
            AVLOC__CMULW(h[i + 4 * st], a1r + b1i, a1i - b1r, tw[i + 3 * ido], s);
            AVLOC__CMULW(h[i + 2 * st], a2r - b2i, a2i + b2r, tw[i + ido], s);
            AVLOC__CMULW(h[i + 3 * st], a2r + b2i, a2i - b2r, tw[i + 2 * ido], s);
        }
    }
}

/* Any odd radix ip <= AVLOC__FFT_GMAX: direct DFT per column, pairing q and
   ip-q so each output pair costs (ip-1)/2 complex-by-real products. Inlined
   with a constant ip (avloc__passg), its loops unroll and the cosine indices
   jq mod ip fold. */
AVLOC__FFT_INLINE void avloc__passg_k(size_t ido, size_t ip, size_t l1, const avloc__cpx *AVLOC__RESTRICT cc,
                                      avloc__cpx *AVLOC__RESTRICT ch, const avloc__cpx *tw,
                                      const avloc__cpx *cs, float s, size_t k0, size_t i0)
{
    avloc__cpx sum[(AVLOC__FFT_GMAX + 1) / 2], dif[(AVLOC__FFT_GMAX + 1) / 2];
    size_t k, i, j, q, h = (ip - 1) / 2, st = ido * l1;
    for (k = k0; k < l1; k++) {
        const avloc__cpx *c = cc + ido * ip * k;
        avloc__cpx *o = ch + ido * k;
        for (i = i0; i < ido; i++) {
            avloc__cpx x0 = c[i], y0 = x0;
            AVLOC__FFT_UNROLL
            for (q = 1; q <= h; q++) {
                avloc__cpx a = c[i + q * ido], b = c[i + (ip - q) * ido];
                sum[q].re = a.re + b.re; sum[q].im = a.im + b.im;
                dif[q].re = a.re - b.re; dif[q].im = a.im - b.im;
                y0.re += sum[q].re; y0.im += sum[q].im;
            }
            o[i] = y0;
            AVLOC__FFT_UNROLL
            for (j = 1; j <= h; j++) {
                float ar = x0.re, ai = x0.im, br = 0.0f, bi = 0.0f;
                size_t idx = 0;
                AVLOC__FFT_UNROLL
                for (q = 1; q <= h; q++) {
                    float cr, ci;
                    idx += j;
                    if (idx >= ip) idx -= ip;
                    cr = cs[idx].re;
                    ci = s * cs[idx].im;
                    ar += cr * sum[q].re; ai += cr * sum[q].im;
                    br += ci * dif[q].re; bi += ci * dif[q].im;
                }
                /* y_j = a + i*b, y_{ip-j} = a - i*b */
                AVLOC__CMULW(o[i + j * st], ar - bi, ai + br, tw[(j - 1) * ido + i], s);
                AVLOC__CMULW(o[i + (ip - j) * st], ar + bi, ai - br, tw[(ip - j - 1) * ido + i], s);
            }
        }
    }
}

/* Radix 7, 11 and 13 with their loops unrolled (complex 7 took 33 ns with
   the loops, FFTW 12 ns; scalar builds run every pass here). Skipping the
   unit twiddles of column 0 measured slower for radix 13 and above. */
static void avloc__passg(size_t ido, size_t ip, size_t l1, const avloc__cpx *AVLOC__RESTRICT cc,
                         avloc__cpx *AVLOC__RESTRICT ch, const avloc__cpx *tw,
                         const avloc__cpx *cs, float s, size_t k0, size_t i0)
{
    switch (ip) {
    case 7: avloc__passg_k(ido, 7, l1, cc, ch, tw, cs, s, k0, i0); return;
    case 11: avloc__passg_k(ido, 11, l1, cc, ch, tw, cs, s, k0, i0); return;
    case 13: avloc__passg_k(ido, 13, l1, cc, ch, tw, cs, s, k0, i0); return;
    default: avloc__passg_k(ido, ip, l1, cc, ch, tw, cs, s, k0, i0); return;
    }
}

/* ------------------------------------------------------ SIMD passes */
/* The vector kernels are written once, in the template section at the end
   of this file, against the SIMD layer (avloc.h), and compiled here once per
   set this build has (suffix _sse2, _avx2, _neon). The plan records which set
   this CPU runs (avloc__cplan.isa); each kernel does the vector part of its
   loop and returns how far it got, the scalar code finishes. */
#define AVLOC__VPASS AVLOC__VPASS_DSP_FFT
#define AVLOC__VFILE AVLOC_DSP_FILE
#define AVLOC__VAVX512 1
#define AVLOC__VSSE2 1 /* AVX2-only builds too: avloc__fft_plan_isa's 128-bit plans */
#include AVLOC_CORE_FILE /* the per-set driver */
#undef AVLOC__VSSE2
#undef AVLOC__VAVX512
#undef AVLOC__VFILE
#undef AVLOC__VPASS

/* fn_<set> args for the plan's kernel set: the vector part's result, or 0
   (nothing done) for the scalar set. */
#if defined(AVLOC__VSET_AVX512)
#define AVLOC__FFT_SIMD_512(isa, fn, args, other) ((isa) == AVLOC__ISA_AVX512 ? fn##_avx512 args : other)
#else
#define AVLOC__FFT_SIMD_512(isa, fn, args, other) other
#endif
#if defined(AVLOC__VSET_AVX2)
#define AVLOC__FFT_SIMD_CALL(isa, fn, args)                                                                \
    AVLOC__FFT_SIMD_512(isa, fn, args,                                                                     \
                        ((isa) == AVLOC__ISA_AVX2 ? fn##_avx2 args                                         \
                                                  : (isa) == AVLOC__ISA_V128 ? fn##_sse2 args : (size_t)0))
#elif defined(AVLOC__VSET_SSE2)
#define AVLOC__FFT_SIMD_CALL(isa, fn, args) ((isa) == AVLOC__ISA_V128 ? fn##_sse2 args : (size_t)0)
#elif defined(AVLOC__VSET_NEON)
#define AVLOC__FFT_SIMD_CALL(isa, fn, args) ((isa) == AVLOC__ISA_V128 ? fn##_neon args : (size_t)0)
#else
#define AVLOC__FFT_SIMD_CALL(isa, fn, args) ((void)(isa), (size_t)0)
#endif

/* Makes pass k (its tw and ip set) a split pass when the plan's kernel set
   can: fills tws, links it with a split pass k-1 (no interleaved copy in
   between). */
static void avloc__fft_split_pass(avloc__cplan *cp, size_t k, const avloc__cpx *tw, avloc__cpx *tws)
{
#ifdef AVLOC__FFT_SIMD
    avloc__fft_pass *p = &cp->pass[k];
    if (!AVLOC__FFT_SIMD_CALL(p->isa, avloc__tw_split_v, (tw, tws, (p->ip - 1) * p->ido))) return;
    p->tws = tws;
    p->flags = AVLOC__SPLIT_ON | AVLOC__SPLIT_OUT_IL; /* a next split pass clears OUT_IL */
    /* the split blocks are as wide as the set's vectors: linked within one set */
    if (k == 0 || !cp->pass[k - 1].flags || cp->pass[k - 1].isa != p->isa) p->flags |= AVLOC__SPLIT_IN_IL;
    else cp->pass[k - 1].flags &= ~AVLOC__SPLIT_OUT_IL;
#else
    (void)cp; (void)k; (void)tw; (void)tws;
#endif
}

/* The first pass of a fused pair reads its split twiddles in the order
   avloc__pass88_s uses them: for each block of 16 inner indices i and each
   a < 8, the 7 blocks of j = 1..7 in a row (instead of 7 rows ido apart,
   which at n = 4096 are 4 KB apart: one cache set). Refilled from tw block
   by block, each block as avloc__tw_split_v makes it. */
static void avloc__fft_fuse_tws(avloc__cplan *cp, size_t k, avloc__cpx *tws)
{
    const avloc__fft_pass *p = &cp->pass[k];
    size_t ido = p->ido, idb = ido / 8, i, a, j, q = 0;
#ifndef AVLOC__FFT_SIMD
    (void)p; (void)ido; (void)idb; (void)i; (void)a; (void)j; (void)q; (void)tws;
#else
    for (i = 0; i < idb; i += 16)
        for (a = 0; a < 8; a++)
            for (j = 1; j < 8; j++, q += 16)
                AVLOC__FFT_SIMD_CALL(p->isa, avloc__tw_split_v, (p->tw + (j - 1) * ido + i + idb * a, tws + q, 16));
#endif
}

static void avloc__run_pass(const avloc__fft_pass *p, const avloc__cpx *cc, avloc__cpx *ch, int bwd)
{
    int isa = p->isa;
    float s = bwd ? -1.0f : 1.0f;
    size_t ido = p->ido, l1 = p->l1;
    /* the vector kernel did i < iv (k < iv when ido == 1: the last pass is
       vectorised across k); the scalar one finishes */
    size_t iv = AVLOC__FFT_SIMD_CALL(isa, avloc__run_pass_v, (p, cc, ch, bwd));
    size_t k0 = ido == 1 ? iv : 0, i0 = ido == 1 ? 0 : iv;
    if (ido == 1 ? k0 == l1 : i0 == ido) return;
    switch (p->ip) {
    case 4: avloc__pass4(ido, l1, cc, ch, p->tw, s, k0, i0); return;
    case 8: avloc__pass8(ido, l1, cc, ch, p->tw, s, k0, i0); return;
    case 2: avloc__pass2(ido, l1, cc, ch, p->tw, s, k0, i0); return;
    case 3: avloc__pass3(ido, l1, cc, ch, p->tw, s, k0, i0); return;
    case 5: avloc__pass5(ido, l1, cc, ch, p->tw, s, k0, i0); return;
    default: avloc__passg(ido, p->ip, l1, cc, ch, p->tw, p->cs, s, k0, i0); return;
    }
}

/* Runs the passes ping-ponging between x (holding the input) and y; both are
   clobbered. Returns the buffer that holds the result. */
static avloc__cpx *avloc__passes_pp(const avloc__cplan *cp, avloc__cpx *x, avloc__cpx *y, int bwd)
{
    size_t k;
    for (k = 0; k < cp->npass; k += avloc__fft_span(&cp->pass[k])) {
        avloc__cpx *t = x;
        avloc__run_pass(&cp->pass[k], x, y, bwd);
        x = y;
        y = t;
    }
    return x;
}

/* out[k] = x[k] * w[k] (conj(w[k]) when bwd), k < cnt; out may alias x. */
static void avloc__cmul_arr(const avloc__cpx *x, const avloc__cpx *w, avloc__cpx *out, size_t cnt, int bwd,
                            int isa)
{
    size_t k = AVLOC__FFT_SIMD_CALL(isa, avloc__cmul_arr_v, (x, w, out, cnt, bwd));
    float s = bwd ? -1.0f : 1.0f;
    for (; k < cnt; k++) {
        float xr = x[k].re, xi = x[k].im;
        AVLOC__CMULW(out[k], xr, xi, w[k], s);
    }
}

static void avloc__blue_exec(const avloc__cplan *cp, const avloc__cpx *in, avloc__cpx *out,
                             int bwd, avloc__cpx *work)
{
    size_t n = cp->n, m = cp->m, k;
    avloc__cpx *a = work, *b = work + m;
    /* X = w .* (conj(w) (*) (w .* x)), with conj everywhere for backward;
       the sub-plan is always direct passes, run without copies */
    avloc__cmul_arr(in, cp->chirp, a, n, bwd, cp->isa);
    for (k = n; k < m; k++) a[k].re = a[k].im = 0.0f;
    a = avloc__passes_pp(cp->sub, a, b, 0);
    avloc__cmul_arr(a, cp->bk, a, m, bwd, cp->isa);
    a = avloc__passes_pp(cp->sub, a, a == work ? work + m : work, 1);
    avloc__cmul_arr(a, cp->chirp, out, n, bwd, cp->isa);
}

/* Rader, n prime, g a generator: with a[q] = x[g^-q] (q < n-1) and
   b[j] = w^(g^j), X[g^r] = x[0] + (a (*) b)[r] and X[0] = x[0] + sum a.
   The convolution is forward sub-FFT, product with bk = FFT(b)/m, backward
   sub-FFT; x[0] is added to every output by adding it to the product's
   DC term. The backward transform is the forward one read at -k:
   X_bwd[n - g^r] = X_fwd[g^r]. The callers gather a into work[0..n-2];
   half: a real input, out holds only bins 0..n/2 (g^(r+(n-1)/2) = -g^r,
   so one of c[r], c[r+(n-1)/2] lands there). */
static void avloc__rader_conv(const avloc__cplan *cp, avloc__cpx x0, avloc__cpx *out, int bwd, int half,
                              avloc__cpx *work)
{
    size_t n = cp->n, m = cp->m, nn = n - 1, q;
    const uint32_t *perm = cp->perm;
    avloc__cpx *a, *c, dc;
    for (q = nn; q < m; q++) work[q].re = work[q].im = 0.0f;
    a = avloc__passes_pp(cp->sub, work, work + m, 0);
    dc.re = x0.re + a[0].re;
    dc.im = x0.im + a[0].im;
    avloc__cmul_arr(a, cp->bk, a, m, 0, cp->isa);
    a[0].re += x0.re;
    a[0].im += x0.im;
    c = avloc__passes_pp(cp->sub, a, a == work ? work + m : work, 1);
    out[0] = dc;
    if (half)
        for (q = 0; q < nn / 2; q++) {
            size_t k = perm[q], lo = k <= n / 2;
            out[lo ? k : n - k] = c[lo ? q : q + nn / 2];
        }
    else if (bwd)
        for (q = 0; q < nn; q++) out[n - perm[q]] = c[q];
    else
        for (q = 0; q < nn; q++) out[perm[q]] = c[q];
}

static void avloc__rader_exec(const avloc__cplan *cp, const avloc__cpx *in, avloc__cpx *out,
                              int bwd, avloc__cpx *work)
{
    size_t nn = cp->n - 1, q;
    work[0] = in[1]; /* g^0 */
    for (q = 1; q < nn; q++) work[q] = in[cp->perm[nn - q]]; /* g^-q = g^(nn-q) */
    avloc__rader_conv(cp, in[0], out, bwd, 0, work);
}

/* Real forward transform of prime n: bins 0..n/2 of Rader with the real
   input gathered directly (no complex copy of the input, half the scatter). */
static void avloc__rader_r2c(const avloc__cplan *cp, const float *in, avloc__cpx *out, avloc__cpx *work)
{
    size_t nn = cp->n - 1, q;
    avloc__cpx x0;
    x0.re = in[0];
    x0.im = 0.0f;
    work[0].re = in[1];
    work[0].im = 0.0f;
    for (q = 1; q < nn; q++) {
        work[q].re = in[cp->perm[nn - q]];
        work[q].im = 0.0f;
    }
    avloc__rader_conv(cp, x0, out, 0, 1, work);
}

/* n = 2, 4 or 8 in straight-line code (in may alias out: the butterflies
   read every input before the first store). Their Stockham plans of one or
   two passes spent more on the pass dispatch and loop set-up than on the
   butterflies: n = 8 took longer than n = 16, twice FFTW's time. */
static void avloc__fft_small(const avloc__cpx *in, avloc__cpx *out, size_t n, int bwd)
{
    const float s = bwd ? -1.0f : 1.0f;
    if (n == 2) {
        avloc__cpx a = in[0], b = in[1];
        out[0].re = a.re + b.re; out[0].im = a.im + b.im;
        out[1].re = a.re - b.re; out[1].im = a.im - b.im;
    } else if (n == 4) {
        avloc__dft4(in, out, s);
    } else {
        avloc__dft8(in, out, s);
    }
}

/* Unscaled transform in -> out (may alias) with work of cp->work values, and
   work2 (NULL, or n more values). With work2 and an out that is not
   AVLOC_ALIGN-aligned, the passes before the last one run in work and work2:
   the vector stores of a pass into a misaligned out split cache lines (at
   n = 4096 with out 32 bytes off a line, each pass that wrote out was ~15 %
   slower), so only the last pass writes there. */
static void avloc__cfft_exec(const avloc__cplan *cp, const avloc__cpx *in, avloc__cpx *out,
                             int bwd, avloc__cpx *work, avloc__cpx *work2)
{
    const avloc__cpx *src = in;
    avloc__cpx *b0, *b1;
    size_t k, s;
    if (cp->algo == AVLOC__FFT_BLUE) { avloc__blue_exec(cp, in, out, bwd, work); return; }
    if (cp->algo == AVLOC__FFT_RADER) { avloc__rader_exec(cp, in, out, bwd, work); return; }
    if (cp->npass == 0) { out[0] = in[0]; return; }
    if (cp->n == 2 || cp->n == 4 || cp->n == 8) { avloc__fft_small(in, out, cp->n, bwd); return; }
    if (cp->kt && AVLOC__FFT_SIMD_CALL(cp->isa, avloc__fft_reg_v, (cp->n, in, out, cp->kt, bwd))) return;
    if (work2 && (size_t)(uintptr_t)out % AVLOC_ALIGN) {
        b0 = work;
        b1 = work2;
    } else if (cp->nstep % 2) { /* the last pass must land in out: odd step counts start there */
        if (in == out) {
            memcpy(work, in, cp->n * sizeof *in);
            src = work;
        }
        b0 = out;
        b1 = work;
    } else {
        b0 = work;
        b1 = out;
    }
    if (cp->allv && AVLOC__FFT_SIMD_CALL(cp->isa, avloc__passes_v, (cp, src, b0, b1, out, bwd))) return;
    for (k = s = 0; k < cp->npass; k += avloc__fft_span(&cp->pass[k]), s++) {
        avloc__cpx *dst = avloc__fft_step_dst(s, cp->nstep, b0, b1, out);
        avloc__run_pass(&cp->pass[k], src, dst, bwd);
        src = dst;
    }
}

/* ------------------------------------------------ real post/pre-processing */
/* Z = FFT_{n/2}(x[2j] + i x[2j+1]) in z[0..m-1] -> X[0..m] in place. With
   A = Z[k], B = conj Z[m-k], E = (A+B)/2, O = (A-B)/2, T = -i W^k O:
   X[k] = E + T, X[m-k] = conj(E - T). */
static void avloc__r2c_post(avloc__cpx *z, size_t m, const avloc__cpx *rtw, int isa)
{
    size_t k, h = m / 2;
    float z0r = z[0].re, z0i = z[0].im;
    z[0].re = z0r + z0i; z[0].im = 0.0f;
    z[m].re = z0r - z0i; z[m].im = 0.0f;
    k = 1 + AVLOC__FFT_SIMD_CALL(isa, avloc__r2c_post_v, (z, m, rtw));
    for (; k <= h; k++) {
        avloc__cpx a = z[k], b = z[m - k], w = rtw[k];
        float er = 0.5f * (a.re + b.re), ei = 0.5f * (a.im - b.im);
        float or_ = 0.5f * (a.re - b.re), oi = 0.5f * (a.im + b.im);
        float pr = or_ * w.re - oi * w.im, pi = or_ * w.im + oi * w.re; /* W*O */
        float tr = pi, ti = -pr;                                          /* -i*W*O */
        z[k].re = er + tr; z[k].im = ei + ti;
        z[m - k].re = er - tr; z[m - k].im = -(ei - ti);
    }
}

/* X[0..m] -> Z[0..m-1] scaled by 1/n (n = 2m): E = (X[k] + conj X[m-k])/n,
   T = (X[k] - conj X[m-k])/n, O = i conj(W^k) T, Z[k] = E + O, Z[m-k] = conj(E - O). */
static void avloc__c2r_pre(const avloc__cpx *x, avloc__cpx *z, size_t m, const avloc__cpx *rtw, int isa)
{
    size_t k, h = m / 2;
    float sc = (float)(0.5 / (double)m);
    float x0 = x[0].re, xm = x[m].re;
    z[0].re = sc * (x0 + xm);
    z[0].im = sc * (x0 - xm);
    k = 1 + AVLOC__FFT_SIMD_CALL(isa, avloc__c2r_pre_v, (x, z, m, rtw, sc));
    for (; k <= h; k++) {
        avloc__cpx a = x[k], b = x[m - k], w = rtw[k];
        float er = sc * (a.re + b.re), ei = sc * (a.im - b.im);
        float tr = sc * (a.re - b.re), ti = sc * (a.im + b.im);
        float pr = tr * w.re + ti * w.im, pi = ti * w.re - tr * w.im; /* conj(W)*T */
        float or_ = -pi, oi = pr;                                     /* i*conj(W)*T */
        z[k].re = er + or_; z[k].im = ei + oi;
        z[m - k].re = er - or_; z[m - k].im = -(ei - oi);
    }
}

/* Whether a real transform of even n runs the n-point complex kernel in
   registers on its input (imaginary parts zero) instead of the n/2-point
   transform and the post-processing: where n/2 is odd or twice an odd
   number (its plan has no vector pass) and n has such a kernel, i.e. n =
   12, 20, ..., 60 on AVX2 (real 12 took 32 ns through its half, FFTW 10
   ns; now 8 ns, the reals widened in registers: avloc__fft_reg_r2c_v) and
   n = 6, 10, ..., 30 on the 128-bit sets (real 14 took 51 ns through its
   half, FFTW 20 ns; now 13 ns). Where the half has a kernel too (16, 24,
   32, 64) the half measured faster. */
static int avloc__fft_real_whole(size_t n)
{
    size_t m = 0;
    int isa = avloc__fft_plan_isa(n);
    return (n % 8 == 4 || n % 4 == 2) && avloc__fft_reg_ok(n, isa, avloc__fft_algo(n, avloc__fft_isa_vw(isa), &m));
}

static avloc_result avloc__fft_layout(avloc_arena *a, avloc_fft_f32 *plan, size_t n,
                                      avloc_fft_kind kind, size_t *scratch, avloc__fft_roots *ro)
{
    avloc__fft_impl *impl = AVLOC_PUSH(a, avloc__fft_impl, 1);
    int half = kind == AVLOC_FFT_REAL && n % 2 == 0 && !avloc__fft_real_whole(n);
    size_t cn = half ? n / 2 : n, work, k, w2 = 0;
    avloc__cpx *rtw = half ? AVLOC_PUSH(a, avloc__cpx, n / 4 + 1) : NULL;
    const avloc__cplan *cp = NULL;
    avloc_arena s;
    avloc_result r;
    avloc__cplan_layout(a, cn, &cp, ro);
    r = avloc_arena_status(a);
    if (r != AVLOC_OK) return r;
    /* Scratch: the complex plan's work, plus a complex staging buffer for
       real transforms (c2r pre-processing, or the odd-n complex path). */
    work = cn <= 1 ? 1 : cn;
    if (cn > 1) { /* cp->work: n, or 2m for Bluestein or Rader (m recomputed when measuring) */
        work = avloc__fft_work_len(cn);
    }
    /* a second ping-pong buffer for outputs off AVLOC_ALIGN (avloc__cfft_exec):
       real transforms have one in the staging buffer; complex ones get cn
       more values when their plan runs direct passes in 32- or 64-byte
       vectors (AVX2, AVX-512; 16-byte vectors are aligned in any malloc) */
    if (kind == AVLOC_FFT_REAL) w2 = work;
    else if (cn > 1 && work == cn && avloc__fft_isa_vw(avloc__fft_plan_isa(cn)) > 2) w2 = cn;
    avloc_arena_init(&s, NULL, 0);
    AVLOC_PUSH(&s, avloc__cpx, work);
    if (kind == AVLOC_FFT_REAL || w2) AVLOC_PUSH(&s, avloc__cpx, cn);
    if (avloc_arena_status(&s) != AVLOC_OK) return AVLOC_ERR_OVERFLOW;
    *scratch = avloc_arena_needed(&s);
    if (plan && impl) {
        if (!cp) return AVLOC_ERR_WORKSPACE;
        AVLOC_ASSERT(cp->work <= work);
        if (rtw)
            for (k = 0; k <= n / 4; k++) rtw[k] = ro->get(ro, k, n);
        impl->half = half;
        impl->cp = cp;
        impl->rtw = rtw;
        impl->w2 = kind == AVLOC_FFT_REAL && !half ? 0 : w2;
        impl->magic = AVLOC__FFT_MAGIC;
        plan->impl = impl;
    }
    return AVLOC_OK;
}

AVLOC_API void avloc_fft_destroy_f32(avloc_fft_f32 *plan)
{
    if (plan) plan->impl = NULL;
}

static void avloc__fft_c2c_run(const avloc_fft_f32 *plan, const avloc__cpx *in, avloc__cpx *out,
                               int bwd, avloc__cpx *work)
{
    const avloc__fft_impl *impl = (const avloc__fft_impl *)plan->impl;
    size_t n = plan->n, j;
    avloc__cfft_exec(impl->cp, in, out, bwd, work, impl->w2 ? work + impl->w2 : NULL);
    if (bwd) {
        float s = (float)(1.0 / (double)n);
        for (j = 0; j < n; j++) { out[j].re *= s; out[j].im *= s; }
    }
}

static void avloc__fft_r2c_run(const avloc_fft_f32 *plan, const float *in, avloc__cpx *out,
                               avloc__cpx *work)
{
    const avloc__fft_impl *impl = (const avloc__fft_impl *)plan->impl;
    size_t n = plan->n, j;
    if (impl->half) {
        avloc__cfft_exec(impl->cp, (const avloc__cpx *)(const void *)in, out, 0, work, impl->w2 ? work + impl->w2 : NULL);
        avloc__r2c_post(out, n / 2, impl->rtw, impl->cp->isa);
    } else if (impl->cp->algo == AVLOC__FFT_RADER) {
        avloc__rader_r2c(impl->cp, in, out, work);
    } else if (impl->cp->kt && AVLOC__FFT_SIMD_CALL(impl->cp->isa, avloc__fft_reg_r2c_v, (n, in, out, impl->cp->kt))) {
        return; /* avloc__fft_real_whole */
    } else {
        avloc__cpx *t = work + impl->cp->work;
        for (j = 0; j < n; j++) { t[j].re = in[j]; t[j].im = 0.0f; }
        avloc__cfft_exec(impl->cp, t, t, 0, work, NULL);
        memcpy(out, t, (n / 2 + 1) * sizeof *out);
    }
}

static void avloc__fft_c2r_run(const avloc_fft_f32 *plan, const avloc__cpx *in, float *out,
                               avloc__cpx *work)
{
    const avloc__fft_impl *impl = (const avloc__fft_impl *)plan->impl;
    size_t n = plan->n, j;
    avloc__cpx *t = work + impl->cp->work;
    if (impl->half) {
        avloc__c2r_pre(in, t, n / 2, impl->rtw, impl->cp->isa);
        avloc__cfft_exec(impl->cp, t, (avloc__cpx *)(void *)out, 1, work, impl->w2 ? t : NULL); /* t is read by the first pass only */
    } else {
        float s = (float)(1.0 / (double)n);
        t[0].re = in[0].re;
        t[0].im = 0.0f;
        for (j = 1; j <= n / 2; j++) {
            t[j] = in[j];
            t[n - j].re = in[j].re;
            t[n - j].im = -in[j].im;
        }
        avloc__cfft_exec(impl->cp, t, t, 1, work, NULL);
        for (j = 0; j < n; j++) out[j] = t[j].re * s;
    }
}

#endif /* AVLOC_USE_FFTW3 */

/* ================================================ public API (both backends) */

/* the query of an (n, kind) plan: what avloc_fft_query_f32 answers, and what
   this module's objects ask for the plans they hold */
static avloc_result avloc__fft_query(size_t n, avloc_fft_kind kind, size_t *plan_bytes, size_t *scratch_bytes)
{
    avloc_arena a;
    avloc_result r;
    size_t scratch = 0;
    if (n == 0 || n > AVLOC_MAX_DIM) return AVLOC_ERR_SIZE;
    if (kind != AVLOC_FFT_COMPLEX && kind != AVLOC_FFT_REAL) return AVLOC_ERR_PARAM;
    avloc_arena_init(&a, NULL, 0);
    r = avloc__fft_layout(&a, NULL, n, kind, &scratch, NULL);
    if (r != AVLOC_OK) return r;
    if (plan_bytes) *plan_bytes = avloc_arena_needed(&a);
    if (scratch_bytes) *scratch_bytes = scratch;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_fft_query_f32(const avloc_fft_config *cfg, size_t *plan_bytes, size_t *scratch_bytes)
{
    if (!cfg) return AVLOC_ERR_NULL;
    return avloc__fft_query(cfg->n, cfg->kind, plan_bytes, scratch_bytes);
}

/* avloc_fft_init_f32 with its roots from ro (built-in FFT; FFTW ignores it) */
static avloc_result avloc__fft_init(avloc_fft_f32 *plan, size_t n, avloc_fft_kind kind,
                                    void *mem, size_t mem_bytes, avloc__fft_roots *ro)
{
    avloc_arena a;
    avloc_result r;
    size_t scratch = 0;
    if (plan) memset(plan, 0, sizeof *plan); /* the documented state of a failed init */
    if (!plan || !mem) return AVLOC_ERR_NULL;
    if (n == 0 || n > AVLOC_MAX_DIM) return AVLOC_ERR_SIZE;
    if (kind != AVLOC_FFT_COMPLEX && kind != AVLOC_FFT_REAL) return AVLOC_ERR_PARAM;
    plan->n = n;
    plan->kind = kind;
    avloc_arena_init(&a, mem, mem_bytes);
    r = avloc__fft_layout(&a, plan, n, kind, &scratch, ro);
    if (r != AVLOC_OK) { memset(plan, 0, sizeof *plan); return r; }
    plan->scratch_bytes = scratch;
    plan->mem = avloc__extent_of(&a);
    return AVLOC_OK;
}

#ifdef AVLOC_USE_FFTW3
static avloc_result avloc__fft_init_computed(avloc_fft_f32 *plan, size_t n, avloc_fft_kind kind,
                                             void *mem, size_t mem_bytes)
{
    return avloc__fft_init(plan, n, kind, mem, mem_bytes, NULL);
}

AVLOC_API size_t avloc_fft_tables_vw(void) { return 0; }

AVLOC_API avloc_result avloc_fft_init_tables_f32(avloc_fft_f32 *plan, const avloc_fft_tables *t,
                                                 void *mem, size_t mem_bytes)
{
    if (plan) memset(plan, 0, sizeof *plan);
    (void)t; (void)mem; (void)mem_bytes;
    return AVLOC_ERR_UNSUPPORTED;
}

AVLOC_API avloc_result avloc_fft_record_tables_f32(const avloc_fft_config *cfg, void *mem, size_t mem_bytes,
                                                   avloc_complex_f32 *roots, size_t cap, size_t *count)
{
    (void)mem; (void)mem_bytes;
    if (!count || (!roots && cap) || !cfg) return AVLOC_ERR_NULL; /* the arguments first, as without FFTW */
    *count = 0;
    return AVLOC_ERR_UNSUPPORTED;
}
#else
/* a plan of (n, kind) with its roots computed (double sin/cos) */
static avloc_result avloc__fft_init_computed(avloc_fft_f32 *plan, size_t n, avloc_fft_kind kind,
                                             void *mem, size_t mem_bytes)
{
    avloc__fft_roots ro;
    memset(&ro, 0, sizeof ro);
    ro.get = avloc__fft_roots_compute;
    return avloc__fft_init(plan, n, kind, mem, mem_bytes, &ro);
}

AVLOC_API size_t avloc_fft_tables_vw(void) { return avloc__fft_vw(); }

AVLOC_API avloc_result avloc_fft_init_tables_f32(avloc_fft_f32 *plan, const avloc_fft_tables *t,
                                                 void *mem, size_t mem_bytes)
{
    avloc__fft_roots ro;
    avloc_result r;
    if (plan) memset(plan, 0, sizeof *plan);
    if (!plan || !t || !mem || (!t->roots && t->count)) return AVLOC_ERR_NULL;
    if (t->vw != avloc__fft_vw()) return AVLOC_ERR_PARAM;
    memset(&ro, 0, sizeof ro);
    ro.get = avloc__fft_roots_read;
    ro.tape = t->roots;
    ro.cap = t->count;
    r = avloc__fft_init(plan, t->n, t->kind, mem, mem_bytes, &ro);
    if (r == AVLOC_OK && ro.pos != t->count) r = AVLOC_ERR_FORMAT; /* another plan's table */
    if (r != AVLOC_OK) memset(plan, 0, sizeof *plan);
    return r;
}

AVLOC_API avloc_result avloc_fft_record_tables_f32(const avloc_fft_config *cfg, void *mem, size_t mem_bytes,
                                                   avloc_complex_f32 *roots, size_t cap, size_t *count)
{
    avloc_fft_f32 plan;
    avloc__fft_roots ro;
    avloc_result r;
    if (!count || (!roots && cap) || !cfg) return AVLOC_ERR_NULL;
    *count = 0;
    memset(&ro, 0, sizeof ro);
    ro.get = avloc__fft_roots_compute;
    ro.rec = roots;
    ro.cap = cap;
    r = avloc__fft_init(&plan, cfg->n, cfg->kind, mem, mem_bytes, &ro);
    if (r != AVLOC_OK) return r;
    *count = ro.pos;
    return ro.pos > cap ? AVLOC_ERR_WORKSPACE : AVLOC_OK;
}
#endif

AVLOC_API avloc_result avloc_fft_init_f32(avloc_fft_f32 *plan, const avloc_fft_config *cfg,
                                          void *mem, size_t mem_bytes)
{
    if (!cfg) {
        if (plan) memset(plan, 0, sizeof *plan); /* the documented state of a failed init */
        return AVLOC_ERR_NULL;
    }
    return avloc__fft_init_computed(plan, cfg->n, cfg->kind, mem, mem_bytes);
}

AVLOC_API size_t avloc_fft_next_fast_size(size_t n)
{
#ifdef AVLOC_USE_FFTW3
    size_t vw = 4; /* FFTW's SIMD codelets also like smooth, even lengths */
#else
    size_t vw = avloc__fft_vw();
#endif
    if (n > AVLOC_MAX_DIM) return 0;
    return n <= 1 ? 1 : avloc__fft_fast_len(n, vw);
}

AVLOC_API size_t avloc_fft_next_fast_size_real(size_t n)
{
    if (n > AVLOC_MAX_DIM) return 0;
    return n <= 2 ? (n ? n : 1) : 2 * avloc_fft_next_fast_size((n + 1) / 2);
}

/* Common checks; on success *work points at the aligned scratch. in and
   out (in_bytes, out_bytes) are one buffer (in place: the same start) or
   apart; scratch and the plan's memory meet neither. */
static avloc_result avloc__fft_check(const avloc_fft_f32 *plan, const void *in, size_t in_bytes, const void *out,
                                     size_t out_bytes, void *scratch, size_t scratch_bytes, avloc_fft_kind kind,
                                     avloc__cpx **work)
{
    avloc_arena a;
    if (!plan || !in || !out || !scratch) return AVLOC_ERR_NULL;
    if (!plan->impl || plan->n == 0 ||
        ((const unsigned *)plan->impl)[0] != AVLOC__FFT_MAGIC) return AVLOC_ERR_STATE;
    if (plan->kind != kind) return AVLOC_ERR_PARAM;
    if (scratch_bytes < plan->scratch_bytes) return AVLOC_ERR_WORKSPACE;
    {   /* five tests, not a span list: MP's 3-D transforms make ~10^5 calls of a few dozen points */
        const size_t sb = plan->scratch_bytes;
        const avloc_extent pm = plan->mem;
        if ((in != out && avloc__overlaps(in, in_bytes, out, out_bytes)) || avloc__overlaps(scratch, sb, in, in_bytes) ||
            avloc__overlaps(scratch, sb, out, out_bytes) || avloc__overlaps(pm.base, pm.bytes, out, out_bytes) ||
            avloc__overlaps(pm.base, pm.bytes, scratch, sb))
            return AVLOC_ERR_PARAM;
    }
    avloc_arena_init(&a, scratch, scratch_bytes);
    *work = (avloc__cpx *)avloc_arena_push(&a, 1, 1, AVLOC_ALIGN);
    if (!*work) return AVLOC_ERR_WORKSPACE;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_fft_c2c_f32(const avloc_fft_f32 *plan, const avloc_complex_f32 *in,
                                         avloc_complex_f32 *out, avloc_fft_dir dir,
                                         void *scratch, size_t scratch_bytes)
{
    avloc__cpx *work = NULL;
    const size_t bytes = plan ? plan->n * sizeof *out : 0;
    avloc_result r = avloc__fft_check(plan, in, bytes, out, bytes, scratch, scratch_bytes, AVLOC_FFT_COMPLEX, &work);
    if (r != AVLOC_OK) return r;
    if (dir != AVLOC_FFT_FORWARD && dir != AVLOC_FFT_INVERSE) return AVLOC_ERR_PARAM;
    avloc__fft_c2c_run(plan, in, out, dir == AVLOC_FFT_INVERSE, work);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_fft_r2c_f32(const avloc_fft_f32 *plan, const float *in,
                                         avloc_complex_f32 *out,
                                         void *scratch, size_t scratch_bytes)
{
    avloc__cpx *work = NULL;
    const size_t n = plan ? plan->n : 0;
    avloc_result r = avloc__fft_check(plan, in, n * sizeof *in, out, (n / 2 + 1) * sizeof *out, scratch, scratch_bytes,
                                      AVLOC_FFT_REAL, &work);
    if (r != AVLOC_OK) return r;
    avloc__fft_r2c_run(plan, in, out, work);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_fft_c2r_f32(const avloc_fft_f32 *plan, const avloc_complex_f32 *in,
                                         float *out, void *scratch, size_t scratch_bytes)
{
    avloc__cpx *work = NULL;
    const size_t n = plan ? plan->n : 0;
    avloc_result r = avloc__fft_check(plan, in, (n / 2 + 1) * sizeof *in, out, n * sizeof *out, scratch, scratch_bytes,
                                      AVLOC_FFT_REAL, &work);
    if (r != AVLOC_OK) return r;
    avloc__fft_c2r_run(plan, in, out, work);
    return AVLOC_OK;
}

/* ================================================================== */
/*                      FEATURES implementation                       */
/* ================================================================== */
#include <float.h>

#define AVLOC__ILD_K 3.0102999566398120f /* 10 log10(2): dB per octave of power */

#ifndef AVLOC_NO_BINAURAL
/* log2(a/b) for positive normal floats without forming a/b (it can over- or
   underflow): exponent difference + log2 of the mantissa ratio, brought into
   [1/sqrt2, sqrt2] and taken as 2 atanh(s)/ln 2 with s = (ma-mb)/(ma+mb), the
   avloc__log2f series (|error| < 1e-7). One division per point. */
static float avloc__log2_ratio(float a, float b)
{
    uint32_t ua, ub;
    int32_t e;
    float ma, mb, s, s2;
    memcpy(&ua, &a, sizeof ua);
    memcpy(&ub, &b, sizeof ub);
    e = (int32_t)((ua >> 23) & 0xffu) - (int32_t)((ub >> 23) & 0xffu);
    ua = (ua & 0x007fffffu) | 0x3f800000u;
    ub = (ub & 0x007fffffu) | 0x3f800000u;
    memcpy(&ma, &ua, sizeof ma);
    memcpy(&mb, &ub, sizeof mb);
    if (ma > 1.41421356f * mb) { mb *= 2.0f; e++; }
    else if (mb > 1.41421356f * ma) { ma *= 2.0f; e--; }
    s = (ma - mb) / (ma + mb);
    s2 = s * s;
    return (float)e + s * (2.88539008f + s2 * (0.961796694f + s2 * (0.577078016f + s2 * (0.412198583f + s2 * 0.320598898f))));
}

/* 2^k as a float, k in [-126, 127] (exact, from the exponent bits) */
static float avloc__exp2i(int k)
{
    uint32_t u = (uint32_t)(k + 127) << 23;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* x * 2^k (k of any size) by exact power-of-two steps: overflows to Inf,
   underflows through the subnormals to 0 as the product would. */
static float avloc__ldexpf(float x, int k)
{
    while (k > 127) { x *= avloc__exp2i(127); k -= 127; }
    while (k < -126) { x *= avloc__exp2i(-126); k += 126; }
    return x * avloc__exp2i(k);
}

/* Scales the complex value z by a power of two (exactly) so that its
   larger part lies in [1, 2), and returns the exponent e with
   z = scaled * 2^e; zero stays zero (e = 0). */
static int avloc__cpx_norm(avloc_complex_f32 *z)
{
    float m = fabsf(z->re) > fabsf(z->im) ? fabsf(z->re) : fabsf(z->im);
    uint32_t u;
    int e = 0, k;
    if (m == 0.0f) return 0;
    if (m < FLT_MIN) { /* subnormal: no exponent bits yet */
        z->re *= avloc__exp2i(64); z->im *= avloc__exp2i(64); m *= avloc__exp2i(64);
        e = -64;
    }
    memcpy(&u, &m, sizeof u);
    k = (int)((u >> 23) & 0xffu) - 127; /* m in [2^k, 2^(k+1)) */
    if (k > 63) { z->re *= avloc__exp2i(-64); z->im *= avloc__exp2i(-64); e += 64; k -= 64; }
    z->re *= avloc__exp2i(-k);
    z->im *= avloc__exp2i(-k);
    return e + k;
}

/* |z|^2 + 1e-20 (the ILD's guard) as am * 2^*k, am a positive normal float,
   from the scaled z (parts below 2) and its exponent e: the guard is
   negligible (1e-50 relative) where |z|^2 >= 2^100, and there the power
   may be beyond float range. */
static float avloc__guarded_pow(avloc_complex_f32 z, int e, int *k)
{
    float p = z.re * z.re + z.im * z.im; /* [1, 8), or 0 */
    *k = 0;
    if (p > 0.0f && e >= 50) { *k = 2 * e; return p; }
    return avloc__ldexpf(p, 2 * e) + 1e-20f;
}

/* One TF point where the fast path could over- or underflow (|L|^2 |R|^2
   outside [1e-30, 1e30]), still in float: each side scaled by a power of
   two into range (ILD and IPD do not change under that), the ILD from the
   guarded powers as mantissa and exponent (avloc__log2_ratio + the exponent
   difference), the power saturating at FLT_MAX. Against the double-precision
   definition (10 log10((pr + 1e-20) / (pl + 1e-20)), R conj(L) / |R L|,
   pl + pr): a few float ulps, about 1e-6 dB and 1e-7 (tests: 1e-3 dB and
   1e-4 on the 1e-9 and 1e9 scaled clips). */
#if defined(__GNUC__) || defined(__clang__)
/* never inlined into the AVX2 kernel: there the compiler could contract it
   into FMAs and round the rare exact-path bins unlike the scalar tail */
__attribute__((noinline))
#endif
static void avloc__bin_exact(avloc_complex_f32 L, avloc_complex_f32 R, float *ild, float *cs, float *sn, float *pw)
{
    avloc_complex_f32 l = L, r = R;
    int el, er, kl, kr;
    float gl, gr, pl, pr, p;
    /* an overflowed spectrum: NaN features, which the caller refuses (tested
       on the bits: -ffast-math folds x * 0 to 0 and NaN compares) */
    if (!avloc__finite_f32(L.re) || !avloc__finite_f32(L.im) || !avloc__finite_f32(R.re) ||
        !avloc__finite_f32(R.im)) {
        *ild = *cs = *sn = avloc__i2f_bits(0x7fc00000);
        *pw = FLT_MAX;
        return;
    }
    el = avloc__cpx_norm(&l);
    er = avloc__cpx_norm(&r);
    gl = avloc__guarded_pow(l, el, &kl);
    gr = avloc__guarded_pow(r, er, &kr);
    pl = l.re * l.re + l.im * l.im;
    pr = r.re * r.re + r.im * r.im;
    *ild = AVLOC__ILD_K * (avloc__log2_ratio(gr, gl) + (float)(kr - kl));
    if (pl > 0.0f && pr > 0.0f) {
        float inv = 1.0f / sqrtf(pl * pr); /* both in [1, 8) */
        *cs = (r.re * l.re + r.im * l.im) * inv;
        *sn = (r.im * l.re - r.re * l.im) * inv;
    } else {
        *cs = 1.0f;
        *sn = 0.0f;
    }
    p = avloc__ldexpf(pl, 2 * el) + avloc__ldexpf(pr, 2 * er);
    *pw = p < FLT_MAX ? p : FLT_MAX;
}
#endif

/* The per-frame hot loops (compilers do not vectorise them at -O2) are
   written once against the SIMD layer, in the template section at the end
   of this file, and compiled here per set; AVLOC__VCALL runs the one this
   CPU has, the scalar code finishes the tail (and is all that runs with
   AVLOC_NO_SIMD). */
#define AVLOC__VPASS AVLOC__VPASS_DSP_FEAT
#define AVLOC__VFILE AVLOC_DSP_FILE
#include AVLOC_CORE_FILE /* the per-set driver */
#undef AVLOC__VFILE
#undef AVLOC__VPASS

#define AVLOC__PI 3.14159265358979323846

/* ------------------------------------------------------------- windows */

static int avloc__window_valid(avloc_window t)
{
    switch (t) {
    case AVLOC_WINDOW_RECTANGULAR: case AVLOC_WINDOW_HANN: case AVLOC_WINDOW_HAMMING:
    case AVLOC_WINDOW_BLACKMAN: case AVLOC_WINDOW_SQRT_HANN:
        return 1;
    }
    return 0;
}

static void avloc__window_fill(avloc_window t, int periodic, float *w, size_t n)
{
    double a0 = 1.0, a1 = 0.0, a2 = 0.0, m;
    size_t k;
    switch (t) {
    case AVLOC_WINDOW_HANN: case AVLOC_WINDOW_SQRT_HANN: a0 = 0.5; a1 = 0.5; break;
    case AVLOC_WINDOW_HAMMING: a0 = 0.54; a1 = 0.46; break;
    case AVLOC_WINDOW_BLACKMAN: a0 = 0.42; a1 = 0.5; a2 = 0.08; break;
    case AVLOC_WINDOW_RECTANGULAR: break;
    }
    if (n == 1) { w[0] = 1.0f; return; }
    m = periodic ? (double)n : (double)(n - 1);
    for (k = 0; k < n; k++) {
        double x = 2.0 * AVLOC__PI * (double)k / m;
        double v = a0 - a1 * cos(x) + a2 * cos(2.0 * x);
        if (t == AVLOC_WINDOW_SQRT_HANN) v = sqrt(v > 0.0 ? v : 0.0);
        w[k] = (float)v;
    }
}

/* What an object's init computes when no table gives it: the window
   (avloc__window_fill, double cos) and FFT plans with computed roots
   (avloc__fft_init_computed, double sin/cos). The plain inits pass it; the
   *_init_tables calls pass it for a table without FFT roots, or NULL with
   AVLOC_TABLES_ONLY, so that nothing calling cos/sin is referenced from
   them and a firmware's --gc-sections drops it. */
typedef struct avloc__compute {
    void (*window)(avloc_window t, int periodic, float *w, size_t n);
    avloc_result (*fft)(avloc_fft_f32 *plan, size_t n, avloc_fft_kind kind, void *mem, size_t mem_bytes);
} avloc__compute;

static avloc__compute avloc__computed(void)
{
    avloc__compute c;
    c.window = avloc__window_fill;
    c.fft = avloc__fft_init_computed;
    return c;
}

/* What a *_init_tables call may compute: cmp (filled) or nothing */
static const avloc__compute *avloc__tables_fallback(avloc__compute *cmp)
{
#ifdef AVLOC_TABLES_ONLY
    (void)cmp;
    return NULL;
#else
    *cmp = avloc__computed();
    return cmp;
#endif
}

/* An object's FFT plan of (n, kind): from the roots table t (made for this
   n and kind, else AVLOC_ERR_PARAM) or computed through cmp (NULL: a
   tables-only build given no roots, AVLOC_ERR_NULL). FFTW makes its own
   twiddles: t is only checked there. */
static avloc_result avloc__fft_init_from(avloc_fft_f32 *plan, size_t n, avloc_fft_kind kind,
                                         const avloc_fft_tables *t, const avloc__compute *cmp,
                                         void *mem, size_t mem_bytes)
{
    if (t && (t->n != n || t->kind != kind)) return AVLOC_ERR_PARAM;
#ifdef AVLOC_USE_FFTW3
    (void)cmp;
    return avloc__fft_init_computed(plan, n, kind, mem, mem_bytes);
#else
    if (t) return avloc_fft_init_tables_f32(plan, t, mem, mem_bytes);
    if (!cmp) return AVLOC_ERR_NULL;
    return cmp->fft(plan, n, kind, mem, mem_bytes);
#endif
}

AVLOC_API avloc_result avloc_window_f32(avloc_window type, int periodic, float *w, size_t n)
{
    if (!w) return AVLOC_ERR_NULL;
    if (n == 0 || n > AVLOC_MAX_DIM) return AVLOC_ERR_SIZE;
    if (!avloc__window_valid(type)) return AVLOC_ERR_PARAM;
    avloc__window_fill(type, periodic, w, n);
    return AVLOC_OK;
}

/* A window table for a window of this type, symmetry and length: its taps,
   or NULL (no table given, or one made for another window: init refuses). */
static avloc_result avloc__window_table_check(const avloc_window_table *t, avloc_window type, int periodic,
                                              size_t length)
{
    if (!t || !t->taps) return AVLOC_ERR_NULL;
    if (t->type != type || !t->periodic != !periodic || t->length != length) return AVLOC_ERR_PARAM;
    return AVLOC_OK;
}

/* ---------------------------------------------------------------- STFT */

AVLOC_API avloc_stft_config avloc_stft_config_default(void)
{
    avloc_stft_config c;
    memset(&c, 0, sizeof c);
    c.n_fft = 512;
    c.hop = 128;
    c.win_length = 512;
    c.window = AVLOC_WINDOW_HANN;
    c.periodic = 1;
    c.center = 1;
    c.pad_mode = AVLOC_PAD_REFLECT;
    c.onesided = 1;
    return c;
}

/* win_length 0 stands for n_fft, as torch.stft's win_length=None */
static size_t avloc__stft_win_length(const avloc_stft_config *c)
{
    return c->win_length ? c->win_length : c->n_fft;
}

static avloc_result avloc__stft_check(const avloc_stft_config *c)
{
    if (!c) return AVLOC_ERR_NULL;
    if (c->n_fft < 2 || c->n_fft > AVLOC_MAX_DIM || c->hop == 0 || c->hop > AVLOC_MAX_DIM ||
        c->win_length > c->n_fft)
        return AVLOC_ERR_SIZE;
    if (!avloc__window_valid(c->window)) return AVLOC_ERR_PARAM;
    if (c->pad_mode != AVLOC_PAD_REFLECT && c->pad_mode != AVLOC_PAD_CONSTANT) return AVLOC_ERR_PARAM;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_stft_frames(const avloc_stft_config *cfg, size_t n, size_t *n_frames)
{
    avloc_result r = avloc__stft_check(cfg);
    size_t len;
    if (r != AVLOC_OK) return r;
    if (!n_frames) return AVLOC_ERR_NULL;
    if (n == 0) return AVLOC_ERR_SIZE;
    if (cfg->center) {
        if (cfg->pad_mode == AVLOC_PAD_REFLECT && n <= cfg->n_fft / 2) return AVLOC_ERR_SIZE;
        if (!avloc_size_add(n, 2 * (cfg->n_fft / 2), &len)) return AVLOC_ERR_OVERFLOW;
    } else {
        len = n;
    }
    if (len < cfg->n_fft) return AVLOC_ERR_SIZE;
    *n_frames = 1 + (len - cfg->n_fft) / cfg->hop;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_istft_length(const avloc_stft_config *cfg, size_t n_frames, size_t *length)
{
    avloc_result r = avloc__stft_check(cfg);
    size_t total;
    if (r != AVLOC_OK) return r;
    if (!length) return AVLOC_ERR_NULL;
    if (n_frames == 0) return AVLOC_ERR_SIZE;
    if (!avloc_size_mul(cfg->hop, n_frames - 1, &total) || !avloc_size_add(total, cfg->n_fft, &total))
        return AVLOC_ERR_OVERFLOW;
    if (cfg->center) {
        if (total <= 2 * (cfg->n_fft / 2)) return AVLOC_ERR_SIZE;
        total -= 2 * (cfg->n_fft / 2);
    }
    *length = total;
    return AVLOC_OK;
}

/* One layout for query and init: the padded window, then the FFT plan.
   win: the window (and maybe FFT roots) from a table
   (avloc__window_table_check'ed) or NULL; a full-frame table is pointed
   at, not copied. cmp computes what win does not give (NULL: nothing). */
static avloc_result avloc__stft_layout(avloc_arena *a, avloc_stft_f32 *s, const avloc_stft_config *cfg,
                                       const avloc_window_table *win, const avloc__compute *cmp,
                                       size_t *scratch_bytes)
{
    const float *taps = win ? win->taps : NULL;
    size_t plan_bytes = 0, fft_scratch = 0, n = cfg->n_fft;
    const int point = taps && avloc__stft_win_length(cfg) == n;
    float *w = NULL;
    void *pm;
    avloc_result r = avloc__fft_query(n, AVLOC_FFT_REAL, &plan_bytes, &fft_scratch);
    if (r != AVLOC_OK) return r;
    if (!point) w = AVLOC_PUSH(a, float, n);
    pm = avloc_arena_push(a, plan_bytes, 1, AVLOC_ALIGN);
    r = avloc_arena_status(a);
    if (r != AVLOC_OK) return r;
    {   /* scratch: one frame of n floats + the FFT's scratch */
        avloc_arena sa;
        avloc_arena_init(&sa, NULL, 0);
        AVLOC_PUSH(&sa, float, n);
        avloc_arena_push(&sa, fft_scratch, 1, AVLOC_ALIGN);
        if (avloc_arena_status(&sa) != AVLOC_OK) return AVLOC_ERR_OVERFLOW;
        *scratch_bytes = avloc_arena_needed(&sa);
    }
    if (s) {
        size_t wl = avloc__stft_win_length(cfg);
        size_t left = (n - wl) / 2;
        if ((!point && !w) || !pm) return AVLOC_ERR_WORKSPACE;
        if (!taps && !cmp) return AVLOC_ERR_NULL;
        r = avloc__fft_init_from(&s->fft, n, AVLOC_FFT_REAL, win ? win->fft : NULL, cmp, pm, plan_bytes);
        if (r != AVLOC_OK) return r;
        if (w) {
            memset(w, 0, n * sizeof *w);
            if (taps) memcpy(w + left, taps, wl * sizeof *w);
            else cmp->window(cfg->window, cfg->periodic, w + left, wl);
        }
        s->cfg = *cfg;
        s->cfg.win_length = wl; /* the stored config says what was built */
        s->n_bins = cfg->onesided ? n / 2 + 1 : n;
        s->window = point ? taps : w;
        s->win_start = left;
        s->win_end = left + wl;
        s->scratch_bytes = *scratch_bytes;
        s->mem = avloc__extent_of(a);
    }
    return AVLOC_OK;
}

/* avloc__stft_layout as an avloc_layout_fn: the config, the window table
   (NULL: computed) and what init may compute */
typedef struct avloc__stft_lcfg {
    const avloc_stft_config *cfg;
    const avloc_window_table *win;
    const avloc__compute *cmp;
} avloc__stft_lcfg;
static avloc_result avloc__stft_layout_fn(avloc_arena *a, void *obj, const void *cfg, size_t *scratch_bytes)
{
    const avloc__stft_lcfg *c = (const avloc__stft_lcfg *)cfg;
    return avloc__stft_layout(a, (avloc_stft_f32 *)obj, c->cfg, c->win, c->cmp, scratch_bytes);
}

AVLOC_API avloc_result avloc_stft_query_f32(const avloc_stft_config *cfg, size_t *obj_bytes, size_t *scratch_bytes)
{
    avloc__stft_lcfg lc;
    avloc_result r = avloc__stft_check(cfg);
    if (r != AVLOC_OK) return r;
    lc.cfg = cfg;
    lc.win = NULL;
    lc.cmp = NULL;
    return avloc_layout_query(avloc__stft_layout_fn, &lc, obj_bytes, scratch_bytes);
}

/* init with the window computed (table 0) or from the table win */
static avloc_result avloc__stft_init(avloc_stft_f32 *stft, const avloc_stft_config *cfg, int table,
                                     const avloc_window_table *win, const avloc__compute *cmp, void *mem,
                                     size_t mem_bytes)
{
    avloc__stft_lcfg lc;
    avloc_result r;
    if (stft) memset(stft, 0, sizeof *stft); /* the documented state of a failed init */
    if (!stft || !mem || (table && !win)) return AVLOC_ERR_NULL;
    r = avloc__stft_check(cfg);
    if (r == AVLOC_OK && win)
        r = avloc__window_table_check(win, cfg->window, cfg->periodic, avloc__stft_win_length(cfg));
    if (r != AVLOC_OK) return r;
    lc.cfg = cfg;
    lc.win = win;
    lc.cmp = cmp;
    return avloc_layout_init(avloc__stft_layout_fn, stft, sizeof *stft, &lc, mem, mem_bytes);
}

AVLOC_API avloc_result avloc_stft_init_f32(avloc_stft_f32 *stft, const avloc_stft_config *cfg,
                                           void *mem, size_t mem_bytes)
{
    avloc__compute cmp = avloc__computed();
    return avloc__stft_init(stft, cfg, 0, NULL, &cmp, mem, mem_bytes);
}

AVLOC_API avloc_result avloc_stft_init_tables_f32(avloc_stft_f32 *stft, const avloc_stft_config *cfg,
                                                  const avloc_window_table *win, void *mem, size_t mem_bytes)
{
    avloc__compute cmp;
    return avloc__stft_init(stft, cfg, 1, win, avloc__tables_fallback(&cmp), mem, mem_bytes);
}

AVLOC_API void avloc_stft_destroy_f32(avloc_stft_f32 *stft)
{
    if (!stft) return;
    avloc_fft_destroy_f32(&stft->fft);
    memset(stft, 0, sizeof *stft);
}

/* Windowed frame t (length n_fft) of x, padded per cfg. */
static void avloc__stft_gather(const avloc_stft_f32 *s, const float *x, size_t n, size_t t, float *frame)
{
    const size_t nfft = s->cfg.n_fft, ws = s->win_start, we = s->win_end;
    const size_t off = s->cfg.center ? nfft / 2 : 0;
    const size_t base = t * s->cfg.hop; /* padded coordinate of frame sample 0 */
    const float *w = s->window;
    size_t j;
    for (j = 0; j < ws; j++) frame[j] = 0.0f;
    for (j = we; j < nfft; j++) frame[j] = 0.0f;
    if (base + ws >= off && base + we - off <= n) {
        /* x[base + ws - off ..] meets the window support; never point before x */
        const float *xp = x + (base + ws - off), *wp = w + ws;
        float *fp = frame + ws;
        const size_t len = we - ws;
        j = AVLOC__VCALL(avloc__vk_mul, (xp, wp, fp, len), 0);
        for (; j < len; j++) fp[j] = xp[j] * wp[j];
    } else {
        for (j = ws; j < we; j++) {
            ptrdiff_t p = (ptrdiff_t)(base + j) - (ptrdiff_t)off;
            float v;
            if (p < 0) v = s->cfg.pad_mode == AVLOC_PAD_REFLECT ? x[-p] : 0.0f;
            else if ((size_t)p >= n) v = s->cfg.pad_mode == AVLOC_PAD_REFLECT ? x[2 * (n - 1) - (size_t)p] : 0.0f;
            else v = x[p];
            frame[j] = v * w[j];
        }
    }
}

/* r2c of a windowed frame into out (n_bins), mirrored when two-sided. */
static avloc_result avloc__stft_fft(const avloc_stft_f32 *s, const float *frame, avloc_complex_f32 *out,
                                    void *fscr, size_t fscr_bytes)
{
    avloc_result r = avloc_fft_r2c_f32(&s->fft, frame, out, fscr, fscr_bytes);
    if (r != AVLOC_OK) return r;
    if (!s->cfg.onesided) {
        size_t n = s->cfg.n_fft, k;
        for (k = n / 2 + 1; k < n; k++) { out[k].re = out[n - k].re; out[k].im = -out[n - k].im; }
    }
    return AVLOC_OK;
}

/* Carves the STFT scratch: frame buffer + FFT scratch. */
/* The frame and FFT scratch in the call's scratch; PARAM when they would
   lie on one of the call's n buffers io (or those clash). */
static avloc_result avloc__stft_scratch(const avloc_stft_f32 *s, void *scratch, size_t bytes, const avloc__span *io,
                                        size_t n, float **frame, void **fscr, size_t *fscr_bytes)
{
    avloc_arena a;
    size_t fb = 0;
    avloc__fft_query(s->cfg.n_fft, AVLOC_FFT_REAL, NULL, &fb);
    avloc_arena_init(&a, scratch, bytes);
    *frame = AVLOC_PUSH(&a, float, s->cfg.n_fft);
    *fscr = avloc_arena_push(&a, fb, 1, AVLOC_ALIGN);
    *fscr_bytes = fb;
    if (avloc_arena_status(&a) != AVLOC_OK) return AVLOC_ERR_WORKSPACE;
    return avloc__clash_scratch(io, n, scratch, a.used) ? AVLOC_ERR_PARAM : AVLOC_OK;
}

AVLOC_API avloc_result avloc_stft_forward_f32(const avloc_stft_f32 *s, const float *x, size_t n,
                                              avloc_complex_f32 *out, size_t n_frames,
                                              void *scratch, size_t scratch_bytes)
{
    size_t nf = 0, t, fsb;
    float *frame;
    void *fscr;
    avloc_result r;
    if (!s || !x || !out || !scratch) return AVLOC_ERR_NULL;
    if (!s->window) return AVLOC_ERR_STATE;
    r = avloc_stft_frames(&s->cfg, n, &nf);
    if (r != AVLOC_OK) return r;
    if (n_frames != nf) return AVLOC_ERR_SIZE;
    if (avloc__overlaps_f32(x, n, (const float *)out, 2 * nf * s->n_bins)) return AVLOC_ERR_PARAM;
    if (!avloc_all_finite_f32(x, n)) return AVLOC_ERR_NONFINITE;
    {
        const avloc__span io[] = {avloc__rd_f32(x, n), avloc__wr_f32((const float *)out, 2 * nf * s->n_bins),
                                  avloc__object_span(s->mem, 0)};
        r = avloc__stft_scratch(s, scratch, scratch_bytes, io, 3, &frame, &fscr, &fsb);
    }
    if (r != AVLOC_OK) return r;
    for (t = 0; t < nf; t++) {
        avloc__stft_gather(s, x, n, t, frame);
        r = avloc__stft_fft(s, frame, out + t * s->n_bins, fscr, fsb);
        if (r != AVLOC_OK) return r;
    }
    return AVLOC_OK;
}

/* Sum of squared windows over the frames covering padded position p. */
static double avloc__stft_env(const avloc_stft_f32 *s, size_t p, size_t n_frames)
{
    const size_t nfft = s->cfg.n_fft, hop = s->cfg.hop;
    size_t f = p >= nfft ? (p - nfft) / hop + 1 : 0, last = p / hop;
    double e = 0.0;
    if (last > n_frames - 1) last = n_frames - 1;
    for (; f <= last; f++) {
        double w = s->window[p - f * hop];
        e += w * w;
    }
    return e;
}

AVLOC_API avloc_result avloc_stft_inverse_f32(const avloc_stft_f32 *s, const avloc_complex_f32 *in,
                                              size_t n_frames, float *y, size_t length,
                                              void *scratch, size_t scratch_bytes)
{
    size_t total, start, vend, m, t, f, j, fsb, nfft, hop, count;
    float *frame;
    void *fscr;
    avloc_result r;
    if (!s || !in || !y || !scratch) return AVLOC_ERR_NULL;
    if (!s->window) return AVLOC_ERR_STATE;
    nfft = s->cfg.n_fft;
    hop = s->cfg.hop;
    if (n_frames == 0 || length == 0 || n_frames > AVLOC_MAX_DIM || length > AVLOC_MAX_DIM) return AVLOC_ERR_SIZE;
    if (!avloc_size_mul(hop, n_frames - 1, &total) || !avloc_size_add(total, nfft, &total) ||
        !avloc_size_mul(n_frames, s->n_bins * 2, &count))
        return AVLOC_ERR_OVERFLOW;
    if (avloc__overlaps_f32((const float *)in, count, y, length)) return AVLOC_ERR_PARAM;
    if (!avloc_all_finite_f32((const float *)in, count)) return AVLOC_ERR_NONFINITE;
    {
        const avloc__span io[] = {avloc__rd_f32((const float *)in, count), avloc__wr_f32(y, length),
                                  avloc__object_span(s->mem, 0)};
        r = avloc__stft_scratch(s, scratch, scratch_bytes, io, 3, &frame, &fscr, &fsb);
    }
    if (r != AVLOC_OK) return r;
    start = s->cfg.center ? nfft / 2 : 0;
    vend = start + length < total ? start + length : total; /* torch slices y[start:start+length] */
    m = vend > start ? vend - start : 0;
    for (t = 0; t < m; t++)
        if (avloc__stft_env(s, start + t, n_frames) < 1e-11) return AVLOC_ERR_PARAM; /* NOLA */
    memset(y, 0, length * sizeof *y);
    for (f = 0; f < n_frames; f++) {
        size_t p0 = f * hop, j0, j1;
        r = avloc_fft_c2r_f32(&s->fft, in + f * s->n_bins, frame, fscr, fsb);
        if (r != AVLOC_OK) return r;
        /* frame sample j lands on padded position p0 + j; keep [start, vend) */
        j0 = p0 < start ? start - p0 : 0;
        j1 = vend > p0 ? vend - p0 : 0;
        if (j1 > s->win_end) j1 = s->win_end;
        if (j0 < s->win_start) j0 = s->win_start;
        for (j = j0; j < j1; j++) y[p0 + j - start] += frame[j] * s->window[j];
    }
    for (t = 0; t < m; t++) y[t] = (float)((double)y[t] / avloc__stft_env(s, start + t, n_frames));
    return AVLOC_OK;
}

/* ------------------------------------------------------- streaming STFT */

AVLOC_API avloc_result avloc_stft_stream_query_f32(const avloc_stft_f32 *stft, size_t *bytes)
{
    avloc_arena a;
    if (!stft || !bytes) return AVLOC_ERR_NULL;
    if (!stft->window) return AVLOC_ERR_STATE;
    avloc_arena_init(&a, NULL, 0);
    AVLOC_PUSH(&a, float, stft->cfg.n_fft);
    if (avloc_arena_status(&a) != AVLOC_OK) return AVLOC_ERR_OVERFLOW;
    *bytes = avloc_arena_needed(&a);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_stft_stream_init_f32(avloc_stft_stream_f32 *s, const avloc_stft_f32 *stft,
                                                  void *mem, size_t mem_bytes)
{
    avloc_arena a;
    float *ring;
    if (s) memset(s, 0, sizeof *s);
    if (!s || !stft || !mem) return AVLOC_ERR_NULL;
    if (!stft->window) return AVLOC_ERR_STATE;
    avloc_arena_init(&a, mem, mem_bytes);
    ring = AVLOC_PUSH(&a, float, stft->cfg.n_fft);
    if (!ring || avloc_arena_status(&a) != AVLOC_OK) return AVLOC_ERR_WORKSPACE;
    s->stft = stft;
    s->ring = ring;
    s->mem = avloc__extent_of(&a);
    return avloc_stft_stream_reset_f32(s);
}

AVLOC_API void avloc_stft_stream_destroy_f32(avloc_stft_stream_f32 *s)
{
    if (s) memset(s, 0, sizeof *s);
}

AVLOC_API avloc_result avloc_stft_stream_reset_f32(avloc_stft_stream_f32 *s)
{
    if (!s) return AVLOC_ERR_NULL;
    if (!s->stft || !s->ring) return AVLOC_ERR_STATE;
    memset(s->ring, 0, s->stft->cfg.n_fft * sizeof *s->ring);
    s->pos = 0;
    s->need = s->stft->cfg.n_fft;
    s->frames = 0;
    return AVLOC_OK;
}

static void avloc__ring_write(avloc_stft_stream_f32 *s, const float *x, size_t k)
{
    const size_t n = s->stft->cfg.n_fft;
    if (k > n) { x += k - n; k = n; } /* only the last n_fft samples can matter */
    while (k > 0) {
        size_t c = n - s->pos < k ? n - s->pos : k;
        memcpy(s->ring + s->pos, x, c * sizeof *x);
        s->pos = (s->pos + c) % n;
        x += c;
        k -= c;
    }
}

AVLOC_API avloc_result avloc_stft_stream_push_f32(avloc_stft_stream_f32 *s, const float *x, size_t n,
                                                  avloc_complex_f32 *frames, size_t max_frames,
                                                  size_t *n_frames_out, size_t *consumed,
                                                  void *scratch, size_t scratch_bytes)
{
    const avloc_stft_f32 *st;
    size_t used = 0, written = 0, fsb, nfft, j;
    float *frame;
    void *fscr;
    avloc_result r;
    if (!s || (!x && n) || (!frames && max_frames) || !n_frames_out || !consumed || !scratch) return AVLOC_ERR_NULL;
    if (!s->stft || !s->ring) return AVLOC_ERR_STATE;
    if (!s->stft->window) return AVLOC_ERR_STATE; /* the STFT was destroyed under the stream */
    st = s->stft;
    nfft = st->cfg.n_fft;
    {   /* the counts too: a frame or a count over samples not yet read; a
           refusal (scratch included) writes nothing, counts included */
        const avloc__span io[] = {avloc__rd_f32(x, n), avloc__span_of(frames, avloc__span_bytes(max_frames, 1, 1, sizeof *frames * st->n_bins), 1),
                                  avloc__span_of(n_frames_out, sizeof *n_frames_out, 1),
                                  avloc__span_of(consumed, sizeof *consumed, 1),
                                  avloc__object_span(s->mem, 1), avloc__object_span(st->mem, 0)};
        if (AVLOC__CLASH(io)) return AVLOC_ERR_PARAM;
        r = avloc__stft_scratch(st, scratch, scratch_bytes, io, 6, &frame, &fscr, &fsb);
        if (r != AVLOC_OK) return r;
        *n_frames_out = 0;
        *consumed = 0;
        if (n && !avloc_all_finite_f32(x, n)) return AVLOC_ERR_NONFINITE;
    }
    while (used < n) {
        size_t k = n - used;
        if (k >= s->need) {
            if (written == max_frames) { /* stop right before the completing sample */
                k = s->need - 1;
                avloc__ring_write(s, x + used, k);
                used += k;
                s->need -= k;
                break;
            }
            k = s->need;
        }
        avloc__ring_write(s, x + used, k);
        used += k;
        s->need -= k;
        if (s->need == 0) {
            /* oldest sample sits at pos: unwrap, window */
            for (j = 0; j < nfft; j++) {
                size_t q = s->pos + j;
                if (q >= nfft) q -= nfft;
                frame[j] = s->ring[q] * st->window[j];
            }
            r = avloc__stft_fft(st, frame, frames + written * st->n_bins, fscr, fsb);
            if (r != AVLOC_OK) return r;
            written++;
            s->frames++;
            s->need = st->cfg.hop;
        }
    }
    *n_frames_out = written;
    *consumed = used;
    return AVLOC_OK;
}

static void avloc__power2(const avloc_complex_f32 *in, size_t n, float *out)
{
    const float *f = (const float *)in; /* interleaved re, im */
    size_t k = AVLOC__VCALL(avloc__vk_power2, (f, out, n), 0);
    for (; k < n; k++) out[k] = f[2 * k] * f[2 * k] + f[2 * k + 1] * f[2 * k + 1];
}

AVLOC_API avloc_result avloc_spec_power_f32(const avloc_complex_f32 *in, size_t n, float power, float *out)
{
    size_t k;
    if (!in || !out) return AVLOC_ERR_NULL;
    if (n == 0) return AVLOC_ERR_SIZE;
    if (!(power > 0.0f) || !avloc__finite_f32(power)) return AVLOC_ERR_PARAM;
    if ((const void *)out != (const void *)in &&
        avloc__overlaps((const void *)in, avloc__span_bytes(1, n, n, sizeof *in), out,
                        avloc__span_bytes(1, n, n, sizeof *out)))
        return AVLOC_ERR_PARAM;
    avloc__power2(in, n, out);
    if (power == 1.0f) {
        for (k = 0; k < n; k++) out[k] = sqrtf(out[k]);
    } else if (power != 2.0f) {
        for (k = 0; k < n; k++) out[k] = powf(sqrtf(out[k]), power);
    }
    return AVLOC_OK;
}

#ifndef AVLOC_NO_MEL
/* ----------------------------------------------------------------- mel */

AVLOC_API double avloc_hz_to_mel(double hz, avloc_mel_scale scale)
{
    if (scale == AVLOC_MEL_HTK) return 2595.0 * log10(1.0 + hz / 700.0);
    if (hz >= 1000.0) return 15.0 + log(hz / 1000.0) / (log(6.4) / 27.0);
    return hz / (200.0 / 3.0);
}

AVLOC_API double avloc_mel_to_hz(double mel, avloc_mel_scale scale)
{
    if (scale == AVLOC_MEL_HTK) return 700.0 * (pow(10.0, mel / 2595.0) - 1.0);
    if (mel >= 15.0) return 1000.0 * exp((log(6.4) / 27.0) * (mel - 15.0));
    return mel * (200.0 / 3.0);
}

AVLOC_API avloc_mel_config avloc_mel_config_default(void)
{
    avloc_mel_config c;
    memset(&c, 0, sizeof c);
    c.sample_rate = 16000.0f;
    c.n_fft = 512;
    c.n_mels = 40;
    c.fmin = 0.0f;
    c.fmax = 8000.0f;
    c.scale = AVLOC_MEL_HTK;
    c.norm = AVLOC_MEL_NORM_NONE;
    return c;
}

static avloc_result avloc__mel_check(const avloc_mel_config *c)
{
    if (!c) return AVLOC_ERR_NULL;
    if (c->n_fft < 2 || c->n_fft > AVLOC_MAX_DIM || c->n_mels == 0 || c->n_mels > AVLOC_MAX_DIM) return AVLOC_ERR_SIZE;
    if (c->n_mels > AVLOC_MEL_MAX_CELLS / (c->n_fft / 2 + 1)) return AVLOC_ERR_SIZE;
    if (avloc__nan_f32(c->sample_rate) || avloc__nan_f32(c->fmin) || avloc__nan_f32(c->fmax)) return AVLOC_ERR_PARAM;
    if (!(c->sample_rate > 0.0f) || !(c->sample_rate < 1e9f)) return AVLOC_ERR_PARAM;
    if (!(c->fmin >= 0.0f) || !(c->fmax > c->fmin) || !(c->fmax < 1e9f)) return AVLOC_ERR_PARAM;
    if (c->scale != AVLOC_MEL_HTK && c->scale != AVLOC_MEL_SLANEY) return AVLOC_ERR_PARAM;
    if (c->norm != AVLOC_MEL_NORM_NONE && c->norm != AVLOC_MEL_NORM_SLANEY) return AVLOC_ERR_PARAM;
    if (c->bins != AVLOC_MEL_BINS_FFT && c->bins != AVLOC_MEL_BINS_TORCHAUDIO) return AVLOC_ERR_PARAM;
    return AVLOC_OK;
}

/* Edge frequency i of n_mels+2 mel-spaced edges (numpy linspace, last exact). */
static double avloc__mel_edge(const avloc_mel_config *c, size_t i)
{
    double m0 = avloc_hz_to_mel(c->fmin, c->scale), m1 = avloc_hz_to_mel(c->fmax, c->scale);
    double m = i == c->n_mels + 1 ? m1 : m0 + (m1 - m0) / (double)(c->n_mels + 1) * (double)i;
    return avloc_mel_to_hz(m, c->scale);
}

/* Weight of band b at bin k: librosa.filters.mel (linear in Hz between edges). */
/* Frequency of bin k (c->bins). torchaudio's linspace equals k sr / n_fft
   for an even n_fft and an even rate: that formula is kept there, so both
   conventions give the same bits where they agree. */
static double avloc__mel_bin_hz(const avloc_mel_config *c, size_t k)
{
    double sr = (double)c->sample_rate, half = floor(sr / 2.0);
    if (c->bins == AVLOC_MEL_BINS_TORCHAUDIO && (c->n_fft % 2 != 0 || half * 2.0 != sr))
        return half * (double)k / (double)(c->n_fft / 2); /* n_fft >= 2: n_fft/2 >= 1 */
    return (double)k * sr / (double)c->n_fft;
}

static double avloc__mel_weight(const avloc_mel_config *c, double f0, double f1, double f2, size_t k)
{
    double f = avloc__mel_bin_hz(c, k);
    double lo = (f - f0) / (f1 - f0), hi = (f2 - f) / (f2 - f1);
    double w = lo < hi ? lo : hi;
    if (!(w > 0.0)) return 0.0;
    if (c->norm == AVLOC_MEL_NORM_SLANEY) w *= 2.0 / (f2 - f0);
    return w;
}

/* Nonzero support [*k0, *k1) of band b (k0 == k1 when empty). */
static void avloc__mel_support(const avloc_mel_config *c, size_t b, size_t n_bins,
                               double *f0, double *f1, double *f2, size_t *k0, size_t *k1)
{
    size_t k, lo = n_bins, hi = 0;
    *f0 = avloc__mel_edge(c, b);
    *f1 = avloc__mel_edge(c, b + 1);
    *f2 = avloc__mel_edge(c, b + 2);
    for (k = 0; k < n_bins; k++) {
        if (avloc__mel_weight(c, *f0, *f1, *f2, k) > 0.0) {
            if (k < lo) lo = k;
            hi = k + 1;
        }
    }
    if (hi == 0) lo = hi = 0;
    *k0 = lo;
    *k1 = hi;
}

static avloc_result avloc__mel_layout(avloc_arena *a, avloc_mel_f32 *mel, const avloc_mel_config *c)
{
    const size_t n_bins = c->n_fft / 2 + 1, nm = c->n_mels;
    size_t b, k, nnz = 0, k0, k1;
    double f0, f1, f2;
    size_t *start, *count, *offset;
    float *wts;
    for (b = 0; b < nm; b++) {
        avloc__mel_support(c, b, n_bins, &f0, &f1, &f2, &k0, &k1);
        nnz += k1 - k0; /* each bin lies in at most two bands: no overflow */
    }
    start = AVLOC_PUSH(a, size_t, nm);
    count = AVLOC_PUSH(a, size_t, nm);
    offset = AVLOC_PUSH(a, size_t, nm);
    wts = AVLOC_PUSH(a, float, nnz ? nnz : 1);
    if (avloc_arena_status(a) != AVLOC_OK) return avloc_arena_status(a);
    if (!mel) return AVLOC_OK;
    if (!start || !count || !offset || !wts) return AVLOC_ERR_WORKSPACE;
    nnz = 0;
    for (b = 0; b < nm; b++) {
        avloc__mel_support(c, b, n_bins, &f0, &f1, &f2, &k0, &k1);
        start[b] = k0;
        count[b] = k1 - k0;
        offset[b] = nnz;
        for (k = k0; k < k1; k++) wts[nnz++] = (float)avloc__mel_weight(c, f0, f1, f2, k);
    }
    mel->n_mels = nm;
    mel->n_bins = n_bins;
    mel->nnz = nnz;
    mel->start = start;
    mel->count = count;
    mel->offset = offset;
    mel->weights = wts;
    mel->mem = avloc__extent_of(a);
    return AVLOC_OK;
}

/* avloc__mel_layout as an avloc_layout_fn (it needs no scratch) */
static avloc_result avloc__mel_layout_fn(avloc_arena *a, void *obj, const void *cfg, size_t *scratch_bytes)
{
    (void)scratch_bytes;
    return avloc__mel_layout(a, (avloc_mel_f32 *)obj, (const avloc_mel_config *)cfg);
}

AVLOC_API avloc_result avloc_mel_query_f32(const avloc_mel_config *cfg, size_t *bytes)
{
    avloc_result r = avloc__mel_check(cfg);
    if (r != AVLOC_OK) return r;
    if (!bytes) return AVLOC_ERR_NULL;
    return avloc_layout_query(avloc__mel_layout_fn, cfg, bytes, NULL);
}

AVLOC_API avloc_result avloc_mel_init_f32(avloc_mel_f32 *mel, const avloc_mel_config *cfg, void *mem, size_t mem_bytes)
{
    avloc_result r;
    if (mel) memset(mel, 0, sizeof *mel);
    if (!mel || !mem) return AVLOC_ERR_NULL;
    r = avloc__mel_check(cfg);
    if (r != AVLOC_OK) return r;
    return avloc_layout_init(avloc__mel_layout_fn, mel, sizeof *mel, cfg, mem, mem_bytes);
}

AVLOC_API void avloc_mel_destroy_f32(avloc_mel_f32 *mel)
{
    if (mel) memset(mel, 0, sizeof *mel);
}

/* The tables are consistent: band b covers bins [start, start+count) inside
   the spectrum and its weights follow band b-1's. */
static avloc_result avloc__mel_tables_check(const avloc_mel_tables *t, size_t n_bins)
{
    size_t b, sum = 0;
    for (b = 0; b < t->cfg.n_mels; b++) {
        if (t->start[b] > n_bins || t->count[b] > n_bins - t->start[b] || t->offset[b] != sum ||
            t->count[b] > t->nnz - sum)
            return AVLOC_ERR_FORMAT;
        sum += t->count[b]; /* <= nnz: no overflow */
    }
    return sum == t->nnz ? AVLOC_OK : AVLOC_ERR_FORMAT;
}

AVLOC_API avloc_result avloc_mel_init_tables_f32(avloc_mel_f32 *mel, const avloc_mel_tables *t)
{
    avloc_result r;
    if (mel) memset(mel, 0, sizeof *mel); /* a failed init leaves a zeroed object */
    if (!mel || !t) return AVLOC_ERR_NULL;
    if ((r = avloc__mel_check(&t->cfg)) != AVLOC_OK) return r;
    if (!t->start || !t->count || !t->offset || !t->weights) return AVLOC_ERR_NULL;
    if ((r = avloc__mel_tables_check(t, t->cfg.n_fft / 2 + 1)) != AVLOC_OK) return r;
    mel->n_mels = t->cfg.n_mels;
    mel->n_bins = t->cfg.n_fft / 2 + 1;
    mel->nnz = t->nnz;
    /* const dropped only to share avloc_mel_f32: nothing writes after init */
    mel->start = (size_t *)(uintptr_t)t->start;
    mel->count = (size_t *)(uintptr_t)t->count;
    mel->offset = (size_t *)(uintptr_t)t->offset;
    mel->weights = (float *)(uintptr_t)t->weights;
    return AVLOC_OK;
}

/* AVLOC_OK if an n_rows x width float matrix has a byte count that fits
   size_t, else AVLOC_ERR_OVERFLOW (a frame count no buffer can hold). */
static avloc_result avloc__rows_fit_f32(size_t n_rows, size_t width)
{
    size_t e;
    return avloc_size_mul(n_rows, width, &e) && avloc_size_mul(e, sizeof(float), &e) ? AVLOC_OK
                                                                                     : AVLOC_ERR_OVERFLOW;
}

static void avloc__mel_row(const avloc_mel_f32 *mel, const float *p, float *o)
{
    size_t b, k;
    for (b = 0; b < mel->n_mels; b++) {
        const float *w = mel->weights + mel->offset[b];
        const float *pb = p + mel->start[b];
        const size_t c = mel->count[b];
        /* four partial sums: one accumulator would be add-latency bound */
        float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
        k = AVLOC__VCALL(avloc__vk_dot, (w, pb, c, &a0), 0);
        for (; k + 4 <= c; k += 4) {
            a0 += w[k] * pb[k];
            a1 += w[k + 1] * pb[k + 1];
            a2 += w[k + 2] * pb[k + 2];
            a3 += w[k + 3] * pb[k + 3];
        }
        for (; k < c; k++) a0 += w[k] * pb[k];
        o[b] = (a0 + a1) + (a2 + a3);
    }
}

AVLOC_API avloc_result avloc_mel_apply_f32(const avloc_mel_f32 *mel, const float *spec, size_t n_frames, float *out)
{
    size_t t;
    if (!mel || !spec || !out) return AVLOC_ERR_NULL;
    if (!mel->weights) return AVLOC_ERR_STATE;
    if (n_frames == 0) return AVLOC_ERR_SIZE;
    if (avloc__rows_fit_f32(n_frames, mel->n_bins > mel->n_mels ? mel->n_bins : mel->n_mels) != AVLOC_OK)
        return AVLOC_ERR_OVERFLOW;
    {
        const avloc__span b[] = {avloc__rd_f32(spec, n_frames * mel->n_bins), avloc__wr_f32(out, n_frames * mel->n_mels),
                                 avloc__object_span(mel->mem, 0)};
        if (AVLOC__CLASH(b)) return AVLOC_ERR_PARAM;
    }
    for (t = 0; t < n_frames; t++) avloc__mel_row(mel, spec + t * mel->n_bins, out + t * mel->n_mels);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_mel_dense_f32(const avloc_mel_f32 *mel, float *fb, size_t fb_len)
{
    size_t b, k, need;
    if (!mel || !fb) return AVLOC_ERR_NULL;
    if (!mel->weights) return AVLOC_ERR_STATE;
    if (!avloc_size_mul(mel->n_mels, mel->n_bins, &need)) return AVLOC_ERR_OVERFLOW;
    if (fb_len < need) return AVLOC_ERR_SIZE;
    if (avloc__overlaps(mel->mem.base, mel->mem.bytes, fb, need * sizeof *fb)) return AVLOC_ERR_PARAM;
    memset(fb, 0, need * sizeof *fb);
    for (b = 0; b < mel->n_mels; b++)
        for (k = 0; k < mel->count[b]; k++)
            fb[b * mel->n_bins + mel->start[b] + k] = mel->weights[mel->offset[b] + k];
    return AVLOC_OK;
}

#endif /* !AVLOC_NO_MEL */

/* ------------------------------------------------------------- log maps */

static int avloc__finite_pos(float v) { return v > 0.0f && avloc__finite_f32(v); }

/* log2 of a normal positive float, |error| < 1e-7: exponent + 2 atanh(s)/ln 2
   with s = (m-1)/(m+1), m in [sqrt(.5), sqrt(2)), series to s^9 (|s| < 0.172).
   Branch-free so the dB loop vectorises; ~20x faster than double log10. */
static float avloc__log2f(float x)
{
    uint32_t u;
    int32_t e;
    float m, s, s2;
    memcpy(&u, &x, sizeof u);
    e = (int32_t)((u >> 23) & 0xffu) - 127;
    u = (u & 0x007fffffu) | 0x3f800000u; /* mantissa in [1, 2) */
    memcpy(&m, &u, sizeof m);
    e += m > 1.41421356f;
    m = m > 1.41421356f ? 0.5f * m : m;
    s = (m - 1.0f) / (m + 1.0f);
    s2 = s * s;
    return (float)e + s * (2.88539008f + s2 * (0.961796694f + s2 * (0.577078016f + s2 * (0.412198583f + s2 * 0.320598898f))));
}

/* log2 of any positive finite float: subnormals scaled by 2^64 into the
   normal range first */
static float avloc__log2f_pos(float x)
{
    return x < FLT_MIN ? avloc__log2f(x * 18446744073709551616.0f) - 64.0f : avloc__log2f(x);
}

/* mult * log10(2) rounded once to float, as (float)((double)mult * log10(2))
   (checked equal for 10^5 random mults) but without double arithmetic,
   which a Cortex-M4F does in software: log10(2) split into two floats, the
   product fused. */
static float avloc__db_scale(float mult)
{
    return fmaf(mult, 0.30102999f, mult * -1.43209888e-08f);
}

AVLOC_API avloc_result avloc_db_f32(const float *x, size_t n, float *out,
                                    float mult, float ref, float amin, float top_db)
{
    size_t i = 0;
    float mx = -FLT_MAX, k, off;
    if (!x || !out) return AVLOC_ERR_NULL;
    if (n == 0) return AVLOC_ERR_SIZE;
    if (avloc__partly_overlaps_f32(x, out, n)) return AVLOC_ERR_PARAM;
    if (!avloc__finite_pos(mult) || !avloc__finite_pos(ref) || !avloc__finite_pos(amin) || avloc__nan_f32(top_db))
        return AVLOC_ERR_PARAM;
    if (!avloc_all_finite_f32(x, n)) return AVLOC_ERR_NONFINITE;
    /* all in float (no soft-double on an M4F): 10 log10(v) = k log2(v) */
    k = avloc__db_scale(mult);
    off = k * avloc__log2f_pos(amin > ref ? amin : ref);
    if (amin >= FLT_MIN) /* every clamped input is a normal float */
        i = AVLOC__VCALL(avloc__vk_db, (x, out, n, k, off, amin), 0);
    for (; i < n; i++) {
        float v = x[i] > amin ? x[i] : amin;
        out[i] = k * avloc__log2f_pos(v) - off;
    }
    for (i = 0; i < n; i++) mx = out[i] > mx ? out[i] : mx;
    if (top_db >= 0.0f) {
        float lo = mx - top_db;
        for (i = 0; i < n; i++) out[i] = out[i] < lo ? lo : out[i];
    }
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_db_to_power_f32(const float *x, size_t n, float *out, float mult, float ref)
{
    size_t i;
    if (!x || !out) return AVLOC_ERR_NULL;
    if (n == 0) return AVLOC_ERR_SIZE;
    if (avloc__partly_overlaps_f32(x, out, n)) return AVLOC_ERR_PARAM;
    if (!avloc__finite_pos(mult) || !avloc__finite_pos(ref)) return AVLOC_ERR_PARAM;
    if (!avloc_all_finite_f32(x, n)) return AVLOC_ERR_NONFINITE;
    for (i = 0; i < n; i++) out[i] = (float)((double)ref * pow(10.0, (double)x[i] / (double)mult));
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_log_f32(const float *x, size_t n, float *out, float eps, int add)
{
    size_t i;
    if (!x || !out) return AVLOC_ERR_NULL;
    if (n == 0) return AVLOC_ERR_SIZE;
    if (avloc__partly_overlaps_f32(x, out, n)) return AVLOC_ERR_PARAM;
    if (!avloc__finite_pos(eps)) return AVLOC_ERR_PARAM;
    if (!avloc_all_finite_f32(x, n)) return AVLOC_ERR_NONFINITE;
    for (i = 0; i < n; i++) { /* float (torch.log of float32); no soft-double on an M4F */
        float v = add ? x[i] + eps : (x[i] > eps ? x[i] : eps);
        if (v < eps) v = eps; /* negative input with add: stay finite */
        /* ln 2 * log2: within 3e-7 relative of the exact value (test_mel), and
           the same bits on every C library (newlib's logf and glibc's differ) */
        out[i] = 0.693147181f * avloc__log2f_pos(v);
    }
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_exp_f32(const float *x, size_t n, float *out, float eps, int add)
{
    size_t i;
    if (!x || !out) return AVLOC_ERR_NULL;
    if (n == 0) return AVLOC_ERR_SIZE;
    if (avloc__partly_overlaps_f32(x, out, n)) return AVLOC_ERR_PARAM;
    if (!avloc__finite_pos(eps)) return AVLOC_ERR_PARAM;
    if (!avloc_all_finite_f32(x, n)) return AVLOC_ERR_NONFINITE;
    for (i = 0; i < n; i++) {
        double v = exp((double)x[i]);
        if (add) v = v > (double)eps ? v - (double)eps : 0.0;
        out[i] = (float)v;
    }
    return AVLOC_OK;
}

#ifndef AVLOC_NO_MEL
/* ---------------------------------------------------------------- MFCC */

AVLOC_API avloc_mfcc_config avloc_mfcc_config_default(void)
{
    avloc_mfcc_config c;
    memset(&c, 0, sizeof c);
    c.n_mels = 40;
    c.n_mfcc = 13;
    c.lifter = AVLOC_LIFTER_NONE;
    c.lifter_L = 22.0f;
    return c;
}

static avloc_result avloc__mfcc_check(const avloc_mfcc_config *c)
{
    if (!c) return AVLOC_ERR_NULL;
    if (c->n_mels == 0 || c->n_mels > AVLOC_MAX_DIM || c->n_mfcc == 0 || c->n_mfcc > c->n_mels) return AVLOC_ERR_SIZE;
    if (c->lifter != AVLOC_LIFTER_NONE && c->lifter != AVLOC_LIFTER_LIBROSA && c->lifter != AVLOC_LIFTER_HTK)
        return AVLOC_ERR_PARAM;
    if (c->lifter != AVLOC_LIFTER_NONE && !avloc__finite_pos(c->lifter_L)) return AVLOC_ERR_PARAM;
    return AVLOC_OK;
}

static avloc_result avloc__mfcc_layout(avloc_arena *a, avloc_mfcc_f32 *m, const avloc_mfcc_config *c)
{
    size_t k, j, nmat;
    float *dct, *lift;
    if (!avloc_size_mul(c->n_mfcc, c->n_mels, &nmat)) return AVLOC_ERR_OVERFLOW;
    dct = AVLOC_PUSH(a, float, nmat);
    lift = AVLOC_PUSH(a, float, c->n_mfcc);
    if (avloc_arena_status(a) != AVLOC_OK) return avloc_arena_status(a);
    if (!m) return AVLOC_OK;
    if (!dct || !lift) return AVLOC_ERR_WORKSPACE;
    for (k = 0; k < c->n_mfcc; k++) {
        double sc = sqrt((k == 0 ? 1.0 : 2.0) / (double)c->n_mels), L = c->lifter_L;
        for (j = 0; j < c->n_mels; j++)
            dct[k * c->n_mels + j] = (float)(sc * cos(AVLOC__PI * (double)k * (2.0 * (double)j + 1.0) / (2.0 * (double)c->n_mels)));
        if (c->lifter == AVLOC_LIFTER_LIBROSA) lift[k] = (float)(1.0 + 0.5 * L * sin(AVLOC__PI * (double)(k + 1) / L));
        else if (c->lifter == AVLOC_LIFTER_HTK) lift[k] = (float)(1.0 + 0.5 * L * sin(AVLOC__PI * (double)k / L));
        else lift[k] = 1.0f;
    }
    m->n_mels = c->n_mels;
    m->n_mfcc = c->n_mfcc;
    m->dct = dct;
    m->lift = lift;
    m->mem = avloc__extent_of(a);
    return AVLOC_OK;
}

/* avloc__mfcc_layout as an avloc_layout_fn (it needs no scratch) */
static avloc_result avloc__mfcc_layout_fn(avloc_arena *a, void *obj, const void *cfg, size_t *scratch_bytes)
{
    (void)scratch_bytes;
    return avloc__mfcc_layout(a, (avloc_mfcc_f32 *)obj, (const avloc_mfcc_config *)cfg);
}

AVLOC_API avloc_result avloc_mfcc_query_f32(const avloc_mfcc_config *cfg, size_t *bytes)
{
    avloc_result r = avloc__mfcc_check(cfg);
    if (r != AVLOC_OK) return r;
    if (!bytes) return AVLOC_ERR_NULL;
    return avloc_layout_query(avloc__mfcc_layout_fn, cfg, bytes, NULL);
}

AVLOC_API avloc_result avloc_mfcc_init_f32(avloc_mfcc_f32 *m, const avloc_mfcc_config *cfg, void *mem, size_t mem_bytes)
{
    avloc_result r;
    if (m) memset(m, 0, sizeof *m);
    if (!m || !mem) return AVLOC_ERR_NULL;
    r = avloc__mfcc_check(cfg);
    if (r != AVLOC_OK) return r;
    return avloc_layout_init(avloc__mfcc_layout_fn, m, sizeof *m, cfg, mem, mem_bytes);
}

AVLOC_API void avloc_mfcc_destroy_f32(avloc_mfcc_f32 *m)
{
    if (m) memset(m, 0, sizeof *m);
}

AVLOC_API avloc_result avloc_mfcc_init_tables_f32(avloc_mfcc_f32 *m, const avloc_mfcc_tables *t)
{
    avloc_result r;
    if (m) memset(m, 0, sizeof *m); /* a failed init leaves a zeroed object */
    if (!m || !t) return AVLOC_ERR_NULL;
    if ((r = avloc__mfcc_check(&t->cfg)) != AVLOC_OK) return r;
    if (!t->dct || !t->lift) return AVLOC_ERR_NULL;
    m->n_mels = t->cfg.n_mels;
    m->n_mfcc = t->cfg.n_mfcc;
    /* const dropped only to share avloc_mfcc_f32: nothing writes after init */
    m->dct = (float *)(uintptr_t)t->dct;
    m->lift = (float *)(uintptr_t)t->lift;
    return AVLOC_OK;
}

static void avloc__mfcc_row(const avloc_mfcc_f32 *m, const float *x, float *c)
{
    size_t k, j;
    for (k = 0; k < m->n_mfcc; k++) {
        const float *d = m->dct + k * m->n_mels;
        float acc = 0.0f;
        j = AVLOC__VCALL(avloc__vk_dot, (d, x, m->n_mels, &acc), 0);
        for (; j < m->n_mels; j++) acc += d[j] * x[j];
        c[k] = acc * m->lift[k];
    }
}

AVLOC_API avloc_result avloc_mfcc_apply_f32(const avloc_mfcc_f32 *m, const float *logmel, size_t n_frames, float *mfcc)
{
    size_t t;
    if (!m || !logmel || !mfcc) return AVLOC_ERR_NULL;
    if (!m->dct) return AVLOC_ERR_STATE;
    if (n_frames == 0) return AVLOC_ERR_SIZE;
    if (avloc__rows_fit_f32(n_frames, m->n_mels) != AVLOC_OK) return AVLOC_ERR_OVERFLOW;
    {
        const avloc__span b[] = {avloc__rd_f32(logmel, n_frames * m->n_mels), avloc__wr_f32(mfcc, n_frames * m->n_mfcc),
                                 avloc__object_span(m->mem, 0)};
        if (AVLOC__CLASH(b)) return AVLOC_ERR_PARAM;
    }
    for (t = 0; t < n_frames; t++) avloc__mfcc_row(m, logmel + t * m->n_mels, mfcc + t * m->n_mfcc);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_mfcc_invert_f32(const avloc_mfcc_f32 *m, const float *mfcc, size_t n_frames, float *logmel)
{
    size_t t, k, j;
    if (!m || !mfcc || !logmel) return AVLOC_ERR_NULL;
    if (!m->dct) return AVLOC_ERR_STATE;
    if (n_frames == 0) return AVLOC_ERR_SIZE;
    if (avloc__rows_fit_f32(n_frames, m->n_mels) != AVLOC_OK) return AVLOC_ERR_OVERFLOW;
    {
        const avloc__span b[] = {avloc__rd_f32(mfcc, n_frames * m->n_mfcc), avloc__wr_f32(logmel, n_frames * m->n_mels),
                                 avloc__object_span(m->mem, 0)};
        if (AVLOC__CLASH(b)) return AVLOC_ERR_PARAM;
    }
    for (k = 0; k < m->n_mfcc; k++)
        if (!(m->lift[k] != 0.0f)) return AVLOC_ERR_NUMERIC; /* was NaN everywhere */
    for (t = 0; t < n_frames; t++) {
        const float *c = mfcc + t * m->n_mfcc;
        float *x = logmel + t * m->n_mels;
        /* orthonormal DCT-III = transpose of the DCT-II rows; missing rows are zero */
        for (j = 0; j < m->n_mels; j++) {
            double acc = 0.0;
            for (k = 0; k < m->n_mfcc; k++) acc += (double)m->dct[k * m->n_mels + j] * ((double)c[k] / (double)m->lift[k]);
            x[j] = (float)acc;
        }
    }
    return AVLOC_OK;
}

/* ------------------------------------------- mel spectrogram of a signal */

AVLOC_API avloc_melspec_config avloc_melspec_config_librosa(void)
{
    avloc_melspec_config c;
    memset(&c, 0, sizeof c);
    c.stft = avloc_stft_config_default();
    c.stft.n_fft = 2048;
    c.stft.hop = 512;
    c.stft.win_length = 0; /* = n_fft */
    c.stft.pad_mode = AVLOC_PAD_CONSTANT;
    c.sample_rate = 22050.0f;
    c.n_mels = 128;
    c.fmin = 0.0f;
    c.fmax = 11025.0f;
    c.scale = AVLOC_MEL_SLANEY;
    c.norm = AVLOC_MEL_NORM_SLANEY;
    c.power = 2.0f;
    c.log = AVLOC_LOG_NONE;  /* librosa.feature.melspectrogram returns power */
    c.db_mult = 10.0f;
    c.db_ref = 1.0f;
    c.db_amin = 1e-10f;
    c.top_db = 80.0f;
    c.ln_eps = 1e-6f;
    c.ln_add = 1;
    c.n_mfcc = 0;
    c.lifter = AVLOC_LIFTER_NONE;
    c.lifter_L = 22.0f;
    return c;
}

AVLOC_API avloc_melspec_config avloc_melspec_config_librosa_db(void)
{
    avloc_melspec_config c = avloc_melspec_config_librosa();
    c.log = AVLOC_LOG_DB;
    return c;
}

AVLOC_API avloc_melspec_config avloc_melspec_config_librosa_mfcc(void)
{
    avloc_melspec_config c = avloc_melspec_config_librosa_db();
    c.n_mfcc = 20;
    return c;
}

AVLOC_API avloc_melspec_config avloc_melspec_config_torchaudio(void)
{
    avloc_melspec_config c = avloc_melspec_config_librosa();
    c.stft.n_fft = 400;
    c.stft.hop = 200;
    c.stft.win_length = 0; /* = n_fft */
    c.stft.pad_mode = AVLOC_PAD_REFLECT;
    c.sample_rate = 16000.0f;
    c.fmax = 8000.0f;
    c.scale = AVLOC_MEL_HTK;
    c.norm = AVLOC_MEL_NORM_NONE;
    c.bins = AVLOC_MEL_BINS_TORCHAUDIO;
    c.log = AVLOC_LOG_NONE;
    c.n_mfcc = 0;
    return c;
}

AVLOC_API avloc_melspec_config avloc_melspec_config_torchaudio_db(void)
{
    avloc_melspec_config c = avloc_melspec_config_torchaudio();
    c.log = AVLOC_LOG_DB;
    c.top_db = -1.0f; /* AmplitudeToDB's top_db=None */
    return c;
}

AVLOC_API avloc_melspec_config avloc_melspec_config_torchaudio_mfcc(void)
{
    avloc_melspec_config c = avloc_melspec_config_torchaudio();
    c.log = AVLOC_LOG_DB; /* transforms.MFCC: AmplitudeToDB("power", top_db=80) */
    c.n_mfcc = 40;
    return c;
}

AVLOC_API avloc_melspec_config avloc_melspec_config_default(void) { return avloc_melspec_config_librosa(); }

static void avloc__melspec_parts(const avloc_melspec_config *c, avloc_stft_config *sc,
                                 avloc_mel_config *mc, avloc_mfcc_config *fc)
{
    *sc = c->stft;
    sc->onesided = 1;
    memset(mc, 0, sizeof *mc);
    mc->sample_rate = c->sample_rate;
    mc->n_fft = c->stft.n_fft;
    mc->n_mels = c->n_mels;
    mc->fmin = c->fmin;
    mc->fmax = c->fmax;
    mc->scale = c->scale;
    mc->norm = c->norm;
    mc->bins = c->bins;
    memset(fc, 0, sizeof *fc);
    fc->n_mels = c->n_mels;
    fc->n_mfcc = c->n_mfcc;
    fc->lifter = c->lifter;
    fc->lifter_L = c->lifter_L;
}

static avloc_result avloc__melspec_check(const avloc_melspec_config *c)
{
    avloc_stft_config sc;
    avloc_mel_config mc;
    avloc_mfcc_config fc;
    avloc_result r;
    if (!c) return AVLOC_ERR_NULL;
    avloc__melspec_parts(c, &sc, &mc, &fc);
    if ((r = avloc__stft_check(&sc)) != AVLOC_OK) return r;
    if ((r = avloc__mel_check(&mc)) != AVLOC_OK) return r;
    if (c->n_mfcc && (r = avloc__mfcc_check(&fc)) != AVLOC_OK) return r;
    if (!avloc__finite_pos(c->power)) return AVLOC_ERR_PARAM;
    if (c->log == AVLOC_LOG_DB) {
        if (!avloc__finite_pos(c->db_mult) || !avloc__finite_pos(c->db_ref) || !avloc__finite_pos(c->db_amin) ||
            c->top_db != c->top_db)
            return AVLOC_ERR_PARAM;
    } else if (c->log == AVLOC_LOG_LN) {
        if (!avloc__finite_pos(c->ln_eps)) return AVLOC_ERR_PARAM;
    } else if (c->log != AVLOC_LOG_NONE) {
        return AVLOC_ERR_PARAM;
    }
    return AVLOC_OK;
}

/* The filterbank and DCT of a melspec laid out in a: computed
   (avloc__mel_layout, avloc__mfcc_layout: double pow/log/cos), reached only
   through a pointer so that a tables-only init does not reference them. */
typedef avloc_result (*avloc__melspec_bank_fn)(avloc_arena *a, avloc_melspec_f32 *m, const avloc_mel_config *mc,
                                               const avloc_mfcc_config *fc);
static avloc_result avloc__melspec_bank(avloc_arena *a, avloc_melspec_f32 *m, const avloc_mel_config *mc,
                                        const avloc_mfcc_config *fc)
{
    avloc_result r = avloc__mel_layout(a, m ? &m->mel : NULL, mc);
    if (r == AVLOC_OK && fc->n_mfcc) r = avloc__mfcc_layout(a, m ? &m->mfcc : NULL, fc);
    return r;
}

/* What a query may compute: the exact filterbank, or (AVLOC_TABLES_ONLY)
   nothing: NULL, sized by avloc__melspec_bank_bound */
static avloc__melspec_bank_fn avloc__melspec_bank_fallback(void)
{
#ifdef AVLOC_TABLES_ONLY
    return NULL;
#else
    return avloc__melspec_bank;
#endif
}

/* The bytes of the computed filterbank and DCT without computing them: a
   bin lies inside at most two triangles (band b needs f_b < f < f_{b+2}),
   so at most min(2, n_mels) weights per bin. */
static avloc_result avloc__melspec_bank_bound(avloc_arena *a, const avloc_mel_config *mc,
                                              const avloc_mfcc_config *fc)
{
    const size_t nb = mc->n_fft / 2 + 1, nm = mc->n_mels;
    size_t nmat;
    AVLOC_PUSH(a, size_t, nm);
    AVLOC_PUSH(a, size_t, nm);
    AVLOC_PUSH(a, size_t, nm);
    AVLOC_PUSH(a, float, nm < 2 ? nb : 2 * nb); /* nb <= AVLOC_MAX_DIM: no overflow */
    if (fc->n_mfcc) {
        if (!avloc_size_mul(fc->n_mfcc, fc->n_mels, &nmat)) return AVLOC_ERR_OVERFLOW;
        AVLOC_PUSH(a, float, nmat);
        AVLOC_PUSH(a, float, fc->n_mfcc);
    }
    return avloc_arena_status(a);
}

static int avloc__mel_cfg_equal(const avloc_mel_config *a, const avloc_mel_config *b)
{
    return a->sample_rate == b->sample_rate && a->n_fft == b->n_fft && a->n_mels == b->n_mels &&
           a->fmin == b->fmin && a->fmax == b->fmax && a->scale == b->scale && a->norm == b->norm &&
           a->bins == b->bins;
}

/* m's filterbank and DCT pointed at t's (checked against mc, fc) */
static avloc_result avloc__melspec_bank_tables(avloc_melspec_f32 *m, const avloc_melspec_tables *t,
                                               const avloc_mel_config *mc, const avloc_mfcc_config *fc)
{
    avloc_result r;
    if (!t->mel || (fc->n_mfcc && !t->mfcc)) return AVLOC_ERR_NULL;
    if (!avloc__mel_cfg_equal(&t->mel->cfg, mc)) return AVLOC_ERR_PARAM;
    if ((r = avloc_mel_init_tables_f32(&m->mel, t->mel)) != AVLOC_OK || !fc->n_mfcc) return r;
    if (t->mfcc->cfg.n_mels != fc->n_mels || t->mfcc->cfg.n_mfcc != fc->n_mfcc ||
        t->mfcc->cfg.lifter != fc->lifter || (fc->lifter != AVLOC_LIFTER_NONE && t->mfcc->cfg.lifter_L != fc->lifter_L))
        return AVLOC_ERR_PARAM;
    return avloc_mfcc_init_tables_f32(&m->mfcc, t->mfcc);
}

/* One layout for query and init: the STFT (window and roots from t->window
   or through cmp), the filterbank and DCT (pointed at t's, or computed
   through bank, or only sized: neither), then the scratch. */
static avloc_result avloc__melspec_layout(avloc_arena *a, avloc_melspec_f32 *m, const avloc_melspec_config *c,
                                          const avloc_melspec_tables *t, const avloc__compute *cmp,
                                          avloc__melspec_bank_fn bank, size_t *scratch_bytes)
{
    avloc_stft_config sc;
    avloc_mel_config mc;
    avloc_mfcc_config fc;
    avloc_result r;
    size_t ssb = 0, fb = 0, nb = c->stft.n_fft / 2 + 1;
    avloc__melspec_parts(c, &sc, &mc, &fc);
    r = avloc__stft_layout(a, m ? &m->stft : NULL, &sc, t ? t->window : NULL, cmp, &ssb);
    if (r != AVLOC_OK) return r;
    if (t) r = m ? avloc__melspec_bank_tables(m, t, &mc, &fc) : AVLOC_OK;
    else if (bank) r = bank(a, m, &mc, &fc);
    else r = m ? AVLOC_ERR_NULL : avloc__melspec_bank_bound(a, &mc, &fc);
    if (r != AVLOC_OK) {
        if (m) avloc_stft_destroy_f32(&m->stft); /* its FFTW plans, if any */
        return r;
    }
    {   /* scratch: frame + FFT scratch, then the bins and their power */
        avloc_arena sa;
        avloc__fft_query(sc.n_fft, AVLOC_FFT_REAL, NULL, &fb);
        avloc_arena_init(&sa, NULL, 0);
        AVLOC_PUSH(&sa, float, sc.n_fft);
        avloc_arena_push(&sa, fb, 1, AVLOC_ALIGN);
        AVLOC_PUSH(&sa, avloc_complex_f32, nb);
        AVLOC_PUSH(&sa, float, nb);
        if (avloc_arena_status(&sa) != AVLOC_OK) return AVLOC_ERR_OVERFLOW;
        *scratch_bytes = avloc_arena_needed(&sa);
    }
    if (m) {
        m->cfg = *c;
        m->cfg.stft.onesided = 1;
        m->scratch_bytes = *scratch_bytes;
        m->mem = avloc__extent_of(a);
    }
    return AVLOC_OK;
}

/* avloc__melspec_layout as an avloc_layout_fn: the config, the tables
   (NULL: computed) and what init may compute */
typedef struct avloc__melspec_lcfg {
    const avloc_melspec_config *cfg;
    const avloc_melspec_tables *t;
    const avloc__compute *cmp;
    avloc__melspec_bank_fn bank;
} avloc__melspec_lcfg;
static avloc_result avloc__melspec_layout_fn(avloc_arena *a, void *obj, const void *cfg, size_t *scratch_bytes)
{
    const avloc__melspec_lcfg *c = (const avloc__melspec_lcfg *)cfg;
    return avloc__melspec_layout(a, (avloc_melspec_f32 *)obj, c->cfg, c->t, c->cmp, c->bank, scratch_bytes);
}

AVLOC_API avloc_result avloc_melspec_query_f32(const avloc_melspec_config *cfg, size_t *obj_bytes, size_t *scratch_bytes)
{
    avloc__melspec_lcfg lc;
    avloc_result r = avloc__melspec_check(cfg);
    if (r != AVLOC_OK) return r;
    lc.cfg = cfg;
    lc.t = NULL;
    lc.cmp = NULL;
    lc.bank = avloc__melspec_bank_fallback();
    return avloc_layout_query(avloc__melspec_layout_fn, &lc, obj_bytes, scratch_bytes);
}

/* init with everything computed (t NULL) or from the tables t */
static avloc_result avloc__melspec_init(avloc_melspec_f32 *m, const avloc_melspec_config *cfg, int table,
                                        const avloc_melspec_tables *t, const avloc__compute *cmp,
                                        avloc__melspec_bank_fn bank, void *mem, size_t mem_bytes)
{
    avloc__melspec_lcfg lc;
    avloc_result r;
    if (m) memset(m, 0, sizeof *m);
    if (!m || !mem || (table && (!t || !t->window))) return AVLOC_ERR_NULL;
    r = avloc__melspec_check(cfg);
    if (r == AVLOC_OK && t)
        r = avloc__window_table_check(t->window, cfg->stft.window, cfg->stft.periodic,
                                      avloc__stft_win_length(&cfg->stft));
    if (r != AVLOC_OK) return r;
    lc.cfg = cfg;
    lc.t = t;
    lc.cmp = cmp;
    lc.bank = bank;
    return avloc_layout_init(avloc__melspec_layout_fn, m, sizeof *m, &lc, mem, mem_bytes);
}

AVLOC_API avloc_result avloc_melspec_init_f32(avloc_melspec_f32 *m, const avloc_melspec_config *cfg,
                                              void *mem, size_t mem_bytes)
{
    avloc__compute cmp = avloc__computed();
    return avloc__melspec_init(m, cfg, 0, NULL, &cmp, avloc__melspec_bank, mem, mem_bytes);
}

AVLOC_API avloc_result avloc_melspec_init_tables_f32(avloc_melspec_f32 *m, const avloc_melspec_config *cfg,
                                                     const avloc_melspec_tables *t, void *mem, size_t mem_bytes)
{
    avloc__compute cmp;
    return avloc__melspec_init(m, cfg, 1, t, avloc__tables_fallback(&cmp), NULL, mem, mem_bytes);
}

AVLOC_API void avloc_melspec_destroy_f32(avloc_melspec_f32 *m)
{
    if (!m) return;
    avloc_stft_destroy_f32(&m->stft);
    memset(m, 0, sizeof *m);
}

AVLOC_API avloc_result avloc_melspec_compute_f32(const avloc_melspec_f32 *m, const float *x, size_t n,
                                                 float *mel, size_t n_frames, void *scratch, size_t scratch_bytes)
{
    const avloc_stft_f32 *st;
    avloc_arena a;
    size_t nf = 0, t, fb = 0, nb, total;
    float *frame, *pw;
    void *fscr;
    avloc_complex_f32 *bins;
    avloc_result r;
    if (!m || !x || !mel || !scratch) return AVLOC_ERR_NULL;
    st = &m->stft;
    if (!st->window || !m->mel.weights) return AVLOC_ERR_STATE;
    r = avloc_stft_frames(&st->cfg, n, &nf);
    if (r != AVLOC_OK) return r;
    if (n_frames != nf) return AVLOC_ERR_SIZE;
    if (!avloc_size_mul(nf, m->mel.n_mels, &total)) return AVLOC_ERR_OVERFLOW;
    if (avloc__overlaps_f32(x, n, mel, total)) return AVLOC_ERR_PARAM; /* later frames read x */
    if (!avloc_all_finite_f32(x, n)) return AVLOC_ERR_NONFINITE;
    nb = st->cfg.n_fft / 2 + 1;
    avloc__fft_query(st->cfg.n_fft, AVLOC_FFT_REAL, NULL, &fb);
    avloc_arena_init(&a, scratch, scratch_bytes);
    frame = AVLOC_PUSH(&a, float, st->cfg.n_fft);
    fscr = avloc_arena_push(&a, fb, 1, AVLOC_ALIGN);
    bins = AVLOC_PUSH(&a, avloc_complex_f32, nb);
    pw = AVLOC_PUSH(&a, float, nb);
    if (avloc_arena_status(&a) != AVLOC_OK) return AVLOC_ERR_WORKSPACE;
    {
        const avloc__span io[] = {avloc__rd_f32(x, n), avloc__wr_f32(mel, total), avloc__object_span(m->mem, 0)};
        if (avloc__clash_scratch(io, 3, scratch, a.used)) return AVLOC_ERR_PARAM;
    }
    for (t = 0; t < nf; t++) {
        avloc__stft_gather(st, x, n, t, frame);
        r = avloc_fft_r2c_f32(&st->fft, frame, bins, fscr, fb);
        if (r != AVLOC_OK) return r;
        if (m->cfg.power == 2.0f) avloc__power2(bins, nb, pw);
        else avloc_spec_power_f32(bins, nb, m->cfg.power, pw);
        avloc__mel_row(&m->mel, pw, mel + t * m->mel.n_mels);
    }
    if (m->cfg.log == AVLOC_LOG_DB)
        return avloc_db_f32(mel, total, mel, m->cfg.db_mult, m->cfg.db_ref, m->cfg.db_amin, m->cfg.top_db);
    if (m->cfg.log == AVLOC_LOG_LN)
        return avloc_log_f32(mel, total, mel, m->cfg.ln_eps, m->cfg.ln_add);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_melspec_mfcc_f32(const avloc_melspec_f32 *m, const float *x, size_t n_samples,
                                              float *logmel, float *mfcc, size_t n_frames,
                                              void *scratch, size_t scratch_bytes)
{
    avloc_result r;
    if (!m || !x || !logmel || !mfcc || !scratch) return AVLOC_ERR_NULL;
    if (!m->mfcc.dct) return AVLOC_ERR_STATE; /* built with n_mfcc == 0 */
    /* checked before logmel is written (avloc_mfcc_apply_f32 checks it too) */
    if (avloc__rows_fit_f32(n_frames, m->mfcc.n_mels) == AVLOC_OK &&
        (avloc__overlaps_f32(logmel, n_frames * m->mfcc.n_mels, mfcc, n_frames * m->mfcc.n_mfcc) ||
         avloc__overlaps(scratch, avloc__scratch_used(scratch_bytes, m->scratch_bytes), mfcc,
                         n_frames * m->mfcc.n_mfcc * sizeof *mfcc) ||
         avloc__overlaps(m->mem.base, m->mem.bytes, mfcc, n_frames * m->mfcc.n_mfcc * sizeof *mfcc)))
        return AVLOC_ERR_PARAM;
    r = avloc_melspec_compute_f32(m, x, n_samples, logmel, n_frames, scratch, scratch_bytes);
    if (r != AVLOC_OK) return r;
    return avloc_mfcc_apply_f32(&m->mfcc, logmel, n_frames, mfcc);
}

/* ------------------------------------------------- streaming log-mel */

/* Per-push scratch: the STFT stream's, then one frame of bins and powers. */
static avloc_result avloc__melstream_scratch(const avloc_melspec_f32 *m, avloc_arena *a, void **stft_scr,
                                             avloc_complex_f32 **bins, float **pw)
{
    size_t nb = m->stft.cfg.n_fft / 2 + 1;
    *stft_scr = avloc_arena_push(a, m->stft.scratch_bytes, 1, AVLOC_ALIGN);
    *bins = AVLOC_PUSH(a, avloc_complex_f32, nb);
    *pw = AVLOC_PUSH(a, float, nb);
    return avloc_arena_status(a);
}

AVLOC_API avloc_result avloc_melspec_stream_query_f32(const avloc_melspec_f32 *m, size_t *bytes,
                                                      size_t *scratch_bytes)
{
    avloc_arena a;
    void *ss;
    avloc_complex_f32 *b;
    float *p;
    avloc_result r;
    if (!m || !bytes || !scratch_bytes) return AVLOC_ERR_NULL;
    if (!m->stft.window || !m->mel.weights) return AVLOC_ERR_STATE;
    r = avloc_stft_stream_query_f32(&m->stft, bytes);
    if (r != AVLOC_OK) return r;
    avloc_arena_init(&a, NULL, 0);
    if (avloc__melstream_scratch(m, &a, &ss, &b, &p) != AVLOC_OK) return AVLOC_ERR_OVERFLOW;
    *scratch_bytes = avloc_arena_needed(&a);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_melspec_stream_init_f32(avloc_melspec_stream_f32 *s, const avloc_melspec_f32 *m,
                                                     void *mem, size_t mem_bytes)
{
    size_t need = 0, scr = 0;
    avloc_result r;
    if (s) memset(s, 0, sizeof *s);
    if (!s || !m || !mem) return AVLOC_ERR_NULL;
    r = avloc_melspec_stream_query_f32(m, &need, &scr);
    if (r != AVLOC_OK) return r;
    if (mem_bytes < need) return AVLOC_ERR_WORKSPACE;
    r = avloc_stft_stream_init_f32(&s->stft, &m->stft, mem, mem_bytes);
    if (r != AVLOC_OK) { memset(s, 0, sizeof *s); return r; }
    s->m = m;
    s->scratch_bytes = scr;
    s->db_max = -FLT_MAX;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_melspec_stream_reset_f32(avloc_melspec_stream_f32 *s)
{
    if (!s) return AVLOC_ERR_NULL;
    if (!s->m) return AVLOC_ERR_STATE;
    s->db_max = -FLT_MAX;
    return avloc_stft_stream_reset_f32(&s->stft);
}

AVLOC_API void avloc_melspec_stream_destroy_f32(avloc_melspec_stream_f32 *s)
{
    if (s) memset(s, 0, sizeof *s);
}

/* One frame's mel row and log: dB without clipping, then the running-max clip. */
static avloc_result avloc__melstream_row(avloc_melspec_stream_f32 *s, const float *pw, float *row)
{
    const avloc_melspec_config *c = &s->m->cfg;
    size_t nm = s->m->mel.n_mels, i;
    avloc_result r;
    avloc__mel_row(&s->m->mel, pw, row);
    if (c->log == AVLOC_LOG_LN) return avloc_log_f32(row, nm, row, c->ln_eps, c->ln_add);
    if (c->log != AVLOC_LOG_DB) return AVLOC_OK;
    r = avloc_db_f32(row, nm, row, c->db_mult, c->db_ref, c->db_amin, -1.0f);
    if (r != AVLOC_OK || c->top_db < 0.0f) return r;
    for (i = 0; i < nm; i++) if (row[i] > s->db_max) s->db_max = row[i];
    {
        float lo = (float)((double)s->db_max - (double)c->top_db);
        for (i = 0; i < nm; i++) if (row[i] < lo) row[i] = lo;
    }
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_melspec_stream_push_f32(avloc_melspec_stream_f32 *s, const float *x, size_t n,
                                                     float *logmel, float *mfcc, size_t max_frames,
                                                     size_t *n_frames_out, size_t *consumed,
                                                     void *scratch, size_t scratch_bytes)
{
    const avloc_melspec_f32 *m;
    avloc_arena a;
    void *ss;
    avloc_complex_f32 *bins;
    float *pw;
    size_t used = 0, written = 0, nb;
    avloc_result r;
    if (!s || (!x && n) || (!logmel && max_frames) || !n_frames_out || !consumed || !scratch) return AVLOC_ERR_NULL;
    m = s->m;
    if (!m || !s->stft.ring) {
        *n_frames_out = 0;
        *consumed = 0;
        return AVLOC_ERR_STATE;
    }
    {   /* before anything is written or consumed */
        const avloc__span io[] = {
            avloc__rd_f32(x, n),
            avloc__span_of(logmel, avloc__span_bytes(max_frames, m->mel.n_mels, m->mel.n_mels, sizeof *logmel), 1),
            avloc__span_of(mfcc, avloc__span_bytes(max_frames, m->mfcc.n_mfcc, m->mfcc.n_mfcc, sizeof *mfcc), 1),
            avloc__span_of(n_frames_out, sizeof *n_frames_out, 1), avloc__span_of(consumed, sizeof *consumed, 1),
            avloc__object_span(s->stft.mem, 1), avloc__object_span(m->mem, 0)};
        if (AVLOC__CLASH(io)) return AVLOC_ERR_PARAM;
        avloc_arena_init(&a, scratch, scratch_bytes);
        if (avloc__melstream_scratch(m, &a, &ss, &bins, &pw) != AVLOC_OK) return AVLOC_ERR_WORKSPACE;
        if (avloc__clash_scratch(io, 7, scratch, a.used)) return AVLOC_ERR_PARAM; /* nothing written, counts included */
        *n_frames_out = 0;
        *consumed = 0;
        if (mfcc && !m->mfcc.dct) return AVLOC_ERR_STATE; /* built with n_mfcc == 0 */
        if (n && !avloc_all_finite_f32(x, n)) return AVLOC_ERR_NONFINITE;
    }
    nb = m->stft.cfg.n_fft / 2 + 1;
    /* one frame at a time through the STFT stream: no frame buffer to size */
    while (written < max_frames) {
        size_t got = 0, took = 0;
        float *row = logmel + written * m->mel.n_mels;
        r = avloc_stft_stream_push_f32(&s->stft, x + used, n - used, bins, 1, &got, &took,
                                       ss, m->stft.scratch_bytes);
        if (r != AVLOC_OK) return r;
        used += took;
        if (!got) break;
        if (m->cfg.power == 2.0f) avloc__power2(bins, nb, pw);
        else avloc_spec_power_f32(bins, nb, m->cfg.power, pw);
        r = avloc__melstream_row(s, pw, row);
        if (r == AVLOC_OK && mfcc) r = avloc_mfcc_apply_f32(&m->mfcc, row, 1, mfcc + written * m->mfcc.n_mfcc);
        if (r != AVLOC_OK) return r;
        written++;
    }
    if (written == max_frames && used < n) { /* take what completes no further frame */
        size_t got = 0, took = 0;
        r = avloc_stft_stream_push_f32(&s->stft, x + used, n - used, NULL, 0, &got, &took,
                                       ss, m->stft.scratch_bytes);
        if (r != AVLOC_OK) return r;
        used += took;
    }
    *n_frames_out = written;
    *consumed = used;
    return AVLOC_OK;
}

#endif /* !AVLOC_NO_MEL */

/* ---------------------------------------------------- binaural features */

AVLOC_API avloc_binaural_config avloc_binaural_config_default(void)
{
    avloc_binaural_config c;
    memset(&c, 0, sizeof c);
    c.sample_rate = 16000.0f;
    c.n_fft = 1024;
    c.hop = 128;
    c.window = AVLOC_WINDOW_HANN;
    c.first_bin = 1;
    c.n_bins = 512;
    c.threshold_db = -40.0f;
    c.threshold_relative = 1;
    return c;
}

#ifndef AVLOC_NO_BINAURAL

static avloc_result avloc__binaural_check(const avloc_binaural_config *c, avloc_stft_config *sc)
{
    if (!c) return AVLOC_ERR_NULL;
    if (c->n_fft < 2 || c->n_fft > AVLOC_MAX_DIM || c->hop == 0 || c->hop > AVLOC_MAX_DIM || c->n_bins == 0 ||
        c->first_bin > c->n_fft / 2 + 1 || c->n_bins > c->n_fft / 2 + 1 - c->first_bin)
        return AVLOC_ERR_SIZE;
    if (!avloc__finite_pos(c->sample_rate) || !avloc__finite_f32(c->threshold_db) ||
        !avloc__window_valid(c->window))
        return AVLOC_ERR_PARAM;
    *sc = avloc_stft_config_default();
    sc->n_fft = c->n_fft;
    sc->hop = c->hop;
    sc->win_length = c->n_fft;
    sc->window = c->window;
    sc->periodic = 1;
    sc->center = 0;
    sc->onesided = 1;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_binaural_frames(const avloc_binaural_config *cfg, size_t n_samples, size_t *n_frames)
{
    avloc_stft_config sc;
    avloc_result r = avloc__binaural_check(cfg, &sc);
    if (r != AVLOC_OK) return r;
    if (!n_frames) return AVLOC_ERR_NULL;
    return avloc_stft_frames(&sc, n_samples, n_frames);
}

/* Per-call scratch of a plan: the STFT's scratch, two spectra and the power
   map (n_frames x n_bins for a relative threshold, which needs the clip
   maximum first; one frame's n_bins for an absolute one). */
static avloc_result avloc__binaural_run_layout(avloc_arena *a, const avloc_binaural_config *c, size_t stft_scratch,
                                               size_t n_frames, void **sscr, avloc_complex_f32 **sl,
                                               avloc_complex_f32 **sr, float **pw)
{
    size_t npow = c->n_bins;
    *sscr = avloc_arena_push(a, stft_scratch, 1, AVLOC_ALIGN);
    *sl = AVLOC_PUSH(a, avloc_complex_f32, c->n_fft / 2 + 1);
    *sr = AVLOC_PUSH(a, avloc_complex_f32, c->n_fft / 2 + 1);
    if (c->threshold_relative && !avloc_size_mul(n_frames, c->n_bins, &npow)) return AVLOC_ERR_OVERFLOW;
    *pw = AVLOC_PUSH(a, float, npow);
    return avloc_arena_status(a);
}

/* Bytes of a plan, and the STFT's per-call scratch inside the run scratch. */
static avloc_result avloc__binaural_plan_sizes(const avloc_binaural_config *cfg, size_t *plan_bytes,
                                               size_t *stft_scratch)
{
    avloc_stft_config sc;
    avloc_arena a;
    avloc_result r = avloc__binaural_check(cfg, &sc);
    if (r != AVLOC_OK) return r;
    avloc_arena_init(&a, NULL, 0);
    r = avloc__stft_layout(&a, NULL, &sc, NULL, NULL, stft_scratch);
    if (r != AVLOC_OK) return r;
    *plan_bytes = avloc_arena_needed(&a);
    return AVLOC_OK;
}

/* Bytes of a plan and of its per-call scratch for n_samples (the one-shot
   call puts both in its scratch). */
static avloc_result avloc__binaural_sizes(const avloc_binaural_config *cfg, size_t n_samples, size_t *plan_bytes,
                                          size_t *scratch_bytes)
{
    avloc_arena a;
    size_t nf = 0, ssb = 0;
    void *sscr;
    avloc_complex_f32 *sl, *sr;
    float *pw;
    avloc_result r = avloc_binaural_frames(cfg, n_samples, &nf);
    if (r == AVLOC_OK) r = avloc__binaural_plan_sizes(cfg, plan_bytes, &ssb);
    if (r != AVLOC_OK) return r;
    avloc_arena_init(&a, NULL, 0);
    r = avloc__binaural_run_layout(&a, cfg, ssb, nf, &sscr, &sl, &sr, &pw);
    if (r != AVLOC_OK) return r;
    *scratch_bytes = avloc_arena_needed(&a);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_binaural_plan_query_f32(const avloc_binaural_config *cfg, size_t *plan_bytes)
{
    size_t pb = 0, ssb = 0;
    avloc_result r;
    if (!cfg || !plan_bytes) return AVLOC_ERR_NULL;
    r = avloc__binaural_plan_sizes(cfg, &pb, &ssb);
    if (r == AVLOC_OK) *plan_bytes = pb;
    return r;
}

AVLOC_API avloc_result avloc_binaural_plan_scratch_f32(const avloc_binaural_config *cfg, size_t n_samples,
                                                       size_t *scratch_bytes)
{
    size_t pb = 0, sb = 0;
    avloc_result r;
    if (!cfg || !scratch_bytes) return AVLOC_ERR_NULL;
    r = avloc__binaural_sizes(cfg, n_samples, &pb, &sb);
    if (r == AVLOC_OK) *scratch_bytes = sb;
    return r;
}

AVLOC_API avloc_result avloc_binaural_scratch_f32(const avloc_binaural_config *cfg, size_t n_samples,
                                                 size_t *scratch_bytes)
{
    size_t pb = 0, sb = 0;
    avloc_result r;
    if (!cfg) return AVLOC_ERR_NULL;
    r = avloc__binaural_sizes(cfg, n_samples, &pb, &sb);
    if (r != AVLOC_OK) return r;
    if (!scratch_bytes) return AVLOC_ERR_NULL;
    /* plan, then the run scratch at the next AVLOC_ALIGN boundary */
    if (!avloc_size_add(pb, sb, scratch_bytes) || !avloc_size_add(*scratch_bytes, AVLOC_ALIGN, scratch_bytes))
        return AVLOC_ERR_OVERFLOW;
    return AVLOC_OK;
}

/* init with the window computed (table 0) or from the table win; cmp:
   what it may compute */
static avloc_result avloc__binaural_plan_init(avloc_binaural_plan_f32 *plan, const avloc_binaural_config *cfg,
                                              int table, const avloc_window_table *win,
                                              const avloc__compute *cmp, void *mem, size_t mem_bytes)
{
    avloc_stft_config sc;
    avloc_arena a;
    size_t ssb = 0;
    avloc_result r;
    if (plan) memset(plan, 0, sizeof *plan);
    if (!plan || !cfg || !mem || (table && !win)) return AVLOC_ERR_NULL;
    r = avloc__binaural_check(cfg, &sc);
    if (r == AVLOC_OK && win) r = avloc__window_table_check(win, sc.window, sc.periodic, sc.n_fft);
    if (r != AVLOC_OK) return r;
    avloc_arena_init(&a, mem, mem_bytes);
    r = avloc__stft_layout(&a, &plan->stft, &sc, win, cmp, &ssb); /* WORKSPACE: mem too small */
    if (r != AVLOC_OK) {
        memset(plan, 0, sizeof *plan);
        return r;
    }
    plan->cfg = *cfg;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_binaural_plan_init_f32(avloc_binaural_plan_f32 *plan, const avloc_binaural_config *cfg,
                                                    void *mem, size_t mem_bytes)
{
    avloc__compute cmp = avloc__computed();
    return avloc__binaural_plan_init(plan, cfg, 0, NULL, &cmp, mem, mem_bytes);
}

AVLOC_API avloc_result avloc_binaural_plan_init_tables_f32(avloc_binaural_plan_f32 *plan,
                                                           const avloc_binaural_config *cfg,
                                                           const avloc_window_table *win, void *mem,
                                                           size_t mem_bytes)
{
    avloc__compute cmp;
    return avloc__binaural_plan_init(plan, cfg, 1, win, avloc__tables_fallback(&cmp), mem, mem_bytes);
}


/* One TF point in float; returns 0 (nothing written) where the float path
   could lose range. */
static int avloc__bin_fast(avloc_complex_f32 L, avloc_complex_f32 R, float *ild, float *cs, float *sn, float *pw)
{
    float pl = L.re * L.re + L.im * L.im, pr = R.re * R.re + R.im * R.im;
    float prod = pl * pr, inv;
    if (!(prod >= 1e-30f && prod <= 1e30f)) return 0;
    inv = 1.0f / sqrtf(prod);
    *ild = AVLOC__ILD_K * avloc__log2_ratio(pr + 1e-20f, pl + 1e-20f);
    *cs = (R.re * L.re + R.im * L.im) * inv;
    *sn = (R.im * L.re - R.re * L.im) * inv;
    *pw = pl + pr;
    return 1;
}

/* ILD | cos IPD | sin IPD of one frame's bins, and each bin's power;
   returns the largest power. */
static float avloc__binaural_frame(const avloc_complex_f32 *Lb, const avloc_complex_f32 *Rb, size_t nb,
                                   float *ft, float *pw)
{
    size_t b = 0;
    float mx = 0.0f, xmax = 0.0f; /* vector lanes, exact-path points and the tail */
    b = AVLOC__VCALL(avloc__vk_binaural_frame, (Lb, Rb, nb, ft, pw, &mx, &xmax), 0);
    for (; b < nb; b++) {
        if (!avloc__bin_fast(Lb[b], Rb[b], ft + b, ft + nb + b, ft + 2 * nb + b, pw + b))
            avloc__bin_exact(Lb[b], Rb[b], ft + b, ft + nb + b, ft + 2 * nb + b, pw + b);
        xmax = pw[b] > xmax ? pw[b] : xmax;
    }
    return mx > xmax ? mx : xmax;
}

/* Mask of one frame, p >= thr (thr > 0), repeated over the three parts;
   returns the active count. */
static size_t avloc__binaural_mask(const float *pw, size_t nb, float thr, unsigned char *mt)
{
    size_t cnt = 0, b = AVLOC__VCALL(avloc__vk_thrmask, (pw, nb, thr, mt, &cnt), 0);
    for (; b < nb; b++) {
        unsigned char on = (unsigned char)(pw[b] >= thr);
        mt[b] = mt[nb + b] = mt[2 * nb + b] = on;
        cnt += on;
    }
    return cnt;
}

/* The power ratio of db decibels, 10^(db/10), in float: one expf per
   call and no double pow, so a target without a double FPU links no
   soft-double for it. Within a few float ulps of the exact ratio (about
   1e-6 dB at +-100 dB): points that close to the threshold may flip, far
   inside the tests' 1e-3 dB. */
static float avloc__db_ratio(float db)
{
    return expf(0.230258509299404568f * db); /* ln(10) / 10 */
}

/* The threshold power for "p >= it", from x (a power, >= 0): never
   subnormal, since under flush-to-zero / denormals-are-zero (what
   -ffast-math links in) a subnormal threshold compares as 0 and silence
   would count as active; beyond FLT_MAX (or NaN) nothing is active. */
static float avloc__pow_threshold(float x)
{
    if (!(x <= FLT_MAX)) return HUGE_VALF;
    return x >= FLT_MIN ? x : FLT_MIN;
}

/* 1 when the features, mask, count or used bytes of scratch meet each
   other, the signals (rows of 3 n_bins values) or the plan's memory. */
static int avloc__binaural_clash(const float *left, const float *right, size_t n_samples, const float *features,
                                 const unsigned char *mask, size_t n_frames, size_t n_bins, const size_t *n_active,
                                 avloc_extent plan, const void *scratch, size_t used)
{
    const size_t D = 3 * n_bins;
    const avloc__span b[] = {avloc__rd_f32(left, n_samples), avloc__rd_f32(right, n_samples),
                             avloc__span_of(features, avloc__span_bytes(n_frames, D, D, sizeof *features), 1),
                             avloc__span_of(mask, avloc__span_bytes(n_frames, D, D, 1), 1),
                             avloc__span_of(n_active, sizeof *n_active, 1), avloc__object_span(plan, 0)};
    return avloc__clash_scratch(b, sizeof b / sizeof *b, scratch, used);
}

AVLOC_API avloc_result avloc_binaural_plan_features_f32(const avloc_binaural_plan_f32 *plan,
        const float *left, const float *right, size_t n_samples,
        float *features, unsigned char *mask, size_t n_frames, size_t *n_active,
        void *scratch, size_t scratch_bytes)
{
    const avloc_binaural_config *cfg;
    const avloc_stft_f32 *st;
    avloc_arena a;
    size_t nf = 0, t, nb, D, fsb, active = 0, dsz;
    void *sscr, *fscr;
    avloc_complex_f32 *sl, *sr;
    float *pw, *frame, pmax = 0.0f, fmax, thr = 0.0f;
    avloc_result r;
    if (!plan || !left || !right || !features || !mask || !scratch) return AVLOC_ERR_NULL;
    cfg = &plan->cfg;
    st = &plan->stft;
    if (!st->window) return AVLOC_ERR_STATE; /* not made by avloc_binaural_plan_init_f32 */
    if (cfg->n_fft != st->cfg.n_fft || cfg->hop != st->cfg.hop || cfg->window != st->cfg.window)
        return AVLOC_ERR_STATE; /* cfg edited after init: the STFT no longer matches */
    r = avloc_binaural_frames(cfg, n_samples, &nf);
    if (r != AVLOC_OK) return r;
    if (n_frames != nf) return AVLOC_ERR_SIZE;
    nb = cfg->n_bins;
    D = 3 * nb;
    if (!avloc_size_mul(nf, D, &dsz)) return AVLOC_ERR_OVERFLOW;
    if (!avloc_all_finite_f32(left, n_samples) || !avloc_all_finite_f32(right, n_samples)) return AVLOC_ERR_NONFINITE;
    avloc_arena_init(&a, scratch, scratch_bytes);
    r = avloc__binaural_run_layout(&a, cfg, st->scratch_bytes, nf, &sscr, &sl, &sr, &pw);
    if (r != AVLOC_OK) return r;
    if (!sscr || !sl || !sr || !pw) return AVLOC_ERR_WORKSPACE;
    if (avloc__binaural_clash(left, right, n_samples, features, mask, nf, nb, n_active, st->mem, scratch, a.used))
        return AVLOC_ERR_PARAM;
    r = avloc__stft_scratch(st, sscr, st->scratch_bytes, NULL, 0, &frame, &fscr, &fsb);
    if (r != AVLOC_OK) return r;
    /* dB threshold -> linear power: no logarithm per point */
    if (!cfg->threshold_relative) thr = avloc__pow_threshold(avloc__db_ratio(cfg->threshold_db));
    for (t = 0; t < nf; t++) {
        float *ft = features + t * D, *pt = cfg->threshold_relative ? pw + t * nb : pw;
        avloc__stft_gather(st, left, n_samples, t, frame);
        if ((r = avloc_fft_r2c_f32(&st->fft, frame, sl, fscr, fsb)) != AVLOC_OK) return r;
        avloc__stft_gather(st, right, n_samples, t, frame);
        if ((r = avloc_fft_r2c_f32(&st->fft, frame, sr, fscr, fsb)) != AVLOC_OK) return r;
        fmax = avloc__binaural_frame(sl + cfg->first_bin, sr + cfg->first_bin, nb, ft, pt);
        /* finite samples near FLT_MAX / n_fft overflow the float spectrum
           (found by fuzz/ binaural): refuse rather than return Inf/NaN */
        if (!avloc_all_finite_f32(ft, D)) return AVLOC_ERR_NUMERIC;
        if (cfg->threshold_relative)
            pmax = fmax > pmax ? fmax : pmax;
        else
            active += avloc__binaural_mask(pt, nb, thr, mask + t * D);
    }
    if (cfg->threshold_relative) {
        /* clip max in dB + threshold_db, as a power */
        thr = avloc__pow_threshold(pmax * avloc__db_ratio(cfg->threshold_db));
        for (t = 0; t < nf; t++) active += avloc__binaural_mask(pw + t * nb, nb, thr, mask + t * D);
    }
    if (n_active) *n_active = active;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_binaural_features_f32(const avloc_binaural_config *cfg,
        const float *left, const float *right, size_t n_samples,
        float *features, unsigned char *mask, size_t n_frames, size_t *n_active,
        void *scratch, size_t scratch_bytes)
{
    avloc_binaural_plan_f32 plan;
    size_t pb = 0, sb = 0, nf = 0;
    unsigned char *run;
    avloc_result r;
    if (!cfg || !left || !right || !features || !mask || !scratch) return AVLOC_ERR_NULL;
    r = avloc__binaural_sizes(cfg, n_samples, &pb, &sb);
    if (r != AVLOC_OK) return r;
    /* input errors before any planning (FFTW plans cost time and memory) */
    avloc_binaural_frames(cfg, n_samples, &nf);
    if (n_frames != nf) return AVLOC_ERR_SIZE;
    if (!avloc_all_finite_f32(left, n_samples) || !avloc_all_finite_f32(right, n_samples)) return AVLOC_ERR_NONFINITE;
    if (scratch_bytes < pb) return AVLOC_ERR_WORKSPACE;
    /* the run scratch starts at the first AVLOC_ALIGN boundary after the plan */
    run = (unsigned char *)scratch + pb;
    run += (AVLOC_ALIGN - (size_t)((uintptr_t)run % AVLOC_ALIGN)) % AVLOC_ALIGN;
    if ((size_t)(run - (unsigned char *)scratch) > scratch_bytes) return AVLOC_ERR_WORKSPACE;
    /* the plan is laid out over the scratch's start before a sample is read */
    if (avloc__binaural_clash(left, right, n_samples, features, mask, nf, cfg->n_bins, n_active, avloc__no_extent(),
                              scratch, avloc__scratch_used(scratch_bytes, pb + sb + AVLOC_ALIGN)))
        return AVLOC_ERR_PARAM;
    r = avloc_binaural_plan_init_f32(&plan, cfg, scratch, pb);
    if (r != AVLOC_OK) return r;
    r = avloc_binaural_plan_features_f32(&plan, left, right, n_samples, features, mask, n_frames, n_active, run,
                                         scratch_bytes - (size_t)(run - (unsigned char *)scratch));
    avloc_binaural_plan_destroy_f32(&plan);
    return r;
}

AVLOC_API void avloc_binaural_plan_destroy_f32(avloc_binaural_plan_f32 *plan)
{
    if (!plan) return;
    avloc_stft_destroy_f32(&plan->stft);
    memset(plan, 0, sizeof *plan);
}

AVLOC_API avloc_result avloc_binaural_mean_f32(const float *features, const unsigned char *mask, size_t n_frames,
                                               size_t D, float *mean, unsigned char *dim_mask)
{
    size_t d, t, tot;
    int any = 0;
    if (!features || !mask || !mean || !dim_mask) return AVLOC_ERR_NULL;
    if (n_frames == 0 || D == 0) return AVLOC_ERR_SIZE;
    if (!avloc_size_mul(n_frames, D, &tot)) return AVLOC_ERR_OVERFLOW;
    {
        const avloc__span b[] = {avloc__rd_f32(features, tot), avloc__span_of(mask, tot, 0), avloc__wr_f32(mean, D),
                                 avloc__span_of(dim_mask, D, 1)};
        if (AVLOC__CLASH(b)) return AVLOC_ERR_PARAM;
    }
    for (d = 0; d < D; d++) {
        double s = 0.0;
        size_t c = 0;
        for (t = 0; t < n_frames; t++) {
            if (mask[t * D + d]) {
                float v = features[t * D + d];
                if (!avloc__finite_f32(v)) return AVLOC_ERR_NONFINITE;
                s += v;
                c++;
            }
        }
        mean[d] = c ? (float)(s / (double)c) : 0.0f;
        dim_mask[d] = (unsigned char)(c > 0);
        any |= c > 0;
    }
    return any ? AVLOC_OK : AVLOC_NO_ACTIVE_POINTS;
}

#endif /* !AVLOC_NO_BINAURAL */

#ifndef AVLOC_NO_GCC_PHAT
/* ------------------------------------------------------------ GCC-PHAT */

AVLOC_API avloc_gcc_config avloc_gcc_config_default(void)
{
    avloc_gcc_config c;
    memset(&c, 0, sizeof c);
    c.frame_length = 1024;
    c.n_fft = 2048;
    c.hop = 512;
    c.window = AVLOC_WINDOW_HANN;
    c.max_lag = 32;
    c.upsample = 4;
    c.interp = AVLOC_GCC_INTERP_PARABOLIC;
    c.phat_floor = 1e-6f;
    return c;
}

static avloc_result avloc__gcc_check(const avloc_gcc_config *c, size_t *n_up)
{
    if (!c) return AVLOC_ERR_NULL;
    if (c->frame_length == 0 || c->n_fft < 2 || c->n_fft > AVLOC_MAX_DIM || c->frame_length > c->n_fft ||
        c->hop == 0 || c->hop > AVLOC_MAX_DIM || c->upsample == 0 || c->upsample > 1024)
        return AVLOC_ERR_SIZE;
    if (!avloc_size_mul(c->n_fft, c->upsample, n_up) || *n_up > AVLOC_MAX_DIM) return AVLOC_ERR_SIZE;
    if (c->max_lag == 0 || c->max_lag >= c->n_fft / 2) return AVLOC_ERR_PARAM;
    if (!avloc__window_valid(c->window)) return AVLOC_ERR_PARAM;
    if (c->interp != AVLOC_GCC_INTERP_NONE && c->interp != AVLOC_GCC_INTERP_PARABOLIC) return AVLOC_ERR_PARAM;
    if (avloc__nan_f32(c->phat_floor) || !(c->phat_floor > 0.0f) || !(c->phat_floor < 1.0f)) return AVLOC_ERR_PARAM;
    return AVLOC_OK;
}

/* Scratch: 2 frames (n_fft floats), 2 spectra, the summed cross-spectrum
   (double), the upsampled spectrum, the correlation, one FFT scratch. */
static avloc_result avloc__gcc_scratch(avloc_arena *a, const avloc_gcc_config *c, size_t n_up, size_t fsb,
                                       float **fl, float **fr, avloc_complex_f32 **xl, avloc_complex_f32 **xr,
                                       double **acc, avloc_complex_f32 **up, float **corr, void **fscr)
{
    size_t nb = c->n_fft / 2 + 1;
    *fl = AVLOC_PUSH(a, float, c->n_fft);
    *fr = AVLOC_PUSH(a, float, c->n_fft);
    *xl = AVLOC_PUSH(a, avloc_complex_f32, nb);
    *xr = AVLOC_PUSH(a, avloc_complex_f32, nb);
    *acc = AVLOC_PUSH(a, double, 2 * nb);
    *up = AVLOC_PUSH(a, avloc_complex_f32, n_up / 2 + 1);
    *corr = AVLOC_PUSH(a, float, n_up);
    *fscr = avloc_arena_push(a, fsb, 1, AVLOC_ALIGN);
    return avloc_arena_status(a);
}

/* taps: the window from a checked table (pointed at) or NULL (computed) */
static avloc_result avloc__gcc_layout(avloc_arena *a, avloc_gcc_f32 *g, const avloc_gcc_config *c,
                                      const avloc_window_table *win, const avloc__compute *cmp,
                                      size_t *scratch_bytes)
{
    const float *taps = win ? win->taps : NULL;
    const avloc_fft_tables *ft = win ? win->fft : NULL; /* [forward, inverse] or NULL */
    size_t n_up = 0, pf = 0, sf = 0, pi = 0, si = 0;
    float *w, *fl, *fr, *corr;
    void *mf, *mi, *fscr;
    avloc_complex_f32 *xl, *xr, *up;
    double *acc;
    avloc_arena sa;
    avloc_result r = avloc__gcc_check(c, &n_up);
    if (r != AVLOC_OK) return r;
    if ((r = avloc__fft_query(c->n_fft, AVLOC_FFT_REAL, &pf, &sf)) != AVLOC_OK) return r;
    if ((r = avloc__fft_query(n_up, AVLOC_FFT_REAL, &pi, &si)) != AVLOC_OK) return r;
    w = taps ? NULL : AVLOC_PUSH(a, float, c->frame_length);
    mf = avloc_arena_push(a, pf, 1, AVLOC_ALIGN);
    mi = avloc_arena_push(a, pi, 1, AVLOC_ALIGN);
    if ((r = avloc_arena_status(a)) != AVLOC_OK) return r;
    avloc_arena_init(&sa, NULL, 0);
    if (avloc__gcc_scratch(&sa, c, n_up, sf > si ? sf : si, &fl, &fr, &xl, &xr, &acc, &up, &corr, &fscr) != AVLOC_OK)
        return AVLOC_ERR_OVERFLOW;
    *scratch_bytes = avloc_arena_needed(&sa);
    if (!g) return AVLOC_OK;
    if ((!taps && !w) || !mf || !mi) return AVLOC_ERR_WORKSPACE;
    if (!taps && !cmp) return AVLOC_ERR_NULL;
    r = avloc__fft_init_from(&g->fwd, c->n_fft, AVLOC_FFT_REAL, ft, cmp, mf, pf);
    if (r != AVLOC_OK) return r;
    r = avloc__fft_init_from(&g->inv, n_up, AVLOC_FFT_REAL, ft ? ft + 1 : NULL, cmp, mi, pi);
    if (r != AVLOC_OK) {
        avloc_fft_destroy_f32(&g->fwd); /* its FFTW plans, if any */
        return r;
    }
    if (w) cmp->window(c->window, 1, w, c->frame_length);
    g->cfg = *c;
    g->window = taps ? taps : w;
    g->scratch_bytes = *scratch_bytes;
    g->mem = avloc__extent_of(a);
    return AVLOC_OK;
}

/* avloc__gcc_layout (which also checks the config) as an avloc_layout_fn */
/* (with the window table, NULL: computed, and what init may compute) */
typedef struct avloc__gcc_lcfg {
    const avloc_gcc_config *cfg;
    const avloc_window_table *win;
    const avloc__compute *cmp;
} avloc__gcc_lcfg;
static avloc_result avloc__gcc_layout_fn(avloc_arena *a, void *obj, const void *cfg, size_t *scratch_bytes)
{
    const avloc__gcc_lcfg *c = (const avloc__gcc_lcfg *)cfg;
    return avloc__gcc_layout(a, (avloc_gcc_f32 *)obj, c->cfg, c->win, c->cmp, scratch_bytes);
}

AVLOC_API avloc_result avloc_gcc_query_f32(const avloc_gcc_config *cfg, size_t *obj_bytes, size_t *scratch_bytes)
{
    avloc__gcc_lcfg lc;
    if (!cfg) return AVLOC_ERR_NULL;
    lc.cfg = cfg;
    lc.win = NULL;
    lc.cmp = NULL;
    return avloc_layout_query(avloc__gcc_layout_fn, &lc, obj_bytes, scratch_bytes);
}

/* init with the window computed (table 0) or from the table win */
static avloc_result avloc__gcc_init(avloc_gcc_f32 *g, const avloc_gcc_config *cfg, int table,
                                    const avloc_window_table *win, const avloc__compute *cmp, void *mem,
                                    size_t mem_bytes)
{
    avloc__gcc_lcfg lc;
    size_t n_up = 0;
    if (g) memset(g, 0, sizeof *g);
    if (!g || !cfg || !mem || (table && !win)) return AVLOC_ERR_NULL;
    if (win) {
        avloc_result r = avloc__gcc_check(cfg, &n_up);
        if (r == AVLOC_OK) r = avloc__window_table_check(win, cfg->window, 1, cfg->frame_length);
        if (r != AVLOC_OK) return r;
    }
    lc.cfg = cfg;
    lc.win = win;
    lc.cmp = cmp;
    return avloc_layout_init(avloc__gcc_layout_fn, g, sizeof *g, &lc, mem, mem_bytes);
}

AVLOC_API avloc_result avloc_gcc_init_f32(avloc_gcc_f32 *g, const avloc_gcc_config *cfg, void *mem, size_t mem_bytes)
{
    avloc__compute cmp = avloc__computed();
    return avloc__gcc_init(g, cfg, 0, NULL, &cmp, mem, mem_bytes);
}

AVLOC_API avloc_result avloc_gcc_init_tables_f32(avloc_gcc_f32 *g, const avloc_gcc_config *cfg,
                                                 const avloc_window_table *win, void *mem, size_t mem_bytes)
{
    avloc__compute cmp;
    return avloc__gcc_init(g, cfg, 1, win, avloc__tables_fallback(&cmp), mem, mem_bytes);
}

AVLOC_API void avloc_gcc_destroy_f32(avloc_gcc_f32 *g)
{
    if (!g) return;
    avloc_fft_destroy_f32(&g->fwd);
    avloc_fft_destroy_f32(&g->inv);
    memset(g, 0, sizeof *g);
}

AVLOC_API avloc_result avloc_gcc_frames(const avloc_gcc_config *cfg, size_t n_samples, size_t *n_frames)
{
    size_t n_up;
    avloc_result r = avloc__gcc_check(cfg, &n_up);
    if (r != AVLOC_OK) return r;
    if (!n_frames) return AVLOC_ERR_NULL;
    if (n_samples < cfg->frame_length) return AVLOC_ERR_SIZE;
    *n_frames = 1 + (n_samples - cfg->frame_length) / cfg->hop;
    return AVLOC_OK;
}

typedef struct avloc__gcc_work {
    float *fl, *fr, *corr;
    avloc_complex_f32 *xl, *xr, *up;
    double *acc;
    void *fscr;
    size_t fsb, n_up;
    size_t used; /* scratch bytes laid out */
} avloc__gcc_work;

static avloc_result avloc__gcc_work_init(const avloc_gcc_f32 *g, void *scratch, size_t bytes, avloc__gcc_work *w)
{
    avloc_arena a;
    size_t sf = 0, si = 0;
    if (!g->window) return AVLOC_ERR_STATE;
    w->n_up = g->cfg.n_fft * g->cfg.upsample;
    avloc__fft_query(g->cfg.n_fft, AVLOC_FFT_REAL, NULL, &sf);
    avloc__fft_query(w->n_up, AVLOC_FFT_REAL, NULL, &si);
    w->fsb = sf > si ? sf : si;
    avloc_arena_init(&a, scratch, bytes);
    if (avloc__gcc_scratch(&a, &g->cfg, w->n_up, w->fsb, &w->fl, &w->fr, &w->xl, &w->xr, &w->acc, &w->up,
                           &w->corr, &w->fscr) != AVLOC_OK)
        return AVLOC_ERR_WORKSPACE;
    w->used = a.used;
    return AVLOC_OK;
}

/* 1 when the n delays, n peaks or the used scratch meet each other, the
   signals (n_samples each) or g's memory. */
static int avloc__gcc_clash(const avloc_gcc_f32 *g, const float *left, const float *right, size_t n_samples,
                            const float *delays, const float *peaks, size_t n, const void *scratch, size_t used)
{
    const avloc__span b[] = {avloc__rd_f32(left, n_samples), avloc__rd_f32(right, n_samples), avloc__wr_f32(delays, n),
                             avloc__wr_f32(peaks, n), avloc__object_span(g->mem, 0)};
    return avloc__clash_scratch(b, 5, scratch, used);
}

/* acc += R conj(L) of the frames starting at left/right. */
static avloc_result avloc__gcc_accumulate(const avloc_gcc_f32 *g, avloc__gcc_work *w, const float *left, const float *right)
{
    const size_t n = g->cfg.n_fft, fl = g->cfg.frame_length, nb = n / 2 + 1;
    size_t j, k;
    avloc_result r;
    for (j = 0; j < fl; j++) { w->fl[j] = left[j] * g->window[j]; w->fr[j] = right[j] * g->window[j]; }
    for (j = fl; j < n; j++) { w->fl[j] = 0.0f; w->fr[j] = 0.0f; }
    if ((r = avloc_fft_r2c_f32(&g->fwd, w->fl, w->xl, w->fscr, w->fsb)) != AVLOC_OK) return r;
    if ((r = avloc_fft_r2c_f32(&g->fwd, w->fr, w->xr, w->fscr, w->fsb)) != AVLOC_OK) return r;
    for (k = 0; k < nb; k++) {
        const avloc_complex_f32 L = w->xl[k], R = w->xr[k];
        w->acc[2 * k] += (double)R.re * L.re + (double)R.im * L.im;
        w->acc[2 * k + 1] += (double)R.im * L.re - (double)R.re * L.im;
    }
    return AVLOC_OK;
}

/* PHAT-weight acc, inverse FFT with upsampling, pick the peak. */
static avloc_result avloc__gcc_peak(const avloc_gcc_f32 *g, avloc__gcc_work *w, float *delay, float *peak)
{
    const size_t n = g->cfg.n_fft, nb = n / 2 + 1, U = g->cfg.upsample, nu = w->n_up;
    const ptrdiff_t lag = (ptrdiff_t)(g->cfg.max_lag * U);
    double mx = 0.0, floor_, best = -HUGE_VAL, d = 0.0, pk;
    ptrdiff_t L, bl = 0;
    size_t k;
    avloc_result r;
    for (k = 0; k < nb; k++) {
        double m = sqrt(w->acc[2 * k] * w->acc[2 * k] + w->acc[2 * k + 1] * w->acc[2 * k + 1]);
        /* finite samples whose float spectra overflowed (|x| ~1e37): the PHAT
           weight would be Inf * 0, and the delay 0 with a -Inf peak */
        if (!avloc__finite_f64(m)) return AVLOC_ERR_NUMERIC;
        if (m > mx) mx = m;
    }
    if (!(mx > 0.0)) {
        if (delay) *delay = 0.0f;
        if (peak) *peak = 0.0f;
        return AVLOC_NO_ACTIVE_POINTS;
    }
    floor_ = (double)g->cfg.phat_floor * mx;
    for (k = 0; k < nu / 2 + 1; k++) { w->up[k].re = 0.0f; w->up[k].im = 0.0f; }
    for (k = 0; k < nb; k++) {
        double m = sqrt(w->acc[2 * k] * w->acc[2 * k] + w->acc[2 * k + 1] * w->acc[2 * k + 1]);
        double s = (double)U / (m > floor_ ? m : floor_); /* x U undoes the 1/(n U) of c2r */
        w->up[k].re = (float)(w->acc[2 * k] * s);
        w->up[k].im = (float)(w->acc[2 * k + 1] * s);
    }
    /* band-limited interpolation: an even n's Nyquist bin is split between +-n/2 */
    if (U > 1 && n % 2 == 0) { w->up[n / 2].re *= 0.5f; w->up[n / 2].im *= 0.5f; }
    if ((r = avloc_fft_c2r_f32(&g->inv, w->up, w->corr, w->fscr, w->fsb)) != AVLOC_OK) return r;
    for (L = -lag; L <= lag; L++) {
        double v = w->corr[L < 0 ? (size_t)((ptrdiff_t)nu + L) : (size_t)L];
        if (v > best) { best = v; bl = L; }
    }
    pk = best;
    if (g->cfg.interp == AVLOC_GCC_INTERP_PARABOLIC) {
        size_t i0 = bl < 0 ? (size_t)((ptrdiff_t)nu + bl) : (size_t)bl;
        double ym = w->corr[(i0 + nu - 1) % nu], yp = w->corr[(i0 + 1) % nu], y0 = best;
        double den = ym - 2.0 * y0 + yp;
        if (den < 0.0) {
            d = 0.5 * (ym - yp) / den;
            if (d > 0.5) d = 0.5;
            if (d < -0.5) d = -0.5;
            pk = y0 - 0.25 * (ym - yp) * d;
        }
    }
    if (delay) *delay = (float)(((double)bl + d) / (double)U);
    if (peak) *peak = (float)pk;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_gcc_frame_f32(const avloc_gcc_f32 *g, const float *left, const float *right,
                                           float *delay, float *peak, void *scratch, size_t scratch_bytes)
{
    avloc__gcc_work w;
    avloc_result r;
    if (!g || !left || !right || !delay || !peak || !scratch) return AVLOC_ERR_NULL;
    if ((r = avloc__gcc_work_init(g, scratch, scratch_bytes, &w)) != AVLOC_OK) return r;
    if (avloc__gcc_clash(g, left, right, g->cfg.frame_length, delay, peak, 1, scratch, w.used)) return AVLOC_ERR_PARAM;
    if (!avloc_all_finite_f32(left, g->cfg.frame_length) || !avloc_all_finite_f32(right, g->cfg.frame_length))
        return AVLOC_ERR_NONFINITE;
    memset(w.acc, 0, (g->cfg.n_fft / 2 + 1) * 2 * sizeof *w.acc);
    if ((r = avloc__gcc_accumulate(g, &w, left, right)) != AVLOC_OK) return r;
    return avloc__gcc_peak(g, &w, delay, peak);
}

AVLOC_API avloc_result avloc_gcc_delays_f32(const avloc_gcc_f32 *g, const float *left, const float *right,
                                            size_t n_samples, float *delays, float *peaks, size_t n_frames,
                                            void *scratch, size_t scratch_bytes)
{
    avloc__gcc_work w;
    size_t nf = 0, t;
    avloc_result r;
    if (!g || !left || !right || !scratch || (!delays && !peaks)) return AVLOC_ERR_NULL;
    if ((r = avloc__gcc_work_init(g, scratch, scratch_bytes, &w)) != AVLOC_OK) return r;
    if ((r = avloc_gcc_frames(&g->cfg, n_samples, &nf)) != AVLOC_OK) return r;
    if (n_frames != nf) return AVLOC_ERR_SIZE;
    if (avloc__gcc_clash(g, left, right, n_samples, delays, peaks, nf, scratch, w.used)) return AVLOC_ERR_PARAM;
    if (!avloc_all_finite_f32(left, n_samples) || !avloc_all_finite_f32(right, n_samples)) return AVLOC_ERR_NONFINITE;
    for (t = 0; t < nf; t++) {
        float dl = 0.0f, pk = 0.0f; /* set by avloc__gcc_peak; gcc -O1 with AVLOC_STATIC cannot see it */
        memset(w.acc, 0, (g->cfg.n_fft / 2 + 1) * 2 * sizeof *w.acc);
        if ((r = avloc__gcc_accumulate(g, &w, left + t * g->cfg.hop, right + t * g->cfg.hop)) != AVLOC_OK) return r;
        r = avloc__gcc_peak(g, &w, &dl, &pk);
        if (r < 0) return r;
        if (delays) delays[t] = dl;
        if (peaks) peaks[t] = pk;
    }
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_gcc_clip_f32(const avloc_gcc_f32 *g, const float *left, const float *right,
                                          size_t n_samples, float *delay, float *peak,
                                          void *scratch, size_t scratch_bytes)
{
    avloc__gcc_work w;
    size_t nf = 0, t;
    avloc_result r;
    if (!g || !left || !right || !delay || !peak || !scratch) return AVLOC_ERR_NULL;
    if ((r = avloc__gcc_work_init(g, scratch, scratch_bytes, &w)) != AVLOC_OK) return r;
    if ((r = avloc_gcc_frames(&g->cfg, n_samples, &nf)) != AVLOC_OK) return r;
    if (avloc__gcc_clash(g, left, right, n_samples, delay, peak, 1, scratch, w.used)) return AVLOC_ERR_PARAM;
    if (!avloc_all_finite_f32(left, n_samples) || !avloc_all_finite_f32(right, n_samples)) return AVLOC_ERR_NONFINITE;
    memset(w.acc, 0, (g->cfg.n_fft / 2 + 1) * 2 * sizeof *w.acc);
    for (t = 0; t < nf; t++)
        if ((r = avloc__gcc_accumulate(g, &w, left + t * g->cfg.hop, right + t * g->cfg.hop)) != AVLOC_OK) return r;
    return avloc__gcc_peak(g, &w, delay, peak);
}

#endif /* !AVLOC_NO_GCC_PHAT */

#ifndef AVLOC_NO_LINALG
/* ================================================================== */
/*              DCT-II / DCT-III and the path Sylvester solve         */
/* ================================================================== */

static avloc_result avloc__dct_check(const avloc_dct_config *cfg)
{
    if (!cfg) return AVLOC_ERR_NULL;
    if (cfg->n == 0 || cfg->n > AVLOC_MAX_DIM) return AVLOC_ERR_SIZE;
    return AVLOC_OK;
}

/* Scratch of one call: the reordered vector (2 (n/2 + 1) floats, so the real
   FFT can run in place), the gathered input in double (in-place calls), the
   FFT's own scratch. */
typedef struct avloc__dct_scr {
    float *v;
    double *x;
    void *fs;
} avloc__dct_scr;

static void avloc__dct_scratch_layout(avloc_arena *a, size_t n, size_t fft_scratch, avloc__dct_scr *s)
{
    s->v = AVLOC_PUSH(a, float, 2 * (n / 2 + 1));
    s->x = AVLOC_PUSH(a, double, n);
    s->fs = avloc_arena_push(a, fft_scratch, 1, AVLOC_ALIGN);
}

/* One layout for query and init: the FFT plan, then the twiddles
   e^{-i pi k / (2n)} as (cos, sin) pairs for k = 0..n-1. */
static avloc_result avloc__dct_layout(avloc_arena *a, void *obj, const void *cfgv, size_t *scratch_bytes)
{
    const avloc_dct_config *cfg = (const avloc_dct_config *)cfgv;
    avloc_dct *d = (avloc_dct *)obj;
    size_t n = cfg->n, plan_bytes = 0, fft_scratch = 0, k;
    avloc__dct_scr s;
    avloc_arena sa;
    double *tw;
    void *pm;
    avloc_result r = avloc__fft_query(n, AVLOC_FFT_REAL, &plan_bytes, &fft_scratch);
    if (r != AVLOC_OK) return r;
    pm = avloc_arena_push(a, plan_bytes, 1, AVLOC_ALIGN);
    tw = AVLOC_PUSH(a, double, 2 * n);
    if ((r = avloc_arena_status(a)) != AVLOC_OK) return r;
    avloc_arena_init(&sa, NULL, 0);
    avloc__dct_scratch_layout(&sa, n, fft_scratch, &s);
    if (avloc_arena_status(&sa) != AVLOC_OK) return AVLOC_ERR_OVERFLOW;
    *scratch_bytes = avloc_arena_needed(&sa);
    if (d) {
        if (!pm || !tw) return AVLOC_ERR_WORKSPACE;
        if ((r = avloc__fft_init_computed(&d->fft, n, AVLOC_FFT_REAL, pm, plan_bytes)) != AVLOC_OK) return r;
        for (k = 0; k < n; k++) {
            double th = AVLOC__PI * (double)k / (2.0 * (double)n);
            tw[2 * k] = cos(th);
            tw[2 * k + 1] = sin(th);
        }
        d->n = n;
        d->tw = tw;
        d->scratch_bytes = *scratch_bytes;
        d->mem = avloc__extent_of(a);
        d->ready = 1;
    }
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_dct_query(const avloc_dct_config *cfg, size_t *obj_bytes, size_t *scratch_bytes)
{
    avloc_result r = avloc__dct_check(cfg);
    if (r != AVLOC_OK) return r;
    return avloc_layout_query(avloc__dct_layout, cfg, obj_bytes, scratch_bytes);
}

AVLOC_API avloc_result avloc_dct_init(avloc_dct *d, const avloc_dct_config *cfg, void *mem, size_t bytes)
{
    avloc_result r;
    if (d) memset(d, 0, sizeof *d);
    if (!d || !mem) return AVLOC_ERR_NULL;
    if ((r = avloc__dct_check(cfg)) != AVLOC_OK) return r;
    return avloc_layout_init(avloc__dct_layout, d, sizeof *d, cfg, mem, bytes);
}

AVLOC_API void avloc_dct_destroy(avloc_dct *d)
{
    if (!d) return;
    if (d->ready) avloc_fft_destroy_f32(&d->fft);
    memset(d, 0, sizeof *d);
}

/* Checks shared by both directions; lays the scratch out. */
/* 1 if the last element of count vectors of n doubles laid out with stride
   and dist, (count-1)*dist + (n-1)*stride, and its byte offset fit size_t
   (else no buffer can hold them: the index arithmetic would wrap). */
static int avloc__dct_extent_ok(size_t count, size_t dist, size_t n, size_t stride)
{
    size_t a, b;
    return avloc_size_mul(count - 1, dist, &a) && avloc_size_mul(n - 1, stride, &b) &&
           avloc_size_add(a, b, &a) && avloc_size_add(a, 1, &a) && avloc_size_mul(a, sizeof(double), &a);
}

static avloc_result avloc__dct_call_check(const avloc_dct *d, size_t count, const double *in, size_t istride,
                                          size_t idist, double *out, size_t ostride, size_t odist,
                                          void *scratch, size_t bytes, avloc__dct_scr *s)
{
    avloc_arena a;
    memset(s, 0, sizeof *s);
    if (!d || !in || !out || !scratch) return AVLOC_ERR_NULL;
    if (!d->ready) return AVLOC_ERR_STATE;
    if (count == 0 || istride == 0 || ostride == 0) return AVLOC_ERR_SIZE;
    if (!avloc__dct_extent_ok(count, idist, d->n, istride) || !avloc__dct_extent_ok(count, odist, d->n, ostride))
        return AVLOC_ERR_OVERFLOW;
    avloc_arena_init(&a, scratch, bytes);
    avloc__dct_scratch_layout(&a, d->n, d->fft.scratch_bytes, s);
    if (avloc_arena_status(&a) != AVLOC_OK) return avloc_arena_status(&a);
    {   /* in may be out with the same layout (each vector is gathered
           before its result is written over it); any other overlap of in
           and out would write vectors not yet read. Neither the scratch. */
        const size_t ni = (count - 1) * idist + (d->n - 1) * istride + 1, no = (count - 1) * odist + (d->n - 1) * ostride + 1;
        const int in_place = (const void *)in == (const void *)out && istride == ostride && idist == odist;
        const avloc__span io[] = {avloc__span_of(in, avloc__span_bytes(1, ni, ni, sizeof *in), 0),
                                  avloc__span_of(out, avloc__span_bytes(1, no, no, sizeof *out), !in_place)};
        if (avloc__overlaps(d->mem.base, d->mem.bytes, out, io[1].bytes) ||
            avloc__overlaps(d->mem.base, d->mem.bytes, scratch, a.used))
            return AVLOC_ERR_PARAM; /* the object's memory, which out may not share with in */
        return avloc__clash_scratch(io, 2, scratch, a.used) ? AVLOC_ERR_PARAM : AVLOC_OK;
    }
}

/* Makhoul (1980): with v = (x0, x2, x4, ..., x5, x3, x1) and V = FFT(v),
   DCT-II X_k = Re(e^{-i pi k/(2n)} V_k). */
static void avloc__dct2_one(const avloc_dct *d, const avloc__dct_scr *s, const double *x, double *y, size_t ys)
{
    size_t n = d->n, j, k;
    const avloc_complex_f32 *V = (const avloc_complex_f32 *)(const void *)s->v;
    double s0 = sqrt(1.0 / (double)n), sk = sqrt(2.0 / (double)n);
    for (j = 0; 2 * j < n; j++) s->v[j] = (float)x[2 * j];
    for (j = 0; 2 * j + 1 < n; j++) s->v[n - 1 - j] = (float)x[2 * j + 1];
    avloc_fft_r2c_f32(&d->fft, s->v, (avloc_complex_f32 *)(void *)s->v, s->fs, d->fft.scratch_bytes);
    for (k = 0; k < n; k++) {
        double re, im;
        if (k <= n / 2) { re = V[k].re; im = V[k].im; }
        else { re = V[n - k].re; im = -V[n - k].im; } /* Hermitian mirror */
        y[k * ys] = (re * d->tw[2 * k] + im * d->tw[2 * k + 1]) * (k ? sk : s0);
    }
}

/* The inverse: V_k = e^{i pi k/(2n)} (X_k - i X_{n-k}) (X_n = 0), v = IFFT(V),
   then undo the reordering. */
static void avloc__dct3_one(const avloc_dct *d, const avloc__dct_scr *s, const double *X, double *y, size_t ys)
{
    size_t n = d->n, j, k;
    avloc_complex_f32 *V = (avloc_complex_f32 *)(void *)s->v;
    double s0 = sqrt((double)n), sk = sqrt((double)n / 2.0); /* 1 / the DCT-II scales */
    for (k = 0; k <= n / 2; k++) {
        double a = X[k] * (k ? sk : s0), b = k ? X[n - k] * sk : 0.0;
        double c = d->tw[2 * k], sn = d->tw[2 * k + 1];
        V[k].re = (float)(a * c + b * sn);
        V[k].im = (float)(a * sn - b * c);
    }
    avloc_fft_c2r_f32(&d->fft, V, s->v, s->fs, d->fft.scratch_bytes);
    for (j = 0; 2 * j < n; j++) y[2 * j * ys] = s->v[j];
    for (j = 0; 2 * j + 1 < n; j++) y[(2 * j + 1) * ys] = s->v[n - 1 - j];
}

static avloc_result avloc__dct_run(const avloc_dct *d, size_t count, const double *in, size_t istride,
                                   size_t idist, double *out, size_t ostride, size_t odist,
                                   void *scratch, size_t bytes, int inverse)
{
    avloc__dct_scr s;
    size_t v, i;
    avloc_result r = avloc__dct_call_check(d, count, in, istride, idist, out, ostride, odist, scratch, bytes, &s);
    if (r != AVLOC_OK) return r;
    for (v = 0; v < count; v++) {
        const double *x = in + v * idist;
        for (i = 0; i < d->n; i++) s.x[i] = x[i * istride]; /* gathered: in may be out */
        if (inverse) avloc__dct3_one(d, &s, s.x, out + v * odist, ostride);
        else avloc__dct2_one(d, &s, s.x, out + v * odist, ostride);
    }
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_dct2_f64(const avloc_dct *d, size_t count, const double *in, size_t istride,
                                      size_t idist, double *out, size_t ostride, size_t odist,
                                      void *scratch, size_t scratch_bytes)
{
    return avloc__dct_run(d, count, in, istride, idist, out, ostride, odist, scratch, scratch_bytes, 0);
}

AVLOC_API avloc_result avloc_dct3_f64(const avloc_dct *d, size_t count, const double *in, size_t istride,
                                      size_t idist, double *out, size_t ostride, size_t odist,
                                      void *scratch, size_t scratch_bytes)
{
    return avloc__dct_run(d, count, in, istride, idist, out, ostride, odist, scratch, scratch_bytes, 1);
}

/* ---- M C + beta C L = R */

static avloc_result avloc__sylp_check(const avloc_sylvester_path_config *cfg)
{
    if (!cfg) return AVLOC_ERR_NULL;
    if (cfg->k == 0 || cfg->t == 0 || cfg->k > AVLOC_MAX_DIM || cfg->t > AVLOC_MAX_DIM) return AVLOC_ERR_SIZE;
    return AVLOC_OK;
}

typedef struct avloc__sylp_scr {
    void *dct, *eig;
    size_t eig_bytes;
    double *P, *mu, *nu, *T1, *T2;
} avloc__sylp_scr;

static avloc_result avloc__sylp_scratch_layout(avloc_arena *a, size_t k, size_t t, size_t dct_scratch,
                                               avloc__sylp_scr *s)
{
    size_t kk = 0, kt = 0;
    avloc_result r;
    if ((r = avloc_eigh_tridiag_scratch_f64(k, &s->eig_bytes)) != AVLOC_OK) return r;
    if (!avloc_size_mul(k, k, &kk) || !avloc_size_mul(k, t, &kt)) return AVLOC_ERR_OVERFLOW;
    s->dct = avloc_arena_push(a, dct_scratch, 1, AVLOC_ALIGN);
    s->eig = avloc_arena_push(a, s->eig_bytes, 1, AVLOC_ALIGN);
    s->P = AVLOC_PUSH(a, double, kk);
    s->mu = AVLOC_PUSH(a, double, k);
    s->nu = AVLOC_PUSH(a, double, t);
    s->T1 = AVLOC_PUSH(a, double, kt);
    s->T2 = AVLOC_PUSH(a, double, kt);
    return avloc_arena_status(a);
}

/* The object: a DCT of length t and the t Laplacian eigenvalues. */
static avloc_result avloc__sylp_layout(avloc_arena *a, void *obj, const void *cfgv, size_t *scratch_bytes)
{
    const avloc_sylvester_path_config *cfg = (const avloc_sylvester_path_config *)cfgv;
    avloc_sylvester_path *p = (avloc_sylvester_path *)obj;
    avloc_dct_config dc;
    size_t dct_bytes = 0, dct_scratch = 0, j;
    avloc__sylp_scr s;
    avloc_arena sa;
    avloc_result r;
    void *dm;
    double *lam;
    dc.n = cfg->t;
    if ((r = avloc_dct_query(&dc, &dct_bytes, &dct_scratch)) != AVLOC_OK) return r;
    dm = avloc_arena_push(a, dct_bytes, 1, AVLOC_ALIGN);
    lam = AVLOC_PUSH(a, double, cfg->t);
    if ((r = avloc_arena_status(a)) != AVLOC_OK) return r;
    avloc_arena_init(&sa, NULL, 0);
    if ((r = avloc__sylp_scratch_layout(&sa, cfg->k, cfg->t, dct_scratch, &s)) != AVLOC_OK) return r;
    *scratch_bytes = avloc_arena_needed(&sa);
    if (p) {
        if (!dm || !lam) return AVLOC_ERR_WORKSPACE;
        if ((r = avloc_dct_init(&p->dct, &dc, dm, dct_bytes)) != AVLOC_OK) return r;
        for (j = 0; j < cfg->t; j++) lam[j] = 2.0 - 2.0 * cos(AVLOC__PI * (double)j / (double)cfg->t);
        p->k = cfg->k;
        p->t = cfg->t;
        p->lambda = lam;
        p->scratch_bytes = *scratch_bytes;
        p->mem = avloc__extent_of(a);
        p->ready = 1;
    }
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_sylvester_path_query(const avloc_sylvester_path_config *cfg, size_t *obj_bytes,
                                                  size_t *scratch_bytes)
{
    avloc_result r = avloc__sylp_check(cfg);
    if (r != AVLOC_OK) return r;
    return avloc_layout_query(avloc__sylp_layout, cfg, obj_bytes, scratch_bytes);
}

AVLOC_API avloc_result avloc_sylvester_path_init(avloc_sylvester_path *p, const avloc_sylvester_path_config *cfg,
                                                 void *mem, size_t bytes)
{
    avloc_result r;
    if (p) memset(p, 0, sizeof *p);
    if (!p || !mem) return AVLOC_ERR_NULL;
    if ((r = avloc__sylp_check(cfg)) != AVLOC_OK) return r;
    return avloc_layout_init(avloc__sylp_layout, p, sizeof *p, cfg, mem, bytes);
}

AVLOC_API void avloc_sylvester_path_destroy(avloc_sylvester_path *p)
{
    if (!p) return;
    avloc_dct_destroy(&p->dct);
    memset(p, 0, sizeof *p);
}

AVLOC_API avloc_result avloc_sylvester_path_f64(const avloc_sylvester_path *p, const double *M, size_t ldm,
                                                double beta, const double *R, size_t ldr, double *C, size_t ldc,
                                                void *scratch, size_t scratch_bytes)
{
    avloc__sylp_scr s;
    avloc_arena a;
    avloc_result r;
    size_t k, t, j, i;
    if (!p || !M || !R || !C || !scratch) return AVLOC_ERR_NULL;
    if (!p->ready) return AVLOC_ERR_STATE;
    k = p->k;
    t = p->t;
    if (ldm < k || ldr < t || ldc < t) return AVLOC_ERR_SIZE;
    if (!(beta >= 0.0) || !avloc__finite_f64(beta)) return AVLOC_ERR_PARAM;
    avloc_arena_init(&a, scratch, scratch_bytes);
    if ((r = avloc__sylp_scratch_layout(&a, k, t, p->dct.scratch_bytes, &s)) != AVLOC_OK) return r;
    {
        const avloc__span b[] = {avloc__span_of(M, avloc__span_bytes(k, k, ldm, sizeof *M), 0),
                                 avloc__span_of(R, avloc__span_bytes(k, t, ldr, sizeof *R), C == R && ldc == ldr),
                                 avloc__span_of(C == R && ldc == ldr ? NULL : C, avloc__span_bytes(k, t, ldc, sizeof *C), 1),
                                 avloc__object_span(p->mem, 0)};
        if (avloc__clash_scratch(b, 4, scratch, a.used)) return AVLOC_ERR_PARAM; /* C may equal R */
    }
    for (i = 0; i < k; i++)
        if (!avloc_all_finite_f64(R + i * ldr, t)) return AVLOC_ERR_NONFINITE;
    if ((r = avloc_eigh_tridiag_f64(k, M, ldm, s.mu, s.P, k, s.eig, s.eig_bytes)) != AVLOC_OK) return r;
    for (j = 0; j < t; j++) s.nu[j] = beta * p->lambda[j];
    /* T2 = P^T (R Dct^T): rows of R to the DCT-II basis, columns to M's */
    avloc_dct2_f64(&p->dct, k, R, 1, ldr, s.T1, 1, t, s.dct, p->dct.scratch_bytes);
    avloc_gemm_f64(1, 0, k, t, k, 1.0, s.P, k, s.T1, t, 0.0, s.T2, t, NULL, 0);
    if ((r = avloc_sylvester_diag_f64(s.T2, k, t, t, s.mu, s.nu)) != AVLOC_OK) return r;
    avloc_gemm_f64(0, 0, k, t, k, 1.0, s.P, k, s.T2, t, 0.0, s.T1, t, NULL, 0);
    return avloc_dct3_f64(&p->dct, k, s.T1, 1, t, C, 1, ldc, s.dct, p->dct.scratch_bytes);
}
#endif /* !AVLOC_NO_LINALG */

#if !defined(AVLOC_NO_ARRAY) && !defined(AVLOC_NO_MEL)
/* -------------------------------------------- microphone-array imaging */

AVLOC_API avloc_array_config avloc_array_config_default(void)
{
    avloc_array_config c;
    memset(&c, 0, sizeof c);
    c.rows = 36;
    c.cols = 48;
    c.width = 640.0f;
    c.height = 480.0f;
    c.hfov_deg = 60.0f;
    c.sample_rate = 16000.0f;
    c.sound_speed = 343.0f;
    c.frame_length = 1280;
    c.n_fft = 512;
    c.hop = 256;
    c.window = AVLOC_WINDOW_HANN;
    c.fmin = 100.0f;
    c.fmax = 6000.0f;
    c.weight = AVLOC_ARRAY_DAS;
    c.n_mels = 40;
    c.n_mfcc = 12;
    c.log_eps = 1e-10f;
    return c;
}

static int avloc__array_geometry_ok(const avloc_array_config *c, size_t n_dirs)
{
    size_t i;
    if (!avloc_all_finite_f32(c->mic_xyz, 3 * c->n_mics)) return 0;
    if (c->directions) {
        if (!avloc_all_finite_f32(c->directions, 3 * n_dirs)) return 0;
        for (i = 0; i < n_dirs; i++) {
            const float *d = c->directions + 3 * i;
            if (!((double)d[0] * d[0] + (double)d[1] * d[1] + (double)d[2] * d[2] > 1e-12)) return 0;
        }
        return 1;
    }
    return avloc__finite_pos(c->width) && avloc__finite_pos(c->height) && avloc__finite_pos(c->hfov_deg) &&
           c->hfov_deg < 180.0f;
}

/* Sizes, band and parameters; *n_dirs = rows*cols. */
static avloc_result avloc__array_check(const avloc_array_config *c, size_t *n_dirs, size_t *k0, size_t *n_band)
{
    double k0d, k1d;
    size_t k1, nx;
    if (!c || !c->mic_xyz) return AVLOC_ERR_NULL;
    if (c->n_mics == 0 || c->n_mics > 65536 || c->rows == 0 || c->cols == 0 || c->n_fft < 2 ||
        c->n_fft > AVLOC_MAX_DIM || c->frame_length < c->n_fft || c->frame_length > AVLOC_MAX_DIM || c->hop == 0 ||
        c->n_mels == 0 || c->n_mfcc == 0 || c->n_mfcc >= c->n_mels)
        return AVLOC_ERR_SIZE;
    if (!avloc_size_mul(c->rows, c->cols, n_dirs) || *n_dirs > AVLOC_MAX_DIM) return AVLOC_ERR_SIZE;
    if (!avloc_size_mul(c->frame_length, c->n_mics, &nx)) return AVLOC_ERR_SIZE; /* a block's samples */
    if (!avloc__finite_pos(c->sample_rate) || !avloc__finite_pos(c->sound_speed) || !avloc__window_valid(c->window) ||
        !avloc__finite_f32(c->fmin) || !avloc__finite_f32(c->fmax) || c->fmin < 0.0f || !(c->fmax > c->fmin) ||
        (c->weight != AVLOC_ARRAY_DAS && c->weight != AVLOC_ARRAY_PHAT) || !avloc__finite_pos(c->log_eps))
        return AVLOC_ERR_PARAM;
    k0d = ceil((double)c->fmin * (double)c->n_fft / (double)c->sample_rate);
    k1d = floor((double)c->fmax * (double)c->n_fft / (double)c->sample_rate);
    if (k1d > (double)(c->n_fft / 2)) k1d = (double)(c->n_fft / 2);
    if (!(k1d >= k0d)) return AVLOC_ERR_PARAM; /* no bin inside [fmin, fmax] */
    *k0 = (size_t)k0d;
    k1 = (size_t)k1d;
    *n_band = k1 - *k0 + 1;
    if (!avloc__array_geometry_ok(c, *n_dirs)) return AVLOC_ERR_PARAM;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_array_band(const avloc_array_config *cfg, size_t *k0, size_t *n_band)
{
    size_t nd, a, b;
    avloc_result r = avloc__array_check(cfg, &nd, &a, &b);
    if (r != AVLOC_OK) return r;
    if (!k0 || !n_band) return AVLOC_ERR_NULL;
    *k0 = a;
    *n_band = b;
    return AVLOC_OK;
}

/* Cell i's unit direction (double): given, or the pinhole ray through the
   centre of its pixel block. */
static void avloc__array_dir(const avloc_array_config *c, size_t i, double d[3])
{
    double n;
    if (c->directions) {
        d[0] = c->directions[3 * i]; d[1] = c->directions[3 * i + 1]; d[2] = c->directions[3 * i + 2];
    } else {
        const double f = 0.5 * (double)c->width / tan(0.5 * (double)c->hfov_deg * AVLOC__PI / 180.0);
        const double u = ((double)(i % c->cols) + 0.5) * (double)c->width / (double)c->cols;
        const double v = ((double)(i / c->cols) + 0.5) * (double)c->height / (double)c->rows;
        d[0] = (u - 0.5 * (double)c->width) / f;
        d[1] = (v - 0.5 * (double)c->height) / f;
        d[2] = 1.0;
    }
    n = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    d[0] /= n; d[1] /= n; d[2] /= n;
}

/* Per-call scratch: the STFT frame and spectrum, the FFT's scratch, the
   band spectra X (n_band x n_mics x n_sub complex), the accumulators of one
   lane block, the power map, a full-bin row, mel and log-mel rows, and the
   MFCC row with c0. */
typedef struct avloc__array_work {
    float *frame, *X, *acc, *power, *row, *melr, *mfc;
    avloc_complex_f32 *spec;
    void *fscr;
    size_t fsb;
    size_t used; /* scratch bytes laid out */
} avloc__array_work;

static avloc_result avloc__array_scratch(avloc_arena *a, const avloc_array_config *c, size_t n_dirs, size_t n_sub,
                                         size_t n_band, size_t fsb, avloc__array_work *w)
{
    size_t nx = 0, np = 0;
    if (!avloc_size_mul(n_band, c->n_mics, &nx) || !avloc_size_mul(nx, n_sub, &nx) || !avloc_size_mul(nx, 2, &nx) ||
        !avloc_size_mul(n_dirs, n_band, &np))
        return AVLOC_ERR_OVERFLOW;
    w->frame = AVLOC_PUSH(a, float, c->n_fft);
    w->spec = AVLOC_PUSH(a, avloc_complex_f32, c->n_fft / 2 + 1);
    w->fscr = avloc_arena_push(a, fsb, 1, AVLOC_ALIGN);
    w->X = AVLOC_PUSH(a, float, nx);
    w->acc = AVLOC_PUSH(a, float, (size_t)AVLOC_ARRAY_SEED_BINS * n_sub * 16); /* 8 lanes at most */
    w->power = AVLOC_PUSH(a, float, np);
    w->row = AVLOC_PUSH(a, float, c->n_fft / 2 + 1);
    w->melr = AVLOC_PUSH(a, float, c->n_mels);
    w->mfc = AVLOC_PUSH(a, float, c->n_mfcc + 1);
    w->fsb = fsb;
    return avloc_arena_status(a);
}

/* Steering tables: z = exp(i w1 tau) per (mic, dir), w1 = 2 pi sr/n_fft,
   seeds exp(i (k0 + b SEED) w1 tau) per block b, from double angles. */
static void avloc__array_phasors(avloc_array_f32 *a)
{
    const avloc_array_config *c = &a->cfg;
    const size_t M = c->n_mics, D = a->n_dirs;
    const double w1 = 2.0 * AVLOC__PI * (double)c->sample_rate / (double)c->n_fft;
    size_t m, d, b;
    for (d = 0; d < D; d++) {
        const float *u = a->dirs + 3 * d;
        for (m = 0; m < M; m++) {
            const float *p = c->mic_xyz + 3 * m;
            const double tau = -((double)p[0] * u[0] + (double)p[1] * u[1] + (double)p[2] * u[2]) / (double)c->sound_speed;
            const double ph = w1 * tau;
            a->zre[m * D + d] = (float)cos(ph);
            a->zim[m * D + d] = (float)sin(ph);
            for (b = 0; b < a->n_blocks; b++) {
                const double k = (double)(a->k0 + b * AVLOC_ARRAY_SEED_BINS);
                /* the angle reduced in double before the cos/sin: k ph may be large */
                const double ang = fmod(k * ph, 2.0 * AVLOC__PI);
                a->sre[(b * M + m) * D + d] = (float)cos(ang);
                a->sim[(b * M + m) * D + d] = (float)sin(ang);
            }
        }
    }
}

static avloc_result avloc__array_layout(avloc_arena *ar, avloc_array_f32 *a, const avloc_array_config *c,
                                        size_t *scratch_bytes)
{
    size_t nd = 0, k0 = 0, nb = 0, pf = 0, sf = 0, pmel = 0, pmfcc = 0, nsub, nblk, md, sd, nfilt, i;
    float *xyz, *dirs, *zre, *zim, *sre, *sim, *win;
    avloc_complex_f32 *filt = NULL;
    void *mf, *mm, *mc;
    avloc_mel_config melc = avloc_mel_config_default();
    avloc_mfcc_config mcc = avloc_mfcc_config_default();
    avloc__array_work w;
    avloc_arena sa;
    avloc_result r = avloc__array_check(c, &nd, &k0, &nb);
    if (r != AVLOC_OK) return r;
    nsub = 1 + (c->frame_length - c->n_fft) / c->hop;
    nblk = (nb + AVLOC_ARRAY_SEED_BINS - 1) / AVLOC_ARRAY_SEED_BINS;
    melc.sample_rate = c->sample_rate; melc.n_fft = c->n_fft; melc.n_mels = c->n_mels;
    melc.fmin = c->fmin; melc.fmax = c->fmax;
    melc.norm = AVLOC_MEL_NORM_SLANEY; /* a white source gives flat mel energies */
    mcc.n_mels = c->n_mels; mcc.n_mfcc = c->n_mfcc + 1;
    if ((r = avloc__fft_query(c->n_fft, AVLOC_FFT_REAL, &pf, &sf)) != AVLOC_OK) return r;
    if ((r = avloc_mel_query_f32(&melc, &pmel)) != AVLOC_OK) return r;
    if ((r = avloc_mfcc_query_f32(&mcc, &pmfcc)) != AVLOC_OK) return r;
    if (!avloc_size_mul(c->n_mics, nd, &md) || !avloc_size_mul(md, nblk, &sd) || !avloc_size_mul(c->n_mics, nb, &nfilt))
        return AVLOC_ERR_OVERFLOW;
    xyz = AVLOC_PUSH(ar, float, 3 * c->n_mics);
    if (c->filters) filt = AVLOC_PUSH(ar, avloc_complex_f32, nfilt);
    dirs = AVLOC_PUSH(ar, float, 3 * nd);
    zre = AVLOC_PUSH(ar, float, md);
    zim = AVLOC_PUSH(ar, float, md);
    sre = AVLOC_PUSH(ar, float, sd);
    sim = AVLOC_PUSH(ar, float, sd);
    win = AVLOC_PUSH(ar, float, c->n_fft);
    mf = avloc_arena_push(ar, pf, 1, AVLOC_ALIGN);
    mm = avloc_arena_push(ar, pmel, 1, AVLOC_ALIGN);
    mc = avloc_arena_push(ar, pmfcc, 1, AVLOC_ALIGN);
    if ((r = avloc_arena_status(ar)) != AVLOC_OK) return r;
    avloc_arena_init(&sa, NULL, 0);
    if (avloc__array_scratch(&sa, c, nd, nsub, nb, sf, &w) != AVLOC_OK) return AVLOC_ERR_OVERFLOW;
    *scratch_bytes = avloc_arena_needed(&sa);
    if (!a) return AVLOC_OK;
    if (!xyz || !dirs || !zre || !zim || !sre || !sim || !win || !mf || !mm || !mc || (c->filters && !filt))
        return AVLOC_ERR_WORKSPACE;
    if ((r = avloc_mel_init_f32(&a->mel, &melc, mm, pmel)) != AVLOC_OK) return r;
    if ((r = avloc_mfcc_init_f32(&a->mfcc, &mcc, mc, pmfcc)) != AVLOC_OK) return r;
    if ((r = avloc__fft_init_computed(&a->fft, c->n_fft, AVLOC_FFT_REAL, mf, pf)) != AVLOC_OK) return r;
    a->cfg = *c;
    memcpy(xyz, c->mic_xyz, 3 * c->n_mics * sizeof *xyz);
    if (filt) memcpy(filt, c->filters, nfilt * sizeof *filt);
    a->cfg.mic_xyz = xyz;
    a->cfg.filters = filt;
    for (i = 0; i < nd; i++) {
        double d[3];
        avloc__array_dir(c, i, d);
        dirs[3 * i] = (float)d[0]; dirs[3 * i + 1] = (float)d[1]; dirs[3 * i + 2] = (float)d[2];
    }
    a->cfg.directions = c->directions ? dirs : NULL;
    a->n_dirs = nd; a->n_sub = nsub; a->k0 = k0; a->n_band = nb; a->n_blocks = nblk;
    a->dirs = dirs; a->zre = zre; a->zim = zim; a->sre = sre; a->sim = sim; a->window = win;
    avloc__window_fill(c->window, 1, win, c->n_fft);
    avloc__array_phasors(a);
    a->scratch_bytes = *scratch_bytes;
    a->mem = avloc__extent_of(ar);
    return AVLOC_OK;
}

static avloc_result avloc__array_layout_fn(avloc_arena *ar, void *obj, const void *cfg, size_t *scratch_bytes)
{
    return avloc__array_layout(ar, (avloc_array_f32 *)obj, (const avloc_array_config *)cfg, scratch_bytes);
}

AVLOC_API avloc_result avloc_array_query_f32(const avloc_array_config *cfg, size_t *obj_bytes, size_t *scratch_bytes)
{
    if (!cfg) return AVLOC_ERR_NULL;
    return avloc_layout_query(avloc__array_layout_fn, cfg, obj_bytes, scratch_bytes);
}

AVLOC_API avloc_result avloc_array_init_f32(avloc_array_f32 *a, const avloc_array_config *cfg, void *mem, size_t mem_bytes)
{
    avloc_result r;
    if (a) memset(a, 0, sizeof *a);
    if (!a || !cfg || !mem) return AVLOC_ERR_NULL;
    r = avloc_layout_init(avloc__array_layout_fn, a, sizeof *a, cfg, mem, mem_bytes);
    if (r != AVLOC_OK) {
        avloc_fft_destroy_f32(&a->fft);
        memset(a, 0, sizeof *a);
    }
    return r;
}

AVLOC_API void avloc_array_destroy_f32(avloc_array_f32 *a)
{
    if (!a) return;
    avloc_fft_destroy_f32(&a->fft);
    memset(a, 0, sizeof *a);
}

AVLOC_API avloc_result avloc_array_directions_f32(const avloc_array_f32 *a, float *dirs, size_t n_dirs)
{
    if (!a || !dirs) return AVLOC_ERR_NULL;
    if (!a->dirs) return AVLOC_ERR_STATE;
    if (n_dirs != a->n_dirs) return AVLOC_ERR_SIZE;
    if (avloc__overlaps(a->mem.base, a->mem.bytes, dirs, 3 * n_dirs * sizeof *dirs)) return AVLOC_ERR_PARAM;
    memcpy(dirs, a->dirs, 3 * n_dirs * sizeof *dirs);
    return AVLOC_OK;
}

/* X[(k*M + m)*n_sub + t] (complex) = G_m(k) W X_m(k0 + k, t) for every
   microphone and sub-frame. */
static avloc_result avloc__array_spectra(const avloc_array_f32 *a, const float *x, avloc__array_work *w)
{
    const avloc_array_config *c = &a->cfg;
    const size_t M = c->n_mics, T = a->n_sub, N = c->n_fft;
    size_t m, t, j, k;
    avloc_result r;
    for (m = 0; m < M; m++)
        for (t = 0; t < T; t++) {
            const float *xs = x + t * c->hop * M + m;
            for (j = 0; j < N; j++) w->frame[j] = xs[j * M] * a->window[j];
            if ((r = avloc_fft_r2c_f32(&a->fft, w->frame, w->spec, w->fscr, w->fsb)) != AVLOC_OK) return r;
            for (k = 0; k < a->n_band; k++) {
                avloc_complex_f32 v = w->spec[a->k0 + k];
                float *o = w->X + 2 * ((k * M + m) * T + t);
                if (c->weight == AVLOC_ARRAY_PHAT) {
                    const double mag = sqrt((double)v.re * v.re + (double)v.im * v.im);
                    const float s = mag > 1e-20 ? (float)(1.0 / mag) : 0.0f;
                    v.re *= s;
                    v.im *= s;
                }
                if (c->filters) {
                    const avloc_complex_f32 g = c->filters[m * a->n_band + k];
                    o[0] = g.re * v.re - g.im * v.im;
                    o[1] = g.re * v.im + g.im * v.re;
                } else {
                    o[0] = v.re / (float)M;
                    o[1] = v.im / (float)M;
                }
            }
        }
    return AVLOC_OK;
}

/* The beamformer's view of one call, for the lane kernel and the scalar tail. */
typedef struct avloc__beam {
    size_t D, M, T, K, nblk;
    const float *zre, *zim, *sre, *sim, *X;
    float *acc, *P;
} avloc__beam;

#define AVLOC__VPASS AVLOC__VPASS_DSP_ARRAY
#define AVLOC__VFILE AVLOC_DSP_FILE
#include AVLOC_CORE_FILE /* the per-set driver */
#undef AVLOC__VFILE
#undef AVLOC__VPASS

/* One direction d, all bins: the scalar twin of avloc__vk_beam's lanes. */
static void avloc__beam_dir(const avloc__beam *g, size_t d)
{
    size_t b, m, kk, t;
    for (b = 0; b < g->nblk; b++) {
        const size_t kb = b * AVLOC_ARRAY_SEED_BINS;
        const size_t kn = g->K - kb < AVLOC_ARRAY_SEED_BINS ? g->K - kb : AVLOC_ARRAY_SEED_BINS;
        memset(g->acc, 0, kn * g->T * 2 * sizeof *g->acc);
        for (m = 0; m < g->M; m++) {
            float pr = g->sre[(b * g->M + m) * g->D + d], pi = g->sim[(b * g->M + m) * g->D + d];
            const float zr = g->zre[m * g->D + d], zi = g->zim[m * g->D + d];
            for (kk = 0; kk < kn; kk++) {
                const float *x = g->X + 2 * (((kb + kk) * g->M + m) * g->T);
                float *ac = g->acc + 2 * kk * g->T, nr;
                for (t = 0; t < g->T; t++) {
                    ac[2 * t] += pr * x[2 * t] - pi * x[2 * t + 1];
                    ac[2 * t + 1] += pr * x[2 * t + 1] + pi * x[2 * t];
                }
                nr = pr * zr - pi * zi;
                pi = pr * zi + pi * zr;
                pr = nr;
            }
        }
        for (kk = 0; kk < kn; kk++) {
            const float *ac = g->acc + 2 * kk * g->T;
            float s = 0.0f;
            for (t = 0; t < g->T; t++) s += ac[2 * t] * ac[2 * t] + ac[2 * t + 1] * ac[2 * t + 1];
            g->P[d * g->K + kb + kk] = s / (float)g->T;
        }
    }
}

/* The per-call scratch of an initialised object laid out in w. */
static avloc_result avloc__array_work_init(const avloc_array_f32 *a, void *scratch, size_t scratch_bytes,
                                           avloc__array_work *w)
{
    avloc_arena ar;
    size_t sf = 0;
    if (!a->dirs) return AVLOC_ERR_STATE;
    avloc__fft_query(a->cfg.n_fft, AVLOC_FFT_REAL, NULL, &sf);
    avloc_arena_init(&ar, scratch, scratch_bytes);
    if (avloc__array_scratch(&ar, &a->cfg, a->n_dirs, a->n_sub, a->n_band, sf, w) != AVLOC_OK) return AVLOC_ERR_WORKSPACE;
    w->used = ar.used;
    return AVLOC_OK;
}

/* img (NULL: none) is written after the run, from its scratch. */
static avloc_result avloc__array_run(const avloc_array_f32 *a, const float *x, size_t n_samples, float *power,
                                     const float *img, void *scratch, size_t scratch_bytes, avloc__array_work *w)
{
    avloc__beam g;
    size_t d;
    avloc_result r;
    if ((r = avloc__array_work_init(a, scratch, scratch_bytes, w)) != AVLOC_OK) return r;
    if (n_samples != a->cfg.frame_length) return AVLOC_ERR_SIZE;
    {
        const avloc__span b[] = {avloc__span_of(x, avloc__span_bytes(n_samples, a->cfg.n_mics, a->cfg.n_mics, sizeof *x), 0),
                                 avloc__wr_f32(power, a->n_dirs * a->n_band), avloc__wr_f32(img, a->n_dirs * a->cfg.n_mfcc),
                                 avloc__object_span(a->mem, 0)};
        if (avloc__clash_scratch(b, 4, scratch, w->used)) return AVLOC_ERR_PARAM;
    }
    if (!avloc_all_finite_f32(x, n_samples * a->cfg.n_mics)) return AVLOC_ERR_NONFINITE;
    if ((r = avloc__array_spectra(a, x, w)) != AVLOC_OK) return r;
    g.D = a->n_dirs; g.M = a->cfg.n_mics; g.T = a->n_sub; g.K = a->n_band; g.nblk = a->n_blocks;
    g.zre = a->zre; g.zim = a->zim; g.sre = a->sre; g.sim = a->sim; g.X = w->X;
    g.acc = w->acc; g.P = power ? power : w->power;
    d = AVLOC__VCALL(avloc__vk_beam, (&g), 0);
    for (; d < g.D; d++) avloc__beam_dir(&g, d);
    return avloc__finite_or_zero_f32(g.P, g.D * g.K); /* samples of huge magnitude: powers past FLT_MAX */
}

AVLOC_API avloc_result avloc_array_power_f32(const avloc_array_f32 *a, const float *x, size_t n_samples,
                                             float *power, void *scratch, size_t scratch_bytes)
{
    avloc__array_work w;
    if (!a || !x || !power || !scratch) return AVLOC_ERR_NULL;
    return avloc__array_run(a, x, n_samples, power, NULL, scratch, scratch_bytes, &w);
}

AVLOC_API avloc_result avloc_array_bands_f32(const avloc_array_f32 *a, const float *power, size_t n_bands, float *maps)
{
    size_t b, d, k;
    if (!a || !power || !maps) return AVLOC_ERR_NULL;
    if (!a->dirs) return AVLOC_ERR_STATE;
    if (n_bands == 0 || n_bands > a->n_band) return AVLOC_ERR_SIZE;
    {
        const avloc__span io[] = {avloc__rd_f32(power, a->n_dirs * a->n_band), avloc__wr_f32(maps, n_bands * a->n_dirs),
                                  avloc__object_span(a->mem, 0)};
        if (AVLOC__CLASH(io)) return AVLOC_ERR_PARAM;
    }
    for (b = 0; b < n_bands; b++) {
        /* in 64 bits: b * n_band may not fit a 32-bit size_t */
        const size_t lo = (size_t)((unsigned long long)b * a->n_band / n_bands);
        const size_t hi = (size_t)((unsigned long long)(b + 1) * a->n_band / n_bands);
        for (d = 0; d < a->n_dirs; d++) {
            double s = 0.0;
            for (k = lo; k < hi; k++) s += power[d * a->n_band + k];
            maps[b * a->n_dirs + d] = (float)s;
        }
    }
    return AVLOC_OK;
}

/* img from the power map p (n_dirs x n_band), with w's rows. */
static avloc_result avloc__array_to_mfcc(const avloc_array_f32 *a, const float *p, float *img, avloc__array_work *w)
{
    const size_t nc = a->cfg.n_mfcc;
    size_t d;
    avloc_result r;
    memset(w->row, 0, (a->cfg.n_fft / 2 + 1) * sizeof *w->row);
    for (d = 0; d < a->n_dirs; d++) {
        memcpy(w->row + a->k0, p + d * a->n_band, a->n_band * sizeof *w->row);
        if ((r = avloc_mel_apply_f32(&a->mel, w->row, 1, w->melr)) != AVLOC_OK) return r;
        if ((r = avloc_log_f32(w->melr, a->cfg.n_mels, w->melr, a->cfg.log_eps, 0)) != AVLOC_OK) return r;
        if ((r = avloc_mfcc_apply_f32(&a->mfcc, w->melr, 1, w->mfc)) != AVLOC_OK) return r;
        memcpy(img + d * nc, w->mfc + 1, nc * sizeof *img); /* c0 dropped */
    }
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_array_mfcc_f32(const avloc_array_f32 *a, const float *x, size_t n_samples,
                                            float *img, float *power, void *scratch, size_t scratch_bytes)
{
    avloc__array_work w;
    avloc_result r;
    if (!a || !x || !img || !scratch) return AVLOC_ERR_NULL;
    if (a->dirs && avloc__overlaps_f32(img, a->n_dirs * a->cfg.n_mfcc, power, a->n_dirs * a->n_band))
        return AVLOC_ERR_PARAM;
    if ((r = avloc__array_run(a, x, n_samples, power, img, scratch, scratch_bytes, &w)) != AVLOC_OK) return r;
    return avloc__array_to_mfcc(a, power ? power : w.power, img, &w);
}

AVLOC_API avloc_result avloc_array_power_to_mfcc_f32(const avloc_array_f32 *a, const float *power, float *img,
                                                     void *scratch, size_t scratch_bytes)
{
    avloc__array_work w;
    avloc_result r;
    if (!a || !power || !img || !scratch) return AVLOC_ERR_NULL;
    if ((r = avloc__array_work_init(a, scratch, scratch_bytes, &w)) != AVLOC_OK) return r;
    {
        const avloc__span io[] = {avloc__rd_f32(power, a->n_dirs * a->n_band), avloc__wr_f32(img, a->n_dirs * a->cfg.n_mfcc),
                                  avloc__object_span(a->mem, 0)};
        if (avloc__clash_scratch(io, 3, scratch, w.used)) return AVLOC_ERR_PARAM;
    }
    if (!avloc_all_finite_f32(power, a->n_dirs * a->n_band)) return AVLOC_ERR_NONFINITE;
    return avloc__array_to_mfcc(a, power, img, &w);
}

AVLOC_API avloc_result avloc_acimg_energy_query(const avloc_mfcc_f32 *m, size_t *scratch_bytes)
{
    if (!m || !scratch_bytes) return AVLOC_ERR_NULL;
    if (!m->dct) return AVLOC_ERR_STATE;
    if (m->n_mfcc < 2) return AVLOC_ERR_SIZE;
    *scratch_bytes = (m->n_mfcc + m->n_mels) * sizeof(float);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_acimg_energy_f32(const avloc_mfcc_f32 *m, const float *img, size_t n_pixels,
                                              float *energy, void *scratch, size_t scratch_bytes)
{
    size_t need = 0, i, j, nc;
    float *c, *lm;
    avloc_result r;
    if (!m || !img || !energy || !scratch) return AVLOC_ERR_NULL;
    if ((r = avloc_acimg_energy_query(m, &need)) != AVLOC_OK) return r;
    if (scratch_bytes < need) return AVLOC_ERR_WORKSPACE;
    if (n_pixels == 0) return AVLOC_ERR_SIZE;
    nc = m->n_mfcc - 1;
    if (n_pixels > SIZE_MAX / nc || !avloc_all_finite_f32(img, n_pixels * nc)) return n_pixels > SIZE_MAX / nc ? AVLOC_ERR_SIZE : AVLOC_ERR_NONFINITE;
    {
        const avloc__span io[] = {avloc__rd_f32(img, n_pixels * nc), avloc__wr_f32(energy, n_pixels),
                                  avloc__object_span(m->mem, 0)};
        if (avloc__clash_scratch(io, 3, scratch, need)) return AVLOC_ERR_PARAM;
    }
    c = (float *)scratch;
    lm = c + m->n_mfcc;
    for (i = 0; i < n_pixels; i++) {
        double s = 0.0;
        c[0] = 0.0f; /* the missing c0 */
        memcpy(c + 1, img + i * nc, nc * sizeof *c);
        if ((r = avloc_mfcc_invert_f32(m, c, 1, lm)) != AVLOC_OK) return r;
        for (j = 0; j < m->n_mels; j++) s += exp((double)lm[j]);
        energy[i] = s < HUGE_VAL ? (float)(1.0 / s) : 0.0f;
    }
    return AVLOC_OK;
}
#endif /* !AVLOC_NO_ARRAY && !AVLOC_NO_MEL */

#undef AVLOC__PI
#endif

#endif /* !AVLOC__VPASS */

/* ================================================================== */
/*        FFT vector kernels: a template, compiled once per set        */
/* ================================================================== */
/* Compiled once per SIMD set (AVLOC__VSET, avloc.h) by the pass in the
   built-in FFT above. Names go through AVLOC__FFT_T so the sets coexist; the
   complex vector ops below are the layer's, on AVLOC__VW complex values. */
#if defined(AVLOC__VSET) && AVLOC__VPASS == AVLOC__VPASS_DSP_FFT
#define AVLOC__FFT_T(name) AVLOC__VN(name)
#define avloc__v AVLOC__FFT_T(avloc__v)
#define avloc__vld AVLOC__FFT_T(avloc__vld)
#define avloc__vst AVLOC__FFT_T(avloc__vst)
#define avloc__vadd AVLOC__FFT_T(avloc__vadd)
#define avloc__vsub AVLOC__FFT_T(avloc__vsub)
#define avloc__vmul AVLOC__FFT_T(avloc__vmul)
#define avloc__vxor AVLOC__FFT_T(avloc__vxor)
#define avloc__vset1 AVLOC__FFT_T(avloc__vset1)
#define avloc__vswap AVLOC__FFT_T(avloc__vswap)
#define avloc__vmask AVLOC__FFT_T(avloc__vmask)
#define avloc__vm AVLOC__FFT_T(avloc__vm)
#define avloc__vcmul AVLOC__FFT_T(avloc__vcmul)
#define avloc__vrev AVLOC__FFT_T(avloc__vrev)
#define avloc__vfma AVLOC__FFT_T(avloc__vfma)
#define avloc__vfnma AVLOC__FFT_T(avloc__vfnma)
#define avloc__vld_split AVLOC__FFT_T(avloc__vld_split)
#define avloc__vst_split AVLOC__FFT_T(avloc__vst_split)
#define avloc__vc AVLOC__FFT_T(avloc__vc)
#define avloc__vcmk AVLOC__FFT_T(avloc__vcmk)
#define avloc__vcld AVLOC__FFT_T(avloc__vcld)
#define avloc__vcst AVLOC__FFT_T(avloc__vcst)
#define avloc__vcadd AVLOC__FFT_T(avloc__vcadd)
#define avloc__vcsub AVLOC__FFT_T(avloc__vcsub)
#define avloc__vcaddi AVLOC__FFT_T(avloc__vcaddi)
#define avloc__vcsubi AVLOC__FFT_T(avloc__vcsubi)
#define avloc__vcmulw AVLOC__FFT_T(avloc__vcmulw)
#define avloc__vcdft4 AVLOC__FFT_T(avloc__vcdft4)
#define avloc__pass2_s AVLOC__FFT_T(avloc__pass2_s)
#define avloc__pass4_s AVLOC__FFT_T(avloc__pass4_s)
#define avloc__vcdft8 AVLOC__FFT_T(avloc__vcdft8)
#define avloc__pass8_s AVLOC__FFT_T(avloc__pass8_s)
#define avloc__pass8_sb AVLOC__FFT_T(avloc__pass8_sb)
#define avloc__pass88_s AVLOC__FFT_T(avloc__pass88_s)
#define avloc__pass88_sb AVLOC__FFT_T(avloc__pass88_sb)
#define avloc__tw_split_v AVLOC__FFT_T(avloc__tw_split_v)
#define avloc__vld4t AVLOC__FFT_T(avloc__vld4t)
#define avloc__vmuli AVLOC__FFT_T(avloc__vmuli)
#define avloc__vrot AVLOC__FFT_T(avloc__vrot)
#define avloc__vdft4 AVLOC__FFT_T(avloc__vdft4)
#define avloc__vdft8 AVLOC__FFT_T(avloc__vdft8)
#define avloc__pass2_v AVLOC__FFT_T(avloc__pass2_v)
#define avloc__vst_tw AVLOC__FFT_T(avloc__vst_tw)
#define avloc__vtw AVLOC__FFT_T(avloc__vtw)
#define avloc__vfft64 AVLOC__FFT_T(avloc__vfft64)
#define avloc__vfftwr AVLOC__FFT_T(avloc__vfftwr)
#define avloc__vblock AVLOC__FFT_T(avloc__vblock)
#define avloc__vfftwr_x AVLOC__FFT_T(avloc__vfftwr_x)
#define avloc__vfftwr_st AVLOC__FFT_T(avloc__vfftwr_st)
#define avloc__fft_reg_v AVLOC__FFT_T(avloc__fft_reg_v)
#define avloc__fft_reg_rows_v AVLOC__FFT_T(avloc__fft_reg_rows_v)
#define avloc__fft_reg_r2c_v AVLOC__FFT_T(avloc__fft_reg_r2c_v)
#define avloc__vst_lanes AVLOC__FFT_T(avloc__vst_lanes)
#define avloc__vfftwr_c AVLOC__FFT_T(avloc__vfftwr_c)
#define avloc__vfftwr_r AVLOC__FFT_T(avloc__vfftwr_r)
#define avloc__vfftwr_ldr AVLOC__FFT_T(avloc__vfftwr_ldr)
#define avloc__fft_reg2_v AVLOC__FFT_T(avloc__fft_reg2_v)
#define avloc__vfftwr_cr AVLOC__FFT_T(avloc__vfftwr_cr)
#define avloc__pass4_v AVLOC__FFT_T(avloc__pass4_v)
#define avloc__pass8_v AVLOC__FFT_T(avloc__pass8_v)
#define avloc__pass4_vb AVLOC__FFT_T(avloc__pass4_vb)
#define avloc__pass8_vb AVLOC__FFT_T(avloc__pass8_vb)
#define avloc__pass3_v AVLOC__FFT_T(avloc__pass3_v)
#define avloc__pass7_v AVLOC__FFT_T(avloc__pass7_v)
#define avloc__vbfly AVLOC__FFT_T(avloc__vbfly)
#define avloc__vbfly3 AVLOC__FFT_T(avloc__vbfly3)
#define avloc__vbfly5 AVLOC__FFT_T(avloc__vbfly5)
#define avloc__vbfly7 AVLOC__FFT_T(avloc__vbfly7)
#define avloc__vbfly_p AVLOC__FFT_T(avloc__vbfly_p)
#define avloc__vbfly_pfa AVLOC__FFT_T(avloc__vbfly_pfa)
#define avloc__vbfly9 AVLOC__FFT_T(avloc__vbfly9)
#define avloc__vw9 AVLOC__FFT_T(avloc__vw9)
#define avloc__vcol AVLOC__FFT_T(avloc__vcol)
#define avloc__vbflyg AVLOC__FFT_T(avloc__vbflyg)
#define avloc__passo_col AVLOC__FFT_T(avloc__passo_col)
#define avloc__passo_row AVLOC__FFT_T(avloc__passo_row)
#define avloc__passo_v AVLOC__FFT_T(avloc__passo_v)
#define avloc__pass5_v AVLOC__FFT_T(avloc__pass5_v)
#define avloc__passg_v AVLOC__FFT_T(avloc__passg_v)
#define avloc__pass4_v1_at AVLOC__FFT_T(avloc__pass4_v1_at)
#define avloc__pass4_v1 AVLOC__FFT_T(avloc__pass4_v1)
#define avloc__pass8_v1 AVLOC__FFT_T(avloc__pass8_v1)
#define avloc__pass8_last2 AVLOC__FFT_T(avloc__pass8_last2)
#define avloc__run_pass_v AVLOC__FFT_T(avloc__run_pass_v)
#define avloc__passes_v AVLOC__FFT_T(avloc__passes_v)
#define avloc__cmul_arr_v AVLOC__FFT_T(avloc__cmul_arr_v)
#define avloc__r2c_post_v AVLOC__FFT_T(avloc__r2c_post_v)
#define avloc__c2r_pre_v AVLOC__FFT_T(avloc__c2r_pre_v)

#define AVLOC__VW (AVLOC__VF_W / 2) /* complex values per vector */
typedef avloc__vf avloc__v;
static inline avloc__v avloc__vld(const avloc__cpx *p) { return avloc__vf_ld((const float *)p); }
static inline void avloc__vst(avloc__cpx *p, avloc__v v) { avloc__vf_st((float *)p, v); }
static inline avloc__v avloc__vadd(avloc__v a, avloc__v b) { return avloc__vf_add(a, b); }
static inline avloc__v avloc__vsub(avloc__v a, avloc__v b) { return avloc__vf_sub(a, b); }
static inline avloc__v avloc__vmul(avloc__v a, avloc__v b) { return avloc__vf_mul(a, b); }
/* sign flips by an integer mask (avloc__vm: see avloc__vmask) */
typedef avloc__vi avloc__vm;
static inline avloc__v avloc__vxor(avloc__v a, avloc__vm m) { return avloc__vf_xorm(a, m); }
static inline avloc__v avloc__vset1(float x) { return avloc__vf_set1(x); }
/* (re, im) -> (im, re) in every complex lane */
static inline avloc__v avloc__vswap(avloc__v a) { return avloc__vf_cswap(a); }
/* sign mask negating the real (even) or imaginary (odd) lanes: integer bits
   all the way (gcc -ffast-math folds -0.f lanes of a float vector to +0) */
static inline avloc__vm avloc__vmask(int odd) { return avloc__vf_csign(odd); }
/* a * w (forward, m = vmask(0)) or a * conj(w) (backward, m = vmask(1)) */
static inline avloc__v avloc__vcmul(avloc__v a, avloc__v w, avloc__vm m)
{
    return avloc__vf_fmadd(a, avloc__vf_cdupre(w), avloc__vxor(avloc__vf_mul(avloc__vswap(a), avloc__vf_cdupim(w)), m));
}
/* a * b + c and c - a * b */
static inline avloc__v avloc__vfma(avloc__v a, avloc__v b, avloc__v c) { return avloc__vf_fmadd(a, b, c); }
static inline avloc__v avloc__vfnma(avloc__v a, avloc__v b, avloc__v c) { return avloc__vf_fnmadd(a, b, c); }
/* complex lanes in reverse order */
static inline avloc__v avloc__vrev(avloc__v a) { return avloc__vf_crev(a); }
/* Loads AVLOC__VW rows of 4 consecutive complex, rows rs complex apart, and
   returns the columns c[q] = (p[q], p[rs+q], ...) (a 4 x AVLOC__VW complex transpose). */
static inline void avloc__vld4t(const avloc__cpx *p, size_t rs, avloc__v *c) { avloc__vf_ld4t((const float *)p, rs, c); }
/* 2*AVLOC__VW interleaved complex at p <-> real parts, imaginary parts */
static inline void avloc__vld_split(const avloc__cpx *p, avloc__v *re, avloc__v *im)
{
    avloc__vf_cdeint(avloc__vld(p), avloc__vld(p + AVLOC__VW), re, im);
}
static inline void avloc__vst_split(avloc__cpx *p, avloc__v re, avloc__v im)
{
    avloc__v a, b;
    avloc__vf_cint(re, im, &a, &b);
    avloc__vst(p, a);
    avloc__vst(p + AVLOC__VW, b);
}

/* -i*s*x, s = +1 forward, -1 backward (mr = avloc__vmask(!bwd)) */
static inline avloc__v avloc__vrot(avloc__v x, avloc__vm mr) { return avloc__vxor(avloc__vswap(x), mr); }

/* 4-point DFT of u[0..3] in place (see avloc__dft4) */
static inline void avloc__vdft4(avloc__v *u, avloc__vm mr)
{
    avloc__v t0 = avloc__vadd(u[0], u[2]), t1 = avloc__vsub(u[0], u[2]);
    avloc__v t2 = avloc__vadd(u[1], u[3]), r = avloc__vrot(avloc__vsub(u[1], u[3]), mr);
    u[0] = avloc__vadd(t0, t2);
    u[1] = avloc__vadd(t1, r);
    u[2] = avloc__vsub(t0, t2);
    u[3] = avloc__vsub(t1, r);
}

/* 8-point DFT of x[0..7] in place (see avloc__dft8); hf = sqrt(1/2).
   Forced inline: with -march=native gcc 12 made it a call per butterfly,
   its vectors through memory (complex 4096: 1.8x FFTW's time, not 1.2x). */
AVLOC__FFT_INLINE void avloc__vdft8(avloc__v *x, avloc__vm mr, avloc__v hf)
{
    avloc__v a[4], b[4];
    a[0] = avloc__vadd(x[0], x[4]); b[0] = avloc__vsub(x[0], x[4]);
    a[1] = avloc__vadd(x[1], x[5]); b[1] = avloc__vsub(x[1], x[5]);
    a[2] = avloc__vadd(x[2], x[6]); b[2] = avloc__vsub(x[2], x[6]);
    a[3] = avloc__vadd(x[3], x[7]); b[3] = avloc__vsub(x[3], x[7]);
    b[1] = avloc__vmul(avloc__vadd(b[1], avloc__vrot(b[1], mr)), hf);
    b[2] = avloc__vrot(b[2], mr);
    b[3] = avloc__vmul(avloc__vsub(avloc__vrot(b[3], mr), b[3]), hf);
    avloc__vdft4(a, mr);
    avloc__vdft4(b, mr);
    x[0] = a[0]; x[2] = a[1]; x[4] = a[2]; x[6] = a[3];
    x[1] = b[0]; x[3] = b[1]; x[5] = b[2]; x[7] = b[3];
}

/* o = x * w (forward) or x * conj(w) (bwd), w from duplicated twiddles:
   wd -> (re, re), wd + cnt -> (-im, im) (avloc__fft_pass.twd) */
AVLOC__FFT_INLINE avloc__v avloc__vtw(avloc__v x, const avloc__cpx *wd, size_t cnt, int bwd)
{
    avloc__v p = avloc__vmul(x, avloc__vld(wd)), xs = avloc__vswap(x), wi = avloc__vld(wd + cnt);
    return bwd ? avloc__vfnma(xs, wi, p) : avloc__vfma(xs, wi, p);
}
AVLOC__FFT_INLINE void avloc__vst_tw(avloc__cpx *o, avloc__v x, const avloc__cpx *wd, size_t cnt, int bwd)
{
    avloc__vst(o, avloc__vtw(x, wd, cnt, bwd));
}

#if AVLOC__VW == 8
/* The 64-point DFT of x (x[r] lane c: element 8 r + c) in natural order,
   in registers: 8-point DFTs down the columns, twiddles W64^(c k) (kt:
   avloc__fft_reg_init), an 8 x 8 transpose, 8-point DFTs again. */
AVLOC__FFT_INLINE void avloc__vfft64(avloc__v *x, const avloc__cpx *kt, int bwd)
{
    const avloc__vm mr = avloc__vmask(!bwd);
    const avloc__v hf = avloc__vset1(0.70710678118654752f);
    size_t r;
    avloc__vdft8(x, mr, hf);
    AVLOC__FFT_UNROLL
    for (r = 1; r < 8; r++) x[r] = avloc__vtw(x[r], kt + 8 * (r - 1), 56, bwd);
    avloc__vf_ctr8(x);
    avloc__vdft8(x, mr, hf);
}
#endif



/* radix 4, ido a multiple of AVLOC__VW, twd: duplicated twiddles; bwd
   constant in each instance (avloc__pass4_v) */
AVLOC__FFT_INLINE void avloc__pass4_vb(size_t ido, size_t iv, size_t l1, const avloc__cpx *AVLOC__RESTRICT cc,
                                       avloc__cpx *AVLOC__RESTRICT ch, const avloc__cpx *tw, int bwd)
{
    const avloc__vm mr = avloc__vmask(!bwd);
    size_t k, i, st = ido * l1, cnt = 3 * ido;
    for (k = 0; k < l1; k++) {
        const avloc__cpx *c = cc + ido * 4 * k;
        avloc__cpx *h = ch + ido * k;
        for (i = 0; i < iv; i += AVLOC__VW) {
            avloc__v x[4];
            x[0] = avloc__vld(c + i); x[1] = avloc__vld(c + i + ido);
            x[2] = avloc__vld(c + i + 2 * ido); x[3] = avloc__vld(c + i + 3 * ido);
            avloc__vdft4(x, mr);
            avloc__vst(h + i, x[0]);
            avloc__vst_tw(h + i + st, x[1], tw + i, cnt, bwd);
            avloc__vst_tw(h + i + 2 * st, x[2], tw + i + ido, cnt, bwd);
            avloc__vst_tw(h + i + 3 * st, x[3], tw + i + 2 * ido, cnt, bwd);
        }
    }
}
static void avloc__pass4_v(size_t ido, size_t iv, size_t l1, const avloc__cpx *AVLOC__RESTRICT cc,
                           avloc__cpx *AVLOC__RESTRICT ch, const avloc__cpx *tw, int bwd)
{
    if (bwd) avloc__pass4_vb(ido, iv, l1, cc, ch, tw, 1);
    else avloc__pass4_vb(ido, iv, l1, cc, ch, tw, 0);
}

/* radix 8, as avloc__pass4_vb */
AVLOC__FFT_INLINE void avloc__pass8_vb(size_t ido, size_t iv, size_t l1, const avloc__cpx *AVLOC__RESTRICT cc,
                                       avloc__cpx *AVLOC__RESTRICT ch, const avloc__cpx *tw, int bwd)
{
    const avloc__vm mr = avloc__vmask(!bwd);
    const avloc__v hf = avloc__vset1(0.707106781186547524400844362105f);
    size_t k, i, st = ido * l1, cnt = 7 * ido;
    for (k = 0; k < l1; k++) {
        const avloc__cpx *c = cc + ido * 8 * k;
        avloc__cpx *h = ch + ido * k;
        for (i = 0; i < iv; i += AVLOC__VW) {
            const avloc__cpx *ci = c + i, *w = tw + i;
            avloc__cpx *o = h + i;
            avloc__v x[8];
            x[0] = avloc__vld(ci); x[1] = avloc__vld(ci + ido);
            x[2] = avloc__vld(ci + 2 * ido); x[3] = avloc__vld(ci + 3 * ido);
            x[4] = avloc__vld(ci + 4 * ido); x[5] = avloc__vld(ci + 5 * ido);
            x[6] = avloc__vld(ci + 6 * ido); x[7] = avloc__vld(ci + 7 * ido);
            avloc__vdft8(x, mr, hf);
            avloc__vst(o, x[0]);
            avloc__vst_tw(o + st, x[1], w, cnt, bwd);
            avloc__vst_tw(o + 2 * st, x[2], w + ido, cnt, bwd);
            avloc__vst_tw(o + 3 * st, x[3], w + 2 * ido, cnt, bwd);
            avloc__vst_tw(o + 4 * st, x[4], w + 3 * ido, cnt, bwd);
            avloc__vst_tw(o + 5 * st, x[5], w + 4 * ido, cnt, bwd);
            avloc__vst_tw(o + 6 * st, x[6], w + 5 * ido, cnt, bwd);
            avloc__vst_tw(o + 7 * st, x[7], w + 6 * ido, cnt, bwd);
        }
    }
}
/* ido == 8 (the radix-8 pass before the last one in 64, 256 and 1024
   points) has its own instances: constant strides fold into the addresses
   (the generic loop spends more on its address set-up than on its 2
   iterations at n = 64) */
static void avloc__pass8_v(size_t ido, size_t iv, size_t l1, const avloc__cpx *AVLOC__RESTRICT cc,
                           avloc__cpx *AVLOC__RESTRICT ch, const avloc__cpx *tw, int bwd)
{
    if (ido == 8 && iv == 8) {
        if (bwd) avloc__pass8_vb(8, 8, l1, cc, ch, tw, 1);
        else avloc__pass8_vb(8, 8, l1, cc, ch, tw, 0);
    } else if (bwd) {
        avloc__pass8_vb(ido, iv, l1, cc, ch, tw, 1);
    } else {
        avloc__pass8_vb(ido, iv, l1, cc, ch, tw, 0);
    }
}

/* i * x */
static inline avloc__v avloc__vmuli(avloc__v x) { return avloc__vxor(avloc__vswap(x), avloc__vmask(0)); }

/* ---- radix 2, 3, 5, 7 and the generic odd radix: a butterfly on x[0..ip-1]
   in place (forward s = 1, backward -1), and one driver (avloc__passo_v)
   that feeds it either along the contiguous inner index i (twiddles on the
   way out) or, in a last pass (ido == 1), across k: columns of VW
   consecutive k loaded with 4 x VW transposes, no twiddles. */

/* 3-point DFT (see avloc__pass3) */
AVLOC__FFT_INLINE void avloc__vbfly3(avloc__v *x, float s)
{
    const avloc__v twr = avloc__vset1(-0.5f), twi = avloc__vset1(-s * 0.866025403784438646763723170753f);
    avloc__v t1 = avloc__vadd(x[1], x[2]), t2 = avloc__vsub(x[1], x[2]);
    avloc__v ca = avloc__vfma(twr, t1, x[0]), cb = avloc__vmul(twi, avloc__vmuli(t2));
    x[0] = avloc__vadd(x[0], t1);
    x[1] = avloc__vadd(ca, cb);
    x[2] = avloc__vsub(ca, cb);
}

/* 5-point DFT (see avloc__pass5) */
AVLOC__FFT_INLINE void avloc__vbfly5(avloc__v *x, float s)
{
    const avloc__v w1r = avloc__vset1(0.309016994374947424102293417183f);
    const avloc__v w2r = avloc__vset1(-0.809016994374947424102293417183f);
    const avloc__v w1i = avloc__vset1(-s * 0.951056516295153572116439333379f);
    const avloc__v w2i = avloc__vset1(-s * 0.587785252292473129168705954639f);
    avloc__v t1 = avloc__vadd(x[1], x[4]), t4 = avloc__vsub(x[1], x[4]);
    avloc__v t2 = avloc__vadd(x[2], x[3]), t3 = avloc__vsub(x[2], x[3]);
    avloc__v a1 = avloc__vfma(w2r, t2, avloc__vfma(w1r, t1, x[0]));
    avloc__v a2 = avloc__vfma(w1r, t2, avloc__vfma(w2r, t1, x[0]));
    avloc__v b1 = avloc__vmuli(avloc__vfma(w2i, t3, avloc__vmul(w1i, t4)));
    avloc__v b2 = avloc__vmuli(avloc__vfnma(w1i, t3, avloc__vmul(w2i, t4)));
    x[0] = avloc__vadd(x[0], avloc__vadd(t1, t2));
    x[1] = avloc__vadd(a1, b1);
    x[4] = avloc__vsub(a1, b1);
    x[2] = avloc__vadd(a2, b2);
    x[3] = avloc__vsub(a2, b2);
}

/* 7-point DFT: with t_q = x_q + x_{7-q}, d_q = x_q - x_{7-q} (q = 1..3),
   y_j = x0 + sum_q cos(2 pi jq/7) t_q - i s sum_q sin(2 pi jq/7) d_q and
   y_{7-j} its partner with +i; jq mod 7 folds the angles onto 1, 2, 3. */
AVLOC__FFT_INLINE void avloc__vbfly7(avloc__v *x, float s)
{
    const avloc__v c1 = avloc__vset1(0.623489801858733530525004884004f);
    const avloc__v c2 = avloc__vset1(-0.222520933956314404288902564497f);
    const avloc__v c3 = avloc__vset1(-0.900968867902419126236102319507f);
    const avloc__v s1 = avloc__vset1(-s * 0.781831482468029808708444526674f);
    const avloc__v s2 = avloc__vset1(-s * 0.974927912181823607018131682994f);
    const avloc__v s3 = avloc__vset1(-s * 0.433883739117558120475768332848f);
    avloc__v t1 = avloc__vadd(x[1], x[6]), d1 = avloc__vsub(x[1], x[6]);
    avloc__v t2 = avloc__vadd(x[2], x[5]), d2 = avloc__vsub(x[2], x[5]);
    avloc__v t3 = avloc__vadd(x[3], x[4]), d3 = avloc__vsub(x[3], x[4]);
    avloc__v a1 = avloc__vfma(c3, t3, avloc__vfma(c2, t2, avloc__vfma(c1, t1, x[0])));
    avloc__v a2 = avloc__vfma(c1, t3, avloc__vfma(c3, t2, avloc__vfma(c2, t1, x[0])));
    avloc__v a3 = avloc__vfma(c2, t3, avloc__vfma(c1, t2, avloc__vfma(c3, t1, x[0])));
    avloc__v b1 = avloc__vmuli(avloc__vfma(s3, d3, avloc__vfma(s2, d2, avloc__vmul(s1, d1))));
    avloc__v b2 = avloc__vmuli(avloc__vfnma(s1, d3, avloc__vfnma(s3, d2, avloc__vmul(s2, d1))));
    avloc__v b3 = avloc__vmuli(avloc__vfma(s2, d3, avloc__vfnma(s1, d2, avloc__vmul(s3, d1))));
    x[0] = avloc__vadd(x[0], avloc__vadd(t1, avloc__vadd(t2, t3)));
    x[1] = avloc__vadd(a1, b1);
    x[6] = avloc__vsub(a1, b1);
    x[2] = avloc__vadd(a2, b2);
    x[5] = avloc__vsub(a2, b2);
    x[3] = avloc__vadd(a3, b3);
    x[4] = avloc__vsub(a3, b3);
}

/* any odd ip <= AVLOC__FFT_GMAX (see avloc__passg; cs: the ip roots) */
AVLOC__FFT_INLINE void avloc__vbflyg(size_t ip, avloc__v *x, const avloc__cpx *cs, float s)
{
    avloc__v sum[(AVLOC__FFT_GMAX + 1) / 2], dif[(AVLOC__FFT_GMAX + 1) / 2], x0 = x[0], y0 = x[0];
    size_t j, q, h = (ip - 1) / 2;
    for (q = 1; q <= h; q++) {
        sum[q] = avloc__vadd(x[q], x[ip - q]);
        dif[q] = avloc__vsub(x[q], x[ip - q]);
        y0 = avloc__vadd(y0, sum[q]);
    }
    x[0] = y0;
    for (j = 1; j <= h; j++) {
        avloc__v ar = x0, br = avloc__vset1(0.0f);
        size_t idx = 0;
        for (q = 1; q <= h; q++) {
            idx += j;
            if (idx >= ip) idx -= ip;
            ar = avloc__vfma(avloc__vset1(cs[idx].re), sum[q], ar);
            br = avloc__vfma(avloc__vset1(s * cs[idx].im), dif[q], br);
        }
        br = avloc__vmuli(br);
        x[j] = avloc__vadd(ar, br);
        x[ip - j] = avloc__vsub(ar, br);
    }
}

/* The prime butterflies and the 4-point one by radix (s = +1 forward,
   -1 backward), for the prime-factor butterfly below */
AVLOC__FFT_INLINE void avloc__vbfly_p(size_t ip, avloc__v *x, float s)
{
    avloc__v t;
    switch (ip) {
    case 2:
        t = avloc__vsub(x[0], x[1]);
        x[0] = avloc__vadd(x[0], x[1]);
        x[1] = t;
        break;
    case 3: avloc__vbfly3(x, s); break;
    case 4: avloc__vdft4(x, avloc__vmask(s > 0.0f)); break;
    case 5: avloc__vbfly5(x, s); break;
    default: avloc__vbfly7(x, s); break;
    }
}

/* x * W9^m (forward, s = 1; conjugate for s = -1), m = 1, 2 or 4 */
AVLOC__FFT_INLINE avloc__v avloc__vw9(avloc__v x, size_t m, float s)
{
    static const float c[5] = { 0, 0.766044443118978035202392650555f, 0.173648177666930348851716626769f, 0,
                                -0.939692620785908384054109277324f };
    static const float sn[5] = { 0, 0.642787609686539326322643409907f, 0.984807753012208059366743024590f, 0,
                                 0.342020143325668733044099614682f };
    return avloc__vfma(avloc__vset1(c[m]), x, avloc__vmul(avloc__vset1(-s * sn[m]), avloc__vmuli(x)));
}

/* 9-point DFT as 3 x 3: 3-point DFTs of x[a], x[a + 3], x[a + 6], the
   twiddles W9^(a k1), 3-point DFTs over a; bin k1 + 3 k2. */
AVLOC__FFT_INLINE void avloc__vbfly9(avloc__v *x, float s)
{
    avloc__v c[3][3];
    size_t a, k;
    AVLOC__FFT_UNROLL
    for (a = 0; a < 3; a++) {
        c[a][0] = x[a]; c[a][1] = x[a + 3]; c[a][2] = x[a + 6];
        avloc__vbfly3(c[a], s);
    }
    c[1][1] = avloc__vw9(c[1][1], 1, s);
    c[1][2] = avloc__vw9(c[1][2], 2, s);
    c[2][1] = avloc__vw9(c[2][1], 2, s);
    c[2][2] = avloc__vw9(c[2][2], 4, s);
    AVLOC__FFT_UNROLL
    for (k = 0; k < 3; k++) {
        avloc__v t[3];
        t[0] = c[0][k]; t[1] = c[1][k]; t[2] = c[2][k];
        avloc__vbfly3(t, s);
        x[k] = t[0]; x[k + 3] = t[1]; x[k + 6] = t[2];
    }
}

/* (r1 r2)-point DFT, r1 and r2 coprime (constants where inlined), by the
   prime-factor map, which needs no twiddles: r1-point DFTs of
   x[(r2 a + r1 b) mod r] over a, r2-point DFTs of those over b, and bin
   (k1, k2) to (c1 k1 + c2 k2) mod r with c1 = 1 mod r1, 0 mod r2 and c2
   = 0 mod r1, 1 mod r2 (the Chinese remainder map). No plan has such a
   pass; the in-register kernel (avloc__vfftwr) runs 6, 10, 12, 14 and 15
   points down its columns. */
AVLOC__FFT_INLINE void avloc__vbfly_pfa(size_t r1, size_t r2, avloc__v *x, float s)
{
    const size_t r = r1 * r2;
    avloc__v t[16], u[8];
    size_t a, b, c1 = r2, c2 = r1;
    while (c1 % r1 != 1) c1 += r2;
    while (c2 % r2 != 1) c2 += r1;
    AVLOC__FFT_UNROLL16
    for (b = 0; b < r2; b++) {
        AVLOC__FFT_UNROLL16
        for (a = 0; a < r1; a++) t[r1 * b + a] = x[(r2 * a + r1 * b) % r];
        avloc__vbfly_p(r1, t + r1 * b, s);
    }
    AVLOC__FFT_UNROLL16
    for (a = 0; a < r1; a++) {
        AVLOC__FFT_UNROLL16
        for (b = 0; b < r2; b++) u[b] = t[r1 * b + a];
        avloc__vbfly_p(r2, u, s);
        AVLOC__FFT_UNROLL16
        for (b = 0; b < r2; b++) x[(c1 * a + c2 * b) % r] = u[b];
    }
}

AVLOC__FFT_INLINE void avloc__vbfly(size_t ip, avloc__v *x, const avloc__cpx *cs, float s)
{
    if (ip <= 7 && ip != 4 && ip != 6) avloc__vbfly_p(ip, x, s);
    else if (ip == 9) avloc__vbfly9(x, s);
    else avloc__vbflyg(ip, x, cs, s);
}

#if AVLOC__VW == 2 || AVLOC__VW == 4 || AVLOC__VW == 8
/* The r-point DFT down the columns of avloc__vfftwr (r = 3 to 15; cs:
   the r-th roots, for 11 and 13) */
AVLOC__FFT_INLINE void avloc__vcol(size_t r, avloc__v *x, const avloc__cpx *cs, int bwd)
{
    const float s = bwd ? -1.0f : 1.0f;
    switch (r) {
    case 4: avloc__vdft4(x, avloc__vmask(!bwd)); break;
    case 6: avloc__vbfly_pfa(2, 3, x, s); break;
    case 8: avloc__vdft8(x, avloc__vmask(!bwd), avloc__vset1(0.70710678118654752f)); break;
    case 10: avloc__vbfly_pfa(2, 5, x, s); break;
    case 12: avloc__vbfly_pfa(4, 3, x, s); break;
    case 14: avloc__vbfly_pfa(2, 7, x, s); break;
    case 15: avloc__vbfly_pfa(3, 5, x, s); break;
    case 9: avloc__vbfly9(x, s); break;
    case 11: case 13: avloc__vbflyg(r, x, cs, s); break;
    default: avloc__vbfly_p(r, x, s); break;
    }
}

/* The first cnt complex lanes of x to p (cnt <= AVLOC__VW): the last store
   of avloc__vfftwr, which must not write past its output */
AVLOC__FFT_INLINE void avloc__vst_lanes(avloc__cpx *p, avloc__v x, size_t cnt)
{
    avloc__cpx t[AVLOC__VW];
    size_t q;
    if (cnt == AVLOC__VW) {
        avloc__vst(p, x);
        return;
    }
    avloc__vst(t, x);
    for (q = 0; q < cnt; q++) p[q] = t[q];
}

/* A block of AVLOC__VW rows transposed, then the VW-point DFTs down its
   new columns */
AVLOC__FFT_INLINE void avloc__vblock(avloc__v *x, avloc__vm mr)
{
#if AVLOC__VW == 2
    (void)mr;
    avloc__vf_ctr2(x);
    avloc__vbfly_p(2, x, 1.0f);
#elif AVLOC__VW == 4
    avloc__vf_ctr4(x);
    avloc__vdft4(x, mr);
#else
    avloc__vf_ctr8(x);
    avloc__vdft8(x, mr, avloc__vset1(0.70710678118654752f));
#endif
}

/* The (w r)-point DFT, w = AVLOC__VW (2: SSE2 and NEON, r odd; 4: AVX2;
   8: AVX-512; r a constant where inlined, see avloc__vcol) in registers:
   r rows of w (x[j] lane c: element w j + c), r-point DFTs down the columns, twiddles W_(wr)^(c k)
   (kt: avloc__fft_reg_init), the rows padded with zeros to nb blocks of w,
   each block transposed, w-point DFTs down the new columns: x[w b + q]
   lane l is then bin w b + l + r q. The stores go up in address order, so
   a vector's spare lanes (rows past r) are overwritten by the next store;
   the last one writes its valid lanes only. avloc__vfftwr_x computes in
   x (the r rows, loaded; rows r .. 15 are set here), avloc__vfftwr_st
   stores, avloc__vfftwr does both; with real (w = 2 or 4, a forward real
   transform, avloc__fft_real_whole) out gets bins 0 to w r / 2 only. */
AVLOC__FFT_INLINE void avloc__vfftwr_x(size_t r, avloc__v *x, const avloc__cpx *kt, int bwd)
{
    const size_t w = AVLOC__VW, nb = (r + w - 1) / w; /* blocks of w rows */
    const avloc__vm mr = avloc__vmask(!bwd);
    size_t j, b;
    AVLOC__FFT_UNROLL16
    for (j = r; j < w * nb; j++) x[j] = avloc__vset1(0.0f);
    avloc__vcol(r, x, kt + 2 * w * (r - 1), bwd);
    AVLOC__FFT_UNROLL16
    for (j = 1; j < r; j++) x[j] = avloc__vtw(x[j], kt + w * (j - 1), w * (r - 1), bwd);
    AVLOC__FFT_UNROLL16
    for (b = 0; b < nb; b++) avloc__vblock(x + w * b, mr);
}
/* Its stores: rows q = 0 .. nq - 1 of the output (x[w b + q] to out + r q
   + w b), the last one partial */
AVLOC__FFT_INLINE void avloc__vfftwr_st(size_t r, const avloc__v *x, avloc__cpx *out, size_t nq)
{
    const size_t w = AVLOC__VW, nb = (r + w - 1) / w, nlast = r - w * (nb - 1);
    size_t q, b;
    AVLOC__FFT_UNROLL16
    for (q = 0; q < w; q++) {
        AVLOC__FFT_UNROLL16
        for (b = 0; b < nb; b++) {
            if (q >= nq) continue;
            if (b + 1 < nb || q + 1 < nq) avloc__vst(out + r * q + w * b, x[w * b + q]);
            else avloc__vst_lanes(out + r * q + w * b, x[w * b + q], nlast);
        }
    }
}
AVLOC__FFT_INLINE void avloc__vfftwr(size_t r, avloc__v *x, avloc__cpx *out, const avloc__cpx *kt, int bwd, int real)
{
    avloc__vfftwr_x(r, x, kt, bwd);
    /* real: rows 0 .. w/2 - 1, then bin w r / 2 */
    avloc__vfftwr_st(r, x, out, real ? AVLOC__VW / 2 : AVLOC__VW);
    if (real) avloc__vst_lanes(out + AVLOC__VW / 2 * r, x[AVLOC__VW / 2], 1);
}

/* avloc__vfftwr on w r complex at in */
AVLOC__FFT_INLINE void avloc__vfftwr_c(size_t r, const avloc__cpx *in, avloc__cpx *out, const avloc__cpx *kt, int bwd)
{
    avloc__v x[16];
    size_t j;
    AVLOC__FFT_UNROLL16
    for (j = 0; j < r; j++) x[j] = avloc__vld(in + AVLOC__VW * j);
    avloc__vfftwr(r, x, out, kt, bwd, 0);
}
#endif

#if AVLOC__VW == 2 || AVLOC__VW == 4
/* The r rows of avloc__vfftwr from w r reals at in (r odd), widened in
   registers: two rows from 2 w reals, the last row from the 2 w ending in */
AVLOC__FFT_INLINE void avloc__vfftwr_ldr(size_t r, const float *in, avloc__v *x)
{
    const avloc__v z = avloc__vset1(0.0f);
    size_t j;
    AVLOC__FFT_UNROLL16
    for (j = 0; j + 1 < r; j += 2) {
        avloc__v a = avloc__vf_ld(in + AVLOC__VW * j);
        x[j] = avloc__vf_zip0(a, z);
        x[j + 1] = avloc__vf_zip1(a, z);
    }
    x[r - 1] = avloc__vf_zip1(avloc__vf_ld(in + AVLOC__VW * (r - 2)), z);
}
#endif
#if AVLOC__VW == 4
/* avloc__vfftwr forward on 4 r reals at in (r odd) */
AVLOC__FFT_INLINE void avloc__vfftwr_r(size_t r, const float *in, avloc__cpx *out, const avloc__cpx *kt)
{
    avloc__v x[16];
    avloc__vfftwr_ldr(r, in, x);
    avloc__vfftwr(r, x, out, kt, 0, 1);
}
#endif
#if AVLOC__VW == 2
/* The 128-bit sets' kernels of n = 2 r points (r odd, 3 to 15): complex
   (real = 0: n complex at in) or a forward real transform (real = 1: n
   reals at in, bins 0 to r to out). One instance per r serves both (a
   copy each read ~1 s more of clang's compile of this file). Returns n,
   or 0. */
AVLOC__FFT_INLINE void avloc__vfftwr_cr(size_t r, const void *in, avloc__cpx *out, const avloc__cpx *kt, int bwd,
                                         int real)
{
    avloc__v x[16];
    size_t j;
    if (real) avloc__vfftwr_ldr(r, (const float *)in, x);
    else { /* avloc__vfftwr_c's loop, written out: as a shared helper, gcc
              -O2 laid out this function otherwise and complex 26 and real
              22, 26 read 74-79 ns against 55-61 (session 27) */
        AVLOC__FFT_UNROLL16
        for (j = 0; j < r; j++) x[j] = avloc__vld((const avloc__cpx *)in + AVLOC__VW * j);
    }
    avloc__vfftwr(r, x, out, kt, bwd, real);
}
AVLOC__FFT_NOINLINE size_t avloc__fft_reg2_v(size_t n, const void *in, avloc__cpx *out, const avloc__cpx *kt, int bwd,
                                             int real)
{
    switch (n) {
    case 6: avloc__vfftwr_cr(3, in, out, kt, bwd, real); return 6;
    case 10: avloc__vfftwr_cr(5, in, out, kt, bwd, real); return 10;
    case 14: avloc__vfftwr_cr(7, in, out, kt, bwd, real); return 14;
    case 18: avloc__vfftwr_cr(9, in, out, kt, bwd, real); return 18;
    case 22: avloc__vfftwr_cr(11, in, out, kt, bwd, real); return 22;
    case 26: avloc__vfftwr_cr(13, in, out, kt, bwd, real); return 26;
    case 30: avloc__vfftwr_cr(15, in, out, kt, bwd, real); return 30;
    default: return 0;
    }
}
#endif

/* The in-register kernels of 9 to 15 rows (avloc__fft_reg_v): AVX2 4 r,
   AVX-512 8 r. Kept out of avloc__fft_reg_v, whose short kernels
   (12 to 32 points, 10-15 ns) read 1 ns slower with them inlined there. */
#if AVLOC__VW == 4 || AVLOC__VW == 8
AVLOC__FFT_NOINLINE size_t avloc__fft_reg_rows_v(size_t n, const avloc__cpx *in, avloc__cpx *out, const avloc__cpx *kt, int bwd)
{
    switch (n) {
#if AVLOC__VW == 8
    case 72: avloc__vfftwr_c(9, in, out, kt, bwd); return 72;
    case 80: avloc__vfftwr_c(10, in, out, kt, bwd); return 80;
    case 88: avloc__vfftwr_c(11, in, out, kt, bwd); return 88;
    case 96: avloc__vfftwr_c(12, in, out, kt, bwd); return 96;
    case 104: avloc__vfftwr_c(13, in, out, kt, bwd); return 104;
    case 112: avloc__vfftwr_c(14, in, out, kt, bwd); return 112;
    case 120: avloc__vfftwr_c(15, in, out, kt, bwd); return 120;
#elif AVLOC__VW == 4
    case 36: avloc__vfftwr_c(9, in, out, kt, bwd); return 36;
    case 40: avloc__vfftwr_c(10, in, out, kt, bwd); return 40;
    case 44: avloc__vfftwr_c(11, in, out, kt, bwd); return 44;
    case 48: avloc__vfftwr_c(12, in, out, kt, bwd); return 48;
    case 52: avloc__vfftwr_c(13, in, out, kt, bwd); return 52;
    case 56: avloc__vfftwr_c(14, in, out, kt, bwd); return 56;
    case 60: avloc__vfftwr_c(15, in, out, kt, bwd); return 60;
#endif
    default: return 0;
    }
}
#endif

/* n = 64, 128 or 8 r (8 complex per vector, r = 9 to 15), 4 r (4
   complex, r = 3 to 15) or 2 r (2 complex, r odd, 3 to 15) whole in
   registers (plans with avloc__cplan.kt): 64 as avloc__vfft64; 128 by one radix-2 step on the halves a, b (a + b and
   (a - b) W128^i), two 64-point DFTs, their outputs interleaved (even and
   odd bins); w r as avloc__vfftwr.
   Reads all of in before writing out (in == out is fine). Returns n, or 0
   for a set whose vectors do not fit n. */
static size_t avloc__fft_reg_v(size_t n, const avloc__cpx *in, avloc__cpx *out, const avloc__cpx *kt, int bwd)
{
#if AVLOC__VW == 8
    avloc__v x[8], y[8];
    size_t r;
    if (n != 64 && n != 128) return avloc__fft_reg_rows_v(n, in, out, kt, bwd);
    if (n == 64) {
        AVLOC__FFT_UNROLL
        for (r = 0; r < 8; r++) x[r] = avloc__vld(in + 8 * r);
        avloc__vfft64(x, kt, bwd);
        AVLOC__FFT_UNROLL
        for (r = 0; r < 8; r++) avloc__vst(out + 8 * r, x[r]);
        return 64;
    }
    AVLOC__FFT_UNROLL
    for (r = 0; r < 8; r++) {
        avloc__v a = avloc__vld(in + 8 * r), b = avloc__vld(in + 64 + 8 * r);
        x[r] = avloc__vadd(a, b);
        y[r] = avloc__vcmul(avloc__vsub(a, b), avloc__vld(kt + 112 + 8 * r), avloc__vmask(bwd));
    }
    avloc__vfft64(x, kt, bwd);
    avloc__vfft64(y, kt, bwd);
    AVLOC__FFT_UNROLL
    for (r = 0; r < 8; r++) {
        avloc__v lo, hi;
        avloc__vf_czip(x[r], y[r], &lo, &hi);
        avloc__vst(out + 16 * r, lo);
        avloc__vst(out + 16 * r + 8, hi);
    }
    return 128;
#elif AVLOC__VW == 4
    switch (n) {
    case 12: avloc__vfftwr_c(3, in, out, kt, bwd); return 12;
    case 16: avloc__vfftwr_c(4, in, out, kt, bwd); return 16;
    case 20: avloc__vfftwr_c(5, in, out, kt, bwd); return 20;
    case 24: avloc__vfftwr_c(6, in, out, kt, bwd); return 24;
    case 28: avloc__vfftwr_c(7, in, out, kt, bwd); return 28;
    case 32: avloc__vfftwr_c(8, in, out, kt, bwd); return 32;
    default: return avloc__fft_reg_rows_v(n, in, out, kt, bwd);
    }
#elif AVLOC__VW == 2
    return avloc__fft_reg2_v(n, in, out, kt, bwd, 0);
#else
    (void)n; (void)in; (void)out; (void)kt; (void)bwd;
    return 0;
#endif
}

/* The forward real transform of n = 4 r reals (AVX2) or 2 r reals (SSE2,
   NEON), r odd (avloc__fft_real_whole), whole in registers: bins 0 to n/2
   to out. Returns n, or 0 where the set has no such kernel. */
static size_t avloc__fft_reg_r2c_v(size_t n, const float *in, avloc__cpx *out, const avloc__cpx *kt)
{
#if AVLOC__VW == 4
    switch (n) {
    case 12: avloc__vfftwr_r(3, in, out, kt); return 12;
    case 20: avloc__vfftwr_r(5, in, out, kt); return 20;
    case 28: avloc__vfftwr_r(7, in, out, kt); return 28;
    case 36: avloc__vfftwr_r(9, in, out, kt); return 36;
    case 44: avloc__vfftwr_r(11, in, out, kt); return 44;
    case 52: avloc__vfftwr_r(13, in, out, kt); return 52;
    case 60: avloc__vfftwr_r(15, in, out, kt); return 60;
    default: return 0;
    }
#elif AVLOC__VW == 2
    return avloc__fft_reg2_v(n, in, out, kt, 0, 1);
#else
    (void)n; (void)in; (void)out; (void)kt;
    return 0;
#endif
}

/* Columns i .. i + VW - 1 of one k of a radix-ip pass with ido > 1
   (avloc__passo_v): c and o are that k's input and output. */
AVLOC__FFT_INLINE void avloc__passo_col(size_t ip, size_t ido, size_t st, const avloc__cpx *AVLOC__RESTRICT c,
                                        avloc__cpx *AVLOC__RESTRICT o, const avloc__cpx *tw, const avloc__cpx *cs,
                                        float s, avloc__vm mc, size_t i, avloc__v *x)
{
    size_t j;
    AVLOC__FFT_UNROLL
    for (j = 0; j < ip; j++) x[j] = avloc__vld(c + i + j * ido);
    avloc__vbfly(ip, x, cs, s);
    avloc__vst(o + i, x[0]);
    AVLOC__FFT_UNROLL
    for (j = 1; j < ip; j++)
        avloc__vst(o + i + j * st, avloc__vcmul(x[j], avloc__vld(tw + (j - 1) * ido + i), mc));
}

/* Rows k .. k + VW - 1 of a radix-ip pass with ido == 1 (avloc__passo_v),
   transposed in registers: c is row k's input (rows ip complex apart, read
   4 columns at a time: up to (ip + 3) / 4 * 4 - ip past the last row) and
   o its output. */
AVLOC__FFT_INLINE void avloc__passo_row(size_t ip, size_t l1, const avloc__cpx *AVLOC__RESTRICT c,
                                        avloc__cpx *AVLOC__RESTRICT o, const avloc__cpx *cs, float s, avloc__v *x)
{
    size_t j;
    AVLOC__FFT_UNROLL
    for (j = 0; j < ip; j += 4) avloc__vld4t(c + j, ip, x + j);
    avloc__vbfly(ip, x, cs, s);
    AVLOC__FFT_UNROLL
    for (j = 0; j < ip; j++) avloc__vst(o + l1 * j, x[j]);
}

/* The vector part of a radix-ip pass (ip = 2 or odd); x: room for ip
   vectors rounded up to a multiple of 4. ido > 1: returns ido when
   ido >= AVLOC__VW (the vectors cover every column), else 0; a width that
   VW does not divide ends on a vector that moves back to overlap the one
   before (writing the same values again): measured 4-22 % faster than a
   scalar tail on plans of 20-500 points, and it lets whole plans run from
   one vector driver (avloc__fft_pass_allv). ido == 1: k < the returned
   done, VW at a time, as far as the transposed loads (4 complex per row)
   stay inside the pass's ip * l1 input; from AVLOC__FFT_COPYTAIL_MIN up, a
   last group overlapping the one before runs from a copy padded for those
   loads in t (room for AVLOC__VW * ip + 4 complex), else the scalar code
   does the rest. */
AVLOC__FFT_INLINE size_t avloc__passo_v(size_t ip, size_t ido, size_t l1, const avloc__cpx *AVLOC__RESTRICT cc,
                                        avloc__cpx *AVLOC__RESTRICT ch, const avloc__cpx *tw,
                                        const avloc__cpx *cs, int bwd, avloc__v *x, avloc__cpx *t)
{
    const avloc__vm mc = avloc__vmask(bwd);
    const float s = bwd ? -1.0f : 1.0f;
    size_t k, i, j, st = ido * l1, iv = ido - ido % AVLOC__VW, cols = (ip + 3) / 4 * 4;
    if (ido == 1) {
        if (l1 < AVLOC__VW) return 0;
        for (k = 0; k + AVLOC__VW <= l1 && ip * (k + AVLOC__VW - 1) + cols <= ip * l1; k += AVLOC__VW)
            avloc__passo_row(ip, l1, cc + ip * k, ch + k, cs, s, x);
        if (k < l1 && ip >= AVLOC__FFT_COPYTAIL_MIN) {
            /* the last group (overlapping the one before), from a copy with
               room for the transposed loads' cols - ip columns past its end */
            k = l1 - AVLOC__VW;
            memcpy(t, cc + ip * k, ip * AVLOC__VW * sizeof *t);
            for (j = ip * AVLOC__VW; j < ip * (AVLOC__VW - 1) + cols; j++) t[j].re = t[j].im = 0.0f;
            avloc__passo_row(ip, l1, t, ch + k, cs, s, x);
            k = l1;
        }
        return k;
    }
    if (iv == 0) return 0;
    for (k = 0; k < l1; k++) {
        const avloc__cpx *c = cc + ido * ip * k;
        avloc__cpx *o = ch + ido * k;
        for (i = 0; i < iv; i += AVLOC__VW) avloc__passo_col(ip, ido, st, c, o, tw, cs, s, mc, i, x);
        /* the tail: one vector overlapping the last (same values again) */
        if (iv < ido) avloc__passo_col(ip, ido, st, c, o, tw, cs, s, mc, ido - AVLOC__VW, x);
    }
    return ido;
}

/* the instances: constant ip, so the butterflies unroll into registers
   (x: ip vectors rounded up to a multiple of 4) */
#define AVLOC__PASSO_CONST(fn, ip, xn)                                                         \
    static size_t fn(const avloc__fft_pass *p, const avloc__cpx *cc, avloc__cpx *ch, int bwd) \
    {                                                                                          \
        avloc__v x[xn];                                                                        \
        avloc__cpx t[AVLOC__VW * (ip) + 4];                                                    \
        return avloc__passo_v(ip, p->ido, p->l1, cc, ch, p->tw, NULL, bwd, x, t);              \
    }
AVLOC__PASSO_CONST(avloc__pass2_v, 2, 4)
AVLOC__PASSO_CONST(avloc__pass3_v, 3, 4)
AVLOC__PASSO_CONST(avloc__pass5_v, 5, 8)
AVLOC__PASSO_CONST(avloc__pass7_v, 7, 8)
#undef AVLOC__PASSO_CONST
/* the generic radices (9 takes avloc__vbfly9 in avloc__vbfly). Tried and
   not kept: instances for the constant radices 9, 11 and 13 (complex 143
   and 1331 within this VM's noise of the variable ones without unrolling,
   +30-40 % on an SSE2-only compile of this file at -Og), and GCC unroll
   pragmas on the generic butterfly's loops (complex 22, 26, 143 and 1331
   10-40 % faster, clang's compile of this file 7 -> 15 s). */
static size_t avloc__passg_v(const avloc__fft_pass *p, const avloc__cpx *cc, avloc__cpx *ch, int bwd)
{
    avloc__v x[(AVLOC__FFT_GMAX + 3) / 4 * 4];
    avloc__cpx t[AVLOC__VW * AVLOC__FFT_GMAX + 4];
    return avloc__passo_v(p->ip, p->ido, p->l1, cc, ch, p->tw, p->cs, bwd, x, t);
}

/* One vector group k .. k + VW - 1 of avloc__pass4_v1 */
AVLOC__FFT_INLINE void avloc__pass4_v1_at(size_t l1, const avloc__cpx *AVLOC__RESTRICT cc,
                                          avloc__cpx *AVLOC__RESTRICT ch, size_t k, avloc__vm mr)
{
    avloc__v x[4];
    avloc__vld4t(cc + 4 * k, 4, x);
    avloc__vdft4(x, mr);
    avloc__vst(ch + k, x[0]);
    avloc__vst(ch + k + l1, x[1]);
    avloc__vst(ch + k + 2 * l1, x[2]);
    avloc__vst(ch + k + 3 * l1, x[3]);
}

/* radix 4 with ido == 1 (the last pass, no twiddles): vectorised across k,
   the columns transposed in registers. Returns how many k were done: all
   l1 when l1 >= AVLOC__VW (a last group that would pass l1 moves back to
   overlap the one before and writes the same values again, as in
   avloc__passo_v), else 0. */
static size_t avloc__pass4_v1(size_t l1, const avloc__cpx *AVLOC__RESTRICT cc,
                              avloc__cpx *AVLOC__RESTRICT ch, int bwd)
{
    const avloc__vm mr = avloc__vmask(!bwd);
    size_t k;
    if (l1 < AVLOC__VW) return 0;
    for (k = 0; k + AVLOC__VW <= l1; k += AVLOC__VW) avloc__pass4_v1_at(l1, cc, ch, k, mr);
    /* the tail: one group overlapping the last (same values again) */
    if (k < l1) avloc__pass4_v1_at(l1, cc, ch, l1 - AVLOC__VW, mr);
    return l1;
}

/* radix 8 with ido == 1, as avloc__pass4_v1 but without the overlapping
   last group (no AVX2 plan of n <= 20000 has l1 % VW != 0 here) */
static size_t avloc__pass8_v1(size_t l1, const avloc__cpx *AVLOC__RESTRICT cc,
                              avloc__cpx *AVLOC__RESTRICT ch, int bwd)
{
    const avloc__vm mr = avloc__vmask(!bwd);
    const avloc__v hf = avloc__vset1(0.707106781186547524400844362105f);
    size_t k;
    for (k = 0; k + AVLOC__VW <= l1; k += AVLOC__VW) {
        avloc__v x[8];
        avloc__vld4t(cc + 8 * k, 8, x);
        avloc__vld4t(cc + 8 * k + 4, 8, x + 4);
        avloc__vdft8(x, mr, hf);
        avloc__vst(ch + k, x[0]);
        avloc__vst(ch + k + l1, x[1]);
        avloc__vst(ch + k + 2 * l1, x[2]);
        avloc__vst(ch + k + 3 * l1, x[3]);
        avloc__vst(ch + k + 4 * l1, x[4]);
        avloc__vst(ch + k + 5 * l1, x[5]);
        avloc__vst(ch + k + 6 * l1, x[6]);
        avloc__vst(ch + k + 7 * l1, x[7]);
    }
    return k;
}

/* The radix-8 pass with ido == 8 (l1 a multiple of 8) and the last pass
   (radix 8, ido 1, 8 l1) as one step over memory (AVX-512: ido 8 is one
   vector). Eight butterflies of the first (k = 8m .. 8m+7) give, for each j,
   the 64 values that one vector group of the last pass reads (its k' = 8g,
   g = m + j l1 / 8), so they go through t (4 KB, in L1), not through a
   32 KB buffer at n = 4096. The operations and their order are those of
   avloc__pass8_vb and avloc__pass8_v1 (the same bits). */
static void avloc__pass8_last2(size_t l1, const avloc__cpx *AVLOC__RESTRICT cc, avloc__cpx *AVLOC__RESTRICT ch,
                               const avloc__cpx *tw, int bwd)
{
    const avloc__vm mr = avloc__vmask(!bwd);
    const avloc__v hf = avloc__vset1(0.707106781186547524400844362105f);
    const size_t lb = 8 * l1; /* the last pass's l1 */
    avloc__v t[64];
    avloc__cpx *tp = (avloc__cpx *)(void *)t;
    size_t m, a, j;
    for (m = 0; m < l1 / 8; m++) {
        for (a = 0; a < 8; a++) {
            const avloc__cpx *c = cc + 64 * (8 * m + a);
            avloc__v x[8];
            AVLOC__FFT_UNROLL
            for (j = 0; j < 8; j++) x[j] = avloc__vld(c + 8 * j);
            avloc__vdft8(x, mr, hf);
            avloc__vst(tp + 8 * a, x[0]);
            AVLOC__FFT_UNROLL
            for (j = 1; j < 8; j++) avloc__vst_tw(tp + 64 * j + 8 * a, x[j], tw + 8 * (j - 1), 56, bwd);
        }
        for (j = 0; j < 8; j++) {
            avloc__cpx *o = ch + 8 * (m + l1 / 8 * j);
            avloc__v x[8];
            avloc__vld4t(tp + 64 * j, 8, x);
            avloc__vld4t(tp + 64 * j + 4, 8, x + 4);
            avloc__vdft8(x, mr, hf);
            AVLOC__FFT_UNROLL
            for (a = 0; a < 8; a++) avloc__vst(o + a * lb, x[a]);
        }
    }
}

/* ---- split passes: AVLOC__VS complex as (real parts, imaginary parts).
   A chain of split passes (avloc__fft_pass.flags) reads interleaved complex
   in its first pass and writes interleaved complex in its last; in between,
   blocks of AVLOC__VS complex hold AVLOC__VS real parts, then the imaginary
   parts (lanes in avloc__vld_split's order; the twiddles, avloc__fft_pass.tws,
   are in the same blocks). The kernels only compute forward transforms: a
   backward one is swap(forward(swap(x))) with swap(re, im) = (im, re), done
   at the chain's interleaved ends (sw). */
#define AVLOC__VS (2 * AVLOC__VW)
typedef struct avloc__vc { avloc__v r, i; } avloc__vc;

static inline avloc__vc avloc__vcld(const avloc__cpx *p, int il, int sw)
{
    avloc__vc x;
    if (!il) {
        x.r = avloc__vld(p);
        x.i = avloc__vld(p + AVLOC__VW);
    } else if (sw) {
        avloc__vld_split(p, &x.i, &x.r);
    } else {
        avloc__vld_split(p, &x.r, &x.i);
    }
    return x;
}

static inline void avloc__vcst(avloc__cpx *p, avloc__vc x, int il, int sw)
{
    if (!il) {
        avloc__vst(p, x.r);
        avloc__vst(p + AVLOC__VW, x.i);
    } else if (sw) {
        avloc__vst_split(p, x.i, x.r);
    } else {
        avloc__vst_split(p, x.r, x.i);
    }
}

static inline avloc__vc avloc__vcmk(avloc__v r, avloc__v i)
{
    avloc__vc y;
    y.r = r;
    y.i = i;
    return y;
}
static inline avloc__vc avloc__vcadd(avloc__vc a, avloc__vc b) { return avloc__vcmk(avloc__vadd(a.r, b.r), avloc__vadd(a.i, b.i)); }
static inline avloc__vc avloc__vcsub(avloc__vc a, avloc__vc b) { return avloc__vcmk(avloc__vsub(a.r, b.r), avloc__vsub(a.i, b.i)); }
/* a + i*b and a - i*b */
static inline avloc__vc avloc__vcaddi(avloc__vc a, avloc__vc b) { return avloc__vcmk(avloc__vsub(a.r, b.i), avloc__vadd(a.i, b.r)); }
static inline avloc__vc avloc__vcsubi(avloc__vc a, avloc__vc b) { return avloc__vcmk(avloc__vadd(a.r, b.i), avloc__vsub(a.i, b.r)); }

/* x * w, w from a split twiddle block at p */
static inline avloc__vc avloc__vcmulw(avloc__vc x, const avloc__cpx *p)
{
    avloc__v wr = avloc__vld(p), wi = avloc__vld(p + AVLOC__VW);
    return avloc__vcmk(avloc__vfnma(x.i, wi, avloc__vmul(x.r, wr)), avloc__vfma(x.i, wr, avloc__vmul(x.r, wi)));
}

/* forward 4-point DFT of u[0..3] in place */
static inline void avloc__vcdft4(avloc__vc *u)
{
    avloc__vc t0 = avloc__vcadd(u[0], u[2]), t1 = avloc__vcsub(u[0], u[2]);
    avloc__vc t2 = avloc__vcadd(u[1], u[3]), t3 = avloc__vcsub(u[1], u[3]);
    u[0] = avloc__vcadd(t0, t2);
    u[1] = avloc__vcsubi(t1, t3);
    u[2] = avloc__vcsub(t0, t2);
    u[3] = avloc__vcaddi(t1, t3);
}

/* Split radix-2/4 passes (ido a multiple of AVLOC__VS); ili / ilo:
   interleaved input / output, sw: swap (backward). */
static void avloc__pass2_s(size_t ido, size_t l1, const avloc__cpx *AVLOC__RESTRICT cc,
                           avloc__cpx *AVLOC__RESTRICT ch, const avloc__cpx *tws, int ili, int ilo, int sw)
{
    size_t k, i;
    for (k = 0; k < l1; k++) {
        const avloc__cpx *c0 = cc + ido * 2 * k, *c1 = c0 + ido;
        avloc__cpx *h0 = ch + ido * k, *h1 = h0 + ido * l1;
        for (i = 0; i < ido; i += AVLOC__VS) {
            avloc__vc a = avloc__vcld(c0 + i, ili, sw), b = avloc__vcld(c1 + i, ili, sw);
            avloc__vcst(h0 + i, avloc__vcadd(a, b), ilo, sw);
            avloc__vcst(h1 + i, avloc__vcmulw(avloc__vcsub(a, b), tws + i), ilo, sw);
        }
    }
}

static void avloc__pass4_s(size_t ido, size_t l1, const avloc__cpx *AVLOC__RESTRICT cc,
                           avloc__cpx *AVLOC__RESTRICT ch, const avloc__cpx *tws, int ili, int ilo, int sw)
{
    size_t k, i, st = ido * l1;
    for (k = 0; k < l1; k++) {
        const avloc__cpx *c = cc + ido * 4 * k;
        avloc__cpx *h = ch + ido * k;
        for (i = 0; i < ido; i += AVLOC__VS) {
            const avloc__cpx *ci = c + i, *w = tws + i;
            avloc__cpx *o = h + i;
            avloc__vc x[4];
            x[0] = avloc__vcld(ci, ili, sw);
            x[1] = avloc__vcld(ci + ido, ili, sw);
            x[2] = avloc__vcld(ci + 2 * ido, ili, sw);
            x[3] = avloc__vcld(ci + 3 * ido, ili, sw);
            avloc__vcdft4(x);
            avloc__vcst(o, x[0], ilo, sw);
            avloc__vcst(o + st, avloc__vcmulw(x[1], w), ilo, sw);
            avloc__vcst(o + 2 * st, avloc__vcmulw(x[2], w + ido), ilo, sw);
            avloc__vcst(o + 3 * st, avloc__vcmulw(x[3], w + 2 * ido), ilo, sw);
        }
    }
}

/* forward 8-point DFT of x[0..7] in place (as avloc__vdft8), hf = sqrt(1/2) */
AVLOC__FFT_INLINE void avloc__vcdft8(avloc__vc *x, avloc__v hf)
{
    const avloc__v nhf = avloc__vsub(avloc__vset1(0.0f), hf);
    avloc__vc a[4], b[4];
    a[0] = avloc__vcadd(x[0], x[4]); b[0] = avloc__vcsub(x[0], x[4]);
    a[1] = avloc__vcadd(x[1], x[5]); b[1] = avloc__vcsub(x[1], x[5]);
    a[2] = avloc__vcadd(x[2], x[6]); b[2] = avloc__vcsub(x[2], x[6]);
    a[3] = avloc__vcadd(x[3], x[7]); b[3] = avloc__vcsub(x[3], x[7]);
    /* b1 W8, b2 W8^2 = -i b2, b3 W8^3 (W8 = (1 - i) / sqrt 2) */
    b[1] = avloc__vcmk(avloc__vmul(avloc__vadd(b[1].r, b[1].i), hf), avloc__vmul(avloc__vsub(b[1].i, b[1].r), hf));
    b[2] = avloc__vcmk(b[2].i, avloc__vmul(b[2].r, avloc__vset1(-1.0f)));
    b[3] = avloc__vcmk(avloc__vmul(avloc__vsub(b[3].i, b[3].r), hf), avloc__vmul(avloc__vadd(b[3].r, b[3].i), nhf));
    avloc__vcdft4(a);
    avloc__vcdft4(b);
    x[0] = a[0]; x[2] = a[1]; x[4] = a[2]; x[6] = a[3];
    x[1] = b[0]; x[3] = b[1]; x[5] = b[2]; x[7] = b[3];
}

/* split radix 8 (AVX-512: its 16 vectors of data fit the 32 registers);
   ili, ilo and sw constant in each instance (avloc__pass8_s) */
AVLOC__FFT_INLINE void avloc__pass8_sb(size_t ido, size_t l1, const avloc__cpx *AVLOC__RESTRICT cc,
                                       avloc__cpx *AVLOC__RESTRICT ch, const avloc__cpx *tws, int ili, int ilo,
                                       int sw)
{
    const avloc__v hf = avloc__vset1(0.707106781186547524400844362105f);
    size_t k, i, j, st = ido * l1;
    for (k = 0; k < l1; k++) {
        const avloc__cpx *c = cc + ido * 8 * k;
        avloc__cpx *h = ch + ido * k;
        for (i = 0; i < ido; i += AVLOC__VS) {
            avloc__vc x[8];
            AVLOC__FFT_UNROLL
            for (j = 0; j < 8; j++) x[j] = avloc__vcld(c + i + j * ido, ili, sw);
            avloc__vcdft8(x, hf);
            avloc__vcst(h + i, x[0], ilo, sw);
            AVLOC__FFT_UNROLL
            for (j = 1; j < 8; j++) avloc__vcst(h + i + j * st, avloc__vcmulw(x[j], tws + i + (j - 1) * ido), ilo, sw);
        }
    }
}
/* The eight instances of a split kernel F(ili, ilo, sw), each with its
   flags constant (the loads and stores then compile without branches).
   Under AddressSanitizer one instance with the flags as variables: the same
   loads and stores at the same addresses, an eighth of the code to
   instrument (the eight AVX-512 instances of avloc__pass88_s alone took 27 s
   of clang's 100 s compile of this file at -O1 with ASan). */
#ifdef AVLOC__FFT_SAN
#define AVLOC__SPLIT_INSTANCES(F) F(ili, ilo, sw);
#else
#define AVLOC__SPLIT_INSTANCES(F)           \
    switch (ili * 4 + ilo * 2 + sw) {       \
    case 0: F(0, 0, 0); break;              \
    case 1: F(0, 0, 1); break;              \
    case 2: F(0, 1, 0); break;              \
    case 3: F(0, 1, 1); break;              \
    case 4: F(1, 0, 0); break;              \
    case 5: F(1, 0, 1); break;              \
    case 6: F(1, 1, 0); break;              \
    default: F(1, 1, 1); break;             \
    }
#endif
static void avloc__pass8_s(size_t ido, size_t l1, const avloc__cpx *AVLOC__RESTRICT cc,
                           avloc__cpx *AVLOC__RESTRICT ch, const avloc__cpx *tws, int ili, int ilo, int sw)
{
#define AVLOC__P8S(a, b, c) avloc__pass8_sb(ido, l1, cc, ch, tws, a, b, c)
    AVLOC__SPLIT_INSTANCES(AVLOC__P8S)
#undef AVLOC__P8S
}

/* Two split radix-8 passes in one (AVX-512): pass a (l1, ido, twiddles twa)
   then pass b (8 l1, ido / 8, twb), the same butterflies and twiddles in
   the same order (the same bits as the two passes). A block of 64 values
   (k, i) goes from pass a to pass b through t, 8 KB that stay in L1, so
   the arrays are read and written once instead of twice: at n = 4096 the
   two arrays (64 KB) no longer fit L1 and each pass ran at L2's rate. */
AVLOC__FFT_INLINE void avloc__pass88_sb(size_t ido, size_t l1, const avloc__cpx *AVLOC__RESTRICT cc,
                                        avloc__cpx *AVLOC__RESTRICT ch, const avloc__cpx *twa,
                                        const avloc__cpx *twb, int ili, int ilo, int sw)
{
    const avloc__v hf = avloc__vset1(0.707106781186547524400844362105f);
    const size_t idb = ido / 8, stb = idb * 8 * l1;
    size_t k, i, a, j;
    avloc__vc t[64];
    for (k = 0; k < l1; k++)
        for (i = 0; i < idb; i += AVLOC__VS) {
            for (a = 0; a < 8; a++) {
                const avloc__cpx *c = cc + i + idb * a + ido * 8 * k, *w = twa + 7 * (8 * i + AVLOC__VS * a);
                avloc__vc x[8];
                AVLOC__FFT_UNROLL
                for (j = 0; j < 8; j++) x[j] = avloc__vcld(c + j * ido, ili, sw);
                avloc__vcdft8(x, hf);
                t[a] = x[0];
                AVLOC__FFT_UNROLL
                for (j = 1; j < 8; j++) t[8 * j + a] = avloc__vcmulw(x[j], w + (j - 1) * AVLOC__VS);
            }
            for (j = 0; j < 8; j++) {
                avloc__cpx *o = ch + i + idb * (k + l1 * j);
                avloc__vc x[8];
                AVLOC__FFT_UNROLL
                for (a = 0; a < 8; a++) x[a] = t[8 * j + a];
                avloc__vcdft8(x, hf);
                avloc__vcst(o, x[0], ilo, sw);
                AVLOC__FFT_UNROLL
                for (a = 1; a < 8; a++) avloc__vcst(o + a * stb, avloc__vcmulw(x[a], twb + i + (a - 1) * idb), ilo, sw);
            }
        }
}
static void avloc__pass88_s(size_t ido, size_t l1, const avloc__cpx *AVLOC__RESTRICT cc,
                            avloc__cpx *AVLOC__RESTRICT ch, const avloc__cpx *twa, const avloc__cpx *twb, int ili,
                            int ilo, int sw)
{
#define AVLOC__P88S(a, b, c) avloc__pass88_sb(ido, l1, cc, ch, twa, twb, a, b, c)
    AVLOC__SPLIT_INSTANCES(AVLOC__P88S)
#undef AVLOC__P88S
}
#undef AVLOC__SPLIT_INSTANCES

/* A pass's twiddles (cnt, a multiple of AVLOC__VS) in split blocks: returns
   cnt, or 0 when this kernel set cannot (cnt not a multiple of its block). */
static size_t avloc__tw_split_v(const avloc__cpx *tw, avloc__cpx *tws, size_t cnt)
{
    size_t k;
    if (cnt % AVLOC__VS) return 0;
    for (k = 0; k < cnt; k += AVLOC__VS) {
        avloc__v r, i;
        avloc__vld_split(tw + k, &r, &i);
        avloc__vst(tws + k, r);
        avloc__vst(tws + k + AVLOC__VW, i);
    }
    return cnt;
}

/* The vector part of one pass: returns the inner index i up to which the
   pass is done (ido == 1, vectorised across k: the k). */
static size_t avloc__run_pass_v(const avloc__fft_pass *p, const avloc__cpx *cc, avloc__cpx *ch, int bwd)
{
    size_t ido = p->ido, iv = ido - ido % AVLOC__VW;
    if (AVLOC__VW == 8 && (p->flags & AVLOC__PASS_FUSE) && !(p->flags & AVLOC__SPLIT_ON)) {
        avloc__pass8_last2(p->l1, cc, ch, p->twd, bwd); /* p and p[1]: AVX-512 only */
        return ido;
    }
    if (AVLOC__VW == 8 && (p->flags & AVLOC__PASS_FUSE)) { /* p and p[1]: AVX-512 only */
        int ili = (p->flags & AVLOC__SPLIT_IN_IL) != 0, ilo = (p[1].flags & AVLOC__SPLIT_OUT_IL) != 0;
        avloc__pass88_s(ido, p->l1, cc, ch, p->tws, p[1].tws, ili, ilo, bwd);
        return ido;
    }
    if (p->flags) {
        int ili = (p->flags & AVLOC__SPLIT_IN_IL) != 0, ilo = (p->flags & AVLOC__SPLIT_OUT_IL) != 0;
        if (AVLOC__VW == 8 && p->ip == 8) avloc__pass8_s(ido, p->l1, cc, ch, p->tws, ili, ilo, bwd); /* AVX-512 only */
        else if (p->ip == 4) avloc__pass4_s(ido, p->l1, cc, ch, p->tws, ili, ilo, bwd);
        else avloc__pass2_s(ido, p->l1, cc, ch, p->tws, ili, ilo, bwd);
        return ido;
    }
    if (p->ip == 8 && ido == 1) return avloc__pass8_v1(p->l1, cc, ch, bwd); /* the usual last pass */
    switch (p->ip) {
    case 8:
        if (!p->twd) return 0; /* (every vector plan has them) */
        if (iv) avloc__pass8_v(ido, iv, p->l1, cc, ch, p->twd, bwd);
        return iv;
    case 4:
        if (ido == 1) return avloc__pass4_v1(p->l1, cc, ch, bwd);
        if (!p->twd) return 0;
        if (iv) avloc__pass4_v(ido, iv, p->l1, cc, ch, p->twd, bwd);
        return iv;
    case 2: return avloc__pass2_v(p, cc, ch, bwd);
    case 3: return avloc__pass3_v(p, cc, ch, bwd);
    case 5: return avloc__pass5_v(p, cc, ch, bwd);
    case 7: return avloc__pass7_v(p, cc, ch, bwd);
    default: return avloc__passg_v(p, cc, ch, bwd);
    }
}

/* All passes of a plan whose passes the vector kernels do whole
   (avloc__cplan.allv), src -> out through b0 and b1 as in avloc__cfft_exec
   (avloc__fft_step_dst). Returns the pass count. */
static size_t avloc__passes_v(const avloc__cplan *cp, const avloc__cpx *src, avloc__cpx *b0, avloc__cpx *b1,
                              avloc__cpx *out, int bwd)
{
    size_t k, s;
    for (k = s = 0; k < cp->npass; k += avloc__fft_span(&cp->pass[k]), s++) {
        avloc__cpx *dst = avloc__fft_step_dst(s, cp->nstep, b0, b1, out);
        avloc__run_pass_v(&cp->pass[k], src, dst, bwd);
        src = dst;
    }
    return k;
}

/* out[k] = x[k] * w[k] (conj(w[k]) when bwd) for the first k returned. */
static size_t avloc__cmul_arr_v(const avloc__cpx *x, const avloc__cpx *w, avloc__cpx *out, size_t cnt, int bwd)
{
    const avloc__vm mc = avloc__vmask(bwd);
    size_t k = 0;
    for (; k + AVLOC__VW <= cnt; k += AVLOC__VW)
        avloc__vst(out + k, avloc__vcmul(avloc__vld(x + k), avloc__vld(w + k), mc));
    return k;
}

/* avloc__r2c_post for k = 1 .. returned value (pairs k, m-k). Vectors of
   pairs k .. k+VW-1 <= m/2: their mirror m-k-VW+1 .. m-k is then >= m/2, so
   the two meet at most in k = m/2, which both stores write, the second as
   the scalar code does (until 2026-12-03 that last vector ran scalar: real
   16 did all its pairs there). */
static size_t avloc__r2c_post_v(avloc__cpx *z, size_t m, const avloc__cpx *rtw)
{
    size_t k = 1, h = m / 2;
    {
        const avloc__v half = avloc__vset1(0.5f);
        const avloc__vm mc = avloc__vmask(0), mr = avloc__vmask(1), conj = avloc__vmask(1);
        for (; k + AVLOC__VW <= h + 1; k += AVLOC__VW) {
            avloc__v a = avloc__vld(z + k);
            avloc__v b = avloc__vxor(avloc__vrev(avloc__vld(z + m - k - (AVLOC__VW - 1))), conj);
            avloc__v e = avloc__vmul(avloc__vadd(a, b), half), o = avloc__vmul(avloc__vsub(a, b), half);
            avloc__v t = avloc__vxor(avloc__vswap(avloc__vcmul(o, avloc__vld(rtw + k), mc)), mr);
            avloc__vst(z + k, avloc__vadd(e, t));
            avloc__vst(z + m - k - (AVLOC__VW - 1), avloc__vrev(avloc__vxor(avloc__vsub(e, t), conj)));
        }
    }
    return k - 1;
}

/* avloc__c2r_pre for k = 1 .. returned value (pairs k, m-k), sc = 1/n;
   vectors as in avloc__r2c_post_v. */
static size_t avloc__c2r_pre_v(const avloc__cpx *x, avloc__cpx *z, size_t m, const avloc__cpx *rtw, float sc)
{
    size_t k = 1, h = m / 2;
    {
        const avloc__v vs = avloc__vset1(sc);
        const avloc__vm mc = avloc__vmask(1), mr = avloc__vmask(0), conj = avloc__vmask(1);
        for (; k + AVLOC__VW <= h + 1; k += AVLOC__VW) {
            avloc__v a = avloc__vld(x + k);
            avloc__v b = avloc__vxor(avloc__vrev(avloc__vld(x + m - k - (AVLOC__VW - 1))), conj);
            avloc__v e = avloc__vmul(avloc__vadd(a, b), vs), t = avloc__vmul(avloc__vsub(a, b), vs);
            /* i * conj(W) * T */
            avloc__v o = avloc__vxor(avloc__vswap(avloc__vcmul(t, avloc__vld(rtw + k), mc)), mr);
            avloc__vst(z + k, avloc__vadd(e, o));
            avloc__vst(z + m - k - (AVLOC__VW - 1), avloc__vrev(avloc__vxor(avloc__vsub(e, o), conj)));
        }
    }
    return k - 1;
}

#undef AVLOC__VW
#undef AVLOC__VS
#undef avloc__v
#undef avloc__vld
#undef avloc__vst
#undef avloc__vadd
#undef avloc__vsub
#undef avloc__vmul
#undef avloc__vxor
#undef avloc__vset1
#undef avloc__vswap
#undef avloc__vmask
#undef avloc__vm
#undef avloc__vcmul
#undef avloc__vrev
#undef avloc__vfma
#undef avloc__vfnma
#undef avloc__vld_split
#undef avloc__vst_split
#undef avloc__vc
#undef avloc__vcmk
#undef avloc__vcld
#undef avloc__vcst
#undef avloc__vcadd
#undef avloc__vcsub
#undef avloc__vcaddi
#undef avloc__vcsubi
#undef avloc__vcmulw
#undef avloc__vcdft4
#undef avloc__pass2_s
#undef avloc__pass4_s
#undef avloc__vcdft8
#undef avloc__pass8_s
#undef avloc__pass8_sb
#undef avloc__pass88_s
#undef avloc__pass88_sb
#undef avloc__tw_split_v
#undef avloc__vld4t
#undef avloc__vmuli
#undef avloc__vrot
#undef avloc__vdft4
#undef avloc__vdft8
#undef avloc__pass2_v
#undef avloc__vst_tw
#undef avloc__pass4_v
#undef avloc__pass8_v
#undef avloc__pass4_vb
#undef avloc__pass8_vb
#undef avloc__pass3_v
#undef avloc__pass7_v
#undef avloc__vbfly
#undef avloc__vbfly3
#undef avloc__vbfly5
#undef avloc__vbfly7
#undef avloc__vbfly_p
#undef avloc__vbfly_pfa
#undef avloc__vbfly9
#undef avloc__vw9
#undef avloc__vcol
#undef avloc__vbflyg
#undef avloc__passo_col
#undef avloc__passo_row
#undef avloc__passo_v
#undef avloc__pass5_v
#undef avloc__passg_v
#undef avloc__pass4_v1_at
#undef avloc__pass4_v1
#undef avloc__pass8_v1
#undef avloc__pass8_last2
#undef avloc__run_pass_v
#undef avloc__passes_v
#undef avloc__vtw
#undef avloc__vfft64
#undef avloc__vfftwr
#undef avloc__vblock
#undef avloc__vfftwr_x
#undef avloc__vfftwr_st
#undef avloc__fft_reg_v
#undef avloc__fft_reg_rows_v
#undef avloc__fft_reg_r2c_v
#undef avloc__vst_lanes
#undef avloc__vfftwr_c
#undef avloc__vfftwr_r
#undef avloc__vfftwr_ldr
#undef avloc__fft_reg2_v
#undef avloc__vfftwr_cr
#undef avloc__cmul_arr_v
#undef avloc__r2c_post_v
#undef avloc__c2r_pre_v
#undef AVLOC__FFT_T
#endif /* FFT kernel pass */

/* ================================================================== */
/*      feature vector kernels: a template, compiled once per set      */
/* ================================================================== */
/* Compiled by the pass at the start of the features implementation, once
   per SIMD set (avloc.h). Each does the vector part of its loop and returns
   how far it got. */
#if defined(AVLOC__VSET) && AVLOC__VPASS == AVLOC__VPASS_DSP_FEAT

/* out[j] = a[j] * b[j] (the STFT window) */
static size_t AVLOC__VN(avloc__vk_mul)(const float *a, const float *b, float *out, size_t n)
{
    size_t j = 0;
    for (; j + AVLOC__VF_W <= n; j += AVLOC__VF_W)
        avloc__vf_st(out + j, avloc__vf_mul(avloc__vf_ld(a + j), avloc__vf_ld(b + j)));
    return j;
}

/* out[k] = re^2 + im^2 of the interleaved complex f[2k], f[2k+1] */
static size_t AVLOC__VN(avloc__vk_power2)(const float *f, float *out, size_t n)
{
    size_t k = 0;
    for (; k + AVLOC__VF_W <= n; k += AVLOC__VF_W) {
        avloc__vf a = avloc__vf_ld(f + 2 * k), b = avloc__vf_ld(f + 2 * k + AVLOC__VF_W);
        a = avloc__vf_mul(a, a);
        b = avloc__vf_mul(b, b);
        avloc__vf_st(out + k, avloc__vf_add(avloc__vf_uzp0(a, b), avloc__vf_uzp1(a, b)));
    }
    return k;
}

#ifndef AVLOC_NO_MEL
/* *sum = sum of a[k] b[k] over the k done (lane sums, then across lanes:
   one accumulator per lane, so it is not add-latency bound) */
static size_t AVLOC__VN(avloc__vk_dot)(const float *a, const float *b, size_t n, float *sum)
{
    avloc__vf acc = avloc__vf_zero();
    size_t k = 0;
    for (; k + AVLOC__VF_W <= n; k += AVLOC__VF_W) acc = avloc__vf_fmadd(avloc__vf_ld(a + k), avloc__vf_ld(b + k), acc);
    *sum = avloc__vf_hsum(acc);
    return k;
}
#endif

/* atanh series of avloc__log2f, stopped at s^5: |s| <= 0.1716 after the
   mantissa reduction, so the first omitted term, 2/ln2 s^7/7, is < 2e-6 in
   log2 (< 6e-6 dB). Returns e + log2 of the mantissa ratio (ma/mb, both in
   [1, 2) and within sqrt2 of each other) from s = (ma - mb) / (ma + mb). */
static inline avloc__vf AVLOC__VN(avloc__vk_log2s)(avloc__vf s, avloc__vf e)
{
    const avloc__vf s2 = avloc__vf_mul(s, s);
    avloc__vf p = avloc__vf_fmadd(s2, avloc__vf_set1(0.577078016f), avloc__vf_set1(0.961796694f));
    p = avloc__vf_fmadd(s2, p, avloc__vf_set1(2.88539008f));
    return avloc__vf_fmadd(s, p, e);
}

/* avloc__log2f on normal positive floats */
static inline avloc__vf AVLOC__VN(avloc__vk_log2)(avloc__vf x)
{
    const avloc__vf one = avloc__vf_set1(1.0f);
    const avloc__vi u = avloc__vf_asvi(x);
    const avloc__vi e = avloc__vi_sub(avloc__vi_srl(u, 23), avloc__vi_set1(127)); /* sign bit is 0 */
    avloc__vf m = avloc__vi_asvf(avloc__vi_or(avloc__vi_and(u, avloc__vi_set1(0x007fffff)), avloc__vi_set1(0x3f800000)));
    const avloc__vf big = avloc__vf_cmpgt(m, avloc__vf_set1(1.41421356f));
    const avloc__vf ef = avloc__vf_add(avloc__vi_tovf(e), avloc__vf_and(big, one));
    m = avloc__vf_sel(big, avloc__vf_mul(m, avloc__vf_set1(0.5f)), m);
    return AVLOC__VN(avloc__vk_log2s)(avloc__vf_div(avloc__vf_sub(m, one), avloc__vf_add(m, one)), ef);
}

/* out[i] = k log2(max(x[i], amin)) - off (avloc_db_f32; x finite and amin
   normal, so max is the clamp) */
static size_t AVLOC__VN(avloc__vk_db)(const float *x, float *out, size_t n, float k, float off, float amin)
{
    const avloc__vf vk = avloc__vf_set1(k), voff = avloc__vf_set1(off), vamin = avloc__vf_set1(amin);
    size_t i = 0;
    for (; i + AVLOC__VF_W <= n; i += AVLOC__VF_W) {
        avloc__vf v = avloc__vf_max(avloc__vf_ld(x + i), vamin);
        avloc__vf_st(out + i, avloc__vf_sub(avloc__vf_mul(vk, AVLOC__VN(avloc__vk_log2)(v)), voff));
    }
    return i;
}

#ifndef AVLOC_NO_BINAURAL
/* avloc__bin_fast on AVLOC__VF_W points (L, R: interleaved complex); *pmax
   gets the largest power; returns the mask of the lanes that need
   avloc__bin_exact. 1/sqrt and 1/x come from the estimates plus one Newton
   step (about 2e-7 relative, well inside the features' 1e-4 budget, and no
   division: divisions and square roots were half the feature time); log2 of
   the power ratio as avloc__log2_ratio, without forming the ratio. */
static int AVLOC__VN(avloc__vk_bin)(const float *L, const float *R, float *ild, float *cs, float *sn, float *pw,
                                    avloc__vf *pmax)
{
    const avloc__vf l0 = avloc__vf_ld(L), l1 = avloc__vf_ld(L + AVLOC__VF_W);
    const avloc__vf r0 = avloc__vf_ld(R), r1 = avloc__vf_ld(R + AVLOC__VF_W);
    const avloc__vf lre = avloc__vf_uzp0(l0, l1), lim = avloc__vf_uzp1(l0, l1);
    const avloc__vf rre = avloc__vf_uzp0(r0, r1), rim = avloc__vf_uzp1(r0, r1);
    const avloc__vf one = avloc__vf_set1(1.0f), eps = avloc__vf_set1(1e-20f), r2 = avloc__vf_set1(1.41421356f);
    const avloc__vi mmask = avloc__vi_set1(0x007fffff), mone = avloc__vi_set1(0x3f800000);
    const avloc__vf pl = avloc__vf_fmadd(lre, lre, avloc__vf_mul(lim, lim));
    const avloc__vf pr = avloc__vf_fmadd(rre, rre, avloc__vf_mul(rim, rim));
    const avloc__vf psum = avloc__vf_add(pl, pr);
    avloc__vf prod = avloc__vf_mul(pl, pr);
    const avloc__vf ok = avloc__vf_and(avloc__vf_cmpge(prod, avloc__vf_set1(1e-30f)), avloc__vf_cmple(prod, avloc__vf_set1(1e30f)));
    avloc__vf y, inv, ma, mb, upa, upb, ef, den, rc;
    avloc__vi ua, ub;
    prod = avloc__vf_sel(ok, prod, one); /* keep bad lanes finite */
    y = avloc__vf_rsqrt(prod);
    inv = avloc__vf_mul(avloc__vf_mul(avloc__vf_set1(0.5f), y), avloc__vf_fnmadd(avloc__vf_mul(prod, y), y, avloc__vf_set1(3.0f)));
    avloc__vf_st(cs, avloc__vf_mul(avloc__vf_fmadd(rre, lre, avloc__vf_mul(rim, lim)), inv));
    avloc__vf_st(sn, avloc__vf_mul(avloc__vf_fmsub(rim, lre, avloc__vf_mul(rre, lim)), inv));
    avloc__vf_st(pw, psum);
    *pmax = avloc__vf_max(*pmax, psum);
    ua = avloc__vf_asvi(avloc__vf_add(pr, eps));
    ub = avloc__vf_asvi(avloc__vf_add(pl, eps));
    ef = avloc__vi_tovf(avloc__vi_sub(avloc__vi_srl(ua, 23), avloc__vi_srl(ub, 23))); /* sign bits are 0 */
    ma = avloc__vi_asvf(avloc__vi_or(avloc__vi_and(ua, mmask), mone));
    mb = avloc__vi_asvf(avloc__vi_or(avloc__vi_and(ub, mmask), mone));
    upa = avloc__vf_cmpgt(ma, avloc__vf_mul(r2, mb)); /* ma/mb > sqrt2: mb *= 2 */
    upb = avloc__vf_cmpgt(mb, avloc__vf_mul(r2, ma)); /* mb/ma > sqrt2: ma *= 2 */
    mb = avloc__vf_add(mb, avloc__vf_and(upa, mb));
    ma = avloc__vf_add(ma, avloc__vf_and(upb, ma));
    ef = avloc__vf_add(ef, avloc__vf_sub(avloc__vf_and(upa, one), avloc__vf_and(upb, one)));
    den = avloc__vf_add(ma, mb);
    rc = avloc__vf_rcp(den);
    rc = avloc__vf_mul(rc, avloc__vf_fnmadd(den, rc, avloc__vf_set1(2.0f)));
    ef = AVLOC__VN(avloc__vk_log2s)(avloc__vf_mul(avloc__vf_sub(ma, mb), rc), ef);
    avloc__vf_st(ild, avloc__vf_mul(avloc__vf_set1(AVLOC__ILD_K), ef));
    return avloc__vf_movemask(ok) ^ ((1 << AVLOC__VF_W) - 1);
}

/* avloc__binaural_frame's vector part: bins b < returned value, *mx = their
   largest power (lanes), *xmax = that of the exact-path bins. */
static size_t AVLOC__VN(avloc__vk_binaural_frame)(const avloc_complex_f32 *Lb, const avloc_complex_f32 *Rb, size_t nb,
                                                  float *ft, float *pw, float *mx, float *xmax)
{
    avloc__vf m = avloc__vf_zero();
    size_t b, j;
    int bad;
    for (b = 0; b + AVLOC__VF_W <= nb; b += AVLOC__VF_W) {
        bad = AVLOC__VN(avloc__vk_bin)(&Lb[b].re, &Rb[b].re, ft + b, ft + nb + b, ft + 2 * nb + b, pw + b, &m);
        if (bad)
            for (j = 0; j < AVLOC__VF_W; j++)
                if (bad >> j & 1) {
                    avloc__bin_exact(Lb[b + j], Rb[b + j], ft + b + j, ft + nb + b + j, ft + 2 * nb + b + j, pw + b + j);
                    *xmax = pw[b + j] > *xmax ? pw[b + j] : *xmax;
                }
    }
    *mx = avloc__vf_hmax(m);
    return b;
}

/* avloc__binaural_mask's vector part: mt[b] = mt[nb+b] = mt[2nb+b] =
   (pw[b] >= thr), *cnt = how many of the bins done are on */
static size_t AVLOC__VN(avloc__vk_thrmask)(const float *pw, size_t nb, float thr, unsigned char *mt, size_t *cnt)
{
    const avloc__vf vt = avloc__vf_set1(thr);
    size_t b = 0, c = 0;
    for (; b + AVLOC__VF_W <= nb; b += AVLOC__VF_W) {
        const avloc__vf on = avloc__vf_cmpge(avloc__vf_ld(pw + b), vt);
        avloc__vf_st_u8(mt + b, on);
        avloc__vf_st_u8(mt + nb + b, on);
        avloc__vf_st_u8(mt + 2 * nb + b, on);
        c += (size_t)avloc__popc8(avloc__vf_movemask(on));
    }
    *cnt = c;
    return b;
}
#endif /* !AVLOC_NO_BINAURAL */
#endif /* features kernel pass */

/* ================================================================== */
/*         array beamforming kernel: a template, compiled per set      */
/* ================================================================== */
/* AVLOC__VF_W directions per lane block: for each seed block of bins and
   each microphone, the steering phasor p (one per lane) starts at the
   block's seed and turns by z per bin; acc[k][t] += p X_m(k, t) (X
   broadcast). Returns the directions done (a multiple of the width). */
#if defined(AVLOC__VSET) && AVLOC__VPASS == AVLOC__VPASS_DSP_ARRAY
static size_t AVLOC__VN(avloc__vk_beam)(const avloc__beam *g)
{
    const size_t W = AVLOC__VF_W, T = g->T;
    float lanes[AVLOC__VF_W];
    size_t d, b, m, kk, t, l;
    for (d = 0; d + W <= g->D; d += W)
        for (b = 0; b < g->nblk; b++) {
            const size_t kb = b * AVLOC_ARRAY_SEED_BINS;
            const size_t kn = g->K - kb < AVLOC_ARRAY_SEED_BINS ? g->K - kb : AVLOC_ARRAY_SEED_BINS;
            for (kk = 0; kk < kn * T * 2; kk++) avloc__vf_st(g->acc + kk * W, avloc__vf_zero());
            for (m = 0; m < g->M; m++) {
                avloc__vf pr = avloc__vf_ld(g->sre + (b * g->M + m) * g->D + d);
                avloc__vf pi = avloc__vf_ld(g->sim + (b * g->M + m) * g->D + d);
                const avloc__vf zr = avloc__vf_ld(g->zre + m * g->D + d), zi = avloc__vf_ld(g->zim + m * g->D + d);
                for (kk = 0; kk < kn; kk++) {
                    const float *x = g->X + 2 * (((kb + kk) * g->M + m) * T);
                    float *ac = g->acc + 2 * kk * T * W;
                    avloc__vf nr;
                    for (t = 0; t < T; t++) {
                        const avloc__vf xr = avloc__vf_set1(x[2 * t]), xi = avloc__vf_set1(x[2 * t + 1]);
                        avloc__vf ar = avloc__vf_ld(ac + 2 * t * W), ai = avloc__vf_ld(ac + (2 * t + 1) * W);
                        ar = avloc__vf_fnmadd(pi, xi, avloc__vf_fmadd(pr, xr, ar));
                        ai = avloc__vf_fmadd(pi, xr, avloc__vf_fmadd(pr, xi, ai));
                        avloc__vf_st(ac + 2 * t * W, ar);
                        avloc__vf_st(ac + (2 * t + 1) * W, ai);
                    }
                    nr = avloc__vf_fmsub(pr, zr, avloc__vf_mul(pi, zi));
                    pi = avloc__vf_fmadd(pr, zi, avloc__vf_mul(pi, zr));
                    pr = nr;
                }
            }
            for (kk = 0; kk < kn; kk++) {
                const float *ac = g->acc + 2 * kk * T * W;
                avloc__vf s = avloc__vf_zero();
                for (t = 0; t < T; t++) {
                    const avloc__vf ar = avloc__vf_ld(ac + 2 * t * W), ai = avloc__vf_ld(ac + (2 * t + 1) * W);
                    s = avloc__vf_fmadd(ar, ar, avloc__vf_fmadd(ai, ai, s));
                }
                avloc__vf_st(lanes, avloc__vf_mul(s, avloc__vf_set1(1.0f / (float)T)));
                for (l = 0; l < W; l++) g->P[(d + l) * g->K + kb + kk] = lanes[l];
            }
        }
    return d;
}
#endif /* array kernel pass */
