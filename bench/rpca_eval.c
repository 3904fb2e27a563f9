/* bench/rpca_eval.c - scores one `avloc rpca` (or peer) result on a scene of
   tools/rpca_scenes.py with examples/avloc_eval.h; prints one JSON line.

     rpca_eval SCENE_DIR [--mask M.pgm] [--map MAP.npy] [--audio EST.wav]

   SCENE_DIR holds mask.pgm (truth), target.wav, interferer.wav, mixture.wav.
   --mask: precision, recall, F1 against the truth; --map (float32 .npy, h x w):
   Lc; --audio: SDR/SIR/SAR of the estimate against [target, interferer]
   (512-tap BSS-eval v3), the mixture's SDR and NSDR. */
#define AVLOC_IMPLEMENTATION
#include "../avloc.h"
#define AVLOC_EVAL_IMPLEMENTATION
#include "../examples/avloc_eval.h"
#define AVLOC_IO_IMPLEMENTATION
#define AVLOC_IO_STATIC
#include "../examples/avloc_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, const char *detail)
{
    fprintf(stderr, "rpca_eval: %s: %s\n", what, detail);
    return 1;
}

static int load_mask(const char *path, avloc_io_image *im)
{
    char msg[160];
    if (avloc_io_pgm_load(path, im, msg, sizeof msg) != AVLOC_IO_OK) return fail(path, msg);
    return 0;
}

static int load_mono(const char *path, avloc_io_audio *a)
{
    if (avloc_io_wav_load(path, 0, a) != AVLOC_IO_OK) return fail(path, "cannot read WAV");
    if (a->channels != 1) return fail(path, "expected mono");
    return 0;
}

/* A little-endian float32 C-order .npy with n values; malloc'd. */
static float *load_npy_f32(const char *path, size_t n)
{
    unsigned char *b;
    size_t len, hl, off;
    char hdr[512];
    float *x;
    if (avloc_io_read_file(path, &b, &len) != AVLOC_IO_OK) return NULL;
    if (len < 12 || memcmp(b, "\x93NUMPY", 6) != 0) { free(b); return NULL; }
    hl = b[6] == 1 ? (size_t)b[8] | (size_t)b[9] << 8 : (size_t)b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16;
    off = (b[6] == 1 ? 10 : 12) + hl;
    if (off > len || len - off != n * 4 || hl >= sizeof hdr) { free(b); return NULL; }
    memcpy(hdr, b + off - hl, hl); /* NUL-terminated copy of the dict */
    hdr[hl] = 0;
    if (!strstr(hdr, "'<f4'") || strstr(hdr, "True")) { free(b); return NULL; }
    x = (float *)malloc(n * sizeof *x);
    if (x) memcpy(x, b + off, n * sizeof *x);
    free(b);
    return x;
}

static char *path_in(const char *dir, const char *name)
{
    static char buf[4][1024];
    static int k = 0;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

int main(int argc, char **argv)
{
    const char *dir, *mask = NULL, *map = NULL, *audio = NULL;
    avloc_io_image truth;
    int i, first = 1;
    char line[512], *out = line; /* printed whole at the end: no half JSON on an error */
    if (argc < 2) return fail("usage", "rpca_eval SCENE_DIR [--mask M.pgm] [--map MAP.npy] [--audio EST.wav]");
    dir = argv[1];
    for (i = 2; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--mask")) mask = argv[i + 1];
        else if (!strcmp(argv[i], "--map")) map = argv[i + 1];
        else if (!strcmp(argv[i], "--audio")) audio = argv[i + 1];
        else return fail("unknown option", argv[i]);
    }
    if (load_mask(path_in(dir, "mask.pgm"), &truth)) return 1;
        if (mask) {
        avloc_io_image est;
        avloc_eval_mask_scores s;
        if (load_mask(mask, &est)) return 1;
        if (est.w != truth.w || est.h != truth.h) return fail(mask, "size differs from the truth");
        avloc_eval_mask(est.pix, truth.pix, (size_t)truth.w * truth.h, &s);
        out += sprintf(out, "\"precision\": %.6f, \"recall\": %.6f, \"f1\": %.6f", s.precision, s.recall, s.f1);
        first = 0;
        avloc_io_image_free(&est);
    }
    if (map) {
        double lc;
        float *m = load_npy_f32(map, (size_t)truth.w * truth.h);
        if (!m) return fail(map, "not a float32 .npy of the mask's size");
        if (avloc_eval_lc(m, truth.pix, (size_t)truth.w * truth.h, &lc) != AVLOC_OK) return fail(map, "bad values");
        out += sprintf(out, "%s\"lc\": %.6f", first ? "" : ", ", lc);
        first = 0;
        free(m);
    }
    if (audio) {
        avloc_io_audio t, n, mx, e;
        float *refs;
        size_t len, bytes, k;
        void *work;
        avloc_eval_bss be, bm;
        double nsdr;
        avloc_result r;
        if (load_mono(path_in(dir, "target.wav"), &t) || load_mono(path_in(dir, "interferer.wav"), &n) ||
            load_mono(path_in(dir, "mixture.wav"), &mx) || load_mono(audio, &e))
            return 1;
        len = t.frames;
        if (n.frames != len || mx.frames != len) return fail(dir, "scene WAVs differ in length");
        if (e.frames != len) fprintf(stderr, "rpca_eval: %s has %lu samples, the scene %lu: compared over the shorter\n",
                                     audio, (unsigned long)e.frames, (unsigned long)len);
        if (e.frames < len) len = e.frames;
        refs = (float *)malloc(2 * len * sizeof *refs);
        avloc_eval_bss_query(2, AVLOC_EVAL_FLEN, &bytes);
        work = malloc(bytes);
        if (!refs || !work) return fail("memory", "out of memory");
        for (k = 0; k < len; k++) { refs[k] = t.samples[k]; refs[len + k] = n.samples[k]; }
        r = avloc_eval_nsdr_f32(e.samples, mx.samples, refs, 2, len, 0, AVLOC_EVAL_FLEN, &nsdr, &be, &bm, work, bytes);
        if (r != AVLOC_OK) return fail(audio, avloc_result_str(r));
        out += sprintf(out, "%s\"sdr\": %.4f, \"sir\": %.4f, \"sar\": %.4f, \"sdr_mix\": %.4f, \"nsdr\": %.4f", first ? "" : ", ",
               be.sdr, be.sir, be.sar, bm.sdr, nsdr);
        free(refs); free(work);
        avloc_io_audio_free(&t); avloc_io_audio_free(&n); avloc_io_audio_free(&mx); avloc_io_audio_free(&e);
    }
    printf("{%s}\n", line);
    avloc_io_image_free(&truth);
    return 0;
}
