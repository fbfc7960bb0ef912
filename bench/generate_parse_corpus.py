#!/usr/bin/env python3
"""Writes a deterministic corpus of realistic news feeds (RSS 2.0 and Atom 1.0) for bench/10-parse.sh.

    generate_parse_corpus.py OUT_DIR [TOTAL_MB]

Same seed, same bytes: every run and every machine measures the same corpus. Feeds look like real news sites:
escaped and CDATA HTML in descriptions, content:encoded with paragraphs/links/images, named and numeric
entities, dc:creator, categories, media:content, enclosures, RFC 822 and RFC 3339 dates.
"""
import os
import random
import sys

WORDS = ("government minister election budget council police court report health hospital school university "
         "climate energy market shares bank inflation rates company workers strike union city river storm flood "
         "fire emergency services president parliament vote law reform tax housing prices transport rail airport "
         "football match season coach injury record festival music film award science research study data "
         "technology software security breach privacy internet network launch satellite space mission weather "
         "forecast summer winter farmers crops water drought talks agreement trade exports border officials "
         "statement spokesperson announced said according sources investigation").split()
NAMES = ["Alice Martin", "Bob Okafor", "Chen Wei", "Dana Kowalski", "Élodie Durand", "Farid Haddad", "Greta Lindqvist",
         "Hiro Tanaka", "Inés García", "José Müller"]
SECTIONS = ["World", "Politics", "Business", "Technology", "Science", "Health", "Sport", "Culture", "Local", "Climate"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def sentence(rng, lo=8, hi=22):
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    words[0] = words[0].capitalize()
    if rng.random() < 0.3:
        words.insert(rng.randint(1, len(words) - 1), rng.choice(["“quoted”", "O’Neill", "café", "naïve", "€5m", "—"]))
    return " ".join(words) + rng.choice([".", ".", ".", "?", "!"])


def paragraph_html(rng):
    parts = []
    for _ in range(rng.randint(2, 5)):
        words = sentence(rng).split(" ")
        if rng.random() < 0.3:
            i = rng.randrange(len(words) - 1)
            w = words[i]
            words[i] = '<a href="https://news.example.com/topic/%d?ref=rss&amp;src=feed">%s</a>' % (rng.randint(1, 9999), w)
        if rng.random() < 0.2:
            i = rng.randrange(len(words) - 1)
            if not words[i].startswith("<"):
                words[i] = "<strong>%s</strong>" % words[i]
        parts.append(" ".join(words))
    return "<p>" + " ".join(parts) + "</p>"


def xml_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def rfc822(rng):
    return "%s, %02d %s %d %02d:%02d:%02d %s" % (rng.choice(DAYS), rng.randint(1, 28), rng.choice(MONTHS),
                                                  rng.randint(2019, 2026), rng.randint(0, 23), rng.randint(0, 59),
                                                  rng.randint(0, 59), rng.choice(["GMT", "+0000", "-0500", "+0100"]))


def rfc3339(rng):
    return "%d-%02d-%02dT%02d:%02d:%02d%s" % (rng.randint(2019, 2026), rng.randint(1, 12), rng.randint(1, 28),
                                              rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
                                              rng.choice(["Z", "+00:00", "-04:00", "+02:00"]))


def rss_feed(rng, index, items):
    site = "https://site%03d.example.net" % index
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
           '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
           'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" '
           'xmlns:media="http://search.yahoo.com/mrss/">\n<channel>\n',
           '<title>Site %d News &amp; Analysis</title>\n<link>%s/</link>\n' % (index, site),
           '<atom:link href="%s/feed.xml" rel="self" type="application/rss+xml"/>\n' % site,
           '<description>Latest headlines from site %d</description>\n<language>en-gb</language>\n' % index,
           '<lastBuildDate>%s</lastBuildDate>\n<ttl>15</ttl>\n' % rfc822(rng)]
    for n in range(items):
        slug = "-".join(rng.choice(WORDS) for _ in range(5))
        url = "%s/%s/%d/%s" % (site, rng.choice(SECTIONS).lower(), 100000 + n, slug)
        title = sentence(rng, 5, 12).rstrip(".?!")
        if rng.random() < 0.2:
            title = title.replace(" ", " &amp; ", 1)
        desc = "".join(paragraph_html(rng) for _ in range(rng.randint(1, 2)))
        out.append("<item>\n<title>%s</title>\n<link>%s</link>\n" % (title, url))
        out.append('<guid isPermaLink="%s">%s</guid>\n' % ("true" if n % 3 else "false", url if n % 3 else "urn:uuid:%08x-%d" % (index, n)))
        out.append("<pubDate>%s</pubDate>\n<dc:creator>%s</dc:creator>\n" % (rfc822(rng), rng.choice(NAMES)))
        for _ in range(rng.randint(1, 3)):
            out.append("<category>%s</category>\n" % rng.choice(SECTIONS))
        if rng.random() < 0.5:
            out.append("<description><![CDATA[%s]]></description>\n" % desc)
        else:
            out.append("<description>%s</description>\n" % xml_escape(desc))
        if rng.random() < 0.6:
            body = "".join(paragraph_html(rng) for _ in range(rng.randint(3, 8)))
            body += '<figure><img src="%s/img/%d.jpg" alt="photo &amp; caption"/><figcaption>%s</figcaption></figure>' % (
                site, n, sentence(rng, 4, 8))
            out.append("<content:encoded><![CDATA[%s]]></content:encoded>\n" % body)
        if rng.random() < 0.4:
            out.append('<media:content url="%s/img/%d.jpg" type="image/jpeg" medium="image" width="1200"/>\n' % (site, n))
        if rng.random() < 0.1:
            out.append('<enclosure url="%s/audio/%d.mp3" type="audio/mpeg" length="%d"/>\n' % (site, n, rng.randint(10**6, 10**8)))
        out.append("</item>\n")
    out.append("</channel>\n</rss>\n")
    return "".join(out)


