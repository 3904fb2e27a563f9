/* avloc_io.h - file I/O for the avloc command-line program and its tests:
   WAV read/write, NPY write, PNG write, PPM/PGM read/write, Y4M read (mono,
   4:2:0, 4:2:2, 4:4:4) and grey write (mono, 4:2:0), tiny drawing helpers,
   a colormap, a 5x7 font and JSON-line output.

   stb-style: in exactly ONE file
       #define AVLOC_IO_IMPLEMENTATION
       #include "avloc_io.h"
   Define AVLOC_IO_STATIC first to make every function static.

   This is example code, not part of the library proper: it may call malloc
   (only the *_load / *_read_file / png / image conveniences do; the
   memory-buffer cores write into caller memory). No globals, no locale use.

   ERRORS
   ------
   Every fallible function returns an avloc_io_status (0 = ok, negative =
   error) and, where a structure is passed, leaves a human readable detail in
   its `msg` field ("data chunk claims 4096 bytes, file has 100").
   avloc_io_strerror() gives the short generic text.

   WAV READING POLICY (documented, tested in tests/test_io.c)
   --------------------------------------------------------
   - RIFF/WAVE only (RIFX and RF64 give AVLOC_IO_ERR_UNSUPPORTED). The RIFF
     size field is not trusted: chunks are walked up to the end of the buffer.
   - Chunks may come in any order; unknown chunks are skipped; odd-sized
     chunks are followed by a pad byte (if a writer forgot the pad byte and
     the unpadded position holds a plausible chunk id, that is used).
   - fmt: PCM 8 (unsigned) / 16 / 24 / 32 bit, IEEE float 32 / 64, and
     WAVE_FORMAT_EXTENSIBLE with the PCM or IEEE-float subformat GUID (valid
     bits <= container bits; the container is decoded). fmt shorter than 16
     bytes (40 for extensible) -> AVLOC_IO_ERR_FMT_SHORT. Bit depths that are
     not whole bytes ("12-bit PCM") and other format tags -> UNSUPPORTED.
   - channels 0 -> ERR_CHANNELS; sample rate outside
     [1, AVLOC_IO_WAV_MAX_RATE] -> ERR_RATE; block_align != channels *
     bytes per sample -> ERR_BLOCK_ALIGN. The byte-rate field is ignored.
   - A data chunk that claims more bytes than the buffer holds (a truncated
     file, or a streaming writer's 0xFFFFFFFF) is CLAMPED to what is there
     and info.truncated is set; with AVLOC_IO_WAV_STRICT it is an error
     (AVLOC_IO_ERR_TRUNCATED). Trailing bytes that do not make a whole frame
     are ignored (info.partial_frame). A missing fmt or data chunk is an
     error, as is a fmt chunk cut by the end of the file.
   - Output is float32, interleaved (default) or planar. Integer PCM maps to
     [-1, 1) exactly (x / 2^(bits-1); 32-bit values that would round to 1.0f
     are clamped to the largest float below 1). Float data is passed through
     (it may exceed +-1, as in the file); NaN/Inf are replaced by 0 and
     counted in info.nonfinite (AVLOC_IO_WAV_STRICT: AVLOC_IO_ERR_NONFINITE
     instead); finite doubles beyond float range saturate.

   REUSE
   -----
   This file is example code under the library's licence: copy it into your
   project if it helps. It is not part of the library's API (not installed by
   `make install`, may change between versions, and its file conveniences
   call malloc).
*/
#ifndef AVLOC_IO_H
#define AVLOC_IO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifndef AVLOC_IO_API
#ifdef AVLOC_IO_STATIC
#if defined(__GNUC__) || defined(__clang__)
#define AVLOC_IO_API static __attribute__((unused)) /* a program uses only some helpers */
#else
#define AVLOC_IO_API static
#endif
#else
#define AVLOC_IO_API extern
#endif
#endif

#ifndef AVLOC_IO_WAV_MAX_RATE
#define AVLOC_IO_WAV_MAX_RATE 4000000u /* 4 MHz: above any real recorder */
#endif
#ifndef AVLOC_IO_MAX_FILE
#define AVLOC_IO_MAX_FILE ((size_t)1 << 31) /* read_file cap (2 GiB) */
#endif
#ifndef AVLOC_IO_MAX_IMAGE_DIM
#define AVLOC_IO_MAX_IMAGE_DIM 32768u
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum avloc_io_status {
    AVLOC_IO_OK = 0,
    AVLOC_IO_ERR_NULL = -1,        /* a required pointer is NULL */
    AVLOC_IO_ERR_PARAM = -2,       /* an argument is out of range */
    AVLOC_IO_ERR_OPEN = -3,        /* cannot open the file (see errno) */
    AVLOC_IO_ERR_READ = -4,        /* read error (also: the path is a directory) */
    AVLOC_IO_ERR_WRITE = -5,       /* write error (disk full, ...) */
    AVLOC_IO_ERR_NOMEM = -6,       /* out of memory */
    AVLOC_IO_ERR_TOO_LARGE = -7,   /* sizes overflow or exceed a format's limits */
    AVLOC_IO_ERR_BUFFER = -8,      /* caller buffer too small */
    AVLOC_IO_ERR_NOT_WAV = -10,    /* no RIFF/WAVE signature */
    AVLOC_IO_ERR_NO_FMT = -11,     /* no fmt chunk */
    AVLOC_IO_ERR_NO_DATA = -12,    /* no data chunk */
    AVLOC_IO_ERR_FMT_SHORT = -13,  /* fmt chunk too short for its format */
    AVLOC_IO_ERR_TRUNCATED = -14,  /* a chunk runs past the end of the file */
    AVLOC_IO_ERR_CHANNELS = -15,   /* zero channels */
    AVLOC_IO_ERR_RATE = -16,       /* sample rate 0 or absurd */
    AVLOC_IO_ERR_BLOCK_ALIGN = -17,/* block_align inconsistent with channels x bits */
    AVLOC_IO_ERR_UNSUPPORTED = -18,/* valid but unsupported encoding */
    AVLOC_IO_ERR_IMAGE = -19,      /* malformed or unsupported PPM/Y4M */
    AVLOC_IO_ERR_NONFINITE = -20   /* NaN/Inf float samples, with AVLOC_IO_WAV_STRICT */
} avloc_io_status;

AVLOC_IO_API const char *avloc_io_strerror(avloc_io_status s);

/* ------------------------------------------------------------ raw files */

/* malloc'd memory for a large array (free() releases it; NULL when out of
   memory). On Linux a block of 8 MB or more is 2 MB-aligned and advised
   onto transparent huge pages (MADV_HUGEPAGE, where the file that compiles
   the implementation exposes it, e.g. with _DEFAULT_SOURCE): its first
   touch then takes one page fault per 2 MB instead of one per 4 KB, which
   on a virtual machine was ~0.2 s for a 61 MB video (docs/rpca.md). */
AVLOC_IO_API void *avloc_io_alloc_large(size_t n);

/* Reads a whole file ("-" = stdin) into malloc'd memory (*buf, free()).
   Fails with ERR_TOO_LARGE above AVLOC_IO_MAX_FILE bytes. */
AVLOC_IO_API avloc_io_status avloc_io_read_file(const char *path, unsigned char **buf, size_t *len);
AVLOC_IO_API avloc_io_status avloc_io_read_stream(FILE *f, unsigned char **buf, size_t *len);

/* ------------------------------------------------------------------ WAV */

typedef enum avloc_io_sample_fmt {
    AVLOC_IO_U8 = 1,   /* PCM unsigned 8-bit */
    AVLOC_IO_S16 = 2,  /* PCM signed 16-bit */
    AVLOC_IO_S24 = 3,  /* PCM signed 24-bit (packed, 3 bytes) */
    AVLOC_IO_S32 = 4,  /* PCM signed 32-bit */
    AVLOC_IO_F32 = 5,  /* IEEE float 32-bit */
    AVLOC_IO_F64 = 6   /* IEEE float 64-bit */
} avloc_io_sample_fmt;

/* flags for parse/decode/encode */
#define AVLOC_IO_WAV_STRICT 1u         /* parse: truncated data chunk is an error;
                                          decode: NaN/Inf samples are an error */
#define AVLOC_IO_WAV_PLANAR 2u         /* decode output / encode input is planar */
#define AVLOC_IO_WAV_EXTENSIBLE 4u     /* encode: always WAVE_FORMAT_EXTENSIBLE */
#define AVLOC_IO_WAV_NO_EXTENSIBLE 8u  /* encode: never (default: PCM with > 2 channels only) */

typedef struct avloc_io_wav_info {
    unsigned channels;
    unsigned sample_rate;
    avloc_io_sample_fmt format;
    unsigned bits;          /* container bits per sample (8, 16, 24, 32, 64) */
    unsigned valid_bits;    /* extensible wValidBitsPerSample, else == bits */
    unsigned format_tag;    /* as in the file: 1, 3 or 0xFFFE */
    unsigned long channel_mask; /* extensible dwChannelMask, else 0 */
    size_t block_align;     /* bytes per frame */
    size_t frames;          /* whole frames available */
    size_t data_offset;     /* where the samples start in the buffer */
    size_t data_bytes;      /* bytes of sample data available (after clamping) */
    unsigned long declared_data_bytes; /* the data chunk's size field */
    int truncated;          /* data chunk was clamped to the end of the buffer */
    int partial_frame;      /* trailing bytes not forming a frame were ignored */
    size_t nonfinite;       /* decode: non-finite float samples replaced by 0 */
    char msg[160];          /* detail of the last error or warning */
} avloc_io_wav_info;

/* Parses the header of a WAV held in memory. Never reads outside [buf, buf+len). */
AVLOC_IO_API avloc_io_status avloc_io_wav_parse(const void *buf, size_t len, unsigned flags,
                                                avloc_io_wav_info *info);
/* Decodes info->frames * info->channels samples into out (out_count floats
   available). flags: AVLOC_IO_WAV_PLANAR for [channel][frame] layout.
   info must come from avloc_io_wav_parse of the same buffer; it is
   re-checked against len, so a corrupted info cannot cause an overread. */
AVLOC_IO_API avloc_io_status avloc_io_wav_decode(const void *buf, size_t len, avloc_io_wav_info *info,
                                                 float *out, size_t out_count, unsigned flags);

/* A decoded WAV in malloc'd memory. */
typedef struct avloc_io_audio {
    float *samples;          /* frames * channels floats */
    size_t frames;
    unsigned channels;
    unsigned sample_rate;
    int planar;
    avloc_io_wav_info info;  /* header details and warnings */
} avloc_io_audio;

/* Reads and decodes a WAV file ("-" = stdin). On error, a->info.msg says why. */
AVLOC_IO_API avloc_io_status avloc_io_wav_load(const char *path, unsigned flags, avloc_io_audio *a);
AVLOC_IO_API avloc_io_status avloc_io_wav_load_mem(const void *buf, size_t len, unsigned flags,
                                                   avloc_io_audio *a);
AVLOC_IO_API void avloc_io_audio_free(avloc_io_audio *a);

/* Size of the file that avloc_io_wav_encode would produce. */
AVLOC_IO_API avloc_io_status avloc_io_wav_encoded_size(size_t frames, unsigned channels,
                                                       avloc_io_sample_fmt fmt, unsigned flags,
                                                       size_t *bytes);
/* Encodes float samples (interleaved, or planar with AVLOC_IO_WAV_PLANAR)
   as a complete WAV file in caller memory. PCM quantisation rounds to the
   nearest step and saturates; NaN becomes 0. */
AVLOC_IO_API avloc_io_status avloc_io_wav_encode(void *buf, size_t cap, size_t *written,
                                                 const float *x, size_t frames, unsigned channels,
                                                 unsigned rate, avloc_io_sample_fmt fmt, unsigned flags);
/* Same, streamed to a FILE* / a path. */
AVLOC_IO_API avloc_io_status avloc_io_wav_write(FILE *f, const float *x, size_t frames, unsigned channels,
                                                unsigned rate, avloc_io_sample_fmt fmt, unsigned flags);
AVLOC_IO_API avloc_io_status avloc_io_wav_save(const char *path, const float *x, size_t frames,
                                               unsigned channels, unsigned rate,
                                               avloc_io_sample_fmt fmt, unsigned flags);
/* Bytes per sample of a format (1, 2, 3, 4, 4, 8), 0 if invalid. */
AVLOC_IO_API unsigned avloc_io_sample_bytes(avloc_io_sample_fmt fmt);
AVLOC_IO_API const char *avloc_io_sample_fmt_name(avloc_io_sample_fmt fmt);

/* ------------------------------------------------------------------ NPY */

#define AVLOC_IO_NPY_MAX_DIMS 32
/* Writes a .npy (format 1.0, 2.0 if the header needs it) header for
   descr ("<f4", "<c8", ...) and shape into buf; *len = bytes, a multiple of
   64. ndim 0 is a scalar. */
AVLOC_IO_API avloc_io_status avloc_io_npy_header(char *buf, size_t cap, size_t *len, const char *descr,
                                                 const size_t *shape, int ndim);
/* float32 C-order array of the given shape (little-endian on any host). */
AVLOC_IO_API avloc_io_status avloc_io_npy_write_f32(FILE *f, const float *x, const size_t *shape, int ndim);
/* complex64: x holds interleaved (re, im) float pairs, prod(shape) of them. */
AVLOC_IO_API avloc_io_status avloc_io_npy_write_c64(FILE *f, const float *x, const size_t *shape, int ndim);
AVLOC_IO_API avloc_io_status avloc_io_npy_save_f32(const char *path, const float *x, const size_t *shape, int ndim);
AVLOC_IO_API avloc_io_status avloc_io_npy_save_c64(const char *path, const float *x, const size_t *shape, int ndim);

/* ---------------------------------------------------------------- images */

/* 8-bit image: channels 1 (grey) or 3 (RGB), rows `stride` bytes apart. */
typedef struct avloc_io_image {
    unsigned char *pix;
    unsigned w, h, channels;
    size_t stride;
} avloc_io_image;

/* malloc'd, zero-filled (black) image. */
AVLOC_IO_API avloc_io_status avloc_io_image_alloc(avloc_io_image *im, unsigned w, unsigned h, unsigned channels);
AVLOC_IO_API void avloc_io_image_free(avloc_io_image *im);

/* PNG: a zlib stream of fixed-Huffman deflate (LZ77, hash chains) or
   stored blocks when those are smaller; per-row adaptive filters.
   channels 1, 2 (grey+alpha), 3 (RGB) or 4 (RGBA). *out is malloc'd. */
AVLOC_IO_API avloc_io_status avloc_io_png_encode(const unsigned char *pix, unsigned w, unsigned h,
                                                 unsigned channels, size_t stride,
                                                 unsigned char **out, size_t *out_len);
AVLOC_IO_API avloc_io_status avloc_io_png_write(FILE *f, const avloc_io_image *im);
AVLOC_IO_API avloc_io_status avloc_io_png_save(const char *path, const avloc_io_image *im);
/* zlib stream (RFC 1950) of data; *out malloc'd. Exposed for tests. */
AVLOC_IO_API avloc_io_status avloc_io_zlib_compress(const unsigned char *data, size_t n,
                                                    unsigned char **out, size_t *out_len);
AVLOC_IO_API unsigned long avloc_io_crc32(unsigned long crc, const unsigned char *p, size_t n);
AVLOC_IO_API unsigned long avloc_io_adler32(unsigned long adler, const unsigned char *p, size_t n);

/* PPM P6 (and P5 grey) writer/reader; Y4M first frame reader (4:2:0, 4:2:2,
   4:4:4, mono; 8-bit; BT.601 limited range to RGB). The readers work on
   memory; *_load reads a file and picks the format from its magic. */
AVLOC_IO_API avloc_io_status avloc_io_ppm_write(FILE *f, const avloc_io_image *im);
AVLOC_IO_API avloc_io_status avloc_io_ppm_save(const char *path, const avloc_io_image *im);
AVLOC_IO_API avloc_io_status avloc_io_ppm_decode(const void *buf, size_t len, avloc_io_image *im,
                                                 char *msg, size_t msg_cap);
