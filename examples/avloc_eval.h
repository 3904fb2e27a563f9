/* avloc_eval.h - evaluation metrics for audio-visual localisation and
   separation (issue 9, the RPCA module's benchmark): pixel-mask
   precision/recall/F1, the localisation criterion Lc, and BSS-eval v3
   SDR/SIR/SAR of one estimated source (as mir_eval.separation's
   bss_eval_sources) with NSDR = SDR(estimate) - SDR(mixture).

   stb-style: in exactly ONE file
       #define AVLOC_EVAL_IMPLEMENTATION
       #include "avloc_eval.h"
   (the core avloc.h must have its implementation somewhere in the program:
   define AVLOC_IMPLEMENTATION in the same file, or elsewhere). Define
   AVLOC_EVAL_STATIC first to make every function static.

   Like the library: no allocation (the BSS workspace is the caller's, sized
   by avloc_eval_bss_query), no globals, errors as avloc_result codes.

   MASKS AND MAPS
   --------------
   A mask is one byte per pixel, nonzero = "sounding" (PGM masks hold 0 and
   255). avloc_eval_mask: tp/fp/fn counts, precision = tp/(tp+fp),
   recall = tp/(tp+fn), F1 = 2pr/(p+r); a ratio whose denominator is 0 is 0
   (sklearn's zero_division=0: an empty estimate scores 0, not NaN).
   avloc_eval_lc: Lc = sum over truth pixels of map^2 / sum of map^2 (the
   energy e(x) = |W(x)|^2 of the paper's criterion, as the fraction inside
   the true region; the paper's extra area factor (R1+R2)/Rc is left out
   because it depends on hand-labelled regions). An all-zero map gives 0.

   BSS-EVAL (v3, mir_eval 0.7 `bss_eval_sources`, no permutation)
   --------------------------------------------------------------
   With references s_1..s_R (row `target` is the wanted source) and the
   estimate e, both n samples, and flen-tap filters (mir_eval: 512):
     P_t e = least-squares projection of e on {s_target delayed 0..flen-1},
     P   e = projection on {s_r delayed 0..flen-1, every r},
   over n + flen - 1 samples (e zero-padded);
     SDR = 10 log10(|P_t e|^2 / |e - P_t e|^2)
     SIR = 10 log10(|P_t e|^2 / |P e - P_t e|^2)
     SAR = 10 log10(|P e|^2 / |e - P e|^2)
   (a zero denominator gives +infinity, as mir_eval). The Gram matrices of
   the delayed references are filled from direct (not FFT) correlations and
   solved by Cholesky in double precision. mir_eval solves by LU and falls
   back to lstsq when the Gram matrix is singular; here a Gram matrix that is
   not positive definite (a reference that is a filtered copy of another, or
   silent after flen taps) is AVLOC_ERR_NUMERIC. Silent references or a
   silent estimate are AVLOC_ERR_PARAM (mir_eval raises ValueError), NaN or
   infinity AVLOC_ERR_NONFINITE. Cost: about (R(R+1)/2 * 2 + R) * flen * n
   multiply-adds for the correlations, (R flen)^3 / 3 for the solve, and
   (R + 1) * flen * n for the energies: about 1 s for 12 s of 16 kHz audio
   against two references on one core.

   NSDR (the paper's "normalised SDR") = SDR(estimate) - SDR(mixture), both
   against the same references.
*/
#ifndef AVLOC_EVAL_H
#define AVLOC_EVAL_H

#include "../avloc.h"

#ifndef AVLOC_EVAL_API
#ifdef AVLOC_EVAL_STATIC
#if defined(__GNUC__) || defined(__clang__)
#define AVLOC_EVAL_API static __attribute__((unused))
#else
#define AVLOC_EVAL_API static
#endif
#else
#define AVLOC_EVAL_API extern
#endif
#endif

#define AVLOC_EVAL_FLEN 512 /* mir_eval's distortion filter length */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct avloc_eval_mask_scores {
    size_t tp, fp, fn;
    double precision, recall, f1;
} avloc_eval_mask_scores;

typedef struct avloc_eval_bss {
    double sdr, sir, sar; /* dB */
} avloc_eval_bss;

