/* avloc_mp.h - audio-visual matching pursuit (AV-MP) for avloc: sparse coding
   of an audio track and a video with bimodal, shift-invariant kernels, a
   naive reference coder, a fast coder, video whitening, Hebbian dictionary
   learning and localisation of the sounding region.   v0.1.0

   The method of Monaci, Sommer and Vandergheynst, "Learning sparse generative
   models of audiovisual signals" (EUSIPCO 2008).

   USAGE
   -----
   In exactly ONE C or C++ file:
       #define AVLOC_IMPLEMENTATION      // core + every avloc header included
       #include "avloc_mp.h"
   or, to place only this module's implementation in a file:
       #define AVLOC_MP_IMPLEMENTATION
       #include "avloc_mp.h"
   (then AVLOC_IMPLEMENTATION must be defined in exactly one file for the
   core and the DSP module, whose FFT this module uses).

       // audio: cfg.audio_samples floats; video: frames x height x width floats
       avloc_mp_config cfg = avloc_mp_config_default();   // K=10, 1602, 8x8x6
       cfg.audio_samples = na; cfg.frames = nf; cfg.height = h; cfg.width = w;
       size_t ob, sb;
       avloc_mp_coder_query(&cfg, &ob, &sb);
       avloc_mp_coder coder;
       avloc_mp_coder_init(&coder, &cfg, malloc(ob), ob);
       void *scratch = malloc(sb);
       avloc_mp_dict dict = { kernels_audio, kernels_video }; // [K][La], [K][T][H][W]
       avloc_mp_coder_set_dict(&coder, &dict, scratch, sb);  // cross-correlation tables
       avloc_mp_atom atoms[200];
       size_t n;
       avloc_mp_code_f32(&coder, audio, video, 200, 0.0f, atoms, &n,
                         res_audio, res_video, scratch, sb);
       // atoms[i]: kernel k, audio offset, first frame, row, col, ca, cv
       // cfg.threads = pool.th before the query: the updates over a caller's
       // pool (avloc.h avloc_threads, examples/avloc_pool.h): the same atoms

   THE MODEL AND THE TRANSLATION
   -----------------------------
   A kernel phi_k = (audio phi_k^a: La samples, video phi_k^v: T x H x W),
   each modality of unit l2 norm (set_dict does not renormalise: call
   avloc_mp_dict_normalize). A time shift r is taken on the audio sample
   grid: audio offset n (r = n / audio_rate) puts the audio kernel at samples
   n .. n+La-1 and the video kernel at frames f(n) .. f(n)+T-1 with
   f(n) = nint(n * video_fps / audio_rate) (round half up), plus a spatial
   offset (row p, column q) of its top-left pixel. Only positions where both
   modalities lie wholly inside the signal are used: n + La <= audio_samples
   and f(n) + T <= frames.

   AV-MP step: choose (k, n, p, q) maximising |<a, T phi_k^a>| + |<v, T phi_k^v>|
   (a, v: current residuals), record ca = <a, T phi^a>, cv = <v, T phi^v>,
   subtract ca T phi^a and cv T phi^v. Stop after max_atoms atoms, or when
   the best score is below the threshold (or zero).
   TIES are broken towards the lowest kernel k, then the lowest audio offset
   n, then the lowest (row, column) in row-major order. Both coders follow
   this rule, so on the same input they pick the same atoms unless two scores
   differ only by rounding (the naive coder sums in double, the fast one in
   float through FFTs).

   TWO CODERS
   ----------
   avloc_mp_code_naive_f32: the reference. Every step recomputes every inner
   product directly from the residuals (O(K * positions * kernel size) per
   atom). No memory beyond the outputs. Use it for tests and small problems.

   avloc_mp_code_f32 (the fast coder), as MPTK and LTFAT do it for audio:
   - First pass: every inner product by FFT correlation (avloc_fft_*, 3-D
     separable complex transforms of 5-smooth sizes; two real kernels per
     complex transform).
   - After each atom, only the inner products whose support overlaps the atom
     change, in the coefficient domain:
       <r - c T_s phi_j, T_u phi_k> = <r, T_u phi_k> - c <T_s phi_j, T_u phi_k>
     with the kernel-to-kernel cross-correlations at all lags, computed once
     per dictionary by set_dict (by FFT).
   - Selection: positions are grouped in blocks (kernel k, video frame f):
     each block keeps its best |audio| over the audio offsets that map to f,
     its best |video| over (p, q), and their argmaxes; each frame's best
     block (over the kernels) is a leaf of a binary max tree over the frames,
     whose root is the best atom. The update gives each
     block's maximum over the changed region; a block whose old argmax was
     in it is rescanned (audio) or keeps an upper bound until it reaches the
     top of the tree (video), so the choice stays exact.
   - Layout: the maps and tables hold all kernels side by side (kernel k in
     lane k of each position), so an update is one contiguous stream for all
     kernels through one SIMD-layer kernel.

   MEMORY (reported by avloc_mp_coder_query / avloc_mp_coder_info)
   - object: FFT plans + the cross-correlation tables
       4 * K * kp * ((2La-1) + (2T-1)(2H-1)(2W-1)) bytes
     (kp: K, at least 8; K=30, La=2670, 12x12x10: 55 MB). cfg.low_memory = 1 drops the tables
     and recomputes the K rows of the selected kernel by FFT after each atom
     (K/2 + 1 small FFTs per modality and atom): slower, memory K times less.
   - scratch per coding call: the correlation maps 4 * kp * (Nr + Nf' * Hv * Wv)
     bytes (Nr audio offsets, Nf' frame offsets, Hv x Wv spatial offsets),
     block maxima, the max tree and the FFT buffers; with cfg.threads of
     W > 1 workers, min(W, K, 8) - 1 more FFT grids (each the larger signal
     grid, or two table grids if larger: 5.2 MB on the speech-size bench).
   - Both are large and every atom's update walks short runs spread over
     them: give them huge pages where the system has them (the examples'
     avloc_io_alloc_large: 2 MB-aligned, MADV_HUGEPAGE on Linux). With
     4 KB pages the updates ran 5-10 % slower on the bench (docs/mp.md).

   WHITENING: avloc_mp_whiten_f32 filters each frame with the 1/f-whitening
   filter of Olshausen & Field, R(f) = f exp(-(f/f0)^4) (f in cycles/pixel,
   f0 = 0.4 by default), computed by 2-D FFT of the frame (circular).

   LEARNING: avloc_mp_learn_f32 alternates fast coding and the Hebbian step
   of the paper (see its comment for the options that make it robust).

   LOCALISATION: avloc_mp_votes_f32 (audio-guided votes: each atom's |ca|
   times its kernel's video correlation with the original video at every
   position of its frames, optionally less the correlation a few frames off:
   a synchrony contrast) or avloc_mp_heatmap_f32 (|ca cv| of each atom over
   its video support) make a per-frame heat map; avloc_mp_locate_frame_f32
   reduces a (time-summed) heat frame to one position.

   All entry points validate their input (AVLOC_ERR_NULL, _SIZE, _PARAM,
   _NONFINITE, _WORKSPACE) and never allocate.
*/
/* Kernel passes (avloc.h "SIMD layer"): the update kernels of the fast
   coder, in the template section at the end of this file, are compiled once
   per SIMD set by the core's per-set driver, which re-includes this file by
   the name AVLOC_MP_FILE ("avloc_mp.h", next to avloc.h; define it as
   "path/to/it.h" after a rename; tools/amalgamate.py pre-defines it). */
#ifndef AVLOC_MP_FILE
#define AVLOC_MP_FILE "avloc_mp.h"
#endif
#define AVLOC__VPASS_MP 80 /* pass ids of this module: 80..95 */

#ifndef AVLOC__VPASS /* the header and implementation; kernel templates are at the end */
#ifndef AVLOC_MP_H
#define AVLOC_MP_H

#include "avloc.h"
#include "avloc_dsp.h" /* avloc_fft_*: the first pass and the cross-correlation tables */

#ifdef __cplusplus
extern "C" {
#endif

/* Sizes of the kernels and of the signal, rates, memory mode. */
typedef struct avloc_mp_config {
    size_t kernels;        /* K (default 10) */
    size_t audio_len;      /* La: audio samples per kernel (default 1602) */
    size_t kernel_t, kernel_h, kernel_w; /* video kernel frames, rows, cols (default 6, 8, 8) */
    size_t audio_samples;  /* signal audio length (no default: 0 is rejected) */
    size_t frames, height, width; /* signal video size (no default) */
    double audio_rate;     /* Hz (default 8000) */
    double video_fps;      /* frames per second (default 29.97) */
    int low_memory;        /* 1: no cross-correlation tables (default 0) */
    int product_score;     /* 0: select by |ca| + |cv| (the paper, default); 1: by |ca| * |cv|,
                              so an atom explaining one modality only scores ~0: exactly 0 in the
                              naive coder, but the fast coder's updated inner products keep
                              rounding residue (~1e-7 of the signal), so once one modality is
                              fully explained it goes on picking such atoms unless the threshold
                              is > 0 (e.g. 1e-6 of the first atom's score) */
    avloc_threads threads; /* the caller's pool (avloc.h; default none): set_dict's table rows,
                              the first pass's kernel pairs and block maxima, and each atom's
                              update of the inner products split over it; the same tables,
                              atoms and residuals, bit for bit, for any worker count */
} avloc_mp_config;

AVLOC_API avloc_mp_config avloc_mp_config_default(void);

/* A dictionary: kernels in caller memory, shapes from the config.
   audio [K][La], video [K][T][H][W] (frame, row, column). The pointers are
   not const because avloc_mp_dict_normalize and avloc_mp_learn_f32 write
   the kernels; avloc_mp_code_naive_f32 and avloc_mp_coder_set_dict only
   read them (a caller holding const kernels may cast for those two). */
typedef struct avloc_mp_dict {
    float *audio;
    float *video;
} avloc_mp_dict;

/* One atom of a decomposition. */
typedef struct avloc_mp_atom {
    size_t k;        /* kernel */
    size_t offset;   /* first audio sample (time = offset / audio_rate) */
    size_t frame;    /* first video frame = nint(offset * fps / rate) */
    size_t row, col; /* top-left pixel of the video kernel */
    float ca, cv;    /* audio and video coefficients */
} avloc_mp_atom;

/* Video frame where the kernel placed at audio offset n starts (0 for a
   NULL cfg or rates that are not positive; saturates at SIZE_MAX). */
AVLOC_API size_t avloc_mp_frame_of(const avloc_mp_config *cfg, size_t n);

/* Checks the config (sizes, rates, kernel inside the signal) and returns the
   number of audio offsets Nr and frame offsets Nf' (either may be NULL). */
AVLOC_API avloc_result avloc_mp_positions(const avloc_mp_config *cfg, size_t *n_offsets,
                                          size_t *n_frames);

/* Normalise each modality of each kernel to unit l2 norm (a zero kernel, or
   one holding NaN/Inf, is left as it is and gives AVLOC_ERR_NUMERIC after all
   others are done). */
AVLOC_API avloc_result avloc_mp_dict_normalize(const avloc_mp_config *cfg, avloc_mp_dict *dict);

/* The reference coder: direct inner products, full rescan each step.
   res_audio [audio_samples] and res_video [frames*height*width] receive the
   residuals; they may be the same buffers as audio / video (in place), but
   not overlap them otherwise, nor each other (AVLOC_ERR_PARAM).
   *n_atoms receives the number of atoms written (<= max_atoms). */
AVLOC_API avloc_result avloc_mp_code_naive_f32(const avloc_mp_config *cfg, const avloc_mp_dict *dict,
                                               const float *audio, const float *video,
                                               size_t max_atoms, float threshold,
                                               avloc_mp_atom *atoms, size_t *n_atoms,
                                               float *res_audio, float *res_video);

/* The fast coder object: FFT plans and (unless low_memory) the tables. */
typedef struct avloc_mp_coder {
    avloc_mp_config cfg;
    size_t n_off, n_fr;      /* audio offsets Nr, frame offsets Nf' */
    size_t hv, wv;           /* spatial offsets */
    size_t lag_a, lag_v;     /* lags per table row: 2La-1, (2T-1)(2H-1)(2W-1) */
    size_t kp;               /* lanes: K, at least 8 (kernel k in lane k) */
    size_t grid[4][3];       /* FFT sizes: audio pass, video pass, audio table, video table */
    avloc_fft_f32 plan[4][3];
    float *xc_audio;         /* [K][lag_a][kp] or NULL (low memory): [j][d][k] = <T_0 phi_j, T_d phi_k> */
    float *xc_video;         /* [K][lag_v][kp] or NULL */
    const float *dict_audio; /* set by set_dict (caller memory, kept alive) */
    const float *dict_video;
    size_t table_bytes;      /* bytes of the tables (0 when low_memory) */
    size_t scratch_bytes;    /* per-call scratch */
    unsigned magic;
    avloc_extent mem;        /* private: the coder's memory (calls refuse their buffers over it) */
} avloc_mp_coder;

AVLOC_API avloc_result avloc_mp_coder_query(const avloc_mp_config *cfg, size_t *obj_bytes,
                                            size_t *scratch_bytes);
AVLOC_API avloc_result avloc_mp_coder_init(avloc_mp_coder *c, const avloc_mp_config *cfg,
                                           void *mem, size_t bytes);
AVLOC_API void avloc_mp_coder_destroy(avloc_mp_coder *c);
/* Take a dictionary (kept by pointer: it must stay alive and unchanged until
   the next set_dict) and build the cross-correlation tables. */
AVLOC_API avloc_result avloc_mp_coder_set_dict(avloc_mp_coder *c, const avloc_mp_dict *dict,
                                               void *scratch, size_t scratch_bytes);
/* The fast coder; same contract and outputs as avloc_mp_code_naive_f32.
   Both return AVLOC_ERR_NUMERIC (atoms before it stay written) when finite
   input is so large that a coefficient overflows float; the fast coder
   also when one of its first-pass FFT correlations does (0 atoms then). */
AVLOC_API avloc_result avloc_mp_code_f32(const avloc_mp_coder *c, const float *audio,
                                         const float *video, size_t max_atoms, float threshold,
                                         avloc_mp_atom *atoms, size_t *n_atoms,
                                         float *res_audio, float *res_video,
                                         void *scratch, size_t scratch_bytes);

/* ----------------------------------------------------------- learning */
/* Dictionary learning by alternating AV-MP coding and the Hebbian step of
   the paper, per modality m in {audio, video}:
       phi_k^m <- normalise(phi_k^m + eta * sum_i c_ki^m R_i^m / sum_i (c_ki^m)^2)
   where R_i^m is the residual patch under atom i of kernel k (after the whole
   coding pass). Dividing by sum c^2 is a per-kernel step size: with eta = 1 the
   step is the least-squares kernel for the current code (each atom's patch is
   residual + c phi), so frequently chosen kernels do not run away with a
   huge step and rarely chosen ones still move; this, with initialisation
   from data patches, is what keeps one kernel from absorbing everything.
   COUPLED STEP (cfg.coupled, default): each atom's contribution to the audio
   step is also weighted by |cv| and to the video step by |ca| (a weighted
   least-squares step, sums of |cv| ca^2 and |ca| cv^2 in the denominators).
   An atom that explains one modality only (a video-only event picked by an
   audio-visual kernel, ca ~ 0) then does not blend its pattern into the
   kernel: without it, a kernel used both by an audio-visual event and a
   silent moving shape learns a mixture of the two shapes.
   PRODUCT SCORE (cfg.product_score, off by default): while learning, atoms are
   selected by |ca| * |cv| instead of the paper's |ca| + |cv|, so that only
   bimodal events are coded and learned (the paper's stated aim); the coder's
   own setting is restored afterwards.
   SYNCHRONOUS INITIALISATION (init_from_data = 2, default): kernel by kernel,
   the position (frame offset f, row p, column q) is drawn with probability
   ~ (S / max S)^init_power, S = sum over the kernel's frames t of
   (audio energy of the samples in frame f+t) x (video energy of the
   kernel-sized window at (p, q) in frame f+t): high only where sound and
   visual change occupy the same frames (the paper's synchrony), unlike the
   product of the two energies over the kernel's span, which is high between
   an audio-only pulse and an unrelated moving shape. The audio offset is the
   one mapped to f with the most audio energy under the kernel; the patch
   there becomes the kernel and is cleared from a working copy, so the next
   kernel starts on another event. With the default power (100) the draw is
   near the best position: the kernel's window contains the whole event, which
   the local update cannot achieve later (it refines a window where it is).
   The paper's random start is init_from_data = 0.
   eta decays as eta / (1 + iter / eta_halflife). Kernels used by no atom are
   left as they are (the paper's "not used" kernels). Stops after `iters`
   iterations or when the relative l2 change of the dictionary,
   ||phi_new - phi_old|| / ||phi_old||, is below tol (the paper's 1 %).
   Deterministic for a given seed. */
typedef struct avloc_mp_learn_config {
    size_t atoms;          /* atoms per coding pass (default 20) */
    size_t iters;          /* M (default 50) */
    double eta;            /* step (default 1.0) */
    double eta_halflife;   /* iterations for eta to halve (default 20; 0: constant) */
    double tol;            /* relative change to stop (default 0.01) */
    uint64_t seed;         /* initialisation (default 1) */
    int init_from_data;    /* 2: signal patches where sound and video change are synchronous (default);
                              1: signal patches drawn by audio x video energy; 0: random */
    double init_power;     /* init 2: positions drawn with probability ~ score^init_power (default 100) */
    int product_score;     /* code with |ca| * |cv| while learning (default 0; see avloc_mp_config) */
    int coupled;           /* 1: weight each atom's audio step by |cv| and video step by |ca| (default);
                              0: the paper's rule (each modality by its own coefficient only) */
    /* called after every iteration; return non-zero to stop */
    int (*progress)(void *user, size_t iter, size_t iters, double change, size_t atoms_coded);
    void *user;
} avloc_mp_learn_config;

AVLOC_API avloc_mp_learn_config avloc_mp_learn_config_default(void);
/* Scratch for avloc_mp_learn_f32 with this coder (coding scratch, atoms,
   residuals, the old dictionary). */
AVLOC_API avloc_result avloc_mp_learn_query(const avloc_mp_coder *c, const avloc_mp_learn_config *lc,
                                            size_t *scratch_bytes);
/* Learns dict (in place; initialised here from lc->seed) on one signal of
   the coder's size. *iters_done (optional) receives the iterations run. */
AVLOC_API avloc_result avloc_mp_learn_f32(avloc_mp_coder *c, avloc_mp_dict *dict, const float *audio,
                                          const float *video, const avloc_mp_learn_config *lc,
                                          void *scratch, size_t scratch_bytes, size_t *iters_done);

/* ------------------------------------------------------- localisation */
/* heat [frames][height][width] (overwritten): every atom adds
   |ca * cv| * |phi_k^v(t, y, x)| over its video support, so atoms that
   explain both modalities dominate and the heat sits where the kernel has
   structure. Atoms outside the signal give AVLOC_ERR_PARAM, a non-finite
   coefficient or kernel value AVLOC_ERR_NONFINITE, heat overlapping
   kernels_video or the atoms AVLOC_ERR_PARAM (heat untouched); sums beyond float's range
   AVLOC_ERR_NUMERIC (heat set to 0). */
AVLOC_API avloc_result avloc_mp_heatmap_f32(const avloc_mp_config *cfg, const float *kernels_video,
                                            const avloc_mp_atom *atoms, size_t n_atoms, float *heat);
/* Audio-guided votes, the default heat of `avloc avmp locate`. An atom's
   audio coefficient says that kernel k's event sounds at its time; where on
   screen that event is, is asked of the ORIGINAL video (not the residual, in
   which MP has placed the kernel's video at one spot only): for every spatial
   offset (p, q),
       votes[f+t][p + (H-1)/2][q + (W-1)/2] += |ca| * |<video, T_{f,p,q} phi_k^v>|
   for t = 0..T-1 (f: the atom's first frame; (H-1)/2, (W-1)/2 rounded down:
   for even kernel sizes the votes sit half a pixel up and left of the
   window's centre). Summed over atoms, the region whose motion matches the
   kernels that the sound selects, at the times it selects them, wins; a
   silent distracter that moves differently matches them less often.
   sync_shift > 0 (avloc_mp_votes_shift gives the default) makes each vote a
   synchrony contrast: the correlation at the atom's own frame minus the mean
   of the correlations at the same position sync_shift frames before and
   after (those inside the video; none: no contrast):
       |ca| * (|C(f)| - (|C(f - s)| + |C(f + s)|) / 2),   C(g) = <video, T_{g,p,q} phi_k^v>,
   summed over the atoms, then votes below 0 set to 0. A mouth that moves in
   step with the sound matches the kernel at the atom's time and less a few
   frames off; a distracter that keeps moving matches about as well off time
   as on it, so its votes cancel. (On the speech-like distracter clips the
   contrast took the located frames from 90-92 % to 97-98 %, docs/mp.md.)
   sync_shift = 0: the plain votes. Cost: one direct correlation per atom
   and per frame asked (T H W x Hv Wv multiply-adds each; 3 with a shift),
   on the SIMD layer, each position summed in double in a fixed order (the
   same bits on every set); 1.5 KB of stack, no scratch.
   votes [frames][height][width] is overwritten (it may not overlap video,
   kernels_video or the atoms: AVLOC_ERR_PARAM); the errors of
   avloc_mp_heatmap_f32, and a non-finite video, leave it untouched; votes
   beyond float's range (huge coefficients times a huge video) give
   AVLOC_ERR_NUMERIC with the votes set to 0. */
AVLOC_API avloc_result avloc_mp_votes_f32(const avloc_mp_config *cfg, const float *kernels_video, const float *video,
                                          const avloc_mp_atom *atoms, size_t n_atoms, size_t sync_shift, float *votes);
/* The default sync_shift of avloc_mp_votes_f32: a third of the kernel's
   frames, at least 1 (3 for 10-frame kernels: 0.1 s at 29.97 fps; NULL: 1).
   Chosen on speech-like clips among 2-6 frames for 10-frame kernels
   (docs/mp.md). */
AVLOC_API size_t avloc_mp_votes_shift(const avloc_mp_config *cfg);
/* Source position of one heat frame: the heat-weighted centre (column u,
   row v, in pixels) of the pixels at or above half the frame's maximum
   inside a win_w x win_h window centred on the maximum (the kernel's size is
   a good window), so that a second, weaker region elsewhere (a distracter)
   does not pull the centre between the two. Returns 0 (u, v untouched) when
   the frame has no heat, an infinite maximum, a NULL pointer or a pixel
   count that overflows size_t (NaN pixels are ignored). */
AVLOC_API int avloc_mp_locate_frame_f32(const float *heat, size_t height, size_t width, size_t win_w,
                                        size_t win_h, double *u, double *v);

/* ---------------------------------------------------------- whitening */
/* Whitening of each frame by the filter of Olshausen & Field (1997):
   R(f) = f exp(-(f/f0)^4), f = sqrt(fx^2 + fy^2) in cycles per pixel with
   fx, fy the signed DFT frequencies (numpy.fft.fftfreq) of a width x height
   frame, f0 the cut-off (0.4 in their code: 0.4 N cycles per N-pixel
   picture). Flattens the 1/f spectrum of natural images and removes the mean
   (R(0) = 0), so edges and motion dominate the video inner products; the
   high-frequency roll-off keeps pixel noise and aliasing down. Applied with
   a circular 2-D FFT of the exact frame size, in place, frame by frame:
   video = real(ifft2(fft2(video) * R)) as tools/gen_goldens_mp.py does.
   Scratch from avloc_mp_whiten_query. A frame whose whitened values could
   pass float's range (its l1 norm about 2.3e38 or more) gives
   AVLOC_ERR_NUMERIC, the video untouched; below that, frames of finite
   values whiten without overflow (huge ones at an exact power-of-two
   scale). */
AVLOC_API avloc_result avloc_mp_whiten_query(size_t height, size_t width, size_t *scratch_bytes);
AVLOC_API avloc_result avloc_mp_whiten_f32(float *video, size_t frames, size_t height, size_t width,
                                           double f0, void *scratch, size_t scratch_bytes);

#ifdef __cplusplus
}
#endif
#endif /* AVLOC_MP_H */

