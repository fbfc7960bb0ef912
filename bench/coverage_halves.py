#!/usr/bin/env python3
"""The coverage engine's figures on the shared labelled sets, whole and in halves, as docs/coverage.md reports them.

Each set under ../shared (novelty-dev and the three novelty-real sets) is split in two by the SHA-1 of each
article's gold event id mod 2 (ECB+: of its topic, the event id without its `_ecb`/`_ecbplus` suffix, so the two
look-alike events of a topic stay together; an article with no gold event goes by its own id). Each half is
replayed on its own, with the set's topics, and scored by ../shared/novelty-real/score_realnews.py. The split is
fixed by the ids, so every run and every engineer gets the same halves; the product is measured on halves and
sets that are not here.

Usage: bench/coverage_halves.py BINARY [SET ...]   (default: every set; a SET is a directory or one of the names)
  prints one row per set and half: event-B3F1, new-event-F1, alert-F1, fact-recall, fact-precision.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
SETS = {
    "novelty-dev": os.path.join(SHARED, "novelty-dev"),
    "wire": os.path.join(SHARED, "novelty-real", "reprint-meter-dev"),
    "basil": os.path.join(SHARED, "novelty-real", "grouping-basil-dev"),
    "ecbplus": os.path.join(SHARED, "novelty-real", "grouping-ecbplus-dev"),
}
SCORER = os.path.join(SHARED, "novelty-real", "score_realnews.py")
METRICS = ["event-B3F1", "new-event-F1", "alert-F1", "fact-recall", "fact-precision"]


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def half_of(label, by_topic):
    key = label.get("event") or label["id"]
    if by_topic and label.get("event"):
        key = key.rsplit("_", 1)[0]
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % 2


def write_half(setdir, out, keep):
    labels = [l for l in read_jsonl(os.path.join(setdir, "labels.jsonl")) if l["id"] in keep]
    articles = [a for a in read_jsonl(os.path.join(setdir, "articles.jsonl")) if a["id"] in keep]
    os.makedirs(out)
    for name, rows in (("labels.jsonl", labels), ("articles.jsonl", articles)):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    for name in ("topics.toml", "set.json"):
        if os.path.exists(os.path.join(setdir, name)):
            with open(os.path.join(setdir, name), "rb") as src, open(os.path.join(out, name), "wb") as dst:
                dst.write(src.read())
    return len(articles)


def score(binary, setdir, scratch):
    metrics_file = os.path.join(scratch, "metrics.json")
    command = f"{binary} replay --config {{topics}} {{articles}}"
    result = subprocess.run([sys.executable, SCORER, setdir, "--cmd", command, "--json", metrics_file],
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"scoring {setdir} failed:\n{result.stdout}{result.stderr}")
    with open(metrics_file) as f:
        return json.load(f)


def cell(value):
    return f"{value:.3f}" if isinstance(value, (int, float)) else "n/a"


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    names = sys.argv[2:] or list(SETS)
    if not os.path.isfile(SCORER):
        sys.exit(f"{SCORER} is missing: this needs ../shared beside the project")
    print(f"{'set':<24} {'articles':>8} " + " ".join(f"{m:>14}" for m in METRICS))
    for name in names:
        setdir = SETS.get(name, name)
        by_topic = "ecbplus" in os.path.basename(os.path.normpath(setdir))
        labels = read_jsonl(os.path.join(setdir, "labels.jsonl"))
        halves = [{l["id"] for l in labels if half_of(l, by_topic) == h} for h in (0, 1)]
        with tempfile.TemporaryDirectory(prefix="tidings-halves.") as scratch:
            rows = [(name, len(labels), score(binary, setdir, scratch))]
            for h, keep in enumerate(halves):
                out = os.path.join(scratch, f"half{h}")
                count = write_half(setdir, out, keep)
                rows.append((f"  half {h}", count, score(binary, out, scratch)))
        for label, count, metrics in rows:
            print(f"{label:<24} {count:>8} " + " ".join(f"{cell(metrics.get(m)):>14}" for m in METRICS))


if __name__ == "__main__":
    main()
