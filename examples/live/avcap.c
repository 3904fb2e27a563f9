/* avcap.c - source-string dispatch, the file back-ends (WAV, Y4M) and the
   streaming Y4M writer. Device back-ends: avcap_linux.c, avcap_windows.c,
   avcap_macos.m. See avcap.h. */
#define _POSIX_C_SOURCE 200809L
#include "avcap.h"
#include "../avloc_io.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int avcap__error(char *msg, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, 256, fmt, ap);
    va_end(ap);
    return code;
}

/* "backend:argument" -> backend id and argument (NULL source: none). */
static int avcap__split(const char *src, const char *const *names, const int *ids, size_t n, const char **arg)
{
    size_t i;
    for (i = 0; src && i < n; i++) {
        size_t k = strlen(names[i]);
        if (strncmp(src, names[i], k) == 0 && src[k] == ':') {
            *arg = src + k + 1;
            return ids[i];
        }
    }
    return 0;
}

/* ------------------------------------------------------------- audio */

typedef struct avcap__wavsrc {
    avloc_io_audio au;
    size_t pos;
} avcap__wavsrc;

int avcap_audio_open(avcap_audio *a, const char *source, unsigned rate, unsigned channels, unsigned period)
{
    static const char *const names[] = {"file", "alsa", "wasapi", "coreaudio"};
    static const int ids[] = {AVCAP_BE_FILE, AVCAP_BE_ALSA, AVCAP_BE_WASAPI, AVCAP_BE_COREAUDIO};
    const char *arg = NULL;
    int be;
    if (!a) return AVCAP_ERR_PARAM;
    memset(a, 0, sizeof *a);
    be = avcap__split(source, names, ids, 4, &arg);
    if (!be) return avcap__error(a->msg, AVCAP_ERR_PARAM, "audio source '%s': expected file:, alsa:, wasapi: or coreaudio:",
                                source ? source : "(null)");
    a->backend = be;
    if (be == AVCAP_BE_FILE) {
        avcap__wavsrc *w = (avcap__wavsrc *)calloc(1, sizeof *w);
        if (!w) return avcap__error(a->msg, AVCAP_ERR_OPEN, "out of memory");
        if (avloc_io_wav_load(arg, 0, &w->au) != AVLOC_IO_OK) {
            int r = avcap__error(a->msg, AVCAP_ERR_OPEN, "%s: %s", arg, w->au.info.msg);
            free(w);
            return r;
        }
        a->rate = w->au.sample_rate;
        a->channels = w->au.channels;
        a->impl = w;
        return AVCAP_OK;
    }
    if (rate == 0 || channels == 0 || period == 0)
        return avcap__error(a->msg, AVCAP_ERR_PARAM, "a device needs a rate, a channel count and a period");
    return avcap__audio_open_device(a, be, arg, rate, channels, period);
}

int avcap_audio_read(avcap_audio *a, float *buf, size_t frames, size_t *got, double *t)
{
    int r;
    if (!a || !a->impl || !buf || !got || !t) return AVCAP_ERR_PARAM;
    *got = 0;
    *t = (double)a->frames / (double)a->rate;
    if (a->backend == AVCAP_BE_FILE) {
        avcap__wavsrc *w = (avcap__wavsrc *)a->impl;
        size_t k = w->au.frames - w->pos;
        if (k == 0) return AVCAP_END;
        if (k > frames) k = frames;
        memcpy(buf, w->au.samples + w->pos * a->channels, k * a->channels * sizeof *buf);
        w->pos += k;
        *got = k;
        a->frames += k;
        return AVCAP_OK;
    }
    r = avcap__audio_read_device(a, buf, frames, got);
    a->frames += *got;
    return r;
}

void avcap_audio_close(avcap_audio *a)
{
    if (!a || !a->impl) return;
    if (a->backend == AVCAP_BE_FILE) {
        avcap__wavsrc *w = (avcap__wavsrc *)a->impl;
        avloc_io_audio_free(&w->au);
        free(w);
    } else {
        avcap__audio_close_device(a);
    }
    a->impl = NULL;
}

/* ------------------------------------------------------------- video */

typedef struct avcap__y4msrc {
    float *frames;  /* n x h x w, [0, 1] */
    size_t n, pos;
} avcap__y4msrc;

int avcap_video_open(avcap_video *v, const char *source, int width, int height, double fps)
{
    static const char *const names[] = {"file", "v4l2", "mf", "avf"};
    static const int ids[] = {AVCAP_BE_FILE, AVCAP_BE_V4L2, AVCAP_BE_MF, AVCAP_BE_AVF};
    const char *arg = NULL;
    int be;
    if (!v) return AVCAP_ERR_PARAM;
    memset(v, 0, sizeof *v);
    be = avcap__split(source, names, ids, 4, &arg);
    if (!be) return avcap__error(v->msg, AVCAP_ERR_PARAM, "video source '%s': expected file:, v4l2:, mf: or avf:",
                                source ? source : "(null)");
    v->backend = be;
    if (be == AVCAP_BE_FILE) {
        avcap__y4msrc *y = (avcap__y4msrc *)calloc(1, sizeof *y);
        unsigned w = 0, h = 0;
        char msg[160] = "";
        if (!y) return avcap__error(v->msg, AVCAP_ERR_OPEN, "out of memory");
        if (avloc_io_y4m_load_grey(arg, &y->frames, &y->n, &w, &h, &v->fps, msg, sizeof msg) != AVLOC_IO_OK) {
            free(y);
            return avcap__error(v->msg, AVCAP_ERR_OPEN, "%s: %s", arg, msg);
        }
        v->width = (int)w;
        v->height = (int)h;
        v->impl = y;
        return AVCAP_OK;
    }
    return avcap__video_open_device(v, be, arg, width, height, fps);
}

