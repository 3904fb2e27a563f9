/* cmd_acimg.c - `avloc acimg array|synth`: acoustic images (docs/acimg.md).
   Included by avloc.c.

     avloc acimg array ARRAY.wav --geometry mics.csv [--grid 36x48]
           [--width 640 --height 480 --hfov 60] -o img.npy
           [--energy-out energy.npy] [--heat-out heat.png]

   mics.csv: a header row `x,y,z`, then one microphone per row in channel
   order, metres in the camera frame (x right, y down, z forward). The clip
   is cut into blocks of sample_rate/fps samples; their beam power maps are
   averaged into one acoustic image: img.npy float32 (rows, cols, 12),
   energy.npy float32 (rows, cols), heat.png the energy map as a figure
   over the camera's pixel grid (cell (i, j) fills its block of pixels; axes
   in pixels, colour bar). --frames-out writes
   every block's image (n, rows, cols, 12). Prints one JSON line. */

#define ACIMG_MAX_MICS 4096

/* mics.csv -> malloc'd n x 3 floats. */
static int acimg_read_geometry(const char *cmd, const char *path, float **xyz, size_t *n)
{
    unsigned char *buf = NULL;
    size_t len, cap = 0, line = 1;
    char *p, *end;
    avloc_io_status s = avloc_io_read_file(path, &buf, &len);
    *xyz = NULL;
    *n = 0;
    if (s != AVLOC_IO_OK) {
        avcli_error(cmd, "%s: %s%s%s", path, avloc_io_strerror(s), s == AVLOC_IO_ERR_OPEN ? ": " : "",
                    s == AVLOC_IO_ERR_OPEN ? strerror(errno) : "");
        return 0;
    }
    p = (char *)realloc(buf, len + 1);
    if (!p) { free(buf); avcli_error(cmd, "out of memory"); return 0; }
    p[len] = 0;
    buf = (unsigned char *)p;
    end = strchr(p, '\n');
    {   /* header: x,y,z (spaces and a CR tolerated) */
        char hdr[32];
        size_t hl = end ? (size_t)(end - p) : strlen(p), i, k = 0;
        for (i = 0; i < hl && k + 1 < sizeof hdr; i++)
            if (p[i] != ' ' && p[i] != '\r' && p[i] != '\t') hdr[k++] = p[i];
        hdr[k] = 0;
        if (strcmp(hdr, "x,y,z") != 0) {
            avcli_error(cmd, "%s: the first line must be the header 'x,y,z'", path);
            free(buf);
            return 0;
        }
    }
    while (end) {
        double v[3];
        int k;
        char *q = end + 1, *e;
        line++;
        end = strchr(q, '\n');
        while (*q == ' ' || *q == '\t' || *q == '\r') q++;
        if (*q == '\n' || *q == 0) continue; /* blank line */
        for (k = 0; k < 3; k++) {
            errno = 0;
            v[k] = strtod(q, &e);
            if (e == q || errno == ERANGE || !(v[k] - v[k] == 0) || fabs(v[k]) > FLT_MAX) break; /* float Inf */
            q = e;
            while (*q == ' ' || *q == '\t') q++;
            if (k < 2) {
                if (*q != ',') break;
                q++;
            }
        }
        while (*q == ' ' || *q == '\t' || *q == '\r') q++;
        if (k < 3 || (*q != '\n' && *q != 0)) {
            avcli_error(cmd, "%s:%lu: expected three finite numbers x,y,z", path, (unsigned long)line);
            free(buf);
            free(*xyz);
            *xyz = NULL;
            return 0;
        }
        if (*n == ACIMG_MAX_MICS) {
            avcli_error(cmd, "%s: more than %d microphones", path, ACIMG_MAX_MICS);
            free(buf);
            free(*xyz);
            *xyz = NULL;
            return 0;
        }
        if (*n == cap) {
            float *t;
            cap = cap ? 2 * cap : 64;
            t = (float *)realloc(*xyz, cap * 3 * sizeof **xyz);
            if (!t) { free(buf); free(*xyz); *xyz = NULL; avcli_error(cmd, "out of memory"); return 0; }
            *xyz = t;
        }
        for (k = 0; k < 3; k++) (*xyz)[3 * *n + (size_t)k] = (float)v[k];
        (*n)++;
    }
    free(buf);
    if (*n == 0) { avcli_error(cmd, "%s: no microphone rows after the header", path); return 0; }
    return 1;
}

