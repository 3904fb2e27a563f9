/* cmd_dsp.c - the signal-processing subcommands of avloc:
     stft | melspec | mfcc     IN.wav -o OUT.npy   (channels, frames, bins)
     spectrogram               IN.wav -o OUT.png
     gcc-phat                  IN.wav             -> JSON lines
     gen-binaural              -o OUT.wav         synthetic stereo test clip
     info                      IN.wav             -> JSON line
   #included by avloc.c (one translation unit); uses avcli_* from there. */

/* ------------------------------------------------ feature option parsing */

enum { FEAT_STFT, FEAT_MEL, FEAT_MFCC, FEAT_IMAGE };

static const char *const feat_window_choices = "hann|hamming|blackman|sqrt-hann|rect";
static const avloc_window feat_windows[] = {AVLOC_WINDOW_HANN, AVLOC_WINDOW_HAMMING, AVLOC_WINDOW_BLACKMAN,
                                            AVLOC_WINDOW_SQRT_HANN, AVLOC_WINDOW_RECTANGULAR};

typedef struct feat_args {
    const char *out;
    int preset;           /* 0 librosa, 1 torchaudio */
    int n_fft, hop, win_length;
    int window, periodic, center, pad_mode;
    int n_mels;
    double fmin, fmax;
    int mel_scale, norm;
    double power;
    int db, ln, linear;
    double top_db, log_eps;
    int n_mfcc;
    double lifter;
    int lifter_style;     /* 0 librosa, 1 htk */
    int sr_check;
    int complex_out;
    int mode;             /* spectrogram: 0 mel, 1 stft */
    int channel, zoom;
} feat_args;

static size_t feat_opts(feat_args *a, avcli_opt *o, int kind)
{
    size_t n = 0;
    o[n++] = avcli_alias(avcli_string("--output", &a->out, "PATH",
                                      kind == FEAT_IMAGE ? "output .png (required)" : "output .npy (required)"), "-o");
    o[n++] = avcli_choice("--preset", &a->preset, "librosa|torchaudio",
                          "defaults of librosa 0.10 or torchaudio 0.13; the flags below override them");
    o[n++] = avcli_int("--n-fft", &a->n_fft, 2, 1 << 24, "N", "FFT size");
    o[n++] = avcli_int("--hop", &a->hop, 1, 1 << 24, "N", "hop between frames in samples");
    o[n++] = avcli_int("--win-length", &a->win_length, 1, 1 << 24, "N",
                       "window length <= n-fft, zero-padded and centred (default n-fft)");
    o[n++] = avcli_choice("--window", &a->window, feat_window_choices, "analysis window");
    o[n++] = avcli_flag("--periodic", &a->periodic, 1, "periodic (DFT-even) window [default]");
    o[n++] = avcli_flag("--symmetric", &a->periodic, 0, "symmetric window");
    o[n++] = avcli_flag("--center", &a->center, 1, "pad n-fft/2 on both sides, frame t centred at t*hop [default]");
    o[n++] = avcli_flag("--no-center", &a->center, 0, "frames start at t*hop");
    o[n++] = avcli_choice("--pad-mode", &a->pad_mode, "reflect|constant", "padding with --center (librosa: constant)");
    if (kind != FEAT_STFT) {
        o[n++] = avcli_int("--n-mels", &a->n_mels, 1, 4096, "N", "mel bands");
        o[n++] = avcli_double("--fmin", &a->fmin, 0, 1e7, "HZ", "lowest mel frequency");
        o[n++] = avcli_double("--fmax", &a->fmax, 0, 1e7, "HZ", "highest mel frequency (default: sample rate / 2)");
        o[n++] = avcli_choice("--mel-scale", &a->mel_scale, "htk|slaney", "mel scale (preset: librosa slaney, torchaudio htk)");
        o[n++] = avcli_choice("--norm", &a->norm, "none|slaney", "filter normalisation (preset: librosa slaney, torchaudio none)");
    }
    o[n++] = avcli_double("--power", &a->power, 0.1, 8, "P", "|X|^P: 2 power, 1 magnitude (stft default 1, else 2)");
    if (kind != FEAT_IMAGE) {
        o[n++] = avcli_flag("--db", &a->db, 1, "decibels: (20/P) log10(max(|X|^P, amin)) (always for mfcc; melspec: librosa power_to_db / torchaudio AmplitudeToDB)");
        o[n++] = avcli_flag("--log", &a->ln, 1, "natural log ln(x + eps) instead of dB");
        o[n++] = avcli_flag("--linear", &a->linear, 1, "no log (melspec default: power, as librosa.feature.melspectrogram and torchaudio MelSpectrogram return)");
        o[n++] = avcli_double("--log-eps", &a->log_eps, 1e-30, 1, "EPS", "eps of --log");
    }
    o[n++] = avcli_double("--top-db", &a->top_db, -1, 1000, "DB",
                          "clip dB values below max - DB (per channel; preset: librosa 80, torchaudio melspec none, mfcc 80); -1: no clip");
    if (kind == FEAT_MFCC) {
        o[n++] = avcli_int("--n-mfcc", &a->n_mfcc, 1, 4096, "N", "coefficients (preset: librosa 20, torchaudio 40)");
        o[n++] = avcli_double("--lifter", &a->lifter, 0, 1e6, "L", "cepstral liftering with parameter L; 0: none");
        o[n++] = avcli_choice("--lifter-style", &a->lifter_style, "librosa|htk", "lifter formula");
    }
    if (kind == FEAT_STFT)
        o[n++] = avcli_flag("--complex", &a->complex_out, 1, "write the complex STFT as complex64 (else |X|^P)");
    if (kind == FEAT_IMAGE) {
        o[n++] = avcli_choice("--mode", &a->mode, "mel|stft", "log-mel or dB STFT image");
        o[n++] = avcli_int("--channel", &a->channel, 0, 65535, "C", "channel to draw");
        o[n++] = avcli_int("--zoom", &a->zoom, 0, 16, "K", "pixels per bin and frame; 0: automatic");
    }
    o[n++] = avcli_int("--sample-rate-check", &a->sr_check, 0, 4000000, "HZ",
                       "fail unless the input has this sample rate (avloc never resamples); 0: off");
    return n;
}

