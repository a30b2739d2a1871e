#!/usr/bin/env bash
# scripts/wal-crash-loop.sh [cycles] [seed]
# The long WAL crash test: a child JVM appends in SYNC mode and reports each acknowledgment; this
# loop kills it with SIGKILL at random moments (default 1000 times) and verifies after each kill that
# every acknowledged record survived. Prints progress every 10 cycles and a SUMMARY line; exits 1 if
# any acknowledged record was lost or altered. CI runs a short version (CrashTest, 36 cycles).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/scripts/find-jdk.sh"

cycles="${1:-1000}"
seed="${2:-$(( (RANDOM << 16) ^ RANDOM ))}"
case "$cycles" in ''|*[!0-9]*) echo "usage: scripts/wal-crash-loop.sh [cycles] [seed]" >&2; exit 2 ;; esac

./mvnw -q -B -pl wal test-compile >&2
flags="$(sed -n 's:.*<engram.jvm.flags>\(--[^<]*\)</engram.jvm.flags>.*:\1:p' pom.xml | head -1)"
dir="$(mktemp -d "${TMPDIR:-/tmp}/engram-wal-crash.XXXXXX")"
trap 'rm -rf "$dir" "$dir-child.err"' EXIT
# Run from a copy of the classes, so that a build in this checkout during the loop cannot break the children.
mkdir -p "$dir/classes" "$dir/test-classes"
cp -r wal/target/classes/. "$dir/classes/"
cp -r wal/target/test-classes/. "$dir/test-classes/"
echo "wal crash loop: $cycles cycles, seed $seed, log in $dir/wal"
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $flags "-Dengram.jvm.flags=$flags" -Xmx512m \
  -cp "$dir/classes:$dir/test-classes" dev.engram.wal.CrashHarness loop "$cycles" "$dir/wal" "$seed"
