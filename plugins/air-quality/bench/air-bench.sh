#!/usr/bin/env bash
# The air-quality plugin's numbers (issue 4). bench/AirBench.java does the work; figures are in bench/RESULTS.md.
#  1. ingest, on the packaged hub: concurrent clients POST batches of The Things Stack uplinks to airquality-http while
#     one client asks GET /sites ten times a second and another GET /health/live (the floor any request gets under
#     that load): readings committed per second, request p50/p99, both GETs' p50/p99. The devices are the simulator's
#     2,500 (it registers them and, at a tiny speed-up, sends almost nothing itself). The projections integration
#     runs too (it follows the bus as it would in production). With BASELINE_PLUGIN=<an air-quality archive>, that
#     archive is measured first on a fresh hub, so two versions of the plugin compare in the same run.
#  2. the raw bus for comparison, in the same run: the projections integration is paused (the raw bus's air.reading
#     events name rooms the registry does not know, which it would fail and retry one by one), the ingest is measured
#     again so, and then bench/'s LoadGenerator posts CloudEvents batches of the same size to /api/v1/events (if
#     bench/target has its jar).
#  3. storage, without a hub: the plugin's schema (its Flyway migrations from db/plugin, as the hub applies them) in a
#     fresh H2 file opened with the hub's database settings, filled inside H2 with set-based INSERT ... SELECT FROM
#     SYSTEM_RANGE in primary-key order: ROOMS rooms at SITES sites, RAW_DAYS of 5-minute readings, AVG_DAYS of
#     20-minute buckets and daily rows; the load rate; bytes per raw reading and per row of the whole file; then, each
#     in a fresh JVM, a room's one-week history at 20 minutes through the plugin's own ReadApi.history (SAMPLES random
#     rooms and weeks, cold then warm), and the raw-retention step dropping the oldest day of raw readings, with the
#     proof that its averages stay.
#
#   ./mvnw -B -q package -DskipTests && plugins/air-quality/bench/air-bench.sh [seconds]
#   FULL=1 SKIP_INGEST=1 STORE=<folder> plugins/air-quality/bench/air-bench.sh     # the issue's full size, storage only
#
# FULL=1: 2,500 rooms x 90 days of raw readings (64.8 million) and 365 days of 20-minute averages (65.7 million);
# about 35 to 45 minutes of loading on 2 busy cores and some 10 GB of disk (check df first). Without it, 100 rooms.
# Environment: CLIENTS (8), BATCH (100), PORT (18996), DIST, BASELINE_PLUGIN, SKIP_INGEST (0), SKIP_STORAGE (0),
# SITES (70), ROOMS (2500 with FULL=1, else 100), RAW_DAYS (90), AVG_DAYS (365), PER_COMMIT (4 rooms a transaction),
# SAMPLES (500), STORE (folder for the H2 file, kept; default a temporary one, deleted), SKIP_LOAD (1: reuse the file
# in STORE; the retention step then drops the next day). Before the history queries the file's pages are dropped from
# the OS cache (dd iflag=nocache), so "cold" reads from disk. COMPACT=1 ends with the offline compaction the hub's
# bin/datenhafen --compact does, and the file's size after it.
set -euo pipefail
cd "$(dirname "$0")/../../.."
SECS=${1:-30}
CLIENTS=${CLIENTS:-8}
BATCH=${BATCH:-100}
PORT=${PORT:-18996}
SITES=${SITES:-70}
if [ "${FULL:-0}" = 1 ]; then ROOMS=${ROOMS:-2500}; else ROOMS=${ROOMS:-100}; fi
RAW_DAYS=${RAW_DAYS:-90}
AVG_DAYS=${AVG_DAYS:-365}
PER_COMMIT=${PER_COMMIT:-4}
SAMPLES=${SAMPLES:-500}
TOKEN=bench-admin-token-0123456789
HUB=http://127.0.0.1:$PORT
DIST=${DIST:-$(ls -d distribution/target/datenhafen-*/ 2>/dev/null | head -1)}
DIST=${DIST%/}/
[ -x "${DIST}bin/datenhafen" ] && ls "${DIST}plugins/" | grep -q air-quality \
  && [ -d plugins/air-quality/target/classes ] || { echo "build first: ./mvnw -B -q package -DskipTests" >&2; exit 1; }
