#!/usr/bin/env bash
# The steady-rate latency of issue 17 (aim: p99 <= 20 ms at 10,000 readings/s): an open-loop load on the packaged
# hub's two ingest doors, one fresh hub per door (the harness's options and set-up), the shared harness's bodies.
# The Java load generator in bench/ (LoadGenerator --rate) sends RATE readings/s as batches of 100 on a fixed
# schedule whatever the answers (100 requests/s at 10,000), over up to 32 connections, and measures each answer from
# the moment its request was due, so a stall shows as latency instead of slowing the senders; WARMUP s of the same
# load first, not counted. Doors: H (POST /api/v1/events, 100 CloudEvents) and Ha (the air-quality plugin's plain
# batch on an airquality-http integration, after the harness's registry import of 2,500 devices).
#
#   ./mvnw -B -q package -DskipTests && BENCH=/tmp/bench bench/ingest-steady.sh [label=<hub> ...]
#
# Environment: BENCH (a copy of ../shared/bench with payloads generated), DOORS ("H Ha"), RATE (10000), SECS (60),
# WARMUP (10), ROUNDS (1; with several hubs each round runs them in turn, the order alternating), PORT (18996),
# JAVA_OPTS (the harness's hub options), OUT (folder for the logs). One line per run: readings/s answered 2xx,
# p50/p99/max ms, busy (503/429) and other errors, the hub's RSS at the start and its peak, the load average.
# The load generator shares the machine's cores with the hub, as wrk does in the harness.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/packaged-hub.sh
BENCH=${BENCH:?a copy of the shared harness with payloads generated}
DOORS=${DOORS:-H Ha}
RATE=${RATE:-10000}
SECS=${SECS:-60}
WARMUP=${WARMUP:-10}
ROUNDS=${ROUNDS:-1}
PORT=${PORT:-18996}
JAVA_OPTS=${JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseG1GC -XX:MaxMetaspaceSize=256m -Xss512k}
OUT=${OUT:-$(mktemp -d)}
PAYLOADS="$BENCH/payloads/generated"
JAR=$(ls bench/target/datenhafen-bench-*.jar 2>/dev/null | head -1)
[ -n "$JAR" ] || { echo "build first: ./mvnw -B -q package -DskipTests" >&2; exit 1; }
[ $# -ge 1 ] || set -- "tree=$(ls -d distribution/target/datenhafen-*/ | head -1)"
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null || true' EXIT

for ((r = 1; r <= ROUNDS; r++)); do
  specs=("$@"); ((r % 2 == 0)) && specs=($(printf '%s\n' "$@" | tac))
  for door in $DOORS; do
    for spec in "${specs[@]}"; do
      label=${spec%%=*}; dist=$(cd "${spec#*=}" && pwd)
      data="$OUT/data-$label-$door-$r"; rm -rf "$data"; mkdir -p "$data"
      DATENHAFEN_HTTP_HOST=127.0.0.1 DATENHAFEN_HTTP_PORT=$PORT DATENHAFEN_DATA_DIR="$data" DATENHAFEN_CDS=false \
      DATENHAFEN_ADMIN_TOKEN=$HUB_TOKEN DATENHAFEN_JAVA_OPTS="$JAVA_OPTS" "$dist/bin/datenhafen" \
        >"$OUT/server-$label-$door-$r.log" 2>&1 &
      SERVER=$! # bin/datenhafen execs the JVM: this is the server's pid
      wait_hub_ready "$SERVER" "$PORT" "$OUT/server-$label-$door-$r.log"
      if [ "$door" = Ha ]; then
        prepare_aq_ingest "$PORT" "$PAYLOADS"
        path=/api/v1/plugins/air-quality/uplinks; kind=aq
      else
        path=/api/v1/events; kind=ce
      fi
      before=$(cut -d' ' -f1 /proc/loadavg)
      line=$(java -Xmx256m -XX:+UseSerialGC -cp "$JAR:$dist/lib/*" de.datenhafen.bench.LoadGenerator \
        --url="http://127.0.0.1:$PORT$path" --token="$HUB_TOKEN" --payloads="$PAYLOADS" --kind="$kind" --slot="$r" \
        --clients=32 --rate="$RATE" --warmup="$WARMUP" --seconds="$SECS" --pid="$SERVER" --label="$label-$door" \
        2>>"$OUT/load-$label-$door-$r.err" | tail -1)
      echo "$line round=$r load_before=$before load_after=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/results.txt"
      kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
    done
  done
done
python3 - "$OUT/results.txt" <<'EOF'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = dict(kv.split("=", 1) for kv in line.split()[1:])
    runs[f["label"]].append(f)
print("%-16s %5s %11s %7s %7s %7s %5s %6s %9s  %s" % ("hub-door", "runs", "readings/s", "p50 ms", "p99 ms",
      "max ms", "busy", "errors", "RSS max", "load average before/after"))
for label, fs in runs.items():
    med = lambda k: statistics.median(float(f[k]) for f in fs)
    print("%-16s %5d %11.0f %7.1f %7.1f %7.1f %5d %6d %5.0f MiB  %s" % (label, len(fs), med("events_per_s"),
          med("p50_ms"), med("p99_ms"), med("max_ms"), sum(int(f["busy"]) for f in fs),
          sum(int(f["errors"]) for f in fs), med("rss_max_mb"), " ".join(f["load_before"] + "/" + f["load_after"]
          for f in fs)))
EOF
echo "kept in $OUT"
