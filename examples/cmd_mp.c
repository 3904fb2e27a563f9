/* cmd_mp.c - audio-visual matching pursuit subcommands of avloc (avloc_mp.h):
     avmp learn  --video V.y4m --audio A.wav [...] -o dict.safetensors
     avmp code   --dict D --video V --audio A [--atoms N]   -> JSON line per atom
     avmp locate --dict D --video V --audio A [--heat-out heat.png] -> JSON line per frame
     avmp show   dict.safetensors -o kernels.png
   #included by avloc.c after cmd_gllim.c (uses gl_write_file, gl_progress,
   gl_read_model_file from there).

   Preprocessing, the same for learning and coding: audio mixed to mono;
   video as grey Y/255, each pixel's temporal mean removed (a static scene
   carries no event), optionally whitened (--whiten, Olshausen & Field);
   then each modality scaled to unit l2 norm per second of signal, so that
   |ca| and |cv| are on comparable scales. */

#include "../avloc_mp.h"
#include "avloc_pool.h"

/* One loaded and prepared audio-visual pair. */
typedef struct mp_av {
    float *audio, *video;
    size_t na, nf;
    unsigned w, h;
    double rate, fps;
} mp_av;

static void mp_av_free(mp_av *p)
{
    free(p->audio);
    free(p->video);
    memset(p, 0, sizeof *p);
}

static void mp_scale_unit(float *x, size_t n, double seconds)
{
    double s = 0;
    size_t i;
    for (i = 0; i < n; i++) s += (double)x[i] * x[i];
    s = sqrt(s / (seconds > 0 ? seconds : 1.0));
    if (s > 0)
        for (i = 0; i < n; i++) x[i] = (float)(x[i] / s);
}

/* Loads V.y4m + A.wav, checks them, and prepares them (see the top). */
static int mp_load(const char *cmd, const char *vpath, const char *apath, int whiten, mp_av *p)
{
    avloc_io_audio a;
    char msg[160] = "";
    size_t i, px, t;
    avloc_io_status s;
    memset(p, 0, sizeof *p);
    s = avloc_io_y4m_load_grey(vpath, &p->video, &p->nf, &p->w, &p->h, &p->fps, msg, sizeof msg);
    if (s != AVLOC_IO_OK) {
        avcli_error(cmd, "%s: %s", vpath, msg[0] ? msg : avloc_io_strerror(s));
        return 0;
    }
    if (!(p->fps > 0)) {
        avcli_error(cmd, "%s: no frame rate (F tag) in the Y4M header", vpath);
        mp_av_free(p);
        return 0;
    }
    if (!avcli_load_wav(cmd, apath, 0, &a)) { mp_av_free(p); return 0; }
    p->rate = a.sample_rate;
    p->na = a.frames;
    p->audio = (float *)avcli_malloc(cmd, a.frames, sizeof(float));
    if (!p->audio) { avloc_io_audio_free(&a); mp_av_free(p); return 0; }
    for (i = 0; i < a.frames; i++) { /* mono mix */
        double m = 0;
        unsigned c;
        for (c = 0; c < a.channels; c++) m += a.samples[i * a.channels + c];
        p->audio[i] = (float)(m / a.channels);
    }
    avloc_io_audio_free(&a);
    if (!avcli_same_duration(cmd, vpath, p->nf, p->fps, apath, p->na, p->rate)) {
        mp_av_free(p);
        return 0;
    }
    px = (size_t)p->w * p->h;
    for (i = 0; i < px; i++) { /* remove each pixel's temporal mean */
        double m = 0;
        for (t = 0; t < p->nf; t++) m += p->video[t * px + i];
        m /= (double)p->nf;
        for (t = 0; t < p->nf; t++) p->video[t * px + i] -= (float)m;
    }
    if (whiten) {
        size_t sb;
        void *scr;
        avloc_result r = avloc_mp_whiten_query(p->h, p->w, &sb);
        if (r != AVLOC_OK || !(scr = avcli_malloc(cmd, sb, 1))) { mp_av_free(p); return 0; }
        r = avloc_mp_whiten_f32(p->video, p->nf, p->h, p->w, 0.4, scr, sb);
        free(scr);
        if (r != AVLOC_OK) { avcli_error(cmd, "whitening: %s", avloc_result_str(r)); mp_av_free(p); return 0; }
    }
    mp_scale_unit(p->audio, p->na, (double)p->na / p->rate);
    mp_scale_unit(p->video, p->nf * px, (double)p->nf / p->fps);
    return 1;
}

/* Concatenates pairs on a common time line (pair i starts at frame F_i and
   audio sample nint(F_i rate / fps)), with `gap` silent frames between. */
