# Sourced by benchmark scripts that talk to the packaged server over HTTP (run from the repository's top folder).
#
#   start_packaged_hub PORT LOG    copies distribution/target/datenhafen-*/ (or $DIST) to a temporary folder and
#                                  starts its bin/datenhafen on PORT with the admin token $HUB_TOKEN, logging to LOG;
#                                  returns once /health/live answers (1 with a message if there is no packaged
#                                  server, or it stopped or was not live within 60 s). DATENHAFEN_* variables set
#                                  for the call reach the server. The server is stopped and the copy removed when
#                                  the script exits.
#   wait_hub_ready PID PORT LOG    for a hub a script started itself (in place, with its own options): waits until
#                                  /health/ready answers 200 on PORT; 1 with LOG on stderr if PID stopped or was not
#                                  ready within 90 s.
#   prepare_aq_ingest PORT PAYLOADS the shared harness's set-up of target Ha on a fresh hub: an airquality-registry
#                                  integration, the harness's 2,500 devices imported (PAYLOADS/aq-registry.csv), an
#                                  airquality-http integration on path uplinks; all with the admin token.
#   cpu_ticks PID                  the process's CPU so far (user + system), in clock ticks (getconf CLK_TCK)
#   rss_kb PID                     the process's resident memory now (VmRSS), in KiB; fails once it has ended
#   peak_rss PID SECONDS OUT       samples VmRSS every 0.5 s for up to SECONDS (run it in the background and stop
#                                  it), keeping the largest in KiB in the file OUT
HUB_TOKEN=bench-admin-token-0123456789
HUB_PID=""
HUB_HOME=""

start_packaged_hub() {
  local port=$1 log=$2
  local dist=${DIST:-$(ls -d distribution/target/datenhafen-*/ 2>/dev/null | head -1)}
  if [ -z "$dist" ] || [ ! -x "${dist%/}/bin/datenhafen" ]; then
    echo "no packaged server in distribution/target (run ./mvnw -B -q package -DskipTests)" >&2
    return 1
  fi
  HUB_HOME=$(mktemp -d)
  cp -r "${dist%/}"/. "$HUB_HOME"/
  DATENHAFEN_HTTP_PORT=$port DATENHAFEN_ADMIN_TOKEN=$HUB_TOKEN "$HUB_HOME/bin/datenhafen" > "$log" 2>&1 &
  HUB_PID=$! # bin/datenhafen execs the JVM: this is the server's pid
  trap 'st=$?; stop_packaged_hub; exit $st' EXIT
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/health/live" >/dev/null && return 0
    if ! kill -0 "$HUB_PID" 2>/dev/null; then
      echo "the hub stopped while starting; its log: $log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "the hub was not live within 60 s; its log: $log" >&2
  return 1
}

stop_packaged_hub() {
  if [ -n "$HUB_PID" ]; then
    kill "$HUB_PID" 2>/dev/null || true
    wait "$HUB_PID" 2>/dev/null || true
    HUB_PID=""
  fi
  if [ -n "$HUB_HOME" ]; then
    rm -rf "$HUB_HOME"
    HUB_HOME=""
  fi
}

wait_hub_ready() {
  local pid=$1 port=$2 log=$3
  for _ in $(seq 1 900); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready")" = 200 ] && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.1
  done
  echo "the hub was not ready within 90 s; its log: $log" >&2
  return 1
}

prepare_aq_ingest() {
  local base=http://127.0.0.1:$1 csv=$2/aq-registry.csv
  local auth=(-sS --fail-with-body -H "Authorization: Bearer $HUB_TOKEN")
  curl "${auth[@]}" -H 'Content-Type: application/json' -o /dev/null "$base/api/v1/admin/integrations" \
    -d '{"name":"bench-registry","connector":"airquality-registry","config":{}}' || return 1
  curl "${auth[@]}" -H 'Content-Type: text/csv' -o /dev/null --data-binary "@$csv" \
    "$base/api/v1/plugins/air-quality/registry/import" || return 1
  curl "${auth[@]}" -H 'Content-Type: application/json' -o /dev/null "$base/api/v1/admin/integrations" \
    -d '{"name":"bench-uplinks","connector":"airquality-http","config":{"path":"uplinks"}}'
}

cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat"
}

rss_kb() {
  awk '/^VmRSS/{print $2}' "/proc/$1/status" 2>/dev/null
}

peak_rss() {
  local peak=0 r
  for ((i = 0; i < $2 * 2; i++)); do
    r=$(rss_kb "$1") || break
    ((r > peak)) && peak=$r
    echo "$peak" >"$3"
    sleep 0.5
  done
}
