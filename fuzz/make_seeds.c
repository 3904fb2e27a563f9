/* make_seeds.c - writes the generated part of the seed corpora in
   fuzz/corpus/ (the rest are copies of small files of the repository; see
   fuzz/README.md). Deterministic: rerunning gives the same bytes.
     cc -std=c99 -I. fuzz/make_seeds.c -lm && ./a.out fuzz/corpus */
#define AVLOC_IMPLEMENTATION
#include "../avloc_gllim.h"
#define AVLOC_IO_STATIC
#define AVLOC_IO_IMPLEMENTATION
#include "../examples/avloc_io.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *root;

static void put(const char *dir, const char *name, const void *data, size_t n)
{
    char path[512];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s/%s", root, dir, name);
    f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f)) { perror(path); exit(1); }
}

static void put_text(const char *dir, const char *name, const char *s) { put(dir, name, s, strlen(s)); }

/* K = 2, L = 2, D = 6 (n_bins 2) model, saved as F64 and F32. */
static void gllim_seeds(void)
{
    static unsigned char mem[1 << 16], file[1 << 16], scr[1 << 16];
    avloc_gllim_model m;
    size_t bytes, fb, sb, w, i;
    if (avloc_gllim_model_query(2, 2, 6, &bytes) || bytes > sizeof mem ||
        avloc_gllim_model_init(&m, 2, 2, 6, mem, bytes)) exit(1);
    m.pi[0] = 0.4; m.pi[1] = 0.6;
    for (i = 0; i < 4; i++) m.c[i] = 0.1 * (double)i;
    for (i = 0; i < 2; i++) { m.Gamma[i * 4] = 1.0; m.Gamma[i * 4 + 3] = 2.0; m.Gamma[i * 4 + 1] = m.Gamma[i * 4 + 2] = 0.1; }
    for (i = 0; i < 2 * 6 * 2; i++) m.A[i] = 0.01 * (double)(i % 7) - 0.02;
    for (i = 0; i < 12; i++) { m.b[i] = 0.05 * (double)i; m.sigma2[i] = 0.3; }
    m.feat.n_fft = 16; m.feat.hop = 8; m.feat.first_bin = 1; m.feat.n_bins = 2;
    m.image_width = 64; m.image_height = 48; m.hfov_deg = 60;
    if (avloc_gllim_model_prepare(&m)) exit(1);
    if (avloc_gllim_save_query(&m, AVLOC_ST_F64, &fb, &sb) || avloc_gllim_save(&m, AVLOC_ST_F64, file, sizeof file, scr, sizeof scr, &w)) exit(1);
    put("gllim_model", "k2_f64.safetensors", file, w);
    m.sigma_type = AVLOC_GLLIM_SIGMA_ISO;
    if (avloc_gllim_model_prepare(&m) || avloc_gllim_save(&m, AVLOC_ST_F32, file, sizeof file, scr, sizeof scr, &w)) exit(1);
    put("gllim_model", "k2_iso_f32.safetensors", file, w);
}

static void phat_seed(void)
{
    unsigned char file[4096];
    size_t w;
    avloc_phat_model p = avloc_phat_model_default();
    double d[3] = {-1e-4, 0, 1e-4}, u[3] = {10, 32, 54};
    if (avloc_phat_fit_f64(&p, d, u, 3) || avloc_phat_save(&p, file, sizeof file, &w)) exit(1);
    put("phat_model", "fit3.safetensors", file, w);
}

/* An AV-MP dictionary as the CLI writes it: audio [K, La], video [K, T, H, W]. */
static void mp_seed(void)
{
    static unsigned char buf[1 << 14];
    float a[2 * 8], v[2 * 2 * 3 * 3];
    size_t sa[2] = {2, 8}, sv[4] = {2, 2, 3, 3}, total, i;
    avloc_st_writer w;
    for (i = 0; i < 16; i++) a[i] = (float)((i * 5) % 7) - 3.0f;
    for (i = 0; i < 36; i++) v[i] = (float)((i * 3) % 5) - 2.0f;
    if (avloc_st_begin(&w, buf, sizeof buf) || avloc_st_add(&w, "audio", AVLOC_ST_F32, 2, sa, a) ||
        avloc_st_add(&w, "video", AVLOC_ST_F32, 4, sv, v) || avloc_st_add_meta(&w, "audio_rate", "8000") ||
        avloc_st_add_meta(&w, "video_fps", "25") || avloc_st_finish(&w, &total)) exit(1);
    put("mp_dict", "k2.safetensors", buf, total);
}

