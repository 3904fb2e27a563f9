#!/usr/bin/python3
"""Train, export and evaluate the U-VAE of "Audio-visual localization by
synthetic acoustic images generation" on tools/acimg_scenes.py data
(docs/acimg.md). CPU, one thread, fixed seed: the shipped weights
(data/acimg/uvae.safetensors) are reproducible with

    /usr/bin/python3 tools/acimg_scenes.py --avloc build/avloc --n 1800 --seed 12 -o scenes.npz
    /usr/bin/python3 tools/acimg_uvae.py train --data scenes.npz -o data/acimg/uvae.safetensors
    /usr/bin/python3 tools/acimg_uvae.py eval --data scenes.npz --weights data/acimg/uvae.safetensors

Model: tools/nn_models.py's UVAE (one skip connection, the paper's choice)
between two fixed 1x1 convolutions that normalise the tiled MFCC input per
coefficient and undo it on the output, so the file maps raw MFCC (as
`avloc acimg synth` computes them) to raw MFCC. Losses as the paper: MSE +
Huber + beta KL with beta = 1e-3 < 1 (KL averaged per latent element; at
beta = 0.05 the posterior collapsed and the latent carried nothing), 24
epochs. Scenes 0..1499 train, 1500.. test.

Evaluation (held-out scenes): MSE of acoustic images; IoU and AUC of the
energy maps with the paper's thresholds (each map binarised at its own mean;
a scene is a success when IoU > 0.5; AUC is the area under the success rate
over IoU thresholds 0, 0.1, ..., 1); ablations: black frame, background-noise
audio (the MFCC of a silent scene), tiled MFCC without the network; silent
scenes: how flat the predicted energy is (std/mean). Writes a JSON of the
numbers and heat-map pictures (--pictures DIR).
"""
import argparse
import json
import math
import os
import struct
import sys
import time
import zlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import avloc_export  # noqa: E402
import nn_models  # noqa: E402
from gen_goldens_array import energy  # noqa: E402

N_TRAIN = 1500
KW = dict(n_mfcc=12, base=12, latent=16, vis_ch=16, size=(36, 48), skips=1)
BETA = 1e-3


class Synth(nn.Module):
    """Fixed per-coefficient normalisation around the U-VAE."""

    def __init__(self, mean, std):
        super().__init__()
        self.norm_in = nn.Conv2d(12, 12, 1)
        self.uvae = nn_models.UVAE(**KW)
        self.denorm = nn.Conv2d(12, 12, 1)
        with torch.no_grad():
            self.norm_in.weight.copy_(torch.diag(1.0 / std).reshape(12, 12, 1, 1))
            self.norm_in.bias.copy_(-mean / std)
            self.denorm.weight.copy_(torch.diag(std).reshape(12, 12, 1, 1))
            self.denorm.bias.copy_(mean)
        for p in list(self.norm_in.parameters()) + list(self.denorm.parameters()):
            p.requires_grad_(False)

    def forward(self, mfcc, frame):
        y, mu, logvar = self.uvae(self.norm_in(mfcc), frame)
        return self.denorm(y), mu, logvar


def tensors(d, idx, black=False, mono=None):
    m = d["mono"][idx] if mono is None else mono
    x = torch.from_numpy(np.ascontiguousarray(np.broadcast_to(m[:, :, None, None], (len(idx), 12, 36, 48))))
    f = torch.from_numpy(d["frames"][idx]).permute(0, 3, 1, 2).float() / 255.0
    if black:
        f = torch.zeros_like(f)
    return x.float(), f


def stats(d):
    t = d["target"][:N_TRAIN].reshape(-1, 12)
    return torch.tensor(t.mean(0)), torch.tensor(t.std(0) + 1e-6)


