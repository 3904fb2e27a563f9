/* tools/gen_tables.c - emits a C header of constant tables for avloc_dsp.h
   (mel filterbank, MFCC DCT matrix and lifter, analysis window) for one
   configuration, for targets that should not compute them at init (no
   double-precision libm, tables in flash), as CMSIS-DSP ships its
   filterbanks. The values come from the library's own init functions, so
   they are bit-identical to the computed objects by construction; floats
   are printed with 9 significant digits, which read back to the same float.

   Build and run (any host):
       make build/gen_tables
       build/gen_tables --name kws --sr 16000 --n-fft 512 --n-mels 40 \
           --fmin 20 --fmax 8000 --n-mfcc 13 --window hann > kws_tables.h

   Use on the target (no avloc_mel_init_f32 / avloc_mfcc_init_f32 call):
       #include "kws_tables.h"
       avloc_mel_f32 mel;   avloc_mel_init_tables_f32(&mel, &kws_mel);
       avloc_mfcc_f32 mfcc; avloc_mfcc_init_tables_f32(&mfcc, &kws_mfcc);
       avloc_stft_init_tables_f32(&stft, &cfg, &kws_window_table, mem, bytes);
       (also avloc_binaural_plan_init_tables_f32, avloc_gcc_init_tables_f32;
       or kws_window[KWS_WINDOW_LENGTH] for your own framing / FFT)

   Options (defaults in brackets): --name ID (required: prefix of every
   emitted name), --sr HZ [16000], --n-fft N [512], --n-mels N [40],
   --fmin HZ [0], --fmax HZ [sr/2], --scale htk|slaney [htk],
   --norm none|slaney [none], --bins fft|torchaudio [fft: bin k at k sr/n_fft;
   torchaudio: linspace(0, sr//2, n_fft/2+1), avloc_mel_bins],
   --n-mfcc N [13; 0: no MFCC tables],
   --lifter none|librosa|htk [none], --lifter-L L [22],
   --window none|rectangular|hann|hamming|blackman|sqrt_hann [hann],
   --win-length N [n_fft], --symmetric (default: periodic window),
   --fft N [0: none] and --fft-kind real|complex [real]: the roots of unity
   an N-point FFT plan computes at init (avloc_fft_record_tables_f32), for
   avloc_fft_init_tables_f32(&plan, &ID_fft, mem, bytes): no sin/cos on the
   target. They are recorded for the scalar kernel set (vector width 1:
   Cortex-M and AVLOC_NO_SIMD builds; init refuses them elsewhere), hence
   AVLOC_NO_SIMD below, which changes none of the other tables. With
   --fft equal to --n-fft (kind real) the window table also points at them
   (its fft field), so that the STFT and binaural-plan *_init_tables calls
   compute no twiddles either, and ID_melspec (window, filterbank, DCT)
   makes a whole mel spectrogram with avloc_melspec_init_tables_f32.
   --gcc-upsample U (with --fft N, N GCC-PHAT's n_fft, and --win-length its
   frame_length) adds the inverse plan's roots (N * U) and
   ID_gcc_window_table, whose fft field is the pair GCC-PHAT reads:
   avloc_gcc_init_tables_f32(&g, &cfg, &ID_gcc_window_table, mem, bytes). */
#define AVLOC_NO_SIMD
#define AVLOC_IMPLEMENTATION
#include "avloc_dsp.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct gt_args {
    const char *name;
    avloc_mel_config mel;
    avloc_mfcc_config mfcc;
    int window; /* -1: none, else an avloc_window */
    int periodic;
    size_t win_length;
    size_t fft_n; /* 0: no FFT tables */
    avloc_fft_kind fft_kind;
    size_t gcc_upsample; /* 0: no GCC-PHAT pair */
} gt_args;

static int gt_usage(const char *msg)
{
    fprintf(stderr, "gen_tables: %s (see the comment at the top of tools/gen_tables.c)\n", msg);
    return 2;
}

