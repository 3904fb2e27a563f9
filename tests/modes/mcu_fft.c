/* Cortex-M check of the FFT roots tables (tools/check_mcu_tables.sh): a
   512-point real FFT plan made from the const roots of tests/tables_fft.h
   (avloc_fft_init_tables_f32), or (-DMCU_COMPUTED) computed at init as on a
   host. The table build must link no sin/cos. */
#define AVLOC_IMPLEMENTATION
#include "avloc_dsp.h"
#include "tables_fft.h"

static unsigned char plan_mem[16384], scratch[8192];
static float x[512];
static avloc_complex_f32 X[257];
volatile float mcu_sink;

int main(void)
{
    avloc_fft_f32 fft;
    avloc_fft_config fc = {512, AVLOC_FFT_REAL};
    size_t pb = 0, sb = 0, i;
    if (avloc_fft_query_f32(&fc, &pb, &sb) != AVLOC_OK || pb > sizeof plan_mem || sb > sizeof scratch)
        return 1;
#ifdef MCU_COMPUTED
    if (avloc_fft_init_f32(&fft, &fc, plan_mem, pb) != AVLOC_OK) return 1;
#else
    if (avloc_fft_init_tables_f32(&fft, &tables_fft_fft, plan_mem, pb) != AVLOC_OK) return 1;
#endif
    for (i = 0; i < 512; i++) x[i] = (float)(i % 7);
    if (avloc_fft_r2c_f32(&fft, x, X, scratch, sb) != AVLOC_OK) return 1;
    mcu_sink = X[3].re;
    return 0;
}
