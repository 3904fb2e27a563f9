/* tests/test_nn.c - avloc_nn.h: every op and option combination and small
   whole networks against torch (goldens from tools/gen_goldens_nn.py), the
   exact memory contract (guard bytes, NaN-poisoned arena and scratch, one
   byte less refused), misaligned weights, hostile graphs naming the node,
   truncation at every byte and a mutation fuzz of the graph JSON. */
/* Small im2col/col2im tiles (16 to 64 columns): tiles start and end inside grid
   rows, so the tiled paths are what the goldens check. */
#define AVLOC_NN_TILE_BYTES 4096u
#ifndef AVLOC_STATIC /* only what this program calls is compiled (docs/CONTRIBUTING.md, "CI time") */
#define AVLOC_STATIC 1
#endif
#define AVLOC_IMPLEMENTATION
#include "../avloc_nn.h"
#include "harness.h"

#define GUARD 64
#define GUARD_BYTE 0xA5

static unsigned char *load(const char *name, size_t *size)
{
    char path[256];
    snprintf(path, sizeof path, "nn/%s", name);
    return th_golden_bytes(path, 8, size);
}

/* A block of n bytes between guards; contents poisoned with NaN bits. */
static unsigned char *guarded(size_t n)
{
    unsigned char *b = (unsigned char *)malloc(n + 2 * GUARD);
    size_t i;
    memset(b, GUARD_BYTE, GUARD);
    memset(b + GUARD + n, GUARD_BYTE, GUARD);
    for (i = 0; i < n; i++) b[GUARD + i] = (i & 3) == 3 ? 0x7f : 0xff; /* 0x7fffffff: NaN */
    return b;
}

static int guards_ok(const unsigned char *b, size_t n)
{
    size_t i;
    for (i = 0; i < GUARD; i++)
        if (b[i] != GUARD_BYTE || b[GUARD + n + i] != GUARD_BYTE) return 0;
    return 1;
}

static double max_err_scaled(const float *y, const float *ref, size_t n)
{
    double scale = 1e-6, err = 0.0;
    size_t i;
    for (i = 0; i < n; i++) if (fabs(ref[i]) > scale) scale = fabs(ref[i]);
    for (i = 0; i < n; i++) {
        double e = fabs((double)y[i] - ref[i]);
        if (!(e <= err)) err = e; /* NaN counts */
    }
    return err / scale;
}

/* Runs net on the io vectors; returns the worst scaled error (or 1e9). */
/* ab, sb: the arena and scratch bytes avloc_nn_query_sizes gave. */
static double run_case(const avloc_nn *net, const avloc_st_reader *io, int strict_memory, size_t ab, size_t sb)
{
    const float *in[8];
    float *out[8], *ref[8];
    unsigned char *arena = guarded(ab), *scratch = guarded(sb);
    size_t k, nref[8];
    char name[16];
    double worst = 0.0;
    avloc_result rc;
    if (net->n_inputs > 8 || net->n_outputs > 8) return 1e9;
    for (k = 0; k < net->n_inputs; k++) {
        avloc_nn_tensor_info ti;
        float *x;
        avloc_nn_input_info(net, k, &ti);
        x = (float *)malloc(ti.numel * sizeof(float));
        snprintf(name, sizeof name, "in%u", (unsigned)k);
        CHECK(avloc_st_read_f32(io, name, x, ti.numel) == AVLOC_OK);
        in[k] = x;
    }
    for (k = 0; k < net->n_outputs; k++) {
        avloc_nn_tensor_info ti;
        avloc_nn_output_info(net, k, &ti);
        nref[k] = ti.numel;
        out[k] = (float *)malloc(ti.numel * sizeof(float));
        memset(out[k], 0xff, ti.numel * sizeof(float));
        ref[k] = (float *)malloc(ti.numel * sizeof(float));
        snprintf(name, sizeof name, "out%u", (unsigned)k);
        CHECK(avloc_st_read_f32(io, name, ref[k], ti.numel) == AVLOC_OK);
    }
    rc = avloc_nn_run_f32(net, in, out, arena + GUARD, ab, scratch + GUARD, sb);
    CHECK_EQ_INT(rc, AVLOC_OK);
    for (k = 0; k < net->n_outputs; k++) {
        double e = max_err_scaled(out[k], ref[k], nref[k]);
        if (!(e <= worst)) worst = e;
    }
    CHECK(guards_ok(arena, ab));
    CHECK(guards_ok(scratch, sb));
    if (strict_memory) {
        /* the highest arena bytes were used: the size is not over-reported */
        if (ab) {
            size_t i, touched = 0;
            for (i = ab - 4; i < ab; i++) touched |= arena[GUARD + i] != ((i & 3) == 3 ? 0x7f : 0xff);
            CHECK(touched);
        }
        if (ab)
            CHECK_EQ_INT(avloc_nn_run_f32(net, in, out, arena + GUARD, ab - 1, scratch + GUARD, sb), AVLOC_ERR_WORKSPACE);
        if (sb)
            CHECK_EQ_INT(avloc_nn_run_f32(net, in, out, arena + GUARD, ab, scratch + GUARD, sb - 1), AVLOC_ERR_WORKSPACE);
    }
    for (k = 0; k < net->n_inputs; k++) free((void *)(uintptr_t)in[k]);
    for (k = 0; k < net->n_outputs; k++) { free(out[k]); free(ref[k]); }
    free(arena);
    free(scratch);
    return worst;
}

