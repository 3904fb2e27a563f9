/* tests/test_safetensors.c - the safetensors reader and writer in avloc.h:
   golden files from an independent writer (tools/gen_goldens_st.py),
   round trips, a catalogue of hostile files, truncation at every byte and a
   deterministic mutation fuzzer. Every file image is copied into a buffer
   of exactly its size so that sanitizers catch any read past the end. */
#ifndef AVLOC_TEST_SHARED_IMPL /* else the Makefile links the library's objects (tests/impl/) */
#define AVLOC_IMPLEMENTATION
#endif
#include "../avloc.h"
#include "harness.h"
#include <float.h>

#include <time.h>

/* ------------------------------------------------------------ helpers */


static unsigned char *load(const char *name, size_t *size)
{
    return th_golden_bytes(name, 0, size);
}

/* Open a copy of data[0..size) held in a block of exactly `size` bytes. */
static avloc_result open_copy(const void *data, size_t size)
{
    avloc_st_reader r;
    avloc_result rc;
    unsigned char *c = (unsigned char *)malloc(size ? size : 1);
    if (size) memcpy(c, data, size);
    rc = avloc_st_open(&r, c, size);
    free(c);
    return rc;
}

/* A file made of a given header text and `datalen` zero bytes. */
static avloc_result open_hdr(const char *hdr, size_t datalen)
{
    size_t hl = strlen(hdr), size = 8 + hl + datalen, i;
    unsigned char *f = (unsigned char *)calloc(size, 1);
    avloc_result rc;
    for (i = 0; i < 8; i++) f[i] = (unsigned char)((unsigned long long)hl >> (8 * i));
    memcpy(f + 8, hdr, hl);
    rc = open_copy(f, size);
    free(f);
    return rc;
}

static int streq_n(const char *a, size_t an, const char *b) { return an == strlen(b) && memcmp(a, b, an) == 0; }

/* ------------------------------------------------- golden: st_ref */

static const char META_NOTE[] =
    "line1\nline2 \"quoted\" \\ tab\t \xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80";

static void test_golden_ref(void)
{
    size_t size, i, n = 0, len;
    unsigned char *file = load("st_ref.safetensors", &size);
    avloc_st_reader r;
    avloc_st_tensor t;
    avloc_st_iter it;
    float f[8];
    double d[8];
    int64_t q[8];
    int32_t k[8];
    char buf[256];
    CHECK(file != NULL);
    if (!file) return;
    CHECK_EQ_INT(avloc_st_open(&r, file, size), AVLOC_OK);
    CHECK_EQ_INT(avloc_st_count(&r), 17);
    CHECK_EQ_INT(r.header_len % 8, 0);
    CHECK_EQ_INT(r.n_meta, 2);
    avloc_st_iter_begin(&r, &it);
    while (avloc_st_next(&r, &it, &t)) n++;
    CHECK_EQ_INT(n, 17);
    /* the reference order: alignment 8 first, names sorted */
    CHECK(avloc_st_tensor_at(&r, 0, &t) == AVLOC_OK && streq_n(t.name, t.name_len, "f64"));
    CHECK_EQ_INT(avloc_st_tensor_at(&r, 17, &t), AVLOC_ERR_NOT_FOUND);

    CHECK_EQ_INT(avloc_st_find(&r, "f64", &t), AVLOC_OK);
    CHECK(t.dtype == AVLOC_ST_F64 && t.ndim == 2 && t.shape[0] == 3 && t.shape[1] == 2 && t.count == 6 && t.nbytes == 48);
    CHECK_EQ_INT(avloc_st_read_f64(&r, "f64", d, 6), AVLOC_OK);
    for (i = 0; i < 6; i++) CHECK(d[i] == ((double)i - 2.5) / 4);
    CHECK_EQ_INT(avloc_st_read_f32(&r, "f64", f, 6), AVLOC_OK);
    CHECK(f[5] == 0.625f);
    CHECK_EQ_INT(avloc_st_read_f64(&r, "f64", d, 5), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_st_read_f64(&r, "f64", d, 7), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_st_read_i64(&r, "f64", q, 6), AVLOC_ERR_PARAM);

    CHECK_EQ_INT(avloc_st_read_f32(&r, "f32", f, 4), AVLOC_OK);
    for (i = 0; i < 4; i++) CHECK(f[i] == (float)i * 0.25f - 1.0f);
    CHECK_EQ_INT(avloc_st_read_f32(&r, "f16", f, 6), AVLOC_OK);
    CHECK(f[0] == 0 && f[1] == 1 && f[2] == -2 && f[3] == 0.5f && f[4] == 65504.0f && f[5] == 5.9604644775390625e-8f);
    CHECK_EQ_INT(avloc_st_read_f64(&r, "bf16", d, 3), AVLOC_OK);
    CHECK(d[0] == 1.0 && d[1] == -3.5 && d[2] == 256.0);

    CHECK_EQ_INT(avloc_st_read_i64(&r, "i64", q, 4), AVLOC_OK);
    CHECK(q[0] == -((int64_t)1 << 40) && q[1] == -1 && q[2] == 0 && q[3] == ((int64_t)1 << 40) + 7);
    CHECK_EQ_INT(avloc_st_read_i32(&r, "i64", k, 4), AVLOC_ERR_PARAM); /* out of int32 range */
    CHECK_EQ_INT(avloc_st_read_i32(&r, "i32", k, 3), AVLOC_OK);
    CHECK(k[0] == INT32_MIN && k[1] == 0 && k[2] == INT32_MAX);
    CHECK_EQ_INT(avloc_st_read_f32(&r, "i32", f, 3), AVLOC_ERR_PARAM);
    CHECK_EQ_INT(avloc_st_read_i32(&r, "i16", k, 2), AVLOC_OK);
    CHECK(k[0] == -32768 && k[1] == 32767);
    CHECK_EQ_INT(avloc_st_read_i32(&r, "i8", k, 2), AVLOC_OK);
    CHECK(k[0] == -128 && k[1] == 127);
    CHECK_EQ_INT(avloc_st_read_i64(&r, "u8", q, 3), AVLOC_OK);
    CHECK(q[0] == 0 && q[1] == 128 && q[2] == 255);
    CHECK_EQ_INT(avloc_st_read_i32(&r, "u16", k, 2), AVLOC_OK);
    CHECK(k[0] == 0 && k[1] == 65535);
    CHECK_EQ_INT(avloc_st_read_i64(&r, "u32", q, 2), AVLOC_OK);
    CHECK(q[0] == 0 && q[1] == 4294967295LL);
    CHECK_EQ_INT(avloc_st_read_i32(&r, "u32", k, 2), AVLOC_ERR_PARAM);
    CHECK_EQ_INT(avloc_st_read_i64(&r, "u64big", q, 1), AVLOC_ERR_PARAM);
    CHECK_EQ_INT(avloc_st_find(&r, "u64big", &t), AVLOC_OK);
    CHECK(t.ndim == 0 && t.count == 1 && t.nbytes == 8 && memcmp(t.data, "\xff\xff\xff\xff\xff\xff\xff\xff", 8) == 0);
    CHECK_EQ_INT(avloc_st_read_i32(&r, "bool", k, 4), AVLOC_OK);
    CHECK(k[0] == 1 && k[1] == 0 && k[2] == 0 && k[3] == 1);

    CHECK_EQ_INT(avloc_st_find(&r, "scalar", &t), AVLOC_OK);
    CHECK(t.ndim == 0 && t.count == 1);
    CHECK_EQ_INT(avloc_st_read_f32(&r, "scalar", f, 1), AVLOC_OK);
    CHECK(f[0] == 3.25f);
    CHECK_EQ_INT(avloc_st_find(&r, "empty", &t), AVLOC_OK);
    CHECK(t.ndim == 2 && t.shape[0] == 0 && t.shape[1] == 3 && t.count == 0 && t.nbytes == 0);
    CHECK_EQ_INT(avloc_st_read_f32(&r, "empty", NULL, 0), AVLOC_OK);
    CHECK_EQ_INT(avloc_st_read_f32(&r, "empty", f, 1), AVLOC_ERR_SIZE);
    CHECK_EQ_INT(avloc_st_find(&r, "f8", &t), AVLOC_OK);
    CHECK(t.dtype == AVLOC_ST_F8_E4M3 && t.nbytes == 2 && ((const unsigned char *)t.data)[1] == 0x40);
    CHECK_EQ_INT(avloc_st_read_f32(&r, "f8", f, 2), AVLOC_ERR_PARAM);

    CHECK_EQ_INT(avloc_st_read_f32(&r, "caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac", f, 2), AVLOC_OK);
    CHECK(f[0] == 7 && f[1] == 8);
    CHECK_EQ_INT(avloc_st_find(&r, "caf", &t), AVLOC_ERR_NOT_FOUND);
    CHECK_EQ_INT(avloc_st_find(&r, "__metadata__", &t), AVLOC_ERR_NOT_FOUND);
    CHECK_EQ_INT(avloc_st_read_f32(&r, "nope", f, 1), AVLOC_ERR_NOT_FOUND);

    CHECK_EQ_INT(avloc_st_meta(&r, "format", buf, sizeof buf), AVLOC_OK);
    CHECK(strcmp(buf, "pt") == 0);
    CHECK_EQ_INT(avloc_st_meta(&r, "note", buf, sizeof buf), AVLOC_OK);
    CHECK(strcmp(buf, META_NOTE) == 0);
    CHECK_EQ_INT(avloc_st_meta_len(&r, "note", &len), AVLOC_OK);
    CHECK_EQ_INT(len, strlen(META_NOTE));
    CHECK_EQ_INT(avloc_st_meta(&r, "note", buf, len), AVLOC_ERR_WORKSPACE); /* no room for NUL */
    CHECK_EQ_INT(avloc_st_meta(&r, "note", buf, len + 1), AVLOC_OK);
    CHECK_EQ_INT(avloc_st_meta(&r, "missing", buf, sizeof buf), AVLOC_ERR_NOT_FOUND);
    CHECK_EQ_INT(avloc_st_meta(&r, "format", NULL, 0), AVLOC_ERR_WORKSPACE);
    free(file);
}

