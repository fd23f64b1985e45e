#!/usr/bin/env bash
# The social-services plugin's numbers (README "Numbers"):
#  1. in process (no HTTP): import of a generated HSDS tabular data package (zip) into an H2 file database, with
#     progress lines; a re-import of the same package (nothing changes); a reload as at start; citizen searches,
#     p50/p99/max per kind of query.
#  2. through HTTP on the packaged hub (distribution/target/datenhafen-*/, built by ./mvnw -B -q package -DskipTests):
#     the same package imported with POST /import, then query mixes (free text, topic, language, free, step-free,
#     distance, open now / open at), interleaved request by request, each with p50/p99, beside a baseline of the
#     same hub (GET of the HSDS root of the plugin). The machine's load average is printed before and after.
# Usage: plugins/social-services/bench/search-and-import.sh [services=20000] [queries per kind=2000] [http requests per mix=1000]
# INPROCESS=0 or HTTP=0 skip a part; PORT (default 18093) is the hub's port; HUB_JAVA_OPTS adds JVM options to the
# hub (for example -Xlog:gc), BENCH_JAVA_OPTS to the in-process benchmark. ValidatorBench (README "Numbers") runs with
# the class path built here: java -cp "$CP" de.datenhafen.plugins.social.ValidatorBench 20000
set -euo pipefail
cd "$(dirname "$0")/../../.."
SERVICES=${1:-20000}
QUERIES=${2:-2000}
REQUESTS=${3:-1000}
OUT=plugins/social-services/target/bench
mkdir -p "$OUT"
# the hub's modules come from the local repository (./mvnw -B -q install -DskipTests once)
./mvnw -B -q install -DskipTests -pl plugins/social-services
./mvnw -B -q -pl plugins/social-services dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test
CP="plugins/social-services/target/test-classes:plugins/social-services/target/classes:$(cat plugins/social-services/target/bench.classpath)"
echo "== machine: $(nproc) cores, $(java -version 2>&1 | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "${INPROCESS:-1}" = 1 ]; then
  echo "== in process"
  # shellcheck disable=SC2086
  java -Xmx1g -XX:+UseG1GC ${BENCH_JAVA_OPTS:-} -cp "$CP" de.datenhafen.plugins.social.SocialBench "$SERVICES" "$QUERIES"
  echo "== load average $(cut -d' ' -f1-3 /proc/loadavg)"
fi

if [ "${HTTP:-1}" = 1 ]; then
  PORT=${PORT:-18093}
  # shellcheck source=../../../bench/packaged-hub.sh
  . bench/packaged-hub.sh
  TOKEN=$HUB_TOKEN
  if ! DATENHAFEN_CDS=false \
    DATENHAFEN_JAVA_OPTS="-Xms64m -Xmx1g -XX:+UseG1GC -XX:MaxMetaspaceSize=256m -Xss512k ${HUB_JAVA_OPTS:-}" \
    start_packaged_hub "$PORT" "$OUT/hub.log"; then
    echo "== http: skipped"
    exit 0
  fi
  echo "== http (packaged hub, -Xmx1g ${HUB_JAVA_OPTS:-}, log in $OUT/hub.log); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  java -Xmx512m -cp "$CP" de.datenhafen.plugins.social.SocialHttpBench "http://127.0.0.1:$PORT" "$TOKEN" \
    "$SERVICES" "$REQUESTS" 15
  grep -E "social-services import:" "$OUT/hub.log" | sed 's/^.*social-services import: /hub import: /' | grep -v written || true
  echo "== load average $(cut -d' ' -f1-3 /proc/loadavg)"
fi
