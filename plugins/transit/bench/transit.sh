#!/usr/bin/env bash
# Transit benchmark: a state-sized GTFS feed (5 million stop_times by default) imported in a JVM capped at 1 GB heap,
# and departures for the busiest stop while a 500-vehicle realtime feed is applied every 10 s.
#   plugins/transit/bench/transit.sh [STOP_TIMES] [DEPARTURE_SECONDS] [POLL_SECONDS]
# Writes the feed to plugins/transit/target/bench/ (kept between runs; delete it to regenerate).
# IMPORT=0, DEPARTURES=0 or HTTP=0 skip a part; HEAP sets the benchmark JVM's -Xmx (default 1g).
set -euo pipefail
cd "$(dirname "$0")/../../.."
STOP_TIMES=${1:-5000000}
SECONDS_RUN=${2:-60}
POLL=${3:-10}
HEAP=${HEAP:-1g}
OUT=plugins/transit/target/bench
mkdir -p "$OUT"

./mvnw -B -q test-compile -pl plugins/transit -am -DskipTests >/dev/null
CP="plugins/transit/target/test-classes:plugins/transit/target/classes:$(./mvnw -B -q -pl plugins/transit \
  dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)"
JAVA=(java -Xmx"$HEAP" -XX:+UseG1GC -cp "$CP" de.datenhafen.plugins.transit.bench.TransitBench)

FEED="$OUT/state-$STOP_TIMES.zip"
[ -f "$FEED" ] || "${JAVA[@]}" generate "$FEED" "$STOP_TIMES"
echo "== machine: $(nproc) cores, $(java -version 2>&1 | head -1), -Xmx$HEAP"
if [ "${IMPORT:-1}" = 1 ]; then
  echo "== import"
  "${JAVA[@]}" import "$FEED"
fi
if [ "${DEPARTURES:-1}" = 1 ]; then
  echo "== departures (in process)"
  "${JAVA[@]}" departures "$FEED" "$SECONDS_RUN" "$POLL"
fi

# Through the packaged hub's HTTP API (needs a package build: ./mvnw -B -q package -DskipTests). Skip with HTTP=0.
if [ "${HTTP:-1}" = 1 ]; then
  PORT=${PORT:-18089}
  # shellcheck source=../../../bench/packaged-hub.sh
  . bench/packaged-hub.sh
  TOKEN=$HUB_TOKEN
  if ! start_packaged_hub "$PORT" "$OUT/hub.log"; then
    echo "== http: skipped"
    exit 0
  fi
  echo "== http (hub with $(grep -o 'Xmx[0-9a-z]*' "$HUB_HOME/bin/datenhafen" | head -1), log in $OUT/hub.log)"
  "${JAVA[@]}" http "http://127.0.0.1:$PORT" "$TOKEN" "$FEED" "$SECONDS_RUN" "$POLL"
  grep -E "Feed bench: Timetable" "$OUT/hub.log" | sed 's/^/hub: /'
fi