/* ------------------------------------------------- golden: st_ascii */

static void test_golden_ascii(void)
{
    size_t size, len;
    unsigned char *file = load("st_ascii.safetensors", &size);
    avloc_st_reader r;
    avloc_st_tensor t;
    float f[4];
    double d[3];
    int32_t k[1];
    char buf[64];
    CHECK(file != NULL);
    if (!file) return;
    CHECK_EQ_INT(avloc_st_open(&r, file, size), AVLOC_OK); /* unordered: slow path */
    CHECK_EQ_INT(avloc_st_count(&r), 5);
    CHECK(r.header_len % 2 == 1);
    CHECK_EQ_INT(avloc_st_find(&r, "quote\"back\\slash", &t), AVLOC_OK);
    CHECK(t.name_escaped == 1);
    CHECK_EQ_INT(avloc_st_tensor_name(&t, buf, sizeof buf, &len), AVLOC_OK);
    CHECK(strcmp(buf, "quote\"back\\slash") == 0 && len == 16);
    CHECK_EQ_INT(avloc_st_tensor_name(&t, buf, 16, &len), AVLOC_ERR_WORKSPACE);
    CHECK_EQ_INT(len, 16);
    CHECK_EQ_INT(avloc_st_tensor_f32(&t, f, 4), AVLOC_OK);
    CHECK(f[0] == 1 && f[1] == 2 && f[2] == 3 && f[3] == 4);
    CHECK_EQ_INT(avloc_st_read_f64(&r, "emoji\xf0\x9f\x98\x80", d, 3), AVLOC_OK);
    CHECK(d[0] == 0.5 && d[1] == -0.25 && d[2] == 1e300);
    CHECK_EQ_INT(avloc_st_read_f32(&r, "emoji\xf0\x9f\x98\x80", f, 3), AVLOC_OK);
    CHECK(f[2] == (float)HUGE_VAL);
    CHECK_EQ_INT(avloc_st_read_i32(&r, "tab\tnl\n", k, 1), AVLOC_OK);
    CHECK(k[0] == -7);
    CHECK_EQ_INT(avloc_st_find(&r, "tab\tnl\n", &t), AVLOC_OK);
    CHECK(((size_t)(uintptr_t)t.data & 3) != 0 || ((size_t)(uintptr_t)file & 3) != 0); /* misaligned */
    CHECK_EQ_INT(avloc_st_read_i64(&r, "nothing!", NULL, 0), AVLOC_OK);
    CHECK_EQ_INT(avloc_st_read_f32(&r, "h", f, 2), AVLOC_OK);
    { /* -0 by its bits: 1/f < 0 is folded under -ffast-math (-fno-signed-zeros) */
        uint32_t u0;
        memcpy(&u0, &f[0], sizeof u0);
        CHECK(u0 == 0x80000000u && f[1] == (float)HUGE_VAL);
    }
    CHECK_EQ_INT(avloc_st_meta(&r, "\xc3\xa9t\xc3\xa9", buf, sizeof buf), AVLOC_OK);
    CHECK(strcmp(buf, "\xf0\x9f\x98\x80 caf\xc3\xa9") == 0);
    CHECK_EQ_INT(avloc_st_meta(&r, "ctl", buf, sizeof buf), AVLOC_OK);
    CHECK(strcmp(buf, "\x01\x1f/\\") == 0);
    free(file);
}

