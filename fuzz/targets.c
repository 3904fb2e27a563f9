/* targets.c - every fuzz harness of avloc, in one translation unit so the
   library (and the CLI, whose file loaders are static functions of
   examples/avloc.c) is compiled once for all of them. fuzz/README.md lists
   the harnesses; fuzz/driver.c picks one by name.

   Parsers fed the raw input: wav, y4m, ppm, safetensors, gllim_model,
   phat_model, nn_model, npy (the CLI's .npy reader), mp_dict, mics_csv,
   manifest_csv, cli (argv). Numeric entry points fed sizes and values
   decoded from the input: fft, stft, mel, binaural, gllim_post, rpca, mp,
   mp_loc.
   The numeric harnesses check documented results too (FFT round trips,
   streaming STFT == one-shot STFT, finite outputs for finite input), so a
   wrong answer aborts like a crash. */
#define _POSIX_C_SOURCE 200809L
#define main avloc_cli_main
#include "../examples/avloc.c"
#undef main
#include "../avloc_gllim.h"
#include "../avloc_mp.h"
#include "../avloc_rpca.h"
#include "fuzz.h"

#include <dirent.h>
#include <unistd.h>

/* ----------------------------------------------------------- input bytes */

/* The fuzz input read front to back; past its end every read gives 0. */
typedef struct fz_in {
    const uint8_t *p;
    size_t n;
} fz_in;

static unsigned fz_u8(fz_in *in)
{
    if (!in->n) return 0;
    in->n--;
    return *in->p++;
}

static unsigned fz_u16(fz_in *in)
{
    unsigned lo = fz_u8(in);
    return lo | (fz_u8(in) << 8);
}

/* An integer in [lo, hi]. */
static size_t fz_range(fz_in *in, size_t lo, size_t hi)
{
    return lo + (size_t)fz_u16(in) % (hi - lo + 1);
}

/* A sample: mostly moderate values (in [-4, 4)); with wild != 0 also
   zeros, huge, tiny, denormal and non-finite ones. */
static float fz_val(fz_in *in, int wild)
{
    unsigned b = fz_u8(in);
    if (wild && b >= 240) {
        static const float special[16] = {0.0f, -0.0f, 1e30f, -1e30f, 1e-30f, 1e-40f, -1e-42f, 3.4e38f,
                                          1.0f, -1.0f, 0.5f, 65504.0f, 0.0f, 0.0f, 0.0f, 0.0f};
        if (b >= 252) return b == 252 ? (float)NAN : b == 253 ? (float)INFINITY : (float)-INFINITY;
        return special[b - 240];
    }
    return ((float)(b & 0x7f) - 64.0f) / 16.0f + (float)(fz_u8(in) & 0xf) / 256.0f;
}

static void fz_fill(fz_in *in, float *x, size_t n, int wild)
{
    size_t i;
    for (i = 0; i < n; i++) x[i] = fz_val(in, wild);
}

static int fz_all_finite(const float *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!isfinite(x[i])) return 0;
    return 1;
}

