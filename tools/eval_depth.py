#!/usr/bin/python3
"""Held-out evaluation of the audio -> depth / segmentation models (docs/depth.md).

On the test split of tools/depth_scenes.py (scenes never seen in training),
with the torch modules of tools/train_depth.py (data/cache/depth/TASK.pt; the
C pipeline gives the same maps, tools/check_depth.py):
  depth: AbsRel, SqRel, RMSE, RMSE_log (Eigen et al.), delta < 1.25^k, and the
         paper's AUC_crr (sum over tau in {0, 0.01, ..., 0.3} of the share of
         pixels with |y - y^| / y < tau, times 0.01: at most 0.3), per image then
         averaged; on all pixels and on the pixels of sounding objects only;
  segmentation: IoU per class over the whole test set and their mean (mIoU);
against the trivial baselines (the training set's mean depth map; the
per-pixel majority class) and the VQ-VAE's own reconstruction of the true map
(the manifold's ceiling). Pictures: true vs predicted maps of a few test scenes
(docs/img/depth_examples.png). Timings: the whole VQ-VAE path per clip (log-mel
of 8 channels + network + argmax), C (bench/bench_depth.c) against torch with
one thread, best of interleaved rounds.

  /usr/bin/python3 tools/eval_depth.py [--png docs/img/depth_examples.png] [--time]
"""
import argparse
import os
import struct
import subprocess
import sys
import time
import zlib

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import depth_scenes as ds  # noqa: E402
import train_depth as td  # noqa: E402
import check_depth as cd  # noqa: E402

TAUS = np.arange(0, 0.3001, 0.01)


def depth_metrics(y, p, mask=None):
    """Per-image metrics averaged over images; y, p (N, H, W) metres; mask: pixels to use."""
    p = np.clip(p, 0.1, None)  # a log and a ratio need positive predictions
    rows = []
    for i in range(len(y)):
        m = np.ones(y[i].shape, bool) if mask is None else mask[i]
        if not m.any():
            continue
        a, b = y[i][m].astype(np.float64), p[i][m].astype(np.float64)
        rel = np.abs(a - b) / a
        ratio = np.maximum(a / b, b / a)
        crr = [np.mean(rel < t) for t in TAUS]
        rows.append([rel.mean(), np.mean((a - b) ** 2 / a), np.sqrt(np.mean((a - b) ** 2)),
                     np.sqrt(np.mean((np.log(a) - np.log(b)) ** 2)),
                     np.mean(ratio < 1.25), np.mean(ratio < 1.25 ** 2), np.mean(ratio < 1.25 ** 3),
                     sum(c * (t1 - t0) for c, t0, t1 in zip(crr[:-1], TAUS[:-1], TAUS[1:]))])
    return np.mean(rows, axis=0)


def miou(y, p, n=td.N_CLASSES):
    ious = []
    for c in range(n):
        inter = np.sum((y == c) & (p == c))
        union = np.sum((y == c) | (p == c))
        ious.append(inter / union if union else np.nan)
    return np.array(ious)


def predict(model, vq, task, te):
    """(pipeline maps, VQ-VAE reconstructions of the true maps)."""
    outs, recs = [], []
    with torch.no_grad():
        for i in range(0, len(te["mel"]), 100):
            o, _ = model(torch.as_tensor(te["mel"][i:i + 100]))
            x = td.map_input(task, te["depth"][i:i + 100], te["seg"][i:i + 100])
            r = vq.decoder(vq.vq(vq.encoder(x))[0])
            if task == "depth":
                outs.append(o[:, 0].numpy())
                recs.append(r[:, 0].numpy() * ds.MAX_DEPTH)
            else:
                outs.append(o.argmax(1).numpy())
                recs.append(r.argmax(1).numpy())
    return np.concatenate(outs), np.concatenate(recs)


# ---------------------------------------------------------------- pictures
VIRIDIS = np.array([[68, 1, 84], [71, 45, 123], [59, 82, 139], [44, 114, 142], [33, 145, 140], [40, 174, 128],
                    [94, 201, 98], [173, 220, 48], [253, 231, 37]], np.float64)
PALETTE = np.array([[40, 40, 48], [230, 80, 60], [90, 200, 90], [70, 120, 240]], np.uint8)


def depth_rgb(d):
    """As `avloc depth` draws it: viridis of 1 - d / MAX_DEPTH (near is bright)."""
    t = np.clip(1 - d / ds.MAX_DEPTH, 0, 1) * 8
    i = np.minimum(t.astype(int), 7)
    f = (t - i)[..., None]
    return (VIRIDIS[i] + (VIRIDIS[i + 1] - VIRIDIS[i]) * f + 0.5).astype(np.uint8)