static void test_case(const char *cname)
{
    char fname[256];
    unsigned char *model, *iof, *shifted, *mem, *mem2q;
    size_t msize, iosize, obj;
    avloc_nn net, net2;
    avloc_nn_error err;
    avloc_st_reader io;
    double e;
    snprintf(fname, sizeof fname, "%s.safetensors", cname);
    model = load(fname, &msize);
    snprintf(fname, sizeof fname, "%s_io.safetensors", cname);
    iof = load(fname, &iosize);
    if (!model || !iof) { CHECK(0); free(model); free(iof); return; }
    CHECK(avloc_st_open(&io, iof, iosize) == AVLOC_OK);
    CHECK_EQ_INT(avloc_nn_query(model, msize, &obj), AVLOC_OK);
    mem = (unsigned char *)malloc(obj);
    mem2q = (unsigned char *)malloc(obj);
    /* (obj includes the core's alignment slack, so only a clearly short block must fail) */
    CHECK_EQ_INT(avloc_nn_init_ex(&net, model, msize, mem, obj / 2, &err), AVLOC_ERR_WORKSPACE);
    if (avloc_nn_init_ex(&net, model, msize, mem, obj, &err) != AVLOC_OK) {
        CHECK_MSG(0, "%s: init failed at node %ld (%s): %s", cname, err.node, err.name, err.msg);
        free(model); free(iof); free(mem); free(mem2q);
        return;
    }
    CHECK_EQ_INT((int)net.n_copied_weights, 0);
    { /* the query gives the exact plan before any object: the same figures
         (run_case runs with exactly these and refuses one byte less) */
        avloc_nn_sizes sz;
        CHECK_EQ_INT(avloc_nn_query_sizes(model, msize, NULL, NULL, 0, &sz, NULL), AVLOC_ERR_WORKSPACE);
        CHECK(sz.obj_bytes == obj && sz.arena_bytes == 0);
        CHECK_EQ_INT(avloc_nn_query_sizes(model, msize, NULL, mem2q, obj - 1, &sz, NULL), AVLOC_ERR_WORKSPACE);
        CHECK_EQ_INT(avloc_nn_query_sizes(model, msize, NULL, mem2q, obj, &sz, NULL), AVLOC_OK);
        CHECK(sz.obj_bytes == obj && sz.arena_bytes == net.arena_bytes && sz.scratch_bytes == net.scratch_bytes &&
              sz.arena_lower_bound == net.arena_lower_bound && sz.weight_bytes == net.weight_bytes);
        e = run_case(&net, &io, 1, sz.arena_bytes, sz.scratch_bytes);
    }
    CHECK_MSG(e <= 1e-4, "%s: max error %.3g of output scale", cname, e);
    printf("  %-18s nodes %3u  arena %7u B  bound %7u B (x%.3f)  scratch %6u B  max err %.2e\n", cname,
           (unsigned)net.n_nodes, (unsigned)net.arena_bytes, (unsigned)net.arena_lower_bound,
           net.arena_lower_bound ? (double)net.arena_bytes / (double)net.arena_lower_bound : 1.0,
           (unsigned)net.scratch_bytes, e);
    CHECK(net.arena_bytes <= net.arena_lower_bound + net.arena_lower_bound / 20 + 64 * AVLOC_NN_ALIGN);
    /* the same file at an odd address: every weight copied through scratch */
    shifted = (unsigned char *)malloc(msize + 1);
    memcpy(shifted + 1, model, msize);
    {
        size_t obj2;
        unsigned char *mem2;
        CHECK_EQ_INT(avloc_nn_query(shifted + 1, msize, &obj2), AVLOC_OK);
        mem2 = (unsigned char *)malloc(obj2);
        CHECK_EQ_INT(avloc_nn_init(&net2, shifted + 1, msize, mem2, obj2), AVLOC_OK);
        if (net2.magic) {
            CHECK(net2.n_copied_weights > 0 || net.weight_bytes == 0);
            e = run_case(&net2, &io, 0, net2.arena_bytes, net2.scratch_bytes);
            CHECK_MSG(e <= 1e-4, "%s (misaligned): max error %.3g", cname, e);
        }
        free(mem2);
    }
    avloc_nn_destroy(&net);
    CHECK(avloc_nn_run_f32(&net, NULL, NULL, NULL, 0, NULL, 0) == AVLOC_ERR_NULL);
    free(shifted);
    free(mem);
    free(mem2q);
    free(model);
    free(iof);
}

static void test_goldens(void)
{
    size_t n;
    unsigned char *list = load("cases.txt", &n);
    char *p, *line;
    if (!list) { CHECK(0); return; }
    list[n] = 0;
    for (line = (char *)list; *line; line = p) {
        p = strchr(line, '\n');
        if (!p) break;
        *p++ = 0;
        if (*line) test_case(line);
    }
    free(list);
}

/* ------------------------------------------------------ hostile graphs */

static const float W9[9 * 2] = {0};

/* A file with the given graph and tensors "c.weight" [2,1,3,3] (F32) and
   "c.bias" [2] plus optional extras. */
static unsigned char *make_file(const char *graph, int extra, int wdtype64, size_t *size)
{
    avloc_st_writer w;
    size_t shape[4] = {2, 1, 3, 3}, bshape[1] = {2}, need = 0;
    static double dbl[18];
    unsigned char *buf;
    int pass;
    for (pass = 0; pass < 2; pass++) {
        buf = pass ? (unsigned char *)malloc(need) : NULL;
        avloc_st_begin(&w, buf, need);
        avloc_st_add_meta(&w, "format", "avloc-nn");
        avloc_st_add_meta(&w, "version", "1");
        avloc_st_add_meta(&w, "graph", graph);
        if (wdtype64) avloc_st_add(&w, "c.weight", AVLOC_ST_F64, 4, shape, dbl);
        else avloc_st_add(&w, "c.weight", AVLOC_ST_F32, 4, shape, W9);
        avloc_st_add(&w, "c.bias", AVLOC_ST_F32, 1, bshape, W9);
        if (extra) avloc_st_add(&w, "unused", AVLOC_ST_F32, 1, bshape, W9);
        if (avloc_st_finish(&w, &need) != AVLOC_OK && pass) { free(buf); return NULL; }
    }
    *size = need;
    return buf;
}

/* init on a copy of exactly size bytes; returns the result. */
static avloc_result try_init(const unsigned char *f, size_t size, avloc_nn_error *err, int run)
{
    unsigned char *c = (unsigned char *)malloc(size ? size : 1), *mem;
    size_t obj;
    avloc_nn net;
    avloc_result rc;
    memcpy(c, f, size);
    rc = avloc_nn_query(c, size, &obj);
    if (rc != AVLOC_OK) { /* init must refuse it too, and say why */
        static unsigned char big[1 << 16];
        avloc_result rc2 = avloc_nn_init_ex(&net, c, size, big, sizeof big, err);
        CHECK_MSG(rc2 == rc, "query %d but init %d", (int)rc, (int)rc2);
    } else {
        mem = (unsigned char *)malloc(obj);
        rc = avloc_nn_init_ex(&net, c, size, mem, obj, err);
        if (rc == AVLOC_OK && run) { /* a valid mutant must also run cleanly */
            float *bufs[16], *arena = (float *)malloc(net.arena_bytes + 4), *scratch = (float *)malloc(net.scratch_bytes + 4);
            size_t k;
            avloc_nn_tensor_info ti;
            if (net.n_inputs <= 8 && net.n_outputs <= 8) {
                for (k = 0; k < net.n_inputs; k++) { avloc_nn_input_info(&net, k, &ti); bufs[k] = (float *)calloc(ti.numel, 4); }
                for (k = 0; k < net.n_outputs; k++) { avloc_nn_output_info(&net, k, &ti); bufs[8 + k] = (float *)malloc(ti.numel * 4); }
                rc = avloc_nn_run_f32(&net, (const float *const *)bufs, bufs + 8, arena, net.arena_bytes, scratch, net.scratch_bytes);
                for (k = 0; k < net.n_inputs; k++) free(bufs[k]);
                for (k = 0; k < net.n_outputs; k++) free(bufs[8 + k]);
            }
            free(arena);
            free(scratch);
        }
        free(mem);
    }
    free(c);
    return rc;
}

#define G_HEAD "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,1,5,5]}],\"outputs\":[\"y\"],\"nodes\":["
#define G_CONV(in, out) "{\"op\":\"conv2d\",\"name\":\"c\",\"in\":[\"" in "\"],\"out\":[\"" out "\"],\"w\":{\"weight\":\"c.weight\",\"bias\":\"c.bias\"},\"a\":{\"stride\":[1,1],\"padding\":[1,1],\"dilation\":[1,1],\"groups\":1}}"

/* The message names the problem; an AVLOC_NN_TERSE build keeps only the
   code's generic text (the node and the code are checked the same). */
static int msg_has(const avloc_nn_error *e, const char *part)
{
#ifdef AVLOC_NN_TERSE
    (void)part;
    return e->msg[0] != '\0';
#else
    return strstr(e->msg, part) != NULL;
#endif
}

