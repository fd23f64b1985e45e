#!/usr/bin/env bash
# What the idle hub's memory is (issue 17): starts the packaged hub (fresh data folder, the four shipped plugins,
# no --demo) with native memory tracking, waits SETTLE seconds after ready, and prints its RSS (anonymous and
# file-backed), the JVM's own account (jcmd VM.native_memory summary: heap, metaspace, code cache, threads, GC, ...),
# the heap, the classes per class loader, the threads by name, and the largest classes on the heap after a full GC.
#
#   ./mvnw -B -q package -DskipTests && bench/idle-memory.sh [label=unpacked-hub-folder ...]
#
# With several folders it measures each in turn (e.g. before=/tmp/hub-before after=distribution/target/...), ROUNDS
# times alternating, and prints the RSS of each round. Environment: ROUNDS (1), SETTLE (10 s), PORT (18998),
# JAVA_OPTS (default: what bin/datenhafen uses when DATENHAFEN_JAVA_OPTS is unset; HARNESS=1 gives the shared
# harness's hub options), OUT (folder for the reports), NMT (summary; "detail" adds what of each category is
# resident, bench/nmt-resident.py; "off" measures without tracking, which costs about 5 MiB).
# As the harness does it (BENCH: a copy of ../shared/bench with payloads generated): TARGET=H posts one batch of 100
# CloudEvents after ready, TARGET=Ha creates the registry integration, imports the 2,500 devices and creates the
# ingest integration; with SETTLE=0 the idle figure is taken right after that set-up, where the harness takes it.
# LOAD=<seconds> then loads TARGET's door with the harness's wrk script at c=16 and at c=64 for that long each,
# samples the RSS every 0.5 s (the harness's peak) and prints the same report at the end of the load; AFTER=<seconds>
# waits that long after the load and reports again (what the hub gives back once quiet). TIMELINE=<seconds> samples
# the RSS and (with tracking) the compilers' arenas every 0.25 s from the JVM's start for that long, marks ready and
# the set-up's end, and prints the timeline after the round (where start-up's memory goes and when it comes back).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/packaged-hub.sh
ROUNDS=${ROUNDS:-1}
SETTLE=${SETTLE:-10}
PORT=${PORT:-18998}
NMT=${NMT:-summary}
TARGET=${TARGET:-}
LOAD=${LOAD:-0}
AFTER=${AFTER:-0}
TIMELINE=${TIMELINE:-0}
OUT=${OUT:-$(mktemp -d)}
[ "${HARNESS:-0}" = 1 ] && JAVA_OPTS=${JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseG1GC -XX:MaxMetaspaceSize=256m -Xss512k}
if [ -n "$TARGET" ]; then
  PAYLOADS="${BENCH:?TARGET needs BENCH, a copy of the shared harness}/payloads/generated"
  LUA="$BENCH/payloads/post-batch.lua"
fi
[ $# -ge 1 ] || set -- "tree=$(ls -d distribution/target/datenhafen-*/ | head -1)"
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null || true' EXIT

setup() { # port: the harness's set-up of TARGET
  case $TARGET in
    Ha) prepare_aq_ingest "$1" "$PAYLOADS" ;;
    H) sed 's/@U@/preflight/g' "$PAYLOADS/ce-100-00.json" | curl -sS --fail-with-body -o /dev/null \
         -H "Authorization: Bearer $HUB_TOKEN" -H 'Content-Type: application/cloudevents-batch+json' \
         --data-binary @- "http://127.0.0.1:$1/api/v1/events" ;;
  esac
}

