#!/usr/bin/env bash
# Vision throughput side by side on this machine: Sensorium's per-frame work (Java: OpenCV decode, Pillow-exact
# resize, PNG pixel record, normalise; ONNX Runtime Java) against the same ONNX graph run by Python's onnxruntime
# with the transformers image processor (Pillow and torchvision backends), on the same 640x480 JPEG frames,
# one frame at a time, 2 ONNX Runtime threads each.
#
# usage: src/bench/vs-python-vision.sh [MODEL_DIR] [SECONDS]
#   MODEL_DIR defaults to the random-weight DETR fixture; SECONDS per measurement (default 10).
#   Needs python3 with transformers, onnxruntime, pillow (and torchvision for the fast processor): a venv under
#   ~/.cache/sensorium/bench/vision is made once from PyPI, or set PYTHON to one that has them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model="${1:-$root/models/fixtures/detr-tiny-random}"
seconds="${2:-10}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$root" && mvn -q -B -ntp package -DskipTests -pl src/bench -am) >&2
python="${PYTHON:-}"
if [ -z "$python" ]; then
  venv="${XDG_CACHE_HOME:-$HOME/.cache}/sensorium/bench/vision"
  [ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q transformers onnxruntime pillow numpy torch torchvision; }
  python="$venv/bin/python"
fi

# 640x480 JPEG frames (quality 90) cut from the fixture photos, as a camera would send them.
"$python" - "$root/models/fixtures/images" "$work/frames" <<'PY'
import pathlib, sys
from PIL import Image, ImageOps
src, dst = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
dst.mkdir()
for i, photo in enumerate(sorted(src.glob("*.png"))):
    image = ImageOps.fit(Image.open(photo).convert("RGB"), (640, 480))
    for j, variant in enumerate((image, ImageOps.mirror(image))):
        variant.save(dst / f"frame{i}{j}.jpg", quality=90)
PY
echo "model: $model; frames: $(ls "$work/frames" | wc -l) x 640x480 JPEG; ${seconds} s per measurement"
java -cp "$root/src/bench/target/benchmarks.jar" io.sensorium.bench.VisionThroughput "$model" "$work/frames" "$seconds" 2
"$python" "$root/src/bench/vision_python_run.py" "$model" "$work/frames" "$seconds" 2