def write_png(path, rgb):
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def picture(path, te, dp, sp, idx, zoom=2):
    """One row per scene: true depth | predicted depth | true classes | predicted classes."""
    gap = np.full((ds.MAP, 4, 3), 255, np.uint8)
    rows = []
    for i in idx:
        tiles = [depth_rgb(te["depth"][i]), depth_rgb(dp[i]), PALETTE[te["seg"][i]], PALETTE[sp[i]]]
        row = np.concatenate(sum([[t, gap] for t in tiles], [])[:-1], axis=1)
        rows += [row, np.full((4, row.shape[1], 3), 255, np.uint8)]
    img = np.concatenate(rows[:-1], axis=0)
    write_png(path, np.repeat(np.repeat(img, zoom, 0), zoom, 1))


# ---------------------------------------------------------------- timing
def time_torch(models, clips, reps):
    best = {}
    for task, model in models.items():
        t_best = 1e9
        for _ in range(reps):
            t0 = time.process_time()
            for a in clips:
                cd.torch_map(model, task, a)
            t_best = min(t_best, (time.process_time() - t0) / len(clips))
        best[task] = t_best * 1e3
    return best


def time_c(binary, weights, wav, reps):
    out = subprocess.run([binary, weights, wav, str(reps)], check=True, capture_output=True, text=True).stdout
    return float(out.split()[0])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", default="data/cache/depth")
    ap.add_argument("--weights-dir", default="data/depth")
    ap.add_argument("--png", default="docs/img/depth_examples.png")
    ap.add_argument("--time", action="store_true", help="also time C (build/bench/bench_depth: make -C bench) against torch")
    ap.add_argument("--bench", default="build/bench/bench_depth")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    te, tr = td.load(args.cache, "test"), td.load(args.cache, "train")
    models = cd.torch_models(args.cache)
    vqs = {t: td.load_models(os.path.join(args.cache, t + ".pt"))[0] for t in ("depth", "seg")}
    dp, drec = predict(models["depth"], vqs["depth"], "depth", te)
    sp, srec = predict(models["seg"], vqs["seg"], "seg", te)
    y = te["depth"]
    obj = te["seg"] > 0
    mean_map = np.repeat(tr["depth"].mean(0)[None], len(y), 0)
    print("depth, %d test scenes (%d with objects)" % (len(y), int(obj.any(axis=(1, 2)).sum())))
    print("| predictor | pixels | AbsRel | SqRel | RMSE (m) | RMSE log | d<1.25 | d<1.25^2 | d<1.25^3 | AUC_crr |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, p in (("audio -> VQ-VAE (ours)", dp), ("mean depth map (baseline)", mean_map),
                    ("VQ-VAE reconstruction of the true map (ceiling)", drec)):
        for pix, m in (("all", None), ("objects", obj)):
            r = depth_metrics(y, p, m)
            print("| %s | %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |" % ((name, pix) + tuple(r)))
    majority = np.repeat(np.argmax(np.stack([(tr["seg"] == c).sum(0) for c in range(td.N_CLASSES)]), 0)[None],
                         len(y), 0)
    print("\nsegmentation, IoU per class (%)")
    print("| predictor | mIoU | background | tone | noise | speech |")
    print("|---|---|---|---|---|---|")
    for name, p in (("audio -> VQ-VAE (ours)", sp), ("majority class per pixel (baseline)", majority),
                    ("VQ-VAE reconstruction of the true map (ceiling)", srec)):
        iou = miou(te["seg"], p) * 100
        print("| %s | %.1f | %s |" % (name, np.nanmean(iou), " | ".join("%.1f" % v for v in iou)))
    if args.png:
        os.makedirs(os.path.dirname(args.png) or ".", exist_ok=True)
        picks = [i for i in range(len(y)) if obj[i].any()][:5] + [i for i in range(len(y)) if not obj[i].any()][:1]
        picture(args.png, te, dp, sp, picks)
        print("\nwrote %s (scenes %s)" % (args.png, picks))
    if args.time:
        wavs = [os.path.join(args.cache, "test_%03d.wav" % i) for i in range(8)]
        clips = [cd.read_wav(w) for w in wavs]
        tt, tc = {"depth": 1e9, "seg": 1e9}, {"depth": 1e9, "seg": 1e9}
        for _ in range(3):  # interleaved rounds, best of each
            for task in ("depth", "seg"):
                tc[task] = min(tc[task], time_c(args.bench, os.path.join(args.weights_dir, task + ".safetensors"),
                                                wavs[0], 20))
            t = time_torch(models, clips, 3)
            for task in t:
                tt[task] = min(tt[task], t[task])
        print("\n| path (per 0.5 s clip) | avloc C (ms) | torch 1 thread (ms) | C / torch |")
        print("|---|---|---|---|")
        for task in ("depth", "seg"):
            print("| %s | %.3f | %.3f | %.2f |" % (task, tc[task], tt[task], tc[task] / tt[task]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
