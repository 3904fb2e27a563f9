/* File I/O of the CLI (examples/avloc_io.h): WAV read/write round trips,
   files written by sox, a hostile-WAV catalogue, a seeded mutation fuzzer,
   PNG (parsed back and inflated here), NPY headers, PPM/Y4M, drawing, JSON. */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1 /* MADV_HUGEPAGE: avloc_io_alloc_large's huge-page path, as the CLI builds it */
#endif
#define AVLOC_IO_IMPLEMENTATION
#include "../examples/avloc_io.h"
#include "harness.h"

#include <stdint.h>

#ifndef TH_DATA_DIR
#define TH_DATA_DIR "tests/data/"
#endif

/* ------------------------------------------------------------ helpers */

/* A quiet NaN from its bits (0/0 is folded under -ffast-math). */
static double test_io_nan(void)
{
    const uint64_t u = 0x7ff8000000000000u;
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

static uint32_t rng_state = 12345u;
static uint32_t rng(void) /* xorshift32: deterministic everywhere */
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static unsigned char *load(const char *name, size_t *len)
{
    char path[256];
    unsigned char *buf = NULL;
    snprintf(path, sizeof path, "%s%s", TH_DATA_DIR, name);
    if (avloc_io_read_file(path, &buf, len) != AVLOC_IO_OK) {
        fprintf(stderr, "  cannot read %s\n", path);
        return NULL;
    }
    return buf;
}

static void put16(unsigned char *p, unsigned v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
static void put32(unsigned char *p, unsigned long v)
{
    p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24);
}
static unsigned long get32be(const unsigned char *p)
{
    return ((unsigned long)p[0] << 24) | ((unsigned long)p[1] << 16) | ((unsigned long)p[2] << 8) | p[3];
}

/* A builder for hand-made RIFF files. */
typedef struct wbuf { unsigned char b[4096]; size_t n; } wbuf;
static void wb_bytes(wbuf *w, const void *p, size_t n) { memcpy(w->b + w->n, p, n); w->n += n; }
static void wb_chunk(wbuf *w, const char *id, const void *body, size_t n, int pad)
{
    wb_bytes(w, id, 4);
    put32(w->b + w->n, (unsigned long)n);
    w->n += 4;
    if (n) wb_bytes(w, body, n);
    if ((n & 1) && pad) w->b[w->n++] = 0;
}
static void wb_riff(wbuf *w) { w->n = 0; wb_bytes(w, "RIFF\0\0\0\0WAVE", 12); }
static void wb_fix_riff(wbuf *w) { put32(w->b + 4, (unsigned long)(w->n - 8)); }
static void fmt_body(unsigned char *f, unsigned tag, unsigned ch, unsigned long rate, unsigned ba, unsigned bits)
{
    put16(f, tag); put16(f + 2, ch); put32(f + 4, rate); put32(f + 8, rate * ba);
    put16(f + 12, ba); put16(f + 14, bits);
}

/* parse + decode in one go into an exactly sized heap buffer (ASan sees overruns) */
static avloc_io_status parse_decode(const unsigned char *buf, size_t len, unsigned flags, avloc_io_wav_info *info,
                                    float **out)
{
    avloc_io_status s = avloc_io_wav_parse(buf, len, flags, info);
    size_t n;
    *out = NULL;
    if (s != AVLOC_IO_OK) return s;
    n = info->frames * info->channels;
    *out = (float *)malloc(n ? n * sizeof(float) : 1);
    return avloc_io_wav_decode(buf, len, info, *out, n, flags);
}

/* ------------------------------------------------------------- sox files */

static void test_sox_files(void)
{
    static const char *names[] = {"io_sox_u8.wav", "io_sox_s16.wav", "io_sox_s24.wav", "io_sox_s32.wav",
                                  "io_sox_f64.wav"};
    static const double lsb[] = {1.0 / 128, 1.0 / 32768, 1.0 / 8388608, 1e-9, 1e-9};
    static const avloc_io_sample_fmt fmts[] = {AVLOC_IO_U8, AVLOC_IO_S16, AVLOC_IO_S24, AVLOC_IO_S32, AVLOC_IO_F64};
    size_t len, i, k;
    unsigned char *buf = load("io_sox_f32.wav", &len);
    avloc_io_audio ref, a;
    if (!CHECK(buf != NULL)) return;
    CHECK(avloc_io_wav_load_mem(buf, len, 0, &ref) == AVLOC_IO_OK);
    free(buf);
    CHECK_EQ_INT(ref.frames, 80);
    CHECK_EQ_INT(ref.channels, 2);
    CHECK_EQ_INT(ref.sample_rate, 8000);
    CHECK_EQ_INT(ref.info.format, AVLOC_IO_F32);
    CHECK_EQ_INT(ref.info.format_tag, 3);
    /* values printed by scipy.io.wavfile */
    CHECK_NEAR(ref.samples[0], 0.028845667839050293, 1e-12);
    CHECK_NEAR(ref.samples[3], 0.6458560228347778, 1e-12);
    CHECK_NEAR(ref.samples[159], 0.6459943056106567, 1e-12);
    for (i = 0; i < 5; i++) {
        double maxerr = 0;
        buf = load(names[i], &len);
        if (!CHECK(buf != NULL)) continue;
        if (!CHECK(avloc_io_wav_load_mem(buf, len, 0, &a) == AVLOC_IO_OK)) { free(buf); continue; }
        CHECK_EQ_INT(a.info.format, fmts[i]);
        CHECK_EQ_INT(a.frames, 80);
        CHECK_EQ_INT(a.channels, 2);
        for (k = 0; k < 160; k++) {
            double e = fabs((double)a.samples[k] - (double)ref.samples[k]);
            if (e > maxerr) maxerr = e;
        }
        /* sox -D rounds to the nearest step: within half an LSB (+ float eps) */
        CHECK_MSG(maxerr <= lsb[i] * 0.5 + 1e-7, "%s: max error %g", names[i], maxerr);
        if (fmts[i] == AVLOC_IO_S24 || fmts[i] == AVLOC_IO_S32) CHECK_EQ_INT(a.info.format_tag, 0xFFFE);
        avloc_io_audio_free(&a);
        free(buf);
    }
    /* exact integer values (scipy): s16 945, 2777; s32 61945600; u8 132 */
    buf = load("io_sox_s16.wav", &len);
    if (buf && avloc_io_wav_load_mem(buf, len, 0, &a) == AVLOC_IO_OK) {
        CHECK(a.samples[0] == 945.0f / 32768.0f && a.samples[1] == 2777.0f / 32768.0f);
        CHECK(a.samples[158] == 22680.0f / 32768.0f);
        avloc_io_audio_free(&a);
    }
    free(buf);
    buf = load("io_sox_s32.wav", &len);
    if (buf && avloc_io_wav_load_mem(buf, len, 0, &a) == AVLOC_IO_OK) {
        CHECK(a.samples[0] == (float)(61945600.0 / 2147483648.0));
        CHECK_EQ_INT(a.info.valid_bits, 32);
        avloc_io_audio_free(&a);
    }
    free(buf);
    buf = load("io_sox_u8.wav", &len);
    if (buf && avloc_io_wav_load_mem(buf, len, 0, &a) == AVLOC_IO_OK) {
        CHECK(a.samples[0] == 4.0f / 128.0f && a.samples[1] == 11.0f / 128.0f);
        avloc_io_audio_free(&a);
    }
    free(buf);
    /* 4 channels, extensible, planar output */
    buf = load("io_sox_4ch_s16.wav", &len);
    if (buf && CHECK(avloc_io_wav_load_mem(buf, len, AVLOC_IO_WAV_PLANAR, &a) == AVLOC_IO_OK)) {
        CHECK_EQ_INT(a.channels, 4);
        CHECK_EQ_INT(a.frames, 64);
        CHECK_EQ_INT(a.sample_rate, 16000);
        CHECK_EQ_INT(a.info.format_tag, 0xFFFE);
        CHECK(a.samples[0] == 267.0f / 32768 && a.samples[64] == 532.0f / 32768);
        CHECK(a.samples[3 * 64 + 1] == 10346.0f / 32768 && a.samples[3 * 64 + 63] == -24473.0f / 32768);
        avloc_io_audio_free(&a);
    }
    free(buf);
    /* mu-law: a valid WAV we do not decode, with a clear message */
    buf = load("io_sox_ulaw.wav", &len);
    if (buf) {
        avloc_io_wav_info info;
        CHECK_EQ_INT(avloc_io_wav_parse(buf, len, 0, &info), AVLOC_IO_ERR_UNSUPPORTED);
        CHECK_MSG(strstr(info.msg, "mu-law") != NULL, "msg: %s", info.msg);
    }
    free(buf);
    avloc_io_audio_free(&ref);
}

/* ----------------------------------------------------------- round trips */

static void test_round_trips(void)
{
    static const avloc_io_sample_fmt fmts[] = {AVLOC_IO_U8, AVLOC_IO_S16, AVLOC_IO_S24, AVLOC_IO_S32,
                                               AVLOC_IO_F32, AVLOC_IO_F64};
    static const unsigned ext_flags[] = {0, AVLOC_IO_WAV_EXTENSIBLE, AVLOC_IO_WAV_NO_EXTENSIBLE};
    size_t fi, e, frames = 37, i;
    unsigned ch;
    int all_ok = 1, planar;
    for (fi = 0; fi < 6; fi++)
        for (ch = 1; ch <= 8; ch++)
            for (e = 0; e < 3; e++)
                for (planar = 0; planar < 2; planar++) {
                    avloc_io_sample_fmt fmt = fmts[fi];
                    unsigned bits = avloc_io_sample_bytes(fmt) * 8;
                    size_t n = frames * ch, need = 0, wrote = 0;
                    float *x = (float *)malloc(n * sizeof(float)), *y = (float *)malloc(n * sizeof(float));
                    unsigned char *buf;
                    unsigned flags = ext_flags[e] | (planar ? AVLOC_IO_WAV_PLANAR : 0u);
                    avloc_io_wav_info info;
                    int ok = 1;
                    for (i = 0; i < n; i++) {
                        if (fmt == AVLOC_IO_F32 || fmt == AVLOC_IO_F64)
                            x[i] = (float)((double)(int32_t)rng() / 1e9);
                        else { /* values on the quantisation grid, full range included */
                            double q = ldexp(1.0, (int)bits - 1);
                            double v = (double)(int32_t)rng() / 2147483648.0;
                            x[i] = (float)(floor(v * q) / q);
                            if (i == 0) x[i] = -1.0f;
                            if (i == 1 && bits <= 24) x[i] = (float)((q - 1) / q);
                        }
                    }
                    ok &= avloc_io_wav_encoded_size(frames, ch, fmt, flags, &need) == AVLOC_IO_OK;
                    buf = (unsigned char *)malloc(need);
                    ok &= avloc_io_wav_encode(buf, need, &wrote, x, frames, ch, 44100, fmt, flags) == AVLOC_IO_OK;
                    ok &= wrote == need;
                    ok &= avloc_io_wav_encode(buf, need - 1, &wrote, x, frames, ch, 44100, fmt, flags) ==
                          AVLOC_IO_ERR_BUFFER;
                    ok &= avloc_io_wav_parse(buf, need, AVLOC_IO_WAV_STRICT, &info) == AVLOC_IO_OK;
                    ok &= info.channels == ch && info.frames == frames && info.sample_rate == 44100 &&
                          info.format == fmt && !info.truncated && !info.partial_frame;
                    ok &= (info.format_tag == 0xFFFEu) ==
                          (e == 1 || (e == 0 && ch > 2 && fmt != AVLOC_IO_F32 && fmt != AVLOC_IO_F64));
                    ok &= avloc_io_wav_decode(buf, need, &info, y, n, flags) == AVLOC_IO_OK;
                    for (i = 0; ok && i < n; i++)
                        if (x[i] != y[i]) {
                            ok = 0;
                            fprintf(stderr, "    %s ch=%u i=%lu: %.9g != %.9g\n", avloc_io_sample_fmt_name(fmt), ch,
                                    (unsigned long)i, x[i], y[i]);
                        }
                    if (!ok) all_ok = 0;
                    free(buf);
                    free(x);
                    free(y);
                }
    CHECK_MSG(all_ok, "round trip failed for some format/channel/layout");

    /* quantisation: rounding, saturation, NaN -> 0 */
    {
        float x[6];
        float y[6];
        unsigned char buf[128];
        size_t wrote;
        avloc_io_wav_info info;
        x[0] = 2.0f; x[1] = -3.0f; x[2] = 0.6f / 32768.0f; x[3] = 0.0f; x[4] = 0.0f; x[5] = 1.0f;
        x[3] = x[3] / x[4]; /* NaN */
        CHECK(avloc_io_wav_encode(buf, sizeof buf, &wrote, x, 6, 1, 8000, AVLOC_IO_S16, 0) == AVLOC_IO_OK);
        CHECK(avloc_io_wav_parse(buf, wrote, 0, &info) == AVLOC_IO_OK);
        CHECK(avloc_io_wav_decode(buf, wrote, &info, y, 6, 0) == AVLOC_IO_OK);
        CHECK(y[0] == 32767.0f / 32768.0f && y[1] == -1.0f && y[2] == 1.0f / 32768.0f && y[3] == 0.0f &&
              y[5] == 32767.0f / 32768.0f);
        CHECK(avloc_io_wav_encode(buf, sizeof buf, &wrote, x, 6, 1, 0, AVLOC_IO_S16, 0) == AVLOC_IO_ERR_PARAM);
        CHECK(avloc_io_wav_encode(buf, sizeof buf, &wrote, x, 6, 0, 8000, AVLOC_IO_S16, 0) == AVLOC_IO_ERR_PARAM);
    }
    /* odd data size (u8 mono, 3 frames) gets a pad byte */
    {
        float x[3] = {0.5f, -0.5f, 0.25f};
        float y[3];
        unsigned char buf[64];
        size_t wrote;
        avloc_io_wav_info info;
        CHECK(avloc_io_wav_encode(buf, sizeof buf, &wrote, x, 3, 1, 8000, AVLOC_IO_U8, 0) == AVLOC_IO_OK);
        CHECK_EQ_INT(wrote, 48);
        CHECK(avloc_io_wav_parse(buf, wrote, AVLOC_IO_WAV_STRICT, &info) == AVLOC_IO_OK && info.frames == 3);
        CHECK(avloc_io_wav_decode(buf, wrote, &info, y, 3, 0) == AVLOC_IO_OK && y[0] == 0.5f && y[1] == -0.5f);
    }
    /* FILE* writer == memory encoder */
    {
        float x[40];
        unsigned char mem[512], *fb = NULL;
        size_t wrote, flen;
        FILE *f = tmpfile();
        for (i = 0; i < 40; i++) x[i] = (float)sin((double)i);
        CHECK(avloc_io_wav_encode(mem, sizeof mem, &wrote, x, 8, 5, 22050, AVLOC_IO_S24, 0) == AVLOC_IO_OK);
        if (CHECK(f != NULL)) {
            CHECK(avloc_io_wav_write(f, x, 8, 5, 22050, AVLOC_IO_S24, 0) == AVLOC_IO_OK);
            rewind(f);
            CHECK(avloc_io_read_stream(f, &fb, &flen) == AVLOC_IO_OK);
            CHECK(flen == wrote && fb && memcmp(fb, mem, wrote) == 0);
            free(fb);
            fclose(f);
        }
    }
}

/* --------------------------------------------------- chunk order, padding */

static void test_chunks(void)
{
    unsigned char fmt[40], data[12], junk[5] = {1, 2, 3, 4, 5};
    wbuf w;
    avloc_io_wav_info info;
    float y[6];
    int16_t s[6] = {1000, -1000, 32767, -32768, 0, 7};
    int i;
    for (i = 0; i < 6; i++) put16(data + 2 * i, (unsigned)(uint16_t)s[i]);
    fmt_body(fmt, 1, 2, 16000, 4, 16);

    /* odd-sized LIST before fmt, junk between, data before fmt */
    wb_riff(&w);
    wb_chunk(&w, "LIST", junk, 5, 1);
    wb_chunk(&w, "data", data, 12, 1);
    wb_chunk(&w, "junk", junk, 3, 1);
    wb_chunk(&w, "fmt ", fmt, 16, 1);
    wb_fix_riff(&w);
    CHECK(avloc_io_wav_parse(w.b, w.n, AVLOC_IO_WAV_STRICT, &info) == AVLOC_IO_OK);
    CHECK_EQ_INT(info.frames, 3);
    CHECK(avloc_io_wav_decode(w.b, w.n, &info, y, 6, 0) == AVLOC_IO_OK);
    CHECK(y[0] == 1000.0f / 32768 && y[2] == 32767.0f / 32768 && y[3] == -1.0f && y[5] == 7.0f / 32768);
    /* planar */
    CHECK(avloc_io_wav_decode(w.b, w.n, &info, y, 6, AVLOC_IO_WAV_PLANAR) == AVLOC_IO_OK);
    CHECK(y[0] == 1000.0f / 32768 && y[1] == 32767.0f / 32768 && y[3] == -1000.0f / 32768);

    /* a writer that forgot the pad byte after an odd chunk */
    wb_riff(&w);
    wb_chunk(&w, "fmt ", fmt, 16, 1);
    wb_chunk(&w, "odd!", junk, 5, 0);
    wb_chunk(&w, "data", data, 12, 1);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_OK && info.frames == 3);

    /* fmt chunk of 18 bytes (cbSize = 0), trailing garbage after data, RIFF size lies */
    wb_riff(&w);
    put16(fmt + 16, 0);
    wb_chunk(&w, "fmt ", fmt, 18, 1);
    wb_chunk(&w, "data", data, 12, 1);
    wb_bytes(&w, "garbage", 7);
    put32(w.b + 4, 4);
    CHECK(avloc_io_wav_parse(w.b, w.n, AVLOC_IO_WAV_STRICT, &info) == AVLOC_IO_OK && info.frames == 3);

    /* partial trailing frame is ignored and reported */
    wb_riff(&w);
    wb_chunk(&w, "fmt ", fmt, 16, 1);
    wb_chunk(&w, "data", data, 11, 1);
    CHECK(avloc_io_wav_parse(w.b, w.n, AVLOC_IO_WAV_STRICT, &info) == AVLOC_IO_OK);
    CHECK(info.frames == 2 && info.partial_frame);

    /* empty data chunk: valid, zero frames */
    wb_riff(&w);
    wb_chunk(&w, "fmt ", fmt, 16, 1);
    wb_chunk(&w, "data", data, 0, 1);
    CHECK(avloc_io_wav_parse(w.b, w.n, AVLOC_IO_WAV_STRICT, &info) == AVLOC_IO_OK && info.frames == 0);
    CHECK(avloc_io_wav_decode(w.b, w.n, &info, NULL, 0, 0) == AVLOC_IO_OK);

    /* float with NaN / Inf, float64 beyond float range */
    {
        unsigned char d[16];
        float nanv = 0.0f, one = 1.0f;
        double big = 1e300;
        uint32_t u;
        uint64_t q;
        nanv = test_io_nan();
        fmt_body(fmt, 3, 1, 8000, 4, 32);
        memcpy(&u, &nanv, 4); put32(d, u);
        memcpy(&u, &one, 4); put32(d + 4, u);
        one = 1.0f / 0.0f; /* +inf */
        memcpy(&u, &one, 4); put32(d + 8, u);
        wb_riff(&w);
        wb_chunk(&w, "fmt ", fmt, 16, 1);
        wb_chunk(&w, "data", d, 12, 1);
        CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_OK);
        CHECK(avloc_io_wav_decode(w.b, w.n, &info, y, 3, 0) == AVLOC_IO_OK);
        CHECK(y[0] == 0.0f && y[1] == 1.0f && y[2] == 0.0f && info.nonfinite == 2);
        fmt_body(fmt, 3, 1, 8000, 8, 64);
        memcpy(&q, &big, 8); put32(d, (unsigned long)(q & 0xFFFFFFFFu)); put32(d + 4, (unsigned long)(q >> 32));
        big = -big;
        memcpy(&q, &big, 8); put32(d + 8, (unsigned long)(q & 0xFFFFFFFFu)); put32(d + 12, (unsigned long)(q >> 32));
        wb_riff(&w);
        wb_chunk(&w, "fmt ", fmt, 16, 1);
        wb_chunk(&w, "data", d, 16, 1);
        CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_OK);
        CHECK(avloc_io_wav_decode(w.b, w.n, &info, y, 2, 0) == AVLOC_IO_OK);
        CHECK(y[0] == FLT_MAX && y[1] == -FLT_MAX && info.nonfinite == 0);
    }
    /* 32-bit PCM full scale stays below 1 */
    {
        unsigned char d[4] = {0xFF, 0xFF, 0xFF, 0x7F};
        fmt_body(fmt, 1, 1, 8000, 4, 32);
        wb_riff(&w);
        wb_chunk(&w, "fmt ", fmt, 16, 1);
        wb_chunk(&w, "data", d, 4, 1);
        CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_OK);
        CHECK(avloc_io_wav_decode(w.b, w.n, &info, y, 1, 0) == AVLOC_IO_OK && y[0] < 1.0f && y[0] > 0.9999f);
    }
}

