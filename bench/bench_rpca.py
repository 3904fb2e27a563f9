#!/usr/bin/python3
"""Benchmark of `avloc rpca` against its peers on generated scenes (issue 9).

    make build/avloc && make -C bench ../build/bench/rpca_eval
    /usr/bin/python3 bench/bench_rpca.py [--scenes 6] [--size 64x64] [--frames 300] [--repeat 3]
                                         [--no-numpy] [--big] [--write-doc docs/rpca_bench.md]

Scenes: tools/rpca_scenes.py test seeds 1000.. (kind mouth / instrument alternating, interferers
drone, noise, speech in turn), written under data/cache/bench_rpca/ (git-ignored).
Methods, all reading video.y4m + mixture.wav and writing mask.pgm, map.npy, target.wav:
  avloc       build/avloc rpca (the C module; best of --repeat runs for the time)
  avloc-win   build/avloc rpca --window-frames 100 --overlap 25 (the windowed mode), if supported
  avloc-pv    build/avloc rpca --map-rule pv: the mask from the ADMM's sum |Pv| map (the paper's)
  numpy-av    tools/rpca_numpy.py av: the paper's Algorithm 1 in numpy (the speed and quality peer)
  ialm        tools/rpca_numpy.py ialm: plain RPCA (IALM, full LAPACK SVDs) on each modality alone
  corr        tools/rpca_numpy.py corr: per-pixel correlation of intensity change with audio energy
Scores by build/bench/rpca_eval (examples/avloc_eval.h: F1 of the mask, Lc of the map, BSS-eval v3
SDR and NSDR of the sound against [target, interferer], agreeing with mir_eval to 0.01 dB).
numpy runs with OPENBLAS_NUM_THREADS=1 (one core, as the C code). --big adds the plain-RPCA speed
test on a 320x240x200 video: `avloc rpca --plain` against the IALM with full numpy SVDs.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import rpca_scenes  # noqa: E402

PY = "/usr/bin/python3"
ENV1 = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
INTERFERERS = ("drone", "noise", "speech")


def run(cmd, timeout=1800):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=ENV1, timeout=timeout)
    dt = time.perf_counter() - t0
    info = {}
    for line in reversed(p.stdout.strip().splitlines()):
        if line.startswith("{"):
            try:
                info = json.loads(line)
            except ValueError:
                pass
            break
    return p.returncode, dt, info, p.stderr.strip()[-400:]


def avloc_has(avloc, *args):
    try:
        p = subprocess.run([avloc, "rpca", "--help"], capture_output=True, text=True, timeout=30)
    except OSError:
        return False
    text = p.stdout + p.stderr
    return p.returncode == 0 and all(a in text for a in args)


def score(evaluator, scene, out, audio=True):
    cmd = [evaluator, scene, "--mask", os.path.join(out, "mask.pgm"), "--map", os.path.join(out, "map.npy")]
    if audio and os.path.exists(os.path.join(out, "target.wav")):
        cmd += ["--audio", os.path.join(out, "target.wav")]
    rc, _, info, err = run(cmd)
    if rc != 0:
        info = {"error": err}
    return info


def method_cmds(a, video, audio, out):
    outs = ["--mask-out", os.path.join(out, "mask.pgm"), "--map-out", os.path.join(out, "map.npy"),
            "--audio-out", os.path.join(out, "target.wav")]
    cmds = {}
    if a.have_avloc:
        cmds["avloc"] = [a.avloc, "rpca", video, audio] + outs
    if a.have_window:
        cmds["avloc-win"] = [a.avloc, "rpca", video, audio, "--window-frames", "100", "--overlap", "25"] + outs
    if a.have_avloc:
        cmds["avloc-pv"] = [a.avloc, "rpca", video, audio, "--map-rule", "pv"] + outs
    if not a.no_numpy:
        cmds["numpy-av"] = [PY, os.path.join(ROOT, "tools", "rpca_numpy.py"), "av", video, audio] + outs
        cmds["ialm"] = [PY, os.path.join(ROOT, "tools", "rpca_numpy.py"), "ialm", video, audio] + outs
    cmds["corr"] = [PY, os.path.join(ROOT, "tools", "rpca_numpy.py"), "corr", video, audio] + outs[:4]
    return cmds


def bench_scene(a, k, results):
    seed = rpca_scenes.TEST_SEEDS[0] + k
    kind = "mouth" if k % 2 == 0 else "instrument"
    inter = INTERFERERS[(k // 2) % len(INTERFERERS)]
    scene = os.path.join(a.out, "scene_%04d" % seed)
    rpca_scenes.make_scene(scene, seed, size=a.size, frames=a.frames, fps=25, kind=kind, interferer=inter,
                           distractors=2, chroma="mono", snr=0.0)
    video, audio = os.path.join(scene, "video.y4m"), os.path.join(scene, "mixture.wav")
    for name, cmd in method_cmds(a, video, audio, os.path.join(scene, "%s")).items():
        if a.methods and name not in a.methods:
            continue
        out = os.path.join(scene, name)
        os.makedirs(out, exist_ok=True)
        cmd = [c.replace(os.path.join(scene, "%s"), out) for c in cmd]
        reps = a.repeat if name.startswith("avloc") or name == "corr" else 1
        best, info, rc, err = None, {}, 0, ""
        for _ in range(reps):
            rc, dt, info, err = run(cmd)
            if rc != 0:
                break
            best = dt if best is None else min(best, dt)
        row = {"scene": seed, "kind": kind, "interferer": inter, "method": name, "rc": rc}
        if rc == 0:
            row.update(seconds=best, solver=info)
            row.update(score(a.evaluator, scene, out, audio=name != "corr"))
        else:
            row["error"] = err
        results.append(row)
        print(json.dumps(row), flush=True)


def bench_big(a):
    """Plain RPCA speed on a 320x240x200 video: C (--plain) against numpy IALM with full SVDs."""
    scene = os.path.join(a.out, "big_320x240")
    rpca_scenes.make_scene(scene, rpca_scenes.TEST_SEEDS[0] + 900, size=(320, 240), frames=200, fps=25,
                           kind="mouth", interferer="noise", distractors=2)
    video, audio = os.path.join(scene, "video.y4m"), os.path.join(scene, "mixture.wav")
    rows = []
    if a.have_plain:
        best, info = None, {}
        for _ in range(a.repeat):
            rc, dt, info, err = run([a.avloc, "rpca", "--plain", video, "--sparse-out", os.path.join(scene, "fg.y4m")])
            if rc != 0:
                rows.append({"method": "avloc --plain", "error": err})
                break
            best = dt if best is None else min(best, dt)
        if best is not None:
            rows.append({"method": "avloc --plain", "seconds": best, "solver": info})
    if not a.no_numpy:
        rc, dt, info, err = run([PY, os.path.join(ROOT, "tools", "rpca_numpy.py"), "ialm", video, audio,
                                 "--modality", "video"], timeout=3600)
        rows.append({"method": "numpy IALM (full SVD)", "seconds": dt if rc == 0 else None, "solver": info,
                     "error": err if rc else None})
    for r in rows:
        print(json.dumps(r), flush=True)
    return rows


def fmt(x, nd=2):
    return "-" if x is None else ("%.*f" % (nd, x))


def table(results, methods):
    lines = ["| scene | kind | interferer | method | F1 | Lc | SDR dB | NSDR dB | s |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["scene"], r["kind"], r["interferer"], r["method"], fmt(r.get("f1")), fmt(r.get("lc")),
            fmt(r.get("sdr")), fmt(r.get("nsdr")), fmt(r.get("seconds"), 3) if r["rc"] == 0 else "fail"))
    lines += ["", "Means over the scenes (each method's successful runs):", "",
              "| method | runs | F1 | Lc | SDR dB | NSDR dB | s (mean) | time vs numpy-av |",
              "|---|---|---|---|---|---|---|---|"]
    mean_t = {}
    for m in methods:
        rs = [r for r in results if r["method"] == m and r["rc"] == 0]
        if rs:
            mean_t[m] = sum(r["seconds"] for r in rs) / len(rs)
    for m in methods:
        rs = [r for r in results if r["method"] == m and r["rc"] == 0]
        if not rs:
            lines.append("| %s | 0 | - | - | - | - | - | - |" % m)
            continue

        def mean(key):
            v = [r[key] for r in rs if key in r]
            return sum(v) / len(v) if v else None
        ratio = ("%.1fx faster" % (mean_t["numpy-av"] / mean_t[m])) if "numpy-av" in mean_t else "-"
        lines.append("| %s | %d | %s | %s | %s | %s | %s | %s |" % (
            m, len(rs), fmt(mean("f1")), fmt(mean("lc")), fmt(mean("sdr")), fmt(mean("nsdr")),
            fmt(mean_t[m], 3), ratio))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenes", type=int, default=6)
    ap.add_argument("--size", type=rpca_scenes.parse_size, default=(64, 64))
    ap.add_argument("--frames", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3, help="best-of-N for the fast methods")
    ap.add_argument("--out", default=os.path.join(ROOT, "data", "cache", "bench_rpca"))
    ap.add_argument("--avloc", default=os.path.join(ROOT, "build", "avloc"))
    ap.add_argument("--evaluator", default=os.path.join(ROOT, "build", "bench", "rpca_eval"))
    ap.add_argument("--no-numpy", action="store_true", help="skip the slow numpy peers")
    ap.add_argument("--big", action="store_true", help="also the 320x240x200 plain-RPCA speed test")
    ap.add_argument("--write-doc", help="write the markdown report here (e.g. docs/rpca_bench.md)")
    ap.add_argument("--methods", help="comma-separated subset of avloc,avloc-win,avloc-pv,numpy-av,ialm,corr")
    ap.add_argument("--merge-json", help="rows of an earlier run (its .json) for the methods not run now")
    a = ap.parse_args()
    a.methods = a.methods.split(",") if a.methods else None
    if not os.path.exists(a.evaluator):
        ap.error("build the scorer first: make -C bench ../build/bench/rpca_eval")
    a.have_avloc = avloc_has(a.avloc, "--mask-out")
    a.have_window = avloc_has(a.avloc, "--window-frames")
    a.have_plain = avloc_has(a.avloc, "--plain")
    if not a.have_avloc:
        print("note: %s has no `rpca` command (or no --mask-out): C rows skipped" % a.avloc, file=sys.stderr)
    os.makedirs(a.out, exist_ok=True)
    results = []
    t0 = time.time()
    for k in range(a.scenes):
        bench_scene(a, k, results)
    big = bench_big(a) if a.big else []
    if a.merge_json:
        with open(a.merge_json) as f:
            old = json.load(f)
        ran = {r["method"] for r in results}
        results = [r for r in old["rows"] if r["method"] not in ran] + results
        results.sort(key=lambda r: r["scene"])
        big = big or old.get("big", [])
    methods = [m for m in ("avloc", "avloc-win", "avloc-pv", "numpy-av", "ialm", "corr")
               if any(r["method"] == m for r in results)]
    rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
    head = ["# RPCA benchmark (`bench/bench_rpca.py`)", "",
            "Generated by `/usr/bin/python3 bench/bench_rpca.py %s` at commit %s on %s (%s, %d CPUs, load average "
            "%.1f at the end: a shared machine, timings are noisy). numpy peers on one BLAS thread; "
            "avloc and corr times are the best of %d runs, the numpy solvers one run each; times are whole "
            "processes (reading the files, the solve, writing the outputs). Total bench time %.0f s." % (
                " ".join(sys.argv[1:]), rev, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                platform.processor() or platform.machine(), os.cpu_count(), load[0], a.repeat, time.time() - t0),
            "",
            "Scenes: `tools/rpca_scenes.py` test seeds from 1000, %dx%d, %d frames at 25 fps, 16 kHz audio, "
            "target at 0 dB against the interferer, two silent moving distractors. Metrics: "
            "`examples/avloc_eval.h` through `bench/rpca_eval.c` (F1 of the binary mask against mask.pgm; Lc = "
            "energy of the map inside the true region over the total; SDR = BSS-eval v3 with 512-tap filters "
            "against [target, interferer]; NSDR = SDR(estimate) - SDR(mixture)). corr has no sound output. "
            "The numpy peers and corr threshold their maps with Otsu's rule; avloc uses its own rule." % (
                a.size[0], a.size[1], a.frames), ""]
    body = table(results, methods)
    if big:
        body += "\n\nPlain RPCA speed, 320x240 video, 200 frames (76 800 x 200 matrix):\n\n| method | s | iterations |\n|---|---|---|\n"
        for r in big:
            s = r.get("solver") or {}
            body += "| %s | %s | %s |\n" % (r["method"], fmt(r.get("seconds"), 2),
                                           s.get("iterations", s.get("video_iterations", "-")))
    print("\n".join(head) + "\n" + body)
    if a.write_doc:
        notes = ""  # a hand-written "## What these numbers say" section survives a rerun
        if os.path.exists(a.write_doc):
            with open(a.write_doc) as f:
                old_doc = f.read()
            k = old_doc.find("\n## What these numbers say")
            notes = old_doc[k:] if k >= 0 else ""
        with open(a.write_doc, "w") as f:
            f.write("\n".join(head) + "\n" + body + "\n" + notes)
        jpath = os.path.splitext(a.write_doc)[0] + ".json"
        keep = {}  # other scripts' sections (rpca_split_eval.py's) survive a rerun, as the notes do
        if os.path.exists(jpath):
            with open(jpath) as f:
                keep = json.load(f)
        keep.update({"rows": results, "big": big})
        with open(jpath, "w") as f:
            json.dump(keep, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
