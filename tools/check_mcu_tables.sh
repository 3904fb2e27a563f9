#!/usr/bin/env bash
# MCU-ready tables (docs/build.md):
# 1. every committed tests/tables_*.h is what tools/gen_tables.c emits today
#    for the command written in its header (so test_tables checks current
#    output of the generator, not a stale copy);
# 2. a Cortex-M4 program on the table path (tests/modes/mcu_mel.c) links
#    without double-precision libm (pow/log/cos/...) and without soft-float
#    double helpers (__aeabi_d*), while the computed-init build of the same
#    program pulls them in; prints both .text sizes. Likewise an FFT plan
#    from recorded roots (tests/modes/mcu_fft.c) links no sin/cos, and the
#    float32 GLLiM statistics + posterior (tools/m4/mcu_gllim_f32.c) no
#    double arithmetic, against the double path (step 4 below), nor the
#    binaural plan + features with window and roots from tables (2c), nor
#    the mel-spectrogram object from tables (2d); GCC-PHAT's init from
#    gen_tables' pair of roots links no sin/cos (2e). Skipped without
#    arm-none-eabi-gcc (Debian: gcc-arm-none-eabi libnewlib-arm-none-eabi).
# Environment: CC (host compiler, cc), BUILD (build).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT=$BUILD/mcu
mkdir -p "$OUT"

make -s "$BUILD/gen_tables" BUILD="$BUILD" >/dev/null
for h in tests/tables_*.h; do
    cmd=$(sed -n 's/^ *command: gen_tables //p' "$h")
    # shellcheck disable=SC2086  # the stored command is a plain argument list
    "$BUILD/gen_tables" $cmd | diff -u "$h" - >/dev/null || {
        echo "$h is stale: regenerate with $BUILD/gen_tables $cmd > $h"
        exit 1
    }
    echo "  $h: up to date"
done

if ! command -v arm-none-eabi-gcc >/dev/null; then
    echo "  Cortex-M4 link check skipped: no arm-none-eabi-gcc"
    exit 0
fi
F="-std=c99 -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard -mthumb -Os -DNDEBUG
   -ffunction-sections -fdata-sections -Wall -Wextra -pedantic -Werror -I. -Itests
   --specs=nosys.specs -Wl,--gc-sections"