/* Turns the parsed flags into a melspec config: preset first, then every
   flag the user actually gave. */
static avloc_melspec_config feat_config(const feat_args *a, const avcli_opt *o, size_t no, int kind, float sr)
{
    avloc_melspec_config c;
    /* the presets mean what the named library returns: mel power, its dB
       (--db), or MFCC of the dB log-mel */
    if (a->preset == 1)
        c = kind == FEAT_MFCC ? avloc_melspec_config_torchaudio_mfcc()
            : a->db ? avloc_melspec_config_torchaudio_db() : avloc_melspec_config_torchaudio();
    else
        c = kind == FEAT_MFCC ? avloc_melspec_config_librosa_mfcc()
            : a->db ? avloc_melspec_config_librosa_db() : avloc_melspec_config_librosa();
    c.sample_rate = sr;
    c.fmax = sr / 2; /* both libraries default to Nyquist */
    if (avcli_given(o, no, "--n-fft")) c.stft.n_fft = (size_t)a->n_fft; /* win_length 0 = n_fft */
    if (avcli_given(o, no, "--hop")) c.stft.hop = (size_t)a->hop;
    else if (avcli_given(o, no, "--n-fft")) /* librosa: win_length // 4, torchaudio: win_length // 2 */
        c.stft.hop = c.stft.n_fft / (a->preset == 1 ? 2 : 4);
    if (avcli_given(o, no, "--win-length")) c.stft.win_length = (size_t)a->win_length;
    if (avcli_given(o, no, "--window")) c.stft.window = feat_windows[a->window];
    if (avcli_given(o, no, "--periodic") || avcli_given(o, no, "--symmetric")) c.stft.periodic = a->periodic;
    if (avcli_given(o, no, "--center") || avcli_given(o, no, "--no-center")) c.stft.center = a->center;
    if (avcli_given(o, no, "--pad-mode")) c.stft.pad_mode = a->pad_mode ? AVLOC_PAD_CONSTANT : AVLOC_PAD_REFLECT;
    if (avcli_given(o, no, "--n-mels")) c.n_mels = (size_t)a->n_mels;
    if (avcli_given(o, no, "--fmin")) c.fmin = (float)a->fmin;
    if (avcli_given(o, no, "--fmax")) c.fmax = (float)a->fmax;
    if (avcli_given(o, no, "--mel-scale")) c.scale = a->mel_scale ? AVLOC_MEL_SLANEY : AVLOC_MEL_HTK;
    if (avcli_given(o, no, "--norm")) c.norm = a->norm ? AVLOC_MEL_NORM_SLANEY : AVLOC_MEL_NORM_NONE;
    if (kind == FEAT_STFT) c.power = 1.0f;
    if (avcli_given(o, no, "--power")) c.power = (float)a->power;
    if (kind == FEAT_STFT) c.log = AVLOC_LOG_NONE;
    if (kind == FEAT_IMAGE) c.log = AVLOC_LOG_DB;
    if (a->db) c.log = AVLOC_LOG_DB;
    if (a->ln) c.log = AVLOC_LOG_LN;
    if (a->linear) c.log = AVLOC_LOG_NONE;
    c.db_mult = 20.0f / c.power;            /* dB of |X|^P */
    c.db_amin = c.power >= 2 ? 1e-10f : 1e-5f; /* librosa power_to_db / amplitude_to_db */
    if (avcli_given(o, no, "--top-db")) c.top_db = (float)a->top_db;
    if (avcli_given(o, no, "--log-eps")) c.ln_eps = (float)a->log_eps;
    if (kind != FEAT_MFCC) c.n_mfcc = 0;
    else {
        if (avcli_given(o, no, "--n-mfcc")) c.n_mfcc = (size_t)a->n_mfcc;
        if (avcli_given(o, no, "--lifter")) {
            c.lifter_L = (float)a->lifter;
            c.lifter = a->lifter > 0 ? (a->lifter_style ? AVLOC_LIFTER_HTK : AVLOC_LIFTER_LIBROSA) : AVLOC_LIFTER_NONE;
        } else if (avcli_given(o, no, "--lifter-style")) {
            c.lifter = a->lifter_style ? AVLOC_LIFTER_HTK : AVLOC_LIFTER_LIBROSA;
        }
    }
    return c;
}

/* Explains a config rejected by the library in terms of the flags. */
static void feat_config_error(const char *cmd, avloc_result r, const avloc_melspec_config *c)
{
    const char *hint = "";
    if (c->stft.win_length > c->stft.n_fft) hint = ": --win-length must be <= --n-fft";
    else if (!(c->fmin < c->fmax)) hint = ": --fmin must be below --fmax";
    else if (c->n_mfcc > c->n_mels) hint = ": --n-mfcc must be <= --n-mels";
    else if (c->lifter != AVLOC_LIFTER_NONE && !(c->lifter_L > 0)) hint = ": --lifter must be > 0";
    avcli_error(cmd, "invalid parameters (%s)%s", avloc_result_str(r), hint);
}

/* Frames longer than the signal carry no more information and can cost
   minutes and gigabytes to plan (--n-fft 16777213 on a 1 s clip): they are
   refused up front, except up to FEAT_SHORT_CLIP_NFFT so that the presets
   (n_fft 400 / 2048) still work on very short clips, padded as librosa does. */
#define FEAT_SHORT_CLIP_NFFT 4096u

static int feat_nfft_fits(const char *cmd, const char *path, size_t n_fft, size_t n)
{
    if (n_fft <= n || n_fft <= FEAT_SHORT_CLIP_NFFT) return 1;
    avcli_error(cmd, "%s: --n-fft %lu is longer than the signal (%lu samples); use at most %lu",
                path, (unsigned long)n_fft, (unsigned long)n,
                (unsigned long)(n > FEAT_SHORT_CLIP_NFFT ? n : FEAT_SHORT_CLIP_NFFT));
    return 0;
}