AVLOC_IO_API avloc_io_status avloc_io_y4m_decode(const void *buf, size_t len, avloc_io_image *im,
                                                 char *msg, size_t msg_cap);
AVLOC_IO_API avloc_io_status avloc_io_image_load(const char *path, avloc_io_image *im,
                                                 char *msg, size_t msg_cap);

/* PGM (P5, 8-bit grey): masks and maps. The loader refuses anything but P5
   (a P6 colour file is an error, not silently converted); maxval != 255 is
   rescaled to 0..255. */
AVLOC_IO_API avloc_io_status avloc_io_pgm_save(const char *path, const unsigned char *pix, unsigned w, unsigned h);
AVLOC_IO_API avloc_io_status avloc_io_pgm_load(const char *path, avloc_io_image *im, char *msg, size_t msg_cap);

/* Y4M video as grey frames: the luma plane only, Y/255 in [0, 1], no range
   conversion; chroma planes are skipped. Accepted colourspaces (8-bit):
   C mono, C420 / C420jpeg / C420paldv / C420mpeg2, C422, C444 (no C tag =
   4:2:0, as the format says). Anything else (C411, C420p10, C444alpha,
   mono16, ...) is AVLOC_IO_ERR_IMAGE with the tag named in msg, as are a
   header without W/H, W or H above AVLOC_IO_MAX_IMAGE_DIM, a frame without
   its "FRAME" marker, a truncated frame (which frame, bytes needed/left) and
   a file without frames. Nothing is allocated before the whole file has
   been checked, so an absurd header cannot make the loader ask for
   gigabytes. */
#define AVLOC_IO_Y4M_MONO 0
#define AVLOC_IO_Y4M_420 420 /* written as C420jpeg with neutral (128) chroma */
typedef struct avloc_io_y4m_info {
    unsigned w, h;
    double fps;          /* F tag num/den; 0 if absent */
    int chroma;          /* 0 (mono), 420, 422 or 444 */
    size_t frames;       /* frames in the file */
    size_t frame_bytes;  /* bytes of one frame's planes */
} avloc_io_y4m_info;
/* Checks a whole Y4M held in memory and fills info; with frames != NULL also
   writes the luma of the first min(info->frames, max_frames) frames
   (frames x h x w floats); more frames than max_frames -> ERR_BUFFER. */
AVLOC_IO_API avloc_io_status avloc_io_y4m_decode_grey(const void *buf, size_t len, float *frames, size_t max_frames,
                                                      avloc_io_y4m_info *info, char *msg, size_t msg_cap);
/* File loader: *frames is malloc'd, n x h x w floats; *fps as in the info. */
AVLOC_IO_API avloc_io_status avloc_io_y4m_load_grey(const char *path, float **frames, size_t *n, unsigned *w,
                                                    unsigned *h, double *fps, char *msg, size_t msg_cap);
/* Writers: values clamped to [0, 1], times 255, rounded (NaN -> 0), with
   F fps_num:fps_den. chroma AVLOC_IO_Y4M_MONO (C mono) or AVLOC_IO_Y4M_420
   (C420jpeg, U = V = 128: the grey picture for players without mono
   support). save_grey writes C mono. */
AVLOC_IO_API avloc_io_status avloc_io_y4m_write_grey(FILE *f, const float *frames, size_t n, unsigned w, unsigned h,
                                                     unsigned fps_num, unsigned fps_den, int chroma);
AVLOC_IO_API avloc_io_status avloc_io_y4m_save_grey(const char *path, const float *frames, size_t n, unsigned w,
                                                    unsigned h, unsigned fps_num, unsigned fps_den);
AVLOC_IO_API avloc_io_status avloc_io_y4m_save_grey_chroma(const char *path, const float *frames, size_t n,
                                                           unsigned w, unsigned h, unsigned fps_num,
                                                           unsigned fps_den, int chroma);

/* Drawing. Coordinates may be anywhere: everything is clipped. `color` has
   im->channels bytes. */
AVLOC_IO_API void avloc_io_draw_pixel(avloc_io_image *im, int x, int y, const unsigned char *color);
AVLOC_IO_API void avloc_io_draw_line(avloc_io_image *im, double x0, double y0, double x1, double y1,
                                     const unsigned char *color);
AVLOC_IO_API void avloc_io_draw_circle(avloc_io_image *im, double cx, double cy, double r,
                                       const unsigned char *color);
AVLOC_IO_API void avloc_io_draw_disc(avloc_io_image *im, double cx, double cy, double r,
                                     const unsigned char *color);
AVLOC_IO_API void avloc_io_draw_cross(avloc_io_image *im, double cx, double cy, double r,
                                      const unsigned char *color);
/* Ellipse {p : (p-c)^T S^{-1} (p-c) = k^2} of the 2x2 covariance S =
   [sxx sxy; sxy syy] (pixels^2). Non-PD covariances draw nothing. */
AVLOC_IO_API void avloc_io_draw_ellipse_cov(avloc_io_image *im, double cx, double cy, double sxx,
                                            double sxy, double syy, double k, const unsigned char *color);
/* 5x7 font (ASCII 32..126, others as '?'), 6 px advance times scale. */
AVLOC_IO_API void avloc_io_draw_text(avloc_io_image *im, int x, int y, const char *s, int scale,
                                     const unsigned char *color);
/* Perceptual colormap close to matplotlib's viridis; t clamped to [0,1], NaN -> 0. */
AVLOC_IO_API void avloc_io_colormap(double t, unsigned char rgb[3]);
/* The same text turned 90 degrees counter-clockwise (reads bottom to top),
   starting at (x, y) = the bottom-left corner of the first glyph. */
AVLOC_IO_API void avloc_io_draw_text_up(avloc_io_image *im, int x, int y, const char *s, int scale,
                                        const unsigned char *color);

/* A figure around a data panel: the panel (RGB, drawn by the caller in its
   own pixels) framed on white with a title, axes with ticks and tick labels
   in physical units, axis labels, and optionally a colour bar (the
   avloc_io_colormap scale from c0 at the bottom to c1 at the top). The axis
   values run linearly from x0 (panel's left edge) to x1 (right edge) and y0
   (bottom edge) to y1 (top edge; y1 < y0 for image rows that grow down).
   Ticks are chosen at round values (1, 2, 5 x 10^k), unless explicit ones
   are given (yticks: axis values, e.g. the mel band of 1 kHz, with their
   labels). *out is malloc'd (avloc_io_image_free). */
typedef struct avloc_io_figure_spec {
    const char *title, *xlabel, *ylabel;
    double x0, x1, y0, y1;
    const char *clabel;        /* colour bar label; NULL: no colour bar */
    double c0, c1;
    const double *yticks;      /* optional explicit y ticks (axis values) */
    const char *const *yticklabels;
    size_t n_yticks;
} avloc_io_figure_spec;
AVLOC_IO_API avloc_io_status avloc_io_figure(const avloc_io_image *panel, const avloc_io_figure_spec *spec,
                                             avloc_io_image *out);

/* A heat map as a figure people can read: map (rows x cols, row-major, row 0
   at the top) stretched over a camera frame of fw x fh pixels, each panel
   pixel taking the cell its centre falls in, min..max through the colormap;
   with frame (fw x fh luma in [0,1]) given, blended half and half over it.
   Small frames are enlarged by a whole factor (nearest) so the panel's
   shorter side reaches about 240 pixels. Axes in camera pixels, a colour bar
   labelled clabel (NULL: "relative energy"). Non-finite cells count as the
   minimum. *out is malloc'd (avloc_io_image_free). */
AVLOC_IO_API avloc_io_status avloc_io_heat_figure(const float *map, size_t rows, size_t cols, const float *frame,
                                                  unsigned fw, unsigned fh, const char *title, const char *clabel,
                                                  avloc_io_image *out);

/* ------------------------------------------------------------------ JSON */

/* One JSON object per line:  avloc_io_json j; avloc_io_json_begin(&j, stdout);
   avloc_io_json_str(&j, "file", name); avloc_io_json_num(&j, "x", 1.5);
   avloc_io_json_end(&j);   -> {"file":"a.wav","x":1.5}\n */
typedef struct avloc_io_json {
    FILE *f;
    int count;
} avloc_io_json;
AVLOC_IO_API void avloc_io_json_begin(avloc_io_json *j, FILE *f);
AVLOC_IO_API void avloc_io_json_str(avloc_io_json *j, const char *key, const char *val);
AVLOC_IO_API void avloc_io_json_num(avloc_io_json *j, const char *key, double v); /* %.9g, null if not finite */
AVLOC_IO_API void avloc_io_json_int(avloc_io_json *j, const char *key, long long v);
AVLOC_IO_API void avloc_io_json_bool(avloc_io_json *j, const char *key, int v);
AVLOC_IO_API void avloc_io_json_null(avloc_io_json *j, const char *key);
/* Writes `key:` and lets the caller print a raw value (an array, ...). */
AVLOC_IO_API void avloc_io_json_key(avloc_io_json *j, const char *key);
AVLOC_IO_API void avloc_io_json_end(avloc_io_json *j);
/* Quoted, escaped string (invalid UTF-8 bytes become \ufffd). */
AVLOC_IO_API void avloc_io_json_write_string(FILE *f, const char *s);
AVLOC_IO_API void avloc_io_json_write_number(FILE *f, double v);

#ifdef __cplusplus
}
#endif
#endif /* AVLOC_IO_H */

/* ======================================================================= */
#if defined(AVLOC_IO_IMPLEMENTATION) && !defined(AVLOC_IO_IMPLEMENTATION_DONE)
#define AVLOC_IO_IMPLEMENTATION_DONE

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#define AVLOC_IO__MSG(info, ...) \
    ((void)snprintf((info)->msg, sizeof (info)->msg, __VA_ARGS__))

AVLOC_IO_API const char *avloc_io_strerror(avloc_io_status s)
{
    switch (s) {
    case AVLOC_IO_OK: return "ok";
    case AVLOC_IO_ERR_NULL: return "a required pointer is NULL";
    case AVLOC_IO_ERR_PARAM: return "invalid argument";
    case AVLOC_IO_ERR_OPEN: return "cannot open file";
    case AVLOC_IO_ERR_READ: return "cannot read it (a directory, or an I/O error)";
    case AVLOC_IO_ERR_WRITE: return "write error";
    case AVLOC_IO_ERR_NOMEM: return "out of memory";
    case AVLOC_IO_ERR_TOO_LARGE: return "too large";
    case AVLOC_IO_ERR_BUFFER: return "buffer too small";
    case AVLOC_IO_ERR_NOT_WAV: return "not a WAV file";
    case AVLOC_IO_ERR_NO_FMT: return "missing fmt chunk";
    case AVLOC_IO_ERR_NO_DATA: return "missing data chunk";
    case AVLOC_IO_ERR_FMT_SHORT: return "fmt chunk too short";
    case AVLOC_IO_ERR_TRUNCATED: return "truncated chunk";
    case AVLOC_IO_ERR_CHANNELS: return "zero channels";
    case AVLOC_IO_ERR_RATE: return "invalid sample rate";
    case AVLOC_IO_ERR_BLOCK_ALIGN: return "block_align inconsistent with channels x bits";
    case AVLOC_IO_ERR_UNSUPPORTED: return "unsupported encoding";
    case AVLOC_IO_ERR_IMAGE: return "malformed or unsupported image";
    case AVLOC_IO_ERR_NONFINITE: return "non-finite (NaN/Inf) samples";
    }
    return "unknown avloc_io_status";
}

/* ------------------------------------------------------------ raw files */

AVLOC_IO_API void *avloc_io_alloc_large(size_t n)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (n >= ((size_t)8 << 20)) {
        void *q = NULL;
        if (posix_memalign(&q, (size_t)2 << 20, n) == 0) {
            (void)madvise(q, n, MADV_HUGEPAGE);
            return q;
        }
    }
#endif
    return malloc(n ? n : 1);
}

/* The stream's bytes, in a buffer of cap bytes to start with (the file's
   size plus one when known: one read, no copies) that doubles as needed. */
static avloc_io_status avloc_io__read(FILE *f, size_t cap, unsigned char **buf, size_t *len)
{
    unsigned char *b = NULL;
    size_t n = 0;
    if (cap > AVLOC_IO_MAX_FILE) cap = AVLOC_IO_MAX_FILE;
    if (cap && !(b = (unsigned char *)avloc_io_alloc_large(cap))) return AVLOC_IO_ERR_NOMEM;
    for (;;) {
        size_t got;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            unsigned char *nb;
            if (cap >= AVLOC_IO_MAX_FILE) { free(b); return AVLOC_IO_ERR_TOO_LARGE; }
            if (ncap > AVLOC_IO_MAX_FILE) ncap = AVLOC_IO_MAX_FILE;
            nb = (unsigned char *)realloc(b, ncap);
            if (!nb) { free(b); return AVLOC_IO_ERR_NOMEM; }
            b = nb;
            cap = ncap;
        }
        got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) { free(b); return AVLOC_IO_ERR_READ; }
            break;
        }
    }
    *buf = b;
    *len = n;
    return AVLOC_IO_OK;
}

AVLOC_IO_API avloc_io_status avloc_io_read_stream(FILE *f, unsigned char **buf, size_t *len)
{
    if (!f || !buf || !len) return AVLOC_IO_ERR_NULL;
    *buf = NULL;
    *len = 0;
    return avloc_io__read(f, 0, buf, len);
}

AVLOC_IO_API avloc_io_status avloc_io_read_file(const char *path, unsigned char **buf, size_t *len)
{
    FILE *f;
    avloc_io_status s;
    long size;
    size_t cap = 0;
    if (!path || !buf || !len) return AVLOC_IO_ERR_NULL;
    if (strcmp(path, "-") == 0) return avloc_io_read_stream(stdin, buf, len);
    *buf = NULL;
    *len = 0;
    f = fopen(path, "rb");
    if (!f) return AVLOC_IO_ERR_OPEN;
    /* a regular file's size, when it tells it (a pipe or device does not:
       the buffer then grows from 64 KB). A size at or above the cap is not
       trusted: ext4 reports LONG_MAX for a directory, and a 2 GiB buffer
       for a read that fails at once would be an out-of-memory for no data
       (the fuzzer found it); a real file that large still ends in
       ERR_TOO_LARGE on the growth path. */
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        if ((unsigned long)size < AVLOC_IO_MAX_FILE) cap = (size_t)size + 1;
    } else {
        rewind(f);
    }
    s = avloc_io__read(f, cap, buf, len);
    fclose(f);
    return s;
}

/* -------------------------------------------------------- byte helpers */

static unsigned avloc_io__u16(const unsigned char *p) { return (unsigned)p[0] | ((unsigned)p[1] << 8); }
static unsigned long avloc_io__u32(const unsigned char *p)
{
    return (unsigned long)p[0] | ((unsigned long)p[1] << 8) | ((unsigned long)p[2] << 16) |
           ((unsigned long)p[3] << 24);
}
static void avloc_io__put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v & 255u);
    p[1] = (unsigned char)((v >> 8) & 255u);
}
static void avloc_io__put32(unsigned char *p, unsigned long v)
{
    p[0] = (unsigned char)(v & 255u);
    p[1] = (unsigned char)((v >> 8) & 255u);
    p[2] = (unsigned char)((v >> 16) & 255u);
    p[3] = (unsigned char)((v >> 24) & 255u);
}
static void avloc_io__put32be(unsigned char *p, unsigned long v)
{
    p[0] = (unsigned char)((v >> 24) & 255u);
    p[1] = (unsigned char)((v >> 16) & 255u);
    p[2] = (unsigned char)((v >> 8) & 255u);
    p[3] = (unsigned char)(v & 255u);
}
static int avloc_io__mul(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > (size_t)-1 / a) return 0;
    *out = a * b;
    return 1;
}

/* ------------------------------------------------------------------ WAV */

AVLOC_IO_API unsigned avloc_io_sample_bytes(avloc_io_sample_fmt fmt)
{
    switch (fmt) {
    case AVLOC_IO_U8: return 1;
    case AVLOC_IO_S16: return 2;
    case AVLOC_IO_S24: return 3;
    case AVLOC_IO_S32: return 4;
    case AVLOC_IO_F32: return 4;
    case AVLOC_IO_F64: return 8;
    }
    return 0;
}

