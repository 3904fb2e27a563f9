#!/usr/bin/env bash
# The library's tests built for a Cortex-M4F (-mcpu=cortex-m4 -mfpu=fpv4-sp-d16
# -mfloat-abi=hard, newlib with semihosting) and run under
# qemu-system-arm -M mps2-an386 (an MPS2 board with a Cortex-M4): start-up and
# memory map in tools/m4/ (code at 0x0, data, heap and stack in the 16 MB
# PSRAM), file I/O (golden files) and the exit status through semihosting.
# Usage: tools/m4/run_tests.sh [test_name ...]   (default: the CI subset below)
# The subset keeps this step to a few minutes; the other programs build and
# can be run by name (see docs/build.md for their times and status).
set -euo pipefail
cd "$(dirname "$0")/../.."
M4="-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard --specs=rdimon.specs -T tools/m4/mps2.ld tools/m4/startup.c"
QEMU="qemu-system-arm -M mps2-an386 -nographic -semihosting-config enable=on,target=native -kernel"
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(test_core test_window_stft test_tables test_mel test_cli_gllim test_fft_goldens)
targets=()
for t in "${tests[@]}"; do targets+=("build/m4/tests/$t"); done
# SHARED_IMPL=0: each program compiles only the modules it includes (flash)
make -s CC=arm-none-eabi-gcc BUILD=build/m4 SHARED_IMPL=0 EXTRA_CFLAGS="$M4" "${targets[@]}"
pass=0; fail=0
for t in "${tests[@]}"; do
  start=$(date +%s)
  out=$(timeout 900 $QEMU "build/m4/tests/$t" 2>&1) && rc=0 || rc=$?
  echo "$out" > "build/m4/tests/$t.log"
  line=$(echo "$out" | grep -E '^[A-Za-z0-9_-]+: [0-9]+ passed, [0-9]+ failed$' | tail -n 1 || true)
  echo "  $t (Cortex-M4, qemu): ${line:-no summary (exit $rc)} in $(( $(date +%s) - start )) s"
  if [ -z "$line" ]; then fail=$((fail + 1)); echo "$out" | tail -n 5; continue; fi
  p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/'); f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed/\1/')
  pass=$((pass + p)); fail=$((fail + f))
  [ "$rc" -eq 0 ] || [ "$f" -ne 0 ] || { echo "  $t: exit $rc"; fail=$((fail + 1)); }
done
# The FFT's outputs on the M4 against an x86-64 build with the same
# (scalar) kernels: bit for bit where the hashes test_fft_goldens prints
# agree (a report, not a failure: the tolerances above are the test)
if [ -f build/m4/tests/test_fft_goldens.log ] && printf '%s\n' "${tests[@]}" | grep -qx test_fft_goldens; then
  ${HOST_CC:-cc} -std=c99 -O2 -DAVLOC_NO_SIMD -o build/m4/host_fft_goldens tests/test_fft_goldens.c -lm
  build/m4/host_fft_goldens > build/m4/host_fft_goldens.log || true
  total=$(grep -c '^hash ' build/m4/host_fft_goldens.log || true)
  same=$(grep -Fxf <(grep '^hash ' build/m4/host_fft_goldens.log) build/m4/tests/test_fft_goldens.log | grep -c '^hash ' || true)
  echo "  FFT outputs bit-identical to the x86-64 build with AVLOC_NO_SIMD: $same of $total"
fi
echo "Cortex-M4 under qemu: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
