/* cmd_gllim.c - `avloc gllim train|locate` and `avloc phat train|locate`:
   sound source localisation in camera pixels (Deleforge, Horaud et al.,
   "Mapping sounds onto images using binaural spectrograms") and the paper's
   GCC-PHAT baseline. Included by examples/avloc.c (one translation unit);
   uses the avcli_* helpers defined there.

   DATA
   ----
   A manifest is a CSV file with a header row; the columns `path`, `u` and `v`
   are found by name (others are ignored), paths are relative to the CSV.
   WAVs: 2 channels, channel 0 = LEFT ear, 1 = RIGHT ear.

   GLLIM MODEL FILE (safetensors)
   ------------------------------
   The library's format (avloc_gllim_save / avloc_gllim_load, see
   avloc_gllim.h): tensors pi [K], c [K,2], Gamma [K,2,2], A [K,D,2], b [K,D],
   sigma2 [1,D] ("d*"), [K,D] ("d"), [K,1] ("i") or [1,1] ("i*"); metadata
   format=avloc-gllim, version=1, sigma_type, K, L, D, sample_rate, n_fft,
   hop, first_bin, n_bins, threshold_db, threshold_relative, image_width,
   image_height, hfov_deg, obs_weight (tempering, applied by the library's
   posterior). The CLI adds what the library cannot hold yet: metadata
   window=hann, frame_var_scale, coherence settings, train_* (provenance),
   and the optional tensor frame_var [D] (mean within-clip
   variance of the frame features of the training clips, see --frame-var).
   The feature configuration, the camera and the localisation defaults travel
   with the model, so `locate` needs nothing but the model and the WAVs.

   PHAT MODEL FILE (JSON, one object)
   ----------------------------------
   {"format":"avloc-phat","version":1,"sample_rate":..,"frame_length":..,
    "n_fft":..,"hop":..,"max_lag":..,"upsample":..,"slope":..,"intercept":..,
    "rmse_px":..,"n_train":..,"image_width":..,"image_height":..,"hfov_deg":..}
   u = slope * delay_samples + intercept (least squares on the training set).
*/
#define AVLOC_GLLIM_DSP /* featcfg <-> binaural config glue */
#include "../avloc_gllim.h"
#include <time.h>

/* ------------------------------------------------------------ utilities */

typedef struct gl_buf {
    void *p;
    size_t cap;
} gl_buf;

/* Grow-only buffer; NULL (and an error message) when out of memory. */
static void *gl_grow(const char *cmd, gl_buf *b, size_t count, size_t elem)
{
    size_t n;
    if (!avloc_size_mul(count, elem, &n)) { avcli_error(cmd, "size overflow"); return NULL; }
    if (n == 0) n = 1;
    if (n > b->cap) {
        void *q = realloc(b->p, n);
        if (!q) { avcli_error(cmd, "out of memory (%lu bytes)", (unsigned long)n); return NULL; }
        b->p = q;
        b->cap = n;
    }
    return b->p;
}

static void gl_free(gl_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->cap = 0;
}

/* Processor time in seconds: the commands are single-threaded, so this is
   the one-core cost that the real-time factors report. */
static double gl_cpu(void)
{
    return (double)clock() / (double)CLOCKS_PER_SEC;
}

static void gl_progress(const char *what, size_t done, size_t total, const char *extra)
{
    char bar[33];
    size_t i, fill = total ? (done * 32) / total : 32;
    for (i = 0; i < 32; i++) bar[i] = i < fill ? '#' : '.';
    bar[32] = '\0';
    fprintf(stderr, "\r%-9s [%s] %4lu/%-4lu %s", what, bar, (unsigned long)done, (unsigned long)total,
            extra ? extra : "");
    if (done >= total) fputc('\n', stderr);
    fflush(stderr);
}

static int gl_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* mean, median and max of |x| over n values (x is reordered). */
static void gl_stats(double *x, size_t n, double *mean, double *median, double *mx)
{
    size_t i;
    double s = 0.0, m = 0.0;
    if (n == 0) { *mean = *median = *mx = NAN; return; }
    for (i = 0; i < n; i++) {
        x[i] = fabs(x[i]);
        s += x[i];
        if (x[i] > m) m = x[i];
    }
    qsort(x, n, sizeof *x, gl_cmp_double);
    *mean = s / (double)n;
    *median = n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
    *mx = m;
}

/* dir of `csv` + "/" + rel (rel unchanged when absolute or csv has no dir). */
static char *gl_join(const char *csv, const char *rel)
{
    const char *slash = strrchr(csv, '/');
    size_t dl = (rel[0] == '/' || !slash) ? 0 : (size_t)(slash - csv) + 1, rl = strlen(rel);
    char *s = (char *)malloc(dl + rl + 1);
    if (!s) return NULL;
    memcpy(s, csv, dl);
    memcpy(s + dl, rel, rl + 1);
    return s;
}

/* ------------------------------------------------------------- camera */
/* Pinhole camera on the head's optical axis: u right, v down, principal
   point at the image centre, f = (W/2) / tan(hfov/2). Angles follow the
   simulator (SOFA): azimuth positive to the LEFT, elevation positive up. */
typedef struct gl_camera {
    double w, h, hfov_deg, f;
} gl_camera;

static gl_camera gl_camera_make(double w, double h, double hfov_deg)
{
    gl_camera c;
    c.w = w > 0 ? w : 640.0;
    c.h = h > 0 ? h : 480.0;
    c.hfov_deg = hfov_deg > 0 && hfov_deg < 180 ? hfov_deg : 60.0;
    c.f = 0.5 * c.w / tan(0.5 * c.hfov_deg * 3.14159265358979323846 / 180.0);
    return c;
}

static void gl_camera_angles(const gl_camera *c, double u, double v, double *az, double *el)
{
    const double r2d = 180.0 / 3.14159265358979323846;
    double x = u - 0.5 * c->w, y = v - 0.5 * c->h;
    *az = atan2(-x, c->f) * r2d;
    *el = atan2(-y, sqrt(c->f * c->f + x * x)) * r2d;
}

/* ------------------------------------------------------------ manifest */

typedef struct gl_item {
    char *path; /* resolved (malloc'd) */
    char *name; /* as written in the CSV or on the command line (malloc'd) */
    double u, v;
    int has_truth;
} gl_item;

typedef struct gl_list {
    gl_item *it;
    size_t n;
} gl_list;

static void gl_list_free(gl_list *l)
{
    size_t i;
    for (i = 0; i < l->n; i++) { free(l->it[i].path); free(l->it[i].name); }
    free(l->it);
    l->it = NULL;
    l->n = 0;
}

/* Splits one CSV line in place (RFC 4180 quotes, "" escapes). Returns the
   number of fields (at most cap). */
static size_t gl_csv_fields(char *line, char **f, size_t cap)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        char *out = p, *start = p;
        if (*p == '"') {
            p++;
            for (;;) {
                if (*p == '\0') break;
                if (*p == '"') {
                    if (p[1] == '"') { *out++ = '"'; p += 2; continue; }
                    p++;
                    break;
                }
                *out++ = *p++;
            }
            while (*p && *p != ',') p++;
        } else {
            while (*p && *p != ',') p++;
            out = p;
        }
        if (n < cap) f[n++] = start;
        if (*p == ',') { *out = '\0'; p++; continue; }
        *out = '\0';
        break;
    }
    return n;
}

static int gl_parse_num(const char *s, double *v)
{
    char *end;
    double d;
    while (*s == ' ') s++;
    d = strtod(s, &end);
    while (*end == ' ') end++;
    if (end == s || *end || !(d - d == 0.0)) return 0;
    *v = d;
    return 1;
}

/* Reads path,u,v rows (columns found by header name). */
static int gl_manifest_load(const char *cmd, const char *csv, gl_list *out)
{
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0, lineno = 0;
    int ip = -1, iu = -1, iv = -1, ok = 1;
    char *p, *f[64];
    avloc_io_status s = avloc_io_read_file(csv, &buf, &len);
    memset(out, 0, sizeof *out);
    if (s != AVLOC_IO_OK) {
        if (s == AVLOC_IO_ERR_OPEN) avcli_error(cmd, "%s: cannot open manifest: %s", csv, strerror(errno));
        else avcli_error(cmd, "%s: %s", csv, avloc_io_strerror(s));
        return 0;
    }
    {
        unsigned char *t = (unsigned char *)realloc(buf, len + 1);
        if (!t) { free(buf); avcli_error(cmd, "out of memory"); return 0; }
        buf = t;
        buf[len] = '\0';
    }
    p = (char *)buf;
    if (len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF) p += 3; /* UTF-8 BOM */
    while (ok && *p) {
        char *nl = strchr(p, '\n'), *next = nl ? nl + 1 : p + strlen(p);
        size_t nf, k;
        if (nl) *nl = '\0';
        if (nl && nl > p && nl[-1] == '\r') nl[-1] = '\0';
        lineno++;
        if (*p == '\0') { p = next; continue; }
        nf = gl_csv_fields(p, f, 64);
        if (ip < 0) { /* header */
            for (k = 0; k < nf; k++) {
                if (strcmp(f[k], "path") == 0) ip = (int)k;
                else if (strcmp(f[k], "u") == 0) iu = (int)k;
                else if (strcmp(f[k], "v") == 0) iv = (int)k;
            }
            if (ip < 0 || iu < 0 || iv < 0) {
                avcli_error(cmd, "%s: header must name the columns path, u and v (got '%s'...)", csv, f[0]);
                ok = 0;
            }
            p = next;
            continue;
        }
        if ((int)nf <= ip || (int)nf <= iu || (int)nf <= iv) {
            avcli_error(cmd, "%s:%lu: %lu fields, the header needs more", csv, (unsigned long)lineno, (unsigned long)nf);
            ok = 0;
            break;
        }
        if (out->n == cap) {
            gl_item *t;
            cap = cap ? 2 * cap : 64;
            t = (gl_item *)realloc(out->it, cap * sizeof *t);
            if (!t) { avcli_error(cmd, "out of memory"); ok = 0; break; }
            out->it = t;
        }
        {
            gl_item *it = &out->it[out->n];
            memset(it, 0, sizeof *it);
            if (!gl_parse_num(f[iu], &it->u) || !gl_parse_num(f[iv], &it->v)) {
                avcli_error(cmd, "%s:%lu: u and v must be numbers (got '%s', '%s')", csv, (unsigned long)lineno,
                            f[iu], f[iv]);
                ok = 0;
                break;
            }
            if (f[ip][0] == '\0') {
                avcli_error(cmd, "%s:%lu: empty path", csv, (unsigned long)lineno);
                ok = 0;
                break;
            }
            it->path = gl_join(csv, f[ip]);
            it->name = gl_join("", f[ip]);
            it->has_truth = 1;
            if (!it->path || !it->name) { free(it->path); free(it->name); avcli_error(cmd, "out of memory"); ok = 0; break; }
            out->n++;
        }
        p = next;
    }
    free(buf);
    if (ok && ip < 0) { avcli_error(cmd, "%s: empty manifest", csv); ok = 0; }
    if (ok && out->n == 0) { avcli_error(cmd, "%s: no rows after the header", csv); ok = 0; }
    if (!ok) gl_list_free(out);
    return ok;
}

static int gl_list_from_args(const char *cmd, const char *const *pos, int npos, gl_list *out)
{
    int i;
    memset(out, 0, sizeof *out);
    out->it = (gl_item *)calloc((size_t)npos, sizeof *out->it);
    if (!out->it) { avcli_error(cmd, "out of memory"); return 0; }
    for (i = 0; i < npos; i++) {
        out->it[i].path = gl_join("", pos[i]);
        out->it[i].name = gl_join("", pos[i]);
        out->n++;
        if (!out->it[i].path || !out->it[i].name) { avcli_error(cmd, "out of memory"); gl_list_free(out); return 0; }
    }
    return 1;
}

/* ---------------------------------------------------------- stereo audio */

typedef struct gl_audio {
    gl_buf lr;        /* left then right, frames each */
    float *left, *right;
    size_t frames;
    double rate;
} gl_audio;

