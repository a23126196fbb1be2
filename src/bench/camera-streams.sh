#!/usr/bin/env bash
# Live cameras side by side on this machine: `sensorium detect` on 1, 4 and 16 synthetic live HTTP cameras
# (640x480 MPEG-TS at 10 fps each, shapes moving; src/bench SyntheticCameras), with frames of several cameras batched
# into one model run (vision.batch-size 8, the default) and unbatched (1), against the loop a Python user writes
# (camera_python_run.py: OpenCV readers, the transformers image processor, onnxruntime on the same graph, supervision's
# ByteTrack), with the random-weight DETR and ViT fixtures, 2 ONNX Runtime threads each. Prints frames per second and
# capture-to-detection latency p50/p95 of each.
#
# usage: src/bench/camera-streams.sh [SECONDS]        each row measures SECONDS (default 30) after a 15 s warm-up
#        src/bench/camera-streams.sh --long [MINUTES]  one row, 16 cameras batched, DETR, minute by minute (default 10)
#   Needs python3; a venv under ~/.cache/sensorium/bench/cameras is made once from PyPI (transformers, onnxruntime,
#   pillow, supervision 0.25.1), or set PYTHON to one that has them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
long=0
if [ "${1:-}" = "--long" ]; then
  long=1
  seconds=$(( ${2:-10} * 60 ))
else
  seconds="${1:-30}"
fi
warmup=15
fps=10
work="$(mktemp -d)"
cameras_pid=""
trap '[ -n "$cameras_pid" ] && kill "$cameras_pid" 2>/dev/null; rm -rf "$work"' EXIT

(cd "$root" && { mvn -q -B -ntp -o package -DskipTests -pl src/bench -am 2>/dev/null \
  || mvn -q -B -ntp package -DskipTests -pl src/bench -am; }) >&2
bench=(java -cp "$root/src/bench/target/benchmarks.jar")
sensorium="$root/sensorium"
"$sensorium" --version >/dev/null   # the launcher builds its jar now, rather than inside a timed run
python="${PYTHON:-}"
if [ -z "$python" ]; then
  venv="${XDG_CACHE_HOME:-$HOME/.cache}/sensorium/bench/cameras"
  [ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q transformers onnxruntime pillow supervision==0.25.1; }
  python="$venv/bin/python"
fi

# The clip lasts the warm-up, the measurement and the start of a run (broker, model, stages) with room to spare.
clip_seconds=$(( warmup + seconds + 45 ))
clips="${XDG_CACHE_HOME:-$HOME/.cache}/sensorium/bench/cameras-clips"
mkdir -p "$clips"
"${bench[@]}" io.sensorium.bench.SyntheticCameras "$clip_seconds" "$fps" 640 480 "$clips/yard-${clip_seconds}s.ts" \
  "$work/port" > "$work/cameras.log" 2>&1 &
cameras_pid=$!
until [ -s "$work/port" ]; do
  kill -0 "$cameras_pid" 2>/dev/null || { cat "$work/cameras.log" >&2; exit 1; }
  sleep 1
done
base="http://127.0.0.1:$(cat "$work/port")/"
grep "^serving" "$work/cameras.log"
echo "$(nproc) cores; each row: ${seconds} s measured after ${warmup} s; cameras at ${fps} fps, 640x480"

row() {  # LABEL COMMAND...
  printf '%-52s ' "$1"
  shift
  "$@" 2>>"$work/errors.log" || { echo "failed: see below"; tail -20 "$work/errors.log"; }
}

if [ "$long" = 1 ]; then
  row "sensorium, detr-tiny-random, 16 cameras, batch 8" "${bench[@]}" io.sensorium.bench.DetectLatency "$sensorium" \
    "$root/models/fixtures/detr-tiny-random" "$base" 16 "$fps" 8 "$warmup" "$seconds" "$work/detect.log"
  exit 0
fi
for model in detr-tiny-random vit-tiny-random; do
  for cameras in 1 4 16; do
    for batch in 1 8; do
      row "sensorium, $model, $cameras cameras, batch $batch" "${bench[@]}" io.sensorium.bench.DetectLatency \
        "$sensorium" "$root/models/fixtures/$model" "$base" "$cameras" "$fps" "$batch" "$warmup" "$seconds" \
        "$work/detect-$model-$cameras-$batch.log"
    done
    row "python loop, $model, $cameras cameras" "$python" "$root/src/bench/camera_python_run.py" \
      "$root/models/fixtures/$model" "$base" "$cameras" "$fps" "$warmup" "$seconds"
  done
done
