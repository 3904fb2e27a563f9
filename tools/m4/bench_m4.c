/* tools/m4/bench_m4.c - instructions per second of audio of the binaural
   localisation chain on a Cortex-M4F, counted under
   qemu-system-arm -M mps2-an386 -icount shift=0 (one instruction = 1 ns of
   virtual time; the SysTick counts the board's 25 MHz clock, so one tick =
   40 instructions). No DWT cycle counter exists in qemu: on hardware,
   read DWT->CYCCNT around the same calls instead.

   The chain, per second of 16 kHz stereo audio, an MCU-sized configuration:
   n_fft 512, hop 128 (125 frames/s), bins 1..256 (D = 768 features), a GLLiM
   model with K = 16 components ("d*"), the statistics of every frame added,
   one posterior every 100 ms (10 per second); the statistics and the
   posterior both in double (avloc_gllim_stats, avloc_gllim_posterior) and
   in float32 (avloc_gllim_stats_f32, avloc_gllim_post_f32) on the same
   frames, with the largest difference of their means. The model's parameters are
   synthetic (a valid random model): the cost does not depend on their
   values. Run by tools/m4/bench_m4.sh, which also prints flash and RAM. */
#define AVLOC_IMPLEMENTATION
#include "../../avloc_gllim.h"
#include <stdio.h>
#include <stdlib.h>

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)

