#!/bin/sh
# examples/demo.sh - end-to-end avloc demo (DSP part for now).
#
#   sh examples/demo.sh [OUT_DIR]        (default OUT_DIR: out/)
#
# Needs only a C compiler: builds build/avloc if it is missing or stale
# (override with AVLOC=/path/to/avloc, CC=..., BUILD=...), generates a
# stereo clip with a known interaural delay, measures it with GCC-PHAT,
# makes a speech clip (espeak-ng if installed, else a synthetic chirp) and
# writes its spectrogram PNG and log-mel .npy. Later stages (localisation)
# append to this script.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-out}
BUILD=${BUILD:-build}
DELAY=${DELAY:-5.3}   # samples at 16 kHz (0.33 ms): a source on the listener's left
ILD=${ILD:--4}        # dB, right relative to left

mkdir -p "$OUT"

. "$ROOT/examples/find_avloc.sh"

echo "== 1. synthetic binaural clip: right = left delayed by $DELAY samples, $ILD dB"
"$AVLOC" gen-binaural -o "$OUT/binaural.wav" --delay "$DELAY" --ild-db "$ILD" --seconds 1 --sr 16000

echo "== 2. GCC-PHAT delay (whole clip, then per 4096-sample frame)"
"$AVLOC" gcc-phat "$OUT/binaural.wav" | tee "$OUT/gcc_phat.json"
"$AVLOC" gcc-phat "$OUT/binaural.wav" --frame 4096 --hop 4096 | tee "$OUT/gcc_phat_frames.jsonl"

echo "== 3. speech clip"
if command -v espeak-ng >/dev/null 2>&1 &&
   espeak-ng -w "$OUT/speech.wav" "Where is the sound coming from? Look at the camera." 2>/dev/null; then
    echo "espeak-ng: $OUT/speech.wav"
else
    echo "espeak-ng not available: using a synthetic chirp instead"
    "$AVLOC" gen-binaural -o "$OUT/speech.wav" --delay 0 --chirp --seconds 1.5 --sr 16000 >/dev/null
fi
"$AVLOC" info "$OUT/speech.wav"

echo "== 4. spectrogram PNG and log-mel features"
"$AVLOC" spectrogram "$OUT/speech.wav" -o "$OUT/speech_spectrogram.png"
"$AVLOC" melspec "$OUT/speech.wav" --db -o "$OUT/speech_logmel.npy"
"$AVLOC" spectrogram "$OUT/binaural.wav" -o "$OUT/binaural_spectrogram.png" --n-mels 64

echo "== wrote"
for f in binaural.wav gcc_phat.json gcc_phat_frames.jsonl speech.wav speech_spectrogram.png \
         speech_logmel.npy binaural_spectrogram.png; do
    if [ -f "$OUT/$f" ]; then
        printf '  %-34s %8s bytes\n' "$OUT/$f" "$(wc -c < "$OUT/$f" | tr -d ' ')"
    fi
done
echo "log-mel .npy shape is (channels, frames, n_mels), librosa defaults (load with numpy.load)."

# Part 2: localise speech in a calibrated (simulated KEMAR) scene with GLLiM.
echo
echo "== speech localisation with GLLiM (model and clips in data/demo/)"
AVLOC="$AVLOC" sh "$ROOT/examples/demo_gllim.sh" "$OUT"

# Part 3: depth and segmentation maps from 8-channel audio through a VQ-VAE.
echo
echo "== visual maps from audio (VQ-VAE; networks and clips in data/depth/)"
AVLOC="$AVLOC" sh "$ROOT/examples/demo_depth.sh" "$OUT"

# Part 4: find the sounding pixels and separate their sound (low-rank + sparse, avloc_rpca.h).
echo
echo "== sounding-object localisation and separation (avloc rpca, data/rpca_demo: mouth + white noise)"
"$AVLOC" rpca "$ROOT/data/rpca_demo/video.y4m" "$ROOT/data/rpca_demo/mixture.wav" \
    --mask-out "$OUT/rpca_mask.pgm" --heat-out "$OUT/rpca_heat.png" --audio-out "$OUT/rpca_target.wav" \
    --map-out "$OUT/rpca_map.npy"
for f in rpca_mask.pgm rpca_heat.png rpca_target.wav rpca_map.npy; do
    printf '  %-34s %8s bytes\n' "$OUT/$f" "$(wc -c < "$OUT/$f" | tr -d ' ')"
done
echo "rpca_heat.png: the localisation map (sum over time of |Pv|) over the first frame; rpca_mask.pgm: 255 = found"
echo "sounding pixels (ground truth in data/rpca_demo/mask.pgm); rpca_target.wav: the separated speech."

# Part 5: acoustic images: a microphone array's beamforming and the U-VAE's synthesis.
echo
echo "== acoustic images (data in data/acimg/)"
AVLOC="$AVLOC" sh "$ROOT/examples/demo_acimg.sh" "$OUT"
