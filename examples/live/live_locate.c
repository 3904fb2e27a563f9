/* live_locate.c - binaural sound localisation on a live camera picture, or
   the calibration that makes the model for it (Deleforge et al.'s protocol:
   a loudspeaker with a visual marker, playing white noise, moved across the
   camera's view). Devices or files, through the same code path (avcap.h):

     avloc_live --audio alsa:default --video v4l2:/dev/video0 --model m.safetensors
                --overlay out.y4m --snapshots out/snaps
     avloc_live --audio file:scene.wav --video file:scene.y4m --model m.safetensors ...
     avloc_live --audio alsa:default --video v4l2:/dev/video0 --calibrate m.safetensors

   LOCATE: every --every seconds of audio the last --window seconds are
   localised (avloc_gllim_localize_clip_f32) and one JSON line is printed;
   each video frame gets the newest estimate whose window ended at or before
   the frame's time (so the picture's mark lags the sound by at most one
   --every step plus the window's own extent), drawn into the overlay Y4M and
   the PNG snapshots (colour, with the time and the position).

   CALIBRATE: each video frame's marker (the centroid of the pixels within
   --marker-level of the frame's maximum: the brightest blob, e.g. an LED or
   a white card under light) is paired with the binaural training vector of
   the audio window ending at that frame, when the marker stayed within 2
   pixels for the whole window; the pairs train a GLLiM model (the recipe of
   `avloc gllim train`: K 64 or fewer, Sigma "d*", locate threshold -25 dB,
   tempering 1e-2) saved with the video size as its camera.

   Audio and video share one clock: sample count for audio; for devices the
   video clock is shifted so that its time 0 is the first audio sample. */
#define _POSIX_C_SOURCE 200809L
#define AVLOC_IMPLEMENTATION
#include "../../avloc_gllim.h"
#define AVLOC_IO_IMPLEMENTATION
#include "../avloc_io.h"
#include "avcap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct live_opts {
    const char *audio, *video, *model, *calibrate, *overlay, *snapshots;
    double window_s, every_s, snapshot_every_s, duration_s, marker_level;
    unsigned rate;
    int K;
} live_opts;

typedef struct live_est {
    double t, u, v;   /* camera pixels of the model; u NaN-free: valid flag */
    int valid;
} live_est;

static int usage(void)
{
    fprintf(stderr,
            "usage: avloc_live --audio SRC [--video SRC] (--model M.safetensors | --calibrate OUT.safetensors)\n"
            "                  [--overlay OUT.y4m] [--snapshots DIR] [--snapshot-every S] [--window S]\n"
            "                  [--every S] [--duration S] [--rate HZ] [-K N] [--marker-level F]\n"
            "sources: file:X.wav alsa:NAME wasapi: coreaudio: | file:X.y4m v4l2:/dev/videoN mf:N avf:N\n");
    return 2;
}

static int parse(int argc, char **argv, live_opts *o)
{
    int i;
    memset(o, 0, sizeof *o);
    o->window_s = 0.72;
    o->every_s = 0.1;
    o->snapshot_every_s = 1.0;
    o->marker_level = 0.15;
    o->rate = 16000;
    o->K = 64;
    for (i = 1; i < argc; i += 2) { /* every option takes a value */
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        double x = v ? atof(v) : 0.0;
        if (!v) return 0;
        if (strcmp(a, "--audio") == 0) o->audio = v;
        else if (strcmp(a, "--video") == 0) o->video = v;
        else if (strcmp(a, "--model") == 0) o->model = v;
        else if (strcmp(a, "--calibrate") == 0) o->calibrate = v;
        else if (strcmp(a, "--overlay") == 0) o->overlay = v;
        else if (strcmp(a, "--snapshots") == 0) o->snapshots = v;
        else if (strcmp(a, "--snapshot-every") == 0 && x > 0) o->snapshot_every_s = x;
        else if (strcmp(a, "--window") == 0 && x >= 0.1 && x <= 10) o->window_s = x;
        else if (strcmp(a, "--every") == 0 && x >= 0.01 && x <= 10) o->every_s = x;
        else if (strcmp(a, "--duration") == 0 && x > 0) o->duration_s = x;
        else if (strcmp(a, "--rate") == 0 && x >= 1000 && x <= 192000) o->rate = (unsigned)x;
        else if (strcmp(a, "-K") == 0 && x >= 1 && x <= 1024) o->K = (int)x;
        else if (strcmp(a, "--marker-level") == 0 && x > 0 && x < 1) o->marker_level = x;
        else return 0;
    }
    return o->audio && (!o->model != !o->calibrate) && (!o->calibrate || o->video);
}

