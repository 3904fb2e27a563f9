#!/usr/bin/python3
"""Small PyTorch versions of the papers' networks, built only from layers that
tools/avloc_export.py exports (docs/nn_format.md), plus a seeded generator of
random compositions of those layers.

- UVAE: "Audio-visual localization by synthetic acoustic images generation":
  VAE encoder/decoder with U-Net skips; tiled single-microphone MFCC in
  (1, n_mfcc, 36, 48), the RGB frame through a small visual encoder whose
  feature map is concatenated with the audio encoder's at the bottleneck.
- VQVAEEncoder / VQVAEDecoder / VQVAE: "Estimating visual information from
  audio through manifold learning": strided convs (64 then 128 features),
  three residual blocks each side, a codebook of 64 codewords of dimension 64.
- AudioNet: ResNet-18-style encoder on the N-channel mel spectrogram, global
  average pool, three dense layers with dropout, transposed-conv decoder to the
  latent size. AudioToMap chains AudioNet -> quantiser -> VQ-VAE decoder (the
  whole audio-to-depth/segmentation path as one graph).
Defaults are the papers' widths; tests pass small ones.
"""
import os
import random
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from avloc_export import Reparam, VectorQuantizer  # noqa: E402


def conv_bn_relu(ci, co, k=3, stride=1, padding=1):
    return nn.Sequential(nn.Conv2d(ci, co, k, stride, padding, bias=False), nn.BatchNorm2d(co), nn.ReLU())


