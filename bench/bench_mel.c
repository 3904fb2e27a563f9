/* bench_mel: STFT + 40-band log-mel and MFCC throughput, one core, float32.

   Config (same as bench/bench_torchaudio.py): 16 kHz, n_fft 512 (32 ms), hop
   160 (10 ms), hann, center with reflect padding, power 2, HTK mel, norm none,
   40 mels, 0..8000 Hz, dB (10 log10, amin 1e-10, top_db 80); MFCC: 13
   coefficients, DCT-II ortho. Signal: 60 s of a deterministic mix of tones, a
   chirp and pseudo-noise (the same formula as the Python script).

   Build: cc -O2 -march=native -Ibench/.. bench/bench_mel.c -lm   (or make -C bench)
   Usage: ./a.out [seconds_of_audio]
   Prints x real time = audio seconds / compute seconds (best of 7 runs). */
#include "bench_util.h"
#define AVLOC_IMPLEMENTATION
#include "../avloc_dsp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void make_signal(float *x, size_t n, double sr)
{
    size_t i;
    unsigned s = 1u;
    for (i = 0; i < n; i++) {
        double t = (double)i / sr;
        s = s * 1664525u + 1013904223u;
        x[i] = (float)(0.3 * sin(2 * 3.14159265358979323846 * 440.0 * t) +
                       0.2 * sin(2 * 3.14159265358979323846 * (200.0 + 50.0 * t) * t) +
                       0.1 * ((double)(s >> 8) / 16777216.0 - 0.5));
    }
}

int main(int argc, char **argv)
{
    const double sr = 16000.0;
    double secs = argc > 1 ? atof(argv[1]) : 60.0;
    size_t n = (size_t)(secs * sr), nf = 0, ob = 0, sb = 0;
    avloc_melspec_config cfg = avloc_melspec_config_torchaudio_mfcc();
    avloc_melspec_f32 m;
    float *x, *mel, *mfcc;
    void *obj, *scr;
    double best_mel = 1e30, best_mfcc = 1e30, best_stft = 1e30, t;
    avloc_complex_f32 *spec;
    avloc_stft_f32 *st;
    int r;
    if (n < 1024) n = 1024;
    cfg.stft.n_fft = 512;
    cfg.stft.win_length = 512;
    cfg.stft.hop = 160;
    cfg.n_mels = 40;
    cfg.n_mfcc = 13;
    if (avloc_melspec_query_f32(&cfg, &ob, &sb) != AVLOC_OK) return 1;
    obj = malloc(ob);
    scr = malloc(sb);
    if (!obj || !scr || avloc_melspec_init_f32(&m, &cfg, obj, ob) != AVLOC_OK) return 1;
    if (avloc_stft_frames(&cfg.stft, n, &nf) != AVLOC_OK) return 1;
    x = (float *)malloc(n * sizeof *x);
    mel = (float *)malloc(nf * 40 * sizeof *mel);
    mfcc = (float *)malloc(nf * 13 * sizeof *mfcc);
    spec = (avloc_complex_f32 *)malloc(nf * 257 * sizeof *spec);
    if (!x || !mel || !mfcc || !spec) return 1;
    make_signal(x, n, sr);
    st = &m.stft;
    for (r = 0; r < 7; r++) {
        t = now_s();
        if (avloc_stft_forward_f32(st, x, n, spec, nf, scr, sb) != AVLOC_OK) return 1;
        t = now_s() - t;
        if (t < best_stft) best_stft = t;
        t = now_s();
        if (avloc_melspec_compute_f32(&m, x, n, mel, nf, scr, sb) != AVLOC_OK) return 1;
        t = now_s() - t;
        if (t < best_mel) best_mel = t;
        t = now_s();
        if (avloc_melspec_mfcc_f32(&m, x, n, mel, mfcc, nf, scr, sb) != AVLOC_OK) return 1;
        t = now_s() - t;
        if (t < best_mfcc) best_mfcc = t;
    }
    printf("avloc, %.0f s of 16 kHz audio, %u frames (n_fft 512, hop 160), one core, best of 7\n",
           (double)n / sr, (unsigned)nf);
    printf("| stage | ms | us/frame | x real time |\n|---|---|---|---|\n");
    printf("| STFT (complex out) | %.2f | %.3f | %.0f |\n", best_stft * 1e3, best_stft * 1e6 / (double)nf,
           (double)n / sr / best_stft);
    printf("| STFT + 40 log-mel (dB) | %.2f | %.3f | %.0f |\n", best_mel * 1e3, best_mel * 1e6 / (double)nf,
           (double)n / sr / best_mel);
    printf("| STFT + log-mel + 13 MFCC | %.2f | %.3f | %.0f |\n", best_mfcc * 1e3, best_mfcc * 1e6 / (double)nf,
           (double)n / sr / best_mfcc);
    printf("checksum %.6f %.6f\n", (double)mel[nf * 20 + 7], (double)mfcc[nf * 6 + 3]);
    free(x); free(mel); free(mfcc); free(spec); free(obj); free(scr);
    return 0;
}
