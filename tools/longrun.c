/* longrun.c - long-run check (issue 14, item 6): streams SECONDS (default
   3600) of generated stereo audio, faster than real time, through
     streaming STFT (avloc_stft_stream, left channel: frame clock)
     -> binaural features of each new frame (binaural plan on the last n_fft
        samples, the model's feature configuration, absolute threshold)
     -> GLLiM streaming posterior (avloc_gllim_stream, sliding window)
   with every buffer allocated before the first sample. Checks, for the
   whole run: no NaN / Inf in any estimate (mean, covariance, weights sum
   to 1); no timestamp drift: the STFT stream's frame counter, the number
   of feature frames and the GLLiM stream's pushes all equal the count
   implied by the integer sample counter (frame t starts at sample t*hop),
   and estimate k is stamped at exactly frame (k+1)*emit_every - 1; constant
   memory: the peak RSS after the first minute and at the end are equal.

     cc -std=c99 -O2 tools/longrun.c -lm -o longrun
     ./longrun [MODEL.safetensors] [SECONDS]     (default data/demo/kemar_gllim.safetensors, 3600)

   The signal: white noise from a source whose interaural delay sweeps
   -8..8 samples (a ring of past samples gives the right channel), 10 s of
   sound then 2 s of silence, repeated. Exit 0 and one summary line when
   every check holds. */
#define _POSIX_C_SOURCE 200809L
#define AVLOC_IMPLEMENTATION
#include "../avloc_gllim.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>
#include <sys/resource.h>

#define BLOCK 4096

static unsigned long long rng = 0x9E3779B97F4A7C15ull;
static float noise(void) /* xorshift64*, uniform in [-0.5, 0.5) */
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (float)((double)((rng * 2685821657736338717ull) >> 40) / 16777216.0 - 0.5);
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void *must(void *p)
{
    if (!p) { fprintf(stderr, "longrun: out of memory\n"); exit(2); }
    return p;
}

static unsigned char *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *b;
    long sz;
    if (!f || fseek(f, 0, SEEK_END) || (sz = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET)) { perror(path); exit(2); }
    b = (unsigned char *)must(malloc((size_t)sz));
    if (fread(b, 1, (size_t)sz, f) != (size_t)sz) { perror(path); exit(2); }
    fclose(f);
    *n = (size_t)sz;
    return b;
}

