#!/bin/sh
# examples/demo_mp.sh - audio-visual matching pursuit demo (avloc_mp.h).
#
#   sh examples/demo_mp.sh [OUT_DIR]        (default OUT_DIR: out/)
#
# 1. the paper's synthetic scene (tools/avmp_data.py synth): learn 10 kernels,
#    draw them (OUT/avmp_synth_kernels.png);
# 2. with espeak-ng: speech-like training clips (one mouth) and a distracter
#    clip (two mouths, one voice); learn 30 kernels, draw them, locate the
#    speaking mouth (OUT/avmp_locate.jsonl, OUT/avmp_frames.png with the
#    located source marked, OUT/avmp_heat.png).
# Needs /usr/bin/python3 with numpy and scipy (data generation only).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-out}
BUILD=${BUILD:-build}
PY=${PY:-/usr/bin/python3}
mkdir -p "$OUT"
. "$ROOT/examples/find_avloc.sh"

echo "== AV-MP 1. synthetic scene: learn 10 kernels (1602 samples, 8x8x6)"
"$PY" "$ROOT/tools/avmp_data.py" synth "$OUT/avmp_synth"
"$AVLOC" avmp learn --video "$OUT/avmp_synth/synth.y4m" --audio "$OUT/avmp_synth/synth.wav" \
    -o "$OUT/avmp_synth_dict.safetensors"
"$AVLOC" avmp show "$OUT/avmp_synth_dict.safetensors" -o "$OUT/avmp_synth_kernels.png"
"$PY" "$ROOT/tools/avmp_data.py" eval "$OUT/avmp_synth_dict.safetensors" "$OUT/avmp_synth/synth_truth.npz"

if ! command -v espeak-ng >/dev/null 2>&1; then
    echo "== AV-MP 2. skipped: espeak-ng not installed"
    exit 0
fi
echo "== AV-MP 2. speech-like clips: learn 30 kernels (2670 samples, 12x12x10), locate the speaking mouth"
D="$OUT/avmp_speech"
"$PY" "$ROOT/tools/avmp_data.py" speech "$D" --train 5 --test 1
set --
for i in 0 1 2 3 4; do set -- "$@" --video "$D/train_$i.y4m" --audio "$D/train_$i.wav"; done
"$AVLOC" avmp learn "$@" --kernels 30 --audio-len 2670 --video-size 12x12x10 --atoms 60 --iters 30 \
    -o "$OUT/avmp_speech_dict.safetensors"
"$AVLOC" avmp show "$OUT/avmp_speech_dict.safetensors" -o "$OUT/avmp_speech_kernels.png"
"$AVLOC" avmp locate --dict "$OUT/avmp_speech_dict.safetensors" --video "$D/test_0.y4m" --audio "$D/test_0.wav" \
    --frames-out "$OUT/avmp_frames.png" --heat-out "$OUT/avmp_heat.png" > "$OUT/avmp_locate.jsonl"
echo "true speaking mouth: $(cat "$D/test_0.json" | cut -c1-30)..."
"$PY" "$ROOT/tools/avmp_locate_eval.py" "$AVLOC" "$OUT/avmp_speech_dict.safetensors" "$D"
