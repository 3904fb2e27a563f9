/* avloc_gllim.h - Gaussian Locally-Linear Mapping (GLLiM) for avloc: EM
   training of the forward model pixel -> binaural features, the full-vector
   inverse map E[x|y], the Theorem-1 posterior for sparse (masked) feature
   series, and a sliding-window streaming locator.   v0.1.0

   USAGE
   -----
   In exactly ONE C or C++ file:
       #define AVLOC_IMPLEMENTATION      // core + every avloc header included
       #include "avloc_gllim.h"
   or, to place only this module's implementation in a file:
       #define AVLOC_GLLIM_IMPLEMENTATION
       #include "avloc_gllim.h"
   (then AVLOC_IMPLEMENTATION must be defined in exactly one file for the core).

       // 1. train: X is N x L pixel positions, Y is N x D feature vectors
       avloc_gllim_train_config tc = avloc_gllim_train_config_default(); // K = 32, "d*"
       size_t mbytes, sbytes;
       avloc_gllim_model model;
       avloc_gllim_model_query(tc.K, L, D, &mbytes);
       avloc_gllim_model_init(&model, tc.K, L, D, malloc(mbytes), mbytes);
       avloc_gllim_train_query(&tc, N, L, D, &sbytes);
       void *scratch = malloc(sbytes);
       avloc_gllim_train_info info;
       avloc_gllim_train_f64(&tc, X, Y, N, &model, scratch, sbytes, &info);

       // 2. localise a T x D feature series with a T x D activity mask
       avloc_gllim_posterior post;
       size_t pbytes, qbytes;
       avloc_gllim_posterior_query(&model, &pbytes, &qbytes);
       avloc_gllim_posterior_init(&post, &model, malloc(pbytes), pbytes);
       avloc_result r = avloc_gllim_posterior_f32(&model, feats, mask, T, &post,
                                                  malloc(qbytes), qbytes);
       // post.mean[0..L-1] is x_hat; r == AVLOC_NO_ACTIVE_POINTS -> prior

   THE MODEL (Deleforge, Horaud et al., "Mapping sounds onto images")
   ---------
   x in R^L (1 <= L <= 4), y in R^D, z in 1..K:
       p(z=k) = pi_k,  p(x|z=k) = N(c_k, Gamma_k),
       p(y|x,z=k) = N(A_k x + b_k, Sigma_k),  Sigma_k diagonal.
   Sigma constraints: "d*" diagonal tied across k (default, the paper's),
   "d" diagonal per k, "i" isotropic per k, "i*" isotropic tied.

   EM (avloc_gllim_train_f64)
   - Initial responsibilities: k-means++ on x (seeded xorshift64*, then
     Lloyd iterations) giving hard responsibilities, or caller-given ones
     (cfg.init_resp). n_init restarts keep the best final log-likelihood.
   - Iteration i = M-step from r^(i-1), then E-step giving r^(i) and the
     log-likelihood LL_i of the parameters just estimated, reported to the
     progress callback. Stop when i >= 3 and LL_i - LL_(i-1) <= tol *
     |LL_i - LL_1| (tol = 0 runs max_iter iterations), or after max_iter.
   - Internally X and Y are centred by their means (exactly equivalent;
     b and c are shifted back at the end) and every large product is a GEMM
     with K(L+1) columns: the E-step needs Y (Sigma^-1 [b_k A_k]) and the
     M-step Y^T [r_k, r_k (x - xbar_k)]; Sum y^2 terms are precomputed (one
     more GEMM each step only for "d").
   - Guards (ridge and floors mirrored in tools/gllim_ref.py; collapse
     handling is C only):
       Gamma_k += gamma_reg * s_x * I where s_x is the mean per-dimension
         variance of X (scale-free ridge, default gamma_reg 1e-8); A_k uses
         this regularised Gamma_k.
       sigma^2 >= max(var_floor_rel * var_d(Y), var_floor_abs) per
         dimension (mean over d of var_d for isotropic types). Flooring is the
         exact constrained maximiser, so EM stays monotone.
       A component with rbar_k = sum_n r_nk < max(min_weight, 1e-8 N) is
         collapsed: by default it is re-seeded by splitting the component with
         the largest rbar_k * trace(Gamma_k) along its principal axis (at most
         2K times per run); otherwise (or when splitting fails) it is removed
         and K shrinks (model.K is the number kept).
   - The log-likelihood never decreases except (a) at an iteration where a
     component was re-seeded or removed (info.n_reseeded / n_removed), and
     (b) by O(gamma_reg) relative amounts because the ridge on Gamma_k makes
     the M-step an approximate maximiser.

   THEOREM 1 (avloc_gllim_posterior_*)
   The posterior of x given a masked series S = {y_dt, chi_dt} is the
   Gaussian mixture sum_k nu_k N(mu_k, V_k) with
       V_k^-1 = Gamma_k^-1 + sum_dt chi_dt a_dk a_dk^T / s2_kd
       mu_k   = V_k (Gamma_k^-1 c_k + sum_dt chi_dt a_dk (y_dt - b_dk) / s2_kd)
       log nu_k = log pi_k + 1/2 log|V_k| - 1/2 log|Gamma_k|
                  - 1/2 (sum chi (y-b)^2/s2 + c^T Gamma^-1 c - mu^T V^-1 mu)
                  - 1/2 sum_dt chi_dt log s2_kd          (+ const, normalised)
   The last term is kept (it matters for untied Sigma; the paper and the
   MATLAB code drop it). Only S0_d = sum_t chi, S1_d = sum_t chi y and
   S2_d = sum_t chi y^2 are needed, so one pass over the series is O(T D)
   and each component costs O(D L^2) whatever T. The residual sum of squares
   about the component's predicted feature c*_k = A_k c_k + b_k is split
   into sum (S2 - S1^2/S0)/s2 (one per call for tied Sigma) plus
   sum S0 (S1/S0 - c*)^2 / s2 (non-negative terms): algebraically identical,
   no cancellation, and the per-component pass reads only A_k and c*_k.

   STREAMING (avloc_gllim_stream_*): a ring of the last `window` frames and
   their masks; each push adds the new frame to (S0,S1,S2) and subtracts the
   frame leaving the window (O(D)). To stop rounding drift of the running
   sums the statistics are recomputed exactly from the ring every
   `refresh_every` pushes (default = window, so O(D) amortised).

   MODEL FILES: avloc_gllim_save_query / _save / _load_query / _load store
   theta (F64 or F32), the feature configuration (model->feat, the
   avloc_binaural_config of avloc_dsp.h, window included), the camera and
   the tempering weight in a safetensors image (avloc_st_* from avloc.h),
   in caller memory.

   FEATURE GLUE: stereo clip -> training vector, and clip -> Theorem-1
   posterior with the model's feature config, through the binaural API of
   avloc_dsp.h (which this header includes: the model embeds its
   avloc_binaural_config; AVLOC_GLLIM_DSP is no longer needed).

   PERFORMANCE: N=432, D=1536, K=32 ("d*"): ~22 ms per EM iteration on one
   core at plain -O2 (SSE2 micro-kernel, ~15 GFLOP/s), ~11 ms with AVX2+FMA
   (-march=native). Localisation of 1 s of audio (118 frames) with K = 64:
   features 0.29 ms + statistics 0.07 ms + posterior 0.06 ms with AVX2+FMA
   (2 400x real time), 0.74 ms at plain -O2 (bench/bench_locate.c).
   The statistics and posterior kernels are on avloc.h's SIMD layer (SSE2,
   AVX2+FMA dispatched at run time, AArch64 NEON); AVLOC_NO_SIMD forces the
   portable C kernels.

   OBJECTS: model, statistics, posterior and stream follow the one object
   pattern of avloc_dsp.h (query with the config first, init(obj, cfg, mem,
   bytes), destroy; a failed init leaves the object zeroed and calls on it
   give AVLOC_ERR_STATE). Their configs: (K, L, D) for the model, D for the
   statistics, the model for the posterior, model + stream config for the
   stream. They hold no resources, so destroy only zeroes them.

   LICENSE: MIT, see avloc.h.
*/
/* Kernel passes (avloc.h "SIMD layer"): the statistics and posterior
   kernels, in the template section at the end of this file, are compiled
   once per SIMD set with double vectors by the core's per-set driver, which
   re-includes this file by the name AVLOC_GLLIM_FILE ("avloc_gllim.h", next
   to avloc.h; define it as "path/to/it.h" after a rename;
   tools/amalgamate.py pre-defines it). */
#ifndef AVLOC_GLLIM_FILE
#define AVLOC_GLLIM_FILE "avloc_gllim.h"
#endif
#define AVLOC__VPASS_GLLIM 32 /* pass ids of this module: 32..47 */

#ifndef AVLOC__VPASS /* the header and implementation; kernel templates are at the end */
#ifndef AVLOC_GLLIM_H
#define AVLOC_GLLIM_H

#include "avloc.h"
/* avloc_binaural_config: the model's feature configuration */
#include "avloc_dsp.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AVLOC_GLLIM_MAX_L 4 /* largest supported dimension of x */

typedef enum avloc_gllim_sigma {
    AVLOC_GLLIM_SIGMA_DIAG_TIED = 1, /* "d*": diagonal, shared by all components */
    AVLOC_GLLIM_SIGMA_DIAG = 2,      /* "d" : diagonal per component */
    AVLOC_GLLIM_SIGMA_ISO = 3,       /* "i" : isotropic per component */
    AVLOC_GLLIM_SIGMA_ISO_TIED = 4   /* "i*": isotropic, shared */
} avloc_gllim_sigma;
/* "d*", "d", "i", "i*" (the names used by model files and the CLI); "?" otherwise. */
AVLOC_API const char *avloc_gllim_sigma_name(avloc_gllim_sigma s);

/* A trained model. Parameter arrays are row-major doubles in caller memory
   (avloc_gllim_model_query / _init); after changing them by hand call
   avloc_gllim_model_prepare(). Only components 0..K-1 are meaningful. */
typedef struct avloc_gllim_model {
    size_t K;                 /* components in use (<= K_cap) */
    size_t K_cap, L, D;       /* sizes the memory was laid out for */
    avloc_gllim_sigma sigma_type;
    double *pi;               /* K */
    double *c;                /* K x L */
    double *Gamma;            /* K x L x L */
    double *A;                /* K x D x L (row d of A_k is a_dk) */
    double *b;                /* K x D */
    double *sigma2;           /* K x D, always expanded (rows equal when tied,
                                 entries equal when isotropic) */
    /* saved with the model (metadata of its file) */
    avloc_binaural_config feat; /* the features y are made with (avloc_dsp.h; default
                                   avloc_binaural_config_default()): localisation uses
                                   exactly what training used */
    size_t image_width, image_height; /* pixels of the camera image (0: unknown) */
    double hfov_deg;          /* camera horizontal field of view in degrees (0: unknown;
                                 metadata only) */
    double obs_weight;        /* tempering: each active point counts obs_weight times in
                                 Theorem 1 (1 = the paper and the default; < 1 widens an
                                 over-confident posterior). Applied by every posterior function. */
    /* derived, filled by avloc_gllim_model_prepare() */
    int prepared;
    double *Gamma_inv;        /* K x L x L */
    double *logdet_Gamma;     /* K */
    double *inv_sigma2;       /* K x D */
    double *log_sigma2;       /* K x D */
    double *sum_log_sigma2;   /* K */
    double *cstar;            /* K x D: c*_k = A_k c_k + b_k */
    double *Sstar;            /* K x L x L: (Gamma^-1 + A^T Sigma^-1 A)^-1 */
    double *bstar;            /* K x L */
    double *logdet_Gstar;     /* K: log|Sigma_k + A_k Gamma_k A_k^T| */
    double *At;               /* K x L x D: A_k coordinate-major (row i holds a_dk[i] for every
                                 d): with cstar all the posterior pass reads per component, at
                                 unit stride (no shuffles) */
    avloc_extent mem;         /* private: the model's memory (calls refuse outputs and scratch over it) */
} avloc_gllim_model;

AVLOC_API avloc_result avloc_gllim_model_query(size_t K, size_t L, size_t D, size_t *bytes);
/* Lays out a model for up to K components; sigma_type is set to "d*" and
   the parameters to zero (not prepared). */
AVLOC_API avloc_result avloc_gllim_model_init(avloc_gllim_model *m, size_t K, size_t L, size_t D,
                                              void *mem, size_t bytes);
AVLOC_API void avloc_gllim_model_destroy(avloc_gllim_model *m);
/* Validates the parameters (pi > 0, Gamma SPD, sigma2 > 0, all finite) and
   fills the derived arrays. Renormalises pi if its sum is off by > 1e-12. */
AVLOC_API avloc_result avloc_gllim_model_prepare(avloc_gllim_model *m);

#ifndef AVLOC_NO_GLLIM_TRAINING /* inference-only builds: avloc.h, module opt-outs */
/* ----------------------------------------------------------- training */

typedef struct avloc_gllim_train_config {
    size_t K;                 /* components (default 32, the paper's; `avloc gllim train`
                                 defaults to the validated 64, docs/gllim.md) */
    avloc_gllim_sigma sigma_type; /* default AVLOC_GLLIM_SIGMA_DIAG_TIED */
    size_t max_iter;          /* EM iterations, >= 1 (default 100) */
    double tol;               /* relative LL gain stop, >= 0 (default 1e-3) */
    uint64_t seed;            /* k-means++ seed (default 1) */
    size_t n_init;            /* restarts, >= 1 (default 1) */
    size_t kmeans_iter;       /* Lloyd iterations, >= 1 (default 10) */
    double var_floor_rel;     /* default 1e-6 */
    double var_floor_abs;     /* default 1e-12 */
    double gamma_reg;         /* default 1e-8 */
    double min_weight;        /* collapse threshold on rbar_k (default 3 = L+1 for L=2) */
    int reseed;               /* 1: re-seed collapsed components (default), 0: remove */
    const double *init_resp;  /* optional N x K initial responsibilities (rows
                                 sum to 1); replaces k-means, needs n_init == 1 */
    int (*progress)(void *user, int iter, double loglik); /* non-zero: stop */
    void *user;
} avloc_gllim_train_config;

typedef struct avloc_gllim_train_info {
    size_t iterations;        /* EM iterations of the kept run */
    double loglik;            /* log-likelihood of the returned parameters */
    int converged;            /* 1: tolerance reached, 0: max_iter or stopped */
    int stopped;              /* 1: progress callback asked to stop */
    size_t K_used;            /* components kept (== model.K) */
    size_t n_reseeded, n_removed;
    size_t best_init;         /* index of the kept restart */
} avloc_gllim_train_info;

AVLOC_API avloc_gllim_train_config avloc_gllim_train_config_default(void);
/* Scratch bytes for training N points. */
AVLOC_API avloc_result avloc_gllim_train_query(const avloc_gllim_train_config *cfg, size_t N,
                                               size_t L, size_t D, size_t *scratch_bytes);
/* X: N x L, Y: N x D (row-major, one training pair per row). The model must
   have been initialised with K_cap >= cfg->K and the same L, D. info may be
   NULL. Errors: NULL, SIZE (K > N, N < 2, sizes), PARAM, NONFINITE,
   WORKSPACE (these leave the model as it was), NUMERIC (EM or the final
   prepare failed: the model is left unprepared, AVLOC_ERR_STATE for every
   use, until a training succeeds or a model is loaded). */
AVLOC_API avloc_result avloc_gllim_train_f64(const avloc_gllim_train_config *cfg, const double *X,
                                             const double *Y, size_t N, avloc_gllim_model *model,
                                             void *scratch, size_t scratch_bytes,
                                             avloc_gllim_train_info *info);
AVLOC_API avloc_result avloc_gllim_train_f32(const avloc_gllim_train_config *cfg, const double *X,
                                             const float *Y, size_t N, avloc_gllim_model *model,
                                             void *scratch, size_t scratch_bytes,
                                             avloc_gllim_train_info *info);
/* Training vectors with holes: Y is N x D, dim_mask[n*D + d] = 0 where
   vector n has no value for dimension d (avloc_binaural_mean_f32 gives
   such masks when a dimension was never active in a calibration clip).
   Each hole becomes the mean of the dimension over the vectors that have
   it (0 when none has). *n_filled (optional) = holes filled. A non-finite
   value that is not a hole gives NONFINITE and changes nothing. */
AVLOC_API avloc_result avloc_gllim_fill_missing_f32(float *Y, const unsigned char *dim_mask, size_t N, size_t D,
                                                    size_t *n_filled);
/* The deterministic k-means++ initialisation alone: hard responsibilities
   (N x K, 0/1) for X given K and seed. scratch from avloc_gllim_train_query
   (any config with this K) is enough. */
AVLOC_API avloc_result avloc_gllim_kmeans_init(const double *X, size_t N, size_t L, size_t K,
                                               uint64_t seed, size_t kmeans_iter, double *resp,
                                               void *scratch, size_t scratch_bytes);

#endif /* !AVLOC_NO_GLLIM_TRAINING */

/* ------------------------------------------------------- inverse map */

/* E[x|y] for a complete feature vector y (D values). x: L outputs; alpha: K
   outputs (the posterior component weights alpha*_k(y)), required. x, alpha
   and y may not overlap (AVLOC_ERR_PARAM). */
AVLOC_API avloc_result avloc_gllim_inverse_f64(const avloc_gllim_model *m, const double *y,
                                               double *x, double *alpha);
AVLOC_API avloc_result avloc_gllim_inverse_f32(const avloc_gllim_model *m, const float *y,
                                               double *x, double *alpha);

/* ------------------------------------------- Theorem 1: sparse posterior */

/* Per-dimension sufficient statistics of a masked series. */
typedef struct avloc_gllim_stats {
    size_t D;
    double *S0, *S1, *S2;     /* D each: sum_t chi, sum_t chi y, sum_t chi y^2 */
    size_t n_active;          /* sum of chi */
    size_t n_frames;          /* frames added minus frames removed */
    avloc_extent mem;         /* private: the statistics' memory */
} avloc_gllim_stats;

AVLOC_API avloc_result avloc_gllim_stats_query(size_t D, size_t *bytes);
AVLOC_API avloc_result avloc_gllim_stats_init(avloc_gllim_stats *s, size_t D, void *mem, size_t bytes);
AVLOC_API void avloc_gllim_stats_reset(avloc_gllim_stats *s);
AVLOC_API void avloc_gllim_stats_destroy(avloc_gllim_stats *s);
/* Adds (sign > 0) or removes (sign < 0) T frames (T x D, frame-major) with
   their masks (1 = active). Inactive entries are ignored, whatever value
   (NaN included) they hold; a non-finite active value gives NONFINITE and
   leaves the statistics unchanged. Removing frames that were not added (more
   frames or active entries, in total or in any dimension, than the
   statistics hold: e.g. a frame removed with another mask) gives
   AVLOC_ERR_STATE, statistics unchanged. Y or mask sharing memory with the
   statistics' sums: AVLOC_ERR_PARAM, statistics unchanged. */
AVLOC_API avloc_result avloc_gllim_stats_add_f32(avloc_gllim_stats *s, const float *Y,
                                                 const unsigned char *mask, size_t T, int sign);

typedef struct avloc_gllim_posterior {
    size_t K, L;              /* K of the model used last */
    size_t K_cap;
    size_t D;                 /* feature dimension of the model it was made for */
    double *nu;               /* K weights, sum 1 */
    double *mu;               /* K x L */
    double *V;                /* K x L x L */
    double *work;             /* 2 x D: the weights S0/sigma2 and active means S1/S0 of the
                                 last call (the posterior's own scratch, internal) */
    double mean[AVLOC_GLLIM_MAX_L];                     /* x_hat = sum nu mu */
    double cov[AVLOC_GLLIM_MAX_L * AVLOC_GLLIM_MAX_L];  /* L x L mixture covariance */
    size_t n_active;          /* active points used */
    avloc_extent mem;         /* private: the posterior's memory (may not meet the model's or the statistics') */
} avloc_gllim_posterior;

/* A posterior made by _init for model m serves any model with the same
   L and D and K <= m's K_cap (AVLOC_ERR_SIZE otherwise); it holds its own
   2 x D doubles of scratch, so one posterior per thread. obj_bytes: its
   memory; scratch_bytes (optional): what avloc_gllim_posterior_f32 needs
   per call (the statistics of the series). */
AVLOC_API avloc_result avloc_gllim_posterior_query(const avloc_gllim_model *m, size_t *obj_bytes,
                                                   size_t *scratch_bytes);
AVLOC_API avloc_result avloc_gllim_posterior_init(avloc_gllim_posterior *p, const avloc_gllim_model *m,
                                                  void *mem, size_t bytes);
AVLOC_API void avloc_gllim_posterior_destroy(avloc_gllim_posterior *p);
/* Every posterior function applies the model's tempering weight
   m->obs_weight (each active point counts that many times; 1 = the
   paper's Theorem 1), stored in and loaded from model files. */
/* Every posterior function returns AVLOC_ERR_NUMERIC, never a NaN or
   infinite mean / covariance, when the model's values are so large that
   the computation overflows. */
/* Theorem 1 from sufficient statistics (scratch: p->work). AVLOC_NO_ACTIVE_POINTS
   (positive) with the prior mixture (nu = pi, mu = c, V = Gamma) when
   n_active == 0. */
AVLOC_API avloc_result avloc_gllim_posterior_from_stats(const avloc_gllim_model *m,
                                                        const avloc_gllim_stats *s,
                                                        avloc_gllim_posterior *p);
/* Theorem 1 for a T x D series Y with mask (frame-major). */
AVLOC_API avloc_result avloc_gllim_posterior_f32(const avloc_gllim_model *m, const float *Y,
                                                 const unsigned char *mask, size_t T,
                                                 avloc_gllim_posterior *p,
                                                 void *scratch, size_t scratch_bytes);

/* ------------------------------------------------------- streaming */

typedef struct avloc_gllim_stream_config {
    size_t window;            /* frames in the sliding window (default 90 = 720 ms at hop 128 / 16 kHz) */
    size_t emit_every;        /* emit an estimate every this many pushes (default 5 = 40 ms) */
    size_t min_active;        /* active points needed to emit (default 100) */
    size_t refresh_every;     /* exact recomputation period in pushes (default = window) */
} avloc_gllim_stream_config;

typedef struct avloc_gllim_stream {
    const avloc_gllim_model *model;
    avloc_gllim_stream_config cfg;
    float *ring_y;            /* window x D (inactive entries stored as 0) */
    unsigned char *ring_m;    /* window x D */
    avloc_gllim_stats stats;
    size_t head, count, pushes, since_refresh;
    avloc_extent mem;         /* private: the stream's memory (push refuses its buffers over it) */
} avloc_gllim_stream;

AVLOC_API avloc_gllim_stream_config avloc_gllim_stream_config_default(void);
AVLOC_API avloc_result avloc_gllim_stream_query(const avloc_gllim_model *m,
                                                const avloc_gllim_stream_config *cfg, size_t *bytes);
AVLOC_API avloc_result avloc_gllim_stream_init(avloc_gllim_stream *s, const avloc_gllim_model *m,
                                               const avloc_gllim_stream_config *cfg,
                                               void *mem, size_t bytes);
AVLOC_API void avloc_gllim_stream_reset(avloc_gllim_stream *s);
AVLOC_API void avloc_gllim_stream_destroy(avloc_gllim_stream *s);
/* Pushes one frame (D features + D mask bytes). When an estimate is due and
   at least min_active points are active, fills *post and sets *emitted = 1
   (else 0). post may be NULL only if no estimate is ever due: when one is,
   the call returns AVLOC_ERR_NULL after the frame was added (so do not push
   it again). */
AVLOC_API avloc_result avloc_gllim_stream_push_f32(avloc_gllim_stream *s, const float *y,
                                                   const unsigned char *mask,
                                                   avloc_gllim_posterior *post, int *emitted);