/* Loads a 2-channel WAV into planar float. need_rate > 0: must match. */
static int gl_audio_load(const char *cmd, const char *path, double need_rate, size_t min_frames, gl_audio *au)
{
    avloc_io_audio a;
    size_t i;
    float *p;
    if (!avcli_load_wav(cmd, path, 0, &a)) return 0;
    if (a.channels < 2) {
        avcli_error(cmd, "%s: mono WAV; binaural localisation needs 2 channels (0 = left ear, 1 = right ear)", path);
        avloc_io_audio_free(&a);
        return 0;
    }
    if (a.channels > 2) avcli_warn(cmd, "%s: %u channels; using channel 0 as left and 1 as right", path, a.channels);
    if (need_rate > 0 && fabs((double)a.sample_rate - need_rate) > 1e-6) {
        avcli_error(cmd, "%s: sample rate %u Hz, but the model's features were computed at %g Hz; resample the file",
                    path, a.sample_rate, need_rate);
        avloc_io_audio_free(&a);
        return 0;
    }
    if (a.frames < min_frames) {
        avcli_error(cmd, "%s: %lu samples, shorter than one analysis frame (%lu)", path, (unsigned long)a.frames,
                    (unsigned long)min_frames);
        avloc_io_audio_free(&a);
        return 0;
    }
    p = (float *)gl_grow(cmd, &au->lr, a.frames, 2 * sizeof(float));
    if (!p) { avloc_io_audio_free(&a); return 0; }
    au->left = p;
    au->right = p + a.frames;
    for (i = 0; i < a.frames; i++) {
        au->left[i] = a.samples[i * a.channels];
        au->right[i] = a.samples[i * a.channels + 1];
    }
    au->frames = a.frames;
    au->rate = a.sample_rate;
    avloc_io_audio_free(&a);
    return 1;
}

/* ------------------------------------------------------ binaural features */

/* The argument rules shared by `gllim locate` and `phat locate`. */
static int gl_locate_args_ok(const char *cmd, const char *model, const char *manifest, int npos,
                             const char *frame, const char *draw)
{
    if (!model) { avcli_error(cmd, "--model is required; see '%s --help'", cmd); return 0; }
    if ((manifest != NULL) == (npos > 0)) {
        avcli_error(cmd, "give WAV files or --manifest (not both); see '%s --help'", cmd);
        return 0;
    }
    if (frame && !draw) { avcli_error(cmd, "--frame needs --draw"); return 0; }
    return 1;
}

typedef struct gl_fx {
    avloc_binaural_config bc;   /* set before the first gl_fx_run, then fixed */
    avloc_binaural_plan_f32 plan; /* made from bc by the first gl_fx_run: STFT set-up once per command */
    int planned;
    gl_buf feat, mask, scratch, planmem;
    float *Y;            /* T x D */
    unsigned char *M;    /* T x D */
    size_t T, D, n_active; /* n_active: active time-frequency points */
} gl_fx;

static int gl_fx_run(const char *cmd, gl_fx *fx, const char *path, const gl_audio *au)
{
    size_t nf = 0, sb = 0, pb = 0;
    avloc_result r = avloc_binaural_frames(&fx->bc, au->frames, &nf);
    if (r == AVLOC_OK) r = avloc_binaural_plan_query_f32(&fx->bc, au->frames, &pb, &sb);
    if (r == AVLOC_OK && !fx->planned) {
        if (!gl_grow(cmd, &fx->planmem, pb, 1)) return 0;
        r = avloc_binaural_plan_init_f32(&fx->plan, &fx->bc, fx->planmem.p, pb);
        fx->planned = r == AVLOC_OK;
    }
    if (r != AVLOC_OK) {
        avcli_error(cmd, "%s: features: %s", path, avloc_result_str(r));
        return 0;
    }
    fx->D = 3 * fx->bc.n_bins;
    fx->Y = (float *)gl_grow(cmd, &fx->feat, nf * fx->D, sizeof(float));
    fx->M = (unsigned char *)gl_grow(cmd, &fx->mask, nf * fx->D, 1);
    if (!fx->Y || !fx->M || !gl_grow(cmd, &fx->scratch, sb, 1)) return 0;
    r = avloc_binaural_plan_features_f32(&fx->plan, au->left, au->right, au->frames, fx->Y, fx->M, nf,
                                         &fx->n_active, fx->scratch.p, sb);
    if (r != AVLOC_OK) {
        avcli_error(cmd, "%s: features: %s", path, avloc_result_str(r));
        return 0;
    }
    fx->T = nf;
    return 1;
}

static void gl_fx_free(gl_fx *fx)
{
    gl_free(&fx->feat);
    gl_free(&fx->mask);
    gl_free(&fx->scratch);
    if (fx->planned) avloc_binaural_plan_destroy_f32(&fx->plan);
    fx->planned = 0;
    gl_free(&fx->planmem);
}

/* Onset gate (precedence effect): keeps only frames whose broadband energy
   around the frame centre (5 hops) exceeds the mean energy of the preceding
   ~160 ms by onset_db, i.e. frames where the direct sound dominates the
   reverberation. Clears the mask of the other frames; updates n_active. */
static int gl_onset_gate(const char *cmd, gl_fx *fx, const gl_audio *au, double onset_db, gl_buf *tmp)
{
    size_t hop = fx->bc.hop, nb = au->frames / hop, j, t, d, half = fx->bc.n_fft / hop / 2, back = 20, active = 0;
    double *blk = (double *)gl_grow(cmd, tmp, nb + 1, sizeof(double)), ratio = pow(10.0, onset_db / 10.0);
    if (!blk) return 0;
    for (j = 0; j < nb; j++) {
        double e = 0.0;
        size_t i;
        for (i = j * hop; i < (j + 1) * hop; i++) e += (double)au->left[i] * au->left[i] + (double)au->right[i] * au->right[i];
        blk[j] = e;
    }
    for (t = 0; t < fx->T; t++) {
        size_t c = t + half, a0, k;
        double now = 0.0, past = 0.0;
        int keep;
        for (k = c >= 2 ? c - 2 : 0; k <= c + 2 && k < nb; k++) now += blk[k] / 5.0;
        a0 = c >= back + 3 ? c - back - 3 : 0;
        for (k = a0; k + 3 < c && k < nb; k++) past += blk[k];
        past = (c > a0 + 3) ? past / (double)(c - 3 - a0) : 0.0;
        keep = now > ratio * past;
        for (d = 0; d < fx->D; d++) {
            if (!keep) fx->M[t * fx->D + d] = 0;
            active += fx->M[t * fx->D + d];
        }
    }
    fx->n_active = active / 3;
    return 1;
}


/* Direct-path dominance by interaural coherence (library candidate; uses
   only the binaural features and mask). For every active point (t, b) the
   coherence over the active points of its neighbourhood (+-dt frames, +-db
   bins) is |sum conj(l) r| / sqrt(sum |l|^2 sum |r|^2), where each point's
   (l, r) is the ear pair normalised to unit power, rebuilt from ILD and IPD:
   r/l = 10^(ILD/20) e^(i IPD). A single plane wave (direct sound) gives a
   constant ratio and coherence 1; reverberation varies it across time and
   frequency and lowers it. Points below thr (or with fewer than half of
   their neighbourhood active) are cleared; updates n_active. */
static int gl_coherence_mask(const char *cmd, gl_fx *fx, double thr, size_t dt, size_t db, gl_buf *tmp)
{
    size_t T = fx->T, nb = fx->bc.n_bins, D = fx->D, t, b, active = 0, n = T * nb;
    float *P = (float *)gl_grow(cmd, tmp, n * 4 + n, sizeof(float)); /* ll, rr, re, im per point */
    unsigned char *keep;
    if (!P) return 0;
    keep = (unsigned char *)(P + 4 * n);
    for (t = 0; t < T; t++)
        for (b = 0; b < nb; b++) {
            const float *y = fx->Y + t * D;
            float *p = P + 4 * (t * nb + b);
            if (!fx->M[t * D + b]) { p[0] = p[1] = p[2] = p[3] = 0.0f; continue; }
            {
                double g2 = pow(10.0, y[b] / 10.0), ll = 1.0 / (1.0 + g2), g = sqrt(g2) * ll;
                p[0] = (float)ll;           /* |l|^2 */
                p[1] = (float)(g2 * ll);    /* |r|^2 */
                p[2] = (float)(g * y[nb + b]); /* conj(l) r = |l||r| e^(i IPD) */
                p[3] = (float)(g * y[2 * nb + b]);
            }
        }
    for (t = 0; t < T; t++)
        for (b = 0; b < nb; b++) {
            size_t t0 = t >= dt ? t - dt : 0, t1 = t + dt < T ? t + dt : T - 1;
            size_t b0 = b >= db ? b - db : 0, b1 = b + db < nb ? b + db : nb - 1, tt, bb, cnt = 0, tot = 0;
            double sl = 0, sr = 0, re = 0, im = 0;
            keep[t * nb + b] = 0;
            if (!fx->M[t * D + b]) continue;
            for (tt = t0; tt <= t1; tt++)
                for (bb = b0; bb <= b1; bb++) {
                    const float *p = P + 4 * (tt * nb + bb);
                    tot++;
                    if (p[0] == 0.0f && p[1] == 0.0f) continue;
                    cnt++;
                    sl += p[0]; sr += p[1]; re += p[2]; im += p[3];
                }
            if (2 * cnt < tot || sl <= 0 || sr <= 0) continue;
            keep[t * nb + b] = sqrt(re * re + im * im) >= thr * sqrt(sl * sr);
        }
    for (t = 0; t < T; t++)
        for (b = 0; b < nb; b++) {
            unsigned char *m = fx->M + t * D;
            if (!keep[t * nb + b]) m[b] = m[nb + b] = m[2 * nb + b] = 0;
            active += m[b];
        }
    fx->n_active = active;
    return 1;
}

/* Observes only one kind of cue: 1 = IPD (clears the ILD dims), 2 = ILD
   (clears cos/sin IPD). The posterior then marginalises the others out. */
static void gl_cue_select(gl_fx *fx, int cues)
{
    size_t t, nb = fx->bc.n_bins;
    for (t = 0; t < fx->T; t++) {
        unsigned char *m = fx->M + t * fx->D;
        if (cues == 1) memset(m, 0, nb);
        else memset(m + nb, 0, 2 * nb);
    }
}

/* ------------------------------------------------------ GLLiM model file */

typedef struct gl_model {
    avloc_gllim_model m;
    void *mem;
    float *frame_var;      /* D or NULL */
    double frame_var_scale;/* added to sigma2 at load: s2 += scale * frame_var */
    int obs_mean;          /* 0: every active point; 1: per-dimension temporal means; 2: means weighted sqrt(count) */
    double onset_db;       /* > 0: onset gate (gl_onset_gate) */
    double coherence;      /* > 0: coherence mask threshold (gl_coherence_mask) */
    int coh_dt, coh_db;    /* its neighbourhood: +-frames, +-bins */
} gl_model;

/* The model proper goes through the library (avloc_gllim_save/_load: pi, c,
   Gamma, A, b, sigma2 and the feature configuration with the image size).
   What the library format cannot hold yet is added by re-encoding its file
   image with extra metadata (frame_var_scale, coherence, train_*)
   and the optional frame_var tensor; avloc_gllim_load ignores both. */
static const char *const gl_lib_meta_keys[] = {
    "format", "version", "sigma_type", "K", "L", "D", "sample_rate", "n_fft", "hop", "first_bin", "n_bins",
    "threshold_db", "threshold_relative", "image_width", "image_height", "hfov_deg", "obs_weight", NULL};

static void gl_meta_num(avloc_st_writer *w, const char *key, double v)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", v);
    avloc_st_add_meta(w, key, buf);
}

/* Writes the model (library image + CLI extras). meta_kv is a
   NULL-terminated list of extra key, value pairs. */
