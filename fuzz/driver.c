/* driver.c - one harness of fuzz/targets.c as a libFuzzer target.
   Built with -DFZ_NAME='"wav"' (the harness name). The same object links
   with fuzz/replay.c (a main that runs files) for builds without libFuzzer. */
#include "fuzz.h"
#include <stdio.h>
#include <stdlib.h>

#ifndef FZ_NAME
#error "define FZ_NAME, e.g. -DFZ_NAME='\"wav\"'"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fz_fn fn; /* looked up once: the table is constant */
    if (!fn && !(fn = fz_find(FZ_NAME))) {
        fprintf(stderr, "no harness named %s\n", FZ_NAME);
        abort();
    }
    return fn(data, size);
}