/* ====================================================================== */
/*                            IMPLEMENTATION                              */
/* ====================================================================== */
#if defined(AVLOC_IMPLEMENTATION) && !defined(AVLOC_MP_IMPLEMENTATION)
#define AVLOC_MP_IMPLEMENTATION
#endif
#if defined(AVLOC_MP_IMPLEMENTATION) && !defined(AVLOC_MP_IMPLEMENTATION_DONE)
#define AVLOC_MP_IMPLEMENTATION_DONE

#include <float.h>
#include <math.h>
#include <string.h>

#define AVLOC__MP_MAGIC 0x4d50u /* "MP" */
#define AVLOC__MP_LANES 8       /* the maps' and tables' kernel lanes: K, at least this (one vector of any set) */
/* FFT work sets of the first pass and set_dict (avloc__mp_scr): tasks with
   a grid each, at most this many (a signal grid is ~5 MB on the speech-size
   bench; the transforms share the memory bandwidth well before 8). */
#define AVLOC__MP_SETS 8

AVLOC_API avloc_mp_config avloc_mp_config_default(void)
{
    avloc_mp_config c;
    memset(&c, 0, sizeof c);
    c.kernels = 10;
    c.audio_len = 1602;
    c.kernel_t = 6;
    c.kernel_h = 8;
    c.kernel_w = 8;
    c.audio_rate = 8000.0;
    c.video_fps = 29.97;
    return c;
}

AVLOC_API size_t avloc_mp_frame_of(const avloc_mp_config *cfg, size_t n)
{
    double f;
    /* a double outside size_t (or NaN) converted to size_t is undefined */
    if (!cfg || !avloc__finite_f64(cfg->audio_rate) || !avloc__finite_f64(cfg->video_fps) ||
        !(cfg->audio_rate > 0) || !(cfg->video_fps > 0))
        return 0;
    f = floor((double)n * cfg->video_fps / cfg->audio_rate + 0.5);
    return f < (double)SIZE_MAX ? (size_t)f : SIZE_MAX;
}

static size_t avloc__mp_kv(const avloc_mp_config *c) /* video kernel values */
{
    return c->kernel_t * c->kernel_h * c->kernel_w;
}

static size_t avloc__mp_nv(const avloc_mp_config *c) /* video signal values */
{
    return c->frames * c->height * c->width;
}

AVLOC_API avloc_result avloc_mp_positions(const avloc_mp_config *cfg, size_t *n_offsets,
                                          size_t *n_frames)
{
    size_t nr, t, s;
    if (!cfg) return AVLOC_ERR_NULL;
    /* NaN tested on the bits: -ffast-math folds the comparisons */
    if (!avloc__finite_f64(cfg->audio_rate) || !avloc__finite_f64(cfg->video_fps) || !(cfg->audio_rate > 0) ||
        !(cfg->video_fps > 0) || cfg->audio_rate > 1e7 || cfg->video_fps > 1e4)
        return AVLOC_ERR_PARAM;
    if (!cfg->kernels || !cfg->audio_len || !cfg->kernel_t || !cfg->kernel_h || !cfg->kernel_w ||
        !cfg->audio_samples || !cfg->frames || !cfg->height || !cfg->width)
        return AVLOC_ERR_SIZE;
    if (cfg->kernels > AVLOC_MAX_DIM || cfg->audio_samples > AVLOC_MAX_DIM ||
        cfg->frames > AVLOC_MAX_DIM || cfg->height > 65536 || cfg->width > 65536)
        return AVLOC_ERR_SIZE;
    if (cfg->threads.workers > AVLOC_MAX_WORKERS) return AVLOC_ERR_PARAM;
    if (!avloc_size_mul(cfg->kernel_t, cfg->kernel_h, &t) || !avloc_size_mul(t, cfg->kernel_w, &t) ||
        !avloc_size_mul(cfg->frames, cfg->height, &s) || !avloc_size_mul(s, cfg->width, &s))
        return AVLOC_ERR_OVERFLOW;
    if (cfg->audio_len > cfg->audio_samples || cfg->kernel_t > cfg->frames ||
        cfg->kernel_h > cfg->height || cfg->kernel_w > cfg->width)
        return AVLOC_ERR_SIZE; /* the signal is shorter or smaller than a kernel */
    /* offsets n with n + La <= samples and f(n) + T <= frames (f is monotone) */
    nr = cfg->audio_samples - cfg->audio_len + 1;
    if (avloc_mp_frame_of(cfg, nr - 1) + cfg->kernel_t > cfg->frames) {
        /* binary search for the first n whose video kernel does not fit */
        size_t lo = 0, hi = nr - 1; /* f(hi) does not fit */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (avloc_mp_frame_of(cfg, mid) + cfg->kernel_t > cfg->frames) hi = mid;
            else lo = mid + 1;
        }
        nr = lo;
    }
    if (nr == 0) return AVLOC_ERR_SIZE;
    if (n_offsets) *n_offsets = nr;
    if (n_frames) *n_frames = avloc_mp_frame_of(cfg, nr - 1) + 1;
    return AVLOC_OK;
}

static avloc_result avloc__mp_check_dict(const avloc_mp_config *cfg, const avloc_mp_dict *d)
{
    if (!d || !d->audio || !d->video) return AVLOC_ERR_NULL;
    if (!avloc_all_finite_f32(d->audio, cfg->kernels * cfg->audio_len) ||
        !avloc_all_finite_f32(d->video, cfg->kernels * avloc__mp_kv(cfg)))
        return AVLOC_ERR_NONFINITE;
    return AVLOC_OK;
}

static double avloc__mp_norm(const float *x, size_t n)
{
    double s = 0;
    size_t i;
    for (i = 0; i < n; i++) s += (double)x[i] * x[i];
    return sqrt(s);
}

/* x /= ||x||; returns 0 if x is zero or not finite (left as is). The norm's
   finiteness is read from its bits: -ffast-math (gcc -O1) folds !(s > 0) to
   s <= 0, which a NaN norm passes. */
static int avloc__mp_unit(float *x, size_t n)
{
    double s = avloc__mp_norm(x, n);
    size_t i;
    if (!avloc__finite_f64(s) || !(s > 0)) return 0;
    for (i = 0; i < n; i++) x[i] = (float)(x[i] / s);
    return 1;
}

AVLOC_API avloc_result avloc_mp_dict_normalize(const avloc_mp_config *cfg, avloc_mp_dict *dict)
{
    size_t k, kv;
    int ok = 1;
    if (!cfg || !dict || !dict->audio || !dict->video) return AVLOC_ERR_NULL;
    if (!cfg->kernels || !cfg->audio_len || !(kv = avloc__mp_kv(cfg))) return AVLOC_ERR_SIZE;
    for (k = 0; k < cfg->kernels; k++) {
        ok &= avloc__mp_unit(dict->audio + k * cfg->audio_len, cfg->audio_len);
        ok &= avloc__mp_unit(dict->video + k * kv, kv);
    }
    return ok ? AVLOC_OK : AVLOC_ERR_NUMERIC;
}

/* Common checks of a coding call (scratch: NULL for the naive coder; else
   its used bytes, checked too). */
static avloc_result avloc__mp_check_code(const avloc_mp_config *cfg, const float *audio,
                                         const float *video, const avloc_mp_atom *atoms,
                                         const size_t *n_atoms, const float *ra, const float *rv,
                                         size_t max_atoms, const float *ka, const float *kv, avloc_extent coder,
                                         const void *scratch, size_t scratch_used)
{
    const size_t na = cfg->audio_samples, nv = avloc__mp_nv(cfg), K = cfg->kernels;
    if (!audio || !video || !n_atoms || !ra || !rv || (max_atoms && !atoms)) return AVLOC_ERR_NULL;
    /* a residual is its signal (in place: the signal is written) or apart
       from every other buffer; so are the atoms, their count and scratch;
       none may lie over the kernels ka, kv or the coder's memory */
    if (avloc__partly_overlaps_f32(audio, ra, na) || avloc__partly_overlaps_f32(video, rv, nv)) return AVLOC_ERR_PARAM;
    {
        const avloc__span b[] = {avloc__span_of(audio, avloc__span_bytes(1, na, na, sizeof *audio), ra == audio),
                                 avloc__span_of(video, avloc__span_bytes(1, nv, nv, sizeof *video), rv == video),
                                 avloc__wr_f32(ra == audio ? NULL : ra, na), avloc__wr_f32(rv == video ? NULL : rv, nv),
                                 avloc__span_of(atoms, avloc__span_bytes(1, max_atoms, max_atoms, sizeof *atoms), 1),
                                 avloc__span_of(n_atoms, sizeof *n_atoms, 1),
                                 avloc__rd_f32(ka, K * cfg->audio_len), avloc__rd_f32(kv, K * avloc__mp_kv(cfg)),
                                 avloc__object_span(coder, 0)};
        if (avloc__clash_scratch(b, sizeof b / sizeof *b, scratch, scratch_used)) return AVLOC_ERR_PARAM;
    }
    if (!avloc_all_finite_f32(audio, na) || !avloc_all_finite_f32(video, nv)) return AVLOC_ERR_NONFINITE;
    return AVLOC_OK;
}

/* y[r ys + i] -= c * x[r xs + i], r < rows, i < n (after the SIMD layer's
   driver, below). */
static void avloc__mp_sub_scaled(float *y, size_t ys, const float *x, size_t xs, float c, size_t rows, size_t n);

/* Subtract the atom's audio projection (kernel ka) from the residual. */
static void avloc__mp_subtract_audio(const avloc_mp_config *cfg, const float *ka, const avloc_mp_atom *at, float *ra)
{
    avloc__mp_sub_scaled(ra + at->offset, 0, ka, 0, at->ca, 1, cfg->audio_len);
}

/* Subtract the atom's video projection (kernel kv) from the residual's
   frames [f0, f1). */
static void avloc__mp_subtract_video(const avloc_mp_config *cfg, const float *kv, const avloc_mp_atom *at, float *rv,
                                     size_t f0, size_t f1)
{
    size_t t, W = cfg->width, H = cfg->height, kh = cfg->kernel_h, kw = cfg->kernel_w;
    size_t t1 = at->frame + cfg->kernel_t < f1 ? at->frame + cfg->kernel_t : f1;
    for (t = at->frame > f0 ? at->frame : f0; t < t1; t++) /* frame t: kh rows of kw */
        avloc__mp_sub_scaled(rv + (t * H + at->row) * W + at->col, W, kv + (t - at->frame) * kh * kw, kw, at->cv, kh,
                             kw);
}

static void avloc__mp_subtract(const avloc_mp_config *cfg, const float *ka, const float *kv,
                               const avloc_mp_atom *at, float *ra, float *rv)
{
    avloc__mp_subtract_audio(cfg, ka, at, ra);
    avloc__mp_subtract_video(cfg, kv, at, rv, 0, cfg->frames);
}

/* ------------------------------------------------------------ naive coder */

static double avloc__mp_dot_audio(const avloc_mp_config *cfg, const float *r, const float *k, size_t n)
{
    double s = 0;
    size_t i;
    for (i = 0; i < cfg->audio_len; i++) s += (double)r[n + i] * k[i];
    return s;
}

static double avloc__mp_dot_video(const avloc_mp_config *cfg, const float *r, const float *k,
                                  size_t f, size_t p, size_t q)
{
    double s = 0;
    size_t t, y, x;
    for (t = 0; t < cfg->kernel_t; t++)
        for (y = 0; y < cfg->kernel_h; y++) {
            const float *row = r + ((f + t) * cfg->height + p + y) * cfg->width + q;
            const float *kk = k + (t * cfg->kernel_h + y) * cfg->kernel_w;
            for (x = 0; x < cfg->kernel_w; x++) s += (double)row[x] * kk[x];
        }
    return s;
}

AVLOC_API avloc_result avloc_mp_code_naive_f32(const avloc_mp_config *cfg, const avloc_mp_dict *dict,
                                               const float *audio, const float *video,
                                               size_t max_atoms, float threshold,
                                               avloc_mp_atom *atoms, size_t *n_atoms,
                                               float *res_audio, float *res_video)
{
    size_t nr, i, kv;
    avloc_result r;
    if (!cfg) return AVLOC_ERR_NULL;
    if ((r = avloc_mp_positions(cfg, &nr, NULL)) != AVLOC_OK) return r;
    if ((r = avloc__mp_check_dict(cfg, dict)) != AVLOC_OK) return r;
    if ((r = avloc__mp_check_code(cfg, audio, video, atoms, n_atoms, res_audio, res_video, max_atoms, dict->audio,
                                  dict->video, avloc__no_extent(), NULL, 0)) != AVLOC_OK)
        return r;
    if (!avloc__finite_f32(threshold) || !(threshold >= 0) || threshold > 3.4e38f) return AVLOC_ERR_PARAM;
    *n_atoms = 0;
    kv = avloc__mp_kv(cfg);
    if (res_audio != audio) memcpy(res_audio, audio, cfg->audio_samples * sizeof *audio);
    if (res_video != video) memcpy(res_video, video, avloc__mp_nv(cfg) * sizeof *video);
    for (i = 0; i < max_atoms; i++) {
        double best = -1;
        avloc_mp_atom at;
        size_t k, n, p, q;
        memset(&at, 0, sizeof at);
        for (k = 0; k < cfg->kernels; k++) {
            const float *ka = dict->audio + k * cfg->audio_len, *kvid = dict->video + k * kv;
            size_t cur_f = (size_t)-1, bp = 0, bq = 0;
            double bv = 0;
            int found;
            for (n = 0; n < nr; n++) {
                size_t f = avloc_mp_frame_of(cfg, n);
                double a, s;
                if (f != cur_f) { /* best video position of this frame offset */
                    cur_f = f;
                    found = 0;
                    for (p = 0; p + cfg->kernel_h <= cfg->height; p++)
                        for (q = 0; q + cfg->kernel_w <= cfg->width; q++) {
                            double v = avloc__mp_dot_video(cfg, res_video, kvid, f, p, q);
                            if (!found || fabs(v) > fabs(bv)) { /* strict: lowest (p, q) wins ties */
                                found = 1; bv = v; bp = p; bq = q;
                            }
                        }
                }
                a = avloc__mp_dot_audio(cfg, res_audio, ka, n);
                s = cfg->product_score ? fabs(a) * fabs(bv) : fabs(a) + fabs(bv);
                if (s > best) {
                    best = s;
                    at.k = k; at.offset = n; at.frame = f; at.row = bp; at.col = bq;
                    at.ca = (float)a; at.cv = (float)bv;
                }
            }
        }
        if (!(best > 0) || best < threshold) break;
        if (!avloc__finite_f32(at.ca) || !avloc__finite_f32(at.cv)) return AVLOC_ERR_NUMERIC;
        atoms[i] = at;
        avloc__mp_subtract(cfg, dict->audio + at.k * cfg->audio_len, dict->video + at.k * kv, &at,
                           res_audio, res_video);
        *n_atoms = i + 1;
    }
    return AVLOC_OK;
}

/* ------------------------------------------------------------ FFT helpers */

/* Smallest 2^a 3^b 5^c >= n: the axes of the 3-D and 1-D correlation
   grids. Not avloc_fft_next_fast_size, which picks the fastest length of
   one transform (35 -> 64): on a grid every axis's length multiplies the
   others' transform counts and the pointwise products, and the speech-size
   bench's set_dict took 0.81 s with it instead of 0.30 s. */
