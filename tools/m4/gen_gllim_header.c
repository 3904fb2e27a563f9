/* tools/m4/gen_gllim_header.c - a GLLiM model file (.safetensors) as a C
   header of const tables for a microcontroller's flash: the float32 model
   (avloc_gllim_model_f32_init of the loaded double model: pi, c, Gamma,
   Gamma^-1, log|Gamma|, A coordinate-major, c*, 1/sigma^2 and log sigma^2,
   one Sigma row when tied) and its analysis window. Optionally a test
   signal for a firmware (examples/mcu/firmware_locate.c): WAV clips,
   concatenated, as interleaved int16, and what the double path on the host
   says about it (the reference the firmware checks itself against).

   Usage (host; make build/gen_gllim_header or tools/ci_m4.sh builds it):
       gen_gllim_header MODEL.safetensors NAME [--wav A.wav [--wav B.wav ...]]
                        [--block FRAMES] > NAME.h
   Emits NAME_pi[], ..., NAME_window_table, NAME_model_init(&model_f32)
   (points a avloc_gllim_model_f32 at the tables) and NAME_feat() (the
   model's feature configuration). With --wav also NAME_signal[] and
   NAME_FRAMES_PER_BLOCK, NAME_N_BLOCKS, NAME_expected[] = {u, v, active}
   per block of FRAMES analysis frames (default 25 = 200 ms at hop 128 /
   16 kHz; u, v = -1: no active point).

   The reference: a relative activity threshold (the demo model's -30 dB
   below the clip maximum) needs the whole clip, which a stream does not
   have; NAME_feat() therefore gives an absolute threshold, the clip maximum
   measured here plus the model's relative threshold (a firmware would take
   it from its microphone's level). The features of the whole signal with
   that configuration, their double statistics per block, and
   avloc_gllim_posterior_from_stats of the double model give the expected
   positions. Floats are written with 10 significant digits (exact).

   The window table also carries the roots of the binaural plan's real
   n_fft-point FFT (avloc_fft_record_tables_f32), so that the firmware's
   avloc_binaural_plan_init_tables_f32 computes no twiddles. They are made
   for the scalar kernel set (vector width 1, a Cortex-M's), hence
   AVLOC_NO_SIMD: the host reference below then runs the firmware's code
   path too. */
#define AVLOC_NO_SIMD
#define AVLOC_IMPLEMENTATION
#include "avloc_gllim.h"
#define AVLOC_IO_STATIC
#define AVLOC_IO_IMPLEMENTATION
#include "examples/avloc_io.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GH_MAX_WAV 8

static int gh_fail(const char *msg, const char *what)
{
    fprintf(stderr, "gen_gllim_header: %s%s%s\n", msg, what ? ": " : "", what ? what : "");
    return 1;
}

static void gh_floats(const char *name, const char *field, const float *x, size_t n)
{
    size_t i;
    printf("static const float %s_%s[%lu] = {", name, field, (unsigned long)n);
    for (i = 0; i < n; i++) printf("%s%.9ef", i == 0 ? "\n    " : i % 6 ? ", " : ",\n    ", (double)x[i]);
    printf("};\n");
}

/* NAME_fft: the roots a real n-point plan computes at init, as const
   avloc_fft_tables; 0 when they cannot be recorded. */
static int gh_fft_roots(const char *name, size_t n)
{
    size_t pb = 0, cnt = 0, i;
    void *mem = NULL;
    avloc_complex_f32 *w = NULL;
    avloc_fft_config fc = {n, AVLOC_FFT_REAL};
    int ok = avloc_fft_query_f32(&fc, &pb, NULL) == AVLOC_OK && (mem = malloc(pb)) != NULL &&
             avloc_fft_record_tables_f32(&fc, mem, pb, NULL, 0, &cnt) == AVLOC_ERR_WORKSPACE &&
             (w = (avloc_complex_f32 *)malloc(cnt * sizeof *w)) != NULL &&
             avloc_fft_record_tables_f32(&fc, mem, pb, w, cnt, &cnt) == AVLOC_OK;
    if (ok) {
        printf("static const avloc_complex_f32 %s_fft_roots[%lu] = {", name, (unsigned long)cnt);
        for (i = 0; i < cnt; i++)
            printf("%s{%.9ef, %.9ef}", i == 0 ? "\n    " : i % 3 ? ", " : ",\n    ", (double)w[i].re, (double)w[i].im);
        printf("};\nstatic const avloc_fft_tables %s_fft = {%lu, AVLOC_FFT_REAL, %lu, %lu, %s_fft_roots};\n", name,
               (unsigned long)n, (unsigned long)avloc_fft_tables_vw(), (unsigned long)cnt, name);
    }
    free(mem);
    free(w);
    return ok;
}