def train(args):
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(1)
    d = dict(np.load(args.data))
    mean, std = stats(d)
    model = Synth(mean, std)
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=2e-3)
    tgt = torch.from_numpy(d["target"]).permute(0, 3, 1, 2).contiguous()
    rng = np.random.default_rng(args.seed)
    t0 = time.time()
    for ep in range(args.epochs):
        model.train()
        perm = rng.permutation(N_TRAIN)
        tot = [0.0, 0.0]
        for b in range(0, N_TRAIN, args.batch):
            idx = perm[b:b + args.batch]
            x, f = tensors(d, idx)
            y = (tgt[idx] - mean[None, :, None, None]) / std[None, :, None, None]
            out, mu, logvar = model.uvae(model.norm_in(x), f)
            rec = F.mse_loss(out, y) + F.huber_loss(out, y)
            kl = -0.5 * torch.mean(1 + logvar - mu ** 2 - logvar.exp())
            loss = rec + BETA * kl
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot[0] += rec.item() * len(idx)
            tot[1] += kl.item() * len(idx)
        if ep == int(args.epochs * 0.7):
            for g in opt.param_groups:
                g["lr"] *= 0.3
        print("epoch %d: rec %.4f kl %.4f (%.0f s)" % (ep, tot[0] / N_TRAIN, tot[1] / N_TRAIN, time.time() - t0),
              file=sys.stderr)
    model.eval()
    x, f = tensors(d, np.array([N_TRAIN]))
    avloc_export.export(model, (x, f), args.out, verify=True,
                        metadata={"task": "acimg-uvae", "sample_rate": "16000", "frame_length": "1333",
                                  "n_fft": "512", "fmin": "100", "fmax": "6000", "n_mels": "40",
                                  "seed": str(args.seed), "epochs": str(args.epochs)})
    torch.save(model.state_dict(), args.out.replace(".safetensors", ".pt"))  # for eval (not shipped)
    print("wrote %s (%d bytes), %.0f s of training" % (args.out, os.path.getsize(args.out), time.time() - t0))


def iou_auc(g_maps, a_maps):
    """Paper's metrics: binarise each map at its own mean; success rate at
    IoU > 0.5 and the area under the success rate over thresholds 0..1."""
    ious = []
    for g, a in zip(g_maps, a_maps):
        A, G = a > a.mean(), g > g.mean()
        u = np.logical_or(A, G).sum()
        ious.append(np.logical_and(A, G).sum() / u if u else 0.0)
    ious = np.array(ious)
    th = np.linspace(0, 1, 11)
    succ = np.array([(ious > t).mean() for t in th])
    return float((ious > 0.5).mean()), float(np.trapz(succ, th)), ious


def energies(imgs):
    return np.stack([energy(i.reshape(-1, 12).astype(np.float64), 40).reshape(36, 48) for i in imgs])


def predict(model, d, idx, **kw):
    out = []
    with torch.no_grad():
        for b in range(0, len(idx), 64):
            x, f = tensors(d, idx[b:b + 64], black=kw.get("black", False),
                           mono=None if kw.get("mono") is None else kw["mono"][b:b + 64])
            out.append(model(x, f)[0].permute(0, 2, 3, 1).numpy())
    return np.concatenate(out)


def png(path, rgb):
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))
    chunk = lambda t, b: struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def colour(m):
    """Energy map -> RGB (dark blue .. yellow), scaled to its own range, x2 up to the frame size."""
    t = (m - m.min()) / (m.max() - m.min() + 1e-30)
    rgb = np.stack([np.clip(1.5 * t - 0.2, 0, 1), np.clip(1.6 * t - 0.5, 0, 1) ** 0.8, np.clip(0.6 - t, 0, 1) + 0.2 * t], -1)
    return np.kron((rgb * 255).astype(np.uint8), np.ones((2, 2, 1), np.uint8))


def c_agreement(model, avloc, ex, weights):
    """`avloc acimg synth` (C: MFCC, avloc_nn.h, energy) against torch on the
    same MFCC (from `avloc acimg array` of the same WAV on a one-microphone
    geometry) and frame: max |C - torch| / max |torch| over the example scenes."""
    import subprocess
    import tempfile
    worst = worst_e = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        one = os.path.join(tmp, "one.csv")
        with open(one, "w") as f:
            f.write("x,y,z\n0,0,0\n")
        for i in range(4):
            wav, ppm = os.path.join(ex, "scene%d_mono.wav" % i), os.path.join(ex, "scene%d.ppm" % i)
            if not os.path.exists(wav):
                break
            m, ci, ce = (os.path.join(tmp, n) for n in ("m.npy", "c.npy", "e.npy"))
            subprocess.run([avloc, "acimg", "array", wav, "--geometry", one, "--grid", "1x1", "-o", m],
                           check=True, stdout=subprocess.DEVNULL)
            subprocess.run([avloc, "acimg", "synth", "--weights", weights, "--audio", wav, "--frame", ppm,
                            "-o", ci, "--energy-out", ce], check=True, stdout=subprocess.DEVNULL)
            with open(ppm, "rb") as f:
                raw = f.read()
            frame = np.frombuffer(raw[-72 * 96 * 3:], np.uint8).reshape(72, 96, 3)
            x = torch.from_numpy(np.ascontiguousarray(np.broadcast_to(np.load(m)[0, 0][:, None, None], (12, 36, 48))))[None]
            f = torch.from_numpy(frame.copy()).permute(2, 0, 1)[None].float() / 255.0
            with torch.no_grad():
                t = model(x.float(), f)[0][0].permute(1, 2, 0).numpy()
            c = np.load(ci)
            worst = max(worst, float(np.abs(c - t).max() / np.abs(t).max()))
            te = energy(t.reshape(-1, 12).astype(np.float64), 40)
            worst_e = max(worst_e, float(np.abs(np.load(ce).ravel() - te).max() / np.abs(te).max()))
    return worst, worst_e



