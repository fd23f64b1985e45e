#!/usr/bin/env bash
# Where the CPU of an ingest goes (issue 17): starts the packaged hub with Java Flight Recorder, puts the shared
# harness's load on one door for a while, dumps the recording and prints the hottest frames (top of stack and
# anywhere on the stack, own package frames apart), the allocation by class, GC and the CPU per reading.
#
#   ./mvnw -B -q package -DskipTests && bench/ingest-profile.sh H|Ha [seconds]
#
# H: POST /api/v1/events, 100 CloudEvents per batch; Ha: the air-quality plugin's plain batch of 100 (its registry
# and ingest integrations are created first, as the harness does; all requests carry the admin token, as hub-admins
# may post to the plugin's ingest). The load is the harness's wrk script
# (BENCH: a copy of ../shared/bench with payloads generated, default ../shared/bench), at CONNS connections (16).
# Environment: DIST (an unpacked server), PORT (18996), JAVA_OPTS (the harness's hub options), OUT (a folder kept
# with the recording, wrk's output and the summary; default a temporary folder that is kept).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/packaged-hub.sh
TARGET=${1:?H or Ha}
SECS=${2:-20}
BENCH=${BENCH:-../shared/bench}
CONNS=${CONNS:-16}
PORT=${PORT:-18996}
JAVA_OPTS=${JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseG1GC -XX:MaxMetaspaceSize=256m -Xss512k}
TOKEN=$HUB_TOKEN
DIST=${DIST:-$(ls -d distribution/target/datenhafen-*/ 2>/dev/null | head -1)}
DIST=${DIST%/}
OUT=${OUT:-$(mktemp -d)}
PAYLOADS="$BENCH/payloads/generated"
[ -x "$DIST/bin/datenhafen" ] || { echo "build first: ./mvnw -B -q package -DskipTests" >&2; exit 1; }
[ -f "$PAYLOADS/ce-100-00.json" ] || { echo "no payloads in $PAYLOADS: copy the harness and run payloads/gen_batch.py" >&2; exit 1; }
mkdir -p "$OUT/data"
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null || true' EXIT

DATENHAFEN_HTTP_HOST=127.0.0.1 DATENHAFEN_HTTP_PORT=$PORT DATENHAFEN_DATA_DIR="$OUT/data" DATENHAFEN_CDS=false \
DATENHAFEN_ADMIN_TOKEN=$TOKEN \
DATENHAFEN_JAVA_OPTS="$JAVA_OPTS -XX:FlightRecorderOptions=stackdepth=256 -XX:StartFlightRecording=settings=profile,filename=$OUT/hub.jfr" \
  "$DIST/bin/datenhafen" >"$OUT/server.log" 2>&1 &
SERVER=$!
wait_hub_ready "$SERVER" "$PORT" "$OUT/server.log"
if [ "$TARGET" = Ha ]; then
  prepare_aq_ingest "$PORT" "$PAYLOADS"
  URL=http://127.0.0.1:$PORT/api/v1/plugins/air-quality/uplinks
  ARGS=("$PAYLOADS" 100 16 aq)
else
  URL=http://127.0.0.1:$PORT/api/v1/events
  ARGS=("$PAYLOADS" 100 16 ce)
fi
BEARER=$TOKEN
echo "idle RSS $(rss_kb "$SERVER") kB; load $(uptime | sed 's/.*load average: //')" | tee "$OUT/summary.txt"
# warm-up (slot 0), then the profiled run (slot 1): every request's ids are new
wrk -t2 -c"$CONNS" -d10s -s "$BENCH/payloads/post-batch.lua" "$URL" -- "${ARGS[@]}" 0 "$BEARER" >"$OUT/wrk-warmup.txt" 2>&1
jcmd "$SERVER" JFR.stop >/dev/null
jcmd "$SERVER" JFR.start settings=profile name=load >/dev/null
T0=$(cpu_ticks "$SERVER")
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$BENCH/payloads/post-batch.lua" "$URL" -- "${ARGS[@]}" 1 "$BEARER" \
  >"$OUT/wrk.txt" 2>&1
T1=$(cpu_ticks "$SERVER")
jcmd "$SERVER" JFR.dump name=load filename="$OUT/load.jfr" >/dev/null
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
python3 - "$OUT" "$T0" "$T1" "$(getconf CLK_TCK)" <<'EOF' | tee -a "$OUT/summary.txt"
import json, re, sys
out, t0, t1, tck = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
j = json.loads(re.search(r"^WRKJSON (.*)$", open(out + "/wrk.txt").read(), re.M).group(1))
readings = (j["requests"] - j["err_status"]) * 100
cpu = (t1 - t0) / tck
print("%d readings/s, p50 %.1f ms, p99 %.1f ms, server CPU %.1f s = %.1f us/reading" % (
    readings / j["duration_s"], j["p50_us"] / 1000, j["p99_us"] / 1000, cpu, cpu * 1e6 / max(1, readings)))
EOF
jfr print --stack-depth 200 --events jdk.ExecutionSample "$OUT/load.jfr" >"$OUT/samples.txt"
jfr print --stack-depth 200 --events jdk.ObjectAllocationSample "$OUT/load.jfr" >"$OUT/alloc.txt"
python3 bench/jfr-summary.py "$OUT" | tee -a "$OUT/summary.txt"
echo "kept in $OUT (load.jfr: jfr summary / jfr print)"
