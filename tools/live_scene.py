#!/usr/bin/python3
"""Recordings for the live example (examples/live/live_locate.c), made the
way a user would record them with a camera and a binaural head, but
simulated with the KEMAR scene simulator (tools/kemar_sim.py):

  calib  white noise from a loudspeaker carrying a bright marker, held still
         for --hold seconds at each point of a grid across the view: one
         stereo WAV and one Y4M video (grey, C mono) of the whole session.
  test   espeak-ng speech from a talker (a grey disc in the picture) at
         random points, one after the other with silent gaps; truth.json
         gives each utterance's time span and pixel.
  eval   scores the JSON lines avloc_live printed against truth.json: every
         estimate whose analysis window lies inside one utterance's clip.

The video is --width x --height (default 160x120, 10 fps): the KEMAR camera
is 640x480, so pixel coordinates are scaled by width/640. A calibrated model
lives in video pixels (avloc_live --calibrate saves the video size).

  /usr/bin/python3 tools/live_scene.py calib --out DIR [--rows 8 --cols 10 --hold 1.0]
  /usr/bin/python3 tools/live_scene.py test  --out DIR [--count 10 --gap 0.4]
  /usr/bin/python3 tools/live_scene.py eval  --scene DIR --estimates est.jsonl [--window 0.72]
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import wave

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CAM_W, CAM_H = 640.0, 480.0


def read_wav(path):
    with wave.open(path, 'rb') as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 2
        x = np.frombuffer(w.readframes(w.getnframes()), '<i2').astype(np.float32) / 32768.0
        return x.reshape(-1, 2), w.getframerate()


def write_wav(path, x, rate):
    pcm = np.clip(np.round(x * 32767.0), -32768, 32767).astype('<i2')
    with wave.open(path, 'wb') as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def background(w, h, seed):
    """A textured, static room: smooth blobs plus fine grain, values 40..150."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    img = np.full((h, w), 90.0)
    for _ in range(12):
        cx, cy, r, a = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(5, w / 3), rng.uniform(-30, 30)
        img += a * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
    img += rng.normal(0, 4, (h, w))
    return np.clip(img, 40, 150)


def disc(img, u, v, r, value):
    """A filled disc centred at continuous pixel coordinates (u, v)."""
    h, w = img.shape
    yy, xx = np.mgrid[0:h, 0:w]
    img[(xx + 0.5 - u) ** 2 + (yy + 0.5 - v) ** 2 <= r * r] = value


class Y4M:
    def __init__(self, path, w, h, fps):
        self.f = open(path, 'wb')
        self.f.write(b'YUV4MPEG2 W%d H%d F%d:1 Ip A1:1 Cmono\n' % (w, h, fps))

    def frame(self, img):
        self.f.write(b'FRAME\n' + np.clip(np.round(img), 0, 255).astype(np.uint8).tobytes())

    def close(self):
        self.f.close()


def simulate(kind, out, extra):
    sim = os.path.join(out, 'sim_' + kind)
    subprocess.run([sys.executable, os.path.join(HERE, 'kemar_sim.py'), kind, '--out', sim] + extra,
                   check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(sim, 'manifest.csv')) as f:
        rows = list(csv.DictReader(f))
    return sim, rows


def cmd_calib(a):
    os.makedirs(a.out, exist_ok=True)
    sim, rows = simulate('train', a.out, ['--rows', str(a.rows), '--cols', str(a.cols), '--duration', str(a.hold),
                                          '--seed', str(a.seed), '--jobs', '2'])
    s = a.width / CAM_W
    bg = background(a.width, a.height, a.seed)
    vid = Y4M(os.path.join(a.out, 'calib.y4m'), a.width, a.height, a.fps)
    audio, rate = [], None
    t_video = 0.0
    for r in rows:
        x, rate = read_wav(os.path.join(sim, r['path']))
        start = sum(len(c) for c in audio) / rate
        audio.append(x)
        end = start + len(x) / rate
        img = bg.copy()
        disc(img, float(r['u']) * s, float(r['v']) * s, 2.0, 255.0)
        while t_video < end - 1e-9:   # the frames shot while this point played
            vid.frame(img)
            t_video += 1.0 / a.fps
    vid.close()
    write_wav(os.path.join(a.out, 'calib.wav'), np.concatenate(audio), rate)
    print(f'calib: {len(rows)} points, {t_video:.1f} s -> {a.out}/calib.wav, calib.y4m ({a.width}x{a.height})')


