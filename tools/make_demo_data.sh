#!/bin/sh
# tools/make_demo_data.sh - regenerates data/demo/ (the GLLiM localisation demo's model and clips).
#
#   sh tools/make_demo_data.sh            (AVLOC=/path/to/avloc to use another build)
#
# Needs /usr/bin/python3 with numpy + scipy, espeak-ng, and a C compiler. The HRIRs are the committed
# compact KEMAR set (data/kemar/kemar_mit_normal_16k.npz, Gardner & Martin 1994), so libmysofa is not
# needed. The clips depend on the espeak-ng build (see tools/README.md).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-/usr/bin/python3}
AVLOC=${AVLOC:-$ROOT/build/app/avloc}
[ -x "$AVLOC" ] || (cd "$ROOT" && make -s BUILD=build/app build/app/avloc)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# 1. calibration: 1 s of white noise at the 18 x 24 grid centres, anechoic, SNR 30 dB (seed 1)
"$PY" "$ROOT/tools/kemar_sim.py" --hrtf compact train --out "$TMP/train" --room anechoic --seed 1 --jobs 1
# 2. eight espeak-ng utterances at random pixels, anechoic, SNR 20 dB (seed 5: not a benchmark seed)
"$PY" "$ROOT/tools/kemar_sim.py" --hrtf compact test --out "$TMP/test" --room anechoic --seed 5 --count 8 --jobs 1
# 3. the model: K = 32, Sigma d*, bins 1..512 (D = 1536), float32; posterior tempering 1e-3; locate defaults -30 dB
#    relative (the anechoic round-2 settings, given explicitly: the CLI defaults are the calibrated-room recipe)
"$AVLOC" gllim train -q --manifest "$TMP/train/manifest.csv" -o "$TMP/model.safetensors" \
    -K 32 --sigma 'd*' --threshold-db -30 --threshold-mode rel --obs-weight 1e-3 --seed 1

OUT="$ROOT/data/demo"
rm -rf "$OUT/wav" "$OUT/manifest.csv" "$OUT/kemar_gllim.safetensors"
mkdir -p "$OUT/wav"
cp "$TMP/model.safetensors" "$OUT/kemar_gllim.safetensors"
cp "$TMP"/test/wav/*.wav "$OUT/wav/"
cp "$TMP/test/manifest.csv" "$OUT/manifest.csv"
echo "wrote $OUT: $(du -sh "$OUT" | cut -f1)"