/* ----------------------------------------------------- hostile catalogue */

static void make_valid(wbuf *w, unsigned char *fmt)
{
    unsigned char data[40];
    int i;
    for (i = 0; i < 40; i++) data[i] = (unsigned char)(i * 7);
    fmt_body(fmt, 1, 2, 16000, 4, 16);
    wb_riff(w);
    wb_chunk(w, "fmt ", fmt, 16, 1);
    wb_chunk(w, "data", data, 40, 1);
    wb_fix_riff(w);
}

static void test_hostile(void)
{
    wbuf w, v;
    unsigned char fmt[40];
    avloc_io_wav_info info;
    size_t cut;
    int all_ok = 1;
    float *out;
    avloc_io_status s;

    make_valid(&v, fmt); /* 44-byte header + 40 bytes = 10 stereo s16 frames */
    CHECK_EQ_INT(v.n, 84);
    /* truncation at every byte */
    for (cut = 0; cut <= v.n; cut++) {
        avloc_io_status lax = parse_decode(v.b, cut, 0, &info, &out);
        size_t expect_frames = cut >= 44 ? (cut - 44) / 4 : 0;
        free(out);
        s = parse_decode(v.b, cut, AVLOC_IO_WAV_STRICT, &info, &out);
        free(out);
        if (cut < 12) all_ok &= lax == AVLOC_IO_ERR_NOT_WAV;
        else if (cut < 20) all_ok &= lax == AVLOC_IO_ERR_NO_FMT;         /* fmt header cut */
        else if (cut < 36) all_ok &= lax == AVLOC_IO_ERR_TRUNCATED;      /* fmt body cut */
        else if (cut < 44) all_ok &= lax == AVLOC_IO_ERR_NO_DATA;        /* data header cut */
        else {
            avloc_io_wav_parse(v.b, cut, 0, &info);
            all_ok &= lax == AVLOC_IO_OK && info.frames == expect_frames && info.truncated == (cut < 84);
            all_ok &= cut == 84 ? s == AVLOC_IO_OK : s == AVLOC_IO_ERR_TRUNCATED;
        }
        if (!all_ok) { fprintf(stderr, "    truncation at %lu: %d\n", (unsigned long)cut, (int)lax); break; }
    }
    CHECK_MSG(all_ok, "truncation catalogue");
    avloc_io_wav_parse(v.b, 50, 0, &info);
    CHECK_MSG(strstr(info.msg, "truncated data chunk") != NULL, "msg: %s", info.msg);

    /* data size lies: 0xFFFFFFFF (streaming writers) -> clamped; strict -> error */
    w = v;
    put32(w.b + 40, 0xFFFFFFFFUL);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_OK && info.frames == 10 && info.truncated);
    CHECK(avloc_io_wav_parse(w.b, w.n, AVLOC_IO_WAV_STRICT, &info) == AVLOC_IO_ERR_TRUNCATED);
    /* zero channels */
    w = v; put16(w.b + 22, 0);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_ERR_CHANNELS);
    /* absurd / zero rates */
    w = v; put32(w.b + 24, 0);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_ERR_RATE);
    w = v; put32(w.b + 24, 0xFFFFFFFFUL);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_ERR_RATE);
    w = v; put32(w.b + 24, 4000001UL);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_ERR_RATE);
    w = v; put32(w.b + 24, 1);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_OK);
    /* block_align inconsistent with channels x bits (and zero) */
    w = v; put16(w.b + 32, 3);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_ERR_BLOCK_ALIGN);
    CHECK_MSG(strstr(info.msg, "block_align 3") != NULL, "msg: %s", info.msg);
    w = v; put16(w.b + 32, 0);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_ERR_BLOCK_ALIGN);
    w = v; put16(w.b + 22, 65535); /* channels that don't match block_align */
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_ERR_BLOCK_ALIGN);
    /* 12-bit PCM */
    w = v; put16(w.b + 34, 12);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_ERR_UNSUPPORTED);
    CHECK_MSG(strcmp(info.msg, "unsupported 12-bit PCM (8, 16, 24 or 32 only)") == 0, "msg: %s", info.msg);
    /* 16-bit float, unknown tags, A-law */
    w = v; put16(w.b + 20, 3);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_ERR_UNSUPPORTED);
    w = v; put16(w.b + 20, 6);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_ERR_UNSUPPORTED && strstr(info.msg, "A-law"));
    /* fmt chunk too short */
    wb_riff(&w);
    wb_chunk(&w, "fmt ", fmt, 14, 1);
    wb_chunk(&w, "data", fmt, 8, 1);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_ERR_FMT_SHORT);
    /* extensible but 16-byte fmt; extensible with an unknown GUID; valid bits > container */
    fmt_body(fmt, 0xFFFE, 2, 16000, 4, 16);
    wb_riff(&w);
    wb_chunk(&w, "fmt ", fmt, 16, 1);
    wb_chunk(&w, "data", fmt, 8, 1);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_ERR_FMT_SHORT);
    put16(fmt + 16, 22); put16(fmt + 18, 16); put32(fmt + 20, 3); put16(fmt + 24, 1);
    memcpy(fmt + 26, "\x00\x00\x00\x00\x10\x00\x80\x00\x00\xAA\x00\x38\x9B\x71", 14);
    wb_riff(&w);
    wb_chunk(&w, "fmt ", fmt, 40, 1);
    wb_chunk(&w, "data", fmt, 8, 1);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_OK && info.format == AVLOC_IO_S16 && info.frames == 2);
    put16(fmt + 18, 12); /* 12 valid bits in a 16-bit container: fine */
    wb_riff(&w); wb_chunk(&w, "fmt ", fmt, 40, 1); wb_chunk(&w, "data", fmt, 8, 1);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_OK && info.valid_bits == 12);
    put16(fmt + 18, 20);
    wb_riff(&w); wb_chunk(&w, "fmt ", fmt, 40, 1); wb_chunk(&w, "data", fmt, 8, 1);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_ERR_UNSUPPORTED);
    put16(fmt + 18, 16); fmt[30] = 0x11;
    wb_riff(&w); wb_chunk(&w, "fmt ", fmt, 40, 1); wb_chunk(&w, "data", fmt, 8, 1);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_ERR_UNSUPPORTED);
    /* missing chunks */
    fmt_body(fmt, 1, 2, 16000, 4, 16);
    wb_riff(&w); wb_chunk(&w, "data", fmt, 8, 1);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_ERR_NO_FMT);
    wb_riff(&w); wb_chunk(&w, "fmt ", fmt, 16, 1);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_ERR_NO_DATA);
    wb_riff(&w);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_ERR_NO_FMT);
    /* chunk sizes that overflow: fmt size huge; unknown chunk of 0xFFFFFFF8 before data */
    w = v; put32(w.b + 16, 0xFFFFFFFFUL);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_ERR_TRUNCATED);
    wb_riff(&w);
    wb_chunk(&w, "fmt ", fmt, 16, 1);
    wb_chunk(&w, "LIST", fmt, 4, 1);
    put32(w.b + w.n - 8, 0xFFFFFFF8UL);
    wb_chunk(&w, "data", fmt, 8, 1);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_ERR_NO_DATA);
    /* not a WAV: other signatures, RIFX/RF64 */
    CHECK(avloc_io_wav_parse("RIFF\0\0\0\0AVI LIST", 16, 0, &info) == AVLOC_IO_ERR_NOT_WAV);
    CHECK(strcmp(info.msg, "not a WAV file (no RIFF/WAVE header)") == 0);
    w = v; memcpy(w.b, "RIFX", 4);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_ERR_UNSUPPORTED);
    w = v; memcpy(w.b, "RF64", 4);
    CHECK(avloc_io_wav_parse(w.b, w.n, 0, &info) == AVLOC_IO_ERR_UNSUPPORTED);
    CHECK(avloc_io_wav_parse(NULL, 10, 0, &info) == AVLOC_IO_ERR_NULL);
    CHECK(avloc_io_wav_parse(v.b, v.n, 0, NULL) == AVLOC_IO_ERR_NULL);
    /* decode re-checks a corrupted info and the output size */
    {
        float y[20];
        CHECK(avloc_io_wav_parse(v.b, v.n, 0, &info) == AVLOC_IO_OK);
        CHECK(avloc_io_wav_decode(v.b, v.n, &info, y, 19, 0) == AVLOC_IO_ERR_BUFFER);
        info.frames = 11;
        CHECK(avloc_io_wav_decode(v.b, v.n, &info, y, 20, 0) == AVLOC_IO_ERR_PARAM);
        info.frames = 10; info.data_offset = 1000;
        CHECK(avloc_io_wav_decode(v.b, v.n, &info, y, 20, 0) == AVLOC_IO_ERR_PARAM);
        info.data_offset = 44; info.block_align = 2;
        CHECK(avloc_io_wav_decode(v.b, v.n, &info, y, 20, 0) == AVLOC_IO_ERR_PARAM);
        info.block_align = 4; info.format = (avloc_io_sample_fmt)99;
        CHECK(avloc_io_wav_decode(v.b, v.n, &info, y, 20, 0) == AVLOC_IO_ERR_PARAM);
        info.format = AVLOC_IO_S16; info.frames = (size_t)-1 / 2;
        CHECK(avloc_io_wav_decode(v.b, v.n, &info, y, 20, 0) == AVLOC_IO_ERR_PARAM);
    }
    /* huge sizes in the writer */
    {
        size_t bytes;
        CHECK(avloc_io_wav_encoded_size((size_t)1 << 30, 2, AVLOC_IO_S16, 0, &bytes) == AVLOC_IO_ERR_TOO_LARGE);
        CHECK(avloc_io_wav_encoded_size((size_t)-1, 3, AVLOC_IO_F64, 0, &bytes) == AVLOC_IO_ERR_TOO_LARGE);
    }
}

