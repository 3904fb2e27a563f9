/* bench_locate: the GLLiM localisation path per second of audio.
   1 s of synthetic 16 kHz stereo (coloured noise, interaural delay of 6
   samples and 0.7 level ratio, speech-like 4 Hz on/off envelope over a -70 dB
   floor) -> binaural features (n_fft 1024 Hann, hop 128, bins 1..512,
   D = 1536, -40 dB relative threshold) -> Theorem-1 statistics -> posterior
   of a random but valid K = 32, L = 2 GLLiM model. No files, no training.
   Times each stage (processor time, best of N batches) and prints x real time.
   Features use a binaural plan made once (avloc_binaural_plan_*), as a
   program localising many clips or a stream does; the one-shot call, which
   makes the STFT set-up every time, is timed on its own row.

   Build: cc -O2 -I. bench/bench_locate.c -lm   (or make -C bench)
   Usage: ./a.out [n_batches (default 15)] [seconds of audio (default 1)] [K (default 32)] */
#include "bench_util.h"
#define AVLOC_IMPLEMENTATION
#include "../avloc_dsp.h"
#include "../avloc_gllim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t g_rng = 0x9e3779b97f4a7c15ull;
static double urand(void) /* [0, 1) */
{
    g_rng ^= g_rng << 13; g_rng ^= g_rng >> 7; g_rng ^= g_rng << 17;
    return (double)(g_rng >> 11) * (1.0 / 9007199254740992.0);
}
static double nrand(void) { return sqrt(-2.0 * log(1.0 - urand())) * cos(6.283185307179586 * urand()); }

static void die(const char *what, avloc_result r)
{
    fprintf(stderr, "bench_locate: %s failed (%d)\n", what, (int)r);
    exit(1);
}

/* A random valid model: pi uniform, c in [-1, 1]^2, Gamma SPD, A/b/sigma2 of
   the feature scale (ILD ~ dB, IPD in [-1, 1]). */
static void make_model(avloc_gllim_model *m, size_t K, size_t L, size_t D)
{
    size_t bytes, k, d, i;
    avloc_result r;
    if ((r = avloc_gllim_model_query(K, L, D, &bytes)) != AVLOC_OK) die("model_query", r);
    if ((r = avloc_gllim_model_init(m, K, L, D, malloc(bytes), bytes)) != AVLOC_OK) die("model_init", r);
    m->K = K;
    m->sigma_type = AVLOC_GLLIM_SIGMA_DIAG_TIED;
    for (k = 0; k < K; k++) {
        m->pi[k] = 1.0 / (double)K;
        for (i = 0; i < L; i++) m->c[k * L + i] = 2.0 * urand() - 1.0;
        for (i = 0; i < L * L; i++) m->Gamma[k * L * L + i] = 0.0;
        for (i = 0; i < L; i++) m->Gamma[k * L * L + i * L + i] = 0.01 + 0.02 * urand();
        if (L > 1) m->Gamma[k * L * L + 1] = m->Gamma[k * L * L + L] = 0.002;
        for (d = 0; d < D; d++) {
            double scale = d < D / 3 ? 3.0 : 0.5;
            for (i = 0; i < L; i++) m->A[(k * D + d) * L + i] = scale * nrand();
            m->b[k * D + d] = scale * 0.3 * nrand();
            /* d*: one variance per dimension, the same for every component */
            m->sigma2[k * D + d] = k == 0 ? scale * scale * (0.2 + 0.1 * urand()) : m->sigma2[d];
        }
    }
    m->feat.sample_rate = 16000.0f; /* metadata only */
    if ((r = avloc_gllim_model_prepare(m)) != AVLOC_OK) die("model_prepare", r);
}

/* 1 s of stereo: low-passed noise, right = 0.7 * left delayed by 6 samples,
   4 Hz syllable envelope (half-wave sine, some syllables dropped). */
static void make_signal(float *l, float *r, size_t n, float fs)
{
    size_t i;
    double lp = 0.0;
    const size_t delay = 6;
    float *src = (float *)malloc((n + delay) * sizeof *src);
    for (i = 0; i < n + delay; i++) {
        double t = (double)i / fs, env = sin(6.283185307179586 * 4.0 * t);
        int syl = (int)(t * 8.0);
        lp = 0.9 * lp + 0.1 * nrand();
        env = (env > 0.0 && syl % 5 != 3) ? env * env : 0.0;
        src[i] = (float)(lp * env + 3e-4 * nrand());
    }
    for (i = 0; i < n; i++) { l[i] = src[i + delay]; r[i] = 0.7f * src[i]; }
    free(src);
}

typedef struct ctx {
    avloc_binaural_config bc;
    const float *l, *r;
    size_t n, nf, D, n_active;
    float *feat;
    unsigned char *mask;
    void *bscr, *pscr;
    size_t bbytes, pbytes;
    avloc_binaural_plan_f32 plan;
    avloc_gllim_stats st;
    avloc_gllim_model *m;
    avloc_gllim_posterior post;
} ctx;