/* est, truth: n bytes each, nonzero = on. */
AVLOC_EVAL_API avloc_result avloc_eval_mask(const unsigned char *est, const unsigned char *truth, size_t n,
                                            avloc_eval_mask_scores *out);
/* map: n floats (any sign); truth as above. */
AVLOC_EVAL_API avloc_result avloc_eval_lc(const float *map, const unsigned char *truth, size_t n, double *lc);

/* Workspace bytes for nref references and flen taps. */
AVLOC_EVAL_API avloc_result avloc_eval_bss_query(size_t nref, size_t flen, size_t *bytes);
/* est: n samples; refs: nref x n (row r = reference r); target < nref. */
AVLOC_EVAL_API avloc_result avloc_eval_bss_f32(const float *est, const float *refs, size_t nref, size_t n,
                                               size_t target, size_t flen, avloc_eval_bss *out, void *work,
                                               size_t work_bytes);
/* NSDR of est over the mixture mix (both n samples); the two BSS results
   are returned when est_bss / mix_bss are not NULL. */
AVLOC_EVAL_API avloc_result avloc_eval_nsdr_f32(const float *est, const float *mix, const float *refs, size_t nref,
                                                size_t n, size_t target, size_t flen, double *nsdr,
                                                avloc_eval_bss *est_bss, avloc_eval_bss *mix_bss, void *work,
                                                size_t work_bytes);

#ifdef __cplusplus
}
#endif
#endif /* AVLOC_EVAL_H */

#if defined(AVLOC_EVAL_IMPLEMENTATION) && !defined(AVLOC_EVAL_IMPLEMENTATION_DONE)
#define AVLOC_EVAL_IMPLEMENTATION_DONE
#include <math.h>
#include <string.h>

AVLOC_EVAL_API avloc_result avloc_eval_mask(const unsigned char *est, const unsigned char *truth, size_t n,
                                            avloc_eval_mask_scores *out)
{
    size_t i;
    if (!est || !truth || !out) return AVLOC_ERR_NULL;
    memset(out, 0, sizeof *out);
    if (n == 0) return AVLOC_ERR_SIZE;
    for (i = 0; i < n; i++) {
        int e = est[i] != 0, t = truth[i] != 0;
        out->tp += (size_t)(e && t);
        out->fp += (size_t)(e && !t);
        out->fn += (size_t)(!e && t);
    }
    if (out->tp + out->fp) out->precision = (double)out->tp / (double)(out->tp + out->fp);
    if (out->tp + out->fn) out->recall = (double)out->tp / (double)(out->tp + out->fn);
    if (out->precision + out->recall > 0)
        out->f1 = 2.0 * out->precision * out->recall / (out->precision + out->recall);
    return AVLOC_OK;
}

AVLOC_EVAL_API avloc_result avloc_eval_lc(const float *map, const unsigned char *truth, size_t n, double *lc)
{
    double in = 0, all = 0;
    size_t i;
    if (!map || !truth || !lc) return AVLOC_ERR_NULL;
    *lc = 0;
    if (n == 0) return AVLOC_ERR_SIZE;
    if (!avloc_all_finite_f32(map, n)) return AVLOC_ERR_NONFINITE;
    for (i = 0; i < n; i++) {
        double e = (double)map[i] * (double)map[i];
        all += e;
        if (truth[i]) in += e;
    }
    if (all > 0) *lc = in / all;
    return AVLOC_OK;
}

/* Workspace layout (doubles): Gram matrix (nref flen)^2 | full-projection
   coefficients nref flen | target-only coefficients flen | reference
   correlations nref^2 (2 flen - 1) | reference-estimate correlations
   nref (2 flen - 1). Returns the count of doubles, 0 on overflow. */
static size_t avloc_eval__bss_doubles(size_t nref, size_t flen)
{
    size_t m, g, c, total;
    if (!avloc_size_mul(nref, flen, &m) || !avloc_size_mul(m, m, &g) || !avloc_size_mul(nref + 1, nref, &c) ||
        !avloc_size_mul(c, 2 * flen - 1, &c) || !avloc_size_add(g, m, &total) || !avloc_size_add(total, c, &total) ||
        !avloc_size_add(total, flen, &total))
        return 0;
    return total;
}