/* ---------------------------------------------------------------- fuzz */

static void test_fuzz(void)
{
    unsigned char seeds[3][1024];
    size_t seed_len[3], i;
    int iter, crashes_would_show_in_asan = 0, ok_count = 0, bad_invariant = 0;
    {   /* seeds: stereo s16, 3-ch extensible f32 with a LIST chunk, u8 mono */
        float x[48];
        size_t wrote;
        wbuf w;
        unsigned char fmt[40];
        for (i = 0; i < 48; i++) x[i] = (float)sin(0.3 * (double)i);
        avloc_io_wav_encode(seeds[0], 1024, &seed_len[0], x, 24, 2, 16000, AVLOC_IO_S16, 0);
        avloc_io_wav_encode(seeds[1], 1024, &wrote, x, 16, 3, 48000, AVLOC_IO_F32, 0);
        wb_riff(&w);
        wb_bytes(&w, seeds[1] + 12, 48); /* extensible fmt chunk (8 + 40) */
        wb_chunk(&w, "LIST", "abcde", 5, 1);
        wb_bytes(&w, seeds[1] + 60, wrote - 60);
        wb_fix_riff(&w);
        memcpy(seeds[1], w.b, w.n);
        seed_len[1] = w.n;
        make_valid(&w, fmt);
        avloc_io_wav_encode(seeds[2], 1024, &seed_len[2], x, 31, 1, 8000, AVLOC_IO_U8, 0);
    }
    rng_state = 20260611u;
    for (iter = 0; iter < 20000; iter++) {
        int which = (int)(rng() % 3), nmut = 1 + (int)(rng() % 4), m;
        size_t len = seed_len[which];
        unsigned char *b = (unsigned char *)malloc(1100);
        unsigned char *exact;
        avloc_io_wav_info info;
        float *out;
        avloc_io_status s;
        memcpy(b, seeds[which], len);
        for (m = 0; m < nmut; m++) {
            size_t pos = len ? rng() % len : 0;
            switch (rng() % 7) {
            case 0: if (len) b[pos] ^= (unsigned char)(1u << (rng() % 8)); break;
            case 1: if (len) b[pos] = (unsigned char)rng(); break;
            case 2: len = rng() % (len + 1); break;                              /* truncate */
            case 3: if (len >= 4) put32(b + (pos > len - 4 ? len - 4 : pos), rng()); break;
            case 4: if (len >= 4) { /* extreme size fields at chunk-ish offsets */
                static const unsigned long ext[] = {0, 1, 0x7FFFFFFFUL, 0x80000000UL, 0xFFFFFFFFUL, 0xFFFFFFF8UL};
                size_t at = 4 + 4 * (rng() % 16);
                if (at + 4 <= len) put32(b + at, ext[rng() % 6]);
            }
                break;
            case 5: if (len >= 24) put16(b + 20 + 2 * (rng() % 8), rng() & 0xFFFF); break; /* fmt fields */
            case 6: if (len + 8 <= 1100 && len > 12) { /* insert a random chunk after RIFF header */
                memmove(b + 20, b + 12, len - 12);
                memcpy(b + 12, "junk", 4);
                put32(b + 16, rng() % 9);
                len += 8;
                break;
            }
            }
        }
        /* exactly sized copy so that ASan flags any overread */
        exact = (unsigned char *)malloc(len ? len : 1);
        memcpy(exact, b, len);
        free(b);
        s = parse_decode(exact, len, (rng() & 1) ? AVLOC_IO_WAV_PLANAR : 0u, &info, &out);
        if (s == AVLOC_IO_OK) {
            ok_count++;
            if (info.data_offset + info.frames * info.block_align > len || info.channels == 0 ||
                info.sample_rate == 0 || info.block_align != info.channels * avloc_io_sample_bytes(info.format))
                bad_invariant++;
        } else if (s >= 0 || avloc_io_strerror(s)[0] == 0 || info.msg[0] == 0) {
            bad_invariant++;
        }
        free(out);
        free(exact);
    }
    CHECK_EQ_INT(bad_invariant, 0);
    CHECK(ok_count > 100 && ok_count < 20000); /* the mutations reach both outcomes */
    CHECK(crashes_would_show_in_asan == 0);
}

