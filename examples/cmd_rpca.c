/* cmd_rpca.c - `avloc rpca` (avloc_rpca.h), the contract of issue 9:
     avloc rpca VIDEO.y4m AUDIO.wav [--mode separate|denoise] [-K N]
                [--lambda1 X --lambda2 X --lambda3 X] [--mask-out mask.pgm]
                [--audio-out target.wav] [--heat-out heat.png] [--map-out map.npy]
                [--window-frames N --overlap M] [--down N] [--max-iter N]
     avloc rpca --plain VIDEO.y4m --sparse-out fg.y4m [--lowrank-out bg.y4m]
     (both: [--svt auto|randomised|gram], the SVT method, and [--threads N],
     workers of examples/avloc_pool.h, default one per online CPU: every N
     gives the same bits)
   One JSON object on stdout: iterations, final residuals, seconds (elapsed
   time of the solve; wall_seconds, the same, kept for older scripts),
   cpu_seconds (CPU time of the solve, all threads). Every algorithm is a
   library call; this file reads, writes and prints. #included by avloc.c. */

#include "../avloc_rpca.h"
#include "avloc_pool.h"
#include <time.h>

static double rpca_cpu_seconds(void) { return (double)clock() / CLOCKS_PER_SEC; }

static double rpca_wall_seconds(void)
{
#if defined(CLOCK_MONOTONIC)
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) == 0) return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
#endif
    return (double)time(NULL);
}

/* Where the JSON line goes: standard output, unless an output file is "-"
   (standard output carries its data; the JSON would corrupt it). */
static FILE *rpca_json_stream(const char *const *outs, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (outs[i] && strcmp(outs[i], "-") == 0) return stderr;
    return stdout;
}

static void rpca_json_info(FILE *to, const avloc_rpca_info *info, double cpu, double wall, const char *mode,
                           size_t frames, size_t w, size_t h)
{
    avloc_io_json j;
    avloc_io_json_begin(&j, to);
    avloc_io_json_str(&j, "mode", mode);
    avloc_io_json_num(&j, "frames", (double)frames);
    avloc_io_json_num(&j, "width", (double)w);
    avloc_io_json_num(&j, "height", (double)h);
    avloc_io_json_num(&j, "iterations", (double)info->iters);
    avloc_io_json_num(&j, "primal_residual", info->primal);
    avloc_io_json_num(&j, "dual_residual", info->dual);
    avloc_io_json_num(&j, "converged", info->converged);
    avloc_io_json_num(&j, "rank", (double)info->rank);
    avloc_io_json_num(&j, "seconds", wall);
    avloc_io_json_num(&j, "wall_seconds", wall);
    avloc_io_json_num(&j, "cpu_seconds", cpu);
    avloc_io_json_end(&j);
}

/* dst[c * rows + r] = src[r * cols + c] + add, in 16 x 16 tiles: a whole
   column at a time would touch one float of every 64-byte line of dst's
   rows (800 bytes apart for 200 frames) and come back to each line 15 times
   after it left the cache. */
static void rpca_transpose(const float *src, size_t rows, size_t cols, float add, float *dst)
{
    size_t r0, c0, r, c;
    for (r0 = 0; r0 < rows; r0 += 16)
        for (c0 = 0; c0 < cols; c0 += 16) {
            size_t r1 = rows - r0 < 16 ? rows : r0 + 16, c1 = cols - c0 < 16 ? cols : c0 + 16;
            for (c = c0; c < c1; c++)
                for (r = r0; r < r1; r++) dst[c * rows + r] = src[r * cols + c] + add;
        }
}

/* --plain: video as pixels x frames, L and S written back as videos
   (S offset by 0.5 so that negative changes stay visible). The frames'
   buffer takes the outputs: every buffer is memory the kernel zeroes on
   first touch, a visible part of the process on a virtual machine. */