/* index of s in names[n], or -1 */
static int gt_pick(const char *s, const char *const *names, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0) return i;
    return -1;
}

static const char *const gt_windows[] = {"rectangular", "hann", "hamming", "blackman", "sqrt_hann"};
static const avloc_window gt_window_ids[] = {AVLOC_WINDOW_RECTANGULAR, AVLOC_WINDOW_HANN, AVLOC_WINDOW_HAMMING,
                                             AVLOC_WINDOW_BLACKMAN, AVLOC_WINDOW_SQRT_HANN};
static const char *const gt_window_enums[] = {"AVLOC_WINDOW_RECTANGULAR", "AVLOC_WINDOW_HANN", "AVLOC_WINDOW_HAMMING",
                                              "AVLOC_WINDOW_BLACKMAN", "AVLOC_WINDOW_SQRT_HANN"};

static int gt_parse(int argc, char **argv, gt_args *a)
{
    static const char *const scales[] = {"htk", "slaney"}, *const norms[] = {"none", "slaney"};
    static const char *const lifters[] = {"none", "librosa", "htk"}, *const kinds[] = {"real", "complex"};
    static const char *const bins[] = {"fft", "torchaudio"};
    int i, fmax_set = 0, k;
    memset(a, 0, sizeof *a);
    a->mel = avloc_mel_config_default();
    a->mfcc = avloc_mfcc_config_default();
    a->window = 1; /* hann */
    a->periodic = 1;
    a->fft_kind = AVLOC_FFT_REAL;
    for (i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(o, "--symmetric") == 0) { a->periodic = 0; continue; }
        if (!v) return gt_usage("an option lacks its value");
        i++;
        if (strcmp(o, "--name") == 0) a->name = v;
        else if (strcmp(o, "--sr") == 0) a->mel.sample_rate = strtof(v, NULL);
        else if (strcmp(o, "--n-fft") == 0) a->mel.n_fft = (size_t)strtoul(v, NULL, 10);
        else if (strcmp(o, "--n-mels") == 0) a->mel.n_mels = (size_t)strtoul(v, NULL, 10);
        else if (strcmp(o, "--fmin") == 0) a->mel.fmin = strtof(v, NULL);
        else if (strcmp(o, "--fmax") == 0) { a->mel.fmax = strtof(v, NULL); fmax_set = 1; }
        else if (strcmp(o, "--n-mfcc") == 0) a->mfcc.n_mfcc = (size_t)strtoul(v, NULL, 10);
        else if (strcmp(o, "--lifter-L") == 0) a->mfcc.lifter_L = strtof(v, NULL);
        else if (strcmp(o, "--win-length") == 0) a->win_length = (size_t)strtoul(v, NULL, 10);
        else if (strcmp(o, "--fft") == 0) a->fft_n = (size_t)strtoul(v, NULL, 10);
        else if (strcmp(o, "--gcc-upsample") == 0) a->gcc_upsample = (size_t)strtoul(v, NULL, 10);
        else if (strcmp(o, "--fft-kind") == 0) {
            if ((k = gt_pick(v, kinds, 2)) < 0) return gt_usage("--fft-kind: real or complex");
            a->fft_kind = k ? AVLOC_FFT_COMPLEX : AVLOC_FFT_REAL;
        }
        else if (strcmp(o, "--scale") == 0) {
            if ((k = gt_pick(v, scales, 2)) < 0) return gt_usage("--scale: htk or slaney");
            a->mel.scale = k ? AVLOC_MEL_SLANEY : AVLOC_MEL_HTK;
        } else if (strcmp(o, "--norm") == 0) {
            if ((k = gt_pick(v, norms, 2)) < 0) return gt_usage("--norm: none or slaney");
            a->mel.norm = k ? AVLOC_MEL_NORM_SLANEY : AVLOC_MEL_NORM_NONE;
        } else if (strcmp(o, "--bins") == 0) {
            if ((k = gt_pick(v, bins, 2)) < 0) return gt_usage("--bins: fft or torchaudio");
            a->mel.bins = k ? AVLOC_MEL_BINS_TORCHAUDIO : AVLOC_MEL_BINS_FFT;
        } else if (strcmp(o, "--lifter") == 0) {
            if ((k = gt_pick(v, lifters, 3)) < 0) return gt_usage("--lifter: none, librosa or htk");
            a->mfcc.lifter = k == 0 ? AVLOC_LIFTER_NONE : k == 1 ? AVLOC_LIFTER_LIBROSA : AVLOC_LIFTER_HTK;
        } else if (strcmp(o, "--window") == 0) {
            a->window = strcmp(v, "none") == 0 ? -1 : gt_pick(v, gt_windows, 5);
            if (a->window < -1 || (a->window == -1 && strcmp(v, "none") != 0))
                return gt_usage("--window: none, rectangular, hann, hamming, blackman or sqrt_hann");
        } else return gt_usage("unknown option");
    }
    if (!a->name || !a->name[0]) return gt_usage("--name is required");
    for (k = 0; a->name[k]; k++)
        if (!(isalnum((unsigned char)a->name[k]) || a->name[k] == '_') || isdigit((unsigned char)a->name[0]))
            return gt_usage("--name must be a C identifier");
    if (!fmax_set) a->mel.fmax = a->mel.sample_rate / 2.0f;
    if (a->win_length == 0) a->win_length = a->mel.n_fft;
    a->mfcc.n_mels = a->mel.n_mels;
    if (a->gcc_upsample && (!a->fft_n || a->fft_kind != AVLOC_FFT_REAL || a->window < 0 ||
                            a->gcc_upsample > AVLOC_MAX_DIM / a->fft_n))
        return gt_usage("--gcc-upsample needs --fft N (real), a window, and N * upsample in range");
    return 0;
}

