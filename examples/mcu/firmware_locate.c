/* examples/mcu/firmware_locate.c - binaural sound localisation on a
   Cortex-M4F: a stereo stream arrives through a DMA ping-pong buffer, each
   hop of samples completes an analysis frame (streaming STFT: the last n_fft
   samples of each ear), the frame's binaural features (ILD, IPD) are added
   to float32 GLLiM statistics, and every FRAMES_PER_BLOCK frames the float32
   Theorem-1 posterior gives the pixel of the sound; the model lives in flash
   as const tables (fw_model.h, written by tools/m4/gen_gllim_header.c from a
   model file), the window too.

   The DMA is simulated, the rest is what a firmware runs: the board's tick
   interrupt (board.h) plays the DMA controller of an I2S peripheral, moving
   the next hop of interleaved int16 stereo samples of a const test signal
   into the half of the buffer it has just "filled" and calling the
   half-transfer / transfer-complete callbacks (the STM32 HAL's
   HAL_I2S_RxHalfCpltCallback / RxCpltCallback). The tick period is the
   hop's duration on a 168 MHz core at one instruction per cycle
   (FW_CPU_HZ): under qemu -icount shift=0 (1 instruction = 1 ns) a
   firmware too slow for that core loses halves, which is counted
   (overruns) and fails the run.

   It checks itself: every position is compared with what the double path
   on the host gave for the same signal (fw_expected, from the generator);
   the run fails when one differs by more than FW_TOL_PX pixels. Output
   (semihosting): one line per block, then the cost in instructions.
   Build and run: tools/ci_m4.sh (docs/mcu.md).

   Nothing is computed with double precision: the window and the FFT roots
   come from fw_model.h's window table (its fft field), and
   AVLOC_TABLES_ONLY keeps the library's compute-at-init fallbacks (double
   cos/sin) out of the *_init_tables calls, so the firmware links no
   __aeabi_d* helper and no double libm (tools/ci_m4.sh checks it). */
#define AVLOC_TABLES_ONLY
#define AVLOC_IMPLEMENTATION
#include "avloc_gllim.h"
#include <string.h>
#include "fw_model.h"
#include "board.h"

#define HOP fw_HOP
#define NFFT fw_N_FFT
#define D fw_D
#ifndef FW_CPU_HZ
#define FW_CPU_HZ 168000000u /* STM32F407 */
#endif
#ifndef FW_TOL_PX
#define FW_TOL_PX 0.05f /* float32 path against the host's double one (measured: < 0.001 px) */
#endif
#ifndef FW_ARENA_BYTES
#define FW_ARENA_BYTES (65u * 1024u) /* 64.8 KB used by the demo model's configuration */
#endif
#if NFFT % HOP != 0
#error "the firmware assumes n_fft is a multiple of the hop"
#endif

/* ----------------------------------------------------- the DMA (simulated) */

static volatile int16_t dma_buf[2][2 * HOP]; /* ping-pong halves, interleaved L R */
static volatile uint8_t half_ready[2];       /* set by the callbacks, cleared when copied out */
static volatile uint32_t overruns;           /* halves refilled before they were copied out */
static volatile uint8_t stream_end;
static uint32_t sig_pos; /* next stereo sample of the test signal (tick interrupt only) */

/* the DMA starts refilling the other half as soon as one completes: that
   one must have been copied out by then */
static void dma_completed(int h)
{
    if (half_ready[1 - h]) overruns++;
    half_ready[h] = 1;
}
static void rx_half_cplt_callback(void) { dma_completed(0); }
static void rx_cplt_callback(void) { dma_completed(1); }

void fw_tick(void)
{
    const int h = (int)((sig_pos / HOP) & 1u);
    uint32_t i;
    if (sig_pos + HOP > fw_SIGNAL_FRAMES) {
        stream_end = 1;
        return;
    }
    for (i = 0; i < 2 * HOP; i++) dma_buf[h][i] = fw_signal[2 * sig_pos + i];
    sig_pos += HOP;
    if (h == 0) rx_half_cplt_callback();
    else rx_cplt_callback();
}

/* ------------------------------------------------------------ output */

static void put_uint(uint32_t v)
{
    char b[12];
    int i = 11;
    b[i] = 0;
    do { b[--i] = (char)('0' + v % 10u); v /= 10u; } while (v);
    board_puts(b + i);
}

/* v with two decimals (|v| < 4e7) */
static void put_fixed2(float v)
{
    uint32_t c;
    char b[4] = {'.', 0, 0, 0};
    if (v < 0.0f) { board_puts("-"); v = -v; }
    c = (uint32_t)(v * 100.0f + 0.5f);
    put_uint(c / 100u);
    b[1] = (char)('0' + (c / 10u) % 10u);
    b[2] = (char)('0' + c % 10u);
    board_puts(b);
}

