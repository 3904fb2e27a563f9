/* Audio-visual matching pursuit: the fast coder against the naive reference
   (same atoms, same coefficients), low-memory mode, whitening against numpy,
   learning on a small synthetic scene, bad input. The `avloc avmp` commands
   are tested in tests/test_mp_cli.c. */
#ifndef AVLOC_TEST_SHARED_IMPL
#define AVLOC_IMPLEMENTATION
#endif
#include "../avloc_mp.h"
#include "harness.h"
#include "task_runner.h"

static unsigned long long rng_state = 1;
static double urand(void) /* xorshift64*: uniform in [0, 1) */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}
static float nrand(void) /* roughly normal */
{
    return (float)(urand() + urand() + urand() - 1.5) * 2.0f;
}

/* residual -= the atom (ca * its audio kernel at its offset, cv * its video
   kernel at its frame, row and column): the test's own copy of the coder's
   subtraction, so a problem is built without the library's internals */
static void subtract_atom(const avloc_mp_config *c, const float *ka, const float *kv, const avloc_mp_atom *at,
                          float *audio, float *video)
{
    size_t i, t, y, x;
    for (i = 0; i < c->audio_len; i++) audio[at->offset + i] -= at->ca * ka[i];
    for (t = 0; t < c->kernel_t; t++)
        for (y = 0; y < c->kernel_h; y++)
            for (x = 0; x < c->kernel_w; x++)
                video[((at->frame + t) * c->height + at->row + y) * c->width + at->col + x] -=
                    at->cv * kv[(t * c->kernel_h + y) * c->kernel_w + x];
}

static int product_score = 0; /* selection rule of the problems made next */
static int twin_kernels = 0;  /* 1: kernels 2 and 3 are copies of 0 and 1 (every block of 2, 3 ties with 0, 1) */

typedef struct problem {
    avloc_mp_config cfg;
    float *da, *dv, *audio, *video;
} problem;

/* Random kernels; a signal made of a few of them (random places and
   coefficients) plus noise, so the pursuit follows real structure. */
static void make_problem(problem *pb, unsigned seed, size_t K, size_t La, size_t T, size_t H, size_t W,
                         size_t frames, size_t height, size_t width)
{
    avloc_mp_config *c = &pb->cfg;
    avloc_mp_dict d;
    size_t i, kv, na, nv, nr;
    rng_state = 0x9E3779B97F4A7C15ULL ^ (seed * 0x100000001B3ULL);
    *c = avloc_mp_config_default();
    c->kernels = K; c->audio_len = La; c->kernel_t = T; c->kernel_h = H; c->kernel_w = W;
    c->audio_rate = 1000.0; c->video_fps = 25.0;
    c->frames = frames; c->height = height; c->width = width;
    c->audio_samples = frames * 40;
    c->product_score = product_score;
    kv = T * H * W;
    na = c->audio_samples;
    nv = frames * height * width;
    pb->da = (float *)malloc(K * La * sizeof(float));
    pb->dv = (float *)malloc(K * kv * sizeof(float));
    pb->audio = (float *)calloc(na, sizeof(float));
    pb->video = (float *)calloc(nv, sizeof(float));
    for (i = 0; i < K * La; i++) pb->da[i] = nrand();
    for (i = 0; i < K * kv; i++) pb->dv[i] = nrand();
    d.audio = pb->da; d.video = pb->dv;
    avloc_mp_dict_normalize(c, &d);
    if (twin_kernels && K >= 4) {
        memcpy(pb->da + 2 * La, pb->da, 2 * La * sizeof(float));
        memcpy(pb->dv + 2 * kv, pb->dv, 2 * kv * sizeof(float));
    }
    for (i = 0; i < na; i++) pb->audio[i] = 0.05f * nrand();
    for (i = 0; i < nv; i++) pb->video[i] = 0.05f * nrand();
    avloc_mp_positions(c, &nr, NULL);
    for (i = 0; i < 6; i++) {
        avloc_mp_atom at;
        at.k = (size_t)(urand() * K);
        at.offset = (size_t)(urand() * nr);
        at.frame = avloc_mp_frame_of(c, at.offset);
        at.row = (size_t)(urand() * (height - H + 1));
        at.col = (size_t)(urand() * (width - W + 1));
        at.ca = -(float)(1.0 + 2 * urand());
        at.cv = -(float)(1.0 + 2 * urand());
        subtract_atom(c, pb->da + at.k * La, pb->dv + at.k * kv, &at, pb->audio, pb->video); /* adds */
    }
}

static void free_problem(problem *pb)
{
    free(pb->da); free(pb->dv); free(pb->audio); free(pb->video);
}

static int same_atoms(const avloc_mp_atom *a, size_t na, const avloc_mp_atom *b, size_t nb, double rel)
{
    size_t i;
    double floor_a, floor_v;
    if (na != nb) { fprintf(stderr, "    %zu atoms vs %zu\n", na, nb); return 0; }
    if (!na) return 1;
    /* relative error, with a floor at 1e-3 of the first coefficient: a
       modality already explained leaves a coefficient that is rounding noise */
    floor_a = 1e-3 * fabs(b[0].ca);
    floor_v = 1e-3 * fabs(b[0].cv);
    for (i = 0; i < na; i++) {
        double ea = fabs(a[i].ca - b[i].ca) / (fabs(b[i].ca) > floor_a ? fabs(b[i].ca) : floor_a);
        double ev = fabs(a[i].cv - b[i].cv) / (fabs(b[i].cv) > floor_v ? fabs(b[i].cv) : floor_v);
        if (a[i].k != b[i].k || a[i].offset != b[i].offset || a[i].frame != b[i].frame ||
            a[i].row != b[i].row || a[i].col != b[i].col || ea > rel || ev > rel) {
            fprintf(stderr, "    atom %zu: (%zu,%zu,%zu,%zu,%zu %g %g) vs (%zu,%zu,%zu,%zu,%zu %g %g)\n", i,
                    a[i].k, a[i].offset, a[i].frame, a[i].row, a[i].col, a[i].ca, a[i].cv,
                    b[i].k, b[i].offset, b[i].frame, b[i].row, b[i].col, b[i].ca, b[i].cv);
            return 0;
        }
    }
    return 1;
}

