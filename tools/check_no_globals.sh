#!/usr/bin/env bash
# "No globals, no hidden state": every header's implementation, compiled as
# a default x86-64 build (every SIMD set of the dispatch) and for AArch64
# (NEON), must define no object in
# a writable section (.data, .bss, .tbss/.tdata, .data.rel without .ro).
# Read-only tables (.rodata, and .data.rel.ro: pointer tables that are
# read-only once relocated) are fine. Fails listing the offending symbols;
# a planted `static int` shows the check can fail.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
WRITABLE='[[:space:]](\.data|\.bss|\.tbss|\.tdata|\.data\.rel|\.data\.rel\.local|COMMON)[[:space:]]'
check() { # $1: label, $2: compiler, $3...: flags; reads the source on stdin
    local label=$1 cc=$2 obj="$tmp/o.o"
    shift 2
    "$cc" -x c -std=c99 -O2 -I. "$@" -c - -o "$obj"
    objdump -t "$obj" | grep -E "$WRITABLE" | grep -vE '[[:space:]]\.(data|bss)[[:space:]]+0+[[:space:]]' || true
}
bad=0
for h in avloc*.h; do
    src=$(printf '#define AVLOC_IMPLEMENTATION\n#include "%s"\n' "$h")
    for mode in ""; do
        # shellcheck disable=SC2086
        found=$(echo "$src" | check "$h $mode" gcc $mode)
        if [ -n "$found" ]; then echo "$h ($mode): writable static data:"; echo "$found"; bad=1; fi
    done
    if command -v aarch64-linux-gnu-gcc >/dev/null; then
        found=$(echo "$src" | check "$h aarch64" aarch64-linux-gnu-gcc)
        if [ -n "$found" ]; then echo "$h (aarch64): writable static data:"; echo "$found"; bad=1; fi
    fi
    echo "  $h: no writable global or static object"
done
planted=$(printf '#define AVLOC_IMPLEMENTATION\n#include "avloc.h"\nstatic int avloc__planted_state;\nint *avloc__planted(void) { return &avloc__planted_state; }\n' |
          check planted gcc)
[ -n "$planted" ] || { echo "a planted static int was not found: the check proves nothing"; exit 1; }
exit $bad