static int mp_concat(const char *cmd, mp_av *pairs, size_t n, size_t gap, mp_av *out)
{
    size_t i, frames = 0, px;
    memset(out, 0, sizeof *out);
    for (i = 0; i < n; i++) {
        if (pairs[i].w != pairs[0].w || pairs[i].h != pairs[0].h || pairs[i].rate != pairs[0].rate ||
            fabs(pairs[i].fps - pairs[0].fps) > 1e-6) {
            avcli_error(cmd, "pair %lu: frame size or rates differ from the first pair", (unsigned long)i + 1);
            return 0;
        }
        frames += pairs[i].nf + (i + 1 < n ? gap : 0);
    }
    *out = pairs[0];
    out->nf = frames;
    out->na = (size_t)floor((double)frames * out->rate / out->fps + 0.5);
    px = (size_t)out->w * out->h;
    out->audio = (float *)avcli_malloc(cmd, out->na, sizeof(float));
    out->video = (float *)avcli_malloc(cmd, frames * px, sizeof(float));
    if (!out->audio || !out->video) { free(out->audio); free(out->video); memset(out, 0, sizeof *out); return 0; }
    memset(out->audio, 0, out->na * sizeof(float));
    memset(out->video, 0, frames * px * sizeof(float));
    for (i = 0, frames = 0; i < n; i++) {
        size_t a0 = (size_t)floor((double)frames * out->rate / out->fps + 0.5);
        size_t na = pairs[i].na < out->na - a0 ? pairs[i].na : out->na - a0;
        memcpy(out->audio + a0, pairs[i].audio, na * sizeof(float));
        memcpy(out->video + frames * px, pairs[i].video, pairs[i].nf * px * sizeof(float));
        frames += pairs[i].nf + gap;
    }
    return 1;
}

/* The dictionary file: tensors audio [K, La], video [K, T, H, W]. */
typedef struct mp_dictfile {
    avloc_mp_config cfg; /* kernel sizes and rates */
    float *audio, *video;
} mp_dictfile;

static int mp_dict_save(const char *cmd, const char *path, const avloc_mp_config *c, const avloc_mp_dict *d)
{
    avloc_st_writer w;
    size_t sa[2], sv[4], total = 0;
    unsigned char *buf = NULL;
    char rate[64], fps[64];
    int pass, ok = 0;
    sa[0] = c->kernels; sa[1] = c->audio_len;
    sv[0] = c->kernels; sv[1] = c->kernel_t; sv[2] = c->kernel_h; sv[3] = c->kernel_w;
    snprintf(rate, sizeof rate, "%.17g", c->audio_rate);
    snprintf(fps, sizeof fps, "%.17g", c->video_fps);
    for (pass = 0; pass < 2; pass++) { /* measure, then write */
        avloc_result r;
        avloc_st_begin(&w, buf, buf ? total : 0);
        avloc_st_add_meta(&w, "audio_rate", rate);
        avloc_st_add_meta(&w, "video_fps", fps);
        avloc_st_add(&w, "audio", AVLOC_ST_F32, 2, sa, d->audio);
        avloc_st_add(&w, "video", AVLOC_ST_F32, 4, sv, d->video);
        r = avloc_st_finish(&w, &total);
        if (r != AVLOC_OK) { avcli_error(cmd, "dictionary encoding: %s", avloc_result_str(r)); break; }
        if (pass == 0 && !(buf = (unsigned char *)avcli_malloc(cmd, total, 1))) break;
        if (pass == 1) ok = gl_write_file(cmd, path, buf, total);
    }
    free(buf);
    return ok;
}

static int mp_all_zero(const float *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (x[i] != 0.0f) return 0;
    return 1;
}

/* A rate from the dictionary's metadata: a whole positive finite number
   ("8000", "29.97"; not "8000Hz"). */
static int mp_meta_rate(const char *meta, double *rate)
{
    char *end = NULL;
    double v = strtod(meta, &end);
    if (end == meta || *end != 0 || !(v > 0) || !(v < 1e9)) return 0;
    *rate = v;
    return 1;
}

/* Every kernel needs both parts (unit-norm kernels, docs/mp.md): an all-zero
   part can never be chosen, and an all-zero dictionary coded nothing and
   exited 0. */
static int mp_dict_nonzero(const char *cmd, const char *path, const mp_dictfile *df)
{
    const size_t la = df->cfg.audio_len, lv = df->cfg.kernel_t * df->cfg.kernel_h * df->cfg.kernel_w;
    size_t k, i;
    for (k = 0; k < df->cfg.kernels; k++) {
        int za = 1, zv = 1;
        for (i = 0; i < la; i++) za &= df->audio[k * la + i] == 0.0f;
        for (i = 0; i < lv; i++) zv &= df->video[k * lv + i] == 0.0f;
        if (za || zv) {
            avcli_error(cmd, "%s: kernel %lu has an all-zero %s part (kernels need unit-norm audio and video)", path,
                        (unsigned long)k, za ? "audio" : "video");
            return 0;
        }
    }
    return 1;
}

