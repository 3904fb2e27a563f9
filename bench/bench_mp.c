/* bench/bench_mp.c - AV-MP coding speed: the fast coder (tables and
   low-memory modes) against the naive reference coder in the same run.

   Problem of the paper's speech experiment: 10 s of 8 kHz audio and 35x55
   video at 29.97 fps, 30 kernels of 2670 audio samples and 12x12x10 video,
   200 atoms. The signal is a sum of 60 random atoms of a random dictionary
   plus noise. The naive coder does a full rescan per atom, so its per-atom
   time is constant: it is timed on a few atoms and scaled to 200 (printed as
   such). Times are processor time (cpu_s), best of `reps`; atoms per second
   after the first pass: 199 / (200-atom call -
   1-atom call) in the same rep, both after an untimed 1-atom call, the
   median over reps.

   With threads > 1 the coder runs its updates over a pool of that many
   workers (examples/avloc_pool.h; avloc_mp_config.threads): times are then
   wall-clock (now_s), and the atoms are checked against a one-thread run.

   The coder's object and scratch come from avloc_io_alloc_large, as in the
   `avloc avmp` commands: 2 MB-aligned and on transparent huge pages. With a
   plain malloc (4 KB pages) the updates ran 5-10 % slower here (session 34):
   each atom's update walks ~900 short runs of the maps and tables, spread
   over ~120 MB, and the page walks show. BENCH_MP_MALLOC=1 (environment)
   takes plain malloc, to compare.

   Then the localisation's votes (avloc_mp_votes_f32) on the 200 coded
   atoms, plain and with the default synchrony contrast, timed against the
   scalar correlation loops they used before (processor time, best of up
   to 3).

   usage: bench_mp [seconds=10] [naive_atoms=1] [reps=3] [modes=2: tables, low memory] [threads=1] */
#define _DEFAULT_SOURCE /* madvise, posix_memalign: avloc_io_alloc_large */
#include "bench_util.h"
#define AVLOC_IMPLEMENTATION
#include "../avloc_mp.h"
#include "../examples/avloc_pool.h"
#define AVLOC_IO_STATIC
#define AVLOC_IO_IMPLEMENTATION
#include "../examples/avloc_io.h"
#include <stdio.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The coder's memory: as the CLI takes it, or plain malloc on request. */
static int plain_malloc(void)
{
    const char *e = getenv("BENCH_MP_MALLOC");
    return e && *e == '1';
}

static void *coder_alloc(size_t n)
{
    return plain_malloc() ? malloc(n) : avloc_io_alloc_large(n);
}

static unsigned long long st = 88172645463325252ULL;
static float nrand(void)
{
    double s = 0;
    int i;
    for (i = 0; i < 3; i++) {
        st ^= st << 13; st ^= st >> 7; st ^= st << 17;
        s += (double)(st >> 11) / 9007199254740992.0;
    }
    return (float)(2.0 * (s - 1.5));
}

/* The machine's streaming bandwidth, measured as the update moves memory:
   y -= a x over two 256 MB arrays (past any cache the VM's cores may
   share: it reports a 512 MB L3, of which its cores see some), three streams
   (read x, read y, write y), cut into one contiguous range per worker;
   the median of 9 passes, as the atoms/s are a median (on this VM single
   passes ranged over 2x). The updates are this operation on short runs. */
typedef struct stream_job { float *x, *y; size_t n, parts; } stream_job;

#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("tree-vectorize"))) /* gcc 12's -O2 leaves it scalar: ~25 GB/s on one worker here, not the memory's rate */
#endif
static void stream_task(void *ctx, size_t task, size_t worker)
{
    const stream_job *j = (const stream_job *)ctx;
    size_t i, i1 = (task + 1) * j->n / j->parts;
    (void)worker;
    for (i = task * j->n / j->parts; i < i1; i++) j->y[i] -= 0.5f * j->x[i];
}

