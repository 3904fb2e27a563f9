/* Cortex-M check of the mel-spectrogram object from tables
   (tools/check_mcu_tables.sh): avloc_melspec_init_tables_f32 with the
   window, FFT roots and filterbank of tests/tables_fft.h, built with
   AVLOC_TABLES_ONLY (the query sizes the filterbank by its bound), then
   the dB log-mel of 4 frames. It must link no double libm and no __aeabi_d*
   helper; -DMCU_COMPUTED (avloc_melspec_init_f32) links them, so the check
   can fail. -DMCU_HOST_RUN (a host build with AVLOC_NO_SIMD, run by the
   same script) also checks that the log-mel equals the computed object's
   bit for bit. */
#ifndef MCU_COMPUTED
#define AVLOC_TABLES_ONLY
#endif
#define AVLOC_IMPLEMENTATION
#include "avloc_dsp.h"
#include "tables_fft.h"

#define N_SAMPLES (512 + 3 * 128)
static unsigned char obj_mem[16384], scratch[16384];
static float x[N_SAMPLES], logmel[4 * 40];
volatile float mcu_sink;

static avloc_melspec_config mcu_cfg(void)
{
    avloc_melspec_config c = avloc_melspec_config_torchaudio_db();
    c.stft.n_fft = 512;
    c.stft.hop = 128;
    c.stft.center = 0;
    c.n_mels = 40;
    c.top_db = 80.0f;
    return c;
}

/* the dB log-mel of x from an object made from the tables (computed: 0
   with -DMCU_COMPUTED, or 2) into out; 1 when something fails */
static int mcu_logmel(int computed, unsigned char *mem, float *out)
{
    avloc_melspec_config c = mcu_cfg();
    avloc_melspec_f32 m;
    size_t ob = 0, sb = 0, nf = 0;
    avloc_result r;
    if (avloc_melspec_query_f32(&c, &ob, &sb) != AVLOC_OK || ob > sizeof obj_mem || sb > sizeof scratch ||
        avloc_stft_frames(&c.stft, N_SAMPLES, &nf) != AVLOC_OK || nf != 4)
        return 1;
#ifdef MCU_COMPUTED
    (void)computed;
    r = avloc_melspec_init_f32(&m, &c, mem, ob);
#elif defined(MCU_HOST_RUN)
    r = computed ? avloc_melspec_init_f32(&m, &c, mem, ob)
                 : avloc_melspec_init_tables_f32(&m, &c, &tables_fft_melspec, mem, ob);
#else
    (void)computed;
    r = avloc_melspec_init_tables_f32(&m, &c, &tables_fft_melspec, mem, ob);
#endif
    if (r != AVLOC_OK || avloc_melspec_compute_f32(&m, x, N_SAMPLES, out, nf, scratch, sb) != AVLOC_OK) return 1;
    avloc_melspec_destroy_f32(&m);
    return 0;
}

#ifdef MCU_HOST_RUN
#include <string.h>
static unsigned char obj_mem2[16384];
static float logmel2[4 * 40];
#endif

int main(void)
{
    size_t i;
    for (i = 0; i < N_SAMPLES; i++) x[i] = (float)((i * 7919u) % 61u) / 61.0f - 0.5f;
    if (mcu_logmel(0, obj_mem, logmel)) return 1;
    mcu_sink = logmel[3] + logmel[4 * 40 - 1];
#ifdef MCU_HOST_RUN
    if (mcu_logmel(1, obj_mem2, logmel2)) return 2;
    return memcmp(logmel, logmel2, sizeof logmel) != 0 ? 3 : 0;
#else
    return 0;
#endif
}
