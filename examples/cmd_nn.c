/* cmd_nn.c - `avloc nn info|run`: networks in the avloc network format
   (docs/nn_format.md) run with avloc_nn.h. Included by avloc.c.

     avloc nn info MODEL.safetensors
     avloc nn run --model MODEL.safetensors --input X.npy [--input Y.npy ...] -o OUT.npy [--output NAME]

   Inputs are float32 (or float64, converted) C-order .npy files in the
   graph's input order, each with exactly the input's shape; the output is
   a float32 .npy of the chosen graph output (default: the first). */

/* Model file -> initialised net (obj memory returned in *mem). */
static int nn_load(const char *cmd, const char *path, unsigned char **file, size_t *size, avloc_nn *net, void **mem)
{
    size_t obj = 0;
    avloc_nn_error err;
    avloc_result r;
    avloc_io_status s = avloc_io_read_file(path, file, size);
    *mem = NULL;
    if (s != AVLOC_IO_OK) {
        avcli_error(cmd, "%s: %s%s%s", path, avloc_io_strerror(s), s == AVLOC_IO_ERR_OPEN ? ": " : "",
                    s == AVLOC_IO_ERR_OPEN ? strerror(errno) : "");
        return 0;
    }
    r = avloc_nn_query(*file, *size, &obj);
    if (r == AVLOC_OK) {
        *mem = avcli_malloc(cmd, obj, 1);
        if (!*mem) return 0;
    }
    /* init also when the query failed: it names the reason */
    r = avloc_nn_init_ex(net, *file, *size, *mem, *mem ? obj : 0, &err);
    if (r != AVLOC_OK) {
        if (err.node >= 0) avcli_error(cmd, "%s: node %ld (%s): %s", path, err.node, err.name, err.msg);
        else avcli_error(cmd, "%s: %s", path, err.msg);
        return 0;
    }
    return 1;
}

static void nn_print_shape(const avloc_nn_tensor_info *ti)
{
    int d;
    printf("[");
    for (d = 0; d < ti->ndim; d++) printf("%s%lu", d ? ", " : "", (unsigned long)ti->shape[d]);
    printf("]");
}

/* The graph's inputs (or outputs) with their shapes. */
static void nn_print_io(const avloc_nn *net, int outputs)
{
    size_t k, n = outputs ? net->n_outputs : net->n_inputs;
    printf("%s:\n", outputs ? "outputs" : "inputs");
    for (k = 0; k < n; k++) {
        avloc_nn_tensor_info ti;
        if (outputs) avloc_nn_output_info(net, k, &ti);
        else avloc_nn_input_info(net, k, &ti);
        printf("  %s ", ti.name);
        nn_print_shape(&ti);
        printf("\n");
    }
}

static int cmd_nn_info(int argc, char **argv)
{
    const char *cmd = argv[0], *pos[1];
    avcli_opt o[1];
    int npos, pr, rc = AVCLI_EXIT_FAIL;
    unsigned char *file = NULL;
    size_t size, i, k;
    avloc_nn net;
    void *mem = NULL;
    pr = avcli_parse(argc, argv, o, 0, pos, 1, &npos, "MODEL.safetensors",
                     "Print a network's graph (op, module name, input -> output shapes), its weight\n"
                     "bytes and the exact arena and scratch bytes one inference needs.");
    if (pr <= 0) return pr == 0 ? AVCLI_EXIT_OK : AVCLI_EXIT_USAGE;
    if (npos != 1) { avcli_error(cmd, "expected one MODEL.safetensors; see '%s --help'", cmd); return AVCLI_EXIT_USAGE; }
    if (!nn_load(cmd, pos[0], &file, &size, &net, &mem)) goto done;
    nn_print_io(&net, 0);
    printf("nodes:\n");
    for (i = 0; i < net.n_nodes; i++) {
        const avloc_nn_node *nd = &net.nodes[i];
        char name[128];
        avloc_nn_node_name(&net, i, name, sizeof name);
        printf("  %3lu %-20s %-16s", (unsigned long)i, avloc_nn_op_name(nd->op), name);
        for (k = 0; k < nd->n_in + nd->n_out; k++) {
            avloc_nn_tensor_info ti;
            avloc_nn_tensor_info_at(&net, net.edges[k < nd->n_in ? nd->in0 + k : nd->out0 + k - nd->n_in], &ti);
            printf("%s%s ", k == nd->n_in ? " -> " : k ? ", " : "", ti.name);
            nn_print_shape(&ti);
        }
        printf("\n");
    }
    nn_print_io(&net, 1);
    printf("weight bytes: %lu (%lu misaligned weights, copied per run)\n", (unsigned long)net.weight_bytes,
           (unsigned long)net.n_copied_weights);
    printf("arena bytes: %lu (liveness lower bound %lu)\n", (unsigned long)net.arena_bytes,
           (unsigned long)net.arena_lower_bound);
    printf("scratch bytes: %lu\n", (unsigned long)net.scratch_bytes);
    rc = AVCLI_EXIT_OK;
done:
    free(mem);
    free(file);
    return rc;
}

