#!/usr/bin/python3
"""Tests of tools/avloc_export.py and tools/nn_models.py.

    /usr/bin/python3 tools/test_avloc_export.py          # all checks; exit 1 on a failure
    /usr/bin/python3 tools/test_avloc_export.py -v       # also list every check

Every layer and option combination is exported, read back from the file and run
by the numpy interpreter, then compared with torch (max abs error <= 1e-4 of
the output scale); batch-norm folding within 1e-5; the papers' networks and
seeded random compositions end to end; refusals name every unsupported node;
the safetensors bytes match hand-computed files and the reference writer's own
test vectors. Closes with "N passed, N failed".
"""
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import avloc_export as ae  # noqa: E402
import nn_models as M  # noqa: E402

torch.set_num_threads(1)
warnings.filterwarnings("ignore", "Implicit dimension choice")
VERBOSE = "-v" in sys.argv[1:]
TMP = tempfile.mkdtemp(prefix="avloc_export_test_")
RESULTS = {"pass": 0, "fail": 0}


def check(cond, what):
    RESULTS["pass" if cond else "fail"] += 1
    if not cond or VERBOSE:
        print("%s %s" % ("ok  " if cond else "FAIL", what))
    return cond


def export_and_compare(what, model, inputs, tol=1e-4, ops=None, no_ops=()):
    """Export, run the file with the numpy interpreter, compare with torch.
    Returns the graph (None when the export itself failed)."""
    path = os.path.join(TMP, "m.safetensors")
    torch.manual_seed(0)
    try:
        graph = ae.export(model, inputs, path)
        errs = ae.verify_file(model, inputs, path)
    except Exception as e:  # a failure of this check, not of the whole run
        check(False, "%s: %s: %s" % (what, type(e).__name__, e))
        return None
    present = {n["op"] for n in graph["nodes"]}
    ok = all(e <= tol for e in errs) and (ops is None or set(ops) <= present) and not (set(no_ops) & present)
    check(ok, "%s: rel err %s ops %s" % (what, ["%.1e" % e for e in errs], sorted(present)))
    return graph


def rand(*shape):
    return torch.randn(*shape)


# ====================================================================== safetensors
def le_u64(n):
    return struct.pack("<Q", n)


def test_safetensors():
    f32 = np.arange(6, dtype="<f4")
    # The reference writer's own test vectors (huggingface/safetensors tensor.rs tests).
    got = ae.st_serialize({"attn.0": f32.reshape(1, 2, 3)})
    hdr = b'{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}'
    check(len(hdr) == 64 and got == le_u64(64) + hdr + f32.tobytes(), "st: reference vector attn.0 (no padding needed)")
    got = ae.st_serialize({"attn0": f32.reshape(1, 1, 2, 3)})
    hdr = b'{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}' + b" " * 7
    check(got == le_u64(72) + hdr + f32.tobytes(), "st: reference vector attn0 (7 spaces of padding)")
    check(ae.st_serialize({}) == le_u64(8) + b"{}" + b" " * 6, "st: reference vector empty")
    check(ae.st_serialize({}, {"framework": "pt"}) == le_u64(40) + b'{"__metadata__":{"framework":"pt"}}' + b" " * 5,
          "st: reference vector metadata only")

    # Hand-computed: dtype order (descending in the reference's Dtype enum), then byte order of names;
    # __metadata__ first with sorted keys; raw UTF-8; serde_json's escapes.
    t = {"b": np.array([1.5], "<f4"), "a": np.array([[2.0]], "<f4"), "c": np.array([-1], "<i8"),
         "d": np.array([7, 8, 9], "u1"), "e": np.array([0.25], "<f8"), "u": np.array([3], "<u8"),
         "\u00e9": np.array([4.0], "<f4"), "Z": np.array([5.0], "<f4")}
    meta = {"z": "1", "a": "x\n\"\\\x01\u00e9"}
    got = ae.st_serialize(t, meta)
    hdr = ('{"__metadata__":{"a":"x\\n\\"\\\\\\u0001\u00e9","z":"1"},'
           '"u":{"dtype":"U64","shape":[1],"data_offsets":[0,8]},'
           '"c":{"dtype":"I64","shape":[1],"data_offsets":[8,16]},'
           '"e":{"dtype":"F64","shape":[1],"data_offsets":[16,24]},'
           '"Z":{"dtype":"F32","shape":[1],"data_offsets":[24,28]},'
           '"a":{"dtype":"F32","shape":[1,1],"data_offsets":[28,32]},'
           '"b":{"dtype":"F32","shape":[1],"data_offsets":[32,36]},'
           '"\u00e9":{"dtype":"F32","shape":[1],"data_offsets":[36,40]},'
           '"d":{"dtype":"U8","shape":[3],"data_offsets":[40,43]}}').encode("utf-8")
    hdr += b" " * ((8 - len(hdr) % 8) % 8)
    data = b"".join(t[k].tobytes() for k in ["u", "c", "e", "Z", "a", "b", "\u00e9", "d"])
    check(got == le_u64(len(hdr)) + hdr + data, "st: hand-computed header (dtype order, names, metadata, escapes)")
    back, bmeta = ae.st_parse(got)
    check(bmeta == meta and set(back) == set(t) and all(np.array_equal(back[k], t[k]) for k in t),
          "st: reader round trip")
    check((8 + struct.unpack("<Q", got[:8])[0]) % 8 == 0, "st: data starts 8-byte aligned")

    # Reader: what it must refuse.
    def refused(buf):
        try:
            ae.st_parse(buf)
        except (ValueError, KeyError, UnicodeDecodeError):
            return True
        return False
    good = ae.st_serialize({"a": np.zeros(2, "<f4")})
    check(refused(good[:5]), "st: reader refuses a file under 8 bytes")
    check(refused(good + b"\0"), "st: reader refuses trailing bytes")
    check(refused(good[:-1]), "st: reader refuses a short data buffer")
    check(refused(le_u64(10 ** 9) + good[8:]), "st: reader refuses a header longer than the file")
    bad = good.replace(b"[0,8]", b"[4,8]")
    check(refused(bad), "st: reader refuses offsets that leave a gap")

    # A file from another writer (the C suite's golden, written by tools/gen_goldens_st.py).
    ref = os.path.join(HERE, "..", "tests", "golden", "st_ref.safetensors")
    if os.path.exists(ref):
        tens, meta = ae.st_read(ref)
        check(meta.get("format") == "pt" and np.array_equal(tens["f32"], np.arange(4) * 0.25 - 1)
              and tens["u64big"] == 2 ** 64 - 1 and tens["bf16"] == bytes.fromhex("803f60c08043"),
              "st: reads tests/golden/st_ref.safetensors")