/* Fast coder (tables and low-memory) == naive coder, residuals agree too. */
static void check_fast_vs_naive(unsigned seed, size_t K, size_t La, size_t T, size_t H, size_t W,
                                size_t frames, size_t height, size_t width, size_t natoms)
{
    problem pb;
    avloc_mp_dict d;
    avloc_mp_atom *an, *af;
    size_t nn = 0, nfa = 0, ob = 0, sb = 0, mode, na, nv, i;
    float *ra_n, *rv_n, *ra_f, *rv_f;
    make_problem(&pb, seed, K, La, T, H, W, frames, height, width);
    na = pb.cfg.audio_samples; nv = frames * height * width;
    d.audio = pb.da; d.video = pb.dv;
    an = (avloc_mp_atom *)malloc(natoms * sizeof *an);
    af = (avloc_mp_atom *)malloc(natoms * sizeof *af);
    ra_n = (float *)malloc(na * sizeof(float)); rv_n = (float *)malloc(nv * sizeof(float));
    ra_f = (float *)malloc(na * sizeof(float)); rv_f = (float *)malloc(nv * sizeof(float));
    CHECK(avloc_mp_code_naive_f32(&pb.cfg, &d, pb.audio, pb.video, natoms, 0.0f, an, &nn, ra_n, rv_n) == AVLOC_OK);
    CHECK_EQ_INT(nn, natoms);
    if (twin_kernels) /* every pick ties between k and k + 2: the lower kernel wins */
        for (i = 0; i < nn; i++) CHECK_MSG(an[i].k < 2, "naive atom %zu: kernel %zu", i, an[i].k);
    for (mode = 0; mode < 2; mode++) {
        avloc_mp_coder coder;
        void *mem, *scr;
        double ea = 0, ev = 0, sa = 0, sv = 0;
        pb.cfg.low_memory = (int)mode;
        CHECK(avloc_mp_coder_query(&pb.cfg, &ob, &sb) == AVLOC_OK);
        mem = malloc(ob); scr = malloc(sb);
        CHECK(avloc_mp_coder_init(&coder, &pb.cfg, mem, ob) == AVLOC_OK);
        CHECK(avloc_mp_coder_set_dict(&coder, &d, scr, sb) == AVLOC_OK);
        CHECK(avloc_mp_code_f32(&coder, pb.audio, pb.video, natoms, 0.0f, af, &nfa, ra_f, rv_f, scr, sb) == AVLOC_OK);
        CHECK_MSG(same_atoms(af, nfa, an, nn, 1e-4), "seed %u K %zu mode %zu", seed, K, mode);
        for (i = 0; i < na; i++) { ea += (ra_f[i] - ra_n[i]) * (ra_f[i] - ra_n[i]); sa += pb.audio[i] * pb.audio[i]; }
        for (i = 0; i < nv; i++) { ev += (rv_f[i] - rv_n[i]) * (rv_f[i] - rv_n[i]); sv += pb.video[i] * pb.video[i]; }
        CHECK(sqrt(ea / sa) < 1e-5 && sqrt(ev / sv) < 1e-5);
        avloc_mp_coder_destroy(&coder);
        free(mem); free(scr);
        {   /* the updates over 2 or 3 workers (scrambled serial runner): the same atoms and
               residuals, bit for bit (every block belongs to one task's frames) */
            tr_runner tr;
            avloc_mp_atom *at2 = (avloc_mp_atom *)malloc(natoms * sizeof *at2);
            float *ra2 = (float *)malloc(na * sizeof(float)), *rv2 = (float *)malloc(nv * sizeof(float));
            size_t n2 = 0, same = 1;
            pb.cfg.threads = tr_init(&tr, 2 + mode);
            CHECK(avloc_mp_coder_query(&pb.cfg, &ob, &sb) == AVLOC_OK);
            mem = malloc(ob); scr = malloc(sb);
            CHECK(avloc_mp_coder_init(&coder, &pb.cfg, mem, ob) == AVLOC_OK);
            CHECK(avloc_mp_coder_set_dict(&coder, &d, scr, sb) == AVLOC_OK);
            CHECK(avloc_mp_code_f32(&coder, pb.audio, pb.video, natoms, 0.0f, at2, &n2, ra2, rv2, scr, sb) ==
                  AVLOC_OK);
            same = n2 == nfa && memcmp(at2, af, n2 * sizeof *af) == 0 && memcmp(ra2, ra_f, na * sizeof *ra2) == 0 &&
                   memcmp(rv2, rv_f, nv * sizeof *rv2) == 0;
            CHECK_MSG(same, "seed %u K %zu mode %zu: %u workers change the atoms", seed, K, mode,
                      (unsigned)(2 + mode));
            CHECK(tr.runs >= natoms / 2); /* the updates did split */
            avloc_mp_coder_destroy(&coder);
            memset(&pb.cfg.threads, 0, sizeof pb.cfg.threads);
            free(mem); free(scr); free(at2); free(ra2); free(rv2);
        }
    }
    free(an); free(af); free(ra_n); free(rv_n); free(ra_f); free(rv_f);
    free_problem(&pb);
}

