#!/usr/bin/env python3
"""What of the JVM's own account is resident (issue 17): native memory tracking's "committed" is what the JVM asked
the kernel for, not what is in RAM (G1's mark stack, for example, is committed whole and touched only while marking).
This reads `jcmd <pid> VM.native_memory detail` (the JVM started with -XX:NativeMemoryTracking=detail) for the
committed ranges of each category and /proc/<pid>/pagemap for which of their pages are present, and prints per
category committed and resident MiB; the rest of the process's RSS is the C heap (malloc: the JIT's arenas, NIO and
zlib buffers, the JVM's own malloc'd tables) and the files mapped (libjvm.so, the class-data archive).

  python3 bench/nmt-resident.py <pid>        (as root or the process's user; pagemap needs read access)
"""
import collections
import re
import subprocess
import sys

pid = sys.argv[1]
detail = subprocess.run(["jcmd", pid, "VM.native_memory", "detail"], capture_output=True, text=True).stdout
reserved = re.compile(r"^\[0x([0-9a-f]+) - 0x([0-9a-f]+)\] reserved (\d+)KB for (.+?) from")
committed = re.compile(r"^\s+\[0x([0-9a-f]+) - 0x([0-9a-f]+)\] committed (\d+)KB")
ranges = collections.defaultdict(list)
category = None
for line in detail.splitlines():
    m = reserved.match(line)
    if m:
        category = m.group(4)
        continue
    m = committed.match(line)
    if m and category:
        ranges[category].append((int(m.group(1), 16), int(m.group(2), 16)))

PAGE = 4096
pagemap = open("/proc/%s/pagemap" % pid, "rb")


def present(start, end):
    pagemap.seek(start // PAGE * 8)
    data = pagemap.read((end - start) // PAGE * 8)
    return sum(1 for i in range(7, len(data), 8) if data[i] & 0x80) * PAGE


rss = int(re.search(r"VmRSS:\s+(\d+)", open("/proc/%s/status" % pid).read()).group(1)) * 1024
rows = []
for cat, rs in ranges.items():
    c = sum(e - s for s, e in rs)
    r = sum(present(s, e) for s, e in rs)
    rows.append((r, c, cat))
rows.sort(reverse=True)
print("%-28s %10s %10s" % ("category (mapped ranges)", "committed", "resident"))
for r, c, cat in rows:
    if c:
        print("%-28s %8.1f M %8.1f M" % (cat, c / 2**20, r / 2**20))
total = sum(r for r, _, _ in rows)
print("%-28s %8s   %8.1f M" % ("sum of mapped categories", "", total / 2**20))
print("%-28s %8s   %8.1f M  (C heap, mapped files, thread stacks' guard-free parts)" % ("RSS - that", "",
      (rss - total) / 2**20))
m = re.search(r"malloc: (\d+)KB", detail)
if m:
    print("%-28s %8s   %8.1f M  (what the JVM tracks as in use; the C heap keeps more)" % ("malloc in use", "",
          int(m.group(1)) / 1024))
