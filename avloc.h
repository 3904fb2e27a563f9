/* avloc.h - core of the avloc audio-visual localisation library.   v0.1.0

   Header-only, C99, no allocation, no globals, no required dependency.

   USAGE
   -----
   In exactly ONE C or C++ file of your program:

       #define AVLOC_IMPLEMENTATION
       #include "avloc.h"

   and include "avloc.h" without the define everywhere else. The module
   headers (avloc_dsp.h, avloc_gllim.h, ...) include this file themselves and
   have their own AVLOC_<MODULE>_IMPLEMENTATION switch.

   WHAT IS IN HERE
   ---------------
   - avloc_result error codes and avloc_result_str().
   - The workspace convention every module follows (see "MEMORY" below) and
     the bump allocator (avloc_arena) that implements it over caller memory.
   - Overflow-checked size arithmetic (avloc_size_mul/add).
   - Small dense linear algebra in double precision (Cholesky, SPD solve,
     log-determinant; one-sided Jacobi SVD, Jacobi eigh, symmetric Sylvester),
     a randomised truncated SVD with singular value thresholding for large
     float matrices (docs/linalg.md), and one GEMM per precision (avloc_gemm_f32/_f64: a
     packed SIMD kernel within ~0.75-1.2x of single-thread OpenBLAS with
     AVX2, 1.1-1.9x faster than it with AVX-512 (docs/benchmarks.md, docs/nn.md)) used by GLLiM, RPCA, the network runtime and friends.
     The GEMMs can be sent to a CBLAS with AVLOC_USE_CBLAS.
   - The safetensors model container (reader and writer), shared by every
     module that stores learned parameters.

   MEMORY
   ------
   The library never calls malloc. An object or operation that needs memory
   has a query function returning the number of bytes (always size_t, always
   overflow checked) and an init function taking (void *mem, size_t size).
   A buffer that is too small gives AVLOC_ERR_WORKSPACE and is never written
   past its end. Query and init run the very same layout code through an
   avloc_arena in "measure" mode (mem == NULL), so they can never disagree:

       size_t need, scratch;                  // (avloc_dsp.h's FFT as the example)
       avloc_fft_config cfg = {1024, AVLOC_FFT_REAL};
       avloc_fft_f32 plan;
       avloc_fft_query_f32(&cfg, &need, &scratch); // how many bytes?
       void *mem = malloc(need);              // the caller's choice of memory
       avloc_fft_init_f32(&plan, &cfg, mem, need);

   Objects are read-only after init unless documented otherwise, so one plan
   may serve several threads; scratch memory is passed per call.

   An output may not share memory with an input, another output or the
   call's scratch unless its function says so ("out may equal x": exactly
   equal, in place; never a partial overlap). Every call that takes scratch
   checks the part it uses (the query's bytes, not all it was given)
   against its inputs and outputs, and the calls whose outputs a caller
   could plausibly place over an input or each other (transforms, maps,
   features, counts written before the data is read) check those too:
   AVLOC_ERR_PARAM, nothing written (tests/test_badinput.c). The same
   holds for the memory an object was laid out in (avloc_extent): a call
   refuses outputs and scratch over its object's memory, and inputs too
   when it changes the object (a stream's push, an MP coder's set_dict).
   A matrix with a leading dimension counts as all the memory from its
   first element to its last, gaps between rows included: an input in the
   left columns of a block and an output in its right columns are refused
   though they share no element (pass separate blocks).

   THREADS
   -------
   The library starts no thread. A caller with a pool may lend it to the
   few large operations (GEMM, SVT, plain RPCA, the MP coder's updates) as an
   avloc_threads: a run(pool, fn, ctx, ntasks) callback; results are the
   serial bits for every worker count (section "threads" below,
   docs/threads.md; examples/avloc_pool.h is a small pthread pool for it).

   CONFIGURATION MACROS (define before including)
   ----------------------------------------------
   AVLOC_STATIC       make every function static (private copy per TU)
   AVLOC_ASSERT(x)    your assert (default: assert from <assert.h>; on
                      freestanding and bare-metal ARM builds a trap, so
                      firmware links no printf/malloc); only used for
                      internal invariants, never for input checks
   AVLOC_USE_CBLAS    route avloc_gemm_f32/_f64 through cblas_sgemm/_dgemm
                      (same checks and scratch contract; link a CBLAS)
   AVLOC_CORE_FILE    "path/to/avloc.h" if the kernel templates' re-inclusion
                      of this file by the name "avloc.h" cannot find it (the
                      modules' AVLOC_<MODULE>_FILE likewise, e.g. after a rename)
   AVLOC_NO_SIMD      portable C kernels only (no SSE2/AVX2/AVX-512/NEON intrinsics)
   AVLOC_NO_DISPATCH  x86 with gcc/clang: only the kernels the compiler flags
                      allow (SSE2 at plain -O2), no run-time choice of AVX2
   AVLOC_GEMM_SMALL   the GEMM without its packed kernel (code size on
                      microcontrollers, ~1.7 KB of Cortex-M4 code): the
                      scratch query gives 0 bytes, every product runs the
                      plain loop (same results as with scratch NULL)
   AVLOC_ST_SMALL     safetensors reader without its duplicate-name index
                      (hash, on-stack Bloom filter, batched rescans): each
                      name is compared with every earlier one by a rescan
                      of the header, an unordered header is checked one
                      tensor per rescan, names are compared by decoding
                      (no memcmp fast path): quadratic in the tensor count
                      (for microcontroller files of a few tensors; ~0.8 KB
                      less Cortex-M4 code, ~4 KiB less stack); same results and
                      error codes for headers of up to 32 names (tensors and
                      metadata keys; in bigger ones a duplicate's FORMAT and
                      an UNSUPPORTED later in the header may swap order)
   AVLOC_NO_AVX512    x86-64: no AVX-512 GEMM micro-kernel and FFT kernels (by
                      default they are compiled and run where the CPU and OS
                      have AVX-512F; GEMM results equal the AVX2 kernel's
                      except the order of the no-scratch transposed-B dot
                      products; FFT plans of powers of two >= 64 then factor
                      for 8-complex vectors: the same transform, rounded
                      differently, within the tests' 1e-6 relative RMS)
   AVLOC_NO_FMA       no fused multiply-add in any kernel (AVX2 and AArch64
                      NEON use a multiply then an add), so results do not
                      depend on whether the CPU has FMA: the AVX2 and SSE2
                      elementwise kernels give bit-identical results (the
                      run-time AVX2 kernels are compiled without the FMA
                      extension, in C and C++ alike). The compiler may still
                      contract a*b+c in the scalar code and under -mfma:
                      clang obeys the FP_CONTRACT pragma this sets; with gcc
                      also build with -ffp-contract=off (its default for
                      -std=c99/c11, not for C++); -ffast-math (contraction,
                      reassociation) voids this
   NEON               ARM: kernels use NEON where the compiler targets it
                      (__ARM_NEON: always on AArch64; ARMv7-A with
                      -mfpu=neon), no flag needed; ARMv7 lacks double vectors,
                      so GLLiM's statistics/posterior stay scalar there
   -ffast-math        supported (gcc, clang): sign flips and NaN/Inf checks
                      work on bit patterns, tested in CI
   SIMD internals     the "SIMD layer" section below; docs/CONTRIBUTING.md
   AVLOC_MAX_DIM      cap on any single dimension accepted from files
                      (default 1<<28), a guard against hostile inputs
   AVLOC_SLABS        the fixed slabs of a threaded sum (default 8): the
                      most workers a sum uses; results are the same for
                      every worker count, not for every AVLOC_SLABS

   Module opt-outs (as stb's STBI_NO_*): each leaves out the declarations and
   the code of one part, so calling it is a compile error, not a link error.
   Define them identically in every file. Measured savings of .text (x86-64
   gcc -O2 / Cortex-M4 gcc -Os, tools/optout_sizes.sh, docs/build.md):
   AVLOC_NO_SAFETENSORS    the safetensors reader/writer (~29 / ~12 KB), and
                           with it the model files of GLLiM and of the PHAT
                           baseline (save/load); avloc_nn.h then stops with
                           an #error (its networks are safetensors files)
   AVLOC_NO_MEL            avloc_dsp.h: mel filterbank, MFCC and mel
                           spectrogram (~11 / ~5 KB); dB/log maps stay
   AVLOC_NO_BINAURAL       avloc_dsp.h: binaural ILD/IPD features (~11 / ~4 KB)
                           and GLLiM's stereo-clip glue; avloc_binaural_config
                           stays (GLLiM models embed it)
   AVLOC_NO_GCC_PHAT       avloc_dsp.h: GCC-PHAT (~10 / ~5 KB), and GLLiM's
                           PHAT baseline (avloc_phat_*)
   AVLOC_NO_ARRAY          avloc_dsp.h: microphone-array imaging (beamforming,
                           SRP-PHAT, MFCC acoustic images, energy maps; also
                           off with AVLOC_NO_MEL)
   AVLOC_NO_GLLIM_TRAINING avloc_gllim.h inference only: no EM training,
                           k-means or training GEMM (~20 / ~12 KB)
   AVLOC_NO_LINALG         the SVD, eigh, Sylvester solvers, truncated SVD and
                           SVT of avloc.h and avloc_dsp.h's DCT and path
                           Sylvester (~22 / ~11 KB); Cholesky and GEMM stay

   BUILD MODES (all compiled, linked and run by tools/check_build_modes.sh):
   one file with AVLOC_IMPLEMENTATION; or each module's implementation in its
   own file (AVLOC_IMPLEMENTATION with only avloc.h for the core, then
   AVLOC_<MODULE>_IMPLEMENTATION per module); AVLOC_STATIC in several files;
   AVLOC_USE_CBLAS; one amalgamated header made by tools/amalgamate.py.

   LICENSE: MIT, see LICENSE at the end of this file.
*/
#ifndef AVLOC_H
#define AVLOC_H

#include <stddef.h>
#include <stdint.h>

#define AVLOC_VERSION_MAJOR 0
#define AVLOC_VERSION_MINOR 1
#define AVLOC_VERSION_PATCH 0
#define AVLOC_VERSION_STRING "0.1.0"

#ifndef AVLOC_API
#ifdef AVLOC_STATIC
#if defined(__GNUC__) || defined(__clang__)
#define AVLOC_API static __attribute__((unused)) /* a TU need not use them all */
#else
#define AVLOC_API static
#endif
#else
#define AVLOC_API extern
#endif
#endif

#ifndef AVLOC_MAX_DIM
#define AVLOC_MAX_DIM ((size_t)1 << 28)
#endif

/* Defined with the declarations, not in the core's implementation block:
   every module's implementation uses it, and a module's implementation may
   sit in a translation unit without the core's (AVLOC_DSP_IMPLEMENTATION
   alone). */
#ifndef AVLOC_ASSERT
#if (defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0) || \
    ((defined(__GNUC__) || defined(__clang__)) && defined(__arm__) && !defined(__linux__) && \
     !defined(_WIN32) && !defined(__APPLE__))
/* Freestanding and bare-metal ARM builds (firmware): newlib's assert()
   pulls in printf, stdio and malloc (about 13 KB on a Cortex-M4). A failed
   check traps instead (debugger breakpoint / HardFault); with NDEBUG it is
   compiled out, as assert() is. Define AVLOC_ASSERT to choose otherwise. */
#ifdef NDEBUG
#define AVLOC_ASSERT(x) ((void)0)
#else
#define AVLOC_ASSERT(x) ((x) ? (void)0 : __builtin_trap())
#endif
#else
#include <assert.h>
#define AVLOC_ASSERT(x) assert(x)
#endif
#endif

/* ================================================================== */
/*        SIMD layer (internal): vector operations, once per set       */
/* ================================================================== */
/* Every hot kernel of every module is written ONCE against the generic
   names below (avloc__vf_add, AVLOC__VF_W, ...) and compiled once per
   instruction set ("set") that this build can run; a dispatch macro calls
   the right copy. In the style of pffft: a small set of typed operations,
   the width a compile-time constant.

   SETS (suffix: what it is, width in floats / doubles)
     scal  plain C, 1 / 1 (always defined; the reference semantics)
     sse2  x86 SSE2, 4 / 2                      AVLOC__VSET_SSE2
     avx2  x86 AVX2 + FMA, 8 / 4                AVLOC__VSET_AVX2
     avx512 x86 AVX-512F, 16 / 8: the core GEMM AVLOC__VSET_AVX512
           and the FFT only (see below), picked before avx2
     neon  ARM NEON, 4 / 2 (AArch64; ARMv7-A    AVLOC__VSET_NEON
           with -mfpu=neon: 4 / none)           (AVLOC__VD_NEON: doubles)
   Which are compiled:
   - x86-64 with gcc >= 6 or clang >= 6 at the baseline (-O2): sse2 and avx2
     (the latter under a target attribute/pragma), AVLOC__AVX2_OK() chooses
     at run time from cpuid bits libgcc reads once (no state of ours).
     AVLOC_NO_DISPATCH: sse2 only. -mavx2 -mfma: avx2 only (AVLOC__AVX2_ONLY).
   - other SSE2 targets (MSVC x64, 32-bit x86 with SSE2): sse2 only.
   - __ARM_NEON: neon. AVLOC_NO_SIMD: none (the modules' scalar code runs).

   OPERATIONS (vf: float vector, vi: int32 lanes, vd: double vector; masks
   are vf/vi with all bits set in true lanes)
     vf: ld st set1 zero add sub mul fmadd(a,b,c)=a*b+c fnmadd(a,b,c)=c-a*b
         fmsub(a,b,c)=a*b-c
         div min max and or xor andnot(a,b)=~a&b cmpgt cmpge cmple
         sel(m,a,b)=m?a:b rcp rsqrt (estimates, >= 12 bits) hsum hmax
         movemask (bit i: lane i true) asvi
         complex pairs (re,im): cswap (im,re) cdupre (re,re) cdupim (im,im)
         crev (pairs in reverse order) csign(odd) (vi: the sign bit on the re
         or im lanes) xorm(a, vi m) (flips the bits of a set in m: sign flips) uzp0/uzp1 (even/odd lanes of a:b, in order) zip0/zip1 (their inverse: a0 b0 a1 b1 ...)
        cdeint(a, b, &re, &im) / cint(re, im, &a, &b): complex a:b to real and
        imaginary parts and back, in a lane order of the set's choosing (AVX2:
        0 1 4 5 2 3 6 7, no cross-lane shuffle) that cint undoes
         ld4t(p, rs, c) (4x4 complex transpose load, rows rs complex apart, see below)
         ctr8(c) / czip(a, b, &lo, &hi): avx512 only (8 complex per vector): the
         8x8 complex transpose in place; a, b interleaved complex by complex
         ctr4(c): avx2 only (4 complex per vector): the 4x4 complex transpose
         in place; ctr2(c): sse2 and neon only (2 complex per vector): the
         2x2 complex transpose in place
         mask_u8 (lanes where the W bytes at p are nonzero) st_u8(p, m) (W
         bytes 0/1 from mask lanes)
     vi: set1 and or add sub srl(a,n) cmpeq tovf (convert) asvf
     vd: ld st set1 zero bcast(p) add sub mul fmadd hsum
         cvtlo/cvthi (lower/upper half of a vf as doubles; AVLOC__VD_W is
         AVLOC__VF_W / 2)
   Sign flips and NaN/Inf tests use integer bit patterns only, so kernels
   stay correct under -ffast-math (-fno-signed-zeros, -ffinite-math-only).

   FMA: avx2 and AArch64 neon fuse fmadd/fnmadd unless AVLOC_NO_FMA, which
   makes them a multiply then an add everywhere: the avx2 kernels then round
   exactly like the sse2 ones (elementwise kernels give bit-identical
   results): the run-time avx2 set is then compiled for "avx2" without
   "fma", so no a*b+c can be contracted inside it (g++ contracts by default).
   The compiler may still contract a*b+c written in C: clang obeys the
   FP_CONTRACT pragma set below under AVLOC_NO_FMA; with gcc build with
   -ffp-contract=off (gcc's default in -std=c99/c11 modes, not in C++).

   WRITING A KERNEL (see docs/CONTRIBUTING.md "SIMD layer")
   A module keeps its kernels in a template section guarded by
   `defined(AVLOC__VSET) && AVLOC__VPASS == <its pass id>` and has it
   compiled once per set by the core's one driver ("the per-set driver",
   after the core's implementation): define AVLOC__VPASS and AVLOC__VFILE
   (the file holding the template), include AVLOC_CORE_FILE; the driver
   re-includes AVLOC__VFILE with AVLOC__VSET = sse2|avx2|neon (avx2 inside
   AVLOC__AVX2_BEGIN/END) or scal; kernel names go through AVLOC__VN(name)
   (name_<set>), and the caller runs AVLOC__VCALL(name, (args), fallback).
   Kernels do the vector part of a loop and return how far they got; the
   module's scalar code finishes (and is all that runs without SIMD). */

#if !defined(AVLOC_NO_SIMD) && (defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2))
#if defined(__AVX2__) && defined(__FMA__)
#define AVLOC__VSET_AVX2 1
#define AVLOC__AVX2_ONLY 1
#define AVLOC__AVX2_BEGIN
#define AVLOC__AVX2_END
#define AVLOC__AVX2_OK() 1
#else
#define AVLOC__VSET_SSE2 1
#endif
#if !defined(AVLOC__AVX2_ONLY) && defined(__x86_64__) && !defined(AVLOC_NO_DISPATCH) && !defined(_MSC_VER) && \
    ((defined(__clang__) && __clang_major__ >= 6) || (!defined(__clang__) && defined(__GNUC__) && __GNUC__ >= 6))
/* (not clang-cl / the MSVC ABI: no __cpu_model there) */
#define AVLOC__VSET_AVX2 1
/* AVLOC_NO_FMA compiles the avx2 set without the FMA extension: no
   instruction to contract a*b+c into, whatever the language's default
   (g++ contracts by default, -ffp-contract=fast, even in -std=c++11) */
#if defined(__clang__) && defined(AVLOC_NO_FMA)
#define AVLOC__AVX2_BEGIN _Pragma("clang attribute push(__attribute__((target(\"avx2,prfchw\"))), apply_to = function)")
#elif defined(__clang__)
#define AVLOC__AVX2_BEGIN _Pragma("clang attribute push(__attribute__((target(\"avx2,fma,prfchw\"))), apply_to = function)")
#elif defined(AVLOC_NO_FMA)
#define AVLOC__AVX2_BEGIN _Pragma("GCC push_options") _Pragma("GCC target(\"avx2,prfchw\")")
#else
#define AVLOC__AVX2_BEGIN _Pragma("GCC push_options") _Pragma("GCC target(\"avx2,fma,prfchw\")")
#endif
#if defined(__clang__)
#define AVLOC__AVX2_END _Pragma("clang attribute pop")
#else
#define AVLOC__AVX2_END _Pragma("GCC pop_options")
#endif
#ifdef AVLOC_TEST_ASSUME_NO_AVX2 /* tests: the run-time fallback of a CPU without AVX2 */
#define AVLOC__AVX2_OK() 0
#else
#define AVLOC__AVX2_OK() avloc__cpu_avx2_fma()
#endif
static inline int avloc__cpu_avx2_fma(void)
{
    __builtin_cpu_init(); /* idempotent; needed if called before constructors run */
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif
/* avx512 (AVX-512F, 16 floats / 8 doubles): a set for the core GEMM and
   the FFT only (the GEMM's micro-kernel and blocking loops, the FFT's
   kernel template; passes that define AVLOC__VAVX512), not a full set of
   operations. Compiled on x86-64 gcc/clang next to avx2:
   under -mavx512f it always runs, otherwise under a target pragma, chosen
   at run time when the CPU and the OS (zmm state in XCR0, which libgcc's
   __builtin_cpu_supports checks) support AVX-512F. AVLOC_NO_AVX512 leaves it
   out; so do AVLOC_NO_SIMD, AVLOC_NO_FMA (its rounding promise is the sse2
   one) and AVLOC_NO_DISPATCH without -mavx512f. */
#if !defined(AVLOC_NO_SIMD) && !defined(AVLOC_NO_AVX512) && !defined(AVLOC_NO_FMA) && defined(__x86_64__) && \
    !defined(_MSC_VER) && \
    ((defined(__clang__) && __clang_major__ >= 6) || (!defined(__clang__) && defined(__GNUC__) && __GNUC__ >= 6))
#if defined(__AVX512F__)
#define AVLOC__VSET_AVX512 1
#define AVLOC__AVX512_BEGIN
#define AVLOC__AVX512_END
#define AVLOC__AVX512_OK() 1
#elif !defined(AVLOC_NO_DISPATCH)
#define AVLOC__VSET_AVX512 1
#if defined(__clang__)
#define AVLOC__AVX512_BEGIN _Pragma("clang attribute push(__attribute__((target(\"avx512f,avx2,fma,prfchw\"))), apply_to = function)")
#define AVLOC__AVX512_END _Pragma("clang attribute pop")
#else
#define AVLOC__AVX512_BEGIN _Pragma("GCC push_options") _Pragma("GCC target(\"avx512f,avx2,fma,prfchw\")")
#define AVLOC__AVX512_END _Pragma("GCC pop_options")
#endif
#if defined(AVLOC_TEST_ASSUME_NO_AVX512) || defined(AVLOC_TEST_ASSUME_NO_AVX2) /* tests: the avx2 (or sse2) path on an AVX-512 CPU */
#define AVLOC__AVX512_OK() 0
#else
#define AVLOC__AVX512_OK() avloc__cpu_avx512f()
#endif
static inline int avloc__cpu_avx512f(void)
{
    __builtin_cpu_init(); /* idempotent, as above */
    return __builtin_cpu_supports("avx512f");
}
#endif
#endif
#elif !defined(AVLOC_NO_SIMD) && (defined(__ARM_NEON) || defined(__ARM_NEON__) || defined(_M_ARM64))
#define AVLOC__VSET_NEON 1
#if defined(__aarch64__) || defined(_M_ARM64)
#define AVLOC__VD_NEON 1 /* AArch64: double vectors, division, fused multiply-add */
#endif
#endif

/* The dispatch: AVLOC__SIMD_PICK(avx2, v128, none) is the expression of the
   set that runs (v128: sse2 or neon); AVLOC__VCALL(fn, (args), none) calls
   fn_<set>(args) for it, AVLOC__VCALL_D the same for kernels that need
   double vectors (none on ARMv7). Sets not compiled are never named. */
#if defined(AVLOC__AVX2_ONLY)
#define AVLOC__SIMD_PICK(avx2, v128, none) (avx2)
#define AVLOC__VCALL(fn, args, none) (fn##_avx2 args)
#elif defined(AVLOC__VSET_AVX2)
#define AVLOC__SIMD_PICK(avx2, v128, none) (AVLOC__AVX2_OK() ? (avx2) : (v128))
#define AVLOC__VCALL(fn, args, none) (AVLOC__AVX2_OK() ? fn##_avx2 args : fn##_sse2 args)
#elif defined(AVLOC__VSET_SSE2)
#define AVLOC__SIMD_PICK(avx2, v128, none) (v128)
#define AVLOC__VCALL(fn, args, none) (fn##_sse2 args)
#elif defined(AVLOC__VSET_NEON)
#define AVLOC__SIMD_PICK(avx2, v128, none) (v128)
#define AVLOC__VCALL(fn, args, none) (fn##_neon args)
#else
#define AVLOC__SIMD_PICK(avx2, v128, none) (none)
#define AVLOC__VCALL(fn, args, none) (none)
#endif
#if defined(AVLOC__VSET_NEON) && !defined(AVLOC__VD_NEON)
#define AVLOC__VCALL_D(fn, args, none) (none)
#else
#define AVLOC__VCALL_D(fn, args, none) AVLOC__VCALL(fn, args, none)
#endif

/* Generic names: inside a kernel pass (AVLOC__VSET defined) they name the
   current set's operation, e.g. avloc__vf_add -> avloc__vf_add_sse2. */
#define AVLOC__VN(name) AVLOC__VN_(name, AVLOC__VSET)
#define AVLOC__VN_(name, set) AVLOC__VN__(name, set)
#define AVLOC__VN__(name, set) name##_##set
#define avloc__vf AVLOC__VN(avloc__vf)
#define avloc__vi AVLOC__VN(avloc__vi)
#define avloc__vd AVLOC__VN(avloc__vd)
#define AVLOC__VF_W AVLOC__VN(AVLOC__VF_W)
#define AVLOC__VD_W AVLOC__VN(AVLOC__VD_W)
#define avloc__vf_ld AVLOC__VN(avloc__vf_ld)
#define avloc__vf_st AVLOC__VN(avloc__vf_st)
#define avloc__vf_set1 AVLOC__VN(avloc__vf_set1)
#define avloc__vf_zero AVLOC__VN(avloc__vf_zero)
#define avloc__vf_add AVLOC__VN(avloc__vf_add)
#define avloc__vf_sub AVLOC__VN(avloc__vf_sub)
#define avloc__vf_mul AVLOC__VN(avloc__vf_mul)
#define avloc__vf_fmadd AVLOC__VN(avloc__vf_fmadd)
#define avloc__vf_fnmadd AVLOC__VN(avloc__vf_fnmadd)
#define avloc__vf_fmsub AVLOC__VN(avloc__vf_fmsub)
#define avloc__vf_div AVLOC__VN(avloc__vf_div)
#define avloc__vf_min AVLOC__VN(avloc__vf_min)
#define avloc__vf_max AVLOC__VN(avloc__vf_max)
#define avloc__vf_and AVLOC__VN(avloc__vf_and)
#define avloc__vf_or AVLOC__VN(avloc__vf_or)
#define avloc__vf_xor AVLOC__VN(avloc__vf_xor)
#define avloc__vf_xorm AVLOC__VN(avloc__vf_xorm)
#define avloc__vf_andnot AVLOC__VN(avloc__vf_andnot)
#define avloc__vf_cmpgt AVLOC__VN(avloc__vf_cmpgt)
#define avloc__vf_cmpge AVLOC__VN(avloc__vf_cmpge)
#define avloc__vf_cmple AVLOC__VN(avloc__vf_cmple)
#define avloc__vf_sel AVLOC__VN(avloc__vf_sel)
#define avloc__vf_rcp AVLOC__VN(avloc__vf_rcp)
#define avloc__vf_rsqrt AVLOC__VN(avloc__vf_rsqrt)
#define avloc__vf_hsum AVLOC__VN(avloc__vf_hsum)
#define avloc__vf_hmax AVLOC__VN(avloc__vf_hmax)
#define avloc__vf_movemask AVLOC__VN(avloc__vf_movemask)
#define avloc__vf_asvi AVLOC__VN(avloc__vf_asvi)
#define avloc__vf_cswap AVLOC__VN(avloc__vf_cswap)
#define avloc__vf_cdupre AVLOC__VN(avloc__vf_cdupre)
#define avloc__vf_cdupim AVLOC__VN(avloc__vf_cdupim)
#define avloc__vf_crev AVLOC__VN(avloc__vf_crev)
#define avloc__vf_csign AVLOC__VN(avloc__vf_csign)
#define avloc__vf_uzp0 AVLOC__VN(avloc__vf_uzp0)
#define avloc__vf_uzp1 AVLOC__VN(avloc__vf_uzp1)
#define avloc__vf_ld4t AVLOC__VN(avloc__vf_ld4t)
#define avloc__vf_ctr8 AVLOC__VN(avloc__vf_ctr8)
#define avloc__vf_ctr4 AVLOC__VN(avloc__vf_ctr4)
#define avloc__vf_ctr2 AVLOC__VN(avloc__vf_ctr2)
#define avloc__vf_czip AVLOC__VN(avloc__vf_czip)
#define avloc__vf_zip0 AVLOC__VN(avloc__vf_zip0)
#define avloc__vf_zip1 AVLOC__VN(avloc__vf_zip1)
#define avloc__vf_cdeint AVLOC__VN(avloc__vf_cdeint)
#define avloc__vf_cint AVLOC__VN(avloc__vf_cint)
#define avloc__vf_mask_u8 AVLOC__VN(avloc__vf_mask_u8)
#define avloc__vf_st_u8 AVLOC__VN(avloc__vf_st_u8)
#define avloc__vi_set1 AVLOC__VN(avloc__vi_set1)
#define avloc__vi_and AVLOC__VN(avloc__vi_and)
#define avloc__vi_or AVLOC__VN(avloc__vi_or)
#define avloc__vi_add AVLOC__VN(avloc__vi_add)
#define avloc__vi_sub AVLOC__VN(avloc__vi_sub)
#define avloc__vi_srl AVLOC__VN(avloc__vi_srl)
#define avloc__vi_cmpeq AVLOC__VN(avloc__vi_cmpeq)
#define avloc__vi_tovf AVLOC__VN(avloc__vi_tovf)
#define avloc__vi_asvf AVLOC__VN(avloc__vi_asvf)
#define avloc__vd_ld AVLOC__VN(avloc__vd_ld)
#define avloc__vd_st AVLOC__VN(avloc__vd_st)
#define avloc__vd_set1 AVLOC__VN(avloc__vd_set1)
#define avloc__vd_zero AVLOC__VN(avloc__vd_zero)
#define avloc__vd_bcast AVLOC__VN(avloc__vd_bcast)
#define avloc__vd_add AVLOC__VN(avloc__vd_add)
#define avloc__vd_sub AVLOC__VN(avloc__vd_sub)
#define avloc__vd_mul AVLOC__VN(avloc__vd_mul)
#define avloc__vd_fmadd AVLOC__VN(avloc__vd_fmadd)
#define avloc__vd_hsum AVLOC__VN(avloc__vd_hsum)
#define avloc__vd_cvtlo AVLOC__VN(avloc__vd_cvtlo)
#define avloc__vd_cvthi AVLOC__VN(avloc__vd_cvthi)
/* broadcast load for GEMM micro-kernels: avloc__vf_set1(*p) */
#define avloc__vf_bcast(p) avloc__vf_set1(*(p))

#if defined(AVLOC_NO_FMA) && defined(__clang__)
#pragma STDC FP_CONTRACT OFF /* AVLOC_NO_FMA: no a*b+c contracted in this TU's kernels either */
#endif

#include <math.h>
#include <string.h>

/* Sign masks are integers, applied with xorm, and hidden from the optimiser
   (AVLOC__VOPAQUE): under -ffast-math gcc folds the -0 lanes of a float
   vector constant to +0, and clang rewrites an xor with a known sign mask
   into negations that it then moves across shuffles wrongly. */
#if defined(__GNUC__) || defined(__clang__)
#define AVLOC__VOPAQUE(v, c) __asm__("" : "+" c(v))
#else
#define AVLOC__VOPAQUE(v, c) ((void)0)
#endif

/* ---- scal: plain C, width 1 (the semantics every set follows) ---- */
typedef float avloc__vf_scal;
typedef int32_t avloc__vi_scal;
typedef double avloc__vd_scal;
#define AVLOC__VF_W_scal 1
#define AVLOC__VD_W_scal 1
static inline int32_t avloc__f2i_bits(float x) { int32_t u; memcpy(&u, &x, sizeof u); return u; }
static inline float avloc__i2f_bits(int32_t u) { float x; memcpy(&x, &u, sizeof x); return x; }
/* 1 if any of the n <= 8 bytes at p is nonzero (one load after inlining) */
static inline int avloc__any_u8(const unsigned char *p, size_t n)
{
    uint64_t u = 0;
    memcpy(&u, p, n);
    return u != 0;
}
/* bits set in x (0 <= x < 256): counts movemask lanes */
static inline int avloc__popc8(int x)
{
    x = x - ((x >> 1) & 0x55);
    x = (x & 0x33) + ((x >> 2) & 0x33);
    return (x + (x >> 4)) & 0x0f;
}
/* finite (not Inf/NaN), NaN, +-Inf from the bits: right under -ffinite-math-only,
   where -ffast-math may fold isinf/isnan and x == x away */
static inline int avloc__finite_f32(float x) { return (avloc__f2i_bits(x) & 0x7f800000) != 0x7f800000; }
static inline int avloc__nan_f32(float x) { return (avloc__f2i_bits(x) & 0x7fffffff) > 0x7f800000; }
static inline int avloc__inf_f32(float x) { return (avloc__f2i_bits(x) & 0x7fffffff) == 0x7f800000; }
static inline int avloc__nan_f64(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return (u & 0x7fffffffffffffffu) > 0x7ff0000000000000u;
}
/* A quiet NaN from its bits (0.0/0.0 may be folded away under -ffast-math). */
static inline double avloc__qnan_f64(void)
{
    uint64_t u = 0x7ff8000000000000u;
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}
static inline int avloc__finite_f64(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return (u & 0x7ff0000000000000u) != 0x7ff0000000000000u;
}
static inline float avloc__vf_ld_scal(const float *p) { return *p; }
static inline void avloc__vf_st_scal(float *p, float v) { *p = v; }
static inline float avloc__vf_set1_scal(float x) { return x; }
static inline float avloc__vf_zero_scal(void) { return 0.0f; }
static inline float avloc__vf_add_scal(float a, float b) { return a + b; }
static inline float avloc__vf_sub_scal(float a, float b) { return a - b; }
static inline float avloc__vf_mul_scal(float a, float b) { return a * b; }
static inline float avloc__vf_fmadd_scal(float a, float b, float c) { float p = a * b; return p + c; }
static inline float avloc__vf_fnmadd_scal(float a, float b, float c) { float p = a * b; return c - p; }
static inline float avloc__vf_fmsub_scal(float a, float b, float c) { float p = a * b; return p - c; }
static inline float avloc__vf_div_scal(float a, float b) { return a / b; }
static inline float avloc__vf_min_scal(float a, float b) { return b < a ? b : a; }
static inline float avloc__vf_max_scal(float a, float b) { return b > a ? b : a; }
static inline float avloc__vf_and_scal(float a, float b) { return avloc__i2f_bits(avloc__f2i_bits(a) & avloc__f2i_bits(b)); }
static inline float avloc__vf_or_scal(float a, float b) { return avloc__i2f_bits(avloc__f2i_bits(a) | avloc__f2i_bits(b)); }
static inline float avloc__vf_xor_scal(float a, float b) { return avloc__i2f_bits(avloc__f2i_bits(a) ^ avloc__f2i_bits(b)); }
static inline float avloc__vf_xorm_scal(float a, int32_t m) { return avloc__i2f_bits(avloc__f2i_bits(a) ^ m); }
static inline float avloc__vf_andnot_scal(float a, float b) { return avloc__i2f_bits(~avloc__f2i_bits(a) & avloc__f2i_bits(b)); }
static inline float avloc__vf_cmpgt_scal(float a, float b) { return avloc__i2f_bits(a > b ? -1 : 0); }
static inline float avloc__vf_cmpge_scal(float a, float b) { return avloc__i2f_bits(a >= b ? -1 : 0); }
static inline float avloc__vf_cmple_scal(float a, float b) { return avloc__i2f_bits(a <= b ? -1 : 0); }
static inline float avloc__vf_sel_scal(float m, float a, float b) { return avloc__f2i_bits(m) ? a : b; }
static inline float avloc__vf_rcp_scal(float a) { return 1.0f / a; }
static inline float avloc__vf_rsqrt_scal(float a) { return 1.0f / (float)sqrt(a); }
static inline float avloc__vf_hsum_scal(float a) { return a; }
static inline float avloc__vf_hmax_scal(float a) { return a; }
static inline int avloc__vf_movemask_scal(float m) { return avloc__f2i_bits(m) < 0; }
static inline int32_t avloc__vf_asvi_scal(float a) { return avloc__f2i_bits(a); }
static inline float avloc__vf_mask_u8_scal(const unsigned char *p) { return avloc__i2f_bits(*p ? -1 : 0); }
static inline void avloc__vf_st_u8_scal(unsigned char *p, float m) { *p = (unsigned char)(avloc__f2i_bits(m) != 0); }
static inline int32_t avloc__vi_set1_scal(int32_t x) { return x; }
static inline int32_t avloc__vi_and_scal(int32_t a, int32_t b) { return a & b; }
static inline int32_t avloc__vi_or_scal(int32_t a, int32_t b) { return a | b; }
static inline int32_t avloc__vi_add_scal(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
static inline int32_t avloc__vi_sub_scal(int32_t a, int32_t b) { return (int32_t)((uint32_t)a - (uint32_t)b); }
static inline int32_t avloc__vi_srl_scal(int32_t a, int n) { return (int32_t)((uint32_t)a >> n); }
static inline int32_t avloc__vi_cmpeq_scal(int32_t a, int32_t b) { return a == b ? -1 : 0; }
static inline float avloc__vi_tovf_scal(int32_t a) { return (float)a; }
static inline float avloc__vi_asvf_scal(int32_t a) { return avloc__i2f_bits(a); }
static inline double avloc__vd_ld_scal(const double *p) { return *p; }
static inline void avloc__vd_st_scal(double *p, double v) { *p = v; }
static inline double avloc__vd_set1_scal(double x) { return x; }
static inline double avloc__vd_zero_scal(void) { return 0.0; }
static inline double avloc__vd_bcast_scal(const double *p) { return *p; }
static inline double avloc__vd_add_scal(double a, double b) { return a + b; }
static inline double avloc__vd_sub_scal(double a, double b) { return a - b; }
static inline double avloc__vd_mul_scal(double a, double b) { return a * b; }
static inline double avloc__vd_fmadd_scal(double a, double b, double c) { double p = a * b; return p + c; }
static inline double avloc__vd_hsum_scal(double a) { return a; }

/* ---- sse2: 4 floats, 2 doubles ---- */
#if defined(AVLOC__VSET_SSE2) || defined(AVLOC__VSET_AVX2)
#include <emmintrin.h>
#endif
/* AVX2-only builds (-mavx2 -mfma) keep these operations too: a template
   may still ask for its 128-bit copy (AVLOC__VSSE2 in the per-set driver:
   the FFT's kernels of twice an odd length, which no wider vector fits) */
#if defined(AVLOC__VSET_SSE2) || defined(AVLOC__AVX2_ONLY)
typedef __m128 avloc__vf_sse2;
typedef __m128i avloc__vi_sse2;
typedef __m128d avloc__vd_sse2;
#define AVLOC__VF_W_sse2 4
#define AVLOC__VD_W_sse2 2
static inline __m128 avloc__vf_ld_sse2(const float *p) { return _mm_loadu_ps(p); }
static inline void avloc__vf_st_sse2(float *p, __m128 v) { _mm_storeu_ps(p, v); }
static inline __m128 avloc__vf_set1_sse2(float x) { return _mm_set1_ps(x); }
static inline __m128 avloc__vf_zero_sse2(void) { return _mm_setzero_ps(); }
static inline __m128 avloc__vf_add_sse2(__m128 a, __m128 b) { return _mm_add_ps(a, b); }
static inline __m128 avloc__vf_sub_sse2(__m128 a, __m128 b) { return _mm_sub_ps(a, b); }
static inline __m128 avloc__vf_mul_sse2(__m128 a, __m128 b) { return _mm_mul_ps(a, b); }
static inline __m128 avloc__vf_fmadd_sse2(__m128 a, __m128 b, __m128 c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
static inline __m128 avloc__vf_fnmadd_sse2(__m128 a, __m128 b, __m128 c) { return _mm_sub_ps(c, _mm_mul_ps(a, b)); }
static inline __m128 avloc__vf_fmsub_sse2(__m128 a, __m128 b, __m128 c) { return _mm_sub_ps(_mm_mul_ps(a, b), c); }
static inline __m128 avloc__vf_div_sse2(__m128 a, __m128 b) { return _mm_div_ps(a, b); }
static inline __m128 avloc__vf_min_sse2(__m128 a, __m128 b) { return _mm_min_ps(a, b); }
static inline __m128 avloc__vf_max_sse2(__m128 a, __m128 b) { return _mm_max_ps(a, b); }
static inline __m128 avloc__vf_and_sse2(__m128 a, __m128 b) { return _mm_and_ps(a, b); }
static inline __m128 avloc__vf_or_sse2(__m128 a, __m128 b) { return _mm_or_ps(a, b); }
static inline __m128 avloc__vf_xor_sse2(__m128 a, __m128 b) { return _mm_xor_ps(a, b); }
static inline __m128 avloc__vf_xorm_sse2(__m128 a, __m128i m) { return _mm_castsi128_ps(_mm_xor_si128(_mm_castps_si128(a), m)); }
static inline __m128 avloc__vf_andnot_sse2(__m128 a, __m128 b) { return _mm_andnot_ps(a, b); }
static inline __m128 avloc__vf_cmpgt_sse2(__m128 a, __m128 b) { return _mm_cmpgt_ps(a, b); }
static inline __m128 avloc__vf_cmpge_sse2(__m128 a, __m128 b) { return _mm_cmpge_ps(a, b); }
static inline __m128 avloc__vf_cmple_sse2(__m128 a, __m128 b) { return _mm_cmple_ps(a, b); }
static inline __m128 avloc__vf_sel_sse2(__m128 m, __m128 a, __m128 b) { return _mm_or_ps(_mm_and_ps(m, a), _mm_andnot_ps(m, b)); }
static inline __m128 avloc__vf_rcp_sse2(__m128 a) { return _mm_rcp_ps(a); }
static inline __m128 avloc__vf_rsqrt_sse2(__m128 a) { return _mm_rsqrt_ps(a); }
static inline float avloc__vf_hsum_sse2(__m128 a)
{
    a = _mm_add_ps(a, _mm_movehl_ps(a, a));
    return _mm_cvtss_f32(_mm_add_ss(a, _mm_shuffle_ps(a, a, 1)));
}
static inline float avloc__vf_hmax_sse2(__m128 a)
{
    a = _mm_max_ps(a, _mm_movehl_ps(a, a));
    return _mm_cvtss_f32(_mm_max_ss(a, _mm_shuffle_ps(a, a, 1)));
}
static inline int avloc__vf_movemask_sse2(__m128 m) { return _mm_movemask_ps(m); }
static inline __m128i avloc__vf_asvi_sse2(__m128 a) { return _mm_castps_si128(a); }
static inline __m128 avloc__vf_cswap_sse2(__m128 a) { return _mm_shuffle_ps(a, a, _MM_SHUFFLE(2, 3, 0, 1)); }
static inline __m128 avloc__vf_cdupre_sse2(__m128 a) { return _mm_shuffle_ps(a, a, _MM_SHUFFLE(2, 2, 0, 0)); }
static inline __m128 avloc__vf_cdupim_sse2(__m128 a) { return _mm_shuffle_ps(a, a, _MM_SHUFFLE(3, 3, 1, 1)); }
static inline __m128 avloc__vf_crev_sse2(__m128 a) { return _mm_shuffle_ps(a, a, _MM_SHUFFLE(1, 0, 3, 2)); }
static inline __m128i avloc__vf_csign_sse2(int odd)
{
    const int32_t e = odd ? 0 : INT32_MIN, o = odd ? INT32_MIN : 0;
    __m128i m = _mm_setr_epi32(e, o, e, o);
    AVLOC__VOPAQUE(m, "x");
    return m;
}
static inline __m128 avloc__vf_uzp0_sse2(__m128 a, __m128 b) { return _mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)); }
static inline __m128 avloc__vf_uzp1_sse2(__m128 a, __m128 b) { return _mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)); }
static inline __m128 avloc__vf_zip0_sse2(__m128 a, __m128 b) { return _mm_unpacklo_ps(a, b); }
static inline __m128 avloc__vf_zip1_sse2(__m128 a, __m128 b) { return _mm_unpackhi_ps(a, b); }
static inline void avloc__vf_cdeint_sse2(__m128 a, __m128 b, __m128 *re, __m128 *im)
{
    *re = avloc__vf_uzp0_sse2(a, b);
    *im = avloc__vf_uzp1_sse2(a, b);
}
static inline void avloc__vf_cint_sse2(__m128 re, __m128 im, __m128 *a, __m128 *b)
{
    *a = _mm_unpacklo_ps(re, im);
    *b = _mm_unpackhi_ps(re, im);
}
static inline void avloc__vf_ctr2_sse2(__m128 *c)
{
    __m128 a = c[0];
    c[0] = _mm_movelh_ps(a, c[1]);
    c[1] = _mm_movehl_ps(c[1], a);
}
/* c[q] = complex (p[q], p[rs+q]) for q < 4 (2 rows of 4 complex, rs complex apart) */
static inline void avloc__vf_ld4t_sse2(const float *p, size_t rs, __m128 *c)
{
    c[0] = _mm_loadu_ps(p); c[1] = _mm_loadu_ps(p + 2 * rs);
    c[2] = _mm_loadu_ps(p + 4); c[3] = _mm_loadu_ps(p + 2 * rs + 4);
    avloc__vf_ctr2_sse2(c);
    avloc__vf_ctr2_sse2(c + 2);
}
static inline __m128 avloc__vf_mask_u8_sse2(const unsigned char *p)
{
    int32_t b;
    __m128i z = _mm_setzero_si128(), v;
    memcpy(&b, p, 4);
    v = _mm_unpacklo_epi16(_mm_unpacklo_epi8(_mm_cvtsi32_si128(b), z), z);
    return _mm_castsi128_ps(_mm_cmpgt_epi32(v, z));
}
static inline void avloc__vf_st_u8_sse2(unsigned char *p, __m128 m)
{
    __m128i b = _mm_packs_epi32(_mm_castps_si128(m), _mm_castps_si128(m));
    int32_t v = _mm_cvtsi128_si32(_mm_and_si128(_mm_packs_epi16(b, b), _mm_set1_epi8(1)));
    memcpy(p, &v, 4);
}
static inline __m128i avloc__vi_set1_sse2(int32_t x) { return _mm_set1_epi32(x); }
static inline __m128i avloc__vi_and_sse2(__m128i a, __m128i b) { return _mm_and_si128(a, b); }
static inline __m128i avloc__vi_or_sse2(__m128i a, __m128i b) { return _mm_or_si128(a, b); }
static inline __m128i avloc__vi_add_sse2(__m128i a, __m128i b) { return _mm_add_epi32(a, b); }
static inline __m128i avloc__vi_sub_sse2(__m128i a, __m128i b) { return _mm_sub_epi32(a, b); }
static inline __m128i avloc__vi_srl_sse2(__m128i a, int n) { return _mm_srl_epi32(a, _mm_cvtsi32_si128(n)); }
static inline __m128i avloc__vi_cmpeq_sse2(__m128i a, __m128i b) { return _mm_cmpeq_epi32(a, b); }
static inline __m128 avloc__vi_tovf_sse2(__m128i a) { return _mm_cvtepi32_ps(a); }
static inline __m128 avloc__vi_asvf_sse2(__m128i a) { return _mm_castsi128_ps(a); }
static inline __m128d avloc__vd_ld_sse2(const double *p) { return _mm_loadu_pd(p); }
static inline void avloc__vd_st_sse2(double *p, __m128d v) { _mm_storeu_pd(p, v); }
static inline __m128d avloc__vd_set1_sse2(double x) { return _mm_set1_pd(x); }
static inline __m128d avloc__vd_zero_sse2(void) { return _mm_setzero_pd(); }
static inline __m128d avloc__vd_bcast_sse2(const double *p) { return _mm_set1_pd(*p); }
static inline __m128d avloc__vd_add_sse2(__m128d a, __m128d b) { return _mm_add_pd(a, b); }
static inline __m128d avloc__vd_sub_sse2(__m128d a, __m128d b) { return _mm_sub_pd(a, b); }
static inline __m128d avloc__vd_mul_sse2(__m128d a, __m128d b) { return _mm_mul_pd(a, b); }
static inline __m128d avloc__vd_fmadd_sse2(__m128d a, __m128d b, __m128d c) { return _mm_add_pd(_mm_mul_pd(a, b), c); }
static inline double avloc__vd_hsum_sse2(__m128d a) { return _mm_cvtsd_f64(_mm_add_sd(a, _mm_unpackhi_pd(a, a))); }
static inline __m128d avloc__vd_cvtlo_sse2(__m128 a) { return _mm_cvtps_pd(a); }
static inline __m128d avloc__vd_cvthi_sse2(__m128 a) { return _mm_cvtps_pd(_mm_movehl_ps(a, a)); }
#endif

/* ---- avx2: 8 floats, 4 doubles, FMA (compiled under the AVX2 target) ---- */
#ifdef AVLOC__VSET_AVX2
#include <immintrin.h>
AVLOC__AVX2_BEGIN
typedef __m256 avloc__vf_avx2;
typedef __m256i avloc__vi_avx2;
typedef __m256d avloc__vd_avx2;
#define AVLOC__VF_W_avx2 8
#define AVLOC__VD_W_avx2 4
static inline __m256 avloc__vf_ld_avx2(const float *p) { return _mm256_loadu_ps(p); }
static inline void avloc__vf_st_avx2(float *p, __m256 v) { _mm256_storeu_ps(p, v); }
static inline __m256 avloc__vf_set1_avx2(float x) { return _mm256_set1_ps(x); }
static inline __m256 avloc__vf_zero_avx2(void) { return _mm256_setzero_ps(); }
static inline __m256 avloc__vf_add_avx2(__m256 a, __m256 b) { return _mm256_add_ps(a, b); }
static inline __m256 avloc__vf_sub_avx2(__m256 a, __m256 b) { return _mm256_sub_ps(a, b); }
static inline __m256 avloc__vf_mul_avx2(__m256 a, __m256 b) { return _mm256_mul_ps(a, b); }
#ifdef AVLOC_NO_FMA
static inline __m256 avloc__vf_fmadd_avx2(__m256 a, __m256 b, __m256 c) { return _mm256_add_ps(_mm256_mul_ps(a, b), c); }
static inline __m256 avloc__vf_fnmadd_avx2(__m256 a, __m256 b, __m256 c) { return _mm256_sub_ps(c, _mm256_mul_ps(a, b)); }
static inline __m256 avloc__vf_fmsub_avx2(__m256 a, __m256 b, __m256 c) { return _mm256_sub_ps(_mm256_mul_ps(a, b), c); }
static inline __m256d avloc__vd_fmadd_avx2(__m256d a, __m256d b, __m256d c) { return _mm256_add_pd(_mm256_mul_pd(a, b), c); }
#else
static inline __m256 avloc__vf_fmadd_avx2(__m256 a, __m256 b, __m256 c) { return _mm256_fmadd_ps(a, b, c); }
static inline __m256 avloc__vf_fnmadd_avx2(__m256 a, __m256 b, __m256 c) { return _mm256_fnmadd_ps(a, b, c); }
static inline __m256 avloc__vf_fmsub_avx2(__m256 a, __m256 b, __m256 c) { return _mm256_fmsub_ps(a, b, c); }
static inline __m256d avloc__vd_fmadd_avx2(__m256d a, __m256d b, __m256d c) { return _mm256_fmadd_pd(a, b, c); }
#endif
static inline __m256 avloc__vf_div_avx2(__m256 a, __m256 b) { return _mm256_div_ps(a, b); }
static inline __m256 avloc__vf_min_avx2(__m256 a, __m256 b) { return _mm256_min_ps(a, b); }
static inline __m256 avloc__vf_max_avx2(__m256 a, __m256 b) { return _mm256_max_ps(a, b); }
static inline __m256 avloc__vf_and_avx2(__m256 a, __m256 b) { return _mm256_and_ps(a, b); }
static inline __m256 avloc__vf_or_avx2(__m256 a, __m256 b) { return _mm256_or_ps(a, b); }
static inline __m256 avloc__vf_xor_avx2(__m256 a, __m256 b) { return _mm256_xor_ps(a, b); }
static inline __m256 avloc__vf_xorm_avx2(__m256 a, __m256i m) { return _mm256_castsi256_ps(_mm256_xor_si256(_mm256_castps_si256(a), m)); }
static inline __m256 avloc__vf_andnot_avx2(__m256 a, __m256 b) { return _mm256_andnot_ps(a, b); }
static inline __m256 avloc__vf_cmpgt_avx2(__m256 a, __m256 b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
static inline __m256 avloc__vf_cmpge_avx2(__m256 a, __m256 b) { return _mm256_cmp_ps(a, b, _CMP_GE_OQ); }
static inline __m256 avloc__vf_cmple_avx2(__m256 a, __m256 b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
static inline __m256 avloc__vf_sel_avx2(__m256 m, __m256 a, __m256 b) { return _mm256_blendv_ps(b, a, m); }
static inline __m256 avloc__vf_rcp_avx2(__m256 a) { return _mm256_rcp_ps(a); }
static inline __m256 avloc__vf_rsqrt_avx2(__m256 a) { return _mm256_rsqrt_ps(a); }
static inline float avloc__vf_hsum_avx2(__m256 a)
{
    __m128 h = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    h = _mm_add_ps(h, _mm_movehl_ps(h, h));
    return _mm_cvtss_f32(_mm_add_ss(h, _mm_shuffle_ps(h, h, 1)));
}
static inline float avloc__vf_hmax_avx2(__m256 a)
{
    __m128 h = _mm_max_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    h = _mm_max_ps(h, _mm_movehl_ps(h, h));
    return _mm_cvtss_f32(_mm_max_ss(h, _mm_shuffle_ps(h, h, 1)));
}
static inline int avloc__vf_movemask_avx2(__m256 m) { return _mm256_movemask_ps(m); }
static inline __m256i avloc__vf_asvi_avx2(__m256 a) { return _mm256_castps_si256(a); }
static inline __m256 avloc__vf_cswap_avx2(__m256 a) { return _mm256_permute_ps(a, 0xB1); }
static inline __m256 avloc__vf_cdupre_avx2(__m256 a) { return _mm256_moveldup_ps(a); }
static inline __m256 avloc__vf_cdupim_avx2(__m256 a) { return _mm256_movehdup_ps(a); }
static inline __m256 avloc__vf_crev_avx2(__m256 a) { return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(a), 0x1B)); }
static inline __m256i avloc__vf_csign_avx2(int odd)
{
    const int32_t e = odd ? 0 : INT32_MIN, o = odd ? INT32_MIN : 0;
    __m256i m = _mm256_setr_epi32(e, o, e, o, e, o, e, o);
    AVLOC__VOPAQUE(m, "x");
    return m;
}
/* the in-lane shuffle leaves the halves interleaved: one cross-lane permute */
static inline __m256 avloc__vf_uzp0_avx2(__m256 a, __m256 b)
{
    __m256 h = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(h), _MM_SHUFFLE(3, 1, 2, 0)));
}
static inline __m256 avloc__vf_uzp1_avx2(__m256 a, __m256 b)
{
    __m256 h = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(h), _MM_SHUFFLE(3, 1, 2, 0)));
}
static inline __m256 avloc__vf_zip0_avx2(__m256 a, __m256 b)
{
    return _mm256_permute2f128_ps(_mm256_unpacklo_ps(a, b), _mm256_unpackhi_ps(a, b), 0x20);
}
static inline __m256 avloc__vf_zip1_avx2(__m256 a, __m256 b)
{
    return _mm256_permute2f128_ps(_mm256_unpacklo_ps(a, b), _mm256_unpackhi_ps(a, b), 0x31);
}
static inline void avloc__vf_cdeint_avx2(__m256 a, __m256 b, __m256 *re, __m256 *im)
{
    *re = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
    *im = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
}
static inline void avloc__vf_cint_avx2(__m256 re, __m256 im, __m256 *a, __m256 *b)
{
    *a = _mm256_unpacklo_ps(re, im);
    *b = _mm256_unpackhi_ps(re, im);
}
/* c[q] = complex (p[q], p[rs+q], p[2rs+q], p[3rs+q]) for q < 4 (4 rows of 4 complex, rs complex apart):
   128-bit halves of rows 0|2 and 1|3 loaded side by side (the lane crossing done by the loads),
   then 4 in-lane unpacks */
static inline __m256d avloc__vf_ld2x128_avx2(const float *lo, const float *hi)
{
    return _mm256_castps_pd(_mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(lo)), _mm_loadu_ps(hi), 1));
}
static inline void avloc__vf_ld4t_avx2(const float *p, size_t rs, __m256 *c)
{
    __m256d a = avloc__vf_ld2x128_avx2(p, p + 4 * rs), b = avloc__vf_ld2x128_avx2(p + 2 * rs, p + 6 * rs);
    __m256d d = avloc__vf_ld2x128_avx2(p + 4, p + 4 * rs + 4), e = avloc__vf_ld2x128_avx2(p + 2 * rs + 4, p + 6 * rs + 4);
    c[0] = _mm256_castpd_ps(_mm256_unpacklo_pd(a, b));
    c[1] = _mm256_castpd_ps(_mm256_unpackhi_pd(a, b));
    c[2] = _mm256_castpd_ps(_mm256_unpacklo_pd(d, e));
    c[3] = _mm256_castpd_ps(_mm256_unpackhi_pd(d, e));
}
/* the 4 x 4 transpose of complex values (64-bit elements) in place:
   c[r] lane q <-> c[q] lane r. In-lane unpacks of row pairs, then 128-bit
   halves exchanged (8 shuffles) */
static inline void avloc__vf_ctr4_avx2(__m256 *c)
{
    __m256d t0 = _mm256_unpacklo_pd(_mm256_castps_pd(c[0]), _mm256_castps_pd(c[1]));
    __m256d t1 = _mm256_unpackhi_pd(_mm256_castps_pd(c[0]), _mm256_castps_pd(c[1]));
    __m256d t2 = _mm256_unpacklo_pd(_mm256_castps_pd(c[2]), _mm256_castps_pd(c[3]));
    __m256d t3 = _mm256_unpackhi_pd(_mm256_castps_pd(c[2]), _mm256_castps_pd(c[3]));
    c[0] = _mm256_castpd_ps(_mm256_permute2f128_pd(t0, t2, 0x20));
    c[1] = _mm256_castpd_ps(_mm256_permute2f128_pd(t1, t3, 0x20));
    c[2] = _mm256_castpd_ps(_mm256_permute2f128_pd(t0, t2, 0x31));
    c[3] = _mm256_castpd_ps(_mm256_permute2f128_pd(t1, t3, 0x31));
}
static inline __m256 avloc__vf_mask_u8_avx2(const unsigned char *p)
{
    __m256i v = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(const void *)p));
    return _mm256_castsi256_ps(_mm256_cmpgt_epi32(v, _mm256_setzero_si256()));
}
static inline void avloc__vf_st_u8_avx2(unsigned char *p, __m256 m)
{
    const __m256i i = _mm256_castps_si256(m);
    __m128i b = _mm_packs_epi32(_mm256_castsi256_si128(i), _mm256_extracti128_si256(i, 1));
    _mm_storel_epi64((__m128i *)(void *)p, _mm_and_si128(_mm_packs_epi16(b, b), _mm_set1_epi8(1)));
}
static inline __m256i avloc__vi_set1_avx2(int32_t x) { return _mm256_set1_epi32(x); }
static inline __m256i avloc__vi_and_avx2(__m256i a, __m256i b) { return _mm256_and_si256(a, b); }
static inline __m256i avloc__vi_or_avx2(__m256i a, __m256i b) { return _mm256_or_si256(a, b); }
static inline __m256i avloc__vi_add_avx2(__m256i a, __m256i b) { return _mm256_add_epi32(a, b); }
static inline __m256i avloc__vi_sub_avx2(__m256i a, __m256i b) { return _mm256_sub_epi32(a, b); }
static inline __m256i avloc__vi_srl_avx2(__m256i a, int n) { return _mm256_srl_epi32(a, _mm_cvtsi32_si128(n)); }
static inline __m256i avloc__vi_cmpeq_avx2(__m256i a, __m256i b) { return _mm256_cmpeq_epi32(a, b); }
static inline __m256 avloc__vi_tovf_avx2(__m256i a) { return _mm256_cvtepi32_ps(a); }
static inline __m256 avloc__vi_asvf_avx2(__m256i a) { return _mm256_castsi256_ps(a); }
static inline __m256d avloc__vd_ld_avx2(const double *p) { return _mm256_loadu_pd(p); }
static inline void avloc__vd_st_avx2(double *p, __m256d v) { _mm256_storeu_pd(p, v); }
static inline __m256d avloc__vd_set1_avx2(double x) { return _mm256_set1_pd(x); }
static inline __m256d avloc__vd_zero_avx2(void) { return _mm256_setzero_pd(); }
static inline __m256d avloc__vd_bcast_avx2(const double *p) { return _mm256_broadcast_sd(p); }
static inline __m256d avloc__vd_add_avx2(__m256d a, __m256d b) { return _mm256_add_pd(a, b); }
static inline __m256d avloc__vd_sub_avx2(__m256d a, __m256d b) { return _mm256_sub_pd(a, b); }
static inline __m256d avloc__vd_mul_avx2(__m256d a, __m256d b) { return _mm256_mul_pd(a, b); }
static inline double avloc__vd_hsum_avx2(__m256d a)
{
    __m128d h = _mm_add_pd(_mm256_castpd256_pd128(a), _mm256_extractf128_pd(a, 1));
    return _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
}
static inline __m256d avloc__vd_cvtlo_avx2(__m256 a) { return _mm256_cvtps_pd(_mm256_castps256_ps128(a)); }
static inline __m256d avloc__vd_cvthi_avx2(__m256 a) { return _mm256_cvtps_pd(_mm256_extractf128_ps(a, 1)); }
AVLOC__AVX2_END
#endif

/* ---- avx512: 16 floats, 8 doubles, FMA; only what the GEMM and the FFT use ---- */
#ifdef AVLOC__VSET_AVX512
#include <immintrin.h>
AVLOC__AVX512_BEGIN
typedef __m512 avloc__vf_avx512;
typedef __m512d avloc__vd_avx512;
#define AVLOC__VF_W_avx512 16
#define AVLOC__VD_W_avx512 8
static inline __m512 avloc__vf_ld_avx512(const float *p) { return _mm512_loadu_ps(p); }
static inline void avloc__vf_st_avx512(float *p, __m512 v) { _mm512_storeu_ps(p, v); }
static inline __m512 avloc__vf_set1_avx512(float x) { return _mm512_set1_ps(x); }
static inline __m512 avloc__vf_zero_avx512(void) { return _mm512_setzero_ps(); }
static inline __m512 avloc__vf_mul_avx512(__m512 a, __m512 b) { return _mm512_mul_ps(a, b); }
static inline __m512 avloc__vf_fmadd_avx512(__m512 a, __m512 b, __m512 c) { return _mm512_fmadd_ps(a, b, c); }
/* halves widened to double; zero-masked forms (see the shuffles below: g++ 12 -O2 warns
   that the plain forms' undefined pass-through may be used uninitialised) */
static inline __m512d avloc__vd_cvtlo_avx512(__m512 a)
{
    return _mm512_maskz_cvtps_pd(0xFF, _mm256_castpd_ps(_mm512_maskz_extractf64x4_pd(0xF, _mm512_castps_pd(a), 0)));
}
static inline __m512d avloc__vd_cvthi_avx512(__m512 a)
{
    return _mm512_maskz_cvtps_pd(0xFF, _mm256_castpd_ps(_mm512_maskz_extractf64x4_pd(0xF, _mm512_castps_pd(a), 1)));
}
/* the FFT's operations (its template, pass AVLOC__VPASS_DSP_FFT): the avx2
   ones on four 128-bit lanes, the same in-lane shuffles. Shuffles through
   their zero-masked forms with every lane kept: g++ 12 warns that the plain
   forms' undefined pass-through vector may be used uninitialised. */
typedef __m512i avloc__vi_avx512;
static inline __m512 avloc__vf_add_avx512(__m512 a, __m512 b) { return _mm512_add_ps(a, b); }
static inline __m512 avloc__vf_sub_avx512(__m512 a, __m512 b) { return _mm512_sub_ps(a, b); }
static inline __m512 avloc__vf_fnmadd_avx512(__m512 a, __m512 b, __m512 c) { return _mm512_fnmadd_ps(a, b, c); }
static inline __m512 avloc__vf_xorm_avx512(__m512 a, __m512i m)
{
    return _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(a), m));
}
static inline __m512 avloc__vf_cswap_avx512(__m512 a) { return _mm512_maskz_permute_ps(0xFFFF, a, 0xB1); }
static inline __m512 avloc__vf_cdupre_avx512(__m512 a) { return _mm512_maskz_moveldup_ps(0xFFFF, a); }
static inline __m512 avloc__vf_cdupim_avx512(__m512 a) { return _mm512_maskz_movehdup_ps(0xFFFF, a); }
static inline __m512 avloc__vf_crev_avx512(__m512 a)
{
    return _mm512_castpd_ps(_mm512_maskz_permutexvar_pd(0xFF, _mm512_setr_epi64(7, 6, 5, 4, 3, 2, 1, 0), _mm512_castps_pd(a)));
}
static inline __m512i avloc__vf_csign_avx512(int odd)
{
    const int32_t e = odd ? 0 : INT32_MIN, o = odd ? INT32_MIN : 0;
    __m512i m = _mm512_setr_epi32(e, o, e, o, e, o, e, o, e, o, e, o, e, o, e, o);
    AVLOC__VOPAQUE(m, "v");
    return m;
}
static inline void avloc__vf_cdeint_avx512(__m512 a, __m512 b, __m512 *re, __m512 *im)
{
    *re = _mm512_maskz_shuffle_ps(0xFFFF, a, b, _MM_SHUFFLE(2, 0, 2, 0));
    *im = _mm512_maskz_shuffle_ps(0xFFFF, a, b, _MM_SHUFFLE(3, 1, 3, 1));
}
static inline void avloc__vf_cint_avx512(__m512 re, __m512 im, __m512 *a, __m512 *b)
{
    *a = _mm512_maskz_unpacklo_ps(0xFFFF, re, im);
    *b = _mm512_maskz_unpackhi_ps(0xFFFF, re, im);
}
/* the 8 x 8 transpose of complex values (64-bit elements) in place:
   c[r] lane q <-> c[q] lane r. Pairs of rows by in-lane unpacks, then two
   rounds of 128-bit lane shuffles (24 shuffles) */
static inline __m512d avloc__vd_lanes_avx512(__m512d a, __m512d b, int odd)
{
    return odd ? _mm512_maskz_shuffle_f64x2(0xFF, a, b, 0xDD) : _mm512_maskz_shuffle_f64x2(0xFF, a, b, 0x88);
}
static inline void avloc__vf_ctr8_avx512(__m512 *c)
{
#define AVLOC__CTR8_UNPACK(i)                                                                       \
    __m512d t##i = _mm512_maskz_unpacklo_pd(0xFF, _mm512_castps_pd(c[i]), _mm512_castps_pd(c[i + 1])); \
    __m512d h##i = _mm512_maskz_unpackhi_pd(0xFF, _mm512_castps_pd(c[i]), _mm512_castps_pd(c[i + 1]))
    AVLOC__CTR8_UNPACK(0);
    AVLOC__CTR8_UNPACK(2);
    AVLOC__CTR8_UNPACK(4);
    AVLOC__CTR8_UNPACK(6);
#undef AVLOC__CTR8_UNPACK
    /* uq / vq: columns q, q + 4 of rows 0..3 / 4..7 (written out: arrays of
       vectors indexed in loops end up on the stack) */
    __m512d u0 = avloc__vd_lanes_avx512(t0, t2, 0), u1 = avloc__vd_lanes_avx512(h0, h2, 0);
    __m512d u2 = avloc__vd_lanes_avx512(t0, t2, 1), u3 = avloc__vd_lanes_avx512(h0, h2, 1);
    __m512d v0 = avloc__vd_lanes_avx512(t4, t6, 0), v1 = avloc__vd_lanes_avx512(h4, h6, 0);
    __m512d v2 = avloc__vd_lanes_avx512(t4, t6, 1), v3 = avloc__vd_lanes_avx512(h4, h6, 1);
    c[0] = _mm512_castpd_ps(avloc__vd_lanes_avx512(u0, v0, 0));
    c[4] = _mm512_castpd_ps(avloc__vd_lanes_avx512(u0, v0, 1));
    c[1] = _mm512_castpd_ps(avloc__vd_lanes_avx512(u1, v1, 0));
    c[5] = _mm512_castpd_ps(avloc__vd_lanes_avx512(u1, v1, 1));
    c[2] = _mm512_castpd_ps(avloc__vd_lanes_avx512(u2, v2, 0));
    c[6] = _mm512_castpd_ps(avloc__vd_lanes_avx512(u2, v2, 1));
    c[3] = _mm512_castpd_ps(avloc__vd_lanes_avx512(u3, v3, 0));
    c[7] = _mm512_castpd_ps(avloc__vd_lanes_avx512(u3, v3, 1));
}
/* complex a, b -> lo = (a0 b0 a1 b1 a2 b2 a3 b3), hi = (a4 b4 ... a7 b7) */
static inline void avloc__vf_czip_avx512(__m512 a, __m512 b, __m512 *lo, __m512 *hi)
{
    const __m512i il = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11), ih = _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15);
    *lo = _mm512_castpd_ps(_mm512_permutex2var_pd(_mm512_castps_pd(a), il, _mm512_castps_pd(b)));
    *hi = _mm512_castpd_ps(_mm512_permutex2var_pd(_mm512_castps_pd(a), ih, _mm512_castps_pd(b)));
}
/* four 128-bit pieces (2 complex each) into the four lanes */
static inline __m512d avloc__vf_ld4x128_avx512(const float *p0, const float *p1, const float *p2, const float *p3)
{
    __m512 v = _mm512_castps128_ps512(_mm_loadu_ps(p0));
    v = _mm512_insertf32x4(v, _mm_loadu_ps(p1), 1);
    v = _mm512_insertf32x4(v, _mm_loadu_ps(p2), 2);
    return _mm512_castps_pd(_mm512_insertf32x4(v, _mm_loadu_ps(p3), 3));
}
/* c[q] = complex (p[q], p[rs+q], ..., p[7rs+q]) for q < 4 (8 rows of 4
   complex, rs complex apart): as avx2's, rows 0|2|4|6 and 1|3|5|7 side by
   side, then in-lane unpacks */
static inline void avloc__vf_ld4t_avx512(const float *p, size_t rs, __m512 *c)
{
    const float *r0 = p, *r1 = p + 2 * rs, *r2 = p + 4 * rs, *r3 = p + 6 * rs;
    const float *r4 = p + 8 * rs, *r5 = p + 10 * rs, *r6 = p + 12 * rs, *r7 = p + 14 * rs;
    __m512d a = avloc__vf_ld4x128_avx512(r0, r2, r4, r6), b = avloc__vf_ld4x128_avx512(r1, r3, r5, r7);
    __m512d d = avloc__vf_ld4x128_avx512(r0 + 4, r2 + 4, r4 + 4, r6 + 4);
    __m512d e = avloc__vf_ld4x128_avx512(r1 + 4, r3 + 4, r5 + 4, r7 + 4);
    c[0] = _mm512_castpd_ps(_mm512_maskz_unpacklo_pd(0xFF, a, b));
    c[1] = _mm512_castpd_ps(_mm512_maskz_unpackhi_pd(0xFF, a, b));
    c[2] = _mm512_castpd_ps(_mm512_maskz_unpacklo_pd(0xFF, d, e));
    c[3] = _mm512_castpd_ps(_mm512_maskz_unpackhi_pd(0xFF, d, e));
}
/* halves added down to one lane. A half through the masked extract (AVX-512F
   alone; floats through the double view): g++ 12 warns that the plain
   extract's and the casts' undefined-vector argument may be used
   uninitialised */
static inline __m256d avloc__vd_half_avx512(__m512d a, int hi)
{
    return hi ? _mm512_maskz_extractf64x4_pd(0xF, a, 1) : _mm512_maskz_extractf64x4_pd(0xF, a, 0);
}
static inline float avloc__vf_hsum_avx512(__m512 a)
{
    __m256 h = _mm256_add_ps(_mm256_castpd_ps(avloc__vd_half_avx512(_mm512_castps_pd(a), 0)),
                             _mm256_castpd_ps(avloc__vd_half_avx512(_mm512_castps_pd(a), 1)));
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    return _mm_cvtss_f32(_mm_add_ss(q, _mm_shuffle_ps(q, q, 1)));
}
static inline __m512d avloc__vd_ld_avx512(const double *p) { return _mm512_loadu_pd(p); }
static inline void avloc__vd_st_avx512(double *p, __m512d v) { _mm512_storeu_pd(p, v); }
static inline __m512d avloc__vd_set1_avx512(double x) { return _mm512_set1_pd(x); }
static inline __m512d avloc__vd_zero_avx512(void) { return _mm512_setzero_pd(); }
static inline __m512d avloc__vd_bcast_avx512(const double *p) { return _mm512_set1_pd(*p); }
static inline __m512d avloc__vd_mul_avx512(__m512d a, __m512d b) { return _mm512_mul_pd(a, b); }
static inline __m512d avloc__vd_fmadd_avx512(__m512d a, __m512d b, __m512d c) { return _mm512_fmadd_pd(a, b, c); }
static inline double avloc__vd_hsum_avx512(__m512d a)
{
    __m256d h = _mm256_add_pd(avloc__vd_half_avx512(a, 0), avloc__vd_half_avx512(a, 1));
    __m128d q = _mm_add_pd(_mm256_castpd256_pd128(h), _mm256_extractf128_pd(h, 1));
    return _mm_cvtsd_f64(_mm_add_sd(q, _mm_unpackhi_pd(q, q)));
}
AVLOC__AVX512_END
#endif

/* ---- neon: 4 floats (AArch64 also 2 doubles). ARMv7 NEON has no vector
   division, sqrt or IEEE fused multiply-add: division is a reciprocal
   estimate plus Newton steps, fmadd a multiply then an add. The estimates
   get one Newton step here so that they match x86's 12 bits. ---- */
#ifdef AVLOC__VSET_NEON
#include <arm_neon.h>
typedef float32x4_t avloc__vf_neon;
typedef int32x4_t avloc__vi_neon;
#define AVLOC__VF_W_neon 4
#define AVLOC__F2U(a) vreinterpretq_u32_f32(a)
#define AVLOC__U2F(a) vreinterpretq_f32_u32(a)
static inline float32x4_t avloc__vf_ld_neon(const float *p) { return vld1q_f32(p); }
static inline void avloc__vf_st_neon(float *p, float32x4_t v) { vst1q_f32(p, v); }
static inline float32x4_t avloc__vf_set1_neon(float x) { return vdupq_n_f32(x); }
static inline float32x4_t avloc__vf_zero_neon(void) { return vdupq_n_f32(0.0f); }
static inline float32x4_t avloc__vf_add_neon(float32x4_t a, float32x4_t b) { return vaddq_f32(a, b); }
static inline float32x4_t avloc__vf_sub_neon(float32x4_t a, float32x4_t b) { return vsubq_f32(a, b); }
static inline float32x4_t avloc__vf_mul_neon(float32x4_t a, float32x4_t b) { return vmulq_f32(a, b); }
#if defined(AVLOC__VD_NEON) && !defined(AVLOC_NO_FMA)
static inline float32x4_t avloc__vf_fmadd_neon(float32x4_t a, float32x4_t b, float32x4_t c) { return vfmaq_f32(c, a, b); }
static inline float32x4_t avloc__vf_fnmadd_neon(float32x4_t a, float32x4_t b, float32x4_t c) { return vfmsq_f32(c, a, b); }
static inline float32x4_t avloc__vf_fmsub_neon(float32x4_t a, float32x4_t b, float32x4_t c) { return vnegq_f32(vfmsq_f32(c, a, b)); }
#else
static inline float32x4_t avloc__vf_fmadd_neon(float32x4_t a, float32x4_t b, float32x4_t c) { return vaddq_f32(vmulq_f32(a, b), c); }
static inline float32x4_t avloc__vf_fnmadd_neon(float32x4_t a, float32x4_t b, float32x4_t c) { return vsubq_f32(c, vmulq_f32(a, b)); }
static inline float32x4_t avloc__vf_fmsub_neon(float32x4_t a, float32x4_t b, float32x4_t c) { return vsubq_f32(vmulq_f32(a, b), c); }
#endif
static inline float32x4_t avloc__vf_rcp_neon(float32x4_t a)
{
    float32x4_t r = vrecpeq_f32(a);
    return vmulq_f32(r, vrecpsq_f32(a, r));
}
static inline float32x4_t avloc__vf_rsqrt_neon(float32x4_t a)
{
    float32x4_t r = vrsqrteq_f32(a);
    return vmulq_f32(r, vrsqrtsq_f32(vmulq_f32(a, r), r));
}
#ifdef AVLOC__VD_NEON
static inline float32x4_t avloc__vf_div_neon(float32x4_t a, float32x4_t b) { return vdivq_f32(a, b); }
#else
static inline float32x4_t avloc__vf_div_neon(float32x4_t a, float32x4_t b)
{
    float32x4_t r = avloc__vf_rcp_neon(b);
    r = vmulq_f32(r, vrecpsq_f32(b, r)); /* ~23 bits */
    return vmulq_f32(a, r);
}
#endif
static inline float32x4_t avloc__vf_min_neon(float32x4_t a, float32x4_t b) { return vminq_f32(a, b); }
static inline float32x4_t avloc__vf_max_neon(float32x4_t a, float32x4_t b) { return vmaxq_f32(a, b); }
static inline float32x4_t avloc__vf_and_neon(float32x4_t a, float32x4_t b) { return AVLOC__U2F(vandq_u32(AVLOC__F2U(a), AVLOC__F2U(b))); }
static inline float32x4_t avloc__vf_or_neon(float32x4_t a, float32x4_t b) { return AVLOC__U2F(vorrq_u32(AVLOC__F2U(a), AVLOC__F2U(b))); }
static inline float32x4_t avloc__vf_xor_neon(float32x4_t a, float32x4_t b) { return AVLOC__U2F(veorq_u32(AVLOC__F2U(a), AVLOC__F2U(b))); }
static inline float32x4_t avloc__vf_xorm_neon(float32x4_t a, int32x4_t m) { return vreinterpretq_f32_s32(veorq_s32(vreinterpretq_s32_f32(a), m)); }
static inline float32x4_t avloc__vf_andnot_neon(float32x4_t a, float32x4_t b) { return AVLOC__U2F(vbicq_u32(AVLOC__F2U(b), AVLOC__F2U(a))); }
static inline float32x4_t avloc__vf_cmpgt_neon(float32x4_t a, float32x4_t b) { return AVLOC__U2F(vcgtq_f32(a, b)); }
static inline float32x4_t avloc__vf_cmpge_neon(float32x4_t a, float32x4_t b) { return AVLOC__U2F(vcgeq_f32(a, b)); }
static inline float32x4_t avloc__vf_cmple_neon(float32x4_t a, float32x4_t b) { return AVLOC__U2F(vcleq_f32(a, b)); }
static inline float32x4_t avloc__vf_sel_neon(float32x4_t m, float32x4_t a, float32x4_t b) { return vbslq_f32(AVLOC__F2U(m), a, b); }
static inline float avloc__vf_hsum_neon(float32x4_t a)
{
    float32x2_t h = vadd_f32(vget_low_f32(a), vget_high_f32(a));
    return vget_lane_f32(vpadd_f32(h, h), 0);
}
static inline float avloc__vf_hmax_neon(float32x4_t a)
{
    float32x2_t h = vmax_f32(vget_low_f32(a), vget_high_f32(a));
    return vget_lane_f32(vpmax_f32(h, h), 0);
}
static inline int avloc__vf_movemask_neon(float32x4_t m)
{
    static const uint32_t bit[4] = {1, 2, 4, 8};
    uint32x4_t b = vandq_u32(AVLOC__F2U(m), vld1q_u32(bit));
    uint32x2_t h = vorr_u32(vget_low_u32(b), vget_high_u32(b));
    return (int)(vget_lane_u32(h, 0) | vget_lane_u32(h, 1));
}
static inline int32x4_t avloc__vf_asvi_neon(float32x4_t a) { return vreinterpretq_s32_f32(a); }
static inline float32x4_t avloc__vf_cswap_neon(float32x4_t a) { return vrev64q_f32(a); }
static inline float32x4_t avloc__vf_cdupre_neon(float32x4_t a) { return vtrnq_f32(a, a).val[0]; }
static inline float32x4_t avloc__vf_cdupim_neon(float32x4_t a) { return vtrnq_f32(a, a).val[1]; }
static inline float32x4_t avloc__vf_crev_neon(float32x4_t a) { return vcombine_f32(vget_high_f32(a), vget_low_f32(a)); }
static inline int32x4_t avloc__vf_csign_neon(int odd)
{
    const int32_t e = odd ? 0 : INT32_MIN, o = odd ? INT32_MIN : 0;
    const int32_t a[4] = {e, o, e, o};
    int32x4_t m = vld1q_s32(a);
    AVLOC__VOPAQUE(m, "w");
    return m;
}
static inline float32x4_t avloc__vf_uzp0_neon(float32x4_t a, float32x4_t b) { return vuzpq_f32(a, b).val[0]; }
static inline float32x4_t avloc__vf_uzp1_neon(float32x4_t a, float32x4_t b) { return vuzpq_f32(a, b).val[1]; }
static inline float32x4_t avloc__vf_zip0_neon(float32x4_t a, float32x4_t b) { return vzipq_f32(a, b).val[0]; }
static inline float32x4_t avloc__vf_zip1_neon(float32x4_t a, float32x4_t b) { return vzipq_f32(a, b).val[1]; }
static inline void avloc__vf_cdeint_neon(float32x4_t a, float32x4_t b, float32x4_t *re, float32x4_t *im)
{
    float32x4x2_t u = vuzpq_f32(a, b);
    *re = u.val[0];
    *im = u.val[1];
}
static inline void avloc__vf_cint_neon(float32x4_t re, float32x4_t im, float32x4_t *a, float32x4_t *b)
{
    float32x4x2_t z = vzipq_f32(re, im);
    *a = z.val[0];
    *b = z.val[1];
}
static inline void avloc__vf_ctr2_neon(float32x4_t *c)
{
    float32x4_t a = c[0];
    c[0] = vcombine_f32(vget_low_f32(a), vget_low_f32(c[1]));
    c[1] = vcombine_f32(vget_high_f32(a), vget_high_f32(c[1]));
}
static inline void avloc__vf_ld4t_neon(const float *p, size_t rs, float32x4_t *c)
{
    c[0] = vld1q_f32(p); c[1] = vld1q_f32(p + 2 * rs);
    c[2] = vld1q_f32(p + 4); c[3] = vld1q_f32(p + 2 * rs + 4);
    avloc__vf_ctr2_neon(c);
    avloc__vf_ctr2_neon(c + 2);
}
static inline float32x4_t avloc__vf_mask_u8_neon(const unsigned char *p)
{
    uint32_t b;
    uint16x4_t h;
    memcpy(&b, p, 4);
    h = vget_low_u16(vmovl_u8(vreinterpret_u8_u32(vdup_n_u32(b))));
    return AVLOC__U2F(vcgtq_u32(vmovl_u16(h), vdupq_n_u32(0)));
}
static inline void avloc__vf_st_u8_neon(unsigned char *p, float32x4_t m)
{
    const uint16x4_t h = vmovn_u32(AVLOC__F2U(m));
    const uint8x8_t b = vand_u8(vmovn_u16(vcombine_u16(h, h)), vdup_n_u8(1));
    vst1_lane_u32((uint32_t *)(void *)p, vreinterpret_u32_u8(b), 0);
}
static inline int32x4_t avloc__vi_set1_neon(int32_t x) { return vdupq_n_s32(x); }
static inline int32x4_t avloc__vi_and_neon(int32x4_t a, int32x4_t b) { return vandq_s32(a, b); }
static inline int32x4_t avloc__vi_or_neon(int32x4_t a, int32x4_t b) { return vorrq_s32(a, b); }
static inline int32x4_t avloc__vi_add_neon(int32x4_t a, int32x4_t b) { return vaddq_s32(a, b); }
static inline int32x4_t avloc__vi_sub_neon(int32x4_t a, int32x4_t b) { return vsubq_s32(a, b); }
static inline int32x4_t avloc__vi_srl_neon(int32x4_t a, int n)
{
    return vreinterpretq_s32_u32(vshlq_u32(vreinterpretq_u32_s32(a), vdupq_n_s32(-n)));
}
static inline int32x4_t avloc__vi_cmpeq_neon(int32x4_t a, int32x4_t b) { return vreinterpretq_s32_u32(vceqq_s32(a, b)); }
static inline float32x4_t avloc__vi_tovf_neon(int32x4_t a) { return vcvtq_f32_s32(a); }
static inline float32x4_t avloc__vi_asvf_neon(int32x4_t a) { return vreinterpretq_f32_s32(a); }
#ifdef AVLOC__VD_NEON
typedef float64x2_t avloc__vd_neon;
#define AVLOC__VD_W_neon 2
static inline float64x2_t avloc__vd_ld_neon(const double *p) { return vld1q_f64(p); }
static inline void avloc__vd_st_neon(double *p, float64x2_t v) { vst1q_f64(p, v); }
static inline float64x2_t avloc__vd_set1_neon(double x) { return vdupq_n_f64(x); }
static inline float64x2_t avloc__vd_zero_neon(void) { return vdupq_n_f64(0.0); }
static inline float64x2_t avloc__vd_bcast_neon(const double *p) { return vld1q_dup_f64(p); }
static inline float64x2_t avloc__vd_add_neon(float64x2_t a, float64x2_t b) { return vaddq_f64(a, b); }
static inline float64x2_t avloc__vd_sub_neon(float64x2_t a, float64x2_t b) { return vsubq_f64(a, b); }
static inline float64x2_t avloc__vd_mul_neon(float64x2_t a, float64x2_t b) { return vmulq_f64(a, b); }
#ifdef AVLOC_NO_FMA
static inline float64x2_t avloc__vd_fmadd_neon(float64x2_t a, float64x2_t b, float64x2_t c) { return vaddq_f64(vmulq_f64(a, b), c); }
#else
static inline float64x2_t avloc__vd_fmadd_neon(float64x2_t a, float64x2_t b, float64x2_t c) { return vfmaq_f64(c, a, b); }
#endif
static inline double avloc__vd_hsum_neon(float64x2_t a) { return vgetq_lane_f64(a, 0) + vgetq_lane_f64(a, 1); }
static inline float64x2_t avloc__vd_cvtlo_neon(float32x4_t a) { return vcvt_f64_f32(vget_low_f32(a)); }
static inline float64x2_t avloc__vd_cvthi_neon(float32x4_t a) { return vcvt_f64_f32(vget_high_f32(a)); }
#endif
#undef AVLOC__F2U
#undef AVLOC__U2F
#endif
/* ================================================ end of the SIMD layer */

/* Kernel passes of the core (ids 1..15; modules have their own ranges): the
   GEMM template at the end of this file, and every module's kernels, are
   compiled through the per-set driver at the end of this file, reached by
   including this file again by the name AVLOC_CORE_FILE ("avloc.h", next to
   the modules; tools/amalgamate.py pre-defines it and each module's
   AVLOC_<MODULE>_FILE to the one file it writes). */
#define AVLOC__VPASS_CORE_GEMM 1
#define AVLOC__VPASS_CORE_LA 2
#ifndef AVLOC_CORE_FILE
#define AVLOC_CORE_FILE "avloc.h"
#endif
/* GEMM blocking (see the GEMM template): micro-tile MR rows x NR columns
   (NR = two vectors of the set), k sliced by KC, rows of A packed MC at a
   time, columns of B NC at a time. NRMAX: the widest NR of any set this
   build may run, so that scratch sized once fits whichever set runs. */
#define AVLOC__GEMM_MR 6
/* A hint to fetch a line that a kernel reads a little later (never faults,
   changes no result); nothing where the compiler has no such builtin.
   AVLOC__PREFETCH_W: a line it will also write, fetched owned (AArch64
   prfm pstl1keep; x86 prefetchw where the target has PRFCHW: -march on
   such a CPU, and the avx2 and avx512 sets, which name it in their target
   (Windows 10 x64 requires the instruction, so every x86-64 CPU with AVX2
   runs it; Intel's before Broadwell may ignore it); else a read prefetch). */
#if defined(__GNUC__) || defined(__clang__)
#define AVLOC__PREFETCH(p) __builtin_prefetch(p)
#define AVLOC__PREFETCH_W(p) __builtin_prefetch(p, 1)
#else
#define AVLOC__PREFETCH(p) ((void)(p))
#define AVLOC__PREFETCH_W(p) ((void)(p))
#endif
/* What a GEMM micro-kernel prefetches while it runs (a thin product streams
   its large operand from memory, and the hardware prefetchers did not keep
   up with six interleaved rows: A Omega of a 76 800 x 200 A and 12 columns
   took ~7 ms, ~5 ms with it): at step p, the byte p0 + p step + (p mod
   rows) row. */
typedef struct avloc__gemm_pf {
    const void *p;
    size_t step, row, rows;
} avloc__gemm_pf;
#define AVLOC__GEMM_KC 256
#define AVLOC__GEMM_MC 96
#define AVLOC__GEMM_NC 2048
#if defined(AVLOC__VSET_AVX512)
#define AVLOC__GEMM_NRMAX_F32 32
#define AVLOC__GEMM_NRMAX_F64 16
#elif defined(AVLOC__VSET_AVX2)
#define AVLOC__GEMM_NRMAX_F32 16
#define AVLOC__GEMM_NRMAX_F64 8
#elif defined(AVLOC__VSET_SSE2) || defined(AVLOC__VD_NEON)
#define AVLOC__GEMM_NRMAX_F32 8
#define AVLOC__GEMM_NRMAX_F64 4
#elif defined(AVLOC__VSET_NEON)
#define AVLOC__GEMM_NRMAX_F32 8
#define AVLOC__GEMM_NRMAX_F64 2
#else
#define AVLOC__GEMM_NRMAX_F32 2
#define AVLOC__GEMM_NRMAX_F64 2
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- errors */

/* Every fallible function returns one of these. Negative values are errors
   (outputs are unspecified but no memory outside the given buffers was
   touched); zero is success; positive values are successful results that
   carry a caveat the caller should look at. */
typedef enum avloc_result {
    AVLOC_OK = 0,
    AVLOC_NO_ACTIVE_POINTS = 1, /* success, but no data point was usable:
                                   the result is the prior (documented per call) */
    AVLOC_ERR_NULL = -1,        /* a required pointer is NULL */
    AVLOC_ERR_SIZE = -2,        /* a size is zero, absurd or inconsistent */
    AVLOC_ERR_OVERFLOW = -3,    /* size arithmetic overflows size_t */
    AVLOC_ERR_WORKSPACE = -4,   /* caller memory is too small */
    AVLOC_ERR_NONFINITE = -5,   /* NaN or infinity in the input */
    AVLOC_ERR_PARAM = -6,       /* a parameter is outside its valid range */
    AVLOC_ERR_FORMAT = -7,      /* malformed, truncated or hostile data */
    AVLOC_ERR_NOT_FOUND = -8,   /* a named item is missing */
    AVLOC_ERR_NUMERIC = -9,     /* numerical failure (singular matrix, ...) */
    AVLOC_ERR_UNSUPPORTED = -10,/* valid but not supported by this build */
    AVLOC_ERR_STATE = -11       /* object not initialised or used out of order */
} avloc_result;

/* A short, static, human readable description ("workspace too small"). */
AVLOC_API const char *avloc_result_str(avloc_result r);

/* ------------------------------------------------- overflow-checked sizes */

/* *out = a*b (or a+b); returns 0 and leaves *out untouched on overflow.
   out may be NULL (only the overflow test). */
AVLOC_API int avloc_size_mul(size_t a, size_t b, size_t *out);
AVLOC_API int avloc_size_add(size_t a, size_t b, size_t *out);

/* ------------------------------------------------------------------ arena */

/* Bump allocator over caller memory. With base == NULL it only measures:
   every push returns NULL but `used` still grows, which is how the *_query
   functions compute their sizes from the same code as *_init. */
typedef struct avloc_arena {
    unsigned char *base;  /* caller memory, or NULL to measure */
    size_t size;          /* bytes available at base */
    size_t used;          /* bytes consumed so far (including padding) */
    int overflow;         /* set once a request overflowed size_t */
} avloc_arena;

#define AVLOC_ALIGN 64 /* default alignment: a cache line, enough for AVX-512 */

/* The part of the caller's block an object's init laid the object out in:
   [base, base + bytes). Every object in caller memory keeps one in a
   private field named mem; its calls refuse outputs, scratch and (for
   objects they change) inputs placed over it, AVLOC_ERR_PARAM, since a write
   there would corrupt this call and every later one. {NULL, 0} for objects
   with no caller memory (built over constant tables, or by FFTW3). */
typedef struct avloc_extent { const void *base; size_t bytes; } avloc_extent;

AVLOC_API void avloc_arena_init(avloc_arena *a, void *mem, size_t size);
/* Reserve count*elem bytes aligned to `align` (a power of two; at most
   AVLOC_ALIGN = 64 is honoured: a larger align gives 64-byte alignment, as
   the layout queries size their slack for it). Returns NULL
   when measuring, when the memory is exhausted or on overflow; check with
   avloc_arena_status() once after all pushes. */
AVLOC_API void *avloc_arena_push(avloc_arena *a, size_t count, size_t elem, size_t align);
/* AVLOC_OK if every push so far fitted, AVLOC_ERR_WORKSPACE if not,
   AVLOC_ERR_OVERFLOW if a size overflowed. In measure mode: AVLOC_OK unless
   overflow; AVLOC_ERR_NULL for a == NULL (init and push ignore a NULL a;
   push then returns NULL). */
AVLOC_API avloc_result avloc_arena_status(const avloc_arena *a);
/* Bytes needed so far, padded so that the caller may pass memory with any
   alignment (the worst-case alignment slack is included); (size_t)-1 after
   an overflow or for a == NULL. */
AVLOC_API size_t avloc_arena_needed(const avloc_arena *a);

#define AVLOC_PUSH(arena, type, count) \
    ((type *)avloc_arena_push((arena), (size_t)(count), sizeof(type), AVLOC_ALIGN))

/* One layout function serves an object's *_query and *_init: it pushes the
   object's memory onto `a` and, when obj is not NULL, fills obj in. It may
   report the per-call scratch the object needs through *scratch_bytes (always
   a valid pointer). cfg is whatever the layout needs (a config struct, or a
   small struct of arguments). */
typedef avloc_result (*avloc_layout_fn)(avloc_arena *a, void *obj, const void *cfg, size_t *scratch_bytes);
/* Runs layout(obj = NULL) on a measuring arena. On success stores the bytes
   the object needs in *obj_bytes and its scratch in *scratch_bytes (either
   may be NULL); on failure returns the layout's error and stores nothing.
   Does not validate cfg: callers check their inputs first (a NULL layout
   gives AVLOC_ERR_NULL). */
AVLOC_API avloc_result avloc_layout_query(avloc_layout_fn layout, const void *cfg,
                                          size_t *obj_bytes, size_t *scratch_bytes);
/* Zeroes the obj_size bytes at obj, lays the object out over mem, and zeroes
   it again on failure (so a failed init leaves no dangling pointers). The
   caller validates cfg first; a NULL layout or obj, or mem NULL with
   mem_bytes > 0, gives AVLOC_ERR_NULL with nothing written (mem NULL with 0
   bytes runs the layout as a query would: avloc_nn.h uses that to learn
   why a file fails). */
AVLOC_API avloc_result avloc_layout_init(avloc_layout_fn layout, void *obj, size_t obj_size,
                                         const void *cfg, void *mem, size_t mem_bytes);

/* ----------------------------------------------------------- finite checks */

/* 1 if all n values are finite (no NaN, no infinity); x == NULL with n > 0
   counts as not finite (0). */
AVLOC_API int avloc_all_finite_f32(const float *x, size_t n);
AVLOC_API int avloc_all_finite_f64(const double *x, size_t n);

/* (internal) An output whose float arithmetic overflowed on finite input of
   huge magnitude (sums or powers past FLT_MAX) is no answer: x[0..n) set to
   0 and AVLOC_ERR_NUMERIC; else AVLOC_OK. The modules' maps share it. */
static inline avloc_result avloc__finite_or_zero_f32(float *x, size_t n)
{
    if (avloc_all_finite_f32(x, n)) return AVLOC_OK;
    memset(x, 0, n * sizeof *x);
    return AVLOC_ERR_NUMERIC;
}

/* (internal) 1 if a_bytes at a and b_bytes at b share a byte (a NULL
   pointer or a zero size shares none). An output that overlaps what the
   same call reads or writes elsewhere would be read after it was written:
   the modules refuse it with AVLOC_ERR_PARAM (MEMORY above). Addresses are
   compared as integers, without forming a pointer past either buffer. */
static inline int avloc__overlaps(const void *a, size_t a_bytes, const void *b, size_t b_bytes)
{
    uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;
    if (!a || !b || !a_bytes || !b_bytes) return 0;
    return x <= y ? y - x < a_bytes : x - y < b_bytes;
}

/* (internal) The same for na and nb floats (a count whose bytes pass
   SIZE_MAX counts as SIZE_MAX bytes: no wrap-around). */
static inline int avloc__overlaps_f32(const float *a, size_t na, const float *b, size_t nb)
{
    const size_t m = SIZE_MAX / sizeof(float);
    return avloc__overlaps(a, na > m ? SIZE_MAX : na * sizeof *a, b, nb > m ? SIZE_MAX : nb * sizeof *b);
}

/* (internal) 1 if an output of n floats at out neither is the input x (in
   place) nor lies apart from it: the rule of the functions whose header
   says "out may equal x". */
static inline int avloc__partly_overlaps_f32(const float *x, const float *out, size_t n)
{
    return out != x && avloc__overlaps_f32(x, n, out, n);
}

/* (internal) One buffer of a call: where it starts, how many bytes it
   spans and whether the call writes it (an output, its scratch). A call
   lists its buffers and refuses a clash (avloc__clash) before it writes. */
typedef struct avloc__span { const void *p; size_t bytes; int written; } avloc__span;

/* (internal) The bytes spanned by rows rows of cols elements of size bytes,
   ld elements apart (a vector: one row), saturating at SIZE_MAX. */
static inline size_t avloc__span_bytes(size_t rows, size_t cols, size_t ld, size_t size)
{
    size_t n;
    if (!rows || !cols) return 0;
    if (ld && rows - 1 > (SIZE_MAX - cols) / ld) return SIZE_MAX;
    n = (rows - 1) * ld + cols;
    return n > SIZE_MAX / size ? SIZE_MAX : n * size;
}

static inline avloc__span avloc__span_of(const void *p, size_t bytes, int written)
{
    avloc__span s;
    s.p = p;
    s.bytes = bytes;
    s.written = written;
    return s;
}

/* (internal) n floats read (rd) or written (wr). */
static inline avloc__span avloc__rd_f32(const float *p, size_t n)
{
    return avloc__span_of(p, avloc__span_bytes(1, n, n, sizeof *p), 0);
}
static inline avloc__span avloc__wr_f32(const float *p, size_t n)
{
    return avloc__span_of(p, avloc__span_bytes(1, n, n, sizeof *p), 1);
}

/* (internal) The extent [base, base + bytes). */
static inline avloc_extent avloc__extent_at(const void *base, size_t bytes)
{
    avloc_extent e;
    e.base = base;
    e.bytes = bytes;
    return e;
}

/* (internal) What an arena has laid out so far: a layout function stores
   it in its object (obj->mem) after its last push. */
static inline avloc_extent avloc__extent_of(const avloc_arena *a)
{
    return avloc__extent_at(a->base, a->used);
}

/* (internal) No object memory: a call whose object is not built yet (a
   one-shot call lays it out in its scratch) or that has none. */
static inline avloc_extent avloc__no_extent(void)
{
    return avloc__extent_at(NULL, 0);
}

/* (internal) An object's memory as one buffer of a call: written when the
   call changes the object (a stream's push), else read. */
static inline avloc__span avloc__object_span(avloc_extent e, int written)
{
    return avloc__span_of(e.base, e.bytes, written);
}

/* (internal) The scratch an arena has handed out so far (written). */
static inline avloc__span avloc__arena_span(const avloc_arena *a)
{
    return avloc__span_of(a->base, a->used, 1);
}

/* (internal) 1 if a buffer the call writes shares a byte with any other of
   its n buffers (inputs may share with each other). AVLOC__CLASH: over a
   local array of spans. */
#define AVLOC__CLASH(spans) avloc__clash(spans, sizeof spans / sizeof *spans)
static inline int avloc__clash(const avloc__span *s, size_t n)
{
    size_t i, j;
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++)
            if ((s[i].written || s[j].written) && avloc__overlaps(s[i].p, s[i].bytes, s[j].p, s[j].bytes))
                return 1;
    return 0;
}

/* (internal) The scratch a call may touch before it has checked the size
   it was given: what it needs, never past what it was given. */
static inline size_t avloc__scratch_used(size_t given, size_t need)
{
    return given < need ? given : need;
}

/* (internal) avloc__clash over a call's n buffers and the used bytes of its
   scratch (written). */
static inline int avloc__clash_scratch(const avloc__span *s, size_t n, const void *scratch, size_t used)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (avloc__overlaps(s[i].p, s[i].bytes, scratch, used)) return 1;
    return avloc__clash(s, n);
}

/* ------------------------------------------------- small linear algebra */
/* Row-major, double precision, leading dimension = number of columns unless
   an explicit ld is given. These are meant for small matrices (n up to a few
   hundred); large products go through avloc_gemm_f64. */

/* In-place Cholesky A = L L^T of an n x n SPD matrix (lower triangle used and
   overwritten with L; the strict upper triangle is zeroed). Returns
   AVLOC_ERR_NUMERIC if A is not positive definite (or holds a NaN),
   AVLOC_ERR_NULL for A == NULL (n > 0), AVLOC_ERR_SIZE for lda < n; n == 0
   is a no-op. The three helpers below have no error channel: a NULL matrix
   makes solve and inverse no-ops and logdet NaN. */
AVLOC_API avloc_result avloc_chol_f64(double *A, size_t n, size_t lda);
/* Solve L L^T X = B in place (B is n x m, row-major with ldb; B may not
   overlap L). */
AVLOC_API void avloc_chol_solve_f64(const double *L, size_t n, size_t lda,
                                    double *B, size_t m, size_t ldb);
/* log|A| from its Cholesky factor. */
AVLOC_API double avloc_chol_logdet_f64(const double *L, size_t n, size_t lda);
/* Inverse of an SPD matrix from its Cholesky factor into Ainv (n x n; Ainv
   may not overlap L: no error channel here, so it is not checked). */
AVLOC_API void avloc_chol_inverse_f64(const double *L, size_t n, size_t lda,
                                      double *Ainv, size_t ldi);

/* --------------------------------------------------------------- threads */
/* The library starts no thread and holds no pool. A caller that has one
   hands it in as an avloc_threads (a field of the configs that use it:
   avloc_tsvd_config, avloc_rpca_config; an argument of
   avloc_gemm_threads_*), and the few operations large enough to pay for it
   split their work into tasks: the GEMM by rows or columns of C, the SVT's
   Gram matrix, products and input check, the plain RPCA's element-wise
   pass (docs/threads.md).

   run(pool, fn, ctx, ntasks) must call fn(ctx, task, worker) exactly once
   for every task in [0, ntasks), each call with a worker index below
   `workers` that no other call running at the same time has (a task uses
   the scratch of its worker), and return once every call has returned. The
   calling thread may run tasks itself, in any order. run == NULL, or
   workers 0 or 1, runs the tasks one after the other on the calling thread
   (worker 0). workers must not exceed AVLOC_MAX_WORKERS (configs that
   exceed it are refused with AVLOC_ERR_PARAM); scratch grows with it.

   Results depend neither on the order of the tasks, nor on the thread that
   ran each, nor on the worker count: a GEMM split by rows or columns gives
   the serial call's bits, and sums (the SVT's Gram matrix, the RPCA's
   residual norms) are split into AVLOC_SLABS fixed slabs, whatever the
   workers, added in slab order (one worker runs the same slabs in turn).
   So a caller may size its pool to the machine and still get the bits of
   a one-thread run. */
#ifndef AVLOC_MAX_WORKERS
#define AVLOC_MAX_WORKERS 256
#endif
/* The slabs of a threaded sum (above): also its most useful workers. */
#ifndef AVLOC_SLABS
#define AVLOC_SLABS 8
#endif
#if AVLOC_SLABS < 1
#error "AVLOC_SLABS must be at least 1"
#endif
/* The fixed slabs of a sum over `units` (rows, blocks, chunks): at most
   AVLOC_SLABS, at least one, never more than units; never the worker
   count, so the sum's bits do not depend on it. */
static inline size_t avloc__slabs(size_t units)
{
    return units < 1 ? 1 : units < AVLOC_SLABS ? units : AVLOC_SLABS;
}
typedef void (*avloc_task_fn)(void *ctx, size_t task, size_t worker);
typedef struct avloc_threads {
    void (*run)(void *pool, avloc_task_fn fn, void *ctx, size_t ntasks);
    void *pool;
    size_t workers;
} avloc_threads;
/* The worker count in use: th->workers when th and th->run are set and it
   is above 1, else 1 (NULL th: 1). */
AVLOC_API size_t avloc_threads_workers(const avloc_threads *th);
/* Runs the tasks through th (serially when avloc_threads_workers(th) == 1
   or ntasks <= 1). */
AVLOC_API void avloc_threads_run(const avloc_threads *th, avloc_task_fn fn, void *ctx, size_t ntasks);

/* ------------------------------------------------------------------ GEMM */
/* C = alpha * op(A) * op(B) + beta * C, row-major, one routine per precision
   used by every module (GLLiM's EM, RPCA, the network runtime's im2col
   convolutions). op(A) is m x k, op(B) is k x n, C is m x n; transa/transb:
   0 = as stored, 1 = transposed (A stored k x m, B stored n x k). lda, ldb,
   ldc: row strides in elements, at least the stored number of columns (and
   at least 1). As in BLAS: beta == 0 means C is only written (NaN/Inf in C
   do not propagate), alpha == 0 or k == 0 means C = beta * C with A and B
   not read; m == 0 or n == 0 is a no-op. A, B, C must not be NULL, and C
   must not overlap A or B.

   Speed comes from packing panels of op(A) and op(B) into caller scratch
   (a register-tiled micro-kernel of the SIMD layer, chosen at run time on
   x86 like every kernel). avloc_gemm_scratch_* gives the bytes for a shape
   (the same for every instruction set this build may run, so it can be
   queried once; it grows with min(m, 96), min(n, 2048) and min(k, 256)
   only, so scratch for the largest shape serves every smaller one). Then:
   - scratch with at least that many bytes: the packed kernel;
   - scratch == NULL (scratch_bytes ignored): a plain loop, no packing:
     correct, several times slower on large products (fine for tiny ones);
   - scratch != NULL but too small: AVLOC_ERR_WORKSPACE, C untouched.
   With AVLOC_USE_CBLAS the product runs in cblas_sgemm/cblas_dgemm after the
   very same checks (scratch unused; sizes above INT_MAX: AVLOC_ERR_SIZE).
   With AVLOC_GEMM_SMALL there is no packed kernel: the query gives 0 and
   every product runs the plain loop (any scratch ignored).
   Errors: NULL (A, B, C or bytes), PARAM (transa/transb not 0 or 1), SIZE
   (an ld below its minimum), WORKSPACE, OVERFLOW (query).

   Convolution as im2col: out[Co x HW] = W[Co x K] * cols[K x HW] + bias:
   fill each row of out with its bias, then call with beta = 1 (or beta = 0
   and add the bias after). */
AVLOC_API avloc_result avloc_gemm_scratch_f32(size_t m, size_t n, size_t k, size_t *bytes);
AVLOC_API avloc_result avloc_gemm_scratch_f64(size_t m, size_t n, size_t k, size_t *bytes);
AVLOC_API avloc_result avloc_gemm_f32(int transa, int transb, size_t m, size_t n, size_t k,
                                      float alpha, const float *A, size_t lda,
                                      const float *B, size_t ldb,
                                      float beta, float *C, size_t ldc,
                                      void *scratch, size_t scratch_bytes);
AVLOC_API avloc_result avloc_gemm_f64(int transa, int transb, size_t m, size_t n, size_t k,
                                      double alpha, const double *A, size_t lda,
                                      const double *B, size_t ldb,
                                      double beta, double *C, size_t ldc,
                                      void *scratch, size_t scratch_bytes);
/* The same product split over the caller's threads: C's rows (when m >= n)
   or columns in blocks of whole micro-kernel tiles, one packed GEMM per
   task in its worker's share of scratch. Bit-identical to avloc_gemm_*.
   Scratch: avloc_gemm_threads_scratch_* for the worker count in use
   (avloc_threads_workers(th)); th NULL or one worker, or scratch NULL: the
   plain avloc_gemm_* call. Same errors as avloc_gemm_*, and PARAM for a
   worker count above AVLOC_MAX_WORKERS. */
AVLOC_API avloc_result avloc_gemm_threads_scratch_f32(size_t m, size_t n, size_t k, size_t workers,
                                                      size_t *bytes);
AVLOC_API avloc_result avloc_gemm_threads_scratch_f64(size_t m, size_t n, size_t k, size_t workers,
                                                      size_t *bytes);
AVLOC_API avloc_result avloc_gemm_threads_f32(const avloc_threads *th, int transa, int transb, size_t m,
                                              size_t n, size_t k, float alpha, const float *A, size_t lda,
                                              const float *B, size_t ldb, float beta, float *C, size_t ldc,
                                              void *scratch, size_t scratch_bytes);
AVLOC_API avloc_result avloc_gemm_threads_f64(const avloc_threads *th, int transa, int transb, size_t m,
                                              size_t n, size_t k, double alpha, const double *A, size_t lda,
                                              const double *B, size_t ldb, double beta, double *C, size_t ldc,
                                              void *scratch, size_t scratch_bytes);

#ifndef AVLOC_NO_LINALG
/* ---------------------------------------------------- SVD, eigh, Sylvester */
/* Dense factorisations for small and medium matrices, all row-major with
   leading dimensions in elements, all with per-call caller scratch whose size
   the *_scratch_* query gives (same conventions as the GEMM: NULL bytes ->
   AVLOC_ERR_NULL, too small -> AVLOC_ERR_WORKSPACE with nothing written).
   Inputs are never modified. Errors write nothing: NULL (a required pointer),
   SIZE (a zero dimension, an ld below its minimum), OVERFLOW (the scratch
   size), NONFINITE (NaN/Inf in an input), WORKSPACE, NUMERIC (no convergence,
   or a singular Sylvester operator).

   SVD: A (m x n) = U diag(s) Vt with r = min(m, n), s descending and >= 0,
   U m x r (orthonormal columns), Vt r x n (orthonormal rows); U or Vt may be
   NULL when not wanted (then ldu / ldvt are ignored). One-sided (Hestenes)
   Jacobi on the columns of A (of A^T when m < n) in double precision: every
   singular value above ~1e-16 ||A||_F gets a small RELATIVE error (~1e-15
   times a modest factor of the column scaling), also the small ones of
   ill-conditioned matrices, unlike bidiagonalisation methods whose small
   singular values are accurate only relative to s[0]. Columns whose squared
   norm falls below eps^2 ||A||_F^2 are treated as zero: such singular values
   come out as exactly 0 with a completed (arbitrary orthonormal) vector
   (diag(1, 1e-9, 1e-18) gives 1, 1e-9, 0; numpy 1e-18). Cost O(sweeps *
   m * n^2) with n = min(m, n), 6-10 sweeps: meant for n up to a few
   hundred (for larger low-rank problems use
   avloc_tsvd_f32). Columns for exactly zero singular values are completed to
   an orthonormal set, so U and Vt are always orthonormal. The _f32 variant
   reads and writes float and computes everything in double (its scratch holds
   a double copy of A). */
AVLOC_API avloc_result avloc_svd_scratch_f64(size_t m, size_t n, size_t *bytes);
AVLOC_API avloc_result avloc_svd_f64(size_t m, size_t n, const double *A, size_t lda,
                                     double *U, size_t ldu, double *s, double *Vt, size_t ldvt,
                                     void *scratch, size_t bytes);
AVLOC_API avloc_result avloc_svd_scratch_f32(size_t m, size_t n, size_t *bytes);
AVLOC_API avloc_result avloc_svd_f32(size_t m, size_t n, const float *A, size_t lda,
                                     float *U, size_t ldu, float *s, float *Vt, size_t ldvt,
                                     void *scratch, size_t bytes);

/* Symmetric eigendecomposition A = V diag(w) V^T of an n x n matrix (only
   the lower triangle is read, as scipy.linalg.eigh's default), w ascending
   as scipy.linalg.eigh, V's columns the unit eigenvectors (V may be NULL;
   then ldv is ignored). Cyclic two-sided Jacobi in double: eigenvalues with
   absolute error ~1e-15 * ||A||, eigenvectors orthonormal to ~1e-15 *
   sqrt(n); O(sweeps * n^3), for n up to a few hundred. */
AVLOC_API avloc_result avloc_eigh_scratch_f64(size_t n, size_t *bytes);
AVLOC_API avloc_result avloc_eigh_f64(size_t n, const double *A, size_t lda, double *w,
                                      double *V, size_t ldv, void *scratch, size_t bytes);

/* The same contract (lower triangle read, w ascending, V's columns the unit
   eigenvectors, V may be NULL, the same errors) by Householder
   tridiagonalisation and implicit QL with Wilkinson-type shifts, the
   eigenvectors accumulated by plane rotations (EISPACK tql2's method, the
   vectors stored as contiguous rows). O(n^3) once (~9 n^3 flops with V,
   ~2 n^3 without) instead of per sweep: ~10x faster than the Jacobi
   routine cold at n = 200-300; the Jacobi one stays better for a matrix
   that is already nearly diagonal (docs/linalg.md, "Which eigensolver").
   Eigenvalues with absolute error ~1e-15 * ||A|| (backward stable), V
   orthonormal to ~1e-15 * sqrt(n). Scratch n^2 + 2n doubles. */
AVLOC_API avloc_result avloc_eigh_tridiag_scratch_f64(size_t n, size_t *bytes);
AVLOC_API avloc_result avloc_eigh_tridiag_f64(size_t n, const double *A, size_t lda, double *w,
                                              double *V, size_t ldv, void *scratch, size_t bytes);

/* Sylvester equation M C + C N = R with M (k x k) and N (t x t) symmetric
   (lower triangles read), R and C k x t. Solved through M = P diag(mu) P^T
   and N = Q diag(nu) Q^T: C = P [(P^T R Q) ./ (mu_i + nu_j)] Q^T. Returns
   AVLOC_ERR_NUMERIC when some mu_i + nu_j is 0 (or below 1e-14 of the
   largest |mu| + |nu|): the equation is singular. C may not alias R. */
AVLOC_API avloc_result avloc_sylvester_sym_scratch_f64(size_t k, size_t t, size_t *bytes);
AVLOC_API avloc_result avloc_sylvester_sym_f64(size_t k, size_t t, const double *M, size_t ldm,
                                               const double *N, size_t ldn, const double *R, size_t ldr,
                                               double *C, size_t ldc, void *scratch, size_t bytes);
/* The diagonal step both Sylvester solvers share: X[i][j] /= mu_i + nu_j
   (X k x t, row stride ldx), or AVLOC_ERR_NUMERIC (X untouched) when some
   |mu_i + nu_j| <= 1e-14 (max |mu| + max |nu|), i.e. the equation is singular.
   AVLOC_ERR_NULL for a NULL pointer, AVLOC_ERR_SIZE for ldx < t; k or t == 0
   is a no-op. */
AVLOC_API avloc_result avloc_sylvester_diag_f64(double *X, size_t k, size_t t, size_t ldx,
                                                const double *mu, const double *nu);

/* ------------------------------------------------- truncated SVD and SVT */
/* Randomised truncated SVD (Halko, Martinsson & Tropp 2011, Alg. 4.4 with
   re-orthonormalised power iterations) of an m x n float matrix, for the
   singular value thresholding steps of robust PCA on large matrices
   (76800 x 200 video). For a rank-k request it builds a basis Q (m x l,
   l = k + oversample, at most min(m, n)) of the range of A Omega, where
   Omega (n x l) is the previous call's right singular subspace (the warm
   start) completed with uniform [-1, 1) columns from the object's own generator,
   runs power_iters rounds of Q <- orth(A orth(A^T Q)), then takes the small
   SVD of B = Q^T A (l x n, Jacobi in double) and returns U = Q U_B.
   Products go through avloc_gemm_f32 (packed SIMD kernel, or CBLAS).

   STATE: the object is MUTABLE (unlike the library's other objects): it
   holds its working memory, the warm-start subspace and the generator, so
   use one object per thread, and results depend on the call history
   (deterministic for a given seed and sequence of calls). avloc_tsvd_reset
   forgets the warm start and reseeds.

   Accuracy: the leading singular values/vectors are accurate to float
   precision when the spectrum has a gap after k (as a low-rank plus sparse
   matrix has); with a flat tail the error is bounded by roughly the (k+1)-th
   singular value (HMT bounds; more power_iters tighten it). Measured numbers
   are in docs/linalg.md. */
/* How avloc_svt_f32 computes (avloc_tsvd_config.svt_method):
   - AVLOC_SVT_AUTO (0, default): per call, the cheaper of the two below by
     the cost rule of avloc_svt_f32 (the Gram path only when
     min(m, n) <= AVLOC_SVT_GRAM_MAX);
   - AVLOC_SVT_RANDOMISED: always the randomised range finder with rank
     prediction;
   - AVLOC_SVT_GRAM: always the exact Gram path (init refuses it with
     AVLOC_ERR_PARAM when min(m, n) > AVLOC_SVT_GRAM_MAX). */
#define AVLOC_SVT_AUTO 0
#define AVLOC_SVT_RANDOMISED 1
#define AVLOC_SVT_GRAM 2
/* Largest small side min(m, n) for the Gram path: its object memory is
   3 s^2 doubles + s^2 floats + the s x s eigensolver scratch, and its
   tridiagonal eigensolver costs O(s^3) per call. */
#ifndef AVLOC_SVT_GRAM_MAX
#define AVLOC_SVT_GRAM_MAX 512
#endif

typedef struct avloc_tsvd_config {
    size_t m, n;          /* matrix shape (both >= 1) */
    size_t max_rank;      /* largest k any call may ask for (1..min(m, n)) */
    size_t oversample;    /* extra basis columns (default 10) */
    size_t power_iters;   /* power iterations (default 2) */
    uint64_t seed;        /* generator seed (default 0x5eed) */
    int svt_method;       /* AVLOC_SVT_AUTO (default), _RANDOMISED or _GRAM */
    int assume_finite;    /* 1: the caller has checked that every A it passes is finite, and
                             avloc_tsvd_f32 / avloc_svt_f32 skip their pass over A for
                             AVLOC_ERR_NONFINITE (a plain RPCA iteration checks T while it
                             writes it); a non-finite A is then caught later (an error from
                             the eigensolvers) or gives unspecified values. Default 0: checked */
    avloc_threads threads; /* the caller's pool (default none: serial); memory grows
                              with its workers; results are the serial bits */
} avloc_tsvd_config;

typedef struct avloc_tsvd {
    avloc_tsvd_config cfg;
    size_t lmax;          /* basis columns allocated: min(max_rank + oversample, min(m, n)) */
    size_t warm;          /* columns of the warm-start subspace held in vbuf (0: none) */
    size_t sv;            /* SVT's predicted rank for the next call (PROPACK rule) */
    int capped;           /* last SVT wanted more than max_rank values (result truncated) */
    size_t runs;          /* range-finder runs of the last SVT call (1 when the prediction held;
                             0 when the Gram path ran) */
    size_t rnd_runs;      /* runs of the last randomised SVT call (1 before any): the cost
                             rule expects as many for the next */
    int gram;             /* 1 when the last SVT call took the Gram path */
    uint64_t rng;         /* generator state */
    /* private work areas in the object memory */
    float *q, *y, *vbuf, *ms, *ub;
    double *ob, *og, *bd, *vbd, *small; /* ob: per worker 2 AVLOC__TSVD_ORTH_ROWS x lmax; og: slab sums */
    void *work;           /* GEMM packing / eigh / SVD scratch */
    size_t work_bytes;
    size_t workers;       /* avloc_threads_workers(&cfg.threads) */
    void *tw;             /* GEMM packing, one share per worker (work when 1) */
    size_t tw_bytes;      /* all shares */
    unsigned char *bad;   /* per worker: a non-finite input value seen */
    double *gg, *gv, *gz; /* Gram path (NULL without it): s x s Gram, eigenvectors, factor */
    double *gw, *gx;      /* s eigenvalues; per worker a chunk of A (128 x s; in double with
                             CBLAS or AVLOC_GEMM_SMALL, else a wide A's columns as floats) */
    double *gk;           /* per worker the chunk's packed panels (128 x (s + 16 + 6)) */
    double *gp;           /* Gram slabs 1.. ((avloc__slabs(chunks) - 1) s^2) */
    float *gf, *gc;       /* s x s float W; per worker a chunk (1024 x s) for in-place calls */
    int ready;            /* 1 after a successful init */
    avloc_extent mem;     /* the object memory: calls refuse A and their outputs over it */
} avloc_tsvd;

/* oversample 10, power_iters 2, seed 0x5eed; m, n and max_rank are 0 and
   must be set (zero sizes are refused). */
AVLOC_API avloc_tsvd_config avloc_tsvd_config_default(void);
AVLOC_API avloc_result avloc_tsvd_query(const avloc_tsvd_config *cfg, size_t *bytes);
AVLOC_API avloc_result avloc_tsvd_init(avloc_tsvd *t, const avloc_tsvd_config *cfg, void *mem, size_t bytes);
AVLOC_API void avloc_tsvd_reset(avloc_tsvd *t);
AVLOC_API void avloc_tsvd_destroy(avloc_tsvd *t);
/* Rank-k SVD of A (m x n float, lda >= n), 1 <= k <= max_rank: s (k values,
   descending), U m x k, Vt k x n (either may be NULL). Updates the warm
   start. Errors write nothing to the outputs. */
AVLOC_API avloc_result avloc_tsvd_f32(avloc_tsvd *t, const float *A, size_t lda, size_t k,
                                      float *U, size_t ldu, float *s, float *Vt, size_t ldvt);
/* Singular value thresholding: out = U max(S - tau, 0) V^T (m x n), the
   proximal step of tau * nuclear norm. Computes only as many singular values
   as needed, with the rank prediction of the IALM/PROPACK code: it asks for
   t->sv values (initially min(10, max_rank)); while the smallest computed one
   is still > tau and fewer than max_rank were computed, it asks again for
   (the number of computed values > tau, oversampled ones included) +
   max(1, round(0.05 * min(m, n))) (warm-started), unless the oversampled
   values fall below tau with at least half of the oversampling to spare:
   those are then taken from the same run (a rank that grew by a few; their
   Ritz values are lower bounds, so a value within the power iteration's
   error of tau may be left out, as the reference IALM code, which never
   retries, may leave out many); then *rank = number of
   values > tau and the next prediction is rank + 1 when rank < computed, else
   rank + 5 % of min(m, n) (capped at max_rank). If max_rank values are all
   above tau the result is the thresholded rank-max_rank approximation and
   t->capped is set. out may be A itself (same pointer and ldo == lda): A is
   read completely before out is written. tau >= 0 (NaN -> PARAM).

   Gram path (cfg.svt_method, above): with s = min(m, n) small, the SVT is
   computed exactly through the s x s Gram matrix instead: G = A^T A (A A^T
   when m < n) accumulated in double (chunks of 128 rows of A, converted
   while a kernel on the tiles of the lower triangle packs them; AVLOC_SLABS fixed slabs of
   chunks, whatever cfg.threads, the slabs added in order), G = V diag(s_i^2) V^T by
   avloc_eigh_tridiag_f64 (cold every call), and out = A W (W A when
   m < n) with W = sum_{s_i > tau} (1 - tau/s_i) v_i v_i^T: one float GEMM, or two thin ones (A V_k, then
   times diag(1 - tau/s) V_k^T) when the rank k <= s/2. No range finder, no
   rank prediction, all singular values seen. Accuracy: eigenvalues of G to
   ~1e-15 ||A||_2^2 absolute, so each s_i to ~1e-15 ||A||_2^2 / (2 s_i);
   components with s_i below ~3e-8 ||A||_2 are not resolved (their weight
   s_i - tau is as small); the result carries float GEMM rounding (~1e-7
   relative). A float Gram would resolve only s_i above ~3e-4 ||A||_2, which
   is why it accumulates in double.
   AVLOC_SVT_AUTO takes it when min(m, n) <= AVLOC_SVT_GRAM_MAX and this
   cost model (float multiply-adds, a double one counted twice; constants
   measured on 76 800 x 200, docs/linalg.md) says it is cheaper:
       Gram:       m n (1.33 s + min(s, 2 k)) + 200 s^3
       randomised: r (m n l (3 + 2 p) + 6 (1 + p) max(m, n) l^2
                      + 760 (1 + 2 p) l^3 + 65 (1 + p) m n)
   with k = t->sv (the predicted rank), l = min(k + oversample, s), p =
   power_iters, r = the range-finder runs the last randomised call needed
   (t->rnd_runs: while the rank grows, a call takes two). The last term is
   what does not shrink with l: the four passes over A and the basis'
   orthonormalisation (fitted 2026-12-01 as the packing of A, which the
   products no longer do; the model still gave the measured ratio of the
   two paths within 5 % on 2026-12-04: 53 against 98 ms at l = 12, 68
   against 100 ms at l = 20); the cubic ones are older measurements (the
   s x s solve is now the tridiagonal one, ~60 s^3: the Gram term is
   overrated). Worker threads are not in the model. So at 76 800 x 200 low
   ranks stay randomised and the Gram path takes over once a call needs
   two runs (rank ~12 and growing). In AUTO a call whose first run shows
   the rank past its basis (no retry, above) finishes on the Gram path at
   once (a retry costs about as much, and the Gram path sees every value);
   a Gram call whose rank came out at most the prediction resets r to 1,
   so that the randomised path returns while the rank holds still (plain
   RPCA of 76 800 x 200: iterations 2-16, ranks 1-6). After a Gram call
   (m >= n) the randomised warm start holds the top right singular vectors;
   t->sv follows the same prediction rule as the randomised path; t->gram =
   1, t->runs = 0. */
AVLOC_API avloc_result avloc_svt_f32(avloc_tsvd *t, const float *A, size_t lda, float tau,
                                     float *out, size_t ldo, size_t *rank);
#endif /* !AVLOC_NO_LINALG */

/* log(sum(exp(x))) computed stably; -INFINITY for n == 0, NaN for x == NULL
   with n > 0 (a NaN in x propagates as IEEE arithmetic does; not under
   -ffast-math). */
AVLOC_API double avloc_logsumexp_f64(const double *x, size_t n);

/* ============================================================ safetensors */
/* A section of its own (most of this header's code): define
   AVLOC_NO_SAFETENSORS to leave out its declarations and implementation
   (GLLiM then has no model-file functions). */
#ifndef AVLOC_NO_SAFETENSORS
/* The library's one model container: safetensors files
   (https://github.com/huggingface/safetensors), read from and written to
   caller memory without any allocation.

   FILE LAYOUT: u64 little-endian N, N bytes of UTF-8 JSON, data buffer. The
   JSON object maps tensor names to {"dtype","shape","data_offsets":[b,e]}
   (offsets relative to the buffer, row-major little-endian data) and may
   hold "__metadata__": a string -> string map.

   READING. avloc_st_open() validates the whole file once: header length
   (<= 100,000,000 and inside the file), strict JSON (UTF-8, escapes with
   surrogate pairs, number grammar, nesting depth <= AVLOC_ST_MAX_DEPTH),
   header starting with '{' (trailing whitespace allowed), for every tensor
   a known dtype, shape (each dim <= AVLOC_MAX_DIM, byte count overflow
   checked) and data_offsets with end-begin == bytes, offsets covering the
   buffer exactly to the end of the file with no gap or overlap (zero-byte
   tensors must sit on a tensor boundary, as in the reference reader), no
   duplicate tensor names or metadata keys, metadata values strings (or
   "__metadata__": null). Unknown members inside a tensor object are
   checked for JSON syntax and ignored, as the reference reader does.
   Hostile or malformed input gives AVLOC_ERR_FORMAT; nothing outside
   [data, data+size) is ever read.

   HOW LOOKUPS WORK WITHOUT MEMORY. The reader keeps only pointers into the
   caller's image (which must outlive it and stay unchanged) and a few
   counts. Every lookup re-scans the header JSON, which is small and already
   validated: find is O(header bytes), iteration with avloc_st_next() is
   O(1) amortised per tensor, avloc_st_tensor_at() is O(header bytes).
   Validation needs two checks that normally want memory: duplicate names
   and exact coverage of the buffer when the header does not list tensors
   in data order. Without memory they are done with bounded rescans of the
   header: names go through a small on-stack hash filter
   (AVLOC_ST_BLOOM_BITS) and only filter hits are compared, in batches of
   32 per rescan; an unordered header is checked 64 tensors per rescan.
   Files in data order (every known writer, this one included) validate in
   about one pass; the worst case is O(header bytes * tensors / 32), and
   AVLOC_ST_MAX_TENSORS (default 4096) caps the number of tensors and of
   metadata pairs (more gives AVLOC_ERR_UNSUPPORTED). Measured: 4096
   tensors open in ~0.02 s in data order, ~0.2 s reversed. Stack use is
   about 4.5 KiB with the defaults. AVLOC_ST_SMALL (microcontrollers, files
   of a few tensors) drops the filter: every name is compared with every
   earlier one by rescans and an unordered header is checked one tensor per
   rescan, O(header bytes * tensors), less code and ~4 KiB less stack
   (avloc_st_open's frame on a Cortex-M4: 4392 -> 392 bytes).

   Tensor data is returned as a pointer into the image and may be
   misaligned: read it with the avloc_st_*_f32/f64/i32/i64 converters or
   memcpy, never by casting. Names are returned raw (as stored in JSON,
   possibly with escapes); avloc_st_tensor_name() unescapes them.

   WRITING. avloc_st_begin(w, buf, cap) starts a file in caller memory
   (buf == NULL: measure only). avloc_st_add() and avloc_st_add_meta() may be
   called in any order; avloc_st_finish() pads the header with spaces to a
   multiple of 8 bytes, lays out header + data and returns the file size.
   The JSON header is built at the front of buf while tensor data is staged
   at its end, so the exact file size from a measuring pass is enough
   memory. Output is deterministic: "__metadata__" first (pairs in the
   order added), then tensors in the order added, data in the same order,
   compact JSON with the escaping of Python's json.dumps(ensure_ascii=False)
   (note: the reference Python writer orders tensors by dtype alignment then
   name instead; readers must not care). finish() re-opens the result with
   avloc_st_open(), so the writer never emits a file its reader rejects.
   Data is copied byte for byte: it must already be little-endian. */

#ifndef AVLOC_ST_MAX_TENSORS
#define AVLOC_ST_MAX_TENSORS 4096
#endif
#ifndef AVLOC_ST_MAX_DEPTH
#define AVLOC_ST_MAX_DEPTH 64          /* JSON nesting limit (top object = 1) */
#endif
#ifndef AVLOC_ST_BLOOM_BITS
#define AVLOC_ST_BLOOM_BITS 16384      /* on-stack duplicate-name filter (2 KiB) */
#endif
#define AVLOC_ST_MAX_NDIM 8
#define AVLOC_ST_MAX_HEADER 100000000u /* same limit as the reference reader */

typedef enum avloc_st_dtype {
    AVLOC_ST_INVALID = 0,
    AVLOC_ST_BOOL, AVLOC_ST_U8, AVLOC_ST_I8, AVLOC_ST_F8_E5M2, AVLOC_ST_F8_E4M3,
    AVLOC_ST_I16, AVLOC_ST_U16, AVLOC_ST_F16, AVLOC_ST_BF16,
    AVLOC_ST_I32, AVLOC_ST_U32, AVLOC_ST_F32,
    AVLOC_ST_I64, AVLOC_ST_U64, AVLOC_ST_F64,
    AVLOC_ST_DTYPE_COUNT
} avloc_st_dtype;

/* Bytes per element (0 for an invalid dtype) and the file's name ("F32"). */
AVLOC_API size_t avloc_st_dtype_size(avloc_st_dtype dt);
AVLOC_API const char *avloc_st_dtype_name(avloc_st_dtype dt); /* NULL if invalid */

typedef struct avloc_st_tensor {
    const char *name;      /* raw JSON string body inside the header, not NUL-terminated */
    size_t name_len;       /* bytes at name */
    int name_escaped;      /* 1 if name holds JSON escapes (use avloc_st_tensor_name) */
    avloc_st_dtype dtype;
    size_t ndim;           /* 0 for a scalar */
    size_t shape[AVLOC_ST_MAX_NDIM];
    size_t count;          /* elements: product of shape (1 for a scalar, may be 0) */
    const void *data;      /* into the caller's image; possibly misaligned */
    size_t nbytes;         /* count * avloc_st_dtype_size(dtype) */
} avloc_st_tensor;

/* Filled by avloc_st_open; treat as read-only. */
typedef struct avloc_st_reader {
    const unsigned char *file;   /* the caller's image */
    size_t file_size;
    const char *header;          /* JSON text (header_len bytes, not NUL-terminated) */
    size_t header_len;
    const unsigned char *buffer; /* data buffer, buffer_size bytes */
    size_t buffer_size;
    size_t n_tensors;
    size_t n_meta;               /* pairs in __metadata__ */
    size_t meta_pos;             /* offset in header of the metadata '{', 0 if none */
    size_t meta_from, meta_to;   /* the metadata member's span (from the end of the member
                                    before it): iteration jumps over it instead of parsing a
                                    long graph string again on every lookup (0, 0: none) */
    unsigned magic;              /* set by a successful open */
} avloc_st_reader;

/* Cursor for avloc_st_next; start with avloc_st_iter_begin. */
typedef struct avloc_st_iter {
    size_t pos;
    int state; /* 0: before first member, 1: after a member, 2: done */
} avloc_st_iter;

/* Validate a complete file image. On error *r is zeroed (AVLOC_ERR_NULL,
   AVLOC_ERR_FORMAT, AVLOC_ERR_UNSUPPORTED for > AVLOC_ST_MAX_TENSORS tensors
   or metadata pairs, or > AVLOC_ST_MAX_NDIM dimensions). */
AVLOC_API avloc_result avloc_st_open(avloc_st_reader *r, const void *data, size_t size);
AVLOC_API size_t avloc_st_count(const avloc_st_reader *r);  /* tensors (0 if not open) */

/* Find by name (UTF-8, compared after unescaping). AVLOC_ERR_NOT_FOUND if
   absent; AVLOC_ERR_STATE if r is not open. _n takes an explicit length
   (names may contain NUL via \u0000). */
AVLOC_API avloc_result avloc_st_find(const avloc_st_reader *r, const char *name, avloc_st_tensor *t);
AVLOC_API avloc_result avloc_st_find_n(const avloc_st_reader *r, const char *name, size_t len,
                                       avloc_st_tensor *t);
/* The index-th tensor in header order (AVLOC_ERR_NOT_FOUND past the end). */
AVLOC_API avloc_result avloc_st_tensor_at(const avloc_st_reader *r, size_t index, avloc_st_tensor *t);
/* Iteration in header order: returns 1 and fills *t, or 0 at the end (or on error). */
AVLOC_API void avloc_st_iter_begin(const avloc_st_reader *r, avloc_st_iter *it);
AVLOC_API int avloc_st_next(const avloc_st_reader *r, avloc_st_iter *it, avloc_st_tensor *t);
/* Unescaped, NUL-terminated name into buf. *len (optional) receives the
   length without NUL even when buf is too small (AVLOC_ERR_WORKSPACE). */
AVLOC_API avloc_result avloc_st_tensor_name(const avloc_st_tensor *t, char *buf, size_t buflen,
                                            size_t *len);

/* Convert a tensor's elements into out[count]. count must equal the
   tensor's element count exactly (else AVLOC_ERR_SIZE). Accepted dtypes:
   f32/f64: F32, F64, F16, BF16.   i64: all integer types and BOOL.
   i32: all integer types and BOOL, values outside int32 -> AVLOC_ERR_PARAM
   (likewise U64 above INT64_MAX for i64). Other dtypes: AVLOC_ERR_PARAM. */
AVLOC_API avloc_result avloc_st_tensor_f32(const avloc_st_tensor *t, float *out, size_t count);
AVLOC_API avloc_result avloc_st_tensor_f64(const avloc_st_tensor *t, double *out, size_t count);
AVLOC_API avloc_result avloc_st_tensor_i64(const avloc_st_tensor *t, int64_t *out, size_t count);
AVLOC_API avloc_result avloc_st_tensor_i32(const avloc_st_tensor *t, int32_t *out, size_t count);
/* The same, by name. */
AVLOC_API avloc_result avloc_st_read_f32(const avloc_st_reader *r, const char *name, float *out, size_t count);
AVLOC_API avloc_result avloc_st_read_f64(const avloc_st_reader *r, const char *name, double *out, size_t count);
AVLOC_API avloc_result avloc_st_read_i64(const avloc_st_reader *r, const char *name, int64_t *out, size_t count);
AVLOC_API avloc_result avloc_st_read_i32(const avloc_st_reader *r, const char *name, int32_t *out, size_t count);

/* Metadata value for key, unescaped and NUL-terminated into buf.
   AVLOC_ERR_NOT_FOUND if absent, AVLOC_ERR_WORKSPACE if buflen is smaller
   than avloc_st_meta_len()+1. */
AVLOC_API avloc_result avloc_st_meta(const avloc_st_reader *r, const char *key, char *buf, size_t buflen);
AVLOC_API avloc_result avloc_st_meta_len(const avloc_st_reader *r, const char *key, size_t *len);

/* Nested JSON, for modules that keep a JSON document inside a metadata
   string (avloc_nn.h's graph) and read it in place, without a copy: the raw
   (still escaped) body of a metadata value, pointing into the header, and
   the decoder of one character of such a body (advances *p; returns the
   UTF-8 byte count written to out, 0 if malformed or if p, *p, end or out
   is NULL). */
AVLOC_API avloc_result avloc_st_meta_raw(const avloc_st_reader *r, const char *key, const char **raw,
                                         size_t *raw_len);
AVLOC_API int avloc_st_json_char(const char **p, const char *end, unsigned char out[4]);

/* Writer state; a transparent struct the caller owns. */
typedef struct avloc_st_writer {
    unsigned char *buf;   /* caller memory, NULL when measuring */
    size_t cap;
    size_t head;          /* JSON bytes so far (stored at buf + 8) */
    size_t data;          /* tensor bytes so far (staged, reversed, at the end of buf) */
    size_t meta_close;    /* header offset of the '}' closing __metadata__, 0 if none */
    size_t n_tensors, n_meta;
    int measure;          /* 1: only sizes are tracked (buf NULL or too small) */
    int short_buf;        /* buf turned out too small */
    avloc_result status;  /* first hard error; sticky */
} avloc_st_writer;

/* Start a file in buf[cap] (buf == NULL: measure only). */
AVLOC_API avloc_result avloc_st_begin(avloc_st_writer *w, void *buf, size_t cap);
/* Add a tensor (name: NUL-terminated UTF-8, not "__metadata__"; shape may
   be NULL when ndim == 0; data may be NULL when it has 0 bytes or when
   measuring). The data is copied now. AVLOC_ERR_WORKSPACE once buf is too
   small: the writer then keeps measuring so that finish reports the size. */
AVLOC_API avloc_result avloc_st_add(avloc_st_writer *w, const char *name, avloc_st_dtype dtype,
                                    size_t ndim, const size_t *shape, const void *data);
/* Add a __metadata__ pair (NUL-terminated UTF-8 key and value). */
AVLOC_API avloc_result avloc_st_add_meta(avloc_st_writer *w, const char *key, const char *value);
/* Lay out the file; *total (optional) receives its exact size, also when
   measuring or when buf was too small (then AVLOC_ERR_WORKSPACE). Errors:
   a sticky error from add (NULL/PARAM/SIZE/OVERFLOW), AVLOC_ERR_PARAM for
   duplicate tensor names or metadata keys, AVLOC_ERR_SIZE for a header over
   AVLOC_ST_MAX_HEADER or more than AVLOC_ST_MAX_TENSORS tensors. In measure
   mode (or with a too-small buf) duplicates are not detected: no text is
   kept. Call once: afterwards the writer answers AVLOC_ERR_STATE. */
AVLOC_API avloc_result avloc_st_finish(avloc_st_writer *w, size_t *total);
#endif /* !AVLOC_NO_SAFETENSORS */
/* ====================================================== end safetensors */

#ifdef __cplusplus
}
#endif
#endif /* AVLOC_H */

/* ======================================================================= */
/*                           IMPLEMENTATION                                */
/* ======================================================================= */
#if defined(AVLOC_IMPLEMENTATION) && !defined(AVLOC_IMPLEMENTATION_DONE)
#define AVLOC_IMPLEMENTATION_DONE

#include <math.h>
#include <float.h>
#include <string.h>

#ifdef AVLOC_USE_CBLAS
#include <cblas.h>
#include <limits.h>
#endif

AVLOC_API const char *avloc_result_str(avloc_result r)
{
    switch (r) {
    case AVLOC_OK: return "ok";
    case AVLOC_NO_ACTIVE_POINTS: return "no active points: result is the prior";
    case AVLOC_ERR_NULL: return "a required pointer is NULL";
    case AVLOC_ERR_SIZE: return "a size is zero, too large or inconsistent";
    case AVLOC_ERR_OVERFLOW: return "size arithmetic overflow";
    case AVLOC_ERR_WORKSPACE: return "workspace too small";
    case AVLOC_ERR_NONFINITE: return "NaN or infinity in the input";
    case AVLOC_ERR_PARAM: return "parameter out of range";
    case AVLOC_ERR_FORMAT: return "malformed or truncated data";
    case AVLOC_ERR_NOT_FOUND: return "item not found";
    case AVLOC_ERR_NUMERIC: return "numerical failure (singular, not positive definite, no convergence, or overflow)";
    case AVLOC_ERR_UNSUPPORTED: return "not supported by this build";
    case AVLOC_ERR_STATE: return "object not initialised or used out of order";
    }
    return "unknown avloc_result";
}

AVLOC_API int avloc_size_mul(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > (size_t)-1 / a) return 0;
    if (out) *out = a * b;
    return 1;
}

AVLOC_API int avloc_size_add(size_t a, size_t b, size_t *out)
{
    if (b > (size_t)-1 - a) return 0;
    if (out) *out = a + b;
    return 1;
}

AVLOC_API void avloc_arena_init(avloc_arena *a, void *mem, size_t size)
{
    if (!a) return;
    a->base = (unsigned char *)mem;
    a->size = mem ? size : 0;
    a->used = 0;
    a->overflow = 0;
}

AVLOC_API void *avloc_arena_push(avloc_arena *a, size_t count, size_t elem, size_t align)
{
    size_t bytes, start, end, addr, pad;
    if (!a || a->overflow) return NULL;
    /* Alignments above AVLOC_ALIGN are clamped: the slack that
       avloc_arena_needed adds for an unaligned base covers AVLOC_ALIGN only. */
    if (align == 0 || (align & (align - 1)) != 0 || align > AVLOC_ALIGN) align = AVLOC_ALIGN;
    if (!avloc_size_mul(count, elem, &bytes)) { a->overflow = 1; return NULL; }
    /* Pad relative to the real address so alignment holds for any base;
       in measure mode assume the worst case, which avloc_arena_needed adds. */
    addr = a->base ? (size_t)(uintptr_t)a->base + a->used : a->used;
    pad = (align - (addr & (align - 1))) & (align - 1);
    if (!avloc_size_add(a->used, pad, &start) || !avloc_size_add(start, bytes, &end)) {
        a->overflow = 1;
        return NULL;
    }
    a->used = end;
    if (!a->base || end > a->size) return NULL;
    return a->base + start;
}

AVLOC_API avloc_result avloc_arena_status(const avloc_arena *a)
{
    if (!a) return AVLOC_ERR_NULL;
    if (a->overflow) return AVLOC_ERR_OVERFLOW;
    if (a->base && a->used > a->size) return AVLOC_ERR_WORKSPACE;
    return AVLOC_OK;
}

AVLOC_API size_t avloc_arena_needed(const avloc_arena *a)
{
    size_t n;
    if (!a || a->overflow || !avloc_size_add(a->used, AVLOC_ALIGN, &n)) return (size_t)-1;
    return n;
}

AVLOC_API avloc_result avloc_layout_query(avloc_layout_fn layout, const void *cfg,
                                          size_t *obj_bytes, size_t *scratch_bytes)
{
    avloc_arena a;
    size_t sb = 0;
    avloc_result r;
    if (!layout) return AVLOC_ERR_NULL;
    avloc_arena_init(&a, NULL, 0);
    r = layout(&a, NULL, cfg, &sb);
    if (r != AVLOC_OK) return r;
    if (obj_bytes) *obj_bytes = avloc_arena_needed(&a);
    if (scratch_bytes) *scratch_bytes = sb;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_layout_init(avloc_layout_fn layout, void *obj, size_t obj_size,
                                         const void *cfg, void *mem, size_t mem_bytes)
{
    avloc_arena a;
    size_t sb = 0;
    avloc_result r;
    if (!layout || !obj || (!mem && mem_bytes)) return AVLOC_ERR_NULL;
    memset(obj, 0, obj_size);
    avloc_arena_init(&a, mem, mem_bytes);
    r = layout(&a, obj, cfg, &sb);
    if (r == AVLOC_OK) r = avloc_arena_status(&a);
    if (r != AVLOC_OK) memset(obj, 0, obj_size);
    return r;
}

/* Inf/NaN = exponent field all ones, i.e. (u & 0x7f800000) + 0x00800000 has
   bit 31 set. Full blocks of 256 values OR that together without branches,
   which compilers vectorise at -O2 (the early-exit x - x == 0 loop took 15 %
   of the binaural feature time); one test per block keeps an early exit. */
static uint32_t avloc__nonfinite_bits(const float *x, size_t m)
{
    uint32_t bad = 0;
    size_t j;
    for (j = 0; j < m; j++) {
        uint32_t u;
        memcpy(&u, x + j, sizeof u);
        bad |= (u & 0x7f800000u) + 0x00800000u;
    }
    return bad & 0x80000000u;
}

AVLOC_API int avloc_all_finite_f32(const float *x, size_t n)
{
    size_t i = 0;
    if (!x) return n == 0;
    for (; i + 256 <= n; i += 256)
        if (avloc__nonfinite_bits(x + i, 256)) return 0;
    return !avloc__nonfinite_bits(x + i, n - i);
}

AVLOC_API int avloc_all_finite_f64(const double *x, size_t n)
{
    size_t i;
    if (!x) return n == 0;
    for (i = 0; i < n; i++)
        if (!avloc__finite_f64(x[i])) return 0;
    return 1;
}

AVLOC_API avloc_result avloc_chol_f64(double *A, size_t n, size_t lda)
{
    size_t i, j, k;
    if (n == 0) return AVLOC_OK;
    if (!A) return AVLOC_ERR_NULL;
    if (lda < n) return AVLOC_ERR_SIZE;
    for (j = 0; j < n; j++) {
        double d = A[j * lda + j];
        for (k = 0; k < j; k++) d -= A[j * lda + k] * A[j * lda + k];
        if (!(d > 0.0) || !avloc__finite_f64(d)) return AVLOC_ERR_NUMERIC; /* NaN on the bits (-ffast-math) */
        d = sqrt(d);
        A[j * lda + j] = d;
        for (i = j + 1; i < n; i++) {
            double s = A[i * lda + j];
            for (k = 0; k < j; k++) s -= A[i * lda + k] * A[j * lda + k];
            A[i * lda + j] = s / d;
        }
        for (i = j + 1; i < n; i++) A[j * lda + i] = 0.0;
    }
    return AVLOC_OK;
}

AVLOC_API void avloc_chol_solve_f64(const double *L, size_t n, size_t lda,
                                    double *B, size_t m, size_t ldb)
{
    size_t i, k, c;
    if (!L || !B) return; /* no error channel: a NULL is a no-op */
    for (c = 0; c < m; c++) {
        for (i = 0; i < n; i++) { /* forward: L z = b */
            double s = B[i * ldb + c];
            for (k = 0; k < i; k++) s -= L[i * lda + k] * B[k * ldb + c];
            B[i * ldb + c] = s / L[i * lda + i];
        }
        for (i = n; i-- > 0;) { /* backward: L^T x = z */
            double s = B[i * ldb + c];
            for (k = i + 1; k < n; k++) s -= L[k * lda + i] * B[k * ldb + c];
            B[i * ldb + c] = s / L[i * lda + i];
        }
    }
}

AVLOC_API double avloc_chol_logdet_f64(const double *L, size_t n, size_t lda)
{
    double s = 0.0;
    size_t i;
    if (!L && n > 0) return avloc__qnan_f64();
    for (i = 0; i < n; i++) s += log(L[i * lda + i]);
    return 2.0 * s;
}

AVLOC_API void avloc_chol_inverse_f64(const double *L, size_t n, size_t lda,
                                      double *Ainv, size_t ldi)
{
    size_t i, j;
    if (!L || !Ainv) return; /* no error channel: a NULL is a no-op */
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++) Ainv[i * ldi + j] = (i == j) ? 1.0 : 0.0;
    avloc_chol_solve_f64(L, n, lda, Ainv, n, ldi);
    for (i = 0; i < n; i++) /* symmetrise away rounding differences */
        for (j = i + 1; j < n; j++) {
            double v = 0.5 * (Ainv[i * ldi + j] + Ainv[j * ldi + i]);
            Ainv[i * ldi + j] = Ainv[j * ldi + i] = v;
        }
}

/* --------------------------------------------------------------- threads */
AVLOC_API size_t avloc_threads_workers(const avloc_threads *th)
{
    return th && th->run && th->workers > 1 ? th->workers : 1;
}

AVLOC_API void avloc_threads_run(const avloc_threads *th, avloc_task_fn fn, void *ctx, size_t ntasks)
{
    size_t i;
    if (avloc_threads_workers(th) > 1 && ntasks > 1) {
        th->run(th->pool, fn, ctx, ntasks);
        return;
    }
    for (i = 0; i < ntasks; i++) fn(ctx, i, 0);
}

/* Bytes per worker of a per-worker area of `one` bytes (aligned so every
   worker's share starts aligned), times the workers; 0 on overflow. */
static size_t avloc__per_worker(size_t one, size_t workers)
{
    size_t r = (one + AVLOC_ALIGN - 1) / AVLOC_ALIGN * AVLOC_ALIGN, all;
    if (r < one || !avloc_size_mul(r, workers, &all)) return 0;
    return all;
}

/* How a dimension of `dim` is cut into tasks of whole units (micro-kernel
   tiles, chunks): one task per worker, four per worker when there are at
   least 16 units per worker (so a worker slowed by other load does not hold
   the rest back). Returns the units per task. */
#if !defined(AVLOC_USE_CBLAS) || !defined(AVLOC_NO_LINALG)
static size_t avloc__task_units(size_t dim, size_t unit, size_t workers)
{
    size_t units = (dim + unit - 1) / unit, tasks = units < workers ? units : workers;
    if (workers <= 1) return units ? units : 1;
    if (units >= 16 * workers) tasks = 4 * workers;
    if (tasks == 0) tasks = 1;
    return (units + tasks - 1) / tasks;
}
#endif

/* ------------------------------------------------------------------ GEMM */
/* The checks and the scratch layout are shared by both precisions; the
   routines themselves are the GEMM template at the end of this file,
   compiled here once per precision (and inside, once per set). */

static avloc_result avloc__gemm_check(int transa, int transb, size_t m, size_t n, size_t k,
                                      const void *A, size_t lda, const void *B, size_t ldb,
                                      const void *C, size_t ldc)
{
    if (!A || !B || !C) return AVLOC_ERR_NULL;
    if ((transa != 0 && transa != 1) || (transb != 0 && transb != 1)) return AVLOC_ERR_PARAM;
    if (lda == 0 || lda < (transa ? m : k) || ldb == 0 || ldb < (transb ? k : n) || ldc == 0 || ldc < n)
        return AVLOC_ERR_SIZE;
#ifdef AVLOC_USE_CBLAS /* CBLAS takes int sizes */
    if (m > INT_MAX || n > INT_MAX || k > INT_MAX || lda > INT_MAX || ldb > INT_MAX || ldc > INT_MAX)
        return AVLOC_ERR_SIZE;
#endif
    return AVLOC_OK;
}

/* The packed panels in scratch: op(A) rows (MC x KC at most, in MR-tall
   panels), then op(B) columns (KC x NC at most, in NR-wide panels) for the
   widest NR of the build. Nothing is packed when the product is empty. */
#ifndef AVLOC_GEMM_SMALL
static void avloc__gemm_layout(avloc_arena *ar, size_t m, size_t n, size_t k, size_t elem, size_t nrmax,
                               void **ap, void **bp)
{
    size_t mc = m < AVLOC__GEMM_MC ? m : AVLOC__GEMM_MC, nc = n < AVLOC__GEMM_NC ? n : AVLOC__GEMM_NC;
    size_t kc = k < AVLOC__GEMM_KC ? k : AVLOC__GEMM_KC;
    mc = (mc + AVLOC__GEMM_MR - 1) / AVLOC__GEMM_MR * AVLOC__GEMM_MR;
    nc = (nc + nrmax - 1) / nrmax * nrmax;
    *ap = avloc_arena_push(ar, mc * kc, elem, AVLOC_ALIGN); /* small: no overflow possible */
    *bp = avloc_arena_push(ar, nc * kc, elem, AVLOC_ALIGN);
}
#endif

static avloc_result avloc__gemm_scratch_bytes(size_t m, size_t n, size_t k, size_t elem, size_t nrmax,
                                              size_t *bytes)
{
#ifdef AVLOC_GEMM_SMALL /* no panels */
    (void)m; (void)n; (void)k; (void)elem; (void)nrmax;
    if (!bytes) return AVLOC_ERR_NULL;
    *bytes = 0;
    return AVLOC_OK;
#else
    avloc_arena ar;
    void *ap, *bp;
    if (!bytes) return AVLOC_ERR_NULL;
    if (m == 0 || n == 0 || k == 0) { *bytes = 0; return AVLOC_OK; }
    avloc_arena_init(&ar, NULL, 0);
    avloc__gemm_layout(&ar, m, n, k, elem, nrmax, &ap, &bp);
    *bytes = avloc_arena_needed(&ar);
    return avloc_arena_status(&ar);
#endif
}

/* 1 when used bytes of scratch meet A, B or C (A, B and C may share: they
   are only checked against the scratch here). */
static inline int avloc__gemm_scratch_clash(int transa, int transb, size_t m, size_t n, size_t k, size_t elem,
                                            const void *A, size_t lda, const void *B, size_t ldb, const void *C,
                                            size_t ldc, const void *scratch, size_t used)
{
    const avloc__span b[] = {avloc__span_of(A, transa ? avloc__span_bytes(k, m, lda, elem)
                                                      : avloc__span_bytes(m, k, lda, elem), 0),
                             avloc__span_of(B, transb ? avloc__span_bytes(n, k, ldb, elem)
                                                      : avloc__span_bytes(k, n, ldb, elem), 0),
                             avloc__span_of(C, avloc__span_bytes(m, n, ldc, elem), 0),
                             avloc__span_of(scratch, used, 1)};
    return AVLOC__CLASH(b);
}

/* The panels' addresses in the caller's scratch, or WORKSPACE; PARAM when
   the panels would lie on A, B or C (packing writes them while the
   product still reads A and B, and reads C for beta). */
static avloc_result avloc__gemm_panels(int transa, int transb, size_t m, size_t n, size_t k, size_t elem,
                                       size_t nrmax, const void *A, size_t lda, const void *B, size_t ldb,
                                       const void *C, size_t ldc, void *scratch, size_t bytes, void **ap, void **bp)
{
#ifdef AVLOC_GEMM_SMALL /* no panels: any scratch will do */
    (void)transa; (void)transb; (void)m; (void)n; (void)k; (void)elem; (void)nrmax;
    (void)A; (void)lda; (void)B; (void)ldb; (void)C; (void)ldc; (void)scratch; (void)bytes;
    *ap = *bp = NULL;
    return AVLOC_OK;
#else
    avloc_arena ar;
    if (m == 0 || n == 0 || k == 0) { *ap = *bp = NULL; return AVLOC_OK; }
    avloc_arena_init(&ar, scratch, bytes);
    avloc__gemm_layout(&ar, m, n, k, elem, nrmax, ap, bp);
    if (avloc_arena_status(&ar) != AVLOC_OK) return avloc_arena_status(&ar);
    return avloc__gemm_scratch_clash(transa, transb, m, n, k, elem, A, lda, B, ldb, C, ldc, scratch, ar.used)
               ? AVLOC_ERR_PARAM
               : AVLOC_OK;
#endif
}

#define AVLOC__VPASS AVLOC__VPASS_CORE_GEMM
#define AVLOC__GEMM_D 0
#include AVLOC_CORE_FILE
#undef AVLOC__GEMM_D
#define AVLOC__GEMM_D 1
#include AVLOC_CORE_FILE
#undef AVLOC__GEMM_D
#undef AVLOC__VPASS

#ifndef AVLOC_NO_LINALG
#define AVLOC__VPASS AVLOC__VPASS_CORE_LA
#define AVLOC__VFILE AVLOC_CORE_FILE
#define AVLOC__VNEED_D 1
#include AVLOC_CORE_FILE
#undef AVLOC__VNEED_D
#undef AVLOC__VFILE
#undef AVLOC__VPASS

/* ---------------------------------------------------- SVD, eigh, Sylvester */
/* All three keep their working copies in double in the caller's scratch,
   laid out by one function per routine (query and call share it). Vectors
   that get rotated are stored as contiguous ROWS (a column of the maths is a
   row here), so every rotation streams through memory. */

#define AVLOC__JACOBI_SWEEPS 60

/* x <- c x - s y, y <- s x + c y over n contiguous values: the one plane
   rotation every Jacobi method and the QL solver here apply (vector part
   in pass AVLOC__VPASS_CORE_LA, the same roundings). */
static void avloc__rot(double *x, double *y, size_t n, double c, double s)
{
    size_t i = AVLOC__VCALL_D(avloc__la_vk_rot, (x, y, n, c, s), 0);
    for (; i < n; i++) {
        double a = x[i], b = y[i];
        x[i] = c * a - s * b;
        y[i] = s * a + c * b;
    }
}

/* Four partial sums: independent chains the CPU overlaps (and the compiler
   may vectorise without reassociating anything), ~3x one running sum. */
static double avloc__dot(const double *x, const double *y, size_t n)
{
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += x[i] * y[i];
        s1 += x[i + 1] * y[i + 1];
        s2 += x[i + 2] * y[i + 2];
        s3 += x[i + 3] * y[i + 3];
    }
    for (; i < n; i++) s0 += x[i] * y[i];
    return (s0 + s1) + (s2 + s3);
}

/* The rotation (c, s) = (1, t) / sqrt(1 + t^2) that zeroes the off-diagonal
   of the symmetric 2x2 [[a, g], [g, b]] (Rutishauser's stable form: the
   smaller of the two angles, t = sign(z) / (|z| + sqrt(1 + z^2))). */
static void avloc__jacobi_angle(double a, double b, double g, double *c, double *s, double *t)
{
    double z = (b - a) / (2.0 * g);
    double tt = 1.0 / (fabs(z) + sqrt(1.0 + z * z));
    if (z < 0.0) tt = -tt;
    *t = tt;
    *c = 1.0 / sqrt(1.0 + tt * tt);
    *s = *c * tt;
}

/* Element i of a double (f32 == 0) or float (f32 == 1) array: one loader and
   one storer let a single double-precision core serve both precisions. */
static double avloc__ld(const void *p, size_t i, int f32)
{
    return f32 ? (double)((const float *)p)[i] : ((const double *)p)[i];
}

static void avloc__st(void *p, size_t i, double v, int f32)
{
    if (f32) ((float *)p)[i] = (float)v;
    else ((double *)p)[i] = v;
}

/* 1 if rows of an r x c matrix (either precision) are all finite. */
static int avloc__finite_mat(const void *A, size_t r, size_t c, size_t ld, int f32)
{
    size_t i;
    if (ld == c && c && r <= ((size_t)-1) / c) { c *= r; r = 1; } /* contiguous: one run */
    for (i = 0; i < r; i++)
        if (f32 ? !avloc_all_finite_f32((const float *)A + i * ld, c)
                : !avloc_all_finite_f64((const double *)A + i * ld, c)) return 0;
    return 1;
}

/* Power of two that brings max|x| near 1 (so squares neither overflow nor
   underflow); 1 for an all-zero matrix. At most 2^1000: 2^-e itself
   overflows to Inf for a subnormal max|x| (e <= -1023), and the eigenvalues
   of a matrix of subnormals came out NaN; 2^1000 brings them to ~1e-9. */
static double avloc__pow2_scale(double amax)
{
    int e;
    if (amax == 0.0) return 1.0;
    (void)frexp(amax, &e);
    return ldexp(1.0, e < -1000 ? 1000 : -e);
}

/* Sort idx[0..n) so that key[idx[.]] is descending (dir = -1) or ascending
   (dir = +1); insertion sort: n is a few hundred at most, and it is stable,
   so equal values keep a deterministic order. */
static void avloc__argsort(const double *key, size_t *idx, size_t n, int dir)
{
    size_t i, j;
    for (i = 0; i < n; i++) idx[i] = i;
    for (i = 1; i < n; i++) {
        size_t v = idx[i];
        for (j = i; j > 0 && (dir > 0 ? key[idx[j - 1]] > key[v] : key[idx[j - 1]] < key[v]); j--)
            idx[j] = idx[j - 1];
        idx[j] = v;
    }
}

/* Makes row j of X (nr rows of length len, contiguous, ld len) a unit vector
   orthogonal to the rows flagged ok[] (which are orthonormal), trying unit
   vectors e_0, e_1, ... with two rounds of Gram-Schmidt; marks it ok. Used to
   complete the singular vectors of exactly zero singular values. */
static void avloc__complete_row(double *X, size_t nr, size_t len, size_t j, unsigned char *ok)
{
    size_t e, i, pass;
    for (e = 0; e < len; e++) {
        double *x = X + j * len, nrm;
        memset(x, 0, len * sizeof *x);
        x[e] = 1.0;
        for (pass = 0; pass < 2; pass++)
            for (i = 0; i < nr; i++)
                if (ok[i] && i != j) {
                    double h = avloc__dot(X + i * len, x, len);
                    size_t q;
                    for (q = 0; q < len; q++) x[q] -= h * X[i * len + q];
                }
        nrm = sqrt(avloc__dot(x, x, len));
        if (nrm > 0.5) { /* e was far enough from the span: keep it */
            for (i = 0; i < len; i++) x[i] /= nrm;
            ok[j] = 1;
            return;
        }
    }
}

/* ---- SVD (one-sided Jacobi) */

typedef struct avloc__svd_work {
    double *w;      /* nc rows of length mc: the columns being orthogonalised */
    double *v;      /* nc x nc: rows are the accumulated right vectors */
    double *sv;     /* nc column norms */
    size_t *idx;    /* nc: descending order */
    unsigned char *ok;
} avloc__svd_work;

static void avloc__svd_layout(avloc_arena *a, size_t mc, size_t nc, avloc__svd_work *w)
{
    size_t mn = 0, nn = 0; /* mc * nc can overflow: the arena then reports it */
    if (!avloc_size_mul(mc, nc, &mn) || !avloc_size_mul(nc, nc, &nn)) a->overflow = 1;
    w->w = AVLOC_PUSH(a, double, mn);
    w->v = AVLOC_PUSH(a, double, nn);
    w->sv = AVLOC_PUSH(a, double, nc);
    w->idx = AVLOC_PUSH(a, size_t, nc);
    w->ok = AVLOC_PUSH(a, unsigned char, nc);
}

/* One cyclic sweep over all column pairs; returns the number of rotations.
   nrm[] holds the squared column norms, updated by each rotation. */
static size_t avloc__svd_sweep(avloc__svd_work *w, size_t mc, size_t nc, double tol)
{
    size_t p, q, rot = 0;
    double *nrm = w->sv, fro = 0.0, floor2;
    for (p = 0; p < nc; p++) fro += nrm[p] = avloc__dot(w->w + p * mc, w->w + p * mc, mc);
    /* columns below rounding level of ||A||_F are left alone: rotating two
       such noise columns against each other never settles (a rank-deficient
       matrix would exhaust the sweeps), and their singular values are 0 to
       working precision anyway */
    floor2 = DBL_EPSILON * DBL_EPSILON * fro;
    for (p = 0; p + 1 < nc; p++)
        for (q = p + 1; q < nc; q++) {
            double g, c, s, t;
            if (nrm[p] <= floor2 || nrm[q] <= floor2) continue;
            g = avloc__dot(w->w + p * mc, w->w + q * mc, mc);
            if (!(fabs(g) > tol * sqrt(nrm[p]) * sqrt(nrm[q]))) continue;
            avloc__jacobi_angle(nrm[p], nrm[q], g, &c, &s, &t);
            avloc__rot(w->w + p * mc, w->w + q * mc, mc, c, s);
            avloc__rot(w->v + p * nc, w->v + q * nc, nc, c, s);
            nrm[p] -= t * g;
            nrm[q] += t * g;
            rot++;
        }
    return rot;
}

/* The core: A (m x n, either precision) -> U, s, Vt (same precision). */
static avloc_result avloc__svd(size_t m, size_t n, const void *A, size_t lda, void *U, size_t ldu,
                               void *s, void *Vt, size_t ldvt, void *scratch, size_t bytes, int f32)
{
    avloc_arena ar;
    avloc__svd_work w;
    int tr = m < n; /* work on A^T so the rotated vectors are the short side */
    size_t mc = tr ? n : m, nc = tr ? m : n, i, j, sweep;
    double amax = 0.0, scale, tol = DBL_EPSILON * sqrt((double)mc);
    if (!A || !s) return AVLOC_ERR_NULL;
    if (m == 0 || n == 0 || lda < n || (U && ldu < nc) || (Vt && ldvt < n)) return AVLOC_ERR_SIZE;
    if (!scratch) return AVLOC_ERR_NULL;
    avloc_arena_init(&ar, scratch, bytes);
    avloc__svd_layout(&ar, mc, nc, &w);
    if (avloc_arena_status(&ar) != AVLOC_OK) return avloc_arena_status(&ar);
    {
        const size_t e = f32 ? sizeof(float) : sizeof(double);
        const avloc__span b[] = {avloc__span_of(A, avloc__span_bytes(m, n, lda, e), 0),
                                 avloc__span_of(U, avloc__span_bytes(m, nc, ldu, e), 1),
                                 avloc__span_of(s, avloc__span_bytes(1, nc, nc, e), 1),
                                 avloc__span_of(Vt, avloc__span_bytes(nc, n, ldvt, e), 1),
                                 avloc__arena_span(&ar)};
        if (AVLOC__CLASH(b)) return AVLOC_ERR_PARAM;
    }
    if (!avloc__finite_mat(A, m, n, lda, f32)) return AVLOC_ERR_NONFINITE;
    for (i = 0; i < m; i++)
        for (j = 0; j < n; j++) {
            double x = fabs(avloc__ld(A, i * lda + j, f32));
            if (x > amax) amax = x;
        }
    scale = avloc__pow2_scale(amax);
    for (i = 0; i < m; i++) /* column c of the worked matrix = row c of w */
        for (j = 0; j < n; j++) {
            double x = avloc__ld(A, i * lda + j, f32) * scale;
            if (tr) w.w[i * mc + j] = x;
            else w.w[j * mc + i] = x;
        }
    for (i = 0; i < nc; i++)
        for (j = 0; j < nc; j++) w.v[i * nc + j] = (i == j) ? 1.0 : 0.0;
    for (sweep = 0; sweep < AVLOC__JACOBI_SWEEPS; sweep++)
        if (avloc__svd_sweep(&w, mc, nc, tol) == 0) break;
    if (sweep == AVLOC__JACOBI_SWEEPS) return AVLOC_ERR_NUMERIC;
    {   /* exact norms, then unit columns; a column at rounding level of
           ||A||_F (the sweep's floor) is a zero singular value, completed */
        double fro = 0.0, floor2;
        for (j = 0; j < nc; j++) fro += w.sv[j] = avloc__dot(w.w + j * mc, w.w + j * mc, mc);
        floor2 = DBL_EPSILON * DBL_EPSILON * fro;
        for (j = 0; j < nc; j++) {
            double nj = w.sv[j] > floor2 ? sqrt(w.sv[j]) : 0.0;
            w.sv[j] = nj;
            w.ok[j] = nj > 0.0;
            if (nj > 0.0)
                for (i = 0; i < mc; i++) w.w[j * mc + i] /= nj;
        }
    }
    for (j = 0; j < nc; j++)
        if (!w.ok[j]) avloc__complete_row(w.w, nc, mc, j, w.ok);
    avloc__argsort(w.sv, w.idx, nc, -1);
    for (j = 0; j < nc; j++) { /* r = nc outputs, in descending order */
        const double *lv = w.w + w.idx[j] * mc, *rv = w.v + w.idx[j] * nc;
        avloc__st(s, j, w.sv[w.idx[j]] / scale, f32);
        if (U)
            for (i = 0; i < m; i++) avloc__st(U, i * ldu + j, tr ? rv[i] : lv[i], f32);
        if (Vt)
            for (i = 0; i < n; i++) avloc__st(Vt, j * ldvt + i, tr ? lv[i] : rv[i], f32);
    }
    return AVLOC_OK;
}

static avloc_result avloc__svd_scratch(size_t m, size_t n, size_t *bytes)
{
    avloc_arena ar;
    avloc__svd_work w;
    if (!bytes) return AVLOC_ERR_NULL;
    if (m == 0 || n == 0) return AVLOC_ERR_SIZE;
    avloc_arena_init(&ar, NULL, 0);
    avloc__svd_layout(&ar, m < n ? n : m, m < n ? m : n, &w);
    if (avloc_arena_status(&ar) != AVLOC_OK) return avloc_arena_status(&ar);
    *bytes = avloc_arena_needed(&ar);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_svd_scratch_f64(size_t m, size_t n, size_t *bytes)
{
    return avloc__svd_scratch(m, n, bytes);
}

AVLOC_API avloc_result avloc_svd_scratch_f32(size_t m, size_t n, size_t *bytes)
{
    return avloc__svd_scratch(m, n, bytes);
}

AVLOC_API avloc_result avloc_svd_f64(size_t m, size_t n, const double *A, size_t lda,
                                     double *U, size_t ldu, double *s, double *Vt, size_t ldvt,
                                     void *scratch, size_t bytes)
{
    return avloc__svd(m, n, A, lda, U, ldu, s, Vt, ldvt, scratch, bytes, 0);
}

AVLOC_API avloc_result avloc_svd_f32(size_t m, size_t n, const float *A, size_t lda,
                                     float *U, size_t ldu, float *s, float *Vt, size_t ldvt,
                                     void *scratch, size_t bytes)
{
    return avloc__svd(m, n, A, lda, U, ldu, s, Vt, ldvt, scratch, bytes, 1);
}

/* ---- symmetric eigendecomposition (cyclic two-sided Jacobi) */

typedef struct avloc__eigh_work {
    double *a;      /* n x n working copy */
    double *v;      /* n x n: rows are the eigenvectors */
    double *d;      /* n eigenvalues (unsorted) */
    size_t *idx;    /* n: ascending order */
} avloc__eigh_work;

static void avloc__eigh_layout(avloc_arena *ar, size_t n, void *wv)
{
    avloc__eigh_work *w = (avloc__eigh_work *)wv;
    size_t nn = 0;
    if (!avloc_size_mul(n, n, &nn)) ar->overflow = 1;
    w->a = AVLOC_PUSH(ar, double, nn);
    w->v = AVLOC_PUSH(ar, double, nn);
    w->d = AVLOC_PUSH(ar, double, n);
    w->idx = AVLOC_PUSH(ar, size_t, n);
}

/* Rotates rows/columns p and q of the symmetric a (and rows of v) so that
   a[p][q] becomes 0: the rows by avloc__rot, the columns by symmetry, the
   2x2 block by the closed form. */
static void avloc__eigh_rotate(avloc__eigh_work *w, size_t n, size_t p, size_t q)
{
    double *a = w->a, g = a[p * n + q], c, s, t;
    size_t k;
    avloc__jacobi_angle(a[p * n + p], a[q * n + q], g, &c, &s, &t);
    avloc__rot(a + p * n, a + q * n, n, c, s);
    for (k = 0; k < n; k++) {
        a[k * n + p] = a[p * n + k];
        a[k * n + q] = a[q * n + k];
    }
    a[p * n + p] = w->d[p] - t * g;
    a[q * n + q] = w->d[q] + t * g;
    a[p * n + q] = a[q * n + p] = 0.0;
    w->d[p] = a[p * n + p];
    w->d[q] = a[q * n + q];
    avloc__rot(w->v + p * n, w->v + q * n, n, c, s);
}

static avloc_result avloc__eigh_core(avloc__eigh_work *w, size_t n)
{
    size_t p, q, sweep;
    double fro = 0.0, tiny;
    for (p = 0; p < n * n; p++) fro += w->a[p] * w->a[p];
    tiny = DBL_EPSILON * 1e-3 * sqrt(fro); /* negligible against ||A||_F */
    for (p = 0; p < n; p++) w->d[p] = w->a[p * n + p];
    for (sweep = 0; sweep < AVLOC__JACOBI_SWEEPS; sweep++) {
        size_t rot = 0;
        for (p = 0; p + 1 < n; p++)
            for (q = p + 1; q < n; q++) {
                double g = fabs(w->a[p * n + q]);
                if (g <= tiny || g <= DBL_EPSILON * sqrt(fabs(w->d[p])) * sqrt(fabs(w->d[q]))) continue;
                avloc__eigh_rotate(w, n, p, q);
                rot++;
            }
        if (rot == 0) return AVLOC_OK;
    }
    return AVLOC_ERR_NUMERIC;
}

/* Checks the lower triangle of A for NaN/Inf and writes it, mirrored and
   scaled by a power of two near 1/max|a_ij|, into the n x n a (both
   eigensolvers' start). */
static avloc_result avloc__eigh_load(size_t n, const double *A, size_t lda, double *a, double *scale)
{
    size_t i, j;
    double amax = 0.0;
    for (i = 0; i < n; i++)
        if (!avloc_all_finite_f64(A + i * lda, i + 1)) return AVLOC_ERR_NONFINITE;
    for (i = 0; i < n; i++)
        for (j = 0; j <= i; j++)
            if (fabs(A[i * lda + j]) > amax) amax = fabs(A[i * lda + j]);
    *scale = avloc__pow2_scale(amax);
    for (i = 0; i < n; i++)
        for (j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = A[i * lda + j] * *scale;
    return AVLOC_OK;
}

/* Both eigensolvers' scratch query and call prologue (checks, layout), over
   their own layout function (lay fills the work struct wk). */
typedef void (*avloc__eigh_layout_fn)(avloc_arena *ar, size_t n, void *wk);

static avloc_result avloc__eigh_bytes(size_t n, size_t *bytes, avloc__eigh_layout_fn lay, void *wk)
{
    avloc_arena ar;
    if (!bytes) return AVLOC_ERR_NULL;
    if (n == 0) return AVLOC_ERR_SIZE;
    avloc_arena_init(&ar, NULL, 0);
    lay(&ar, n, wk);
    if (avloc_arena_status(&ar) != AVLOC_OK) return avloc_arena_status(&ar);
    *bytes = avloc_arena_needed(&ar);
    return AVLOC_OK;
}

static avloc_result avloc__eigh_open(size_t n, const double *A, size_t lda, const double *w, const double *V,
                                     size_t ldv, void *scratch, size_t bytes, avloc__eigh_layout_fn lay, void *wk)
{
    avloc_arena ar;
    if (!A || !w || !scratch) return AVLOC_ERR_NULL;
    if (n == 0 || lda < n || (V && ldv < n)) return AVLOC_ERR_SIZE;
    avloc_arena_init(&ar, scratch, bytes);
    lay(&ar, n, wk);
    if (avloc_arena_status(&ar) != AVLOC_OK) return avloc_arena_status(&ar);
    {
        const size_t e = sizeof *A;
        const avloc__span b[] = {avloc__span_of(A, avloc__span_bytes(n, n, lda, e), 0),
                                 avloc__span_of(w, avloc__span_bytes(1, n, n, e), 1),
                                 avloc__span_of(V, avloc__span_bytes(n, n, ldv, e), 1),
                                 avloc__arena_span(&ar)};
        return AVLOC__CLASH(b) ? AVLOC_ERR_PARAM : AVLOC_OK;
    }
}

/* Both eigensolvers' output: w ascending (d / scale), V's columns the rows
   of vrows (n x n) in that order (V may be NULL). idx: n scratch. */
static void avloc__eigh_emit(const double *d, const double *vrows, size_t n, double scale, size_t *idx,
                             double *w, double *V, size_t ldv)
{
    size_t i, j;
    avloc__argsort(d, idx, n, +1);
    for (j = 0; j < n; j++) {
        w[j] = d[idx[j]] / scale;
        if (V)
            for (i = 0; i < n; i++) V[i * ldv + j] = vrows[idx[j] * n + i];
    }
}

AVLOC_API avloc_result avloc_eigh_scratch_f64(size_t n, size_t *bytes)
{
    avloc__eigh_work w;
    return avloc__eigh_bytes(n, bytes, avloc__eigh_layout, &w);
}

AVLOC_API avloc_result avloc_eigh_f64(size_t n, const double *A, size_t lda, double *w,
                                      double *V, size_t ldv, void *scratch, size_t bytes)
{
    avloc__eigh_work wk;
    avloc_result r;
    size_t i, j;
    double scale;
    if ((r = avloc__eigh_open(n, A, lda, w, V, ldv, scratch, bytes, avloc__eigh_layout, &wk)) != AVLOC_OK) return r;
    if ((r = avloc__eigh_load(n, A, lda, wk.a, &scale)) != AVLOC_OK) return r;
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++) wk.v[i * n + j] = (i == j) ? 1.0 : 0.0;
    if ((r = avloc__eigh_core(&wk, n)) != AVLOC_OK) return r;
    avloc__eigh_emit(wk.d, wk.v, n, scale, wk.idx, w, V, ldv);
    return AVLOC_OK;
}

/* ---- symmetric eigendecomposition (Householder + implicit QL) */

typedef struct avloc__tql_work {
    double *a;      /* n x n: the working matrix, then the reflectors, then V^T */
    double *d;      /* n: diagonal, then the eigenvalues */
    double *e;      /* n: sub-diagonal (e[n-1] = 0); temporary w during the reduction */
    size_t *idx;    /* n: ascending order */
} avloc__tql_work;

static void avloc__tql_layout(avloc_arena *ar, size_t n, void *wv)
{
    avloc__tql_work *w = (avloc__tql_work *)wv;
    size_t nn = 0;
    if (!avloc_size_mul(n, n, &nn)) ar->overflow = 1;
    w->a = AVLOC_PUSH(ar, double, nn);
    w->d = AVLOC_PUSH(ar, double, n);
    w->e = AVLOC_PUSH(ar, double, n);
    w->idx = AVLOC_PUSH(ar, size_t, n);
}

/* sqrt(a^2 + b^2) without overflow (the QL shift's ratio can be huge). */
static double avloc__pyth(double a, double b)
{
    double q;
    a = fabs(a);
    b = fabs(b);
    if (a < b) { q = a; a = b; b = q; }
    if (a == 0.0) return 0.0;
    q = b / a;
    return a * sqrt(1.0 + q * q);
}

/* The row operations of the tridiagonal solver (with avloc__rot), vectorised (pass
   AVLOC__VPASS_CORE_LA, end of this file); the scalar loops finish the
   tail and are all that runs under AVLOC_NO_SIMD. */
/* x[0..n) += s y[0..n) */
static void avloc__axpy(double *x, const double *y, size_t n, double s)
{
    size_t i = AVLOC__VCALL_D(avloc__la_vk_axpy, (x, y, n, s), 0);
    for (; i < n; i++) x[i] += s * y[i];
}

/* y[0..n) = (double)x[0..n) (the orthonormalisation's chunks; the Gram
   chunks of the BLAS and small GEMM builds, where the built-in kernel
   converts while it packs) */
static void avloc__f32_to_f64(double *y, const float *x, size_t n)
{
    size_t i = AVLOC__VCALL_D(avloc__la_vk_cvt, (y, x, n), 0);
    for (; i < n; i++) y[i] = x[i];
}

static double avloc__la_dot(const double *x, const double *y, size_t n)
{
    double sum = 0.0;
    size_t i = AVLOC__VCALL_D(avloc__la_vk_dot, (x, y, n, &sum), 0);
    for (; i < n; i++) sum += x[i] * y[i];
    return sum;
}

/* Step k of the reduction A = Q T Q^T (full symmetric storage, rows
   contiguous): the reflector H = I - tau v v^T (v[0] = 1) that maps row k's
   tail x = a[k][k+1..n) to (beta, 0, ...), dlarfg's convention; then
   A22 <- H A22 H as A22 - v w^T - w v^T, w = p - (tau/2)(p.v) v, p = tau A22 v
   (w kept in e[k+1..n)). Leaves d[k], e[k] = beta, tau in a[k][k] and v's
   tail in a[k][k+2..n). */
static void avloc__tql_reduce_step(avloc__tql_work *wk, size_t n, size_t k)
{
    double *a = wk->a, *v = a + k * n + k + 1, *w = wk->e + k + 1;
    double alpha = v[0], xn = sqrt(avloc__la_dot(v + 1, v + 1, n - k - 2)), beta, tau, pv;
    size_t m = n - k - 1, i, j;
    wk->d[k] = a[k * n + k];
    if (xn == 0.0) { /* already reduced: H = I */
        wk->e[k] = alpha;
        a[k * n + k] = 0.0;
        return;
    }
    beta = avloc__pyth(alpha, xn);
    if (alpha > 0.0) beta = -beta;
    tau = (beta - alpha) / beta;
    for (j = 1; j < m; j++) v[j] /= alpha - beta;
    v[0] = 1.0;
    for (i = 0; i < m; i++) w[i] = tau * avloc__la_dot(a + (k + 1 + i) * n + k + 1, v, m);
    pv = -0.5 * tau * avloc__la_dot(w, v, m);
    avloc__axpy(w, v, m, pv);
    for (i = 0; i < m; i++) {
        double *row = a + (k + 1 + i) * n + k + 1;
        avloc__axpy(row, w, m, -v[i]);
        avloc__axpy(row, v, m, -w[i]);
    }
    wk->e[k] = beta;
    a[k * n + k] = tau;
}

/* V^T = Q^T = H_{n-3} ... H_0, built in place over the reflectors: row k
   holds reflector k until step k has used it (rows > k are V^T's, zero in
   columns <= k), then becomes e_k. */
static void avloc__tql_form_vt(double *a, size_t n)
{
    size_t k, i, m;
    for (k = n; k-- > 0;) {
        double *v = a + k * n + k + 1, tau = a[k * n + k];
        if (k + 2 < n && tau != 0.0) {
            m = n - k - 1;
            v[0] = 1.0;
            for (i = k + 1; i < n; i++) {
                double *row = a + i * n + k + 1;
                avloc__axpy(row, v, m, -tau * avloc__la_dot(row, v, m));
            }
        }
        for (i = 0; i < n; i++) a[k * n + i] = (i == k) ? 1.0 : 0.0;
    }
}

/* Implicit QL on the tridiagonal (d, e) with the shift from the leading
   2x2 (EISPACK tql2 / Numerical Recipes tqli); every rotation of rows i,
   i+1 of zt (NULL: eigenvalues only). e[m] is negligible when below eps
   times |d[m]| + |d[m+1]| or below tiny = eps ||A||_F: the rounding floor
   of the reduction, where a cluster of eigenvalues at that floor (the Gram
   matrix of a still video: rank one plus rounding) settles; with a floor
   1e-3 lower such a cluster never deflated and the solve gave up. */
static avloc_result avloc__tql_ql(double *d, double *e, double *zt, size_t n, double tiny)
{
    size_t l, m, iter;
    for (l = 0; l < n; l++) {
        for (iter = 0;; iter++) {
            double g, r, s, c, p;
            size_t i;
            int under = 0;
            for (m = l; m + 1 < n; m++) {
                double dd = fabs(d[m]) + fabs(d[m + 1]);
                if (fabs(e[m]) <= DBL_EPSILON * dd || fabs(e[m]) <= tiny) break;
            }
            if (m == l) break;
            if (iter == AVLOC__JACOBI_SWEEPS) return AVLOC_ERR_NUMERIC;
            g = (d[l + 1] - d[l]) / (2.0 * e[l]);
            r = avloc__pyth(g, 1.0);
            g = d[m] - d[l] + e[l] / (g + (g >= 0.0 ? r : -r));
            s = c = 1.0;
            p = 0.0;
            for (i = m; i-- > l;) {
                double f = s * e[i], b = c * e[i];
                r = avloc__pyth(f, g);
                e[i + 1] = r;
                if (r == 0.0) { /* underflow: deflate here */
                    d[i + 1] -= p;
                    e[m] = 0.0;
                    under = 1;
                    break;
                }
                s = f / r;
                c = g / r;
                g = d[i + 1] - p;
                r = (d[i] - g) * s + 2.0 * c * b;
                p = s * r;
                d[i + 1] = g + p;
                g = c * r - b;
                if (zt) avloc__rot(zt + i * n, zt + (i + 1) * n, n, c, s);
            }
            if (under) continue;
            d[l] -= p;
            e[l] = g;
            e[m] = 0.0;
        }
    }
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_eigh_tridiag_scratch_f64(size_t n, size_t *bytes)
{
    avloc__tql_work w;
    return avloc__eigh_bytes(n, bytes, avloc__tql_layout, &w);
}

AVLOC_API avloc_result avloc_eigh_tridiag_f64(size_t n, const double *A, size_t lda, double *w,
                                              double *V, size_t ldv, void *scratch, size_t bytes)
{
    avloc__tql_work wk;
    avloc_result r;
    size_t k;
    double scale, fro;
    if ((r = avloc__eigh_open(n, A, lda, w, V, ldv, scratch, bytes, avloc__tql_layout, &wk)) != AVLOC_OK) return r;
    if ((r = avloc__eigh_load(n, A, lda, wk.a, &scale)) != AVLOC_OK) return r;
    fro = sqrt(avloc__la_dot(wk.a, wk.a, n * n));
    for (k = 0; k + 2 < n; k++) avloc__tql_reduce_step(&wk, n, k);
    if (n >= 2) { /* the last 2x2 needs no reflector */
        wk.d[n - 2] = wk.a[(n - 2) * n + n - 2];
        wk.e[n - 2] = wk.a[(n - 2) * n + n - 1];
        wk.a[(n - 2) * n + n - 2] = 0.0;
    }
    wk.d[n - 1] = wk.a[(n - 1) * n + n - 1];
    wk.a[(n - 1) * n + n - 1] = 0.0;
    wk.e[n - 1] = 0.0;
    if (V) avloc__tql_form_vt(wk.a, n);
    if ((r = avloc__tql_ql(wk.d, wk.e, V ? wk.a : NULL, n, DBL_EPSILON * fro)) != AVLOC_OK) return r;
    avloc__eigh_emit(wk.d, wk.a, n, scale, wk.idx, w, V, ldv);
    return AVLOC_OK;
}

/* ---- Sylvester M C + C N = R (symmetric M, N) */

typedef struct avloc__syl_work {
    void *eig;          /* eigh scratch, shared by both decompositions */
    size_t eig_bytes;
    double *P, *mu, *Q, *nu, *T1, *T2;
} avloc__syl_work;

static avloc_result avloc__syl_layout(avloc_arena *ar, size_t k, size_t t, avloc__syl_work *w)
{
    size_t e1, e2, kk = 0, tt = 0, kt = 0;
    avloc_result r;
    if ((r = avloc_eigh_tridiag_scratch_f64(k, &e1)) != AVLOC_OK) return r;
    if ((r = avloc_eigh_tridiag_scratch_f64(t, &e2)) != AVLOC_OK) return r;
    if (!avloc_size_mul(k, k, &kk) || !avloc_size_mul(t, t, &tt) || !avloc_size_mul(k, t, &kt))
        return AVLOC_ERR_OVERFLOW;
    w->eig_bytes = e1 > e2 ? e1 : e2;
    w->eig = avloc_arena_push(ar, w->eig_bytes, 1, AVLOC_ALIGN);
    w->P = AVLOC_PUSH(ar, double, kk);
    w->mu = AVLOC_PUSH(ar, double, k);
    w->Q = AVLOC_PUSH(ar, double, tt);
    w->nu = AVLOC_PUSH(ar, double, t);
    w->T1 = AVLOC_PUSH(ar, double, kt);
    w->T2 = AVLOC_PUSH(ar, double, kt);
    return avloc_arena_status(ar);
}

AVLOC_API avloc_result avloc_sylvester_sym_scratch_f64(size_t k, size_t t, size_t *bytes)
{
    avloc_arena ar;
    avloc__syl_work w;
    avloc_result r;
    if (!bytes) return AVLOC_ERR_NULL;
    if (k == 0 || t == 0) return AVLOC_ERR_SIZE;
    avloc_arena_init(&ar, NULL, 0);
    if ((r = avloc__syl_layout(&ar, k, t, &w)) != AVLOC_OK) return r;
    *bytes = avloc_arena_needed(&ar);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_sylvester_diag_f64(double *X, size_t k, size_t t, size_t ldx,
                                               const double *mu, const double *nu)
{
    size_t i, j;
    double big = 0.0;
    if (k == 0 || t == 0) return AVLOC_OK;
    if (!X || !mu || !nu) return AVLOC_ERR_NULL;
    if (ldx < t) return AVLOC_ERR_SIZE;
    for (i = 0; i < k; i++) if (fabs(mu[i]) > big) big = fabs(mu[i]);
    {
        double bn = 0.0;
        for (j = 0; j < t; j++) if (fabs(nu[j]) > bn) bn = fabs(nu[j]);
        big += bn;
    }
    for (i = 0; i < k; i++)
        for (j = 0; j < t; j++)
            if (!(fabs(mu[i] + nu[j]) > 1e-14 * big)) return AVLOC_ERR_NUMERIC;
    for (i = 0; i < k; i++)
        for (j = 0; j < t; j++) X[i * ldx + j] /= mu[i] + nu[j];
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_sylvester_sym_f64(size_t k, size_t t, const double *M, size_t ldm,
                                               const double *N, size_t ldn, const double *R, size_t ldr,
                                               double *C, size_t ldc, void *scratch, size_t bytes)
{
    avloc_arena ar;
    avloc__syl_work w;
    avloc_result r;
    if (!M || !N || !R || !C || !scratch) return AVLOC_ERR_NULL;
    if (k == 0 || t == 0 || ldm < k || ldn < t || ldr < t || ldc < t) return AVLOC_ERR_SIZE;
    avloc_arena_init(&ar, scratch, bytes);
    if ((r = avloc__syl_layout(&ar, k, t, &w)) != AVLOC_OK) return r;
    {
        const size_t e = sizeof *C;
        const avloc__span b[] = {avloc__span_of(M, avloc__span_bytes(k, k, ldm, e), 0),
                                 avloc__span_of(N, avloc__span_bytes(t, t, ldn, e), 0),
                                 avloc__span_of(R, avloc__span_bytes(k, t, ldr, e), 0),
                                 avloc__span_of(C, avloc__span_bytes(k, t, ldc, e), 1),
                                 avloc__arena_span(&ar)};
        if (AVLOC__CLASH(b)) return AVLOC_ERR_PARAM;
    }
    if (!avloc__finite_mat(R, k, t, ldr, 0)) return AVLOC_ERR_NONFINITE;
    if ((r = avloc_eigh_tridiag_f64(k, M, ldm, w.mu, w.P, k, w.eig, w.eig_bytes)) != AVLOC_OK) return r;
    if ((r = avloc_eigh_tridiag_f64(t, N, ldn, w.nu, w.Q, t, w.eig, w.eig_bytes)) != AVLOC_OK) return r;
    /* T2 = P^T R Q, divide, C = P T2 Q^T (plain-loop GEMMs: small k) */
    avloc_gemm_f64(1, 0, k, t, k, 1.0, w.P, k, R, ldr, 0.0, w.T1, t, NULL, 0);
    avloc_gemm_f64(0, 0, k, t, t, 1.0, w.T1, t, w.Q, t, 0.0, w.T2, t, NULL, 0);
    if ((r = avloc_sylvester_diag_f64(w.T2, k, t, t, w.mu, w.nu)) != AVLOC_OK) return r;
    avloc_gemm_f64(0, 0, k, t, k, 1.0, w.P, k, w.T2, t, 0.0, w.T1, t, NULL, 0);
    avloc_gemm_f64(0, 1, k, t, t, 1.0, w.T1, t, w.Q, t, 0.0, C, ldc, NULL, 0);
    return AVLOC_OK;
}

/* ------------------------------------------------- truncated SVD and SVT */

/* xorshift64* (Vigna): the object's own generator, uniform in [-1, 1).
   Uniform test vectors serve the range finder as well as Gaussian ones. */
static double avloc__tsvd_rand(uint64_t *st)
{
    uint64_t x = *st;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *st = x;
    return (double)((x * 0x2545F4914F6CDD1DULL) >> 11) * (2.0 / 9007199254740992.0) - 1.0;
}

static uint64_t avloc__tsvd_seed(uint64_t seed)
{
    uint64_t z = seed + 0x9E3779B97F4A7C15ULL; /* splitmix64: never 0 for xorshift */
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return z ? z : 1;
}

static avloc_result avloc__tsvd_check(const avloc_tsvd_config *c)
{
    size_t mn;
    if (!c) return AVLOC_ERR_NULL;
    if (c->m == 0 || c->n == 0 || c->m > AVLOC_MAX_DIM || c->n > AVLOC_MAX_DIM) return AVLOC_ERR_SIZE;
    mn = c->m < c->n ? c->m : c->n;
    if (c->max_rank == 0 || c->max_rank > mn) return AVLOC_ERR_SIZE;
    if (c->oversample > AVLOC_MAX_DIM || c->power_iters > 64) return AVLOC_ERR_PARAM;
    if (c->svt_method < AVLOC_SVT_AUTO || c->svt_method > AVLOC_SVT_GRAM) return AVLOC_ERR_PARAM;
    if (c->svt_method == AVLOC_SVT_GRAM && mn > AVLOC_SVT_GRAM_MAX) return AVLOC_ERR_PARAM;
    if (c->threads.workers > AVLOC_MAX_WORKERS) return AVLOC_ERR_PARAM;
    return AVLOC_OK;
}

/* Rows (of A, or columns when m < n) per chunk of the Gram path: the
   double copy for the Gram matrix, the float copy for an in-place SVT. */
#define AVLOC__SVT_CHUNK 128
/* doubles per chunk row of the Gram kernel's packing (avloc__syrk_lower):
   the panels of s columns, one panel of rounding, a partial row tile */
#define AVLOC__SVT_PACKW(s) ((s) + 16 + AVLOC__GEMM_MR)
#define AVLOC__SVT_APPLY 1024

/* Rows per chunk of the streamed orthonormalisation (avloc__tsvd_orth):
   each chunk of the float basis is converted to double and transformed in
   a per-worker buffer, so no len x l double copy is kept (two of them,
   246 MB, for a 76 800 x 200 basis before). */
#define AVLOC__TSVD_ORTH_ROWS (40 * AVLOC__GEMM_MR)
static size_t avloc__tsvd_orth_rows(size_t len) { return len < AVLOC__TSVD_ORTH_ROWS ? len : AVLOC__TSVD_ORTH_ROWS; }
static size_t avloc__tsvd_orth_chunks(size_t len) { return (len + AVLOC__TSVD_ORTH_ROWS - 1) / AVLOC__TSVD_ORTH_ROWS; }
static size_t avloc__tsvd_orth_slabs(size_t len) { return avloc__slabs(avloc__tsvd_orth_chunks(len)); }

/* Chunks of the Gram path over the long side, and the fixed slabs they are
   summed in (one definition for the layout and the product). */
static size_t avloc__svt_gram_chunks(size_t big) { return (big + AVLOC__SVT_CHUNK - 1) / AVLOC__SVT_CHUNK; }

/* Whether the object carries the Gram path's memory. */
static int avloc__svt_gram_on(const avloc_tsvd_config *c)
{
    size_t mn = c->m < c->n ? c->m : c->n;
    return c->svt_method != AVLOC_SVT_RANDOMISED && mn <= AVLOC_SVT_GRAM_MAX;
}

/* Object memory: the float basis rows (Q^T: l x m, Z^T / B: l x n), the
   warm-start rows, double copies for the orthonormalisation and the small
   SVD, and one scratch for every GEMM and eigh/SVD call. */
static avloc_result avloc__tsvd_layout(avloc_arena *a, void *obj, const void *cfgv, size_t *scratch_bytes)
{
    const avloc_tsvd_config *c = (const avloc_tsvd_config *)cfgv;
    avloc_tsvd *t = (avloc_tsvd *)obj;
    size_t m = c->m, n = c->n, mn = m < n ? m : n, big = m > n ? m : n;
    size_t l = c->max_rank + (c->oversample < mn ? c->oversample : mn), lm = 0, ln = 0, ll, obn, ogn, smn;
    size_t g32, g64, e, sv, gb, nw = avloc_threads_workers(&c->threads), twb = 0, ns;
    avloc_result r;
    float *q, *y, *vb, *ms, *ub;
    double *ob, *og, *bd, *vbd, *sm, *gg = NULL, *gv = NULL, *gz = NULL, *gw = NULL, *gx = NULL, *gp = NULL;
    double *gk = NULL;
    float *gf = NULL, *gc = NULL;
    unsigned char *bad;
    void *gs, *tw = NULL;
    if (l > mn) l = mn;
    ll = l * l; /* l <= min(m, n) <= AVLOC_MAX_DIM: no overflow with lm below checked */
    if (!avloc_size_mul(l, m, &lm) || !avloc_size_mul(l, n, &ln) ||
        !avloc_size_mul(2 * avloc__tsvd_orth_rows(big) * nw, l, &obn) || /* 2 rows nw <= 30 720 */
        !avloc_size_mul(avloc__tsvd_orth_slabs(big) - 1, ll, &ogn) || !avloc_size_mul(4, ll, &smn) ||
        !avloc_size_add(smn, l, &smn))
        return AVLOC_ERR_OVERFLOW;
    if ((r = avloc_gemm_scratch_f32(big, big, big, &g32)) != AVLOC_OK) return r;
    if ((r = avloc_gemm_scratch_f64(big, big, big, &g64)) != AVLOC_OK) return r;
    if ((r = avloc_eigh_scratch_f64(l, &e)) != AVLOC_OK) return r;
    if ((r = avloc_svd_scratch_f64(l, n, &sv)) != AVLOC_OK) return r;
    gb = g32 > g64 ? g32 : g64;
    /* per-worker GEMM scratch; none under AVLOC_GEMM_SMALL (gb 0: the workers share
       gs, which that GEMM never reads; this returned OVERFLOW there before) */
    if (nw > 1 && gb && !(twb = avloc__per_worker(gb, nw))) return AVLOC_ERR_OVERFLOW;
    if (e > gb) gb = e;
    if (sv > gb) gb = sv;
    if (avloc__svt_gram_on(c)) { /* mn <= AVLOC_SVT_GRAM_MAX: no overflow below */
        if ((r = avloc_eigh_tridiag_scratch_f64(mn, &e)) != AVLOC_OK) return r;
        if (e > gb) gb = e;
        gg = AVLOC_PUSH(a, double, mn * mn);
        gv = AVLOC_PUSH(a, double, mn * mn);
        gz = AVLOC_PUSH(a, double, mn * mn);
        gw = AVLOC_PUSH(a, double, mn);
        gx = AVLOC_PUSH(a, double, AVLOC__SVT_CHUNK * mn * nw); /* nw <= AVLOC_MAX_WORKERS */
        gk = AVLOC_PUSH(a, double, AVLOC__SVT_CHUNK * AVLOC__SVT_PACKW(mn) * nw);
        ns = avloc__slabs(avloc__svt_gram_chunks(big));
        gp = ns > 1 ? AVLOC_PUSH(a, double, mn * mn * (ns - 1)) : NULL;
        gf = AVLOC_PUSH(a, float, mn * mn);
        gc = AVLOC_PUSH(a, float, AVLOC__SVT_APPLY * mn * nw);
    }
    q = AVLOC_PUSH(a, float, lm);
    y = AVLOC_PUSH(a, float, ln);
    vb = AVLOC_PUSH(a, float, ln);
    ms = AVLOC_PUSH(a, float, ln);
    ub = AVLOC_PUSH(a, float, ll);
    /* the streamed orthonormalisation (lengths m and n): two row chunks per
       worker, the slabs' Gram sums */
    ob = AVLOC_PUSH(a, double, obn);
    og = AVLOC_PUSH(a, double, ogn);
    bd = AVLOC_PUSH(a, double, ln);
    vbd = AVLOC_PUSH(a, double, ln);
    sm = AVLOC_PUSH(a, double, smn);  /* 4 l^2 + l: Gram, eigvecs, transform, U_B; values */
    gs = avloc_arena_push(a, gb, 1, AVLOC_ALIGN);
    if (twb) tw = avloc_arena_push(a, twb, 1, AVLOC_ALIGN);
    bad = AVLOC_PUSH(a, unsigned char, nw);
    *scratch_bytes = 0;
    if ((r = avloc_arena_status(a)) != AVLOC_OK) return r;
    if (t) {
        if (!q || !gs) return AVLOC_ERR_WORKSPACE;
        t->cfg = *c;
        t->lmax = l;
        t->q = q; t->y = y; t->vbuf = vb; t->ms = ms; t->ub = ub;
        t->ob = ob; t->og = og; t->bd = bd; t->vbd = vbd; t->small = sm;
        t->work = gs; t->work_bytes = gb;
        t->workers = nw;
        t->tw = twb ? tw : gs;
        t->tw_bytes = twb ? twb : gb;
        t->bad = bad;
        t->gg = gg; t->gv = gv; t->gz = gz; t->gw = gw; t->gx = gx; t->gp = gp; t->gf = gf; t->gc = gc;
        t->gk = gk;
        t->ready = 1;
        t->mem = avloc__extent_of(a);
        avloc_tsvd_reset(t);
    }
    return AVLOC_OK;
}

AVLOC_API avloc_tsvd_config avloc_tsvd_config_default(void)
{
    avloc_tsvd_config c;
    memset(&c, 0, sizeof c);
    c.oversample = 10;
    c.power_iters = 2;
    c.seed = 0x5eed;
    return c;
}

AVLOC_API avloc_result avloc_tsvd_query(const avloc_tsvd_config *cfg, size_t *bytes)
{
    avloc_result r = avloc__tsvd_check(cfg);
    if (r != AVLOC_OK) return r;
    if (!bytes) return AVLOC_ERR_NULL;
    return avloc_layout_query(avloc__tsvd_layout, cfg, bytes, NULL);
}

AVLOC_API avloc_result avloc_tsvd_init(avloc_tsvd *t, const avloc_tsvd_config *cfg, void *mem, size_t bytes)
{
    avloc_result r;
    if (t) memset(t, 0, sizeof *t);
    if (!t || !mem) return AVLOC_ERR_NULL;
    if ((r = avloc__tsvd_check(cfg)) != AVLOC_OK) return r;
    return avloc_layout_init(avloc__tsvd_layout, t, sizeof *t, cfg, mem, bytes);
}

AVLOC_API void avloc_tsvd_reset(avloc_tsvd *t)
{
    if (!t || !t->ready) return;
    t->warm = 0;
    t->capped = 0;
    t->sv = t->cfg.max_rank < 10 ? t->cfg.max_rank : 10;
    t->rnd_runs = 1;
    t->rng = avloc__tsvd_seed(t->cfg.seed);
}

AVLOC_API void avloc_tsvd_destroy(avloc_tsvd *t)
{
    if (t) memset(t, 0, sizeof *t);
}

/* Whether every A[i][j] (m x n, row stride lda) is finite, checked in
   row blocks over the caller's threads. */
typedef struct avloc__tsvd_fjob {
    avloc_tsvd *t;
    const float *A;
    size_t lda, chunk;
} avloc__tsvd_fjob;

static void avloc__tsvd_finite_task(void *ctx, size_t task, size_t worker)
{
    const avloc__tsvd_fjob *jb = (const avloc__tsvd_fjob *)ctx;
    size_t m = jb->t->cfg.m, r0 = task * jb->chunk, r = m - r0 < jb->chunk ? m - r0 : jb->chunk;
    if (!avloc__finite_mat(jb->A + r0 * jb->lda, r, jb->t->cfg.n, jb->lda, 1)) jb->t->bad[worker] = 1;
}

static int avloc__tsvd_finite(avloc_tsvd *t, const float *A, size_t lda)
{
    avloc__tsvd_fjob jb;
    size_t w;
    jb.t = t; jb.A = A; jb.lda = lda;
    jb.chunk = avloc__task_units(t->cfg.m, 64, t->workers) * 64;
    memset(t->bad, 0, t->workers);
    avloc_threads_run(&t->cfg.threads, avloc__tsvd_finite_task, &jb, (t->cfg.m + jb.chunk - 1) / jb.chunk);
    for (w = 0; w < t->workers; w++)
        if (t->bad[w]) return 0;
    return 1;
}

/* worker w's share of the GEMM packing memory */
static void *avloc__tsvd_wscr(const avloc_tsvd *t, size_t w, size_t *bytes)
{
    *bytes = t->tw_bytes / t->workers;
    return (unsigned char *)t->tw + w * *bytes;
}

typedef struct avloc__tsvd_ojob {
    avloc_tsvd *t;
    float *X;          /* the basis, len x l */
    const double *T;   /* npass l x l transforms, applied in order */
    double *G;         /* gram: the slabs' sums (slab 0: G, slab i: t->og + (i - 1) l^2) */
    size_t l, len, npass, nch, ns;
    int gram;          /* 1: G = Y^T Y; 0: X = Y (rounded to float) */
} avloc__tsvd_ojob;

/* Y = X T_0 T_1 ... in chunks of AVLOC__TSVD_ORTH_ROWS rows, in double; one
   slab (task) of chunks sums its Y_c^T Y_c into its own G, or writes its
   rows of Y back to X. The chunks and the slabs do not depend on the
   workers: every worker count gives the same bits. */
static void avloc__tsvd_orth_slab(void *ctx, size_t slab, size_t worker)
{
    const avloc__tsvd_ojob *jb = (const avloc__tsvd_ojob *)ctx;
    avloc_tsvd *t = jb->t;
    size_t l = jb->l, q, i, p, wb;
    size_t rows = avloc__tsvd_orth_rows(t->cfg.m > t->cfg.n ? t->cfg.m : t->cfg.n);
    double *y = t->ob + worker * 2 * rows * t->lmax, *z = y + rows * t->lmax;
    double *G = slab ? t->og + (slab - 1) * l * l : jb->G;
    void *ws = avloc__tsvd_wscr(t, worker, &wb);
    if (jb->gram) memset(G, 0, l * l * sizeof *G);
    for (q = slab * jb->nch / jb->ns; q < (slab + 1) * jb->nch / jb->ns; q++) {
        size_t r0 = q * AVLOC__TSVD_ORTH_ROWS, c = jb->len - r0;
        double *sw;
        if (c > AVLOC__TSVD_ORTH_ROWS) c = AVLOC__TSVD_ORTH_ROWS;
        avloc__f32_to_f64(y, jb->X + r0 * l, c * l);
        for (p = 0; p < jb->npass; p++) {
            avloc_gemm_f64(0, 0, c, l, l, 1.0, y, l, jb->T + p * l * l, l, 0.0, z, l, ws, wb);
            sw = y; y = z; z = sw;
        }
        if (jb->gram)
            avloc_gemm_f64(1, 0, l, l, c, 1.0, y, l, y, l, 1.0, G, l, ws, wb);
        else
            for (i = 0; i < c * l; i++) jb->X[r0 * l + i] = (float)y[i];
    }
}

/* G = Y^T Y (gram) or X = Y, Y = X T_0 ... T_(npass-1), over the caller's threads. */
static void avloc__tsvd_orth_run(avloc_tsvd *t, float *X, size_t l, size_t len, const double *T, size_t npass,
                                 double *G)
{
    avloc__tsvd_ojob jb;
    size_t q, i;
    jb.t = t; jb.X = X; jb.T = T; jb.G = G; jb.l = l; jb.len = len; jb.npass = npass; jb.gram = G != NULL;
    jb.nch = avloc__tsvd_orth_chunks(len);
    jb.ns = avloc__slabs(jb.nch);
    avloc_threads_run(&t->cfg.threads, avloc__tsvd_orth_slab, &jb, jb.ns);
    if (G)
        for (q = 1; q < jb.ns; q++)
            for (i = 0; i < l * l; i++) G[i] += t->og[(q - 1) * l * l + i];
}

/* Orthonormalises the l columns of the float X (len x l, row-major) in
   place, in double: G = Y^T Y, G = W diag(g) W^T (Jacobi: with the
   tridiagonal solver here, whose reflectors mix the columns where Jacobi's
   rotations of a nearly diagonal G barely move them, the float randomised
   plain RPCA of test_rpca stopped converging; docs/linalg.md), Y <- Y W
   diag(g)^-1/2, twice (as CholeskyQR2, but an eigendecomposition instead of
   the Cholesky factor, so rank deficiency is seen and handled: directions
   with g below 1e-15 g_max are replaced by random columns and two more
   passes run); once when g_min > 1e-6 g_max (then one pass leaves errors
   ~1e-10). Y is never stored: each pass streams X again through the
   transforms so far (up to two, T_0 and T_1 in t->small after G and W),
   and X is written once at the end (or before random columns go in). The
   span is kept (what the range finder needs), not the individual columns. */
static avloc_result avloc__tsvd_orth(avloc_tsvd *t, float *X, size_t l, size_t len)
{
    double *G = t->small, *W = G + l * l, *Ts = W + l * l, *g = t->small + 4 * l * l;
    size_t i, j, pass, need = 2, npass = 0;
    avloc_result r;
    for (pass = 0; pass < need && pass < 6; pass++) {
        double gmax, *T;
        size_t bad = 0;
        /* at most two transforms are pending (room for T_0, T_1): a pass
           with a rank-deficient G writes X and starts the list again, and
           need is then that pass + 3, so two more passes at most */
        AVLOC_ASSERT(npass < 2);
        avloc__tsvd_orth_run(t, X, l, len, Ts, npass, G);
        if ((r = avloc_eigh_f64(l, G, l, g, W, l, t->work, t->work_bytes)) != AVLOC_OK) return r;
        gmax = g[l - 1];
        T = Ts + npass++ * l * l;
        for (i = 0; i < l; i++) {
            double f = (gmax > 0.0 && g[i] > 1e-15 * gmax) ? 1.0 / sqrt(g[i]) : 0.0;
            bad += f == 0.0;
            for (j = 0; j < l; j++) T[j * l + i] = f * W[j * l + i];
        }
        if (bad) { /* columns with f == 0 are zero now: random ones, two more passes */
            avloc__tsvd_orth_run(t, X, l, len, Ts, npass, NULL);
            npass = 0;
            for (i = 0; i < l; i++)
                if (!(gmax > 0.0 && g[i] > 1e-15 * gmax))
                    for (j = 0; j < len; j++) X[j * l + i] = (float)avloc__tsvd_rand(&t->rng);
            need = pass + 3;
        } else if (pass == 0 && g[0] > 1e-6 * gmax) {
            need = 1; /* well conditioned: one pass is already orthonormal to
                         ~1e-16 cond^2 x a small factor, far below float */
        }
    }
    if (npass) avloc__tsvd_orth_run(t, X, l, len, Ts, npass, NULL);
    return AVLOC_OK;
}

/* Y (n x l) = A^T Q for the basis Q (m x l) in t->q: for l up to
   AVLOC__TSVD_THIN as (Q^T A)^T through t->ms (the GEMM reads A in place
   as its B), above it as A^T Q with A read where it lies (76 800 x 200,
   one thread, 2026-12-04: l = 12 7.5 against 16 ms, l = 24 10.3 against
   19.3, l = 48 22 against 26, l = 64 28-32 against 27-29). */
#define AVLOC__TSVD_THIN 48
static void avloc__tsvd_atq(avloc_tsvd *t, const float *A, size_t lda, size_t l, float *Y)
{
    size_t m = t->cfg.m, n = t->cfg.n, i, j;
    if (l > AVLOC__TSVD_THIN) {
        avloc_gemm_threads_f32(&t->cfg.threads, 1, 0, n, l, m, 1.0f, A, lda, t->q, l, 0.0f, Y, l, t->tw,
                               t->tw_bytes);
        return;
    }
    avloc_gemm_threads_f32(&t->cfg.threads, 1, 0, l, n, m, 1.0f, t->q, l, A, lda, 0.0f, t->ms, n, t->tw,
                           t->tw_bytes);
    for (i = 0; i < l; i++)
        for (j = 0; j < n; j++) Y[j * l + i] = t->ms[i * n + j];
}

/* The rank-k computation shared by avloc_tsvd_f32 and avloc_svt_f32. Leaves
   Q in t->q (m x l), U_B (l x l) in t->ub (float), s (l values, double) at
   t->small + 4 l^2, V_B^T in t->vbuf (l x n, also the next warm start); l
   (basis size) through *lp. Every product reads A where it lies, as A or
   A^T, against a thin basis (m x l or n x l): with the basis as l x m rows,
   as before, Omega^T A^T packed all of A transposed on every pass (a
   rank-2 call on 76 800 x 200 took ~60 ms, three times its multiply-adds). */
static avloc_result avloc__tsvd_run(avloc_tsvd *t, const float *A, size_t lda, size_t k, size_t *lp)
{
    size_t m = t->cfg.m, n = t->cfg.n, mn = m < n ? m : n, i, j, it;
    size_t l = k + t->cfg.oversample;
    double *U_B, *s;
    avloc_result r;
    const avloc_threads *th = &t->cfg.threads;
    void *ws = t->tw;
    size_t wb = t->tw_bytes;
    if (l > mn || l < k) l = mn;
    if (l > t->lmax) l = t->lmax;
    /* Omega (n x l): the previous right subspace first, random columns after */
    for (i = 0; i < l; i++)
        for (j = 0; j < n; j++)
            t->y[j * l + i] = i < t->warm ? t->vbuf[i * n + j] : (float)avloc__tsvd_rand(&t->rng);
    avloc_gemm_threads_f32(th, 0, 0, m, l, n, 1.0f, A, lda, t->y, l, 0.0f, t->q, l, ws, wb);
    if ((r = avloc__tsvd_orth(t, t->q, l, m)) != AVLOC_OK) return r;
    for (it = 0; it < t->cfg.power_iters; it++) {
        avloc__tsvd_atq(t, A, lda, l, t->y);
        if ((r = avloc__tsvd_orth(t, t->y, l, n)) != AVLOC_OK) return r;
        avloc_gemm_threads_f32(th, 0, 0, m, l, n, 1.0f, A, lda, t->y, l, 0.0f, t->q, l, ws, wb);
        if ((r = avloc__tsvd_orth(t, t->q, l, m)) != AVLOC_OK) return r;
    }
    /* B = Q^T A (l x n), its SVD in double: B = U_B diag(s) V_B^T */
    avloc__tsvd_atq(t, A, lda, l, t->y);
    for (i = 0; i < l; i++)
        for (j = 0; j < n; j++) t->bd[i * n + j] = t->y[j * l + i];
    U_B = t->small;
    s = t->small + 4 * l * l;
    if ((r = avloc_svd_f64(l, n, t->bd, n, U_B, l, s, t->vbd, n, t->work, t->work_bytes)) != AVLOC_OK) return r;
    for (i = 0; i < l * l; i++) t->ub[i] = (float)U_B[i];
    for (i = 0; i < l * n; i++) t->vbuf[i] = (float)t->vbd[i];
    t->warm = l;
    *lp = l;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_tsvd_f32(avloc_tsvd *t, const float *A, size_t lda, size_t k,
                                      float *U, size_t ldu, float *s, float *Vt, size_t ldvt)
{
    size_t i, j, l, m, n;
    avloc_result r;
    if (!t || !A || !s) return AVLOC_ERR_NULL;
    if (!t->ready) return AVLOC_ERR_STATE;
    m = t->cfg.m;
    n = t->cfg.n;
    if (k == 0 || k > t->cfg.max_rank || lda < n || (U && ldu < k) || (Vt && ldvt < n)) return AVLOC_ERR_SIZE;
    {
        const avloc__span b[] = {avloc__span_of(A, avloc__span_bytes(m, n, lda, sizeof *A), 0),
                                 avloc__span_of(U, avloc__span_bytes(m, k, ldu, sizeof *U), 1),
                                 avloc__wr_f32(s, k),
                                 avloc__span_of(Vt, avloc__span_bytes(k, n, ldvt, sizeof *Vt), 1),
                                 avloc__object_span(t->mem, 1)};
        if (AVLOC__CLASH(b)) return AVLOC_ERR_PARAM;
    }
    if (!t->cfg.assume_finite && !avloc__tsvd_finite(t, A, lda)) return AVLOC_ERR_NONFINITE;
    if ((r = avloc__tsvd_run(t, A, lda, k, &l)) != AVLOC_OK) return r;
    for (i = 0; i < k; i++) s[i] = (float)t->small[4 * l * l + i];
    if (U) /* U = Q U_B[:, :k] */
        avloc_gemm_threads_f32(&t->cfg.threads, 0, 0, m, k, l, 1.0f, t->q, l, t->ub, l, 0.0f, U, ldu, t->tw,
                               t->tw_bytes);
    if (Vt)
        for (i = 0; i < k; i++)
            for (j = 0; j < n; j++) Vt[i * ldvt + j] = t->vbuf[i * n + j];
    return AVLOC_OK;
}

/* The SVT rank prediction shared by both paths: rank + 1 when fewer than
   the computed values were kept, else rank + grow (capped at max_rank). */
static size_t avloc__svt_next(size_t rk, size_t computed, size_t grow, size_t max_rank)
{
    if (rk < computed) return rk + 1;
    return rk + grow < max_rank ? rk + grow : max_rank;
}

/* AVLOC_SVT_AUTO's choice: 1 when the Gram path's modelled cost (float
   multiply-adds, documented at avloc_svt_f32) is below the randomised one's
   at the predicted basis size. */
static int avloc__svt_pick_gram(const avloc_tsvd *t)
{
    double m = (double)t->cfg.m, n = (double)t->cfg.n, s = m < n ? m : n, big = m < n ? n : m;
    double p = (double)t->cfg.power_iters, l = (double)(t->sv + t->cfg.oversample), k2 = 2.0 * (double)t->sv;
    double gram, rnd;
    if (!t->gg) return 0;
    if (t->cfg.svt_method == AVLOC_SVT_GRAM) return 1;
    if (l > s) l = s;
    gram = m * n * (1.33 * s + (k2 < s ? k2 : s)) + 200.0 * s * s * s;
    rnd = m * n * l * (3.0 + 2.0 * p) + 6.0 * (1.0 + p) * big * l * l + 760.0 * (1.0 + 2.0 * p) * l * l * l +
          65.0 * (1.0 + p) * m * n;
    return gram < (double)t->rnd_runs * rnd;
}

/* A threaded step of the SVT: the object, the input, and the cut. */
typedef struct avloc__svt_job {
    avloc_tsvd *t;
    const float *A;
    float *out;
    size_t lda, ldo;
    size_t k;      /* apply: the factored product's rank (0: the full W) */
    size_t chunk;  /* rows (columns when wide) per task */
} avloc__svt_job;


/* G (s x s, lower triangle) = A^T A (tall) or A A^T (wide), accumulated in
   double over chunks of AVLOC__SVT_CHUNK rows of A (columns when wide,
   transposed into a float chunk); per chunk, avloc__syrk_lower (the tiles
   of G's lower triangle, the rows converted to double as it packs them;
   with CBLAS or AVLOC_GEMM_SMALL, a double copy and GEMMs on row blocks of
   64 up to their diagonal). The chunks are cut into avloc__slabs(chunks)
   slabs (tasks), whatever the workers: slab i sums its share into its own
   G_i (G itself for slab 0), and the slabs are added in order after, so
   every worker count gives the same bits. */
static void avloc__svt_gram_slab(void *ctx, size_t slab, size_t worker)
{
    const avloc__svt_job *jb = (const avloc__svt_job *)ctx;
    avloc_tsvd *t = jb->t;
    const float *A = jb->A;
    size_t m = t->cfg.m, n = t->cfg.n, lda = jb->lda, wide = m < n, s = wide ? m : n, big = wide ? n : m;
    size_t nch = avloc__svt_gram_chunks(big), ns = avloc__slabs(nch), q, i, j;
    double *X = t->gx + worker * AVLOC__SVT_CHUNK * s, *G = slab ? t->gp + (slab - 1) * s * s : t->gg;
#if defined(AVLOC_USE_CBLAS) || defined(AVLOC_GEMM_SMALL)
    size_t i0, wb;
    void *ws = avloc__tsvd_wscr(t, worker, &wb);
#else
    double *bp = t->gk + worker * AVLOC__SVT_CHUNK * AVLOC__SVT_PACKW(s);
#endif
    memset(G, 0, s * s * sizeof *G);
    for (q = slab * nch / ns; q < (slab + 1) * nch / ns; q++) {
        size_t c0 = q * AVLOC__SVT_CHUNK, c = big - c0 < AVLOC__SVT_CHUNK ? big - c0 : AVLOC__SVT_CHUNK;
#if defined(AVLOC_USE_CBLAS) || defined(AVLOC_GEMM_SMALL)
        /* X: c x s in double, the rows c0.. of A (the columns, transposed, when wide) */
        if (wide)
            for (i = 0; i < s; i++)
                for (j = 0; j < c; j++) X[j * s + i] = A[i * lda + c0 + j];
        else
            for (i = 0; i < c; i++) avloc__f32_to_f64(X + i * s, A + (c0 + i) * lda, s);
        for (i0 = 0; i0 < s; i0 += 64) { /* row blocks of G up to their diagonal */
            size_t i1 = s - i0 < 64 ? s : i0 + 64;
            avloc_gemm_f64(1, 0, i1 - i0, i1, c, 1.0, X + i0, s, X, s, 1.0, G + i0 * s, s, ws, wb);
        }
#else
        if (wide) { /* the columns c0.., transposed into a float c x s in X's memory */
            float *Xf = (float *)X;
            for (i = 0; i < s; i++)
                for (j = 0; j < c; j++) Xf[j * s + i] = A[i * lda + c0 + j];
            avloc__syrk_lower_f64(s, c, Xf, s, G, s, bp, bp + c * (s + 16));
        } else { /* the rows in place, converted while packed */
            avloc__syrk_lower_f64(s, c, A + c0 * lda, lda, G, s, bp, bp + c * (s + 16));
        }
#endif
    }
}

static void avloc__svt_gram_matrix(avloc_tsvd *t, const float *A, size_t lda)
{
    size_t s = t->cfg.m < t->cfg.n ? t->cfg.m : t->cfg.n, big = t->cfg.m < t->cfg.n ? t->cfg.n : t->cfg.m;
    size_t ns = avloc__slabs(avloc__svt_gram_chunks(big)), i, q;
    avloc__svt_job jb;
    memset(&jb, 0, sizeof jb);
    jb.t = t;
    jb.A = A;
    jb.lda = lda;
    avloc_threads_run(&t->cfg.threads, avloc__svt_gram_slab, &jb, ns);
    for (q = 1; q < ns; q++)
        for (i = 0; i < s * s; i++) t->gg[i] += t->gp[(q - 1) * s * s + i];
}

/* One task of the product out = A W (tall) or W A (wide), W (s x s float)
   in t->gf, over rows (columns) [c0, c1) of A, a whole number of
   AVLOC__SVT_APPLY chunks: one GEMM, or, when out is A, chunk by chunk
   copied first into the worker's t->gc (large chunks: every GEMM call packs
   W again). With jb->k > 0 the same product in factored form for a low rank
   k (2 k <= s: 2 m n k multiply-adds instead of m n s): with Vk (s x k, the
   kept vectors) and Zk (k x s, rows (1 - tau/s_i) v_i^T) in t->gf, per
   chunk P = A_c Vk, out_c = P Zk (wide: P = Zk A_c, out_c = Vk P), P in the
   worker's t->gc; each chunk is read before it is written: out may be A.
   alpha = 1 and beta = 0 everywhere: any cut gives the same bits. */
static void avloc__svt_apply_task(void *ctx, size_t task, size_t worker)
{
    const avloc__svt_job *jb = (const avloc__svt_job *)ctx;
    avloc_tsvd *t = jb->t;
    size_t m = t->cfg.m, n = t->cfg.n, wide = m < n, s = wide ? m : n, big = wide ? n : m, k = jb->k;
    size_t lda = jb->lda, ldo = jb->ldo, c1 = (task + 1) * jb->chunk, c0, i, wb;
    size_t step = (jb->out == jb->A || k) ? AVLOC__SVT_APPLY : jb->chunk;
    const float *A = jb->A, *Vk = t->gf, *Zk = t->gf + s * k;
    float *out = jb->out, *X = t->gc + worker * AVLOC__SVT_APPLY * s;
    void *ws = avloc__tsvd_wscr(t, worker, &wb);
    if (c1 > big) c1 = big;
    for (c0 = task * jb->chunk; c0 < c1; c0 += step) {
        size_t c = c1 - c0 < step ? c1 - c0 : step;
        const float *src = wide ? A + c0 : A + c0 * lda;
        size_t lds = lda;
        if (k) {
            if (wide) {
                avloc_gemm_f32(0, 0, k, c, s, 1.0f, Zk, s, src, lda, 0.0f, X, c, ws, wb);
                avloc_gemm_f32(0, 0, s, c, k, 1.0f, Vk, k, X, c, 0.0f, out + c0, ldo, ws, wb);
            } else {
                avloc_gemm_f32(0, 0, c, k, s, 1.0f, src, lda, Vk, k, 0.0f, X, k, ws, wb);
                avloc_gemm_f32(0, 0, c, s, k, 1.0f, X, k, Zk, s, 0.0f, out + c0 * ldo, ldo, ws, wb);
            }
            continue;
        }
        if (out == A) {
            for (i = 0; i < (wide ? s : c); i++)
                memcpy(X + i * (wide ? c : s), src + i * lda, (wide ? c : s) * sizeof *X);
            src = X;
            lds = wide ? c : s;
        }
        if (wide)
            avloc_gemm_f32(0, 0, s, c, s, 1.0f, t->gf, s, src, lds, 0.0f, out + c0, ldo, ws, wb);
        else
            avloc_gemm_f32(0, 0, c, s, s, 1.0f, src, lds, t->gf, s, 0.0f, out + c0 * ldo, ldo, ws, wb);
    }
}

/* out = A W (k == 0) or the factored product of rank k, in tasks of whole
   chunks over the caller's threads. */
static void avloc__svt_gram_apply(avloc_tsvd *t, const float *A, size_t lda, float *out, size_t ldo,
                                  size_t k)
{
    size_t big = t->cfg.m < t->cfg.n ? t->cfg.n : t->cfg.m;
    avloc__svt_job jb;
    memset(&jb, 0, sizeof jb);
    jb.t = t; jb.A = A; jb.lda = lda; jb.out = out; jb.ldo = ldo; jb.k = k;
    /* tasks cut as for AVLOC_SLABS workers, whatever the pool: the built-in
       GEMM gives any cut the same bits, a CBLAS one may not (OpenBLAS did not) */
    jb.chunk = avloc__task_units(big, AVLOC__SVT_APPLY, AVLOC_SLABS) * AVLOC__SVT_APPLY;
    avloc_threads_run(&t->cfg.threads, avloc__svt_apply_task, &jb, (big + jb.chunk - 1) / jb.chunk);
}

/* G = V diag(w) V^T (w ascending into t->gw, V into t->gv) from the lower
   triangle of G in t->gg, by the tridiagonal QL solver, cold every call: at
   s = 200 it takes ~5 ms, less than the Jacobi sweeps warm-started from the
   previous call's eigenvectors (~11 ms plus three s^3 GEMMs for the
   rotation into and out of that basis), which this path used before. */
static avloc_result avloc__svt_gram_eigh(avloc_tsvd *t, size_t s)
{
    return avloc_eigh_tridiag_f64(s, t->gg, s, t->gw, t->gv, s, t->work, t->work_bytes);
}

/* The soft-threshold weight of a kept component (s_i = sqrt(g) > tau):
   (s_i - tau) / s_i, since A v_i = s_i u_i. */
static double avloc__svt_gram_shrink(double g, float tau)
{
    return 1.0 - (double)tau / sqrt(g);
}

/* The exact SVT through the Gram matrix (documented at avloc_svt_f32). */
static avloc_result avloc__svt_gram(avloc_tsvd *t, const float *A, size_t lda, float tau, float *out,
                                    size_t ldo, size_t grow, size_t *rank)
{
    size_t m = t->cfg.m, n = t->cfg.n, s = m < n ? m : n, above = 0, k, i, j, l;
    double *V = t->gv, *Z = t->gz, *w = t->gw, *VkT = t->gg;
    avloc_result r;
    avloc__svt_gram_matrix(t, A, lda);
    if ((r = avloc__svt_gram_eigh(t, s)) != AVLOC_OK) return r;
    while (above < s && w[s - 1 - above] > 0.0 && sqrt(w[s - 1 - above]) > (double)tau) above++;
    k = above < t->cfg.max_rank ? above : t->cfg.max_rank;
    t->capped = above >= t->cfg.max_rank;
    if (k < t->sv) t->rnd_runs = 1; /* the rank held: one range-finder run would have done */
    t->sv = avloc__svt_next(k, s, grow, t->cfg.max_rank);
    t->runs = 0;
    t->gram = 1;
    *rank = k;
    if (m >= n) { /* warm start for a later randomised call: the top right vectors */
        l = t->lmax < s ? t->lmax : s;
        for (i = 0; i < l; i++)
            for (j = 0; j < n; j++) t->vbuf[i * n + j] = (float)V[j * s + (s - 1 - i)];
        t->warm = l;
    } else {
        t->warm = 0;
    }
    if (k == 0) {
        for (i = 0; i < m; i++) memset(out + i * ldo, 0, n * sizeof *out);
        return AVLOC_OK;
    }
    if (2 * k <= s) { /* factored: Vk (s x k) and Zk (k x s) */
        float *Vk = t->gf, *Zk = t->gf + s * k;
        for (i = 0; i < k; i++) {
            double f = avloc__svt_gram_shrink(w[s - 1 - i], tau);
            for (j = 0; j < s; j++) {
                Vk[j * k + i] = (float)V[j * s + (s - 1 - i)];
                Zk[i * s + j] = (float)(f * V[j * s + (s - 1 - i)]);
            }
        }
        avloc__svt_gram_apply(t, A, lda, out, ldo, k);
        return AVLOC_OK;
    }
    /* W = Vk^T^T Z with the rows v_i^T of Vk^T and (1 - tau/s_i) v_i^T of Z */
    for (i = 0; i < k; i++) {
        double f = avloc__svt_gram_shrink(w[s - 1 - i], tau);
        for (j = 0; j < s; j++) {
            VkT[i * s + j] = V[j * s + (s - 1 - i)];
            Z[i * s + j] = f * VkT[i * s + j];
        }
    }
    avloc_gemm_f64(1, 0, s, s, k, 1.0, VkT, s, Z, s, 0.0, V, s, t->work, t->work_bytes);
    for (i = 0; i < s * s; i++) t->gf[i] = (float)V[i];
    avloc__svt_gram_apply(t, A, lda, out, ldo, 0);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_svt_f32(avloc_tsvd *t, const float *A, size_t lda, float tau,
                                     float *out, size_t ldo, size_t *rank)
{
    size_t m, n, mn, grow, k, l = 0, rk, i, j;
    const double *s = NULL;
    avloc_result r;
    if (!t || !A || !out || !rank) return AVLOC_ERR_NULL;
    if (!t->ready) return AVLOC_ERR_STATE;
    m = t->cfg.m;
    n = t->cfg.n;
    if (lda < n || ldo < n) return AVLOC_ERR_SIZE;
    if (!(tau >= 0.0f) || !avloc__finite_f64((double)tau)) return AVLOC_ERR_PARAM;
    {   /* out exactly over A is allowed (each chunk is read before it is written) */
        const int in_place = out == A && ldo == lda;
        const avloc__span b[] = {avloc__span_of(A, avloc__span_bytes(m, n, lda, sizeof *A), 0),
                                 avloc__span_of(in_place ? NULL : out, avloc__span_bytes(m, n, ldo, sizeof *out), 1),
                                 avloc__span_of(rank, sizeof *rank, 1), avloc__object_span(t->mem, 1)};
        if (AVLOC__CLASH(b)) return AVLOC_ERR_PARAM;
    }
    if (!t->cfg.assume_finite && !avloc__tsvd_finite(t, A, lda)) return AVLOC_ERR_NONFINITE;
    mn = m < n ? m : n;
    grow = (size_t)(0.05 * (double)mn + 0.5);
    if (grow == 0) grow = 1;
    if (avloc__svt_pick_gram(t)) return avloc__svt_gram(t, A, lda, tau, out, ldo, grow, rank);
    t->gram = 0;
    k = t->sv;
    if (k == 0 || k > t->cfg.max_rank) k = t->cfg.max_rank;
    t->runs = 0;
    for (;;) { /* grow the request while its smallest value is still kept */
        if ((r = avloc__tsvd_run(t, A, lda, k, &l)) != AVLOC_OK) return r;
        t->runs++;
        s = t->small + 4 * l * l;
        if (k < t->cfg.max_rank && s[k - 1] > tau) {
            /* the oversampled Ritz values (below the true ones) say how far
               the rank goes at least: one retry instead of one per step */
            size_t above = k;
            while (above < l && s[above] > tau) above++;
            if (above < t->cfg.max_rank && above + (t->cfg.oversample + 1) / 2 < l) {
                k = above + 1; /* they fall below tau with half the oversampling
                                  to spare: no retry (the rank grew by a few) */
                break;
            }
            if (t->gg && t->cfg.svt_method == AVLOC_SVT_AUTO) {
                t->rnd_runs = 2; /* the rank outgrew the basis: a retry would cost
                                    as much as the exact path, which sees all of it */
                return avloc__svt_gram(t, A, lda, tau, out, ldo, grow, rank);
            }
            k = above + grow < t->cfg.max_rank ? above + grow : t->cfg.max_rank;
            continue;
        }
        break;
    }
    for (rk = 0; rk < k && s[rk] > tau; rk++) {}
    t->rnd_runs = t->runs;
    t->capped = rk == k && k == t->cfg.max_rank;
    t->sv = avloc__svt_next(rk, k, grow, t->cfg.max_rank);
    *rank = rk;
    if (rk == 0) {
        for (i = 0; i < m; i++) memset(out + i * ldo, 0, n * sizeof *out);
        return AVLOC_OK;
    }
    /* out = Q [U_B[:, :rk] diag(s - tau) V_B^T[:rk]]: the small product first */
    for (i = 0; i < l; i++)
        for (j = 0; j < rk; j++) t->ub[i * l + j] *= (float)(s[j] - (double)tau);
    avloc_gemm_f32(0, 0, l, n, rk, 1.0f, t->ub, l, t->vbuf, n, 0.0f, t->ms, n, t->work, t->work_bytes);
    avloc_gemm_threads_f32(&t->cfg.threads, 0, 0, m, n, l, 1.0f, t->q, l, t->ms, n, 0.0f, out, ldo, t->tw,
                           t->tw_bytes);
    return AVLOC_OK;
}
#endif /* !AVLOC_NO_LINALG */

AVLOC_API double avloc_logsumexp_f64(const double *x, size_t n)
{
    double mx = -HUGE_VAL, s = 0.0;
    size_t i;
    if (n == 0) return -HUGE_VAL;
    if (!x) return avloc__qnan_f64();
    for (i = 0; i < n; i++) if (x[i] > mx) mx = x[i];
    /* all -inf: log 0 = -inf, not NaN from -inf - -inf (+inf stays +inf). On the
       bits: a comparison with an infinity is folded away under -ffast-math */
    if (!avloc__finite_f64(mx)) return mx;
    for (i = 0; i < n; i++) s += exp(x[i] - mx);
    return mx + log(s);
}

/* ============================================================ safetensors */
#ifndef AVLOC_NO_SAFETENSORS

#define AVLOC__ST_MAGIC 0x5354u

static const char *const avloc__st_names[AVLOC_ST_DTYPE_COUNT] = {
    "", "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16",
    "I32", "U32", "F32", "I64", "U64", "F64"
};
static const unsigned char avloc__st_sizes[AVLOC_ST_DTYPE_COUNT] = {
    0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 8, 8, 8
};

AVLOC_API size_t avloc_st_dtype_size(avloc_st_dtype dt)
{
    return (dt > AVLOC_ST_INVALID && dt < AVLOC_ST_DTYPE_COUNT) ? avloc__st_sizes[dt] : 0;
}

AVLOC_API const char *avloc_st_dtype_name(avloc_st_dtype dt)
{
    return (dt > AVLOC_ST_INVALID && dt < AVLOC_ST_DTYPE_COUNT) ? avloc__st_names[dt] : NULL;
}

/* strlen, bounded by the header limit (a plain counting loop is turned into
   a strlen call by gcc): the reader's open and metadata lookup then link no
   strlen on a microcontroller (newlib's is 220 bytes of Cortex-M4 code). No
   key or name in a header reaches the bound, so it never changes a result. */
static size_t avloc__st_zlen(const char *s)
{
    size_t n = 0;
    while (n < AVLOC_ST_MAX_HEADER && s[n]) n++;
    return n;
}

/* memcmp(a, b, n) == 0 for the few bytes of a character or a literal (a
   loop: the microcontroller build then links no memcmp). */
static int avloc__st_same(const unsigned char *a, const char *b, size_t n)
{
    while (n && *a == (unsigned char)*b) { a++; b++; n--; }
    return n == 0;
}

/* ---- JSON scanning. Every function checks bounds against j->end. */

typedef struct avloc__stj {
    const unsigned char *p, *end;
} avloc__stj;

static void avloc__st_ws(avloc__stj *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}

/* Skip whitespace, then consume c if it is next. */
static int avloc__st_eat(avloc__stj *j, int c)
{
    avloc__st_ws(j);
    if (j->p < j->end && *j->p == c) { j->p++; return 1; }
    return 0;
}

/* Length of the valid UTF-8 sequence at s (1..4), 0 if invalid: no
   overlongs, no surrogates, nothing above U+10FFFF. */
static size_t avloc__st_utf8(const unsigned char *s, size_t avail)
{
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    size_t n, i;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; if (c == 0xE0) lo = 0xA0; if (c == 0xED) hi = 0x9F; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; if (c == 0xF0) lo = 0x90; if (c == 0xF4) hi = 0x8F; }
    else return 0;
    if (avail < n || s[1] < lo || s[1] > hi) return 0;
    for (i = 2; i < n; i++) if ((s[i] & 0xC0) != 0x80) return 0;
    return n;
}

static int avloc__st_hex4(const unsigned char *s, unsigned *v)
{
    unsigned x = 0;
    int i;
    for (i = 0; i < 4; i++) {
        unsigned c = s[i], d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return 0;
        x = x * 16 + d;
    }
    *v = x;
    return 1;
}

/* Decode one character of a JSON string body at *pp (< end, not the closing
   quote) into UTF-8 in out. Returns its byte count (1..4), 0 if malformed. */
static int avloc__st_dec(const unsigned char **pp, const unsigned char *end, unsigned char out[4])
{
    const unsigned char *p = *pp;
    unsigned c = *p, cp, lo;
    size_t n;
    if (c < 0x20) return 0; /* raw control characters are not allowed */
    if (c != '\\') {
        n = avloc__st_utf8(p, (size_t)(end - p));
        if (!n) return 0;
        memcpy(out, p, n);
        *pp = p + n;
        return (int)n;
    }
    if (end - p < 2) return 0;
    if (p[1] != 'u') { /* the two-character escapes, as pairs (escape, value) */
        static const char esc[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
        for (n = 0; n < sizeof esc - 1; n += 2)
            if (p[1] == (unsigned char)esc[n]) {
                out[0] = (unsigned char)esc[n + 1];
                *pp = p + 2;
                return 1;
            }
        return 0;
    }
    if (end - p < 6 || !avloc__st_hex4(p + 2, &cp)) return 0;
    p += 6;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return 0; /* lone low surrogate */
    if (cp >= 0xD800 && cp <= 0xDBFF) {         /* needs its low half */
        if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || !avloc__st_hex4(p + 2, &lo) ||
            lo < 0xDC00 || lo > 0xDFFF)
            return 0;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        p += 6;
    }
    *pp = p;
    /* UTF-8: n bytes, continuation bytes 10xxxxxx from the end, then the
       lead byte 0xxxxxxx, 110xxxxx, 1110xxxx or 11110xxx */
    n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (lo = (unsigned)n - 1; lo > 0; lo--) {
        out[lo] = (unsigned char)(0x80 | (cp & 0x3F));
        cp >>= 6;
    }
    out[0] = (unsigned char)(n == 1 ? cp : (0xFF00u >> n & 0xFFu) | cp);
    return (int)n;
}

/* Parse a string (after optional whitespace); s and n get the raw body. */
static avloc_result avloc__st_str(avloc__stj *j, const unsigned char **s, size_t *n)
{
    unsigned char tmp[4];
    const unsigned char *start;
    avloc__st_ws(j);
    if (j->p >= j->end || *j->p != '"') return AVLOC_ERR_FORMAT;
    start = ++j->p;
    while (j->p < j->end && *j->p != '"')
        if (!avloc__st_dec(&j->p, j->end, tmp)) return AVLOC_ERR_FORMAT;
    if (j->p >= j->end) return AVLOC_ERR_FORMAT; /* unterminated */
    *s = start;
    *n = (size_t)(j->p - start);
    j->p++;
    return AVLOC_OK;
}

/* Does a raw string body hold an escape? (A loop rather than memchr: a
   microcontroller build links no memchr, 160 bytes of Cortex-M4 code.) */
static int avloc__st_escaped(const unsigned char *raw, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (raw[i] == '\\') return 1;
    return 0;
}

/* Decoded equality of two validated raw string bodies. */
static int avloc__st_raweq(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
    const unsigned char *ae = a + an, *be = b + bn;
    unsigned char ta[4], tb[4];
#ifndef AVLOC_ST_SMALL /* (a fast path only: the loop below gives the same answer) */
    if (!avloc__st_escaped(a, an) && !avloc__st_escaped(b, bn)) return an == bn && memcmp(a, b, an) == 0;
#endif
    while (a < ae && b < be) {
        int na = avloc__st_dec(&a, ae, ta), nb = avloc__st_dec(&b, be, tb);
        if (!na || na != nb || !avloc__st_same(ta, (const char *)tb, (size_t)na)) return 0;
    }
    return a == ae && b == be;
}

/* Does the validated raw body decode to exactly the bytes s[0..n)? */
static int avloc__st_eq(const unsigned char *raw, size_t rawn, const char *s, size_t n)
{
    const unsigned char *p = raw, *end = raw + rawn;
    unsigned char tmp[4];
    size_t k = 0;
    int m;
#ifndef AVLOC_ST_SMALL /* (a fast path only: the loop below gives the same answer) */
    if (!avloc__st_escaped(raw, rawn)) return rawn == n && (n == 0 || memcmp(raw, s, n) == 0);
#endif
    while (p < end) {
        m = avloc__st_dec(&p, end, tmp);
        if (!m || (size_t)m > n - k || !avloc__st_same(tmp, s + k, (size_t)m)) return 0;
        k += (size_t)m;
    }
    return k == n;
}

/* Decoded length of a validated raw body; copies it with a NUL when it fits. */
static avloc_result avloc__st_unescape(const unsigned char *raw, size_t rawn, char *buf,
                                       size_t buflen, size_t *len)
{
    const unsigned char *p = raw, *end = raw + rawn;
    unsigned char tmp[4];
    size_t k = 0;
    int m;
    while (p < end) {
        m = avloc__st_dec(&p, end, tmp);
        if (!m) return AVLOC_ERR_FORMAT;
        if (buf && k + (size_t)m < buflen) memcpy(buf + k, tmp, (size_t)m);
        k += (size_t)m;
    }
    if (len) *len = k;
    if (!buf || k >= buflen) return AVLOC_ERR_WORKSPACE;
    buf[k] = '\0';
    return AVLOC_OK;
}

#ifndef AVLOC_ST_SMALL
/* 64-bit FNV-1a of the decoded string, salted to separate namespaces. */
static uint64_t avloc__st_hash(const unsigned char *raw, size_t rawn, unsigned salt)
{
    const unsigned char *p = raw, *end = raw + rawn;
    unsigned char tmp[4];
    uint64_t h = 14695981039346656037u ^ salt;
    int m, i;
    while (p < end) {
        m = avloc__st_dec(&p, end, tmp);
        if (!m) break;
        for (i = 0; i < m; i++) { h ^= tmp[i]; h *= 1099511628211u; }
    }
    h ^= h >> 33; /* finalise (murmur3 fmix64): FNV's low bits mix poorly */
    h *= 0xff51afd7ed558ccdu;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53u;
    h ^= h >> 33;
    return h;
}

/* Test-and-set two bits; returns 1 if both were already set. */
static int avloc__st_bloom(unsigned char *bloom, uint64_t h)
{
    size_t a = (size_t)(h % AVLOC_ST_BLOOM_BITS), b = (size_t)((h >> 32) % AVLOC_ST_BLOOM_BITS);
    int seen = (bloom[a >> 3] >> (a & 7) & 1) && (bloom[b >> 3] >> (b & 7) & 1);
    bloom[a >> 3] |= (unsigned char)(1u << (a & 7));
    bloom[b >> 3] |= (unsigned char)(1u << (b & 7));
    return seen;
}

#endif

/* Non-negative integer without sign, fraction or exponent; overflow fails. */
static avloc_result avloc__st_uint(avloc__stj *j, uint64_t *v)
{
    uint64_t x = 0;
    avloc__st_ws(j);
    if (j->p >= j->end || *j->p < '0' || *j->p > '9') return AVLOC_ERR_FORMAT;
    if (*j->p == '0') {
        j->p++;
    } else {
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
            unsigned d = (unsigned)(*j->p - '0');
            /* (constant divisions: no 64-bit division routine linked on an MCU) */
            if (x > UINT64_MAX / 10 || (x == UINT64_MAX / 10 && d > UINT64_MAX % 10)) return AVLOC_ERR_FORMAT;
            x = x * 10 + d;
            j->p++;
        }
    }
    if (j->p < j->end && (*j->p == '.' || *j->p == 'e' || *j->p == 'E' || (*j->p >= '0' && *j->p <= '9')))
        return AVLOC_ERR_FORMAT; /* leading zero, fraction or exponent */
    *v = x;
    return AVLOC_OK;
}

static int avloc__st_digits(avloc__stj *j)
{
    const unsigned char *s = j->p;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9') j->p++;
    return j->p > s;
}

/* Validate and skip any JSON value; depth is the nesting level of the value. */
static avloc_result avloc__st_skip(avloc__stj *j, int depth)
{
    const unsigned char *s;
    size_t n;
    unsigned char c, close;
    avloc_result rc;
    avloc__st_ws(j);
    if (j->p >= j->end) return AVLOC_ERR_FORMAT;
    c = *j->p;
    if (c == '"') return avloc__st_str(j, &s, &n);
    if (c == '{' || c == '[') {
        if (depth > AVLOC_ST_MAX_DEPTH) return AVLOC_ERR_FORMAT;
        close = c == '{' ? '}' : ']';
        j->p++;
        if (avloc__st_eat(j, close)) return AVLOC_OK;
        for (;;) {
            if (c == '{') {
                if ((rc = avloc__st_str(j, &s, &n)) != AVLOC_OK) return rc;
                if (!avloc__st_eat(j, ':')) return AVLOC_ERR_FORMAT;
            }
            if ((rc = avloc__st_skip(j, depth + 1)) != AVLOC_OK) return rc;
            if (avloc__st_eat(j, ',')) continue;
            if (avloc__st_eat(j, close)) return AVLOC_OK;
            return AVLOC_ERR_FORMAT;
        }
    }
    if (c == 't' || c == 'f' || c == 'n') {
        const char *lit = c == 't' ? "true" : c == 'f' ? "false" : "null";
        size_t len = c == 'f' ? 5 : 4;
        if ((size_t)(j->end - j->p) < len || !avloc__st_same(j->p, lit, len)) return AVLOC_ERR_FORMAT;
        j->p += len;
        return AVLOC_OK;
    }
    /* number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
    if (c == '-') j->p++;
    if (j->p < j->end && *j->p == '0') j->p++;
    else if (!avloc__st_digits(j)) return AVLOC_ERR_FORMAT;
    if (j->p < j->end && *j->p == '.') { j->p++; if (!avloc__st_digits(j)) return AVLOC_ERR_FORMAT; }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-')) j->p++;
        if (!avloc__st_digits(j)) return AVLOC_ERR_FORMAT;
    }
    return AVLOC_OK;
}

/* One member of the top-level object, as parsed. */
typedef struct avloc__st_ent {
    const unsigned char *key;
    size_t key_len;
    int is_meta;
    const unsigned char *meta; /* the metadata '{', NULL for null */
    size_t n_meta;
    avloc_st_dtype dtype;
    size_t ndim, shape[AVLOC_ST_MAX_NDIM];
    uint64_t begin, end;
} avloc__st_ent;

/* The next pair of a metadata object (j after its '{' or after a pair;
   *first = 1 at the start): 1 with the raw key and value, 0 at the closing
   '}' (or, in an object not yet validated, a syntax error). */
static int avloc__st_meta_pair(avloc__stj *j, int *first, const unsigned char **k, size_t *kn,
                               const unsigned char **v, size_t *vn)
{
    if (!*first && !avloc__st_eat(j, ',')) return 0;
    *first = 0;
    return avloc__st_str(j, k, kn) == AVLOC_OK && avloc__st_eat(j, ':') && avloc__st_str(j, v, vn) == AVLOC_OK;
}

static avloc_result avloc__st_meta_obj(avloc__stj *j, avloc__st_ent *e)
{
    const unsigned char *k, *v;
    size_t kn, vn;
    int first;
    avloc__st_ws(j);
    e->meta = NULL;
    e->n_meta = 0;
    if ((size_t)(j->end - j->p) >= 4 && avloc__st_same(j->p, "null", 4)) { j->p += 4; return AVLOC_OK; }
    if (j->p >= j->end || *j->p != '{') return AVLOC_ERR_FORMAT;
    e->meta = j->p++;
    if (avloc__st_eat(j, '}')) return AVLOC_OK;
    do { /* values must be strings */
        first = 1;
        if (!avloc__st_meta_pair(j, &first, &k, &kn, &v, &vn)) return AVLOC_ERR_FORMAT;
        e->n_meta++;
    } while (avloc__st_eat(j, ','));
    return avloc__st_eat(j, '}') ? AVLOC_OK : AVLOC_ERR_FORMAT;
}

/* Index of the validated raw body among words[0..n) (decoded), n if absent. */
static size_t avloc__st_word(const unsigned char *raw, size_t rawn, const char *const *words, size_t n)
{
    size_t i;
    for (i = 0; i < n && !avloc__st_eq(raw, rawn, words[i], avloc__st_zlen(words[i])); i++) continue;
    return i;
}

static avloc_result avloc__st_info(avloc__stj *j, avloc__st_ent *e)
{
    const unsigned char *k, *v;
    size_t kn, vn, d;
    unsigned have = 0;
    uint64_t x;
    avloc_result rc;
    if (!avloc__st_eat(j, '{')) return AVLOC_ERR_FORMAT;
    if (avloc__st_eat(j, '}')) return AVLOC_ERR_FORMAT; /* fields missing */
    for (;;) {
        static const char *const keys[3] = {"dtype", "shape", "data_offsets"};
        size_t f;
        if ((rc = avloc__st_str(j, &k, &kn)) != AVLOC_OK) return rc;
        if (!avloc__st_eat(j, ':')) return AVLOC_ERR_FORMAT;
        f = avloc__st_word(k, kn, keys, 3);
        if (f < 3) { /* each field once */
            if (have & (1u << f)) return AVLOC_ERR_FORMAT;
            have |= 1u << f;
        }
        if (f == 0) {
            if ((rc = avloc__st_str(j, &v, &vn)) != AVLOC_OK) return rc;
            d = 1 + avloc__st_word(v, vn, avloc__st_names + 1, AVLOC_ST_DTYPE_COUNT - 1); /* ("": invalid) */
            if (d == AVLOC_ST_DTYPE_COUNT) return AVLOC_ERR_FORMAT;
            e->dtype = (avloc_st_dtype)d;
        } else if (f == 1) {
            e->ndim = 0;
            if (!avloc__st_eat(j, '[')) return AVLOC_ERR_FORMAT;
            if (!avloc__st_eat(j, ']')) {
                for (;;) {
                    if ((rc = avloc__st_uint(j, &x)) != AVLOC_OK) return rc;
                    if (x > (uint64_t)AVLOC_MAX_DIM) return AVLOC_ERR_FORMAT;
                    if (e->ndim == AVLOC_ST_MAX_NDIM) return AVLOC_ERR_UNSUPPORTED;
                    e->shape[e->ndim++] = (size_t)x;
                    if (avloc__st_eat(j, ',')) continue;
                    if (avloc__st_eat(j, ']')) break;
                    return AVLOC_ERR_FORMAT;
                }
            }
        } else if (f == 2) {
            if (!avloc__st_eat(j, '[')) return AVLOC_ERR_FORMAT;
            if ((rc = avloc__st_uint(j, &e->begin)) != AVLOC_OK) return rc;
            if (!avloc__st_eat(j, ',')) return AVLOC_ERR_FORMAT;
            if ((rc = avloc__st_uint(j, &e->end)) != AVLOC_OK) return rc;
            if (!avloc__st_eat(j, ']')) return AVLOC_ERR_FORMAT;
        } else if ((rc = avloc__st_skip(j, 3)) != AVLOC_OK) {
            return rc; /* unknown member: syntax-checked, ignored */
        }
        if (avloc__st_eat(j, ',')) continue;
        if (avloc__st_eat(j, '}')) break;
        return AVLOC_ERR_FORMAT;
    }
    return have == 7u ? AVLOC_OK : AVLOC_ERR_FORMAT;
}

/* Next member of the top-level object. *state: 0 before the first member,
   1 after a member, 2 done. Returns 1 with *e filled, 0 at the closing '}',
   or a negative avloc_result. */
static int avloc__st_next(avloc__stj *j, int *state, avloc__st_ent *e)
{
    avloc_result rc;
    if (*state == 2) return 0;
    if (avloc__st_eat(j, '}')) { *state = 2; return 0; }
    if (*state == 1 && !avloc__st_eat(j, ',')) return AVLOC_ERR_FORMAT;
    *state = 1;
    if ((rc = avloc__st_str(j, &e->key, &e->key_len)) != AVLOC_OK) return rc;
    if (!avloc__st_eat(j, ':')) return AVLOC_ERR_FORMAT;
    e->is_meta = avloc__st_eq(e->key, e->key_len, "__metadata__", 12);
    rc = e->is_meta ? avloc__st_meta_obj(j, e) : avloc__st_info(j, e);
    return rc == AVLOC_OK ? 1 : (int)rc;
}

/* Bytes of a parsed tensor; 0 on overflow with *ok = 0. */
static size_t avloc__st_nbytes(const avloc__st_ent *e, size_t *count, int *ok)
{
    size_t c = 1, i, b;
    *ok = 1;
    for (i = 0; i < e->ndim; i++)
        if (!avloc_size_mul(c, e->shape[i], &c)) { *ok = 0; return 0; }
    if (!avloc_size_mul(c, avloc__st_sizes[e->dtype], &b)) { *ok = 0; return 0; }
    if (count) *count = c;
    return b;
}

static avloc__stj avloc__st_top(const unsigned char *hdr, size_t len)
{
    avloc__stj j;
    j.p = hdr + 1; /* after the '{' */
    j.end = hdr + len;
    return j;
}

#ifndef AVLOC_ST_SMALL
/* Duplicate detection without memory: names that hit the on-stack filter
   are queued (up to AVLOC__ST_BATCH), and one rescan of the header compares
   every name with all queued ones, so even a hostile file whose names all
   collide costs at most count/AVLOC__ST_BATCH rescans. */
#define AVLOC__ST_BATCH 32

typedef struct avloc__st_cand {
    const unsigned char *key;
    size_t len;
    uint64_t hash;
} avloc__st_cand;

static int avloc__st_cand_hit(const avloc__st_cand *c, size_t nc, const unsigned char *key, size_t kn, uint64_t h)
{
    size_t i;
    for (i = 0; i < nc; i++)
        if (c[i].key != key && c[i].hash == h && avloc__st_raweq(c[i].key, c[i].len, key, kn)) return 1;
    return 0;
}

/* Rescan tensor names against the queue. A parse error in a part not yet
   validated just ends the rescan: the main pass reports it. */
static avloc_result avloc__st_flush_names(const unsigned char *hdr, size_t len, const avloc__st_cand *c, size_t nc)
{
    avloc__stj j = avloc__st_top(hdr, len);
    avloc__st_ent e;
    int state = 0;
    while (nc && avloc__st_next(&j, &state, &e) == 1)
        if (!e.is_meta && avloc__st_cand_hit(c, nc, e.key, e.key_len, avloc__st_hash(e.key, e.key_len, 0)))
            return AVLOC_ERR_FORMAT;
    return AVLOC_OK;
}

/* Pairs of an already parsed metadata object at meta ('{'). */
static avloc_result avloc__st_flush_meta(const unsigned char *meta, const unsigned char *end,
                                         const avloc__st_cand *c, size_t nc)
{
    avloc__stj j;
    const unsigned char *k, *v;
    size_t kn, vn;
    j.p = meta + 1;
    j.end = end;
    if (!nc || avloc__st_eat(&j, '}')) return AVLOC_OK;
    do {
        if (avloc__st_str(&j, &k, &kn) != AVLOC_OK || !avloc__st_eat(&j, ':') ||
            avloc__st_str(&j, &v, &vn) != AVLOC_OK)
            return AVLOC_ERR_FORMAT;
        if (avloc__st_cand_hit(c, nc, k, kn, avloc__st_hash(k, kn, 0x5a))) return AVLOC_ERR_FORMAT;
    } while (avloc__st_eat(&j, ','));
    return AVLOC_OK;
}

static avloc_result avloc__st_meta_dups(const unsigned char *meta, const unsigned char *end,
                                        unsigned char *bloom)
{
    avloc__st_cand c[AVLOC__ST_BATCH];
    avloc__stj j;
    const unsigned char *k, *v;
    size_t kn, vn, nc = 0, n = 0;
    uint64_t h;
    avloc_result rc;
    j.p = meta + 1;
    j.end = end;
    if (avloc__st_eat(&j, '}')) return AVLOC_OK;
    do {
        if (avloc__st_str(&j, &k, &kn) != AVLOC_OK || !avloc__st_eat(&j, ':') ||
            avloc__st_str(&j, &v, &vn) != AVLOC_OK)
            return AVLOC_ERR_FORMAT;
        if (++n > AVLOC_ST_MAX_TENSORS) return AVLOC_ERR_UNSUPPORTED;
        h = avloc__st_hash(k, kn, 0x5a);
        if (avloc__st_bloom(bloom, h)) {
            c[nc].key = k;
            c[nc].len = kn;
            c[nc].hash = h;
            if (++nc == AVLOC__ST_BATCH) {
                if ((rc = avloc__st_flush_meta(meta, end, c, nc)) != AVLOC_OK) return rc;
                nc = 0;
            }
        }
    } while (avloc__st_eat(&j, ','));
    return avloc__st_flush_meta(meta, end, c, nc);
}

#else /* AVLOC_ST_SMALL: no index, every name against every earlier one */

/* Is a tensor name, at key in the header, repeated before it? (The main
   pass has validated the header by then.) */
static int avloc__st_dup_before(const unsigned char *hdr, size_t len, const unsigned char *key, size_t kn)
{
    avloc__stj j = avloc__st_top(hdr, len);
    avloc__st_ent e;
    int state = 0;
    while (avloc__st_next(&j, &state, &e) == 1 && e.key < key)
        if (!e.is_meta && avloc__st_raweq(e.key, e.key_len, key, kn)) return 1;
    return 0;
}

/* Every tensor name against the earlier ones (after the main pass, as the
   indexed reader reports its last batch). */
static avloc_result avloc__st_dups(const unsigned char *hdr, size_t len)
{
    avloc__stj j = avloc__st_top(hdr, len);
    avloc__st_ent e;
    int state = 0;
    while (avloc__st_next(&j, &state, &e) == 1)
        if (!e.is_meta && avloc__st_dup_before(hdr, len, e.key, e.key_len)) return AVLOC_ERR_FORMAT;
    return AVLOC_OK;
}

/* Metadata keys: each against the earlier ones (the object was parsed by
   the main pass), UNSUPPORTED past the cap. */
static avloc_result avloc__st_meta_dups(const unsigned char *meta, const unsigned char *end)
{
    avloc__stj a, b;
    const unsigned char *k, *q, *v;
    size_t kn, qn, vn, n = 0;
    int fa = 1, fb;
    a.p = meta + 1;
    a.end = end;
    while (avloc__st_meta_pair(&a, &fa, &k, &kn, &v, &vn)) { /* (an empty object: no pair) */
        if (++n > AVLOC_ST_MAX_TENSORS) return AVLOC_ERR_UNSUPPORTED;
        b.p = meta + 1;
        b.end = end;
        fb = 1;
        while (avloc__st_meta_pair(&b, &fb, &q, &qn, &v, &vn) && q < k)
            if (avloc__st_raweq(q, qn, k, kn)) return AVLOC_ERR_FORMAT;
    }
    return AVLOC_OK;
}
#endif /* AVLOC_ST_SMALL */

/* Slow path for headers not listed in data order: every non-empty tensor
   must start at 0 or at the end of another non-empty tensor and end at the
   buffer end or at the start of another; empty ones must sit on such a
   boundary. With the byte total equal to the buffer size this is exactly
   "contiguous, no gap, no overlap": following the links from any tensor
   walks a chain from 0 to the end whose bytes already add up to the
   buffer, so no other non-empty tensor can exist. Tensors are checked in
   blocks of AVLOC__ST_BLOCK per rescan of the header. */
#ifdef AVLOC_ST_SMALL
#define AVLOC__ST_BLOCK 1 /* (no index: one tensor per rescan, the least code) */
#else
#define AVLOC__ST_BLOCK 64
#endif

static avloc_result avloc__st_unordered(const unsigned char *hdr, size_t len, uint64_t total)
{
    struct { uint64_t b, e; int need_b, need_e; } blk[AVLOC__ST_BLOCK];
    avloc__stj a = avloc__st_top(hdr, len), b;
    avloc__st_ent e;
    int sa = 0, sb, rc = 1, need;
    size_t nb, i;
    while (rc == 1) {
        nb = 0;
        need = 0;
        while (nb < AVLOC__ST_BLOCK && (rc = avloc__st_next(&a, &sa, &e)) == 1) {
            if (e.is_meta) continue;
            blk[nb].b = e.begin;
            blk[nb].e = e.end;
            blk[nb].need_b = e.begin != 0;
            blk[nb].need_e = e.end != e.begin && e.end != total;
            need |= blk[nb].need_b | blk[nb].need_e;
            nb++;
        }
        if (rc < 0) return (avloc_result)rc;
        if (!need) continue;
        b = avloc__st_top(hdr, len);
        sb = 0;
        while (avloc__st_next(&b, &sb, &e) == 1) {
            if (e.is_meta || e.end == e.begin) continue;
            for (i = 0; i < nb; i++) {
                if (e.end == blk[i].b) blk[i].need_b = 0;
                if (e.begin == blk[i].e && blk[i].e != blk[i].b) blk[i].need_e = 0;
            }
        }
        for (i = 0; i < nb; i++)
            if (blk[i].need_b || blk[i].need_e) return AVLOC_ERR_FORMAT;
    }
    return AVLOC_OK;
}

static uint64_t avloc__st_le64(const unsigned char *p)
{
    uint64_t v = 0;
    int i;
    for (i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

AVLOC_API avloc_result avloc_st_open(avloc_st_reader *r, const void *data, size_t size)
{
    const unsigned char *file = (const unsigned char *)data, *hdr;
#ifndef AVLOC_ST_SMALL
    unsigned char bloom[AVLOC_ST_BLOOM_BITS / 8];
    avloc__st_cand cand[AVLOC__ST_BATCH];
    uint64_t h;
    size_t nc = 0;
#endif
    uint64_t n64, cursor = 0, sum = 0, bufsize;
    size_t hlen, nb, n = 0;
    avloc__stj j;
    avloc__st_ent e;
    int state = 0, inorder = 1, ok, rc, have_meta = 0;
    if (!r) return AVLOC_ERR_NULL;
    memset(r, 0, sizeof *r);
    if (!data) return AVLOC_ERR_NULL;
    if (size < 8) return AVLOC_ERR_FORMAT;
    n64 = avloc__st_le64(file);
    if (n64 > AVLOC_ST_MAX_HEADER || n64 > (uint64_t)(size - 8)) return AVLOC_ERR_FORMAT;
    hlen = (size_t)n64;
    hdr = file + 8;
    bufsize = (uint64_t)(size - 8 - hlen);
    if (hlen == 0 || hdr[0] != '{') return AVLOC_ERR_FORMAT;
#ifndef AVLOC_ST_SMALL
    memset(bloom, 0, sizeof bloom);
#endif
    j = avloc__st_top(hdr, hlen);
    for (;;) {
        size_t from = (size_t)(j.p - hdr);
        if ((rc = avloc__st_next(&j, &state, &e)) != 1) break;
        if (e.is_meta) {
            if (have_meta++) return AVLOC_ERR_FORMAT;
            r->meta_from = from;
            r->meta_to = (size_t)(j.p - hdr);
            if (e.meta) {
#ifndef AVLOC_ST_SMALL
                if ((rc = avloc__st_meta_dups(e.meta, hdr + hlen, bloom)) != AVLOC_OK) return (avloc_result)rc;
#else
                if ((rc = avloc__st_meta_dups(e.meta, hdr + hlen)) != AVLOC_OK) return (avloc_result)rc;
#endif
                r->meta_pos = (size_t)(e.meta - hdr);
                r->n_meta = e.n_meta;
            }
            continue;
        }
        if (++n > AVLOC_ST_MAX_TENSORS) return AVLOC_ERR_UNSUPPORTED;
        nb = avloc__st_nbytes(&e, NULL, &ok);
        if (!ok || e.begin > e.end || e.end > bufsize || e.end - e.begin != (uint64_t)nb)
            return AVLOC_ERR_FORMAT;
        if (e.begin != cursor) inorder = 0;
        cursor = e.end;
        sum += nb; /* cannot wrap: each term <= bufsize and n is capped */
        if (sum > bufsize) return AVLOC_ERR_FORMAT;
#ifndef AVLOC_ST_SMALL
        h = avloc__st_hash(e.key, e.key_len, 0);
        if (avloc__st_bloom(bloom, h)) { /* maybe a repeat: queue for a rescan */
            cand[nc].key = e.key;
            cand[nc].len = e.key_len;
            cand[nc].hash = h;
            if (++nc == AVLOC__ST_BATCH) {
                if (avloc__st_flush_names(hdr, hlen, cand, nc) != AVLOC_OK) return AVLOC_ERR_FORMAT;
                nc = 0;
            }
        }
#endif
    }
    if (rc < 0) return (avloc_result)rc;
#ifndef AVLOC_ST_SMALL
    if (avloc__st_flush_names(hdr, hlen, cand, nc) != AVLOC_OK) return AVLOC_ERR_FORMAT;
#else
    if (avloc__st_dups(hdr, hlen) != AVLOC_OK) return AVLOC_ERR_FORMAT;
#endif
    avloc__st_ws(&j);
    if (j.p != j.end) return AVLOC_ERR_FORMAT; /* only whitespace may follow */
    if (sum != bufsize) return AVLOC_ERR_FORMAT;
    if (!inorder && (rc = avloc__st_unordered(hdr, hlen, bufsize)) != AVLOC_OK) return (avloc_result)rc;
    r->file = file;
    r->file_size = size;
    r->header = (const char *)hdr;
    r->header_len = hlen;
    r->buffer = hdr + hlen;
    r->buffer_size = (size_t)bufsize;
    r->n_tensors = n;
    r->magic = AVLOC__ST_MAGIC;
    return AVLOC_OK;
}

AVLOC_API size_t avloc_st_count(const avloc_st_reader *r)
{
    return (r && r->magic == AVLOC__ST_MAGIC) ? r->n_tensors : 0;
}

static void avloc__st_fill(const avloc_st_reader *r, const avloc__st_ent *e, avloc_st_tensor *t)
{
    size_t i;
    int ok;
    memset(t, 0, sizeof *t);
    t->name = (const char *)e->key;
    t->name_len = e->key_len;
    t->name_escaped = avloc__st_escaped(e->key, e->key_len);
    t->dtype = e->dtype;
    t->ndim = e->ndim;
    for (i = 0; i < e->ndim; i++) t->shape[i] = e->shape[i];
    t->nbytes = avloc__st_nbytes(e, &t->count, &ok);
    t->data = r->buffer + (size_t)e->begin;
}

AVLOC_API void avloc_st_iter_begin(const avloc_st_reader *r, avloc_st_iter *it)
{
    (void)r;
    if (!it) return;
    it->pos = 1;
    it->state = 0;
}

AVLOC_API int avloc_st_next(const avloc_st_reader *r, avloc_st_iter *it, avloc_st_tensor *t)
{
    avloc__stj j;
    avloc__st_ent e;
    int rc;
    if (!r || !it || !t || r->magic != AVLOC__ST_MAGIC || it->pos > r->header_len) return 0;
    if (r->meta_to && it->pos == r->meta_from && it->state != 2) { /* validated at open: skip it */
        it->pos = r->meta_to;
        it->state = 1;
    }
    j.p = (const unsigned char *)r->header + it->pos;
    j.end = (const unsigned char *)r->header + r->header_len;
    do {
        rc = avloc__st_next(&j, &it->state, &e);
    } while (rc == 1 && e.is_meta);
    if (rc != 1) { it->state = 2; return 0; }
    it->pos = (size_t)(j.p - (const unsigned char *)r->header);
    avloc__st_fill(r, &e, t);
    return 1;
}

AVLOC_API avloc_result avloc_st_find_n(const avloc_st_reader *r, const char *name, size_t len,
                                       avloc_st_tensor *t)
{
    avloc_st_iter it;
    avloc_st_tensor x;
    if (!r || (!name && len) || !t) return AVLOC_ERR_NULL;
    if (r->magic != AVLOC__ST_MAGIC) return AVLOC_ERR_STATE;
    avloc_st_iter_begin(r, &it);
    while (avloc_st_next(r, &it, &x))
        if (avloc__st_eq((const unsigned char *)x.name, x.name_len, name ? name : "", len)) {
            *t = x;
            return AVLOC_OK;
        }
    return AVLOC_ERR_NOT_FOUND;
}

AVLOC_API avloc_result avloc_st_find(const avloc_st_reader *r, const char *name, avloc_st_tensor *t)
{
    if (!name) return AVLOC_ERR_NULL;
    return avloc_st_find_n(r, name, strlen(name), t);
}

AVLOC_API avloc_result avloc_st_tensor_at(const avloc_st_reader *r, size_t index, avloc_st_tensor *t)
{
    avloc_st_iter it;
    size_t i = 0;
    if (!r || !t) return AVLOC_ERR_NULL;
    if (r->magic != AVLOC__ST_MAGIC) return AVLOC_ERR_STATE;
    avloc_st_iter_begin(r, &it);
    while (avloc_st_next(r, &it, t))
        if (i++ == index) return AVLOC_OK;
    return AVLOC_ERR_NOT_FOUND;
}

AVLOC_API avloc_result avloc_st_tensor_name(const avloc_st_tensor *t, char *buf, size_t buflen, size_t *len)
{
    if (!t || !t->name) return AVLOC_ERR_NULL;
    return avloc__st_unescape((const unsigned char *)t->name, t->name_len, buf, buflen, len);
}

/* ---- element conversion (explicit little-endian loads: any host, any alignment) */

static uint64_t avloc__st_ld(const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    while (n-- > 0) v = (v << 8) | p[n];
    return v;
}

static float avloc__st_half(unsigned h, int bf16)
{
    uint32_t s = (uint32_t)(h >> 15) << 31, e = (h >> 10) & 31, m = h & 1023, f;
    float v;
    if (bf16) f = (uint32_t)h << 16;
    else if (e == 0 && m == 0) f = s;
    else if (e == 0) { /* subnormal half: normalise */
        e = 113;
        while (!(m & 0x400)) { m <<= 1; e--; }
        f = s | (e << 23) | ((m & 0x3FF) << 13);
    } else if (e == 31) f = s | 0x7F800000u | (m << 13);
    else f = s | ((e + 112) << 23) | (m << 13);
    memcpy(&v, &f, 4);
    return v;
}

/* Element i as double (floating dtypes only). */
static double avloc__st_getf(const avloc_st_tensor *t, size_t i)
{
    const unsigned char *p = (const unsigned char *)t->data;
    uint64_t u;
    float f;
    double d;
    switch (t->dtype) {
    case AVLOC_ST_F32: u = avloc__st_ld(p + 4 * i, 4); { uint32_t w = (uint32_t)u; memcpy(&f, &w, 4); } return f;
    case AVLOC_ST_F64: u = avloc__st_ld(p + 8 * i, 8); memcpy(&d, &u, 8); return d;
    case AVLOC_ST_F16: return avloc__st_half((unsigned)avloc__st_ld(p + 2 * i, 2), 0);
    case AVLOC_ST_BF16: return avloc__st_half((unsigned)avloc__st_ld(p + 2 * i, 2), 1);
    default: return 0.0;
    }
}

static int avloc__st_isfloat(avloc_st_dtype dt)
{
    return dt == AVLOC_ST_F32 || dt == AVLOC_ST_F64 || dt == AVLOC_ST_F16 || dt == AVLOC_ST_BF16;
}

/* Element i as int64; *ok = 0 if a U64 exceeds INT64_MAX. */
static int64_t avloc__st_geti(const avloc_st_tensor *t, size_t i, int *ok)
{
    const unsigned char *p = (const unsigned char *)t->data;
    size_t sz = avloc__st_sizes[t->dtype];
    uint64_t u = avloc__st_ld(p + sz * i, sz);
    switch (t->dtype) {
    case AVLOC_ST_BOOL: return u != 0;
    case AVLOC_ST_U8: case AVLOC_ST_U16: case AVLOC_ST_U32: return (int64_t)u;
    case AVLOC_ST_I8: return (int64_t)(int8_t)(uint8_t)u;
    case AVLOC_ST_I16: return (int64_t)(int16_t)(uint16_t)u;
    case AVLOC_ST_I32: return (int64_t)(int32_t)(uint32_t)u;
    case AVLOC_ST_I64: { int64_t v; memcpy(&v, &u, 8); return v; }
    case AVLOC_ST_U64: if (u > (uint64_t)INT64_MAX) *ok = 0; return (int64_t)(u & (uint64_t)INT64_MAX);
    default: *ok = 0; return 0;
    }
}

static int avloc__st_isint(avloc_st_dtype dt)
{
    return dt == AVLOC_ST_BOOL || dt == AVLOC_ST_U8 || dt == AVLOC_ST_I8 || dt == AVLOC_ST_I16 ||
           dt == AVLOC_ST_U16 || dt == AVLOC_ST_I32 || dt == AVLOC_ST_U32 || dt == AVLOC_ST_I64 ||
           dt == AVLOC_ST_U64;
}

static avloc_result avloc__st_conv_check(const avloc_st_tensor *t, const void *out, size_t count, int want_float)
{
    size_t bytes;
    if (!t || (!out && count)) return AVLOC_ERR_NULL;
    if (!t->data && t->nbytes) return AVLOC_ERR_NULL;
    if (want_float ? !avloc__st_isfloat(t->dtype) : !avloc__st_isint(t->dtype)) return AVLOC_ERR_PARAM;
    if (!avloc_size_mul(t->count, avloc__st_sizes[t->dtype], &bytes) || count != t->count || t->nbytes != bytes)
        return AVLOC_ERR_SIZE;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_st_tensor_f32(const avloc_st_tensor *t, float *out, size_t count)
{
    size_t i;
    avloc_result rc = avloc__st_conv_check(t, out, count, 1);
    if (rc != AVLOC_OK) return rc;
    for (i = 0; i < count; i++) out[i] = (float)avloc__st_getf(t, i);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_st_tensor_f64(const avloc_st_tensor *t, double *out, size_t count)
{
    size_t i;
    avloc_result rc = avloc__st_conv_check(t, out, count, 1);
    if (rc != AVLOC_OK) return rc;
    for (i = 0; i < count; i++) out[i] = avloc__st_getf(t, i);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_st_tensor_i64(const avloc_st_tensor *t, int64_t *out, size_t count)
{
    size_t i;
    int ok = 1;
    avloc_result rc = avloc__st_conv_check(t, out, count, 0);
    if (rc != AVLOC_OK) return rc;
    for (i = 0; i < count; i++) out[i] = avloc__st_geti(t, i, &ok);
    return ok ? AVLOC_OK : AVLOC_ERR_PARAM;
}

AVLOC_API avloc_result avloc_st_tensor_i32(const avloc_st_tensor *t, int32_t *out, size_t count)
{
    size_t i;
    int ok = 1;
    avloc_result rc = avloc__st_conv_check(t, out, count, 0);
    if (rc != AVLOC_OK) return rc;
    for (i = 0; i < count; i++) {
        int64_t v = avloc__st_geti(t, i, &ok);
        if (v < INT32_MIN || v > INT32_MAX) { ok = 0; v = 0; }
        out[i] = (int32_t)v;
    }
    return ok ? AVLOC_OK : AVLOC_ERR_PARAM;
}

#define AVLOC__ST_READ(suffix, type)                                                        \
    AVLOC_API avloc_result avloc_st_read_##suffix(const avloc_st_reader *r, const char *name, \
                                                  type *out, size_t count)                  \
    {                                                                                       \
        avloc_st_tensor t;                                                                  \
        avloc_result rc = avloc_st_find(r, name, &t);                                       \
        return rc != AVLOC_OK ? rc : avloc_st_tensor_##suffix(&t, out, count);              \
    }
AVLOC__ST_READ(f32, float)
AVLOC__ST_READ(f64, double)
AVLOC__ST_READ(i64, int64_t)
AVLOC__ST_READ(i32, int32_t)
#undef AVLOC__ST_READ

/* Raw value of metadata key. */
static avloc_result avloc__st_meta_find(const avloc_st_reader *r, const char *key,
                                        const unsigned char **v, size_t *vn)
{
    avloc__stj j;
    const unsigned char *k;
    size_t kn, keylen;
    int first = 1;
    if (!r || !key) return AVLOC_ERR_NULL;
    if (r->magic != AVLOC__ST_MAGIC) return AVLOC_ERR_STATE;
    if (!r->meta_pos) return AVLOC_ERR_NOT_FOUND;
    keylen = avloc__st_zlen(key);
    j.p = (const unsigned char *)r->header + r->meta_pos + 1;
    j.end = (const unsigned char *)r->header + r->header_len;
    while (avloc__st_meta_pair(&j, &first, &k, &kn, v, vn)) /* (validated by avloc_st_open) */
        if (avloc__st_eq(k, kn, key, keylen)) return AVLOC_OK;
    return AVLOC_ERR_NOT_FOUND;
}

AVLOC_API avloc_result avloc_st_meta_len(const avloc_st_reader *r, const char *key, size_t *len)
{
    const unsigned char *v;
    size_t vn;
    avloc_result rc;
    if (!len) return AVLOC_ERR_NULL;
    if ((rc = avloc__st_meta_find(r, key, &v, &vn)) != AVLOC_OK) return rc;
    rc = avloc__st_unescape(v, vn, NULL, 0, len);
    return rc == AVLOC_ERR_WORKSPACE ? AVLOC_OK : rc;
}

AVLOC_API avloc_result avloc_st_meta(const avloc_st_reader *r, const char *key, char *buf, size_t buflen)
{
    const unsigned char *v;
    size_t vn;
    avloc_result rc;
    if (!buf && buflen) return AVLOC_ERR_NULL;
    if ((rc = avloc__st_meta_find(r, key, &v, &vn)) != AVLOC_OK) return rc;
    return avloc__st_unescape(v, vn, buf, buflen, NULL);
}

/* ---- nested JSON (see the declarations) */

AVLOC_API avloc_result avloc_st_meta_raw(const avloc_st_reader *r, const char *key, const char **raw,
                                         size_t *raw_len)
{
    const unsigned char *v;
    size_t vn;
    avloc_result rc;
    if (!raw || !raw_len) return AVLOC_ERR_NULL;
    if ((rc = avloc__st_meta_find(r, key, &v, &vn)) != AVLOC_OK) return rc;
    *raw = (const char *)v;
    *raw_len = vn;
    return AVLOC_OK;
}

AVLOC_API int avloc_st_json_char(const char **p, const char *end, unsigned char out[4])
{
    const unsigned char *q;
    int n;
    if (!p || !*p || !end || !out || *p >= end) return 0;
    q = (const unsigned char *)*p;
    n = avloc__st_dec(&q, (const unsigned char *)end, out);
    if (n) *p = (const char *)q;
    return n;
}

/* ---- writer */

/* Text sink: p == NULL only counts. */
typedef struct avloc__st_sink {
    unsigned char *p;
    size_t n;
} avloc__st_sink;

static void avloc__st_put(avloc__st_sink *s, const char *src, size_t n)
{
    if (s->p) memcpy(s->p + s->n, src, n);
    s->n += n;
}

static void avloc__st_puts(avloc__st_sink *s, const char *src) { avloc__st_put(s, src, strlen(src)); }

static void avloc__st_putu(avloc__st_sink *s, uint64_t v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do { tmp[--i] = (char)('0' + (int)(v % 10)); v /= 10; } while (v);
    avloc__st_put(s, tmp + i, sizeof tmp - i);
}

/* Quoted JSON string with json.dumps(ensure_ascii=False) escaping. */
static void avloc__st_putq(avloc__st_sink *s, const char *str)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)str;
    char esc[7];
    avloc__st_put(s, "\"", 1);
    for (; *p; p++) {
        switch (*p) {
        case '"': avloc__st_put(s, "\\\"", 2); break;
        case '\\': avloc__st_put(s, "\\\\", 2); break;
        case '\n': avloc__st_put(s, "\\n", 2); break;
        case '\r': avloc__st_put(s, "\\r", 2); break;
        case '\t': avloc__st_put(s, "\\t", 2); break;
        case '\b': avloc__st_put(s, "\\b", 2); break;
        case '\f': avloc__st_put(s, "\\f", 2); break;
        default:
            if (*p < 0x20) {
                memcpy(esc, "\\u00", 4);
                esc[4] = hex[*p >> 4];
                esc[5] = hex[*p & 15];
                avloc__st_put(s, esc, 6);
            } else {
                avloc__st_put(s, (const char *)p, 1);
            }
        }
    }
    avloc__st_put(s, "\"", 1);
}

static int avloc__st_valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s), n;
    while (left) {
        if (!(n = avloc__st_utf8(p, left))) return 0;
        p += n;
        left -= n;
    }
    return 1;
}

/* Can `extra` header bytes and `data` more data bytes still fit? */
static int avloc__st_fits(const avloc_st_writer *w, size_t extra, size_t data)
{
    size_t need;
    return avloc_size_add(8, w->head, &need) && avloc_size_add(need, extra, &need) &&
           avloc_size_add(need, w->data, &need) && avloc_size_add(need, data, &need) && need <= w->cap;
}

/* Insert len header bytes at header offset pos; returns where to write
   them, or NULL when measuring (the caller then only counts). */
static unsigned char *avloc__st_make_room(avloc_st_writer *w, size_t pos, size_t len, size_t data)
{
    unsigned char *h;
    if (!w->measure && !avloc__st_fits(w, len, data)) { w->measure = 1; w->short_buf = 1; }
    if (w->measure) return NULL;
    h = w->buf + 8;
    memmove(h + pos + len, h + pos, w->head - pos);
    return h + pos;
}

static avloc_result avloc__st_grow(avloc_st_writer *w, size_t len)
{
    if (!avloc_size_add(w->head, len, &w->head)) w->status = AVLOC_ERR_OVERFLOW;
    return w->status;
}

AVLOC_API avloc_result avloc_st_begin(avloc_st_writer *w, void *buf, size_t cap)
{
    unsigned char *at;
    if (!w) return AVLOC_ERR_NULL;
    memset(w, 0, sizeof *w);
    w->buf = (unsigned char *)buf;
    w->cap = buf ? cap : 0;
    w->measure = buf == NULL;
    w->status = AVLOC_OK;
    if ((at = avloc__st_make_room(w, 0, 1, 0)) != NULL) *at = '{';
    w->head = 1;
    return w->short_buf ? AVLOC_ERR_WORKSPACE : AVLOC_OK;
}

static void avloc__st_emit_tensor(avloc__st_sink *s, int comma, const char *name, avloc_st_dtype dt,
                                  size_t ndim, const size_t *shape, size_t begin, size_t end)
{
    size_t i;
    if (comma) avloc__st_put(s, ",", 1);
    avloc__st_putq(s, name);
    avloc__st_puts(s, ":{\"dtype\":\"");
    avloc__st_puts(s, avloc__st_names[dt]);
    avloc__st_puts(s, "\",\"shape\":[");
    for (i = 0; i < ndim; i++) {
        if (i) avloc__st_put(s, ",", 1);
        avloc__st_putu(s, shape[i]);
    }
    avloc__st_puts(s, "],\"data_offsets\":[");
    avloc__st_putu(s, begin);
    avloc__st_put(s, ",", 1);
    avloc__st_putu(s, end);
    avloc__st_puts(s, "]}");
}

AVLOC_API avloc_result avloc_st_add(avloc_st_writer *w, const char *name, avloc_st_dtype dtype,
                                    size_t ndim, const size_t *shape, const void *data)
{
    avloc__st_sink s;
    size_t i, nb = 1, end, len;
    unsigned char *at, *dst;
    const unsigned char *src = (const unsigned char *)data;
    if (!w) return AVLOC_ERR_NULL;
    if (w->status != AVLOC_OK) return w->status;
    if (!name || (ndim && !shape)) return w->status = AVLOC_ERR_NULL;
    if (dtype <= AVLOC_ST_INVALID || dtype >= AVLOC_ST_DTYPE_COUNT || strcmp(name, "__metadata__") == 0 ||
        !avloc__st_valid_utf8(name))
        return w->status = AVLOC_ERR_PARAM;
    if (ndim > AVLOC_ST_MAX_NDIM || w->n_tensors >= AVLOC_ST_MAX_TENSORS) return w->status = AVLOC_ERR_SIZE;
    for (i = 0; i < ndim; i++) {
        if (shape[i] > AVLOC_MAX_DIM) return w->status = AVLOC_ERR_SIZE;
        if (!avloc_size_mul(nb, shape[i], &nb)) return w->status = AVLOC_ERR_OVERFLOW;
    }
    if (!avloc_size_mul(nb, avloc__st_sizes[dtype], &nb) || !avloc_size_add(w->data, nb, &end))
        return w->status = AVLOC_ERR_OVERFLOW;
    if (nb && !src && w->buf) return w->status = AVLOC_ERR_NULL;
    s.p = NULL;
    s.n = 0;
    avloc__st_emit_tensor(&s, w->n_tensors + w->n_meta > 0, name, dtype, ndim, shape, w->data, end);
    len = s.n;
    if ((at = avloc__st_make_room(w, w->head, len, nb)) != NULL) {
        s.p = at;
        s.n = 0;
        avloc__st_emit_tensor(&s, w->n_tensors + w->n_meta > 0, name, dtype, ndim, shape, w->data, end);
        /* Stage the bytes reversed just below the previous tensor: one
           reversal of the whole staging area at finish puts every tensor
           in order with its bytes the right way round. */
        dst = w->buf + w->cap - end;
        for (i = 0; i < nb; i++) dst[i] = src[nb - 1 - i];
    }
    if (avloc__st_grow(w, len) != AVLOC_OK) return w->status;
    w->data = end;
    w->n_tensors++;
    return w->short_buf ? AVLOC_ERR_WORKSPACE : AVLOC_OK;
}

AVLOC_API avloc_result avloc_st_add_meta(avloc_st_writer *w, const char *key, const char *value)
{
    avloc__st_sink s;
    size_t pos, len, pre;
    unsigned char *at;
    int pass;
    if (!w) return AVLOC_ERR_NULL;
    if (w->status != AVLOC_OK) return w->status;
    if (!key || !value) return w->status = AVLOC_ERR_NULL;
    if (!avloc__st_valid_utf8(key) || !avloc__st_valid_utf8(value)) return w->status = AVLOC_ERR_PARAM;
    /* First pair: open the object right after '{'; later pairs go before its '}'. */
    pos = w->n_meta ? w->meta_close : 1;
    at = NULL;
    len = pre = 0;
    for (pass = 0; pass < 2; pass++) {
        s.p = at;
        s.n = 0;
        if (!w->n_meta) avloc__st_puts(&s, "\"__metadata__\":{");
        else avloc__st_put(&s, ",", 1);
        avloc__st_putq(&s, key);
        avloc__st_put(&s, ":", 1);
        avloc__st_putq(&s, value);
        pre = s.n; /* bytes before the closing '}' of the metadata object */
        if (!w->n_meta) avloc__st_puts(&s, w->n_tensors ? "}," : "}");
        if (pass == 0) {
            len = s.n;
            if ((at = avloc__st_make_room(w, pos, len, 0)) == NULL) break;
        }
    }
    if (avloc__st_grow(w, len) != AVLOC_OK) return w->status;
    w->meta_close = pos + pre;
    w->n_meta++;
    return w->short_buf ? AVLOC_ERR_WORKSPACE : AVLOC_OK;
}

AVLOC_API avloc_result avloc_st_finish(avloc_st_writer *w, size_t *total)
{
    size_t hlen, need, i;
    unsigned char *d, tmp;
    avloc_st_reader r;
    if (!w) return AVLOC_ERR_NULL;
    if (w->status != AVLOC_OK) return w->status;
    /* header = JSON + '}' padded with spaces to a multiple of 8 */
    if (!avloc_size_add(w->head, 8, &hlen)) return w->status = AVLOC_ERR_OVERFLOW;
    hlen &= ~(size_t)7;
    if (hlen > AVLOC_ST_MAX_HEADER) return w->status = AVLOC_ERR_SIZE;
    if (!avloc_size_add(8 + hlen, w->data, &need)) return w->status = AVLOC_ERR_OVERFLOW;
    if (total) *total = need;
    if (!w->measure && need > w->cap) { w->measure = 1; w->short_buf = 1; }
    if (w->measure) return w->short_buf ? AVLOC_ERR_WORKSPACE : AVLOC_OK;
    w->buf[8 + w->head] = '}';
    memset(w->buf + 8 + w->head + 1, ' ', hlen - w->head - 1);
    for (i = 0; i < 8; i++) w->buf[i] = (unsigned char)((uint64_t)hlen >> (8 * i));
    d = w->buf + w->cap - w->data;
    for (i = 0; i < w->data / 2; i++) {
        tmp = d[i];
        d[i] = d[w->data - 1 - i];
        d[w->data - 1 - i] = tmp;
    }
    memmove(w->buf + 8 + hlen, d, w->data);
    /* Duplicate names or keys are the only way the result can be invalid. */
    if (avloc_st_open(&r, w->buf, need) != AVLOC_OK) return w->status = AVLOC_ERR_PARAM;
    w->status = AVLOC_ERR_STATE; /* finished: the staging area is gone */
    return AVLOC_OK;
}
#endif /* !AVLOC_NO_SAFETENSORS */
/* ====================================================== end safetensors */

#endif /* AVLOC_IMPLEMENTATION */

/* ======================================================================= */
/*   The per-set driver: every kernel template is compiled through here    */
/* ======================================================================= */
/* The one place that turns a kernel template into one copy per compiled
   SIMD set (the GEMM below, the modules' kernels, tests/test_simd.c). The
   template's owner defines
     AVLOC__VPASS   its pass id (the template section tests it)
     AVLOC__VFILE   the file holding the template: a quoted name, or a
                    macro naming one (AVLOC_DSP_FILE), found from this file
     AVLOC__VNEED_D (optional, 0/1) 1: the template needs double vectors, so
                    ARMv7 NEON (no AVLOC__VD_NEON) is left out
     AVLOC__VSCAL   (optional) also compile the plain-C set "scal" when no
                    vector set is compiled (callers that always name a set)
     AVLOC__VAVX512 (optional) also compile the avx512 set where it exists
                    (the template uses only the operations it defines)
     AVLOC__VSSE2   (optional) also compile the sse2 set in AVX2-only
                    builds (-mavx2 -mfma), for kernels no wider vector fits
   then includes AVLOC_CORE_FILE: the section below re-includes AVLOC__VFILE
   with AVLOC__VSET = sse2, avx2 (between AVLOC__AVX2_BEGIN/END), neon or
   scal. This file is safe to re-read at any time (include guard, the
   implementation's DONE guard, templates keyed on AVLOC__VPASS). */
#if defined(AVLOC__VFILE) && !defined(AVLOC__VSET)
#if defined(AVLOC__VSET_NEON) && (!defined(AVLOC__VNEED_D) || !AVLOC__VNEED_D || defined(AVLOC__VD_NEON))
#define AVLOC__VDRIVE_NEON 1
#endif
#if defined(AVLOC__VSET_SSE2) || (defined(AVLOC__AVX2_ONLY) && defined(AVLOC__VSSE2))
#define AVLOC__VSET sse2
#include AVLOC__VFILE
#undef AVLOC__VSET
#endif
#ifdef AVLOC__VSET_AVX2
#define AVLOC__VSET avx2
AVLOC__AVX2_BEGIN
#include AVLOC__VFILE
AVLOC__AVX2_END
#undef AVLOC__VSET
#endif
#if defined(AVLOC__VSET_AVX512) && defined(AVLOC__VAVX512)
#define AVLOC__VSET avx512
AVLOC__AVX512_BEGIN
#include AVLOC__VFILE
AVLOC__AVX512_END
#undef AVLOC__VSET
#endif
#ifdef AVLOC__VDRIVE_NEON
#define AVLOC__VSET neon
#include AVLOC__VFILE
#undef AVLOC__VSET
#elif defined(AVLOC__VSCAL) && !defined(AVLOC__VSET_SSE2) && !defined(AVLOC__VSET_AVX2)
#define AVLOC__VSET scal
#include AVLOC__VFILE
#undef AVLOC__VSET
#endif
#undef AVLOC__VDRIVE_NEON
#endif /* the per-set driver */

/* ======================================================================= */
/*        GEMM: a template, compiled per precision and per SIMD set        */
/* ======================================================================= */
/* Read twice by the core's implementation (AVLOC__GEMM_D 0: float, 1:
   double). At that "type level" it defines the set-free helpers (packing,
   edge tiles, the unpacked path) and the public avloc_gemm_f32/_f64 and
   avloc_gemm_scratch_f32/_f64, and in between re-includes this file once
   per SIMD set for the micro-kernel and its blocking loops (names through
   AVLOC__GN: name_<f32|f64>_<set>). Blocking in the BLIS/Goto order: for
   each NC-wide block of columns and KC-deep slice of k, op(B) is packed
   into NR-wide panels (reused from L2/L3); for each MC-tall block of rows,
   op(A) into MR-tall panels (L2); the micro-kernel multiplies one A panel
   by one B panel (kc x MR by kc x NR, streamed from L1) into an MR x NR
   tile of C kept in 12 vector registers, then applies alpha and beta. */
#if defined(AVLOC__VPASS) && AVLOC__VPASS == AVLOC__VPASS_CORE_GEMM && !defined(AVLOC__VSET) && !defined(AVLOC__VFILE)
#if AVLOC__GEMM_D
#define AVLOC__GT double
#define AVLOC__GTS f64
#define AVLOC__GEMM_NRMAX AVLOC__GEMM_NRMAX_F64
#define AVLOC__GEMM_VCALL AVLOC__VCALL_D
#define AVLOC__GEMM_CBLAS cblas_dgemm
#else
#define AVLOC__GT float
#define AVLOC__GTS f32
#define AVLOC__GEMM_NRMAX AVLOC__GEMM_NRMAX_F32
#define AVLOC__GEMM_VCALL AVLOC__VCALL
#define AVLOC__GEMM_CBLAS cblas_sgemm
#endif
#define AVLOC__GCAT(a, b) AVLOC__GCAT_(a, b)
#define AVLOC__GCAT_(a, b) a##_##b
#define AVLOC__GF(name) AVLOC__GCAT(name, AVLOC__GTS)              /* name_f32 */
#define AVLOC__GNS(name, set) AVLOC__VN_(AVLOC__GF(name), set)     /* name_f32_<set> */
#define AVLOC__GN(name) AVLOC__GNS(name, AVLOC__VSET)
/* AVLOC__VCALL pastes its fn argument: expand the name first; avx512
   first where it is compiled and the CPU has it */
#ifdef AVLOC__VSET_AVX512
#define AVLOC__GEMM_CALL(fn, args, none) AVLOC__GEMM_CALL512(fn, args, none)
#define AVLOC__GEMM_CALL512(fn, args, none) (AVLOC__AVX512_OK() ? fn##_avx512 args : AVLOC__GEMM_VCALL(fn, args, none))
#else
#define AVLOC__GEMM_CALL(fn, args, none) AVLOC__GEMM_VCALL(fn, args, none)
#endif

#ifndef AVLOC_USE_CBLAS
#ifndef AVLOC_GEMM_SMALL
/* op(A) rows [i0, i0+mc) x k [p0, p0+kc) into MR-tall panels: panel q (rows
   q..q+MR) at ap + q*kc, element (r, p) at p*MR + r; rows past mc are 0. */
static void AVLOC__GF(avloc__gemm_pack_a)(int ta, const AVLOC__GT *A, size_t lda, size_t i0, size_t p0,
                                          size_t mc, size_t kc, AVLOC__GT *ap)
{
    const size_t MR = AVLOC__GEMM_MR;
    size_t q, r, p;
    for (q = 0; q < mc; q += MR) {
        AVLOC__GT *dst = ap + q * kc;
        const size_t mr = mc - q < MR ? mc - q : MR;
        if (ta) {
            for (p = 0; p < kc; p++) {
                const AVLOC__GT *src = A + (p0 + p) * lda + i0 + q;
                for (r = 0; r < mr; r++) dst[p * MR + r] = src[r];
                for (; r < MR; r++) dst[p * MR + r] = 0;
            }
        } else {
            for (r = 0; r < MR; r++) {
                const AVLOC__GT *src = A + (i0 + q + r) * lda + p0;
                if (r < mr) for (p = 0; p < kc; p++) dst[p * MR + r] = src[p];
                else for (p = 0; p < kc; p++) dst[p * MR + r] = 0;
            }
        }
    }
}

/* C = alpha * T + beta * C on an mr x nr corner (T: the micro-kernel's tile,
   row stride ldt); beta == 0 never reads C. */
static void AVLOC__GF(avloc__gemm_edge)(const AVLOC__GT *T, size_t ldt, AVLOC__GT *C, size_t ldc, size_t mr,
                                        size_t nr, AVLOC__GT alpha, AVLOC__GT beta)
{
    size_t r, c;
    for (r = 0; r < mr; r++) { /* the test out of the loops: thin products end every tile here */
        const AVLOC__GT *t = T + r * ldt;
        AVLOC__GT *o = C + r * ldc;
        if (beta == 0) for (c = 0; c < nr; c++) o[c] = alpha * t[c];
        else for (c = 0; c < nr; c++) o[c] = alpha * t[c] + beta * o[c];
    }
}
#endif /* !AVLOC_GEMM_SMALL */

/* C = beta * C (beta == 0: zeros, whatever C held) */
static void AVLOC__GF(avloc__gemm_scale)(size_t m, size_t n, AVLOC__GT beta, AVLOC__GT *C, size_t ldc)
{
    size_t i, j;
    for (i = 0; i < m; i++) {
        AVLOC__GT *c = C + i * ldc;
        if (beta == 0) for (j = 0; j < n; j++) c[j] = 0;
        else if (beta != 1) for (j = 0; j < n; j++) c[j] *= beta;
    }
}

/* the micro-kernels, B packing, blocking loops and the plain path, once per
   set by the driver (plain C where no vector set has this precision) */
#define AVLOC__VFILE AVLOC_CORE_FILE
#define AVLOC__VNEED_D AVLOC__GEMM_D
#define AVLOC__VSCAL 1
#define AVLOC__VAVX512 1
#include AVLOC_CORE_FILE
#undef AVLOC__VAVX512
#undef AVLOC__VSCAL
#undef AVLOC__VNEED_D
#undef AVLOC__VFILE
#endif /* !AVLOC_USE_CBLAS */

AVLOC_API avloc_result AVLOC__GF(avloc_gemm_scratch)(size_t m, size_t n, size_t k, size_t *bytes)
{
    return avloc__gemm_scratch_bytes(m, n, k, sizeof(AVLOC__GT), AVLOC__GEMM_NRMAX, bytes);
}

/* avloc_gemm_f32 / avloc_gemm_f64 (declared and documented with the core's
   linear algebra) */
AVLOC_API avloc_result AVLOC__GF(avloc_gemm)(int transa, int transb, size_t m, size_t n, size_t k,
                                             AVLOC__GT alpha, const AVLOC__GT *A, size_t lda,
                                             const AVLOC__GT *B, size_t ldb, AVLOC__GT beta, AVLOC__GT *C,
                                             size_t ldc, void *scratch, size_t scratch_bytes)
{
    void *ap = NULL, *bp = NULL;
    avloc_result r = avloc__gemm_check(transa, transb, m, n, k, A, lda, B, ldb, C, ldc);
    if (r == AVLOC_OK && scratch)
        r = avloc__gemm_panels(transa, transb, m, n, k, sizeof(AVLOC__GT), AVLOC__GEMM_NRMAX, A, lda, B, ldb, C, ldc,
                               scratch, scratch_bytes, &ap, &bp);
    if (r != AVLOC_OK || m == 0 || n == 0) return r;
#ifdef AVLOC_USE_CBLAS
    (void)ap;
    (void)bp;
    AVLOC__GEMM_CBLAS(CblasRowMajor, transa ? CblasTrans : CblasNoTrans, transb ? CblasTrans : CblasNoTrans,
                      (int)m, (int)n, (int)k, alpha, A, (int)lda, B, (int)ldb, beta, C, (int)ldc);
#else
    if (k == 0 || alpha == 0) {
        AVLOC__GF(avloc__gemm_scale)(m, n, beta, C, ldc);
    } else if (!ap) { /* no scratch (or AVLOC_GEMM_SMALL: never panels) */
#define AVLOC__GEMM_ARGS (transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc)
        AVLOC__GEMM_CALL(AVLOC__GF(avloc__gemm_plain), AVLOC__GEMM_ARGS,
                         AVLOC__GNS(avloc__gemm_plain, scal) AVLOC__GEMM_ARGS);
#undef AVLOC__GEMM_ARGS
    } else {
#ifndef AVLOC_GEMM_SMALL
#define AVLOC__GEMM_ARGS (transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, (AVLOC__GT *)ap, (AVLOC__GT *)bp)
        AVLOC__GEMM_CALL(AVLOC__GF(avloc__gemm_packed), AVLOC__GEMM_ARGS,
                         AVLOC__GNS(avloc__gemm_packed, scal) AVLOC__GEMM_ARGS);
#undef AVLOC__GEMM_ARGS
#endif
    }
#endif
    return AVLOC_OK;
}

#if AVLOC__GEMM_D && !defined(AVLOC_USE_CBLAS) && !defined(AVLOC_GEMM_SMALL) && !defined(AVLOC_NO_LINALG)
/* C += X^T X on C's lower triangle (set level, above) for a float X, in
   double, on this CPU's set; bp: k x roundup(n, AVLOC__GEMM_NRMAX_F64),
   ap: k x AVLOC__GEMM_MR. */
static void avloc__syrk_lower_f64(size_t n, size_t k, const float *X, size_t ldx, double *C, size_t ldc,
                                  double *bp, double *ap)
{
    AVLOC__GEMM_CALL(AVLOC__GF(avloc__syrk_lower), (n, k, X, ldx, C, ldc, bp, ap),
                     AVLOC__GNS(avloc__syrk_lower, scal)(n, k, X, ldx, C, ldc, bp, ap));
}
#endif

/* avloc_gemm_threads_*: one task is a block of rows (or columns) of C, a
   whole number of micro-kernel tiles (MR rows, the widest NR columns), so
   every tile is the one the serial call computes: the same bits. */
#ifndef AVLOC_USE_CBLAS
typedef struct AVLOC__GF(avloc__gemm_job) {
    int ta, tb, cols;
    size_t m, n, k, chunk, wbytes;
    AVLOC__GT alpha, beta;
    const AVLOC__GT *A, *B;
    AVLOC__GT *C;
    size_t lda, ldb, ldc;
    unsigned char *scratch;
} AVLOC__GF(avloc__gemm_job);

static void AVLOC__GF(avloc__gemm_task)(void *ctx, size_t task, size_t worker)
{
    const AVLOC__GF(avloc__gemm_job) *j = (const AVLOC__GF(avloc__gemm_job) *)ctx;
    const size_t i0 = task * j->chunk, dim = j->cols ? j->n : j->m;
    const size_t len = dim - i0 < j->chunk ? dim - i0 : j->chunk;
    void *ws = j->scratch + worker * j->wbytes;
    if (j->cols)
        (void)AVLOC__GF(avloc_gemm)(j->ta, j->tb, j->m, len, j->k, j->alpha, j->A, j->lda,
                                    j->tb ? j->B + i0 * j->ldb : j->B + i0, j->ldb, j->beta, j->C + i0,
                                    j->ldc, ws, j->wbytes);
    else
        (void)AVLOC__GF(avloc_gemm)(j->ta, j->tb, len, j->n, j->k, j->alpha,
                                    j->ta ? j->A + i0 : j->A + i0 * j->lda, j->lda, j->B, j->ldb, j->beta,
                                    j->C + i0 * j->ldc, j->ldc, ws, j->wbytes);
}
#endif

AVLOC_API avloc_result AVLOC__GF(avloc_gemm_threads_scratch)(size_t m, size_t n, size_t k, size_t workers,
                                                             size_t *bytes)
{
    size_t one;
    avloc_result r;
    if (!bytes) return AVLOC_ERR_NULL;
    if (workers > AVLOC_MAX_WORKERS) return AVLOC_ERR_PARAM;
    if ((r = AVLOC__GF(avloc_gemm_scratch)(m, n, k, &one)) != AVLOC_OK) return r;
    if (workers <= 1 || one == 0) { *bytes = one; return AVLOC_OK; }
    *bytes = avloc__per_worker(one, workers);
    return *bytes ? AVLOC_OK : AVLOC_ERR_OVERFLOW;
}

AVLOC_API avloc_result AVLOC__GF(avloc_gemm_threads)(const avloc_threads *th, int transa, int transb, size_t m,
                                                     size_t n, size_t k, AVLOC__GT alpha, const AVLOC__GT *A,
                                                     size_t lda, const AVLOC__GT *B, size_t ldb, AVLOC__GT beta,
                                                     AVLOC__GT *C, size_t ldc, void *scratch, size_t scratch_bytes)
{
    if (th && th->workers > AVLOC_MAX_WORKERS) return AVLOC_ERR_PARAM;
#ifndef AVLOC_USE_CBLAS /* (the BLAS threads on its own) */
    if (avloc_threads_workers(th) > 1 && scratch && m && n && k && alpha != 0) {
        const size_t w = avloc_threads_workers(th);
        AVLOC__GF(avloc__gemm_job) j;
        size_t one, need, unit, dim;
        avloc_result r;
        if ((r = avloc__gemm_check(transa, transb, m, n, k, A, lda, B, ldb, C, ldc)) != AVLOC_OK) return r;
        if ((r = AVLOC__GF(avloc_gemm_scratch)(m, n, k, &one)) != AVLOC_OK) return r;
        if ((r = AVLOC__GF(avloc_gemm_threads_scratch)(m, n, k, w, &need)) != AVLOC_OK) return r;
        if (scratch_bytes < need) return AVLOC_ERR_WORKSPACE;
        if (avloc__gemm_scratch_clash(transa, transb, m, n, k, sizeof(AVLOC__GT), A, lda, B, ldb, C, ldc, scratch,
                                      need))
            return AVLOC_ERR_PARAM;
        j.cols = n > m;
        unit = j.cols ? AVLOC__GEMM_NRMAX : AVLOC__GEMM_MR;
        dim = j.cols ? n : m;
        j.chunk = avloc__task_units(dim, unit, w) * unit;
        if (one > 0 && j.chunk < dim) {
            j.ta = transa; j.tb = transb; j.m = m; j.n = n; j.k = k;
            j.alpha = alpha; j.beta = beta; j.A = A; j.B = B; j.C = C;
            j.lda = lda; j.ldb = ldb; j.ldc = ldc;
            j.scratch = (unsigned char *)scratch;
            j.wbytes = avloc__per_worker(one, 1);
            avloc_threads_run(th, AVLOC__GF(avloc__gemm_task), &j, (dim + j.chunk - 1) / j.chunk);
            return AVLOC_OK;
        }
    }
#endif
    /* one worker, no scratch, a trivial product, CBLAS or AVLOC_GEMM_SMALL
       (query 0), or one task: the serial call */
    return AVLOC__GF(avloc_gemm)(transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, scratch,
                                 scratch_bytes);
}

#undef AVLOC__GT
#undef AVLOC__GTS
#undef AVLOC__GEMM_NRMAX
#undef AVLOC__GEMM_VCALL
#undef AVLOC__GEMM_CBLAS
#undef AVLOC__GCAT
#undef AVLOC__GCAT_
#undef AVLOC__GF
#undef AVLOC__GNS
#undef AVLOC__GN
#undef AVLOC__GEMM_CALL
#undef AVLOC__GEMM_CALL512
#endif /* GEMM, type level */

/* ---- GEMM, set level: the micro-kernel and the blocking loops ---- */
#if defined(AVLOC__VPASS) && AVLOC__VPASS == AVLOC__VPASS_CORE_GEMM && defined(AVLOC__VSET)
#if AVLOC__GEMM_D
#define avloc__gv avloc__vd
#define AVLOC__GW AVLOC__VD_W
#define avloc__gv_ld avloc__vd_ld
#define avloc__gv_st avloc__vd_st
#define avloc__gv_set1 avloc__vd_set1
#define avloc__gv_zero avloc__vd_zero
#define avloc__gv_bcast avloc__vd_bcast
#define avloc__gv_mul avloc__vd_mul
#define avloc__gv_fmadd avloc__vd_fmadd
#define avloc__gv_hsum avloc__vd_hsum
#else
#define avloc__gv avloc__vf
#define AVLOC__GW AVLOC__VF_W
#define avloc__gv_ld avloc__vf_ld
#define avloc__gv_st avloc__vf_st
#define avloc__gv_set1 avloc__vf_set1
#define avloc__gv_zero avloc__vf_zero
#define avloc__gv_bcast avloc__vf_bcast
#define avloc__gv_mul avloc__vf_mul
#define avloc__gv_fmadd avloc__vf_fmadd
#define avloc__gv_hsum avloc__vf_hsum
#endif

#ifndef AVLOC_GEMM_SMALL
/* A micro-kernel's loop over k around STEP (one step of p): with a prefetch
   plan (pf, docs at avloc__gemm_pf) in a loop of its own, whose pointers
   would crowd the registers of the plain loop. */
#define AVLOC__GEMM_KLOOP(STEP) \
    if (pf) { \
        const char *pq = (const char *)pf->p; \
        const size_t step = pf->step, row = pf->row, rows = pf->rows; \
        size_t pr = 0; \
        for (p = 0; p < kc; p++) { \
            AVLOC__PREFETCH(pq + pr * row); \
            pq += step; \
            pr = pr + 1 < rows ? pr + 1 : 0; \
            STEP \
        } \
    } else { \
        for (p = 0; p < kc; p++) STEP \
    }

/* one row of a full tile: c = alpha x + beta c (beta == 0: c not read) */
static inline void AVLOC__GN(avloc__gemm_row)(AVLOC__GT *c, avloc__gv x0, avloc__gv x1, avloc__gv va,
                                              avloc__gv vb, int beta0)
{
    if (beta0) {
        avloc__gv_st(c, avloc__gv_mul(va, x0));
        avloc__gv_st(c + AVLOC__GW, avloc__gv_mul(va, x1));
    } else {
        avloc__gv_st(c, avloc__gv_fmadd(va, x0, avloc__gv_mul(vb, avloc__gv_ld(c))));
        avloc__gv_st(c + AVLOC__GW, avloc__gv_fmadd(va, x1, avloc__gv_mul(vb, avloc__gv_ld(c + AVLOC__GW))));
    }
}

/* C tile (mr x nr, at most MR x NR) = alpha * A panel * B panel + beta * C,
   element (r, p) of the A panel at a[r rs + p ps]: a packed panel (rs = 1,
   ps = MR), or op(A) read where it lies (rows of A: rs = lda, ps = 1;
   columns: rs = 1, ps = lda), which spares the packing pass when every
   row of the panel exists. Row p of the B panel (NR values) at b[p bs]:
   a packed panel (bs = NR) or NR columns of an untransposed B in place
   (bs = ldb). pf: NULL, or lines to prefetch while the loop runs. The six
   rows are written out: an array of accumulators would be left in memory
   by compilers that do not unroll at -O2. */
static void AVLOC__GN(avloc__gemm_micro)(size_t kc, const AVLOC__GT *a, size_t rs, size_t ps, const AVLOC__GT *b,
                                         size_t bs, const avloc__gemm_pf *pf, AVLOC__GT alpha, AVLOC__GT beta,
                                         AVLOC__GT *C, size_t ldc, size_t mr, size_t nr)
{
    avloc__gv c00 = avloc__gv_zero(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    avloc__gv c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    const size_t r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs;
    size_t p;
#define AVLOC__GEMM_STEP_6X2 { \
        const avloc__gv b0 = avloc__gv_ld(b), b1 = avloc__gv_ld(b + AVLOC__GW); \
        avloc__gv t; \
        t = avloc__gv_bcast(a); c00 = avloc__gv_fmadd(t, b0, c00); c01 = avloc__gv_fmadd(t, b1, c01); \
        t = avloc__gv_bcast(a + rs); c10 = avloc__gv_fmadd(t, b0, c10); c11 = avloc__gv_fmadd(t, b1, c11); \
        t = avloc__gv_bcast(a + r2); c20 = avloc__gv_fmadd(t, b0, c20); c21 = avloc__gv_fmadd(t, b1, c21); \
        t = avloc__gv_bcast(a + r3); c30 = avloc__gv_fmadd(t, b0, c30); c31 = avloc__gv_fmadd(t, b1, c31); \
        t = avloc__gv_bcast(a + r4); c40 = avloc__gv_fmadd(t, b0, c40); c41 = avloc__gv_fmadd(t, b1, c41); \
        t = avloc__gv_bcast(a + r5); c50 = avloc__gv_fmadd(t, b0, c50); c51 = avloc__gv_fmadd(t, b1, c51); \
        a += ps; \
        b += bs; }
    AVLOC__GEMM_KLOOP(AVLOC__GEMM_STEP_6X2)
#undef AVLOC__GEMM_STEP_6X2
    if (mr == AVLOC__GEMM_MR && nr == 2 * AVLOC__GW) {
        const avloc__gv va = avloc__gv_set1(alpha), vb = avloc__gv_set1(beta);
        const int b0 = beta == 0;
        AVLOC__GN(avloc__gemm_row)(C, c00, c01, va, vb, b0);
        AVLOC__GN(avloc__gemm_row)(C + ldc, c10, c11, va, vb, b0);
        AVLOC__GN(avloc__gemm_row)(C + 2 * ldc, c20, c21, va, vb, b0);
        AVLOC__GN(avloc__gemm_row)(C + 3 * ldc, c30, c31, va, vb, b0);
        AVLOC__GN(avloc__gemm_row)(C + 4 * ldc, c40, c41, va, vb, b0);
        AVLOC__GN(avloc__gemm_row)(C + 5 * ldc, c50, c51, va, vb, b0);
    } else { /* an edge tile: through a buffer */
        AVLOC__GT T[AVLOC__GEMM_MR * 2 * AVLOC__GW];
        const size_t W = AVLOC__GW;
        avloc__gv_st(T, c00); avloc__gv_st(T + W, c01);
        avloc__gv_st(T + 2 * W, c10); avloc__gv_st(T + 3 * W, c11);
        avloc__gv_st(T + 4 * W, c20); avloc__gv_st(T + 5 * W, c21);
        avloc__gv_st(T + 6 * W, c30); avloc__gv_st(T + 7 * W, c31);
        avloc__gv_st(T + 8 * W, c40); avloc__gv_st(T + 9 * W, c41);
        avloc__gv_st(T + 10 * W, c50); avloc__gv_st(T + 11 * W, c51);
        AVLOC__GF(avloc__gemm_edge)(T, 2 * W, C, ldc, mr, nr, alpha, beta);
    }
}

/* The left half of a tile, nr <= GW columns: the same products in the same
   order as avloc__gemm_micro for those columns (the same bits) at half the
   multiply-adds. It serves narrow last panels (n = 200 leaves 8 of the 32
   float columns of an AVX-512 panel) and thin products (a range finder's
   basis of ~12 vectors). */
static void AVLOC__GN(avloc__gemm_micro_half)(size_t kc, const AVLOC__GT *a, size_t rs, size_t ps,
                                              const AVLOC__GT *b, size_t bs, const avloc__gemm_pf *pf,
                                              AVLOC__GT alpha, AVLOC__GT beta, AVLOC__GT *C, size_t ldc, size_t mr,
                                              size_t nr)
{
    avloc__gv c0 = avloc__gv_zero(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
    const size_t r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs, W = AVLOC__GW;
    AVLOC__GT T[AVLOC__GEMM_MR * AVLOC__GW];
    size_t p;
#define AVLOC__GEMM_STEP_6X1 { \
        const avloc__gv b0 = avloc__gv_ld(b); \
        c0 = avloc__gv_fmadd(avloc__gv_bcast(a), b0, c0); \
        c1 = avloc__gv_fmadd(avloc__gv_bcast(a + rs), b0, c1); \
        c2 = avloc__gv_fmadd(avloc__gv_bcast(a + r2), b0, c2); \
        c3 = avloc__gv_fmadd(avloc__gv_bcast(a + r3), b0, c3); \
        c4 = avloc__gv_fmadd(avloc__gv_bcast(a + r4), b0, c4); \
        c5 = avloc__gv_fmadd(avloc__gv_bcast(a + r5), b0, c5); \
        a += ps; \
        b += bs; }
    AVLOC__GEMM_KLOOP(AVLOC__GEMM_STEP_6X1)
#undef AVLOC__GEMM_STEP_6X1
    avloc__gv_st(T, c0); avloc__gv_st(T + W, c1); avloc__gv_st(T + 2 * W, c2);
    avloc__gv_st(T + 3 * W, c3); avloc__gv_st(T + 4 * W, c4); avloc__gv_st(T + 5 * W, c5);
    AVLOC__GF(avloc__gemm_edge)(T, W, C, ldc, mr, nr, alpha, beta);
}

/* op(B) k [p0, p0+kc) x columns [j0, j0+nc) into NR-wide panels: panel j
   at bp + j*kc, element (p, c) at p*NR + c; columns past nc are 0. Full
   panels of an untransposed B are two vector copies per k (each packed
   element is reused only m times: for small m, e.g. a convolution's 64
   output channels, packing is a fair share of the time). */
static void AVLOC__GN(avloc__gemm_pack_b)(int tb, const AVLOC__GT *B, size_t ldb, size_t p0, size_t j0,
                                          size_t kc, size_t nc, AVLOC__GT *bp)
{
    const size_t NR = 2 * AVLOC__GW;
    size_t j, c, p;
    for (j = 0; j < nc; j += NR) {
        AVLOC__GT *dst = bp + j * kc;
        const size_t nr = nc - j < NR ? nc - j : NR;
        if (!tb && nr == NR) {
            for (p = 0; p < kc; p++) {
                const AVLOC__GT *src = B + (p0 + p) * ldb + j0 + j;
                avloc__gv_st(dst + p * NR, avloc__gv_ld(src));
                avloc__gv_st(dst + p * NR + AVLOC__GW, avloc__gv_ld(src + AVLOC__GW));
            }
        } else if (!tb) {
            for (p = 0; p < kc; p++) {
                const AVLOC__GT *src = B + (p0 + p) * ldb + j0 + j;
                for (c = 0; c < nr; c++) dst[p * NR + c] = src[c];
                for (; c < NR; c++) dst[p * NR + c] = 0;
            }
        } else {
            for (c = 0; c < NR; c++) {
                const AVLOC__GT *src = B + (j0 + j + c) * ldb + p0;
                if (c < nr) for (p = 0; p < kc; p++) dst[p * NR + c] = src[p];
                else for (p = 0; p < kc; p++) dst[p * NR + c] = 0;
            }
        }
    }
}
#endif /* !AVLOC_GEMM_SMALL */

/* Without scratch: row by row, c_i += (alpha a_ip) b_p over a row of C,
   in vectors when B's rows are contiguous (not transposed); with B
   transposed, dot products of B's contiguous rows (a matrix-vector product
   of a large weight matrix, a network's linear layer, reads it once in
   order instead of column by column). */
/* sum_p op(A)_ip b_p with b contiguous; in vectors when A's row is too */
static AVLOC__GT AVLOC__GN(avloc__gemm_dot)(int ta, const AVLOC__GT *A, size_t lda, size_t i, const AVLOC__GT *b,
                                           size_t k)
{
    const size_t W = AVLOC__GW;
    AVLOC__GT s = 0;
    size_t p = 0;
    if (!ta && W == 1) { /* scalar: the same two alternating sums, in one loop (less code) */
        const AVLOC__GT *a = A + i * lda;
        AVLOC__GT v[2] = {0, 0};
        for (; p < k; p++) v[p & 1] += a[p] * b[p];
        return v[0] + v[1];
    }
    if (!ta) {
        const AVLOC__GT *a = A + i * lda;
        avloc__gv v0 = avloc__gv_zero(), v1 = avloc__gv_zero();
        for (; p + 2 * W <= k; p += 2 * W) {
            v0 = avloc__gv_fmadd(avloc__gv_ld(a + p), avloc__gv_ld(b + p), v0);
            v1 = avloc__gv_fmadd(avloc__gv_ld(a + p + W), avloc__gv_ld(b + p + W), v1);
        }
        for (; p + W <= k; p += W) v0 = avloc__gv_fmadd(avloc__gv_ld(a + p), avloc__gv_ld(b + p), v0);
        s = avloc__gv_hsum(v0) + avloc__gv_hsum(v1);
        for (; p < k; p++) s += a[p] * b[p];
    } else {
        for (; p < k; p++) s += A[p * lda + i] * b[p];
    }
    return s;
}

static void AVLOC__GN(avloc__gemm_plain)(int ta, int tb, size_t m, size_t n, size_t k, AVLOC__GT alpha,
                                         const AVLOC__GT *A, size_t lda, const AVLOC__GT *B, size_t ldb,
                                         AVLOC__GT beta, AVLOC__GT *C, size_t ldc)
{
    const size_t W = AVLOC__GW;
    size_t i, j, p;
    AVLOC__GF(avloc__gemm_scale)(m, n, beta, C, ldc);
    for (i = 0; i < m; i++) {
        AVLOC__GT *c = C + i * ldc;
        if (tb) {
            for (j = 0; j < n; j++) c[j] += alpha * AVLOC__GN(avloc__gemm_dot)(ta, A, lda, i, B + j * ldb, k);
            continue;
        }
        for (p = 0; p < k; p++) {
            const AVLOC__GT a = alpha * (ta ? A[p * lda + i] : A[i * lda + p]);
            const AVLOC__GT *b = B + p * ldb;
            const avloc__gv va = avloc__gv_set1(a);
            for (j = 0; j + W <= n; j += W) avloc__gv_st(c + j, avloc__gv_fmadd(va, avloc__gv_ld(b + j), avloc__gv_ld(c + j)));
            for (; j < n; j++) c[j] += a * b[j];
        }
    }
}

#ifndef AVLOC_GEMM_SMALL
/* The blocking loops around the micro-kernel (alpha != 0, k > 0); ap, bp:
   the packed panels in the caller's scratch (avloc__gemm_layout). Full
   MR-row panels of op(A) are read in place (no packing pass: perf put the
   scalar packing of a 76 800 x 200 A at ~7 % of a plain RPCA) when A's
   rows are op(A)'s, or when op(A) = A^T and a panel's kc rows of A span
   little memory (lda at most AVLOC__GEMM_DIRECT_LD bytes; a panel of a
   transposed A with long rows would touch a page per step, over and over
   for every column panel of B); the last partial panel is packed (its
   missing rows as zeros). Full NR-column panels of an untransposed B are
   read in place too when C has at most AVLOC__GEMM_BDIRECT_M rows (Q^T A
   of a range finder: each packed panel would serve one or two row panels,
   and packing all of a 76 800 x 200 A doubled the product's time). The
   tiles of a slice run row panel by row panel when all of its B panels
   fit in AVLOC__GEMM_ROWS_BYTES (a short k, e.g. the SVT's Q times an
   l x n factor: C is then written out in whole rows, not in 32-column
   strips; ~25 % faster there), else column panel by column panel (each
   packed B panel stays in L1 for all row panels). Either way the same
   products in the same order: the same bits. */
#ifndef AVLOC__GEMM_DIRECT_LD
#define AVLOC__GEMM_DIRECT_LD 4096
#endif
#ifndef AVLOC__GEMM_BDIRECT_M
#define AVLOC__GEMM_BDIRECT_M (8 * AVLOC__GEMM_MR)
#endif
#define AVLOC__GEMM_ROWS_BYTES 16384
static void AVLOC__GN(avloc__gemm_packed)(int ta, int tb, size_t m, size_t n, size_t k, AVLOC__GT alpha,
                                          const AVLOC__GT *A, size_t lda, const AVLOC__GT *B, size_t ldb,
                                          AVLOC__GT beta, AVLOC__GT *C, size_t ldc, AVLOC__GT *ap,
                                          AVLOC__GT *bp)
{
    const size_t MR = AVLOC__GEMM_MR, NR = 2 * AVLOC__GW;
    const int direct = !ta || lda * sizeof(AVLOC__GT) <= AVLOC__GEMM_DIRECT_LD;
    const int thin = n <= 2 * NR, bdirect = !tb && m <= AVLOC__GEMM_BDIRECT_M;
    const size_t rs = ta ? 1 : lda, ps = ta ? lda : 1;
    size_t jc, pc, ic, tile;
    for (jc = 0; jc < n; jc += AVLOC__GEMM_NC) {
        const size_t nc = n - jc < AVLOC__GEMM_NC ? n - jc : AVLOC__GEMM_NC, tj = (nc + NR - 1) / NR;
        const size_t bfull = bdirect ? nc / NR * NR : 0; /* columns of B read in place */
        for (pc = 0; pc < k; pc += AVLOC__GEMM_KC) {
            const size_t kc = k - pc < AVLOC__GEMM_KC ? k - pc : AVLOC__GEMM_KC;
            const AVLOC__GT bt = pc == 0 ? beta : (AVLOC__GT)1; /* later slices accumulate */
            const int rows = tj * NR * kc * sizeof(AVLOC__GT) <= AVLOC__GEMM_ROWS_BYTES;
            if (bfull < nc) /* the rest, packed from column bfull on (panel offsets as usual) */
                AVLOC__GN(avloc__gemm_pack_b)(tb, B, ldb, pc, jc + bfull, kc, nc - bfull, bp + bfull * kc);
            for (ic = 0; ic < m; ic += AVLOC__GEMM_MC) {
                const size_t mc = m - ic < AVLOC__GEMM_MC ? m - ic : AVLOC__GEMM_MC, ti = (mc + MR - 1) / MR;
                const size_t full = direct ? mc / MR * MR : 0; /* rows read in place */
                if (full < mc) /* the rest, packed from row `full` on (panel offsets as usual) */
                    AVLOC__GF(avloc__gemm_pack_a)(ta, A, lda, ic + full, pc, mc - full, kc, ap + full * kc);
                for (tile = 0; tile < ti * tj; tile++) {
                    const size_t ir = (rows ? tile / tj : tile % ti) * MR, jr = (rows ? tile % tj : tile / ti) * NR;
                    const size_t mr = mc - ir < MR ? mc - ir : MR, nr = nc - jr < NR ? nc - jr : NR;
                    const AVLOC__GT *at = ir < full ? A + (ic + ir) * rs + pc * ps : ap + ir * kc;
                    const size_t ars = ir < full ? rs : 1, aps = ir < full ? ps : MR;
                    const AVLOC__GT *b = jr < bfull ? B + pc * ldb + jc + jr : bp + jr * kc;
                    const size_t bs = jr < bfull ? ldb : NR;
                    AVLOC__GT *Ct = C + (ic + ir) * ldc + jc + jr;
                    const avloc__gemm_pf *pf = NULL;
                    avloc__gemm_pf pfa;
                    if (thin && jr == 0 && !ta && ir + 2 * MR <= full) {
                        /* a thin product streams A: while this tile runs, fetch the
                           next one's rows, each row one element further per MR steps */
                        pfa.p = at + MR * rs;
                        pfa.step = sizeof(AVLOC__GT);
                        pfa.row = rs * sizeof(AVLOC__GT);
                        pfa.rows = MR;
                        pf = &pfa;
                    } else if (bfull && pc + kc < k) {
                        /* B in place: the next slice of B's rows into cache, a line
                           per step, each tile its own stretch (read in place with a
                           stride of ldb, it came from memory at the stride's pace);
                           no stretch past that slice's last element */
                        const size_t kn = k - pc - kc < AVLOC__GEMM_KC ? k - pc - kc : AVLOC__GEMM_KC;
                        if ((tile + 1) * kc * 64 <= ((kn - 1) * ldb + n) * sizeof(AVLOC__GT)) {
                            pfa.p = (const char *)(B + (pc + kc) * ldb) + tile * kc * 64;
                            pfa.step = 64;
                            pfa.row = 0;
                            pfa.rows = 1;
                            pf = &pfa;
                        }
                    }
                    if (nr <= AVLOC__GW)
                        AVLOC__GN(avloc__gemm_micro_half)(kc, at, ars, aps, b, bs, pf, alpha, bt, Ct, ldc, mr, nr);
                    else
                        AVLOC__GN(avloc__gemm_micro)(kc, at, ars, aps, b, bs, pf, alpha, bt, Ct, ldc, mr, nr);
                }
            }
        }
    }
}

#if AVLOC__GEMM_D && !defined(AVLOC_NO_LINALG)
/* C += X^T X on the tiles of C's lower triangle (the SVT's Gram matrix;
   docs/linalg.md), X float (k x n, row stride ldx, k at most a few hundred
   so a B panel stays in L1), converted exactly while it is packed, row by
   row, into NR-wide double panels at bp (k x roundup(n, NR), zero-padded):
   one pass over X where a double copy and its packing took two. Row tile i
   (MR rows of C) reads X^T's columns i.. from the panel that holds them
   (stride NR; a tile that straddles two panels is gathered into ap, k x MR)
   and takes the column panels up to its last row's diagonal: the upper
   triangle is computed only inside the diagonal tiles (~1.13 times the
   triangle's work at n = 200, where row blocks of GEMM calls took 1.3 and
   packed X again per block). */
static void AVLOC__GN(avloc__syrk_lower)(size_t n, size_t k, const float *X, size_t ldx, AVLOC__GT *C,
                                         size_t ldc, AVLOC__GT *bp, AVLOC__GT *ap)
{
    const size_t MR = AVLOC__GEMM_MR, NR = 2 * AVLOC__GW;
    size_t i, j, p, c;
    for (p = 0; p < k; p++) { /* row by row (X is read in order), into the panels, zero-padded past n */
        const float *src = X + p * ldx;
        for (j = 0; j < n; j += NR) {
            const size_t nr = n - j < NR ? n - j : NR;
            AVLOC__GT *dst = bp + j * k + p * NR;
#if AVLOC__VF_W == 2 * AVLOC__GW /* a panel row is one float vector */
            if (nr == NR) {
                const avloc__vf v = avloc__vf_ld(src + j);
                avloc__gv_st(dst, avloc__vd_cvtlo(v));
                avloc__gv_st(dst + AVLOC__GW, avloc__vd_cvthi(v));
                continue;
            }
#endif
            for (c = 0; c < nr; c++) dst[c] = (AVLOC__GT)src[j + c];
            for (; c < NR; c++) dst[c] = 0;
        }
    }
    for (i = 0; i < n; i += MR) {
        const size_t mr = n - i < MR ? n - i : MR, off = i % NR;
        const AVLOC__GT *a = bp + (i - off) * k + off;
        size_t ps = NR;
        if (off + MR > NR) { /* columns i.. run into the next panel */
            for (p = 0; p < k; p++)
                for (c = 0; c < MR; c++) {
                    const size_t col = i + c;
                    ap[p * MR + c] = col < n ? bp[(col - col % NR) * k + p * NR + col % NR] : 0;
                }
            a = ap;
            ps = MR;
        }
        for (j = 0; j < i + mr; j += NR) {
            const size_t nr = n - j < NR ? n - j : NR;
            AVLOC__GT *Ct = C + i * ldc + j;
            if (nr <= AVLOC__GW)
                AVLOC__GN(avloc__gemm_micro_half)(k, a, 1, ps, bp + j * k, NR, NULL, 1, 1, Ct, ldc, mr, nr);
            else
                AVLOC__GN(avloc__gemm_micro)(k, a, 1, ps, bp + j * k, NR, NULL, 1, 1, Ct, ldc, mr, nr);
        }
    }
}
#endif
#endif /* !AVLOC_GEMM_SMALL */

#undef AVLOC__GEMM_KLOOP
#undef avloc__gv
#undef AVLOC__GW
#undef avloc__gv_ld
#undef avloc__gv_st
#undef avloc__gv_set1
#undef avloc__gv_zero
#undef avloc__gv_bcast
#undef avloc__gv_mul
#undef avloc__gv_fmadd
#undef avloc__gv_hsum
#endif /* GEMM, set level */

/* ---- the tridiagonal eigensolver's row kernels (double; vector part,
   the caller's scalar loop finishes from the returned index) ---- */
#if defined(AVLOC__VPASS) && AVLOC__VPASS == AVLOC__VPASS_CORE_LA && defined(AVLOC__VSET)
/* x <- c x - s y, y <- s x + c y: products and sums as the scalar loop
   rounds them (no fmadd), so the Jacobi routines give the same bits with
   and without it */
static size_t AVLOC__VN(avloc__la_vk_rot)(double *x, double *y, size_t n, double c, double s)
{
    avloc__vd vc = avloc__vd_set1(c), vs = avloc__vd_set1(s);
    size_t i = 0;
    for (; i + AVLOC__VD_W <= n; i += AVLOC__VD_W) {
        avloc__vd a = avloc__vd_ld(x + i), b = avloc__vd_ld(y + i);
        avloc__vd_st(x + i, avloc__vd_sub(avloc__vd_mul(vc, a), avloc__vd_mul(vs, b)));
        avloc__vd_st(y + i, avloc__vd_add(avloc__vd_mul(vs, a), avloc__vd_mul(vc, b)));
    }
    return i;
}

/* x += s y */
static size_t AVLOC__VN(avloc__la_vk_axpy)(double *x, const double *y, size_t n, double s)
{
    avloc__vd vs = avloc__vd_set1(s);
    size_t i = 0;
    for (; i + AVLOC__VD_W <= n; i += AVLOC__VD_W)
        avloc__vd_st(x + i, avloc__vd_fmadd(vs, avloc__vd_ld(y + i), avloc__vd_ld(x + i)));
    return i;
}

/* y = (double)x over the returned prefix (the orthonormalisation's chunks,
   and the SVT's Gram chunks in the BLAS and small GEMM builds: the scalar
   SSE2 loop of the baseline build was 40 % of the Gram's time) */
static size_t AVLOC__VN(avloc__la_vk_cvt)(double *y, const float *x, size_t n)
{
    size_t i = 0;
    for (; i + AVLOC__VF_W <= n; i += AVLOC__VF_W) {
        const avloc__vf v = avloc__vf_ld(x + i);
        avloc__vd_st(y + i, avloc__vd_cvtlo(v));
        avloc__vd_st(y + i + AVLOC__VD_W, avloc__vd_cvthi(v));
    }
    return i;
}

/* *sum = x . y over the returned prefix (two accumulators) */
static size_t AVLOC__VN(avloc__la_vk_dot)(const double *x, const double *y, size_t n, double *sum)
{
    avloc__vd s0 = avloc__vd_zero(), s1 = avloc__vd_zero();
    size_t i = 0;
    for (; i + 2 * AVLOC__VD_W <= n; i += 2 * AVLOC__VD_W) {
        s0 = avloc__vd_fmadd(avloc__vd_ld(x + i), avloc__vd_ld(y + i), s0);
        s1 = avloc__vd_fmadd(avloc__vd_ld(x + i + AVLOC__VD_W), avloc__vd_ld(y + i + AVLOC__VD_W), s1);
    }
    *sum = avloc__vd_hsum(avloc__vd_add(s0, s1));
    return i;
}
#endif /* the eigensolver's row kernels */

/*
MIT License

Copyright (c) 2026 the avloc authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
*/