static uint32_t ticks_now(void) { return SYST_CVR; }
/* The SysTick counts down from 0xFFFFFF; a measured span stays < 2^24 ticks. */
static uint32_t ticks_since(uint32_t t0) { return (t0 - SYST_CVR) & 0xFFFFFFu; }

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static double urand(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

int main(void)
{
    enum { SR = 16000, NFFT = 512, HOP = 128, NB = 256, K = 16, L = 2 };
    const size_t D = 3 * NB;
    avloc_binaural_config bc = avloc_binaural_config_default();
    avloc_binaural_plan_f32 plan;
    avloc_gllim_model m;
    avloc_gllim_stats st;
    avloc_gllim_posterior post;
    avloc_gllim_model_f32 mf;
    avloc_gllim_stats_f32 stf;
    avloc_gllim_post_f32 postf;
    size_t pb = 0, sb = 0, mb = 0, stb = 0, ppb = 0, fb = 0, k, d, f, nf = 0, active = 0;
    float *left, *right, *feat;
    unsigned char *mask, *pmem, *scratch, *mmem, *smem, *qmem, *fmem, *sfmem, *qfmem;
    uint64_t t_feat = 0, t_stats = 0, t_post = 0, t_stats32 = 0, t_post32 = 0;
    double max_dev = 0.0;
    avloc_result r;

    SYST_RVR = 0xFFFFFFu;
    SYST_CVR = 0;
    SYST_CSR = 5u; /* enable, processor clock, no interrupt */

    bc.n_fft = NFFT; bc.hop = HOP; bc.first_bin = 1; bc.n_bins = NB;
    left = (float *)malloc(NFFT * sizeof *left);
    right = (float *)malloc(NFFT * sizeof *right);
    feat = (float *)malloc(D * sizeof *feat);
    mask = (unsigned char *)malloc(D);
    if (avloc_binaural_plan_query_f32(&bc, &pb) != AVLOC_OK) return 1;
    if (avloc_binaural_plan_scratch_f32(&bc, NFFT, &sb) != AVLOC_OK) return 1;
    pmem = (unsigned char *)malloc(pb);
    scratch = (unsigned char *)malloc(sb);
    if (!left || !right || !feat || !mask || !pmem || !scratch) return 1;
    if (avloc_binaural_plan_init_f32(&plan, &bc, pmem, pb) != AVLOC_OK) return 1;

    /* a valid random model */
    avloc_gllim_model_query(K, L, D, &mb);
    mmem = (unsigned char *)malloc(mb);
    if (!mmem || avloc_gllim_model_init(&m, K, L, D, mmem, mb) != AVLOC_OK) return 1;
    for (k = 0; k < K; k++) {
        m.pi[k] = 1.0 / K;
        m.c[k * L] = 640.0 * urand();
        m.c[k * L + 1] = 480.0 * urand();
        m.Gamma[k * 4] = m.Gamma[k * 4 + 3] = 400.0;
        for (d = 0; d < D; d++) {
            m.A[(k * D + d) * L] = 0.01 * (urand() - 0.5);
            m.A[(k * D + d) * L + 1] = 0.01 * (urand() - 0.5);
            m.b[k * D + d] = urand() - 0.5;
            m.sigma2[k * D + d] = 0.1 + 0.01 * (double)(d % 7);
        }
    }
    for (k = 1; k < K; k++)
        for (d = 0; d < D; d++) m.sigma2[k * D + d] = m.sigma2[d]; /* "d*": tied */
    m.feat = bc;
    m.obs_weight = 1e-2;
    if (avloc_gllim_model_prepare(&m) != AVLOC_OK) return 1;
    avloc_gllim_stats_query(D, &stb);
    avloc_gllim_posterior_query(&m, &ppb, NULL);
    smem = (unsigned char *)malloc(stb);
    qmem = (unsigned char *)malloc(ppb);
    if (!smem || !qmem || avloc_gllim_stats_init(&st, D, smem, stb) != AVLOC_OK ||
        avloc_gllim_posterior_init(&post, &m, qmem, ppb) != AVLOC_OK)
        return 1;
    /* the float32 path (avloc_gllim_model_f32): converted once, as a
       generator does on the host for flash */
    if (avloc_gllim_model_f32_query(&m, &fb) != AVLOC_OK || !(fmem = (unsigned char *)malloc(fb)) ||
        avloc_gllim_model_f32_init(&mf, &m, fmem, fb) != AVLOC_OK)
        return 1;
    avloc_gllim_stats_f32_query(D, &stb);
    avloc_gllim_post_f32_query(&mf, &ppb);
    sfmem = (unsigned char *)malloc(stb);
    qfmem = (unsigned char *)malloc(ppb);
    if (!sfmem || !qfmem || avloc_gllim_stats_f32_init(&stf, D, sfmem, stb) != AVLOC_OK ||
        avloc_gllim_post_f32_init(&postf, &mf, qfmem, ppb) != AVLOC_OK)
        return 1;

    /* one second of audio: 125 frames, a posterior every 12.5 frames */
    for (f = 0; f < SR / HOP; f++) {
        uint32_t t0;
        size_t i, na = 0;
        for (i = 0; i < NFFT; i++) { /* any broadband stereo window */
            left[i] = (float)(urand() - 0.5);
            right[i] = 0.7f * left[i] + 0.1f * (float)(urand() - 0.5);
        }
        t0 = ticks_now();
        r = avloc_binaural_plan_features_f32(&plan, left, right, NFFT, feat, mask, 1, &na, scratch, sb);
        t_feat += ticks_since(t0);
        if (r != AVLOC_OK) return 2;
        active += na;
        t0 = ticks_now();
        r = avloc_gllim_stats_add_f32(&st, feat, mask, 1, 1);
        t_stats += ticks_since(t0);
        if (r != AVLOC_OK) return 3;
        t0 = ticks_now();
        r = avloc_gllim_stats_f32_add(&stf, feat, mask, 1, 1);
        t_stats32 += ticks_since(t0);
        if (r != AVLOC_OK) return 3;
        if (f % 12 == 11 || f + 1 == SR / HOP) {
            t0 = ticks_now();
            r = avloc_gllim_posterior_from_stats(&m, &st, &post);
            t_post += ticks_since(t0);
            if (r < 0) return 4;
            t0 = ticks_now();
            r = avloc_gllim_posterior_from_stats_f32(&mf, &stf, &postf);
            t_post32 += ticks_since(t0);
            if (r < 0) return 4;
            for (d = 0; d < L; d++) {
                double dev = fabs((double)postf.mean[d] - post.mean[d]);
                if (dev > max_dev) max_dev = dev;
            }
            nf++;
        }
    }
    /* 40 instructions per 25 MHz tick under -icount shift=0 */
    printf("{\"frames\":%d,\"posteriors\":%lu,\"active\":%lu,\"insn_features\":%llu,\"insn_stats\":%llu,"
           "\"insn_posteriors\":%llu,\"insn_per_audio_second\":%llu,\"insn_stats_f32\":%llu,"
           "\"insn_posteriors_f32\":%llu,\"insn_per_audio_second_f32\":%llu,\"max_mean_diff_f32\":%.2e}\n",
           SR / HOP, (unsigned long)nf, (unsigned long)active, (unsigned long long)(40 * t_feat),
           (unsigned long long)(40 * t_stats), (unsigned long long)(40 * t_post),
           (unsigned long long)(40 * (t_feat + t_stats + t_post)), (unsigned long long)(40 * t_stats32),
           (unsigned long long)(40 * t_post32), (unsigned long long)(40 * (t_feat + t_stats32 + t_post32)), max_dev);
    return 0;
}
