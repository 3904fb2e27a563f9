/* cmd_gllim.c - `avloc gllim train|locate` and `avloc phat train|locate`:
   sound source localisation in camera pixels (Deleforge, Horaud et al.,
   "Mapping sounds onto images using binaural spectrograms") and the paper's
   GCC-PHAT baseline. Included by examples/avloc.c (one translation unit);
   uses the avcli_* helpers defined there.

   DATA
   ----
   A manifest is a CSV file with rows path,u,v: either with a header row
   naming the columns `path`, `u` and `v` (found by name, others ignored),
   or without one (then the first three columns are path, u, v). Paths are
   relative to the CSV. WAVs: 2 channels, channel 0 = LEFT ear, 1 = RIGHT ear.

   MODEL FILES
   -----------
   Both are the library's formats, so any program reads them with the
   library alone: GLLiM models through avloc_gllim_save / avloc_gllim_load
   (parameters, feature configuration with the window, camera, tempering
   weight; see avloc_gllim.h), PHAT models through avloc_phat_save /
   avloc_phat_load (the GCC-PHAT settings and the delay -> u line). The CLI
   writes nothing else into them.

   This file is argument parsing, file I/O and printing: every algorithm
   (features, EM, posterior, streaming, GCC-PHAT, the PHAT line fit) is a
   library call.
*/

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
    if (end == s || *end || !avloc_all_finite_f64(&d, 1)) return 0; /* NaN on the bits (-ffast-math) */
    *v = d;
    return 1;
}

/* Header row naming path, u and v: their column indices. A first row whose
   second and third fields are numbers is no header: the columns are then
   path,u,v in that order and the row is data (*is_data = 1). */
static int gl_manifest_columns(char **f, size_t nf, int *ip, int *iu, int *iv, int *is_data)
{
    size_t k;
    double x;
    *is_data = 0;
    if (nf >= 3 && gl_parse_num(f[1], &x) && gl_parse_num(f[2], &x)) {
        *ip = 0; *iu = 1; *iv = 2;
        *is_data = 1;
        return 1;
    }
    for (k = 0; k < nf; k++) {
        if (strcmp(f[k], "path") == 0) *ip = (int)k;
        else if (strcmp(f[k], "u") == 0) *iu = (int)k;
        else if (strcmp(f[k], "v") == 0) *iv = (int)k;
    }
    return *ip >= 0 && *iu >= 0 && *iv >= 0;
}

/* Reads path,u,v rows (columns found by header name, or no header). */
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
        size_t nf;
        if (nl) *nl = '\0';
        if (nl && nl > p && nl[-1] == '\r') nl[-1] = '\0';
        lineno++;
        if (*p == '\0') { p = next; continue; }
        nf = gl_csv_fields(p, f, 64);
        if (ip < 0) { /* header, or the first row of a file without one */
            int is_data = 0;
            if (!gl_manifest_columns(f, nf, &ip, &iu, &iv, &is_data)) {
                avcli_error(cmd, "%s: the first row must be a header naming the columns path, u and v, or a row "
                            "path,u,v with numbers u and v (got '%s'...)", csv, f[0]);
                ok = 0;
                ip = -1;
            }
            if (!is_data) {
                p = next;
                continue;
            }
        }
        if ((int)nf <= ip || (int)nf <= iu || (int)nf <= iv) {
            avcli_error(cmd, "%s:%lu: %lu fields, too few for the path, u and v columns", csv, (unsigned long)lineno, (unsigned long)nf);
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
    if (r == AVLOC_OK) r = avloc_binaural_plan_query_f32(&fx->bc, &pb);
    if (r == AVLOC_OK) r = avloc_binaural_plan_scratch_f32(&fx->bc, au->frames, &sb);
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

/* ------------------------------------------------------ GLLiM model file */

typedef struct gl_model {
    avloc_gllim_model m;
    void *mem;
} gl_model;

/* Writes a library image (avloc_gllim_save) to path. */
static int gl_write_file(const char *cmd, const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) { avcli_error(cmd, "%s: cannot write: %s", path, strerror(errno)); return 0; }
    if (fwrite(buf, 1, len, f) != len) {
        avcli_error(cmd, "%s: write failed: %s", path, strerror(errno));
        fclose(f);
        return 0;
    }
    if (fclose(f) != 0) { avcli_error(cmd, "%s: write failed: %s", path, strerror(errno)); return 0; }
    return 1;
}

