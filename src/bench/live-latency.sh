#!/usr/bin/env bash
# Live transcription latency, side by side on this machine with the same tiny.en weights: `sensorium transcribe`
# (int8 ONNX) on N named pipes, and WhisperLiveKit (faster-whisper backend, LocalAgreement) on N WebSockets, each
# stream real speech written at 1x by the Java driver (io.sensorium.bench.LiveLatency), which keeps the clock.
# Prints one table: per word, the delay from its end in the audio to its final and to its first appearance (p50 /
# p95), throughput (audio seconds per second), CPU (cores busy), streaming WER (the finals) and offline WER.
#
# usage: src/bench/live-latency.sh [--quick] [--streams 1,4,8] [--minutes 10] [--systems sensorium,whisperlivekit]
#                                  [--batch-sizes 1,8] [--set KEY=VALUE,...] [--start same|spread]
#   --quick        jfk.wav (11 s) instead of the 7.3 min corpus, no long stream
#   --streams      concurrent streams per run (default 1,4,8)
#   --minutes      also one stream of the corpus looped for this long, for latency minute by minute (0: none; default 10)
#   --systems      which systems to run (default both)
#   --batch-sizes  Sensorium's runs once per speech.batch-size, one after another (default: its configured one)
#   --set          configuration for Sensorium's runs (e.g. speech.live-pause-ms=500), named in their label
#   --start        same (default): all streams say the same words at the same moment; spread: each of N starts at
#                  another sentence, spread over the corpus, and goes round to where it began, as independent speakers
# Needs espeak-ng (Debian: apt-get install -y espeak-ng), python3, and PyPI once for the venvs under
# ~/.cache/sensorium/bench (faster-whisper; whisperlivekit, which pulls torch: about 6 GB).
set -euo pipefail
quick=0 streams=1,4,8 minutes=10 systems=sensorium,whisperlivekit batch_sizes="" settings="" start=same
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; minutes=0 ;;
    --streams) streams="$2"; shift ;;
    --minutes) minutes="$2"; shift ;;
    --systems) systems="$2"; shift ;;
    --batch-sizes) batch_sizes="$2"; shift ;;
    --set) settings="$2"; shift ;;
    --start) start="$2"; shift ;;
    *) sed -n '2,19p' "$0" >&2; exit 2 ;;
  esac
  shift
done
. "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
work="$(mktemp -d)"
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

# The corpus and its word times, made once per version of the text and of the code that makes them.
if [ "$quick" = 1 ]; then
  corpus="$cache/bench/live-corpus/jfk"
  mkdir -p "$corpus" && cp "$jfk" "$corpus/corpus.wav" && echo "$jfk_words" > "$corpus/corpus.txt"
else
  corpus="$(bench_corpus)"
fi
if [ ! -f "$corpus/words.json" ] || [ "$root/models/tools/word_times_reference.py" -nt "$corpus/words.json" ]; then
  echo "reference word times (faster-whisper, beam 5; minutes for the corpus)..." >&2
  "$fw/bin/python" "$root/models/tools/word_times_reference.py" "$ct2" "$corpus/corpus.wav" "$corpus/words.json"
fi
seconds="$("$fw/bin/python" -c "import sys,wave; w=wave.open(sys.argv[1]); print(round(w.getnframes()/w.getframerate(),1))" "$corpus/corpus.wav")"
echo "corpus: $corpus ($seconds s)" >&2

common=(--audio "$corpus/corpus.wav" --reference "$corpus/corpus.txt" --word-times "$corpus/words.json" --start "$start")
rows=()
run() {  # label, driver arguments...
  local label="$1"; shift
  echo "== $label $*" >&2
  rows+=("$("${bench[@]}" io.sensorium.bench.LiveLatency --label "$label" "${common[@]}" "$@")")
}

