/* test_cli_gllim.c - the `avloc gllim` / `avloc phat` commands end to end on
   small synthetic calibration data: manifests with and without a header row,
   the validated training defaults stored in the model, model files read back
   by the library alone (avloc_gllim_load, avloc_phat_load), clear errors.
   The CLI is compiled in (examples/avloc.c with its main renamed), so this
   needs no installed binary. Files go next to this program (build dir). */
#define main avloc_cli_main
#include "../examples/avloc.c"
#undef main
#include "harness.h"

#define N_POS 12
#define N_SAMP 4000 /* 0.25 s at 16 kHz */

static char dir[512];

static const char *path_in_dir(const char *name)
{
    static char buf[64][640]; /* every path a test holds at once */
    static int slot = 0;
    slot = (slot + 1) % 64;
    snprintf(buf[slot], sizeof buf[slot], "%s%s", dir, name);
    return buf[slot];
}

static uint64_t rng = 88172645463325252ull;
static float noise(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (float)((double)(rng >> 11) / 9007199254740992.0 - 0.5);
}

/* position i: u on a line, v in two rows; the right ear hears the left
   noise delayed by d = (u - 320) / 20 samples and scaled with v */
static void position(int i, double *u, double *v, int *d)
{
    *d = i - N_POS / 2; /* -6..5 samples */
    *u = 320.0 + 20.0 * *d;
    *v = (i % 2) ? 120.0 : 360.0;
}

static int write_wavs(void)
{
    static float x[2 * (N_SAMP + 64)];
    int i;
    for (i = 0; i < N_POS; i++) {
        double u, v;
        int d, n;
        char name[32];
        float g;
        position(i, &u, &v, &d);
        g = (float)(0.5 + v / 480.0);
        for (n = 0; n < N_SAMP + 64; n++) x[2 * n] = noise();
        for (n = 0; n < N_SAMP; n++) x[2 * n + 1] = g * x[2 * (n + 32 - d)]; /* right lags left by d */
        for (n = 0; n < N_SAMP; n++) x[2 * n] = x[2 * (n + 32)];
        snprintf(name, sizeof name, "w%02d.wav", i);
        if (avloc_io_wav_save(path_in_dir(name), x, N_SAMP, 2, 16000, AVLOC_IO_F32, 0) != AVLOC_IO_OK) return 0;
    }
    return 1;
}

/* header: 0 none, 1 "path,u,v", 2 other column order with an extra column and quotes */
static int write_manifest(const char *name, int header)
{
    FILE *f = fopen(path_in_dir(name), "w");
    int i;
    if (!f) return 0;
    if (header == 1) fprintf(f, "path,u,v\n");
    if (header == 2) fprintf(f, "v,note,u,path\r\n");
    for (i = 0; i < N_POS; i++) {
        double u, v;
        int d;
        position(i, &u, &v, &d);
        if (header == 2) fprintf(f, "%g,\"a, b\",%g,\"cli_gllim_w%02d.wav\"\r\n", v, u, i);
        else fprintf(f, "cli_gllim_w%02d.wav,%g,%g\n", i, u, v);
    }
    return fclose(f) == 0;
}

/* The CLI may reorder its argv: each run gets a copy. */
static int run(int argc, const char **argv)
{
    char *copy[32];
    int i;
    for (i = 0; i < argc && i < 31; i++) copy[i] = (char *)argv[i];
    copy[i] = NULL;
    return avloc_cli_main(i, copy);
}

static int read_file(const char *path, unsigned char **buf, size_t *len)
{
    return avloc_io_read_file(path, buf, len) == AVLOC_IO_OK;
}

