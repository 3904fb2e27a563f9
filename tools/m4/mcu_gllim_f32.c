/* Cortex-M check of the float32 GLLiM path (tools/check_mcu_tables.sh): a
   model as const tables (what tools/m4/gen_gllim_header.c writes for
   flash), the statistics of one frame and the posterior, in float. The
   build must link no __aeabi_d* helper and no double libm. With
   -DMCU_DOUBLE the same localisation runs on the double path
   (avloc_gllim_model_prepare, avloc_gllim_posterior_from_stats), which
   pulls them in: the check can fail. */
#define AVLOC_IMPLEMENTATION
#include "avloc_gllim.h"

#define NK 2
#define NL 2
#define ND 6

static const float f_pi[NK] = {0.4f, 0.6f};
static const float f_c[NK * NL] = {100.0f, 200.0f, 400.0f, 250.0f};
static const float f_G[NK * NL * NL] = {400.0f, 0.0f, 0.0f, 400.0f, 300.0f, 10.0f, 10.0f, 500.0f};
static const float f_A[NK * ND * NL] = {0.01f, 0.0f, 0.02f, 0.01f, 0.0f, 0.01f, 0.01f, 0.01f, 0.03f, 0.0f, 0.0f, 0.02f,
                                     0.02f, 0.0f, 0.01f, 0.01f, 0.01f, 0.0f, 0.0f, 0.01f, 0.01f, 0.0f, 0.02f, 0.01f};
static const float f_b[NK * ND] = {0.1f, 0.2f, -0.1f, 0.0f, 0.3f, 0.1f, -0.2f, 0.1f, 0.0f, 0.2f, 0.1f, -0.1f};
static const float f_s2[ND] = {0.1f, 0.2f, 0.1f, 0.3f, 0.1f, 0.2f}; /* "d*" */

static float frame[ND] = {1.2f, 2.9f, 4.1f, 5.0f, 3.3f, 4.4f};
static unsigned char mask[ND] = {1, 1, 0, 1, 1, 1};
/* a volatile sink keeps the outputs alive */
volatile float mcu_sink;

#ifndef MCU_DOUBLE
/* the derived tables a generator would have written, made here in float
   once (the test only needs a valid model; flash tables are the same
   arrays, const) */
static float t_Gi[NK * NL * NL], t_ldG[NK], t_At[NK * NL * ND], t_cs[NK * ND], t_is2[ND], t_ls2[ND];
static unsigned char smem[512], pmem[512];

static void derive(void)
{
    size_t k, d, i;
    for (k = 0; k < NK; k++) {
        const float *g = f_G + k * 4;
        float det = g[0] * g[3] - g[1] * g[2];
        t_Gi[k * 4] = g[3] / det; t_Gi[k * 4 + 3] = g[0] / det;
        t_Gi[k * 4 + 1] = -g[1] / det; t_Gi[k * 4 + 2] = -g[2] / det;
        t_ldG[k] = logf(det);
        for (d = 0; d < ND; d++) {
            float cs = f_b[k * ND + d];
            for (i = 0; i < NL; i++) {
                t_At[(k * NL + i) * ND + d] = f_A[(k * ND + d) * NL + i];
                cs += f_A[(k * ND + d) * NL + i] * f_c[k * NL + i];
            }
            t_cs[k * ND + d] = cs;
        }
    }
    for (d = 0; d < ND; d++) { t_is2[d] = 1.0f / f_s2[d]; t_ls2[d] = logf(f_s2[d]); }
}

int main(void)
{
    avloc_gllim_model_f32 m;
    avloc_gllim_stats_f32 st;
    avloc_gllim_post_f32 post;
    derive();
    memset(&m, 0, sizeof m);
    m.K = NK; m.L = NL; m.D = ND;
    m.sigma_type = AVLOC_GLLIM_SIGMA_DIAG_TIED;
    m.obs_weight = 1.0f;
    m.pi = f_pi; m.c = f_c; m.Gamma = f_G; m.Gamma_inv = t_Gi; m.logdet_Gamma = t_ldG;
    m.At = t_At; m.cstar = t_cs; m.inv_sigma2 = t_is2; m.log_sigma2 = t_ls2;
    if (avloc_gllim_model_f32_check(&m) != AVLOC_OK) return 1;
    if (avloc_gllim_stats_f32_init(&st, ND, smem, sizeof smem) != AVLOC_OK) return 1;
    if (avloc_gllim_post_f32_init(&post, &m, pmem, sizeof pmem) != AVLOC_OK) return 1;
    if (avloc_gllim_stats_f32_add(&st, frame, mask, 1, 1) != AVLOC_OK) return 1;
    if (avloc_gllim_posterior_from_stats_f32(&m, &st, &post) != AVLOC_OK) return 1;
    mcu_sink = post.mean[0] + post.mean[1];
    return 0;
}
#else
static unsigned char mmem[8192], smem[512], pmem[1024];

int main(void)
{
    avloc_gllim_model m;
    avloc_gllim_stats st;
    avloc_gllim_posterior post;
    size_t i;
    if (avloc_gllim_model_init(&m, NK, NL, ND, mmem, sizeof mmem) != AVLOC_OK) return 1;
    for (i = 0; i < NK; i++) m.pi[i] = f_pi[i];
    for (i = 0; i < NK * NL; i++) m.c[i] = f_c[i];
    for (i = 0; i < NK * NL * NL; i++) m.Gamma[i] = f_G[i];
    for (i = 0; i < NK * ND * NL; i++) m.A[i] = f_A[i];
    for (i = 0; i < NK * ND; i++) { m.b[i] = f_b[i]; m.sigma2[i] = f_s2[i % ND]; }
    m.obs_weight = 1.0;
    if (avloc_gllim_model_prepare(&m) != AVLOC_OK) return 1;
    if (avloc_gllim_stats_init(&st, ND, smem, sizeof smem) != AVLOC_OK) return 1;
    if (avloc_gllim_posterior_init(&post, &m, pmem, sizeof pmem) != AVLOC_OK) return 1;
    if (avloc_gllim_stats_add_f32(&st, frame, mask, 1, 1) != AVLOC_OK) return 1;
    if (avloc_gllim_posterior_from_stats(&m, &st, &post) != AVLOC_OK) return 1;
    mcu_sink = (float)(post.mean[0] + post.mean[1]);
    return 0;
}
#endif
