#!/usr/bin/python3
"""Train the audio -> depth / segmentation models of "Estimating visual
information from audio through manifold learning" on the scenes of
tools/depth_scenes.py, and export them for `avloc depth` (docs/depth.md).

Two stages per task, as in the paper:
  1. a VQ-VAE learns the manifold of the maps (depth: MSE on depth / MAX_DEPTH;
     segmentation: cross-entropy on one-hot class maps), with the VQ losses
     ||sg[z_e] - e||^2 + BETA ||z_e - sg[e]||^2 and the straight-through
     estimator (avloc_export.VectorQuantizer); the codebook is initialised
     from encoder outputs after a short warm-up (no dead codes at start);
  2. the audio transformation net (nn_models.AudioNet: ResNet-18-shaped
     encoder on the 8-channel log-mel spectrogram, global average pool, three
     dense layers with dropout, transposed-conv decoder to the 8 x 8 latent) is
     trained with L2 to the *unquantised* latent z_e of the frozen encoder.
Inference is audio net -> quantiser -> decoder (nn_models.AudioToMap), the
graph exported (tools/avloc_export.py) with the mel settings in its metadata.
The depth decoder's last layer is scaled by MAX_DEPTH at export, so the file
outputs metres; segmentation files output class logits (argmax in C).

CPU, one thread, fixed seeds:
  /usr/bin/python3 tools/depth_scenes.py            # data/cache/depth/*.npz
  /usr/bin/python3 tools/train_depth.py --task depth -o data/depth/depth.safetensors
  /usr/bin/python3 tools/train_depth.py --task seg   -o data/depth/seg.safetensors
"""
import argparse
import copy
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import avloc_export  # noqa: E402
import depth_scenes as ds  # noqa: E402
import nn_models  # noqa: E402

BETA = 0.25
VQ_TRAIN = 2400     # maps for the VQ-VAE (the manifold needs fewer than the audio net)
N_CLASSES = 4
# Scaled-down paper networks (the paper: 64 then 128 features, 64 codes of dim 64)
VQ_KW = dict(ch=(16, 32), n_codes=64, code_dim=64, n_res=3, hidden=16, n_down=3)   # 64x64 -> 8x8
AUDIO_KW = dict(n_ch=ds.N_MICS, width=8, hidden=(64, 64), dropout=0.1, dec_ch=64, dec_hw=(2, 2), code_dim=64,
                latent_hw=(8, 8), dec_floor=16)


class NormAudio(nn.Module):
    """AudioNet after a fixed per-microphone standardisation of the log mel
    (a BatchNorm2d kept in eval mode with the training set's statistics: it is
    exported as part of the graph, so the C side feeds raw log mel)."""

    def __init__(self, mean, var):
        super().__init__()
        self.norm = nn.BatchNorm2d(ds.N_MICS, affine=False)
        self.norm.running_mean.copy_(torch.as_tensor(mean))
        self.norm.running_var.copy_(torch.as_tensor(var))
        self.net = nn_models.AudioNet(**AUDIO_KW)

    def train(self, mode=True):
        super().train(mode)
        self.norm.eval()  # statistics stay fixed
        return self

    def forward(self, x):
        return self.net(self.norm(x))


def map_input(task, depth, seg):
    """Network input/target for a batch of maps."""
    if task == "depth":
        return torch.as_tensor(depth / ds.MAX_DEPTH).unsqueeze(1)
    return F.one_hot(torch.as_tensor(seg).long(), N_CLASSES).permute(0, 3, 1, 2).float()


def recon_loss(task, out, x, seg):
    if task == "depth":
        return F.mse_loss(out, x)
    return F.cross_entropy(out, torch.as_tensor(seg).long())


def load(cache, split):
    z = np.load(os.path.join(cache, split + ".npz"))
    return {k: z[k] for k in z.files}


def batches(n, bs, rng):
    idx = rng.permutation(n)
    return [idx[i:i + bs] for i in range(0, n, bs)]


def train_vqvae(task, tr, epochs, log):
    torch.manual_seed(1)
    rng = np.random.default_rng(1)
    vq = nn_models.VQVAE(in_ch=1 if task == "depth" else N_CLASSES, **VQ_KW)
    opt = torch.optim.Adam(vq.parameters(), lr=1e-3)
    n = min(len(tr["depth"]), VQ_TRAIN)
    step = 0
    for ep in range(epochs):
        tot = [0.0, 0.0, 0]
        for b in batches(n, 32, rng):
            x = map_input(task, tr["depth"][b], tr["seg"][b])
            ze = vq.encoder(x)
            if step == 50:  # data-dependent codebook init: random encoder outputs
                with torch.no_grad():
                    flat = ze.permute(0, 2, 3, 1).reshape(-1, ze.shape[1])
                    vq.vq.codebook.copy_(flat[torch.randperm(len(flat))[:VQ_KW["n_codes"]]])
            q, _ = vq.vq.quantize(ze)
            vq_loss = F.mse_loss(q, ze.detach()) + BETA * F.mse_loss(ze, q.detach())
            out = vq.decoder(ze + (q - ze).detach())  # straight-through estimator
            rec = recon_loss(task, out, x, tr["seg"][b])
            loss = rec + vq_loss
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot[0] += rec.item() * len(b)
            tot[1] += vq_loss.item() * len(b)
            tot[2] += len(b)
            step += 1
        log("vqvae epoch %d: recon %.5f vq %.5f" % (ep, tot[0] / tot[2], tot[1] / tot[2]))
    return vq.eval()


