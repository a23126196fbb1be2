#!/usr/bin/env bash
# Makes the self-contained distribution, target/dist/sensorium-VERSION-linux-x64[-gpu].tar.gz: the launcher
# (bin/sensorium), the command-line jar (lib/sensorium.jar) with its native libraries unpacked (lib/natives), and a
# Java runtime made by jlink (runtime/), so the target machine needs no JDK.
#
#   deploy/dist.sh [--gpu] [-- MAVEN_ARGS...]   build the jar (the Maven profile gpu with --gpu) and the archive
#   deploy/dist.sh [--gpu] --name               print the archive's path (relative to the repository) and stop
#
# The runtime is this JDK's (JAVA_HOME, else the java on PATH), so the target needs a glibc at least as new as
# this machine's. With --gpu the jar in src/cli/target is the GPU one until the next plain `mvn package`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
flavour=""
profile=()
name_only=false
while [ $# -gt 0 ]; do
  case "$1" in
    --gpu) flavour=-gpu; profile=(-Pgpu) ;;
    --name) name_only=true ;;
    --) shift; break ;;
    *) echo "usage: deploy/dist.sh [--gpu] [--name] [-- MAVEN_ARGS...]" >&2; exit 2 ;;
  esac
  shift
done
# The project's own version: the root pom's first <version> at the top level of <project>.
version="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$root/pom.xml" | head -1)"
name="sensorium-$version-linux-x64$flavour"
archive="target/dist/$name.tar.gz"
if $name_only; then
  echo "$archive"
  exit 0
fi

(cd "$root" && mvn -q -B -ntp package -DskipTests -pl src/cli -am "${profile[@]}" "$@")
jdk_bin="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}/bin"
stage="$root/target/dist/$name"
rm -rf "$stage" "$root/$archive"
mkdir -p "$stage/bin" "$stage/lib"
cp "$root/deploy/bin/sensorium" "$stage/bin/"
cp "$root/src/cli/target/sensorium.jar" "$stage/lib/"
unzip -q -j "$stage/lib/sensorium.jar" 'ai/onnxruntime/native/linux-x64/*' librocksdbjni-linux64.so -d "$stage/lib/natives"

# The modules the jar's classes name, and those it reaches only by name at run time, which jdeps cannot see:
# TLS's elliptic-curve ciphers (the Hugging Face Hub, SSL listeners), Kerberos's login module for SASL GSSAPI, DNS
# lookups (Kafka's client.dns.lookup), every charset and zip file systems.
modules="$("$jdk_bin/jdeps" -q --multi-release 17 --ignore-missing-deps --print-module-deps "$stage/lib/sensorium.jar")"
modules="$modules,jdk.crypto.ec,jdk.security.auth,jdk.naming.dns,jdk.charsets,jdk.zipfs"
"$jdk_bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --generate-cds-archive \
    --output "$stage/runtime"

tar -C "$root/target/dist" --owner=0 --group=0 -czf "$root/$archive" "$name"
rm -rf "$stage"
echo "$archive"
