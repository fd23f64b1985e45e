#!/usr/bin/env python3
"""Where the test suite's time goes: sums the Surefire and Failsafe reports left by a build.

    .ci/test-times.py [ROOT] [--top N]          # ROOT: a built checkout (default: this one), N: classes listed (25)
    .ci/test-times.py --compare BEFORE AFTER    # the same tables for two built checkouts side by side

Per module it prints the summed class times of each report kind: unit (surefire), fuzz (the fuzz profile's
*-fuzz forks) and it (failsafe), then the slowest classes. A class time is what JUnit measured from the class's
first callback to its last, so it leaves out fork start-up and Maven's own work (compiling, packaging): compare the
module sums with the reactor summary of the same build to see that part. Times from one run are comparable with
each other; between runs only when the machine was equally busy (other builds on the same cores slow everything).
"""
import collections, glob, os, re, sys
import xml.etree.ElementTree as ET

KINDS = ("unit", "fuzz", "it")


def collect(root):
    """{module: {kind: seconds}}, [(seconds, module, kind, class, tests)] for every report under root."""
    modules, classes = collections.defaultdict(lambda: collections.Counter()), []
    pattern = os.path.join(root, "**", "target", "*-reports", "TEST-*.xml")
    for path in glob.glob(pattern, recursive=True):
        folder = os.path.dirname(path)
        module = os.path.relpath(os.path.dirname(os.path.dirname(folder)), root)
        if os.path.basename(folder) == "failsafe-reports":
            kind = "it"
        elif path.endswith("-fuzz.xml"):
            kind = "fuzz"
        else:
            kind = "unit"
        try:
            suite = ET.parse(path).getroot()
        except ET.ParseError:
            continue  # a fork killed while writing
        seconds = float(suite.get("time") or 0)
        name = suite.get("name", "?").rsplit(".", 1)[-1]
        modules[module][kind] += seconds
        classes.append((seconds, module, kind, name, int(suite.get("tests") or 0)))
    return modules, sorted(classes, reverse=True)


def fmt(seconds):
    return "%d:%02d" % divmod(round(seconds), 60) if seconds else "-"


def table(root, top):
    modules, classes = collect(root)
    print("%-28s %8s %8s %8s %8s" % (("module",) + KINDS + ("sum",)))
    total = collections.Counter()
    for module in sorted(modules):
        row = modules[module]
        total.update(row)
        print("%-28s %8s %8s %8s %8s" % ((module,) + tuple(fmt(row[k]) for k in KINDS) + (fmt(sum(row.values())),)))
    print("%-28s %8s %8s %8s %8s" % (("all",) + tuple(fmt(total[k]) for k in KINDS) + (fmt(sum(total.values())),)))
    print("\nslowest classes (seconds, tests)")
    for seconds, module, kind, name, tests in classes[:top]:
        print("%7.1f %4d  %-4s %-24s %s" % (seconds, tests, kind, module, name))


def compare(before, after):
    (mb, cb), (ma, ca) = collect(before), collect(after)
    print("%-28s %9s %9s %9s" % ("module", "before", "after", "change"))
    tb = ta = 0
    for module in sorted(set(mb) | set(ma)):
        b, a = sum(mb[module].values()), sum(ma[module].values())
        tb, ta = tb + b, ta + a
        print("%-28s %9s %9s %+8.0fs" % (module, fmt(b), fmt(a), a - b))
    print("%-28s %9s %9s %+8.0fs" % ("all", fmt(tb), fmt(ta), ta - tb))
    key = lambda c: (c[1], c[2], c[3])
    bb, aa = {key(c): c[0] for c in cb}, {key(c): c[0] for c in ca}
    moved = sorted(set(bb) | set(aa), key=lambda k: -abs(aa.get(k, 0) - bb.get(k, 0)))
    print("\nclasses that changed most (seconds before -> after)")
    for k in moved[:25]:
        print("%7.1f -> %7.1f  %-4s %-24s %s" % (bb.get(k, 0), aa.get(k, 0), k[1], k[0], k[2]))


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--compare"] and len(args) == 3:
        compare(args[1], args[2])
    else:
        top = int(args[args.index("--top") + 1]) if "--top" in args else 25
        rest = [a for i, a in enumerate(args) if a != "--top" and (i == 0 or args[i - 1] != "--top")]
        table(rest[0] if rest else os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."), top)
