#!/usr/bin/python3
"""Export a torch.nn.Module to the avloc network file (docs/nn_format.md).

One file carries the network: a safetensors file whose tensors are the weights
(state_dict names) and whose __metadata__ holds the graph as JSON. This script
  - traces the module with torch.fx, maps every node to an op of the format,
    folds batch norm into the preceding conv / transposed conv / linear, drops
    dropout and identity, and refuses anything else, naming every offender;
  - writes safetensors itself, byte for byte as the reference `safetensors`
    package does (Debian has no such package);
  - reads the file back and runs the graph with a plain numpy interpreter of
    docs/nn_format.md (`--verify`), the independent check of the format's
    semantics and the maker of goldens for the C runtime (`--run`).

Command line (run with Debian's /usr/bin/python3; numpy + torch only):
  avloc_export.py --model tools/nn_models.py:UVAE [--kwargs '{"base": 8}']
                  --input-shape 1,12,36,48 --input-shape 1,3,72,96
                  [--weights state_dict.pt] [--seed 0] [--meta key=value]
                  -o uvae.safetensors [--verify]
  avloc_export.py --info FILE.safetensors
  avloc_export.py --run FILE.safetensors --input X.npy [--input Y.npy] -o OUT.npy [--output NAME]
See docs/nn_export.md.
"""
import argparse
import importlib
import importlib.util
import json
import math
import operator
import os
import struct
import sys

import numpy as np

FORMAT_VERSION = "1"

# ====================================================================== safetensors
# The reference writer (huggingface/safetensors, tensor.rs `prepare`) sorts
# tensors by dtype, descending in the order of its Dtype enum below (which is
# increasing alignment), then by name (byte order of the UTF-8 names); lays the
# data out in that order with no gaps; writes the JSON header compactly with
# serde_json (`__metadata__` first, then the tensors in layout order; fields
# dtype, shape, data_offsets; non-ASCII kept as raw UTF-8); and pads the header
# with spaces to a multiple of 8 bytes. Its `__metadata__` is a Rust HashMap,
# so its key order is not defined there; we write the keys sorted.
ST_DTYPES = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16",
             "I32", "U32", "F32", "F64", "I64", "U64"]
ST_NUMPY = {"BOOL": "?", "U8": "u1", "I8": "i1", "I16": "<i2", "U16": "<u2", "F16": "<f2",
            "I32": "<i4", "U32": "<u4", "F32": "<f4", "F64": "<f8", "I64": "<i8", "U64": "<u8"}
ST_SIZE = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "I16": 2, "U16": 2,
           "F16": 2, "BF16": 2, "I32": 4, "U32": 4, "F32": 4, "F64": 8, "I64": 8, "U64": 8}
ST_MAX_HEADER = 100_000_000


