/* avloc_rpca.h - robust PCA and audio-visual low-rank + sparse separation for
   avloc: plain robust PCA (principal component pursuit by the inexact
   augmented Lagrangian method), the audio-visual ADMM of "Audio-visual source
   localization and separation using low-rank and sparsity", its windowed mode
   for camera streams, and the pipeline video + audio -> sounding-pixel map,
   mask and separated waveform.   v0.1.0

   USAGE
   -----
   In exactly ONE C or C++ file:
       #define AVLOC_IMPLEMENTATION      // core + every avloc header included
       #include "avloc_rpca.h"
   or, to place only this module's implementation in a file:
       #define AVLOC_RPCA_IMPLEMENTATION
       #include "avloc_rpca.h"
   (then AVLOC_IMPLEMENTATION must be defined in exactly one file for the
   core and the DSP module: SVD/SVT, GEMM, STFT, DCT and the Sylvester solve
   come from there).

       // 1. plain RPCA: D (m x n, row-major) = L (low rank) + S (sparse)
       avloc_rpca_config cfg = avloc_rpca_config_default();
       cfg.rows = m; cfg.cols = n;
       // optional: cfg.threads = pool.th (a caller's pool, avloc.h
       // avloc_threads; examples/avloc_pool.h): the SVT and the element-wise
       // pass over its workers
       size_t ob, sb;
       avloc_rpca_query(&cfg, &ob, &sb);
       avloc_rpca r;
       avloc_rpca_init(&r, &cfg, malloc(ob), ob);
       avloc_rpca_info info;
       avloc_rpca_solve_f32(&r, D, L, S, NULL, &info, malloc(sb), sb);

       // 2. audio-visual: V (pixels x T), A (bins x T)
       avloc_rpca_av_config ac = avloc_rpca_av_config_default();
       ac.pixels = I1; ac.bins = I2; ac.frames = T;
       avloc_rpca_av av;  avloc_rpca_av_state st;
       avloc_rpca_av_query(&ac, &ob, &sb);
       avloc_rpca_av_init(&av, &ac, malloc(ob), ob);
       avloc_rpca_av_state_query(&av, &b2);
       avloc_rpca_av_state_init(&st, &av, malloc(b2), b2);
       avloc_rpca_av_solve_f32(&av, V, A, &st, 0, &info, malloc(sb), sb);
       // st.Pv: sounding pixels, st.Pa: their spectrogram

       // 3. the whole pipeline (grey video + waveform), see avloc_rpca_pipe_*.

   THE METHODS (derivations in docs/rpca.md)
   -----------
   Plain RPCA: min ||L||_* + lambda ||S||_1 s.t. D = L + S, inexact ALM of
   Lin, Chen & Ma (2010) with their defaults: lambda = 1/sqrt(max(m, n)),
   Y0 = D / max(||D||_2, ||D||_inf / lambda), mu0 = 1.25 / ||D||_2,
   rho = 1.5, mu <= 1e7 mu0, stop when ||D - L - S||_F / ||D||_F < tol
   (1e-7). The SVT is the core's avloc_svt_f32: per call (cfg.svt_method,
   default AVLOC_SVT_AUTO) the exact Gram path (D^T D in double, warm
   eigensolve, L = D W) or the randomised truncated SVD with PROPACK-like
   rank prediction, by a cost rule; or a full Jacobi SVD (cfg.full_svd).

   Audio-visual ADMM (the paper's Algorithm 1): V = Bv + Dv C, A = Ba + Da C,
   Pv = Dv C, Pa = Da C, minimising ||Bv||_* + ||Ba||_* + l1 ||Pv||_1 +
   l2 ||Pa||_1 + l3 tr(C L C^T) (L: path Laplacian of the frame chain).
   Differences from the paper, each documented in docs/rpca.md:
   - initialisation: the paper's all-zero start makes C C^T singular. Here
     C0 = the top-K right singular vectors of the stacked, normalised
     residuals [Rv/||Rv||_F ; Ra/||Ra||_F], R = X minus its per-row temporal
     median (a robust static background), so C0 C0^T = I; Dv0 = Rv C0^T,
     Da0 = Ra C0^T; Pv0 = Dv0 C0, Bv0 = V - Pv0 (the same for audio);
     multipliers 0.
   - regularisation: the augmented Lagrangian gets + mu*ridge*(||Dv||^2 +
     ||Da||^2 + ||C||^2): each D and C step stays an exact minimiser, the
     K x K systems stay positive definite when C or D lose rank, and the
     scale ambiguity D C = (D s)(C / s) is fixed.
   - the C step solves (Dv^T Dv + Da^T Da + ridge I) C + (l3/mu) C L = R by
     the DCT diagonalisation of L (avloc_sylvester_path_f64).
   - stopping: primal residual (largest of the four constraint violations,
     each relative to ||V||_F or ||A||_F) and dual residual (largest
     relative change of Bv, Ba, Pv, Pa in one iteration) both below tol.

   MEMORY: every object is read-only after init (the SVT's mutable
   randomised-SVD object lives in the per-call scratch). Nothing allocates.
   All entry points validate their input: AVLOC_ERR_NULL, _SIZE, _PARAM,
   _NONFINITE, _WORKSPACE, _STATE (zeroed or destroyed object).

   BAD INPUT (tested in tests/test_rpca.c): an all-zero D gives L = S = 0,
   0 iterations, converged; a constant or rank-one D gives L = D, S = 0;
   NaN/Inf -> AVLOC_ERR_NONFINITE with nothing written; T = 1 is valid (the
   Laplacian is 0); K > T -> AVLOC_ERR_PARAM; K > min(pixels, bins) ->
   AVLOC_ERR_PARAM; a scratch smaller than the query -> AVLOC_ERR_WORKSPACE.

   Licence: MIT (see LICENSE).
*/
/* Kernel passes (avloc.h "SIMD layer"): the element-wise ALM step of the
   plain solver, in the template section at the end of this file, is
   compiled once per SIMD set by the core's per-set driver, which
   re-includes this file by the name AVLOC_RPCA_FILE ("avloc_rpca.h", next to
   avloc.h; define it as "path/to/it.h" after a rename; tools/amalgamate.py
   pre-defines it). */
#ifndef AVLOC_RPCA_FILE
#define AVLOC_RPCA_FILE "avloc_rpca.h"
#endif
#define AVLOC__VPASS_RPCA 96 /* pass ids of this module: 96..111 */

#ifndef AVLOC__VPASS /* the header and implementation; kernel templates are at the end */
#ifndef AVLOC_RPCA_H
#define AVLOC_RPCA_H

#ifdef AVLOC_NO_LINALG
#error "avloc_rpca.h needs the core linear algebra (SVD, truncated SVD, eigh): build it without AVLOC_NO_LINALG"
#endif
#include "avloc.h"
#include "avloc_dsp.h" /* STFT (pipeline), DCT path-Sylvester solve (the C step) */

#ifdef __cplusplus
extern "C" {
#endif

/* Progress: called after every iteration with the residuals and the
   penalty; return non-zero to stop (the result so far is kept). */
typedef int (*avloc_rpca_progress_fn)(void *user, size_t iter, double primal, double dual, double mu);

typedef struct avloc_rpca_info {
    size_t iters;      /* iterations run */
    double primal;     /* final primal residual (relative) */
    double dual;       /* final dual residual (relative change) */
    double mu;         /* final penalty */
    size_t rank;       /* rank of the last SVT (plain: L; av: Bv) */
    size_t nnz;        /* non-zeros of S (plain) or Pv (av) */
    int converged;     /* 1 when both residuals reached tol */
} avloc_rpca_info;

/* ------------------------------------------------------------ plain RPCA */
typedef struct avloc_rpca_config {
    size_t rows, cols;     /* m, n (no default) */
    double lambda;         /* 0: 1/sqrt(max(m, n)) */
    double mu0;            /* 0: 1.25 / ||D||_2 */
    double rho;            /* 1.5 */
    double mu_max_ratio;   /* mu <= ratio * mu0 (1e7) */
    double tol;            /* 1e-7: ||D - L - S||_F / ||D||_F */
    size_t max_iter;       /* 500 */
    size_t max_rank;       /* largest rank of L the truncated SVD may compute: 0 = min(m, n) */
    int full_svd;          /* 1: full Jacobi SVD every step (checks, small matrices) */
    int svt_method;        /* AVLOC_SVT_AUTO (default): exact Gram-path SVT or randomised, per call,
                              by the core's cost rule; AVLOC_SVT_GRAM / _RANDOMISED force one */
    avloc_threads threads; /* the caller's pool (avloc.h; default none: one thread): the SVT and
                              the element-wise pass split into tasks; scratch grows with workers;
                              every worker count gives the same bits (docs/threads.md) */
    avloc_rpca_progress_fn progress;
    void *user;
} avloc_rpca_config;

typedef struct avloc_rpca {
    avloc_rpca_config cfg;
    double lambda;         /* the lambda in use */
    size_t scratch_bytes;
    unsigned magic;
} avloc_rpca;

AVLOC_API avloc_rpca_config avloc_rpca_config_default(void);
AVLOC_API avloc_result avloc_rpca_query(const avloc_rpca_config *cfg, size_t *obj_bytes, size_t *scratch_bytes);
AVLOC_API avloc_result avloc_rpca_init(avloc_rpca *r, const avloc_rpca_config *cfg, void *mem, size_t bytes);
AVLOC_API void avloc_rpca_destroy(avloc_rpca *r);
/* D, L, S: rows x cols, row-major, contiguous. Ydual (optional, may be NULL)
   receives the final multiplier Y (the dual certificate: ||Y||_2 <= 1,
   |Y_ij| <= lambda, Y_ij = lambda sign(S_ij) where S_ij != 0). D, L, S and
   Ydual must not overlap one another (AVLOC_ERR_PARAM, nothing written).
   Inf or NaN in D: AVLOC_ERR_NONFINITE, nothing written; a finite D whose
   spectral norm or iterates overflow float (||D||_2 near FLT_MAX):
   AVLOC_ERR_NUMERIC. */
AVLOC_API avloc_result avloc_rpca_solve_f32(const avloc_rpca *r, const float *D, float *L, float *S,
                                            float *Ydual, avloc_rpca_info *info,
                                            void *scratch, size_t scratch_bytes);

/* ------------------------------------------------------ audio-visual ADMM */
typedef struct avloc_rpca_av_config {
    size_t pixels, bins, frames; /* I1, I2, T (no default) */
    size_t K;              /* shared components (default 3) */
    double lambda1;        /* 0: 1/sqrt(max(pixels, frames)) */
    double lambda2;        /* 0: 1/sqrt(max(bins, frames)) */
    double lambda3;        /* temporal smoothness of C (default 0.05) */
    double rho;            /* mu growth (default 1.2) */
    double mu0;            /* 0: 1.25 / max(||V||_2, ||A||_2) */
    double mu_max_ratio;   /* mu <= ratio * mu0 (default 8, see docs/rpca.md) */
    double ridge;          /* default 1e-3, see the doc block */
    double tol;            /* primal and dual tolerance (default 1e-4) */
    size_t max_iter;       /* default 100 */
    size_t max_rank;       /* truncated-SVD cap for Bv and Ba: 0 = min(rows, T) */
    int svt_method;        /* the SVTs of Bv and Ba (and of the pipeline's spectrogram RPCA):
                              AVLOC_SVT_AUTO (default), _GRAM or _RANDOMISED (see avloc_svt_f32) */
    avloc_threads threads; /* the caller's pool (avloc.h; default none): the SVTs of Bv and Ba
                              (and, in the pipeline, those of the spectrogram RPCA) split over
                              it; every worker count gives the same bits (docs/threads.md) */
    avloc_rpca_progress_fn progress;
    void *user;
} avloc_rpca_av_config;

typedef struct avloc_rpca_av {
    avloc_rpca_av_config cfg;
    double lambda1, lambda2; /* in use */
    size_t scratch_bytes;
    avloc_sylvester_path syl; /* the C step */
    unsigned magic;
    avloc_extent mem;         /* private: the object's memory (calls refuse the state and scratch over it) */
} avloc_rpca_av;

/* The iterate: all caller memory, laid out by avloc_rpca_av_state_init.
   Row-major: Bv, Pv, Y, G pixels x T; Ba, Pa, Z, F bins x T; Dv pixels x K;
   Da bins x K; C K x T. */
typedef struct avloc_rpca_av_state {
    float *Bv, *Pv, *Ba, *Pa, *Dv, *Da, *C;
    float *Y, *G, *Z, *F;  /* multipliers of V = Bv + DvC, Pv = DvC, A = Ba + DaC, Pa = DaC */
    double mu;
    double mu_max;         /* mu's cap, mu0 * cfg.mu_max_ratio (set by start and warm) */
    size_t iters;          /* iterations since the last start */
    size_t pixels, bins, frames, K; /* the sizes of the object it was made for: every
                              call with another object returns AVLOC_ERR_STATE */
    int started;           /* 1 after a start: warm and iterate need one (else AVLOC_ERR_STATE) */
} avloc_rpca_av_state;

AVLOC_API avloc_rpca_av_config avloc_rpca_av_config_default(void);
AVLOC_API avloc_result avloc_rpca_av_query(const avloc_rpca_av_config *cfg, size_t *obj_bytes,
                                           size_t *scratch_bytes);
AVLOC_API avloc_result avloc_rpca_av_init(avloc_rpca_av *o, const avloc_rpca_av_config *cfg, void *mem,
                                          size_t bytes);
AVLOC_API void avloc_rpca_av_destroy(avloc_rpca_av *o);
AVLOC_API avloc_result avloc_rpca_av_state_query(const avloc_rpca_av *o, size_t *bytes);
AVLOC_API avloc_result avloc_rpca_av_state_init(avloc_rpca_av_state *s, const avloc_rpca_av *o, void *mem,
                                                size_t bytes);
/* The initialisation of the doc block (mu = mu0, iters = 0). */
AVLOC_API avloc_result avloc_rpca_av_start_f32(const avloc_rpca_av *o, const float *V, const float *A,
                                               avloc_rpca_av_state *s, void *scratch, size_t scratch_bytes);
/* Warm start from the Dv, Da, C already in s (a previous solve or window):
   Pv = Dv C, Bv = V - Pv (same for audio), multipliers 0, mu = mu0. */
AVLOC_API avloc_result avloc_rpca_av_warm_f32(const avloc_rpca_av *o, const float *V, const float *A,
                                              avloc_rpca_av_state *s, void *scratch, size_t scratch_bytes);
/* One iteration of Algorithm 1 (steps 4-15) on s; primal/dual (optional)
   receive the residuals. */
AVLOC_API avloc_result avloc_rpca_av_iterate_f32(const avloc_rpca_av *o, const float *V, const float *A,
                                                 avloc_rpca_av_state *s, double *primal, double *dual,
                                                 void *scratch, size_t scratch_bytes);
/* start (warm == 0) or warm start (warm != 0), then iterate until both
   residuals are below tol, max_iter, or the progress callback says stop.
   SCALE: unlike the plain RPCA, the ADMM is not scale-invariant (lambda3
   and the ridge are absolute, and C takes the scale D does not): give it V
   and A scaled as the pipeline does (each to unit Frobenius norm), where
   its defaults were chosen. Far from it results degrade: measured, V and A
   times 1e7 give AVLOC_ERR_NUMERIC (C C^T + ridge I, formed in float, is no
   longer positive definite), times 1e-6 an all-zero Pv. */
AVLOC_API avloc_result avloc_rpca_av_solve_f32(const avloc_rpca_av *o, const float *V, const float *A,
                                               avloc_rpca_av_state *s, int warm, avloc_rpca_info *info,
                                               void *scratch, size_t scratch_bytes);

/* Windowed mode (live video): the object is configured for a window of
   cfg.frames = W frames. V (pixels x total) and A (bins x total) hold a
   whole clip (row stride `total`); windows start every W - overlap frames
   (the last one is aligned to the end), each is warm-started from the
   previous window's Dv, Da and C (C shifted by the hop, new frames copy the
   last column), so time and memory per window are those of one W-frame
   solve. Pv_out (pixels x total) and Pa_out (bins x total; either may be
   NULL) receive the windows' Pv and Pa averaged where windows overlap (they
   may not overlap V, A or each other: AVLOC_ERR_PARAM). s is one window's
   state. info gets the sum of iterations and the worst
   residuals; *windows (optional) the number of windows. */
AVLOC_API avloc_result avloc_rpca_av_windows_scratch(const avloc_rpca_av *o, size_t *scratch_bytes);
AVLOC_API avloc_result avloc_rpca_av_windows_f32(const avloc_rpca_av *o, const float *V, const float *A,
                                                 size_t total, size_t overlap, avloc_rpca_av_state *s,
                                                 float *Pv_out, float *Pa_out, avloc_rpca_info *info,
                                                 size_t *windows, void *scratch, size_t scratch_bytes);

/* --------------------------------------------------------------- pipeline */
/* Building blocks (also used by the pipeline object):
   - video: grey frames float [T][H][W] (e.g. Y/255) -> V (pixels x T) by
     box downsampling by `down` (pixels = (H/down) * (W/down), rows/columns
     past a whole block dropped).
   - audio pooling: magnitudes mag [n_stft][bins] (STFT frame j centred at
     j * hop / rate seconds) -> A [bins][T]: column t is the mean of the
     frames whose centre falls in [t / fps, (t + 1) / fps) (the nearest frame
     when none does).
   - localisation map: map[p] = sum_t |Pv[p][t]| (the paper's rule,
     `avloc_rpca_map_f32`).
   - audio-visual correlation map (`avloc_rpca_corr_map_f32`, the
     pipeline's default): with Rv = V minus each pixel's temporal median
     and e[t] = sum_f |A[f][t] - median_t A[f]| (the audio's change per
     frame; the same median residuals that start the ADMM),
     map[p] = (sum_t |Rv[p][t]|) * max(0, corr_t(|Rv[p][.]|, e))^power,
     corr the Pearson correlation over the T frames (0 when either side is
     constant). Why: on the generated scenes the sounding object's motion
     is nearly low rank (one opening or one displacement pattern), so the
     ADMM puts much of it into Bv and its |Pv| map lights the silent
     distractors instead (docs/rpca.md); the change that follows the
     sound's change is what marks the sounding pixels. tmp: 2 T floats.
   - mask, hull rule (`avloc_rpca_mask_hull_u8`, the pipeline's default):
     a region grown from the map's maximum by hysteresis, then every pixel
     whose centre lies in its convex hull, then upsampled by `down`
     (nearest). The region: the strong pixels (map[p] >= min(2 thresh, 1)
     * max(map)) chained to the maximum, each within `link` pixels of the
     next (Chebyshev distance: link 1 is 8-connectivity, 0 keeps the
     maximum alone), plus the weak pixels (>= thresh * max) within
     ceil(link / 2) of a chained strong pixel. Why: the correlation map
     lights the moving edges of the sounding object (a mouth's lips, an
     instrument's moving parts) and little else, while the object is the
     region they enclose; the link keeps stray pixels elsewhere out of the
     hull, and chaining through strong pixels only keeps scattered
     background pixels just above thresh (larger frames have more of them)
     from bridging the region to far parts of the picture. One sounding
     object per map. Defaults (pipeline) thresh 0.1, link 8 at
     64 x 64, chosen on training scenes (docs/rpca.md). scratch: bytes by
     `avloc_rpca_mask_hull_scratch`. Time O(h w (2 link + 1)^2) at most
     (O(h w) once link reaches across the map).
   - mask, box rule (`avloc_rpca_mask_u8`): the map is smoothed by a box of
     `box` x `box` pixels (odd: an even box is AVLOC_ERR_PARAM, as in
     avloc_rpca_box_mean_f32; mean over the part inside the image; box 1:
     none), then pixel p is sounding when smoothed[p] >= thresh *
     max(smoothed), then upsampled by `down` (nearest). Tuned values box 9
     at 64 x 64, thresh 0.4 for the correlation map (box 7, thresh 0.3 for
     the |Pv| map), chosen on training scenes (docs/rpca.md). tmp: h*w
     floats.
   - visual activity (`avloc_rpca_activity_f32`): when the region's object
     moves, 0..1 per video frame. X = the rows of V whose region byte is
     non-zero, each minus its temporal mean; u = X's top right
     singular vector (power iteration on X^T X started from the audio change
     e above, at most 100 steps, until it moves by < 1e-6; from a ramp
     when e is constant), which leaves corr(u, e) >= 0; act[t] = clip((u[t] - q05) / (q95 - q05), 0, 1), q the
     5th and 95th percentiles of u (numpy's linear rule). All 0 when the
     region is empty or does not change. Why: a mouth's opening and a
     mallet's displacement are one temporal pattern of the region's pixels
     that follows the sound's envelope; the pipeline's visual gate (below)
     reads when the object is silent from it. tmp: 4 T floats.
   Errors: NULL, SIZE (a zero size, down larger than the frame, H < h*down or
   W < w*down), OVERFLOW (an array's byte count overflows size_t), PARAM
   (rates, thresh outside [0, 1]; in video, pool, map, corr_map and mask,
   an output or tmp sharing memory with an input or with each other, except
   map's map == Pv and corr_map's map == V, which work in place), NONFINITE (NaN/Inf in the video, the
   pooled audio or the map; the map function propagates them), WORKSPACE
   (scratch smaller than its query). */
AVLOC_API avloc_result avloc_rpca_video_f32(const float *frames, size_t T, size_t H, size_t W,
                                            size_t down, float *V);
AVLOC_API avloc_result avloc_rpca_pool_f32(const float *mag, size_t n_stft, size_t bins, double hop_s,
                                           double fps, size_t T, float *A);
AVLOC_API avloc_result avloc_rpca_map_f32(const float *Pv, size_t pixels, size_t T, float *map);
AVLOC_API avloc_result avloc_rpca_corr_map_f32(const float *V, size_t pixels, const float *A, size_t bins,
                                               size_t T, double power, float *tmp, float *map);
AVLOC_API avloc_result avloc_rpca_mask_u8(const float *map, size_t h, size_t w, size_t down, size_t H,
                                          size_t W, size_t box, double thresh, float *tmp, unsigned char *mask);
AVLOC_API avloc_result avloc_rpca_activity_f32(const float *V, size_t pixels, const unsigned char *region,
                                               const float *A, size_t bins, size_t T, float *tmp, float *act);
AVLOC_API avloc_result avloc_rpca_mask_hull_scratch(size_t h, size_t w, size_t *scratch_bytes);
AVLOC_API avloc_result avloc_rpca_mask_hull_u8(const float *map, size_t h, size_t w, size_t down, size_t H,
                                               size_t W, size_t link, double thresh, void *scratch,
                                               size_t scratch_bytes, unsigned char *mask);
/* out = the mean of x (rows x cols, row-major) over the part of a box_rows x
   box_cols window centred on each element that lies inside x (as
   scipy.ndimage.uniform_filter with mode 'constant', divided by the same
   filter of ones). O(rows cols box_rows box_cols). The mask's smoothing and
   the pipeline's gain smoothing use it. Errors: NULL, SIZE (a zero size),
   OVERFLOW, PARAM (an even box side, out overlapping x), NONFINITE (NaN/Inf
   in x). */
AVLOC_API avloc_result avloc_rpca_box_mean_f32(const float *x, size_t rows, size_t cols, size_t box_rows,
                                               size_t box_cols, float *out);

typedef enum avloc_rpca_mode {
    AVLOC_RPCA_SEPARATE = 0, /* target + interferer: soft mask Pa+ / (Pa+ + |Ba|) */
    AVLOC_RPCA_DENOISE = 1   /* speech in noise: the same model, Wiener-like mask Pa+^2 / (Pa+^2 + Ba^2) */
} avloc_rpca_mode;

typedef enum avloc_rpca_map_rule {
    AVLOC_RPCA_MAP_PV = 0,  /* sum_t |Pv| of the ADMM (the paper) */
    AVLOC_RPCA_MAP_CORR = 1 /* the audio-visual correlation map (default; avloc_rpca_corr_map_f32) */
} avloc_rpca_map_rule;

/* The box rule's threshold chosen on the training scenes (mask_thresh's
   default, 0.1, is the hull rule's). */
#define AVLOC_RPCA_MASK_BOX_THRESH 0.4

typedef enum avloc_rpca_mask_rule {
    AVLOC_RPCA_MASK_BOX = 0, /* smoothed map >= thresh * its max (avloc_rpca_mask_u8) */
    AVLOC_RPCA_MASK_HULL = 1 /* convex hull of the map's linked peak pixels (default; avloc_rpca_mask_hull_u8) */
} avloc_rpca_mask_rule;

/* The visual gate of the separated sound (audio_rpca only; docs/rpca.md):
   a per-frame gain from the sounding region's activity
   (avloc_rpca_activity_f32). OFF: none. ON: full strength. AUTO (default):
   in proportion to how little the spectrogram RPCA took out of the frames
   where the object is still; a drone or noise interferer is low rank and
   already gone there (strength 0: the gain is unchanged), another voice is
   sparse and is not (strength 1). */
typedef enum avloc_rpca_vgate {
    AVLOC_RPCA_VGATE_AUTO = 0,
    AVLOC_RPCA_VGATE_OFF = 1,
    AVLOC_RPCA_VGATE_ON = 2
} avloc_rpca_vgate;

typedef struct avloc_rpca_pipe_config {
    size_t width, height, frames; /* video (no default) */
    size_t n_samples;      /* audio samples (no default) */
    double fps;            /* video frame rate (default 25) */
    double sample_rate;    /* audio rate (default 16000) */
    size_t down;           /* video downsampling (default 1) */
    avloc_stft_config stft; /* n_fft 512, hop 128, Hann: 257 bins */
    avloc_rpca_av_config av; /* pixels/bins/frames are filled in by the pipeline */
    double video_lambda;   /* av.lambda1 when that is 0, in units of 1/sqrt(pixels * frames) of the
                              (downsampled) video and the solve's frames: default 3.5, chosen for the
                              |Pv| map (AVLOC_RPCA_MAP_PV) on training scenes (docs/rpca.md) */
    avloc_rpca_mode mode;
    avloc_rpca_map_rule map_rule; /* the map the mask comes from (default AVLOC_RPCA_MAP_CORR) */
    double map_power;      /* the correlation map's exponent (default 2; > 0) */
    avloc_rpca_mask_rule mask_rule; /* how the mask comes from the map (default AVLOC_RPCA_MASK_HULL) */
    double mask_thresh;    /* fraction of the map's maximum (default 0.1, the hull rule's; with the
                              box rule set AVLOC_RPCA_MASK_BOX_THRESH, its tuned value) */
    size_t mask_link;      /* hull rule: link distance in video pixels (default 8; 0: the peak alone) */
    size_t mask_box;       /* box rule: smoothing box side in video pixels (default 9; 1: none) */
    size_t window_frames;  /* 0: whole clip in one solve; else windowed mode */
    size_t overlap;        /* frames shared by successive windows */
    int audio_rpca;        /* 1 (default): the separation mask comes from a plain RPCA of the
                              full-resolution magnitude spectrogram (see docs/rpca.md); 0: from Pa, Ba */
    double audio_lambda;   /* that RPCA's lambda in units of 1/sqrt(max(frames, bins)) (default 0.5) */
    double audio_power;    /* that mask's exponent q: S+^q / (S+^q + |L|^q) (default 4; 2 is Wiener's) */
    size_t audio_smooth_frames; /* that mask is smoothed by a box of this many STFT frames (odd; default 7;
                                   1: none) ... */
    size_t audio_smooth_bins;   /* ... times this many frequency bins (odd; default 1: none) */
    double av_gate;        /* 0..1: how much the AV activation of Pa gates that mask in time (default 0) */
    avloc_rpca_vgate vgate; /* the visual gate (default AUTO) */
    double vgate_slack;    /* its kappa: a frame keeps up to kappa times the energy the activity
                              predicts for it (default 1; > 0) */
} avloc_rpca_pipe_config;

typedef struct avloc_rpca_pipe {
    avloc_rpca_pipe_config cfg;
    size_t h, w, pixels, bins, n_stft; /* downsampled size, spectrogram */
    avloc_stft_f32 stft;
    avloc_rpca_av av;
    avloc_rpca arpca;      /* n_stft x bins plain RPCA (audio_rpca) */
    size_t scratch_bytes;
    unsigned magic;
    avloc_extent mem;      /* private: the pipeline's memory (a run refuses its buffers over it) */
} avloc_rpca_pipe;

typedef struct avloc_rpca_pipe_out {
    float *map;            /* height x width (full size), or NULL */
    unsigned char *mask;   /* height x width, 255 = sounding, or NULL */
    float *target;         /* n_samples, or NULL */
} avloc_rpca_pipe_out;

AVLOC_API avloc_rpca_pipe_config avloc_rpca_pipe_config_default(void);
/* The separation gain of the spectrogram RPCA: s+^q / (s+^q + |l|^q) with
   s+ = max(s, 0) (sparse part), l the low-rank part; 0 when both are 0.
   q = 2 is the Wiener-like rule, larger q a harder mask (pipeline: 4,
   then smoothed over audio_smooth_frames STFT frames).
   Always in [0, 1]: 0 for a NaN argument or q outside (0, Inf); an
   infinite part counts as the larger one (1, or 1/2 when both are). */
AVLOC_API float avloc_rpca_soft_gain(float s, float l, double q);
AVLOC_API avloc_result avloc_rpca_pipe_query(const avloc_rpca_pipe_config *cfg, size_t *obj_bytes,
                                             size_t *scratch_bytes);
AVLOC_API avloc_result avloc_rpca_pipe_init(avloc_rpca_pipe *p, const avloc_rpca_pipe_config *cfg, void *mem,
                                            size_t bytes);
AVLOC_API void avloc_rpca_pipe_destroy(avloc_rpca_pipe *p);
/* frames [T][H][W] grey floats, audio [n_samples]. V and A are each scaled
   to unit Frobenius norm before the solve (the masks are scale-free).
   NaN/Inf in the frames or the audio: AVLOC_ERR_NONFINITE; finite audio
   so loud that its float spectra overflow (samples near FLT_MAX):
   AVLOC_ERR_NUMERIC. */
AVLOC_API avloc_result avloc_rpca_pipe_run_f32(const avloc_rpca_pipe *p, const float *frames,
                                               const float *audio, avloc_rpca_pipe_out *out,
                                               avloc_rpca_info *info, void *scratch, size_t scratch_bytes);

#ifdef __cplusplus
}
#endif
#endif /* AVLOC_RPCA_H */