# without_but_with PATTERN GOOD.elf BAD.elf WHAT: GOOD links no symbol
# matching PATTERN, and BAD (built to pull them in) does, so the first
# check can fail; WHAT names the symbols in the messages
without_but_with() {
    if arm-none-eabi-nm "$2" | grep -E "$1"; then
        echo "  $(basename "$2") pulled in the $4 above"
        exit 1
    fi
    arm-none-eabi-nm "$3" | grep -E "$1" >/dev/null || {
        echo "  $(basename "$3") has no $4 either: the check above proves nothing"
        exit 1
    }
}
text_of() { arm-none-eabi-size "$1" | awk 'NR == 2 { print $1 }'; }
# pair SRC GOOD BAD MACRO PATTERN WHAT: builds SRC as $OUT/GOOD.elf and,
# with -DMACRO, as $OUT/BAD.elf, runs without_but_with on them and sets
# tt and tc to their .text sizes
pair() {
    # shellcheck disable=SC2086
    arm-none-eabi-gcc $F "$1" -o "$OUT/$2.elf" -lm
    # shellcheck disable=SC2086
    arm-none-eabi-gcc $F "-D$4" "$1" -o "$OUT/$3.elf" -lm
    without_but_with "$5" "$OUT/$2.elf" "$OUT/$3.elf" "$6"
    tt=$(text_of "$OUT/$2.elf")
    tc=$(text_of "$OUT/$3.elf")
}
# host_run SRC NAME WHAT: SRC built for the host with the M4's scalar
# kernels (AVLOC_NO_SIMD) and -DMCU_HOST_RUN, run; its exit status names
# the failed check
host_run() {
    # shellcheck disable=SC2086
    ${CC:-cc} -std=c99 -O2 -Wall -Wextra -pedantic -Werror -I. -Itests -DAVLOC_NO_SIMD -DMCU_HOST_RUN \
        "$1" -o "$OUT/$2" -lm
    "$OUT/$2" || { echo "  $3 (host run): check $? failed"; exit 1; }
}
DOUBLE=' T (pow|log|log10|exp|cos|sin|tan|sqrt|atan2|__ieee754_(pow|log|log10|exp|cos|sin|sqrt|rem_pio2)|__aeabi_d[a-z0-9]*)$'
pair tests/modes/mcu_mel.c mel_tables mel_computed MCU_COMPUTED "$DOUBLE" "double-precision libm / soft-double"
echo "  Cortex-M4 log-mel + MFCC: .text $tc bytes computed at init, $tt bytes from tables;"
echo "  the table build links no double pow/log/cos and no __aeabi_d* helper"
# 4. the float32 GLLiM localisation path (model as const tables, statistics,
#    posterior: tools/m4/mcu_gllim_f32.c) links no double libm and no
#    __aeabi_d* helper; the same program on the double path
#    (-DMCU_DOUBLE) does
pair tools/m4/mcu_gllim_f32.c gllim_f32 gllim_f64 MCU_DOUBLE "$DOUBLE" "double-precision libm / soft-double"
echo "  Cortex-M4 GLLiM statistics + posterior: .text $tt bytes in float32 (no __aeabi_d*, no double libm),"
echo "  $tc bytes on the double path"
# 2b. an FFT plan from the recorded roots of tests/tables_fft.h
#    (tests/modes/mcu_fft.c) links no sin/cos, the computed-init build does
TRIG=' T (sin|cos|sinf|cosf|__ieee754_rem_pio2|__kernel_(sin|cos))$'
pair tests/modes/mcu_fft.c fft_tables fft_computed MCU_COMPUTED "$TRIG" "sin/cos"
echo "  Cortex-M4 512-point real FFT: .text $tc bytes computed at init, $tt bytes from the roots table (no sin/cos)"
# 2c. the binaural feature chain from tables (tests/modes/mcu_binaural.c:
#    window and FFT roots from tests/tables_fft.h, AVLOC_TABLES_ONLY, float
#    threshold and exact path) links no double libm and no __aeabi_d*
#    helper; without AVLOC_TABLES_ONLY (-DMCU_COMPUTED) it does
pair tests/modes/mcu_binaural.c bin_tables bin_computed MCU_COMPUTED "$DOUBLE" "double-precision libm / soft-double"
echo "  Cortex-M4 binaural plan (512-point) + features: .text $tc bytes computing window and roots,"
echo "  $tt bytes from tables with AVLOC_TABLES_ONLY (no __aeabi_d*, no double libm)"
# ... and on the host (scalar kernels, as the M4's): the same features as
# the computed plan, bit for bit; a table without roots refused
host_run tests/modes/mcu_binaural.c bin_host "binaural plan from tables"
echo "  host run: features from the tables bit-identical to the computed plan's; no roots -> AVLOC_ERR_NULL"
# 2d. the mel-spectrogram object from tables (tests/modes/mcu_logmel.c:
#    avloc_melspec_init_tables_f32 with window, FFT roots and filterbank
#    of tests/tables_fft.h, AVLOC_TABLES_ONLY, then the dB log-mel, which
#    is float throughout) links no double libm and no __aeabi_d* helper;
#    the computed init (-DMCU_COMPUTED) does; on the host, bit-identical to
#    the computed object
pair tests/modes/mcu_logmel.c logmel_tables logmel_computed MCU_COMPUTED "$DOUBLE" "double-precision libm / soft-double"
echo "  Cortex-M4 mel spectrogram (512-point, 40 mels, dB): .text $tc bytes computed at init,"
echo "  $tt bytes from tables with AVLOC_TABLES_ONLY (no __aeabi_d*, no double libm)"
host_run tests/modes/mcu_logmel.c logmel_host "mel spectrogram from tables"
echo "  host run: log-mel from the tables bit-identical to the computed object's"
# 2e. GCC-PHAT from gen_tables' window + pair of root tables
#    (tests/modes/mcu_gcc.c: tables_fft_gcc_window_table, AVLOC_TABLES_ONLY)
#    links no sin/cos, the computed init does; on the host the same delay
pair tests/modes/mcu_gcc.c gcc_tables gcc_computed MCU_COMPUTED "$TRIG" "sin/cos"
echo "  Cortex-M4 GCC-PHAT (512-point, upsample 2): init from the window table and its pair of roots"
echo "  links no sin/cos (.text $tt bytes with the 9.2 KB of roots, $tc computing them)"
host_run tests/modes/mcu_gcc.c gcc_host "GCC-PHAT from tables"
echo "  host run: GCC-PHAT delay from the tables bit-identical to the computed object's"
# 3. without -DNDEBUG the library's default assertion on a bare-metal ARM
#    build is a trap: an FFT plan (it holds an assertion) links no newlib
#    __assert_func, so no printf/stdio/malloc; -DAVLOC_ASSERT=assert shows
#    the check can fail
FD=$(echo "$F" | sed 's/-DNDEBUG//')
NEWLIB_ASSERT=' T (__assert_func|_vfprintf_r|_malloc_r)$'
# shellcheck disable=SC2086
arm-none-eabi-gcc $FD tests/modes/mcu_assert.c -o "$OUT/fft_assert.elf" -lm
# shellcheck disable=SC2086
arm-none-eabi-gcc $FD -include assert.h -DAVLOC_ASSERT=assert tests/modes/mcu_assert.c -o "$OUT/fft_newlib_assert.elf" -lm
without_but_with "$NEWLIB_ASSERT" "$OUT/fft_assert.elf" "$OUT/fft_newlib_assert.elf" "newlib assert/printf/malloc"
ta=$(text_of "$OUT/fft_assert.elf")
tn=$(text_of "$OUT/fft_newlib_assert.elf")
echo "  256-point FFT with assertions on (no NDEBUG): .text $ta bytes with the default AVLOC_ASSERT (a trap),"
echo "  $tn bytes with newlib's assert (__assert_func, printf, malloc)"