/* "36x48" -> rows, cols */
static int acimg_parse_grid(const char *cmd, const char *s, size_t *rows, size_t *cols)
{
    char *e;
    unsigned long r, c;
    errno = 0;
    r = strtoul(s, &e, 10);
    if (e == s || (*e != 'x' && *e != 'X') || errno) goto bad;
    s = e + 1;
    c = strtoul(s, &e, 10);
    if (e == s || *e || errno || r == 0 || c == 0 || r > 4096 || c > 4096) goto bad;
    *rows = r;
    *cols = c;
    return 1;
bad:
    avcli_error(cmd, "--grid expects ROWSxCOLS (1..4096 each), e.g. 36x48");
    return 0;
}

/* Energy map of an MFCC image (rows*cols x (m->n_mfcc - 1)) into e. */
static int acimg_energy(const char *cmd, const avloc_mfcc_f32 *m, const float *img, size_t n, float *e)
{
    size_t sb = 0;
    void *s;
    avloc_result r = avloc_acimg_energy_query(m, &sb);
    if (r != AVLOC_OK || !(s = avcli_malloc(cmd, sb, 1))) {
        if (r != AVLOC_OK) avcli_error(cmd, "energy: %s", avloc_result_str(r));
        return 0;
    }
    r = avloc_acimg_energy_f32(m, img, n, e, s, sb);
    free(s);
    if (r != AVLOC_OK) avcli_error(cmd, "energy: %s", avloc_result_str(r));
    return r == AVLOC_OK;
}

/* Writes img.npy, energy.npy, heat.png as asked and prints the JSON line
   {rows, cols, frames, peak_row, peak_col, energy_max, energy_mean}. */
static int acimg_outputs(const char *cmd, const avloc_mfcc_f32 *m, const float *img, size_t rows, size_t cols,
                         size_t frames, const char *out, const char *energy_out, const char *heat_out, unsigned w,
                         unsigned h)
{
    const size_t n = rows * cols, nc = m->n_mfcc - 1;
    size_t shape[3], i, best = 0;
    double mean = 0.0;
    float *e = (float *)avcli_malloc(cmd, n, sizeof(float));
    int ok = 0;
    avloc_io_json j;
    if (!e || !acimg_energy(cmd, m, img, n, e)) goto done;
    shape[0] = rows; shape[1] = cols; shape[2] = nc;
    if (!avcli_check_write(cmd, out, avloc_io_npy_save_f32(out, img, shape, 3))) goto done;
    if (energy_out && !avcli_check_write(cmd, energy_out, avloc_io_npy_save_f32(energy_out, e, shape, 2))) goto done;
    if (heat_out && !avcli_save_heat(cmd, heat_out, e, rows, cols, NULL, w, h, "acoustic image: energy per direction",
                                     "energy (relative, from MFCC c1..)"))
        goto done;
    for (i = 0; i < n; i++) { mean += e[i]; if (e[i] > e[best]) best = i; }
    avloc_io_json_begin(&j, stdout);
    avloc_io_json_int(&j, "rows", (long long)rows);
    avloc_io_json_int(&j, "cols", (long long)cols);
    avloc_io_json_int(&j, "frames", (long long)frames);
    avloc_io_json_int(&j, "peak_row", (long long)(best / cols));
    avloc_io_json_int(&j, "peak_col", (long long)(best % cols));
    avloc_io_json_num(&j, "energy_max", e[best]);
    avloc_io_json_num(&j, "energy_mean", mean / (double)n);
    avloc_io_json_end(&j);
    ok = 1;
done:
    free(e);
    return ok;
}

/* The acoustic image of a whole clip: blocks of rate/fps samples (at least
   n_fft), their power maps averaged, then MFCC. c: geometry, grid and
   camera set by the caller; the rest filled here. On success arr is
   initialised in *mem, *img (n_dirs x n_mfcc) malloc'd, and with frames !=
   NULL every block's image too (*frames, nb x n_dirs x n_mfcc). */