static int gl_model_save(const char *cmd, const char *path, const gl_model *gm, int f64, const char *const *meta_kv)
{
    const avloc_gllim_model *m = &gm->m;
    avloc_st_dtype dt = f64 ? AVLOC_ST_F64 : AVLOC_ST_F32;
    size_t lib_bytes = 0, sb = 0, written = 0, total = 0, pass;
    unsigned char *lib = NULL, *buf = NULL;
    void *scratch = NULL;
    avloc_st_reader rd;
    avloc_result r;
    int ok = 0;
    if ((r = avloc_gllim_save_query(m, dt, &lib_bytes, &sb)) != AVLOC_OK) {
        avcli_error(cmd, "model encoding: %s", avloc_result_str(r));
        return 0;
    }
    if (!(lib = (unsigned char *)avcli_malloc(cmd, lib_bytes, 1)) || !(scratch = avcli_malloc(cmd, sb ? sb : 1, 1)))
        goto done;
    if ((r = avloc_gllim_save(m, dt, lib, lib_bytes, scratch, sb, &written)) != AVLOC_OK ||
        (r = avloc_st_open(&rd, lib, written)) != AVLOC_OK) {
        avcli_error(cmd, "model encoding: %s", avloc_result_str(r));
        goto done;
    }
    for (pass = 0; pass < 2; pass++) {
        avloc_st_writer w;
        avloc_st_iter it;
        avloc_st_tensor t;
        const char *const *kv;
        char val[64], name[64];
        if (pass == 1 && !(buf = (unsigned char *)avcli_malloc(cmd, total, 1))) goto done;
        avloc_st_begin(&w, buf, pass ? total : 0);
        for (kv = gl_lib_meta_keys; *kv; kv++)
            if (avloc_st_meta(&rd, *kv, val, sizeof val) == AVLOC_OK) avloc_st_add_meta(&w, *kv, val);
        avloc_st_add_meta(&w, "window", "hann");
        gl_meta_num(&w, "frame_var_scale", gm->frame_var_scale);
        if (gm->coherence > 0) {
            gl_meta_num(&w, "coherence", gm->coherence);
            gl_meta_num(&w, "coh_frames", gm->coh_dt);
            gl_meta_num(&w, "coh_bins", gm->coh_db);
        }
        for (kv = meta_kv; kv && kv[0]; kv += 2) avloc_st_add_meta(&w, kv[0], kv[1]);
        avloc_st_iter_begin(&rd, &it);
        while (avloc_st_next(&rd, &it, &t))
            if (avloc_st_tensor_name(&t, name, sizeof name, NULL) == AVLOC_OK)
                avloc_st_add(&w, name, t.dtype, t.ndim, t.shape, pass ? t.data : NULL);
        if (gm->frame_var) avloc_st_add(&w, "frame_var", AVLOC_ST_F32, 1, &m->D, pass ? gm->frame_var : NULL);
        r = avloc_st_finish(&w, &total);
        if (r != AVLOC_OK && !(pass == 0 && r == AVLOC_ERR_WORKSPACE)) {
            avcli_error(cmd, "model encoding: %s", avloc_result_str(r));
            goto done;
        }
    }
    {
        FILE *f = fopen(path, "wb");
        if (!f) { avcli_error(cmd, "%s: cannot write: %s", path, strerror(errno)); goto done; }
        if (fwrite(buf, 1, total, f) != total) {
            avcli_error(cmd, "%s: write failed: %s", path, strerror(errno));
            fclose(f);
            goto done;
        }
        if (fclose(f) != 0) { avcli_error(cmd, "%s: write failed: %s", path, strerror(errno)); goto done; }
    }
    ok = 1;
done:
    free(lib);
    free(scratch);
    free(buf);
    return ok;
}

static int gl_meta_double(const avloc_st_reader *r, const char *key, double *v, int required)
{
    char buf[64];
    if (avloc_st_meta(r, key, buf, sizeof buf) != AVLOC_OK) return !required;
    return gl_parse_num(buf, v);
}

static void gl_model_free(gl_model *gm)
{
    free(gm->mem);
    free(gm->frame_var);
    memset(gm, 0, sizeof *gm);
}

/* Reads a model with avloc_gllim_load, then the CLI extras; frame_var_scale
   / obs_weight come from the file unless the caller overrides them
   afterwards (then call gl_model_finish). A camera field of view of 0
   (unknown) becomes 60 degrees. */
static int gl_model_load(const char *cmd, const char *path, gl_model *gm)
{
    unsigned char *buf = NULL;
    size_t len = 0, K, L, D, bytes;
    avloc_st_reader rd;
    avloc_st_tensor t;
    avloc_result r;
    char sval[32];
    const avloc_gllim_featcfg *fc;
    avloc_io_status s;
    double cdt, cdb;
    int ok = 0;
    memset(gm, 0, sizeof *gm);
    s = avloc_io_read_file(path, &buf, &len);
    if (s != AVLOC_IO_OK) {
        if (s == AVLOC_IO_ERR_OPEN) avcli_error(cmd, "%s: cannot open model: %s", path, strerror(errno));
        else avcli_error(cmd, "%s: %s", path, avloc_io_strerror(s));
        return 0;
    }
    r = avloc_st_open(&rd, buf, len);
    if (r != AVLOC_OK) { avcli_error(cmd, "%s: not a safetensors file (%s)", path, avloc_result_str(r)); goto done; }
    if (avloc_st_meta(&rd, "format", sval, sizeof sval) != AVLOC_OK || strcmp(sval, "avloc-gllim") != 0) {
        avcli_error(cmd, "%s: not an avloc GLLiM model (metadata format != avloc-gllim)", path);
        goto done;
    }
    if (avloc_st_meta(&rd, "sigma_type", sval, sizeof sval) != AVLOC_OK &&
        avloc_st_meta(&rd, "sigma", sval, sizeof sval) == AVLOC_OK) {
        avcli_error(cmd, "%s: model written by an older avloc (CLI-only format); train it again", path);
        goto done;
    }
    r = avloc_gllim_load_query(buf, len, &K, &L, &D, &bytes);
    if (r != AVLOC_OK) { avcli_error(cmd, "%s: bad GLLiM model header (%s)", path, avloc_result_str(r)); goto done; }
    if (L != 2) { avcli_error(cmd, "%s: model maps to L = %lu dimensions; expected 2 (u, v)", path, (unsigned long)L); goto done; }
    if (!(gm->mem = avcli_malloc(cmd, bytes, 1))) goto done;
    r = avloc_gllim_load(&gm->m, buf, len, gm->mem, bytes);
    if (r != AVLOC_OK) {
        avcli_error(cmd, "%s: invalid GLLiM model (%s: missing tensor or metadata, wrong shape, or bad values)", path,
                    avloc_result_str(r));
        goto done;
    }
    fc = &gm->m.feat;
    if (fc->n_bins * 3 != D || fc->n_fft < 2 || fc->hop < 1 || !(fc->sample_rate > 0) ||
        fc->first_bin + fc->n_bins > fc->n_fft / 2 + 1) {
        avcli_error(cmd, "%s: feature configuration (n_fft %lu, bins %lu+%lu) disagrees with D = %lu", path,
                    (unsigned long)fc->n_fft, (unsigned long)fc->first_bin, (unsigned long)fc->n_bins, (unsigned long)D);
        goto done;
    }
    if (gm->m.feat.hfov_deg == 0.0) gm->m.feat.hfov_deg = 60.0;
    gm->frame_var_scale = 0.0;
    gm->coherence = 0.0;
    cdt = 2.0;
    cdb = 1.0;
    if (!gl_meta_double(&rd, "frame_var_scale", &gm->frame_var_scale, 0) ||
        !gl_meta_double(&rd, "coherence", &gm->coherence, 0) ||
        !gl_meta_double(&rd, "coh_frames", &cdt, 0) || !gl_meta_double(&rd, "coh_bins", &cdb, 0) ||
        !(gm->coherence >= 0 && gm->coherence <= 1) || !(cdt >= 0 && cdt <= 100) || !(cdb >= 0 && cdb <= 100)) {
        avcli_error(cmd, "%s: malformed frame_var_scale / coherence metadata", path);
        goto done;
    }
    gm->coh_dt = (int)cdt;
    gm->coh_db = (int)cdb;
    if (avloc_st_find(&rd, "frame_var", &t) == AVLOC_OK) {
        if (!(gm->frame_var = (float *)avcli_malloc(cmd, D, sizeof(float)))) goto done;
        if (avloc_st_tensor_f32(&t, gm->frame_var, D) != AVLOC_OK || !avloc_all_finite_f32(gm->frame_var, D)) {
            avcli_error(cmd, "%s: tensor frame_var must be [D] finite floats", path);
            goto done;
        }
    }
    ok = 1;
done:
    free(buf);
    if (!ok) gl_model_free(gm);
    return ok;
}

/* Applies frame_var_scale and prepares the model for the posterior. */
static int gl_model_finish(const char *cmd, const char *path, gl_model *gm)
{
    avloc_result r;
    size_t k, d;
    if (gm->frame_var_scale > 0.0) {
        if (!gm->frame_var) {
            avcli_error(cmd, "%s: --frame-var needs a model trained by this version (tensor frame_var)", path);
            return 0;
        }
        for (k = 0; k < gm->m.K; k++)
            for (d = 0; d < gm->m.D; d++)
                gm->m.sigma2[k * gm->m.D + d] += gm->frame_var_scale * (double)gm->frame_var[d];
        /* the added variance is per dimension: the constraint becomes "d"/"d*" */
        if (gm->m.sigma_type == AVLOC_GLLIM_SIGMA_ISO) gm->m.sigma_type = AVLOC_GLLIM_SIGMA_DIAG;
        if (gm->m.sigma_type == AVLOC_GLLIM_SIGMA_ISO_TIED) gm->m.sigma_type = AVLOC_GLLIM_SIGMA_DIAG_TIED;
    }
    r = avloc_gllim_model_prepare(&gm->m);
    if (r != AVLOC_OK) {
        avcli_error(cmd, "%s: invalid model parameters (%s)", path, avloc_result_str(r));
        return 0;
    }
    return 1;
}

/* --------------------------------------------------------------- drawing */

/* One located thing to draw: an estimate, its truth, its posterior. */
typedef struct gl_mark {
    double u, v, cov[4];
    int has_v;             /* 0: PHAT (horizontal only) */
    int has_truth;
    double ut, vt;
    double t;              /* window time, < 0 for clips */
    size_t K;              /* posterior components kept (0: none) */
    double *nu, *mu, *V;   /* K, K x 2, K x 4 (malloc'd, may be NULL) */
} gl_mark;

typedef struct gl_marks {
    gl_mark *m;
    size_t n, cap;
} gl_marks;

static int gl_marks_push(const char *cmd, gl_marks *ms, const gl_mark *mk, const avloc_gllim_posterior *post)
{
    gl_mark *d;
    if (ms->n == ms->cap) {
        size_t cap = ms->cap ? 2 * ms->cap : 32;
        gl_mark *t = (gl_mark *)realloc(ms->m, cap * sizeof *t);
        if (!t) { avcli_error(cmd, "out of memory"); return 0; }
        ms->m = t;
        ms->cap = cap;
    }
    d = &ms->m[ms->n];
    *d = *mk;
    d->K = 0;
    d->nu = d->mu = d->V = NULL;
    if (post && post->K) {
        d->nu = (double *)malloc(post->K * sizeof(double));
        d->mu = (double *)malloc(post->K * 2 * sizeof(double));
        d->V = (double *)malloc(post->K * 4 * sizeof(double));
        if (d->nu && d->mu && d->V) {
            memcpy(d->nu, post->nu, post->K * sizeof(double));
            memcpy(d->mu, post->mu, post->K * 2 * sizeof(double));
            memcpy(d->V, post->V, post->K * 4 * sizeof(double));
            d->K = post->K;
        }
    }
    ms->n++;
    return 1;
}

static void gl_marks_free(gl_marks *ms)
{
    size_t i;
    for (i = 0; i < ms->n; i++) { free(ms->m[i].nu); free(ms->m[i].mu); free(ms->m[i].V); }
    free(ms->m);
    memset(ms, 0, sizeof *ms);
}

static void gl_blend(avloc_io_image *im, int x, int y, const unsigned char *rgb, double a)
{
    unsigned char *p;
    int c;
    if (x < 0 || y < 0 || (unsigned)x >= im->w || (unsigned)y >= im->h || !(a > 0)) return;
    if (a > 1) a = 1;
    p = im->pix + (size_t)y * im->stride + (size_t)x * 3;
    for (c = 0; c < 3; c++) p[c] = (unsigned char)(p[c] + a * ((double)rgb[c] - p[c]) + 0.5);
}