/* A float literal that reads back to exactly v (9 significant digits). */
static void gt_float(FILE *f, float v)
{
    char b[48];
    snprintf(b, sizeof b, "%.9g", (double)v);
    if (!strpbrk(b, ".en")) strcat(b, ".0");
    fprintf(f, "%sf", b);
}

static const char *gt_kind(const gt_args *a)
{
    return a->fft_kind == AVLOC_FFT_REAL ? "AVLOC_FFT_REAL" : "AVLOC_FFT_COMPLEX";
}

static void gt_floats(FILE *f, const char *name, const char *suffix, const float *x, size_t n)
{
    size_t i;
    fprintf(f, "AVLOC_TABLE static const float %s_%s[%lu] = {", name, suffix, (unsigned long)(n ? n : 1));
    for (i = 0; i < n; i++) {
        fputs(i % 6 ? " " : "\n    ", f);
        gt_float(f, x[i]);
        if (i + 1 < n) fputc(',', f);
    }
    fputs(n ? "\n};\n" : "0.0f};\n", f);
}

static void gt_sizes(FILE *f, const char *name, const char *suffix, const size_t *x, size_t n)
{
    size_t i;
    fprintf(f, "AVLOC_TABLE static const size_t %s_%s[%lu] = {", name, suffix, (unsigned long)n);
    for (i = 0; i < n; i++) fprintf(f, "%s%lu%s", i % 12 ? " " : "\n    ", (unsigned long)x[i], i + 1 < n ? "," : "");
    fputs("\n};\n", f);
}

