#!/usr/bin/env bash
# CPU per event of reading POST /api/v1/events' batches (issue 17): core/runtime's CloudEventsCodecBench reads the
# harness's kind of body (100 air-quality readings as CloudEvents) the full way (tree + SDK) and the fast path
# (streaming parser), alternating rounds in one JVM, in thread CPU time; prints a line per round and the mean.
#
#   bench/codec-bench.sh [rounds] [bodies-per-round]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q verify -pl core/runtime -am -Dtest=CloudEventsCodecBench -Dbench=true -Dbench.rounds="${1:-6}" \
  -Dbench.bodies="${2:-4000}" -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -Djacoco.skip=true
f=core/runtime/target/surefire-reports/de.datenhafen.core.http.CloudEventsCodecBench-output.txt
[ -f "$f" ] && grep -E '^(round|mean| +[0-9])' "$f"
echo "load: $(uptime | sed 's/.*load average: //')"
