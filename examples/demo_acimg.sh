#!/bin/sh
# examples/demo_acimg.sh - acoustic images part of the avloc demo (called by examples/demo.sh).
#
#   sh examples/demo_acimg.sh [OUT_DIR]      (default OUT_DIR: out/)
#
# Uses only committed files (data/acimg/, made by tools/acimg_scenes.py --seed 99, scenes
# not seen in training; docs/acimg.md): a 1/12 s scene heard by an 8 x 8 microphone array
# (demo_array.wav, 64 channels, geometry mics.csv) and by one reference microphone
# (demo_mono.wav), its camera frame (demo.ppm, 96 x 72; one sounding object at pixel
# (559, 312) of the 640 x 480 camera), a silent scene (silent_mono.wav, silent.ppm) and the
# trained U-VAE (uvae.safetensors). Writes OUT_DIR/acimg_array_heat.png (beamforming),
# acimg_synth_heat.png (U-VAE from one microphone + frame), acimg_silent_heat.png and the
# .npy images; each command prints its JSON line (energy peak cell of the 36 x 48 grid).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-out}
BUILD=${BUILD:-build}
D="$ROOT/data/acimg"
mkdir -p "$OUT"

. "$ROOT/examples/find_avloc.sh"

echo "== acoustic image of the 64-microphone array (delay-and-sum, 36 x 48 camera grid)"
echo "   the sounding object is at pixel (559, 312): cell (23, 41)"
"$AVLOC" acimg array "$D/demo_array.wav" --geometry "$D/mics.csv" --grid 36x48 --width 640 --height 480 \
    --hfov 60 -o "$OUT/acimg_array.npy" --energy-out "$OUT/acimg_array_energy.npy" \
    --heat-out "$OUT/acimg_array_heat.png"

echo "== synthetic acoustic image from ONE microphone and the frame (U-VAE)"
"$AVLOC" acimg synth --weights "$D/uvae.safetensors" --audio "$D/demo_mono.wav" --frame "$D/demo.ppm" \
    -o "$OUT/acimg_synth.npy" --energy-out "$OUT/acimg_synth_energy.npy" --heat-out "$OUT/acimg_synth_heat.png"

echo "== a silent scene (background noise only): the energy map should be nearly flat"
"$AVLOC" acimg synth --weights "$D/uvae.safetensors" --audio "$D/silent_mono.wav" --frame "$D/silent.ppm" \
    -o "$OUT/acimg_silent.npy" --heat-out "$OUT/acimg_silent_heat.png"

echo "== wrote $OUT/acimg_array_heat.png, $OUT/acimg_synth_heat.png, $OUT/acimg_silent_heat.png (+ .npy)"