/* A broken invariant: report and abort (a crash for libFuzzer and replay). */
static void fz_fail(const char *what, long detail)
{
    fprintf(stderr, "fuzz invariant broken: %s (%ld)\n", what, detail);
    abort();
}
#define FZ_CHECK(cond, detail) \
    do { if (!(cond)) fz_fail(#cond, (long)(detail)); } while (0)

/* calloc that tolerates 0 and refuses absurd sizes (the harness caps what a
   fuzz input may make it allocate: libFuzzer's -rss_limit would fire). */
#define FZ_MAX_ALLOC ((size_t)64 << 20)
static void *fz_alloc(size_t bytes)
{
    if (bytes > FZ_MAX_ALLOC) return NULL;
    return calloc(1, bytes ? bytes : 1);
}

/* ------------------------------------------------------------ temp files */

/* One private directory per process (under $TMPDIR or /tmp), removed at
   exit: the file-based loaders of the CLI read the input from there, and
   the cli harness runs with it as working directory. */
static char fz_dir[512];

static void fz_dir_remove(void)
{
    char path[sizeof fz_dir + 260]; /* dir + '/' + d_name (at most 255) */
    DIR *d;
    struct dirent *e;
    if (!fz_dir[0] || !(d = opendir(fz_dir))) return;
    while ((e = readdir(d)) != NULL) { /* the CLI may write files of any name here */
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(path, sizeof path, "%s/%s", fz_dir, e->d_name);
        remove(path);
    }
    closedir(d);
    if (rmdir(fz_dir) != 0) fprintf(stderr, "fuzz: %s not empty, left in place\n", fz_dir);
}

static const char *fz_tmpdir(void)
{
    if (!fz_dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(fz_dir, sizeof fz_dir, "%s/avloc_fuzz_XXXXXX", t && t[0] ? t : "/tmp");
        if (!mkdtemp(fz_dir)) { perror("mkdtemp"); abort(); }
        atexit(fz_dir_remove);
    }
    return fz_dir;
}

/* Writes data into <tmpdir>/name; returns the path (valid until the next call). */
static const char *fz_file(const char *name, const void *data, size_t n)
{
    static char path[600];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", fz_tmpdir(), name);
    f = fopen(path, "wb");
    if (!f || (n && fwrite(data, 1, n, f) != n) || fclose(f) != 0) { perror(path); abort(); }
    return path;
}

/* The CLI's error messages go to stderr: silenced while a loader runs
   (thousands per second otherwise); sanitizer and libFuzzer reports are
   unaffected when the fuzzer runs with -close_fd_mask (tools/ci_fuzz.sh). */
static void fz_quiet(void)
{
    static int done;
    if (!done) {
        done = 1;
        if (!freopen("/dev/null", "w", stdout)) abort();
    }
}

/* ================================================================ parsers */

/* WAV: the memory loader under strict / lenient and interleaved / planar. */
static int fz_wav(const uint8_t *data, size_t size)
{
    avloc_io_audio a;
    unsigned flags = (unsigned)(size & 3u); /* the input length picks the mode: the bytes stay a plain WAV */
    avloc_io_status s = avloc_io_wav_load_mem(data, size, flags, &a);
    if (s == AVLOC_IO_OK) {
        FZ_CHECK(a.frames == a.info.frames && a.channels == a.info.channels, a.frames);
        FZ_CHECK(a.channels >= 1 && a.sample_rate >= 1, a.channels);
        FZ_CHECK(fz_all_finite(a.samples, a.frames * a.channels), a.frames); /* NaN/Inf become 0 */
        avloc_io_audio_free(&a);
    }
    return 0;
}

/* Y4M: the colour image decoder and the grey-video decoder (header check
   first, then the frames into a buffer sized from the checked header). */
static int fz_y4m(const uint8_t *data, size_t size)
{
    avloc_io_image im;
    avloc_io_y4m_info info;
    char msg[160];
    memset(&im, 0, sizeof im);
    if (avloc_io_y4m_decode(data, size, &im, msg, sizeof msg) == AVLOC_IO_OK) avloc_io_image_free(&im);
    if (avloc_io_y4m_decode_grey(data, size, NULL, 0, &info, msg, sizeof msg) == AVLOC_IO_OK) {
        size_t px = (size_t)info.w * info.h, n = info.frames < 4 ? info.frames : 4;
        float *fr = (float *)fz_alloc(n * px * sizeof(float));
        if (fr) {
            avloc_io_status s = avloc_io_y4m_decode_grey(data, size, fr, n, &info, msg, sizeof msg);
            FZ_CHECK(s == AVLOC_IO_OK || (s == AVLOC_IO_ERR_BUFFER && info.frames > n), s);
            if (s == AVLOC_IO_OK) {
                size_t i;
                for (i = 0; i < n * px; i++) FZ_CHECK(fr[i] >= 0.0f && fr[i] <= 1.0f, i);
            }
            free(fr);
        }
    }
    return 0;
}

/* PPM/PGM (P5/P6) decoder. */
static int fz_ppm(const uint8_t *data, size_t size)
{
    avloc_io_image im;
    char msg[160];
    memset(&im, 0, sizeof im);
    if (avloc_io_ppm_decode(data, size, &im, msg, sizeof msg) == AVLOC_IO_OK) {
        FZ_CHECK(im.pix && im.w && im.h && im.stride >= (size_t)im.w * im.channels, im.w);
        avloc_io_image_free(&im);
    }
    return 0;
}

/* safetensors: open, walk every tensor, decode names and values, metadata
   (the invariants of tests/test_safetensors.c's mutation fuzzer). */
static int fz_safetensors(const uint8_t *data, size_t size)
{
    avloc_st_reader r;
    avloc_st_tensor t, u;
    avloc_st_iter it;
    size_t n = 0, sum = 0, len, d;
    char name[512], meta[64];
    const char *raw;
    float fv[64];
    double dv[64];
    int64_t qv[64];
    int32_t iv[64];
    if (avloc_st_open(&r, data, size) != AVLOC_OK) return 0;
    avloc_st_iter_begin(&r, &it);
    while (avloc_st_next(&r, &it, &t)) {
        const unsigned char *p = (const unsigned char *)t.data;
        size_t bytes = avloc_st_dtype_size(t.dtype);
        n++;
        sum += t.nbytes;
        for (d = 0; d < t.ndim; d++) bytes *= t.shape[d];
        FZ_CHECK(bytes == t.nbytes, bytes);
        FZ_CHECK(p >= r.buffer && p + t.nbytes <= r.buffer + r.buffer_size, n);
        if (avloc_st_tensor_name(&t, name, sizeof name, &len) == AVLOC_OK) {
            FZ_CHECK(avloc_st_find_n(&r, name, len, &u) == AVLOC_OK && u.data == t.data, n);
        }
        if (t.count <= 64) {
            (void)avloc_st_tensor_f32(&t, fv, t.count);
            (void)avloc_st_tensor_f64(&t, dv, t.count);
            (void)avloc_st_tensor_i64(&t, qv, t.count);
            (void)avloc_st_tensor_i32(&t, iv, t.count);
        }
    }
    FZ_CHECK(n == r.n_tensors && sum == r.buffer_size, n);
    (void)avloc_st_meta(&r, "format", meta, sizeof meta);
    (void)avloc_st_meta_len(&r, "__metadata__", &len);
    (void)avloc_st_meta_raw(&r, "version", &raw, &len);
    return 0;
}

/* GLLiM model files: the library loader, then a posterior of a few random
   frames through the loaded model (validated models must give finite
   posteriors), then the CLI loader (which adds its own checks). */
static int fz_gllim_model(const uint8_t *data, size_t size)
{
    size_t K, L, D, bytes;
    avloc_gllim_model m;
    void *mem;
    if (avloc_gllim_load_query(data, size, &K, &L, &D, &bytes) == AVLOC_OK && (mem = fz_alloc(bytes)) != NULL) {
        if (avloc_gllim_load(&m, data, size, mem, bytes) == AVLOC_OK) {
            avloc_gllim_posterior p;
            size_t ob, sb, T = 3, i;
            void *pm, *sm;
            float *Y;
            unsigned char *mask;
            FZ_CHECK(m.K >= 1 && m.K <= K && m.L == L && m.D == D, m.K);
            if (avloc_gllim_posterior_query(&m, &ob, &sb) == AVLOC_OK && (pm = fz_alloc(ob)) != NULL) {
                sm = fz_alloc(sb);
                Y = (float *)fz_alloc(T * D * sizeof(float));
                mask = (unsigned char *)fz_alloc(T * D);
                if (sm && Y && mask && avloc_gllim_posterior_init(&p, &m, pm, ob) == AVLOC_OK) {
                    avloc_result r;
                    for (i = 0; i < T * D; i++) { Y[i] = (float)((i * 7919u) % 13u) / 13.0f - 0.5f; mask[i] = (unsigned char)(i % 3 != 0); }
                    r = avloc_gllim_posterior_f32(&m, Y, mask, T, &p, sm, sb);
                    if (r == AVLOC_OK)
                        for (i = 0; i < L; i++) FZ_CHECK(isfinite(p.mean[i]), i);
                }
                free(sm);
                free(Y);
                free(mask);
                free(pm);
            }
        }
        free(mem);
    }
    {
        gl_model gm;
        fz_quiet();
        if (gl_model_load("fuzz", fz_file("in.bin", data, size), &gm)) gl_model_free(&gm);
    }
    return 0;
}

/* GCC-PHAT baseline model files (library loader and the CLI's). */
static int fz_phat_model(const uint8_t *data, size_t size)
{
    avloc_phat_model p;
    fz_quiet();
    (void)avloc_phat_load(&p, data, size);
    (void)gl_phat_load("fuzz", fz_file("in.bin", data, size), &p);
    return 0;
}

/* Network files: query, init, introspection, and one inference on a
   deterministic input when the planned memory is modest. */
static int fz_nn_model(const uint8_t *data, size_t size)
{
    size_t obj = 0, k;
    avloc_nn net;
    avloc_nn_error err;
    void *mem, *arena = NULL, *scratch = NULL;
    float *in[8] = {0}, *out[8] = {0};
    int ok = 1;
    if (avloc_nn_query(data, size, &obj) != AVLOC_OK || !(mem = fz_alloc(obj))) return 0;
    if (avloc_nn_init_ex(&net, data, size, mem, obj, &err) != AVLOC_OK) { free(mem); return 0; }
    for (k = 0; k < net.n_tensors; k++) {
        avloc_nn_tensor_info ti;
        FZ_CHECK(avloc_nn_tensor_info_at(&net, k, &ti) == AVLOC_OK, k);
    }
    if (net.n_inputs > 8 || net.n_outputs > 8 || net.arena_bytes > FZ_MAX_ALLOC || net.scratch_bytes > FZ_MAX_ALLOC)
        ok = 0;
    for (k = 0; ok && k < net.n_inputs; k++) {
        avloc_nn_tensor_info ti;
        size_t i;
        if (avloc_nn_input_info(&net, k, &ti) != AVLOC_OK || !(in[k] = (float *)fz_alloc(ti.numel * sizeof(float)))) { ok = 0; break; }
        for (i = 0; i < ti.numel; i++) in[k][i] = (float)(i % 7) * 0.25f - 0.75f;
    }
    for (k = 0; ok && k < net.n_outputs; k++) {
        avloc_nn_tensor_info ti;
        if (avloc_nn_output_info(&net, k, &ti) != AVLOC_OK || !(out[k] = (float *)fz_alloc(ti.numel * sizeof(float)))) ok = 0;
    }
    if (ok && (arena = fz_alloc(net.arena_bytes)) != NULL && (scratch = fz_alloc(net.scratch_bytes)) != NULL) {
        avloc_result r = avloc_nn_run_f32(&net, (const float *const *)in, out, arena, net.arena_bytes, scratch,
                                          net.scratch_bytes);
        FZ_CHECK(r == AVLOC_OK || r == AVLOC_ERR_NONFINITE || r == AVLOC_ERR_NUMERIC, r);
        for (k = 0; (r == AVLOC_OK || r == AVLOC_ERR_NUMERIC) && k < net.n_outputs; k++) {
            avloc_nn_tensor_info ti;
            size_t i;
            FZ_CHECK(avloc_nn_output_info(&net, k, &ti) == AVLOC_OK, k);
            for (i = 0; i < ti.numel; i++) FZ_CHECK(r == AVLOC_OK ? isfinite(out[k][i]) : out[k][i] == 0, i);
        }
    }
    free(arena);
    free(scratch);
    for (k = 0; k < 8; k++) { free(in[k]); free(out[k]); }
    avloc_nn_destroy(&net);
    free(mem);
    return 0;
}

/* The CLI's .npy reader (avloc nn run --input X.npy). */
static int fz_npy(const uint8_t *data, size_t size)
{
    float *x = NULL;
    size_t shape[AVLOC_NN_MAX_NDIM];
    int ndim = 0;
    fz_quiet();
    if (nn_read_npy("fuzz", fz_file("in.bin", data, size), &x, shape, &ndim)) {
        FZ_CHECK(ndim >= 0 && ndim <= AVLOC_NN_MAX_NDIM, ndim);
        free(x);
    }
    return 0;
}

/* AV-MP dictionary files (CLI loader), then a coder set up with the
   dictionary on a signal one kernel long (tables and one coding pass). */
static int fz_mp_dict(const uint8_t *data, size_t size)
{
    mp_dictfile df;
    fz_quiet();
    if (!mp_dict_load("fuzz", fz_file("in.bin", data, size), &df)) return 0;
    {
        avloc_mp_config c = df.cfg;
        avloc_mp_dict dict;
        avloc_mp_coder coder;
        avloc_mp_atom atoms[4];
        size_t ob = 0, sb = 0, na = 0;
        void *mem = NULL, *scr = NULL;
        float *a = NULL, *v = NULL;
        c.audio_samples = c.audio_len + 3;
        c.frames = avloc_mp_frame_of(&c, c.audio_len) + c.kernel_t + 1;
        c.height = c.kernel_h + 1;
        c.width = c.kernel_w + 1;
        dict.audio = df.audio;
        dict.video = df.video;
        if (avloc_mp_coder_query(&c, &ob, &sb) == AVLOC_OK && (mem = fz_alloc(ob)) && (scr = fz_alloc(sb)) &&
            (a = (float *)fz_alloc(c.audio_samples * sizeof(float))) &&
            (v = (float *)fz_alloc(c.frames * c.height * c.width * sizeof(float))) &&
            avloc_mp_coder_init(&coder, &c, mem, ob) == AVLOC_OK) {
            (void)avloc_mp_dict_normalize(&c, &dict);
            a[0] = 1.0f;
            v[0] = 1.0f;
            if (avloc_mp_coder_set_dict(&coder, &dict, scr, sb) == AVLOC_OK) {
                avloc_result r = avloc_mp_code_f32(&coder, a, v, 4, 0.0f, atoms, &na, a, v, scr, sb); /* in place */
                FZ_CHECK(r != AVLOC_OK || na <= 4, na);
            }
            avloc_mp_coder_destroy(&coder);
        }
        free(mem);
        free(scr);
        free(a);
        free(v);
    }
    free(df.audio);
    free(df.video);
    return 0;
}

/* Microphone geometry CSV (avloc acimg array --geometry). */
static int fz_mics_csv(const uint8_t *data, size_t size)
{
    float *xyz = NULL;
    size_t n = 0;
    fz_quiet();
    if (acimg_read_geometry("fuzz", fz_file("in.bin", data, size), &xyz, &n)) {
        FZ_CHECK(n >= 1 && fz_all_finite(xyz, 3 * n), n);
        free(xyz);
    }
    return 0;
}

/* Calibration / test manifest CSV (avloc gllim train|locate --manifest). */
static int fz_manifest_csv(const uint8_t *data, size_t size)
{
    gl_list l;
    fz_quiet();
    if (gl_manifest_load("fuzz", fz_file("g.csv", data, size), &l)) gl_list_free(&l);
    return 0;
}

/* ---------------------------------------------------------------- the CLI */

/* Small valid files the CLI arguments can name (made once in the temp dir). */
static void fz_cli_files(void)
{
    static int done;
    float st[2 * 4000], mono[4000], frames[3 * 16 * 16];
    size_t i;
    char path[600];
    avloc_io_image im;
    if (done) return;
    done = 1;
    for (i = 0; i < 4000; i++) {
        mono[i] = 0.3f * (float)sin(0.05 * (double)i) + 0.01f * (float)((i * 7919u) % 101u) / 101.0f;
        st[2 * i] = mono[i];
        st[2 * i + 1] = i >= 3 ? 0.8f * mono[i - 3] : 0.0f;
    }
    for (i = 0; i < 3 * 16 * 16; i++) frames[i] = (float)(i % 17) / 16.0f;
    snprintf(path, sizeof path, "%s/a.wav", fz_tmpdir());
    if (avloc_io_wav_save(path, st, 4000, 2, 16000, AVLOC_IO_S16, 0) != AVLOC_IO_OK) abort();
    snprintf(path, sizeof path, "%s/m.wav", fz_tmpdir());
    if (avloc_io_wav_save(path, mono, 4000, 1, 8000, AVLOC_IO_S16, 0) != AVLOC_IO_OK) abort();
    snprintf(path, sizeof path, "%s/v.y4m", fz_tmpdir());
    if (avloc_io_y4m_save_grey(path, frames, 3, 16, 16, 25, 1) != AVLOC_IO_OK) abort();
    if (avloc_io_image_alloc(&im, 8, 8, 3) != AVLOC_IO_OK) abort();
    snprintf(path, sizeof path, "%s/f.ppm", fz_tmpdir());
    if (avloc_io_ppm_save(path, &im) != AVLOC_IO_OK) abort();
    avloc_io_image_free(&im);
}

/* argv from the input: arguments separated by NUL or newline, at most 12.
   Made safe to run: '/' becomes '_' and a lone "-" (stdin) becomes "x", so
   every path is a name inside the private temp dir (the working directory
   while the command runs); inputs with a number of more than 3 digits are
   skipped, so a fuzzed "--iters 99999999" cannot turn into a slow unit. */
static int fz_cli(const uint8_t *data, size_t size)
{
    char buf[1024], *argv[16], cwd[600];
    int argc = 1, rc, digits = 0;
    size_t i, n = size < sizeof buf - 1 ? size : sizeof buf - 1;
    fz_quiet();
    fz_cli_files();
    memcpy(buf, data, n);
    buf[n] = 0;
    argv[0] = (char *)"avloc";
    for (i = 0; i < n; i++) {
        if (buf[i] == '/') buf[i] = '_';
        if (buf[i] >= '0' && buf[i] <= '9') { if (++digits > 3) return 0; }
        else digits = 0;
        if (buf[i] == '\n') buf[i] = 0;
    }
    for (i = 0; i < n && argc < 13; i++) {
        if (buf[i] && (i == 0 || !buf[i - 1])) argv[argc++] = buf + i;
    }
    argv[argc] = NULL;
    for (i = 1; i < (size_t)argc; i++)
        if (!strcmp(argv[i], "-")) argv[i] = (char *)"x";
    if (!getcwd(cwd, sizeof cwd) || chdir(fz_tmpdir()) != 0) abort();
    avcli_strict = 0;
    rc = avloc_cli_main(argc, argv);
    if (chdir(cwd) != 0) abort();
    FZ_CHECK(rc == AVCLI_EXIT_OK || rc == AVCLI_EXIT_FAIL || rc == AVCLI_EXIT_USAGE, rc);
    return 0;
}

/* ========================================================= numeric entry points */

/* FFT: any n in 1..4200 (primes -> Bluestein), complex and real; forward
   then inverse must give the input back (both inverses scale by 1/n). */
static int fz_fft(const uint8_t *data, size_t size)
{
    fz_in in = {data, size};
    size_t n = fz_range(&in, 1, fz_u8(&in) < 200 ? 300 : 4200), i, pb, sb;
    int real = (int)(fz_u8(&in) & 1);
    avloc_fft_kind kind = real ? AVLOC_FFT_REAL : AVLOC_FFT_COMPLEX;
    avloc_fft_config fc = {n, kind};
    avloc_fft_f32 plan;
    void *pm, *sm;
    float *x, *y;
    avloc_complex_f32 *X;
    double err = 0, mag = 0;
    FZ_CHECK(avloc_fft_query_f32(&fc, &pb, &sb) == AVLOC_OK, n);
    pm = fz_alloc(pb);
    sm = fz_alloc(sb);
    x = (float *)fz_alloc(2 * n * sizeof(float));
    y = (float *)fz_alloc(2 * n * sizeof(float));
    X = (avloc_complex_f32 *)fz_alloc((n + 1) * sizeof(avloc_complex_f32));
    if (!pm || !sm || !x || !y || !X) abort();
    FZ_CHECK(avloc_fft_init_f32(&plan, &fc, pm, pb) == AVLOC_OK, n);
    fz_fill(&in, x, real ? n : 2 * n, 0);
    if (real) {
        FZ_CHECK(avloc_fft_r2c_f32(&plan, x, X, sm, sb) == AVLOC_OK, n);
        FZ_CHECK(avloc_fft_c2r_f32(&plan, X, y, sm, sb) == AVLOC_OK, n);
        for (i = 0; i < n; i++) { err = fmax(err, fabs((double)y[i] - x[i])); mag = fmax(mag, fabs(x[i])); }
    } else {
        avloc_complex_f32 *c = (avloc_complex_f32 *)(void *)x, *o = (avloc_complex_f32 *)(void *)y;
        FZ_CHECK(avloc_fft_c2c_f32(&plan, c, o, AVLOC_FFT_FORWARD, sm, sb) == AVLOC_OK, n);
        FZ_CHECK(avloc_fft_c2c_f32(&plan, o, o, AVLOC_FFT_INVERSE, sm, sb) == AVLOC_OK, n); /* in place */
        for (i = 0; i < 2 * n; i++) { err = fmax(err, fabs((double)y[i] - x[i])); mag = fmax(mag, fabs(x[i])); }
    }
    /* float round trip: error ~ eps * log2(n) * |x|; Bluestein adds a few eps */
    FZ_CHECK(err <= 1e-4 * (mag + 1e-30) * (1 + log2((double)n)), n);
    avloc_fft_destroy_f32(&plan);
    free(pm);
    free(sm);
    free(x);
    free(y);
    free(X);
    return 0;
}

/* STFT: random n_fft / hop / window length / window / padding; a signal
   pushed through the streaming STFT in random blocks must give the
   one-shot center = 0 frames. Wild values: the one-shot call must refuse
   (or accept) without crashing, the stream refuses non-finite input. */
static int fz_stft(const uint8_t *data, size_t size)
{
    fz_in in = {data, size};
    avloc_stft_config cfg = avloc_stft_config_default();
    avloc_stft_f32 st;
    avloc_stft_stream_f32 ss;
    size_t ob, sb, qb, n, nf = 0, done = 0, got = 0, i;
    int stalled = 0;
    void *om, *sm, *qm;
    float *x;
    avloc_complex_f32 *A, *B;
    int wild;
    cfg.n_fft = fz_range(&in, 1, 300);
    cfg.hop = fz_range(&in, 0, 320);
    cfg.win_length = fz_range(&in, 0, 310);
    cfg.window = (avloc_window)(fz_u8(&in) % 6); /* 5: invalid */
    cfg.periodic = (int)(fz_u8(&in) & 1);
    cfg.center = (int)(fz_u8(&in) & 1);
    cfg.pad_mode = (avloc_pad_mode)(fz_u8(&in) % 3);
    cfg.onesided = (int)(fz_u8(&in) & 1);
    wild = fz_u8(&in) >= 200;
    n = fz_range(&in, 0, 1200);
    if (avloc_stft_query_f32(&cfg, &ob, &sb) != AVLOC_OK) return 0;
    om = fz_alloc(ob);
    sm = fz_alloc(sb);
    x = (float *)fz_alloc(n * sizeof(float));
    if (!om || !sm || !x) abort();
    fz_fill(&in, x, n, wild);
    FZ_CHECK(avloc_stft_init_f32(&st, &cfg, om, ob) == AVLOC_OK, cfg.n_fft);
    if (avloc_stft_frames(&cfg, n, &nf) == AVLOC_OK) {
        A = (avloc_complex_f32 *)fz_alloc(nf * st.n_bins * sizeof *A);
        if (A) (void)avloc_stft_forward_f32(&st, x, n, A, nf, sm, sb);
        free(A);
    }
    /* streaming vs one-shot (center = 0) on finite input */
    if (!wild) {
        avloc_stft_config c0 = cfg;
        c0.center = 0;
        FZ_CHECK(avloc_stft_stream_query_f32(&st, &qb) == AVLOC_OK, qb);
        qm = fz_alloc(qb);
        if (!qm) abort();
        FZ_CHECK(avloc_stft_stream_init_f32(&ss, &st, qm, qb) == AVLOC_OK, qb);
        if (avloc_stft_frames(&c0, n, &nf) != AVLOC_OK) nf = 0;
        A = (avloc_complex_f32 *)fz_alloc((nf + 1) * st.n_bins * sizeof *A);
        B = (avloc_complex_f32 *)fz_alloc((nf + 1) * st.n_bins * sizeof *B);
        if (!A || !B) abort();
        if (nf) {
            avloc_stft_f32 s0 = st;
            s0.cfg.center = 0;
            FZ_CHECK(avloc_stft_forward_f32(&s0, x, n, A, nf, sm, sb) == AVLOC_OK, nf);
        }
        while (done < n) {
            /* cap 0 may stop before a due frame with nothing consumed: the
               next call then gets room for one, so the loop always advances */
            size_t blk = fz_range(&in, 1, 97), fo = 0, used = 0, cap = fz_u8(&in) % 3 + (stalled ? 1u : 0u);
            if (blk > n - done) blk = n - done;
            /* B has room for nf + 1 frames: a cap past it would promise memory
               beyond B, which the push compares with its other buffers (it
               refused it when the heap put the scratch there: a flaky abort) */
            if (cap > nf + 1 - got) cap = nf + 1 - got;
            FZ_CHECK(avloc_stft_stream_push_f32(&ss, x + done, blk, B + got * st.n_bins, cap, &fo, &used, sm, sb) ==
                         AVLOC_OK, done);
            FZ_CHECK(fo <= cap && used <= blk && got + fo <= nf, got);
            done += used;
            got += fo;
            stalled = used == 0 && fo == 0;
        }
        FZ_CHECK(got == nf, got);
        for (i = 0; i < nf * st.n_bins; i++) {
            double d = fabs((double)A[i].re - B[i].re) + fabs((double)A[i].im - B[i].im);
            FZ_CHECK(d <= 1e-4 * (1.0 + fabs(A[i].re) + fabs(A[i].im)), i);
        }
        avloc_stft_stream_destroy_f32(&ss);
        free(qm);
        free(A);
        free(B);
    }
    avloc_stft_destroy_f32(&st);
    free(om);
    free(sm);
    free(x);
    return 0;
}

/* Mel spectrogram / MFCC: random configurations (rates, mel counts, ranges,
   scales, norms, logs, lifters); finite input gives finite output. */
static int fz_mel(const uint8_t *data, size_t size)
{
    fz_in in = {data, size};
    avloc_melspec_config cfg = avloc_melspec_config_default();
    avloc_melspec_f32 m;
    size_t ob, sb, n, nf, i;
    void *om, *sm;
    float *x, *mel, *mf;
    int wild;
    cfg.stft.n_fft = fz_range(&in, 1, 260);
    cfg.stft.hop = fz_range(&in, 1, 200);
    cfg.stft.win_length = fz_range(&in, 0, 260);
    cfg.stft.center = (int)(fz_u8(&in) & 1);
    cfg.stft.pad_mode = (avloc_pad_mode)(fz_u8(&in) & 1);
    cfg.sample_rate = (float)fz_range(&in, 0, 48000);
    cfg.n_mels = fz_range(&in, 0, 80);
    cfg.fmin = (float)fz_range(&in, 0, 2000);
    cfg.fmax = (float)fz_range(&in, 0, 30000);
    cfg.scale = (avloc_mel_scale)(fz_u8(&in) % 3);
    cfg.norm = (avloc_mel_norm)(fz_u8(&in) % 3);
    cfg.power = (float)fz_range(&in, 0, 4) * 0.5f;
    cfg.log = (avloc_log_kind)(fz_u8(&in) % 4);
    cfg.top_db = (float)fz_range(&in, 0, 120) - 20.0f;
    cfg.n_mfcc = fz_range(&in, 0, 40);
    cfg.lifter = (avloc_lifter)(fz_u8(&in) % 4);
    cfg.lifter_L = (float)fz_range(&in, 0, 30);
    wild = fz_u8(&in) >= 200;
    n = fz_range(&in, 0, 1500);
    if (avloc_melspec_query_f32(&cfg, &ob, &sb) != AVLOC_OK) return 0;
    om = fz_alloc(ob);
    sm = fz_alloc(sb);
    x = (float *)fz_alloc(n * sizeof(float));
    if (!om || !sm || !x) abort();
    fz_fill(&in, x, n, wild);
    FZ_CHECK(avloc_melspec_init_f32(&m, &cfg, om, ob) == AVLOC_OK, cfg.n_mels);
    if (avloc_stft_frames(&cfg.stft, n, &nf) == AVLOC_OK) {
        mel = (float *)fz_alloc(nf * cfg.n_mels * sizeof(float));
        mf = (float *)fz_alloc(nf * (cfg.n_mfcc + 1) * sizeof(float));
        if (mel && mf) {
            avloc_result r = avloc_melspec_compute_f32(&m, x, n, mel, nf, sm, sb);
            if (r == AVLOC_OK && !wild && cfg.log != AVLOC_LOG_NONE) FZ_CHECK(fz_all_finite(mel, nf * cfg.n_mels), nf);
            if (r == AVLOC_OK && !wild && cfg.log == AVLOC_LOG_NONE)
                for (i = 0; i < nf * cfg.n_mels; i++) FZ_CHECK(mel[i] >= 0.0f && !isnan(mel[i]), i);
            if (cfg.n_mfcc) {
                r = avloc_melspec_mfcc_f32(&m, x, n, mel, mf, nf, sm, sb);
                if (r == AVLOC_OK && !wild) FZ_CHECK(fz_all_finite(mf, nf * cfg.n_mfcc), nf);
            }
        }
        free(mel);
        free(mf);
    }
    avloc_melspec_destroy_f32(&m);
    free(om);
    free(sm);
    free(x);
    return 0;
}

/* Binaural features: random configuration and a stereo clip; features are
   finite (documented: inactive points too) and the mask is 0/1. */
static int fz_binaural(const uint8_t *data, size_t size)
{
    fz_in in = {data, size};
    avloc_binaural_config cfg = avloc_binaural_config_default();
    avloc_binaural_plan_f32 plan;
    size_t pb, sb, n, nf, D, i, act;
    void *pm, *sm;
    float *l, *r, *feat;
    unsigned char *mask;
    int wild;
    cfg.sample_rate = (float)fz_range(&in, 0, 48000);
    cfg.n_fft = fz_range(&in, 0, 256);
    cfg.hop = fz_range(&in, 0, 130);
    cfg.window = (avloc_window)(fz_u8(&in) % 6);
    cfg.first_bin = fz_range(&in, 0, 40);
    cfg.n_bins = fz_range(&in, 0, 140);
    cfg.threshold_db = (float)fz_range(&in, 0, 200) - 150.0f;
    cfg.threshold_relative = (int)(fz_u8(&in) & 1);
    wild = fz_u8(&in) >= 200;
    n = fz_range(&in, 0, 1200);
    if (avloc_binaural_plan_query_f32(&cfg, &pb) != AVLOC_OK) return 0;
    if (avloc_binaural_plan_scratch_f32(&cfg, n, &sb) != AVLOC_OK) return 0;
    if (avloc_binaural_frames(&cfg, n, &nf) != AVLOC_OK) return 0;
    D = 3 * cfg.n_bins;
    pm = fz_alloc(pb);
    sm = fz_alloc(sb);
    l = (float *)fz_alloc(n * sizeof(float));
    r = (float *)fz_alloc(n * sizeof(float));
    feat = (float *)fz_alloc(nf * D * sizeof(float));
    mask = (unsigned char *)fz_alloc(nf * D);
    if (!pm || !sm || !l || !r || !feat || !mask) abort();
    fz_fill(&in, l, n, wild);
    for (i = 0; i < n; i++) r[i] = fz_u8(&in) & 1 ? l[i] * 0.5f : fz_val(&in, wild);
    FZ_CHECK(avloc_binaural_plan_init_f32(&plan, &cfg, pm, pb) == AVLOC_OK, cfg.n_fft);
    if (avloc_binaural_plan_features_f32(&plan, l, r, n, feat, mask, nf, &act, sm, sb) == AVLOC_OK) {
        FZ_CHECK(fz_all_finite(feat, nf * D), nf);
        for (i = 0; i < nf * D; i++) FZ_CHECK(mask[i] <= 1, i);
    }
    avloc_binaural_plan_destroy_f32(&plan);
    free(pm);
    free(sm);
    free(l);
    free(r);
    free(feat);
    free(mask);
    return 0;
}

/* GLLiM posterior on a random model (sizes and parameters from the input;
   model_prepare decides whether it is valid) and a random masked series. */
static int fz_gllim_post(const uint8_t *data, size_t size)
{
    fz_in in = {data, size};
    size_t K = fz_range(&in, 1, 6), L = fz_range(&in, 1, AVLOC_GLLIM_MAX_L), D = fz_range(&in, 1, 24);
    size_t T = fz_range(&in, 0, 20), mb, ob, sb, i;
    avloc_gllim_model m;
    avloc_gllim_posterior p;
    void *mm, *pm, *sm;
    float *Y;
    unsigned char *mask;
    int wild = fz_u8(&in) >= 220;
    avloc_result r;
    FZ_CHECK(avloc_gllim_model_query(K, L, D, &mb) == AVLOC_OK, K);
    mm = fz_alloc(mb);
    if (!mm) abort();
    FZ_CHECK(avloc_gllim_model_init(&m, K, L, D, mm, mb) == AVLOC_OK, K);
    m.sigma_type = (avloc_gllim_sigma)(1 + fz_u8(&in) % 4);
    for (i = 0; i < K; i++) m.pi[i] = fabs((double)fz_val(&in, wild)) + (fz_u8(&in) & 1 ? 0.1 : 0.0);
    for (i = 0; i < K * L; i++) m.c[i] = fz_val(&in, wild);
    for (i = 0; i < K; i++) { /* Gamma_k = B B^T + eps I (sometimes singular or indefinite) */
        size_t a, b, j;
        double B[AVLOC_GLLIM_MAX_L * AVLOC_GLLIM_MAX_L], eps = (double)(fz_u8(&in) % 4) * 0.05;
        for (j = 0; j < L * L; j++) B[j] = fz_val(&in, wild);
        for (a = 0; a < L; a++)
            for (b = 0; b < L; b++) {
                double s = a == b ? eps : 0.0;
                for (j = 0; j < L; j++) s += B[a * L + j] * B[b * L + j];
                m.Gamma[(i * L + a) * L + b] = s;
            }
    }
    for (i = 0; i < K * D * L; i++) m.A[i] = fz_val(&in, wild);
    for (i = 0; i < K * D; i++) m.b[i] = fz_val(&in, wild);
    for (i = 0; i < K * D; i++) m.sigma2[i] = fabs((double)fz_val(&in, wild)) + 1e-3 * (fz_u8(&in) & 1);
    m.obs_weight = fz_u8(&in) & 1 ? 1.0 : 0.25;
    if (avloc_gllim_model_prepare(&m) != AVLOC_OK) { free(mm); return 0; }
    FZ_CHECK(avloc_gllim_posterior_query(&m, &ob, &sb) == AVLOC_OK, ob);
    pm = fz_alloc(ob);
    sm = fz_alloc(sb);
    Y = (float *)fz_alloc(T * D * sizeof(float));
    mask = (unsigned char *)fz_alloc(T * D);
    if (!pm || !sm || !Y || !mask) abort();
    fz_fill(&in, Y, T * D, wild);
    for (i = 0; i < T * D; i++) mask[i] = (unsigned char)(fz_u8(&in) % 3 != 0);
    FZ_CHECK(avloc_gllim_posterior_init(&p, &m, pm, ob) == AVLOC_OK, ob);
    r = avloc_gllim_posterior_f32(&m, Y, mask, T, &p, sm, sb);
    if (r == AVLOC_OK || r == AVLOC_NO_ACTIVE_POINTS) {
        double s = 0;
        for (i = 0; i < p.K; i++) { FZ_CHECK(p.nu[i] >= 0 && p.nu[i] <= 1 + 1e-9, i); s += p.nu[i]; }
        FZ_CHECK(fabs(s - 1.0) < 1e-6, (long)(s * 1e6));
        for (i = 0; i < L; i++) FZ_CHECK(isfinite(p.mean[i]), i);
    }
    free(mm);
    free(pm);
    free(sm);
    free(Y);
    free(mask);
    return 0;
}

/* Plain RPCA on a small random matrix (any rank, zeros, wild values):
   finite input and AVLOC_OK give finite L and S. */
static int fz_rpca(const uint8_t *data, size_t size)
{
    fz_in in = {data, size};
    avloc_rpca_config cfg = avloc_rpca_config_default();
    avloc_rpca r;
    avloc_rpca_info info;
    size_t ob, sb, mn;
    void *om, *sm;
    float *Dm, *Lm, *Sm;
    int wild;
    avloc_result res;
    cfg.rows = fz_range(&in, 0, 12);
    cfg.cols = fz_range(&in, 0, 12);
    cfg.max_iter = fz_range(&in, 1, 60);
    cfg.full_svd = (int)(fz_u8(&in) & 1);
    cfg.max_rank = fz_range(&in, 0, 4);
    cfg.lambda = (double)(fz_u8(&in) % 4) * 0.1;
    wild = fz_u8(&in) >= 220;
    if (avloc_rpca_query(&cfg, &ob, &sb) != AVLOC_OK) return 0;
    mn = cfg.rows * cfg.cols;
    om = fz_alloc(ob);
    sm = fz_alloc(sb);
    Dm = (float *)fz_alloc(mn * sizeof(float));
    Lm = (float *)fz_alloc(mn * sizeof(float));
    Sm = (float *)fz_alloc(mn * sizeof(float));
    if (!om || !sm || !Dm || !Lm || !Sm) abort();
    if (fz_u8(&in) & 1) fz_fill(&in, Dm, mn, wild);
    else { /* rank one */
        size_t i, j;
        for (i = 0; i < cfg.rows; i++)
            for (j = 0; j < cfg.cols; j++) Dm[i * cfg.cols + j] = (float)(i + 1) * (float)j * 0.1f;
    }
    FZ_CHECK(avloc_rpca_init(&r, &cfg, om, ob) == AVLOC_OK, mn);
    res = avloc_rpca_solve_f32(&r, Dm, Lm, Sm, NULL, &info, sm, sb);
    if (res == AVLOC_OK && fz_all_finite(Dm, mn)) FZ_CHECK(fz_all_finite(Lm, mn) && fz_all_finite(Sm, mn), mn);
    avloc_rpca_destroy(&r);
    free(om);
    free(sm);
    free(Dm);
    free(Lm);
    free(Sm);
    return 0;
}

/* AV matching pursuit: random small configuration, dictionary and signal;
   the fast coder and the reference coder both run; atoms lie inside the
   signal and coefficients are finite. */
static int fz_mp(const uint8_t *data, size_t size)
{
    fz_in in = {data, size};
    avloc_mp_config c = avloc_mp_config_default();
    avloc_mp_coder coder;
    avloc_mp_dict dict;
    avloc_mp_atom atoms[8];
    size_t ob, sb, na = 0, nva, nvv, nsv, i, max_atoms;
    void *om, *sm;
    float *da, *dv, *a, *v, *ra, *rv;
    int wild;
    avloc_result r;
    c.kernels = fz_range(&in, 0, 4);
    c.audio_len = fz_range(&in, 0, 40);
    c.kernel_t = fz_range(&in, 0, 3);
    c.kernel_h = fz_range(&in, 0, 4);
    c.kernel_w = fz_range(&in, 0, 4);
    c.audio_samples = fz_range(&in, 0, 200);
    c.frames = fz_range(&in, 0, 8);
    c.height = fz_range(&in, 0, 8);
    c.width = fz_range(&in, 0, 8);
    c.audio_rate = (double)fz_range(&in, 0, 400);
    c.video_fps = (double)fz_range(&in, 0, 40);
    c.low_memory = (int)(fz_u8(&in) & 1);
    c.product_score = (int)(fz_u8(&in) & 1);
    max_atoms = fz_range(&in, 0, 8);
    wild = fz_u8(&in) >= 220;
    if (avloc_mp_coder_query(&c, &ob, &sb) != AVLOC_OK) return 0;
    nva = c.kernels * c.audio_len;
    nvv = c.kernels * c.kernel_t * c.kernel_h * c.kernel_w;
    nsv = c.frames * c.height * c.width;
    om = fz_alloc(ob);
    sm = fz_alloc(sb);
    da = (float *)fz_alloc(nva * sizeof(float));
    dv = (float *)fz_alloc(nvv * sizeof(float));
    a = (float *)fz_alloc(c.audio_samples * sizeof(float));
    v = (float *)fz_alloc(nsv * sizeof(float));
    ra = (float *)fz_alloc(c.audio_samples * sizeof(float));
    rv = (float *)fz_alloc(nsv * sizeof(float));
    if (!om || !sm || !da || !dv || !a || !v || !ra || !rv) abort();
    fz_fill(&in, da, nva, wild);
    fz_fill(&in, dv, nvv, wild);
    if (fz_u8(&in) & 1) { fz_fill(&in, a, c.audio_samples, wild); fz_fill(&in, v, nsv, wild); } /* else silence */
    dict.audio = da;
    dict.video = dv;
    (void)avloc_mp_dict_normalize(&c, &dict);
    FZ_CHECK(avloc_mp_coder_init(&coder, &c, om, ob) == AVLOC_OK, ob);
    if (avloc_mp_coder_set_dict(&coder, &dict, sm, sb) == AVLOC_OK) {
        r = avloc_mp_code_f32(&coder, a, v, max_atoms, 0.0f, atoms, &na, ra, rv, sm, sb);
        if (r == AVLOC_OK) {
            FZ_CHECK(na <= max_atoms, na);
            for (i = 0; i < na; i++) {
                FZ_CHECK(atoms[i].k < c.kernels && atoms[i].offset + c.audio_len <= c.audio_samples, i);
                FZ_CHECK(atoms[i].row + c.kernel_h <= c.height && atoms[i].col + c.kernel_w <= c.width, i);
                FZ_CHECK(isfinite(atoms[i].ca) && isfinite(atoms[i].cv), i);
            }
        }
        r = avloc_mp_code_naive_f32(&c, &dict, a, v, max_atoms, 0.0f, atoms, &na, ra, rv);
        if (r == AVLOC_OK) FZ_CHECK(na <= max_atoms, na);
    }
    avloc_mp_coder_destroy(&coder);
    free(om);
    free(sm);
    free(da);
    free(dv);
    free(a);
    free(v);
    free(ra);
    free(rv);
    return 0;
}

/* The AV-MP localisation maps and the whitening on decoded sizes, atoms
   (some outside the signal) and values (wild: huge, tiny, non-finite):
   AVLOC_OK must come with finite maps (votes and heat >= 0), a located
   position inside the frame, and a finite whitened video; an error leaves
   the maps zero or untouched. Rows of up to 44 positions reach the votes'
   vector paths (one and two vectors a step, the overlapping rest). */
static int fz_mp_loc(const uint8_t *data, size_t size)
{
    fz_in in = {data, size};
    avloc_mp_config c = avloc_mp_config_default();
    avloc_mp_atom atoms[6];
    size_t n_at, nv, nk, hw, sb, shift, i, f;
    float *dv, *v, *map;
    void *scr;
    int wild, k;
    avloc_result r;
    c.kernels = fz_range(&in, 1, 4);
    c.kernel_t = fz_range(&in, 1, 4);
    c.kernel_h = fz_range(&in, 1, 5);
    c.kernel_w = fz_range(&in, 1, 5);
    c.frames = c.kernel_t + fz_range(&in, 0, 6);
    c.height = c.kernel_h + fz_range(&in, 0, 8);
    c.width = c.kernel_w + fz_range(&in, 0, 43);
    c.audio_len = 4; c.audio_samples = 4; c.audio_rate = 100; c.video_fps = 10;
    n_at = fz_range(&in, 0, 6);
    shift = fz_range(&in, 0, 4);
    wild = fz_u8(&in) >= 200;
    for (i = 0; i < n_at; i++) {
        atoms[i].k = fz_range(&in, 0, c.kernels); /* == kernels: outside */
        atoms[i].offset = 0;
        atoms[i].frame = fz_range(&in, 0, c.frames - c.kernel_t + 1);
        atoms[i].row = fz_range(&in, 0, c.height - c.kernel_h + 1);
        atoms[i].col = fz_range(&in, 0, c.width - c.kernel_w + 1);
        atoms[i].ca = fz_val(&in, wild);
        atoms[i].cv = fz_val(&in, wild);
    }
    hw = c.height * c.width;
    nv = c.frames * hw;
    nk = c.kernels * c.kernel_t * c.kernel_h * c.kernel_w;
    dv = (float *)fz_alloc(nk * sizeof(float));
    v = (float *)fz_alloc(nv * sizeof(float));
    map = (float *)fz_alloc(nv * sizeof(float));
    if (!dv || !v || !map || avloc_mp_whiten_query(c.height, c.width, &sb) != AVLOC_OK || !(scr = fz_alloc(sb))) abort();
    fz_fill(&in, dv, nk, wild);
    fz_fill(&in, v, nv, wild);
    for (k = 0; k < 2; k++) {
        r = k ? avloc_mp_heatmap_f32(&c, dv, atoms, n_at, map)
              : avloc_mp_votes_f32(&c, dv, v, atoms, n_at, shift, map);
        if (r == AVLOC_OK) {
            for (i = 0; i < nv; i++) FZ_CHECK(isfinite(map[i]) && map[i] >= 0, i);
            for (f = 0; f < c.frames; f++) {
                double u = -1, w = -1;
                if (avloc_mp_locate_frame_f32(map + f * hw, c.height, c.width, c.kernel_w, c.kernel_h, &u, &w))
                    FZ_CHECK(u >= 0 && u <= (double)(c.width - 1) && w >= 0 && w <= (double)(c.height - 1), f);
            }
        } else {
            for (i = 0; i < nv; i++) FZ_CHECK(map[i] == 0, i); /* zeroed, or untouched (the first call: calloc) */
        }
        memset(map, 0, nv * sizeof(float));
    }
    r = avloc_mp_whiten_f32(v, c.frames, c.height, c.width, (double)fz_range(&in, 1, 2000) / 1000.0, scr, sb);
    if (r == AVLOC_OK) FZ_CHECK(fz_all_finite(v, nv), r);
    free(dv);
    free(v);
    free(map);
    free(scr);
    return 0;
}

/* ------------------------------------------------------------------ table *//* ------------------------------------------------------------------ table */

const fz_target fz_targets[] = {
    {"wav", fz_wav},
    {"y4m", fz_y4m},
    {"ppm", fz_ppm},
    {"safetensors", fz_safetensors},
    {"gllim_model", fz_gllim_model},
    {"phat_model", fz_phat_model},
    {"nn_model", fz_nn_model},
    {"npy", fz_npy},
    {"mp_dict", fz_mp_dict},
    {"mics_csv", fz_mics_csv},
    {"manifest_csv", fz_manifest_csv},
    {"cli", fz_cli},
    {"fft", fz_fft},
    {"stft", fz_stft},
    {"mel", fz_mel},
    {"binaural", fz_binaural},
    {"gllim_post", fz_gllim_post},
    {"rpca", fz_rpca},
    {"mp", fz_mp},
    {"mp_loc", fz_mp_loc},
    {NULL, NULL}};

fz_fn fz_find(const char *name)
{
    size_t i;
    for (i = 0; fz_targets[i].name; i++)
        if (!strcmp(fz_targets[i].name, name)) return fz_targets[i].fn;
    return NULL;
}
