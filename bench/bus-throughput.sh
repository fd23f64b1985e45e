#!/usr/bin/env bash
# The bus benchmark (issue 3): batches of 100 air-quality readings as CloudEvents, posted by concurrent clients to
# POST /api/v1/events of the packaged hub, and in the same run to the baseline server in bench/ (Vert.x, the SDK's
# JSON parse, one batched H2 insert per request with WRITE_DELAY=0, answer). For each: committed events/s, p50 and
# p99 latency of the answer, and the server's resident memory (VmRSS start/max/end), at full speed and at a steady
# rate; then bytes on disk per stored event after DISK_EVENTS readings into a fresh hub.
#
#   ./mvnw -B -q package -DskipTests && bench/bus-throughput.sh [seconds-per-phase]
#
# Environment: WARMUP (s, default 10), CLIENTS (full speed, default 8), RATE (steady events/s, default 10000),
# DISK_EVENTS (default 1000000; 0 skips), LONG (seconds of an extra steady run on the hub to show memory over time,
# default 0), PORT (default 18995), DIST (an unpacked server instead of the one in distribution/target).
# The load generator runs on the same machine and shares its cores.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-30}
WARMUP=${WARMUP:-10}
CLIENTS=${CLIENTS:-8}
RATE=${RATE:-10000}
DISK_EVENTS=${DISK_EVENTS:-1000000}
LONG=${LONG:-0}
PORT=${PORT:-18995}
TOKEN=bench-admin-token-0123456789
JAVA_OPTS="-Xms64m -Xmx1g -XX:+UseG1GC -XX:MaxMetaspaceSize=256m -Xss512k" # bin/datenhafen's default

DIST=${DIST:-$(ls -d distribution/target/datenhafen-*/ 2>/dev/null | head -1)}
DIST=${DIST%/}/
JAR=$(ls bench/target/datenhafen-bench-*.jar 2>/dev/null | head -1)
[ -x "${DIST}bin/datenhafen" ] && [ -n "$JAR" ] || { echo "build first: ./mvnw -B -q package -DskipTests" >&2; exit 1; }
CP="$JAR:${DIST}lib/*"
WORK=$(mktemp -d)
SERVER=""
stop_server() { # SIGTERM the server this script started, by its pid
  if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; fi
  SERVER=""
}
trap 'stop_server; rm -rf "$WORK"' EXIT

wait_ready() { # url
  local deadline=$(( $(date +%s) + 120 ))
  until curl -sf -o /dev/null "$1"; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "timeout waiting for $1" >&2; exit 1; }
    sleep 0.2
  done
}
start_hub() { # folder
  mkdir -p "$1"; cp -r "${DIST}bin" "${DIST}conf" "${DIST}lib" "${DIST}plugins" "$1/"
  DATENHAFEN_HTTP_HOST=127.0.0.1 DATENHAFEN_HTTP_PORT=$PORT DATENHAFEN_ADMIN_TOKEN=$TOKEN \
    DATENHAFEN_JAVA_OPTS="$JAVA_OPTS" "$1/bin/datenhafen" > "$1.log" 2>&1 &
  SERVER=$! # bin/datenhafen execs the JVM: this is the server's pid
  wait_ready "http://127.0.0.1:$PORT/health/ready"
}
start_baseline() { # folder
  java $JAVA_OPTS -cp "$CP" de.datenhafen.bench.BaselineServer "$PORT" "$1" "$TOKEN" > "$1.log" 2>&1 &
  SERVER=$!
  wait_ready "http://127.0.0.1:$PORT/health"
}
load() { # label, extra args...
  local label=$1; shift
  java -Xmx512m -cp "$CP" de.datenhafen.bench.LoadGenerator --url="http://127.0.0.1:$PORT/api/v1/events" \
    --token="$TOKEN" --pid="$SERVER" --label="$label" --id-prefix="$label-$RANDOM" "$@" | tee -a "$WORK/results"
}
get() { # label, key
  awk -v l="label=$1" -v k="$2=" '$2 == l { for (i = 3; i <= NF; i++) if (index($i, k) == 1) print substr($i, length(k) + 1) }' \
    "$WORK/results"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

echo "# $(date -u +%FT%TZ), $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $SECS s per phase after $WARMUP s warm-up; full speed: $CLIENTS clients; steady: $RATE events/s; batches of 100"
start_hub "$WORK/hub"
load hub-full --clients="$CLIENTS" --rate=0 --warmup="$WARMUP" --seconds="$SECS"
load hub-steady --clients=32 --rate="$RATE" --warmup=5 --seconds="$SECS"
stop_server
start_baseline "$WORK/baseline"
load base-full --clients="$CLIENTS" --rate=0 --warmup="$WARMUP" --seconds="$SECS"
load base-steady --clients=32 --rate="$RATE" --warmup=5 --seconds="$SECS"
stop_server

echo
printf '%-26s %12s %12s %12s\n' "" hub baseline hub/baseline
for phase in full steady; do
  for key in events_per_s p50_ms p99_ms max_ms rss_start_mb rss_max_mb rss_end_mb busy errors; do
    h=$(get "hub-$phase" "$key"); b=$(get "base-$phase" "$key")
    printf '%-26s %12s %12s %12s\n' "$phase $key" "$h" "$b" "$(ratio "$h" "$b")"
  done
done

if [ "$DISK_EVENTS" -gt 0 ]; then
  echo
  start_hub "$WORK/disk"
  load hub-disk --clients="$CLIENTS" --rate=0 --max-events="$DISK_EVENTS" > /dev/null
  stored=$(get hub-disk events)
  running=$(stat -c %s "$WORK/disk/data/datenhafen.mv.db")
  stop_server # a clean stop compacts the file
  stopped=$(stat -c %s "$WORK/disk/data/datenhafen.mv.db")
  echo "disk: $stored events in $(get hub-disk seconds) s ($(get hub-disk events_per_s)/s); datenhafen.mv.db" \
    "$running bytes while running = $(ratio "$running" "$stored") bytes/event," \
    "$stopped bytes after a clean stop = $(ratio "$stopped" "$stored") bytes/event"
fi

if [ "$LONG" -gt 0 ]; then
  echo
  start_hub "$WORK/long"
  for i in $(seq 1 $(( (LONG + 59) / 60 ))); do # one line a minute, to see memory over time
    load "hub-long-$i" --clients=32 --rate="$RATE" --warmup=0 --seconds=60
  done
  stop_server
fi
