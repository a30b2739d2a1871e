#!/usr/bin/env bash
# scripts/engine-crash-loop.sh [cycles] [seed]
# The long memory-store crash test: a child JVM runs a multi-user workload through MemoryStore on disk
# (SYNC; puts, updates, deletes, journal entries, events, compactions, checkpoints, evictions) from
# several threads and prints each acknowledged mutation; this loop kills it with SIGKILL at random
# moments (default 200 times), reopens the store and verifies every acknowledged mutation after each
# kill. Prints progress every 10 cycles and a SUMMARY line; exits 1 on any problem. CI runs a short
# version (MemoryStoreKillTest, 6 cycles). HARNESS=ingest runs the same loop through the embedded API
# (EngramCrashHarness: every acknowledged ingestion applied exactly once; CI: EngramKillTest, 3 cycles).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/scripts/find-jdk.sh"

cycles="${1:-200}"
seed="${2:-$(( (RANDOM << 16) ^ RANDOM ))}"
case "$cycles" in ''|*[!0-9]*) echo "usage: scripts/engine-crash-loop.sh [cycles] [seed]" >&2; exit 2 ;; esac

./mvnw -q -B -o -pl engine -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/crash-cp.txt -Dmdep.includeScope=test >&2
flags="$(sed -n 's:.*<engram.jvm.flags>\(--[^<]*\)</engram.jvm.flags>.*:\1:p' pom.xml | head -1)"
dir="$(mktemp -d "${TMPDIR:-/tmp}/engram-engine-crash.XXXXXX")"
# Kept when the loop finds a problem (exit 1), so the failing cycle's data and child output can be examined.
trap 'rc=$?; if [ "$rc" -eq 0 ]; then rm -rf "$dir"; else echo "data and child output kept in $dir" >&2; fi' EXIT
# Run from a copy of this checkout's classes (never ~/.m2 copies of Engram modules), so that a build
# during the loop cannot break the children.
cp_line=""
for m in engine wal index-hnsw extraction; do
  for k in classes test-classes; do
    if [ -d "$m/target/$k" ]; then
      mkdir -p "$dir/$m-$k"; cp -r "$m/target/$k/." "$dir/$m-$k/"; cp_line="$cp_line:$dir/$m-$k"
    fi
  done
done
deps="$(tr ':' '\n' < engine/target/crash-cp.txt | grep -v '/dev/engram/' | grep -v '/engram-' | paste -sd: -)"
case "${HARNESS:-store}" in
  store) main=dev.engram.internal.store.MemoryStoreCrashHarness ;;
  ingest) main=dev.engram.internal.pipeline.EngramCrashHarness ;;   # through Engram: ingestions applied exactly once
  *) echo "HARNESS must be store or ingest" >&2; exit 2 ;;
esac
echo "engine crash loop (${HARNESS:-store}): $cycles cycles, seed $seed, data in $dir/data"
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $flags "-Dengram.jvm.flags=$flags" -Xmx512m \
  -cp "${cp_line#:}:$deps" "$main" loop "$cycles" "$dir/data" "$seed"