static void expect(const char *graph, int extra, int f64, avloc_result want, long node, const char *msg_part)
{
    size_t size;
    unsigned char *f = make_file(graph, extra, f64, &size);
    avloc_nn_error err;
    avloc_result rc;
    if (!f) { CHECK_MSG(0, "could not write %s", graph); return; }
    rc = try_init(f, size, &err, 0);
    CHECK_MSG(rc == want, "want %d got %d (%s) for %s", (int)want, (int)rc, err.msg, graph);
    if (want != AVLOC_OK) {
        CHECK_MSG(err.node == node, "node %ld, want %ld: %s", err.node, node, err.msg);
        CHECK_MSG(msg_has(&err, msg_part), "message '%s' lacks '%s'", err.msg, msg_part);
#ifdef AVLOC_NN_TERSE
        CHECK_MSG(strcmp(err.msg, avloc_result_str(want)) == 0, "terse message '%s'", err.msg);
#endif
    }
    free(f);
}

#define G_2IN(op, attrs) "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,1,5,5]},{\"name\":\"v\",\"shape\":[1,1,5,5]}]," \
    "\"outputs\":[\"z\"],\"nodes\":[{\"op\":\"" op "\",\"in\":[\"x\"],\"out\":[\"z\"],\"a\":{" attrs "}}," G_CONV("v", "c") "]}"

/* adaptive_avg_pool2d of a 1 x W row to 1 x Wo against PyTorch's windows
   [floor(o W / Wo), ceil((o + 1) W / Wo)) computed in 64 bits here. */
static void test_adaptive_1x(size_t W, size_t Wo)
{
    static float x[1 << 17], v[25], y[1 << 17];
    const float *ins[2] = {x, v};
    float *outs[1] = {y};
    char graph[1024];
    avloc_nn net;
    avloc_nn_error err;
    size_t obj, i, size, bad = 0;
    unsigned char *mem, *f;
    void *arena, *scratch;
    snprintf(graph, sizeof graph, "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,1,1,%u]},{\"name\":\"v\",\"shape\":[1,1,5,5]}],"
             "\"outputs\":[\"z\"],\"nodes\":[{\"op\":\"adaptive_avg_pool2d\",\"in\":[\"x\"],\"out\":[\"z\"],"
             "\"a\":{\"output_size\":[1,%u]}}," G_CONV("v", "c") "]}", (unsigned)W, (unsigned)Wo);
    f = make_file(graph, 0, 0, &size);
    if (!f || avloc_nn_query(f, size, &obj) != AVLOC_OK) { CHECK(0); free(f); return; }
    mem = (unsigned char *)malloc(obj);
    CHECK_EQ_INT(avloc_nn_init_ex(&net, f, size, mem, obj, &err), AVLOC_OK);
    arena = malloc(net.arena_bytes + 1);
    scratch = malloc(net.scratch_bytes + 1);
    for (i = 0; i < W; i++) x[i] = (float)(i % 1000);
    CHECK_EQ_INT(avloc_nn_run_f32(&net, ins, outs, arena, net.arena_bytes, scratch, net.scratch_bytes), AVLOC_OK);
    for (i = 0; i < Wo; i++) {
        size_t lo = (size_t)((unsigned long long)i * W / Wo), hi = (size_t)(((unsigned long long)i * W + W + Wo - 1) / Wo), k;
        double want = 0.0;
        for (k = lo; k < hi; k++) want += x[k];
        want /= (double)(hi - lo);
        bad += !(fabs(y[i] - want) <= 1e-5 * (1.0 + fabs(want)));
    }
    CHECK_MSG(bad == 0, "adaptive %u -> %u: %u wrong", (unsigned)W, (unsigned)Wo, (unsigned)bad);
    free(arena);
    free(scratch);
    free(mem);
    free(f);
}

/* tanh (computed from expf, avloc__nn_tanh) and the tanh-approximated GELU
   against double libm over [-12, 12] with both sides of the 1/4 switch and
   tiny values: tanh within 4e-7 relative (a few float ulp); GELU within
   1e-6 (1 + |x|) absolute (1 + tanh(u) cancels for x << 0, in torch too). */
static void test_tanh_exact(void)
{
    enum { N = 4096 };
    static float x[N], t[N], g[N], v[25];
    const float *ins[2] = {x, v};
    float *outs[2] = {t, g};
    const char *graph = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,1,1,4096]},{\"name\":\"v\",\"shape\":[1,1,5,5]}],"
        "\"outputs\":[\"t\",\"g\"],\"nodes\":[{\"op\":\"tanh\",\"in\":[\"x\"],\"out\":[\"t\"]},"
        "{\"op\":\"gelu\",\"in\":[\"x\"],\"out\":[\"g\"],\"a\":{\"approximate\":\"tanh\"}}," G_CONV("v", "c") "]}";
    avloc_nn net;
    avloc_nn_error err;
    size_t obj = 0, i, size, bad_t = 0, bad_g = 0;
    unsigned char *mem, *f;
    void *arena, *scratch;
    double worst = 0.0;
    for (i = 0; i < N; i++) x[i] = (float)(-12.0 + 24.0 * (double)i / (N - 1));
    for (i = 0; i < 64; i++) x[i] = (float)((i & 1 ? -1.0 : 1.0) * 0.25 * pow(0.7, (double)(i / 2))); /* around 1/4, down to tiny */
    x[64] = 0.25f; x[65] = -0.25f; x[66] = nextafterf(0.25f, 0.0f); x[67] = 0.0f; x[68] = 60.0f; x[69] = -60.0f;
    f = make_file(graph, 0, 0, &size);
    if (!f || avloc_nn_query(f, size, &obj) != AVLOC_OK) { CHECK(0); free(f); return; }
    mem = (unsigned char *)malloc(obj);
#ifdef AVLOC_NN_NO_GELU
    CHECK_EQ_INT(avloc_nn_init_ex(&net, f, size, mem, obj, &err), AVLOC_ERR_UNSUPPORTED);
    free(mem); free(f); return;
#endif
    CHECK_EQ_INT(avloc_nn_init_ex(&net, f, size, mem, obj, &err), AVLOC_OK);
    arena = malloc(net.arena_bytes + 1);
    scratch = malloc(net.scratch_bytes + 1);
    CHECK_EQ_INT(avloc_nn_run_f32(&net, ins, outs, arena, net.arena_bytes, scratch, net.scratch_bytes), AVLOC_OK);
    for (i = 0; i < N; i++) {
        double xt = (double)x[i], wt = tanh(xt), u = 0.7978845608 * (xt + 0.044715 * xt * xt * xt);
        double wg = 0.5 * xt * (1.0 + tanh(u)), et = fabs(t[i] - wt) / (fabs(wt) + 1e-30);
        if (et > worst) worst = et;
        bad_t += !(et <= 4e-7);
        bad_g += !(fabs(g[i] - wg) <= 1e-6 * (1.0 + fabs(xt))); /* 1 + tanh cancels for x << 0: absolute */
    }
    CHECK_MSG(bad_t == 0, "tanh: %u values off by more than 4e-7 relative (worst %.2e)", (unsigned)bad_t, worst);
    CHECK_MSG(bad_g == 0, "gelu(tanh): %u values off", (unsigned)bad_g);
    CHECK(t[68] == 1.0f && t[69] == -1.0f && t[67] == 0.0f);
    printf("  tanh from expf: worst relative error %.2e over %d values\n", worst, N);
    free(arena);
    free(scratch);
    free(mem);
    free(f);
}

