#!/usr/bin/env bash
# Code size of the network runtime on a Cortex-M4F (docs/nn.md): the program
# tests/modes/mcu_nn.c (query, init, run a network from flash) linked with
# newlib, -Os, gc-sections, scalar kernels, for each layer opt-out (the
# seventh row, the smallest build, also without the inference's overflow
# check, AVLOC_NN_NO_OVERFLOW_CHECK; the eighth the same with AVLOC_STATIC,
# the library static in the one file that uses it, so that the compiler
# specialises across its functions as link-time optimisation would; the
# last the smallest build with the overflow check kept). Prints a
# markdown table: .text of the whole program, of avloc's functions, of the
# rest (libc/libm/startup), and .rodata; fails if software double arithmetic
# or 64-bit division is linked. Also compiles every configuration on
# the host with -Werror (the opt-outs must stay warning-free), and runs
# test_nn and test_gemm built as the smallest MCU configuration is
# (AVLOC_GEMM_SMALL: no packed GEMM; AVLOC_NN_TERSE: no per-site error
# messages; AVLOC_ST_SMALL: no duplicate-name index in the safetensors
# reader; scalar kernels): same results, same error codes and nodes, and
# the safetensors suite on that reader (tests/test_st_small.c).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${BUILD:-build}/nn_m4
mkdir -p "$OUT"
SMALL="-DAVLOC_GEMM_SMALL -DAVLOC_NN_TERSE -DAVLOC_ST_SMALL"
CONFIGS=("" "-DAVLOC_NN_NO_GELU -DAVLOC_NN_NO_ELU" "-DAVLOC_NN_NO_TRANSPOSED" "-DAVLOC_NN_MINIMAL"
         "-DAVLOC_NN_MINIMAL -DAVLOC_NN_NO_GELU -DAVLOC_NN_NO_ELU" "$SMALL"
         "-DAVLOC_NN_MINIMAL -DAVLOC_NN_NO_GELU -DAVLOC_NN_NO_ELU $SMALL -DAVLOC_NN_NO_OVERFLOW_CHECK"
         "-DAVLOC_NN_MINIMAL -DAVLOC_NN_NO_GELU -DAVLOC_NN_NO_ELU $SMALL -DAVLOC_NN_NO_OVERFLOW_CHECK -DAVLOC_STATIC"
         "-DAVLOC_NN_MINIMAL -DAVLOC_NN_NO_GELU -DAVLOC_NN_NO_ELU $SMALL")
for d in "${CONFIGS[@]}"; do
    # shellcheck disable=SC2086
    gcc -std=c99 -Wall -Wextra -pedantic -Werror -I. $d -c tests/modes/mcu_nn.c -o "$OUT/host.o"
    # shellcheck disable=SC2086
    g++ -std=c++11 -Wall -Wextra -pedantic -Werror -I. $d -x c++ -c tests/modes/mcu_nn.c -o "$OUT/host.o"
done
# shellcheck disable=SC2086
gcc -std=c99 -O1 -Wall -Wextra -pedantic -Werror $SMALL -DAVLOC_NO_SIMD -o "$OUT/test_nn_small" tests/test_nn.c -lm
# shellcheck disable=SC2086
gcc -std=c99 -O1 -Wall -Wextra -pedantic -Werror $SMALL -DAVLOC_NO_SIMD -o "$OUT/test_gemm_small" tests/test_gemm.c -lm
gcc -std=c99 -O1 -Wall -Wextra -pedantic -Werror -DAVLOC_NO_SIMD -o "$OUT/test_st_small" tests/test_st_small.c -lm
"$OUT/test_nn_small" | tail -n 1
"$OUT/test_gemm_small" | tail -n 1
"$OUT/test_st_small" | tail -n 1
if ! command -v arm-none-eabi-gcc >/dev/null; then
    echo "  Cortex-M4 size check skipped: no arm-none-eabi-gcc"
    exit 0
fi
F="-std=c99 -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard -Os -DNDEBUG -DAVLOC_NO_SIMD
   -ffunction-sections -fdata-sections -I."
echo "| build | .text | avloc functions | libc/libm/startup | .rodata | double/64-bit division linked |"
echo "|---|---:|---:|---:|---:|---|"
fail=0
for d in "${CONFIGS[@]}"; do
    # shellcheck disable=SC2086
    arm-none-eabi-gcc $F $d tests/modes/mcu_nn.c -o "$OUT/mcu_nn.elf" --specs=nosys.specs -Wl,--gc-sections -lm 2>/dev/null
    text=$(arm-none-eabi-size -A "$OUT/mcu_nn.elf" | awk '$1 == ".text" { print $2 }')
    rodata=$(arm-none-eabi-size -A "$OUT/mcu_nn.elf" | awk '$1 == ".rodata" { print $2 }')
    av=$(arm-none-eabi-nm -S "$OUT/mcu_nn.elf" | awk '$3 ~ /[tT]/ && ($4 ~ /avloc/ || $4 == "main") { print $2 }' |
         while read -r h; do echo $((16#$h)); done | awk '{ s += $1 } END { print s + 0 }')
    dbl=$(arm-none-eabi-nm "$OUT/mcu_nn.elf" | grep -cE ' (__aeabi_d(add|mul|div|sub)|__aeabi_[u]?ldivmod|__udivmoddi4)$' || true)
    echo "| ${d:-all ops} | $text | $av | $((text - av)) | $rodata | $([ "$dbl" = 0 ] && echo no || echo "yes ($dbl)") |"
    [ "$dbl" = 0 ] || fail=1
    [ "$d" = "${CONFIGS[6]}" ] && smallest=$text
done
# issue 11's budget: the smallest build's whole program within 16 KB of .text.
# Sizes depend on the compiler: held to it with the toolchain it was measured
# with (Debian bookworm's arm-none-eabi-gcc 12.2), printed with any other
if arm-none-eabi-gcc --version | head -n 1 | grep -q ' 12\.2\.'; then
    [ "$smallest" -le 16384 ] || { echo "FAIL: smallest build $smallest B of .text, over the 16 384 B budget"; exit 1; }
    echo "  smallest build: $smallest B of .text, within the 16 384 B budget"
else
    echo "  smallest build: $smallest B of .text (budget 16 384 B checked with arm-none-eabi-gcc 12.2 only)"
fi
# the graph's numbers are parsed in float and sizes in size_t: software
# double or 64-bit division on an FPU-single MCU is a regression
[ $fail = 0 ] || { echo "FAIL: double arithmetic or 64-bit division linked"; exit 1; }
