#!/usr/bin/env bash
# Ingest on one, two and three hub nodes on one PostgreSQL, and on one hub on H2, with the same load generator in one
# run (issue 19): the shared harness's wrk script (CloudEvents batches of 100 readings, kind ce) with CONNS connections
# in all, split over the nodes (each node its own wrk, its own slot, so every event id is new), the same JVM options
# as bench/ingest-pair.sh. The configurations run one after another, in a rotated order each round, so a swing of the
# machine's other load falls on each of them in turn; each row carries the load average.
#
#   BENCH=/tmp/bench bench/nodes.sh [distribution folder, default distribution/target/datenhafen-*]
#
# Per configuration and round: the nodes start fresh, one after the other (each with its own data folder and node id;
# on PostgreSQL a fresh database bench_<config>_<round>), warm up together, then are loaded together for SECS.
# Reported: readings/s (all nodes together), p50 and p99 (the worst node's), and CPU per reading, of the hub
# processes together and of PostgreSQL's server (all its processes), in microseconds; the cores the nodes use without
# load (IDLE seconds after they are ready: heartbeats, lease renewals, change notices, following the sequence
# counter); and readings per committed transaction of the database (every session's, the nodes' small ones too).
# Environment: BENCH (a copy of ../shared/bench with payloads generated), CONFIGS ("h2 pg1 pg2 pg3"), ROUNDS (2),
# SECS (20), WARMUP (8), CONNS (16), IDLE (5), JAVA_OPTS (as ingest-pair.sh), OUT (folder for logs, wrk output, nodes.tsv).
# PostgreSQL: PG_PORT, PG_USER, PG_PASSWORD and PG_DATA (the cluster folder, for the server's CPU) of a running
# server; without PG_PORT the script makes a throwaway cluster in a temp folder (Debian's postgresql; as user postgres when
# run as root) with fsync and synchronous_commit on, and removes it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/packaged-hub.sh
DIST=$(cd "${1:-$(ls -d distribution/target/datenhafen-*/ | head -1)}" && pwd)
BENCH=${BENCH:?a copy of the shared harness}
CONFIGS=(${CONFIGS:-h2 pg1 pg2 pg3})
ROUNDS=${ROUNDS:-2}
SECS=${SECS:-20}
WARMUP=${WARMUP:-8}
CONNS=${CONNS:-16}
IDLE=${IDLE:-5}
JAVA_OPTS=${JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseG1GC -XX:MaxMetaspaceSize=256m -Xss512k}
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
PAYLOADS="$BENCH/payloads/generated"
LUA="$BENCH/payloads/post-batch.lua"
PIDS=()
OWN_PG=""
PGDIR=""

cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done
  if [ -n "$OWN_PG" ]; then kill -INT "$OWN_PG" 2>/dev/null; for _ in $(seq 1 100); do kill -0 "$OWN_PG" 2>/dev/null || break
    sleep 0.1; done; rm -rf "$PGDIR"; fi
  wait 2>/dev/null || true
}
trap cleanup EXIT

if [ -z "${PG_PORT:-}" ]; then # a throwaway cluster, as the testkit's Postgres makes one
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  as=(); [ "$(id -u)" = 0 ] && as=(setpriv --reuid=postgres --regid=postgres --init-groups)
  PGDIR=$(mktemp -d) # a folder of its own: OUT may be private to root, whom PostgreSQL refuses to run as
  PG_USER=hub PG_PASSWORD=bench-$RANDOM$RANDOM PG_PORT=$((20000 + RANDOM % 20000)) PG_DATA="$PGDIR/data"
  echo "$PG_PASSWORD" >"$PGDIR/pw"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$PGDIR"
  "${as[@]}" "$bin/initdb" -D "$PG_DATA" -U "$PG_USER" --pwfile="$PGDIR/pw" --auth=scram-sha-256 -E UTF8 \
    --locale=C.UTF-8 --no-instructions >"$OUT/initdb.log"
  "${as[@]}" "$bin/postgres" -D "$PG_DATA" -p "$PG_PORT" -k "$PGDIR" -c listen_addresses=127.0.0.1 -c fsync=on \
    -c synchronous_commit=on -c max_connections=200 >"$OUT/postgres.log" 2>&1 &
  OWN_PG=$!
  for _ in $(seq 1 300); do [ -f "$PG_DATA/postmaster.pid" ] && PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p "$PG_PORT" \
    -U "$PG_USER" -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.2; done
