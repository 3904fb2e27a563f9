/* The `avloc` command-line program (examples/), run as a user would, with
   its numbers checked:
   - `gllim locate` on the bundled demo (data/demo): mean |du|, |dv| under
     bounds a broken posterior exceeds (today about 1.3 and 6.4 px);
   - `gen-binaural` + `gcc-phat`: a known fractional delay comes back;
   - `melspec --preset torchaudio` against the torchaudio golden, `stft`
     against the library's STFT of the same samples (read by the harness);
   - exit codes: 0 ok, 1 failure, 2 usage error.
   The Makefile builds $(BUILD)/avloc first and passes its path as
   TH_AVLOC_BIN, and the Makefile's RUN (an emulator for a cross build, e.g.
   "qemu-aarch64 -L /usr/aarch64-linux-gnu") as TH_RUN, put in front of each
   command; the environment variable AVLOC_TEST_RUNNER replaces it. */
#define _POSIX_C_SOURCE 200809L
#ifndef AVLOC_TEST_SHARED_IMPL /* else the Makefile links the library's objects (tests/impl/) */
#define AVLOC_IMPLEMENTATION
#endif
#include "../avloc_dsp.h"
#include "harness.h"
#define AVLOC_IO_STATIC
#define AVLOC_IO_IMPLEMENTATION
#include "../examples/avloc_io.h" /* writes the array test's WAV */

#ifndef TH_AVLOC_BIN
#define TH_AVLOC_BIN "build/avloc"
#endif
#ifndef TH_RUN
#define TH_RUN ""
#endif

static char g_tmp[512]; /* per-run output directory */

/* Runs `avloc ARGS` (through sh); its stdout (stderr when want_err) into
   out (may be NULL), the other stream discarded; returns the exit status
   (-1 when it did not run). */
static int run_cli_stream(const char *args, int want_err, char *out, size_t out_cap)
{
    char cmd[2048];
    const char *runner = getenv("AVLOC_TEST_RUNNER");
    FILE *p;
    size_t got = 0;
    int st;
    snprintf(cmd, sizeof cmd, "%s %s %s %s", runner ? runner : TH_RUN, TH_AVLOC_BIN, args,
             want_err ? "2>&1 >/dev/null" : "2>/dev/null");
    p = popen(cmd, "r");
    if (!p) return -1;
    if (out && out_cap) {
        size_t n;
        while (got + 1 < out_cap && (n = fread(out + got, 1, out_cap - 1 - got, p)) > 0) got += n;
        out[got] = '\0';
    } else {
        char sink[256];
        while (fread(sink, 1, sizeof sink, p) > 0) {}
    }
    st = pclose(p);
    if (st == -1 || (st & 0x7f) != 0) return -1; /* not exited normally */
    return (st >> 8) & 0xff;
}

static int run_cli(const char *args, char *out, size_t out_cap)
{
    return run_cli_stream(args, 0, out, out_cap);
}

/* The number after "key": in a JSON line (NAN when absent). */
static double json_num(const char *line, const char *key)
{
    char pat[64];
    const char *q;
    snprintf(pat, sizeof pat, "\"%s\":", key);
    q = line ? strstr(line, pat) : NULL;
    return q ? strtod(q + strlen(pat), NULL) : NAN;
}

/* The last line starting with {"summary" in text. */
static const char *summary_line(const char *text)
{
    const char *q = text, *last = NULL;
    while ((q = strstr(q, "{\"summary\"")) != NULL) last = q++;
    return last;
}

