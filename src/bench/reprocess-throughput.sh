#!/usr/bin/env bash
# Reprocessing throughput, side by side on this machine with the same tiny.en int8 weights: `sensorium reprocess
# speech` over an audio topic of a `sensorium broker` (a process of its own, as on a laptop), `sensorium transcribe`
# of the same files (the in-process broker), and faster-whisper over the same files, all decoding alike: greedy, no
# temperature fallback, no beam search, no conditioning on previous text, 2 threads. Each stream is jfk.wav and the 7.3 min speech corpus (espeak-ng voices).
# Prints audio seconds per wall second of each, their ratios, WER against the words said, and how far the time left
# that reprocess's progress block showed was from the time the run then took (after the first 10% of its work).
#
# usage: src/bench/reprocess-throughput.sh [--streams 8] [--vad on|off]
#   --streams  streams on the topic (default 8: about 60 min of audio)
#   --vad      Sensorium's Silero VAD gate, on by default for users; off (default here) decodes what faster-whisper
#              decodes with vad_filter=False
# Needs espeak-ng (Debian: apt-get install -y espeak-ng), python3, and PyPI once for faster-whisper's venv.
set -euo pipefail
streams=8 vad=off
while [ $# -gt 0 ]; do
  case "$1" in
    --streams) streams="$2"; shift ;;
    --vad) vad="$2"; shift ;;
    *) sed -n '2,13p' "$0" >&2; exit 2 ;;
  esac
  shift
done
case "$vad" in on) vad_setting=speech.vad=true ;; off) vad_setting=speech.vad=false ;; *) echo "--vad on|off" >&2; exit 2 ;; esac
decoding=(--set "$vad_setting" --set speech.temperature=0 --set speech.beam-size=1 --set speech.condition-on-previous-text=false)
. "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
corpus="$(bench_corpus)"
work="$(mktemp -d)"
broker=""
trap '[ -n "$broker" ] && kill "$broker" 2>/dev/null; rm -rf "$work"' EXIT

files=()
for i in $(seq "$streams"); do
  ln -s "$corpus/corpus.wav" "$work/stream-$i.wav"
  files+=("$work/stream-$i.wav")
done
for _ in $(seq "$streams"); do cat "$corpus/corpus.txt"; done > "$work/reference.txt"
seconds="$(python3 -c "import sys,wave; w=wave.open(sys.argv[1]); print(w.getnframes()/w.getframerate()*int(sys.argv[2]))" \
  "$corpus/corpus.wav" "$streams")"

# The texts of a transcripts JSON-lines file (as transcribe prints them, or as tail prints a topic), stream by stream.
texts() {
  python3 -c '
import json, sys
segments = {}
for line in open(sys.argv[1]):
    record = json.loads(line)
    record = record.get("value", record)
    if record.get("type") == "segment":
        segments.setdefault(record["stream"], []).append((record["segment"], record["text"]))
print(" ".join(text for stream in sorted(segments) for _, text in sorted(segments[stream])))' "$1"
}
rows=()
row() {  # name, wall seconds, transcript text file
  rows+=("$(printf '| %s | %.1f s | %.1f | %s |' "$1" "$2" "$(echo "$seconds / $2" | bc -l)" \
    "$("${bench[@]}" io.sensorium.bench.WerReport "$work/reference.txt" "$3")")")
  last_rate="$(echo "$seconds / $2" | bc -l)"
}
clock() { date +%s.%N; }

bench_broker "$work"
kafka=(--bootstrap-servers "$broker_at" "${decoding[@]}")
echo "ingesting $streams streams ($seconds s of audio) into the broker at $broker_at..." >&2
"$sensorium" ingest audio "${kafka[@]}" "${files[@]}" 2> "$work/ingest.log"

echo "reprocess speech..." >&2
began="$(clock)"
"$sensorium" reprocess speech "${kafka[@]}" --model "$int8" --from earliest --to now --output bench.transcripts \
  --progress-every 2 2>&1 >/dev/null | while IFS= read -r line; do echo "$(clock) $line"; done > "$work/reprocess.log"
