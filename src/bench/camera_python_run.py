"""The loop a Python user writes for live cameras, beside `sensorium detect` in src/bench/camera-streams.sh: one
reader thread per camera (OpenCV's VideoCapture on its live URL, keeping only the newest frame: the `latest` policy),
and one loop that takes each camera's newest frame in turn through the transformers image processor, onnxruntime on
the same ONNX graph, DETR's post-processing and a supervision ByteTrack per camera. Prints the same figures as
DetectLatency: frames per second over SECONDS after WARMUP, capture-to-detection latency p50/p95 (capture: when the
reader got the frame), per minute for runs longer than one.

usage: python camera_python_run.py MODEL_DIR BASE_URL CAMERAS FPS WARMUP SECONDS
"""
import math
import os
import sys
import threading
import time

import cv2
import numpy as np
import supervision as sv
from PIL import Image
from transformers import AutoImageProcessor

from onnx_vision import Graph

model_dir, base_url = sys.argv[1], sys.argv[2]
cameras, fps = int(sys.argv[3]), int(sys.argv[4])
warmup, seconds = float(sys.argv[5]), float(sys.argv[6])

graph = Graph(model_dir, 2)
processor = AutoImageProcessor.from_pretrained(model_dir, use_fast=False)


class Camera:
    """A live URL read on a thread of its own; `latest` is its newest frame and when it was read."""

    def __init__(self, url):
        self.latest = None
        self.lock = threading.Lock()
        self.capture = cv2.VideoCapture(url, cv2.CAP_FFMPEG)
        self.tracker = sv.ByteTrack(frame_rate=fps)
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        while True:
            ok, frame = self.capture.read()
            if not ok:
                return
            with self.lock:
                self.latest = (frame, time.time())

    def take(self):
        with self.lock:
            taken, self.latest = self.latest, None
        return taken


def detect(camera, frame):
    image = Image.fromarray(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    probs, predicted = graph.run(processor(image, return_tensors="np"))
    if predicted is None:
        return np.argsort(-probs)[:5]
    # transformers' post_process_object_detection, in numpy: the best real class, boxes to the frame's pixels.
    scores, labels = probs[:, :-1].max(-1), probs[:, :-1].argmax(-1)
    keep = scores > 0.1
    cx, cy, w, h = predicted[keep].T
    height, width = frame.shape[:2]
    boxes = np.stack([(cx - w / 2) * width, (cy - h / 2) * height, (cx + w / 2) * width, (cy + h / 2) * height], -1)
    detections = sv.Detections(xyxy=boxes.reshape(-1, 4), confidence=scores[keep], class_id=labels[keep])
    return camera.tracker.update_with_detections(detections)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)]


streams = [Camera(f"{base_url}cam{i}.ts") for i in range(cameras)]
window, start, end = [], None, None
while True:
    busy = False
    for camera in streams:
        taken = camera.take()
        if taken is None:
            continue
        busy = True
        frame, captured = taken
        detect(camera, frame)
        now = time.time()
        if start is None:
            start, end = now + warmup, now + warmup + seconds
        if start <= now < end:
            window.append((now - start, now - captured))
    if end is not None and time.time() >= end:
        break
    if not busy:
        time.sleep(0.002)

latencies = [latency for _, latency in window]
rate = len(window) / seconds
print(f"{rate:.1f} frames/s of {cameras * fps} offered ({100 * max(0.0, 1 - rate / (cameras * fps)):.0f}% skipped), "
      f"latency p50 {percentile(latencies, 50):.2f} s p95 {percentile(latencies, 95):.2f} s")
for minute in range(math.ceil(seconds / 60) if seconds > 60 else 0):
    in_minute = [latency for at, latency in window if int(at // 60) == minute]
    if in_minute:
        print(f"  minute {minute + 1}: {len(in_minute)} frames, latency p50 {percentile(in_minute, 50):.2f} s "
              f"p95 {percentile(in_minute, 95):.2f} s")
# The readers are still inside VideoCapture.read: leave without waiting for them (or OpenCV aborts on the way out).
sys.stdout.flush()
os._exit(0)
