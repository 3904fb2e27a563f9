/* Cortex-M check of the default AVLOC_ASSERT (tools/check_mcu_tables.sh):
   an FFT plan (whose init holds an internal assertion), built without
   NDEBUG, must link no newlib __assert_func (printf, stdio, malloc). */
#define AVLOC_IMPLEMENTATION
#include "avloc_dsp.h"

static unsigned char plan_mem[16384], scratch[8192];
static float x[256];
static avloc_complex_f32 X[129];
volatile float mcu_sink;

int main(void)
{
    avloc_fft_f32 fft;
    avloc_fft_config fc = {256, AVLOC_FFT_REAL};
    size_t pb = 0, sb = 0, i;
    if (avloc_fft_query_f32(&fc, &pb, &sb) != AVLOC_OK || pb > sizeof plan_mem || sb > sizeof scratch)
        return 1;
    if (avloc_fft_init_f32(&fft, &fc, plan_mem, pb) != AVLOC_OK) return 1;
    for (i = 0; i < 256; i++) x[i] = (float)(i % 7);
    if (avloc_fft_r2c_f32(&fft, x, X, scratch, sb) != AVLOC_OK) return 1;
    mcu_sink = X[3].re;
    return 0;
}
