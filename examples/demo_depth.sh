#!/bin/sh
# examples/demo_depth.sh - depth and segmentation maps from 8-channel audio (VQ-VAE path),
# part of the avloc demo (called by examples/demo.sh).
#
#   sh examples/demo_depth.sh [OUT_DIR]      (default OUT_DIR: out/)
#
# Uses only committed files: data/depth/{depth,seg}.safetensors (tools/train_depth.py) and two
# held-out synthetic scenes data/depth/clip_{a,b}.wav (tools/depth_scenes.py: a noise source and a
# speaker, both about 6 m away; a speaker at 5 m; their true maps are
# data/depth/clip_*_true.png: depth left, classes right). Writes OUT_DIR/depth_clip_*.png and
# seg_clip_*.png (near is bright; classes: red tone, green noise, blue speech) and the depth in
# metres as .npy. Needs only a C compiler (AVLOC=/path/to/avloc, BUILD=..., CC=... as in demo.sh).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-out}
BUILD=${BUILD:-build}
DATA="$ROOT/data/depth"
mkdir -p "$OUT"

. "$ROOT/examples/find_avloc.sh"

for clip in clip_a clip_b; do
    echo "== $clip: depth and classes from 8-channel audio (true maps: $DATA/${clip}_true.png)"
    "$AVLOC" depth --weights "$DATA/depth.safetensors" --audio "$DATA/$clip.wav" \
        -o "$OUT/depth_$clip.png" --npy-out "$OUT/depth_$clip.npy"
    "$AVLOC" depth --weights "$DATA/seg.safetensors" --audio "$DATA/$clip.wav" -o "$OUT/seg_$clip.png"
done
echo "== wrote $OUT/depth_clip_{a,b}.png, $OUT/seg_clip_{a,b}.png, $OUT/depth_clip_{a,b}.npy"
