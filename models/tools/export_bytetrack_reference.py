"""Makes models/fixtures/tracking/bytetrack-reference.json: synthetic detection sequences and the track ids the
reference ByteTrack gives them, for ByteTrackerParityTest.

The reference is supervision 0.25.1's `sv.ByteTrack` (MIT; the ByteTrack authors' algorithm as supervision ships it:
xyah Kalman filter, score-fused first association, low-score second association, unconfirmed tracks, lost-track
buffer), run with its defaults and with other options. Each scenario is a list of frames, each frame a list of
detections {box: [x1, y1, x2, y2], score}; the reference's output is, per frame, the tracker id of each detection in
input order (-1 where supervision returns none for it).

Scenarios: two objects crossing; one occluded for a few frames and found again; one whose score dips below the
activation threshold for a few frames; one gone past the lost-track buffer (a new id); a one-frame false positive;
and random scenes (objects moving with noise, appearing, leaving, dropped detections, false positives, jittered
scores) with fixed seeds.

usage: /path/to/python models/tools/export_bytetrack_reference.py
  with supervision==0.25.1 installed (pip install supervision==0.25.1: numpy, scipy, opencv-python among its needs).
"""
import json
import pathlib

import numpy as np
import supervision as sv

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "models/fixtures/tracking/bytetrack-reference.json"


def box(cx, cy, w, h):
    return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]


def crossing():
    frames = []
    for t in range(40):
        frames.append([{"box": box(100 + 10 * t, 200, 60, 120), "score": 0.9},
                       {"box": box(500 - 10 * t, 210, 60, 120), "score": 0.85}])
    return frames


def occlusion(gap):
    frames = []
    for t in range(50):
        seen = not (20 <= t < 20 + gap)
        frame = [{"box": box(50 + 6 * t, 300, 40, 80), "score": 0.8}] if seen else []
        frame.append({"box": box(400, 100 + 2 * t, 50, 50), "score": 0.95})
        frames.append(frame)
    return frames


def score_dip():
    frames = []
    for t in range(30):
        score = 0.2 if 10 <= t < 15 else 0.9
        frames.append([{"box": box(200 + 4 * t, 200 + t, 80, 160), "score": score}])
    return frames


def false_positive():
    frames = []
    for t in range(12):
        frame = [{"box": box(300 + 3 * t, 300, 50, 100), "score": 0.9}]
        if t == 5:
            frame.append({"box": box(50, 50, 30, 30), "score": 0.7})
        if t >= 8:
            frame.append({"box": box(600, 400 - 5 * t, 70, 70), "score": 0.6})
        frames.append(frame)
    return frames


def random_scene(seed, length=80, objects=8):
    rng = np.random.default_rng(seed)
    paths = []
    for _ in range(objects):
        start = int(rng.integers(0, length // 2))
        end = int(rng.integers(start + 10, length + 1))
        x, y = rng.uniform(50, 590), rng.uniform(50, 430)
        vx, vy = rng.uniform(-6, 6), rng.uniform(-4, 4)
        w, h = rng.uniform(30, 90), rng.uniform(40, 140)
        paths.append((start, end, x, y, vx, vy, w, h, rng.uniform(0.3, 0.95)))
    frames = []
    for t in range(length):
        frame = []
        for start, end, x, y, vx, vy, w, h, base in paths:
            if start <= t < end and rng.random() > 0.1:
                k = t - start
                score = float(np.clip(base + rng.normal(0, 0.1), 0.05, 0.99))
                frame.append({"box": [float(v) for v in box(x + vx * k + rng.normal(0, 1.5),
                                                             y + vy * k + rng.normal(0, 1.5),
                                                             w * (1 + rng.normal(0, 0.03)),
                                                             h * (1 + rng.normal(0, 0.03)))],
                              "score": score})
        if rng.random() < 0.15:
            frame.append({"box": [float(v) for v in box(rng.uniform(20, 620), rng.uniform(20, 460), 25, 25)],
                          "score": float(rng.uniform(0.1, 0.6))})
        order = rng.permutation(len(frame))
        frames.append([frame[i] for i in order])
    return frames


def run(frames, options):
    tracker = sv.ByteTrack(**options)
    ids = []
    for frame in frames:
        if frame:
            xyxy = np.array([d["box"] for d in frame], dtype=np.float32)
            scores = np.array([d["score"] for d in frame], dtype=np.float32)
        else:
            xyxy = np.empty((0, 4), dtype=np.float32)
            scores = np.empty((0,), dtype=np.float32)
        detections = sv.Detections(xyxy=xyxy, confidence=scores, class_id=np.zeros(len(frame), dtype=int),
                                   data={"index": np.arange(len(frame))})
        out = tracker.update_with_detections(detections)
        frame_ids = [-1] * len(frame)
        # With no track at all it returns an empty Detections, without the index.
        for index, tracker_id in zip(out.data.get("index", []), out.tracker_id):
            frame_ids[int(index)] = int(tracker_id)
        ids.append(frame_ids)
    return ids


def main():
    defaults = {"track_activation_threshold": 0.25, "lost_track_buffer": 30, "minimum_matching_threshold": 0.8,
                "frame_rate": 30, "minimum_consecutive_frames": 1}
    scenarios = [("crossing", crossing(), defaults),
                 ("occlusion for 6 frames", occlusion(6), defaults),
                 ("occlusion past a 10-frame buffer", occlusion(15), {**defaults, "lost_track_buffer": 10}),
                 ("score dip", score_dip(), defaults),
                 ("false positive and a late object", false_positive(), defaults),
                 ("late object, 3 frames to confirm", false_positive(), {**defaults, "minimum_consecutive_frames": 3})]
    for seed in range(6):
        options = defaults if seed % 2 == 0 else {**defaults, "track_activation_threshold": 0.5, "frame_rate": 10}
        scenarios.append((f"random scene {seed}", random_scene(seed), options))
    out = {"reference": f"supervision {sv.__version__} ByteTrack", "scenarios": []}
    for name, frames, options in scenarios:
        # The reference's inputs as float32, as it holds them: the Java side reads these values.
        for frame in frames:
            for d in frame:
                d["box"] = [float(np.float32(v)) for v in d["box"]]
                d["score"] = float(np.float32(d["score"]))
        out["scenarios"].append({"name": name, "options": options, "frames": frames, "ids": run(frames, options)})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out) + "\n")
    print(f"{OUT}: {len(out['scenarios'])} scenarios")


if __name__ == "__main__":
    main()