static int mp_dict_load(const char *cmd, const char *path, mp_dictfile *df)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    avloc_result st;
    avloc_st_reader rd;
    avloc_st_tensor ta, tv;
    char meta[64];
    int ok = 0;
    memset(df, 0, sizeof *df);
    if (!gl_read_model_file(cmd, path, &buf, &len)) return 0;
    df->cfg = avloc_mp_config_default();
    if ((st = avloc_st_open(&rd, buf, len)) != AVLOC_OK)
        avcli_error(cmd, "%s: not a safetensors file (%s)", path, avloc_result_str(st));
    else if (avloc_st_find(&rd, "audio", &ta) != AVLOC_OK || avloc_st_find(&rd, "video", &tv) != AVLOC_OK)
        avcli_error(cmd, "%s: a dictionary needs tensors 'audio' and 'video'", path);
    else if (ta.ndim != 2 || tv.ndim != 4 || ta.shape[0] != tv.shape[0] || !ta.count || !tv.count)
        avcli_error(cmd, "%s: wrong shapes: audio must be [K, La] and video [K, T, H, W] with the same K", path);
    else if (avloc_st_meta(&rd, "audio_rate", meta, sizeof meta) != AVLOC_OK ||
             !mp_meta_rate(meta, &df->cfg.audio_rate) ||
             avloc_st_meta(&rd, "video_fps", meta, sizeof meta) != AVLOC_OK || !mp_meta_rate(meta, &df->cfg.video_fps))
        avcli_error(cmd, "%s: metadata audio_rate and video_fps missing or not positive numbers", path);
    else if (!(df->audio = (float *)avcli_malloc(cmd, ta.count, sizeof(float))) ||
             !(df->video = (float *)avcli_malloc(cmd, tv.count, sizeof(float))))
        ;
    else if (avloc_st_tensor_f32(&ta, df->audio, ta.count) != AVLOC_OK ||
             avloc_st_tensor_f32(&tv, df->video, tv.count) != AVLOC_OK ||
             !avloc_all_finite_f32(df->audio, ta.count) || !avloc_all_finite_f32(df->video, tv.count))
        avcli_error(cmd, "%s: tensors must be finite floats", path);
    else {
        df->cfg.kernels = ta.shape[0];
        df->cfg.audio_len = ta.shape[1];
        df->cfg.kernel_t = tv.shape[1];
        df->cfg.kernel_h = tv.shape[2];
        df->cfg.kernel_w = tv.shape[3];
        ok = mp_dict_nonzero(cmd, path, df);
    }
    free(buf);
    if (!ok) { free(df->audio); free(df->video); memset(df, 0, sizeof *df); }
    return ok;
}

/* --threads of learn, code and locate. */
static avcli_opt mp_threads_opt(size_t *threads)
{
    return avcli_size("--threads", threads, 0, AVLOC_POOL_MAX, "N",
                      "worker threads (default 0: one per online CPU; every N gives the same atoms)");
}

/* A coder for signal p with the kernel sizes and rates of c, its updates on
   a pool of `threads` workers (0: one per online CPU; the coder picks the
   same atoms for every count). */
typedef struct mp_run {
    avloc_mp_coder coder;
    avloc_pool pool; /* outlives the coder: its config points here */
    void *mem, *scratch;
    size_t sbytes;
} mp_run;

static void mp_run_free(mp_run *r)
{
    avloc_mp_coder_destroy(&r->coder);
    avloc_pool_uninit(&r->pool);
    free(r->mem);
    free(r->scratch);
}

static int mp_run_init(const char *cmd, mp_run *r, avloc_mp_config c, const mp_av *p, int low_memory, size_t threads)
{
    size_t ob;
    avloc_result e;
    memset(r, 0, sizeof *r);
    if (fabs(c.audio_rate - p->rate) > 1e-6 * p->rate || fabs(c.video_fps - p->fps) > 1e-3 * p->fps) {
        avcli_error(cmd, "rates differ: dictionary %g Hz / %g fps, files %g Hz / %g fps", c.audio_rate, c.video_fps,
                    p->rate, p->fps);
        return 0;
    }
    c.audio_samples = p->na; c.frames = p->nf; c.height = p->h; c.width = p->w;
    c.low_memory = low_memory;
    (void)avloc_pool_init_auto(&r->pool, threads); /* fewer where threads cannot start */
    c.threads = r->pool.th;
    if ((e = avloc_mp_coder_query(&c, &ob, &r->sbytes)) != AVLOC_OK) {
        avcli_error(cmd, "%s (kernel %lux%lux%lu frames x rows x cols, %lu samples; video %lu frames %ux%u, %lu samples)",
                    e == AVLOC_ERR_SIZE ? "the signal is shorter or smaller than a kernel" : avloc_result_str(e),
                    (unsigned long)c.kernel_t, (unsigned long)c.kernel_h, (unsigned long)c.kernel_w,
                    (unsigned long)c.audio_len, (unsigned long)p->nf, p->w, p->h, (unsigned long)p->na);
        mp_run_free(r);
        return 0;
    }
    if (!(r->mem = avcli_malloc(cmd, ob, 1)) || !(r->scratch = avcli_malloc(cmd, r->sbytes, 1))) {
        mp_run_free(r);
        return 0;
    }
    avloc_mp_coder_init(&r->coder, &c, r->mem, ob);
    return 1;
}

/* Collects every "--video X" / "--audio X" (repeatable) and removes them from argv. */
/* An output image of w x h RGB pixels, or a message saying why not (a
   picture over the PNG writer's limits). */
static int mp_image(const char *cmd, avloc_io_image *im, size_t w, size_t h, const char *path)
{
    avloc_io_status st = w > 0xFFFFFFFFu || h > 0xFFFFFFFFu ? AVLOC_IO_ERR_PARAM
                                                          : avloc_io_image_alloc(im, (unsigned)w, (unsigned)h, 3);
    if (st == AVLOC_IO_OK) return 1;
    avcli_error(cmd, "%s: cannot make a %lu x %lu picture: %s", path, (unsigned long)w, (unsigned long)h,
                avloc_io_strerror(st));
    return 0;
}

