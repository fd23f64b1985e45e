#!/usr/bin/env bash
# Measures the packaged hub's basics (issue 2): start to ready with the shipped plugins, resident memory when
# idle, and the time to install and enable a plugin over HTTP (the shipped one, deleted first). Baseline in the same run: the same JVM and options starting a bare
# Vert.x HTTP server from the hub's own lib/ folder (jshell-free: a tiny class compiled on the fly).
#
#   ./mvnw -B -q package -DskipTests && bench/hub-basics.sh [rounds]
#
# Prints one line per round and the medians. Nothing here is a pass/fail test; the numbers go into the notes.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
DIST=$(ls -d distribution/target/datenhafen-*/ | head -1)
[ -x "$DIST/bin/datenhafen" ] || { echo "build first: ./mvnw -B -q package -DskipTests" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'pkill -f "datenhafen.home=$WORK" 2>/dev/null || true; pkill -f "BareVertx $WORK" 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORT=${PORT:-18990}
TOKEN=bench-admin-token-0123456789
JAVA_OPTS="-Xms16m -Xmx1g -XX:+UseG1GC -XX:MaxMetaspaceSize=256m -Xss512k"

now_ms() { date +%s%3N; }
wait_for() { # url, timeout seconds
  local deadline=$(( $(date +%s) + $2 ))
  until curl -sf -o /dev/null "$1"; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "timeout waiting for $1" >&2; return 1; }
    sleep 0.02
  done
}
rss_mb() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$1/status"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

# The baseline: a bare Vert.x server that answers /health/ready, on the hub's own class path.
mkdir -p "$WORK/baseline"
cat > "$WORK/baseline/BareVertx.java" <<'JAVA'
public class BareVertx {
    public static void main(String[] args) {
        io.vertx.core.Vertx.vertx().createHttpServer()
            .requestHandler(r -> r.response().end("{\"status\":\"UP\"}"))
            .listen(Integer.parseInt(args[1]));
    }
}
JAVA
javac -d "$WORK/baseline" -cp "$DIST/lib/*" "$WORK/baseline/BareVertx.java"

PLUGIN="$WORK/plugin.zip"; cp "$(ls "$DIST"/plugins/plugin-core-connectors-*.zip | head -1)" "$PLUGIN"
echo "round  hub_first_start_ms  hub_start_ms  hub_idle_rss_mb  install_enable_ms  base_start_ms  base_idle_rss_mb"
for r in $(seq 1 "$ROUNDS"); do
  HOME_DIR="$WORK/hub-$r"; mkdir -p "$HOME_DIR"
  cp -r "$DIST/bin" "$DIST/conf" "$DIST/lib" "$DIST/plugins" "$HOME_DIR/"
  rm -rf "$HOME_DIR/plugins"/*/  # folders unpacked by an earlier run in place
  # first start: fresh data folder, no class-data-sharing archive yet (written at this stop)
  t0=$(now_ms)
  DATENHAFEN_HTTP_PORT=$PORT DATENHAFEN_ADMIN_TOKEN=$TOKEN DATENHAFEN_JAVA_OPTS="$JAVA_OPTS" \
    "$HOME_DIR/bin/datenhafen" > "$WORK/hub-$r-first.log" 2>&1 &
  HUB=$!
  wait_for "http://127.0.0.1:$PORT/health/ready" 90
  first=$(( $(now_ms) - t0 ))
  kill "$HUB"; wait "$HUB" 2>/dev/null || true
  # the usual start: same data folder, archive in place
  t0=$(now_ms)
  DATENHAFEN_HTTP_PORT=$PORT DATENHAFEN_ADMIN_TOKEN=$TOKEN DATENHAFEN_JAVA_OPTS="$JAVA_OPTS" \
    "$HOME_DIR/bin/datenhafen" > "$WORK/hub-$r.log" 2>&1 &
  HUB=$!
  wait_for "http://127.0.0.1:$PORT/health/ready" 60
  start=$(( $(now_ms) - t0 ))
  sleep 10
  rss=$(rss_mb "$(pgrep -f "datenhafen.home=$HOME_DIR" | head -1)")
  # delete the shipped plugin, then time installing and enabling it again over HTTP
  curl -sf -o /dev/null -X DELETE -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/admin/plugins/core-connectors"
  t0=$(now_ms)
  code=$(curl -s -o "$WORK/install.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    --data-binary @"$PLUGIN" "http://127.0.0.1:$PORT/api/v1/admin/plugins?enable=true")
  install=$(( $(now_ms) - t0 ))
  [ "$code" = 201 ] || { echo "install answered $code: $(cat "$WORK/install.json")" >&2; exit 1; }
  kill "$HUB"; wait "$HUB" 2>/dev/null || true

  t0=$(now_ms)
  java $JAVA_OPTS -cp "$WORK/baseline:$DIST/lib/*" BareVertx "$WORK" "$PORT" > /dev/null 2>&1 &
  BASE=$!
  wait_for "http://127.0.0.1:$PORT/" 60
  bstart=$(( $(now_ms) - t0 ))
  sleep 10
  brss=$(rss_mb "$BASE")
  kill "$BASE"; wait "$BASE" 2>/dev/null || true
  echo "$r  $first  $start  $rss  $install  $bstart  $brss" | tee -a "$WORK/results"
done
line="median"
for col in 2 3 4 5 6 7; do line="$line  $(awk -v c=$col '{print $c}' "$WORK/results" | median)"; done
echo "$line"