#define FAIL(...) do { fprintf(stderr, "longrun: FAIL: " __VA_ARGS__); fputc('\n', stderr); return 1; } while (0)

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "data/demo/kemar_gllim.safetensors";
    double seconds = argc > 2 ? atof(argv[2]) : 3600.0;
    size_t fsize, K, L, D, mb, ob, sb, pb, fb, qb, gb, nfft, hop, i;
    unsigned char *file = read_all(path, &fsize), *mask;
    avloc_gllim_model model;
    avloc_gllim_posterior post;
    avloc_gllim_stream gs;
    avloc_gllim_stream_config gcfg = avloc_gllim_stream_config_default();
    avloc_binaural_config bcfg;
    avloc_binaural_plan_f32 plan;
    avloc_stft_config scfg = avloc_stft_config_default();
    avloc_stft_f32 stft;
    avloc_stft_stream_f32 ss;
    void *mm, *pm, *ps, *bm, *bs, *stm, *sts, *qm, *gm;
    float *ringL, *ringR, *winL, *winR, *feat, *blockL, *blockR, past[32] = {0};
    avloc_complex_f32 *sframe;
    unsigned long long total, pushed = 0, frames = 0, estimates = 0, no_estimate = 0, bad = 0;
    long rss_minute = 0, rss_end;
    double t0, wall, max_dev = 0.0;
    int emitted;

    /* ---- setup: every allocation happens here */
    if (avloc_gllim_load_query(file, fsize, &K, &L, &D, &mb) != AVLOC_OK) FAIL("%s: not a GLLiM model", path);
    mm = must(malloc(mb));
    if (avloc_gllim_load(&model, file, fsize, mm, mb) != AVLOC_OK) FAIL("%s: load failed", path);
    bcfg = model.feat;
    bcfg.threshold_relative = 0; /* one-frame clips: an absolute threshold */
    bcfg.threshold_db = -60.0f;
    nfft = bcfg.n_fft;
    hop = bcfg.hop;
    if (3 * bcfg.n_bins != D) FAIL("model D %lu != 3 n_bins", (unsigned long)D);
    if (avloc_gllim_posterior_query(&model, &ob, &sb) != AVLOC_OK) FAIL("posterior query");
    pm = must(malloc(ob));
    ps = must(malloc(sb));
    if (avloc_gllim_posterior_init(&post, &model, pm, ob) != AVLOC_OK) FAIL("posterior init");
    gcfg.min_active = 50;
    if (avloc_gllim_stream_query(&model, &gcfg, &gb) != AVLOC_OK) FAIL("gllim stream query");
    gm = must(malloc(gb));
    if (avloc_gllim_stream_init(&gs, &model, &gcfg, gm, gb) != AVLOC_OK) FAIL("gllim stream init");
    if (avloc_binaural_plan_query_f32(&bcfg, &pb) != AVLOC_OK || avloc_binaural_plan_scratch_f32(&bcfg, nfft, &fb) != AVLOC_OK)
        FAIL("binaural query");
    bm = must(malloc(pb));
    bs = must(malloc(fb));
    if (avloc_binaural_plan_init_f32(&plan, &bcfg, bm, pb) != AVLOC_OK) FAIL("binaural init");
    scfg.n_fft = nfft;
    scfg.hop = hop;
    scfg.win_length = nfft;
    scfg.window = bcfg.window;
    scfg.center = 0;
    if (avloc_stft_query_f32(&scfg, &qb, &sb) != AVLOC_OK) FAIL("stft query");
    stm = must(malloc(qb));
    sts = must(malloc(sb));
    if (avloc_stft_init_f32(&stft, &scfg, stm, qb) != AVLOC_OK) FAIL("stft init");
    if (avloc_stft_stream_query_f32(&stft, &qb) != AVLOC_OK) FAIL("stream query");
    qm = must(malloc(qb));
    if (avloc_stft_stream_init_f32(&ss, &stft, qm, qb) != AVLOC_OK) FAIL("stream init");
    sframe = (avloc_complex_f32 *)must(malloc(stft.n_bins * sizeof *sframe));
    ringL = (float *)must(calloc(nfft, sizeof(float)));
    ringR = (float *)must(calloc(nfft, sizeof(float)));
    winL = (float *)must(malloc(nfft * sizeof(float)));
    winR = (float *)must(malloc(nfft * sizeof(float)));
    feat = (float *)must(malloc(D * sizeof(float)));
    mask = (unsigned char *)must(malloc(D));
    blockL = (float *)must(malloc(BLOCK * sizeof(float)));
    blockR = (float *)must(malloc(BLOCK * sizeof(float)));
    total = (unsigned long long)(seconds * bcfg.sample_rate);

    /* ---- the stream */
    t0 = now();
    {
        unsigned long long s = 0;
        size_t pos = 0; /* ring write position */
        while (s < total) {
            size_t n = total - s < BLOCK ? (size_t)(total - s) : BLOCK, done = 0;
            for (i = 0; i < n; i++) { /* 10 s sound, 2 s silence; delay sweeps over 60 s */
                unsigned long long k = s + i;
                double tsec = (double)k / bcfg.sample_rate;
                int on = fmod(tsec, 12.0) < 10.0, delay = (int)(8.0 * sin(tsec * 0.1047));
                float x = on ? noise() : 0.0f;
                memmove(past + 1, past, 31 * sizeof(float));
                past[0] = x;
                blockL[i] = past[16 + delay / 2];
                blockR[i] = 0.8f * past[16 - (delay - delay / 2)];
            }
            /* streaming STFT of the left channel: the frame clock */
            while (done < n) {
                /* at most the samples the next frame needs (ss.need): a frame
                   then ends exactly at the last sample consumed */
                size_t got = 0, used = 0, want = n - done < ss.need ? n - done : ss.need;
                if (avloc_stft_stream_push_f32(&ss, blockL + done, want, sframe, 1, &got, &used, sts, sb) != AVLOC_OK)
                    FAIL("stft push at sample %llu", s + done);
                /* the ring follows the samples consumed; a frame covers the last n_fft */
                for (i = 0; i < used; i++) {
                    ringL[pos] = blockL[done + i];
                    ringR[pos] = blockR[done + i];
                    pos = pos + 1 == nfft ? 0 : pos + 1;
                }
                done += used;
                if (got) {
                    size_t nf_act = 0;
                    /* frame `frames` starts at sample frames*hop: exact integer check */
                    if ((unsigned long long)frames * hop + nfft != s + done) FAIL("frame %llu drift", frames);
                    memcpy(winL, ringL + pos, (nfft - pos) * sizeof(float));
                    memcpy(winL + nfft - pos, ringL, pos * sizeof(float));
                    memcpy(winR, ringR + pos, (nfft - pos) * sizeof(float));
                    memcpy(winR + nfft - pos, ringR, pos * sizeof(float));
                    if (avloc_binaural_plan_features_f32(&plan, winL, winR, nfft, feat, mask, 1, &nf_act, bs, fb) != AVLOC_OK)
                        FAIL("features at frame %llu", frames);
                    if (avloc_gllim_stream_push_f32(&gs, feat, mask, &post, &emitted) != AVLOC_OK)
                        FAIL("gllim push at frame %llu", frames);
                    pushed++;
                    if (emitted) {
                        double sum = 0;
                        size_t k;
                        for (k = 0; k < post.K; k++) sum += post.nu[k];
                        if (!isfinite(post.mean[0]) || !isfinite(post.mean[1]) || !isfinite(post.cov[0]) ||
                            !isfinite(post.cov[3]) || fabs(sum - 1.0) > 1e-9)
                            bad++;
                        if (fabs(sum - 1.0) > max_dev) max_dev = fabs(sum - 1.0);
                        if ((frames + 1) % gcfg.emit_every != 0) FAIL("estimate at frame %llu off the emit grid", frames);
                        estimates++;
                    } else if ((frames + 1) % gcfg.emit_every == 0) {
                        no_estimate++; /* due but too few active points (silence) */
                    }
                    frames++;
                }
            }
            s += n;
            if (!rss_minute && s >= (unsigned long long)(60.0 * bcfg.sample_rate)) rss_minute = peak_rss_kb();
        }
    }
    wall = now() - t0;
    rss_end = peak_rss_kb();

    /* ---- checks over the whole run */
    {
        unsigned long long expect = total >= nfft ? (total - nfft) / hop + 1 : 0;
        if (frames != expect || ss.frames != expect || pushed != expect)
            FAIL("frame counts: %llu made, stream %lu, pushed %llu, expected %llu", frames, (unsigned long)ss.frames,
                 pushed, expect);
        if (estimates + no_estimate != expect / gcfg.emit_every) FAIL("estimates %llu + skipped %llu", estimates, no_estimate);
    }
    if (bad) FAIL("%llu estimates not finite or weights not summing to 1", bad);
    if (rss_minute && rss_end != rss_minute) FAIL("peak RSS grew: %ld kB after 1 min, %ld kB at the end", rss_minute, rss_end);
    printf("longrun: %.0f s of audio in %.1f s (%.0fx real time), %llu frames, %llu estimates (%llu skipped in silence), "
           "no NaN, max |sum nu - 1| %.1e, no drift, peak RSS %ld kB after 1 min and %ld kB at the end\n",
           seconds, wall, seconds / wall, frames, estimates, no_estimate, max_dev, rss_minute, rss_end);
    free(file); free(mm); free(pm); free(ps); free(gm); free(bm); free(bs); free(stm); free(sts); free(qm);
    free(sframe); free(ringL); free(ringR); free(winL); free(winR); free(feat); free(mask); free(blockL); free(blockR);
    return 0;
}