ended="$(clock)"
grep -q " done: " "$work/reprocess.log" || { cat "$work/reprocess.log" >&2; exit 1; }
# Kept for a look at how the run went, block by block (each line with the time it came).
cp "$work/reprocess.log" "$cache/bench/reprocess-progress.log"
"$sensorium" tail "${kafka[@]}" --idle-seconds 5 bench.transcripts > "$work/reprocess.jsonl" 2>/dev/null
texts "$work/reprocess.jsonl" > "$work/reprocess.txt"
row "sensorium reprocess speech (broker process)" "$(echo "$ended - $began" | bc -l)" "$work/reprocess.txt"
reprocess_rate="$last_rate"
kill "$broker"; wait "$broker" 2>/dev/null || true; broker=""

echo "transcribe..." >&2
began="$(clock)"
"$sensorium" transcribe "${decoding[@]}" --model "$int8" "${files[@]}" > "$work/transcribe.jsonl" 2>/dev/null
wall="$(echo "$(clock) - $began" | bc -l)"
texts "$work/transcribe.jsonl" > "$work/transcribe.txt"
row "sensorium transcribe (in-process broker)" "$wall" "$work/transcribe.txt"
transcribe_rate="$last_rate"

echo "faster-whisper..." >&2
began="$(clock)"
"$fw/bin/python" "$root/src/bench/faster_whisper_run.py" "$ct2" int8 2 "${files[@]}" > "$work/fw.jsonl"
wall="$(echo "$(clock) - $began" | bc -l)"
"$fw/bin/python" -c "import json,sys; print(' '.join(json.loads(l)['text'] for l in open(sys.argv[1])))" \
  "$work/fw.jsonl" > "$work/fw.txt"
row "faster-whisper $("$fw/bin/python" -c 'import faster_whisper; print(faster_whisper.__version__)') int8, 2 threads" \
  "$wall" "$work/fw.txt"

echo
echo "$streams streams, $seconds s of audio; tiny.en int8; Silero VAD gate $vad; $(nproc) cores"
echo "| system | wall | audio s/s | WER |"
echo "| --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
printf 'reprocess / faster-whisper: %.2f   transcribe / faster-whisper: %.2f   reprocess / transcribe: %.2f\n\n' \
  "$(echo "$reprocess_rate / $last_rate" | bc -l)" "$(echo "$transcribe_rate / $last_rate" | bc -l)" \
  "$(echo "$reprocess_rate / $transcribe_rate" | bc -l)"

# The time left each progress block showed, against the time the run then took, from 10% of the work on.
python3 - "$work/reprocess.log" "$cache/bench/reprocess-progress.log" <<'PY'
import re, statistics, sys
blocks, end = [], None
for line in open(sys.argv[1]):
    stamp, _, text = line.rstrip("\n").partition(" ")
    total = re.match(r"\s*total\s+(\d+)%.*ETA (\d+):(\d\d):(\d\d)", text)
    if total:
        blocks.append((float(stamp), int(total.group(1)), int(total.group(2)) * 3600 + int(total.group(3)) * 60 + int(total.group(4))))
    if " done: " in text:
        end = float(stamp)
start = float(open(sys.argv[1]).readline().split(" ", 1)[0])
errors = [(percent, eta, end - t) for t, percent, eta in blocks if 10 <= percent < 100 and end - t > 0]
print(f"reprocess time left shown vs taken, {len(errors)} blocks from 10% of the work on (run {end - start:.1f} s):")
for bound in (10, 30, 50, 70, 90):
    window = [abs(eta - left) / left for percent, eta, left in errors if bound <= percent < bound + 20]
    if window:
        print(f"  {bound:2d}-{bound + 19}% done: error median {100 * statistics.median(window):.0f}%, max {100 * max(window):.0f}%")
within = [abs(eta - left) <= 0.2 * left for percent, eta, left in errors]
print(f"  within 20% of the time then taken: {sum(within)} of {len(within)} blocks (all: {sys.argv[2]})")
# The time left is shown in whole seconds and counts the work, not the second or so the run then takes to close (end
# markers, the last commit): in a run's last seconds 20% is below what the display can show.
near = [abs(eta - left) <= max(0.2 * left, 2.0) for percent, eta, left in errors]
print(f"  within 20% or 2 s: {sum(near)} of {len(near)} blocks; outside both: "
      + (", ".join(f"{percent}% ({eta} s shown, {left:.1f} s taken)" for (percent, eta, left), ok in zip(errors, near)
                   if not ok) or "none"))
PY