static int feat_frames(const char *cmd, const char *path, const avloc_stft_config *sc, size_t n, size_t *frames)
{
    if (avloc_stft_frames(sc, n, frames) == AVLOC_OK && *frames > 0) return 1;
    avcli_error(cmd, "%s: %lu samples are too few for n-fft %lu (%s)", path, (unsigned long)n,
                (unsigned long)sc->n_fft,
                sc->center ? (sc->pad_mode == AVLOC_PAD_REFLECT ? "reflect padding needs more than n-fft/2"
                                                                : "need at least one frame")
                           : "--no-center needs at least n-fft samples");
    return 0;
}

/* The spectrogram PNG as a figure: time in s, frequency in Hz (mel images:
   ticks at round frequencies placed on their mel band), a dB colour bar and
   a title naming the file and channel. */
static avloc_io_status feat_figure(const avloc_io_image *panel, const avloc_melspec_config *c, int stft,
                                   size_t frames, unsigned sr, size_t n_samples, const char *path, int channel,
                                   float c0, float c1, const char *out)
{
    static const double freqs[] = {100, 200, 500, 1000, 2000, 4000, 8000, 16000, 32000};
    static const char *const names[] = {"100", "200", "500", "1k", "2k", "4k", "8k", "16k", "32k"};
    double ticks[9];
    const char *labels[9];
    char title[160];
    const char *base = strrchr(path, '/');
    size_t i, nt = 0;
    avloc_io_figure_spec f;
    avloc_io_image fig;
    avloc_io_status st;
    (void)frames;
    memset(&f, 0, sizeof f);
    snprintf(title, sizeof title, "%s of %s, channel %d", stft ? "STFT power" : "log-mel spectrogram",
             base ? base + 1 : path, channel);
    f.title = title;
    f.xlabel = "time (s)";
    f.x0 = 0.0;
    f.x1 = (double)n_samples / (double)sr;
    f.clabel = "power (dB)";
    f.c0 = c0;
    f.c1 = c1;
    if (stft) {
        f.ylabel = "frequency (Hz)";
        f.y0 = 0.0;
        f.y1 = 0.5 * (double)sr;
    } else { /* y in mel-band units: band b covers [b, b+1) from the bottom */
        double m0 = avloc_hz_to_mel(c->fmin, c->scale), m1 = avloc_hz_to_mel(c->fmax, c->scale);
        f.ylabel = "frequency (Hz, mel scale)";
        f.y0 = 0.0;
        f.y1 = (double)c->n_mels;
        for (i = 0; i < 9; i++) {
            double y = (avloc_hz_to_mel(freqs[i], c->scale) - m0) / (m1 - m0) * (double)(c->n_mels + 1) - 0.5;
            if (freqs[i] < c->fmin || freqs[i] > c->fmax || y < 0 || y > (double)c->n_mels) continue;
            ticks[nt] = y;
            labels[nt++] = names[i];
        }
        f.yticks = ticks;
        f.yticklabels = labels;
        f.n_yticks = nt;
    }
    st = avloc_io_figure(panel, &f, &fig);
    if (st != AVLOC_IO_OK) return st;
    st = avloc_io_png_save(out, &fig);
    avloc_io_image_free(&fig);
    return st;
}

static const char *feat_about(int kind)
{
    switch (kind) {
    case FEAT_STFT:
        return "Short-time Fourier transform of every channel. Output: float32 .npy of shape\n"
               "(channels, frames, n_fft/2+1) holding |X|^power (optionally in dB or ln), or\n"
               "complex64 with --complex. Frames follow torch.stft / librosa framing.";
    case FEAT_MEL:
        return "Mel spectrogram of every channel (librosa-compatible by default: log-mel in dB).\n"
               "Output: float32 .npy of shape (channels, frames, n_mels) - the transpose of\n"
               "librosa's (n_mels, frames) per channel. The top-db clip is per channel.";
    case FEAT_MFCC:
        return "MFCCs of every channel: DCT-II (ortho) of the log-mel spectrogram, optional\n"
               "liftering. Output: float32 .npy of shape (channels, frames, n_mfcc).";
    default:
        return "Spectrogram image: log-mel (or dB STFT) of one channel with a viridis-like\n"
               "colormap, time left to right, low frequencies at the bottom, the colour\n"
               "range spanning [max - top_db, max].";
    }
}