static int acimg_clip(const char *cmd, avloc_array_config *c, const avloc_io_audio *au, double fps, double fmax,
                      avloc_array_f32 *arr, void **mem, float **img, float **frames, size_t *nb)
{
    size_t ob = 0, sb = 0, npd, t, i;
    float *pw = NULL, *acc = NULL;
    void *scr = NULL;
    avloc_result r;
    int ok = 0;
    c->sample_rate = (float)au->sample_rate;
    c->frame_length = (size_t)floor((double)au->sample_rate / fps + 0.5);
    if (c->frame_length < c->n_fft) c->frame_length = c->n_fft;
    c->fmax = (float)(fmax < 0.5 * au->sample_rate ? fmax : 0.5 * au->sample_rate);
    *nb = au->frames / c->frame_length;
    *img = NULL;
    if (frames) *frames = NULL;
    if (*nb == 0) {
        avcli_error(cmd, "%lu samples, shorter than one block of %lu (rate/fps, at least the FFT size)",
                    (unsigned long)au->frames, (unsigned long)c->frame_length);
        return 0;
    }
    if ((r = avloc_array_query_f32(c, &ob, &sb)) != AVLOC_OK) { avcli_error(cmd, "array: %s", avloc_result_str(r)); return 0; }
    if (!(*mem = avcli_malloc(cmd, ob, 1)) || !(scr = avcli_malloc(cmd, sb, 1))) goto done;
    if ((r = avloc_array_init_f32(arr, c, *mem, ob)) != AVLOC_OK) { avcli_error(cmd, "array: %s", avloc_result_str(r)); goto done; }
    npd = arr->n_dirs * arr->n_band;
    if (!(pw = (float *)avcli_malloc(cmd, npd, sizeof(float))) || !(acc = (float *)avcli_malloc(cmd, npd, sizeof(float))) ||
        !(*img = (float *)avcli_malloc(cmd, arr->n_dirs * c->n_mfcc, sizeof(float))))
        goto done;
    if (frames && !(*frames = (float *)avcli_malloc(cmd, *nb * arr->n_dirs, c->n_mfcc * sizeof(float)))) goto done;
    memset(acc, 0, npd * sizeof *acc);
    for (t = 0; t < *nb; t++) {
        const float *x = au->samples + t * c->frame_length * c->n_mics;
        r = frames ? avloc_array_mfcc_f32(arr, x, c->frame_length, *frames + t * arr->n_dirs * c->n_mfcc, pw, scr, sb)
                   : avloc_array_power_f32(arr, x, c->frame_length, pw, scr, sb);
        if (r != AVLOC_OK) { avcli_error(cmd, "block %lu: %s", (unsigned long)t, avloc_result_str(r)); goto done; }
        for (i = 0; i < npd; i++) acc[i] += pw[i] / (float)*nb;
    }
    if ((r = avloc_array_power_to_mfcc_f32(arr, acc, *img, scr, sb)) != AVLOC_OK) {
        avcli_error(cmd, "mfcc: %s", avloc_result_str(r));
        goto done;
    }
    ok = 1;
done:
    free(pw);
    free(acc);
    free(scr);
    return ok;
}

typedef struct acimg_array_args {
    const char *geometry, *grid, *out, *energy_out, *heat_out, *frames_out;
    double width, height, hfov, fps, fmax;
    size_t n_fft;
    int phat;
} acimg_array_args;

