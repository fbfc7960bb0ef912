#!/usr/bin/env python3
"""Which B-trees a run's WAL frames belong to (issue 19): the store's write volume per table and index, to tell a
change that shrinks the items' own pages from one that shrinks an index's or the feeds' rewrites.

SQLite writes each WAL frame as two pwrite64 calls, its 24-byte header (page number, then the database size after
a commit, else 0) and then the page. An strace log of those calls gives every frame's page number; the `dbstat`
virtual table of the finished store says which B-tree owns each page (in a cold cycle nothing is deleted, so a page
keeps its owner from its first frame to the end). STORE must be the traced run's own: another run of the same cycle
places pages differently (the feeds' batches interleave in another order) and the counts come out wrong. Counting from the log rather than from a copy of the WAL: the
checkpoint thread reuses the WAL every ~2,048 frames, so no single copy holds a whole cycle.

Usage: strace -f -qq -e trace=pwrite64 -e signal=none -s 8 -o LOG tidings poll --once --all --config C
       bench/wal-frames.py LOG STORE.db
(strace triples the cycle's wall time; the frame counts do not depend on it.)"""
import codecs
import collections
import re
import sqlite3
import sys

log, store = sys.argv[1], sys.argv[2]
# strace prints the first 8 bytes of the buffer (-s 8), escaped; a frame header is the write of exactly 24 bytes.
header = re.compile(r'pwrite64\(\d+, "(.*?)"(?:\.\.\.)?, 24, \d+\) = 24')
frames = []
with open(log, encoding="latin-1") as lines:
    for line in lines:
        match = header.search(line)
        if not match:
            continue
        head = codecs.escape_decode(match.group(1).encode("latin-1"))[0]
        if len(head) >= 8:
            frames.append((int.from_bytes(head[:4], "big"), int.from_bytes(head[4:8], "big")))
if not frames:
    sys.exit("no WAL frame headers in %s (traced with -e trace=pwrite64 -s 8?)" % log)

owner = dict((page, name) for name, page in sqlite3.connect(store).execute("SELECT name, pageno FROM dbstat"))
pages = collections.Counter(owner.values())
written = collections.Counter(owner.get(page, "(free or gone)") for page, _ in frames)
commits = sum(1 for _, size in frames if size)
print("%d frames in %d commits (%.1f a commit)" % (len(frames), commits, len(frames) / max(commits, 1)))
print("%-36s %8s %7s %8s" % ("B-tree", "frames", "share", "pages"))
for name, count in written.most_common():
    if count * 1000 >= len(frames):   # the schema's empty tables write one frame each: left out
        print("%-36s %8d %6.1f%% %8d" % (name, count, 100 * count / len(frames), pages.get(name, 0)))