static void test_gllim_demo(void)
{
    static char out[1 << 16];
    const char *s;
    int rc = run_cli("gllim locate --model data/demo/kemar_gllim.safetensors --manifest data/demo/manifest.csv", out,
                     sizeof out);
    double du, dv;
    CHECK_EQ_INT(rc, 0);
    s = summary_line(out);
    CHECK(s != NULL);
    du = json_num(s, "mean_du");
    dv = json_num(s, "mean_dv");
    CHECK_EQ_INT((long long)json_num(s, "estimates"), 8);
    CHECK_EQ_INT((long long)json_num(s, "failed"), 0);
    /* a posterior with the tempering lost on its residual term gives ~82 px */
    CHECK_MSG(du <= 2.5, "demo mean |du| %.2f px (expected about 1.3)", du);
    CHECK_MSG(dv <= 10.0, "demo mean |dv| %.2f px (expected about 6.4)", dv);
    printf("  cli gllim locate (demo, 8 clips): mean |du| %.2f px, |dv| %.2f px\n", du, dv);
    {   /* per clip: du = u - u_true; the summary's mean is the mean of |du|;
           the posterior variance carries the model's tempering (1e-3: a few
           px^2; untempered it would be ~1000 times smaller) */
        const char *q = out;
        double sdu = 0.0, sdv = 0.0, vmin = HUGE_VAL, vmax = 0.0;
        int n = 0, consistent = 1;
        while ((q = strstr(q, "{\"file\"")) != NULL && n < 64) {
            const char *c = strstr(q, "\"cov\":[[");
            double u = json_num(q, "u"), ut = json_num(q, "u_true"), d = json_num(q, "du"), cv = c ? strtod(c + 8, NULL) : NAN;
            if (!(fabs(u - ut - d) <= 1e-4 * (1.0 + fabs(u)))) consistent = 0;
            sdu += fabs(d);
            sdv += fabs(json_num(q, "dv"));
            vmin = fmin(vmin, cv);
            vmax = fmax(vmax, cv);
            n++;
            q++;
        }
        CHECK_EQ_INT(n, 8);
        CHECK_MSG(consistent, "per-clip du != u - u_true");
        CHECK_MSG(n == 8 && fabs(sdu / n - du) <= 1e-5 * (1.0 + du) && fabs(sdv / n - dv) <= 1e-5 * (1.0 + dv),
                  "summary mean |du| %.6g |dv| %.6g vs per-clip %.6g %.6g", du, dv, sdu / n, sdv / n);
        CHECK_MSG(vmin >= 0.1 && vmax <= 100.0, "posterior var(u) %.3g..%.3g px^2 (expected a few px^2)", vmin, vmax);
    }
    /* the streaming locator on one clip: windows come out, each finite */
    rc = run_cli("gllim locate --model data/demo/kemar_gllim.safetensors --window 0.72 --hop 0.2 --min-active 200 "
                 "data/demo/wav/0003.wav", out, sizeof out);
    CHECK_EQ_INT(rc, 0);
    CHECK(strstr(out, "\"u\":") != NULL && strstr(out, "nan") == NULL);
}

static void test_gcc_phat(void)
{
    char args[1024], out[4096];
    double d;
    snprintf(args, sizeof args, "gen-binaural -o %s/gb.wav --delay 3.37 --seed 4", g_tmp);
    CHECK_EQ_INT(run_cli(args, NULL, 0), 0);
    snprintf(args, sizeof args, "gcc-phat %s/gb.wav", g_tmp);
    CHECK_EQ_INT(run_cli(args, out, sizeof out), 0);
    d = json_num(out, "delay_samples");
    CHECK_MSG(fabs(d - 3.37) <= 0.01, "cli gcc-phat delay %.4f, expected 3.37", d);
    printf("  cli gcc-phat of a 3.37-sample delay: %.4f\n", d);
}

/* Largest |got - ref| over the largest |ref| (infinity when the sizes differ). */
static double max_err_of_max(const th_array *got, const th_array *ref)
{
    double e = 0.0, mx = 0.0;
    size_t i;
    if (got->n != ref->n) return HUGE_VAL;
    for (i = 0; i < ref->n; i++) {
        e = fmax(e, fabs(got->data[i] - ref->data[i]));
        mx = fmax(mx, fabs(ref->data[i]));
    }
    return mx > 0 ? e / mx : e;
}

/* --preset torchaudio on the test speech == the torchaudio golden */
static void test_melspec(void)
{
    char args[1024], path[600];
    th_array got, ref = th_golden("dsp_ta_melspec.npy");
    double e;
    snprintf(path, sizeof path, "%s/mel.npy", g_tmp);
    snprintf(args, sizeof args, "melspec tests/data/dsp_speech16k.wav --preset torchaudio -o %s", path);
    CHECK_EQ_INT(run_cli(args, NULL, 0), 0);
    if (th_load_npy(path, &got) != 0 || !ref.data) { CHECK(!"melspec output / golden"); th_free(&ref); return; }
    CHECK(got.ndim == 3 && got.shape[0] == 1 && got.n == ref.n);
    e = max_err_of_max(&got, &ref);
    CHECK_MSG(e <= 1e-4, "cli melspec vs torchaudio: max err %.3g of max", e);
    printf("  cli melspec --preset torchaudio vs torchaudio: max err %.2e of max\n", e);
    th_free(&got); th_free(&ref);
}