/* Attributes near the parser's limit (integers below 1e9): their sums and
   products wrapped a 32-bit long (in + 2 * padding, dilation * (k - 1),
   stride * grid, the avg-pool divisor k * k, adaptive oh * H). Absurd ones
   are refused with AVLOC_ERR_SIZE naming the node; the largest accepted
   ones run (under qemu-arm, .ci/run's 32-bit step, too). */
static void test_huge_attributes(void)
{
    size_t size;
    avloc_nn_error err;
    unsigned char *f;
    /* refused: padding / dilated kernel / strided grid beyond 2^28 */
    expect(G_2IN("max_pool2d", "\"kernel_size\":999999999,\"padding\":499999999"), 0, 0, AVLOC_ERR_SIZE, 0, "beyond 2^28");
    expect(G_HEAD "{\"op\":\"conv2d\",\"in\":[\"x\"],\"out\":[\"y\"],\"w\":{\"weight\":\"c.weight\",\"bias\":\"c.bias\"},"
           "\"a\":{\"padding\":999999999,\"dilation\":999999999}}]}", 0, 0, AVLOC_ERR_SIZE, 0, "beyond 2^28");
    expect(G_HEAD "{\"op\":\"conv2d\",\"in\":[\"x\"],\"out\":[\"y\"],\"w\":{\"weight\":\"c.weight\",\"bias\":\"c.bias\"},"
           "\"a\":{\"padding\":[999999999,1]}}]}", 0, 0, AVLOC_ERR_SIZE, 0, "beyond 2^28");
    expect("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2,5,5]}],\"outputs\":[\"y\"],\"nodes\":[{\"op\":\"conv_transpose2d\","
           "\"in\":[\"x\"],\"out\":[\"y\"],\"w\":{\"weight\":\"c.weight\"},\"a\":{\"stride\":999999999}}]}",
           1, 0, AVLOC_ERR_SIZE, 0, "beyond 2^28");
    expect("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2,5,5]}],\"outputs\":[\"y\"],\"nodes\":[{\"op\":\"conv_transpose2d\","
           "\"in\":[\"x\"],\"out\":[\"y\"],\"w\":{\"weight\":\"c.weight\",\"bias\":\"c.bias\"},\"a\":{\"padding\":999999999,"
           "\"dilation\":999999999}}]}", 0, 0, AVLOC_ERR_SIZE, 0, "beyond 2^28");
    expect(G_2IN("avg_pool2d", "\"kernel_size\":3,\"stride\":999999999,\"padding\":1,\"ceil_mode\":true"), 0, 0, AVLOC_OK, -1, "");
    /* accepted at the limit, and run: a kernel that is nearly all padding
       runs only its taps inside the input (every tap took ~1e18 steps) */
    f = make_file(G_2IN("max_pool2d", "\"kernel_size\":268435455,\"padding\":134217727"), 0, 0, &size);
    if (f) CHECK_EQ_INT(try_init(f, size, &err, 1), AVLOC_OK);
    free(f);
    f = make_file(G_2IN("avg_pool2d", "\"kernel_size\":268435455,\"padding\":134217727"), 0, 0, &size);
    if (f) CHECK_EQ_INT(try_init(f, size, &err, 1), AVLOC_OK);
    free(f);
    f = make_file("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2,1,1]},{\"name\":\"v\",\"shape\":[1,1,5,5]}],\"outputs\":[\"y\"],"
                  "\"nodes\":[{\"op\":\"conv_transpose2d\",\"in\":[\"x\"],\"out\":[\"y\"],\"w\":{\"weight\":\"c.weight\"},"
                  "\"a\":{\"stride\":999999999,\"dilation\":134217728,\"padding\":134217727}}," G_CONV("v", "c") "]}", 0, 0, &size);
    if (f) CHECK_EQ_INT(try_init(f, size, &err, 1), AVLOC_OK);
    free(f);
    test_adaptive_1x(131072, 131072); /* the identity: ow * W wrapped a 32-bit size_t */
    test_adaptive_1x(131072, 98304);
    test_adaptive_1x(10, 4); /* remainders that carry exactly (2 + 2 = 4) */
    test_adaptive_1x(6, 4);
}