fi
psql_pg() { PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "${2:-postgres}" -Atqc "$1"; }
pg_ticks() { # user+system ticks of the whole PostgreSQL server: its live processes and those it reaped
  local pm; pm=$(head -1 "$PG_DATA/postmaster.pid")
  { cat "/proc/$pm/stat"; for p in $(pgrep -P "$pm"); do cat "/proc/$p/stat"; done; } 2>/dev/null \
    | awk -v pm="$pm" '{s += $14 + $15} $1 == pm {s += $16 + $17} END {print s + 0}'
}
commits() { psql_pg "SELECT xact_commit FROM pg_stat_database WHERE datname = 'bench_$1_$2'"; } # all sessions'
hub_ticks() { local s=0; for p in "$@"; do s=$((s + $(awk '{print $14+$15}' "/proc/$p/stat"))); done; echo "$s"; }
psql_pg 'SELECT 1' >/dev/null || { echo "PostgreSQL does not answer on port $PG_PORT" >&2; exit 1; }

start() { # config node round -> pid; every node its own copy of the package and data folder
  local cfg=$1 i=$2 r=$3 home="$OUT/hub-$2" data="$OUT/data-$1-$2-$3"
  rm -rf "$data"; mkdir -p "$data"
  [ -d "$home" ] || cp -r "$DIST" "$home"
  local db=()
  if [ "$cfg" != h2 ]; then
    db=(DATENHAFEN_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/bench_${cfg}_$r" DATENHAFEN_DB_USER="$PG_USER"
        DATENHAFEN_DB_PASSWORD="$PG_PASSWORD")
  fi
  env "${db[@]}" DATENHAFEN_HTTP_HOST=127.0.0.1 DATENHAFEN_HTTP_PORT=$((18201 + i)) DATENHAFEN_DATA_DIR="$data" \
    DATENHAFEN_NODE_ID="node-$i" DATENHAFEN_CDS=false DATENHAFEN_ADMIN_TOKEN=$HUB_TOKEN DATENHAFEN_JAVA_OPTS="$JAVA_OPTS" \
    "$home/bin/datenhafen" >"$OUT/server-$cfg-$i-$r.log" 2>&1 &
  echo $!
}
load() { # node threads conns slot seconds out -> wrk in the background
  wrk -t"$2" -c"$3" -d"$5s" --latency -s "$LUA" "http://127.0.0.1:$((18201 + $1))/api/v1/events" -- "$PAYLOADS" 100 16 \
    ce "$4" "$HUB_TOKEN" >"$6" 2>&1 &
}

printf 'round\tconfig\tnodes\treadings_per_s\tp50_ms\tp99_ms\thub_cpu_us_per_reading\tpg_cpu_us_per_reading\tidle_hub_cores\treadings_per_commit\tload\n' \
  >"$OUT/nodes.tsv"