# ====================================================================== single ops
def test_conv():
    n = 0
    for k in (1, 3, (3, 2)):
        for s in (1, 2, (2, 1)):
            for p in (0, 1, (2, 0)):
                for d in (1, (2, 1)):
                    for g, ci, co in ((1, 3, 4), (2, 4, 6), (4, 4, 4)):
                        n += 1
                        if n % 3:  # a third of the 162 combinations, spread over every option
                            continue
                        m = nn.Conv2d(ci, co, k, s, p, d, g, bias=bool(n % 2))
                        export_and_compare("conv2d k=%s s=%s p=%s d=%s g=%d" % (k, s, p, d, g), m, rand(1, ci, 9, 8))
    for pad in ("same", "valid"):
        export_and_compare("conv2d padding=%s" % pad, nn.Conv2d(3, 4, 3, padding=pad, dilation=2), rand(1, 3, 7, 9))
    for k, s, p, d, g in ((3, 1, 1, 1, 1), (4, 2, 0, 1, 2), (3, 3, 2, 2, 1), (5, 1, 2, 1, 4), (1, 2, 0, 1, 1)):
        export_and_compare("conv1d k=%d s=%d p=%d d=%d g=%d" % (k, s, p, d, g), nn.Conv1d(4, 8, k, s, p, d, g), rand(1, 4, 17))


def test_conv_transpose():
    cases = [  # k, s, p, output_padding, d, g
        (3, 1, 0, 0, 1, 1), (4, 2, 1, 0, 1, 1), (3, 2, 1, 1, 1, 1), (3, 2, 0, 1, 2, 2), ((3, 2), (2, 1), (1, 0), (1, 0), 1, 1),
        (5, 3, 2, 2, 1, 4), (2, 2, 0, 0, 1, 2), ((1, 3), (1, 2), 0, (0, 1), (1, 2), 1), (3, 1, 1, 0, 3, 1),
    ]
    for i, (k, s, p, op, d, g) in enumerate(cases):
        m = nn.ConvTranspose2d(4, 8, k, s, p, op, g, bias=i % 2 == 0, dilation=d)
        export_and_compare("conv_transpose2d k=%s s=%s p=%s op=%s d=%s g=%d" % (k, s, p, op, d, g), m, rand(1, 4, 5, 7))
    for k, s, p, op, d, g in ((3, 2, 1, 1, 1, 1), (4, 2, 1, 0, 1, 2), (3, 3, 0, 2, 2, 4), (1, 1, 0, 0, 1, 1)):
        m = nn.ConvTranspose1d(4, 4, k, s, p, op, g, dilation=d)
        export_and_compare("conv_transpose1d k=%d s=%d p=%d op=%d d=%d g=%d" % (k, s, p, op, d, g), m, rand(1, 4, 11))