/* ------------------------------------------------ PNG: parse and inflate */

typedef struct inf_state {
    const unsigned char *p;
    size_t n, pos;
    unsigned long bit;
    int nbits, err;
} inf_state;

static unsigned inf_bits(inf_state *s, int n) /* LSB-first */
{
    unsigned v = 0;
    int i;
    for (i = 0; i < n; i++) {
        if (s->nbits == 0) {
            if (s->pos >= s->n) { s->err = 1; return 0; }
            s->bit = s->p[s->pos++];
            s->nbits = 8;
        }
        v |= (unsigned)(s->bit & 1u) << i;
        s->bit >>= 1;
        s->nbits--;
    }
    return v;
}
static unsigned inf_huff(inf_state *s, int n) /* n more code bits, MSB-first */
{
    unsigned v = 0;
    int i;
    for (i = 0; i < n; i++) v = (v << 1) | inf_bits(s, 1);
    return v;
}
static unsigned inf_fixed_sym(inf_state *s)
{
    unsigned c = inf_huff(s, 7);
    if (c <= 0x17) return 256 + c;
    c = (c << 1) | inf_huff(s, 1);
    if (c >= 0x30 && c <= 0xBF) return c - 0x30;
    if (c >= 0xC0 && c <= 0xC7) return 280 + (c - 0xC0);
    c = (c << 1) | inf_huff(s, 1);
    if (c >= 0x190 && c <= 0x1FF) return 144 + (c - 0x190);
    s->err = 1;
    return 0;
}

/* Inflates a zlib stream of stored and fixed-Huffman blocks (what our
   encoder emits). Returns bytes written or (size_t)-1. */