static void test_gllim_train(void)
{
    const char *csv = path_in_dir("m_noheader.csv"), *model = path_in_dir("m.safetensors");
    const char *argv[] = {"avloc", "gllim", "train", "--manifest", csv, "-o", model, "-K", "3", "-q"};
    const char *argv_default_k[] = {"avloc", "gllim", "train", "--manifest", csv, "-o", model, "-q"};
    unsigned char *buf = NULL, *buf2 = NULL;
    size_t len = 0, len2 = 0, K, L, D, mb;
    avloc_gllim_model m;
    void *mem;
    CHECK(write_manifest("m_noheader.csv", 0));
    CHECK(write_manifest("m_header.csv", 1));
    CHECK(write_manifest("m_other.csv", 2));
    /* the default K (64) is more than 12 files: a usage error, not a crash */
    CHECK_EQ_INT(run(8, argv_default_k), AVCLI_EXIT_USAGE);
    CHECK_EQ_INT(run(10, argv), AVCLI_EXIT_OK);
    if (!read_file(model, &buf, &len)) { CHECK(0); return; }
    /* the file is the library's: every default of the recipe comes back */
    CHECK_EQ_INT(avloc_gllim_load_query(buf, len, &K, &L, &D, &mb), AVLOC_OK);
    CHECK(K == 3 && L == 2 && D == 1536);
    mem = malloc(mb);
    CHECK_EQ_INT(avloc_gllim_load(&m, buf, len, mem, mb), AVLOC_OK);
    CHECK(m.obs_weight == 1e-2);
    CHECK(m.feat.threshold_db == -25.0f && m.feat.threshold_relative == 1);
    CHECK(m.feat.window == AVLOC_WINDOW_HANN && m.feat.n_fft == 1024 && m.feat.hop == 128);
    CHECK(m.feat.first_bin == 1 && m.feat.n_bins == 512 && m.feat.sample_rate == 16000.0f);
    CHECK(m.image_width == 640 && m.image_height == 480 && m.hfov_deg == 60.0);
    CHECK(m.sigma_type == AVLOC_GLLIM_SIGMA_DIAG_TIED);
    {   /* nothing the library does not read: only its own metadata keys */
        avloc_st_reader rd;
        char v[64];
        CHECK_EQ_INT(avloc_st_open(&rd, buf, len), AVLOC_OK);
        CHECK(avloc_st_meta(&rd, "train_manifest", v, sizeof v) == AVLOC_ERR_NOT_FOUND);
        CHECK(avloc_st_meta(&rd, "frame_var_scale", v, sizeof v) == AVLOC_ERR_NOT_FOUND);
        CHECK(rd.n_tensors == 6);
    }
    free(mem);
    /* the same rows with a header, or reordered columns + quotes: the same model */
    argv[4] = path_in_dir("m_header.csv");
    argv[6] = path_in_dir("m2.safetensors");
    CHECK_EQ_INT(run(10, argv), AVCLI_EXIT_OK);
    CHECK(read_file(argv[6], &buf2, &len2) && len2 == len && memcmp(buf, buf2, len) == 0);
    free(buf2);
    buf2 = NULL;
    argv[4] = path_in_dir("m_other.csv");
    CHECK_EQ_INT(run(10, argv), AVCLI_EXIT_OK);
    CHECK(read_file(argv[6], &buf2, &len2) && len2 == len && memcmp(buf, buf2, len) == 0);
    free(buf2);
    free(buf);
}

static void test_manifest_errors(void)
{
    const char *csv = path_in_dir("bad.csv");
    const char *argv[] = {"avloc", "gllim", "train", "--manifest", csv, "-o", path_in_dir("bad.safetensors"),
                          "-K", "1", "-q"};
    FILE *f = fopen(csv, "w");
    if (!f) { CHECK(0); return; }
    fprintf(f, "file,x,y\nw00.wav,1,2\n"); /* neither a header with path,u,v nor numbers */
    fclose(f);
    CHECK_EQ_INT(run(10, argv), AVCLI_EXIT_FAIL);
    f = fopen(csv, "w");
    fprintf(f, "w00.wav,1,2\nw01.wav,3\n"); /* headerless, short row */
    fclose(f);
    CHECK_EQ_INT(run(10, argv), AVCLI_EXIT_FAIL);
    f = fopen(csv, "w");
    fprintf(f, "w00.wav,1,2\nw01.wav,3,abc\n"); /* headerless, bad number */
    fclose(f);
    CHECK_EQ_INT(run(10, argv), AVCLI_EXIT_FAIL);
}

static void test_gllim_locate(void)
{
    const char *argv[] = {"avloc", "gllim", "locate", "--model", path_in_dir("m.safetensors"), "--manifest",
                          path_in_dir("m_noheader.csv")};
    const char *removed[] = {"avloc", "gllim", "locate", "--model", path_in_dir("m.safetensors"), "--coherence",
                             "0.9", path_in_dir("w00.wav")};
    CHECK_EQ_INT(run(7, argv), AVCLI_EXIT_OK);
    /* the experiments that did not pay are gone (docs/gllim.md keeps their numbers) */
    CHECK_EQ_INT(run(8, removed), AVCLI_EXIT_USAGE);
    removed[5] = "--frame-var";
    CHECK_EQ_INT(run(8, removed), AVCLI_EXIT_USAGE);
}