static int feat_main(int argc, char **argv, int kind)
{
    const char *cmd = argv[0], *in = NULL, *pos[1];
    feat_args a;
    avcli_opt o[40];
    size_t no, frames = 0, bins = 0, obj_b = 0, scr_b = 0, ch, total;
    int npos, rc = AVCLI_EXIT_FAIL, pr;
    avloc_io_audio au;
    avloc_melspec_config c;
    avloc_melspec_f32 ms;
    void *obj = NULL, *scratch = NULL;
    float *out = NULL, *logmel = NULL;
    avloc_complex_f32 *spec = NULL;
    avloc_result r;
    memset(&au, 0, sizeof au);
    memset(&a, 0, sizeof a);
    /* defaults as shown in --help: the librosa preset */
    a.n_fft = 2048; a.hop = 512; a.win_length = 2048; a.periodic = 1; a.center = 1; a.pad_mode = 1;
    a.n_mels = 128; a.fmax = 0; a.mel_scale = 1; a.norm = 1; a.power = kind == FEAT_STFT ? 1 : 2;
    a.top_db = 80; a.log_eps = 1e-6; a.n_mfcc = 20; a.lifter = 0;
    no = feat_opts(&a, o, kind);
    pr = avcli_parse(argc, argv, o, no, pos, 1, &npos,
                     kind == FEAT_IMAGE ? "IN.wav -o OUT.png [options]" : "IN.wav -o OUT.npy [options]",
                     feat_about(kind));
    if (pr <= 0) return pr == 0 ? AVCLI_EXIT_OK : AVCLI_EXIT_USAGE;
    if (npos != 1) { avcli_error(cmd, "expected one input WAV file; see '%s --help'", cmd); return AVCLI_EXIT_USAGE; }
    if (!a.out) { avcli_error(cmd, "missing -o OUT; see '%s --help'", cmd); return AVCLI_EXIT_USAGE; }
    if (a.db + a.ln + a.linear > 1) { avcli_error(cmd, "--db, --log and --linear exclude each other"); return AVCLI_EXIT_USAGE; }
    in = pos[0];
    if (!avcli_load_wav(cmd, in, AVLOC_IO_WAV_PLANAR, &au)) return AVCLI_EXIT_FAIL;
    if (a.sr_check && au.sample_rate != (unsigned)a.sr_check) {
        avcli_error(cmd, "%s: sample rate is %u Hz, --sample-rate-check wants %d Hz (resample it first, e.g. "
                    "'sox %s -r %d out.wav')", in, au.sample_rate, a.sr_check, in, a.sr_check);
        goto done;
    }
    if (kind == FEAT_IMAGE && (unsigned)a.channel >= au.channels) {
        avcli_error(cmd, "%s: --channel %d but the file has %u channel(s)", in, a.channel, au.channels);
        goto done;
    }
    c = feat_config(&a, o, no, kind, (float)au.sample_rate);
    if (!feat_nfft_fits(cmd, in, c.stft.n_fft, au.frames)) goto done; /* before any planning */
    if (kind == FEAT_MFCC && c.log == AVLOC_LOG_NONE) {
        avcli_error(cmd, "MFCCs need a log mel spectrogram: drop --linear");
        rc = AVCLI_EXIT_USAGE;
        goto done;
    }
    if (kind == FEAT_STFT || (kind == FEAT_IMAGE && a.mode == 1)) {
        avloc_stft_config sc = c.stft;
        avloc_stft_f32 *st;
        sc.onesided = 1;
        r = avloc_stft_query_f32(&sc, &obj_b, &scr_b);
        if (r != AVLOC_OK) { feat_config_error(cmd, r, &c); rc = AVCLI_EXIT_USAGE; goto done; }
        if (!feat_frames(cmd, in, &sc, au.frames, &frames)) goto done;
        bins = sc.n_fft / 2 + 1;
        obj = avcli_malloc(cmd, obj_b + sizeof(avloc_stft_f32), 1);
        scratch = avcli_malloc(cmd, scr_b, 1);
        spec = (avloc_complex_f32 *)avcli_malloc(cmd, frames * bins, sizeof *spec);
        if (!avloc_size_mul(frames * bins, au.channels, &total)) { avcli_error(cmd, "output too large"); goto done; }
        out = (float *)avcli_malloc(cmd, total, a.complex_out ? 2 * sizeof(float) : sizeof(float));
        if (!obj || !scratch || !spec || !out) goto done;
        st = (avloc_stft_f32 *)obj;
        r = avloc_stft_init_f32(st, &sc, (char *)obj + sizeof(avloc_stft_f32), obj_b);
        for (ch = 0; r == AVLOC_OK && ch < au.channels; ch++) {
            const float *x = au.samples + ch * au.frames;
            float *dst = out + ch * frames * bins * (a.complex_out ? 2 : 1);
            r = avloc_stft_forward_f32(st, x, au.frames, spec, frames, scratch, scr_b);
            if (r != AVLOC_OK) break;
            if (a.complex_out) { memcpy(dst, spec, frames * bins * sizeof *spec); continue; }
            r = avloc_spec_power_f32(spec, frames * bins, c.power, dst);
            if (r == AVLOC_OK && c.log == AVLOC_LOG_DB)
                r = avloc_db_f32(dst, frames * bins, dst, c.db_mult, 1.0f, c.db_amin, c.top_db);
            else if (r == AVLOC_OK && c.log == AVLOC_LOG_LN)
                r = avloc_log_f32(dst, frames * bins, dst, c.ln_eps, 1);
        }
        avloc_stft_destroy_f32(st);
        if (r != AVLOC_OK) { avcli_error(cmd, "%s: STFT failed: %s", in, avloc_result_str(r)); goto done; }
    } else {
        size_t width;
        avloc_result qr = avloc_melspec_query_f32(&c, &obj_b, &scr_b);
        if (qr != AVLOC_OK) { feat_config_error(cmd, qr, &c); rc = AVCLI_EXIT_USAGE; goto done; }
        if (!feat_frames(cmd, in, &c.stft, au.frames, &frames)) goto done;
        bins = c.n_mels;
        width = kind == FEAT_MFCC ? c.n_mfcc : c.n_mels;
        obj = avcli_malloc(cmd, obj_b, 1);
        scratch = avcli_malloc(cmd, scr_b, 1);
        logmel = (float *)avcli_malloc(cmd, frames, c.n_mels * sizeof(float));
        if (!avloc_size_mul(frames * width, au.channels, &total)) { avcli_error(cmd, "output too large"); goto done; }
        out = (float *)avcli_malloc(cmd, total, sizeof(float));
        if (!obj || !scratch || !logmel || !out) goto done;
        r = avloc_melspec_init_f32(&ms, &c, obj, obj_b);
        for (ch = 0; r == AVLOC_OK && ch < au.channels; ch++) {
            const float *x = au.samples + ch * au.frames;
            float *dst = out + ch * frames * width;
            if (kind == FEAT_MFCC) r = avloc_melspec_mfcc_f32(&ms, x, au.frames, logmel, dst, frames, scratch, scr_b);
            else r = avloc_melspec_compute_f32(&ms, x, au.frames, dst, frames, scratch, scr_b);
        }
        avloc_melspec_destroy_f32(&ms);
        if (r != AVLOC_OK) { avcli_error(cmd, "%s: feature extraction failed: %s", in, avloc_result_str(r)); goto done; }
        bins = width;
    }
    if (kind == FEAT_IMAGE) {
        /* one channel, values in dB: colour range [max - top_db, max] */
        const float *v = out + (size_t)a.channel * frames * bins;
        float mx = -HUGE_VALF, range = a.top_db > 0 ? (float)a.top_db : 80.0f;
        unsigned xz = (unsigned)a.zoom, yz = (unsigned)a.zoom, x, y;
        size_t i;
        avloc_io_image im;
        avloc_io_status s;
        if (a.zoom == 0) { /* automatic: aim for >= 256 x 512 pixels, at most 4x */
            yz = bins >= 256 ? 1u : 256 / bins > 4 ? 4u : (unsigned)(256 / bins);
            xz = frames >= 512 ? 1u : 512 / frames > 4 ? 4u : (unsigned)(512 / frames);
        }
        /* both modes arrive in dB: the image config sets log = dB (the stft
           branch applies it; converting again here flattened the picture) */
        for (i = 0; i < frames * bins; i++) if (v[i] > mx) mx = v[i];
        if (frames * xz > AVLOC_IO_MAX_IMAGE_DIM || bins * yz > AVLOC_IO_MAX_IMAGE_DIM) {
            avcli_error(cmd, "%s: image would be %lu x %lu pixels; use a larger --hop or --zoom 1", in,
                        (unsigned long)(frames * xz), (unsigned long)(bins * yz));
            goto done;
        }
        if (avloc_io_image_alloc(&im, (unsigned)(frames * xz), (unsigned)(bins * yz), 3) != AVLOC_IO_OK) {
            avcli_error(cmd, "out of memory for the image");
            goto done;
        }
        for (y = 0; y < im.h; y++) {
            size_t b = bins - 1 - y / yz; /* low frequencies at the bottom */
            for (x = 0; x < im.w; x++) {
                unsigned char rgb[3];
                avloc_io_colormap((double)(v[(x / xz) * bins + b] - (mx - range)) / range, rgb);
                memcpy(im.pix + y * im.stride + 3 * x, rgb, 3);
            }
        }
        s = feat_figure(&im, &c, a.mode == 1, frames, au.sample_rate, au.frames, in, a.channel, mx - range, mx, a.out);
        avloc_io_image_free(&im);
        if (!avcli_check_write(cmd, a.out, s)) goto done;
    } else {
        size_t shape[3];
        avloc_io_status s;
        shape[0] = au.channels;
        shape[1] = frames;
        shape[2] = bins;
        s = a.complex_out ? avloc_io_npy_save_c64(a.out, out, shape, 3) : avloc_io_npy_save_f32(a.out, out, shape, 3);
        if (!avcli_check_write(cmd, a.out, s)) goto done;
    }
    rc = AVCLI_EXIT_OK;
done:
    free(obj);
    free(scratch);
    free(out);
    free(logmel);
    free(spec);
    avloc_io_audio_free(&au);
    return rc;
}

