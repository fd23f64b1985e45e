#!/usr/bin/env bash
# Time from `mvn archetype:generate` to a member's plugin enabled on a running hub (issue 14), as docs/plugins.md
# walks it: generate a plugin from the archetype in a temporary folder, build it with `mvn verify` (its unit and hub
# tests included) signed with a new key of a new member the packaged server's admin registers, install and enable
# the archive, create an integration and post one reading. Needs jq. Prints the seconds of each step and the total. Run from the repository's top folder, after
#   ./mvnw -B -q install -DskipTests        (the archetype, the plugin parent, the API and the testkit)
# or, without installing, after a `verify` of sdk/plugin-sdk-it, with SDK_REPO=sdk/plugin-sdk-it/target/sdk-repo (that
# build's artifacts in a repository of their own; Maven's plugins then come from ~/.m2, read-only).
#   bench/plugin-quickstart.sh [port]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/packaged-hub.sh
PORT=${1:-18093}
VERSION=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)
MVN=(./mvnw -B -q)
if [ -n "${SDK_REPO:-}" ]; then
  MVN+=(-o "-Dmaven.repo.local=$(cd "$SDK_REPO" && pwd)" "-Dmaven.repo.local.tail=$HOME/.m2/repository")
fi
WORK=$(mktemp -d)
HUB="http://127.0.0.1:$PORT"
H="Authorization: Bearer $HUB_TOKEN"
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

t0=$(now)
(cd "$WORK" && "$OLDPWD/${MVN[0]}" "${MVN[@]:1}" org.apache.maven.plugins:maven-archetype-plugin:3.3.1:generate \
  -DarchetypeGroupId=de.datenhafen -DarchetypeArtifactId=datenhafen-plugin-archetype -DarchetypeVersion="$VERSION" \
  -DarchetypeCatalog=local -DgroupId=org.example.meters -DartifactId=meters-plugin -Dpackage=org.example.meters \
  -DpluginId=meters -DpluginProvider="Example Meters GmbH")
t1=$(now)
# The hub requires signatures, as every hub does: the member, its key registered, the archive signed in the build
start_packaged_hub "$PORT" "$WORK/hub.log"
DIST=$(ls -d distribution/target/datenhafen-*/ | head -1)
call() { # name expected-status curl-args...: fails with the answer unless the status is the one expected
  local name=$1 want=$2; shift 2
  local got; got=$(curl -s -o "$WORK/$name.json" -w '%{http_code}' -H "$H" "$@")
  [ "$got" = "$want" ] || { echo "$name: $got $(cat "$WORK/$name.json")" >&2; exit 1; }
}
call member 201 -H 'Content-Type: application/json' -d '{"id":"example-meters","name":"Example Meters GmbH"}' \
  "$HUB/api/v1/admin/members"
"$DIST/bin/datenhafen" plugin keygen --out "$WORK/example-meters" >/dev/null
jq -n --rawfile k "$WORK/example-meters.pub.pem" '{publicKey: $k, name: "build key"}' >"$WORK/key-request.json"
call key 201 -H 'Content-Type: application/json' -d @"$WORK/key-request.json" \
  "$HUB/api/v1/admin/members/example-meters/keys"
t2=$(now)
"${MVN[@]}" -f "$WORK/meters-plugin/pom.xml" verify -Dplugin.signing.skip=false \
  -Dplugin.signing.key="$WORK/example-meters.pem" -Dplugin.signing.member=example-meters
t3=$(now)
call install 201 -H 'Content-Type: application/octet-stream' \
  --data-binary @"$WORK/meters-plugin/target/meters-0.1.0-SNAPSHOT.zip" "$HUB/api/v1/admin/plugins?enable=true"
call integration 201 -H 'Content-Type: application/json' \
  -d '{"name":"hall-meters","connector":"meters-readings","config":{}}' "$HUB/api/v1/admin/integrations"
call reading 202 -H 'Content-Type: text/plain' -d 42 "$HUB/api/v1/plugins/meters/readings?meter=hall-1"
t4=$(now)
echo "installed: $(cat "$WORK/install.json")"
echo "reading: $(cat "$WORK/reading.json")"
echo "plugin quickstart: generate $(secs "$t0" "$t1") s, hub start + member + key $(secs "$t1" "$t2") s," \
  "mvn verify, signed $(secs "$t2" "$t3") s, install + enable + integration + one reading $(secs "$t3" "$t4") s;" \
  "total $(secs "$t0" "$t4") s"
rm -rf "$WORK"