AVLOC_EVAL_API avloc_result avloc_eval_bss_query(size_t nref, size_t flen, size_t *bytes)
{
    size_t d;
    if (!bytes) return AVLOC_ERR_NULL;
    *bytes = 0;
    if (nref == 0 || flen == 0 || flen > AVLOC_MAX_DIM) return AVLOC_ERR_SIZE;
    if (!(d = avloc_eval__bss_doubles(nref, flen)) || !avloc_size_mul(d, sizeof(double), &d) ||
        !avloc_size_add(d, sizeof(double), &d)) /* room to align the start */
        return AVLOC_ERR_OVERFLOW;
    *bytes = d;
    return AVLOC_OK;
}

/* r[k + flen - 1] = sum_m a[m + k] b[m] for |k| < flen (zero outside [0, n)). */
static void avloc_eval__xcorr(const float *a, const float *b, size_t n, size_t flen, double *r)
{
    size_t k, m;
    for (k = 0; k + 1 < 2 * flen; k++) {
        double s = 0;
        if (k >= flen - 1) { /* lag d >= 0: a ahead of b */
            size_t d = k - (flen - 1);
            for (m = 0; m + d < n; m++) s += (double)a[m + d] * (double)b[m];
        } else {
            size_t d = (flen - 1) - k;
            for (m = 0; m + d < n; m++) s += (double)a[m] * (double)b[m + d];
        }
        r[k] = s;
    }
}

/* Least-squares filter coefficients c (cnt x flen) of the estimate on the
   delayed copies of references first, first+1, ..., first+cnt-1. Gram entry
   ((i, a), (j, b)) = <s_i delayed a, s_j delayed b> = R_ij(b - a); rhs
   (i, a) = <s_i delayed a, est> = X_i(-a). corr: R for every ordered pair
   (nref x nref blocks of 2 flen - 1), xest: X per reference. */
static avloc_result avloc_eval__project(const double *corr, const double *xest, size_t nref, size_t first,
                                        size_t cnt, size_t flen, double *G, double *c)
{
    size_t i, j, a, b, m = cnt * flen, w = 2 * flen - 1;
    for (i = 0; i < cnt; i++)
        for (j = 0; j < cnt; j++) {
            const double *R = corr + ((first + i) * nref + first + j) * w + (flen - 1);
            for (a = 0; a < flen; a++)
                for (b = 0; b < flen; b++) G[(i * flen + a) * m + j * flen + b] = R[(ptrdiff_t)b - (ptrdiff_t)a];
        }
    for (i = 0; i < cnt; i++)
        for (a = 0; a < flen; a++) c[i * flen + a] = xest[(first + i) * w + (flen - 1) - a];
    if (avloc_chol_f64(G, m, m) != AVLOC_OK) return AVLOC_ERR_NUMERIC;
    avloc_chol_solve_f64(G, m, m, c, 1, 1);
    return AVLOC_OK;
}

/* (c * s)[t] for the cnt references from `first`: the filtered references at
   output sample t of the n + flen - 1. */
static double avloc_eval__filtered(const double *c, const float *refs, size_t first, size_t cnt, size_t n,
                                   size_t flen, size_t t)
{
    size_t i, a, a0 = t >= n ? t - n + 1 : 0, a1 = t + 1 < flen ? t + 1 : flen;
    double y = 0;
    for (i = 0; i < cnt; i++) {
        const float *s = refs + (first + i) * n;
        const double *ci = c + i * flen;
        for (a = a0; a < a1; a++) y += ci[a] * (double)s[t - a];
    }
    return y;
}

static double avloc_eval__db(double num, double den)
{
    return den > 0 ? 10.0 * log10(num / den) : HUGE_VAL;
}

static int avloc_eval__silent(const float *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (x[i] != 0.0f) return 0;
    return 1;
}

static avloc_result avloc_eval__bss_check(const float *est, const float *refs, size_t nref, size_t n, size_t target,
                                          size_t flen, size_t work_bytes)
{
    size_t need, r, nr_n;
    avloc_result res;
    if (n == 0 || !avloc_size_mul(nref, n, &nr_n)) return AVLOC_ERR_SIZE;
    if ((res = avloc_eval_bss_query(nref, flen, &need)) != AVLOC_OK) return res;
    if (target >= nref) return AVLOC_ERR_PARAM;
    if (work_bytes < need) return AVLOC_ERR_WORKSPACE;
    if (!avloc_all_finite_f32(est, n) || !avloc_all_finite_f32(refs, nr_n)) return AVLOC_ERR_NONFINITE;
    if (avloc_eval__silent(est, n)) return AVLOC_ERR_PARAM;
    for (r = 0; r < nref; r++)
        if (avloc_eval__silent(refs + r * n, n)) return AVLOC_ERR_PARAM;
    return AVLOC_OK;
}