AVLOC_IO_API const char *avloc_io_sample_fmt_name(avloc_io_sample_fmt fmt)
{
    switch (fmt) {
    case AVLOC_IO_U8: return "u8";
    case AVLOC_IO_S16: return "s16";
    case AVLOC_IO_S24: return "s24";
    case AVLOC_IO_S32: return "s32";
    case AVLOC_IO_F32: return "f32";
    case AVLOC_IO_F64: return "f64";
    }
    return "invalid";
}

/* The tail shared by the PCM and IEEE-float subformat GUIDs (KSDATAFORMAT_SUBTYPE_*). */
static const unsigned char avloc_io__guid_tail[14] = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
                                                      0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};

static int avloc_io__plausible_id(const unsigned char *p)
{
    int i;
    for (i = 0; i < 4; i++)
        if (p[i] < 32 || p[i] > 126) return 0;
    return 1;
}

static const char *avloc_io__tag_name(unsigned tag)
{
    switch (tag) {
    case 0x0002: return " (MS ADPCM)";
    case 0x0006: return " (A-law)";
    case 0x0007: return " (mu-law)";
    case 0x0011: return " (IMA ADPCM)";
    case 0x0055: return " (MP3)";
    default: return "";
    }
}

/* Interprets a complete fmt chunk body of `size` bytes. */
static avloc_io_status avloc_io__wav_fmt(const unsigned char *p, size_t size, avloc_io_wav_info *info)
{
    unsigned tag, bits, code;
    size_t bytes, want;
    if (size < 16) {
        AVLOC_IO__MSG(info, "fmt chunk too short (%lu bytes, need 16)", (unsigned long)size);
        return AVLOC_IO_ERR_FMT_SHORT;
    }
    tag = avloc_io__u16(p);
    info->format_tag = tag;
    info->channels = avloc_io__u16(p + 2);
    info->sample_rate = (unsigned)avloc_io__u32(p + 4);
    info->block_align = avloc_io__u16(p + 12);
    bits = avloc_io__u16(p + 14);
    info->bits = info->valid_bits = bits;
    code = tag;
    if (tag == 0xFFFEu) {
        unsigned cb = size >= 18 ? avloc_io__u16(p + 16) : 0;
        if (size < 40 || cb < 22) {
            AVLOC_IO__MSG(info, "WAVE_FORMAT_EXTENSIBLE fmt chunk too short (%lu bytes, cbSize %u; need 40, 22)",
                          (unsigned long)size, cb);
            return AVLOC_IO_ERR_FMT_SHORT;
        }
        info->valid_bits = avloc_io__u16(p + 18);
        info->channel_mask = avloc_io__u32(p + 20);
        code = avloc_io__u16(p + 24);
        if (memcmp(p + 26, avloc_io__guid_tail, 14) != 0 || (code != 1 && code != 3)) {
            AVLOC_IO__MSG(info, "unsupported WAVE_FORMAT_EXTENSIBLE subformat (only PCM and IEEE float)");
            return AVLOC_IO_ERR_UNSUPPORTED;
        }
        if (info->valid_bits == 0) info->valid_bits = bits;
        if (info->valid_bits > bits) {
            AVLOC_IO__MSG(info, "valid bits %u exceed the %u-bit container", info->valid_bits, bits);
            return AVLOC_IO_ERR_UNSUPPORTED;
        }
    }
    if (code == 1) {
        switch (bits) {
        case 8: info->format = AVLOC_IO_U8; break;
        case 16: info->format = AVLOC_IO_S16; break;
        case 24: info->format = AVLOC_IO_S24; break;
        case 32: info->format = AVLOC_IO_S32; break;
        default:
            AVLOC_IO__MSG(info, "unsupported %u-bit PCM (8, 16, 24 or 32 only)", bits);
            return AVLOC_IO_ERR_UNSUPPORTED;
        }
    } else if (code == 3) {
        if (bits == 32) info->format = AVLOC_IO_F32;
        else if (bits == 64) info->format = AVLOC_IO_F64;
        else {
            AVLOC_IO__MSG(info, "unsupported %u-bit IEEE float (32 or 64 only)", bits);
            return AVLOC_IO_ERR_UNSUPPORTED;
        }
    } else {
        AVLOC_IO__MSG(info, "unsupported WAV format tag 0x%04X%s (PCM, IEEE float and extensible only)", tag,
                      avloc_io__tag_name(tag));
        return AVLOC_IO_ERR_UNSUPPORTED;
    }
    if (info->channels == 0) {
        AVLOC_IO__MSG(info, "zero channels in fmt chunk");
        return AVLOC_IO_ERR_CHANNELS;
    }
    if (info->sample_rate == 0 || info->sample_rate > AVLOC_IO_WAV_MAX_RATE) {
        AVLOC_IO__MSG(info, "invalid sample rate %u Hz (1..%u)", info->sample_rate, AVLOC_IO_WAV_MAX_RATE);
        return AVLOC_IO_ERR_RATE;
    }
    bytes = bits / 8;
    want = (size_t)info->channels * bytes; /* <= 65535 * 8: no overflow */
    if (info->block_align != want) {
        AVLOC_IO__MSG(info, "block_align %lu inconsistent with %u channels x %u bits (expected %lu)",
                      (unsigned long)info->block_align, info->channels, bits, (unsigned long)want);
        return AVLOC_IO_ERR_BLOCK_ALIGN;
    }
    return AVLOC_IO_OK;
}

AVLOC_IO_API avloc_io_status avloc_io_wav_parse(const void *buf, size_t len, unsigned flags,
                                                avloc_io_wav_info *info)
{
    const unsigned char *b = (const unsigned char *)buf;
    size_t off = 12, fmt_off = 0, fmt_size = 0, data_off = 0, data_size = 0;
    int have_fmt = 0, have_data = 0;
    avloc_io_status s;
    if (!info) return AVLOC_IO_ERR_NULL;
    memset(info, 0, sizeof *info);
    if (!buf) { AVLOC_IO__MSG(info, "no buffer"); return AVLOC_IO_ERR_NULL; }
    if (len < 12 || (memcmp(b, "RIFF", 4) != 0 && memcmp(b, "RIFX", 4) != 0 && memcmp(b, "RF64", 4) != 0) ||
        memcmp(b + 8, "WAVE", 4) != 0) {
        AVLOC_IO__MSG(info, "not a WAV file (no RIFF/WAVE header)");
        return AVLOC_IO_ERR_NOT_WAV;
    }
    if (memcmp(b, "RIFF", 4) != 0) {
        AVLOC_IO__MSG(info, "unsupported %.4s WAV (only little-endian RIFF)", (const char *)b);
        return AVLOC_IO_ERR_UNSUPPORTED;
    }
    /* Walk chunks to the end of the buffer; stop once fmt and data are known. */
    while (!(have_fmt && have_data) && len - off >= 8) {
        const unsigned char *c = b + off;
        size_t size = (size_t)avloc_io__u32(c + 4), avail = len - off - 8, next;
        if (memcmp(c, "fmt ", 4) == 0) {
            if (have_fmt) { off += 8 + (size <= avail ? size : avail); continue; } /* first wins */
            if (size > avail) {
                AVLOC_IO__MSG(info, "truncated fmt chunk (%lu bytes declared, %lu in file)",
                              (unsigned long)size, (unsigned long)avail);
                return AVLOC_IO_ERR_TRUNCATED;
            }
            fmt_off = off + 8;
            fmt_size = size;
            have_fmt = 1;
        } else if (memcmp(c, "data", 4) == 0 && !have_data) {
            data_off = off + 8;
            info->declared_data_bytes = avloc_io__u32(c + 4);
            if (size > avail) {
                if (flags & AVLOC_IO_WAV_STRICT) {
                    AVLOC_IO__MSG(info, "truncated data chunk (%lu bytes declared, %lu in file)",
                                  (unsigned long)size, (unsigned long)avail);
                    return AVLOC_IO_ERR_TRUNCATED;
                }
                size = avail;
                info->truncated = 1;
            }
            data_size = size;
            have_data = 1;
        }
        if (size > avail) break; /* an unknown chunk runs off the end: nothing more to find */
        next = off + 8 + size;
        if ((size & 1u) && next < len) {
            /* pad byte; tolerate writers that forgot it */
            if (!(len - next - 1 >= 4 && avloc_io__plausible_id(b + next + 1)) &&
                len - next >= 4 && avloc_io__plausible_id(b + next))
                ;
            else
                next++;
        }
        off = next;
    }
    if (!have_fmt) {
        AVLOC_IO__MSG(info, "missing fmt chunk");
        return AVLOC_IO_ERR_NO_FMT;
    }
    s = avloc_io__wav_fmt(b + fmt_off, fmt_size, info);
    if (s != AVLOC_IO_OK) return s;
    if (!have_data) {
        AVLOC_IO__MSG(info, "missing data chunk");
        return AVLOC_IO_ERR_NO_DATA;
    }
    info->data_offset = data_off;
    info->frames = data_size / info->block_align;
    info->data_bytes = info->frames * info->block_align;
    info->partial_frame = info->data_bytes != data_size;
    if (info->truncated)
        AVLOC_IO__MSG(info, "truncated data chunk (%lu bytes declared, %lu in file): clamped to %lu frames",
                      info->declared_data_bytes, (unsigned long)data_size, (unsigned long)info->frames);
    else if (info->partial_frame)
        AVLOC_IO__MSG(info, "%lu trailing bytes do not form a whole frame: ignored",
                      (unsigned long)(data_size - info->data_bytes));
    return AVLOC_IO_OK;
}

/* finite (not Inf/NaN) from the exponent bits: right under -ffast-math */
static int avloc_io__finite(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return (u & 0x7ff0000000000000u) != 0x7ff0000000000000u;
}

static float avloc_io__clean_f64(double v, size_t *nonfinite)
{
    if (!avloc_io__finite(v)) { (*nonfinite)++; return 0.0f; }
    if (v > FLT_MAX) return FLT_MAX;
    if (v < -FLT_MAX) return -FLT_MAX;
    return (float)v;
}

static float avloc_io__decode1(const unsigned char *p, avloc_io_sample_fmt fmt, size_t *nonfinite)
{
    switch (fmt) {
    case AVLOC_IO_U8: return (float)((int)p[0] - 128) * (1.0f / 128.0f);
    case AVLOC_IO_S16: {
        long v = (long)avloc_io__u16(p);
        if (v >= 32768L) v -= 65536L;
        return (float)v * (1.0f / 32768.0f);
    }
    case AVLOC_IO_S24: {
        long v = (long)p[0] | ((long)p[1] << 8) | ((long)p[2] << 16);
        if (v >= 8388608L) v -= 16777216L;
        return (float)v * (1.0f / 8388608.0f);
    }
    case AVLOC_IO_S32: {
        unsigned long u = avloc_io__u32(p);
        double v = u >= 2147483648UL ? (double)u - 4294967296.0 : (double)u;
        float f = (float)(v / 2147483648.0);
        return f >= 1.0f ? 0.99999994f : f; /* keep [-1, 1) */
    }
    case AVLOC_IO_F32: {
        unsigned long u = avloc_io__u32(p);
        uint32_t w = (uint32_t)u;
        float f;
        memcpy(&f, &w, 4);
        if (!avloc_io__finite(f)) { (*nonfinite)++; return 0.0f; }
        return f;
    }
    case AVLOC_IO_F64: {
        uint64_t w = (uint64_t)avloc_io__u32(p) | ((uint64_t)avloc_io__u32(p + 4) << 32);
        double d;
        memcpy(&d, &w, 8);
        return avloc_io__clean_f64(d, nonfinite);
    }
    }
    return 0.0f;
}

AVLOC_IO_API avloc_io_status avloc_io_wav_decode(const void *buf, size_t len, avloc_io_wav_info *info,
                                                 float *out, size_t out_count, unsigned flags)
{
    const unsigned char *b = (const unsigned char *)buf;
    size_t need, f, c, bps, nch, ba;
    if (!buf || !info || (!out && info->frames)) return AVLOC_IO_ERR_NULL;
    bps = avloc_io_sample_bytes(info->format);
    nch = info->channels;
    ba = info->block_align;
    /* re-validate the info against the buffer */
    if (bps == 0 || nch == 0 || !avloc_io__mul(nch, bps, &need) || ba != need || info->data_offset > len ||
        !avloc_io__mul(info->frames, ba, &need) || need > len - info->data_offset) {
        AVLOC_IO__MSG(info, "wav info inconsistent with the buffer");
        return AVLOC_IO_ERR_PARAM;
    }
    if (!avloc_io__mul(info->frames, nch, &need)) return AVLOC_IO_ERR_TOO_LARGE;
    if (need > out_count) {
        AVLOC_IO__MSG(info, "output holds %lu samples, need %lu", (unsigned long)out_count,
                      (unsigned long)need);
        return AVLOC_IO_ERR_BUFFER;
    }
    info->nonfinite = 0;
    for (f = 0; f < info->frames; f++) {
        const unsigned char *p = b + info->data_offset + f * ba;
        for (c = 0; c < nch; c++) {
            float v = avloc_io__decode1(p + c * bps, info->format, &info->nonfinite);
            if (flags & AVLOC_IO_WAV_PLANAR) out[c * info->frames + f] = v;
            else out[f * nch + c] = v;
        }
    }
    if (info->nonfinite && (flags & AVLOC_IO_WAV_STRICT)) {
        AVLOC_IO__MSG(info, "%lu non-finite float samples (strict mode)", (unsigned long)info->nonfinite);
        return AVLOC_IO_ERR_NONFINITE;
    }
    if (info->nonfinite)
        AVLOC_IO__MSG(info, "%lu non-finite float samples replaced by 0", (unsigned long)info->nonfinite);
    return AVLOC_IO_OK;
}

AVLOC_IO_API avloc_io_status avloc_io_wav_load_mem(const void *buf, size_t len, unsigned flags,
                                                   avloc_io_audio *a)
{
    avloc_io_status s;
    size_t n;
    if (!a) return AVLOC_IO_ERR_NULL;
    memset(a, 0, sizeof *a);
    s = avloc_io_wav_parse(buf, len, flags, &a->info);
    if (s != AVLOC_IO_OK) return s;
    if (!avloc_io__mul(a->info.frames, a->info.channels, &n) || !avloc_io__mul(n, sizeof(float), &n)) {
        AVLOC_IO__MSG(&a->info, "too many samples");
        return AVLOC_IO_ERR_TOO_LARGE;
    }
    a->samples = (float *)malloc(n ? n : 1);
    if (!a->samples) {
        AVLOC_IO__MSG(&a->info, "out of memory for %lu bytes of samples", (unsigned long)n);
        return AVLOC_IO_ERR_NOMEM;
    }
    s = avloc_io_wav_decode(buf, len, &a->info, a->samples, n / sizeof(float), flags);
    if (s != AVLOC_IO_OK) { free(a->samples); a->samples = NULL; return s; }
    a->frames = a->info.frames;
    a->channels = a->info.channels;
    a->sample_rate = a->info.sample_rate;
    a->planar = (flags & AVLOC_IO_WAV_PLANAR) != 0;
    return AVLOC_IO_OK;
}

AVLOC_IO_API avloc_io_status avloc_io_wav_load(const char *path, unsigned flags, avloc_io_audio *a)
{
    unsigned char *buf;
    size_t len;
    avloc_io_status s;
    if (!a) return AVLOC_IO_ERR_NULL;
    memset(a, 0, sizeof *a);
    if (!path) return AVLOC_IO_ERR_NULL;
    s = avloc_io_read_file(path, &buf, &len);
    if (s != AVLOC_IO_OK) {
        AVLOC_IO__MSG(&a->info, "%s", avloc_io_strerror(s));
        return s;
    }
    s = avloc_io_wav_load_mem(buf, len, flags, a);
    free(buf);
    return s;
}

AVLOC_IO_API void avloc_io_audio_free(avloc_io_audio *a)
{
    if (!a) return;
    free(a->samples);
    a->samples = NULL;
    a->frames = 0;
}

/* Auto mode follows sox: extensible for PCM with more than 2 channels;
   float stays format 3 (some readers, sox among them, warn on extensible float). */