def test_linear_and_bn():
    export_and_compare("linear", nn.Linear(7, 5), rand(1, 7))
    export_and_compare("linear on (1, L, in), no bias", nn.Linear(6, 3, bias=False), rand(1, 4, 6))
    for what, m, x in (("batch_norm2d alone", nn.BatchNorm2d(3), rand(1, 3, 4, 5)),
                       ("batch_norm1d on (N, C)", nn.BatchNorm1d(5), rand(1, 5)),
                       ("batch_norm1d on (N, C, L), affine=False", nn.BatchNorm1d(4, affine=False, eps=1e-3), rand(1, 4, 9)),
                       ("batch_norm after relu", nn.Sequential(nn.Conv2d(2, 3, 3), nn.ReLU(), nn.BatchNorm2d(3)), rand(1, 2, 6, 6))):
        M.randomize_bn(m)
        export_and_compare(what, m, x, ops=["batch_norm"])


def test_bn_folding():
    cases = [
        ("conv2d+bn", nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.BatchNorm2d(6)), rand(1, 3, 7, 7)),
        ("conv2d(no bias, groups 3)+bn", nn.Sequential(nn.Conv2d(3, 6, 3, groups=3, bias=False), nn.BatchNorm2d(6)),
         rand(1, 3, 7, 7)),
        ("conv1d+bn1d", nn.Sequential(nn.Conv1d(3, 5, 3), nn.BatchNorm1d(5, eps=1e-2)), rand(1, 3, 10)),
        ("conv_transpose2d(groups 2)+bn", nn.Sequential(nn.ConvTranspose2d(4, 6, 3, 2, groups=2), nn.BatchNorm2d(6)),
         rand(1, 4, 5, 5)),
        ("conv_transpose1d(no bias)+bn", nn.Sequential(nn.ConvTranspose1d(4, 6, 3, 2, bias=False), nn.BatchNorm1d(6)),
         rand(1, 4, 5)),
        ("linear+bn1d", nn.Sequential(nn.Linear(8, 5), nn.BatchNorm1d(5)), rand(1, 8)),
        ("linear+bn1d affine=False", nn.Sequential(nn.Linear(8, 5), nn.BatchNorm1d(5, affine=False)), rand(1, 8)),
    ]
    for what, m, x in cases:
        M.randomize_bn(m)
        g = export_and_compare("fold " + what, m, x, tol=1e-5, no_ops=["batch_norm"])
        if g:
            names = {t for n in g["nodes"] for t in n.get("w", {}).values()}
            check(names == {"0.weight", "0.bias"}, "fold %s: folded tensors keep the layer's names %s" % (what, sorted(names)))

    class TwoUsers(nn.Module):  # the conv output also feeds the add: BN cannot be folded
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 3, 3, padding=1)
            self.bn = nn.BatchNorm2d(3)

        def forward(self, x):
            y = self.conv(x)
            return self.bn(y) + y
    export_and_compare("no fold: conv output used twice", M.randomize_bn(TwoUsers()), rand(1, 3, 5, 5), ops=["batch_norm"])

    class Shared(nn.Module):  # one conv called twice: folding would change the other call
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 3, 1)
            self.bn = nn.BatchNorm2d(3)

        def forward(self, x):
            return self.bn(self.conv(x)) + self.conv(x)
    export_and_compare("no fold: conv module called twice", M.randomize_bn(Shared()), rand(1, 3, 4, 4), ops=["batch_norm"])


class Fn(nn.Module):
    """Wraps a forward function of one input. (Not `forward(self, *xs)`:
    torch.fx of torch 1.13 cannot trace *args under Python 3.11.)"""

    def __init__(self, fn, *mods):
        super().__init__()
        self.fn = fn
        self.mods = nn.ModuleList(mods)

    def forward(self, x):
        return self.fn(self, x)


class Fn2(Fn):
    def forward(self, a, b):
        return self.fn(self, a, b)


