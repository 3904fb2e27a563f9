#!/usr/bin/env bash
# Compiles, links and runs every documented build mode (README "Build
# modes"), as C99 and as C++11, warning-free (-Werror):
#   split        each module's implementation in its own file
#                (AVLOC_IMPLEMENTATION core / AVLOC_DSP_IMPLEMENTATION /
#                AVLOC_GLLIM_IMPLEMENTATION / AVLOC_NN_IMPLEMENTATION)
#   static       AVLOC_STATIC: two files with private copies in one program
#   cblas        AVLOC_USE_CBLAS linked with -lopenblas (skipped without cblas.h)
#   amalgamated  one header from tools/amalgamate.py
#   opt-outs     AVLOC_NO_* module switches (see avloc.h), each alone (C99) and all
#                together (C99, C++11), also with AVLOC_NO_SIMD / -mavx2 -mfma and clang
# The programs are tests/modes/*.c; tests/modes/use_all.h calls one function
# of each module and checks its result.
# Environment: CC (gcc), CXX (g++), BUILD (build), PY (python3).
set -euo pipefail
cd "$(dirname "$0")/.."
CC=${CC:-gcc}
CXX=${CXX:-g++}
PY=${PY:-python3}
OUT=${BUILD:-build}/modes
M=tests/modes
FLAGS="-O0 -Wall -Wextra -pedantic -Werror -I. -I$M"
mkdir -p "$OUT"

# compile LANG OUT.o SRC [FLAGS...]: one translation unit as C99 or C++11
compile() {
    local lang=$1 obj=$2 src=$3
    shift 3
    if [ "$lang" = c ]; then
        ${CC} -x c -std=c99 $FLAGS "$@" -c "$src" -o "$obj"
    else
        $CXX -x c++ -std=c++11 $FLAGS "$@" -c "$src" -o "$obj"
    fi
}

# link_run LANG NAME LIBS -- OBJ...: link with the language's driver and run
link_run() {
    local lang=$1 name=$2 libs=$3
    shift 4
    local exe="$OUT/$name-$lang"
    if [ "$lang" = c ]; then $CC -o "$exe" "$@" $libs -lm; else $CXX -o "$exe" "$@" $libs -lm; fi
    "$exe" >/dev/null
    echo "  $name ($lang): compiled, linked, ran ok"
}

# split LANG NAME LIBS [FLAGS...]: one file per module implementation + main
split() {
    local lang=$1 name=$2 libs=$3
    shift 3
    local objs=() f
    for f in impl_core impl_dsp impl_gllim impl_nn impl_rpca main_split; do
        compile "$lang" "$OUT/$name-$f-$lang.o" "$M/$f.c" "$@"
        objs+=("$OUT/$name-$f-$lang.o")
    done
    link_run "$lang" "$name" "$libs" -- "${objs[@]}"
}

"$PY" tools/amalgamate.py --out "$OUT/avloc_all.h" >/dev/null

# in_parallel NAME CMD...: runs CMD in the background with its output in a
# log (two at a time keeps CI's two cores busy: every step here is one
# single-threaded compiler); wait_all prints the logs in order and fails if
# any job failed.
jobs_names=(); jobs_pids=()
in_parallel() {
    local name=$1
    shift
    ( set -euo pipefail; "$@" ) >"$OUT/job-$name.log" 2>&1 &
    jobs_names+=("$name"); jobs_pids+=($!)
}
wait_all() {
    local i rc=0
    for i in "${!jobs_pids[@]}"; do
        if ! wait "${jobs_pids[$i]}"; then rc=1; echo "  FAILED: ${jobs_names[$i]}"; fi
        cat "$OUT/job-${jobs_names[$i]}.log"
    done
    jobs_names=(); jobs_pids=()
    return $rc
}