static void test_golden_empty(void)
{
    size_t size;
    unsigned char *file = load("st_empty.safetensors", &size);
    avloc_st_reader r;
    avloc_st_tensor t;
    char buf[8];
    CHECK(file != NULL);
    if (!file) return;
    CHECK_EQ_INT(avloc_st_open(&r, file, size), AVLOC_OK);
    CHECK_EQ_INT(avloc_st_count(&r), 0);
    CHECK_EQ_INT(avloc_st_find(&r, "a", &t), AVLOC_ERR_NOT_FOUND);
    CHECK_EQ_INT(avloc_st_tensor_at(&r, 0, &t), AVLOC_ERR_NOT_FOUND);
    CHECK_EQ_INT(avloc_st_meta(&r, "a", buf, sizeof buf), AVLOC_ERR_NOT_FOUND);
    free(file);
}

/* ------------------------------------------------------------ writer */

/* Keep in sync with file_writer_ref() in tools/gen_goldens_st.py; metadata
   is interleaved on purpose (the writer moves it to the front). */
static avloc_result writer_sequence(avloc_st_writer *w, void *buf, size_t cap, size_t *total)
{
    static const float wv[6] = {0, 0.5f, 1, 1.5f, 2, 2.5f};
    static const double bv[3] = {-1.5, 0, 2.25};
    int64_t iv[2];
    static const float sv = 0.125f;
    static const unsigned char uv[3] = {1, 2, 255};
    size_t s23[2] = {2, 3}, s3 = 3, s2 = 2, s0 = 0;
    iv[0] = -3;
    iv[1] = (int64_t)1 << 50;
    avloc_st_begin(w, buf, cap);
    avloc_st_add(w, "w", AVLOC_ST_F32, 2, s23, wv);
    avloc_st_add_meta(w, "format", "pt");
    avloc_st_add(w, "b", AVLOC_ST_F64, 1, &s3, bv);
    avloc_st_add_meta(w, "desc", "a \"q\" \\ \n\t\x01 \xc3\xa9 \xf0\x9f\x98\x80");
    avloc_st_add(w, "idx", AVLOC_ST_I64, 1, &s2, iv);
    avloc_st_add(w, "s", AVLOC_ST_F32, 0, NULL, &sv);
    avloc_st_add_meta(w, "", "empty key");
    avloc_st_add(w, "e", AVLOC_ST_F32, 1, &s0, NULL);
    avloc_st_add(w, "n\"a\\me\x1f\x7f\xc3\xa9", AVLOC_ST_U8, 1, &s3, uv);
    return avloc_st_finish(w, total);
}

static void test_writer_ref(void)
{
    size_t size, total = 0, t2 = 0, cap, i;
    unsigned char *ref = load("st_writer_ref.safetensors", &size), *buf, *buf2;
    avloc_st_writer w;
    int bad = 0, bad_canary = 0;
    CHECK(ref != NULL);
    if (!ref) return;
    CHECK_EQ_INT(writer_sequence(&w, NULL, 0, &total), AVLOC_OK); /* measure */
    CHECK_EQ_INT(total, size);
    buf = (unsigned char *)malloc(total);
    CHECK_EQ_INT(writer_sequence(&w, buf, total, &t2), AVLOC_OK);
    CHECK_EQ_INT(t2, size);
    CHECK(memcmp(buf, ref, size) == 0); /* byte-identical to the independent writer */
    CHECK_EQ_INT(avloc_st_add(&w, "x", AVLOC_ST_U8, 0, NULL, "x"), AVLOC_ERR_STATE);
    CHECK_EQ_INT(avloc_st_finish(&w, &t2), AVLOC_ERR_STATE);
    /* larger buffer: same bytes at the front */
    buf2 = (unsigned char *)malloc(total + 100);
    CHECK_EQ_INT(writer_sequence(&w, buf2, total + 100, &t2), AVLOC_OK);
    CHECK(t2 == total && memcmp(buf2, ref, size) == 0);
    free(buf2);
    /* every too-small buffer: WORKSPACE, exact size reported, nothing past cap */
    for (cap = 0; cap < total; cap++) {
        buf2 = (unsigned char *)malloc(cap + 16);
        memset(buf2, 0xA5, cap + 16);
        t2 = 0;
        if (writer_sequence(&w, buf2, cap, &t2) != AVLOC_ERR_WORKSPACE || t2 != total) bad++;
        for (i = cap; i < cap + 16; i++) if (buf2[i] != 0xA5) bad_canary++;
        free(buf2);
    }
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(bad_canary, 0);
    free(buf);
    free(ref);
}

static unsigned lcg_state = 12345u;
static unsigned lcg(void)
{
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 8) & 0xFFFFFFu;
}

/* Every dtype, 0-d, empty and odd-sized tensors; names and metadata with
   every ASCII control character, quotes, backslashes and non-ASCII. */
