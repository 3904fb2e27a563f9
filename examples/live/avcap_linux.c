/* avcap_linux.c - Linux device back-ends for avcap.h: ALSA capture (with
   -DAVCAP_WITH_ALSA, link -lasound) and V4L2 cameras (kernel headers only).
   ALSA: interleaved float32 at the wanted rate and channel count through
   snd_pcm_set_params (ALSA's plug layer converts), period as asked, xruns
   recovered with snd_pcm_recover and reported. V4L2: mmap streaming with 4
   buffers, YUYV or GREY (the luma is kept), timestamps from the driver's
   monotonic buffer clock. */
#if defined(__linux__)
#define _POSIX_C_SOURCE 200809L
#include "avcap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- ALSA */
#ifdef AVCAP_WITH_ALSA
#include <alsa/asoundlib.h>

typedef struct avcap__alsa {
    snd_pcm_t *pcm;
    unsigned xruns;
} avcap__alsa;

int avcap__audio_open_device(avcap_audio *a, int backend, const char *arg, unsigned rate,
                             unsigned channels, unsigned period)
{
    avcap__alsa *s;
    int r;
    unsigned latency_us = (unsigned)(4.0 * 1e6 * (double)period / (double)rate); /* 4 periods of buffer */
    if (backend != AVCAP_BE_ALSA)
        return avcap__error(a->msg, AVCAP_ERR_UNSUPPORTED, "only alsa: audio devices on Linux");
    s = (avcap__alsa *)calloc(1, sizeof *s);
    if (!s) return avcap__error(a->msg, AVCAP_ERR_OPEN, "out of memory");
    r = snd_pcm_open(&s->pcm, *arg ? arg : "default", SND_PCM_STREAM_CAPTURE, 0);
    if (r < 0) {
        free(s);
        return avcap__error(a->msg, AVCAP_ERR_OPEN, "alsa:%s: %s", arg, snd_strerror(r));
    }
    r = snd_pcm_set_params(s->pcm, SND_PCM_FORMAT_FLOAT_LE, SND_PCM_ACCESS_RW_INTERLEAVED, channels, rate,
                           1 /* allow ALSA's rate/format conversion */, latency_us);
    if (r < 0) {
        snd_pcm_close(s->pcm);
        free(s);
        return avcap__error(a->msg, AVCAP_ERR_OPEN, "alsa:%s: %u Hz x %u float: %s", arg, rate, channels,
                            snd_strerror(r));
    }
    a->rate = rate;
    a->channels = channels;
    a->impl = s;
    return AVCAP_OK;
}

int avcap__audio_read_device(avcap_audio *a, float *buf, size_t frames, size_t *got)
{
    avcap__alsa *s = (avcap__alsa *)a->impl;
    for (;;) {
        snd_pcm_sframes_t n = snd_pcm_readi(s->pcm, buf, (snd_pcm_uframes_t)frames);
        if (n >= 0) {
            *got = (size_t)n;
            return AVCAP_OK;
        }
        if (n == -EAGAIN) continue;
        if (n == -EPIPE) s->xruns++; /* overrun: samples were lost; the clock keeps counting delivered ones */
        if (snd_pcm_recover(s->pcm, (int)n, 1) < 0)
            return avcap__error(a->msg, AVCAP_ERR_IO, "alsa read: %s", snd_strerror((int)n));
    }
}

void avcap__audio_close_device(avcap_audio *a)
{
    avcap__alsa *s = (avcap__alsa *)a->impl;
    snd_pcm_close(s->pcm);
    free(s);
}
#else
int avcap__audio_open_device(avcap_audio *a, int backend, const char *arg, unsigned rate,
                             unsigned channels, unsigned period)
{
    (void)backend; (void)rate; (void)channels; (void)period;
    return avcap__error(a->msg, AVCAP_ERR_UNSUPPORTED,
                        "alsa:%s: built without ALSA (define AVCAP_WITH_ALSA and link -lasound)", arg);
}
int avcap__audio_read_device(avcap_audio *a, float *buf, size_t frames, size_t *got)
{
    (void)a; (void)buf; (void)frames; (void)got;
    return AVCAP_ERR_UNSUPPORTED;
}
void avcap__audio_close_device(avcap_audio *a) { (void)a; }
#endif /* AVCAP_WITH_ALSA */

