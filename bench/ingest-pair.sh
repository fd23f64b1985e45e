#!/usr/bin/env bash
# Two (or more) packaged hubs under the same load at the same time (issue 17): on a machine whose other load swings by a factor
# of three from one minute to the next, rounds one after the other (bench/ingest-compare.sh) rank builds only by
# chance; two hubs loaded side by side share every swing. Each round starts both hubs fresh (the harness's options),
# sets up the target on both, warms both up at once, then runs the harness's wrk script against both at once and
# reads each server's CPU; the first hub is started first in odd rounds, the second in even ones (with more, in turn). Bytes on disk per
# reading: the H2 file divided by the readings acknowledged in warm-up and measurement, at the end of the load (while
# running) and after the hub's clean stop (SIGTERM). Peak RSS: sampled every 0.5 s during the measured load.
#
#   BENCH=/tmp/bench bench/ingest-pair.sh H|Ha before=/tmp/hub-before after=distribution/target/datenhafen-0.1.0-SNAPSHOT
#   BENCH=/tmp/bench bench/ingest-pair.sh H H=<hub> Ha=<hub>@Ha     # one hub's two doors side by side
#   BENCH=/tmp/bench bench/ingest-pair.sh H before=<hub> after=<hub> Ha=<hub>@Ha   # three (or more) at once, each
#                                                                   # against the first
#
# A folder may end in @H or @Ha: that hub gets that target instead of the first argument's.
# Environment: BENCH (a copy of ../shared/bench with payloads generated), ROUNDS (3), SECS (20), WARMUP (8),
# CONNS (16), JAVA_OPTS (the harness's hub options), OUT (folder for logs and wrk output), PORT_BASE (18101: the
# first hub's port, the second's is the next; another value when a second pair runs on the machine).
# One hub on PostgreSQL (issue 19): PG=<label> runs that label's hub on a fresh database bench_<round> of a started
# server, PG_DATA its cluster folder (the server's CPU, all its processes, counts into that hub's CPU per reading),
# PG_PORT, PG_USER, PG_PASSWORD (psql makes and drops the database); bytes on disk are pg_database_size.
#   PG=pg PG_DATA=/tmp/pg/data PG_PORT=5432 PG_USER=hub PG_PASSWORD=... bench/ingest-pair.sh H h2=<hub> pg=<hub>
# Kafka as the bus (issue 19): KAFKA=<label> runs that label's hub with DATENHAFEN_BUS=kafka on a broker started
# beforehand, a topic of its own each round; KAFKA_BOOTSTRAP its host:port, KAFKA_PID its process (its CPU counts into
# that hub's CPU per reading), KAFKA_DIR its folder (bytes on disk: the topic's log segments). A broker in a JVM of
# its own, from core/testkit-kafka (prints bootstrap= and dir=, stops when its input ends):
#   java -cp "$(cat cp.txt):core/testkit-kafka/target/classes" de.datenhafen.testkit.Kafka < <(sleep infinity)
#   KAFKA=kafka KAFKA_BOOTSTRAP=localhost:... KAFKA_PID=... KAFKA_DIR=... bench/ingest-pair.sh H h2=<hub> kafka=<hub>
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/packaged-hub.sh
TARGET=${1:?H or Ha}
A=${2:?label=hub-folder}
B=${3:?label=hub-folder}
HUBS=("${@:2}") # two or more; a third and further are loaded at the same moments too
BENCH=${BENCH:?a copy of the shared harness}
ROUNDS=${ROUNDS:-3}
SECS=${SECS:-20}
WARMUP=${WARMUP:-8}
CONNS=${CONNS:-16}
PORT_BASE=${PORT_BASE:-18101}
JAVA_OPTS=${JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseG1GC -XX:MaxMetaspaceSize=256m -Xss512k}
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
PAYLOADS="$BENCH/payloads/generated"
LUA="$BENCH/payloads/post-batch.lua"
declare -A target=()
kind() { [ "${target[$1]}" = Ha ] && echo aq || echo ce; }
route() { [ "${target[$1]}" = Ha ] && echo /api/v1/plugins/air-quality/uplinks || echo /api/v1/events; }
PIDS=()
psql_pg() { PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "${2:-postgres}" -Atqc "$1"; }
cpu_ticks() { # label pid -> user+system ticks of the hub, and of the whole PostgreSQL server for the PG label
  local t; t=$(awk '{print $14+$15}' "/proc/$2/stat")
  if [ "$1" = "${PG:-}" ]; then
    local pm; pm=$(head -1 "$PG_DATA/postmaster.pid")
    # the server's live processes, and (cutime, cstime) those that ended and were reaped; a process that ends meanwhile
    # is skipped by cat, so awk always prints
    t=$((t + $({ cat "/proc/$pm/stat"; for p in $(pgrep -P "$pm"); do cat "/proc/$p/stat"; done; } 2>/dev/null \
      | awk -v pm="$pm" '{s += $14 + $15} $1 == pm {s += $16 + $17} END {print s + 0}')))
  fi
  if [ "$1" = "${KAFKA:-}" ]; then t=$((t + $(awk '{print $14+$15}' "/proc/$KAFKA_PID/stat"))); fi
  echo "$t"
}
disk_bytes() { # label round -> the H2 file's size, or the PostgreSQL database's
  if [ "$1" = "${PG:-}" ]; then psql_pg "SELECT pg_database_size('bench_$2')"
  elif [ "$1" = "${KAFKA:-}" ]; then
    # the segments' records only: Kafka preallocates each segment's two index files (10 MB, sparse)
    find "$KAFKA_DIR" -path "*/bench-$$-$2.events-0/*.log" -exec stat -c %s {} + | awk '{s += $1} END {print s + 0}'
  else stat -c %s "$OUT/data-$1-$2/datenhafen.mv.db"; fi
}
trap 'for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done; wait 2>/dev/null || true' EXIT

