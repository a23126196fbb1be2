"""The user's usual alternative to Sensorium's vision stages: the transformers image processor and onnxruntime on
the same ONNX graph, one image at a time, on the same JPEG frames. Prints frames per second like VisionThroughput.

usage: python vision_python_run.py MODEL_DIR FRAMES_DIR [SECONDS] [THREADS]
"""
import pathlib
import sys
import time

import numpy as np
import onnxruntime as ort
from onnx_vision import Graph
from PIL import Image
from transformers import AutoImageProcessor

model_dir, frames_dir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0
threads = int(sys.argv[4]) if len(sys.argv) > 4 else 2
frames = [p.read_bytes() for p in sorted(frames_dir.glob("*.jpg"))]

graph = Graph(model_dir, threads)


def decode(jpeg):
    import io
    return Image.open(io.BytesIO(jpeg)).convert("RGB")


def rate(step):
    def run(duration):
        start, done = time.perf_counter(), 0
        while time.perf_counter() - start < duration:
            step(frames[done % len(frames)])
            done += 1
        return done / (time.perf_counter() - start)
    run(seconds / 3)
    return run(seconds)


for backend, use_fast in (("pil", False), ("torchvision", True)):
    try:
        processor = AutoImageProcessor.from_pretrained(model_dir, use_fast=use_fast)
    except Exception as e:  # the fast processors need torchvision; say so rather than fail the comparison
        print(f"python[{backend}] processor unavailable: {e}")
        continue

    def preprocess(jpeg):
        return processor(decode(jpeg), return_tensors="np")

    def full(jpeg):
        probs, boxes = graph.run(preprocess(jpeg))
        if boxes is None:
            return np.argsort(-probs)[:5]
        return boxes[probs[:, :-1].max(-1) > 0.5]

    print(f"python[{backend}] preprocess            {rate(preprocess):8.1f} frames/s  ({type(processor).__name__})")
    print(f"python[{backend}] preprocess+model+post {rate(full):8.1f} frames/s  (onnxruntime {ort.__version__}, {threads} threads)")