static void test_roundtrip(void)
{
    enum { NT = 40 };
    avloc_st_writer w;
    avloc_st_reader r;
    avloc_st_tensor t;
    size_t total = 0, t2, i, e, dims[NT][3], nd[NT], nbytes[NT], off = 0;
    unsigned char *data, *buf;
    char names[NT][48], key[200], val[400], got[400];
    avloc_st_dtype dts[NT];
    int pass, ok_bytes = 1, ok_meta = 1;
    size_t kl = 0, vl = 0;
    data = (unsigned char *)malloc(NT * 4096);
    for (i = 0; i < NT * 4096; i++) data[i] = (unsigned char)lcg();
    for (i = 0; i < NT; i++) {
        dts[i] = (avloc_st_dtype)(1 + i % (AVLOC_ST_DTYPE_COUNT - 1));
        nd[i] = i % 4;
        for (e = 0; e < 3; e++) dims[i][e] = (i % 7 == 3 && e == 0) ? 0 : 1 + (i * 3 + e) % 5;
        nbytes[i] = avloc_st_dtype_size(dts[i]);
        for (e = 0; e < nd[i]; e++) nbytes[i] *= dims[i][e];
        snprintf(names[i], sizeof names[i], "t%u \"\\%c\x01\xc3\xa9\xe2\x82\xac\xf0\x9f\x8e\xb5", (unsigned)i,
                 (char)(0x20 + i));
    }
    for (i = 1; i < 128; i++) key[kl++] = (char)i;
    memcpy(key + kl, "\xc3\xa9\xf4\x8f\xbf\xbf", 6); /* U+00E9 and U+10FFFF */
    kl += 6;
    key[kl] = 0;
    for (i = 0; i < 3; i++) { memcpy(val + vl, key, kl); vl += kl; }
    val[vl] = 0;
    for (pass = 0; pass < 2; pass++) {
        buf = pass ? (unsigned char *)malloc(total) : NULL;
        avloc_st_begin(&w, buf, total);
        for (i = 0; i < NT; i++) {
            CHECK_EQ_INT(avloc_st_add(&w, names[i], dts[i], nd[i], dims[i], data + i * 4096), AVLOC_OK);
            if (i == 5) CHECK_EQ_INT(avloc_st_add_meta(&w, key, val), AVLOC_OK);
            if (i == 9) CHECK_EQ_INT(avloc_st_add_meta(&w, "k2", ""), AVLOC_OK);
        }
        CHECK_EQ_INT(avloc_st_finish(&w, pass ? &t2 : &total), AVLOC_OK);
        if (!pass) continue;
        CHECK_EQ_INT(t2, total);
        CHECK_EQ_INT(avloc_st_open(&r, buf, total), AVLOC_OK);
        CHECK_EQ_INT(avloc_st_count(&r), NT);
        CHECK_EQ_INT((8 + r.header_len) % 8, 0);
        for (i = 0; i < NT; i++) {
            if (avloc_st_find(&r, names[i], &t) != AVLOC_OK) { ok_bytes = 0; continue; }
            if (t.dtype != dts[i] || t.ndim != nd[i] || t.nbytes != nbytes[i] ||
                (nbytes[i] && memcmp(t.data, data + i * 4096, nbytes[i]) != 0) ||
                (const unsigned char *)t.data != r.buffer + off)
                ok_bytes = 0;
            for (e = 0; e < nd[i]; e++) if (t.shape[e] != dims[i][e]) ok_bytes = 0;
            off += nbytes[i];
        }
        CHECK(ok_bytes);
        CHECK_EQ_INT(off, r.buffer_size);
        if (avloc_st_meta(&r, key, got, sizeof got) != AVLOC_OK || strcmp(got, val) != 0) ok_meta = 0;
        if (avloc_st_meta(&r, "k2", got, sizeof got) != AVLOC_OK || got[0] != 0) ok_meta = 0;
        CHECK(ok_meta);
        free(buf);
    }
    free(data);

    { /* conversions on values written by the writer */
        float fv[3] = {1.5f, -2.0f, 1e-3f}, fo[3];
        double dv[2] = {1e-310, -7.25}, dout[2];
        int32_t iv[3] = {INT32_MIN, -1, INT32_MAX}, io[3];
        int64_t qo[3];
        uint64_t uv = (uint64_t)INT64_MAX;
        int8_t cv[2] = {-5, 7};
        size_t s3 = 3, s2 = 2, need;
        unsigned char *b2;
        avloc_st_begin(&w, NULL, 0);
        avloc_st_add(&w, "f", AVLOC_ST_F32, 1, &s3, fv);
        avloc_st_add(&w, "d", AVLOC_ST_F64, 1, &s2, dv);
        avloc_st_add(&w, "i", AVLOC_ST_I32, 1, &s3, iv);
        avloc_st_add(&w, "u", AVLOC_ST_U64, 0, NULL, &uv);
        avloc_st_add(&w, "c", AVLOC_ST_I8, 1, &s2, cv);
        CHECK_EQ_INT(avloc_st_finish(&w, &need), AVLOC_OK);
        b2 = (unsigned char *)malloc(need);
        avloc_st_begin(&w, b2, need);
        avloc_st_add(&w, "f", AVLOC_ST_F32, 1, &s3, fv);
        avloc_st_add(&w, "d", AVLOC_ST_F64, 1, &s2, dv);
        avloc_st_add(&w, "i", AVLOC_ST_I32, 1, &s3, iv);
        avloc_st_add(&w, "u", AVLOC_ST_U64, 0, NULL, &uv);
        avloc_st_add(&w, "c", AVLOC_ST_I8, 1, &s2, cv);
        CHECK_EQ_INT(avloc_st_finish(&w, &need), AVLOC_OK);
        CHECK_EQ_INT(avloc_st_open(&r, b2, need), AVLOC_OK);
        CHECK(avloc_st_read_f32(&r, "f", fo, 3) == AVLOC_OK && memcmp(fo, fv, sizeof fv) == 0);
        CHECK(avloc_st_read_f64(&r, "f", dout, 2) == AVLOC_ERR_SIZE);
        CHECK(avloc_st_read_f64(&r, "d", dout, 2) == AVLOC_OK && dout[0] == 1e-310 && dout[1] == -7.25);
        CHECK(avloc_st_read_i32(&r, "i", io, 3) == AVLOC_OK && memcmp(io, iv, sizeof iv) == 0);
        CHECK(avloc_st_read_i64(&r, "i", qo, 3) == AVLOC_OK && qo[0] == INT32_MIN && qo[2] == INT32_MAX);
        CHECK(avloc_st_read_i64(&r, "u", qo, 1) == AVLOC_OK && qo[0] == INT64_MAX);
        CHECK(avloc_st_read_i32(&r, "c", io, 2) == AVLOC_OK && io[0] == -5 && io[1] == 7);
        free(b2);
    }
}

