#!/usr/bin/env python3
"""End-to-end check of `avloc nn run` / `avloc nn info` on every golden network
(tests/golden/nn): inputs written as .npy, every graph output requested with
--output, compared with torch's values stored in NAME_io.safetensors.

    /usr/bin/python3 tools/check_nn_cli.py [path/to/avloc]
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "tests", "golden", "nn")


def read_st(path):
    b = open(path, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    h = json.loads(b[8:8 + n])
    d = b[8 + n:]
    meta = h.pop("__metadata__", {})
    t = {k: np.frombuffer(d[v["data_offsets"][0]:v["data_offsets"][1]], "<f4").reshape(v["shape"]) for k, v in h.items()}
    return t, meta


def check_batch(avloc, model, graph, io, tmp):
    """A batch of 2 (the golden sample twice) gives the golden outputs stacked;
    an output without a batch dimension and a ragged batch are refused."""
    args = [avloc, "nn", "run", "--model", model]
    for k in range(len(graph["inputs"])):
        p = os.path.join(tmp, "b%d.npy" % k)
        np.save(p, np.concatenate([io["in%d" % k]] * 2))
        args += ["--input", p]
    bad = 0
    for k, name in enumerate(graph["outputs"]):
        out = os.path.join(tmp, "bout.npy")
        ref = io["out%d" % k]
        r = subprocess.run(args + ["-o", out, "--output", name], capture_output=True, text=True)
        if ref.shape[0] != 1:  # no batch dimension to stack along
            if r.returncode == 0 or "no batch dimension" not in r.stderr:
                print("MISMATCH batch: %s output %s (shape %s) was not refused" % (model, name, ref.shape))
                bad += 1
            continue
        y = np.load(out) if r.returncode == 0 else None
        if y is None or y.shape != (2,) + ref.shape[1:] or not np.array_equal(y[0], y[1]) or \
                not np.abs(y[0] - ref[0]).max() <= 1e-4 * max(np.abs(ref).max(), 1e-6):
            print("MISMATCH batch of 2: %s output %s: %s" % (model, name, r.stderr.strip() or (y.shape if y is not None else "")))
            bad += 1
    if len(graph["inputs"]) > 1:  # ragged: the second input's batch differs
        np.save(os.path.join(tmp, "b1.npy"), np.concatenate([io["in1"]] * 3))
        r = subprocess.run(args + ["-o", os.path.join(tmp, "bout.npy")], capture_output=True, text=True)
        if r.returncode == 0 or "the batch is 2" not in r.stderr:
            print("MISMATCH batch: %s with a ragged batch was not refused" % model)
            bad += 1
    return bad


def main():
    avloc = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "build", "avloc")
    cases = open(os.path.join(GOLDEN, "cases.txt")).read().split()
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for c in cases:
            model = os.path.join(GOLDEN, c + ".safetensors")
            io, _ = read_st(os.path.join(GOLDEN, c + "_io.safetensors"))
            graph = json.loads(read_st(model)[1]["graph"])
            subprocess.run([avloc, "nn", "info", model], check=True, capture_output=True)
            args = [avloc, "nn", "run", "--model", model]
            for k in range(len(graph["inputs"])):
                p = os.path.join(tmp, "in%d.npy" % k)
                np.save(p, io["in%d" % k])
                args += ["--input", p]
            for k, name in enumerate(graph["outputs"]):
                out = os.path.join(tmp, "out.npy")
                subprocess.run(args + ["-o", out, "--output", name], check=True)
                y, ref = np.load(out), io["out%d" % k]
                err = np.abs(y - ref).max() / max(np.abs(ref).max(), 1e-6)
                if y.shape != ref.shape or y.dtype != np.float32 or not err <= 1e-4:
                    print("MISMATCH %s output %s: shape %s vs %s, err %g" % (c, name, y.shape, ref.shape, err))
                    bad += 1
            bad += check_batch(avloc, model, graph, io, tmp)
    print("check_nn_cli: %d networks (each also as a batch of 2), %d mismatches" % (len(cases), bad))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
