/* bench/bench_depth.c - time of the whole audio -> map path (avloc_nn.h's
   audio-to-map section: log-mel of every channel, audio net, quantiser,
   decoder, argmax) on one clip; best processor time of REPS runs, in ms.
   tools/eval_depth.py --time runs it interleaved with torch (docs/depth.md).

     bench_depth WEIGHTS.safetensors CLIP.wav [REPS]   -> "ms_per_clip arena scratch" */
#include "bench_util.h"
#define AVLOC_IMPLEMENTATION
#include "../avloc_dsp.h"
#include "../avloc_nn.h"
#define AVLOC_IO_STATIC
#define AVLOC_IO_IMPLEMENTATION
#include "../examples/avloc_io.h"
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    unsigned char *file = NULL;
    size_t size = 0, ob = 0, wb = 0, mb = 0;
    avloc_nn net;
    avloc_nn_audiomap am;
    avloc_io_audio au;
    void *mem, *obj, *work;
    float *map, *codes;
    double best = 1e30;
    int reps = argc > 3 ? atoi(argv[3]) : 20, i;
    if (argc < 3 || avloc_io_read_file(argv[1], &file, &size) != AVLOC_IO_OK ||
        avloc_io_wav_load(argv[2], 0, &au) != AVLOC_IO_OK) {
        fprintf(stderr, "usage: bench_depth WEIGHTS.safetensors CLIP.wav [REPS]\n");
        return 2;
    }
    if (avloc_nn_query(file, size, &mb) != AVLOC_OK || avloc_nn_init(&net, file, size, mem = malloc(mb), mb) != AVLOC_OK ||
        avloc_nn_audiomap_query(&net, &ob, &wb) != AVLOC_OK ||
        avloc_nn_audiomap_init(&am, &net, obj = malloc(ob), ob) != AVLOC_OK) {
        fprintf(stderr, "bench_depth: %s is not an audio-to-map network\n", argv[1]);
        return 1;
    }
    work = malloc(wb);
    map = (float *)malloc(am.map_h * am.map_w * sizeof(float));
    codes = (float *)malloc(am.code_h * am.code_w * sizeof(float));
    for (i = 0; i < reps; i++) {
        double t0 = cpu_s();
        if (avloc_nn_audiomap_run(&am, au.samples, au.frames, au.channels, map, codes, work, wb) != AVLOC_OK) return 1;
        t0 = cpu_s() - t0;
        if (t0 < best) best = t0;
    }
    printf("%.4f %lu %lu\n", best * 1e3, (unsigned long)net.arena_bytes, (unsigned long)net.scratch_bytes);
    free(work); free(map); free(codes); free(obj); free(mem); free(file);
    avloc_io_audio_free(&au);
    return 0;
}