static int avloc_io__wav_ext(unsigned channels, avloc_io_sample_fmt fmt, unsigned flags)
{
    if (flags & AVLOC_IO_WAV_EXTENSIBLE) return 1;
    if (flags & AVLOC_IO_WAV_NO_EXTENSIBLE) return 0;
    return channels > 2 && fmt != AVLOC_IO_F32 && fmt != AVLOC_IO_F64;
}

static int avloc_io__is_float(avloc_io_sample_fmt fmt) { return fmt == AVLOC_IO_F32 || fmt == AVLOC_IO_F64; }

/* Header layout: RIFF/WAVE, fmt (16 bytes for PCM, 18 with cbSize = 0 for
   float, 40 for extensible), a fact chunk for float data (the spec asks for
   it with every non-PCM format), then the data chunk header. */
static size_t avloc_io__wav_hlen(unsigned channels, avloc_io_sample_fmt fmt, unsigned flags)
{
    size_t fmt_len = avloc_io__wav_ext(channels, fmt, flags) ? 40 : avloc_io__is_float(fmt) ? 18 : 16;
    return 12 + 8 + fmt_len + (avloc_io__is_float(fmt) ? 12 : 0) + 8;
}

/* Header bytes and total file size; checks every limit of the format. */
static avloc_io_status avloc_io__wav_sizes(size_t frames, unsigned channels, avloc_io_sample_fmt fmt,
                                           unsigned flags, size_t *header, size_t *data)
{
    unsigned bps = avloc_io_sample_bytes(fmt);
    size_t d;
    if (bps == 0 || channels == 0 || channels > 65535u) return AVLOC_IO_ERR_PARAM;
    *header = avloc_io__wav_hlen(channels, fmt, flags);
    if (!avloc_io__mul(frames, (size_t)channels * bps, &d)) return AVLOC_IO_ERR_TOO_LARGE;
    if (d > 0xFFFFFFF0UL - *header) return AVLOC_IO_ERR_TOO_LARGE; /* 32-bit RIFF sizes */
    *data = d;
    return AVLOC_IO_OK;
}

AVLOC_IO_API avloc_io_status avloc_io_wav_encoded_size(size_t frames, unsigned channels,
                                                       avloc_io_sample_fmt fmt, unsigned flags,
                                                       size_t *bytes)
{
    size_t h, d;
    avloc_io_status s;
    if (!bytes) return AVLOC_IO_ERR_NULL;
    s = avloc_io__wav_sizes(frames, channels, fmt, flags, &h, &d);
    if (s != AVLOC_IO_OK) return s;
    *bytes = h + d + (d & 1u);
    return AVLOC_IO_OK;
}

static size_t avloc_io__wav_header(unsigned char *h, size_t data, unsigned channels, unsigned rate,
                                   avloc_io_sample_fmt fmt, unsigned flags)
{
    unsigned bps = avloc_io_sample_bytes(fmt);
    int ext = avloc_io__wav_ext(channels, fmt, flags), is_float = avloc_io__is_float(fmt);
    size_t hl = avloc_io__wav_hlen(channels, fmt, flags), fmt_len = ext ? 40 : is_float ? 18 : 16;
    size_t o = 20 + fmt_len;
    memcpy(h, "RIFF", 4);
    avloc_io__put32(h + 4, (unsigned long)(hl - 8 + data + (data & 1u)));
    memcpy(h + 8, "WAVEfmt ", 8);
    avloc_io__put32(h + 16, (unsigned long)fmt_len);
    avloc_io__put16(h + 20, ext ? 0xFFFEu : (is_float ? 3u : 1u));
    avloc_io__put16(h + 22, channels);
    avloc_io__put32(h + 24, rate);
    avloc_io__put32(h + 28, (unsigned long)rate * channels * bps);
    avloc_io__put16(h + 32, channels * bps);
    avloc_io__put16(h + 34, bps * 8);
    if (fmt_len >= 18) avloc_io__put16(h + 36, ext ? 22u : 0u); /* cbSize */
    if (ext) {
        unsigned long mask = channels == 1 ? 0x4UL : channels <= 18 ? (1UL << channels) - 1 : 0UL;
        avloc_io__put16(h + 38, bps * 8);
        avloc_io__put32(h + 40, mask);
        avloc_io__put16(h + 44, is_float ? 3u : 1u);
        memcpy(h + 46, avloc_io__guid_tail, 14);
    }
    if (is_float) { /* fact: sample frames per channel */
        memcpy(h + o, "fact", 4);
        avloc_io__put32(h + o + 4, 4);
        avloc_io__put32(h + o + 8, (unsigned long)(data / ((size_t)channels * bps)));
        o += 12;
    }
    memcpy(h + o, "data", 4);
    avloc_io__put32(h + o + 4, (unsigned long)data);
    return hl;
}

static long avloc_io__quant(float x, double scale, long lo, long hi)
{
    double v;
    if (!avloc_io__finite((double)x)) { /* on the bits (-ffast-math): NaN 0, +-Inf the clip level */
        uint32_t u;
        memcpy(&u, &x, sizeof u);
        return (u & 0x7fffffu) ? 0 : (u >> 31) ? lo : hi;
    }
    v = floor((double)x * scale + 0.5);
    if (v < (double)lo) return lo;
    if (v > (double)hi) return hi;
    return (long)v;
}

static void avloc_io__encode1(unsigned char *p, float x, avloc_io_sample_fmt fmt)
{
    switch (fmt) {
    case AVLOC_IO_U8: p[0] = (unsigned char)(avloc_io__quant(x, 128.0, -128, 127) + 128); break;
    case AVLOC_IO_S16: avloc_io__put16(p, (unsigned)(avloc_io__quant(x, 32768.0, -32768L, 32767L) & 0xFFFFL)); break;
    case AVLOC_IO_S24: {
        unsigned long v = (unsigned long)(avloc_io__quant(x, 8388608.0, -8388608L, 8388607L) & 0xFFFFFFL);
        p[0] = (unsigned char)(v & 255u);
        p[1] = (unsigned char)((v >> 8) & 255u);
        p[2] = (unsigned char)((v >> 16) & 255u);
        break;
    }
    case AVLOC_IO_S32: {
        long v = avloc_io__quant(x, 2147483648.0, -2147483647L - 1L, 2147483647L);
        avloc_io__put32(p, (unsigned long)v & 0xFFFFFFFFUL);
        break;
    }
    case AVLOC_IO_F32: {
        uint32_t w;
        memcpy(&w, &x, 4);
        avloc_io__put32(p, (unsigned long)w);
        break;
    }
    case AVLOC_IO_F64: {
        double d = (double)x;
        uint64_t w;
        memcpy(&w, &d, 8);
        avloc_io__put32(p, (unsigned long)(w & 0xFFFFFFFFu));
        avloc_io__put32(p + 4, (unsigned long)(w >> 32));
        break;
    }
    }
}

/* Encodes frames [f0, f0+nf) into dst. */
static void avloc_io__wav_frames(unsigned char *dst, const float *x, size_t frames, size_t f0, size_t nf,
                                 unsigned channels, avloc_io_sample_fmt fmt, unsigned flags)
{
    unsigned bps = avloc_io_sample_bytes(fmt);
    size_t f, c;
    for (f = 0; f < nf; f++)
        for (c = 0; c < channels; c++) {
            float v = (flags & AVLOC_IO_WAV_PLANAR) ? x[c * frames + f0 + f] : x[(f0 + f) * channels + c];
            avloc_io__encode1(dst + (f * channels + c) * bps, v, fmt);
        }
}

AVLOC_IO_API avloc_io_status avloc_io_wav_encode(void *buf, size_t cap, size_t *written,
                                                 const float *x, size_t frames, unsigned channels,
                                                 unsigned rate, avloc_io_sample_fmt fmt, unsigned flags)
{
    unsigned char *b = (unsigned char *)buf;
    size_t h, d, total;
    avloc_io_status s;
    if (!buf || !written || (!x && frames)) return AVLOC_IO_ERR_NULL;
    if (rate == 0 || rate > AVLOC_IO_WAV_MAX_RATE) return AVLOC_IO_ERR_PARAM;
    s = avloc_io__wav_sizes(frames, channels, fmt, flags, &h, &d);
    if (s != AVLOC_IO_OK) return s;
    total = h + d + (d & 1u);
    if (cap < total) return AVLOC_IO_ERR_BUFFER;
    avloc_io__wav_header(b, d, channels, rate, fmt, flags);
    if (frames) avloc_io__wav_frames(b + h, x, frames, 0, frames, channels, fmt, flags);
    if (d & 1u) b[h + d] = 0;
    *written = total;
    return AVLOC_IO_OK;
}

AVLOC_IO_API avloc_io_status avloc_io_wav_write(FILE *f, const float *x, size_t frames, unsigned channels,
                                                unsigned rate, avloc_io_sample_fmt fmt, unsigned flags)
{
    unsigned char hdr[80], blk[8192];
    size_t h, d, f0, per;
    avloc_io_status s;
    if (!f || (!x && frames)) return AVLOC_IO_ERR_NULL;
    if (rate == 0 || rate > AVLOC_IO_WAV_MAX_RATE) return AVLOC_IO_ERR_PARAM;
    s = avloc_io__wav_sizes(frames, channels, fmt, flags, &h, &d);
    if (s != AVLOC_IO_OK) return s;
    avloc_io__wav_header(hdr, d, channels, rate, fmt, flags);
    if (fwrite(hdr, 1, h, f) != h) return AVLOC_IO_ERR_WRITE;
    per = sizeof blk / ((size_t)channels * avloc_io_sample_bytes(fmt));
    if (per == 0) { /* a frame wider than the block: one sample at a time */
        size_t fr, c;
        unsigned bps = avloc_io_sample_bytes(fmt);
        for (fr = 0; fr < frames; fr++)
            for (c = 0; c < channels; c++) {
                float v = (flags & AVLOC_IO_WAV_PLANAR) ? x[c * frames + fr] : x[fr * channels + c];
                avloc_io__encode1(blk, v, fmt);
                if (fwrite(blk, 1, bps, f) != bps) return AVLOC_IO_ERR_WRITE;
            }
    } else {
        for (f0 = 0; f0 < frames; f0 += per) {
            size_t nf = frames - f0 < per ? frames - f0 : per;
            size_t nb = nf * channels * avloc_io_sample_bytes(fmt);
            avloc_io__wav_frames(blk, x, frames, f0, nf, channels, fmt, flags);
            if (fwrite(blk, 1, nb, f) != nb) return AVLOC_IO_ERR_WRITE;
        }
    }
    if ((d & 1u) && fputc(0, f) == EOF) return AVLOC_IO_ERR_WRITE;
    return ferror(f) ? AVLOC_IO_ERR_WRITE : AVLOC_IO_OK;
}

static FILE *avloc_io__open_w(const char *path, int *is_std)
{
    *is_std = strcmp(path, "-") == 0;
    return *is_std ? stdout : fopen(path, "wb");
}

static avloc_io_status avloc_io__close_w(FILE *f, int is_std, avloc_io_status s)
{
    if (is_std) return fflush(f) != 0 && s == AVLOC_IO_OK ? AVLOC_IO_ERR_WRITE : s;
    if (fclose(f) != 0 && s == AVLOC_IO_OK) s = AVLOC_IO_ERR_WRITE;
    return s;
}

AVLOC_IO_API avloc_io_status avloc_io_wav_save(const char *path, const float *x, size_t frames,
                                               unsigned channels, unsigned rate,
                                               avloc_io_sample_fmt fmt, unsigned flags)
{
    int is_std;
    FILE *f;
    if (!path) return AVLOC_IO_ERR_NULL;
    f = avloc_io__open_w(path, &is_std);
    if (!f) return AVLOC_IO_ERR_OPEN;
    return avloc_io__close_w(f, is_std, avloc_io_wav_write(f, x, frames, channels, rate, fmt, flags));
}

/* ------------------------------------------------------------------ NPY */

