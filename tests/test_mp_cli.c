/* The `avloc avmp` commands (learn, code, locate, show) on a small clip, and
   their errors on bad files and flags. */
#if defined(__unix__) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* dup/dup2: capture the CLI's stdout */
#endif
/* The CLI is compiled in (examples/avloc.c, main renamed); it brings the
   library implementation and avloc_mp.h (through examples/cmd_mp.c). */
#define main avloc_cli_main
#include "../examples/avloc.c"
#undef main
#include "harness.h"
#if defined(__unix__)
#include <unistd.h>
#endif

static char dir[512]; /* files go next to this program (the build dir) */

static const char *in_dir(const char *name)
{
    static char buf[16][640];
    static int slot = 0;
    slot = (slot + 1) % 16;
    snprintf(buf[slot], sizeof buf[slot], "%s%s", dir, name);
    return buf[slot];
}

static int run_cli(int argc, const char **argv, const char *stdout_path)
{
    char *copy[40];
    int i, rc;
#if defined(__unix__)
    int saved = -1;
    fflush(stdout);
    if (stdout_path) {
        FILE *f = fopen(stdout_path, "w");
        saved = dup(1);
        if (f) { dup2(fileno(f), 1); fclose(f); }
    }
#else
    (void)stdout_path;
#endif
    for (i = 0; i < argc && i < 39; i++) copy[i] = (char *)argv[i];
    copy[i] = NULL;
    rc = avloc_cli_main(i, copy);
#if defined(__unix__)
    fflush(stdout);
    if (saved >= 0) { dup2(saved, 1); close(saved); }
#endif
    return rc;
}

static size_t count_lines(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    char line[512];
    size_t n = 0;
    if (!f) return 0;
    while (fgets(line, sizeof line, f))
        if (!needle || strstr(line, needle)) n++;
    fclose(f);
    return n;
}

/* A 16-frame 12x16 clip with one audio-visual event (a blob blinking with a
   tone) and 8 kHz audio; learn, code, locate, show; bad flags and files. */