report() { # pid title: everything but the class histogram (a full GC: taken last, by the caller)
  local pid=$1 rss threads
  rss=$(rss_kb "$pid")
  threads=$(ls /proc/$pid/task | wc -l)
  echo "== $2: RSS $((rss / 1024)) MiB, $threads threads, load $(uptime | sed 's/.*load average: //')"
  awk '/^(Rss|Anonymous|Shared_Clean|Private_Clean):/{printf "%s %d MiB  ", $1, $2 / 1024} END {print ""}' \
    /proc/$pid/smaps_rollup
  # the largest anonymous mappings (Java heap, C heap arenas, metaspace, code cache) and what file pages are resident
  awk '/^[0-9a-f]+-[0-9a-f]+ /{name = ($6 == "" ? "[anon]" : $6)} /^Rss:/{rss[name] += $2}
       END {for (n in rss) if (rss[n] >= 1024) printf "%8d KiB  %s\n", rss[n], n}' /proc/$pid/smaps | sort -rn | head -12 \
    || true # head ends the pipe early: sort's SIGPIPE must not end the script (pipefail)
  if [ "$NMT" != off ]; then
    jcmd "$pid" VM.native_memory summary | sed -n '/^Total/,/^$/p;/^-/p' | grep -E 'Total|committed' | \
      sed -E 's/\(reserved=[0-9]+KB, //; s/\)//' | grep -vE 'committed=0KB' | head -40 || true
  fi
  [ "$NMT" = detail ] && python3 bench/nmt-resident.py "$pid"
  echo "-- heap"
  jcmd "$pid" GC.heap_info | sed -n '2,4p'
  echo "-- class loaders (classes, metaspace chunks), largest 8"
  jcmd "$pid" VM.classloader_stats | awk 'NR > 2 && $5 ~ /^[0-9]+$/ {print}' | sort -k5 -rn | head -8 | \
    awk '{printf "%6d classes %6d KiB  %s\n", $4, $5 / 1024, $NF}' || true
  echo "-- threads by name"
  for t in /proc/$pid/task/*; do cat "$t/comm"; done | sed -E 's/[-#]?[0-9]+$//' | sort | uniq -c | sort -rn | head -25 || true
}

timeline() { # pid start-ns seconds: RSS and NMT's "Arena Chunk" (the compilers' arenas) every 0.25 s
  local pid=$1 t0=$2 end=$(( $(date +%s) + $3 )) arena
  while [ "$(date +%s)" -lt "$end" ] && kill -0 "$pid" 2>/dev/null; do
    arena=""
    [ "$NMT" != off ] && arena=$(jcmd "$pid" VM.native_memory summary 2>/dev/null | \
      sed -n 's/^-  *Arena Chunk (reserved=[0-9]*KB, committed=\([0-9]*\)KB)/\1/p' || true)
    echo "$(( ($(date +%s%N) - t0) / 1000000 )) ms RSS $(( $(rss_kb "$pid" || echo 0) / 1024 )) MiB${arena:+, compiler arenas $((arena / 1024)) MiB}"
    sleep 0.25
  done
}

histogram() { # pid
  echo "-- heap after a full GC (jcmd GC.class_histogram), largest 15"
  jcmd "$1" GC.class_histogram | sed -n '4,18p'
  jcmd "$1" GC.class_histogram | tail -1
}

load() { # port slot conns seconds out
  local route=/api/v1/events kind=ce
  [ "$TARGET" = Ha ] && { route=/api/v1/plugins/air-quality/uplinks; kind=aq; }
  wrk -t2 -c"$3" -d"$4s" --timeout 10s --latency -s "$LUA" "http://127.0.0.1:$1$route" -- "$PAYLOADS" 100 16 \
    "$kind" "$2" "$HUB_TOKEN" >"$5" 2>&1 || true
  sed -n 's/^WRKJSON //p' "$5" | python3 -c 'import json, sys; j = json.loads(sys.stdin.read())
print("   %.0f readings/s, p99 %.1f ms, %d non-2xx" % (j["rps"] * 100, j["p99_us"] / 1000, j["err_status"]))'
}

for ((r = 1; r <= ROUNDS; r++)); do
  for spec in "$@"; do
    label=${spec%%=*}; dist=${spec#*=}; dist=${dist%/}
    data="$OUT/data-$label-$r"; rm -rf "$data"; mkdir -p "$data"
    nmt=""; [ "$NMT" != off ] && nmt="-XX:NativeMemoryTracking=$NMT"
    # JAVA_OPTS unset: the script's own default; the tracking flag is added either way
    if [ -n "${JAVA_OPTS:-}" ]; then export DATENHAFEN_JAVA_OPTS="$JAVA_OPTS $nmt"
    else export DATENHAFEN_JAVA_OPTS="$(sed -n 's/^: "${DATENHAFEN_JAVA_OPTS:=\(.*\)}"$/\1/p' "$dist/bin/datenhafen") $nmt"; fi
    DATENHAFEN_HTTP_HOST=127.0.0.1 DATENHAFEN_HTTP_PORT=$PORT DATENHAFEN_DATA_DIR="$data" DATENHAFEN_CDS=false \
    DATENHAFEN_ADMIN_TOKEN=$HUB_TOKEN "$dist/bin/datenhafen" >"$OUT/server-$label-$r.log" 2>&1 &
    SERVER=$!
    tl="$OUT/timeline-$label-$r.txt"; t0=$(date +%s%N)
    # appended to by the sampler and by the marks below alike
    [ "$TIMELINE" -gt 0 ] && { : >"$tl"; timeline "$SERVER" "$t0" "$TIMELINE" >>"$tl" & }
    wait_hub_ready "$SERVER" "$PORT" "$OUT/server-$label-$r.log"
    [ "$TIMELINE" -gt 0 ] && echo "$(( ($(date +%s%N) - t0) / 1000000 )) ms ready" >>"$tl"
    setup "$PORT"
    [ "$TIMELINE" -gt 0 ] && echo "$(( ($(date +%s%N) - t0) / 1000000 )) ms set-up done" >>"$tl"
    sleep "$SETTLE"
    rss=$(rss_kb "$SERVER")
    threads=$(ls /proc/$SERVER/task | wc -l)
    peak=""; after=""
    { report "$SERVER" "$label round $r${TARGET:+ ($TARGET)}, idle"; } | tee "$OUT/memory-$label-$r.txt"
    if [ "$LOAD" -gt 0 ]; then
      peak=0
      for c in 16 64; do
        peak_rss "$SERVER" $((LOAD + 5)) "$OUT/.peak" & sampler=$!
        echo "-- load c=$c, $LOAD s" | tee -a "$OUT/memory-$label-$r.txt"
        load "$PORT" "$((c / 16))" "$c" "$LOAD" "$OUT/wrk-$label-$r-$c.txt" | tee -a "$OUT/memory-$label-$r.txt"
        kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
        p=$(cat "$OUT/.peak"); ((p > peak)) && peak=$p
      done
      { report "$SERVER" "$label round $r ($TARGET), end of load, peak RSS $((peak / 1024)) MiB"; } \
        | tee -a "$OUT/memory-$label-$r.txt"
      peak=$((peak / 1024))
      if [ "$AFTER" -gt 0 ]; then
        sleep "$AFTER"
        { report "$SERVER" "$label round $r ($TARGET), $AFTER s after the load"; } | tee -a "$OUT/memory-$label-$r.txt"
        after=$(( $(rss_kb "$SERVER") / 1024 ))
      fi
    fi
    if [ "$TIMELINE" -gt 0 ]; then
      wait_for_timeline=$(( TIMELINE - ($(date +%s%N) - t0) / 1000000000 ))
      [ "$wait_for_timeline" -gt 0 ] && sleep "$wait_for_timeline"
      echo "-- timeline from the JVM's start"; sort -n "$tl" | tee -a "$OUT/memory-$label-$r.txt"
    fi
    histogram "$SERVER" | tee -a "$OUT/memory-$label-$r.txt"
    echo "$label	$r	$((rss / 1024))	$threads	$peak	$after" >>"$OUT/rss.tsv"
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
  done
done
echo "== RSS MiB (label, round, idle RSS ${SETTLE} s after ready${TARGET:+ and the set-up of $TARGET}, threads, peak under load$( [ "$AFTER" -gt 0 ] && echo ", RSS $AFTER s after it"))"
cat "$OUT/rss.tsv"
echo "kept in $OUT"