static void test_hostile(void)
{
    const char *good = G_HEAD G_CONV("x", "y") "]}";
    expect(good, 0, 0, AVLOC_OK, -1, "");

    expect(G_HEAD "{\"op\":\"conv3d\",\"in\":[\"x\"],\"out\":[\"y\"]}]}", 0, 0, AVLOC_ERR_UNSUPPORTED, 0, "unknown op: conv3d");
    expect(G_HEAD G_CONV("q", "y") "]}", 0, 0, AVLOC_ERR_NOT_FOUND, 0, "input is not");
    /* a cycle can only be written as a later-defined name */
    expect(G_HEAD "{\"op\":\"relu\",\"name\":\"r\",\"in\":[\"t\"],\"out\":[\"y\"]}," "{\"op\":\"relu\",\"in\":[\"y\"],\"out\":[\"t\"]}]}", 0, 0, AVLOC_ERR_NOT_FOUND, 0, ": t");
    expect(G_HEAD G_CONV("x", "y") ",{\"op\":\"relu\",\"in\":[\"y\"],\"out\":[\"y\"]}]}", 0, 0, AVLOC_ERR_FORMAT, 1, "duplicate tensor name: y");
    expect(G_HEAD G_CONV("x", "y") "]}", 1, 0, AVLOC_ERR_FORMAT, -1, "no node uses");
    expect(G_HEAD G_CONV("x", "y") "]}", 0, 1, AVLOC_ERR_FORMAT, 0, "not F32");
    expect("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2,5,5]}],\"outputs\":[\"y\"],\"nodes\":[" G_CONV("x", "y") "]}", 0, 0, AVLOC_ERR_SIZE, 0, "weight shape");
    expect(G_HEAD "{\"op\":\"conv2d\",\"in\":[\"x\"],\"out\":[\"y\"],\"w\":{\"weight\":\"c.weight\",\"bias\":\"c.bias\"},\"a\":{\"stride\":[0,1]}}]}", 0, 0, AVLOC_ERR_PARAM, 0, "stride");
    expect(G_HEAD "{\"op\":\"conv2d\",\"in\":[\"x\"],\"out\":[\"y\"],\"w\":{\"weight\":\"c.weight\",\"bias\":\"c.bias\"},\"a\":{\"strides\":[1,1]}}]}", 0, 0, AVLOC_ERR_FORMAT, 0, "attribute: strides");
    expect(G_HEAD "{\"op\":\"conv2d\",\"in\":[\"x\"],\"out\":[\"y\"],\"w\":{\"weight\":\"c.nope\",\"bias\":\"c.bias\"}}]}", 0, 0, AVLOC_ERR_NOT_FOUND, 0, "weight not in the file: c.nope");
    expect(G_HEAD "{\"op\":\"conv2d\",\"in\":[\"x\"],\"out\":[\"y\"],\"w\":{\"bias\":\"c.bias\"}}]}", 0, 0, AVLOC_ERR_FORMAT, 0, "missing weight");
    expect(G_HEAD G_CONV("x", "y") ",{\"op\":\"relu\",\"in\":[\"y\"],\"out\":[\"z\"],\"extra\":1}]}", 0, 0, AVLOC_ERR_FORMAT, 1, "node key: extra");
    expect(G_HEAD G_CONV("x", "y") ",{\"op\":\"softmax\",\"in\":[\"y\"],\"out\":[\"z\"]}]}", 0, 0, AVLOC_ERR_PARAM, 1, "missing required");
    expect(G_HEAD G_CONV("x", "y") ",{\"op\":\"softmax\",\"in\":[\"y\"],\"out\":[\"z\"],\"a\":{\"dim\":4}}]}", 0, 0, AVLOC_ERR_PARAM, 1, "bad dim");
    expect(G_HEAD G_CONV("x", "y") ",{\"op\":\"add\",\"in\":[\"y\"],\"out\":[\"z\"]}]}", 0, 0, AVLOC_ERR_FORMAT, 1, "number of inputs");
    expect(G_HEAD G_CONV("x", "y") ",{\"op\":\"max_pool2d\",\"in\":[\"y\"],\"out\":[\"z\"],\"a\":{\"kernel_size\":[2,2],\"padding\":[2,0]}}]}", 0, 0, AVLOC_ERR_PARAM, 1, "padding");
    expect(G_HEAD G_CONV("x", "y") ",{\"op\":\"conv2d\",\"in\":[\"y\"]", 0, 0, AVLOC_ERR_FORMAT, -1, "graph JSON");
    expect("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,1,5,5]}],\"outputs\":[\"nope\"],\"nodes\":[" G_CONV("x", "y") "]}", 0, 0, AVLOC_ERR_NOT_FOUND, -1, "graph output");
    expect("{\"inputs\":[{\"name\":\"x\",\"shape\":[2,1,5,5]}],\"outputs\":[\"y\"],\"nodes\":[" G_CONV("x", "y") "]}", 0, 0, AVLOC_ERR_UNSUPPORTED, -1, "batch");
    /* activations whose byte count (or, on 64 bits, the arena end) wraps size_t: refused
       at init, naming the node, never a tiny arena that run overflows */
    expect("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,64,1,1]},{\"name\":\"v\",\"shape\":[1,1,5,5]}],\"outputs\":[\"z\"],\"nodes\":["
           "{\"op\":\"upsample\",\"in\":[\"x\"],\"out\":[\"u\"],\"a\":{\"size\":[268435456,268435456]}},"
           "{\"op\":\"adaptive_avg_pool2d\",\"in\":[\"u\"],\"out\":[\"z\"],\"a\":{\"output_size\":1}}," G_CONV("v", "c") "]}",
           0, 0, AVLOC_ERR_OVERFLOW, 0, "too large");
    expect("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,32,1,1]},{\"name\":\"v\",\"shape\":[1,1,5,5]}],\"outputs\":[\"z\"],\"nodes\":["
           "{\"op\":\"upsample\",\"in\":[\"x\"],\"out\":[\"u\"],\"a\":{\"size\":[268435456,268435456]}},"
           "{\"op\":\"relu\",\"in\":[\"u\"],\"out\":[\"r\"]},{\"op\":\"add\",\"in\":[\"u\",\"r\"],\"out\":[\"s\"]},"
           "{\"op\":\"adaptive_avg_pool2d\",\"in\":[\"s\"],\"out\":[\"z\"],\"a\":{\"output_size\":1}}," G_CONV("v", "c") "]}",
           0, 0, AVLOC_ERR_OVERFLOW, sizeof(size_t) >= 8 ? -1 : 0, /* 32 bits: u's own bytes wrap */
           sizeof(size_t) >= 8 ? "arena" : "too large");
    test_huge_attributes();
    { /* no graph metadata / wrong format */
        size_t size, obj;
        unsigned char *f = make_file(good, 0, 0, &size);
        if (f) {
            avloc_nn net;
            CHECK_EQ_INT(avloc_nn_query(f, size, NULL), AVLOC_ERR_NULL);
            CHECK_EQ_INT(avloc_nn_init(&net, f, size, NULL, 0), AVLOC_ERR_WORKSPACE);
            CHECK_EQ_INT(avloc_nn_query(f, size, &obj), AVLOC_OK);
            CHECK(avloc_nn_run_f32(&net, NULL, NULL, NULL, 0, NULL, 0) == AVLOC_ERR_NULL);
            { /* a failed init leaves the object zeroed, whatever the reason:
                 re-initialising a live net with a NULL file must not leave
                 it runnable on the old tables */
                void *mem = malloc(obj);
                float x[25] = {0}, y[50];
                const float *in[1];
                float *out[1];
                in[0] = x;
                out[0] = y;
                CHECK_EQ_INT(avloc_nn_init(&net, f, size, mem, obj), AVLOC_OK);
                CHECK_EQ_INT(avloc_nn_init(&net, NULL, size, mem, obj), AVLOC_ERR_NULL);
                CHECK_EQ_INT(avloc_nn_run_f32(&net, in, out, x, sizeof x, y, sizeof y), AVLOC_ERR_STATE);
                CHECK_EQ_INT(avloc_nn_init(&net, f, size, mem, obj), AVLOC_OK);
                CHECK_EQ_INT(avloc_nn_init(&net, f, size, NULL, obj), AVLOC_ERR_NULL);
                CHECK_EQ_INT(avloc_nn_run_f32(&net, in, out, x, sizeof x, y, sizeof y), AVLOC_ERR_STATE);
                free(mem);
            }
            free(f);
        }
    }
}

/* Legal edge cases (docs/nn_format.md): one weight used by two nodes, an
   output listed twice, an output that is a graph input, a graph without nodes. */
static void test_edge_cases(void)
{
    static const char *graphs[2] = {
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,1,4,5]}],\"outputs\":[\"y\",\"z\",\"y\",\"x\"],\"nodes\":["
        "{\"op\":\"conv2d\",\"in\":[\"x\"],\"out\":[\"y\"],\"w\":{\"weight\":\"k\"},\"a\":{\"padding\":1}},"
        "{\"op\":\"relu\",\"in\":[\"x\"],\"out\":[\"r\"]},"
        "{\"op\":\"conv2d\",\"in\":[\"r\"],\"out\":[\"z\"],\"w\":{\"weight\":\"k\"},\"a\":{\"padding\":[1,1]}}]}",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,1,4,5]}],\"outputs\":[\"x\",\"x\"],\"nodes\":[]}"};
    float k[9], x[20], o[4][20], want[2][20];
    size_t shape[4] = {1, 1, 3, 3}, i, g, need, obj;
    int a, b;
    for (i = 0; i < 9; i++) k[i] = (float)i * 0.25f - 1.0f;
    for (i = 0; i < 20; i++) x[i] = (float)((i * 7) % 11) - 5.0f;
    for (i = 0; i < 20; i++) { /* 3x3 cross-correlation with zero padding, of x and relu(x) */
        int r = (int)i / 5, c = (int)i % 5;
        want[0][i] = want[1][i] = 0.0f;
        for (a = -1; a <= 1; a++)
            for (b = -1; b <= 1; b++)
                if (r + a >= 0 && r + a < 4 && c + b >= 0 && c + b < 5) {
                    float v = x[(r + a) * 5 + c + b], w = k[(a + 1) * 3 + b + 1];
                    want[0][i] += w * v;
                    want[1][i] += w * (v > 0.0f ? v : 0.0f);
                }
    }
    for (g = 0; g < 2; g++) {
        avloc_st_writer w;
        unsigned char *buf = NULL, *mem;
        avloc_nn net;
        avloc_nn_error err;
        float *outs[4] = {o[0], o[1], o[2], o[3]}, arena[512], scratch[512];
        const float *ins[1] = {x};
        int pass;
        for (pass = 0, need = 0; pass < 2; pass++) {
            buf = pass ? (unsigned char *)malloc(need) : NULL;
            avloc_st_begin(&w, buf, need);
            avloc_st_add_meta(&w, "format", "avloc-nn");
            avloc_st_add_meta(&w, "version", "1");
            avloc_st_add_meta(&w, "graph", graphs[g]);
            if (g == 0) avloc_st_add(&w, "k", AVLOC_ST_F32, 4, shape, k);
            avloc_st_finish(&w, &need);
        }
        CHECK_EQ_INT(avloc_nn_query(buf, need, &obj), AVLOC_OK);
        mem = (unsigned char *)malloc(obj);
        CHECK_EQ_INT(avloc_nn_init_ex(&net, buf, need, mem, obj, &err), AVLOC_OK);
        CHECK(net.arena_bytes <= sizeof arena && net.scratch_bytes <= sizeof scratch);
        memset(o, 0xff, sizeof o);
        CHECK_EQ_INT(avloc_nn_run_f32(&net, ins, outs, arena, sizeof arena, scratch, sizeof scratch), AVLOC_OK);
        for (i = 0; i < 20; i++) {
            if (g == 0) {
                CHECK(fabsf(o[0][i] - want[0][i]) < 1e-5f && fabsf(o[1][i] - want[1][i]) < 1e-5f);
                CHECK(o[2][i] == o[0][i] && o[3][i] == x[i]);
            } else {
                CHECK(o[0][i] == x[i] && o[1][i] == x[i]);
            }
        }
        free(mem);
        free(buf);
    }
}