AVLOC_IO_API avloc_io_status avloc_io_npy_header(char *buf, size_t cap, size_t *len, const char *descr,
                                                 const size_t *shape, int ndim)
{
    char dict[64 + AVLOC_IO_NPY_MAX_DIMS * 24];
    size_t dl, pre, total, i;
    int k;
    if (!buf || !len || !descr || (!shape && ndim > 0)) return AVLOC_IO_ERR_NULL;
    if (ndim < 0 || ndim > AVLOC_IO_NPY_MAX_DIMS || strlen(descr) > 8) return AVLOC_IO_ERR_PARAM;
    dl = (size_t)sprintf(dict, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
    for (k = 0; k < ndim; k++)
        dl += (size_t)sprintf(dict + dl, "%s%lu", k ? ", " : "", (unsigned long)shape[k]);
    dl += (size_t)sprintf(dict + dl, "%s), }", ndim == 1 ? "," : "");
    pre = dl + 1 + 10 <= 65535 ? 10 : 12; /* version 1.0 unless the header is huge */
    total = (pre + dl + 1 + 63) / 64 * 64;
    if (cap < total) return AVLOC_IO_ERR_BUFFER;
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (char)(pre == 10 ? 1 : 2);
    buf[7] = 0;
    if (pre == 10) avloc_io__put16((unsigned char *)buf + 8, (unsigned)(total - 10));
    else avloc_io__put32((unsigned char *)buf + 8, (unsigned long)(total - 12));
    memcpy(buf + pre, dict, dl);
    for (i = pre + dl; i < total - 1; i++) buf[i] = ' ';
    buf[total - 1] = '\n';
    *len = total;
    return AVLOC_IO_OK;
}

static avloc_io_status avloc_io__npy_write(FILE *f, const float *x, const size_t *shape, int ndim, int cplx)
{
    char hdr[64 + 64 + AVLOC_IO_NPY_MAX_DIMS * 24];
    unsigned char blk[8192];
    size_t hl, n = 1, i, k;
    avloc_io_status s;
    int d;
    if (!f || (!shape && ndim > 0)) return AVLOC_IO_ERR_NULL;
    for (d = 0; d < ndim; d++)
        if (!avloc_io__mul(n, shape[d], &n)) return AVLOC_IO_ERR_TOO_LARGE;
    if (cplx && !avloc_io__mul(n, 2, &n)) return AVLOC_IO_ERR_TOO_LARGE;
    if (!x && n) return AVLOC_IO_ERR_NULL;
    s = avloc_io_npy_header(hdr, sizeof hdr, &hl, cplx ? "<c8" : "<f4", shape, ndim);
    if (s != AVLOC_IO_OK) return s;
    if (fwrite(hdr, 1, hl, f) != hl) return AVLOC_IO_ERR_WRITE;
    for (i = 0; i < n; i += sizeof blk / 4) {
        size_t m = n - i < sizeof blk / 4 ? n - i : sizeof blk / 4;
        for (k = 0; k < m; k++) avloc_io__encode1(blk + 4 * k, x[i + k], AVLOC_IO_F32);
        if (fwrite(blk, 4, m, f) != m) return AVLOC_IO_ERR_WRITE;
    }
    return ferror(f) ? AVLOC_IO_ERR_WRITE : AVLOC_IO_OK;
}

AVLOC_IO_API avloc_io_status avloc_io_npy_write_f32(FILE *f, const float *x, const size_t *shape, int ndim)
{
    return avloc_io__npy_write(f, x, shape, ndim, 0);
}
AVLOC_IO_API avloc_io_status avloc_io_npy_write_c64(FILE *f, const float *x, const size_t *shape, int ndim)
{
    return avloc_io__npy_write(f, x, shape, ndim, 1);
}

static avloc_io_status avloc_io__npy_save(const char *path, const float *x, const size_t *shape, int ndim,
                                          int cplx)
{
    int is_std;
    FILE *f;
    if (!path) return AVLOC_IO_ERR_NULL;
    f = avloc_io__open_w(path, &is_std);
    if (!f) return AVLOC_IO_ERR_OPEN;
    return avloc_io__close_w(f, is_std, avloc_io__npy_write(f, x, shape, ndim, cplx));
}
AVLOC_IO_API avloc_io_status avloc_io_npy_save_f32(const char *path, const float *x, const size_t *shape, int ndim)
{
    return avloc_io__npy_save(path, x, shape, ndim, 0);
}
AVLOC_IO_API avloc_io_status avloc_io_npy_save_c64(const char *path, const float *x, const size_t *shape, int ndim)
{
    return avloc_io__npy_save(path, x, shape, ndim, 1);
}

/* ------------------------------------------------------ checksums, zlib */

AVLOC_IO_API unsigned long avloc_io_crc32(unsigned long crc, const unsigned char *p, size_t n)
{
    /* nibble-table CRC-32 (IEEE, reflected 0xEDB88320) */
    static const unsigned long t[16] = {
        0x00000000UL, 0x1DB71064UL, 0x3B6E20C8UL, 0x26D930ACUL, 0x76DC4190UL, 0x6B6B51F4UL,
        0x4DB26158UL, 0x5005713CUL, 0xEDB88320UL, 0xF00F9344UL, 0xD6D6A3E8UL, 0xCB61B38CUL,
        0x9B64C2B0UL, 0x86D3D2D4UL, 0xA00AE278UL, 0xBDBDF21CUL};
    size_t i;
    crc = ~crc & 0xFFFFFFFFUL;
    for (i = 0; i < n; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ t[crc & 15u];
        crc = (crc >> 4) ^ t[crc & 15u];
    }
    return ~crc & 0xFFFFFFFFUL;
}

AVLOC_IO_API unsigned long avloc_io_adler32(unsigned long adler, const unsigned char *p, size_t n)
{
    unsigned long a = adler & 0xFFFFu, b = (adler >> 16) & 0xFFFFu;
    while (n) {
        size_t k = n < 5552 ? n : 5552; /* largest block without 32-bit overflow */
        n -= k;
        while (k--) { a += *p++; b += a; }
        a %= 65521u;
        b %= 65521u;
    }
    return (b << 16) | a;
}

typedef struct avloc_io__bits {
    unsigned char *p;
    size_t n, cap;
    unsigned long acc;
    int nb;
} avloc_io__bits;

static void avloc_io__putbits(avloc_io__bits *w, unsigned long v, int n) /* LSB first */
{
    w->acc |= v << w->nb;
    w->nb += n;
    while (w->nb >= 8) {
        if (w->n < w->cap) w->p[w->n] = (unsigned char)(w->acc & 255u);
        w->n++;
        w->acc >>= 8;
        w->nb -= 8;
    }
}

static void avloc_io__puthuff(avloc_io__bits *w, unsigned code, int len) /* Huffman codes go MSB first */
{
    unsigned r = 0;
    int i;
    for (i = 0; i < len; i++) r |= ((code >> i) & 1u) << (len - 1 - i);
    avloc_io__putbits(w, r, len);
}

static void avloc_io__fixed_sym(avloc_io__bits *w, unsigned s)
{
    if (s < 144) avloc_io__puthuff(w, 0x30 + s, 8);
    else if (s < 256) avloc_io__puthuff(w, 0x190 + (s - 144), 9);
    else if (s < 280) avloc_io__puthuff(w, s - 256, 7);
    else avloc_io__puthuff(w, 0xC0 + (s - 280), 8);
}

static const unsigned short avloc_io__lbase[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,
                                                   15, 17, 19, 23, 27, 31, 35, 43, 51,  59,
                                                   67, 83, 99, 115, 131, 163, 195, 227, 258};
static const unsigned char avloc_io__lext[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                                 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const unsigned short avloc_io__dbase[30] = {1,    2,    3,    4,    5,    7,     9,     13,
                                                   17,   25,   33,   49,   65,   97,    129,   193,
                                                   257,  385,  513,  769,  1025, 1537,  2049,  3073,
                                                   4097, 6145, 8193, 12289, 16385, 24577};
static const unsigned char avloc_io__dext[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                                 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

static void avloc_io__emit_match(avloc_io__bits *w, size_t len, size_t dist)
{
    int i = 28, j = 29;
    while (avloc_io__lbase[i] > len) i--;
    avloc_io__fixed_sym(w, 257u + (unsigned)i);
    if (avloc_io__lext[i]) avloc_io__putbits(w, (unsigned long)(len - avloc_io__lbase[i]), avloc_io__lext[i]);
    while (avloc_io__dbase[j] > dist) j--;
    avloc_io__puthuff(w, (unsigned)j, 5);
    if (avloc_io__dext[j]) avloc_io__putbits(w, (unsigned long)(dist - avloc_io__dbase[j]), avloc_io__dext[j]);
}

#define AVLOC_IO__HBITS 15
#define AVLOC_IO__WIN 32768u

/* One final fixed-Huffman block with greedy LZ77 over hash chains. Returns
   the number of bytes the block needs (written only up to w->cap). */
static int avloc_io__deflate_fixed(avloc_io__bits *w, const unsigned char *d, size_t n)
{
    long *head = (long *)malloc(sizeof(long) << AVLOC_IO__HBITS);
    long *prev = (long *)malloc(sizeof(long) * AVLOC_IO__WIN);
    size_t i = 0, k;
    if (!head || !prev) { free(head); free(prev); return 0; }
    for (k = 0; k < ((size_t)1 << AVLOC_IO__HBITS); k++) head[k] = -1;
    avloc_io__putbits(w, 1, 1); /* BFINAL */
    avloc_io__putbits(w, 1, 2); /* BTYPE = fixed */
    while (i < n) {
        size_t best = 0, bdist = 0;
        if (n - i >= 3) {
            unsigned h = (((unsigned)d[i] << 10) ^ ((unsigned)d[i + 1] << 5) ^ d[i + 2]) &
                         ((1u << AVLOC_IO__HBITS) - 1);
            long cand = head[h];
            int chain = 48;
            size_t maxl = n - i < 258 ? n - i : 258;
            while (cand >= 0 && chain-- > 0 && i - (size_t)cand <= AVLOC_IO__WIN - 1) {
                const unsigned char *a = d + cand, *b = d + i;
                size_t l = 0;
                while (l < maxl && a[l] == b[l]) l++;
                if (l > best) { best = l; bdist = i - (size_t)cand; if (l == maxl) break; }
                cand = prev[(size_t)cand & (AVLOC_IO__WIN - 1)];
            }
            prev[i & (AVLOC_IO__WIN - 1)] = head[h];
            head[h] = (long)i;
        }
        if (best >= 3) {
            avloc_io__emit_match(w, best, bdist);
            for (k = 1; k < best; k++) { /* insert the skipped positions */
                size_t q = i + k;
                if (n - q >= 3) {
                    unsigned h = (((unsigned)d[q] << 10) ^ ((unsigned)d[q + 1] << 5) ^ d[q + 2]) &
                                 ((1u << AVLOC_IO__HBITS) - 1);
                    prev[q & (AVLOC_IO__WIN - 1)] = head[h];
                    head[h] = (long)q;
                }
            }
            i += best;
        } else {
            avloc_io__fixed_sym(w, d[i]);
            i++;
        }
    }
    avloc_io__fixed_sym(w, 256);
    if (w->nb) avloc_io__putbits(w, 0, 8 - w->nb); /* flush to a byte */
    free(head);
    free(prev);
    return 1;
}

AVLOC_IO_API avloc_io_status avloc_io_zlib_compress(const unsigned char *data, size_t n,
                                                    unsigned char **out, size_t *out_len)
{
    size_t nblk = n / 65535 + 1, stored, i, o;
    unsigned char *b;
    avloc_io__bits w;
    unsigned long ad;
    if (!out || !out_len || (!data && n)) return AVLOC_IO_ERR_NULL;
    *out = NULL;
    *out_len = 0;
    if (!avloc_io__mul(nblk, 5, &stored) || stored > (size_t)-1 - n - 6) return AVLOC_IO_ERR_TOO_LARGE;
    stored += n + 6; /* 2 header + blocks + 4 adler */
    b = (unsigned char *)malloc(stored);
    if (!b) return AVLOC_IO_ERR_NOMEM;
    ad = avloc_io_adler32(1, data, n);
    b[0] = 0x78; /* CM = 8, 32K window */
    b[1] = 0x01; /* FLEVEL 0, (0x78 * 256 + 0x01) % 31 == 0 */
    /* try fixed Huffman into the same buffer; fall back to stored blocks */
    w.p = b + 2;
    w.n = 0;
    w.cap = stored - 6;
    w.acc = 0;
    w.nb = 0;
    if (avloc_io__deflate_fixed(&w, data, n) && w.n <= stored - 6) {
        o = 2 + w.n;
    } else {
        o = 2;
        for (i = 0; i < nblk; i++) {
            size_t m = n - i * 65535 < 65535 ? n - i * 65535 : 65535;
            b[o++] = (unsigned char)(i + 1 == nblk ? 1 : 0);
            avloc_io__put16(b + o, (unsigned)m);
            avloc_io__put16(b + o + 2, (unsigned)(~m & 0xFFFFu));
            o += 4;
            if (m) memcpy(b + o, data + i * 65535, m);
            o += m;
        }
    }
    avloc_io__put32be(b + o, ad);
    *out = b;
    *out_len = o + 4;
    return AVLOC_IO_OK;
}

/* ------------------------------------------------------------------ PNG */

static int avloc_io__paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    if (pa <= pb && pa <= pc) return a;
    return pb <= pc ? b : c;
}

static void avloc_io__png_chunk(unsigned char *dst, const char *type, const unsigned char *data, size_t n)
{
    unsigned long crc;
    avloc_io__put32be(dst, (unsigned long)n);
    memcpy(dst + 4, type, 4);
    if (n) memmove(dst + 8, data, n);
    crc = avloc_io_crc32(0, dst + 4, n + 4);
    avloc_io__put32be(dst + 8 + n, crc);
}

AVLOC_IO_API avloc_io_status avloc_io_png_encode(const unsigned char *pix, unsigned w, unsigned h,
                                                 unsigned channels, size_t stride,
                                                 unsigned char **out, size_t *out_len)
{
    static const unsigned char ctype[5] = {0, 0, 4, 2, 6};
    size_t row, raw_n, y, x, zl, total, o, left;
    unsigned char *raw, *z, *png, ihdr[13];
    avloc_io_status s;
    if (!pix || !out || !out_len) return AVLOC_IO_ERR_NULL;
    *out = NULL;
    *out_len = 0;
    if (channels < 1 || channels > 4 || w == 0 || h == 0 || w > 0x7FFFFFFFu || h > 0x7FFFFFFFu)
        return AVLOC_IO_ERR_PARAM;
    if (!avloc_io__mul(w, channels, &row) || stride < row) return AVLOC_IO_ERR_PARAM;
    if (!avloc_io__mul(row + 1, h, &raw_n)) return AVLOC_IO_ERR_TOO_LARGE;
    raw = (unsigned char *)malloc(raw_n);
    if (!raw) return AVLOC_IO_ERR_NOMEM;
    for (y = 0; y < h; y++) { /* pick the filter with the smallest sum of |residual| */
        const unsigned char *cur = pix + y * stride, *up = y ? pix + (y - 1) * stride : NULL;
        unsigned char *dst = raw + y * (row + 1);
        unsigned long best = (unsigned long)-1;
        int ft, bestf = 0;
        for (ft = 0; ft < 5; ft++) {
            unsigned long sum = 0;
            for (x = 0; x < row; x++) {
                int a = x >= channels ? cur[x - channels] : 0, b = up ? up[x] : 0;
                int c = (up && x >= channels) ? up[x - channels] : 0, pred = 0;
                unsigned char r;
                if (ft == 1) pred = a;
                else if (ft == 2) pred = b;
                else if (ft == 3) pred = (a + b) / 2;
                else if (ft == 4) pred = avloc_io__paeth(a, b, c);
                r = (unsigned char)((cur[x] - pred) & 255);
                sum += r < 128 ? r : 256u - r;
            }
            if (sum < best) { best = sum; bestf = ft; }
        }
        dst[0] = (unsigned char)bestf;
        for (x = 0; x < row; x++) {
            int a = x >= channels ? cur[x - channels] : 0, b = up ? up[x] : 0;
            int c = (up && x >= channels) ? up[x - channels] : 0, pred = 0;
            if (bestf == 1) pred = a;
            else if (bestf == 2) pred = b;
            else if (bestf == 3) pred = (a + b) / 2;
            else if (bestf == 4) pred = avloc_io__paeth(a, b, c);
            dst[1 + x] = (unsigned char)((cur[x] - pred) & 255);
        }
    }
    s = avloc_io_zlib_compress(raw, raw_n, &z, &zl);
    free(raw);
    if (s != AVLOC_IO_OK) return s;
    /* signature + IHDR + IDAT chunks of <= 1 MiB + IEND */
    total = 8 + 25 + (zl / 1048576 + 1) * 12 + zl + 12;
    png = (unsigned char *)malloc(total);
    if (!png) { free(z); return AVLOC_IO_ERR_NOMEM; }
    memcpy(png, "\x89PNG\r\n\x1a\n", 8);
    avloc_io__put32be(ihdr, w);
    avloc_io__put32be(ihdr + 4, h);
    ihdr[8] = 8;
    ihdr[9] = ctype[channels];
    ihdr[10] = ihdr[11] = ihdr[12] = 0;
    avloc_io__png_chunk(png + 8, "IHDR", ihdr, 13);
    o = 33;
    left = zl;
    do {
        size_t m = left < 1048576 ? left : 1048576;
        avloc_io__png_chunk(png + o, "IDAT", z + (zl - left), m);
        o += 12 + m;
        left -= m;
    } while (left);
    avloc_io__png_chunk(png + o, "IEND", NULL, 0);
    o += 12;
    free(z);
    *out = png;
    *out_len = o;
    return AVLOC_IO_OK;
}

AVLOC_IO_API avloc_io_status avloc_io_png_write(FILE *f, const avloc_io_image *im)
{
    unsigned char *png;
    size_t n;
    avloc_io_status s;
    if (!f || !im) return AVLOC_IO_ERR_NULL;
    s = avloc_io_png_encode(im->pix, im->w, im->h, im->channels, im->stride, &png, &n);
    if (s != AVLOC_IO_OK) return s;
    if (fwrite(png, 1, n, f) != n) s = AVLOC_IO_ERR_WRITE;
    free(png);
    return s;
}

AVLOC_IO_API avloc_io_status avloc_io_png_save(const char *path, const avloc_io_image *im)
{
    int is_std;
    FILE *f;
    if (!path) return AVLOC_IO_ERR_NULL;
    f = avloc_io__open_w(path, &is_std);
    if (!f) return AVLOC_IO_ERR_OPEN;
    return avloc_io__close_w(f, is_std, avloc_io_png_write(f, im));
}

/* --------------------------------------------------------------- images */

AVLOC_IO_API avloc_io_status avloc_io_image_alloc(avloc_io_image *im, unsigned w, unsigned h, unsigned channels)
{
    size_t row, n;
    if (!im) return AVLOC_IO_ERR_NULL;
    memset(im, 0, sizeof *im);
    if (w == 0 || h == 0 || channels < 1 || channels > 4 || w > AVLOC_IO_MAX_IMAGE_DIM ||
        h > AVLOC_IO_MAX_IMAGE_DIM)
        return AVLOC_IO_ERR_PARAM;
    row = (size_t)w * channels;
    if (!avloc_io__mul(row, h, &n)) return AVLOC_IO_ERR_TOO_LARGE;
    im->pix = (unsigned char *)calloc(n, 1);
    if (!im->pix) return AVLOC_IO_ERR_NOMEM;
    im->w = w;
    im->h = h;
    im->channels = channels;
    im->stride = row;
    return AVLOC_IO_OK;
}

AVLOC_IO_API void avloc_io_image_free(avloc_io_image *im)
{
    if (!im) return;
    free(im->pix);
    memset(im, 0, sizeof *im);
}

AVLOC_IO_API avloc_io_status avloc_io_ppm_write(FILE *f, const avloc_io_image *im)
{
    size_t y, row;
    if (!f || !im || !im->pix) return AVLOC_IO_ERR_NULL;
    if (im->channels != 1 && im->channels != 3) return AVLOC_IO_ERR_PARAM;
    row = (size_t)im->w * im->channels;
    if (fprintf(f, "P%c\n%u %u\n255\n", im->channels == 3 ? '6' : '5', im->w, im->h) < 0)
        return AVLOC_IO_ERR_WRITE;
    for (y = 0; y < im->h; y++)
        if (fwrite(im->pix + y * im->stride, 1, row, f) != row) return AVLOC_IO_ERR_WRITE;
    return AVLOC_IO_OK;
}

AVLOC_IO_API avloc_io_status avloc_io_ppm_save(const char *path, const avloc_io_image *im)
{
    int is_std;
    FILE *f;
    if (!path) return AVLOC_IO_ERR_NULL;
    f = avloc_io__open_w(path, &is_std);
    if (!f) return AVLOC_IO_ERR_OPEN;
    return avloc_io__close_w(f, is_std, avloc_io_ppm_write(f, im));
}

static void avloc_io__setmsg(char *msg, size_t cap, const char *s)
{
    if (msg && cap) {
        strncpy(msg, s, cap - 1);
        msg[cap - 1] = 0;
    }
}

/* Reads a PNM header number, skipping whitespace and # comments. */
static int avloc_io__pnm_num(const unsigned char *b, size_t len, size_t *pos, unsigned long *v)
{
    size_t p = *pos;
    unsigned long x = 0;
    int digits = 0;
    for (;;) {
        while (p < len && (b[p] == ' ' || b[p] == '\t' || b[p] == '\n' || b[p] == '\r' || b[p] == '\v' || b[p] == '\f')) p++;
        if (p < len && b[p] == '#') { while (p < len && b[p] != '\n') p++; continue; }
        break;
    }
    while (p < len && b[p] >= '0' && b[p] <= '9') {
        if (x > 100000000UL) return 0;
        x = x * 10 + (unsigned long)(b[p] - '0');
        p++;
        digits++;
    }
    if (!digits) return 0;
    *pos = p;
    *v = x;
    return 1;
}

AVLOC_IO_API avloc_io_status avloc_io_ppm_decode(const void *buf, size_t len, avloc_io_image *im,
                                                 char *msg, size_t msg_cap)
{
    const unsigned char *b = (const unsigned char *)buf;
    unsigned long w, h, maxv;
    size_t pos = 2, bpv, need, n, i;
    unsigned ch;
    avloc_io_status s;
    if (!buf || !im) return AVLOC_IO_ERR_NULL;
    memset(im, 0, sizeof *im);
    if (len < 2 || b[0] != 'P' || (b[1] != '6' && b[1] != '5')) {
        avloc_io__setmsg(msg, msg_cap, "not a binary PPM/PGM (P6/P5) file");
        return AVLOC_IO_ERR_IMAGE;
    }
    ch = b[1] == '6' ? 3 : 1;
    if (!avloc_io__pnm_num(b, len, &pos, &w) || !avloc_io__pnm_num(b, len, &pos, &h) ||
        !avloc_io__pnm_num(b, len, &pos, &maxv) || pos >= len) {
        avloc_io__setmsg(msg, msg_cap, "malformed PPM header");
        return AVLOC_IO_ERR_IMAGE;
    }
    pos++; /* the single whitespace after maxval */
    if (w == 0 || h == 0 || w > AVLOC_IO_MAX_IMAGE_DIM || h > AVLOC_IO_MAX_IMAGE_DIM || maxv == 0 ||
        maxv > 65535) {
        avloc_io__setmsg(msg, msg_cap, "PPM size or maxval out of range");
        return AVLOC_IO_ERR_IMAGE;
    }
    bpv = maxv > 255 ? 2 : 1;
    n = (size_t)w * h * ch; /* <= 2^30 * 3 */
    if (!avloc_io__mul(n, bpv, &need) || need > len - pos) {
        avloc_io__setmsg(msg, msg_cap, "truncated PPM pixel data");
        return AVLOC_IO_ERR_IMAGE;
    }
    s = avloc_io_image_alloc(im, (unsigned)w, (unsigned)h, ch);
    if (s != AVLOC_IO_OK) return s;
    for (i = 0; i < n; i++) {
        unsigned long v = bpv == 2 ? ((unsigned long)b[pos + 2 * i] << 8) | b[pos + 2 * i + 1] : b[pos + i];
        if (v > maxv) v = maxv;
        im->pix[i] = (unsigned char)((v * 255 + maxv / 2) / maxv);
    }
    return AVLOC_IO_OK;
}

static unsigned char avloc_io__clamp8(double v)
{
    if (!(v > 0)) return 0;
    if (v > 255) return 255;
    return (unsigned char)(v + 0.5);
}

/* Header of a Y4M stream: W, H, F and the chroma mode (0 mono, 420, 422,
   444) into info (frames = 0, frame_bytes set); returns the offset after
   the header line, 0 on error (msg set). */
static size_t avloc_io__y4m_header(const unsigned char *b, size_t len, avloc_io_y4m_info *info, char *msg,
                                   size_t msg_cap)
{
    static const char *const c420[] = {"420", "420jpeg", "420paldv", "420mpeg2"};
    size_t pos = 9, k, ysz, cw, chh, csz;
    unsigned long w = 0, h = 0;
    memset(info, 0, sizeof *info);
    info->chroma = 420; /* the format's default */
    if (len < 10 || memcmp(b, "YUV4MPEG2", 9) != 0 || b[9] != ' ') {
        avloc_io__setmsg(msg, msg_cap, "not a Y4M file (no YUV4MPEG2 signature)");
        return 0;
    }
    while (pos < len && b[pos] != '\n') {
        size_t t, q, n;
        unsigned long v, d;
        const char *c;
        if (b[pos] == ' ') { pos++; continue; }
        t = pos;
        while (pos < len && b[pos] != ' ' && b[pos] != '\n') pos++;
        q = t + 1;
        n = pos - q;
        c = (const char *)b + q;
        if ((b[t] == 'W' || b[t] == 'H') && avloc_io__pnm_num(b, pos, &q, &v) && q == pos) {
            if (b[t] == 'W') w = v; else h = v;
        } else if (b[t] == 'F' && avloc_io__pnm_num(b, pos, &q, &v) && q < pos && b[q] == ':' &&
                   (q++, avloc_io__pnm_num(b, pos, &q, &d)) && q == pos && d > 0) {
            info->fps = (double)v / (double)d;
        } else if (b[t] == 'C') {
            int known = 0;
            for (k = 0; k < sizeof c420 / sizeof c420[0]; k++)
                if (n == strlen(c420[k]) && memcmp(c, c420[k], n) == 0) { info->chroma = 420; known = 1; }
            if (n == 3 && memcmp(c, "422", 3) == 0) { info->chroma = 422; known = 1; }
            if (n == 3 && memcmp(c, "444", 3) == 0) { info->chroma = 444; known = 1; }
            if (n == 4 && memcmp(c, "mono", 4) == 0) { info->chroma = 0; known = 1; }
            if (!known) {
                if (msg && msg_cap)
                    (void)snprintf(msg, msg_cap, "unsupported Y4M colourspace 'C%.*s' (8-bit 420/422/444/mono only)",
                                   (int)(n < 20 ? n : 20), c);
                return 0;
            }
        } else if (b[t] == 'W' || b[t] == 'H' || b[t] == 'F') {
            avloc_io__setmsg(msg, msg_cap, "malformed Y4M W/H/F tag");
            return 0;
        }
    }
    if (pos >= len) {
        avloc_io__setmsg(msg, msg_cap, "Y4M header line is not terminated");
        return 0;
    }
    if (w == 0 || h == 0 || w > AVLOC_IO_MAX_IMAGE_DIM || h > AVLOC_IO_MAX_IMAGE_DIM) {
        avloc_io__setmsg(msg, msg_cap, "Y4M header without valid W and H (1..AVLOC_IO_MAX_IMAGE_DIM)");
        return 0;
    }
    info->w = (unsigned)w;
    info->h = (unsigned)h;
    ysz = (size_t)w * h; /* <= 2^30 */
    cw = info->chroma == 444 ? w : (w + 1) / 2;
    chh = info->chroma == 420 ? (h + 1) / 2 : h;
    csz = info->chroma ? cw * chh : 0;
    /* 4:4:4 at the largest size is 3 GiB: overflows a 32-bit size_t */
    if (!avloc_io__mul(csz, 2, &csz) || csz > (size_t)-1 - ysz) {
        avloc_io__setmsg(msg, msg_cap, "Y4M frame size overflows");
        return 0;
    }
    info->frame_bytes = ysz + csz;
    return pos + 1;
}

/* Checks the "FRAME[ params]\n" line of frame `index` at pos and that its
   planes are all there; returns the offset of the planes, 0 on error. */
static size_t avloc_io__y4m_frame(const unsigned char *b, size_t len, size_t pos, const avloc_io_y4m_info *info,
                                  size_t index, char *msg, size_t msg_cap)
{
    if (len - pos < 6 || memcmp(b + pos, "FRAME", 5) != 0 || (b[pos + 5] != '\n' && b[pos + 5] != ' ')) {
        if (msg && msg_cap)
            (void)snprintf(msg, msg_cap, "Y4M frame %lu: expected a FRAME marker at byte %lu", (unsigned long)index,
                           (unsigned long)pos);
        return 0;
    }
    while (pos < len && b[pos] != '\n') pos++;
    if (pos >= len || info->frame_bytes > len - pos - 1) {
        if (msg && msg_cap)
            (void)snprintf(msg, msg_cap, "truncated Y4M frame %lu: needs %lu bytes, %lu left", (unsigned long)index,
                           (unsigned long)info->frame_bytes, (unsigned long)(pos < len ? len - pos - 1 : 0));
        return 0;
    }
    return pos + 1;
}

AVLOC_IO_API avloc_io_status avloc_io_y4m_decode(const void *buf, size_t len, avloc_io_image *im,
                                                 char *msg, size_t msg_cap)
{
    const unsigned char *b = (const unsigned char *)buf;
    avloc_io_y4m_info info;
    size_t pos, cw, csz, ysz, x, y;
    int mode;
    avloc_io_status s;
    if (!buf || !im) return AVLOC_IO_ERR_NULL;
    memset(im, 0, sizeof *im);
    if (!(pos = avloc_io__y4m_header(b, len, &info, msg, msg_cap))) return AVLOC_IO_ERR_IMAGE;
    if (pos >= len) { avloc_io__setmsg(msg, msg_cap, "Y4M file has no FRAME"); return AVLOC_IO_ERR_IMAGE; }
    if (!(pos = avloc_io__y4m_frame(b, len, pos, &info, 0, msg, msg_cap))) return AVLOC_IO_ERR_IMAGE;
    mode = info.chroma;
    ysz = (size_t)info.w * info.h;
    cw = mode == 444 ? info.w : (info.w + 1) / 2;
    csz = (info.frame_bytes - ysz) / 2;
    s = avloc_io_image_alloc(im, info.w, info.h, 3);
    if (s != AVLOC_IO_OK) return s;
    for (y = 0; y < info.h; y++)
        for (x = 0; x < info.w; x++) {
            double Y = 1.164 * ((double)b[pos + y * info.w + x] - 16.0), U = 0, V = 0;
            unsigned char *p = im->pix + y * im->stride + 3 * x;
            if (mode) {
                size_t cx = mode == 444 ? x : x / 2, cy = mode == 420 ? y / 2 : y;
                U = (double)b[pos + ysz + cy * cw + cx] - 128.0;
                V = (double)b[pos + ysz + csz + cy * cw + cx] - 128.0;
            }
            p[0] = avloc_io__clamp8(Y + 1.596 * V);
            p[1] = avloc_io__clamp8(Y - 0.392 * U - 0.813 * V);
            p[2] = avloc_io__clamp8(Y + 2.017 * U);
        }
    return AVLOC_IO_OK;
}

AVLOC_IO_API avloc_io_status avloc_io_y4m_decode_grey(const void *buf, size_t len, float *frames, size_t max_frames,
                                                      avloc_io_y4m_info *info, char *msg, size_t msg_cap)
{
    const unsigned char *b = (const unsigned char *)buf;
    size_t pos, ysz, i, count = 0;
    if (!buf || !info) return AVLOC_IO_ERR_NULL;
    if (!(pos = avloc_io__y4m_header(b, len, info, msg, msg_cap))) return AVLOC_IO_ERR_IMAGE;
    ysz = (size_t)info->w * info->h;
    while (pos < len) {
        if (!(pos = avloc_io__y4m_frame(b, len, pos, info, count, msg, msg_cap))) return AVLOC_IO_ERR_IMAGE;
        if (frames && count < max_frames)
            for (i = 0; i < ysz; i++) frames[count * ysz + i] = (float)b[pos + i] / 255.0f;
        pos += info->frame_bytes;
        count++;
    }
    info->frames = count;
    if (count == 0) { avloc_io__setmsg(msg, msg_cap, "Y4M file has no FRAME"); return AVLOC_IO_ERR_IMAGE; }
    if (frames && count > max_frames) {
        avloc_io__setmsg(msg, msg_cap, "Y4M file has more frames than the buffer holds");
        return AVLOC_IO_ERR_BUFFER;
    }
    return AVLOC_IO_OK;
}

AVLOC_IO_API avloc_io_status avloc_io_y4m_load_grey(const char *path, float **frames, size_t *n, unsigned *w,
                                                    unsigned *h, double *fps, char *msg, size_t msg_cap)
{
    unsigned char *b;
    size_t len, bytes;
    avloc_io_y4m_info info;
    avloc_io_status s;
    if (!path || !frames || !n || !w || !h || !fps) return AVLOC_IO_ERR_NULL;
    *frames = NULL; *n = 0;
    s = avloc_io_read_file(path, &b, &len);
    if (s != AVLOC_IO_OK) { avloc_io__setmsg(msg, msg_cap, avloc_io_strerror(s)); return s; }
    /* pass 1 checks the whole file, pass 2 fills exactly what it found */
    s = avloc_io_y4m_decode_grey(b, len, NULL, 0, &info, msg, msg_cap);
    if (s == AVLOC_IO_OK) {
        if (!avloc_io__mul((size_t)info.w * info.h, info.frames, &bytes) ||
            !avloc_io__mul(bytes, sizeof(float), &bytes) || !(*frames = (float *)avloc_io_alloc_large(bytes)))
            s = AVLOC_IO_ERR_NOMEM;
        else
            s = avloc_io_y4m_decode_grey(b, len, *frames, info.frames, &info, msg, msg_cap);
    }
    free(b);
    if (s != AVLOC_IO_OK) { free(*frames); *frames = NULL; return s; }
    *n = info.frames; *w = info.w; *h = info.h; *fps = info.fps;
    return AVLOC_IO_OK;
}

AVLOC_IO_API avloc_io_status avloc_io_y4m_write_grey(FILE *f, const float *frames, size_t n, unsigned w, unsigned h,
                                                     unsigned fps_num, unsigned fps_den, int chroma)
{
    size_t t, i, ysz = (size_t)w * h, csz = 2 * (size_t)((w + 1) / 2) * ((h + 1) / 2);
    unsigned char *row;
    int ok;
    if (!f || !frames) return AVLOC_IO_ERR_NULL;
    if (!w || !h || w > AVLOC_IO_MAX_IMAGE_DIM || h > AVLOC_IO_MAX_IMAGE_DIM || !n || !fps_num || !fps_den ||
        (chroma != AVLOC_IO_Y4M_MONO && chroma != AVLOC_IO_Y4M_420))
        return AVLOC_IO_ERR_PARAM;
    if (!(row = (unsigned char *)malloc(ysz))) return AVLOC_IO_ERR_NOMEM;
    ok = fprintf(f, "YUV4MPEG2 W%u H%u F%u:%u Ip A1:1 %s\n", w, h, fps_num, fps_den,
                 chroma == AVLOC_IO_Y4M_MONO ? "Cmono" : "C420jpeg") > 0;
    for (t = 0; t < n && ok; t++) {
        for (i = 0; i < ysz; i++) {
            float v = frames[t * ysz + i];
            if (!(v >= 0)) v = 0; /* NaN too: never an undefined conversion */
            else if (v > 1) v = 1;
            row[i] = (unsigned char)(v * 255.0f + 0.5f);
        }
        ok = fputs("FRAME\n", f) >= 0 && fwrite(row, 1, ysz, f) == ysz;
        if (ok && chroma == AVLOC_IO_Y4M_420) { /* U and V planes, neutral grey; csz <= ysz + 2 * (w + h) */
            memset(row, 128, ysz);
            for (i = 0; i < csz && ok; i += ysz) {
                size_t k = csz - i < ysz ? csz - i : ysz;
                ok = fwrite(row, 1, k, f) == k;
            }
        }
    }
    free(row);
    return ok ? AVLOC_IO_OK : AVLOC_IO_ERR_WRITE;
}

AVLOC_IO_API avloc_io_status avloc_io_y4m_save_grey_chroma(const char *path, const float *frames, size_t n,
                                                           unsigned w, unsigned h, unsigned fps_num,
                                                           unsigned fps_den, int chroma)
{
    int is_std;
    FILE *f;
    if (!path || !frames) return AVLOC_IO_ERR_NULL;
    if (!(f = avloc_io__open_w(path, &is_std))) return AVLOC_IO_ERR_OPEN;
    return avloc_io__close_w(f, is_std, avloc_io_y4m_write_grey(f, frames, n, w, h, fps_num, fps_den, chroma));
}

AVLOC_IO_API avloc_io_status avloc_io_y4m_save_grey(const char *path, const float *frames, size_t n, unsigned w,
                                                    unsigned h, unsigned fps_num, unsigned fps_den)
{
    return avloc_io_y4m_save_grey_chroma(path, frames, n, w, h, fps_num, fps_den, AVLOC_IO_Y4M_MONO);
}

AVLOC_IO_API avloc_io_status avloc_io_pgm_save(const char *path, const unsigned char *pix, unsigned w, unsigned h)
{
    avloc_io_image im;
    if (!path || !pix) return AVLOC_IO_ERR_NULL;
    if (!w || !h || w > AVLOC_IO_MAX_IMAGE_DIM || h > AVLOC_IO_MAX_IMAGE_DIM) return AVLOC_IO_ERR_PARAM;
    im.pix = (unsigned char *)(size_t)pix; /* ppm_write only reads the pixels */
    im.w = w;
    im.h = h;
    im.channels = 1;
    im.stride = w;
    return avloc_io_ppm_save(path, &im);
}

/* Reads an image file: PPM/PGM, or the first frame of a Y4M unless pgm_only
   (then anything but P5 is refused). */
static avloc_io_status avloc_io__image_load(const char *path, avloc_io_image *im, int pgm_only, char *msg,
                                            size_t msg_cap)
{
    unsigned char *buf;
    size_t len;
    avloc_io_status s;
    if (!path || !im) return AVLOC_IO_ERR_NULL;
    memset(im, 0, sizeof *im);
    s = avloc_io_read_file(path, &buf, &len);
    if (s != AVLOC_IO_OK) { avloc_io__setmsg(msg, msg_cap, avloc_io_strerror(s)); return s; }
    if (pgm_only && (len < 2 || buf[0] != 'P' || buf[1] != '5')) {
        avloc_io__setmsg(msg, msg_cap, "not a binary PGM (P5) file");
        s = AVLOC_IO_ERR_IMAGE;
    } else if (!pgm_only && len >= 9 && memcmp(buf, "YUV4MPEG2", 9) == 0) {
        s = avloc_io_y4m_decode(buf, len, im, msg, msg_cap);
    } else {
        s = avloc_io_ppm_decode(buf, len, im, msg, msg_cap);
    }
    free(buf);
    return s;
}

AVLOC_IO_API avloc_io_status avloc_io_pgm_load(const char *path, avloc_io_image *im, char *msg, size_t msg_cap)
{
    return avloc_io__image_load(path, im, 1, msg, msg_cap);
}

AVLOC_IO_API avloc_io_status avloc_io_image_load(const char *path, avloc_io_image *im, char *msg, size_t msg_cap)
{
    return avloc_io__image_load(path, im, 0, msg, msg_cap);
}

/* -------------------------------------------------------------- drawing */

AVLOC_IO_API void avloc_io_draw_pixel(avloc_io_image *im, int x, int y, const unsigned char *color)
{
    if (!im || !im->pix || !color || x < 0 || y < 0 || (unsigned)x >= im->w || (unsigned)y >= im->h) return;
    memcpy(im->pix + (size_t)y * im->stride + (size_t)x * im->channels, color, im->channels);
}

/* Liang-Barsky clip of a segment to [lo, hi] on both axes. */
static int avloc_io__clip(double *x0, double *y0, double *x1, double *y1, double xmax, double ymax)
{
    double t0 = 0, t1 = 1, dx = *x1 - *x0, dy = *y1 - *y0;
    double p[4], q[4];
    int i;
    /* on the bits: -ffast-math folds x - x == 0 to true, and a NaN end would reach (long)floor() */
    if (!avloc_io__finite(dx) || !avloc_io__finite(dy) || !avloc_io__finite(*x0) || !avloc_io__finite(*y0)) return 0;
    p[0] = -dx; q[0] = *x0 + 1;
    p[1] = dx;  q[1] = xmax - *x0;
    p[2] = -dy; q[2] = *y0 + 1;
    p[3] = dy;  q[3] = ymax - *y0;
    for (i = 0; i < 4; i++) {
        if (p[i] == 0) { if (q[i] < 0) return 0; continue; }
        {
            double r = q[i] / p[i];
            if (p[i] < 0) { if (r > t1) return 0; if (r > t0) t0 = r; }
            else { if (r < t0) return 0; if (r < t1) t1 = r; }
        }
    }
    *x1 = *x0 + t1 * dx; *y1 = *y0 + t1 * dy;
    *x0 = *x0 + t0 * dx; *y0 = *y0 + t0 * dy;
    return 1;
}

AVLOC_IO_API void avloc_io_draw_line(avloc_io_image *im, double x0, double y0, double x1, double y1,
                                     const unsigned char *color)
{
    long ax, ay, bx, by, dx, dy, sx, sy, err;
    if (!im || !im->pix || !avloc_io__clip(&x0, &y0, &x1, &y1, (double)im->w, (double)im->h)) return;
    ax = (long)floor(x0 + 0.5); ay = (long)floor(y0 + 0.5);
    bx = (long)floor(x1 + 0.5); by = (long)floor(y1 + 0.5);
    dx = labs(bx - ax); dy = -labs(by - ay);
    sx = ax < bx ? 1 : -1; sy = ay < by ? 1 : -1;
    err = dx + dy;
    for (;;) { /* Bresenham; the clipped segment is at most w+h+4 steps */
        long e2;
        avloc_io_draw_pixel(im, (int)ax, (int)ay, color);
        if (ax == bx && ay == by) break;
        e2 = 2 * err;
        if (e2 >= dy) { err += dy; ax += sx; }
        if (e2 <= dx) { err += dx; ay += sy; }
    }
}

static int avloc_io__finite_pt(double x, double y, double r)
{
    return avloc_io__finite(x) && avloc_io__finite(y) && avloc_io__finite(r) && /* bits: -ffast-math */
           fabs(x) < 1e6 && fabs(y) < 1e6 && r >= 0 && r < 1e5;
}

AVLOC_IO_API void avloc_io_draw_circle(avloc_io_image *im, double cx, double cy, double r,
                                       const unsigned char *color)
{
    int i, n;
    if (!avloc_io__finite_pt(cx, cy, r)) return;
    n = 8 + (int)(r * 6.3);
    for (i = 0; i < n; i++) {
        double a0 = 6.283185307179586 * i / n, a1 = 6.283185307179586 * (i + 1) / n;
        avloc_io_draw_line(im, cx + r * cos(a0), cy + r * sin(a0), cx + r * cos(a1), cy + r * sin(a1), color);
    }
}

AVLOC_IO_API void avloc_io_draw_disc(avloc_io_image *im, double cx, double cy, double r,
                                     const unsigned char *color)
{
    long x, y, x0, x1, y0, y1;
    if (!im || !avloc_io__finite_pt(cx, cy, r)) return;
    x0 = (long)floor(cx - r); x1 = (long)ceil(cx + r);
    y0 = (long)floor(cy - r); y1 = (long)ceil(cy + r);
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 >= (long)im->w) x1 = (long)im->w - 1;
    if (y1 >= (long)im->h) y1 = (long)im->h - 1;
    for (y = y0; y <= y1; y++)
        for (x = x0; x <= x1; x++)
            if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) avloc_io_draw_pixel(im, (int)x, (int)y, color);
}

