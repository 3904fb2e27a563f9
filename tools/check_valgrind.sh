#!/usr/bin/env bash
# tools/check_valgrind.sh - valgrind memcheck over the fast test programs
# (issue 14, item 2: "nothing reads uninitialised memory"). Each program is
# built with -O1 -g (memcheck wants debug info; -O1 keeps it quick) and run
# under `valgrind --error-exitcode=1 --track-origins=no`: an invalid read or
# write, a conditional jump on uninitialised memory, or an invalid free fails
# the script. Leaks are not checked: the library never allocates (proved by
# tests/test_noalloc.c), and the tests' own buffers are not the subject.
#
# Which programs, and why (budget: well under 60 s of CI on 2 cores):
#   test_badinput    every public function with bad input (the error paths)
#   test_core        arena, layout, Cholesky, results
#   test_safetensors the container parser on hostile files
#   test_window_stft windows, STFT/iSTFT and their streams
#   test_mel         mel filterbank, MFCC, melspec streams
#   test_binaural_gcc binaural features and GCC-PHAT
#   test_io          the WAV/Y4M/NPY readers of the CLI
# The FFT kernels run inside all of these (every STFT, mel and GCC call).
# Left out: test_fft (14 000 checks over every size class: minutes under
# memcheck; ASan/UBSan cover it), the EM/RPCA/NN/GEMM suites (tens of seconds natively under
# sanitizers, minutes under memcheck), test_noalloc (interposes malloc as
# valgrind does), test_threads (valgrind serialises threads; TSan covers it),
# the CLI tests (spawn processes). Override with VALGRIND_TESTS="...".
# Usage: tools/check_valgrind.sh   (from the repo root; needs valgrind)
set -euo pipefail
BUILD=${BUILD:-build/valgrind}
TESTS=${VALGRIND_TESTS:-"test_badinput test_core test_safetensors test_window_stft test_mel test_binaural_gcc test_io"}
command -v valgrind >/dev/null || { echo "check_valgrind: valgrind not installed" >&2; exit 1; }
targets=""
for t in $TESTS; do targets="$targets $BUILD/tests/$t"; done
make -s -j2 BUILD="$BUILD" CFLAGS="-O1 -g" $targets
# vg_one TEST: one program under memcheck, its line printed, status returned
vg_one() {
    local t=$1 start
    start=$(date +%s)
    if valgrind -q --error-exitcode=1 --track-origins=no --leak-check=no "$BUILD/tests/$t" >"$BUILD/tests/$t.vg.log" 2>&1; then
        echo "check_valgrind: $t clean ($(( $(date +%s) - start )) s; $(tail -n 1 "$BUILD/tests/$t.vg.log"))"
    else
        echo "check_valgrind: $t FAILED under memcheck:" >&2
        { grep -E "==[0-9]+==|FAIL" "$BUILD/tests/$t.vg.log" || tail -n 5 "$BUILD/tests/$t.vg.log"; } | head -40 >&2 || true
        return 1
    fi
}
# two lanes (every other program each): memcheck is single-threaded and CI has 2 cores
lane() {
    local rc=0 t
    for t in "$@"; do vg_one "$t" || rc=1; done
    return $rc
}
set -- $TESTS
even=(); odd=(); i=0
for t in "$@"; do if [ $((i % 2)) -eq 0 ]; then even+=("$t"); else odd+=("$t"); fi; i=$((i + 1)); done
fail=0
lane "${even[@]}" & p1=$!
if [ ${#odd[@]} -gt 0 ]; then lane "${odd[@]}" & p2=$!; else p2=; fi
wait $p1 || fail=1
if [ -n "$p2" ]; then wait $p2 || fail=1; fi
exit $fail
