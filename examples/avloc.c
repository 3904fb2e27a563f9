/* avloc.c - the avloc command-line program.

   Built as ONE translation unit:  cc -std=c99 examples/avloc.c -lm
   It includes the library headers (with AVLOC_IMPLEMENTATION), the file I/O
   layer (examples/avloc_io.h) and the subcommand files (examples/cmd_*.c).

   ADDING SUBCOMMANDS
   ------------------
   A cmd_X.c file defines its commands and one table terminated by a NULL
   row, e.g. in examples/cmd_gllim.c:

       static int cmd_gllim_train(int argc, char **argv) { ... }
       static const avcli_cmd cmd_gllim_sub[] = {
           {"train", "DATA -o MODEL", "fit a GLLiM model", cmd_gllim_train, NULL},
           {"locate", ...}, {NULL, NULL, NULL, NULL, NULL}};
       static const avcli_cmd cmd_gllim_table[] = {
           {"gllim", "train|locate ...", "GLLiM training and localisation", NULL, cmd_gllim_sub},
           {"phat", "train|locate ...", "...", NULL, cmd_phat_sub},
           {NULL, NULL, NULL, NULL, NULL}};

   then add ONE #include "cmd_gllim.c" below and ONE row
   {"Localisation", cmd_gllim_table} to avcli_groups[]. A row with `subs`
   (and run == NULL) dispatches `avloc gllim train ...` to the sub-table,
   with help and typo suggestions for free.

   Inside a command, parse flags with avcli_parse() over an avcli_opt table
   (see cmd_dsp.c): it handles --flag VALUE and --flag=VALUE, -o, --help,
   typo suggestions, range-checked numbers and choice lists, and prints the
   command's help from the same table.

   Exit status: 0 success, 1 runtime failure (bad input file, ...), 2 usage.
*/
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1 /* madvise (avloc_io_alloc_large); before any system header */
#endif
/* AVLOC_TEST_SHARED_IMPL: the library is compiled elsewhere and linked in
   (the Makefile's builds of this program and of the tests that compile it
   in, the fuzz harnesses): one object per module, compiled in parallel. */
#ifndef AVLOC_TEST_SHARED_IMPL
#define AVLOC_IMPLEMENTATION
#endif
#include "../avloc_dsp.h"
#include "../avloc_nn.h"
#define AVLOC_IO_STATIC
#define AVLOC_IO_IMPLEMENTATION
#include "avloc_io.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#if defined(__GNUC__) || defined(__clang__)
#define AVCLI_UNUSED __attribute__((unused))
#define AVCLI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define AVCLI_UNUSED
#define AVCLI_PRINTF(a, b)
#endif

#define AVCLI_EXIT_OK 0
#define AVCLI_EXIT_FAIL 1
#define AVCLI_EXIT_USAGE 2

/* ------------------------------------------------------------ commands */

typedef struct avcli_cmd {
    const char *name;    /* "stft", "gllim" */
    const char *args;    /* synopsis after the name: "IN.wav -o OUT.npy [options]" */
    const char *summary; /* one line for `avloc --help` */
    int (*run)(int argc, char **argv); /* argv[0] is the full command name ("avloc stft") */
    const struct avcli_cmd *subs;      /* nested commands (run == NULL), e.g. gllim train|locate */
} avcli_cmd;

typedef struct avcli_group {
    const char *title;
    const avcli_cmd *cmds; /* terminated by a row with name == NULL */
} avcli_group;

/* --------------------------------------------------------- diagnostics */

static void avcli_error(const char *cmd, const char *fmt, ...) AVCLI_PRINTF(2, 3);
static void avcli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: error: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void avcli_warn(const char *cmd, const char *fmt, ...) AVCLI_PRINTF(2, 3);
static void avcli_warn(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: warning: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Levenshtein distance, for "did you mean" (short strings only). */
static size_t avcli_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i, j, row[64];
    if (la >= 63 || lb >= 63) return 99;
    for (j = 0; j <= lb; j++) row[j] = j;
    for (i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (j = 1; j <= lb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
        }
    }
    return row[lb];
}

/* ------------------------------------------------------------- options */

typedef enum avcli_kind {
    AVCLI_FLAG,   /* no value: *(int *)target = value */
    AVCLI_INT,    /* int in [lo, hi] */
    AVCLI_SIZE,   /* size_t in [lo, hi] */
    AVCLI_DOUBLE, /* finite double in [lo, hi] */
    AVCLI_STRING, /* const char * */
    AVCLI_CHOICE  /* one of "a|b|c": *(int *)target = index */
} avcli_kind;