/* stft --power 2 --no-center == |avloc_stft_forward_f32|^2 of the samples */
static void test_stft(void)
{
    char args[1024], path[600];
    static unsigned char obj[1 << 16], scr[1 << 16];
    th_array got;
    avloc_stft_config cfg = avloc_stft_config_default();
    avloc_stft_f32 s;
    avloc_complex_f32 *X;
    size_t n = 0, nf = 0, ob = 0, sb = 0, i, nb = 257;
    float *x = th_load_wav16("tests/data/dsp_speech16k.wav", &n);
    double e = 0.0, mx = 0.0;
    snprintf(path, sizeof path, "%s/stft.npy", g_tmp);
    snprintf(args, sizeof args, "stft tests/data/dsp_speech16k.wav --n-fft 512 --hop 160 --no-center --power 2 --linear -o %s",
             path);
    CHECK_EQ_INT(run_cli(args, NULL, 0), 0);
    cfg.n_fft = 512; cfg.hop = 160; cfg.win_length = 512; cfg.center = 0;
    if (!x || th_load_npy(path, &got) != 0) { CHECK(!"stft output / wav"); free(x); return; }
    CHECK(avloc_stft_query_f32(&cfg, &ob, &sb) == AVLOC_OK && ob <= sizeof obj && sb <= sizeof scr);
    CHECK(avloc_stft_init_f32(&s, &cfg, obj, ob) == AVLOC_OK);
    CHECK(avloc_stft_frames(&cfg, n, &nf) == AVLOC_OK);
    X = (avloc_complex_f32 *)malloc(nf * nb * sizeof *X);
    CHECK(avloc_stft_forward_f32(&s, x, n, X, nf, scr, sb) == AVLOC_OK);
    CHECK(got.ndim == 3 && got.shape[0] == 1 && got.shape[1] == nf && got.shape[2] == nb);
    for (i = 0; i < nf * nb && got.n == nf * nb; i++) {
        double p = (double)X[i].re * X[i].re + (double)X[i].im * X[i].im;
        e = fmax(e, fabs(got.data[i] - p));
        mx = fmax(mx, p);
    }
    CHECK_MSG(got.n == nf * nb && e <= 1e-5 * mx, "cli stft vs library: max err %.3g of max", e / mx);
    free(X); free(x); th_free(&got);
}

/* avloc depth on the committed 8-channel clip == torch's map (tools/check_depth.py
   --make-golden); the library path itself is tested in test_depth.c */
static void test_depth(void)
{
    char args[1600], path[600], png[600], out[1024];
    th_array got, ref = th_golden("depth_depth_map.npy");
    double e;
    FILE *f;
    snprintf(path, sizeof path, "%s/depth.npy", g_tmp);
    snprintf(png, sizeof png, "%s/depth.png", g_tmp);
    snprintf(args, sizeof args, "depth --weights data/depth/depth.safetensors --audio data/depth/clip_a.wav -o %s "
             "--npy-out %s", png, path);
    CHECK_EQ_INT(run_cli(args, out, sizeof out), 0);
    CHECK(strstr(out, "task: depth, map 64x64") != NULL);
    f = fopen(png, "rb");
    CHECK_MSG(f != NULL, "depth wrote no picture");
    if (f) fclose(f);
    if (th_load_npy(path, &got) != 0 || !ref.data) { CHECK(!"depth output / golden"); th_free(&ref); return; }
    CHECK(got.ndim == 2 && got.n == ref.n);
    e = max_err_of_max(&got, &ref);
    CHECK_MSG(e <= 1e-4, "cli depth vs torch: max err %.3g of max", e);
    printf("  cli depth vs torch: max err %.2e of max\n", e);
    th_free(&got); th_free(&ref);
    snprintf(args, sizeof args, "depth --weights data/depth/seg.safetensors --audio data/depth/clip_a.wav -o %s", png);
    CHECK_EQ_INT(run_cli(args, out, sizeof out), 0);
    CHECK(strstr(out, "task: segmentation") != NULL);
    CHECK_EQ_INT(run_cli("depth --audio data/depth/clip_a.wav -o /dev/null", NULL, 0), 2); /* no --weights */
    CHECK_EQ_INT(run_cli("depth --weights tests/golden/nn/audio1d.safetensors --audio data/depth/clip_a.wav "
                         "-o /dev/null", NULL, 0), 1); /* not an audio-to-map network */
    CHECK_EQ_INT(run_cli("depth --weights data/depth/depth.safetensors --audio tests/data/dsp_speech16k.wav "
                         "-o /dev/null", NULL, 0), 1); /* one channel, the network wants 8 */
}

