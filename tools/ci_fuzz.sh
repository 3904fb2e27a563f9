#!/usr/bin/env bash
# CI step for issue 14 item 1 (fuzzing), run from the repository root.
# Needs: clang with its libFuzzer runtime (Debian: clang-14 ships
# libclang_rt.fuzzer-x86_64.a), the sanitizer runtimes; nothing else.
#  1. builds every harness of fuzz/ with libFuzzer + ASan + UBSan
#     (fuzz/Makefile: the library is compiled once, ~30 s CPU);
#  2. replays each committed corpus fuzz/corpus/<harness>/ (regression
#     inputs of fixed findings included: they must not fail again);
#  3. fuzzes each harness for FUZZ_SECONDS (default 2; 20 harnesses, run
#     $(nproc) at a time) from that corpus into a scratch copy.
# Any crash, sanitizer report, leak, timeout or broken invariant fails the
# step; the reproducer is left in $FUZZ_OUT (default build/fuzz/ci).
# Without the libFuzzer runtime it falls back to the replay programs built
# with the default compiler (corpus + 200 random mutations per file).
set -euo pipefail
FUZZ_SECONDS=${FUZZ_SECONDS:-2}
# a fixed seed: CI runs the same mutation sequence each time (a new finding
# shows up as a change, not at random); FUZZ_SEED=0 asks libFuzzer for a random one
FUZZ_SEED=${FUZZ_SEED:-1}
FUZZ_OUT=${FUZZ_OUT:-build/fuzz/ci}
CLANG=${CLANG:-clang}
HARNESSES=$(sed -n 's/^HARNESSES *:= *//p; s/^ \{13\}\([a-z_ ]*\)$/\1/p' fuzz/Makefile | tr -d '\\')
mkdir -p "$FUZZ_OUT"
root=$PWD

if echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
    | "$CLANG" -x c -fsanitize=fuzzer -o "$FUZZ_OUT/probe" - 2>/dev/null; then
    make -s -f fuzz/Makefile fuzzers CLANG="$CLANG" -j2
    # one harness: replay its committed corpus, then fuzz; the verdict goes to
    # $work/result (the harnesses run $(nproc) at a time, reported in order)
    fuzz_one() {
        local h=$1 bin seeds work log runs cov
        bin=$root/build/fuzz/lf/fuzz_$h
        seeds=$root/fuzz/corpus/$h
        work="$FUZZ_OUT/$h"
        rm -rf "$work"; mkdir -p "$work/corpus"
        log="$work/log"
        # replay the committed corpus (exits non-zero on any failure)
        if ! (cd "$work" && "$bin" -runs=0 -close_fd_mask=3 "$seeds") >"$log.replay" 2>&1; then
            { echo "ci_fuzz: $h: committed corpus fails"; tail -n 30 "$log.replay"; } >"$work/result"; return 1
        fi
        if ! (cd "$work" && "$bin" -seed="$FUZZ_SEED" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=1024 \
              -close_fd_mask=3 -print_final_stats=1 corpus "$seeds") >"$log" 2>&1; then
            { echo "ci_fuzz: $h: FAILED (reproducer in $work)"
              grep -E 'ERROR|invariant|runtime error|Test unit' "$log" | head -5; } >"$work/result"; return 1
        fi
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
        echo "ci_fuzz: $h: ok, $runs runs, $cov" >"$work/result"
    }
    fail=0
    jobs_max=$(nproc 2>/dev/null || echo 2)
    pids=()
    for h in $HARNESSES; do
        fuzz_one "$h" & pids+=($!)
        while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do sleep 0.2; done
    done
    for p in "${pids[@]}"; do wait "$p" || fail=1; done
    for h in $HARNESSES; do cat "$FUZZ_OUT/$h/result"; done
    exit $fail
fi

echo "ci_fuzz: no libFuzzer runtime for $CLANG: replay + random mutation with the default compiler"
make -s -f fuzz/Makefile replay -j2
for h in $HARNESSES; do
    build/fuzz/rp/replay_$h -mutate=200 fuzz/corpus/$h
done