/* Heat map of a 2-D Gaussian mixture (image coordinates scaled by sx, sy). */
static void gl_draw_density(avloc_io_image *im, const gl_mark *mk, double sx, double sy)
{
    size_t k, x, y, n = (size_t)im->w * im->h;
    double *dens = (double *)malloc(n * sizeof(double)), mx = 0.0;
    double ic[32 * 4 + 4], nrm[33];
    if (!dens || mk->K == 0 || mk->K > 32) { free(dens); return; }
    for (k = 0; k < mk->K; k++) {
        const double *V = mk->V + 4 * k;
        double det = V[0] * V[3] - V[1] * V[2];
        if (!(det > 0)) { nrm[k] = 0; continue; }
        ic[4 * k + 0] = V[3] / det; ic[4 * k + 1] = -V[1] / det; ic[4 * k + 3] = V[0] / det;
        nrm[k] = mk->nu[k] / sqrt(det);
    }
    for (y = 0; y < im->h; y++)
        for (x = 0; x < im->w; x++) {
            double u = ((double)x + 0.5) / sx, v = ((double)y + 0.5) / sy, s = 0.0;
            for (k = 0; k < mk->K; k++) {
                double du, dv, q;
                if (nrm[k] < 1e-6) continue;
                du = u - mk->mu[2 * k]; dv = v - mk->mu[2 * k + 1];
                q = ic[4 * k] * du * du + 2 * ic[4 * k + 1] * du * dv + ic[4 * k + 3] * dv * dv;
                if (q < 60) s += nrm[k] * exp(-0.5 * q);
            }
            dens[y * im->w + x] = s;
            if (s > mx) mx = s;
        }
    if (mx > 0)
        for (y = 0; y < im->h; y++)
            for (x = 0; x < im->w; x++) {
                double t = dens[y * im->w + x] / mx;
                unsigned char rgb[3];
                if (t < 1e-3) continue;
                avloc_io_colormap(t, rgb);
                gl_blend(im, (int)x, (int)y, rgb, 0.25 + 0.6 * sqrt(t));
            }
    free(dens);
}

static void gl_draw_components(avloc_io_image *im, const gl_mark *mk, double sx, double sy)
{
    size_t k;
    int s;
    for (k = 0; k < mk->K; k++) {
        const double *V = mk->V + 4 * k;
        unsigned char col[3];
        double w = mk->nu[k];
        if (w < 0.01) continue;
        /* brighter and yellower for heavier components */
        col[0] = (unsigned char)(150 + 105 * w);
        col[1] = (unsigned char)(150 + 90 * w);
        col[2] = (unsigned char)(150 - 120 * w);
        for (s = 1; s <= 3; s++)
            avloc_io_draw_ellipse_cov(im, mk->mu[2 * k] * sx, mk->mu[2 * k + 1] * sy, V[0] * sx * sx, V[1] * sx * sy,
                                      V[3] * sy * sy, (double)s, col);
    }
}

static int gl_draw(const char *cmd, const char *out, const char *frame, const gl_camera *cam, const gl_marks *ms,
                   const char *title, const char *subtitle)
{
    static const unsigned char red[3] = {240, 40, 40}, green[3] = {40, 230, 60}, white[3] = {255, 255, 255};
    static const unsigned char dark[3] = {60, 60, 60}, cyan[3] = {60, 200, 240};
    avloc_io_image im;
    double sx, sy;
    size_t i, n_clip = 0;
    int ok;
    memset(&im, 0, sizeof im);
    if (frame) {
        char msg[200];
        avloc_io_image src;
        avloc_io_status s = avloc_io_image_load(frame, &src, msg, sizeof msg);
        if (s != AVLOC_IO_OK) {
            avcli_error(cmd, "%s: %s", frame, msg[0] ? msg : avloc_io_strerror(s));
            return 0;
        }
        if (avloc_io_image_alloc(&im, src.w, src.h, 3) != AVLOC_IO_OK) { avloc_io_image_free(&src); avcli_error(cmd, "out of memory"); return 0; }
        {
            unsigned x, y;
            for (y = 0; y < src.h; y++)
                for (x = 0; x < src.w; x++) {
                    const unsigned char *p = src.pix + (size_t)y * src.stride + (size_t)x * src.channels;
                    unsigned char *q = im.pix + (size_t)y * im.stride + (size_t)x * 3;
                    q[0] = p[0]; q[1] = src.channels >= 3 ? p[1] : p[0]; q[2] = src.channels >= 3 ? p[2] : p[0];
                }
        }
        avloc_io_image_free(&src);
    } else {
        unsigned x, y;
        if (avloc_io_image_alloc(&im, (unsigned)cam->w, (unsigned)cam->h, 3) != AVLOC_IO_OK) { avcli_error(cmd, "out of memory"); return 0; }
        memset(im.pix, 110, im.stride * im.h);
        /* faint 10-degree azimuth / elevation grid of the pinhole camera */
        for (x = 0; x < im.w; x++)
            for (y = 0; y < im.h; y++) {
                double az, el, u = x + 0.5, v = y + 0.5, az1, el1;
                gl_camera_angles(cam, u, v, &az, &el);
                gl_camera_angles(cam, u + 1, v + 1, &az1, &el1);
                if (floor(az / 10) != floor(az1 / 10) || floor(el / 10) != floor(el1 / 10))
                    gl_blend(&im, (int)x, (int)y, dark, 0.5);
            }
    }
    sx = im.w / cam->w;
    sy = im.h / cam->h;
    for (i = 0; i < ms->n; i++) n_clip += ms->m[i].t < 0;
    if (ms->n == 1 && ms->m[0].K) gl_draw_density(&im, &ms->m[0], sx, sy);
    if (ms->n <= 12)
        for (i = 0; i < ms->n; i++) gl_draw_components(&im, &ms->m[i], sx, sy);
    for (i = 0; i < ms->n; i++) { /* lines estimate -> truth below the markers */
        const gl_mark *m = &ms->m[i];
        if (m->has_truth) avloc_io_draw_line(&im, m->u * sx, (m->has_v ? m->v : m->vt) * sy, m->ut * sx, m->vt * sy, white);
    }
    for (i = 0; i < ms->n; i++) {
        const gl_mark *m = &ms->m[i];
        if (m->has_truth) {
            avloc_io_draw_circle(&im, m->ut * sx, m->vt * sy, 7, green);
            avloc_io_draw_circle(&im, m->ut * sx, m->vt * sy, 8, green);
        }
        if (m->has_v) {
            if (ms->n > 12 && m->cov[0] > 0) /* mixture 2-sigma ellipse when components are not drawn */
                avloc_io_draw_ellipse_cov(&im, m->u * sx, m->v * sy, m->cov[0] * sx * sx, m->cov[1] * sx * sy,
                                          m->cov[3] * sy * sy, 2.0, cyan);
            if (m->t >= 0 && n_clip == 0) {
                unsigned char col[3];
                double tmax = ms->m[ms->n - 1].t > 0 ? ms->m[ms->n - 1].t : 1.0;
                avloc_io_colormap(m->t / tmax, col);
                avloc_io_draw_disc(&im, m->u * sx, m->v * sy, 4, col);
            } else {
                avloc_io_draw_cross(&im, m->u * sx, m->v * sy, 9, red);
                avloc_io_draw_cross(&im, m->u * sx + 1, m->v * sy, 9, red);
            }
        } else { /* PHAT: a vertical line at u */
            avloc_io_draw_line(&im, m->u * sx, 0, m->u * sx, im.h, red);
        }
    }
    if (title) avloc_io_draw_text(&im, 8, 8, title, 2, white);
    if (subtitle) avloc_io_draw_text(&im, 8, 28, subtitle, 1, white);
    avloc_io_draw_text(&im, 8, (int)im.h - 14, "green o: truth   red x: estimate   ellipses: 1/2/3 sigma of components (weight nu)",
                       1, white);
    ok = avcli_check_write(cmd, out, avloc_io_png_save(out, &im));
    avloc_io_image_free(&im);
    return ok;
}

/* ------------------------------------------------------- error summary */

typedef struct gl_errs {
    gl_buf du, dv, daz, del;
    size_t n, n_v;
} gl_errs;

static int gl_errs_add(const char *cmd, gl_errs *e, const gl_camera *cam, double u, double v, int has_v, double ut,
                       double vt)
{
    double *du = (double *)gl_grow(cmd, &e->du, e->n + 1, sizeof(double));
    double *daz = (double *)gl_grow(cmd, &e->daz, e->n + 1, sizeof(double));
    double *dv = (double *)gl_grow(cmd, &e->dv, e->n + 1, sizeof(double));
    double *del = (double *)gl_grow(cmd, &e->del, e->n + 1, sizeof(double));
    double az, el, azt, elt;
    if (!du || !dv || !daz || !del) return 0;
    gl_camera_angles(cam, u, has_v ? v : vt, &az, &el);
    gl_camera_angles(cam, ut, vt, &azt, &elt);
    du[e->n] = u - ut;
    daz[e->n] = az - azt;
    if (has_v) {
        dv[e->n_v] = v - vt;
        del[e->n_v] = el - elt;
        e->n_v++;
    }
    e->n++;
    return 1;
}

static void gl_errs_print(gl_errs *e, const char *method, size_t n_files, size_t n_failed, double audio_s,
                          double cpu_s)
{
    avloc_io_json j;
    double m, md, mx;
    avloc_io_json_begin(&j, stdout);
    avloc_io_json_str(&j, "summary", method);
    avloc_io_json_int(&j, "files", (long long)n_files);
    avloc_io_json_int(&j, "failed", (long long)n_failed);
    avloc_io_json_int(&j, "estimates", (long long)e->n);
    gl_stats((double *)e->du.p, e->n, &m, &md, &mx);
    avloc_io_json_num(&j, "mean_du", m); avloc_io_json_num(&j, "median_du", md); avloc_io_json_num(&j, "max_du", mx);
    gl_stats((double *)e->dv.p, e->n_v, &m, &md, &mx);
    avloc_io_json_num(&j, "mean_dv", m); avloc_io_json_num(&j, "median_dv", md); avloc_io_json_num(&j, "max_dv", mx);
    gl_stats((double *)e->daz.p, e->n, &m, &md, &mx);
    avloc_io_json_num(&j, "mean_daz_deg", m); avloc_io_json_num(&j, "median_daz_deg", md);
    avloc_io_json_num(&j, "max_daz_deg", mx);
    gl_stats((double *)e->del.p, e->n_v, &m, &md, &mx);
    avloc_io_json_num(&j, "mean_del_deg", m); avloc_io_json_num(&j, "median_del_deg", md);
    avloc_io_json_num(&j, "max_del_deg", mx);
    avloc_io_json_num(&j, "audio_s", audio_s);
    avloc_io_json_num(&j, "compute_s", cpu_s);
    avloc_io_json_num(&j, "x_realtime", cpu_s > 0 ? audio_s / cpu_s : NAN);
    avloc_io_json_end(&j);
}

static void gl_errs_free(gl_errs *e)
{
    gl_free(&e->du); gl_free(&e->dv); gl_free(&e->daz); gl_free(&e->del);
}

/* ------------------------------------------------------------ gllim train */

typedef struct gl_em_progress {
    size_t max_iter;
    int quiet;
    double t0;
} gl_em_progress;

static int gl_em_cb(void *user, int iter, double loglik)
{
    gl_em_progress *p = (gl_em_progress *)user;
    char extra[96];
    if (!p->quiet) {
        snprintf(extra, sizeof extra, "LL %.6g  %.2f s ", loglik, gl_cpu() - p->t0);
        gl_progress("EM", (size_t)iter < p->max_iter ? (size_t)iter : p->max_iter - 1, p->max_iter, extra);
    }
    return 0;
}

