#!/usr/bin/env python3
"""Goldens for tests/test_nn.c: small networks in the avloc network format
(docs/nn_format.md) with torch's outputs on random weights and inputs.

    /usr/bin/python3 tools/gen_goldens_nn.py          # (re)write tests/golden/nn/
    /usr/bin/python3 tools/gen_goldens_nn.py --check  # regenerate in a temp dir, compare bytes

For every case NAME two files:
  NAME.safetensors     the network: F32 weights + __metadata__ {format, version, graph}
  NAME_io.safetensors  test vectors: in0, in1, ... (graph inputs) and out0, out1, ...
                       (torch's graph outputs), F32
The reference is torch.nn.functional applied node by node (an independent
implementation of every op); the file writer is a minimal safetensors writer
written here from the format description (no safetensors package on Debian).
Cases listed in tests/golden/nn/cases.txt, one per line, for the C test.
"""
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden_check  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "tests", "golden", "nn")


def st_bytes(tensors, metadata=None):
    """tensors: list of (name, float32 ndarray). Compact JSON, header padded with spaces to 8."""
    hdr = {}
    if metadata:
        hdr["__metadata__"] = metadata
    off = 0
    blobs = []
    for name, a in tensors:
        b = np.ascontiguousarray(a, dtype="<f4").tobytes()
        hdr[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        off += len(b)
        blobs.append(b)
    h = json.dumps(hdr, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    return struct.pack("<Q", len(h)) + h + b"".join(blobs)


class Graph:
    """Builds the graph JSON and evaluates every node with torch as it goes."""

    def __init__(self, seed):
        self.g = torch.Generator().manual_seed(seed)
        self.inputs, self.nodes, self.weights, self.env = [], [], [], {}
        self.count = 0
        self.prog = []  # (ref, ins, outs, weights) per node, for replay (bench/bench_nn.py)

    def replay(self, env):
        """Runs the graph again with torch on env (input name -> tensor)."""
        for ref, ins, outs, wt in self.prog:
            res = ref(*[env[n] for n in ins], **wt)
            for n, r in zip(outs, res if len(outs) > 1 else (res,)):
                env[n] = r
        return env

    def rand(self, *shape, scale=1.0):
        return torch.randn(*shape, generator=self.g, dtype=torch.float64).float() * scale

    def input(self, name, shape):
        self.inputs.append({"name": name, "shape": list(shape)})
        self.env[name] = self.rand(*shape)
        return name

    def weight(self, name, t):
        self.weights.append((name, t))
        return name

    def node(self, op, ins, ref, w=None, a=None, nout=1):
        """ref(*torch inputs, **weights) -> tensor or tuple; returns output names."""
        idx = self.count
        self.count += 1
        mod = "m%d" % idx
        outs = ["t%d" % idx] if nout == 1 else ["t%d_%d" % (idx, k) for k in range(nout)]
        node = {"op": op, "name": mod, "in": list(ins), "out": outs}
        wt = {}
        if w:
            node["w"] = {}
            for role, t in w.items():
                name = "%s.%s" % (mod, role)
                self.weight(name, t)
                node["w"][role] = name
                wt[role] = t
        if a is not None:
            node["a"] = a
        self.nodes.append(node)
        self.prog.append((ref, list(ins), outs, wt))
        with torch.no_grad():
            res = ref(*[self.env[n] for n in ins], **wt)
        if nout == 1:
            res = (res,)
        for n, r in zip(outs, res):
            self.env[n] = r.float()
        return outs[0] if nout == 1 else outs

    def files(self, outputs):
        graph = {"inputs": self.inputs, "outputs": list(outputs), "nodes": self.nodes}
        meta = {"format": "avloc-nn", "version": "1",
                "graph": json.dumps(graph, separators=(",", ":"))}
        model = st_bytes([(n, t.numpy()) for n, t in self.weights], meta)
        io = [("in%d" % k, self.env[i["name"]].numpy()) for k, i in enumerate(self.inputs)]
        io += [("out%d" % k, self.env[o].numpy()) for k, o in enumerate(outputs)]
        return model, st_bytes(io)


# ---------------------------------------------------------------- op helpers

def conv(g, x, co, k, stride, padding, dilation, groups, bias=True, dims=2):
    ci = g.env[x].shape[1]
    kk = list(k) if dims == 2 else [k[0]]
    wt = g.rand(co, ci // groups, *kk, scale=1.0 / np.sqrt(ci // groups * np.prod(kk)))
    w = {"weight": wt}
    if bias:
        w["bias"] = g.rand(co, scale=0.1)
    fn = F.conv2d if dims == 2 else F.conv1d
    return g.node("conv%dd" % dims, [x], lambda x, weight, bias=None: fn(x, weight, bias, stride, padding, dilation, groups),
                  w, {"stride": list(stride), "padding": list(padding), "dilation": list(dilation), "groups": groups})


def convt(g, x, co, k, stride, padding, outpad, dilation, groups, bias=True, dims=2):
    ci = g.env[x].shape[1]
    wt = g.rand(ci, co // groups, *k, scale=1.0 / np.sqrt(ci * np.prod(k)))
    w = {"weight": wt}
    if bias:
        w["bias"] = g.rand(co, scale=0.1)
    fn = F.conv_transpose2d if dims == 2 else F.conv_transpose1d
    return g.node("conv_transpose%dd" % dims, [x],
                  lambda x, weight, bias=None: fn(x, weight, bias, stride, padding, outpad, groups, dilation),
                  w, {"stride": list(stride), "padding": list(padding), "output_padding": list(outpad),
                      "dilation": list(dilation), "groups": groups})


def linear(g, x, out, bias=True):
    i = g.env[x].shape[-1]
    w = {"weight": g.rand(out, i, scale=1.0 / np.sqrt(i))}
    if bias:
        w["bias"] = g.rand(out, scale=0.1)
    return g.node("linear", [x], lambda x, weight, bias=None: F.linear(x, weight, bias), w)


def act(g, x, op, a=None):
    fns = {"relu": lambda x: F.relu(x), "sigmoid": torch.sigmoid, "tanh": torch.tanh,
           "leaky_relu": lambda x: F.leaky_relu(x, a["negative_slope"]),
           "elu": lambda x: F.elu(x, a["alpha"]),
           "gelu": lambda x: F.gelu(x, approximate=a["approximate"])}
    return g.node(op, [x], fns[op], None, a)


def pool(g, x, op, **a):
    dims = int(op[-2])
    if op.startswith("max"):
        fn = F.max_pool2d if dims == 2 else F.max_pool1d
        ref = lambda x: fn(x, a["kernel_size"], a["stride"], a["padding"], a["dilation"], a["ceil_mode"])
    elif op.startswith("avg"):
        fn = F.avg_pool2d if dims == 2 else F.avg_pool1d
        ref = lambda x: fn(x, a["kernel_size"], a["stride"], a["padding"], a["ceil_mode"], a["count_include_pad"])
    else:
        fn = F.adaptive_avg_pool2d if dims == 2 else F.adaptive_avg_pool1d
        ref = lambda x: fn(x, a["output_size"])
    return g.node(op, [x], ref, None, a)


def upsample(g, x, mode, size=None, scale_factor=None, align_corners=None):
    a = {"mode": mode}
    if size is not None:
        a["size"] = list(size)
    if scale_factor is not None:
        a["scale_factor"] = list(scale_factor)
    if align_corners is not None:
        a["align_corners"] = align_corners
    ref = lambda x: F.interpolate(x, size=tuple(size) if size else None,
                                  scale_factor=tuple(scale_factor) if scale_factor else None,
                                  mode=mode, align_corners=align_corners)
    return g.node("upsample", [x], ref, None, a)


def vq_ref(z, codebook):
    d = z.shape[1]
    flat = z.movedim(1, -1).reshape(-1, d)
    dist = ((flat[:, None, :] - codebook[None, :, :]) ** 2).sum(-1)
    idx = dist.argmin(1)  # first index on ties
    q = codebook[idx].reshape(*z.movedim(1, -1).shape).movedim(-1, 1)
    return q, idx.reshape(z.shape[0], *z.shape[2:]).float()


# ---------------------------------------------------------------- cases

def cases():
    out = {}

    def case(name, seed):
        def deco(fn):
            g = Graph(seed)
            out[name] = g.files(fn(g))
            return fn
        return deco

    @case("conv2d_basic", 1)
    def _(g):
        return [conv(g, g.input("x", [1, 3, 9, 11]), 5, (3, 3), (1, 1), (1, 1), (1, 1), 1)]

    @case("conv2d_options", 2)
    def _(g):
        x = g.input("x", [1, 4, 13, 10])
        return [conv(g, x, 6, (3, 2), (2, 3), (1, 2), (2, 1), 1, bias=False)]

    @case("conv2d_groups", 3)
    def _(g):
        x = g.input("x", [1, 6, 8, 7])
        return [conv(g, x, 9, (3, 3), (1, 2), (0, 1), (1, 1), 3), conv(g, x, 6, (5, 3), (1, 1), (2, 1), (1, 2), 6)]

    @case("conv2d_1x1", 4)
    def _(g):
        return [conv(g, g.input("x", [1, 5, 6, 7]), 7, (1, 1), (1, 1), (0, 0), (1, 1), 1)]

    @case("conv1d", 5)
    def _(g):
        x = g.input("x", [1, 3, 17])
        return [conv(g, x, 4, (5,), (2,), (2,), (1,), 1, dims=1),
                conv(g, x, 6, (3,), (1,), (3,), (3,), 3, dims=1)]

    @case("conv_transpose2d", 6)
    def _(g):
        x = g.input("x", [1, 4, 5, 6])
        return [convt(g, x, 3, (3, 3), (2, 2), (1, 1), (1, 1), (1, 1), 1),
                convt(g, x, 4, (3, 2), (2, 1), (0, 1), (1, 0), (2, 1), 2, bias=False)]

    @case("conv_transpose1d", 7)
    def _(g):
        return [convt(g, g.input("x", [1, 3, 7]), 5, (4,), (3,), (1,), (2,), (1,), 1, dims=1)]

    @case("linear", 8)
    def _(g):
        return [linear(g, g.input("x", [1, 10]), 7), linear(g, g.input("y", [1, 3, 10]), 4, bias=False)]

    @case("batch_norm", 9)
    def _(g):
        x = g.input("x", [1, 4, 5, 5])
        w = {"weight": g.rand(4), "bias": g.rand(4), "running_mean": g.rand(4),
             "running_var": g.rand(4).abs() + 0.5}
        return [g.node("batch_norm", [x], lambda x, weight, bias, running_mean, running_var:
                       F.batch_norm(x, running_mean, running_var, weight, bias, False, 0.0, 1e-3), w, {"eps": 1e-3})]

    @case("activations", 10)
    def _(g):
        x = g.input("x", [1, 3, 4, 5])
        return [act(g, x, "relu"), act(g, x, "sigmoid"), act(g, x, "tanh"),
                act(g, x, "leaky_relu", {"negative_slope": 0.2}), act(g, x, "elu", {"alpha": 0.7}),
                act(g, x, "gelu", {"approximate": "none"}), act(g, x, "gelu", {"approximate": "tanh"})]

    @case("add_cat", 11)
    def _(g):
        x, y, z = g.input("x", [1, 2, 3, 4]), g.input("y", [1, 2, 3, 4]), g.input("z", [1, 3, 3, 4])
        s = g.node("add", [x, y], lambda a, b: a + b)
        c1 = g.node("cat", [s, z], lambda *t: torch.cat(t, 1), None, {"dim": 1})
        c2 = g.node("cat", [x, y, s], lambda *t: torch.cat(t, -1), None, {"dim": -1})
        return [c1, c2]

    @case("max_pool", 12)
    def _(g):
        x = g.input("x", [1, 3, 9, 11])
        y = g.input("y", [1, 2, 13])
        return [pool(g, x, "max_pool2d", kernel_size=[3, 3], stride=[2, 2], padding=[1, 1], dilation=[1, 1], ceil_mode=True),
                pool(g, x, "max_pool2d", kernel_size=[2, 3], stride=[1, 2], padding=[0, 1], dilation=[2, 1], ceil_mode=False),
                pool(g, y, "max_pool1d", kernel_size=[3], stride=[2], padding=[1], dilation=[1], ceil_mode=True)]

    @case("avg_pool", 13)
    def _(g):
        x = g.input("x", [1, 3, 9, 11])
        y = g.input("y", [1, 2, 13])
        return [pool(g, x, "avg_pool2d", kernel_size=[3, 3], stride=[2, 2], padding=[1, 1], ceil_mode=True, count_include_pad=False),
                pool(g, x, "avg_pool2d", kernel_size=[3, 2], stride=[2, 2], padding=[1, 1], ceil_mode=True, count_include_pad=True),
                pool(g, y, "avg_pool1d", kernel_size=[4], stride=[3], padding=[2], ceil_mode=False, count_include_pad=True)]

    @case("adaptive_pool", 14)
    def _(g):
        x = g.input("x", [1, 3, 7, 9])
        y = g.input("y", [1, 2, 11])
        return [pool(g, x, "adaptive_avg_pool2d", output_size=[3, 4]), pool(g, x, "adaptive_avg_pool2d", output_size=[1, 1]),
                pool(g, y, "adaptive_avg_pool1d", output_size=[4])]

    @case("upsample", 15)
    def _(g):
        x = g.input("x", [1, 2, 3, 4])
        y = g.input("y", [1, 2, 5])
        return [upsample(g, x, "nearest", scale_factor=[2.0, 2.0]), upsample(g, x, "nearest", size=[7, 5]),
                upsample(g, x, "bilinear", scale_factor=[2.0, 2.0], align_corners=False),
                upsample(g, x, "bilinear", size=[5, 9], align_corners=True),
                upsample(g, x, "bilinear", scale_factor=[1.5, 2.5], align_corners=False),
                upsample(g, x, "nearest", scale_factor=[1.5, 2.5]),
                upsample(g, y, "linear", size=[8], align_corners=False),
                upsample(g, y, "linear", scale_factor=[3.0], align_corners=True)]

    @case("reshape_softmax", 16)
    def _(g):
        x = g.input("x", [1, 3, 4, 5])
        f = g.node("flatten", [x], lambda x: torch.flatten(x, 1, -1), None, {"start_dim": 1, "end_dim": -1})
        l = linear(g, f, 12)
        r = g.node("reshape", [l], lambda x: x.reshape(1, 3, -1), None, {"shape": [1, 3, -1]})
        s = g.node("softmax", [r], lambda x: F.softmax(x, 1), None, {"dim": 1})
        a1 = g.node("argmax", [x], lambda x: torch.argmax(x, 1).float(), None, {"dim": 1, "keepdim": False})
        a2 = g.node("argmax", [x], lambda x: torch.argmax(x, -1, keepdim=True).float(), None, {"dim": -1, "keepdim": True})
        s2 = g.node("softmax", [x], lambda x: F.softmax(x, -1), None, {"dim": -1})
        return [s, a1, a2, s2]

    @case("vq_reparam", 17)
    def _(g):
        z = g.input("z", [1, 4, 3, 5])
        lv = g.input("lv", [1, 4, 3, 5])
        q, idx = g.node("vq", [z], vq_ref, {"codebook": g.rand(6, 4)}, None, nout=2)
        m = g.node("reparam", [z, lv], lambda mu, logvar: mu)
        return [q, idx, m]

    @case("uvae_small", 18)
    def _(g):
        """U-VAE-like: conv encoder with a skip, latent mu/logvar, decoder with cat + transposed conv."""
        x = g.input("x", [1, 2, 16, 16])
        e1 = act(g, conv(g, x, 8, (3, 3), (1, 1), (1, 1), (1, 1), 1), "relu")
        p1 = pool(g, e1, "max_pool2d", kernel_size=[2, 2], stride=[2, 2], padding=[0, 0], dilation=[1, 1], ceil_mode=False)
        e2 = act(g, conv(g, p1, 16, (3, 3), (2, 2), (1, 1), (1, 1), 1), "leaky_relu", {"negative_slope": 0.1})
        f = g.node("flatten", [e2], lambda x: torch.flatten(x, 1), None, {"start_dim": 1, "end_dim": -1})
        mu, lv = linear(g, f, 8), linear(g, f, 8)
        z = g.node("reparam", [mu, lv], lambda mu, logvar: mu)
        d = linear(g, z, 16 * 4 * 4)
        d = g.node("reshape", [d], lambda x: x.reshape(1, 16, 4, 4), None, {"shape": [1, 16, 4, 4]})
        d = upsample(g, d, "bilinear", scale_factor=[2.0, 2.0], align_corners=False)
        d = g.node("cat", [d, p1], lambda *t: torch.cat(t, 1), None, {"dim": 1})
        d = act(g, convt(g, d, 8, (4, 4), (2, 2), (1, 1), (0, 0), (1, 1), 1), "elu", {"alpha": 1.0})
        d = g.node("add", [d, e1], lambda a, b: a + b)
        y = act(g, conv(g, d, 1, (3, 3), (1, 1), (1, 1), (1, 1), 1), "sigmoid")
        return [y, mu, lv]

    @case("vqvae_decoder", 19)
    def _(g):
        z = g.input("z", [1, 6, 4, 4])
        h = conv(g, z, 4, (1, 1), (1, 1), (0, 0), (1, 1), 1)
        q, idx = g.node("vq", [h], vq_ref, {"codebook": g.rand(8, 4)}, None, nout=2)
        d = act(g, convt(g, q, 8, (4, 4), (2, 2), (1, 1), (0, 0), (1, 1), 1), "relu")
        r = act(g, conv(g, d, 8, (3, 3), (1, 1), (1, 1), (1, 1), 1), "relu")
        d = g.node("add", [d, r], lambda a, b: a + b)
        d = act(g, convt(g, d, 3, (4, 4), (2, 2), (1, 1), (0, 0), (1, 1), 1), "tanh")
        a = pool(g, d, "avg_pool2d", kernel_size=[2, 2], stride=[2, 2], padding=[0, 0], ceil_mode=False, count_include_pad=True)
        s = g.node("softmax", [a], lambda x: F.softmax(x, 1), None, {"dim": 1})
        return [d, idx, s]

    @case("audio1d", 20)
    def _(g):
        """1-D audio front end: conv1d stack, pools, upsample, global pooling, linear head."""
        x = g.input("x", [1, 2, 40])
        h = act(g, conv(g, x, 8, (7,), (2,), (3,), (1,), 1, dims=1), "gelu", {"approximate": "none"})
        h = pool(g, h, "max_pool1d", kernel_size=[2], stride=[2], padding=[0], dilation=[1], ceil_mode=False)
        h2 = act(g, conv(g, h, 8, (3,), (1,), (2,), (2,), 2, dims=1), "tanh")
        h = g.node("add", [h, h2], lambda a, b: a + b)
        u = act(g, convt(g, h, 4, (4,), (2,), (1,), (0,), (1,), 1, dims=1), "relu")
        p = pool(g, u, "adaptive_avg_pool1d", output_size=[1])
        f = g.node("flatten", [p], lambda x: torch.flatten(x, 1), None, {"start_dim": 1, "end_dim": -1})
        return [linear(g, f, 3), u]

    @case("resnet_audio", 21)
    def _(g):
        """Audio-transformation net: ResNet-18-shaped encoder (7x7/2 stem, max pool, two basic
        blocks per stage, 1x1/2 projection shortcuts; narrow widths) and a transposed-conv decoder."""
        x = g.input("x", [1, 2, 32, 32])
        h = act(g, conv(g, x, 4, (7, 7), (2, 2), (3, 3), (1, 1), 1), "relu")
        h = pool(g, h, "max_pool2d", kernel_size=[3, 3], stride=[2, 2], padding=[1, 1], dilation=[1, 1], ceil_mode=False)
        for width, stride in ((4, 1), (8, 2), (8, 2), (16, 2)):
            for blk in range(2):
                s = stride if blk == 0 else 1
                y = act(g, conv(g, h, width, (3, 3), (s, s), (1, 1), (1, 1), 1), "relu")
                y = conv(g, y, width, (3, 3), (1, 1), (1, 1), (1, 1), 1)
                sc = h if (s == 1 and g.env[h].shape[1] == width) else conv(g, h, width, (1, 1), (s, s), (0, 0), (1, 1), 1)
                h = act(g, g.node("add", [y, sc], lambda a, b: a + b), "relu")
        d = h
        for width in (8, 8, 4):
            d = act(g, convt(g, d, width, (4, 4), (2, 2), (1, 1), (0, 0), (1, 1), 1), "relu")
        return [act(g, conv(g, d, 1, (3, 3), (1, 1), (1, 1), (1, 1), 1), "sigmoid")]

    @case("stencil", 22)
    def _(g):
        # avloc_nn.h's stencil path: strides 3 with dilation and groups, transposed convs with
        # groups, odd output phases and phases that no tap reaches (kernel < stride)
        # (outputs of at least 256 positions: below, only the avx512 set takes that path)
        x = g.input("x", [1, 4, 11, 13])
        y = g.input("y", [1, 2, 44, 40])
        return [conv(g, y, 12, (5, 4), (3, 2), (2, 1), (1, 2), 2, bias=False),
                convt(g, x, 6, (4, 3), (2, 3), (1, 0), (1, 2), (1, 1), 2),
                convt(g, x, 3, (2, 1), (3, 2), (0, 0), (2, 1), (1, 1), 1)]

    for r in range(4):
        @case("random%d" % r, 100 + r)
        def _(g, r=r):
            return random_net(g, r)

    return out


def random_net(g, seed):
    """A random composition of the supported layers on a small NCHW input
    (shape-preserving branches merged back with add or cat)."""
    rng = np.random.RandomState(seed)
    x = g.input("x", [1, int(rng.randint(1, 4)), int(rng.randint(5, 12)), int(rng.randint(5, 12))])
    h, outs = x, []
    for step in range(10):
        c, hh, ww = g.env[h].shape[1:]
        kind = rng.randint(9)
        if kind == 0:
            k = int(rng.choice([1, 3, 5]))
            grp = int(rng.choice([gg for gg in (1, 2) if c % gg == 0]))
            h = conv(g, h, grp * int(rng.randint(1, 4)), (k, k), (1, 1), (k // 2, k // 2), (1, 1), grp, bias=bool(rng.randint(2)))
        elif kind == 1 and min(hh, ww) >= 4:
            h = conv(g, h, int(rng.randint(2, 6)), (3, 2), (2, 1), (1, 0), (1, 2), 1)
        elif kind == 2:
            op = ["relu", "sigmoid", "tanh", "leaky_relu", "elu", "gelu"][rng.randint(6)]
            a = {"leaky_relu": {"negative_slope": 0.05}, "elu": {"alpha": 0.5},
                 "gelu": {"approximate": "tanh"}}.get(op)
            h = act(g, h, op, a)
        elif kind == 3 and min(hh, ww) >= 3:
            h = pool(g, h, "max_pool2d", kernel_size=[2, 3], stride=[2, 2], padding=[1, 1], dilation=[1, 1], ceil_mode=bool(rng.randint(2)))
        elif kind == 4 and min(hh, ww) >= 3:
            h = pool(g, h, "avg_pool2d", kernel_size=[3, 3], stride=[1, 2], padding=[1, 0], ceil_mode=bool(rng.randint(2)),
                     count_include_pad=bool(rng.randint(2)))
        elif kind == 5 and max(hh, ww) <= 16:
            h = upsample(g, h, "bilinear", scale_factor=[2.0, 1.5], align_corners=bool(rng.randint(2)))
        elif kind == 6:
            b = act(g, conv(g, h, c, (3, 3), (1, 1), (1, 1), (1, 1), 1), "tanh")
            h = g.node("add", [h, b], lambda a, b: a + b)
        elif kind == 7:
            b = act(g, h, "gelu", {"approximate": "none"})
            h = g.node("cat", [b, h], lambda *t: torch.cat(t, 1), None, {"dim": 1})
        elif kind == 8 and max(hh, ww) <= 16:
            h = convt(g, h, int(rng.randint(1, 5)), (3, 3), (2, 2), (1, 1), (1, 1), (1, 1), 1)
        if rng.randint(4) == 0:
            outs.append(h)
    outs.append(h)
    f = g.node("flatten", [h], lambda x: torch.flatten(x, 1), None, {"start_dim": 1, "end_dim": -1})
    outs.append(linear(g, f, 3))
    return list(dict.fromkeys(outs))


def write(dirpath):
    os.makedirs(dirpath, exist_ok=True)
    cs = cases()
    for name, (model, io) in cs.items():
        with open(os.path.join(dirpath, name + ".safetensors"), "wb") as f:
            f.write(model)
        with open(os.path.join(dirpath, name + "_io.safetensors"), "wb") as f:
            f.write(io)
    with open(os.path.join(dirpath, "cases.txt"), "w") as f:
        f.write("\n".join(cs) + "\n")


def main():
    torch.set_num_threads(1)
    return golden_check.main("nn", write, GOLDEN, golden_check.safetensors_close(1e-5, 1e-6), prefix="")


if __name__ == "__main__":
    sys.exit(main())