static void test_writer_errors(void)
{
    avloc_st_writer w;
    unsigned char buf[512];
    size_t total, s9[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1}, big = AVLOC_MAX_DIM + 1, two = 2;
    float v[2] = {1, 2};
    CHECK_EQ_INT(avloc_st_begin(NULL, buf, sizeof buf), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_st_begin(&w, buf, 4), AVLOC_ERR_WORKSPACE);
    CHECK_EQ_INT(avloc_st_finish(&w, &total), AVLOC_ERR_WORKSPACE);
    CHECK_EQ_INT(total, 16);
    avloc_st_begin(&w, buf, sizeof buf);
    CHECK_EQ_INT(avloc_st_finish(&w, &total), AVLOC_OK); /* an empty file is valid */
    CHECK(total == 16 && memcmp(buf + 8, "{}      ", 8) == 0);

#define W_ERR(expr, code)                              \
    do {                                               \
        avloc_st_begin(&w, buf, sizeof buf);           \
        CHECK_EQ_INT((expr), (code));                  \
        CHECK_EQ_INT(avloc_st_finish(&w, &total), (code)); \
    } while (0)
    W_ERR(avloc_st_add(&w, NULL, AVLOC_ST_F32, 1, &two, v), AVLOC_ERR_NULL);
    W_ERR(avloc_st_add(&w, "a", AVLOC_ST_F32, 1, NULL, v), AVLOC_ERR_NULL);
    W_ERR(avloc_st_add(&w, "a", AVLOC_ST_F32, 1, &two, NULL), AVLOC_ERR_NULL);
    W_ERR(avloc_st_add(&w, "a", AVLOC_ST_INVALID, 1, &two, v), AVLOC_ERR_PARAM);
    W_ERR(avloc_st_add(&w, "a", AVLOC_ST_DTYPE_COUNT, 1, &two, v), AVLOC_ERR_PARAM);
    W_ERR(avloc_st_add(&w, "__metadata__", AVLOC_ST_F32, 1, &two, v), AVLOC_ERR_PARAM);
    W_ERR(avloc_st_add(&w, "bad\xff", AVLOC_ST_F32, 1, &two, v), AVLOC_ERR_PARAM);
    W_ERR(avloc_st_add(&w, "bad\xc0\x80", AVLOC_ST_F32, 1, &two, v), AVLOC_ERR_PARAM);
    W_ERR(avloc_st_add(&w, "a", AVLOC_ST_F32, 9, s9, v), AVLOC_ERR_SIZE);
    W_ERR(avloc_st_add(&w, "a", AVLOC_ST_F32, 1, &big, v), AVLOC_ERR_SIZE);
    W_ERR(avloc_st_add_meta(&w, "k", NULL), AVLOC_ERR_NULL);
    W_ERR(avloc_st_add_meta(&w, "k", "\xed\xa0\x80"), AVLOC_ERR_PARAM); /* encoded surrogate */
#undef W_ERR
    avloc_st_begin(&w, buf, sizeof buf); /* duplicates are found when finishing */
    avloc_st_add(&w, "a", AVLOC_ST_F32, 1, &two, v);
    avloc_st_add(&w, "a", AVLOC_ST_F32, 1, &two, v);
    CHECK_EQ_INT(avloc_st_finish(&w, &total), AVLOC_ERR_PARAM);
    avloc_st_begin(&w, buf, sizeof buf);
    avloc_st_add_meta(&w, "k", "1");
    avloc_st_add_meta(&w, "k", "2");
    CHECK_EQ_INT(avloc_st_finish(&w, &total), AVLOC_ERR_PARAM);
    /* a writer error is sticky */
    avloc_st_begin(&w, buf, sizeof buf);
    avloc_st_add(&w, NULL, AVLOC_ST_F32, 1, &two, v);
    CHECK_EQ_INT(avloc_st_add(&w, "ok", AVLOC_ST_F32, 1, &two, v), AVLOC_ERR_NULL);
}

/* ------------------------------------------------------ reader misuse */

