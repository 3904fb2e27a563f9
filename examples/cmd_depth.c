/* cmd_depth.c - `avloc depth`: a depth or segmentation map from multichannel
   audio through a VQ-VAE (avloc_nn.h's audio-to-map section; docs/depth.md).
   Included by avloc.c.

     avloc depth --weights depth.safetensors --audio multi.wav -o depth.png
                 [--npy-out map.npy] [--codes-out codes.npy] [--zoom 4]

   The network file says the task and the audio front end; this command
   reads the WAV, runs avloc_nn_audiomap_run and writes the map: a picture
   (depth: near is bright, the colour scale is 0..max_depth from the file's
   metadata; segmentation: one colour per class) and optionally the raw map
   as float32 (H, W) .npy (metres, or class indices). */

/* The map as an RGB image, each cell zoom x zoom pixels. */
static int depth_picture(const char *cmd, const char *path, const float *map, const avloc_nn_audiomap *am,
                         double max_depth, unsigned zoom)
{
    static const unsigned char palette[8][3] = {{40, 40, 48},   {230, 80, 60},  {90, 200, 90},  {70, 120, 240},
                                                {240, 200, 60}, {200, 90, 220}, {80, 210, 220}, {250, 250, 250}};
    avloc_io_image im;
    unsigned x, y;
    int ok;
    if (avloc_io_image_alloc(&im, (unsigned)am->map_w * zoom, (unsigned)am->map_h * zoom, 3) != AVLOC_IO_OK) {
        avcli_error(cmd, "out of memory for the image");
        return 0;
    }
    for (y = 0; y < im.h; y++)
        for (x = 0; x < im.w; x++) {
            float v = map[(y / zoom) * am->map_w + x / zoom];
            unsigned char rgb[3];
            if (am->segmentation) memcpy(rgb, palette[(unsigned)v % 8], 3);
            else avloc_io_colormap(1.0 - v / max_depth, rgb); /* clamps to [0, 1] */
            memcpy(im.pix + y * im.stride + 3 * x, rgb, 3);
        }
    ok = avcli_check_write(cmd, path, avloc_io_png_save(path, &im));
    avloc_io_image_free(&im);
    return ok;
}

/* One line about the map: depth range, or the share of each class. */
static void depth_summary(const float *map, const float *codes, const avloc_nn_audiomap *am)
{
    size_t i, n = am->map_h * am->map_w, nc = am->code_h * am->code_w, distinct = 0, counts[8] = {0};
    unsigned char seen[256];
    memset(seen, 0, sizeof seen);
    for (i = 0; i < nc; i++) {
        unsigned k = (unsigned)codes[i] & 255u;
        distinct += !seen[k];
        seen[k] = 1;
    }
    printf("task: %s, map %lux%lu, latent %lux%lu (%lu distinct codes)\n",
           am->segmentation ? "segmentation" : "depth", (unsigned long)am->map_h, (unsigned long)am->map_w,
           (unsigned long)am->code_h, (unsigned long)am->code_w, (unsigned long)distinct);
    if (!am->segmentation) {
        float lo = map[0], hi = map[0];
        double sum = 0;
        for (i = 0; i < n; i++) {
            lo = map[i] < lo ? map[i] : lo;
            hi = map[i] > hi ? map[i] : hi;
            sum += map[i];
        }
        printf("depth (m): min %.2f mean %.2f max %.2f\n", lo, sum / (double)n, hi);
        return;
    }
    for (i = 0; i < n; i++) counts[(unsigned)map[i] & 7u]++;
    printf("classes (share of pixels):");
    for (i = 0; i < am->out_channels && i < 8; i++) printf(" %lu:%.3f", (unsigned long)i, (double)counts[i] / (double)n);
    printf("\n");
}

