/* The README's minimal example, compiled by `make` so it cannot rot:
   load a GLLiM model file and localise one stereo 16-bit WAV clip.
   usage: locate_min model.safetensors clip.wav */
#define AVLOC_IMPLEMENTATION
#include "../avloc_gllim.h"
#define AVLOC_IO_IMPLEMENTATION
#include "avloc_io.h"
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    size_t file_size = 0, K, L, D, mb, pb, sb, nf, n, i;
    unsigned char *file;
    float *left, *right;
    avloc_io_audio wav;
    avloc_gllim_model model;
    avloc_gllim_posterior post;
    avloc_result r;
    if (argc != 3) { fprintf(stderr, "usage: %s model.safetensors clip.wav\n", argv[0]); return 2; }
    if (avloc_io_read_file(argv[1], &file, &file_size) != AVLOC_IO_OK) { fprintf(stderr, "cannot read %s\n", argv[1]); return 1; }
    if (avloc_io_wav_load(argv[2], 0, &wav) != AVLOC_IO_OK || wav.channels < 2) {
        fprintf(stderr, "%s: not a stereo WAV\n", argv[2]);
        return 1;
    }
    n = wav.frames;
    left = (float *)malloc(n * sizeof *left);
    right = (float *)malloc(n * sizeof *right);
    for (i = 0; i < n; i++) { left[i] = wav.samples[i * wav.channels]; right[i] = wav.samples[i * wav.channels + 1]; }

    /* ---- the README's lines ---- */
    avloc_gllim_load_query(file, file_size, &K, &L, &D, &mb);
    avloc_gllim_load(&model, file, file_size, malloc(mb), mb);
    avloc_gllim_posterior_query(&model, &pb, NULL);
    avloc_gllim_posterior_init(&post, &model, malloc(pb), pb);
    avloc_gllim_clip_scratch(&model.feat, n, &nf, &sb);
    r = avloc_gllim_localize_clip_f32(&model, left, right, n, &post, malloc(sb), sb);
    if (r < 0) { fprintf(stderr, "%s\n", avloc_result_str(r)); return 1; }
    printf("sound at pixel (%.1f, %.1f) from %zu active points\n", post.mean[0], post.mean[1], post.n_active);
    return 0; /* a real program frees what it allocated; the OS does it here */
}