/* A float32/float64 little-endian C-order .npy into malloc'd floats. */
static int nn_read_npy(const char *cmd, const char *path, float **x, size_t *shape, int *ndim)
{
    unsigned char *buf = NULL;
    size_t len, hl, off, n = 1, i, es, nb;
    const char *d, *s;
    char hdr[1024];
    int ok = 0;
    avloc_io_status st = avloc_io_read_file(path, &buf, &len);
    *x = NULL;
    *ndim = 0;
    if (st != AVLOC_IO_OK) { avcli_error(cmd, "%s: %s", path, avloc_io_strerror(st)); return 0; }
    if (len < 10 || memcmp(buf, "\x93NUMPY", 6) != 0) goto bad;
    hl = buf[8] | (size_t)buf[9] << 8;
    off = 10;
    if (buf[6] >= 2) {
        if (len < 12) goto bad;
        hl |= (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
        off = 12;
    }
    if (hl >= sizeof hdr || off + hl > len) goto bad;
    memcpy(hdr, buf + off, hl);
    hdr[hl] = 0;
    off += hl;
    d = strstr(hdr, "'descr':");
    s = strstr(hdr, "'shape':");
    if (!d || !s || strstr(hdr, "'fortran_order': True")) goto bad;
    if (strstr(d, "'<f4'")) es = 4;
    else if (strstr(d, "'<f8'")) es = 8;
    else { avcli_error(cmd, "%s: only float32/float64 little-endian .npy are read", path); goto done; }
    s = strchr(s, '(');
    if (!s) goto bad;
    for (s++; *s && *s != ')';) {
        char *e;
        unsigned long v;
        while (*s == ' ' || *s == ',') s++;
        if (*s == ')') break;
        v = strtoul(s, &e, 10);
        if (e == s || *ndim >= AVLOC_NN_MAX_NDIM || !avloc_size_mul(n, v, &n)) goto bad;
        shape[(*ndim)++] = v;
        s = e;
    }
    if (!avloc_size_mul(n, es, &nb) || len - off < nb) goto bad; /* n * es can wrap on 32 bits */
    *x = (float *)avcli_malloc(cmd, n, sizeof(float));
    if (!*x) goto done;
    for (i = 0; i < n; i++) {
        if (es == 4) memcpy(*x + i, buf + off + 4 * i, 4);
        else {
            double v;
            memcpy(&v, buf + off + 8 * i, 8);
            (*x)[i] = (float)v;
        }
    }
    ok = 1;
    goto done;
bad:
    avcli_error(cmd, "%s: not a readable .npy file", path);
done:
    free(buf);
    return ok;
}

#define NN_MAX_IO 16

static int cmd_nn_run(int argc, char **argv)
{
    const char *cmd = argv[0], *pos[1], *model = NULL, *out = NULL, *oname = NULL, *ins[NN_MAX_IO], *unused = NULL;
    char **rest;
    avcli_opt o[4];
    int npos, pr, rc = AVCLI_EXIT_FAIL, nrest = 0, nin = 0, i;
    unsigned char *file = NULL;
    size_t size, k, which = 0;
    avloc_nn net;
    void *mem = NULL, *arena = NULL, *scratch = NULL;
    float *x[NN_MAX_IO], *y[NN_MAX_IO];
    size_t shapes[NN_MAX_IO][AVLOC_NN_MAX_NDIM], mem_bytes = 0;
    const size_t *shape_ptr[NN_MAX_IO];
    size_t batch = 1, b, in_n[NN_MAX_IO], out_n[NN_MAX_IO];
    int resized = 0;
    memset(x, 0, sizeof x);
    memset(y, 0, sizeof y);
    /* --input repeats: collect it here, the rest goes to avcli_parse */
    rest = (char **)avcli_malloc(cmd, (size_t)argc + 1, sizeof *rest);
    if (!rest) return AVCLI_EXIT_FAIL;
    for (i = 0; i < argc; i++) {
        const char *v = NULL;
        if (i > 0 && strcmp(argv[i], "--input") == 0 && i + 1 < argc) v = argv[++i];
        else if (i > 0 && strncmp(argv[i], "--input=", 8) == 0) v = argv[i] + 8;
        if (!v) { rest[nrest++] = argv[i]; continue; }
        if (nin >= NN_MAX_IO) { avcli_error(cmd, "at most %d --input files", NN_MAX_IO); free(rest); return AVCLI_EXIT_USAGE; }
        ins[nin++] = v;
    }
    rest[nrest] = NULL;
    o[0] = avcli_string("--model", &model, "MODEL", "network file (.safetensors, avloc network format; required)");
    o[1] = avcli_string("--input", &unused, "X.npy", "graph input, float32 NCHW .npy; once per input, in the graph's order");
    o[2] = avcli_alias(avcli_string("--out", &out, "OUT.npy", "output .npy (required)"), "-o");
    o[3] = avcli_string("--output", &oname, "NAME", "which graph output to write (default: the first)");
    pr = avcli_parse(nrest, rest, o, 4, pos, 0, &npos,
                     "--model MODEL.safetensors --input X.npy [--input Y.npy ...] -o OUT.npy [--output NAME]",
                     "Run a network on float32 NCHW .npy inputs and write one output as a float32\n"
                     ".npy. Inputs of another size than the file's (same rank) re-plan the network\n"
                     "for them (fully convolutional nets). A batch of N (every input's first\n"
                     "dimension N) runs the batch-1 network N times; the output stacks them.");
    free(rest);
    if (pr <= 0) return pr == 0 ? AVCLI_EXIT_OK : AVCLI_EXIT_USAGE;
    if (!model || !out) { avcli_error(cmd, "--model and -o are required; see '%s --help'", cmd); return AVCLI_EXIT_USAGE; }
    if (!nn_load(cmd, model, &file, &size, &net, &mem)) goto done;
    avloc_nn_query(file, size, &mem_bytes);
    if ((size_t)nin != net.n_inputs || net.n_outputs > NN_MAX_IO) {
        avcli_error(cmd, "%s has %lu input(s), %d --input given", model, (unsigned long)net.n_inputs, nin);
        rc = AVCLI_EXIT_USAGE;
        goto done;
    }
    for (k = 0; k < net.n_inputs; k++) { /* same rank as the file's; other sizes re-plan the net */
        avloc_nn_tensor_info ti;
        int nd;
        avloc_nn_input_info(&net, k, &ti);
        if (!nn_read_npy(cmd, ins[k], &x[k], shapes[k], &nd)) goto done;
        if (nd != ti.ndim) {
            avcli_error(cmd, "%s: %d dimensions, input '%s' has %d", ins[k], nd, ti.name, ti.ndim);
            goto done;
        }
        if (k == 0) batch = shapes[0][0];
        if (shapes[k][0] != batch || batch == 0) {
            avcli_error(cmd, "%s: first dimension %lu, the batch is %lu", ins[k], (unsigned long)shapes[k][0], (unsigned long)batch);
            goto done;
        }
        shapes[k][0] = 1; /* the library runs batch 1: a batch is N runs */
        for (in_n[k] = 1, i = 1; i < nd; i++) in_n[k] *= shapes[k][i]; /* one sample (the file's n fitted) */
        resized |= memcmp(shapes[k], ti.shape, (size_t)nd * sizeof shapes[k][0]) != 0;
        shape_ptr[k] = shapes[k];
    }
    if (resized) {
        avloc_nn_error err;
        if (avloc_nn_init_shapes(&net, file, size, shape_ptr, mem, mem_bytes, &err) != AVLOC_OK) {
            avcli_error(cmd, "%s with these input shapes: node %ld (%s): %s", model, err.node, err.name, err.msg);
            goto done;
        }
    }
    for (k = 0; k < net.n_outputs; k++) {
        avloc_nn_tensor_info ti;
        avloc_nn_output_info(&net, k, &ti);
        if (oname && strcmp(oname, ti.name) == 0) which = k;
        out_n[k] = ti.numel;
        if (!(y[k] = (float *)avcli_malloc(cmd, ti.numel, batch * sizeof(float)))) goto done;
    }
    if (oname) {
        avloc_nn_tensor_info ti;
        avloc_nn_output_info(&net, which, &ti);
        if (strcmp(oname, ti.name) != 0) { avcli_error(cmd, "no graph output named '%s'", oname); rc = AVCLI_EXIT_USAGE; goto done; }
    }
    arena = avcli_malloc(cmd, net.arena_bytes, 1);
    scratch = avcli_malloc(cmd, net.scratch_bytes, 1);
    if (!arena || !scratch) goto done;
    for (b = 0; b < batch; b++) { /* sample b of every input and output */
        const float *xb[NN_MAX_IO];
        float *yb[NN_MAX_IO];
        avloc_result r;
        for (k = 0; k < net.n_inputs; k++) xb[k] = x[k] + b * in_n[k];
        for (k = 0; k < net.n_outputs; k++) yb[k] = y[k] + b * out_n[k];
        r = avloc_nn_run_f32(&net, xb, yb, arena, net.arena_bytes, scratch, net.scratch_bytes);
        if (r != AVLOC_OK) { avcli_error(cmd, "inference failed on sample %lu: %s", (unsigned long)b, avloc_result_str(r)); goto done; }
    }
    {
        avloc_nn_tensor_info ti;
        avloc_nn_output_info(&net, which, &ti);
        if (batch > 1 && ti.shape[0] != 1) {
            avcli_error(cmd, "output '%s' has no batch dimension (shape[0] = %lu): run the samples one by one", ti.name, (unsigned long)ti.shape[0]);
            goto done;
        }
        ti.shape[0] *= batch;
        if (!avcli_check_write(cmd, out, avloc_io_npy_save_f32(out, y[which], ti.shape, ti.ndim))) goto done;
    }
    rc = AVCLI_EXIT_OK;
done:
    for (k = 0; k < NN_MAX_IO; k++) { free(x[k]); free(y[k]); }
    free(arena);
    free(scratch);
    free(mem);
    free(file);
    return rc;
}

static const avcli_cmd cmd_nn_sub[] = {
    {"info", "MODEL.safetensors", "graph, shapes, weight, arena and scratch bytes", cmd_nn_info, NULL},
    {"run", "--model M --input X.npy -o OUT.npy", "run a network on .npy inputs", cmd_nn_run, NULL},
    {NULL, NULL, NULL, NULL, NULL}};
static const avcli_cmd cmd_nn_table[] = {
    {"nn", "info|run ...", "fixed-weight network inference (avloc_nn.h)", NULL, cmd_nn_sub},
    {NULL, NULL, NULL, NULL, NULL}};