static int cmd_gllim_train(int argc, char **argv)
{
    const char *cmd = argv[0], *manifest = NULL, *out = NULL, *pos[1];
    int npos = 0, K = 32, sigma = 0, iters = 100, seed = 1, restarts = 1, thr_mode = 1, quiet = 0, f64 = 0;
    int width = 640, height = 480, first_bin = 1, n_bins = 512, n_fft = 1024, hop = 128;
    double thr = -30.0, tol = 1e-3, hfov = 60.0, fv_scale = 0.0, obs_w = 1e-3, train_thr = -120.0;
    double coh = 0.0, train_coh = 0.0;
    int coh_dt = 2, coh_db = 1;
    gl_buf coh_tmp = {NULL, 0};
    static const avloc_gllim_sigma sigmas[4] = {AVLOC_GLLIM_SIGMA_DIAG_TIED, AVLOC_GLLIM_SIGMA_DIAG,
                                               AVLOC_GLLIM_SIGMA_ISO_TIED, AVLOC_GLLIM_SIGMA_ISO};
    avcli_opt opts[28];
    size_t no = 0, i, D, N, bytes, sb;
    int rc = AVCLI_EXIT_FAIL, pr;
    gl_list list;
    gl_audio au;
    gl_fx fx;
    gl_model gm;
    double *X = NULL, t_feat = 0.0, t_em = 0.0, t0, audio_s = 0.0, *fv_sum = NULL;
    float *Yt = NULL, *fv = NULL;
    unsigned char *dm = NULL;
    void *scratch = NULL;
    avloc_gllim_train_config tc;
    avloc_gllim_train_info info;
    gl_em_progress prog;
    avloc_result r;
    size_t *dim_count = NULL;

    opts[no++] = avcli_string("--manifest", &manifest, "CSV", "training manifest (columns path,u,v; paths relative to it)");
    opts[no++] = avcli_alias(avcli_string("--output", &out, "MODEL", "model file to write (.safetensors)"), "-o");
    opts[no++] = avcli_alias(avcli_int("--components", &K, 1, 4096, "K", "mixture components"), "-K");
    opts[no++] = avcli_choice("--sigma", &sigma, "d*|d|i*|i", "noise covariance: diagonal/isotropic, * = tied");
    opts[no++] = avcli_int("--iters", &iters, 1, 100000, "N", "maximum EM iterations");
    opts[no++] = avcli_double("--tol", &tol, 0, 1, "X", "stop when the LL gain < X * (LL - LL_1); 0: run all iterations");
    opts[no++] = avcli_int("--seed", &seed, 0, 2147483647, "S", "k-means++ seed");
    opts[no++] = avcli_int("--restarts", &restarts, 1, 1000, "R", "EM restarts (best log-likelihood kept)");
    opts[no++] = avcli_double("--threshold-db", &thr, -400, 400, "X", "activity threshold in dB (stored for locate)");
    opts[no++] = avcli_choice("--threshold-mode", &thr_mode, "abs|rel", "threshold absolute or relative to the clip maximum");
    opts[no++] = avcli_double("--train-threshold-db", &train_thr, -400, 0, "X",
                              "activity threshold for the training files, relative to their maximum");
    opts[no++] = avcli_double("--coherence", &coh, 0, 1, "C", "locate default: keep only points with interaural coherence >= C (0: off)");
    opts[no++] = avcli_double("--train-coherence", &train_coh, 0, 1, "C", "coherence mask for the training files (0: off)");
    opts[no++] = avcli_int("--coh-frames", &coh_dt, 0, 100, "N", "coherence neighbourhood +-N frames");
    opts[no++] = avcli_int("--coh-bins", &coh_db, 0, 100, "N", "coherence neighbourhood +-N bins");
    opts[no++] = avcli_int("--first-bin", &first_bin, 0, 1 << 20, "B", "first STFT bin of the features");
    opts[no++] = avcli_int("--n-bins", &n_bins, 1, 1 << 20, "N", "number of STFT bins (D = 3 N)");
    opts[no++] = avcli_int("--n-fft", &n_fft, 2, 1 << 20, "N", "STFT size (Hann window)");
    opts[no++] = avcli_int("--hop", &hop, 1, 1 << 20, "N", "STFT hop in samples");
    opts[no++] = avcli_int("--width", &width, 1, 32768, "W", "camera image width in pixels");
    opts[no++] = avcli_int("--height", &height, 1, 32768, "H", "camera image height in pixels");
    opts[no++] = avcli_double("--hfov", &hfov, 1, 179, "DEG", "camera horizontal field of view (for degrees)");
    opts[no++] = avcli_double("--frame-var", &fv_scale, 0, 1e6, "S", "locate default: add S x within-clip frame variance to Sigma");
    opts[no++] = avcli_double("--obs-weight", &obs_w, 1e-6, 1e6, "W", "locate default: weight of each active point (tempers the posterior)");
    opts[no++] = avcli_flag("--f64", &f64, 1, "store parameters as float64 (default float32)");
    opts[no++] = avcli_alias(avcli_flag("--quiet", &quiet, 1, "no progress bar"), "-q");
    pr = avcli_parse(argc, argv, opts, no, pos, 0, &npos, "--manifest train.csv -o model.safetensors [options]",
                     "Fits a GLLiM model pixel (u, v) -> binaural features (ILD, cos/sin IPD per bin) on\n"
                     "calibration recordings (white noise), one temporal-mean feature vector per file.");
    if (pr <= 0) return pr == 0 ? AVCLI_EXIT_OK : AVCLI_EXIT_USAGE;
    if (!manifest || !out) {
        avcli_error(cmd, "--manifest and -o are required; see '%s --help'", cmd);
        return AVCLI_EXIT_USAGE;
    }
    if ((size_t)first_bin + (size_t)n_bins > (size_t)n_fft / 2 + 1) {
        avcli_error(cmd, "--first-bin %d + --n-bins %d exceeds the %d bins of a %d-point FFT", first_bin, n_bins,
                    n_fft / 2 + 1, n_fft);
        return AVCLI_EXIT_USAGE;
    }
    memset(&au, 0, sizeof au);
    memset(&fx, 0, sizeof fx);
    memset(&gm, 0, sizeof gm);
    if (!gl_manifest_load(cmd, manifest, &list)) return AVCLI_EXIT_FAIL;
    N = list.n;
    if ((size_t)K > N) {
        avcli_error(cmd, "-K %d is more than the %lu training files", K, (unsigned long)N);
        gl_list_free(&list);
        return AVCLI_EXIT_USAGE;
    }
    fx.bc = avloc_binaural_config_default();
    fx.bc.n_fft = (size_t)n_fft;
    fx.bc.hop = (size_t)hop;
    fx.bc.first_bin = (size_t)first_bin;
    fx.bc.n_bins = (size_t)n_bins;
    /* calibration noise is broadband: every point with power is used, bar
       the few below train_thr (the stored thr/thr_mode are for locate) */
    fx.bc.threshold_db = (float)train_thr;
    fx.bc.threshold_relative = 1;
    D = 3 * (size_t)n_bins;
    X = (double *)avcli_malloc(cmd, N * 2, sizeof(double));
    Yt = (float *)avcli_malloc(cmd, N * D, sizeof(float));
    dm = (unsigned char *)avcli_malloc(cmd, N * D, 1);
    fv_sum = (double *)calloc(D, sizeof(double));
    dim_count = (size_t *)calloc(D, sizeof(size_t));
    fv = (float *)avcli_malloc(cmd, D, sizeof(float));
    if (!X || !Yt || !dm || !fv_sum || !dim_count || !fv) goto done;

    /* 1. features: one temporal-mean vector per file */
    for (i = 0; i < N; i++) {
        size_t d, t;
        double rate = i == 0 ? 0.0 : (double)fx.bc.sample_rate;
        if (!gl_audio_load(cmd, list.it[i].path, rate, fx.bc.n_fft, &au)) goto done;
        if (i == 0) fx.bc.sample_rate = (float)au.rate;
        t0 = gl_cpu();
        if (!gl_fx_run(cmd, &fx, list.it[i].path, &au)) goto done;
        if (train_coh > 0 && !gl_coherence_mask(cmd, &fx, train_coh, (size_t)coh_dt, (size_t)coh_db, &coh_tmp)) goto done;
        r = avloc_binaural_mean_f32(fx.Y, fx.M, fx.T, D, Yt + i * D, dm + i * D);
        if (r < 0) { avcli_error(cmd, "%s: %s", list.it[i].path, avloc_result_str(r)); goto done; }
        if (r == AVLOC_NO_ACTIVE_POINTS) {
            avcli_error(cmd, "%s: no active time-frequency point (silent file?)", list.it[i].path);
            goto done;
        }
        /* within-clip variance of the frame features around their mean */
        for (d = 0; d < D; d++) {
            double s = 0.0, mu = Yt[i * D + d];
            size_t c = 0;
            for (t = 0; t < fx.T; t++)
                if (fx.M[t * D + d]) { double e = fx.Y[t * D + d] - mu; s += e * e; c++; }
            if (c > 1) { fv_sum[d] += s / (double)(c - 1); dim_count[d]++; }
        }
        t_feat += gl_cpu() - t0;
        audio_s += (double)au.frames / au.rate;
        X[2 * i] = list.it[i].u;
        X[2 * i + 1] = list.it[i].v;
        if (!quiet && (i % 8 == 7 || i + 1 == N)) gl_progress("features", i + 1, N, "");
    }
    {   /* dimensions never active in a file: fill with the mean over the files where they are */
        size_t d, missing = 0;
        for (d = 0; d < D; d++) {
            double s = 0.0;
            size_t c = 0;
            for (i = 0; i < N; i++) if (dm[i * D + d]) { s += Yt[i * D + d]; c++; }
            for (i = 0; i < N; i++) if (!dm[i * D + d]) { Yt[i * D + d] = c ? (float)(s / (double)c) : 0.0f; missing++; }
            fv[d] = dim_count[d] ? (float)(fv_sum[d] / (double)dim_count[d]) : 0.0f;
        }
        if (missing)
            avcli_warn(cmd, "%lu of %lu training values had no active frame (filled with the dimension's mean); "
                       "calibration recordings should be broadband (white noise)", (unsigned long)missing,
                       (unsigned long)(N * D));
    }

    /* 2. EM */
    tc = avloc_gllim_train_config_default();
    tc.K = (size_t)K;
    tc.sigma_type = sigmas[sigma];
    tc.max_iter = (size_t)iters;
    tc.tol = tol;
    tc.seed = (uint64_t)seed;
    tc.n_init = (size_t)restarts;
    prog.max_iter = (size_t)iters * (size_t)restarts;
    prog.quiet = quiet;
    tc.progress = gl_em_cb;
    tc.user = &prog;
    if ((r = avloc_gllim_model_query(tc.K, 2, D, &bytes)) != AVLOC_OK ||
        (r = avloc_gllim_train_query(&tc, N, 2, D, &sb)) != AVLOC_OK) {
        avcli_error(cmd, "training setup: %s", avloc_result_str(r));
        goto done;
    }
    if (!(gm.mem = avcli_malloc(cmd, bytes, 1)) || !(scratch = avcli_malloc(cmd, sb, 1))) goto done;
    avloc_gllim_model_init(&gm.m, tc.K, 2, D, gm.mem, bytes);
    t0 = gl_cpu();
    prog.t0 = t0;
    r = avloc_gllim_train_f32(&tc, X, Yt, N, &gm.m, scratch, sb, &info);
    t_em = gl_cpu() - t0;
    if (!quiet) fputc('\n', stderr);
    if (r != AVLOC_OK) {
        avcli_error(cmd, "EM failed: %s", avloc_result_str(r));
        goto done;
    }
    gm.m.feat.sample_rate = fx.bc.sample_rate;
    gm.m.feat.n_fft = fx.bc.n_fft;
    gm.m.feat.hop = fx.bc.hop;
    gm.m.feat.first_bin = fx.bc.first_bin;
    gm.m.feat.n_bins = fx.bc.n_bins;
    gm.m.feat.threshold_db = thr;
    gm.m.feat.threshold_relative = thr_mode;
    gm.m.feat.image_width = (size_t)width;
    gm.m.feat.image_height = (size_t)height;
    gm.m.feat.hfov_deg = hfov;
    gm.m.feat.obs_weight = obs_w;
    gm.frame_var_scale = fv_scale;
    gm.coherence = coh;
    gm.coh_dt = coh_dt;
    gm.coh_db = coh_db;
    gm.frame_var = fv;
    {
        char sN[32], sit[32], sll[48], sK[32], sfeat[32], sem[32];
        const char *kv[16];
        const char *slash = strrchr(manifest, '/');
        size_t q = 0;
        snprintf(sN, sizeof sN, "%lu", (unsigned long)N);
        snprintf(sit, sizeof sit, "%lu", (unsigned long)info.iterations);
        snprintf(sll, sizeof sll, "%.10g", info.loglik);
        snprintf(sK, sizeof sK, "%d", K);
        snprintf(sfeat, sizeof sfeat, "%.3f", t_feat);
        snprintf(sem, sizeof sem, "%.3f", t_em);
        kv[q++] = "train_manifest"; kv[q++] = slash ? slash + 1 : manifest;
        kv[q++] = "train_n"; kv[q++] = sN;
        kv[q++] = "train_K"; kv[q++] = sK;
        kv[q++] = "train_iterations"; kv[q++] = sit;
        kv[q++] = "train_loglik"; kv[q++] = sll;
        kv[q++] = "train_converged"; kv[q++] = info.converged ? "1" : "0";
        kv[q] = NULL;
        if (!gl_model_save(cmd, out, &gm, f64, kv)) { gm.frame_var = NULL; goto done; }
        (void)sfeat; (void)sem;
    }
    gm.frame_var = NULL;
    fprintf(stderr, "%s: %lu files (%.1f s of audio), D = %lu, K = %lu (%s), %lu EM iterations%s, LL %.6g\n", cmd,
            (unsigned long)N, audio_s, (unsigned long)D, (unsigned long)info.K_used, avloc_gllim_sigma_name(tc.sigma_type),
            (unsigned long)info.iterations, info.converged ? " (converged)" : "", info.loglik);
    fprintf(stderr, "%s: time (one core): features %.3f s, EM %.3f s, total %.3f s; wrote %s\n", cmd, t_feat, t_em,
            t_feat + t_em, out);
    {
        avloc_io_json j;
        avloc_io_json_begin(&j, stdout);
        avloc_io_json_str(&j, "model", out);
        avloc_io_json_int(&j, "n", (long long)N);
        avloc_io_json_int(&j, "D", (long long)D);
        avloc_io_json_int(&j, "K", (long long)info.K_used);
        avloc_io_json_str(&j, "sigma", avloc_gllim_sigma_name(tc.sigma_type));
        avloc_io_json_int(&j, "iterations", (long long)info.iterations);
        avloc_io_json_bool(&j, "converged", info.converged);
        avloc_io_json_num(&j, "loglik", info.loglik);
        avloc_io_json_num(&j, "features_s", t_feat);
        avloc_io_json_num(&j, "em_s", t_em);
        avloc_io_json_num(&j, "train_s", t_feat + t_em);
        avloc_io_json_num(&j, "audio_s", audio_s);
        avloc_io_json_end(&j);
    }
    rc = AVCLI_EXIT_OK;
done:
    gl_list_free(&list);
    gl_free(&au.lr);
    gl_free(&coh_tmp);
    gl_fx_free(&fx);
    free(X); free(Yt); free(dm); free(fv_sum); free(dim_count); free(fv); free(scratch);
    free(gm.mem);
    return rc;
}