static int gt_mel(FILE *f, const gt_args *a)
{
    const avloc_mel_config *c = &a->mel;
    static const char *const scale[] = {"AVLOC_MEL_HTK", "AVLOC_MEL_SLANEY"};
    static const char *const norm[] = {"AVLOC_MEL_NORM_NONE", "AVLOC_MEL_NORM_SLANEY"};
    static const char *const bins[] = {"AVLOC_MEL_BINS_FFT", "AVLOC_MEL_BINS_TORCHAUDIO"};
    avloc_mel_f32 mel;
    size_t bytes;
    void *mem;
    avloc_result r = avloc_mel_query_f32(c, &bytes);
    if (r != AVLOC_OK || !(mem = malloc(bytes))) return gt_usage("bad mel configuration");
    if ((r = avloc_mel_init_f32(&mel, c, mem, bytes)) != AVLOC_OK) { free(mem); return gt_usage(avloc_result_str(r)); }
    fprintf(f, "\n/* mel filterbank: avloc_mel_init_f32 of the configuration in %s_mel.cfg */\n", a->name);
    gt_sizes(f, a->name, "mel_start", mel.start, mel.n_mels);
    gt_sizes(f, a->name, "mel_count", mel.count, mel.n_mels);
    gt_sizes(f, a->name, "mel_offset", mel.offset, mel.n_mels);
    gt_floats(f, a->name, "mel_weights", mel.weights, mel.nnz);
    fprintf(f, "AVLOC_TABLE static const avloc_mel_tables %s_mel = {\n    {", a->name);
    gt_float(f, c->sample_rate);
    fprintf(f, ", %lu, %lu, ", (unsigned long)c->n_fft, (unsigned long)c->n_mels);
    gt_float(f, c->fmin);
    fputs(", ", f);
    gt_float(f, c->fmax);
    fprintf(f, ", %s, %s, %s},\n    %lu, %s_mel_start, %s_mel_count, %s_mel_offset, %s_mel_weights\n};\n",
            scale[c->scale == AVLOC_MEL_SLANEY], norm[c->norm == AVLOC_MEL_NORM_SLANEY],
            bins[c->bins == AVLOC_MEL_BINS_TORCHAUDIO], (unsigned long)mel.nnz,
            a->name, a->name, a->name, a->name);
    free(mem);
    return 0;
}

static int gt_mfcc(FILE *f, const gt_args *a)
{
    const avloc_mfcc_config *c = &a->mfcc;
    static const char *const lifter[] = {"AVLOC_LIFTER_NONE", "AVLOC_LIFTER_LIBROSA", "AVLOC_LIFTER_HTK"};
    avloc_mfcc_f32 m;
    size_t bytes;
    void *mem;
    avloc_result r = avloc_mfcc_query_f32(c, &bytes);
    if (r != AVLOC_OK || !(mem = malloc(bytes))) return gt_usage("bad MFCC configuration");
    if ((r = avloc_mfcc_init_f32(&m, c, mem, bytes)) != AVLOC_OK) { free(mem); return gt_usage(avloc_result_str(r)); }
    fprintf(f, "\n/* MFCC: avloc_mfcc_init_f32 of the configuration in %s_mfcc.cfg */\n", a->name);
    gt_floats(f, a->name, "mfcc_dct", m.dct, m.n_mfcc * m.n_mels);
    gt_floats(f, a->name, "mfcc_lift", m.lift, m.n_mfcc);
    fprintf(f, "AVLOC_TABLE static const avloc_mfcc_tables %s_mfcc = {\n    {%lu, %lu, %s, ", a->name,
            (unsigned long)c->n_mels, (unsigned long)c->n_mfcc, lifter[(int)c->lifter]);
    gt_float(f, c->lifter_L);
    fprintf(f, "},\n    %s_mfcc_dct, %s_mfcc_lift\n};\n", a->name, a->name);
    free(mem);
    return 0;
}