for system in ${systems//,/ }; do
  case "$system" in
    sensorium)
      # The offline figure decodes as faster-whisper's does here: greedy, not conditioned on its own earlier text
      # (which, greedy, loops on this synthetic corpus).
      "$sensorium" transcribe --format text --beam-size 1 --set speech.condition-on-previous-text=false \
        --model "$int8" "$corpus/corpus.wav" 2>/dev/null \
        | sed 's/^\[[^]]*\] //' > "$work/sensorium-offline.txt"
      for n in ${streams//,/ }; do
        sizes="${batch_sizes:-default}"
        for b in ${sizes//,/ }; do
          set_b="${settings}${settings:+,}speech.batch-size=$b"
          [ "$b" = default ] && set_b="$settings"
          run "Sensorium int8${set_b:+, ${set_b//speech./}}" --system sensorium --streams "$n" --sensorium "$sensorium" \
            --model "$int8" ${set_b:+--set "$set_b"} --offline "$work/sensorium-offline.txt" --log "$work/sensorium-$n-$b.log"
        done
      done
      [ "$minutes" = 0 ] || run "Sensorium int8, long" --system sensorium --streams 1 --minutes "$minutes" \
        --minutes-out "$work/minutes-sensorium.md" --sensorium "$sensorium" --model "$int8" \
        ${settings:+--set "$settings"} --log "$work/sensorium-long.log"
      ;;
    whisperlivekit)
      wlk="$cache/bench/whisperlivekit"
      [ -x "$wlk/bin/whisperlivekit-server" ] \
        || { python3 -m venv "$wlk" && "$wlk/bin/pip" install -q whisperlivekit==0.2.26; }
      # Its offline figure: the engine inside it, faster-whisper, on the whole file (greedy, int8, 2 threads).
      "$fw/bin/python" "$root/src/bench/faster_whisper_run.py" "$ct2" int8 2 "$corpus/corpus.wav" \
        | "$fw/bin/python" -c "import json,sys; print(json.loads(sys.stdin.readline())['text'])" > "$work/fw-offline.txt"
      port="$("$fw/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
      # Its defaults (LocalAgreement needs --backend-policy; Silero VAC on, beam 5) with the same weights; the
      # warm-up file is local, as it cannot download its own here.
      "$wlk/bin/whisperlivekit-server" --backend faster-whisper --backend-policy localagreement --model_dir "$ct2" \
        --lan en --pcm-input --warmup-file "$jfk" --host 127.0.0.1 --port "$port" --log-level WARNING \
        > "$work/wlk.log" 2>&1 &
      server=$!
      until curl -sf "http://127.0.0.1:$port/health" | grep -q '"ready":true'; do
        kill -0 "$server" 2>/dev/null || { cat "$work/wlk.log" >&2; exit 1; }
        sleep 1
      done
      for n in ${streams//,/ }; do
        run "WhisperLiveKit 0.2.26 (faster-whisper)" --system whisperlivekit --streams "$n" \
          --url "ws://127.0.0.1:$port/asr" --pid "$server" --offline "$work/fw-offline.txt"
      done
      [ "$minutes" = 0 ] || run "WhisperLiveKit 0.2.26, long" --system whisperlivekit --streams 1 \
        --minutes "$minutes" --minutes-out "$work/minutes-whisperlivekit.md" --url "ws://127.0.0.1:$port/asr" \
        --pid "$server"
      kill "$server"; wait "$server" 2>/dev/null || true; server=""
      ;;
    *) echo "unknown system $system" >&2; exit 2 ;;
  esac
done

echo
echo "audio: $seconds s per stream at 1x ($(nproc) cores); latency from a word's end in the audio, seconds"
echo "| system | streams | audio | final p50 / p95 | first partial p50 / p95 | words timed | throughput | CPU (cores) | WER streaming | WER offline |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
for table in "$work"/minutes-*.md; do
  [ -f "$table" ] || continue
  name="${table##*/minutes-}"
  echo
  echo "${name%.md}: one stream of $minutes min (the corpus looped), latency of the words ending in each minute"
  cat "$table"
done