static int gl_model_save(const char *cmd, const char *path, const avloc_gllim_model *m, int f64)
{
    avloc_st_dtype dt = f64 ? AVLOC_ST_F64 : AVLOC_ST_F32;
    size_t bytes = 0, sb = 0, written = 0;
    unsigned char *buf = NULL;
    void *scratch = NULL;
    avloc_result r;
    int ok = 0;
    if ((r = avloc_gllim_save_query(m, dt, &bytes, &sb)) != AVLOC_OK) {
        avcli_error(cmd, "model encoding: %s", avloc_result_str(r));
        return 0;
    }
    if ((buf = (unsigned char *)avcli_malloc(cmd, bytes, 1)) && (scratch = avcli_malloc(cmd, sb ? sb : 1, 1))) {
        r = avloc_gllim_save(m, dt, buf, bytes, scratch, sb, &written);
        if (r != AVLOC_OK) avcli_error(cmd, "model encoding: %s", avloc_result_str(r));
        else ok = gl_write_file(cmd, path, buf, written);
    }
    free(buf);
    free(scratch);
    return ok;
}

static void gl_model_free(gl_model *gm)
{
    free(gm->mem);
    memset(gm, 0, sizeof *gm);
}

/* Reads a model file into buf (malloc'd); 0 with a message on failure. */
static int gl_read_model_file(const char *cmd, const char *path, unsigned char **buf, size_t *len)
{
    avloc_io_status s = avloc_io_read_file(path, buf, len);
    if (s == AVLOC_IO_OK) return 1;
    if (s == AVLOC_IO_ERR_OPEN) avcli_error(cmd, "%s: cannot open model: %s", path, strerror(errno));
    else avcli_error(cmd, "%s: %s", path, avloc_io_strerror(s));
    return 0;
}

/* Reads and prepares a model with avloc_gllim_load. A camera field of view
   of 0 (unknown) becomes 60 degrees. */
static int gl_model_load(const char *cmd, const char *path, gl_model *gm)
{
    unsigned char *buf = NULL;
    size_t len = 0, K, L, D, bytes;
    avloc_st_reader rd;
    avloc_result r;
    char sval[32];
    const avloc_binaural_config *fc;
    int ok = 0;
    memset(gm, 0, sizeof *gm);
    if (!gl_read_model_file(cmd, path, &buf, &len)) return 0;
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
    if (gm->m.hfov_deg == 0.0) gm->m.hfov_deg = 60.0;
    ok = 1;
done:
    free(buf);
    if (!ok) gl_model_free(gm);
    return ok;
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
    int ok, density;
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
        /* no camera frame: a 10-degree azimuth / elevation grid of the
           pinhole camera, each line labelled where it meets the image edge */
        for (x = 0; x < im.w; x++)
            for (y = 0; y < im.h; y++) {
                double az, el, u = x + 0.5, v = y + 0.5, az1, el1;
                gl_camera_angles(cam, u, v, &az, &el);
                gl_camera_angles(cam, u + 1, v + 1, &az1, &el1);
                if (floor(az / 10) != floor(az1 / 10) || floor(el / 10) != floor(el1 / 10))
                    gl_blend(&im, (int)x, (int)y, dark, 0.5);
            }
        for (x = 0; x + 1 < im.w; x++) { /* azimuth labels along the bottom edge */
            double az, el, az1, el1;
            char lab[16];
            gl_camera_angles(cam, x + 0.5, im.h - 0.5, &az, &el);
            gl_camera_angles(cam, x + 1.5, im.h - 0.5, &az1, &el1);
            if (floor(az / 10) == floor(az1 / 10)) continue;
            snprintf(lab, sizeof lab, "az %.0f", 10 * floor(az1 / 10) == 0 ? 0.0 : 10 * floor(az1 / 10));
            avloc_io_draw_text(&im, (int)x + 3, (int)im.h - 12, lab, 1, dark);
        }
        for (y = 0; y + 1 < im.h; y++) { /* elevation labels along the left edge */
            double az, el, az1, el1;
            char lab[16];
            gl_camera_angles(cam, 0.5, y + 0.5, &az, &el);
            gl_camera_angles(cam, 0.5, y + 1.5, &az1, &el1);
            if (floor(el / 10) == floor(el1 / 10)) continue;
            snprintf(lab, sizeof lab, "el %.0f", 10 * floor(el / 10) == 0 ? 0.0 : 10 * floor(el / 10));
            avloc_io_draw_text(&im, 3, (int)y + 3, lab, 1, dark);
        }
    }
    sx = im.w / cam->w;
    sy = im.h / cam->h;
    for (i = 0; i < ms->n; i++) n_clip += ms->m[i].t < 0;
    density = ms->n == 1 && ms->m[0].K;
    if (density) gl_draw_density(&im, &ms->m[0], sx, sy); /* one clip: its posterior as a heat map */
    else if (ms->n <= 12)                                 /* a few: each mixture's components */
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
    {   /* the figure: axes in camera pixels, title, a legend naming only what is drawn */
        avloc_io_figure_spec f;
        avloc_io_image fig;
        avloc_io_status st;
        char legend[200], heading[200];
        int truths = 0;
        for (i = 0; i < ms->n; i++) truths |= ms->m[i].has_truth;
        memset(&f, 0, sizeof f);
        snprintf(heading, sizeof heading, "%s%s%s", title ? title : "sound positions", subtitle ? ": " : "",
                 subtitle ? subtitle : "");
        f.title = heading;
        f.xlabel = legend;
        f.ylabel = "v (px)";
        f.x0 = 0.0;
        f.x1 = cam->w;
        f.y0 = cam->h; /* image rows grow downwards */
        f.y1 = 0.0;
        snprintf(legend, sizeof legend, "u (px)   -   %s%s%s", truths ? "green o: truth, white line to it   " : "",
                 ms->n && !ms->m[0].has_v ? "red line: PHAT estimate" : n_clip ? "red x: estimate" : "dots: estimates, colour = time",
                 density ? "   heat: posterior density" : ms->n <= 12 ? "   ellipses: 1/2/3 sigma of components" : "");
        if (density) {
            f.clabel = "posterior density (rel. to max)";
            f.c0 = 0.0;
            f.c1 = 1.0;
        }
        st = avloc_io_figure(&im, &f, &fig);
        ok = avcli_check_write(cmd, out, st == AVLOC_IO_OK ? avloc_io_png_save(out, &fig) : st);
        if (st == AVLOC_IO_OK) avloc_io_image_free(&fig);
    }
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