static size_t avloc__mp_good_size(size_t n)
{
    size_t best = (size_t)-1, p2, p3, p5;
    if (n <= 1) return 1;
    for (p5 = 1; p5 < best && p5 / 5 < n; p5 *= 5)
        for (p3 = p5; p3 < best && p3 / 3 < n; p3 *= 3) {
            p2 = p3;
            while (p2 < n) p2 *= 2;
            if (p2 < best) best = p2;
        }
    return best;
}

/* The table grids' axes (set_dict: one inverse 3-D transform per kernel
   pair): the power of two >= n when it is at most 15 % longer than the
   smooth length, as the short power-of-two transforms run whole in
   registers (32 points: 0.02 us against 0.08 us for 30; 8192: 9.5 us
   against 14.8 us for 8100). The speech-size bench: 30 x 36 x 36 -> 32 x 36
   x 36 and 8100 -> 8192, set_dict 0.29-0.30 s -> 0.25-0.26 s. The signal
   grids keep the smooth lengths: 60 -> 64 there slowed the first pass. */
static size_t avloc__mp_table_size(size_t n)
{
    size_t best = avloc__mp_good_size(n), p2;
    for (p2 = 1; p2 < n; p2 *= 2) {}
    return p2 * 100 <= best * 115 ? p2 : best;
}

/* What the FFT helpers need: one line buffer and the FFT scratch. */
typedef struct avloc__mp_work {
    avloc_complex_f32 *line;
    void *fs;
    size_t fsb;
} avloc__mp_work;

/* Which part of a 3-D transform matters (avloc__mp_fft3): the input is zero
   outside the box lo <= index < hi, and only the outputs with index < out
   are read afterwards. NULL pointers: the whole grid. */
typedef struct avloc__mp_box {
    const size_t *lo, *hi, *out;
} avloc__mp_box;

/* line[a] = x[a * stride] for a in [lo, hi), 0 elsewhere in [0, n): a
   pruned pass reads only where its input can be non-zero. */
static void avloc__mp_gather(avloc_complex_f32 *line, const avloc_complex_f32 *x, size_t stride, size_t n,
                             size_t lo, size_t hi)
{
    size_t a;
    memset(line, 0, lo * sizeof *line);
    for (a = lo; a < hi; a++) line[a] = x[a * stride];
    memset(line + hi, 0, (n - hi) * sizeof *line);
}

/* In-place separable 3-D complex FFT of an n[0] x n[1] x n[2] grid, axis 2,
   then 1, then 0. With a box (b may be NULL) it skips the lines whose
   input is all zero (their transform is zero), reads nothing outside the
   box but the rows of the axis-2 pass (whole rows: avloc__mp_load zeroes
   them around the box), and skips the lines no wanted output depends on:
   for a kernel box in a signal-sized grid the forward transform shrinks to
   its axis-0 pass, and the inverse of a valid-region correlation skips the
   columns past the region. The axis order and every
   transformed line are those of the whole transform, so the outputs that
   are read are the same bits (an output outside the box is left
   unspecified). */
static avloc_result avloc__mp_fft3(const avloc_fft_f32 *plan, const size_t *n, avloc_complex_f32 *x,
                                   avloc_fft_dir dir, const avloc__mp_work *w, const avloc__mp_box *b)
{
    size_t i, j, a, n12 = n[1] * n[2], lo[3] = {0, 0, 0}, hi[3], out[3];
    avloc_result r = AVLOC_OK;
    for (i = 0; i < 3; i++) {
        if (b && b->lo) lo[i] = b->lo[i];
        hi[i] = b && b->hi ? b->hi[i] : n[i];
        out[i] = b && b->out ? b->out[i] : n[i];
    }
    if (n[2] > 1) /* rows (i, j) holding input */
        for (i = lo[0]; i < hi[0]; i++)
            for (j = lo[1]; j < hi[1] && r == AVLOC_OK; j++)
                r = avloc_fft_c2c_f32(&plan[2], x + (i * n[1] + j) * n[2], x + (i * n[1] + j) * n[2], dir, w->fs,
                                      w->fsb);
    if (n[1] > 1) /* columns (i, l): input only at i in [lo0, hi0); outputs read only at l < out2 */
        for (i = lo[0]; i < hi[0]; i++)
            for (j = 0; j < out[2] && r == AVLOC_OK; j++) {
                avloc_complex_f32 *base = x + i * n12 + j;
                avloc__mp_gather(w->line, base, n[2], n[1], lo[1], hi[1]);
                r = avloc_fft_c2c_f32(&plan[1], w->line, w->line, dir, w->fs, w->fsb);
                for (a = 0; a < n[1]; a++) base[a * n[2]] = w->line[a];
            }
    if (n[0] > 1) /* the (j, l) wanted */
        for (j = 0; j < out[1] * n[2] && r == AVLOC_OK; j++) {
            if (j % n[2] >= out[2]) continue;
            avloc__mp_gather(w->line, x + j, n12, n[0], lo[0], hi[0]);
            r = avloc_fft_c2c_f32(&plan[0], w->line, w->line, dir, w->fs, w->fsb);
            for (a = 0; a < n[0]; a++) x[a * n12 + j] = w->line[a];
        }
    return r;
}

/* Put box h1 (+ i * sign * h2 if h2) of size nb at offset off into the
   grid, for a transform pruned to that box (avloc__mp_fft3): only the rows
   it reads whole, (i, j) inside the box, are zeroed around the box; the rest
   of the grid is left as it is (the pruned passes read zeros for it, and
   write every line they transform). With whole != 0 the whole grid is
   zeroed first, for a transform without a box. */
static void avloc__mp_load(avloc_complex_f32 *g, const size_t *n, const float *h1, const float *h2,
                           float sign, const size_t *nb, const size_t *off, int whole)
{
    size_t i, j, l;
    if (whole) memset(g, 0, n[0] * n[1] * n[2] * sizeof *g);
    for (i = 0; i < nb[0]; i++)
        for (j = 0; j < nb[1]; j++) {
            avloc_complex_f32 *row = g + ((i + off[0]) * n[1] + j + off[1]) * n[2], *dst = row + off[2];
            size_t src = (i * nb[1] + j) * nb[2];
            if (!whole) {
                memset(row, 0, off[2] * sizeof *row);
                memset(dst + nb[2], 0, (n[2] - off[2] - nb[2]) * sizeof *row);
            }
            for (l = 0; l < nb[2]; l++) {
                dst[l].re = h1[src + l];
                dst[l].im = h2 ? sign * h2[src + l] : 0.0f;
            }
        }
}

/* Valid correlations out[u * es] = sum_i x[u+i] h[i] (u in the box nout,
   es: the output's element stride, the coder's lanes) of a real signal
   whose spectrum X is given with two real kernels h1, h2 (h2 may be NULL;
   its output is out1 + 1) of size nh, by one complex transform: with B = FFT(h1 - i h2),
   IFFT(X conj(B)) = (x corr h1) + i (x corr h2) because x, h1, h2 are real.
   The grid must be at least as large as nout + nh - 1 on each axis, so the
   circular correlation equals the linear one on the box. */
static avloc_result avloc__mp_corr_pair(const avloc_fft_f32 *plan, const size_t *n,
                                        const avloc_complex_f32 *X, avloc_complex_f32 *Y,
                                        const float *h1, const float *h2, const size_t *nh,
                                        float *out1, size_t es, const size_t *nout, const avloc__mp_work *w)
{
    static const size_t zero[3] = {0, 0, 0};
    size_t i, j, l, total = n[0] * n[1] * n[2];
    avloc__mp_box kbox, obox;
    avloc_result r;
    kbox.lo = zero; kbox.hi = nh; kbox.out = NULL; /* the kernels' box in, every bin out */
    obox.lo = obox.hi = NULL; obox.out = nout;    /* every bin in, the valid region out */
    avloc__mp_load(Y, n, h1, h2, -1.0f, nh, zero, 0);
    if ((r = avloc__mp_fft3(plan, n, Y, AVLOC_FFT_FORWARD, w, &kbox)) != AVLOC_OK) return r;
    for (i = 0; i < total; i++) { /* Y = X conj(Y) */
        float br = Y[i].re, bi = -Y[i].im;
        float xr = X[i].re, xi = X[i].im;
        Y[i].re = xr * br - xi * bi;
        Y[i].im = xr * bi + xi * br;
    }
    if ((r = avloc__mp_fft3(plan, n, Y, AVLOC_FFT_INVERSE, w, &obox)) != AVLOC_OK) return r;
    for (i = 0; i < nout[0]; i++)
        for (j = 0; j < nout[1]; j++) {
            const avloc_complex_f32 *src = Y + (i * n[1] + j) * n[2];
            size_t o = (i * nout[1] + j) * nout[2];
            if (h2) /* both lanes of a position in one pass over the map */
                for (l = 0; l < nout[2]; l++) {
                    out1[(o + l) * es] = src[l].re;
                    out1[(o + l) * es + 1] = src[l].im;
                }
            else
                for (l = 0; l < nout[2]; l++) out1[(o + l) * es] = src[l].re;
        }
    return AVLOC_OK;
}

/* Correlate the spectrum X with the kernels of one modality (two per
   transform), the pairs (k, k + 1) for k = k0, k0 + step, ... (step even:
   a task's share; 0, 2: all): kernel k's box goes to lane k of out,
   out[u * es + k]. */
static avloc_result avloc__mp_corr_all(const avloc_fft_f32 *plan, const size_t *n,
                                       const avloc_complex_f32 *X, avloc_complex_f32 *Y,
                                       const float *kern, size_t K, size_t k0, size_t step, const size_t *nh,
                                       float *out, size_t es, const size_t *nout,
                                       const avloc__mp_work *w)
{
    size_t k, kn = nh[0] * nh[1] * nh[2];
    avloc_result r = AVLOC_OK;
    for (k = k0; k < K && r == AVLOC_OK; k += step) {
        int two = k + 1 < K;
        r = avloc__mp_corr_pair(plan, n, X, Y, kern + k * kn, two ? kern + (k + 1) * kn : NULL, nh, out + k, es,
                                nout, w);
    }
    return r;
}

/* ---------------------------------------------------------- fast coder */

/* Grid indices in avloc_mp_coder.grid / .plan. */
enum { AVLOC__MP_GA = 0, AVLOC__MP_GV = 1, AVLOC__MP_GXA = 2, AVLOC__MP_GXV = 3 };

/* Per-call scratch of the fast coder (and of set_dict). */
typedef struct avloc__mp_scr {
    float *A;          /* [Nr][kp] audio inner products, kernel k in lane k */
    float *V;          /* [Nf'][Hv][Wv][kp] video inner products */
    float *mx;         /* [2 kp] per worker: per-lane maxima of a region, of a block rescan */
    float *ix;         /* [2 kp] per worker: their positions (uint32 bits: avloc__mp_tag) */
    unsigned char *need; /* [kp] per worker: lanes whose block needs a rescan */
    unsigned char *stale; /* [K*Nf'] 1: bv is only an upper bound of the block's best |V| (iv unknown) */
    float *ba, *bv;    /* [K*Nf'] block best |A| (-1 if empty) and best |V| */
    size_t *ia, *iv;   /* argmaxes: audio offset n; p*Wv + q */
    float *bs;         /* [K*Nf'] block score */
    size_t *tree;      /* [2P] max tree over frame offsets; nodes hold block indices */
    size_t P;          /* leaves: a power of two >= Nf' */
    size_t *fstart;    /* [Nf'+1] first audio offset of each frame offset */
    size_t *batch;     /* [Nf'] frame offsets resolved in one pool run (avloc__mp_resolve_batch) */
    float *xa, *xv;    /* low memory: the K table rows of the selected kernel */
    avloc_complex_f32 *X, *Y; /* FFT grids */
    /* The first pass's kernel pairs and set_dict's table rows run as
       `sets` tasks, each with a grid and work buffers of its own: set 0
       is Y (and X in set_dict) and ws[0], which every serial transform
       uses too; set t >= 1 is G[t] (the first pass's Y; set_dict's X then
       Y, a table grid each; in low-memory mode the Y of a table row's
       pairs) and ws[t]. */
    size_t sets;
    avloc_complex_f32 *G[AVLOC__MP_SETS];
    avloc__mp_work ws[AVLOC__MP_SETS];
} avloc__mp_scr;

static size_t avloc__mp_grid_size(const size_t *g) { return g[0] * g[1] * g[2]; }

/* The larger table grid: set_dict's X and Y of a work set. */
static size_t avloc__mp_table_grid(const avloc_mp_coder *c)
{
    size_t a = avloc__mp_grid_size(c->grid[AVLOC__MP_GXA]), v = avloc__mp_grid_size(c->grid[AVLOC__MP_GXV]);
    return a > v ? a : v;
}

static avloc_result avloc__mp_scratch_layout(avloc_arena *a, const avloc_mp_coder *c, avloc__mp_scr *s)
{
    const avloc_mp_config *cfg = &c->cfg;
    size_t K = cfg->kernels, nb = K * c->n_fr, gmax = 0, gset = 0, lmax = 1, fsb = 0, i, j, nv, na, nw;
    for (i = 0; i < 4; i++) {
        size_t g = avloc__mp_grid_size(c->grid[i]);
        if (g > gmax) gmax = g;
        if (i < AVLOC__MP_GXA && g > gset) gset = g; /* a first-pass Y */
        for (j = 0; j < 3; j++) {
            /* the line buffer serves axes 0 and 1; axis 2 is transformed in place */
            if (j < 2 && c->grid[i][j] > lmax) lmax = c->grid[i][j];
            if (c->plan[i][j].scratch_bytes > fsb) fsb = c->plan[i][j].scratch_bytes;
        }
    }
    if (!avloc_size_mul(c->n_fr, c->hv * c->wv, &nv) || !avloc_size_mul(nv, c->kp, &nv) ||
        !avloc_size_mul(c->n_off, c->kp, &na))
        return AVLOC_ERR_OVERFLOW;
    s->P = 1;
    while (s->P < c->n_fr) s->P *= 2;
    s->A = AVLOC_PUSH(a, float, na);
    s->V = AVLOC_PUSH(a, float, nv);
    nw = avloc_threads_workers(&cfg->threads); /* <= AVLOC_MAX_WORKERS: no overflow below */
    s->mx = AVLOC_PUSH(a, float, 2 * c->kp * nw);
    s->ix = AVLOC_PUSH(a, float, 2 * c->kp * nw);
    s->need = AVLOC_PUSH(a, unsigned char, c->kp * nw);
    s->stale = AVLOC_PUSH(a, unsigned char, nb);
    s->ba = AVLOC_PUSH(a, float, nb);
    s->bv = AVLOC_PUSH(a, float, nb);
    s->bs = AVLOC_PUSH(a, float, nb);
    s->ia = AVLOC_PUSH(a, size_t, nb);
    s->iv = AVLOC_PUSH(a, size_t, nb);
    s->tree = AVLOC_PUSH(a, size_t, 2 * s->P);
    s->fstart = AVLOC_PUSH(a, size_t, c->n_fr + 1);
    s->batch = AVLOC_PUSH(a, size_t, c->n_fr);
    s->xa = s->xv = NULL;
    if (cfg->low_memory) {
        s->xa = AVLOC_PUSH(a, float, c->kp * c->lag_a);
        s->xv = AVLOC_PUSH(a, float, c->kp * c->lag_v);
    }
    s->X = AVLOC_PUSH(a, avloc_complex_f32, gmax);
    s->Y = AVLOC_PUSH(a, avloc_complex_f32, gmax);
    /* set_dict: a table grid X and Y per set; low memory: a table grid Y */
    if (2 * avloc__mp_table_grid(c) > gset) gset = 2 * avloc__mp_table_grid(c);
    s->sets = nw < K ? nw : K;
    if (s->sets > AVLOC__MP_SETS) s->sets = AVLOC__MP_SETS;
    for (i = 0; i < s->sets; i++) {
        s->G[i] = i ? AVLOC_PUSH(a, avloc_complex_f32, gset) : NULL;
        s->ws[i].line = AVLOC_PUSH(a, avloc_complex_f32, lmax);
        s->ws[i].fs = fsb ? avloc_arena_push(a, fsb, 1, AVLOC_ALIGN) : NULL;
        s->ws[i].fsb = fsb;
    }
    return avloc_arena_status(a);
}