static void test_fast_equals_naive(void)
{
    unsigned seed;
    for (seed = 1; seed <= 4; seed++) check_fast_vs_naive(seed, 4, 50, 3, 4, 5, 12, 10, 12, 25);
    check_fast_vs_naive(11, 1, 37, 2, 3, 3, 8, 7, 9, 15);      /* one kernel, odd sizes */
    check_fast_vs_naive(12, 5, 40, 4, 5, 4, 10, 9, 16, 40);     /* odd K: a lone transform */
    check_fast_vs_naive(13, 3, 80, 6, 6, 6, 9, 6, 6, 30);       /* kernel as large as the frame */
    product_score = 1; /* the |ca| * |cv| selection: same atoms too */
    check_fast_vs_naive(21, 4, 50, 3, 4, 5, 12, 10, 12, 25);
    check_fast_vs_naive(22, 5, 40, 4, 5, 4, 10, 9, 16, 40);
    product_score = 0;
    twin_kernels = 1; /* exact ties between kernels, in every frame */
    check_fast_vs_naive(31, 4, 50, 3, 4, 5, 12, 10, 12, 25);
    twin_kernels = 0;
    /* 30 and 40 frames, coded past the signal's 6 atoms into the noise: the
       frames left stale by the signal's atoms come up together (8 to 20 of
       them) and are resolved in one pool run (avloc__mp_resolve_batch) on
       the 2 and 3 workers */
    check_fast_vs_naive(41, 4, 50, 3, 4, 5, 30, 10, 12, 40);
    check_fast_vs_naive(42, 6, 30, 2, 3, 3, 40, 8, 9, 50);
    /* K lanes, no padding: the last vectors of a position overlap (AVX2:
       10 lanes at 0 and 2; 30 at 0, 8, 16, 22) or a group is moved back
       (34: a second group at 26) */
    check_fast_vs_naive(51, 10, 40, 3, 4, 4, 12, 9, 11, 30);
    check_fast_vs_naive(52, 13, 30, 2, 3, 3, 10, 8, 9, 30);
    check_fast_vs_naive(53, 30, 30, 2, 3, 3, 10, 8, 9, 40);
    check_fast_vs_naive(54, 34, 24, 2, 3, 3, 10, 8, 9, 40);
}

/* With the signal exactly one atom, the first atom is that atom with its coefficients. */
static void test_single_atom(void)
{
    problem pb;
    avloc_mp_dict d;
    avloc_mp_atom at, got;
    size_t n = 0, na, nv, i;
    float *ra, *rv;
    make_problem(&pb, 77, 3, 30, 2, 3, 3, 6, 8, 8);
    na = pb.cfg.audio_samples; nv = 6 * 8 * 8;
    memset(pb.audio, 0, na * sizeof(float));
    memset(pb.video, 0, nv * sizeof(float));
    at.k = 2; at.offset = 61; at.frame = avloc_mp_frame_of(&pb.cfg, 61); at.row = 4; at.col = 1;
    at.ca = -2.5f; at.cv = 1.5f;
    subtract_atom(&pb.cfg, pb.da + 2 * 30, pb.dv + 2 * 18, &at, pb.audio, pb.video); /* adds 2.5, -1.5 */
    d.audio = pb.da; d.video = pb.dv;
    ra = (float *)malloc(na * sizeof(float)); rv = (float *)malloc(nv * sizeof(float));
    CHECK(avloc_mp_code_naive_f32(&pb.cfg, &d, pb.audio, pb.video, 1, 0.0f, &got, &n, ra, rv) == AVLOC_OK);
    CHECK(n == 1 && got.k == 2 && got.offset == 61 && got.row == 4 && got.col == 1);
    CHECK_NEAR(got.ca, 2.5, 1e-5);
    CHECK_NEAR(got.cv, -1.5, 1e-5);
    {
        double e = 0;
        for (i = 0; i < na; i++) e += fabs(ra[i]);
        for (i = 0; i < nv; i++) e += fabs(rv[i]);
        CHECK(e < 1e-4);
    }
    /* a silent video: every video position ties at 0, the lowest (row, col)
       must win in both coders */
    memset(pb.video, 0, nv * sizeof(float));
    for (i = 0; i < na; i++) pb.audio[i] += 0.1f * nrand(); /* more than one meaningful atom */
    {
        avloc_mp_coder coder;
        size_t ob, sb, nf = 0;
        void *mem, *scr;
        avloc_mp_atom fa[3], na3[3];
        CHECK(avloc_mp_code_naive_f32(&pb.cfg, &d, pb.audio, pb.video, 3, 0.0f, na3, &n, ra, rv) == AVLOC_OK);
        avloc_mp_coder_query(&pb.cfg, &ob, &sb);
        mem = malloc(ob); scr = malloc(sb);
        avloc_mp_coder_init(&coder, &pb.cfg, mem, ob);
        avloc_mp_coder_set_dict(&coder, &d, scr, sb);
        CHECK(avloc_mp_code_f32(&coder, pb.audio, pb.video, 3, 0.0f, fa, &nf, ra, rv, scr, sb) == AVLOC_OK);
        CHECK(n == 3 && nf == 3 && na3[0].row == 0 && na3[0].col == 0 && fa[1].row == 0 && fa[2].col == 0);
        CHECK(same_atoms(fa, nf, na3, n, 1e-4));
        avloc_mp_coder_destroy(&coder);
        free(mem); free(scr);
    }
    /* threshold above the score: no atom */
    CHECK(avloc_mp_code_naive_f32(&pb.cfg, &d, pb.audio, pb.video, 1, 4.5f, &got, &n, ra, rv) == AVLOC_OK);
    CHECK_EQ_INT(n, 0);
    free(ra); free(rv);
    free_problem(&pb);
}