static void run_feat_plan(ctx *c)
{
    avloc_result r = avloc_binaural_plan_features_f32(&c->plan, c->l, c->r, c->n, c->feat, c->mask, c->nf,
                                                      &c->n_active, c->pscr, c->pbytes);
    if (r != AVLOC_OK) die("binaural_plan_features", r);
}
static void run_feat(ctx *c)
{
    avloc_result r = avloc_binaural_features_f32(&c->bc, c->l, c->r, c->n, c->feat, c->mask, c->nf,
                                                 &c->n_active, c->bscr, c->bbytes);
    if (r != AVLOC_OK) die("binaural_features", r);
}
static void run_stats(ctx *c)
{
    avloc_result r;
    avloc_gllim_stats_reset(&c->st);
    r = avloc_gllim_stats_add_f32(&c->st, c->feat, c->mask, c->nf, 1);
    if (r != AVLOC_OK) die("stats_add", r);
}
static void run_post(ctx *c)
{
    avloc_result r = avloc_gllim_posterior_from_stats(c->m, &c->st, &c->post);
    if (r != AVLOC_OK && r != AVLOC_NO_ACTIVE_POINTS) die("posterior_from_stats", r);
}

typedef void (*stage_fn)(ctx *);

/* Best processor time per call over nb batches of >= 20 ms each. */
static double best_ms(stage_fn f, ctx *c, int nb)
{
    long reps = 1, i;
    double t, best = 1e30;
    int b;
    f(c);
    for (;;) {
        t = cpu_s();
        for (i = 0; i < reps; i++) f(c);
        t = cpu_s() - t;
        if (t >= 0.02) break;
        reps *= 2;
    }
    for (b = 0; b < nb; b++) {
        t = cpu_s();
        for (i = 0; i < reps; i++) f(c);
        t = (cpu_s() - t) / (double)reps;
        if (t < best) best = t;
    }
    return best * 1e3;
}

int main(int argc, char **argv)
{
    int nb = argc > 1 ? atoi(argv[1]) : 15;
    double secs = argc > 2 ? atof(argv[2]) : 1.0;
    long K = argc > 3 ? atol(argv[3]) : 32;
    avloc_gllim_model model;
    ctx c;
    size_t sbytes, pbytes, fd;
    double tf, tf1, ts, tp, tot;
    size_t plan_bytes;
    float *l, *r;
    avloc_result rc;
    if (nb < 1) nb = 1;
    if (!(secs >= 0.1 && secs <= 60.0)) secs = 1.0;
    c.bc = avloc_binaural_config_default();
    c.n = (size_t)(secs * 16000.0 + 0.5);
    l = (float *)malloc(c.n * sizeof *l);
    r = (float *)malloc(c.n * sizeof *r);
    make_signal(l, r, c.n, 16000.0f);
    c.l = l; c.r = r;
    if ((rc = avloc_binaural_frames(&c.bc, c.n, &c.nf)) != AVLOC_OK) die("binaural_frames", rc);
    c.D = 3 * c.bc.n_bins;
    fd = c.nf * c.D;
    c.feat = (float *)malloc(fd * sizeof *c.feat);
    c.mask = (unsigned char *)malloc(fd);
    if ((rc = avloc_binaural_scratch_f32(&c.bc, c.n, &c.bbytes)) != AVLOC_OK) die("binaural_query", rc);
    c.bscr = malloc(c.bbytes);
    if ((rc = avloc_binaural_plan_query_f32(&c.bc, &plan_bytes)) != AVLOC_OK) die("plan_query", rc);
    if ((rc = avloc_binaural_plan_scratch_f32(&c.bc, c.n, &c.pbytes)) != AVLOC_OK) die("plan_scratch", rc);
    if ((rc = avloc_binaural_plan_init_f32(&c.plan, &c.bc, malloc(plan_bytes), plan_bytes)) != AVLOC_OK)
        die("plan_init", rc);
    c.pscr = malloc(c.pbytes);
    if (K < 1 || K > 4096) K = 32;
    make_model(&model, (size_t)K, 2, c.D);
    c.m = &model;
    avloc_gllim_stats_query(c.D, &sbytes);
    if ((rc = avloc_gllim_stats_init(&c.st, c.D, malloc(sbytes), sbytes)) != AVLOC_OK) die("stats_init", rc);
    avloc_gllim_posterior_query(&model, &pbytes, NULL);
    if ((rc = avloc_gllim_posterior_init(&c.post, &model, malloc(pbytes), pbytes)) != AVLOC_OK) die("post_init", rc);

    tf1 = best_ms(run_feat, &c, nb);
    tf = best_ms(run_feat_plan, &c, nb);
    ts = best_ms(run_stats, &c, nb);
    tp = best_ms(run_post, &c, nb);
    tot = tf + ts + tp;
    printf("bench_locate: %.2f s of 16 kHz stereo, %zu frames, D = %zu, K = %ld, L = 2, "
           "%.1f%% TF points active; x_hat = (%.4f, %.4f)\n",
           secs, c.nf, c.D, K, 100.0 * (double)c.n_active / (double)(c.nf * c.bc.n_bins),
           c.post.mean[0], c.post.mean[1]);
    printf("processor time, best of %d batches, per second of audio:\n", nb);
    printf("| stage | ms / s audio | x real time |\n|---|---:|---:|\n");
    printf("| (features, one-shot call: STFT set-up per call) | %.3f | %.0f |\n", tf1 / secs, 1e3 * secs / tf1);
    printf("| features (plan made once) | %.3f | %.0f |\n", tf / secs, 1e3 * secs / tf);
    printf("| stats | %.3f | %.0f |\n", ts / secs, 1e3 * secs / ts);
    printf("| posterior | %.3f | %.0f |\n", tp / secs, 1e3 * secs / tp);
    printf("| total | %.3f | %.0f |\n", tot / secs, 1e3 * secs / tot);
    return 0;
}