static size_t tiny_inflate(const unsigned char *z, size_t zn, unsigned char *out, size_t cap)
{
    static const unsigned short lb[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27,
                                          31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
    static const unsigned char le[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    static const unsigned short db[30] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385,
                                          513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    static const unsigned char de[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
    inf_state s;
    size_t o = 0;
    int final = 0;
    if (zn < 6 || (z[0] & 15) != 8 || ((z[0] << 8) | z[1]) % 31 != 0) return (size_t)-1;
    s.p = z + 2; s.n = zn - 6; s.pos = 0; s.bit = 0; s.nbits = 0; s.err = 0;
    while (!final && !s.err) {
        unsigned type;
        final = (int)inf_bits(&s, 1);
        type = inf_bits(&s, 2);
        if (type == 0) {
            unsigned len, nlen;
            s.nbits = 0; /* byte align */
            if (s.pos + 4 > s.n) return (size_t)-1;
            len = s.p[s.pos] | (s.p[s.pos + 1] << 8);
            nlen = s.p[s.pos + 2] | (s.p[s.pos + 3] << 8);
            s.pos += 4;
            if ((len ^ 0xFFFFu) != nlen || s.pos + len > s.n || o + len > cap) return (size_t)-1;
            memcpy(out + o, s.p + s.pos, len);
            s.pos += len;
            o += len;
        } else if (type == 1) {
            for (;;) {
                unsigned sym = inf_fixed_sym(&s);
                if (s.err) return (size_t)-1;
                if (sym < 256) { if (o >= cap) return (size_t)-1; out[o++] = (unsigned char)sym; }
                else if (sym == 256) break;
                else {
                    unsigned li = sym - 257, len, dc, dist;
                    if (li >= 29) return (size_t)-1;
                    len = lb[li] + inf_bits(&s, le[li]);
                    dc = inf_huff(&s, 5);
                    if (dc >= 30) return (size_t)-1;
                    dist = db[dc] + inf_bits(&s, de[dc]);
                    if (dist > o || o + len > cap) return (size_t)-1;
                    while (len--) { out[o] = out[o - dist]; o++; }
                }
            }
        } else return (size_t)-1;
    }
    if (s.err) return (size_t)-1;
    /* adler32 trailer follows the last byte used */
    if (2 + s.pos + 4 > zn || avloc_io_adler32(1, out, o) != get32be(z + 2 + s.pos)) return (size_t)-1;
    return o;
}

static int png_check(const unsigned char *png, size_t n, const unsigned char *pix, unsigned w, unsigned h,
                     unsigned ch)
{
    static const unsigned char ct[5] = {0, 0, 4, 2, 6};
    size_t pos = 8, zn = 0, row = (size_t)w * ch, y, x;
    unsigned char *z = (unsigned char *)malloc(n), *raw = (unsigned char *)malloc((row + 1) * h + 1);
    int ok = 1, saw_ihdr = 0, saw_iend = 0;
    if (n < 8 || memcmp(png, "\x89PNG\r\n\x1a\n", 8) != 0) ok = 0;
    while (ok && pos + 12 <= n) {
        unsigned long len = get32be(png + pos);
        if (pos + 12 + len > n) { ok = 0; break; }
        if (avloc_io_crc32(0, png + pos + 4, len + 4) != get32be(png + pos + 8 + len)) { ok = 0; break; }
        if (memcmp(png + pos + 4, "IHDR", 4) == 0) {
            const unsigned char *d = png + pos + 8;
            saw_ihdr = 1;
            ok &= len == 13 && get32be(d) == w && get32be(d + 4) == h && d[8] == 8 && d[9] == ct[ch] &&
                  d[10] == 0 && d[11] == 0 && d[12] == 0;
        } else if (memcmp(png + pos + 4, "IDAT", 4) == 0) {
            memcpy(z + zn, png + pos + 8, len);
            zn += len;
        } else if (memcmp(png + pos + 4, "IEND", 4) == 0) {
            saw_iend = 1;
            ok &= pos + 12 == n;
        }
        pos += 12 + len;
    }
    ok &= saw_ihdr && saw_iend;
    if (ok) ok = tiny_inflate(z, zn, raw, (row + 1) * h + 1) == (row + 1) * h;
    for (y = 0; ok && y < h; y++) { /* undo filters in place and compare */
        unsigned char *r = raw + y * (row + 1), *up = y ? raw + (y - 1) * (row + 1) + 1 : NULL;
        unsigned ft = r[0];
        if (ft > 4) { ok = 0; break; }
        for (x = 0; x < row; x++) {
            int a = x >= ch ? r[1 + x - ch] : 0, b = up ? up[x] : 0, c = (up && x >= ch) ? up[x - ch] : 0, pred = 0;
            if (ft == 1) pred = a;
            else if (ft == 2) pred = b;
            else if (ft == 3) pred = (a + b) / 2;
            else if (ft == 4) {
                int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
                pred = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c);
            }
            r[1 + x] = (unsigned char)((r[1 + x] + pred) & 255);
            if (r[1 + x] != pix[y * row + x]) { ok = 0; break; }
        }
    }
    free(z);
    free(raw);
    return ok;
}

static void test_png(void)
{
    static const unsigned dims[][3] = {{1, 1, 1}, {1, 1, 3}, {17, 5, 1}, {64, 48, 3}, {300, 2, 4}, {3, 200, 2}, {40, 40, 3}};
    size_t d, i;
    for (d = 0; d < sizeof dims / sizeof dims[0]; d++) {
        unsigned w = dims[d][0], h = dims[d][1], ch = dims[d][2];
        size_t n = (size_t)w * h * ch, plen = 0;
        unsigned char *pix = (unsigned char *)malloc(n), *png = NULL;
        for (i = 0; i < n; i++) /* gradients + some noise for d == 6 */
            pix[i] = (unsigned char)(d == 6 ? rng() : (i * 7 / ch + (i / (w * ch)) * 3));
        CHECK(avloc_io_png_encode(pix, w, h, ch, (size_t)w * ch, &png, &plen) == AVLOC_IO_OK);
        CHECK_MSG(png && png_check(png, plen, pix, w, h, ch), "png %ux%ux%u", w, h, ch);
        free(png);
        free(pix);
    }
    /* image struct path, stride > row, and a compressible image compresses */
    {
        avloc_io_image im;
        unsigned char *png = NULL, col[3] = {255, 0, 0};
        size_t plen;
        CHECK(avloc_io_image_alloc(&im, 200, 100, 3) == AVLOC_IO_OK);
        avloc_io_draw_disc(&im, 100, 50, 20, col);
        CHECK(avloc_io_png_encode(im.pix, im.w, im.h, 3, im.stride, &png, &plen) == AVLOC_IO_OK);
        CHECK_MSG(plen < 200 * 100 * 3 / 20, "png of a disc is %lu bytes", (unsigned long)plen);
        CHECK(png_check(png, plen, im.pix, 200, 100, 3));
        free(png);
        CHECK(avloc_io_png_encode(im.pix, 100, 100, 3, 600, &png, &plen) == AVLOC_IO_OK); /* stride > row */
        free(png);
        CHECK(avloc_io_png_encode(im.pix, 200, 100, 3, 599, &png, &plen) == AVLOC_IO_ERR_PARAM);
        CHECK(avloc_io_png_encode(im.pix, 0, 100, 3, 600, &png, &plen) == AVLOC_IO_ERR_PARAM);
        CHECK(avloc_io_png_encode(im.pix, 10, 10, 5, 600, &png, &plen) == AVLOC_IO_ERR_PARAM);
        avloc_io_image_free(&im);
    }
    /* zlib: incompressible data falls back to stored blocks (> 64 KiB: several) */
    {
        size_t n = 150000, zl, got;
        unsigned char *data = (unsigned char *)malloc(n), *z = NULL, *back = (unsigned char *)malloc(n);
        for (i = 0; i < n; i++) data[i] = (unsigned char)rng();
        CHECK(avloc_io_zlib_compress(data, n, &z, &zl) == AVLOC_IO_OK);
        CHECK(zl <= n + 6 + 5 * 3);
        got = tiny_inflate(z, zl, back, n);
        CHECK(got == n && memcmp(back, data, n) == 0);
        free(z);
        for (i = 0; i < n; i++) data[i] = (unsigned char)("abcabcabd"[i % 9] + (i / 5000));
        CHECK(avloc_io_zlib_compress(data, n, &z, &zl) == AVLOC_IO_OK);
        CHECK(zl < n / 20);
        got = tiny_inflate(z, zl, back, n);
        CHECK(got == n && memcmp(back, data, n) == 0);
        free(z);
        CHECK(avloc_io_zlib_compress(data, 0, &z, &zl) == AVLOC_IO_OK && tiny_inflate(z, zl, back, n) == 0);
        free(z);
        free(data);
        free(back);
    }
    /* known checksums */
    CHECK(avloc_io_crc32(0, (const unsigned char *)"123456789", 9) == 0xCBF43926UL);
    CHECK(avloc_io_adler32(1, (const unsigned char *)"Wikipedia", 9) == 0x11E60398UL);
}

/* ----------------------------------------------------------------- NPY */

static void test_npy(void)
{
    char h[257];
    size_t len, shape[3] = {2, 3, 4};
    memset(h, 0, sizeof h); /* headers are not NUL-terminated: keep one after them */
    FILE *f;
    CHECK(avloc_io_npy_header(h, sizeof h - 1, &len, "<f4", shape, 3) == AVLOC_IO_OK);
    CHECK(len % 64 == 0 && memcmp(h, "\x93NUMPY\x01\x00", 8) == 0);
    CHECK((size_t)((unsigned char)h[8] | ((unsigned char)h[9] << 8)) == len - 10 && h[len - 1] == '\n');
    CHECK(strstr(h + 10, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4), }") == h + 10);
    CHECK(avloc_io_npy_header(h, sizeof h - 1, &len, "<f4", shape, 1) == AVLOC_IO_OK);
    CHECK(strstr(h + 10, "'shape': (2,), }") != NULL);
    CHECK(avloc_io_npy_header(h, sizeof h - 1, &len, "<c8", shape, 0) == AVLOC_IO_OK);
    CHECK(strstr(h + 10, "'descr': '<c8'") != NULL && strstr(h + 10, "'shape': (), }") != NULL);
    CHECK(avloc_io_npy_header(h, 10, &len, "<f4", shape, 3) == AVLOC_IO_ERR_BUFFER);
    CHECK(avloc_io_npy_header(h, sizeof h - 1, &len, "<f4", shape, -1) == AVLOC_IO_ERR_PARAM);
    f = tmpfile();
    if (CHECK(f != NULL)) {
        float x[24], back[24];
        unsigned char *buf = NULL;
        size_t n = 0, i;
        for (i = 0; i < 24; i++) x[i] = (float)i * 0.5f - 3.0f;
        CHECK(avloc_io_npy_write_f32(f, x, shape, 3) == AVLOC_IO_OK);
        rewind(f);
        CHECK(avloc_io_read_stream(f, &buf, &n) == AVLOC_IO_OK);
        CHECK_EQ_INT(n, 128 + 96);
        if (buf && n == 224) {
            for (i = 0; i < 24; i++) { /* little-endian regardless of host */
                uint32_t u = (uint32_t)buf[128 + 4 * i] | ((uint32_t)buf[129 + 4 * i] << 8) |
                             ((uint32_t)buf[130 + 4 * i] << 16) | ((uint32_t)buf[131 + 4 * i] << 24);
                memcpy(&back[i], &u, 4);
            }
            CHECK(memcmp(back, x, sizeof x) == 0);
        }
        free(buf);
        fclose(f);
    }
    f = tmpfile();
    if (CHECK(f != NULL)) {
        float x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
        size_t s2[1] = {4}, n = 0;
        unsigned char *buf = NULL;
        CHECK(avloc_io_npy_write_c64(f, x, s2, 1) == AVLOC_IO_OK);
        rewind(f);
        CHECK(avloc_io_read_stream(f, &buf, &n) == AVLOC_IO_OK && n == 128 + 32);
        CHECK(buf && strstr((const char *)buf + 10, "'descr': '<c8'") != NULL);
        free(buf);
        fclose(f);
    }
}

/* ------------------------------------------------------- PPM, Y4M, draw */

static void test_images(void)
{
    avloc_io_image im, back;
    unsigned char red[3] = {255, 0, 0}, grey = 200;
    char msg[128];
    FILE *f;
    size_t i, n;
    unsigned char *buf = NULL;
    CHECK(avloc_io_image_alloc(&im, 31, 17, 3) == AVLOC_IO_OK);
    for (i = 0; i < 31 * 17 * 3; i++) im.pix[i] = (unsigned char)(i * 13);
    f = tmpfile();
    if (CHECK(f != NULL)) {
        CHECK(avloc_io_ppm_write(f, &im) == AVLOC_IO_OK);
        rewind(f);
        CHECK(avloc_io_read_stream(f, &buf, &n) == AVLOC_IO_OK);
        CHECK(avloc_io_ppm_decode(buf, n, &back, msg, sizeof msg) == AVLOC_IO_OK);
        CHECK(back.w == 31 && back.h == 17 && back.channels == 3 && memcmp(back.pix, im.pix, 31 * 17 * 3) == 0);
        avloc_io_image_free(&back);
        CHECK(avloc_io_ppm_decode(buf, n - 1, &back, msg, sizeof msg) == AVLOC_IO_ERR_IMAGE);
        CHECK(strstr(msg, "truncated") != NULL);
        free(buf);
        fclose(f);
    }
    /* comments, P5, 16-bit maxval */
    {
        const char p5[] = "P5 # comment\n2 1\n# another\n65535\n\xFF\xFF\x00\x00";
        CHECK(avloc_io_ppm_decode(p5, sizeof p5 - 1, &back, msg, sizeof msg) == AVLOC_IO_OK);
        CHECK(back.channels == 1 && back.w == 2 && back.pix[0] == 255 && back.pix[1] == 0);
        avloc_io_image_free(&back);
        CHECK(avloc_io_ppm_decode("P6\n0 1\n255\n", 11, &back, msg, sizeof msg) == AVLOC_IO_ERR_IMAGE);
        CHECK(avloc_io_ppm_decode("P6\n99999999999 1\n255\n", 21, &back, msg, sizeof msg) == AVLOC_IO_ERR_IMAGE);
        CHECK(avloc_io_ppm_decode("P3\n1 1\n255\n0 0 0", 16, &back, msg, sizeof msg) == AVLOC_IO_ERR_IMAGE);
    }
    /* Y4M: 4x2 4:2:0, Y=16..235 ramps; grey chroma */
    {
        unsigned char y4m[128];
        const char *hdr = "YUV4MPEG2 W4 H2 F30:1 Ip A1:1 C420jpeg\nFRAME\n";
        size_t hl = strlen(hdr);
        memcpy(y4m, hdr, hl);
        for (i = 0; i < 8; i++) y4m[hl + i] = (unsigned char)(i < 4 ? 16 : 235);
        y4m[hl + 8] = y4m[hl + 9] = 128;  /* U */
        y4m[hl + 10] = 128; y4m[hl + 11] = 240; /* V: right half reddish */
        CHECK(avloc_io_y4m_decode(y4m, hl + 12, &back, msg, sizeof msg) == AVLOC_IO_OK);
        CHECK(back.w == 4 && back.h == 2 && back.channels == 3);
        CHECK(back.pix[0] == 0 && back.pix[1] == 0 && back.pix[2] == 0);       /* black */
        CHECK(back.pix[12] == 255 && back.pix[13] == 255 && back.pix[14] == 255);/* white */
        CHECK(back.pix[3 * 2] > back.pix[3 * 2 + 1] + 100);                      /* red cast at x=2 */
        avloc_io_image_free(&back);
        CHECK(avloc_io_y4m_decode(y4m, hl + 11, &back, msg, sizeof msg) == AVLOC_IO_ERR_IMAGE);
        memcpy(y4m, "YUV4MPEG2 W4 H2 C420p10\nFRAME\n", 30);
        CHECK(avloc_io_y4m_decode(y4m, 60, &back, msg, sizeof msg) == AVLOC_IO_ERR_IMAGE);
        CHECK(avloc_io_y4m_decode("YUV4MPEG2 H2\nFRAME\n", 19, &back, msg, sizeof msg) == AVLOC_IO_ERR_IMAGE);
    }
    /* drawing: clipping, hostile coordinates, ellipse, text */
    {
        avloc_io_image g;
        size_t lit = 0;
        double nanv = 0.0;
        nanv = test_io_nan();
        CHECK(avloc_io_image_alloc(&g, 50, 40, 1) == AVLOC_IO_OK);
        avloc_io_draw_line(&g, -1e9, -1e9, 1e9, 1e9, &grey);
        for (i = 0; i < 50 * 40; i++) lit += g.pix[i] != 0;
        CHECK(lit >= 38 && lit <= 42); /* the diagonal, clipped */
        CHECK(g.pix[10 * 50 + 10] == 200);
        avloc_io_draw_line(&g, nanv, 0, 10, 10, &grey);
        avloc_io_draw_line(&g, 1e308, -1e308, -1e308, 1e308, &grey);
        avloc_io_draw_circle(&g, 1e300, 0, 5, &grey);
        avloc_io_draw_disc(&g, 25, 20, 1e300, &grey);
        avloc_io_draw_ellipse_cov(&g, 25, 20, 1, 2, 1, 2, &grey); /* not PD: nothing */
        avloc_io_draw_ellipse_cov(&g, 25, 20, nanv, 0, 1, 2, &grey);
        avloc_io_draw_text(&g, -3, 30, "Hi! \x01\xff", 1, &grey);
        avloc_io_draw_text(&g, 2147483000, 0, "xx", 64, &grey);
        avloc_io_draw_pixel(&g, -1, 0, &grey);
        avloc_io_draw_pixel(&g, 50, 0, &grey);
        memset(g.pix, 0, 50 * 40);
        avloc_io_draw_ellipse_cov(&g, 25, 20, 16, 0, 4, 2, &grey); /* semi-axes 8 (x) and 4 (y) */
        CHECK(g.pix[20 * 50 + 33] == 200 && g.pix[20 * 50 + 17] == 200 && g.pix[16 * 50 + 25] == 200);
        CHECK(g.pix[20 * 50 + 25] == 0 && g.pix[20 * 50 + 35] == 0);
        memset(g.pix, 0, 50 * 40);
        avloc_io_draw_text(&g, 0, 0, "I", 1, &grey);
        CHECK(g.pix[0 * 50 + 2] == 200 && g.pix[6 * 50 + 2] == 200 && g.pix[7 * 50 + 2] == 0);
        avloc_io_image_free(&g);
    }
    avloc_io_draw_disc(&im, 15, 8, 3, red);
    CHECK(im.pix[(8 * 31 + 15) * 3] == 255 && im.pix[(8 * 31 + 15) * 3 + 1] == 0);
    avloc_io_draw_cross(&im, 0, 0, 4, red);
    avloc_io_image_free(&im);
    {
        unsigned char c0[3], c1[3], cm[3];
        avloc_io_colormap(-1, c0);
        avloc_io_colormap(2, c1);
        avloc_io_colormap(0.5, cm);
        CHECK(c0[0] == 68 && c0[1] == 1 && c0[2] == 84 && c1[0] == 253 && c1[1] == 231 && c1[2] == 37);
        CHECK(cm[0] == 33 && cm[1] == 145 && cm[2] == 140);
    }
    {   /* heat figure: a 3x4 map over a 40x30 frame; the panel is enlarged x8
           (shorter side 240) and sits at the figure's left/top margins */
        float map[12] = {0}, frame[40 * 30];
        avloc_io_image fig;
        const unsigned char *p;
        size_t i;
        map[1 * 4 + 2] = 5.0f;
        map[0] = -1.0f;
        CHECK(avloc_io_heat_figure(map, 3, 4, NULL, 40, 30, "t", NULL, &fig) == AVLOC_IO_OK);
        CHECK(fig.w > 320 && fig.h > 240 && fig.channels == 3);
        p = fig.pix + (size_t)(34 + 120) * fig.stride + 3 * (78 + 200); /* inside cell (1, 2) */
        CHECK(p[0] == 253 && p[1] == 231 && p[2] == 37);
        p = fig.pix + (size_t)(34 + 10) * fig.stride + 3 * (78 + 10);   /* cell (0, 0): the minimum */
        CHECK(p[0] == 68 && p[1] == 1 && p[2] == 84);
        avloc_io_image_free(&fig);
        for (i = 0; i < 40 * 30; i++) frame[i] = 1.0f;                  /* white frame: half-way to 255 */
        CHECK(avloc_io_heat_figure(map, 3, 4, frame, 40, 30, "t", "c", &fig) == AVLOC_IO_OK);
        p = fig.pix + (size_t)(34 + 10) * fig.stride + 3 * (78 + 10);
        CHECK(p[0] == 162 && p[1] == 128 && p[2] == 170);
        avloc_io_image_free(&fig);
        CHECK(avloc_io_heat_figure(NULL, 3, 4, NULL, 40, 30, "t", NULL, &fig) == AVLOC_IO_ERR_NULL);
        CHECK(avloc_io_heat_figure(map, 0, 4, NULL, 40, 30, "t", NULL, &fig) == AVLOC_IO_ERR_PARAM);
        CHECK(avloc_io_heat_figure(map, 3, 4, NULL, 40, 0, "t", NULL, &fig) == AVLOC_IO_ERR_PARAM);
    }
}

/* ---------------------------------------------------------------- JSON */

static void test_json(void)
{
    FILE *f = tmpfile();
    unsigned char *buf = NULL;
    size_t n = 0;
    avloc_io_json j;
    double nanv = 0.0;
    nanv = test_io_nan();
    if (!CHECK(f != NULL)) return;
    avloc_io_json_begin(&j, f);
    avloc_io_json_str(&j, "file", "a \"b\"\\c\n\t\x01\xC3\xA9\xFF\xE2\x82");
    avloc_io_json_num(&j, "x", 0.1);
    avloc_io_json_num(&j, "nan", nanv);
    avloc_io_json_num(&j, "neg0", -0.0);
    avloc_io_json_int(&j, "n", -12);
    avloc_io_json_bool(&j, "b", 1);
    avloc_io_json_null(&j, "z");
    avloc_io_json_str(&j, "s", NULL);
    avloc_io_json_end(&j);
    rewind(f);
    CHECK(avloc_io_read_stream(f, &buf, &n) == AVLOC_IO_OK);
    if (buf) {
        const char *want = "{\"file\":\"a \\\"b\\\"\\\\c\\n\\t\\u0001\xC3\xA9\\ufffd\\ufffd\\ufffd\",\"x\":0.1,"
                           "\"nan\":null,\"neg0\":0,\"n\":-12,\"b\":true,\"z\":null,\"s\":null}\n";
        CHECK_MSG(n == strlen(want) && memcmp(buf, want, n) == 0, "got %.*s", (int)n, (const char *)buf);
    }
    free(buf);
    fclose(f);
}

/* ------------------------------------------------ Y4M grey video, PGM */

static char io_tmp_prefix[512] = "test_io"; /* the test binary's path: temp files go beside it */

static const char *io_tmp(const char *suffix)
{
    static char buf[600];
    snprintf(buf, sizeof buf, "%s%s", io_tmp_prefix, suffix);
    return buf;
}

/* Writes `frames` through avloc_io_y4m_write_grey into memory (*buf malloc'd). */
static int y4m_to_mem(const float *frames, size_t n, unsigned w, unsigned h, int chroma, unsigned char **buf,
                      size_t *len)
{
    FILE *f = tmpfile();
    int ok;
    if (!f) return 0;
    ok = avloc_io_y4m_write_grey(f, frames, n, w, h, 25, 1, chroma) == AVLOC_IO_OK;
    rewind(f);
    ok = ok && avloc_io_read_stream(f, buf, len) == AVLOC_IO_OK;
    fclose(f);
    return ok;
}

static void test_y4m_grey(void)
{
    enum { W = 7, H = 5, T = 3, YS = W * H };
    float in[T * YS], out[T * YS];
    unsigned char *buf = NULL, *bad;
    size_t len = 0, i, ok_all;
    char msg[160];
    avloc_io_y4m_info info;
    int chroma;
    for (i = 0; i < T * YS; i++) in[i] = (float)((i * 37) % 256) / 255.0f;
    in[3] = -0.5f; in[4] = 2.0f; /* clamped to 0 and 1 */
    /* round trips: odd sizes, mono and 4:2:0 (chroma 4x3 per plane, all 128) */
    for (chroma = 0; chroma <= 420; chroma += 420) {
        size_t fb = chroma ? YS + 2 * 4 * 3 : YS, hdr;
        if (!CHECK(y4m_to_mem(in, T, W, H, chroma, &buf, &len))) return;
        CHECK(memcmp(buf, "YUV4MPEG2 W7 H5 F25:1 ", 22) == 0);
        CHECK(strstr((const char *)buf, chroma ? " C420jpeg\n" : " Cmono\n") != NULL);
        hdr = (size_t)(strchr((const char *)buf, '\n') - (const char *)buf) + 1;
        CHECK_EQ_INT(len, hdr + T * (6 + fb));
        if (chroma) {
            for (i = 0, ok_all = 1; i < 24; i++) ok_all &= buf[hdr + 6 + YS + i] == 128;
            CHECK(ok_all);
        }
        memset(out, 0, sizeof out);
        CHECK(avloc_io_y4m_decode_grey(buf, len, out, T, &info, msg, sizeof msg) == AVLOC_IO_OK);
        CHECK(info.w == W && info.h == H && info.frames == T && info.chroma == chroma && info.fps == 25.0);
        CHECK_EQ_INT(info.frame_bytes, fb);
        for (i = 0, ok_all = 1; i < T * YS; i++) {
            float e = in[i] < 0 ? 0.0f : in[i] > 1 ? 1.0f : in[i];
            ok_all &= fabs(out[i] - e) < 0.5 / 255.0 + 1e-6;
        }
        CHECK(ok_all);
        /* count-only pass and too small a buffer */
        CHECK(avloc_io_y4m_decode_grey(buf, len, NULL, 0, &info, msg, sizeof msg) == AVLOC_IO_OK && info.frames == T);
        CHECK(avloc_io_y4m_decode_grey(buf, len, out, T - 1, &info, msg, sizeof msg) == AVLOC_IO_ERR_BUFFER);
        /* truncated last frame: which frame, how many bytes */
        CHECK(avloc_io_y4m_decode_grey(buf, len - 1, out, T, &info, msg, sizeof msg) == AVLOC_IO_ERR_IMAGE);
        CHECK_MSG(strstr(msg, "truncated Y4M frame 2") != NULL, "%s", msg);
        /* the second frame's marker damaged */
        bad = (unsigned char *)malloc(len);
        if (CHECK(bad != NULL)) {
            memcpy(bad, buf, len);
            bad[hdr + 6 + fb] = 'X';
            CHECK(avloc_io_y4m_decode_grey(bad, len, out, T, &info, msg, sizeof msg) == AVLOC_IO_ERR_IMAGE);
            CHECK_MSG(strstr(msg, "frame 1: expected a FRAME marker") != NULL, "%s", msg);
            memcpy(bad, buf, len);
            bad[hdr + 5] = 'S'; /* "FRAMES": not a marker */
            CHECK(avloc_io_y4m_decode_grey(bad, len, out, T, &info, msg, sizeof msg) == AVLOC_IO_ERR_IMAGE);
            /* the header says 4:2:0 but the frames are mono (or the reverse): frame 1 misaligned */
            if (!chroma) {
                memcpy(bad, buf, len);
                memcpy(strstr((char *)bad, "Cmono"), "C420 ", 5);
                CHECK(avloc_io_y4m_decode_grey(bad, len, out, T, &info, msg, sizeof msg) == AVLOC_IO_ERR_IMAGE);
            }
            free(bad);
        }
        free(buf);
        buf = NULL;
    }
    /* headers: unknown/wrong chroma, absurd and missing sizes, no frames, no newline */
    {
        static const char *const hdrs[] = {
            "YUV4MPEG2 W4 H2 C411\nFRAME\n", "YUV4MPEG2 W4 H2 C420p10\nFRAME\n", "YUV4MPEG2 W4 H2 Cmono16\nFRAME\n",
            "YUV4MPEG2 W4 H2 C444alpha\nFRAME\n", "YUV4MPEG2 W4 H2 C420jpegX\nFRAME\n",
            "YUV4MPEG2 W99999999 H2\nFRAME\n", "YUV4MPEG2 W40000 H2\nFRAME\n", "YUV4MPEG2 W0 H2\nFRAME\n",
            "YUV4MPEG2 H2\nFRAME\n", "YUV4MPEG2 W4 H2 F25:0\nFRAME\n", "YUV4MPEG2 W4x H2\nFRAME\n",
            "YUV4MPEG2 W4 H2 Cmono", "YUV4MPEG2 W4 H2 Cmono\n", "YUV4MPEG W4 H2\n", "YUV4MPEG2W4 H2\n",
            "YUV4MPEG2 W4 H2 Cmono\nFRAME", "YUV4MPEG2 W4 H2 Cmono\nFRAME\n1234567",
            "YUV4MPEG2 W32768 H32768 C444\nFRAME\n"};
        for (i = 0; i < sizeof hdrs / sizeof hdrs[0]; i++) {
            msg[0] = 0;
            CHECK_MSG(avloc_io_y4m_decode_grey(hdrs[i], strlen(hdrs[i]), out, T, &info, msg, sizeof msg) ==
                          AVLOC_IO_ERR_IMAGE, "header %lu", (unsigned long)i);
            CHECK_MSG(msg[0] != 0, "header %lu: no message", (unsigned long)i);
        }
        avloc_io_y4m_decode_grey(hdrs[0], strlen(hdrs[0]), out, T, &info, msg, sizeof msg);
        CHECK_MSG(strstr(msg, "'C411'") != NULL, "%s", msg);
        /* accepted: every 4:2:0 siting, frame parameters, no C tag (= 4:2:0) */
        {
            static const char *const okh[] = {"YUV4MPEG2 W2 H2 C420paldv\nFRAME Ixx\n", "YUV4MPEG2 W2 H2 C420mpeg2\nFRAME\n",
                                              "YUV4MPEG2 W2 H2 C420\nFRAME\n", "YUV4MPEG2 W2 H2\nFRAME\n"};
            unsigned char f6[64];
            for (i = 0; i < 4; i++) {
                size_t hl = strlen(okh[i]);
                memcpy(f6, okh[i], hl);
                memset(f6 + hl, 200, 6);
                CHECK(avloc_io_y4m_decode_grey(f6, hl + 6, out, 1, &info, msg, sizeof msg) == AVLOC_IO_OK &&
                      info.chroma == 420 && info.frame_bytes == 6 && fabs(out[3] - 200 / 255.0) < 1e-6);
            }
        }
        CHECK(avloc_io_y4m_decode_grey(NULL, 0, out, T, &info, msg, sizeof msg) == AVLOC_IO_ERR_NULL);
        CHECK(avloc_io_y4m_decode_grey(hdrs[0], 5, out, T, NULL, msg, sizeof msg) == AVLOC_IO_ERR_NULL);
    }
    /* the file loader on a huge-but-empty header: refused without a giant allocation */
    {
        const char *path = io_tmp("_huge.y4m"), *huge = "YUV4MPEG2 W32768 H32768 Cmono\nFRAME\nabc";
        float *frames = (float *)1;
        size_t n = 9;
        unsigned w, h;
        double fps;
        FILE *f = fopen(path, "wb");
        if (CHECK(f != NULL)) {
            fputs(huge, f);
            fclose(f);
            CHECK(avloc_io_y4m_load_grey(path, &frames, &n, &w, &h, &fps, msg, sizeof msg) == AVLOC_IO_ERR_IMAGE);
            CHECK(frames == NULL && n == 0 && strstr(msg, "truncated") != NULL);
            remove(path);
        }
        /* and a real one, written as 4:2:0 */
        CHECK(avloc_io_y4m_save_grey_chroma(path, in, T, W, H, 30000, 1001, AVLOC_IO_Y4M_420) == AVLOC_IO_OK);
        CHECK(avloc_io_y4m_load_grey(path, &frames, &n, &w, &h, &fps, msg, sizeof msg) == AVLOC_IO_OK);
        CHECK(n == T && w == W && h == H && fabs(fps - 30000.0 / 1001.0) < 1e-9);
        CHECK(frames != NULL && fabs(frames[T * YS - 1] - in[T * YS - 1]) < 0.5 / 255.0 + 1e-6);
        free(frames);
        remove(path);
        CHECK(avloc_io_y4m_load_grey(path, &frames, &n, &w, &h, &fps, msg, sizeof msg) == AVLOC_IO_ERR_OPEN);
    }
    /* writer arguments */
    {
        FILE *f = tmpfile();
        if (CHECK(f != NULL)) {
            CHECK(avloc_io_y4m_write_grey(f, in, T, W, H, 25, 1, 422) == AVLOC_IO_ERR_PARAM);
            CHECK(avloc_io_y4m_write_grey(f, in, T, 0, H, 25, 1, 0) == AVLOC_IO_ERR_PARAM);
            CHECK(avloc_io_y4m_write_grey(f, in, 0, W, H, 25, 1, 0) == AVLOC_IO_ERR_PARAM);
            CHECK(avloc_io_y4m_write_grey(f, in, T, W, H, 25, 0, 0) == AVLOC_IO_ERR_PARAM);
            CHECK(avloc_io_y4m_write_grey(f, in, T, 40000, 1, 25, 1, 0) == AVLOC_IO_ERR_PARAM);
            CHECK(avloc_io_y4m_write_grey(f, NULL, T, W, H, 25, 1, 0) == AVLOC_IO_ERR_NULL);
            fclose(f);
        }
    }
}

static void test_pgm(void)
{
    unsigned char pix[3 * 5];
    avloc_io_image im;
    char msg[160];
    const char *path = io_tmp("_mask.pgm");
    size_t i;
    FILE *f;
    for (i = 0; i < sizeof pix; i++) pix[i] = (unsigned char)(i % 2 ? 255 : i * 9);
    CHECK(avloc_io_pgm_save(path, pix, 5, 3) == AVLOC_IO_OK);
    CHECK(avloc_io_pgm_load(path, &im, msg, sizeof msg) == AVLOC_IO_OK);
    CHECK(im.w == 5 && im.h == 3 && im.channels == 1 && im.pix && memcmp(im.pix, pix, sizeof pix) == 0);
    avloc_io_image_free(&im);
    /* exact bytes: what other tools (numpy, netpbm) read */
    if ((f = fopen(path, "rb")) != NULL) {
        char head[16] = {0};
        CHECK(fread(head, 1, 11, f) == 11 && memcmp(head, "P5\n5 3\n255\n", 11) == 0);
        fclose(f);
    }
    /* P6 is not a mask; truncated pixels; missing file */
    if ((f = fopen(path, "wb")) != NULL) { fputs("P6\n1 1\n255\nabc", f); fclose(f); }
    CHECK(avloc_io_pgm_load(path, &im, msg, sizeof msg) == AVLOC_IO_ERR_IMAGE && strstr(msg, "P5") && !im.pix);
    if ((f = fopen(path, "wb")) != NULL) { fputs("P5\n4 4\n255\nabc", f); fclose(f); }
    CHECK(avloc_io_pgm_load(path, &im, msg, sizeof msg) == AVLOC_IO_ERR_IMAGE && strstr(msg, "truncated"));
    remove(path);
    CHECK(avloc_io_pgm_load(path, &im, msg, sizeof msg) == AVLOC_IO_ERR_OPEN);
    CHECK(avloc_io_pgm_save(path, pix, 0, 3) == AVLOC_IO_ERR_PARAM);
    CHECK(avloc_io_pgm_save(path, NULL, 5, 3) == AVLOC_IO_ERR_NULL);
}

/* The committed RPCA demo scene, written by numpy in tools/rpca_scenes.py (an
   independent writer): sizes, one frame's luma sum and the mask as numpy
   reads them. */
static void test_rpca_demo_scene(void)
{
    float *frames = NULL;
    size_t n = 0, i, on = 0;
    unsigned w = 0, h = 0;
    double fps = 0, sum = 0;
    char msg[160];
    avloc_io_image m;
    if (!CHECK(avloc_io_y4m_load_grey("data/rpca_demo/video.y4m", &frames, &n, &w, &h, &fps, msg, sizeof msg) ==
               AVLOC_IO_OK)) {
        fprintf(stderr, "    %s (run from the repository root)\n", msg);
        return;
    }
    CHECK(n == 100 && w == 48 && h == 48 && fps == 25.0);
    for (i = 0; i < 48 * 48; i++) sum += floor(frames[50 * 48 * 48 + i] * 255.0 + 0.5); /* back to the bytes (exact under -ffast-math too) */
    CHECK_NEAR(sum, 307869.0, 0.01);
    CHECK_NEAR(frames[99 * 48 * 48 + 47 * 48 + 47] * 255.0, 127.0, 1e-4);
    free(frames);
    if (CHECK(avloc_io_pgm_load("data/rpca_demo/mask.pgm", &m, msg, sizeof msg) == AVLOC_IO_OK)) {
        CHECK(m.w == 48 && m.h == 48);
        for (i = 0; i < 48 * 48; i++) on += m.pix[i] == 255;
        CHECK_EQ_INT(on, 54);
        avloc_io_image_free(&m);
    }
}

/* avloc_io_read_file sizes its buffer from the file's size: every size
   reads back exactly, across the growth path's 64 KB start and the 8 MB at
   which avloc_io_alloc_large moves to huge pages; a stream (no size)
   gives the same bytes. */
static void test_read_file_sizes(void)
{
    static const size_t sizes[] = {0, 1, 65535, 65536, 65537, ((size_t)8 << 20) + 3};
    const char *path = io_tmp("_read.bin");
    size_t k, i, bad = 0;
    for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k], len = 7, slen = 9;
        unsigned char *want = (unsigned char *)avloc_io_alloc_large(n), *got = NULL, *sgot = NULL;
        FILE *f = fopen(path, "wb");
        if (!CHECK(want != NULL && f != NULL)) { free(want); if (f) fclose(f); continue; }
        for (i = 0; i < n; i++) want[i] = (unsigned char)(rng() >> 7);
        CHECK(fwrite(want, 1, n, f) == n);
        fclose(f);
        CHECK(avloc_io_read_file(path, &got, &len) == AVLOC_IO_OK && got != NULL);
        CHECK_MSG(len == n && (n == 0 || (got && memcmp(got, want, n) == 0)), "read_file of %lu bytes", (unsigned long)n);
        f = fopen(path, "rb");
        if (CHECK(f != NULL)) {
            CHECK(avloc_io_read_stream(f, &sgot, &slen) == AVLOC_IO_OK);
            bad += slen != n || (n && (!sgot || memcmp(sgot, want, n) != 0));
            fclose(f);
        }
        free(want); free(got); free(sgot);
    }
    CHECK_MSG(bad == 0, "read_stream differs from the file on %lu sizes", (unsigned long)bad);
    remove(path);
    {   /* a directory: an error, not a buffer of the size it reports (ext4:
           LONG_MAX; the CLI fuzzer's out-of-memory) */
        unsigned char *got = NULL;
        size_t len = 0;
        CHECK(avloc_io_read_file(".", &got, &len) != AVLOC_IO_OK && got == NULL);
    }
}

int main(int argc, char **argv)
{
    if (argc > 0 && argv[0] && strlen(argv[0]) < sizeof io_tmp_prefix) strcpy(io_tmp_prefix, argv[0]);
    if (argc > 1 && strcmp(argv[1], "-v") == 0) th_verbose = 1;
    test_sox_files();
    test_round_trips();
    test_chunks();
    test_hostile();
    test_fuzz();
    test_png();
    test_npy();
    test_images();
    test_y4m_grey();
    test_pgm();
    test_rpca_demo_scene();
    test_json();
    test_read_file_sizes();
    return th_finish("io");
}