static void test_reader_params(void)
{
    avloc_st_reader r;
    avloc_st_tensor t;
    avloc_st_iter it;
    float f[1];
    char b[4];
    size_t len;
    static const unsigned char empty[16] = {8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '};
    CHECK_EQ_INT(avloc_st_open(NULL, empty, 16), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_st_open(&r, NULL, 16), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_st_open(&r, empty, 7), AVLOC_ERR_FORMAT);
    CHECK_EQ_INT(avloc_st_find(&r, "a", &t), AVLOC_ERR_STATE); /* failed open leaves it closed */
    CHECK_EQ_INT(avloc_st_read_f32(&r, "a", f, 1), AVLOC_ERR_STATE);
    CHECK_EQ_INT(avloc_st_meta(&r, "a", b, 4), AVLOC_ERR_STATE);
    CHECK_EQ_INT(avloc_st_count(&r), 0);
    avloc_st_iter_begin(&r, &it);
    CHECK_EQ_INT(avloc_st_next(&r, &it, &t), 0);
    CHECK_EQ_INT(avloc_st_open(&r, empty, 16), AVLOC_OK);
    CHECK_EQ_INT(avloc_st_find(&r, NULL, &t), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_st_find(&r, "a", NULL), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_st_meta_len(&r, "a", NULL), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_st_meta_len(&r, "a", &len), AVLOC_ERR_NOT_FOUND);
    CHECK_EQ_INT(avloc_st_tensor_f32(NULL, f, 1), AVLOC_ERR_NULL);
    CHECK(avloc_st_dtype_size(AVLOC_ST_BF16) == 2 && avloc_st_dtype_size(AVLOC_ST_INVALID) == 0);
    CHECK(strcmp(avloc_st_dtype_name(AVLOC_ST_F8_E5M2), "F8_E5M2") == 0 && !avloc_st_dtype_name(AVLOC_ST_DTYPE_COUNT));
}

/* ------------------------------------------------------ hostile files */

typedef struct hcase {
    const char *hdr;
    size_t datalen;
} hcase;

#define T8 "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}"

static void test_hostile(void)
{
    static const hcase bad[] = {
        /* structure */
        {"", 0}, {" {}", 0}, {"[]", 0}, {"null", 0}, {"{", 0}, {"{}x", 0}, {"{} {}", 0},
        {"{\"a\":" T8 ",}", 8}, {"{,\"a\":" T8 "}", 8}, {"{\"a\"" T8 "}", 8}, {"{\"a\":" T8, 8},
        {"{a:" T8 "}", 8}, {"{'a':" T8 "}", 8}, {"{\"a\":" T8 " \"b\":" T8 "}", 16}, {"{\"a\":[]}", 0},
        {"{\"a\":\"x\"}", 0}, {"{\"a\":{}}", 0}, {"{}", 4}, {"{\"a\":1}", 0},
        /* strings */
        {"{\"a", 0}, {"{\"a\\\":" T8 "}", 8}, {"{\"a\\x\":" T8 "}", 8}, {"{\"a\\u12G4\":" T8 "}", 8},
        {"{\"a\\u12\":" T8 "}", 8}, {"{\"\\ud800\":" T8 "}", 8}, {"{\"\\udc00\":" T8 "}", 8},
        {"{\"\\ud800\\u0041\":" T8 "}", 8}, {"{\"\\ud800x\":" T8 "}", 8}, {"{\"a\tb\":" T8 "}", 8},
        {"{\"a\nb\":" T8 "}", 8}, {"{\"\xff\":" T8 "}", 8}, {"{\"\xc0\x80\":" T8 "}", 8},
        {"{\"\xed\xa0\x80\":" T8 "}", 8}, {"{\"\xf4\x90\x80\x80\":" T8 "}", 8}, {"{\"\xe2\x82\":" T8 "}", 8},
        {"{\"\x80\":" T8 "}", 8}, {"{\"a\":" T8 "}\xc3", 8},
        /* tensor info */
        {"{\"a\":{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8},
        {"{\"a\":{\"dtype\":\"f32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8},
        {"{\"a\":{\"dtype\":12,\"shape\":[2],\"data_offsets\":[0,8]}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8},
        {"{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":2,\"data_offsets\":[0,8]}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2,],\"data_offsets\":[0,8]}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-0,8]}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2e0],\"data_offsets\":[0,8]}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[02],\"data_offsets\":[0,8]}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,8]}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8]}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,18446744073709551616]}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,99999999999999999999999]}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[18446744073709551615],\"data_offsets\":[0,8]}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[268435457],\"data_offsets\":[0,1073741828]}}", 8},
        {"{\"a\":{\"dtype\":\"F64\",\"shape\":[268435456,268435456,268435456],\"data_offsets\":[0,8]}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8},  /* shape-bytes mismatch */
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8},  /* begin > end */
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 8}, /* out of range */
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 9},  /* trailing byte */
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 7},  /* short buffer */
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":tru}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":-}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1.}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1e}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":[1,]}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":{\"y\"}}}", 8},
        /* layout */
        {"{\"a\":" T8 ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12},  /* overlap */
        {"{\"a\":" T8 ",\"b\":" T8 "}", 16},                                                     /* overlap, sum ok */
        {"{\"a\":" T8 ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", 20}, /* gap */
        {"{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]},\"a\":" T8 "}", 20}, /* gap, unordered */
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
         "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,8]}}", 16}, /* empty inside a tensor */
        {"{\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,8]},"
         "\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16},
        {"{\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[20,20]},"
         "\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16},
        {"{\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}}", 0},
        /* names and metadata */
        {"{\"a\":" T8 ",\"a\":" T8 "}", 16},
        {"{\"a\":" T8 ",\"\\u0061\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16},
        {"{\"__metadata__\":{\"k\":1}}", 0}, {"{\"__metadata__\":{\"k\":null}}", 0},
        {"{\"__metadata__\":{\"k\":[\"v\"]}}", 0}, {"{\"__metadata__\":[]}", 0}, {"{\"__metadata__\":\"s\"}", 0},
        {"{\"__metadata__\":{\"k\":\"v\",}}", 0}, {"{\"__metadata__\":{\"k\"}}", 0},
        {"{\"__metadata__\":{\"k\":\"v\",\"k\":\"w\"}}", 0}, {"{\"__metadata__\":{\"k\":\"v\",\"\\u006b\":\"w\"}}", 0},
        {"{\"__metadata__\":{},\"__metadata__\":{}}", 0}, {"{\"__meta\\u0064ata__\":{\"k\":2}}", 0},
        {"{\"__metadata__\":{\"k\":\"\\q\"}}", 0}, {"{\"__metadata__\":nul}", 0}, {"{\"__metadata__\":{\"k\":\"v}}", 0},
    };
    static const hcase good[] = {
        {"{}", 0}, {"{}  \n\t\r ", 0}, {"{ }", 0}, {"{\"a\":" T8 "}", 8},
        {"{ \"a\" : { \"dtype\" : \"F32\" , \"shape\" : [ 2 ] , \"data_offsets\" : [ 0 , 8 ] } }  ", 8},
        {"{\"a\":{\"data_offsets\":[0,8],\"shape\":[2],\"dtype\":\"F32\"}}", 8},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":[[{\"y\":[true,false,null,-1.5e-3,0,\"s\"]}]]}}", 8},
        {"{\"a\":{\"\\u0064type\":\"F\\u0033\\u0032\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8},
        {"{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},\"a\":" T8 "}", 16},
        {"{\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],"
         "\"data_offsets\":[8,16]},\"a\":" T8 ",\"z\":{\"dtype\":\"I8\",\"shape\":[0,5],\"data_offsets\":[16,16]},"
         "\"y\":{\"dtype\":\"I8\",\"shape\":[0],\"data_offsets\":[0,0]}}", 16},
        {"{\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"f\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}", 0},
        {"{\"__metadata__\":null}", 0}, {"{\"__metadata__\":{}}", 0},
        {"{\"a\":" T8 ",\"__metadata__\":{\"a\":\"\\ud83d\\ude00\\\"\\/\\b\\f\\n\\r\\t\"}}", 8},
        {"{\"\":" T8 "}", 8}, {"{\"A\":" T8 ",\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,2],\"data_offsets\":[0,8]}}", 8},
        {"{\"a\":{\"dtype\":\"U8\",\"shape\":[268435456,0],\"data_offsets\":[0,0]}}", 0},
    };
    char deep[1200];
    size_t i, nbad = sizeof bad / sizeof bad[0], fails = 0;
    int depth;
    for (i = 0; i < nbad; i++) {
        avloc_result rc = open_hdr(bad[i].hdr, bad[i].datalen);
        if (rc != AVLOC_ERR_FORMAT) { fails++; fprintf(stderr, "  hostile #%u accepted or wrong code %d: %s\n", (unsigned)i, rc, bad[i].hdr); }
    }
    CHECK_EQ_INT(fails, 0);
    fails = 0;
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        avloc_result rc = open_hdr(good[i].hdr, good[i].datalen);
        if (rc != AVLOC_OK) { fails++; fprintf(stderr, "  valid #%u rejected (%d): %s\n", (unsigned)i, rc, good[i].hdr); }
    }
    CHECK_EQ_INT(fails, 0);
    { /* "{}\0" needs its explicit length: the NUL byte is part of the header */
        static const unsigned char f[11] = {3, 0, 0, 0, 0, 0, 0, 0, '{', '}', 0};
        CHECK_EQ_INT(open_copy(f, 11), AVLOC_ERR_FORMAT);
    }
    CHECK_EQ_INT(open_hdr("{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,2],\"data_offsets\":[0,8]}}", 8),
                 AVLOC_ERR_UNSUPPORTED);
    /* nesting: fine up to the limit, rejected beyond it */
    for (depth = 60; depth <= 70; depth += 10) {
        size_t n = 0;
        int d;
        n += (size_t)sprintf(deep, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":");
        for (d = 0; d < depth; d++) deep[n++] = '[';
        for (d = 0; d < depth; d++) deep[n++] = ']';
        deep[n++] = '}';
        deep[n++] = '}';
        deep[n] = 0;
        CHECK_EQ_INT(open_hdr(deep, 8), depth == 60 ? AVLOC_OK : AVLOC_ERR_FORMAT);
    }
    { /* header length field */
        unsigned char f[24];
        memset(f, 0, sizeof f);
        memcpy(f + 8, "{}      ", 8);
        f[0] = 8;
        CHECK_EQ_INT(open_copy(f, 16), AVLOC_OK);
        f[0] = 9;
        CHECK_EQ_INT(open_copy(f, 16), AVLOC_ERR_FORMAT); /* larger than the file */
        f[0] = 0;
        CHECK_EQ_INT(open_copy(f, 16), AVLOC_ERR_FORMAT); /* empty header */
        f[0] = 8;
        f[7] = 0x80;
        CHECK_EQ_INT(open_copy(f, 16), AVLOC_ERR_FORMAT); /* 2^63 + 8 */
        memset(f, 0xFF, 8);
        CHECK_EQ_INT(open_copy(f, 16), AVLOC_ERR_FORMAT);
        memset(f, 0, 8);
        f[0] = 0x01; f[1] = 0xE1; f[2] = 0xF5; f[3] = 0x05; /* 100,000,001 */
        CHECK_EQ_INT(open_copy(f, 16), AVLOC_ERR_FORMAT);
        CHECK_EQ_INT(open_copy(f, 0), AVLOC_ERR_FORMAT);
        CHECK_EQ_INT(open_copy(f, 7), AVLOC_ERR_FORMAT);
    }
}