static void test_bad_input(void)
{
    problem pb;
    avloc_mp_dict d;
    avloc_mp_config c;
    avloc_mp_coder coder;
    avloc_mp_atom at[4];
    size_t ob = 0, sb = 0, n, na, nv;
    void *mem, *scr;
    float *ra, *rv;
    make_problem(&pb, 5, 2, 30, 2, 3, 3, 6, 8, 8);
    d.audio = pb.da; d.video = pb.dv;
    na = pb.cfg.audio_samples; nv = 6 * 8 * 8;
    ra = (float *)malloc(na * sizeof(float)); rv = (float *)malloc(nv * sizeof(float));
    CHECK(avloc_mp_coder_query(NULL, &ob, &sb) == AVLOC_ERR_NULL);
    c = pb.cfg; c.kernels = 0;
    CHECK(avloc_mp_coder_query(&c, &ob, &sb) == AVLOC_ERR_SIZE);
    c = pb.cfg; c.frames = 1; /* video shorter than a kernel */
    CHECK(avloc_mp_coder_query(&c, &ob, &sb) == AVLOC_ERR_SIZE);
    CHECK(avloc_mp_code_naive_f32(&c, &d, pb.audio, pb.video, 4, 0, at, &n, ra, rv) == AVLOC_ERR_SIZE);
    c = pb.cfg; c.audio_samples = 20; /* audio shorter than a kernel */
    CHECK(avloc_mp_coder_query(&c, &ob, &sb) == AVLOC_ERR_SIZE);
    c = pb.cfg; c.width = 2;
    CHECK(avloc_mp_coder_query(&c, &ob, &sb) == AVLOC_ERR_SIZE);
    c = pb.cfg; c.video_fps = 0;
    CHECK(avloc_mp_coder_query(&c, &ob, &sb) == AVLOC_ERR_PARAM);
    c = pb.cfg; c.audio_rate = -1;
    CHECK(avloc_mp_coder_query(&c, &ob, &sb) == AVLOC_ERR_PARAM);
    CHECK(avloc_mp_coder_query(&pb.cfg, &ob, &sb) == AVLOC_OK);
    mem = malloc(ob); scr = malloc(sb);
    CHECK(avloc_mp_coder_init(&coder, &pb.cfg, mem, ob / 2) == AVLOC_ERR_WORKSPACE);
    CHECK(avloc_mp_coder_init(&coder, &pb.cfg, NULL, ob) == AVLOC_ERR_NULL);
    CHECK(avloc_mp_code_f32(&coder, pb.audio, pb.video, 4, 0, at, &n, ra, rv, scr, sb) == AVLOC_ERR_STATE);
    CHECK(avloc_mp_coder_init(&coder, &pb.cfg, mem, ob) == AVLOC_OK);
    CHECK(avloc_mp_code_f32(&coder, pb.audio, pb.video, 4, 0, at, &n, ra, rv, scr, sb) == AVLOC_ERR_STATE); /* no dict */
    CHECK(avloc_mp_coder_set_dict(&coder, &d, scr, sb / 2) == AVLOC_ERR_WORKSPACE);
    CHECK(avloc_mp_coder_set_dict(&coder, &d, scr, sb) == AVLOC_OK);
    CHECK(avloc_mp_code_f32(&coder, pb.audio, pb.video, 4, 0, at, &n, ra, rv, scr, sb / 2) == AVLOC_ERR_WORKSPACE);
    CHECK(avloc_mp_code_f32(&coder, NULL, pb.video, 4, 0, at, &n, ra, rv, scr, sb) == AVLOC_ERR_NULL);
    CHECK(avloc_mp_code_f32(&coder, pb.audio, pb.video, 4, 0, NULL, &n, ra, rv, scr, sb) == AVLOC_ERR_NULL);
    CHECK(avloc_mp_code_f32(&coder, pb.audio, pb.video, 4, -1.0f, at, &n, ra, rv, scr, sb) == AVLOC_ERR_PARAM);
    CHECK(avloc_mp_code_f32(&coder, pb.audio, pb.video, 0, 0, NULL, &n, ra, rv, scr, sb) == AVLOC_OK && n == 0);
    pb.video[5] = (float)NAN;
    CHECK(avloc_mp_code_f32(&coder, pb.audio, pb.video, 4, 0, at, &n, ra, rv, scr, sb) == AVLOC_ERR_NONFINITE);
    CHECK(avloc_mp_code_naive_f32(&pb.cfg, &d, pb.audio, pb.video, 4, 0, at, &n, ra, rv) == AVLOC_ERR_NONFINITE);
    pb.video[5] = 0;
    pb.da[3] = (float)INFINITY;
    CHECK(avloc_mp_coder_set_dict(&coder, &d, scr, sb) == AVLOC_ERR_NONFINITE);
    avloc_mp_coder_destroy(&coder);
    free(mem); free(scr); free(ra); free(rv);
    free_problem(&pb);
}

/* ------------------------------------------------------------ learning */
/* A small version of the paper's synthetic scene: 2000 Hz audio, 30 fps,
   24 frames of 12 x 16, kernels of 200 samples (3 frames) and 4 x 4 x 3.
   Events (index e): 0 AV1 (2x2 square moving diagonally, frames 3-5, 300 Hz
   pulse), 1 AV2 (static 2x3 bar, frames 18-19, 500 Hz pulse), 2 audio only
   (loud 700 Hz pulse, frames 8-10), 3 video only (big 3x4 block, frames
   12-14: right after the audio-only pulse, so the product of the two
   modalities' energies over a kernel's span is highest there; their
   synchronous product is not). Each event's video has every pixel's temporal mean removed, as
   the CLI prepares video. */
#define SC_RATE 2000.0
#define SC_FPS 30.0
#define SC_F 24
#define SC_H 12
#define SC_W 16
#define SC_NA 1600