AVLOC_EVAL_API avloc_result avloc_eval_bss_f32(const float *est, const float *refs, size_t nref, size_t n,
                                               size_t target, size_t flen, avloc_eval_bss *out, void *work,
                                               size_t work_bytes)
{
    size_t r, s, t, w, mis;
    double *G, *c, *ct, *corr, *xest, pt2 = 0, ept2 = 0, papt2 = 0, pa2 = 0, epa2 = 0;
    avloc_result res;
    if (!est || !refs || !out || !work) return AVLOC_ERR_NULL;
    memset(out, 0, sizeof *out);
    if ((res = avloc_eval__bss_check(est, refs, nref, n, target, flen, work_bytes)) != AVLOC_OK) return res;
    w = 2 * flen - 1;
    mis = (size_t)work % sizeof(double);
    G = (double *)(void *)((unsigned char *)work + (mis ? sizeof(double) - mis : 0));
    c = G + nref * flen * nref * flen;
    ct = c + nref * flen;
    corr = ct + flen;
    xest = corr + nref * nref * w;
    for (r = 0; r < nref; r++) {
        for (s = r; s < nref; s++) avloc_eval__xcorr(refs + r * n, refs + s * n, n, flen, corr + (r * nref + s) * w);
        for (s = 0; s < r; s++) /* R_rs(k) = R_sr(-k): mirrored, not recomputed */
            for (t = 0; t < w; t++) corr[(r * nref + s) * w + t] = corr[(s * nref + r) * w + (w - 1 - t)];
        avloc_eval__xcorr(refs + r * n, est, n, flen, xest + r * w);
    }
    if ((res = avloc_eval__project(corr, xest, nref, target, 1, flen, G, ct)) != AVLOC_OK ||
        (res = avloc_eval__project(corr, xest, nref, 0, nref, flen, G, c)) != AVLOC_OK)
        return res;
    /* energies over the n + flen - 1 samples of the zero-padded estimate */
    for (t = 0; t + 1 < n + flen; t++) {
        double e = t < n ? (double)est[t] : 0.0;
        double pt = avloc_eval__filtered(ct, refs, target, 1, n, flen, t);
        double pa = avloc_eval__filtered(c, refs, 0, nref, n, flen, t);
        pt2 += pt * pt;
        ept2 += (e - pt) * (e - pt);
        papt2 += (pa - pt) * (pa - pt);
        pa2 += pa * pa;
        epa2 += (e - pa) * (e - pa);
    }
    out->sdr = avloc_eval__db(pt2, ept2);
    out->sir = avloc_eval__db(pt2, papt2);
    out->sar = avloc_eval__db(pa2, epa2);
    return AVLOC_OK;
}

AVLOC_EVAL_API avloc_result avloc_eval_nsdr_f32(const float *est, const float *mix, const float *refs, size_t nref,
                                                size_t n, size_t target, size_t flen, double *nsdr,
                                                avloc_eval_bss *est_bss, avloc_eval_bss *mix_bss, void *work,
                                                size_t work_bytes)
{
    avloc_eval_bss be, bm;
    avloc_result res;
    if (!nsdr || !mix) return AVLOC_ERR_NULL;
    *nsdr = 0;
    if ((res = avloc_eval_bss_f32(est, refs, nref, n, target, flen, &be, work, work_bytes)) != AVLOC_OK ||
        (res = avloc_eval_bss_f32(mix, refs, nref, n, target, flen, &bm, work, work_bytes)) != AVLOC_OK)
        return res;
    *nsdr = be.sdr - bm.sdr;
    if (est_bss) *est_bss = be;
    if (mix_bss) *mix_bss = bm;
    return AVLOC_OK;
}

#endif /* AVLOC_EVAL_IMPLEMENTATION */