static int cmd_stft(int argc, char **argv) { return feat_main(argc, argv, FEAT_STFT); }
static int cmd_melspec(int argc, char **argv) { return feat_main(argc, argv, FEAT_MEL); }
static int cmd_mfcc(int argc, char **argv) { return feat_main(argc, argv, FEAT_MFCC); }
static int cmd_spectrogram(int argc, char **argv) { return feat_main(argc, argv, FEAT_IMAGE); }

/* ------------------------------------------------------------ gcc-phat */

static size_t dsp_next_pow2(size_t n)
{
    size_t p = 1;
    while (p < n && p < ((size_t)1 << 30)) p <<= 1;
    return p;
}

static int cmd_gcc_phat(int argc, char **argv)
{
    const char *cmd = argv[0], *pos[1], *in;
    double max_lag_ms = 2.0;
    int interp = 3, upsample = 4, frame = 0, hop = 0, npos, pr, rc = AVCLI_EXIT_FAIL;
    avcli_opt o[6];
    size_t no = 0, obj_b = 0, scr_b = 0, nfr = 0, t, max_lag;
    avloc_io_audio au;
    avloc_gcc_config gc = avloc_gcc_config_default();
    avloc_gcc_f32 g;
    void *obj = NULL, *scratch = NULL;
    float *left = NULL, *right, *delays = NULL, *peaks = NULL;
    avloc_result r;
    memset(&g, 0, sizeof g); /* destroyed at done, whatever happened before */
    o[no++] = avcli_double("--max-lag-ms", &max_lag_ms, 0.001, 1000, "MS", "search lags within +-MS milliseconds");
    o[no++] = avcli_choice("--interp", &interp, "none|parabolic|upsample|both",
                           "sub-sample peak: parabola on the lag grid, an upsampled grid, or both (parabola on the upsampled grid)");
    o[no++] = avcli_int("--upsample", &upsample, 1, 64, "K", "grid refinement of upsample/both");
    o[no++] = avcli_int("--frame", &frame, 0, 1 << 24, "N", "one JSON line per frame of N samples (0: whole clip)");
    o[no++] = avcli_int("--hop", &hop, 0, 1 << 24, "N", "hop between frames (default N/2)");
    memset(&au, 0, sizeof au);
    pr = avcli_parse(argc, argv, o, no, pos, 1, &npos, "IN.wav [options]",
                     "Interaural delay by GCC-PHAT between channel 0 (left) and channel 1 (right).\n"
                     "Prints {\"file\",\"delay_samples\",\"delay_seconds\",\"peak\"} as one JSON line (whole clip,\n"
                     "cross-spectra averaged over 1024-sample frames) or one line per frame with --frame,\n"
                     "adding \"t\" (frame centre, seconds). A POSITIVE delay means the right channel lags\n"
                     "the left one (right[n] = left[n - d]): the source is on the left. peak is the\n"
                     "normalised correlation at the peak (1 for a pure delay); silent frames give null.");
    if (pr <= 0) return pr == 0 ? AVCLI_EXIT_OK : AVCLI_EXIT_USAGE;
    if (npos != 1) { avcli_error(cmd, "expected one input WAV file; see '%s --help'", cmd); return AVCLI_EXIT_USAGE; }
    if (frame != 0 && frame < 16) {
        avcli_error(cmd, "--frame %d is too short for a meaningful delay (use >= 16 samples)", frame);
        return AVCLI_EXIT_USAGE;
    }
    in = pos[0];
    if (!avcli_load_wav(cmd, in, AVLOC_IO_WAV_PLANAR, &au)) return AVCLI_EXIT_FAIL;
    if (au.channels < 2) {
        avcli_error(cmd, "%s: GCC-PHAT needs a stereo file (left = channel 0, right = channel 1); this one is mono", in);
        goto done;
    }
    if (au.channels > 2) avcli_warn(cmd, "%s: %u channels; using channel 0 as left and 1 as right", in, au.channels);
    if (frame) {
        if ((size_t)frame > au.frames) {
            avcli_error(cmd, "%s: --frame %d is longer than the clip (%lu samples)", in, frame, (unsigned long)au.frames);
            goto done;
        }
        gc.frame_length = (size_t)frame;
        gc.hop = hop ? (size_t)hop : (size_t)(frame / 2 > 0 ? frame / 2 : 1);
    } else {
        gc.frame_length = au.frames < 1024 ? au.frames : 1024;
        gc.hop = gc.frame_length / 2 ? gc.frame_length / 2 : 1;
    }
    gc.n_fft = dsp_next_pow2(2 * gc.frame_length);
    if (gc.n_fft < 4) gc.n_fft = 4;
    gc.upsample = interp == 2 || interp == 3 ? (size_t)upsample : 1;
    gc.interp = interp == 1 || interp == 3 ? AVLOC_GCC_INTERP_PARABOLIC : AVLOC_GCC_INTERP_NONE;
    max_lag = (size_t)ceil(max_lag_ms * 1e-3 * au.sample_rate);
    if (max_lag < 1) max_lag = 1;
    if (max_lag >= gc.frame_length) {
        size_t lim = gc.frame_length > 1 ? gc.frame_length - 1 : 1;
        avcli_warn(cmd, "--max-lag-ms %g is %lu samples, more than the frame allows; using %lu", max_lag_ms,
                   (unsigned long)max_lag, (unsigned long)lim);
        max_lag = lim;
    }
    if (max_lag >= gc.n_fft / 2) max_lag = gc.n_fft / 2 - 1;
    gc.max_lag = max_lag;
    r = avloc_gcc_query_f32(&gc, &obj_b, &scr_b);
    if (r != AVLOC_OK) { avcli_error(cmd, "invalid GCC-PHAT parameters: %s", avloc_result_str(r)); rc = AVCLI_EXIT_USAGE; goto done; }
    obj = avcli_malloc(cmd, obj_b, 1);
    scratch = avcli_malloc(cmd, scr_b, 1);
    if (!obj || !scratch) goto done;
    r = avloc_gcc_init_f32(&g, &gc, obj, obj_b); /* zeroes g on failure too */
    if (r != AVLOC_OK) { avcli_error(cmd, "GCC-PHAT init failed: %s", avloc_result_str(r)); goto done; }
    left = au.samples;
    right = au.samples + au.frames;
    if (!frame) {
        float d = 0, p = 0;
        avloc_io_json j;
        r = avloc_gcc_clip_f32(&g, left, right, au.frames, &d, &p, scratch, scr_b);
        if (r < 0) { avcli_error(cmd, "%s: GCC-PHAT failed: %s", in, avloc_result_str(r)); goto done; }
        avloc_io_json_begin(&j, stdout);
        avloc_io_json_str(&j, "file", in);
        avloc_io_json_num(&j, "delay_samples", r == AVLOC_NO_ACTIVE_POINTS ? NAN : (double)d);
        avloc_io_json_num(&j, "delay_seconds", r == AVLOC_NO_ACTIVE_POINTS ? NAN : (double)d / au.sample_rate);
        avloc_io_json_num(&j, "peak", (double)p);
        avloc_io_json_end(&j);
        if (r == AVLOC_NO_ACTIVE_POINTS) avcli_warn(cmd, "%s: silent input, no delay", in);
    } else {
        r = avloc_gcc_frames(&gc, au.frames, &nfr);
        delays = (float *)avcli_malloc(cmd, nfr, sizeof(float));
        peaks = (float *)avcli_malloc(cmd, nfr, sizeof(float));
        if (r != AVLOC_OK || !delays || !peaks) goto done;
        r = avloc_gcc_delays_f32(&g, left, right, au.frames, delays, peaks, nfr, scratch, scr_b);
        if (r < 0) { avcli_error(cmd, "%s: GCC-PHAT failed: %s", in, avloc_result_str(r)); goto done; }
        for (t = 0; t < nfr; t++) {
            avloc_io_json j;
            int silent = peaks[t] == 0.0f;
            avloc_io_json_begin(&j, stdout);
            avloc_io_json_str(&j, "file", in);
            avloc_io_json_num(&j, "t", ((double)t * gc.hop + 0.5 * gc.frame_length) / au.sample_rate);
            avloc_io_json_num(&j, "delay_samples", silent ? NAN : (double)delays[t]);
            avloc_io_json_num(&j, "delay_seconds", silent ? NAN : (double)delays[t] / au.sample_rate);
            avloc_io_json_num(&j, "peak", (double)peaks[t]);
            avloc_io_json_end(&j);
        }
    }
    rc = fflush(stdout) == 0 ? AVCLI_EXIT_OK : AVCLI_EXIT_FAIL;
done:
    avloc_gcc_destroy_f32(&g);
    free(obj);
    free(scratch);
    free(delays);
    free(peaks);
    avloc_io_audio_free(&au);
    return rc;
}

