"""The command line every tools/gen_goldens_*.py shares: write the goldens,
or --check them (regenerate into a temporary folder and compare with the
committed files, exit status 1 on any difference).

    import golden_check
    def write_all(folder): ...              # writes every golden file there
    if __name__ == "__main__":
        sys.exit(golden_check.main("fft", write_all, GOLDEN,
                                   golden_check.npy_close(1e-12, 1e-12)))

Usage of such a script: gen_goldens_X.py [--check] [--out DIR]
  --check     regenerate into a temporary folder and compare with DIR
  --out DIR   the committed goldens' folder (default: the script's own)
A committed file whose name starts with `prefix` that the generator no
longer writes also counts as a difference (a stale golden).
"""
import os
import sys
import tempfile


def npy_close(rtol, atol, scaled=False):
    """Compare .npy files: same shape and dtype, numpy.allclose(new, old);
    scaled: atol is relative to the committed array's largest magnitude."""
    def same(new_path, old_path):
        import numpy as np
        new, old = np.load(new_path), np.load(old_path)
        if new.shape != old.shape or new.dtype != old.dtype:
            return False
        tol = atol
        if scaled and old.size:
            tol = atol * max(float(np.max(np.abs(old))), 1e-30)
        return bool(np.allclose(new, old, rtol=rtol, atol=tol))
    return same


def _safetensors(path):
    """(metadata, {name: (dtype, shape, numpy array)}) of a safetensors file."""
    import json
    import struct
    import numpy as np
    kinds = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32,
             "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_}
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    head = json.loads(blob[8:8 + n].decode("utf-8"))
    meta = head.pop("__metadata__", None)
    out = {}
    for name, t in head.items():
        b, e = t["data_offsets"]
        arr = np.frombuffer(blob[8 + n + b:8 + n + e], dtype=kinds.get(t["dtype"], np.uint8))
        out[name] = (t["dtype"], tuple(t["shape"]), arr)
    return meta, out


def safetensors_close(rtol, atol):
    """Compare safetensors files: the same metadata, tensor names, dtypes and
    shapes; integer tensors equal; float tensors numpy.allclose with atol
    relative to the committed tensor's largest magnitude (torch's CPU kernels
    round differently on another CPU: seen on an Intel AVX-512 machine,
    2026-12-02, where the byte comparison failed for every network golden)."""
    def same(new_path, old_path):
        import numpy as np
        if not old_path.endswith(".safetensors"):
            return same_bytes(new_path, old_path)
        try:
            mn, tn = _safetensors(new_path)
            mo, to = _safetensors(old_path)
        except (ValueError, KeyError, UnicodeDecodeError):
            return False
        if mn != mo or sorted(tn) != sorted(to):
            return False
        for name, (dt, shape, a) in to.items():
            dn, sn, b = tn[name]
            if dn != dt or sn != shape or a.shape != b.shape:
                return False
            if a.dtype.kind == "f":
                x, y = a.astype(np.float64), b.astype(np.float64)
                tol = atol * max(float(np.max(np.abs(x))) if x.size else 0.0, 1e-30)
                if not np.allclose(y, x, rtol=rtol, atol=tol):
                    return False
            elif not np.array_equal(a, b):
                return False
        return True
    return same


def same_bytes(new_path, old_path):
    """Compare files byte for byte (formats with no rounding to allow)."""
    with open(new_path, "rb") as a, open(old_path, "rb") as b:
        return a.read() == b.read()


def check(name, write_all, folder, same, prefix=None):
    """Regenerate into a temporary folder, compare with `folder`; returns
    the number of differences (missing, stale or unequal files)."""
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        write_all(tmp)
        fresh = sorted(os.listdir(tmp))
        for f in fresh:
            path = os.path.join(folder, f)
            if not os.path.exists(path):
                print("missing: %s" % path)
                bad += 1
            elif not same(os.path.join(tmp, f), path):
                print("mismatch: %s" % path)
                bad += 1
        if prefix is not None:
            for f in sorted(set(os.listdir(folder)) - set(fresh)):
                if f.startswith(prefix):
                    print("stale (no longer generated): %s" % os.path.join(folder, f))
                    bad += 1
    print("%s goldens: %s" % (name, "OK (%d files)" % len(fresh) if bad == 0 else "%d differ" % bad))
    return bad


def main(name, write_all, folder, same, prefix=None, argv=None):
    """Parse [--check] [--out DIR]; write or check. Returns the exit status."""
    args = sys.argv[1:] if argv is None else argv
    if "--out" in args:
        folder = args[args.index("--out") + 1]
    if "--check" in args:
        return 1 if check(name, write_all, folder, same, prefix) else 0
    os.makedirs(folder, exist_ok=True)
    write_all(folder)
    print("wrote %s goldens to %s" % (name, os.path.normpath(folder)))
    return 0