/* The model tables, the window and the two functions that use them. */
static int gh_model(const char *name, const avloc_gllim_model_f32 *mf, const avloc_binaural_config *feat)
{
    size_t K = mf->K, L = mf->L, D = mf->D, R = (mf->sigma_type == AVLOC_GLLIM_SIGMA_DIAG_TIED ||
                                                    mf->sigma_type == AVLOC_GLLIM_SIGMA_ISO_TIED) ? 1 : K;
    float *win = (float *)malloc(feat->n_fft * sizeof(float));
    if (!win || avloc_window_f32(feat->window, 1, win, feat->n_fft) != AVLOC_OK) return 0;
    printf("#define %s_K %lu\n#define %s_L %lu\n#define %s_D %lu\n#define %s_N_FFT %lu\n#define %s_HOP %lu\n",
           name, (unsigned long)K, name, (unsigned long)L, name, (unsigned long)D, name,
           (unsigned long)feat->n_fft, name, (unsigned long)feat->hop);
    gh_floats(name, "pi", mf->pi, K);
    gh_floats(name, "c", mf->c, K * L);
    gh_floats(name, "Gamma", mf->Gamma, K * L * L);
    gh_floats(name, "Gamma_inv", mf->Gamma_inv, K * L * L);
    gh_floats(name, "logdet_Gamma", mf->logdet_Gamma, K);
    gh_floats(name, "At", mf->At, K * L * D);
    gh_floats(name, "cstar", mf->cstar, K * D);
    gh_floats(name, "inv_sigma2", mf->inv_sigma2, R * D);
    gh_floats(name, "log_sigma2", mf->log_sigma2, R * D);
    gh_floats(name, "window", win, feat->n_fft);
    free(win);
    if (!gh_fft_roots(name, feat->n_fft)) return 0;
    printf("static const avloc_window_table %s_window_table = {(avloc_window)%d, 1, %lu, %s_window, &%s_fft};\n\n",
           name, (int)feat->window, (unsigned long)feat->n_fft, name, name);
    printf("/* points m at the tables above (nothing is copied) */\n"
           "static void %s_model_init(avloc_gllim_model_f32 *m)\n{\n"
           "    memset(m, 0, sizeof *m);\n"
           "    m->K = %s_K; m->L = %s_L; m->D = %s_D;\n"
           "    m->sigma_type = (avloc_gllim_sigma)%d;\n"
           "    m->obs_weight = %.9ef;\n"
           "    m->pi = %s_pi; m->c = %s_c; m->Gamma = %s_Gamma; m->Gamma_inv = %s_Gamma_inv;\n"
           "    m->logdet_Gamma = %s_logdet_Gamma; m->At = %s_At; m->cstar = %s_cstar;\n"
           "    m->inv_sigma2 = %s_inv_sigma2; m->log_sigma2 = %s_log_sigma2;\n"
           "    m->image_width = %lu; m->image_height = %lu;\n}\n\n",
           name, name, name, name, (int)mf->sigma_type, (double)mf->obs_weight, name, name, name, name, name, name,
           name, name, name, (unsigned long)mf->image_width, (unsigned long)mf->image_height);
    printf("/* the model's feature configuration%s */\n"
           "static avloc_binaural_config %s_feat(void)\n{\n"
           "    avloc_binaural_config c = avloc_binaural_config_default();\n"
           "    c.sample_rate = %.9ef; c.n_fft = %lu; c.hop = %lu; c.window = (avloc_window)%d;\n"
           "    c.first_bin = %lu; c.n_bins = %lu;\n"
           "    c.threshold_db = %.9ef; c.threshold_relative = %d;\n"
           "    return c;\n}\n\n",
           feat->threshold_relative ? "" : " (absolute threshold: see the test signal below)", name,
           (double)feat->sample_rate, (unsigned long)feat->n_fft, (unsigned long)feat->hop, (int)feat->window,
           (unsigned long)feat->first_bin, (unsigned long)feat->n_bins, (double)feat->threshold_db,
           feat->threshold_relative);
    return 1;
}

/* Largest |L|^2 + |R|^2 over the model's bins and the frames of x (planar
   L then R, n samples each), in dB: where a relative threshold starts. */