/* ------------------------------------ float32 localisation (microcontrollers) */
/* The Theorem-1 localisation path (statistics and posterior) in single
   precision, for FPUs without double (Cortex-M4F: every double operation is
   a software call there). Training and the double model stay on the host;
   avloc_gllim_model_f32_init converts a prepared double model into the
   float arrays the posterior reads (the derived ones included: Gamma^-1,
   log|Gamma|, 1/sigma^2, log sigma^2, c*_k and A_k coordinate-major), and
   tools/m4/gen_gllim_header.c writes those arrays as const C tables, so a
   firmware keeps the model in flash and links no double arithmetic and no
   double libm on this path (checked by tools/check_mcu_tables.sh).
   Same mathematics as avloc_gllim_posterior_from_stats (sums over D in
   blocks of 64 dims to bound float rounding); agreement with the double
   path is tested in tests/test_gllim_f32.c (docs/mcu.md gives the
   tolerances). */
typedef struct avloc_gllim_model_f32 {
    size_t K, L, D;
    avloc_gllim_sigma sigma_type;
    float obs_weight;          /* tempering weight (model->obs_weight) */
    const float *pi;           /* K */
    const float *c;            /* K x L */
    const float *Gamma;        /* K x L x L (the prior: the answer without active points) */
    const float *Gamma_inv;    /* K x L x L */
    const float *logdet_Gamma; /* K */
    const float *At;           /* K x L x D: A_k coordinate-major */
    const float *cstar;        /* K x D: A_k c_k + b_k */
    const float *inv_sigma2;   /* R x D, R = 1 for tied Sigma ("d*", "i*"), K otherwise */
    const float *log_sigma2;   /* R x D */
    avloc_binaural_config feat; /* the features' configuration (metadata) */
    size_t image_width, image_height;
    avloc_extent mem;          /* private: the model's memory (calls refuse outputs over it) */
} avloc_gllim_model_f32;

/* Bytes of the float copy of a prepared double model. */
AVLOC_API avloc_result avloc_gllim_model_f32_query(const avloc_gllim_model *m, size_t *bytes);
/* Fills *mf with float copies in mem. AVLOC_ERR_STATE for an unprepared
   model, AVLOC_ERR_NUMERIC when a value does not fit a float (it would
   become Inf or a 1/sigma^2 of 0). *mf is zeroed on failure. */
AVLOC_API avloc_result avloc_gllim_model_f32_init(avloc_gllim_model_f32 *mf, const avloc_gllim_model *m,
                                                  void *mem, size_t bytes);
AVLOC_API void avloc_gllim_model_f32_destroy(avloc_gllim_model_f32 *mf);
/* Full validation of a model made elsewhere (const tables in flash): sizes,
   pointers, every value finite, pi > 0, 1/sigma^2 > 0, Gamma^-1 symmetric
   positive definite, obs_weight in (0, 1e12]. O(K D); call it once at
   start-up. The posterior checks only sizes and pointers per call. */
AVLOC_API avloc_result avloc_gllim_model_f32_check(const avloc_gllim_model_f32 *mf);

/* S0, S1, S2 in float (S0 counts exactly up to 2^24 points per dim). */
typedef struct avloc_gllim_stats_f32 {
    size_t D;
    float *S0, *S1, *S2;
    size_t n_active, n_frames;
    avloc_extent mem;          /* private: the statistics' memory */
} avloc_gllim_stats_f32;
AVLOC_API avloc_result avloc_gllim_stats_f32_query(size_t D, size_t *bytes);
AVLOC_API avloc_result avloc_gllim_stats_f32_init(avloc_gllim_stats_f32 *s, size_t D, void *mem, size_t bytes);
AVLOC_API void avloc_gllim_stats_f32_reset(avloc_gllim_stats_f32 *s);
AVLOC_API void avloc_gllim_stats_f32_destroy(avloc_gllim_stats_f32 *s);
/* As avloc_gllim_stats_add_f32 (same validation, all or nothing). */
AVLOC_API avloc_result avloc_gllim_stats_f32_add(avloc_gllim_stats_f32 *s, const float *Y,
                                                 const unsigned char *mask, size_t T, int sign);

/* The float posterior: fields as in avloc_gllim_posterior. */
typedef struct avloc_gllim_post_f32 {
    size_t K, L, K_cap, D;
    float *nu, *mu, *V;
    float *work;              /* 2 x D */
    float mean[AVLOC_GLLIM_MAX_L];
    float cov[AVLOC_GLLIM_MAX_L * AVLOC_GLLIM_MAX_L];
    size_t n_active;
    avloc_extent mem;          /* private: the posterior's memory (may not meet the model's or the statistics') */
} avloc_gllim_post_f32;
AVLOC_API avloc_result avloc_gllim_post_f32_query(const avloc_gllim_model_f32 *m, size_t *bytes);
AVLOC_API avloc_result avloc_gllim_post_f32_init(avloc_gllim_post_f32 *p, const avloc_gllim_model_f32 *m,
                                                 void *mem, size_t bytes);
AVLOC_API void avloc_gllim_post_f32_destroy(avloc_gllim_post_f32 *p);
/* Theorem 1 in float; returns and fills as avloc_gllim_posterior_from_stats
   (AVLOC_NO_ACTIVE_POINTS with the prior). */
AVLOC_API avloc_result avloc_gllim_posterior_from_stats_f32(const avloc_gllim_model_f32 *m,
                                                            const avloc_gllim_stats_f32 *s,
                                                            avloc_gllim_post_f32 *p);

#ifndef AVLOC_NO_SAFETENSORS /* the model files need the container */
/* ------------------------------------------------------- model files */
/* safetensors container (avloc_st_* in avloc.h). Tensors: "pi" (K),
   "c" (K,L), "Gamma" (K,L,L), "A" (K,D,L), "b" (K,D) and "sigma2" in its
   compact shape: (1,D) for "d*", (K,D) for "d", (K,1) for "i", (1,1) for
   "i*"; dtype F64 or F32 (chosen at save; loading accepts F64/F32/F16/BF16).
   __metadata__ (all strings): format "avloc-gllim", version "1",
   sigma_type ("d*","d","i","i*"), K, L, D; the feature configuration
   model->feat: sample_rate, n_fft, hop, window ("rectangular", "hann",
   "hamming", "blackman", "sqrt_hann"), first_bin, n_bins, threshold_db,
   threshold_relative; image_width, image_height, hfov_deg, obs_weight.
   Missing items load with their defaults (avloc_binaural_config_default(),
   image 0 x 0, hfov 0, obs_weight 1), so files written before the window
   was stored load as Hann; unknown items are ignored. A feature
   configuration the feature functions would refuse (hop 0, bins past
   n_fft / 2 + 1) is AVLOC_ERR_FORMAT; n_bins against D is checked where
   features meet the model (the clip functions), since a model of other
   data (any D) carries the default configuration. */

/* Exact file size and the scratch a save needs (both dtypes need some:
   the F64 writer stages tensors too; pass what this says). dtype:
   AVLOC_ST_F64 or AVLOC_ST_F32. */
AVLOC_API avloc_result avloc_gllim_save_query(const avloc_gllim_model *m, avloc_st_dtype dtype,
                                              size_t *file_bytes, size_t *scratch_bytes);
/* Writes the file image into buf[cap]; *written = its size. A value that is
   not finite, or (F32) beyond FLT_MAX, is AVLOC_ERR_NONFINITE: the file
   would not load. */
AVLOC_API avloc_result avloc_gllim_save(const avloc_gllim_model *m, avloc_st_dtype dtype, void *buf,
                                        size_t cap, void *scratch, size_t scratch_bytes, size_t *written);
/* Sizes stored in a file image, and the model memory to load it. Checked
   here: the format, the sizes' syntax and that K, L, D (each at most 2^28)
   give byte counts that fit size_t, so model_bytes may still be huge for a
   hostile file (K = 2^28: terabytes): check it against what you can give
   before allocating. The tensors and the feature configuration are checked
   by avloc_gllim_load. */
AVLOC_API avloc_result avloc_gllim_load_query(const void *data, size_t size, size_t *K, size_t *L,
                                              size_t *D, size_t *model_bytes);
/* Initialises *m in mem (as avloc_gllim_model_init) from a file image,
   validates it (shapes against the metadata, finite values, SPD Gamma,
   positive pi and sigma2) and prepares it. AVLOC_ERR_FORMAT for a file
   that is not a GLLiM model, AVLOC_ERR_NOT_FOUND for a missing item; on
   any failure *m is left zeroed (as a failed init). */
AVLOC_API avloc_result avloc_gllim_load(avloc_gllim_model *m, const void *data, size_t size,
                                        void *mem, size_t bytes);

#endif /* !AVLOC_NO_SAFETENSORS */

#ifndef AVLOC_NO_GCC_PHAT /* the baseline runs avloc_dsp.h's GCC-PHAT */
/* ------------------------------------------- GCC-PHAT baseline */
/* The paper's baseline (and the reference every GLLiM result in
   docs/gllim.md is compared with): the clip's Welch-averaged GCC-PHAT delay
   (avloc_gcc_clip_f32 of avloc_dsp.h, sub-sample peak) mapped to the
   horizontal pixel by a least-squares line fitted on the calibration clips,
   u = slope * delay + intercept. v is not estimated. */
typedef struct avloc_phat_model {
    avloc_gcc_config gcc;     /* the delay estimator; default: avloc_gcc_config_default() */
    float sample_rate;        /* Hz of the calibration clips (default 16000) */
    double slope, intercept;  /* u = slope * delay_samples + intercept (px) */
    double rmse;              /* root mean square training residual in px */
    size_t n_train;           /* calibration clips of the fit */
    size_t image_width, image_height; /* camera pixels (0: unknown) */
    double hfov_deg;          /* camera horizontal field of view (0: unknown) */
} avloc_phat_model;

/* gcc = avloc_gcc_config_default(), 16 kHz, the line u = 0, the rest 0. */
AVLOC_API avloc_phat_model avloc_phat_model_default(void);
/* Least-squares line u = slope * delay + intercept through n >= 2 pairs
   (delays[i] in samples, u[i] in px); sets slope, intercept, rmse and
   n_train, leaves the other fields. AVLOC_ERR_NUMERIC when every delay is
   the same (no line can be fitted), NONFINITE for NaN/Inf input. */
AVLOC_API avloc_result avloc_phat_fit_f64(avloc_phat_model *m, const double *delays, const double *u, size_t n);
/* u for a delay in samples (NaN in, NaN out: a silent clip has no delay;
   NaN for m == NULL). */
AVLOC_API double avloc_phat_pixel(const avloc_phat_model *m, double delay);
#ifndef AVLOC_NO_SAFETENSORS
/* Model files (safetensors, in caller memory): tensor "line" F64 [2] =
   (slope, intercept); __metadata__ format "avloc-phat", version "1",
   sample_rate, frame_length, n_fft, hop, window, max_lag, upsample, interp,
   phat_floor, rmse_px, n_train, image_width, image_height, hfov_deg. */
AVLOC_API avloc_result avloc_phat_save_query(const avloc_phat_model *m, size_t *file_bytes);
AVLOC_API avloc_result avloc_phat_save(const avloc_phat_model *m, void *buf, size_t cap, size_t *written);
/* Loads and validates (the GCC settings through avloc_gcc_query_f32):
   AVLOC_ERR_FORMAT for a file that is not a PHAT model; *m is zeroed on
   failure. */
AVLOC_API avloc_result avloc_phat_load(avloc_phat_model *m, const void *data, size_t size);

#endif /* !AVLOC_NO_SAFETENSORS */
#endif /* !AVLOC_NO_GCC_PHAT */

#ifndef AVLOC_NO_BINAURAL /* the glue runs avloc_dsp.h's binaural features */
/* ------------------------------------------------------- feature glue */
/* Stereo clip helpers on the binaural front end of avloc_dsp.h. */
/* Frames of a clip and the scratch the two clip functions below need. */
AVLOC_API avloc_result avloc_gllim_clip_scratch(const avloc_binaural_config *f, size_t n_samples,
                                                size_t *n_frames, size_t *scratch_bytes);
/* Training vector of a (white-noise) clip: temporal mean of the active
   features (avloc_binaural_mean_f32). y and dim_mask: D = 3 n_bins each. */
AVLOC_API avloc_result avloc_gllim_clip_vector_f32(const avloc_binaural_config *f, const float *left,
                                                   const float *right, size_t n_samples, float *y,
                                                   unsigned char *dim_mask, void *scratch,
                                                   size_t scratch_bytes);
/* Theorem-1 localisation of a whole clip with the model's feature config. */
AVLOC_API avloc_result avloc_gllim_localize_clip_f32(const avloc_gllim_model *m, const float *left,
                                                     const float *right, size_t n_samples,
                                                     avloc_gllim_posterior *post, void *scratch,
                                                     size_t scratch_bytes);

#endif /* !AVLOC_NO_BINAURAL */

#ifdef __cplusplus
}
#endif
#endif /* AVLOC_GLLIM_H */

/* ======================================================================= */
/*                           IMPLEMENTATION                                */
/* ======================================================================= */
#if defined(AVLOC_IMPLEMENTATION) && !defined(AVLOC_GLLIM_IMPLEMENTATION)
#define AVLOC_GLLIM_IMPLEMENTATION
#endif
#if defined(AVLOC_GLLIM_IMPLEMENTATION) && !defined(AVLOC_GLLIM_IMPLEMENTATION_DONE)
#define AVLOC_GLLIM_IMPLEMENTATION_DONE

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <float.h>

/* (the EM's products go through the core's avloc_gemm_f64; the other
   kernels are on the SIMD layer) */

#define AVLOC__GL_LOG2PI 1.8378770664093454836

/* ----------------------------------------------------- small L x L helpers */

/* Cholesky of a copy of the L x L matrix S into Lf; inverse into inv (may be
   NULL); returns log|S| through *logdet. */
static avloc_result avloc__gl_spd(const double *S, size_t L, double *Lf, double *inv, double *logdet)
{
    avloc_result r;
    memcpy(Lf, S, L * L * sizeof(double));
    r = avloc_chol_f64(Lf, L, L);
    if (r != AVLOC_OK) return r;
    if (logdet) *logdet = avloc_chol_logdet_f64(Lf, L, L);
    if (inv) avloc_chol_inverse_f64(Lf, L, L, inv, L);
    return AVLOC_OK;
}

static int avloc__gl_sigma_ok(avloc_gllim_sigma s)
{
    return s == AVLOC_GLLIM_SIGMA_DIAG_TIED || s == AVLOC_GLLIM_SIGMA_DIAG ||
           s == AVLOC_GLLIM_SIGMA_ISO || s == AVLOC_GLLIM_SIGMA_ISO_TIED;
}
static int avloc__gl_sigma_tied(avloc_gllim_sigma s)
{
    return s == AVLOC_GLLIM_SIGMA_DIAG_TIED || s == AVLOC_GLLIM_SIGMA_ISO_TIED;
}
static int avloc__gl_sigma_iso(avloc_gllim_sigma s)
{
    return s == AVLOC_GLLIM_SIGMA_ISO || s == AVLOC_GLLIM_SIGMA_ISO_TIED;
}

/* ------------------------------------------------------------------ model */

static avloc_result avloc__gl_model_layout(avloc_arena *a, avloc_gllim_model *m, size_t K, size_t L, size_t D)
{
    size_t KL, KLL, KD, KDL;
    double *pi, *c, *G, *A, *b, *s2, *Gi, *ldG, *is2, *ls2, *sls2, *cs, *Ss, *bs, *ldGs;
    double *At;
    if (K == 0 || L == 0 || L > AVLOC_GLLIM_MAX_L || D == 0 || K > AVLOC_MAX_DIM || D > AVLOC_MAX_DIM)
        return AVLOC_ERR_SIZE;
    if (!avloc_size_mul(K, L, &KL) || !avloc_size_mul(KL, L, &KLL) || !avloc_size_mul(K, D, &KD) ||
        !avloc_size_mul(KD, L, &KDL))
        return AVLOC_ERR_OVERFLOW;
    pi = AVLOC_PUSH(a, double, K);
    c = AVLOC_PUSH(a, double, KL);
    G = AVLOC_PUSH(a, double, KLL);
    A = AVLOC_PUSH(a, double, KDL);
    b = AVLOC_PUSH(a, double, KD);
    s2 = AVLOC_PUSH(a, double, KD);
    Gi = AVLOC_PUSH(a, double, KLL);
    ldG = AVLOC_PUSH(a, double, K);
    is2 = AVLOC_PUSH(a, double, KD);
    ls2 = AVLOC_PUSH(a, double, KD);
    sls2 = AVLOC_PUSH(a, double, K);
    cs = AVLOC_PUSH(a, double, KD);
    Ss = AVLOC_PUSH(a, double, KLL);
    bs = AVLOC_PUSH(a, double, KL);
    ldGs = AVLOC_PUSH(a, double, K);
    At = AVLOC_PUSH(a, double, KDL);
    if (avloc_arena_status(a) != AVLOC_OK) return avloc_arena_status(a);
    if (m) {
        if (!pi || !At) return AVLOC_ERR_WORKSPACE;
        memset(m, 0, sizeof *m);
        m->K = K; m->K_cap = K; m->L = L; m->D = D;
        m->sigma_type = AVLOC_GLLIM_SIGMA_DIAG_TIED;
        m->pi = pi; m->c = c; m->Gamma = G; m->A = A; m->b = b; m->sigma2 = s2;
        m->Gamma_inv = Gi; m->logdet_Gamma = ldG; m->inv_sigma2 = is2; m->log_sigma2 = ls2;
        m->sum_log_sigma2 = sls2; m->cstar = cs; m->Sstar = Ss; m->bstar = bs; m->logdet_Gstar = ldGs;
        m->At = At;
        m->feat = avloc_binaural_config_default();
        m->obs_weight = 1.0;
        m->mem = avloc__extent_of(a);
        memset(pi, 0, K * sizeof(double)); memset(c, 0, KL * sizeof(double));
        memset(G, 0, KLL * sizeof(double)); memset(A, 0, KDL * sizeof(double));
        memset(b, 0, KD * sizeof(double)); memset(s2, 0, KD * sizeof(double));
    }
    return AVLOC_OK;
}

/* The model's config for avloc_layout_query/init. */
typedef struct avloc__gl_model_cfg {
    size_t K, L, D;
} avloc__gl_model_cfg;

static avloc_result avloc__gl_model_layout_fn(avloc_arena *a, void *obj, const void *cfg, size_t *scratch_bytes)
{
    const avloc__gl_model_cfg *c = (const avloc__gl_model_cfg *)cfg;
    (void)scratch_bytes;
    return avloc__gl_model_layout(a, (avloc_gllim_model *)obj, c->K, c->L, c->D);
}

AVLOC_API avloc_result avloc_gllim_model_query(size_t K, size_t L, size_t D, size_t *bytes)
{
    avloc__gl_model_cfg c;
    if (!bytes) return AVLOC_ERR_NULL;
    c.K = K; c.L = L; c.D = D;
    return avloc_layout_query(avloc__gl_model_layout_fn, &c, bytes, NULL);
}

AVLOC_API avloc_result avloc_gllim_model_init(avloc_gllim_model *m, size_t K, size_t L, size_t D,
                                              void *mem, size_t bytes)
{
    avloc__gl_model_cfg c;
    if (m) memset(m, 0, sizeof *m); /* the documented state of a failed init */
    if (!m || !mem) return AVLOC_ERR_NULL;
    c.K = K; c.L = L; c.D = D;
    return avloc_layout_init(avloc__gl_model_layout_fn, m, sizeof *m, &c, mem, bytes);
}

AVLOC_API void avloc_gllim_model_destroy(avloc_gllim_model *m)
{
    if (m) memset(m, 0, sizeof *m);
}

AVLOC_API avloc_result avloc_gllim_model_prepare(avloc_gllim_model *m)
{
    size_t K, L, D, k, d, i, j;
    double psum = 0.0;
    if (!m) return AVLOC_ERR_NULL;
    if (!m->pi || !m->Gamma_inv || !m->At) return AVLOC_ERR_STATE; /* not initialised, or destroyed */
    K = m->K; L = m->L; D = m->D;
    m->prepared = 0;
    if (K == 0 || K > m->K_cap || L == 0 || L > AVLOC_GLLIM_MAX_L || D == 0) return AVLOC_ERR_SIZE;
    if (!avloc__gl_sigma_ok(m->sigma_type)) return AVLOC_ERR_PARAM;
    /* a model struct filled by hand: obs_weight 0 */
    if (avloc__nan_f64(m->obs_weight) || !(m->obs_weight > 0.0 && m->obs_weight <= 1e12)) return AVLOC_ERR_PARAM;
    if (!(m->hfov_deg >= 0.0 && m->hfov_deg < 180.0)) return AVLOC_ERR_PARAM;
    if (!avloc_all_finite_f64(m->pi, K) || !avloc_all_finite_f64(m->c, K * L) ||
        !avloc_all_finite_f64(m->Gamma, K * L * L) || !avloc_all_finite_f64(m->A, K * D * L) ||
        !avloc_all_finite_f64(m->b, K * D) || !avloc_all_finite_f64(m->sigma2, K * D))
        return AVLOC_ERR_NONFINITE;
    for (k = 0; k < K; k++) {
        if (!(m->pi[k] > 0.0)) return AVLOC_ERR_PARAM;
        psum += m->pi[k];
    }
    if (fabs(psum - 1.0) > 1e-12) /* leave an already normalised pi bit-exact */
        for (k = 0; k < K; k++) m->pi[k] /= psum;
    for (k = 0; k < K * D; k++)
        if (!(m->sigma2[k] > 0.0)) return AVLOC_ERR_PARAM;
    /* a tied (or isotropic) Sigma must really be tied (isotropic): the
       posterior reads only what the type promises */
    for (k = 0; k < K; k++)
        for (d = 0; d < D; d++) {
            double ref = m->sigma2[(avloc__gl_sigma_tied(m->sigma_type) ? 0 : k) * D +
                                   (avloc__gl_sigma_iso(m->sigma_type) ? 0 : d)];
            if (m->sigma2[k * D + d] != ref) return AVLOC_ERR_PARAM;
        }
    for (k = 0; k < K; k++) {
        double Lf[AVLOC_GLLIM_MAX_L * AVLOC_GLLIM_MAX_L], P[AVLOC_GLLIM_MAX_L * AVLOC_GLLIM_MAX_L];
        double h[AVLOC_GLLIM_MAX_L], ldP, sls = 0.0;
        const double *G = m->Gamma + k * L * L, *c = m->c + k * L;
        double *Gi = m->Gamma_inv + k * L * L;
        const double *Ak = m->A + k * D * L, *bk = m->b + k * D, *s2 = m->sigma2 + k * D;
        double *is2 = m->inv_sigma2 + k * D, *ls2 = m->log_sigma2 + k * D, *cs = m->cstar + k * D;
        avloc_result r;
        for (i = 0; i < L; i++) /* symmetric? */
            for (j = 0; j < i; j++)
                if (fabs(G[i * L + j] - G[j * L + i]) > 1e-9 * (fabs(G[i * L + i]) + fabs(G[j * L + j])))
                    return AVLOC_ERR_PARAM;
        r = avloc__gl_spd(G, L, Lf, Gi, &m->logdet_Gamma[k]);
        if (r != AVLOC_OK) return r;
        memcpy(P, Gi, L * L * sizeof(double));
        for (i = 0; i < L; i++) {
            h[i] = 0.0;
            for (j = 0; j < L; j++) h[i] += Gi[i * L + j] * c[j];
        }
        for (d = 0; d < D; d++) {
            const double *a = Ak + d * L;
            double w = 1.0 / s2[d], pred = bk[d];
            is2[d] = w;
            ls2[d] = log(s2[d]);
            sls += ls2[d];
            for (i = 0; i < L; i++) {
                pred += a[i] * c[i];
                h[i] -= a[i] * w * bk[d];
                for (j = 0; j < L; j++) P[i * L + j] += w * a[i] * a[j];
            }
            cs[d] = pred;
            for (i = 0; i < L; i++) m->At[(k * L + i) * D + d] = a[i];
        }
        m->sum_log_sigma2[k] = sls;
        r = avloc__gl_spd(P, L, Lf, m->Sstar + k * L * L, &ldP);
        if (r != AVLOC_OK) return r;
        for (i = 0; i < L; i++) {
            double s = 0.0;
            for (j = 0; j < L; j++) s += m->Sstar[k * L * L + i * L + j] * h[j];
            m->bstar[k * L + i] = s;
        }
        /* determinant lemma: |Sigma + A Gamma A^T| = |Sigma| |Gamma| |Gamma^-1 + A^T Sigma^-1 A| */
        m->logdet_Gstar[k] = sls + m->logdet_Gamma[k] + ldP;
    }
    m->prepared = 1;
    return AVLOC_OK;
}

