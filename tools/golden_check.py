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