static int mp_take_pairs(const char *cmd, int *argc, char **argv, const char **vids, const char **auds, int cap,
                         int *nv, int *na)
{
    int i, o = 1;
    *nv = *na = 0;
    for (i = 1; i < *argc; i++) {
        const char *a = argv[i], *val = NULL;
        int isv = strncmp(a, "--video", 7) == 0 && (a[7] == 0 || a[7] == '=');
        int isa = strncmp(a, "--audio", 7) == 0 && (a[7] == 0 || a[7] == '=');
        if (!isv && !isa) { argv[o++] = argv[i]; continue; }
        if (a[7] == '=') val = a + 8;
        else if (i + 1 < *argc) val = argv[++i];
        else { avcli_error(cmd, "%s needs a value", a); return 0; }
        if ((isv ? *nv : *na) >= cap) { avcli_error(cmd, "too many %s files", isv ? "--video" : "--audio"); return 0; }
        if (isv) vids[(*nv)++] = val; else auds[(*na)++] = val;
    }
    *argc = o;
    for (i = 1; i < *argc; i++) /* --help: the parser prints the usage, no pairs needed */
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return 1;
    if (*nv == 0 || *nv != *na) {
        avcli_error(cmd, "give --video and --audio in pairs (got %d video, %d audio); see '%s --help'", *nv, *na, cmd);
        return 0;
    }
    return 1;
}

static int mp_learn_cb(void *user, size_t iter, size_t iters, double change, size_t atoms)
{
    char extra[64];
    (void)user;
    snprintf(extra, sizeof extra, "change %.4f, %lu atoms", change, (unsigned long)atoms);
    gl_progress("learn", iter, iters, extra);
    return 0;
}

static int cmd_mp_learn(int argc, char **argv)
{
    const char *cmd = argv[0], *out = NULL, *vsize = "8x8x6", *vids[64], *auds[64], *pos[1];
    int nv, na, npos, pr, i, whiten = 0, rc = AVCLI_EXIT_FAIL, low = 0;
    size_t kernels = 10, alen = 1602, atoms = 20, iters = 50, seed = 1, ob = 0, lb = 0, done = 0, threads = 0;
    double eta = 1.0, halflife = 20.0;
    int paper_step = 0, product = 0;
    size_t init = 2;
    double init_power = 100.0;
    unsigned kw, kh, kt;
    char junk;
    avcli_opt o[24];
    size_t no = 0;
    mp_av pairs[64], all;
    mp_run run;
    avloc_mp_config c = avloc_mp_config_default();
    avloc_mp_learn_config lc = avloc_mp_learn_config_default();
    avloc_mp_dict d = {NULL, NULL};
    void *lscr = NULL;
    avloc_result e;
    memset(pairs, 0, sizeof pairs);
    memset(&all, 0, sizeof all);
    (void)ob;
    if (!mp_take_pairs(cmd, &argc, argv, vids, auds, 64, &nv, &na)) {
        if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) nv = -1;
        else return AVCLI_EXIT_USAGE;
    }
    o[no++] = avcli_alias(avcli_string("--output", &out, "DICT", "dictionary to write (.safetensors, required)"), "-o");
    o[no++] = avcli_size("--kernels", &kernels, 1, 4096, "K", "kernels in the dictionary (default 10)");
    o[no++] = avcli_size("--audio-len", &alen, 1, 1 << 22, "N", "audio samples per kernel (default 1602)");
    o[no++] = avcli_string("--video-size", &vsize, "WxHxT", "video kernel columns x rows x frames (default 8x8x6)");
    o[no++] = avcli_size("--atoms", &atoms, 1, 1 << 20, "N", "atoms per coding pass (default 20)");
    o[no++] = avcli_size("--iters", &iters, 1, 1 << 20, "M", "learning iterations at most (default 50)");
    o[no++] = avcli_size("--seed", &seed, 0, 4e9, "S", "initialisation seed (default 1)");
    o[no++] = avcli_double("--eta", &eta, 1e-6, 1e3, "X", "step size (default 1: least-squares step)");
    o[no++] = avcli_double("--eta-halflife", &halflife, 0, 1e9, "N", "iterations for the step to halve (default 20; 0: constant)");
    o[no++] = avcli_flag("--whiten", &whiten, 1, "whiten the video (Olshausen & Field 1/f filter)");
    o[no++] = avcli_flag("--low-memory", &low, 1, "no cross-correlation tables (slower)");
    o[no++] = avcli_flag("--uncoupled", &paper_step, 1, "the paper's step: no cross-modal weighting of the update");
    o[no++] = avcli_flag("--product-score", &product, 1, "select atoms by |ca|*|cv| while learning (bimodal only)");
    o[no++] = avcli_size("--init", &init, 0, 2, "N", "initial kernels: 2 synchronous patches (default), 1 energy patches, 0 noise");
    o[no++] = avcli_double("--init-power", &init_power, 0, 100, "X", "--init 2: positions drawn ~ score^X (default 100)");
    o[no++] = mp_threads_opt(&threads);
    pr = avcli_parse(argc, argv, o, no, pos, 0, &npos, "--video V.y4m --audio A.wav [--video ... --audio ...] -o DICT",
                     "Learns an audio-visual dictionary by AV-MP coding and Hebbian steps (avloc_mp.h).\n"
                     "--video/--audio may be repeated: the pairs are learned together. Progress on stderr.");
    if (pr <= 0) return pr == 0 ? AVCLI_EXIT_OK : AVCLI_EXIT_USAGE;
    if (nv < 0) return AVCLI_EXIT_USAGE;
    if (!out) { avcli_error(cmd, "-o DICT is required"); return AVCLI_EXIT_USAGE; }
    if (!avcli_outputs_writable(cmd, &out, 1)) return AVCLI_EXIT_FAIL;
    if (!isdigit((unsigned char)vsize[0]) || sscanf(vsize, "%ux%ux%u%c", &kw, &kh, &kt, &junk) != 3 ||
        strchr(vsize, '+') || strchr(vsize, ' ') || !kw || !kh || !kt || kw > 4096 || kh > 4096 || kt > 4096) {
        avcli_error(cmd, "--video-size must be WxHxT (e.g. 8x8x6), got '%s'", vsize);
        return AVCLI_EXIT_USAGE;
    }
    for (i = 0; i < nv; i++)
        if (!mp_load(cmd, vids[i], auds[i], whiten, &pairs[i])) goto done;
    if (!mp_concat(cmd, pairs, (size_t)nv, kt, &all)) goto done;
    if (mp_all_zero(all.audio, all.na) || mp_all_zero(all.video, all.nf * all.w * all.h)) {
        /* after the mean removal: a still video or a silent track teaches nothing, and the
           dictionary written would be its random initialisation */
        avcli_error(cmd, "the training %s has no variation: nothing to learn",
                    mp_all_zero(all.audio, all.na) ? "audio" : "video");
        goto done;
    }
    c.kernels = kernels; c.audio_len = alen; c.kernel_w = kw; c.kernel_h = kh; c.kernel_t = kt;
    c.audio_rate = all.rate; c.video_fps = all.fps;
    if (!mp_run_init(cmd, &run, c, &all, low, threads)) goto done;
    lc.atoms = atoms; lc.iters = iters; lc.seed = seed; lc.eta = eta; lc.eta_halflife = halflife; lc.coupled = !paper_step; lc.product_score = product;
    lc.init_from_data = (int)init; lc.init_power = init_power; lc.progress = mp_learn_cb;
    if ((e = avloc_mp_learn_query(&run.coder, &lc, &lb)) != AVLOC_OK) { avcli_error(cmd, "%s", avloc_result_str(e)); goto done_run; }
    d.audio = (float *)avcli_malloc(cmd, kernels * alen, sizeof(float));
    d.video = (float *)avcli_malloc(cmd, kernels * kw * kh * kt, sizeof(float));
    lscr = avcli_malloc(cmd, lb, 1);
    if (!d.audio || !d.video || !lscr) goto done_run;
    e = avloc_mp_learn_f32(&run.coder, &d, all.audio, all.video, &lc, lscr, lb, &done);
    if (e != AVLOC_OK) { avcli_error(cmd, "learning: %s", avloc_result_str(e)); goto done_run; }
    if (done < iters) gl_progress("learn", iters, iters, "converged");
    if (mp_dict_save(cmd, out, &run.coder.cfg, &d)) rc = AVCLI_EXIT_OK;