#ifndef AVLOC_NO_GLLIM_TRAINING
/* ------------------------------------------------------------ training */

AVLOC_API avloc_gllim_train_config avloc_gllim_train_config_default(void)
{
    avloc_gllim_train_config c;
    memset(&c, 0, sizeof c);
    c.K = 32;
    c.sigma_type = AVLOC_GLLIM_SIGMA_DIAG_TIED;
    c.max_iter = 100;
    c.tol = 1e-3;
    c.seed = 1;
    c.n_init = 1;
    c.kmeans_iter = 10;
    c.var_floor_rel = 1e-6;
    c.var_floor_abs = 1e-12;
    c.gamma_reg = 1e-8;
    c.min_weight = 3.0;
    c.reseed = 1;
    return c;
}

/* The core GEMM's scratch for the EM's products: Y^T Rt (D x J, k = N) and
   Y W (N x J, k = D); the K-column ones (J >= K) need no more. */
static avloc_result avloc__gl_gemm_bytes(size_t N, size_t D, size_t J, size_t *bytes)
{
    size_t b1 = 0, b2 = 0;
    avloc_result r = avloc_gemm_scratch_f64(D, J, N, &b1);
    if (r == AVLOC_OK) r = avloc_gemm_scratch_f64(N, J, D, &b2);
    *bytes = b1 > b2 ? b1 : b2;
    return r;
}

/* Training workspace; every array is in the caller's scratch. */
typedef struct avloc__gl_ws {
    size_t N, L, D, K, J;     /* J = K (L+1), K is the current count */
    avloc_gllim_sigma st;
    double *Y, *Y2, *X;       /* centred data (Y2 = Y^2 only for "d") */
    double *R, *Rt, *P, *W, *G, *Q, *IS, *S2;
    double *ysq, *yy, *vfloor, *Mq, *kconst, *Gi, *isd;
    double *rbar, *xbar;
    void *gemm;               /* the core GEMM's packing scratch */
    size_t gemm_bytes;
    double *mx, *my;          /* data means */
    double sx;                /* mean variance of X (ridge scale) */
    /* best run so far (n_init > 1) */
    double *bpi, *bc, *bG, *bA, *bb, *bs2;
    /* k-means */
    double *kmc, *kmd;
    size_t *kma;
} avloc__gl_ws;

static avloc_result avloc__gl_ws_layout(avloc_arena *a, avloc__gl_ws *w, size_t N, size_t L, size_t D,
                                        size_t K, avloc_gllim_sigma st, int best)
{
    size_t J, ND, NJ, DJ, NK, DK, KL, KLL, KDL, KD, gb;
    int diag = (st == AVLOC_GLLIM_SIGMA_DIAG);
    memset(w, 0, sizeof *w);
    if (!avloc_size_mul(K, L + 1, &J) || !avloc_size_mul(N, D, &ND) || !avloc_size_mul(N, J, &NJ) ||
        !avloc_size_mul(D, J, &DJ) || !avloc_size_mul(N, K, &NK) || !avloc_size_mul(D, K, &DK) ||
        !avloc_size_mul(K, L, &KL) || !avloc_size_mul(KL, L, &KLL) || !avloc_size_mul(DK, L, &KDL) ||
        !avloc_size_mul(D, K, &KD))
        return AVLOC_ERR_OVERFLOW;
    if (avloc__gl_gemm_bytes(N, D, J, &gb) != AVLOC_OK) return AVLOC_ERR_OVERFLOW;
    w->N = N; w->L = L; w->D = D; w->K = K; w->J = J; w->st = st;
    w->Y = AVLOC_PUSH(a, double, ND);
    w->Y2 = diag ? AVLOC_PUSH(a, double, ND) : NULL;
    w->X = AVLOC_PUSH(a, double, N * L);
    w->R = AVLOC_PUSH(a, double, NK);
    w->Rt = AVLOC_PUSH(a, double, NJ);
    w->P = AVLOC_PUSH(a, double, DJ);
    w->W = AVLOC_PUSH(a, double, DJ);
    w->G = AVLOC_PUSH(a, double, NJ);
    w->Q = AVLOC_PUSH(a, double, NK);
    w->IS = diag ? AVLOC_PUSH(a, double, DK) : NULL;
    w->S2 = diag ? AVLOC_PUSH(a, double, DK) : NULL;
    w->ysq = AVLOC_PUSH(a, double, N);
    w->yy = AVLOC_PUSH(a, double, D);
    w->vfloor = AVLOC_PUSH(a, double, D);
    w->isd = AVLOC_PUSH(a, double, D);
    w->Mq = AVLOC_PUSH(a, double, K * (L + 1) * (L + 1));
    w->kconst = AVLOC_PUSH(a, double, K);
    w->Gi = AVLOC_PUSH(a, double, KLL);
    w->rbar = AVLOC_PUSH(a, double, K);
    w->xbar = AVLOC_PUSH(a, double, KL);
    w->gemm = AVLOC_PUSH(a, unsigned char, gb);
    w->gemm_bytes = gb;
    w->mx = AVLOC_PUSH(a, double, L);
    w->my = AVLOC_PUSH(a, double, D);
    if (best) {
        w->bpi = AVLOC_PUSH(a, double, K);
        w->bc = AVLOC_PUSH(a, double, KL);
        w->bG = AVLOC_PUSH(a, double, KLL);
        w->bA = AVLOC_PUSH(a, double, KDL);
        w->bb = AVLOC_PUSH(a, double, KD);
        w->bs2 = AVLOC_PUSH(a, double, KD);
    }
    w->kmc = AVLOC_PUSH(a, double, KL);
    w->kmd = AVLOC_PUSH(a, double, N);
    w->kma = AVLOC_PUSH(a, size_t, N);
    return avloc_arena_status(a);
}

/* C (m x n) = op(A) B (B: k x n) with the workspace's GEMM scratch, which
   the layout sized for every product of the EM (so it cannot fail). */
static void avloc__gl_mm(const avloc__gl_ws *w, int transa, size_t m, size_t n, size_t k, const double *A,
                         size_t lda, const double *B, size_t ldb, double *C, size_t ldc)
{
    avloc_result r = avloc_gemm_f64(transa, 0, m, n, k, 1.0, A, lda, B, ldb, 0.0, C, ldc, w->gemm, w->gemm_bytes);
    AVLOC_ASSERT(r == AVLOC_OK);
    (void)r;
}

