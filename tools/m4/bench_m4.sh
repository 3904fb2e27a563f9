#!/usr/bin/env bash
# Instructions per second of audio of the binaural GLLiM chain on a
# Cortex-M4F (tools/m4/bench_m4.c), counted under qemu-system-arm with
# -icount shift=0, and the code size of that program (arm-none-eabi-size).
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/m4
F="-std=c99 -O2 -DNDEBUG -Wall -Wextra -pedantic -Werror -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard"
# shellcheck disable=SC2086
arm-none-eabi-gcc $F --specs=rdimon.specs -T tools/m4/mps2.ld -ffunction-sections -fdata-sections -Wl,--gc-sections \
  -I. -o build/m4/bench_m4.elf tools/m4/startup.c tools/m4/bench_m4.c -lm
out=$(timeout 300 qemu-system-arm -M mps2-an386 -nographic -icount shift=0 \
  -semihosting-config enable=on,target=native -kernel build/m4/bench_m4.elf)
echo "  $out"
echo "$out" | grep insn_per_audio_second >/dev/null
arm-none-eabi-size build/m4/bench_m4.elf | sed 's/^/  /'
