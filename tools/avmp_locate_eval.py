"""Distracter experiment: runs `avloc avmp locate` on tools/avmp_data.py's
speech test sequences (two mouths, one voice) and reports, per sequence and
in all, the fraction of voiced frames whose located source is within 5
pixels of the true (speaking) mouth, and how many frames were located.

usage: avmp_locate_eval.py AVLOC_BINARY DICT DATADIR [extra locate flags...]
"""
import glob
import json
import os
import subprocess
import sys


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    avloc, dic, d = sys.argv[1:4]
    extra = sys.argv[4:]
    tot_ok = tot_voiced = tot_located = 0
    for tj in sorted(glob.glob(os.path.join(d, "test_*.json"))):
        base = tj[:-5]
        truth = json.load(open(tj))
        out = subprocess.run([avloc, "avmp", "locate", "--dict", dic, "--video", base + ".y4m",
                              "--audio", base + ".wav"] + extra, check=True, capture_output=True, text=True).stdout
        rows = [json.loads(l) for l in out.splitlines() if l.strip()]
        ok = voiced = located = 0
        for r in rows:
            f = r["frame"]
            if f >= len(truth["voiced_frames"]) or not truth["voiced_frames"][f]:
                continue
            voiced += 1
            if r["u"] is None:
                continue
            located += 1
            ok += ((r["u"] - truth["u"]) ** 2 + (r["v"] - truth["v"]) ** 2) ** 0.5 <= 5.0
        print(json.dumps({"sequence": os.path.basename(base), "voiced_frames": voiced, "located": located,
                          "within_5px": ok, "fraction": round(ok / max(voiced, 1), 4)}))
        tot_ok += ok
        tot_voiced += voiced
        tot_located += located
    print(json.dumps({"voiced_frames": tot_voiced, "located": tot_located, "within_5px": tot_ok,
                      "fraction": round(tot_ok / max(tot_voiced, 1), 4), "flags": extra}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