/* linear on 20 rows (the packed GEMM) and on 2 (the narrow kernel), one
   weight shared, against a double loop. */
static void test_linear_paths(void)
{
    static const char *graph = "{\"inputs\":[{\"name\":\"a\",\"shape\":[1,20,7]},{\"name\":\"b\",\"shape\":[1,2,7]}],"
                               "\"outputs\":[\"ya\",\"yb\"],\"nodes\":["
                               "{\"op\":\"linear\",\"in\":[\"a\"],\"out\":[\"ya\"],\"w\":{\"weight\":\"w\",\"bias\":\"bias\"}},"
                               "{\"op\":\"linear\",\"in\":[\"b\"],\"out\":[\"yb\"],\"w\":{\"weight\":\"w\",\"bias\":\"bias\"}}]}";
    float w[3 * 7], bias[3], a[20 * 7], ya[20 * 3], yb[2 * 3], arena[64], scratch[4096];
    const float *ins[2];
    float *outs[2];
    size_t wshape[2] = {3, 7}, bshape[1] = {3}, need = 0, obj, i, j, k;
    avloc_st_writer wr;
    unsigned char *buf = NULL, *mem;
    avloc_nn net;
    avloc_nn_error err;
    int pass;
    double worst = 0.0;
    for (i = 0; i < 21; i++) w[i] = (float)((i * 5) % 11) * 0.2f - 1.0f;
    for (i = 0; i < 3; i++) bias[i] = (float)i - 1.0f;
    for (i = 0; i < 140; i++) a[i] = (float)((i * 7) % 13) * 0.1f - 0.6f;
    for (pass = 0; pass < 2; pass++) {
        buf = pass ? (unsigned char *)malloc(need) : NULL;
        avloc_st_begin(&wr, buf, need);
        avloc_st_add_meta(&wr, "format", "avloc-nn");
        avloc_st_add_meta(&wr, "version", "1");
        avloc_st_add_meta(&wr, "graph", graph);
        avloc_st_add(&wr, "w", AVLOC_ST_F32, 2, wshape, w);
        avloc_st_add(&wr, "bias", AVLOC_ST_F32, 1, bshape, bias);
        avloc_st_finish(&wr, &need);
    }
    CHECK_EQ_INT(avloc_nn_query(buf, need, &obj), AVLOC_OK);
    mem = (unsigned char *)malloc(obj);
    CHECK_EQ_INT(avloc_nn_init_ex(&net, buf, need, mem, obj, &err), AVLOC_OK);
    CHECK(net.arena_bytes <= sizeof arena && net.scratch_bytes <= sizeof scratch);
    ins[0] = a;
    ins[1] = a + 5 * 7; /* rows 5 and 6 of a */
    outs[0] = ya;
    outs[1] = yb;
    CHECK_EQ_INT(avloc_nn_run_f32(&net, ins, outs, arena, sizeof arena, scratch, sizeof scratch), AVLOC_OK);
    for (i = 0; i < 20; i++)
        for (j = 0; j < 3; j++) {
            double ref = bias[j];
            for (k = 0; k < 7; k++) ref += (double)w[j * 7 + k] * a[i * 7 + k];
            if (!(fabs(ya[i * 3 + j] - ref) <= worst)) worst = fabs(ya[i * 3 + j] - ref);
            if (i >= 5 && i < 7 && !(fabs(yb[(i - 5) * 3 + j] - ref) <= worst)) worst = fabs(yb[(i - 5) * 3 + j] - ref);
        }
    CHECK_MSG(worst < 1e-5, "linear: max error %g", worst);
    free(mem);
    free(buf);
}

static void test_truncation(void)
{
    size_t size, n, bad = 0;
    unsigned char *f = load("uvae_small.safetensors", &size);
    if (!f) { CHECK(0); return; }
    for (n = 0; n < size; n += (n < 4096 ? 1 : 97)) {
        avloc_nn_error err;
        if (try_init(f, n, &err, 0) == AVLOC_OK) bad++;
    }
    CHECK_EQ_INT((int)bad, 0);
    free(f);
}

/* Mutations of the graph text of a valid network, re-wrapped in a valid
   safetensors file so that they reach the graph parser and the binder. */
static unsigned lcg_s = 12345u;
static unsigned lcg(void) { lcg_s = lcg_s * 1103515245u + 12345u; return lcg_s >> 8; }