done_run:
    mp_run_free(&run);
done:
    free(d.audio); free(d.video); free(lscr);
    mp_av_free(&all);
    for (i = 0; i < 64; i++) free(pairs[i].audio), free(pairs[i].video);
    return rc;
}

/* Shared by code and locate: load the dictionary and the pair, code. */
typedef struct mp_coded {
    mp_dictfile df;
    mp_av av;
    avloc_mp_atom *atoms;
    size_t n;
} mp_coded;

static int mp_code_pair(const char *cmd, const char *dict, const char *v, const char *a, size_t atoms, int whiten,
                        int low, size_t threads, mp_coded *cd)
{
    mp_run run;
    avloc_mp_dict d;
    float *ra = NULL, *rv = NULL;
    avloc_result e = AVLOC_ERR_NULL;
    memset(cd, 0, sizeof *cd);
    if (!mp_dict_load(cmd, dict, &cd->df)) return 0;
    if (!mp_load(cmd, v, a, whiten, &cd->av)) return 0;
    if (!mp_run_init(cmd, &run, cd->df.cfg, &cd->av, low, threads)) return 0;
    d.audio = cd->df.audio; d.video = cd->df.video;
    cd->atoms = (avloc_mp_atom *)avcli_malloc(cmd, atoms, sizeof *cd->atoms);
    ra = (float *)avcli_malloc(cmd, cd->av.na, sizeof(float));
    rv = (float *)avcli_malloc(cmd, cd->av.nf * cd->av.w * cd->av.h, sizeof(float));
    if (cd->atoms && ra && rv && (e = avloc_mp_coder_set_dict(&run.coder, &d, run.scratch, run.sbytes)) == AVLOC_OK)
        e = avloc_mp_code_f32(&run.coder, cd->av.audio, cd->av.video, atoms, 0.0f, cd->atoms, &cd->n, ra, rv,
                              run.scratch, run.sbytes);
    if (e != AVLOC_OK && cd->atoms && ra && rv) avcli_error(cmd, "coding: %s", avloc_result_str(e));
    free(ra); free(rv);
    mp_run_free(&run);
    return e == AVLOC_OK;
}

static void mp_coded_free(mp_coded *cd)
{
    free(cd->df.audio); free(cd->df.video); free(cd->atoms);
    mp_av_free(&cd->av);
}

static int mp_pair_opts(int argc, char **argv, const char *args, const char *about, avcli_opt *o, size_t no,
                        const char **v, const char **a)
{
    const char *vids[1], *auds[1], *pos[1];
    int nv, na, npos, pr, help = argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
    if (!help && !mp_take_pairs(argv[0], &argc, argv, vids, auds, 1, &nv, &na)) return -1;
    pr = avcli_parse(argc, argv, o, no, pos, 0, &npos, args, about);
    if (pr <= 0) return pr;
    *v = vids[0]; *a = auds[0];
    return 1;
}

