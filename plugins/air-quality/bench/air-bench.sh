#!/usr/bin/env bash
# The air-quality plugin's numbers (issue 4), on the packaged hub:
#  1. ingest: concurrent clients POST batches of The Things Stack uplinks to airquality-http while one client asks
#     GET /sites ten times a second: readings committed per second, request p50/p99, /sites p50/p99. The devices are
#     the simulator's 2,500 (it registers them and, at a tiny speed-up, sends almost nothing itself). The projections
#     integration runs too (it follows the bus as it would in production).
#  2. the raw bus for comparison, in the same run: bench/'s LoadGenerator posting CloudEvents batches of the same size
#     to /api/v1/events (if bench/target has its jar).
#  3. storage: the plugin's tables filled directly over JDBC in a fresh H2 file (no hub) with ROOMS rooms, RAW_DAYS of
#     5-minute readings and AVG_DAYS of 20-minute buckets: bytes per raw reading and a week's history query p50/p99.
#
#   ./mvnw -B -q package -DskipTests && plugins/air-quality/bench/air-bench.sh [seconds]
#
# Environment: CLIENTS (8), BATCH (100), ROOMS (250), RAW_DAYS (90), AVG_DAYS (365), SKIP_STORAGE (0), PORT (18996),
# DIST.
set -euo pipefail
cd "$(dirname "$0")/../../.."
SECS=${1:-30}
CLIENTS=${CLIENTS:-8}
BATCH=${BATCH:-100}
ROOMS=${ROOMS:-250}
RAW_DAYS=${RAW_DAYS:-90}
AVG_DAYS=${AVG_DAYS:-365}
PORT=${PORT:-18996}
TOKEN=bench-admin-token-0123456789
HUB=http://127.0.0.1:$PORT
DIST=${DIST:-$(ls -d distribution/target/datenhafen-*/ 2>/dev/null | head -1)}
DIST=${DIST%/}/
[ -x "${DIST}bin/datenhafen" ] && ls "${DIST}plugins/" | grep -q air-quality || {
  echo "build first: ./mvnw -B -q package -DskipTests" >&2; exit 1; }
H2=$(ls "${DIST}"lib/h2-*.jar | head -1)
BENCH=plugins/air-quality/bench/AirBench.java
WORK=$(mktemp -d)
SERVER=""
stop_server() { if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; fi; SERVER=""; }
trap 'stop_server; rm -rf "$WORK"' EXIT
wait_for() { # url, grep pattern
  local deadline=$(( $(date +%s) + 180 ))
  until curl -sf "$1" 2>/dev/null | grep -q "$2"; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "timeout waiting for $1" >&2; exit 1; }
    sleep 0.5
  done
}
create() { # name connector config-json
  curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$HUB/api/v1/admin/integrations" \
    -d "{\"name\":\"$1\",\"connector\":\"$2\",\"config\":$3}" > /dev/null
}

echo "# $(date -u +%FT%TZ), $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
mkdir -p "$WORK/hub"; cp -r "${DIST}bin" "${DIST}conf" "${DIST}lib" "${DIST}plugins" "$WORK/hub/"
DATENHAFEN_HTTP_HOST=127.0.0.1 DATENHAFEN_HTTP_PORT=$PORT DATENHAFEN_ADMIN_TOKEN=$TOKEN \
  "$WORK/hub/bin/datenhafen" > "$WORK/hub.log" 2>&1 &
SERVER=$!
wait_for "$HUB/health/ready" "."
create aq-projections airquality-projections '{}'
create aq-http airquality-http '{}'
create aq-sim airquality-simulator '{"speed-up":0.0001}'
wait_for "$HUB/api/v1/plugins/air-quality/sites" "sim-70"
java -cp "$H2" "$BENCH" ingest "$HUB/api/v1/plugins/air-quality" "$CLIENTS" "$SECS" "$BATCH" 2500
JAR=$(ls bench/target/datenhafen-bench-*.jar 2>/dev/null | head -1 || true)
if [ -n "$JAR" ]; then
  java -Xmx512m -cp "$JAR:${DIST}lib/*" de.datenhafen.bench.LoadGenerator --url="$HUB/api/v1/events" \
    --token="$TOKEN" --pid="$SERVER" --label=raw-bus --id-prefix="raw-$RANDOM" --clients="$CLIENTS" --rate=0 \
    --warmup=5 --seconds="$SECS"
fi
stop_server
[ "${SKIP_STORAGE:-0}" = 1 ] || java -Xmx2g -cp "$H2" "$BENCH" storage "$WORK/store" "$ROOMS" "$RAW_DAYS" "$AVG_DAYS" \
  plugins/air-quality/src/main/resources/db/plugin/V1__air_quality.sql