static int cmd_acimg_array(int argc, char **argv)
{
    const char *cmd = argv[0], *pos[1];
    acimg_array_args a;
    avcli_opt o[13];
    int npos, pr, rc = AVCLI_EXIT_FAIL;
    avloc_io_audio au;
    avloc_array_config c = avloc_array_config_default();
    avloc_array_f32 arr;
    float *xyz = NULL, *img = NULL, *frames = NULL;
    void *mem = NULL;
    size_t nm = 0, nb = 0;
    memset(&a, 0, sizeof a);
    memset(&au, 0, sizeof au);
    memset(&arr, 0, sizeof arr);
    a.grid = "36x48"; a.width = 640; a.height = 480; a.hfov = 60; a.fps = 12; a.fmax = 6000; a.n_fft = 512;
    o[0] = avcli_string("--geometry", &a.geometry, "CSV", "microphone positions: header x,y,z, one row per channel (required)");
    o[1] = avcli_alias(avcli_string("--out", &a.out, "OUT.npy", "acoustic image, float32 (rows, cols, 12) (required)"), "-o");
    o[2] = avcli_string("--grid", &a.grid, "RxC", "grid of directions, rows x cols");
    o[3] = avcli_double("--width", &a.width, 1, 65535, "PX", "camera width in pixels");
    o[4] = avcli_double("--height", &a.height, 1, 65535, "PX", "camera height in pixels");
    o[5] = avcli_double("--hfov", &a.hfov, 1, 179, "DEG", "camera horizontal field of view");
    o[6] = avcli_string("--energy-out", &a.energy_out, "E.npy", "energy-of-sound map, float32 (rows, cols)");
    o[7] = avcli_string("--heat-out", &a.heat_out, "PNG", "energy map as a figure (axes, colour bar) of a width x height frame");
    o[8] = avcli_string("--frames-out", &a.frames_out, "F.npy", "every block's image (n, rows, cols, 12)");
    o[9] = avcli_double("--fps", &a.fps, 0.1, 1000, "F", "acoustic images per second (blocks of rate/fps samples)");
    o[10] = avcli_double("--fmax", &a.fmax, 200, 1e6, "HZ", "highest frequency beamformed (lowest: 100 Hz)");
    o[11] = avcli_flag("--phat", &a.phat, 1, "SRP-PHAT weighting (unit-magnitude spectra) instead of delay-and-sum");
    o[12] = avcli_size("--n-fft", &a.n_fft, 16, 65536, "N", "FFT size of the sub-frames (hop N/2)");
    pr = avcli_parse(argc, argv, o, 13, pos, 1, &npos,
                     "ARRAY.wav --geometry mics.csv [--grid 36x48] [--width 640 --height 480 --hfov 60] -o img.npy "
                     "[--energy-out energy.npy] [--heat-out heat.png]",
                     "Acoustic image of a microphone-array recording (avloc_array_*): frequency-domain\n"
                     "delay-and-sum beamforming towards the camera's grid of directions, the power\n"
                     "spectra averaged over the clip, 12 MFCC per direction (c0 dropped), and the\n"
                     "energy of sound (inverse DCT -> exp -> sum -> reciprocal). Prints a JSON line\n"
                     "with the energy peak's cell.");
    if (pr <= 0) return pr == 0 ? AVCLI_EXIT_OK : AVCLI_EXIT_USAGE;
    if (npos != 1 || !a.geometry || !a.out) {
        avcli_error(cmd, "expected ARRAY.wav, --geometry and -o; see '%s --help'", cmd);
        return AVCLI_EXIT_USAGE;
    }
    if (!acimg_parse_grid(cmd, a.grid, &c.rows, &c.cols)) return AVCLI_EXIT_USAGE;
    if (!acimg_read_geometry(cmd, a.geometry, &xyz, &nm)) goto done;
    if (!avcli_load_wav(cmd, pos[0], 0, &au)) goto done;
    if (au.channels != nm) {
        avcli_error(cmd, "%s has %u channels but %s lists %lu microphones", pos[0], au.channels, a.geometry,
                    (unsigned long)nm);
        goto done;
    }
    c.n_mics = nm; c.mic_xyz = xyz;
    c.width = (float)a.width; c.height = (float)a.height; c.hfov_deg = (float)a.hfov;
    c.n_fft = a.n_fft; c.hop = a.n_fft / 2;
    c.weight = a.phat ? AVLOC_ARRAY_PHAT : AVLOC_ARRAY_DAS;
    if (!acimg_clip(cmd, &c, &au, a.fps, a.fmax, &arr, &mem, &img, a.frames_out ? &frames : NULL, &nb)) goto done;
    if (frames) {
        size_t shape[4];
        shape[0] = nb; shape[1] = c.rows; shape[2] = c.cols; shape[3] = c.n_mfcc;
        if (!avcli_check_write(cmd, a.frames_out, avloc_io_npy_save_f32(a.frames_out, frames, shape, 4))) goto done;
    }
    if (!acimg_outputs(cmd, &arr.mfcc, img, c.rows, c.cols, nb, a.out, a.energy_out, a.heat_out,
                       (unsigned)a.width, (unsigned)a.height))
        goto done;
    rc = AVCLI_EXIT_OK;
done:
    avloc_array_destroy_f32(&arr);
    avloc_io_audio_free(&au);
    free(xyz); free(img); free(frames); free(mem);
    return rc;
}

/* The frame (RGB or grey PPM) as the net's NCHW input in [0, 1]; its size
   must be the net's. */
