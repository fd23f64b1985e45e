#!/usr/bin/env python3
"""Summary of a JFR recording printed by bench/ingest-profile.sh: hottest frames by thread group, allocation by class and site.

    bench/jfr-summary.py FOLDER   # FOLDER holds samples.txt and alloc.txt (jfr print --stack-depth 200 ...)
"""
import collections, re, sys
out = sys.argv[1]
frame = re.compile(r"^\s+([\w$.<>/]+)\(.*line:")
# execution samples: top frame, and every distinct frame on the stack (inclusive)
top, incl, threads, total = collections.Counter(), collections.Counter(), collections.Counter(), 0
for ev in open(out + "/samples.txt").read().split("jdk.ExecutionSample")[1:]:
    frames = [m.group(1) for m in (frame.match(l) for l in ev.splitlines()) if m]
    if not frames:
        continue
    total += 1
    t = re.search(r'sampledThread = "([^"]*)"', ev)
    threads[re.sub(r"[-#]?\d+$", "", t.group(1)) if t else "?"] += 1
    top[frames[0]] += 1
    for f in set(frames):
        incl[f] += 1
print("execution samples: %d" % total)
print("-- by thread (numbers stripped)")
for t, n in threads.most_common(12):
    print("%5.1f%% %s" % (100 * n / total, t))
print("-- top frames (self)")
for f, n in top.most_common(25):
    print("%5.1f%% %s" % (100 * n / total, f))
print("-- de.datenhafen frames (inclusive)")
for f, n in [x for x in incl.most_common() if x[0].startswith("de.datenhafen")][:25]:
    print("%5.1f%% %s" % (100 * n / total, f))
print("-- other frames (inclusive), top 30")
for f, n in [x for x in incl.most_common() if not x[0].startswith(("java.lang.Thread.run", "io.netty.util.concurrent.FastThreadLocalRunnable"))][:30]:
    print("%5.1f%% %s" % (100 * n / total, f))
# allocation samples: weight by class, and by the first de.datenhafen / io.cloudevents / jackson frame
by_class, by_site, weight = collections.Counter(), collections.Counter(), 0
for ev in open(out + "/alloc.txt").read().split("jdk.ObjectAllocationSample")[1:]:
    w = re.search(r"weight = ([\d.]+) (\w+)", ev)
    cls = re.search(r"objectClass = (\S+)", ev)
    if not w or not cls:
        continue
    v = float(w.group(1)) * {"bytes": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}.get(w.group(2), 1)
    weight += v
    by_class[cls.group(1)] += v
    frames = [m.group(1) for m in (frame.match(l) for l in ev.splitlines()) if m]
    site = next((f for f in frames if f.startswith(("de.datenhafen", "io.cloudevents", "org.h2", "org.apache.camel"))),
                frames[0] if frames else "?")
    by_site[site] += v
print("-- allocation (sampled weight %.0f MB) by class" % (weight / 1e6))
for c, v in by_class.most_common(15):
    print("%5.1f%% %s" % (100 * v / weight, c))
print("-- allocation by first hub/SDK/H2/Camel frame")
for c, v in by_site.most_common(20):
    print("%5.1f%% %s" % (100 * v / weight, c))