def atom_feed(rng, index, items):
    site = "https://blog%03d.example.org" % index
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">\n',
           '<title type="text">Blog %d</title>\n<link rel="alternate" type="text/html" href="%s/"/>\n' % (index, site),
           '<link rel="self" href="%s/atom.xml"/>\n<id>tag:blog%03d.example.org,2020:feed</id>\n' % (site, index),
           '<updated>%s</updated>\n' % rfc3339(rng)]
    for n in range(items):
        url = "%s/%d/%s" % (site, 2000 + n, "-".join(rng.choice(WORDS) for _ in range(4)))
        out.append("<entry>\n<title type=\"html\">%s</title>\n" % xml_escape(sentence(rng, 5, 10).rstrip(".?!")))
        out.append('<link rel="alternate" type="text/html" href="%s"/>\n<id>%s</id>\n' % (url, url))
        out.append("<published>%s</published>\n<updated>%s</updated>\n" % (rfc3339(rng), rfc3339(rng)))
        out.append("<author><name>%s</name><email>press@blog%03d.example.org</email></author>\n" % (rng.choice(NAMES), index))
        for _ in range(rng.randint(1, 3)):
            out.append('<category term="%s"/>\n' % rng.choice(SECTIONS))
        out.append('<summary type="html">%s</summary>\n' % xml_escape(paragraph_html(rng)))
        if rng.random() < 0.5:
            body = "".join(paragraph_html(rng) for _ in range(rng.randint(3, 8)))
            out.append('<content type="html">%s</content>\n' % xml_escape(body))
        else:
            body = "".join(paragraph_html(rng) for _ in range(rng.randint(3, 8)))
            out.append('<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">%s</div></content>\n' % body)
        out.append("</entry>\n")
    out.append("</feed>\n")
    return "".join(out)


def main():
    out_dir = sys.argv[1]
    total = int(float(sys.argv[2] if len(sys.argv) > 2 else 110) * 1_000_000)
    os.makedirs(out_dir, exist_ok=True)
    rng = random.Random(20261122)
    written = 0
    index = 0
    while written < total:
        items = rng.randint(20, 300)
        text = rss_feed(rng, index, items) if index % 3 else atom_feed(rng, index, items)
        data = text.encode("utf-8")
        with open(os.path.join(out_dir, "feed-%04d.xml" % index), "wb") as fh:
            fh.write(data)
        written += len(data)
        index += 1
    print("wrote %d files, %d bytes to %s" % (index, written, out_dir))


if __name__ == "__main__":
    main()