/* The coder's layout: sizes, FFT plans, tables. */
static avloc_result avloc__mp_coder_layout(avloc_arena *a, void *obj, const void *vcfg, size_t *scratch_bytes)
{
    const avloc_mp_config *cfg = (const avloc_mp_config *)vcfg;
    avloc_mp_coder tmp, *c = obj ? (avloc_mp_coder *)obj : &tmp;
    avloc__mp_scr s;
    avloc_arena sa;
    size_t i, j, K = cfg->kernels, T = cfg->kernel_t, H = cfg->kernel_h, W = cfg->kernel_w;
    avloc_result r;
    memset(&tmp, 0, sizeof tmp);
    c->cfg = *cfg;
    if ((r = avloc_mp_positions(cfg, &c->n_off, &c->n_fr)) != AVLOC_OK) return r;
    c->hv = cfg->height - H + 1;
    c->wv = cfg->width - W + 1;
    c->kp = K < AVLOC__MP_LANES ? AVLOC__MP_LANES : K;
    if (!avloc_size_mul(c->hv, c->wv, &i) || i > 0x7fffffffu) return AVLOC_ERR_SIZE; /* positions per frame: 31 bits */
    c->lag_a = 2 * cfg->audio_len - 1;
    c->lag_v = (2 * T - 1) * (2 * H - 1) * (2 * W - 1);
    /* grids: valid outputs + kernel - 1 on each axis (see corr_pair) */
    c->grid[AVLOC__MP_GA][0] = c->grid[AVLOC__MP_GA][1] = 1;
    c->grid[AVLOC__MP_GA][2] = avloc__mp_good_size(c->n_off + cfg->audio_len - 1);
    c->grid[AVLOC__MP_GV][0] = avloc__mp_good_size(c->n_fr + T - 1);
    c->grid[AVLOC__MP_GV][1] = avloc__mp_good_size(cfg->height);
    c->grid[AVLOC__MP_GV][2] = avloc__mp_good_size(cfg->width);
    c->grid[AVLOC__MP_GXA][0] = c->grid[AVLOC__MP_GXA][1] = 1;
    c->grid[AVLOC__MP_GXA][2] = avloc__mp_table_size(3 * cfg->audio_len - 2);
    c->grid[AVLOC__MP_GXV][0] = avloc__mp_table_size(3 * T - 2);
    c->grid[AVLOC__MP_GXV][1] = avloc__mp_table_size(3 * H - 2);
    c->grid[AVLOC__MP_GXV][2] = avloc__mp_table_size(3 * W - 2);
    for (i = 0; i < 4; i++)
        for (j = 0; j < 3; j++) {
            avloc_fft_config fc = {c->grid[i][j], AVLOC_FFT_COMPLEX};
            size_t pb, sb;
            void *mem;
            if ((r = avloc_fft_query_f32(&fc, &pb, &sb)) != AVLOC_OK) return r;
            mem = avloc_arena_push(a, pb, 1, AVLOC_ALIGN);
            if (obj) {
                if (!mem) return avloc_arena_status(a) != AVLOC_OK ? avloc_arena_status(a) : AVLOC_ERR_WORKSPACE;
                if ((r = avloc_fft_init_f32(&c->plan[i][j], &fc, mem, pb)) != AVLOC_OK)
                    return r;
            } else {
                c->plan[i][j].scratch_bytes = sb;
            }
        }
    c->xc_audio = c->xc_video = NULL;
    c->table_bytes = 0;
    if (!cfg->low_memory) {
        size_t na, nv;
        if (!avloc_size_mul(K, c->kp, &na) || !avloc_size_mul(na, c->lag_a, &na) || !avloc_size_mul(K, c->kp, &nv) ||
            !avloc_size_mul(nv, c->lag_v, &nv))
            return AVLOC_ERR_OVERFLOW;
        c->xc_audio = AVLOC_PUSH(a, float, na);
        c->xc_video = AVLOC_PUSH(a, float, nv);
        c->table_bytes = (na + nv) * sizeof(float);
    }
    if ((r = avloc_arena_status(a)) != AVLOC_OK) return r;
    avloc_arena_init(&sa, NULL, 0);
    if ((r = avloc__mp_scratch_layout(&sa, c, &s)) != AVLOC_OK) return r;
    c->scratch_bytes = avloc_arena_needed(&sa);
    *scratch_bytes = c->scratch_bytes;
    c->magic = AVLOC__MP_MAGIC;
    c->mem = avloc__extent_of(a);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_mp_coder_query(const avloc_mp_config *cfg, size_t *obj_bytes,
                                            size_t *scratch_bytes)
{
    avloc_result r;
    if (!cfg) return AVLOC_ERR_NULL;
    if ((r = avloc_mp_positions(cfg, NULL, NULL)) != AVLOC_OK) return r;
    return avloc_layout_query(avloc__mp_coder_layout, cfg, obj_bytes, scratch_bytes);
}

AVLOC_API avloc_result avloc_mp_coder_init(avloc_mp_coder *c, const avloc_mp_config *cfg,
                                           void *mem, size_t bytes)
{
    avloc_result r;
    size_t need = 0;
    if (c) memset(c, 0, sizeof *c);
    if (!c || !cfg || !mem) return AVLOC_ERR_NULL;
    if ((r = avloc_mp_coder_query(cfg, &need, NULL)) != AVLOC_OK) return r;
    /* refused before the layout makes any FFT plan: a plan made before the
       memory ran out would be lost in the zeroed object (FFTW3 back-end: a leak) */
    if (bytes < need) return AVLOC_ERR_WORKSPACE;
    return avloc_layout_init(avloc__mp_coder_layout, c, sizeof *c, cfg, mem, bytes);
}

AVLOC_API void avloc_mp_coder_destroy(avloc_mp_coder *c)
{
    size_t i, j;
    if (!c || c->magic != AVLOC__MP_MAGIC) return;
    for (i = 0; i < 4; i++)
        for (j = 0; j < 3; j++) avloc_fft_destroy_f32(&c->plan[i][j]);
    memset(c, 0, sizeof *c);
}

static avloc_result avloc__mp_scratch(const avloc_mp_coder *c, void *scratch, size_t bytes, avloc__mp_scr *s)
{
    avloc_arena a;
    if (!scratch) return AVLOC_ERR_NULL;
    if (bytes < c->scratch_bytes) return AVLOC_ERR_WORKSPACE;
    avloc_arena_init(&a, scratch, bytes);
    return avloc__mp_scratch_layout(&a, c, s);
}

/* The first result that is not AVLOC_OK, in task order. */
static avloc_result avloc__mp_first_error(const avloc_result *r, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (r[i] != AVLOC_OK) return r[i];
    return AVLOC_OK;
}

/* The correlations of the spectrum s->X with the kernels of one modality
   (the first pass; a table row in low-memory mode), the kernel pairs cut
   into s->sets tasks (pairs t, t + sets, ...: every pair's transform is the
   same whatever task runs it, so the maps are the serial bits). */
typedef struct avloc__mp_cjob {
    const avloc_mp_coder *c;
    const avloc__mp_scr *s;
    int grid;                   /* AVLOC__MP_GA or AVLOC__MP_GV */
    const float *kern;
    const size_t *nh, *nout;
    float *out;
    avloc_result r[AVLOC__MP_SETS];
} avloc__mp_cjob;

static void avloc__mp_corr_task(void *ctx, size_t t, size_t worker)
{
    avloc__mp_cjob *j = (avloc__mp_cjob *)ctx;
    const avloc__mp_scr *s = j->s;
    (void)worker;
    j->r[t] = avloc__mp_corr_all(j->c->plan[j->grid], j->c->grid[j->grid], s->X, t ? s->G[t] : s->Y, j->kern,
                                 j->c->cfg.kernels, 2 * t, 2 * s->sets, j->nh, j->out, j->c->kp, j->nout, &s->ws[t]);
}

static avloc_result avloc__mp_corr_sets(const avloc_mp_coder *c, const avloc__mp_scr *s, int grid, const float *kern,
                                        const size_t *nh, float *out, const size_t *nout)
{
    avloc__mp_cjob j;
    size_t pairs = (c->cfg.kernels + 1) / 2, tasks = s->sets < pairs ? s->sets : pairs;
    j.c = c; j.s = s; j.grid = grid; j.kern = kern; j.nh = nh; j.nout = nout; j.out = out;
    avloc_threads_run(&c->cfg.threads, avloc__mp_corr_task, &j, tasks);
    return avloc__mp_first_error(j.r, tasks);
}

/* Rows [lag][k] of <T_0 phi_j, T_d phi_k> for every k (lane k; the lanes
   from K to kp are left as they are: zero them once), both modalities:
   the correlation of phi_j, zero-padded by kernel-1 on each side, with phi_k;
   lag d (per axis, -(n-1)..n-1) is stored at d + n - 1. */
static avloc_result avloc__mp_xcorr_rows(const avloc_mp_coder *c, const float *da, const float *dv,
                                         size_t j, float *xa, float *xv, avloc_complex_f32 *X,
                                         avloc_complex_f32 *Y, const avloc__mp_work *w, const avloc__mp_scr *sets)
{
    const avloc_mp_config *cfg = &c->cfg;
    size_t T = cfg->kernel_t, H = cfg->kernel_h, W = cfg->kernel_w, La = cfg->audio_len;
    size_t nha[3] = {1, 1, 0}, offa[3] = {0, 0, 0}, outa[3] = {1, 1, 0};
    size_t nhv[3], offv[3], outv[3], enda[3], endv[3], i;
    const size_t *ga = c->grid[AVLOC__MP_GXA], *gv = c->grid[AVLOC__MP_GXV];
    avloc__mp_box boxa, boxv; /* the kernel j sits at the offsets: the rest is zero */
    avloc_result r;
    nha[2] = La; offa[2] = La - 1; outa[2] = 2 * La - 1;
    nhv[0] = T; nhv[1] = H; nhv[2] = W;
    offv[0] = T - 1; offv[1] = H - 1; offv[2] = W - 1;
    outv[0] = 2 * T - 1; outv[1] = 2 * H - 1; outv[2] = 2 * W - 1;
    for (i = 0; i < 3; i++) {
        enda[i] = offa[i] + nha[i];
        endv[i] = offv[i] + nhv[i];
    }
    boxa.lo = offa; boxa.hi = enda; boxa.out = NULL;
    boxv.lo = offv; boxv.hi = endv; boxv.out = NULL;
    avloc__mp_load(X, ga, da + j * La, NULL, 0.0f, nha, offa, 0);
    if ((r = avloc__mp_fft3(c->plan[AVLOC__MP_GXA], ga, X, AVLOC_FFT_FORWARD, w, &boxa)) != AVLOC_OK)
        return r;
    r = sets ? avloc__mp_corr_sets(c, sets, AVLOC__MP_GXA, da, nha, xa, outa)
             : avloc__mp_corr_all(c->plan[AVLOC__MP_GXA], ga, X, Y, da, cfg->kernels, 0, 2, nha, xa, c->kp, outa, w);
    if (r != AVLOC_OK) return r;
    avloc__mp_load(X, gv, dv + j * T * H * W, NULL, 0.0f, nhv, offv, 0);
    if ((r = avloc__mp_fft3(c->plan[AVLOC__MP_GXV], gv, X, AVLOC_FFT_FORWARD, w, &boxv)) != AVLOC_OK)
        return r;
    return sets ? avloc__mp_corr_sets(c, sets, AVLOC__MP_GXV, dv, nhv, xv, outv)
                : avloc__mp_corr_all(c->plan[AVLOC__MP_GXV], gv, X, Y, dv, cfg->kernels, 0, 2, nhv, xv, c->kp, outv, w);
}

/* set_dict's rows j = t, t + sets, ... on work set t. */
typedef struct avloc__mp_tjob {
    const avloc_mp_coder *c;
    const avloc__mp_scr *s;
    const avloc_mp_dict *d;
    avloc_result r[AVLOC__MP_SETS];
} avloc__mp_tjob;

static void avloc__mp_table_task(void *ctx, size_t t, size_t worker)
{
    avloc__mp_tjob *jb = (avloc__mp_tjob *)ctx;
    const avloc_mp_coder *c = jb->c;
    const avloc__mp_scr *s = jb->s;
    avloc_complex_f32 *X = t ? s->G[t] : s->X, *Y = t ? s->G[t] + avloc__mp_table_grid(c) : s->Y;
    size_t j;
    avloc_result r = AVLOC_OK;
    (void)worker;
    for (j = t; j < c->cfg.kernels && r == AVLOC_OK; j += s->sets)
        r = avloc__mp_xcorr_rows(c, jb->d->audio, jb->d->video, j, c->xc_audio + j * c->kp * c->lag_a,
                                 c->xc_video + j * c->kp * c->lag_v, X, Y, &s->ws[t], NULL);
    jb->r[t] = r;
}

AVLOC_API avloc_result avloc_mp_coder_set_dict(avloc_mp_coder *c, const avloc_mp_dict *dict,
                                               void *scratch, size_t scratch_bytes)
{
    avloc__mp_scr s;
    avloc_result r;
    size_t K;
    if (!c || !dict) return AVLOC_ERR_NULL;
    if (c->magic != AVLOC__MP_MAGIC) return AVLOC_ERR_STATE;
    if ((r = avloc__mp_check_dict(&c->cfg, dict)) != AVLOC_OK) return r;
    K = c->cfg.kernels;
    {   /* the tables are written into the coder's memory from the kernels */
        const avloc__span b[] = {avloc__rd_f32(dict->audio, K * c->cfg.audio_len),
                                 avloc__rd_f32(dict->video, K * avloc__mp_kv(&c->cfg)), avloc__object_span(c->mem, 1)};
        if (avloc__clash_scratch(b, 3, scratch, c->cfg.low_memory ? 0 : avloc__scratch_used(scratch_bytes, c->scratch_bytes)))
            return AVLOC_ERR_PARAM;
    }
    if (!c->cfg.low_memory) {
        avloc__mp_tjob jb;
        if ((r = avloc__mp_scratch(c, scratch, scratch_bytes, &s)) != AVLOC_OK) return r;
        memset(c->xc_audio, 0, K * c->kp * c->lag_a * sizeof(float)); /* the padding lanes (K < 8) */
        memset(c->xc_video, 0, K * c->kp * c->lag_v * sizeof(float));
        jb.c = c; jb.s = &s; jb.d = dict;
        avloc_threads_run(&c->cfg.threads, avloc__mp_table_task, &jb, s.sets);
        if ((r = avloc__mp_first_error(jb.r, s.sets)) != AVLOC_OK) return r;
    }
    c->dict_audio = dict->audio;
    c->dict_video = dict->video;
    return AVLOC_OK;
}


/* A region of the maps for avloc__mp_lanes (below): `rows` rows of n
   positions, row r at y + r ys (table values at x + r xs; x NULL: scan
   only), position j of row r tagged tag + r tstride + j. */
typedef struct avloc__mp_run {
    float *y;
    const float *x;
    size_t ys, xs, rows, n;
    uint32_t tag, tstride;
    const float *ny, *nx; /* the first row of the region updated next (prefetched during the last row), or NULL */
} avloc__mp_run;

/* The update's loops are written once against the SIMD layer (template
   section at the end of this file; compilers do not vectorise them at -O2)
   and compiled here per set; AVLOC__VCALL runs the one this CPU has, the
   scalar loops finish (and are all that runs with AVLOC_NO_SIMD). */
#define AVLOC__VPASS AVLOC__VPASS_MP
#define AVLOC__VFILE AVLOC_MP_FILE
#include AVLOC_CORE_FILE /* the per-set driver */
#undef AVLOC__VFILE
#undef AVLOC__VPASS

/* y[r ys + i] -= c * x[r xs + i], r < rows, i < n (the SIMD layer's kernel
   does the whole vectors of every row, the scalar loop the rest): a
   multiply, then a subtraction, in both. Both coders subtract their atoms
   through it, so their residuals see the same arithmetic. */
static void avloc__mp_sub_scaled(float *y, size_t ys, const float *x, size_t xs, float c, size_t rows, size_t n)
{
    size_t r, i, done = AVLOC__VCALL(avloc__mp_vk_sub_scaled, (y, ys, x, xs, c, rows, n), 0);
    for (r = 0; r < rows; r++)
        for (i = done; i < n; i++) {
            float p = c * x[r * xs + i];
            y[r * ys + i] -= p;
        }
}

/* The maps and tables hold the K kernels side by side, kernel k in lane k
   of each position (kp lanes): an update is then one long contiguous stream
   (a region's rows of positions, all kernels) instead of K x rows of a few
   values, and the per-kernel block maxima come out of the same pass.
   avloc__mp_lanes: over `rows` rows of n positions of kp lanes (row r,
   position j, lane l: y[r ys + j kp + l]; x likewise with xs, NULL: scan
   only), y -= c x, then per lane l, where |y| > mx[l]: mx[l] = |y|,
   ix[l] = tag + r tstride + j (a uint32 in a float's bits). Positions are
   visited row by row in increasing order and only a strictly larger value
   replaces the maximum, so ix holds the lowest position of it (the tie
   rule). One call covers a whole region (the maxima stay in registers
   across its rows; a call per row of 23 positions took ~15 % longer). */
static void avloc__mp_set_tag(float *ix, uint32_t t) { memcpy(ix, &t, sizeof t); }
static size_t avloc__mp_tag(const float *ix) { uint32_t t; memcpy(&t, ix, sizeof t); return t; }

static void avloc__mp_lanes(const avloc__mp_run *u, float c, size_t kp, float *mx, float *ix)
{
    size_t r, j, l;
    if (AVLOC__VCALL(avloc__mp_vk_lanes, (u, c, kp, mx, ix), 0)) return;
    for (r = 0; r < u->rows; r++)
        for (j = 0; j < u->n; j++)
            for (l = 0; l < kp; l++) {
                float *y = u->y + r * u->ys + j * kp + l, v = *y;
                if (u->x) *y = v = v - c * u->x[r * u->xs + j * kp + l];
                if (fabsf(v) > mx[l]) {
                    mx[l] = fabsf(v);
                    avloc__mp_set_tag(ix + l, u->tag + (uint32_t)r * u->tstride + (uint32_t)j);
                }
            }
}

/* One row of n positions at y (x: NULL, or the table values). */
static avloc__mp_run avloc__mp_row(float *y, const float *x, size_t n, uint32_t tag)
{
    avloc__mp_run u;
    u.y = y; u.x = x; u.ys = u.xs = 0; u.rows = 1; u.n = n; u.tag = tag; u.tstride = 0;
    u.ny = u.nx = NULL;
    return u;
}

static void avloc__mp_lanes_reset(float *mx, float *ix, size_t kp)
{
    size_t l;
    for (l = 0; l < kp; l++) {
        mx[l] = -1.0f;
        avloc__mp_set_tag(ix + l, 0);
    }
}

/* Per-lane best |A| and its audio offset over offsets [b0,b1) (a block). */
static void avloc__mp_scan_audio(const avloc_mp_coder *c, const avloc__mp_scr *s, size_t b0, size_t b1,
                                 float *mx, float *ix)
{
    avloc__mp_run u = avloc__mp_row(s->A + b0 * c->kp, NULL, b1 - b0, (uint32_t)b0);
    avloc__mp_lanes_reset(mx, ix, c->kp);
    avloc__mp_lanes(&u, 0.0f, c->kp, mx, ix);
}

/* Per-lane best |V| and its position p * Wv + q over frame offset f (the
   frame's rows are contiguous: one run of Hv Wv positions). */
static void avloc__mp_scan_video(const avloc_mp_coder *c, const avloc__mp_scr *s, size_t f, float *mx, float *ix)
{
    avloc__mp_run u = avloc__mp_row(s->V + f * c->hv * c->wv * c->kp, NULL, c->hv * c->wv, 0);
    avloc__mp_lanes_reset(mx, ix, c->kp);
    avloc__mp_lanes(&u, 0.0f, c->kp, mx, ix);
}

/* Block (kernel k) after the values of a region changed, given the region's
   new max m and its first position at (from the update): the whole block
   changed: they are its best; the old argmax is in the region: returns 1
   (the block must be rescanned); otherwise the old best still holds outside
   the region and is compared with the region's (lower position wins a tie). */
static int avloc__mp_merge(float m, size_t at, int whole, int old_inside, float *best, size_t *arg)
{
    if (whole) {
        *best = m;
        *arg = at;
        return 0;
    }
    if (*best < 0 || old_inside) return 1;
    if (m > *best || (m == *best && at < *arg)) {
        *best = m;
        *arg = at;
    }
    return 0;
}

/* A worker's share of the per-update buffers (mx, ix: 2 kp; need: kp). */
typedef struct avloc__mp_wbuf {
    float *mx, *ix;
    unsigned char *need;
} avloc__mp_wbuf;

static avloc__mp_wbuf avloc__mp_worker(const avloc_mp_coder *c, const avloc__mp_scr *s, size_t w)
{
    avloc__mp_wbuf b;
    b.mx = s->mx + 2 * c->kp * w;
    b.ix = s->ix + 2 * c->kp * w;
    b.need = s->need + c->kp * w;
    return b;
}

/* The blocks (k, f) that need a rescan (wb.need) take their best from a
   per-lane scan (mx, ix of the second half of wb.mx / wb.ix). */
static void avloc__mp_apply_rescan(const avloc_mp_coder *c, avloc__mp_scr *s, size_t f, int video,
                                   avloc__mp_wbuf wb)
{
    size_t k, nf = c->n_fr, K = c->cfg.kernels;
    const float *mx = wb.mx + c->kp, *ix = wb.ix + c->kp;
    for (k = 0; k < K; k++)
        if (wb.need[k]) {
            size_t b = k * nf + f;
            if (video) {
                s->bv[b] = mx[k];
                s->iv[b] = avloc__mp_tag(ix + k);
            } else {
                s->ba[b] = mx[k];
                s->ia[b] = avloc__mp_tag(ix + k);
            }
        }
}

/* Max tree: leaf P + f holds frame offset f's best block, a node the
   better of its children's blocks (higher score, then lower block index:
   lower kernel, then lower frame), so the root is the best block of all,
   with the tie rule of one flat tree over the blocks. A tree over the
   frames, not the blocks: an update changes whole frames (all kernels),
   their leaves come out of the workers' shares, and the serial refresh is
   ~2 x 21 nodes instead of ~K x 40. Unused leaves hold nb (score -2). */
static int avloc__mp_better(const avloc__mp_scr *s, size_t nb, size_t a, size_t b)
{
    float sa = a < nb ? s->bs[a] : -2.0f, sb = b < nb ? s->bs[b] : -2.0f;
    return sa > sb || (sa == sb && a < b);
}

/* A block's score: its best |audio| and best |video| combined. */
static float avloc__mp_block_score(const avloc__mp_scr *s, size_t b, int product)
{
    if (s->ba[b] < 0) return -1.0f; /* no audio offset maps to this frame */
    return product ? s->ba[b] * s->bv[b] : s->ba[b] + s->bv[b];
}

/* Frame offset f's block scores and its leaf: its best block. Writes the
   blocks and the leaf of frame f only, so workers may run it on their own
   frames. */
static void avloc__mp_frame_leaf(avloc__mp_scr *s, size_t K, size_t nf, size_t f, int product)
{
    size_t k, best = f;
    for (k = 0; k < K; k++) s->bs[k * nf + f] = avloc__mp_block_score(s, k * nf + f, product);
    for (k = 1; k < K; k++)
        if (avloc__mp_better(s, K * nf, k * nf + f, best)) best = k * nf + f;
    s->tree[s->P + f] = best;
}

/* The ancestors of leaves [f0,f1), level by level (the ancestors of a
   range are a range: each node once, not once per leaf). */
static void avloc__mp_tree_up(avloc__mp_scr *s, size_t nb, size_t f0, size_t f1)
{
    size_t i, lo = (s->P + f0) / 2, hi = (s->P + f1 - 1) / 2;
    if (f0 >= f1) return;
    while (lo >= 1) {
        for (i = lo; i <= hi; i++) {
            size_t l = s->tree[2 * i], r = s->tree[2 * i + 1];
            s->tree[i] = avloc__mp_better(s, nb, l, r) ? l : r;
        }
        lo /= 2;
        hi /= 2;
    }
}

static void avloc__mp_build_tree(avloc__mp_scr *s, size_t K, size_t nf, int product)
{
    size_t i, nb = K * nf;
    for (i = 0; i < s->P; i++)
        if (i < nf) avloc__mp_frame_leaf(s, K, nf, i, product);
        else s->tree[s->P + i] = nb;
    for (i = s->P - 1; i >= 1; i--) {
        size_t l = s->tree[2 * i], r = s->tree[2 * i + 1];
        s->tree[i] = avloc__mp_better(s, nb, l, r) ? l : r;
    }
}

/* The first pass's block maxima, frames cut into one range per worker (a
   block belongs to one frame; each worker has its own lane buffers). */
typedef struct avloc__mp_sjob {
    const avloc_mp_coder *c;
    avloc__mp_scr *s;
    size_t ntasks;
} avloc__mp_sjob;

static void avloc__mp_scan_task(void *ctx, size_t task, size_t worker)
{
    const avloc__mp_sjob *j = (const avloc__mp_sjob *)ctx;
    const avloc_mp_coder *c = j->c;
    avloc__mp_scr *s = j->s;
    const avloc__mp_wbuf wb = avloc__mp_worker(c, s, worker);
    size_t nf = c->n_fr, K = c->cfg.kernels, f, k, f1 = (task + 1) * nf / j->ntasks;
    for (f = task * nf / j->ntasks; f < f1; f++) {
        memset(wb.need, 1, c->kp);
        avloc__mp_scan_audio(c, s, s->fstart[f], s->fstart[f + 1], wb.mx + c->kp, wb.ix + c->kp);
        avloc__mp_apply_rescan(c, s, f, 0, wb);
        avloc__mp_scan_video(c, s, f, wb.mx + c->kp, wb.ix + c->kp);
        avloc__mp_apply_rescan(c, s, f, 1, wb);
        for (k = 0; k < K; k++)
            if (s->fstart[f] == s->fstart[f + 1]) s->ba[k * nf + f] = -1.0f; /* no audio offset maps to f */
    }
}

/* First pass: all inner products by FFT, block maxima, tree. */
static avloc_result avloc__mp_first_pass(const avloc_mp_coder *c, const float *ra, const float *rv,
                                         avloc__mp_scr *s)
{
    const avloc_mp_config *cfg = &c->cfg;
    size_t K = cfg->kernels, nf = c->n_fr, hw = c->hv * c->wv, f, n;
    const size_t *ga = c->grid[AVLOC__MP_GA], *gv = c->grid[AVLOC__MP_GV];
    size_t nha[3] = {1, 1, 0}, outa[3] = {1, 1, 0}, zero[3] = {0, 0, 0};
    size_t nhv[3], nxv[3], outv[3];
    avloc_result r;
    nha[2] = cfg->audio_len;
    outa[2] = c->n_off;
    nhv[0] = cfg->kernel_t; nhv[1] = cfg->kernel_h; nhv[2] = cfg->kernel_w;
    nxv[0] = nf + cfg->kernel_t - 1; nxv[1] = cfg->height; nxv[2] = cfg->width;
    outv[0] = nf; outv[1] = c->hv; outv[2] = c->wv;
    {
        size_t nx[3] = {1, 1, 0};
        nx[2] = c->n_off + cfg->audio_len - 1;
        avloc__mp_load(s->X, ga, ra, NULL, 0.0f, nx, zero, 1);
    }
    if ((r = avloc__mp_fft3(c->plan[AVLOC__MP_GA], ga, s->X, AVLOC_FFT_FORWARD, &s->ws[0], NULL)) != AVLOC_OK) return r;
    if (c->kp > K) { /* the padding lanes (K < 8): zero, updated by zero table lanes */
        memset(s->A, 0, c->n_off * c->kp * sizeof *s->A);
        memset(s->V, 0, nf * hw * c->kp * sizeof *s->V);
    }
    if ((r = avloc__mp_corr_sets(c, s, AVLOC__MP_GA, c->dict_audio, nha, s->A, outa)) != AVLOC_OK) return r;
    avloc__mp_load(s->X, gv, rv, NULL, 0.0f, nxv, zero, 0);
    {
        avloc__mp_box box; /* the signal's box: the grid's padding is zero */
        box.lo = zero; box.hi = nxv; box.out = NULL;
        if ((r = avloc__mp_fft3(c->plan[AVLOC__MP_GV], gv, s->X, AVLOC_FFT_FORWARD, &s->ws[0], &box)) != AVLOC_OK)
            return r;
    }
    if ((r = avloc__mp_corr_sets(c, s, AVLOC__MP_GV, c->dict_video, nhv, s->V, outv)) != AVLOC_OK) return r;
    /* finite input near FLT_MAX overflows the float FFT correlations (Inf,
       then NaN): the max tree would pass over those positions and the coder
       stop with no atom and AVLOC_OK; refuse such input instead */
    if (!avloc_all_finite_f32(s->A, c->n_off * c->kp) || !avloc_all_finite_f32(s->V, nf * hw * c->kp))
        return AVLOC_ERR_NUMERIC;
    /* frame offset of each audio offset, as a table of block starts */
    for (f = 0, n = 0; f <= nf; f++) {
        while (n < c->n_off && avloc_mp_frame_of(cfg, n) < f) n++;
        s->fstart[f] = n;
    }
    memset(s->stale, 0, K * nf);
    {
        avloc__mp_sjob j;
        j.c = c; j.s = s;
        j.ntasks = avloc_threads_workers(&cfg->threads);
        if (j.ntasks > nf) j.ntasks = nf;
        avloc_threads_run(&cfg->threads, avloc__mp_scan_task, &j, j.ntasks);
    }
    avloc__mp_build_tree(s, K, nf, cfg->product_score);
    return AVLOC_OK;
}

/* Coefficient-domain update after atom `at`: only inner products whose
   support overlaps the atom change, by -c times a table row (xa: [lag][kp],
   xv: [lag_t][lag_p][lag_q][kp] of the atom's kernel), all kernels at once;
   block by block (audio: the offsets of one frame offset; video: one frame
   offset), the update gives each kernel's new maximum in the changed region. */
/* The audio blocks (k, f) of frame offset f after an atom: the changed
   offsets [lo, hi) of the frame updated with their lane maxima, blocks
   whose old argmax was inside rescanned. */
static void avloc__mp_update_audio_frame(const avloc_mp_coder *c, const avloc_mp_atom *at, const float *xa,
                                         avloc__mp_scr *s, size_t f, size_t lo, size_t hi, avloc__mp_wbuf wb)
{
    size_t La = c->cfg.audio_len, kp = c->kp, nf = c->n_fr, K = c->cfg.kernels, k;
    size_t b0 = s->fstart[f], b1 = s->fstart[f + 1], r0 = b0 > lo ? b0 : lo, r1 = b1 < hi ? b1 : hi;
    int any = 0;
    avloc__mp_run u;
    if (r0 >= r1) return;
    u = avloc__mp_row(s->A + r0 * kp, xa + (r0 + La - 1 - at->offset) * kp, r1 - r0, (uint32_t)r0);
    avloc__mp_lanes_reset(wb.mx, wb.ix, kp);
    avloc__mp_lanes(&u, at->ca, kp, wb.mx, wb.ix);
    for (k = 0; k < K; k++) {
        size_t b = k * nf + f;
        wb.need[k] = (unsigned char)avloc__mp_merge(wb.mx[k], avloc__mp_tag(wb.ix + k), r0 == b0 && r1 == b1,
                                                    s->ia[b] >= r0 && s->ia[b] < r1, &s->ba[b], &s->ia[b]);
        any |= wb.need[k];
    }
    if (any) {
        avloc__mp_scan_audio(c, s, b0, b1, wb.mx + kp, wb.ix + kp);
        avloc__mp_apply_rescan(c, s, f, 0, wb);
    }
}

/* Exact video bests of the stale blocks of frame offset f (all lanes of
   the frame are scanned: they share its memory) and its leaf; writes frame
   f's blocks and leaf only (workers may resolve their own frames). */
static void avloc__mp_resolve_frame(const avloc_mp_coder *c, avloc__mp_scr *s, size_t f, avloc__mp_wbuf wb)
{
    size_t k, K = c->cfg.kernels, nf = c->n_fr;
    avloc__mp_scan_video(c, s, f, wb.mx + c->kp, wb.ix + c->kp);
    for (k = 0; k < K; k++) wb.need[k] = s->stale[k * nf + f];
    avloc__mp_apply_rescan(c, s, f, 1, wb);
    for (k = 0; k < K; k++) s->stale[k * nf + f] = 0;
    avloc__mp_frame_leaf(s, K, nf, f, c->cfg.product_score);
}

/* Frame f resolved, its scores in the tree. */
static void avloc__mp_resolve_video(const avloc_mp_coder *c, avloc__mp_scr *s, size_t f)
{
    avloc__mp_resolve_frame(c, s, f, avloc__mp_worker(c, s, 0));
    avloc__mp_tree_up(s, c->cfg.kernels * c->n_fr, f, f + 1);
}

/* When a stale leaf is on top, the serial loop resolves one frame at a
   time, each a cold scan of the frame (~5 us on the bench: one stream read
   at ~25 GB/s). Where the signal's structure runs out (the bench's 60
   atoms), the top falls to the noise level and hundreds of frames whose
   bounds are old bests come up one after the other (227 resolves for one
   atom). Every frame whose stale bound reaches the best exact leaf could
   hold the next atom; on several workers, when at least
   AVLOC__MP_BATCH_MIN of them are waiting, they are resolved together, a
   range of them per worker. Resolving is exact whenever it runs (a frame's
   scan gives its blocks' true bests), so the atoms are unchanged; a frame
   resolved here that the serial loop would not have reached is work spent
   early or spent for nothing (fewer than 8 waiting frames: the serial loop
   usually stops after one or two). */
#define AVLOC__MP_BATCH_MIN 8

typedef struct avloc__mp_bjob {
    const avloc_mp_coder *c;
    avloc__mp_scr *s;
    size_t n, ntasks; /* frames s->batch[0..n) */
} avloc__mp_bjob;

static void avloc__mp_batch_task(void *ctx, size_t task, size_t worker)
{
    const avloc__mp_bjob *j = (const avloc__mp_bjob *)ctx;
    const avloc__mp_wbuf wb = avloc__mp_worker(j->c, j->s, worker);
    size_t i, i1 = (task + 1) * j->n / j->ntasks;
    for (i = task * j->n / j->ntasks; i < i1; i++) avloc__mp_resolve_frame(j->c, j->s, j->s->batch[i], wb);
}

/* Resolves the waiting frames together (see above); 0 if it did not (one
   worker, or too few waiting). */
static int avloc__mp_resolve_batch(const avloc_mp_coder *c, avloc__mp_scr *s)
{
    size_t f, nf = c->n_fr, nb = c->cfg.kernels * nf;
    float exact = -1.0f; /* the best exact leaf: the next atom scores at least this */
    avloc__mp_bjob j;
    j.ntasks = avloc_threads_workers(&c->cfg.threads);
    if (j.ntasks < 2) return 0;
    for (f = 0; f < nf; f++) {
        size_t b = s->tree[s->P + f];
        if (!s->stale[b] && s->bs[b] > exact) exact = s->bs[b];
    }
    j.n = 0;
    for (f = 0; f < nf; f++) {
        size_t b = s->tree[s->P + f];
        if (s->stale[b] && s->bs[b] >= exact) s->batch[j.n++] = f;
    }
    if (j.n < AVLOC__MP_BATCH_MIN) return 0;
    j.c = c;
    j.s = s;
    if (j.ntasks > j.n) j.ntasks = j.n;
    avloc_threads_run(&c->cfg.threads, avloc__mp_batch_task, &j, j.ntasks);
    avloc__mp_tree_up(s, nb, s->batch[0], s->batch[j.n - 1] + 1);
    return 1;
}

/* The window of positions an atom's update changes in each video frame it
   touches: rows [w[0], w[1]), columns [w[2], w[3]) (the kernel's extent
   around the atom, clipped at the frame's edges). */
static void avloc__mp_vwindow(const avloc_mp_coder *c, const avloc_mp_atom *at, size_t *w)
{
    size_t H = c->cfg.kernel_h, W = c->cfg.kernel_w;
    w[0] = at->row + 1 >= H ? at->row + 1 - H : 0;
    w[1] = at->row + H < c->hv ? at->row + H : c->hv;
    w[2] = at->col + 1 >= W ? at->col + 1 - W : 0;
    w[3] = at->col + W < c->wv ? at->col + W : c->wv;
}

/* Video blocks whose old argmax is in the changed region are not rescanned
   here (that was most of the update's time): their best becomes an upper
   bound, max(region's new max, old best) (the values outside the region did
   not change and were <= the old best), flagged stale. A stale block is
   resolved (rescanned) only when its bound reaches the top of the max tree
   (avloc_mp_code_f32), so the tree's choice is exact: every other block's
   best is <= its score there. */
static void avloc__mp_update_video_frame(const avloc_mp_coder *c, const avloc_mp_atom *at, const float *xv,
                                         avloc__mp_scr *s, size_t f, avloc__mp_wbuf wb)
{
    const avloc_mp_config *cfg = &c->cfg;
    size_t T = cfg->kernel_t, H = cfg->kernel_h, W = cfg->kernel_w, K = cfg->kernels;
    size_t nf = c->n_fr, wv = c->wv, kp = c->kp, k, win[4], plo, phi, qlo, qhi;
    const float *rowv = xv + (f + T - 1 - at->frame) * (2 * H - 1) * (2 * W - 1) * kp;
    int whole;
    avloc__mp_run u;
    avloc__mp_vwindow(c, at, win);
    plo = win[0]; phi = win[1]; qlo = win[2]; qhi = win[3];
    whole = plo == 0 && phi == c->hv && qlo == 0 && qhi == wv;
    u.y = s->V + ((f * c->hv + plo) * wv + qlo) * kp;
    u.x = rowv + ((plo + H - 1 - at->row) * (2 * W - 1) + qlo + W - 1 - at->col) * kp;
    u.ys = wv * kp;
    u.xs = (2 * W - 1) * kp;
    u.rows = phi - plo;
    u.n = qhi - qlo;
    u.tag = (uint32_t)(plo * wv + qlo);
    u.tstride = (uint32_t)wv;
    u.ny = u.nx = NULL;
    if (f + 1 < at->frame + T && f + 1 < nf) { /* the next frame's region: same rows and columns, next table frame */
        u.ny = u.y + c->hv * wv * kp;
        u.nx = u.x + (2 * H - 1) * (2 * W - 1) * kp;
    }
    avloc__mp_lanes_reset(wb.mx, wb.ix, kp);
    avloc__mp_lanes(&u, at->cv, kp, wb.mx, wb.ix);
    for (k = 0; k < K; k++) { /* no rescan here: see the comment above */
        size_t b = k * nf + f, ar = s->iv[b] / wv, ac = s->iv[b] % wv;
        int inside = s->stale[b] || (ar >= plo && ar < phi && ac >= qlo && ac < qhi);
        float old = s->bv[b];
        if (avloc__mp_merge(wb.mx[k], avloc__mp_tag(wb.ix + k), whole, inside, &s->bv[b], &s->iv[b])) {
            s->stale[b] = 1; /* the rest of the block is <= the old best (bound) */
            s->bv[b] = wb.mx[k] > old ? wb.mx[k] : old;
        } else {
            s->stale[b] = 0;
        }
    }
}

/* One atom's update: frame offsets [f0, f1) (the union of the audio
   frames [fa0, fa1) and the video frames [flo, fhi) it touched) cut into
   one range per worker. A block (k, f) belongs to one frame, so the ranges
   write disjoint blocks (each with its worker's buffers) and the result is
   the serial one: the same atoms. */
typedef struct avloc__mp_ujob {
    const avloc_mp_coder *c;
    const avloc_mp_atom *at;
    const float *xa, *xv;
    avloc__mp_scr *s;
    size_t lo, hi, fa0, fa1, flo, fhi, f0, f1, ntasks;
    size_t vpos;     /* video positions the update changes in each of its frames */
} avloc__mp_ujob;

/* Positions (audio offsets, video positions) the update changes in frame f. */
static size_t avloc__mp_frame_work(const avloc__mp_ujob *j, size_t f)
{
    size_t w = f >= j->flo && f < j->fhi ? j->vpos : 0;
    if (f >= j->fa0 && f < j->fa1) {
        size_t a0 = j->s->fstart[f], a1 = j->s->fstart[f + 1];
        if (a0 < j->lo) a0 = j->lo;
        if (a1 > j->hi) a1 = j->hi;
        if (a1 > a0) w += a1 - a0;
    }
    return w;
}

/* First frame of task t's range: the ranges carry equal shares of the
   positions changed, not of the frames (by frames, the later half carried
   one more audio and video frame: ~15 % more, and the update waited for it). */
static size_t avloc__mp_task_start(const avloc__mp_ujob *j, size_t t)
{
    size_t f, total = 0, acc = 0, want;
    if (t == 0) return j->f0;
    if (t >= j->ntasks) return j->f1;
    for (f = j->f0; f < j->f1; f++) total += avloc__mp_frame_work(j, f);
    want = t * total / j->ntasks;
    for (f = j->f0; f < j->f1 && acc < want; f++) acc += avloc__mp_frame_work(j, f);
    return f;
}

static void avloc__mp_update_task(void *ctx, size_t task, size_t worker)
{
    const avloc__mp_ujob *j = (const avloc__mp_ujob *)ctx;
    const avloc__mp_wbuf wb = avloc__mp_worker(j->c, j->s, worker);
    size_t f, f1 = avloc__mp_task_start(j, task + 1);
    for (f = avloc__mp_task_start(j, task); f < f1; f++) {
        if (f >= j->fa0 && f < j->fa1) avloc__mp_update_audio_frame(j->c, j->at, j->xa, j->s, f, j->lo, j->hi, wb);
        if (f >= j->flo && f < j->fhi) avloc__mp_update_video_frame(j->c, j->at, j->xv, j->s, f, wb);
        avloc__mp_frame_leaf(j->s, j->c->cfg.kernels, j->c->n_fr, f, j->c->cfg.product_score);
    }
}

static void avloc__mp_update(const avloc_mp_coder *c, const avloc_mp_atom *at, const float *xa,
                             const float *xv, avloc__mp_scr *s)
{
    const avloc_mp_config *cfg = &c->cfg;
    size_t K = cfg->kernels, La = cfg->audio_len, T = cfg->kernel_t, nf = c->n_fr;
    avloc__mp_ujob j;
    j.c = c; j.at = at; j.xa = xa; j.xv = xv; j.s = s;
    j.lo = at->offset + 1 >= La ? at->offset + 1 - La : 0;
    j.hi = at->offset + La < c->n_off ? at->offset + La : c->n_off;
    j.flo = at->frame + 1 >= T ? at->frame + 1 - T : 0;
    j.fhi = at->frame + T < nf ? at->frame + T : nf;
    j.fa0 = avloc_mp_frame_of(cfg, j.lo);
    j.fa1 = avloc_mp_frame_of(cfg, j.hi - 1) + 1;
    j.f0 = j.fa0 < j.flo ? j.fa0 : j.flo;
    j.f1 = j.fa1 > j.fhi ? j.fa1 : j.fhi;
    {
        size_t win[4];
        avloc__mp_vwindow(c, at, win);
        j.vpos = (win[1] - win[0]) * (win[3] - win[2]);
    }
    j.ntasks = avloc_threads_workers(&cfg->threads);
    if (j.ntasks > j.f1 - j.f0) j.ntasks = j.f1 - j.f0;
    avloc_threads_run(&cfg->threads, avloc__mp_update_task, &j, j.ntasks);
    avloc__mp_tree_up(s, K * nf, j.f0, j.f1);
}

/* The residuals after the atoms. The fast coder reads its atoms off the
   maps, not the residuals, so it subtracts them once at the end: off each
   atom's serial path (where the residual lines had gone cold: ~7 us per
   atom on the bench), and over the workers: task 0 takes the audio, tasks
   1..S a range of video frames each, walked frame by frame (each atom's
   rows of that frame, while they are in cache: atom by atom, the video
   part took 2.5 us per atom in cache misses). Every sample still sees the
   atoms in their order and the same split of each atom's rows between the
   SIMD kernel and the scalar tail (the audio is not cut: a cut moves that
   split, and under -ffast-math the two round differently), so the bits
   are those of subtracting after each atom (the naive coder's) on any
   number of workers. */
typedef struct avloc__mp_rjob {
    const avloc_mp_coder *c;
    const avloc_mp_atom *atoms;
    size_t n, S;
    float *ra, *rv;
} avloc__mp_rjob;

static void avloc__mp_residual_task(void *ctx, size_t task, size_t worker)
{
    const avloc__mp_rjob *j = (const avloc__mp_rjob *)ctx;
    const avloc_mp_config *cfg = &j->c->cfg;
    size_t i, f, kv = avloc__mp_kv(cfg), part = task - 1;
    (void)worker;
    if (task == 0) {
        for (i = 0; i < j->n; i++)
            avloc__mp_subtract_audio(cfg, j->c->dict_audio + j->atoms[i].k * cfg->audio_len, &j->atoms[i], j->ra);
        return;
    }
    for (f = part * cfg->frames / j->S; f < (part + 1) * cfg->frames / j->S; f++)
        for (i = 0; i < j->n; i++)
            if (f - j->atoms[i].frame < cfg->kernel_t) /* unsigned: also f < frame */
                avloc__mp_subtract_video(cfg, j->c->dict_video + j->atoms[i].k * kv, &j->atoms[i], j->rv, f, f + 1);
}

static void avloc__mp_residuals(const avloc_mp_coder *c, const avloc_mp_atom *atoms, size_t n, float *ra,
                                float *rv)
{
    avloc__mp_rjob j;
    j.c = c; j.atoms = atoms; j.n = n; j.ra = ra; j.rv = rv;
    j.S = avloc_threads_workers(&c->cfg.threads);
    if (n) avloc_threads_run(&c->cfg.threads, avloc__mp_residual_task, &j, 1 + j.S);
}

AVLOC_API avloc_result avloc_mp_code_f32(const avloc_mp_coder *c, const float *audio,
                                         const float *video, size_t max_atoms, float threshold,
                                         avloc_mp_atom *atoms, size_t *n_atoms,
                                         float *res_audio, float *res_video,
                                         void *scratch, size_t scratch_bytes)
{
    const avloc_mp_config *cfg;
    avloc__mp_scr s;
    avloc_result r;
    size_t i, nf, hw;
    if (!c) return AVLOC_ERR_NULL;
    if (c->magic != AVLOC__MP_MAGIC || !c->dict_audio) return AVLOC_ERR_STATE;
    cfg = &c->cfg;
    if ((r = avloc__mp_check_code(cfg, audio, video, atoms, n_atoms, res_audio, res_video, max_atoms, c->dict_audio,
                                  c->dict_video, c->mem, scratch,
                                  avloc__scratch_used(scratch_bytes, c->scratch_bytes))) != AVLOC_OK)
        return r;
    if (!avloc__finite_f32(threshold) || !(threshold >= 0) || threshold > 3.4e38f) return AVLOC_ERR_PARAM;
    if ((r = avloc__mp_scratch(c, scratch, scratch_bytes, &s)) != AVLOC_OK) return r;
    *n_atoms = 0;
    nf = c->n_fr;
    hw = c->hv * c->wv;
    if (res_audio != audio) memcpy(res_audio, audio, cfg->audio_samples * sizeof *audio);
    if (res_video != video) memcpy(res_video, video, avloc__mp_nv(cfg) * sizeof *video);
    if (cfg->low_memory) { /* padding lanes of the rows (xcorr_rows writes lanes < K only) */
        memset(s.xa, 0, c->kp * c->lag_a * sizeof *s.xa);
        memset(s.xv, 0, c->kp * c->lag_v * sizeof *s.xv);
    }
    if ((r = avloc__mp_first_pass(c, res_audio, res_video, &s)) != AVLOC_OK) return r;
    for (i = 0; i < max_atoms; i++) {
        size_t b, k, f;
        const float *xa, *xv;
        avloc_mp_atom at;
        while ((b = s.tree[1]) < cfg->kernels * nf && s.stale[b])
            if (!avloc__mp_resolve_batch(c, &s)) avloc__mp_resolve_video(c, &s, b % nf);
        k = b / nf;
        f = b % nf;
        /* an overflowed correlation (Inf/NaN score) could hide in the max
           tree: refuse it rather than stop or pick an Inf atom */
        if (!avloc_all_finite_f32(s.bs, cfg->kernels * nf)) {
            r = AVLOC_ERR_NUMERIC;
            break;
        }
        if (b >= cfg->kernels * nf || !(s.bs[b] > 0) || s.bs[b] < threshold) break;
        at.k = k;
        at.offset = s.ia[b] % c->n_off;
        at.frame = f;
        at.row = s.iv[b] / c->wv;
        at.col = s.iv[b] % c->wv;
        at.ca = s.A[at.offset * c->kp + k];
        at.cv = s.V[(f * hw + s.iv[b]) * c->kp + k];
        /* finite samples near FLT_MAX overflow the float correlations
           (found by fuzz/ mp): refuse rather than return Inf atoms */
        if (!avloc__finite_f32(at.ca) || !avloc__finite_f32(at.cv)) {
            r = AVLOC_ERR_NUMERIC;
            break;
        }
        atoms[i] = at;
        *n_atoms = i + 1;
        if (i + 1 == max_atoms) break;
        if (cfg->low_memory) {
            /* the kernel pairs on the work sets (X = s.X, as corr_sets reads) */
            if ((r = avloc__mp_xcorr_rows(c, c->dict_audio, c->dict_video, k, s.xa, s.xv, s.X, s.Y, &s.ws[0], &s)) !=
                AVLOC_OK)
                break;
            xa = s.xa;
            xv = s.xv;
        } else {
            xa = c->xc_audio + k * c->kp * c->lag_a;
            xv = c->xc_video + k * c->kp * c->lag_v;
        }
        avloc__mp_update(c, &at, xa, xv, &s);
    }
    avloc__mp_residuals(c, atoms, *n_atoms, res_audio, res_video);
    return r;
}

/* ----------------------------------------------------------- learning */

AVLOC_API avloc_mp_learn_config avloc_mp_learn_config_default(void)
{
    avloc_mp_learn_config l;
    memset(&l, 0, sizeof l);
    l.atoms = 20;
    l.iters = 50;
    l.eta = 1.0;
    l.eta_halflife = 20.0;
    l.tol = 0.01;
    l.seed = 1;
    l.init_from_data = 2;
    l.init_power = 100.0;
    l.coupled = 1;
    l.product_score = 0;
    return l;
}

typedef struct avloc__mp_lscr {
    avloc_mp_atom *atoms;
    float *ra, *rv;         /* residuals */
    float *old_a, *old_v;   /* dictionary before the step */
    double *ssa, *ssv;      /* per kernel sum of c^2 */
    double *cum;            /* initialisation: cumulative sampling weights */
    double *ea;             /* synchronous init: audio energy per frame [frames] */
    float *ev;              /* synchronous init: window video energy [frames][Hv][Wv] */
    double *box;            /* synchronous init: row sums of one frame [height][Wv] */
    void *code;             /* coding scratch */
} avloc__mp_lscr;

static size_t avloc__mp_max3(size_t a, size_t b, size_t c)
{
    size_t m = a > b ? a : b;
    return m > c ? m : c;
}

static avloc_result avloc__mp_learn_layout(avloc_arena *a, const avloc_mp_coder *c, size_t natoms,
                                           avloc__mp_lscr *s)
{
    const avloc_mp_config *cfg = &c->cfg;
    s->atoms = AVLOC_PUSH(a, avloc_mp_atom, natoms);
    s->ra = AVLOC_PUSH(a, float, cfg->audio_samples);
    s->rv = AVLOC_PUSH(a, float, avloc__mp_nv(cfg));
    s->old_a = AVLOC_PUSH(a, float, cfg->kernels * cfg->audio_len);
    s->old_v = AVLOC_PUSH(a, float, cfg->kernels * avloc__mp_kv(cfg));
    s->ssa = AVLOC_PUSH(a, double, cfg->kernels);
    s->ssv = AVLOC_PUSH(a, double, cfg->kernels);
    s->cum = AVLOC_PUSH(a, double, avloc__mp_max3(c->n_off, c->hv * c->wv, c->n_fr * c->hv * c->wv));
    s->ea = AVLOC_PUSH(a, double, cfg->frames);
    s->ev = AVLOC_PUSH(a, float, cfg->frames * c->hv * c->wv);
    s->box = AVLOC_PUSH(a, double, cfg->height * c->wv);
    s->code = avloc_arena_push(a, c->scratch_bytes, 1, AVLOC_ALIGN);
    return avloc_arena_status(a);
}

AVLOC_API avloc_result avloc_mp_learn_query(const avloc_mp_coder *c, const avloc_mp_learn_config *lc,
                                            size_t *scratch_bytes)
{
    avloc_arena a;
    avloc__mp_lscr s;
    avloc_result r;
    if (!c || !lc || !scratch_bytes) return AVLOC_ERR_NULL;
    if (c->magic != AVLOC__MP_MAGIC) return AVLOC_ERR_STATE;
    if (!lc->atoms || lc->atoms > AVLOC_MAX_DIM) return AVLOC_ERR_SIZE;
    avloc_arena_init(&a, NULL, 0);
    if ((r = avloc__mp_learn_layout(&a, c, lc->atoms, &s)) != AVLOC_OK) return r;
    *scratch_bytes = avloc_arena_needed(&a);
    return AVLOC_OK;
}

static uint64_t avloc__mp_rand(uint64_t *st) /* splitmix64 */
{
    uint64_t z = (*st += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static float avloc__mp_randn(uint64_t *st) /* sum of 4 uniforms: roughly normal, deterministic */
{
    double s = 0;
    int i;
    for (i = 0; i < 4; i++) s += (double)(avloc__mp_rand(st) >> 11) / 9007199254740992.0;
    return (float)((s - 2.0) * 1.7320508);
}

/* Copy the signal patch under atom position `at` into the kernel k (times w),
   or add it when add != 0. */
static void avloc__mp_patch(const avloc_mp_config *cfg, const float *a, const float *v, const avloc_mp_atom *at,
                            float wa, float wv, float *ka, float *kv, int add)
{
    size_t i, t, y, x;
    for (i = 0; i < cfg->audio_len; i++) ka[i] = (add ? ka[i] : 0.0f) + wa * a[at->offset + i];
    for (t = 0; t < cfg->kernel_t; t++)
        for (y = 0; y < cfg->kernel_h; y++) {
            const float *src = v + ((at->frame + t) * cfg->height + at->row + y) * cfg->width + at->col;
            float *dst = kv + (t * cfg->kernel_h + y) * cfg->kernel_w;
            for (x = 0; x < cfg->kernel_w; x++) dst[x] = (add ? dst[x] : 0.0f) + wv * src[x];
        }
}

/* Index drawn with probability proportional to w (cum: n cumulative sums). */
static size_t avloc__mp_draw(const double *cum, size_t n, uint64_t *st)
{
    double u = (double)(avloc__mp_rand(st) >> 11) / 9007199254740992.0 * cum[n - 1];
    size_t lo = 0, hi = n - 1;
    if (!(cum[n - 1] > 0)) return (size_t)(avloc__mp_rand(st) % n);
    while (lo < hi) { /* first index with cum > u */
        size_t mid = lo + (hi - lo) / 2;
        if (cum[mid] > u) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

/* Energy of the video frames f .. f+T-1. */
static double avloc__mp_frames_energy(const avloc_mp_config *cfg, const float *v, size_t f)
{
    size_t hw = cfg->height * cfg->width;
    return avloc__mp_norm(v + f * hw, cfg->kernel_t * hw);
}

/* cum[n]: cumulative sum over audio offsets of (audio energy under the
   kernel) x (video energy of its frames). */
static void avloc__mp_offset_weights(const avloc_mp_coder *c, const float *audio, const float *video, double *cum)
{
    const avloc_mp_config *cfg = &c->cfg;
    size_t i, n, f, last_f = (size_t)-1, La = cfg->audio_len;
    double ea = 0, ev = 0;
    for (i = 0; i < La; i++) ea += (double)audio[i] * audio[i];
    for (n = 0; n < c->n_off; n++) {
        f = avloc_mp_frame_of(cfg, n);
        if (f != last_f) { ev = avloc__mp_frames_energy(cfg, video, f); last_f = f; }
        if (n) ea += (double)audio[n + La - 1] * audio[n + La - 1] - (double)audio[n - 1] * audio[n - 1];
        cum[n] = (n ? cum[n - 1] : 0.0) + (ea > 0 ? ea : 0.0) * ev;
    }
}

/* cum[p*Wv+q]: cumulative video patch energy at frame offset f. */
static void avloc__mp_patch_weights(const avloc_mp_coder *c, const float *video, size_t f, double *cum)
{
    const avloc_mp_config *cfg = &c->cfg;
    size_t p, q, t, y;
    for (p = 0; p < c->hv; p++)
        for (q = 0; q < c->wv; q++) {
            double e = 0;
            for (t = 0; t < cfg->kernel_t; t++)
                for (y = 0; y < cfg->kernel_h; y++) {
                    double r = avloc__mp_norm(video + ((f + t) * cfg->height + p + y) * cfg->width + q, cfg->kernel_w);
                    e += r * r;
                }
            cum[p * c->wv + q] = (p || q ? cum[p * c->wv + q - 1] : 0.0) + e;
        }
}

/* Video energy of every kernel-sized window of every frame:
   ev[f][p][q] = sum of v^2 over rows p..p+H-1, columns q..q+W-1 of frame f
   (running sums along rows, then along columns). */
static void avloc__mp_window_energy(const avloc_mp_coder *c, const float *v, float *ev, double *box)
{
    const avloc_mp_config *cfg = &c->cfg;
    size_t f, y, x, p, q, H = cfg->height, W = cfg->width;
    for (f = 0; f < cfg->frames; f++) {
        const float *fr = v + f * H * W;
        float *e = ev + f * c->hv * c->wv;
        for (y = 0; y < H; y++) {
            double run = 0;
            for (x = 0; x < W; x++) {
                run += (double)fr[y * W + x] * fr[y * W + x];
                if (x >= cfg->kernel_w) run -= (double)fr[y * W + x - cfg->kernel_w] * fr[y * W + x - cfg->kernel_w];
                if (x + 1 >= cfg->kernel_w) box[y * c->wv + x + 1 - cfg->kernel_w] = run;
            }
        }
        for (q = 0; q < c->wv; q++) {
            double run = 0;
            for (y = 0; y < H; y++) {
                run += box[y * c->wv + q];
                if (y >= cfg->kernel_h) run -= box[(y - cfg->kernel_h) * c->wv + q];
                if (y + 1 >= cfg->kernel_h) {
                    p = y + 1 - cfg->kernel_h;
                    e[p * c->wv + q] = (float)(run > 0 ? run : 0.0);
                }
            }
        }
    }
}

/* cum over (frame offset f, p, q): cumulative sum of S(f, p, q)^power with
   the synchronous bimodal energy S = sum over the kernel's frames t of
   Ea[f+t] * Ev[f+t](p, q), Ea[g] the audio energy of the samples that fall in
   frame g. S is large only where sound and visual change occupy the SAME
   frames; an audio-only pulse next to an unrelated moving shape overlaps it
   in few frames and scores low. Returns the largest S. */
static double avloc__mp_sync_weights(const avloc_mp_coder *c, const float *a, const float *v, const avloc__mp_lscr *s,
                                     double power)
{
    const avloc_mp_config *cfg = &c->cfg;
    size_t n, f, t, i, nsp = c->hv * c->wv;
    double total = 0, best = 0;
    for (f = 0; f < cfg->frames; f++) s->ea[f] = 0;
    for (n = 0; n < cfg->audio_samples; n++) {
        f = avloc_mp_frame_of(cfg, n);
        if (f < cfg->frames) s->ea[f] += (double)a[n] * a[n];
    }
    avloc__mp_window_energy(c, v, s->ev, s->box);
    for (f = 0; f < c->n_fr; f++)
        for (i = 0; i < nsp; i++) {
            double sc = 0;
            for (t = 0; t < cfg->kernel_t; t++) sc += s->ea[f + t] * s->ev[(f + t) * nsp + i];
            if (sc > best) best = sc;
            s->cum[f * nsp + i] = sc;
        }
    for (i = 0; i < c->n_fr * nsp && best > 0; i++) { /* S / max: no underflow for large powers */
        total += pow(s->cum[i] / best, power);
        s->cum[i] = total;
    }
    return best;
}

/* The audio offset mapped to frame f whose window holds the most audio energy. */
static size_t avloc__mp_best_offset(const avloc_mp_coder *c, const float *a, size_t f)
{
    const avloc_mp_config *cfg = &c->cfg;
    size_t n = 0, best = (size_t)-1, La = cfg->audio_len, i;
    double e = 0, be = -1;
    while (n < c->n_off && avloc_mp_frame_of(cfg, n) < f) n++;
    for (i = 0; i < La; i++) e += (double)a[n + i] * a[n + i];
    for (; n < c->n_off && avloc_mp_frame_of(cfg, n) == f; n++) {
        if (best != (size_t)-1) e += (double)a[n + La - 1] * a[n + La - 1] - (double)a[n - 1] * a[n - 1];
        if (e > be) { be = e; best = n; }
    }
    return best == (size_t)-1 ? 0 : best;
}

/* Zero the signal under atom position `at` (both modalities). */
static void avloc__mp_clear(const avloc_mp_config *cfg, float *a, float *v, const avloc_mp_atom *at)
{
    size_t t, y;
    memset(a + at->offset, 0, cfg->audio_len * sizeof *a);
    for (t = 0; t < cfg->kernel_t; t++)
        for (y = 0; y < cfg->kernel_h; y++)
            memset(v + ((at->frame + t) * cfg->height + at->row + y) * cfg->width + at->col, 0,
                   cfg->kernel_w * sizeof *v);
}

/* Synchronous initialisation: kernel by kernel, a position drawn with
   probability proportional to S^power (S: avloc__mp_sync_weights on what the
   earlier kernels left), the signal patch there becomes the kernel and is
   cleared from the working copy, so later kernels start on other events.
   wa, wv: working copies of the signal (overwritten). */
static void avloc__mp_sync_pick(const avloc_mp_coder *c, float *wa, float *wv, const avloc__mp_lscr *s,
                                double power, uint64_t *st, avloc_mp_atom *at)
{
    size_t nsp = c->hv * c->wv, i;
    avloc__mp_sync_weights(c, wa, wv, s, power);
    i = avloc__mp_draw(s->cum, c->n_fr * nsp, st);
    at->frame = i / nsp;
    at->row = (i % nsp) / c->wv;
    at->col = i % c->wv;
    at->offset = avloc__mp_best_offset(c, wa, at->frame);
    at->frame = avloc_mp_frame_of(&c->cfg, at->offset);
}

/* Initial kernels: a signal patch plus 1 % noise (equal patches differ,
   silent ones still normalise), or pure noise (init_from_data = 0).
   init_from_data = 1: position drawn by (audio energy under the kernel) x
   (video energy of its frames), spatial offset by the patch energy there.
   init_from_data = 2 (default): avloc__mp_sync_pick. */
static void avloc__mp_learn_init(const avloc_mp_coder *c, avloc_mp_dict *d, const float *audio,
                                 const float *video, const avloc_mp_learn_config *lc, const avloc__mp_lscr *s)
{
    const avloc_mp_config *cfg = &c->cfg;
    size_t k, i, kv = avloc__mp_kv(cfg);
    uint64_t st = lc->seed;
    if (lc->init_from_data == 2) {
        memcpy(s->ra, audio, cfg->audio_samples * sizeof *audio);
        memcpy(s->rv, video, avloc__mp_nv(cfg) * sizeof *video);
    }
    for (k = 0; k < cfg->kernels; k++) {
        float *ka = d->audio + k * cfg->audio_len, *kvid = d->video + k * kv;
        double na, nv;
        avloc_mp_atom at;
        if (lc->init_from_data == 2) {
            avloc__mp_sync_pick(c, s->ra, s->rv, s, lc->init_power, &st, &at);
            avloc__mp_patch(cfg, s->ra, s->rv, &at, 1.0f, 1.0f, ka, kvid, 0);
            avloc__mp_clear(cfg, s->ra, s->rv, &at);
        } else if (lc->init_from_data) {
            avloc__mp_offset_weights(c, audio, video, s->cum); /* cum is reused below: recompute */
            at.offset = avloc__mp_draw(s->cum, c->n_off, &st);
            at.frame = avloc_mp_frame_of(cfg, at.offset);
            avloc__mp_patch_weights(c, video, at.frame, s->cum);
            i = avloc__mp_draw(s->cum, c->hv * c->wv, &st);
            at.row = i / c->wv;
            at.col = i % c->wv;
            avloc__mp_patch(cfg, audio, video, &at, 1.0f, 1.0f, ka, kvid, 0);
        } else {
            memset(ka, 0, cfg->audio_len * sizeof *ka);
            memset(kvid, 0, kv * sizeof *kvid);
        }
        na = avloc__mp_norm(ka, cfg->audio_len);
        nv = avloc__mp_norm(kvid, kv);
        na = na > 0 ? 0.01 * na / sqrt((double)cfg->audio_len) : 1.0;
        nv = nv > 0 ? 0.01 * nv / sqrt((double)kv) : 1.0;
        for (i = 0; i < cfg->audio_len; i++) ka[i] += (float)na * avloc__mp_randn(&st);
        for (i = 0; i < kv; i++) kvid[i] += (float)nv * avloc__mp_randn(&st);
        avloc__mp_unit(ka, cfg->audio_len);
        avloc__mp_unit(kvid, kv);
    }
}

/* One Hebbian step from the atoms and the final residual; returns the
   relative change of the dictionary. */
static double avloc__mp_learn_step(const avloc_mp_config *cfg, avloc_mp_dict *d, const avloc__mp_lscr *s,
                                   size_t n, double eta, int coupled)
{
    size_t K = cfg->kernels, La = cfg->audio_len, kv = avloc__mp_kv(cfg), i, k;
    double num = 0, den = 0;
    memcpy(s->old_a, d->audio, K * La * sizeof(float));
    memcpy(s->old_v, d->video, K * kv * sizeof(float));
    for (k = 0; k < K; k++) s->ssa[k] = s->ssv[k] = 0;
    for (i = 0; i < n; i++) {
        const avloc_mp_atom *at = &s->atoms[i];
        double ga = coupled ? fabs((double)at->cv) : 1.0, gv = coupled ? fabs((double)at->ca) : 1.0;
        s->ssa[at->k] += ga * at->ca * at->ca;
        s->ssv[at->k] += gv * at->cv * at->cv;
    }
    for (i = 0; i < n; i++) {
        const avloc_mp_atom *at = &s->atoms[i];
        size_t j = at->k;
        double ga = coupled ? fabs((double)at->cv) : 1.0, gv = coupled ? fabs((double)at->ca) : 1.0;
        float wa = s->ssa[j] > 0 ? (float)(eta * ga * at->ca / s->ssa[j]) : 0.0f;
        float wv = s->ssv[j] > 0 ? (float)(eta * gv * at->cv / s->ssv[j]) : 0.0f;
        avloc__mp_patch(cfg, s->ra, s->rv, at, wa, wv, d->audio + j * La, d->video + j * kv, 1);
    }
    for (k = 0; k < K; k++) {
        if (!avloc__mp_unit(d->audio + k * La, La)) memcpy(d->audio + k * La, s->old_a + k * La, La * sizeof(float));
        if (!avloc__mp_unit(d->video + k * kv, kv)) memcpy(d->video + k * kv, s->old_v + k * kv, kv * sizeof(float));
    }
    for (i = 0; i < K * La; i++) {
        double e = (double)d->audio[i] - s->old_a[i];
        num += e * e;
        den += (double)s->old_a[i] * s->old_a[i];
    }
    for (i = 0; i < K * kv; i++) {
        double e = (double)d->video[i] - s->old_v[i];
        num += e * e;
        den += (double)s->old_v[i] * s->old_v[i];
    }
    return den > 0 ? sqrt(num / den) : 0.0;
}

AVLOC_API avloc_result avloc_mp_learn_f32(avloc_mp_coder *c, avloc_mp_dict *dict, const float *audio,
                                          const float *video, const avloc_mp_learn_config *lc,
                                          void *scratch, size_t scratch_bytes, size_t *iters_done)
{
    avloc__mp_lscr s;
    avloc_arena a;
    avloc_result r;
    size_t need, it, n = 0;
    int keep_score;
    if (!c || !dict || !dict->audio || !dict->video || !audio || !video || !lc || !scratch) return AVLOC_ERR_NULL;
    if ((r = avloc_mp_learn_query(c, lc, &need)) != AVLOC_OK) return r;
    if (!avloc__finite_f64(lc->eta) || !avloc__finite_f64(lc->tol) || !avloc__finite_f64(lc->eta_halflife) ||
        !avloc__finite_f64(lc->init_power) ||
        !(lc->eta > 0) || lc->eta > 1e6 || !(lc->tol >= 0) || !(lc->eta_halflife >= 0) ||
        lc->init_from_data < 0 || lc->init_from_data > 2 || !(lc->init_power >= 0 && lc->init_power <= 100))
        return AVLOC_ERR_PARAM;
    if (scratch_bytes < need) return AVLOC_ERR_WORKSPACE;
    {   /* the kernels are written from the signals and read back while
           scratch is; the coder's tables are rebuilt from them */
        const size_t K = c->cfg.kernels, la = c->cfg.audio_len, kv = avloc__mp_kv(&c->cfg);
        const avloc__span b[] = {avloc__rd_f32(audio, c->cfg.audio_samples), avloc__rd_f32(video, avloc__mp_nv(&c->cfg)),
                                 avloc__span_of(dict->audio, avloc__span_bytes(K, la, la, sizeof(float)), 1),
                                 avloc__span_of(dict->video, avloc__span_bytes(K, kv, kv, sizeof(float)), 1),
                                 avloc__span_of(iters_done, sizeof *iters_done, 1), avloc__object_span(c->mem, 1)};
        if (avloc__clash_scratch(b, sizeof b / sizeof *b, scratch, need)) return AVLOC_ERR_PARAM;
    }
    if (!avloc_all_finite_f32(audio, c->cfg.audio_samples) || !avloc_all_finite_f32(video, avloc__mp_nv(&c->cfg)))
        return AVLOC_ERR_NONFINITE;
    avloc_arena_init(&a, scratch, scratch_bytes);
    if ((r = avloc__mp_learn_layout(&a, c, lc->atoms, &s)) != AVLOC_OK) return r;
    if (iters_done) *iters_done = 0;
    avloc__mp_learn_init(c, dict, audio, video, lc, &s);
    keep_score = c->cfg.product_score;
    c->cfg.product_score = lc->product_score;
    r = AVLOC_OK;
    for (it = 0; it < lc->iters; it++) {
        double eta = lc->eta_halflife > 0 ? lc->eta / (1.0 + (double)it / lc->eta_halflife) : lc->eta, change;
        if ((r = avloc_mp_coder_set_dict(c, dict, s.code, c->scratch_bytes)) != AVLOC_OK ||
            (r = avloc_mp_code_f32(c, audio, video, lc->atoms, 0.0f, s.atoms, &n, s.ra, s.rv, s.code,
                                   c->scratch_bytes)) != AVLOC_OK)
            break;
        change = avloc__mp_learn_step(&c->cfg, dict, &s, n, eta, lc->coupled);
        if (iters_done) *iters_done = it + 1;
        if (lc->progress && lc->progress(lc->user, it + 1, lc->iters, change, n)) break;
        if (change < lc->tol) break;
    }
    c->cfg.product_score = keep_score;
    return r != AVLOC_OK ? r : avloc_mp_coder_set_dict(c, dict, s.code, c->scratch_bytes);
}

/* ------------------------------------------------------- localisation */

/* An atom's video support lies inside the signal. */
static int avloc__mp_atom_inside(const avloc_mp_config *cfg, const avloc_mp_atom *at)
{
    return at->k < cfg->kernels && at->frame + cfg->kernel_t <= cfg->frames &&
           at->row + cfg->kernel_h <= cfg->height && at->col + cfg->kernel_w <= cfg->width;
}

/* The checks both localisation maps share, before anything is written:
   every atom inside the signal (AVLOC_ERR_PARAM), its coefficients and the
   video kernels finite (AVLOC_ERR_NONFINITE). */
static avloc_result avloc__mp_check_atoms(const avloc_mp_config *cfg, const float *kernels_video,
                                          const avloc_mp_atom *atoms, size_t n_atoms)
{
    size_t i;
    for (i = 0; i < n_atoms; i++)
        if (!avloc__mp_atom_inside(cfg, &atoms[i])) return AVLOC_ERR_PARAM;
    for (i = 0; i < n_atoms; i++)
        if (!avloc__finite_f32(atoms[i].ca) || !avloc__finite_f32(atoms[i].cv)) return AVLOC_ERR_NONFINITE;
    if (!avloc_all_finite_f32(kernels_video, cfg->kernels * avloc__mp_kv(cfg))) return AVLOC_ERR_NONFINITE;
    return AVLOC_OK;
}

AVLOC_API size_t avloc_mp_votes_shift(const avloc_mp_config *cfg)
{
    return cfg && cfg->kernel_t >= 3 ? cfg->kernel_t / 3 : 1;
}

/* Positions per run of the votes' correlations: their three rows of sums
   live on the stack (3 x 64 doubles, 1.5 KB), so the votes need no
   scratch; 64 holds a row of the speech clips' 44 positions in one run. */
#define AVLOC__MP_VOTE_RUN 64

/* out[j] = <video, T_{f, p, q + j} phi> for j < n (n <= AVLOC__MP_VOTE_RUN,
   every position valid): the SIMD layer's copy (runs of at least one
   vector of positions), else avloc__mp_dot_video, the same bits. */
static void avloc__mp_dot_row(const avloc_mp_config *cfg, const float *video, const float *k, size_t f, size_t p,
                              size_t q, size_t n, double *out)
{
    size_t j = AVLOC__VCALL_D(avloc__mp_vk_dot_row, (cfg, video, k, f, p, q, n, out), 0);
    for (; j < n; j++) out[j] = avloc__mp_dot_video(cfg, video, k, f, p, q + j);
}

/* One atom's votes on the positions (row p, columns q .. q + n - 1): weight
   w times |C(f)| less the mean |C| at f - s and f + s where these hold the
   kernel (s = 0, or neither: no contrast), added over the kernel's frames
   at the window's centre pixel. */
static void avloc__mp_vote_run(const avloc_mp_config *cfg, const float *video, const float *k, size_t f, size_t s,
                               double w, size_t p, size_t q, size_t n, float *votes)
{
    double on[AVLOC__MP_VOTE_RUN], before[AVLOC__MP_VOTE_RUN], after[AVLOC__MP_VOTE_RUN];
    const int has_before = s > 0 && f >= s, has_after = s > 0 && s <= cfg->frames - cfg->kernel_t - f;
    const size_t hw = cfg->height * cfg->width;
    size_t j, t;
    avloc__mp_dot_row(cfg, video, k, f, p, q, n, on);
    if (has_before) avloc__mp_dot_row(cfg, video, k, f - s, p, q, n, before);
    if (has_after) avloc__mp_dot_row(cfg, video, k, f + s, p, q, n, after);
    for (j = 0; j < n; j++) {
        double off = 0;
        float c;
        size_t px = (p + (cfg->kernel_h - 1) / 2) * cfg->width + q + j + (cfg->kernel_w - 1) / 2;
        if (has_before) off += fabs(before[j]);
        if (has_after) off += fabs(after[j]);
        if (has_before || has_after) off /= has_before + has_after;
        c = (float)(w * (fabs(on[j]) - off));
        for (t = 0; t < cfg->kernel_t; t++) votes[(f + t) * hw + px] += c;
    }
}

/* 1 if a map of n floats shares memory with the atoms it is drawn from
   (cleared first, it would turn them into kernel 0 at the origin). */
static int avloc__mp_over_atoms(const float *map, size_t n, const avloc_mp_atom *atoms, size_t n_atoms)
{
    return avloc__overlaps(map, avloc__span_bytes(1, n, n, sizeof *map), atoms,
                           avloc__span_bytes(1, n_atoms, n_atoms, sizeof *atoms));
}

AVLOC_API avloc_result avloc_mp_votes_f32(const avloc_mp_config *cfg, const float *kernels_video, const float *video,
                                          const avloc_mp_atom *atoms, size_t n_atoms, size_t sync_shift, float *votes)
{
    size_t i, p, q, hv, wv, kv;
    avloc_result r;
    if (!cfg || !kernels_video || !video || !votes || (n_atoms && !atoms)) return AVLOC_ERR_NULL;
    if ((r = avloc_mp_positions(cfg, NULL, NULL)) != AVLOC_OK) return r;
    if ((r = avloc__mp_check_atoms(cfg, kernels_video, atoms, n_atoms)) != AVLOC_OK) return r;
    if (avloc__overlaps_f32(votes, avloc__mp_nv(cfg), video, avloc__mp_nv(cfg)) ||
        avloc__overlaps_f32(votes, avloc__mp_nv(cfg), kernels_video, cfg->kernels * avloc__mp_kv(cfg)) ||
        avloc__mp_over_atoms(votes, avloc__mp_nv(cfg), atoms, n_atoms))
        return AVLOC_ERR_PARAM; /* all are read while votes are written */
    if (!avloc_all_finite_f32(video, avloc__mp_nv(cfg))) return AVLOC_ERR_NONFINITE;
    kv = avloc__mp_kv(cfg);
    hv = cfg->height - cfg->kernel_h + 1;
    wv = cfg->width - cfg->kernel_w + 1;
    memset(votes, 0, avloc__mp_nv(cfg) * sizeof *votes);
    for (i = 0; i < n_atoms; i++) {
        const avloc_mp_atom *at = &atoms[i];
        double w = fabs((double)at->ca);
        const float *k = kernels_video + at->k * kv;
        if (!(w > 0)) continue;
        for (p = 0; p < hv; p++)
            for (q = 0; q < wv; q += AVLOC__MP_VOTE_RUN)
                avloc__mp_vote_run(cfg, video, k, at->frame, sync_shift, w, p, q,
                                   wv - q < AVLOC__MP_VOTE_RUN ? wv - q : AVLOC__MP_VOTE_RUN, votes);
    }
    for (i = 0; i < avloc__mp_nv(cfg); i++) /* the contrast's net negative evidence: no vote */
        if (votes[i] < 0) votes[i] = 0;
    return avloc__finite_or_zero_f32(votes, avloc__mp_nv(cfg)); /* +Inf, or NaN where a contrast met -Inf */
}

AVLOC_API avloc_result avloc_mp_heatmap_f32(const avloc_mp_config *cfg, const float *kernels_video,
                                            const avloc_mp_atom *atoms, size_t n_atoms, float *heat)
{
    size_t i, t, y, x, kv;
    avloc_result r;
    if (!cfg || !kernels_video || !heat || (n_atoms && !atoms)) return AVLOC_ERR_NULL;
    if ((r = avloc_mp_positions(cfg, NULL, NULL)) != AVLOC_OK) return r;
    if ((r = avloc__mp_check_atoms(cfg, kernels_video, atoms, n_atoms)) != AVLOC_OK) return r;
    kv = avloc__mp_kv(cfg);
    if (avloc__overlaps_f32(heat, avloc__mp_nv(cfg), kernels_video, cfg->kernels * kv) ||
        avloc__mp_over_atoms(heat, avloc__mp_nv(cfg), atoms, n_atoms))
        return AVLOC_ERR_PARAM;
    memset(heat, 0, avloc__mp_nv(cfg) * sizeof *heat);
    for (i = 0; i < n_atoms; i++) {
        const avloc_mp_atom *at = &atoms[i];
        float w = fabsf(at->ca * at->cv);
        for (t = 0; t < cfg->kernel_t; t++)
            for (y = 0; y < cfg->kernel_h; y++) {
                const float *src = kernels_video + at->k * kv + (t * cfg->kernel_h + y) * cfg->kernel_w;
                float *dst = heat + ((at->frame + t) * cfg->height + at->row + y) * cfg->width + at->col;
                for (x = 0; x < cfg->kernel_w; x++) dst[x] += w * fabsf(src[x]);
            }
    }
    return avloc__finite_or_zero_f32(heat, avloc__mp_nv(cfg));
}

AVLOC_API int avloc_mp_locate_frame_f32(const float *heat, size_t height, size_t width, size_t win_w,
                                        size_t win_h, double *u, double *v)
{
    size_t i, n = height * width, at = 0, y, x, y0, y1, x0, x1;
    float mx = 0;
    double sw = 0, su = 0, sv = 0;
    if (!heat || !u || !v || !avloc_size_mul(height, width, &n)) return 0;
    for (i = 0; i < n; i++)
        if (heat[i] > mx) { mx = heat[i]; at = i; }
    if (!(mx > 0) || !avloc__finite_f32(mx)) return 0; /* an infinite peak has no centre */
    y = at / width; x = at % width;
    y0 = y > win_h / 2 ? y - win_h / 2 : 0; y1 = y + win_h / 2 + 1 < height ? y + win_h / 2 + 1 : height;
    x0 = x > win_w / 2 ? x - win_w / 2 : 0; x1 = x + win_w / 2 + 1 < width ? x + win_w / 2 + 1 : width;
    for (y = y0; y < y1; y++)
        for (x = x0; x < x1; x++) {
            float h = heat[y * width + x];
            if (h >= 0.5f * mx) { sw += h; su += h * (double)x; sv += h * (double)y; }
        }
    *u = su / sw;
    *v = sv / sw;
    return 1;
}

/* ---------------------------------------------------------- whitening */

typedef struct avloc__mp_wscr {
    avloc_fft_f32 plan[3]; /* axis 0 unused (one frame at a time) */
    size_t n[3];
    avloc_complex_f32 *grid;
    float *gain; /* R at each bin, computed once per call (an exp per bin per frame was ~1/4 of the time) */
    avloc__mp_work w;
} avloc__mp_wscr;

static avloc_result avloc__mp_whiten_layout(avloc_arena *a, size_t H, size_t W, avloc__mp_wscr *s, int init)
{
    size_t pb[2], sb[2], i;
    void *mem[2];
    avloc_fft_config fc[2];
    avloc_result r;
    s->n[0] = 1; s->n[1] = H; s->n[2] = W;
    for (i = 0; i < 2; i++) {
        fc[i].n = s->n[i + 1];
        fc[i].kind = AVLOC_FFT_COMPLEX;
        if ((r = avloc_fft_query_f32(&fc[i], &pb[i], &sb[i])) != AVLOC_OK) return r;
        mem[i] = avloc_arena_push(a, pb[i], 1, AVLOC_ALIGN);
    }
    s->grid = AVLOC_PUSH(a, avloc_complex_f32, H * W);
    s->gain = AVLOC_PUSH(a, float, H * W);
    s->w.line = AVLOC_PUSH(a, avloc_complex_f32, H); /* axis 1's lines (rows go in place) */
    s->w.fsb = sb[0] > sb[1] ? sb[0] : sb[1];
    s->w.fs = s->w.fsb ? avloc_arena_push(a, s->w.fsb, 1, AVLOC_ALIGN) : NULL;
    if ((r = avloc_arena_status(a)) != AVLOC_OK || !init) return r;
    for (i = 0; i < 2; i++)
        if ((r = avloc_fft_init_f32(&s->plan[i + 1], &fc[i], mem[i], pb[i])) != AVLOC_OK)
            return r;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_mp_whiten_query(size_t height, size_t width, size_t *scratch_bytes)
{
    avloc_arena a;
    avloc__mp_wscr s;
    avloc_result r;
    if (!scratch_bytes) return AVLOC_ERR_NULL;
    if (!height || !width || height > 65536 || width > 65536) return AVLOC_ERR_SIZE;
    avloc_arena_init(&a, NULL, 0);
    if ((r = avloc__mp_whiten_layout(&a, height, width, &s, 0)) != AVLOC_OK) return r;
    *scratch_bytes = avloc_arena_needed(&a);
    return AVLOC_OK;
}

/* Signed DFT frequency of bin i of n, in cycles per sample (numpy fftfreq). */
static double avloc__mp_freq(size_t i, size_t n)
{
    return (i <= (n - 1) / 2 ? (double)i : (double)i - (double)n) / (double)n;
}

/* R(f) = f exp(-(f / f0)^4) at every bin of an H x W frame. */
static void avloc__mp_whiten_gain(float *g, size_t height, size_t width, double f0)
{
    size_t y, x;
    for (y = 0; y < height; y++) {
        double fy = avloc__mp_freq(y, height);
        for (x = 0; x < width; x++) {
            double fx = avloc__mp_freq(x, width), rho = sqrt(fx * fx + fy * fy), q = rho / f0;
            g[y * width + x] = (float)(rho * exp(-q * q * q * q));
        }
    }
}

/* Overflow. Whitening is linear and its gain R is at most sqrt(1/2) (at
   the Nyquist corner), so a whitened value is at most 0.71 times the
   frame's l1 norm: a frame whose l1 norm reaches AVLOC__MP_WHITEN_MAX_L1
   could pass FLT_MAX, and gives AVLOC_ERR_NUMERIC before any frame is
   written. Below it, the result fits, but the FFT's partial sums on the
   way (up to ~n^3 times the largest value for Rader's and Bluestein's
   plans) could overflow for finite values far beyond pixel values: a
   frame whose largest |value| passes AVLOC__MP_WHITEN_BIG is transformed
   scaled by a power of two (2^-e, its largest value in [0.5, 1)) and
   scaled back, which is exact while no value falls below float's normal
   range. Frames of ordinary values are not scaled: the same bits. */
#define AVLOC__MP_WHITEN_BIG 1099511627776.0f /* 2^40 */
#define AVLOC__MP_WHITEN_MAX_L1 (0.5 * FLT_MAX / 0.75)

/* sum |x[i]| in double; *mx (optional) receives max |x[i]|. */
static double avloc__mp_abs_sum(const float *x, size_t n, float *mx)
{
    double sum = 0;
    float m = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        float a = fabsf(x[i]);
        sum += a;
        if (a > m) m = a;
    }
    if (mx) *mx = m;
    return sum;
}

AVLOC_API avloc_result avloc_mp_whiten_f32(float *video, size_t frames, size_t height, size_t width,
                                           double f0, void *scratch, size_t scratch_bytes)
{
    avloc_arena a;
    avloc__mp_wscr s;
    avloc_result r;
    size_t need, f, y, hw;
    if (!video || !scratch) return AVLOC_ERR_NULL;
    if ((r = avloc_mp_whiten_query(height, width, &need)) != AVLOC_OK) return r;
    if (!frames || frames > AVLOC_MAX_DIM) return AVLOC_ERR_SIZE;
    if (!avloc__finite_f64(f0) || !(f0 > 0) || f0 > 1e6) return AVLOC_ERR_PARAM;
    if (scratch_bytes < need) return AVLOC_ERR_WORKSPACE;
    hw = height * width;
    if (avloc__overlaps(video, avloc__span_bytes(frames, hw, hw, sizeof *video), scratch, need)) return AVLOC_ERR_PARAM;
    if (!avloc_all_finite_f32(video, frames * hw)) return AVLOC_ERR_NONFINITE;
    for (f = 0; f < frames; f++)
        if (avloc__mp_abs_sum(video + f * hw, hw, NULL) >= AVLOC__MP_WHITEN_MAX_L1) return AVLOC_ERR_NUMERIC;
    memset(&s, 0, sizeof s);
    avloc_arena_init(&a, scratch, scratch_bytes);
    r = avloc__mp_whiten_layout(&a, height, width, &s, 1);
    if (r == AVLOC_OK) avloc__mp_whiten_gain(s.gain, height, width, f0);
    for (f = 0; r == AVLOC_OK && f < frames; f++) {
        float *fr = video + f * hw, mx;
        size_t nb[3], zero[3] = {0, 0, 0};
        int e = 0;
        nb[0] = 1; nb[1] = height; nb[2] = width;
        avloc__mp_load(s.grid, s.n, fr, NULL, 0.0f, nb, zero, 1);
        (void)avloc__mp_abs_sum(fr, hw, &mx);
        if (mx > AVLOC__MP_WHITEN_BIG) { /* see AVLOC__MP_WHITEN_BIG */
            (void)frexpf(mx, &e);
            for (y = 0; y < hw; y++) s.grid[y].re = ldexpf(s.grid[y].re, -e);
        }
        if ((r = avloc__mp_fft3(s.plan, s.n, s.grid, AVLOC_FFT_FORWARD, &s.w, NULL)) != AVLOC_OK) break;
        for (y = 0; y < hw; y++) {
            s.grid[y].re *= s.gain[y];
            s.grid[y].im *= s.gain[y];
        }
        if ((r = avloc__mp_fft3(s.plan, s.n, s.grid, AVLOC_FFT_INVERSE, &s.w, NULL)) != AVLOC_OK) break;
        for (y = 0; y < hw; y++) fr[y] = e ? ldexpf(s.grid[y].re, e) : s.grid[y].re;
    }
    /* the per-call plans live in scratch; with AVLOC_USE_FFTW3 they hold FFTW
       plans that must be released (destroying a zeroed plan does nothing) */
    for (f = 1; f < 3; f++) avloc_fft_destroy_f32(&s.plan[f]);
    return r;
}

#endif /* AVLOC_MP_IMPLEMENTATION */
#endif /* !AVLOC__VPASS */

/* ================================================================== */
/*        fast coder update kernels: a template, compiled per set      */
/* ================================================================== */
/* Compiled by the pass before avloc__mp_lanes, once per SIMD set
   (avloc.h). Absolute values clear the sign bit on the integer bits (right
   under -ffast-math); positions are int32 bits in float lanes, only moved
   by selects, never computed on as floats. */
#if defined(AVLOC__VSET) && AVLOC__VPASS == AVLOC__VPASS_MP

/* One vector of lanes' values v into their maxima: where |v| > *m:
   *m = |v|, *id = pos. */
static inline void AVLOC__VN(avloc__mp_vk_track)(avloc__vf v, avloc__vf pos, avloc__vf *m, avloc__vf *id)
{
    avloc__vf gt;
    v = avloc__vf_and(v, avloc__vi_asvf(avloc__vi_set1(0x7fffffff)));
    gt = avloc__vf_cmpgt(v, *m);
    *m = avloc__vf_max(v, *m);
    *id = avloc__vf_sel(gt, pos, *id);
}

/* avloc__mp_sub_scaled (see there): the whole vectors of each row; returns
   how many values of each row it did. */
static size_t AVLOC__VN(avloc__mp_vk_sub_scaled)(float *y, size_t ys, const float *x, size_t xs, float c,
                                                 size_t rows, size_t n)
{
    const avloc__vf vc = avloc__vf_set1(c);
    size_t r, i, done = n / AVLOC__VF_W * AVLOC__VF_W;
    for (r = 0; r < rows; r++)
        for (i = 0; i < done; i += AVLOC__VF_W)
            avloc__vf_st(y + r * ys + i,
                         avloc__vf_sub(avloc__vf_ld(y + r * ys + i), avloc__vf_mul(vc, avloc__vf_ld(x + r * xs + i))));
    return done;
}

/* One row of n positions, four vectors of lanes each, at 0, d1, d2, d3 from
   y (x NULL: scan only; inlined into a copy per case). The last vectors
   of a position may overlap or coincide (kp not a multiple of the width:
   avloc__mp_vk_lanes): all four are loaded before any is stored, so a lane
   in two of them gets the same value twice and the same maximum in both.
   py, px: the next row's same lanes in the map and the table (NULL: none),
   prefetched position by position, one row ahead. A region's rows are
   short runs (23 positions, 2.9 KB) far apart, and the hardware
   prefetchers only pick up a run after its first lines have missed: on
   the bench's video update (one worker, a replay of its regions over maps
   and tables of its sizes) 110 us per atom without,
   90 with the map's rows, 74 with the table's too (docs/mp.md, session
   35). Prefetching whole rows at once (sessions 16 and 34) did not help.
   The update's map rows are prefetched for writing (owned): on two
   workers the bench's updates, replayed alternately in one process, took
   ~5 % less (one worker: the same; docs/mp.md, session 36). */
static inline void AVLOC__VN(avloc__mp_vk_row4)(float *y, const float *x, const float *py, const float *px,
                                                size_t n, size_t kp, const size_t *d, avloc__vf vc, int32_t tag,
                                                avloc__vf *m0, avloc__vf *m1, avloc__vf *m2, avloc__vf *m3,
                                                avloc__vf *i0, avloc__vf *i1, avloc__vf *i2, avloc__vf *i3)
{
    const size_t W = AVLOC__VF_W, d1 = d[1], d2 = d[2], d3 = d[3];
    size_t j;
    for (j = 0; j < n; j++, y += kp) {
        const avloc__vf pos = avloc__vi_asvf(avloc__vi_set1(tag + (int32_t)j));
        avloc__vf v0 = avloc__vf_ld(y), v1 = avloc__vf_ld(y + d1);
        avloc__vf v2 = avloc__vf_ld(y + d2), v3 = avloc__vf_ld(y + d3);
        size_t o;
        for (o = 0; py && o < 4 * W; o += 16) { /* a 64-byte line each */
            if (x) AVLOC__PREFETCH_W(py + j * kp + o); /* the update writes the map: fetch it owned */
            else AVLOC__PREFETCH(py + j * kp + o);
        }
        for (o = 0; px && o < 4 * W; o += 16) AVLOC__PREFETCH(px + j * kp + o);
        if (x) {
            const float *xj = x + j * kp;
            v0 = avloc__vf_fnmadd(vc, avloc__vf_ld(xj), v0);
            v1 = avloc__vf_fnmadd(vc, avloc__vf_ld(xj + d1), v1);
            v2 = avloc__vf_fnmadd(vc, avloc__vf_ld(xj + d2), v2);
            v3 = avloc__vf_fnmadd(vc, avloc__vf_ld(xj + d3), v3);
            avloc__vf_st(y, v0);
            avloc__vf_st(y + d1, v1);
            avloc__vf_st(y + d2, v2);
            avloc__vf_st(y + d3, v3);
        }
        AVLOC__VN(avloc__mp_vk_track)(v0, pos, m0, i0);
        AVLOC__VN(avloc__mp_vk_track)(v1, pos, m1, i1);
        AVLOC__VN(avloc__mp_vk_track)(v2, pos, m2, i2);
        AVLOC__VN(avloc__mp_vk_track)(v3, pos, m3, i3);
    }
}

/* avloc__mp_lanes (see there) for kp >= the width. Lanes in groups of four
   vectors whose maxima and positions stay in registers over all rows and
   positions (kp <= 4 widths, e.g. up to 32 lanes of AVX2: one stream over
   memory). kp is the kernel count (no padding lanes: the maps and tables
   are all traffic), so a group's last vectors are moved back to end at
   the group's last lane and may overlap or coincide (30 lanes of AVX2:
   vectors at 0, 8, 16 and 22). Groups never overlap (each is a pass of its
   own over the region: a lane in two would be updated twice), so a group
   that would leave fewer than a vector's lanes to the next ends earlier
   (34 lanes: [0, 26) and [26, 34)). Returns 0 (nothing done) when kp is
   below the width. */
static int AVLOC__VN(avloc__mp_vk_lanes)(const avloc__mp_run *u, float c, size_t kp, float *mx, float *ix)
{
    const avloc__vf vc = avloc__vf_set1(c);
    const size_t W = AVLOC__VF_W, rows = u->rows;
    size_t r, g, e, v;
    if (kp < W) return 0;
    for (g = 0; g < kp; g = e) { /* the group: lanes [g, e), at least one vector */
        size_t d[4];
        avloc__vf m0, m1, m2, m3, i0, i1, i2, i3;
        e = g + 4 * W < kp ? g + 4 * W : kp;
        if (kp - e < W && e < kp) e = kp - W;
        for (v = 0; v < 4; v++) d[v] = g + v * W + W <= e ? v * W : e - W - g;
        m0 = avloc__vf_ld(mx + g); m1 = avloc__vf_ld(mx + g + d[1]);
        m2 = avloc__vf_ld(mx + g + d[2]); m3 = avloc__vf_ld(mx + g + d[3]);
        i0 = avloc__vf_ld(ix + g); i1 = avloc__vf_ld(ix + g + d[1]);
        i2 = avloc__vf_ld(ix + g + d[2]); i3 = avloc__vf_ld(ix + g + d[3]);
        for (r = 0; r < rows; r++) {
            float *y = u->y + r * u->ys + g;
            const int last = r + 1 == rows;
            const float *py = last ? (u->ny ? u->ny + g : NULL) : y + u->ys;
            const int32_t tag = (int32_t)(u->tag + r * u->tstride);
            if (u->x) { /* two copies of the row loop: the update's, the scan's (no test per position) */
                const float *x = u->x + r * u->xs + g, *px = last ? (u->nx ? u->nx + g : NULL) : x + u->xs;
                AVLOC__VN(avloc__mp_vk_row4)(y, x, py, px, u->n, kp, d, vc, tag, &m0, &m1, &m2, &m3, &i0, &i1, &i2,
                                             &i3);
            } else {
                AVLOC__VN(avloc__mp_vk_row4)(y, NULL, py, NULL, u->n, kp, d, vc, tag, &m0, &m1, &m2, &m3, &i0, &i1,
                                             &i2, &i3);
            }
        }
        avloc__vf_st(mx + g, m0); avloc__vf_st(mx + g + d[1], m1);
        avloc__vf_st(mx + g + d[2], m2); avloc__vf_st(mx + g + d[3], m3);
        avloc__vf_st(ix + g, i0); avloc__vf_st(ix + g + d[1], i1);
        avloc__vf_st(ix + g + d[2], i2); avloc__vf_st(ix + g + d[3], i3);
    }
    return 1;
}

/* The votes' correlations (avloc__mp_dot_row): the kernel k against the
   video at n consecutive positions (f, p, q .. q + n - 1), one position per
   double lane, each summed over the kernel's frames, rows and columns in
   avloc__mp_dot_video's order. A product of two floats is exact in double,
   so the fused and the plain multiply-add round alike: the same bits as the
   scalar dot. Float loads of a whole vector at q + x need q + W - 1 + x
   inside the row: whole vectors of positions only (the caller's n
   positions all valid). Double vectors: no ARMv7 copy (AVLOC__VCALL_D). */
#if !defined(AVLOC__VSET_NEON) || defined(AVLOC__VD_NEON)
static inline void AVLOC__VN(avloc__mp_vk_dot_at)(const avloc_mp_config *cfg, const float *video, const float *k,
                                                  size_t f, size_t p, size_t q, int two, double *out)
{
    const size_t W = AVLOC__VF_W, D = AVLOC__VD_W;
    avloc__vd a0 = avloc__vd_zero(), a1 = avloc__vd_zero(), a2 = avloc__vd_zero(), a3 = avloc__vd_zero();
    size_t t, y, x;
    for (t = 0; t < cfg->kernel_t; t++)
        for (y = 0; y < cfg->kernel_h; y++) {
            const float *row = video + ((f + t) * cfg->height + p + y) * cfg->width + q;
            const float *kk = k + (t * cfg->kernel_h + y) * cfg->kernel_w;
            for (x = 0; x < cfg->kernel_w; x++) {
                const avloc__vd kx = avloc__vd_set1((double)kk[x]);
                avloc__vf l = avloc__vf_ld(row + x);
                a0 = avloc__vd_fmadd(avloc__vd_cvtlo(l), kx, a0);
                a1 = avloc__vd_fmadd(avloc__vd_cvthi(l), kx, a1);
                if (two) {
                    l = avloc__vf_ld(row + x + W);
                    a2 = avloc__vd_fmadd(avloc__vd_cvtlo(l), kx, a2);
                    a3 = avloc__vd_fmadd(avloc__vd_cvthi(l), kx, a3);
                }
            }
        }
    avloc__vd_st(out, a0);
    avloc__vd_st(out + D, a1);
    if (two) {
        avloc__vd_st(out + 2 * D, a2);
        avloc__vd_st(out + 3 * D, a3);
    }
}

/* Two float vectors of positions at a time; the rest by one more pair or
   vector that ends at the run's end and overlaps positions already done
   (they get the same bits again): the scalar dot, a chain of dependent
   adds, took as long for the last 4 of 44 positions as the vectors for
   the other 40. Returns n, or 0 when n is below one vector (the scalar dot
   does those). */
static size_t AVLOC__VN(avloc__mp_vk_dot_row)(const avloc_mp_config *cfg, const float *video, const float *k,
                                              size_t f, size_t p, size_t q, size_t n, double *out)
{
    const size_t W = AVLOC__VF_W;
    size_t j = 0;
    if (n < W) return 0;
    while (j < n) {
        const size_t rest = n - j;
        if (rest >= 2 * W || (rest > W && n >= 2 * W)) {
            j = rest >= 2 * W ? j : n - 2 * W; /* the last pair ends at n */
            AVLOC__VN(avloc__mp_vk_dot_at)(cfg, video, k, f, p, q + j, 1, out + j);
            j += 2 * W;
        } else {
            j = rest >= W ? j : n - W;
            AVLOC__VN(avloc__mp_vk_dot_at)(cfg, video, k, f, p, q + j, 0, out + j);
            j += W;
        }
    }
    return n;
}
#endif

#endif /* mp kernel pass */