/* ------------------------------------------------------------- V4L2 */
#include <fcntl.h>
#include <linux/videodev2.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define AVCAP__V4L2_BUFS 4

typedef struct avcap__v4l2 {
    int fd;
    unsigned fourcc;
    size_t bytesperline;
    void *mem[AVCAP__V4L2_BUFS];
    size_t len[AVCAP__V4L2_BUFS];
    unsigned nbuf;
    int have_t0;
} avcap__v4l2;

static int avcap__xioctl(int fd, unsigned long req, void *arg)
{
    int r;
    do r = ioctl(fd, req, arg);
    while (r == -1 && errno == EINTR);
    return r;
}

static void avcap__v4l2_free(avcap__v4l2 *s)
{
    unsigned i;
    for (i = 0; i < s->nbuf; i++)
        if (s->mem[i] && s->mem[i] != MAP_FAILED) munmap(s->mem[i], s->len[i]);
    if (s->fd >= 0) close(s->fd);
    free(s);
}

/* Negotiates the size and a format we convert (YUYV or GREY), maps the
   buffers and starts streaming. */
static int avcap__v4l2_start(avcap_video *v, avcap__v4l2 *s, const char *dev, int width, int height, double fps)
{
    struct v4l2_format fmt;
    struct v4l2_requestbuffers req;
    struct v4l2_streamparm parm;
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    unsigned i;
    memset(&fmt, 0, sizeof fmt);
    fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (avcap__xioctl(s->fd, VIDIOC_G_FMT, &fmt) < 0)
        return avcap__error(v->msg, AVCAP_ERR_OPEN, "%s: VIDIOC_G_FMT: %s", dev, strerror(errno));
    if (width > 0 && height > 0) {
        fmt.fmt.pix.width = (unsigned)width;
        fmt.fmt.pix.height = (unsigned)height;
    }
    fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
    fmt.fmt.pix.field = V4L2_FIELD_NONE;
    if (avcap__xioctl(s->fd, VIDIOC_S_FMT, &fmt) < 0 || (fmt.fmt.pix.pixelformat != V4L2_PIX_FMT_YUYV &&
                                                          fmt.fmt.pix.pixelformat != V4L2_PIX_FMT_GREY)) {
        fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_GREY;
        if (avcap__xioctl(s->fd, VIDIOC_S_FMT, &fmt) < 0 || fmt.fmt.pix.pixelformat != V4L2_PIX_FMT_GREY)
            return avcap__error(v->msg, AVCAP_ERR_FORMAT, "%s: neither YUYV nor GREY (MJPEG-only cameras need a decoder)",
                                dev);
    }
    s->fourcc = fmt.fmt.pix.pixelformat;
    s->bytesperline = fmt.fmt.pix.bytesperline;
    v->width = (int)fmt.fmt.pix.width;
    v->height = (int)fmt.fmt.pix.height;
    if (s->bytesperline < (size_t)v->width * (s->fourcc == V4L2_PIX_FMT_YUYV ? 2u : 1u))
        s->bytesperline = (size_t)v->width * (s->fourcc == V4L2_PIX_FMT_YUYV ? 2u : 1u);
    memset(&parm, 0, sizeof parm);
    parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (fps > 0) {
        parm.parm.capture.timeperframe.numerator = 1000;
        parm.parm.capture.timeperframe.denominator = (unsigned)(fps * 1000.0 + 0.5);
        avcap__xioctl(s->fd, VIDIOC_S_PARM, &parm); /* a request: drivers may round it */
    }
    if (avcap__xioctl(s->fd, VIDIOC_G_PARM, &parm) == 0 && parm.parm.capture.timeperframe.numerator)
        v->fps = (double)parm.parm.capture.timeperframe.denominator / parm.parm.capture.timeperframe.numerator;
    memset(&req, 0, sizeof req);
    req.count = AVCAP__V4L2_BUFS;
    req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    req.memory = V4L2_MEMORY_MMAP;
    if (avcap__xioctl(s->fd, VIDIOC_REQBUFS, &req) < 0 || req.count < 2)
        return avcap__error(v->msg, AVCAP_ERR_OPEN, "%s: no mmap streaming buffers", dev);
    s->nbuf = req.count < AVCAP__V4L2_BUFS ? req.count : AVCAP__V4L2_BUFS;
    for (i = 0; i < s->nbuf; i++) {
        struct v4l2_buffer b;
        memset(&b, 0, sizeof b);
        b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        b.memory = V4L2_MEMORY_MMAP;
        b.index = i;
        if (avcap__xioctl(s->fd, VIDIOC_QUERYBUF, &b) < 0)
            return avcap__error(v->msg, AVCAP_ERR_OPEN, "%s: VIDIOC_QUERYBUF: %s", dev, strerror(errno));
        s->len[i] = b.length;
        s->mem[i] = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, b.m.offset);
        if (s->mem[i] == MAP_FAILED || avcap__xioctl(s->fd, VIDIOC_QBUF, &b) < 0)
            return avcap__error(v->msg, AVCAP_ERR_OPEN, "%s: mapping buffer %u: %s", dev, i, strerror(errno));
    }
    if (avcap__xioctl(s->fd, VIDIOC_STREAMON, &type) < 0)
        return avcap__error(v->msg, AVCAP_ERR_OPEN, "%s: VIDIOC_STREAMON: %s", dev, strerror(errno));
    return AVCAP_OK;
}