/* ------------------------------------------------------------ gllim locate */

static void gl_json_cov(avloc_io_json *j, const double *cov)
{
    avloc_io_json_key(j, "cov");
    fputs("[[", j->f);
    avloc_io_json_write_number(j->f, cov[0]);
    fputc(',', j->f);
    avloc_io_json_write_number(j->f, cov[1]);
    fputs("],[", j->f);
    avloc_io_json_write_number(j->f, cov[2]);
    fputc(',', j->f);
    avloc_io_json_write_number(j->f, cov[3]);
    fputs("]]", j->f);
}

static void gl_json_truth(avloc_io_json *j, const gl_camera *cam, const gl_item *it, double u, double v, int has_v)
{
    double az, el, azt, elt;
    if (!it->has_truth) return;
    gl_camera_angles(cam, u, has_v ? v : it->v, &az, &el);
    gl_camera_angles(cam, it->u, it->v, &azt, &elt);
    avloc_io_json_num(j, "u_true", it->u);
    avloc_io_json_num(j, "v_true", it->v);
    avloc_io_json_num(j, "du", u - it->u);
    if (has_v) avloc_io_json_num(j, "dv", v - it->v);
    else avloc_io_json_null(j, "dv");
    avloc_io_json_num(j, "daz_deg", az - azt);
    if (has_v) avloc_io_json_num(j, "del_deg", el - elt);
    else avloc_io_json_null(j, "del_deg");
}

/* Posterior from the statistics. The library applies the tempering
   (feat.obs_weight); --obs mean replaces each dimension's points by one
   observation, their temporal mean (weighted by sqrt(count) for mean-sqrt). */
static avloc_result gl_posterior(const gl_model *gm, const avloc_gllim_stats *st, avloc_gllim_stats *tmp,
                                 avloc_gllim_posterior *post)
{
    size_t d;
    if (gm->obs_mean) { /* one observation per dimension: its temporal mean (like training) */
        for (d = 0; d < st->D; d++) {
            double s0 = st->S0[d], m = s0 > 0 ? st->S1[d] / s0 : 0.0, w = s0 > 0 ? 1.0 : 0.0;
            if (gm->obs_mean == 2 && s0 > 0) w *= sqrt(s0);
            tmp->S0[d] = w;
            tmp->S1[d] = w * m;
            tmp->S2[d] = w * m * m;
        }
        tmp->n_active = st->n_active;
        tmp->n_frames = st->n_frames;
        return avloc_gllim_posterior_from_stats(&gm->m, tmp, post);
    }
    return avloc_gllim_posterior_from_stats(&gm->m, st, post);
}

static int cmd_gllim_locate(int argc, char **argv)
{
    const char *cmd = argv[0], *model = NULL, *manifest = NULL, *draw = NULL, *frame = NULL, *pos[4096];
    int npos = 0, thr_mode = -1, timing = 0, min_active = 100, pr, obs_mode = -1;
    double thr = NAN, win = 0.0, hop_s = 0.04, fv_scale = NAN, obs_w = NAN, onset = NAN, coh = NAN;
    int coh_dt = -1, coh_db = -1, cues = 0;
    avcli_opt opts[22];
    gl_buf onset_tmp = {NULL, 0};
    size_t no = 0, i, pbytes, sbytes, n_failed = 0;
    int rc = AVCLI_EXIT_FAIL;
    gl_model gm;
    gl_list list;
    gl_audio au;
    gl_fx fx;
    gl_camera cam;
    gl_marks marks;
    gl_errs errs;
    avloc_gllim_posterior post;
    avloc_gllim_stats st, tmp;
    avloc_gllim_stream stream;
    void *pmem = NULL, *smem = NULL, *tmem = NULL, *strmem = NULL;
    double cpu = 0.0, audio_s = 0.0;

    opts[no++] = avcli_string("--model", &model, "MODEL", "model written by 'avloc gllim train'");
    opts[no++] = avcli_string("--manifest", &manifest, "CSV", "locate the files of a manifest and score against its u,v");
    opts[no++] = avcli_double("--window", &win, 0, 1e6, "SEC", "sliding analysis window (0: one estimate per file)");
    opts[no++] = avcli_double("--hop", &hop_s, 1e-6, 1e6, "SEC", "window hop");
    opts[no++] = avcli_int("--min-active", &min_active, 1, 1 << 30, "N", "active time-frequency points a window needs");
    opts[no++] = avcli_double("--threshold-db", &thr, -400, 400, "X", "override the model's activity threshold");
    opts[no++] = avcli_choice("--threshold-mode", &thr_mode, "abs|rel", "override the model's threshold mode");
    opts[no++] = avcli_double("--frame-var", &fv_scale, 0, 1e6, "S", "override: add S x frame variance to Sigma");
    opts[no++] = avcli_double("--obs-weight", &obs_w, 1e-6, 1e6, "W", "override: weight of each active point");
    opts[no++] = avcli_double("--onset-db", &onset, 0, 100, "X", "override: keep only frames X dB above the past 160 ms (0: off)");
    opts[no++] = avcli_double("--coherence", &coh, 0, 1, "C", "override: keep only points whose interaural coherence >= C (0: off)");
    opts[no++] = avcli_int("--coh-frames", &coh_dt, 0, 100, "N", "override: coherence neighbourhood +-N frames");
    opts[no++] = avcli_int("--coh-bins", &coh_db, 0, 100, "N", "override: coherence neighbourhood +-N bins");
    opts[no++] = avcli_choice("--cues", &cues, "all|ipd|ild", "observe all features, only cos/sin IPD, or only ILD");
    opts[no++] = avcli_choice("--obs", &obs_mode, "points|mean|mean-sqrt", "override: observations = active points, or per-dimension means");
    opts[no++] = avcli_string("--draw", &draw, "PNG", "draw estimates, truths and posteriors");
    opts[no++] = avcli_string("--frame", &frame, "IMG", "background image for --draw (PPM/PGM/Y4M)");
    opts[no++] = avcli_flag("--timing", &timing, 1, "print the features + posterior time to stderr");
    pr = avcli_parse(argc, argv, opts, no, pos, 4096, &npos, "--model MODEL (IN.wav... | --manifest test.csv) [options]",
                     "Localises the sound of each binaural WAV in camera pixels (Theorem 1 posterior over\n"
                     "the active time-frequency points). Prints one JSON line per file (or window) and,\n"
                     "for a manifest, a summary line with the errors.");
    if (pr <= 0) return pr == 0 ? AVCLI_EXIT_OK : AVCLI_EXIT_USAGE;
    if (!gl_locate_args_ok(cmd, model, manifest, npos, frame, draw)) return AVCLI_EXIT_USAGE;
    memset(&au, 0, sizeof au);
    memset(&fx, 0, sizeof fx);
    memset(&marks, 0, sizeof marks);
    memset(&errs, 0, sizeof errs);
    memset(&list, 0, sizeof list);
    if (!gl_model_load(cmd, model, &gm)) return AVCLI_EXIT_FAIL;
    if (fv_scale == fv_scale) gm.frame_var_scale = fv_scale;
    if (obs_w == obs_w) gm.m.feat.obs_weight = obs_w;
    if (obs_mode >= 0) gm.obs_mean = obs_mode;
    if (onset == onset) gm.onset_db = onset;
    if (coh == coh) gm.coherence = coh;
    if (coh_dt >= 0) gm.coh_dt = coh_dt;
    if (coh_db >= 0) gm.coh_db = coh_db;
    if (!gl_model_finish(cmd, model, &gm)) goto done;
    if (thr == thr) gm.m.feat.threshold_db = thr;
    if (thr_mode >= 0) gm.m.feat.threshold_relative = thr_mode;
    fx.bc = avloc_gllim_featcfg_to_binaural(&gm.m.feat);
    cam = gl_camera_make((double)gm.m.feat.image_width, (double)gm.m.feat.image_height, gm.m.feat.hfov_deg);
    if (manifest ? !gl_manifest_load(cmd, manifest, &list) : !gl_list_from_args(cmd, pos, npos, &list)) goto done;
    if (avloc_gllim_posterior_query(&gm.m, &pbytes) != AVLOC_OK || avloc_gllim_stats_query(gm.m.D, &sbytes) != AVLOC_OK ||
        !(pmem = avcli_malloc(cmd, pbytes, 1)) || !(smem = avcli_malloc(cmd, sbytes, 1)) ||
        !(tmem = avcli_malloc(cmd, sbytes, 1)))
        goto done;
    avloc_gllim_posterior_init(&post, &gm.m, pmem, pbytes);
    avloc_gllim_stats_init(&st, gm.m.D, smem, sbytes);
    avloc_gllim_stats_init(&tmp, gm.m.D, tmem, sbytes);
    if (win > 0) {
        avloc_gllim_stream_config sc = avloc_gllim_stream_config_default();
        size_t bytes;
        double fr = gm.m.feat.sample_rate / (double)gm.m.feat.hop;
        sc.window = (size_t)floor(win * fr + 0.5);
        sc.emit_every = (size_t)floor(hop_s * fr + 0.5);
        if (sc.window < 1) sc.window = 1;
        if (sc.emit_every < 1) sc.emit_every = 1;
        sc.refresh_every = sc.window;
        sc.min_active = 3 * (size_t)min_active;
        if (avloc_gllim_stream_query(&gm.m, &sc, &bytes) != AVLOC_OK || !(strmem = avcli_malloc(cmd, bytes, 1)) ||
            avloc_gllim_stream_init(&stream, &gm.m, &sc, strmem, bytes) != AVLOC_OK) {
            avcli_error(cmd, "cannot set up the streaming locator");
            goto done;
        }
    }
    for (i = 0; i < list.n; i++) {
        const gl_item *it = &list.it[i];
        double t0;
        avloc_result r;
        if (!gl_audio_load(cmd, it->path, gm.m.feat.sample_rate, gm.m.feat.n_fft, &au)) {
            n_failed++;
            if (!manifest && list.n == 1) goto done;
            continue;
        }
        audio_s += (double)au.frames / au.rate;
        t0 = gl_cpu();
        if (!gl_fx_run(cmd, &fx, it->path, &au)) { n_failed++; continue; }
        if (gm.onset_db > 0 && !gl_onset_gate(cmd, &fx, &au, gm.onset_db, &onset_tmp)) goto done;
        if (gm.coherence > 0 &&
            !gl_coherence_mask(cmd, &fx, gm.coherence, (size_t)gm.coh_dt, (size_t)gm.coh_db, &onset_tmp)) goto done;
        if (cues > 0) gl_cue_select(&fx, cues);
        if (win <= 0) {
            gl_mark mk;
            avloc_io_json j;
            avloc_gllim_stats_reset(&st);
            r = avloc_gllim_stats_add_f32(&st, fx.Y, fx.M, fx.T, 1);
            if (r == AVLOC_OK) r = gl_posterior(&gm, &st, &tmp, &post);
            cpu += gl_cpu() - t0;
            if (r < 0) { avcli_error(cmd, "%s: posterior: %s", it->path, avloc_result_str(r)); n_failed++; continue; }
            avloc_io_json_begin(&j, stdout);
            avloc_io_json_str(&j, "file", it->name);
            if (r == AVLOC_NO_ACTIVE_POINTS) {
                avloc_io_json_null(&j, "u");
                avloc_io_json_null(&j, "v");
                avloc_io_json_null(&j, "cov");
                avloc_io_json_int(&j, "active", 0);
                avloc_io_json_str(&j, "note", "no active time-frequency point");
                avloc_io_json_end(&j);
                n_failed++;
                continue;
            }
            avloc_io_json_num(&j, "u", post.mean[0]);
            avloc_io_json_num(&j, "v", post.mean[1]);
            gl_json_cov(&j, post.cov);
            avloc_io_json_int(&j, "active", (long long)fx.n_active);
            gl_json_truth(&j, &cam, it, post.mean[0], post.mean[1], 1);
            avloc_io_json_end(&j);
            if (it->has_truth && !gl_errs_add(cmd, &errs, &cam, post.mean[0], post.mean[1], 1, it->u, it->v)) goto done;
            memset(&mk, 0, sizeof mk);
            mk.u = post.mean[0]; mk.v = post.mean[1]; memcpy(mk.cov, post.cov, sizeof mk.cov);
            mk.has_v = 1; mk.has_truth = it->has_truth; mk.ut = it->u; mk.vt = it->v; mk.t = -1;
            if (draw && !gl_marks_push(cmd, &marks, &mk, list.n <= 12 ? &post : NULL)) goto done;
        } else {
            size_t t, W = stream.cfg.window;
            double hop = (double)gm.m.feat.hop, sr = gm.m.feat.sample_rate;
            avloc_gllim_stream_reset(&stream);
            for (t = 0; t < fx.T; t++) {
                int emitted = 0;
                r = avloc_gllim_stream_push_f32(&stream, fx.Y + t * fx.D, fx.M + t * fx.D, &post, &emitted);
                if (r == AVLOC_OK && emitted && gm.obs_mean) r = gl_posterior(&gm, &stream.stats, &tmp, &post);
                if (r < 0) { avcli_error(cmd, "%s: posterior: %s", it->path, avloc_result_str(r)); n_failed++; break; }
                if (emitted) {
                    size_t cnt = stream.count, first = t + 1 - cnt;
                    double tc = (0.5 * ((double)first * hop + (double)t * hop + (double)fx.bc.n_fft)) / sr;
                    avloc_io_json j;
                    gl_mark mk;
                    cpu += gl_cpu() - t0;
                    avloc_io_json_begin(&j, stdout);
                    avloc_io_json_str(&j, "file", it->name);
                    avloc_io_json_num(&j, "t", tc);
                    avloc_io_json_num(&j, "u", post.mean[0]);
                    avloc_io_json_num(&j, "v", post.mean[1]);
                    gl_json_cov(&j, post.cov);
                    avloc_io_json_int(&j, "active", (long long)(stream.stats.n_active / 3));
                    if (cnt < W) avloc_io_json_bool(&j, "partial", 1);
                    gl_json_truth(&j, &cam, it, post.mean[0], post.mean[1], 1);
                    avloc_io_json_end(&j);
                    if (it->has_truth && !gl_errs_add(cmd, &errs, &cam, post.mean[0], post.mean[1], 1, it->u, it->v))
                        goto done;
                    memset(&mk, 0, sizeof mk);
                    mk.u = post.mean[0]; mk.v = post.mean[1]; memcpy(mk.cov, post.cov, sizeof mk.cov);
                    mk.has_v = 1; mk.has_truth = it->has_truth; mk.ut = it->u; mk.vt = it->v; mk.t = tc;
                    if (draw && !gl_marks_push(cmd, &marks, &mk, NULL)) goto done;
                    t0 = gl_cpu();
                }
            }
            cpu += gl_cpu() - t0;
        }
    }
    if (manifest) gl_errs_print(&errs, "gllim", list.n, n_failed, audio_s, cpu);
    if (timing)
        fprintf(stderr, "%s: %.3f s of audio, features + posterior %.4f s on one core = %.0f x real time\n", cmd,
                audio_s, cpu, cpu > 0 ? audio_s / cpu : 0.0);
    if (draw) {
        char title[96], sub[160];
        if (manifest && errs.n) {
            double m1, md, mx, m2;
            gl_buf c1, c2;
            memset(&c1, 0, sizeof c1); memset(&c2, 0, sizeof c2);
            if (!gl_grow(cmd, &c1, errs.n, sizeof(double)) || !gl_grow(cmd, &c2, errs.n_v, sizeof(double))) goto done;
            memcpy(c1.p, errs.du.p, errs.n * sizeof(double));
            memcpy(c2.p, errs.dv.p, errs.n_v * sizeof(double));
            gl_stats((double *)c1.p, errs.n, &m1, &md, &mx);
            gl_stats((double *)c2.p, errs.n_v, &m2, &md, &mx);
            snprintf(sub, sizeof sub, "%lu estimates: mean |du| %.1f px, mean |dv| %.1f px", (unsigned long)errs.n, m1, m2);
            gl_free(&c1); gl_free(&c2);
        } else if (marks.n == 1) {
            snprintf(sub, sizeof sub, "u = %.1f, v = %.1f px", marks.m[0].u, marks.m[0].v);
        } else {
            snprintf(sub, sizeof sub, "%lu estimates", (unsigned long)marks.n);
        }
        snprintf(title, sizeof title, "GLLiM (K=%lu, D=%lu)", (unsigned long)gm.m.K, (unsigned long)gm.m.D);
        if (!gl_draw(cmd, draw, frame, &cam, &marks, title, sub)) goto done;
    }
    rc = n_failed ? AVCLI_EXIT_FAIL : AVCLI_EXIT_OK;
done:
    gl_model_free(&gm);
    gl_list_free(&list);
    gl_free(&au.lr);
    gl_fx_free(&fx);
    gl_marks_free(&marks);
    gl_errs_free(&errs);
    free(pmem); free(smem); free(tmem); free(strmem);
    gl_free(&onset_tmp);
    return rc;
}