/* ---------------------------------------------------------- gen-binaural */

/* White noise with an exact fractional delay: shaped in the frequency
   domain, so the right channel is the left one circularly delayed by d
   samples (DC and Nyquist zeroed so the delay is exact for a real signal). */
static int gen_noise(const char *cmd, float *l, float *r, size_t n, double d, double gain, unsigned long seed)
{
    size_t pb = 0, sb = 0, k, nb = n / 2 + 1, i;
    avloc_fft_f32 plan;
    void *pm = NULL, *sm = NULL;
    avloc_complex_f32 *X = NULL, *Y = NULL;
    unsigned long s = seed * 2654435761UL + 12345UL;
    double rms = 0;
    int ok = 0;
    avloc_fft_config fc;
    memset(&plan, 0, sizeof plan); /* destroyed at out, whatever happened before */
    fc.n = n;
    fc.kind = AVLOC_FFT_REAL;
    if (avloc_fft_query_f32(&fc, &pb, &sb) != AVLOC_OK) { avcli_error(cmd, "bad length"); return 0; }
    pm = avcli_malloc(cmd, pb, 1);
    sm = avcli_malloc(cmd, sb, 1);
    X = (avloc_complex_f32 *)avcli_malloc(cmd, nb, sizeof *X);
    Y = (avloc_complex_f32 *)avcli_malloc(cmd, nb, sizeof *Y);
    if (!pm || !sm || !X || !Y || avloc_fft_init_f32(&plan, &fc, pm, pb) != AVLOC_OK) goto out;
    for (i = 0; i < n; i++) { /* uniform noise from a 32-bit LCG; whiteness is what matters */
        s = (s * 1664525UL + 1013904223UL) & 0xFFFFFFFFUL;
        l[i] = (float)((double)s / 4294967296.0 - 0.5);
    }
    if (avloc_fft_r2c_f32(&plan, l, X, sm, sb) != AVLOC_OK) goto out;
    X[0].re = X[0].im = 0;
    if (n % 2 == 0) X[n / 2].re = X[n / 2].im = 0;
    for (k = 0; k < nb; k++) {
        double ph = -2.0 * 3.14159265358979323846 * (double)k * d / (double)n;
        double c = cos(ph), sn = sin(ph);
        Y[k].re = (float)(X[k].re * c - X[k].im * sn);
        Y[k].im = (float)(X[k].re * sn + X[k].im * c);
    }
    if (avloc_fft_c2r_f32(&plan, X, l, sm, sb) != AVLOC_OK || avloc_fft_c2r_f32(&plan, Y, r, sm, sb) != AVLOC_OK) goto out;
    for (i = 0; i < n; i++) rms += (double)l[i] * l[i];
    rms = sqrt(rms / (double)n);
    for (i = 0; i < n; i++) { /* RMS 0.1 on the left (peaks stay well below 1) */
        l[i] = (float)(l[i] * 0.1 / rms);
        r[i] = (float)(r[i] * 0.1 / rms * gain);
    }
    ok = 1;
out:
    if (!ok && pm && sm && X && Y) avcli_error(cmd, "FFT failed");
    avloc_fft_destroy_f32(&plan);
    free(pm); free(sm); free(X); free(Y);
    return ok;
}

