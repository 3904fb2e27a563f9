/* Cortex-M check of the MCU-ready tables (tools/check_mcu_tables.sh): log-mel
   + MFCC of one spectrum frame, with the objects pointed at the const tables
   of tests/tables_ta.h, or (-DMCU_COMPUTED) computed at init as on a host.
   The table build must link without double-precision pow/log/cos. */
#define AVLOC_IMPLEMENTATION
#include "avloc_dsp.h"
#include "tables_ta.h"
#include <math.h>

#define NB (400 / 2 + 1)
#define NM 40
#define NC 13

static float spec[NB], mel_out[NM], mfcc_out[NC];
#ifdef MCU_COMPUTED
static unsigned char mel_mem[4096], mfcc_mem[4096];
#endif

/* a volatile sink keeps the outputs alive */
volatile float mcu_sink;

int main(void)
{
    avloc_mel_f32 mel;
    avloc_mfcc_f32 mfcc;
    size_t i;
#ifdef MCU_COMPUTED
    if (avloc_mel_init_f32(&mel, &tables_ta_mel.cfg, mel_mem, sizeof mel_mem) != AVLOC_OK) return 1;
    if (avloc_mfcc_init_f32(&mfcc, &tables_ta_mfcc.cfg, mfcc_mem, sizeof mfcc_mem) != AVLOC_OK) return 1;
#else
    if (avloc_mel_init_tables_f32(&mel, &tables_ta_mel) != AVLOC_OK) return 1;
    if (avloc_mfcc_init_tables_f32(&mfcc, &tables_ta_mfcc) != AVLOC_OK) return 1;
#endif
    for (i = 0; i < NB; i++) spec[i] = tables_ta_window[i] * tables_ta_window[i]; /* any frame */
    if (avloc_mel_apply_f32(&mel, spec, 1, mel_out) != AVLOC_OK) return 1;
    for (i = 0; i < NM; i++) mel_out[i] = logf(mel_out[i] + 1e-6f);
    if (avloc_mfcc_apply_f32(&mfcc, mel_out, 1, mfcc_out) != AVLOC_OK) return 1;
    mcu_sink = mfcc_out[0] + mfcc_out[NC - 1];
    return 0;
}
