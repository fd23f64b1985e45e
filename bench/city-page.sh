#!/usr/bin/env bash
# Issue 16's load numbers on the packaged hub (bin/datenhafen --demo in a fresh JVM): distribution's
# CityPageBenchIT, skipped in normal builds, run here with -Dbench=true. READERS readers of the city's page each
# refresh their page's data once a second (GET with the ETag of the last answer, as the page's module does; a third
# each on /schulen, a school's page and Marktplatz's departures) while CLIENTS ingest clients post batches of BATCH
# readings to the air-quality uplink ingest; rounds of SECONDS_PER_ROUND without and with readers alternate, PAIRS times.
# Printed: the readers' p50/p99/max, and the ingest's readings/s with readers against without.
#
#   bench/city-page.sh
#
# RATE=N offers N readings/s on a fixed schedule instead (latencies then count from when each post was due): the
# issue's "while the demo's ingest runs" at a steady rate; the city's 2,500 monitors send every 1 to 15 minutes,
# at most about 42 readings a second.
#
# Environment: READERS (500), SECONDS_PER_ROUND (20), PAIRS (3), CLIENTS (4), BATCH (10), RATE (0: as fast as
# answered). The figures are kept in
# distribution/target/city-page-numbers.txt. The load runs on the same cores as the hub.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q verify -pl distribution -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=CityPageBenchIT -Dfailsafe.failIfNoSpecifiedTests=false -Dbench=true \
  -Dbench.readers="${READERS:-500}" -Dbench.seconds="${SECONDS_PER_ROUND:-20}" -Dbench.pairs="${PAIRS:-3}" \
  -Dbench.clients="${CLIENTS:-4}" -Dbench.batch="${BATCH:-10}" -Dbench.rate="${RATE:-0}"
echo
cat distribution/target/city-page-numbers.txt