/* ------------------------------------------------------------ the firmware */

static float ring_l[2 * NFFT], ring_r[2 * NFFT]; /* each sample at i and i + NFFT: the
                                                     last NFFT are always contiguous */
static float feat[D];
static unsigned char mask[D];
static unsigned char arena[FW_ARENA_BYTES] __attribute__((aligned(64)));
static size_t arena_used;

static void *arena_take(size_t bytes)
{
    size_t at = (arena_used + 63u) & ~(size_t)63u;
    if (bytes > sizeof arena || at > sizeof arena - bytes) return NULL;
    arena_used = at + bytes;
    return arena + at;
}

typedef struct fw_state {
    avloc_gllim_model_f32 model;
    avloc_binaural_plan_f32 plan;
    avloc_gllim_stats_f32 block;
    avloc_gllim_post_f32 post;
    void *scratch;
    size_t scratch_bytes, wpos, frames, samples, blocks_done;
    float worst_px;
    uint32_t t_feat, t_stats, t_post, n_post, busiest;
} fw_state;

static int fw_fail(const char *what)
{
    board_puts("fw: init failed: ");
    board_puts(what);
    board_puts("\n");
    return 0;
}

static int fw_init(fw_state *s)
{
    avloc_binaural_config bc = fw_signal_feat();
    size_t pb = 0, stb = 0, qb = 0;
    void *pm, *m1, *m3;
    fw_model_init(&s->model);
    if (avloc_gllim_model_f32_check(&s->model) != AVLOC_OK) return fw_fail("model tables");
    if (avloc_binaural_plan_query_f32(&bc, &pb) != AVLOC_OK ||
        avloc_binaural_plan_scratch_f32(&bc, NFFT, &s->scratch_bytes) != AVLOC_OK ||
        avloc_gllim_stats_f32_query(D, &stb) != AVLOC_OK || avloc_gllim_post_f32_query(&s->model, &qb) != AVLOC_OK)
        return fw_fail("sizes");
    pm = arena_take(pb);
    s->scratch = arena_take(s->scratch_bytes);
    m1 = arena_take(stb);
    m3 = arena_take(qb);
    if (!pm || !s->scratch || !m1 || !m3) return fw_fail("FW_ARENA_BYTES too small");
    if (avloc_binaural_plan_init_tables_f32(&s->plan, &bc, &fw_window_table, pm, pb) != AVLOC_OK)
        return fw_fail("binaural plan");
    return avloc_gllim_stats_f32_init(&s->block, D, m1, stb) == AVLOC_OK &&
           avloc_gllim_post_f32_init(&s->post, &s->model, m3, qb) == AVLOC_OK;
}

/* the posterior of st, printed next to the host's double answer e */
static int fw_report(fw_state *s, const avloc_gllim_stats_f32 *st, size_t e, const char *what)
{
    uint32_t t0 = board_ticks();
    avloc_result r = avloc_gllim_posterior_from_stats_f32(&s->model, st, &s->post);
    float du, dv, dev;
    s->t_post += board_ticks() - t0;
    s->n_post++;
    board_puts(what);
    if (r == AVLOC_NO_ACTIVE_POINTS) {
        board_puts(" no active point");
        board_puts(fw_expected[e].active == 0 ? " (host: none)\n" : " (host: some!)\n");
        return fw_expected[e].active == 0;
    }
    if (r != AVLOC_OK || fw_expected[e].active == 0) {
        board_puts(" error\n");
        return 0;
    }
    du = s->post.mean[0] - fw_expected[e].u;
    dv = s->post.mean[1] - fw_expected[e].v;
    dev = (du < 0 ? -du : du) > (dv < 0 ? -dv : dv) ? (du < 0 ? -du : du) : (dv < 0 ? -dv : dv);
    if (dev > s->worst_px) s->worst_px = dev;
    board_puts(" u ");
    put_fixed2(s->post.mean[0]);
    board_puts(" v ");
    put_fixed2(s->post.mean[1]);
    board_puts(" px, active ");
    put_uint((uint32_t)s->post.n_active);
    board_puts(" (host double: ");
    put_fixed2(fw_expected[e].u);
    board_puts(" ");
    put_fixed2(fw_expected[e].v);
    board_puts(", ");
    put_uint((uint32_t)fw_expected[e].active);
    board_puts(")\n");
    return dev <= FW_TOL_PX;
}

/* one DMA half: copy it out (the DMA refills it one hop later), then the
   frame it completes */
