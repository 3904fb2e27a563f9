/* Cortex-M check of GCC-PHAT from tables (tools/check_mcu_tables.sh): an
   avloc_gcc_f32 whose window and both FFT plans (n_fft 512 and the
   upsampled 1024-point inverse) come from tests/tables_fft.h's
   tables_fft_gcc_window_table (gen_tables --gcc-upsample 2), built with
   AVLOC_TABLES_ONLY, then the delay of one frame. Its init links no
   sin/cos; -DMCU_COMPUTED (avloc_gcc_init_f32) does, so the check can
   fail. (The correlation itself is accumulated in double: GCC-PHAT still
   links soft-double, docs/mcu.md.) -DMCU_HOST_RUN (a host build with
   AVLOC_NO_SIMD) also checks that the delay equals the computed object's
   bit for bit (tests/test_tables.c compares the objects byte for byte). */
#ifndef MCU_COMPUTED
#define AVLOC_TABLES_ONLY
#endif
#define AVLOC_IMPLEMENTATION
#include "avloc_dsp.h"
#include "tables_fft.h"

static unsigned char obj_mem[32768], scratch[32768];
static float left[512], right[512];
volatile float mcu_sink;

static avloc_gcc_config mcu_cfg(void)
{
    avloc_gcc_config c = avloc_gcc_config_default();
    c.frame_length = 512;
    c.n_fft = 512;
    c.hop = 256;
    c.upsample = 2;
    c.max_lag = 16;
    return c;
}

/* the delay of one frame from an object in mem (from the tables, or
   computed with -DMCU_COMPUTED or computed != 0 on the host); 1 on failure */
static int mcu_delay(int computed, unsigned char *mem, avloc_gcc_f32 *g, float *delay)
{
    avloc_gcc_config c = mcu_cfg();
    size_t ob = 0, sb = 0;
    float peak = 0.0f;
    avloc_result r;
    if (avloc_gcc_query_f32(&c, &ob, &sb) != AVLOC_OK || ob > sizeof obj_mem || sb > sizeof scratch) return 1;
#if defined(MCU_COMPUTED)
    (void)computed;
    r = avloc_gcc_init_f32(g, &c, mem, ob);
#elif defined(MCU_HOST_RUN)
    r = computed ? avloc_gcc_init_f32(g, &c, mem, ob)
                 : avloc_gcc_init_tables_f32(g, &c, &tables_fft_gcc_window_table, mem, ob);
#else
    (void)computed;
    r = avloc_gcc_init_tables_f32(g, &c, &tables_fft_gcc_window_table, mem, ob);
#endif
    if (r != AVLOC_OK) return 1;
    return avloc_gcc_frame_f32(g, left, right, delay, &peak, scratch, sb) != AVLOC_OK;
}

#ifdef MCU_HOST_RUN
#include <string.h>
static unsigned char obj_mem2[32768];
#endif

int main(void)
{
    avloc_gcc_f32 g;
    float d = 0.0f;
    size_t i;
    for (i = 0; i < 512; i++) {
        left[i] = (float)((i * 7919u) % 61u) / 61.0f - 0.5f;
        right[i] = i >= 5 ? left[i - 5] : 0.0f; /* right lags by 5 samples */
    }
    if (mcu_delay(0, obj_mem, &g, &d)) return 1;
    mcu_sink = d;
#ifdef MCU_HOST_RUN
    {
        avloc_gcc_f32 g2;
        float d2 = 0.0f;
        if (mcu_delay(1, obj_mem2, &g2, &d2)) return 2;
        if (g.window != tables_fft_window) return 3;
        if (memcmp(&d, &d2, sizeof d) != 0 || d < 4.9f || d > 5.1f) return 4;
    }
#endif
    return 0;
}
