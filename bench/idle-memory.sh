#!/usr/bin/env bash
# What the idle hub's memory is (issue 17): starts the packaged hub (fresh data folder, the four shipped plugins,
# no --demo) with native memory tracking, waits SETTLE seconds after ready, and prints its RSS, the JVM's own account
# (jcmd VM.native_memory summary: heap, metaspace, code cache, threads, GC, ...), the threads by name, and the
# largest classes on the heap after a full GC.
#
#   ./mvnw -B -q package -DskipTests && bench/idle-memory.sh [label=unpacked-hub-folder ...]
#
# With several folders it measures each in turn (e.g. before=/tmp/hub-before after=distribution/target/...), ROUNDS
# times alternating, and prints the RSS of each round. Environment: ROUNDS (1), SETTLE (10 s), PORT (18998),
# JAVA_OPTS (default: what bin/datenhafen uses when DATENHAFEN_JAVA_OPTS is unset), OUT (folder for the reports).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/packaged-hub.sh
ROUNDS=${ROUNDS:-1}
SETTLE=${SETTLE:-10}
PORT=${PORT:-18998}
OUT=${OUT:-$(mktemp -d)}
[ $# -ge 1 ] || set -- "tree=$(ls -d distribution/target/datenhafen-*/ | head -1)"
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null || true' EXIT
for ((r = 1; r <= ROUNDS; r++)); do
  for spec in "$@"; do
    label=${spec%%=*}; dist=${spec#*=}; dist=${dist%/}
    data="$OUT/data-$label-$r"; rm -rf "$data"; mkdir -p "$data"
    # JAVA_OPTS unset: the script's own default; the tracking flag is added either way
    if [ -n "${JAVA_OPTS:-}" ]; then export DATENHAFEN_JAVA_OPTS="$JAVA_OPTS -XX:NativeMemoryTracking=summary"
    else export DATENHAFEN_JAVA_OPTS="$(sed -n 's/^: "${DATENHAFEN_JAVA_OPTS:=\(.*\)}"$/\1/p' "$dist/bin/datenhafen") -XX:NativeMemoryTracking=summary"; fi
    DATENHAFEN_HTTP_HOST=127.0.0.1 DATENHAFEN_HTTP_PORT=$PORT DATENHAFEN_DATA_DIR="$data" DATENHAFEN_CDS=false \
    DATENHAFEN_ADMIN_TOKEN=$HUB_TOKEN "$dist/bin/datenhafen" >"$OUT/server-$label-$r.log" 2>&1 &
    SERVER=$!
    wait_hub_ready "$SERVER" "$PORT" "$OUT/server-$label-$r.log"
    sleep "$SETTLE"
    rss=$(awk '/^VmRSS/{print $2}' /proc/$SERVER/status)
    threads=$(ls /proc/$SERVER/task | wc -l)
    {
      echo "== $label round $r: RSS $((rss / 1024)) MiB, $threads threads, load $(uptime | sed 's/.*load average: //')"
      jcmd "$SERVER" VM.native_memory summary | sed -n '/^Total/,/^$/p;/^-/p' | grep -E 'Total|committed' | \
        sed -E 's/\(reserved=[0-9]+KB, //; s/\)//' | grep -vE 'committed=0KB' | head -40
      echo "-- threads by name"
      for t in /proc/$SERVER/task/*; do cat "$t/comm"; done | sed -E 's/[-#]?[0-9]+$//' | sort | uniq -c | sort -rn | head -25
      echo "-- heap after a full GC (jcmd GC.class_histogram), largest 15"
      jcmd "$SERVER" GC.class_histogram | sed -n '4,18p'
      jcmd "$SERVER" GC.class_histogram | tail -1
    } | tee "$OUT/memory-$label-$r.txt"
    echo "$label	$r	$((rss / 1024))	$threads" >>"$OUT/rss.tsv"
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
  done
done
echo "== idle RSS MiB (label, round, RSS after ${SETTLE} s, threads)"
cat "$OUT/rss.tsv"
echo "kept in $OUT"