static int gh_max_db(const avloc_binaural_config *f, const float *x, size_t n, double *db)
{
    avloc_stft_config sc = avloc_stft_config_default();
    avloc_stft_f32 st;
    size_t ob = 0, sb = 0, nf = 0, t, b;
    void *om, *sm;
    avloc_complex_f32 *sl, *sr;
    double mx = 0.0;
    int ok;
    sc.n_fft = f->n_fft; sc.hop = f->hop; sc.win_length = f->n_fft; sc.window = f->window;
    sc.periodic = 1; sc.center = 0; sc.onesided = 1;
    if (avloc_stft_query_f32(&sc, &ob, &sb) != AVLOC_OK || avloc_stft_frames(&sc, n, &nf) != AVLOC_OK) return 0;
    om = malloc(ob); sm = malloc(sb);
    sl = (avloc_complex_f32 *)malloc(nf * (f->n_fft / 2 + 1) * sizeof *sl);
    sr = (avloc_complex_f32 *)malloc(nf * (f->n_fft / 2 + 1) * sizeof *sr);
    ok = om && sm && sl && sr && avloc_stft_init_f32(&st, &sc, om, ob) == AVLOC_OK &&
         avloc_stft_forward_f32(&st, x, n, sl, nf, sm, sb) == AVLOC_OK &&
         avloc_stft_forward_f32(&st, x + n, n, sr, nf, sm, sb) == AVLOC_OK;
    for (t = 0; ok && t < nf; t++)
        for (b = f->first_bin; b < f->first_bin + f->n_bins; b++) {
            const avloc_complex_f32 l = sl[t * (f->n_fft / 2 + 1) + b], r = sr[t * (f->n_fft / 2 + 1) + b];
            double p = (double)l.re * l.re + (double)l.im * l.im + (double)r.re * r.re + (double)r.im * r.im;
            if (p > mx) mx = p;
        }
    *db = 10.0 * log10(mx);
    free(om); free(sm); free(sl); free(sr);
    return ok && mx > 0.0;
}

/* Expected {u, v, active} of one span of frames with the double path. */
static void gh_expect(const avloc_gllim_model *m, const float *feat, const unsigned char *mask, size_t T,
                      avloc_gllim_stats *st, avloc_gllim_posterior *post)
{
    avloc_result r;
    avloc_gllim_stats_reset(st);
    r = avloc_gllim_stats_add_f32(st, feat, mask, T, 1);
    if (r == AVLOC_OK) r = avloc_gllim_posterior_from_stats(m, st, post);
    if (r == AVLOC_OK)
        printf("    {%.6ff, %.6ff, %lu},\n", post->mean[0], post->mean[1], (unsigned long)post->n_active);
    else
        printf("    {-1.0f, -1.0f, 0}, /* %s */\n", avloc_result_str(r));
}

