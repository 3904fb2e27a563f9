#!/usr/bin/env bash
# Code size each module opt-out saves: .text of the implementation object
# files tests/modes/impl_{core,dsp,gllim}.c (`size`; avloc_nn.h, which
# needs the safetensors container, is measured on its own at the end), on x86-64 (gcc -O2) and on a
# Cortex-M4 (arm-none-eabi-gcc -Os, skipped if absent). Prints a markdown
# table for docs/build.md.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${BUILD:-build}/optout_sizes
mkdir -p "$OUT"
M4="-mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard -mthumb"

# text CC FLAGS... : summed .text of the three implementation objects
text() {
    local cc=$1 total=0 f t
    shift
    for f in impl_core impl_dsp impl_gllim; do
        $cc -std=c99 -I. "$@" -c tests/modes/$f.c -o "$OUT/$f.o"
        t=$(size "$OUT/$f.o" | awk 'NR == 2 { print $1 }')
        total=$((total + t))
    done
    echo "$total"
}

have_m4=0
command -v arm-none-eabi-gcc >/dev/null && have_m4=1
echo "| build | x86-64 gcc -O2 .text | saved | Cortex-M4 gcc -Os .text | saved |"
echo "|---|---:|---:|---:|---:|"
base_x=$(text gcc -O2)
base_m=-
[ $have_m4 = 1 ] && base_m=$(text arm-none-eabi-gcc -Os $M4 -DNDEBUG)
echo "| everything | $base_x | | $base_m | |"
ALL="-DAVLOC_NO_SAFETENSORS -DAVLOC_NO_MEL -DAVLOC_NO_BINAURAL -DAVLOC_NO_GCC_PHAT -DAVLOC_NO_GLLIM_TRAINING -DAVLOC_NO_LINALG"
for opt in AVLOC_NO_SAFETENSORS AVLOC_NO_MEL AVLOC_NO_BINAURAL AVLOC_NO_GCC_PHAT AVLOC_NO_GLLIM_TRAINING AVLOC_NO_LINALG ALL; do
    if [ $opt = ALL ]; then defs=$ALL; name="all six"; else defs=-D$opt; name=\`$opt\`; fi
    x=$(text gcc -O2 $defs)
    if [ $have_m4 = 1 ]; then
        m=$(text arm-none-eabi-gcc -Os $M4 -DNDEBUG $defs)
        echo "| $name | $x | $((base_x - x)) | $m | $((base_m - m)) |"
    else
        echo "| $name | $x | $((base_x - x)) | - | - |"
    fi
done

nn_x=$(gcc -std=c99 -I. -O2 -c tests/modes/impl_nn.c -o "$OUT/impl_nn.o" && size "$OUT/impl_nn.o" | awk 'NR == 2 { print $1 }')
nn_m=-
if [ $have_m4 = 1 ]; then
    arm-none-eabi-gcc -std=c99 -I. -Os $M4 -DNDEBUG -c tests/modes/impl_nn.c -o "$OUT/impl_nn.o"
    nn_m=$(size "$OUT/impl_nn.o" | awk 'NR == 2 { print $1 }')
fi
echo
echo "avloc_nn.h implementation alone: $nn_x bytes (x86-64), $nn_m bytes (Cortex-M4)"