for ((r = 1; r <= ROUNDS; r++)); do
  order=("${CONFIGS[@]:$(( (r - 1) % ${#CONFIGS[@]} ))}" "${CONFIGS[@]:0:$(( (r - 1) % ${#CONFIGS[@]} ))}")
  for cfg in "${order[@]}"; do
    n=1; [ "$cfg" != h2 ] && n=${cfg#pg}
    if [ "$cfg" != h2 ]; then psql_pg "DROP DATABASE IF EXISTS bench_${cfg}_$r"; psql_pg "CREATE DATABASE bench_${cfg}_$r"; fi
    pids=()
    for ((i = 0; i < n; i++)); do # one after the other: a plugin's start under way looks like a crash to the next
      pid=$(start "$cfg" "$i" "$r"); pids+=("$pid"); PIDS+=("$pid")
      wait_hub_ready "$pid" $((18201 + i)) "$OUT/server-$cfg-$i-$r.log"
    done
    i0=$(hub_ticks "${pids[@]}"); sleep "$IDLE"; i1=$(hub_ticks "${pids[@]}") # the nodes' own work without load
    threads=$((n == 1 ? 2 : 1)) # two wrk threads in all for one node, one a node for more
    wrks=()
    for ((i = 0; i < n; i++)); do load "$i" "$threads" $(( CONNS / n + (i < CONNS % n ? 1 : 0) )) $((i * 2)) "$WARMUP" \
      "$OUT/wrk-$cfg-$i-$r-warmup.txt"; wrks+=($!); done
    wait "${wrks[@]}"
    h0=$(hub_ticks "${pids[@]}"); p0=0; c0=0; [ "$cfg" != h2 ] && p0=$(pg_ticks) && c0=$(commits "$cfg" "$r")
    wrks=()
    for ((i = 0; i < n; i++)); do load "$i" "$threads" $(( CONNS / n + (i < CONNS % n ? 1 : 0) )) $((i * 2 + 1)) "$SECS" \
      "$OUT/wrk-$cfg-$i-$r.txt"; wrks+=($!); done
    wait "${wrks[@]}"
    h1=$(hub_ticks "${pids[@]}"); p1=0; c1=0; [ "$cfg" != h2 ] && p1=$(pg_ticks) && c1=$(commits "$cfg" "$r")
    load_now=$(uptime | sed 's/.*load average: //; s/,.*//')
    for p in "${pids[@]}"; do kill "$p"; done
    for p in "${pids[@]}"; do for _ in $(seq 1 300); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; done
    PIDS=()
    python3 - "$r" "$cfg" "$n" "$((h1 - h0))" "$((p1 - p0))" "$(getconf CLK_TCK)" "$load_now" "$((i1 - i0))" "$IDLE" \
      "$((c1 - c0))" \
      "$OUT"/wrk-"$cfg"-*-"$r".txt >>"$OUT/nodes.tsv" <<'EOF'
import json, re, sys
r, cfg, n, hub, pg, tck, load, idle, idle_s, commits = sys.argv[1:11]
runs = [json.loads(re.search(r"^WRKJSON (.*)$", open(f).read(), re.M).group(1)) for f in sys.argv[11:]]
readings = sum((j["requests"] - j["err_status"]) * 100 for j in runs)
secs = max(j["duration_s"] for j in runs)
us = lambda ticks: round(int(ticks) / int(tck) * 1e6 / max(1, readings), 1)
print("\t".join(str(x) for x in [r, cfg, n, round(readings / secs), round(max(j["p50_us"] for j in runs) / 1000, 1),
      round(max(j["p99_us"] for j in runs) / 1000, 1), us(hub), us(pg), round(int(idle) / int(tck) / int(idle_s), 2),
      round(readings / int(commits)) if int(commits) else "-", load]))
EOF
    tail -1 "$OUT/nodes.tsv"
  done
done
python3 - "$OUT/nodes.tsv" <<'EOF' | tee "$OUT/summary.txt"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
configs = list(dict.fromkeys(x["config"] for x in rows))
base = [float(x["readings_per_s"]) for x in rows if x["config"] == "pg1"]
print("%-6s %12s %8s %8s %11s %10s %10s %9s %s" % ("config", "readings/s", "p50 ms", "p99 ms", "hub us/rdg",
      "pg us/rdg", "idle cores", "rdg/commit", "vs pg1 (median)"))
for c in configs:
    m = lambda f: statistics.median(float(x[f]) if x[f] != "-" else 0.0 for x in rows if x["config"] == c)
    print("%-6s %12.0f %8.1f %8.1f %11.1f %10.1f %10.2f %9.0f %s" % (c, m("readings_per_s"), m("p50_ms"),
          m("p99_ms"), m("hub_cpu_us_per_reading"), m("pg_cpu_us_per_reading"), m("idle_hub_cores"),
          m("readings_per_commit"), "%.2f" % (m("readings_per_s") / statistics.median(base)) if base else "-"))
EOF
