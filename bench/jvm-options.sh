#!/usr/bin/env bash
# JVM options against each other under the shared harness's full load (issue 17): one packaged hub at a time (G1's
# sizing shows at full speed, which two hubs side by side halve), a fresh data folder each run, the harness's hub
# options plus the variant's own, the CloudEvents door (POST /api/v1/events, the harness's bodies and wrk script).
# Each run: 10 s of warm-up at c=16, then c=16 and c=64 for SECS each; per level readings/s, the hub's CPU per reading
# (utime + stime from /proc over the level) and its peak RSS (sampled every 0.5 s). ROUNDS rounds, the variants in
# turn in each; compare the medians (the machine's speed drifts from minute to minute).
#
#   ./mvnw -B -q package -DskipTests && BENCH=/tmp/bench bench/jvm-options.sh default= min20=-XX:MinHeapFreeRatio=20
#
# Environment: BENCH (a copy of ../shared/bench with payloads generated), DIST (the unpacked hub; default the one in
# distribution/target), ROUNDS (3), SECS (20), PORT (18995), JAVA_OPTS (the harness's hub options; each variant's
# options follow them, so a variant's -XX wins). An option given on the command line is one the hub's own runtime
# settings leave alone (HeapTrim's free ratios): that is what is measured.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/packaged-hub.sh
BENCH=${BENCH:?a copy of the shared harness with payloads generated}
PAYLOADS="$BENCH/payloads/generated"
LUA="$BENCH/payloads/post-batch.lua"
DIST=${DIST:-$(ls -d distribution/target/datenhafen-*/ | head -1)}
DIST=${DIST%/}
ROUNDS=${ROUNDS:-3}
SECS=${SECS:-20}
PORT=${PORT:-18995}
JAVA_OPTS=${JAVA_OPTS:--Xms16m -Xmx512m -XX:+UseG1GC -XX:MaxMetaspaceSize=256m -Xss512k}
[ $# -ge 1 ] || { echo "usage: $0 label=[jvm options] ..." >&2; exit 2; }
SERVER=""
WORK=$(mktemp -d)
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT

post() { # conns seconds slot out
  wrk -t2 -c"$1" -d"$2s" --timeout 10s -s "$LUA" "http://127.0.0.1:$PORT/api/v1/events" -- "$PAYLOADS" 100 16 ce \
    "$3" "$HUB_TOKEN" >"$4" 2>&1 || true
}

for ((r = 1; r <= ROUNDS; r++)); do
  for spec in "$@"; do
    label=${spec%%=*}; extra=${spec#*=}
    data="$WORK/data-$label-$r"; mkdir -p "$data"
    # shellcheck disable=SC2086 # the options are words
    DATENHAFEN_HTTP_HOST=127.0.0.1 DATENHAFEN_HTTP_PORT=$PORT DATENHAFEN_DATA_DIR="$data" DATENHAFEN_ADMIN_TOKEN=$HUB_TOKEN \
      DATENHAFEN_JAVA_OPTS="$JAVA_OPTS $extra" DATENHAFEN_CDS=false "$DIST/bin/datenhafen" >"$WORK/log-$label-$r" 2>&1 &
    SERVER=$!
    wait_hub_ready "$SERVER" "$PORT" "$WORK/log-$label-$r"
    post 16 10 0 /dev/null
    line="$label round $r"
    for c in 16 64; do
      peak_rss "$SERVER" $((SECS + 5)) "$WORK/peak" & sampler=$!
      c0=$(cpu_ticks "$SERVER")
      post "$c" "$SECS" $((c / 16)) "$WORK/wrk"
      c1=$(cpu_ticks "$SERVER")
      kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
      line="$line | c=$c $(sed -n 's/^WRKJSON //p' "$WORK/wrk" | python3 -c '
import json, os, sys
j = json.loads(sys.stdin.read()); secs, ticks, peak = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
readings = j["rps"] * 100
print("%.0f readings/s, %.2f us CPU/reading, peak RSS %d MiB" % (readings,
      ticks / os.sysconf("SC_CLK_TCK") * 1e6 / (readings * secs), peak / 1024))' "$SECS" $((c1 - c0)) \
        "$(cat "$WORK/peak")")"
    done
    echo "$line | load $(cut -d' ' -f1 /proc/loadavg)"
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
    rm -rf "$data"
  done
done