static void test_fuzz(void)
{
    size_t size, glen, iter, ok = 0;
    unsigned char *f = load("uvae_small.safetensors", &size);
    avloc_st_reader r;
    char *graph, *m;
    static const char interesting[] = "{}[]\":,\\0189-.eE tx";
    if (!f || avloc_st_open(&r, f, size) != AVLOC_OK || avloc_st_meta_len(&r, "graph", &glen) != AVLOC_OK) { CHECK(0); free(f); return; }
    graph = (char *)malloc(glen + 1);
    m = (char *)malloc(glen + 16);
    avloc_st_meta(&r, "graph", graph, glen + 1);
    for (iter = 0; iter < 3000; iter++) {
        size_t len = glen, k, need = 0, fsize;
        int nmut;
        avloc_st_writer w;
        avloc_st_iter it;
        avloc_st_tensor t;
        unsigned char *buf = NULL;
        int pass;
        avloc_nn_error err;
        avloc_result rc;
        memcpy(m, graph, glen + 1);
        for (nmut = 1 + (int)(lcg() % 3); nmut > 0; nmut--) {
            size_t pos = lcg() % len;
            unsigned op = lcg() % 4;
            if (op <= 1) m[pos] = interesting[lcg() % (sizeof interesting - 1)];
            else if (op == 2 && len > 1) { memmove(m + pos, m + pos + 1, len - pos); len--; }
            else if (len < glen + 8) { memmove(m + pos + 1, m + pos, len - pos + 1); m[pos] = interesting[lcg() % (sizeof interesting - 1)]; len++; }
        }
        m[len] = 0;
        for (pass = 0; pass < 2; pass++) {
            buf = pass ? (unsigned char *)malloc(need) : NULL;
            avloc_st_begin(&w, buf, need);
            avloc_st_add_meta(&w, "format", "avloc-nn");
            avloc_st_add_meta(&w, "version", "1");
            avloc_st_add_meta(&w, "graph", m);
            avloc_st_iter_begin(&r, &it);
            while (avloc_st_next(&r, &it, &t)) {
                char name[256];
                avloc_st_tensor_name(&t, name, sizeof name, NULL);
                avloc_st_add(&w, name, t.dtype, t.ndim, t.shape, t.data);
            }
            rc = avloc_st_finish(&w, &need);
        }
        fsize = need;
        if (rc == AVLOC_OK) {
            rc = try_init(buf, fsize, &err, 1);
            if (rc == AVLOC_OK) ok++;
            else CHECK_MSG(err.msg[0] != 0, "error without a message (rc %d)", (int)rc);
        }
        free(buf);
        (void)k;
    }
    printf("  fuzz: 3000 graph mutations, %u still valid (and ran)\n", (unsigned)ok);
    free(graph);
    free(m);
    free(f);
}

/* avloc__nn_gemm (the runtime's one matrix product over the core GEMM, static
   but in this TU) against a double loop: every transpose/accumulate case,
   with and without packing panels, odd sizes around the micro-tiles. */
static void test_gemm(void)
{
    static float A[9 * 150], B[150 * 150], C[9 * 150], R[9 * 150];
    size_t iter, bad = 0;
    unsigned st = 7;
    for (iter = 0; iter < 400; iter++) {
        size_t M = 1 + iter % 9, N = 1 + (iter * 37) % 150, K = 1 + (iter * 13) % 40, i, j, k;
        int ta = (int)(iter & 1), tb = (int)(iter >> 1 & 1), acc = (int)(iter >> 2 & 1);
        for (i = 0; i < 150 * 150; i++) { st = st * 1103515245u + 12345u; B[i] = (float)((st >> 9) % 2001) / 1000.0f - 1.0f; }
        for (i = 0; i < 9 * 150; i++) { A[i] = B[(i * 7) % (150 * 150)]; C[i] = R[i] = B[(i * 11) % (150 * 150)]; }
        for (i = 0; i < M; i++)
            for (j = 0; j < N; j++) {
                double sum = acc ? R[i * N + j] : 0.0;
                for (k = 0; k < K; k++) sum += (double)(ta ? A[k * M + i] : A[i * K + k]) * (tb ? B[j * K + k] : B[k * N + j]);
                R[i * N + j] = (float)sum;
            }
        {   /* a run context with the panels the planner would reserve */
            static unsigned char panels[1 << 20];
            avloc_nn fake;
            avloc__nn_run rr;
            memset(&fake, 0, sizeof fake);
            memset(&rr, 0, sizeof rr);
            CHECK_EQ_INT(avloc_gemm_scratch_f32(M, N, K, &fake.gemm_bytes), AVLOC_OK);
            rr.net = &fake;
            rr.gemm = iter % 8 == 7 ? NULL : panels; /* NULL: the core's unpacked path */
            if (!rr.gemm) fake.gemm_bytes = 0;
            avloc__nn_gemm(&rr, ta, tb, M, N, K, A, ta ? M : K, B, tb ? K : N, C, N, acc);
        }
        for (i = 0; i < M * N; i++)
            if (fabsf(C[i] - R[i]) > 1e-4f * (1.0f + fabsf(R[i]))) bad++;
    }
    CHECK_EQ_INT((int)bad, 0);
}

/* avloc_nn_init_shapes: other input sizes re-plan the net; ops that no
   longer fit fail naming the node; bad shapes are refused. */
static void test_init_shapes(void)
{
    size_t msize, asize, obj, obj2;
    unsigned char *m = load("vqvae_decoder.safetensors", &msize), *a = load("reshape_softmax.safetensors", &asize), *mem;
    avloc_nn net;
    avloc_nn_error err;
    const size_t same[4] = {1, 6, 4, 4}, other[4] = {1, 6, 5, 3}, batch2[4] = {2, 6, 4, 4}, longer[4] = {1, 3, 4, 6};
    const size_t *sp[1];
    size_t arena_file;
    if (!m || !a) { CHECK(0); free(m); free(a); return; }
    CHECK_EQ_INT(avloc_nn_query(m, msize, &obj), AVLOC_OK);
    mem = (unsigned char *)malloc(obj);
    sp[0] = same;
    CHECK_EQ_INT(avloc_nn_init_shapes(&net, m, msize, sp, mem, obj, &err), AVLOC_OK);
    arena_file = net.arena_bytes;
    sp[0] = other;
    CHECK_EQ_INT(avloc_nn_init_shapes(&net, m, msize, sp, mem, obj, &err), AVLOC_OK);
    {
        avloc_nn_tensor_info ti;
        avloc_nn_output_info(&net, 0, &ti); /* convT x2 twice: 4x the spatial size */
        CHECK(ti.ndim == 4 && ti.shape[2] == 20 && ti.shape[3] == 12);
        CHECK(net.arena_bytes != arena_file);
    }
    { /* the query with other shapes plans for them, in the object's memory */
        avloc_nn_sizes sz;
        size_t arena_other = net.arena_bytes, scratch_other = net.scratch_bytes;
        CHECK_EQ_INT(avloc_nn_query_sizes(m, msize, sp, mem, obj, &sz, &err), AVLOC_OK);
        CHECK(sz.arena_bytes == arena_other && sz.scratch_bytes == scratch_other && sz.obj_bytes == obj);
        CHECK_EQ_INT(avloc_nn_query_sizes(m, msize, NULL, mem, obj, &sz, &err), AVLOC_OK);
        CHECK(sz.arena_bytes == arena_file);
        sp[0] = batch2;
        CHECK_EQ_INT(avloc_nn_query_sizes(m, msize, sp, mem, obj, &sz, &err), AVLOC_ERR_SIZE);
        CHECK(msg_has(&err, "batch") && sz.arena_bytes == 0);
        CHECK_EQ_INT(avloc_nn_query_sizes(m, msize, NULL, mem, obj, NULL, &err), AVLOC_ERR_NULL);
        CHECK_EQ_INT(avloc_nn_query_sizes(NULL, msize, NULL, mem, obj, &sz, &err), AVLOC_ERR_NULL);
        CHECK_EQ_INT(avloc_nn_query_sizes(m, 40, NULL, mem, obj, &sz, &err), AVLOC_ERR_FORMAT);
        CHECK(err.msg[0] != '\0' && sz.obj_bytes == 0);
        sp[0] = other;
    }
    sp[0] = batch2;
    CHECK_EQ_INT(avloc_nn_init_shapes(&net, m, msize, sp, mem, obj, &err), AVLOC_ERR_SIZE);
    CHECK(msg_has(&err, "batch"));
    free(mem);
    CHECK_EQ_INT(avloc_nn_query(a, asize, &obj2), AVLOC_OK);
    mem = (unsigned char *)malloc(obj2);
    sp[0] = longer;
    CHECK_EQ_INT(avloc_nn_init_shapes(&net, a, asize, sp, mem, obj2, &err), AVLOC_ERR_SIZE);
    CHECK_MSG(err.node >= 0 && msg_has(&err, "weight shape"), "node %ld: %s", err.node, err.msg);
    free(mem);
    free(m);
    free(a);
}

