/* bench_nn.c - batch-1 inference time of one network file with avloc_nn.h
   on one thread: best processor time of N runs (bench/bench_nn.py runs it
   next to torch).
   usage: bench_nn MODEL.safetensors [N [profile]]
   With "profile": each node's best time too (op, output shape, ms), from
   the runtime's AVLOC_NN_NODE_DONE hook. */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include "bench_util.h"
#define AVLOC_NN_NODE_DONE(net, i) bench_node_done(i)
static double bench_t_last, bench_node_best[4096];
static int bench_profile;
static void bench_node_done(size_t i)
{
    double t;
    if (!bench_profile || i >= 4096) return;
    t = cpu_s();
    if (t - bench_t_last < bench_node_best[i]) bench_node_best[i] = t - bench_t_last;
    bench_t_last = cpu_s();
}
#define AVLOC_IMPLEMENTATION
#include "../avloc_nn.h"

int main(int argc, char **argv)
{
    FILE *f;
    long n;
    unsigned char *file;
    size_t obj, k;
    avloc_nn net;
    avloc_nn_error err;
    const float *in[16];
    float *out[16];
    void *mem, *arena, *scratch;
    int i, iters = argc > 2 ? atoi(argv[2]) : 20;
    double best = 1e30;
    if (argc < 2 || !(f = fopen(argv[1], "rb"))) { fprintf(stderr, "usage: bench_nn MODEL [N]\n"); return 2; }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    file = (unsigned char *)malloc((size_t)n);
    if (fread(file, 1, (size_t)n, f) != (size_t)n) return 1;
    fclose(f);
    if (avloc_nn_query(file, (size_t)n, &obj) != AVLOC_OK) return 1;
    mem = malloc(obj);
    if (avloc_nn_init_ex(&net, file, (size_t)n, mem, obj, &err) != AVLOC_OK) { fprintf(stderr, "%s\n", err.msg); return 1; }
    if (net.n_inputs > 16 || net.n_outputs > 16) return 1;
    for (k = 0; k < net.n_inputs; k++) {
        avloc_nn_tensor_info ti;
        float *x;
        avloc_nn_input_info(&net, k, &ti);
        x = (float *)malloc(ti.numel * sizeof(float));
        for (i = 0; (size_t)i < ti.numel; i++) x[i] = (float)((i * 7919) % 1000) / 1000.0f - 0.5f;
        in[k] = x;
    }
    for (k = 0; k < net.n_outputs; k++) {
        avloc_nn_tensor_info ti;
        avloc_nn_output_info(&net, k, &ti);
        out[k] = (float *)malloc(ti.numel * sizeof(float));
    }
    arena = malloc(net.arena_bytes + 1);
    scratch = malloc(net.scratch_bytes + 1);
    bench_profile = argc > 3;
    for (k = 0; k < 4096; k++) bench_node_best[k] = 1e30;
    for (i = 0; i < iters; i++) {
        double t0 = cpu_s(), t; /* processor time: immune to other jobs on a shared machine */
        bench_t_last = t0;
        if (avloc_nn_run_f32(&net, in, out, arena, net.arena_bytes, scratch, net.scratch_bytes) != AVLOC_OK) return 1;
        t = cpu_s() - t0;
        if (t < best) best = t;
    }
    for (k = 0; bench_profile && k < net.n_nodes && k < 4096; k++) {
        avloc_nn_tensor_info ti;
        avloc_nn_tensor_info_at(&net, net.edges[net.nodes[k].out0], &ti);
        fprintf(stderr, "%3u %-18s %4u %4u %4u %4u %8.3f ms\n", (unsigned)k, avloc_nn_op_name(net.nodes[k].op),
                (unsigned)ti.shape[0], (unsigned)ti.shape[1], ti.ndim > 2 ? (unsigned)ti.shape[2] : 0,
                ti.ndim > 3 ? (unsigned)ti.shape[3] : 0, bench_node_best[k] * 1e3);
    }
    printf("%.6f %lu %lu %lu %lu\n", best, (unsigned long)net.arena_bytes, (unsigned long)net.arena_lower_bound,
           (unsigned long)net.scratch_bytes, (unsigned long)net.weight_bytes);
    return 0;
}