def evaluate(args):
    torch.set_num_threads(1)
    d = dict(np.load(args.data))
    mean, std = stats(d)
    model = Synth(mean, std)
    # weights from the exported file, by the exporter's names (batch norms are folded
    # there, so the torch model is rebuilt from the state dict saved beside it)
    model.load_state_dict(torch.load(args.weights.replace(".safetensors", ".pt")))
    model.eval()
    test = np.arange(N_TRAIN, len(d["mono"]))
    snd = test[~d["silent"][test]]
    sil = test[d["silent"][test]]
    gt_e = energies(d["target"][snd])
    res = {"n_test": int(len(test)), "n_sounding": int(len(snd)), "n_silent": int(len(sil))}
    pred = predict(model, d, test)
    tiled = np.broadcast_to(d["mono"][test][:, None, None, :], pred.shape)
    res["mse"] = float(np.mean((pred - d["target"][test]) ** 2))
    res["mse_tiled_mfcc"] = float(np.mean((tiled - d["target"][test]) ** 2))
    pos = {k: i for i, k in enumerate(test)}
    ps = pred[[pos[k] for k in snd]]
    pe = energies(ps)
    res["iou"], res["auc"], _ = iou_auc(pe, gt_e)
    res["iou_black_frame"], res["auc_black_frame"], _ = iou_auc(energies(predict(model, d, snd, black=True)), gt_e)
    noise = d["mono"][sil][np.arange(len(snd)) % len(sil)]
    res["iou_noise_audio"], res["auc_noise_audio"], _ = iou_auc(energies(predict(model, d, snd, mono=noise)), gt_e)
    res["iou_tiled_mfcc"], res["auc_tiled_mfcc"], _ = iou_auc(energies(tiled[[pos[k] for k in snd]]), gt_e)
    flat = lambda es: float(np.mean([e.std() / e.mean() for e in es]))
    res["flatness_pred_silent"] = flat(energies(pred[[pos[k] for k in sil]]))
    res["flatness_pred_sounding"] = flat(pe)
    res["flatness_gt_sounding"] = flat(gt_e)
    # the ground truth's own localisation: energy peak near a sounding object
    hit = []
    for e, k in zip(gt_e, snd):
        r, c = np.unravel_index(np.argmax(e), e.shape)
        u, v = (c + 0.5) * 640 / 48, (r + 0.5) * 480 / 36
        hit.append(min(math.hypot(u - x, v - y) for x, y in d["centres"][k] if x >= 0) < 60)
    res["gt_peak_on_object"] = float(np.mean(hit))
    if args.avloc and args.examples:
        res["c_vs_torch_image_rel"], res["c_vs_torch_energy_rel"] = c_agreement(model, args.avloc, args.examples,
                                                                                args.weights)
    print(json.dumps(res, indent=1))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)
    if args.pictures:
        os.makedirs(args.pictures, exist_ok=True)
        rows = []
        for j in range(4):
            k = snd[j]
            rows.append(np.concatenate([d["frames"][k], np.full((72, 4, 3), 255, np.uint8), colour(gt_e[j]),
                                        np.full((72, 4, 3), 255, np.uint8), colour(pe[j])], 1))
            rows.append(np.full((4, rows[-1].shape[1], 3), 255, np.uint8))
        png(os.path.join(args.pictures, "acimg_uvae_test.png"), np.concatenate(rows[:-1]))


def main():
    ap = argparse.ArgumentParser(description="U-VAE for synthetic acoustic images")
    ap.add_argument("cmd", choices=["train", "eval"])
    ap.add_argument("--data", required=True)
    ap.add_argument("-o", "--out")
    ap.add_argument("--weights")
    ap.add_argument("--epochs", type=int, default=24)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--json")
    ap.add_argument("--pictures")
    ap.add_argument("--avloc", help="the avloc program, for the C-vs-torch check")
    ap.add_argument("--examples", help="acimg_scenes.py --examples DIR (WAV + PPM scenes)")
    a = ap.parse_args()
    if a.cmd == "train":
        train(a)
    else:
        evaluate(a)


if __name__ == "__main__":
    main()
