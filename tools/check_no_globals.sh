#!/usr/bin/env bash
# "No globals, no hidden state": every header's implementation, compiled as
# a default x86-64 build (every SIMD set of the dispatch) and for AArch64
# (NEON), must define no object in
# a writable section (.data, .bss, .tbss/.tdata, .data.rel without .ro).
# Read-only tables (.rodata, and .data.rel.ro: pointer tables that are
# read-only once relocated) are fine. Fails listing the offending symbols;
# a planted `static int` shows the check can fail. Compiled at -O0: an
# unreferenced static object is not removed there, so none can hide.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
WRITABLE='[[:space:]](\.data|\.bss|\.tbss|\.tdata|\.data\.rel|\.data\.rel\.local|COMMON)[[:space:]]'
check() { # $1: label, $2: compiler, $3...: flags; reads the source on stdin
    local label=$1 cc=$2 obj
    obj="$tmp/$(echo "$1" | tr -c 'a-z0-9_\n' '_').o"
    shift 2
    "$cc" -x c -std=c99 -O0 -I. "$@" -c - -o "$obj"
    objdump -t "$obj" | grep -E "$WRITABLE" | grep -vE '[[:space:]]\.(data|bss)[[:space:]]+0+[[:space:]]' || true
}
# one header, x86-64 and AArch64 (the headers run in parallel; each writes its
# own report and the wait below collects every header's verdict)
check_header() {
    local h=$1 src found bad=0 mod
    # the header's own implementation only (AVLOC_<MODULE>_IMPLEMENTATION; the
    # core's for avloc.h): the core and dsp are checked once, not in every module
    mod=$(echo "${h#avloc}" | sed 's/^_//; s/\.h$//' | tr a-z A-Z)
    src=$(printf '#define AVLOC_%sIMPLEMENTATION\n#include "%s"\n' "${mod:+${mod}_}" "$h")
    found=$(echo "$src" | check "$h" gcc)
    if [ -n "$found" ]; then echo "$h: writable static data:"; echo "$found"; bad=1; fi
    if command -v aarch64-linux-gnu-gcc >/dev/null; then
        found=$(echo "$src" | check "$h aarch64" aarch64-linux-gnu-gcc)
        if [ -n "$found" ]; then echo "$h (aarch64): writable static data:"; echo "$found"; bad=1; fi
    fi
    [ "$bad" = 0 ] && echo "  $h: no writable global or static object"
    return $bad
}
bad=0
pids=()
for h in avloc*.h; do check_header "$h" > "$tmp/$h.log" 2>&1 & pids+=($!); done
for p in "${pids[@]}"; do wait "$p" || bad=1; done
for h in avloc*.h; do cat "$tmp/$h.log"; done
planted=$(printf '#define AVLOC_IMPLEMENTATION\n#include "avloc.h"\nstatic int avloc__planted_state;\nint *avloc__planted(void) { return &avloc__planted_state; }\n' |
          check planted gcc)
[ -n "$planted" ] || { echo "a planted static int was not found: the check proves nothing"; exit 1; }
exit $bad