static void npy_seeds(void)
{
    static const char h1[] = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    static const char h2[] = "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }";
    unsigned char b[256];
    size_t hl, n, i;
    /* v1.0 header padded so that the data starts at a multiple of 64 */
    for (i = 0; i < 2; i++) {
        const char *h = i ? h2 : h1;
        size_t data = i ? 32 : 24;
        hl = strlen(h);
        n = 10 + hl + 1;
        n = (n + 63) / 64 * 64;
        memset(b, ' ', sizeof b);
        memcpy(b, "\x93NUMPY\x01\x00", 8);
        b[8] = (unsigned char)((n - 10) & 0xff); b[9] = (unsigned char)((n - 10) >> 8);
        memcpy(b + 10, h, hl);
        b[n - 1] = '\n';
        memset(b + n, 0, data);
        b[n + 3] = 0x3f; /* 0.5 or so */
        put("npy", i ? "f8_4.npy" : "f4_2x3.npy", b, n + data);
    }
}

static void image_seeds(void)
{
    static const char y4m[] = "YUV4MPEG2 W4 H2 F25:1 Ip A1:1 Cmono\nFRAME\n\x10\x20\x30\x40\x50\x60\x70\x80"
                              "FRAME\n\x01\x02\x03\x04\x05\x06\x07\x08";
    static const char y420[] = "YUV4MPEG2 W2 H2 F30000:1001 C420jpeg XYSCSS=420JPEG\nFRAME\n\x10\x20\x30\x40\x80\x80";
    static const char y444[] = "YUV4MPEG2 W1 H2 C444\nFRAME Ixyz\n\x10\x20\x80\x80\x80\x80";
    static const char p6[] = "P6\n# c\n2 2\n255\n\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c";
    static const char p5[] = "P5 3 1 65535 \x01\x02\x03\x04\x05\x06";
    put("y4m", "mono2.y4m", y4m, sizeof y4m - 1);
    put("y4m", "c420.y4m", y420, sizeof y420 - 1);
    put("y4m", "c444.y4m", y444, sizeof y444 - 1);
    put("ppm", "p6.ppm", p6, sizeof p6 - 1);
    put("ppm", "p5_16bit.pgm", p5, sizeof p5 - 1);
}

static void cli_seeds(void)
{
    static const char *const lines[] = {
        "info\na.wav\nm.wav", "stft\nm.wav\n-o\nout.npy\n--n-fft\n64", "melspec\na.wav\n-o\nout.npy",
        "mfcc\nm.wav\n-o\nout.npy\n--n-mfcc=13", "spectrogram\nm.wav\n-o\nout.png", "gcc-phat\na.wav",
        "gen-binaural\n-o\nout.wav\n--delay\n3", "gllim\nlocate\n--model\nm.wav\na.wav", "phat\nlocate\n--model\nx\na.wav",
        "nn\ninfo\nm.wav", "avmp\ncode\n--dict\nx\n--video\nv.y4m\n--audio\nm.wav", "avmp\nshow\nx\n-o\nout.png",
        "rpca\n--plain\nv.y4m\n--sparse-out\nout.y4m", "rpca\nv.y4m\nm.wav", "acimg\narray\na.wav\n--geometry\ng.csv\n-o\nout.npy",
        "depth\n--weights\nx\n--audio\na.wav\n-o\nout.png", "--help", "--version", "stft\n--help", "gllim\ntrian",
        "--strict\ninfo\na.wav", "stft\na.wav\n-o\nout.npy\n--hop\n0"};
    char name[32];
    size_t i;
    for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        snprintf(name, sizeof name, "args%02u", (unsigned)i);
        put_text("cli", name, lines[i]);
    }
}

/* The numeric harnesses read sizes and values from the bytes: a few fixed
   pseudo-random inputs of different lengths. */
static void numeric_seeds(void)
{
    static const char *dirs[] = {"fft", "stft", "mel", "binaural", "gllim_post", "rpca", "mp", "mp_loc"};
    unsigned char b[2048];
    unsigned long s = 12345;
    size_t d, k, i, lens[3] = {64, 512, 2048};
    char name[32];
    for (d = 0; d < sizeof dirs / sizeof dirs[0]; d++)
        for (k = 0; k < 3; k++) {
            for (i = 0; i < lens[k]; i++) { s = s * 1103515245ul + 12345ul; b[i] = (unsigned char)(s >> 16); }
            snprintf(name, sizeof name, "rand%u", (unsigned)k);
            put(dirs[d], name, b, lens[k]);
        }
}

int main(int argc, char **argv)
{
    root = argc > 1 ? argv[1] : "fuzz/corpus";
    gllim_seeds();
    phat_seed();
    mp_seed();
    npy_seeds();
    image_seeds();
    cli_seeds();
    numeric_seeds();
    return 0;
}