/* ------------------------------------------------------- audio history */

/* The last n frames of the two ears, oldest first. */
typedef struct live_hist {
    float *l, *r;
    size_t n, filled;
} live_hist;

static void hist_push(live_hist *h, const float *x, size_t frames, unsigned ch)
{
    size_t take = frames < h->n ? frames : h->n, first = frames - take, f;
    memmove(h->l, h->l + take, (h->n - take) * sizeof *h->l);
    memmove(h->r, h->r + take, (h->n - take) * sizeof *h->r);
    for (f = 0; f < take; f++) {
        h->l[h->n - take + f] = x[(first + f) * ch];
        h->r[h->n - take + f] = x[(first + f) * ch + 1];
    }
    h->filled = h->filled + frames < h->n ? h->filled + frames : h->n;
}

/* ----------------------------------------------------------- the marker */

/* Centroid of the pixels within `level` (fraction of the frame's range) of
   the brightest one; 0 when the frame is flat (no marker). */
static int find_marker(const unsigned char *g, int w, int h, double level, double *u, double *v)
{
    size_t i, np = (size_t)w * (size_t)h;
    int mx = 0, mn = 255;
    double su = 0, sv = 0, sw = 0, thr;
    for (i = 0; i < np; i++) {
        if (g[i] > mx) mx = g[i];
        if (g[i] < mn) mn = g[i];
    }
    if (mx - mn < 32) return 0;
    thr = mx - level * (mx - mn);
    for (i = 0; i < np; i++)
        if (g[i] >= thr) {
            double wt = g[i] - thr + 1.0;
            su += wt * ((double)(i % (size_t)w) + 0.5);
            sv += wt * ((double)(i / (size_t)w) + 0.5);
            sw += wt;
        }
    *u = su / sw;
    *v = sv / sw;
    return 1;
}

/* --------------------------------------------------------- the pictures */

static void draw_mark(unsigned char *grey, int w, int h, double u, double v)
{
    avloc_io_image im;
    static const unsigned char white = 255, black = 0;
    im.pix = grey;
    im.w = (unsigned)w;
    im.h = (unsigned)h;
    im.channels = 1;
    im.stride = (size_t)w;
    avloc_io_draw_circle(&im, u, v, 8.0, &black);
    avloc_io_draw_circle(&im, u, v, 7.0, &white);
    avloc_io_draw_circle(&im, u, v, 6.0, &black);
    avloc_io_draw_cross(&im, u, v, 3.0, &white);
}

static int snapshot(const char *dir, const unsigned char *grey, int w, int h, double t, const live_est *e,
                    double sx, double sy)
{
    avloc_io_image im;
    char path[1024], label[96];
    static const unsigned char red[3] = {230, 40, 40}, yellow[3] = {255, 220, 0};
    int ok, x, y, c, z = w < 480 ? (480 + w - 1) / w : 1; /* small videos are enlarged so the label fits */
    double zu = e->u * sx * z, zv = e->v * sy * z;
    if (avloc_io_image_alloc(&im, (unsigned)(w * z), (unsigned)(h * z), 3) != AVLOC_IO_OK) return 0;
    for (y = 0; y < h * z; y++)
        for (x = 0; x < w * z; x++)
            for (c = 0; c < 3; c++) im.pix[(size_t)y * im.stride + 3 * (size_t)x + c] = grey[(size_t)(y / z) * w + x / z];
    if (e->valid) {
        avloc_io_draw_circle(&im, zu, zv, 9.0 * z / 2 + 4, red);
        avloc_io_draw_circle(&im, zu, zv, 9.0 * z / 2 + 5, red);
        avloc_io_draw_cross(&im, zu, zv, 4.0, red);
        snprintf(label, sizeof label, "t %.2f s  sound at (%.1f, %.1f) px", t, e->u * sx, e->v * sy);
    } else {
        snprintf(label, sizeof label, "t %.2f s  no estimate yet", t);
    }
    avloc_io_draw_text(&im, 4, 4, label, 2, yellow);
    snprintf(path, sizeof path, "%s/live_%07.2f.png", dir, t);
    ok = avloc_io_png_save(path, &im) == AVLOC_IO_OK;
    avloc_io_image_free(&im);
    return ok;
}