start() { # label dist port round -> pid on stdout; each label runs its own copy (a hub unpacks its plugins there)
  local data="$OUT/data-$1-$4" home="$OUT/hub-$1"; rm -rf "$data"; mkdir -p "$data"
  [ -d "$home" ] || cp -r "$2" "$home"
  local db=()
  if [ "$1" = "${PG:-}" ]; then
    psql_pg "DROP DATABASE IF EXISTS bench_$4" && psql_pg "CREATE DATABASE bench_$4" >&2
    db=(DATENHAFEN_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/bench_$4" DATENHAFEN_DB_USER="$PG_USER"
        DATENHAFEN_DB_PASSWORD="$PG_PASSWORD")
  fi
  if [ "$1" = "${KAFKA:-}" ]; then
    db=(DATENHAFEN_BUS=kafka DATENHAFEN_BUS_KAFKA_BOOTSTRAP_SERVERS="$KAFKA_BOOTSTRAP"
        DATENHAFEN_BUS_KAFKA_TOPIC_PREFIX="bench-$$-$4.")
  fi
  env "${db[@]}" DATENHAFEN_HTTP_HOST=127.0.0.1 DATENHAFEN_HTTP_PORT=$3 DATENHAFEN_DATA_DIR="$data" DATENHAFEN_CDS=false \
  DATENHAFEN_ADMIN_TOKEN=$HUB_TOKEN DATENHAFEN_JAVA_OPTS="$JAVA_OPTS" "$home/bin/datenhafen" >"$OUT/server-$1-$4.log" 2>&1 &
  echo $!
}
peak_rss() { # pid seconds out: the largest VmRSS in MiB, sampled every 0.5 s as the harness does
  local peak=0 v
  for ((i = 0; i < $2 * 2; i++)); do
    v=$(awk '/^VmRSS/{print int($2/1024)}' "/proc/$1/status" 2>/dev/null) || break
    ((v > peak)) && peak=$v
    sleep 0.5
  done
  echo "$peak" >"$3"
}
load() { # label port slot seconds out -> wrk in the background
  wrk -t2 -c"$CONNS" -d"$4s" --latency -s "$LUA" "http://127.0.0.1:$2$(route "$1")" -- "$PAYLOADS" 100 16 \
    "$(kind "$1")" "$3" "$HUB_TOKEN" >"$5" 2>&1 &
}
printf 'round\tlabel\treadings_per_s\tp50_ms\tp99_ms\tcpu_us_per_reading\tidle_rss_mib\tbytes_running\tbytes_stopped\tload\tpeak_rss_mib\tevents_per_group\n' \
  >"$OUT/pair.tsv"
