#!/usr/bin/env python3
"""Generates the poll benchmark's feeds: N files, alternately RSS 2.0 and Atom 1.0, 20 items each, 30-60 KB.

    gen_feeds.py DIR --count 10000            writes DIR/feeds/NNNNN.{rss,atom} (skipped when already complete)
    gen_feeds.py DIR --change 100 --round R   rewrites 100 feeds (spread over the set) with a new first item

Deterministic for a given count (seeded), so a cached set is reused across runs.
"""
import argparse
import os
import random
import sys
import time
from xml.sax.saxutils import escape

WORDS = ("government minister election parliament economy market trade tariff defence military army navy "
         "summit treaty agreement talks ceasefire protest court ruling judge investigation report company "
         "shares profit loss inflation rate bank central growth forecast energy oil gas power climate storm "
         "flood drought harvest health hospital vaccine outbreak school university research science space "
         "launch satellite technology software security breach attack police arrest border refugee migration "
         "city council mayor budget tax reform strike union workers wages housing prices transport rail "
         "airport port shipping export import sanctions embassy diplomat foreign affairs spokesperson said "
         "on monday tuesday wednesday thursday friday according to officials sources familiar with the matter "
         "the a of in to and for with by from at over after before amid during while").split()


def paragraph(rng, words):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def item_text(rng, target_bytes):
    sentences = []
    size = 0
    while size < target_bytes:
        sentence = paragraph(rng, rng.randint(12, 28))
        sentences.append(sentence)
        size += len(sentence) + 1
    return " ".join(sentences)


def render(index, rng, round_number=0):
    is_atom = index % 2 == 1
    target = rng.randint(30_000, 60_000)
    per_item = max(200, (target - 800) // 20 - 260)
    items = []
    base_time = 1_760_000_000 + index * 37
    for position in range(20):
        serial = round_number * 20 + (20 - position)
        title = escape(paragraph(rng, rng.randint(6, 12)))
        text = escape(item_text(rng, per_item))
        stamp = base_time + serial * 600
        link = "https://news%d.example/%d/story-%d" % (index % 97, index, serial)
        if is_atom:
            updated = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp))
            items.append("<entry><title>%s</title><link href=\"%s\"/><id>%s</id><updated>%s</updated>"
                         "<summary>%s</summary></entry>" % (title, link, link, updated, text))
        else:
            published = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(stamp))
            items.append("<item><title>%s</title><link>%s</link><guid>%s</guid><pubDate>%s</pubDate>"
                         "<description>%s</description></item>" % (title, link, link, published, text))
    if is_atom:
        head = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
                "<title>Bench feed %d</title><id>urn:bench:%d</id><updated>2026-01-01T00:00:00Z</updated>\n" % (index, index))
        return head + "\n".join(items) + "\n</feed>\n", "atom"
    head = ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Bench feed %d</title>'
            "<link>https://news%d.example/</link><description>generated</description>\n" % (index, index % 97))
    return head + "\n".join(items) + "\n</channel></rss>\n", "rss"


def write(directory, index, round_number):
    rng = random.Random(index * 1_000_003 + round_number)
    text, extension = render(index, rng, round_number)
    path = os.path.join(directory, "%05d.%s" % (index, extension))
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)
    return path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--change", type=int, default=0)
    parser.add_argument("--round", type=int, default=1)
    args = parser.parse_args()
    feeds = os.path.join(args.directory, "feeds")
    os.makedirs(feeds, exist_ok=True)
    stamp = os.path.join(args.directory, "complete-%d" % args.count)
    if args.change:
        step = max(1, args.count // args.change)
        later = time.time() + 2
        for index in range(0, step * args.change, step):
            path = write(feeds, index, args.round)
            os.utime(path, (later, later))
        return
    if not os.path.exists(stamp):
        for index in range(args.count):
            write(feeds, index, 0)
        open(stamp, "w").close()
    with open(os.path.join(args.directory, "urls-template.txt"), "w") as handle:
        for index in range(args.count):
            handle.write("/feeds/%05d.%s\n" % (index, "atom" if index % 2 else "rss"))


if __name__ == "__main__":
    sys.exit(main())
