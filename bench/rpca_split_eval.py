#!/usr/bin/python3
"""Quality of `avloc rpca` on a training and a held-out scene set (issue 9).

    make build/avloc && make -C bench ../build/bench/rpca_eval
    /usr/bin/python3 bench/rpca_split_eval.py [--train 6] [--heldout 6] [--heldout-first 100]
                                              [--avloc build/avloc] [--tag NAME] [-- EXTRA CLI ARGS]

Scenes: tools/rpca_scenes.py `set` (64x64x300, two silent distractors, 0 dB; kind alternates
mouth/instrument by seed, interferer cycles drone/noise/speech), train seeds 0.., held-out
seeds 1000 + heldout-first.. (never used to choose parameters). Each scene gets the default
`avloc rpca VIDEO AUDIO` call (plus EXTRA args) and build/bench/rpca_eval's scores (F1 of the
mask, Lc of the map, BSS-eval v3 SDR and NSDR). Two scenes run at a time. One JSON line per
scene, then a markdown table with the means per split.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = "/usr/bin/python3"


def make_sets(a):
    gen = os.path.join(ROOT, "tools", "rpca_scenes.py")
    for split, count, first in (("train", a.train, 0), ("test", a.heldout, a.heldout_first)):
        if count and not glob.glob(os.path.join(a.out, "%s_*" % split)):
            subprocess.run([PY, gen, "set", "--out", a.out, "--split", split, "--count", str(count),
                            "--first", str(first)], check=True, capture_output=True)


def one(a, scene):
    out = os.path.join(scene, a.tag)
    os.makedirs(out, exist_ok=True)
    files = dict(mask=os.path.join(out, "mask.pgm"), map=os.path.join(out, "map.npy"),
                 audio=os.path.join(out, "target.wav"))
    p = subprocess.run([a.avloc, "rpca", os.path.join(scene, "video.y4m"), os.path.join(scene, "mixture.wav"),
                        "--mask-out", files["mask"], "--map-out", files["map"], "--audio-out", files["audio"]]
                       + a.extra, capture_output=True, text=True)
    with open(os.path.join(scene, "scene.json")) as f:
        meta = json.load(f)
    row = {"scene": meta["seed"], "split": meta["split"], "kind": meta["kind"], "interferer": meta["interferer"]}
    if p.returncode:
        row["error"] = p.stderr.strip()[-300:]
        return row
    row["seconds"] = json.loads(p.stdout.strip().splitlines()[-1]).get("seconds")
    q = subprocess.run([a.evaluator, scene, "--mask", files["mask"], "--map", files["map"], "--audio", files["audio"]],
                       capture_output=True, text=True)
    row.update({k: v for k, v in json.loads(q.stdout.strip().splitlines()[-1]).items()
                if k in ("f1", "lc", "sdr", "nsdr", "precision", "recall")})
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train", type=int, default=6)
    ap.add_argument("--heldout", type=int, default=6)
    ap.add_argument("--heldout-first", type=int, default=100, help="offset inside the test seed range")
    ap.add_argument("--out", default=os.path.join(ROOT, "data", "cache", "rpca_split"))
    ap.add_argument("--avloc", default=os.path.join(ROOT, "build", "avloc"))
    ap.add_argument("--evaluator", default=os.path.join(ROOT, "build", "bench", "rpca_eval"))
    ap.add_argument("--tag", default="avloc")
    ap.add_argument("extra", nargs="*", help="more `avloc rpca` arguments (after --)")
    a = ap.parse_args()
    make_sets(a)
    scenes = sorted(glob.glob(os.path.join(a.out, "train_*")))[:a.train] + \
        sorted(glob.glob(os.path.join(a.out, "test_*")))[:a.heldout]
    with ThreadPoolExecutor(2) as ex:
        rows = list(ex.map(lambda s: one(a, s), scenes))
    for r in rows:
        print(json.dumps(r))
    print("\n| scene | split | kind | interferer | F1 | Lc | SDR dB | NSDR dB | s |\n|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print("| %d | %s | %s | %s | %s |" % (r["scene"], r["split"], r["kind"], r["interferer"], " | ".join(
            "-" if r.get(k) is None else "%.2f" % r[k] for k in ("f1", "lc", "sdr", "nsdr", "seconds"))))
    for split in ("train", "test"):
        rs = [r for r in rows if r["split"] == split and "f1" in r]
        if rs:
            print("| mean | %s (%d) | | | %.3f | %.3f | %.2f | %.2f | |" % (
                split, len(rs), *(sum(r[k] for r in rs) / len(rs) for k in ("f1", "lc", "sdr", "nsdr"))))
    return 0 if all("f1" in r for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
