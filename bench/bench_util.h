/* bench/bench_util.h - clocks shared by the benchmarks. Include first
   (before any system header) so _POSIX_C_SOURCE takes effect. */
#ifndef AVLOC_BENCH_UTIL_H
#define AVLOC_BENCH_UTIL_H
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 199309L
#endif
#include <time.h>

#if defined(__GNUC__) || defined(__clang__)
#define BENCH_FN static __attribute__((unused))
#else
#define BENCH_FN static
#endif

/* Wall-clock seconds (monotonic). */
BENCH_FN double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Processor time of this process in seconds: immune to other jobs on a
   shared machine, which is why the single-thread benchmarks prefer it. */
BENCH_FN double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
#endif