static double stream_gbps(const avloc_threads *th)
{
    stream_job j;
    size_t i, pass;
    double t[9];
    j.n = (size_t)64 << 20; /* 256 MB of floats each */
    j.parts = avloc_threads_workers(th);
    j.x = (float *)coder_alloc(j.n * sizeof(float));
    j.y = (float *)coder_alloc(j.n * sizeof(float));
    if (!j.x || !j.y) { free(j.x); free(j.y); return 0.0; }
    for (i = 0; i < j.n; i++) { j.x[i] = 1.0f; j.y[i] = 0.0f; }
    for (pass = 0; pass < 9; pass++) {
        double t0 = now_s();
        avloc_threads_run(th, stream_task, &j, j.parts);
        t[pass] = now_s() - t0;
    }
    free(j.x); free(j.y);
    qsort(t, 9, sizeof *t, cmp_double);
    return 3.0 * (double)j.n * sizeof(float) / t[4] / 1e9;
}

/* The votes' correlations as avloc_mp_votes_f32 summed them until session
   38: the header's scalar dot (avloc__mp_dot_video, now only the rest of a
   row narrower than a vector) at every position and frame asked (the
   atom's, and s before and after it inside the video when s > 0). The
   baseline of the votes' timing; returns the sum of |C| so the loops are
   kept. */
static double votes_scalar_dots(const avloc_mp_config *c, const float *kvid, const avloc_mp_atom *at, size_t n,
                                size_t s, const float *video)
{
    size_t kv = c->kernel_t * c->kernel_h * c->kernel_w, i, p, q, g;
    double total = 0;
    for (i = 0; i < n; i++)
        for (g = 0; g < 3; g++) {
            size_t f = at[i].frame;
            if (g == 1 && (s == 0 || f < s)) continue;
            if (g == 2 && (s == 0 || s > c->frames - c->kernel_t - f)) continue;
            f = g == 0 ? f : g == 1 ? f - s : f + s;
            for (p = 0; p + c->kernel_h <= c->height; p++)
                for (q = 0; q + c->kernel_w <= c->width; q++)
                    total += fabs(avloc__mp_dot_video(c, video, kvid + at[i].k * kv, f, p, q));
        }
    return total;
}

/* avloc_mp_votes_f32 on the coded atoms, plain and with the default
   synchrony contrast, against the scalar loops it replaced; best of reps. */
