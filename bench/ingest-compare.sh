#!/usr/bin/env bash
# Before and after, side by side (issue 17): runs the shared harness (../shared/bench/run-peers.sh, copied out first as
# its README says) one round at a time, alternating between packaged hubs (e.g. a copy of main's and this tree's),
# so every build sees the same machine load; then prints the medians per build, target and connection count, with
# H/Ha per build, each build against the first one, and B alongside when it is among the targets.
#
#   cp -r ../shared/bench /tmp/bench && (cd /tmp/bench && ./run-peers.sh install)
#   BENCH=/tmp/bench bench/ingest-compare.sh before=/tmp/hub-before after=distribution/target/datenhafen-0.1.0-SNAPSHOT
#
# Environment: BENCH (the harness copy), ROUNDS (3), TARGETS ("H Ha"; add B for the bare limit: it runs once per
# round, before the hubs), DURATION (20), WARMUP (10), CONNS ("16 64"), OUT (results folder, default a new temporary one).
# Each round writes one harness folder per build (runs.tsv, rows.tsv with the kill -9 verdicts, server logs).
set -euo pipefail
BENCH=${BENCH:?a copy of the shared harness (see above)}
ROUNDS=${ROUNDS:-3}
TARGETS=${TARGETS:-H Ha}
OUT=${OUT:-$(mktemp -d)}
[ $# -ge 1 ] || { echo "usage: $0 label=unpacked-hub-folder ..." >&2; exit 2; }
mkdir -p "$OUT"
HUB_TARGETS=$(echo " $TARGETS " | sed 's/ B / /g')
for ((r = 1; r <= ROUNDS; r++)); do
  if [[ " $TARGETS " == *" B "* ]]; then
    echo "$(date +%H:%M:%S) round $r: B, load $(uptime | sed 's/.*load average: //')" | tee -a "$OUT/load.txt"
    (cd "$BENCH" && TARGETS=B ROUNDS=1 OUT="$OUT/B-r$r" ./run-peers.sh run >"$OUT/B-r$r.log" 2>&1)
  fi
  for spec in "$@"; do
    label=${spec%%=*}; dist=$(cd "${spec#*=}" && pwd)
    echo "$(date +%H:%M:%S) round $r: $label, load $(uptime | sed 's/.*load average: //')" | tee -a "$OUT/load.txt"
    (cd "$BENCH" && HUB_DIST="$dist" TARGETS="$HUB_TARGETS" ROUNDS=1 OUT="$OUT/$label-r$r" ./run-peers.sh run \
      >"$OUT/$label-r$r.log" 2>&1) || { echo "round $r of $label failed: see $OUT/$label-r$r.log" >&2; tail -20 "$OUT/$label-r$r.log" >&2; exit 1; }
  done
done
python3 - "$OUT" "$@" <<'EOF' | tee "$OUT/summary.md"
import csv, glob, os, statistics, sys
out, labels = sys.argv[1], [s.split("=", 1)[0] for s in sys.argv[2:]]
runs, verdicts = {}, []
for label in labels + ["B"]:
    for d in sorted(glob.glob("%s/%s-r*/" % (out, label))):
        for row in csv.DictReader(open(d + "runs.tsv"), delimiter="\t"):
            runs.setdefault((label, row["target"], row["conns"]), []).append(row)
        for row in csv.DictReader(open(d + "rows.tsv"), delimiter="\t"):
            verdicts.append("%s %s r%s: %s acknowledged, %s after kill -9, %s bytes/reading: %s" % (
                label, row["target"], d.rstrip("/").rsplit("-r", 1)[1], row["acknowledged_readings"],
                row["rows_after_kill9"], int(row["db_bytes"]) // max(1, int(row["rows_after_kill9"])), row["verdict"]))
med = lambda rows, f: statistics.median([float(r[f]) for r in rows if r[f]] or [0])
def cpu_us(rows):  # server CPU per reading over the measured seconds
    return statistics.median(float(r["server_cpu_s"]) * 1e6 / max(1.0, float(r["readings_per_s"]) * float(r["duration_s"]))
                             for r in rows)
print("| build | target | c | readings/s (median) | [min..max] | p50 ms | p99 ms | CPU us/reading | idle RSS MiB | peak RSS MiB |")
print("|---|---|---:|---:|---|---:|---:|---:|---:|---:|")
for (label, t, c), rows in sorted(runs.items(), key=lambda kv: (kv[0][1], int(kv[0][2]), kv[0][0])):
    rps = [float(r["readings_per_s"]) for r in rows]
    print("| %s | %s | %s | %s | %s..%s | %.1f | %.1f | %.1f | %.0f | %.0f |" % (
        label, t, c, format(round(statistics.median(rps)), ","), format(round(min(rps)), ","), format(round(max(rps)), ","),
        med(rows, "p50_ms"), med(rows, "p99_ms"), cpu_us(rows), med(rows, "idle_rss_kb") / 1024, med(rows, "peak_rss_kb") / 1024))
print()
ratio = lambda a, b: "%.2f" % (statistics.median(float(r["readings_per_s"]) for r in a) /
                               statistics.median(float(r["readings_per_s"]) for r in b)) if a and b else "-"
conns = sorted({c for (_, _, c) in runs}, key=int)
print("| ratio of medians | " + " | ".join("c=%s" % c for c in conns) + " |")
print("|---|" + "---:|" * len(conns))
for label in labels:
    print("| %s: H / Ha | " % label + " | ".join(ratio(runs.get((label, "H", c)), runs.get((label, "Ha", c))) for c in conns) + " |")
    for t in ("H", "Ha"):
        if ("B", "B", conns[0]) in runs:
            print("| %s: %s / B | " % (label, t) + " | ".join(ratio(runs.get((label, t, c)), runs.get(("B", "B", c))) for c in conns) + " |")
for label in labels[1:]:
    for t in ("H", "Ha"):
        print("| %s / %s: %s | " % (label, labels[0], t) + " | ".join(ratio(runs.get((label, t, c)), runs.get((labels[0], t, c))) for c in conns) + " |")
print()
print("kill -9 checks:")
for v in verdicts:
    print("- " + v)
print()
print("machine load at each start (uptime):")
print(open(out + "/load.txt").read())
EOF
