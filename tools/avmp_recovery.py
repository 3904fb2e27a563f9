"""Recovery of the synthetic scene over many seeds: for seed S in
FIRST..FIRST+N-1, generates tools/avmp_data.py's synthetic pair with noise
seed S, runs `avloc avmp learn --seed S` on it and evaluates the dictionary
(avmp_data.py eval). Prints one JSON line per seed and a summary.
Choose settings on one range of seeds and report on another (--first).

usage: avmp_recovery.py AVLOC_BINARY [--seeds N (10)] [--first S (0)] [extra learn flags...]
"""
import json
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import avmp_data  # noqa: E402


def main():
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    avloc = args[0]
    n = 10
    extra = args[1:]
    first = 0
    if "--seeds" in extra:
        i = extra.index("--seeds")
        n = int(extra[i + 1])
        del extra[i:i + 2]
    if "--first" in extra:
        i = extra.index("--first")
        first = int(extra[i + 1])
        del extra[i:i + 2]
    ok = 0
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(first, first + n):
            avmp_data.synth(tmp, seed)
            d = os.path.join(tmp, "d%d.safetensors" % seed)
            subprocess.run([avloc, "avmp", "learn", "--video", os.path.join(tmp, "synth.y4m"),
                            "--audio", os.path.join(tmp, "synth.wav"), "--seed", str(seed), "-o", d] + extra,
                           check=True, stderr=subprocess.DEVNULL)
            r = avmp_data.evaluate(d, os.path.join(tmp, "synth_truth.npz"))
            r["seed"] = seed
            ok += r["av_recovered"]
            rows.append(r)
            print(json.dumps({"seed": seed, "AV1": [r["AV1"]["audio"], r["AV1"]["video"]],
                              "AV2": [r["AV2"]["audio"], r["AV2"]["video"]], "recovered": r["av_recovered"],
                              "unimodal_as_av": r["unimodal_as_av"]}))
    print(json.dumps({"seeds": "%d-%d" % (first, first + n - 1), "recovered": ok, "rate": ok / n,
                      "unimodal_as_av_total": sum(r["unimodal_as_av"] for r in rows), "flags": extra}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
