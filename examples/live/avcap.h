/* avcap.h - live audio and camera capture for the avloc examples, with one
   small API over per-platform back-ends (miniaudio's shape: every source has
   open and close; the caller owns the struct).

   Sources are named by a string, "backend:argument":
     audio  file:PATH.wav          any WAV avloc_io reads (every platform, and CI)
            alsa:NAME              Linux ALSA PCM, e.g. alsa:default, alsa:hw:1,0
            wasapi:                Windows default capture endpoint (shared mode)
            coreaudio:             macOS default input (AudioQueue; not built in CI)
     video  file:PATH.y4m          Y4M, luma used (every platform, and CI)
            v4l2:/dev/video0       Linux V4L2 camera, YUYV or GREY, mmap streaming
            mf:INDEX               Windows Media Foundation camera (YUY2 or NV12)
            avf:INDEX              macOS AVFoundation camera (not built in CI)

   Every source gives float32 interleaved audio or 8-bit grey frames with a
   timestamp in seconds on one clock per run: files count samples and frames
   from 0; devices use the time of the first delivered buffer as 0 (ALSA:
   sample count since start, so audio time never drifts from the samples;
   V4L2: the driver's buffer timestamps on the monotonic clock; Media
   Foundation: the delivery time; both minus v->t0, which live_locate.c sets
   from avcap_now() when the first audio block arrives).

   Which back-ends are compiled: file always; on Linux v4l2 always and alsa
   with -DAVCAP_WITH_ALSA (link -lasound); on Windows wasapi and mf (link
   -lole32 -lmfplat -lmfreadwrite -lmf -lmfuuid); macOS back-ends live in
   avcap_macos.m and are written to Apple's documented APIs but not built
   here. A source whose back-end is not compiled gives AVCAP_ERR_UNSUPPORTED.

   Example code under the library's licence: copy it into your project if it
   helps; it is not part of the library's API. */
#ifndef AVCAP_H
#define AVCAP_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    AVCAP_OK = 0,
    AVCAP_END = 1,                /* end of a file source (not an error) */
    AVCAP_ERR_PARAM = -1,         /* bad argument or source string */
    AVCAP_ERR_UNSUPPORTED = -2,   /* back-end not compiled on this platform */
    AVCAP_ERR_OPEN = -3,          /* device or file cannot be opened / configured */
    AVCAP_ERR_IO = -4,            /* read failed (xrun not recovered, device lost) */
    AVCAP_ERR_FORMAT = -5         /* device gives no format we convert */
};

typedef struct avcap_audio {
    int backend;
    unsigned rate, channels;      /* what the source delivers */
    unsigned long long frames;    /* delivered so far: the timestamp of the next frame is frames / rate */
    void *impl;                   /* back-end state (allocated by open, freed by close) */
    char msg[256];                /* why the last call failed */
} avcap_audio;

typedef struct avcap_video {
    int backend;
    int width, height;            /* grey frame size */
    double fps;                   /* nominal rate (0: unknown) */
    unsigned long long frames;    /* delivered so far */
    double t0;                    /* device clock value that counts as time 0 */
    void *impl;
    char msg[256];
} avcap_video;

/* rate/channels: wanted values for devices (a device may refuse: open
   fails with a message); a file source reports its own and ignores them.
   period_frames: device read granularity (e.g. rate / 100 for 10 ms). */
int avcap_audio_open(avcap_audio *a, const char *source, unsigned rate, unsigned channels,
                     unsigned period_frames);
/* Reads up to `frames` frames (interleaved, channels per frame) into buf;
   *got = frames read, *t = timestamp of the first one. Blocks until some
   audio is there (devices) and returns AVCAP_END after the last file frame. */
int avcap_audio_read(avcap_audio *a, float *buf, size_t frames, size_t *got, double *t);
void avcap_audio_close(avcap_audio *a);

/* width/height/fps: wanted values for devices (0: the device's default). */
int avcap_video_open(avcap_video *v, const char *source, int width, int height, double fps);
/* Grabs the next frame into grey (width*height bytes) with its timestamp. */
int avcap_video_grab(avcap_video *v, unsigned char *grey, double *t);
void avcap_video_close(avcap_video *v);

/* Seconds on the clock device video timestamps use (Linux: CLOCK_MONOTONIC,
   as V4L2 buffers; Windows: QueryPerformanceCounter; elsewhere: clock()).
   Setting v->t0 = avcap_now() - (audio already heard) right after the first
   audio read puts both streams on one time line. */
double avcap_now(void);

/* Y4M writer, one frame at a time (grey as C mono), for overlay videos of
   live runs whose length is not known in advance. */
typedef struct avcap_y4m_writer {
    void *f;
    int width, height;
} avcap_y4m_writer;
int avcap_y4m_begin(avcap_y4m_writer *w, const char *path, int width, int height, double fps);
int avcap_y4m_frame(avcap_y4m_writer *w, const unsigned char *grey);
int avcap_y4m_end(avcap_y4m_writer *w);

/* ---- back-end entry points (avcap.c dispatches to them) ---- */
/* Formats a message into msg (256 bytes) and returns code. */
int avcap__error(char *msg, int code, const char *fmt, ...);
enum { AVCAP_BE_FILE = 1, AVCAP_BE_ALSA, AVCAP_BE_WASAPI, AVCAP_BE_COREAUDIO,
       AVCAP_BE_V4L2, AVCAP_BE_MF, AVCAP_BE_AVF };
int avcap__audio_open_device(avcap_audio *a, int backend, const char *arg, unsigned rate,
                             unsigned channels, unsigned period);
int avcap__audio_read_device(avcap_audio *a, float *buf, size_t frames, size_t *got);
void avcap__audio_close_device(avcap_audio *a);
int avcap__video_open_device(avcap_video *v, int backend, const char *arg, int width, int height,
                             double fps);
int avcap__video_grab_device(avcap_video *v, unsigned char *grey, double *t);
void avcap__video_close_device(avcap_video *v);

#ifdef __cplusplus
}
#endif
#endif /* AVCAP_H */