static int acimg_frame(const char *cmd, const char *path, const avloc_nn_tensor_info *ti, float **x)
{
    avloc_io_image im;
    char msg[160];
    size_t h, w, y, xx, ch;
    *x = NULL;
    if (avloc_io_image_load(path, &im, msg, sizeof msg) != AVLOC_IO_OK) { avcli_error(cmd, "%s: %s", path, msg); return 0; }
    h = ti->shape[2];
    w = ti->shape[3];
    if (im.w != w || im.h != h) {
        avcli_error(cmd, "%s is %ux%u; the network takes %lux%lu frames", path, im.w, im.h, (unsigned long)w, (unsigned long)h);
        avloc_io_image_free(&im);
        return 0;
    }
    if ((*x = (float *)avcli_malloc(cmd, 3 * h * w, sizeof(float))) != NULL)
        for (ch = 0; ch < 3; ch++)
            for (y = 0; y < h; y++)
                for (xx = 0; xx < w; xx++)
                    (*x)[(ch * h + y) * w + xx] =
                        im.pix[y * im.stride + xx * im.channels + (im.channels == 3 ? ch : 0)] / 255.0f;
    avloc_io_image_free(&im);
    return *x != NULL;
}

/* Input checks of a U-VAE file: (1, 12, R, C) MFCC and (1, 3, H, W) frame in, (1, 12, R, C) first out. */
static int acimg_uvae_shapes(const char *cmd, const char *path, const avloc_nn *net, avloc_nn_tensor_info *ti_a,
                             avloc_nn_tensor_info *ti_f)
{
    avloc_nn_tensor_info to;
    if (net->n_inputs == 2 && net->n_outputs >= 1) {
        avloc_nn_input_info(net, 0, ti_a);
        avloc_nn_input_info(net, 1, ti_f);
        avloc_nn_output_info(net, 0, &to);
        if (ti_a->ndim == 4 && ti_a->shape[1] == 12 && ti_f->ndim == 4 && ti_f->shape[1] == 3 && to.ndim == 4 &&
            to.numel == ti_a->numel && to.shape[1] == 12)
            return 1;
    }
    avcli_error(cmd, "%s: not a U-VAE file (inputs (1,12,R,C) MFCC and (1,3,H,W) frame, output (1,12,R,C))", path);
    return 0;
}