for ((r = 1; r <= ROUNDS; r++)); do
  # who starts first: with two, alternating; with more, each round starts one later
  specs=("${HUBS[@]:(r - 1) % ${#HUBS[@]}}" "${HUBS[@]:0:(r - 1) % ${#HUBS[@]}}")
  declare -A pid=() port=()
  n=0
  for spec in "${specs[@]}"; do
    label=${spec%%=*}; port[$label]=$((PORT_BASE + n)); n=$((n + 1)); dist=${spec#*=}; target[$label]=$TARGET
    [[ "$dist" == *@H || "$dist" == *@Ha ]] && { target[$label]=${dist##*@}; dist=${dist%@*}; }
    pid[$label]=$(start "$label" "$(cd "$dist" && pwd)" "${port[$label]}" "$r")
    PIDS+=("${pid[$label]}")
  done
  for label in "${!pid[@]}"; do
    wait_hub_ready "${pid[$label]}" "${port[$label]}" "$OUT/server-$label-$r.log"
    [ "${target[$label]}" = Ha ] && prepare_aq_ingest "${port[$label]}" "$PAYLOADS"
  done
  echo "round $r: both ready, load $(uptime | sed 's/.*load average: //')" | tee -a "$OUT/load.txt"
  declare -A rss=() t0=() t1=()
  for label in "${!pid[@]}"; do rss[$label]=$(awk '/^VmRSS/{print int($2/1024)}' "/proc/${pid[$label]}/status"); done
  for label in "${!pid[@]}"; do load "$label" "${port[$label]}" 0 "$WARMUP" "$OUT/wrk-$label-$r-warmup.txt"; done
  wait # the two wrk runs (the hubs were started in subshells: not this shell's children)
  for label in "${!pid[@]}"; do t0[$label]=$(cpu_ticks "$label" "${pid[$label]}"); done
  for label in "${!pid[@]}"; do load "$label" "${port[$label]}" 1 "$SECS" "$OUT/wrk-$label-$r.txt"; done
  for label in "${!pid[@]}"; do peak_rss "${pid[$label]}" "$SECS" "$OUT/peak-$label-$r" & done
  wait # the two wrk runs and the samplers (the hubs were started in subshells: not this shell's children)
  declare -A running=() grouped=()
  for label in "${!pid[@]}"; do
    t1[$label]=$(cpu_ticks "$label" "${pid[$label]}")
    running[$label]=$(disk_bytes "$label" "$r")
    # the bus writer's average group (warm-up and load), from its meters; "-" where a hub has none (before 4 Dec)
    grouped[$label]=$(curl -s -H "Authorization: Bearer $HUB_TOKEN" "http://127.0.0.1:${port[$label]}/metrics" \
      | awk '/^datenhafen_bus_events_total /{e=$2} /^datenhafen_bus_groups_total /{g=$2}
             END {if (g > 0) printf "%.0f", e / g; else print "-"}')
  done
  load_now=$(uptime | sed 's/.*load average: //; s/,.*//')
  for label in "${!pid[@]}"; do
    kill "${pid[$label]}"
    for _ in $(seq 1 300); do kill -0 "${pid[$label]}" 2>/dev/null || break; sleep 0.1; done # not our child: poll
    python3 - "$r" "$label" "$OUT/wrk-$label-$r.txt" "$(( t1[$label] - t0[$label] ))" "$(getconf CLK_TCK)" "${rss[$label]}" \
      "$OUT/wrk-$label-$r-warmup.txt" "${running[$label]}" "$(disk_bytes "$label" "$r")" \
      "$load_now" "$(cat "$OUT/peak-$label-$r")" "${grouped[$label]}" >>"$OUT/pair.tsv" <<'EOF'
import json, re, sys
r, label, f, ticks, tck, rss, warm, running, stopped, load, peak, grouped = sys.argv[1:13]
wrk = lambda name: json.loads(re.search(r"^WRKJSON (.*)$", open(name).read(), re.M).group(1))
j = wrk(f)
readings = (j["requests"] - j["err_status"]) * 100
w = wrk(warm)
stored = readings + (w["requests"] - w["err_status"]) * 100
print("\t".join(str(x) for x in [r, label, round(readings / j["duration_s"]), round(j["p50_us"] / 1000, 1),
      round(j["p99_us"] / 1000, 1), round(int(ticks) / int(tck) * 1e6 / max(1, readings), 1), rss,
      round(int(running) / max(1, stored), 1), round(int(stopped) / max(1, stored), 1), load, peak, grouped]))
EOF
  done
  PIDS=()
  tail -"${#HUBS[@]}" "$OUT/pair.tsv"
done
python3 - "$OUT/pair.tsv" "${HUBS[@]%%=*}" <<'EOF' | tee "$OUT/summary.txt"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
a = sys.argv[2]
by = lambda label, f: [float(x[f]) for x in rows if x["label"] == label]
for b in sys.argv[3:]:  # each further hub against the first
    for f in ("readings_per_s", "p99_ms", "cpu_us_per_reading", "idle_rss_mib", "peak_rss_mib", "bytes_running",
              "bytes_stopped", "events_per_group"):
        if any(x[f] == "-" for x in rows if x["label"] in (a, b)):
            continue  # a hub without the bus meters
        ma, mb = statistics.median(by(a, f)), statistics.median(by(b, f))  # p99 is 0 when wrk timed out on all
        print("%-20s %s median %10.1f   %s median %10.1f   %s/%s %s" % (f, a, ma, b, mb, b, a,
              "%.2f" % (mb / ma) if ma else "-"))
    pairs = [float(y["readings_per_s"]) / float(x["readings_per_s"]) for x in rows for y in rows
             if x["round"] == y["round"] and x["label"] == a and y["label"] == b]
    print("readings/s %s/%s per round: %s" % (b, a, " ".join("%.2f" % p for p in pairs)))
EOF