static int fw_half(fw_state *s, int h)
{
    size_t i, na = 0;
    uint32_t t0, t1;
    for (i = 0; i < HOP; i++) {
        const float l = (float)dma_buf[h][2 * i] * (1.0f / 32768.0f), r = (float)dma_buf[h][2 * i + 1] * (1.0f / 32768.0f);
        ring_l[s->wpos] = ring_l[s->wpos + NFFT] = l;
        ring_r[s->wpos] = ring_r[s->wpos + NFFT] = r;
        s->wpos = s->wpos + 1 == NFFT ? 0 : s->wpos + 1;
    }
    half_ready[h] = 0;
    s->samples += HOP;
    if (s->samples < NFFT) return 1;
    t0 = board_ticks();
    if (avloc_binaural_plan_features_f32(&s->plan, ring_l + s->wpos, ring_r + s->wpos, NFFT, feat, mask, 1, &na,
                                         s->scratch, s->scratch_bytes) != AVLOC_OK)
        return 0;
    t1 = board_ticks();
    s->t_feat += t1 - t0;
    if (avloc_gllim_stats_f32_add(&s->block, feat, mask, 1, 1) != AVLOC_OK) return 0;
    s->t_stats += board_ticks() - t1;
    s->frames++;
    if (s->frames % fw_FRAMES_PER_BLOCK == 0 && s->blocks_done < fw_N_BLOCKS) {
        /* the block's end time: its last frame's last sample */
        uint32_t ms = (uint32_t)(((s->frames - 1) * HOP + NFFT) * 1000u / (uint32_t)fw_signal_feat().sample_rate);
        board_puts("t ");
        put_uint(ms);
        board_puts(" ms:");
        if (!fw_report(s, &s->block, s->blocks_done, "")) return 0;
        avloc_gllim_stats_f32_reset(&s->block);
        s->blocks_done++;
    }
    i = board_ticks() - t0;
    if (i > s->busiest) s->busiest = (uint32_t)i;
    return 1;
}

static fw_state st;

int main(void)
{
    const uint32_t hop_ticks = (uint32_t)((uint64_t)HOP * FW_CPU_HZ / BOARD_INSN_PER_TICK /
                                          (uint32_t)fw_signal_feat().sample_rate);
    int ok = 1;
    uint32_t audio_ms, per_s;
    if (!fw_init(&st)) return 1;
    board_puts("fw: model K ");
    put_uint(fw_K);
    board_puts(", D ");
    put_uint(fw_D);
    board_puts(" in flash; n_fft ");
    put_uint(NFFT);
    board_puts(", hop ");
    put_uint(HOP);
    board_puts("; arena ");
    put_uint((uint32_t)arena_used);
    board_puts(" bytes used\n");
    board_start_tick(hop_ticks);
    while (ok) {
        int h = -1;
        board_irq_off(); /* look at the flags and sleep without missing a tick */
        if (half_ready[0] && half_ready[1]) h = (int)(((sig_pos / HOP) & 1u)); /* the older one */
        else if (half_ready[0]) h = 0;
        else if (half_ready[1]) h = 1;
        else if (!stream_end) board_wait(); /* woken by the tick even with interrupts masked */
        board_irq_on();
        if (h >= 0) ok = fw_half(&st, h);
        else if (stream_end) break;
    }
    board_stop_tick();
    audio_ms = (uint32_t)((uint64_t)fw_SIGNAL_FRAMES * 1000u / (uint32_t)fw_signal_feat().sample_rate);
    per_s = 1000u * BOARD_INSN_PER_TICK / audio_ms; /* ticks -> instructions per second of audio */
    board_puts("fw: frames ");
    put_uint((uint32_t)st.frames);
    board_puts(", posteriors ");
    put_uint(st.n_post);
    board_puts(", worst deviation from the host ");
    put_uint((uint32_t)(st.worst_px * 1000.0f + 0.5f));
    board_puts(" mpx (tolerance ");
    put_uint((uint32_t)(FW_TOL_PX * 1000.0f + 0.5f));
    board_puts("), overruns ");
    put_uint(overruns);
    board_puts("\nfw: instructions per second of audio: features ");
    put_uint(st.t_feat * per_s);
    board_puts(", statistics ");
    put_uint(st.t_stats * per_s);
    board_puts(", posteriors ");
    put_uint(st.t_post * per_s);
    board_puts(" (");
    put_uint(st.t_post * BOARD_INSN_PER_TICK / (st.n_post ? st.n_post : 1));
    board_puts(" each); busiest hop ");
    put_uint(st.busiest * BOARD_INSN_PER_TICK);
    board_puts(" of ");
    put_uint(hop_ticks * BOARD_INSN_PER_TICK);
    board_puts("\n");
    if (overruns) ok = 0;
    board_puts(ok ? "fw: PASS\n" : "fw: FAIL\n");
    return ok ? 0 : 1;
}