AVLOC_IO_API void avloc_io_draw_cross(avloc_io_image *im, double cx, double cy, double r,
                                      const unsigned char *color)
{
    avloc_io_draw_line(im, cx - r, cy - r, cx + r, cy + r, color);
    avloc_io_draw_line(im, cx - r, cy + r, cx + r, cy - r, color);
}

AVLOC_IO_API void avloc_io_draw_ellipse_cov(avloc_io_image *im, double cx, double cy, double sxx,
                                            double sxy, double syy, double k, const unsigned char *color)
{
    /* eigen-decomposition of the symmetric 2x2 covariance */
    double tr = sxx + syy, det = sxx * syy - sxy * sxy, disc, l1, l2, th, a, b;
    int i, n;
    if (!(det > 0) || !(sxx > 0) || !(k > 0)) return; /* also rejects NaN */
    disc = sqrt(fmax(0.0, tr * tr / 4 - det));
    l1 = tr / 2 + disc;
    l2 = tr / 2 - disc;
    if (!(l2 > 0)) return;
    th = 0.5 * atan2(2 * sxy, sxx - syy);
    a = k * sqrt(l1);
    b = k * sqrt(l2);
    if (!avloc_io__finite_pt(cx, cy, a)) return;
    n = 16 + (int)(a * 4);
    for (i = 0; i < n; i++) {
        double t0 = 6.283185307179586 * i / n, t1 = 6.283185307179586 * (i + 1) / n;
        double u0 = a * cos(t0), v0 = b * sin(t0), u1 = a * cos(t1), v1 = b * sin(t1);
        avloc_io_draw_line(im, cx + u0 * cos(th) - v0 * sin(th), cy + u0 * sin(th) + v0 * cos(th),
                           cx + u1 * cos(th) - v1 * sin(th), cy + u1 * sin(th) + v1 * cos(th), color);
    }
}