modes_for() {
    local lang=$1 opt defs
    split "$lang" split ""

    compile "$lang" "$OUT/static-a-$lang.o" "$M/static_part.c" -DMODES_PART=part_a
    compile "$lang" "$OUT/static-b-$lang.o" "$M/static_part.c" -DMODES_PART=part_b
    compile "$lang" "$OUT/static-main-$lang.o" "$M/main_static.c"
    link_run "$lang" static "" -- "$OUT/static-a-$lang.o" "$OUT/static-b-$lang.o" "$OUT/static-main-$lang.o"

    if echo '#include <cblas.h>' | $CC -E -x c - >/dev/null 2>&1; then
        split "$lang" cblas -lopenblas -DAVLOC_USE_CBLAS
    else
        echo "  cblas ($lang): skipped, no cblas.h (Debian: libopenblas-dev)"
    fi

    compile "$lang" "$OUT/amalg-$lang.o" "$M/main_amalg.c" -I"$OUT"
    link_run "$lang" amalgamated "" -- "$OUT/amalg-$lang.o"

    split "$lang" optout-ALL "" $ALL_OPTOUTS
}
ALL_OPTOUTS="-DAVLOC_NO_SAFETENSORS -DAVLOC_NO_MEL -DAVLOC_NO_BINAURAL -DAVLOC_NO_GCC_PHAT -DAVLOC_NO_GLLIM_TRAINING -DAVLOC_NO_LINALG"
# each module opt-out alone, in C99 (what an opt-out removes is the same code
# in both languages; all of them together run in both, above)
single_optouts() {
    local opt
    for opt in $ALL_OPTOUTS; do
        split c "optout-${opt#-D}" "" "$opt"
    done
}
# The amalgamator also handles headers that re-include with '#include
# __FILE__' (every inclusion by AVLOC_*_FILE name, and every template file
# the per-set driver is given, rewritten so): the whole concatenated file is
# then read again and only the asking header's section (and the core) may be
# active.
include_file_mode() {
    local alt=$OUT/file_self_include lang
    rm -rf "$alt" && mkdir -p "$alt"
    cp avloc*.h "$alt"/
    sed -i -e 's/^\(\s*#\s*include\s\+\)AVLOC_[A-Z]*_FILE\b.*/\1__FILE__/' \
           -e 's/^\(#define AVLOC__VFILE \)AVLOC_[A-Z]*_FILE\b/\1__FILE__/' "$alt"/avloc*.h
    if grep -n '^\s*#\s*include\s\+AVLOC_[A-Z]*_FILE\|^#define AVLOC__VFILE AVLOC_' "$alt"/avloc*.h; then
        echo "  the __FILE__ rewrite missed the lines above"; exit 1
    fi
    "$PY" tools/amalgamate.py --out "$alt/out/avloc_all.h" "$alt"/avloc*.h >/dev/null
    for lang in c cxx; do
        compile "$lang" "$alt/amalg-$lang.o" "$M/main_amalg.c" -I"$alt/out"
        link_run "$lang" amalgamated-include-FILE "" -- "$alt/amalg-$lang.o"
    done
}

# The opt-outs also compile warning-free with the other kernel sets and with
# clang (unused static helpers would show up here). clang reports those from
# its front end, so its pass stops there (-fsyntax-only: a third of the time);
# gcc reports them only when it generates code, so its pass compiles.
optouts_with() {
    local cc=$1 defs extra f
    for defs in "$ALL_OPTOUTS" \
                -DAVLOC_NO_BINAURAL -DAVLOC_NO_GLLIM_TRAINING -DAVLOC_NO_LINALG; do
        for extra in -DAVLOC_NO_SIMD "-mavx2 -mfma"; do
            for f in impl_core impl_dsp impl_gllim impl_nn impl_rpca; do
                if [ "$cc" = clang ]; then
                    clang -x c -std=c99 $FLAGS $defs $extra -fsyntax-only "$M/$f.c"
                else
                    CC=$cc compile c "$OUT/x-$cc.o" "$M/$f.c" $defs $extra
                fi
            done
        done
    done
}
# every mode is a job of its own, all started at once: CI's two cores share
# them (six single-threaded chains of compiles)
in_parallel modes-c modes_for c
in_parallel modes-cxx modes_for cxx
in_parallel optouts-single single_optouts
in_parallel include-file include_file_mode
in_parallel optouts-gcc optouts_with "$CC"
in_parallel optouts-clang optouts_with clang
wait_all
echo "  opt-outs: warning-free with AVLOC_NO_SIMD, -mavx2 -mfma, gcc and clang"
# avloc_nn.h cannot live without the container: a clear #error, not a pile of errors
if echo '#include "avloc_nn.h"' | $CC -x c -std=c99 -DAVLOC_NO_SAFETENSORS -I. -fsyntax-only - 2>"$OUT/nn_err.txt"; then
    echo "  avloc_nn.h compiled with AVLOC_NO_SAFETENSORS: expected an #error"; exit 1
fi
grep -q 'avloc_nn.h reads its networks from safetensors' "$OUT/nn_err.txt"
echo "  avloc_nn.h with AVLOC_NO_SAFETENSORS: stops with its #error"
echo "build modes: all ok"
