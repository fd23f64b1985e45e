#!/usr/bin/env bash
# Issue 13's two numbers on the packaged hub (bin/datenhafen --demo in a fresh JVM): distribution's
# IdentityNumbersBenchIT, skipped in normal builds, run here with -Dbench=true.
#  1. ingest with a member token against the bootstrap admin token, same run: concurrent clients post batches of plain
#     readings to the demo's airquality-http ingest (member-editors of luftblick and hub-admins), rounds alternating
#     member, bootstrap, member, ...; the median readings/s of each and their ratio (aim >= 0.95);
#  2. sign-in: users made through the identity API (setup codes), concurrent clients each signing in as its own user
#     again and again; p50/p95/p99 and sign-ins (Argon2id verifications) per second; and one Argon2id hash alone with
#     the parameters of the packaged conf/datenhafen.properties.
#
#   bench/identity-numbers.sh
#
# Environment: SECONDS_PER_ROUND (15), PAIRS (4), CLIENTS (8), BATCH (readings per post, 10), WARMUP (s, 30),
# LOGIN_CLIENTS (20), LOGIN_SECONDS (30), DIST (an unpacked server to measure instead of the one this build makes, e.g.
# a copy kept from before a change: cp -r distribution/target/datenhafen-*/ ../before). The figures are printed and kept in
# distribution/target/identity-numbers.txt. The load runs on the same cores as the hub.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q verify -pl distribution -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=IdentityNumbersBenchIT -Dfailsafe.failIfNoSpecifiedTests=false -Dbench=true \
  -Dbench.seconds="${SECONDS_PER_ROUND:-15}" -Dbench.pairs="${PAIRS:-4}" -Dbench.clients="${CLIENTS:-8}" \
  -Dbench.batch="${BATCH:-10}" -Dbench.warmup="${WARMUP:-30}" -Dbench.login.clients="${LOGIN_CLIENTS:-20}" \
  -Dbench.login.seconds="${LOGIN_SECONDS:-30}" -Dbench.distribution="${DIST:+$(cd "$DIST" && pwd)}"
echo
cat distribution/target/identity-numbers.txt
