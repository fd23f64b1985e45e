#!/usr/bin/env bash
# The bus crash test (issue 3, promise 1) for many rounds: the packaged hub is killed with SIGKILL under load (odd
# rounds) and 0.5 to 5 s after the load stopped (even rounds), and every event answered 2xx must be found exactly
# once. Runs distribution's BusCrashIT with more rounds and longer load than CI, on one kept hub folder, so the
# database grows over the rounds (past a gigabyte after about 8 million events) and earlier rounds are checked again
# after every later kill. Run it again with the same folder to go on where it stopped.
#
#   bench/crash-test.sh [rounds] [folder]     (builds this tree with -am; no install needed)
#
# Environment: LOAD_SECONDS (most seconds of load per round, default 40), CLIENTS (default 8), PADDING (characters
# of random text in each event's data, default 0: with PADDING=400 a run passes a gigabyte within about 3 million
# events instead of tens of millions, as the readings compress to a few bytes otherwise), SEED, DIST (an
# unpacked server to test instead of the one distribution/ builds, e.g. a copy kept while the tree changes);
# DB_URL, DB_USER, DB_PASSWORD: a database for the hub instead of its H2 file, e.g. an empty PostgreSQL database
# (DB_URL=jdbc:postgresql://127.0.0.1:5432/crash); the check then reads the events from there. Kill -9 is of the hub,
# not of the database server.
# KAFKA=1: the bus on Kafka. A broker (one KRaft node from core/testkit-kafka, replication factor 1) runs in a JVM of
# its own on loopback with its logs in <folder>/kafka, the hub gets DATENHAFEN_BUS=kafka (its database stays H2), and
# the check reads the topic crash.events from offset 0, decoding each record with the hub's own classes. Every third
# round kills the broker with SIGKILL under load instead (the hub must answer 503 with Retry-After until it is back,
# after about 30 s: the producer's delivery time-out), starts it again on its folder, then kills the hub under load.
# The default folder is then /tmp/datenhafen-crash-kafka: a Kafka run needs a folder of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-20}
# a Kafka run keeps its rounds apart from the database runs' (the broker's logs go with them)
HOME_DIR=${2:-${TMPDIR:-/tmp}/datenhafen-crash$([ -n "${KAFKA:-}" ] && [ "$KAFKA" != 0 ] && echo -kafka)}
mkdir -p "$HOME_DIR"
# a long run outlasts the build's bounds on an integration test (8 minutes a test, 20 a fork): lifted for this one
# and the hubs run with both JIT tiers, as shipped (the build's tests give theirs the first tier only: test.jit.args)
args=(-Dit.fork.timeout=0 -Djunit.jupiter.execution.timeout.mode=disabled -Dtest.jit.args=
      -Ddatenhafen.crash.rounds="$ROUNDS" -Ddatenhafen.crash.home="$HOME_DIR"
      -Ddatenhafen.crash.load-seconds="${LOAD_SECONDS:-40}" -Ddatenhafen.crash.clients="${CLIENTS:-8}")
[ -n "${SEED:-}" ] && args+=(-Ddatenhafen.crash.seed="$SEED")
[ -n "${PADDING:-}" ] && args+=(-Ddatenhafen.crash.padding="$PADDING")
[ -n "${DIST:-}" ] && args+=(-Ddatenhafen.crash.distribution="$(cd "$DIST" && pwd)")
[ -n "${KAFKA:-}" ] && [ "$KAFKA" != 0 ] && args+=(-Ddatenhafen.crash.kafka=true)
# the database login goes by environment variables (BusCrashIT reads DATENHAFEN_CRASH_DB_*), not on a command line
[ -n "${DB_URL:-}" ] && export DATENHAFEN_CRASH_DB_URL="$DB_URL" DATENHAFEN_CRASH_DB_USER="${DB_USER:-}" \
  DATENHAFEN_CRASH_DB_PASSWORD="${DB_PASSWORD:-}"
echo "crash test: $ROUNDS rounds in $HOME_DIR (output also in distribution/target/failsafe-reports/)"
status=0
# -am: the test classes are built against this tree's modules, not whatever an earlier install left in ~/.m2
./mvnw -B -q verify -pl distribution -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=BusCrashIT \
  -Dfailsafe.failIfNoSpecifiedTests=false "${args[@]}" || status=$?
grep -E '^(crash test|round )' distribution/target/failsafe-reports/de.datenhafen.distribution.BusCrashIT-output.txt \
  | awk '!seen[$0]++' || true
ls -l "$HOME_DIR/data/datenhafen.mv.db" 2>/dev/null || true
[ -d "$HOME_DIR/kafka" ] && du -sh "$HOME_DIR/kafka"
exit $status