typedef struct avcli_opt {
    const char *name;    /* "--n-fft" (a second spelling may be given in alias) */
    avcli_kind kind;
    void *target;
    const char *metavar; /* "N", or the choice list "hann|hamming|..." for AVCLI_CHOICE */
    double lo, hi;       /* numeric range */
    int value;           /* AVCLI_FLAG: value to store */
    const char *help;
    const char *alias;   /* e.g. "-o" */
    int given;           /* set by avcli_parse */
} avcli_opt;

/* Builders keep the option tables readable. */
static avcli_opt avcli_flag(const char *name, int *t, int value, const char *help)
{
    avcli_opt o;
    memset(&o, 0, sizeof o);
    o.name = name; o.kind = AVCLI_FLAG; o.target = t; o.value = value; o.help = help;
    return o;
}
static avcli_opt avcli_int(const char *name, int *t, int lo, int hi, const char *mv, const char *help)
{
    avcli_opt o;
    memset(&o, 0, sizeof o);
    o.name = name; o.kind = AVCLI_INT; o.target = t; o.lo = lo; o.hi = hi; o.metavar = mv; o.help = help;
    return o;
}
static AVCLI_UNUSED avcli_opt avcli_size(const char *name, size_t *t, double lo, double hi, const char *mv,
                                         const char *help)
{
    avcli_opt o;
    memset(&o, 0, sizeof o);
    o.name = name; o.kind = AVCLI_SIZE; o.target = t; o.lo = lo; o.hi = hi; o.metavar = mv; o.help = help;
    return o;
}
static avcli_opt avcli_double(const char *name, double *t, double lo, double hi, const char *mv,
                              const char *help)
{
    avcli_opt o;
    memset(&o, 0, sizeof o);
    o.name = name; o.kind = AVCLI_DOUBLE; o.target = t; o.lo = lo; o.hi = hi; o.metavar = mv; o.help = help;
    return o;
}
static avcli_opt avcli_string(const char *name, const char **t, const char *mv, const char *help)
{
    avcli_opt o;
    memset(&o, 0, sizeof o);
    o.name = name; o.kind = AVCLI_STRING; o.target = (void *)t; o.metavar = mv; o.help = help;
    return o;
}
static avcli_opt avcli_choice(const char *name, int *t, const char *choices, const char *help)
{
    avcli_opt o;
    memset(&o, 0, sizeof o);
    o.name = name; o.kind = AVCLI_CHOICE; o.target = t; o.metavar = choices; o.help = help;
    return o;
}
static avcli_opt avcli_alias(avcli_opt o, const char *alias)
{
    o.alias = alias;
    return o;
}

/* Index of `s` (length n) in "a|b|c", or -1. */
static int avcli_choice_index(const char *choices, const char *s, size_t n)
{
    int idx = 0;
    const char *p = choices;
    for (;;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, s, n) == 0) return idx;
        if (!bar) return -1;
        p = bar + 1;
        idx++;
    }
}

static void avcli_choice_name(const char *choices, int idx, char *out, size_t cap)
{
    const char *p = choices;
    size_t len;
    while (idx-- > 0 && p) {
        p = strchr(p, '|');
        if (p) p++;
    }
    if (!p) { snprintf(out, cap, "?"); return; }
    len = strchr(p, '|') ? (size_t)(strchr(p, '|') - p) : strlen(p);
    snprintf(out, cap, "%.*s", (int)len, p);
}

static void avcli_print_default(FILE *f, const avcli_opt *o)
{
    char buf[64];
    switch (o->kind) {
    case AVCLI_FLAG: break;
    case AVCLI_INT: fprintf(f, " (default %d)", *(const int *)o->target); break;
    case AVCLI_SIZE: fprintf(f, " (default %lu)", (unsigned long)*(const size_t *)o->target); break;
    case AVCLI_DOUBLE: {
        double v = *(const double *)o->target;
        if (v == v) fprintf(f, " (default %g)", v);
        break;
    }
    case AVCLI_STRING:
        if (*(const char *const *)o->target) fprintf(f, " (default %s)", *(const char *const *)o->target);
        break;
    case AVCLI_CHOICE:
        avcli_choice_name(o->metavar, *(const int *)o->target, buf, sizeof buf);
        fprintf(f, " (default %s)", buf);
        break;
    }
}

