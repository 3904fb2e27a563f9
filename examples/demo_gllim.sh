#!/bin/sh
# examples/demo_gllim.sh - localisation part of the avloc demo (called by examples/demo.sh).
#
#   sh examples/demo_gllim.sh [OUT_DIR]      (default OUT_DIR: out/)
#
# Uses only committed files: data/demo/kemar_gllim.safetensors (a GLLiM model calibrated on simulated
# KEMAR white noise, 18 x 24 pixel grid) and data/demo/wav/*.wav (8 espeak-ng utterances rendered at
# random pixels, anechoic, 20 dB SNR; manifest data/demo/manifest.csv with the true pixels).
# Needs only a C compiler (AVLOC=/path/to/avloc, BUILD=..., CC=... as in demo.sh).
# Writes OUT_DIR/gllim_demo.png (estimates, truths, posterior ellipses), gllim_demo.jsonl,
# phat_demo.jsonl and gllim_windows.jsonl.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-out}
BUILD=${BUILD:-build}
DEMO="$ROOT/data/demo"
mkdir -p "$OUT"

. "$ROOT/examples/find_avloc.sh"

echo "== GLLiM localisation of $(($(wc -l < "$DEMO/manifest.csv") - 1)) speech clips (model: $DEMO/kemar_gllim.safetensors)"
"$AVLOC" gllim locate --model "$DEMO/kemar_gllim.safetensors" --manifest "$DEMO/manifest.csv" \
    --draw "$OUT/gllim_demo.png" --timing | tee "$OUT/gllim_demo.jsonl"

echo "== error summary (pixels of a 640 x 480 image, 60 deg horizontal field of view)"
tail -n 1 "$OUT/gllim_demo.jsonl" | tr -d '{}"' | tr ',' '\n' | awk -F: '
    { v[$1] = $2 }
    END {
        printf "  horizontal |du|: mean %.1f px, median %.1f px, max %.1f px (mean %.2f deg azimuth)\n", v["mean_du"], v["median_du"], v["max_du"], v["mean_daz_deg"]
        printf "  vertical   |dv|: mean %.1f px, median %.1f px, max %.1f px (mean %.2f deg elevation)\n", v["mean_dv"], v["median_dv"], v["max_dv"], v["mean_del_deg"]
    }'

echo "== one clip, sliding 0.72 s windows every 0.2 s (streaming locator)"
"$AVLOC" gllim locate --model "$DEMO/kemar_gllim.safetensors" --window 0.72 --hop 0.2 --min-active 200 \
    "$DEMO/wav/0003.wav" | tee "$OUT/gllim_windows.jsonl"

echo "== a single clip with its posterior heat map"
"$AVLOC" gllim locate --model "$DEMO/kemar_gllim.safetensors" "$DEMO/wav/0003.wav" \
    --draw "$OUT/gllim_single.png"

echo "== wrote $OUT/gllim_demo.png, $OUT/gllim_single.png, $OUT/gllim_demo.jsonl, $OUT/gllim_windows.jsonl"