def encode_all(vq, task, d):
    with torch.no_grad():
        return torch.cat([vq.encoder(map_input(task, d["depth"][i:i + 256], d["seg"][i:i + 256]))
                          for i in range(0, len(d["depth"]), 256)])


def train_audio(vq, task, tr, va, epochs, log):
    torch.manual_seed(2)
    rng = np.random.default_rng(2)
    mel = tr["mel"]
    mean = mel.mean(axis=(0, 2, 3))
    var = mel.var(axis=(0, 2, 3))
    net = NormAudio(mean, var)
    zt, zv = encode_all(vq, task, tr), encode_all(vq, task, va)
    # the net learns the latent standardised per channel (the raw latent's
    # spread is ~0.03: the regression collapsed to the mean); folded back into
    # its last 1x1 conv afterwards, so the module outputs the latent itself
    mu, sd = zt.mean((0, 2, 3), keepdim=True), zt.std((0, 2, 3), keepdim=True) + 1e-6
    zt, zv = (zt - mu) / sd, (zv - mu) / sd
    base = ((zv - zv.mean(0)) ** 2).mean().item()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    for ep in range(epochs):
        net.train()
        tot, cnt = 0.0, 0
        for b in batches(len(mel), 32, rng):
            loss = F.mse_loss(net(torch.as_tensor(mel[b])), zt[b])  # L2 to the unquantised latent
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(b)
            cnt += len(b)
        sched.step()
        net.eval()
        with torch.no_grad():
            vl = F.mse_loss(net(torch.as_tensor(va["mel"])), zv).item()
        log("audio epoch %d: train %.5f val %.5f (val / variance %.3f)" % (ep, tot / cnt, vl, vl / base))
    last = net.net.dec[-1]
    with torch.no_grad():
        last.weight.mul_(sd.reshape(-1, 1, 1, 1))
        last.bias.copy_(last.bias * sd.flatten() + mu.flatten())
    return net.eval()


class ExportDepth(nn.Module):
    """AudioToMap with the depth decoder's output in metres."""

    def __init__(self, net, vq, task):
        super().__init__()
        vq = copy.deepcopy(vq)
        if task == "depth":
            last = vq.decoder.net[-1]
            with torch.no_grad():
                last.weight.mul_(ds.MAX_DEPTH)
                last.bias.mul_(ds.MAX_DEPTH)
        self.m = nn_models.AudioToMap(net, vq)

    def forward(self, x):
        return self.m(x)


def metadata(task):
    m = ds.MEL
    return {"task": "depth" if task == "depth" else "segmentation",
            "sample_rate": "%d" % ds.SR, "clip_samples": "%d" % ds.CLIP, "n_channels": "%d" % ds.N_MICS,
            "n_fft": "%d" % m["n_fft"], "hop": "%d" % m["hop_length"], "n_mels": "%d" % m["n_mels"],
            "fmin": "%g" % m["f_min"], "fmax": "%g" % m["f_max"], "mel_scale": "htk", "ln_eps": "%g" % ds.LN_EPS,
            "max_depth": "%g" % ds.MAX_DEPTH,
            "classes": "background,tone,noise,speech",
            "about": "avloc depth: tools/train_depth.py on tools/depth_scenes.py scenes (docs/depth.md)"}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--task", choices=("depth", "seg"), default="depth")
    ap.add_argument("--cache", default="data/cache/depth")
    ap.add_argument("--vq-epochs", type=int, default=10)
    ap.add_argument("--audio-epochs", type=int, default=30)
    ap.add_argument("--n-train", type=int, default=0, help="use only the first N training scenes (0: all)")
    ap.add_argument("-o", "--out", required=True, help="exported .safetensors (the torch state goes to CACHE/TASK.pt)")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    t0 = time.time()

    def log(s):
        print("[%6.1fs] %s" % (time.time() - t0, s), flush=True)

    tr, va = load(args.cache, "train"), load(args.cache, "val")
    if args.n_train:
        tr = {k: v[:args.n_train] for k, v in tr.items()}
    vq = train_vqvae(args.task, tr, args.vq_epochs, log)
    net = train_audio(vq, args.task, tr, va, args.audio_epochs, log)
    pt = os.path.join(args.cache, args.task + ".pt")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save({"vqvae": vq.state_dict(), "audio": net.state_dict(), "task": args.task,
                "vq_kw": VQ_KW, "audio_kw": AUDIO_KW}, pt)
    model = ExportDepth(net, vq, args.task).eval()
    x = torch.as_tensor(va["mel"][:1])
    avloc_export.export(model, x, args.out, metadata=metadata(args.task), verify=True)
    log("wrote %s (%d bytes) and %s" % (args.out, os.path.getsize(args.out), pt))
    return 0


def load_models(pt):
    """(vqvae, audio net, task) from a .pt written by main()."""
    s = torch.load(pt, map_location="cpu")
    vq = nn_models.VQVAE(in_ch=1 if s["task"] == "depth" else N_CLASSES, **s["vq_kw"])
    vq.load_state_dict(s["vqvae"])
    net = NormAudio(np.zeros(ds.N_MICS), np.ones(ds.N_MICS))
    net.load_state_dict(s["audio"])
    return vq.eval(), net.eval(), s["task"]


if __name__ == "__main__":
    sys.exit(main())