/* Prints "usage: CMD ARGS", a description and the option table. */
static void avcli_help(FILE *f, const char *cmd, const char *args, const char *about, const avcli_opt *opts,
                       size_t n)
{
    size_t i;
    fprintf(f, "usage: %s %s\n\n%s\n\noptions:\n", cmd, args, about);
    for (i = 0; i < n; i++) {
        const avcli_opt *o = &opts[i];
        char left[96];
        if (o->kind == AVCLI_FLAG) snprintf(left, sizeof left, "%s%s%s", o->alias ? o->alias : "",
                                            o->alias ? ", " : "", o->name);
        else snprintf(left, sizeof left, "%s%s%s %s", o->alias ? o->alias : "", o->alias ? ", " : "", o->name,
                      o->kind == AVCLI_CHOICE ? o->metavar : (o->metavar ? o->metavar : "X"));
        if (strlen(left) > 28) fprintf(f, "  %s\n  %-28s %s", left, "", o->help ? o->help : "");
        else fprintf(f, "  %-28s %s", left, o->help ? o->help : "");
        /* a help text that mentions its default itself gets no automatic one */
        if (!o->help || (!strstr(o->help, "default") && !strstr(o->help, "required"))) avcli_print_default(f, o);
        fputc('\n', f);
    }
    fprintf(f, "  %-28s %s\n", "-h, --help", "show this help");
}

static const avcli_opt *avcli_find(avcli_opt *opts, size_t n, const char *s, size_t len)
{
    size_t i;
    for (i = 0; i < n; i++)
        if ((strlen(opts[i].name) == len && strncmp(opts[i].name, s, len) == 0) ||
            (opts[i].alias && strlen(opts[i].alias) == len && strncmp(opts[i].alias, s, len) == 0))
            return &opts[i];
    return NULL;
}

static void avcli_suggest(const char *cmd, const char *bad, size_t len, const avcli_opt *opts, size_t n)
{
    char tmp[64];
    size_t i, best = 99;
    const char *cand = NULL;
    snprintf(tmp, sizeof tmp, "%.*s", (int)(len < 60 ? len : 60), bad);
    for (i = 0; i < n; i++) {
        size_t d = avcli_edit_distance(tmp, opts[i].name);
        if (d < best) { best = d; cand = opts[i].name; }
    }
    if (cand && (best <= (strlen(tmp) > 6 ? strlen(tmp) / 3 : 1) || strncmp(cand, tmp, strlen(tmp)) == 0))
        avcli_error(cmd, "unknown option '%s' (did you mean '%s'?); see '%s --help'", tmp, cand, cmd);
    else avcli_error(cmd, "unknown option '%s'; see '%s --help'", tmp, cmd);
}

static int avcli_set_value(const char *cmd, avcli_opt *o, const char *v)
{
    char *end;
    errno = 0;
    switch (o->kind) {
    case AVCLI_FLAG: break;
    case AVCLI_INT: case AVCLI_SIZE: {
        double d = strtod(v, &end);
        if (end == v || *end || errno == ERANGE || d != floor(d) || d < o->lo || d > o->hi) {
            avcli_error(cmd, "%s expects an integer in [%.0f, %.0f], got '%s'", o->name, o->lo, o->hi, v);
            return 0;
        }
        if (o->kind == AVCLI_INT) *(int *)o->target = (int)d;
        else *(size_t *)o->target = (size_t)d;
        break;
    }
    case AVCLI_DOUBLE: {
        double d = strtod(v, &end);
        if (end == v || *end || !avloc_all_finite_f64(&d, 1) || d < o->lo || d > o->hi) { /* NaN on the bits (-ffast-math) */
            avcli_error(cmd, "%s expects a number in [%g, %g], got '%s'", o->name, o->lo, o->hi, v);
            return 0;
        }
        *(double *)o->target = d;
        break;
    }
    case AVCLI_STRING: *(const char **)o->target = v; break;
    case AVCLI_CHOICE: {
        int idx = avcli_choice_index(o->metavar, v, strlen(v));
        if (idx < 0) {
            avcli_error(cmd, "%s expects one of %s, got '%s'", o->name, o->metavar, v);
            return 0;
        }
        *(int *)o->target = idx;
        break;
    }
    }
    return 1;
}

/* Parses argv[1..argc-1] against opts; collects up to maxpos positional
   arguments. Returns 1 to run, 0 after --help (exit 0), -1 on a usage
   error (already reported). "--" ends the options. */