int avcap__video_open_device(avcap_video *v, int backend, const char *arg, int width, int height, double fps)
{
    avcap__v4l2 *s;
    const char *dev = *arg ? arg : "/dev/video0";
    int r;
    if (backend != AVCAP_BE_V4L2) return avcap__error(v->msg, AVCAP_ERR_UNSUPPORTED, "only v4l2: cameras on Linux");
    s = (avcap__v4l2 *)calloc(1, sizeof *s);
    if (!s) return avcap__error(v->msg, AVCAP_ERR_OPEN, "out of memory");
    s->fd = open(dev, O_RDWR);
    if (s->fd < 0) {
        r = avcap__error(v->msg, AVCAP_ERR_OPEN, "%s: %s", dev, strerror(errno));
        free(s);
        return r;
    }
    r = avcap__v4l2_start(v, s, dev, width, height, fps);
    if (r != AVCAP_OK) {
        avcap__v4l2_free(s);
        return r;
    }
    v->impl = s;
    return AVCAP_OK;
}

int avcap__video_grab_device(avcap_video *v, unsigned char *grey, double *t)
{
    avcap__v4l2 *s = (avcap__v4l2 *)v->impl;
    struct v4l2_buffer b;
    const unsigned char *src;
    double ts;
    int y, x;
    memset(&b, 0, sizeof b);
    b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    b.memory = V4L2_MEMORY_MMAP;
    if (avcap__xioctl(s->fd, VIDIOC_DQBUF, &b) < 0)
        return avcap__error(v->msg, AVCAP_ERR_IO, "VIDIOC_DQBUF: %s", strerror(errno));
    src = (const unsigned char *)s->mem[b.index];
    for (y = 0; y < v->height; y++) {
        const unsigned char *row = src + (size_t)y * s->bytesperline;
        unsigned char *dst = grey + (size_t)y * (size_t)v->width;
        if (s->fourcc == V4L2_PIX_FMT_GREY) memcpy(dst, row, (size_t)v->width);
        else for (x = 0; x < v->width; x++) dst[x] = row[2 * x]; /* YUYV: Y at even bytes */
    }
    ts = (double)b.timestamp.tv_sec + 1e-6 * (double)b.timestamp.tv_usec;
    if (!s->have_t0 && v->t0 == 0.0) v->t0 = ts; /* no sync point given: the first frame is time 0 */
    s->have_t0 = 1;
    *t = ts - v->t0;
    if (avcap__xioctl(s->fd, VIDIOC_QBUF, &b) < 0)
        return avcap__error(v->msg, AVCAP_ERR_IO, "VIDIOC_QBUF: %s", strerror(errno));
    return AVCAP_OK;
}

void avcap__video_close_device(avcap_video *v)
{
    avcap__v4l2 *s = (avcap__v4l2 *)v->impl;
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    avcap__xioctl(s->fd, VIDIOC_STREAMOFF, &type);
    avcap__v4l2_free(s);
}
#else
typedef int avcap_linux_unused; /* ISO C: a translation unit is not empty */
#endif /* __linux__ */