static void test_exit_codes(void)
{
    CHECK_EQ_INT(run_cli("--version", NULL, 0), 0);
    CHECK_EQ_INT(run_cli("no-such-command", NULL, 0), 2);
    CHECK_EQ_INT(run_cli("stft --no-such-flag tests/data/dsp_speech16k.wav -o /dev/null", NULL, 0), 2);
    CHECK_EQ_INT(run_cli("stft tests/data/dsp_speech16k.wav", NULL, 0), 2); /* -o missing */
    CHECK_EQ_INT(run_cli("gcc-phat --max-lag-ms abc tests/data/dsp_speech16k.wav", NULL, 0), 2);
    /* NaN and Inf are refused on the bits: under -ffast-math d - d == 0 would let them through */
    CHECK_EQ_INT(run_cli("gcc-phat --max-lag-ms nan tests/data/dsp_speech16k.wav", NULL, 0), 2);
    CHECK_EQ_INT(run_cli("gcc-phat --max-lag-ms inf tests/data/dsp_speech16k.wav", NULL, 0), 2);
    CHECK_EQ_INT(run_cli("gllim locate --model data/demo/no-such-model.safetensors data/demo/wav/0000.wav", NULL, 0), 1);
    CHECK_EQ_INT(run_cli("stft tests/data/no-such-file.wav -o /dev/null", NULL, 0), 1);
    /* a frame far longer than the signal is refused before any planning
       (it took 18 s and 1.9 GB); the presets' sizes still work on short clips */
    CHECK_EQ_INT(run_cli("melspec tests/data/dsp_speech16k.wav --n-fft 16777213 -o /dev/null", NULL, 0), 1);
    CHECK_EQ_INT(run_cli("stft tests/data/dsp_speech16k.wav --n-fft 4000000 -o /dev/null", NULL, 0), 1);
}

/* F1 of the PGM mask at path against the demo scene's ground truth (-1 when
   either file does not load or the sizes differ). */
static double rpca_demo_mask_f1(const char *path)
{
    avloc_io_image m, g;
    size_t tp = 0, fp = 0, fn = 0, y, x;
    double f1 = -1.0;
    memset(&m, 0, sizeof m); memset(&g, 0, sizeof g);
    if (avloc_io_pgm_load(path, &m, NULL, 0) == AVLOC_IO_OK &&
        avloc_io_pgm_load("data/rpca_demo/mask.pgm", &g, NULL, 0) == AVLOC_IO_OK && m.w == g.w && m.h == g.h) {
        for (y = 0; y < m.h; y++)
            for (x = 0; x < m.w; x++) {
                int on = m.pix[y * m.stride + x] > 127, truth = g.pix[y * g.stride + x] > 127;
                tp += on && truth; fp += on && !truth; fn += !on && truth;
            }
        f1 = tp ? 2.0 * (double)tp / (double)(2 * tp + fp + fn) : 0.0;
    }
    avloc_io_image_free(&m); avloc_io_image_free(&g);
    return f1;
}

/* avloc rpca on the committed demo scene: the issue-9 contract (JSON line,
   mask of the video's size, target of the input's length) and its exit codes. */
