/* fuzz.h - shared helpers of the avloc fuzz harnesses (fuzz/README.md).

   Every harness is a function `int fz_<name>(const uint8_t *data, size_t size)`
   in fuzz/targets.c. fuzz/driver.c turns one of them into a libFuzzer target
   (LLVMFuzzerTestOneInput) or, built without libFuzzer, into a replay
   program (fuzz/replay.c: runs corpus files, optional random mutation).
   A harness returns 0; a broken invariant calls fz_fail(), which aborts so
   that libFuzzer and the replay driver both report it as a crash. */
#ifndef AVLOC_FUZZ_H
#define AVLOC_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int (*fz_fn)(const uint8_t *data, size_t size);
typedef struct fz_target {
    const char *name;
    fz_fn fn;
} fz_target;

/* NULL-terminated table of every harness (fuzz/targets.c). */
extern const fz_target fz_targets[];
/* The harness called `name`, NULL if none. */
fz_fn fz_find(const char *name);

#ifdef __cplusplus
}
#endif
#endif
