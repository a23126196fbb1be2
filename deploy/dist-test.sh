#!/usr/bin/env bash
# The distribution as a user gets it (CI runs this after deploy/dist.sh): unpacked into a temporary directory and
# run with no JDK on PATH and no JAVA_HOME, it transcribes jfk.wav and detects on the fixture images with the
# random-weight fixture models: JSON lines of the right schema on stdout, exit 0.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
archive="$root/$("$root/deploy/dist.sh" --name)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
tar -C "$tmp" -xzf "$archive"
launcher="$(echo "$tmp"/sensorium-*/bin/sensorium)"
# Only what the launcher itself calls is on PATH.
mkdir "$tmp/path" "$tmp/home"
for tool in bash dirname readlink; do ln -s "$(command -v "$tool")" "$tmp/path/$tool"; done
run() { env -i PATH="$tmp/path" HOME="$tmp/home" "$@"; }
if run bash -c 'command -v java'; then
  echo "dist-test: java is on the test's PATH" >&2
  exit 1
fi

# Each line must be JSON of the schema, and there must be lines.
check() {
  python3 -c '
import json, sys
schema, lines = sys.argv[1], sys.stdin.read().splitlines()
assert lines, "no output"
for line in lines:
    assert json.loads(line)["schema"] == schema, line
print(f"dist-test: {len(lines)} {schema} lines")' "$1"
}
run "$launcher" transcribe --model "$root/models/fixtures/whisper-tiny-random" "$root/models/fixtures/audio/jfk.wav" \
    | check transcript/1
run "$launcher" detect --model "$root/models/fixtures/detr-tiny-random" "$root/models/fixtures/images" | check detections/1