static void test_rpca(void)
{
    char out[4096], args[1200], path[700];
    FILE *f;
    long size;
    snprintf(args, sizeof args,
             "rpca data/rpca_demo/video.y4m data/rpca_demo/mixture.wav --mask-out '%s/rpca_mask.pgm' "
             "--audio-out '%s/rpca_target.wav'", g_tmp, g_tmp);
    CHECK_EQ_INT(run_cli(args, out, sizeof out), 0);
    CHECK(json_num(out, "iterations") >= 1 && json_num(out, "width") == 48 && json_num(out, "frames") == 100);
    CHECK(json_num(out, "seconds") >= 0 && json_num(out, "primal_residual") >= 0);
    snprintf(path, sizeof path, "%s/rpca_mask.pgm", g_tmp);
    f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f) { fseek(f, 0, SEEK_END); size = ftell(f); fclose(f); CHECK(size >= 48 * 48 && size < 48 * 48 + 64); }
    snprintf(path, sizeof path, "%s/rpca_target.wav", g_tmp);
    f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f) { fseek(f, 0, SEEK_END); size = ftell(f); fclose(f); CHECK(size == 44 + 2 * 64000); } /* 4 s at 16 kHz */
    /* the mask flags reach the library: the default hull rule finds the
       demo's sounding region (F1 0.98), the box rule (tuned at 64 x 64)
       spills over it (0.65), a zero link keeps the map's peak pixels alone */
    {
        double f_hull, f_box, f_nolink;
        snprintf(path, sizeof path, "%s/rpca_mask.pgm", g_tmp);
        f_hull = rpca_demo_mask_f1(path);
        snprintf(args, sizeof args, "rpca data/rpca_demo/video.y4m data/rpca_demo/mixture.wav --mask-rule box "
                 "--mask-out '%s/rpca_mask.pgm'", g_tmp);
        CHECK_EQ_INT(run_cli(args, out, sizeof out), 0);
        f_box = rpca_demo_mask_f1(path);
        snprintf(args, sizeof args, "rpca data/rpca_demo/video.y4m data/rpca_demo/mixture.wav --mask-link 0 "
                 "--mask-out '%s/rpca_mask.pgm'", g_tmp);
        CHECK_EQ_INT(run_cli(args, out, sizeof out), 0);
        f_nolink = rpca_demo_mask_f1(path);
        CHECK_MSG(f_hull >= 0.9 && f_box > 0.0 && f_box < 0.8 && f_nolink > 0.0 && f_nolink < 0.5,
                  "demo mask F1: hull %.3f, box %.3f, link 0 %.3f", f_hull, f_box, f_nolink);
        CHECK_EQ_INT(run_cli("rpca data/rpca_demo/video.y4m data/rpca_demo/mixture.wav --mask-rule disc", NULL, 0), 2);
    }
    CHECK_EQ_INT(run_cli("rpca data/rpca_demo/video.y4m", NULL, 0), 2);
    CHECK_EQ_INT(run_cli("rpca --plain data/rpca_demo/video.y4m", NULL, 0), 2);
    CHECK_EQ_INT(run_cli("rpca tests/data/no-such.y4m data/rpca_demo/mixture.wav", NULL, 0), 1);
    /* a directory for a file, and finite audio too loud for float spectra: each
       its own message (they read "read error" and "NaN or infinity" before) */
    CHECK_EQ_INT(run_cli_stream("rpca data/rpca_demo/video.y4m tests", 1, out, sizeof out), 1);
    CHECK_MSG(strstr(out, "directory") != NULL, "%s", out);
    {
        const size_t n = 64000; /* the demo's 4 s at 16 kHz */
        float *loud = (float *)malloc(n * sizeof *loud);
        size_t i;
        for (i = 0; i < n; i++) loud[i] = (i & 1) ? 3e38f : -3e38f;
        snprintf(path, sizeof path, "%s/loud.wav", g_tmp);
        CHECK_EQ_INT(avloc_io_wav_save(path, loud, n, 1, 16000, AVLOC_IO_F32, 0), AVLOC_IO_OK);
        free(loud);
        snprintf(args, sizeof args, "rpca data/rpca_demo/video.y4m '%s'", path);
        CHECK_EQ_INT(run_cli_stream(args, 1, out, sizeof out), 1);
        CHECK_MSG(strstr(out, "overflow") != NULL && strstr(out, "NaN") == NULL, "%s", out);
    }
    CHECK_EQ_INT(run_cli("rpca data/rpca_demo/video.y4m data/rpca_demo/mixture.wav -K 64 --window-frames 20", NULL, 0), 1);
    /* --plain over the thread pool: JSON with seconds (elapsed), wall_seconds
       and cpu_seconds, and a run with 2 workers writes the bytes of a run
       with 1 (every worker count gives the same bits, whatever the
       threads' timing) */
    {
        char a[700], b[700];
        snprintf(args, sizeof args, "rpca --plain data/rpca_demo/video.y4m --threads 2 --sparse-out '%s/rpca_s2a.y4m'",
                 g_tmp);
        CHECK_EQ_INT(run_cli(args, out, sizeof out), 0);
        CHECK(json_num(out, "converged") == 1 && json_num(out, "wall_seconds") >= 0);
        CHECK(json_num(out, "seconds") == json_num(out, "wall_seconds") && json_num(out, "cpu_seconds") >= 0);
        snprintf(args, sizeof args, "rpca --plain data/rpca_demo/video.y4m --threads 1 --sparse-out '%s/rpca_s2b.y4m'",
                 g_tmp);
        CHECK_EQ_INT(run_cli(args, out, sizeof out), 0);
        snprintf(a, sizeof a, "%s/rpca_s2a.y4m", g_tmp);
        snprintf(b, sizeof b, "%s/rpca_s2b.y4m", g_tmp);
        CHECK_MSG(th_files_same(a, b, 48 * 48 * 100), "--threads 2 and --threads 1 wrote different sparse videos");
        CHECK_EQ_INT(run_cli("rpca --plain data/rpca_demo/video.y4m --sparse-out /dev/null --threads 65", NULL, 0), 2);
        /* options of the other mode are refused, not ignored */
        CHECK_EQ_INT(run_cli("rpca --plain data/rpca_demo/video.y4m --sparse-out /dev/null --mask-out /dev/null", NULL, 0), 2);
        /* the audio-visual mode on the pool (by default one worker per
           CPU): 2 workers write the mask and audio of 1 */
        snprintf(args, sizeof args,
                 "rpca data/rpca_demo/video.y4m data/rpca_demo/mixture.wav --threads 2 --mask-out '%s/rpca_mask2.pgm' "
                 "--audio-out '%s/rpca_target2.wav'", g_tmp, g_tmp);
        CHECK_EQ_INT(run_cli(args, out, sizeof out), 0);
        snprintf(args, sizeof args,
                 "rpca data/rpca_demo/video.y4m data/rpca_demo/mixture.wav --threads 1 --mask-out '%s/rpca_mask1.pgm' "
                 "--audio-out '%s/rpca_target1.wav'", g_tmp, g_tmp);
        CHECK_EQ_INT(run_cli(args, out, sizeof out), 0);
        snprintf(a, sizeof a, "%s/rpca_mask2.pgm", g_tmp);
        snprintf(b, sizeof b, "%s/rpca_mask1.pgm", g_tmp);
        CHECK_MSG(th_files_same(a, b, 48 * 48), "rpca --threads 2 and --threads 1 wrote different masks");
        snprintf(a, sizeof a, "%s/rpca_target2.wav", g_tmp);
        snprintf(b, sizeof b, "%s/rpca_target1.wav", g_tmp);
        CHECK_MSG(th_files_same(a, b, 2 * 64000), "rpca --threads 2 and --threads 1 wrote different targets");
        CHECK_EQ_INT(run_cli("rpca data/rpca_demo/video.y4m data/rpca_demo/mixture.wav --threads 65", NULL, 0), 2);
        CHECK_EQ_INT(run_cli("rpca data/rpca_demo/video.y4m data/rpca_demo/mixture.wav --overlap 4", NULL, 0), 2);
    }
}