static int cmd_acimg_synth(int argc, char **argv)
{
    const char *cmd = argv[0], *pos[1], *weights = NULL, *audio = NULL, *frame = NULL, *out = NULL;
    const char *energy_out = NULL, *heat_out = NULL;
    double width = 640, height = 480;
    avcli_opt o[8];
    int npos, pr, rc = AVCLI_EXIT_FAIL;
    avloc_io_audio au;
    avloc_array_config c = avloc_array_config_default();
    avloc_array_f32 arr;
    avloc_nn net;
    avloc_nn_tensor_info ti_a, ti_f;
    unsigned char *file = NULL;
    float zero3[3] = {0, 0, 0}, fwd[3] = {0, 0, 1}, *mono = NULL, *xa = NULL, *xf = NULL, *y = NULL, *img = NULL;
    float *outs[3] = {NULL, NULL, NULL};
    void *mem = NULL, *nmem = NULL, *arena = NULL, *scratch = NULL;
    size_t size = 0, nb = 0, i, k, n;
    memset(&au, 0, sizeof au);
    memset(&arr, 0, sizeof arr);
    o[0] = avcli_string("--weights", &weights, "UVAE.safetensors", "trained U-VAE (tools/acimg_uvae.py) (required)");
    o[1] = avcli_string("--audio", &audio, "MONO.wav", "one microphone's audio (1/12 s or longer) (required)");
    o[2] = avcli_string("--frame", &frame, "F.ppm", "the video frame, the network's size (required)");
    o[3] = avcli_alias(avcli_string("--out", &out, "OUT.npy", "synthetic acoustic image (rows, cols, 12) (required)"), "-o");
    o[4] = avcli_string("--energy-out", &energy_out, "E.npy", "energy-of-sound map, float32 (rows, cols)");
    o[5] = avcli_string("--heat-out", &heat_out, "PNG", "energy map as a figure (axes, colour bar) of a width x height frame");
    o[6] = avcli_double("--width", &width, 1, 65535, "PX", "heat picture width");
    o[7] = avcli_double("--height", &height, 1, 65535, "PX", "heat picture height");
    pr = avcli_parse(argc, argv, o, 8, pos, 0, &npos,
                     "--weights uvae.safetensors --audio mono.wav --frame F.ppm -o img.npy [--heat-out heat.png]",
                     "Synthetic acoustic image from one microphone and the video frame (U-VAE,\n"
                     "avloc_nn.h): the clip's 12 MFCC (the one-microphone case of 'acimg array')\n"
                     "tiled over the grid and the frame go through the network; the energy of sound\n"
                     "as 'acimg array'. Prints the same JSON line.");
    if (pr <= 0) return pr == 0 ? AVCLI_EXIT_OK : AVCLI_EXIT_USAGE;
    if (!weights || !audio || !frame || !out) {
        avcli_error(cmd, "--weights, --audio, --frame and -o are required; see '%s --help'", cmd);
        return AVCLI_EXIT_USAGE;
    }
    if (!nn_load(cmd, weights, &file, &size, &net, &nmem)) goto done;
    if (!acimg_uvae_shapes(cmd, weights, &net, &ti_a, &ti_f)) goto done;
    if (!avcli_load_wav(cmd, audio, 0, &au)) goto done;
    if (au.channels != 1) { avcli_error(cmd, "%s: %u channels, expected one microphone", audio, au.channels); goto done; }
    /* the mono MFCC: a one-microphone array at the origin, one direction */
    c.n_mics = 1; c.mic_xyz = zero3; c.rows = 1; c.cols = 1; c.directions = fwd;
    if (!acimg_clip(cmd, &c, &au, 12.0, 6000.0, &arr, &mem, &mono, NULL, &nb)) goto done;
    if (!acimg_frame(cmd, frame, &ti_f, &xf)) goto done;
    n = ti_a.shape[2] * ti_a.shape[3];
    if (!(xa = (float *)avcli_malloc(cmd, 12 * n, sizeof(float))) || !(img = (float *)avcli_malloc(cmd, 12 * n, sizeof(float))))
        goto done;
    for (k = 0; k < 12; k++)
        for (i = 0; i < n; i++) xa[k * n + i] = mono[k];
    for (k = 0; k < net.n_outputs && k < 3; k++) {
        avloc_nn_tensor_info to;
        avloc_nn_output_info(&net, k, &to);
        if (!(outs[k] = (float *)avcli_malloc(cmd, to.numel, sizeof(float)))) goto done;
    }
    arena = avcli_malloc(cmd, net.arena_bytes, 1);
    scratch = avcli_malloc(cmd, net.scratch_bytes, 1);
    if (!arena || !scratch || net.n_outputs > 3) goto done;
    {
        const float *ins[2];
        avloc_result r;
        ins[0] = xa;
        ins[1] = xf;
        r = avloc_nn_run_f32(&net, ins, outs, arena, net.arena_bytes, scratch, net.scratch_bytes);
        if (r != AVLOC_OK) { avcli_error(cmd, "inference failed: %s", avloc_result_str(r)); goto done; }
    }
    y = outs[0];
    for (i = 0; i < n; i++) /* NCHW -> (rows, cols, 12) */
        for (k = 0; k < 12; k++) img[i * 12 + k] = y[k * n + i];
    if (!acimg_outputs(cmd, &arr.mfcc, img, ti_a.shape[2], ti_a.shape[3], nb, out, energy_out, heat_out,
                       (unsigned)width, (unsigned)height))
        goto done;
    rc = AVCLI_EXIT_OK;
done:
    avloc_array_destroy_f32(&arr);
    avloc_io_audio_free(&au);
    for (k = 0; k < 3; k++) free(outs[k]);
    free(mono); free(xa); free(xf); free(img); free(mem); free(nmem); free(arena); free(scratch); free(file);
    return rc;
}

static const avcli_cmd cmd_acimg_sub[] = {
    {"array", "ARRAY.wav --geometry mics.csv -o img.npy", "acoustic image of a microphone array (beamforming)",
     cmd_acimg_array, NULL},
    {"synth", "--weights W --audio mono.wav --frame F.ppm -o img.npy", "synthetic acoustic image (U-VAE)",
     cmd_acimg_synth, NULL},
    {NULL, NULL, NULL, NULL, NULL}
};

static const avcli_cmd cmd_acimg_table[] = {
    {"acimg", "array|synth ...", "acoustic images: array beamforming, U-VAE synthesis", NULL, cmd_acimg_sub},
    {NULL, NULL, NULL, NULL, NULL}
};
