#!/usr/bin/env python3
"""A labelled article stream replayed as live feeds into `tidings run` (issue 17, "Must show").

Each outlet of articles.jsonl becomes one RSS feed on a real nginx (127.0.0.1); the articles are added to their
outlets' feeds in rounds, and the daemon (SQLite store, log sink, poll interval 1 s) takes them in as it would
from the web. A round is written once the previous one is in the store and judged: nginx answered each changed
feed 304 (the daemon saves a feed's validators with its items) and nothing waits in the settle window.

Modes (--mode, repeatable; default all):
  one          one article per round, undisturbed (the baseline)
  one-kills    one article per round, 5 SIGKILLs (right after a changed feed was served, right after the log
               sink grew, at a random moment)
  one-reloads  one article per round, 3 SIGHUPs: a config with a syntax error, one with a bad value, then a good
               one with a second log sink (the first two must be rejected, the daemon must keep serving)
  rounds       16 rounds: several outlets change at once, the poller takes them in whatever order
  rounds-kills 16 rounds with 5 SIGKILLs
For each: alerts-F1 from the set's own scorer (score.py; an article "alerts" when any topic alerted on it),
articles whose alert/no-alert differs from `one`, alerts delivered twice, alerts undelivered at the end, and the
longest time a round took to be taken in and judged (a SIGKILLed daemon's lease is 60 s here: a round faster
than that did not wait one out).

usage: replay-daemon.py --binary PATH [--set DIR] [--mode M ...] [--settle 5s]
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "scripts"))
import faultkit  # noqa: E402
from email.utils import format_datetime  # noqa: E402

MODES = ["one", "one-kills", "one-reloads", "rounds", "rounds-kills"]


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "feed"


def config_text(setdir, store, feeds, logs, settle):
    with open(os.path.join(setdir, "topics.toml"), encoding="utf-8") as f:
        topics = f.read()
    text = faultkit.config_head(f'path = "{store}"', feeds, None if settle == "none" else settle)
    for index, path in enumerate(logs):
        text += f'[[alert]]\ntype = "log"\nname = "log-{index + 1}"\npath = "{path}"\n\n'
    # The set's topics last: their [[topic]] tables close the file.
    return text + "\n" + topics


def run_mode(mode, binary, setdir, settle, seed, keep):
    rng = random.Random(seed)
    articles = read_jsonl(os.path.join(setdir, "articles.jsonl"))
    work = tempfile.mkdtemp(prefix=f"tidings-replay-{mode}-")
    nginx = faultkit.Nginx(work)
    daemon = None
    try:
        outlets = list(dict.fromkeys(a["feed"] for a in articles))
        files = {outlet: f"{slug(outlet)}.xml" for outlet in outlets}
        feeds = [(outlet, nginx.url(files[outlet])) for outlet in outlets]
        for outlet in outlets:
            nginx.write_feed(files[outlet], faultkit.rss_feed(outlet, []))
        store = os.path.join(work, "state", "t.db")
        log1, log2 = os.path.join(work, "alerts.jsonl"), os.path.join(work, "alerts-2.jsonl")
        config = os.path.join(work, "tidings.toml")
        good = config_text(setdir, store, feeds, [log1], settle)
        with open(config, "w") as f:
            f.write(good)
        daemon = faultkit.Daemon(binary, config, work)

        if mode.startswith("rounds"):
            size = -(-len(articles) // 16)
            rounds = [articles[i:i + size] for i in range(0, len(articles), size)]
        else:
            rounds = [[a] for a in articles]
        kill_rounds = sorted(rng.sample(range(1, len(rounds) - 1), 5)) if mode.endswith("kills") else []
        kill_kinds = ["served", "log-grew", "random", "served", "log-grew"]
        reload_rounds = [len(rounds) // 4, len(rounds) // 2, 3 * len(rounds) // 4] if mode == "one-reloads" else []
        items = {outlet: [] for outlet in outlets}
        kills, reloads, worst = [], [], 0.0
        waits = []   # per round: from "all its feeds stored" to "nothing waits in the settle window"
        deliveries = []   # per round: from judged to "nothing owed in the outbox"

        def owed():
            try:
                return db.execute("SELECT count(*) FROM outbox WHERE state <> 'delivered'").fetchone()[0]
            except (sqlite3.Error, AttributeError):
                return -1
        db = None

        def settled():
            nonlocal db
            try:
                if db is None:
                    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5)
                return db.execute("SELECT count(*) FROM settling").fetchone()[0] == 0
            except sqlite3.OperationalError as error:
                if "no such table" in str(error):   # a build without the settle window: judged at once
                    return True
                db = None
                return False
            except sqlite3.Error:
                db = None
                return False

        for number, batch in enumerate(rounds):
            if number in reload_rounds:
                which = reload_rounds.index(number)
                if which == 0:
                    text = good.replace('interval = "1s"', 'interval = "1s', 1)            # a syntax error
                elif which == 1:
                    text = good.replace('max_interval = "2s"', 'max_interval = "2 fortnights"', 1)  # a bad value
                else:
                    good = config_text(setdir, store, feeds, [log1, log2], settle)
                    text = good
                with open(config + ".tmp", "w") as f:
                    f.write(text)
                os.rename(config + ".tmp", config)
                daemon.signal(signal.SIGHUP)
                reloads.append(number)
            began = time.time()
            marks = {}
            for article in batch:
                published = datetime.fromisoformat(article["published"].replace("Z", "+00:00"))
                items[article["feed"]].insert(0, {"title": article["title"], "link": article["url"], "text": article["text"],
                                                  "published": format_datetime(published, usegmt=True)})
            for outlet in dict.fromkeys(a["feed"] for a in batch):
                marks[outlet] = nginx.write_feed(files[outlet], faultkit.rss_feed(outlet, items[outlet]))
            if number in kill_rounds:
                kind = kill_kinds[kill_rounds.index(number)]
                size_before = os.path.getsize(log1) if os.path.exists(log1) else 0
                if kind == "served":
                    faultkit.eventually(30, lambda: any(
                        f[0] == "200" and f[1] == "/" + files[o] for o in marks for f in nginx.lines_since(marks[o])), 0.01)
                elif kind == "log-grew":
                    faultkit.eventually(15, lambda: os.path.exists(log1) and os.path.getsize(log1) > size_before, 0.01)
                else:
                    time.sleep(rng.uniform(0, 2))
                daemon.restart()
                kills.append((number, kind))
            stored = faultkit.eventually(300, lambda: all(nginx.committed_since(files[o], m) for o, m in marks.items()), 0.05)
            stored_at = time.time()
            ok = stored and faultkit.eventually(300, settled, 0.05)
            judged_at = time.time()
            waits.append(judged_at - stored_at)
            # Every alert of the round delivered (the log sinks): after a kill, taken back, not waited out.
            ok = ok and faultkit.eventually(300, lambda: owed() == 0, 0.05)
            deliveries.append(time.time() - judged_at)
            if not ok:
                raise RuntimeError(f"{mode}: round {number} not taken in within 300 s\n{daemon.log()[-3000:]}")
            if not daemon.running():
                raise RuntimeError(f"{mode}: the daemon exited: {daemon.log()[-3000:]}")
            worst = max(worst, time.time() - began)

        # Everything owed delivered (the log sinks), then stop.
        faultkit.eventually(120, lambda: owed() == 0, 0.2)
        undelivered = owed()
        status = daemon.terminate()
        log_text = "".join(daemon.log(g) for g in range(1, daemon.generation + 1))
        alerts = faultkit.log_lines(log1)
        ids = [a["id"] for a in alerts]
        by_url = {}
        for alert in alerts:
            by_url.setdefault(alert["article"]["url"], []).append(alert)
        out = []
        for article in articles:
            mine = by_url.get(article["url"], [])
            verdict = "new_event" if any(a["verdict"] == "new_event" for a in mine) else \
                "new_facts" if mine else "no_new_facts"
            facts = [f for a in mine for f in a.get("new_facts", [])]
            out.append({"id": article["id"], "topics": sorted({a["topic"] for a in mine}), "event": None,
                        "verdict": verdict, "new_facts": facts})
        output = os.path.join(work, "verdicts.jsonl")
        with open(output, "w") as f:
            for line in out:
                f.write(json.dumps(line) + "\n")
        scored = subprocess.run([sys.executable, os.path.join(setdir, "score.py"), setdir, "--output-file", output],
                                capture_output=True, text=True)
        last = scored.stdout.strip().splitlines()[-1] if scored.stdout.strip() else ""
        match = re.search(r"alert-F1 ([0-9.]+)", last)
        result = {
            "mode": mode, "alert_f1": float(match.group(1)) if match else None, "alerted": [o["verdict"] != "no_new_facts" for o in out],
            "alerts": len(set(ids)), "duplicates": len(ids) - len(set(ids)), "undelivered": undelivered,
            "kills": kills, "reloads": reloads, "worst_round_s": worst, "exit": status,
            "rejected_reloads": log_text.count("reload rejected"),
            "second_sink": len(faultkit.log_lines(log2)),
            "took_back": log_text.count("took back what a dead predecessor held"),
            "judge_wait_median": sorted(waits)[len(waits) // 2] if waits else 0.0,
            "judge_wait_max": max(waits) if waits else 0.0,
            "delivery_max": max(deliveries) if deliveries else 0.0,
            "work": work,
        }
        return result
    finally:
        if daemon is not None:
            daemon.kill9()
        nginx.stop()
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--set", default=os.path.join(os.path.dirname(os.path.dirname(HERE)), "shared", "novelty-dev"))
    parser.add_argument("--mode", action="append", choices=MODES)
    parser.add_argument("--settle", default="5s", help='the [coverage] settle window; "none" leaves the key out')
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    modes = args.mode or MODES
    results = {}
    for mode in modes:
        result = run_mode(mode, binary, os.path.abspath(args.set), args.settle, args.seed, args.keep)
        results[mode] = result
        base = results.get("one")
        differs = sum(a != b for a, b in zip(base["alerted"], result["alerted"])) if base else None
        print(f"replay-daemon {mode:13s} alerts-F1 {result['alert_f1']:.3f}  alerts {result['alerts']}  "
              f"differ-from-one {differs if differs is not None else '-'}  duplicates {result['duplicates']}  "
              f"undelivered {result['undelivered']}  kills {len(result['kills'])}  reloads {len(result['reloads'])} "
              f"(rejected {result['rejected_reloads']}, second sink got {result['second_sink']})  "
              f"slowest round {result['worst_round_s']:.1f} s  stored→judged median {result['judge_wait_median']:.1f} s "
              f"max {result['judge_wait_max']:.1f} s  judged→delivered max {result['delivery_max']:.1f} s  exit {result['exit']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