typedef struct scene {
    float audio[4][SC_NA];
    float video[4][SC_F * SC_H * SC_W];
    float mix_a[SC_NA], mix_v[SC_F * SC_H * SC_W];
} scene;

static size_t sc_sample(size_t f) { return (size_t)floor(f * SC_RATE / SC_FPS + 0.5); }

static void sc_pulse(float *a, double hz, size_t f0, size_t f1, double amp)
{
    size_t n;
    for (n = sc_sample(f0); n < sc_sample(f1); n++) a[n] = (float)(amp * sin(6.283185307179586 * hz * (double)n / SC_RATE));
}

static void sc_rect(float *v, size_t f, size_t r0, size_t c0, size_t h, size_t w)
{
    size_t y, x;
    for (y = r0; y < r0 + h; y++)
        for (x = c0; x < c0 + w; x++) v[(f * SC_H + y) * SC_W + x] = 1.0f;
}

static void make_scene(scene *s, unsigned seed)
{
    size_t e, i, p, f;
    memset(s, 0, sizeof *s);
    rng_state = 0x2545F4914F6CDD1DULL ^ (seed * 0x100000001B3ULL);
    for (i = 0; i < 3; i++) sc_rect(s->video[0], 3 + i, 6 + i, 2 + i, 2, 2);
    sc_pulse(s->audio[0], 300, 3, 6, 0.5);
    for (f = 18; f < 20; f++) sc_rect(s->video[1], f, 7, 11, 2, 3);
    sc_pulse(s->audio[1], 500, 18, 20, 0.5);
    sc_pulse(s->audio[2], 700, 8, 11, 1.0);
    for (f = 12; f < 15; f++) sc_rect(s->video[3], f, 1, 9, 3, 4);
    for (e = 0; e < 4; e++)
        for (p = 0; p < SC_H * SC_W; p++) { /* temporal mean removed */
            double m = 0;
            for (f = 0; f < SC_F; f++) m += s->video[e][f * SC_H * SC_W + p];
            for (f = 0; f < SC_F; f++) s->video[e][f * SC_H * SC_W + p] -= (float)(m / SC_F);
        }
    for (i = 0; i < SC_NA; i++) s->mix_a[i] = 0.001f * nrand() + s->audio[0][i] + s->audio[1][i] + s->audio[2][i];
    for (i = 0; i < SC_F * SC_H * SC_W; i++)
        s->mix_v[i] = 0.001f * nrand() + s->video[0][i] + s->video[1][i] + s->video[3][i];
}

/* max over shifts of |<kernel, event>| / (|kernel| |event|), audio. */
static double best_corr_audio(const float *k, size_t La, const float *e, size_t n)
{
    double best = 0, ne = 0, nk = 0;
    long s, i;
    for (i = 0; i < (long)n; i++) ne += (double)e[i] * e[i];
    for (i = 0; i < (long)La; i++) nk += (double)k[i] * k[i];
    for (s = -(long)La; s < (long)n; s++) {
        double d = 0;
        for (i = 0; i < (long)La; i++)
            if (s + i >= 0 && s + i < (long)n) d += (double)k[i] * e[s + i];
        if (fabs(d) > best) best = fabs(d);
    }
    return best / sqrt(ne * nk + 1e-30);
}

/* The same for a T x H x W video kernel over the event's frames. */
static double best_corr_video(const float *k, size_t T, size_t H, size_t W, const float *e)
{
    double best = 0, ne = 0, nk = 0;
    long f, y, x, t, i, j;
    for (i = 0; i < SC_F * SC_H * SC_W; i++) ne += (double)e[i] * e[i];
    for (i = 0; i < (long)(T * H * W); i++) nk += (double)k[i] * k[i];
    for (f = -(long)T; f < SC_F; f++)
        for (y = -(long)H; y < SC_H; y++)
            for (x = -(long)W; x < SC_W; x++) {
                double d = 0;
                for (t = 0; t < (long)T; t++)
                    for (i = 0; i < (long)H; i++)
                        for (j = 0; j < (long)W; j++)
                            if (f + t >= 0 && f + t < SC_F && y + i >= 0 && y + i < SC_H && x + j >= 0 && x + j < SC_W)
                                d += (double)k[(t * H + i) * W + j] * e[((f + t) * SC_H + y + i) * SC_W + x + j];
                if (fabs(d) > best) best = fabs(d);
            }
    return best / sqrt(ne * nk + 1e-30);
}

/* Learns K kernels on the scene; corr[e] = the best over kernels of
   min(audio corr, video corr) with AV event e (0, 1). */
static avloc_result learn_scene(const scene *s, size_t K, const avloc_mp_learn_config *lc, double corr[2])
{
    avloc_mp_config c = avloc_mp_config_default();
    avloc_mp_coder coder;
    avloc_mp_dict d;
    size_t ob, sb, lb, k, e, done;
    void *mem, *scr;
    avloc_result r;
    c.kernels = K; c.audio_len = 200; c.kernel_t = 3; c.kernel_h = 4; c.kernel_w = 4;
    c.audio_rate = SC_RATE; c.video_fps = SC_FPS;
    c.audio_samples = SC_NA; c.frames = SC_F; c.height = SC_H; c.width = SC_W;
    if ((r = avloc_mp_coder_query(&c, &ob, &sb)) != AVLOC_OK) return r;
    mem = malloc(ob);
    d.audio = (float *)malloc(K * 200 * sizeof(float));
    d.video = (float *)malloc(K * 48 * sizeof(float));
    if ((r = avloc_mp_coder_init(&coder, &c, mem, ob)) == AVLOC_OK &&
        (r = avloc_mp_learn_query(&coder, lc, &lb)) == AVLOC_OK) {
        scr = malloc(lb);
        r = avloc_mp_learn_f32(&coder, &d, s->mix_a, s->mix_v, lc, scr, lb, &done);
        free(scr);
    }
    for (e = 0; e < 2; e++) {
        corr[e] = 0;
        for (k = 0; k < K && r == AVLOC_OK; k++) {
            double ca = best_corr_audio(d.audio + k * 200, 200, s->audio[e], SC_NA);
            double cv = best_corr_video(d.video + k * 48, 3, 4, 4, s->video[e]);
            double m = ca < cv ? ca : cv;
            if (m > corr[e]) corr[e] = m;
        }
    }
    avloc_mp_coder_destroy(&coder);
    free(mem); free(d.audio); free(d.video);
    return r;
}

