#!/usr/bin/env bash
# tools/ci_badin.sh - CI step for issue 14 items 2 and 5 (bad input,
# memcheck, determinism). Runs from the repository root; needs gcc, clang,
# valgrind (apt: build-essential clang valgrind). tests/test_badinput.c
# itself runs in `make test` with the rest of the suite.
#   1. every public function has a bad-input case
#   2. memcheck over the fast test programs (tools/check_valgrind.sh)
#   3. determinism: 3 identical runs, gcc -O0 / clang -O2 / Cortex-M4F (qemu) against gcc -O2
set -euo pipefail
tools/check_badinput_coverage.sh
tools/check_valgrind.sh
tools/check_determinism.sh
