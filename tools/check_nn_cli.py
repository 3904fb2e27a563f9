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
    print("check_nn_cli: %d networks, %d mismatches" % (len(cases), bad))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