static avloc_result avloc__gl_check_cfg(const avloc_gllim_train_config *cfg, size_t N, size_t L, size_t D)
{
    if (!cfg) return AVLOC_ERR_NULL;
    if (L == 0 || L > AVLOC_GLLIM_MAX_L || D == 0 || D > AVLOC_MAX_DIM || N > AVLOC_MAX_DIM) return AVLOC_ERR_SIZE;
    if (cfg->K == 0 || N < 2 || cfg->K > N) return AVLOC_ERR_SIZE;
    if (!avloc__gl_sigma_ok(cfg->sigma_type)) return AVLOC_ERR_PARAM;
    if (cfg->max_iter == 0 || cfg->n_init == 0 || cfg->kmeans_iter == 0) return AVLOC_ERR_PARAM;
    if (avloc__nan_f64(cfg->tol) || avloc__nan_f64(cfg->var_floor_rel) || avloc__nan_f64(cfg->var_floor_abs) ||
        avloc__nan_f64(cfg->gamma_reg) || avloc__nan_f64(cfg->min_weight))
        return AVLOC_ERR_PARAM;
    if (!(cfg->tol >= 0.0) || !(cfg->var_floor_rel >= 0.0) || !(cfg->var_floor_abs > 0.0) ||
        !(cfg->gamma_reg >= 0.0) || !(cfg->min_weight >= 0.0) || cfg->tol > 1e300 ||
        cfg->var_floor_rel > 1e300 || cfg->var_floor_abs > 1e300 || cfg->gamma_reg > 1e300 ||
        cfg->min_weight > 1e300)
        return AVLOC_ERR_PARAM;
    if (cfg->init_resp && cfg->n_init != 1) return AVLOC_ERR_PARAM;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_gllim_train_query(const avloc_gllim_train_config *cfg, size_t N,
                                               size_t L, size_t D, size_t *scratch_bytes)
{
    avloc_arena a;
    avloc__gl_ws w;
    avloc_result r;
    if (!scratch_bytes) return AVLOC_ERR_NULL;
    r = avloc__gl_check_cfg(cfg, N, L, D);
    if (r != AVLOC_OK) return r;
    avloc_arena_init(&a, NULL, 0);
    r = avloc__gl_ws_layout(&a, &w, N, L, D, cfg->K, cfg->sigma_type, cfg->n_init > 1);
    if (r != AVLOC_OK) return r;
    *scratch_bytes = avloc_arena_needed(&a);
    return AVLOC_OK;
}

/* xorshift64*: small, seedable, identical everywhere. */
static uint64_t avloc__gl_rng(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * (uint64_t)2685821657736338717ULL;
}

static double avloc__gl_unif(uint64_t *s) /* [0, 1) */
{
    return (double)(avloc__gl_rng(s) >> 11) * (1.0 / 9007199254740992.0);
}

/* k-means++ seeding + Lloyd on X (N x L), hard responsibilities into R. */
static void avloc__gl_kmeans(const double *X, size_t N, size_t L, size_t K, uint64_t seed,
                             size_t iters, double *cent, double *dist, size_t *asg, double *R)
{
    uint64_t s = seed ^ (uint64_t)0x9E3779B97F4A7C15ULL;
    size_t n, k, l, it, j;
    if (s == 0) s = 1;
    j = (size_t)(avloc__gl_unif(&s) * (double)N);
    if (j >= N) j = N - 1;
    for (l = 0; l < L; l++) cent[l] = X[j * L + l];
    for (n = 0; n < N; n++) dist[n] = HUGE_VAL;
    for (k = 1; k < K; k++) {
        double tot = 0.0, u, acc = 0.0;
        for (n = 0; n < N; n++) {
            double d2 = 0.0;
            for (l = 0; l < L; l++) { double t = X[n * L + l] - cent[(k - 1) * L + l]; d2 += t * t; }
            if (d2 < dist[n]) dist[n] = d2;
            tot += dist[n];
        }
        u = avloc__gl_unif(&s);
        j = N - 1;
        if (tot > 0.0) {
            u *= tot;
            for (n = 0; n < N; n++) {
                acc += dist[n];
                if (acc > u && dist[n] > 0.0) { j = n; break; }
            }
        } else {
            j = (size_t)(u * (double)N);
            if (j >= N) j = N - 1;
        }
        for (l = 0; l < L; l++) cent[k * L + l] = X[j * L + l];
    }
    for (n = 0; n < N; n++) asg[n] = (size_t)-1;
    for (it = 0; it < iters; it++) {
        int changed = 0;
        for (n = 0; n < N; n++) {
            double best = HUGE_VAL;
            size_t bk = 0;
            for (k = 0; k < K; k++) {
                double d2 = 0.0;
                for (l = 0; l < L; l++) { double t = X[n * L + l] - cent[k * L + l]; d2 += t * t; }
                if (d2 < best) { best = d2; bk = k; }
            }
            if (asg[n] != bk) { asg[n] = bk; changed = 1; }
        }
        if (!changed) break;
        for (k = 0; k < K; k++) {
            double cnt = 0.0, m[AVLOC_GLLIM_MAX_L] = {0.0, 0.0, 0.0, 0.0};
            for (n = 0; n < N; n++)
                if (asg[n] == k) {
                    cnt += 1.0;
                    for (l = 0; l < L; l++) m[l] += X[n * L + l];
                }
            if (cnt > 0.0)
                for (l = 0; l < L; l++) cent[k * L + l] = m[l] / cnt;
        }
    }
    for (n = 0; n < N; n++)
        for (k = 0; k < K; k++) R[n * K + k] = (asg[n] == k) ? 1.0 : 0.0;
}

AVLOC_API avloc_result avloc_gllim_kmeans_init(const double *X, size_t N, size_t L, size_t K,
                                               uint64_t seed, size_t kmeans_iter, double *resp,
                                               void *scratch, size_t scratch_bytes)
{
    avloc_arena a;
    double *cent, *dist;
    size_t *asg;
    if (!X || !resp || !scratch) return AVLOC_ERR_NULL;
    if (L == 0 || L > AVLOC_GLLIM_MAX_L || K == 0 || K > N || N > AVLOC_MAX_DIM) return AVLOC_ERR_SIZE;
    if (kmeans_iter == 0) return AVLOC_ERR_PARAM;
    if (!avloc_all_finite_f64(X, N * L)) return AVLOC_ERR_NONFINITE;
    avloc_arena_init(&a, scratch, scratch_bytes);
    cent = AVLOC_PUSH(&a, double, K * L);
    dist = AVLOC_PUSH(&a, double, N);
    asg = AVLOC_PUSH(&a, size_t, N);
    if (avloc_arena_status(&a) != AVLOC_OK) return avloc_arena_status(&a);
    {
        const avloc__span b[] = {avloc__span_of(X, avloc__span_bytes(N, L, L, sizeof *X), 0),
                                 avloc__span_of(resp, avloc__span_bytes(N, K, K, sizeof *resp), 1)};
        if (avloc__clash_scratch(b, 2, scratch, a.used)) return AVLOC_ERR_PARAM;
    }
    avloc__gl_kmeans(X, N, L, K, seed, kmeans_iter, cent, dist, asg, resp);
    return AVLOC_OK;
}

/* The model's arrays as spans (written), for the overlap checks. */
#define AVLOC__GL_MODEL_ARRAYS 16
static void avloc__gl_model_spans(const avloc_gllim_model *m, avloc__span *b)
{
    const size_t K = m->K_cap, L = m->L, D = m->D, e = sizeof(double);
    const double *arr[AVLOC__GL_MODEL_ARRAYS];
    size_t len[AVLOC__GL_MODEL_ARRAYS], i;
    arr[0] = m->pi; len[0] = K; arr[1] = m->c; len[1] = K * L; arr[2] = m->Gamma; len[2] = K * L * L;
    arr[3] = m->A; len[3] = K * D * L; arr[4] = m->b; len[4] = K * D; arr[5] = m->sigma2; len[5] = K * D;
    arr[6] = m->Gamma_inv; len[6] = K * L * L; arr[7] = m->logdet_Gamma; len[7] = K;
    arr[8] = m->inv_sigma2; len[8] = K * D; arr[9] = m->log_sigma2; len[9] = K * D;
    arr[10] = m->sum_log_sigma2; len[10] = K; arr[11] = m->cstar; len[11] = K * D;
    arr[12] = m->Sstar; len[12] = K * L * L; arr[13] = m->bstar; len[13] = K * L;
    arr[14] = m->logdet_Gstar; len[14] = K; arr[15] = m->At; len[15] = K * L * D;
    for (i = 0; i < AVLOC__GL_MODEL_ARRAYS; i++) b[i] = avloc__span_of(arr[i], avloc__span_bytes(1, len[i], len[i], e), 1);
}

/* M-step from w->R into the model arrays (centred coordinates). */
static avloc_result avloc__gl_mstep(avloc__gl_ws *w, avloc_gllim_model *m, const avloc_gllim_train_config *cfg)
{
    const size_t N = w->N, L = w->L, D = w->D, K = w->K, J = w->J, L1 = L + 1;
    size_t n, k, l, i, j, d;
    const avloc_gllim_sigma st = w->st;
    double ridge = cfg->gamma_reg * w->sx;
    /* weights, means, Gamma */
    for (k = 0; k < K; k++) {
        double rb = 0.0, xb[AVLOC_GLLIM_MAX_L] = {0.0, 0.0, 0.0, 0.0};
        double *G = m->Gamma + k * L * L;
        for (n = 0; n < N; n++) {
            double r = w->R[n * K + k];
            rb += r;
            for (l = 0; l < L; l++) xb[l] += r * w->X[n * L + l];
        }
        if (!(rb > 0.0)) return AVLOC_ERR_NUMERIC; /* collapse handling runs before */
        w->rbar[k] = rb;
        m->pi[k] = rb / (double)N;
        for (l = 0; l < L; l++) { xb[l] /= rb; w->xbar[k * L + l] = xb[l]; m->c[k * L + l] = xb[l]; }
        for (i = 0; i < L * L; i++) G[i] = 0.0;
        for (n = 0; n < N; n++) {
            double r = w->R[n * K + k], dx[AVLOC_GLLIM_MAX_L];
            double *rt = w->Rt + n * J + k * L1;
            for (l = 0; l < L; l++) dx[l] = w->X[n * L + l] - xb[l];
            rt[0] = r;
            for (l = 0; l < L; l++) rt[1 + l] = r * dx[l];
            for (i = 0; i < L; i++)
                for (j = 0; j <= i; j++) G[i * L + j] += r * dx[i] * dx[j];
        }
        for (i = 0; i < L; i++)
            for (j = 0; j <= i; j++) { G[i * L + j] /= rb; G[j * L + i] = G[i * L + j]; }
    }
    /* P = Y^T Rt: D x J, columns [sum r y, sum r y (x - xbar)] per component */
    avloc__gl_mm(w, 1, D, J, N, w->Y, D, w->Rt, J, w->P, J);
    if (st == AVLOC_GLLIM_SIGMA_DIAG)
        avloc__gl_mm(w, 1, D, K, N, w->Y2, D, w->R, K, w->S2, K);
    if (avloc__gl_sigma_tied(st))
        for (d = 0; d < D; d++) m->sigma2[d] = w->yy[d]; /* accumulates sum_n y^2 - sum_k ... */
    for (k = 0; k < K; k++) {
        double Graw[AVLOC_GLLIM_MAX_L * AVLOC_GLLIM_MAX_L], Lf[AVLOC_GLLIM_MAX_L * AVLOC_GLLIM_MAX_L];
        double Gi[AVLOC_GLLIM_MAX_L * AVLOC_GLLIM_MAX_L];
        double *G = m->Gamma + k * L * L, *Ak = m->A + k * D * L, *bk = m->b + k * D;
        double rb = w->rbar[k], *xb = w->xbar + k * L, iso_acc = 0.0;
        avloc_result r;
        memcpy(Graw, G, L * L * sizeof(double));
        for (l = 0; l < L; l++) G[l * L + l] += ridge;
        r = avloc__gl_spd(G, L, Lf, Gi, NULL);
        if (r != AVLOC_OK) return r;
        if (st == AVLOC_GLLIM_SIGMA_ISO)
            for (n = 0; n < N; n++) iso_acc += w->R[n * K + k] * w->ysq[n];
        for (d = 0; d < D; d++) {
            const double *p = w->P + d * J + k * L1;
            double yb = p[0] / rb, C[AVLOC_GLLIM_MAX_L], a[AVLOC_GLLIM_MAX_L], bb = yb;
            double cross = 0.0, quad = 0.0, v;
            for (l = 0; l < L; l++) C[l] = p[1 + l] / rb;
            for (i = 0; i < L; i++) {
                a[i] = 0.0;
                for (j = 0; j < L; j++) a[i] += C[j] * Gi[j * L + i];
                Ak[d * L + i] = a[i];
                bb -= a[i] * xb[i];
                cross += a[i] * C[i];
            }
            for (i = 0; i < L; i++)
                for (j = 0; j < L; j++) quad += a[i] * Graw[i * L + j] * a[j];
            bk[d] = bb;
            /* r-weighted residual variance minus the sum r y^2 part */
            v = -yb * yb - 2.0 * cross + quad;
            switch (st) {
            case AVLOC_GLLIM_SIGMA_DIAG: m->sigma2[k * D + d] = w->S2[d * K + k] / rb + v; break;
            case AVLOC_GLLIM_SIGMA_ISO: iso_acc += rb * v; break;
            default: m->sigma2[d] += rb * v; break;
            }
        }
        if (st == AVLOC_GLLIM_SIGMA_ISO) m->sigma2[k * D] = iso_acc / (rb * (double)D);
    }
    /* finish Sigma: tie / average, floor, expand to K x D */
    if (avloc__gl_sigma_tied(st)) {
        double mean = 0.0;
        for (d = 0; d < D; d++) { m->sigma2[d] /= (double)N; mean += m->sigma2[d]; }
        mean /= (double)D;
        if (st == AVLOC_GLLIM_SIGMA_ISO_TIED)
            for (d = 0; d < D; d++) m->sigma2[d] = mean;
        for (d = 0; d < D; d++) if (!(m->sigma2[d] >= w->vfloor[d])) m->sigma2[d] = w->vfloor[d];
        for (k = 1; k < K; k++) memcpy(m->sigma2 + k * D, m->sigma2, D * sizeof(double));
    } else if (st == AVLOC_GLLIM_SIGMA_ISO) {
        for (k = 0; k < K; k++) {
            double v = m->sigma2[k * D];
            if (!(v >= w->vfloor[0])) v = w->vfloor[0];
            for (d = 0; d < D; d++) m->sigma2[k * D + d] = v;
        }
    } else {
        for (k = 0; k < K; k++)
            for (d = 0; d < D; d++)
                if (!(m->sigma2[k * D + d] >= w->vfloor[d])) m->sigma2[k * D + d] = w->vfloor[d];
    }
    return AVLOC_OK;
}

/* E-step: responsibilities into w->R, returns the log-likelihood. */
static avloc_result avloc__gl_estep(avloc__gl_ws *w, const avloc_gllim_model *m, double *loglik)
{
    const size_t N = w->N, L = w->L, D = w->D, K = w->K, J = w->J, L1 = L + 1;
    const avloc_gllim_sigma st = w->st;
    const int tied = avloc__gl_sigma_tied(st);
    size_t n, k, l, i, j, d;
    double ll = 0.0, sls = 0.0;
    /* W = Sigma^-1 [b A] (D x J), quadratic forms Mq_k, constants */
    for (k = 0; k < K; k++) {
        double Lf[AVLOC_GLLIM_MAX_L * AVLOC_GLLIM_MAX_L], ldG;
        double *Mq = w->Mq + k * L1 * L1;
        const double *Ak = m->A + k * D * L, *bk = m->b + k * D, *s2 = m->sigma2 + k * D;
        avloc_result r = avloc__gl_spd(m->Gamma + k * L * L, L, Lf, w->Gi + k * L * L, &ldG);
        if (r != AVLOC_OK) return r;
        for (i = 0; i < L1 * L1; i++) Mq[i] = 0.0;
        if (!tied) sls = 0.0;
        for (d = 0; d < D; d++) {
            double is = 1.0 / s2[d], t[AVLOC_GLLIM_MAX_L + 1];
            double *wr = w->W + d * J + k * L1;
            t[0] = bk[d];
            for (l = 0; l < L; l++) t[1 + l] = Ak[d * L + l];
            for (i = 0; i < L1; i++) {
                wr[i] = t[i] * is;
                for (j = 0; j <= i; j++) Mq[i * L1 + j] += wr[i] * t[j];
            }
            if (k == 0 || !tied) sls += log(s2[d]);
            if (st == AVLOC_GLLIM_SIGMA_DIAG) w->IS[d * K + k] = is;
        }
        for (i = 0; i < L1; i++)
            for (j = 0; j < i; j++) Mq[j * L1 + i] = Mq[i * L1 + j];
        w->kconst[k] = log(m->pi[k]) - 0.5 * (ldG + (double)L * AVLOC__GL_LOG2PI) -
                       0.5 * (sls + (double)D * AVLOC__GL_LOG2PI);
    }
    if (st == AVLOC_GLLIM_SIGMA_DIAG_TIED)
        for (d = 0; d < D; d++) w->isd[d] = 1.0 / m->sigma2[d];
    avloc__gl_mm(w, 0, N, J, D, w->Y, D, w->W, J, w->G, J);
    if (st == AVLOC_GLLIM_SIGMA_DIAG)
        avloc__gl_mm(w, 0, N, K, D, w->Y2, D, w->IS, K, w->Q, K);
    for (n = 0; n < N; n++) {
        const double *x = w->X + n * L, *g = w->G + n * J;
        double *rr = w->R + n * K, ys = 0.0, mx = -HUGE_VAL, s = 0.0, lse;
        if (st == AVLOC_GLLIM_SIGMA_DIAG_TIED) {
            const double *y = w->Y + n * D, *isd = w->isd;
            for (d = 0; d < D; d++) ys += y[d] * y[d] * isd[d];
        }
        for (k = 0; k < K; k++) {
            double xt[AVLOC_GLLIM_MAX_L + 1], dx[AVLOC_GLLIM_MAX_L], q, cross = 0.0, quad = 0.0, qx = 0.0;
            const double *Mq = w->Mq + k * L1 * L1, *Gi = w->Gi + k * L * L, *c = m->c + k * L;
            xt[0] = 1.0;
            for (l = 0; l < L; l++) { xt[1 + l] = x[l]; dx[l] = x[l] - c[l]; }
            for (i = 0; i < L1; i++) {
                cross += g[k * L1 + i] * xt[i];
                for (j = 0; j < L1; j++) quad += xt[i] * Mq[i * L1 + j] * xt[j];
            }
            for (i = 0; i < L; i++)
                for (j = 0; j < L; j++) qx += dx[i] * Gi[i * L + j] * dx[j];
            switch (st) {
            case AVLOC_GLLIM_SIGMA_DIAG: q = w->Q[n * K + k]; break;
            case AVLOC_GLLIM_SIGMA_DIAG_TIED: q = ys; break;
            default: q = w->ysq[n] / m->sigma2[k * D]; break;
            }
            q += quad - 2.0 * cross;
            if (q < 0.0) q = 0.0; /* rounding in the expansion; the true value is >= 0 */
            rr[k] = w->kconst[k] - 0.5 * (qx + q);
            if (rr[k] > mx) mx = rr[k];
        }
        if (!(mx > -HUGE_VAL) || !(mx < HUGE_VAL)) return AVLOC_ERR_NUMERIC;
        for (k = 0; k < K; k++) s += exp(rr[k] - mx);
        lse = mx + log(s);
        for (k = 0; k < K; k++) rr[k] = exp(rr[k] - lse);
        ll += lse;
    }
    if (!avloc__finite_f64(ll)) return AVLOC_ERR_NUMERIC; /* on the bits: -ffast-math folds ll - ll == 0 */
    *loglik = ll;
    return AVLOC_OK;
}

/* Drops component k from the responsibilities (columns shift left, K--),
   renormalising rows. */
static void avloc__gl_remove(avloc__gl_ws *w, size_t kr)
{
    size_t n, k, K = w->K, Kn = K - 1;
    for (n = 0; n < w->N; n++) {
        double s = 0.0;
        const double *src = w->R + n * K;
        double *dst = w->R + n * Kn;
        for (k = 0; k < K; k++) if (k != kr) s += src[k];
        /* dst may overlap src from the left; copy forwards is safe because dst <= src */
        {
            size_t o = 0;
            for (k = 0; k < K; k++)
                if (k != kr) dst[o++] = src[k];
        }
        if (s > 0.0) for (k = 0; k < Kn; k++) dst[k] /= s;
        else for (k = 0; k < Kn; k++) dst[k] = 1.0 / (double)Kn;
    }
    w->K = Kn;
    w->J = Kn * (w->L + 1);
}

/* Splits component j along its principal axis, moving one side's
   responsibility into column kc. Returns 1 on success. */
static int avloc__gl_split(avloc__gl_ws *w, size_t jc, size_t kc, double thresh)
{
    const size_t N = w->N, L = w->L, K = w->K;
    double xb[AVLOC_GLLIM_MAX_L] = {0.0, 0.0, 0.0, 0.0}, C[AVLOC_GLLIM_MAX_L * AVLOC_GLLIM_MAX_L];
    double v[AVLOC_GLLIM_MAX_L], rb = 0.0, moved = 0.0;
    size_t n, l, i, j, it;
    for (n = 0; n < N; n++) {
        double r = w->R[n * K + jc];
        rb += r;
        for (l = 0; l < L; l++) xb[l] += r * w->X[n * L + l];
    }
    if (!(rb > 0.0)) return 0;
    for (l = 0; l < L; l++) xb[l] /= rb;
    for (i = 0; i < L * L; i++) C[i] = 0.0;
    for (n = 0; n < N; n++) {
        double r = w->R[n * K + jc];
        for (i = 0; i < L; i++)
            for (j = 0; j < L; j++) C[i * L + j] += r * (w->X[n * L + i] - xb[i]) * (w->X[n * L + j] - xb[j]);
    }
    for (l = 0; l < L; l++) v[l] = 1.0 + 0.1 * (double)l; /* power iteration: principal axis */
    for (it = 0; it < 50; it++) {
        double t[AVLOC_GLLIM_MAX_L], nr = 0.0;
        for (i = 0; i < L; i++) { t[i] = 0.0; for (j = 0; j < L; j++) t[i] += C[i * L + j] * v[j]; nr += t[i] * t[i]; }
        if (!(nr > 0.0)) return 0;
        nr = sqrt(nr);
        for (i = 0; i < L; i++) v[i] = t[i] / nr;
    }
    for (n = 0; n < N; n++) {
        double s = 0.0;
        for (l = 0; l < L; l++) s += (w->X[n * L + l] - xb[l]) * v[l];
        if (s > 0.0) moved += w->R[n * K + jc];
    }
    if (moved < thresh || rb - moved < thresh) return 0;
    for (n = 0; n < N; n++) {
        double s = 0.0;
        for (l = 0; l < L; l++) s += (w->X[n * L + l] - xb[l]) * v[l];
        if (s > 0.0) { w->R[n * K + kc] += w->R[n * K + jc]; w->R[n * K + jc] = 0.0; }
    }
    return 1;
}

/* Finds collapsed components in w->R and re-seeds or removes them. */
static void avloc__gl_fix_collapsed(avloc__gl_ws *w, const avloc_gllim_train_config *cfg,
                                    size_t *reseeds_left, avloc_gllim_train_info *info)
{
    double thresh = cfg->min_weight;
    size_t k, n, guard = 0;
    if (thresh < 1e-8 * (double)w->N) thresh = 1e-8 * (double)w->N;
    for (;;) {
        size_t K = w->K, worst = (size_t)-1;
        for (k = 0; k < K; k++) {
            double rb = 0.0;
            for (n = 0; n < w->N; n++) rb += w->R[n * K + k];
            w->rbar[k] = rb;
            if (rb < thresh && worst == (size_t)-1) worst = k;
        }
        if (worst == (size_t)-1 || K <= 1 || guard++ > 4 * K) return;
        if (cfg->reseed && *reseeds_left > 0) {
            /* biggest rbar * trace(Gamma) among the healthy ones */
            size_t j, best = (size_t)-1, l;
            double bs = -1.0;
            for (j = 0; j < K; j++) {
                double rb = w->rbar[j], xb[AVLOC_GLLIM_MAX_L] = {0, 0, 0, 0}, tr = 0.0;
                if (j == worst || rb < 2.0 * thresh) continue;
                for (n = 0; n < w->N; n++)
                    for (l = 0; l < w->L; l++) xb[l] += w->R[n * K + j] * w->X[n * w->L + l];
                for (l = 0; l < w->L; l++) xb[l] /= rb;
                for (n = 0; n < w->N; n++)
                    for (l = 0; l < w->L; l++) {
                        double t = w->X[n * w->L + l] - xb[l];
                        tr += w->R[n * K + j] * t * t;
                    }
                if (tr > bs) { bs = tr; best = j; }
            }
            (*reseeds_left)--;
            if (best != (size_t)-1 && avloc__gl_split(w, best, worst, thresh)) {
                if (info) info->n_reseeded++;
                continue;
            }
        }
        avloc__gl_remove(w, worst);
        if (info) info->n_removed++;
    }
}

static void avloc__gl_copy_params(const avloc_gllim_model *m, size_t K, size_t L, size_t D, double *pi,
                                  double *c, double *G, double *A, double *b, double *s2, int to_model,
                                  avloc_gllim_model *mm)
{
    if (!to_model) {
        memcpy(pi, m->pi, K * sizeof(double)); memcpy(c, m->c, K * L * sizeof(double));
        memcpy(G, m->Gamma, K * L * L * sizeof(double)); memcpy(A, m->A, K * D * L * sizeof(double));
        memcpy(b, m->b, K * D * sizeof(double)); memcpy(s2, m->sigma2, K * D * sizeof(double));
    } else {
        memcpy(mm->pi, pi, K * sizeof(double)); memcpy(mm->c, c, K * L * sizeof(double));
        memcpy(mm->Gamma, G, K * L * L * sizeof(double)); memcpy(mm->A, A, K * D * L * sizeof(double));
        memcpy(mm->b, b, K * D * sizeof(double)); memcpy(mm->sigma2, s2, K * D * sizeof(double));
    }
}

/* One EM run from the responsibilities in w->R. */
static avloc_result avloc__gl_em(avloc__gl_ws *w, avloc_gllim_model *m, const avloc_gllim_train_config *cfg,
                                 avloc_gllim_train_info *info)
{
    size_t it, reseeds = 2 * cfg->K;
    double ll = 0.0, ll1 = 0.0, llprev = 0.0;
    avloc_result r;
    info->converged = 0;
    info->stopped = 0;
    info->iterations = 0;
    avloc__gl_fix_collapsed(w, cfg, &reseeds, info);
    for (it = 1; it <= cfg->max_iter; it++) {
        m->K = w->K;
        r = avloc__gl_mstep(w, m, cfg);
        if (r != AVLOC_OK) return r;
        r = avloc__gl_estep(w, m, &ll);
        if (r != AVLOC_OK) return r;
        info->iterations = it;
        info->loglik = ll;
        if (it == 1) ll1 = ll;
        if (cfg->progress && cfg->progress(cfg->user, (int)it, ll)) { info->stopped = 1; break; }
        /* <= and |.|: a stalled EM (gain 0, or LL no higher than after the
           first iteration) must stop too; it used to run to max_iter */
        if (it >= 3 && cfg->tol > 0.0 && ll - llprev <= cfg->tol * fabs(ll - ll1)) { info->converged = 1; break; }
        llprev = ll;
        if (it < cfg->max_iter) avloc__gl_fix_collapsed(w, cfg, &reseeds, info);
    }
    return AVLOC_OK;
}

static avloc_result avloc__gl_train(const avloc_gllim_train_config *cfg, const double *X, const double *Yd,
                                    const float *Yf, size_t N, avloc_gllim_model *model, void *scratch,
                                    size_t scratch_bytes, avloc_gllim_train_info *info_out)
{
    const size_t L = model ? model->L : 0, D = model ? model->D : 0;
    avloc_gllim_train_info info, best_info;
    avloc__gl_ws w;
    avloc_arena a;
    avloc_result r;
    size_t need, n, d, l, k, run;
    double best_ll = -HUGE_VAL, vmean = 0.0;
    int have_best = 0;
    if (!cfg || !X || (!Yd && !Yf) || !model || !scratch) return AVLOC_ERR_NULL;
    if (!model->pi) return AVLOC_ERR_STATE;
    r = avloc_gllim_train_query(cfg, N, L, D, &need);
    if (r != AVLOC_OK) return r;
    if (cfg->K > model->K_cap) return AVLOC_ERR_SIZE;
    if (scratch_bytes < need) return AVLOC_ERR_WORKSPACE;
    avloc_arena_init(&a, scratch, scratch_bytes);
    r = avloc__gl_ws_layout(&a, &w, N, L, D, cfg->K, cfg->sigma_type, cfg->n_init > 1);
    if (r != AVLOC_OK) return r;
    {   /* the data, the start and the scratch apart from the model's arrays */
        avloc__span b[4 + AVLOC__GL_MODEL_ARRAYS];
        b[0] = avloc__span_of(X, avloc__span_bytes(N, L, L, sizeof *X), 0);
        b[1] = Yd ? avloc__span_of(Yd, avloc__span_bytes(N, D, D, sizeof *Yd), 0) : avloc__rd_f32(Yf, N * D);
        b[2] = avloc__span_of(cfg->init_resp, avloc__span_bytes(N, cfg->K, cfg->K, sizeof(double)), 0);
        b[3] = avloc__arena_span(&a);
        avloc__gl_model_spans(model, b + 4);
        if (AVLOC__CLASH(b)) return AVLOC_ERR_PARAM;
    }
    if (!avloc_all_finite_f64(X, N * L)) return AVLOC_ERR_NONFINITE;
    if (Yd ? !avloc_all_finite_f64(Yd, N * D) : !avloc_all_finite_f32(Yf, N * D)) return AVLOC_ERR_NONFINITE;
    if (cfg->init_resp) {
        for (n = 0; n < N; n++) {
            double s = 0.0;
            for (k = 0; k < cfg->K; k++) {
                double v = cfg->init_resp[n * cfg->K + k];
                if (!(v >= 0.0) || !(v <= 1.0 + 1e-9)) return AVLOC_ERR_PARAM;
                s += v;
            }
            if (!(fabs(s - 1.0) < 1e-6)) return AVLOC_ERR_PARAM;
        }
    }
    /* centre X and Y; data statistics for the floors and the ridge */
    for (l = 0; l < L; l++) {
        double s = 0.0, v = 0.0;
        for (n = 0; n < N; n++) s += X[n * L + l];
        w.mx[l] = s / (double)N;
        for (n = 0; n < N; n++) {
            double t = X[n * L + l] - w.mx[l];
            w.X[n * L + l] = t;
            v += t * t;
        }
        vmean += v / (double)N;
    }
    w.sx = vmean / (double)L;
    if (!(w.sx > 0.0)) w.sx = 1.0;
    for (d = 0; d < D; d++) w.my[d] = 0.0;
    for (n = 0; n < N; n++)
        for (d = 0; d < D; d++) w.my[d] += Yd ? Yd[n * D + d] : (double)Yf[n * D + d];
    for (d = 0; d < D; d++) { w.my[d] /= (double)N; w.yy[d] = 0.0; }
    for (n = 0; n < N; n++) {
        double *y = w.Y + n * D, s = 0.0;
        for (d = 0; d < D; d++) {
            double t = (Yd ? Yd[n * D + d] : (double)Yf[n * D + d]) - w.my[d];
            y[d] = t;
            s += t * t;
            w.yy[d] += t * t;
            if (w.Y2) w.Y2[n * D + d] = t * t;
        }
        w.ysq[n] = s;
    }
    vmean = 0.0;
    for (d = 0; d < D; d++) {
        double v = w.yy[d] / (double)N;
        vmean += v;
        w.vfloor[d] = cfg->var_floor_rel * v;
        if (!(w.vfloor[d] >= cfg->var_floor_abs)) w.vfloor[d] = cfg->var_floor_abs;
    }
    if (avloc__gl_sigma_iso(cfg->sigma_type)) {
        double f = cfg->var_floor_rel * vmean / (double)D;
        if (!(f >= cfg->var_floor_abs)) f = cfg->var_floor_abs;
        for (d = 0; d < D; d++) w.vfloor[d] = f;
    }
    /* the model is overwritten from here: unusable until the prepare at the
       end succeeds (a failed EM left a prepared model of mixed parameters) */
    model->prepared = 0;
    model->sigma_type = cfg->sigma_type;
    memset(&best_info, 0, sizeof best_info);
    for (run = 0; run < cfg->n_init; run++) {
        memset(&info, 0, sizeof info);
        w.K = cfg->K;
        w.J = w.K * (L + 1);
        if (cfg->init_resp) memcpy(w.R, cfg->init_resp, N * cfg->K * sizeof(double));
        else avloc__gl_kmeans(w.X, N, L, cfg->K, cfg->seed + (uint64_t)run * (uint64_t)0x632BE59BD9B4E019ULL,
                              cfg->kmeans_iter, w.kmc, w.kmd, w.kma, w.R);
        r = avloc__gl_em(&w, model, cfg, &info);
        if (r != AVLOC_OK) return r;
        info.best_init = run;
        if (!have_best || info.loglik > best_ll) {
            best_ll = info.loglik;
            best_info = info;
            best_info.K_used = w.K;
            have_best = 1;
            if (cfg->n_init > 1)
                avloc__gl_copy_params(model, w.K, L, D, w.bpi, w.bc, w.bG, w.bA, w.bb, w.bs2, 0, NULL);
        }
        if (info.stopped) break;
    }
    if (cfg->n_init > 1)
        avloc__gl_copy_params(NULL, best_info.K_used, L, D, w.bpi, w.bc, w.bG, w.bA, w.bb, w.bs2, 1, model);
    model->K = best_info.K_used;
    /* back to the caller's coordinates: c += mx, b += my - A mx */
    for (k = 0; k < model->K; k++) {
        for (l = 0; l < L; l++) model->c[k * L + l] += w.mx[l];
        for (d = 0; d < D; d++) {
            double s = w.my[d];
            for (l = 0; l < L; l++) s -= model->A[(k * D + d) * L + l] * w.mx[l];
            model->b[k * D + d] += s;
        }
    }
    r = avloc_gllim_model_prepare(model);
    if (info_out) *info_out = best_info;
    return r;
}

AVLOC_API avloc_result avloc_gllim_train_f64(const avloc_gllim_train_config *cfg, const double *X,
                                         const double *Y, size_t N, avloc_gllim_model *model,
                                         void *scratch, size_t scratch_bytes,
                                         avloc_gllim_train_info *info)
{
    if (!Y) return AVLOC_ERR_NULL;
    return avloc__gl_train(cfg, X, Y, NULL, N, model, scratch, scratch_bytes, info);
}

AVLOC_API avloc_result avloc_gllim_train_f32(const avloc_gllim_train_config *cfg, const double *X,
                                             const float *Y, size_t N, avloc_gllim_model *model,
                                             void *scratch, size_t scratch_bytes,
                                             avloc_gllim_train_info *info)
{
    if (!Y) return AVLOC_ERR_NULL;
    return avloc__gl_train(cfg, X, NULL, Y, N, model, scratch, scratch_bytes, info);
}

#endif /* !AVLOC_NO_GLLIM_TRAINING */

/* --------------------------------------------------------- inverse map */

static avloc_result avloc__gl_inverse(const avloc_gllim_model *m, const double *yd, const float *yf,
                                      double *x, double *alpha)
{
    size_t K, L, D, k, d, i, j, yb;
    double mx = -HUGE_VAL, s = 0.0;
    const void *y;
    if (!m || (!yd && !yf) || !x || !alpha) return AVLOC_ERR_NULL;
    if (!m->prepared) return AVLOC_ERR_STATE;
    K = m->K; L = m->L; D = m->D;
    /* y is read after x and alpha are written, and alpha after x */
    y = yd ? (const void *)yd : (const void *)yf;
    yb = D * (yd ? sizeof *yd : sizeof *yf);
    {
        const avloc__span b[] = {avloc__span_of(y, yb, 0), avloc__span_of(x, L * sizeof *x, 1),
                                 avloc__span_of(alpha, K * sizeof *alpha, 1), avloc__object_span(m->mem, 0)};
        if (AVLOC__CLASH(b)) return AVLOC_ERR_PARAM;
    }
    if (yd ? !avloc_all_finite_f64(yd, D) : !avloc_all_finite_f32(yf, D)) return AVLOC_ERR_NONFINITE;
    for (i = 0; i < L; i++) x[i] = 0.0;
    for (k = 0; k < K; k++) {
        /* u = y - c*_k; u^T Gamma*^-1 u = u^T S^-1 u - w^T Sigma* w (Woodbury), w = A^T S^-1 u */
        const double *Ak = m->A + k * D * L, *is = m->inv_sigma2 + k * D, *cs = m->cstar + k * D;
        const double *Ss = m->Sstar + k * L * L;
        double wv[AVLOC_GLLIM_MAX_L] = {0, 0, 0, 0}, q = 0.0, qw = 0.0;
        for (d = 0; d < D; d++) {
            double u = (yd ? yd[d] : (double)yf[d]) - cs[d], ui = u * is[d];
            q += u * ui;
            for (i = 0; i < L; i++) wv[i] += Ak[d * L + i] * ui;
        }
        for (i = 0; i < L; i++)
            for (j = 0; j < L; j++) qw += wv[i] * Ss[i * L + j] * wv[j];
        alpha[k] = log(m->pi[k]) - 0.5 * (m->logdet_Gstar[k] + q - qw);
        if (alpha[k] > mx) mx = alpha[k];
    }
    if (!(mx > -HUGE_VAL) || !(mx < HUGE_VAL)) return AVLOC_ERR_NUMERIC;
    for (k = 0; k < K; k++) { alpha[k] = exp(alpha[k] - mx); s += alpha[k]; }
    for (k = 0; k < K; k++) {
        /* A*_k y + b*_k = Sigma*_k A_k^T Sigma_k^-1 y + b*_k; written around c*:
           = c_k + Sigma* w  (since A* c* + b* = c_k) */
        const double *Ak = m->A + k * D * L, *is = m->inv_sigma2 + k * D, *cs = m->cstar + k * D;
        const double *Ss = m->Sstar + k * L * L;
        double wv[AVLOC_GLLIM_MAX_L] = {0, 0, 0, 0};
        alpha[k] /= s;
        if (alpha[k] == 0.0) continue;
        for (d = 0; d < D; d++) {
            double ui = ((yd ? yd[d] : (double)yf[d]) - cs[d]) * is[d];
            for (i = 0; i < L; i++) wv[i] += Ak[d * L + i] * ui;
        }
        for (i = 0; i < L; i++) {
            double e = m->c[k * L + i];
            for (j = 0; j < L; j++) e += Ss[i * L + j] * wv[j];
            x[i] += alpha[k] * e;
        }
    }
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_gllim_fill_missing_f32(float *Y, const unsigned char *dim_mask, size_t N, size_t D,
                                                    size_t *n_filled)
{
    size_t n, d, filled = 0, ND;
    if (!Y || !dim_mask) return AVLOC_ERR_NULL;
    if (N == 0 || D == 0) return AVLOC_ERR_SIZE;
    if (!avloc_size_mul(N, D, &ND)) return AVLOC_ERR_OVERFLOW;
    for (n = 0; n < ND; n++) /* refuse before changing anything */
        if (dim_mask[n] && !avloc__finite_f32(Y[n])) return AVLOC_ERR_NONFINITE;
    for (d = 0; d < D; d++) {
        double s = 0.0;
        size_t c = 0;
        float fill;
        for (n = 0; n < N; n++)
            if (dim_mask[n * D + d]) { s += Y[n * D + d]; c++; }
        fill = c ? (float)(s / (double)c) : 0.0f;
        for (n = 0; n < N; n++)
            if (!dim_mask[n * D + d]) { Y[n * D + d] = fill; filled++; }
    }
    if (n_filled) *n_filled = filled;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_gllim_inverse_f64(const avloc_gllim_model *m, const double *y, double *x, double *alpha)
{
    if (!y) return AVLOC_ERR_NULL;
    return avloc__gl_inverse(m, y, NULL, x, alpha);
}

AVLOC_API avloc_result avloc_gllim_inverse_f32(const avloc_gllim_model *m, const float *y, double *x, double *alpha)
{
    if (!y) return AVLOC_ERR_NULL;
    return avloc__gl_inverse(m, NULL, y, x, alpha);
}

/* ------------------------------------------------------------- Theorem 1 */

/* The statistics' memory: S0 .. the end of S2 (pushed in that order), not
   the whole arena they were laid out in. A stream and the clip scratch lay
   their statistics out after their ring and feature buffers, which the
   library adds from (stats_add refuses Y over the statistics' memory). */
static avloc_extent avloc__gl_sums_extent(const void *S0, const void *S2, size_t s2_bytes)
{
    return avloc__extent_at(S0, (size_t)((const unsigned char *)S2 - (const unsigned char *)S0) + s2_bytes);
}

/* S0, S1, S2 of D doubles each: the statistics' own memory, and the part of
   the stream's and the clip scratch's layouts that holds their statistics. */
static avloc_result avloc__gl_stats_layout(avloc_arena *a, avloc_gllim_stats *s, size_t D)
{
    double *S0, *S1, *S2;
    if (D == 0 || D > AVLOC_MAX_DIM) return AVLOC_ERR_SIZE;
    S0 = AVLOC_PUSH(a, double, D);
    S1 = AVLOC_PUSH(a, double, D);
    S2 = AVLOC_PUSH(a, double, D);
    if (avloc_arena_status(a) != AVLOC_OK) return avloc_arena_status(a);
    if (s) {
        if (!S0 || !S1 || !S2) return AVLOC_ERR_WORKSPACE;
        s->D = D; s->S0 = S0; s->S1 = S1; s->S2 = S2;
        s->n_active = 0;
        s->n_frames = 0;
        s->mem = avloc__gl_sums_extent(S0, S2, D * sizeof *S2);
    }
    return AVLOC_OK;
}

static avloc_result avloc__gl_stats_layout_fn(avloc_arena *a, void *obj, const void *cfg, size_t *scratch_bytes)
{
    (void)scratch_bytes;
    return avloc__gl_stats_layout(a, (avloc_gllim_stats *)obj, *(const size_t *)cfg);
}

AVLOC_API avloc_result avloc_gllim_stats_query(size_t D, size_t *bytes)
{
    if (!bytes) return AVLOC_ERR_NULL;
    return avloc_layout_query(avloc__gl_stats_layout_fn, &D, bytes, NULL);
}

AVLOC_API avloc_result avloc_gllim_stats_init(avloc_gllim_stats *s, size_t D, void *mem, size_t bytes)
{
    avloc_result r;
    if (s) memset(s, 0, sizeof *s);
    if (!s || !mem) return AVLOC_ERR_NULL;
    r = avloc_layout_init(avloc__gl_stats_layout_fn, s, sizeof *s, &D, mem, bytes);
    if (r == AVLOC_OK) avloc_gllim_stats_reset(s);
    return r;
}

AVLOC_API void avloc_gllim_stats_destroy(avloc_gllim_stats *s)
{
    if (s) memset(s, 0, sizeof *s);
}

AVLOC_API void avloc_gllim_stats_reset(avloc_gllim_stats *s)
{
    if (!s || !s->S0) return;
    memset(s->S0, 0, s->D * sizeof(double));
    memset(s->S1, 0, s->D * sizeof(double));
    memset(s->S2, 0, s->D * sizeof(double));
    s->n_active = 0;
    s->n_frames = 0;
}


/* The statistics and posterior kernels are written once against the SIMD
   layer (template section at the end of this file) and compiled here per
   set with double vectors; AVLOC__VCALL_D runs the one this CPU has, the
   scalar loops finish. */
#define AVLOC__VPASS AVLOC__VPASS_GLLIM
#define AVLOC__VFILE AVLOC_GLLIM_FILE
#define AVLOC__VNEED_D 1
#include AVLOC_CORE_FILE /* the per-set driver */
#undef AVLOC__VNEED_D
#undef AVLOC__VFILE
#undef AVLOC__VPASS

/* Validation pass of stats_add: active count, or (size_t)-1 when an active
   value is not finite (tested on the bits: right under -ffinite-math-only). */
static size_t avloc__gl_stats_check(const float *Y, const unsigned char *mask, size_t tot)
{
    size_t cnt = 0, i = AVLOC__VCALL_D(avloc__gl_vk_check, (Y, mask, tot, &cnt), 0);
    if (i == (size_t)-1) return (size_t)-1;
    for (; i < tot; i++)
        if (mask[i]) {
            if (!avloc__finite_f32(Y[i])) return (size_t)-1;
            cnt++;
        }
    return cnt;
}

/* S += sgn * (chi, chi y, chi y^2) over T frames (see avloc__gl_vk_stats
   for the vector part, same additions in the same order). */
static void avloc__gl_stats_accum(avloc_gllim_stats *s, const float *Y, const unsigned char *mask,
                                  size_t T, double sgn)
{
    size_t t, d, D = s->D;
    double *S0 = s->S0, *S1 = s->S1, *S2 = s->S2;
    d = AVLOC__VCALL_D(avloc__gl_vk_stats, (s, Y, mask, T, sgn), 0);
    for (; d < D; d++) {
        double s0 = S0[d], s1 = S1[d], s2 = S2[d];
        for (t = 0; t < T; t++)
            if (mask[t * D + d]) { double v = Y[t * D + d]; s0 += sgn; s1 += sgn * v; s2 += sgn * (v * v); }
        S0[d] = s0; S1[d] = s1; S2[d] = s2;
    }
}

/* Whether removing T frames with these masks leaves every dimension's count
   S0[d] >= 0: frames removed with another mask than they were added with
   made S0 negative and the posterior meaningless (AVLOC_OK before). */
static int avloc__gl_stats_removable(const avloc_gllim_stats *s, const unsigned char *mask, size_t T)
{
    size_t d, t, D = s->D;
    for (d = 0; d < D; d++) {
        double c = 0.0;
        for (t = 0; t < T; t++) c += mask[t * D + d] != 0;
        if (c > s->S0[d] + 0.5) return 0;
    }
    return 1;
}

/* 1 if the frames Y or their masks (n entries each) share memory with the
   sums the call adds them to. */
static int avloc__gl_sums_clash(const float *Y, const unsigned char *mask, size_t n, avloc_extent sums)
{
    const avloc__span b[] = {avloc__rd_f32(Y, n), avloc__span_of(mask, n, 0), avloc__object_span(sums, 1)};
    return AVLOC__CLASH(b);
}

AVLOC_API avloc_result avloc_gllim_stats_add_f32(avloc_gllim_stats *s, const float *Y,
                                                 const unsigned char *mask, size_t T, int sign)
{
    size_t D, cnt, tot;
    if (!s || ((!Y || !mask) && T > 0)) return AVLOC_ERR_NULL;
    if (!s->S0) return AVLOC_ERR_STATE; /* not initialised, or destroyed */
    D = s->D;
    if (!avloc_size_mul(T, D, &tot)) return AVLOC_ERR_OVERFLOW;
    if (T == 0) return AVLOC_OK;
    if (avloc__gl_sums_clash(Y, mask, tot, s->mem)) return AVLOC_ERR_PARAM;
    cnt = avloc__gl_stats_check(Y, mask, tot); /* validate first: all or nothing */
    if (cnt == (size_t)-1) return AVLOC_ERR_NONFINITE;
    if (sign < 0 && (cnt > s->n_active || T > s->n_frames || !avloc__gl_stats_removable(s, mask, T)))
        return AVLOC_ERR_STATE;
    avloc__gl_stats_accum(s, Y, mask, T, sign >= 0 ? 1.0 : -1.0);
    if (sign >= 0) { s->n_active += cnt; s->n_frames += T; }
    else { s->n_active -= cnt; s->n_frames -= T; }
    return AVLOC_OK;
}

/* nu, mu, V for K_cap components and the 2 x D work array; the per-call
   scratch of avloc_gllim_posterior_f32 is one set of statistics. */
static avloc_result avloc__gl_post_layout(avloc_arena *a, void *obj, const void *cfg, size_t *scratch_bytes)
{
    const avloc_gllim_model *m = (const avloc_gllim_model *)cfg;
    avloc_gllim_posterior *p = (avloc_gllim_posterior *)obj;
    size_t KL, KLL, D2;
    double *nu, *mu, *V, *work;
    avloc_result r;
    if (m->K_cap == 0 || m->L == 0 || m->L > AVLOC_GLLIM_MAX_L || m->D == 0 || m->D > AVLOC_MAX_DIM)
        return AVLOC_ERR_SIZE;
    if (!avloc_size_mul(m->K_cap, m->L, &KL) || !avloc_size_mul(KL, m->L, &KLL) || !avloc_size_mul(2, m->D, &D2))
        return AVLOC_ERR_OVERFLOW;
    nu = AVLOC_PUSH(a, double, m->K_cap);
    mu = AVLOC_PUSH(a, double, KL);
    V = AVLOC_PUSH(a, double, KLL);
    work = AVLOC_PUSH(a, double, D2);
    if ((r = avloc_arena_status(a)) != AVLOC_OK) return r;
    if ((r = avloc_gllim_stats_query(m->D, scratch_bytes)) != AVLOC_OK) return r;
    if (!p) return AVLOC_OK;
    if (!nu || !mu || !V || !work) return AVLOC_ERR_WORKSPACE;
    p->K_cap = m->K_cap;
    p->K = m->K;
    p->L = m->L;
    p->D = m->D;
    p->nu = nu; p->mu = mu; p->V = V; p->work = work;
    p->mem = avloc__extent_of(a);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_gllim_posterior_query(const avloc_gllim_model *m, size_t *obj_bytes,
                                                   size_t *scratch_bytes)
{
    if (!m || !obj_bytes) return AVLOC_ERR_NULL;
    return avloc_layout_query(avloc__gl_post_layout, m, obj_bytes, scratch_bytes);
}

AVLOC_API avloc_result avloc_gllim_posterior_init(avloc_gllim_posterior *p, const avloc_gllim_model *m,
                                                  void *mem, size_t bytes)
{
    if (p) memset(p, 0, sizeof *p);
    if (!p || !m || !mem) return AVLOC_ERR_NULL;
    return avloc_layout_init(avloc__gl_post_layout, p, sizeof *p, m, mem, bytes);
}

AVLOC_API void avloc_gllim_posterior_destroy(avloc_gllim_posterior *p)
{
    if (p) memset(p, 0, sizeof *p);
}

/* mixture mean and covariance from nu, mu, V */
static void avloc__gl_moments(avloc_gllim_posterior *p)
{
    size_t K = p->K, L = p->L, k, i, j;
    for (i = 0; i < L; i++) {
        p->mean[i] = 0.0;
        for (k = 0; k < K; k++) p->mean[i] += p->nu[k] * p->mu[k * L + i];
    }
    for (i = 0; i < L; i++)
        for (j = 0; j < L; j++) {
            double s = 0.0;
            for (k = 0; k < K; k++) {
                double di = p->mu[k * L + i] - p->mean[i], dj = p->mu[k * L + j] - p->mean[j];
                s += p->nu[k] * (p->V[k * L * L + i * L + j] + di * dj);
            }
            p->cov[i * L + j] = s;
        }
}

/* Theorem 1 in two passes. With w_d = S0_d / s2_d and the mean of the
   active values ybar_d = S1_d / S0_d, every component needs
     P_k = sum_d w_d a_dk a_dk^T,  h_k = sum_d w_d (ybar_d - c*_dk) a_dk,
     e_k = C + sum_d w_d (ybar_d - c*_dk)^2,  C = sum_d (S2_d - S1_d ybar_d) / s2_d
   (the residual sum of squares about c*_k split into the within-dim part C
   and a sum of non-negative terms: no cancellation). w, ybar, C and
   sum S0 log s2 are made once per Sigma row, i.e. once per call when Sigma
   is tied; the component pass then reads only A_k (At) and c*_k at unit
   stride. It is bound by memory traffic (24 bytes per dim and
   component; float copies measured only 10-20 % faster with AVX2, slower
   with SSE2, and would cost the exactness of the double parameters).
   A dim without active points has w = 0 and adds exactly 0. */
static void avloc__gl_post_ybar(const avloc_gllim_stats *s, size_t D, double *ybar)
{
    size_t d;
    for (d = 0; d < D; d++) ybar[d] = s->S0[d] > 0.0 ? s->S1[d] / s->S0[d] : 0.0;
}
static void avloc__gl_post_prep(const avloc_gllim_stats *s, const double *is, const double *ls, const double *ybar,
                                size_t D, double *w, double *C, double *lsum)
{
    double e = 0.0, l = 0.0;
    size_t d;
    for (d = 0; d < D; d++) {
        double s0 = s->S0[d], within = s0 > 0.0 ? s->S2[d] - s->S1[d] * ybar[d] : 0.0;
        w[d] = s0 * is[d];
        /* >= 0 exactly; guard rounding. A dim without points adds 0 even if
           a stream's running S1, S2 keep rounding residue. */
        e += (within > 0.0 ? within : 0.0) * is[d];
        l += s0 * ls[d];
    }
    *C = e;
    *lsum = l;
}

/* The component pass for any L on rows = At and cs = c* of component k:
   P (lower triangle), h, q. */
static void avloc__gl_post_sums(const double *rows, const double *cs, const double *w, const double *yb, size_t L,
                                size_t D, double *P, double *h, double *q)
{
    size_t d = 0, i, j;
    if (L == 2)
        d = AVLOC__VCALL_D(avloc__gl_vk_post2, (rows, rows + D, cs, w, yb, D, P, h, q), 0);
    for (; d < D; d++) {
        double u = yb[d] - cs[d], wu = w[d] * u;
        *q += wu * u;
        for (i = 0; i < L; i++) {
            double ai = rows[i * D + d];
            h[i] += ai * wu;
            for (j = 0; j <= i; j++) P[i * L + j] += w[d] * ai * rows[j * D + d];
        }
    }
}

/* 1 when a posterior's memory meets its model's or its statistics'. */
static int avloc__gl_post_clash(avloc_extent model, avloc_extent stats, avloc_extent post)
{
    const avloc__span b[] = {avloc__object_span(model, 0), avloc__object_span(stats, 0), avloc__object_span(post, 1)};
    return AVLOC__CLASH(b);
}

AVLOC_API avloc_result avloc_gllim_posterior_from_stats(const avloc_gllim_model *m,
                                                        const avloc_gllim_stats *s,
                                                        avloc_gllim_posterior *p)
{
    size_t K, L, D, k, i, j;
    double mx = -HUGE_VAL, tot = 0.0, ow, C = 0.0, lsum = 0.0, *w, *yb;
    int tied;
    if (!m || !s || !p) return AVLOC_ERR_NULL;
    if (!m->prepared || !s->S0 || !p->nu || !p->work) return AVLOC_ERR_STATE;
    if (avloc__gl_post_clash(m->mem, s->mem, p->mem)) return AVLOC_ERR_PARAM;
    K = m->K; L = m->L; D = m->D;
    ow = m->obs_weight;
    if (avloc__nan_f64(ow) || !(ow > 0.0 && ow <= 1e12)) return AVLOC_ERR_PARAM;
    tied = avloc__gl_sigma_tied(m->sigma_type);
    if (s->D != D || p->L != L || p->D != D || p->K_cap < K) return AVLOC_ERR_SIZE;
    p->K = K;
    p->n_active = s->n_active;
    if (s->n_active == 0) {
        memcpy(p->nu, m->pi, K * sizeof(double));
        memcpy(p->mu, m->c, K * L * sizeof(double));
        memcpy(p->V, m->Gamma, K * L * L * sizeof(double));
        avloc__gl_moments(p);
        return AVLOC_NO_ACTIVE_POINTS;
    }
    w = p->work;
    yb = p->work + D;
    avloc__gl_post_ybar(s, D, yb);
    if (tied) avloc__gl_post_prep(s, m->inv_sigma2, m->log_sigma2, yb, D, w, &C, &lsum);
    for (k = 0; k < K; k++) {
        /* x = c_k + x', prior N(0, Gamma); residual about c*_k = A c + b */
        const double *Gi = m->Gamma_inv + k * L * L;
        double P[AVLOC_GLLIM_MAX_L * AVLOC_GLLIM_MAX_L], Lf[AVLOC_GLLIM_MAX_L * AVLOC_GLLIM_MAX_L];
        double h[AVLOC_GLLIM_MAX_L] = {0, 0, 0, 0}, q = 0.0, e, ls, ldP, hm = 0.0;
        double *V = p->V + k * L * L, *mu = p->mu + k * L;
        avloc_result r;
        if (!tied) avloc__gl_post_prep(s, m->inv_sigma2 + k * D, m->log_sigma2 + k * D, yb, D, w, &C, &lsum);
        memset(P, 0, sizeof P);
        avloc__gl_post_sums(m->At + k * L * D, m->cstar + k * D, w, yb, L, D, P, h, &q);
        e = C + q;
        ls = lsum;
        /* tempering: every data sum is linear in the statistics, so weighting
           each point by ow scales them all; the prior term Gamma^-1 stays */
        if (ow != 1.0) {
            for (i = 0; i < L; i++) h[i] *= ow;
            for (i = 0; i < L * L; i++) P[i] *= ow;
            e *= ow;
            ls *= ow;
        }
        for (i = 0; i < L; i++)
            for (j = 0; j <= i; j++) P[i * L + j] += Gi[i * L + j];
        for (i = 0; i < L; i++)
            for (j = 0; j < i; j++) P[j * L + i] = P[i * L + j];
        r = avloc__gl_spd(P, L, Lf, V, &ldP);
        if (r != AVLOC_OK) return AVLOC_ERR_NUMERIC;
        for (i = 0; i < L; i++) {
            double t = 0.0;
            for (j = 0; j < L; j++) t += V[i * L + j] * h[j];
            mu[i] = t;
            hm += h[i] * t;
        }
        if (e - hm < 0.0) e = hm; /* exact value is >= 0; guard rounding */
        p->nu[k] = log(m->pi[k]) - 0.5 * ldP - 0.5 * m->logdet_Gamma[k] - 0.5 * (e - hm) - 0.5 * ls;
        for (i = 0; i < L; i++) mu[i] += m->c[k * L + i];
        if (p->nu[k] > mx) mx = p->nu[k];
    }
    if (!(mx > -HUGE_VAL) || !(mx < HUGE_VAL)) return AVLOC_ERR_NUMERIC;
    for (k = 0; k < K; k++) { p->nu[k] = exp(p->nu[k] - mx); tot += p->nu[k]; }
    for (k = 0; k < K; k++) p->nu[k] /= tot;
    avloc__gl_moments(p);
    /* a model with finite but huge values (a loaded file passes validation
       with b = 1e180, found by fuzz/ gllim_model) overflows to Inf - Inf:
       refuse instead of returning NaN */
    for (i = 0; i < L; i++)
        if (!avloc__finite_f64(p->mean[i])) return AVLOC_ERR_NUMERIC;
    for (i = 0; i < L * L; i++)
        if (!avloc__finite_f64(p->cov[i])) return AVLOC_ERR_NUMERIC;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_gllim_posterior_f32(const avloc_gllim_model *m, const float *Y,
                                                 const unsigned char *mask, size_t T,
                                                 avloc_gllim_posterior *p,
                                                 void *scratch, size_t scratch_bytes)
{
    avloc_gllim_stats st;
    avloc_result r;
    if (!m || !p || !scratch || ((!Y || !mask) && T > 0)) return AVLOC_ERR_NULL;
    if (!m->prepared) return AVLOC_ERR_STATE;
    {   /* the statistics are zeroed in scratch before Y and mask are read */
        size_t need = 0;
        const avloc__span b[] = {avloc__span_of(Y, avloc__span_bytes(T, m->D, m->D, sizeof *Y), 0),
                                 avloc__span_of(mask, avloc__span_bytes(T, m->D, m->D, 1), 0), avloc__object_span(m->mem, 0)};
        if ((r = avloc_gllim_stats_query(m->D, &need)) != AVLOC_OK) return r;
        if (avloc__clash_scratch(b, 3, scratch, avloc__scratch_used(scratch_bytes, need))) return AVLOC_ERR_PARAM;
    }
    r = avloc_gllim_stats_init(&st, m->D, scratch, scratch_bytes);
    if (r != AVLOC_OK) return r;
    r = avloc_gllim_stats_add_f32(&st, Y, mask, T, 1);
    if (r != AVLOC_OK) return r;
    return avloc_gllim_posterior_from_stats(m, &st, p);
}

/* ------------------------------------------------- float32 localisation */
/* avloc_gllim_model_f32 & co. (declarations above): the Theorem-1 path of
   avloc_gllim_posterior_from_stats in single precision. Every literal and
   every libm call below is float (expf, logf, sqrtf): one double operation
   here is a software call on a Cortex-M4F, and tools/check_mcu_tables.sh
   fails when one links. */

/* dims per partial sum: a sum over D = 1536 floats then carries about
   (64 + D / 64) rounding steps instead of D */
#define AVLOC__GL_F32_BLOCK 64

/* rows of 1/sigma^2 and log sigma^2 stored: one when Sigma is tied */
static size_t avloc__gl_sigma_rows(avloc_gllim_sigma st, size_t K)
{
    return avloc__gl_sigma_tied(st) ? 1 : K;
}

/* The float arrays of a model (cfg: the double model giving K, L, D and the
   Sigma type). */
static avloc_result avloc__gl_f32_layout(avloc_arena *a, void *obj, const void *cfg, size_t *scratch_bytes)
{
    const avloc_gllim_model *m = (const avloc_gllim_model *)cfg;
    avloc_gllim_model_f32 *mf = (avloc_gllim_model_f32 *)obj;
    size_t K = m->K, L = m->L, D = m->D, KL, KLL, KD, KDL, RD;
    float *pi, *c, *G, *Gi, *ldG, *At, *cs, *is2, *ls2;
    (void)scratch_bytes;
    if (K == 0 || L == 0 || L > AVLOC_GLLIM_MAX_L || D == 0 || K > AVLOC_MAX_DIM || D > AVLOC_MAX_DIM)
        return AVLOC_ERR_SIZE;
    if (!avloc_size_mul(K, L, &KL) || !avloc_size_mul(KL, L, &KLL) || !avloc_size_mul(K, D, &KD) ||
        !avloc_size_mul(KD, L, &KDL) || !avloc_size_mul(avloc__gl_sigma_rows(m->sigma_type, K), D, &RD))
        return AVLOC_ERR_OVERFLOW;
    pi = AVLOC_PUSH(a, float, K);
    c = AVLOC_PUSH(a, float, KL);
    G = AVLOC_PUSH(a, float, KLL);
    Gi = AVLOC_PUSH(a, float, KLL);
    ldG = AVLOC_PUSH(a, float, K);
    At = AVLOC_PUSH(a, float, KDL);
    cs = AVLOC_PUSH(a, float, KD);
    is2 = AVLOC_PUSH(a, float, RD);
    ls2 = AVLOC_PUSH(a, float, RD);
    if (avloc_arena_status(a) != AVLOC_OK) return avloc_arena_status(a);
    if (!mf) return AVLOC_OK;
    if (!pi || !ls2) return AVLOC_ERR_WORKSPACE;
    mf->K = K; mf->L = L; mf->D = D;
    mf->sigma_type = m->sigma_type;
    mf->pi = pi; mf->c = c; mf->Gamma = G; mf->Gamma_inv = Gi; mf->logdet_Gamma = ldG;
    mf->At = At; mf->cstar = cs; mf->inv_sigma2 = is2; mf->log_sigma2 = ls2;
    mf->mem = avloc__extent_of(a);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_gllim_model_f32_query(const avloc_gllim_model *m, size_t *bytes)
{
    if (!m || !bytes) return AVLOC_ERR_NULL;
    if (!m->prepared) return AVLOC_ERR_STATE;
    return avloc_layout_query(avloc__gl_f32_layout, m, bytes, NULL);
}

/* dst = (float)src for n values; 0 when one leaves the float range (Inf),
   or when a positive value rounds to 0 and positive was required */
static int avloc__gl_to_f32(float *dst, const double *src, size_t n, int positive)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (!(fabs(src[i]) <= (double)FLT_MAX)) return 0;
        dst[i] = (float)src[i];
        if (positive && !(dst[i] > 0.0f)) return 0;
    }
    return 1;
}

AVLOC_API avloc_result avloc_gllim_model_f32_init(avloc_gllim_model_f32 *mf, const avloc_gllim_model *m,
                                                  void *mem, size_t bytes)
{
    size_t K, L, D, RD;
    avloc_result r;
    int ok;
    if (mf) memset(mf, 0, sizeof *mf);
    if (!mf || !m || !mem) return AVLOC_ERR_NULL;
    if (!m->prepared) return AVLOC_ERR_STATE;
    r = avloc_layout_init(avloc__gl_f32_layout, mf, sizeof *mf, m, mem, bytes);
    if (r != AVLOC_OK) return r;
    if (avloc__overlaps(m->mem.base, m->mem.bytes, mf->mem.base, mf->mem.bytes)) { /* laid out, nothing written yet */
        memset(mf, 0, sizeof *mf);
        return AVLOC_ERR_PARAM;
    }
    K = m->K; L = m->L; D = m->D;
    RD = avloc__gl_sigma_rows(m->sigma_type, K) * D;
    /* the arrays were laid out in mem by the layout above: writable */
    ok = avloc__gl_to_f32((float *)mf->pi, m->pi, K, 1) && avloc__gl_to_f32((float *)mf->c, m->c, K * L, 0) &&
         avloc__gl_to_f32((float *)mf->Gamma, m->Gamma, K * L * L, 0) &&
         avloc__gl_to_f32((float *)mf->Gamma_inv, m->Gamma_inv, K * L * L, 0) &&
         avloc__gl_to_f32((float *)mf->logdet_Gamma, m->logdet_Gamma, K, 0) &&
         avloc__gl_to_f32((float *)mf->At, m->At, K * L * D, 0) &&
         avloc__gl_to_f32((float *)mf->cstar, m->cstar, K * D, 0) &&
         avloc__gl_to_f32((float *)mf->inv_sigma2, m->inv_sigma2, RD, 1) &&
         avloc__gl_to_f32((float *)mf->log_sigma2, m->log_sigma2, RD, 0);
    mf->obs_weight = (float)m->obs_weight;
    mf->feat = m->feat;
    mf->image_width = m->image_width;
    mf->image_height = m->image_height;
    if (!ok || !(mf->obs_weight > 0.0f)) {
        memset(mf, 0, sizeof *mf);
        return AVLOC_ERR_NUMERIC;
    }
    return AVLOC_OK;
}

AVLOC_API void avloc_gllim_model_f32_destroy(avloc_gllim_model_f32 *mf)
{
    if (mf) memset(mf, 0, sizeof *mf);
}

/* Cholesky of the L x L symmetric S (L <= 4): log|S| into *logdet and, if
   inv is not NULL, S^-1 = Linv^T Linv. 0 when S is not positive definite. */
static int avloc__gl_spd_f32(const float *S, size_t L, float *inv, float *logdet)
{
    float C[AVLOC_GLLIM_MAX_L * AVLOC_GLLIM_MAX_L], Ci[AVLOC_GLLIM_MAX_L * AVLOC_GLLIM_MAX_L], ld = 0.0f;
    size_t i, j, k;
    for (j = 0; j < L; j++) {
        float dj = S[j * L + j];
        for (k = 0; k < j; k++) dj -= C[j * L + k] * C[j * L + k];
        if (!(dj > 0.0f) || !avloc__finite_f32(dj)) return 0;
        C[j * L + j] = sqrtf(dj);
        ld += logf(dj);
        for (i = j + 1; i < L; i++) {
            float t = S[i * L + j];
            for (k = 0; k < j; k++) t -= C[i * L + k] * C[j * L + k];
            C[i * L + j] = t / C[j * L + j];
        }
    }
    *logdet = ld;
    if (!inv) return 1;
    for (j = 0; j < L; j++) /* Ci = C^-1, lower triangular, column by column */
        for (i = 0; i < L; i++) {
            float t = i == j ? 1.0f : 0.0f;
            if (i < j) { Ci[i * L + j] = 0.0f; continue; }
            for (k = j; k < i; k++) t -= C[i * L + k] * Ci[k * L + j];
            Ci[i * L + j] = t / C[i * L + i];
        }
    for (i = 0; i < L; i++)
        for (j = 0; j < L; j++) {
            float t = 0.0f;
            for (k = i > j ? i : j; k < L; k++) t += Ci[k * L + i] * Ci[k * L + j];
            inv[i * L + j] = t;
        }
    return 1;
}

/* sizes and pointers: what every posterior call checks */
static int avloc__gl_f32_shape_ok(const avloc_gllim_model_f32 *m)
{
    return m->K > 0 && m->L > 0 && m->L <= AVLOC_GLLIM_MAX_L && m->D > 0 && m->K <= AVLOC_MAX_DIM &&
           m->D <= AVLOC_MAX_DIM && avloc__gl_sigma_ok(m->sigma_type) && m->pi && m->c && m->Gamma &&
           m->Gamma_inv && m->logdet_Gamma && m->At && m->cstar && m->inv_sigma2 && m->log_sigma2;
}

static int avloc__gl_f32_weight_ok(float ow)
{
    return avloc__finite_f32(ow) && ow > 0.0f && ow <= 1e12f;
}

AVLOC_API avloc_result avloc_gllim_model_f32_check(const avloc_gllim_model_f32 *m)
{
    size_t K, L, D, RD, k, i;
    if (!m) return AVLOC_ERR_NULL;
    if (!avloc__gl_f32_shape_ok(m)) return m->pi ? AVLOC_ERR_SIZE : AVLOC_ERR_STATE;
    K = m->K; L = m->L; D = m->D;
    RD = avloc__gl_sigma_rows(m->sigma_type, K) * D;
    if (!avloc__gl_f32_weight_ok(m->obs_weight)) return AVLOC_ERR_PARAM;
    if (!avloc_all_finite_f32(m->pi, K) || !avloc_all_finite_f32(m->c, K * L) ||
        !avloc_all_finite_f32(m->Gamma, K * L * L) || !avloc_all_finite_f32(m->Gamma_inv, K * L * L) ||
        !avloc_all_finite_f32(m->logdet_Gamma, K) || !avloc_all_finite_f32(m->At, K * L * D) ||
        !avloc_all_finite_f32(m->cstar, K * D) || !avloc_all_finite_f32(m->inv_sigma2, RD) ||
        !avloc_all_finite_f32(m->log_sigma2, RD))
        return AVLOC_ERR_NONFINITE;
    for (k = 0; k < K; k++)
        if (!(m->pi[k] > 0.0f)) return AVLOC_ERR_PARAM;
    for (i = 0; i < RD; i++)
        if (!(m->inv_sigma2[i] > 0.0f)) return AVLOC_ERR_PARAM;
    for (k = 0; k < K; k++) {
        const float *Gi = m->Gamma_inv + k * L * L;
        float ld;
        size_t j;
        for (i = 0; i < L; i++)
            for (j = 0; j < i; j++)
                if (Gi[i * L + j] != Gi[j * L + i]) return AVLOC_ERR_PARAM;
        if (!avloc__gl_spd_f32(Gi, L, NULL, &ld)) return AVLOC_ERR_PARAM;
    }
    return AVLOC_OK;
}

static avloc_result avloc__gl_stats_f32_layout(avloc_arena *a, void *obj, const void *cfg, size_t *scratch_bytes)
{
    avloc_gllim_stats_f32 *s = (avloc_gllim_stats_f32 *)obj;
    size_t D = *(const size_t *)cfg;
    float *S0, *S1, *S2;
    (void)scratch_bytes;
    if (D == 0 || D > AVLOC_MAX_DIM) return AVLOC_ERR_SIZE;
    S0 = AVLOC_PUSH(a, float, D);
    S1 = AVLOC_PUSH(a, float, D);
    S2 = AVLOC_PUSH(a, float, D);
    if (avloc_arena_status(a) != AVLOC_OK) return avloc_arena_status(a);
    if (!s) return AVLOC_OK;
    if (!S0 || !S1 || !S2) return AVLOC_ERR_WORKSPACE;
    s->D = D; s->S0 = S0; s->S1 = S1; s->S2 = S2;
    s->mem = avloc__gl_sums_extent(S0, S2, D * sizeof *S2);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_gllim_stats_f32_query(size_t D, size_t *bytes)
{
    if (!bytes) return AVLOC_ERR_NULL;
    return avloc_layout_query(avloc__gl_stats_f32_layout, &D, bytes, NULL);
}

AVLOC_API avloc_result avloc_gllim_stats_f32_init(avloc_gllim_stats_f32 *s, size_t D, void *mem, size_t bytes)
{
    avloc_result r;
    if (s) memset(s, 0, sizeof *s);
    if (!s || !mem) return AVLOC_ERR_NULL;
    r = avloc_layout_init(avloc__gl_stats_f32_layout, s, sizeof *s, &D, mem, bytes);
    if (r == AVLOC_OK) avloc_gllim_stats_f32_reset(s);
    return r;
}

AVLOC_API void avloc_gllim_stats_f32_reset(avloc_gllim_stats_f32 *s)
{
    if (!s || !s->S0) return;
    memset(s->S0, 0, s->D * sizeof(float));
    memset(s->S1, 0, s->D * sizeof(float));
    memset(s->S2, 0, s->D * sizeof(float));
    s->n_active = 0;
    s->n_frames = 0;
}

AVLOC_API void avloc_gllim_stats_f32_destroy(avloc_gllim_stats_f32 *s)
{
    if (s) memset(s, 0, sizeof *s);
}

AVLOC_API avloc_result avloc_gllim_stats_f32_add(avloc_gllim_stats_f32 *s, const float *Y,
                                                 const unsigned char *mask, size_t T, int sign)
{
    size_t D, cnt, tot, t, d;
    const float sg = sign >= 0 ? 1.0f : -1.0f;
    if (!s || ((!Y || !mask) && T > 0)) return AVLOC_ERR_NULL;
    if (!s->S0) return AVLOC_ERR_STATE; /* not initialised, or destroyed */
    D = s->D;
    if (!avloc_size_mul(T, D, &tot)) return AVLOC_ERR_OVERFLOW;
    if (T == 0) return AVLOC_OK;
    if (avloc__gl_sums_clash(Y, mask, tot, s->mem)) return AVLOC_ERR_PARAM;
    cnt = avloc__gl_stats_check(Y, mask, tot); /* validate first: all or nothing */
    if (cnt == (size_t)-1) return AVLOC_ERR_NONFINITE;
    if (sign < 0 && (cnt > s->n_active || T > s->n_frames)) return AVLOC_ERR_STATE;
    for (t = 0; t < T; t++) { /* along each frame's row: contiguous */
        const float *yt = Y + t * D;
        const unsigned char *mt = mask + t * D;
        for (d = 0; d < D; d++)
            if (mt[d]) {
                const float v = yt[d], sv = sg * v;
                s->S0[d] += sg;
                s->S1[d] += sv;
                s->S2[d] += sv * v;
            }
    }
    if (sign >= 0) { s->n_active += cnt; s->n_frames += T; }
    else { s->n_active -= cnt; s->n_frames -= T; }
    return AVLOC_OK;
}

/* nu, mu, V for the model's K components and the 2 x D work array */
static avloc_result avloc__gl_post_f32_layout(avloc_arena *a, void *obj, const void *cfg, size_t *scratch_bytes)
{
    const avloc_gllim_model_f32 *m = (const avloc_gllim_model_f32 *)cfg;
    avloc_gllim_post_f32 *p = (avloc_gllim_post_f32 *)obj;
    size_t KL, KLL, D2;
    float *nu, *mu, *V, *work;
    (void)scratch_bytes;
    if (m->K == 0 || m->K > AVLOC_MAX_DIM || m->L == 0 || m->L > AVLOC_GLLIM_MAX_L || m->D == 0 ||
        m->D > AVLOC_MAX_DIM)
        return AVLOC_ERR_SIZE;
    if (!avloc_size_mul(m->K, m->L, &KL) || !avloc_size_mul(KL, m->L, &KLL) || !avloc_size_mul(2, m->D, &D2))
        return AVLOC_ERR_OVERFLOW;
    nu = AVLOC_PUSH(a, float, m->K);
    mu = AVLOC_PUSH(a, float, KL);
    V = AVLOC_PUSH(a, float, KLL);
    work = AVLOC_PUSH(a, float, D2);
    if (avloc_arena_status(a) != AVLOC_OK) return avloc_arena_status(a);
    if (!p) return AVLOC_OK;
    if (!nu || !mu || !V || !work) return AVLOC_ERR_WORKSPACE;
    p->K_cap = p->K = m->K;
    p->L = m->L;
    p->D = m->D;
    p->nu = nu; p->mu = mu; p->V = V; p->work = work;
    p->mem = avloc__extent_of(a);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_gllim_post_f32_query(const avloc_gllim_model_f32 *m, size_t *bytes)
{
    if (!m || !bytes) return AVLOC_ERR_NULL;
    return avloc_layout_query(avloc__gl_post_f32_layout, m, bytes, NULL);
}

AVLOC_API avloc_result avloc_gllim_post_f32_init(avloc_gllim_post_f32 *p, const avloc_gllim_model_f32 *m,
                                                 void *mem, size_t bytes)
{
    if (p) memset(p, 0, sizeof *p);
    if (!p || !m || !mem) return AVLOC_ERR_NULL;
    return avloc_layout_init(avloc__gl_post_f32_layout, p, sizeof *p, m, mem, bytes);
}

AVLOC_API void avloc_gllim_post_f32_destroy(avloc_gllim_post_f32 *p)
{
    if (p) memset(p, 0, sizeof *p);
}

/* mixture mean and covariance from nu, mu, V (avloc__gl_moments in float) */
static void avloc__gl_moments_f32(avloc_gllim_post_f32 *p)
{
    size_t K = p->K, L = p->L, k, i, j;
    for (i = 0; i < L; i++) {
        float s = 0.0f;
        for (k = 0; k < K; k++) s += p->nu[k] * p->mu[k * L + i];
        p->mean[i] = s;
    }
    for (i = 0; i < L; i++)
        for (j = 0; j < L; j++) {
            float s = 0.0f;
            for (k = 0; k < K; k++) {
                float di = p->mu[k * L + i] - p->mean[i], dj = p->mu[k * L + j] - p->mean[j];
                s += p->nu[k] * (p->V[k * L * L + i * L + j] + di * dj);
            }
            p->cov[i * L + j] = s;
        }
}

/* avloc__gl_post_ybar + avloc__gl_post_prep in float: ybar (once per call),
   then w = S0 / s2, C = sum within / s2 and sum S0 log s2 for one Sigma
   row, summed in blocks */
static void avloc__gl_post_prep_f32(const avloc_gllim_stats_f32 *s, const float *is, const float *ls,
                                    const float *ybar, size_t D, float *w, float *C, float *lsum)
{
    float e = 0.0f, l = 0.0f;
    size_t d0, d;
    for (d0 = 0; d0 < D; d0 += AVLOC__GL_F32_BLOCK) {
        const size_t end = D - d0 > AVLOC__GL_F32_BLOCK ? d0 + AVLOC__GL_F32_BLOCK : D;
        float be = 0.0f, bl = 0.0f;
        for (d = d0; d < end; d++) {
            const float s0 = s->S0[d], within = s0 > 0.0f ? s->S2[d] - s->S1[d] * ybar[d] : 0.0f;
            w[d] = s0 * is[d];
            be += (within > 0.0f ? within : 0.0f) * is[d]; /* >= 0 exactly; guard rounding */
            bl += s0 * ls[d];
        }
        e += be;
        l += bl;
    }
    *C = e;
    *lsum = l;
}

/* The component pass (avloc__gl_post_sums in float, summed in blocks):
   P (lower triangle), h and q are added to. */
static void avloc__gl_post_sums_f32(const float *rows, const float *cs, const float *w, const float *yb, size_t L,
                                    size_t D, float *P, float *h, float *q)
{
    size_t d0, d, i, j;
    for (d0 = 0; d0 < D; d0 += AVLOC__GL_F32_BLOCK) {
        const size_t end = D - d0 > AVLOC__GL_F32_BLOCK ? d0 + AVLOC__GL_F32_BLOCK : D;
        float bP[AVLOC_GLLIM_MAX_L * AVLOC_GLLIM_MAX_L] = {0}, bh[AVLOC_GLLIM_MAX_L] = {0}, bq = 0.0f;
        if (L == 2) { /* the usual (u, v) model: registers only */
            const float *a0 = rows, *a1 = rows + D;
            float p00 = 0.0f, p10 = 0.0f, p11 = 0.0f, h0 = 0.0f, h1 = 0.0f;
            for (d = d0; d < end; d++) {
                const float u = yb[d] - cs[d], wu = w[d] * u, wa0 = w[d] * a0[d], wa1 = w[d] * a1[d];
                bq += wu * u;
                h0 += a0[d] * wu;
                h1 += a1[d] * wu;
                p00 += wa0 * a0[d];
                p10 += wa0 * a1[d];
                p11 += wa1 * a1[d];
            }
            bP[0] = p00; bP[2] = p10; bP[3] = p11; bh[0] = h0; bh[1] = h1;
        } else {
            for (d = d0; d < end; d++) {
                const float u = yb[d] - cs[d], wu = w[d] * u;
                bq += wu * u;
                for (i = 0; i < L; i++) {
                    const float ai = rows[i * D + d], wai = w[d] * ai;
                    bh[i] += ai * wu;
                    for (j = 0; j <= i; j++) bP[i * L + j] += wai * rows[j * D + d];
                }
            }
        }
        *q += bq;
        for (i = 0; i < L; i++) {
            h[i] += bh[i];
            for (j = 0; j <= i; j++) P[i * L + j] += bP[i * L + j];
        }
    }
}

/* Component k's posterior N(mu, V) and log weight (before normalising) from
   the sums P, h, e of its pass and the log-likelihood part ls. */
static int avloc__gl_post_component_f32(const avloc_gllim_model_f32 *m, size_t k, float *P, float *h, float e,
                                        float ls, float ow, float *mu, float *V, float *lognu)
{
    const size_t L = m->L;
    const float *Gi = m->Gamma_inv + k * L * L;
    float ldP, hm = 0.0f;
    size_t i, j;
    /* tempering scales every data sum; the prior term Gamma^-1 stays */
    if (ow != 1.0f) {
        for (i = 0; i < L; i++) h[i] *= ow;
        for (i = 0; i < L * L; i++) P[i] *= ow;
        e *= ow;
        ls *= ow;
    }
    for (i = 0; i < L; i++)
        for (j = 0; j <= i; j++) {
            P[i * L + j] += Gi[i * L + j];
            P[j * L + i] = P[i * L + j];
        }
    if (!avloc__gl_spd_f32(P, L, V, &ldP)) return 0;
    for (i = 0; i < L; i++) {
        float t = 0.0f;
        for (j = 0; j < L; j++) t += V[i * L + j] * h[j];
        mu[i] = t;
        hm += h[i] * t;
    }
    if (e - hm < 0.0f) e = hm; /* exact value is >= 0; guard rounding */
    *lognu = logf(m->pi[k]) - 0.5f * (ldP + m->logdet_Gamma[k] + (e - hm) + ls);
    for (i = 0; i < L; i++) mu[i] += m->c[k * L + i];
    return avloc__finite_f32(*lognu);
}

AVLOC_API avloc_result avloc_gllim_posterior_from_stats_f32(const avloc_gllim_model_f32 *m,
                                                            const avloc_gllim_stats_f32 *s,
                                                            avloc_gllim_post_f32 *p)
{
    size_t K, L, D, k, d;
    float mx = -HUGE_VALF, tot = 0.0f, C = 0.0f, lsum = 0.0f, *w, *yb;
    int tied;
    if (!m || !s || !p) return AVLOC_ERR_NULL;
    if (!s->S0 || !p->nu || !p->work) return AVLOC_ERR_STATE;
    if (avloc__gl_post_clash(m->mem, s->mem, p->mem)) return AVLOC_ERR_PARAM;
    if (!avloc__gl_f32_shape_ok(m)) return m->pi ? AVLOC_ERR_SIZE : AVLOC_ERR_STATE;
    if (!avloc__gl_f32_weight_ok(m->obs_weight)) return AVLOC_ERR_PARAM;
    K = m->K; L = m->L; D = m->D;
    if (s->D != D || p->L != L || p->D != D || p->K_cap < K) return AVLOC_ERR_SIZE;
    tied = avloc__gl_sigma_tied(m->sigma_type);
    p->K = K;
    p->n_active = s->n_active;
    if (s->n_active == 0) {
        memcpy(p->nu, m->pi, K * sizeof(float));
        memcpy(p->mu, m->c, K * L * sizeof(float));
        memcpy(p->V, m->Gamma, K * L * L * sizeof(float));
        avloc__gl_moments_f32(p);
        return AVLOC_NO_ACTIVE_POINTS;
    }
    w = p->work;
    yb = p->work + D;
    for (d = 0; d < D; d++) yb[d] = s->S0[d] > 0.0f ? s->S1[d] / s->S0[d] : 0.0f;
    if (tied) avloc__gl_post_prep_f32(s, m->inv_sigma2, m->log_sigma2, yb, D, w, &C, &lsum);
    for (k = 0; k < K; k++) {
        float P[AVLOC_GLLIM_MAX_L * AVLOC_GLLIM_MAX_L] = {0}, h[AVLOC_GLLIM_MAX_L] = {0}, q = 0.0f;
        if (!tied) avloc__gl_post_prep_f32(s, m->inv_sigma2 + k * D, m->log_sigma2 + k * D, yb, D, w, &C, &lsum);
        avloc__gl_post_sums_f32(m->At + k * L * D, m->cstar + k * D, w, yb, L, D, P, h, &q);
        if (!avloc__gl_post_component_f32(m, k, P, h, C + q, lsum, m->obs_weight, p->mu + k * L,
                                          p->V + k * L * L, &p->nu[k]))
            return AVLOC_ERR_NUMERIC;
        if (p->nu[k] > mx) mx = p->nu[k];
    }
    for (k = 0; k < K; k++) { p->nu[k] = expf(p->nu[k] - mx); tot += p->nu[k]; }
    for (k = 0; k < K; k++) p->nu[k] /= tot;
    avloc__gl_moments_f32(p);
    return AVLOC_OK;
}

/* ------------------------------------------------------------- streaming */

AVLOC_API avloc_gllim_stream_config avloc_gllim_stream_config_default(void)
{
    avloc_gllim_stream_config c;
    c.window = 90;
    c.emit_every = 5;
    c.min_active = 100;
    c.refresh_every = 90;
    return c;
}

/* The stream's config for avloc_layout_query/init: its model and settings. */
typedef struct avloc__gl_stream_cfg {
    const avloc_gllim_model *m;
    const avloc_gllim_stream_config *cfg;
} avloc__gl_stream_cfg;

static avloc_result avloc__gl_stream_layout(avloc_arena *a, void *obj, const void *cfgp, size_t *scratch_bytes)
{
    const avloc__gl_stream_cfg *sc = (const avloc__gl_stream_cfg *)cfgp;
    const avloc_gllim_stream_config *cfg = sc->cfg;
    avloc_gllim_stream *s = (avloc_gllim_stream *)obj;
    size_t WD, D = sc->m->D;
    float *ry;
    unsigned char *rm;
    avloc_result r;
    (void)scratch_bytes;
    if (cfg->window == 0 || cfg->emit_every == 0 || cfg->refresh_every == 0 || cfg->window > AVLOC_MAX_DIM)
        return AVLOC_ERR_PARAM;
    if (D == 0 || D > AVLOC_MAX_DIM) return AVLOC_ERR_SIZE;
    if (!avloc_size_mul(cfg->window, D, &WD)) return AVLOC_ERR_OVERFLOW;
    ry = AVLOC_PUSH(a, float, WD);
    rm = AVLOC_PUSH(a, unsigned char, WD);
    if ((r = avloc__gl_stats_layout(a, s ? &s->stats : NULL, D)) != AVLOC_OK) return r;
    if (!s) return AVLOC_OK;
    if (!ry || !rm) return AVLOC_ERR_WORKSPACE;
    s->ring_y = ry;
    s->ring_m = rm;
    s->model = sc->m;
    s->cfg = *cfg;
    s->mem = avloc__extent_of(a);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_gllim_stream_query(const avloc_gllim_model *m,
                                                const avloc_gllim_stream_config *cfg, size_t *bytes)
{
    avloc__gl_stream_cfg sc;
    if (!m || !cfg || !bytes) return AVLOC_ERR_NULL;
    sc.m = m;
    sc.cfg = cfg;
    return avloc_layout_query(avloc__gl_stream_layout, &sc, bytes, NULL);
}

AVLOC_API avloc_result avloc_gllim_stream_init(avloc_gllim_stream *s, const avloc_gllim_model *m,
                                               const avloc_gllim_stream_config *cfg,
                                               void *mem, size_t bytes)
{
    avloc__gl_stream_cfg sc;
    avloc_result r;
    if (s) memset(s, 0, sizeof *s);
    if (!s || !m || !cfg || !mem) return AVLOC_ERR_NULL;
    if (!m->prepared) return AVLOC_ERR_STATE;
    sc.m = m;
    sc.cfg = cfg;
    r = avloc_layout_init(avloc__gl_stream_layout, s, sizeof *s, &sc, mem, bytes);
    if (r == AVLOC_OK) avloc_gllim_stream_reset(s);
    return r;
}

AVLOC_API void avloc_gllim_stream_destroy(avloc_gllim_stream *s)
{
    if (s) memset(s, 0, sizeof *s);
}

AVLOC_API void avloc_gllim_stream_reset(avloc_gllim_stream *s)
{
    if (!s || !s->ring_y) return;
    avloc_gllim_stats_reset(&s->stats);
    s->head = s->count = s->pushes = s->since_refresh = 0;
}

AVLOC_API avloc_result avloc_gllim_stream_push_f32(avloc_gllim_stream *s, const float *y,
                                                   const unsigned char *mask,
                                                   avloc_gllim_posterior *post, int *emitted)
{
    size_t D, d, W, slot;
    float *ry;
    unsigned char *rm;
    avloc_result r;
    if (!s || !y || !mask || !emitted) return AVLOC_ERR_NULL;
    if (!s->model || !s->ring_y) {
        *emitted = 0;
        return AVLOC_ERR_STATE;
    }
    D = s->stats.D;
    {   /* the flag is written before the frame is read, the posterior after it */
        const size_t K = post ? post->K_cap : 0, L = post ? post->L : 0, e = sizeof(double);
        const avloc__span b[] = {avloc__rd_f32(y, D), avloc__span_of(mask, D, 0),
                                 avloc__span_of(emitted, sizeof *emitted, 1), avloc__span_of(post, sizeof *post, 1),
                                 avloc__span_of(post ? post->nu : NULL, avloc__span_bytes(1, K, K, e), 1),
                                 avloc__span_of(post ? post->mu : NULL, avloc__span_bytes(K, L, L, e), 1),
                                 avloc__span_of(post ? post->V : NULL, avloc__span_bytes(K, L * L, L * L, e), 1),
                                 avloc__span_of(post ? post->work : NULL, avloc__span_bytes(2, D, D, e), 1),
                                 avloc__object_span(s->mem, 1), avloc__object_span(s->model->mem, 0)};
        if (AVLOC__CLASH(b)) return AVLOC_ERR_PARAM;
    }
    *emitted = 0;
    W = s->cfg.window;
    for (d = 0; d < D; d++)
        if (mask[d] && !avloc__finite_f32(y[d])) return AVLOC_ERR_NONFINITE;
    slot = (s->head + s->count) % W;
    if (s->count == W) { /* evict the oldest frame, which lives in `slot` */
        r = avloc_gllim_stats_add_f32(&s->stats, s->ring_y + slot * D, s->ring_m + slot * D, 1, -1);
        if (r != AVLOC_OK) return r;
        s->head = (s->head + 1) % W;
        s->count--;
    }
    ry = s->ring_y + slot * D;
    rm = s->ring_m + slot * D;
    for (d = 0; d < D; d++) {
        rm[d] = mask[d] ? 1 : 0;
        ry[d] = mask[d] ? y[d] : 0.0f;
    }
    s->count++;
    s->pushes++;
    if (++s->since_refresh >= s->cfg.refresh_every) {
        /* exact recomputation from the ring: removes accumulated rounding drift */
        size_t i;
        avloc_gllim_stats_reset(&s->stats);
        for (i = 0; i < s->count; i++) {
            size_t sl = (s->head + i) % W;
            avloc_gllim_stats_add_f32(&s->stats, s->ring_y + sl * D, s->ring_m + sl * D, 1, 1);
        }
        s->since_refresh = 0;
    } else {
        r = avloc_gllim_stats_add_f32(&s->stats, ry, rm, 1, 1);
        if (r != AVLOC_OK) return r;
    }
    if (s->pushes % s->cfg.emit_every == 0 && s->stats.n_active >= s->cfg.min_active &&
        s->stats.n_active > 0) {
        if (!post) return AVLOC_ERR_NULL;
        r = avloc_gllim_posterior_from_stats(s->model, &s->stats, post);
        if (r < 0) return r;
        *emitted = 1;
    }
    return AVLOC_OK;
}

#ifndef AVLOC_NO_SAFETENSORS
/* ------------------------------------------------------------ model files */

AVLOC_API const char *avloc_gllim_sigma_name(avloc_gllim_sigma s)
{
    switch (s) {
    case AVLOC_GLLIM_SIGMA_DIAG_TIED: return "d*";
    case AVLOC_GLLIM_SIGMA_DIAG: return "d";
    case AVLOC_GLLIM_SIGMA_ISO: return "i";
    case AVLOC_GLLIM_SIGMA_ISO_TIED: return "i*";
    }
    return "?";
}

static void avloc__gl_sigma_shape(avloc_gllim_sigma st, size_t K, size_t D, size_t shape[2])
{
    shape[0] = avloc__gl_sigma_tied(st) ? 1 : K;
    shape[1] = avloc__gl_sigma_iso(st) ? 1 : D;
}

/* Writes one tensor; F32 goes through scratch (tmp, cap floats). For
   sigma2 the compact rows/columns are gathered from the expanded array. */
static avloc_result avloc__gl_put(avloc_st_writer *w, const char *name, avloc_st_dtype dt, size_t ndim,
                                  const size_t *shape, const double *src, size_t src_stride_row,
                                  size_t src_stride_col, float *tmp, size_t tmp_cap, double *tmpd)
{
    size_t n = 1, i, j, rows, cols;
    for (i = 0; i < ndim; i++) n *= shape[i];
    rows = ndim == 2 ? shape[0] : 1;
    cols = ndim == 2 ? shape[1] : n;
    if (src_stride_row == 0 && src_stride_col == 0) { /* contiguous */
        if (dt == AVLOC_ST_F64) return avloc_st_add(w, name, dt, ndim, shape, w->measure ? NULL : (const void *)src);
        if (w->measure) return avloc_st_add(w, name, dt, ndim, shape, NULL);
        if (n > tmp_cap) return AVLOC_ERR_WORKSPACE;
        for (i = 0; i < n; i++) tmp[i] = (float)src[i];
        return avloc_st_add(w, name, dt, ndim, shape, tmp);
    }
    if (w->measure) return avloc_st_add(w, name, dt, ndim, shape, NULL);
    if (n > tmp_cap) return AVLOC_ERR_WORKSPACE;
    for (i = 0; i < rows; i++)
        for (j = 0; j < cols; j++) {
            double v = src[i * src_stride_row + j * src_stride_col];
            if (dt == AVLOC_ST_F64) tmpd[i * cols + j] = v;
            else tmp[i * cols + j] = (float)v;
        }
    return avloc_st_add(w, name, dt, ndim, shape, dt == AVLOC_ST_F64 ? (const void *)tmpd : (const void *)tmp);
}

static avloc_result avloc__gl_meta_u(avloc_st_writer *w, const char *key, size_t v)
{
    char b[32];
    snprintf(b, sizeof b, "%llu", (unsigned long long)v);
    return avloc_st_add_meta(w, key, b);
}

static avloc_result avloc__gl_meta_d(avloc_st_writer *w, const char *key, double v)
{
    char b[40];
    snprintf(b, sizeof b, "%.17g", v);
    return avloc_st_add_meta(w, key, b);
}

/* Window names in model files, indexed by avloc_window. */
static const char *const avloc__gl_window_names[] = {"rectangular", "hann", "hamming", "blackman", "sqrt_hann"};
#define AVLOC__GL_N_WINDOWS (sizeof avloc__gl_window_names / sizeof avloc__gl_window_names[0])

static const char *avloc__gl_window_name(avloc_window w)
{
    return (size_t)w < AVLOC__GL_N_WINDOWS ? avloc__gl_window_names[w] : "?";
}

static avloc_result avloc__gl_write(const avloc_gllim_model *m, avloc_st_dtype dt, void *buf, size_t cap,
                                    void *scratch, size_t scratch_bytes, size_t *total)
{
    avloc_st_writer w;
    size_t K = m->K, L = m->L, D = m->D, sh[3], ssh[2], tmp_cap = 0;
    float *tmp = NULL;
    double *tmpd = NULL;
    avloc_result r;
    const avloc_binaural_config *f = &m->feat;
    if (scratch && scratch_bytes > AVLOC_ALIGN) { /* aligned; counted in doubles (F64 gathers too) */
        avloc_arena a;
        avloc_arena_init(&a, scratch, scratch_bytes);
        tmp_cap = (scratch_bytes - AVLOC_ALIGN) / sizeof(double);
        tmpd = AVLOC_PUSH(&a, double, tmp_cap);
        tmp = (float *)(void *)tmpd;
        if (!tmpd) tmp_cap = 0;
    }
    avloc_st_begin(&w, buf, cap);
    avloc_st_add_meta(&w, "format", "avloc-gllim");
    avloc_st_add_meta(&w, "version", "1");
    avloc_st_add_meta(&w, "sigma_type", avloc_gllim_sigma_name(m->sigma_type));
    avloc__gl_meta_u(&w, "K", K); avloc__gl_meta_u(&w, "L", L); avloc__gl_meta_u(&w, "D", D);
    avloc__gl_meta_d(&w, "sample_rate", f->sample_rate);
    avloc__gl_meta_u(&w, "n_fft", f->n_fft); avloc__gl_meta_u(&w, "hop", f->hop);
    avloc_st_add_meta(&w, "window", avloc__gl_window_name(f->window));
    avloc__gl_meta_u(&w, "first_bin", f->first_bin); avloc__gl_meta_u(&w, "n_bins", f->n_bins);
    avloc__gl_meta_d(&w, "threshold_db", f->threshold_db);
    avloc__gl_meta_u(&w, "threshold_relative", f->threshold_relative ? 1u : 0u);
    avloc__gl_meta_u(&w, "image_width", m->image_width);
    avloc__gl_meta_u(&w, "image_height", m->image_height);
    avloc__gl_meta_d(&w, "hfov_deg", m->hfov_deg);
    avloc__gl_meta_d(&w, "obs_weight", m->obs_weight);
    sh[0] = K; sh[1] = L; sh[2] = L;
    if ((r = avloc__gl_put(&w, "pi", dt, 1, sh, m->pi, 0, 0, tmp, tmp_cap, tmpd)) == AVLOC_ERR_WORKSPACE && !w.measure) return r;
    if ((r = avloc__gl_put(&w, "c", dt, 2, sh, m->c, 0, 0, tmp, tmp_cap, tmpd)) == AVLOC_ERR_WORKSPACE && !w.measure) return r;
    if ((r = avloc__gl_put(&w, "Gamma", dt, 3, sh, m->Gamma, 0, 0, tmp, tmp_cap, tmpd)) == AVLOC_ERR_WORKSPACE && !w.measure) return r;
    sh[1] = D; sh[2] = L;
    if ((r = avloc__gl_put(&w, "A", dt, 3, sh, m->A, 0, 0, tmp, tmp_cap, tmpd)) == AVLOC_ERR_WORKSPACE && !w.measure) return r;
    if ((r = avloc__gl_put(&w, "b", dt, 2, sh, m->b, 0, 0, tmp, tmp_cap, tmpd)) == AVLOC_ERR_WORKSPACE && !w.measure) return r;
    avloc__gl_sigma_shape(m->sigma_type, K, D, ssh);
    /* row stride D (per component), column stride 1 (per dimension); a
       compact axis of length 1 just reads the first row / column */
    r = avloc__gl_put(&w, "sigma2", dt, 2, ssh, m->sigma2, D, 1, tmp, tmp_cap, tmpd);
    if (r == AVLOC_ERR_WORKSPACE && !w.measure) return r;
    return avloc_st_finish(&w, total);
}

static avloc_result avloc__gl_check_model(const avloc_gllim_model *m)
{
    if (!m->pi || !m->A) return AVLOC_ERR_STATE;
    if (m->K == 0 || m->K > m->K_cap || m->L == 0 || m->L > AVLOC_GLLIM_MAX_L || m->D == 0) return AVLOC_ERR_SIZE;
    if (!avloc__gl_sigma_ok(m->sigma_type) || (size_t)m->feat.window >= AVLOC__GL_N_WINDOWS) return AVLOC_ERR_PARAM;
    return AVLOC_OK;
}

static size_t avloc__gl_save_scratch(const avloc_gllim_model *m, avloc_st_dtype dt)
{
    /* F32: the largest tensor (A) in floats, counted as doubles; F64: the
       compact sigma2 gather */
    size_t n = m->K * m->D * m->L;
    if (dt == AVLOC_ST_F64) n = m->K * m->D;
    return n * sizeof(double) + AVLOC_ALIGN;
}

AVLOC_API avloc_result avloc_gllim_save_query(const avloc_gllim_model *m, avloc_st_dtype dtype,
                                              size_t *file_bytes, size_t *scratch_bytes)
{
    avloc_result r;
    size_t total = 0;
    if (!m || !file_bytes) return AVLOC_ERR_NULL;
    if (dtype != AVLOC_ST_F64 && dtype != AVLOC_ST_F32) return AVLOC_ERR_PARAM;
    r = avloc__gl_check_model(m);
    if (r != AVLOC_OK) return r;
    r = avloc__gl_write(m, dtype, NULL, 0, NULL, 0, &total);
    if (r != AVLOC_OK && r != AVLOC_ERR_WORKSPACE) return r;
    *file_bytes = total;
    if (scratch_bytes) *scratch_bytes = avloc__gl_save_scratch(m, dtype);
    return AVLOC_OK;
}

/* Every |x[i]| representable as a finite float. */
static int avloc__gl_fits_f32(const double *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!(fabs(x[i]) <= (double)FLT_MAX)) return 0;
    return 1;
}

AVLOC_API avloc_result avloc_gllim_save(const avloc_gllim_model *m, avloc_st_dtype dtype, void *buf,
                                        size_t cap, void *scratch, size_t scratch_bytes, size_t *written)
{
    avloc_result r;
    size_t need, total = 0;
    if (!m || !buf || !scratch) return AVLOC_ERR_NULL;
    r = avloc_gllim_save_query(m, dtype, &need, NULL);
    if (r != AVLOC_OK) return r;
    if (cap < need || scratch_bytes < avloc__gl_save_scratch(m, dtype)) return AVLOC_ERR_WORKSPACE;
    {
        const avloc__span b[] = {avloc__span_of(buf, need, 1), avloc__object_span(m->mem, 0),
                                 avloc__span_of(written, sizeof *written, 1)};
        if (avloc__clash_scratch(b, 3, scratch, avloc__gl_save_scratch(m, dtype))) return AVLOC_ERR_PARAM;
    }
    if (!avloc_all_finite_f64(m->pi, m->K) || !avloc_all_finite_f64(m->A, m->K * m->D * m->L) ||
        !avloc_all_finite_f64(m->b, m->K * m->D) || !avloc_all_finite_f64(m->sigma2, m->K * m->D) ||
        !avloc_all_finite_f64(m->c, m->K * m->L) || !avloc_all_finite_f64(m->Gamma, m->K * m->L * m->L))
        return AVLOC_ERR_NONFINITE;
    if (dtype == AVLOC_ST_F32 && /* a value past FLT_MAX would be written as Inf: a file load refuses */
        (!avloc__gl_fits_f32(m->pi, m->K) || !avloc__gl_fits_f32(m->A, m->K * m->D * m->L) ||
         !avloc__gl_fits_f32(m->b, m->K * m->D) || !avloc__gl_fits_f32(m->sigma2, m->K * m->D) ||
         !avloc__gl_fits_f32(m->c, m->K * m->L) || !avloc__gl_fits_f32(m->Gamma, m->K * m->L * m->L)))
        return AVLOC_ERR_NONFINITE;
    r = avloc__gl_write(m, dtype, buf, cap, scratch, scratch_bytes, &total);
    if (r != AVLOC_OK) return r;
    if (written) *written = total;
    return AVLOC_OK;
}

/* Parses a metadata value as an unsigned integer (<= cap) or a double. */
static avloc_result avloc__gl_meta_get_u(const avloc_st_reader *rd, const char *key, size_t cap, size_t *out)
{
    char b[48], *end;
    unsigned long long v;
    avloc_result r = avloc_st_meta(rd, key, b, sizeof b);
    if (r == AVLOC_ERR_WORKSPACE) return AVLOC_ERR_FORMAT;
    if (r != AVLOC_OK) return r;
    if (b[0] < '0' || b[0] > '9') return AVLOC_ERR_FORMAT;
    v = strtoull(b, &end, 10);
    if (*end != '\0' || v > (unsigned long long)cap) return AVLOC_ERR_FORMAT;
    *out = (size_t)v;
    return AVLOC_OK;
}

static avloc_result avloc__gl_meta_get_d(const avloc_st_reader *rd, const char *key, double *out)
{
    char b[48], *end;
    double v;
    avloc_result r = avloc_st_meta(rd, key, b, sizeof b);
    if (r == AVLOC_ERR_WORKSPACE) return AVLOC_ERR_FORMAT;
    if (r != AVLOC_OK) return r;
    v = strtod(b, &end);
    if (end == b || *end != '\0' || !avloc__finite_f64(v)) return AVLOC_ERR_FORMAT;
    *out = v;
    return AVLOC_OK;
}

static avloc_result avloc__gl_file_header(const void *data, size_t size, avloc_st_reader *rd, size_t *K,
                                          size_t *L, size_t *D, avloc_gllim_sigma *st)
{
    char b[32];
    avloc_result r;
    if (!data) return AVLOC_ERR_NULL;
    r = avloc_st_open(rd, data, size);
    if (r != AVLOC_OK) return r;
    r = avloc_st_meta(rd, "format", b, sizeof b);
    if (r != AVLOC_OK || strcmp(b, "avloc-gllim") != 0) return AVLOC_ERR_FORMAT;
    r = avloc_st_meta(rd, "version", b, sizeof b);
    if (r != AVLOC_OK || strcmp(b, "1") != 0) return r == AVLOC_OK ? AVLOC_ERR_UNSUPPORTED : AVLOC_ERR_FORMAT;
    r = avloc_st_meta(rd, "sigma_type", b, sizeof b);
    if (r != AVLOC_OK) return AVLOC_ERR_FORMAT;
    if (strcmp(b, "d*") == 0) *st = AVLOC_GLLIM_SIGMA_DIAG_TIED;
    else if (strcmp(b, "d") == 0) *st = AVLOC_GLLIM_SIGMA_DIAG;
    else if (strcmp(b, "i") == 0) *st = AVLOC_GLLIM_SIGMA_ISO;
    else if (strcmp(b, "i*") == 0) *st = AVLOC_GLLIM_SIGMA_ISO_TIED;
    else return AVLOC_ERR_FORMAT;
    if ((r = avloc__gl_meta_get_u(rd, "K", AVLOC_MAX_DIM, K)) != AVLOC_OK) return r;
    if ((r = avloc__gl_meta_get_u(rd, "L", AVLOC_GLLIM_MAX_L, L)) != AVLOC_OK) return r;
    if ((r = avloc__gl_meta_get_u(rd, "D", AVLOC_MAX_DIM, D)) != AVLOC_OK) return r;
    if (*K == 0 || *L == 0 || *D == 0) return AVLOC_ERR_FORMAT;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_gllim_load_query(const void *data, size_t size, size_t *K, size_t *L,
                                              size_t *D, size_t *model_bytes)
{
    avloc_st_reader rd;
    size_t k, l, d;
    avloc_gllim_sigma st;
    avloc_result r = avloc__gl_file_header(data, size, &rd, &k, &l, &d, &st);
    if (r != AVLOC_OK) return r;
    if (K) *K = k;
    if (L) *L = l;
    if (D) *D = d;
    if (model_bytes) return avloc_gllim_model_query(k, l, d, model_bytes);
    return AVLOC_OK;
}

/* Reads a tensor of the exact expected shape into out (doubles). */
static avloc_result avloc__gl_get(const avloc_st_reader *rd, const char *name, size_t ndim, const size_t *shape,
                                  double *out)
{
    avloc_st_tensor t;
    size_t i;
    avloc_result r = avloc_st_find(rd, name, &t);
    if (r != AVLOC_OK) return r;
    if (t.ndim != ndim) return AVLOC_ERR_FORMAT;
    for (i = 0; i < ndim; i++)
        if (t.shape[i] != shape[i]) return AVLOC_ERR_FORMAT;
    r = avloc_st_tensor_f64(&t, out, t.count);
    return r == AVLOC_ERR_PARAM ? AVLOC_ERR_FORMAT : r;
}

/* Optional items: absent ones keep the defaults model_init set, present ones must parse. */
static avloc_result avloc__gl_opt(avloc_result r)
{
    return r == AVLOC_ERR_NOT_FOUND ? AVLOC_OK : r;
}

static avloc_result avloc__gl_meta_float(const avloc_st_reader *rd, const char *key, float *out)
{
    double v = *out;
    avloc_result r = avloc__gl_meta_get_d(rd, key, &v);
    if (r == AVLOC_OK && !(v >= -FLT_MAX && v <= FLT_MAX)) return AVLOC_ERR_FORMAT;
    *out = (float)v;
    return avloc__gl_opt(r);
}

static avloc_result avloc__gl_meta_window(const avloc_st_reader *rd, avloc_window *w)
{
    char b[32];
    size_t i;
    avloc_result r = avloc_st_meta(rd, "window", b, sizeof b);
    if (r == AVLOC_ERR_NOT_FOUND) return AVLOC_OK; /* files before the window was stored: Hann */
    if (r != AVLOC_OK) return AVLOC_ERR_FORMAT;
    for (i = 0; i < AVLOC__GL_N_WINDOWS; i++)
        if (strcmp(b, avloc__gl_window_names[i]) == 0) { *w = (avloc_window)i; return AVLOC_OK; }
    return AVLOC_ERR_FORMAT;
}

/* The feature configuration, camera and tempering weight from the metadata. */
static avloc_result avloc__gl_meta_feat(const avloc_st_reader *rd, avloc_gllim_model *m)
{
    avloc_binaural_config *f = &m->feat;
    size_t rel = f->threshold_relative ? 1u : 0u;
    avloc_result r;
    if ((r = avloc__gl_meta_float(rd, "sample_rate", &f->sample_rate)) != AVLOC_OK) return r;
    if ((r = avloc__gl_opt(avloc__gl_meta_get_u(rd, "n_fft", AVLOC_MAX_DIM, &f->n_fft))) != AVLOC_OK) return r;
    if ((r = avloc__gl_opt(avloc__gl_meta_get_u(rd, "hop", AVLOC_MAX_DIM, &f->hop))) != AVLOC_OK) return r;
    if ((r = avloc__gl_meta_window(rd, &f->window)) != AVLOC_OK) return r;
    if ((r = avloc__gl_opt(avloc__gl_meta_get_u(rd, "first_bin", AVLOC_MAX_DIM, &f->first_bin))) != AVLOC_OK) return r;
    if ((r = avloc__gl_opt(avloc__gl_meta_get_u(rd, "n_bins", AVLOC_MAX_DIM, &f->n_bins))) != AVLOC_OK) return r;
    if ((r = avloc__gl_meta_float(rd, "threshold_db", &f->threshold_db)) != AVLOC_OK) return r;
    if ((r = avloc__gl_opt(avloc__gl_meta_get_u(rd, "threshold_relative", 1, &rel))) != AVLOC_OK) return r;
    f->threshold_relative = (int)rel;
    if ((r = avloc__gl_opt(avloc__gl_meta_get_u(rd, "image_width", AVLOC_MAX_DIM, &m->image_width))) != AVLOC_OK) return r;
    if ((r = avloc__gl_opt(avloc__gl_meta_get_u(rd, "image_height", AVLOC_MAX_DIM, &m->image_height))) != AVLOC_OK)
        return r;
    if ((r = avloc__gl_opt(avloc__gl_meta_get_d(rd, "hfov_deg", &m->hfov_deg))) != AVLOC_OK) return r;
    if ((r = avloc__gl_opt(avloc__gl_meta_get_d(rd, "obs_weight", &m->obs_weight))) != AVLOC_OK) return r;
#ifndef AVLOC_NO_BINAURAL
    { /* a stored configuration the feature functions would refuse (hop 0, bins past
         n_fft / 2 + 1, an unknown window) is a bad file, not a later AVLOC_ERR_SIZE. n_bins
         against D is checked where features meet the model: a GLLiM model of other
         data (any D) saves the default feature configuration too. */
        size_t nf;
        if (avloc_binaural_frames(f, f->n_fft, &nf) != AVLOC_OK) return AVLOC_ERR_FORMAT;
    }
#endif
    return AVLOC_OK;
}

static avloc_result avloc__gl_load(avloc_gllim_model *m, const void *data, size_t size, void *mem, size_t bytes)
{
    avloc_st_reader rd;
    size_t K, L, D, sh[3], ssh[2], k, d;
    avloc_gllim_sigma st;
    avloc_result r;
    r = avloc__gl_file_header(data, size, &rd, &K, &L, &D, &st);
    if (r != AVLOC_OK) return r;
    r = avloc_gllim_model_init(m, K, L, D, mem, bytes);
    if (r != AVLOC_OK) return r;
    m->sigma_type = st;
    sh[0] = K; sh[1] = L; sh[2] = L;
    if ((r = avloc__gl_get(&rd, "pi", 1, sh, m->pi)) != AVLOC_OK) return r;
    if ((r = avloc__gl_get(&rd, "c", 2, sh, m->c)) != AVLOC_OK) return r;
    if ((r = avloc__gl_get(&rd, "Gamma", 3, sh, m->Gamma)) != AVLOC_OK) return r;
    sh[1] = D; sh[2] = L;
    if ((r = avloc__gl_get(&rd, "A", 3, sh, m->A)) != AVLOC_OK) return r;
    if ((r = avloc__gl_get(&rd, "b", 2, sh, m->b)) != AVLOC_OK) return r;
    avloc__gl_sigma_shape(st, K, D, ssh);
    /* the compact array fits at the start of sigma2; expand backwards */
    if ((r = avloc__gl_get(&rd, "sigma2", 2, ssh, m->sigma2)) != AVLOC_OK) return r;
    for (k = K; k-- > 0;)
        for (d = D; d-- > 0;) {
            size_t i = (ssh[0] == 1 ? 0 : k) * ssh[1] + (ssh[1] == 1 ? 0 : d);
            m->sigma2[k * D + d] = m->sigma2[i];
        }
    r = avloc__gl_meta_feat(&rd, m);
    if (r != AVLOC_OK) return r;
    return avloc_gllim_model_prepare(m);
}

/* A load is an init: on any failure the model is left zeroed. */
AVLOC_API avloc_result avloc_gllim_load(avloc_gllim_model *m, const void *data, size_t size,
                                        void *mem, size_t bytes)
{
    avloc_result r;
    if (m) memset(m, 0, sizeof *m);
    if (!m || !data || !mem) return AVLOC_ERR_NULL;
    r = avloc__gl_load(m, data, size, mem, bytes);
    if (r != AVLOC_OK) memset(m, 0, sizeof *m);
    return r;
}

#endif /* !AVLOC_NO_SAFETENSORS */

#ifndef AVLOC_NO_GCC_PHAT
/* ------------------------------------------------------ GCC-PHAT baseline */

AVLOC_API avloc_phat_model avloc_phat_model_default(void)
{
    avloc_phat_model m;
    memset(&m, 0, sizeof m);
    m.gcc = avloc_gcc_config_default();
    m.sample_rate = 16000.0f;
    return m;
}

AVLOC_API avloc_result avloc_phat_fit_f64(avloc_phat_model *m, const double *delays, const double *u, size_t n)
{
    double mx = 0.0, my = 0.0, sxx = 0.0, sxy = 0.0, se = 0.0, slope, icpt;
    size_t i;
    if (!m || !delays || !u) return AVLOC_ERR_NULL;
    if (n < 2) return AVLOC_ERR_SIZE;
    if (!avloc_all_finite_f64(delays, n) || !avloc_all_finite_f64(u, n)) return AVLOC_ERR_NONFINITE;
    /* centred sums: no cancellation for delays far from 0 */
    for (i = 0; i < n; i++) { mx += delays[i]; my += u[i]; }
    mx /= (double)n;
    my /= (double)n;
    for (i = 0; i < n; i++) {
        double dx = delays[i] - mx;
        sxx += dx * dx;
        sxy += dx * (u[i] - my);
    }
    if (!(sxx > 0.0)) return AVLOC_ERR_NUMERIC; /* every delay equal */
    slope = sxy / sxx;
    icpt = my - slope * mx;
    for (i = 0; i < n; i++) {
        double e = slope * delays[i] + icpt - u[i];
        se += e * e;
    }
    m->slope = slope;
    m->intercept = icpt;
    m->rmse = sqrt(se / (double)n);
    m->n_train = n;
    return AVLOC_OK;
}

AVLOC_API double avloc_phat_pixel(const avloc_phat_model *m, double delay)
{
    if (!m) return avloc__qnan_f64();
    return m->slope * delay + m->intercept;
}

#ifndef AVLOC_NO_SAFETENSORS
static avloc_result avloc__phat_write(const avloc_phat_model *m, void *buf, size_t cap, size_t *total)
{
    avloc_st_writer w;
    const avloc_gcc_config *g = &m->gcc;
    size_t two = 2;
    double line[2];
    line[0] = m->slope;
    line[1] = m->intercept;
    avloc_st_begin(&w, buf, cap);
    avloc_st_add_meta(&w, "format", "avloc-phat");
    avloc_st_add_meta(&w, "version", "1");
    avloc__gl_meta_d(&w, "sample_rate", m->sample_rate);
    avloc__gl_meta_u(&w, "frame_length", g->frame_length);
    avloc__gl_meta_u(&w, "n_fft", g->n_fft);
    avloc__gl_meta_u(&w, "hop", g->hop);
    avloc_st_add_meta(&w, "window", avloc__gl_window_name(g->window));
    avloc__gl_meta_u(&w, "max_lag", g->max_lag);
    avloc__gl_meta_u(&w, "upsample", g->upsample);
    avloc__gl_meta_u(&w, "interp", (size_t)g->interp);
    avloc__gl_meta_d(&w, "phat_floor", g->phat_floor);
    avloc__gl_meta_d(&w, "rmse_px", m->rmse);
    avloc__gl_meta_u(&w, "n_train", m->n_train);
    avloc__gl_meta_u(&w, "image_width", m->image_width);
    avloc__gl_meta_u(&w, "image_height", m->image_height);
    avloc__gl_meta_d(&w, "hfov_deg", m->hfov_deg);
    avloc_st_add(&w, "line", AVLOC_ST_F64, 1, &two, w.measure ? NULL : line);
    return avloc_st_finish(&w, total);
}

/* What a file can hold: a valid GCC configuration and finite numbers. */
static avloc_result avloc__phat_check(const avloc_phat_model *m)
{
    size_t ob, sb;
    avloc_result r = avloc_gcc_query_f32(&m->gcc, &ob, &sb);
    if (r != AVLOC_OK) return r;
    /* finiteness on the bit patterns: x - x == 0 is folded away by -ffast-math */
    if (!(m->sample_rate > 0.0f && avloc__finite_f32(m->sample_rate)) || !avloc__finite_f64(m->slope) ||
        !avloc__finite_f64(m->intercept) || !(m->rmse >= 0.0 && avloc__finite_f64(m->rmse)) ||
        !(m->hfov_deg >= 0.0 && m->hfov_deg < 180.0))
        return AVLOC_ERR_PARAM;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_phat_save_query(const avloc_phat_model *m, size_t *file_bytes)
{
    avloc_result r;
    size_t total = 0;
    if (!m || !file_bytes) return AVLOC_ERR_NULL;
    if ((r = avloc__phat_check(m)) != AVLOC_OK) return r;
    r = avloc__phat_write(m, NULL, 0, &total);
    if (r != AVLOC_OK && r != AVLOC_ERR_WORKSPACE) return r;
    *file_bytes = total;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_phat_save(const avloc_phat_model *m, void *buf, size_t cap, size_t *written)
{
    avloc_result r;
    size_t need, total = 0;
    if (!m || !buf) return AVLOC_ERR_NULL;
    if ((r = avloc_phat_save_query(m, &need)) != AVLOC_OK) return r;
    if (cap < need) return AVLOC_ERR_WORKSPACE;
    if ((r = avloc__phat_write(m, buf, cap, &total)) != AVLOC_OK) return r;
    if (written) *written = total;
    return AVLOC_OK;
}

/* Required GCC settings of a PHAT file: missing or malformed -> FORMAT. */
static avloc_result avloc__phat_meta_gcc(const avloc_st_reader *rd, avloc_phat_model *p)
{
    avloc_gcc_config *g = &p->gcc;
    size_t interp = 0;
    avloc_result r;
    if ((r = avloc__gl_meta_get_u(rd, "frame_length", AVLOC_MAX_DIM, &g->frame_length)) != AVLOC_OK ||
        (r = avloc__gl_meta_get_u(rd, "n_fft", AVLOC_MAX_DIM, &g->n_fft)) != AVLOC_OK ||
        (r = avloc__gl_meta_get_u(rd, "hop", AVLOC_MAX_DIM, &g->hop)) != AVLOC_OK ||
        (r = avloc__gl_meta_get_u(rd, "max_lag", AVLOC_MAX_DIM, &g->max_lag)) != AVLOC_OK ||
        (r = avloc__gl_meta_get_u(rd, "upsample", AVLOC_MAX_DIM, &g->upsample)) != AVLOC_OK ||
        (r = avloc__gl_meta_get_u(rd, "interp", 1, &interp)) != AVLOC_OK ||
        (r = avloc__gl_meta_float(rd, "phat_floor", &g->phat_floor)) != AVLOC_OK ||
        (r = avloc__gl_meta_float(rd, "sample_rate", &p->sample_rate)) != AVLOC_OK ||
        (r = avloc__gl_meta_window(rd, &g->window)) != AVLOC_OK)
        return r == AVLOC_ERR_NOT_FOUND ? AVLOC_ERR_FORMAT : r;
    g->interp = (avloc_gcc_interp)interp;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_phat_load(avloc_phat_model *m, const void *data, size_t size)
{
    avloc_st_reader rd;
    avloc_phat_model p = avloc_phat_model_default();
    size_t two = 2;
    double line[2];
    char b[32];
    avloc_result r;
    if (m) memset(m, 0, sizeof *m); /* the state of a failed load */
    if (!m || !data) return AVLOC_ERR_NULL;
    if ((r = avloc_st_open(&rd, data, size)) != AVLOC_OK) return r;
    if (avloc_st_meta(&rd, "format", b, sizeof b) != AVLOC_OK || strcmp(b, "avloc-phat") != 0) return AVLOC_ERR_FORMAT;
    if (avloc_st_meta(&rd, "version", b, sizeof b) != AVLOC_OK) return AVLOC_ERR_FORMAT;
    if (strcmp(b, "1") != 0) return AVLOC_ERR_UNSUPPORTED;
    if ((r = avloc__phat_meta_gcc(&rd, &p)) != AVLOC_OK) return r;
    if ((r = avloc__gl_opt(avloc__gl_meta_get_d(&rd, "rmse_px", &p.rmse))) != AVLOC_OK ||
        (r = avloc__gl_opt(avloc__gl_meta_get_u(&rd, "n_train", AVLOC_MAX_DIM, &p.n_train))) != AVLOC_OK ||
        (r = avloc__gl_opt(avloc__gl_meta_get_u(&rd, "image_width", AVLOC_MAX_DIM, &p.image_width))) != AVLOC_OK ||
        (r = avloc__gl_opt(avloc__gl_meta_get_u(&rd, "image_height", AVLOC_MAX_DIM, &p.image_height))) != AVLOC_OK ||
        (r = avloc__gl_opt(avloc__gl_meta_get_d(&rd, "hfov_deg", &p.hfov_deg))) != AVLOC_OK)
        return r;
    if ((r = avloc__gl_get(&rd, "line", 1, &two, line)) != AVLOC_OK) return r == AVLOC_ERR_NOT_FOUND ? AVLOC_ERR_FORMAT : r;
    p.slope = line[0];
    p.intercept = line[1];
    if (avloc__phat_check(&p) != AVLOC_OK) return AVLOC_ERR_FORMAT;
    *m = p;
    return AVLOC_OK;
}

#endif /* !AVLOC_NO_SAFETENSORS */
#endif /* !AVLOC_NO_GCC_PHAT */

#ifndef AVLOC_NO_BINAURAL
/* ------------------------------------------------------------ feature glue */

/* scratch: [features n_frames x D floats | mask n_frames x D | stats | binaural scratch] */
static avloc_result avloc__gl_clip_layout(avloc_arena *a, const avloc_binaural_config *f, size_t n_samples,
                                          size_t *n_frames, float **feat, unsigned char **mask,
                                          avloc_gllim_stats *st, void **bs, size_t *bs_bytes)
{
    size_t D, nf, FD, bsz;
    avloc_result r;
    if (!avloc_size_mul(3, f->n_bins, &D)) return AVLOC_ERR_OVERFLOW;
    r = avloc_binaural_frames(f, n_samples, &nf);
    if (r != AVLOC_OK) return r;
    r = avloc_binaural_scratch_f32(f, n_samples, &bsz);
    if (r != AVLOC_OK) return r;
    if (!avloc_size_mul(nf, D, &FD)) return AVLOC_ERR_OVERFLOW;
    *feat = AVLOC_PUSH(a, float, FD);
    *mask = AVLOC_PUSH(a, unsigned char, FD);
    r = avloc__gl_stats_layout(a, st, D);
    if (r != AVLOC_OK) return r;
    *bs = avloc_arena_push(a, bsz, 1, AVLOC_ALIGN);
    *bs_bytes = bsz;
    *n_frames = nf;
    return avloc_arena_status(a);
}

AVLOC_API avloc_result avloc_gllim_clip_scratch(const avloc_binaural_config *f, size_t n_samples,
                                                size_t *n_frames, size_t *scratch_bytes)
{
    avloc_arena a;
    float *fe;
    unsigned char *mk;
    void *bs;
    size_t nf, bsz;
    avloc_result r;
    if (!f || !scratch_bytes) return AVLOC_ERR_NULL;
    avloc_arena_init(&a, NULL, 0);
    r = avloc__gl_clip_layout(&a, f, n_samples, &nf, &fe, &mk, NULL, &bs, &bsz);
    if (r != AVLOC_OK) return r;
    if (n_frames) *n_frames = nf;
    *scratch_bytes = avloc_arena_needed(&a);
    return AVLOC_OK;
}

static avloc_result avloc__gl_clip_features(const avloc_binaural_config *f, const float *left, const float *right,
                                            size_t n_samples, const float *y, const unsigned char *dim_mask,
                                            avloc_extent model, void *scratch, size_t scratch_bytes, float **feat,
                                            unsigned char **mask, size_t *nf, avloc_gllim_stats *st)
{
    avloc_arena a;
    void *bs;
    size_t bsz, need, n_active;
    avloc_result r;
    if (!left || !right || !scratch) return AVLOC_ERR_NULL;
    r = avloc_gllim_clip_scratch(f, n_samples, NULL, &need);
    if (r != AVLOC_OK) return r;
    if (scratch_bytes < need) return AVLOC_ERR_WORKSPACE;
    {   /* the features fill scratch while the signals are read; then y, dim_mask (D each); the
           model (localize_clip's) is read afterwards */
        const size_t D = 3 * f->n_bins;
        const avloc__span b[] = {avloc__rd_f32(left, n_samples), avloc__rd_f32(right, n_samples), avloc__wr_f32(y, D),
                                 avloc__span_of(dim_mask, D, 1), avloc__object_span(model, 0)};
        if (avloc__clash_scratch(b, 5, scratch, need)) return AVLOC_ERR_PARAM;
    }
    avloc_arena_init(&a, scratch, scratch_bytes);
    r = avloc__gl_clip_layout(&a, f, n_samples, nf, feat, mask, st, &bs, &bsz);
    if (r != AVLOC_OK) return r;
    return avloc_binaural_features_f32(f, left, right, n_samples, *feat, *mask, *nf, &n_active, bs, bsz);
}

AVLOC_API avloc_result avloc_gllim_clip_vector_f32(const avloc_binaural_config *f, const float *left,
                                                   const float *right, size_t n_samples, float *y,
                                                   unsigned char *dim_mask, void *scratch,
                                                   size_t scratch_bytes)
{
    float *feat;
    unsigned char *mask;
    size_t nf;
    avloc_result r;
    if (!f || !y || !dim_mask) return AVLOC_ERR_NULL;
    r = avloc__gl_clip_features(f, left, right, n_samples, y, dim_mask, avloc__no_extent(), scratch, scratch_bytes,
                                &feat, &mask, &nf, NULL);
    if (r != AVLOC_OK) return r;
    return avloc_binaural_mean_f32(feat, mask, nf, 3 * f->n_bins, y, dim_mask);
}

AVLOC_API avloc_result avloc_gllim_localize_clip_f32(const avloc_gllim_model *m, const float *left,
                                                     const float *right, size_t n_samples,
                                                     avloc_gllim_posterior *post, void *scratch,
                                                     size_t scratch_bytes)
{
    float *feat;
    unsigned char *mask;
    size_t nf;
    avloc_gllim_stats st;
    avloc_result r;
    if (!m || !post) return AVLOC_ERR_NULL;
    if (!m->prepared) return AVLOC_ERR_STATE;
    if (3 * m->feat.n_bins != m->D) return AVLOC_ERR_PARAM; /* model and feature config disagree */
    r = avloc__gl_clip_features(&m->feat, left, right, n_samples, NULL, NULL, m->mem, scratch, scratch_bytes, &feat,
                                &mask, &nf, &st);
    if (r != AVLOC_OK) return r;
    avloc_gllim_stats_reset(&st);
    r = avloc_gllim_stats_add_f32(&st, feat, mask, nf, 1);
    if (r != AVLOC_OK) return r;
    return avloc_gllim_posterior_from_stats(m, &st, post);
}


#endif /* !AVLOC_NO_BINAURAL */

#endif /* AVLOC_GLLIM_IMPLEMENTATION */
#endif /* !AVLOC__VPASS */

/* ================================================================== */
/*   statistics and posterior kernels: a template, compiled per set    */
/* ================================================================== */
/* Compiled by the pass before avloc__gl_stats_check, once per SIMD set with
   double vectors (avloc.h). Each does the vector part of its loop and
   returns how far it got. */
#if defined(AVLOC__VSET) && AVLOC__VPASS == AVLOC__VPASS_GLLIM

/* avloc__gl_stats_check's vector part: entries i < returned value, *cnt the
   active ones; (size_t)-1 when an active value is Inf/NaN (exponent bits
   all ones). Branch-free: lane counts in float (exact below 2^24, hence the
   blocks) and bad lanes OR-ed, tested once per block. */
static size_t AVLOC__VN(avloc__gl_vk_check)(const float *Y, const unsigned char *mask, size_t tot, size_t *cnt)
{
    const avloc__vi ex = avloc__vi_set1(0x7f800000);
    const avloc__vf one = avloc__vf_set1(1.0f);
    const size_t block = (size_t)AVLOC__VF_W << 20;
    size_t i = 0, c = 0;
    while (i + AVLOC__VF_W <= tot) {
        const size_t end = tot - i > block ? i + block : tot;
        avloc__vf bad = avloc__vf_zero(), n = avloc__vf_zero();
        for (; i + AVLOC__VF_W <= end; i += AVLOC__VF_W) {
            const avloc__vf on = avloc__vf_mask_u8(mask + i);
            const avloc__vi e = avloc__vi_and(avloc__vf_asvi(avloc__vf_ld(Y + i)), ex);
            bad = avloc__vf_or(bad, avloc__vf_and(avloc__vi_asvf(avloc__vi_cmpeq(e, ex)), on));
            n = avloc__vf_add(n, avloc__vf_and(on, one));
        }
        if (avloc__vf_movemask(bad)) return (size_t)-1;
        c += (size_t)avloc__vf_hsum(n);
    }
    *cnt = c;
    return i;
}

/* S += sgn * (chi, chi y, chi y^2) over T frames, dims d < returned value.
   The loops run along each frame's row (contiguous loads; a dims-outer,
   frames-inner order was 3x slower, latency-bound on the strided loads) and
   skip groups without an active point; inactive entries are masked to 0
   (never multiplied), so a NaN there is ignored. Same additions in the same
   order as the scalar loop; y*y is exact in double, so a fused S2 update
   rounds like the scalar add. The S arrays (3 D doubles) stay in L1/L2. */
static size_t AVLOC__VN(avloc__gl_vk_stats)(avloc_gllim_stats *s, const float *Y, const unsigned char *mask, size_t T,
                                            double sgn)
{
    const size_t D = s->D, DW = D - D % AVLOC__VF_W;
    double *S0 = s->S0, *S1 = s->S1, *S2 = s->S2;
    const avloc__vf sg = avloc__vf_set1((float)sgn);
    size_t t, d;
    for (t = 0; t < T; t++) {
        const float *yt = Y + t * D;
        const unsigned char *mt = mask + t * D;
        for (d = 0; d < DW; d += AVLOC__VF_W) {
            avloc__vf on, y, ys;
            avloc__vd ylo, yhi, slo, shi;
            double *s0 = S0 + d, *s1 = S1 + d, *s2 = S2 + d;
            if (!avloc__any_u8(mt + d, AVLOC__VF_W)) continue; /* no active point: adds exactly 0 */
            on = avloc__vf_mask_u8(mt + d);
            y = avloc__vf_and(on, avloc__vf_ld(yt + d));
            ys = avloc__vf_mul(sg, y);
            on = avloc__vf_and(on, sg);
            ylo = avloc__vd_cvtlo(y);
            yhi = avloc__vd_cvthi(y);
            slo = avloc__vd_cvtlo(ys);
            shi = avloc__vd_cvthi(ys);
            avloc__vd_st(s0, avloc__vd_add(avloc__vd_ld(s0), avloc__vd_cvtlo(on)));
            avloc__vd_st(s0 + AVLOC__VD_W, avloc__vd_add(avloc__vd_ld(s0 + AVLOC__VD_W), avloc__vd_cvthi(on)));
            avloc__vd_st(s1, avloc__vd_add(avloc__vd_ld(s1), slo));
            avloc__vd_st(s1 + AVLOC__VD_W, avloc__vd_add(avloc__vd_ld(s1 + AVLOC__VD_W), shi));
            avloc__vd_st(s2, avloc__vd_fmadd(slo, ylo, avloc__vd_ld(s2)));
            avloc__vd_st(s2 + AVLOC__VD_W, avloc__vd_fmadd(shi, yhi, avloc__vd_ld(s2 + AVLOC__VD_W)));
        }
    }
    return DW;
}

/* The posterior's L = 2 component pass: P (lower triangle), h and
   q (= sum w (ybar - c*)^2) are added to; returns the dims done. */
static size_t AVLOC__VN(avloc__gl_vk_post2)(const double *a0p, const double *a1p, const double *cs, const double *w,
                                            const double *yb, size_t D, double *P, double *h, double *q)
{
    avloc__vd p00 = avloc__vd_zero(), p10 = p00, p11 = p00, h0 = p00, h1 = p00, vq = p00;
    size_t d;
    for (d = 0; d + AVLOC__VD_W <= D; d += AVLOC__VD_W) {
        const avloc__vd a0 = avloc__vd_ld(a0p + d), a1 = avloc__vd_ld(a1p + d), wv = avloc__vd_ld(w + d);
        const avloc__vd u = avloc__vd_sub(avloc__vd_ld(yb + d), avloc__vd_ld(cs + d));
        const avloc__vd wu = avloc__vd_mul(wv, u), wa0 = avloc__vd_mul(wv, a0), wa1 = avloc__vd_mul(wv, a1);
        vq = avloc__vd_fmadd(wu, u, vq);
        h0 = avloc__vd_fmadd(a0, wu, h0);
        h1 = avloc__vd_fmadd(a1, wu, h1);
        p00 = avloc__vd_fmadd(wa0, a0, p00);
        p10 = avloc__vd_fmadd(wa0, a1, p10);
        p11 = avloc__vd_fmadd(wa1, a1, p11);
    }
    P[0] += avloc__vd_hsum(p00);
    P[2] += avloc__vd_hsum(p10);
    P[3] += avloc__vd_hsum(p11);
    h[0] += avloc__vd_hsum(h0);
    h[1] += avloc__vd_hsum(h1);
    *q += avloc__vd_hsum(vq);
    return d;
}
#endif /* statistics and posterior kernel pass */