def test_activations_and_shapes():
    x = rand(1, 3, 5, 6) * 3
    for what, m in (("relu", nn.ReLU()), ("sigmoid", nn.Sigmoid()), ("tanh", nn.Tanh()),
                    ("leaky_relu 0.2", nn.LeakyReLU(0.2)), ("elu 0.7", nn.ELU(0.7)), ("gelu", nn.GELU()),
                    ("gelu tanh", nn.GELU(approximate="tanh")), ("softmax dim 1", nn.Softmax(1)),
                    ("softmax dim -1", nn.Softmax(-1)), ("flatten module", nn.Flatten()),
                    ("flatten 2..3", nn.Flatten(2, 3)), ("unflatten", nn.Sequential(nn.Flatten(), nn.Unflatten(1, (15, 6))))):
        export_and_compare(what, m, x)
    funcs = [
        ("F.relu, torch.sigmoid, x.tanh()", lambda s, x: torch.sigmoid(F.relu(x)) + x.tanh()),
        ("F.leaky_relu, F.elu, F.gelu", lambda s, x: F.gelu(F.elu(F.leaky_relu(x, 0.1), 0.5), approximate="tanh")),
        ("x + y (residual), torch.add", lambda s, x: torch.add(x + s.mods[0](x), x)),
        ("torch.cat dim 1 (3 inputs)", lambda s, x: torch.cat([x, F.relu(x), x.sigmoid()], 1)),
        ("torch.cat dim -1", lambda s, x: torch.cat((x, x.tanh()), dim=-1)),
        ("torch.flatten(x, 1)", lambda s, x: torch.flatten(x, 1)),
        ("x.flatten(2)", lambda s, x: x.flatten(2)),
        ("x.view(x.size(0), -1)", lambda s, x: x.view(x.size(0), -1)),
        ("x.reshape(1, shape[2], -1)", lambda s, x: x.reshape(1, x.shape[2], -1)),
        ("torch.reshape, unsqueeze, squeeze", lambda s, x: torch.reshape(x, (3, 30)).unsqueeze(0).unsqueeze(2).squeeze(2)),
        ("F.softmax(dim=2), torch.softmax(x, -1)", lambda s, x: torch.softmax(F.softmax(x, dim=2), -1)),
        ("argmax dim 1", lambda s, x: torch.argmax(x, 1)),
        ("argmax dim -1 keepdim", lambda s, x: x.argmax(-1, keepdim=True)),
        ("dropout and identity are removed", lambda s, x: F.dropout(s.mods[1](s.mods[2](x)), 0.5, s.training)),
    ]
    for what, fn in funcs:
        g = export_and_compare(what, Fn(fn, nn.Conv2d(3, 3, 3, padding=1), nn.Dropout(0.3), nn.Identity()), x)
        if g and what.startswith("dropout"):
            check(g["nodes"] == [] and g["outputs"] == ["x"], "dropout/identity leave an empty graph")
    g = export_and_compare("one tensor returned twice", Fn(lambda s, x: (lambda y: (y, y))(F.relu(x))), x)
    check(g is not None and g["outputs"] == ["relu", "relu"], "repeated output names")
    export_and_compare("two inputs, cat", Fn2(lambda s, a, b: torch.cat([a, b], 1)), (rand(1, 2, 3, 4), rand(1, 5, 3, 4)))
    export_and_compare("1-D: conv1d + flatten + linear", nn.Sequential(nn.Conv1d(2, 3, 3), nn.Flatten(), nn.Linear(21, 4)),
                       rand(1, 2, 9))


