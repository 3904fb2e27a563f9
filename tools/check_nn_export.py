#!/usr/bin/env python3
"""The whole path PyTorch -> tools/avloc_export.py -> avloc_nn.h, end to end:
the papers' networks (tools/nn_models.py, small widths and the VQ-VAE at paper
widths) and seeded random compositions of the layers are exported, run by the
C runtime through `avloc nn run` (every output, with --output) and compared
with torch (max abs error <= 1e-4 of the output scale; vq indices exactly).

    /usr/bin/python3 tools/check_nn_export.py [path/to/avloc] [-v]
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import avloc_export as ae  # noqa: E402
import nn_models as M  # noqa: E402
from test_avloc_export import codebook_from  # noqa: E402

torch.set_num_threads(1)
VERBOSE = "-v" in sys.argv[1:]
ARGS = [a for a in sys.argv[1:] if a != "-v"]
AVLOC = ARGS[0] if ARGS else os.path.join(HERE, "..", "build", "avloc")
RESULTS = {"pass": 0, "fail": 0}


def run_c(path, inputs, tmp):
    graph = json.loads(ae.load_file(path)[0] and json.dumps(ae.load_file(path)[0]))
    args = [AVLOC, "nn", "run", "--model", path]
    for k, x in enumerate(inputs):
        p = os.path.join(tmp, "in%d.npy" % k)
        np.save(p, x.detach().numpy().astype(np.float32))
        args += ["--input", p]
    outs = []
    for name in graph["outputs"]:
        p = os.path.join(tmp, "out.npy")
        r = subprocess.run(args + ["-o", p, "--output", name], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(r.stderr.strip())
        outs.append(np.load(p))
    return outs


def check(what, model, inputs, tmp, run_inputs=None):
    """run_inputs: other-sized inputs to run the exported file on (re-planned by the CLI)."""
    path = os.path.join(tmp, "m.safetensors")
    torch.manual_seed(0)
    try:
        ae.export(model, inputs, path)
        if run_inputs is not None:
            inputs = run_inputs
        ref = ae.torch_outputs(model, inputs)
        got = run_c(path, inputs if isinstance(inputs, tuple) else (inputs,), tmp)
        errs = [ae.rel_error(g, r) for g, r in zip(got, ref)] if len(got) == len(ref) else [float("inf")]
        ok = all(e <= 1e-4 for e in errs)
        msg = "rel err %s" % ["%.1e" % e for e in errs]
    except Exception as e:  # a failure of this check
        ok, msg = False, "%s: %s" % (type(e).__name__, e)
    RESULTS["pass" if ok else "fail"] += 1
    if not ok or VERBOSE:
        print("%s %s: %s" % ("ok  " if ok else "FAIL", what, msg))


def main():
    rand = torch.randn
    with tempfile.TemporaryDirectory() as tmp:
        torch.manual_seed(1)
        cases = [
            ("U-VAE (mfcc 12x36x48 + frame 3x72x96)", M.UVAE(base=8, latent=8, vis_ch=8), (rand(1, 12, 36, 48), rand(1, 3, 72, 96))),
            ("U-VAE with 1 skip", M.UVAE(base=8, latent=8, vis_ch=8, skips=1), (rand(1, 12, 36, 48), rand(1, 3, 72, 96))),
            ("VQ-VAE, paper widths", M.VQVAE(), (rand(1, 1, 64, 64),)),
            ("VQ-VAE small, 3 downsamplings", M.VQVAE(ch=(8, 16), n_codes=16, code_dim=8, hidden=8, n_down=3), (rand(1, 1, 32, 32),)),
            ("VQ-VAE decoder alone", M.VQVAEDecoder(ch=(8, 16), code_dim=8, hidden=8), (rand(1, 8, 8, 8),)),
            ("audio net (ResNet-18 encoder)", M.AudioNet(n_ch=8, width=8, hidden=(32, 32), dec_ch=32, code_dim=16), (rand(1, 8, 64, 64),)),
        ]
        for what, m, x in cases:
            M.randomize_bn(m)
            if isinstance(m, M.VQVAE):
                codebook_from(m.vq, m.eval().encoder(x[0]))
            check(what, m, x, tmp)
        a2m = M.AudioToMap(M.randomize_bn(M.AudioNet(n_ch=4, width=8, hidden=(32, 32), dec_ch=32, code_dim=16)),
                           M.VQVAE(ch=(8, 16), n_codes=16, code_dim=16, hidden=8))
        x = rand(1, 4, 64, 64)
        codebook_from(a2m.vq, a2m.eval().audio(x))
        check("audio -> latent -> vq -> decoder", a2m, (x,), tmp)
        class Twice(torch.nn.Module):  # one tensor returned twice, one conv (weights) used twice
            def __init__(self):
                super().__init__()
                self.c = torch.nn.Conv2d(3, 3, 3, padding=1)

            def forward(self, x):
                y = torch.relu(self.c(torch.relu(self.c(x))))
                return y, y

        dec = M.randomize_bn(M.VQVAEDecoder(ch=(8, 16), code_dim=8, hidden=8))
        check("VQ-VAE decoder exported at 8x8, run at 6x10", dec, (rand(1, 8, 8, 8),), tmp, (rand(1, 8, 6, 10),))
        net = M.randomize_bn(M.AudioNet(n_ch=2, width=4, hidden=(8, 8), dec_ch=8, code_dim=4, latent_hw=(4, 4)))
        check("audio net exported at 32x32, run at 40x24", net, (rand(1, 2, 32, 32),), tmp, (rand(1, 2, 40, 24),))
        check("VQ-VAE decoder, a batch of 3 (avloc nn run: 3 runs, stacked)", dec, (rand(1, 8, 8, 8),), tmp, (rand(3, 8, 8, 8),))
        uv = M.randomize_bn(M.UVAE(base=8, latent=8, vis_ch=8))
        check("U-VAE, a batch of 2 on both inputs", uv, (rand(1, 12, 36, 48), rand(1, 3, 72, 96)), tmp,
              (rand(2, 12, 36, 48), rand(2, 3, 72, 96)))
        check("identity only (no nodes, output = input)", torch.nn.Sequential(torch.nn.Dropout(), torch.nn.Identity()), (rand(1, 2, 3, 4),), tmp)
        check("shared weights, output returned twice", Twice(), (rand(1, 3, 6, 5),), tmp)
        for seed in range(int(os.environ.get("AVLOC_NN_SEEDS", "40"))):
            shape = (1, 3, 13) if seed % 4 == 0 else (1, 4, 9, 11)
            m, x = M.random_net(seed, shape)
            check("random composition seed %d" % seed, m, x, tmp)
    print("check_nn_export: %d passed, %d failed" % (RESULTS["pass"], RESULTS["fail"]))
    return 1 if RESULTS["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