/* Exponential sweep f0 -> f1 with 10 ms raised-cosine fades, evaluated
   analytically at t and at t - d/sr: an exact fractional delay. */
static double gen_chirp_at(double t, double T, double f0, double f1)
{
    double k = log(f1 / f0), fade = 0.01, w = 1.0;
    if (t < 0 || t > T) return 0.0;
    if (t < fade) w = 0.5 - 0.5 * cos(3.14159265358979323846 * t / fade);
    if (T - t < fade) w = 0.5 - 0.5 * cos(3.14159265358979323846 * (T - t) / fade);
    return 0.5 * w * sin(2 * 3.14159265358979323846 * f0 * T / k * (exp(t * k / T) - 1.0));
}

static int cmd_gen_binaural(int argc, char **argv)
{
    const char *cmd = argv[0], *out = NULL, *pos[1];
    double delay = 0, seconds = 1, ild = 0, gain;
    int sr = 16000, chirp = 0, seed = 1, fmt = 0, npos, pr, have_delay, rc = AVCLI_EXIT_FAIL;
    avcli_opt o[9];
    size_t no = 0, n, i;
    float *x = NULL;
    avloc_io_status s;
    o[no++] = avcli_alias(avcli_string("--output", &out, "PATH", "output .wav (required)"), "-o");
    o[no++] = avcli_double("--delay", &delay, -1e5, 1e5, "SAMPLES",
                           "interaural delay, fractional allowed; > 0: right lags left (required)");
    o[no++] = avcli_double("--ild-db", &ild, -60, 60, "DB", "level difference 20 log10(|right| / |left|)");
    o[no++] = avcli_double("--seconds", &seconds, 0.001, 3600, "S", "duration");
    o[no++] = avcli_int("--sr", &sr, 1000, 384000, "HZ", "sample rate");
    o[no++] = avcli_flag("--noise", &chirp, 0, "white noise source [default]");
    o[no++] = avcli_flag("--chirp", &chirp, 1, "exponential sweep 100 Hz -> 0.45 sr");
    o[no++] = avcli_int("--seed", &seed, 0, 2147483647, "N", "noise seed");
    o[no++] = avcli_choice("--format", &fmt, "s16|f32", "sample format");
    pr = avcli_parse(argc, argv, o, no, pos, 0, &npos, "-o OUT.wav --delay SAMPLES [options]",
                     "Writes a synthetic stereo clip whose right channel is the left one delayed by\n"
                     "exactly --delay samples (fractional delays are exact: frequency-domain shift for\n"
                     "noise, analytic evaluation for the chirp) and scaled by --ild-db. Prints a JSON\n"
                     "line describing the clip. Try: avloc gcc-phat OUT.wav");
    if (pr <= 0) return pr == 0 ? AVCLI_EXIT_OK : AVCLI_EXIT_USAGE;
    have_delay = avcli_given(o, no, "--delay");
    if (!out || !have_delay) {
        avcli_error(cmd, "%s is required; see '%s --help'", !out ? "-o OUT.wav" : "--delay", cmd);
        return AVCLI_EXIT_USAGE;
    }
    n = (size_t)floor(seconds * sr + 0.5);
    if (n < 2) { avcli_error(cmd, "--seconds %g gives fewer than 2 samples", seconds); return AVCLI_EXIT_USAGE; }
    if (fabs(delay) >= (double)n / 2) {
        avcli_error(cmd, "--delay %g is not shorter than half the clip (%lu samples)", delay, (unsigned long)n);
        return AVCLI_EXIT_USAGE;
    }
    gain = pow(10.0, ild / 20.0);
    x = (float *)avcli_malloc(cmd, n, 2 * sizeof(float));
    if (!x) return AVCLI_EXIT_FAIL;
    if (chirp) {
        double T = (double)n / sr, f0 = 100.0, f1 = 0.45 * sr;
        for (i = 0; i < n; i++) {
            double t = (double)i / sr;
            x[i] = (float)gen_chirp_at(t, T, f0, f1);
            x[n + i] = (float)(gain * gen_chirp_at(t - delay / sr, T, f0, f1));
        }
    } else if (!gen_noise(cmd, x, x + n, n, delay, gain, (unsigned long)seed)) {
        goto done;
    }
    s = avloc_io_wav_save(out, x, n, 2, (unsigned)sr, fmt ? AVLOC_IO_F32 : AVLOC_IO_S16, AVLOC_IO_WAV_PLANAR);
    if (!avcli_check_write(cmd, out, s)) goto done;
    if (strcmp(out, "-") != 0) {
        avloc_io_json j;
        avloc_io_json_begin(&j, stdout);
        avloc_io_json_str(&j, "file", out);
        avloc_io_json_str(&j, "source", chirp ? "chirp" : "noise");
        avloc_io_json_num(&j, "delay_samples", delay);
        avloc_io_json_num(&j, "delay_seconds", delay / sr);
        avloc_io_json_num(&j, "ild_db", ild);
        avloc_io_json_int(&j, "sample_rate", sr);
        avloc_io_json_int(&j, "frames", (long long)n);
        avloc_io_json_end(&j);
    }
    rc = AVCLI_EXIT_OK;
done:
    free(x);
    return rc;
}