/* The synchronous initialisation alone (iters = 0) with one kernel starts it
   on an audio-visual event, not on the loud audio-only pulse next to the big
   silent block. Then learning
   with the defaults recovers both AV events (corr >= 0.9 in both modalities)
   over several seeds, and the paper's uncoupled step keeps them too. */
static void test_learn_scene(void)
{
    scene *s = (scene *)malloc(sizeof *s);
    avloc_mp_learn_config lc = avloc_mp_learn_config_default();
    double corr[2];
    unsigned seed;
    make_scene(s, 1);
    lc.iters = 0;
    CHECK(learn_scene(s, 1, &lc, corr) == AVLOC_OK);
    CHECK_MSG(corr[0] >= 0.9 || corr[1] >= 0.9, "init on an AV event: %.3f %.3f", corr[0], corr[1]);
    for (seed = 1; seed <= 3; seed++) {
        lc = avloc_mp_learn_config_default();
        lc.seed = seed;
        make_scene(s, seed);
        CHECK(learn_scene(s, 5, &lc, corr) == AVLOC_OK);
        CHECK_MSG(corr[0] >= 0.9 && corr[1] >= 0.9, "seed %u: AV1 %.3f AV2 %.3f", seed, corr[0], corr[1]);
    }
    lc.coupled = 0;
    CHECK(learn_scene(s, 5, &lc, corr) == AVLOC_OK);
    CHECK_MSG(corr[0] >= 0.9 && corr[1] >= 0.9, "uncoupled: AV1 %.3f AV2 %.3f", corr[0], corr[1]);
    lc = avloc_mp_learn_config_default();
    lc.init_from_data = 3;
    CHECK(learn_scene(s, 5, &lc, corr) == AVLOC_ERR_PARAM);
    lc.init_from_data = 2; lc.init_power = -1;
    CHECK(learn_scene(s, 5, &lc, corr) == AVLOC_ERR_PARAM);
    free(s);
}

/* The video correlation of kernel k at frame f, position (p, q), written
   out here (the reference of the votes). */
static double votes_dot(const avloc_mp_config *c, const float *dv, const float *video, size_t k, size_t f, size_t p,
                        size_t q)
{
    size_t t, y, x, kv = c->kernel_t * c->kernel_h * c->kernel_w;
    double d = 0;
    for (t = 0; t < c->kernel_t; t++)
        for (y = 0; y < c->kernel_h; y++)
            for (x = 0; x < c->kernel_w; x++)
                d += (double)dv[k * kv + (t * c->kernel_h + y) * c->kernel_w + x] *
                     video[((f + t) * c->height + p + y) * c->width + q + x];
    return d;
}

/* Votes with the synchrony contrast (shift s > 0) against a recomputation
   from the formula of avloc_mp_votes_f32's comment: the correlation at the
   atom's frame less the mean of those s frames before and after that lie
   in the video, summed, negatives to 0. Atoms at frames 0, 2 and 4 of 9
   (3-frame kernels: starts 0..6): s = 1 and 2 ask both sides but frame 0's
   after only, s = 3 one side each, s = 7 neither (the plain votes). */
static void test_votes_sync(const problem *pb, const avloc_mp_atom *at, size_t s)
{
    const avloc_mp_config *c = &pb->cfg;
    size_t nv = c->frames * c->height * c->width, i, p, q, t, hv = c->height - c->kernel_h + 1,
           wv = c->width - c->kernel_w + 1;
    float *votes = (float *)malloc(nv * sizeof(float));
    double *ref = (double *)calloc(nv, sizeof(double)), err = 0, mx = 0;
    CHECK(avloc_mp_votes_f32(c, pb->dv, pb->video, at, 3, s, votes) == AVLOC_OK);
    for (i = 0; i < 3; i++)
        for (p = 0; p < hv; p++)
            for (q = 0; q < wv; q++) {
                size_t f = at[i].frame;
                double off = 0, n = 0, d;
                if (f >= s) { off += fabs(votes_dot(c, pb->dv, pb->video, at[i].k, f - s, p, q)); n++; }
                if (f + s + c->kernel_t <= c->frames) { off += fabs(votes_dot(c, pb->dv, pb->video, at[i].k, f + s, p, q)); n++; }
                d = fabs(at[i].ca) * (fabs(votes_dot(c, pb->dv, pb->video, at[i].k, f, p, q)) - (n > 0 ? off / n : 0));
                for (t = 0; t < c->kernel_t; t++)
                    ref[((f + t) * c->height + p + (c->kernel_h - 1) / 2) * c->width + q + (c->kernel_w - 1) / 2] += d;
            }
    for (i = 0; i < nv; i++) {
        double r = ref[i] > 0 ? ref[i] : 0;
        err = fabs(votes[i] - r) > err ? fabs(votes[i] - r) : err;
        mx = r > mx ? r : mx;
    }
    CHECK_MSG(mx > 0 && err <= 1e-5 * mx, "votes, shift %lu, vs direct: max error %g of %g", (unsigned long)s, err, mx);
    free(votes);
    free(ref);
}

