/* The audio-to-map section of avloc_nn.h (docs/depth.md): the shipped depth
   and segmentation networks (data/depth/depth.safetensors, seg.safetensors) on a committed 8-channel
   clip against torch's outputs for the same samples (tools/check_depth.py
   --make-golden): depth within 1e-4 of the map's largest magnitude, class
   maps and code indices identical; the work memory is exact (NaN-filled work
   gives the same maps, one byte less is refused) and bad arguments give
   their error codes. */
#ifndef AVLOC_TEST_SHARED_IMPL /* else the Makefile links the library's objects (tests/impl/) */
#define AVLOC_IMPLEMENTATION
#endif
#include "../avloc_dsp.h"
#include "../avloc_nn.h"
#define AVLOC_IO_STATIC
#define AVLOC_IO_IMPLEMENTATION
#include "../examples/avloc_io.h"
#include "harness.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct loaded {
    unsigned char *file;
    size_t size;
    avloc_nn net;
    void *mem;
} loaded;

static int load_net(const char *path, loaded *l)
{
    size_t ob = 0;
    memset(l, 0, sizeof *l);
    if (avloc_io_read_file(path, &l->file, &l->size) != AVLOC_IO_OK) return 0;
    if (avloc_nn_query(l->file, l->size, &ob) != AVLOC_OK) return 0;
    l->mem = malloc(ob);
    return avloc_nn_init(&l->net, l->file, l->size, l->mem, ob) == AVLOC_OK;
}

static void free_net(loaded *l)
{
    free(l->mem);
    free(l->file);
}

/* One shipped network on the golden clip against torch. */
static void check_task(const char *task, const avloc_io_audio *au)
{
    char path[256];
    loaded l;
    avloc_nn_audiomap am;
    size_t ob = 0, wb = 0, i, n;
    void *obj, *work;
    float *map, *codes;
    th_array gmap, gcodes;
    double e = 0, mx = 0;
    int code_diff = 0;
    snprintf(path, sizeof path, "data/depth/%s.safetensors", task);
    if (!load_net(path, &l)) { CHECK_MSG(0, "cannot load %s", path); free_net(&l); return; }
    snprintf(path, sizeof path, "depth_%s_map.npy", task);
    gmap = th_golden(path);
    snprintf(path, sizeof path, "depth_%s_codes.npy", task);
    gcodes = th_golden(path);
    CHECK_EQ_INT(avloc_nn_audiomap_query(&l.net, &ob, &wb), AVLOC_OK);
    obj = malloc(ob);
    work = malloc(wb + 1);
    CHECK_EQ_INT(avloc_nn_audiomap_init(&am, &l.net, obj, ob), AVLOC_OK);
    CHECK(am.work_bytes == wb);
    CHECK(am.segmentation == (strcmp(task, "seg") == 0));
    n = am.map_h * am.map_w;
    map = (float *)malloc(n * sizeof(float));
    codes = (float *)malloc(am.code_h * am.code_w * sizeof(float));
    memset(work, 0xff, wb + 1); /* NaN bit patterns: nothing may be read before it is written */
    CHECK_EQ_INT(avloc_nn_audiomap_run(&am, au->samples, au->frames, au->channels, map, codes, work, wb), AVLOC_OK);
    CHECK(((unsigned char *)work)[wb] == 0xff);
    /* overlapping buffers (avloc.h, MEMORY): the codes over the map, work over
       the map; refused before anything is written */
    map[0] = 12345.0f;
    CHECK_EQ_INT(avloc_nn_audiomap_run(&am, au->samples, au->frames, au->channels, map, map, work, wb), AVLOC_ERR_PARAM);
    CHECK_EQ_INT(avloc_nn_audiomap_run(&am, au->samples, au->frames, au->channels, map, codes, map, wb), AVLOC_ERR_PARAM);
    CHECK_EQ_INT(avloc_nn_audiomap_run(&am, au->samples, au->frames, au->channels, (float *)obj, codes, work, wb),
                 AVLOC_ERR_PARAM);                                   /* the map over its mel front end */
    CHECK_EQ_INT(avloc_nn_audiomap_run(&am, au->samples, au->frames, au->channels, map, codes, (void *)l.net.tensors, wb),
                 AVLOC_ERR_PARAM);                                   /* work over the network's memory */
    CHECK(map[0] == 12345.0f);
    CHECK_EQ_INT(avloc_nn_audiomap_run(&am, au->samples, au->frames, au->channels, map, codes, work, wb), AVLOC_OK);
    if (gmap.data && gcodes.data && gmap.n == n && gcodes.n == am.code_h * am.code_w) {
        for (i = 0; i < n; i++) {
            e = fmax(e, fabs(map[i] - gmap.data[i]));
            mx = fmax(mx, fabs(gmap.data[i]));
        }
        for (i = 0; i < gcodes.n; i++) code_diff += codes[i] != (float)gcodes.data[i];
        CHECK_MSG(code_diff == 0, "%s: %d code indices differ from torch", task, code_diff);
        if (am.segmentation) CHECK_MSG(e == 0, "%s: class map differs from torch", task);
        else CHECK_MSG(e <= 1e-4 * mx, "%s: max err %.3g of max", task, e / mx);
        printf("  %s vs torch: codes identical: %s, map max err %.2e of max\n", task, code_diff ? "no" : "yes",
               mx > 0 ? e / mx : e);
    } else {
        CHECK_MSG(0, "%s: golden missing or of another size", task);
    }
    /* errors */
    CHECK_EQ_INT(avloc_nn_audiomap_run(&am, au->samples, au->frames, au->channels, map, codes, work, wb - 1),
                 AVLOC_ERR_WORKSPACE);
    CHECK_EQ_INT(avloc_nn_audiomap_run(&am, au->samples, au->frames, au->channels - 1, map, codes, work, wb),
                 AVLOC_ERR_PARAM);
    CHECK_EQ_INT(avloc_nn_audiomap_run(&am, au->samples, am.clip_samples - 1, au->channels, map, codes, work, wb),
                 AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_nn_audiomap_run(&am, NULL, au->frames, au->channels, map, codes, work, wb), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_nn_audiomap_run(&am, au->samples, au->frames, au->channels, NULL, codes, work, wb),
                 AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_nn_audiomap_run(&am, au->samples, au->frames, au->channels, map, NULL, work, wb), AVLOC_OK);
    if (!am.segmentation) { /* the net object under am initialised again with the other network */
        loaded o;
        if (load_net("data/depth/seg.safetensors", &o)) {
            avloc_nn keep = l.net;
            l.net = o.net;
            CHECK_EQ_INT(avloc_nn_audiomap_run(&am, au->samples, au->frames, au->channels, map, codes, work, wb),
                         AVLOC_ERR_STATE);
            l.net = keep;
        } else {
            CHECK_MSG(0, "cannot load data/depth/seg.safetensors");
        }
        free_net(&o);
    }
    avloc_nn_audiomap_destroy(&am); /* releases FFTW3 plans (none otherwise); zeroes */
    CHECK(am.net == NULL);
    CHECK_EQ_INT(avloc_nn_audiomap_run(&am, au->samples, au->frames, au->channels, map, codes, work, wb),
                 AVLOC_ERR_STATE);
    CHECK_EQ_INT(avloc_nn_audiomap_init(&am, &l.net, obj, ob / 2), AVLOC_ERR_WORKSPACE);
    CHECK(am.net == NULL); /* a failed init leaves nothing usable */
    CHECK_EQ_INT(avloc_nn_audiomap_run(&am, au->samples, au->frames, au->channels, map, codes, work, wb),
                 AVLOC_ERR_STATE);
    th_free(&gmap);
    th_free(&gcodes);
    free(map);
    free(codes);
    free(work);
    free(obj);
    free_net(&l);
}

