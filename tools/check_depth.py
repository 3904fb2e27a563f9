#!/usr/bin/python3
"""C-vs-torch agreement of the whole audio -> map pipeline (docs/depth.md).

For held-out clips written by tools/depth_scenes.py (data/cache/depth/test_*.wav),
`avloc depth` (log-mel of the 8 channels in C, the network file run by
avloc_nn.h, argmax for segmentation) is compared with torch on the same samples
(torchaudio MelSpectrogram + log, the trained torch modules from
data/cache/depth/TASK.pt, eval mode): the code indices must be identical, the
depth maps within 1e-4 of the map's largest magnitude, the class maps identical.

  /usr/bin/python3 tools/check_depth.py [--avloc build/avloc] [--n 24]
  /usr/bin/python3 tools/check_depth.py --make-golden   # data/depth/clip_*.wav + tests/golden/depth_*.npy

Exit status 1 on a disagreement. --make-golden writes two test clips as 16-bit
PCM with pictures of their true maps (data/depth/clip_*), and for clip_a the
torch outputs of both shipped files computed from the decoded 16-bit samples,
as C reads them (tests/test_depth.c, tests/test_cli.c).
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from scipy.io import wavfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import depth_scenes as ds  # noqa: E402
import train_depth as td  # noqa: E402

# test scenes bundled as data/depth/clip_a.wav (golden: noise at -22 degrees, 6.2 m and
# speech at +19 degrees, 6.1 m; the nets find the noise and miss the speech) and
# clip_b.wav (demo only: speech at +17 degrees, 5.2 m), with their true maps as pictures
BUNDLED = (("clip_a", 2), ("clip_b", 10))


def torch_models(cache):
    out = {}
    for task in ("depth", "seg"):
        vq, net, _ = td.load_models(os.path.join(cache, task + ".pt"))
        out[task] = td.ExportDepth(net, vq, task).eval()
    return out


def torch_map(model, task, audio):
    """audio (CLIP, 8) float -> (map (H, W), codes (h, w)) as torch computes them."""
    mel = ds.log_mel(audio[:ds.CLIP].T)
    with torch.no_grad():
        out, codes = model(torch.as_tensor(mel)[None])
    m = out[0, 0] if task == "depth" else out[0].argmax(0).float()
    return m.numpy(), codes[0].numpy()


def c_map(avloc, weights, wav, tmp):
    npy, codes = os.path.join(tmp, "map.npy"), os.path.join(tmp, "codes.npy")
    subprocess.run([avloc, "depth", "--weights", weights, "--audio", wav, "-o", os.path.join(tmp, "map.png"),
                    "--npy-out", npy, "--codes-out", codes], check=True, capture_output=True)
    return np.load(npy), np.load(codes)


def read_wav(path):
    sr, x = wavfile.read(path)
    if x.dtype == np.int16:
        x = x.astype(np.float32) / 32768.0
    return x.astype(np.float32)


def compare(task, tm, tc, cm, cc):
    """(ok, relative error or mismatch share)."""
    if not np.array_equal(tc, cc):
        return False, float(np.mean(tc != cc))
    if task == "depth":
        e = float(np.max(np.abs(tm - cm)) / np.max(np.abs(tm)))
        return e <= 1e-4, e
    return bool(np.array_equal(tm, cm)), float(np.mean(tm != cm))


def make_golden(models, cache):
    import eval_depth
    te = td.load(cache, "test")
    for name, scene in BUNDLED:
        a = read_wav(os.path.join(cache, "test_%03d.wav" % scene))
        pcm = np.clip(np.round(a * 32767), -32768, 32767).astype(np.int16)
        wavfile.write("data/depth/%s.wav" % name, ds.SR, pcm)
        tiles = [eval_depth.depth_rgb(te["depth"][scene]), np.full((ds.MAP, 4, 3), 255, np.uint8),
                 eval_depth.PALETTE[te["seg"][scene]]]
        eval_depth.write_png("data/depth/%s_true.png" % name, np.repeat(np.repeat(np.concatenate(tiles, 1), 4, 0), 4, 1))
        if name != "clip_a":
            continue
        a16 = pcm.astype(np.float32) / 32768.0
        for task in ("depth", "seg"):
            m, c = torch_map(models[task], task, a16)
            np.save("tests/golden/depth_%s_map.npy" % task, m.astype(np.float32))
            np.save("tests/golden/depth_%s_codes.npy" % task, c.astype(np.float32))
            print("golden %s: map %s, %d distinct codes" % (task, m.shape, len(np.unique(c))))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--avloc", default="build/avloc")
    ap.add_argument("--cache", default="data/cache/depth")
    ap.add_argument("--weights-dir", default="data/depth")
    ap.add_argument("--n", type=int, default=24)
    ap.add_argument("--make-golden", action="store_true")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    models = torch_models(args.cache)
    if args.make_golden:
        make_golden(models, args.cache)
        return 0
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for task in ("depth", "seg"):
            worst = 0.0
            for i in range(args.n):
                wav = os.path.join(args.cache, "test_%03d.wav" % i)
                tm, tc = torch_map(models[task], task, read_wav(wav))
                cm, cc = c_map(args.avloc, os.path.join(args.weights_dir, task + ".safetensors"), wav, tmp)
                ok, e = compare(task, tm, tc, cm, cc)
                worst = max(worst, e)
                if not ok:
                    bad += 1
                    print("  %s clip %d: DISAGREE (%.3g)" % (task, i, e))
            print("%s: %d clips, codes identical, %s %.2e" % (
                task, args.n, "max error / max |map|" if task == "depth" else "class-map mismatch share", worst))
    print("check_depth: %s" % ("FAILED" if bad else "ok"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