/* Bad arguments to every public function: clean errors, nothing written. */
static void test_bad_args(void)
{
    size_t msize, obj;
    unsigned char *m = load("add_cat.safetensors", &msize), *mem;
    avloc_nn net, zero;
    avloc_nn_tensor_info ti;
    float x[24], z[36], o1[60], o2[72], arena[64], scratch[4];
    const float *in[3];
    float *out[2];
    char name[4];
    size_t i;
    if (!m) { CHECK(0); return; }
    for (i = 0; i < 24; i++) x[i] = (float)i;
    for (i = 0; i < 36; i++) z[i] = (float)i;
    in[0] = x; in[1] = x; in[2] = z;
    out[0] = o1; out[1] = o2;
    CHECK_EQ_INT(avloc_nn_query(NULL, msize, &obj), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_nn_query(m, 0, &obj), AVLOC_ERR_FORMAT);
    CHECK_EQ_INT(avloc_nn_query(m, msize, &obj), AVLOC_OK);
    mem = (unsigned char *)malloc(obj);
    CHECK_EQ_INT(avloc_nn_init(NULL, m, msize, mem, obj), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_nn_init(&net, NULL, msize, mem, obj), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_nn_init(&net, m, msize, NULL, obj), AVLOC_ERR_NULL);
    memset(&zero, 0, sizeof zero);
    CHECK_EQ_INT(avloc_nn_run_f32(&zero, in, out, arena, sizeof arena, scratch, sizeof scratch), AVLOC_ERR_STATE);
    CHECK_EQ_INT(avloc_nn_input_info(&zero, 0, &ti), AVLOC_ERR_STATE);
    CHECK_EQ_INT(avloc_nn_init(&net, m, msize, mem, obj), AVLOC_OK);
    CHECK(net.arena_bytes > 0 && net.arena_bytes <= sizeof arena);
    CHECK_EQ_INT(avloc_nn_run_f32(&net, in, out, NULL, net.arena_bytes, scratch, sizeof scratch), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_nn_run_f32(&net, in, out, (char *)arena + 2, net.arena_bytes, scratch, sizeof scratch), AVLOC_ERR_PARAM);
    in[1] = NULL;
    CHECK_EQ_INT(avloc_nn_run_f32(&net, in, out, arena, sizeof arena, scratch, sizeof scratch), AVLOC_ERR_NULL);
    in[1] = x;
    out[1] = NULL;
    CHECK_EQ_INT(avloc_nn_run_f32(&net, in, out, arena, sizeof arena, scratch, sizeof scratch), AVLOC_ERR_NULL);
    out[1] = o2;
    x[5] = NAN;
    CHECK_EQ_INT(avloc_nn_run_f32(&net, in, out, arena, sizeof arena, scratch, sizeof scratch), AVLOC_ERR_NONFINITE);
    x[5] = INFINITY;
    CHECK_EQ_INT(avloc_nn_run_f32(&net, in, out, arena, sizeof arena, scratch, sizeof scratch), AVLOC_ERR_NONFINITE);
    x[5] = 5.0f;
    CHECK_EQ_INT(avloc_nn_run_f32(&net, in, out, arena, sizeof arena, scratch, sizeof scratch), AVLOC_OK);
    CHECK_EQ_INT(avloc_nn_input_info(&net, 3, &ti), AVLOC_ERR_NOT_FOUND);
    CHECK_EQ_INT(avloc_nn_output_info(&net, 2, &ti), AVLOC_ERR_NOT_FOUND);
    CHECK_EQ_INT(avloc_nn_tensor_info_at(&net, net.n_tensors, &ti), AVLOC_ERR_NOT_FOUND);
    CHECK_EQ_INT(avloc_nn_input_info(&net, 0, NULL), AVLOC_ERR_NULL);
    CHECK_EQ_INT(avloc_nn_node_name(&net, 0, name, 2), AVLOC_ERR_WORKSPACE);
    CHECK_EQ_INT(avloc_nn_node_name(&net, 0, name, sizeof name), AVLOC_OK);
    CHECK(strcmp(name, "m0") == 0);
    CHECK_EQ_INT(avloc_nn_node_name(&net, 3, name, sizeof name), AVLOC_ERR_NOT_FOUND);
    CHECK(avloc_nn_op_name(AVLOC_NN_OP_COUNT) == NULL && strcmp(avloc_nn_op_name(AVLOC_NN_CAT), "cat") == 0);
    avloc_nn_destroy(&net);
    CHECK_EQ_INT(avloc_nn_run_f32(&net, in, out, arena, sizeof arena, scratch, sizeof scratch), AVLOC_ERR_STATE);
    avloc_nn_destroy(NULL);
    free(mem);
    free(m);
}

static void rng_ones(void *user, float *eps, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) eps[i] = 1.0f;
    ++*(size_t *)user;
}

/* reparam with a caller RNG: mu + exp(logvar / 2) * eps, eps = 1 here. */
static void test_reparam_rng(void)
{
    size_t msize, iosize, obj, calls = 0, i, bad = 0;
    unsigned char *model = load("vq_reparam.safetensors", &msize), *iof = load("vq_reparam_io.safetensors", &iosize);
    avloc_st_reader io;
    avloc_nn net;
    void *mem;
    float z[60], lv[60], q[60], idx[15], m[60], *outs[3] = {q, idx, m};
    const float *ins[2] = {z, lv};
    if (!model || !iof || avloc_st_open(&io, iof, iosize) != AVLOC_OK) { CHECK(0); free(model); free(iof); return; }
    avloc_st_read_f32(&io, "in0", z, 60);
    avloc_st_read_f32(&io, "in1", lv, 60);
    CHECK_EQ_INT(avloc_nn_query(model, msize, &obj), AVLOC_OK);
    mem = malloc(obj);
    CHECK_EQ_INT(avloc_nn_init(&net, model, msize, mem, obj), AVLOC_OK);
    CHECK(net.arena_bytes <= 64 && net.scratch_bytes <= 64);
    {
        float arena[16], scratch[16];
        CHECK_EQ_INT(avloc_nn_run_rng_f32(&net, ins, outs, arena, sizeof arena, scratch, sizeof scratch, rng_ones, &calls), AVLOC_OK);
    }
    for (i = 0; i < 60; i++)
        if (fabsf(m[i] - (z[i] + expf(0.5f * lv[i]))) > 1e-5f * (1.0f + fabsf(m[i]))) bad++;
    CHECK_EQ_INT((int)bad, 0);
    CHECK(calls > 0);
    free(mem);
    free(model);
    free(iof);
}

int main(void)
{
    test_gemm();
    test_goldens();
    test_reparam_rng();
    test_init_shapes();
    test_bad_args();
    test_hostile();
    test_linear_paths();
    test_edge_cases();
    test_tanh_exact();
    test_truncation();
    test_fuzz();
#ifndef TEST_NN_SUITE
#define TEST_NN_SUITE "nn"
#endif
    return th_finish(TEST_NN_SUITE);
}