def cmd_test(a):
    os.makedirs(a.out, exist_ok=True)
    sim, rows = simulate('test', a.out, ['--count', str(a.count), '--seed', str(a.seed), '--jobs', '2'])
    s = a.width / CAM_W
    bg = background(a.width, a.height, a.seed + 1)
    vid = Y4M(os.path.join(a.out, 'test.y4m'), a.width, a.height, a.fps)
    audio, truth, rate, t, t_video = [], [], None, 0.0, 0.0
    for r in rows:
        x, rate = read_wav(os.path.join(sim, r['path']))
        gap = np.zeros((int(a.gap * rate), 2), np.float32)
        u, v = float(r['u']) * s, float(r['v']) * s
        truth.append(dict(clip_start=t, clip_end=t + len(x) / rate, u=u, v=v,
                          speech_start=t + float(r['speech_start_s']),
                          speech_end=t + float(r['speech_start_s']) + float(r['speech_dur_s'])))
        audio += [x, gap]
        img = bg.copy()
        disc(img, u, v, 4.0, 200.0)   # the talker (not used by the localiser)
        t_end = t + (len(x) + len(gap)) / rate
        while t_video < t_end - 1e-9:
            vid.frame(img if t_video < t + len(x) / rate else bg)
            t_video += 1.0 / a.fps
        t = t_end
    vid.close()
    write_wav(os.path.join(a.out, 'test.wav'), np.concatenate(audio), rate)
    with open(os.path.join(a.out, 'truth.json'), 'w') as f:
        json.dump(dict(width=a.width, height=a.height, scale=s, utterances=truth), f, indent=1)
    print(f'test: {len(rows)} utterances, {t:.1f} s -> {a.out}/test.wav, test.y4m, truth.json')


def cmd_eval(a):
    with open(os.path.join(a.scene, 'truth.json')) as f:
        truth = json.load(f)
    du, dv, used = [], [], 0
    with open(a.estimates) as f:
        for line in f:
            e = json.loads(line)
            if e.get('u') is None:
                continue
            t0, t1 = e['t'] - a.window, e['t']
            for u in truth['utterances']:
                # the window sits inside this clip and holds some of its speech
                if t0 >= u['clip_start'] - 1e-6 and t1 <= u['clip_end'] + 1e-6 and \
                        min(t1, u['speech_end']) - max(t0, u['speech_start']) > 0.1:
                    du.append(abs(e['u'] - u['u']))
                    dv.append(abs(e['v'] - u['v']))
                    used += 1
                    break
    if not used:
        print(json.dumps(dict(estimates=0)))
        return 1
    s = truth['scale']
    res = dict(estimates=used, mean_du_px=float(np.mean(du)), mean_dv_px=float(np.mean(dv)),
               median_du_px=float(np.median(du)), median_dv_px=float(np.median(dv)),
               mean_du_640=float(np.mean(du)) / s, mean_dv_640=float(np.mean(dv)) / s,
               video=f"{truth['width']}x{truth['height']}")
    print(json.dumps(res))
    if a.max_du is not None and (res['mean_du_px'] > a.max_du or res['mean_dv_px'] > a.max_dv):
        print(f'eval: mean errors above --max-du {a.max_du} / --max-dv {a.max_dv}', file=sys.stderr)
        return 1
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest='cmd', required=True)
    for name in ('calib', 'test'):
        q = sub.add_parser(name)
        q.add_argument('--out', required=True)
        q.add_argument('--width', type=int, default=160)
        q.add_argument('--height', type=int, default=120)
        q.add_argument('--fps', type=int, default=10)
        q.add_argument('--seed', type=int, default=11 if name == 'calib' else 12)
        if name == 'calib':
            q.add_argument('--rows', type=int, default=8)
            q.add_argument('--cols', type=int, default=10)
            q.add_argument('--hold', type=float, default=1.0)
        else:
            q.add_argument('--count', type=int, default=10)
            q.add_argument('--gap', type=float, default=0.4)
    q = sub.add_parser('eval')
    q.add_argument('--scene', required=True)
    q.add_argument('--estimates', required=True)
    q.add_argument('--window', type=float, default=0.72)
    q.add_argument('--max-du', type=float)
    q.add_argument('--max-dv', type=float)
    a = p.parse_args()
    return {'calib': cmd_calib, 'test': cmd_test, 'eval': cmd_eval}[a.cmd](a) or 0


if __name__ == '__main__':
    sys.exit(main())