/* ------------------------------------------------------------------ PHAT */

typedef struct gl_phat {
    avloc_gcc_config gc;
    double sample_rate, slope, intercept, rmse, hfov;
    size_t n_train, width, height;
} gl_phat;

typedef struct gl_gcc {
    avloc_gcc_f32 g;
    gl_buf obj, scratch;
    size_t sb;
} gl_gcc;

static int gl_gcc_setup(const char *cmd, gl_gcc *w, const avloc_gcc_config *gc)
{
    size_t ob = 0;
    avloc_result r = avloc_gcc_query_f32(gc, &ob, &w->sb);
    if (r == AVLOC_OK && (!gl_grow(cmd, &w->obj, ob, 1) || !gl_grow(cmd, &w->scratch, w->sb, 1))) return 0;
    if (r == AVLOC_OK) r = avloc_gcc_init_f32(&w->g, gc, w->obj.p, ob);
    if (r != AVLOC_OK) { avcli_error(cmd, "GCC-PHAT setup: %s", avloc_result_str(r)); return 0; }
    return 1;
}

/* Welch-averaged GCC-PHAT delay of samples [a, b) (right lags left: > 0). */
static int gl_gcc_delay(const char *cmd, gl_gcc *w, const char *path, const gl_audio *au, size_t a, size_t b,
                        double *delay)
{
    float dl = 0, pk = 0;
    avloc_result r = avloc_gcc_clip_f32(&w->g, au->left + a, au->right + a, b - a, &dl, &pk, w->scratch.p, w->sb);
    if (r < 0) { avcli_error(cmd, "%s: GCC-PHAT: %s", path, avloc_result_str(r)); return 0; }
    *delay = r == AVLOC_NO_ACTIVE_POINTS ? NAN : dl; /* silent: no delay */
    return 1;
}

static int gl_phat_save(const char *cmd, const char *path, const gl_phat *p)
{
    FILE *f = fopen(path, "w");
    if (!f) { avcli_error(cmd, "%s: cannot write: %s", path, strerror(errno)); return 0; }
    fprintf(f, "{\"format\":\"avloc-phat\",\"version\":1,\"sample_rate\":%.17g,\"frame_length\":%lu,\"n_fft\":%lu,"
               "\"hop\":%lu,\"max_lag\":%lu,\"upsample\":%lu,\"slope\":%.17g,\"intercept\":%.17g,\"rmse_px\":%.17g,"
               "\"n_train\":%lu,\"image_width\":%lu,\"image_height\":%lu,\"hfov_deg\":%.17g}\n",
            p->sample_rate, (unsigned long)p->gc.frame_length, (unsigned long)p->gc.n_fft, (unsigned long)p->gc.hop,
            (unsigned long)p->gc.max_lag, (unsigned long)p->gc.upsample, p->slope, p->intercept, p->rmse,
            (unsigned long)p->n_train, (unsigned long)p->width, (unsigned long)p->height, p->hfov);
    if (fclose(f) != 0) { avcli_error(cmd, "%s: write failed: %s", path, strerror(errno)); return 0; }
    return 1;
}

/* Value of "key": number in a flat JSON object we wrote. */
static int gl_json_get(const char *js, const char *key, double *v)
{
    char pat[64];
    const char *p;
    char *end;
    snprintf(pat, sizeof pat, "\"%s\"", key);
    p = strstr(js, pat);
    if (!p) return 0;
    p += strlen(pat);
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    if (*p++ != ':') return 0;
    *v = strtod(p, &end);
    return end != p && *v - *v == 0.0;
}

static int gl_phat_load(const char *cmd, const char *path, gl_phat *p)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    double v[13];
    static const char *keys[13] = {"sample_rate", "frame_length", "n_fft", "hop", "max_lag", "upsample", "slope",
                                   "intercept", "rmse_px", "n_train", "image_width", "image_height", "hfov_deg"};
    int k;
    avloc_io_status s = avloc_io_read_file(path, &buf, &len);
    char *js;
    if (s != AVLOC_IO_OK) {
        if (s == AVLOC_IO_ERR_OPEN) avcli_error(cmd, "%s: cannot open model: %s", path, strerror(errno));
        else avcli_error(cmd, "%s: %s", path, avloc_io_strerror(s));
        return 0;
    }
    js = (char *)realloc(buf, len + 1);
    if (!js) { free(buf); avcli_error(cmd, "out of memory"); return 0; }
    js[len] = '\0';
    if (!strstr(js, "\"avloc-phat\"")) {
        avcli_error(cmd, "%s: not an avloc PHAT model (written by 'avloc phat train')", path);
        free(js);
        return 0;
    }
    for (k = 0; k < 13; k++)
        if (!gl_json_get(js, keys[k], &v[k]) || (k != 6 && k != 7 && v[k] < 0) || (k >= 1 && k <= 5 && v[k] != floor(v[k]))) {
            avcli_error(cmd, "%s: missing or invalid \"%s\"", path, keys[k]);
            free(js);
            return 0;
        }
    free(js);
    memset(p, 0, sizeof *p);
    p->gc = avloc_gcc_config_default();
    p->sample_rate = v[0];
    p->gc.frame_length = (size_t)v[1];
    p->gc.n_fft = (size_t)v[2];
    p->gc.hop = (size_t)v[3];
    p->gc.max_lag = (size_t)v[4];
    p->gc.upsample = (size_t)v[5];
    p->slope = v[6];
    p->intercept = v[7];
    p->rmse = v[8];
    p->n_train = (size_t)v[9];
    p->width = (size_t)v[10];
    p->height = (size_t)v[11];
    p->hfov = v[12];
    return 1;
}