/* A source that moves in step with its atom against one that keeps
   moving: kernel 0's pattern at (row 5, col 7) only at the atom's frames
   3..5, and 1.2 times as strong at (0, 0) over and over (frames 0..2, 3..5,
   6..8). The plain votes peak at the stronger, always-moving one; the
   synchrony contrast with a shift of one kernel length (3 frames), where the
   repeating one matches as well as at the atom's time, at the synchronous
   one. */
static void test_votes_synchrony(const problem *pb)
{
    const avloc_mp_config *c = &pb->cfg;
    size_t nv = c->frames * c->height * c->width, hw = c->height * c->width, t, y, x, g;
    float *vid = (float *)calloc(nv, sizeof(float)), *votes = (float *)malloc(nv * sizeof(float));
    avloc_mp_atom at;
    double u = 0, v = 0;
    for (t = 0; t < c->kernel_t; t++)
        for (y = 0; y < c->kernel_h; y++)
            for (x = 0; x < c->kernel_w; x++) {
                float k0 = pb->dv[(t * c->kernel_h + y) * c->kernel_w + x];
                vid[((3 + t) * c->height + 5 + y) * c->width + 7 + x] = k0;
                for (g = t; g < c->frames; g += c->kernel_t) vid[(g * c->height + y) * c->width + x] = 1.2f * k0;
            }
    memset(&at, 0, sizeof at);
    at.frame = 3; at.ca = 0.5f; at.cv = 0.1f;
    CHECK(avloc_mp_votes_f32(c, pb->dv, vid, &at, 1, 0, votes) == AVLOC_OK);
    CHECK(avloc_mp_locate_frame_f32(votes + 4 * hw, c->height, c->width, 1, 1, &u, &v));
    CHECK_MSG(u == (c->kernel_w - 1) / 2 && v == (c->kernel_h - 1) / 2, "plain votes: peak at (%g, %g)", u, v);
    CHECK(avloc_mp_votes_f32(c, pb->dv, vid, &at, 1, c->kernel_t, votes) == AVLOC_OK);
    CHECK(avloc_mp_locate_frame_f32(votes + 4 * hw, c->height, c->width, 1, 1, &u, &v));
    CHECK_MSG(u == 7 + (c->kernel_w - 1) / 2 && v == 5 + (c->kernel_h - 1) / 2, "synchrony votes: peak at (%g, %g)", u, v);
    free(vid);
    free(votes);
}

/* The plain votes (no contrast) of atoms at[0..3) against a direct
   recomputation, summed in the library's order: a product of two floats is
   exact in double, so every way of adding the dot's terms in that order
   (the SIMD layer's vectors of positions, fused or not, or the scalar loop)
   gives the same bits (under -ffast-math, which may reorder them: within
   1e-6 of the largest vote). */
static void test_votes_plain(const problem *pb, const avloc_mp_atom *at)
{
    const avloc_mp_config *c = &pb->cfg;
    size_t nv = c->frames * c->height * c->width, i, p, q, t, hv = c->height - c->kernel_h + 1,
           wv = c->width - c->kernel_w + 1, differ = 0;
    float *votes = (float *)malloc(nv * sizeof(float)), *ref = (float *)calloc(nv, sizeof(float));
    double mx = 0;
    CHECK(avloc_mp_votes_f32(c, pb->dv, pb->video, at, 3, 0, votes) == AVLOC_OK);
    for (i = 0; i < 3; i++)
        for (p = 0; p < hv; p++)
            for (q = 0; q < wv; q++) {
                double d = votes_dot(c, pb->dv, pb->video, at[i].k, at[i].frame, p, q);
                for (t = 0; t < c->kernel_t; t++)
                    ref[((at[i].frame + t) * c->height + p + (c->kernel_h - 1) / 2) * c->width + q + (c->kernel_w - 1) / 2] +=
                        (float)(fabs(at[i].ca) * fabs(d));
            }
    for (i = 0; i < nv; i++) mx = fabs(ref[i]) > mx ? fabs(ref[i]) : mx;
    for (i = 0; i < nv; i++) /* -ffast-math may reorder the sums: then within 1e-6 */
#ifdef __FAST_MATH__
        differ += fabs(votes[i] - ref[i]) > 1e-6 * mx;
#else
        differ += votes[i] != ref[i];
#endif
    CHECK_MSG(mx > 0 && differ == 0, "plain votes (%lu columns) vs direct: %lu of %lu differ", (unsigned long)wv,
              (unsigned long)differ, (unsigned long)nv);
    free(votes);
    free(ref);
}

/* Votes (avloc_mp_votes_f32) against a direct recomputation written here,
   on videos of 41, 9 and 3 columns of positions (with 8 floats a vector:
   pairs of vectors and a last pair that overlaps them; one vector and one
   that overlaps it; fewer than a vector, the scalar dot; with 4, as the
   mutation check's SSE2 build: pairs and an overlapping pair; a pair and
   an overlapping vector; the scalar dot); on a video
   holding the kernel's pattern at two places, strong and weak, the votes
   peak at the strong one's centre; the synchrony contrast; bad input. */