static int cmd_mp_code(int argc, char **argv)
{
    const char *cmd = argv[0], *dict = NULL, *v, *a;
    size_t atoms = 100, i, threads = 0;
    int whiten = 0, low = 0, pr;
    avcli_opt o[5];
    mp_coded cd;
    o[0] = avcli_string("--dict", &dict, "DICT", "dictionary (.safetensors, required)");
    o[1] = avcli_size("--atoms", &atoms, 1, 1 << 24, "N", "atoms to extract (default 100)");
    o[2] = avcli_flag("--whiten", &whiten, 1, "whiten the video (use it if the dictionary was learned so)");
    o[3] = avcli_flag("--low-memory", &low, 1, "no cross-correlation tables (slower)");
    o[4] = mp_threads_opt(&threads);
    pr = mp_pair_opts(argc, argv, "--dict D --video V.y4m --audio A.wav [--atoms N]",
                      "AV-MP decomposition: one JSON line per atom {k, t (s), u, v (pixel of the kernel's\n"
                      "centre), ca, cv}, in the order they were chosen.", o, 5, &v, &a);
    if (pr <= 0) return pr == 0 ? AVCLI_EXIT_OK : AVCLI_EXIT_USAGE;
    if (!dict) { avcli_error(cmd, "--dict is required"); return AVCLI_EXIT_USAGE; }
    if (!mp_code_pair(cmd, dict, v, a, atoms, whiten, low, threads, &cd)) { mp_coded_free(&cd); return AVCLI_EXIT_FAIL; }
    for (i = 0; i < cd.n; i++) {
        const avloc_mp_atom *at = &cd.atoms[i];
        avloc_io_json j;
        avloc_io_json_begin(&j, stdout);
        avloc_io_json_int(&j, "k", (long long)at->k);
        avloc_io_json_num(&j, "t", (double)at->offset / cd.df.cfg.audio_rate);
        avloc_io_json_num(&j, "u", (double)at->col + 0.5 * ((double)cd.df.cfg.kernel_w - 1));
        avloc_io_json_num(&j, "v", (double)at->row + 0.5 * ((double)cd.df.cfg.kernel_h - 1));
        avloc_io_json_num(&j, "ca", at->ca);
        avloc_io_json_num(&j, "cv", at->cv);
        avloc_io_json_end(&j);
    }
    mp_coded_free(&cd);
    return AVCLI_EXIT_OK;
}

