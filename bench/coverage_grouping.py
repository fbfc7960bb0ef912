#!/usr/bin/env python3
"""Scores the coverage engine's event grouping on a generated stream against the generator's own event ids.

usage: coverage_grouping.py BINARY [BINARY...] [--articles 30000]

The dev sets in ../shared are small and were read while the rules were made; this stream was not, and it is
written by another hand (`bench/coverage_stream.py --gold`: events of made-up names and numbers with reprints,
rewrites and follow-ups, two days of coverage each). A grouping rule that splits long events or merges distinct
ones shows here in B3 precision and recall, over every on-topic article, even when the dev sets do not move.
Session 14b's check (docs/coverage-log.md): two rules that looked good on the dev sets fired on hundreds of
same-event comparisons here. Each BINARY is replayed on the same stream, generated once into
${XDG_CACHE_HOME:-~/.cache}/tidings-bench/coverage-grouping-N. The figure is deterministic: no spread to report.
"""
import collections
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def stream(n_articles):
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    out = os.path.join(cache, "tidings-bench", f"coverage-grouping-{n_articles}")
    if not os.path.exists(os.path.join(out, "articles.jsonl")):
        os.makedirs(out, exist_ok=True)
        subprocess.run([sys.executable, os.path.join(HERE, "coverage_stream.py"), out,
                        "--articles", str(n_articles), "--gold"], check=True)
    return out


def b3(gold, system):
    """B-cubed precision, recall and F1 over the articles both name."""
    ids = [i for i in gold if i in system]
    if not ids:
        raise SystemExit("no article of the stream was grouped: is BINARY a tidings binary?")
    gold_sizes = collections.Counter(gold[i] for i in ids)
    system_sizes = collections.Counter(system[i] for i in ids)
    both = collections.Counter((gold[i], system[i]) for i in ids)
    precision = sum(both[(gold[i], system[i])] / system_sizes[system[i]] for i in ids) / len(ids)
    recall = sum(both[(gold[i], system[i])] / gold_sizes[gold[i]] for i in ids) / len(ids)
    return len(ids), len(gold_sizes), len(system_sizes), precision, recall, 2 * precision * recall / (precision + recall)


def main():
    args = sys.argv[1:]
    n_articles = 30_000
    if "--articles" in args:
        at = args.index("--articles")
        n_articles = int(args[at + 1])
        del args[at:at + 2]
    if not args:
        raise SystemExit(__doc__)
    folder = stream(n_articles)
    articles = os.path.join(folder, "articles.jsonl")
    gold = {}
    with open(articles) as f:
        for line in f:
            article = json.loads(line)
            if article.get("gold_event") is not None:
                gold[article["id"]] = article["gold_event"]
    for binary in args:
        run = subprocess.run([binary, "replay", "--config", os.path.join(folder, "topics.toml"), articles],
                             capture_output=True, text=True)
        if run.returncode != 0:
            raise SystemExit(f"{binary} replay failed ({run.returncode}): {run.stderr.strip()[:500]}")
        system = {}
        for line in run.stdout.splitlines():
            verdict = json.loads(line)
            if verdict.get("event") and verdict["id"] in gold:
                system[verdict["id"]] = verdict["event"]
        n, gold_events, system_events, p, r, f1 = b3(gold, system)
        print(f"{binary}: {n} articles, {gold_events} events generated, {system_events} found; "
              f"B3 precision {p:.4f} recall {r:.4f} F1 {f1:.4f}")


if __name__ == "__main__":
    main()
