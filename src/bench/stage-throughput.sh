#!/usr/bin/env bash
# Throughput of the speech stage as a cluster runs it (audio seconds per second): `sensorium process speech`
# instances, each a JVM of its own, with 1 and 2 instances and 1 and 2 stream threads each, against a
# `sensorium broker` on this machine, on log-mel features already on the topic (ingest and `process features` run
# first and are not timed); then the recovery after a hard kill: one of two instances killed with kill -9 mid-run, the
# time from the kill to the first new segment of each stream it had. Whisper tiny.en int8, real weights; the Java
# driver (io.sensorium.bench.StageThroughput) keeps the clock. Prints one table, with the command of each row.
#
# usage: src/bench/stage-throughput.sh [--quick] [--streams 8] [--copies 2] [--runs 1x1,1x2,2x1,2x2] [--kill 2x1]
#   --quick    jfk.wav instead of the 7.3 min corpus (a smoke test: start-up is most of each run)
#   --streams  streams the audio is cut into, each on a partition of its own (default 8)
#   --copies   the audio this many times over before it is cut (default 2)
#   --runs     IxT: I instances of T stream threads each (default 1x1,1x2,2x1,2x2)
#   --kill     the run repeated with its first instance killed (default 2x1; "" for none)
# GPU (`--device cuda`, speech.device=cuda) is untested: no GPU where this was written; every figure is CPU.
# Needs espeak-ng (Debian: apt-get install -y espeak-ng) the first time, for the corpus, and python3 (bench-common.sh).
set -euo pipefail
quick=0 streams=8 copies=2 runs=1x1,1x2,2x1,2x2 kill=2x1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --streams) streams="$2"; shift ;;
    --copies) copies="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    --kill) kill="$2"; shift ;;
    *) sed -n '2,16p' "$0" >&2; exit 2 ;;
  esac
  shift
done
. "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
if [ "$quick" = 1 ]; then
  audio="$jfk"
else
  audio="$(bench_corpus)/corpus.wav"
fi
work="$(mktemp -d)"
broker=""
trap '[ -n "$broker" ] && kill "$broker" 2>/dev/null && wait "$broker"; rm -rf "$work"' EXIT
bench_broker "$work"

"${bench[@]}" io.sensorium.bench.StageThroughput --sensorium "$sensorium" --bootstrap "$broker_at" --model "$int8" \
  --audio "$audio" --copies "$copies" --streams "$streams" --runs "$runs" --kill "$kill" --work "$work" \
  > "$work/rows.md" 2> >(tee "$work/driver.log" >&2)

echo
echo "speech stage, Whisper tiny.en int8 (speech.threads=2 ONNX Runtime threads per instance, speech.batch-size=1),"
echo "$(grep -m1 ' streams of ' "$work/driver.log"); $(nproc) cores, one sensorium broker on this machine;"
echo "wall: from the instances' launch to the last stream's end record; start-up: to the first instance RUNNING;"
echo "recovery: from the kill -9 to the first new record of each stream the killed instance had not finished"
echo "| run | instances | stream threads | audio (s) | segments | wall (s) | throughput (audio s/s) | start-up (s) | throughput after start-up | recovery, first / last (s) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
cat "$work/rows.md"
echo
echo "commands (each instance's; ./sensorium is $sensorium):"
grep '^run ' "$work/driver.log"
echo "GPU (--device cuda): untested here (no GPU); every figure above is CPU."