def test_pools():
    x2, x1 = rand(1, 3, 9, 10), rand(1, 3, 11)
    for k, s, p, d, ceil in ((2, 2, 0, 1, False), (3, 2, 1, 1, True), (3, 1, 1, 2, False), ((2, 3), (1, 2), (1, 0), 1, True),
                             (2, None, 0, 1, True), (3, 3, 1, 1, True)):
        export_and_compare("max_pool2d k=%s s=%s p=%s d=%s ceil=%s" % (k, s, p, d, ceil), nn.MaxPool2d(k, s, p, d, ceil_mode=ceil), x2)
        export_and_compare("max_pool1d k=%s s=%s p=%s d=%s ceil=%s" % (k, s, p, d, ceil),
                           nn.MaxPool1d(k[0] if isinstance(k, tuple) else k, s if not isinstance(s, tuple) else s[1],
                                        p if not isinstance(p, tuple) else p[0], d, ceil_mode=ceil), x1)
    for k, s, p, ceil, cip in ((2, 2, 0, False, True), (3, 2, 1, True, True), (3, 2, 1, True, False), ((3, 2), (2, 1), (1, 1), False, False),
                               (2, 3, 1, True, True)):
        export_and_compare("avg_pool2d k=%s s=%s p=%s ceil=%s cip=%s" % (k, s, p, ceil, cip),
                           nn.AvgPool2d(k, s, p, ceil_mode=ceil, count_include_pad=cip), x2)
        kk = k[0] if isinstance(k, tuple) else k
        export_and_compare("avg_pool1d k=%s s=%s p=%s ceil=%s cip=%s" % (kk, s, p, ceil, cip),
                           nn.AvgPool1d(kk, s[0] if isinstance(s, tuple) else s, p[0] if isinstance(p, tuple) else p,
                                        ceil_mode=ceil, count_include_pad=cip), x1)
    export_and_compare("F.max_pool2d / F.avg_pool2d", Fn(lambda s, x: F.avg_pool2d(F.max_pool2d(x, 2, ceil_mode=True), 2, 1, 1,
                                                                                    count_include_pad=False)), x2)
    export_and_compare("F.max_pool1d / F.avg_pool1d", Fn(lambda s, x: F.avg_pool1d(F.max_pool1d(x, 3, 2, 1), 2)), x1)
    for o in (1, (1, 1), (4, 3), (None, 4), (9, 10), (5, 7)):
        export_and_compare("adaptive_avg_pool2d %s" % (o,), nn.AdaptiveAvgPool2d(o), x2)
    for o in (1, 4, 11):
        export_and_compare("adaptive_avg_pool1d %s" % o, nn.AdaptiveAvgPool1d(o), x1)
    export_and_compare("F.adaptive_avg_pool2d / 1d", Fn(lambda s, x: F.adaptive_avg_pool1d(F.adaptive_avg_pool2d(x, (3, 4)).flatten(2), 5)), x2)


def test_upsample():
    x2, x1 = rand(1, 2, 5, 7), rand(1, 2, 6)
    for mode in ("nearest", "bilinear"):
        acs = (None,) if mode == "nearest" else (False, True)
        for ac in acs:
            for kw in ({"scale_factor": 2}, {"scale_factor": 1.7}, {"scale_factor": (3, 0.6)}, {"size": (7, 7)},
                       {"size": (13, 4)}, {"size": (10, 14)}, {"size": (3, 4)}):
                export_and_compare("upsample %s ac=%s %s" % (mode, ac, kw), nn.Upsample(mode=mode, align_corners=ac, **kw), x2)
    for mode, ac in (("nearest", None), ("linear", False), ("linear", True)):
        for kw in ({"scale_factor": 2}, {"scale_factor": 2.5}, {"size": 9}, {"size": 4}):
            export_and_compare("upsample 1-D %s ac=%s %s" % (mode, ac, kw), nn.Upsample(mode=mode, align_corners=ac, **kw), x1)
    export_and_compare("F.interpolate scale 1.7 recompute_scale_factor",
                       Fn(lambda s, x: F.interpolate(x, scale_factor=1.7, mode="bilinear", recompute_scale_factor=True)), x2)
    export_and_compare("F.interpolate nearest size", Fn(lambda s, x: F.interpolate(x, size=(11, 3))), x2)
    export_and_compare("UpsamplingNearest2d / UpsamplingBilinear2d",
                       nn.Sequential(nn.UpsamplingNearest2d(scale_factor=2), nn.UpsamplingBilinear2d(size=(9, 9))), x2)
    # With a scale factor the source index is floor(dst / scale_factor), not floor(dst * in / out):
    # 5 -> 8 samples at 1.7: dst 5 reads floor(2.94) = 2 (in/out would give floor(3.125) = 3).
    got = ae.op_upsample([np.arange(5.0).reshape(1, 1, 5)], {}, {"mode": "nearest", "scale_factor": [1.7]})
    check(got.ravel().tolist() == [0, 0, 1, 1, 2, 2, 3, 4], "upsample nearest: hand-computed indices, scale 1.7")
    got = ae.op_upsample([np.arange(5.0).reshape(1, 1, 5)], {}, {"mode": "nearest", "size": [8]})
    check(got.ravel().tolist() == [0, 0, 1, 1, 2, 3, 3, 4], "upsample nearest: hand-computed indices, size 8")