/* ------------------------------------------------------------------ info */

static int cmd_info(int argc, char **argv)
{
    const char *cmd = argv[0], *pos[64];
    int npos, pr, i, rc = AVCLI_EXIT_OK;
    avcli_opt o[1];
    int strict = 0;
    o[0] = avcli_flag("--strict", &strict, 1, "treat a truncated data chunk as an error");
    pr = avcli_parse(argc, argv, o, 1, pos, 64, &npos, "IN.wav...",
                     "Prints one JSON line per WAV file: sample rate, channels, frames, encoding, and\n"
                     "warnings (truncated data chunk clamped, partial frame).");
    if (pr <= 0) return pr == 0 ? AVCLI_EXIT_OK : AVCLI_EXIT_USAGE;
    if (npos < 1) { avcli_error(cmd, "expected WAV files; see '%s --help'", cmd); return AVCLI_EXIT_USAGE; }
    for (i = 0; i < npos; i++) {
        unsigned char *buf = NULL;
        size_t len = 0;
        avloc_io_wav_info info;
        avloc_io_status s = avloc_io_read_file(pos[i], &buf, &len);
        avloc_io_json j;
        if (s != AVLOC_IO_OK) {
            avcli_error(cmd, "%s: %s%s%s", pos[i], avloc_io_strerror(s), s == AVLOC_IO_ERR_OPEN ? ": " : "",
                        s == AVLOC_IO_ERR_OPEN ? strerror(errno) : "");
            rc = AVCLI_EXIT_FAIL;
            continue;
        }
        s = avloc_io_wav_parse(buf, len, strict ? AVLOC_IO_WAV_STRICT : 0u, &info);
        free(buf);
        if (s != AVLOC_IO_OK) {
            avcli_error(cmd, "%s: %s", pos[i], info.msg);
            rc = AVCLI_EXIT_FAIL;
            continue;
        }
        avloc_io_json_begin(&j, stdout);
        avloc_io_json_str(&j, "file", pos[i]);
        avloc_io_json_int(&j, "sample_rate", info.sample_rate);
        avloc_io_json_int(&j, "channels", info.channels);
        avloc_io_json_int(&j, "frames", (long long)info.frames);
        avloc_io_json_num(&j, "seconds", (double)info.frames / info.sample_rate);
        avloc_io_json_str(&j, "encoding", avloc_io_sample_fmt_name(info.format));
        avloc_io_json_int(&j, "valid_bits", info.valid_bits);
        avloc_io_json_bool(&j, "extensible", info.format_tag == 0xFFFEu);
        avloc_io_json_bool(&j, "truncated", info.truncated);
        if (info.truncated || info.partial_frame) avloc_io_json_str(&j, "warning", info.msg);
        avloc_io_json_end(&j);
    }
    return rc;
}

static const avcli_cmd cmd_dsp_table[] = {
    {"stft", "IN.wav -o OUT.npy", "STFT of every channel -> (channels, frames, bins) .npy", cmd_stft, NULL},
    {"melspec", "IN.wav -o OUT.npy", "(log-)mel spectrogram -> (channels, frames, n_mels) .npy", cmd_melspec, NULL},
    {"mfcc", "IN.wav -o OUT.npy", "MFCCs -> (channels, frames, n_mfcc) .npy", cmd_mfcc, NULL},
    {"spectrogram", "IN.wav -o OUT.png", "log-mel or dB-STFT image (PNG)", cmd_spectrogram, NULL},
    {"gcc-phat", "IN.wav", "interaural delay of a stereo file -> JSON", cmd_gcc_phat, NULL},
    {"gen-binaural", "-o OUT.wav --delay D", "synthetic stereo clip with a known delay", cmd_gen_binaural, NULL},
    {"info", "IN.wav...", "WAV header as JSON", cmd_info, NULL},
    {NULL, NULL, NULL, NULL, NULL}};