int avcap_video_grab(avcap_video *v, unsigned char *grey, double *t)
{
    int r;
    if (!v || !v->impl || !grey || !t) return AVCAP_ERR_PARAM;
    if (v->backend == AVCAP_BE_FILE) {
        avcap__y4msrc *y = (avcap__y4msrc *)v->impl;
        size_t i, np = (size_t)v->width * (size_t)v->height;
        const float *f;
        if (y->pos == y->n) return AVCAP_END;
        f = y->frames + y->pos * np;
        for (i = 0; i < np; i++) grey[i] = (unsigned char)(f[i] * 255.0f + 0.5f);
        *t = v->fps > 0 ? (double)y->pos / v->fps : 0.0;
        y->pos++;
        v->frames++;
        return AVCAP_OK;
    }
    r = avcap__video_grab_device(v, grey, t);
    if (r == AVCAP_OK) v->frames++;
    return r;
}

void avcap_video_close(avcap_video *v)
{
    if (!v || !v->impl) return;
    if (v->backend == AVCAP_BE_FILE) {
        avcap__y4msrc *y = (avcap__y4msrc *)v->impl;
        free(y->frames);
        free(y);
    } else {
        avcap__video_close_device(v);
    }
    v->impl = NULL;
}

/* ------------------------------------------------------- Y4M writer */

int avcap_y4m_begin(avcap_y4m_writer *w, const char *path, int width, int height, double fps)
{
    FILE *f;
    unsigned num = (unsigned)(fps * 1000.0 + 0.5);
    if (!w || !path || width <= 0 || height <= 0 || !(fps > 0)) return AVCAP_ERR_PARAM;
    f = fopen(path, "wb");
    if (!f) return AVCAP_ERR_OPEN;
    fprintf(f, "YUV4MPEG2 W%d H%d F%u:1000 Ip A1:1 Cmono\n", width, height, num);
    w->f = f;
    w->width = width;
    w->height = height;
    return AVCAP_OK;
}

int avcap_y4m_frame(avcap_y4m_writer *w, const unsigned char *grey)
{
    size_t np;
    if (!w || !w->f || !grey) return AVCAP_ERR_PARAM;
    np = (size_t)w->width * (size_t)w->height;
    if (fputs("FRAME\n", (FILE *)w->f) < 0 || fwrite(grey, 1, np, (FILE *)w->f) != np) return AVCAP_ERR_IO;
    return AVCAP_OK;
}

int avcap_y4m_end(avcap_y4m_writer *w)
{
    int bad;
    if (!w || !w->f) return AVCAP_ERR_PARAM;
    bad = fclose((FILE *)w->f) != 0;
    w->f = NULL;
    return bad ? AVCAP_ERR_IO : AVCAP_OK;
}

/* ------------------------------------------------------------ the clock */
#if defined(_WIN32)
#include <windows.h>
double avcap_now(void)
{
    LARGE_INTEGER f, c;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c);
    return (double)c.QuadPart / (double)f.QuadPart;
}
#elif defined(__linux__) || defined(__APPLE__)
#include <time.h>
double avcap_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
#else
#include <time.h>
double avcap_now(void) { return (double)clock() / CLOCKS_PER_SEC; }
#endif

/* ---------------------------------------------- no device back-end here */
#if !defined(__linux__) && !defined(_WIN32) && !defined(__APPLE__)
int avcap__audio_open_device(avcap_audio *a, int backend, const char *arg, unsigned rate,
                             unsigned channels, unsigned period)
{
    (void)backend; (void)rate; (void)channels; (void)period;
    return avcap__error(a->msg, AVCAP_ERR_UNSUPPORTED, "no audio device back-end on this platform (%s)", arg);
}
int avcap__audio_read_device(avcap_audio *a, float *buf, size_t frames, size_t *got)
{
    (void)a; (void)buf; (void)frames; (void)got;
    return AVCAP_ERR_UNSUPPORTED;
}
void avcap__audio_close_device(avcap_audio *a) { (void)a; }
int avcap__video_open_device(avcap_video *v, int backend, const char *arg, int width, int height, double fps)
{
    (void)backend; (void)width; (void)height; (void)fps;
    return avcap__error(v->msg, AVCAP_ERR_UNSUPPORTED, "no camera back-end on this platform (%s)", arg);
}
int avcap__video_grab_device(avcap_video *v, unsigned char *grey, double *t)
{
    (void)v; (void)grey; (void)t;
    return AVCAP_ERR_UNSUPPORTED;
}
void avcap__video_close_device(avcap_video *v) { (void)v; }
#endif