/* ------------------------------------------------------- calibration */

typedef struct live_calib {
    double *X;      /* N x 2 marker pixels */
    float *Y;       /* N x D training vectors */
    unsigned char *M;
    size_t n, cap, D;
} live_calib;

static int calib_add(live_calib *c, double u, double v, const float *y, const unsigned char *m)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        double *X = (double *)realloc(c->X, cap * 2 * sizeof *X);
        float *Y = X ? (float *)realloc(c->Y, cap * c->D * sizeof *Y) : NULL;
        unsigned char *M = Y ? (unsigned char *)realloc(c->M, cap * c->D) : NULL;
        if (X) c->X = X;
        if (Y) c->Y = Y;
        if (M) c->M = M;
        if (!X || !Y || !M) return 0;
        c->cap = cap;
    }
    c->X[2 * c->n] = u;
    c->X[2 * c->n + 1] = v;
    memcpy(c->Y + c->n * c->D, y, c->D * sizeof *y);
    memcpy(c->M + c->n * c->D, m, c->D);
    c->n++;
    return 1;
}

/* EM on the pairs with the recipe of `avloc gllim train`, then the file. */
static int calib_train(const live_calib *c, const live_opts *o, const avloc_binaural_config *bc, int vw, int vh)
{
    avloc_gllim_train_config tc = avloc_gllim_train_config_default();
    avloc_gllim_model m;
    avloc_gllim_train_info info;
    size_t mb = 0, sb = 0, fb = 0, ssb = 0, written = 0, filled = 0;
    void *mem = NULL, *scr = NULL, *file = NULL, *sscr = NULL;
    FILE *f;
    int ok = 0;
    tc.K = (size_t)o->K < c->n / 4 ? (size_t)o->K : c->n / 4; /* >= 4 pairs per component */
    if (tc.K < 1) {
        fprintf(stderr, "avloc_live: %lu calibration pairs are too few\n", (unsigned long)c->n);
        return 0;
    }
    avloc_gllim_fill_missing_f32(c->Y, c->M, c->n, c->D, &filled);
    if (avloc_gllim_model_query(tc.K, 2, c->D, &mb) != AVLOC_OK || avloc_gllim_train_query(&tc, c->n, 2, c->D, &sb) != AVLOC_OK)
        return 0;
    mem = malloc(mb);
    scr = malloc(sb);
    if (!mem || !scr || avloc_gllim_model_init(&m, tc.K, 2, c->D, mem, mb) != AVLOC_OK) goto out;
    if (avloc_gllim_train_f32(&tc, c->X, c->Y, c->n, &m, scr, sb, &info) != AVLOC_OK) {
        fprintf(stderr, "avloc_live: EM failed\n");
        goto out;
    }
    m.feat = *bc;
    m.feat.threshold_db = -25.0f; /* the locate threshold of the validated recipe (docs/gllim.md) */
    m.feat.threshold_relative = 1;
    m.image_width = (size_t)vw;
    m.image_height = (size_t)vh;
    m.obs_weight = 1e-2;
    if (avloc_gllim_save_query(&m, AVLOC_ST_F32, &fb, &ssb) != AVLOC_OK) goto out;
    file = malloc(fb);
    sscr = malloc(ssb ? ssb : 1);
    if (!file || !sscr || avloc_gllim_save(&m, AVLOC_ST_F32, file, fb, sscr, ssb, &written) != AVLOC_OK) goto out;
    f = fopen(o->calibrate, "wb");
    ok = f && fwrite(file, 1, written, f) == written;
    if (f && fclose(f) != 0) ok = 0;
    fprintf(stderr, "avloc_live: %lu pairs, K = %lu, %lu EM iterations -> %s%s\n", (unsigned long)c->n,
            (unsigned long)info.K_used, (unsigned long)info.iterations, o->calibrate, ok ? "" : " (write failed)");
out:
    free(mem); free(scr); free(file); free(sscr);
    return ok;
}

/* ------------------------------------------------------------------ run */