static int gt_window(FILE *f, const gt_args *a)
{
    float *w = (float *)malloc(a->win_length * sizeof *w);
    char upper[256];
    size_t i;
    avloc_result r;
    if (!w) return gt_usage("out of memory");
    r = avloc_window_f32(gt_window_ids[a->window], a->periodic, w, a->win_length);
    if (r != AVLOC_OK) { free(w); return gt_usage(avloc_result_str(r)); }
    for (i = 0; a->name[i] && i + 1 < sizeof upper; i++) upper[i] = (char)toupper((unsigned char)a->name[i]);
    upper[i] = '\0';
    fprintf(f, "\n/* window: avloc_window_f32(%s, %d, w, %lu) */\n#define %s_WINDOW_LENGTH %lu\n",
            gt_window_enums[a->window], a->periodic, (unsigned long)a->win_length, upper,
            (unsigned long)a->win_length);
    gt_floats(f, a->name, "window", w, a->win_length);
    fprintf(f, "AVLOC_TABLE static const avloc_window_table %s_window_table = {%s, %d, %lu, %s_window, ",
            a->name, gt_window_enums[a->window], a->periodic, (unsigned long)a->win_length, a->name);
    /* the FFT roots go with the window when they are the STFT's plan (real,
       n_fft points): then the object's init computes nothing */
    if (a->fft_n && a->fft_n == a->mel.n_fft && a->fft_kind == AVLOC_FFT_REAL) fprintf(f, "&%s_fft};\n", a->name);
    else fputs("NULL};\n", f);
    if (a->gcc_upsample) /* the same taps, with GCC-PHAT's pair of plans */
        fprintf(f, "AVLOC_TABLE static const avloc_window_table %s_gcc_window_table = {%s, %d, %lu, %s_window, "
                   "%s_gcc_fft};\n",
                a->name, gt_window_enums[a->window], a->periodic, (unsigned long)a->win_length, a->name, a->name);
    free(w);
    return 0;
}

/* The roots an n-point plan of a's kind computes at init, recorded while
   avloc_fft_init_f32 computes them, as ID_<what>_roots; *count: how many. */
static int gt_roots(FILE *f, const gt_args *a, size_t n, const char *what, size_t *count)
{
    size_t pb = 0, i;
    void *mem;
    avloc_complex_f32 *w;
    avloc_fft_config fc;
    avloc_result r;
    fc.n = n;
    fc.kind = a->fft_kind;
    r = avloc_fft_query_f32(&fc, &pb, NULL);
    if (r != AVLOC_OK) return gt_usage(avloc_result_str(r));
    mem = malloc(pb);
    if (!mem) return gt_usage("out of memory");
    *count = 0;
    r = avloc_fft_record_tables_f32(&fc, mem, pb, NULL, 0, count);
    w = (avloc_complex_f32 *)malloc((*count ? *count : 1) * sizeof *w);
    if (w && r == AVLOC_ERR_WORKSPACE) r = avloc_fft_record_tables_f32(&fc, mem, pb, w, *count, count);
    free(mem);
    if (!w || r != AVLOC_OK) { free(w); return gt_usage(w ? avloc_result_str(r) : "out of memory"); }
    fprintf(f, "\n/* FFT: the roots avloc_fft_init_f32(plan, {%lu, %s}) computes, for the scalar\n"
               "   kernel set (vector width 1: Cortex-M, AVLOC_NO_SIMD) */\n",
            (unsigned long)n, gt_kind(a));
    fprintf(f, "AVLOC_TABLE static const avloc_complex_f32 %s_%s_roots[%lu] = {", a->name, what,
            (unsigned long)(*count ? *count : 1));
    for (i = 0; i < *count; i++) {
        fputs(i % 3 ? " {" : "\n    {", f);
        gt_float(f, w[i].re);
        fputs(", ", f);
        gt_float(f, w[i].im);
        fputs(i + 1 < *count ? "}," : "}", f);
    }
    fputs(*count ? "\n};\n" : "{0.0f, 0.0f}};\n", f);
    free(w);
    return 0;
}

/* ID_fft: the FFT plan's roots (--fft N); with --gcc-upsample U also the
   inverse plan's (N * U) and ID_gcc_fft, the pair GCC-PHAT reads */