/* The defaults of `gllim train` are the recipe docs/gllim.md validated
   (fourth round, calibrated room: the smallest K meeting the goals on 300
   validation clips, then run once on the test set): K = 64, Sigma "d*",
   activity threshold -25 dB relative to the clip maximum, tempering 1e-2. */
#define GL_DEFAULT_K 64
#define GL_DEFAULT_THRESHOLD_DB (-25.0)
#define GL_DEFAULT_OBS_WEIGHT 1e-2

/* One temporal-mean feature vector per training file: Yt (N x D) and its
   dimension mask dm. Returns 0 with a message on failure. */
static int gl_train_features(const char *cmd, const gl_list *list, gl_fx *fx, gl_audio *au, float *Yt,
                             unsigned char *dm, double *X, int quiet, double *t_feat, double *audio_s)
{
    size_t i, D = 3 * fx->bc.n_bins;
    for (i = 0; i < list->n; i++) {
        double rate = i == 0 ? 0.0 : (double)fx->bc.sample_rate, t0;
        avloc_result r;
        if (!gl_audio_load(cmd, list->it[i].path, rate, fx->bc.n_fft, au)) return 0;
        if (i == 0) fx->bc.sample_rate = (float)au->rate;
        t0 = gl_cpu();
        if (!gl_fx_run(cmd, fx, list->it[i].path, au)) return 0;
        r = avloc_binaural_mean_f32(fx->Y, fx->M, fx->T, D, Yt + i * D, dm + i * D);
        if (r < 0) { avcli_error(cmd, "%s: %s", list->it[i].path, avloc_result_str(r)); return 0; }
        if (r == AVLOC_NO_ACTIVE_POINTS) {
            avcli_error(cmd, "%s: no active time-frequency point (silent file?)", list->it[i].path);
            return 0;
        }
        *t_feat += gl_cpu() - t0;
        *audio_s += (double)au->frames / au->rate;
        X[2 * i] = list->it[i].u;
        X[2 * i + 1] = list->it[i].v;
        if (!quiet && (i % 8 == 7 || i + 1 == list->n)) gl_progress("features", i + 1, list->n, "");
    }
    return 1;
}