static void test_phat(void)
{
    const char *model = path_in_dir("p.safetensors");
    const char *train[] = {"avloc", "phat", "train", "--manifest", path_in_dir("m_noheader.csv"), "-o", model, "-q"};
    const char *locate[] = {"avloc", "phat", "locate", "--model", model, "--manifest", path_in_dir("m_header.csv")};
    const char *wrong[] = {"avloc", "phat", "locate", "--model", path_in_dir("m.safetensors"), path_in_dir("w00.wav")};
    unsigned char *buf = NULL;
    size_t len = 0;
    avloc_phat_model p;
    CHECK_EQ_INT(run(8, train), AVCLI_EXIT_OK);
    if (!read_file(model, &buf, &len)) { CHECK(0); return; }
    CHECK_EQ_INT(avloc_phat_load(&p, buf, len), AVLOC_OK);
    /* the delays are exact integers: u = 20 d + 320 up to the GCC's sub-sample error */
    CHECK_NEAR(p.slope, 20.0, 0.5);
    CHECK_NEAR(p.intercept, 320.0, 5.0);
    CHECK(p.rmse < 5.0 && p.n_train == N_POS && p.sample_rate == 16000.0f);
    CHECK(p.gcc.frame_length == 1024 && p.gcc.n_fft == 2048 && p.gcc.hop == 512 && p.image_width == 640);
    free(buf);
    CHECK_EQ_INT(run(7, locate), AVCLI_EXIT_OK);
    CHECK_EQ_INT(run(6, wrong), AVCLI_EXIT_FAIL); /* a GLLiM model is not a PHAT model */
}

/* The JSON line of an estimate, written to a temporary file and read back. */
static int position_json(double u, double v, int has_v, char *out, size_t cap)
{
    gl_item it;
    gl_camera cam = gl_camera_make(640, 480, 60);
    avloc_io_json j;
    FILE *f = tmpfile();
    size_t n;
    if (!f) return 0;
    memset(&it, 0, sizeof it);
    it.name = (char *)"clip.wav";
    avloc_io_json_begin(&j, f);
    gl_json_position(&j, "test", &it, &cam, u, v, has_v);
    avloc_io_json_end(&j);
    rewind(f);
    n = fread(out, 1, cap - 1, f);
    out[n] = '\0';
    fclose(f);
    return 1;
}

/* issue 13: a position outside the picture is never reported silently */
static void test_outside_image(void)
{
    char line[512];
    CHECK(position_json(320, 240, 1, line, sizeof line) && !strstr(line, "outside_image"));
    CHECK(position_json(0, 480, 1, line, sizeof line) && !strstr(line, "outside_image")); /* edges are inside */
    CHECK(position_json(700, 240, 1, line, sizeof line) && strstr(line, "\"outside_image\":true"));
    CHECK(position_json(320, -3, 1, line, sizeof line) && strstr(line, "\"outside_image\":true"));
    CHECK(position_json(-1, 0, 0, line, sizeof line) && strstr(line, "\"outside_image\":true"));
    CHECK(position_json(600, 9999, 0, line, sizeof line) && !strstr(line, "outside_image")); /* no v: u only */
}

/* --strict: NaN/Inf samples are an error instead of zeros and a warning */
static void test_strict(void)
{
    static float x[2 * N_SAMP];
    const char *model = path_in_dir("p.safetensors"), *wav = path_in_dir("nan.wav");
    const char *lenient[] = {"avloc", "phat", "locate", "--model", model, wav};
    const char *strict1[] = {"avloc", "--strict", "phat", "locate", "--model", model, wav};
    const char *strict2[] = {"avloc", "phat", "locate", "--model", model, wav, "--strict"};
    int n;
    for (n = 0; n < 2 * N_SAMP; n++) x[n] = noise();
    x[100] = (float)NAN;
    x[2001] = (float)INFINITY;
    if (avloc_io_wav_save(wav, x, N_SAMP, 2, 16000, AVLOC_IO_F32, 0) != AVLOC_IO_OK) { CHECK(0); return; }
    CHECK_EQ_INT(run(6, lenient), AVCLI_EXIT_OK);
    CHECK_EQ_INT(run(7, strict1), AVCLI_EXIT_FAIL);
    avcli_strict = 0;
    CHECK_EQ_INT(run(7, strict2), AVCLI_EXIT_FAIL);
    avcli_strict = 0;
    CHECK_EQ_INT(run(6, lenient), AVCLI_EXIT_OK);
}

int main(int argc, char **argv)
{
    const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;
    size_t n = slash ? (size_t)(slash - argv[0]) + 1 : 0;
    if (n >= sizeof dir - 32) n = 0;
    memcpy(dir, argv[0], n);
    dir[n] = '\0';
    strcat(dir, "cli_gllim_");
    if (!write_wavs()) {
        CHECK(0);
        return th_finish("cli_gllim");
    }
    test_gllim_train();
    test_manifest_errors();
    test_gllim_locate();
    test_phat();
    test_strict();
    test_outside_image();
    return th_finish("cli_gllim");
}