static void test_votes(void)
{
    problem pb;
    avloc_mp_atom at[3];
    const avloc_mp_config *c;
    size_t nv, i, t, y, x;
    float *votes, *ref, *vid;
    double u = 0, v = 0;
    for (i = 0; i < 3; i++) {
        at[i].k = i; at[i].offset = 0; at[i].frame = 2 * i; at[i].row = at[i].col = 0;
        at[i].ca = (float)(i == 1 ? -0.7 : 0.4 + i); at[i].cv = 0.1f;
    }
    make_problem(&pb, 12, 3, 40, 3, 4, 5, 9, 7, 45);
    test_votes_plain(&pb, at);
    test_votes_sync(&pb, at, 2);
    free_problem(&pb);
    make_problem(&pb, 13, 3, 40, 3, 4, 5, 9, 6, 7);
    test_votes_plain(&pb, at);
    free_problem(&pb);
    make_problem(&pb, 11, 3, 40, 3, 4, 5, 9, 10, 13);
    c = &pb.cfg;
    nv = c->frames * c->height * c->width;
    votes = (float *)malloc(nv * sizeof(float));
    ref = (float *)calloc(nv, sizeof(float));
    vid = (float *)calloc(nv, sizeof(float));
    test_votes_plain(&pb, at);
    test_votes_sync(&pb, at, 1);
    test_votes_sync(&pb, at, 2);
    test_votes_sync(&pb, at, 3);
    test_votes_sync(&pb, at, 7);
    test_votes_synchrony(&pb);
    CHECK_EQ_INT((int)avloc_mp_votes_shift(c), 1);   /* 3 frames: a third */
    {
        avloc_mp_config c10 = *c;
        c10.kernel_t = 10;
        CHECK_EQ_INT((int)avloc_mp_votes_shift(&c10), 3);
        c10.kernel_t = 2;
        CHECK_EQ_INT((int)avloc_mp_votes_shift(&c10), 1); /* at least 1 */
    }
    /* kernel 0's video pattern at (row 5, col 7), and at half strength at (0, 0), frames 3..5 */
    for (t = 0; t < c->kernel_t; t++)
        for (y = 0; y < c->kernel_h; y++)
            for (x = 0; x < c->kernel_w; x++) {
                float k0 = pb.dv[(t * c->kernel_h + y) * c->kernel_w + x];
                vid[((3 + t) * c->height + 5 + y) * c->width + 7 + x] = k0;
                vid[((3 + t) * c->height + y) * c->width + x] = 0.5f * k0;
            }
    at[0].frame = 3;
    CHECK(avloc_mp_votes_f32(c, pb.dv, vid, at, 1, 0, votes) == AVLOC_OK);
    CHECK(avloc_mp_locate_frame_f32(votes + 4 * c->height * c->width, c->height, c->width, 1, 1, &u, &v));
    CHECK_MSG(u == 7 + (c->kernel_w - 1) / 2 && v == 5 + (c->kernel_h - 1) / 2, "peak at (%g, %g)", u, v);
    CHECK(votes[2 * c->height * c->width + 5 * c->width + 7] == 0.0f); /* frame 2: before the atom */
    at[0].row = c->height - c->kernel_h + 1;
    CHECK(avloc_mp_votes_f32(c, pb.dv, vid, at, 1, 2, votes) == AVLOC_ERR_PARAM);
    at[0].row = 0;
    CHECK(avloc_mp_votes_f32(c, pb.dv, NULL, at, 1, 0, votes) == AVLOC_ERR_NULL);
    vid[3] = (float)NAN;
    CHECK(avloc_mp_votes_f32(c, pb.dv, vid, at, 1, 2, votes) == AVLOC_ERR_NONFINITE);
    free(votes); free(ref); free(vid);
    free_problem(&pb);
}

/* Whitening against numpy (tools/gen_goldens_mp.py), two cut-offs. */
static void test_whiten(void)
{
    th_array in = th_golden("mp_whiten_in.npy"), o4 = th_golden("mp_whiten_out.npy"),
             o15 = th_golden("mp_whiten_out015.npy");
    size_t sb = 0, i, c;
    void *scr;
    CHECK(in.n == 3 * 9 * 12 && o4.n == in.n && o15.n == in.n);
    if (in.n != 3 * 9 * 12 || o4.n != in.n || o15.n != in.n) return;
    CHECK(avloc_mp_whiten_query(9, 12, &sb) == AVLOC_OK);
    scr = malloc(sb);
    for (c = 0; c < 2; c++) {
        float *x = th_to_f32(&in);
        const th_array *ref = c ? &o15 : &o4;
        double e = 0, nrm = 0;
        CHECK(avloc_mp_whiten_f32(x, 3, 9, 12, c ? 0.15 : 0.4, scr, sb) == AVLOC_OK);
        for (i = 0; i < in.n; i++) {
            e += (x[i] - ref->data[i]) * (x[i] - ref->data[i]);
            nrm += ref->data[i] * ref->data[i];
        }
        CHECK_MSG(sqrt(e / nrm) < 1e-5, "whiten f0 case %zu rel err %g", c, sqrt(e / nrm));
        if (c == 0) {
            CHECK(avloc_mp_whiten_f32(x, 3, 9, 12, 0.4, scr, sb - 1) == AVLOC_ERR_WORKSPACE);
            CHECK(avloc_mp_whiten_f32(x, 3, 9, 12, 0.0, scr, sb) == AVLOC_ERR_PARAM);
            CHECK(avloc_mp_whiten_f32(x, 0, 9, 12, 0.4, scr, sb) == AVLOC_ERR_SIZE);
            CHECK(avloc_mp_whiten_f32(NULL, 3, 9, 12, 0.4, scr, sb) == AVLOC_ERR_NULL);
            CHECK(avloc_mp_whiten_query(0, 12, &sb) == AVLOC_ERR_SIZE);
        }
        free(x);
    }
    free(scr);
    th_free(&in); th_free(&o4); th_free(&o15);
}

int main(int argc, char **argv)
{
    th_verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    test_fast_equals_naive();
    test_single_atom();
    test_bad_input();
    test_whiten();
    test_learn_scene();
    test_votes();
    return th_finish("test_mp");
}