/* The test signal and the double path's positions for it. */
static int gh_signal(const char *name, const avloc_gllim_model *m, avloc_binaural_config feat, const char **wavs,
                     int nw, size_t block)
{
    avloc_io_audio a[GH_MAX_WAV];
    size_t n = 0, i, j, D = m->D, nf = 0, sb = 0, stb = 0, pb = 0, nblocks, hop = feat.hop;
    float *x, *features = NULL;
    unsigned char *mask = NULL, *scr = NULL, *smem = NULL, *pmem = NULL;
    avloc_gllim_stats st;
    avloc_gllim_posterior post;
    double mx_db;
    int k, ok;
    for (k = 0; k < nw; k++) {
        if (avloc_io_wav_load(wavs[k], AVLOC_IO_WAV_PLANAR, &a[k]) != AVLOC_IO_OK || a[k].channels != 2 ||
            a[k].sample_rate != (unsigned)feat.sample_rate)
            return gh_fail("not a stereo WAV at the model's sample rate", wavs[k]);
        n += a[k].frames;
    }
    n -= n % hop; /* whole DMA halves of hop samples */
    x = (float *)malloc(2 * n * sizeof(float));
    if (!x) return gh_fail("out of memory", NULL);
    for (k = 0, j = 0; k < nw; k++) /* int16 as the firmware reads it */
        for (i = 0; i < a[k].frames && j < n; i++, j++) {
            long l = lrint(a[k].samples[i] * 32768.0), r = lrint(a[k].samples[a[k].frames + i] * 32768.0);
            l = l > 32767 ? 32767 : l < -32768 ? -32768 : l;
            r = r > 32767 ? 32767 : r < -32768 ? -32768 : r;
            x[j] = (float)l / 32768.0f;
            x[n + j] = (float)r / 32768.0f;
        }
    if (feat.threshold_relative) { /* relative -> absolute (see the top of this file) */
        if (!gh_max_db(&feat, x, n, &mx_db)) return gh_fail("the signal is silent", NULL);
        feat.threshold_db = (float)(mx_db + feat.threshold_db);
        feat.threshold_relative = 0;
    }
    printf("/* test signal: %lu stereo samples at %g Hz from", (unsigned long)n, (double)feat.sample_rate);
    for (k = 0; k < nw; k++) printf(" %s", wavs[k]);
    printf(" */\n#define %s_SIGNAL_FRAMES %lu\n#define %s_THRESHOLD_DB %.9ef\n", name, (unsigned long)n, name,
           (double)feat.threshold_db);
    printf("static const short %s_signal[%lu] = {", name, (unsigned long)(2 * n));
    for (i = 0; i < n; i++)
        printf("%s%d, %d", i == 0 ? "\n    " : i % 8 ? ", " : ",\n    ", (int)lrintf(x[i] * 32768.0f), (int)lrintf(x[n + i] * 32768.0f));
    printf("};\n");
    ok = avloc_binaural_frames(&feat, n, &nf) == AVLOC_OK && avloc_binaural_scratch_f32(&feat, n, &sb) == AVLOC_OK &&
         avloc_gllim_stats_query(D, &stb) == AVLOC_OK && avloc_gllim_posterior_query(m, &pb, NULL) == AVLOC_OK;
    if (ok) {
        features = (float *)malloc(nf * D * sizeof(float));
        mask = (unsigned char *)malloc(nf * D);
        scr = (unsigned char *)malloc(sb);
        smem = (unsigned char *)malloc(stb);
        pmem = (unsigned char *)malloc(pb);
        ok = features && mask && scr && smem && pmem &&
             avloc_binaural_features_f32(&feat, x, x + n, n, features, mask, nf, NULL, scr, sb) == AVLOC_OK &&
             avloc_gllim_stats_init(&st, D, smem, stb) == AVLOC_OK &&
             avloc_gllim_posterior_init(&post, m, pmem, pb) == AVLOC_OK;
    }
    if (!ok) return gh_fail("features of the test signal failed", NULL);
    nblocks = nf / block;
    printf("#define %s_FRAMES_PER_BLOCK %lu\n#define %s_N_BLOCKS %lu\n", name, (unsigned long)block, name,
           (unsigned long)nblocks);
    printf("/* the double path on the host: {u, v, active points} per block of frames */\n");
    printf("static const struct { float u, v; unsigned long active; } %s_expected[%lu] = {\n", name,
           (unsigned long)nblocks);
    for (i = 0; i < nblocks; i++) gh_expect(m, features + i * block * D, mask + i * block * D, block, &st, &post);
    printf("};\n");
    printf("/* the feature configuration of the test signal: absolute threshold */\n"
           "static avloc_binaural_config %s_signal_feat(void)\n{\n"
           "    avloc_binaural_config c = %s_feat();\n"
           "    c.threshold_db = %s_THRESHOLD_DB; c.threshold_relative = 0;\n    return c;\n}\n",
           name, name, name);
    for (k = 0; k < nw; k++) avloc_io_audio_free(&a[k]);
    free(x); free(features); free(mask); free(scr); free(smem); free(pmem);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned char *file = NULL, *mmem = NULL;
    void *fmem = NULL;
    size_t fsize = 0, K, L, D, mb, fb = 0, block = 25;
    const char *wavs[GH_MAX_WAV];
    avloc_gllim_model m;
    avloc_gllim_model_f32 mf;
    int nw = 0, i, rc = 0;
    if (argc < 3) return gh_fail("usage: gen_gllim_header MODEL.safetensors NAME [--wav F]... [--block N]", NULL);
    for (i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--wav") == 0 && i + 1 < argc && nw < GH_MAX_WAV) wavs[nw++] = argv[++i];
        else if (strcmp(argv[i], "--block") == 0 && i + 1 < argc && atoi(argv[i + 1]) > 0) block = (size_t)atoi(argv[++i]);
        else return gh_fail("unknown or incomplete option", argv[i]);
    }
    if (avloc_io_read_file(argv[1], &file, &fsize) != AVLOC_IO_OK) return gh_fail("cannot read", argv[1]);
    if (avloc_gllim_load_query(file, fsize, &K, &L, &D, &mb) != AVLOC_OK || !(mmem = (unsigned char *)malloc(mb)) ||
        avloc_gllim_load(&m, file, fsize, mmem, mb) != AVLOC_OK)
        return gh_fail("not a GLLiM model", argv[1]);
    if (avloc_gllim_model_f32_query(&m, &fb) != AVLOC_OK || !(fmem = malloc(fb)) ||
        avloc_gllim_model_f32_init(&mf, &m, fmem, fb) != AVLOC_OK)
        return gh_fail("the model does not fit float32", argv[1]);
    printf("/* %s.h - generated by tools/m4/gen_gllim_header.c from %s: the float32 GLLiM\n"
           "   model (avloc_gllim_model_f32) as const tables for flash. Do not edit.\n"
           "   Needs avloc_gllim.h (and <string.h>) before it. */\n",
           argv[2], argv[1]);
    printf("#ifndef %s_GLLIM_TABLES_H\n#define %s_GLLIM_TABLES_H\n", argv[2], argv[2]);
    if (!gh_model(argv[2], &mf, &m.feat)) return gh_fail("window or FFT roots", NULL);
    if (nw) rc = gh_signal(argv[2], &m, m.feat, wavs, nw, block);
    printf("#endif\n");
    free(file); free(mmem); free(fmem);
    return rc;
}