static int cmd_mp_locate(int argc, char **argv)
{
    const char *cmd = argv[0], *dict = NULL, *heat_out = NULL, *frames_out = NULL, *v, *a, *mode = "votes";
    size_t atoms = 200, f, i, nf, px, hw, span = 45, threads = 0, shift = (size_t)-1;
    int whiten = 0, low = 0, pr, rc = AVCLI_EXIT_FAIL, votes;
    double du = 0, dv = 0;
    avcli_opt o[10];
    mp_coded cd;
    float *heat = NULL, *acc = NULL;
    double *pos_u = NULL, *pos_v = NULL;
    avloc_io_image shot;
    o[0] = avcli_string("--dict", &dict, "DICT", "dictionary (.safetensors, required)");
    o[1] = avcli_size("--atoms", &atoms, 1, 1 << 24, "N", "atoms to extract (default 200)");
    o[2] = avcli_flag("--whiten", &whiten, 1, "whiten the video (use it if the dictionary was learned so)");
    o[3] = avcli_string("--heat-out", &heat_out, "PNG", "write the heat map (frames side by side) as PNG");
    o[4] = avcli_flag("--low-memory", &low, 1, "no cross-correlation tables (slower)");
    o[5] = avcli_size("--span", &span, 0, 1e6, "N", "heat summed over frames f-N..f+N before locating (default 45, 1.5 s at 29.97 fps)");
    o[6] = avcli_string("--frames-out", &frames_out, "PNG", "write up to 16 frames (x4, side by side) with the located source marked");
    o[7] = avcli_string("--heat", &mode, "votes|atoms", "votes: audio-guided votes (avloc_mp_votes_f32, default); atoms: |ca*cv| over each atom's support");
    o[8] = mp_threads_opt(&threads);
    o[9] = avcli_size("--sync-shift", &shift, 0, 1e6, "N",
                      "votes less their mean N frames before and after (default: a third of the kernel's frames; 0: none)");
    pr = mp_pair_opts(argc, argv, "--dict D --video V.y4m --audio A.wav [--heat-out heat.png]",
                      "Locates the sounding region: codes the pair, turns the atoms into a heat map (--heat votes:\n"
                      "every atom votes |ca| x |video correlation of its kernel| at every position of its frames,\n"
                      "less the same --sync-shift frames before and after: a synchrony contrast, avloc_mp_votes_f32;\n"
                      "--heat atoms: |ca*cv| spread over each atom's video support, avloc_mp_heatmap_f32) and\n"
                      "prints one JSON line per frame {frame, t, u, v}: the heat-weighted centre of the pixels\n"
                      "above half the maximum of the heat summed over frames f-span..f+span, within a\n"
                      "kernel-sized window around it (null when no atom covers the frame).", o, 10, &v, &a);
    if (pr <= 0) return pr == 0 ? AVCLI_EXIT_OK : AVCLI_EXIT_USAGE;
    if (!dict) { avcli_error(cmd, "--dict is required"); return AVCLI_EXIT_USAGE; }
    votes = strcmp(mode, "votes") == 0;
    if (!votes && strcmp(mode, "atoms") != 0) { avcli_error(cmd, "--heat must be votes or atoms, got '%s'", mode); return AVCLI_EXIT_USAGE; }
    {   const char *outs[2];
        outs[0] = heat_out; outs[1] = frames_out;
        if (!avcli_outputs_writable(cmd, outs, 2)) return AVCLI_EXIT_FAIL; }
    if (!mp_code_pair(cmd, dict, v, a, atoms, whiten, low, threads, &cd)) goto done;
    nf = cd.av.nf;
    hw = (size_t)cd.av.w * cd.av.h;
    if (!(heat = (float *)avcli_malloc(cmd, nf * hw, sizeof(float)))) goto done;
    {
        avloc_mp_config c = cd.df.cfg;
        avloc_result r;
        c.audio_samples = cd.av.na; c.frames = nf; c.height = cd.av.h; c.width = cd.av.w;
        if (votes) {
            /* votes sit at the window's centre rounded down: add the half pixel back */
            du = (double)(c.kernel_w - 1) / 2.0 - (double)((c.kernel_w - 1) / 2);
            dv = (double)(c.kernel_h - 1) / 2.0 - (double)((c.kernel_h - 1) / 2);
            r = avloc_mp_votes_f32(&c, cd.df.video, cd.av.video, cd.atoms, cd.n,
                                   shift == (size_t)-1 ? avloc_mp_votes_shift(&c) : shift, heat);
        } else
            r = avloc_mp_heatmap_f32(&c, cd.df.video, cd.atoms, cd.n, heat);
        if (r != AVLOC_OK) { avcli_error(cmd, "heat map: %s", avloc_result_str(r)); goto done; }
    }
    /* evidence over a few frames: a voice and its mouth agree over time,
       a distracter only by chance */
    memset(&shot, 0, sizeof shot);
    if (!(acc = (float *)avcli_malloc(cmd, hw, sizeof(float))) || !(pos_u = (double *)avcli_malloc(cmd, nf, sizeof(double))) ||
        !(pos_v = (double *)avcli_malloc(cmd, nf, sizeof(double))))
        goto done;
    for (f = 0; f < nf; f++) {
        avloc_io_json j;
        double u = 0, vv = 0;
        size_t g, g0 = f > span ? f - span : 0, g1 = f + span + 1 < nf ? f + span + 1 : nf;
        int has, covered = 0;
        memset(acc, 0, hw * sizeof(float));
        for (g = g0; g < g1; g++)
            for (px = 0; px < hw; px++) acc[px] += heat[g * hw + px];
        for (px = 0; px < hw; px++) covered |= heat[f * hw + px] > 0;
        has = covered && avloc_mp_locate_frame_f32(acc, cd.av.h, cd.av.w, cd.df.cfg.kernel_w, cd.df.cfg.kernel_h,
                                            &u, &vv);
        avloc_io_json_begin(&j, stdout);
        avloc_io_json_int(&j, "frame", (long long)f);
        avloc_io_json_num(&j, "t", (double)f / cd.av.fps);
        u += du;
        vv += dv;
        pos_u[f] = has ? u : -1.0;
        pos_v[f] = vv;
        if (has) { avloc_io_json_num(&j, "u", u); avloc_io_json_num(&j, "v", vv); }
        else { avloc_io_json_null(&j, "u"); avloc_io_json_null(&j, "v"); }
        avloc_io_json_end(&j);
    }
    if (heat_out) {
        avloc_io_image im;
        float mx = 0;
        for (i = 0; i < nf * hw; i++) mx = heat[i] > mx ? heat[i] : mx;
        if (!mp_image(cmd, &im, cd.av.w * nf, cd.av.h, heat_out)) goto done;
        for (f = 0; f < nf; f++)
            for (px = 0; px < hw; px++) {
                unsigned char rgb[3];
                avloc_io_colormap(mx > 0 ? heat[f * hw + px] / mx : 0, rgb);
                memcpy(im.pix + (px / cd.av.w) * im.stride + (f * cd.av.w + px % cd.av.w) * 3, rgb, 3);
            }
        px = avcli_check_write(cmd, heat_out, avloc_io_png_save(heat_out, &im));
        avloc_io_image_free(&im);
        if (!px) goto done;
    }
    if (frames_out) { /* the input frames, grey (mean and scaling undone only approximately) */
        static const unsigned char red[3] = {230, 20, 20};
        size_t z = 4, step = nf > 16 ? nf / 16 + 1 : 1, n_show = (nf + step - 1) / step, k, y, x;
        float lo = 0, hi = 0;
        for (i = 0; i < nf * hw; i++) { lo = cd.av.video[i] < lo ? cd.av.video[i] : lo; hi = cd.av.video[i] > hi ? cd.av.video[i] : hi; }
        if (!mp_image(cmd, &shot, n_show * cd.av.w * z, cd.av.h * z, frames_out)) goto done;
        for (k = 0; k < n_show; k++) {
            f = k * step;
            for (y = 0; y < cd.av.h * z; y++)
                for (x = 0; x < cd.av.w * z; x++) {
                    float val = cd.av.video[f * hw + (y / z) * cd.av.w + x / z];
                    unsigned char g = (unsigned char)(255.0f * (hi > lo ? (val - lo) / (hi - lo) : 0.5f));
                    unsigned char *p = shot.pix + y * shot.stride + (k * cd.av.w * z + x) * 3;
                    p[0] = p[1] = p[2] = g;
                }
            if (pos_u[f] >= 0)
                avloc_io_draw_cross(&shot, (double)(k * cd.av.w * z) + (pos_u[f] + 0.5) * z, (pos_v[f] + 0.5) * z,
                                    2.0 * z, red);
        }
        px = avcli_check_write(cmd, frames_out, avloc_io_png_save(frames_out, &shot));
        avloc_io_image_free(&shot);
        if (!px) goto done;
    }
    rc = AVCLI_EXIT_OK;
done:
    free(heat);
    free(acc);
    free(pos_u);
    free(pos_v);
    mp_coded_free(&cd);
    return rc;
}