static void bench_votes(const avloc_mp_config *c, const float *kvid, const float *video, const avloc_mp_atom *at,
                        size_t n, int reps)
{
    float *votes = (float *)malloc(c->frames * c->height * c->width * sizeof(float));
    size_t shifts[2], k;
    int rep;
    shifts[0] = 0;
    shifts[1] = avloc_mp_votes_shift(c);
    for (k = 0; k < 2; k++) {
        double best = 1e30, best_scalar = 1e30, sum = 0;
        for (rep = 0; rep < reps; rep++) {
            double t0 = cpu_s(), t1, t2;
            if (avloc_mp_votes_f32(c, kvid, video, at, n, shifts[k], votes) != AVLOC_OK) break;
            t1 = cpu_s();
            sum += votes_scalar_dots(c, kvid, at, n, shifts[k], video);
            t2 = cpu_s();
            if (t1 - t0 < best) best = t1 - t0;
            if (t2 - t1 < best_scalar) best_scalar = t2 - t1;
        }
        printf("  votes of the %zu atoms, shift %zu: %.3f s; the scalar correlations they replaced: %.3f s (%.1fx)%s\n",
               n, shifts[k], best, best_scalar, best_scalar / best, sum > 0 ? "" : " (no correlation?)");
    }
    free(votes);
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 10.0;
    size_t naive_atoms = argc > 2 ? (size_t)atoi(argv[2]) : 1;
    int reps = argc > 3 ? atoi(argv[3]) : 3, modes = argc > 4 ? atoi(argv[4]) : 2, rep, mode;
    size_t threads = argc > 5 ? (size_t)atoi(argv[5]) : 1;
    double (*clk)(void) = threads > 1 ? now_s : cpu_s;
    avloc_pool pool;
    avloc_mp_config c = avloc_mp_config_default();
    avloc_mp_dict d;
    size_t i, na, nv, kv, nr, n1 = 0, n = 0;
    float *audio, *video, *ra, *rv;
    avloc_mp_atom *atoms = (avloc_mp_atom *)malloc(200 * sizeof *atoms);
    avloc_mp_atom *natoms = (avloc_mp_atom *)malloc(200 * sizeof *natoms);
    double t_naive = 1e30;
    if (reps < 1) reps = 1;
    if (threads > 1) threads = avloc_pool_init(&pool, threads);
    c.kernels = 30; c.audio_len = 2670; c.kernel_t = 10; c.kernel_h = 12; c.kernel_w = 12;
    c.audio_rate = 8000; c.video_fps = 29.97;
    c.audio_samples = (size_t)(secs * 8000);
    c.frames = (size_t)(secs * 29.97);
    c.height = 35; c.width = 55;
    kv = 10 * 12 * 12;
    na = c.audio_samples;
    nv = c.frames * 35 * 55;
    d.audio = (float *)malloc(30 * 2670 * sizeof(float));
    d.video = (float *)malloc(30 * kv * sizeof(float));
    audio = (float *)malloc(na * sizeof(float)); video = (float *)malloc(nv * sizeof(float));
    ra = (float *)malloc(na * sizeof(float)); rv = (float *)malloc(nv * sizeof(float));
    for (i = 0; i < 30 * 2670; i++) d.audio[i] = nrand();
    for (i = 0; i < 30 * kv; i++) d.video[i] = nrand();
    avloc_mp_dict_normalize(&c, &d);
    for (i = 0; i < na; i++) audio[i] = 0.01f * nrand();
    for (i = 0; i < nv; i++) video[i] = 0.01f * nrand();
    if (avloc_mp_positions(&c, &nr, NULL) != AVLOC_OK) return 1;
    for (i = 0; i < 60; i++) { /* add 60 atoms */
        avloc_mp_atom at;
        st ^= st << 13; st ^= st >> 7; st ^= st << 17;
        at.k = (size_t)(st % 30); at.offset = (size_t)((st >> 8) % nr);
        at.frame = avloc_mp_frame_of(&c, at.offset);
        at.row = (size_t)((st >> 24) % 24); at.col = (size_t)((st >> 32) % 44);
        at.ca = -(1.0f + (float)(i % 7) * 0.3f); at.cv = -(1.0f + (float)(i % 5) * 0.4f);
        avloc__mp_subtract(&c, d.audio + at.k * 2670, d.video + at.k * kv, &at, audio, video);
    }
    printf("AV-MP coding: %.1f s, %zu audio samples, %zu frames 35x55, K=30, La=2670, 12x12x10, "
           "%zu audio offsets\n", secs, na, c.frames, nr);
    for (mode = 0; mode < modes; mode++) {
        avloc_mp_coder coder;
        size_t ob, sb;
        void *mem, *scr;
        double t_tab = 1e30, t_first = 1e30, t_all = 1e30, t_upd, d_upd[64];
        c.low_memory = mode;
        memset(&c.threads, 0, sizeof c.threads);
        if (threads > 1) { /* the serial atoms first, to compare */
            if (avloc_mp_coder_query(&c, &ob, &sb) != AVLOC_OK) return 1;
            mem = coder_alloc(ob); scr = coder_alloc(sb);
            avloc_mp_coder_init(&coder, &c, mem, ob);
            avloc_mp_coder_set_dict(&coder, &d, scr, sb);
            avloc_mp_code_f32(&coder, audio, video, 200, 0.0f, natoms, &n, ra, rv, scr, sb);
            avloc_mp_coder_destroy(&coder);
            free(mem); free(scr);
            c.threads = pool.th;
        }
        if (avloc_mp_coder_query(&c, &ob, &sb) != AVLOC_OK) return 1;
        mem = coder_alloc(ob); scr = coder_alloc(sb);
        avloc_mp_coder_init(&coder, &c, mem, ob);
        for (rep = 0; rep < reps; rep++) {
            double t0 = clk(), t1, t2, t3;
            avloc_mp_coder_set_dict(&coder, &d, scr, sb);
            /* an untimed 1-atom call first: the timed pair must start from the
               same cache state. Timed straight after set_dict, the 1-atom
               call's first pass ran 5-10 ms slower than the 200-atom call's,
               and the difference overstated the atoms/s by ~30 % (session 20) */
            avloc_mp_code_f32(&coder, audio, video, 1, 0.0f, atoms, &n1, ra, rv, scr, sb);
            t1 = clk();
            avloc_mp_code_f32(&coder, audio, video, 1, 0.0f, atoms, &n1, ra, rv, scr, sb);
            t2 = clk();
            avloc_mp_code_f32(&coder, audio, video, 200, 0.0f, atoms, &n, ra, rv, scr, sb);
            t3 = clk();
            if (t1 - t0 < t_tab) t_tab = t1 - t0;
            if (t2 - t1 < t_first) t_first = t2 - t1;
            if (t3 - t2 < t_all) t_all = t3 - t2;
            /* after the first pass: paired within a rep (the first pass alone
               varies by +-10 ms under load, about what 199 updates take) */
            d_upd[rep % 64] = (t3 - t2) - (t2 - t1);
        }
        qsort(d_upd, (size_t)(reps < 64 ? reps : 64), sizeof *d_upd, cmp_double);
        t_upd = d_upd[(reps < 64 ? reps : 64) / 2]; /* the median: the minimum of differences is biased */
        printf("fast (%s): object %.1f MB (tables %.1f MB), scratch %.1f MB (%s)\n",
               mode ? "low memory" : "tables", ob / 1e6, coder.table_bytes / 1e6, sb / 1e6,
               plain_malloc() ? "malloc" : "huge pages");
        if (threads > 1) {
            size_t same = 1;
            for (i = 0; i < n; i++)
                same &= natoms[i].k == atoms[i].k && natoms[i].offset == atoms[i].offset &&
                        natoms[i].row == atoms[i].row && natoms[i].col == atoms[i].col &&
                        natoms[i].ca == atoms[i].ca && natoms[i].cv == atoms[i].cv;
            printf("  %u workers (wall-clock times below); the one-thread run's %zu atoms: %s\n", (unsigned)threads, n,
                   same ? "identical" : "DIFFERENT");
        }
        printf("  set_dict (tables, once per dictionary): %.3f s\n", t_tab);
        {   /* the reps' spread too: the paired difference moves with the machine's phase. A rep
               whose 1-atom call's first pass ran longer than the whole 200-atom call has no
               rate (it printed a negative one): counted apart */
            size_t nr = (size_t)(reps < 64 ? reps : 64), i0 = 0;
            while (i0 + 1 < nr && !(d_upd[i0] > 0)) i0++;
            printf("  code 200 atoms: %.3f s (first pass %.3f s; %.0f atoms/s after it, median of %zu reps: %.0f-%.0f",
                   t_all, t_first, (double)(n - 1) / t_upd, nr, (double)(n - 1) / d_upd[nr - 1],
                   (double)(n - 1) / d_upd[i0]);
            if (i0) printf("; %zu reps without a rate", i0);
            printf("); %zu atoms\n", n);
        }
        if (mode == 0) { /* the update's memory-bound ceiling on this machine */
            double mb = 3.0 * sizeof(float) * (double)coder.kp * (double)(coder.lag_a + coder.lag_v) / 1e6;
            double gbps = stream_gbps(&c.threads);
            printf("  memory bound: a central atom's update moves %.1f MB (maps read and written, table read);"
                   " y -= a x streams %.1f GB/s on %u worker(s): at most %.0f atoms/s if nothing were cached\n",
                   mb, gbps, (unsigned)avloc_threads_workers(&c.threads), gbps * 1e3 / mb);
        }
        if (mode == 0) bench_votes(&c, d.video, video, atoms, n, reps < 3 ? reps : 3);
        if (mode == 0 && naive_atoms > 0 && threads <= 1) {
            double t0 = cpu_s();
            size_t nn = 0, same = 1;
            avloc_mp_code_naive_f32(&c, &d, audio, video, naive_atoms, 0.0f, natoms, &nn, ra, rv);
            t_naive = (cpu_s() - t0) / (double)naive_atoms;
            for (i = 0; i < nn; i++)
                same &= natoms[i].k == atoms[i].k && natoms[i].offset == atoms[i].offset &&
                        natoms[i].row == atoms[i].row && natoms[i].col == atoms[i].col;
            printf("naive: %.3f s per atom (timed on %zu), 200 atoms = %.1f s (scaled); same first %zu atoms: %s\n",
                   t_naive, naive_atoms, 200 * t_naive, nn, same ? "yes" : "NO");
            printf("  speed-up, 200 atoms, fast (tables, coding only) vs naive: %.0fx; incl. set_dict: %.0fx\n",
                   200 * t_naive / t_all, 200 * t_naive / (t_all + t_tab));
        }
        avloc_mp_coder_destroy(&coder);
        free(mem); free(scr);
    }
    free(d.audio); free(d.video); free(audio); free(video); free(ra); free(rv); free(atoms); free(natoms);
    if (threads > 1) avloc_pool_uninit(&pool);
    return 0;
}