int main(int argc, char **argv)
{
    live_opts o;
    avcap_audio au;
    avcap_video vid;
    avcap_y4m_writer ov;
    avloc_gllim_model model;
    avloc_gllim_posterior post;
    avloc_binaural_config bc = avloc_binaural_config_default();
    live_hist hist;
    live_calib cal;
    live_est est, shown;
    unsigned char *file = NULL, *model_mem = NULL, *post_mem = NULL, *scratch = NULL, *grey = NULL, *dmask = NULL;
    float *block = NULL, *yvec = NULL;
    double t_audio = 0, next_est, next_snap = 0, vt = 0, still_u = -1, still_v = -1, still_since = 0;
    double sx = 1, sy = 1;
    size_t fsize = 0, K, L, D = 0, mb, pb = 0, nf, sb = 0, period, n_est = 0, got;
    int have_video = 0, video_pending = 0, rc = 1, r, started = 0;
    if (!parse(argc, argv, &o)) return usage();
    memset(&au, 0, sizeof au);
    memset(&vid, 0, sizeof vid);
    memset(&hist, 0, sizeof hist);
    memset(&ov, 0, sizeof ov);
    memset(&cal, 0, sizeof cal);
    memset(&est, 0, sizeof est);
    shown = est;

    /* the model, or the feature configuration calibration will use */
    if (o.model) {
        if (avloc_io_read_file(o.model, &file, &fsize) != AVLOC_IO_OK ||
            avloc_gllim_load_query(file, fsize, &K, &L, &D, &mb) != AVLOC_OK || !(model_mem = (unsigned char *)malloc(mb)) ||
            avloc_gllim_load(&model, file, fsize, model_mem, mb) != AVLOC_OK) {
            fprintf(stderr, "avloc_live: %s: not a GLLiM model\n", o.model);
            goto done;
        }
        bc = model.feat;
        avloc_gllim_posterior_query(&model, &pb, NULL);
        if (!(post_mem = (unsigned char *)malloc(pb)) || avloc_gllim_posterior_init(&post, &model, post_mem, pb) != AVLOC_OK)
            goto done;
    } else {
        bc.threshold_db = -120.0f; /* calibration noise is broadband: use every point with power */
        D = 3 * bc.n_bins;
    }
    o.rate = (unsigned)bc.sample_rate;
    period = o.rate / 100;
    if (avcap_audio_open(&au, o.audio, o.rate, 2, (unsigned)period) != AVCAP_OK) {
        fprintf(stderr, "avloc_live: %s\n", au.msg);
        goto done;
    }
    if (au.channels < 2 || au.rate != o.rate) {
        fprintf(stderr, "avloc_live: %s gives %u Hz x %u channels; the model needs %u Hz stereo\n", o.audio, au.rate,
                au.channels, o.rate);
        goto done;
    }
    if (o.video) {
        if (avcap_video_open(&vid, o.video, 640, 480, 15) != AVCAP_OK) {
            fprintf(stderr, "avloc_live: %s\n", vid.msg);
            goto done;
        }
        have_video = 1;
        grey = (unsigned char *)malloc((size_t)vid.width * (size_t)vid.height);
        if (!grey) goto done;
        if (o.model && model.image_width && model.image_height) { /* model camera -> video pixels */
            sx = (double)vid.width / (double)model.image_width;
            sy = (double)vid.height / (double)model.image_height;
        }
        if (o.overlay && avcap_y4m_begin(&ov, o.overlay, vid.width, vid.height, vid.fps > 0 ? vid.fps : 15) != AVCAP_OK) {
            fprintf(stderr, "avloc_live: cannot write %s\n", o.overlay);
            goto done;
        }
    }
    hist.n = (size_t)(o.window_s * o.rate);
    hist.l = (float *)calloc(hist.n, sizeof(float));
    hist.r = (float *)calloc(hist.n, sizeof(float));
    block = (float *)malloc(period * au.channels * sizeof *block);
    cal.D = D;
    yvec = (float *)malloc(D * sizeof *yvec);
    dmask = (unsigned char *)malloc(D);
    if (avloc_gllim_clip_scratch(&bc, hist.n, &nf, &sb) != AVLOC_OK) {
        fprintf(stderr, "avloc_live: --window is shorter than one analysis frame\n");
        goto done;
    }
    scratch = (unsigned char *)malloc(sb);
    if (!hist.l || !hist.r || !block || !yvec || !dmask || !scratch) goto done;

    next_est = o.window_s;
    for (;;) {
        r = avcap_audio_read(&au, block, period, &got, &t_audio);
        if (r == AVCAP_END) break;
        if (r != AVCAP_OK) {
            fprintf(stderr, "avloc_live: %s\n", au.msg);
            goto done;
        }
        if (!started && have_video && vid.backend != AVCAP_BE_FILE) /* devices: video time 0 = first audio sample */
            vid.t0 = avcap_now() - (double)got / au.rate;
        started = 1;
        hist_push(&hist, block, got, au.channels);
        t_audio += (double)got / au.rate; /* end of what has been heard */
        if (o.duration_s > 0 && t_audio > o.duration_s) break;

        if (o.model && t_audio + 1e-9 >= next_est && hist.filled == hist.n) {
            r = avloc_gllim_localize_clip_f32(&model, hist.l, hist.r, hist.n, &post, scratch, sb);
            next_est += o.every_s;
            if (r == AVLOC_OK) {
                est.t = t_audio;
                est.u = post.mean[0];
                est.v = post.mean[1];
                est.valid = 1;
                n_est++;
                printf("{\"t\":%.3f,\"u\":%.2f,\"v\":%.2f,\"active\":%lu}\n", est.t, est.u, est.v,
                       (unsigned long)post.n_active);
            } else if (r != AVLOC_NO_ACTIVE_POINTS) {
                fprintf(stderr, "avloc_live: %s\n", avloc_result_str((avloc_result)r));
                goto done;
            }
        }

        /* every video frame up to the audio time: mark it (or pair it) */
        while (have_video) {
            if (!video_pending) {
                r = avcap_video_grab(&vid, grey, &vt);
                if (r == AVCAP_END) { have_video = 0; break; }
                if (r != AVCAP_OK) {
                    fprintf(stderr, "avloc_live: %s\n", vid.msg);
                    goto done;
                }
                video_pending = 1;
            }
            if (vt > t_audio) break; /* its sound has not been heard yet */
            video_pending = 0;
            if (est.valid && est.t <= vt + 1e-9) shown = est;
            if (o.calibrate) {
                double u, v;
                if (!find_marker(grey, vid.width, vid.height, o.marker_level, &u, &v)) { still_u = -1; continue; }
                if (still_u < 0 || fabs(u - still_u) > 2.0 || fabs(v - still_v) > 2.0) {
                    still_u = u; still_v = v; still_since = vt;
                    continue;
                }
                /* still for a whole window ending now: one training pair */
                if (vt - still_since >= o.window_s && hist.filled == hist.n) {
                    r = avloc_gllim_clip_vector_f32(&bc, hist.l, hist.r, hist.n, yvec, dmask, scratch, sb);
                    if (r == AVLOC_OK && !calib_add(&cal, still_u, still_v, yvec, dmask)) goto done;
                    still_since = vt; /* the next pair needs a fresh window */
                }
                continue;
            }
            if (shown.valid) draw_mark(grey, vid.width, vid.height, shown.u * sx, shown.v * sy);
            if (ov.f && avcap_y4m_frame(&ov, grey) != AVCAP_OK) {
                fprintf(stderr, "avloc_live: writing %s failed\n", o.overlay);
                goto done;
            }
            if (o.snapshots && vt + 1e-9 >= next_snap) {
                if (!snapshot(o.snapshots, grey, vid.width, vid.height, vt, &shown, sx, sy)) {
                    fprintf(stderr, "avloc_live: cannot write a snapshot into %s\n", o.snapshots);
                    goto done;
                }
                next_snap += o.snapshot_every_s;
            }
        }
    }
    if (o.calibrate) rc = calib_train(&cal, &o, &bc, vid.width, vid.height) ? 0 : 1;
    else {
        fprintf(stderr, "avloc_live: %.2f s of audio, %lu estimates, %llu video frames\n", t_audio,
                (unsigned long)n_est, vid.frames);
        rc = n_est > 0 ? 0 : 1;
    }
done:
    if (ov.f && avcap_y4m_end(&ov) != AVCAP_OK) rc = 1;
    avcap_audio_close(&au);
    avcap_video_close(&vid);
    free(file); free(model_mem); free(post_mem); free(scratch); free(grey); free(dmask);
    free(block); free(yvec); free(hist.l); free(hist.r);
    free(cal.X); free(cal.Y); free(cal.M);
    return rc;
}