/* `acimg array`: a 64-channel float WAV of a broadband plane wave from the
   direction of cell (9, 30) of a 36 x 48 camera grid, an 8 x 8 array 2.5 cm
   apart: the energy peak comes back at that cell, img.npy is the library's
   image of the averaged power maps (same samples), shapes as the contract;
   bad geometry, channel count, grid and short clips are refused. */
static void test_acimg_array(void)
{
    enum { M = 64, N = 2666 }; /* two 1/12 s blocks at 16 kHz */
    static float x[N * M], pw[36 * 48 * 190], acc[36 * 48 * 190], img[36 * 48 * 12];
    static char out[4096];
    float xyz[M * 3], dirs[36 * 48 * 3];
    char args[3000], path[640];
    FILE *f;
    size_t i, j, n, t, tgt = 9 * 48 + 30;
    avloc_array_config c = avloc_array_config_default();
    avloc_array_f32 arr;
    void *mem, *scr;
    size_t ob = 0, sb = 0;
    th_array im, en;
    const char *line;
    snprintf(path, sizeof path, "%s/mics.csv", g_tmp);
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fprintf(f, "x,y,z\n");
    for (i = 0; i < 8; i++)
        for (j = 0; j < 8; j++) {
            xyz[3 * (i * 8 + j)] = ((float)j - 3.5f) * 0.025f;
            xyz[3 * (i * 8 + j) + 1] = ((float)i - 3.5f) * 0.025f;
            xyz[3 * (i * 8 + j) + 2] = 0.0f;
            fprintf(f, "%.9g,%.9g,0\n", xyz[3 * (i * 8 + j)], xyz[3 * (i * 8 + j) + 1]);
        }
    fclose(f);
    c.n_mics = M;
    c.mic_xyz = xyz;
    c.frame_length = 1333; /* 16000 / 12 rounded, as the command does */
    CHECK_EQ_INT(avloc_array_query_f32(&c, &ob, &sb), AVLOC_OK);
    mem = malloc(ob);
    scr = malloc(sb);
    CHECK_EQ_INT(avloc_array_init_f32(&arr, &c, mem, ob), AVLOC_OK);
    CHECK_EQ_INT(avloc_array_directions_f32(&arr, dirs, 36 * 48), AVLOC_OK);
    for (i = 0; i < M; i++) {
        const double tau = -(xyz[3 * i] * dirs[3 * tgt] + xyz[3 * i + 1] * dirs[3 * tgt + 1]) / 343.0;
        for (n = 0; n < N; n++) {
            double v = 0.0;
            size_t k;
            for (k = 4; k <= 192; k++)
                v += cos(6.283185307179586 * 31.25 * (double)k * ((double)n / 16000.0 - tau) + 0.37 * (double)(k * k));
            x[n * M + i] = (float)(0.02 * v);
        }
    }
    snprintf(path, sizeof path, "%s/array.wav", g_tmp);
    CHECK_EQ_INT(avloc_io_wav_save(path, x, N, M, 16000, AVLOC_IO_F32, 0), AVLOC_IO_OK);
    snprintf(args, sizeof args,
             "acimg array %s/array.wav --geometry %s/mics.csv --grid 36x48 --width 640 --height 480 --hfov 60 "
             "-o %s/img.npy --energy-out %s/energy.npy --heat-out %s/heat.png", g_tmp, g_tmp, g_tmp, g_tmp, g_tmp);
    CHECK_EQ_INT(run_cli(args, out, sizeof out), 0);
    line = strstr(out, "{");
    CHECK(line != NULL);
    CHECK_NEAR(json_num(line, "frames"), 2, 0);
    CHECK_NEAR(json_num(line, "peak_row"), 9, 1);
    CHECK_NEAR(json_num(line, "peak_col"), 30, 1);
    /* the library on the same samples: the mean of the two blocks' power maps */
    for (t = 0; t < 2; t++) {
        CHECK_EQ_INT(avloc_array_power_f32(&arr, x + t * 1333 * M, 1333, pw, scr, sb), AVLOC_OK);
        for (i = 0; i < arr.n_dirs * arr.n_band; i++) acc[i] = (t ? acc[i] : 0.0f) + pw[i] / 2.0f;
    }
    CHECK_EQ_INT(avloc_array_power_to_mfcc_f32(&arr, acc, img, scr, sb), AVLOC_OK);
    snprintf(path, sizeof path, "%s/img.npy", g_tmp);
    CHECK_EQ_INT(th_load_npy(path, &im), 0);
    CHECK(im.ndim == 3 && im.shape[0] == 36 && im.shape[1] == 48 && im.shape[2] == 12);
    if (im.n == 36 * 48 * 12) {
        size_t bad = 0;
        for (i = 0; i < im.n; i++) bad += fabs(im.data[i] - img[i]) > 1e-5 * (1.0 + fabs(img[i]));
        CHECK_EQ_INT(bad, 0);
    }
    snprintf(path, sizeof path, "%s/energy.npy", g_tmp);
    CHECK_EQ_INT(th_load_npy(path, &en), 0);
    CHECK(en.ndim == 2 && en.shape[0] == 36 && en.shape[1] == 48);
    if (en.n == 36 * 48) {
        size_t best = 0;
        for (i = 1; i < en.n; i++) best = en.data[i] > en.data[best] ? i : best;
        CHECK_NEAR(json_num(line, "energy_max"), en.data[best], 1e-6 * en.data[best]);
    }
    th_free(&im);
    th_free(&en);
    snprintf(path, sizeof path, "%s/heat.png", g_tmp);
    f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f) fclose(f);
    /* refusals */
    snprintf(args, sizeof args, "acimg array %s/array.wav -o %s/i.npy", g_tmp, g_tmp);
    CHECK_EQ_INT(run_cli(args, NULL, 0), 2);
    snprintf(args, sizeof args, "acimg array %s/array.wav --geometry %s/mics.csv --grid 36by48 -o %s/i.npy", g_tmp, g_tmp, g_tmp);
    CHECK_EQ_INT(run_cli(args, NULL, 0), 2);
    snprintf(args, sizeof args, "acimg array %s/array.wav --geometry tests/data/dsp_speech16k.wav -o %s/i.npy", g_tmp, g_tmp);
    CHECK_EQ_INT(run_cli(args, NULL, 0), 1);
    snprintf(args, sizeof args, "acimg array tests/data/dsp_speech16k.wav --geometry %s/mics.csv -o %s/i.npy", g_tmp, g_tmp);
    CHECK_EQ_INT(run_cli(args, NULL, 0), 1); /* 1 channel, 64 microphones */
    snprintf(path, sizeof path, "%s/short.wav", g_tmp);
    CHECK_EQ_INT(avloc_io_wav_save(path, x, 100, M, 16000, AVLOC_IO_F32, 0), AVLOC_IO_OK);
    snprintf(args, sizeof args, "acimg array %s --geometry %s/mics.csv -o %s/i.npy", path, g_tmp, g_tmp);
    CHECK_EQ_INT(run_cli(args, NULL, 0), 1);
    snprintf(path, sizeof path, "%s/bad.csv", g_tmp);
    f = fopen(path, "w");
    if (f) { fprintf(f, "x,y,z\n0,0,0\n0.1,nan,0\n"); fclose(f); }
    snprintf(args, sizeof args, "acimg array %s/array.wav --geometry %s -o %s/i.npy", g_tmp, path, g_tmp);
    CHECK_EQ_INT(run_cli(args, NULL, 0), 1);
    f = fopen(path, "w"); /* fuzz finding: a finite double that is Inf as a float */
    if (f) { fprintf(f, "x,y,z\n0,0,0\n0.1,0,1e39\n"); fclose(f); }
    CHECK_EQ_INT(run_cli(args, NULL, 0), 1);
    avloc_array_destroy_f32(&arr);
    free(mem);
    free(scr);
}

