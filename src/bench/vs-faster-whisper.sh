#!/usr/bin/env bash
# Side by side on this machine, same weights (whisper tiny.en), same audio, 2 threads each: faster-whisper
# (CTranslate2, int8 and float32) against `sensorium transcribe` (ONNX Runtime via models/convert, float32 and int8).
# Reports wall time, real-time factor, peak RSS and WER after Whisper's English normalisation.
#
# usage: src/bench/vs-faster-whisper.sh [MINUTES_OF_LONG_AUDIO]   (default 5; needs python3 and the network to PyPI
#        once, for faster-whisper in a venv under ~/.cache/sensorium/bench)
set -euo pipefail
minutes="${1:-5}"
. "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
reference_sentence="$jfk_words"
model="$("$sensorium" models pull tiny.en 2>/dev/null)"

# The audio set: the three JFK files, and a long file of the JFK sentence repeated with a second of silence between.
audio=("$root/models/fixtures/audio/jfk.wav" "$root/models/fixtures/audio/jfk.mp3" "$root/models/fixtures/audio/jfk.flac")
"$fw/bin/python" - "$root/models/fixtures/audio/jfk.wav" "$work/long.wav" "$minutes" <<'PY'
import sys, wave
src, dst, minutes = sys.argv[1], sys.argv[2], float(sys.argv[3])
with wave.open(src) as w:
    params, frames = w.getparams(), w.readframes(w.getnframes())
gap = b"\0\0" * params.framerate
copies = int(minutes * 60 / (len(frames) / 2 / params.framerate + 1)) + 1
with wave.open(dst, "wb") as out:
    out.setparams(params)
    out.writeframes((frames + gap) * copies)
print(copies, file=open(dst + ".copies", "w"))
PY
copies="$(cat "$work/long.wav.copies")"
audio+=("$work/long.wav")
{ for _ in 1 2 3; do echo "$reference_sentence"; done; for _ in $(seq "$copies"); do echo "$reference_sentence"; done; } > "$work/reference.txt"
seconds="$("$fw/bin/python" -c "import sys,wave; print(sum(wave.open(f).getnframes()/16000 for f in sys.argv[1:]))" \
  "$root/models/fixtures/audio/jfk.wav" "$root/models/fixtures/audio/jfk.wav" "$root/models/fixtures/audio/jfk.wav" "$work/long.wav")"

report() {  # name, time -v log, transcript file
  local wall rss wer
  wall="$(grep 'Elapsed (wall clock)' "$2" | awk '{print $NF}' | awk -F: '{ if (NF == 3) print $1*3600+$2*60+$3; else print $1*60+$2 }')"
  rss="$(grep 'Maximum resident' "$2" | awk '{print $NF}')"
  wer="$("${bench[@]}" io.sensorium.bench.WerReport "$work/reference.txt" "$3")"
  printf '%-28s wall %7.1f s   RTF %.4f   peak RSS %5d MB   WER %s\n' "$1" "$wall" "$(echo "$wall / $seconds" | bc -l)" $((rss / 1024)) "$wer"
}

echo "audio: ${seconds} s in ${#audio[@]} files (long file: $copies x JFK); 2 threads each"
for compute in int8 float32; do
  /usr/bin/time -v -o "$work/fw-$compute.time" "$fw/bin/python" "$root/src/bench/faster_whisper_run.py" "$ct2" "$compute" 2 "${audio[@]}" > "$work/fw-$compute.jsonl"
  "$fw/bin/python" -c "import json,sys; print(' '.join(json.loads(l)['text'] for l in open(sys.argv[1])))" "$work/fw-$compute.jsonl" > "$work/fw-$compute.txt"
  report "faster-whisper $compute" "$work/fw-$compute.time" "$work/fw-$compute.txt"
done
for variant in float32 int8; do
  dir="$model"; [ "$variant" = int8 ] && dir="$int8"
  /usr/bin/time -v -o "$work/s-$variant.time" "$sensorium" transcribe --format text --set speech.threads=2 --model "$dir" "${audio[@]}" 2>/dev/null > "$work/s-$variant.txt"
  sed -i 's/^\[[^]]*\] [^:]*: //' "$work/s-$variant.txt"
  report "sensorium $variant" "$work/s-$variant.time" "$work/s-$variant.txt"
done