# ---------------------------------------------------------------- U-VAE
class UVAE(nn.Module):
    """forward(mfcc (1, n_mfcc, H, W), frame (1, 3, 2H, 2W)) -> (image, mu, logvar).
    H and W divisible by 4; the bottleneck is (H/4, W/4). As in the paper, the
    visual feature map (here a small conv encoder standing in for ResNet50 + a
    2-D conv) is concatenated with the audio encoder's last feature map, both
    normalised first (batch norm); mu and logvar come from the joint map; the
    decoder uses `skips` U-Net skip connections (0, 1 or 2; the paper's ablation
    prefers 1), deepest first."""

    def __init__(self, n_mfcc=12, base=32, latent=32, vis_ch=32, size=(36, 48), skips=2):
        super().__init__()
        self.skips = skips
        self.enc1 = conv_bn_relu(n_mfcc, base)
        self.enc2 = conv_bn_relu(base, 2 * base, stride=2)
        self.enc3 = conv_bn_relu(2 * base, 4 * base, stride=2)
        self.norm_audio = nn.BatchNorm2d(4 * base)
        self.vis = nn.Sequential(conv_bn_relu(3, vis_ch // 2, stride=2), conv_bn_relu(vis_ch // 2, vis_ch, stride=2),
                                 nn.AdaptiveAvgPool2d((size[0] // 4, size[1] // 4)), nn.BatchNorm2d(vis_ch))
        self.mu = nn.Conv2d(4 * base + vis_ch, latent, 1)
        self.logvar = nn.Conv2d(4 * base + vis_ch, latent, 1)
        self.reparam = Reparam()
        self.dec3 = conv_bn_relu(latent, 4 * base)
        self.up2 = nn.ConvTranspose2d(4 * base, 2 * base, 4, stride=2, padding=1)
        self.dec2 = conv_bn_relu(4 * base if skips >= 1 else 2 * base, 2 * base)
        self.up1 = nn.ConvTranspose2d(2 * base, base, 4, stride=2, padding=1)
        self.dec1 = conv_bn_relu(2 * base if skips >= 2 else base, base)
        self.out = nn.Conv2d(base, n_mfcc, 1)

    def forward(self, mfcc, frame):
        e1 = self.enc1(mfcc)
        e2 = self.enc2(e1)
        h = torch.cat([self.norm_audio(self.enc3(e2)), self.vis(frame)], 1)
        mu, logvar = self.mu(h), self.logvar(h)
        d = self.dec3(self.reparam(mu, logvar))
        d = F.relu(self.up2(d))
        d = self.dec2(torch.cat([d, e2], 1) if self.skips >= 1 else d)
        d = F.relu(self.up1(d))
        d = self.dec1(torch.cat([d, e1], 1) if self.skips >= 2 else d)
        return self.out(d), mu, logvar


# ---------------------------------------------------------------- VQ-VAE
class ResBlock(nn.Module):
    """x + conv1x1(relu(conv3x3(relu(x)))), as in the VQ-VAE paper."""

    def __init__(self, ch, hidden):
        super().__init__()
        self.block = nn.Sequential(nn.ReLU(), nn.Conv2d(ch, hidden, 3, padding=1), nn.ReLU(),
                                   nn.Conv2d(hidden, ch, 1))

    def forward(self, x):
        return x + self.block(x)


class VQVAEEncoder(nn.Module):
    """(1, in_ch, H, W) -> (1, code_dim, H / 2**n_down, W / 2**n_down): strided 4x4 convs
    (the first with ch[0] features, the rest ch[1]), a 3x3 conv, residual blocks, a 1x1
    conv to the code dimension."""

    def __init__(self, in_ch=1, ch=(64, 128), code_dim=64, n_res=3, hidden=32, n_down=2):
        super().__init__()
        layers = [nn.Conv2d(in_ch, ch[0], 4, 2, 1), nn.ReLU(), nn.Conv2d(ch[0], ch[1], 4, 2, 1), nn.ReLU()]
        for _ in range(n_down - 2):
            layers += [nn.Conv2d(ch[1], ch[1], 4, 2, 1), nn.ReLU()]
        layers += [nn.Conv2d(ch[1], ch[1], 3, padding=1)]
        layers += [ResBlock(ch[1], hidden) for _ in range(n_res)]
        layers += [nn.ReLU(), nn.Conv2d(ch[1], code_dim, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


class VQVAEDecoder(nn.Module):
    """(1, code_dim, h, w) -> (1, out_ch, h * 2**n_down, w * 2**n_down)."""

    def __init__(self, out_ch=1, ch=(64, 128), code_dim=64, n_res=3, hidden=32, n_down=2):
        super().__init__()
        layers = [nn.Conv2d(code_dim, ch[1], 3, padding=1)]
        layers += [ResBlock(ch[1], hidden) for _ in range(n_res)]
        layers += [nn.ReLU()]
        for _ in range(n_down - 2):
            layers += [nn.ConvTranspose2d(ch[1], ch[1], 4, 2, 1), nn.ReLU()]
        layers += [nn.ConvTranspose2d(ch[1], ch[0], 4, 2, 1), nn.ReLU(), nn.ConvTranspose2d(ch[0], out_ch, 4, 2, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, z):
        return self.net(z)


class VQVAE(nn.Module):
    """forward(map) -> (reconstruction, code indices as float32)."""

    def __init__(self, in_ch=1, ch=(64, 128), n_codes=64, code_dim=64, n_res=3, hidden=32, n_down=2):
        super().__init__()
        self.encoder = VQVAEEncoder(in_ch, ch, code_dim, n_res, hidden, n_down)
        self.vq = VectorQuantizer(n_codes, code_dim)
        self.decoder = VQVAEDecoder(in_ch, ch, code_dim, n_res, hidden, n_down)

    def forward(self, x):
        qi = self.vq(self.encoder(x))  # indexed, not unpacked: torch.fx of torch 1.13 cannot
        return self.decoder(qi[0]), qi[1]  # unpack a traced tuple under Python 3.11


# ---------------------------------------------------------------- audio transformation net
class BasicBlock(nn.Module):
    """ResNet-18's block: two 3x3 conv+BN, identity or 1x1 conv+BN shortcut."""

    def __init__(self, ci, co, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(ci, co, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(co)
        self.conv2 = nn.Conv2d(co, co, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(co)
        self.down = None
        if stride != 1 or ci != co:
            self.down = nn.Sequential(nn.Conv2d(ci, co, 1, stride, bias=False), nn.BatchNorm2d(co))

    def forward(self, x):
        idt = x if self.down is None else self.down(x)
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + idt)


class AudioNet(nn.Module):
    """(1, n_ch, F, T) mel spectrogram -> (1, code_dim, *latent_hw) latent.
    ResNet-18 encoder (widths w, 2w, 4w, 8w; two blocks per stage), global
    average pool, three dense layers with dropout (p = 0.2 in the paper), then a
    transposed-conv decoder from (dec_ch, *dec_hw) doubling the size and halving
    the features at each stage (with batch norm) to latent_hw, then a 1x1 conv to
    code_dim. The features stop halving at dec_floor (default: code_dim)."""

    def __init__(self, n_ch=8, width=64, hidden=(512, 512), dropout=0.2, dec_ch=128, dec_hw=(2, 2),
                 code_dim=64, latent_hw=(8, 8), dec_floor=None):
        super().__init__()
        w = width
        self.stem = nn.Sequential(nn.Conv2d(n_ch, w, 7, 2, 3, bias=False), nn.BatchNorm2d(w), nn.ReLU(),
                                  nn.MaxPool2d(3, 2, 1))
        stages, ci = [], w
        for i, co in enumerate((w, 2 * w, 4 * w, 8 * w)):
            stages += [BasicBlock(ci, co, 1 if i == 0 else 2), BasicBlock(co, co)]
            ci = co
        self.layers = nn.Sequential(*stages)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dec_shape = (dec_ch,) + tuple(dec_hw)
        self.fc = nn.Sequential(nn.Linear(8 * w, hidden[0]), nn.ReLU(), nn.Dropout(dropout),
                                nn.Linear(hidden[0], hidden[1]), nn.ReLU(), nn.Dropout(dropout),
                                nn.Linear(hidden[1], dec_ch * dec_hw[0] * dec_hw[1]))
        ups, c, h = [], dec_ch, dec_hw[0]
        floor = code_dim if dec_floor is None else dec_floor
        while h < latent_hw[0]:
            ups += [nn.ConvTranspose2d(c, max(c // 2, floor), 4, 2, 1), nn.BatchNorm2d(max(c // 2, floor)), nn.ReLU()]
            c, h = max(c // 2, floor), h * 2
        ups += [nn.Conv2d(c, code_dim, 1)]
        self.dec = nn.Sequential(*ups)

    def forward(self, x):
        x = self.pool(self.layers(self.stem(x)))
        x = self.fc(torch.flatten(x, 1))
        return self.dec(x.view(-1, *self.dec_shape))


class AudioToMap(nn.Module):
    """Audio -> latent -> nearest codewords -> decoded depth/segmentation map."""

    def __init__(self, audio_net, vqvae):
        super().__init__()
        self.audio = audio_net
        self.vq = vqvae.vq
        self.decoder = vqvae.decoder

    def forward(self, x):
        qi = self.vq(self.audio(x))
        return self.decoder(qi[0]), qi[1]


# ---------------------------------------------------------------- helpers for tests
def randomize_bn(model, gen=None):
    """Give every batch norm non-trivial statistics and affine parameters
    (fresh ones are the identity, which would hide folding mistakes)."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                c = m.num_features
                m.running_mean.copy_(torch.rand(c, generator=gen) * 2 - 1)
                m.running_var.copy_(torch.rand(c, generator=gen) * 1.5 + 0.5)
                if m.weight is not None:
                    m.weight.copy_(torch.rand(c, generator=gen) * 1.5 + 0.5)
                    m.bias.copy_(torch.rand(c, generator=gen) * 2 - 1)
    return model


class RandomNet(nn.Module):
    """A chain of steps: ('seq', m): x = m(x); ('add', m): x = x + m(x);
    ('cat', m): x = cat([x, m(x)], 1); ('flat', m): x = m(flatten(x, 1))."""

    def __init__(self, steps):
        super().__init__()
        self.kinds = [k for k, _ in steps]
        self.steps = nn.ModuleList([m for _, m in steps])

    def forward(self, x):
        for kind, m in zip(self.kinds, self.steps):
            if kind == "seq":
                x = m(x)
            elif kind == "add":
                x = x + m(x)
            elif kind == "cat":
                x = torch.cat([x, m(x)], 1)
            else:
                x = m(torch.flatten(x, 1))
        return x


def _random_layer(r, nd, c):
    """One random supported layer for an input with c channels and nd spatial dims."""
    Conv, ConvT = (nn.Conv1d, nn.ConvTranspose1d) if nd == 1 else (nn.Conv2d, nn.ConvTranspose2d)
    MaxP, AvgP = (nn.MaxPool1d, nn.AvgPool1d) if nd == 1 else (nn.MaxPool2d, nn.AvgPool2d)
    BN, Adapt = (nn.BatchNorm1d, nn.AdaptiveAvgPool1d) if nd == 1 else (nn.BatchNorm2d, nn.AdaptiveAvgPool2d)

    def tup(f):
        return f() if nd == 1 else (f(), f())
    kind = r.choice(["conv", "conv", "convt", "bn", "act", "act", "maxpool", "avgpool", "up", "adapt", "drop"])
    if kind in ("conv", "convt"):
        g = r.choice([g for g in (1, 2, c) if c % g == 0])
        co = g * r.randint(1, max(1, 8 // g))
        k = tup(lambda: r.randint(1, 4))
        s = tup(lambda: r.randint(1, 2))
        d = tup(lambda: r.randint(1, 2))
        if kind == "conv":
            p = tup(lambda: r.randint(0, 2))
            return Conv(c, co, k, s, p, d, g, bias=r.random() < 0.7)
        p = tup(lambda: r.randint(0, 1))
        op = tuple(r.randint(0, max(si, di) - 1) for si, di in zip(*(([s], [d]) if nd == 1 else (s, d))))
        return ConvT(c, co, k, s, p, op[0] if nd == 1 else op, g, r.random() < 0.7, d)
    if kind == "bn":
        return BN(c, affine=r.random() < 0.8)
    if kind == "act":
        return r.choice([nn.ReLU(), nn.Sigmoid(), nn.Tanh(), nn.LeakyReLU(r.uniform(0.01, 0.3)),
                         nn.ELU(r.uniform(0.5, 1.5)), nn.GELU(), nn.GELU(approximate="tanh")])
    if kind in ("maxpool", "avgpool"):
        k = r.randint(1, 3)
        p = r.randint(0, k // 2)
        if kind == "maxpool":
            return MaxP(k, r.randint(1, 2), p, r.randint(1, 2), ceil_mode=r.random() < 0.5)
        return AvgP(k, r.randint(1, 2), p, ceil_mode=r.random() < 0.5, count_include_pad=r.random() < 0.5)
    if kind == "up":
        mode = r.choice(["nearest", "linear" if nd == 1 else "bilinear"])
        ac = None if mode == "nearest" else r.random() < 0.5
        if r.random() < 0.5:
            return nn.Upsample(scale_factor=r.choice([2, 1.5, 3]), mode=mode, align_corners=ac)
        return nn.Upsample(size=tup(lambda: r.randint(3, 9)), mode=mode, align_corners=ac)
    if kind == "adapt":
        return Adapt(tup(lambda: r.randint(1, 5)))
    return r.choice([nn.Dropout(0.3), nn.Identity()])


def random_net(seed, in_shape=(1, 4, 12, 12), n_steps=8):
    """A seeded random composition of supported layers (1-D when in_shape has 3 dims),
    with residual adds, channel concats and sometimes a flatten + linear head.
    Returns (model with randomised batch norms, example input)."""
    r = random.Random(seed)
    torch.manual_seed(seed)
    nd = len(in_shape) - 2
    x = torch.randn(*in_shape)
    steps = []
    tries = 0
    while len(steps) < n_steps and tries < 500:
        tries += 1
        m = _random_layer(r, nd, x.shape[1])
        kind = r.choice(["seq", "seq", "add", "cat"])
        m.eval()
        try:
            with torch.no_grad():
                y = m(x)
        except Exception:
            continue
        if kind == "add" and y.shape != x.shape or kind == "cat" and y.shape[2:] != x.shape[2:]:
            kind = "seq"
        out = y if kind != "cat" else torch.cat([x, y], 1)
        if min(out.shape[2:]) < 1 or out.numel() > 3000 or out.shape[1] > 24 or not torch.isfinite(out).all():
            continue
        steps.append((kind, m))
        x = out
    if r.random() < 0.4:
        steps.append(("flat", nn.Linear(x[0].numel(), r.randint(1, 6), bias=r.random() < 0.7)))
    model = RandomNet(steps)
    randomize_bn(model)
    return model.eval(), torch.randn(*in_shape)
