/* tests/rel_util.h - the test-side memory and inputs that tests/test_noalloc.c
   and tests/test_threads.c share: a zeroed block (exit on failure), a
   deterministic test signal, a golden nn file read whole. Include after
   harness.h. */
#ifndef AVLOC_TEST_REL_UTIL_H
#define AVLOC_TEST_REL_UTIL_H

TH_FN void *rel_buf(size_t bytes)
{
    void *p = calloc(1, bytes ? bytes : 1);
    if (!p) { fprintf(stderr, "out of memory\n"); exit(2); }
    return p;
}

/* n samples of uniform noise in [-0.5, 0.5) plus a slow sine, from seed. */
TH_FN float *rel_signal(size_t n, unsigned seed)
{
    float *x = (float *)rel_buf(n * sizeof(float));
    size_t i;
    for (i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        x[i] = (float)((double)(seed >> 8) / 16777216.0 - 0.5) + 0.3f * (float)sin(0.05 * (double)i);
    }
    return x;
}

/* tests/golden/nn/<name> in a rel_buf block (NULL when unreadable). */
TH_FN unsigned char *rel_load_nn(const char *name, size_t *size)
{
    char path[512];
    FILE *f;
    long n;
    unsigned char *p;
    snprintf(path, sizeof path, "%snn/%s", TH_GOLDEN_DIR, name);
    f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END); n = ftell(f); fseek(f, 0, SEEK_SET);
    p = n > 0 ? (unsigned char *)rel_buf((size_t)n) : NULL;
    if (p && fread(p, 1, (size_t)n, f) != (size_t)n) { free(p); p = NULL; }
    fclose(f);
    *size = (size_t)n;
    return p;
}

#endif