/* Classic 5x7 font, 5 column bytes per glyph (bit 0 = top row), ASCII 32..126. */
static const unsigned char avloc_io__font[95][5] = {
    {0x00,0x00,0x00,0x00,0x00},{0x00,0x00,0x5F,0x00,0x00},{0x00,0x07,0x00,0x07,0x00},{0x14,0x7F,0x14,0x7F,0x14},
    {0x24,0x2A,0x7F,0x2A,0x12},{0x23,0x13,0x08,0x64,0x62},{0x36,0x49,0x55,0x22,0x50},{0x00,0x05,0x03,0x00,0x00},
    {0x00,0x1C,0x22,0x41,0x00},{0x00,0x41,0x22,0x1C,0x00},{0x14,0x08,0x3E,0x08,0x14},{0x08,0x08,0x3E,0x08,0x08},
    {0x00,0x50,0x30,0x00,0x00},{0x08,0x08,0x08,0x08,0x08},{0x00,0x60,0x60,0x00,0x00},{0x20,0x10,0x08,0x04,0x02},
    {0x3E,0x51,0x49,0x45,0x3E},{0x00,0x42,0x7F,0x40,0x00},{0x42,0x61,0x51,0x49,0x46},{0x21,0x41,0x45,0x4B,0x31},
    {0x18,0x14,0x12,0x7F,0x10},{0x27,0x45,0x45,0x45,0x39},{0x3C,0x4A,0x49,0x49,0x30},{0x01,0x71,0x09,0x05,0x03},
    {0x36,0x49,0x49,0x49,0x36},{0x06,0x49,0x49,0x29,0x1E},{0x00,0x36,0x36,0x00,0x00},{0x00,0x56,0x36,0x00,0x00},
    {0x08,0x14,0x22,0x41,0x00},{0x14,0x14,0x14,0x14,0x14},{0x00,0x41,0x22,0x14,0x08},{0x02,0x01,0x51,0x09,0x06},
    {0x32,0x49,0x79,0x41,0x3E},{0x7E,0x11,0x11,0x11,0x7E},{0x7F,0x49,0x49,0x49,0x36},{0x3E,0x41,0x41,0x41,0x22},
    {0x7F,0x41,0x41,0x22,0x1C},{0x7F,0x49,0x49,0x49,0x41},{0x7F,0x09,0x09,0x09,0x01},{0x3E,0x41,0x49,0x49,0x7A},
    {0x7F,0x08,0x08,0x08,0x7F},{0x00,0x41,0x7F,0x41,0x00},{0x20,0x40,0x41,0x3F,0x01},{0x7F,0x08,0x14,0x22,0x41},
    {0x7F,0x40,0x40,0x40,0x40},{0x7F,0x02,0x0C,0x02,0x7F},{0x7F,0x04,0x08,0x10,0x7F},{0x3E,0x41,0x41,0x41,0x3E},
    {0x7F,0x09,0x09,0x09,0x06},{0x3E,0x41,0x51,0x21,0x5E},{0x7F,0x09,0x19,0x29,0x46},{0x46,0x49,0x49,0x49,0x31},
    {0x01,0x01,0x7F,0x01,0x01},{0x3F,0x40,0x40,0x40,0x3F},{0x1F,0x20,0x40,0x20,0x1F},{0x3F,0x40,0x38,0x40,0x3F},
    {0x63,0x14,0x08,0x14,0x63},{0x07,0x08,0x70,0x08,0x07},{0x61,0x51,0x49,0x45,0x43},{0x00,0x7F,0x41,0x41,0x00},
    {0x02,0x04,0x08,0x10,0x20},{0x00,0x41,0x41,0x7F,0x00},{0x04,0x02,0x01,0x02,0x04},{0x40,0x40,0x40,0x40,0x40},
    {0x00,0x01,0x02,0x04,0x00},{0x20,0x54,0x54,0x54,0x78},{0x7F,0x48,0x44,0x44,0x38},{0x38,0x44,0x44,0x44,0x20},
    {0x38,0x44,0x44,0x48,0x7F},{0x38,0x54,0x54,0x54,0x18},{0x08,0x7E,0x09,0x01,0x02},{0x0C,0x52,0x52,0x52,0x3E},
    {0x7F,0x08,0x04,0x04,0x78},{0x00,0x44,0x7D,0x40,0x00},{0x20,0x40,0x44,0x3D,0x00},{0x7F,0x10,0x28,0x44,0x00},
    {0x00,0x41,0x7F,0x40,0x00},{0x7C,0x04,0x18,0x04,0x78},{0x7C,0x08,0x04,0x04,0x78},{0x38,0x44,0x44,0x44,0x38},
    {0x7C,0x14,0x14,0x14,0x08},{0x08,0x14,0x14,0x18,0x7C},{0x7C,0x08,0x04,0x04,0x08},{0x48,0x54,0x54,0x54,0x20},
    {0x04,0x3F,0x44,0x40,0x20},{0x3C,0x40,0x40,0x20,0x7C},{0x1C,0x20,0x40,0x20,0x1C},{0x3C,0x40,0x30,0x40,0x3C},
    {0x44,0x28,0x10,0x28,0x44},{0x0C,0x50,0x50,0x50,0x3C},{0x44,0x64,0x54,0x4C,0x44},{0x00,0x08,0x36,0x41,0x00},
    {0x00,0x00,0x7F,0x00,0x00},{0x00,0x41,0x36,0x08,0x00},{0x08,0x04,0x08,0x10,0x08}};

AVLOC_IO_API void avloc_io_draw_text(avloc_io_image *im, int x, int y, const char *s, int scale,
                                     const unsigned char *color)
{
    int i, r, dx, dy;
    if (!im || !s || !color) return;
    if (scale < 1) scale = 1;
    if (scale > 64) scale = 64;
    for (; *s; s++, x += 6 * scale) {
        unsigned char ch = (unsigned char)*s;
        const unsigned char *g = avloc_io__font[(ch >= 32 && ch <= 126 ? ch : '?') - 32];
        if (x > (int)im->w || x < -100000) break;
        for (i = 0; i < 5; i++)
            for (r = 0; r < 7; r++)
                if (g[i] >> r & 1)
                    for (dy = 0; dy < scale; dy++)
                        for (dx = 0; dx < scale; dx++)
                            avloc_io_draw_pixel(im, x + i * scale + dx, y + r * scale + dy, color);
    }
}