static int cmd_phat_train(int argc, char **argv)
{
    const char *cmd = argv[0], *manifest = NULL, *out = NULL, *pos[1];
    int npos = 0, width = 640, height = 480, frame_len = 1024, max_lag = 32, upsample = 4, quiet = 0, pr;
    double hfov = 60.0, t_feat = 0.0;
    avcli_opt opts[10];
    size_t no = 0, i;
    int rc = AVCLI_EXIT_FAIL;
    gl_list list;
    gl_audio au;
    gl_gcc gw;
    gl_phat ph;
    double sx = 0, sy = 0, sxx = 0, sxy = 0, n, *dl = NULL, se = 0;
    opts[no++] = avcli_string("--manifest", &manifest, "CSV", "training manifest (path,u,v)");
    opts[no++] = avcli_alias(avcli_string("--output", &out, "MODEL", "model file to write (.json)"), "-o");
    opts[no++] = avcli_int("--frame-length", &frame_len, 16, 1 << 20, "N", "GCC frame length (n_fft = 2 N, hop = N/2)");
    opts[no++] = avcli_int("--max-lag", &max_lag, 1, 1 << 20, "N", "largest delay searched, in samples");
    opts[no++] = avcli_int("--upsample", &upsample, 1, 64, "U", "correlation upsampling before the parabolic peak fit");
    opts[no++] = avcli_int("--width", &width, 1, 32768, "W", "camera image width in pixels");
    opts[no++] = avcli_int("--height", &height, 1, 32768, "H", "camera image height in pixels");
    opts[no++] = avcli_double("--hfov", &hfov, 1, 179, "DEG", "camera horizontal field of view");
    opts[no++] = avcli_alias(avcli_flag("--quiet", &quiet, 1, "no progress bar"), "-q");
    pr = avcli_parse(argc, argv, opts, no, pos, 0, &npos, "--manifest train.csv -o phat.json [options]",
                     "Baseline: GCC-PHAT time difference of arrival (Welch-averaged over the clip,\n"
                     "sub-sample peak) mapped to the horizontal pixel u by a least-squares line.");
    if (pr <= 0) return pr == 0 ? AVCLI_EXIT_OK : AVCLI_EXIT_USAGE;
    if (!manifest || !out) { avcli_error(cmd, "--manifest and -o are required; see '%s --help'", cmd); return AVCLI_EXIT_USAGE; }
    memset(&au, 0, sizeof au);
    memset(&gw, 0, sizeof gw);
    memset(&ph, 0, sizeof ph);
    ph.gc = avloc_gcc_config_default();
    ph.gc.frame_length = (size_t)frame_len;
    ph.gc.n_fft = 2 * (size_t)frame_len;
    ph.gc.hop = (size_t)frame_len / 2;
    ph.gc.max_lag = (size_t)max_lag;
    ph.gc.upsample = (size_t)upsample;
    if (!gl_manifest_load(cmd, manifest, &list)) return AVCLI_EXIT_FAIL;
    if (list.n < 2) { avcli_error(cmd, "need at least 2 training files"); goto done; }
    if (!gl_gcc_setup(cmd, &gw, &ph.gc)) goto done;
    if (!(dl = (double *)avcli_malloc(cmd, list.n, sizeof(double)))) goto done;
    for (i = 0; i < list.n; i++) {
        double t0;
        if (!gl_audio_load(cmd, list.it[i].path, i ? ph.sample_rate : 0.0, ph.gc.frame_length, &au)) goto done;
        ph.sample_rate = au.rate;
        t0 = gl_cpu();
        if (!gl_gcc_delay(cmd, &gw, list.it[i].path, &au, 0, au.frames, &dl[i])) goto done;
        if (dl[i] != dl[i]) { avcli_error(cmd, "%s: silent file", list.it[i].path); goto done; }
        t_feat += gl_cpu() - t0;
        sx += dl[i]; sy += list.it[i].u; sxx += dl[i] * dl[i]; sxy += dl[i] * list.it[i].u;
        if (!quiet && (i % 8 == 7 || i + 1 == list.n)) gl_progress("gcc-phat", i + 1, list.n, "");
    }
    n = (double)list.n;
    if (!(n * sxx - sx * sx > 1e-12 * n * sxx)) {
        avcli_error(cmd, "all training delays are equal (%g samples): cannot fit u against the delay", sx / n);
        goto done;
    }
    ph.slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    ph.intercept = (sy - ph.slope * sx) / n;
    for (i = 0; i < list.n; i++) {
        double e = ph.slope * dl[i] + ph.intercept - list.it[i].u;
        se += e * e;
    }
    ph.rmse = sqrt(se / n);
    ph.n_train = list.n;
    ph.width = (size_t)width;
    ph.height = (size_t)height;
    ph.hfov = hfov;
    if (!gl_phat_save(cmd, out, &ph)) goto done;
    fprintf(stderr, "%s: %lu files, u = %.4f px/sample x delay + %.2f px, training rmse %.2f px, GCC time %.3f s; wrote %s\n",
            cmd, (unsigned long)list.n, ph.slope, ph.intercept, ph.rmse, t_feat, out);
    rc = AVCLI_EXIT_OK;
done:
    gl_list_free(&list);
    gl_free(&au.lr);
    gl_free(&gw.obj);
    gl_free(&gw.scratch);
    free(dl);
    return rc;
}

static void gl_phat_json(const gl_item *it, const gl_camera *cam, double t, double u, double delay_s, size_t frames)
{
    avloc_io_json j;
    avloc_io_json_begin(&j, stdout);
    avloc_io_json_str(&j, "file", it->name);
    if (t >= 0) avloc_io_json_num(&j, "t", t);
    avloc_io_json_num(&j, "u", u); /* null when silent (u is NaN) */
    avloc_io_json_null(&j, "v");
    avloc_io_json_null(&j, "cov");
    avloc_io_json_int(&j, "active", (long long)frames);
    avloc_io_json_num(&j, "tdoa_ms", 1e3 * delay_s);
    gl_json_truth(&j, cam, it, u, 0, 0);
    avloc_io_json_end(&j);
}

static int cmd_phat_locate(int argc, char **argv)
{
    const char *cmd = argv[0], *model = NULL, *manifest = NULL, *draw = NULL, *frame = NULL, *pos[4096];
    int npos = 0, timing = 0, pr;
    double win = 0.0, hop_s = 0.04, cpu = 0.0, audio_s = 0.0;
    avcli_opt opts[8];
    size_t no = 0, i, n_failed = 0;
    int rc = AVCLI_EXIT_FAIL;
    gl_phat ph;
    gl_list list;
    gl_audio au;
    gl_gcc gw;
    gl_camera cam;
    gl_marks marks;
    gl_errs errs;
    opts[no++] = avcli_string("--model", &model, "MODEL", "model written by 'avloc phat train'");
    opts[no++] = avcli_string("--manifest", &manifest, "CSV", "locate the files of a manifest and score against its u");
    opts[no++] = avcli_double("--window", &win, 0, 1e6, "SEC", "sliding analysis window (0: one estimate per file)");
    opts[no++] = avcli_double("--hop", &hop_s, 1e-6, 1e6, "SEC", "window hop");
    opts[no++] = avcli_string("--draw", &draw, "PNG", "draw estimates (vertical lines) and truths");
    opts[no++] = avcli_string("--frame", &frame, "IMG", "background image for --draw (PPM/PGM/Y4M)");
    opts[no++] = avcli_flag("--timing", &timing, 1, "print the GCC-PHAT time to stderr");
    pr = avcli_parse(argc, argv, opts, no, pos, 4096, &npos, "--model phat.json (IN.wav... | --manifest test.csv) [options]",
                     "Baseline localisation: GCC-PHAT delay -> horizontal pixel u (v is not estimated: null).");
    if (pr <= 0) return pr == 0 ? AVCLI_EXIT_OK : AVCLI_EXIT_USAGE;
    if (!gl_locate_args_ok(cmd, model, manifest, npos, frame, draw)) return AVCLI_EXIT_USAGE;
    memset(&au, 0, sizeof au);
    memset(&gw, 0, sizeof gw);
    memset(&marks, 0, sizeof marks);
    memset(&errs, 0, sizeof errs);
    memset(&list, 0, sizeof list);
    if (!gl_phat_load(cmd, model, &ph)) return AVCLI_EXIT_FAIL;
    cam = gl_camera_make((double)ph.width, (double)ph.height, ph.hfov);
    if (!gl_gcc_setup(cmd, &gw, &ph.gc)) goto done;
    if (manifest ? !gl_manifest_load(cmd, manifest, &list) : !gl_list_from_args(cmd, pos, npos, &list)) goto done;
    for (i = 0; i < list.n; i++) {
        const gl_item *it = &list.it[i];
        double t0, delay, u;
        gl_mark mk;
        if (!gl_audio_load(cmd, it->path, ph.sample_rate, ph.gc.frame_length, &au)) { n_failed++; continue; }
        audio_s += (double)au.frames / au.rate;
        memset(&mk, 0, sizeof mk);
        mk.has_truth = it->has_truth; mk.ut = it->u; mk.vt = it->v; mk.t = -1;
        if (win <= 0) {
            size_t nf = 0;
            t0 = gl_cpu();
            if (!gl_gcc_delay(cmd, &gw, it->path, &au, 0, au.frames, &delay)) { n_failed++; continue; }
            cpu += gl_cpu() - t0;
            avloc_gcc_frames(&ph.gc, au.frames, &nf);
            u = ph.slope * delay + ph.intercept;
            gl_phat_json(it, &cam, -1, u, delay / ph.sample_rate, nf);
            if (u != u) { n_failed++; continue; }
            if (it->has_truth && !gl_errs_add(cmd, &errs, &cam, u, 0, 0, it->u, it->v)) goto done;
            mk.u = u;
            if (draw && !gl_marks_push(cmd, &marks, &mk, NULL)) goto done;
        } else {
            size_t W = (size_t)floor(win * ph.sample_rate + 0.5), H = (size_t)floor(hop_s * ph.sample_rate + 0.5), a;
            if (W < ph.gc.frame_length) W = ph.gc.frame_length;
            if (H < 1) H = 1;
            for (a = 0; a + W <= au.frames; a += H) {
                size_t nf = 0;
                t0 = gl_cpu();
                if (!gl_gcc_delay(cmd, &gw, it->path, &au, a, a + W, &delay)) { n_failed++; break; }
                cpu += gl_cpu() - t0;
                avloc_gcc_frames(&ph.gc, W, &nf);
                u = ph.slope * delay + ph.intercept;
                if (u != u) continue; /* silent window */
                gl_phat_json(it, &cam, ((double)a + 0.5 * (double)W) / ph.sample_rate, u, delay / ph.sample_rate, nf);
                if (it->has_truth && !gl_errs_add(cmd, &errs, &cam, u, 0, 0, it->u, it->v)) goto done;
                mk.u = u;
                mk.t = ((double)a + 0.5 * (double)W) / ph.sample_rate;
                if (draw && !gl_marks_push(cmd, &marks, &mk, NULL)) goto done;
            }
        }
    }
    if (manifest) gl_errs_print(&errs, "phat", list.n, n_failed, audio_s, cpu);
    if (timing)
        fprintf(stderr, "%s: %.3f s of audio, GCC-PHAT %.4f s on one core = %.0f x real time\n", cmd, audio_s, cpu,
                cpu > 0 ? audio_s / cpu : 0.0);
    if (draw) {
        char sub[128];
        snprintf(sub, sizeof sub, "%lu estimates (u only: GCC-PHAT TDOA -> linear map)", (unsigned long)marks.n);
        if (!gl_draw(cmd, draw, frame, &cam, &marks, "PHAT baseline", sub)) goto done;
    }
    rc = n_failed ? AVCLI_EXIT_FAIL : AVCLI_EXIT_OK;
done:
    gl_list_free(&list);
    gl_free(&au.lr);
    gl_free(&gw.obj);
    gl_free(&gw.scratch);
    gl_marks_free(&marks);
    gl_errs_free(&errs);
    return rc;
}

/* ------------------------------------------------------------- tables */

static const avcli_cmd cmd_gllim_sub[] = {
    {"train", "--manifest train.csv -o model.safetensors [options]", "fit GLLiM on calibration recordings",
     cmd_gllim_train, NULL},
    {"locate", "--model M (IN.wav... | --manifest test.csv) [options]", "localise sounds in camera pixels",
     cmd_gllim_locate, NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static const avcli_cmd cmd_phat_sub[] = {
    {"train", "--manifest train.csv -o phat.json", "fit TDOA -> horizontal pixel", cmd_phat_train, NULL},
    {"locate", "--model phat.json (IN.wav... | --manifest test.csv)", "GCC-PHAT localisation (u only)",
     cmd_phat_locate, NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static const avcli_cmd cmd_gllim_table[] = {
    {"gllim", "train|locate ...", "GLLiM sound-to-image mapping (Deleforge et al.)", NULL, cmd_gllim_sub},
    {"phat", "train|locate ...", "GCC-PHAT baseline (horizontal only)", NULL, cmd_phat_sub},
    {NULL, NULL, NULL, NULL, NULL}};