BENCH=plugins/air-quality/bench/AirBench.java
CP="plugins/air-quality/target/classes:${DIST}lib/*"
JAVA_BENCH=(java -cp "$CP")   # the hub's log configuration (HubLogConfiguration) comes with its jars
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
start_hub() { # folder [air-quality archive instead of the shipped one]
  mkdir -p "$1"; cp -r "${DIST}bin" "${DIST}conf" "${DIST}lib" "${DIST}plugins" "$1/"
  if [ -n "${2:-}" ]; then rm "$1"/plugins/*air-quality*; cp "$2" "$1/plugins/"; fi
  DATENHAFEN_HTTP_HOST=127.0.0.1 DATENHAFEN_HTTP_PORT=$PORT DATENHAFEN_ADMIN_TOKEN=$TOKEN \
    "$1/bin/datenhafen" > "$1.log" 2>&1 &
  SERVER=$!
  wait_for "$HUB/health/ready" "."
  create aq-projections airquality-projections '{}'
  # anonymous: the bench measures the ingest itself, not the hub's token check (bench/bus-throughput.sh compares those)
  create aq-http airquality-http '{"anonymous": true}'
  create aq-sim airquality-simulator '{"speed-up":0.0001}'
  wait_for "$HUB/api/v1/plugins/air-quality/sites" "sim-70"
}

echo "# $(date -u +%FT%TZ), $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${SKIP_INGEST:-0}" != 1 ]; then
  if [ -n "${BASELINE_PLUGIN:-}" ]; then
    echo "## baseline plugin: $(basename "$BASELINE_PLUGIN")"
    start_hub "$WORK/hub-baseline" "$BASELINE_PLUGIN"
    "${JAVA_BENCH[@]}" "$BENCH" ingest "$HUB/api/v1/plugins/air-quality" "$CLIENTS" "$SECS" "$BATCH" 2500
    stop_server
    echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  fi
  echo "## this build's plugin"
  start_hub "$WORK/hub"
  "${JAVA_BENCH[@]}" "$BENCH" ingest "$HUB/api/v1/plugins/air-quality" "$CLIENTS" "$SECS" "$BATCH" 2500
  echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  JAR=$(ls bench/target/datenhafen-bench-*.jar 2>/dev/null | head -1 || true)
  # The raw bus's readings name rooms the registry does not know, which the projections would fail and retry one by
  # one: they are paused for it, and the ingest is measured once more with them paused, so the two compare alike.
  curl -sf -X POST -H "Authorization: Bearer $TOKEN" "$HUB/api/v1/admin/integrations/aq-projections/pause" > /dev/null
  echo "## this build's plugin, projections paused"
  "${JAVA_BENCH[@]}" "$BENCH" ingest "$HUB/api/v1/plugins/air-quality" "$CLIENTS" "$SECS" "$BATCH" 2500 no-gets
  echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ -n "$JAR" ]; then
    java -Xmx512m -cp "$JAR:${DIST}lib/*" de.datenhafen.bench.LoadGenerator --url="$HUB/api/v1/events" \
      --token="$TOKEN" --pid="$SERVER" --label=raw-bus --id-prefix="raw-$RANDOM" --clients="$CLIENTS" --rate=0 \
      --warmup=5 --seconds="$SECS"
  fi
  stop_server
  echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
fi
if [ "${SKIP_STORAGE:-0}" != 1 ]; then
  DIR=${STORE:-$WORK/store}
  mkdir -p "$DIR"
  echo "## storage in $DIR: $(df -h "$DIR" | tail -1 | awk '{print $4}') free"
  [ "${SKIP_LOAD:-0}" = 1 ] || "${JAVA_BENCH[@]}" -Xmx2g "$BENCH" load "$DIR/airdata" "$SITES" "$ROOMS" "$RAW_DAYS" \
    "$AVG_DAYS" "$PER_COMMIT"
  # cold means cold: drop the file's pages from the OS cache (GNU dd; only this file's, nobody else's)
  dd if="$DIR/airdata.mv.db" iflag=nocache count=0 status=none || echo "(could not drop the file from the OS cache)"
  "${JAVA_BENCH[@]}" -Xmx1g "$BENCH" query "$DIR/airdata" "$SAMPLES" 42
  "${JAVA_BENCH[@]}" -Xmx1g "$BENCH" retention "$DIR/airdata"
  [ "${COMPACT:-0}" != 1 ] || "${JAVA_BENCH[@]}" -Xmx1g "$BENCH" compact "$DIR/airdata"
  echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
fi
