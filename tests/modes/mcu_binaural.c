/* Cortex-M check of the whole binaural feature chain from tables
   (tools/check_mcu_tables.sh): a binaural plan whose window and FFT roots
   come from tests/tables_fft.h (avloc_binaural_plan_init_tables_f32 with
   the window table's fft field) built with AVLOC_TABLES_ONLY, then the
   features of a frame (absolute threshold: one float expf). It must link
   no double libm and no __aeabi_d* helper; -DMCU_COMPUTED (no
   AVLOC_TABLES_ONLY: the table calls may compute what a table lacks) links
   them, so the check can fail. -DMCU_HOST_RUN (a host build with
   AVLOC_NO_SIMD, run by the same script) also checks that the features
   equal those of the computed plan bit for bit and that a window table
   without roots is refused (AVLOC_ERR_NULL) under AVLOC_TABLES_ONLY. */
#ifndef MCU_COMPUTED
#define AVLOC_TABLES_ONLY
#endif
#define AVLOC_IMPLEMENTATION
#include "avloc_dsp.h"
#include "tables_fft.h"

static unsigned char plan_mem[16384], scratch[16384];
static float left[512], right[512], feat[3 * 256];
static unsigned char mask[3 * 256];
#ifdef MCU_HOST_RUN
#include <string.h>
static unsigned char plan_mem2[16384];
static float feat2[3 * 256];
static unsigned char mask2[3 * 256];

/* 0 when the computed plan gives the same features and mask, and a table
   without roots is refused */
static int host_checks(const avloc_binaural_config *bc, size_t pb, size_t sb)
{
    avloc_binaural_plan_f32 plan;
    avloc_window_table w = tables_fft_window_table;
    size_t na = 0;
    w.fft = NULL;
    if (avloc_binaural_plan_init_tables_f32(&plan, bc, &w, plan_mem2, pb) != AVLOC_ERR_NULL) return 2;
    if (avloc_binaural_plan_init_f32(&plan, bc, plan_mem2, pb) != AVLOC_OK ||
        avloc_binaural_plan_features_f32(&plan, left, right, 512, feat2, mask2, 1, &na, scratch, sb) != AVLOC_OK)
        return 3;
    return memcmp(feat, feat2, sizeof feat) != 0 || memcmp(mask, mask2, sizeof mask) != 0 ? 4 : 0;
}
#endif
volatile float mcu_sink;

int main(void)
{
    avloc_binaural_config bc = avloc_binaural_config_default();
    avloc_binaural_plan_f32 plan;
    size_t pb = 0, sb = 0, na = 0, i;
    bc.n_fft = 512;
    bc.n_bins = 256;
    bc.threshold_relative = 0;
    bc.threshold_db = -60.0f;
    if (avloc_binaural_plan_query_f32(&bc, &pb) != AVLOC_OK || pb > sizeof plan_mem ||
        avloc_binaural_plan_scratch_f32(&bc, 512, &sb) != AVLOC_OK || sb > sizeof scratch)
        return 1;
    if (avloc_binaural_plan_init_tables_f32(&plan, &bc, &tables_fft_window_table, plan_mem, pb) != AVLOC_OK) return 1;
    for (i = 0; i < 512; i++) { left[i] = (float)(i % 7) - 3.0f; right[i] = (float)(i % 5) - 2.0f; }
    if (avloc_binaural_plan_features_f32(&plan, left, right, 512, feat, mask, 1, &na, scratch, sb) != AVLOC_OK)
        return 1;
    mcu_sink = feat[3] + (float)na;
#ifdef MCU_HOST_RUN
    return host_checks(&bc, pb, sb);
#else
    return 0;
#endif
}
