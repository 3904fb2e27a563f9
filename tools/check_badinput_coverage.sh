#!/usr/bin/env bash
# tools/check_badinput_coverage.sh - every public function of every header
# must have at least one bad-input case in tests/test_badinput.c (issue 14,
# item 2). The public functions are the names declared or defined on an
# `AVLOC_API` line of the six headers (the GEMM's AVLOC__GF(avloc_gemm) and
# AVLOC__GF(avloc_gemm_scratch) expand to the _f32 and _f64 names); a name
# counts as covered when it appears as `name(` in the test. A new public
# function without a case fails this script and names itself.
# Usage: tools/check_badinput_coverage.sh [--list]   (from the repo root)
set -euo pipefail
headers="avloc.h avloc_dsp.h avloc_gllim.h avloc_mp.h avloc_rpca.h avloc_nn.h"
test_file=tests/test_badinput.c
names=$( {
    grep -hE "^AVLOC_API" $headers | sed -E "s/\(.*//" | grep -oE "\bavloc_[a-z0-9_]+ *$" | tr -d " "
    # AVLOC__GF(name): instantiated once per precision
    grep -hE '^AVLOC_API.*AVLOC__GF\(avloc_[a-z0-9_]+\)' $headers |
        grep -oE 'AVLOC__GF\(avloc_[a-z0-9_]+\)' | sed -E 's/AVLOC__GF\((.*)\)/\1_f32\n\1_f64/'
} | sort -u)
if [ "${1:-}" = "--list" ]; then echo "$names"; exit 0; fi
total=0; missing=0
for f in $names; do
    total=$((total + 1))
    if ! grep -qE "\\b$f *\\(" "$test_file"; then
        echo "no bad-input case for public function: $f" >&2
        missing=$((missing + 1))
    fi
done
echo "check_badinput_coverage: $((total - missing)) of $total public functions have bad-input cases"
[ "$missing" -eq 0 ]