def _json_compact(obj):
    """serde_json::to_string's output for str/int/list/dict values: no spaces,
    raw UTF-8, the same escapes (\\" \\\\ \\b \\f \\n \\r \\t, else \\u00xx)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _as_st_tensor(value):
    """(dtype, shape, bytes) from a numpy array or an explicit triple."""
    if isinstance(value, tuple):
        return value
    arr = np.ascontiguousarray(value)
    for name, code in ST_NUMPY.items():
        if arr.dtype == np.dtype(code):
            return name, list(arr.shape), arr.astype(code).tobytes()
    raise ValueError("no safetensors dtype for numpy dtype %s" % arr.dtype)


def st_serialize(tensors, metadata=None):
    """Bytes of a safetensors file. tensors: name -> numpy array or
    (dtype, shape, raw little-endian bytes); metadata: str -> str or None."""
    items = [(name, _as_st_tensor(v)) for name, v in tensors.items()]
    items.sort(key=lambda it: (-ST_DTYPES.index(it[1][0]), it[0].encode("utf-8")))
    header, pos = {}, 0
    if metadata is not None:
        for k, v in metadata.items():
            if not isinstance(k, str) or not isinstance(v, str):
                raise ValueError("safetensors metadata must map str to str (key %r)" % (k,))
        header["__metadata__"] = {k: metadata[k] for k in sorted(metadata)}
    for name, (dtype, shape, data) in items:
        if name == "__metadata__":
            raise ValueError("a tensor cannot be called __metadata__")
        if len(data) != ST_SIZE[dtype] * math.prod(shape):
            raise ValueError("tensor %r: %d bytes for shape %s %s" % (name, len(data), shape, dtype))
        header[name] = {"dtype": dtype, "shape": [int(s) for s in shape],
                        "data_offsets": [pos, pos + len(data)]}
        pos += len(data)
    hbytes = _json_compact(header).encode("utf-8")
    hbytes += b" " * ((8 - len(hbytes) % 8) % 8)
    return b"".join([struct.pack("<Q", len(hbytes)), hbytes] + [t[2] for _, t in items])


def st_write(path, tensors, metadata=None):
    with open(path, "wb") as f:
        f.write(st_serialize(tensors, metadata))


def st_parse(buf):
    """(tensors: name -> numpy array (raw bytes for F8/BF16), metadata or None).
    Checks what the reference reader checks: header bounds, UTF-8 JSON,
    offsets contiguous from 0, sizes matching shapes, buffer covered exactly."""
    if len(buf) < 8:
        raise ValueError("safetensors: file shorter than 8 bytes")
    (n,) = struct.unpack("<Q", buf[:8])
    if n > ST_MAX_HEADER or 8 + n > len(buf):
        raise ValueError("safetensors: bad header length %d" % n)
    header = json.loads(buf[8:8 + n].decode("utf-8"))
    if not isinstance(header, dict):
        raise ValueError("safetensors: header is not a JSON object")
    metadata = header.pop("__metadata__", None)
    data = buf[8 + n:]
    entries = sorted(header.items(), key=lambda it: tuple(it[1]["data_offsets"]))
    pos, out = 0, {}
    for name, info in entries:
        dtype, shape, (b, e) = info["dtype"], info["shape"], info["data_offsets"]
        if b != pos or e < b or e - b != ST_SIZE[dtype] * math.prod(shape):
            raise ValueError("safetensors: bad data_offsets for %r" % name)
        pos = e
        raw = bytes(data[b:e])
        out[name] = (np.frombuffer(raw, dtype=ST_NUMPY[dtype]).reshape(shape)
                     if dtype in ST_NUMPY else raw)
    if pos != len(data):
        raise ValueError("safetensors: data buffer not covered exactly")
    return out, metadata


def st_read(path):
    with open(path, "rb") as f:
        return st_parse(f.read())


# ====================================================================== modules the format knows
# Two ops of the format have no torch.nn module; models use these (the tracer
# keeps them as leaves and the exporter maps them to `reparam` and `vq`).
def _torch():
    import torch
    return torch


def _define_modules():
    torch = _torch()
    nn = torch.nn

    class Reparam(nn.Module):
        """VAE reparameterisation: forward(mu, logvar) -> mu + exp(logvar/2)*eps
        in training, mu in eval (the format's `reparam` at inference)."""

        def forward(self, mu, logvar):
            if self.training:
                return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
            return mu

    class VectorQuantizer(nn.Module):
        """Nearest codebook entry by L2 (first index on ties).
        forward(z (N, D, H, W)) -> (quantised, indices (N, H, W) as float32);
        in training the quantised output is straight-through (z + (q - z).detach()).
        `quantize(z)` gives the raw (q, long indices) for the VQ losses."""

        def __init__(self, n_codes, dim):
            super().__init__()
            self.codebook = nn.Parameter(torch.empty(n_codes, dim).uniform_(-1.0 / n_codes, 1.0 / n_codes))

        def quantize(self, z):
            n, d, h, w = z.shape
            flat = z.permute(0, 2, 3, 1).reshape(-1, 1, d)
            dist = ((flat - self.codebook.unsqueeze(0)) ** 2).sum(-1)
            idx = dist.argmin(1)
            q = self.codebook[idx].reshape(n, h, w, d).permute(0, 3, 1, 2)
            return q, idx.reshape(n, h, w)

        def forward(self, z):
            q, idx = self.quantize(z)
            if self.training:
                q = z + (q - z).detach()
            return q, idx.to(z.dtype)

    return Reparam, VectorQuantizer


_MODULES = None


def __getattr__(name):  # module-level lazy classes: avloc_export.Reparam, .VectorQuantizer
    global _MODULES
    if name in ("Reparam", "VectorQuantizer"):
        if _MODULES is None:
            _MODULES = _define_modules()
        return _MODULES[0] if name == "Reparam" else _MODULES[1]
    raise AttributeError(name)


# ====================================================================== exporter
def _Wrap(leaf):
    torch = _torch()

    class Root(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.root = m

        def forward(self, x):
            return self.root(x)

    class Root2(Root):
        def forward(self, a, b):
            return self.root(a, b)
    return Root2(leaf) if isinstance(leaf, __getattr__("Reparam")) else Root(leaf)


class UnsupportedError(ValueError):
    """The module uses something the format cannot express; the message lists all of it."""


def _pair(v, n):
    v = list(v) if isinstance(v, (tuple, list)) else [v] * n
    if len(v) != n:
        raise ValueError("expected %d values, got %s" % (n, v))
    return [int(x) for x in v]


def _ndim_of(mod_type_name):
    return 1 if mod_type_name.endswith("1d") else 2


def _bind(args, kwargs, names, defaults):
    """Positional + keyword arguments of a call as a dict over `names`;
    `defaults` holds the optional ones (absent: required)."""
    out = dict(defaults)
    for n, v in zip(names, args):
        out[n] = v
    for k, v in kwargs.items():
        if k not in names:
            raise UnsupportedError("argument %r" % k)
        out[k] = v
    missing = [n for n in names if n not in out]
    if missing:
        raise UnsupportedError("missing argument %s" % missing)
    return out


class _Exporter:
    def __init__(self, model, inputs):
        torch = _torch()
        self.torch = torch
        self.model = model
        self.inputs = inputs
        self.nodes = []        # graph JSON nodes, in execution order
        self.weights = {}      # name -> float32 numpy
        self.alias = {}        # fx node -> activation name
        self.multi = {}        # fx node -> [activation names] (multi-output ops)
        self.emitted = {}      # fx node -> graph JSON node that produced it
        self.errors = []
        self.values = {}
        Reparam, VQ = __getattr__("Reparam"), __getattr__("VectorQuantizer")
        self.Reparam, self.VQ = Reparam, VQ

        class Tracer(torch.fx.Tracer):
            def is_leaf_module(self, m, qualname):
                return isinstance(m, (Reparam, VQ)) or super().is_leaf_module(m, qualname)

        # A root that is itself a leaf (nn.Conv2d, a VectorQuantizer, ...) is
        # traced inside a wrapper; its weights keep their own names.
        self.root = None
        if Tracer().is_leaf_module(model, ""):
            self.root = "root"
            model = _Wrap(model)
        try:
            graph = Tracer().trace(model)
        except Exception as e:  # control flow on values, unsupported Python, ...
            raise UnsupportedError("torch.fx cannot trace %s: %s" % (type(model).__name__, e))
        self.gm = torch.fx.GraphModule(model, graph)
        self.mods = dict(self.gm.named_modules())
        self._record_values()

    def _record_values(self):
        values = self.values

        class Recorder(self.torch.fx.Interpreter):
            def run_node(self, n):
                v = super().run_node(n)
                values[n] = v
                return v

        with self.torch.no_grad():
            Recorder(self.gm).run(*self.inputs)

    # ---- helpers
    def path(self, target):
        """The state_dict prefix of a module ('' for a wrapped leaf root)."""
        return "" if target == self.root else target

    def wname(self, target, leaf):
        p = self.path(target)
        return p + "." + leaf if p else leaf

    def is_tensor(self, node):
        return isinstance(self.values.get(node), self.torch.Tensor)

    def shape(self, node):
        return list(self.values[node].shape)

    def name(self, arg):
        fx = self.torch.fx
        if not isinstance(arg, fx.Node):
            raise UnsupportedError("a constant where a tensor is expected (%r)" % (arg,))
        if arg in self.alias:
            return self.alias[arg]
        if not self.is_tensor(arg):
            raise UnsupportedError("non-tensor value %s used as a tensor" % arg.name)
        return arg.name

    def const(self, arg):
        """A Python value with folded shape arithmetic (x.size(0), x.shape[2] * 2)."""
        fx = self.torch.fx
        if isinstance(arg, fx.Node):
            if self.is_tensor(arg):
                raise UnsupportedError("tensor %s used as a constant" % arg.name)
            v = self.values[arg]
            return tuple(v) if isinstance(v, self.torch.Size) else v
        if isinstance(arg, (list, tuple)):
            return type(arg)(self.const(a) for a in arg)
        return arg

    def weight(self, name, tensor):
        arr = np.ascontiguousarray(tensor.detach().cpu().double().numpy().astype("<f4")) \
            if hasattr(tensor, "detach") else np.ascontiguousarray(np.asarray(tensor, "<f4"))
        old = self.weights.get(name)
        if old is not None and not (old.shape == arr.shape and np.array_equal(old, arr)):
            raise UnsupportedError("two different tensors named %r" % name)
        self.weights[name] = arr
        return name

    def emit(self, node, op, ins, w=None, a=None, name=None, outs=None):
        g = {"op": op, "name": self.path(name) or node.name, "in": [self.name(i) for i in ins],
             "out": outs or [node.name]}
        if w:
            g["w"] = w
        if a is not None:
            g["a"] = a
        self.nodes.append(g)
        self.emitted[node] = g
        return g

    def count_calls(self, target):
        return sum(1 for n in self.gm.graph.nodes if n.op == "call_module" and n.target == target)

    # ---- the walk
    def run(self):
        fx_nodes = list(self.gm.graph.nodes)
        placeholders = [n for n in fx_nodes if n.op == "placeholder"]
        if len(placeholders) != len(self.inputs):
            raise UnsupportedError("forward takes %d tensors, %d example inputs given"
                                   % (len(placeholders), len(self.inputs)))
        graph_inputs = []
        for n, x in zip(placeholders, self.inputs):
            if x.dtype != self.torch.float32 or x.dim() < 2 or x.shape[0] != 1:
                raise UnsupportedError("input %s: need float32 with batch 1, got %s %s"
                                       % (n.name, x.dtype, list(x.shape)))
            graph_inputs.append({"name": n.name, "shape": list(x.shape)})
        outputs = []
        for n in fx_nodes:
            if n.op == "placeholder":
                continue
            if n.op == "output":
                outputs = self._outputs(n.args[0])
                continue
            try:
                self._node(n)
            except UnsupportedError as e:
                self.errors.append("%s (node %s)" % (e, n.name))
        if self.errors:
            raise UnsupportedError("cannot export %s; unsupported:\n  %s"
                                   % (type(self.model).__name__, "\n  ".join(self.errors)))
        return {"inputs": graph_inputs, "outputs": outputs, "nodes": self.nodes}

    def _outputs(self, arg):
        if isinstance(arg, (tuple, list)):
            return [o for a in arg for o in self._outputs(a)]
        if arg in self.multi:
            return list(self.multi[arg])
        try:
            return [self.name(arg)]
        except UnsupportedError as e:
            self.errors.append("output: %s" % e)
            return []

    def _node(self, n):
        v = self.values[n]
        if n.op == "get_attr":
            raise UnsupportedError("direct use of parameter/buffer %r in forward" % n.target)
        if n.op == "call_module":
            m = self.mods[n.target]
            h = _MODULE_HANDLERS.get(type(m).__name__) if type(m).__module__.startswith("torch.nn") else None
            if isinstance(m, self.Reparam):
                h = _h_reparam_module
            elif isinstance(m, self.VQ):
                h = _h_vq_module
            if h is None:
                raise UnsupportedError("module %s at %r" % (type(m).__name__, n.target))
            return h(self, n, m)
        if n.op == "call_function" and n.target is operator.getitem and n.args[0] in self.multi:
            self.alias[n] = self.multi[n.args[0]][n.args[1]]  # one output of vq
            return
        if not isinstance(v, self.torch.Tensor):
            return self._shape_arith(n, v)
        key = n.target if n.op == "call_function" else "." + n.target
        h = _FUNC_HANDLERS.get(key)
        if h is None:
            raise UnsupportedError(_describe(n))
        return h(self, n)

    def _shape_arith(self, n, v):
        """Non-tensor nodes: shape arithmetic is folded into constants; anything else is refused."""
        fx = self.torch.fx
        if isinstance(v, (tuple, list)) and any(isinstance(x, self.torch.Tensor) for x in v):
            raise UnsupportedError("%s returning several tensors" % _describe(n))
        tensor_args = [a for a in n.args if isinstance(a, fx.Node) and self.is_tensor(a)]
        ok = ((n.op == "call_method" and n.target in ("size", "dim")) or
              (n.op == "call_function" and n.target is getattr and n.args[1] in ("shape", "ndim")) or
              (n.op == "call_function" and getattr(n.target, "__module__", "") in ("_operator", "operator")
               and not tensor_args))
        if not ok:
            raise UnsupportedError(_describe(n))
        # folded: self.values[n] is read by const()


def _describe(n):
    if n.op == "call_method":
        return "method .%s()" % n.target
    t = n.target
    if t is operator.getitem:
        return "indexing or slicing x[...]"
    mod = getattr(t, "__module__", None) or ""
    mod = "operator" if mod == "_operator" else mod
    return "function %s%s" % (mod + "." if mod else "", getattr(t, "__name__", str(t)))


# ---- module handlers
def _h_conv(ex, n, m):
    nd = _ndim_of(type(m).__name__)
    transposed = type(m).__name__.startswith("ConvTranspose")
    if m.padding_mode != "zeros":
        raise UnsupportedError("%s with padding_mode=%r" % (type(m).__name__, m.padding_mode))
    if len(n.args) != 1 or n.kwargs:
        raise UnsupportedError("%s called with output_size or extra arguments" % type(m).__name__)
    pad = m.padding
    if isinstance(pad, str):  # 'valid' / 'same' (stride 1): symmetric only
        if pad == "valid":
            pad = [0] * nd
        else:
            tot = [d * (k - 1) for d, k in zip(m.dilation, m.kernel_size)]
            if any(t % 2 for t in tot):
                raise UnsupportedError("padding='same' with an even receptive field (asymmetric)")
            pad = [t // 2 for t in tot]
    w = {"weight": ex.weight(ex.wname(n.target, "weight"), m.weight)}
    if m.bias is not None:
        w["bias"] = ex.weight(ex.wname(n.target, "bias"), m.bias)
    a = {"stride": _pair(m.stride, nd), "padding": _pair(pad, nd)}
    if transposed:
        a["output_padding"] = _pair(m.output_padding, nd)
    a["dilation"] = _pair(m.dilation, nd)
    a["groups"] = int(m.groups)
    op = ("conv_transpose%dd" if transposed else "conv%dd") % nd
    ex.emit(n, op, [n.args[0]], w, a, name=n.target)


def _h_linear(ex, n, m):
    w = {"weight": ex.weight(ex.wname(n.target, "weight"), m.weight)}
    if m.bias is not None:
        w["bias"] = ex.weight(ex.wname(n.target, "bias"), m.bias)
    ex.emit(n, "linear", [n.args[0]], w, name=n.target)


def _foldable_producer(ex, n):
    """The conv / transposed conv / linear node whose only consumer is this batch norm."""
    src = n.args[0]
    fx = ex.torch.fx
    if not isinstance(src, fx.Node) or src.op != "call_module" or src not in ex.emitted:
        return None
    g = ex.emitted[src]
    if g["op"] not in ("conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "linear"):
        return None
    if len(src.users) != 1 or ex.count_calls(src.target) != 1:
        return None
    if g["op"] == "linear" and len(ex.shape(src)) != 2:
        return None
    return src, g


def _h_batchnorm(ex, n, m):
    if m.running_mean is None or m.running_var is None:
        raise UnsupportedError("%s without running statistics (track_running_stats=False)"
                               % type(m).__name__)
    c = m.num_features
    mean = m.running_mean.detach().double().numpy()
    var = m.running_var.detach().double().numpy()
    gamma = m.weight.detach().double().numpy() if m.weight is not None else np.ones(c)
    beta = m.bias.detach().double().numpy() if m.bias is not None else np.zeros(c)
    prod = _foldable_producer(ex, n)
    if prod is None:
        w = {r: ex.weight(ex.wname(n.target, r), v) for r, v in
             (("weight", gamma), ("bias", beta), ("running_mean", mean), ("running_var", var))}
        ex.emit(n, "batch_norm", [n.args[0]], w, {"eps": float(m.eps)}, name=n.target)
        return
    src, g = prod
    scale = gamma / np.sqrt(var + float(m.eps))
    wname = g["w"]["weight"]
    W = ex.weights[wname].astype(np.float64)
    if g["op"].startswith("conv_transpose"):  # [Ci, Co/g, ...]: output channel = group*Co/g + j
        groups = g["a"]["groups"]
        Wg = W.reshape((groups, W.shape[0] // groups) + W.shape[1:])
        s = scale.reshape((groups, 1, W.shape[1]) + (1,) * (W.ndim - 2))
        W = (Wg * s).reshape(W.shape)
    else:
        W = W * scale.reshape((-1,) + (1,) * (W.ndim - 1))
    bname = g["w"].get("bias") or ex.wname(src.target, "bias")
    b = ex.weights[bname].astype(np.float64) if "bias" in g["w"] else np.zeros(c)
    ex.weights[wname] = W.astype("<f4")
    ex.weights[bname] = ((b - mean) * scale + beta).astype("<f4")
    g["w"]["bias"] = bname
    ex.alias[n] = g["out"][0]


def _h_act(op, attrs=None):
    def h(ex, n, m):
        a = attrs(m) if attrs else None
        ex.emit(n, op, [n.args[0]], a=a, name=n.target)
    return h


def _h_drop(ex, n, m=None):
    ex.alias[n] = ex.name(n.args[0])


def _h_flatten_module(ex, n, m):
    ex.emit(n, "flatten", [n.args[0]], a={"start_dim": int(m.start_dim), "end_dim": int(m.end_dim)},
            name=n.target)


def _h_reshape_to_value(ex, n, m=None):
    """view / reshape / unflatten / squeeze / unsqueeze: the traced output shape."""
    ex.emit(n, "reshape", [n.args[0]], a={"shape": ex.shape(n)},
            name=n.target if n.op == "call_module" else None)


def _pool_attrs(ex, kind, nd, p, where):
    if p.get("return_indices"):
        raise UnsupportedError("%s with return_indices" % where)
    if p.get("divisor_override") is not None:
        raise UnsupportedError("%s with divisor_override" % where)
    k = _pair(p["kernel_size"], nd)
    stride = p["stride"]
    a = {"kernel_size": k, "stride": _pair(stride, nd) if stride not in (None, [], ()) else k,
         "padding": _pair(p["padding"], nd)}
    if kind == "max":
        a["dilation"] = _pair(p["dilation"], nd)
    a["ceil_mode"] = bool(p["ceil_mode"])
    if kind == "avg":
        a["count_include_pad"] = bool(p["count_include_pad"])
    return a


def _h_pool_module(ex, n, m):
    name = type(m).__name__
    kind = "max" if name.startswith("Max") else "avg"
    nd = _ndim_of(name)
    p = {k: getattr(m, k, None) for k in ("kernel_size", "stride", "padding", "dilation", "ceil_mode",
                                          "count_include_pad", "return_indices", "divisor_override")}
    a = _pool_attrs(ex, kind, nd, p, name)
    ex.emit(n, "%s_pool%dd" % (kind, nd), [n.args[0]], a=a, name=n.target)


def _adaptive(ex, n, x, out_size, nd, name=None):
    in_shape = ex.shape(x)[-nd:]
    o = list(out_size) if isinstance(out_size, (tuple, list)) else [out_size] * nd
    o = [int(in_shape[i] if v is None else v) for i, v in enumerate(o)]
    ex.emit(n, "adaptive_avg_pool%dd" % nd, [x], a={"output_size": o}, name=name)


def _h_adaptive_module(ex, n, m):
    _adaptive(ex, n, n.args[0], m.output_size, _ndim_of(type(m).__name__), name=n.target)


def _upsample(ex, n, x, size, scale_factor, mode, align_corners, recompute, antialias=False):
    nd = len(ex.shape(x)) - 2
    if antialias:
        raise UnsupportedError("interpolate with antialias=True")
    want = {1: ("nearest", "linear"), 2: ("nearest", "bilinear")}.get(nd, ())
    if mode not in want:
        raise UnsupportedError("upsampling mode %r on a %d-D input" % (mode, nd + 2))
    a = {"mode": mode}
    if size is not None or recompute:
        a["size"] = ex.shape(n)[2:]
    else:
        sf = list(scale_factor) if isinstance(scale_factor, (tuple, list)) else [scale_factor] * nd
        a["scale_factor"] = [float(s) for s in sf]
    if mode != "nearest":
        a["align_corners"] = bool(align_corners)
    elif align_corners:
        raise UnsupportedError("nearest upsampling with align_corners")
    ex.emit(n, "upsample", [x], a=a, name=n.target if n.op == "call_module" else None)


def _h_upsample_module(ex, n, m):
    _upsample(ex, n, n.args[0], m.size, m.scale_factor, m.mode, m.align_corners,
              getattr(m, "recompute_scale_factor", None))


def _h_softmax_module(ex, n, m):
    if m.dim is None:
        raise UnsupportedError("Softmax without dim")
    ex.emit(n, "softmax", [n.args[0]], a={"dim": int(m.dim)}, name=n.target)


def _h_reparam_module(ex, n, m):
    ex.emit(n, "reparam", list(n.args[:2]), name=n.target)


def _h_vq_module(ex, n, m):
    shape = ex.shape(n.args[0])
    if len(shape) != 4:
        raise UnsupportedError("vq on a %d-D input (needs N, D, H, W)" % len(shape))
    w = {"codebook": ex.weight(ex.wname(n.target, "codebook"), m.codebook)}
    outs = [n.name + "_q", n.name + "_idx"]
    ex.emit(n, "vq", [n.args[0]], w, name=n.target, outs=outs)
    ex.multi[n] = outs


_MODULE_HANDLERS = {
    "Conv1d": _h_conv, "Conv2d": _h_conv, "ConvTranspose1d": _h_conv, "ConvTranspose2d": _h_conv,
    "Linear": _h_linear, "BatchNorm1d": _h_batchnorm, "BatchNorm2d": _h_batchnorm,
    "ReLU": _h_act("relu"), "Sigmoid": _h_act("sigmoid"), "Tanh": _h_act("tanh"),
    "LeakyReLU": _h_act("leaky_relu", lambda m: {"negative_slope": float(m.negative_slope)}),
    "ELU": _h_act("elu", lambda m: {"alpha": float(m.alpha)}),
    "GELU": _h_act("gelu", lambda m: {"approximate": getattr(m, "approximate", "none")}),
    "Dropout": _h_drop, "Dropout1d": _h_drop, "Dropout2d": _h_drop, "AlphaDropout": _h_drop,
    "Identity": _h_drop, "Flatten": _h_flatten_module, "Unflatten": _h_reshape_to_value,
    "MaxPool1d": _h_pool_module, "MaxPool2d": _h_pool_module,
    "AvgPool1d": _h_pool_module, "AvgPool2d": _h_pool_module,
    "AdaptiveAvgPool1d": _h_adaptive_module, "AdaptiveAvgPool2d": _h_adaptive_module,
    "Upsample": _h_upsample_module, "UpsamplingNearest2d": _h_upsample_module,
    "UpsamplingBilinear2d": _h_upsample_module, "Softmax": _h_softmax_module,
}


# ---- function / method handlers (methods keyed ".name": self is args[0])
def _call(ex, n, names, defaults):
    return _bind(n.args, n.kwargs, names, defaults)


def _f_unary(op, names=("input",), defaults=None, attrs=None):
    def h(ex, n):
        p = _call(ex, n, names, defaults or {})
        a = attrs(ex, p) if attrs else None
        ex.emit(n, op, [p[names[0]]], a=a)
    return h


def _f_add(ex, n):
    p = _call(ex, n, ("input", "other", "alpha"), {"alpha": 1})
    fx = ex.torch.fx
    x, y = p["input"], p["other"]
    if p["alpha"] != 1 or not all(isinstance(t, fx.Node) and ex.is_tensor(t) for t in (x, y)):
        raise UnsupportedError("add of a constant or with alpha (only tensor + tensor)")
    if ex.shape(x) != ex.shape(y):
        raise UnsupportedError("add with broadcasting %s + %s" % (ex.shape(x), ex.shape(y)))
    ex.emit(n, "add", [x, y])


def _f_cat(ex, n):
    p = _call(ex, n, ("tensors", "dim"), {"dim": 0})
    ex.emit(n, "cat", list(p["tensors"]), a={"dim": int(ex.const(p["dim"]))})


def _f_flatten(ex, n):
    p = _call(ex, n, ("input", "start_dim", "end_dim"), {"start_dim": 0, "end_dim": -1})
    ex.emit(n, "flatten", [p["input"]], a={"start_dim": int(ex.const(p["start_dim"])),
                                           "end_dim": int(ex.const(p["end_dim"]))})


def _f_softmax(ex, n):
    p = _call(ex, n, ("input", "dim", "_stacklevel", "dtype"), {"dim": None, "_stacklevel": 3, "dtype": None})
    if p["dim"] is None or p["dtype"] is not None:
        raise UnsupportedError("softmax without dim or with dtype")
    ex.emit(n, "softmax", [p["input"]], a={"dim": int(ex.const(p["dim"]))})


def _f_argmax(ex, n):
    p = _call(ex, n, ("input", "dim", "keepdim"), {"dim": None, "keepdim": False})
    if p["dim"] is None:
        raise UnsupportedError("argmax without dim")
    ex.emit(n, "argmax", [p["input"]], a={"dim": int(ex.const(p["dim"])), "keepdim": bool(p["keepdim"])})


def _f_pool(kind, nd):
    names = ("input", "kernel_size", "stride", "padding") + (
        ("dilation", "ceil_mode", "return_indices") if kind == "max"
        else ("ceil_mode", "count_include_pad") + (("divisor_override",) if nd == 2 else ()))
    defaults = {"stride": None, "padding": 0, "dilation": 1, "ceil_mode": False, "return_indices": False,
                "count_include_pad": True, "divisor_override": None}

    def h(ex, n):
        p = _call(ex, n, names, {k: v for k, v in defaults.items() if k in names})
        p = {k: ex.const(v) if k != "input" else v for k, v in p.items()}
        a = _pool_attrs(ex, kind, nd, dict(defaults, **p), "%s_pool%dd" % (kind, nd))
        ex.emit(n, "%s_pool%dd" % (kind, nd), [p["input"]], a=a)
    return h


def _f_adaptive(nd):
    def h(ex, n):
        p = _call(ex, n, ("input", "output_size"), {})
        _adaptive(ex, n, p["input"], ex.const(p["output_size"]), nd)
    return h


def _f_interpolate(ex, n):
    p = _call(ex, n, ("input", "size", "scale_factor", "mode", "align_corners", "recompute_scale_factor",
                      "antialias"), {"size": None, "scale_factor": None, "mode": "nearest",
                                     "align_corners": None, "recompute_scale_factor": None,
                                     "antialias": False})
    _upsample(ex, n, p["input"], ex.const(p["size"]), ex.const(p["scale_factor"]), p["mode"],
              p["align_corners"], p["recompute_scale_factor"], p["antialias"])


def _f_dropout(ex, n):
    p = _call(ex, n, ("input", "p", "training", "inplace"), {"p": 0.5, "training": True, "inplace": False})
    if ex.const(p["training"]):  # F.dropout's default: active even in eval mode
        raise UnsupportedError("functional dropout with training=True (pass training=self.training)")
    ex.alias[n] = ex.name(p["input"])


def _register_functions():
    torch = _torch()
    F = torch.nn.functional
    act = {"relu": [F.relu, torch.relu, ".relu"], "sigmoid": [torch.sigmoid, F.sigmoid, ".sigmoid"],
           "tanh": [torch.tanh, F.tanh, ".tanh"]}
    h = {}
    for op, keys in act.items():
        for k in keys:
            h[k] = _f_unary(op, ("input", "inplace"), {"inplace": False}) if k is F.relu \
                else _f_unary(op)
    h[F.leaky_relu] = _f_unary("leaky_relu", ("input", "negative_slope", "inplace"),
                               {"negative_slope": 0.01, "inplace": False},
                               lambda ex, p: {"negative_slope": float(ex.const(p["negative_slope"]))})
    h[F.elu] = _f_unary("elu", ("input", "alpha", "inplace"), {"alpha": 1.0, "inplace": False},
                        lambda ex, p: {"alpha": float(ex.const(p["alpha"]))})
    h[F.gelu] = _f_unary("gelu", ("input", "approximate"), {"approximate": "none"},
                         lambda ex, p: {"approximate": ex.const(p["approximate"])})
    for k in (operator.add, torch.add, ".add"):
        h[k] = _f_add
    for k in (torch.cat, torch.concat):
        h[k] = _f_cat
    for k in (torch.flatten, ".flatten"):
        h[k] = _f_flatten
    for k in (torch.reshape, ".reshape", ".view", torch.squeeze, ".squeeze", torch.unsqueeze,
              ".unsqueeze"):
        h[k] = _h_reshape_to_value
    for k in (F.softmax, torch.softmax, ".softmax"):
        h[k] = _f_softmax
    for k in (torch.argmax, ".argmax"):
        h[k] = _f_argmax
    h[F.max_pool1d] = _f_pool("max", 1)
    h[F.max_pool2d] = _f_pool("max", 2)
    h[F.avg_pool1d] = _f_pool("avg", 1)
    h[F.avg_pool2d] = _f_pool("avg", 2)
    h[F.adaptive_avg_pool1d] = _f_adaptive(1)
    h[F.adaptive_avg_pool2d] = _f_adaptive(2)
    h[F.interpolate] = _f_interpolate
    for k in (F.dropout, F.dropout1d, F.dropout2d, F.alpha_dropout):
        h[k] = _f_dropout
    return h


class _FuncTable(dict):
    """Built on first use so that importing this file does not import torch."""

    def get(self, key, default=None):
        if not self:
            self.update(_register_functions())
        return dict.get(self, key, default)


_FUNC_HANDLERS = _FuncTable()


def _example_tuple(example_input):
    torch = _torch()
    if isinstance(example_input, torch.Tensor):
        return (example_input,)
    return tuple(example_input)


def build_graph(model, example_input):
    """(graph dict, weights name -> float32 numpy) for a module in eval mode."""
    was_training = model.training
    model.eval()
    try:
        ex = _Exporter(model, _example_tuple(example_input))
        graph = ex.run()
    finally:
        model.train(was_training)
    used = {t for g in graph["nodes"] for t in g.get("w", {}).values()}
    weights = {k: v for k, v in ex.weights.items() if k in used}
    return graph, weights


def file_metadata(graph, metadata=None):
    torch = _torch()
    meta = {"producer": "avloc_export.py", "torch_version": str(torch.__version__)}
    for k, v in (metadata or {}).items():
        if k in ("format", "version", "graph"):
            raise ValueError("metadata key %r is reserved" % k)
        meta[str(k)] = str(v)
    meta.update({"format": "avloc-nn", "version": FORMAT_VERSION, "graph": _json_compact(graph)})
    return meta


def export(model, example_input, path, metadata=None, verify=False, tol=1e-4):
    """Trace `model`, write the one-file network to `path`, return the graph.
    example_input: a tensor or a tuple of tensors (batch 1, float32).
    metadata: extra str -> str pairs for __metadata__. verify: also run the
    written file with the numpy interpreter and compare with the module
    (raises AssertionError beyond `tol` relative to the output scale)."""
    graph, weights = build_graph(model, example_input)
    st_write(path, weights, file_metadata(graph, metadata))
    if verify:
        errs = verify_file(model, example_input, path)
        bad = [e for e in errs if e > tol]
        if bad:
            raise AssertionError("verify %s: relative errors %s > %g" % (path, errs, tol))
    return graph


def torch_outputs(model, example_input):
    """The module's outputs in eval mode as a flat list of float64 numpy arrays."""
    torch = _torch()
    was = model.training
    model.eval()
    try:
        with torch.no_grad():
            out = model(*_example_tuple(example_input))
    finally:
        model.train(was)
    flat = []

    def walk(o):
        if isinstance(o, (tuple, list)):
            for x in o:
                walk(x)
        else:
            flat.append(o.detach().double().numpy())
    walk(out)
    return flat


def rel_error(got, ref):
    """max |got - ref| / max(max |ref|, 1e-30): the error relative to the output scale."""
    got, ref = np.asarray(got, np.float64), np.asarray(ref, np.float64)
    if got.shape != ref.shape:
        return float("inf")
    if got.size == 0:
        return 0.0
    return float(np.max(np.abs(got - ref)) / max(float(np.max(np.abs(ref))), 1e-30))


def verify_file(model, example_input, path):
    """Relative error of each output: the file run by the numpy interpreter vs torch."""
    ref = torch_outputs(model, example_input)
    got = run_file(path, [x.detach().numpy() for x in _example_tuple(example_input)])
    if len(got) != len(ref):
        return [float("inf")]
    return [rel_error(g, r) for g, r in zip(got, ref)]


# ====================================================================== numpy interpreter
# Plain numpy, float64 inside, written from docs/nn_format.md and PyTorch's
# documented formulas; one small function per op. Slow on purpose: obvious.
def load_file(path):
    """(graph dict, weights dict) of an avloc network file; checks the metadata."""
    tensors, meta = st_read(path)
    if not meta or meta.get("format") != "avloc-nn" or meta.get("version") != FORMAT_VERSION:
        raise ValueError("%s: not an avloc-nn version %s file" % (path, FORMAT_VERSION))
    return json.loads(meta["graph"]), tensors


def run_file(path, inputs):
    graph, weights = load_file(path)
    return run_graph(graph, weights, inputs)


def run_graph(graph, weights, inputs):
    """Outputs (list of float32 arrays, in graph output order) for inputs in graph input order."""
    env = {}
    if len(inputs) != len(graph["inputs"]):
        raise ValueError("graph takes %d inputs, got %d" % (len(graph["inputs"]), len(inputs)))
    for spec, x in zip(graph["inputs"], inputs):
        x = np.asarray(x, np.float64)
        if list(x.shape) != list(spec["shape"]):
            raise ValueError("input %s: shape %s, graph says %s" % (spec["name"], list(x.shape), spec["shape"]))
        env[spec["name"]] = x
    used = set()
    for node in graph["nodes"]:
        fn = OPS.get(node["op"])
        if fn is None:
            raise ValueError("node %s: unknown op %r" % (node["name"], node["op"]))
        missing = [i for i in node["in"] if i not in env]
        if missing:
            raise ValueError("node %s: undefined input %s" % (node["name"], missing))
        w = {}
        for role, t in node.get("w", {}).items():
            w[role] = np.asarray(weights[t], np.float64)
            used.add(t)
        outs = fn([env[i] for i in node["in"]], w, node.get("a", {}))
        outs = outs if isinstance(outs, tuple) else (outs,)
        if len(outs) != len(node["out"]):
            raise ValueError("node %s: %d outputs, graph names %d" % (node["name"], len(outs), len(node["out"])))
        for name, val in zip(node["out"], outs):
            if name in env:
                raise ValueError("node %s: duplicate name %s" % (node["name"], name))
            env[name] = val
    extra = set(weights) - used
    if extra:
        raise ValueError("tensors no node uses: %s" % sorted(extra))
    return [env[o].astype(np.float32) for o in graph["outputs"]]


def _conv2d(x, wt, b, a):
    n, c, h, wd = x.shape
    co, cig, kh, kw = wt.shape
    (sh, sw), (ph, pw), (dh, dw), groups = a["stride"], a["padding"], a["dilation"], a["groups"]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, co, oh, ow))
    cog = co // groups
    for g in range(groups):
        xg = xp[:, g * cig:(g + 1) * cig]
        for i in range(kh):
            for j in range(kw):
                patch = xg[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw]
                out[:, g * cog:(g + 1) * cog] += np.einsum("nchw,oc->nohw", patch, wt[g * cog:(g + 1) * cog, :, i, j])
    if b is not None:
        out += b[None, :, None, None]
    return out


def _conv_transpose2d(x, wt, b, a):
    """Scatter form: input pixel (i, j) adds w * x at (i*s - p + k*d)."""
    n, ci, h, wd = x.shape
    _, cog, kh, kw = wt.shape
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = a["stride"], a["padding"], a["output_padding"], a["dilation"]
    groups = a["groups"]
    cig, co = ci // groups, cog * groups
    oh = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1
    ow = (wd - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1
    full = np.zeros((n, co, (h - 1) * sh + dh * (kh - 1) + 1 + oph, (wd - 1) * sw + dw * (kw - 1) + 1 + opw))
    for g in range(groups):
        xg = x[:, g * cig:(g + 1) * cig]
        for i in range(kh):
            for j in range(kw):
                full[:, g * cog:(g + 1) * cog, i * dh:i * dh + (h - 1) * sh + 1:sh, j * dw:j * dw + (wd - 1) * sw + 1:sw] += \
                    np.einsum("nchw,co->nohw", xg, wt[g * cig:(g + 1) * cig, :, i, j])
    out = full[:, :, ph:ph + oh, pw:pw + ow]
    if b is not None:
        out = out + b[None, :, None, None]
    return out


def _lift(v, one):
    """A 1-D attribute list as the 2-D one (height first, neutral value `one`)."""
    return [one] + list(v) if len(v) == 1 else list(v)


def _conv_op(kernel2d):
    """A conv op from its 2-D kernel; 1-D data runs as height 1 with neutral height attributes."""
    def op(xs, w, a):
        x, wt = xs[0], w["weight"]
        one_d = x.ndim == 3
        if one_d:
            x, wt = x[:, :, None, :], wt[:, :, None, :]
        a2 = {k: _lift(v, 0 if k.endswith("padding") else 1) if isinstance(v, list) else v for k, v in a.items()}
        y = kernel2d(x, wt, w.get("bias"), a2)
        return y[:, :, 0, :] if one_d else y
    return op


def op_linear(xs, w, a):
    y = xs[0] @ w["weight"].T
    return y + w["bias"] if "bias" in w else y


def _channel(v, ndim):
    return v.reshape((1, -1) + (1,) * (ndim - 2))


def op_batch_norm(xs, w, a):
    x = xs[0]
    inv = 1.0 / np.sqrt(w["running_var"] + a["eps"])
    return (x - _channel(w["running_mean"], x.ndim)) * _channel(inv * w["weight"], x.ndim) + _channel(w["bias"], x.ndim)


def _erf(x):
    return np.vectorize(math.erf)(x) if x.size else x


def op_gelu(xs, w, a):
    x = xs[0]
    if a["approximate"] == "tanh":
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
    return 0.5 * x * (1 + _erf(x / math.sqrt(2)))


def _pool_out(L, k, s, p, d, ceil):
    """PyTorch's pooling output length (a window must start inside input or left padding)."""
    num = L + 2 * p - d * (k - 1) - 1
    out = (num + (s - 1 if ceil else 0)) // s + 1
    if ceil and (out - 1) * s >= L + p:
        out -= 1
    return out


def _pool_nd(x, nd, window_fn):
    """Apply window_fn(block, per-dim output index) over every output position of the last nd dims."""
    sizes = x.shape[-nd:]
    idx = [window_fn.indices(i, sizes[i]) for i in range(nd)]
    out = np.zeros(x.shape[:-nd] + tuple(len(ix) for ix in idx))
    for pos in np.ndindex(*[len(ix) for ix in idx]):
        sel = x
        for dim, (i, ix) in enumerate(zip(pos, idx)):
            sel = np.take(sel, ix[i][0], axis=x.ndim - nd + dim)
        out[(Ellipsis,) + pos] = window_fn.reduce(sel, [ix[i] for i, ix in zip(pos, idx)])
    return out


class _MaxWindows:
    def __init__(self, a):
        self.a = a

    def indices(self, dim, L):
        a = self.a
        k, s, p, d = a["kernel_size"][dim], a["stride"][dim], a["padding"][dim], a["dilation"][dim]
        res = []
        for o in range(_pool_out(L, k, s, p, d, a["ceil_mode"])):
            taps = [o * s - p + j * d for j in range(k)]
            res.append(([t for t in taps if 0 <= t < L], None))
        return res

    def reduce(self, sel, info):
        nd = len(info)
        # a window wholly in the padding (possible with dilation) is -inf, as in PyTorch
        return sel.max(axis=tuple(range(sel.ndim - nd, sel.ndim)), initial=-np.inf)


class _AvgWindows:
    def __init__(self, a):
        self.a = a

    def indices(self, dim, L):
        a = self.a
        k, s, p = a["kernel_size"][dim], a["stride"][dim], a["padding"][dim]
        res = []
        for o in range(_pool_out(L, k, s, p, 1, a["ceil_mode"])):
            start = o * s - p
            end = min(start + k, L + p)
            size_with_pad = end - start
            start, end = max(start, 0), min(end, L)
            res.append((list(range(start, end)), size_with_pad if a["count_include_pad"] else end - start))
        return res

    def reduce(self, sel, info):
        nd = len(info)
        return sel.sum(axis=tuple(range(sel.ndim - nd, sel.ndim))) / math.prod(i[1] for i in info)


class _AdaptiveWindows:
    def __init__(self, a):
        self.a = a

    def indices(self, dim, L):
        o_n = self.a["output_size"][dim]
        return [(list(range((o * L) // o_n, -(-((o + 1) * L) // o_n))), None) for o in range(o_n)]

    def reduce(self, sel, info):
        nd = len(info)
        return sel.mean(axis=tuple(range(sel.ndim - nd, sel.ndim)))


def _pool(windows, nd):
    return lambda xs, w, a: _pool_nd(xs[0], nd, windows(a))


def _upsample_axis(x, axis, out_len, mode, align_corners, scale_factor):
    L = x.shape[axis]
    dst = np.arange(out_len)
    if mode == "nearest":
        # PyTorch computes this index in float32: scale = 1/scale_factor
        # (rounded to float) when a scale factor is given, else in/out.
        if out_len == L:
            src = dst
        elif out_len == 2 * L:
            src = dst >> 1
        else:
            scale = np.float32(1.0 / scale_factor) if scale_factor else np.float32(L) / np.float32(out_len)
            src = np.minimum(np.floor(dst.astype(np.float32) * scale).astype(np.int64), L - 1)
        return np.take(x, src, axis=axis)
    if align_corners:
        scale = (L - 1) / (out_len - 1) if out_len > 1 else 0.0
        src = scale * dst
    else:
        scale = 1.0 / scale_factor if scale_factor else L / out_len
        src = np.maximum(scale * (dst + 0.5) - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), L - 1)
    i1 = np.minimum(i0 + 1, L - 1)
    l1 = src - i0
    shape = [1] * x.ndim
    shape[axis] = out_len
    l1 = l1.reshape(shape)
    return np.take(x, i0, axis=axis) * (1 - l1) + np.take(x, i1, axis=axis) * l1


def op_upsample(xs, w, a):
    x = xs[0]
    nd = x.ndim - 2
    for i in range(nd):
        axis = 2 + i
        sf = a["scale_factor"][i] if "scale_factor" in a else None
        out_len = a["size"][i] if "size" in a else int(math.floor(x.shape[axis] * sf))
        x = _upsample_axis(x, axis, out_len, a["mode"], a.get("align_corners", False), sf)
    return x


def op_flatten(xs, w, a):
    x = xs[0]
    s, e = a["start_dim"] % x.ndim, a["end_dim"] % x.ndim
    return x.reshape(x.shape[:s] + (-1,) + x.shape[e + 1:])


def op_softmax(xs, w, a):
    x = xs[0]
    e = np.exp(x - x.max(axis=a["dim"], keepdims=True))
    return e / e.sum(axis=a["dim"], keepdims=True)


def op_argmax(xs, w, a):
    idx = np.argmax(xs[0], axis=a["dim"])
    return np.expand_dims(idx, a["dim"]).astype(np.float64) if a["keepdim"] else idx.astype(np.float64)


def op_vq(xs, w, a):
    z, cb = xs[0], w["codebook"]
    n, d, h, wd = z.shape
    flat = z.transpose(0, 2, 3, 1).reshape(-1, d)
    dist = ((flat[:, None, :] - cb[None, :, :]) ** 2).sum(-1)
    idx = np.argmin(dist, axis=1)  # first index on ties
    q = cb[idx].reshape(n, h, wd, d).transpose(0, 3, 1, 2)
    return q, idx.reshape(n, h, wd).astype(np.float64)


OPS = {
    "conv1d": _conv_op(_conv2d), "conv2d": _conv_op(_conv2d),
    "conv_transpose1d": _conv_op(_conv_transpose2d), "conv_transpose2d": _conv_op(_conv_transpose2d),
    "linear": op_linear, "batch_norm": op_batch_norm,
    "relu": lambda xs, w, a: np.maximum(xs[0], 0.0),
    "sigmoid": lambda xs, w, a: 1.0 / (1.0 + np.exp(-xs[0])),
    "tanh": lambda xs, w, a: np.tanh(xs[0]),
    "leaky_relu": lambda xs, w, a: np.where(xs[0] >= 0, xs[0], xs[0] * a["negative_slope"]),
    "elu": lambda xs, w, a: np.where(xs[0] > 0, xs[0], a["alpha"] * np.expm1(np.minimum(xs[0], 0))),
    "gelu": op_gelu,
    "add": lambda xs, w, a: xs[0] + xs[1],
    "cat": lambda xs, w, a: np.concatenate(xs, axis=a["dim"]),
    "max_pool1d": _pool(_MaxWindows, 1), "max_pool2d": _pool(_MaxWindows, 2),
    "avg_pool1d": _pool(_AvgWindows, 1), "avg_pool2d": _pool(_AvgWindows, 2),
    "adaptive_avg_pool1d": _pool(_AdaptiveWindows, 1), "adaptive_avg_pool2d": _pool(_AdaptiveWindows, 2),
    "upsample": op_upsample, "flatten": op_flatten,
    "reshape": lambda xs, w, a: xs[0].reshape(a["shape"]),
    "softmax": op_softmax, "argmax": op_argmax, "vq": op_vq,
    "reparam": lambda xs, w, a: xs[0],
}


# ====================================================================== command line
def load_module_spec(spec, kwargs=None):
    """'path/to/file.py:Name' or 'package.module:Name' -> Name(**kwargs)."""
    where, _, attr = spec.rpartition(":")
    if not where or not attr:
        raise ValueError("--model wants FILE.py:NAME or MODULE:NAME, got %r" % spec)
    if where.endswith(".py"):
        sys.path.insert(0, os.path.dirname(os.path.abspath(where)))
        s = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(where))[0], where)
        mod = importlib.util.module_from_spec(s)
        sys.modules[s.name] = mod
        s.loader.exec_module(mod)
    else:
        mod = importlib.import_module(where)
    return getattr(mod, attr)(**(kwargs or {}))


def describe_file(path):
    graph, weights = load_file(path)
    lines = ["%s: avloc-nn version %s" % (path, FORMAT_VERSION)]
    for i in graph["inputs"]:
        lines.append("  input  %s %s" % (i["name"], i["shape"]))
    for g in graph["nodes"]:
        w = " ".join("%s=%s%s" % (r, t, list(np.shape(weights[t]))) for r, t in g.get("w", {}).items())
        lines.append("  %-18s %-24s %s -> %s %s %s" % (g["op"], g["name"], ",".join(g["in"]), ",".join(g["out"]),
                                                      _json_compact(g.get("a", {})) if g.get("a") else "", w))
    lines.append("  outputs %s" % graph["outputs"])
    nbytes = sum(np.asarray(v).nbytes for v in weights.values())
    lines.append("  %d nodes, %d weight tensors, %d weight bytes" % (len(graph["nodes"]), len(weights), nbytes))
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Export a torch.nn.Module to the avloc network file (docs/nn_format.md), "
                    "inspect one, or run one with the numpy reference interpreter.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  avloc_export.py --model tools/nn_models.py:VQVAE --kwargs '{\"ch\": [16, 32]}' \\\n"
               "      --input-shape 1,1,32,32 -o vqvae.safetensors --verify\n"
               "  avloc_export.py --info vqvae.safetensors\n"
               "  avloc_export.py --run vqvae.safetensors --input x.npy -o y.npy\n"
               "The module is built with NAME(**kwargs); weights come from --weights (a\n"
               "state_dict saved with torch.save) or stay at the seeded random init.")
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--model", metavar="FILE.py:NAME", help="module class or factory to export")
    mode.add_argument("--info", metavar="FILE", help="print the graph and weight sizes of a file")
    mode.add_argument("--run", metavar="FILE", help="run a file with the numpy interpreter")
    ap.add_argument("--kwargs", default="{}", help="JSON object of constructor arguments")
    ap.add_argument("--input-shape", action="append", default=[], metavar="1,C,H,W",
                    help="shape of each forward() input, in order (repeat)")
    ap.add_argument("--weights", help="state_dict file (torch.save) to load before export")
    ap.add_argument("--seed", type=int, default=0, help="seed of the random init and example inputs")
    ap.add_argument("--meta", action="append", default=[], metavar="KEY=VALUE",
                    help="extra __metadata__ entry (repeat)")
    ap.add_argument("--verify", action="store_true",
                    help="run the written file with the numpy interpreter and compare with torch")
    ap.add_argument("--input", action="append", default=[], metavar="X.npy", help="--run: inputs in order")
    ap.add_argument("--output", help="--run: name of the graph output to save (default: the first)")
    ap.add_argument("-o", "--out", help="output file (.safetensors for --model, .npy for --run)")
    args = ap.parse_args(argv)

    if args.info:
        print(describe_file(args.info))
        return 0
    if args.run:
        graph, weights = load_file(args.run)
        outs = run_graph(graph, weights, [np.load(p) for p in args.input])
        k = graph["outputs"].index(args.output) if args.output else 0
        if not args.out:
            ap.error("--run needs -o OUT.npy")
        np.save(args.out, outs[k])
        return 0
    if not args.out or not args.input_shape:
        ap.error("--model needs --input-shape and -o")
    torch = _torch()
    torch.manual_seed(args.seed)
    model = load_module_spec(args.model, json.loads(args.kwargs))
    if args.weights:
        model.load_state_dict(torch.load(args.weights, map_location="cpu"))
    inputs = tuple(torch.randn(*[int(s) for s in sh.split(",")]) for sh in args.input_shape)
    meta = dict(kv.split("=", 1) for kv in args.meta)
    try:
        graph = export(model, inputs, args.out, meta)
    except UnsupportedError as e:
        print("avloc_export: %s" % e, file=sys.stderr)
        return 2
    print("wrote %s: %d nodes, %d weight tensors" % (args.out, len(graph["nodes"]),
                                                      len({t for g in graph["nodes"] for t in g.get("w", {}).values()})))
    if args.verify:
        errs = verify_file(model, inputs, args.out)
        print("verify: max abs error relative to output scale, per output: %s"
              % ", ".join("%.2e" % e for e in errs))
        if any(not e <= 1e-4 for e in errs):
            print("avloc_export: verification FAILED (> 1e-4)", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    # One copy of this module (and of Reparam / VectorQuantizer) whether models
    # import it as `avloc_export` or not.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import avloc_export
    sys.exit(avloc_export.main())