/* Every strict prefix of a valid file is rejected. */
static void truncate_all(const char *name, const unsigned char *f, size_t size)
{
    size_t k, fails = 0;
    for (k = 0; k < size; k++)
        if (open_copy(f, k) != AVLOC_ERR_FORMAT) fails++;
    if (fails) fprintf(stderr, "  %s: %u prefixes not rejected\n", name, (unsigned)fails);
    CHECK_EQ_INT(fails, 0);
    CHECK_EQ_INT(open_copy(f, size), AVLOC_OK);
}

static void test_truncation(void)
{
    static const char *files[] = {"st_ref.safetensors", "st_ascii.safetensors", "st_empty.safetensors",
                                  "st_writer_ref.safetensors"};
    size_t i, size;
    for (i = 0; i < 4; i++) {
        unsigned char *f = load(files[i], &size);
        CHECK(f != NULL);
        if (f) truncate_all(files[i], f, size);
        free(f);
    }
}

/* ------------------------------------------------- many tensors, limits */

static void test_many(void)
{
    const size_t n = AVLOC_ST_MAX_TENSORS;
    size_t cap = 64 * (n + 1) + 64, len = 0, i, size;
    char *hdr = (char *)malloc(cap);
    unsigned char *f;
    avloc_st_reader r;
    avloc_st_tensor t;
    clock_t c0;
    double secs;
    int k;
    for (k = 0; k < 3; k++) {
        /* k = 0: data order, k = 1: reversed (slow path), k = 2: one too many */
        size_t count = k == 2 ? n + 1 : n;
        len = 0;
        hdr[len++] = '{';
        for (i = 0; i < count; i++) {
            size_t idx = k == 1 ? count - 1 - i : i;
            len += (size_t)sprintf(hdr + len, "%s\"t%u\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[%u,%u]}",
                                   i ? "," : "", (unsigned)idx, (unsigned)idx, (unsigned)idx + 1);
        }
        hdr[len++] = '}';
        size = 8 + len + count;
        f = (unsigned char *)calloc(size, 1);
        for (i = 0; i < 8; i++) f[i] = (unsigned char)((unsigned long long)len >> (8 * i));
        memcpy(f + 8, hdr, len);
        for (i = 0; i < count; i++) f[8 + len + i] = (unsigned char)i;
        c0 = clock();
        avloc_result rc = avloc_st_open(&r, f, size);
        secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
        if (k == 2) {
            CHECK_EQ_INT(rc, AVLOC_ERR_UNSUPPORTED);
        } else {
            CHECK_EQ_INT(rc, AVLOC_OK);
            CHECK_EQ_INT(avloc_st_count(&r), count);
            char probe[32];
            sprintf(probe, "t%u", (unsigned)(n - 96)); /* (the data byte of tensor i is i mod 256) */
            CHECK(avloc_st_find(&r, probe, &t) == AVLOC_OK && *(const unsigned char *)t.data == (unsigned char)(n - 96));
            printf("  open %u tensors (%s): %.3f s\n", (unsigned)count, k ? "reversed" : "in order", secs);
        }
        free(f);
    }
    /* one metadata pair too many; one fewer with a duplicate as its last key */
    for (k = 0; k < 2; k++) {
        size_t count = k == 0 ? n + 1 : n;
        len = (size_t)sprintf(hdr, "{\"__metadata__\":{");
        for (i = 0; i < count; i++)
            len += (size_t)sprintf(hdr + len, "%s\"k%u\":\"v\"", i ? "," : "", (unsigned)(k && i == count - 1 ? 0 : i));
        len += (size_t)sprintf(hdr + len, "}}");
        f = (unsigned char *)calloc(8 + len, 1);
        for (i = 0; i < 8; i++) f[i] = (unsigned char)((unsigned long long)len >> (8 * i));
        memcpy(f + 8, hdr, len);
        CHECK_EQ_INT(avloc_st_open(&r, f, 8 + len), k == 0 ? AVLOC_ERR_UNSUPPORTED : AVLOC_ERR_FORMAT);
        free(f);
    }
    free(hdr);
}

/* --------------------------------------------------------------- fuzz */

static int fuzz_one(const unsigned char *f, size_t size, int *opened)
{
    avloc_st_reader r;
    avloc_st_tensor t, u;
    avloc_st_iter it;
    size_t n = 0, sum = 0, len;
    char name[512], meta[64];
    float fv[64];
    int64_t qv[64];
    *opened = 0;
    if (avloc_st_open(&r, f, size) != AVLOC_OK) return 1;
    *opened = 1;
    avloc_st_iter_begin(&r, &it);
    while (avloc_st_next(&r, &it, &t)) {
        const unsigned char *d = (const unsigned char *)t.data;
        size_t bytes = avloc_st_dtype_size(t.dtype);
        avloc_result rc;
        n++;
        sum += t.nbytes;
        for (len = 0; len < t.ndim; len++) bytes *= t.shape[len];
        if (bytes != t.nbytes || d < r.buffer || d + t.nbytes > r.buffer + r.buffer_size) return 0;
        if (avloc_st_tensor_name(&t, name, sizeof name, &len) == AVLOC_OK) {
            if (avloc_st_find_n(&r, name, len, &u) != AVLOC_OK || u.data != t.data) return 0;
        }
        if (t.count <= 64) {
            rc = avloc_st_tensor_f32(&t, fv, t.count);
            if (rc != AVLOC_OK && rc != AVLOC_ERR_PARAM) return 0;
            rc = avloc_st_tensor_i64(&t, qv, t.count);
            if (rc != AVLOC_OK && rc != AVLOC_ERR_PARAM) return 0;
        }
    }
    (void)avloc_st_meta(&r, "format", meta, sizeof meta);
    return n == r.n_tensors && sum == r.buffer_size;
}

