#!/usr/bin/env bash
# Issue 6's numbers for the social-services plugin, in process (no HTTP):
#   import of a 20,000-service HSDS tabular data package (zip) into an H2 file database, with progress lines,
#   a re-import of the same package (nothing changes), a reload at start, and citizen searches over the
#   20,000 services (p50/p99/max per kind of query, "open now" included).
# Usage: plugins/social-services/bench/search-and-import.sh [services=20000] [queries per kind=2000]
set -euo pipefail
cd "$(dirname "$0")/../../.."
# the hub's modules come from the local repository (./mvnw -B -q install -DskipTests once)
./mvnw -B -q install -DskipTests -pl plugins/social-services
./mvnw -B -q -pl plugins/social-services dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test
CP="plugins/social-services/target/test-classes:plugins/social-services/target/classes:$(cat plugins/social-services/target/bench.classpath)"
exec java -Xmx1g -XX:+UseG1GC -cp "$CP" de.datenhafen.plugins.social.SocialBench "${1:-20000}" "${2:-2000}"