/* One row per kernel: the audio waveform, then its video frames (x4), grey
   around mid-grey = 0, each modality scaled by its own maximum. */
static int cmd_mp_show(int argc, char **argv)
{
    const char *cmd = argv[0], *out = NULL, *pos[1];
    int npos, pr, rc = AVCLI_EXIT_FAIL;
    avcli_opt o[1];
    mp_dictfile df;
    avloc_io_image im;
    size_t k, t, x, y, K, T, H, W, La, zoom = 4, aw = 240, rowh, width;
    o[0] = avcli_alias(avcli_string("--output", &out, "PNG", "image to write (required)"), "-o");
    pr = avcli_parse(argc, argv, o, 1, pos, 1, &npos, "DICT -o kernels.png",
                     "Draws every kernel of a dictionary: audio waveform, then the video frames left to right.");
    if (pr <= 0) return pr == 0 ? AVCLI_EXIT_OK : AVCLI_EXIT_USAGE;
    if (npos != 1 || !out) { avcli_error(cmd, "expected DICT -o kernels.png"); return AVCLI_EXIT_USAGE; }
    if (!mp_dict_load(cmd, pos[0], &df)) return AVCLI_EXIT_FAIL;
    K = df.cfg.kernels; T = df.cfg.kernel_t; H = df.cfg.kernel_h; W = df.cfg.kernel_w; La = df.cfg.audio_len;
    rowh = (H * zoom > 40 ? H * zoom : 40) + 6;
    width = aw + 8 + T * (W * zoom + 2);
    if (width > 30000 || K * rowh > 30000) { avcli_error(cmd, "dictionary too large to draw"); goto done; }
    if (!mp_image(cmd, &im, width, K * rowh, out)) goto done;
    memset(im.pix, 255, im.stride * im.h);
    for (k = 0; k < K; k++) {
        const float *ka = df.audio + k * La, *kv = df.video + k * T * H * W;
        float ma = 1e-12f, mv = 1e-12f;
        size_t y0 = k * rowh + 3, mid = y0 + (rowh - 6) / 2;
        static const unsigned char blue[3] = {30, 60, 200};
        for (x = 0; x < La; x++) ma = fabsf(ka[x]) > ma ? fabsf(ka[x]) : ma;
        for (x = 0; x < T * H * W; x++) mv = fabsf(kv[x]) > mv ? fabsf(kv[x]) : mv;
        for (x = 0; x < aw; x++) { /* min-max envelope of the samples under each column */
            size_t s0 = x * La / aw, s1 = (x + 1) * La / aw;
            float lo = 0, hi = 0;
            if (s1 <= s0) s1 = s0 + 1;
            for (; s0 < s1 && s0 < La; s0++) { lo = ka[s0] < lo ? ka[s0] : lo; hi = ka[s0] > hi ? ka[s0] : hi; }
            avloc_io_draw_line(&im, (double)x, mid - hi / ma * (rowh - 6) / 2.0, (double)x,
                               mid - lo / ma * (rowh - 6) / 2.0, blue);
        }
        for (t = 0; t < T; t++)
            for (y = 0; y < H * zoom; y++)
                for (x = 0; x < W * zoom; x++) {
                    float val = kv[(t * H + y / zoom) * W + x / zoom] / mv;
                    unsigned char g = (unsigned char)(127.5f + 127.0f * val);
                    unsigned char *p = im.pix + (y0 + y) * im.stride + (aw + 8 + t * (W * zoom + 2) + x) * 3;
                    p[0] = p[1] = p[2] = g;
                }
    }
    if (avcli_check_write(cmd, out, avloc_io_png_save(out, &im))) rc = AVCLI_EXIT_OK;
    avloc_io_image_free(&im);
done:
    free(df.audio); free(df.video);
    return rc;
}

static const avcli_cmd cmd_mp_sub[] = {
    {"learn", "--video V.y4m --audio A.wav -o DICT", "learn an audio-visual dictionary", cmd_mp_learn, NULL},
    {"code", "--dict D --video V --audio A", "AV-MP atoms -> JSON lines", cmd_mp_code, NULL},
    {"locate", "--dict D --video V --audio A", "sounding region per frame -> JSON lines", cmd_mp_locate, NULL},
    {"show", "DICT -o kernels.png", "draw the kernels", cmd_mp_show, NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static const avcli_cmd cmd_mp_table[] = {
    {"avmp", "learn|code|locate|show ...", "audio-visual matching pursuit (avloc_mp.h)", NULL, cmd_mp_sub},
    {NULL, NULL, NULL, NULL, NULL}};
