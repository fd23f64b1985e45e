#!/usr/bin/env bash
# The Kafka bus's log alone (issue 19): core/runtime's KafkaEventLogBench appends batches of 100 readings to one
# KafkaEventLog on an in-process KRaft broker (8 requests outstanding) and prints events/s, the JVM's CPU per event
# (hub and broker) and the bus-head follower's; KafkaKeyReadBench prints what reading a record's (source, id) costs
# three ways. With BASE=<commit>, KafkaEventLog.java of that commit is put in place for the run (and restored after),
# to set a change against its base in the same conditions: alternate the two.
#
#   bench/kafka-log-bench.sh [rounds] [seconds-per-round]
#   BASE=main bench/kafka-log-bench.sh 3 15
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=core/runtime/src/main/java/de/datenhafen/core/bus/KafkaEventLog.java
TESTS=KafkaEventLogBench,KafkaKeyReadBench
if [ -n "${BASE:-}" ]; then
  cp "$SRC" "$SRC.bench-keep"
  # touched after the move back: its time is older than the base's classes, which Maven would otherwise keep
  trap 'mv "$SRC.bench-keep" "$SRC"; touch "$SRC"' EXIT
  git show "$BASE:$SRC" > "$SRC"
  TESTS=KafkaEventLogBench
fi
./mvnw -B -q verify -pl core/runtime -am -Dtest=$TESTS -Dbench=true -Dbench.rounds="${1:-3}" \
  -Dbench.seconds="${2:-15}" -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -Djacoco.skip=true
for c in KafkaEventLogBench KafkaKeyReadBench; do
  f=core/runtime/target/surefire-reports/de.datenhafen.core.bus.$c-output.txt
  [ -f "$f" ] && [ "$f" -nt "$SRC" ] && grep -E '^(round|mean| +[0-9])' "$f"
done
echo "load: $(uptime | sed 's/.*load average: //')"