static int gt_fft(FILE *f, const gt_args *a)
{
    size_t count = 0, up = 0;
    int rc = gt_roots(f, a, a->fft_n, "fft", &count);
    if (rc) return rc;
    fprintf(f, "AVLOC_TABLE static const avloc_fft_tables %s_fft = {%lu, %s, 1, %lu, %s_fft_roots};\n", a->name,
            (unsigned long)a->fft_n, gt_kind(a), (unsigned long)count, a->name);
    if (!a->gcc_upsample) return 0;
    if ((rc = gt_roots(f, a, a->fft_n * a->gcc_upsample, "gcc_up_fft", &up)) != 0) return rc;
    fprintf(f, "/* GCC-PHAT's two plans (n_fft, n_fft * upsample), for %s_gcc_window_table */\n"
               "AVLOC_TABLE static const avloc_fft_tables %s_gcc_fft[2] = {\n"
               "    {%lu, AVLOC_FFT_REAL, 1, %lu, %s_fft_roots},\n"
               "    {%lu, AVLOC_FFT_REAL, 1, %lu, %s_gcc_up_fft_roots}\n};\n",
            a->name, a->name, (unsigned long)a->fft_n, (unsigned long)count, a->name,
            (unsigned long)(a->fft_n * a->gcc_upsample), (unsigned long)up, a->name);
    return 0;
}

/* ID_melspec: the whole mel-spectrogram object's tables
   (avloc_melspec_init_tables_f32) */
static void gt_melspec(FILE *f, const gt_args *a)
{
    fprintf(f, "\n/* the mel spectrogram: avloc_melspec_init_tables_f32(&ms, &cfg, &%s_melspec, mem, bytes) */\n"
               "AVLOC_TABLE static const avloc_melspec_tables %s_melspec = {&%s_window_table, &%s_mel, ",
            a->name, a->name, a->name, a->name);
    if (a->mfcc.n_mfcc > 0) fprintf(f, "&%s_mfcc};\n", a->name);
    else fputs("NULL};\n", f);
}

int main(int argc, char **argv)
{
    gt_args a;
    int i, rc = gt_parse(argc, argv, &a);
    if (rc) return rc;
    printf("/* %s tables for avloc_dsp.h, generated by tools/gen_tables.c with avloc %s:\n"
           "   bit-identical to what avloc_mel_init_f32 / avloc_mfcc_init_f32 /\n"
           "   avloc_window_f32 compute for this configuration. Do not edit; regenerate:\n"
           "   command: gen_tables",
           a.name, AVLOC_VERSION_STRING);
    for (i = 1; i < argc; i++) printf(" %s", argv[i]);
    printf("\n   Use: avloc_mel_init_tables_f32(&mel, &%s_mel),\n"
           "        avloc_mfcc_init_tables_f32(&mfcc, &%s_mfcc),\n"
           "        avloc_stft_init_tables_f32(&stft, &cfg, &%s_window_table, mem, bytes),\n"
           "        avloc_melspec_init_tables_f32(&ms, &cfg, &%s_melspec, mem, bytes). */\n"
           "#ifndef AVLOC_TABLES_%s_H\n#define AVLOC_TABLES_%s_H\n\n"
           "#ifndef AVLOC_DSP_H /* no #include: the path to the header is the program's business */\n"
           "#error \"include avloc_dsp.h before this table header\"\n#endif\n\n"
           "#ifndef AVLOC_TABLE /* a program need not use every table */\n"
           "#if defined(__GNUC__) || defined(__clang__)\n#define AVLOC_TABLE __attribute__((unused))\n"
           "#else\n#define AVLOC_TABLE\n#endif\n#endif\n",
           a.name, a.name, a.name, a.name, a.name, a.name);
    if ((rc = gt_mel(stdout, &a)) != 0) return rc;
    if (a.mfcc.n_mfcc > 0 && (rc = gt_mfcc(stdout, &a)) != 0) return rc;
    if (a.fft_n && (rc = gt_fft(stdout, &a)) != 0) return rc;
    if (a.window >= 0 && (rc = gt_window(stdout, &a)) != 0) return rc;
    if (a.window >= 0) gt_melspec(stdout, &a);
    printf("\n#endif\n");
    return 0;
}