def test_vq_and_reparam():
    vq = ae.VectorQuantizer(8, 4)
    export_and_compare("vq (quantised, indices)", vq, rand(1, 4, 3, 5), ops=["vq"])
    tie = ae.VectorQuantizer(3, 2)
    with torch.no_grad():
        tie.codebook.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]))
    z = torch.tensor([[[[0.5, 1.0]], [[0.5, 0.0]]]])  # (1, 2, 1, 2): first pixel equidistant from 0, 1, 2
    g = export_and_compare("vq: first index on ties", tie, z)
    if g:
        out = ae.run_file(os.path.join(TMP, "m.safetensors"), [z.numpy()])
        check(out[1].ravel().tolist() == [0.0, 0.0], "vq: tie -> index 0 %s" % out[1].ravel().tolist())
    export_and_compare("reparam at inference = mu", Fn2(lambda s, mu, lv: s.mods[0](mu, lv), ae.Reparam()), (rand(1, 4, 2, 2), rand(1, 4, 2, 2)), ops=["reparam"])


# ====================================================================== refusal
def refusal_message(model, x):
    try:
        ae.build_graph(model, x)
    except ae.UnsupportedError as e:
        return str(e)
    return None


def test_refusal():
    class Bad(nn.Module):
        def __init__(self):
            super().__init__()
            self.act = nn.ReLU6()
            self.conv = nn.Conv2d(3, 3, 3, padding=1, padding_mode="reflect")
            self.w = nn.Parameter(torch.ones(3, 3, 1, 1))

        def forward(self, x):
            y = torch.sin(x) * 2
            y = self.act(y) - x[:, :1]
            return F.conv2d(self.conv(y), self.w)
    msg = refusal_message(Bad(), rand(1, 3, 4, 4)) or ""
    for needle in ("torch.sin", "operator.mul", "ReLU6", "operator.sub", "indexing", "padding_mode='reflect'",
                   "parameter/buffer 'w'", "conv2d"):
        check(needle in msg, "refusal names %r" % needle)
    if VERBOSE:
        print(msg)
    cases = [
        ("batch norm without running stats", nn.BatchNorm2d(3, track_running_stats=False), rand(1, 3, 4, 4), "track_running_stats"),
        ("bicubic", nn.Upsample(scale_factor=2, mode="bicubic"), rand(1, 3, 4, 4), "bicubic"),
        ("add with broadcasting", Fn(lambda s, x: x + x.mean(1, keepdim=True)), rand(1, 3, 4, 4), "mean"),
        ("add of a constant", Fn(lambda s, x: x + 1), rand(1, 3, 4, 4), "add of a constant"),
        ("batch 2", nn.ReLU(), rand(2, 3), "batch 1"),
        ("softmax without dim", nn.Softmax(), rand(1, 3), "without dim"),
        ("control flow on values", Fn(lambda s, x: x if x.sum() > 0 else -x), rand(1, 3), "cannot trace"),
        ("split returns several tensors", Fn(lambda s, x: torch.split(x, 1, 1)[0]), rand(1, 3, 2), "split"),
        ("max pool return_indices", Fn(lambda s, x: F.max_pool2d(x, 2, return_indices=True)[0]), rand(1, 3, 4, 4), "with_indices"),
        ("functional dropout, training=True", Fn(lambda s, x: F.dropout(x, 0.2)), rand(1, 3), "training=True"),
        ("LSTM", nn.LSTM(3, 3), rand(1, 3, 3), "LSTM"),
    ]
    for what, m, x, needle in cases:
        msg = refusal_message(m, x)
        check(msg is not None and needle in msg, "refuses %s: %s" % (what, (msg or "(exported)").replace("\n", " ")))