/* ====================================================================== */
/*                            IMPLEMENTATION                              */
/* ====================================================================== */
#if defined(AVLOC_IMPLEMENTATION) && !defined(AVLOC_RPCA_IMPLEMENTATION)
#define AVLOC_RPCA_IMPLEMENTATION
#endif
#if defined(AVLOC_RPCA_IMPLEMENTATION) && !defined(AVLOC_RPCA_IMPLEMENTATION_DONE)
#define AVLOC_RPCA_IMPLEMENTATION_DONE

#include <math.h>
#include <string.h>

#define AVLOC__RPCA_MAGIC 0x52504341u /* "RPCA" */
/* Power iterations of the SVT's randomised range finder. Plain RPCA calls
   the SVT once per iteration on a slowly changing matrix with the previous
   subspace as warm start, so the subspace iteration continues across calls
   and one round per call suffices (docs/rpca.md, "Speed": 2 -> 1 cuts the
   76 800 x 200 solve from 30.1 to 21.8 s, 35 -> 36 iterations, same tolerance).
   The ADMM stops after 20 iterations, before that continuation has
   converged: 1 round lowered the training scenes' mask F1 (0.68 -> 0.65),
   so it keeps 2. Tried and dropped (2026-12-04): none at all under
   AVLOC_SVT_AUTO. The 76 800 x 200 video took the same path ~0.3 s faster,
   but on a wide 150 x 4000 matrix the Ritz values of a run without a power
   iteration fell below tau too early, the SVT took each underestimated
   rank from one run, and L ended 0.3 % from the exact-SVT solve (with one
   round: 6.5e-7; test_plain_auto_exact). */
#ifndef AVLOC_RPCA_POWER_ITERS
#define AVLOC_RPCA_POWER_ITERS 1
#endif
#ifndef AVLOC_RPCA_AV_POWER_ITERS
#define AVLOC_RPCA_AV_POWER_ITERS 2
#endif
#define AVLOC__RPCA_AV_MAGIC 0x52504156u /* "RPAV" */
#define AVLOC__RPCA_PIPE_MAGIC 0x52505050u /* "RPPP" */

/* ------------------------------------------------------- small helpers */

static double avloc__rpca_sumsq(const float *x, size_t n)
{
    double s = 0.0;
    size_t i;
    for (i = 0; i < n; i++) s += (double)x[i] * x[i];
    return s;
}

static double avloc__rpca_maxabs(const float *x, size_t n)
{
    double mx = 0.0;
    size_t i;
    for (i = 0; i < n; i++) { double a = fabs((double)x[i]); if (a > mx) mx = a; }
    return mx;
}

/* Soft threshold (the proximal step of tau ||.||_1), as x - clamp(x, -tau,
   tau): the same values as the three-way branch (x - x = +0 inside), but
   branch-free (min/max instructions): the signs of the RPCA residuals are
   random, and the mispredicted branch dominated the element-wise pass. */
static float avloc__rpca_shrink(float x, float tau)
{
    float c = x < tau ? x : tau;
    c = c > -tau ? c : -tau;
    return x - c;
}

/* m x n product count, refusing overflow. */
static int avloc__rpca_mn(size_t m, size_t n, size_t *mn)
{
    return avloc_size_mul(m, n, mn) && *mn > 0;
}

/* --------------------------------------------------------------- SVT */
/* One SVT engine per matrix shape: the core's randomised truncated SVD with
   rank prediction (avloc_svt_f32), or, with full != 0, a full Jacobi SVD
   (avloc_svd_f32) thresholded by hand (the reference the tests compare
   with). Lives in per-call scratch: the tsvd object is mutable. */
typedef struct avloc__rpca_svt {
    avloc_tsvd *t;
    int full;
    size_t m, n, r;          /* r = min(m, n) */
    float *U, *s, *Vt;       /* full mode */
    void *svd_scr, *gemm;
    size_t svd_bytes, gemm_bytes;
} avloc__rpca_svt;

static avloc_result avloc__rpca_svt_layout(avloc_arena *a, avloc__rpca_svt *v, size_t m, size_t n,
                                           size_t max_rank, int full, size_t power, int method,
                                           const avloc_threads *th, int assume_finite)
{
    avloc_tsvd_config tc = avloc_tsvd_config_default();
    size_t tb, r = m < n ? m : n;
    void *tm;
    avloc_result e;
    memset(v, 0, sizeof *v);
    v->m = m; v->n = n; v->r = r; v->full = full;
    tc.m = m; tc.n = n;
    tc.max_rank = (max_rank == 0 || max_rank > r) ? r : max_rank;
    tc.power_iters = power;
    tc.svt_method = method;
    tc.assume_finite = assume_finite;
    if (th) tc.threads = *th;
    if ((e = avloc_tsvd_query(&tc, &tb)) != AVLOC_OK) return e;
    v->t = AVLOC_PUSH(a, avloc_tsvd, 1);
    tm = avloc_arena_push(a, tb, 1, AVLOC_ALIGN);
    if (full) {
        if ((e = avloc_svd_scratch_f32(m, n, &v->svd_bytes)) != AVLOC_OK) return e;
        if ((e = avloc_gemm_scratch_f32(m, n, r, &v->gemm_bytes)) != AVLOC_OK) return e;
        v->U = AVLOC_PUSH(a, float, m * r);  /* r <= min: m * r cannot overflow past m * n */
        v->s = AVLOC_PUSH(a, float, r);
        v->Vt = AVLOC_PUSH(a, float, r * n);
        v->svd_scr = avloc_arena_push(a, v->svd_bytes, 1, AVLOC_ALIGN);
        v->gemm = avloc_arena_push(a, v->gemm_bytes, 1, AVLOC_ALIGN);
    }
    if (a->base && avloc_arena_status(a) == AVLOC_OK)
        return avloc_tsvd_init(v->t, &tc, tm, tb);
    return AVLOC_OK;
}

/* out = U max(S - tau, 0) V^T of A (m x n, contiguous); out may be A. */
static avloc_result avloc__rpca_svt_run(avloc__rpca_svt *v, const float *A, float tau, float *out,
                                        size_t *rank)
{
    size_t i, j, k = 0;
    avloc_result e;
    if (!v->full) return avloc_svt_f32(v->t, A, v->n, tau, out, v->n, rank);
    e = avloc_svd_f32(v->m, v->n, A, v->n, v->U, v->r, v->s, v->Vt, v->n, v->svd_scr, v->svd_bytes);
    if (e != AVLOC_OK) return e;
    while (k < v->r && v->s[k] > tau) k++;
    for (i = 0; i < k; i++)
        for (j = 0; j < v->n; j++) v->Vt[i * v->n + j] *= v->s[i] - tau;
    *rank = k;
    if (k == 0) { memset(out, 0, v->m * v->n * sizeof *out); return AVLOC_OK; }
    return avloc_gemm_f32(0, 0, v->m, v->n, k, 1.0f, v->U, v->r, v->Vt, v->n, 0.0f, out, v->n,
                          v->gemm, v->gemm_bytes);
}

/* ||A||_2 by a rank-1 truncated SVD (warm start left for the SVT). It sets
   mu0 and Y0: a cold range finder without a power iteration reads the top
   value low where the spectrum is flat (a 3000 x 200 rank-5 + noise matrix:
   226.0 for 268.1; 268.0 with one, as the solvers run; test_plain_mu0). */
static avloc_result avloc__rpca_norm2(avloc__rpca_svt *v, const float *A, double *norm2)
{
    float s1 = 0.0f;
    avloc_result e = avloc_tsvd_f32(v->t, A, v->n, 1, NULL, 0, &s1, NULL, 0);
    *norm2 = s1;
    return e;
}

/* ------------------------------------------------------------ plain RPCA */

AVLOC_API avloc_rpca_config avloc_rpca_config_default(void)
{
    avloc_rpca_config c;
    memset(&c, 0, sizeof c);
    c.rho = 1.5;
    c.mu_max_ratio = 1e7;
    c.tol = 1e-7;
    c.max_iter = 500;
    return c;
}

static avloc_result avloc__rpca_check_cfg(const avloc_rpca_config *c)
{
    size_t mn;
    if (!avloc__rpca_mn(c->rows, c->cols, &mn)) return c->rows && c->cols ? AVLOC_ERR_OVERFLOW : AVLOC_ERR_SIZE;
    /* NaN tested on the bits: -ffast-math folds the comparisons below */
    if (!avloc__finite_f64(c->lambda) || !avloc__finite_f64(c->mu0) || !avloc__finite_f64(c->rho) ||
        !avloc__finite_f64(c->mu_max_ratio) || !avloc__finite_f64(c->tol))
        return AVLOC_ERR_PARAM;
    if (!(c->lambda >= 0.0) || !(c->mu0 >= 0.0) || !(c->rho >= 1.0) || !(c->mu_max_ratio >= 1.0) ||
        !(c->tol > 0.0) || c->max_iter == 0 || c->lambda > 1e30 || c->mu0 > 1e30 || c->rho > 1e3 ||
        c->mu_max_ratio > 1e30 || c->threads.workers > AVLOC_MAX_WORKERS)
        return AVLOC_ERR_PARAM;
    return AVLOC_OK;
}

/* Per-call scratch of the plain solver. */
typedef struct avloc__rpca_ws {
    avloc__rpca_svt svt;
    float *Y, *T;
    double *part;          /* per slab of the element-wise pass: 2 sums, a count, a flag */
} avloc__rpca_ws;

static avloc_result avloc__rpca_ws_layout(avloc_arena *a, const avloc_rpca_config *c, avloc__rpca_ws *w)
{
    size_t mn = c->rows * c->cols; /* checked by check_cfg */
    avloc_result e = avloc__rpca_svt_layout(a, &w->svt, c->rows, c->cols, c->max_rank, c->full_svd,
                                            AVLOC_RPCA_POWER_ITERS, c->svt_method, &c->threads, 1);
    if (e != AVLOC_OK) return e;
    w->Y = AVLOC_PUSH(a, float, mn);
    w->T = AVLOC_PUSH(a, float, mn);
    w->part = AVLOC_PUSH(a, double, 4 * AVLOC_SLABS);
    return avloc_arena_status(a);
}