/* `acimg synth` on the bundled demo (data/acimg, a scene not seen in
   training): the image against tools/gen_goldens_array.py's golden (numpy
   MFCC + the exporter's float64 interpreter on the same file: the whole
   pipeline, MFCC and network, independent of the C) within 1e-4 of its
   largest magnitude; the energy peak near the sounding object's cell
   (23, 41); refusals. */
static void test_acimg_synth(void)
{
    static char out[4096];
    char args[3000], path[640];
    const char *line;
    th_array im, ref = th_golden("acimg_synth_demo.npy");
    FILE *f;
    snprintf(args, sizeof args,
             "acimg synth --weights data/acimg/uvae.safetensors --audio data/acimg/demo_mono.wav "
             "--frame data/acimg/demo.ppm -o %s/synth.npy --heat-out %s/synth.png", g_tmp, g_tmp);
    CHECK_EQ_INT(run_cli(args, out, sizeof out), 0);
    line = strstr(out, "{");
    CHECK(line != NULL);
    CHECK_NEAR(json_num(line, "peak_row"), 23, 4);
    CHECK_NEAR(json_num(line, "peak_col"), 41, 4);
    snprintf(path, sizeof path, "%s/synth.npy", g_tmp);
    CHECK_EQ_INT(th_load_npy(path, &im), 0);
    CHECK(im.ndim == 3 && im.shape[0] == 36 && im.shape[1] == 48 && im.shape[2] == 12);
    CHECK(ref.n == 18 * 24 * 12); /* cells (2i, 2j) */
    if (im.n == 36 * 48 * 12 && ref.n == 18 * 24 * 12) {
        double mx = 0, e = 0;
        size_t i;
        for (i = 0; i < ref.n; i++) {
            const double c = im.data[((i / (24 * 12)) * 2 * 48 + (i / 12 % 24) * 2) * 12 + i % 12];
            mx = fabs(ref.data[i]) > mx ? fabs(ref.data[i]) : mx;
            e = fabs(c - ref.data[i]) > e ? fabs(c - ref.data[i]) : e;
        }
        CHECK_MSG(e <= 1e-4 * mx, "synth vs numpy pipeline: max err %g of max %g", e, mx);
        printf("  cli acimg synth vs numpy pipeline: max err %.3g of max\n", e / mx);
    }
    th_free(&im);
    th_free(&ref);
    /* refusals: missing flags, a multichannel clip, a frame of another size, not a U-VAE file */
    CHECK_EQ_INT(run_cli("acimg synth --weights data/acimg/uvae.safetensors --audio data/acimg/demo_mono.wav -o /dev/null", NULL, 0), 2);
    snprintf(args, sizeof args, "acimg synth --weights data/acimg/uvae.safetensors --audio data/acimg/demo_array.wav "
             "--frame data/acimg/demo.ppm -o %s/s.npy", g_tmp);
    CHECK_EQ_INT(run_cli(args, NULL, 0), 1);
    snprintf(path, sizeof path, "%s/small.ppm", g_tmp);
    f = fopen(path, "wb");
    if (f) { fprintf(f, "P6\n4 3\n255\n"); fwrite("0123456789ab0123456789ab0123456789ab", 1, 36, f); fclose(f); }
    snprintf(args, sizeof args, "acimg synth --weights data/acimg/uvae.safetensors --audio data/acimg/demo_mono.wav "
             "--frame %s -o %s/s.npy", path, g_tmp);
    CHECK_EQ_INT(run_cli(args, NULL, 0), 1);
    snprintf(args, sizeof args, "acimg synth --weights data/demo/kemar_gllim.safetensors --audio data/acimg/demo_mono.wav "
             "--frame data/acimg/demo.ppm -o %s/s.npy", g_tmp);
    CHECK_EQ_INT(run_cli(args, NULL, 0), 1);
}

int main(void)
{
    int rc;
    char cmd[700];
    snprintf(g_tmp, sizeof g_tmp, "%s.tmp", TH_AVLOC_BIN);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", g_tmp);
    rc = system(cmd);
    CHECK_EQ_INT(rc, 0);
    CHECK_MSG(run_cli("--version", NULL, 0) == 0, "%s does not run (make RUN=... or AVLOC_TEST_RUNNER for an emulator)", TH_AVLOC_BIN);
    test_gllim_demo();
    test_gcc_phat();
    test_melspec();
    test_stft();
    test_depth();
    test_exit_codes();
    test_rpca();
    test_acimg_array();
    test_acimg_synth();
    return th_finish("cli");
}
