#!/usr/bin/env bash
# The microcontroller firmware example (examples/mcu, docs/mcu.md) built and
# run as CI checks it: the demo model (data/demo) turned into const flash
# tables with a test signal of two demo clips (tools/m4/gen_gllim_header.c),
# the firmware linked for a Cortex-M4F sized like an STM32F407 (1 MB flash,
# 128 KB RAM: examples/mcu/mps2_fw.ld), run under
# qemu-system-arm -M mps2-an386 -icount shift=0 with semihosting. The
# firmware checks itself (every position within FW_TOL_PX of the host's
# double path, no DMA overrun at 168 MHz and one instruction per cycle) and
# prints its instruction counts; this script prints flash and RAM.
# Needs: gcc, gcc-arm-none-eabi, libnewlib-arm-none-eabi, qemu-system-arm
# (skipped without the last two). About 15 s here.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${BUILD:-build}/m4fw
mkdir -p "$OUT"
if ! command -v arm-none-eabi-gcc >/dev/null || ! command -v qemu-system-arm >/dev/null; then
    echo "  firmware example skipped: no arm-none-eabi-gcc or qemu-system-arm"
    exit 0
fi
${CC:-cc} -std=c99 -O2 -Wall -Wextra -pedantic -Werror -I. tools/m4/gen_gllim_header.c -o "$OUT/gen_gllim_header" -lm
"$OUT/gen_gllim_header" data/demo/kemar_gllim.safetensors fw --wav data/demo/wav/0003.wav \
    --wav data/demo/wav/0000.wav > "$OUT/fw_model.h"
F="-std=c99 -O2 -DNDEBUG -Wall -Wextra -pedantic -Werror -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard
   -ffunction-sections -fdata-sections"
# shellcheck disable=SC2086
arm-none-eabi-gcc $F -I. -I"$OUT" -Iexamples/mcu -nostartfiles --specs=nano.specs --specs=nosys.specs \
    -T examples/mcu/mps2_fw.ld -Wl,--gc-sections -o "$OUT/firmware.elf" \
    examples/mcu/firmware_locate.c examples/mcu/board_mps2.c -lm
out=$(timeout 120 qemu-system-arm -M mps2-an386 -nographic -icount shift=0,sleep=off \
    -semihosting-config enable=on,target=native -kernel "$OUT/firmware.elf" 2>&1) && rc=0 || rc=$?
echo "$out" | sed 's/^/  /'
[ "$rc" -eq 0 ] && echo "$out" | grep -q '^fw: PASS$' || { echo "  firmware example failed (exit $rc)"; exit 1; }
# no soft-double and no double libm: window and FFT roots from the tables,
# float threshold and exact path (tests/modes/mcu_binaural.c shows in
# tools/check_mcu_tables.sh that this pattern catches them when linked)
DOUBLE=' T (pow|log|log10|exp|cos|sin|tan|sqrt|floor|scalbn|nextafter|atan2|__ieee754_(pow|log|log10|exp|cos|sin|sqrt|rem_pio2)|__kernel_(sin|cos|rem_pio2)|__aeabi_d[a-z0-9]*|__aeabi_[a-z]*2d|__[a-z]*df[23])$'
if arm-none-eabi-nm "$OUT/firmware.elf" | grep -E "$DOUBLE"; then
    echo "  the firmware links the soft-double / double libm symbols above"
    exit 1
fi
echo "  firmware links no __aeabi_d* helper and no double libm"
arm-none-eabi-size -A "$OUT/firmware.elf" | awk '
    $1 == ".vectors" || $1 == ".text" || $1 == ".rodata" || $1 == ".ARM.exidx" { flash += $2 }
    $1 == ".data" { flash += $2; ram += $2 } $1 == ".bss" { ram += $2 }
    $1 == ".text" { text = $2 } $1 == ".rodata" { ro = $2 }
    END { printf "  flash %d bytes (code %d, const tables %d), RAM %d bytes + 8 KB stack\n", flash, text, ro, ram }'
