/* The README's DSP example, compiled by `make` so it cannot rot: MFCCs of a
   mono WAV exactly as torchaudio.transforms.MFCC computes them (n_fft 400,
   hop 200, 128 HTK mels, dB, 40 coefficients), first frame printed.
   usage: mfcc_min speech.wav */
#define AVLOC_IMPLEMENTATION
#include "../avloc_dsp.h"
#define AVLOC_IO_IMPLEMENTATION
#include "avloc_io.h"
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    avloc_io_audio wav;
    size_t n, ob, qb, nf, k;
    float *x, *logmel, *mfcc;
    avloc_result r;
    if (argc != 2) { fprintf(stderr, "usage: %s speech.wav\n", argv[0]); return 2; }
    if (avloc_io_wav_load(argv[1], AVLOC_IO_WAV_PLANAR, &wav) != AVLOC_IO_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], wav.info.msg);
        return 1;
    }
    x = wav.samples; /* planar: the first channel */
    n = wav.frames;

    /* ---- the README's lines ---- */
    avloc_melspec_config mc = avloc_melspec_config_torchaudio_mfcc();
    mc.sample_rate = (float)wav.sample_rate;
    mc.fmax = mc.sample_rate / 2;
    avloc_melspec_f32 ms;
    avloc_melspec_query_f32(&mc, &ob, &qb);              /* how many bytes? */
    avloc_melspec_init_f32(&ms, &mc, malloc(ob), ob);    /* your memory */
    avloc_stft_frames(&mc.stft, n, &nf);                 /* frames of this clip */
    logmel = (float *)malloc(nf * mc.n_mels * sizeof *logmel);
    mfcc = (float *)malloc(nf * mc.n_mfcc * sizeof *mfcc);
    r = avloc_melspec_mfcc_f32(&ms, x, n, logmel, mfcc, nf, malloc(qb), qb);
    if (r != AVLOC_OK) { fprintf(stderr, "%s\n", avloc_result_str(r)); return 1; }
    printf("%zu frames x %zu MFCC; frame 0:", nf, mc.n_mfcc);
    for (k = 0; k < 5; k++) printf(" %.3f", mfcc[k]);
    printf(" ...\n");
    return 0; /* a real program frees what it allocated */
}