static int avcli_parse(int argc, char **argv, avcli_opt *opts, size_t nopts, const char **pos, int maxpos,
                       int *npos, const char *args, const char *about)
{
    const char *cmd = argv[0];
    int i, only_pos = 0;
    *npos = 0;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!only_pos && strcmp(a, "--") == 0) { only_pos = 1; continue; }
        if (!only_pos && a[0] == '-' && a[1] != '\0' && !(a[1] >= '0' && a[1] <= '9') && a[1] != '.') {
            const char *eq = strchr(a, '=');
            size_t len = eq ? (size_t)(eq - a) : strlen(a);
            avcli_opt *o;
            if ((len == 2 && strncmp(a, "-h", 2) == 0) || (len == 6 && strncmp(a, "--help", 6) == 0)) {
                avcli_help(stdout, cmd, args, about, opts, nopts);
                return 0;
            }
            o = (avcli_opt *)avcli_find(opts, nopts, a, len);
            if (!o) { avcli_suggest(cmd, a, len, opts, nopts); return -1; }
            o->given = 1;
            if (o->kind == AVCLI_FLAG) {
                if (eq) { avcli_error(cmd, "%s takes no value", o->name); return -1; }
                *(int *)o->target = o->value;
                continue;
            }
            if (!eq && i + 1 >= argc) {
                avcli_error(cmd, "%s needs a value (%s)", o->name, o->metavar ? o->metavar : "X");
                return -1;
            }
            if (!avcli_set_value(cmd, o, eq ? eq + 1 : argv[++i])) return -1;
            continue;
        }
        if (*npos >= maxpos) {
            avcli_error(cmd, "unexpected argument '%s'; see '%s --help'", a, cmd);
            return -1;
        }
        pos[(*npos)++] = a;
    }
    return 1;
}

static int avcli_given(const avcli_opt *opts, size_t n, const char *name)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (strcmp(opts[i].name, name) == 0) return opts[i].given;
    return 0;
}

/* ---------------------------------------------------- shared file helpers */

/* --strict (anywhere on the command line): input that would otherwise be
   repaired with a warning (NaN/Inf samples replaced by 0, a truncated data
   chunk clamped) is an error instead. Set once by main before dispatch. */
static int avcli_strict = 0;

/* A video and its soundtrack must cover the same time: more than a second
   apart (a wrong file, a wrong rate) is refused, by every audio-visual
   command alike. */
static int avcli_same_duration(const char *cmd, const char *vpath, size_t frames, double fps, const char *apath,
                               size_t samples, double rate)
{
    double tv = (double)frames / fps, ta = (double)samples / rate;
    if (fabs(tv - ta) <= 1.0) return 1;
    avcli_error(cmd, "%s (%.2f s) and %s (%.2f s) differ by more than a second", vpath, tv, apath, ta);
    return 0;
}

/* Loads a WAV with a readable message on failure; warns about clamping. */
static int avcli_load_wav(const char *cmd, const char *path, unsigned flags, avloc_io_audio *a)
{
    avloc_io_status s = avloc_io_wav_load(path, flags | (avcli_strict ? AVLOC_IO_WAV_STRICT : 0u), a);
    if (s == AVLOC_IO_ERR_OPEN) {
        avcli_error(cmd, "%s: cannot open: %s", path, strerror(errno));
        return 0;
    }
    if (s != AVLOC_IO_OK) {
        avcli_error(cmd, "%s: %s", path, a->info.msg[0] ? a->info.msg : avloc_io_strerror(s));
        return 0;
    }
    if (a->info.truncated || a->info.partial_frame || a->info.nonfinite) avcli_warn(cmd, "%s: %s", path, a->info.msg);
    if (a->frames == 0) {
        avcli_error(cmd, "%s: no audio samples in the data chunk", path);
        avloc_io_audio_free(a);
        return 0;
    }
    return 1;
}

static int avcli_check_write(const char *cmd, const char *path, avloc_io_status s)
{
    if (s == AVLOC_IO_OK) return 1;
    if (s == AVLOC_IO_ERR_OPEN || s == AVLOC_IO_ERR_WRITE)
        avcli_error(cmd, "%s: %s: %s", path, avloc_io_strerror(s), strerror(errno));
    else avcli_error(cmd, "%s: %s", path, avloc_io_strerror(s));
    return 0;
}