static int cmd_depth(int argc, char **argv)
{
    const char *cmd = argv[0], *pos[1], *weights = NULL, *audio = NULL, *out = NULL, *npy = NULL, *codes_out = NULL;
    avcli_opt o[6];
    int npos, pr, rc = AVCLI_EXIT_FAIL, zoom = 4;
    unsigned char *file = NULL;
    size_t size, ob = 0, wb = 0, shape[2];
    avloc_nn net;
    avloc_nn_audiomap am;
    avloc_io_audio au;
    void *mem = NULL, *obj = NULL, *work = NULL;
    float *map = NULL, *codes = NULL, max_depth = 10.0f;
    char md[32];
    avloc_result r;
    memset(&au, 0, sizeof au);
    memset(&am, 0, sizeof am); /* destroyed on every path out */
    o[0] = avcli_string("--weights", &weights, "FILE", "network file from tools/train_depth.py (required)");
    o[1] = avcli_string("--audio", &audio, "IN.wav", "multichannel clip, the channels and rate the file wants (required)");
    o[2] = avcli_alias(avcli_string("--out", &out, "OUT.png", "the map as a picture (required)"), "-o");
    o[3] = avcli_string("--npy-out", &npy, "MAP.npy", "the map as float32 (H, W): metres or class index");
    o[4] = avcli_string("--codes-out", &codes_out, "CODES.npy", "the latent's code indices as float32 (h, w)");
    o[5] = avcli_int("--zoom", &zoom, 1, 16, "N", "picture pixels per map cell (default 4)");
    pr = avcli_parse(argc, argv, o, 6, pos, 0, &npos, "--weights FILE --audio IN.wav -o OUT.png [options]",
                     "Depth or segmentation map from multichannel audio (VQ-VAE path: log-mel of every\n"
                     "channel -> audio net -> nearest codewords -> decoder). The network file's metadata\n"
                     "gives the task, sample rate, channel count and clip length (the first clip_samples\n"
                     "frames of the WAV are used).");
    if (pr <= 0) return pr == 0 ? AVCLI_EXIT_OK : AVCLI_EXIT_USAGE;
    if (!weights || !audio || !out) {
        avcli_error(cmd, "--weights, --audio and -o are required; see '%s --help'", cmd);
        return AVCLI_EXIT_USAGE;
    }
    if (!nn_load(cmd, weights, &file, &size, &net, &mem)) goto done;
    if ((r = avloc_nn_audiomap_query(&net, &ob, &wb)) != AVLOC_OK) {
        avcli_error(cmd, "%s is not an audio-to-map network (%s): see docs/depth.md", weights, avloc_result_str(r));
        goto done;
    }
    obj = avcli_malloc(cmd, ob, 1);
    work = avcli_malloc(cmd, wb, 1);
    if (!obj || !work) goto done;
    if ((r = avloc_nn_audiomap_init(&am, &net, obj, ob)) != AVLOC_OK) {
        avcli_error(cmd, "%s: %s", weights, avloc_result_str(r));
        goto done;
    }
    if (avloc_st_meta(&net.st, "max_depth", md, sizeof md) == AVLOC_OK && atof(md) > 0) max_depth = (float)atof(md);
    if (!avcli_load_wav(cmd, audio, 0, &au)) goto done;
    if ((float)au.sample_rate != am.mel.cfg.sample_rate || au.channels != am.n_channels || au.frames < am.clip_samples) {
        avcli_error(cmd, "%s: %u channel(s) at %u Hz, %lu frames; %s wants %lu channels at %g Hz, >= %lu frames", audio,
                    au.channels, au.sample_rate, (unsigned long)au.frames, weights, (unsigned long)am.n_channels,
                    (double)am.mel.cfg.sample_rate, (unsigned long)am.clip_samples);
        goto done;
    }
    map = (float *)avcli_malloc(cmd, am.map_h * am.map_w, sizeof(float));
    codes = (float *)avcli_malloc(cmd, am.code_h * am.code_w, sizeof(float));
    if (!map || !codes) goto done;
    r = avloc_nn_audiomap_run(&am, au.samples, au.frames, au.channels, map, codes, work, wb);
    if (r != AVLOC_OK) { avcli_error(cmd, "%s: inference failed: %s", audio, avloc_result_str(r)); goto done; }
    depth_summary(map, codes, &am);
    if (!depth_picture(cmd, out, map, &am, max_depth, (unsigned)zoom)) goto done;
    shape[0] = am.map_h;
    shape[1] = am.map_w;
    if (npy && !avcli_check_write(cmd, npy, avloc_io_npy_save_f32(npy, map, shape, 2))) goto done;
    shape[0] = am.code_h;
    shape[1] = am.code_w;
    if (codes_out && !avcli_check_write(cmd, codes_out, avloc_io_npy_save_f32(codes_out, codes, shape, 2))) goto done;
    rc = AVCLI_EXIT_OK;
done:
    avloc_nn_audiomap_destroy(&am);
    avloc_io_audio_free(&au);
    free(map);
    free(codes);
    free(work);
    free(obj);
    free(mem);
    free(file);
    return rc;
}

static const avcli_cmd cmd_depth_table[] = {
    {"depth", "--weights F --audio IN.wav -o OUT.png", "depth/segmentation map from multichannel audio (VQ-VAE)",
     cmd_depth, NULL},
    {NULL, NULL, NULL, NULL, NULL}};
