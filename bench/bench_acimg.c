/* Microphone-array imaging speed (avloc_dsp.h avloc_array_*): one acoustic
   image per 1/12 s block (1333 samples at 16 kHz) of an 8 x 8 planar array
   (64 channels), a 36 x 48 camera grid, 100..6000 Hz, n_fft 512, hop 256
   (4 sub-frames): power maps (delay-and-sum and SRP-PHAT) and the MFCC image.
   Best processor time of `reps` images, repeated `rounds` times.

       make -C bench && ../build/bench/bench_acimg [rounds] [reps]
   prints: variant, ms per image, images per second, x real time (12 fps). */
#include "bench_util.h"
#define AVLOC_IMPLEMENTATION
#include "../avloc_dsp.h"
#include <stdio.h>
#include <stdlib.h>

static double time_one(avloc_array_weight w, int mfcc, int rounds, int reps, const float *x, const float *xyz)
{
    avloc_array_config c = avloc_array_config_default();
    avloc_array_f32 a;
    size_t ob, sb;
    void *mem, *scr;
    float *p, *img;
    double best = 1e9;
    int r, k;
    c.n_mics = 64;
    c.mic_xyz = xyz;
    c.frame_length = 1333;
    c.weight = w;
    if (avloc_array_query_f32(&c, &ob, &sb) != AVLOC_OK) return -1;
    mem = malloc(ob);
    scr = malloc(sb);
    if (avloc_array_init_f32(&a, &c, mem, ob) != AVLOC_OK) return -1;
    p = (float *)malloc(a.n_dirs * a.n_band * sizeof *p);
    img = (float *)malloc(a.n_dirs * 12 * sizeof *img);
    for (r = 0; r < rounds; r++) {
        double t0 = cpu_s();
        for (k = 0; k < reps; k++)
            if ((mfcc ? avloc_array_mfcc_f32(&a, x, 1333, img, p, scr, sb) : avloc_array_power_f32(&a, x, 1333, p, scr, sb)) != AVLOC_OK)
                return -1;
        t0 = (cpu_s() - t0) / reps;
        best = t0 < best ? t0 : best;
    }
    avloc_array_destroy_f32(&a);
    free(mem); free(scr); free(p); free(img);
    return best;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 5, reps = argc > 2 ? atoi(argv[2]) : 10, i, j;
    float xyz[64 * 3], *x = (float *)malloc(1333 * 64 * sizeof(float));
    unsigned s = 1;
    double t;
    for (i = 0; i < 8; i++)
        for (j = 0; j < 8; j++) {
            xyz[3 * (i * 8 + j)] = (float)(j - 3.5) * 0.03f;
            xyz[3 * (i * 8 + j) + 1] = (float)(i - 3.5) * 0.03f;
            xyz[3 * (i * 8 + j) + 2] = 0.0f;
        }
    for (i = 0; i < 1333 * 64; i++) { s = s * 1103515245u + 12345u; x[i] = (float)((s >> 8) & 0xffff) / 65536.0f - 0.5f; }
    printf("| variant | ms / image | images / s | x real time (12 fps) |\n|---|---|---|---|\n");
    t = time_one(AVLOC_ARRAY_DAS, 0, rounds, reps, x, xyz);
    printf("| delay-and-sum power map | %.2f | %.1f | %.1f |\n", t * 1e3, 1 / t, 1 / t / 12);
    t = time_one(AVLOC_ARRAY_PHAT, 0, rounds, reps, x, xyz);
    printf("| SRP-PHAT power map | %.2f | %.1f | %.1f |\n", t * 1e3, 1 / t, 1 / t / 12);
    t = time_one(AVLOC_ARRAY_DAS, 1, rounds, reps, x, xyz);
    printf("| delay-and-sum + MFCC image | %.2f | %.1f | %.1f |\n", t * 1e3, 1 / t, 1 / t / 12);
    free(x);
    return 0;
}
