#!/usr/bin/env bash
# The live example end to end through its file sources (the code path the
# devices use from the first sample on): a simulated calibration session
# (marker + white noise across the view) -> avloc_live --calibrate -> model;
# a simulated speech scene -> avloc_live --model -> estimates scored against
# the truth, overlay video and snapshots checked; the same scene through
# ALSA's capture path (an ALSA `file` PCM reading the samples, no sound
# card), which must give the file path's estimates; the Windows build
# (mingw-w64) run under wine on the same files, likewise.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -s build/avloc_live EXTRA_CFLAGS=-Werror
$PY tools/live_scene.py calib --out "$tmp/c" --rows 12 --cols 16
$PY tools/live_scene.py test --out "$tmp/t" --count 8
build/avloc_live --audio "file:$tmp/c/calib.wav" --video "file:$tmp/c/calib.y4m" --calibrate "$tmp/m.safetensors"
mkdir -p "$tmp/snaps"
build/avloc_live --audio "file:$tmp/t/test.wav" --video "file:$tmp/t/test.y4m" --model "$tmp/m.safetensors" \
  --overlay "$tmp/overlay.y4m" --snapshots "$tmp/snaps" > "$tmp/est.jsonl"
score=$($PY tools/live_scene.py eval --scene "$tmp/t" --estimates "$tmp/est.jsonl" --max-du 2 --max-dv 12)
echo "  file sources: $score"
frames_in=$(grep -c FRAME "$tmp/t/test.y4m" || true)
frames_out=$(grep -c FRAME "$tmp/overlay.y4m" || true)
[ "$frames_in" = "$frames_out" ] || { echo "overlay has $frames_out frames, the input $frames_in"; exit 1; }
ls "$tmp/snaps"/live_*.png >/dev/null
echo "  overlay: $frames_out frames; $(ls "$tmp/snaps" | wc -l) snapshots"

if grep -q AVCAP_WITH_ALSA <(make -s -n build/avloc_live ALSA=1 -B 2>/dev/null) && [ -f /usr/share/alsa/alsa.conf ] &&
   nm build/avloc_live | grep snd_pcm_open >/dev/null; then
  $PY - "$tmp/t/test.wav" "$tmp/t/test.f32" <<'PYEOF'
import sys, wave, numpy as np
w = wave.open(sys.argv[1])
x = np.frombuffer(w.readframes(w.getnframes()), '<i2').astype('<f4') / 32768.0
open(sys.argv[2], 'wb').write(x.tobytes())
PYEOF
  cat > "$tmp/asound.conf" <<CONF
</usr/share/alsa/alsa.conf>
pcm.avloc_test { type file slave.pcm null file "/dev/null" infile "$tmp/t/test.f32" format "raw" }
CONF
  dur=$($PY -c "import wave; w = wave.open('$tmp/t/test.wav'); print(w.getnframes() / w.getframerate() - 0.05)")
  ALSA_CONFIG_PATH="$tmp/asound.conf" build/avloc_live --audio alsa:avloc_test --video "file:$tmp/t/test.y4m" \
    --model "$tmp/m.safetensors" --duration "$dur" > "$tmp/est_alsa.jsonl"
  n=$(wc -l < "$tmp/est_alsa.jsonl")
  [ "$n" -gt 10 ] && cmp <(head -n "$n" "$tmp/est.jsonl") "$tmp/est_alsa.jsonl" ||
    { echo "ALSA capture path differs from the file path"; exit 1; }
  echo "  ALSA capture (file PCM): $n estimates, identical to the file path"
else
  echo "  ALSA capture: not built (no ALSA headers or config): skipped"
fi

if command -v x86_64-w64-mingw32-gcc >/dev/null; then
  make -s build/win/avloc_live.exe
  echo "  Windows build (WASAPI + Media Foundation back-ends) cross-compiled with -Werror"
  wine=$(command -v wine64 || ls /usr/lib/wine/wine64 2>/dev/null || true)
  if [ -n "$wine" ]; then
    (cd "$tmp/t" && WINEDEBUG=-all "$wine" "$OLDPWD/build/win/avloc_live.exe" --audio file:test.wav --video file:test.y4m \
       --model ../m.safetensors 2>/dev/null | tr -d '\r' > "$tmp/est_win.jsonl")
    cmp "$tmp/est.jsonl" "$tmp/est_win.jsonl" || { echo "the Windows build's estimates differ"; exit 1; }
    echo "  Windows build under wine: $(wc -l < "$tmp/est_win.jsonl") estimates, identical to Linux"
  else
    echo "  wine not installed: the Windows build was not run"
  fi
fi
echo "  live example ok"