# ====================================================================== file contents
def test_file_contents():
    m = M.randomize_bn(nn.Sequential(nn.Conv2d(2, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Dropout(), nn.Flatten(),
                                     nn.Linear(4 * 3 * 3, 2)))
    path = os.path.join(TMP, "c.safetensors")
    ae.export(m, rand(1, 2, 5, 5), path, metadata={"task": "demo"})
    tensors, meta = ae.st_read(path)
    graph = json.loads(meta["graph"])
    check(meta["format"] == "avloc-nn" and meta["version"] == "1" and meta["task"] == "demo"
          and meta["producer"] == "avloc_export.py", "file: metadata keys format, version, graph, extra")
    check(sorted(tensors) == ["0.bias", "0.weight", "5.bias", "5.weight"], "file: only the tensors the graph uses %s" % sorted(tensors))
    check(all(v.dtype == np.dtype("<f4") for v in tensors.values()), "file: all F32")
    x = graph["inputs"][0]["name"]
    check(graph["inputs"] == [{"name": x, "shape": [1, 2, 5, 5]}] and graph["outputs"] == ["_5"],
          "file: inputs and outputs %s %s" % (graph["inputs"], graph["outputs"]))
    conv = graph["nodes"][0]
    check(conv == {"op": "conv2d", "name": "0", "in": [x], "out": ["_0"],
                   "w": {"weight": "0.weight", "bias": "0.bias"},
                   "a": {"stride": [1, 1], "padding": [0, 0], "dilation": [1, 1], "groups": 1}},
          "file: conv node written in full %s" % conv)
    check([n["op"] for n in graph["nodes"]] == ["conv2d", "relu", "flatten", "linear"], "file: node ops")
    check(meta["graph"] == json.dumps(graph, separators=(",", ":"), ensure_ascii=False), "file: graph JSON is compact")
    names = [n for g in graph["nodes"] for n in g["out"]]
    check(len(names) == len(set(names)), "file: activation names unique")
    net = M.randomize_bn(M.AudioNet(n_ch=2, width=4, hidden=(8, 8), dec_ch=8, code_dim=4, latent_hw=(4, 4)))
    _, weights = ae.build_graph(net, rand(1, 2, 32, 32))
    sd = set(net.state_dict())
    convs = {k + ".bias" for k, m in net.named_modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))}
    check(set(weights) <= sd | convs and not any(k.endswith(("running_mean", "num_batches_tracked")) for k in weights),
          "file: weight names are state_dict names (plus folded conv biases): %s" % sorted(set(weights) - sd - convs))


# ====================================================================== whole networks
def codebook_from(vq, z):
    """Codewords near the encoder's outputs, so that the indices vary (a fresh
    codebook sits near 0 and every pixel picks the same entry)."""
    with torch.no_grad():
        flat = z.permute(0, 2, 3, 1).reshape(-1, z.shape[1])
        pick = torch.randint(0, flat.shape[0], (vq.codebook.shape[0],))
        vq.codebook.copy_(flat[pick] + 0.1 * flat.std() * torch.randn_like(vq.codebook))


def test_papers():
    torch.manual_seed(1)
    cases = [
        ("U-VAE (mfcc 12x36x48 + frame 3x72x96)", M.UVAE(base=8, latent=8, vis_ch=8),
         (rand(1, 12, 36, 48), rand(1, 3, 72, 96)), ["reparam", "cat", "conv_transpose2d", "adaptive_avg_pool2d"]),
        ("U-VAE with 1 skip (the paper's best)", M.UVAE(base=8, latent=8, vis_ch=8, skips=1),
         (rand(1, 12, 36, 48), rand(1, 3, 72, 96)), ["reparam", "cat", "conv_transpose2d"]),
        ("VQ-VAE, paper widths 64/128, 64 codes x 64, 64x64 map", M.VQVAE(), (rand(1, 1, 64, 64),), ["vq", "add"]),
        ("VQ-VAE small, 3 downsamplings", M.VQVAE(ch=(8, 16), n_codes=16, code_dim=8, hidden=8, n_down=3),
         (rand(1, 1, 32, 32),), ["vq"]),
        ("VQ-VAE encoder alone", M.VQVAEEncoder(ch=(8, 16), code_dim=8, hidden=8), (rand(1, 1, 32, 32),), ["conv2d"]),
        ("VQ-VAE decoder alone", M.VQVAEDecoder(ch=(8, 16), code_dim=8, hidden=8), (rand(1, 8, 8, 8),), ["conv_transpose2d"]),
        ("audio net (ResNet-18 encoder, 8 mel channels)", M.AudioNet(n_ch=8, width=8, hidden=(32, 32), dec_ch=32, code_dim=16),
         (rand(1, 8, 64, 64),), ["max_pool2d", "adaptive_avg_pool2d", "linear", "conv_transpose2d"]),
    ]
    for what, m, x, ops in cases:
        M.randomize_bn(m)
        if isinstance(m, M.VQVAE):
            codebook_from(m.vq, m.eval().encoder(x[0]))
            check(np.unique(ae.torch_outputs(m, x)[1]).size > 3, "%s: the codes vary" % what)
        # every batch norm folds except the U-VAE's two normalisations before the concat
        g = export_and_compare(what, m, x, ops=ops + (["batch_norm"] if "U-VAE" in what else []),
                               no_ops=[] if "U-VAE" in what else ["batch_norm"])
        if g and what.startswith("U-VAE"):
            check(len(g["inputs"]) == 2 and len(g["outputs"]) == 3
                  and sum(n["op"] == "batch_norm" for n in g["nodes"]) == 2, "U-VAE: two inputs, three outputs, two batch norms")
    a2m = M.AudioToMap(M.randomize_bn(M.AudioNet(n_ch=4, width=8, hidden=(32, 32), dec_ch=32, code_dim=16)),
                       M.VQVAE(ch=(8, 16), n_codes=16, code_dim=16, hidden=8))
    x = rand(1, 4, 64, 64)
    codebook_from(a2m.vq, a2m.eval().audio(x))
    check(np.unique(ae.torch_outputs(a2m, x)[1]).size > 3, "audio -> map: the codes vary")
    export_and_compare("audio -> latent -> vq -> decoder as one graph", a2m, x, ops=["vq"])