static void gl_train_json(const char *out, size_t N, size_t D, const avloc_gllim_train_info *info,
                          avloc_gllim_sigma sigma, double t_feat, double t_em, double audio_s)
{
    avloc_io_json j;
    avloc_io_json_begin(&j, stdout);
    avloc_io_json_str(&j, "model", out);
    avloc_io_json_int(&j, "n", (long long)N);
    avloc_io_json_int(&j, "D", (long long)D);
    avloc_io_json_int(&j, "K", (long long)info->K_used);
    avloc_io_json_str(&j, "sigma", avloc_gllim_sigma_name(sigma));
    avloc_io_json_int(&j, "iterations", (long long)info->iterations);
    avloc_io_json_bool(&j, "converged", info->converged);
    avloc_io_json_num(&j, "loglik", info->loglik);
    avloc_io_json_num(&j, "features_s", t_feat);
    avloc_io_json_num(&j, "em_s", t_em);
    avloc_io_json_num(&j, "train_s", t_feat + t_em);
    avloc_io_json_num(&j, "audio_s", audio_s);
    avloc_io_json_end(&j);
}

static int cmd_gllim_train(int argc, char **argv)
{
    const char *cmd = argv[0], *manifest = NULL, *out = NULL, *pos[1];
    int npos = 0, K = GL_DEFAULT_K, sigma = 0, iters = 100, seed = 1, restarts = 1, thr_mode = 1, quiet = 0, f64 = 0;
    int width = 640, height = 480, first_bin = 1, n_bins = 512, n_fft = 1024, hop = 128;
    double thr = GL_DEFAULT_THRESHOLD_DB, tol = 1e-3, hfov = 60.0, obs_w = GL_DEFAULT_OBS_WEIGHT, train_thr = -120.0;
    static const avloc_gllim_sigma sigmas[4] = {AVLOC_GLLIM_SIGMA_DIAG_TIED, AVLOC_GLLIM_SIGMA_DIAG,
                                               AVLOC_GLLIM_SIGMA_ISO_TIED, AVLOC_GLLIM_SIGMA_ISO};
    avcli_opt opts[24];
    size_t no = 0, D, N, bytes, sb, missing = 0;
    int rc = AVCLI_EXIT_FAIL, pr;
    gl_list list;
    gl_audio au;
    gl_fx fx;
    gl_model gm;
    double *X = NULL, t_feat = 0.0, t_em = 0.0, t0, audio_s = 0.0;
    float *Yt = NULL;
    unsigned char *dm = NULL;
    void *scratch = NULL;
    avloc_gllim_train_config tc;
    avloc_gllim_train_info info;
    gl_em_progress prog;
    avloc_result r;

    opts[no++] = avcli_string("--manifest", &manifest, "CSV", "training manifest (rows path,u,v, header optional; paths relative to it)");
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
    opts[no++] = avcli_int("--first-bin", &first_bin, 0, 1 << 20, "B", "first STFT bin of the features");
    opts[no++] = avcli_int("--n-bins", &n_bins, 1, 1 << 20, "N", "number of STFT bins (D = 3 N)");
    opts[no++] = avcli_int("--n-fft", &n_fft, 2, 1 << 20, "N", "STFT size (Hann window)");
    opts[no++] = avcli_int("--hop", &hop, 1, 1 << 20, "N", "STFT hop in samples");
    opts[no++] = avcli_int("--width", &width, 1, 32768, "W", "camera image width in pixels");
    opts[no++] = avcli_int("--height", &height, 1, 32768, "H", "camera image height in pixels");
    opts[no++] = avcli_double("--hfov", &hfov, 1, 179, "DEG", "camera horizontal field of view (for degrees)");
    opts[no++] = avcli_double("--obs-weight", &obs_w, 1e-6, 1e6, "W", "tempering stored for locate: weight of each active point in the posterior");
    opts[no++] = avcli_flag("--f64", &f64, 1, "store parameters as float64 (default float32)");
    opts[no++] = avcli_alias(avcli_flag("--quiet", &quiet, 1, "no progress bar"), "-q");
    pr = avcli_parse(argc, argv, opts, no, pos, 0, &npos, "--manifest train.csv -o model.safetensors [options]",
                     "Fits a GLLiM model pixel (u, v) -> binaural features (ILD, cos/sin IPD per bin) on\n"
                     "calibration recordings (white noise), one temporal-mean feature vector per file.\n"
                     "The defaults (-K 64, --sigma d*, --threshold-db -25 relative, --obs-weight 1e-2) are\n"
                     "the recipe validated in docs/gllim.md (calibrated room, 36 x 48 calibration grid:\n"
                     "3.7 px / 19.1 px mean errors on its test set); K must not exceed the file count.");
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
        avcli_error(cmd, "-K %d%s is more than the %lu training files; pass a smaller -K", K,
                    opts[2].given ? "" : " (the default)", (unsigned long)N);
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
    if (!X || !Yt || !dm) goto done;

    /* 1. features: one temporal-mean vector per file */
    if (!gl_train_features(cmd, &list, &fx, &au, Yt, dm, X, quiet, &t_feat, &audio_s)) goto done;
    avloc_gllim_fill_missing_f32(Yt, dm, N, D, &missing);
    if (missing)
        avcli_warn(cmd, "%lu of %lu training values had no active frame (filled with the dimension's mean); "
                   "calibration recordings should be broadband (white noise)", (unsigned long)missing,
                   (unsigned long)(N * D));

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
    /* what locate needs travels in the model: features (with the locate
       threshold), camera, tempering */
    gm.m.feat = fx.bc;
    gm.m.feat.threshold_db = (float)thr;
    gm.m.feat.threshold_relative = thr_mode;
    gm.m.image_width = (size_t)width;
    gm.m.image_height = (size_t)height;
    gm.m.hfov_deg = hfov;
    gm.m.obs_weight = obs_w;
    if (!gl_model_save(cmd, out, &gm.m, f64)) goto done;
    fprintf(stderr, "%s: %lu files (%.1f s of audio), D = %lu, K = %lu (%s), %lu EM iterations%s, LL %.6g\n", cmd,
            (unsigned long)N, audio_s, (unsigned long)D, (unsigned long)info.K_used, avloc_gllim_sigma_name(tc.sigma_type),
            (unsigned long)info.iterations, info.converged ? " (converged)" : "", info.loglik);
    fprintf(stderr, "%s: time (one core): features %.3f s, EM %.3f s, total %.3f s; wrote %s\n", cmd, t_feat, t_em,
            t_feat + t_em, out);
    gl_train_json(out, N, D, &info, tc.sigma_type, t_feat, t_em, audio_s);
    rc = AVCLI_EXIT_OK;
done:
    gl_list_free(&list);
    gl_free(&au.lr);
    gl_fx_free(&fx);
    free(X); free(Yt); free(dm); free(scratch);
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

/* Writes "u" (and "v") and, when the estimate lies outside the camera image
   ([0, w] x [0, h]), "outside_image": true plus a warning on stderr: a
   position off the picture is never reported silently. */
static void gl_json_position(avloc_io_json *j, const char *cmd, const gl_item *it, const gl_camera *cam,
                             double u, double v, int has_v)
{
    int outside;
    avloc_io_json_num(j, "u", u);
    if (has_v) avloc_io_json_num(j, "v", v);
    else avloc_io_json_null(j, "v");
    if (!avloc_all_finite_f64(&u, 1)) return; /* silent clip: u is null (no NaN compare: -ffast-math) */
    outside = !(u >= 0.0 && u <= cam->w) || (has_v && !(v >= 0.0 && v <= cam->h));
    if (!outside) return;
    avloc_io_json_bool(j, "outside_image", 1);
    if (has_v) avcli_warn(cmd, "%s: estimate (%.1f, %.1f) lies outside the %gx%g image", it->name, u, v, cam->w, cam->h);
    else avcli_warn(cmd, "%s: estimate u = %.1f lies outside the image width %g", it->name, u, cam->w);
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

static int cmd_gllim_locate(int argc, char **argv)
{
    const char *cmd = argv[0], *model = NULL, *manifest = NULL, *draw = NULL, *frame = NULL, *pos[4096];
    int npos = 0, thr_mode = -1, timing = 0, min_active = 100, pr;
    /* "not given" is a value outside each flag's range, not NaN: a NaN test
       is folded away in -ffast-math builds (-ffinite-math-only) */
    double thr = 1e300, win = 0.0, hop_s = 0.04, obs_w = 0.0;
    avcli_opt opts[14];
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
    avloc_gllim_stats st;
    avloc_gllim_stream stream;
    void *pmem = NULL, *smem = NULL, *strmem = NULL;
    double cpu = 0.0, audio_s = 0.0;

    opts[no++] = avcli_string("--model", &model, "MODEL", "model written by 'avloc gllim train'");
    opts[no++] = avcli_string("--manifest", &manifest, "CSV", "locate the files of a manifest and score against its u,v");
    opts[no++] = avcli_double("--window", &win, 0, 1e6, "SEC", "sliding analysis window (0: one estimate per file)");
    opts[no++] = avcli_double("--hop", &hop_s, 1e-6, 1e6, "SEC", "window hop");
    opts[no++] = avcli_int("--min-active", &min_active, 1, 1 << 30, "N", "active time-frequency points a window needs");
    opts[no++] = avcli_double("--threshold-db", &thr, -400, 400, "X", "override the model's activity threshold");
    opts[no++] = avcli_choice("--threshold-mode", &thr_mode, "abs|rel", "override the model's threshold mode");
    opts[no++] = avcli_double("--obs-weight", &obs_w, 1e-6, 1e6, "W", "override the model's tempering weight of each active point");
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
    if (obs_w > 0.0) gm.m.obs_weight = obs_w;
    if (thr < 1e299) gm.m.feat.threshold_db = (float)thr;
    if (thr_mode >= 0) gm.m.feat.threshold_relative = thr_mode;
    fx.bc = gm.m.feat;
    cam = gl_camera_make((double)gm.m.image_width, (double)gm.m.image_height, gm.m.hfov_deg);
    if (manifest ? !gl_manifest_load(cmd, manifest, &list) : !gl_list_from_args(cmd, pos, npos, &list)) goto done;
    if (avloc_gllim_posterior_query(&gm.m, &pbytes, NULL) != AVLOC_OK || avloc_gllim_stats_query(gm.m.D, &sbytes) != AVLOC_OK ||
        !(pmem = avcli_malloc(cmd, pbytes, 1)) || !(smem = avcli_malloc(cmd, sbytes, 1)))
        goto done;
    avloc_gllim_posterior_init(&post, &gm.m, pmem, pbytes);
    avloc_gllim_stats_init(&st, gm.m.D, smem, sbytes);
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
        if (win <= 0) {
            gl_mark mk;
            avloc_io_json j;
            avloc_gllim_stats_reset(&st);
            r = avloc_gllim_stats_add_f32(&st, fx.Y, fx.M, fx.T, 1);
            if (r == AVLOC_OK) r = avloc_gllim_posterior_from_stats(&gm.m, &st, &post);
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
            gl_json_position(&j, cmd, it, &cam, post.mean[0], post.mean[1], 1);
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
                    gl_json_position(&j, cmd, it, &cam, post.mean[0], post.mean[1], 1);
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
    free(pmem); free(smem); free(strmem);
    return rc;
}

/* ------------------------------------------------------------------ PHAT */

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

static int gl_phat_save(const char *cmd, const char *path, const avloc_phat_model *p)
{
    size_t bytes = 0, written = 0;
    unsigned char *buf;
    avloc_result r = avloc_phat_save_query(p, &bytes);
    int ok = 0;
    if (r != AVLOC_OK) { avcli_error(cmd, "model encoding: %s", avloc_result_str(r)); return 0; }
    if (!(buf = (unsigned char *)avcli_malloc(cmd, bytes, 1))) return 0;
    r = avloc_phat_save(p, buf, bytes, &written);
    if (r != AVLOC_OK) avcli_error(cmd, "model encoding: %s", avloc_result_str(r));
    else ok = gl_write_file(cmd, path, buf, written);
    free(buf);
    return ok;
}

static int gl_phat_load(const char *cmd, const char *path, avloc_phat_model *p)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    avloc_result r;
    if (!gl_read_model_file(cmd, path, &buf, &len)) return 0;
    r = avloc_phat_load(p, buf, len);
    free(buf);
    if (r != AVLOC_OK) {
        avcli_error(cmd, "%s: not a valid avloc PHAT model (%s; written by 'avloc phat train' of this version?)", path,
                    avloc_result_str(r));
        return 0;
    }
    if (p->hfov_deg == 0.0) p->hfov_deg = 60.0;
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
    avloc_phat_model ph;
    double *dl = NULL, *us = NULL;
    avloc_result r;
    opts[no++] = avcli_string("--manifest", &manifest, "CSV", "training manifest (rows path,u,v, header optional)");
    opts[no++] = avcli_alias(avcli_string("--output", &out, "MODEL", "model file to write (.safetensors)"), "-o");
    opts[no++] = avcli_int("--frame-length", &frame_len, 16, 1 << 20, "N", "GCC frame length (n_fft = 2 N, hop = N/2)");
    opts[no++] = avcli_int("--max-lag", &max_lag, 1, 1 << 20, "N", "largest delay searched, in samples");
    opts[no++] = avcli_int("--upsample", &upsample, 1, 64, "U", "correlation upsampling before the parabolic peak fit");
    opts[no++] = avcli_int("--width", &width, 1, 32768, "W", "camera image width in pixels");
    opts[no++] = avcli_int("--height", &height, 1, 32768, "H", "camera image height in pixels");
    opts[no++] = avcli_double("--hfov", &hfov, 1, 179, "DEG", "camera horizontal field of view");
    opts[no++] = avcli_alias(avcli_flag("--quiet", &quiet, 1, "no progress bar"), "-q");
    pr = avcli_parse(argc, argv, opts, no, pos, 0, &npos, "--manifest train.csv -o phat.safetensors [options]",
                     "Baseline: GCC-PHAT time difference of arrival (Welch-averaged over the clip,\n"
                     "sub-sample peak) mapped to the horizontal pixel u by a least-squares line.");
    if (pr <= 0) return pr == 0 ? AVCLI_EXIT_OK : AVCLI_EXIT_USAGE;
    if (!manifest || !out) { avcli_error(cmd, "--manifest and -o are required; see '%s --help'", cmd); return AVCLI_EXIT_USAGE; }
    memset(&au, 0, sizeof au);
    memset(&gw, 0, sizeof gw);
    ph = avloc_phat_model_default();
    ph.gcc.frame_length = (size_t)frame_len;
    ph.gcc.n_fft = 2 * (size_t)frame_len;
    ph.gcc.hop = (size_t)frame_len / 2;
    ph.gcc.max_lag = (size_t)max_lag;
    ph.gcc.upsample = (size_t)upsample;
    if (!gl_manifest_load(cmd, manifest, &list)) return AVCLI_EXIT_FAIL;
    if (list.n < 2) { avcli_error(cmd, "need at least 2 training files"); goto done; }
    if (!gl_gcc_setup(cmd, &gw, &ph.gcc)) goto done;
    if (!(dl = (double *)avcli_malloc(cmd, list.n, sizeof(double))) ||
        !(us = (double *)avcli_malloc(cmd, list.n, sizeof(double))))
        goto done;
    for (i = 0; i < list.n; i++) {
        double t0;
        if (!gl_audio_load(cmd, list.it[i].path, i ? ph.sample_rate : 0.0, ph.gcc.frame_length, &au)) goto done;
        ph.sample_rate = (float)au.rate;
        t0 = gl_cpu();
        if (!gl_gcc_delay(cmd, &gw, list.it[i].path, &au, 0, au.frames, &dl[i])) goto done;
        if (dl[i] != dl[i]) { avcli_error(cmd, "%s: silent file", list.it[i].path); goto done; }
        t_feat += gl_cpu() - t0;
        us[i] = list.it[i].u;
        if (!quiet && (i % 8 == 7 || i + 1 == list.n)) gl_progress("gcc-phat", i + 1, list.n, "");
    }
    r = avloc_phat_fit_f64(&ph, dl, us, list.n);
    if (r == AVLOC_ERR_NUMERIC) {
        avcli_error(cmd, "all training delays are equal (%g samples): cannot fit u against the delay", dl[0]);
        goto done;
    }
    if (r != AVLOC_OK) { avcli_error(cmd, "line fit: %s", avloc_result_str(r)); goto done; }
    ph.image_width = (size_t)width;
    ph.image_height = (size_t)height;
    ph.hfov_deg = hfov;
    if (!gl_phat_save(cmd, out, &ph)) goto done;
    fprintf(stderr, "%s: %lu files, u = %.4f px/sample x delay + %.2f px, training rmse %.2f px, GCC time %.3f s; wrote %s\n",
            cmd, (unsigned long)list.n, ph.slope, ph.intercept, ph.rmse, t_feat, out);
    rc = AVCLI_EXIT_OK;
done:
    gl_list_free(&list);
    gl_free(&au.lr);
    avloc_gcc_destroy_f32(&gw.g);
    gl_free(&gw.obj);
    gl_free(&gw.scratch);
    free(dl);
    free(us);
    return rc;
}

static void gl_phat_json(const char *cmd, const gl_item *it, const gl_camera *cam, double t, double u,
                         double delay_s, size_t frames)
{
    avloc_io_json j;
    avloc_io_json_begin(&j, stdout);
    avloc_io_json_str(&j, "file", it->name);
    if (t >= 0) avloc_io_json_num(&j, "t", t);
    gl_json_position(&j, cmd, it, cam, u, 0.0, 0); /* u null when silent (NaN) */
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
    avloc_phat_model ph;
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
    pr = avcli_parse(argc, argv, opts, no, pos, 4096, &npos, "--model phat.safetensors (IN.wav... | --manifest test.csv) [options]",
                     "Baseline localisation: GCC-PHAT delay -> horizontal pixel u (v is not estimated: null).");
    if (pr <= 0) return pr == 0 ? AVCLI_EXIT_OK : AVCLI_EXIT_USAGE;
    if (!gl_locate_args_ok(cmd, model, manifest, npos, frame, draw)) return AVCLI_EXIT_USAGE;
    memset(&au, 0, sizeof au);
    memset(&gw, 0, sizeof gw);
    memset(&marks, 0, sizeof marks);
    memset(&errs, 0, sizeof errs);
    memset(&list, 0, sizeof list);
    if (!gl_phat_load(cmd, model, &ph)) return AVCLI_EXIT_FAIL;
    cam = gl_camera_make((double)ph.image_width, (double)ph.image_height, ph.hfov_deg);
    if (!gl_gcc_setup(cmd, &gw, &ph.gcc)) goto done;
    if (manifest ? !gl_manifest_load(cmd, manifest, &list) : !gl_list_from_args(cmd, pos, npos, &list)) goto done;
    for (i = 0; i < list.n; i++) {
        const gl_item *it = &list.it[i];
        double t0, delay, u;
        gl_mark mk;
        if (!gl_audio_load(cmd, it->path, ph.sample_rate, ph.gcc.frame_length, &au)) { n_failed++; continue; }
        audio_s += (double)au.frames / au.rate;
        memset(&mk, 0, sizeof mk);
        mk.has_truth = it->has_truth; mk.ut = it->u; mk.vt = it->v; mk.t = -1;
        if (win <= 0) {
            size_t nf = 0;
            t0 = gl_cpu();
            if (!gl_gcc_delay(cmd, &gw, it->path, &au, 0, au.frames, &delay)) { n_failed++; continue; }
            cpu += gl_cpu() - t0;
            avloc_gcc_frames(&ph.gcc, au.frames, &nf);
            u = avloc_phat_pixel(&ph, delay);
            gl_phat_json(cmd, it, &cam, -1, u, delay / ph.sample_rate, nf);
            if (u != u) { n_failed++; continue; }
            if (it->has_truth && !gl_errs_add(cmd, &errs, &cam, u, 0, 0, it->u, it->v)) goto done;
            mk.u = u;
            if (draw && !gl_marks_push(cmd, &marks, &mk, NULL)) goto done;
        } else {
            size_t W = (size_t)floor(win * ph.sample_rate + 0.5), H = (size_t)floor(hop_s * ph.sample_rate + 0.5), a;
            if (W < ph.gcc.frame_length) W = ph.gcc.frame_length;
            if (H < 1) H = 1;
            for (a = 0; a + W <= au.frames; a += H) {
                size_t nf = 0;
                t0 = gl_cpu();
                if (!gl_gcc_delay(cmd, &gw, it->path, &au, a, a + W, &delay)) { n_failed++; break; }
                cpu += gl_cpu() - t0;
                avloc_gcc_frames(&ph.gcc, W, &nf);
                u = avloc_phat_pixel(&ph, delay);
                if (u != u) continue; /* silent window */
                gl_phat_json(cmd, it, &cam, ((double)a + 0.5 * (double)W) / ph.sample_rate, u, delay / ph.sample_rate, nf);
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
    avloc_gcc_destroy_f32(&gw.g);
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
    {"train", "--manifest train.csv -o phat.safetensors", "fit TDOA -> horizontal pixel", cmd_phat_train, NULL},
    {"locate", "--model phat.safetensors (IN.wav... | --manifest test.csv)", "GCC-PHAT localisation (u only)",
     cmd_phat_locate, NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static const avcli_cmd cmd_gllim_table[] = {
    {"gllim", "train|locate ...", "GLLiM sound-to-image mapping (Deleforge et al.)", NULL, cmd_gllim_sub},
    {"phat", "train|locate ...", "GCC-PHAT baseline (horizontal only)", NULL, cmd_phat_sub},
    {NULL, NULL, NULL, NULL, NULL}};
