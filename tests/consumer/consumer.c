/* A program built against an installed (or add_subdirectory'd) avloc: checks
   that the headers are found, the implementation links (libm included), and
   that the version the build system reports matches the headers' macros
   (run by tools/check_install.sh). */
#define AVLOC_IMPLEMENTATION
#include "avloc_dsp.h"
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    /* 1009 is prime: the good size above it must be 5-smooth and larger */
    size_t good = avloc_fft_next_fast_size(1009);
    if (good < 1009) return 1;
    printf("avloc %s (next fast FFT size after 1009: %lu; %s)\n", AVLOC_VERSION_STRING,
           (unsigned long)good, avloc_result_str(AVLOC_OK));
    if (argc > 1 && strcmp(argv[1], AVLOC_VERSION_STRING) != 0) {
        fprintf(stderr, "version mismatch: build system says %s, headers say %s\n",
                argv[1], AVLOC_VERSION_STRING);
        return 1;
    }
    return 0;
}