static void test_fuzz(void)
{
    static const char *files[] = {"st_ref.safetensors", "st_ascii.safetensors", "st_writer_ref.safetensors"};
    static const char interesting[] = "{}[]\":,\\0189u -.eE\x00\x7f\x80\xff ";
    unsigned char *base[3], *m;
    size_t sizes[3], iter, size, j;
    int ok_count = 0, bad = 0, opened, nmut;
    for (j = 0; j < 3; j++) base[j] = load(files[j], &sizes[j]);
    if (!base[0] || !base[1] || !base[2]) { CHECK(0); return; }
    lcg_state = 2024u;
    for (iter = 0; iter < 20000; iter++) {
        const unsigned char *src = base[iter % 3];
        size_t ssize = sizes[iter % 3];
        size = ssize;
        m = (unsigned char *)malloc(ssize + 8);
        memcpy(m, src, ssize);
        for (nmut = 1 + (int)(lcg() % 4); nmut > 0; nmut--) {
            unsigned op = lcg() % 8;
            size_t pos = size ? lcg() % size : 0;
            if (op <= 2 && size) m[pos] = (unsigned char)lcg();
            else if (op <= 4 && size) m[pos] = (unsigned char)interesting[lcg() % (sizeof interesting - 1)];
            else if (op == 5 && size) { memmove(m + pos, m + pos + 1, size - pos - 1); size--; } /* delete */
            else if (op == 6 && size < ssize + 8) { memmove(m + pos + 1, m + pos, size - pos); m[pos] = (unsigned char)lcg(); size++; }
            else if (op == 7 && size >= 8) m[lcg() % 8] ^= (unsigned char)(1u << (lcg() % 8)); /* length field */
        }
        { /* exact-size copy so sanitizers see overreads */
            unsigned char *c = (unsigned char *)malloc(size ? size : 1);
            memcpy(c, m, size);
            if (!fuzz_one(c, size, &opened)) bad++;
            ok_count += opened;
            free(c);
        }
        free(m);
    }
    CHECK_EQ_INT(bad, 0);
    printf("  fuzz: 20000 mutations, %d still valid, %d rejected\n", ok_count, 20000 - ok_count);
    for (j = 0; j < 3; j++) free(base[j]);
}

/* Every F16 and BF16 bit pattern (little-endian) against a decoder written
   from the IEEE formula with ldexp: subnormals, infinities and NaN (a NaN
   stays a NaN, never an infinity) included. */
static double half_ref(unsigned h, int bf16)
{
    int eb = bf16 ? 8 : 5, mb = bf16 ? 7 : 10, emax = (1 << eb) - 1, bias = emax / 2;
    unsigned e = (h >> mb) & (unsigned)emax, m = h & ((1u << mb) - 1);
    double sg = (h >> 15) ? -1.0 : 1.0;
    if (e == (unsigned)emax) { /* built on the bits: -ffast-math may fold NAN/HUGE_VAL selects */
        uint64_t u = ((uint64_t)(h >> 15) << 63) | 0x7ff0000000000000u | (m ? (uint64_t)1 << 51 : 0);
        double d;
        memcpy(&d, &u, sizeof d);
        return d;
    }
    if (e == 0) return sg * ldexp((double)m, 1 - bias - mb);
    return sg * ldexp((double)(m | (1u << mb)), (int)e - bias - mb);
}

static void test_half_all_patterns(void)
{
    static unsigned char raw[2 * 65536], buf[2 * 65536 + 512];
    static float out[65536];
    int bf;
    for (bf = 0; bf < 2; bf++) {
        avloc_st_writer w;
        avloc_st_reader r;
        avloc_st_tensor t;
        size_t shape[1] = {65536}, total = 0, i, bad = 0, first = 0;
        for (i = 0; i < 65536; i++) { raw[2 * i] = (unsigned char)(i & 0xff); raw[2 * i + 1] = (unsigned char)(i >> 8); }
        CHECK_EQ_INT(avloc_st_begin(&w, buf, sizeof buf), AVLOC_OK);
        CHECK_EQ_INT(avloc_st_add(&w, "h", bf ? AVLOC_ST_BF16 : AVLOC_ST_F16, 1, shape, raw), AVLOC_OK);
        CHECK_EQ_INT(avloc_st_finish(&w, &total), AVLOC_OK);
        CHECK_EQ_INT(avloc_st_open(&r, buf, total), AVLOC_OK);
        CHECK_EQ_INT(avloc_st_find(&r, "h", &t), AVLOC_OK);
        CHECK_EQ_INT(avloc_st_tensor_f32(&t, out, 65536), AVLOC_OK);
        for (i = 0; i < 65536; i++) {
            double ref = half_ref((unsigned)i, bf);
            /* NaN tested on the bits: x != x is folded away under -ffast-math */
            int ok = avloc__nan_f64(ref) ? avloc__nan_f32(out[i]) : (double)out[i] == ref;
#ifdef __FAST_MATH__
            /* -ffast-math programs start with flush-to-zero on: float subnormals read as 0 */
            if (!ok && fabs(ref) < FLT_MIN && out[i] == 0.0f) ok = 1;
#endif
            if (!ok && bad++ == 0) first = i;
        }
        CHECK_MSG(bad == 0, "%s: %u of 65536 patterns decoded wrong, first 0x%04x -> %g (expected %g)", bf ? "BF16" : "F16",
                  (unsigned)bad, (unsigned)first, out[first], half_ref((unsigned)first, bf));
    }
}

/* Every escape and every UTF-8 length at its boundaries through the
   decoder (avloc_st_json_char), against the UTF-8 table of RFC 3629. */
static void test_json_char(void)
{
    static const char raw[] = "\\u0041\\u007f\\u0080\\u00e9\\u07ff\\u0800\\u20ac\\uffff\\ud800\\udc00"
                              "\\ud83d\\ude00\\udbff\\udfff\\b\\f\\n\\r\\t\\\"\\\\\\/x\xc3\xa9";
    static const unsigned char want[] = {0x41, 0x7f, 0xc2, 0x80, 0xc3, 0xa9, 0xdf, 0xbf, 0xe0, 0xa0, 0x80,
                                         0xe2, 0x82, 0xac, 0xef, 0xbf, 0xbf, 0xf0, 0x90, 0x80, 0x80,
                                         0xf0, 0x9f, 0x98, 0x80, 0xf4, 0x8f, 0xbf, 0xbf,
                                         '\b', '\f', '\n', '\r', '\t', '"', '\\', '/', 'x', 0xc3, 0xa9};
    const char *p = raw, *end = raw + sizeof raw - 1;
    unsigned char got[64], c[4];
    size_t k = 0;
    int m, bad = 0;
    while (p < end && (m = avloc_st_json_char(&p, end, c)) > 0 && k + (size_t)m <= sizeof got) {
        memcpy(got + k, c, (size_t)m);
        k += (size_t)m;
    }
    CHECK(p == end);
    CHECK_EQ_INT(k, sizeof want);
    bad = k != sizeof want || memcmp(got, want, k) != 0;
    CHECK(!bad);
    p = "\\q";
    CHECK_EQ_INT(avloc_st_json_char(&p, p + 2, c), 0); /* not an escape */
}

int main(void)
{
    test_json_char();
    test_half_all_patterns();
    test_golden_ref();
    test_golden_ascii();
    test_golden_empty();
    test_writer_ref();
    test_roundtrip();
    test_writer_errors();
    test_reader_params();
    test_hostile();
    test_truncation();
    test_many();
    test_fuzz();
#ifndef TEST_ST_SUITE
#define TEST_ST_SUITE "safetensors"
#endif
    return th_finish(TEST_ST_SUITE);
}