/* Networks that are not audio-to-map ones are refused at query and init. */
static void check_refusals(void)
{
    loaded l;
    avloc_nn blank;
    avloc_nn_audiomap am;
    size_t ob, wb;
    char buf[8];
    CHECK_EQ_INT(avloc_nn_audiomap_query(NULL, &ob, &wb), AVLOC_ERR_NULL);
    memset(&blank, 0, sizeof blank);
    CHECK_EQ_INT(avloc_nn_audiomap_query(&blank, &ob, &wb), AVLOC_ERR_STATE);
    CHECK_EQ_INT(avloc_nn_audiomap_init(NULL, &blank, buf, sizeof buf), AVLOC_ERR_NULL);
    if (!load_net("tests/golden/nn/audio1d.safetensors", &l)) { CHECK(!"cannot load audio1d"); free_net(&l); return; }
    CHECK_EQ_INT(avloc_nn_audiomap_query(&l.net, &ob, &wb), AVLOC_ERR_NOT_FOUND); /* no front-end metadata */
    CHECK_EQ_INT(avloc_nn_audiomap_init(&am, &l.net, buf, sizeof buf), AVLOC_ERR_NOT_FOUND);
    CHECK_EQ_INT(avloc_nn_audiomap_query(&l.net, NULL, &wb), AVLOC_ERR_NULL);
    free_net(&l);
}

int main(void)
{
    avloc_io_audio au;
    memset(&au, 0, sizeof au);
    if (avloc_io_wav_load("data/depth/clip_a.wav", 0, &au) != AVLOC_IO_OK) {
        CHECK(!"cannot read data/depth/clip_a.wav");
        return th_finish("depth");
    }
    CHECK(au.channels == 8);
    check_task("depth", &au);
    check_task("seg", &au);
    check_refusals();
    avloc_io_audio_free(&au);
    return th_finish("depth");
}
