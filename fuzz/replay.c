/* replay.c - main() for a harness built without libFuzzer (gcc, or a clang
   without the libFuzzer runtime): runs every file given (directories are
   walked one level, names sorted) through LLVMFuzzerTestOneInput, each input
   in a buffer of exactly its size so sanitizers see overreads.

     replay_wav [-mutate=N] [-seed=S] FILE|DIR...

   -mutate=N additionally runs N random mutations of each file (byte flips,
   interesting bytes, inserts, deletes, length-field bit flips, truncation):
   the fallback fuzzer when libFuzzer is not available. Prints one summary
   line; a harness failure aborts (exit status != 0). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t rp_state = 88172645463325252ull;
static uint32_t rp_rand(void) /* xorshift64 */
{
    rp_state ^= rp_state << 13;
    rp_state ^= rp_state >> 7;
    rp_state ^= rp_state << 17;
    return (uint32_t)(rp_state >> 16);
}

/* Runs data[0..n) from an exact-size heap copy. */
static void rp_run(const unsigned char *data, size_t n)
{
    unsigned char *c = (unsigned char *)malloc(n ? n : 1);
    if (!c) abort();
    if (n) memcpy(c, data, n);
    LLVMFuzzerTestOneInput(c, n);
    free(c);
}

/* One random mutant of src (n bytes) in m (room for n + 16), its size returned. */
static size_t rp_mutate(const unsigned char *src, size_t n, unsigned char *m)
{
    static const unsigned char interesting[] = {0, 1, 0x7f, 0x80, 0xff, '{', '}', '"', ':', ',', '[', ']',
                                                '0', '9', '-', 'e', ' ', '\n'};
    size_t size = n, k, nmut = 1 + rp_rand() % 4;
    memcpy(m, src, n);
    for (k = 0; k < nmut; k++) {
        unsigned op = rp_rand() % 8;
        size_t pos = size ? rp_rand() % size : 0;
        if (op <= 1 && size) m[pos] = (unsigned char)rp_rand();
        else if (op == 2 && size) m[pos] ^= (unsigned char)(1u << (rp_rand() % 8));
        else if (op == 3 && size) m[pos] = interesting[rp_rand() % sizeof interesting];
        else if (op == 4 && size) { memmove(m + pos, m + pos + 1, size - pos - 1); size--; }
        else if (op == 5 && size < n + 16) { memmove(m + pos + 1, m + pos, size - pos); m[pos] = (unsigned char)rp_rand(); size++; }
        else if (op == 6 && size >= 8) m[rp_rand() % 8] ^= (unsigned char)(1u << (rp_rand() % 8));
        else if (op == 7 && size) size = rp_rand() % size; /* truncate */
    }
    return size;
}

static unsigned char *rp_read(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t cap = 0, len = 0, got;
    if (!f) return NULL;
    do {
        if (len == cap) {
            unsigned char *nb = (unsigned char *)realloc(buf, cap = cap ? 2 * cap : 4096);
            if (!nb) { free(buf); fclose(f); return NULL; }
            buf = nb;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
    } while (got);
    fclose(f);
    *n = len;
    return buf;
}

static size_t rp_files, rp_mutants;
static unsigned long rp_mutate_n;

static void rp_file(const char *path)
{
    size_t n = 0, k;
    unsigned char *buf = rp_read(path, &n), *m;
    if (!buf) { fprintf(stderr, "replay: cannot read %s\n", path); exit(2); }
    rp_run(buf, n);
    rp_files++;
    m = (unsigned char *)malloc(n + 16);
    if (!m) abort();
    for (k = 0; k < rp_mutate_n; k++) {
        rp_run(m, rp_mutate(buf, n, m));
        rp_mutants++;
    }
    free(m);
    free(buf);
}

static int rp_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void rp_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    if (!d) { fprintf(stderr, "replay: cannot open %s\n", dir); exit(2); }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (n == cap) {
            char **nn = (char **)realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *names);
            if (!nn) abort();
            names = nn;
        }
        names[n] = (char *)malloc(strlen(dir) + strlen(e->d_name) + 2);
        if (!names[n]) abort();
        sprintf(names[n], "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, rp_cmp);
    for (i = 0; i < n; i++) {
        rp_file(names[i]);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    int i;
    for (i = 1; i < argc; i++) {
        struct stat st;
        if (!strncmp(argv[i], "-mutate=", 8)) { rp_mutate_n = strtoul(argv[i] + 8, NULL, 10); continue; }
        if (!strncmp(argv[i], "-seed=", 6)) { rp_state = strtoull(argv[i] + 6, NULL, 10) | 1u; continue; }
        if (argv[i][0] == '-') continue; /* libFuzzer flags are ignored */
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) rp_dir(argv[i]);
        else rp_file(argv[i]);
    }
    fprintf(stderr, "replay: %lu inputs, %lu mutants, no failure\n", (unsigned long)rp_files, (unsigned long)rp_mutants);
    return 0;
}