/* Whether the output files can be written, asked before a long computation
   so that a bad path fails first, not after the earlier outputs were
   written: each is opened for appending (a file that did not exist is
   removed again). NULL paths and "-" (standard output) pass. */
static int avcli_outputs_writable(const char *cmd, const char *const *paths, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        FILE *f;
        int existed;
        if (!paths[i] || strcmp(paths[i], "-") == 0) continue;
        f = fopen(paths[i], "rb");
        existed = f != NULL;
        if (f) fclose(f);
        if (!(f = fopen(paths[i], "ab"))) {
            avcli_error(cmd, "%s: cannot write: %s", paths[i], strerror(errno));
            return 0;
        }
        fclose(f);
        if (!existed) remove(paths[i]);
    }
    return 1;
}

/* A heat map (rows x cols) saved as a PNG figure over a w x h camera frame
   (frame: its luma, or NULL), see avloc_io_heat_figure; 0 after an error. */
static int avcli_save_heat(const char *cmd, const char *path, const float *map, size_t rows, size_t cols,
                           const float *frame, unsigned w, unsigned h, const char *title, const char *clabel)
{
    avloc_io_image fig;
    int ok;
    avloc_io_status st = avloc_io_heat_figure(map, rows, cols, frame, w, h, title, clabel, &fig);
    if (st != AVLOC_IO_OK) return avcli_check_write(cmd, path, st);
    ok = avcli_check_write(cmd, path, avloc_io_png_save(path, &fig));
    avloc_io_image_free(&fig);
    return ok;
}

static void *avcli_malloc(const char *cmd, size_t count, size_t elem)
{
    size_t n;
    void *p;
    if (!avloc_size_mul(count, elem, &n)) { avcli_error(cmd, "size overflow"); return NULL; }
    p = avloc_io_alloc_large(n); /* large arrays on huge pages where the kernel offers them */
    if (!p) avcli_error(cmd, "out of memory (%lu bytes)", (unsigned long)n);
    return p;
}

/* ------------------------------------------------------------ commands */

#include "cmd_dsp.c"
#include "cmd_gllim.c"
#include "cmd_nn.c"
#include "cmd_mp.c"
#include "cmd_acimg.c"
#include "cmd_depth.c"
#include "cmd_rpca.c"

static const avcli_group avcli_groups[] = {
    {"Signal processing", cmd_dsp_table},
    {"Localisation", cmd_gllim_table},
    {"Networks", cmd_nn_table},
    {"Visual maps from audio", cmd_depth_table},
    {"Audio-visual matching pursuit", cmd_mp_table},
    {"Low-rank + sparse", cmd_rpca_table},
    {"Acoustic images", cmd_acimg_table},
    {NULL, NULL}};

/* ---------------------------------------------------------------- main */

static void avcli_usage(FILE *f)
{
    size_t g, i;
    fprintf(f,
            "avloc %s - sound source localisation in camera images\n\n"
            "usage: avloc <command> [options]\n"
            "       avloc <command> --help\n"
            "       avloc --version\n",
            AVLOC_VERSION_STRING);
    for (g = 0; avcli_groups[g].title; g++) {
        fprintf(f, "\n%s:\n", avcli_groups[g].title);
        for (i = 0; avcli_groups[g].cmds[i].name; i++) {
            const avcli_cmd *c = &avcli_groups[g].cmds[i];
            char left[64];
            snprintf(left, sizeof left, "%s %s", c->name, c->subs ? "<sub>" : "");
            fprintf(f, "  %-16s %s\n", left, c->summary);
            if (c->subs) {
                size_t k;
                for (k = 0; c->subs[k].name; k++) {
                    snprintf(left, sizeof left, "%s %s", c->name, c->subs[k].name);
                    fprintf(f, "    %-14s %s\n", left, c->subs[k].summary);
                }
            }
        }
    }
    fprintf(f, "\nGlobal option (before or after the command):\n"
               "  --strict         NaN/Inf samples or a truncated WAV data chunk are errors\n"
               "                   (default: replaced by 0 / clamped, with a warning)\n");
    fprintf(f, "\nExit status: 0 ok, 1 failure (bad input, I/O), 2 usage error.\n");
}