def test_random_compositions(count=80):
    from collections import Counter
    ops = Counter()
    for seed in range(count):
        shape = (1, 3, 13) if seed % 4 == 0 else (1, 4, 9, 11)
        m, x = M.random_net(seed, shape)
        g = export_and_compare("random composition seed %d" % seed, m, x)
        if g:
            ops.update(n["op"] for n in g["nodes"])
    want = {"conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "batch_norm", "relu", "sigmoid", "tanh",
            "leaky_relu", "elu", "gelu", "add", "cat", "max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d",
            "adaptive_avg_pool1d", "adaptive_avg_pool2d", "upsample", "flatten", "linear"}
    check(want <= set(ops), "random compositions cover %s (missing %s)" % (sorted(ops), sorted(want - set(ops))))
    a, b = M.random_net(7), M.random_net(7)
    check(str(a[0]) == str(b[0]) and torch.equal(a[1], b[1]), "random_net is reproducible from its seed")


# ====================================================================== command line
def test_cli():
    tool = os.path.join(HERE, "avloc_export.py")
    out = os.path.join(TMP, "cli.safetensors")

    def run(*args):
        return subprocess.run([sys.executable, tool] + list(args), capture_output=True, text=True)
    r = run("--model", os.path.join(HERE, "nn_models.py") + ":VQVAE", "--kwargs",
            '{"ch": [8, 16], "n_codes": 16, "code_dim": 8, "hidden": 8}', "--input-shape", "1,1,16,16",
            "--meta", "task=depth", "-o", out, "--verify")
    check(r.returncode == 0 and "verify:" in r.stdout, "cli: export --verify (%s%s)" % (r.stdout.strip(), r.stderr.strip()[-300:]))
    r = run("--info", out)
    check(r.returncode == 0 and "vq" in r.stdout and "weight bytes" in r.stdout, "cli: --info")
    x = np.random.default_rng(0).standard_normal((1, 1, 16, 16)).astype(np.float32)
    np.save(os.path.join(TMP, "x.npy"), x)
    r = run("--run", out, "--input", os.path.join(TMP, "x.npy"), "-o", os.path.join(TMP, "y.npy"))
    ok = r.returncode == 0 and np.array_equal(np.load(os.path.join(TMP, "y.npy")), ae.run_file(out, [x])[0])
    check(ok, "cli: --run writes the first output %s" % r.stderr.strip()[-300:])
    bad = os.path.join(TMP, "bad_model.py")
    with open(bad, "w") as f:
        f.write("import torch\nclass Bad(torch.nn.Module):\n    def forward(self, x):\n"
                "        return torch.sin(x) * torch.cos(x)\n")
    r = run("--model", bad + ":Bad", "--input-shape", "1,2,3", "-o", os.path.join(TMP, "bad.safetensors"))
    check(r.returncode == 2 and "torch.sin" in r.stderr and "torch.cos" in r.stderr and "operator.mul" in r.stderr,
          "cli: refusal exits 2 naming every op (%s)" % r.stderr.strip().replace("\n", " "))


def main():
    t0 = time.time()
    for fn in (test_safetensors, test_conv, test_conv_transpose, test_linear_and_bn, test_bn_folding,
               test_activations_and_shapes, test_pools, test_upsample, test_vq_and_reparam, test_refusal,
               test_file_contents, test_papers, test_random_compositions, test_cli):
        t = time.time()
        n0 = RESULTS["pass"] + RESULTS["fail"]
        fn()
        if VERBOSE:
            print("-- %s: %d checks, %.1fs" % (fn.__name__, RESULTS["pass"] + RESULTS["fail"] - n0, time.time() - t))
    print("test_avloc_export: %d passed, %d failed (%.0fs)" % (RESULTS["pass"], RESULTS["fail"], time.time() - t0))
    return 1 if RESULTS["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