static int rpca_plain(const char *cmd, const char *vpath, const char *sparse_out, const char *lowrank_out,
                      size_t max_iter, int svt, size_t threads)
{
    float *frames = NULL, *D = NULL, *L = NULL, *S = NULL;
    void *mem = NULL, *scr = NULL;
    size_t nf = 0, px, ob, sb;
    unsigned w = 0, h = 0;
    double fps = 0, t0, w0;
    char msg[160] = "";
    avloc_rpca_config c = avloc_rpca_config_default();
    avloc_pool pool;
    avloc_rpca r;
    avloc_rpca_info info;
    avloc_result e;
    int rc = AVCLI_EXIT_FAIL;
    avloc_io_status s = avloc_io_y4m_load_grey(vpath, &frames, &nf, &w, &h, &fps, msg, sizeof msg);
    memset(&r, 0, sizeof r); /* destroyed on every path through done */
    if (s != AVLOC_IO_OK) { avcli_error(cmd, "%s: %s", vpath, msg[0] ? msg : avloc_io_strerror(s)); return rc; }
    px = (size_t)w * h;
    c.rows = px; c.cols = nf;
    if (max_iter) c.max_iter = max_iter;
    c.svt_method = svt;
    /* fewer where threads cannot start: the same results for any count */
    (void)avloc_pool_init_auto(&pool, threads);
    c.threads = pool.th;
    if ((e = avloc_rpca_query(&c, &ob, &sb)) != AVLOC_OK) { avcli_error(cmd, "%s", avloc_result_str(e)); goto done; }
    if (!(D = (float *)avcli_malloc(cmd, px * nf, 4)) || !(L = (float *)avcli_malloc(cmd, px * nf, 4)) ||
        !(S = (float *)avcli_malloc(cmd, px * nf, 4)) ||
        !(mem = avcli_malloc(cmd, ob, 1)) || !(scr = avcli_malloc(cmd, sb, 1)))
        goto done;
    rpca_transpose(frames, nf, px, 0.0f, D);
    /* L and S touched before the clocks start: the seconds are the solve's,
       not the kernel's first-touch page zeroing (0.1-0.8 s of a 76 800 x 200
       solve on a virtual machine, varying run to run). The scratch is not:
       this solve leaves ~60 of its 199 MB untouched (sized for every SVT
       path), and zeroing them cost the process more than the timing's
       noise is worth. */
    memset(L, 0, px * nf * sizeof *L);
    memset(S, 0, px * nf * sizeof *S);
    t0 = rpca_cpu_seconds();
    w0 = rpca_wall_seconds();
    if ((e = avloc_rpca_init(&r, &c, mem, ob)) != AVLOC_OK ||
        (e = avloc_rpca_solve_f32(&r, D, L, S, NULL, &info, scr, sb)) != AVLOC_OK) {
        avcli_error(cmd, "robust PCA failed: %s", avloc_result_str(e));
        goto done;
    }
    t0 = rpca_cpu_seconds() - t0;
    w0 = rpca_wall_seconds() - w0;
    rpca_transpose(S, px, nf, 0.5f, frames);
    if (!avcli_check_write(cmd, sparse_out,
                           avloc_io_y4m_save_grey(sparse_out, frames, nf, w, h, (unsigned)(fps * 1000 + 0.5), 1000)))
        goto done;
    if (lowrank_out) {
        rpca_transpose(L, px, nf, 0.0f, frames);
        if (!avcli_check_write(cmd, lowrank_out,
                               avloc_io_y4m_save_grey(lowrank_out, frames, nf, w, h, (unsigned)(fps * 1000 + 0.5), 1000)))
            goto done;
    }
    {   const char *outs[2];
        outs[0] = sparse_out; outs[1] = lowrank_out;
        rpca_json_info(rpca_json_stream(outs, 2), &info, t0, w0, "plain", nf, w, h); }
    rc = AVCLI_EXIT_OK;
done:
    avloc_rpca_destroy(&r);
    avloc_pool_uninit(&pool);
    free(frames); free(D); free(L); free(S); free(mem); free(scr);
    return rc;
}

/* The pipeline refuses a configuration with one code (PARAM or SIZE): name
   the flag behind the common cases. Returns 1 when it printed a reason. */