AVLOC_IO_API void avloc_io_draw_text_up(avloc_io_image *im, int x, int y, const char *s, int scale,
                                        const unsigned char *color)
{
    int i, r, dx, dy;
    if (!im || !s || !color) return;
    if (scale < 1) scale = 1;
    if (scale > 64) scale = 64;
    for (; *s; s++, y -= 6 * scale) {
        unsigned char ch = (unsigned char)*s;
        const unsigned char *g = avloc_io__font[(ch >= 32 && ch <= 126 ? ch : '?') - 32];
        if (y < 0) break;
        for (i = 0; i < 5; i++)     /* glyph column i goes up the image */
            for (r = 0; r < 7; r++) /* glyph row r goes right */
                if (g[i] >> r & 1)
                    for (dy = 0; dy < scale; dy++)
                        for (dx = 0; dx < scale; dx++)
                            avloc_io_draw_pixel(im, x + r * scale + dx, y - (i + 1) * scale + 1 + dy, color);
    }
}

/* Round tick step for a span: 1, 2 or 5 x 10^k giving about 4 to 8 ticks. */
static double avloc_io__tick_step(double span)
{
    double raw = fabs(span) / 6.0, p, f;
    if (!(raw > 0.0) || raw > 1e300) return 1.0;
    p = pow(10.0, floor(log10(raw)));
    f = raw / p;
    return (f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0) * p;
}

static void avloc_io__tick_label(char *buf, size_t cap, double v, double step)
{
    if (fabs(v) < 1e-9 * step) v = 0.0;
    if (step >= 1.0 && fabs(v) < 1e9) snprintf(buf, cap, "%.0f", v);
    else snprintf(buf, cap, "%.*f", step >= 0.1 ? 1 : step >= 0.01 ? 2 : 3, v);
}

/* Ticks along one axis of the figure: positions from the value range mapped
   linearly onto [p0, p1] pixels (either direction). */
static void avloc_io__axis_ticks(avloc_io_image *im, int vertical, int base, int p0, int p1, double v0,
                                 double v1, const double *ticks, const char *const *labels, size_t n_ticks,
                                 const unsigned char *ink)
{
    char lab[32];
    double step = avloc_io__tick_step(v1 - v0), lo = v0 < v1 ? v0 : v1, hi = v0 < v1 ? v1 : v0, t;
    size_t k, n = ticks ? n_ticks : 0;
    long i, first, last;
    /* widen the step until labels do not collide (1, 2, 5, 10, ...) */
    while (!ticks && fabs((double)(p1 - p0)) * step / (hi - lo > 0 ? hi - lo : 1.0) <
                         (vertical ? 14.0 : 6.0 * (double)(2 + (int)log10(hi > 1 ? hi : 1) + (step < 1 ? 2 : 0)) + 10.0)) {
        double m = step / pow(10.0, floor(log10(step)));
        step *= m < 1.5 ? 2.0 : m < 3.5 ? 2.5 : 2.0;
    }
    first = (long)ceil(lo / step - 1e-9);
    last = (long)floor(hi / step + 1e-9);
    if (!ticks && last - first > 40) last = first + 40;
    for (i = ticks ? 0 : first; ticks ? (size_t)i < n : i <= last; i++) {
        int pos, len;
        k = (size_t)i;
        t = ticks ? ticks[k] : (double)i * step;
        if (t < lo - 1e-9 * (hi - lo) || t > hi + 1e-9 * (hi - lo)) continue;
        pos = (int)floor(p0 + (t - v0) / (v1 - v0) * (p1 - p0) + 0.5);
        if (ticks && labels) snprintf(lab, sizeof lab, "%s", labels[k]);
        else avloc_io__tick_label(lab, sizeof lab, t, step);
        len = (int)strlen(lab) * 6;
        if (vertical) {
            avloc_io_draw_line(im, base - 5, pos, base - 1, pos, ink);
            avloc_io_draw_text(im, base - 8 - len, pos - 3, lab, 1, ink);
        } else {
            avloc_io_draw_line(im, pos, base + 1, pos, base + 5, ink);
            avloc_io_draw_text(im, pos - len / 2, base + 8, lab, 1, ink);
        }
    }
}

AVLOC_IO_API avloc_io_status avloc_io_figure(const avloc_io_image *panel, const avloc_io_figure_spec *spec,
                                             avloc_io_image *out)
{
    static const unsigned char ink[3] = {20, 20, 20};
    const int left = 78, right_plain = 24, bar_w = 16, right_bar = 100, top = 34, bottom = 48;
    int right, px, py, W, H, y;
    unsigned x;
    avloc_io_status st;
    if (!panel || !spec || !out || !panel->pix || panel->channels != 3) return AVLOC_IO_ERR_PARAM;
    memset(out, 0, sizeof *out);
    right = spec->clabel ? right_bar : right_plain;
    W = left + (int)panel->w + right;
    H = top + (int)panel->h + bottom;
    if ((unsigned)W > AVLOC_IO_MAX_IMAGE_DIM || (unsigned)H > AVLOC_IO_MAX_IMAGE_DIM) return AVLOC_IO_ERR_TOO_LARGE;
    st = avloc_io_image_alloc(out, (unsigned)W, (unsigned)H, 3);
    if (st != AVLOC_IO_OK) return st;
    memset(out->pix, 255, out->stride * out->h);
    px = left;
    py = top;
    for (y = 0; y < (int)panel->h; y++)
        memcpy(out->pix + (size_t)(py + y) * out->stride + (size_t)px * 3, panel->pix + (size_t)y * panel->stride,
               (size_t)panel->w * 3);
    /* frame, ticks, labels */
    avloc_io_draw_line(out, px - 1, py - 1, px + (int)panel->w, py - 1, ink);
    avloc_io_draw_line(out, px - 1, py + (int)panel->h, px + (int)panel->w, py + (int)panel->h, ink);
    avloc_io_draw_line(out, px - 1, py - 1, px - 1, py + (int)panel->h, ink);
    avloc_io_draw_line(out, px + (int)panel->w, py - 1, px + (int)panel->w, py + (int)panel->h, ink);
    avloc_io__axis_ticks(out, 0, py + (int)panel->h, px, px + (int)panel->w - 1, spec->x0, spec->x1, NULL, NULL, 0, ink);
    avloc_io__axis_ticks(out, 1, px - 1, py + (int)panel->h - 1, py, spec->y0, spec->y1, spec->yticks,
                         spec->yticklabels, spec->n_yticks, ink);
    if (spec->title) { /* large if it fits the figure, else small */
        int big = (int)strlen(spec->title) * 12 <= W - px - 4;
        avloc_io_draw_text(out, big ? px : 6, big ? 10 : 14, spec->title, big ? 2 : 1, ink);
    }
    if (spec->xlabel)
        avloc_io_draw_text(out, px + (int)panel->w / 2 - (int)strlen(spec->xlabel) * 3, py + (int)panel->h + 28,
                           spec->xlabel, 1, ink);
    if (spec->ylabel)
        avloc_io_draw_text_up(out, 6, py + (int)panel->h / 2 + (int)strlen(spec->ylabel) * 3, spec->ylabel, 1, ink);
    if (spec->clabel) { /* colour bar: c0 at the bottom, c1 at the top */
        int bx = px + (int)panel->w + 12;
        for (y = 0; y < (int)panel->h; y++) {
            unsigned char rgb[3];
            avloc_io_colormap(1.0 - (double)y / (double)(panel->h > 1 ? panel->h - 1 : 1), rgb);
            for (x = 0; x < (unsigned)bar_w; x++) memcpy(out->pix + (size_t)(py + y) * out->stride + (size_t)(bx + (int)x) * 3, rgb, 3);
        }
        avloc_io_draw_line(out, bx - 1, py - 1, bx + bar_w, py - 1, ink);
        avloc_io_draw_line(out, bx - 1, py + (int)panel->h, bx + bar_w, py + (int)panel->h, ink);
        avloc_io_draw_line(out, bx - 1, py - 1, bx - 1, py + (int)panel->h, ink);
        avloc_io_draw_line(out, bx + bar_w, py - 1, bx + bar_w, py + (int)panel->h, ink);
        {   /* tick labels right of the bar: draw them left-aligned */
            double step = avloc_io__tick_step(spec->c1 - spec->c0), lo = fmin(spec->c0, spec->c1), hi = fmax(spec->c0, spec->c1);
            long i, first = (long)ceil(lo / step - 1e-9), last = (long)floor(hi / step + 1e-9);
            char lab[32];
            for (i = first; i <= last && i - first <= 40; i++) {
                double t = (double)i * step;
                int pos = (int)floor(py + (int)panel->h - 1 + (t - spec->c0) / (spec->c1 - spec->c0) * (1 - (int)panel->h) + 0.5);
                avloc_io__tick_label(lab, sizeof lab, t, step);
                avloc_io_draw_line(out, bx + bar_w + 1, pos, bx + bar_w + 4, pos, ink);
                avloc_io_draw_text(out, bx + bar_w + 7, pos - 3, lab, 1, ink);
            }
        }
        avloc_io_draw_text_up(out, W - 12, py + (int)panel->h / 2 + (int)strlen(spec->clabel) * 3, spec->clabel, 1, ink);
    }
    return AVLOC_IO_OK;
}

AVLOC_IO_API avloc_io_status avloc_io_heat_figure(const float *map, size_t rows, size_t cols, const float *frame,
                                                  unsigned fw, unsigned fh, const char *title, const char *clabel,
                                                  avloc_io_image *out)
{
    avloc_io_image panel;
    avloc_io_figure_spec f;
    avloc_io_status st;
    float lo = 0.0f, hi = 0.0f;
    unsigned scale = 1, x, y;
    size_t i;
    int seen = 0;
    if (!map || !out) return AVLOC_IO_ERR_NULL;
    if (rows == 0 || cols == 0 || fw == 0 || fh == 0 || fw > 16384 || fh > 16384) return AVLOC_IO_ERR_PARAM;
    for (i = 0; i < rows * cols; i++)
        if (map[i] == map[i] && map[i] - map[i] == 0.0f) {  /* finite */
            if (!seen || map[i] < lo) lo = map[i];
            if (!seen || map[i] > hi) hi = map[i];
            seen = 1;
        }
    while (scale < 16 && (fw < fh ? fw : fh) * scale < 240) scale++;
    st = avloc_io_image_alloc(&panel, fw * scale, fh * scale, 3);
    if (st != AVLOC_IO_OK) return st;
    for (y = 0; y < panel.h; y++)
        for (x = 0; x < panel.w; x++) {
            const size_t r = (size_t)(((double)y + 0.5) * (double)rows / (double)panel.h);
            const size_t c = (size_t)(((double)x + 0.5) * (double)cols / (double)panel.w);
            const float v = map[r * cols + c];
            unsigned char *px = panel.pix + (size_t)y * panel.stride + 3 * (size_t)x;
            avloc_io_colormap(hi > lo && v == v ? ((double)v - lo) / ((double)hi - lo) : 0.0, px);
            if (frame) {
                const float g = 255.0f * frame[(size_t)(y / scale) * fw + x / scale];
                int ch;
                for (ch = 0; ch < 3; ch++) px[ch] = (unsigned char)(0.5f * (g < 0 ? 0 : g > 255 ? 255 : g) + 0.5f * px[ch] + 0.5f);
            }
        }
    memset(&f, 0, sizeof f);
    f.title = title ? title : "heat map";
    f.xlabel = "u (camera pixels)";
    f.ylabel = "v (camera pixels)";
    f.x0 = 0.0;
    f.x1 = (double)fw;
    f.y0 = (double)fh;
    f.y1 = 0.0;
    f.clabel = clabel ? clabel : "relative energy";
    f.c0 = lo;
    f.c1 = hi > lo ? hi : lo + 1.0f;
    st = avloc_io_figure(&panel, &f, out);
    avloc_io_image_free(&panel);
    return st;
}

AVLOC_IO_API void avloc_io_colormap(double t, unsigned char rgb[3])
{
    /* viridis sampled at 9 points, linear in between */
    static const unsigned char v[9][3] = {{68, 1, 84},    {71, 45, 123},  {59, 82, 139},
                                          {44, 114, 142}, {33, 145, 140}, {40, 174, 128},
                                          {94, 201, 98},  {173, 220, 48}, {253, 231, 37}};
    double f;
    int i, c;
    if (!(t > 0)) t = 0; /* NaN -> 0 */
    if (t > 1) t = 1;
    f = t * 8;
    i = (int)f;
    if (i > 7) i = 7;
    f -= i;
    for (c = 0; c < 3; c++) rgb[c] = (unsigned char)(v[i][c] + (v[i + 1][c] - v[i][c]) * f + 0.5);
}

/* ------------------------------------------------------------------ JSON */

AVLOC_IO_API void avloc_io_json_write_string(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    fputc('"', f);
    while (*p) {
        unsigned char c = *p;
        int n = 0, k;
        if (c == '"' || c == '\\') { fputc('\\', f); fputc(c, f); p++; continue; }
        if (c < 0x20 || c == 0x7F) {
            switch (c) {
            case '\n': fputs("\\n", f); break;
            case '\r': fputs("\\r", f); break;
            case '\t': fputs("\\t", f); break;
            case '\b': fputs("\\b", f); break;
            case '\f': fputs("\\f", f); break;
            default: fprintf(f, "\\u%04x", c);
            }
            p++;
            continue;
        }
        if (c < 0x80) { fputc(c, f); p++; continue; }
        /* validate one UTF-8 sequence (no overlongs, no surrogates) */
        if (c >= 0xC2 && c <= 0xDF) n = 1;
        else if (c >= 0xE0 && c <= 0xEF) n = 2;
        else if (c >= 0xF0 && c <= 0xF4) n = 3;
        for (k = 1; k <= n; k++)
            if ((p[k] & 0xC0) != 0x80) { n = 0; break; }
        if (n == 2 && ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0))) n = 0;
        if (n == 3 && ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))) n = 0;
        if (!n) { fputs("\\ufffd", f); p++; continue; }
        fwrite(p, 1, (size_t)n + 1, f);
        p += n + 1;
    }
    fputc('"', f);
}

AVLOC_IO_API void avloc_io_json_write_number(FILE *f, double v)
{
    if (!avloc_io__finite(v)) fputs("null", f);
    else if (v == 0) fputs("0", f); /* no "-0" */
    else fprintf(f, "%.9g", v);
}

AVLOC_IO_API void avloc_io_json_begin(avloc_io_json *j, FILE *f)
{
    j->f = f;
    j->count = 0;
    fputc('{', f);
}

AVLOC_IO_API void avloc_io_json_key(avloc_io_json *j, const char *key)
{
    if (j->count++) fputc(',', j->f);
    avloc_io_json_write_string(j->f, key);
    fputc(':', j->f);
}

AVLOC_IO_API void avloc_io_json_str(avloc_io_json *j, const char *key, const char *val)
{
    avloc_io_json_key(j, key);
    if (val) avloc_io_json_write_string(j->f, val);
    else fputs("null", j->f);
}

AVLOC_IO_API void avloc_io_json_num(avloc_io_json *j, const char *key, double v)
{
    avloc_io_json_key(j, key);
    avloc_io_json_write_number(j->f, v);
}

AVLOC_IO_API void avloc_io_json_int(avloc_io_json *j, const char *key, long long v)
{
    avloc_io_json_key(j, key);
    fprintf(j->f, "%lld", v);
}

AVLOC_IO_API void avloc_io_json_bool(avloc_io_json *j, const char *key, int v)
{
    avloc_io_json_key(j, key);
    fputs(v ? "true" : "false", j->f);
}

AVLOC_IO_API void avloc_io_json_null(avloc_io_json *j, const char *key)
{
    avloc_io_json_key(j, key);
    fputs("null", j->f);
}

AVLOC_IO_API void avloc_io_json_end(avloc_io_json *j)
{
    fputs("}\n", j->f);
}

#endif /* AVLOC_IO_IMPLEMENTATION */