/* Finds `name` in a table; suggests the nearest on failure. */
static const avcli_cmd *avcli_lookup(const avcli_cmd *const *tables, size_t ntables, const char *name,
                                     const char *ctx)
{
    size_t t, i, best = 99;
    const char *cand = NULL;
    for (t = 0; t < ntables; t++)
        for (i = 0; tables[t][i].name; i++) {
            size_t d;
            if (strcmp(tables[t][i].name, name) == 0) return &tables[t][i];
            d = avcli_edit_distance(name, tables[t][i].name);
            if (d < best) { best = d; cand = tables[t][i].name; }
        }
    if (cand && best <= 2) fprintf(stderr, "%s: error: unknown command '%s' (did you mean '%s'?)\n", ctx, name, cand);
    else fprintf(stderr, "%s: error: unknown command '%s'; see '%s --help'\n", ctx, name, ctx);
    return NULL;
}

/* Runs cmd with argv[0] rewritten to the full command path ("avloc gllim train"). */
static int avcli_dispatch(const avcli_cmd *cmd, int argc, char **argv, const char *prefix)
{
    char full[128];
    snprintf(full, sizeof full, "%s %s", prefix, cmd->name);
    if (cmd->subs) {
        const avcli_cmd *tabs[1];
        const avcli_cmd *sub;
        size_t k;
        tabs[0] = cmd->subs;
        if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
            FILE *f = argc < 2 ? stderr : stdout;
            fprintf(f, "usage: %s <sub> [options]\n\n%s\n\nsubcommands:\n", full, cmd->summary);
            for (k = 0; cmd->subs[k].name; k++)
                fprintf(f, "  %-10s %s\n", cmd->subs[k].name, cmd->subs[k].summary);
            return argc < 2 ? AVCLI_EXIT_USAGE : AVCLI_EXIT_OK;
        }
        sub = avcli_lookup(tabs, 1, argv[1], full);
        if (!sub) return AVCLI_EXIT_USAGE;
        return avcli_dispatch(sub, argc - 1, argv + 1, full);
    }
    argv[0] = full;
    return cmd->run(argc, argv);
}

/* Removes every "--strict" before a "--" from argv (it may come before or
   after the command) and turns strict mode on; returns the new argc. */
static int avcli_take_strict(int argc, char **argv)
{
    int i, o = 1, rest = 0;
    for (i = 1; i < argc; i++) {
        if (!rest && strcmp(argv[i], "--") == 0) rest = 1;
        if (!rest && strcmp(argv[i], "--strict") == 0) { avcli_strict = 1; continue; }
        argv[o++] = argv[i];
    }
    argv[o] = NULL;
    return o;
}

/* Standard output carries results (JSON lines, data written to "-"): a
   write that failed (a full disk, a closed pipe) is the command's failure,
   not a success with half the output. */
static int avcli_stdout_status(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "avloc: error: cannot write standard output: %s\n", strerror(errno ? errno : EIO));
        return rc == AVCLI_EXIT_OK ? AVCLI_EXIT_FAIL : rc;
    }
    return rc;
}

static int avcli_main(int argc, char **argv);

int main(int argc, char **argv)
{
    return avcli_stdout_status(avcli_main(argc, argv));
}

static int avcli_main(int argc, char **argv)
{
    const avcli_cmd *tables[16];
    const avcli_cmd *cmd;
    size_t nt = 0;
    while (avcli_groups[nt].title && nt < 16) { tables[nt] = avcli_groups[nt].cmds; nt++; }
    argc = avcli_take_strict(argc, argv);
    if (argc < 2) {
        avcli_usage(stderr);
        return AVCLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        if (strcmp(argv[1], "help") == 0 && argc > 2) { /* avloc help stft == avloc stft --help */
            char *hargv[3];
            cmd = avcli_lookup(tables, nt, argv[2], "avloc");
            if (!cmd) return AVCLI_EXIT_USAGE;
            hargv[0] = argv[2];
            hargv[1] = (char *)"--help";
            hargv[2] = NULL;
            return avcli_dispatch(cmd, 2, hargv, "avloc");
        }
        avcli_usage(stdout);
        return AVCLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("avloc %s\n", AVLOC_VERSION_STRING);
        return AVCLI_EXIT_OK;
    }
    if (argv[1][0] == '-') {
        fprintf(stderr, "avloc: error: unknown option '%s'; a command comes first, see 'avloc --help'\n", argv[1]);
        return AVCLI_EXIT_USAGE;
    }
    cmd = avcli_lookup(tables, nt, argv[1], "avloc");
    if (!cmd) return AVCLI_EXIT_USAGE;
    return avcli_dispatch(cmd, argc - 1, argv + 1, "avloc");
}