static avloc_result avloc__rpca_layout(avloc_arena *a, void *obj, const void *vcfg, size_t *scratch_bytes)
{
    const avloc_rpca_config *c = (const avloc_rpca_config *)vcfg;
    avloc_arena m;
    avloc__rpca_ws w;
    avloc_result e;
    (void)a;
    avloc_arena_init(&m, NULL, 0);
    if ((e = avloc__rpca_ws_layout(&m, c, &w)) != AVLOC_OK) return e;
    *scratch_bytes = avloc_arena_needed(&m);
    if (obj) {
        avloc_rpca *r = (avloc_rpca *)obj;
        r->cfg = *c;
        r->lambda = c->lambda > 0.0 ? c->lambda
                                    : 1.0 / sqrt((double)(c->rows > c->cols ? c->rows : c->cols));
        r->scratch_bytes = *scratch_bytes;
        r->magic = AVLOC__RPCA_MAGIC;
    }
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_rpca_query(const avloc_rpca_config *cfg, size_t *obj_bytes, size_t *scratch_bytes)
{
    avloc_result e;
    if (!cfg || !obj_bytes || !scratch_bytes) return AVLOC_ERR_NULL;
    if ((e = avloc__rpca_check_cfg(cfg)) != AVLOC_OK) return e;
    return avloc_layout_query(avloc__rpca_layout, cfg, obj_bytes, scratch_bytes);
}

AVLOC_API avloc_result avloc_rpca_init(avloc_rpca *r, const avloc_rpca_config *cfg, void *mem, size_t bytes)
{
    avloc_result e;
    if (!r) return AVLOC_ERR_NULL;
    memset(r, 0, sizeof *r);
    if (!cfg || !mem) return AVLOC_ERR_NULL;
    if ((e = avloc__rpca_check_cfg(cfg)) != AVLOC_OK) return e;
    return avloc_layout_init(avloc__rpca_layout, r, sizeof *r, cfg, mem, bytes);
}

AVLOC_API void avloc_rpca_destroy(avloc_rpca *r)
{
    if (r) memset(r, 0, sizeof *r);
}

/* The trivial answer for D == 0. */
static void avloc__rpca_zero(float *L, float *S, float *Yd, size_t mn, avloc_rpca_info *info)
{
    memset(L, 0, mn * sizeof *L);
    memset(S, 0, mn * sizeof *S);
    if (Yd) memset(Yd, 0, mn * sizeof *Yd);
    memset(info, 0, sizeof *info);
    info->converged = 1;
}

/* The vector kernels (template section at the end of this file), compiled
   here once per set; AVLOC__VCALL_D runs the one this CPU has (it needs
   double vectors: ARMv7 NEON runs the scalar loop). */
#define AVLOC__VPASS AVLOC__VPASS_RPCA
#define AVLOC__VFILE AVLOC_RPCA_FILE
#define AVLOC__VNEED_D 1
#include AVLOC_CORE_FILE /* the per-set driver */
#undef AVLOC__VNEED_D
#undef AVLOC__VFILE
#undef AVLOC__VPASS

/* The element-wise part of one ALM iteration after the SVT, fused into one
   pass over the m x n arrays (memory-bound at 76 800 x 200; the single
   double accumulator chains of three separate passes were a third of the
   solve's time): S = shrink(D - L + Y/mu, lambda/mu), Y += mu (D - L - S),
   and the next SVT input T = D - S + Y/mu_next. Sums in 8 independent
   double lanes: out[0] = ||S_new - S_old||^2, out[1] = ||D - L - S||^2,
   out[2] = the count of non-zero S, out[3] = 1 if some T is Inf or NaN
   (the SVT's input check, done here while T is in registers: the SVT
   object skips its own pass over T). This is one slab's range [i0, i1). */
static void avloc__rpca_alm_range(const float *D, const float *L, float *S, float *Y, float *T, size_t mn,
                                  const float c[4], double out[4])
{
    const float imu = c[0], tau = c[1], fmu = c[2], inext = c[3];
    double ds[8] = {0}, z2[8] = {0};
    size_t i, k, cnt = 0;
    int bad = 0;
    i = AVLOC__VCALL_D(avloc__rpca_vk_alm, (D, L, S, Y, T, mn, c, ds, z2, &cnt, &bad), 0);
    for (; i < mn; i += 8) {
        size_t e = mn - i < 8 ? mn - i : 8;
        for (k = 0; k < e; k++) {
            size_t j = i + k;
            float s = avloc__rpca_shrink(D[j] - L[j] + Y[j] * imu, tau), z;
            ds[k] += (double)(s - S[j]) * (s - S[j]);
            cnt += s != 0.0f;
            S[j] = s;
            z = D[j] - L[j] - s;
            z2[k] += (double)z * z;
            Y[j] += fmu * z;
            T[j] = D[j] - s + Y[j] * inext;
            bad |= !avloc__finite_f32(T[j]);
        }
    }
    out[0] = out[1] = 0.0;
    for (k = 0; k < 8; k++) { out[0] += ds[k]; out[1] += z2[k]; }
    out[2] = (double)cnt;
    out[3] = bad;
}

/* The pass in avloc__slabs fixed slabs (whole blocks of 64 elements; tasks
   for the workers), each slab's sums in part[4 slab ..], added in slab
   order: the same bits for every worker count. */
typedef struct avloc__rpca_ajob {
    const float *D, *L;
    float *S, *Y, *T;
    size_t mn, slabs;
    float c[4];
    double *part;
} avloc__rpca_ajob;

static void avloc__rpca_alm_task(void *ctx, size_t slab, size_t worker)
{
    const avloc__rpca_ajob *j = (const avloc__rpca_ajob *)ctx;
    size_t blocks = (j->mn + 63) / 64, i0 = slab * blocks / j->slabs * 64, i1 = (slab + 1) * blocks / j->slabs * 64;
    (void)worker;
    if (i1 > j->mn) i1 = j->mn;
    if (i0 >= i1) { memset(j->part + 4 * slab, 0, 4 * sizeof *j->part); return; }
    avloc__rpca_alm_range(j->D + i0, j->L + i0, j->S + i0, j->Y + i0, j->T + i0, i1 - i0, j->c,
                          j->part + 4 * slab);
}

static void avloc__rpca_alm_step(const avloc_rpca *r, const float *D, const float *L, float *S,
                                 avloc__rpca_ws *w, double mu, double mu_next, double out[2], size_t *nnz,
                                 int *bad)
{
    avloc__rpca_ajob j;
    double cnt = 0.0;
    size_t s;
    j.D = D; j.L = L; j.S = S; j.Y = w->Y; j.T = w->T;
    j.mn = r->cfg.rows * r->cfg.cols;
    j.slabs = avloc__slabs((j.mn + 63) / 64);
    j.c[0] = (float)(1.0 / mu);
    j.c[1] = (float)(r->lambda / mu);
    j.c[2] = (float)mu;
    j.c[3] = (float)(1.0 / mu_next);
    j.part = w->part;
    avloc_threads_run(&r->cfg.threads, avloc__rpca_alm_task, &j, j.slabs);
    out[0] = out[1] = 0.0;
    *bad = 0;
    for (s = 0; s < j.slabs; s++) {
        out[0] += j.part[4 * s];
        out[1] += j.part[4 * s + 1];
        cnt += j.part[4 * s + 2];
        *bad |= j.part[4 * s + 3] != 0.0;
    }
    *nnz = (size_t)cnt;
}

/* The plain solve's set-up, in two passes over avloc__slabs fixed slabs of rows
   (serial, they were ~4 % of a two-thread solve; a blocked, vectorised
   pass 1 measured no faster: memory-bound): pass 0 the sums of D^2
   (8 double lanes per slab; *nf = the norm) and max |D| (*ninf); pass 1
   Y = D / scale, S = 0 and the first SVT input T = D + Y imu, *bad = 1
   when T has an Inf or NaN. */
typedef struct avloc__rpca_sjob {
    const float *D;
    float *S, *Y, *T;
    size_t m, n, slabs;
    int pass;
    double scale;
    float imu;
    double *part;
} avloc__rpca_sjob;

static void avloc__rpca_setup_task(void *ctx, size_t slab, size_t worker)
{
    const avloc__rpca_sjob *j = (const avloc__rpca_sjob *)ctx;
    size_t i0 = slab * j->m / j->slabs * j->n, i1 = (slab + 1) * j->m / j->slabs * j->n, i, k;
    double *o = j->part + 4 * slab;
    int bad = 0;
    (void)worker;
    if (j->pass == 0) { /* the sum in 8 lanes (vectorisable), not avloc__rpca_sumsq's one */
        double a[8] = {0};
        for (i = i0; i < i1; i += 8)
            for (k = 0; k < 8 && i + k < i1; k++) a[k] += (double)j->D[i + k] * j->D[i + k];
        o[0] = a[0] + a[1] + a[2] + a[3] + a[4] + a[5] + a[6] + a[7];
        o[1] = avloc__rpca_maxabs(j->D + i0, i1 - i0);
        return;
    }
    for (i = i0; i < i1; i++) {
        j->Y[i] = (float)(j->D[i] / j->scale);
        j->T[i] = j->D[i] + j->Y[i] * j->imu;
        bad |= !avloc__finite_f32(j->T[i]);
    }
    memset(j->S + i0, 0, (i1 - i0) * sizeof *j->S);
    o[3] = bad;
}

static void avloc__rpca_setup(const avloc_rpca *r, const float *D, float *S, avloc__rpca_ws *w, int pass,
                              double scale, float imu, double *nf, double *ninf, int *bad)
{
    avloc__rpca_sjob j;
    size_t s;
    double ss = 0.0;
    j.D = D; j.S = S; j.Y = w->Y; j.T = w->T;
    j.m = r->cfg.rows;
    j.n = r->cfg.cols;
    j.slabs = avloc__slabs(j.m);
    j.pass = pass;
    j.scale = scale;
    j.imu = imu;
    j.part = w->part;
    avloc_threads_run(&r->cfg.threads, avloc__rpca_setup_task, &j, j.slabs);
    if (pass == 0) {
        *ninf = 0.0;
        for (s = 0; s < j.slabs; s++) {
            ss += j.part[4 * s];
            if (j.part[4 * s + 1] > *ninf) *ninf = j.part[4 * s + 1];
        }
        *nf = sqrt(ss);
        return;
    }
    *bad = 0;
    for (s = 0; s < j.slabs; s++) *bad |= j.part[4 * s + 3] != 0.0;
}

AVLOC_API avloc_result avloc_rpca_solve_f32(const avloc_rpca *r, const float *D, float *L, float *S,
                                            float *Ydual, avloc_rpca_info *info,
                                            void *scratch, size_t scratch_bytes)
{
    avloc_rpca_info inf;
    avloc__rpca_ws w;
    avloc_arena a;
    size_t mn, it;
    double nf, n2, ninf, scale, mu, mu_max;
    int bad;
    avloc_result e;
    if (!r || !D || !L || !S || !scratch) return AVLOC_ERR_NULL;
    if (r->magic != AVLOC__RPCA_MAGIC) return AVLOC_ERR_STATE;
    mn = r->cfg.rows * r->cfg.cols;
    if (scratch_bytes < r->scratch_bytes) return AVLOC_ERR_WORKSPACE;
    {   /* each is read after another (or the scratch: the layout sets up
           its SVT object there) is written */
        const avloc__span b[] = {avloc__rd_f32(D, mn), avloc__wr_f32(L, mn), avloc__wr_f32(S, mn), avloc__wr_f32(Ydual, mn),
                                 avloc__span_of(scratch, r->scratch_bytes, 1), avloc__span_of(info, sizeof *info, 1)};
        if (AVLOC__CLASH(b)) return AVLOC_ERR_PARAM;
    }
    avloc_arena_init(&a, scratch, scratch_bytes);
    if ((e = avloc__rpca_ws_layout(&a, &r->cfg, &w)) != AVLOC_OK) return e;
    if (!avloc_all_finite_f32(D, mn)) return AVLOC_ERR_NONFINITE;
    memset(&inf, 0, sizeof inf);
    avloc__rpca_setup(r, D, S, &w, 0, 0.0, 0.0f, &nf, &ninf, &bad);
    if (nf == 0.0) { avloc__rpca_zero(L, S, Ydual, mn, info ? info : &inf); return AVLOC_OK; }
    /* D is finite: Inf or NaN from here on is float overflow (NUMERIC) */
    if ((e = avloc__rpca_norm2(&w.svt, D, &n2)) != AVLOC_OK) return e == AVLOC_ERR_NONFINITE ? AVLOC_ERR_NUMERIC : e;
    if (!(n2 > 0.0) || !avloc__finite_f64(n2)) return AVLOC_ERR_NUMERIC;
    /* Lin-Chen-Ma: Y0 = D / J(D), J = max(||D||_2, ||D||_inf / lambda) */
    scale = n2 > ninf / r->lambda ? n2 : ninf / r->lambda;
    mu = r->cfg.mu0 > 0.0 ? r->cfg.mu0 : 1.25 / n2;
    mu_max = mu * r->cfg.mu_max_ratio;
    avloc__rpca_setup(r, D, S, &w, 1, scale, (float)(1.0 / mu), &nf, &ninf, &bad); /* Y, S = 0, T */
    for (it = 1; it <= r->cfg.max_iter; it++) {
        float imu = (float)(1.0 / mu);
        double sums[2], mu_next = mu * r->cfg.rho < mu_max ? mu * r->cfg.rho : mu_max;
        /* the SVT's input check, made by the pass that wrote T (the SVT
           object skips it: assume_finite); D is finite, so this is overflow */
        if (bad) return AVLOC_ERR_NUMERIC;
        if ((e = avloc__rpca_svt_run(&w.svt, w.T, imu, L, &inf.rank)) != AVLOC_OK) return e;
        avloc__rpca_alm_step(r, D, L, S, &w, mu, mu_next, sums, &inf.nnz, &bad);
        inf.iters = it;
        inf.primal = sqrt(sums[1]) / nf;
        inf.dual = mu * sqrt(sums[0]) / nf;
        inf.mu = mu;
        mu = mu_next;
        inf.converged = inf.primal < r->cfg.tol;
        /* the callback sees every iteration, the converging one too */
        if (r->cfg.progress && r->cfg.progress(r->cfg.user, it, inf.primal, inf.dual, inf.mu)) break;
        if (inf.converged) break;
    }
    if (Ydual) memcpy(Ydual, w.Y, mn * sizeof *Ydual);
    if (info) *info = inf;
    return AVLOC_OK;
}

/* ------------------------------------------------------ audio-visual ADMM */

AVLOC_API avloc_rpca_av_config avloc_rpca_av_config_default(void)
{
    avloc_rpca_av_config c;
    memset(&c, 0, sizeof c);
    c.K = 3;
    c.lambda3 = 0.05;
    c.rho = 1.2;
    c.mu_max_ratio = 8.0;
    c.ridge = 1e-3;
    c.tol = 1e-4;
    c.max_iter = 100;
    return c;
}

static avloc_result avloc__rpca_av_check(const avloc_rpca_av_config *c)
{
    size_t t1, t2;
    if (c->pixels == 0 || c->bins == 0 || c->frames == 0 || c->K == 0) return AVLOC_ERR_SIZE;
    if (!avloc_size_mul(c->pixels, c->frames, &t1) || !avloc_size_mul(c->bins, c->frames, &t2) ||
        !avloc_size_mul(t1, 8 * sizeof(float), &t1) || !avloc_size_mul(t2, 8 * sizeof(float), &t2) ||
        !avloc_size_mul(c->frames, c->frames * sizeof(double), &t1))
        return AVLOC_ERR_OVERFLOW;
    if (c->K > c->frames || c->K > c->pixels || c->K > c->bins) return AVLOC_ERR_PARAM;
    if (!avloc__finite_f64(c->lambda1) || !avloc__finite_f64(c->lambda2) || !avloc__finite_f64(c->lambda3) ||
        !avloc__finite_f64(c->rho) || !avloc__finite_f64(c->mu0) || !avloc__finite_f64(c->mu_max_ratio) ||
        !avloc__finite_f64(c->ridge) || !avloc__finite_f64(c->tol))
        return AVLOC_ERR_PARAM; /* on the bits: -ffast-math folds NaN comparisons */
    if (!(c->lambda1 >= 0.0 && c->lambda1 < 1e30) || !(c->lambda2 >= 0.0 && c->lambda2 < 1e30) ||
        !(c->lambda3 >= 0.0 && c->lambda3 < 1e30) || !(c->rho >= 1.0 && c->rho <= 1e3) ||
        !(c->mu0 >= 0.0 && c->mu0 < 1e30) || !(c->mu_max_ratio >= 1.0 && c->mu_max_ratio < 1e30) ||
        !(c->ridge > 0.0 && c->ridge < 1e30) || !(c->tol > 0.0) || c->max_iter == 0 ||
        c->threads.workers > AVLOC_MAX_WORKERS)
        return AVLOC_ERR_PARAM;
    return AVLOC_OK;
}

/* Per-call scratch of the ADMM: SVT engines, work matrices, K x K and
   K x T double blocks, GEMM packing, the Sylvester and eigh scratch. */
typedef struct avloc__rpca_avws {
    avloc__rpca_svt sv, sa;
    float *Tv, *Ta, *DCv, *DCa;   /* work, and the current products Dv C, Da C */
    float *WCv, *WCa;             /* W C^T (pixels x K, bins x K) */
    float *kk, *kt;               /* K x K and K x T float results */
    double *Md, *Rd, *Cd;         /* K x K, K x T, K x T */
    double *G, *ev, *w;           /* start: T x T Gram, its eigenvectors, eigenvalues */
    float *Gf, *med;              /* T x T float Gram, T median buffer */
    void *gemm, *syl, *eig;
    size_t gemm_bytes, syl_bytes, eig_bytes;
} avloc__rpca_avws;

static avloc_result avloc__rpca_avws_layout(avloc_arena *a, const avloc_rpca_av *o, avloc__rpca_avws *w)
{
    const avloc_rpca_av_config *c = &o->cfg;
    size_t I1 = c->pixels, I2 = c->bins, T = c->frames, K = c->K, big = I1 > I2 ? I1 : I2;
    avloc_result e;
    memset(w, 0, sizeof *w);
    if ((e = avloc__rpca_svt_layout(a, &w->sv, I1, T, c->max_rank, 0, AVLOC_RPCA_AV_POWER_ITERS,
                                    c->svt_method, &c->threads, 0)) != AVLOC_OK)
        return e;
    if ((e = avloc__rpca_svt_layout(a, &w->sa, I2, T, c->max_rank, 0, AVLOC_RPCA_AV_POWER_ITERS,
                                    c->svt_method, &c->threads, 0)) != AVLOC_OK)
        return e;
    if ((e = avloc_gemm_scratch_f32(big > T ? big : T, big > T ? big : T, big > T ? big : T,
                                    &w->gemm_bytes)) != AVLOC_OK)
        return e;
    if ((e = avloc_eigh_tridiag_scratch_f64(T, &w->eig_bytes)) != AVLOC_OK) return e;
    w->syl_bytes = o->syl.scratch_bytes;
    w->Tv = AVLOC_PUSH(a, float, I1 * T);
    w->DCv = AVLOC_PUSH(a, float, I1 * T);
    w->Ta = AVLOC_PUSH(a, float, I2 * T);
    w->DCa = AVLOC_PUSH(a, float, I2 * T);
    w->WCv = AVLOC_PUSH(a, float, I1 * K);
    w->WCa = AVLOC_PUSH(a, float, I2 * K);
    w->kk = AVLOC_PUSH(a, float, K * K);
    w->kt = AVLOC_PUSH(a, float, K * T);
    w->Md = AVLOC_PUSH(a, double, K * K);
    w->Rd = AVLOC_PUSH(a, double, K * T);
    w->Cd = AVLOC_PUSH(a, double, K * T);
    w->G = AVLOC_PUSH(a, double, T * T);
    w->ev = AVLOC_PUSH(a, double, T * T);
    w->w = AVLOC_PUSH(a, double, T);
    w->Gf = AVLOC_PUSH(a, float, T * T);
    w->med = AVLOC_PUSH(a, float, T);
    w->gemm = avloc_arena_push(a, w->gemm_bytes, 1, AVLOC_ALIGN);
    w->syl = avloc_arena_push(a, w->syl_bytes, 1, AVLOC_ALIGN);
    w->eig = avloc_arena_push(a, w->eig_bytes, 1, AVLOC_ALIGN);
    return avloc_arena_status(a);
}

static avloc_result avloc__rpca_av_layout(avloc_arena *a, void *obj, const void *vcfg, size_t *scratch_bytes)
{
    const avloc_rpca_av_config *c = (const avloc_rpca_av_config *)vcfg;
    avloc_rpca_av tmp, *o = obj ? (avloc_rpca_av *)obj : &tmp;
    avloc_sylvester_path_config pc;
    avloc__rpca_avws w;
    avloc_arena m;
    size_t ob, sb;
    void *mem;
    avloc_result e;
    memset(&tmp, 0, sizeof tmp);
    pc.k = c->K;
    pc.t = c->frames;
    if ((e = avloc_sylvester_path_query(&pc, &ob, &sb)) != AVLOC_OK) return e;
    mem = avloc_arena_push(a, ob, 1, AVLOC_ALIGN);
    if (obj) {
        if (!mem) return AVLOC_ERR_WORKSPACE;
        if ((e = avloc_sylvester_path_init(&o->syl, &pc, mem, ob)) != AVLOC_OK) return e;
    } else {
        o->syl.scratch_bytes = sb;
    }
    o->cfg = *c;
    o->lambda1 = c->lambda1 > 0.0 ? c->lambda1 : 1.0 / sqrt((double)(c->pixels > c->frames ? c->pixels : c->frames));
    o->lambda2 = c->lambda2 > 0.0 ? c->lambda2 : 1.0 / sqrt((double)(c->bins > c->frames ? c->bins : c->frames));
    avloc_arena_init(&m, NULL, 0);
    if ((e = avloc__rpca_avws_layout(&m, o, &w)) != AVLOC_OK) return e;
    *scratch_bytes = o->scratch_bytes = avloc_arena_needed(&m);
    if (obj) {
        o->mem = avloc__extent_of(a);
        o->magic = AVLOC__RPCA_AV_MAGIC;
    }
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_rpca_av_query(const avloc_rpca_av_config *cfg, size_t *obj_bytes,
                                           size_t *scratch_bytes)
{
    avloc_result e;
    if (!cfg || !obj_bytes || !scratch_bytes) return AVLOC_ERR_NULL;
    if ((e = avloc__rpca_av_check(cfg)) != AVLOC_OK) return e;
    return avloc_layout_query(avloc__rpca_av_layout, cfg, obj_bytes, scratch_bytes);
}

AVLOC_API avloc_result avloc_rpca_av_init(avloc_rpca_av *o, const avloc_rpca_av_config *cfg, void *mem,
                                          size_t bytes)
{
    avloc_result e;
    if (!o) return AVLOC_ERR_NULL;
    memset(o, 0, sizeof *o);
    if (!cfg || !mem) return AVLOC_ERR_NULL;
    if ((e = avloc__rpca_av_check(cfg)) != AVLOC_OK) return e;
    return avloc_layout_init(avloc__rpca_av_layout, o, sizeof *o, cfg, mem, bytes);
}

AVLOC_API void avloc_rpca_av_destroy(avloc_rpca_av *o)
{
    if (!o) return;
    avloc_sylvester_path_destroy(&o->syl);
    memset(o, 0, sizeof *o);
}

static avloc_result avloc__rpca_state_layout(avloc_arena *a, void *obj, const void *vo, size_t *scratch_bytes)
{
    const avloc_rpca_av *o = (const avloc_rpca_av *)vo;
    avloc_rpca_av_state tmp, *s = obj ? (avloc_rpca_av_state *)obj : &tmp;
    size_t v = o->cfg.pixels * o->cfg.frames, u = o->cfg.bins * o->cfg.frames, K = o->cfg.K;
    *scratch_bytes = 0;
    s->pixels = o->cfg.pixels;
    s->bins = o->cfg.bins;
    s->frames = o->cfg.frames;
    s->K = K;
    s->Bv = AVLOC_PUSH(a, float, v);
    s->Pv = AVLOC_PUSH(a, float, v);
    s->Y = AVLOC_PUSH(a, float, v);
    s->G = AVLOC_PUSH(a, float, v);
    s->Ba = AVLOC_PUSH(a, float, u);
    s->Pa = AVLOC_PUSH(a, float, u);
    s->Z = AVLOC_PUSH(a, float, u);
    s->F = AVLOC_PUSH(a, float, u);
    s->Dv = AVLOC_PUSH(a, float, o->cfg.pixels * K);
    s->Da = AVLOC_PUSH(a, float, o->cfg.bins * K);
    s->C = AVLOC_PUSH(a, float, K * o->cfg.frames);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_rpca_av_state_query(const avloc_rpca_av *o, size_t *bytes)
{
    if (!o || !bytes) return AVLOC_ERR_NULL;
    if (o->magic != AVLOC__RPCA_AV_MAGIC) return AVLOC_ERR_STATE;
    return avloc_layout_query(avloc__rpca_state_layout, o, bytes, NULL);
}

AVLOC_API avloc_result avloc_rpca_av_state_init(avloc_rpca_av_state *s, const avloc_rpca_av *o, void *mem,
                                                size_t bytes)
{
    if (!s) return AVLOC_ERR_NULL;
    memset(s, 0, sizeof *s);
    if (!o || !mem) return AVLOC_ERR_NULL;
    if (o->magic != AVLOC__RPCA_AV_MAGIC) return AVLOC_ERR_STATE;
    return avloc_layout_init(avloc__rpca_state_layout, s, sizeof *s, o, mem, bytes);
}

#define AVLOC__RPCA_STATE_SPANS 12
/* The state's arrays as spans (written) and the object's memory (read),
   for the overlap checks. */
static void avloc__rpca_state_spans(const avloc_rpca_av *o, const avloc_rpca_av_state *s, avloc__span *b)
{
    const size_t P = o->cfg.pixels, B = o->cfg.bins, T = o->cfg.frames, K = o->cfg.K;
    b[0] = avloc__wr_f32(s->Bv, P * T); b[1] = avloc__wr_f32(s->Pv, P * T); b[2] = avloc__wr_f32(s->Y, P * T);
    b[3] = avloc__wr_f32(s->G, P * T); b[4] = avloc__wr_f32(s->Ba, B * T); b[5] = avloc__wr_f32(s->Pa, B * T);
    b[6] = avloc__wr_f32(s->Z, B * T); b[7] = avloc__wr_f32(s->F, B * T); b[8] = avloc__wr_f32(s->Dv, P * K);
    b[9] = avloc__wr_f32(s->Da, B * K); b[10] = avloc__wr_f32(s->C, K * T);
    b[11] = avloc__object_span(o->mem, 0);
}

/* 1 when the state's arrays, the outputs Pv_out / Pa_out, info and
   windows (NULL: none) or used bytes of scratch meet each other, the clip
   V, A (total frames) or the object's memory. */
static int avloc__rpca_av_clash(const avloc_rpca_av *o, const float *V, const float *A, size_t total,
                                const avloc_rpca_av_state *s, const float *Pv_out, const float *Pa_out,
                                const avloc_rpca_info *info, const size_t *windows, const void *scratch, size_t used)
{
    const size_t P = o->cfg.pixels, B = o->cfg.bins;
    avloc__span b[6 + AVLOC__RPCA_STATE_SPANS];
    b[0] = avloc__rd_f32(V, P * total);
    b[1] = avloc__rd_f32(A, B * total);
    b[2] = avloc__wr_f32(Pv_out, P * total);
    b[3] = avloc__wr_f32(Pa_out, B * total);
    b[4] = avloc__span_of(info, sizeof *info, 1);
    b[5] = avloc__span_of(windows, sizeof *windows, 1);
    avloc__rpca_state_spans(o, s, b + 6);
    return avloc__clash_scratch(b, sizeof b / sizeof *b, scratch, used);
}

/* Common entry checks of the compute calls (info: the solve's, or NULL);
   lays the scratch out. */
static avloc_result avloc__rpca_av_enter(const avloc_rpca_av *o, const float *V, const float *A,
                                         const avloc_rpca_av_state *s, const avloc_rpca_info *info, void *scratch,
                                         size_t bytes, avloc__rpca_avws *w)
{
    avloc_arena a;
    avloc_result e;
    if (!o || !V || !A || !s || !scratch) return AVLOC_ERR_NULL;
    if (o->magic != AVLOC__RPCA_AV_MAGIC) return AVLOC_ERR_STATE;
    if (!s->Bv || !s->C) return AVLOC_ERR_STATE;
    if (s->pixels != o->cfg.pixels || s->bins != o->cfg.bins || s->frames != o->cfg.frames || s->K != o->cfg.K)
        return AVLOC_ERR_STATE; /* a state made for another object */
    if (bytes < o->scratch_bytes) return AVLOC_ERR_WORKSPACE;
    /* before the layout, which sets up its SVT objects in scratch */
    if (avloc__rpca_av_clash(o, V, A, o->cfg.frames, s, NULL, NULL, info, NULL, scratch, o->scratch_bytes))
        return AVLOC_ERR_PARAM;
    avloc_arena_init(&a, scratch, bytes);
    if ((e = avloc__rpca_avws_layout(&a, o, w)) != AVLOC_OK) return e;
    return AVLOC_OK;
}

/* Median of x[0..n) (numpy's: mean of the two middle values for even n),
   by quickselect on buf (overwritten). */
static float avloc__rpca_select(float *b, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        float p = b[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (b[i] < p) i++;
            while (b[j] > p) j--;
            if (i <= j) { float t = b[i]; b[i] = b[j]; b[j] = t; i++; if (j == 0) break; j--; }
        }
        if (k <= j) hi = j;
        else if (k >= i) lo = i;
        else return b[k];
    }
    return b[k];
}

static float avloc__rpca_median(const float *x, size_t n, float *buf)
{
    float hi, lo;
    size_t i;
    memcpy(buf, x, n * sizeof *buf);
    hi = avloc__rpca_select(buf, n, n / 2);
    if (n % 2) return hi;
    lo = buf[0];
    for (i = 1; i < n / 2; i++) if (buf[i] > lo) lo = buf[i]; /* max of the lower half */
    return (float)(0.5 * ((double)lo + hi));
}

/* R = X minus each row's temporal median; returns ||R||_F^2. */
static double avloc__rpca_residual(const float *X, size_t rows, size_t T, float *R, float *buf)
{
    size_t i, t;
    for (i = 0; i < rows; i++) {
        float md = avloc__rpca_median(X + i * T, T, buf);
        for (t = 0; t < T; t++) R[i * T + t] = X[i * T + t] - md;
    }
    return avloc__rpca_sumsq(R, rows * T);
}

/* G += R^T R / ||R||^2 (T x T double), skipped when R == 0. */
static avloc_result avloc__rpca_gram_add(avloc__rpca_avws *w, const float *R, size_t rows, size_t T, double r2)
{
    size_t i;
    avloc_result e;
    if (r2 == 0.0) return AVLOC_OK;
    e = avloc_gemm_f32(1, 0, T, T, rows, 1.0f, R, T, R, T, 0.0f, w->Gf, T, w->gemm, w->gemm_bytes);
    if (e != AVLOC_OK) return e;
    for (i = 0; i < T * T; i++) w->G[i] += w->Gf[i] / r2;
    return AVLOC_OK;
}

/* C0: the top-K eigenvectors of G as rows, each signed so that its entry of
   largest magnitude is positive (a deterministic choice). */
static void avloc__rpca_top_rows(const double *ev, size_t T, size_t K, float *C)
{
    size_t k, t;
    for (k = 0; k < K; k++) {
        size_t col = T - 1 - k; /* eigh: ascending */
        double big = 0.0;
        for (t = 0; t < T; t++) {
            double v = ev[t * T + col];
            if (fabs(v) > fabs(big)) big = v;
        }
        for (t = 0; t < T; t++) C[k * T + t] = (float)(big < 0 ? -ev[t * T + col] : ev[t * T + col]);
    }
}

/* Products P = D C, B = X - P, multipliers zero. */
static avloc_result avloc__rpca_fill_from_dc(avloc__rpca_avws *w, const float *X, const float *D,
                                             const float *C, size_t rows, size_t T, size_t K, float *P,
                                             float *B, float *M1, float *M2)
{
    size_t i, n = rows * T;
    avloc_result e = avloc_gemm_f32(0, 0, rows, T, K, 1.0f, D, K, C, T, 0.0f, P, T, w->gemm, w->gemm_bytes);
    if (e != AVLOC_OK) return e;
    for (i = 0; i < n; i++) B[i] = X[i] - P[i];
    memset(M1, 0, n * sizeof *M1);
    memset(M2, 0, n * sizeof *M2);
    return AVLOC_OK;
}

static avloc_result avloc__rpca_av_fill(const avloc_rpca_av *o, avloc__rpca_avws *w, const float *V,
                                        const float *A, avloc_rpca_av_state *s)
{
    const avloc_rpca_av_config *c = &o->cfg;
    avloc_result e = avloc__rpca_fill_from_dc(w, V, s->Dv, s->C, c->pixels, c->frames, c->K, s->Pv, s->Bv,
                                              s->Y, s->G);
    if (e != AVLOC_OK) return e;
    e = avloc__rpca_fill_from_dc(w, A, s->Da, s->C, c->bins, c->frames, c->K, s->Pa, s->Ba, s->Z, s->F);
    s->iters = 0;
    return e;
}

/* mu0 = 1.25 / max(||V||_2, ||A||_2) unless configured. */
static avloc_result avloc__rpca_av_mu0(const avloc_rpca_av *o, avloc__rpca_avws *w, const float *V,
                                       const float *A, double *mu)
{
    double nv, na;
    avloc_result e;
    if (o->cfg.mu0 > 0.0) { *mu = o->cfg.mu0; return AVLOC_OK; }
    if ((e = avloc__rpca_norm2(&w->sv, V, &nv)) != AVLOC_OK) return e;
    if ((e = avloc__rpca_norm2(&w->sa, A, &na)) != AVLOC_OK) return e;
    if (na > nv) nv = na;
    *mu = nv > 0.0 ? 1.25 / nv : 1.0;
    return AVLOC_OK;
}

static avloc_result avloc__rpca_av_inputs(const avloc_rpca_av *o, const float *V, const float *A)
{
    if (!avloc_all_finite_f32(V, o->cfg.pixels * o->cfg.frames) ||
        !avloc_all_finite_f32(A, o->cfg.bins * o->cfg.frames))
        return AVLOC_ERR_NONFINITE;
    return AVLOC_OK;
}

/* avloc_rpca_av_start_f32 after its entry checks, with the scratch laid out in w */
static avloc_result avloc__rpca_av_start(const avloc_rpca_av *o, const float *V, const float *A,
                                         avloc_rpca_av_state *s, avloc__rpca_avws *w)
{
    const avloc_rpca_av_config *c;
    size_t T, K;
    double rv, ra;
    avloc_result e;
    if ((e = avloc__rpca_av_inputs(o, V, A)) != AVLOC_OK) return e;
    c = &o->cfg; T = c->frames; K = c->K;
    rv = avloc__rpca_residual(V, c->pixels, T, w->Tv, w->med);
    ra = avloc__rpca_residual(A, c->bins, T, w->Ta, w->med);
    memset(w->G, 0, T * T * sizeof *w->G);
    if ((e = avloc__rpca_gram_add(w, w->Tv, c->pixels, T, rv)) != AVLOC_OK) return e;
    if ((e = avloc__rpca_gram_add(w, w->Ta, c->bins, T, ra)) != AVLOC_OK) return e;
    if ((e = avloc_eigh_tridiag_f64(T, w->G, T, w->w, w->ev, T, w->eig, w->eig_bytes)) != AVLOC_OK) return e;
    avloc__rpca_top_rows(w->ev, T, K, s->C);
    /* D0 = R C0^T (least squares, C0 C0^T = I) */
    e = avloc_gemm_f32(0, 1, c->pixels, K, T, 1.0f, w->Tv, T, s->C, T, 0.0f, s->Dv, K, w->gemm, w->gemm_bytes);
    if (e != AVLOC_OK) return e;
    e = avloc_gemm_f32(0, 1, c->bins, K, T, 1.0f, w->Ta, T, s->C, T, 0.0f, s->Da, K, w->gemm, w->gemm_bytes);
    if (e != AVLOC_OK) return e;
    if ((e = avloc__rpca_av_fill(o, w, V, A, s)) != AVLOC_OK) return e;
    if ((e = avloc__rpca_av_mu0(o, w, V, A, &s->mu)) != AVLOC_OK) return e;
    s->mu_max = s->mu * o->cfg.mu_max_ratio;
    s->started = 1;
    return AVLOC_OK;
}

/* avloc_rpca_av_warm_f32 after its entry checks */
static avloc_result avloc__rpca_av_warm(const avloc_rpca_av *o, const float *V, const float *A,
                                        avloc_rpca_av_state *s, avloc__rpca_avws *w)
{
    avloc_result e;
    if (!s->started) return AVLOC_ERR_STATE; /* Dv, Da, C hold nothing yet */
    if ((e = avloc__rpca_av_inputs(o, V, A)) != AVLOC_OK) return e;
    if (!avloc_all_finite_f32(s->Dv, o->cfg.pixels * o->cfg.K) ||
        !avloc_all_finite_f32(s->Da, o->cfg.bins * o->cfg.K) ||
        !avloc_all_finite_f32(s->C, o->cfg.K * o->cfg.frames))
        return AVLOC_ERR_NONFINITE;
    if ((e = avloc__rpca_av_fill(o, w, V, A, s)) != AVLOC_OK) return e;
    if ((e = avloc__rpca_av_mu0(o, w, V, A, &s->mu)) != AVLOC_OK) return e;
    s->mu_max = s->mu * o->cfg.mu_max_ratio;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_rpca_av_start_f32(const avloc_rpca_av *o, const float *V, const float *A,
                                               avloc_rpca_av_state *s, void *scratch, size_t scratch_bytes)
{
    avloc__rpca_avws w;
    avloc_result e = avloc__rpca_av_enter(o, V, A, s, NULL, scratch, scratch_bytes, &w);
    return e != AVLOC_OK ? e : avloc__rpca_av_start(o, V, A, s, &w);
}

AVLOC_API avloc_result avloc_rpca_av_warm_f32(const avloc_rpca_av *o, const float *V, const float *A,
                                              avloc_rpca_av_state *s, void *scratch, size_t scratch_bytes)
{
    avloc__rpca_avws w;
    avloc_result e = avloc__rpca_av_enter(o, V, A, s, NULL, scratch, scratch_bytes, &w);
    return e != AVLOC_OK ? e : avloc__rpca_av_warm(o, V, A, s, &w);
}

/* Steps 4-7 for one modality: B = SVT_{1/mu}(X - DC + Y/mu),
   P = shrink_{l/mu}(DC + G/mu). Returns ||dB||^2 + ||dP||^2 in *d2. */
static avloc_result avloc__rpca_bp_step(avloc__rpca_svt *svt, const float *X, const float *DC, const float *Y,
                                        const float *G, float *B, float *P, float *Tw, size_t n, double mu,
                                        double lam, size_t *rank, double *d2)
{
    float imu = (float)(1.0 / mu), tau = (float)(lam / mu);
    double db = 0.0, dp = 0.0;
    size_t i;
    avloc_result e;
    for (i = 0; i < n; i++) Tw[i] = X[i] - DC[i] + Y[i] * imu;
    if ((e = avloc__rpca_svt_run(svt, Tw, imu, Tw, rank)) != AVLOC_OK) return e;
    for (i = 0; i < n; i++) {
        float p = avloc__rpca_shrink(DC[i] + G[i] * imu, tau);
        db += (double)(Tw[i] - B[i]) * (Tw[i] - B[i]);
        dp += (double)(p - P[i]) * (p - P[i]);
        B[i] = Tw[i];
        P[i] = p;
    }
    *d2 = db > dp ? db : dp;
    return AVLOC_OK;
}

/* W = X - B + Y/mu + P - G/mu (the data both the D and the C steps fit). */
static void avloc__rpca_w(const float *X, const float *B, const float *Y, const float *P, const float *G,
                          float *W, size_t n, double mu)
{
    float imu = (float)(1.0 / mu);
    size_t i;
    for (i = 0; i < n; i++) W[i] = X[i] - B[i] + P[i] + (Y[i] - G[i]) * imu;
}

/* Kinv = (C C^T + ridge I)^-1 in w->kk (float). */
static avloc_result avloc__rpca_cct_inv(const avloc_rpca_av *o, avloc__rpca_avws *w, const float *C)
{
    size_t K = o->cfg.K, T = o->cfg.frames, i;
    avloc_result e = avloc_gemm_f32(0, 1, K, K, T, 1.0f, C, T, C, T, 0.0f, w->kk, K, w->gemm, w->gemm_bytes);
    if (e != AVLOC_OK) return e;
    for (i = 0; i < K * K; i++) w->Md[i] = w->kk[i];
    for (i = 0; i < K; i++) w->Md[i * K + i] += o->cfg.ridge;
    if ((e = avloc_chol_f64(w->Md, K, K)) != AVLOC_OK) return e;
    avloc_chol_inverse_f64(w->Md, K, K, w->Cd, K); /* Cd used as K x K room */
    for (i = 0; i < K * K; i++) w->kk[i] = (float)w->Cd[i];
    return AVLOC_OK;
}

/* Step 8/9: D = 1/2 W C^T (C C^T + ridge I)^-1 (Kinv in w->kk). */
static avloc_result avloc__rpca_d_step(avloc__rpca_avws *w, const float *W, const float *C, size_t rows,
                                       size_t T, size_t K, float *WC, float *D)
{
    avloc_result e = avloc_gemm_f32(0, 1, rows, K, T, 1.0f, W, T, C, T, 0.0f, WC, K, w->gemm, w->gemm_bytes);
    if (e != AVLOC_OK) return e;
    return avloc_gemm_f32(0, 0, rows, K, K, 0.5f, WC, K, w->kk, K, 0.0f, D, K, w->gemm, w->gemm_bytes);
}

/* Step 10: (Dv^T Dv + Da^T Da + ridge I) C + (l3/mu) C L = 1/2 (Dv^T Wv + Da^T Wa). */
static avloc_result avloc__rpca_c_step(const avloc_rpca_av *o, avloc__rpca_avws *w, avloc_rpca_av_state *s)
{
    const avloc_rpca_av_config *c = &o->cfg;
    size_t K = c->K, T = c->frames, i;
    avloc_result e;
    if ((e = avloc_gemm_f32(1, 0, K, K, c->pixels, 1.0f, s->Dv, K, s->Dv, K, 0.0f, w->kk, K, w->gemm,
                            w->gemm_bytes)) != AVLOC_OK)
        return e;
    for (i = 0; i < K * K; i++) w->Md[i] = w->kk[i];
    if ((e = avloc_gemm_f32(1, 0, K, K, c->bins, 1.0f, s->Da, K, s->Da, K, 0.0f, w->kk, K, w->gemm,
                            w->gemm_bytes)) != AVLOC_OK)
        return e;
    for (i = 0; i < K * K; i++) w->Md[i] += w->kk[i];
    for (i = 0; i < K; i++) w->Md[i * K + i] += c->ridge;
    if ((e = avloc_gemm_f32(1, 0, K, T, c->pixels, 0.5f, s->Dv, K, w->Tv, T, 0.0f, w->kt, T, w->gemm,
                            w->gemm_bytes)) != AVLOC_OK)
        return e;
    for (i = 0; i < K * T; i++) w->Rd[i] = w->kt[i];
    if ((e = avloc_gemm_f32(1, 0, K, T, c->bins, 0.5f, s->Da, K, w->Ta, T, 0.0f, w->kt, T, w->gemm,
                            w->gemm_bytes)) != AVLOC_OK)
        return e;
    for (i = 0; i < K * T; i++) w->Rd[i] += w->kt[i];
    e = avloc_sylvester_path_f64(&o->syl, w->Md, K, c->lambda3 / s->mu, w->Rd, T, w->Cd, T, w->syl,
                                 w->syl_bytes);
    if (e != AVLOC_OK) return e;
    for (i = 0; i < K * T; i++) s->C[i] = (float)w->Cd[i];
    return AVLOC_OK;
}

/* Steps 11-14 for one modality: DC = D C, Y += mu (X - B - DC),
   G += mu (DC - P). Returns the two squared violations. */
static avloc_result avloc__rpca_mult_step(avloc__rpca_avws *w, const float *X, const float *D, const float *C,
                                          size_t rows, size_t T, size_t K, const float *B, const float *P,
                                          float *DC, float *Y, float *G, double mu, double *r1, double *r2)
{
    float fmu = (float)mu;
    double a = 0.0, b = 0.0;
    size_t i, n = rows * T;
    avloc_result e = avloc_gemm_f32(0, 0, rows, T, K, 1.0f, D, K, C, T, 0.0f, DC, T, w->gemm, w->gemm_bytes);
    if (e != AVLOC_OK) return e;
    for (i = 0; i < n; i++) {
        float z1 = X[i] - B[i] - DC[i], z2 = DC[i] - P[i];
        a += (double)z1 * z1;
        b += (double)z2 * z2;
        Y[i] += fmu * z1;
        G[i] += fmu * z2;
    }
    *r1 = a;
    *r2 = b;
    return AVLOC_OK;
}

static double avloc__rpca_max4(double a, double b, double c, double d)
{
    double m = a > b ? a : b;
    if (c > m) m = c;
    return d > m ? d : m;
}

/* One iteration; w is laid out, DCv/DCa must hold Dv C and Da C. */
static avloc_result avloc__rpca_av_iter(const avloc_rpca_av *o, avloc__rpca_avws *w, const float *V,
                                        const float *A, avloc_rpca_av_state *s, double nv, double na,
                                        double *primal, double *dual, size_t *rank)
{
    const avloc_rpca_av_config *c = &o->cfg;
    size_t I1 = c->pixels, I2 = c->bins, T = c->frames, K = c->K, ra;
    double dv, da, v1, v2, a1, a2, mu = s->mu;
    avloc_result e;
    e = avloc__rpca_bp_step(&w->sv, V, w->DCv, s->Y, s->G, s->Bv, s->Pv, w->Tv, I1 * T, mu, o->lambda1, rank, &dv);
    if (e != AVLOC_OK) return e;
    e = avloc__rpca_bp_step(&w->sa, A, w->DCa, s->Z, s->F, s->Ba, s->Pa, w->Ta, I2 * T, mu, o->lambda2, &ra, &da);
    if (e != AVLOC_OK) return e;
    avloc__rpca_w(V, s->Bv, s->Y, s->Pv, s->G, w->Tv, I1 * T, mu);
    avloc__rpca_w(A, s->Ba, s->Z, s->Pa, s->F, w->Ta, I2 * T, mu);
    if ((e = avloc__rpca_cct_inv(o, w, s->C)) != AVLOC_OK) return e;
    if ((e = avloc__rpca_d_step(w, w->Tv, s->C, I1, T, K, w->WCv, s->Dv)) != AVLOC_OK) return e;
    if ((e = avloc__rpca_d_step(w, w->Ta, s->C, I2, T, K, w->WCa, s->Da)) != AVLOC_OK) return e;
    if ((e = avloc__rpca_c_step(o, w, s)) != AVLOC_OK) return e;
    e = avloc__rpca_mult_step(w, V, s->Dv, s->C, I1, T, K, s->Bv, s->Pv, w->DCv, s->Y, s->G, mu, &v1, &v2);
    if (e != AVLOC_OK) return e;
    e = avloc__rpca_mult_step(w, A, s->Da, s->C, I2, T, K, s->Ba, s->Pa, w->DCa, s->Z, s->F, mu, &a1, &a2);
    if (e != AVLOC_OK) return e;
    *primal = sqrt(avloc__rpca_max4(v1 / (nv * nv), v2 / (nv * nv), a1 / (na * na), a2 / (na * na)));
    *dual = sqrt(dv / (nv * nv) > da / (na * na) ? dv / (nv * nv) : da / (na * na));
    mu *= c->rho;
    s->mu = mu < s->mu_max ? mu : s->mu_max; /* step 15: mu = min(rho mu, mu_max) */
    s->iters++;
    return AVLOC_OK;
}

/* ||V||_F and ||A||_F, 1 where zero (the residuals are then absolute). */
static void avloc__rpca_av_norms(const avloc_rpca_av *o, const float *V, const float *A, double *nv, double *na)
{
    *nv = sqrt(avloc__rpca_sumsq(V, o->cfg.pixels * o->cfg.frames));
    *na = sqrt(avloc__rpca_sumsq(A, o->cfg.bins * o->cfg.frames));
    if (*nv == 0.0) *nv = 1.0;
    if (*na == 0.0) *na = 1.0;
}

static avloc_result avloc__rpca_av_products(const avloc_rpca_av *o, avloc__rpca_avws *w,
                                            const avloc_rpca_av_state *s)
{
    const avloc_rpca_av_config *c = &o->cfg;
    avloc_result e = avloc_gemm_f32(0, 0, c->pixels, c->frames, c->K, 1.0f, s->Dv, c->K, s->C, c->frames, 0.0f,
                                    w->DCv, c->frames, w->gemm, w->gemm_bytes);
    if (e != AVLOC_OK) return e;
    return avloc_gemm_f32(0, 0, c->bins, c->frames, c->K, 1.0f, s->Da, c->K, s->C, c->frames, 0.0f, w->DCa,
                          c->frames, w->gemm, w->gemm_bytes);
}

AVLOC_API avloc_result avloc_rpca_av_iterate_f32(const avloc_rpca_av *o, const float *V, const float *A,
                                                 avloc_rpca_av_state *s, double *primal, double *dual,
                                                 void *scratch, size_t scratch_bytes)
{
    avloc__rpca_avws w;
    double nv, na, p, d;
    size_t rank;
    avloc_result e = avloc__rpca_av_enter(o, V, A, s, NULL, scratch, scratch_bytes, &w);
    if (e != AVLOC_OK) return e;
    if (!s->started) return AVLOC_ERR_STATE;
    if ((e = avloc__rpca_av_inputs(o, V, A)) != AVLOC_OK) return e;
    if (!(s->mu > 0.0 && s->mu < 1e30)) return AVLOC_ERR_PARAM;
    {   /* the two figures are stored last: apart from each other, the inputs and the state */
        avloc__span b[5 + AVLOC__RPCA_STATE_SPANS];
        b[0] = avloc__span_of(primal, sizeof *primal, 1);
        b[1] = avloc__span_of(dual, sizeof *dual, 1);
        b[2] = avloc__rd_f32(V, o->cfg.pixels * o->cfg.frames);
        b[3] = avloc__rd_f32(A, o->cfg.bins * o->cfg.frames);
        b[4] = avloc__span_of(s, sizeof *s, 0);
        avloc__rpca_state_spans(o, s, b + 5);
        if (avloc__clash_scratch(b, sizeof b / sizeof *b, scratch, o->scratch_bytes)) return AVLOC_ERR_PARAM;
    }
    avloc__rpca_av_norms(o, V, A, &nv, &na);
    if ((e = avloc__rpca_av_products(o, &w, s)) != AVLOC_OK) return e;
    /* one step, mu capped at the state's mu_max as in the solve */
    if ((e = avloc__rpca_av_iter(o, &w, V, A, s, nv, na, &p, &d, &rank)) != AVLOC_OK) return e;
    if (primal) *primal = p;
    if (dual) *dual = d;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_rpca_av_solve_f32(const avloc_rpca_av *o, const float *V, const float *A,
                                               avloc_rpca_av_state *s, int warm, avloc_rpca_info *info,
                                               void *scratch, size_t scratch_bytes)
{
    avloc__rpca_avws w;
    avloc_rpca_info inf;
    double nv, na;
    size_t it, i, n;
    /* one entry check for start (or warm) and the iterations, info among
       its buffers; the scratch is laid out afresh for the iterations, as a
       separate start then solve would */
    avloc_result e = avloc__rpca_av_enter(o, V, A, s, info, scratch, scratch_bytes, &w);
    if (e != AVLOC_OK) return e;
    if ((e = warm ? avloc__rpca_av_warm(o, V, A, s, &w) : avloc__rpca_av_start(o, V, A, s, &w)) != AVLOC_OK) return e;
    if ((e = avloc__rpca_av_enter(o, V, A, s, info, scratch, scratch_bytes, &w)) != AVLOC_OK) return e;
    memset(&inf, 0, sizeof inf);
    avloc__rpca_av_norms(o, V, A, &nv, &na);
    if ((e = avloc__rpca_av_products(o, &w, s)) != AVLOC_OK) return e;
    for (it = 1; it <= o->cfg.max_iter; it++) {
        e = avloc__rpca_av_iter(o, &w, V, A, s, nv, na, &inf.primal, &inf.dual, &inf.rank);
        if (e != AVLOC_OK) return e;
        inf.iters = it;
        inf.mu = s->mu;
        inf.converged = inf.primal < o->cfg.tol && inf.dual < o->cfg.tol;
        if (o->cfg.progress && o->cfg.progress(o->cfg.user, it, inf.primal, inf.dual, inf.mu)) break;
        if (inf.converged) break;
    }
    n = o->cfg.pixels * o->cfg.frames;
    for (i = 0; i < n; i++) inf.nnz += s->Pv[i] != 0.0f;
    if (info) *info = inf;
    return AVLOC_OK;
}

/* 1 if an a x b x c float array has a byte count that fits size_t (the
   building blocks index whole clips with a single size_t). */
static int avloc__rpca_fits3(size_t a, size_t b, size_t c)
{
    size_t e;
    return avloc_size_mul(a, b, &e) && avloc_size_mul(e, c, &e) && avloc_size_mul(e, sizeof(float), &e);
}

/* ---------------------------------------------------------- windowed mode */
/* Window scratch: the solve's scratch + the window's V and A + counts. */
typedef struct avloc__rpca_winws {
    void *solve;
    float *Vw, *Aw, *cnt;
} avloc__rpca_winws;

static avloc_result avloc__rpca_winws_layout(avloc_arena *a, const avloc_rpca_av *o, size_t total,
                                             avloc__rpca_winws *w)
{
    w->solve = avloc_arena_push(a, o->scratch_bytes, 1, AVLOC_ALIGN);
    w->Vw = AVLOC_PUSH(a, float, o->cfg.pixels * o->cfg.frames);
    w->Aw = AVLOC_PUSH(a, float, o->cfg.bins * o->cfg.frames);
    w->cnt = AVLOC_PUSH(a, float, total);
    return avloc_arena_status(a);
}

AVLOC_API avloc_result avloc_rpca_av_windows_scratch(const avloc_rpca_av *o, size_t *scratch_bytes)
{
    avloc_arena a;
    avloc__rpca_winws w;
    avloc_result e;
    if (!o || !scratch_bytes) return AVLOC_ERR_NULL;
    if (o->magic != AVLOC__RPCA_AV_MAGIC) return AVLOC_ERR_STATE;
    avloc_arena_init(&a, NULL, 0);
    /* the per-frame count array is bounded by the window: counts live in
       the window's own frames (see avloc__rpca_win_add), one per frame */
    if ((e = avloc__rpca_winws_layout(&a, o, o->cfg.frames, &w)) != AVLOC_OK) return e;
    *scratch_bytes = avloc_arena_needed(&a);
    return AVLOC_OK;
}

/* Copy columns [t0, t0 + T) of X (rows x total) into Xw (rows x T). */
static void avloc__rpca_cols(const float *X, size_t rows, size_t total, size_t t0, size_t T, float *Xw)
{
    size_t i;
    for (i = 0; i < rows; i++) memcpy(Xw + i * T, X + i * total + t0, T * sizeof *Xw);
}

/* Add window columns into out (rows x total) with weight 1; frames already
   covered by the previous window (t < done) are blended: running mean with
   the count cnt[t - t0] of windows that covered frame t. */
static void avloc__rpca_win_add(const float *Pw, size_t rows, size_t total, size_t t0, size_t T,
                                const float *cnt, float *out)
{
    size_t i, t;
    for (i = 0; i < rows; i++)
        for (t = 0; t < T; t++) {
            float *d = out + i * total + t0 + t;
            float c = cnt[t];
            *d = c > 0.0f ? (*d * c + Pw[i * T + t]) / (c + 1.0f) : Pw[i * T + t];
        }
}

/* Windows among the first nw (starts 0, hop, 2 hop, ...) that cover frame f. */
static size_t avloc__rpca_covered(size_t f, size_t T, size_t hop, size_t nw)
{
    size_t lo = f + 1 > T ? (f + 1 - T + hop - 1) / hop : 0, hi = f / hop;
    if (nw == 0) return 0;
    if (hi > nw - 1) hi = nw - 1;
    return hi >= lo ? hi - lo + 1 : 0;
}

/* C <- C shifted left by hop frames; new frames repeat the last column. */
static void avloc__rpca_shift_c(float *C, size_t K, size_t T, size_t hop)
{
    size_t k, t;
    for (k = 0; k < K; k++) {
        float *c = C + k * T;
        if (hop < T) memmove(c, c + hop, (T - hop) * sizeof *c);
        for (t = hop < T ? T - hop : 0; t < T; t++) c[t] = c[hop < T ? T - hop - 1 : T - 1];
    }
}

AVLOC_API avloc_result avloc_rpca_av_windows_f32(const avloc_rpca_av *o, const float *V, const float *A,
                                                 size_t total, size_t overlap, avloc_rpca_av_state *s,
                                                 float *Pv_out, float *Pa_out, avloc_rpca_info *info,
                                                 size_t *windows, void *scratch, size_t scratch_bytes)
{
    avloc__rpca_winws w;
    avloc_arena a;
    avloc_rpca_info wi, acc;
    size_t T, hop, t0, prev = 0, nw = 0, t;
    avloc_result e;
    if (!o || !V || !A || !s || !scratch) return AVLOC_ERR_NULL;
    if (o->magic != AVLOC__RPCA_AV_MAGIC) return AVLOC_ERR_STATE;
    T = o->cfg.frames;
    if (total < T) return AVLOC_ERR_SIZE;
    if (overlap >= T) return AVLOC_ERR_PARAM;
    hop = T - overlap;
    if (!avloc__rpca_fits3(o->cfg.pixels, total, 1) || !avloc__rpca_fits3(o->cfg.bins, total, 1))
        return AVLOC_ERR_OVERFLOW;
    {   /* every window reads V and A after earlier windows wrote their parts */
        size_t need = 0;
        if ((e = avloc_rpca_av_windows_scratch(o, &need)) != AVLOC_OK) return e;
        if (avloc__rpca_av_clash(o, V, A, total, s, Pv_out, Pa_out, info, windows, scratch,
                                 avloc__scratch_used(scratch_bytes, need)))
            return AVLOC_ERR_PARAM;
    }
    avloc_arena_init(&a, scratch, scratch_bytes);
    if ((e = avloc__rpca_winws_layout(&a, o, T, &w)) != AVLOC_OK) return e;
    /* the whole clip up front: a NaN in a late window must not leave the
       earlier windows written */
    if (!avloc_all_finite_f32(V, o->cfg.pixels * total) || !avloc_all_finite_f32(A, o->cfg.bins * total))
        return AVLOC_ERR_NONFINITE;
    memset(&acc, 0, sizeof acc);
    acc.converged = 1;
    for (t0 = 0;; t0 += hop) {
        if (t0 + T > total) t0 = total - T; /* the last window ends with the clip */
        avloc__rpca_cols(V, o->cfg.pixels, total, t0, T, w.Vw);
        avloc__rpca_cols(A, o->cfg.bins, total, t0, T, w.Aw);
        if (nw) avloc__rpca_shift_c(s->C, o->cfg.K, T, t0 - prev);
        e = avloc_rpca_av_solve_f32(o, w.Vw, w.Aw, s, nw > 0, &wi, w.solve, o->scratch_bytes);
        if (e != AVLOC_OK) return e;
        /* cnt[t]: windows before this one that covered frame t0 + t */
        for (t = 0; t < T; t++) w.cnt[t] = (float)avloc__rpca_covered(t0 + t, T, hop, nw);
        if (Pv_out) avloc__rpca_win_add(s->Pv, o->cfg.pixels, total, t0, T, w.cnt, Pv_out);
        if (Pa_out) avloc__rpca_win_add(s->Pa, o->cfg.bins, total, t0, T, w.cnt, Pa_out);
        acc.iters += wi.iters;
        if (wi.primal > acc.primal) acc.primal = wi.primal;
        if (wi.dual > acc.dual) acc.dual = wi.dual;
        acc.converged &= wi.converged;
        acc.rank = wi.rank;
        acc.mu = wi.mu;
        nw++;
        prev = t0;
        if (t0 + T >= total) break;
    }
    if (Pv_out) { size_t i, n = o->cfg.pixels * total; acc.nnz = 0; for (i = 0; i < n; i++) acc.nnz += Pv_out[i] != 0.0f; }
    if (info) *info = acc;
    if (windows) *windows = nw;
    return AVLOC_OK;
}

/* --------------------------------------------------------------- pipeline */

AVLOC_API avloc_result avloc_rpca_video_f32(const float *frames, size_t T, size_t H, size_t W,
                                            size_t down, float *V)
{
    size_t h, w, t, y, x, i, j;
    double inv;
    if (!frames || !V) return AVLOC_ERR_NULL;
    if (T == 0 || down == 0 || H < down || W < down) return AVLOC_ERR_SIZE;
    if (!avloc__rpca_fits3(T, H, W)) return AVLOC_ERR_OVERFLOW;
    h = H / down; w = W / down;
    if (avloc__overlaps_f32(frames, T * H * W, V, h * w * T)) return AVLOC_ERR_PARAM;
    if (!avloc_all_finite_f32(frames, T * H * W)) return AVLOC_ERR_NONFINITE; /* before V is written */
    inv = 1.0 / ((double)down * down);
    for (t = 0; t < T; t++) {
        const float *f = frames + t * H * W;
        for (y = 0; y < h; y++)
            for (x = 0; x < w; x++) {
                double acc = 0.0;
                for (i = 0; i < down; i++)
                    for (j = 0; j < down; j++) acc += f[(y * down + i) * W + x * down + j];
                V[(y * w + x) * T + t] = (float)(acc * inv);
            }
    }
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_rpca_pool_f32(const float *mag, size_t n_stft, size_t bins, double hop_s,
                                           double fps, size_t T, float *A)
{
    size_t t, j, f;
    if (!mag || !A) return AVLOC_ERR_NULL;
    if (n_stft == 0 || bins == 0 || T == 0) return AVLOC_ERR_SIZE;
    if (!avloc__finite_f64(hop_s) || !avloc__finite_f64(fps) || !(hop_s > 0.0 && hop_s < 1e6) ||
        !(fps > 0.0 && fps < 1e6))
        return AVLOC_ERR_PARAM;
    if (!avloc__rpca_fits3(n_stft, bins, 1) || !avloc__rpca_fits3(bins, T, 1)) return AVLOC_ERR_OVERFLOW;
    if (avloc__overlaps_f32(mag, n_stft * bins, A, bins * T)) return AVLOC_ERR_PARAM;
    for (t = 0; t < T; t++) {
        /* frames j with t/fps <= j hop_s < (t+1)/fps; clamped to n_stft before
           the conversion (a tiny hop_s makes them too large for size_t) */
        double a = (double)t / fps / hop_s, b = (double)(t + 1) / fps / hop_s;
        size_t j0, j1, cnt;
        if (a > (double)n_stft) a = (double)n_stft;
        if (b > (double)n_stft) b = (double)n_stft;
        j0 = (size_t)ceil(a); j1 = (size_t)ceil(b);
        if (j1 > n_stft) j1 = n_stft;
        if (j0 >= j1) { /* no frame inside: the nearest one */
            j0 = (size_t)floor((a + b) * 0.5 + 0.5);
            if (j0 >= n_stft) j0 = n_stft - 1;
            j1 = j0 + 1;
        }
        cnt = j1 - j0;
        for (f = 0; f < bins; f++) {
            double acc = 0.0;
            for (j = j0; j < j1; j++) acc += mag[j * bins + f];
            A[f * T + t] = (float)(acc / (double)cnt);
        }
    }
    return avloc_all_finite_f32(A, bins * T) ? AVLOC_OK : AVLOC_ERR_NONFINITE;
}

AVLOC_API avloc_result avloc_rpca_map_f32(const float *Pv, size_t pixels, size_t T, float *map)
{
    size_t p, t;
    if (!Pv || !map) return AVLOC_ERR_NULL;
    if (pixels == 0 || T == 0) return AVLOC_ERR_SIZE;
    if (!avloc__rpca_fits3(pixels, T, 1)) return AVLOC_ERR_OVERFLOW;
    if (map != Pv && avloc__overlaps_f32(map, pixels, Pv, pixels * T))
        return AVLOC_ERR_PARAM; /* map may equal Pv: row p is read before map[p] lands in it */
    for (p = 0; p < pixels; p++) {
        double acc = 0.0;
        for (t = 0; t < T; t++) acc += fabs((double)Pv[p * T + t]);
        map[p] = (float)acc;
    }
    return AVLOC_OK;
}

/* e[t] = sum_f |A[f][t] - median_t A[f]|: how much the sound changes per frame. */
static void avloc__rpca_audio_change(const float *A, size_t bins, size_t T, float *buf, float *e)
{
    size_t f, t;
    for (t = 0; t < T; t++) e[t] = 0.0f;
    for (f = 0; f < bins; f++) {
        float md = avloc__rpca_median(A + f * T, T, buf);
        for (t = 0; t < T; t++) e[t] += (float)fabs((double)A[f * T + t] - md);
    }
}

/* Pearson correlation of r and e over T frames from their sums; 0 when
   either is constant (no variance). */
static double avloc__rpca_pearson(double sr, double srr, double se, double see, double sre, size_t T)
{
    double n = (double)T, vr = srr - sr * sr / n, ve = see - se * se / n;
    if (!(vr > 1e-30 * (srr + 1e-300)) || !(ve > 1e-30 * (see + 1e-300))) return 0.0;
    return (sre - sr * se / n) / sqrt(vr * ve);
}

AVLOC_API avloc_result avloc_rpca_corr_map_f32(const float *V, size_t pixels, const float *A, size_t bins,
                                               size_t T, double power, float *tmp, float *map)
{
    size_t p, t;
    double se = 0.0, see = 0.0;
    float *buf, *e;
    if (!V || !A || !tmp || !map) return AVLOC_ERR_NULL;
    if (pixels == 0 || bins == 0 || T == 0) return AVLOC_ERR_SIZE;
    if (!avloc__rpca_fits3(pixels, T, 1) || !avloc__rpca_fits3(bins, T, 1) || !avloc__rpca_fits3(T, 2, 1))
        return AVLOC_ERR_OVERFLOW;
    if (!avloc__finite_f64(power) || !(power > 0.0 && power <= 64.0)) return AVLOC_ERR_PARAM;
    if (avloc__overlaps_f32(tmp, 2 * T, V, pixels * T) || avloc__overlaps_f32(tmp, 2 * T, A, bins * T) ||
        avloc__overlaps_f32(tmp, 2 * T, map, pixels) || avloc__overlaps_f32(map, pixels, A, bins * T) ||
        (map != V && avloc__overlaps_f32(map, pixels, V, pixels * T)))
        return AVLOC_ERR_PARAM; /* map may equal V: row p is read before map[p] lands in it */
    if (!avloc_all_finite_f32(V, pixels * T) || !avloc_all_finite_f32(A, bins * T)) return AVLOC_ERR_NONFINITE;
    buf = tmp;
    e = tmp + T;
    avloc__rpca_audio_change(A, bins, T, buf, e);
    for (t = 0; t < T; t++) { se += e[t]; see += (double)e[t] * e[t]; }
    for (p = 0; p < pixels; p++) {
        const float *x = V + p * T;
        double md = avloc__rpca_median(x, T, buf), sr = 0.0, srr = 0.0, sre = 0.0, c;
        for (t = 0; t < T; t++) {
            double r = fabs((double)x[t] - md);
            sr += r; srr += r * r; sre += r * e[t];
        }
        c = avloc__rpca_pearson(sr, srr, se, see, sre, T);
        map[p] = c > 0.0 ? (float)(sr * pow(c, power)) : 0.0f;
    }
    return AVLOC_OK;
}

/* The q-quantile of x[0..n) by numpy's linear rule (x[k] + f (x[k+1] -
   x[k]) at position q (n - 1) of the sorted values), on buf. */
static float avloc__rpca_quantile(const float *x, size_t n, double q, float *buf)
{
    double pos = q * (double)(n - 1), f;
    size_t k = (size_t)pos, i;
    float lo, hi;
    f = pos - (double)k;
    memcpy(buf, x, n * sizeof *buf);
    lo = avloc__rpca_select(buf, n, k);
    if (k + 1 >= n || f == 0.0) return lo;
    hi = buf[k + 1]; /* the next value up: the smallest above position k */
    for (i = k + 2; i < n; i++) if (buf[i] < hi) hi = buf[i];
    return (float)((double)lo + f * ((double)hi - lo));
}

/* w = X^T (X v) for the region's rows of V, each minus its mean; returns
   ||w||. */
static double avloc__rpca_region_power(const float *V, size_t pixels, const unsigned char *region, size_t T,
                                       const float *v, float *w)
{
    size_t p, t;
    double n2 = 0.0;
    for (t = 0; t < T; t++) w[t] = 0.0f;
    for (p = 0; p < pixels; p++) {
        const float *x = V + p * T;
        double m = 0.0, d = 0.0;
        if (!region[p]) continue;
        for (t = 0; t < T; t++) m += x[t];
        m /= (double)T;
        for (t = 0; t < T; t++) d += ((double)x[t] - m) * v[t];
        for (t = 0; t < T; t++) w[t] += (float)(d * ((double)x[t] - m));
    }
    for (t = 0; t < T; t++) n2 += (double)w[t] * w[t];
    return sqrt(n2);
}

AVLOC_API avloc_result avloc_rpca_activity_f32(const float *V, size_t pixels, const unsigned char *region,
                                               const float *A, size_t bins, size_t T, float *tmp, float *act)
{
    float *buf, *e, *v, *w;
    double nv = 0.0, se = 0.0, sig = 0.0, lo, hi;
    size_t t, it;
    if (!V || !region || !A || !tmp || !act) return AVLOC_ERR_NULL;
    if (pixels == 0 || bins == 0 || T == 0) return AVLOC_ERR_SIZE;
    if (!avloc__rpca_fits3(pixels, T, 1) || !avloc__rpca_fits3(bins, T, 1) || !avloc__rpca_fits3(T, 4, 1))
        return AVLOC_ERR_OVERFLOW;
    {   /* tmp (4 T) is written before the inputs are read */
        const avloc__span b[] = {avloc__rd_f32(V, pixels * T), avloc__span_of(region, pixels, 0), avloc__rd_f32(A, bins * T),
                                 avloc__wr_f32(tmp, 4 * T), avloc__wr_f32(act, T)};
        if (AVLOC__CLASH(b)) return AVLOC_ERR_PARAM;
    }
    if (!avloc_all_finite_f32(V, pixels * T) || !avloc_all_finite_f32(A, bins * T)) return AVLOC_ERR_NONFINITE;
    buf = tmp; e = tmp + T; v = tmp + 2 * T; w = tmp + 3 * T;
    avloc__rpca_audio_change(A, bins, T, buf, e);
    for (t = 0; t < T; t++) se += e[t];
    /* the start: e's centred copy. X^T X is semi-definite, so every step
       keeps v . (e - mean e) >= 0: the result's correlation with e is not
       negative without a sign test. A ramp when the sound does not change. */
    for (t = 0; t < T; t++) { v[t] = (float)(e[t] - se / (double)T); nv += (double)v[t] * v[t]; }
    if (!(nv > 0.0))
        for (t = 0, nv = 0.0; t < T; t++) { v[t] = (float)t - 0.5f * (float)(T - 1); nv += (double)v[t] * v[t]; }
    if (!(nv > 0.0)) { memset(act, 0, T * sizeof *act); return AVLOC_OK; } /* T = 1 */
    for (t = 0; t < T; t++) v[t] = (float)(v[t] / sqrt(nv));
    for (it = 0; it < 100; it++) {
        double move = 0.0;
        sig = avloc__rpca_region_power(V, pixels, region, T, v, w);
        if (!(sig > 0.0)) break;
        for (t = 0; t < T; t++) {
            float nw = (float)(w[t] / sig);
            move += ((double)nw - v[t]) * ((double)nw - v[t]);
            v[t] = nw;
        }
        if (move < 1e-12) break;
    }
    if (!(sig > 0.0) || !avloc__finite_f64(sig)) { memset(act, 0, T * sizeof *act); return AVLOC_OK; }
    lo = avloc__rpca_quantile(v, T, 0.05, buf);
    hi = avloc__rpca_quantile(v, T, 0.95, buf);
    for (t = 0; t < T; t++) {
        double a = hi > lo ? ((double)v[t] - lo) / (hi - lo) : 0.0;
        act[t] = (float)(a < 0.0 ? 0.0 : a > 1.0 ? 1.0 : a);
    }
    return AVLOC_OK;
}

/* out = box mean of x (rows x cols) over the in-image part of a br x bc
   window (odd sides). The mask's map smoothing and the separation gain's
   smoothing share it. */
static void avloc__rpca_box(const float *x, size_t rows, size_t cols, size_t br, size_t bc, float *out)
{
    size_t y, xx, ry = br / 2, rx = bc / 2;
    for (y = 0; y < rows; y++) {
        size_t y0 = y > ry ? y - ry : 0, y1 = y + ry + 1 < rows ? y + ry + 1 : rows;
        for (xx = 0; xx < cols; xx++) {
            size_t x0 = xx > rx ? xx - rx : 0, x1 = xx + rx + 1 < cols ? xx + rx + 1 : cols, i, j;
            double acc = 0.0;
            for (i = y0; i < y1; i++)
                for (j = x0; j < x1; j++) acc += x[i * cols + j];
            out[y * cols + xx] = (float)(acc / (double)((y1 - y0) * (x1 - x0)));
        }
    }
}

AVLOC_API avloc_result avloc_rpca_box_mean_f32(const float *x, size_t rows, size_t cols, size_t box_rows,
                                               size_t box_cols, float *out)
{
    if (!x || !out) return AVLOC_ERR_NULL;
    if (rows == 0 || cols == 0 || box_rows == 0 || box_cols == 0) return AVLOC_ERR_SIZE;
    if (!avloc__rpca_fits3(rows, cols, 1)) return AVLOC_ERR_OVERFLOW;
    if (!(box_rows & 1) || !(box_cols & 1) || avloc__overlaps_f32(x, rows * cols, out, rows * cols))
        return AVLOC_ERR_PARAM;
    if (!avloc_all_finite_f32(x, rows * cols)) return AVLOC_ERR_NONFINITE;
    avloc__rpca_box(x, rows, cols, box_rows, box_cols, out);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_rpca_mask_u8(const float *map, size_t h, size_t w, size_t down, size_t H,
                                          size_t W, size_t box, double thresh, float *tmp, unsigned char *mask)
{
    size_t y, x;
    double mx;
    if (!map || !mask || !tmp) return AVLOC_ERR_NULL;
    if (h == 0 || w == 0 || down == 0 || box == 0) return AVLOC_ERR_SIZE;
    if (!avloc__rpca_fits3(h, down, 1) || !avloc__rpca_fits3(w, down, 1) || !avloc__rpca_fits3(H, W, 1))
        return AVLOC_ERR_OVERFLOW;
    if (H < h * down || W < w * down) return AVLOC_ERR_SIZE;
    if (!avloc__finite_f64(thresh) || !(thresh >= 0.0 && thresh <= 1.0) || !(box & 1)) return AVLOC_ERR_PARAM;
    if (avloc__overlaps_f32(tmp, h * w, map, h * w) || avloc__overlaps(mask, H * W, tmp, h * w * sizeof *tmp) ||
        avloc__overlaps(mask, H * W, map, h * w * sizeof *map))
        return AVLOC_ERR_PARAM;
    if (!avloc_all_finite_f32(map, h * w)) return AVLOC_ERR_NONFINITE;
    avloc__rpca_box(map, h, w, box, box, tmp);
    mx = avloc__rpca_maxabs(tmp, h * w);
    for (y = 0; y < H; y++)
        for (x = 0; x < W; x++) {
            size_t yy = y / down, xx = x / down;
            double v = (yy < h && xx < w) ? tmp[yy * w + xx] : 0.0;
            mask[y * W + x] = (unsigned char)(mx > 0.0 && v >= thresh * mx ? 255 : 0);
        }
    return AVLOC_OK;
}

/* The hull mask's scratch: a state per map pixel (below, weak, strong, in
   the region: AVLOC__HULL_*), the breadth-first queue of the region's
   strong pixels, per row the region's leftmost and rightmost pixel, the
   rows that have any, and the chains of the hull's two sides. */
typedef struct avloc__rpca_hullws {
    unsigned char *state;
    size_t *queue, *lo, *hi, *rows, *left, *right;
} avloc__rpca_hullws;

/* An avloc_layout_fn: cfg is the map's size {h, w}; obj (or nothing, when
   measuring) receives the arrays. */
static avloc_result avloc__rpca_hull_layout(avloc_arena *a, void *obj, const void *cfg, size_t *scratch_bytes)
{
    const size_t h = ((const size_t *)cfg)[0], w = ((const size_t *)cfg)[1];
    avloc__rpca_hullws tmp, *ws = obj ? (avloc__rpca_hullws *)obj : &tmp;
    (void)scratch_bytes; /* no per-call scratch beyond the arrays themselves */
    ws->queue = AVLOC_PUSH(a, size_t, h * w);
    ws->lo = AVLOC_PUSH(a, size_t, h);
    ws->hi = AVLOC_PUSH(a, size_t, h);
    ws->rows = AVLOC_PUSH(a, size_t, h);
    ws->left = AVLOC_PUSH(a, size_t, h);
    ws->right = AVLOC_PUSH(a, size_t, h);
    ws->state = AVLOC_PUSH(a, unsigned char, h * w);
    return avloc_arena_status(a);
}

AVLOC_API avloc_result avloc_rpca_mask_hull_scratch(size_t h, size_t w, size_t *scratch_bytes)
{
    size_t hw[2];
    if (!scratch_bytes) return AVLOC_ERR_NULL;
    if (h == 0 || w == 0) return AVLOC_ERR_SIZE;
    if (!avloc__rpca_fits3(h, w, sizeof(size_t))) return AVLOC_ERR_OVERFLOW;
    hw[0] = h; hw[1] = w;
    return avloc_layout_query(avloc__rpca_hull_layout, hw, scratch_bytes, NULL);
}

/* Pixel states of the hull mask: below the threshold, weak (>= thresh of
   the maximum), strong (>= 2 thresh), in the region. */
enum { AVLOC__HULL_BELOW = 0, AVLOC__HULL_WEAK = 1, AVLOC__HULL_STRONG = 2, AVLOC__HULL_IN = 3 };

/* Marks AVLOC__HULL_IN every pixel in state `from` within r (Chebyshev) of
   the queued pixels queue[head..*tail). chain: each newly marked pixel is
   queued too (a breadth-first search: each pixel is queued once); else
   only the pixels queued before are scanned. */
static void avloc__rpca_hull_grow(unsigned char *state, size_t *queue, size_t h, size_t w, size_t head,
                                  size_t *tail, size_t r, unsigned char from, int chain)
{
    size_t end = *tail, i, j;
    if (r >= h - 1 && r >= w - 1) { /* every pixel within reach of every other: no window scans */
        for (i = 0; i < h * w; i++)
            if (state[i] == from) {
                state[i] = AVLOC__HULL_IN;
                if (chain) queue[(*tail)++] = i;
            }
        return;
    }
    for (; head < (chain ? *tail : end); head++) {
        size_t y = queue[head] / w, x = queue[head] % w;
        size_t y0 = y > r ? y - r : 0, y1 = h - y > r ? y + r + 1 : h;
        size_t x0 = x > r ? x - r : 0, x1 = w - x > r ? x + r + 1 : w;
        for (i = y0; i < y1; i++)
            for (j = x0; j < x1; j++)
                if (state[i * w + j] == from) {
                    state[i * w + j] = AVLOC__HULL_IN;
                    if (chain) queue[(*tail)++] = i * w + j;
                }
    }
}

/* One side of the convex hull of the points (y, x[y]) for the rows y in
   rows[0..n) (increasing): the lower chain (side < 0: the hull's left side,
   the largest convex function below the points) or the upper one (side > 0:
   the right side). Monotone chain; returns the chain's length in chain[]. */
static size_t avloc__rpca_hull_chain(const size_t *rows, size_t n, const size_t *x, int side, size_t *chain)
{
    size_t i, k = 0;
    for (i = 0; i < n; i++) {
        size_t r = rows[i];
        while (k >= 2) {
            size_t o = chain[k - 2], m = chain[k - 1];
            /* cross product of (m - o) and (r - o), y as abscissa, x as ordinate */
            double cr = (double)(m - o) * ((double)x[r] - (double)x[o]) -
                        ((double)x[m] - (double)x[o]) * (double)(r - o);
            if ((side < 0 && cr > 0.0) || (side > 0 && cr < 0.0)) break;
            k--;
        }
        chain[k++] = r;
    }
    return k;
}

/* The chain's x at row y (chain[*seg] <= y <= chain[*seg + 1], *seg moved
   forward as y grows), rounded inwards: ceil for the left side, floor for
   the right. The products are of integers below 2^53: exact. */
static double avloc__rpca_hull_at(const size_t *chain, size_t k, size_t *seg, const size_t *x, size_t y, int side)
{
    size_t a, b;
    double num, den;
    while (*seg + 2 < k && chain[*seg + 1] < y) (*seg)++;
    if (k == 1) return (double)x[chain[0]];
    a = chain[*seg];
    b = chain[*seg + 1];
    den = (double)(b - a);
    num = (double)x[a] * den + ((double)x[b] - (double)x[a]) * (double)(y - a);
    return side < 0 ? ceil(num / den) : floor(num / den);
}

AVLOC_API avloc_result avloc_rpca_mask_hull_u8(const float *map, size_t h, size_t w, size_t down, size_t H,
                                               size_t W, size_t link, double thresh, void *scratch,
                                               size_t scratch_bytes, unsigned char *mask)
{
    avloc__rpca_hullws ws;
    size_t need, i, y, x, n = 0, seed = 0, tail, kl, kr, sl = 0, sr = 0, hw[2];
    double strong;
    float mx;
    avloc_result e;
    if (!map || !mask || !scratch) return AVLOC_ERR_NULL;
    if ((e = avloc_rpca_mask_hull_scratch(h, w, &need)) != AVLOC_OK) return e;
    if (down == 0) return AVLOC_ERR_SIZE;
    if (!avloc__rpca_fits3(h, down, 1) || !avloc__rpca_fits3(w, down, 1) || !avloc__rpca_fits3(H, W, 1))
        return AVLOC_ERR_OVERFLOW;
    if (H < h * down || W < w * down) return AVLOC_ERR_SIZE;
    if (!avloc__finite_f64(thresh) || !(thresh >= 0.0 && thresh <= 1.0)) return AVLOC_ERR_PARAM;
    if (scratch_bytes < need) return AVLOC_ERR_WORKSPACE;
    {
        const avloc__span b[] = {avloc__rd_f32(map, h * w), avloc__span_of(mask, H * W, 1), avloc__span_of(scratch, need, 1)};
        if (AVLOC__CLASH(b)) return AVLOC_ERR_PARAM;
    }
    if (!avloc_all_finite_f32(map, h * w)) return AVLOC_ERR_NONFINITE;
    hw[0] = h; hw[1] = w;
    if ((e = avloc_layout_init(avloc__rpca_hull_layout, &ws, sizeof ws, hw, scratch, scratch_bytes)) != AVLOC_OK)
        return e;
    memset(mask, 0, H * W);
    mx = map[0];
    for (i = 1; i < h * w; i++)
        if (map[i] > mx) mx = map[i], seed = i;
    if (!(mx > 0.0f)) return AVLOC_OK; /* nothing lights up: an empty mask */
    strong = 2.0 * thresh < 1.0 ? 2.0 * thresh : 1.0;
    for (i = 0; i < h * w; i++) {
        double v = (double)map[i];
        ws.state[i] = (unsigned char)(v >= strong * (double)mx  ? AVLOC__HULL_STRONG
                                      : v >= thresh * (double)mx ? AVLOC__HULL_WEAK
                                                                 : AVLOC__HULL_BELOW);
    }
    /* hysteresis: the region grows from the peak through strong pixels only
       (steps <= link), then takes the weak pixels within ceil(link / 2) of
       it */
    ws.state[seed] = AVLOC__HULL_IN;
    ws.queue[0] = seed;
    tail = 1;
    avloc__rpca_hull_grow(ws.state, ws.queue, h, w, 0, &tail, link, AVLOC__HULL_STRONG, 1);
    avloc__rpca_hull_grow(ws.state, ws.queue, h, w, 0, &tail, link / 2 + link % 2, AVLOC__HULL_WEAK, 0);
    /* the region's leftmost and rightmost column per row (the seed's row
       has one, so n >= 1) */
    for (y = 0; y < h; y++) {
        size_t l = w, r = 0;
        for (x = 0; x < w; x++)
            if (ws.state[y * w + x] == AVLOC__HULL_IN) {
                if (l == w) l = x;
                r = x;
            }
        if (l < w) ws.lo[y] = l, ws.hi[y] = r, ws.rows[n++] = y;
    }
    kl = avloc__rpca_hull_chain(ws.rows, n, ws.lo, -1, ws.left);
    kr = avloc__rpca_hull_chain(ws.rows, n, ws.hi, +1, ws.right);
    for (y = ws.rows[0]; y <= ws.rows[n - 1]; y++) {
        double l = avloc__rpca_hull_at(ws.left, kl, &sl, ws.lo, y, -1);
        double r = avloc__rpca_hull_at(ws.right, kr, &sr, ws.hi, y, +1);
        for (x = (size_t)l; (double)x <= r; x++) {
            size_t yy, xx;
            for (yy = y * down; yy < (y + 1) * down; yy++)
                for (xx = x * down; xx < (x + 1) * down; xx++) mask[yy * W + xx] = 255;
        }
    }
    return AVLOC_OK;
}

AVLOC_API avloc_rpca_pipe_config avloc_rpca_pipe_config_default(void)
{
    avloc_rpca_pipe_config c;
    memset(&c, 0, sizeof c);
    c.fps = 25.0;
    c.sample_rate = 16000.0;
    c.down = 1;
    c.stft = avloc_stft_config_default();
    c.av = avloc_rpca_av_config_default();
    c.av.max_iter = 20; /* early stop: the tuned localisation (docs/rpca.md) */
    /* lambda1 = 3.5 / sqrt(pixels * frames): the shrinkage threshold then
       stays one intensity step whatever the size (V has unit norm, so its
       entries scale as 1 / sqrt(pixels * frames)). Training scenes (42, 48 x
       48 to 128 x 96, 150-300 frames; docs/rpca.md): the |Pv| map's hull
       mask reaches F1 >= 0.8 on 37 of them, on 12 of the 28 at 300 frames
       with the ADMM's own 1 / sqrt(max(pixels, frames)); the correlation
       map does not depend on it */
    c.video_lambda = 3.5;
    c.mode = AVLOC_RPCA_SEPARATE;
    c.map_rule = AVLOC_RPCA_MAP_CORR;
    c.map_power = 2.0;
    /* training scenes 0-11 (docs/rpca.md): the hull rule at 0.1 of the max,
       link 8, gives mask F1 0.915 (worst scene 0.857); the box rule (box 9,
       0.4 of the max) gave 0.844 (worst 0.796) */
    c.mask_rule = AVLOC_RPCA_MASK_HULL;
    c.mask_thresh = 0.1;
    c.mask_link = 8;
    c.mask_box = 9;
    c.audio_rpca = 1;
    c.audio_lambda = 0.5;
    /* training scenes 0-11 (docs/rpca.md): smoothing the gain over 7 STFT
       frames (56 ms) lifts the drone and noise scenes' mean NSDR from 9.1
       to 10.7 dB (worst scene 5.2 -> 7.2); across 3 bins it smears the
       drones' harmonics (-0.9 dB there) */
    c.audio_power = 4.0;
    c.audio_smooth_frames = 7;
    c.audio_smooth_bins = 1;
    c.vgate = AVLOC_RPCA_VGATE_AUTO;
    c.vgate_slack = 1.0;
    return c;
}

/* The av config of the pipeline (the window's or the clip's frames). */
static avloc_rpca_av_config avloc__rpca_pipe_av(const avloc_rpca_pipe_config *c, size_t pixels, size_t bins)
{
    avloc_rpca_av_config a = c->av;
    a.pixels = pixels;
    a.bins = bins;
    a.frames = c->window_frames ? c->window_frames : c->frames;
    if (a.lambda1 == 0.0) a.lambda1 = c->video_lambda / sqrt((double)pixels * (double)a.frames);
    return a;
}

/* The plain RPCA of the magnitude spectrogram (n_stft x bins). A mask
   needs no 1e-7: tolerance 1e-4, 100 iterations at most. */
static avloc_rpca_config avloc__rpca_pipe_audio_cfg(const avloc_rpca_pipe_config *c, size_t n_stft, size_t bins)
{
    avloc_rpca_config r = avloc_rpca_config_default();
    r.rows = n_stft;
    r.cols = bins;
    r.lambda = c->audio_lambda / sqrt((double)(n_stft > bins ? n_stft : bins));
    r.tol = 1e-4;
    r.max_iter = 100;
    r.svt_method = c->av.svt_method;
    r.threads = c->av.threads;
    return r;
}

static avloc_result avloc__rpca_pipe_check(const avloc_rpca_pipe_config *c)
{
    if (c->width == 0 || c->height == 0 || c->frames == 0 || c->n_samples == 0 || c->down == 0 || c->mask_box == 0)
        return AVLOC_ERR_SIZE;
    if (c->width < c->down || c->height < c->down || c->width > 65536 || c->height > 65536) return AVLOC_ERR_SIZE;
    if (!avloc__finite_f64(c->fps) || !avloc__finite_f64(c->sample_rate) || !avloc__finite_f64(c->mask_thresh) ||
        !avloc__finite_f64(c->audio_lambda) || !avloc__finite_f64(c->av_gate) || !avloc__finite_f64(c->audio_power) ||
        !avloc__finite_f64(c->video_lambda))
        return AVLOC_ERR_PARAM;
    if (!(c->fps > 0.0 && c->fps < 1e4) || !(c->sample_rate > 0.0 && c->sample_rate < 1e7) ||
        !(c->mask_thresh >= 0.0 && c->mask_thresh <= 1.0) ||
        (c->map_rule != AVLOC_RPCA_MAP_PV && c->map_rule != AVLOC_RPCA_MAP_CORR) ||
        (c->mask_rule != AVLOC_RPCA_MASK_BOX && c->mask_rule != AVLOC_RPCA_MASK_HULL) || c->mask_link > 65536 ||
        !avloc__finite_f64(c->map_power) || !(c->map_power > 0.0 && c->map_power <= 64.0) || (c->mode != AVLOC_RPCA_SEPARATE && c->mode != AVLOC_RPCA_DENOISE))
        return AVLOC_ERR_PARAM;
    if (c->window_frames && (c->window_frames > c->frames || c->overlap >= c->window_frames)) return AVLOC_ERR_PARAM;
    if (!(c->audio_lambda > 0.0 && c->audio_lambda < 1e6) || !(c->video_lambda > 0.0 && c->video_lambda < 1e6) ||
        !(c->av_gate >= 0.0 && c->av_gate <= 1.0) ||
        !(c->audio_power > 0.0 && c->audio_power <= 16.0))
        return AVLOC_ERR_PARAM;
    if ((c->vgate != AVLOC_RPCA_VGATE_AUTO && c->vgate != AVLOC_RPCA_VGATE_OFF && c->vgate != AVLOC_RPCA_VGATE_ON) ||
        !avloc__finite_f64(c->vgate_slack) || !(c->vgate_slack > 0.0 && c->vgate_slack <= 1e6))
        return AVLOC_ERR_PARAM;
    if (!(c->audio_smooth_frames & 1) || !(c->audio_smooth_bins & 1) || c->audio_smooth_frames > 4095 ||
        c->audio_smooth_bins > 4095)
        return AVLOC_ERR_PARAM;
    return AVLOC_OK;
}

/* Pipeline scratch: V, A, the spectrogram and its magnitudes, the state,
   the solve (or windows) scratch, whole-clip Pv/Pa for windows, the map,
   the STFT scratch. */
typedef struct avloc__rpca_pipews {
    float *V, *A, *mag, *Pv, *Pa, *map, *La, *Sa, *gate;
    float *vg;             /* visual gate: 4 T tmp, T activity, 4 n_stft per-frame sums */
    unsigned char *region; /* visual gate: the mask at the map's size */
    avloc_complex_f32 *spec;
    void *state, *solve, *stft, *arpca, *hull;
    size_t state_bytes, solve_bytes, hull_bytes;
} avloc__rpca_pipews;

/* The spectrogram RPCA's matrices and scratch (audio_rpca) in the arena a. */
static void avloc__rpca_pipe_audio(avloc_arena *a, const avloc_rpca_pipe *p, avloc__rpca_pipews *w)
{
    w->La = AVLOC_PUSH(a, float, p->n_stft * p->bins);
    w->Sa = AVLOC_PUSH(a, float, p->n_stft * p->bins);
    w->arpca = avloc_arena_push(a, p->arpca.scratch_bytes, 1, AVLOC_ALIGN);
}

/* The ADMM's scratch (w->solve) and the spectrogram RPCA's buffers in one
   region sized for the larger: the RPCA runs after the solve, whose
   scratch is dead by then (its results are in the state, or in w->Pv,
   w->Pa and w->mag for windows). 26 MB less for 64 x 64 x 300 and 12 s. */
static avloc_result avloc__rpca_pipe_shared(avloc_arena *a, const avloc_rpca_pipe *p, avloc__rpca_pipews *w)
{
    avloc_arena sub;
    size_t bytes = w->solve_bytes, ab;
    if (p->cfg.audio_rpca) {
        avloc_arena_init(&sub, NULL, 0);
        avloc__rpca_pipe_audio(&sub, p, w);
        if ((ab = avloc_arena_needed(&sub)) == (size_t)-1) return AVLOC_ERR_OVERFLOW;
        if (ab > bytes) bytes = ab;
    }
    w->solve = avloc_arena_push(a, bytes, 1, AVLOC_ALIGN);
    if (p->cfg.audio_rpca) {
        avloc_arena_init(&sub, w->solve, bytes); /* NULL when measuring: the pushes give NULL */
        avloc__rpca_pipe_audio(&sub, p, w);
    }
    return AVLOC_OK;
}

static avloc_result avloc__rpca_pipews_layout(avloc_arena *a, const avloc_rpca_pipe *p, avloc__rpca_pipews *w)
{
    size_t T = p->cfg.frames, sb;
    avloc_result e;
    memset(w, 0, sizeof *w);
    if ((e = avloc_rpca_av_state_query(&p->av, &w->state_bytes)) != AVLOC_OK) return e;
    if (p->cfg.window_frames) {
        if ((e = avloc_rpca_av_windows_scratch(&p->av, &w->solve_bytes)) != AVLOC_OK) return e;
        w->solve_bytes += T * sizeof(float) + AVLOC_ALIGN; /* the clip-long count array */
    } else {
        w->solve_bytes = p->av.scratch_bytes;
    }
    if (!avloc_size_mul(p->pixels, T, &sb) || !avloc_size_mul(p->n_stft, p->bins, &sb)) return AVLOC_ERR_OVERFLOW;
    w->V = AVLOC_PUSH(a, float, p->pixels * T);
    w->A = AVLOC_PUSH(a, float, p->bins * T);
    w->Pv = AVLOC_PUSH(a, float, p->cfg.window_frames ? p->pixels * T : 1);
    w->Pa = AVLOC_PUSH(a, float, p->cfg.window_frames ? p->bins * T : 1);
    w->map = AVLOC_PUSH(a, float, p->pixels);
    /* mag also holds Ba (bins x T) after a windowed solve */
    w->mag = AVLOC_PUSH(a, float, p->n_stft > T ? p->n_stft * p->bins : p->bins * T);
    w->spec = AVLOC_PUSH(a, avloc_complex_f32, p->n_stft * p->bins);
    w->state = avloc_arena_push(a, w->state_bytes, 1, AVLOC_ALIGN);
    if ((e = avloc__rpca_pipe_shared(a, p, w)) != AVLOC_OK) return e;
    w->stft = avloc_arena_push(a, p->stft.scratch_bytes, 1, AVLOC_ALIGN);
    /* also the mask's smoothing buffer and the correlation map's 2 T floats */
    w->gate = AVLOC_PUSH(a, float, 2 * T > p->pixels ? 2 * T : p->pixels);
    if (p->cfg.mask_rule == AVLOC_RPCA_MASK_HULL) {
        if ((e = avloc_rpca_mask_hull_scratch(p->h, p->w, &w->hull_bytes)) != AVLOC_OK) return e;
        w->hull = avloc_arena_push(a, w->hull_bytes, 1, AVLOC_ALIGN);
    }
    if (p->cfg.audio_rpca) {
        if (p->cfg.vgate != AVLOC_RPCA_VGATE_OFF) {
            if (!avloc_size_mul(T + p->n_stft, 5 * sizeof(float), &sb)) return AVLOC_ERR_OVERFLOW;
            w->vg = AVLOC_PUSH(a, float, 5 * T + 4 * p->n_stft);
            w->region = AVLOC_PUSH(a, unsigned char, p->pixels);
        }
    }
    return avloc_arena_status(a);
}

static avloc_result avloc__rpca_pipe_layout(avloc_arena *a, void *obj, const void *vcfg, size_t *scratch_bytes)
{
    const avloc_rpca_pipe_config *c = (const avloc_rpca_pipe_config *)vcfg;
    avloc_rpca_pipe tmp, *p = obj ? (avloc_rpca_pipe *)obj : &tmp;
    avloc_rpca_av_config ac;
    avloc_rpca_config rc;
    avloc__rpca_pipews w;
    avloc_arena m;
    size_t ob, sb, avb, avs, rb, rs;
    void *smem, *amem, *rmem;
    avloc_result e;
    memset(&tmp, 0, sizeof tmp);
    p->cfg = *c;
    p->h = c->height / c->down;
    p->w = c->width / c->down;
    p->pixels = p->h * p->w;
    if ((e = avloc_stft_frames(&c->stft, c->n_samples, &p->n_stft)) != AVLOC_OK) return e;
    if ((e = avloc_stft_query_f32(&c->stft, &ob, &sb)) != AVLOC_OK) return e;
    p->bins = c->stft.onesided ? c->stft.n_fft / 2 + 1 : c->stft.n_fft;
    ac = avloc__rpca_pipe_av(c, p->pixels, p->bins);
    if ((e = avloc_rpca_av_query(&ac, &avb, &avs)) != AVLOC_OK) return e;
    rc = avloc__rpca_pipe_audio_cfg(c, p->n_stft, p->bins);
    if ((e = avloc_rpca_query(&rc, &rb, &rs)) != AVLOC_OK) return e;
    smem = avloc_arena_push(a, ob, 1, AVLOC_ALIGN);
    amem = avloc_arena_push(a, avb, 1, AVLOC_ALIGN);
    rmem = avloc_arena_push(a, rb, 1, AVLOC_ALIGN);
    if (obj) {
        if (!smem || !amem || !rmem) return AVLOC_ERR_WORKSPACE;
        if ((e = avloc_stft_init_f32(&p->stft, &c->stft, smem, ob)) != AVLOC_OK) return e;
        if ((e = avloc_rpca_av_init(&p->av, &ac, amem, avb)) != AVLOC_OK) return e;
        if ((e = avloc_rpca_init(&p->arpca, &rc, rmem, rb)) != AVLOC_OK) return e;
    } else {
        p->stft.scratch_bytes = sb;
        p->av.cfg = ac;
        p->av.scratch_bytes = avs;
        p->av.magic = AVLOC__RPCA_AV_MAGIC; /* measuring: only the sizes are read */
        p->arpca.scratch_bytes = rs;
    }
    avloc_arena_init(&m, NULL, 0);
    if ((e = avloc__rpca_pipews_layout(&m, p, &w)) != AVLOC_OK) return e;
    *scratch_bytes = p->scratch_bytes = avloc_arena_needed(&m);
    if (obj) {
        p->mem = avloc__extent_of(a);
        p->magic = AVLOC__RPCA_PIPE_MAGIC;
    }
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_rpca_pipe_query(const avloc_rpca_pipe_config *cfg, size_t *obj_bytes,
                                             size_t *scratch_bytes)
{
    avloc_result e;
    if (!cfg || !obj_bytes || !scratch_bytes) return AVLOC_ERR_NULL;
    if ((e = avloc__rpca_pipe_check(cfg)) != AVLOC_OK) return e;
    return avloc_layout_query(avloc__rpca_pipe_layout, cfg, obj_bytes, scratch_bytes);
}

AVLOC_API avloc_result avloc_rpca_pipe_init(avloc_rpca_pipe *p, const avloc_rpca_pipe_config *cfg, void *mem,
                                            size_t bytes)
{
    avloc_result e;
    if (!p) return AVLOC_ERR_NULL;
    memset(p, 0, sizeof *p);
    if (!cfg || !mem) return AVLOC_ERR_NULL;
    if ((e = avloc__rpca_pipe_check(cfg)) != AVLOC_OK) return e;
    return avloc_layout_init(avloc__rpca_pipe_layout, p, sizeof *p, cfg, mem, bytes);
}

AVLOC_API void avloc_rpca_pipe_destroy(avloc_rpca_pipe *p)
{
    if (!p) return;
    avloc_stft_destroy_f32(&p->stft);
    avloc_rpca_av_destroy(&p->av);
    avloc_rpca_destroy(&p->arpca);
    memset(p, 0, sizeof *p);
}

static void avloc__rpca_scale_unit(float *x, size_t n)
{
    double nf = sqrt(avloc__rpca_sumsq(x, n));
    size_t i;
    if (nf > 0.0) for (i = 0; i < n; i++) x[i] = (float)(x[i] / nf);
}

AVLOC_API float avloc_rpca_soft_gain(float s, float l, double q)
{
    double sp, lp;
    int s_inf = avloc__inf_f32(s), l_inf = avloc__inf_f32(l);
    if (!avloc__finite_f64(q) || !(q > 0.0)) return 0.0f;
    if ((!avloc__finite_f32(s) && !s_inf) || (!avloc__finite_f32(l) && !l_inf)) return 0.0f; /* NaN */
    if (!(s > 0.0f)) return 0.0f;
    if (s_inf) return l_inf ? 0.5f : 1.0f; /* Inf / Inf would be NaN */
    if (l_inf) return 0.0f;
    sp = pow((double)s, q);
    lp = pow(fabs((double)l), q);
    if (avloc__finite_f64(sp + lp) && sp > 0.0) return (float)(sp / (sp + lp));
    /* a power overflowed or s^q underflowed (s = 1e20, q = 16): the same
       ratio as 1 / (1 + (|l| / s)^q), which cannot overflow to Inf / Inf */
    return (float)(1.0 / (1.0 + pow(fabs((double)l) / (double)s, q)));
}

/* Mask value at video-frame rate: separate Pa+ / (Pa+ + |Ba|), denoise
   Pa+^2 / (Pa+^2 + Ba^2). */
static float avloc__rpca_gain(float pa, float ba, avloc_rpca_mode mode)
{
    double p = pa > 0.0f ? pa : 0.0, b = fabs((double)ba), den;
    if (mode == AVLOC_RPCA_DENOISE) { p *= p; b *= b; }
    den = p + b;
    return den > 0.0 ? (float)(p / den) : 0.0f;
}

/* Position of STFT frame j between video-frame centres (t + 1/2)/fps:
   frames t0 and t0 + 1 with weight fr on the second. */
static void avloc__rpca_vpos(const avloc_rpca_pipe *p, size_t j, size_t *t0, double *fr)
{
    size_t T = p->cfg.frames;
    double u = (double)j * (double)p->cfg.stft.hop / p->cfg.sample_rate * p->cfg.fps - 0.5;
    if (u < 0.0) u = 0.0;
    if (u > (double)(T - 1)) u = (double)(T - 1);
    *t0 = (size_t)u;
    if (*t0 >= T - 1) *t0 = T > 1 ? T - 2 : 0;
    *fr = T > 1 ? u - (double)*t0 : 0.0;
}

/* gate[t] = sum_f Pa+[f][t] / max over t (0..1): when the AV code says the
   object sounds. */
static void avloc__rpca_gate(const avloc_rpca_pipe *p, const float *Pa, float *gate)
{
    size_t T = p->cfg.frames, t, f;
    double mx = 0.0;
    for (t = 0; t < T; t++) {
        double e = 0.0;
        for (f = 0; f < p->bins; f++) e += Pa[f * T + t] > 0.0f ? Pa[f * T + t] : 0.0f;
        gate[t] = (float)e;
        if (e > mx) mx = e;
    }
    for (t = 0; t < T; t++) gate[t] = mx > 0.0 ? (float)(gate[t] / mx) : 0.0f;
}

/* The visual gate (docs/rpca.md), one factor per STFT frame j multiplied
   into mult[j]: with g_j the activity at frame j (act interpolated as the
   AV gate), Em(j) and Ee(j) the frame's energy in the mixture and after the
   gain G (n_stft x bins) times mult[j], the leak r = (sum over still frames (g_j < 0.1) of
   Ee / sum Ee) / (the same of Em) says how much of the mixture's energy in
   the object's still frames the gain kept (a low-rank interferer: ~0.01 to
   0.5; one it cannot see, another voice: ~0.9 to 1.1, training scenes).
   Strength s: 1 (ON) or clip((r - 0.6) / 0.2, 0, 1) (AUTO; 0 when no
   frame is still or none is busy); c = the median of Ee / g_j^2 over the
   busy frames (g_j > 0.5): energy per unit activity^2; factor
   1 - s + s min(1, sqrt(kappa c g_j^2 / Ee(j))): a frame keeps what the
   activity accounts for. fe: 4 n_stft floats. */
static void avloc__rpca_vgate(const avloc_rpca_pipe *p, const float *act, const float *G,
                              const avloc_complex_f32 *spec, float *fe, float *mult)
{
    size_t n = p->n_stft, T = p->cfg.frames, j, f, t0, busy = 0;
    float *g = fe, *Ee = fe + n, *ratio = fe + 2 * n, *buf = fe + 3 * n;
    double fr, em = 0.0, ee = 0.0, em_s = 0.0, ee_s = 0.0, s = 0.0, c;
    for (j = 0; j < n; j++) {
        double a = 0.0, b = 0.0;
        avloc__rpca_vpos(p, j, &t0, &fr);
        g[j] = (float)(T > 1 ? (1.0 - fr) * act[t0] + fr * act[t0 + 1] : act[0]);
        for (f = 0; f < p->bins; f++) {
            const avloc_complex_f32 z = spec[j * p->bins + f];
            double m2 = (double)z.re * z.re + (double)z.im * z.im, k = G[j * p->bins + f] * mult[j];
            a += m2;
            b += k * k * m2;
        }
        Ee[j] = (float)b;
        em += a; ee += b;
        if (g[j] < 0.1f) { em_s += a; ee_s += b; }
        if (g[j] > 0.5f && b > 0.0) ratio[busy++] = (float)(b / ((double)g[j] * g[j]));
    }
    if (p->cfg.vgate == AVLOC_RPCA_VGATE_ON) s = 1.0;
    else if (em_s > 0.0 && ee > 0.0) {
        double r = (ee_s / ee) / (em_s / em);
        s = r <= 0.6 ? 0.0 : r >= 0.8 ? 1.0 : (r - 0.6) / 0.2;
    }
    if (busy == 0) s = 0.0;
    c = s > 0.0 ? avloc__rpca_median(ratio, busy, buf) : 0.0;
    for (j = 0; j < n; j++) {
        double k = 1.0;
        if (s > 0.0 && Ee[j] > 0.0) {
            double want = p->cfg.vgate_slack * c * (double)g[j] * g[j];
            k = want < Ee[j] ? sqrt(want / Ee[j]) : 1.0;
        }
        mult[j] *= (float)(1.0 - s + s * k);
    }
}

/* spec *= the separation mask. audio_rpca: the gain S+^q / (S+^q + |L|^q)
   of the spectrogram's own RPCA (computed into La, smoothed by the
   audio_smooth box into Sa), times the AV gate (1 - av_gate + av_gate *
   gate(t)), times the visual gate's frame factor when act is given; else
   the Pa/Ba gain of the video-rate model, interpolated to STFT frames. */
static void avloc__rpca_apply_mask(const avloc_rpca_pipe *p, const float *Pa, const float *Ba, float *La,
                                   float *Sa, float *gate, const float *act, float *fe,
                                   avloc_complex_f32 *spec)
{
    size_t T = p->cfg.frames, j, f, t0, k, n = p->n_stft * p->bins;
    double fr;
    float *mult = NULL;
    avloc__rpca_gate(p, Pa, gate);
    if (p->cfg.audio_rpca) {
        for (k = 0; k < n; k++) La[k] = avloc_rpca_soft_gain(Sa[k], La[k], p->cfg.audio_power);
        avloc__rpca_box(La, p->n_stft, p->bins, p->cfg.audio_smooth_frames, p->cfg.audio_smooth_bins, Sa);
        mult = La; /* La is free again: one factor per STFT frame, the AV gate's */
        for (j = 0; j < p->n_stft; j++) {
            double gt;
            avloc__rpca_vpos(p, j, &t0, &fr);
            gt = T > 1 ? (1.0 - fr) * gate[t0] + fr * gate[t0 + 1] : gate[0];
            mult[j] = (float)(1.0 - p->cfg.av_gate + p->cfg.av_gate * gt);
        }
        if (act) avloc__rpca_vgate(p, act, Sa, spec, fe, mult); /* times the visual gate's */
    }
    for (j = 0; j < p->n_stft; j++) {
        avloc__rpca_vpos(p, j, &t0, &fr);
        for (f = 0; f < p->bins; f++) {
            float g;
            if (p->cfg.audio_rpca) {
                g = Sa[j * p->bins + f] * mult[j];
            } else {
                float g0 = avloc__rpca_gain(Pa[f * T + t0], Ba[f * T + t0], p->cfg.mode);
                float g1 = T > 1 ? avloc__rpca_gain(Pa[f * T + t0 + 1], Ba[f * T + t0 + 1], p->cfg.mode) : g0;
                g = (float)((1.0 - fr) * g0 + fr * g1);
            }
            spec[j * p->bins + f].re *= g;
            spec[j * p->bins + f].im *= g;
        }
    }
}

/* Windowed solve: Pv/Pa of the whole clip in w->Pv/w->Pa; Ba = A - Pa
   (the constraint A = Ba + Da C holds at convergence). */
static avloc_result avloc__rpca_pipe_solve(const avloc_rpca_pipe *p, avloc__rpca_pipews *w,
                                           avloc_rpca_av_state *st, const float **Pv, const float **Pa,
                                           float **Ba, avloc_rpca_info *info)
{
    size_t i, n;
    avloc_result e;
    if (!p->cfg.window_frames) {
        e = avloc_rpca_av_solve_f32(&p->av, w->V, w->A, st, 0, info, w->solve, w->solve_bytes);
        *Pv = st->Pv; *Pa = st->Pa; *Ba = st->Ba;
        return e;
    }
    e = avloc_rpca_av_windows_f32(&p->av, w->V, w->A, p->cfg.frames, p->cfg.overlap, st, w->Pv, w->Pa, info,
                                  NULL, w->solve, w->solve_bytes);
    if (e != AVLOC_OK) return e;
    n = p->bins * p->cfg.frames;
    for (i = 0; i < n; i++) w->mag[i] = w->A[i] - w->Pa[i]; /* mag is free again */
    *Pv = w->Pv; *Pa = w->Pa; *Ba = w->mag;
    return AVLOC_OK;
}

/* The mask from the map by the configured rule: at the video's size
   (full) or at the map's (the visual gate's region). */
static avloc_result avloc__rpca_pipe_mask(const avloc_rpca_pipe *p, avloc__rpca_pipews *w, int full,
                                          unsigned char *mask)
{
    size_t down = full ? p->cfg.down : 1, H = full ? p->cfg.height : p->h, W = full ? p->cfg.width : p->w;
    if (p->cfg.mask_rule == AVLOC_RPCA_MASK_HULL) {
        /* the link rounds up: a link of a few pixels stays >= 1 map pixel */
        size_t link = (p->cfg.mask_link + p->cfg.down - 1) / p->cfg.down;
        return avloc_rpca_mask_hull_u8(w->map, p->h, p->w, down, H, W, link, p->cfg.mask_thresh, w->hull,
                                       w->hull_bytes, mask);
    } else {
        size_t bx = p->cfg.mask_box / p->cfg.down;
        return avloc_rpca_mask_u8(w->map, p->h, p->w, down, H, W, bx ? bx | 1 : 1, p->cfg.mask_thresh, w->gate,
                                  mask);
    }
}

AVLOC_API avloc_result avloc_rpca_pipe_run_f32(const avloc_rpca_pipe *p, const float *frames,
                                               const float *audio, avloc_rpca_pipe_out *out,
                                               avloc_rpca_info *info, void *scratch, size_t scratch_bytes)
{
    avloc__rpca_pipews w;
    avloc_rpca_av_state st;
    avloc_arena a;
    const float *Pv, *Pa;
    float *Ba, *act = NULL;
    size_t i, y, x, n;
    avloc_result e;
    if (!p || !frames || !audio || !out || !scratch) return AVLOC_ERR_NULL;
    if (p->magic != AVLOC__RPCA_PIPE_MAGIC) return AVLOC_ERR_STATE;
    if (scratch_bytes < p->scratch_bytes) return AVLOC_ERR_WORKSPACE;
    {   /* the outputs are written in turn, from the scratch, after the clip is read */
        const size_t px = p->cfg.height * p->cfg.width;
        const avloc__span b[] = {avloc__rd_f32(frames, p->cfg.frames * px), avloc__rd_f32(audio, p->cfg.n_samples),
                                 avloc__wr_f32(out->map, px), avloc__span_of(out->mask, px, 1),
                                 avloc__wr_f32(out->target, p->cfg.n_samples), avloc__object_span(p->mem, 0),
                                 avloc__span_of(info, sizeof *info, 1)};
        if (avloc__clash_scratch(b, 7, scratch, p->scratch_bytes)) return AVLOC_ERR_PARAM;
    }
    if (!avloc_all_finite_f32(audio, p->cfg.n_samples)) return AVLOC_ERR_NONFINITE;
    avloc_arena_init(&a, scratch, scratch_bytes);
    if ((e = avloc__rpca_pipews_layout(&a, p, &w)) != AVLOC_OK) return e;
    e = avloc_rpca_video_f32(frames, p->cfg.frames, p->cfg.height, p->cfg.width, p->cfg.down, w.V);
    if (e != AVLOC_OK) return e;
    e = avloc_stft_forward_f32(&p->stft, audio, p->cfg.n_samples, w.spec, p->n_stft, w.stft,
                               p->stft.scratch_bytes);
    if (e != AVLOC_OK) return e;
    n = p->n_stft * p->bins;
    for (i = 0; i < n; i++) /* finite samples, overflowing spectra: not a NaN/Inf input */
        if (!avloc__finite_f32(w.spec[i].re) || !avloc__finite_f32(w.spec[i].im)) return AVLOC_ERR_NUMERIC;
    for (i = 0; i < n; i++) w.mag[i] = (float)sqrt((double)w.spec[i].re * w.spec[i].re + (double)w.spec[i].im * w.spec[i].im);
    e = avloc_rpca_pool_f32(w.mag, p->n_stft, p->bins, (double)p->cfg.stft.hop / p->cfg.sample_rate, p->cfg.fps,
                            p->cfg.frames, w.A);
    if (e != AVLOC_OK) return e;
    avloc__rpca_scale_unit(w.V, p->pixels * p->cfg.frames);
    avloc__rpca_scale_unit(w.A, p->bins * p->cfg.frames);
    if ((e = avloc_rpca_av_state_init(&st, &p->av, w.state, w.state_bytes)) != AVLOC_OK) return e;
    if ((e = avloc__rpca_pipe_solve(p, &w, &st, &Pv, &Pa, &Ba, info)) != AVLOC_OK) return e;
    if (p->cfg.map_rule == AVLOC_RPCA_MAP_CORR)
        e = avloc_rpca_corr_map_f32(w.V, p->pixels, w.A, p->bins, p->cfg.frames, p->cfg.map_power, w.gate, w.map);
    else
        e = avloc_rpca_map_f32(Pv, p->pixels, p->cfg.frames, w.map);
    if (e != AVLOC_OK) return e;
    if (out->map)
        for (y = 0; y < p->cfg.height; y++)
            for (x = 0; x < p->cfg.width; x++) {
                size_t yy = y / p->cfg.down, xx = x / p->cfg.down;
                out->map[y * p->cfg.width + x] = (yy < p->h && xx < p->w) ? w.map[yy * p->w + xx] : 0.0f;
            }
    if (out->mask && (e = avloc__rpca_pipe_mask(p, &w, 1, out->mask)) != AVLOC_OK) return e;
    if (!out->target) return AVLOC_OK;
    if (p->cfg.audio_rpca) {
        /* mag was reused for Ba by a windowed solve: recompute it */
        n = p->n_stft * p->bins;
        for (i = 0; i < n; i++) w.mag[i] = (float)sqrt((double)w.spec[i].re * w.spec[i].re + (double)w.spec[i].im * w.spec[i].im);
        e = avloc_rpca_solve_f32(&p->arpca, w.mag, w.La, w.Sa, NULL, NULL, w.arpca, p->arpca.scratch_bytes);
        if (e != AVLOC_OK) return e;
        if (w.vg) { /* the visual gate: the mask at the map's size, its activity */
            act = w.vg + 4 * p->cfg.frames;
            if ((e = avloc__rpca_pipe_mask(p, &w, 0, w.region)) != AVLOC_OK) return e;
            e = avloc_rpca_activity_f32(w.V, p->pixels, w.region, w.A, p->bins, p->cfg.frames, w.vg, act);
            if (e != AVLOC_OK) return e;
        }
    }
    avloc__rpca_apply_mask(p, Pa, Ba, w.La, w.Sa, w.gate, act, w.vg ? act + p->cfg.frames : NULL, w.spec);
    return avloc_stft_inverse_f32(&p->stft, w.spec, p->n_stft, out->target, p->cfg.n_samples, w.stft,
                                  p->stft.scratch_bytes);
}

#endif /* AVLOC_RPCA_IMPLEMENTATION */
#endif /* !AVLOC__VPASS */

/* ================================================================== */
/*        RPCA vector kernels: a template, compiled once per set       */
/* ================================================================== */
#if defined(AVLOC__VSET) && AVLOC__VPASS == AVLOC__VPASS_RPCA

/* The fused element-wise ALM step (avloc__rpca_alm_step) on blocks of 8
   elements, the vector part: c = {1/mu, lambda/mu, mu, 1/mu_next}. Each
   float operation is the scalar loop's, in its order (no fused
   multiply-add), and the squared differences go into the same 8 double
   chains ds[k], z2[k] (k = element mod 8), exactly (a float difference
   squared in double is exact): the results are bit-identical to the scalar
   loop's, which finishes the tail. Returns how many elements were done. */
static size_t AVLOC__VN(avloc__rpca_vk_alm)(const float *D, const float *L, float *S, float *Y, float *T,
                                            size_t n, const float *c, double *ds, double *z2, size_t *cnt,
                                            int *bad)
{
#define W AVLOC__VF_W
#define NA (16 / W) /* double accumulators of AVLOC__VD_W lanes per 8 elements */
    const avloc__vf imu = avloc__vf_set1(c[0]), tau = avloc__vf_set1(c[1]), ntau = avloc__vf_set1(-c[1]);
    const avloc__vf fmu = avloc__vf_set1(c[2]), inext = avloc__vf_set1(c[3]), zero = avloc__vf_zero();
    const avloc__vi expo = avloc__vi_set1(0x7f800000), one = avloc__vi_set1(0x00800000);
    avloc__vi nf = avloc__vi_set1(0); /* sign bits set where T got Inf/NaN (avloc_all_finite_f32's rule) */
    avloc__vd ads[NA], az2[NA];
    double buf[8];
    size_t i, h, k, nnz = 0;
    if (W > 8 || n < 8) return 0;
    for (h = 0; h < NA; h++) ads[h] = az2[h] = avloc__vd_zero();
    for (i = 0; i + 8 <= n; i += 8)
        for (h = 0; h < 8 / W; h++) {
            const size_t j = i + h * W;
            const avloc__vf d = avloc__vf_ld(D + j), l = avloc__vf_ld(L + j), y = avloc__vf_ld(Y + j);
            const avloc__vf dl = avloc__vf_sub(d, l);
            const avloc__vf x = avloc__vf_add(dl, avloc__vf_mul(y, imu));
            const avloc__vf s = avloc__vf_sub(x, avloc__vf_max(avloc__vf_min(x, tau), ntau));
            const avloc__vf e = avloc__vf_sub(s, avloc__vf_ld(S + j)), z = avloc__vf_sub(dl, s);
            const avloc__vf yn = avloc__vf_add(y, avloc__vf_mul(fmu, z));
            const avloc__vd e0 = avloc__vd_cvtlo(e), e1 = avloc__vd_cvthi(e);
            const avloc__vd z0 = avloc__vd_cvtlo(z), z1 = avloc__vd_cvthi(z);
            ads[2 * h] = avloc__vd_add(ads[2 * h], avloc__vd_mul(e0, e0));
            ads[2 * h + 1] = avloc__vd_add(ads[2 * h + 1], avloc__vd_mul(e1, e1));
            az2[2 * h] = avloc__vd_add(az2[2 * h], avloc__vd_mul(z0, z0));
            az2[2 * h + 1] = avloc__vd_add(az2[2 * h + 1], avloc__vd_mul(z1, z1));
            nnz += (size_t)avloc__popc8(avloc__vf_movemask(avloc__vf_or(avloc__vf_cmpgt(s, zero), avloc__vf_cmpgt(zero, s))));
            avloc__vf_st(S + j, s);
            avloc__vf_st(Y + j, yn);
            const avloc__vf t = avloc__vf_add(avloc__vf_sub(d, s), avloc__vf_mul(yn, inext));
            nf = avloc__vi_or(nf, avloc__vi_add(avloc__vi_and(avloc__vf_asvi(t), expo), one));
            avloc__vf_st(T + j, t);
        }
    for (h = 0; h < NA; h++) avloc__vd_st(buf + h * AVLOC__VD_W, ads[h]);
    for (k = 0; k < 8; k++) ds[k] += buf[k];
    for (h = 0; h < NA; h++) avloc__vd_st(buf + h * AVLOC__VD_W, az2[h]);
    for (k = 0; k < 8; k++) z2[k] += buf[k];
    *cnt += nnz;
    if (avloc__vf_movemask(avloc__vi_asvf(nf))) *bad = 1;
    return i;
#undef NA
#undef W
}

#endif /* rpca kernel pass */