static int rpca_explain(const char *cmd, const avloc_rpca_pipe_config *c)
{
    size_t T = c->window_frames ? c->window_frames : c->frames;
    if (c->window_frames > c->frames)
        avcli_error(cmd, "--window-frames %lu is longer than the clip (%lu frames)", (unsigned long)c->window_frames,
                    (unsigned long)c->frames);
    else if (c->window_frames && c->overlap >= c->window_frames)
        avcli_error(cmd, "--overlap must be smaller than --window-frames");
    else if (!(c->audio_smooth_frames & 1) || !(c->audio_smooth_bins & 1))
        avcli_error(cmd, "--smooth-frames and --smooth-bins must be odd");
    else if (c->down > c->width || c->down > c->height)
        avcli_error(cmd, "--down %lu is larger than the frame (%lux%lu)", (unsigned long)c->down,
                    (unsigned long)c->width, (unsigned long)c->height);
    else if (!(c->fps > 0.0 && c->fps < 1e4))
        avcli_error(cmd, "frame rate %g outside (0, 10000)", c->fps);
    else if (c->av.K > T)
        avcli_error(cmd, "-K %lu is more than the %lu frames per solve", (unsigned long)c->av.K, (unsigned long)T);
    else
        return 0;
    return 1;
}

static int cmd_rpca(int argc, char **argv)
{
    const char *cmd = argv[0], *pos[2], *mask_out = NULL, *audio_out = NULL, *heat_out = NULL, *map_out = NULL;
    const char *sparse_out = NULL, *lowrank_out = NULL;
    int npos = 0, mode = 0, plain = 0, svt = 0, pr, rc = AVCLI_EXIT_FAIL;
    size_t mbox = 0, mlink = (size_t)-1, sm_frames = 0, sm_bins = 0, K = 0, win = 0, overlap = 0, down = 1, max_iter = 0, nf = 0, i, ob, sb;
    size_t threads = 0; /* 0: one per online CPU */
    double l1 = 0, l2 = 0, l3 = -1, thresh = -1, fps = 0, t0, w0, rho = 0, mu_max = 0, map_power = 0, a_power = 0;
    int map_rule = (int)AVLOC_RPCA_MAP_CORR; /* pv|corr: the enum's order */
    int mask_rule = (int)AVLOC_RPCA_MASK_HULL; /* box|hull: the enum's order */
    int vgate = (int)AVLOC_RPCA_VGATE_AUTO; /* auto|off|on: the enum's order */
    double slack = 0;
    unsigned w = 0, h = 0;
    char msg[160] = "";
    float *frames = NULL, *audio = NULL, *map = NULL, *target = NULL;
    unsigned char *mask = NULL;
    void *mem = NULL, *scr = NULL;
    avloc_io_audio a;
    avloc_io_status s;
    avloc_rpca_pipe_config c = avloc_rpca_pipe_config_default();
    avloc_rpca_pipe p;
    avloc_rpca_pipe_out out;
    avloc_rpca_info info;
    avloc_result e;
    avloc_pool pool;
    avcli_opt o[32];
    size_t no = 0;
    memset(&p, 0, sizeof p); /* destroyed on every path through done */
    memset(&pool, 0, sizeof pool); /* likewise (a zeroed pool has no thread to stop) */
    o[no++] = avcli_choice("--mode", &mode, "separate|denoise", "separate the target from an interferer, or denoise");
    o[no++] = avcli_alias(avcli_size("-K", &K, 1, 64, "N", "shared components (default 3)"), "--components");
    o[no++] = avcli_double("--lambda1", &l1, 0, 1e6, "X", "weight of ||Pv||_1 (default 3.5/sqrt(pixels * frames))");
    o[no++] = avcli_double("--lambda2", &l2, 0, 1e6, "X", "weight of ||Pa||_1 (default 1/sqrt(max(bins, frames)))");
    o[no++] = avcli_double("--lambda3", &l3, 0, 1e6, "X", "temporal smoothness of C (default 0.05)");
    o[no++] = avcli_choice("--map-rule", &map_rule, "pv|corr", "the map: sum |Pv| (the paper) or the audio-visual correlation map (default corr)");
    o[no++] = avcli_double("--map-power", &map_power, 1e-3, 64, "X", "exponent of the correlation in the corr map (default 2)");
    o[no++] = avcli_choice("--mask-rule", &mask_rule, "box|hull",
                           "mask: smoothed map over a threshold, or the convex hull of the map's linked peak (default hull)");
    o[no++] = avcli_double("--mask-thresh", &thresh, 0, 1, "F", "mask: map >= F * its max (default 0.1 hull, 0.4 box)");
    o[no++] = avcli_size("--mask-link", &mlink, 0, 65536, "N", "hull mask: peak pixels within N pixels are one region (default 8)");
    o[no++] = avcli_string("--mask-out", &mask_out, "PGM", "binary mask of the sounding pixels (255)");
    o[no++] = avcli_string("--audio-out", &audio_out, "WAV", "the separated (or denoised) target");
    o[no++] = avcli_string("--heat-out", &heat_out, "PNG", "the localisation map over the first frame");
    o[no++] = avcli_string("--map-out", &map_out, "NPY", "the localisation map, height x width float32");
    o[no++] = avcli_size("--window-frames", &win, 0, 1e6, "N", "windowed mode: N frames per solve (0: whole clip)");
    o[no++] = avcli_size("--overlap", &overlap, 0, 1e6, "M", "frames shared by successive windows");
    o[no++] = avcli_size("--down", &down, 1, 64, "N", "video downsampling factor (default 1)");
    o[no++] = avcli_size("--max-iter", &max_iter, 0, 1e6, "N", "iteration cap (default 20; plain 500)");
    o[no++] = avcli_size("--mask-box", &mbox, 1, 1000, "N", "box mask: map smoothed by an N x N box first (default 9)");
    o[no++] = avcli_double("--audio-power", &a_power, 1e-3, 16, "X", "separation gain S^X / (S^X + L^X) (default 4)");
    o[no++] = avcli_size("--smooth-frames", &sm_frames, 1, 4095, "N", "separation gain smoothed over N STFT frames (odd; default 7)");
    o[no++] = avcli_size("--smooth-bins", &sm_bins, 1, 4095, "N", "... and N frequency bins (odd; default 1)");
    o[no++] = avcli_choice("--visual-gate", &vgate, "auto|off|on",
                           "gate the separated sound by the sounding region's motion: when the audio RPCA left the\n"
                           "                               interferer in (auto, default), never, or always");
    o[no++] = avcli_double("--gate-slack", &slack, 1e-3, 1e6, "X", "visual gate: a frame keeps up to X times the energy its motion predicts (default 1)");
    o[no++] = avcli_double("--rho", &rho, 1, 100, "X", "penalty growth per iteration (default 1.2)");
    o[no++] = avcli_double("--mu-max", &mu_max, 1, 1e12, "X", "penalty cap, in units of mu0 (default 8)");
    o[no++] = avcli_choice("--svt", &svt, "auto|randomised|gram",
                           "SVT method: by the cost rule (default), or forced (avloc_svt_f32)");
    o[no++] = avcli_flag("--plain", &plain, 1, "plain robust PCA of the video alone");
    o[no++] = avcli_string("--sparse-out", &sparse_out, "Y4M", "--plain: the sparse part (+0.5) as video");
    o[no++] = avcli_string("--lowrank-out", &lowrank_out, "Y4M", "--plain: the low-rank part as video");
    o[no++] = avcli_size("--threads", &threads, 0, AVLOC_POOL_MAX, "N",
                         "worker threads (default 0: one per online CPU; every N gives the same bits)");
    pr = avcli_parse(argc, argv, o, no, pos, 2, &npos, "VIDEO.y4m AUDIO.wav [options] | --plain VIDEO.y4m --sparse-out fg.y4m",
                     "Finds the pixels that sound and separates their sound: low-rank + sparse decomposition of the\n"
                     "video and of the audio magnitude spectrogram sharing one sparse code (avloc_rpca.h). Prints one\n"
                     "JSON object {mode, frames, width, height, iterations, primal_residual, dual_residual, converged,\n"
                     "rank, seconds}.");
    if (pr <= 0) return pr == 0 ? AVCLI_EXIT_OK : AVCLI_EXIT_USAGE;
    if (overlap && !win) { avcli_error(cmd, "--overlap needs --window-frames"); return AVCLI_EXIT_USAGE; }
    if (plain) {
        /* an option of the audio-visual mode would be silently ignored here */
        const char *bad = mask_out ? "--mask-out" : audio_out ? "--audio-out" : heat_out ? "--heat-out"
                        : map_out ? "--map-out" : win ? "--window-frames" : NULL;
        if (bad) { avcli_error(cmd, "%s does not apply to --plain", bad); return AVCLI_EXIT_USAGE; }
        if (npos != 1 || !sparse_out) { avcli_error(cmd, "--plain needs VIDEO.y4m and --sparse-out"); return AVCLI_EXIT_USAGE; }
        if (lowrank_out && strcmp(sparse_out, "-") == 0 && strcmp(lowrank_out, "-") == 0) {
            avcli_error(cmd, "--sparse-out and --lowrank-out cannot both be standard output");
            return AVCLI_EXIT_USAGE;
        }
        {   const char *outs[2];
            outs[0] = sparse_out; outs[1] = lowrank_out;
            if (!avcli_outputs_writable(cmd, outs, 2)) return AVCLI_EXIT_FAIL; }
        return rpca_plain(cmd, pos[0], sparse_out, lowrank_out, max_iter, svt, threads);
    }
    if (sparse_out || lowrank_out) {
        avcli_error(cmd, "%s applies to --plain only", sparse_out ? "--sparse-out" : "--lowrank-out");
        return AVCLI_EXIT_USAGE;
    }
    if (npos != 2) { avcli_error(cmd, "needs VIDEO.y4m AUDIO.wav; see '%s --help'", cmd); return AVCLI_EXIT_USAGE; }
    {   const char *outs[4];
        outs[0] = mask_out; outs[1] = audio_out; outs[2] = heat_out; outs[3] = map_out;
        if (!avcli_outputs_writable(cmd, outs, 4)) return AVCLI_EXIT_FAIL; }
    memset(&a, 0, sizeof a);
    s = avloc_io_y4m_load_grey(pos[0], &frames, &nf, &w, &h, &fps, msg, sizeof msg);
    if (s != AVLOC_IO_OK) { avcli_error(cmd, "%s: %s", pos[0], msg[0] ? msg : avloc_io_strerror(s)); return rc; }
    if (!(fps > 0)) { avcli_error(cmd, "%s: no frame rate (F tag)", pos[0]); goto done; }
    if (!avcli_load_wav(cmd, pos[1], 0, &a)) goto done;
    if (!avcli_same_duration(cmd, pos[0], nf, fps, pos[1], a.frames, a.sample_rate)) goto done;
    if (!(audio = (float *)avcli_malloc(cmd, a.frames, sizeof(float)))) goto done;
    for (i = 0; i < a.frames; i++) { /* mono mix */
        double m = 0;
        unsigned ch;
        for (ch = 0; ch < a.channels; ch++) m += a.samples[i * a.channels + ch];
        audio[i] = (float)(m / a.channels);
    }
    c.width = w; c.height = h; c.frames = nf; c.n_samples = a.frames; c.fps = fps; c.sample_rate = a.sample_rate;
    c.down = down; c.mode = mode ? AVLOC_RPCA_DENOISE : AVLOC_RPCA_SEPARATE;
    c.window_frames = win; c.overlap = overlap;
    if (K) c.av.K = K;
    c.av.lambda1 = l1; c.av.lambda2 = l2;
    if (l3 >= 0) c.av.lambda3 = l3;
    c.mask_rule = (avloc_rpca_mask_rule)mask_rule;
    if (thresh >= 0) c.mask_thresh = thresh;
    else if (c.mask_rule == AVLOC_RPCA_MASK_BOX) c.mask_thresh = AVLOC_RPCA_MASK_BOX_THRESH;
    if (mlink != (size_t)-1) c.mask_link = mlink;
    c.map_rule = (avloc_rpca_map_rule)map_rule;
    if (map_power > 0) c.map_power = map_power;
    if (max_iter) c.av.max_iter = max_iter;
    if (rho > 0) c.av.rho = rho;
    if (mbox) c.mask_box = mbox;
    if (a_power > 0) c.audio_power = a_power;
    if (sm_frames) c.audio_smooth_frames = sm_frames;
    if (sm_bins) c.audio_smooth_bins = sm_bins;
    c.vgate = (avloc_rpca_vgate)vgate;
    if (slack > 0) c.vgate_slack = slack;
    if (mu_max > 0) c.av.mu_max_ratio = mu_max;
    c.av.svt_method = svt;
    (void)avloc_pool_init_auto(&pool, threads); /* fewer where threads cannot start: the same results */
    c.av.threads = pool.th;
    if ((e = avloc_rpca_pipe_query(&c, &ob, &sb)) != AVLOC_OK) {
        if (!rpca_explain(cmd, &c))
            avcli_error(cmd, "cannot run on %ux%u x %lu frames, %lu samples: %s", w, h, (unsigned long)nf,
                        (unsigned long)a.frames, avloc_result_str(e));
        goto done;
    }
    if (!(mem = avcli_malloc(cmd, ob, 1)) || !(scr = avcli_malloc(cmd, sb, 1)) ||
        !(map = (float *)avcli_malloc(cmd, (size_t)w * h, sizeof(float))) || !(mask = (unsigned char *)avcli_malloc(cmd, (size_t)w * h, 1)) ||
        !(target = (float *)avcli_malloc(cmd, a.frames, sizeof(float))))
        goto done;
    out.map = map; out.mask = mask; out.target = target;
    t0 = rpca_cpu_seconds();
    w0 = rpca_wall_seconds();
    if ((e = avloc_rpca_pipe_init(&p, &c, mem, ob)) != AVLOC_OK ||
        (e = avloc_rpca_pipe_run_f32(&p, frames, audio, &out, &info, scr, sb)) != AVLOC_OK) {
        avcli_error(cmd, "rpca failed: %s", avloc_result_str(e));
        goto done;
    }
    t0 = rpca_cpu_seconds() - t0;
    w0 = rpca_wall_seconds() - w0;
    if (mask_out && !avcli_check_write(cmd, mask_out, avloc_io_pgm_save(mask_out, mask, w, h))) goto done;
    if (audio_out && !avcli_check_write(cmd, audio_out, avloc_io_wav_save(audio_out, target, a.frames, 1,
                                                                          a.sample_rate, AVLOC_IO_S16, 0)))
        goto done;
    if (heat_out && !avcli_save_heat(cmd, heat_out, map, h, w, frames, w, h, "RPCA: sounding pixels over the first frame",
                                     map_rule == (int)AVLOC_RPCA_MAP_PV ? "sparse video energy" : "change x corr^2 with the sound"))
        goto done;
    if (map_out) {
        size_t shape[2];
        shape[0] = h; shape[1] = w;
        if (!avcli_check_write(cmd, map_out, avloc_io_npy_save_f32(map_out, map, shape, 2))) goto done;
    }
    {   const char *outs[4];
        outs[0] = mask_out; outs[1] = audio_out; outs[2] = heat_out; outs[3] = map_out;
        rpca_json_info(rpca_json_stream(outs, 4), &info, t0, w0, mode ? "denoise" : "separate", nf, w, h); }
    rc = AVCLI_EXIT_OK;
done:
    avloc_rpca_pipe_destroy(&p); /* the FFTW3 back-end's STFT and DCT plans */
    avloc_pool_uninit(&pool);
    avloc_io_audio_free(&a);
    free(frames); free(audio); free(map); free(mask); free(target); free(mem); free(scr);
    return rc;
}

static const avcli_cmd cmd_rpca_table[] = {
    {"rpca", "VIDEO.y4m AUDIO.wav [...] | --plain VIDEO.y4m --sparse-out fg.y4m",
     "sounding-pixel localisation and separation (low-rank + sparse)", cmd_rpca, NULL},
    {NULL, NULL, NULL, NULL, NULL}};