static void test_cli(void)
{
    const char *y4m = in_dir("clip.y4m"), *wav = in_dir("clip.wav"), *dict = in_dir("dict.st");
    const char *out = in_dir("out.txt"), *png = in_dir("k.png"), *heat = in_dir("heat.png");
    const char *rate_dict = in_dir("rate.st"), *none = in_dir("none.st");
    static float video[16 * 12 * 16], audio[4272];
    size_t t, i;
    for (t = 0; t < 16; t++)
        for (i = 0; i < 12 * 16; i++) {
            size_t y = i / 16, x = i % 16;
            video[t * 192 + i] = (t >= 6 && t < 9 && y >= 4 && y < 7 && x >= 9 && x < 12) ? 0.0f : 1.0f;
        }
    for (i = 0; i < 4272; i++) {
        double f = (double)i * 29.97 / 8000.0;
        audio[i] = (f >= 6 && f < 9) ? (float)(0.5 * sin(0.7 * (double)i)) : 0.0f;
    }
    CHECK(avloc_io_y4m_save_grey(y4m, video, 16, 16, 12, 30000, 1001) == AVLOC_IO_OK);
    CHECK(avloc_io_wav_save(wav, audio, 4272, 1, 8000, AVLOC_IO_S16, 0) == AVLOC_IO_OK);
    {
        const char *learn[] = {"avloc", "avmp", "learn", "--video", y4m, "--audio", wav, "--kernels", "2",
                               "--audio-len", "400", "--video-size", "4x4x3", "--atoms", "3", "--iters", "4",
                               "-o", dict};
        const char *code[] = {"avloc", "avmp", "code", "--dict", dict, "--video", y4m, "--audio", wav, "--atoms", "3"};
        const char *locate[] = {"avloc", "avmp", "locate", "--dict", dict, "--video", y4m, "--audio", wav,
                                "--atoms", "2", "--heat-out", heat};
        const char *show[] = {"avloc", "avmp", "show", dict, "-o", png};
        FILE *f;
        double u = -1, v = -1;
        CHECK_EQ_INT(run_cli(19, learn, NULL), AVCLI_EXIT_OK);
        CHECK_EQ_INT(run_cli(11, code, out), AVCLI_EXIT_OK);
        CHECK_EQ_INT(count_lines(out, "\"ca\""), 3);
        f = fopen(out, "r");
        if (f) { /* the first atom is on the blob: kernel centre within 2 px of (10, 5) */
            char line[512];
            if (fgets(line, sizeof line, f)) {
                const char *pu = strstr(line, "\"u\":"), *pv = strstr(line, "\"v\":");
                if (pu && pv) { u = atof(pu + 4); v = atof(pv + 4); }
            }
            fclose(f);
        }
        CHECK_MSG(fabs(u - 10) <= 2 && fabs(v - 5) <= 2, "first atom at (%g, %g)", u, v);
        CHECK_EQ_INT(run_cli(13, locate, out), AVCLI_EXIT_OK);
        CHECK_EQ_INT(count_lines(out, "\"frame\""), 16);
        CHECK(count_lines(out, "\"u\":null") >= 1); /* frames far from the event: nothing sounds */
        f = fopen(out, "r");
        u = v = -1;
        if (f) { /* frame 7 (the blob's middle frame) located on the blob, (10, 5), within 1.5 px */
            char line[512];
            int n = 0;
            while (fgets(line, sizeof line, f))
                if (n++ == 7) {
                    const char *pu = strstr(line, "\"u\":"), *pv = strstr(line, "\"v\":");
                    if (pu && pv) { u = atof(pu + 4); v = atof(pv + 4); }
                }
            fclose(f);
        }
        CHECK_MSG(fabs(u - 10) <= 1.5 && fabs(v - 5) <= 1.5, "frame 7 located at (%g, %g)", u, v);
        {   /* the plain votes (no synchrony contrast) */
            const char *plain[] = {"avloc", "avmp", "locate", "--dict", dict, "--video", y4m, "--audio", wav,
                                   "--atoms", "2", "--sync-shift", "0"};
            CHECK_EQ_INT(run_cli(13, plain, out), AVCLI_EXIT_OK);
            CHECK_EQ_INT(count_lines(out, "\"frame\""), 16);
        }
        CHECK_EQ_INT(run_cli(6, show, NULL), AVCLI_EXIT_OK);
    }
    {   /* the default pool (one worker per CPU) picks the atoms of one worker:
           learning and coding on 1 and on 3 workers write the same bytes */
        const char *dict1 = in_dir("dict1.st"), *dict3 = in_dir("dict3.st");
        const char *out1 = in_dir("code1.txt"), *out3 = in_dir("code3.txt");
        const char *learn1[] = {"avloc", "avmp", "learn", "--video", y4m, "--audio", wav, "--kernels", "2",
                                "--audio-len", "400", "--video-size", "4x4x3", "--atoms", "3", "--iters", "4",
                                "--threads", "1", "-o", dict1};
        const char *learn3[] = {"avloc", "avmp", "learn", "--video", y4m, "--audio", wav, "--kernels", "2",
                                "--audio-len", "400", "--video-size", "4x4x3", "--atoms", "3", "--iters", "4",
                                "--threads", "3", "-o", dict3};
        const char *code1[] = {"avloc", "avmp", "code", "--dict", dict1, "--video", y4m, "--audio", wav,
                               "--atoms", "6", "--threads", "1"};
        const char *code3[] = {"avloc", "avmp", "code", "--dict", dict1, "--video", y4m, "--audio", wav,
                               "--atoms", "6", "--threads", "3"};
        const char *toomany[] = {"avloc", "avmp", "code", "--dict", dict1, "--video", y4m, "--audio", wav,
                                 "--threads", "65"};
        CHECK_EQ_INT(run_cli(21, learn1, NULL), AVCLI_EXIT_OK);
        CHECK_EQ_INT(run_cli(21, learn3, NULL), AVCLI_EXIT_OK);
        CHECK_MSG(th_files_same(dict1, dict3, 2 * 400 * 4), "learn --threads 3 and --threads 1 wrote different dictionaries");
        CHECK_EQ_INT(run_cli(13, code1, out1), AVCLI_EXIT_OK);
        CHECK_EQ_INT(run_cli(13, code3, out3), AVCLI_EXIT_OK);
        CHECK_EQ_INT(count_lines(out3, "\"ca\""), 6);
        CHECK_MSG(th_files_same(out1, out3, 6 * 40), "code --threads 3 and --threads 1 printed different atoms");
        CHECK_EQ_INT(run_cli(11, toomany, NULL), AVCLI_EXIT_USAGE);
    }
    {   /* bad input: clear errors, non-zero exit */
        const char *nodict[] = {"avloc", "avmp", "code", "--dict", none, "--video", y4m, "--audio", wav};
        const char *notdict[] = {"avloc", "avmp", "code", "--dict", wav, "--video", y4m, "--audio", wav};
        const char *unpaired[] = {"avloc", "avmp", "learn", "--video", y4m, "-o", dict};
        const char *toolong[] = {"avloc", "avmp", "learn", "--video", y4m, "--audio", wav, "--video-size", "4x4x20",
                                 "--audio-len", "400", "-o", dict};
        const char *badsize[] = {"avloc", "avmp", "learn", "--video", y4m, "--audio", wav, "--video-size", "4x4",
                                 "-o", dict};
        const char *badvideo[] = {"avloc", "avmp", "code", "--dict", dict, "--video", wav, "--audio", wav};
        const char *badflag[] = {"avloc", "avmp", "code", "--dict", dict, "--video", y4m, "--audio", wav, "--atom", "3"};
        const char *badheat[] = {"avloc", "avmp", "locate", "--dict", dict, "--video", y4m, "--audio", wav, "--heat", "x"};
        const char *badinit[] = {"avloc", "avmp", "learn", "--video", y4m, "--audio", wav, "--init", "3", "-o", dict};
        const char *badshift[] = {"avloc", "avmp", "locate", "--dict", dict, "--video", y4m, "--audio", wav,
                                  "--sync-shift", "-1"};
        fprintf(stderr, "  (the errors below are expected)\n");
        CHECK_EQ_INT(run_cli(9, nodict, NULL), AVCLI_EXIT_FAIL);
        CHECK_EQ_INT(run_cli(9, notdict, NULL), AVCLI_EXIT_FAIL);
        CHECK_EQ_INT(run_cli(7, unpaired, NULL), AVCLI_EXIT_USAGE);
        CHECK_EQ_INT(run_cli(11, badheat, NULL), AVCLI_EXIT_USAGE);
        CHECK_EQ_INT(run_cli(11, badinit, NULL), AVCLI_EXIT_USAGE);
        CHECK_EQ_INT(run_cli(11, badshift, NULL), AVCLI_EXIT_USAGE);
        CHECK_EQ_INT(run_cli(13, toolong, NULL), AVCLI_EXIT_FAIL); /* video shorter than a kernel */
        CHECK_EQ_INT(run_cli(11, badsize, NULL), AVCLI_EXIT_USAGE);
        CHECK_EQ_INT(run_cli(9, badvideo, NULL), AVCLI_EXIT_FAIL);
        CHECK_EQ_INT(run_cli(11, badflag, NULL), AVCLI_EXIT_USAGE);
    }
    {   /* a dictionary with rates that differ from the files' */
        avloc_mp_config c = avloc_mp_config_default();
        static float ka[2 * 400], kv[2 * 48];
        avloc_mp_dict d;
        const char *code[] = {"avloc", "avmp", "code", "--dict", rate_dict, "--video", y4m, "--audio", wav};
        for (i = 0; i < 800; i++) ka[i] = (float)(i % 7) - 3.0f;
        for (i = 0; i < 96; i++) kv[i] = (float)(i % 5) - 2.0f;
        d.audio = ka; d.video = kv;
        c.kernels = 2; c.audio_len = 400; c.kernel_t = 3; c.kernel_h = 4; c.kernel_w = 4; c.audio_rate = 16000;
        CHECK(mp_dict_save("test", rate_dict, &c, &d));
        CHECK_EQ_INT(run_cli(9, code, NULL), AVCLI_EXIT_FAIL);
        /* the files' rates, but a kernel with an all-zero video part, then an
           all-zero dictionary (it coded no atom and exited 0 before) */
        c.audio_rate = 8000;
        c.video_fps = 30000.0 / 1001.0;
        for (i = 48; i < 96; i++) kv[i] = 0.0f;
        CHECK(mp_dict_save("test", rate_dict, &c, &d));
        CHECK_EQ_INT(run_cli(9, code, NULL), AVCLI_EXIT_FAIL);
        memset(ka, 0, sizeof ka);
        memset(kv, 0, sizeof kv);
        CHECK(mp_dict_save("test", rate_dict, &c, &d));
        CHECK_EQ_INT(run_cli(9, code, NULL), AVCLI_EXIT_FAIL);
        /* a good one with the files' rates codes (the failures above are the zeros) */
        for (i = 0; i < 800; i++) ka[i] = (float)(i % 7) - 3.0f;
        for (i = 0; i < 96; i++) kv[i] = (float)(i % 5) - 2.0f;
        CHECK_EQ_INT(avloc_mp_dict_normalize(&c, &d), AVLOC_OK);
        CHECK(mp_dict_save("test", rate_dict, &c, &d));
        CHECK_EQ_INT(run_cli(9, code, out), AVCLI_EXIT_OK);
    }
}

int main(int argc, char **argv)
{
    const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;
    size_t n = slash ? (size_t)(slash - argv[0]) + 1 : 0;
    if (n >= sizeof dir - 32) n = 0;
    memcpy(dir, argv[0], n);
    strcpy(dir + n, "mp_");
    th_verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    test_cli();
    return th_finish("test_mp_cli");
}
